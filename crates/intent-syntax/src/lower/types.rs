//! Type expressions.

use super::{Lower, Nodes};
use crate::ast::*;
use crate::grammar::Rule;
use pest::iterators::Pair;

impl Lower {
    pub(crate) fn type_expr(&self, pair: Pair<'_, Rule>) -> TypeExpr {
        let span = self.span(&pair);
        let mut terms: Vec<TypeExpr> = pair.into_inner().map(|t| self.type_term(t)).collect();
        if terms.len() == 1 {
            return terms.remove(0);
        }
        TypeExpr {
            kind: TypeKind::Union(terms),
            span,
        }
    }

    fn type_term(&self, pair: Pair<'_, Rule>) -> TypeExpr {
        let span = self.span(&pair);
        let mut nodes = Nodes::of(pair);
        let base = self.type_atom(nodes.next());
        let refinements: Vec<Refinement> =
            nodes.rest().filter_map(|r| self.refinement(r)).collect();
        if refinements.is_empty() {
            return base;
        }
        TypeExpr {
            kind: TypeKind::Refined {
                base: Box::new(base),
                refinements,
            },
            span,
        }
    }

    fn type_atom(&self, pair: Pair<'_, Rule>) -> TypeExpr {
        let span = self.span(&pair);
        let kind = match pair.as_rule() {
            Rule::type_expr => return self.type_expr(pair),
            Rule::list_type => TypeKind::List(Box::new(self.type_expr(Nodes::of(pair).next()))),
            Rule::record_type => return self.record_type(pair),
            Rule::named_type => TypeKind::Named(self.ident(Nodes::of(pair).next())),
            Rule::literal_type => {
                let inner = Nodes::of(pair).next();
                TypeKind::Literal(match inner.as_rule() {
                    Rule::string => LiteralType::String(self.string(inner).display()),
                    // A type cannot be left out: one with an unknown unit keeps its number.
                    Rule::signed_number => LiteralType::Number(
                        self.signed_number(inner)
                            .unwrap_or_else(|unitless| unitless),
                    ),
                    Rule::boolean => LiteralType::Bool(inner.as_str().starts_with('t')),
                    _ => LiteralType::Null,
                })
            }
            other => unreachable!("type atom {other:?}"),
        };
        TypeExpr { kind, span }
    }

    /// `exact? { fields }`.
    pub(crate) fn record_type(&self, pair: Pair<'_, Rule>) -> TypeExpr {
        let span = self.span(&pair);
        let exact = pair.as_str().starts_with("exact");
        let fields = self.fields(Nodes::of(pair).next());
        TypeExpr {
            kind: TypeKind::Record { exact, fields },
            span,
        }
    }

    pub(crate) fn fields(&self, pair: Pair<'_, Rule>) -> Vec<Field> {
        pair.into_inner()
            .map(|field| {
                let span = self.span(&field);
                let mut nodes = Nodes::of(field);
                let name = self.ident(nodes.next());
                let optional = nodes.take(Rule::optional_mark).is_some();
                Field {
                    name,
                    optional,
                    ty: self.type_expr(nodes.next()),
                    span,
                }
            })
            .collect()
    }

    /// A refinement, or `None` when a bound has an unknown unit: that is reported, and the
    /// type is then checked without the bound rather than with a bound of no unit.
    fn refinement(&self, pair: Pair<'_, Rule>) -> Option<Refinement> {
        let span = self.span(&pair);
        let rule = pair.as_rule();
        let mut nodes = Nodes::of(pair);
        let kind = match rule {
            Rule::range_refine => {
                // Both bounds are lowered, so that each unknown unit is reported.
                let min = self.signed_number(nodes.next());
                let max = self.signed_number(nodes.next());
                RefinementKind::Range {
                    min: min.ok()?,
                    max: max.ok()?,
                }
            }
            Rule::compare_refine => {
                let op = match nodes.next().as_str() {
                    "<" => CompareOp::Lt,
                    "<=" => CompareOp::Le,
                    ">" => CompareOp::Gt,
                    ">=" => CompareOp::Ge,
                    _ => CompareOp::Ne,
                };
                RefinementKind::Compare {
                    op,
                    value: self.signed_number(nodes.next()).ok()?,
                }
            }
            Rule::matching_refine => RefinementKind::Matching(self.regex(nodes.next())),
            _ => RefinementKind::NonEmpty,
        };
        Some(Refinement { kind, span })
    }
}
