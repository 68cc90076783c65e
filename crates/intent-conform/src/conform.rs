//! Conformance of JSON values to types: the check behind `-> Type`, `is Type` and dataset rows.
//! A failure lists every violation with its JSON path, not only the first.

use crate::compile_regex;
use intent_ir::{CompareOp, Literal, Refinement, Type, Violation, literal_number};
use regex::Regex;
use serde_json::Value;
use std::cmp::Ordering;
use std::sync::LazyLock;

/// Resolves named types.
pub trait TypeLookup {
    fn lookup(&self, name: &str) -> Option<&Type>;
}

impl TypeLookup for intent_ir::Plan {
    fn lookup(&self, name: &str) -> Option<&Type> {
        self.named_type(name)
    }
}

/// Every violation of `ty` by `value` (empty when it conforms).
pub fn conform(value: &Value, ty: &Type, types: &dyn TypeLookup) -> Vec<Violation> {
    let mut out = Vec::new();
    check(value, ty, types, "$", &mut out, 0);
    out
}

/// Named types may be recursive; values are finite, but a type like `type A = A` is not.
const MAX_DEPTH: usize = 256;

static UUID: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")
        .expect("valid regex")
});
static DATE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^\d{4}-\d{2}-\d{2}$").expect("valid regex"));
static DATETIME: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$")
        .expect("valid regex")
});
static EMAIL: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^[^@\s]+@[^@\s]+\.[^@\s]+$").expect("valid regex"));

fn check(
    value: &Value,
    ty: &Type,
    types: &dyn TypeLookup,
    path: &str,
    out: &mut Vec<Violation>,
    depth: usize,
) {
    let mut fail = |message: String| {
        out.push(Violation {
            path: path.to_string(),
            message,
        })
    };
    if depth > MAX_DEPTH {
        fail("the type is nested too deeply to check".into());
        return;
    }
    let expected = |what: &str| format!("expected {what}, found {}", describe(value));
    match ty {
        Type::Any | Type::Json => {}
        Type::Null => {
            if !value.is_null() {
                fail(expected("null"));
            }
        }
        Type::Bool => {
            if !value.is_boolean() {
                fail(expected("a boolean"));
            }
        }
        Type::Int => {
            if !is_integer(value) {
                fail(expected("an integer"));
            }
        }
        Type::Decimal | Type::Duration | Type::Percent | Type::Size | Type::Rate => {
            if !value.is_number() {
                fail(expected("a number"));
            }
        }
        Type::String => {
            if !value.is_string() {
                fail(expected("a string"));
            }
        }
        Type::Uuid => string_matching(value, &UUID, "a UUID", &mut fail),
        Type::Date => string_matching(value, &DATE, "a date (YYYY-MM-DD)", &mut fail),
        Type::Datetime => string_matching(value, &DATETIME, "an RFC 3339 date-time", &mut fail),
        Type::Email => string_matching(value, &EMAIL, "an e-mail address", &mut fail),
        Type::Url => match value.as_str() {
            Some(s) if s.starts_with("http://") || s.starts_with("https://") => {}
            _ => fail(expected("an http(s) URL")),
        },
        Type::Regex | Type::Detector | Type::Response { .. } => {
            fail(format!("{} is not a JSON type", ty.describe()))
        }
        Type::List { item } => match value.as_array() {
            Some(items) => {
                for (i, v) in items.iter().enumerate() {
                    check(v, item, types, &format!("{path}[{i}]"), out, depth + 1);
                }
            }
            None => fail(expected("a list")),
        },
        Type::Record { fields, exact } => match value.as_object() {
            Some(object) => {
                for field in fields {
                    let field_path = format!("{path}.{}", field.name);
                    match object.get(&field.name) {
                        Some(v) => check(v, &field.ty, types, &field_path, out, depth + 1),
                        None if field.optional => {}
                        None => out.push(Violation {
                            path: field_path,
                            message: format!(
                                "missing field `{}` of type {}",
                                field.name,
                                field.ty.describe()
                            ),
                        }),
                    }
                }
                if *exact {
                    for key in object.keys() {
                        if !fields.iter().any(|f| &f.name == key) {
                            out.push(Violation {
                                path: format!("{path}.{key}"),
                                message: format!("unexpected field `{key}`: the type is exact"),
                            });
                        }
                    }
                }
            }
            None => fail(expected("an object")),
        },
        Type::Literal { value: literal } => {
            if !literal_equals(literal, value) {
                fail(expected(&literal.describe()));
            }
        }
        Type::Union { options } => {
            let fits = options.iter().any(|o| {
                let mut inner = Vec::new();
                check(value, o, types, path, &mut inner, depth + 1);
                inner.is_empty()
            });
            if !fits {
                fail(expected(&ty.describe()));
            }
        }
        Type::Refined { base, refinements } => {
            let before = out.len();
            check(value, base, types, path, out, depth + 1);
            if out.len() == before {
                for r in refinements {
                    if let Some(message) = refinement_violation(value, r) {
                        out.push(Violation {
                            path: path.to_string(),
                            message,
                        });
                    }
                }
            }
        }
        Type::Named { name } => match types.lookup(name) {
            Some(t) => check(value, t, types, path, out, depth + 1),
            None => fail(format!("unknown type `{name}`")),
        },
    }
}

fn string_matching(value: &Value, re: &Regex, what: &str, fail: &mut impl FnMut(String)) {
    match value.as_str() {
        Some(s) if re.is_match(s) => {}
        _ => fail(format!("expected {what}, found {}", describe(value))),
    }
}

fn is_integer(value: &Value) -> bool {
    value.is_i64()
        || value.is_u64()
        || value
            .as_f64()
            .is_some_and(|f| f.fract() == 0.0 && f.is_finite())
}

fn literal_equals(literal: &Literal, value: &Value) -> bool {
    match literal {
        Literal::Null => value.is_null(),
        Literal::Bool(b) => value.as_bool() == Some(*b),
        Literal::String(s) => value.as_str() == Some(s.as_str()),
        other => literal_number(other)
            .zip(value.as_f64())
            .is_some_and(|(n, v)| intent_ir::number::equal(n, v)),
    }
}

fn refinement_violation(value: &Value, refinement: &Refinement) -> Option<String> {
    match refinement {
        Refinement::Range { min, max } => {
            let (lo, hi) = (literal_number(min)?, literal_number(max)?);
            let n = value.as_f64()?;
            let below = intent_ir::number::compare(n, lo) == Some(Ordering::Less);
            let above = intent_ir::number::compare(n, hi) == Some(Ordering::Greater);
            (below || above).then(|| {
                format!(
                    "{} is not in {}..{}",
                    amount(n, min),
                    min.describe(),
                    max.describe()
                )
            })
        }
        Refinement::Compare { op, value: bound } => {
            let b = literal_number(bound)?;
            let n = value.as_f64()?;
            let order = intent_ir::number::compare(n, b)?;
            let ok = match op {
                CompareOp::Lt => order == Ordering::Less,
                CompareOp::Le => order != Ordering::Greater,
                CompareOp::Gt => order == Ordering::Greater,
                CompareOp::Ge => order != Ordering::Less,
                CompareOp::Ne => order != Ordering::Equal,
            };
            let op = match op {
                CompareOp::Lt => "<",
                CompareOp::Le => "<=",
                CompareOp::Gt => ">",
                CompareOp::Ge => ">=",
                CompareOp::Ne => "!=",
            };
            (!ok).then(|| format!("{} is not {op} {}", amount(n, bound), bound.describe()))
        }
        Refinement::Matching { pattern, flags } => {
            let s = value.as_str()?;
            let re = compile_regex(pattern, flags).ok()?;
            (!re.is_match(s)).then(|| format!("{s:?} does not match /{pattern}/{flags}"))
        }
        Refinement::Nonempty => {
            let empty = match value {
                Value::String(s) => s.is_empty(),
                Value::Array(a) => a.is_empty(),
                Value::Object(o) => o.is_empty(),
                _ => false,
            };
            empty.then(|| "expected a non-empty value".to_string())
        }
    }
}

/// A value in the unit of the bound it is compared with (`11000ms is not <= 10000ms`), so the
/// two read alike.
fn amount(n: f64, bound: &Literal) -> String {
    let unit = match bound {
        Literal::Duration(_) => "ms",
        Literal::Percent(_) => "%",
        Literal::Size(_) => "B",
        Literal::Rate(_) => "/s",
        _ => "",
    };
    format!("{}{unit}", intent_ir::number::display(n))
}

/// A value as a message shows it: short, with its kind.
pub fn describe(value: &Value) -> String {
    match value {
        Value::Null => "null".into(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => n.to_string(),
        Value::String(s) if s.chars().count() > 40 => {
            format!("{:?}…", s.chars().take(40).collect::<String>())
        }
        Value::String(s) => format!("{s:?}"),
        Value::Array(a) => format!("a list of {}", a.len()),
        Value::Object(_) => "an object".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::NoTypes;
    use intent_ir::FieldType;
    use serde_json::json;

    fn field(name: &str, ty: Type, optional: bool) -> FieldType {
        FieldType {
            name: name.into(),
            ty,
            optional,
        }
    }

    #[test]
    fn lists_every_violation_with_its_path() {
        let line = Type::Record {
            fields: vec![field(
                "qty",
                Type::Refined {
                    base: Box::new(Type::Int),
                    refinements: vec![Refinement::Range {
                        min: Literal::Int(1),
                        max: Literal::Int(100),
                    }],
                },
                false,
            )],
            exact: true,
        };
        let order = Type::Record {
            fields: vec![
                field("id", Type::Uuid, false),
                field("items", Type::list(line), false),
                field("coupon", Type::String, true),
            ],
            exact: false,
        };
        let value = json!({"id": "nope", "items": [{"qty": 1}, {"qty": 0, "x": 1}]});
        let v = conform(&value, &order, &NoTypes);
        let paths: Vec<&str> = v.iter().map(|v| v.path.as_str()).collect();
        assert_eq!(
            paths,
            vec!["$.id", "$.items[1].qty", "$.items[1].x"],
            "{v:?}"
        );
        assert!(v[1].message.contains("not in 1..100"), "{}", v[1].message);
        assert!(
            conform(
                &json!({"id": "00000000-0000-4000-8000-000000000000", "items": []}),
                &order,
                &NoTypes
            )
            .is_empty()
        );
        let missing = conform(&json!({"items": []}), &order, &NoTypes);
        assert_eq!(missing[0].message, "missing field `id` of type uuid");
    }

    #[test]
    fn unions_literals_and_regex_refinements() {
        let status = Type::Union {
            options: vec![
                Type::Literal {
                    value: Literal::String("paid".into()),
                },
                Type::Literal {
                    value: Literal::String("pending".into()),
                },
            ],
        };
        assert!(conform(&json!("paid"), &status, &NoTypes).is_empty());
        assert_eq!(
            conform(&json!("lost"), &status, &NoTypes)[0].message,
            "expected \"paid\" | \"pending\", found \"lost\""
        );
        let sku = Type::Refined {
            base: Box::new(Type::String),
            refinements: vec![Refinement::Matching {
                pattern: "^[A-Z]{2}$".into(),
                flags: String::new(),
            }],
        };
        assert!(conform(&json!("AB"), &sku, &NoTypes).is_empty());
        assert_eq!(conform(&json!("ab"), &sku, &NoTypes).len(), 1);
        assert!(conform(&json!(2.0), &Type::Int, &NoTypes).is_empty());
        assert_eq!(conform(&json!(2.5), &Type::Int, &NoTypes).len(), 1);
    }

    #[test]
    fn a_quantity_reads_in_its_bound_s_unit() {
        let pause = Type::Refined {
            base: Box::new(Type::Duration),
            refinements: vec![Refinement::Compare {
                op: CompareOp::Le,
                value: Literal::Duration(10_000.0),
            }],
        };
        let eleven = intent_ir::Expr {
            kind: intent_ir::ExprKind::Literal {
                value: Literal::Duration(11_000.0),
            },
            ty: Type::Duration,
            secret: false,
            span: intent_source::Span::at(0),
        };
        let value = eleven.constant().expect("a literal is a constant");
        assert_eq!(value, json!(11000));
        assert_eq!(
            conform(&value, &pause, &NoTypes)[0].message,
            "11000ms is not <= 10000ms"
        );
    }
}
