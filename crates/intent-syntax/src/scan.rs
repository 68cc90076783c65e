//! A fast pre-pass over the raw text, before pest sees it.
//!
//! pest reports an unclosed bracket at the end of the input, far from where it opened, and it
//! recurses once per nesting level. This pass walks the text once, tracking strings, raw
//! strings, regexes, comments and brackets, so that it can:
//! * report unclosed and unmatched brackets and unterminated literals where they start;
//! * refuse nesting deeper than [`MAX_NESTING`] before the recursive parser could overflow;
//! * find where top-level items start, so the parser can recover at the next item;
//! * collect comments for the syntax tree.

use crate::ast::Comment;
use intent_source::{Diagnostic, FileId, Span, code};

/// The deepest bracket nesting a spec may have. Real specs stay far below it; deeper input is
/// refused so that no stage can overflow its stack.
pub const MAX_NESTING: usize = 48;

/// The keywords that start a top-level item.
pub const ITEM_KEYWORDS: [&str; 13] = [
    "spec", "use", "target", "let", "secret", "type", "step", "intent", "dataset", "evaluate",
    "load", "policy", "monitor",
];

#[derive(Debug, Default)]
pub struct Scan {
    pub comments: Vec<Comment>,
    /// Offsets of lines that start a top-level item (column 0, outside literals).
    pub item_starts: Vec<usize>,
    /// Structural problems, each with the offset that decides which item it belongs to.
    pub problems: Vec<(usize, Diagnostic)>,
    /// For each line that starts outside a raw string: its offset and how many brackets are
    /// open there (for the formatter's indentation).
    pub line_depths: Vec<(usize, usize)>,
    /// The byte ranges of raw strings, whose lines the formatter leaves as they are.
    pub raw_strings: Vec<(usize, usize)>,
}

#[derive(Clone, Copy)]
enum Frame {
    /// `(`, `[` or `{` opened at an offset.
    Open(u8, usize),
    /// `{` of a string interpolation; the string started at the second offset.
    Interpolation(usize, usize),
}

impl Frame {
    fn offset(self) -> usize {
        match self {
            Frame::Open(_, at) | Frame::Interpolation(at, _) => at,
        }
    }
}

pub fn scan(file: FileId, text: &str) -> Scan {
    Scanner {
        file,
        bytes: text.as_bytes(),
        text,
        pos: 0,
        stack: Vec::new(),
        out: Scan::default(),
        last_word: (0, 0),
        last_significant: b'\n',
        too_deep_reported: false,
    }
    .run()
}

struct Scanner<'a> {
    file: FileId,
    text: &'a str,
    bytes: &'a [u8],
    pos: usize,
    stack: Vec<Frame>,
    out: Scan,
    /// The span of the last word, to tell a regex after `matches` from a division.
    last_word: (usize, usize),
    /// The last byte that was not whitespace, for the same purpose.
    last_significant: u8,
    too_deep_reported: bool,
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
                    self.open(Frame::Open(b, self.pos));
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
            self.unterminated_string(start);
        }
        self.close_all_at_end();
        self.out
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
                    self.open(Frame::Interpolation(self.pos, start));
                    self.pos += 1;
                    self.last_significant = b'{';
                    return None;
                }
                b'\n' => {
                    match self.stack.last() {
                        // A string that starts inside the `{...}` of another string and runs to
                        // the end of the line: the `{` was never closed, and this quote was
                        // meant to end the outer string (`"Hello, {name!"`).
                        Some(&Frame::Interpolation(open, _))
                            if !self.text[open..start].contains('\n') =>
                        {
                            self.stack.pop();
                            self.unclosed_interpolation(open, start);
                        }
                        _ => self.unterminated_string(start),
                    }
                    return None;
                }
                _ => self.pos += 1,
            }
        }
        self.pos = self.pos.min(self.bytes.len());
        Some(start)
    }

    fn unterminated_string(&mut self, start: usize) {
        let end = self.line_end(start);
        self.problem(
            start,
            Diagnostic::new(
                code::UNTERMINATED_STRING,
                "this string is not closed on its line",
                self.file,
                Span::new(start, end),
            )
            .with_label("the string starts here")
            .with_help("close it with `\"`; for text over several lines use a raw string `\"\"\"...\"\"\"`"),
        );
    }

    fn unclosed_interpolation(&mut self, open: usize, quote: usize) {
        self.problem(
            open,
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
            .with_help("close the inserted value with `}`, or write a literal brace as `\\{`"),
        );
    }

    fn raw_string(&mut self) {
        let start = self.pos;
        match self.text[start + 3..].find("\"\"\"") {
            Some(end) => {
                self.pos = start + 3 + end + 3;
                self.out.raw_strings.push((start, self.pos));
            }
            None => {
                self.problem(
                    start,
                    Diagnostic::new(
                        code::UNTERMINATED_RAW_STRING,
                        "this raw string is never closed",
                        self.file,
                        Span::new(start, start + 3),
                    )
                    .with_label("the raw string starts here")
                    .with_help("close it with `\"\"\"`"),
                );
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
        let end = self.line_end(start);
        self.problem(
            start,
            Diagnostic::new(
                code::UNTERMINATED_REGEX,
                "this regex is not closed on its line",
                self.file,
                Span::new(start, end),
            )
            .with_label("the regex starts here")
            .with_help("close it with `/`, and write a `/` inside it as `\\/`"),
        );
        self.pos = end;
    }

    fn open(&mut self, frame: Frame) {
        self.stack.push(frame);
        if self.stack.len() > MAX_NESTING && !self.too_deep_reported {
            self.too_deep_reported = true;
            let at = frame.offset();
            self.problem(
                at,
                Diagnostic::new(
                    code::NESTING_TOO_DEEP,
                    format!("brackets are nested more than {MAX_NESTING} levels deep"),
                    self.file,
                    Span::new(at, at + 1),
                )
                .with_label("too deep here")
                .with_help("split the value into named `let` definitions"),
            );
        }
    }

    /// Handles a closing bracket; returns the string to resume when it ends an interpolation.
    fn close(&mut self, b: u8) -> Option<usize> {
        let wanted = match b {
            b')' => b'(',
            b']' => b'[',
            _ => b'{',
        };
        let opener = self.stack.iter().rposition(|frame| match frame {
            Frame::Interpolation(..) => b == b'}',
            Frame::Open(open, _) => *open == wanted,
        });
        if let Some(index) = opener {
            // Brackets opened after the matching one were never closed.
            while self.stack.len() > index + 1 {
                if let Some(top) = self.stack.pop() {
                    self.unclosed(
                        top,
                        Span::new(self.pos, self.pos + 1),
                        "closed by a different bracket here",
                    );
                }
            }
            let top = self.stack.pop();
            if self.stack.len() <= MAX_NESTING {
                self.too_deep_reported = false;
            }
            return match top {
                Some(Frame::Interpolation(_, string)) => Some(string),
                _ => None,
            };
        }
        self.problem(
            self.pos,
            Diagnostic::new(
                code::UNMATCHED_DELIMITER,
                format!("`{}` closes nothing", b as char),
                self.file,
                Span::new(self.pos, self.pos + 1),
            )
            .with_label(format!("no `{}` is open here", wanted as char))
            .with_help("remove it, or add the opening bracket it belongs to"),
        );
        None
    }

    fn unclosed(&mut self, frame: Frame, end: Span, end_label: &str) {
        let (open, at) = match frame {
            Frame::Open(open, at) => (open as char, at),
            Frame::Interpolation(at, _) => ('{', at),
        };
        let closing = match open {
            '(' => ')',
            '[' => ']',
            _ => '}',
        };
        self.problem(
            at,
            Diagnostic::new(
                code::UNCLOSED_DELIMITER,
                format!("this `{open}` is never closed"),
                self.file,
                Span::new(at, at + 1),
            )
            .with_label("opened here")
            .with_secondary(self.file, end, end_label)
            .with_help(format!("add `{closing}` where the block or value ends")),
        );
    }

    /// At the start of a new item, anything still open was never closed. Only the innermost
    /// bracket is reported: the outer ones are usually open because of it.
    fn close_all_at_item(&mut self, at: usize) {
        if let Some(&innermost) = self.stack.last() {
            self.unclosed(innermost, Span::at(at), "the next item starts here");
        }
        self.stack.clear();
        self.too_deep_reported = false;
    }

    fn close_all_at_end(&mut self) {
        if let Some(&innermost) = self.stack.last() {
            // Point at the end of the last line with text: a label after the final newline
            // would sit on an empty line that is not shown.
            let end = self.text.trim_end().len().max(innermost.offset() + 1);
            self.unclosed(innermost, Span::at(end), "the file ends here");
        }
        self.stack.clear();
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

    fn problem(&mut self, at: usize, diagnostic: Diagnostic) {
        self.out.problems.push((at, diagnostic));
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

    #[test]
    fn deep_nesting_is_reported_once() {
        let text = format!("let a = {}{}", "[".repeat(20_000), "]".repeat(20_000));
        assert_eq!(codes(&text), vec!["E0008"]);
        let unclosed = format!("let a = {}", "[".repeat(20_000));
        assert_eq!(codes(&unclosed), vec!["E0008", "E0003"]);
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
