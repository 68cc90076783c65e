//! Rendering diagnostics for people (miette's graphical report) and for tools (JSON).

use crate::excerpt::Excerpt;
use crate::{Code, Diagnostic, Label, Severity, SourceMap};
use miette::{GraphicalReportHandler, GraphicalTheme, LabeledSpan, NamedSource};
use serde::Serialize;
use std::fmt;

/// How to draw a diagnostic for a person.
#[derive(Clone, Copy, Debug)]
pub struct RenderOptions {
    pub width: usize,
    pub color: bool,
}

impl RenderOptions {
    /// The fixed, colourless form used by snapshot tests and non-terminal output.
    pub fn plain() -> Self {
        Self {
            width: 100,
            color: false,
        }
    }
}

/// Renders one diagnostic with its source context. Labels in other files than the primary one
/// are drawn as related reports, each with its own file name.
pub fn render(diagnostic: &Diagnostic, sources: &SourceMap, options: RenderOptions) -> String {
    let parts = Parts {
        code: Some(diagnostic.code),
        severity: diagnostic.severity,
        message: &diagnostic.message,
        labels: &diagnostic.labels,
        help: diagnostic.help.as_deref(),
    };
    draw(&Report::new(&parts, sources), options)
}

/// Renders something that is not a compile diagnostic but should look like one, such as a
/// failed check pointing at its expectation: a title, labelled places and optional help, and
/// no code, since it is no diagnostic of the language. `labels` has the primary one first and
/// must not be empty.
pub fn render_snippet(
    title: &str,
    severity: Severity,
    labels: &[Label],
    help: Option<&str>,
    sources: &SourceMap,
    options: RenderOptions,
) -> String {
    let parts = Parts {
        code: None,
        severity,
        message: title,
        labels,
        help,
    };
    draw(&Report::new(&parts, sources), options)
}

/// What a report is drawn from: a diagnostic's fields, or a snippet's, which has no code.
struct Parts<'a> {
    code: Option<Code>,
    severity: Severity,
    message: &'a str,
    /// The primary label first.
    labels: &'a [Label],
    help: Option<&'a str>,
}

fn draw(report: &Report, options: RenderOptions) -> String {
    let theme = if options.color {
        GraphicalTheme::unicode()
    } else {
        GraphicalTheme::unicode_nocolor()
    };
    let handler = GraphicalReportHandler::new_themed(theme)
        .with_width(options.width)
        .with_links(false);
    let mut out = String::new();
    if handler.render_report(&mut out, report).is_err() {
        // miette only fails on a broken fmt::Write; a String never is one.
        out = format!("{}: {}", report.code, report.message);
    }
    out
}

/// A diagnostic as one JSON object, for `--format json`.
#[derive(Serialize, Debug)]
pub struct JsonDiagnostic {
    pub code: String,
    pub severity: Severity,
    pub message: String,
    pub file: String,
    pub line: u32,
    pub column: u32,
    pub span: JsonSpan,
    pub help: Option<String>,
    pub labels: Vec<JsonLabel>,
}

#[derive(Serialize, Debug)]
pub struct JsonSpan {
    pub start: u32,
    pub end: u32,
}

#[derive(Serialize, Debug)]
pub struct JsonLabel {
    pub file: String,
    pub line: u32,
    pub column: u32,
    pub span: JsonSpan,
    pub message: String,
}

pub fn to_json(diagnostic: &Diagnostic, sources: &SourceMap) -> JsonDiagnostic {
    let json_label = |label: &Label| {
        let file = sources.get(label.file);
        let at = file.line_col(label.span.start);
        JsonLabel {
            file: file.display_path(),
            line: at.line,
            column: at.column,
            span: JsonSpan {
                start: label.span.start,
                end: label.span.end,
            },
            message: label.message.clone(),
        }
    };
    let primary = json_label(diagnostic.primary());
    JsonDiagnostic {
        code: diagnostic.code.to_string(),
        severity: diagnostic.severity,
        message: diagnostic.message.clone(),
        file: primary.file,
        line: primary.line,
        column: primary.column,
        span: primary.span,
        help: diagnostic.help.clone(),
        labels: diagnostic.labels.iter().map(json_label).collect(),
    }
}

/// The bridge to miette: one report per file that has labels.
struct Report {
    code: String,
    message: String,
    severity: miette::Severity,
    help: Option<String>,
    source: NamedSource<Excerpt>,
    labels: Vec<LabeledSpan>,
    related: Vec<Report>,
}

impl Report {
    fn new(parts: &Parts, sources: &SourceMap) -> Self {
        let primary_file = parts.labels[0].file;
        // Each file is shown through an excerpt of the lines its labels need, long lines cut
        // around the labels, so what is drawn never grows with the input.
        let excerpt_of = |file| {
            let spans: Vec<crate::Span> = parts
                .labels
                .iter()
                .filter(|l| l.file == file)
                .map(|l| l.span)
                .collect();
            Excerpt::new(sources.get(file), &spans)
        };
        let labels_in = |file, excerpt: &Excerpt| {
            parts
                .labels
                .iter()
                .enumerate()
                .filter(move |(_, l)| l.file == file)
                .map(|(i, l)| {
                    let text = (!l.message.is_empty()).then(|| l.message.clone());
                    let span = excerpt.span(l.span);
                    if i == 0 {
                        LabeledSpan::new_primary_with_span(text, span)
                    } else {
                        LabeledSpan::new_with_span(text, span)
                    }
                })
                .collect::<Vec<_>>()
        };
        let mut other_files: Vec<_> = parts
            .labels
            .iter()
            .map(|l| l.file)
            .filter(|&f| f != primary_file)
            .collect();
        other_files.dedup();
        let related = other_files
            .into_iter()
            .map(|file| {
                let excerpt = excerpt_of(file);
                Report {
                    code: String::new(),
                    message: "see also".to_string(),
                    severity: miette::Severity::Advice,
                    help: None,
                    labels: labels_in(file, &excerpt),
                    source: named_source(sources, file, excerpt),
                    related: Vec::new(),
                }
            })
            .collect();
        let excerpt = excerpt_of(primary_file);
        Report {
            code: parts.code.map(|c| c.to_string()).unwrap_or_default(),
            message: parts.message.to_string(),
            severity: match parts.severity {
                Severity::Error => miette::Severity::Error,
                Severity::Warning => miette::Severity::Warning,
            },
            help: parts.help.map(str::to_string),
            labels: labels_in(primary_file, &excerpt),
            source: named_source(sources, primary_file, excerpt),
            related,
        }
    }
}

fn named_source(
    sources: &SourceMap,
    file: crate::FileId,
    excerpt: Excerpt,
) -> NamedSource<Excerpt> {
    NamedSource::new(sources.get(file).display_path(), excerpt)
}

impl fmt::Debug for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.code, self.message)
    }
}

impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Report {}

impl miette::Diagnostic for Report {
    fn code<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        (!self.code.is_empty()).then(|| Box::new(&self.code) as Box<dyn fmt::Display>)
    }

    fn severity(&self) -> Option<miette::Severity> {
        Some(self.severity)
    }

    fn help<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        self.help
            .as_ref()
            .map(|h| Box::new(h) as Box<dyn fmt::Display>)
    }

    fn source_code(&self) -> Option<&dyn miette::SourceCode> {
        Some(&self.source)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        Some(Box::new(self.labels.iter().cloned()))
    }

    fn related<'a>(&'a self) -> Option<Box<dyn Iterator<Item = &'a dyn miette::Diagnostic> + 'a>> {
        if self.related.is_empty() {
            None
        } else {
            Some(Box::new(
                self.related.iter().map(|r| r as &dyn miette::Diagnostic),
            ))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{SourceFile, Span, code};

    #[test]
    fn renders_code_message_location_and_help_without_colour() {
        let mut sources = SourceMap::new();
        let file = sources.add(SourceFile::new(
            "specs/a.intent",
            "intent \"x\" {\n  thne 1\n}\n",
        ));
        let diagnostic = Diagnostic::new(
            code::UNKNOWN_STATEMENT,
            "unknown statement `thne`",
            file,
            Span::new(15, 19),
        )
        .with_label("not a statement keyword")
        .with_help("did you mean `then`?");
        let text = render(&diagnostic, &sources, RenderOptions::plain());
        assert!(text.contains("E0011"), "{text}");
        assert!(text.contains("specs/a.intent:2:3"), "{text}");
        assert!(text.contains("not a statement keyword"), "{text}");
        assert!(text.contains("did you mean `then`?"), "{text}");
        assert!(!text.contains('\u{1b}'), "no colour codes: {text}");

        let json = to_json(&diagnostic, &sources);
        assert_eq!((json.line, json.column), (2, 3));
        assert_eq!(json.code, "E0011");
    }
}
