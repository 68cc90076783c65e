//! The problems the scan finds, kept small while the scan goes, and the diagnostics that the
//! first [`MAX_PROBLEMS`](super::MAX_PROBLEMS) of them become.

use super::brackets::{Frame, opener_of};
use super::{MAX_NESTING, Scanner};
use intent_source::{Diagnostic, Span, code};

/// A problem found by the scan, kept small until it is known to be among the first
/// [`MAX_PROBLEMS`](super::MAX_PROBLEMS), the ones that become diagnostics.
#[derive(Clone, Copy, Debug)]
pub(super) enum Problem {
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
    pub(super) fn offset(&self) -> usize {
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
    pub(super) fn line_key(&self) -> Option<(u8, u32)> {
        match *self {
            Problem::Unclosed { first, .. } => Some((0, first.line)),
            Problem::Unmatched { line, .. } => Some((1, line)),
            Problem::TooDeep { line, .. } => Some((2, line)),
            _ => None,
        }
    }

    /// Takes `other` into this problem when both are of a kind reported once per line and
    /// on the same line: the counts add up, and the earlier place is the one shown.
    pub(super) fn absorb(&mut self, other: &Problem) -> bool {
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
    pub(super) fn count(&self) -> usize {
        match *self {
            Problem::Unclosed { count, .. } | Problem::Unmatched { count, .. } => count,
            _ => 1,
        }
    }
}

impl Scanner<'_> {
    /// The last diagnostic of a file with too many problems: how many are left out, at the
    /// first of them and with its code.
    pub(super) fn left_out(&self, next: &Problem, count: usize) -> Diagnostic {
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

    pub(super) fn diagnostic(&self, problem: &Problem) -> Diagnostic {
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

    pub(super) fn unterminated_string(&self, start: usize) -> Diagnostic {
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

    pub(super) fn unclosed_interpolation(&self, open: usize, quote: usize) -> Diagnostic {
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
    pub(super) fn unclosed(
        &self,
        first: Frame,
        count: usize,
        end: Span,
        end_label: &str,
    ) -> Diagnostic {
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
    pub(super) fn unmatched_closers(&self, at: usize, count: usize) -> Diagnostic {
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
}
