//! Values at run time: JSON data from responses and literals, quantities with their unit,
//! regexes, detectors and named responses.

use crate::http::Response;
use intent_ir::Detector;
use intent_ir::units::Dimension;
use regex::Regex;
use serde_json::Value as Json;
use std::fmt;
use std::sync::Arc;

/// The unit of a quantity, canonical: milliseconds, percent points, bytes, per second.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Unit {
    Duration,
    Percent,
    Size,
    Rate,
}

impl Unit {
    pub fn suffix(self) -> &'static str {
        self.dimension().suffix()
    }

    /// The unit's place in the unit algebra.
    pub fn dimension(self) -> Dimension {
        match self {
            Unit::Duration => Dimension::Duration,
            Unit::Percent => Dimension::Percent,
            Unit::Size => Dimension::Size,
            Unit::Rate => Dimension::Rate,
        }
    }

    /// The unit of a quantity's dimension; `None` for a plain number.
    pub fn of(dimension: Dimension) -> Option<Unit> {
        Some(match dimension {
            Dimension::Number => return None,
            Dimension::Duration => Unit::Duration,
            Dimension::Percent => Unit::Percent,
            Dimension::Size => Unit::Size,
            Dimension::Rate => Unit::Rate,
        })
    }
}

#[derive(Clone, Debug)]
pub enum Value {
    /// A field or header that is not there (distinct from JSON `null`).
    Absent,
    Json(Json),
    Quantity(Unit, f64),
    Regex(Arc<Regex>),
    Detector(Detector),
    Response(Arc<Response>),
}

impl Value {
    pub fn null() -> Self {
        Value::Json(Json::Null)
    }

    pub fn string(s: impl Into<String>) -> Self {
        Value::Json(Json::String(s.into()))
    }

    pub fn bool(b: bool) -> Self {
        Value::Json(Json::Bool(b))
    }

    /// A number; whole numbers stay integers, so a status reads `404`, not `404.0`.
    pub fn number(n: f64) -> Self {
        if n.fract() == 0.0 && n.abs() < 9.0e15 {
            return Value::Json(Json::from(n as i64));
        }
        Value::Json(serde_json::Number::from_f64(n).map_or(Json::Null, Json::Number))
    }

    pub fn as_json(&self) -> Option<&Json> {
        match self {
            Value::Json(j) => Some(j),
            _ => None,
        }
    }

    pub fn as_str(&self) -> Option<&str> {
        self.as_json().and_then(Json::as_str)
    }

    pub fn as_f64(&self) -> Option<f64> {
        match self {
            Value::Json(j) => j.as_f64(),
            Value::Quantity(_, v) => Some(*v),
            _ => None,
        }
    }

    pub fn as_bool(&self) -> Option<bool> {
        self.as_json().and_then(Json::as_bool)
    }

    /// The value as JSON for a request body: quantities become their canonical number.
    pub fn to_json(&self) -> Json {
        match self {
            Value::Json(j) => j.clone(),
            Value::Quantity(_, v) => Value::number(*v).to_json(),
            Value::Absent => Json::Null,
            other => Json::String(other.to_string()),
        }
    }

    /// The value as text in a path, header or interpolation: strings without quotes.
    pub fn to_text(&self) -> String {
        match self {
            Value::Json(Json::String(s)) => s.clone(),
            other => other.to_string(),
        }
    }
}

impl fmt::Display for Value {
    /// Readable, for reports: JSON compact. Never cut here: a text is cut only after it has
    /// been redacted ([`crate::Redactor::preview`]), so no cut can split a secret.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Value::Absent => f.write_str("absent"),
            Value::Json(j) => write!(f, "{j}"),
            Value::Quantity(unit, v) => write!(f, "{}{}", amount(*v), unit.suffix()),
            Value::Regex(r) => write!(f, "/{}/", r.as_str()),
            Value::Detector(d) => write!(
                f,
                "pii.{}",
                Detector::ALL
                    .iter()
                    .find(|(_, x)| x == d)
                    .map_or("?", |(n, _)| n)
            ),
            Value::Response(r) => write!(f, "{} {} → {}", r.method, r.url, r.status),
        }
    }
}

/// An amount as reports show it: whole amounts as integers, others to three decimal places
/// (microseconds, thousandths of a percent), and amounts below one to three significant
/// digits, so `0.05%` stays `0.05%` and a computed `20.654931…%` reads `20.655%`.
fn amount(v: f64) -> String {
    use intent_ir::number::display;
    if v.fract() == 0.0 || !v.is_finite() {
        return display(v);
    }
    let places = if v.abs() >= 1.0 {
        3
    } else {
        // Leading zeros after the point, plus three significant digits.
        (-v.abs().log10()).floor() as i32 + 3
    };
    let factor = 10f64.powi(places.clamp(0, 15));
    display((v * factor).round() / factor)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts_read_short_and_keep_small_ones() {
        let shown = |unit, v| Value::Quantity(unit, v).to_string();
        assert_eq!(shown(Unit::Percent, 89.91), "89.91%");
        assert_eq!(shown(Unit::Percent, 20.654931411298357), "20.655%");
        assert_eq!(shown(Unit::Percent, 0.05), "0.05%");
        assert_eq!(shown(Unit::Percent, 0.000123456), "0.000123%");
        assert_eq!(shown(Unit::Duration, 1100.0), "1100ms");
        assert_eq!(shown(Unit::Duration, 12.3456789), "12.346ms");
    }
}
