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

/// Keywords that a line cannot do without, with the form of the line that needs them. When
/// one of them is expected, the line is not complete, whatever else could also follow.
const REQUIRED_KEYWORDS: [(&str, &str); 12] = [
    ("times", "`retry 3 times every 500ms until status == 200`"),
    ("until", "`retry 3 times every 500ms until status == 200`"),
    ("for", "`arrive 200/s for 30s` or `users 50 for 1m`"),
    ("against", "`classify body.label against case.label`"),
    ("failures", "`alert webhook URL after 2 failures`"),
    ("has", "`every item in body.items has item.qty > 0`"),
    ("confidence", "`expect accuracy >= 90% at 95% confidence`"),
    (
        "applies",
        "`policy \"Title\" level warn applies to every response`",
    ),
    (
        "to",
        "`policy \"Title\" level warn applies to every response`",
    ),
    ("tagged", "`intents tagged @smoke`"),
    (
        "with",
        "`body.sku starts with \"AB-\"` or `ends with \"...\"`",
    ),
    ("as", "`evaluate \"Title\" over DATASET as ROW { ... }`"),
];

/// Words from other test tools that people write for an item, with what Intent says instead.
const ITEM_SYNONYMS: [(&[&str], &str); 5] = [
    (
        &["test", "scenario", "feature", "describe", "it", "case"],
        "a behaviour to check is written `intent \"Title\" { ... }`",
    ),
    (
        &["import", "include", "require"],
        "to import another spec, write `use \"path.intent\"`",
    ),
    (
        &["const", "var", "val", "define"],
        "a constant is written `let NAME = VALUE`",
    ),
    (
        &["struct", "schema", "model", "record", "interface"],
        "a named type is written `type NAME { field: type }` or `type NAME = TYPE`",
    ),
    (
        &["env", "password"],
        "a secret is written `secret NAME = env(\"VARIABLE\")`",
    ),
];

/// Words from other test tools that people write for a statement, with what Intent says.
const STATEMENT_SYNONYMS: [(&[&str], &str); 4] = [
    (
        &["assert", "check", "verify", "ensure", "should"],
        "a check starts with `then`, `and` or `expect`",
    ),
    (&["but", "But"], "further checks start with `and`"),
    (&["setup", "before"], "a precondition starts with `given`"),
    (
        &["request", "send", "call"],
        "a request or an action starts with `when`",
    ),
];

/// The help for a word that another tool uses for what Intent writes differently.
fn synonym(word: &str, table: &[(&[&str], &str)]) -> Option<String> {
    table
        .iter()
        .find(|(words, _)| words.contains(&word))
        .map(|(_, help)| help.to_string())
}

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
        if tokens.is_empty() {
            // A keyword that matched only the start of a longer word (`response` in
            // `responses`) records no token; the keyword rules say which words would do.
            tokens.extend(
                rules
                    .iter()
                    .filter_map(|r| format!("{r:?}").strip_prefix("kw_").map(str::to_string)),
            );
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
    let Some(attempts) = error.parse_attempts() else {
        return at;
    };
    // A reserved word tried as a name (`let in = 1`) leaves attempts at the end of the word,
    // where only more letters were expected: the word itself is the place to report.
    let word_continuation = attempts
        .expected_tokens()
        .iter()
        .all(|t| matches!(t.to_string().as_str(), "0..9" | "A..Z" | "a..z" | "_"));
    if word_continuation {
        at
    } else {
        attempts.max_position.max(at)
    }
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
        if let Some(help) = synonym(word, &ITEM_SYNONYMS) {
            diag = diag.with_help(help);
        } else if let Some(s) = did_you_mean(word, ITEM_KEYWORDS) {
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

    if let Some((span, inner)) = step_parameter(text, base, at) {
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
        return Diagnostic::new(code::INVALID_STEP_PATTERN, message, file, span)
            .with_label("malformed parameter")
            .with_help(help);
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
    if at_line_start && !statement_expected && expected.token("header") && !word.is_empty() {
        return d(
            code::UNKNOWN_STATEMENT,
            format!("expected a request clause such as `header`, `query`, `auth` or `timeout`, found {found}"),
        )
        .with_label("not a request clause")
        .with_help("a target's block holds only the default clauses of its requests: header, query, auth, timeout and retry");
    }

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
        if let Some(help) = synonym(word, &STATEMENT_SYNONYMS) {
            diag = diag.with_help(help);
        } else if let Some(s) = did_you_mean(
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
        && !expected.rule(&[Rule::expr, Rule::inner_expr, Rule::number, Rule::string])
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

    if expected.token("=") && !expected.rule(&[Rule::expr, Rule::inner_expr]) {
        return d(
            code::EXPECTED_EQUALS,
            format!("expected `=`, found {found}"),
        )
        .with_label("expected `=` here")
        .with_help("a definition reads `NAME = VALUE`");
    }

    if expected.rule(&[Rule::tag])
        && let Some(sign) = text[base..at]
            .trim_end()
            .strip_suffix('@')
            .map(|s| base + s.len())
    {
        return Diagnostic::new(
            code::EMPTY_TAG,
            "a tag needs a name right after `@`",
            file,
            Span::new(sign, sign + 1),
        )
        .with_label("empty tag")
        .with_help("write the tag as `@smoke`, with no space after `@`");
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
        let diag = d(
            code::EXPECTED_BLOCK,
            format!("expected `{{` to open the block, found {found}"),
        )
        .with_label("expected `{`");
        if expected.rule(&[Rule::fields]) && text[..at].trim_end().ends_with('"') {
            return diag.with_help(
                "declare the columns on the same line: `dataset faq = \"data/faq.jsonl\" { question: string }`",
            );
        }
        if expected.rule(&[Rule::tag]) && text[at..].starts_with(',') {
            return diag.with_help("tags are separated by spaces, not commas: `@smoke @checkout`");
        }
        return diag.with_help(
            "the body of an item is written between `{` and `}`, starting on the same line",
        );
    }

    if previous == "matching" && expected.token("/") {
        return d(
            code::EXPECTED_TYPE,
            format!("`matching` needs a regex such as `/^[A-Z]+$/`, found {found}"),
        )
        .with_label("expected a regex")
        .with_help("write the pattern between slashes: `string matching /^[A-Z]{2}-\\d{4}$/`");
    }

    if expected.token("matching") && previous == "matching" {
        // `sku: matching /re/` reads `matching` as a type name, then finds the regex.
        let (start, _) = previous_word_at(text, at);
        return Diagnostic::new(
            code::EXPECTED_TYPE,
            "`matching` refines a type, but no type comes before it",
            file,
            Span::new(start, start + previous.len()),
        )
        .with_label("no type before this")
        .with_help("write the type first, such as `string matching /^[A-Z]{2}$/`");
    }

    if expected.rule(&[
        Rule::type_expr,
        Rule::named_type,
        Rule::list_type,
        Rule::record_type,
        Rule::literal_type,
    ]) || expected.rule(&[Rule::type_term]) && expected.token("exact")
    {
        let diag = d(
            code::EXPECTED_TYPE,
            format!("expected a type, found {found}"),
        )
        .with_label("expected a type");
        if word.is_empty() && text[at..].starts_with(['<', '>', '!']) {
            return diag.with_help(
                "a comparison refines a type and comes after it, such as `decimal >= 0`",
            );
        }
        return diag.with_help("types are names like `string` or `Order`, lists `[T]`, records `{ f: T }` or literals `\"a\" | \"b\"`");
    }

    if expected.rule(&[Rule::step_call, Rule::step_word])
        && !expected.rule(&[Rule::expr, Rule::inner_expr])
        && at < text.len()
    {
        // `given every = 20`: a binding whose name is a keyword reads as a prose step call,
        // which then stops at the `=`.
        let (prev_start, prev) = previous_word_at(text, at);
        if word.is_empty() && text[at..].starts_with('=') && RESERVED.contains(&prev) {
            return Diagnostic::new(
                code::KEYWORD_AS_NAME,
                format!("`{prev}` is a keyword and cannot be used as a name"),
                file,
                Span::new(prev_start, prev_start + prev.len()),
            )
            .with_label("keyword")
            .with_help(format!("choose another name, such as `{prev}_value`"));
        }
        let line = text[..at].rsplit('\n').next().unwrap_or("").trim_start();
        let method = line
            .strip_prefix("when ")
            .and_then(|rest| rest.split_whitespace().next())
            .is_some_and(|w| w.chars().all(|c| c.is_ascii_uppercase()));
        if method {
            return d(
                code::UNEXPECTED_INPUT,
                format!("{} in a request line", unexpected(&found)),
            )
            .with_label("unexpected here")
            .with_help("a request reads `when GET shop /orders`: the method, the name of a target, then the path");
        }
        // `when get shop /health`: a method in lower case makes the line prose.
        let lower_method = line
            .strip_prefix("when ")
            .and_then(|rest| rest.split_whitespace().next())
            .filter(|w| {
                ["get", "post", "put", "patch", "delete", "head", "options"]
                    .contains(&w.to_ascii_lowercase().as_str())
            });
        if let Some(word) = lower_method {
            return d(
                code::UNEXPECTED_INPUT,
                format!("{} in a step call", unexpected(&found)),
            )
            .with_label("not allowed in a step call")
            .with_help(format!(
                "`{word}` is not read as an HTTP method: methods are written in capitals, \
                 `when {} …`",
                word.to_ascii_uppercase()
            ));
        }
        return d(
            code::UNEXPECTED_INPUT,
            format!("{} in a step call", unexpected(&found)),
        )
        .with_label("not allowed in a step call")
        .with_help("a step call is written in plain words (letters, digits, `'`, `-` and punctuation), with \"strings\", numbers, lists, objects or `(expressions)` as arguments; put other text in quotes");
    }

    if at >= text.len() {
        // A label at the very end of the file would not be shown: point at the last word.
        let (start, last) = previous_word_at(text, at);
        let end = text.trim_end().len();
        let span = if last.is_empty() {
            Span::new(end.saturating_sub(1), end)
        } else {
            Span::new(start, start + last.len())
        };
        return Diagnostic::new(
            code::UNEXPECTED_END,
            "the file ends in the middle of an item",
            file,
            span,
        )
        .with_label("the file ends after this")
        .with_help("finish the item, or remove its incomplete last line");
    }

    if expected.rule(&[Rule::ident])
        && !expected.rule(&[
            Rule::expr,
            Rule::inner_expr,
            Rule::number,
            Rule::string,
            Rule::list,
            Rule::object,
            Rule::step_call,
        ])
    {
        return d(code::UNEXPECTED_INPUT, format!("expected a name, found {found}"))
            .with_label("expected a name")
            .with_help(
                "a name starts with a letter or `_` and holds letters, digits and `_`, such as `order` or `page_size`",
            );
    }

    if expected.rule(&[
        Rule::expr,
        Rule::inner_expr,
        Rule::number,
        Rule::ident,
        Rule::list,
        Rule::object,
        Rule::quantifier,
    ]) && !expected.token("==")
    {
        let rest = &text[at..];
        let help = if word == "absent" && previous == "not" {
            "`is not absent` is written `exists`: `body.coupon exists`".to_string()
        } else if rest.starts_with('\'') {
            "strings are written in double quotes, such as \"paid\"".to_string()
        } else if rest.starts_with('=') && text[..at].trim_end().ends_with("==") {
            "compare with `==`".to_string()
        } else if rest.starts_with(':') && expected.rule(&[Rule::spec_item]) {
            format!("a metadata entry reads `{previous} \"value\"`, without `:`")
        } else {
            "for example a number, a \"string\", a name, `body.field` or `status == 200`"
                .to_string()
        };
        return d(
            code::EXPECTED_EXPRESSION,
            format!("expected a value or an expression, found {found}"),
        )
        .with_label("expected an expression")
        .with_help(help);
    }

    if let Some((keyword, form)) = REQUIRED_KEYWORDS
        .iter()
        .find(|(k, _)| expected.token(k) && (*k != "as" || !expected.token("->")))
    {
        return d(
            code::UNEXPECTED_INPUT,
            format!("expected `{keyword}`, found {found}"),
        )
        .with_label(format!("expected `{keyword}` here"))
        .with_help(format!("this line reads {form}"));
    }

    if expected.rule(&[Rule::examples_stmt, Rule::table_row]) && previous == "examples" {
        return d(
            code::UNEXPECTED_INPUT,
            format!("expected the rows of a table, found {found}"),
        )
        .with_label("expected a table row")
        .with_help(
            "the lines after `examples` hold a table, one row per line: `| code | total |`",
        );
    }

    if expected.token(",") && (expected.token("}") || expected.token("]")) && !at_line_start {
        return d(
            code::UNEXPECTED_INPUT,
            format!("expected `,` between entries, found {found}"),
        )
        .with_label("expected `,` before this")
        .with_help(
            "separate the entries of a list or an object with `,`, or put each on its own line",
        );
    }

    if expected.token("==") || expected.token("at") || expected.token("}") && at_line_start {
        let rest = &text[at..];
        let help = if rest.starts_with("&&") {
            "join conditions with `and`"
        } else if rest.starts_with('=') && !rest.starts_with("==") {
            "to compare two values, write `==`"
        } else if rest.starts_with("||") {
            "join alternatives with `or`"
        } else {
            "a statement ends at the end of its line; start a new line or join the parts with an operator"
        };
        return d(
            code::TRAILING_INPUT,
            format!("{} after a complete statement", unexpected(&found)),
        )
        .with_label("unexpected here")
        .with_help(help);
    }

    // `when POST shop /orders json {...}`: a request clause written on the `when` line.
    let word = text[at..]
        .split(|c: char| !c.is_ascii_alphanumeric())
        .next()
        .unwrap_or("");
    let clause_keywords = [
        "json", "form", "body", "header", "query", "auth", "timeout", "retry",
    ];
    if clause_keywords.contains(&word) && (expected.token("->") || expected.token("as")) {
        return d(
            code::UNEXPECTED_INPUT,
            format!("the request clause `{word}` must go on its own line"),
        )
        .with_label("a clause on the `when` line")
        .with_help(format!(
            "put `{word} …` on the next line, under its `when` (a request's clauses follow it, \
             one per line)"
        ));
    }

    let names = describe_tokens(&expected.tokens);
    let message = match names.as_slice() {
        [] => unexpected(&found),
        [one] => format!("expected {one}, found {found}"),
        [init @ .., last] if names.len() <= 4 => {
            format!("expected {} or {last}, found {found}", init.join(", "))
        }
        _ => unexpected(&found),
    };
    let help = if let Some((_, form)) = ALTERNATIVES.iter().find(|(t, _)| expected.token(t)) {
        form.to_string()
    } else if names.is_empty() || names.len() <= 4 {
        "check the syntax of this line against docs/language.md".to_string()
    } else {
        format!("expected one of: {}", names.join(", "))
    };
    d(code::UNEXPECTED_INPUT, message)
        .with_label("unexpected here")
        .with_help(help)
}

/// Places where one of a few words must come, with the forms to show.
const ALTERNATIVES: [(&str, &str); 7] = [
    (
        "all",
        "write `run all`, `run intents tagged @smoke` or `run \"Title\"`",
    ),
    (
        "bearer",
        "write `auth bearer TOKEN` or `auth basic USER, PASSWORD`",
    ),
    (
        "intents",
        "a policy applies to `every response`, `every response from TARGET` or `intents tagged @tag`",
    ),
    (
        "response",
        "write `every response` or `every response from TARGET`",
    ),
    (
        "every",
        "a monitor reads `monitor \"Title\" every 5m { ... }`",
    ),
    ("@", "tags are written with `@`, such as `@smoke`"),
    (
        "?",
        "a field reads `name: type`, or `name?: type` when it may be absent",
    ),
];

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
    previous_word_at(text, at).1
}

/// The word before an offset (skipping whitespace), with its start.
fn previous_word_at(text: &str, at: usize) -> (usize, &str) {
    let before = text[..at].trim_end();
    let start = before
        .char_indices()
        .rev()
        .find(|(_, c)| !(c.is_alphanumeric() || *c == '_'))
        .map_or(0, |(i, c)| i + c.len_utf8());
    (start, &before[start..])
}

/// "unexpected `x`", "unexpected end of the line".
fn unexpected(found: &str) -> String {
    let found = found
        .strip_prefix("the ")
        .or_else(|| found.strip_prefix("a "))
        .unwrap_or(found);
    format!("unexpected {found}")
}

/// The expected tokens in words: literal tokens as themselves, character classes as what they
/// start, layout (spaces, comments, line breaks) left out.
fn describe_tokens(tokens: &BTreeSet<String>) -> Vec<String> {
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
fn step_parameter(text: &str, base: usize, at: usize) -> Option<(Span, String)> {
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

fn describe_found(text: &str, at: usize, word: &str) -> String {
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

#[cfg(test)]
mod tests {
    use intent_source::FileId;

    fn codes(text: &str) -> Vec<&'static str> {
        crate::parse(FileId(0), text)
            .diagnostics
            .iter()
            .map(|d| d.code.as_str())
            .collect()
    }

    #[test]
    fn a_missing_token_is_reported_where_it_was_expected() {
        assert_eq!(codes("let page_size 50\n"), vec!["E0021"]);
        assert_eq!(codes("target shop \"http://x\"\n"), vec!["E0021"]);
    }

    #[test]
    fn keywords_used_as_names_are_named() {
        assert_eq!(codes("let in = 1\n"), vec!["E0029"]);
        assert_eq!(
            codes("intent \"a\" {\n  given every = 2\n}\n"),
            vec!["E0029"]
        );
    }

    #[test]
    fn malformed_step_parameters_and_tags() {
        assert_eq!(codes("step \"a {name} b\" {\n}\n"), vec!["E0022"]);
        assert_eq!(codes("step \"a {} b\" {\n}\n"), vec!["E0022"]);
        assert_eq!(codes("intent \"a\" @ smoke {\n}\n"), vec!["E0023"]);
    }

    #[test]
    fn missing_types_and_required_keywords() {
        assert_eq!(codes("type A { b: }\n"), vec!["E0025"]);
        assert_eq!(codes("type A = matching /x/\n"), vec!["E0025"]);
        assert_eq!(
            codes("load \"a\" {\n  arrive 2/s during 1m\n}\n"),
            vec!["E0009"]
        );
    }

    #[test]
    fn no_rule_name_reaches_the_user() {
        for text in [
            "policy \"a\" applies to all {\n}\n",
            "type A = string foo\n",
            "intent \"a\" {\n  when GET /x\n}\n",
            "spec \"a\" {\n  owner: \"x\"\n}\n",
        ] {
            for d in crate::parse(FileId(0), text).diagnostics {
                let words = format!("{} {:?}", d.message, d.help);
                assert!(
                    !words.contains("kw_") && !words.contains("_item"),
                    "{words}"
                );
            }
        }
    }
}
