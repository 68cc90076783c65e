//! Reading the text around the failure: the word found there and the one before it, how to
//! name what was found and what was expected, and the parameter of a step pattern it is in.

use intent_source::Span;
use std::collections::BTreeSet;

/// The word (or single character) at an offset.
pub(super) fn word_at(text: &str, at: usize) -> &str {
    let rest = text.get(at..).unwrap_or("");
    let len = rest
        .char_indices()
        .find(|(_, c)| !(c.is_alphanumeric() || *c == '_'))
        .map_or(rest.len(), |(i, _)| i);
    &rest[..len]
}

pub(super) fn previous_word(text: &str, at: usize) -> &str {
    previous_word_at(text, at).1
}

/// The word before an offset (skipping whitespace), with its start.
pub(super) fn previous_word_at(text: &str, at: usize) -> (usize, &str) {
    let before = text[..at].trim_end();
    let start = before
        .char_indices()
        .rev()
        .find(|(_, c)| !(c.is_alphanumeric() || *c == '_'))
        .map_or(0, |(i, c)| i + c.len_utf8());
    (start, &before[start..])
}

/// "unexpected `x`", "unexpected end of the line".
pub(super) fn unexpected(found: &str) -> String {
    let found = found
        .strip_prefix("the ")
        .or_else(|| found.strip_prefix("a "))
        .unwrap_or(found);
    format!("unexpected {found}")
}

/// The expected tokens in words: literal tokens as themselves, character classes as what they
/// start, layout (spaces, comments, line breaks) left out.
pub(super) fn describe_tokens(tokens: &BTreeSet<String>) -> Vec<String> {
    let mut names: Vec<String> = Vec::new();
    for token in tokens {
        let name = match token.as_str() {
            " " | "\t" | "#" | "\r" | "\r\n" => continue,
            "\n" => "the end of the line".to_string(),
            "0..9" => "a number".to_string(),
            "a..z" | "A..Z" | "_" => "a name".to_string(),
            "\"" => "a \"string\"".to_string(),
            "\"\"\"" => "a raw string".to_string(),
            t => format!("`{t}`"),
        };
        if !names.contains(&name) {
            names.push(name);
        }
    }
    names.truncate(12);
    names
}

/// When `at` is inside a `{...}` parameter of a step pattern, the span of that parameter and
/// the text between its braces.
pub(super) fn step_parameter(text: &str, base: usize, at: usize) -> Option<(Span, String)> {
    let item = &text[base..];
    if !item.starts_with("step") {
        return None;
    }
    let open_quote = base + item.find('"')?;
    let line_end = text[open_quote..]
        .find('\n')
        .map_or(text.len(), |i| open_quote + i);
    let close_quote = text[open_quote + 1..line_end]
        .find('"')
        .map_or(line_end, |i| open_quote + 1 + i);
    if !(open_quote < at && at <= close_quote) {
        return None;
    }
    let mut depth = 0usize;
    let mut open = None;
    for (i, b) in text.as_bytes()[open_quote + 1..at].iter().enumerate() {
        match b {
            b'{' => {
                if depth == 0 {
                    open = Some(open_quote + 1 + i);
                }
                depth += 1;
            }
            b'}' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    if depth == 0 {
        return None;
    }
    let open = open?;
    // The matching `}`, or the end of the pattern when there is none.
    let mut depth = 0usize;
    let (mut inner_end, mut close) = (close_quote, close_quote);
    for (i, b) in text.as_bytes()[open..close_quote].iter().enumerate() {
        match b {
            b'{' => depth += 1,
            b'}' => {
                depth -= 1;
                if depth == 0 {
                    (inner_end, close) = (open + i, open + i + 1);
                    break;
                }
            }
            _ => {}
        }
    }
    let inner = text[open + 1..inner_end].trim().to_string();
    Some((Span::new(open, close), inner))
}

pub(super) fn describe_found(text: &str, at: usize, word: &str) -> String {
    if !word.is_empty() {
        return format!("`{word}`");
    }
    match text[at..].chars().next() {
        None => "the end of the file".to_string(),
        Some('\n' | '\r') => "the end of the line".to_string(),
        Some('"') => "a string".to_string(),
        Some('&' | '|') if text[at..].starts_with("&&") || text[at..].starts_with("||") => {
            format!("`{}`", &text[at..at + 2])
        }
        Some(c) => format!("`{c}`"),
    }
}
