//! Requests: their clauses (headers, query, auth, bodies, timeouts, retries), the type checks
//! of each clause's value, and the request action with its `->` conformance and named response.

use super::ItemLowering;
use crate::context::Context;
use crate::globals::ValueKind;
use crate::scope::{LocalKind, Scope};
use crate::types::Family;
use intent_ir::{
    Action, Auth, Body, Expr, NamedValue, Request, RequestOptions, Retry, TemplatePart, Type,
};
use intent_source::{FileId, code};
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
