//! Datasets: the file exists, stays inside the project, is CSV or JSON Lines, has every
//! declared column, and its first rows fit the declared types.

use crate::context::Context;
use intent_conform::{DataError, conform, format_of, read_rows};
use intent_ir::{Dataset, DatasetFormat};
use intent_source::{FileId, code};
use intent_source::{FileProblem, resolve};
use intent_syntax::ast;

/// How many rows `intent check` verifies; the runner reads them all.
pub const ROWS_CHECKED: usize = 100;

/// At most this many bad values are reported per dataset; the rest are usually the same
/// mistake.
const MAX_VALUE_ERRORS: usize = 5;

impl Context<'_> {
    pub fn lower_dataset(&mut self, file: FileId, dataset: &ast::Dataset) -> Option<Dataset> {
        let columns = self.lower_fields(file, &dataset.columns);
        let span = dataset.path.span;
        let Some(written) = dataset.path.as_plain() else {
            let d = self
                .error(
                    code::TYPE_MISMATCH,
                    "a dataset path cannot interpolate values",
                    file,
                    span,
                )
                .with_label("interpolated path")
                .with_help("write the path as plain text, relative to this spec file");
            self.report(d);
            return None;
        };
        let resolved = resolve(&self.loaded.file(file).path, &written);
        let shown = self.project_relative(&resolved);
        let Some(format) = format_of(&written) else {
            let d = self
                .error(code::DATASET_FORMAT, format!("`{written}` is neither CSV nor JSON Lines"), file, span)
                .with_label("unknown extension")
                .with_help("name the file `.csv` (with a header row) or `.jsonl` (one JSON object per line)");
            self.report(d);
            return None;
        };
        let text = match self.tree.data(&resolved) {
            Some(Ok(sample)) => sample.text.clone(),
            Some(Err(FileProblem::OutsideRoot { resolved, .. })) => {
                let d = self
                    .error(code::DATASET_OUTSIDE_ROOT, format!("`{written}` is outside the project root"), file, span)
                    .with_label(format!("resolves to {}", resolved.display()))
                    .with_help(
                        "keep datasets inside the project root (the folder with intent.toml, else the folder of the specs), or pass --allow-outside-root",
                    );
                self.report(d);
                return None;
            }
            Some(Err(FileProblem::NotUtf8 { .. })) => {
                let d = self
                    .error(
                        code::DATASET_MALFORMED,
                        format!("`{written}` is not UTF-8 text"),
                        file,
                        span,
                    )
                    .with_label("not text")
                    .with_help("save the dataset as UTF-8");
                self.report(d);
                return None;
            }
            problem => {
                let why = match problem {
                    Some(Err(problem)) => problem.to_string(),
                    _ => FileProblem::Missing.to_string(),
                };
                let d = self
                    .error(
                        code::DATASET_NOT_FOUND,
                        format!("cannot open the dataset `{written}`: {why}"),
                        file,
                        span,
                    )
                    .with_label(format!("looked for {shown}"))
                    .with_help("dataset paths are relative to the spec file that declares them");
                self.report(d);
                return None;
            }
        };
        let table = self.type_table();
        match read_rows(&text, format, &columns, &table, ROWS_CHECKED) {
            Err(DataError::MissingColumn { column }) => {
                // The column's declaration is what to fix or mark optional; the file's header
                // (it is not in the source map: it is read here, after the root check) is
                // quoted beside its path.
                let declared = dataset
                    .columns
                    .iter()
                    .find(|c| c.name.name == column)
                    .map_or(span, |c| c.name.span);
                let header = match format {
                    DatasetFormat::Csv => format!("its header is `{}`", quoted(first_line(&text))),
                    DatasetFormat::JsonLines => {
                        format!("its first line has the keys {}", first_keys(&text))
                    }
                };
                let d = self
                    .error(
                        code::DATASET_MISSING_COLUMN,
                        format!("`{written}` has no column `{column}`"),
                        file,
                        declared,
                    )
                    .with_label(format!("declared here, missing from {shown}"))
                    .with_secondary(file, span, header)
                    .with_help("add the column to the file, or mark it optional with `?` if rows may omit it");
                self.report(d);
            }
            Err(DataError::Malformed { row, message }) => {
                let d = self
                    .error(
                        code::DATASET_MALFORMED,
                        format!("`{written}` cannot be read at row {row}: {message}"),
                        file,
                        span,
                    )
                    .with_label(format!("in {shown}"))
                    .with_help("CSV files need a header row and the same number of cells per row; JSON Lines files one object per line");
                self.report(d);
            }
            Ok(rows) if rows.is_empty() => {
                let d = self
                    .error(
                        code::EMPTY_DATASET,
                        format!("`{written}` has no rows"),
                        file,
                        span,
                    )
                    .with_label("empty dataset")
                    .with_help("an evaluation over it would have nothing to measure");
                self.report(d);
            }
            Ok(rows) => {
                let mut bad_values = Vec::new();
                'rows: for row in &rows {
                    for column in &columns {
                        let problem = match row.values.get(&column.name) {
                            None if column.optional => continue,
                            None => Some(format!("the value of `{}` is missing", column.name)),
                            Some(value) => conform(value, &column.ty, &table)
                                .into_iter()
                                .next()
                                .map(|v| v.message),
                        };
                        if let Some(problem) = problem {
                            let d = self
                                .error(
                                    code::DATASET_BAD_VALUE,
                                    format!(
                                        "row {}, column `{}` of `{written}`: {problem}",
                                        row.number, column.name
                                    ),
                                    file,
                                    span,
                                )
                                .with_label(format!("in {shown}"))
                                .with_help(format!(
                                    "the column is declared as {}",
                                    column.ty.describe()
                                ));
                            bad_values.push(d);
                            if bad_values.len() == MAX_VALUE_ERRORS {
                                break 'rows;
                            }
                        }
                    }
                }
                for d in bad_values {
                    self.report(d);
                }
            }
        }
        Some(Dataset {
            name: dataset.name.name.clone(),
            path: written,
            // Relative to the project root, so the plan is the same from whatever folder it
            // was compiled; the runner asks the project layer to open it.
            resolved_path: shown,
            format,
            columns,
            source: self.source(file, dataset.span),
        })
    }
}

/// The longest header or line quoted in a diagnostic, in characters.
const QUOTED: usize = 120;

/// The first line of a file that is not blank.
fn first_line(text: &str) -> &str {
    text.lines()
        .find(|l| !l.trim().is_empty())
        .unwrap_or("")
        .trim()
}

/// A line cut to [`QUOTED`] characters.
fn quoted(line: &str) -> String {
    match line.char_indices().nth(QUOTED) {
        Some((end, _)) => format!("{}…", &line[..end]),
        None => line.to_string(),
    }
}

/// The keys of the first object of a JSON Lines file, as `` `a`, `b` `` (the line itself when
/// it is not an object).
fn first_keys(text: &str) -> String {
    let line = first_line(text);
    match serde_json::from_str::<serde_json::Map<String, serde_json::Value>>(line) {
        Ok(object) if object.is_empty() => "none".to_string(),
        Ok(object) => object
            .keys()
            .map(|k| format!("`{k}`"))
            .collect::<Vec<_>>()
            .join(", "),
        Err(_) => format!("`{}`", quoted(line)),
    }
}
