//! The names the importer makes, by one documented rule (docs/interop.md, "Names"), so that a
//! document always gives a spec whose names are valid, unique in their scope and clear of the
//! language's own words, whatever the document calls things.
//!
//! The rule: ASCII letters, digits and `_` are kept; `+` is spelled `plus`, `@` is spelled
//! `at`, and a `-` that signs a number (`-1`) is spelled `minus`; every other run of
//! characters becomes one `_` between words. Type names join the words in CamelCase. A name
//! that starts with a digit gets `_` (fields, locals) or `T` (types) in front; a reserved word,
//! keyword, built-in or primitive type gets `_` after it; a name already taken in its scope
//! gets `_2`, `_3`, … in the order the document lists things.

use intent_syntax::{KEYWORDS, RESERVED};
use std::collections::HashSet;

/// Names the checker gives a meaning of its own: response fields, functions, aggregates,
/// detectors and primitive types (a local may not hide them, and a type may not be one).
const BUILTINS: [&str; 39] = [
    "status",
    "headers",
    "duration",
    "size",
    "len",
    "lower",
    "upper",
    "trim",
    "now",
    "uuid",
    "env",
    "random",
    "pii",
    "similarity",
    "rouge_l",
    "bleu",
    "within",
    "mean",
    "rate",
    "count",
    "min",
    "max",
    "sum",
    "precision",
    "recall",
    "f1",
    "accuracy",
    "error_rate",
    "throughput",
    "string",
    "int",
    "decimal",
    "bool",
    "any",
    "date",
    "datetime",
    "email",
    "url",
    "percent",
];

/// Whether `word` is reserved in expressions (`in`, `matches`, …).
pub(crate) fn is_reserved(word: &str) -> bool {
    RESERVED.contains(&word)
}

/// Whether `name` is a word the language keeps for itself.
fn is_taken_by_language(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    RESERVED.contains(&lower.as_str())
        || KEYWORDS.contains(&lower.as_str())
        || BUILTINS.contains(&lower.as_str())
        || is_percentile(&lower)
}

/// `p1` … `p99`, the percentile aggregates.
fn is_percentile(name: &str) -> bool {
    name.strip_prefix('p')
        .and_then(|n| n.parse::<u8>().ok())
        .is_some_and(|n| (1..=99).contains(&n) && !name.starts_with("p0"))
}

/// Whether `name` is already an Intent word (a field name or name as written).
pub(crate) fn is_word(name: &str) -> bool {
    let mut chars = name.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// The words of `raw` by the rule above: `+1` → `["plus", "1"]`, `foo-bar` → `["foo", "bar"]`.
fn words(raw: &str) -> Vec<String> {
    let mut words: Vec<String> = Vec::new();
    let mut current = String::new();
    let mut chars = raw.chars().peekable();
    let mut after_word = false;
    while let Some(c) = chars.next() {
        if c.is_ascii_alphanumeric() || c == '_' {
            current.push(c);
            after_word = true;
            continue;
        }
        let spelled = match c {
            '+' => Some("plus"),
            '@' => Some("at"),
            '-' if !after_word && chars.peek().is_some_and(char::is_ascii_digit) => Some("minus"),
            _ => None,
        };
        if !current.is_empty() {
            words.push(std::mem::take(&mut current));
        }
        if let Some(word) = spelled {
            words.push(word.to_string());
        }
        after_word = false;
    }
    if !current.is_empty() {
        words.push(current);
    }
    words
}

/// A field or local name for `raw`, before scoping: `+1` → `plus_1`, `2fa` → `_2fa`, `` →
/// `fallback`.
pub(crate) fn snake(raw: &str, fallback: &str) -> String {
    let joined = words(raw).join("_");
    if joined.is_empty() {
        fallback.to_string()
    } else if joined.starts_with(|c: char| c.is_ascii_digit()) {
        format!("_{joined}")
    } else {
        joined
    }
}

/// A type name for `raw`, before scoping: `repository-rule` → `RepositoryRule`,
/// `io.k8s.api.core.v1.Pod` → `IoK8sApiCoreV1Pod`, `2fa` → `T2fa`.
pub(crate) fn camel(raw: &str) -> String {
    let mut out = String::new();
    for word in words(raw) {
        let mut chars = word.chars();
        if let Some(first) = chars.next() {
            out.push(first.to_ascii_uppercase());
            out.push_str(chars.as_str());
        }
    }
    let trimmed = out.trim_start_matches('_');
    let mut chars = trimmed.chars();
    match chars.next() {
        Some(c) if c.is_ascii_alphabetic() => c.to_ascii_uppercase().to_string() + chars.as_str(),
        Some(_) => format!("T{trimmed}"),
        None => "Schema".to_string(),
    }
}

/// One namespace: the names given so far, each unique.
#[derive(Debug, Default)]
pub(crate) struct Scope {
    taken: HashSet<String>,
}

impl Scope {
    /// A scope where `names` are already taken (the globals a local must not hide).
    pub(crate) fn with(names: impl IntoIterator<Item = String>) -> Self {
        Scope {
            taken: names.into_iter().collect(),
        }
    }

    /// `wanted`, made clear of the language's words and unique here: `in` → `in_`, a second
    /// `id` → `id_2`.
    pub(crate) fn claim(&mut self, wanted: &str) -> String {
        let base = if is_taken_by_language(wanted) {
            format!("{wanted}_")
        } else {
            wanted.to_string()
        };
        self.claim_exactly(base)
    }

    /// `base` made unique here with a numbered suffix, without the language check (record
    /// fields may be keywords: `body.type` reads fine).
    pub(crate) fn claim_exactly(&mut self, base: String) -> String {
        if self.taken.insert(base.clone()) {
            return base;
        }
        (2..)
            .map(|n| format!("{base}_{n}"))
            .find(|candidate| self.taken.insert(candidate.clone()))
            .unwrap_or(base)
    }
}

/// Item titles, unique the way the checker compares them: by their slug (letters and digits,
/// lower-cased), so `List pets` and `List Pets!` are the same title.
#[derive(Debug, Default)]
pub(crate) struct Titles {
    slugs: HashSet<String>,
}

impl Titles {
    /// `wanted` if it is free; else `wanted (METHOD /path)`; else that with ` 2`, ` 3`, …
    pub(crate) fn claim(&mut self, wanted: &str, place: &str) -> String {
        let wanted = if intent_ir::slug(wanted).is_empty() {
            place.to_string()
        } else {
            wanted.to_string()
        };
        if self.slugs.insert(intent_ir::slug(&wanted)) {
            return wanted;
        }
        let placed = format!("{wanted} ({place})");
        if self.slugs.insert(intent_ir::slug(&placed)) {
            return placed;
        }
        (2..)
            .map(|n| format!("{placed} {n}"))
            .find(|candidate| self.slugs.insert(intent_ir::slug(candidate)))
            .unwrap_or(placed)
    }
}

/// A tag for a document's tag name: letters of any script, digits, `_`, `-`, `:` and `.` are
/// kept, anything else becomes `-`; `None` when nothing is left.
pub(crate) fn tag(name: &str) -> Option<String> {
    let tag: String = name
        .trim()
        .chars()
        .map(|c| {
            if c.is_alphanumeric() || matches!(c, '_' | '-' | ':' | '.') {
                c.to_lowercase().next().unwrap_or(c)
            } else {
                '-'
            }
        })
        .collect();
    let tag = tag.trim_matches('-').to_string();
    (!tag.is_empty()).then_some(tag)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signs_and_symbols_are_spelled() {
        assert_eq!(snake("+1", "x"), "plus_1");
        assert_eq!(snake("-1", "x"), "minus_1");
        assert_eq!(snake("foo-bar", "x"), "foo_bar");
        assert_eq!(snake("a-1", "x"), "a_1");
        assert_eq!(snake("@type", "x"), "at_type");
        assert_eq!(snake("_links", "x"), "_links");
        assert_eq!(snake("2fa", "x"), "_2fa");
        assert_eq!(snake("ü", "x"), "x");
        assert_eq!(camel("repository-rule"), "RepositoryRule");
        assert_eq!(camel("io.k8s.api.core.v1.Pod"), "IoK8sApiCoreV1Pod");
        assert_eq!(camel("2fa"), "T2fa");
        assert_eq!(camel("_links"), "Links");
        assert_eq!(camel("!!"), "Schema");
        assert_eq!(camel("__string"), "String");
    }

    #[test]
    fn scopes_suffix_collisions_and_avoid_the_language() {
        let mut scope = Scope::with(["token".to_string()]);
        assert_eq!(scope.claim("token"), "token_2");
        assert_eq!(scope.claim("token"), "token_3");
        assert_eq!(scope.claim("in"), "in_");
        // Every keyword of the grammar, `file` (a multipart clause's) among them.
        assert_eq!(scope.claim("file"), "file_");
        assert_eq!(scope.claim("json"), "json_");
        assert_eq!(scope.claim("status"), "status_");
        assert_eq!(scope.claim("p95"), "p95_");
        assert_eq!(scope.claim("p100"), "p100");
        assert_eq!(scope.claim("body"), "body_");
        assert_eq!(scope.claim("id"), "id");
    }

    #[test]
    fn titles_are_unique_by_slug() {
        let mut titles = Titles::default();
        assert_eq!(titles.claim("List pets", "GET /pets"), "List pets");
        assert_eq!(
            titles.claim("List Pets!", "GET /v2/pets"),
            "List Pets! (GET /v2/pets)"
        );
        assert_eq!(
            titles.claim("List pets", "GET /v2/pets"),
            "List pets (GET /v2/pets) 2"
        );
        assert_eq!(titles.claim("!!", "GET /x"), "GET /x");
        assert_eq!(tag("Pet Store"), Some("pet-store".to_string()));
        assert_eq!(tag("  "), None);
    }
}
