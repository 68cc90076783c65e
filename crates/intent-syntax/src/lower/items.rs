//! Top-level items.

use super::statements::BlockKind;
use super::{Lower, Nodes};
use crate::ast::*;
use crate::grammar::Rule;
use intent_source::{code, did_you_mean};
use pest::iterators::Pair;

/// Lowers one item pair (any of the `*_item` rules).
pub(crate) fn lower_item(lower: &Lower, pair: Pair<'_, Rule>) -> Item {
    let span = lower.span(&pair);
    let rule = pair.as_rule();
    let mut nodes = Nodes::of(pair);
    match rule {
        Rule::spec_item => Item::Spec(SpecMeta {
            title: lower.string(nodes.next()),
            entries: nodes
                .take(Rule::meta_block)
                .map(|block| {
                    block
                        .into_inner()
                        .map(|entry| {
                            let span = lower.span(&entry);
                            let mut parts = Nodes::of(entry);
                            MetaEntry {
                                key: lower.ident(parts.next()),
                                value: lower.expr(parts.next()),
                                span,
                            }
                        })
                        .collect()
                })
                .unwrap_or_default(),
            span,
        }),
        Rule::use_item => Item::Use(Use {
            path: lower.string(nodes.next()),
            span,
        }),
        Rule::target_item => Item::Target(Target {
            name: lower.ident(nodes.next()),
            url: lower.expr(nodes.next()),
            clauses: nodes
                .take(Rule::clause_block)
                .map(|block| lower.clauses(block.into_inner()))
                .unwrap_or_default(),
            span,
        }),
        Rule::let_item => Item::Let(Let {
            name: lower.ident(nodes.next()),
            value: lower.expr(nodes.next()),
            span,
        }),
        Rule::secret_item => Item::Secret(Secret {
            name: lower.ident(nodes.next()),
            value: lower.expr(nodes.next()),
            span,
        }),
        Rule::type_item => {
            let name = lower.ident(nodes.next());
            let body = nodes.next();
            let ty = if body.as_rule() == Rule::record_type {
                lower.record_type(body)
            } else {
                lower.type_expr(body)
            };
            Item::Type(TypeDef { name, ty, span })
        }
        Rule::step_item => {
            let pattern = lower.step_pattern(nodes.next());
            let returns = nodes.take(Rule::returns).map(|r| lower.returns(r));
            Item::Step(StepDef {
                pattern,
                returns,
                body: lower.block(nodes.next(), BlockKind::Step),
                span,
            })
        }
        Rule::intent_item => Item::Intent(Intent {
            title: lower.string(nodes.next()),
            tags: lower.tags(nodes.next()),
            body: lower.block(nodes.next(), BlockKind::Intent),
            span,
        }),
        Rule::dataset_item => Item::Dataset(Dataset {
            name: lower.ident(nodes.next()),
            path: lower.string(nodes.next()),
            columns: lower.fields(nodes.next()),
            span,
        }),
        Rule::evaluate_item => Item::Evaluate(Evaluate {
            title: lower.string(nodes.next()),
            tags: lower.tags(nodes.next()),
            dataset: lower.ident(nodes.next()),
            row: lower.ident(nodes.next()),
            body: lower.block(nodes.next(), BlockKind::Evaluate),
            span,
        }),
        Rule::load_item => Item::Load(Load {
            title: lower.string(nodes.next()),
            tags: lower.tags(nodes.next()),
            body: lower.block(nodes.next(), BlockKind::Load),
            span,
        }),
        Rule::policy_item => {
            let title = lower.string(nodes.next());
            let tags = lower.tags(nodes.next());
            let level = nodes
                .take(Rule::policy_level)
                .and_then(|l| lower.policy_level(l));
            let scope = lower.policy_scope(nodes.next());
            Item::Policy(Policy {
                title,
                tags,
                level,
                scope,
                body: lower.block(nodes.next(), BlockKind::Policy),
                span,
            })
        }
        Rule::monitor_item => Item::Monitor(Monitor {
            title: lower.string(nodes.next()),
            tags: lower.tags(nodes.next()),
            every: lower.expr(nodes.next()),
            body: lower.block(nodes.next(), BlockKind::Monitor),
            span,
        }),
        other => unreachable!("item rule {other:?}"),
    }
}

/// Lowers a `tag_expr` pair.
pub(crate) fn lower_tag_expr(lower: &Lower, pair: Pair<'_, Rule>) -> TagExpr {
    lower.tag_expr(pair)
}

impl Lower {
    fn step_pattern(&self, pair: Pair<'_, Rule>) -> StepPattern {
        let span = self.span(&pair);
        let parts = pair
            .into_inner()
            .map(|part| {
                let span = self.span(&part);
                if part.as_rule() == Rule::step_text {
                    PatternPart::Text {
                        text: part.as_str().to_string(),
                        span,
                    }
                } else {
                    let mut nodes = Nodes::of(part);
                    PatternPart::Param {
                        name: self.ident(nodes.next()),
                        ty: self.type_expr(nodes.next()),
                        span,
                    }
                }
            })
            .collect();
        StepPattern { parts, span }
    }

    pub(crate) fn returns(&self, pair: Pair<'_, Rule>) -> TypeExpr {
        self.type_expr(Nodes::of(pair).next())
    }

    fn policy_level(&self, pair: Pair<'_, Rule>) -> Option<Spanned<PolicyLevel>> {
        let word = Nodes::of(pair).next();
        let span = self.span(&word);
        let value = match word.as_str() {
            "fail" => PolicyLevel::Fail,
            "warn" => PolicyLevel::Warn,
            "off" => PolicyLevel::Off,
            other => {
                let mut builder = self
                    .error(
                        code::UNKNOWN_POLICY_LEVEL,
                        format!("unknown policy level `{other}`"),
                        span,
                    )
                    .label("not a level");
                builder = match did_you_mean(other, ["fail", "warn", "off"]) {
                    Some(s) => {
                        builder.help(format!("did you mean `{s}`? levels are fail, warn and off"))
                    }
                    None => builder.help("levels are fail, warn and off"),
                };
                drop(builder);
                return None;
            }
        };
        Some(Spanned { value, span })
    }

    fn policy_scope(&self, pair: Pair<'_, Rule>) -> PolicyScope {
        let inner = Nodes::of(pair).next();
        let span = self.span(&inner);
        if inner.as_rule() == Rule::scope_responses {
            PolicyScope::Responses {
                from: Nodes::of(inner).rest().next().map(|t| self.ident(t)),
                span,
            }
        } else {
            PolicyScope::Intents {
                tags: self.tag_expr(Nodes::of(inner).next()),
                span,
            }
        }
    }

    pub(crate) fn tag_expr(&self, pair: Pair<'_, Rule>) -> TagExpr {
        match pair.as_rule() {
            Rule::tag_expr | Rule::tag_term => {
                let mut operands = pair
                    .into_inner()
                    .filter(|p| matches!(p.as_rule(), Rule::tag_term | Rule::tag_factor));
                let first = self.tag_expr(operands.next().expect("a tag expression has a term"));
                operands.fold(first, |acc, next| {
                    let rhs = self.tag_expr(next.clone());
                    if next.as_rule() == Rule::tag_term {
                        TagExpr::Or(Box::new(acc), Box::new(rhs))
                    } else {
                        TagExpr::And(Box::new(acc), Box::new(rhs))
                    }
                })
            }
            _ => {
                // tag_factor: `not`* then a tag or a parenthesised expression.
                let mut nots = 0;
                let mut inner = None;
                for p in pair.into_inner() {
                    match p.as_rule() {
                        Rule::tag_not => nots += 1,
                        Rule::tag => inner = Some(TagExpr::Tag(self.tag(p))),
                        _ => inner = Some(self.tag_expr(p)),
                    }
                }
                let mut expr = inner.expect("a tag factor has a tag");
                for _ in 0..nots {
                    expr = TagExpr::Not(Box::new(expr));
                }
                expr
            }
        }
    }
}
