//! Global definitions: lets and secrets, targets with their default clauses, and the warning
//! for lets and secrets nothing reads.

use super::requests::clauses;
use crate::context::Context;
use crate::exprs::widen;
use crate::scope::{BlockKind, Scope};
use crate::types::Family;
use intent_ir::{self as ir, Binding, Expr, Plan};
use intent_source::{FileId, code};
use intent_syntax::ast::{self, ClauseKind};

pub(super) fn global_binding(
    cx: &mut Context<'_>,
    file: FileId,
    name: &ast::Ident,
    value: &ast::Expr,
    secret: bool,
) -> Binding {
    let mut scope = Scope::new(BlockKind::Global);
    let value = cx.expr(file, &mut scope, value);
    if secret {
        cx.secret_from_environment(file, name, &value);
    }
    let is_secret = secret || value.secret;
    cx.values
        .insert(name.name.clone(), (widen(&value.ty), is_secret));
    Binding {
        name: name.name.clone(),
        secret,
        value: Expr {
            secret: is_secret,
            ..value
        },
        source: cx.source(file, name.span),
    }
}

pub(super) fn target(cx: &mut Context<'_>, file: FileId, t: &ast::Target) -> ir::Target {
    let mut scope = Scope::new(BlockKind::Global);
    let url = cx.expr(file, &mut scope, &t.url);
    if !matches!(
        cx.type_table().family(&url.ty),
        Family::Text | Family::Dynamic
    ) {
        let d = cx
            .error(
                code::TYPE_MISMATCH,
                "a target's URL must be a string",
                file,
                url.span,
            )
            .with_label(format!("this is {}", url.ty.describe()))
            .with_help(
                "write `target NAME = \"http://127.0.0.1:8080\"` or `env(\"URL\", \"http://…\")`",
            );
        cx.report(d);
    }
    for clause in &t.clauses {
        if matches!(
            clause.kind,
            ClauseKind::Json(_)
                | ClauseKind::Form(_)
                | ClauseKind::Multipart(_)
                | ClauseKind::Body(_)
                | ClauseKind::Retry { .. }
        ) {
            let d = cx
                .error(
                    code::TARGET_CLAUSE,
                    format!("a target cannot set a default `{}`", clause.kind.keyword()),
                    file,
                    clause.span,
                )
                .with_label("only a request can have this")
                .with_help("targets set default headers, query parameters, auth and timeouts; put bodies and retries on the request");
            cx.report(d);
        }
    }
    let (defaults, _) = clauses(cx, file, &mut scope, &t.clauses);
    ir::Target {
        name: t.name.name.clone(),
        url,
        defaults,
        source: cx.source(file, t.span),
    }
}

pub(super) fn warn_unused_globals(cx: &mut Context<'_>, plan: &Plan) {
    for binding in &plan.bindings {
        if binding.name.starts_with('_') || cx.used_globals.contains(&binding.name) {
            continue;
        }
        let file = FileId(binding.source.file);
        let d = cx
            .error(
                code::UNUSED_NAME,
                format!("`{}` is defined but never used", binding.name),
                file,
                binding.source.span,
            )
            .with_label("never read")
            .with_help(format!(
                "remove it, or name it `_{}` to keep it on purpose",
                binding.name
            ));
        cx.report(d);
    }
}
