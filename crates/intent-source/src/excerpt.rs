//! What a diagnostic shows of its file: the lines its labels are on, with a line of context
//! around them, each line cut to a window around its labels. A 50 MB line, or a label at
//! column 100,000, shows at most [`MAX_LINE`] characters of it, so a diagnostic's size never
//! depends on the size of the input, and the renderer never sees columns it cannot draw.

use crate::{SourceFile, Span};
use miette::{MietteError, MietteSpanContents, SourceCode, SourceSpan, SpanContents};

/// The most characters of one line an excerpt shows.
pub const MAX_LINE: usize = 200;

/// How many characters before the first label on a long line the window starts.
const LEAD: usize = 60;

/// The most lines an excerpt shows; a label spanning more is shown by its first and last
/// lines' neighbourhood only as far as this allows.
const MAX_LINES: usize = 40;

const ELLIPSIS: &str = "…";

/// The lines of a file that labels need, windowed, with a map from file offsets to excerpt
/// offsets.
#[derive(Debug)]
pub struct Excerpt {
    text: String,
    /// The 0-based line number in the file of the excerpt's first line.
    first_line: usize,
    lines: Vec<Line>,
}

/// One line of the excerpt: where it is in the file, which part of it is shown, and where
/// that part starts in the excerpt.
#[derive(Debug)]
struct Line {
    file: std::ops::Range<usize>,
    shown: std::ops::Range<usize>,
    /// The excerpt offset of `shown.start` (after a leading `…`).
    at: usize,
    /// Where the line starts and ends in the excerpt, ellipses included.
    begin: usize,
    end: usize,
    /// The 0-based column (in characters) of `shown.start` in the file's line.
    column: usize,
}

impl Excerpt {
    /// The excerpt of `file` for labels at `spans`, the primary label first.
    pub fn new(file: &SourceFile, spans: &[Span]) -> Self {
        let text = file.text();
        let clamp = |o: u32| (o as usize).min(text.len());
        let starts: Vec<usize> = spans
            .iter()
            .map(|s| file.line_index(clamp(s.start)))
            .collect();
        let ends: Vec<usize> = spans
            .iter()
            .map(|s| file.line_index(clamp(s.end)))
            .collect();
        let first_label = starts.iter().copied().min().unwrap_or(0);
        let last_label = ends.iter().copied().max().unwrap_or(0);
        let first_line = first_label.saturating_sub(1);
        // The empty "line" after a final line break is shown only when a label is on it.
        let phantom = usize::from(text.ends_with('\n'));
        let last_context = file
            .line_count()
            .saturating_sub(1 + phantom)
            .max(last_label);
        let last_line = (last_label + 1)
            .min(last_context)
            .min(first_line + MAX_LINES - 1);
        let mut excerpt = Excerpt {
            text: String::new(),
            first_line,
            lines: Vec::new(),
        };
        for index in first_line..=last_line {
            let Some(range) = file.line_range(index) else {
                break;
            };
            // A long line is shown around the first label on it, the primary one (the first
            // of `spans`) before any other.
            let focus = spans
                .iter()
                .map(|s| clamp(s.start))
                .find(|&o| range.contains(&o) || o == range.end);
            let shown = window(text, range.clone(), focus);
            let begin = excerpt.text.len();
            if shown.start > range.start {
                excerpt.text.push_str(ELLIPSIS);
            }
            let at = excerpt.text.len();
            excerpt.text.push_str(&text[shown.clone()]);
            if shown.end < range.end {
                excerpt.text.push_str(ELLIPSIS);
            }
            excerpt.lines.push(Line {
                column: text[range.start..shown.start].chars().count(),
                file: range,
                shown,
                at,
                begin,
                end: excerpt.text.len(),
            });
            // Every line ends with its break, as miette expects of the lines it draws.
            excerpt.text.push('\n');
        }
        excerpt
    }

    /// Where a file offset is in the excerpt: on its line, clamped to the part shown.
    pub fn map(&self, offset: usize) -> usize {
        let line = self
            .lines
            .iter()
            .find(|l| offset <= l.file.end)
            .or(self.lines.last());
        match line {
            Some(line) => {
                let inside = offset.clamp(line.shown.start, line.shown.end);
                line.at + (inside - line.shown.start)
            }
            None => 0,
        }
    }

    /// A label's span in excerpt offsets.
    pub fn span(&self, span: Span) -> SourceSpan {
        let start = self.map(span.start as usize);
        let end = self.map(span.end as usize).max(start);
        (start, end - start).into()
    }

    #[cfg(test)]
    fn text(&self) -> &str {
        &self.text
    }
}

/// The part of the line at `range` to show: all of it when short, else [`MAX_LINE`] characters
/// starting a little before `focus` (the first label on it), on character boundaries.
fn window(
    text: &str,
    range: std::ops::Range<usize>,
    focus: Option<usize>,
) -> std::ops::Range<usize> {
    let line = &text[range.clone()];
    if line.chars().count() <= MAX_LINE {
        return range;
    }
    let focus = focus.unwrap_or(range.start).clamp(range.start, range.end) - range.start;
    let mut start = focus;
    for _ in 0..LEAD {
        match line[..start].chars().next_back() {
            Some(c) => start -= c.len_utf8(),
            None => break,
        }
    }
    let end = line[start..]
        .char_indices()
        .nth(MAX_LINE)
        .map_or(line.len(), |(i, _)| start + i);
    range.start + start..range.start + end
}

impl Excerpt {
    /// The index of the excerpt line that holds an excerpt offset.
    fn line_at(&self, offset: usize) -> usize {
        self.lines
            .iter()
            .position(|l| offset <= l.end)
            .unwrap_or(self.lines.len().saturating_sub(1))
    }
}

impl SourceCode for Excerpt {
    /// The excerpt lines around `span`, numbered as in the file; without context, the column
    /// is the span's column in the file's line, however far into a long line it is.
    fn read_span<'a>(
        &'a self,
        span: &SourceSpan,
        context_lines_before: usize,
        context_lines_after: usize,
    ) -> Result<Box<dyn SpanContents<'a> + 'a>, MietteError> {
        if span.offset() + span.len() > self.text.len() || self.lines.is_empty() {
            return Err(MietteError::OutOfBounds);
        }
        let first = self
            .line_at(span.offset())
            .saturating_sub(context_lines_before);
        let last = (self.line_at(span.offset() + span.len()) + context_lines_after)
            .min(self.lines.len() - 1);
        // The data runs to the break that ends the last line.
        let (begin, end) = (self.lines[first].begin, self.lines[last].end + 1);
        let column = if context_lines_before == 0 {
            let line = &self.lines[first];
            let inside = span.offset().clamp(line.at, line.at + line.shown.len());
            line.column + self.text[line.at..inside].chars().count()
        } else {
            0
        };
        Ok(Box::new(MietteSpanContents::new(
            &self.text.as_bytes()[begin..end],
            (begin, end - begin).into(),
            self.first_line + first,
            column,
            // miette's own sources count the lines from the start of the file to the end of
            // the data, and it merges nearby labels into one snippet by that count.
            self.first_line + last + 1,
        )))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_long_line_is_cut_around_its_label() {
        let text = format!("let x = \"{}\" + 5ms\nnext line\n", "a".repeat(100_000));
        let file = SourceFile::new("long.intent", text.as_str());
        let plus = text.find(" + ").unwrap_or(0) + 1;
        let excerpt = Excerpt::new(&file, &[Span::new(plus, plus + 1)]);
        assert!(
            excerpt.text().chars().count() < 2 * MAX_LINE + 20,
            "{}",
            excerpt.text()
        );
        assert!(excerpt.text().starts_with('…'));
        let at = excerpt.map(plus);
        assert_eq!(&excerpt.text()[at..at + 1], "+");
        assert!(excerpt.text().ends_with("next line\n"));
    }

    #[test]
    fn short_lines_are_shown_whole_with_their_context() {
        let file = SourceFile::new("a.intent", "one\ntwo\nthree\nfour\n");
        let excerpt = Excerpt::new(&file, &[Span::new(4, 7)]);
        assert_eq!(excerpt.text(), "one\ntwo\nthree\n");
        assert_eq!(excerpt.map(4), 4);
    }
}
