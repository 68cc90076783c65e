//! Units in expressions: the type of `+ - * /` by the unit algebra of `intent_ir::units`, and
//! the errors for operands whose units do not go together, each with a help that leads to a
//! spec that means what its writer meant.

use crate::context::Context;
use crate::types::Family;
use intent_ir::number::{self, Arith};
use intent_ir::units::{self, Dimension, Refusal, Rule};
use intent_ir::{Expr, ExprKind, Literal, Type};
use intent_source::{Diagnostic, FileId, code};

impl Family {
    /// The dimension of a number or quantity; `None` for other values.
    pub fn dimension(self) -> Option<Dimension> {
        Some(match self {
            Family::Number => Dimension::Number,
            Family::Duration => Dimension::Duration,
            Family::Percent => Dimension::Percent,
            Family::Size => Dimension::Size,
            Family::Rate => Dimension::Rate,
            _ => return None,
        })
    }
}

/// The type of a quantity of this dimension.
fn quantity_type(dimension: Dimension) -> Type {
    match dimension {
        Dimension::Number => Type::Decimal,
        Dimension::Duration => Type::Duration,
        Dimension::Percent => Type::Percent,
        Dimension::Size => Type::Size,
        Dimension::Rate => Type::Rate,
    }
}

/// Whether an expression is a number written in the spec (`300`, `-0.5`), with its text.
fn written_number<'t>(cx: &Context<'t>, file: FileId, expr: &Expr) -> Option<&'t str> {
    match &expr.kind {
        ExprKind::Literal {
            value: Literal::Int(_) | Literal::Decimal(_),
        } => Some(cx.text(file, expr.span)),
        _ => None,
    }
}

impl Context<'_> {
    /// The type of `lhs op rhs` for an arithmetic operator, reporting operands that do not
    /// combine. A JSON value (known only at run time) counts as a plain number next to a
    /// number or quantity, because JSON has no units; next to a string, `+` joins.
    pub(crate) fn arithmetic(&mut self, file: FileId, op: Arith, lhs: &Expr, rhs: &Expr) -> Type {
        let table = self.type_table();
        let (lf, rf) = (table.family(&lhs.ty), table.family(&rhs.ty));
        let dynamic = |f: Family| f == Family::Dynamic;
        if op == Arith::Add
            && matches!(lf, Family::Text | Family::Dynamic)
            && matches!(rf, Family::Text | Family::Dynamic)
        {
            return if dynamic(lf) && dynamic(rf) {
                Type::Json
            } else {
                Type::String
            };
        }
        let as_number = |own: Family, other: Family| match own {
            Family::Dynamic => other.dimension().map(|_| Dimension::Number),
            f => f.dimension(),
        };
        let (Some(a), Some(b)) = (as_number(lf, rf), as_number(rf, lf)) else {
            if dynamic(lf) && dynamic(rf) {
                return Type::Json;
            }
            let d = self
                .error(
                    code::TYPE_MISMATCH,
                    format!(
                        "`{}` cannot combine {} with {}",
                        symbol(op),
                        lf.noun(),
                        rf.noun()
                    ),
                    file,
                    rhs.span,
                )
                .with_label(format!("this is {}", rf.noun()))
                .with_secondary(file, lhs.span, format!("this is {}", lf.noun()))
                .with_help(
                    "arithmetic works on numbers and quantities; `+` also joins two strings",
                );
            self.report(d);
            return Type::Any;
        };
        match units::combine(op, a, b) {
            Ok(c) if c.dimension == Dimension::Number => {
                let int = |e: &Expr| {
                    matches!(
                        table.resolve(&e.ty),
                        Type::Int
                            | Type::Literal {
                                value: Literal::Int(_)
                            }
                    )
                };
                if c.rule == Rule::Plain && op != Arith::Div && int(lhs) && int(rhs) {
                    Type::Int
                } else {
                    Type::Decimal
                }
            }
            Ok(c) => quantity_type(c.dimension),
            Err(refusal) => {
                let d = self.refusal(file, op, refusal, (lhs, rhs), (a, b), (lf, rf));
                self.report(d);
                Type::Any
            }
        }
    }

    /// The error for an arithmetic refusal, pointing at the operand that has to change.
    fn refusal(
        &self,
        file: FileId,
        op: Arith,
        refusal: Refusal,
        (lhs, rhs): (&Expr, &Expr),
        (a, b): (Dimension, Dimension),
        (lf, rf): (Family, Family),
    ) -> Diagnostic {
        let d = self
            .error(
                code::UNIT_MISMATCH,
                refusal.message(op, a, b),
                file,
                rhs.span,
            )
            .with_label(format!("this is {}", rf.noun()))
            .with_secondary(file, lhs.span, format!("this is {}", lf.noun()));
        let help = match refusal {
            Refusal::BareNumber { quantity } => {
                let (number, other) = if a == Dimension::Number {
                    (lhs, rhs)
                } else {
                    (rhs, lhs)
                };
                Some(self.unit_help(file, quantity, number, other))
            }
            Refusal::AddShare { .. } => self.scaled_instead(file, op, lhs, rhs),
            _ => None,
        };
        d.with_help(help.unwrap_or_else(|| refusal.help()))
    }

    /// For `x + 10%` or `x - 10%` with a written percentage: the product that says it,
    /// `x * 110%` or `x * 90%`.
    fn scaled_instead(&self, file: FileId, op: Arith, lhs: &Expr, rhs: &Expr) -> Option<String> {
        let (other, percent) = match (&lhs.kind, &rhs.kind) {
            (
                _,
                ExprKind::Literal {
                    value: Literal::Percent(p),
                },
            ) => (lhs, *p),
            (
                ExprKind::Literal {
                    value: Literal::Percent(p),
                },
                _,
            ) if op == Arith::Add => (rhs, *p),
            _ => return None,
        };
        let (factor, meaning) = match op {
            Arith::Add => (number::apply(Arith::Add, 100.0, percent).ok()?, "plus"),
            _ => (number::apply(Arith::Sub, 100.0, percent).ok()?, "minus"),
        };
        let written = self.text(file, other.span);
        Some(format!(
            "a percentage scales what it multiplies: `{written} * {}%` is {written} {meaning} {}%",
            number::display(factor),
            number::display(percent)
        ))
    }

    /// Refuses a comparison of a plain value known only at run time (JSON) with a quantity:
    /// JSON has no units, so `body.elapsed < 300ms` would silently read the number as
    /// milliseconds. Returns whether it refused.
    pub(crate) fn json_against_quantity(
        &mut self,
        file: FileId,
        op: &str,
        value: &Expr,
        bound: &Expr,
    ) -> bool {
        let table = self.type_table();
        let json = |e: &Expr| *table.resolve(&e.ty) == Type::Json;
        let (vf, bf) = (table.family(&value.ty), table.family(&bound.ty));
        let (json, quantity, family) = match (vf, bf) {
            (Family::Dynamic, q) if q.is_quantity() && json(value) => (value, bound, q),
            (q, Family::Dynamic) if q.is_quantity() && json(bound) => (bound, value, q),
            _ => return false,
        };
        let Some(dimension) = family.dimension() else {
            return false;
        };
        let d = self
            .error(
                code::UNIT_MISMATCH,
                format!(
                    "`{op}` cannot compare a plain JSON value with {}",
                    family.noun()
                ),
                file,
                json.span,
            )
            .with_label("a JSON number, which has no unit")
            .with_secondary(file, quantity.span, format!("this is {}", family.noun()))
            .with_help(self.unit_help(file, dimension, json, quantity));
        self.report(d);
        true
    }

    /// The help for a plain number (`number`) next to a quantity (`quantity`, of `dimension`):
    /// a written number gets its unit (`300ms`, `90%`); a computed one is told how to say
    /// which unit it is in (`body.ms * 1ms`), or, next to a percentage, what plain number to
    /// compare it with.
    pub(crate) fn unit_help(
        &self,
        file: FileId,
        dimension: Dimension,
        number: &Expr,
        quantity: &Expr,
    ) -> String {
        if let Some(written) = written_number(self, file, number) {
            if dimension == Dimension::Percent
                && let Ok(value) = written.parse::<f64>()
                && value > 0.0
                && value <= 1.0
            {
                return format!(
                    "percentages are written with `%`: `{}%`",
                    number::display(fraction_to_points(value))
                );
            }
            // A bare duration is as likely seconds as milliseconds: both are offered.
            if dimension == Dimension::Duration {
                return format!("give the number a unit: `{written}ms` or `{written}s`");
            }
            return format!(
                "give the number a unit: `{written}{}`",
                units::example_unit(dimension)
            );
        }
        let text = self.text(file, number.span);
        if dimension != Dimension::Percent {
            return format!(
                "`{text}` is a plain number: say which unit it is in by multiplying, as in                  `{text} * 1{}`",
                units::example_unit(dimension)
            );
        }
        match &quantity.kind {
            ExprKind::Literal {
                value: Literal::Percent(p),
            } => format!(
                "`{text}` is a plain number: compare it with `{}` if it is a fraction, or                  with `{}` if it counts percent points",
                number::display(number::apply(Arith::Div, *p, 100.0).unwrap_or(*p / 100.0)),
                number::display(*p)
            ),
            _ => format!(
                "`{text}` is a plain number: compare percentages with percentages, such as `90%`"
            ),
        }
    }
}

impl Context<'_> {
    /// For a number compared with a string that holds a number (`status == "200"`): the
    /// comparison without the quotes, since a number never equals a string.
    pub(crate) fn quoted_number_help(
        &self,
        lf: Family,
        rf: Family,
        lhs: &Expr,
        rhs: &Expr,
    ) -> Option<String> {
        let quoted = match (lf, rf) {
            (Family::Number, Family::Text) => rhs,
            (Family::Text, Family::Number) => lhs,
            _ => return None,
        };
        let ExprKind::Literal {
            value: Literal::String(text),
        } = &quoted.kind
        else {
            return None;
        };
        text.trim().parse::<f64>().ok()?;
        Some(format!(
            "a number never equals a string: write the number without quotes, `{}`",
            text.trim()
        ))
    }
}

/// `0.9` → `90`, exactly.
fn fraction_to_points(fraction: f64) -> f64 {
    number::apply(Arith::Mul, fraction, 100.0).unwrap_or(fraction * 100.0)
}

/// The operator as written.
pub(crate) fn symbol(op: Arith) -> &'static str {
    match op {
        Arith::Add => "+",
        Arith::Sub => "-",
        Arith::Mul => "*",
        Arith::Div => "/",
    }
}
