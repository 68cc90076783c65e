//! Diagnoses about what a line was waiting for: a regex or a type, the words of a step call, a
//! name, a value, a keyword the line cannot do without, a table row, a `,` between entries;
//! text after a complete statement; and, when nothing else recognises the mistake, what was
//! expected in words.

use super::Failure;
use super::tables::{ALTERNATIVES, CLAUSE_KEYWORDS, REQUIRED_KEYWORDS};
use super::text::{describe_tokens, previous_word_at, unexpected};
use crate::grammar::RESERVED;
use crate::grammar::Rule;
use intent_source::{Diagnostic, Span, code};

/// `matching` followed by something other than a regex.
pub(super) fn matching_without_regex(f: &Failure<'_>) -> Option<Diagnostic> {
    let recognised = f.previous == "matching" && f.expected.token("/");
    if !recognised {
        return None;
    }
    Some(
        f.diagnostic(
            code::EXPECTED_TYPE,
            format!(
                "`matching` needs a regex such as `/^[A-Z]+$/`, found {}",
                f.found
            ),
        )
        .with_label("expected a regex")
        .with_help("write the pattern between slashes: `string matching /^[A-Z]{2}-\\d{4}$/`"),
    )
}

/// `sku: matching /re/`: a refinement with no type before it (`matching` reads as a type name,
/// then the regex is found).
pub(super) fn matching_without_type(f: &Failure<'_>) -> Option<Diagnostic> {
    let recognised = f.expected.token("matching") && f.previous == "matching";
    if !recognised {
        return None;
    }
    let (start, _) = previous_word_at(f.text, f.at);
    Some(
        Diagnostic::new(
            code::EXPECTED_TYPE,
            "`matching` refines a type, but no type comes before it",
            f.file,
            Span::new(start, start + f.previous.len()),
        )
        .with_label("no type before this")
        .with_help("write the type first, such as `string matching /^[A-Z]{2}$/`"),
    )
}

/// Something other than a type where a type was expected.
pub(super) fn expected_type(f: &Failure<'_>) -> Option<Diagnostic> {
    let recognised = f.expected.rule(&[
        Rule::type_expr,
        Rule::named_type,
        Rule::list_type,
        Rule::record_type,
        Rule::literal_type,
    ]) || f.expected.rule(&[Rule::type_term]) && f.expected.token("exact");
    if !recognised {
        return None;
    }
    let diag = f
        .diagnostic(
            code::EXPECTED_TYPE,
            format!("expected a type, found {}", f.found),
        )
        .with_label("expected a type");
    if f.word.is_empty() && f.text[f.at..].starts_with(['<', '>', '!']) {
        return Some(
            diag.with_help(
                "a comparison refines a type and comes after it, such as `decimal >= 0`",
            ),
        );
    }
    Some(diag.with_help("types are names like `string` or `Order`, lists `[T]`, records `{ f: T }` or literals `\"a\" | \"b\"`"))
}

/// A line read as a prose step call that stops on something a step call cannot hold: a
/// binding whose name is a keyword, a request line gone wrong, a method in lower case.
pub(super) fn bad_step_call(f: &Failure<'_>) -> Option<Diagnostic> {
    let (text, at) = (f.text, f.at);
    let recognised = f.expected.rule(&[Rule::step_call, Rule::step_word])
        && !f.expected.rule(&[Rule::expr, Rule::inner_expr])
        && at < text.len();
    if !recognised {
        return None;
    }
    // `given every = 20`: a binding whose name is a keyword reads as a prose step call,
    // which then stops at the `=`.
    let (prev_start, prev) = previous_word_at(text, at);
    if f.word.is_empty() && text[at..].starts_with('=') && RESERVED.contains(&prev) {
        return Some(
            Diagnostic::new(
                code::KEYWORD_AS_NAME,
                format!("`{prev}` is a keyword and cannot be used as a name"),
                f.file,
                Span::new(prev_start, prev_start + prev.len()),
            )
            .with_label("keyword")
            .with_help(format!("choose another name, such as `{prev}_value`")),
        );
    }
    let line = text[..at].rsplit('\n').next().unwrap_or("").trim_start();
    let method = line
        .strip_prefix("when ")
        .and_then(|rest| rest.split_whitespace().next())
        .is_some_and(|w| w.chars().all(|c| c.is_ascii_uppercase()));
    if method {
        return Some(f.diagnostic(
            code::UNEXPECTED_INPUT,
            format!("{} in a request line", unexpected(&f.found)),
        )
        .with_label("unexpected here")
        .with_help("a request reads `when GET shop /orders`: the method, the name of a target, then the path"));
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
        return Some(
            f.diagnostic(
                code::UNEXPECTED_INPUT,
                format!("{} in a step call", unexpected(&f.found)),
            )
            .with_label("not allowed in a step call")
            .with_help(format!(
                "`{word}` is not read as an HTTP method: methods are written in capitals, \
                 `when {} …`",
                word.to_ascii_uppercase()
            )),
        );
    }
    Some(f.diagnostic(
        code::UNEXPECTED_INPUT,
        format!("{} in a step call", unexpected(&f.found)),
    )
    .with_label("not allowed in a step call")
    .with_help("a step call is written in plain words (letters, digits, `'`, `-` and punctuation), with \"strings\", numbers, lists, objects or `(expressions)` as arguments; put other text in quotes"))
}

/// The file ends in the middle of an item.
pub(super) fn unexpected_end(f: &Failure<'_>) -> Option<Diagnostic> {
    if f.at < f.text.len() {
        return None;
    }
    // A label at the very end of the file would not be shown: point at the last word.
    let (start, last) = previous_word_at(f.text, f.at);
    let end = f.text.trim_end().len();
    let span = if last.is_empty() {
        Span::new(end.saturating_sub(1), end)
    } else {
        Span::new(start, start + last.len())
    };
    Some(
        Diagnostic::new(
            code::UNEXPECTED_END,
            "the file ends in the middle of an item",
            f.file,
            span,
        )
        .with_label("the file ends after this")
        .with_help("finish the item, or remove its incomplete last line"),
    )
}

/// Something other than a name where only a name fits.
pub(super) fn expected_name(f: &Failure<'_>) -> Option<Diagnostic> {
    let recognised = f.expected.rule(&[Rule::ident])
        && !f.expected.rule(&[
            Rule::expr,
            Rule::inner_expr,
            Rule::number,
            Rule::string,
            Rule::list,
            Rule::object,
            Rule::step_call,
        ]);
    if !recognised {
        return None;
    }
    Some(f.diagnostic(code::UNEXPECTED_INPUT, format!("expected a name, found {}", f.found))
        .with_label("expected a name")
        .with_help(
            "a name starts with a letter or `_` and holds letters, digits and `_`, such as `order` or `page_size`",
        ))
}

/// Something other than a value where a value or an expression was expected.
pub(super) fn expected_expression(f: &Failure<'_>) -> Option<Diagnostic> {
    let recognised = f.expected.rule(&[
        Rule::expr,
        Rule::inner_expr,
        Rule::number,
        Rule::ident,
        Rule::list,
        Rule::object,
        Rule::quantifier,
    ]) && !f.expected.token("==");
    if !recognised {
        return None;
    }
    let (text, at, previous) = (f.text, f.at, f.previous);
    let rest = &text[at..];
    let help = if f.word == "absent" && previous == "not" {
        "`is not absent` is written `exists`: `body.coupon exists`".to_string()
    } else if rest.starts_with('\'') {
        "strings are written in double quotes, such as \"paid\"".to_string()
    } else if rest.starts_with('=') && text[..at].trim_end().ends_with("==") {
        "compare with `==`".to_string()
    } else if rest.starts_with(':') && f.expected.rule(&[Rule::spec_item]) {
        format!("a metadata entry reads `{previous} \"value\"`, without `:`")
    } else {
        "for example a number, a \"string\", a name, `body.field` or `status == 200`".to_string()
    };
    Some(
        f.diagnostic(
            code::EXPECTED_EXPRESSION,
            format!("expected a value or an expression, found {}", f.found),
        )
        .with_label("expected an expression")
        .with_help(help),
    )
}

/// A line without a keyword it cannot do without (`times`, `until`, `for`, …).
pub(super) fn required_keyword(f: &Failure<'_>) -> Option<Diagnostic> {
    let (keyword, form) = REQUIRED_KEYWORDS
        .iter()
        .find(|(k, _)| f.expected.token(k) && (*k != "as" || !f.expected.token("->")))?;
    Some(
        f.diagnostic(
            code::UNEXPECTED_INPUT,
            format!("expected `{keyword}`, found {}", f.found),
        )
        .with_label(format!("expected `{keyword}` here"))
        .with_help(format!("this line reads {form}")),
    )
}

/// `examples` not followed by the rows of a table.
pub(super) fn expected_table(f: &Failure<'_>) -> Option<Diagnostic> {
    let recognised =
        f.expected.rule(&[Rule::examples_stmt, Rule::table_row]) && f.previous == "examples";
    if !recognised {
        return None;
    }
    Some(
        f.diagnostic(
            code::UNEXPECTED_INPUT,
            format!("expected the rows of a table, found {}", f.found),
        )
        .with_label("expected a table row")
        .with_help("the lines after `examples` hold a table, one row per line: `| code | total |`"),
    )
}

/// Two entries of a list or an object on one line without a `,` between them.
pub(super) fn missing_comma(f: &Failure<'_>) -> Option<Diagnostic> {
    let recognised = f.expected.token(",")
        && (f.expected.token("}") || f.expected.token("]"))
        && !f.at_line_start;
    if !recognised {
        return None;
    }
    Some(
        f.diagnostic(
            code::UNEXPECTED_INPUT,
            format!("expected `,` between entries, found {}", f.found),
        )
        .with_label("expected `,` before this")
        .with_help(
            "separate the entries of a list or an object with `,`, or put each on its own line",
        ),
    )
}

/// Text after a complete statement: `&&`, `||`, a single `=`, or anything else.
pub(super) fn trailing_input(f: &Failure<'_>) -> Option<Diagnostic> {
    let recognised = f.expected.token("==")
        || f.expected.token("at")
        || f.expected.token("}") && f.at_line_start;
    if !recognised {
        return None;
    }
    let rest = &f.text[f.at..];
    let help = if rest.starts_with("&&") {
        "join conditions with `and`"
    } else if rest.starts_with('=') && !rest.starts_with("==") {
        "to compare two values, write `==`"
    } else if rest.starts_with("||") {
        "join alternatives with `or`"
    } else {
        "a statement ends at the end of its line; start a new line or join the parts with an operator"
    };
    Some(
        f.diagnostic(
            code::TRAILING_INPUT,
            format!("{} after a complete statement", unexpected(&f.found)),
        )
        .with_label("unexpected here")
        .with_help(help),
    )
}

/// What nothing more specific recognises: a request clause written on the `when` line
/// (`when POST shop /orders json {...}`), else what was expected, in words.
pub(super) fn unexpected_input(f: &Failure<'_>) -> Diagnostic {
    let found = &f.found;
    let word = f.text[f.at..]
        .split(|c: char| !c.is_ascii_alphanumeric())
        .next()
        .unwrap_or("");
    if CLAUSE_KEYWORDS.contains(&word) && (f.expected.token("->") || f.expected.token("as")) {
        return f
            .diagnostic(
                code::UNEXPECTED_INPUT,
                format!("the request clause `{word}` must go on its own line"),
            )
            .with_label("a clause on the `when` line")
            .with_help(format!(
                "put `{word} …` on the next line, under its `when` (a request's clauses follow it, \
                 one per line)"
            ));
    }
    let names = describe_tokens(&f.expected.tokens);
    let message = match names.as_slice() {
        [] => unexpected(found),
        [one] => format!("expected {one}, found {found}"),
        [init @ .., last] if names.len() <= 4 => {
            format!("expected {} or {last}, found {found}", init.join(", "))
        }
        _ => unexpected(found),
    };
    let help = if let Some((_, form)) = ALTERNATIVES.iter().find(|(t, _)| f.expected.token(t)) {
        form.to_string()
    } else if names.is_empty() || names.len() <= 4 {
        "check the syntax of this line against docs/language.md".to_string()
    } else {
        format!("expected one of: {}", names.join(", "))
    };
    f.diagnostic(code::UNEXPECTED_INPUT, message)
        .with_label("unexpected here")
        .with_help(help)
}
