//! A fast pre-pass over the raw text, before pest sees it.
//!
//! pest reports an unclosed bracket at the end of the input, far from where it opened, and it
//! recurses once per nesting level. This pass walks the text once, tracking strings, raw
//! strings, regexes, comments and brackets, so that it can:
//! * report unclosed and unmatched brackets and unterminated literals where they start;
//! * refuse nesting deeper than [`MAX_NESTING`] before the recursive parser could overflow;
//! * find where top-level items start, so the parser can recover at the next item;
//! * collect comments for the syntax tree.
//!
//! Broken input must not flood the reader: the brackets of one line that are never closed are
//! one diagnostic, and so are the closing brackets of one line that close nothing and nesting
//! too deep on one line. Past [`MAX_PROBLEMS`] problems in a file, one last diagnostic counts
//! the rest. Problems are kept as small records until the scan ends, and only those shown
//! become diagnostics.

mod brackets;
mod problems;

use crate::ast::Comment;
use brackets::{Bracket, Frame, Stack, small};
use intent_source::{Diagnostic, FileId, Span};
use problems::Problem;

/// The deepest bracket nesting a spec may have. Real specs stay far below it; deeper input is
/// refused so that no stage can overflow its stack.
pub const MAX_NESTING: usize = 48;

/// The most structural problems reported for one file. Past this, one diagnostic says how
/// many more there are: a hundred show what is wrong, and thousands (a file of unclosed
/// brackets) would only take time and memory to render.
pub const MAX_PROBLEMS: usize = 100;

/// The keywords that start a top-level item.
pub const ITEM_KEYWORDS: [&str; 13] = [
    "spec", "use", "target", "let", "secret", "type", "step", "intent", "dataset", "evaluate",
    "load", "policy", "monitor",
];

#[derive(Debug, Default)]
pub struct Scan {
    pub comments: Vec<Comment>,
    /// Offsets where top-level items start: lines that start an item (column 0, outside
    /// literals), and the first stray closing bracket of a line at top level, which takes the
    /// rest of its line so that the complete item before it still parses.
    pub item_starts: Vec<usize>,
    /// Structural problems in file order, each with the offset that decides which item it
    /// belongs to: at most [`MAX_PROBLEMS`], then one that counts the rest.
    pub problems: Vec<(usize, Diagnostic)>,
    /// The offsets of the problems counted but not shown. Their items are not parsed either:
    /// the parser would only report the same mistakes less clearly.
    pub hidden: Vec<usize>,
    /// For each line that starts outside a raw string: its offset and how many brackets are
    /// open there (for the formatter's indentation).
    pub line_depths: Vec<(usize, usize)>,
    /// The byte ranges of raw strings, whose lines the formatter leaves as they are.
    pub raw_strings: Vec<(usize, usize)>,
}

pub fn scan(file: FileId, text: &str) -> Scan {
    Scanner {
        file,
        bytes: text.as_bytes(),
        text,
        pos: 0,
        stack: Stack::default(),
        out: Scan::default(),
        problems: Vec::new(),
        last_word: (0, 0),
        last_significant: b'\n',
        too_deep_reported: false,
        line_start: 0,
        line_seen: 0,
        last_unmatched_line: None,
    }
    .run()
}

struct Scanner<'a> {
    file: FileId,
    text: &'a str,
    bytes: &'a [u8],
    pos: usize,
    stack: Stack,
    out: Scan,
    problems: Vec<Problem>,
    /// The span of the last word, to tell a regex after `matches` from a division.
    last_word: (usize, usize),
    /// The last byte that was not whitespace, for the same purpose.
    last_significant: u8,
    too_deep_reported: bool,
    /// The start of the line of `line_seen`: [`Scanner::line`] looks for newlines only
    /// after `line_seen`, so finding lines costs one pass over the text in all.
    line_start: usize,
    line_seen: usize,
    /// The line of the last closing bracket that closed nothing.
    last_unmatched_line: Option<u32>,
}

impl Scanner<'_> {
    fn run(mut self) -> Scan {
        let mut string_start: Option<usize> = None;
        let mut line_start = true;
        // A byte-order mark some editors write is not part of the spec.
        if self.text.starts_with('\u{feff}') {
            self.pos = '\u{feff}'.len_utf8();
        }
        while self.pos < self.bytes.len() {
            if let Some(start) = string_start {
                string_start = self.string_body(start);
                continue;
            }
            let b = self.bytes[self.pos];
            if line_start {
                line_start = false;
                self.out.line_depths.push((self.pos, self.stack.len()));
                if self.item_starts_here() {
                    self.close_all_at_item(self.pos);
                    self.out.item_starts.push(self.pos);
                } else if self.stack.is_empty() && self.bytes[self.pos].is_ascii_alphabetic() {
                    // Outside every bracket, a word at column 0 can only start an item, even a
                    // misspelt one: recover there too.
                    self.out.item_starts.push(self.pos);
                }
            }
            match b {
                b'\n' => {
                    line_start = true;
                    self.pos += 1;
                    continue;
                }
                b' ' | b'\t' | b'\r' => {
                    self.pos += 1;
                    continue;
                }
                b'#' if self.comment_allowed() => {
                    let end = self.line_end(self.pos);
                    self.out.comments.push(Comment {
                        text: self.text[self.pos + 1..end].trim_end().to_string(),
                        span: Span::new(self.pos, end),
                    });
                    self.pos = end;
                    continue;
                }
                b'"' if self.bytes[self.pos..].starts_with(b"\"\"\"") => self.raw_string(),
                b'"' => {
                    string_start = Some(self.pos);
                    self.pos += 1;
                }
                b'/' if self.regex_allowed() => self.regex(),
                b'(' | b'[' | b'{' => {
                    self.open(Bracket::Open(b));
                    self.pos += 1;
                }
                b')' | b']' | b'}' => {
                    string_start = self.close(b);
                    self.pos += 1;
                }
                _ if b.is_ascii_alphanumeric() || b == b'_' => {
                    let start = self.pos;
                    while self.pos < self.bytes.len()
                        && (self.bytes[self.pos].is_ascii_alphanumeric()
                            || self.bytes[self.pos] == b'_')
                    {
                        self.pos += 1;
                    }
                    self.last_word = (start, self.pos);
                }
                _ => self.pos += 1,
            }
            self.last_significant = self.bytes[self.pos.saturating_sub(1)];
        }
        if let Some(start) = string_start {
            self.record(Problem::UnterminatedString { start });
        }
        self.close_all_at_end();
        self.finish()
    }

    /// Scans inside a `"..."` string; returns the string start while still inside it.
    fn string_body(&mut self, start: usize) -> Option<usize> {
        while self.pos < self.bytes.len() {
            match self.bytes[self.pos] {
                b'"' => {
                    self.pos += 1;
                    self.last_significant = b'"';
                    return None;
                }
                b'\\' => self.pos += 2,
                b'{' => {
                    self.open(Bracket::Interpolation(small(start)));
                    self.pos += 1;
                    self.last_significant = b'{';
                    return None;
                }
                b'\n' => {
                    match self.stack.last() {
                        // A string that starts inside the `{...}` of another string and runs to
                        // the end of the line: the `{` was never closed, and this quote was
                        // meant to end the outer string (`"Hello, {name!"`).
                        Some(&Frame {
                            bracket: Bracket::Interpolation(_),
                            at: open,
                            ..
                        }) if !self.text[open..start].contains('\n') => {
                            self.stack.pop();
                            self.record(Problem::UnclosedInterpolation { open, quote: start });
                        }
                        _ => self.record(Problem::UnterminatedString { start }),
                    }
                    return None;
                }
                _ => self.pos += 1,
            }
        }
        self.pos = self.pos.min(self.bytes.len());
        Some(start)
    }

    fn raw_string(&mut self) {
        let start = self.pos;
        match self.text[start + 3..].find("\"\"\"") {
            Some(end) => {
                self.pos = start + 3 + end + 3;
                self.out.raw_strings.push((start, self.pos));
            }
            None => {
                self.record(Problem::UnterminatedRawString { start });
                self.pos = self.bytes.len();
                // The raw string swallowed the rest of the file, closing brackets included:
                // reporting them as unclosed would only repeat this error.
                self.stack.clear();
            }
        }
    }

    fn regex(&mut self) {
        let start = self.pos;
        self.pos += 1;
        while self.pos < self.bytes.len() {
            match self.bytes[self.pos] {
                b'\\' => self.pos += 2,
                b'/' => {
                    self.pos += 1;
                    return;
                }
                b'\n' => break,
                _ => self.pos += 1,
            }
        }
        self.record(Problem::UnterminatedRegex { start });
        self.pos = self.line_end(start);
    }

    fn open(&mut self, bracket: Bracket) {
        let line = self.line();
        self.stack.push(Frame {
            bracket,
            at: self.pos,
            line,
        });
        if self.stack.len() > MAX_NESTING && !self.too_deep_reported {
            self.too_deep_reported = true;
            self.record(Problem::TooDeep { at: self.pos, line });
        }
    }

    /// Handles a closing bracket; returns the string to resume when it ends an interpolation.
    fn close(&mut self, b: u8) -> Option<usize> {
        let Some(index) = self.stack.opener(b) else {
            self.unmatched();
            return None;
        };
        // Brackets opened after the matching one were never closed.
        self.drop_unclosed(
            index + 1,
            Span::new(self.pos, self.pos + 1),
            "closed by a different bracket here",
        );
        let top = self.stack.pop();
        if self.stack.len() <= MAX_NESTING {
            self.too_deep_reported = false;
        }
        match top {
            Some(Frame {
                bracket: Bracket::Interpolation(string),
                ..
            }) => Some(string as usize),
            _ => None,
        }
    }

    /// A closing bracket at `pos` that closes nothing. The first on its line, when it is
    /// outside every bracket, starts a region of its own: the item before it is complete,
    /// and the parser should still read it.
    fn unmatched(&mut self) {
        let line = self.line();
        if self.stack.is_empty() && self.last_unmatched_line != Some(line) {
            self.out.item_starts.push(self.pos);
        }
        self.last_unmatched_line = Some(line);
        self.record(Problem::Unmatched {
            at: self.pos,
            line,
            count: 1,
        });
    }

    /// Reports the open brackets from stack position `from` up as never closed, one problem
    /// per line, and drops them.
    fn drop_unclosed(&mut self, from: usize, end: Span, end_label: &'static str) {
        let runs: Vec<Problem> = self.stack[from.min(self.stack.len())..]
            .chunk_by(|a, b| a.line == b.line)
            .map(|run| Problem::Unclosed {
                first: run[0],
                count: run.len(),
                end,
                end_label,
            })
            .collect();
        self.stack.truncate(from);
        for run in runs {
            self.record(run);
        }
    }

    /// Where an item or the file ends, everything still open was never closed. Only the
    /// brackets on the line of the innermost one are reported: the outer ones are usually
    /// open because of them.
    fn drop_all(&mut self, end: Span, end_label: &'static str) {
        if let Some(innermost) = self.stack.last().map(|f| f.line) {
            let on_line = self
                .stack
                .iter()
                .rev()
                .take_while(|f| f.line == innermost)
                .count();
            self.drop_unclosed(self.stack.len() - on_line, end, end_label);
        }
        self.stack.clear();
    }

    fn close_all_at_item(&mut self, at: usize) {
        self.drop_all(Span::at(at), "the next item starts here");
        self.too_deep_reported = false;
    }

    fn close_all_at_end(&mut self) {
        if let Some(innermost) = self.stack.last() {
            // Point at the end of the last line with text: a label after the final newline
            // would sit on an empty line that is not shown.
            let end = self.text.trim_end().len().max(innermost.at + 1);
            self.drop_all(Span::at(end), "the file ends here");
        }
    }

    /// Keeps a problem, folded into the previous one when both are of a kind reported once
    /// per line, so that a line of a thousand brackets is one entry, not a thousand.
    fn record(&mut self, problem: Problem) {
        if let Some(last) = self.problems.last_mut()
            && last.absorb(&problem)
        {
            return;
        }
        self.problems.push(problem);
    }

    /// The start of the line that `pos` is on.
    fn line(&mut self) -> u32 {
        if let Some(newline) = self.text[self.line_seen..self.pos].rfind('\n') {
            self.line_start = self.line_seen + newline + 1;
        }
        self.line_seen = self.pos;
        small(self.line_start)
    }

    /// Turns the problems into diagnostics: one per line for the kinds reported once per
    /// line, in file order, at most [`MAX_PROBLEMS`] and one that counts the rest.
    fn finish(mut self) -> Scan {
        let mut problems = std::mem::take(&mut self.problems);
        // Problems of one line found at different times (brackets closed by two different
        // closers) are not next to each other yet.
        problems.sort_by_key(|p| (p.line_key(), p.offset()));
        problems.dedup_by(|later, earlier| earlier.absorb(later));
        problems.sort_by_key(Problem::offset);
        let hidden = problems.split_off(problems.len().min(MAX_PROBLEMS));
        self.out.problems = problems
            .iter()
            .map(|p| (p.offset(), self.diagnostic(p)))
            .collect();
        if let Some(next) = hidden.first() {
            let summary = self.left_out(next, hidden.len());
            self.out.problems.push((next.offset(), summary));
            self.out.hidden = hidden[1..].iter().map(Problem::offset).collect();
        }
        self.out
    }

    /// A top-level keyword at column 0 followed by a title or a name.
    fn item_starts_here(&self) -> bool {
        let rest = &self.bytes[self.pos..];
        ITEM_KEYWORDS.iter().any(|kw| {
            rest.starts_with(kw.as_bytes())
                && matches!(rest.get(kw.len()), Some(b' ' | b'\t'))
                && rest[kw.len()..]
                    .iter()
                    .find(|b| !matches!(b, b' ' | b'\t'))
                    .is_some_and(|b| *b == b'"' || b.is_ascii_alphabetic() || *b == b'_')
        })
    }

    /// `#` starts a comment after whitespace or a bracket, as pest's implicit COMMENT does;
    /// glued to a word it is part of a path such as `/docs#intro`.
    fn comment_allowed(&self) -> bool {
        self.pos == 0
            || matches!(
                self.bytes[self.pos - 1],
                b' ' | b'\t' | b'\n' | b'\r' | b'{' | b'(' | b'[' | b','
            )
    }

    /// `/` starts a regex after `matches`/`matching` or after a punctuation that cannot end a
    /// value; after a name or a number it is a division or a path.
    fn regex_allowed(&self) -> bool {
        let word = &self.text[self.last_word.0..self.last_word.1];
        let word_is_last =
            self.last_word.1 == self.pos || self.text[self.last_word.1..self.pos].trim().is_empty();
        if word_is_last {
            return matches!(
                word,
                "matches"
                    | "matching"
                    | "contains"
                    | "in"
                    | "is"
                    | "and"
                    | "or"
                    | "not"
                    | "then"
                    | "expect"
            );
        }
        matches!(self.last_significant, b'(' | b'[' | b',' | b'=' | b':')
    }

    fn line_end(&self, from: usize) -> usize {
        self.text[from..]
            .find('\n')
            .map_or(self.bytes.len(), |i| from + i)
            .max(from)
    }
}

#[cfg(test)]
mod tests;
