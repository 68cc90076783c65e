//! Completion: what may be written at the cursor. At the start of a line, the keywords that
//! start an item (at top level) or a statement (inside a block); after `given` or `when`, the
//! steps of the spec set as snippets with a placeholder for each parameter; right after the
//! digits of a number, its units; after `@`, the tags in use; after a `.`, the fields of the
//! value before it when its type is declared (nothing otherwise); elsewhere, the names
//! declared in the document and its imports.
//!
//! Where the cursor is comes from the text, not the syntax tree: the line being typed is
//! rarely valid yet, and what comes before the cursor is enough to tell these places apart.
//! For fields, the block's names and the type of `body` are read from the document parsed
//! again with the `.` and the word being typed blanked out (`then body.` reads as `then
//! body`), so the block around the cursor is in the tree with every offset unchanged.

use crate::position::Positions;
use crate::scope::{self, Member};
use crate::symbols;
use intent_check::Loaded;
use intent_syntax::ast::{Item, PatternPart, RunSelector, SpecFile, Statement, Tag, Unit};
use serde_json::{Value, json};
use std::collections::BTreeMap;

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
const FIELD: u32 = 5;
const TAG: u32 = 20; // enum member: one of the tags in use
/// Snippet syntax in `insertText` (`${1:name}`).
const SNIPPET_FORMAT: u32 = 2;

/// The completions at a byte offset of the document (`text`); `project` loads the spec set
/// of the document's project, asked for only where tags are completed.
pub fn completion(
    loaded: &Loaded,
    text: &str,
    offset: usize,
    project: impl FnOnce() -> Option<Loaded>,
) -> Value {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    let line = &text[text[..offset].rfind('\n').map_or(0, |i| i + 1)..offset];
    let typed = line.trim_start();
    let is_word = |c: char| c.is_alphanumeric() || c == '_';
    let partial = typed.len() - typed.trim_end_matches(is_word).len();
    let items: Vec<Value> = if let Some(start) = tag_start(line) {
        let start = offset - line.len() + start;
        let range = Positions::new(text).range(start..offset);
        tags(loaded, project().as_ref(), offset)
            .into_iter()
            .map(|(name, uses)| {
                let detail = if uses == 1 {
                    "1 use".to_string()
                } else {
                    format!("{uses} uses")
                };
                json!({"label": name, "kind": TAG, "detail": detail,
                       "textEdit": {"range": range, "newText": name}})
            })
            .collect()
    } else if number_at_end(typed) {
        Unit::ALL
            .iter()
            .map(|(unit, _)| json!({"label": unit, "kind": UNIT}))
            .collect()
    } else if typed[..typed.len() - partial].ends_with('.') {
        fields(loaded, text, offset - partial - 1, offset)
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

/// Where the tag being typed starts in the line (just after its `@`), if one is.
fn tag_start(line: &str) -> Option<usize> {
    let is_tag = |c: char| c.is_alphanumeric() || matches!(c, '_' | '-' | ':' | '.');
    let name = line.len() - line.trim_end_matches(is_tag).len();
    let at = line.len() - name;
    line[..at].ends_with('@').then_some(at)
}

/// The fields of the value whose path ends at the `.` at `dot`, as declared; none when its
/// type is not declared.
fn fields(loaded: &Loaded, text: &str, dot: usize, offset: usize) -> Vec<Value> {
    let mut blanked = text.to_string();
    blanked.replace_range(dot..offset, &" ".repeat(offset - dot));
    let parsed = intent_syntax::parse(symbols::DOCUMENT, &blanked);
    let mut scope = scope::item_at(&parsed.file.items, dot).map_or_else(Default::default, |item| {
        scope::scope(loaded, symbols::DOCUMENT, item, dot)
    });
    scope::quantified(loaded, &mut scope, text, dot);
    let Some(shape) =
        scope::path_before(text, dot).and_then(|path| scope::shape_of(loaded, &scope, &path, 0))
    else {
        return Vec::new();
    };
    scope::members(loaded, shape)
        .into_iter()
        .map(|member: Member<'_>| {
            json!({"label": member.name(), "kind": FIELD, "detail": member.detail(loaded, shape)})
        })
        .collect()
}

/// Every tag written in the document, its imports and the project's spec files, with how many
/// times it is written; the tag being typed at `offset` does not count.
fn tags(loaded: &Loaded, project: Option<&Loaded>, offset: usize) -> BTreeMap<String, usize> {
    let mut counts = BTreeMap::new();
    let document = loaded.files.first().map(|f| f.path.as_path());
    let files = loaded.files.iter().chain(
        project
            .into_iter()
            .flat_map(|p| &p.files)
            .filter(|f| !loaded.files.iter().any(|l| l.path == f.path)),
    );
    for file in files {
        for tag in tags_of(&file.syntax) {
            let typed = Some(file.path.as_path()) == document && tag.span.range().end == offset;
            if !typed {
                *counts.entry(tag.name.clone()).or_insert(0) += 1;
            }
        }
    }
    counts
}

/// The tags written in a file: on items, in a policy's scope and in a monitor's `run` lines.
fn tags_of(file: &SpecFile) -> Vec<&Tag> {
    let mut found = Vec::new();
    for item in &file.items {
        match item {
            Item::Intent(i) => found.extend(&i.tags),
            Item::Evaluate(i) => found.extend(&i.tags),
            Item::Load(i) => found.extend(&i.tags),
            Item::Policy(i) => {
                found.extend(&i.tags);
                if let intent_syntax::ast::PolicyScope::Intents { tags, .. } = &i.scope {
                    found.extend(tags.tags());
                }
            }
            Item::Monitor(i) => {
                found.extend(&i.tags);
                for statement in &i.body.statements {
                    if let Statement::Run(run) = statement
                        && let RunSelector::Tagged(tags) = &run.selector
                    {
                        found.extend(tags.tags());
                    }
                }
            }
            _ => {}
        }
    }
    found
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
