//! Evaluations: the row of their dataset, scores and classifications, per-case checks and
//! thresholds over all cases.

use super::ItemLowering;
use super::requests::expect_family;
use crate::globals::ValueKind;
use crate::scope::{AggregateContext, BlockKind, LocalKind, Scope};
use crate::types::Family;
use intent_ir::{self as ir, Action, Type};
use intent_source::code;
use intent_syntax::ast::{self, Item, Statement};

impl ItemLowering<'_, '_> {
    pub(super) fn evaluation(&mut self, e: &ast::Evaluate) -> Option<ir::Evaluation> {
        let file = self.file;
        self.scope = Scope::new(BlockKind::Evaluate);
        let dataset = self
            .cx
            .resolve_global(file, &e.dataset, ValueKind::Dataset)
            .then(|| e.dataset.name.clone());
        let columns = dataset
            .as_ref()
            .and_then(|name| {
                self.cx.loaded.files.iter().find_map(|f| {
                    f.syntax.items.iter().find_map(|i| match i {
                        Item::Dataset(d) if &d.name.name == name => Some((f.id, d)),
                        _ => None,
                    })
                })
            })
            .map(|(f, d)| self.cx.lower_fields(f, &d.columns))
            .unwrap_or_default();
        let row_type = if dataset.is_some() {
            Type::Record {
                fields: columns,
                exact: false,
            }
        } else {
            // An unknown dataset is already reported; its columns are not checked again.
            Type::Any
        };
        self.cx.declare(
            file,
            &mut self.scope,
            &e.row.name,
            e.row.span,
            LocalKind::Row,
            row_type,
            false,
        );
        if let Some(row) = self.scope.lookup(&e.row.name) {
            row.used = true;
        }
        self.collect_later(&e.body.statements);
        let context = AggregateContext {
            evaluate: true,
            has_classify: e
                .body
                .statements
                .iter()
                .any(|s| matches!(s, Statement::Classify(_))),
            scores: e
                .body
                .statements
                .iter()
                .filter_map(|s| match s {
                    Statement::Score(sc) => Some(sc.name.name.clone()),
                    _ => None,
                })
                .collect(),
        };
        let mut thresholds = Vec::new();
        for statement in &e.body.statements {
            match statement {
                Statement::Check(c) => self.expectation(c, context.clone(), &mut thresholds),
                Statement::Score(sc) => {
                    let value = self.cx.expr(file, &mut self.scope, &sc.value);
                    expect_family(
                        self.cx,
                        file,
                        &value,
                        &[Family::Number, Family::Bool],
                        "a score is a number, such as `similarity(a, b)`",
                    );
                    self.cx.declare(
                        file,
                        &mut self.scope,
                        &sc.name.name,
                        sc.name.span,
                        LocalKind::Score,
                        Type::Decimal,
                        value.secret,
                    );
                    if let Some(local) = self.scope.lookup(&sc.name.name) {
                        local.used = true;
                    }
                    let id = self.child_id(&format!("score {}", sc.name.name));
                    self.actions.push(Action::Score {
                        id,
                        name: sc.name.name.clone(),
                        value,
                        source: self.source(sc.span),
                    });
                }
                Statement::Classify(cl) => {
                    let predicted = self.cx.expr(file, &mut self.scope, &cl.predicted);
                    let expected = self.cx.expr(file, &mut self.scope, &cl.expected);
                    let table = self.cx.type_table();
                    let (pf, ef) = (table.family(&predicted.ty), table.family(&expected.ty));
                    if pf != ef && pf != Family::Dynamic && ef != Family::Dynamic {
                        let d = self
                            .cx
                            .error(code::TYPE_MISMATCH, format!("`classify` compares {} against {}", pf.noun(), ef.noun()), file, cl.span)
                            .with_label("labels of different kinds")
                            .with_help("the predicted and expected labels must be of one kind, usually strings");
                        self.cx.report(d);
                    }
                    self.actions.push(Action::Classify {
                        predicted,
                        expected,
                        source: self.source(cl.span),
                    });
                }
                other => self.statement(other),
            }
        }
        let actions = std::mem::take(&mut self.actions);
        Some(ir::Evaluation {
            id: self.id.clone(),
            title: e.title.display(),
            file: file.0,
            tags: e.tags.iter().map(|t| t.name.clone()).collect(),
            dataset: dataset?,
            row: e.row.name.clone(),
            actions,
            thresholds,
            row_conformance: self.child_id("the row fits its columns"),
            source: self.source(e.span),
        })
    }
}
