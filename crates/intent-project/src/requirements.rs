//! The requirements list that `intent audit` reports coverage for: a CSV file whose header is
//! `id,title`, one requirement a row. It is project data, so it is read like a spec: a
//! regular file only (a FIFO is refused before it is opened, so nothing hangs), its size
//! checked first, and its real path inside the project root unless the project allows
//! otherwise.

use crate::read::{self, Confinement};
use crate::{Project, absolute};
use intent_source::FileProblem;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use thiserror::Error;

/// The largest requirements file read: 16 MiB, far more than any list of requirements.
pub const REQUIREMENTS_LIMIT: u64 = 16 * 1024 * 1024;

/// One row of the requirements list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Requirement {
    /// The requirement's id, as the tags name it after their prefix (`SHOP-12`).
    pub id: String,
    /// What it requires, in words (may be empty).
    pub title: String,
}

/// Why the requirements list could not be used.
#[derive(Debug, Error)]
pub enum RequirementsError {
    /// The file could not be read: missing, not a regular file, too large, outside the root,
    /// not UTF-8.
    #[error("cannot read the requirements {}: {problem}", path.display())]
    File {
        /// The file.
        path: PathBuf,
        /// Why.
        problem: FileProblem,
    },
    /// The first line is not the header `id,title`.
    #[error(
        "{}:1: the first line must be the header `id,title`, found `{found}`",
        path.display()
    )]
    Header {
        /// The file.
        path: PathBuf,
        /// The first line as read (its fields joined by commas).
        found: String,
    },
    /// A row is not valid CSV, or does not have two fields.
    #[error("{}:{line}: {message}", path.display())]
    Row {
        /// The file.
        path: PathBuf,
        /// 1-based line of the row.
        line: u64,
        /// What is wrong with it.
        message: String,
    },
    /// A row has an empty id.
    #[error("{}:{line}: the requirement has no id", path.display())]
    EmptyId {
        /// The file.
        path: PathBuf,
        /// 1-based line of the row.
        line: u64,
    },
    /// An id is listed twice.
    #[error("{}:{line}: `{id}` is listed twice (first on line {first})", path.display())]
    Duplicate {
        /// The file.
        path: PathBuf,
        /// 1-based line of the second row.
        line: u64,
        /// The id.
        id: String,
        /// 1-based line of the first row.
        first: u64,
    },
}

impl Project {
    /// The requirements listed in the CSV file at `path` (relative to the current folder, or
    /// absolute), in file order.
    pub fn requirements(&self, path: &Path) -> Result<Vec<Requirement>, RequirementsError> {
        let confine: Option<&Confinement> = (!self.allow_outside_root).then_some(&self.confinement);
        let full = absolute(path);
        let text = read::read_text(&full, REQUIREMENTS_LIMIT, confine).map_err(|problem| {
            RequirementsError::File {
                path: path.to_path_buf(),
                problem,
            }
        })?;
        parse(&text, path)
    }
}

/// Parses the text of a requirements list; `path` is for messages.
fn parse(text: &str, path: &Path) -> Result<Vec<Requirement>, RequirementsError> {
    let row_error = |line: u64, message: String| RequirementsError::Row {
        path: path.to_path_buf(),
        line,
        message,
    };
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .trim(csv::Trim::All)
        .from_reader(text.as_bytes());
    let mut records = reader.records();
    let header = match records.next() {
        Some(Ok(header)) => header,
        Some(Err(e)) => return Err(row_error(1, csv_message(&e))),
        None => {
            return Err(RequirementsError::Header {
                path: path.to_path_buf(),
                found: String::new(),
            });
        }
    };
    let names: Vec<&str> = header.iter().collect();
    if names != ["id", "title"] {
        return Err(RequirementsError::Header {
            path: path.to_path_buf(),
            found: names.join(","),
        });
    }
    let mut requirements = Vec::new();
    let mut seen: HashMap<String, u64> = HashMap::new();
    for record in records {
        let record = record.map_err(|e| {
            let line = e.position().map_or(0, csv::Position::line);
            row_error(line, csv_message(&e))
        })?;
        let line = record.position().map_or(0, csv::Position::line);
        let (Some(id), Some(title)) = (record.get(0), record.get(1)) else {
            return Err(row_error(line, "a row needs an id and a title".to_owned()));
        };
        if id.is_empty() {
            return Err(RequirementsError::EmptyId {
                path: path.to_path_buf(),
                line,
            });
        }
        if let Some(&first) = seen.get(id) {
            return Err(RequirementsError::Duplicate {
                path: path.to_path_buf(),
                line,
                id: id.to_owned(),
                first,
            });
        }
        seen.insert(id.to_owned(), line);
        requirements.push(Requirement {
            id: id.to_owned(),
            title: title.to_owned(),
        });
    }
    Ok(requirements)
}

/// The csv crate's error without its own position prefix (the line is given separately).
fn csv_message(error: &csv::Error) -> String {
    match error.kind() {
        csv::ErrorKind::UnequalLengths {
            expected_len, len, ..
        } => {
            format!("the row has {len} fields, the header {expected_len}")
        }
        _ => error.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parsed(text: &str) -> Result<Vec<Requirement>, String> {
        parse(text, Path::new("reqs.csv")).map_err(|e| e.to_string())
    }

    #[test]
    fn a_list_is_read_in_file_order() {
        let list = parsed("id,title\nSHOP-1, Orders are kept \n\"SHOP-2\",\"Pay, then ship\"\n");
        assert_eq!(
            list,
            Ok(vec![
                Requirement {
                    id: "SHOP-1".into(),
                    title: "Orders are kept".into()
                },
                Requirement {
                    id: "SHOP-2".into(),
                    title: "Pay, then ship".into()
                },
            ])
        );
        assert_eq!(parsed("id,title\n"), Ok(Vec::new()));
    }

    #[test]
    fn a_bad_list_says_where() {
        assert_eq!(
            parsed("SHOP-1,Orders\n"),
            Err(
                "reqs.csv:1: the first line must be the header `id,title`, found `SHOP-1,Orders`"
                    .into()
            )
        );
        assert_eq!(
            parsed(""),
            Err("reqs.csv:1: the first line must be the header `id,title`, found ``".into())
        );
        assert_eq!(
            parsed("id,title\nSHOP-1\n"),
            Err("reqs.csv:2: the row has 1 fields, the header 2".into())
        );
        assert_eq!(
            parsed("id,title\n,Nothing\n"),
            Err("reqs.csv:2: the requirement has no id".into())
        );
        assert_eq!(
            parsed("id,title\nA,x\nB,y\nA,z\n"),
            Err("reqs.csv:4: `A` is listed twice (first on line 2)".into())
        );
    }
}
