//! Lowering: pest pairs of one item into typed syntax nodes, at once.
//!
//! The grammar guarantees the shape of every pair, so lowering only checks what the grammar
//! deliberately leaves open (unit names, HTTP methods, policy levels, statement placement,
//! table shapes) and reports those as diagnostics.

mod expr;
mod items;
mod statements;
mod types;

use crate::grammar::{Rule, is_keyword};
use intent_source::{Code, Diagnostic, FileId, Span};
use pest::iterators::{Pair, Pairs};
use std::cell::RefCell;
use std::iter::{Filter, Peekable};

pub(crate) use items::lower_item;
pub(crate) use items::lower_tag_expr;

/// The state of lowering one item: where its text starts in the file and what went wrong.
pub(crate) struct Lower {
    file: FileId,
    /// Offset of the parsed slice in the file.
    base: usize,
    diagnostics: RefCell<Vec<Diagnostic>>,
}

impl Lower {
    pub(crate) fn new(file: FileId, base: usize) -> Self {
        Self {
            file,
            base,
            diagnostics: RefCell::new(Vec::new()),
        }
    }

    pub(crate) fn finish(self) -> Vec<Diagnostic> {
        self.diagnostics.into_inner()
    }

    fn span(&self, pair: &Pair<'_, Rule>) -> Span {
        let s = pair.as_span();
        Span::new(self.base + s.start(), self.base + s.end())
    }

    fn error(&self, code: Code, message: impl Into<String>, span: Span) -> DiagnosticBuilder<'_> {
        DiagnosticBuilder {
            lower: self,
            diagnostic: Some(Diagnostic::new(code, message, self.file, span)),
        }
    }
}

/// Adds labels and help to a diagnostic, which is recorded when the builder is dropped.
pub(crate) struct DiagnosticBuilder<'a> {
    lower: &'a Lower,
    diagnostic: Option<Diagnostic>,
}

impl DiagnosticBuilder<'_> {
    fn map(mut self, f: impl FnOnce(Diagnostic) -> Diagnostic) -> Self {
        self.diagnostic = self.diagnostic.take().map(f);
        self
    }

    fn label(self, text: impl Into<String>) -> Self {
        self.map(|d| d.with_label(text))
    }

    fn help(self, text: impl Into<String>) -> Self {
        self.map(|d| d.with_help(text))
    }

    fn secondary(self, span: Span, text: impl Into<String>) -> Self {
        let file = self.lower.file;
        self.map(|d| d.with_secondary(file, span, text))
    }
}

impl Drop for DiagnosticBuilder<'_> {
    fn drop(&mut self) {
        if let Some(d) = self.diagnostic.take() {
            self.lower.diagnostics.borrow_mut().push(d);
        }
    }
}

type KeywordFree<'i> = Filter<Pairs<'i, Rule>, fn(&Pair<'i, Rule>) -> bool>;

/// The children of a pair without keyword tokens, read in order.
pub(crate) struct Nodes<'i> {
    inner: Peekable<KeywordFree<'i>>,
}

impl<'i> Nodes<'i> {
    fn of(pair: Pair<'i, Rule>) -> Self {
        let not_keyword: fn(&Pair<'i, Rule>) -> bool = |p| !is_keyword(p.as_rule());
        Self {
            inner: pair.into_inner().filter(not_keyword).peekable(),
        }
    }

    /// The next child; the grammar guarantees it exists.
    fn next(&mut self) -> Pair<'i, Rule> {
        self.inner
            .next()
            .expect("the grammar guarantees this child exists")
    }

    /// The next child if it is of `rule`.
    fn take(&mut self, rule: Rule) -> Option<Pair<'i, Rule>> {
        self.inner.next_if(|p| p.as_rule() == rule)
    }

    fn rest(self) -> impl Iterator<Item = Pair<'i, Rule>> {
        self.inner
    }
}
