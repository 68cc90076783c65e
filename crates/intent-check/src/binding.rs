//! Step binding for tools outside the checker. The Gherkin importer matches each line of a
//! feature file against a project's steps; it must bind exactly as `intent check` will later
//! (the same words compared without case, an argument for each parameter, a number matching a
//! number word) and name the same nearest patterns as the help of `E1009`, so this module only
//! exposes the checker's own rules (`steps.rs`) over the steps of a loaded spec set.

use crate::files::Loaded;
use crate::steps::{Token, call_tokens, fits, nearest, pattern_tokens};
use intent_syntax::ast;
use std::path::PathBuf;

/// The steps a spec set defines, ready to bind calls to.
#[derive(Debug, Default)]
pub struct StepIndex {
    steps: Vec<IndexedStep>,
}

#[derive(Debug)]
struct IndexedStep {
    tokens: Vec<Token>,
    pattern: String,
    file: PathBuf,
}

/// What a call binds to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Binding {
    /// Exactly one step: its pattern (`a shopper {name} is logged in`) and the file that
    /// defines it.
    Bound { pattern: String, file: PathBuf },
    /// Several steps fit (`E1010`): their patterns.
    Ambiguous { patterns: Vec<String> },
    /// No step fits (`E1009`): the nearest patterns, nearest first (at most three).
    Unbound { nearest: Vec<String> },
}

impl StepIndex {
    /// Every step defined in the loaded files, in load order.
    pub fn new(loaded: &Loaded) -> Self {
        let mut steps = Vec::new();
        for file in &loaded.files {
            for item in &file.syntax.items {
                if let ast::Item::Step(def) = item {
                    let (tokens, pattern) = pattern_tokens(&def.pattern);
                    steps.push(IndexedStep {
                        tokens,
                        pattern,
                        file: file.path.clone(),
                    });
                }
            }
        }
        StepIndex { steps }
    }

    /// The pattern of a step definition as [`Binding::Bound`] names it, so that a tool can find
    /// the definition a call is bound to.
    pub fn pattern(def: &ast::StepDef) -> String {
        pattern_tokens(&def.pattern).1
    }

    /// How many steps there are.
    pub fn len(&self) -> usize {
        self.steps.len()
    }

    /// Whether there is no step.
    pub fn is_empty(&self) -> bool {
        self.steps.is_empty()
    }

    /// The step a call binds to, as the checker would bind it.
    pub fn bind(&self, call: &ast::StepCall) -> Binding {
        let (tokens, _) = call_tokens(call);
        let matching: Vec<&IndexedStep> = self
            .steps
            .iter()
            .filter(|s| fits(&s.tokens, &tokens))
            .collect();
        match matching.as_slice() {
            [one] => Binding::Bound {
                pattern: one.pattern.clone(),
                file: one.file.clone(),
            },
            [] => Binding::Unbound {
                nearest: nearest(
                    &tokens,
                    self.steps
                        .iter()
                        .map(|s| (s.tokens.as_slice(), s.pattern.as_str())),
                )
                .into_iter()
                .map(str::to_string)
                .collect(),
            },
            many => Binding::Ambiguous {
                patterns: many.iter().map(|s| s.pattern.clone()).collect(),
            },
        }
    }
}
