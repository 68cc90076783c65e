//! The source tree: every file a compilation reads, in memory, as the project layer read it
//! (or could not). The compiler is a function of a tree: it reads no disk, so it can be tested
//! and fuzzed without one, and an editor can lay unsaved buffers over the files on disk.
//!
//! Paths in a tree are absolute and lexically normalised (`.` and `..` resolved without
//! touching a disk). A file names another (`use "x.intent"`, `dataset d = "d.csv"`) relative
//! to its own folder: [`resolve`] is that one rule, for whoever builds the tree and for the
//! compiler that reads it.

use std::collections::HashMap;
use std::path::{Component, Path, PathBuf};
use std::sync::Arc;

/// Why a file's text is not in the tree.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FileProblem {
    /// Nothing is at the path.
    Missing,
    /// Something other than a regular file is at the path: a folder, a FIFO, a device, a
    /// socket. It is not opened (a FIFO would block, a device would never end).
    NotAFile { kind: &'static str },
    /// The file is larger than what may be read.
    TooLarge { size: u64, limit: u64 },
    /// The file is outside the project root (after following symlinks).
    OutsideRoot { resolved: PathBuf, root: PathBuf },
    /// The file is not UTF-8 text; `offset` is the first invalid byte, `lossy` the text with
    /// invalid bytes replaced (to show where).
    NotUtf8 { offset: usize, lossy: Arc<str> },
    /// The operating system refused (no permission, an I/O error).
    Unreadable { reason: String },
}

impl std::fmt::Display for FileProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            FileProblem::Missing => f.write_str("it does not exist"),
            FileProblem::NotAFile { kind } => write!(f, "it is {kind}, not a regular file"),
            FileProblem::TooLarge { size, limit } => write!(
                f,
                "it is {size} bytes, more than the {limit} bytes that may be read"
            ),
            FileProblem::OutsideRoot { resolved, root } => write!(
                f,
                "it is {}, outside the project root {}",
                resolved.display(),
                root.display()
            ),
            FileProblem::NotUtf8 { offset, .. } => {
                write!(f, "it is not UTF-8 text (byte {offset})")
            }
            FileProblem::Unreadable { reason } => f.write_str(reason),
        }
    }
}

/// A spec file of the tree: the path as the user named it (for messages), and its text.
#[derive(Debug, Clone)]
pub struct TreeFile {
    pub shown: PathBuf,
    pub content: Result<Arc<str>, FileProblem>,
}

/// The first part of a dataset file, which is all the compiler checks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DataSample {
    /// Whole lines from the start of the file.
    pub text: String,
    /// Whether `text` is the whole file.
    pub complete: bool,
}

/// Spec files and dataset samples by absolute path, and which files were named.
#[derive(Debug, Clone, Default)]
pub struct SourceTree {
    root: PathBuf,
    files: Vec<TreeFile>,
    by_path: HashMap<PathBuf, usize>,
    named: Vec<PathBuf>,
    data: HashMap<PathBuf, Result<DataSample, FileProblem>>,
    /// The files multipart bodies send: their size, or why they cannot be sent.
    attachments: HashMap<PathBuf, Result<u64, FileProblem>>,
}

impl SourceTree {
    /// An empty tree of the project whose root is `root` (an absolute folder).
    pub fn new(root: impl Into<PathBuf>) -> Self {
        Self {
            root: normalise(&root.into()),
            ..Self::default()
        }
    }

    /// The project root: the plan's paths and ids are relative to it.
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// Adds (or replaces) the spec file at `path`, shown to users as `shown`.
    pub fn insert(
        &mut self,
        path: &Path,
        shown: impl Into<PathBuf>,
        content: Result<Arc<str>, FileProblem>,
    ) {
        let path = normalise(path);
        let file = TreeFile {
            shown: shown.into(),
            content,
        };
        match self.by_path.get(&path) {
            Some(&index) => self.files[index] = file,
            None => {
                self.by_path.insert(path, self.files.len());
                self.files.push(file);
            }
        }
    }

    /// Makes `alias` another path of the file at `path` (the same file reached through a
    /// symlink or another spelling), so that it is read and compiled once.
    pub fn alias(&mut self, alias: &Path, path: &Path) {
        if let Some(&index) = self.by_path.get(&normalise(path)) {
            self.by_path.insert(normalise(alias), index);
        }
    }

    /// Marks the file at `path` as named by the user (on the command line, through a folder,
    /// or as the document being edited), in order.
    pub fn name(&mut self, path: &Path) {
        let path = normalise(path);
        if !self.named.contains(&path) {
            self.named.push(path);
        }
    }

    /// The files named by the user, in order.
    pub fn named(&self) -> &[PathBuf] {
        &self.named
    }

    /// The spec file at `path`, if the tree has it.
    pub fn get(&self, path: &Path) -> Option<&TreeFile> {
        self.index(path).map(|i| &self.files[i])
    }

    /// Which file `path` is: two paths of one file give the same index.
    pub fn index(&self, path: &Path) -> Option<usize> {
        self.by_path.get(&normalise(path)).copied()
    }

    /// Adds the sample of the dataset at `path`, or why it could not be read.
    pub fn insert_data(&mut self, path: &Path, sample: Result<DataSample, FileProblem>) {
        self.data.insert(normalise(path), sample);
    }

    /// The sample of the dataset at `path`: `None` when the tree has not read it at all.
    pub fn data(&self, path: &Path) -> Option<&Result<DataSample, FileProblem>> {
        self.data.get(&normalise(path))
    }
}

impl SourceTree {
    /// Adds what the project layer found of a file a multipart body sends: its size, or why it
    /// cannot be sent. Its bytes are read when the request is.
    pub fn insert_attachment(&mut self, path: &Path, size: Result<u64, FileProblem>) {
        self.attachments.insert(normalise(path), size);
    }

    /// The size of the file at `path` a multipart body sends: `None` when the tree has not
    /// looked at it at all.
    pub fn attachment(&self, path: &Path) -> Option<&Result<u64, FileProblem>> {
        self.attachments.get(&normalise(path))
    }
}

/// Where `written` (a `use` or dataset path in the file at `from`) points: relative to the
/// folder of `from`, lexically normalised. An absolute `written` stays where it points.
pub fn resolve(from: &Path, written: &str) -> PathBuf {
    let folder = from.parent().unwrap_or(Path::new(""));
    normalise(&folder.join(written))
}

/// Removes `.` and resolves `..` lexically, so paths read naturally in diagnostics. `..` above
/// the root is the root, as the file system has it, so a path that climbs out reads the same
/// wherever the project is checked out.
pub fn normalise(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for part in path.components() {
        match part {
            Component::CurDir => {}
            Component::ParentDir if out.file_name().is_some_and(|n| n != "..") => {
                out.pop();
            }
            Component::ParentDir if out.has_root() && out.parent().is_none() => {}
            other => out.push(other),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parent_of_the_root_is_the_root() {
        assert_eq!(
            normalise(Path::new("/a/../../../etc/x")),
            Path::new("/etc/x")
        );
        assert_eq!(normalise(Path::new("a/./b/../c")), Path::new("a/c"));
        assert_eq!(normalise(Path::new("../a")), Path::new("../a"));
    }

    #[test]
    fn names_resolve_against_the_naming_file() {
        assert_eq!(
            resolve(Path::new("/p/specs/a.intent"), "../common/b.intent"),
            Path::new("/p/common/b.intent")
        );
        assert_eq!(
            resolve(Path::new("/p/a.intent"), "/etc/passwd"),
            Path::new("/etc/passwd")
        );
    }

    #[test]
    fn a_file_reached_by_two_paths_is_one_file() {
        let mut tree = SourceTree::new("/p");
        tree.insert(Path::new("/p/a.intent"), "a.intent", Ok("x".into()));
        tree.alias(Path::new("/p/link/a.intent"), Path::new("/p/a.intent"));
        assert_eq!(
            tree.index(Path::new("/p/link/../link/a.intent")),
            tree.index(Path::new("/p/a.intent"))
        );
    }
}
