//! Load blocks: exactly one traffic model (`arrive` or `users`), the requests of an
//! iteration, and thresholds over all iterations.

use super::ItemLowering;
use super::requests::{expect_duration, expect_family, expect_rate};
use crate::exprs::error_expr;
use crate::scope::{AggregateContext, BlockKind, Scope};
use crate::types::Family;
use intent_ir::{self as ir, Action, LoadModel};
use intent_source::code;
use intent_syntax::ast::{self, Statement};

impl ItemLowering<'_, '_> {
    pub(super) fn load(&mut self, l: &ast::Load) -> ir::Load {
        let file = self.file;
        self.scope = Scope::new(BlockKind::Load);
        self.collect_later(&l.body.statements);
        let context = AggregateContext {
            evaluate: false,
            has_classify: false,
            scores: Vec::new(),
        };
        let mut models = Vec::new();
        let mut thresholds = Vec::new();
        let mut global = Scope::new(BlockKind::Global);
        for statement in &l.body.statements {
            match statement {
                Statement::Arrive(a) => {
                    let rate = self.cx.expr(file, &mut global, &a.rate);
                    expect_rate(self.cx, file, &rate);
                    let duration = self.cx.expr(file, &mut global, &a.duration);
                    expect_duration(self.cx, file, &duration, "a load's duration");
                    models.push((LoadModel::Arrive { rate, duration }, a.span));
                }
                Statement::Users(u) => {
                    let count = self.cx.expr(file, &mut global, &u.count);
                    expect_family(
                        self.cx,
                        file,
                        &count,
                        &[Family::Number],
                        "the number of users is a whole number",
                    );
                    let duration = self.cx.expr(file, &mut global, &u.duration);
                    expect_duration(self.cx, file, &duration, "a load's duration");
                    models.push((LoadModel::Users { count, duration }, u.span));
                }
                Statement::Check(c) => self.expectation(c, context.clone(), &mut thresholds),
                other => self.statement(other),
            }
        }
        let requests = self
            .actions
            .iter()
            .filter(|a| matches!(a, Action::Request(_) | Action::CallStep { .. }))
            .count();
        if models.len() != 1 || requests == 0 {
            let message = match (models.len(), requests) {
                (0, _) => "this load block has no `arrive` or `users` line".to_string(),
                (1, _) => "this load block sends no request".to_string(),
                (n, _) => format!("this load block has {n} traffic models; it needs exactly one"),
            };
            let span = models.get(1).map_or(l.title.span, |(_, s)| *s);
            let d = self
                .cx
                .error(code::LOAD_MODEL, message, file, span)
                .with_label("in this load block")
                .with_help("a load block has one `arrive RATE for DURATION` or `users N for DURATION` line and a `when` request");
            self.cx.report(d);
        }
        let model = models
            .into_iter()
            .next()
            .map(|(m, _)| m)
            .unwrap_or(LoadModel::Users {
                count: error_expr(l.span),
                duration: error_expr(l.span),
            });
        let actions = std::mem::take(&mut self.actions);
        ir::Load {
            id: self.id.clone(),
            title: l.title.display(),
            file: file.0,
            tags: l.tags.iter().map(|t| t.name.clone()).collect(),
            model,
            actions,
            thresholds,
            source: self.source(l.span),
        }
    }
}
