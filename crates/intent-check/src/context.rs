//! The state shared by every part of the checker: the loaded files, the global definitions,
//! and the diagnostics found so far.

use crate::globals::Globals;
use crate::steps::StepSig;
use crate::{CheckOptions, Loaded};
use intent_ir::{Source, Type};
use intent_source::{Code, Diagnostic, FileId, Span};
use std::collections::{BTreeMap, BTreeSet};

pub(crate) struct Context<'a> {
    pub loaded: &'a Loaded,
    pub options: &'a CheckOptions,
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
    diagnostics: Vec<Diagnostic>,
}

impl<'a> Context<'a> {
    pub fn new(loaded: &'a Loaded, options: &'a CheckOptions) -> Self {
        let mut diagnostics = Vec::new();
        let globals = Globals::collect(loaded, &mut diagnostics);
        Self {
            loaded,
            options,
            globals,
            named_types: BTreeMap::new(),
            values: BTreeMap::new(),
            used_globals: BTreeSet::new(),
            steps: Vec::new(),
            root: crate::load::project_root(
                options.project_root.as_deref(),
                loaded.files.first().map(|f| f.path.as_path()),
            ),
            diagnostics,
        }
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
        let path = self.loaded.sources.get(file).path();
        let absolute = crate::load::absolute(path);
        match absolute.strip_prefix(&self.root) {
            Ok(relative) => relative.to_string_lossy().replace('\\', "/"),
            Err(_) => self.loaded.sources.get(file).display_path(),
        }
    }

    /// The file's project path without its extension, the first half of every stable id.
    pub fn file_stem(&self, file: FileId) -> String {
        let path = self.project_path(file);
        path.strip_suffix(".intent").unwrap_or(&path).to_string()
    }
}
