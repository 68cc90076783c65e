//! Values at run time: JSON data from responses and literals, quantities with their unit,
//! regexes, detectors and named responses.

use crate::http::Response;
use intent_ir::Detector;
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
        match self {
            Unit::Duration => "ms",
            Unit::Percent => "%",
            Unit::Size => "B",
            Unit::Rate => "/s",
        }
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
    /// Short and readable, for reports: JSON compact and cut at 200 characters.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Value::Absent => f.write_str("absent"),
            Value::Json(j) => {
                let text = j.to_string();
                if text.chars().count() > 200 {
                    write!(f, "{}…", text.chars().take(200).collect::<String>())
                } else {
                    f.write_str(&text)
                }
            }
            Value::Quantity(unit, v) => write!(f, "{}{}", trim_number(*v), unit.suffix()),
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

/// `412.0` → `412`, `0.25` stays.
fn trim_number(v: f64) -> String {
    if v.fract() == 0.0 && v.abs() < 1e15 {
        format!("{}", v as i64)
    } else {
        format!("{:.3}", v)
            .trim_end_matches('0')
            .trim_end_matches('.')
            .to_string()
    }
}
