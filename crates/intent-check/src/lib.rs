//! Semantic analysis of Intent specs and lowering to the plan.
//!
//! A spec set that [`check`] accepts cannot fail at run time because of a typo, an unbound
//! step, a wrong field, a unit mix-up or a dataset column that does not exist: every name,
//! type, unit, step and dataset is resolved here, and the result is the typed, versioned
//! [`intent_ir::Plan`] the runner executes.
//!
//! The checker is a function of a [`SourceTree`]: it reads no file itself. The project layer
//! (`intent-project`) reads the specs, their imports and samples of their datasets into the
//! tree, bounded and confined to the project; tests and the language server build trees in
//! memory.

mod binding;
mod context;
mod datasets;
mod exprs;
mod files;
mod globals;
mod items;
mod links;
mod nearest;
mod refine;
mod scope;
mod secrets;
mod steps;
mod types;
mod units;

pub use binding::{Binding, StepIndex};
pub use files::{Loaded, LoadedFile, load};
pub use items::tag_expr;

use intent_source::{Diagnostic, SourceTree};

/// The result of checking: the files as parsed, the plan (also when there were errors, for
/// tools that want what could be compiled) and every diagnostic, sorted.
#[derive(Debug)]
pub struct Checked {
    /// The parsed files; their sources render the diagnostics.
    pub loaded: Loaded,
    pub plan: intent_ir::Plan,
    pub diagnostics: Vec<Diagnostic>,
}

/// How much of the plan a check keeps.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Keep {
    /// The whole plan and every syntax tree: to write the plan with its trees, or to answer
    /// an editor about any place in the spec.
    Plan,
    /// The whole plan, without the intents' syntax trees: to run it. Intents are parsed as
    /// [`Keep::Diagnostics`] parses them, on another thread while the ones before are
    /// checked, so a run of a large spec set waits for one parse of each intent, not for a
    /// parse of every intent before the checking starts.
    Run,
    /// What the diagnostics need. Each intent's syntax tree is dropped as soon as it is
    /// parsed and parsed again when it is checked; it is lowered in full, then only its id,
    /// title, tags and place are kept. Intents are most of a large spec set, and `intent
    /// check` and the language server, which never run them, then hold a small multiple of
    /// the input rather than every tree and a whole plan.
    Diagnostics,
}

/// Checks the spec set a tree names and lowers it to a plan. The diagnostics of reading and
/// parsing are included.
pub fn check(tree: &SourceTree) -> Checked {
    check_keeping(tree, Keep::Plan)
}

/// [`check`], keeping as much of the plan as `keep` says. The diagnostics are the same.
pub fn check_keeping(tree: &SourceTree, keep: Keep) -> Checked {
    let loaded = files::load_keeping(tree, keep);
    let (plan, mut diagnostics) = {
        let mut cx = context::Context::new(&loaded, tree);
        let plan = items::lower_all(&mut cx, keep);
        let mut diagnostics = loaded.diagnostics.clone();
        diagnostics.extend(cx.finish());
        (plan, diagnostics)
    };
    Diagnostic::sort(&mut diagnostics);
    Checked {
        loaded,
        plan,
        diagnostics,
    }
}
