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

use crate::ast::Comment;
use intent_source::{Diagnostic, FileId, Span, code};

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

/// An open bracket. A flood of brackets puts millions of frames on the stack, so offsets that
/// are only compared or handed back, never used to slice the text, are stored as `u32` (a file
/// is far below 4 GiB), which keeps a frame at 24 bytes.
#[derive(Clone, Copy, Debug)]
struct Frame {
    bracket: Bracket,
    /// Where it opens.
    at: usize,
    /// The start of the line it opens on.
    line: u32,
}

const _: () = assert!(std::mem::size_of::<Frame>() <= 24);

#[derive(Clone, Copy, Debug)]
enum Bracket {
    /// `(`, `[` or `{`.
    Open(u8),
    /// `{` of a string interpolation, in the string that starts at the offset.
    Interpolation(u32),
}

/// An offset as kept in a [`Frame`] or a [`Problem`].
fn small(offset: usize) -> u32 {
    u32::try_from(offset).unwrap_or(u32::MAX)
}

impl Frame {
    fn opener(self) -> char {
        match self.bracket {
            Bracket::Open(b) => b as char,
            Bracket::Interpolation(_) => '{',
        }
    }

    fn closer(self) -> char {
        closer_of(self.opener())
    }

    fn kind(self) -> usize {
        kind_of(self.opener())
    }
}

/// 0 for `(`, 1 for `[`, 2 for `{`, whether it opens a block, an object or a value in a string:
/// `}` closes each alike.
fn kind_of(opener: char) -> usize {
    match opener {
        '(' => 0,
        '[' => 1,
        _ => 2,
    }
}

/// The open brackets, innermost last, with how many of each kind are open: a closing bracket
/// that matches none is known at once, without a walk down a stack thousands deep.
#[derive(Debug, Default)]
struct Stack {
    frames: Vec<Frame>,
    open: [usize; 3],
}

impl Stack {
    fn push(&mut self, frame: Frame) {
        self.open[frame.kind()] += 1;
        self.frames.push(frame);
    }

    fn pop(&mut self) -> Option<Frame> {
        let frame = self.frames.pop()?;
        self.open[frame.kind()] -= 1;
        Some(frame)
    }

    fn truncate(&mut self, len: usize) {
        while self.frames.len() > len {
            self.pop();
        }
    }

    fn clear(&mut self) {
        self.truncate(0);
    }

    /// The position of the innermost open bracket that `closer` closes. The walk passes only
    /// brackets that the closer leaves unclosed, which are then dropped, so each bracket is
    /// passed once.
    fn opener(&self, closer: u8) -> Option<usize> {
        let kind = kind_of(opener_of(closer) as char);
        if self.open[kind] == 0 {
            return None;
        }
        self.frames.iter().rposition(|f| f.kind() == kind)
    }
}

impl std::ops::Deref for Stack {
    type Target = [Frame];

    fn deref(&self) -> &[Frame] {
        &self.frames
    }
}

fn closer_of(opener: char) -> char {
    match opener {
        '(' => ')',
        '[' => ']',
        _ => '}',
    }
}

fn opener_of(closer: u8) -> u8 {
    match closer {
        b')' => b'(',
        b']' => b'[',
        _ => b'{',
    }
}

/// A problem found by the scan, kept small until it is known to be among the first
/// [`MAX_PROBLEMS`], the ones that become diagnostics.
#[derive(Clone, Copy, Debug)]
enum Problem {
    /// `count` brackets opened on one line are never closed; `first` is the first of them,
    /// and `end` is where the scan found it still open.
    Unclosed {
        first: Frame,
        count: usize,
        end: Span,
        end_label: &'static str,
    },
    /// The `{` of a string interpolation at `open` is still open where a string starts at
    /// `quote`.
    UnclosedInterpolation {
        open: usize,
        quote: usize,
    },
    /// `count` closing brackets on the line starting at `line` close nothing; the first is at
    /// `at`.
    Unmatched {
        at: usize,
        line: u32,
        count: usize,
    },
    /// Nesting passes [`MAX_NESTING`] at `at`, on the line starting at `line`.
    TooDeep {
        at: usize,
        line: u32,
    },
    UnterminatedString {
        start: usize,
    },
    UnterminatedRawString {
        start: usize,
    },
    UnterminatedRegex {
        start: usize,
    },
}

impl Problem {
    /// The offset that places the problem in the file and in an item.
    fn offset(&self) -> usize {
        match *self {
            Problem::Unclosed { first, .. } => first.at,
            Problem::UnclosedInterpolation { open: at, .. }
            | Problem::Unmatched { at, .. }
            | Problem::TooDeep { at, .. }
            | Problem::UnterminatedString { start: at }
            | Problem::UnterminatedRawString { start: at }
            | Problem::UnterminatedRegex { start: at } => at,
        }
    }

    /// The kind and line of a problem reported at most once per line.
    fn line_key(&self) -> Option<(u8, u32)> {
        match *self {
            Problem::Unclosed { first, .. } => Some((0, first.line)),
            Problem::Unmatched { line, .. } => Some((1, line)),
            Problem::TooDeep { line, .. } => Some((2, line)),
            _ => None,
        }
    }

    /// Takes `other` into this problem when both are of a kind reported once per line and
    /// on the same line: the counts add up, and the earlier place is the one shown.
    fn absorb(&mut self, other: &Problem) -> bool {
        if self.line_key().is_none() || self.line_key() != other.line_key() {
            return false;
        }
        let total = self.count() + other.count();
        if other.offset() < self.offset() {
            *self = *other;
        }
        if let Problem::Unclosed { count, .. } | Problem::Unmatched { count, .. } = self {
            *count = total;
        }
        true
    }

    /// How many brackets the problem stands for.
    fn count(&self) -> usize {
        match *self {
            Problem::Unclosed { count, .. } | Problem::Unmatched { count, .. } => count,
            _ => 1,
        }
    }
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

    /// The last diagnostic of a file with too many problems: how many are left out, at the
    /// first of them and with its code.
    fn left_out(&self, next: &Problem, count: usize) -> Diagnostic {
        let first = self.diagnostic(next);
        Diagnostic::new(
            first.code,
            format!("{count} more problems with brackets, strings or regexes are not shown"),
            self.file,
            first.primary().span,
        )
        .with_label("the next one is here")
        .with_help(
            "fix the problems above and check again: a bracket or a quote left open often \
             causes many of the rest",
        )
    }

    fn diagnostic(&self, problem: &Problem) -> Diagnostic {
        match *problem {
            Problem::Unclosed {
                first,
                count,
                end,
                end_label,
            } => self.unclosed(first, count, end, end_label),
            Problem::UnclosedInterpolation { open, quote } => {
                self.unclosed_interpolation(open, quote)
            }
            Problem::Unmatched { at, count, .. } => self.unmatched_closers(at, count),
            Problem::TooDeep { at, .. } => Diagnostic::new(
                code::NESTING_TOO_DEEP,
                format!("brackets are nested more than {MAX_NESTING} levels deep"),
                self.file,
                Span::new(at, at + 1),
            )
            .with_label("too deep here")
            .with_help("split the value into named `let` definitions"),
            Problem::UnterminatedString { start } => self.unterminated_string(start),
            Problem::UnterminatedRawString { start } => Diagnostic::new(
                code::UNTERMINATED_RAW_STRING,
                "this raw string is never closed",
                self.file,
                Span::new(start, start + 3),
            )
            .with_label("the raw string starts here")
            .with_help("close it with `\"\"\"`"),
            Problem::UnterminatedRegex { start } => Diagnostic::new(
                code::UNTERMINATED_REGEX,
                "this regex is not closed on its line",
                self.file,
                Span::new(start, self.line_end(start)),
            )
            .with_label("the regex starts here")
            .with_help("close it with `/`, and write a `/` inside it as `\\/`"),
        }
    }

    fn unterminated_string(&self, start: usize) -> Diagnostic {
        Diagnostic::new(
            code::UNTERMINATED_STRING,
            "this string is not closed on its line",
            self.file,
            Span::new(start, self.line_end(start)),
        )
        .with_label("the string starts here")
        .with_help(
            "close it with `\"`; for text over several lines use a raw string `\"\"\"...\"\"\"`",
        )
    }

    fn unclosed_interpolation(&self, open: usize, quote: usize) -> Diagnostic {
        Diagnostic::new(
            code::UNCLOSED_DELIMITER,
            "this `{` in a string is never closed",
            self.file,
            Span::new(open, open + 1),
        )
        .with_label("the value inserted into the string starts here")
        .with_secondary(
            self.file,
            Span::new(quote, quote + 1),
            "the string ends here",
        )
        .with_help("close the inserted value with `}`, or write a literal brace as `\\{`")
    }

    /// `count` brackets of one line that are never closed, shown at the first of them.
    fn unclosed(&self, first: Frame, count: usize, end: Span, end_label: &str) -> Diagnostic {
        let (open, close) = (first.opener(), first.closer());
        let (message, label, help) = if count == 1 {
            (
                format!("this `{open}` is never closed"),
                "opened here".to_string(),
                format!("add `{close}` where the block or value ends"),
            )
        } else {
            (
                format!("{count} brackets opened on this line are never closed"),
                format!("the first, `{open}`, opens here"),
                format!(
                    "close each where its block or value ends, the innermost first; this `{open}` needs `{close}`"
                ),
            )
        };
        Diagnostic::new(
            code::UNCLOSED_DELIMITER,
            message,
            self.file,
            Span::new(first.at, first.at + 1),
        )
        .with_label(label)
        .with_secondary(self.file, end, end_label)
        .with_help(help)
    }

    /// `count` closing brackets of one line that close nothing, shown at the first of them.
    fn unmatched_closers(&self, at: usize, count: usize) -> Diagnostic {
        let closer = self.bytes[at];
        let label = format!("no `{}` is open here", opener_of(closer) as char);
        let (message, help) = if count == 1 {
            (
                format!("`{}` closes nothing", closer as char),
                "remove it, or add the opening bracket it belongs to",
            )
        } else {
            (
                format!("{count} closing brackets on this line close nothing"),
                "remove them, or add the opening brackets they belong to",
            )
        };
        Diagnostic::new(
            code::UNMATCHED_DELIMITER,
            message,
            self.file,
            Span::new(at, at + 1),
        )
        .with_label(label)
        .with_help(help)
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
mod tests {
    use super::*;

    fn codes(text: &str) -> Vec<&'static str> {
        scan(FileId(0), text)
            .problems
            .iter()
            .map(|(_, d)| d.code.as_str())
            .collect()
    }

    #[test]
    fn balanced_text_has_no_problems() {
        let text =
            "intent \"a {x}\" {\n  then body.x matches /[{(]/ # a { comment\n  and 200/s > 1\n}\n";
        assert!(codes(text).is_empty(), "{:?}", codes(text));
        assert_eq!(scan(FileId(0), text).comments.len(), 1);
    }

    #[test]
    fn reports_unclosed_bracket_at_next_item() {
        let text = "intent \"a\" {\n  then [1, 2\n}\nintent \"b\" {\n}\n";
        assert_eq!(codes(text), vec!["E0003"]);
        let s = scan(FileId(0), text);
        assert_eq!(
            s.item_starts,
            vec![0, text.find("intent \"b\"").unwrap_or(0)]
        );
    }

    #[test]
    fn reports_unterminated_literals_and_stray_closers() {
        assert_eq!(codes("let a = \"abc\nlet b = 1\n"), vec!["E0005"]);
        assert_eq!(codes("let a = \"\"\"abc\n"), vec!["E0006"]);
        assert_eq!(codes("type A = string matching /abc\n"), vec!["E0007"]);
        assert_eq!(codes("let a = 1)\n"), vec!["E0004"]);
    }

    #[test]
    fn an_unclosed_interpolation_is_reported_at_its_brace() {
        let text = "intent \"a\" {\n  then body.text == \"Hi {name!\"\n}\n";
        assert_eq!(codes(text), vec!["E0003"]);
        let brace = text.find("{name").unwrap_or(0);
        let s = scan(FileId(0), text);
        assert_eq!(s.problems[0].1.primary().span.start as usize, brace);
    }

    #[test]
    fn an_unterminated_raw_string_hides_the_brackets_it_swallowed() {
        assert_eq!(
            codes("intent \"a\" {\n  when POST s /x\n    body \"\"\"abc\n}\n"),
            vec!["E0006"]
        );
    }

    /// The messages of the problems, for the tests of what is counted.
    fn messages(text: &str) -> Vec<String> {
        scan(FileId(0), text)
            .problems
            .into_iter()
            .map(|(_, d)| d.message)
            .collect()
    }

    #[test]
    fn deep_nesting_is_reported_once() {
        let text = format!("let a = {}{}", "[".repeat(20_000), "]".repeat(20_000));
        assert_eq!(codes(&text), vec!["E0008"]);
        let unclosed = format!("let a = {}", "[".repeat(20_000));
        assert_eq!(codes(&unclosed), vec!["E0003", "E0008"]);
    }

    #[test]
    fn deep_nesting_is_reported_once_per_line() {
        let deep = format!("{}1{}", "[".repeat(60), "]".repeat(60));
        let text = format!(
            "let a = [{deep}, {deep}]
let b = {deep}
"
        );
        assert_eq!(codes(&text), vec!["E0008", "E0008"]);
    }

    #[test]
    fn the_unclosed_brackets_of_a_line_are_one_problem_at_the_first() {
        let text = "let a = f([1, (2
let b = 1
";
        assert_eq!(
            messages(text),
            vec!["3 brackets opened on this line are never closed"]
        );
        let s = scan(FileId(0), text);
        assert_eq!(s.problems[0].0, text.find('(').unwrap_or(0));
        // Inside a block, the `}` that closes it finds them; lines are still counted apart.
        let text = format!(
            "intent \"a\" {{\n  then x == {}\n  and [(\n}}\n",
            "(".repeat(20_000)
        );
        assert_eq!(
            messages(&text),
            vec![
                "20000 brackets opened on this line are never closed".to_string(),
                "brackets are nested more than 48 levels deep".to_string(),
                "2 brackets opened on this line are never closed".to_string(),
            ]
        );
    }

    #[test]
    fn brackets_of_one_line_found_unclosed_at_different_times_are_one_problem() {
        assert_eq!(
            messages("let a = {\n  b: ([(\n  ] \"x\n}\n"),
            vec![
                "2 brackets opened on this line are never closed",
                "this string is not closed on its line",
            ]
        );
    }

    #[test]
    fn the_stray_closers_of_a_line_are_one_problem() {
        assert_eq!(
            messages("let a = 1)]}\nlet b = 2))\n"),
            vec![
                "3 closing brackets on this line close nothing",
                "2 closing brackets on this line close nothing",
            ]
        );
    }

    #[test]
    fn problems_past_the_limit_are_counted_in_one_more() {
        let text = "let a = (\n".repeat(MAX_PROBLEMS + 50);
        let s = scan(FileId(0), &text);
        assert_eq!(s.problems.len(), MAX_PROBLEMS + 1);
        assert_eq!(
            s.problems[MAX_PROBLEMS].1.message,
            "50 more problems with brackets, strings or regexes are not shown"
        );
        assert_eq!(s.problems[MAX_PROBLEMS].0, MAX_PROBLEMS * 10 + 8);
        assert_eq!(s.hidden.len(), 49);
    }

    #[test]
    fn a_stray_closer_at_top_level_starts_a_region_of_its_own() {
        let text = "target a = \"x\"\n}\nintent \"b\" { }})\nlet c = 1\n";
        let s = scan(FileId(0), text);
        let stray = text.find('}').unwrap_or(0);
        let second = text.find("}})").unwrap_or(0) + 1;
        let after = text.find("let c").unwrap_or(0);
        let intent = text.find("intent").unwrap_or(0);
        assert_eq!(s.item_starts, vec![0, stray, intent, second, after]);
        assert_eq!(
            s.problems.iter().map(|(at, _)| *at).collect::<Vec<_>>(),
            vec![stray, second]
        );
        // Inside a bracket, a stray closer belongs to the item it is in.
        let s = scan(FileId(0), "let a = [1)]\n");
        assert_eq!(s.item_starts, vec![0]);
    }

    #[test]
    fn a_stray_closer_does_not_close_the_enclosing_block() {
        assert_eq!(
            codes("intent \"a\" {\n  then len(x)) == 2\n}\n"),
            vec!["E0004"]
        );
        assert_eq!(codes("let a = [1, (2]\n"), vec!["E0003"]);
    }

    #[test]
    fn a_byte_order_mark_is_skipped() {
        let s = scan(FileId(0), "\u{feff}intent \"a\" {\n}\n");
        assert!(s.problems.is_empty());
        assert_eq!(s.item_starts, vec![3]);
    }
}
