//! Loading a spec set from disk: files and folders named on the command line, then every file
//! they import with `use`, each read and parsed once.

use intent_source::{Diagnostic, FileId, SourceFile, SourceMap, Span, code};
use intent_syntax::ast::{Item, SpecFile};
use std::collections::HashMap;
use std::path::{Component, Path, PathBuf};

/// One parsed file of the set.
#[derive(Debug)]
pub struct LoadedFile {
    pub id: FileId,
    /// The file's path as shown to users (relative when it was named relatively).
    pub path: PathBuf,
    pub syntax: SpecFile,
    /// The files this one imports, in order of its `use` lines.
    pub imports: Vec<FileId>,
    /// Named on the command line (directly or through a folder), not only imported.
    pub is_root: bool,
}

/// Every file of a spec set, with the diagnostics of reading and parsing them.
#[derive(Debug, Default)]
pub struct Loaded {
    pub sources: SourceMap,
    pub files: Vec<LoadedFile>,
    pub diagnostics: Vec<Diagnostic>,
}

impl Loaded {
    pub fn file(&self, id: FileId) -> &LoadedFile {
        &self.files[id.0 as usize]
    }
}

/// Loads the `.intent` files named by `paths` (folders are walked recursively, in name order)
/// and everything they import.
pub fn load(paths: &[PathBuf]) -> Loaded {
    let mut loader = Loader::default();
    for path in paths {
        if path.is_dir() {
            for file in spec_files_in(path) {
                loader.load_root(&file);
            }
        } else {
            loader.load_root(path);
        }
    }
    loader.out
}

/// Loads one spec given as text (a generated one, say) as if it were the file at `path`, and
/// everything it imports from disk.
pub fn load_text(path: &Path, text: String) -> Loaded {
    let mut loader = Loader::default();
    let path = normalise(path);
    let id = loader.add_file(path.clone(), path, text, None, None);
    loader.out.files[id.0 as usize].is_root = true;
    loader.out
}

/// The `.intent` files below a folder, sorted so results never depend on the file system.
pub fn spec_files_in(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = walkdir::WalkDir::new(dir)
        .follow_links(true)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file() && e.path().extension().is_some_and(|x| x == "intent"))
        .map(walkdir::DirEntry::into_path)
        .collect();
    files.sort();
    files
}

#[derive(Default)]
struct Loader {
    out: Loaded,
    /// Canonical path → file, so a file imported twice is read once.
    by_identity: HashMap<PathBuf, FileId>,
    /// Files whose imports are being followed, to detect cycles.
    in_progress: Vec<FileId>,
}

impl Loader {
    fn load_root(&mut self, path: &Path) {
        let id = self.load_file(path, None);
        self.out.files[id.0 as usize].is_root = true;
    }

    /// Loads one file (once) and, recursively, its imports. `from` is the `use` that led here.
    fn load_file(&mut self, path: &Path, from: Option<(FileId, Span)>) -> FileId {
        let identity = std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf());
        if let Some(&id) = self.by_identity.get(&identity) {
            return id;
        }
        let path = normalise(path);
        let (text, problem) = read_text(&path);
        self.add_file(path, identity, text, problem, from)
    }

    /// Adds a file's text (or why it could not be read), parses it and follows its imports.
    fn add_file(
        &mut self,
        path: PathBuf,
        identity: PathBuf,
        text: String,
        problem: Option<ReadProblem>,
        from: Option<(FileId, Span)>,
    ) -> FileId {
        let id = self.out.sources.add(SourceFile::new(path.clone(), text));
        self.by_identity.insert(identity, id);
        let text = self.out.sources.get(id).shared_text();
        let mut syntax = SpecFile::default();
        match problem {
            Some(ReadProblem::Unreadable(reason)) => {
                let mut d = Diagnostic::new(
                    code::UNREADABLE_FILE,
                    format!("cannot read `{}`: {reason}", path.display()),
                    id,
                    Span::at(0),
                )
                .with_help("check that the path exists and is a readable file");
                if let Some((file, span)) = from {
                    d = Diagnostic::new(
                        code::UNREADABLE_FILE,
                        format!(
                            "cannot read the imported file `{}`: {reason}",
                            path.display()
                        ),
                        file,
                        span,
                    )
                    .with_label("imported here");
                }
                self.out.diagnostics.push(d);
            }
            Some(ReadProblem::NotUtf8(offset)) => self.out.diagnostics.push(
                Diagnostic::new(
                    code::NOT_UTF8,
                    format!("`{}` is not valid UTF-8 text", path.display()),
                    id,
                    Span::new(offset, offset + 1),
                )
                .with_label("the first invalid byte is here")
                .with_help("save the file as UTF-8; spec files are text"),
            ),
            None => {
                let parsed = intent_syntax::parse(id, &text);
                self.out.diagnostics.extend(parsed.diagnostics);
                syntax = parsed.file;
            }
        }
        let uses: Vec<(String, Span)> = syntax
            .items
            .iter()
            .filter_map(|item| match item {
                Item::Use(u) => Some((u.path.display(), u.path.span)),
                _ => None,
            })
            .collect();
        self.out.files.push(LoadedFile {
            id,
            path: path.clone(),
            syntax,
            imports: Vec::new(),
            is_root: false,
        });
        self.in_progress.push(id);
        let mut imports = Vec::new();
        for (target, span) in uses {
            if let Some(imported) = self.follow_use(id, &path, &target, span) {
                imports.push(imported);
            }
        }
        self.in_progress.pop();
        self.out.files[id.0 as usize].imports = imports;
        id
    }

    fn follow_use(
        &mut self,
        file: FileId,
        path: &Path,
        target: &str,
        span: Span,
    ) -> Option<FileId> {
        let base = path.parent().unwrap_or(Path::new(""));
        let wanted = base.join(target);
        if !wanted.is_file() {
            let mut d = Diagnostic::new(
                code::IMPORT_NOT_FOUND,
                format!("`{target}` does not exist"),
                file,
                span,
            )
            .with_label(format!("looked for {}", normalise(&wanted).display()));
            d = d.with_help("`use` paths are relative to the file that has the `use` line");
            self.out.diagnostics.push(d);
            return None;
        }
        let identity = std::fs::canonicalize(&wanted).unwrap_or_else(|_| wanted.clone());
        if let Some(&existing) = self.by_identity.get(&identity)
            && self.in_progress.contains(&existing)
        {
            let chain: Vec<String> = self.in_progress[self
                .in_progress
                .iter()
                .position(|f| *f == existing)
                .unwrap_or(0)..]
                .iter()
                .map(|f| self.out.sources.get(*f).display_path())
                .collect();
            self.out.diagnostics.push(
                Diagnostic::new(
                    code::IMPORT_CYCLE,
                    format!(
                        "importing `{target}` makes a cycle: {} → {}",
                        chain.join(" → "),
                        chain[0]
                    ),
                    file,
                    span,
                )
                .with_label("this import closes the cycle")
                .with_help("move what both files need into a third file that both import"),
            );
            return None;
        }
        Some(self.load_file(&wanted, Some((file, span))))
    }
}

enum ReadProblem {
    Unreadable(String),
    NotUtf8(usize),
}

fn read_text(path: &Path) -> (String, Option<ReadProblem>) {
    match std::fs::read(path) {
        Err(e) => (String::new(), Some(ReadProblem::Unreadable(e.to_string()))),
        Ok(bytes) => match String::from_utf8(bytes) {
            Ok(text) => (text, None),
            Err(e) => {
                let offset = e.utf8_error().valid_up_to();
                (
                    String::from_utf8_lossy(e.as_bytes()).into_owned(),
                    Some(ReadProblem::NotUtf8(offset)),
                )
            }
        },
    }
}

/// Removes `.` and resolves `..` lexically, so imported paths read naturally in diagnostics.
/// `..` above the root is the root, as the file system has it, so a path that climbs out reads
/// the same wherever the project is checked out.
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

/// An absolute, lexically normalised path (without touching the file system, so a missing
/// file still has a place).
pub fn absolute(path: &Path) -> PathBuf {
    let joined = if path.is_absolute() {
        path.to_path_buf()
    } else {
        std::env::current_dir().unwrap_or_default().join(path)
    };
    normalise(&joined)
}

/// The project root: the given folder, else the nearest folder holding `intent.toml` above
/// `near`, else the current folder.
pub(crate) fn project_root(given: Option<&Path>, near: Option<&Path>) -> PathBuf {
    if let Some(root) = given {
        return absolute(root);
    }
    let start = absolute(near.and_then(Path::parent).unwrap_or(Path::new(".")));
    let mut dir: Option<&Path> = Some(&start);
    while let Some(d) = dir {
        if d.join("intent.toml").is_file() {
            return d.to_path_buf();
        }
        dir = d.parent();
    }
    absolute(Path::new("."))
}

#[cfg(test)]
mod tests {
    use super::normalise;
    use std::path::Path;

    #[test]
    fn parent_of_the_root_is_the_root() {
        assert_eq!(
            normalise(Path::new("/a/../../../etc/x")),
            Path::new("/etc/x")
        );
        assert_eq!(normalise(Path::new("a/./b/../c")), Path::new("a/c"));
        assert_eq!(normalise(Path::new("../a")), Path::new("../a"));
    }
}
