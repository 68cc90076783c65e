//! Turns a pest failure into a diagnostic in the user's terms.
//!
//! pest says which rules and tokens it expected at the furthest position it reached. That is
//! enough to tell the common mistakes apart: a misspelt keyword at the start of an item or a
//! statement, a missing title, `=`, `{`, type or expression, a keyword used as a name, or
//! text left over after a complete statement. No rule name ever reaches the user.
//!
//! [`diagnose`] reads the failure once ([`Failure`]) and asks each diagnosis in turn, most
//! specific first: those about the start of a line, an item or a definition (`lines`), then
//! those about the value, type or keyword a line was waiting for (`values`). The first that
//! recognises the mistake gives the diagnostic; [`values::unexpected_input`] is the last word.

mod lines;
mod tables;
mod text;
mod values;

use crate::grammar::Rule;
use intent_source::{Code, Diagnostic, FileId, Span, code};
use pest::error::{Error, ErrorVariant, InputLocation};
use std::collections::BTreeSet;
pub(crate) use tables::CLAUSE_KEYWORDS;
use text::{describe_found, previous_word, word_at};

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
            // Literal tokens display as themselves (`=`, `{`, `then`), and so do the
            // one-character ranges the grammar writes for speed (`' '..' '` is ` `).
            tokens.extend(attempts.expected_tokens().iter().map(token_text));
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

/// A token as the grammar means it: a range of one character (`' '..' '`, shown by pest as
/// ` .. `) is that character.
fn token_text(token: &impl ToString) -> String {
    let text = token.to_string();
    let mut chars = text.chars();
    match (
        chars.next(),
        chars.as_str().strip_prefix(".."),
        chars.clone().last(),
    ) {
        (Some(start), Some(rest), Some(end)) if rest.chars().count() == 1 && start == end => {
            start.to_string()
        }
        _ => text,
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

/// What the parser failed on, read once for every diagnosis.
struct Failure<'t> {
    file: FileId,
    /// The whole file.
    text: &'t str,
    /// Where the item that failed starts.
    base: usize,
    /// The furthest place the parser reached, where the mistake is reported.
    at: usize,
    expected: Expected,
    /// The word (or single character) at `at`, empty at the end of a line or of the file.
    word: &'t str,
    /// What was found, in words: "`x`", "the end of the line".
    found: String,
    /// Where a diagnostic about what was found points.
    found_span: Span,
    /// The word before `at`.
    previous: &'t str,
    /// Whether only blanks come before `at` on its line.
    at_line_start: bool,
    /// Whether a statement (`given`, `then`, …) could start at `at`.
    statement_expected: bool,
}

impl Failure<'_> {
    /// A diagnostic at what was found.
    fn diagnostic(&self, code: Code, message: String) -> Diagnostic {
        Diagnostic::new(code, message, self.file, self.found_span)
    }
}

/// A diagnosis: the diagnostic when it recognises the mistake.
type Diagnosis = fn(&Failure<'_>) -> Option<Diagnostic>;

/// The diagnoses in the order they are asked: the first that recognises the mistake wins.
const DIAGNOSES: [Diagnosis; 20] = [
    lines::unknown_item,
    lines::malformed_step_parameter,
    lines::unknown_clause_in_target,
    lines::unknown_statement,
    lines::keyword_as_name,
    lines::missing_title,
    lines::expected_equals,
    lines::empty_tag,
    lines::expected_block,
    values::matching_without_regex,
    values::matching_without_type,
    values::expected_type,
    values::bad_step_call,
    values::unexpected_end,
    values::expected_name,
    values::expected_expression,
    values::required_keyword,
    values::expected_table,
    values::missing_comma,
    values::trailing_input,
];

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
    let statement_expected = expected.rule(&[
        Rule::kw_given,
        Rule::kw_because,
        Rule::kw_then,
        Rule::check_keyword,
    ]) || expected.token("given");
    let failure = Failure {
        file,
        text,
        base,
        at,
        word,
        found: describe_found(text, at, word),
        found_span: Span::new(at, at + word.len().max(if at < text.len() { 1 } else { 0 })),
        previous: previous_word(text, at),
        at_line_start: text[..at]
            .rsplit('\n')
            .next()
            .is_some_and(|before| before.trim().is_empty()),
        statement_expected,
        expected,
    };
    DIAGNOSES
        .iter()
        .find_map(|diagnosis| diagnosis(&failure))
        .unwrap_or_else(|| values::unexpected_input(&failure))
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
