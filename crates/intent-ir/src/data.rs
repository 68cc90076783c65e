//! Reading dataset files: CSV (by header) and JSON Lines (by keys), with every row turned into
//! a JSON object whose values fit the declared column types where they can.
//!
//! The checker reads the first rows to verify a dataset before anything runs; the runner reads
//! all of them. Both go through this one reader so they never disagree.

use crate::{DatasetFormat, FieldType, Type, TypeLookup};
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
    types: &dyn TypeLookup,
    limit: usize,
) -> Result<Vec<Row>, DataError> {
    match format {
        DatasetFormat::Csv => read_csv(text, columns, types, limit),
        DatasetFormat::JsonLines => read_json_lines(text, columns, limit),
    }
}

fn read_csv(
    text: &str,
    columns: &[FieldType],
    types: &dyn TypeLookup,
    limit: usize,
) -> Result<Vec<Row>, DataError> {
    let mut reader = csv::ReaderBuilder::new()
        .trim(csv::Trim::All)
        .from_reader(text.as_bytes());
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
    let mut rows = Vec::new();
    for (i, record) in reader.records().take(limit).enumerate() {
        let record = record.map_err(|e| DataError::Malformed {
            row: i + 1,
            message: e.to_string(),
        })?;
        let mut values = Map::new();
        for (name, cell) in header.iter().zip(record.iter()) {
            let ty = columns.iter().find(|c| &c.name == name).map(|c| &c.ty);
            values.insert(name.clone(), coerce_cell(cell, ty, types));
        }
        rows.push(Row {
            number: i + 1,
            values,
        });
    }
    Ok(rows)
}

fn read_json_lines(text: &str, columns: &[FieldType], limit: usize) -> Result<Vec<Row>, DataError> {
    let mut rows = Vec::new();
    for (i, line) in text
        .lines()
        .filter(|l| !l.trim().is_empty())
        .take(limit)
        .enumerate()
    {
        let value: Value = serde_json::from_str(line).map_err(|e| DataError::Malformed {
            row: i + 1,
            message: e.to_string(),
        })?;
        let Value::Object(values) = value else {
            return Err(DataError::Malformed {
                row: i + 1,
                message: "each line must be a JSON object".into(),
            });
        };
        if i == 0
            && let Some(missing) = columns
                .iter()
                .find(|c| !c.optional && !values.contains_key(&c.name))
        {
            return Err(DataError::MissingColumn {
                column: missing.name.clone(),
            });
        }
        rows.push(Row {
            number: i + 1,
            values,
        });
    }
    Ok(rows)
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
                    value: crate::Literal::Null
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
                value: crate::Literal::String(_)
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
        ) || matches!(t, Type::Literal { value } if !matches!(value, crate::Literal::String(_)))
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
    use crate::Literal;

    struct NoTypes;
    impl TypeLookup for NoTypes {
        fn lookup(&self, _: &str) -> Option<&Type> {
            None
        }
    }

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
