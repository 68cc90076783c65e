//! Turns a pest failure into a diagnostic in the user's terms.
//!
//! pest says which rules and tokens it expected at the furthest position it reached. That is
//! enough to tell the common mistakes apart: a misspelt keyword at the start of an item or a
//! statement, a missing title, `=`, `{`, type or expression, a keyword used as a name, or
//! text left over after a complete statement. No rule name ever reaches the user.

use crate::grammar::Rule;
use crate::scan::ITEM_KEYWORDS;
use intent_source::{Diagnostic, FileId, Span, code, did_you_mean};
use pest::error::{Error, ErrorVariant, InputLocation};
use std::collections::BTreeSet;

const STATEMENT_KEYWORDS: [&str; 15] = [
    "because", "given", "when", "then", "and", "expect", "examples", "yield", "score", "classify",
    "arrive", "users", "without", "run", "alert",
];

const CLAUSE_KEYWORDS: [&str; 8] = [
    "header", "query", "json", "form", "body", "auth", "timeout", "retry",
];

/// Words that are keywords somewhere, and so cannot be names.
const RESERVED: [&str; 17] = [
    "and", "or", "not", "in", "is", "matches", "contains", "has", "every", "some", "true", "false",
    "null", "exists", "absent", "starts", "ends",
];

/// What the parser expected at the failure point.
struct Expected {
    rules: BTreeSet<Rule>,
    tokens: BTreeSet<String>,
}

impl Expected {
    /// What was expected at `at`, the furthest position the parser reached (see [`furthest`]).
    fn of(error: &Error<Rule>, at: usize) -> Self {
        let mut rules = BTreeSet::new();
        let mut tokens = BTreeSet::new();
        // The rules pest lists failed where they started; when a literal token failed further
        // on (the `=` after `let NAME`), they describe an earlier place and would mislead.
        if let ErrorVariant::ParsingError { positives, .. } = &error.variant
            && at == location(error)
        {
            rules.extend(positives.iter().copied());
        }
        if let Some(attempts) = error.parse_attempts() {
            for stack in attempts.call_stacks() {
                rules.extend(stack.deepest.get_rule().copied());
                rules.extend(stack.parent);
            }
            // Literal tokens display as themselves (`=`, `{`, `then`).
            tokens.extend(attempts.expected_tokens().iter().map(ToString::to_string));
        }
        Self { rules, tokens }
    }

    fn rule(&self, rules: &[Rule]) -> bool {
        rules.iter().any(|r| self.rules.contains(r))
    }

    fn token(&self, token: &str) -> bool {
        self.tokens.contains(token)
    }
}

/// Where pest says the parse failed: the start of the furthest rule that failed.
fn location(error: &Error<Rule>) -> usize {
    match error.location {
        InputLocation::Pos(p) => p,
        InputLocation::Span((s, _)) => s,
    }
}

/// The furthest position the parser reached. A failed literal token (`=`, `{`, `:`) is not a
/// rule, so pest's location stops at the start of the enclosing rule (`let` for
/// `let page_size 50`); the recorded parse attempts know where the token was expected.
fn furthest(error: &Error<Rule>) -> usize {
    let at = location(error);
    error
        .parse_attempts()
        .map_or(at, |attempts| attempts.max_position.max(at))
}

/// The diagnostic for a failed parse of the item that starts at `base` in `text`.
pub(crate) fn diagnose(file: FileId, text: &str, base: usize, error: &Error<Rule>) -> Diagnostic {
    let relative = furthest(error);
    let at = base + relative;
    if let ErrorVariant::CustomError { message } = &error.variant {
        return Diagnostic::new(
            code::TOO_COMPLEX,
            format!("this item is too complex to parse ({message})"),
            file,
            Span::new(base, base + 1),
        )
        .with_label("in this item")
        .with_help("split it into smaller items or named `let` values");
    }
    let expected = Expected::of(error, relative);
    if std::env::var_os("INTENT_DEBUG_EXPECTED").is_some() {
        eprintln!(
            "DEBUG at={} rules={:?} tokens={:?} attempts={:?}",
            at - base,
            expected.rules,
            expected.tokens,
            error
                .parse_attempts()
                .map(|a| (a.max_position, a.expected_tokens(), a.call_stacks()))
        );
    }
    let word = word_at(text, at);
    let found_span = Span::new(at, at + word.len().max(if at < text.len() { 1 } else { 0 }));
    let found = describe_found(text, at, word);
    let d = |c, message: String| Diagnostic::new(c, message, file, found_span);

    if at == base {
        let mut diag = d(
            code::UNKNOWN_ITEM,
            format!(
                "expected a top-level item such as `intent`, `type` or `target`, found {found}"
            ),
        )
        .with_label("not an item");
        if let Some(s) = did_you_mean(word, ITEM_KEYWORDS) {
            diag = diag.with_help(format!("did you mean `{s}`?"));
        } else if STATEMENT_KEYWORDS.contains(&word) || CLAUSE_KEYWORDS.contains(&word) {
            diag = diag.with_help(format!(
                "`{word}` goes inside the `{{ ... }}` of an intent, step or evaluation"
            ));
        } else {
            diag = diag.with_help(format!(
                "items start with one of: {}",
                ITEM_KEYWORDS.join(", ")
            ));
        }
        return diag;
    }

    let at_line_start = text[..at]
        .rsplit('\n')
        .next()
        .is_some_and(|before| before.trim().is_empty());
    let statement_expected = expected.rule(&[
        Rule::kw_given,
        Rule::kw_because,
        Rule::kw_then,
        Rule::check_keyword,
    ]) || expected.token("given");
    if at_line_start && statement_expected && !word.is_empty() {
        if CLAUSE_KEYWORDS.contains(&word) {
            return d(
                code::CLAUSE_OUTSIDE_REQUEST,
                format!("the request clause `{word}` must directly follow a `when` line"),
            )
            .with_label("not after a request")
            .with_help("move it under the `when METHOD target /path` line it belongs to, with no other statement between");
        }
        let mut diag = d(
            code::UNKNOWN_STATEMENT,
            format!("expected a statement such as `given`, `when` or `then`, found {found}"),
        )
        .with_label("not a statement");
        if let Some(s) = did_you_mean(
            word,
            STATEMENT_KEYWORDS
                .iter()
                .chain(CLAUSE_KEYWORDS.iter())
                .copied(),
        ) {
            diag = diag.with_help(format!("did you mean `{s}`?"));
        } else {
            diag = diag.with_help(format!(
                "statements start with one of: {}",
                STATEMENT_KEYWORDS.join(", ")
            ));
        }
        return diag;
    }

    if expected.rule(&[Rule::ident, Rule::named_type, Rule::field_name])
        && !expected.rule(&[Rule::expr, Rule::number, Rule::string])
        && (RESERVED.contains(&word) || ITEM_KEYWORDS.contains(&word))
    {
        return d(
            code::KEYWORD_AS_NAME,
            format!("`{word}` is a keyword and cannot be used as a name"),
        )
        .with_label("keyword")
        .with_help(format!("choose another name, such as `{word}_value`"));
    }

    let previous = previous_word(text, at);
    let titled = [
        "intent", "evaluate", "load", "policy", "monitor", "spec", "use", "because", "step",
    ];
    if expected.rule(&[Rule::string, Rule::step_pattern]) && titled.contains(&previous) {
        let what = if previous == "use" {
            "the path of the file to import"
        } else if previous == "because" {
            "the reason"
        } else if previous == "step" {
            "the step's pattern"
        } else {
            "a title"
        };
        return d(
            code::MISSING_TITLE,
            format!("`{previous}` needs {what} in quotes, found {found}"),
        )
        .with_label("expected a quoted string")
        .with_help(format!("write `{previous} \"...\"`"));
    }

    if expected.token("=") && !expected.rule(&[Rule::expr]) {
        return d(
            code::EXPECTED_EQUALS,
            format!("expected `=`, found {found}"),
        )
        .with_label("expected `=` here")
        .with_help("a definition reads `NAME = VALUE`");
    }

    if expected.token("{")
        && expected.rule(&[
            Rule::block,
            Rule::fields,
            Rule::tag,
            Rule::meta_block,
            Rule::clause_block,
        ])
    {
        return d(
            code::EXPECTED_BLOCK,
            format!("expected `{{` to open the block, found {found}"),
        )
        .with_label("expected `{`")
        .with_help(
            "the body of an item is written between `{` and `}`, starting on the same line",
        );
    }

    if expected.rule(&[
        Rule::type_expr,
        Rule::named_type,
        Rule::list_type,
        Rule::record_type,
        Rule::literal_type,
    ]) {
        return d(code::EXPECTED_TYPE, format!("expected a type, found {found}"))
            .with_label("expected a type")
            .with_help("types are names like `string` or `Order`, lists `[T]`, records `{ f: T }` or literals `\"a\" | \"b\"`");
    }

    if at >= text.len() {
        return d(
            code::UNEXPECTED_END,
            "the file ends in the middle of an item".to_string(),
        )
        .with_label("the file ends here")
        .with_help("finish the item, or remove its incomplete last line");
    }

    if expected.rule(&[
        Rule::expr,
        Rule::number,
        Rule::ident,
        Rule::list,
        Rule::object,
        Rule::quantifier,
    ]) && !expected.token("==")
    {
        return d(
            code::EXPECTED_EXPRESSION,
            format!("expected a value or an expression, found {found}"),
        )
        .with_label("expected an expression")
        .with_help("for example a number, a \"string\", a name, `body.field` or `status == 200`");
    }

    if expected.token("==") || expected.token("at") || expected.token("}") && at_line_start {
        return d(code::TRAILING_INPUT, format!("unexpected {found} after a complete statement"))
            .with_label("unexpected here")
            .with_help("a statement ends at the end of its line; start a new line or join the parts with an operator");
    }

    let mut names: Vec<String> = expected
        .tokens
        .iter()
        .take(8)
        .map(|t| format!("`{t}`"))
        .collect();
    names.sort();
    let help = if names.is_empty() {
        "check the syntax of this line against docs/language.md".to_string()
    } else {
        format!("expected one of: {}", names.join(", "))
    };
    d(code::UNEXPECTED_INPUT, format!("unexpected {found}"))
        .with_label("unexpected here")
        .with_help(help)
}

/// The word (or single character) at an offset.
fn word_at(text: &str, at: usize) -> &str {
    let rest = text.get(at..).unwrap_or("");
    let len = rest
        .char_indices()
        .find(|(_, c)| !(c.is_alphanumeric() || *c == '_'))
        .map_or(rest.len(), |(i, _)| i);
    &rest[..len]
}

fn previous_word(text: &str, at: usize) -> &str {
    let before = text[..at].trim_end();
    let start = before
        .char_indices()
        .rev()
        .find(|(_, c)| !(c.is_alphanumeric() || *c == '_'))
        .map_or(0, |(i, c)| i + c.len_utf8());
    &before[start..]
}

fn describe_found(text: &str, at: usize, word: &str) -> String {
    if !word.is_empty() {
        return format!("`{word}`");
    }
    match text[at..].chars().next() {
        None => "the end of the file".to_string(),
        Some('\n' | '\r') => "the end of the line".to_string(),
        Some(c) => format!("`{c}`"),
    }
}
