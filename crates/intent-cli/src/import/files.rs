//! The files an import reads: the document named on the command line and the files its
//! `$ref`s name. Only regular files are read, each size-checked before it is read, and a
//! referenced file must be inside the project root (the folder of the nearest `intent.toml`
//! above the document, else the document's folder), so a description cannot make the importer
//! read `/etc/passwd` or a device.

use intent_codegen::{Fetch, FetchError};
use serde_json::Value;
use std::path::{Path, PathBuf};

/// The largest file the importer reads (the largest spec the parser accepts is as large).
pub const MAX_FILE_BYTES: u64 = 64 * 1024 * 1024;
/// The most bytes all the files of one description may have together.
const MAX_TOTAL_BYTES: u64 = 256 * 1024 * 1024;

/// Reads the files of a description under one project root.
#[derive(Debug)]
pub struct ProjectFiles {
    root: PathBuf,
    total: u64,
}

impl ProjectFiles {
    /// The files under the project root of `document` (already canonical).
    pub fn for_document(document: &Path) -> Self {
        let folder = document.parent().unwrap_or(Path::new("/"));
        let root = intent_project::Project::discover(&[folder.to_path_buf()], false)
            .map_or_else(|_| folder.to_path_buf(), |project| project.root);
        let root = root.canonicalize().unwrap_or(root);
        ProjectFiles { root, total: 0 }
    }

    /// The project root, for messages.
    pub fn root(&self) -> &Path {
        &self.root
    }
}

impl Fetch for ProjectFiles {
    fn fetch(&mut self, base: &str, reference: &str) -> Result<(String, Value), FetchError> {
        let decoded = percent_encoding::percent_decode_str(reference).decode_utf8_lossy();
        let folder = Path::new(base).parent().unwrap_or(Path::new("/"));
        let wanted = folder.join(decoded.as_ref());
        let path = wanted
            .canonicalize()
            .map_err(|e| FetchError::Unreadable(reference.to_string(), e.to_string()))?;
        if !path.starts_with(&self.root) {
            return Err(FetchError::OutsideRoot(
                reference.to_string(),
                self.root.display().to_string(),
            ));
        }
        let remaining = MAX_TOTAL_BYTES.saturating_sub(self.total);
        // Errors name the file as the reference does, not by where it is on this machine.
        let (value, size) =
            read_document(&path, MAX_FILE_BYTES.min(remaining)).map_err(|e| match e {
                FetchError::NotAFile(_) => FetchError::NotAFile(reference.to_string()),
                FetchError::TooLarge { size, limit, .. } => FetchError::TooLarge {
                    path: reference.to_string(),
                    size,
                    limit,
                },
                FetchError::Unreadable(_, why) => {
                    FetchError::Unreadable(reference.to_string(), why)
                }
                FetchError::NotParsed(_, why) => FetchError::NotParsed(reference.to_string(), why),
                other => other,
            })?;
        self.total += size;
        Ok((path.display().to_string(), value))
    }
}

/// A JSON (`.json`) or YAML (anything else) document, read only if it is a regular file of at
/// most `limit` bytes; with its size.
pub fn read_document(path: &Path, limit: u64) -> Result<(Value, u64), FetchError> {
    let shown = || path.display().to_string();
    let metadata =
        std::fs::metadata(path).map_err(|e| FetchError::Unreadable(shown(), e.to_string()))?;
    if !metadata.is_file() {
        return Err(FetchError::NotAFile(shown()));
    }
    if metadata.len() > limit {
        return Err(FetchError::TooLarge {
            path: shown(),
            size: metadata.len(),
            limit,
        });
    }
    let text = std::fs::read_to_string(path)
        .map_err(|e| FetchError::Unreadable(shown(), e.to_string()))?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
    let json = path
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("json"));
    let value = if json {
        serde_json::from_str(text).map_err(|e| FetchError::NotParsed(shown(), e.to_string()))
    } else {
        yaml_serde::from_str::<super::yaml::Json>(text)
            .map(|json| json.0)
            .map_err(|e| FetchError::NotParsed(shown(), e.to_string()))
    }?;
    Ok((value, metadata.len()))
}

/// `path` made absolute and canonical when it exists.
pub fn canonical(path: &Path) -> PathBuf {
    path.canonicalize()
        .unwrap_or_else(|_| intent_project::absolute(path))
}
