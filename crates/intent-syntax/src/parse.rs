//! The parse driver: one top-level item at a time, recovering at the next item.

use crate::ast::SpecFile;
use crate::grammar::{IntentParser, Rule};
use crate::lower::{Lower, lower_item, lower_tag_expr};
use crate::{errors, scan};
use intent_source::{Diagnostic, FileId, Span, code};
use pest::Parser;
use rayon::prelude::*;
use std::num::NonZeroUsize;
use std::sync::{Mutex, Once};

/// The largest spec file the parser accepts. Spans are `u32`, and no hand-written spec comes
/// near this; a larger file is almost certainly not a spec.
pub const MAX_FILE_BYTES: usize = 64 * 1024 * 1024;

/// The most rule calls pest may make for one item. Bounds the time of pathological input
/// (backtracking) to a fraction of a second while leaving large real items untouched.
const CALL_LIMIT: usize = 50_000_000;

/// How many items one parallel task parses at least: enough that the cost of a task is small
/// next to the parsing, few enough that two cores share a large file evenly.
const REGIONS_PER_TASK: usize = 32;

/// The syntax tree of a file and every problem found in it.
#[derive(Debug, Default)]
pub struct Parsed {
    pub file: SpecFile,
    pub diagnostics: Vec<Diagnostic>,
}

fn configure_pest() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        pest::set_call_limit(NonZeroUsize::new(CALL_LIMIT));
    });
}

/// Serialises the detailed re-parses of failed items, so one re-parse never switches the
/// detail off under another.
static DETAIL: Mutex<()> = Mutex::new(());

/// Parses one item. pest's error detail (the literal tokens expected at a failure, so errors
/// can say "expected `=`") more than doubles the cost of every parse, so it is switched on
/// only to re-parse an item that already failed.
fn parse_item(text: &str) -> Result<pest::iterators::Pairs<'_, Rule>, pest::error::Error<Rule>> {
    match IntentParser::parse(Rule::item_entry, text) {
        Ok(pairs) => Ok(pairs),
        Err(_) => {
            let _guard = DETAIL
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner);
            pest::set_error_detail(true);
            let detailed = IntentParser::parse(Rule::item_entry, text);
            pest::set_error_detail(false);
            detailed
        }
    }
}

/// Parses the text of one spec file.
pub fn parse(file: FileId, text: &str) -> Parsed {
    configure_pest();
    let mut out = Parsed::default();
    if text.len() > MAX_FILE_BYTES {
        out.diagnostics.push(
            Diagnostic::new(
                code::FILE_TOO_LARGE,
                format!(
                    "the file is {} bytes; spec files may be at most {MAX_FILE_BYTES} bytes",
                    text.len()
                ),
                file,
                Span::at(0),
            )
            .with_label("this file")
            .with_help("split the spec into several files joined with `use`"),
        );
        return out;
    }
    if let Some(nul) = text.find('\0') {
        out.diagnostics.push(
            Diagnostic::new(
                code::NUL_BYTE,
                "the file contains a NUL byte",
                file,
                Span::new(nul, nul + 1),
            )
            .with_label("NUL byte here")
            .with_help("spec files are text; this looks like a binary file"),
        );
        return out;
    }

    let scan = scan::scan(file, text);
    out.file.comments = scan.comments;
    let mut bounds = scan.item_starts.clone();
    if bounds.first() != Some(&0) {
        bounds.insert(0, 0);
    }
    bounds.push(text.len());
    // Items are independent once the scanner has found where each starts, so the regions are
    // parsed in parallel; collecting keeps them in file order.
    let regions: Vec<(usize, usize)> = bounds.windows(2).map(|w| (w[0], w[1])).collect();
    let parts: Vec<Parsed> = regions
        .par_iter()
        .with_min_len(REGIONS_PER_TASK)
        .map(|&(start, end)| {
            let mut part = Parsed::default();
            let place = Region::new(start, end, text.len());
            let problems = place.of(&scan.problems, |(at, _)| *at);
            if problems.is_empty() && place.of(&scan.hidden, |at| *at).is_empty() {
                parse_region(file, text, start, end, &mut part);
            } else {
                // The scanner's diagnostics point where the mistake is; pest would only say
                // that the item ends oddly.
                part.diagnostics = problems.iter().map(|(_, d)| d.clone()).collect();
            }
            part
        })
        .collect();
    for part in parts {
        out.file.items.extend(part.file.items);
        out.diagnostics.extend(part.diagnostics);
    }
    if out.file.items.is_empty() && out.diagnostics.is_empty() {
        out.diagnostics.push(
            Diagnostic::new(
                code::EMPTY_SPEC,
                "this spec file has no items",
                file,
                Span::at(0),
            )
            .with_label("empty")
            .with_help("add an `intent`, or delete the file"),
        );
    }
    out
}

/// The offsets that belong to the region of the file that starts at `start`: those before
/// its `end`, and for the last region the very end of the file too.
struct Region {
    start: usize,
    /// The first offset past the region.
    past: usize,
}

impl Region {
    fn new(start: usize, end: usize, file_len: usize) -> Self {
        let past = if end == file_len {
            end + 1
        } else {
            end.max(start + 1)
        };
        Self { start, past }
    }

    /// The entries of `sorted` (in increasing order of `offset`) in this region, found by
    /// binary search: a file may have many items and many problems.
    fn of<'a, T>(&self, sorted: &'a [T], offset: impl Fn(&T) -> usize) -> &'a [T] {
        let from = sorted.partition_point(|t| offset(t) < self.start);
        let to = sorted.partition_point(|t| offset(t) < self.past);
        &sorted[from..to]
    }
}

/// Parses the items of `text[start..end]`, stopping at the first error in the region.
fn parse_region(file: FileId, text: &str, start: usize, end: usize, out: &mut Parsed) {
    let mut pos = skip_trivia(text, start, end);
    while pos < end {
        match parse_item(&text[pos..end]) {
            Ok(mut pairs) => {
                let Some(pair) = pairs.next() else { return };
                let consumed = pair.as_span().end();
                let lower = Lower::new(file, pos);
                out.file.items.push(lower_item(&lower, pair));
                out.diagnostics.extend(lower.finish());
                pos = skip_trivia(text, pos + consumed.max(1), end);
            }
            Err(error) => {
                out.diagnostics
                    .push(errors::diagnose(file, text, pos, &error));
                return;
            }
        }
    }
}

/// Skips blank lines, whitespace and comments.
fn skip_trivia(text: &str, mut pos: usize, end: usize) -> usize {
    let bytes = text.as_bytes();
    if pos == 0 && text.starts_with('\u{feff}') {
        pos = '\u{feff}'.len_utf8();
    }
    while pos < end {
        match bytes[pos] {
            b' ' | b'\t' | b'\r' | b'\n' => pos += 1,
            b'#' => {
                pos = text[pos..end].find('\n').map_or(end, |i| pos + i);
            }
            _ => break,
        }
    }
    pos
}

/// Parses a tag expression such as `@smoke and not (@slow or @wip)`, as given to `--tags`.
pub fn parse_tag_expr(text: &str) -> Result<crate::ast::TagExpr, String> {
    configure_pest();
    let mut pairs = IntentParser::parse(Rule::tag_expr_entry, text).map_err(|e| {
        let at = match e.location {
            pest::error::InputLocation::Pos(p) => p,
            pest::error::InputLocation::Span((s, _)) => s,
        };
        format!("invalid tag expression at character {}: write tags like `@smoke and not (@slow or @wip)`", at + 1)
    })?;
    let pair = pairs.next().ok_or("empty tag expression")?;
    let lower = Lower::new(FileId(0), 0);
    let expr = lower_tag_expr(&lower, pair);
    match lower.finish().first() {
        Some(d) => Err(d.message.clone()),
        None => Ok(expr),
    }
}
