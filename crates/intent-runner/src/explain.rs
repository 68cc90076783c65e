//! Explaining a failed check: expected against actual, the failing element of a quantifier,
//! personal data found (masked, by its place), and the violations of a type.

use crate::errors::EvalError;
use crate::interpret::{Env, truth};
use crate::redact::REDACTED;
use crate::value::Value;
use intent_conform::conform;
use intent_ir::{BinaryOp, Expr, ExprKind, Quantifier, Violation};

/// Why a check failed, for reports.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct Explanation {
    pub expected: Option<String>,
    pub actual: Option<String>,
    pub message: Option<String>,
    pub violations: Vec<Violation>,
}

fn shown(expr: &Expr, value: &Value) -> String {
    if expr.secret {
        REDACTED.to_string()
    } else {
        value.to_string()
    }
}

impl Env<'_> {
    /// Evaluates a check; `Ok(None)` when it holds, otherwise what was expected and found.
    pub fn check(&mut self, expr: &Expr) -> std::result::Result<Option<Explanation>, EvalError> {
        match &expr.kind {
            // Personal data a detector finds is named by its place and shown masked, never
            // with the text around it.
            ExprKind::Binary {
                op: op @ (BinaryOp::Contains | BinaryOp::NotContains),
                lhs,
                rhs,
            } if matches!(rhs.kind, ExprKind::Detector { .. }) => {
                if truth(&self.eval(expr)?)? {
                    return Ok(None);
                }
                let ExprKind::Detector { detector } = rhs.kind else {
                    return Ok(None);
                };
                let noun = crate::pii::noun(detector);
                if *op == BinaryOp::Contains {
                    return Ok(Some(Explanation {
                        expected: Some(format!("some {noun}")),
                        actual: Some("none found".into()),
                        ..Explanation::default()
                    }));
                }
                let value = self.eval(lhs)?.to_json();
                let (path, masked) = crate::pii::locate(detector, &value)
                    .unwrap_or_else(|| ("$".into(), "***".into()));
                Ok(Some(Explanation {
                    expected: Some(format!("no {noun}")),
                    actual: Some(format!("{masked} at {path}")),
                    message: Some(format!("personal data ({noun}) at {path}: {masked}")),
                    violations: Vec::new(),
                }))
            }
            ExprKind::Binary { op, lhs, rhs }
                if !matches!(
                    op,
                    BinaryOp::And
                        | BinaryOp::Or
                        | BinaryOp::Add
                        | BinaryOp::Sub
                        | BinaryOp::Mul
                        | BinaryOp::Div
                ) =>
            {
                if truth(&self.eval(expr)?)? {
                    return Ok(None);
                }
                let actual = self.eval(lhs)?;
                let expected = match &rhs.kind {
                    ExprKind::Binary {
                        op: BinaryOp::Range,
                        lhs: lo,
                        rhs: hi,
                    } => format!(
                        "{} {}..{}",
                        op.as_str(),
                        shown(lo, &self.eval(lo)?),
                        shown(hi, &self.eval(hi)?)
                    ),
                    _ => {
                        let value = shown(rhs, &self.eval(rhs)?);
                        if *op == BinaryOp::Eq {
                            value
                        } else {
                            format!("{} {value}", op.as_str())
                        }
                    }
                };
                Ok(Some(Explanation {
                    expected: Some(expected),
                    actual: Some(shown(lhs, &actual)),
                    ..Explanation::default()
                }))
            }
            ExprKind::Binary {
                op: BinaryOp::And,
                lhs,
                rhs,
            } => match self.check(lhs)? {
                Some(e) => Ok(Some(e)),
                None => self.check(rhs),
            },
            ExprKind::Quantifier {
                quantifier,
                predicate,
                var,
                ..
            } => match self.quantify(expr)? {
                None => Ok(None),
                Some((Some(index), element)) => {
                    self.bind(var, element.clone());
                    let inner = self.check(predicate);
                    self.unbind();
                    let inner = inner?.unwrap_or_default();
                    let detail = match (&inner.actual, &inner.expected) {
                        (Some(a), Some(e)) => format!(": found {a}, expected {e}"),
                        _ => String::new(),
                    };
                    Ok(Some(Explanation {
                        expected: Some(format!(
                            "{} element to satisfy the condition",
                            if *quantifier == Quantifier::Every {
                                "every"
                            } else {
                                "some"
                            }
                        )),
                        actual: Some(shown(expr, &element)),
                        message: Some(format!(
                            "element {index} (`{var}`) fails the condition{detail}"
                        )),
                        violations: Vec::new(),
                    }))
                }
                Some((None, count)) => Ok(Some(Explanation {
                    expected: Some("some element to satisfy the condition".into()),
                    actual: Some(format!("none of {count} elements does")),
                    message: None,
                    violations: Vec::new(),
                })),
            },
            ExprKind::Conforms { value, target } => {
                let v = self.eval(value)?;
                let violations = conform(&v.to_json(), target, self.plan);
                if violations.is_empty() {
                    return Ok(None);
                }
                Ok(Some(Explanation {
                    expected: Some(target.describe()),
                    actual: Some(shown(value, &v)),
                    message: Some(format!("{} violation(s) of the type", violations.len())),
                    violations,
                }))
            }
            ExprKind::Exists { operand } | ExprKind::Absent { operand } => {
                if truth(&self.eval(expr)?)? {
                    return Ok(None);
                }
                let v = self.eval(operand)?;
                Ok(Some(Explanation {
                    expected: Some(
                        if matches!(expr.kind, ExprKind::Exists { .. }) {
                            "present"
                        } else {
                            "absent"
                        }
                        .into(),
                    ),
                    actual: Some(shown(operand, &v)),
                    ..Explanation::default()
                }))
            }
            _ => {
                let v = self.eval(expr)?;
                if truth(&v)? {
                    Ok(None)
                } else {
                    Ok(Some(Explanation {
                        expected: Some("true".into()),
                        actual: Some("false".into()),
                        ..Explanation::default()
                    }))
                }
            }
        }
    }

    /// Conformance of the latest response body to a declared type, with every violation.
    pub fn conformance(&self, ty: &intent_ir::Type) -> Option<Explanation> {
        let r = self.latest.as_ref()?;
        let json = match r.json() {
            Ok(j) => j,
            Err(e) => {
                return Some(Explanation {
                    expected: Some(format!("a JSON body of type {}", ty.describe())),
                    actual: Some(snippet(&r.text)),
                    message: Some(format!(
                        "{} {}: the body is not valid JSON ({e})",
                        r.method, r.url
                    )),
                    violations: Vec::new(),
                });
            }
        };
        let violations = conform(json, ty, self.plan);
        (!violations.is_empty()).then(|| Explanation {
            expected: Some(ty.describe()),
            actual: Some(Value::Json(json.clone()).to_string()),
            message: Some(format!(
                "the body does not conform: {} violation(s)",
                violations.len()
            )),
            violations,
        })
    }
}

/// A body that is not JSON, quoted (the report cuts it, after redacting it).
fn snippet(text: &str) -> String {
    format!("{text:?}")
}
