//! Intents and their examples tables: each column's type from its cells.

use super::ItemLowering;
use crate::exprs::{is_error_expr, widen};
use crate::scope::{BlockKind, LocalKind, Scope};
use crate::types::Family;
use intent_ir::{self as ir, ExampleRow, Examples, Expr, Param, Type};
use intent_source::{Span, code};
use intent_syntax::ast::{self, Statement};

impl ItemLowering<'_, '_> {
    pub(super) fn intent(&mut self, intent: &ast::Intent) -> ir::Intent {
        self.collect_later(&intent.body.statements);
        let examples = intent.body.statements.iter().find_map(|s| match s {
            Statement::Examples(e) => Some(e),
            _ => None,
        });
        let examples = examples.map(|e| self.examples(e));
        let mut because = None;
        for statement in &intent.body.statements {
            match statement {
                Statement::Because(b) => because = Some(b.reason.display()),
                Statement::Examples(_) => {}
                other => self.statement(other),
            }
        }
        let actions = std::mem::take(&mut self.actions);
        ir::Intent {
            id: self.id.clone(),
            title: intent.title.display(),
            file: self.file.0,
            tags: intent.tags.iter().map(|t| t.name.clone()).collect(),
            because,
            actions,
            examples,
            source: self.source(intent.span),
        }
    }

    pub(super) fn examples(&mut self, examples: &ast::Examples) -> Examples {
        let file = self.file;
        let mut global = Scope::new(BlockKind::Global);
        let rows: Vec<(Vec<Expr>, Span)> = examples
            .rows
            .iter()
            .map(|r| {
                (
                    r.cells
                        .iter()
                        .map(|c| self.cx.expr(file, &mut global, c))
                        .collect(),
                    r.span,
                )
            })
            .collect();
        let mut columns = Vec::new();
        for (i, column) in examples.columns.iter().enumerate() {
            let cells: Vec<&Expr> = rows.iter().filter_map(|(cells, _)| cells.get(i)).collect();
            let ty = self.column_type(column, &cells);
            self.cx.declare(
                file,
                &mut self.scope,
                &column.name,
                column.span,
                LocalKind::Column,
                ty.clone(),
                false,
            );
            if let Some(local) = self.scope.lookup(&column.name) {
                local.used = true;
            }
            columns.push(Param {
                name: column.name.clone(),
                ty,
            });
        }
        let rows = rows
            .into_iter()
            .map(|(values, span)| {
                let text = self.cx.text(file, span).to_string();
                ExampleRow {
                    id: self.child_id(&format!("row {text}")),
                    values,
                    source: self.source(span),
                }
            })
            .collect();
        Examples { columns, rows }
    }

    /// The type of an examples column from its cells; cells of different kinds are an error.
    /// A cell that is already an error (`5sec`, an unknown name) says nothing of the column.
    pub(super) fn column_type(&mut self, column: &ast::Ident, cells: &[&Expr]) -> Type {
        let table = self.cx.type_table();
        let known: Vec<&Expr> = cells
            .iter()
            .copied()
            .filter(|c| !is_error_expr(c))
            .collect();
        if known.is_empty() && !cells.is_empty() {
            return Type::Any;
        }
        let cells = known;
        let non_null: Vec<&&Expr> = cells
            .iter()
            .filter(|c| table.family(&c.ty) != Family::Null)
            .collect();
        let nullable = non_null.len() < cells.len();
        let Some(first) = non_null.first() else {
            return Type::Null;
        };
        let family = table.family(&first.ty);
        let mut ty = widen(&first.ty);
        for cell in &non_null[1..] {
            let f = table.family(&cell.ty);
            if f != family {
                let d = self
                    .cx
                    .error(
                        code::INCONSISTENT_COLUMN,
                        format!(
                            "the column `{}` mixes {} and {}",
                            column.name,
                            family.noun(),
                            f.noun()
                        ),
                        self.file,
                        cell.span,
                    )
                    .with_label(format!("{} here", f.noun()))
                    .with_secondary(self.file, first.span, format!("{} here", family.noun()))
                    .with_help(
                        "every cell of a column must be of one kind; quote numbers meant as text",
                    );
                self.cx.report(d);
                return Type::Any;
            }
            if widen(&cell.ty) == Type::Decimal {
                ty = Type::Decimal;
            }
        }
        if nullable {
            Type::Union {
                options: vec![ty, Type::Null],
            }
        } else {
            ty
        }
    }
}
