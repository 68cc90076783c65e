//! The formatter behind `intent fmt`: one layout for every spec, so diffs show changes of
//! meaning, not of taste.
//!
//! It changes only whitespace: two spaces per open block or bracket, request clauses (and
//! what continues them) one level under their `when`, examples tables one level under
//! `examples` with their columns aligned, no trailing spaces, no blank line just inside a
//! block, at most one blank line in a row, and one newline at the end. Raw strings are left as
//! they are. Before it returns, [`format`] parses its result and checks, item by item, that
//! each item's syntax tree (spans aside) and the comments are the same, so formatting can
//! never change what a spec means.

use crate::ast::{Comment, Item};
use crate::errors::CLAUSE_KEYWORDS;
use crate::parse::{Items, refusal};
use crate::scan::scan;
use intent_source::{Diagnostic, FileId, Severity};

/// Why a text was not formatted.
#[derive(Debug)]
pub enum FormatError {
    /// The text has syntax errors; formatting needs a spec that parses.
    Invalid(Vec<Diagnostic>),
    /// The layout would have changed the syntax tree: a bug of the formatter, never written.
    Changed,
}

const INDENT: &str = "  ";

/// The formatted text of a spec.
///
/// Memory stays a small multiple of the text: the layout is one pass over the lines, and the
/// check that the meaning is unchanged takes one item at a time from the text and from its
/// layout ([`Items`]) and compares the two, so no whole syntax tree is ever held.
pub fn format(text: &str) -> Result<String, FormatError> {
    let file = FileId(0);
    // A file the parser refuses whole (too large, binary) is not laid out at all.
    if let Some(refused) = refusal(file, text) {
        return Err(FormatError::Invalid(vec![refused]));
    }
    let formatted = layout(text);
    let mut before = Items::new(file, text);
    let mut after = Items::new(file, &formatted);
    let mut changed = !same_comments(before.comments(), after.comments());
    loop {
        match (before.next(), after.next()) {
            (None, None) => break,
            (Some(a), Some(b)) => changed = changed || shape(&a) != shape(&b),
            _ => changed = true,
        }
    }
    let errors: Vec<Diagnostic> = before
        .finish()
        .into_iter()
        .filter(|d| d.severity == Severity::Error)
        .collect();
    if !errors.is_empty() {
        return Err(FormatError::Invalid(errors));
    }
    if changed || after.finish().iter().any(|d| d.severity == Severity::Error) {
        return Err(FormatError::Changed);
    }
    Ok(formatted)
}

/// Whether two files have the same comments, in order (their places aside).
fn same_comments(a: &[Comment], b: &[Comment]) -> bool {
    a.len() == b.len() && a.iter().zip(b).all(|(a, b)| a.text == b.text)
}

/// An item's syntax tree without its places, to compare two layouts of it.
fn shape(item: &Item) -> serde_json::Value {
    fn strip(value: &mut serde_json::Value) {
        match value {
            serde_json::Value::Object(map) => {
                map.remove("span");
                map.values_mut().for_each(strip);
            }
            serde_json::Value::Array(items) => items.iter_mut().for_each(strip),
            _ => {}
        }
    }
    let mut value = serde_json::to_value(item).unwrap_or_default();
    strip(&mut value);
    value
}

/// One line of the output, before blank lines are settled.
enum Line {
    Blank,
    Code {
        indent: usize,
        text: String,
    },
    /// A line inside a raw string, kept byte for byte.
    Verbatim(String),
}

fn layout(text: &str) -> String {
    let scanned = scan(FileId(0), text);
    let mut depths = scanned.line_depths.iter().copied().peekable();
    let in_raw = |offset: usize| {
        scanned
            .raw_strings
            .iter()
            .any(|&(start, end)| start < offset && offset < end)
    };
    let mut lines: Vec<Line> = Vec::new();
    let mut table: Vec<(usize, String)> = Vec::new();
    // The bracket depth of the latest `when` line while its clauses continue.
    let mut request: Option<usize> = None;
    // After an `examples` line, the `|` rows are its table (elsewhere a line may start with
    // the `|` of a union type continued from the line before).
    let mut in_table = false;
    let mut offset = 0;
    for raw in text.split_inclusive('\n') {
        let start = offset;
        offset += raw.len();
        let line = raw.trim_end_matches(['\n', '\r']);
        if in_raw(start) {
            flush_table(&mut table, &mut lines);
            lines.push(Line::Verbatim(line.to_string()));
            continue;
        }
        while depths.peek().is_some_and(|&(at, _)| at < start) {
            depths.next();
        }
        let depth = depths
            .peek()
            .filter(|&&(at, _)| at == start)
            .map_or(0, |&(_, d)| d);
        let content = line.trim();
        if content.is_empty() {
            flush_table(&mut table, &mut lines);
            lines.push(Line::Blank);
            continue;
        }
        let first_word = content
            .split(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
            .next()
            .unwrap_or_default();
        let comment = content.starts_with('#');
        let mut extra = 0;
        if !comment {
            match request {
                Some(at)
                    if depth > at || (depth == at && CLAUSE_KEYWORDS.contains(&first_word)) =>
                {
                    extra = 1;
                }
                _ => request = None,
            }
            if first_word == "when" {
                request = Some(depth);
            }
        } else if request.is_some_and(|at| depth > at) {
            extra = 1;
        }
        let closers = content
            .chars()
            .take_while(|c| matches!(c, ')' | ']' | '}'))
            .count();
        let indent = (depth + extra).saturating_sub(closers);
        if in_table && content.starts_with('|') {
            table.push((indent + 1, content.to_string()));
            continue;
        }
        if !comment {
            in_table = content == "examples";
        }
        flush_table(&mut table, &mut lines);
        lines.push(Line::Code {
            indent,
            text: content.to_string(),
        });
    }
    flush_table(&mut table, &mut lines);
    render(&lines)
}

/// Writes the lines with the blank lines settled: none at the start or end, none right after
/// a line that opens a block or right before one that closes it, at most one in a row.
fn render(lines: &[Line]) -> String {
    let mut out = String::new();
    let mut pending_blank = false;
    let mut previous_opens = true;
    for line in lines {
        match line {
            Line::Blank => pending_blank = true,
            Line::Code { indent, text } => {
                let closes = text.starts_with(['}', ')', ']']);
                if pending_blank && !previous_opens && !closes {
                    out.push('\n');
                }
                pending_blank = false;
                for _ in 0..*indent {
                    out.push_str(INDENT);
                }
                out.push_str(text);
                out.push('\n');
                previous_opens = text.ends_with(['{', '(', '[']);
            }
            Line::Verbatim(text) => {
                if pending_blank {
                    out.push('\n');
                }
                pending_blank = false;
                out.push_str(text);
                out.push('\n');
                previous_opens = false;
            }
        }
    }
    out
}

/// Emits the rows of an examples table with their cells padded to the widest of each column.
fn flush_table(table: &mut Vec<(usize, String)>, lines: &mut Vec<Line>) {
    if table.is_empty() {
        return;
    }
    let rows: Vec<Vec<String>> = table.iter().map(|(_, row)| cells(row)).collect();
    let columns = rows.iter().map(Vec::len).max().unwrap_or(0);
    let widths: Vec<usize> = (0..columns)
        .map(|c| {
            rows.iter()
                .filter_map(|r| r.get(c))
                .map(|cell| cell.chars().count())
                .max()
                .unwrap_or(0)
        })
        .collect();
    for ((indent, _), row) in table.iter().zip(&rows) {
        let mut text = String::from("|");
        for (cell, width) in row.iter().zip(&widths) {
            let pad = width - cell.chars().count();
            text.push(' ');
            text.push_str(cell);
            text.extend(std::iter::repeat_n(' ', pad));
            text.push_str(" |");
        }
        lines.push(Line::Code {
            indent: *indent,
            text,
        });
    }
    table.clear();
}

/// The cells of a table row `| a | "b|c" | /x|y/ |`, trimmed: a `|` inside a string, a regex
/// or brackets does not end a cell.
fn cells(row: &str) -> Vec<String> {
    let inner = row.trim().trim_start_matches('|');
    let inner = inner.strip_suffix('|').unwrap_or(inner);
    let mut cells = Vec::new();
    let mut cell = String::new();
    let mut chars = inner.chars().peekable();
    let mut depth = 0usize;
    while let Some(c) = chars.next() {
        match c {
            '"' => {
                cell.push(c);
                while let Some(d) = chars.next() {
                    cell.push(d);
                    match d {
                        '\\' => cell.extend(chars.next()),
                        '"' => break,
                        _ => {}
                    }
                }
            }
            '/' if cell.trim().is_empty() => {
                cell.push(c);
                while let Some(d) = chars.next() {
                    cell.push(d);
                    match d {
                        '\\' => cell.extend(chars.next()),
                        '/' => break,
                        _ => {}
                    }
                }
            }
            '(' | '[' | '{' => {
                depth += 1;
                cell.push(c);
            }
            ')' | ']' | '}' => {
                depth = depth.saturating_sub(1);
                cell.push(c);
            }
            '|' if depth == 0 => cells.push(std::mem::take(&mut cell).trim().to_string()),
            _ => cell.push(c),
        }
    }
    cells.push(cell.trim().to_string());
    cells
}

#[cfg(test)]
mod tests {
    use super::*;

    fn formatted(text: &str) -> String {
        format(text).unwrap_or_else(|e| panic!("{e:?}"))
    }

    #[test]
    fn blocks_brackets_and_clauses_are_indented() {
        let text = "intent \"A\" {\n      when POST shop /orders\n  json {\nitems: [\n{ sku: \"AB-0001\" }\n]\n}\n        auth bearer token\nthen status == 201\n}\n";
        assert_eq!(
            formatted(text),
            "intent \"A\" {\n  when POST shop /orders\n    json {\n      items: [\n        { sku: \"AB-0001\" }\n      ]\n    }\n    auth bearer token\n  then status == 201\n}\n"
        );
    }

    #[test]
    fn tables_are_aligned_and_blank_lines_settled() {
        let text = "\n\nintent \"T\" {\n\n  examples\n  | code | total |\n  | \"A|B\" | 1 |\n    | /x|y/ | 10.5 |\n\n\n  then status == 200\n\n}\n\n\n";
        assert_eq!(
            formatted(text),
            "intent \"T\" {\n  examples\n    | code  | total |\n    | \"A|B\" | 1     |\n    | /x|y/ | 10.5  |\n\n  then status == 200\n}\n"
        );
    }

    #[test]
    fn raw_strings_are_kept_byte_for_byte() {
        let text = "let text = \"\"\"\n   first   \n\tsecond\n\"\"\"\n";
        assert_eq!(formatted(text), text);
    }

    #[test]
    fn a_spec_with_errors_is_not_formatted() {
        assert!(matches!(
            format("intent \"A\" {\n"),
            Err(FormatError::Invalid(_))
        ));
    }
}
