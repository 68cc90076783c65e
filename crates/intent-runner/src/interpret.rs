//! Interpreting typed expressions against the responses and names of one case: names, response
//! fields, operators, built-in functions and detectors, and the `Aggregates` trait through
//! which thresholds read aggregates. Explaining a failed check is `explain.rs`; running the
//! `evaluate` blocks over datasets is `evaluate.rs`.

use crate::errors::EvalError;
use crate::http::Response;
use crate::scores;
use crate::stats::Interval;
use crate::value::{Unit, Value};
use intent_conform::{compile_regex, conform};
use intent_ir::number::{self, Arith};
use intent_ir::units::{self, Dimension};
use intent_ir::{
    Aggregate, BinaryOp, Expr, ExprKind, Function, Literal, Plan, Quantifier, ResponseField,
    Series, TemplatePart, UnaryOp,
};
use serde_json::Value as Json;
use std::collections::HashMap;
use std::sync::Arc;

type Result<T> = std::result::Result<T, EvalError>;

/// Where the values of aggregates come from: the cases of an evaluation. Thresholds are
/// evaluated like any check, in an [`Env`] that has a source of aggregates.
pub trait Aggregates: Sync {
    /// The aggregate's value; with an interval, the chosen end of its confidence interval.
    fn aggregate(
        &self,
        aggregate: Aggregate,
        series: Option<&Series>,
        label: Option<&str>,
        interval: Option<Interval>,
    ) -> Result<Value>;
}

/// The names and responses a case can read.
pub struct Env<'p> {
    pub plan: &'p Plan,
    globals: &'p HashMap<String, Value>,
    vars: Vec<(String, Value)>,
    pub latest: Option<Arc<Response>>,
    /// Set while thresholds are checked.
    pub aggregates: Option<&'p dyn Aggregates>,
    /// Set while a threshold with `at N% confidence` is checked.
    pub interval: Option<Interval>,
}

impl<'p> Env<'p> {
    pub fn new(plan: &'p Plan, globals: &'p HashMap<String, Value>) -> Self {
        Self {
            plan,
            globals,
            vars: Vec::new(),
            latest: None,
            aggregates: None,
            interval: None,
        }
    }

    pub fn bind(&mut self, name: &str, value: Value) {
        self.vars.push((name.to_string(), value));
    }

    /// Forgets the latest binding: a quantifier's variable once its condition is evaluated.
    pub fn unbind(&mut self) {
        self.vars.pop();
    }

    fn lookup(&self, name: &str) -> Option<&Value> {
        self.vars
            .iter()
            .rev()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v)
            .or_else(|| self.globals.get(name))
    }

    fn response(&self, name: &Option<String>) -> Result<Arc<Response>> {
        match name {
            None => self
                .latest
                .clone()
                .map_or_else(|| Err(EvalError::NoResponseYet), Ok),
            Some(n) => match self.lookup(n) {
                Some(Value::Response(r)) => Ok(Arc::clone(r)),
                _ => Err(EvalError::NoSuchResponse(n.clone())),
            },
        }
    }

    pub fn eval(&mut self, expr: &Expr) -> Result<Value> {
        Ok(match &expr.kind {
            ExprKind::Literal { value } => literal(value),
            ExprKind::Regex { pattern, flags } => Value::Regex(Arc::new(
                compile_regex(pattern, flags)
                    .map_err(|e| EvalError::InvalidRegex(e.to_string()))?,
            )),
            ExprKind::Detector { detector } => Value::Detector(*detector),
            ExprKind::Template { parts } => {
                let mut out = String::new();
                for part in parts {
                    match part {
                        TemplatePart::Text(t) => out.push_str(t),
                        TemplatePart::Expr(e) => out.push_str(&self.eval(e)?.to_text()),
                    }
                }
                Value::string(out)
            }
            ExprKind::List { items } => {
                let items = items
                    .iter()
                    .map(|i| self.eval(i).map(|v| v.to_json()))
                    .collect::<Result<Vec<_>>>()?;
                Value::Json(Json::Array(items))
            }
            ExprKind::Object { entries } => {
                let mut map = serde_json::Map::new();
                for e in entries {
                    let value = self.eval(&e.value)?;
                    if !matches!(value, Value::Absent) {
                        map.insert(e.key.clone(), value.to_json());
                    }
                }
                Value::Json(Json::Object(map))
            }
            ExprKind::Var { name } => match self.lookup(name) {
                Some(v) => v.clone(),
                None => return Err(EvalError::NoValue(name.clone())),
            },
            ExprKind::Response { name, field } => {
                let r = self.response(name)?;
                match field {
                    ResponseField::Status => Value::number(f64::from(r.status)),
                    ResponseField::Body => match r.json() {
                        Ok(j) => Value::Json(j.clone()),
                        Err(_) => Value::string(r.text.clone()),
                    },
                    ResponseField::Headers => Value::Json(Json::Object(r.header_map())),
                    ResponseField::Duration => Value::Quantity(Unit::Duration, r.duration_ms),
                    ResponseField::Size => Value::Quantity(Unit::Size, r.size as f64),
                }
            }
            ExprKind::Header { name, header } => {
                let r = self.response(name)?;
                r.header(header).map_or(Value::Absent, Value::string)
            }
            // Header names are case-insensitive: `headers.Location` reads `location`.
            ExprKind::Field { base, field } if is_headers(base) => {
                let r = self.response(header_source(base))?;
                r.header(field).map_or(Value::Absent, Value::string)
            }
            ExprKind::Field { base, field } => match self.in_body(expr) {
                // The common `body.a.b` reads the response in place and copies only the leaf.
                Some(found) => Value::Json(found.clone()),
                None => {
                    let value = self.eval(base)?;
                    self.field(base, value, field)?
                }
            },
            // Header names are case-insensitive: `headers["Location"]` reads `location`.
            ExprKind::Index { base, index } if is_headers(base) => {
                let name = self.eval(index)?;
                let r = self.response(header_source(base))?;
                match name.as_str() {
                    Some(name) => r.header(name).map_or(Value::Absent, Value::string),
                    None => {
                        return Err(EvalError::HeaderName {
                            found: name.to_string(),
                        });
                    }
                }
            }
            ExprKind::Index { base, index } => {
                let value = self.eval(base)?;
                let index = self.eval(index)?;
                match (&value, &index) {
                    (Value::Json(Json::Array(items)), i) if i.as_f64().is_some() => {
                        let i = i.as_f64().unwrap_or(-1.0);
                        if i >= 0.0 && (i as usize) < items.len() {
                            Value::Json(items[i as usize].clone())
                        } else {
                            Value::Absent
                        }
                    }
                    (Value::Json(Json::Object(map)), key) if key.as_str().is_some() => map
                        .get(key.as_str().unwrap_or_default())
                        .map_or(Value::Absent, |v| Value::Json(v.clone())),
                    (Value::Absent | Value::Json(Json::Null), _) => Value::Absent,
                    _ => {
                        return Err(EvalError::CannotIndex {
                            value: value.to_string(),
                            index: index.to_string(),
                        });
                    }
                }
            }
            ExprKind::Call { function, args } => {
                let args = args
                    .iter()
                    .map(|a| self.eval(a))
                    .collect::<Result<Vec<_>>>()?;
                call(*function, &args)?
            }
            ExprKind::Aggregate {
                aggregate,
                series,
                label,
            } => match self.aggregates {
                Some(source) => source.aggregate(
                    *aggregate,
                    series.as_ref(),
                    label.as_deref(),
                    self.interval,
                )?,
                None => return Err(EvalError::AggregateInCase),
            },
            ExprKind::Unary { op, operand } => {
                let v = self.eval(operand)?;
                match op {
                    UnaryOp::Not => Value::bool(!truth(&v)?),
                    UnaryOp::Neg => match v {
                        Value::Quantity(u, n) => Value::Quantity(u, -n),
                        other => Value::number(-number(&other)?),
                    },
                }
            }
            ExprKind::Binary { op, lhs, rhs } => self.binary(*op, lhs, rhs)?,
            ExprKind::Exists { operand } => {
                Value::bool(!matches!(self.eval(operand)?, Value::Absent))
            }
            ExprKind::Absent { operand } => {
                Value::bool(matches!(self.eval(operand)?, Value::Absent))
            }
            ExprKind::Quantifier { .. } => Value::bool(self.quantify(expr)?.is_none()),
            ExprKind::Conforms { value, target } => {
                let v = self.eval(value)?;
                Value::bool(conform(&v.to_json(), target, self.plan).is_empty())
            }
        })
    }

    /// The JSON a chain of fields over a response body points at, without copying the body;
    /// `None` when the chain leaves the body or a field is missing (the slow path explains).
    fn in_body(&self, expr: &Expr) -> Option<&Json> {
        match &expr.kind {
            ExprKind::Response {
                name,
                field: ResponseField::Body,
            } => {
                let response = match name {
                    None => self.latest.as_ref()?,
                    Some(n) => match self.lookup(n)? {
                        Value::Response(r) => r,
                        _ => return None,
                    },
                };
                response.json().as_ref().ok()
            }
            ExprKind::Field { base, field } => self.in_body(base)?.as_object()?.get(field),
            _ => None,
        }
    }

    fn field(&self, base: &Expr, value: Value, field: &str) -> Result<Value> {
        match value {
            Value::Json(Json::Object(mut map)) => {
                Ok(map.remove(field).map_or(Value::Absent, Value::Json))
            }
            Value::Json(Json::Null) | Value::Absent => Ok(Value::Absent),
            Value::Json(Json::String(text)) => {
                if let ExprKind::Response {
                    name,
                    field: ResponseField::Body,
                } = &base.kind
                {
                    let r = self.response(name)?;
                    if let Err(why) = r.json() {
                        return Err(EvalError::BodyNotJson {
                            method: r.method.to_string(),
                            url: r.url.to_string(),
                            why: why.to_string(),
                            field: field.to_string(),
                        });
                    }
                }
                Err(EvalError::NoField {
                    value: Value::string(text).to_string(),
                    field: field.to_string(),
                })
            }
            other => Err(EvalError::NoField {
                value: other.to_string(),
                field: field.to_string(),
            }),
        }
    }

    /// For `every`, the index and value of the first element that fails (`None`: all pass);
    /// for `some`, `Some` with no index when none passes.
    pub(crate) fn quantify(&mut self, expr: &Expr) -> Result<Option<(Option<usize>, Value)>> {
        let ExprKind::Quantifier {
            quantifier,
            var,
            collection,
            predicate,
        } = &expr.kind
        else {
            return Ok(None);
        };
        let items = match self.eval(collection)? {
            Value::Json(Json::Array(items)) => items,
            Value::Absent | Value::Json(Json::Null) => Vec::new(),
            other => {
                return Err(EvalError::QuantifierNeedsList {
                    found: other.to_string(),
                });
            }
        };
        let count = items.len();
        for (i, item) in items.into_iter().enumerate() {
            self.bind(var, Value::Json(item.clone()));
            let holds = self.eval(predicate).and_then(|v| truth(&v));
            self.vars.pop();
            match (quantifier, holds?) {
                (Quantifier::Every, false) => return Ok(Some((Some(i), Value::Json(item)))),
                (Quantifier::Some, true) => return Ok(None),
                _ => {}
            }
        }
        Ok(match quantifier {
            Quantifier::Every => None,
            Quantifier::Some => Some((None, Value::number(count as f64))),
        })
    }

    fn binary(&mut self, op: BinaryOp, lhs: &Expr, rhs: &Expr) -> Result<Value> {
        match op {
            BinaryOp::And => {
                return Ok(Value::bool(
                    truth(&self.eval(lhs)?)? && truth(&self.eval(rhs)?)?,
                ));
            }
            BinaryOp::Or => {
                return Ok(Value::bool(
                    truth(&self.eval(lhs)?)? || truth(&self.eval(rhs)?)?,
                ));
            }
            _ => {}
        }
        let a = self.eval(lhs)?;
        if matches!(op, BinaryOp::In | BinaryOp::NotIn)
            && let ExprKind::Binary {
                op: BinaryOp::Range,
                lhs: lo,
                rhs: hi,
            } = &rhs.kind
        {
            let (lo, hi) = (self.eval(lo)?, self.eval(hi)?);
            let inside = compare(&a, &lo)? >= std::cmp::Ordering::Equal
                && compare(&a, &hi)? <= std::cmp::Ordering::Equal;
            return Ok(Value::bool(inside == (op == BinaryOp::In)));
        }
        let b = self.eval(rhs)?;
        apply(op, &a, &b)
    }
}

/// Whether `expr` is the `headers` of a response (the latest or a named one).
fn is_headers(expr: &Expr) -> bool {
    matches!(
        expr.kind,
        ExprKind::Response {
            field: ResponseField::Headers,
            ..
        }
    )
}

/// The response whose `headers` `expr` reads (`None`: the latest); only for [`is_headers`].
fn header_source(expr: &Expr) -> &Option<String> {
    const LATEST: &Option<String> = &None;
    match &expr.kind {
        ExprKind::Response { name, .. } => name,
        _ => LATEST,
    }
}

/// Applies a non-logical binary operator to two values.
pub fn apply(op: BinaryOp, a: &Value, b: &Value) -> Result<Value> {
    use std::cmp::Ordering::*;
    Ok(match op {
        BinaryOp::Eq => Value::bool(equal(a, b)),
        BinaryOp::Ne => Value::bool(!equal(a, b)),
        BinaryOp::Lt => Value::bool(compare(a, b)? == Less),
        BinaryOp::Le => Value::bool(compare(a, b)? != Greater),
        BinaryOp::Gt => Value::bool(compare(a, b)? == Greater),
        BinaryOp::Ge => Value::bool(compare(a, b)? != Less),
        BinaryOp::In | BinaryOp::NotIn => {
            let found = match b {
                Value::Json(Json::Array(items)) => {
                    items.iter().any(|i| equal(a, &Value::Json(i.clone())))
                }
                Value::Json(Json::String(s)) => a.as_str().is_some_and(|x| s.contains(x)),
                Value::Json(Json::Object(map)) => a.as_str().is_some_and(|k| map.contains_key(k)),
                other => {
                    return Err(EvalError::InNeedsCollection {
                        found: other.to_string(),
                    });
                }
            };
            Value::bool(found == (op == BinaryOp::In))
        }
        BinaryOp::Contains | BinaryOp::NotContains => {
            Value::bool(contains(a, b)? == (op == BinaryOp::Contains))
        }
        BinaryOp::Matches | BinaryOp::NotMatches => {
            let (Some(text), Value::Regex(re)) = (a.as_str(), b) else {
                return Err(EvalError::MatchesOperands {
                    left: a.to_string(),
                    right: b.to_string(),
                });
            };
            Value::bool(re.is_match(text) == (op == BinaryOp::Matches))
        }
        BinaryOp::StartsWith | BinaryOp::EndsWith => {
            let (Some(x), Some(y)) = (a.as_str(), b.as_str()) else {
                return Err(EvalError::AffixOperands {
                    left: a.to_string(),
                    right: b.to_string(),
                });
            };
            Value::bool(if op == BinaryOp::StartsWith {
                x.starts_with(y)
            } else {
                x.ends_with(y)
            })
        }
        BinaryOp::Add | BinaryOp::Sub | BinaryOp::Mul | BinaryOp::Div => arithmetic(op, a, b)?,
        BinaryOp::Range => return Err(EvalError::RangeOutsideIn),
        BinaryOp::And | BinaryOp::Or => Value::bool(truth(a)? && truth(b)?),
    })
}

/// `a op b` by the unit algebra (`intent_ir::units`), in exact decimal arithmetic; `+` of two
/// strings joins them.
fn arithmetic(op: BinaryOp, a: &Value, b: &Value) -> Result<Value> {
    if op == BinaryOp::Add
        && let (Some(x), Some(y)) = (a.as_str(), b.as_str())
    {
        return Ok(Value::string(format!("{x}{y}")));
    }
    let arith = match op {
        BinaryOp::Add => Arith::Add,
        BinaryOp::Sub => Arith::Sub,
        BinaryOp::Mul => Arith::Mul,
        _ => Arith::Div,
    };
    let (da, x) = amount(a)?;
    let (db, y) = amount(b)?;
    let combination = units::combine(arith, da, db).map_err(|refusal| EvalError::Units {
        refusal,
        op: arith,
        left: da,
        right: db,
    })?;
    let result = units::compute(arith, combination.rule, x, y)?;
    Ok(match Unit::of(combination.dimension) {
        Some(unit) => Value::Quantity(unit, result),
        None => Value::number(result),
    })
}

/// A number or quantity as its dimension and canonical amount.
fn amount(v: &Value) -> Result<(Dimension, f64)> {
    match v {
        Value::Quantity(unit, x) => Ok((unit.dimension(), *x)),
        other => Ok((Dimension::Number, number(other)?)),
    }
}

fn number(v: &Value) -> Result<f64> {
    v.as_f64().map_or_else(
        || {
            Err(EvalError::NotANumber {
                found: v.to_string(),
            })
        },
        Ok,
    )
}

pub fn truth(v: &Value) -> Result<bool> {
    v.as_bool().map_or_else(
        || {
            Err(EvalError::NotABool {
                found: v.to_string(),
            })
        },
        Ok,
    )
}

/// Equality as people mean it: numbers by value (`2` equals `2.0`), a missing field equals
/// `null`, quantities by their canonical amount.
pub fn equal(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Absent, Value::Absent) => true,
        (Value::Absent, Value::Json(Json::Null)) | (Value::Json(Json::Null), Value::Absent) => true,
        (Value::Json(x), Value::Json(y)) => json_equal(x, y),
        (Value::Quantity(u, x), Value::Quantity(w, y)) => u == w && number::equal(*x, *y),
        (Value::Quantity(_, x), Value::Json(Json::Number(n)))
        | (Value::Json(Json::Number(n)), Value::Quantity(_, x)) => {
            n.as_f64().is_some_and(|y| number::equal(*x, y))
        }
        _ => false,
    }
}

fn json_equal(x: &Json, y: &Json) -> bool {
    match (x, y) {
        (Json::Number(a), Json::Number(b)) => match (a.as_i64(), b.as_i64()) {
            // Whole numbers compare exactly, also beyond what a double holds.
            (Some(a), Some(b)) => a == b,
            _ => match (a.as_f64(), b.as_f64()) {
                (Some(a), Some(b)) => number::equal(a, b),
                _ => a == b,
            },
        },
        (Json::Array(a), Json::Array(b)) => {
            a.len() == b.len() && a.iter().zip(b).all(|(a, b)| json_equal(a, b))
        }
        (Json::Object(a), Json::Object(b)) => {
            a.len() == b.len()
                && a.iter()
                    .all(|(k, v)| b.get(k).is_some_and(|w| json_equal(v, w)))
        }
        _ => x == y,
    }
}

fn compare(a: &Value, b: &Value) -> Result<std::cmp::Ordering> {
    if let (Some(x), Some(y)) = (a.as_f64(), b.as_f64()) {
        return number::compare(x, y).map_or_else(|| Err(EvalError::CompareNaN), Ok);
    }
    if let (Some(x), Some(y)) = (a.as_str(), b.as_str()) {
        return Ok(x.cmp(y));
    }
    Err(EvalError::CannotOrder {
        left: a.to_string(),
        right: b.to_string(),
    })
}

fn contains(a: &Value, b: &Value) -> Result<bool> {
    if let Value::Json(Json::Array(items)) = a
        && !matches!(b, Value::Regex(_) | Value::Detector(_))
    {
        return Ok(items.iter().any(|i| equal(&Value::Json(i.clone()), b)));
    }
    // Strings are searched as they are; other JSON as its text, so a policy can look for
    // personal data anywhere in a body.
    let haystack = match a {
        Value::Json(Json::String(s)) => s.clone(),
        Value::Json(j) => j.to_string(),
        Value::Absent => return Ok(false),
        other => {
            return Err(EvalError::ContainsCannotSearch {
                found: other.to_string(),
            });
        }
    };
    Ok(match b {
        Value::Regex(re) => re.is_match(&haystack),
        Value::Detector(d) => crate::pii::detect(*d, &haystack),
        other => match other.as_str() {
            Some(needle) => haystack.contains(needle),
            None => haystack.contains(&other.to_string()),
        },
    })
}

pub fn literal(value: &Literal) -> Value {
    match value {
        Literal::Null => Value::null(),
        Literal::Bool(b) => Value::bool(*b),
        Literal::Int(i) => Value::Json(Json::from(*i)),
        Literal::Decimal(d) => Value::number(*d),
        Literal::String(s) => Value::string(s.clone()),
        Literal::Duration(ms) => Value::Quantity(Unit::Duration, *ms),
        Literal::Percent(p) => Value::Quantity(Unit::Percent, *p),
        Literal::Size(b) => Value::Quantity(Unit::Size, *b),
        Literal::Rate(r) => Value::Quantity(Unit::Rate, *r),
    }
}

fn text_arg(args: &[Value], i: usize, function: Function) -> Result<&str> {
    args.get(i).and_then(Value::as_str).map_or_else(
        || {
            Err(EvalError::StringArgument {
                function: function.name(),
            })
        },
        Ok,
    )
}

fn call(function: Function, args: &[Value]) -> Result<Value> {
    Ok(match function {
        Function::Len => match args.first() {
            Some(Value::Json(Json::String(s))) => Value::number(s.chars().count() as f64),
            Some(Value::Json(Json::Array(a))) => Value::number(a.len() as f64),
            Some(Value::Json(Json::Object(o))) => Value::number(o.len() as f64),
            Some(Value::Absent | Value::Json(Json::Null)) => Value::number(0.0),
            Some(other) => {
                return Err(EvalError::LenArgument {
                    found: other.to_string(),
                });
            }
            None => return Err(EvalError::LenMissing),
        },
        Function::Lower => Value::string(text_arg(args, 0, Function::Lower)?.to_lowercase()),
        Function::Upper => Value::string(text_arg(args, 0, Function::Upper)?.to_uppercase()),
        Function::Trim => Value::string(text_arg(args, 0, Function::Trim)?.trim()),
        Function::Now => {
            Value::string(chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true))
        }
        Function::Uuid => Value::string(uuid::Uuid::new_v4().to_string()),
        Function::RandomInt => {
            let lo = number(args.first().unwrap_or(&Value::Absent))? as i64;
            let hi = number(args.get(1).unwrap_or(&Value::Absent))? as i64;
            if hi < lo {
                return Err(EvalError::RandomBounds { low: lo, high: hi });
            }
            Value::Json(Json::from(fastrand::i64(lo..=hi)))
        }
        Function::RandomString => {
            let n = number(args.first().unwrap_or(&Value::Absent))?.clamp(0.0, 10_000.0) as usize;
            Value::string((0..n).map(|_| fastrand::alphanumeric()).collect::<String>())
        }
        Function::RandomEmail => {
            let user: String = (0..10).map(|_| fastrand::lowercase()).collect();
            Value::string(format!("{user}@example.com"))
        }
        Function::Env => {
            let name = text_arg(args, 0, Function::Env)?;
            match (std::env::var(name), args.get(1)) {
                (Ok(v), _) => Value::string(v),
                (Err(_), Some(default)) => default.clone(),
                (Err(_), None) => {
                    return Err(EvalError::EnvUnset(name.to_string()));
                }
            }
        }
        Function::Exact => Value::number(if equal(&args[0], &args[1]) { 1.0 } else { 0.0 }),
        Function::Similarity => Value::number(scores::similarity(
            text_arg(args, 0, Function::Similarity)?,
            text_arg(args, 1, Function::Similarity)?,
        )),
        Function::RougeL => Value::number(scores::rouge_l(
            text_arg(args, 0, Function::RougeL)?,
            text_arg(args, 1, Function::RougeL)?,
        )),
        Function::Bleu => Value::number(scores::bleu(
            text_arg(args, 0, Function::Bleu)?,
            text_arg(args, 1, Function::Bleu)?,
        )),
        Function::Within => {
            let (a, b) = (number(&args[0])?, number(&args[1])?);
            let tolerance = match &args[2] {
                Value::Quantity(Unit::Percent, p) => number::share(b.abs(), *p)?,
                other => number(other)?,
            };
            let gap = number::apply(Arith::Sub, a, b)?;
            Value::bool(number::compare(gap.abs(), tolerance) != Some(std::cmp::Ordering::Greater))
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn equality_is_by_value() {
        assert!(equal(&Value::number(2.0), &Value::Json(Json::from(2))));
        assert!(equal(&Value::Absent, &Value::null()));
        assert!(!equal(&Value::string("2"), &Value::number(2.0)));
        let lt = apply(
            BinaryOp::Lt,
            &Value::Quantity(Unit::Duration, 120.0),
            &Value::Quantity(Unit::Duration, 300.0),
        );
        assert_eq!(lt.ok().and_then(|v| v.as_bool()), Some(true));
    }
}
