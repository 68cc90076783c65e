//! The parse driver: one top-level item at a time, recovering at the next item.

use crate::ast::{Comment, Item, SpecFile};
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
    /// The items [`parse_without_intents`] left out of `file`, in file order ([`Reparse`]
    /// gives them back).
    pub left_out: Vec<LeftOut>,
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

/// Why a whole file is refused before it is parsed: too large, or binary.
pub(crate) fn refusal(file: FileId, text: &str) -> Option<Diagnostic> {
    if text.len() > MAX_FILE_BYTES {
        return Some(
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
    }
    let nul = text.find('\0')?;
    Some(
        Diagnostic::new(
            code::NUL_BYTE,
            "the file contains a NUL byte",
            file,
            Span::new(nul, nul + 1),
        )
        .with_label("NUL byte here")
        .with_help("spec files are text; this looks like a binary file"),
    )
}

/// The diagnostic of a file without items.
fn empty_spec(file: FileId) -> Diagnostic {
    Diagnostic::new(
        code::EMPTY_SPEC,
        "this spec file has no items",
        file,
        Span::at(0),
    )
    .with_label("empty")
    .with_help("add an `intent`, or delete the file")
}

/// The regions of a scanned file: from each item start to the next, the first from 0.
fn regions(scan: &scan::Scan, len: usize) -> Vec<(usize, usize)> {
    let mut bounds = scan.item_starts.clone();
    if bounds.first() != Some(&0) {
        bounds.insert(0, 0);
    }
    bounds.push(len);
    bounds.windows(2).map(|w| (w[0], w[1])).collect()
}

/// The items and diagnostics of one region.
fn parse_part(file: FileId, text: &str, scan: &scan::Scan, (start, end): (usize, usize)) -> Parsed {
    let mut part = Parsed::default();
    let place = Region::new(start, end, text.len());
    let problems = place.of(&scan.problems, |(at, _)| *at);
    if problems.is_empty() && place.of(&scan.hidden, |at| *at).is_empty() {
        parse_region(file, text, start, end, &mut part);
        // Nearly every region is one item; a pushed Vec has room for four.
        part.file.items.shrink_to_fit();
    } else {
        // The scanner's diagnostics point where the mistake is; pest would only say that the
        // item ends oddly.
        part.diagnostics = problems.iter().map(|(_, d)| d.clone()).collect();
    }
    part
}

/// Parses the text of one spec file.
pub fn parse(file: FileId, text: &str) -> Parsed {
    parse_regions(file, text, |scan, region| {
        parse_part(file, text, scan, region)
    })
}

/// An item [`parse_without_intents`] left out of the tree, to be read with [`Reparse`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LeftOut {
    /// The item's place, or the whole region's when it was not parsed.
    pub span: Span,
    /// Parsed already, so its diagnostics have been reported once and its text parses.
    pub parsed: bool,
}

/// [`parse`], leaving every intent out of the tree, for a checker that needs them one at a
/// time later and must not hold them all: most of a large spec set is intents. A region the
/// scanner found clean that holds one item starting with `intent` is not parsed here at all,
/// so each intent is parsed once in all (by [`Reparse`]); an intent found any other way is
/// parsed, checked for syntax, and dropped. Either way only its place is kept (`left_out`).
pub fn parse_without_intents(file: FileId, text: &str) -> Parsed {
    parse_regions(file, text, |scan, (start, end)| {
        let from = skip_trivia(text, start, end);
        if starts_intent(&text[from..end]) && is_one_clean_item(scan, text, (from, end)) {
            return Parsed {
                left_out: vec![LeftOut {
                    span: Span::new(from, end),
                    parsed: false,
                }],
                ..Parsed::default()
            };
        }
        let mut part = parse_part(file, text, scan, (start, end));
        if part
            .file
            .items
            .iter()
            .any(|item| matches!(item, Item::Intent(_)))
        {
            let items = std::mem::take(&mut part.file.items);
            for item in items {
                if matches!(item, Item::Intent(_)) {
                    part.left_out.push(LeftOut {
                        span: item.span(),
                        parsed: true,
                    });
                } else {
                    part.file.items.push(item);
                }
            }
            part.file.items.shrink_to_fit();
        }
        part
    })
}

/// Scans a file and reads each region with `read`. Items are independent once the scanner
/// has found where each starts, so the regions are read in parallel; collecting keeps them in
/// file order.
fn parse_regions(
    file: FileId,
    text: &str,
    read: impl Fn(&scan::Scan, (usize, usize)) -> Parsed + Sync,
) -> Parsed {
    configure_pest();
    let mut out = Parsed::default();
    if let Some(refused) = refusal(file, text) {
        out.diagnostics.push(refused);
        return out;
    }
    let scan = scan::scan(file, text);
    let parts: Vec<Parsed> = regions(&scan, text.len())
        .par_iter()
        .with_min_len(REGIONS_PER_TASK)
        .map(|&region| read(&scan, region))
        .collect();
    out.file.comments = scan.comments;
    out.file.items = Vec::with_capacity(parts.iter().map(|p| p.file.items.len()).sum());
    for part in parts {
        out.file.items.extend(part.file.items);
        out.diagnostics.extend(part.diagnostics);
        out.left_out.extend(part.left_out);
    }
    if out.file.items.is_empty() && out.left_out.is_empty() && out.diagnostics.is_empty() {
        out.diagnostics.push(empty_spec(file));
    }
    out
}

/// The `intent` keyword at the start of `text`, as the scanner finds an item start.
fn starts_intent(text: &str) -> bool {
    text.strip_prefix("intent")
        .is_some_and(|rest| rest.starts_with([' ', '\t']))
}

/// The region `(from, end)` holds one item, and the scanner found no problem and hid no text
/// in it: every line after the first that starts outside all brackets is blank or a comment
/// (the item's block has closed by then, and anything else may be another item, such as an
/// indented one, which the checker must see in the first parse).
fn is_one_clean_item(scan: &scan::Scan, text: &str, (from, end): (usize, usize)) -> bool {
    let place = Region::new(from, end, text.len());
    place.of(&scan.problems, |(at, _)| *at).is_empty()
        && place.of(&scan.hidden, |at| *at).is_empty()
        && place
            .of(&scan.line_depths, |(at, _)| *at)
            .iter()
            .filter(|&&(at, depth)| at > from && depth == 0)
            .all(|&(at, _)| {
                let line = text[at..end].lines().next().unwrap_or("").trim_start();
                line.is_empty() || line.starts_with('#')
            })
}

/// How many left-out items [`Reparse`] parses at once: enough for both cores to share, few
/// enough that the trees held at once stay a small part of the file.
const REPARSE_BATCH: usize = 256;

/// The items [`parse_without_intents`] left out of one file, parsed again in file order. A
/// thread of `scope` parses them a batch at a time (each batch in parallel) while the caller
/// checks the batch before, so parsing and checking overlap; the channel between them holds
/// one batch, so at most three batches of trees exist at once. Each yields the place it was
/// left out at and what parsing it gives: its items, and the diagnostics of a region not
/// parsed before (those of an item parsed before were reported by the first parse).
#[derive(Debug)]
pub struct Reparse {
    batches: Option<std::sync::mpsc::Receiver<Vec<(Span, Parsed)>>>,
    batch: std::vec::IntoIter<(Span, Parsed)>,
}

impl Reparse {
    pub fn new<'scope, 'env>(
        scope: &'scope std::thread::Scope<'scope, 'env>,
        file: FileId,
        text: &'env str,
        left_out: &'env [LeftOut],
    ) -> Self {
        configure_pest();
        let batches = (!left_out.is_empty()).then(|| {
            let (send, receive) = std::sync::mpsc::sync_channel(1);
            scope.spawn(move || {
                for batch in left_out.chunks(REPARSE_BATCH) {
                    let parsed: Vec<(Span, Parsed)> = batch
                        .par_iter()
                        .with_min_len(REGIONS_PER_TASK)
                        .map(|&left| (left.span, parse_left_out(file, text, left)))
                        .collect();
                    // The checker stopped reading: nothing more is needed.
                    if send.send(parsed).is_err() {
                        return;
                    }
                }
            });
            receive
        });
        Reparse {
            batches,
            batch: Vec::new().into_iter(),
        }
    }
}

impl Iterator for Reparse {
    type Item = (Span, Parsed);

    fn next(&mut self) -> Option<(Span, Parsed)> {
        loop {
            if let Some(next) = self.batch.next() {
                return Some(next);
            }
            self.batch = self.batches.as_ref()?.recv().ok()?.into_iter();
        }
    }
}

/// One item or region [`parse_without_intents`] left out, parsed.
fn parse_left_out(file: FileId, text: &str, left: LeftOut) -> Parsed {
    let (start, end) = (left.span.start as usize, left.span.end as usize);
    let mut part = Parsed::default();
    if end <= text.len() && start <= end {
        parse_region(file, text, start, end, &mut part);
    }
    if left.parsed {
        part.diagnostics.clear();
    }
    part
}

/// The items of a file one region at a time, with the same items and diagnostics as
/// [`parse`], for work that needs one item at a time and must not hold the whole tree (the
/// formatter compares each item before and after).
pub struct Items<'a> {
    file: FileId,
    text: &'a str,
    scan: scan::Scan,
    regions: std::vec::IntoIter<(usize, usize)>,
    /// The items of the current region not yet yielded (one, unless items share a line
    /// start).
    pending: std::collections::VecDeque<Item>,
    diagnostics: Vec<Diagnostic>,
    any: bool,
}

impl<'a> Items<'a> {
    pub fn new(file: FileId, text: &'a str) -> Self {
        configure_pest();
        let (scan, regions, diagnostics) = match refusal(file, text) {
            Some(refused) => (scan::Scan::default(), Vec::new(), vec![refused]),
            None => {
                let scan = scan::scan(file, text);
                let regions = regions(&scan, text.len());
                (scan, regions, Vec::new())
            }
        };
        Items {
            file,
            text,
            scan,
            regions: regions.into_iter(),
            pending: std::collections::VecDeque::new(),
            diagnostics,
            any: false,
        }
    }

    /// The comments of the file.
    pub fn comments(&self) -> &[Comment] {
        &self.scan.comments
    }

    /// Every diagnostic, once the items have all been taken (the rest are parsed first).
    pub fn finish(mut self) -> Vec<Diagnostic> {
        while self.next().is_some() {}
        if !self.any && self.diagnostics.is_empty() {
            self.diagnostics.push(empty_spec(self.file));
        }
        self.diagnostics
    }
}

impl Iterator for Items<'_> {
    type Item = Item;

    fn next(&mut self) -> Option<Item> {
        loop {
            if let Some(item) = self.pending.pop_front() {
                self.any = true;
                return Some(item);
            }
            let region = self.regions.next()?;
            let part = parse_part(self.file, self.text, &self.scan, region);
            self.pending.extend(part.file.items);
            self.diagnostics.extend(part.diagnostics);
        }
    }
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
    // pest recurses once per bracket and probes no stack here (see `Cargo.toml`), and every
    // `not` nests the tree one level deeper, so both are bounded before pest runs, as the
    // scanner bounds nesting in spec files.
    let brackets = text
        .chars()
        .scan(0usize, |open, c| {
            match c {
                '(' => *open += 1,
                ')' => *open = open.saturating_sub(1),
                _ => {}
            }
            Some(*open)
        })
        .max()
        .unwrap_or(0);
    let nots = text
        .split(|c: char| !(c.is_alphanumeric() || c == '_'))
        .filter(|w| *w == "not")
        .count();
    let depth = brackets + nots;
    if depth > scan::MAX_NESTING {
        return Err(format!(
            "the tag expression nests deeper than {} levels; write it flatter",
            scan::MAX_NESTING
        ));
    }
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

#[cfg(test)]
mod tests {
    use super::parse_tag_expr;

    #[test]
    fn deep_tag_expressions_are_refused_before_pest_recurses() {
        let brackets = format!("{}@a{}", "(".repeat(100_000), ")".repeat(100_000));
        let refused = parse_tag_expr(&brackets).expect_err("too deep");
        assert!(refused.contains("nests deeper than 48 levels"), "{refused}");
        let nots = format!("{}@a", "not ".repeat(100_000));
        assert!(parse_tag_expr(&nots).is_err());
        let fine = format!("{}@a{} and not @b", "(".repeat(20), ")".repeat(20));
        assert!(parse_tag_expr(&fine).is_ok());
    }
}
