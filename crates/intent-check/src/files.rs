//! The files of a spec set, from a [`SourceTree`]: the files the user named, then every file
//! they import with `use`, each parsed once. Nothing here reads a disk: the project layer
//! read the tree, and what it could not read is in the tree as a [`FileProblem`], reported
//! here at the `use` that names the file.

use intent_source::{
    Diagnostic, FileId, FileProblem, SourceFile, SourceMap, SourceTree, Span, code, resolve,
};
use intent_syntax::LeftOut;
use intent_syntax::ast::{Item, SpecFile};
use std::collections::HashMap;
use std::path::{Path, PathBuf};

/// One parsed file of the set.
#[derive(Debug)]
pub struct LoadedFile {
    pub id: FileId,
    /// The file's absolute path in the tree (the file's `SourceFile` holds the path as the
    /// user named it).
    pub path: PathBuf,
    pub syntax: SpecFile,
    /// The intents left out of `syntax` when checking only for diagnostics
    /// ([`crate::Keep::Run`] and [`crate::Keep::Diagnostics`]): they are parsed when they are
    /// lowered, a batch at a time.
    pub left_out: Vec<LeftOut>,
    /// The files this one imports, in order of its `use` lines.
    pub imports: Vec<FileId>,
    /// Named by the user (directly or through a folder), not only imported.
    pub is_root: bool,
}

/// Every file of a spec set, with the diagnostics of reading and parsing them.
#[derive(Debug, Default)]
pub struct Loaded {
    pub sources: SourceMap,
    pub files: Vec<LoadedFile>,
    pub diagnostics: Vec<Diagnostic>,
    /// The project root: the plan's paths and ids are relative to it.
    pub root: PathBuf,
}

impl Loaded {
    pub fn file(&self, id: FileId) -> &LoadedFile {
        &self.files[id.0 as usize]
    }
}

/// Parses the files the tree names and everything they import (from the same tree).
pub fn load(tree: &SourceTree) -> Loaded {
    load_keeping(tree, crate::Keep::Plan)
}

/// [`load`]; when only diagnostics are wanted, the intents' trees are dropped as each is
/// parsed and only their places kept.
pub(crate) fn load_keeping(tree: &SourceTree, keep: crate::Keep) -> Loaded {
    let mut loader = Loader {
        keep,
        tree,
        out: Loaded {
            root: tree.root().to_path_buf(),
            ..Loaded::default()
        },
        by_index: HashMap::new(),
        in_progress: Vec::new(),
    };
    for path in tree.named() {
        let id = loader.load_file(path, None);
        loader.out.files[id.0 as usize].is_root = true;
    }
    loader.out
}

struct Loader<'t> {
    keep: crate::Keep,
    tree: &'t SourceTree,
    out: Loaded,
    /// The tree's file → its id here, so a file imported twice (or by two paths) is parsed
    /// once.
    by_index: HashMap<usize, FileId>,
    /// Files whose imports are being followed, to detect cycles.
    in_progress: Vec<FileId>,
}

impl Loader<'_> {
    /// Loads one file (once) and, recursively, its imports. `from` is the `use` that led here.
    fn load_file(&mut self, path: &Path, from: Option<(FileId, Span)>) -> FileId {
        let index = self.tree.index(path);
        if let Some(id) = index.and_then(|i| self.by_index.get(&i)) {
            return *id;
        }
        let (shown, content) = match self.tree.get(path) {
            Some(file) => (file.shown.clone(), file.content.clone()),
            None => (path.to_path_buf(), Err(FileProblem::Missing)),
        };
        let text = match &content {
            Ok(text) => text.clone(),
            Err(FileProblem::NotUtf8 { lossy, .. }) => lossy.clone(),
            Err(_) => "".into(),
        };
        let id = self.out.sources.add(SourceFile::new(shown.clone(), text));
        if let Some(index) = index {
            self.by_index.insert(index, id);
        }
        let (syntax, left_out) = match content {
            Ok(text) => {
                let parsed = match self.keep {
                    crate::Keep::Plan => intent_syntax::parse(id, &text),
                    crate::Keep::Run | crate::Keep::Diagnostics => {
                        intent_syntax::parse_without_intents(id, &text)
                    }
                };
                self.out.diagnostics.extend(parsed.diagnostics);
                (parsed.file, parsed.left_out)
            }
            Err(problem) => {
                self.out
                    .diagnostics
                    .push(unreadable(id, &shown, &problem, from));
                (SpecFile::default(), Vec::new())
            }
        };
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
            path: path.to_path_buf(),
            syntax,
            left_out,
            imports: Vec::new(),
            is_root: false,
        });
        self.in_progress.push(id);
        let mut imports = Vec::new();
        for (target, span) in uses {
            if let Some(imported) = self.follow_use(id, path, &target, span) {
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
        let wanted = resolve(path, target);
        let problem = match self.tree.get(&wanted).map(|f| &f.content) {
            None | Some(Err(FileProblem::Missing)) => Some(FileProblem::Missing),
            Some(Err(problem @ FileProblem::OutsideRoot { .. })) => Some(problem.clone()),
            _ => None,
        };
        match problem {
            Some(FileProblem::Missing) => {
                let d = Diagnostic::new(
                    code::IMPORT_NOT_FOUND,
                    format!("`{target}` does not exist"),
                    file,
                    span,
                )
                .with_label(format!(
                    "looked for {}",
                    resolve(self.out.sources.get(file).path(), target).display()
                ))
                .with_help("`use` paths are relative to the file that has the `use` line");
                self.out.diagnostics.push(d);
                return None;
            }
            Some(FileProblem::OutsideRoot { resolved, .. }) => {
                let d = Diagnostic::new(
                    code::IMPORT_OUTSIDE_ROOT,
                    format!("`{target}` is outside the project root"),
                    file,
                    span,
                )
                .with_label(format!("resolves to {}", resolved.display()))
                .with_help(
                    "keep imported specs inside the project root (the folder with intent.toml, \
                     else the folder of the specs), or pass --allow-outside-root",
                );
                self.out.diagnostics.push(d);
                return None;
            }
            _ => {}
        }
        let existing = self
            .tree
            .index(&wanted)
            .and_then(|i| self.by_index.get(&i))
            .copied();
        if let Some(existing) = existing
            && self.in_progress.contains(&existing)
        {
            let start = self
                .in_progress
                .iter()
                .position(|f| *f == existing)
                .unwrap_or(0);
            let chain: Vec<String> = self.in_progress[start..]
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

/// The diagnostic for a file the tree could not read: at the `use` that imports it when there
/// is one, else at the start of the file.
fn unreadable(
    id: FileId,
    shown: &Path,
    problem: &FileProblem,
    from: Option<(FileId, Span)>,
) -> Diagnostic {
    if let FileProblem::NotUtf8 { offset, .. } = problem {
        return Diagnostic::new(
            code::NOT_UTF8,
            format!("`{}` is not valid UTF-8 text", shown.display()),
            id,
            Span::new(*offset, offset + 1),
        )
        .with_label("the first invalid byte is here")
        .with_help("save the file as UTF-8; spec files are text");
    }
    let (code, help) = match problem {
        FileProblem::TooLarge { .. } => (
            code::FILE_TOO_LARGE,
            "split the spec into several files (`use` imports them)",
        ),
        FileProblem::NotAFile { .. } => (
            code::UNREADABLE_FILE,
            "name a spec file; a folder is read as the `.intent` files in it, and special files (FIFOs, devices) are never read",
        ),
        _ => (
            code::UNREADABLE_FILE,
            "check that the path exists and is a readable file",
        ),
    };
    match from {
        Some((file, span)) => Diagnostic::new(
            code,
            format!(
                "cannot read the imported file `{}`: {problem}",
                shown.display()
            ),
            file,
            span,
        )
        .with_label("imported here")
        .with_help(help),
        None => Diagnostic::new(
            code,
            format!("cannot read `{}`: {problem}", shown.display()),
            id,
            Span::at(0),
        )
        .with_help(help),
    }
}
