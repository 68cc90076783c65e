//! The one diagnostic model of every stage.

use crate::{Code, FileId, Span};

/// How bad a diagnostic is. Warnings never fail a command unless `--deny-warnings` is given.
#[derive(Clone, Copy, PartialEq, Eq, Debug, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
}

/// A labelled place in a file. The first label of a diagnostic is its primary one.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct Label {
    pub file: FileId,
    pub span: Span,
    pub message: String,
}

/// A problem found in a spec: a stable code, a plain message, labelled spans and maybe a fix.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct Diagnostic {
    pub code: Code,
    pub severity: Severity,
    pub message: String,
    /// The primary label first; the rest point at related places (an earlier definition,
    /// where a bracket opened, the declared type).
    pub labels: Vec<Label>,
    pub help: Option<String>,
}

impl Diagnostic {
    /// A diagnostic whose severity follows from its code (`E…` errors, `W…` warnings).
    pub fn new(code: Code, message: impl Into<String>, file: FileId, span: Span) -> Self {
        Self {
            code,
            severity: code.severity(),
            message: message.into(),
            labels: vec![Label {
                file,
                span,
                message: String::new(),
            }],
            help: None,
        }
    }

    /// Sets the text of the primary label.
    pub fn with_label(mut self, message: impl Into<String>) -> Self {
        if let Some(primary) = self.labels.first_mut() {
            primary.message = message.into();
        }
        self
    }

    /// Adds a secondary label at another place.
    pub fn with_secondary(mut self, file: FileId, span: Span, message: impl Into<String>) -> Self {
        self.labels.push(Label {
            file,
            span,
            message: message.into(),
        });
        self
    }

    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    pub fn primary(&self) -> &Label {
        &self.labels[0]
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }

    /// Sorts diagnostics by file and position, the order a person reads them in.
    pub fn sort(diagnostics: &mut [Diagnostic]) {
        diagnostics.sort_by_key(|d| {
            let p = d.primary();
            (p.file, p.span.start, p.span.end, d.code)
        });
    }
}
