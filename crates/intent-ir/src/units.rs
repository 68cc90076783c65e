//! The unit algebra: what `+ - * /` give for each pair of plain numbers and quantities.
//!
//! One table, read by the checker (to type an expression, or refuse it with a help that leads
//! to a right spec) and by the runner (to compute it). A percentage is a share: multiplying
//! anything by a percentage gives that share of it, of the same kind (`total * 90%` is 0.9 ×
//! `total`, `p95(duration) * 110%` a duration). Adding a percentage to anything but a
//! percentage is refused, because `total + 10%` could mean either of two things.

/// What a number measures. Quantities are held in a canonical unit: milliseconds, percent
/// points, bytes, per second.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Dimension {
    Number,
    Duration,
    Percent,
    Size,
    Rate,
}

impl Dimension {
    /// The dimension as a noun, for messages.
    pub fn noun(self) -> &'static str {
        match self {
            Dimension::Number => "a number",
            Dimension::Duration => "a duration",
            Dimension::Percent => "a percentage",
            Dimension::Size => "a size",
            Dimension::Rate => "a rate",
        }
    }

    /// The canonical unit, as written after an amount.
    pub fn suffix(self) -> &'static str {
        match self {
            Dimension::Number => "",
            Dimension::Duration => "ms",
            Dimension::Percent => "%",
            Dimension::Size => "B",
            Dimension::Rate => "/s",
        }
    }
}

/// An arithmetic operator.
pub use crate::number::Arith;

/// How the amounts of the operands make the amount of the result.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Rule {
    /// `x op y` on the canonical amounts.
    Plain,
    /// `x * y%`: the right operand is a share of the left.
    ShareOfLeft,
    /// `x% * y`: the left operand is a share of the right.
    ShareOfRight,
    /// `x / y%`: the left divided by a share.
    DivideByShare,
}

/// What an operation gives: the result's dimension and how it is computed.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct Combination {
    pub dimension: Dimension,
    pub rule: Rule,
}

/// Why two operands do not combine. Each variant's help leads to a spec that means what its
/// writer most likely meant.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Refusal {
    /// `total + 10%`: a percentage added to (or taken from) something else.
    AddShare { other: Dimension },
    /// `duration + 300`: a quantity and a plain number added or subtracted.
    BareNumber { quantity: Dimension },
    /// `duration + 1KB`: two different quantities added or subtracted.
    DifferentUnits { left: Dimension, right: Dimension },
    /// `duration * 2s`: two quantities other than a percentage multiplied.
    QuantityProduct,
    /// `10 / 2s`, `1KB / 2s`: a division whose result would need a new unit.
    NewUnit { left: Dimension, right: Dimension },
}

impl Refusal {
    /// The refusal in words, for a diagnostic's message or a failed check: `a op b` with the
    /// dimensions of its operands.
    pub fn message(self, op: Arith, a: Dimension, b: Dimension) -> String {
        let verb = match op {
            Arith::Add => "add",
            Arith::Sub => "subtract",
            Arith::Mul => "multiply",
            Arith::Div => "divide",
        };
        let why = match self {
            Refusal::AddShare { .. } => ": a percentage is a share of something",
            _ => "",
        };
        let (first, second) = match op {
            Arith::Sub => (b, a),
            _ => (a, b),
        };
        let joint = match op {
            Arith::Sub => "from",
            Arith::Div => "by",
            _ => "and",
        };
        format!(
            "cannot {verb} {} {joint} {}{why}",
            first.noun(),
            second.noun()
        )
    }

    /// What to write instead, as a help line.
    pub fn help(self) -> String {
        match self {
            Refusal::AddShare { .. } => "to add a share, scale by a percentage: `x * 110%` is \
                 x plus 10%, `x * 90%` (or `x - x * 10%`) is x minus 10%"
                .into(),
            Refusal::BareNumber { quantity } => format!(
                "give the number a unit, as in `300{}`; a plain number from JSON gets one by \
                 multiplying: `body.ms * 1ms`",
                example_unit(quantity)
            ),
            Refusal::DifferentUnits { .. } => {
                "both sides need the same kind: durations with durations, sizes with sizes".into()
            }
            Refusal::QuantityProduct => {
                "multiply a quantity by a plain number (`2 * duration`) or a percentage \
                 (`duration * 110%`)"
                    .into()
            }
            Refusal::NewUnit { .. } => {
                "divide a quantity by a plain number, or by a quantity of the same kind for a \
                 ratio (`p99(duration) / p50(duration)`)"
                    .into()
            }
        }
    }
}

/// The unit to suggest for a bare number where a quantity is expected.
pub fn example_unit(quantity: Dimension) -> &'static str {
    match quantity {
        Dimension::Number => "",
        Dimension::Duration => "ms",
        Dimension::Percent => "%",
        Dimension::Size => "KB",
        Dimension::Rate => "/s",
    }
}

/// What `a op b` gives, or why it is refused.
///
/// | `a op b` | result |
/// | --- | --- |
/// | number ± number, number * number, number / number | number |
/// | Q ± Q (same kind, percentages included) | Q |
/// | Q * number, number * Q, Q / number | Q |
/// | X * P%, P% * X | X, scaled by P/100 (X any kind, a percentage too) |
/// | X / P% (X not a percentage) | X, divided by P/100 |
/// | Q / Q (same kind, percentages included) | number (a ratio) |
/// | anything else | refused |
pub fn combine(op: Arith, a: Dimension, b: Dimension) -> Result<Combination, Refusal> {
    use Dimension::{Number, Percent};
    let plain = |dimension| {
        Ok(Combination {
            dimension,
            rule: Rule::Plain,
        })
    };
    match op {
        Arith::Add | Arith::Sub => match (a, b) {
            _ if a == b => plain(a),
            (Percent, other) | (other, Percent) => Err(Refusal::AddShare { other }),
            (Number, quantity) | (quantity, Number) => Err(Refusal::BareNumber { quantity }),
            _ => Err(Refusal::DifferentUnits { left: a, right: b }),
        },
        Arith::Mul => match (a, b) {
            (x, Percent) => Ok(Combination {
                dimension: x,
                rule: Rule::ShareOfLeft,
            }),
            (Percent, y) => Ok(Combination {
                dimension: y,
                rule: Rule::ShareOfRight,
            }),
            (Number, y) => plain(y),
            (x, Number) => plain(x),
            _ => Err(Refusal::QuantityProduct),
        },
        Arith::Div => match (a, b) {
            _ if a == b => plain(Number),
            (x, Number) => plain(x),
            (x, Percent) => Ok(Combination {
                dimension: x,
                rule: Rule::DivideByShare,
            }),
            _ => Err(Refusal::NewUnit { left: a, right: b }),
        },
    }
}

/// Computes `x op y` on canonical amounts by the rule [`combine`] chose.
pub fn compute(op: Arith, rule: Rule, x: f64, y: f64) -> Result<f64, crate::number::NumberError> {
    use crate::number;
    match rule {
        Rule::Plain => number::apply(op, x, y),
        Rule::ShareOfLeft => number::share(x, y),
        Rule::ShareOfRight => number::share(y, x),
        Rule::DivideByShare => number::unshare(x, y),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use Dimension::*;

    fn gives(op: Arith, a: Dimension, b: Dimension) -> Option<Dimension> {
        combine(op, a, b).ok().map(|c| c.dimension)
    }

    #[test]
    fn percentages_scale() {
        assert_eq!(gives(Arith::Mul, Number, Percent), Some(Number));
        assert_eq!(gives(Arith::Mul, Duration, Percent), Some(Duration));
        assert_eq!(gives(Arith::Mul, Percent, Duration), Some(Duration));
        assert_eq!(gives(Arith::Mul, Percent, Percent), Some(Percent));
        assert_eq!(gives(Arith::Div, Number, Percent), Some(Number));
        assert_eq!(gives(Arith::Div, Percent, Percent), Some(Number));
        let c = combine(Arith::Mul, Number, Percent).ok();
        let scaled = c.map(|c| compute(Arith::Mul, c.rule, 99.9, 90.0));
        assert_eq!(scaled, Some(Ok(89.91)));
        let c = combine(Arith::Mul, Percent, Duration).ok();
        let scaled = c.map(|c| compute(Arith::Mul, c.rule, 110.0, 250.0));
        assert_eq!(scaled, Some(Ok(275.0)));
    }

    #[test]
    fn sums_need_one_kind() {
        assert_eq!(gives(Arith::Add, Duration, Duration), Some(Duration));
        assert_eq!(gives(Arith::Sub, Percent, Percent), Some(Percent));
        assert_eq!(
            combine(Arith::Add, Number, Percent),
            Err(Refusal::AddShare { other: Number })
        );
        assert_eq!(
            combine(Arith::Sub, Duration, Number),
            Err(Refusal::BareNumber { quantity: Duration })
        );
        assert_eq!(
            combine(Arith::Add, Duration, Size),
            Err(Refusal::DifferentUnits {
                left: Duration,
                right: Size
            })
        );
    }

    #[test]
    fn products_and_ratios() {
        assert_eq!(gives(Arith::Mul, Number, Duration), Some(Duration));
        assert_eq!(gives(Arith::Div, Duration, Number), Some(Duration));
        assert_eq!(gives(Arith::Div, Duration, Duration), Some(Number));
        assert_eq!(
            combine(Arith::Mul, Duration, Size),
            Err(Refusal::QuantityProduct)
        );
        assert_eq!(
            combine(Arith::Div, Number, Duration),
            Err(Refusal::NewUnit {
                left: Number,
                right: Duration
            })
        );
    }
}
