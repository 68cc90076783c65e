//! Expressions: every name resolved, every operator and call typed, units checked.
//!
//! [`Context::expr`] dispatches on the kind of expression; each kind is lowered in the module
//! of its concern: names, fields and indexes (`names`), built-in function calls (`calls`),
//! aggregates over many cases (`aggregates`), operators and comparisons (`operators`), and
//! lists, objects and quantifiers (`collections`).

mod aggregates;
mod calls;
mod collections;
mod names;
mod operators;

pub(crate) use names::RESPONSE_FIELDS;

use crate::context::Context;
use crate::scope::Scope;
use crate::types::{Family, number_literal};
use intent_ir::{Expr, ExprKind, Literal, TemplatePart, Type};
use intent_source::{FileId, Span, code};
use intent_syntax::ast;

fn make(kind: ExprKind, ty: Type, secret: bool, span: Span) -> Expr {
    Expr {
        kind,
        ty,
        secret,
        span,
    }
}

/// A literal's type: strings keep their value (so `"delivered"` can be refused where only
/// `"pending" | "paid"` fit); other literals have their base type.
fn literal(value: Literal, span: Span) -> Expr {
    let ty = match &value {
        Literal::String(_) => Type::Literal {
            value: value.clone(),
        },
        other => other.base_type(),
    };
    make(ExprKind::Literal { value }, ty, false, span)
}

/// A stand-in after an error, typed `any` so no second error follows from the first.
pub(crate) fn error_expr(span: Span) -> Expr {
    make(
        ExprKind::Literal {
            value: Literal::Null,
        },
        Type::Any,
        false,
        span,
    )
}

/// Whether an expression is the stand-in of [`error_expr`]: its error is already reported, so
/// nothing more is concluded from it. (A `null` written in the spec has the type `null`.)
pub(crate) fn is_error_expr(expr: &Expr) -> bool {
    expr.ty == Type::Any
        && matches!(
            expr.kind,
            ExprKind::Literal {
                value: Literal::Null
            }
        )
}

impl Context<'_> {
    pub fn expr(&mut self, file: FileId, scope: &mut Scope, e: &ast::Expr) -> Expr {
        let span = e.span;
        match &e.kind {
            ast::ExprKind::Number(n) => literal(number_literal(n), span),
            ast::ExprKind::String(s) => self.string(file, scope, s),
            ast::ExprKind::Regex(r) => {
                self.check_regex(file, span, &r.pattern, &r.flags);
                make(
                    ExprKind::Regex {
                        pattern: r.pattern.clone(),
                        flags: r.flags.clone(),
                    },
                    Type::Regex,
                    false,
                    span,
                )
            }
            ast::ExprKind::Bool(b) => literal(Literal::Bool(*b), span),
            ast::ExprKind::Null => literal(Literal::Null, span),
            ast::ExprKind::Error => error_expr(span),
            ast::ExprKind::Name(name) => self.name(file, scope, name, span),
            ast::ExprKind::List(items) => self.list(file, scope, items, span),
            ast::ExprKind::Object(entries) => self.object(file, scope, entries, span),
            ast::ExprKind::Header(name) => {
                self.require_response(file, scope, "header", span);
                let header = name.as_plain().unwrap_or_else(|| name.display());
                make(
                    ExprKind::Header { name: None, header },
                    Type::String,
                    false,
                    span,
                )
            }
            ast::ExprKind::Field { base, field } => self.field(file, scope, base, field, span),
            ast::ExprKind::Index { base, index } => self.index(file, scope, base, index, span),
            ast::ExprKind::Call { callee, args } => self.call(file, scope, callee, args, span),
            ast::ExprKind::Unary { op, operand } => self.unary(file, scope, *op, operand, span),
            ast::ExprKind::Binary { op, lhs, rhs } => self.binary(file, scope, *op, lhs, rhs, span),
            ast::ExprKind::Exists(operand) | ast::ExprKind::Absent(operand) => {
                let operand = Box::new(self.expr(file, scope, operand));
                let kind = if matches!(e.kind, ast::ExprKind::Exists(_)) {
                    ExprKind::Exists { operand }
                } else {
                    ExprKind::Absent { operand }
                };
                make(kind, Type::Bool, false, span)
            }
            ast::ExprKind::Quantifier {
                kind,
                var,
                collection,
                predicate,
            } => self.quantifier(file, scope, *kind, var, collection, predicate, span),
        }
    }

    /// A string literal, interpolated or not.
    pub fn string(&mut self, file: FileId, scope: &mut Scope, s: &ast::StringLit) -> Expr {
        if let Some(text) = s.as_plain() {
            return literal(Literal::String(text), s.span);
        }
        let mut secret = false;
        let parts = s
            .parts
            .iter()
            .map(|p| match p {
                ast::TemplatePart::Text(t) => TemplatePart::Text(t.clone()),
                ast::TemplatePart::Expr(e) => {
                    let e = self.expr(file, scope, e);
                    secret |= e.secret;
                    TemplatePart::Expr(e)
                }
            })
            .collect();
        make(ExprKind::Template { parts }, Type::String, secret, s.span)
    }

    pub fn require_response(&mut self, file: FileId, scope: &Scope, what: &str, span: Span) {
        if scope.latest_body.is_none() && scope.aggregates.is_none() {
            let d = self
                .error(
                    code::NO_RESPONSE,
                    format!("`{what}` reads the latest response, but no request was made before this line"),
                    file,
                    span,
                )
                .with_label("no response yet")
                .with_help("add a `when METHOD target /path` line before this check");
            self.report(d);
        }
    }

    pub fn expect_bool(&mut self, file: FileId, expr: &Expr, what: &str) {
        let family = self.type_table().family(&expr.ty);
        if !matches!(family, Family::Bool | Family::Dynamic) {
            let d = self
                .error(
                    code::CHECK_NOT_BOOLEAN,
                    format!(
                        "{what} must be true or false, but this is {}",
                        family.noun()
                    ),
                    file,
                    expr.span,
                )
                .with_label(format!("{} of type {}", family.noun(), expr.ty.describe()))
                .with_help("compare it with something, for example `status == 200`");
            self.report(d);
        }
    }
}

/// A literal's type without its value: `19.98` → decimal. Lets a list or an object hold
/// other values of the same kind.
pub(crate) fn widen(ty: &Type) -> Type {
    match ty {
        Type::Literal { value } => value.base_type(),
        other => other.clone(),
    }
}

/// Whether an expression contains an aggregate (so it is a threshold over many cases).
pub(crate) fn has_aggregate(expr: &Expr) -> bool {
    expr.any(&mut |e| matches!(e.kind, ExprKind::Aggregate { .. }))
}
