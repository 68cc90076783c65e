//! Gherkin tables as Intent values: the Examples of a Scenario Outline as an `examples` table,
//! and a step's data table as a list. Cells are text in Gherkin; a column whose every cell is a
//! whole number becomes an `int` column, one whose cells are all numbers a `decimal` column,
//! one of `true`/`false` a `bool` column, and anything else a `string` column, because every
//! cell of an Intent column must have one type (`E2005`).

use crate::names::{Scope, is_word};
use crate::values::quote;

/// The type a column's cells share.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Int,
    Decimal,
    Bool,
    Text,
}

/// A whole number as a spec writes it; `007` keeps its zeros as text.
fn is_int(cell: &str) -> bool {
    let digits = cell.strip_prefix('-').unwrap_or(cell);
    !digits.is_empty()
        && digits.len() <= 15
        && digits.chars().all(|c| c.is_ascii_digit())
        && (digits == "0" || !digits.starts_with('0'))
}

fn is_decimal(cell: &str) -> bool {
    let body = cell.strip_prefix('-').unwrap_or(cell);
    match body.split_once('.') {
        Some((whole, fraction)) => {
            is_int(whole)
                && !fraction.is_empty()
                && fraction.len() <= 12
                && fraction.chars().all(|c| c.is_ascii_digit())
        }
        None => is_int(body),
    }
}

fn kind(cells: &[&str]) -> Kind {
    if cells.is_empty() {
        Kind::Text
    } else if cells.iter().all(|c| is_int(c)) {
        Kind::Int
    } else if cells.iter().all(|c| is_decimal(c)) {
        Kind::Decimal
    } else if cells.iter().all(|c| *c == "true" || *c == "false") {
        Kind::Bool
    } else {
        Kind::Text
    }
}

/// A cell as a value of its column's kind.
fn value(cell: &str, kind: Kind) -> String {
    match kind {
        Kind::Int | Kind::Decimal | Kind::Bool => cell.to_string(),
        // A cell written as a string (`"Zoé"`) is that string.
        Kind::Text => match cell.strip_prefix('"').and_then(|c| c.strip_suffix('"')) {
            Some(inner) => quote(inner),
            None => quote(cell),
        },
    }
}

/// The kind of each column of `rows` (all rows as long as the first).
fn kinds(rows: &[Vec<String>]) -> Vec<Kind> {
    let width = rows.first().map_or(0, Vec::len);
    (0..width)
        .map(|column| {
            let cells: Vec<&str> = rows
                .iter()
                .filter_map(|row| row.get(column).map(String::as_str))
                .collect();
            kind(&cells)
        })
        .collect()
}

/// An Examples table: its column names (as written and as Intent names) and its rows.
#[derive(Debug)]
pub(crate) struct Examples {
    /// `(Gherkin name, Intent name)` per column.
    pub columns: Vec<(String, String)>,
    rows: Vec<Vec<String>>,
    kinds: Vec<Kind>,
}

impl Examples {
    /// The table whose first row names the columns; names are made clear of `locals`. The
    /// columns in `quoted` are used in steps as `"<column>"`, so they are strings whatever
    /// their cells look like (`"<sku>"` with cells `123` means the text `123`).
    pub(crate) fn new(table: &[Vec<String>], quoted: &[&str], locals: &mut Scope) -> Self {
        let (header, rows) = table
            .split_first()
            .map_or((&[][..], &[][..]), |(h, r)| (h.as_slice(), r));
        let columns = header
            .iter()
            .map(|name| {
                (
                    name.clone(),
                    locals.claim(&crate::names::snake(name, "column")),
                )
            })
            .collect();
        let rows = rows.to_vec();
        let kinds = kinds(&rows)
            .into_iter()
            .zip(header)
            .map(|(kind, name)| {
                if quoted.contains(&name.as_str()) {
                    Kind::Text
                } else {
                    kind
                }
            })
            .collect();
        Examples {
            columns,
            rows,
            kinds,
        }
    }

    /// Whether the table has rows to run.
    pub(crate) fn has_rows(&self) -> bool {
        !self.rows.is_empty() && !self.columns.is_empty()
    }

    /// The `examples` statement and its aligned rows, indented for an intent.
    pub(crate) fn statement(&self) -> String {
        let mut lines: Vec<Vec<String>> =
            vec![self.columns.iter().map(|(_, n)| n.clone()).collect()];
        for row in &self.rows {
            lines.push(
                row.iter()
                    .zip(&self.kinds)
                    .map(|(cell, kind)| value(cell, *kind))
                    .collect(),
            );
        }
        let widths: Vec<usize> = (0..self.columns.len())
            .map(|c| {
                lines
                    .iter()
                    .filter_map(|l| l.get(c))
                    .map(|s| s.chars().count())
                    .max()
                    .unwrap_or(0)
            })
            .collect();
        let mut out = String::from("  examples\n");
        for line in lines {
            let cells: Vec<String> = line
                .iter()
                .zip(&widths)
                .map(|(cell, width)| format!("{cell:<width$}"))
                .collect();
            out.push_str(&format!("    | {} |\n", cells.join(" | ")));
        }
        out
    }
}

/// A data table as one value: a list of objects keyed by the first row when it has at least
/// two rows, else the list of the single row's cells.
pub(crate) fn data_table(rows: &[Vec<String>]) -> String {
    match rows {
        [] => "[]".to_string(),
        [only] => {
            let kinds = kinds(std::slice::from_ref(only));
            let cells: Vec<String> = only.iter().zip(&kinds).map(|(c, k)| value(c, *k)).collect();
            format!("[{}]", cells.join(", "))
        }
        [header, body @ ..] => {
            let kinds = kinds(body);
            let keys: Vec<String> = header
                .iter()
                .map(|k| if is_word(k) { k.clone() } else { quote(k) })
                .collect();
            let objects: Vec<String> = body
                .iter()
                .map(|row| {
                    let entries: Vec<String> = keys
                        .iter()
                        .zip(row.iter().zip(&kinds))
                        .map(|(key, (cell, kind))| format!("{key}: {}", value(cell, *kind)))
                        .collect();
                    format!("{{ {} }}", entries.join(", "))
                })
                .collect();
            format!("[{}]", objects.join(", "))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rows(text: &[&[&str]]) -> Vec<Vec<String>> {
        text.iter()
            .map(|r| r.iter().map(|c| c.to_string()).collect())
            .collect()
    }

    #[test]
    fn columns_are_typed_by_their_cells() {
        let table = rows(&[
            &["name", "qty", "price", "gift", "code"],
            &["Mug", "2", "9.99", "true", "007"],
            &["Cap", "-1", "10", "false", "A1"],
        ]);
        let mut scope = Scope::default();
        let examples = Examples::new(&table, &[], &mut scope);
        let quoted = Examples::new(&table, &["qty"], &mut Scope::default());
        assert!(
            quoted.statement().contains("| \"2\" "),
            "{}",
            quoted.statement()
        );
        assert_eq!(
            examples.statement(),
            "  examples\n    | name  | qty | price | gift  | code  |\n    | \"Mug\" | 2   | 9.99  | true  | \"007\" |\n    | \"Cap\" | -1  | 10    | false | \"A1\"  |\n"
        );
        assert_eq!(
            data_table(&table),
            "[{ name: \"Mug\", qty: 2, price: 9.99, gift: true, code: \"007\" }, { name: \"Cap\", qty: -1, price: 10, gift: false, code: \"A1\" }]"
        );
        assert_eq!(data_table(&rows(&[&["a", "1"]])), "[\"a\", 1]");
    }
}
