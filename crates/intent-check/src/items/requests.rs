//! Requests: their clauses (headers, query, auth, bodies, timeouts, retries), the type checks
//! of each clause's value, and the request action with its `->` conformance and named response.

use super::ItemLowering;
use crate::context::Context;
use crate::globals::ValueKind;
use crate::scope::{LocalKind, Scope};
use crate::types::Family;
use intent_ir::{
    Action, Auth, Body, Expr, NamedValue, Part, PartValue, Request, RequestOptions, Retry,
    TemplatePart, Type,
};
use intent_source::{FileId, FileProblem, code, resolve};
use intent_syntax::ast::{self, ClauseKind};

/// Lowers request clauses to options and a body, checking each value's type.
pub(super) fn clauses(
    cx: &mut Context<'_>,
    file: FileId,
    scope: &mut Scope,
    list: &[ast::RequestClause],
) -> (RequestOptions, Option<Body>) {
    let mut options = RequestOptions::default();
    let mut body = None;
    for clause in list {
        match &clause.kind {
            ClauseKind::Header { name, value } => {
                let value = cx.expr(file, scope, value);
                options.headers.push(NamedValue {
                    name: name.as_plain().unwrap_or_else(|| name.display()),
                    value,
                });
            }
            ClauseKind::Query { name, value } => {
                let value = cx.expr(file, scope, value);
                options.query.push(NamedValue {
                    name: name.name.clone(),
                    value,
                });
            }
            ClauseKind::Json(v) => {
                body = Some(Body::Json {
                    value: cx.expr(file, scope, v),
                })
            }
            ClauseKind::Form(v) => {
                let value = cx.expr(file, scope, v);
                expect_family(
                    cx,
                    file,
                    &value,
                    &[Family::Record],
                    "a form body is an object of fields",
                );
                body = Some(Body::Form { value });
            }
            ClauseKind::Multipart(parts) => {
                let parts = parts
                    .iter()
                    .filter_map(|part| multipart_part(cx, file, scope, part))
                    .collect();
                body = Some(Body::Multipart { parts });
            }
            ClauseKind::Body(v) => {
                let value = cx.expr(file, scope, v);
                expect_family(cx, file, &value, &[Family::Text], "a raw body is a string");
                body = Some(Body::Text { value });
            }
            ClauseKind::Auth(ast::Auth::Bearer(token)) => {
                let token = cx.expr(file, scope, token);
                expect_family(
                    cx,
                    file,
                    &token,
                    &[Family::Text],
                    "a bearer token is a string",
                );
                options.auth = Some(Auth::Bearer { token });
            }
            ClauseKind::Auth(ast::Auth::Basic { user, password }) => {
                let user = cx.expr(file, scope, user);
                let password = cx.expr(file, scope, password);
                expect_family(cx, file, &user, &[Family::Text], "a user name is a string");
                expect_family(
                    cx,
                    file,
                    &password,
                    &[Family::Text],
                    "a password is a string",
                );
                options.auth = Some(Auth::Basic { user, password });
            }
            ClauseKind::Timeout(v) => {
                let value = cx.expr(file, scope, v);
                expect_duration(cx, file, &value, "a timeout");
                options.timeout = Some(value);
            }
            ClauseKind::Retry { .. } => {}
        }
    }
    (options, body)
}

/// One part of a multipart body: a text field's value must be text, a number or a boolean; a
/// file must be one the project layer found (a regular file inside the project root, unless
/// allowed outside), named by a plain path relative to the spec file.
fn multipart_part(
    cx: &mut Context<'_>,
    file: FileId,
    scope: &mut Scope,
    part: &ast::Part,
) -> Option<Part> {
    let value = match &part.value {
        ast::PartValue::Text(expr) => {
            let value = cx.expr(file, scope, expr);
            expect_family(
                cx,
                file,
                &value,
                &[Family::Text, Family::Number, Family::Bool],
                "a text field of a multipart body is a string, a number or a boolean; send a file with `file(\"path\")`",
            );
            PartValue::Text { value }
        }
        ast::PartValue::File {
            path, content_type, ..
        } => attachment(cx, file, path, content_type.as_ref())?,
    };
    Some(Part {
        name: part.name.name.clone(),
        value,
    })
}

/// A `file("path")` part, checked against what the project layer found at its path.
fn attachment(
    cx: &mut Context<'_>,
    file: FileId,
    path: &ast::StringLit,
    content_type: Option<&ast::StringLit>,
) -> Option<PartValue> {
    let plain = |cx: &mut Context<'_>, lit: &ast::StringLit, what: &str| {
        let text = lit.as_plain();
        if text.is_none() {
            let d = cx
                .error(
                    code::TYPE_MISMATCH,
                    format!("{what} cannot interpolate values"),
                    file,
                    lit.span,
                )
                .with_label("interpolated")
                .with_help("write it as plain text: the file is checked before anything runs");
            cx.report(d);
        }
        text
    };
    let written = plain(cx, path, "a file path")?;
    let content_type = match content_type {
        Some(lit) => Some(plain(cx, lit, "a content type")?),
        None => None,
    };
    let resolved = resolve(&cx.loaded.file(file).path, &written);
    let shown = cx.project_relative(&resolved);
    let problem = match cx.tree.attachment(&resolved) {
        Some(Ok(_)) => None,
        Some(Err(problem)) => Some(problem.to_string()),
        None => Some(FileProblem::Missing.to_string()),
    };
    if let Some(why) = problem {
        let d = cx
            .error(
                code::ATTACHMENT_UNREADABLE,
                format!("cannot send the file `{written}`: {why}"),
                file,
                path.span,
            )
            .with_label(format!("looked for {shown}"))
            .with_help("a file's path is relative to the spec file; it must be a regular file inside the project root (or pass --allow-outside-root)");
        cx.report(d);
        return None;
    }
    let file_name = resolved
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let content_type = content_type.unwrap_or_else(|| content_type_of(&file_name).to_string());
    Some(PartValue::File {
        // Relative to the project root, as a dataset's path is: the runner asks the project
        // layer for it.
        path: shown,
        file_name,
        content_type,
    })
}

/// The content type of a file by its extension, for the common kinds; anything else is
/// `application/octet-stream` (write the type as the second argument of `file`).
fn content_type_of(file_name: &str) -> &'static str {
    let extension = file_name
        .rsplit_once('.')
        .map(|(_, e)| e.to_ascii_lowercase())
        .unwrap_or_default();
    match extension.as_str() {
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "webp" => "image/webp",
        "svg" => "image/svg+xml",
        "pdf" => "application/pdf",
        "json" => "application/json",
        "xml" => "application/xml",
        "zip" => "application/zip",
        "gz" => "application/gzip",
        "txt" => "text/plain",
        "csv" => "text/csv",
        "html" | "htm" => "text/html",
        "md" => "text/markdown",
        "mp3" => "audio/mpeg",
        "wav" => "audio/wav",
        "mp4" => "video/mp4",
        _ => "application/octet-stream",
    }
}

pub(super) fn expect_family(
    cx: &mut Context<'_>,
    file: FileId,
    value: &Expr,
    allowed: &[Family],
    help: &str,
) {
    let family = cx.type_table().family(&value.ty);
    if family != Family::Dynamic && !allowed.contains(&family) {
        let d = cx
            .error(
                code::TYPE_MISMATCH,
                format!("expected {}, found {}", allowed[0].noun(), family.noun()),
                file,
                value.span,
            )
            .with_label(format!("this is {}", value.ty.describe()))
            .with_help(help);
        cx.report(d);
    }
}

pub(super) fn expect_duration(cx: &mut Context<'_>, file: FileId, value: &Expr, what: &str) {
    let family = cx.type_table().family(&value.ty);
    if family == Family::Dynamic || family == Family::Duration {
        return;
    }
    let written = cx.text(file, value.span);
    let d = if family == Family::Number {
        cx.error(
            code::UNIT_MISMATCH,
            format!("{what} needs a unit"),
            file,
            value.span,
        )
        .with_label("a bare number")
        .with_help(format!("write `{written}ms` or `{written}s`"))
    } else {
        cx.error(
            code::TYPE_MISMATCH,
            format!("{what} must be a duration, found {}", family.noun()),
            file,
            value.span,
        )
        .with_label(format!("this is {}", value.ty.describe()))
        .with_help("durations are written `250ms`, `5s`, `1m`")
    };
    cx.report(d);
}

pub(super) fn expect_rate(cx: &mut Context<'_>, file: FileId, value: &Expr) {
    let family = cx.type_table().family(&value.ty);
    if family == Family::Rate || family == Family::Dynamic {
        return;
    }
    let written = cx.text(file, value.span);
    let d = cx
        .error(
            code::UNIT_MISMATCH,
            format!(
                "an arrival rate is requests per time, found {}",
                family.noun()
            ),
            file,
            value.span,
        )
        .with_label("not a rate")
        .with_help(format!("write `{written}/s`"));
    cx.report(d);
}

impl ItemLowering<'_, '_> {
    pub(super) fn request(&mut self, r: &ast::Request) {
        let file = self.file;
        self.cx.resolve_global(file, &r.target, ValueKind::Target);
        let path = r
            .path
            .parts
            .iter()
            .map(|p| match p {
                ast::TemplatePart::Text(t) => TemplatePart::Text(t.clone()),
                ast::TemplatePart::Expr(e) => {
                    TemplatePart::Expr(self.cx.expr(file, &mut self.scope, e))
                }
            })
            .collect();
        let link = r
            .link
            .as_ref()
            .map(|e| self.cx.link(file, &mut self.scope, e));
        let (options, body) = clauses(self.cx, file, &mut self.scope, &r.clauses);
        let returns = r.returns.as_ref().map(|t| self.cx.lower_type(file, t));
        let body_type = returns.clone().unwrap_or(Type::Json);
        // The retry condition reads the response it retries.
        self.scope.latest_body = Some(body_type.clone());
        let retry = r.clauses.iter().find_map(|c| match &c.kind {
            ClauseKind::Retry {
                times,
                every,
                until,
            } => Some((times, every, until)),
            _ => None,
        });
        let retry = retry.map(|(times, every, until)| {
            let times = self.cx.expr(file, &mut self.scope, times);
            expect_family(
                self.cx,
                file,
                &times,
                &[Family::Number],
                "write how many times to retry, e.g. `retry 5 times`",
            );
            let every = every.as_ref().map(|e| {
                let value = self.cx.expr(file, &mut self.scope, e);
                expect_duration(self.cx, file, &value, "the pause between retries");
                value
            });
            let until_text = format!("retry until {}", self.cx.text(file, until.span));
            let until = self.cx.expr(file, &mut self.scope, until);
            self.cx
                .expect_bool(file, &until, "a retry's `until` condition");
            Retry {
                id: self.child_id(&until_text),
                times,
                every,
                until,
            }
        });
        let conformance = r.returns.as_ref().map(|t| {
            let text = format!("-> {}", self.cx.text(file, t.span));
            self.child_id(&text)
        });
        if let Some(name) = &r.name {
            self.cx.declare(
                file,
                &mut self.scope,
                &name.name,
                name.span,
                LocalKind::Response,
                Type::Response {
                    body: Box::new(body_type),
                },
                false,
            );
        }
        let request_text = format!(
            "{} {} {}",
            r.method.value.as_str(),
            r.target.name,
            self.cx.text(file, r.path.span)
        );
        let id = self.child_id(&request_text);
        self.actions.push(Action::Request(Box::new(Request {
            id,
            method: r.method.value.as_str().to_string(),
            target: r.target.name.clone(),
            path,
            link,
            name: r.name.as_ref().map(|n| n.name.clone()),
            returns,
            conformance,
            options: RequestOptions { retry, ..options },
            body,
            source: self.source(r.span),
        })));
    }
}
