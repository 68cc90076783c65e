//! The state shared by every part of the checker: the loaded files, the global definitions,
//! and the diagnostics found so far.

use crate::Loaded;
use crate::globals::Globals;
use crate::globals::ValueKind;
use crate::steps::StepSig;
use intent_ir::{Source, Type};
use intent_source::{Code, Diagnostic, FileId, Span, code, did_you_mean};
use intent_syntax::ast::Ident;
use std::collections::{BTreeMap, BTreeSet};

pub(crate) struct Context<'a> {
    pub loaded: &'a Loaded,
    /// The tree the files came from: the samples of datasets are in it.
    pub tree: &'a intent_source::SourceTree,
    pub globals: Globals<'a>,
    /// Named types lowered so far, by name.
    pub named_types: BTreeMap<String, Type>,
    /// Lets and secrets checked so far: their type and whether they are secret.
    pub values: BTreeMap<String, (Type, bool)>,
    /// Global names read somewhere, for the unused-name warning.
    pub used_globals: BTreeSet<String>,
    /// Steps, with their signatures.
    pub steps: Vec<StepSig<'a>>,
    /// The project root: paths in the plan and ids are relative to it.
    pub root: std::path::PathBuf,
    /// Each loaded file's [`Context::file_stem`], by file id: every item's id starts with it,
    /// and working it out from the path again for each of thousands of intents was 2 % of a
    /// check.
    stems: Vec<String>,
    diagnostics: Vec<Diagnostic>,
}

impl<'a> Context<'a> {
    pub fn new(loaded: &'a Loaded, tree: &'a intent_source::SourceTree) -> Self {
        let mut diagnostics = Vec::new();
        let globals = Globals::collect(loaded, &mut diagnostics);
        let mut cx = Self {
            loaded,
            tree,
            globals,
            named_types: BTreeMap::new(),
            values: BTreeMap::new(),
            used_globals: BTreeSet::new(),
            steps: Vec::new(),
            root: loaded.root.clone(),
            stems: Vec::new(),
            diagnostics,
        };
        cx.stems = loaded.files.iter().map(|f| cx.stem_of(f.id)).collect();
        cx
    }

    pub fn finish(self) -> Vec<Diagnostic> {
        self.diagnostics
    }

    pub fn report(&mut self, diagnostic: Diagnostic) {
        self.diagnostics.push(diagnostic);
    }

    /// Starts a diagnostic in `file`; push it with [`Context::report`].
    pub fn error(
        &self,
        code: Code,
        message: impl Into<String>,
        file: FileId,
        span: Span,
    ) -> Diagnostic {
        Diagnostic::new(code, message, file, span)
    }

    /// The plan's view of a place in a file.
    pub fn source(&self, file: FileId, span: Span) -> Source {
        let at = self.loaded.sources.get(file).line_col(span.start);
        Source {
            file: file.0,
            line: at.line,
            column: at.column,
            span,
        }
    }

    /// The text of a span, as written.
    pub fn text(&self, file: FileId, span: Span) -> &'a str {
        self.loaded.sources.get(file).slice(span)
    }

    /// The file's path relative to the project root, with `/` separators: how the plan and
    /// every stable id name it, whatever folder `intent` was started from.
    pub fn project_path(&self, file: FileId) -> String {
        let path = &self.loaded.file(file).path;
        match path.strip_prefix(&self.root) {
            Ok(_) => self.project_relative(path),
            Err(_) => self.loaded.sources.get(file).display_path(),
        }
    }

    /// A path of the tree relative to the project root, with `/` separators (as it is when it
    /// is outside the root).
    pub fn project_relative(&self, path: &std::path::Path) -> String {
        path.strip_prefix(&self.root)
            .unwrap_or(path)
            .to_string_lossy()
            .replace('\\', "/")
    }

    /// The file's project path without its extension, the first half of every stable id.
    pub fn file_stem(&self, file: FileId) -> &str {
        &self.stems[file.0 as usize]
    }

    fn stem_of(&self, file: FileId) -> String {
        let path = self.project_path(file);
        path.strip_suffix(".intent").unwrap_or(&path).to_string()
    }

    /// Resolves a target or dataset named in `file`: true when it is defined, visible and of
    /// that kind (and then counted as used); otherwise reports why, with the nearest name.
    pub fn resolve_global(&mut self, file: FileId, name: &Ident, kind: ValueKind) -> bool {
        let code = match kind {
            ValueKind::Target => code::UNKNOWN_TARGET,
            ValueKind::Dataset => code::UNKNOWN_DATASET,
            ValueKind::Let | ValueKind::Secret => code::UNKNOWN_NAME,
        };
        match self.globals.values.get(&name.name).copied() {
            Some(def) if def.kind == kind && self.globals.sees(file, def.file) => {
                self.used_globals.insert(name.name.clone());
                true
            }
            Some(def) if def.kind == kind => {
                let where_ = self.loaded.sources.get(def.file).display_path();
                let d = self
                    .error(
                        code,
                        format!("the {} `{}` is not imported here", kind.noun(), name.name),
                        file,
                        name.span,
                    )
                    .with_label("not visible in this file")
                    .with_help(format!(
                        "it is defined in `{where_}`; add `use \"…\"` for that file"
                    ));
                self.report(d);
                false
            }
            _ => {
                let known: Vec<String> = self
                    .globals
                    .values
                    .iter()
                    .filter(|(_, d)| d.kind == kind && self.globals.sees(file, d.file))
                    .map(|(n, _)| n.clone())
                    .collect();
                let mut d = self
                    .error(
                        code,
                        format!("unknown {} `{}`", kind.noun(), name.name),
                        file,
                        name.span,
                    )
                    .with_label(format!("not a {}", kind.noun()));
                d = match did_you_mean(&name.name, known.iter().map(String::as_str)) {
                    Some(s) => d.with_help(format!("did you mean `{s}`?")),
                    None => d.with_help(kind.declaration()),
                };
                self.report(d);
                false
            }
        }
    }
}
