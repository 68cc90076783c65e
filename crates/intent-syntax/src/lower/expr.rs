//! Expressions and literals.

use super::{Lower, Nodes};
use crate::ast::*;
use crate::grammar::Rule;
use intent_source::{code, did_you_mean};
use pest::iterators::Pair;
use pest::pratt_parser::{Assoc, Op, PrattParser};
use std::sync::LazyLock;

/// The most operands and operators one expression may have. Longer chains would build trees
/// deep enough to endanger later recursive stages; real checks stay far below.
const MAX_EXPRESSION_PARTS: usize = 256;

static PRATT: LazyLock<PrattParser<Rule>> = LazyLock::new(|| {
    use Assoc::Left;
    use Rule::*;
    PrattParser::new()
        .op(Op::infix(op_or, Left))
        .op(Op::infix(op_and, Left))
        .op(Op::prefix(op_not))
        .op(Op::infix(op_eq, Left)
            | Op::infix(op_ne, Left)
            | Op::infix(op_lt, Left)
            | Op::infix(op_le, Left)
            | Op::infix(op_gt, Left)
            | Op::infix(op_ge, Left)
            | Op::infix(op_in, Left)
            | Op::infix(op_not_in, Left)
            | Op::infix(op_is, Left)
            | Op::infix(op_is_not, Left)
            | Op::infix(op_matches, Left)
            | Op::infix(op_not_matches, Left)
            | Op::infix(op_contains, Left)
            | Op::infix(op_not_contains, Left)
            | Op::infix(op_starts_with, Left)
            | Op::infix(op_ends_with, Left))
        .op(Op::infix(op_range, Left))
        .op(Op::infix(op_add, Left) | Op::infix(op_sub, Left))
        .op(Op::infix(op_mul, Left) | Op::infix(op_div, Left))
        .op(Op::prefix(op_neg))
        .op(Op::postfix(op_field)
            | Op::postfix(op_index)
            | Op::postfix(op_call)
            | Op::postfix(op_exists)
            | Op::postfix(op_absent))
});

impl Lower {
    pub(crate) fn expr(&self, pair: Pair<'_, Rule>) -> Expr {
        debug_assert!(matches!(pair.as_rule(), Rule::expr | Rule::inner_expr));
        let span = self.span(&pair);
        if pair.clone().into_inner().count() > MAX_EXPRESSION_PARTS {
            self.error(
                code::NESTING_TOO_DEEP,
                format!(
                    "this expression has more than {MAX_EXPRESSION_PARTS} operators and operands"
                ),
                span,
            )
            .label("too long")
            .help("split it into several checks or named `let` values");
            return Expr {
                kind: ExprKind::Null,
                span,
            };
        }
        PRATT
            .map_primary(|p| self.primary(p))
            .map_prefix(|op, operand| {
                let span = self.span(&op).to(operand.span);
                let op = match op.as_rule() {
                    Rule::op_not => UnaryOp::Not,
                    _ => UnaryOp::Neg,
                };
                Expr {
                    kind: ExprKind::Unary {
                        op,
                        operand: Box::new(operand),
                    },
                    span,
                }
            })
            .map_postfix(|base, op| self.postfix(base, op))
            .map_infix(|lhs, op, rhs| {
                let span = lhs.span.to(rhs.span);
                Expr {
                    kind: ExprKind::Binary {
                        op: binary_op(op.as_rule()),
                        lhs: Box::new(lhs),
                        rhs: Box::new(rhs),
                    },
                    span,
                }
            })
            .parse(pair.into_inner())
    }

    fn postfix(&self, base: Expr, op: Pair<'_, Rule>) -> Expr {
        let span = base.span.to(self.span(&op));
        let kind = match op.as_rule() {
            Rule::op_field => {
                let field = Nodes::of(op).next();
                ExprKind::Field {
                    base: Box::new(base),
                    field: self.ident(field),
                }
            }
            Rule::op_index => ExprKind::Index {
                base: Box::new(base),
                index: Box::new(self.expr(Nodes::of(op).next())),
            },
            Rule::op_call => ExprKind::Call {
                callee: Box::new(base),
                args: Nodes::of(op).rest().map(|a| self.expr(a)).collect(),
            },
            Rule::op_exists => ExprKind::Exists(Box::new(base)),
            _ => ExprKind::Absent(Box::new(base)),
        };
        Expr { kind, span }
    }

    pub(crate) fn primary(&self, pair: Pair<'_, Rule>) -> Expr {
        let span = self.span(&pair);
        let kind = match pair.as_rule() {
            Rule::number => self.number(pair).map_or(ExprKind::Error, ExprKind::Number),
            Rule::string | Rule::raw_string => ExprKind::String(self.string(pair)),
            Rule::regex => ExprKind::Regex(self.regex(pair)),
            Rule::boolean => ExprKind::Bool(pair.as_str().starts_with('t')),
            Rule::null => ExprKind::Null,
            Rule::ident => ExprKind::Name(pair.as_str().to_string()),
            Rule::paren => return self.expr(Nodes::of(pair).next()),
            Rule::header_access => ExprKind::Header(self.string(Nodes::of(pair).next())),
            Rule::list => ExprKind::List(Nodes::of(pair).rest().map(|e| self.expr(e)).collect()),
            Rule::object => ExprKind::Object(
                Nodes::of(pair)
                    .rest()
                    .map(|entry| {
                        let mut nodes = Nodes::of(entry);
                        let key = nodes.next();
                        let key = self.key(key);
                        ObjectEntry {
                            key,
                            value: self.expr(nodes.next()),
                        }
                    })
                    .collect(),
            ),
            Rule::quantifier => {
                let mut nodes = Nodes::of(pair);
                let kind = if nodes.next().as_str() == "every" {
                    Quantifier::Every
                } else {
                    Quantifier::Some
                };
                ExprKind::Quantifier {
                    kind,
                    var: self.ident(nodes.next()),
                    collection: Box::new(self.expr(nodes.next())),
                    predicate: Box::new(self.expr(nodes.next())),
                }
            }
            other => unreachable!("primary rule {other:?} is not in the grammar's primary"),
        };
        Expr { kind, span }
    }

    /// An object key or query name: a word, or a string without interpolation.
    pub(crate) fn key(&self, pair: Pair<'_, Rule>) -> Ident {
        if pair.as_rule() != Rule::string {
            return self.ident(pair);
        }
        let lit = self.string(pair);
        if lit.as_plain().is_none() {
            self.error(
                code::UNEXPECTED_INPUT,
                "a key cannot interpolate values",
                lit.span,
            )
            .label("interpolated key")
            .help("write the key as plain text; put computed values on the right of `:` or `=`");
        }
        Ident {
            name: lit.display(),
            span: lit.span,
        }
    }

    pub(crate) fn ident(&self, pair: Pair<'_, Rule>) -> Ident {
        Ident {
            name: pair.as_str().to_string(),
            span: self.span(&pair),
        }
    }

    /// A number with its unit. An unknown unit is reported here, and the number comes back
    /// as `Err`, without a unit: used as a plain number it would draw a second, wrong error
    /// ("give the number a unit"), so callers that can leave it out do.
    pub(crate) fn number(&self, pair: Pair<'_, Rule>) -> Result<NumberLit, NumberLit> {
        let mut number = NumberLit {
            digits: String::new(),
            unit: None,
        };
        let mut known = true;
        for part in pair.into_inner() {
            match part.as_rule() {
                Rule::digits | Rule::fraction => number.digits.push_str(part.as_str()),
                _ => {
                    number.unit = self.unit(&part);
                    known = number.unit.is_some();
                }
            }
        }
        if known { Ok(number) } else { Err(number) }
    }

    fn unit(&self, pair: &Pair<'_, Rule>) -> Option<Unit> {
        let text = pair.as_str();
        let unit = Unit::parse(text);
        if unit.is_none() {
            let known = Unit::ALL.iter().map(|(s, _)| *s);
            let mut builder = self
                .error(
                    code::UNKNOWN_UNIT,
                    format!("unknown unit `{text}`"),
                    self.span(pair),
                )
                .label("not a unit");
            let names = Unit::ALL
                .iter()
                .map(|(s, _)| *s)
                .collect::<Vec<_>>()
                .join(" ");
            builder = match did_you_mean(text, known).or_else(|| long_unit(text)) {
                Some(s) => builder.help(format!("did you mean `{s}`? units are: {names}")),
                None => builder.help(format!("units are: {names}")),
            };
            drop(builder);
        }
        unit
    }

    /// A number with an optional `-`; `Err` when its unit is unknown, as for [`Self::number`].
    pub(crate) fn signed_number(&self, pair: Pair<'_, Rule>) -> Result<SignedNumber, SignedNumber> {
        let span = self.span(&pair);
        let negative = pair.as_str().starts_with('-');
        let signed = |number| SignedNumber {
            negative,
            number,
            span,
        };
        self.number(Nodes::of(pair).next())
            .map(signed)
            .map_err(signed)
    }

    /// A string or raw string, with escapes resolved and interpolations lowered.
    pub(crate) fn string(&self, pair: Pair<'_, Rule>) -> StringLit {
        let span = self.span(&pair);
        if pair.as_rule() == Rule::raw_string {
            let text = Nodes::of(pair).next().as_str().to_string();
            return StringLit {
                parts: vec![TemplatePart::Text(text)],
                raw: true,
                span,
            };
        }
        StringLit {
            parts: self.template_parts(pair),
            raw: false,
            span,
        }
    }

    /// The parts of a string or a request path.
    pub(crate) fn template_parts(&self, pair: Pair<'_, Rule>) -> Vec<TemplatePart> {
        let mut parts: Vec<TemplatePart> = Vec::new();
        let push_text = |parts: &mut Vec<TemplatePart>, text: &str| match parts.last_mut() {
            Some(TemplatePart::Text(t)) => t.push_str(text),
            _ => parts.push(TemplatePart::Text(text.to_string())),
        };
        for part in pair.into_inner() {
            match part.as_rule() {
                Rule::string_text | Rule::path_text => push_text(&mut parts, part.as_str()),
                Rule::escape => {
                    let text = self.escape(&part);
                    push_text(&mut parts, &text);
                }
                Rule::interpolation => {
                    parts.push(TemplatePart::Expr(self.expr(Nodes::of(part).next())))
                }
                Rule::string => parts.extend(self.template_parts(part)),
                other => unreachable!("template part {other:?}"),
            }
        }
        // Most strings are one or two parts; a pushed Vec has room for four.
        parts.shrink_to_fit();
        parts
    }

    fn escape(&self, pair: &Pair<'_, Rule>) -> String {
        let text = pair.as_str();
        let c = match &text[1..] {
            "n" => '\n',
            "t" => '\t',
            "r" => '\r',
            "\"" => '"',
            "\\" => '\\',
            "{" => '{',
            "}" => '}',
            "/" => '/',
            "0" => '\0',
            unicode if unicode.starts_with("u{") => {
                match u32::from_str_radix(&unicode[2..unicode.len() - 1], 16)
                    .ok()
                    .and_then(char::from_u32)
                {
                    Some(c) => c,
                    None => {
                        self.error(
                            code::INVALID_ESCAPE,
                            format!("`{text}` is not a Unicode character"),
                            self.span(pair),
                        )
                        .label("invalid code point")
                        .help("write a code point from 0 to 10FFFF that is not a surrogate");
                        return String::new();
                    }
                }
            }
            _ => {
                self.error(
                    code::INVALID_ESCAPE,
                    format!("unknown escape `{text}` in a string"),
                    self.span(pair),
                )
                .label("unknown escape")
                .help("escapes are \\n \\t \\r \\\" \\\\ \\{ \\} \\/ \\0 and \\u{HEX}");
                return text.to_string();
            }
        };
        c.to_string()
    }

    pub(crate) fn regex(&self, pair: Pair<'_, Rule>) -> RegexLit {
        let mut nodes = Nodes::of(pair);
        let pattern = nodes.next().as_str().to_string();
        let flags_pair = nodes.next();
        let flags = flags_pair.as_str().to_string();
        if let Some(bad) = flags.chars().find(|c| !matches!(c, 'i' | 'm' | 's' | 'x')) {
            self.error(
                code::INVALID_REGEX_FLAG,
                format!("unknown regex flag `{bad}`"),
                self.span(&flags_pair),
            )
            .label("not a flag")
            .help("flags are i (ignore case), m (multi-line), s (dot matches newline) and x (verbose)");
        }
        RegexLit { pattern, flags }
    }

    pub(crate) fn tags(&self, pair: Pair<'_, Rule>) -> Vec<Tag> {
        pair.into_inner().map(|t| self.tag(t)).collect()
    }

    pub(crate) fn tag(&self, pair: Pair<'_, Rule>) -> Tag {
        let span = self.span(&pair);
        let name = pair.as_str()[1..].to_string();
        if name.is_empty() {
            self.error(code::EMPTY_TAG, "a tag needs a name after `@`", span)
                .label("empty tag")
                .help("write the tag as `@smoke`, with no space after `@`");
        }
        Tag { name, span }
    }
}

fn binary_op(rule: Rule) -> BinaryOp {
    match rule {
        Rule::op_or => BinaryOp::Or,
        Rule::op_and => BinaryOp::And,
        Rule::op_eq => BinaryOp::Eq,
        Rule::op_ne => BinaryOp::Ne,
        Rule::op_lt => BinaryOp::Lt,
        Rule::op_le => BinaryOp::Le,
        Rule::op_gt => BinaryOp::Gt,
        Rule::op_ge => BinaryOp::Ge,
        Rule::op_in => BinaryOp::In,
        Rule::op_not_in => BinaryOp::NotIn,
        Rule::op_is => BinaryOp::Is,
        Rule::op_is_not => BinaryOp::IsNot,
        Rule::op_matches => BinaryOp::Matches,
        Rule::op_not_matches => BinaryOp::NotMatches,
        Rule::op_contains => BinaryOp::Contains,
        Rule::op_not_contains => BinaryOp::NotContains,
        Rule::op_starts_with => BinaryOp::StartsWith,
        Rule::op_ends_with => BinaryOp::EndsWith,
        Rule::op_range => BinaryOp::Range,
        Rule::op_add => BinaryOp::Add,
        Rule::op_sub => BinaryOp::Sub,
        Rule::op_mul => BinaryOp::Mul,
        _ => BinaryOp::Div,
    }
}

/// Spelled-out units people write out of habit.
fn long_unit(text: &str) -> Option<&'static str> {
    Some(match text.to_ascii_lowercase().as_str() {
        "sec" | "secs" | "second" | "seconds" => "s",
        "msec" | "millis" | "milliseconds" => "ms",
        "min" | "mins" | "minute" | "minutes" => "m",
        "hr" | "hrs" | "hour" | "hours" => "h",
        "kb" | "kib" => "KB",
        "mb" | "mib" => "MB",
        "gb" | "gib" => "GB",
        "/sec" | "/second" => "/s",
        "/min" | "/minute" => "/m",
        _ => return None,
    })
}
