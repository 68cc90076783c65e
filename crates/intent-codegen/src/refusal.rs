//! What the exports to other tools (k6 scripts, Prometheus rules) share: a construct they
//! refuse, as a coded diagnostic at its span, and the values they must know when they write
//! their output rather than when the specs run.

use intent_ir::{Expr, ExprKind, Literal, Plan};
use intent_source::{Code, Diagnostic, FileId, Span, code};

/// A construct an export cannot express. It becomes a [`Diagnostic`] in the file of the item
/// it was found in, so the user sees the line to change, as with any compile error.
#[derive(Debug)]
pub(crate) struct Refusal {
    pub code: Code,
    pub span: Span,
    pub message: String,
    pub help: String,
}

impl Refusal {
    /// `E4002` with its message and help.
    pub fn unsupported(span: Span, message: impl Into<String>, help: impl Into<String>) -> Self {
        Refusal {
            code: code::NOT_EXPORTABLE,
            span,
            message: message.into(),
            help: help.into(),
        }
    }

    /// `E4002` for a value the export must write down but the spec computes at run time.
    pub fn not_constant(expr: &Expr, what: &str) -> Self {
        Refusal::unsupported(
            expr.span,
            format!("{what} is computed at run time, and the export needs it written down"),
            "write it as a literal or a `let` of one",
        )
    }

    pub fn into_diagnostic(self, file: FileId) -> Diagnostic {
        Diagnostic::new(self.code, self.message, file, self.span).with_help(self.help)
    }
}

/// The number an expression stands for when it is written as a literal (units folded) or
/// names a `let` that is one, following lets; `None` when it is computed at run time. The
/// exports write numbers such as a rate or `after N` into their output, where nothing is
/// evaluated.
pub(crate) fn constant(plan: &Plan, expr: &Expr) -> Option<f64> {
    constant_within(plan, expr, plan.bindings.len())
}

/// [`constant`], following at most `depth` lets (the checker refuses cycles; this bounds a
/// plan edited by hand).
fn constant_within(plan: &Plan, expr: &Expr, depth: usize) -> Option<f64> {
    match &expr.kind {
        ExprKind::Literal { value } => match value {
            Literal::Int(i) => Some(*i as f64),
            Literal::Decimal(n)
            | Literal::Duration(n)
            | Literal::Percent(n)
            | Literal::Size(n)
            | Literal::Rate(n) => Some(*n),
            Literal::Null | Literal::Bool(_) | Literal::String(_) => None,
        },
        ExprKind::Var { name } if depth > 0 => {
            let binding = plan.bindings.iter().find(|b| &b.name == name)?;
            if binding.secret {
                return None;
            }
            constant_within(plan, &binding.value, depth - 1)
        }
        _ => None,
    }
}
