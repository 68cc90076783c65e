//! The statements every block shares: captures, requests, step calls and checks, and the
//! `expect` lines of evaluations and load blocks, which are thresholds when they aggregate.

use super::ItemLowering;
use crate::exprs::{has_aggregate, widen};
use crate::scope::{AggregateContext, BlockKind, Scope};
use crate::types::Family;
use intent_ir::{Action, Check, ExprKind};
use intent_source::code;
use intent_syntax::ast::{self, GivenValue, Statement, WhenAction};

impl ItemLowering<'_, '_> {
    pub(super) fn statement(&mut self, statement: &Statement) {
        let file = self.file;
        match statement {
            Statement::Given(g) => match &g.value {
                GivenValue::Expr(e) => {
                    let value = self.cx.expr(file, &mut self.scope, e);
                    if let Some(name) = &g.name {
                        let ty = widen(&value.ty);
                        self.capture(name, ty, value.secret);
                        let id = self.child_id(&format!("given {}", name.name));
                        self.actions.push(Action::Bind {
                            id,
                            name: name.name.clone(),
                            value,
                            source: self.source(g.span),
                        });
                    }
                }
                GivenValue::Call(call) => self.call(call, g.name.as_ref(), g.span),
            },
            Statement::When(w) => match &w.action {
                WhenAction::Request(r) => self.request(r),
                WhenAction::Call(call) => self.call(call, None, w.span),
            },
            Statement::Check(c) => {
                if let Some(check) = self.check(c) {
                    self.actions.push(Action::Check(check));
                }
            }
            Statement::Because(_) | Statement::Examples(_) | Statement::Yield(_) => {}
            Statement::Score(_)
            | Statement::Classify(_)
            | Statement::Arrive(_)
            | Statement::Users(_)
            | Statement::WithoutAuth(_)
            | Statement::Run(_)
            | Statement::Alert(_) => {}
        }
    }

    /// A check; `None` when it is an aggregate threshold handled by the caller.
    pub(super) fn check(&mut self, c: &ast::Check) -> Option<Check> {
        let file = self.file;
        let expr = self.cx.expr(file, &mut self.scope, &c.expr);
        self.cx.expect_bool(file, &expr, "a check");
        if let Some(confidence) = &c.confidence {
            let d = self
                .cx
                .error(code::CONFIDENCE_NOT_ON_RATE, "`at N% confidence` applies to a rate over many cases", file, confidence.span)
                .with_label("no rate here")
                .with_help("use it in an `expect` of an evaluation, on accuracy, precision, recall, f1 or rate(...)");
            self.cx.report(d);
        }
        let text = self.cx.text(file, c.expr.span).to_string();
        Some(Check {
            id: self.child_id(&text),
            text,
            expr,
            confidence: None,
            source: self.source(c.span),
        })
    }

    /// An `expect` of an evaluation or load block: a threshold when it aggregates, a
    /// per-case check otherwise.
    pub(super) fn expectation(
        &mut self,
        c: &ast::Check,
        context: AggregateContext,
        thresholds: &mut Vec<Check>,
    ) {
        let file = self.file;
        if c.keyword != ast::CheckKeyword::Expect {
            if let Some(check) = self.check(c) {
                self.actions.push(Action::Check(check));
            }
            return;
        }
        self.scope.aggregates = Some(context);
        let expr = self.cx.expr(file, &mut self.scope, &c.expr);
        self.scope.aggregates = None;
        self.cx.expect_bool(file, &expr, "an expectation");
        let text = self.cx.text(file, c.expr.span).to_string();
        let confidence = c.confidence.as_ref().map(|conf| {
            let mut plain = Scope::new(BlockKind::Global);
            let value = self.cx.expr(file, &mut plain, conf);
            let is_percent = self.cx.type_table().family(&value.ty) == Family::Percent;
            let on_rate = matches!(&expr.kind, ExprKind::Binary { lhs, .. }
                if matches!(&lhs.kind, ExprKind::Aggregate { aggregate, .. } if aggregate.is_rate()));
            if !is_percent || !on_rate {
                let d = self
                    .cx
                    .error(
                        code::CONFIDENCE_NOT_ON_RATE,
                        if is_percent {
                            "`at N% confidence` applies to a rate: accuracy, precision, recall, f1, rate(...) or error_rate"
                        } else {
                            "the confidence level is a percentage such as `95%`"
                        },
                        file,
                        conf.span,
                    )
                    .with_label("confidence here")
                    .with_help("write `expect accuracy >= 90% at 95% confidence`");
                self.cx.report(d);
            }
            value
        });
        let check = Check {
            id: self.child_id(&text),
            text,
            expr,
            confidence,
            source: self.source(c.span),
        };
        if has_aggregate(&check.expr) {
            thresholds.push(check);
        } else {
            self.actions.push(Action::Check(check));
        }
    }
}
