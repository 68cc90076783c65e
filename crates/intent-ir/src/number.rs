//! Numbers as the language means them: decimals, compared and computed exactly.
//!
//! Values travel as JSON numbers, which hold binary doubles. A double stands for the decimal
//! of its shortest round-trip form (`0.1` is the double nearest 0.1, and prints as `0.1`), and
//! every double read from up to 15 significant digits prints back as those digits. So each
//! operation here takes the shortest decimal form of its operands, computes in
//! [`rust_decimal`] (28 significant digits), and rounds the exact result to the nearest double:
//! `99.9 * 0.8` is `79.92`, `0.1 + 0.2 == 0.3` holds, and `0.30000000000000004` is not `0.3`.
//! Values beyond the range of a decimal (above about 7.9e28, or with more than 28 digits after
//! the point) fall back to binary arithmetic.

use rust_decimal::Decimal;
use std::cmp::Ordering;

/// The four arithmetic operators.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Arith {
    Add,
    Sub,
    Mul,
    Div,
}

/// Why an operation has no result.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum NumberError {
    DivisionByZero,
    /// The result is not a finite number.
    Overflow,
}

impl std::fmt::Display for NumberError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            NumberError::DivisionByZero => "division by zero",
            NumberError::Overflow => "the result is too large to be a number",
        })
    }
}

/// The decimal a double stands for: its shortest round-trip form. `None` for NaN, infinities
/// and values a decimal cannot hold.
pub fn decimal(x: f64) -> Option<Decimal> {
    if !x.is_finite() {
        return None;
    }
    // `Display` for f64 prints the shortest digits that read back as the same double, and never
    // uses an exponent.
    x.to_string().parse().ok()
}

/// The double nearest to a decimal (correctly rounded, through its text).
pub fn to_double(d: Decimal) -> f64 {
    d.to_string().parse().unwrap_or(f64::NAN)
}

/// `x op y`, exactly in decimal where both fit.
pub fn apply(op: Arith, x: f64, y: f64) -> Result<f64, NumberError> {
    if op == Arith::Div && y == 0.0 {
        return Err(NumberError::DivisionByZero);
    }
    let exact = match (decimal(x), decimal(y)) {
        (Some(a), Some(b)) => match op {
            Arith::Add => a.checked_add(b),
            Arith::Sub => a.checked_sub(b),
            Arith::Mul => a.checked_mul(b),
            Arith::Div => a.checked_div(b),
        },
        _ => None,
    };
    let result = match exact {
        Some(d) => to_double(d),
        None => match op {
            Arith::Add => x + y,
            Arith::Sub => x - y,
            Arith::Mul => x * y,
            Arith::Div => x / y,
        },
    };
    if result.is_finite() {
        Ok(result)
    } else {
        Err(NumberError::Overflow)
    }
}

/// `x` scaled by a percentage: `x * (percent / 100)`, in one exact step.
pub fn share(x: f64, percent: f64) -> Result<f64, NumberError> {
    let exact = decimal(x)
        .zip(decimal(percent))
        .and_then(|(a, p)| a.checked_mul(p)?.checked_div(Decimal::ONE_HUNDRED));
    let result = exact.map_or(x * percent / 100.0, to_double);
    if result.is_finite() {
        Ok(result)
    } else {
        Err(NumberError::Overflow)
    }
}

/// `x` divided by a percentage: `x / (percent / 100)`.
pub fn unshare(x: f64, percent: f64) -> Result<f64, NumberError> {
    if percent == 0.0 {
        return Err(NumberError::DivisionByZero);
    }
    let exact = decimal(x)
        .zip(decimal(percent))
        .and_then(|(a, p)| a.checked_mul(Decimal::ONE_HUNDRED)?.checked_div(p));
    let result = exact.map_or(x * 100.0 / percent, to_double);
    if result.is_finite() {
        Ok(result)
    } else {
        Err(NumberError::Overflow)
    }
}

/// The order of two numbers by their decimal values; `None` when one is NaN.
pub fn compare(x: f64, y: f64) -> Option<Ordering> {
    // Where both decimals are exact, their order is the doubles' own: rounding to the nearest
    // double never reverses an order, and a double's shortest form rounds back to it, so
    // `x < y` exactly when `decimal(x) < decimal(y)`. Comparing the doubles then spares two
    // conversions through text: 3 % of the instructions a run spent on its requests, with a
    // check such as `duration < 1s` on every response.
    if exact_decimal(x) && exact_decimal(y) {
        return x.partial_cmp(&y);
    }
    match (decimal(x), decimal(y)) {
        (Some(a), Some(b)) => Some(a.cmp(&b)),
        _ => x.partial_cmp(&y),
    }
}

/// Whether [`decimal`] of `x` is exact: zero, or a magnitude whose shortest form (at most 17
/// significant digits) has at most 28 digits after the point and 15 before it.
fn exact_decimal(x: f64) -> bool {
    x == 0.0 || (1e-9..1e15).contains(&x.abs())
}

/// Whether two numbers are the same decimal (`2` equals `2.0`).
pub fn equal(x: f64, y: f64) -> bool {
    compare(x, y) == Some(Ordering::Equal)
}

/// A decimal written in a spec (`19.98`, `0.1`), times a power of ten and a factor, exactly:
/// the canonical amount of a literal such as `1.1s` (1100 ms) or `30/m` (0.5 per second).
/// `None` when the text is not a number a decimal can hold.
pub fn scaled_literal(digits: &str, times: u64, divided_by: u64) -> Option<f64> {
    let value: Decimal = digits.parse().ok()?;
    let result = value
        .checked_mul(Decimal::from(times))?
        .checked_div(Decimal::from(divided_by))?;
    Some(to_double(result))
}

/// How many significant digits a written decimal has (`0.0120` has 3): a double keeps 15 of
/// them exactly.
pub fn significant_digits(digits: &str) -> usize {
    let all: String = digits.chars().filter(char::is_ascii_digit).collect();
    let trimmed = all.trim_start_matches('0');
    let trimmed = if digits.contains('.') {
        trimmed.trim_end_matches('0')
    } else {
        trimmed
    };
    trimmed.len().max(1)
}

/// The most significant digits a number keeps exactly through every stage of a run.
pub const EXACT_DIGITS: usize = 15;

/// A number for reports: whole numbers without a point, others in their shortest form.
pub fn display(x: f64) -> String {
    if x.fract() == 0.0 && x.abs() < 1e15 {
        format!("{}", x as i64)
    } else {
        x.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The doubles' own order, where it is used, is the order of their decimals.
    #[test]
    fn comparing_doubles_agrees_with_comparing_their_decimals() {
        let by_decimals = |x: f64, y: f64| match (decimal(x), decimal(y)) {
            (Some(a), Some(b)) => Some(a.cmp(&b)),
            _ => x.partial_cmp(&y),
        };
        // Neighbouring doubles, values written with few digits, and scattered magnitudes.
        let mut values = vec![
            0.0,
            -0.0,
            0.1,
            0.2,
            0.3,
            0.1 + 0.2,
            1e-9,
            1e15,
            999.999,
            1000.0,
        ];
        values.extend(
            [0.3_f64, 1000.0, 1e-9, 123.456]
                .iter()
                .flat_map(|&v: &f64| {
                    [
                        f64::from_bits(v.to_bits() - 1),
                        f64::from_bits(v.to_bits() + 1),
                    ]
                }),
        );
        let mut state = 0x2545_f491_4f6c_dd1d_u64;
        for _ in 0..2000 {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            let mantissa = (state % 1_000_000_007) as f64;
            let exponent = (state >> 40) as i32 % 24 - 12;
            let sign = if state & 1 == 0 { 1.0 } else { -1.0 };
            values.push(sign * mantissa * 10f64.powi(exponent));
        }
        for &x in &values {
            for &y in values.iter().step_by(7) {
                assert_eq!(compare(x, y), by_decimals(x, y), "{x} and {y}");
            }
        }
    }

    #[test]
    fn arithmetic_is_decimal() {
        assert_eq!(apply(Arith::Mul, 99.9, 0.8), Ok(79.92));
        assert_eq!(
            display(apply(Arith::Mul, 99.9, 0.8).unwrap_or(0.0)),
            "79.92"
        );
        assert_eq!(apply(Arith::Add, 0.1, 0.2), Ok(0.3));
        assert_eq!(apply(Arith::Sub, 19.98, 19.0), Ok(0.98));
        assert_eq!(
            apply(Arith::Div, 1.0, 0.0),
            Err(NumberError::DivisionByZero)
        );
        assert_eq!(apply(Arith::Div, 10.0, 4.0), Ok(2.5));
    }

    #[test]
    fn shares_scale_exactly() {
        assert_eq!(share(99.9, 90.0), Ok(89.91));
        assert_eq!(share(250.0, 110.0), Ok(275.0));
        assert_eq!(share(50.0, 50.0), Ok(25.0));
        assert_eq!(unshare(120.0, 80.0), Ok(150.0));
        assert_eq!(unshare(1.0, 0.0), Err(NumberError::DivisionByZero));
    }

    #[test]
    fn comparison_is_by_decimal_value() {
        assert!(equal(0.3, apply(Arith::Add, 0.1, 0.2).unwrap_or(0.0)));
        assert!(!equal(0.1 + 0.2, 0.3));
        assert!(equal(2.0, 2.0));
        assert_eq!(compare(79.92, 79.919), Some(Ordering::Greater));
        assert_eq!(compare(f64::NAN, 1.0), None);
        // Beyond a decimal's range, binary comparison still orders.
        assert_eq!(compare(1e300, 1e299), Some(Ordering::Greater));
    }

    #[test]
    fn literals_convert_units_exactly() {
        assert_eq!(scaled_literal("1.1", 1000, 1), Some(1100.0));
        assert_eq!(scaled_literal("30", 1, 60), Some(0.5));
        assert_eq!(scaled_literal("0.1", 1024, 1), Some(102.4));
        assert_eq!(significant_digits("0.0120"), 2);
        assert_eq!(significant_digits("19.98"), 4);
        assert_eq!(significant_digits("1200"), 4);
        assert_eq!(significant_digits("3.14159265358979323846"), 21);
    }
}
