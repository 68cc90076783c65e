//! `$ref`s: within the document (`#/components/schemas/Pet`) and to other files
//! (`schemas/Pet.yaml`, `common.yaml#/Error`). The files are read by the caller through
//! [`Fetch`], which decides where files may come from (the command line confines them to the
//! project root); this module only follows references, with bounds on how many files, how long
//! a chain of references and what a cycle does, so a hostile document cannot make it loop.

use serde_json::Value;
use std::collections::HashMap;
use thiserror::Error;

/// At most this many documents (the root and the files it refers to, transitively).
const MAX_DOCUMENTS: usize = 1_000;
/// A chain of references (`A` → `B` → …) longer than this is refused as if it were a cycle.
const MAX_HOPS: usize = 32;

/// Why another file of the description could not be read.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum FetchError {
    #[error("files are not read here")]
    Unsupported,
    #[error("`{0}` is not a file of this machine: remote references are not followed")]
    Remote(String),
    #[error("`{0}` is outside the project root `{1}`")]
    OutsideRoot(String, String),
    #[error("`{0}` is not a regular file")]
    NotAFile(String),
    #[error("`{path}` is {size} bytes, more than the {limit} bytes a file may have")]
    TooLarge { path: String, size: u64, limit: u64 },
    #[error("cannot read `{0}`: {1}")]
    Unreadable(String, String),
    #[error("`{0}` is not JSON or YAML: {1}")]
    NotParsed(String, String),
}

/// Reads the other files a description refers to.
pub trait Fetch {
    /// The document at `reference` (the file part of a `$ref`, relative to the document named
    /// `base`): its canonical name, used to tell documents apart, and its content.
    fn fetch(&mut self, base: &str, reference: &str) -> Result<(String, Value), FetchError>;
}

/// A [`Fetch`] that reads nothing: descriptions given as one value in memory.
#[derive(Debug, Clone, Copy, Default)]
pub struct NoFiles;

impl Fetch for NoFiles {
    fn fetch(&mut self, _base: &str, _reference: &str) -> Result<(String, Value), FetchError> {
        Err(FetchError::Unsupported)
    }
}

/// Why a `$ref` leads nowhere.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub(crate) enum RefError {
    #[error("the file of `{0}` could not be read: {1}")]
    File(String, FetchError),
    #[error("`{0}` points to nothing")]
    Dangling(String),
    #[error("`{0}` is not a JSON pointer (`#/…`)")]
    NotAPointer(String),
    #[error("`{0}` refers to itself through other references")]
    Cycle(String),
    #[error("`{0}` starts a chain of more than 32 references")]
    TooLong(String),
}

/// A document of the description: 0 is the root.
pub(crate) type DocId = usize;

/// Where a value is: a document and a JSON pointer in it.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(crate) struct Loc {
    pub doc: DocId,
    pub pointer: String,
}

impl Loc {
    /// The last step of the pointer (`Pet` of `/components/schemas/Pet`), decoded.
    pub(crate) fn last_step(&self) -> Option<String> {
        let last = self.pointer.rsplit('/').next()?;
        (!last.is_empty()).then(|| last.replace("~1", "/").replace("~0", "~"))
    }
}

/// The documents of one description, all read before the import starts (so the import itself
/// only reads values, and a reference to a file that cannot be read is known up front).
#[derive(Debug)]
pub(crate) struct Documents {
    names: Vec<String>,
    values: Vec<Value>,
    /// `(referring document, file part)` → the document it names.
    files: HashMap<(DocId, String), Result<DocId, FetchError>>,
}

impl Documents {
    /// The root document and every file it refers to, transitively.
    pub(crate) fn load(root: Value, root_name: &str, fetch: &mut dyn Fetch) -> Self {
        let mut docs = Documents {
            names: vec![root_name.to_string()],
            values: vec![root],
            files: HashMap::new(),
        };
        let mut by_name: HashMap<String, DocId> = HashMap::from([(root_name.to_string(), 0)]);
        let mut next = 0;
        while next < docs.values.len() {
            let wanted = file_parts(&docs.values[next]);
            for file in wanted {
                let result = if file.contains("://") {
                    Err(FetchError::Remote(file.clone()))
                } else if docs.values.len() >= MAX_DOCUMENTS {
                    Err(FetchError::Unreadable(
                        file.clone(),
                        format!("a description may have at most {MAX_DOCUMENTS} files"),
                    ))
                } else {
                    fetch.fetch(&docs.names[next], &file).map(|(name, value)| {
                        match by_name.get(&name) {
                            Some(&id) => id,
                            None => {
                                let id = docs.values.len();
                                by_name.insert(name.clone(), id);
                                docs.names.push(name);
                                docs.values.push(value);
                                id
                            }
                        }
                    })
                };
                docs.files.insert((next, file), result);
            }
            next += 1;
        }
        docs
    }

    /// The root document.
    pub(crate) fn root(&self) -> &Value {
        &self.values[0]
    }

    /// How many documents there are, the root included.
    pub(crate) fn count(&self) -> usize {
        self.values.len()
    }

    /// The name of a document, as its file was named.
    pub(crate) fn name(&self, doc: DocId) -> &str {
        &self.names[doc]
    }

    /// The value at a location.
    pub(crate) fn get(&self, loc: &Loc) -> Option<&Value> {
        self.values.get(loc.doc)?.pointer(&loc.pointer)
    }

    /// Where `reference`, written in document `at`, points.
    pub(crate) fn resolve(&self, at: DocId, reference: &str) -> Result<Loc, RefError> {
        let (file, fragment) = reference.split_once('#').unwrap_or((reference, ""));
        let doc = if file.is_empty() {
            at
        } else {
            match self.files.get(&(at, file.to_string())) {
                Some(Ok(doc)) => *doc,
                Some(Err(e)) => return Err(RefError::File(reference.to_string(), e.clone())),
                None => return Err(RefError::Dangling(reference.to_string())),
            }
        };
        let pointer = percent_encoding::percent_decode_str(fragment)
            .decode_utf8_lossy()
            .into_owned();
        if !pointer.is_empty() && !pointer.starts_with('/') {
            return Err(RefError::NotAPointer(reference.to_string()));
        }
        let loc = Loc { doc, pointer };
        if self.get(&loc).is_none() {
            return Err(RefError::Dangling(reference.to_string()));
        }
        Ok(loc)
    }

    /// `value` (found in document `at`) with its `$ref`s followed to what they point to: the
    /// document and value reached, and the location of the last reference followed.
    pub(crate) fn follow<'a>(
        &'a self,
        at: DocId,
        value: &'a Value,
    ) -> Result<(DocId, &'a Value, Option<Loc>), RefError> {
        let (mut doc, mut value, mut last) = (at, value, None);
        let mut seen: Vec<Loc> = Vec::new();
        while let Some(reference) = reference_of(value) {
            let loc = self.resolve(doc, reference)?;
            if seen.contains(&loc) {
                return Err(RefError::Cycle(reference.to_string()));
            }
            if seen.len() >= MAX_HOPS {
                return Err(RefError::TooLong(reference.to_string()));
            }
            seen.push(loc.clone());
            value = self
                .get(&loc)
                .ok_or_else(|| RefError::Dangling(reference.to_string()))?;
            doc = loc.doc;
            last = Some(loc);
        }
        Ok((doc, value, last))
    }
}

/// The `$ref` of a reference object.
pub(crate) fn reference_of(value: &Value) -> Option<&str> {
    value.get("$ref").and_then(Value::as_str)
}

/// The file parts of every `$ref` in a document, in the order they appear, each once. The
/// walk keeps its own stack, so a deeply nested document cannot overflow the thread's.
fn file_parts(document: &Value) -> Vec<String> {
    let mut found: Vec<String> = Vec::new();
    let mut stack = vec![document];
    while let Some(value) = stack.pop() {
        match value {
            Value::Object(entries) => {
                if let Some(Value::String(reference)) = entries.get("$ref") {
                    let file = reference.split('#').next().unwrap_or_default();
                    if !file.is_empty() && !found.iter().any(|f| f == file) {
                        found.push(file.to_string());
                    }
                }
                stack.extend(entries.values().rev());
            }
            Value::Array(items) => stack.extend(items.iter().rev()),
            _ => {}
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// Files from a map, by name, relative names taken as they are.
    struct Files(HashMap<&'static str, Value>);

    impl Fetch for Files {
        fn fetch(&mut self, _base: &str, reference: &str) -> Result<(String, Value), FetchError> {
            self.0
                .get(reference)
                .map(|v| (reference.to_string(), v.clone()))
                .ok_or_else(|| FetchError::NotAFile(reference.to_string()))
        }
    }

    #[test]
    fn references_are_followed_across_files_and_cycles_stop() {
        let root = json!({
            "a": {"$ref": "other.yaml#/b"},
            "loop": {"$ref": "#/loop2"},
            "loop2": {"$ref": "#/loop"},
            "missing": {"$ref": "gone.yaml"},
            "encoded": {"$ref": "#/paths/~1a%7Bb%7D"},
            "paths": {"/a{b}": {"ok": true}},
        });
        let other = json!({"b": {"$ref": "#/c"}, "c": {"type": "string"}});
        let mut files = Files(HashMap::from([("other.yaml", other)]));
        let docs = Documents::load(root, "root.yaml", &mut files);
        let root = docs.root().clone();
        let (doc, value, last) = docs.follow(0, &root["a"]).expect("followed");
        assert_eq!((doc, value), (1, &json!({"type": "string"})));
        assert_eq!(last.and_then(|l| l.last_step()).as_deref(), Some("c"));
        assert!(matches!(
            docs.follow(0, &root["loop"]),
            Err(RefError::Cycle(_))
        ));
        assert!(matches!(
            docs.follow(0, &root["missing"]),
            Err(RefError::File(_, FetchError::NotAFile(_)))
        ));
        let (_, value, _) = docs.follow(0, &root["encoded"]).expect("decoded");
        assert_eq!(value, &json!({"ok": true}));
    }
}
