//! Reading dataset files: CSV (by header) and JSON Lines (by keys), with every row turned into
//! a JSON object whose values fit the declared column types where they can.
//!
//! The checker reads the first rows to verify a dataset before anything runs; the runner reads
//! all of them, one at a time. Both go through this one reader so they never disagree, which
//! is why it lives in the crate both depend on; it does no I/O of its own (it reads whatever
//! reader it is given).

use crate::TypeLookup;
use intent_ir::{DatasetFormat, FieldType, Type};
use serde_json::{Map, Value};

/// One row of a dataset, numbered from 1 as people count rows (the CSV header is row 0).
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    pub number: usize,
    pub values: Map<String, Value>,
}

/// A problem with the file as a whole or with one row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DataError {
    /// The header (CSV) or the first object (JSON Lines) lacks a declared column.
    MissingColumn { column: String },
    /// A line is not valid CSV or JSON.
    Malformed { row: usize, message: String },
}

/// The format a dataset path implies, by its extension.
pub fn format_of(path: &str) -> Option<DatasetFormat> {
    let lower = path.to_ascii_lowercase();
    if lower.ends_with(".csv") {
        Some(DatasetFormat::Csv)
    } else if lower.ends_with(".jsonl") || lower.ends_with(".ndjson") {
        Some(DatasetFormat::JsonLines)
    } else {
        None
    }
}

/// Reads at most `limit` rows of `text`. Stops at the first malformed row.
pub fn read_rows(
    text: &str,
    format: DatasetFormat,
    columns: &[FieldType],
    types: &(dyn TypeLookup + Sync),
    limit: usize,
) -> Result<Vec<Row>, DataError> {
    Rows::new(text.as_bytes(), format, columns, types)?
        .take(limit)
        .collect()
}

/// The rows of a dataset, read one at a time from any reader (a file, a sample in memory), so
/// a dataset of any size is read in the memory of one row. The CSV header is read when the
/// reader is made; a JSON Lines file's columns are checked against its first row.
pub struct Rows<'t, R: std::io::Read> {
    source: Source<R>,
    columns: &'t [FieldType],
    types: &'t (dyn TypeLookup + Sync),
    /// The number of the last row read.
    read: usize,
    /// Set after a malformed row: reading stops there.
    stopped: bool,
}

enum Source<R: std::io::Read> {
    Csv {
        reader: csv::Reader<R>,
        header: Vec<String>,
        record: csv::StringRecord,
    },
    JsonLines {
        lines: std::io::Lines<std::io::BufReader<R>>,
    },
}

impl<R: std::io::Read> std::fmt::Debug for Rows<'_, R> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Rows").field("read", &self.read).finish()
    }
}

impl<'t, R: std::io::Read> Rows<'t, R> {
    /// A reader of the rows of `reader`; a CSV file lacking a declared column is refused here.
    pub fn new(
        reader: R,
        format: DatasetFormat,
        columns: &'t [FieldType],
        types: &'t (dyn TypeLookup + Sync),
    ) -> Result<Self, DataError> {
        let source = match format {
            DatasetFormat::Csv => {
                let mut reader = csv::ReaderBuilder::new()
                    .trim(csv::Trim::All)
                    .from_reader(reader);
                let header: Vec<String> = reader
                    .headers()
                    .map_err(|e| DataError::Malformed {
                        row: 0,
                        message: e.to_string(),
                    })?
                    .iter()
                    .map(str::to_string)
                    .collect();
                if let Some(missing) = columns
                    .iter()
                    .find(|c| !c.optional && !header.contains(&c.name))
                {
                    return Err(DataError::MissingColumn {
                        column: missing.name.clone(),
                    });
                }
                Source::Csv {
                    reader,
                    header,
                    record: csv::StringRecord::new(),
                }
            }
            DatasetFormat::JsonLines => Source::JsonLines {
                lines: std::io::BufRead::lines(std::io::BufReader::new(reader)),
            },
        };
        Ok(Rows {
            source,
            columns,
            types,
            read: 0,
            stopped: false,
        })
    }

    fn next_row(&mut self) -> Option<Result<Row, DataError>> {
        let number = self.read + 1;
        let malformed = |message: String| DataError::Malformed {
            row: number,
            message,
        };
        let values = match &mut self.source {
            Source::Csv {
                reader,
                header,
                record,
            } => match reader.read_record(record) {
                Ok(false) => return None,
                Err(e) => return Some(Err(malformed(e.to_string()))),
                Ok(true) => {
                    let mut values = Map::new();
                    for (name, cell) in header.iter().zip(record.iter()) {
                        let ty = self.columns.iter().find(|c| &c.name == name).map(|c| &c.ty);
                        values.insert(name.clone(), coerce_cell(cell, ty, self.types));
                    }
                    values
                }
            },
            Source::JsonLines { lines } => {
                let line = loop {
                    match lines.next()? {
                        Ok(line) if line.trim().is_empty() => continue,
                        Ok(line) => break line,
                        Err(e) => return Some(Err(malformed(e.to_string()))),
                    }
                };
                let values = match serde_json::from_str::<Value>(&line) {
                    Ok(Value::Object(values)) => values,
                    Ok(_) => return Some(Err(malformed("each line must be a JSON object".into()))),
                    Err(e) => return Some(Err(malformed(e.to_string()))),
                };
                if number == 1
                    && let Some(missing) = self
                        .columns
                        .iter()
                        .find(|c| !c.optional && !values.contains_key(&c.name))
                {
                    return Some(Err(DataError::MissingColumn {
                        column: missing.name.clone(),
                    }));
                }
                values
            }
        };
        self.read = number;
        Some(Ok(Row { number, values }))
    }
}

impl<R: std::io::Read> Iterator for Rows<'_, R> {
    type Item = Result<Row, DataError>;

    /// The next row; after a malformed one, nothing more.
    fn next(&mut self) -> Option<Self::Item> {
        if self.stopped {
            return None;
        }
        let row = self.next_row();
        self.stopped = matches!(row, Some(Err(_)));
        row
    }
}

/// A CSV cell as the JSON value its column's type expects: text stays text for string-like
/// columns; numbers, booleans and empty cells (null) are parsed for the others.
fn coerce_cell(cell: &str, ty: Option<&Type>, types: &dyn TypeLookup) -> Value {
    let Some(ty) = ty else {
        return Value::String(cell.to_string());
    };
    let null_like = |t: &Type| {
        matches!(
            t,
            Type::Null
                | Type::Literal {
                    value: intent_ir::Literal::Null
                }
        )
    };
    if cell.is_empty() && accepts(ty, types, &null_like) {
        return Value::Null;
    }
    let text_like = accepts(ty, types, &|t| {
        matches!(
            t,
            Type::String
                | Type::Uuid
                | Type::Date
                | Type::Datetime
                | Type::Email
                | Type::Url
                | Type::Any
                | Type::Json
        ) || matches!(
            t,
            Type::Literal {
                value: intent_ir::Literal::String(_)
            }
        )
    });
    let scalar_like = accepts(ty, types, &|t| {
        matches!(
            t,
            Type::Int
                | Type::Decimal
                | Type::Bool
                | Type::Duration
                | Type::Percent
                | Type::Size
                | Type::Rate
        ) || matches!(t, Type::Literal { value } if !matches!(value, intent_ir::Literal::String(_)))
    });
    if text_like && !scalar_like {
        return Value::String(cell.to_string());
    }
    match serde_json::from_str::<Value>(cell) {
        Ok(v @ (Value::Number(_) | Value::Bool(_) | Value::Null)) => v,
        _ => Value::String(cell.to_string()),
    }
}

/// Whether `ty` (through names, refinements and unions) has an option satisfying `pred`.
fn accepts(ty: &Type, types: &dyn TypeLookup, pred: &dyn Fn(&Type) -> bool) -> bool {
    fn walk(ty: &Type, types: &dyn TypeLookup, pred: &dyn Fn(&Type) -> bool, depth: usize) -> bool {
        if depth > 32 {
            return false;
        }
        match ty {
            Type::Union { options } => options.iter().any(|o| walk(o, types, pred, depth + 1)),
            Type::Refined { base, .. } => walk(base, types, pred, depth + 1),
            Type::Named { name } => types
                .lookup(name)
                .is_some_and(|t| walk(t, types, pred, depth + 1)),
            other => pred(other),
        }
    }
    walk(ty, types, pred, 0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::NoTypes;
    use intent_ir::Literal;

    fn col(name: &str, ty: Type) -> FieldType {
        FieldType {
            name: name.into(),
            ty,
            optional: false,
        }
    }

    #[test]
    fn csv_cells_follow_their_column_types() {
        let columns = [
            col("q", Type::String),
            col("n", Type::Int),
            col("ok", Type::Bool),
        ];
        let rows = read_rows(
            "q,n,ok\n42,7,true\n",
            DatasetFormat::Csv,
            &columns,
            &NoTypes,
            10,
        )
        .expect("rows");
        assert_eq!(rows[0].values["q"], Value::String("42".into()));
        assert_eq!(rows[0].values["n"], serde_json::json!(7));
        assert_eq!(rows[0].values["ok"], Value::Bool(true));
        assert_eq!(rows[0].number, 1);
    }

    #[test]
    fn missing_columns_and_bad_lines_are_reported() {
        let columns = [
            col("q", Type::String),
            col(
                "team",
                Type::Literal {
                    value: Literal::String("a".into()),
                },
            ),
        ];
        assert_eq!(
            read_rows("q\nx\n", DatasetFormat::Csv, &columns, &NoTypes, 10),
            Err(DataError::MissingColumn {
                column: "team".into()
            })
        );
        assert_eq!(
            read_rows(
                "{\"q\": \"x\", \"team\": \"a\"}\nnot json\n",
                DatasetFormat::JsonLines,
                &columns,
                &NoTypes,
                10
            )
            .map_err(|e| matches!(e, DataError::Malformed { row: 2, .. })),
            Err(true)
        );
        assert_eq!(format_of("a/b.JSONL"), Some(DatasetFormat::JsonLines));
        assert_eq!(format_of("a/b.txt"), None);
    }
}
