//! Completion: what may be written at the cursor. At the start of a line, the keywords that
//! start an item (at top level) or a statement (inside a block); after `given` or `when`, the
//! steps of the spec set as snippets with a placeholder for each parameter; right after the
//! digits of a number, its units; elsewhere, the names declared in the document and its
//! imports.
//!
//! Where the cursor is comes from the text, not the syntax tree: the line being typed is
//! rarely valid yet, and what comes before the cursor is enough to tell these places apart.

use crate::position::Positions;
use crate::symbols;
use intent_check::Loaded;
use intent_syntax::ast::{Item, PatternPart, Unit};
use serde_json::{Value, json};

/// The words that start a top-level item.
const ITEMS: [&str; 13] = [
    "spec", "use", "target", "let", "secret", "type", "step", "intent", "dataset", "evaluate",
    "load", "policy", "monitor",
];

/// The words that start a statement of a block.
const STATEMENTS: [&str; 15] = [
    "because",
    "given",
    "when",
    "then",
    "and",
    "expect",
    "examples",
    "yield",
    "score",
    "classify",
    "arrive",
    "users",
    "without auth",
    "run",
    "alert",
];

/// LSP completion item kinds.
const KEYWORD: u32 = 14;
const SNIPPET: u32 = 15;
const UNIT: u32 = 11;
/// Snippet syntax in `insertText` (`${1:name}`).
const SNIPPET_FORMAT: u32 = 2;

/// The completions at a byte offset of the document (`text`).
pub fn completion(loaded: &Loaded, text: &str, offset: usize) -> Value {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    let line = &text[text[..offset].rfind('\n').map_or(0, |i| i + 1)..offset];
    let typed = line.trim_start();
    let items: Vec<Value> = if number_at_end(typed) {
        Unit::ALL
            .iter()
            .map(|(unit, _)| json!({"label": unit, "kind": UNIT}))
            .collect()
    } else if let Some(call) = ["given ", "when "]
        .iter()
        .find_map(|keyword| typed.strip_prefix(keyword))
    {
        // The snippet replaces the whole call typed so far, not only its last word.
        let range = Positions::new(text).range(offset - call.len()..offset);
        steps(loaded, &range).chain(names(loaded)).collect()
    } else if !typed.contains(char::is_whitespace) {
        let keywords: &[&str] = if depth(&text[..offset]) > 0 {
            &STATEMENTS
        } else {
            &ITEMS
        };
        keywords
            .iter()
            .map(|k| json!({"label": k, "kind": KEYWORD}))
            .chain(names(loaded))
            .collect()
    } else {
        names(loaded).collect()
    };
    json!(items)
}

/// Whether the text ends with a number's digits (not the digits ending a name like `v2`).
fn number_at_end(typed: &str) -> bool {
    let word = typed
        .rsplit(|c: char| !(c.is_alphanumeric() || c == '_' || c == '.'))
        .next()
        .unwrap_or_default();
    word.starts_with(|c: char| c.is_ascii_digit()) && word.ends_with(|c: char| c.is_ascii_digit())
}

/// Each step of the spec set as a snippet (`a shopper ${1:name} is logged in`) that replaces
/// `range`.
fn steps<'a>(loaded: &'a Loaded, range: &'a Value) -> impl Iterator<Item = Value> + 'a {
    loaded
        .files
        .iter()
        .flat_map(|file| &file.syntax.items)
        .filter_map(|item| match item {
            Item::Step(def) => Some(def),
            _ => None,
        })
        .map(move |def| {
            let mut snippet = Vec::new();
            let mut label = Vec::new();
            let mut slot = 0;
            for part in &def.pattern.parts {
                match part {
                    PatternPart::Text { text, .. } => {
                        let text = text.trim();
                        if !text.is_empty() {
                            snippet.push(escape(text));
                            label.push(text.to_string());
                        }
                    }
                    PatternPart::Param { name, .. } => {
                        slot += 1;
                        snippet.push(format!("${{{slot}:{}}}", name.name));
                        label.push(format!("{{{}}}", name.name));
                    }
                }
            }
            json!({
                "label": label.join(" "),
                "kind": SNIPPET,
                "filterText": label.join(" "),
                "textEdit": {"range": range, "newText": snippet.join(" ")},
                "insertTextFormat": SNIPPET_FORMAT,
            })
        })
}

/// Literal text in a snippet: `$`, `}` and `\` are escaped.
fn escape(text: &str) -> String {
    text.replace('\\', "\\\\")
        .replace('$', "\\$")
        .replace('}', "\\}")
}

/// The names declared in the document and its imports, each with its kind as detail.
fn names(loaded: &Loaded) -> impl Iterator<Item = Value> + '_ {
    symbols::visible(loaded)
        .into_iter()
        .filter_map(|file| loaded.files.get(file.0 as usize))
        .flat_map(|file| &file.syntax.items)
        .filter_map(|item| {
            let name = symbols::declared_name(item)?;
            let (detail, kind) = match item {
                Item::Target(_) => ("target", 9),  // module
                Item::Type(_) => ("type", 22),     // struct
                Item::Let(_) => ("let", 21),       // constant
                Item::Secret(_) => ("secret", 21), // constant
                _ => ("dataset", 17),              // file
            };
            Some(json!({"label": name.name, "kind": kind, "detail": detail}))
        })
}

/// How many blocks are open before the cursor: `{` less `}`, outside strings and comments.
fn depth(before: &str) -> i64 {
    let mut depth = 0i64;
    for line in before.lines() {
        let mut in_string = false;
        let mut escaped = false;
        for c in line.chars() {
            match c {
                _ if escaped => escaped = false,
                '\\' if in_string => escaped = true,
                '"' => in_string = !in_string,
                '#' if !in_string => break,
                '{' if !in_string => depth += 1,
                '}' if !in_string => depth -= 1,
                _ => {}
            }
        }
    }
    depth
}
