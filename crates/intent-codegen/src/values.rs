//! Values written into the spec: strings, numbers, literal types and the documents' examples as
//! Intent expressions. JSON text is not pasted as it is, because `{` in an Intent string starts
//! an interpolation and an example may be nested deeper than the language allows; each value is
//! written piece by piece, and one that cannot be written within the bounds gives `None`, so the
//! caller puts a placeholder instead.

use serde_json::Value;
use std::fmt::Write;

/// How deep an example may nest (the language allows 48 brackets; examples stay far below).
const MAX_EXAMPLE_DEPTH: usize = 8;
/// How long an example may be once written, so one huge example cannot swell the spec.
const MAX_EXAMPLE_CHARS: usize = 2_000;
/// How long a comment or `because` text may be.
const MAX_TEXT_CHARS: usize = 200;

/// A string literal, escaped for Intent (`{` would start an interpolation).
pub(crate) fn quote(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '{' => out.push_str("\\{"),
            '}' => out.push_str("\\}"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c if c.is_control() => {
                let _ = write!(out, "\\u{{{:x}}}", u32::from(c));
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// One line of prose for a comment or a `because`: the first line, trimmed, at most 200
/// characters.
pub(crate) fn line(text: &str) -> String {
    let first = text.lines().map(str::trim).find(|l| !l.is_empty());
    let first = first.unwrap_or_default();
    if first.chars().count() > MAX_TEXT_CHARS {
        let cut: String = first.chars().take(MAX_TEXT_CHARS).collect();
        format!("{cut}…")
    } else {
        first.to_string()
    }
}

/// A number as the language writes it (digits, an optional fraction and sign; no exponent),
/// or `None` for one it cannot write exactly or that is too large to mean anything as a bound.
pub(crate) fn number(n: &serde_json::Number) -> Option<String> {
    if let Some(i) = n.as_i64() {
        return (i.unsigned_abs() < 1_000_000_000_000_000).then(|| i.to_string());
    }
    if n.as_u64().is_some() {
        return None;
    }
    let f = n.as_f64()?;
    if !f.is_finite() || f.abs() >= 1e15 {
        return None;
    }
    let text = f.to_string();
    let plain = text.trim_start_matches('-');
    let valid = !plain.is_empty()
        && plain.chars().all(|c| c.is_ascii_digit() || c == '.')
        && plain.len() <= 24;
    valid.then_some(text)
}

/// A literal type for an `enum` or `const` value: a string, number, boolean or `null`.
pub(crate) fn literal(value: &Value) -> Option<String> {
    match value {
        Value::String(s) => Some(quote(s)),
        Value::Null => Some("null".into()),
        Value::Bool(b) => Some(b.to_string()),
        Value::Number(n) => number(n),
        Value::Array(_) | Value::Object(_) => None,
    }
}

/// An example value as an Intent expression, or `None` when it is too deep, too long or has
/// a number the language cannot write.
pub(crate) fn expression(value: &Value) -> Option<String> {
    let mut out = String::new();
    write_value(value, 0, &mut out)?;
    (out.len() <= MAX_EXAMPLE_CHARS).then_some(out)
}

fn write_value(value: &Value, depth: usize, out: &mut String) -> Option<()> {
    if depth > MAX_EXAMPLE_DEPTH || out.len() > MAX_EXAMPLE_CHARS {
        return None;
    }
    match value {
        Value::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                write_value(item, depth + 1, out)?;
            }
            out.push(']');
        }
        Value::Object(entries) => {
            if entries.is_empty() {
                out.push_str("{}");
                return Some(());
            }
            out.push_str("{ ");
            for (i, (key, item)) in entries.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                // Any word may be a key; anything else is a string key.
                if crate::names::is_word(key) {
                    out.push_str(key);
                } else {
                    out.push_str(&quote(key));
                }
                out.push_str(": ");
                write_value(item, depth + 1, out)?;
            }
            out.push_str(" }");
        }
        scalar => out.push_str(&literal(scalar)?),
    }
    Some(())
}

/// A value that says it must be replaced, of the JSON type a schema names.
pub(crate) fn placeholder(schema: &Value) -> &'static str {
    let ty = match schema.get("type") {
        Some(Value::Array(types)) => types
            .iter()
            .filter_map(Value::as_str)
            .find(|t| *t != "null"),
        Some(other) => other.as_str(),
        None => None,
    };
    match ty {
        Some("integer" | "number") => "0",
        Some("boolean") => "false",
        Some("array") => "[]",
        Some("object") => "{}",
        _ => "\"TODO\"",
    }
}

/// A scalar placeholder, for places that take one value (path, query, header).
pub(crate) fn scalar_placeholder(schema: &Value) -> &'static str {
    match placeholder(schema) {
        "[]" | "{}" => "\"TODO\"",
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn examples_are_written_as_intent_values() {
        assert_eq!(
            expression(&json!({"name": "{x}", "+1": 2, "tags": [true, null]})).as_deref(),
            Some(r#"{ "+1": 2, name: "\{x\}", tags: [true, null] }"#)
        );
        assert_eq!(expression(&json!(1e300)), None);
        assert_eq!(expression(&json!(2.5)).as_deref(), Some("2.5"));
        assert_eq!(expression(&json!(-3)).as_deref(), Some("-3"));
        let mut deep = json!(1);
        for _ in 0..20 {
            deep = json!([deep]);
        }
        assert_eq!(expression(&deep), None);
        assert_eq!(quote("a\u{1}\"b"), r#""a\u{1}\"b""#);
        assert_eq!(line("\n  first line  \nsecond"), "first line");
    }
}
