//! Diagnoses about the start of a line, an item or a definition: an unknown item, statement or
//! clause, a malformed step parameter, a keyword used as a name, a missing title, `=`, tag or
//! `{`.

use super::Failure;
use super::tables::{
    CLAUSE_KEYWORDS, ITEM_SYNONYMS, STATEMENT_KEYWORDS, STATEMENT_SYNONYMS, synonym,
};
use super::text::step_parameter;
use crate::grammar::{RESERVED, Rule};
use crate::scan::ITEM_KEYWORDS;
use intent_source::{Diagnostic, Span, code, did_you_mean};

/// A word at the start of an item that starts none.
pub(super) fn unknown_item(f: &Failure<'_>) -> Option<Diagnostic> {
    if f.at != f.base {
        return None;
    }
    let word = f.word;
    let diag = f
        .diagnostic(
            code::UNKNOWN_ITEM,
            format!(
                "expected a top-level item such as `intent`, `type` or `target`, found {}",
                f.found
            ),
        )
        .with_label("not an item");
    Some(if let Some(help) = synonym(word, &ITEM_SYNONYMS) {
        diag.with_help(help)
    } else if let Some(s) = did_you_mean(word, ITEM_KEYWORDS) {
        diag.with_help(format!("did you mean `{s}`?"))
    } else if STATEMENT_KEYWORDS.contains(&word) || CLAUSE_KEYWORDS.contains(&word) {
        diag.with_help(format!(
            "`{word}` goes inside the `{{ ... }}` of an intent, step or evaluation"
        ))
    } else {
        diag.with_help(format!(
            "items start with one of: {}",
            ITEM_KEYWORDS.join(", ")
        ))
    })
}

/// A `{...}` parameter of a step pattern without a name or a type.
pub(super) fn malformed_step_parameter(f: &Failure<'_>) -> Option<Diagnostic> {
    let (span, inner) = step_parameter(f.text, f.base, f.at)?;
    let (message, help) = if inner.is_empty() {
        (
            "this step parameter has no name and no type".to_string(),
            "write a parameter as `{name: type}`, such as `{qty: int}`".to_string(),
        )
    } else if inner.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
        (
            format!("the step parameter `{inner}` has no type"),
            format!(
                "write `{{{inner}: string}}` or another type; every call is checked against it"
            ),
        )
    } else {
        (
            "a step parameter must be written `{name: type}`".to_string(),
            "for example `{qty: int}` or `{sku: string matching /^[A-Z]{2}$/}`".to_string(),
        )
    };
    Some(
        Diagnostic::new(code::INVALID_STEP_PATTERN, message, f.file, span)
            .with_label("malformed parameter")
            .with_help(help),
    )
}

/// A line in a target's block that is not one of the clauses a target may set.
pub(super) fn unknown_clause_in_target(f: &Failure<'_>) -> Option<Diagnostic> {
    let recognised = f.at_line_start
        && !f.statement_expected
        && f.expected.token("header")
        && !f.word.is_empty();
    if !recognised {
        return None;
    }
    Some(f.diagnostic(
        code::UNKNOWN_STATEMENT,
        format!("expected a request clause such as `header`, `query`, `auth` or `timeout`, found {}", f.found),
    )
    .with_label("not a request clause")
    .with_help("a target's block holds only the default clauses of its requests: header, query, auth, timeout and retry"))
}

/// A line in a block that starts no statement: a request clause away from its `when`, a word
/// from another tool, or a misspelt keyword.
pub(super) fn unknown_statement(f: &Failure<'_>) -> Option<Diagnostic> {
    let recognised = f.at_line_start && f.statement_expected && !f.word.is_empty();
    if !recognised {
        return None;
    }
    let word = f.word;
    if CLAUSE_KEYWORDS.contains(&word) {
        return Some(f.diagnostic(
            code::CLAUSE_OUTSIDE_REQUEST,
            format!("the request clause `{word}` must directly follow a `when` line"),
        )
        .with_label("not after a request")
        .with_help("move it under the `when METHOD target /path` line it belongs to, with no other statement between"));
    }
    let diag = f
        .diagnostic(
            code::UNKNOWN_STATEMENT,
            format!(
                "expected a statement such as `given`, `when` or `then`, found {}",
                f.found
            ),
        )
        .with_label("not a statement");
    Some(if let Some(help) = synonym(word, &STATEMENT_SYNONYMS) {
        diag.with_help(help)
    } else if let Some(s) = did_you_mean(
        word,
        STATEMENT_KEYWORDS
            .iter()
            .chain(CLAUSE_KEYWORDS.iter())
            .copied(),
    ) {
        diag.with_help(format!("did you mean `{s}`?"))
    } else {
        diag.with_help(format!(
            "statements start with one of: {}",
            STATEMENT_KEYWORDS.join(", ")
        ))
    })
}

/// A keyword where a name was expected (`let in = 1`).
pub(super) fn keyword_as_name(f: &Failure<'_>) -> Option<Diagnostic> {
    let word = f.word;
    let recognised = f
        .expected
        .rule(&[Rule::ident, Rule::named_type, Rule::field_name])
        && !f
            .expected
            .rule(&[Rule::expr, Rule::inner_expr, Rule::number, Rule::string])
        && (RESERVED.contains(&word) || ITEM_KEYWORDS.contains(&word));
    if !recognised {
        return None;
    }
    Some(
        f.diagnostic(
            code::KEYWORD_AS_NAME,
            format!("`{word}` is a keyword and cannot be used as a name"),
        )
        .with_label("keyword")
        .with_help(format!("choose another name, such as `{word}_value`")),
    )
}

/// An item, `use`, `because` or `step` without its quoted title, path, reason or pattern.
pub(super) fn missing_title(f: &Failure<'_>) -> Option<Diagnostic> {
    let previous = f.previous;
    let titled = [
        "intent", "evaluate", "load", "policy", "monitor", "spec", "use", "because", "step",
    ];
    let recognised =
        f.expected.rule(&[Rule::string, Rule::step_pattern]) && titled.contains(&previous);
    if !recognised {
        return None;
    }
    let what = if previous == "use" {
        "the path of the file to import"
    } else if previous == "because" {
        "the reason"
    } else if previous == "step" {
        "the step's pattern"
    } else {
        "a title"
    };
    Some(
        f.diagnostic(
            code::MISSING_TITLE,
            format!("`{previous}` needs {what} in quotes, found {}", f.found),
        )
        .with_label("expected a quoted string")
        .with_help(format!("write `{previous} \"...\"`")),
    )
}

/// A definition without its `=` (`let page_size 50`).
pub(super) fn expected_equals(f: &Failure<'_>) -> Option<Diagnostic> {
    let recognised = f.expected.token("=") && !f.expected.rule(&[Rule::expr, Rule::inner_expr]);
    if !recognised {
        return None;
    }
    Some(
        f.diagnostic(
            code::EXPECTED_EQUALS,
            format!("expected `=`, found {}", f.found),
        )
        .with_label("expected `=` here")
        .with_help("a definition reads `NAME = VALUE`"),
    )
}

/// An `@` with no tag name right after it.
pub(super) fn empty_tag(f: &Failure<'_>) -> Option<Diagnostic> {
    if !f.expected.rule(&[Rule::tag]) {
        return None;
    }
    let sign = f.text[f.base..f.at]
        .trim_end()
        .strip_suffix('@')
        .map(|s| f.base + s.len())?;
    Some(
        Diagnostic::new(
            code::EMPTY_TAG,
            "a tag needs a name right after `@`",
            f.file,
            Span::new(sign, sign + 1),
        )
        .with_label("empty tag")
        .with_help("write the tag as `@smoke`, with no space after `@`"),
    )
}

/// A block, field list or clause block that does not open with `{` on its line.
pub(super) fn expected_block(f: &Failure<'_>) -> Option<Diagnostic> {
    let recognised = f.expected.token("{")
        && f.expected.rule(&[
            Rule::block,
            Rule::fields,
            Rule::tag,
            Rule::meta_block,
            Rule::clause_block,
        ]);
    if !recognised {
        return None;
    }
    let diag = f
        .diagnostic(
            code::EXPECTED_BLOCK,
            format!("expected `{{` to open the block, found {}", f.found),
        )
        .with_label("expected `{`");
    if f.expected.rule(&[Rule::fields]) && f.text[..f.at].trim_end().ends_with('"') {
        return Some(diag.with_help(
            "declare the columns on the same line: `dataset faq = \"data/faq.jsonl\" { question: string }`",
        ));
    }
    if f.expected.rule(&[Rule::tag]) && f.text[f.at..].starts_with(',') {
        return Some(
            diag.with_help("tags are separated by spaces, not commas: `@smoke @checkout`"),
        );
    }
    Some(
        diag.with_help(
            "the body of an item is written between `{` and `}`, starting on the same line",
        ),
    )
}
