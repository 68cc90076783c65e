//! The "did you mean" of an unknown name: the nearest name the line could have meant, from
//! every kind of name in scope, wherever the name is written (a check, an interpolation, a
//! path, a step argument).

use crate::context::Context;
use crate::exprs::RESPONSE_FIELDS;
use crate::scope::{BlockKind, LocalKind, Scope};
use intent_source::{FileId, did_you_mean};

impl Context<'_> {
    /// The name to suggest for the unknown `name` in `file`: the nearest capture, `let`,
    /// secret, step parameter, examples column, quantifier variable, named response or
    /// response field by edit distance; else a column of an evaluation row, written through
    /// the row (`case.question` for `question` or `questoin`), since a column is not a name
    /// on its own.
    pub fn nearest_name(&self, file: FileId, scope: &Scope, name: &str) -> Option<String> {
        let mut candidates: Vec<&str> = scope.names().collect();
        candidates.extend(self.globals.visible_values(file));
        if scope.block != BlockKind::Global {
            candidates.extend(RESPONSE_FIELDS.iter().map(|(f, _)| *f));
        }
        let table = self.type_table();
        let row_fields: Vec<String> = scope
            .locals(LocalKind::Row)
            .flat_map(|row| {
                table
                    .record_fields(&row.ty)
                    .unwrap_or_default()
                    .iter()
                    .map(move |f| format!("{}.{}", row.name, f.name))
            })
            .collect();
        let column = |written: &str| {
            row_fields
                .iter()
                .find(|f| f.split_once('.').is_some_and(|(_, c)| c == written))
        };
        if let Some(exact) = column(name) {
            return Some(exact.clone());
        }
        if let Some(near) = did_you_mean(name, candidates) {
            return Some(near.to_string());
        }
        let columns = row_fields
            .iter()
            .filter_map(|f| f.split_once('.').map(|(_, c)| c));
        did_you_mean(name, columns).and_then(column).cloned()
    }
}
