//! Quick fixes: a diagnostic whose help is `did you mean `x`?` is fixed by writing `x` in its
//! place.
//!
//! The suggestion is what the line should read, while a diagnostic's place may cover less: a
//! detector's place is the name after `pii.` that the suggestion repeats (`pii.email`), a
//! number's unit may be placed with its digits. So the part of the suggestion the text already
//! has just before the place is not written again, and the digits of a number are kept.

use crate::position::Positions;
use crate::symbols::DOCUMENT;
use intent_check::Checked;
use serde_json::{Value, json};
use std::ops::Range;

/// The quick fixes for the diagnostics of the document (`text`, `uri`) that touch `range`.
pub fn quick_fixes(checked: &Checked, uri: &str, text: &str, range: Range<usize>) -> Value {
    let positions = Positions::new(text);
    let fixes: Vec<Value> = checked
        .diagnostics
        .iter()
        .filter_map(|diagnostic| {
            let place = diagnostic
                .labels
                .first()
                .filter(|l| l.file == DOCUMENT)?
                .span
                .range();
            let touches = place.start <= range.end && range.start <= place.end;
            let suggestion = suggestion(diagnostic.help.as_deref()?)?;
            let new_text = replacement(text, place.clone(), suggestion).filter(|_| touches)?;
            let edit = json!({"range": positions.range(place), "newText": new_text});
            Some(json!({
                "title": format!("Replace with `{suggestion}`"),
                "kind": "quickfix",
                "isPreferred": true,
                "diagnostics": [crate::lsp_diagnostic(diagnostic, &positions)],
                "edit": {"changes": {uri: [edit]}},
            }))
        })
        .collect();
    json!(fixes)
}

/// The `x` of a help that starts `did you mean `x`?`.
fn suggestion(help: &str) -> Option<&str> {
    let rest = help.strip_prefix("did you mean `")?;
    let (suggested, after) = rest.split_once('`')?;
    (after.starts_with('?') && !suggested.is_empty()).then_some(suggested)
}

/// What the place should hold to read as the suggestion; none when the place is not one
/// piece of a line.
fn replacement(text: &str, place: Range<usize>, suggestion: &str) -> Option<String> {
    let old = text.get(place.clone())?;
    if old.is_empty() || old.contains('\n') {
        return None;
    }
    let before = &text[..place.start];
    let repeated = suggestion
        .char_indices()
        .map(|(i, _)| i)
        .filter(|&i| i > 0 && i < suggestion.len() && before.ends_with(&suggestion[..i]))
        .max()
        .unwrap_or(0);
    let suggestion = &suggestion[repeated..];
    let digits = if suggestion.starts_with(|c: char| c.is_ascii_digit()) {
        ""
    } else {
        let end = old
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .unwrap_or(old.len());
        &old[..end]
    };
    Some(format!("{digits}{suggestion}"))
}

#[cfg(test)]
mod tests {
    use super::{replacement, suggestion};

    #[test]
    fn suggestions_are_read_from_the_help() {
        assert_eq!(suggestion("did you mean `page_size`?"), Some("page_size"));
        assert_eq!(suggestion("did you mean `s`? units are: ms s"), Some("s"));
        assert_eq!(suggestion("did you mean \"x\"?"), None);
        assert_eq!(suggestion("did you mean ``?"), None);
        assert_eq!(suggestion("units are: ms"), None);
    }

    #[test]
    fn the_text_already_there_is_not_written_again() {
        let text = "then pii.emial in x and d < 5sec and @smok";
        let at = |s: &str| text.find(s).map(|i| i..i + s.len()).unwrap_or_default();
        assert_eq!(
            replacement(text, at("emial"), "pii.email").as_deref(),
            Some("email")
        );
        assert_eq!(replacement(text, at("5sec"), "s").as_deref(), Some("5s"));
        assert_eq!(replacement(text, at("sec"), "s").as_deref(), Some("s"));
        assert_eq!(
            replacement(text, at("smok"), "@smoke").as_deref(),
            Some("smoke")
        );
        assert_eq!(
            replacement(text, at("@smok"), "@smoke").as_deref(),
            Some("@smoke")
        );
        assert_eq!(replacement(text, 0..0, "x"), None);
        assert_eq!(replacement(text, 999..1000, "x"), None);
    }
}
