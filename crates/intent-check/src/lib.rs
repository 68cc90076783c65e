//! Semantic analysis of Intent specs and lowering to the plan.
//!
//! A spec set that [`check`] accepts cannot fail at run time because of a typo, an unbound
//! step, a wrong field, a unit mix-up or a dataset column that does not exist: every name,
//! type, unit, step and dataset is resolved here, and the result is the typed, versioned
//! [`intent_ir::Plan`] the runner executes.

mod binding;
mod context;
mod datasets;
mod exprs;
mod globals;
mod items;
mod links;
mod load;
mod scope;
mod steps;
mod types;
mod units;

pub use binding::{Binding, StepIndex};
pub use items::tag_expr;
pub use load::{Loaded, LoadedFile, load, load_text, spec_files_in};

/// Lexical path helpers shared with the command line: the project's paths are compared and
/// shown without touching the file system.
pub mod paths {
    pub use crate::load::{absolute, normalise};
}

use intent_source::Diagnostic;
use std::path::PathBuf;

/// How to check.
#[derive(Clone, Debug, Default)]
pub struct CheckOptions {
    /// Datasets must stay inside this folder. `None`: the folder holding `intent.toml` above
    /// each spec, or else the current folder.
    pub project_root: Option<PathBuf>,
    /// Allow dataset paths outside the project root.
    pub allow_outside_root: bool,
}

/// The result of checking: the plan (also when there were errors, for tools that want what
/// could be compiled) and every diagnostic, sorted.
#[derive(Debug)]
pub struct Checked {
    pub plan: intent_ir::Plan,
    pub diagnostics: Vec<Diagnostic>,
    /// The project root: the plan's file and dataset paths are relative to it, so the runner
    /// reads datasets from here.
    pub root: PathBuf,
}

/// Checks a loaded spec set and lowers it to a plan. The diagnostics of loading are included.
pub fn check(loaded: &Loaded, options: &CheckOptions) -> Checked {
    let mut cx = context::Context::new(loaded, options);
    let plan = items::lower_all(&mut cx);
    let root = cx.root.clone();
    let mut diagnostics = loaded.diagnostics.clone();
    diagnostics.extend(cx.finish());
    Diagnostic::sort(&mut diagnostics);
    Checked {
        plan,
        diagnostics,
        root,
    }
}
