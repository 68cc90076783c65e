//! The pest parser generated from `grammar/intent.pest`. Private to this crate: pest pairs are
//! lowered into the typed tree in [`crate::lower`] and never leave it.

#[derive(pest_derive::Parser)]
#[grammar = "../../grammar/intent.pest"]
pub(crate) struct IntentParser;

/// Words that cannot be names, because they are operators or literals inside expressions:
/// the `reserved` rule of the grammar, which a test below keeps this list equal to (pest
/// cannot export a rule's words). The error messages and the OpenAPI import, which must
/// avoid them, read them here.
pub const RESERVED: [&str; 17] = [
    "and", "or", "not", "in", "is", "matches", "contains", "has", "every", "some", "true", "false",
    "null", "exists", "absent", "starts", "ends",
];

/// The other words of the grammar's keyword rules (`kw_…`), in the grammar's order: names the
/// grammar does not expect where a keyword goes, but a local called `body` or `json` would be
/// misread after a `when` line, so the OpenAPI import gives no name one of them. A test below
/// keeps this list equal to the grammar.
pub const KEYWORDS: [&str; 62] = [
    "use",
    "spec",
    "target",
    "let",
    "secret",
    "type",
    "step",
    "intent",
    "dataset",
    "evaluate",
    "load",
    "policy",
    "monitor",
    "because",
    "given",
    "when",
    "then",
    "expect",
    "examples",
    "yield",
    "score",
    "classify",
    "against",
    "arrive",
    "users",
    "for",
    "over",
    "as",
    "at",
    "confidence",
    "level",
    "applies",
    "to",
    "response",
    "from",
    "intents",
    "tagged",
    "without",
    "run",
    "alert",
    "after",
    "failures",
    "failure",
    "exact",
    "matching",
    "nonempty",
    "all",
    "header",
    "query",
    "json",
    "form",
    "multipart",
    "file",
    "body",
    "auth",
    "bearer",
    "basic",
    "timeout",
    "retry",
    "times",
    "until",
    "with",
];

/// Keyword rules carry no information beyond their presence, so lowering skips them.
pub(crate) fn is_keyword(rule: Rule) -> bool {
    use Rule::*;
    matches!(
        rule,
        kw_use
            | kw_spec
            | kw_target
            | kw_let
            | kw_secret
            | kw_type
            | kw_step
            | kw_intent
            | kw_dataset
            | kw_evaluate
            | kw_load
            | kw_policy
            | kw_monitor
            | kw_because
            | kw_given
            | kw_when
            | kw_then
            | kw_and
            | kw_expect
            | kw_examples
            | kw_yield
            | kw_score
            | kw_classify
            | kw_against
            | kw_arrive
            | kw_users
            | kw_for
            | kw_over
            | kw_as
            | kw_at
            | kw_confidence
            | kw_level
            | kw_applies
            | kw_to
            | kw_response
            | kw_from
            | kw_intents
            | kw_tagged
            | kw_without
            | kw_run
            | kw_alert
            | kw_after
            | kw_failures
            | kw_exact
            | kw_matching
            | kw_nonempty
            | kw_all
            | kw_header
            | kw_query
            | kw_json
            | kw_form
            | kw_multipart
            | kw_file
            | kw_body
            | kw_auth
            | kw_bearer
            | kw_basic
            | kw_timeout
            | kw_retry
            | kw_times
            | kw_until
            | kw_or
            | kw_not
            | kw_in
            | kw_is
            | kw_matches
            | kw_contains
            | kw_has
            | kw_every
            | kw_some
            | kw_exists
            | kw_absent
            | kw_starts
            | kw_ends
            | kw_with
            | kw_true
            | kw_false
            | kw_null
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The words of the grammar's `reserved` rule, in order.
    fn reserved_in_grammar() -> Vec<String> {
        let grammar = include_str!("../../../grammar/intent.pest");
        let start = grammar
            .find("\nreserved = @{")
            .expect("the grammar has a `reserved` rule");
        let rule = &grammar[start..];
        let rule = &rule[..rule
            .find("~ !ident_char")
            .expect("the rule ends at `~ !ident_char`")];
        literals(rule)
    }

    #[test]
    fn the_reserved_words_are_the_grammars() {
        assert_eq!(reserved_in_grammar(), RESERVED);
    }

    /// The words of the grammar's keyword rules that are not reserved, in order.
    fn keywords_in_grammar() -> Vec<String> {
        include_str!("../../../grammar/intent.pest")
            .lines()
            .filter(|line| line.starts_with("kw_"))
            .flat_map(literals)
            .filter(|word| !RESERVED.contains(&word.as_str()))
            .collect()
    }

    #[test]
    fn the_keywords_are_the_grammars() {
        assert_eq!(keywords_in_grammar(), KEYWORDS);
    }

    /// The string literals of a line of the grammar, as written (escapes kept), in order.
    fn literals(line: &str) -> Vec<String> {
        let mut out = Vec::new();
        let mut chars = line.chars();
        while let Some(c) = chars.next() {
            if c != '"' {
                continue;
            }
            let mut literal = String::new();
            while let Some(c) = chars.next() {
                match c {
                    '"' => break,
                    '\\' => {
                        literal.push(c);
                        literal.extend(chars.next());
                    }
                    _ => literal.push(c),
                }
            }
            out.push(literal);
        }
        out
    }

    /// A rule of literal text names its stop characters twice, as a rule for the first
    /// character and written out in place for the rest (so that pest scans for them): the two
    /// must be the same set, or text would end at different characters depending on where.
    #[test]
    fn literal_text_stops_at_the_same_characters_throughout() {
        let grammar = include_str!("../../../grammar/intent.pest");
        let line = |name: &str| {
            grammar
                .lines()
                .find(|l| l.split_whitespace().next() == Some(name))
                .unwrap_or_else(|| panic!("the grammar has a `{name}` rule"))
        };
        for (text, stop) in [
            ("string_text", "string_stop"),
            ("step_text", "step_stop"),
            ("path_text", "path_stop"),
        ] {
            let text_rule = line(text);
            assert!(
                text_rule.contains(&format!("!{stop} ~ ANY ~ (!(")),
                "{text} starts with `!{stop} ~ ANY` and scans for the rest: {text_rule}"
            );
            let in_place = &text_rule[text_rule.find("(!(").unwrap_or(0)..];
            let stops = literals(line(stop));
            assert!(stops.len() >= 4, "{stop}: {stops:?}");
            assert_eq!(literals(in_place), stops, "{text} and {stop}");
        }
    }
}
