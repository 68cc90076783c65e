//! Printing diagnostics for people or tools.

use crate::cli::Format;
use intent_source::{Diagnostic, RenderOptions, Severity, SourceMap, render, to_json};
use std::io::{IsTerminal, Write};

/// Whether to colour output: only on a terminal, and never when `NO_COLOR` is set.
pub fn use_color(stream_is_terminal: bool) -> bool {
    stream_is_terminal && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
}

/// Prints diagnostics (sorted by file and position) and returns how many errors there were,
/// counting warnings as errors when `deny_warnings` is set.
pub fn report(
    diagnostics: &mut [Diagnostic],
    sources: &SourceMap,
    format: Format,
    deny_warnings: bool,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> Counts {
    if deny_warnings {
        for d in diagnostics.iter_mut() {
            d.severity = Severity::Error;
        }
    }
    Diagnostic::sort(diagnostics);
    let options = RenderOptions {
        width: 100,
        color: use_color(std::io::stderr().is_terminal()),
    };
    for d in diagnostics.iter() {
        match format {
            Format::Human => {
                let _ = writeln!(err, "{}", render(d, sources, options));
            }
            Format::Json => {
                let json = serde_json::to_string(&to_json(d, sources)).unwrap_or_default();
                let _ = writeln!(out, "{json}");
            }
        }
    }
    Counts {
        errors: diagnostics.iter().filter(|d| d.is_error()).count(),
        warnings: diagnostics.iter().filter(|d| !d.is_error()).count(),
    }
}

#[derive(Clone, Copy, Debug)]
pub struct Counts {
    pub errors: usize,
    pub warnings: usize,
}

impl Counts {
    pub fn summary(self, files: usize) -> String {
        let plural = |n: usize, word: &str| format!("{n} {word}{}", if n == 1 { "" } else { "s" });
        format!(
            "checked {}: {}, {}",
            plural(files, "file"),
            plural(self.errors, "error"),
            plural(self.warnings, "warning")
        )
    }
}
