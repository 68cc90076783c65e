//! Names, response fields, the fields of records and rows, and indexes: what a name means
//! where it is written, and declaring the local names a block introduces.

use super::aggregates::AGGREGATE_NAMES;
use super::{error_expr, make};
use crate::context::Context;
use crate::globals::ValueKind;
use crate::scope::{Local, LocalKind, Scope};
use crate::types::Family;
use intent_ir::{Detector, Expr, ExprKind, ResponseField, Type};
use intent_source::{FileId, Span, code, did_you_mean};
use intent_syntax::ast;

/// The response fields every check can read by name.
pub(crate) const RESPONSE_FIELDS: [(&str, ResponseField); 5] = [
    ("status", ResponseField::Status),
    ("body", ResponseField::Body),
    ("headers", ResponseField::Headers),
    ("duration", ResponseField::Duration),
    ("size", ResponseField::Size),
];

impl Context<'_> {
    /// Declares a local, refusing names that would hide another.
    #[allow(clippy::too_many_arguments)]
    pub fn declare(
        &mut self,
        file: FileId,
        scope: &mut Scope,
        name: &str,
        span: Span,
        kind: LocalKind,
        ty: Type,
        secret: bool,
    ) {
        let hidden: Option<(String, Option<(FileId, Span)>)> = if let Some(local) = scope.find(name)
        {
            Some((
                format!("the {} `{name}`", local.kind.noun()),
                Some((file, local.span)),
            ))
        } else if let Some(def) = self
            .globals
            .values
            .get(name)
            .filter(|d| self.globals.sees(file, d.file))
        {
            Some((
                format!("the {} `{name}`", def.kind.noun()),
                Some((def.file, def.span)),
            ))
        } else if RESPONSE_FIELDS.iter().any(|(f, _)| *f == name) && kind != LocalKind::Score {
            Some((format!("the response field `{name}`"), None))
        } else {
            None
        };
        if let Some((what, place)) = hidden {
            let mut d = self
                .error(
                    code::SHADOWED_NAME,
                    format!("`{name}` would hide {what}"),
                    file,
                    span,
                )
                .with_label(format!("this {} hides it", kind.noun()))
                .with_help("choose another name; every name in a spec means one thing");
            if let Some((f, s)) = place {
                d = d.with_secondary(f, s, "defined here");
            }
            self.report(d);
        }
        scope.push(Local {
            name: name.to_string(),
            ty,
            secret,
            kind,
            span,
            used: false,
        });
    }

    pub(super) fn name(&mut self, file: FileId, scope: &mut Scope, name: &str, span: Span) -> Expr {
        if let Some(local) = scope.lookup(name) {
            local.used = true;
            return make(
                ExprKind::Var {
                    name: name.to_string(),
                },
                local.ty.clone(),
                local.secret,
                span,
            );
        }
        if let Some((_, field)) = RESPONSE_FIELDS.iter().find(|(f, _)| *f == name) {
            self.require_response(file, scope, name, span);
            let ty = match field {
                ResponseField::Status => Type::Int,
                ResponseField::Body => scope.latest_body.clone().unwrap_or(Type::Json),
                ResponseField::Headers => Type::Json,
                ResponseField::Duration => Type::Duration,
                ResponseField::Size => Type::Size,
            };
            return make(
                ExprKind::Response {
                    name: None,
                    field: *field,
                },
                ty,
                false,
                span,
            );
        }
        if let Some(def) = self.globals.values.get(name).copied() {
            if !self.globals.sees(file, def.file) {
                let where_ = self.loaded.sources.get(def.file).display_path();
                let d = self
                    .error(
                        code::UNKNOWN_NAME,
                        format!("`{name}` is not imported here"),
                        file,
                        span,
                    )
                    .with_label("not visible in this file")
                    .with_help(format!(
                        "it is defined in `{where_}`; add `use \"…\"` for that file"
                    ));
                self.report(d);
                return error_expr(span);
            }
            self.used_globals.insert(name.to_string());
            match def.kind {
                ValueKind::Let | ValueKind::Secret => {
                    return match self.values.get(name) {
                        Some((ty, secret)) => make(
                            ExprKind::Var {
                                name: name.to_string(),
                            },
                            ty.clone(),
                            *secret,
                            span,
                        ),
                        None => {
                            let d = self
                                .error(code::USED_BEFORE_DEFINITION, format!("`{name}` is used before its definition"), file, span)
                                .with_label("used here")
                                .with_secondary(def.file, def.span, "defined later here")
                                .with_help("lets and secrets are evaluated in order; move the definition above this use");
                            self.report(d);
                            error_expr(span)
                        }
                    };
                }
                kind => {
                    let d = self
                        .error(
                            code::TYPE_MISMATCH,
                            format!("`{name}` is a {}, not a value", kind.noun()),
                            file,
                            span,
                        )
                        .with_label(format!("a {}", kind.noun()))
                        .with_help(match kind {
                            ValueKind::Target => {
                                "targets are named in requests: `when GET NAME /path`"
                            }
                            _ => "datasets are read with `evaluate \"…\" over NAME as row`",
                        });
                    self.report(d);
                    return error_expr(span);
                }
            }
        }
        if let Some((_, aggregate)) = AGGREGATE_NAMES.iter().find(|(n, _)| *n == name) {
            return self.aggregate(file, scope, *aggregate, None, None, span);
        }
        if let Some((_, later)) = scope.later.iter().find(|(n, _)| n == name).cloned() {
            scope.early_uses.push(name.to_string());
            let d = self
                .error(
                    code::USED_BEFORE_DEFINITION,
                    format!("`{name}` is used before the line that defines it"),
                    file,
                    span,
                )
                .with_label("used here")
                .with_secondary(file, later, "defined here, later")
                .with_help("statements run in order; move the definition above this line");
            self.report(d);
            return error_expr(span);
        }
        let mut d = self
            .error(
                code::UNKNOWN_NAME,
                format!("unknown name `{name}`"),
                file,
                span,
            )
            .with_label("not defined");
        d = match self.nearest_name(file, scope, name) {
            Some(s) => d.with_help(format!("did you mean `{s}`?")),
            None => d.with_help(
                "define it with `let`, capture it with `given NAME = ...`, or check the spelling",
            ),
        };
        self.report(d);
        error_expr(span)
    }

    pub(super) fn field(
        &mut self,
        file: FileId,
        scope: &mut Scope,
        base: &ast::Expr,
        field: &ast::Ident,
        span: Span,
    ) -> Expr {
        if let ast::ExprKind::Name(name) = &base.kind
            && scope.find(name).is_none()
            && !self.globals.values.contains_key(name)
        {
            match name.as_str() {
                "pii" => {
                    return match Detector::ALL.iter().find(|(n, _)| *n == field.name) {
                        Some((_, detector)) => make(
                            ExprKind::Detector {
                                detector: *detector,
                            },
                            Type::Detector,
                            false,
                            span,
                        ),
                        None => {
                            let names = Detector::ALL.iter().map(|(n, _)| *n);
                            let mut d = self
                                .error(
                                    code::UNKNOWN_NAME,
                                    format!("`pii.{}` is not a detector", field.name),
                                    file,
                                    field.span,
                                )
                                .with_label("unknown detector");
                            d = match did_you_mean(&field.name, names) {
                                Some(s) => d.with_help(format!("did you mean `pii.{s}`?")),
                                None => d.with_help(
                                    "detectors are pii.email, pii.card_number and pii.phone",
                                ),
                            };
                            self.report(d);
                            error_expr(span)
                        }
                    };
                }
                "random" => {
                    let d = self
                        .error(
                            code::TYPE_MISMATCH,
                            format!("`random.{}` is a function", field.name),
                            file,
                            span,
                        )
                        .with_label("not called")
                        .with_help(format!("call it: `random.{}(...)`", field.name));
                    self.report(d);
                    return error_expr(span);
                }
                _ => {}
            }
        }
        if let ast::ExprKind::Name(name) = &base.kind
            && let Some(local) = scope.lookup(name)
        {
            match local.kind {
                LocalKind::Response => {
                    local.used = true;
                    let body = match &local.ty {
                        Type::Response { body } => (**body).clone(),
                        _ => Type::Json,
                    };
                    let Some((_, response_field)) =
                        RESPONSE_FIELDS.iter().find(|(f, _)| *f == field.name)
                    else {
                        let d = self
                            .error(code::UNKNOWN_FIELD, format!("a response has no field `{}`", field.name), file, field.span)
                            .with_label("unknown field")
                            .with_help(match did_you_mean(&field.name, RESPONSE_FIELDS.iter().map(|(f, _)| *f)) {
                                Some(s) => format!("did you mean `{s}`? responses have status, body, headers, duration and size"),
                                None => "responses have status, body, headers, duration and size".to_string(),
                            });
                        self.report(d);
                        return error_expr(span);
                    };
                    let ty = match response_field {
                        ResponseField::Status => Type::Int,
                        ResponseField::Body => body,
                        ResponseField::Headers => Type::Json,
                        ResponseField::Duration => Type::Duration,
                        ResponseField::Size => Type::Size,
                    };
                    return make(
                        ExprKind::Response {
                            name: Some(name.clone()),
                            field: *response_field,
                        },
                        ty,
                        false,
                        span,
                    );
                }
                LocalKind::Row if matches!(local.ty, Type::Record { .. }) => {
                    let columns = match &local.ty {
                        Type::Record { fields, .. } => fields.clone(),
                        _ => Vec::new(),
                    };
                    if !columns.iter().any(|c| c.name == field.name) {
                        let mut d = self
                            .error(
                                code::UNKNOWN_COLUMN,
                                format!("the dataset has no column `{}`", field.name),
                                file,
                                field.span,
                            )
                            .with_label("not a declared column");
                        d = match did_you_mean(&field.name, columns.iter().map(|c| c.name.as_str()))
                        {
                            Some(s) => d.with_help(format!("did you mean `{s}`?")),
                            None => d.with_help(
                                "declare the column in the dataset's `{ ... }` with its type",
                            ),
                        };
                        self.report(d);
                        return error_expr(span);
                    }
                }
                _ => {}
            }
        }
        let base = self.expr(file, scope, base);
        let table = self.type_table();
        let family = table.family(&base.ty);
        let ty = match family {
            Family::Dynamic => Some(Type::Json),
            Family::Record => match table.record_fields(&base.ty) {
                Some(fields) => match fields.iter().find(|f| f.name == field.name) {
                    Some(f) if f.optional => Some(Type::Union {
                        options: vec![f.ty.clone(), Type::Null],
                    }),
                    Some(f) => Some(f.ty.clone()),
                    None => {
                        let names: Vec<String> = fields.iter().map(|f| f.name.clone()).collect();
                        // A named type reads best by its name; an inline one by what holds it.
                        let (subject, type_name) = match &base.ty {
                            Type::Named { name } => (format!("the type `{name}`"), name.clone()),
                            _ => {
                                let held_by = self.text(file, base.span).to_string();
                                (format!("`{held_by}`"), held_by)
                            }
                        };
                        let mut d = self
                            .error(
                                code::UNKNOWN_FIELD,
                                format!("{subject} has no field `{}`", field.name),
                                file,
                                field.span,
                            )
                            .with_label("unknown field");
                        d = match did_you_mean(&field.name, names.iter().map(String::as_str)) {
                            Some(s) => d.with_help(format!(
                                "did you mean `{s}`? `{type_name}` has: {}",
                                names.join(", ")
                            )),
                            None => d.with_help(format!("`{type_name}` has: {}", names.join(", "))),
                        };
                        self.report(d);
                        None
                    }
                },
                None => Some(Type::Json),
            },
            other => {
                let help = if other == Family::List {
                    format!(
                        "a list has no fields; check each element with `every x in LIST has x.{}`",
                        field.name
                    )
                } else {
                    "only records and JSON values have fields".to_string()
                };
                let d = self
                    .error(
                        code::TYPE_MISMATCH,
                        format!("{} has no field `{}`", other.noun(), field.name),
                        file,
                        field.span,
                    )
                    .with_label(format!(
                        "`{}` is {}",
                        self.text(file, base.span),
                        other.noun()
                    ))
                    .with_help(help);
                self.report(d);
                None
            }
        };
        let secret = base.secret;
        make(
            ExprKind::Field {
                base: Box::new(base),
                field: field.name.clone(),
            },
            ty.unwrap_or(Type::Any),
            secret,
            span,
        )
    }

    pub(super) fn index(
        &mut self,
        file: FileId,
        scope: &mut Scope,
        base: &ast::Expr,
        index: &ast::Expr,
        span: Span,
    ) -> Expr {
        let base = self.expr(file, scope, base);
        let index = self.expr(file, scope, index);
        let table = self.type_table();
        let ty = match (table.family(&base.ty), table.family(&index.ty)) {
            (Family::List, Family::Number | Family::Dynamic) => table.element(&base.ty),
            (Family::Dynamic, _) => Some(Type::Json),
            (Family::Record, Family::Text | Family::Dynamic) => Some(Type::Json),
            _ => None,
        };
        let ty = ty.unwrap_or_else(|| {
            let d = self
                .error(
                    code::TYPE_MISMATCH,
                    format!("cannot index {} with {}", self.type_table().family(&base.ty).noun(), self.type_table().family(&index.ty).noun()),
                    file,
                    span,
                )
                .with_label("invalid index")
                .with_help("lists are indexed by position (`items[0]`), JSON objects by key (`body[\"name\"]`)");
            self.report(d);
            Type::Any
        });
        let secret = base.secret || index.secret;
        make(
            ExprKind::Index {
                base: Box::new(base),
                index: Box::new(index),
            },
            ty,
            secret,
            span,
        )
    }
}
