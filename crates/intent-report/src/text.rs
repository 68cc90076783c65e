//! Wording shared by every format: durations, locations, titles and expectations.

use intent_ir::{
    CheckResult, ItemKind, ItemResult, Metric, RequestRecord, RunResult, Source, Violation,
};

/// The most violations listed for one check; the rest are counted.
pub(crate) const MAX_VIOLATIONS: usize = 10;

/// A duration for people: whole milliseconds under 10 s (`12 ms`), else seconds with one
/// decimal (`12.3 s`). Negative or non-finite values read as `0 ms`.
pub fn format_duration(ms: f64) -> String {
    let ms = if ms.is_finite() { ms.max(0.0) } else { 0.0 };
    if ms.round() < 10_000.0 {
        format!("{ms:.0} ms")
    } else {
        format!("{:.1} s", ms / 1000.0)
    }
}

/// A metric's value for people: at most three decimals, without trailing zeros, and its unit
/// (`92.5%`, `49.8/s`, `12.346 ms`, `0.412`).
pub fn metric_value(metric: &Metric) -> String {
    let value = if metric.value.is_finite() {
        let text = format!("{:.3}", metric.value);
        text.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        metric.value.to_string()
    };
    match metric.unit.as_str() {
        "" | "%" | "/s" => format!("{value}{}", metric.unit),
        unit => format!("{value} {unit}"),
    }
}

/// The rows of an evaluation whose prediction was wrong, as `row 2 (expected "returns", got
/// "billing")`, at most `max` of them and then how many more; `None` when every classified row
/// was right.
pub(crate) fn misclassified(item: &ItemResult, max: usize) -> Option<String> {
    let label = |l: &Option<String>| {
        l.as_ref()
            .map_or_else(|| "nothing".to_string(), |l| format!("{l:?}"))
    };
    let wrong: Vec<String> = item
        .cases
        .iter()
        .filter_map(|case| {
            let c = case.classified.as_ref().filter(|c| !c.correct())?;
            Some(format!(
                "row {} (expected {}, got {})",
                case.row,
                label(&c.expected),
                label(&c.predicted)
            ))
        })
        .collect();
    if wrong.is_empty() {
        return None;
    }
    let mut text = wrong
        .iter()
        .take(max)
        .cloned()
        .collect::<Vec<_>>()
        .join(", ");
    // Past the rows an evaluation keeps, misclassified rows are only counted.
    let more = wrong.len().saturating_sub(max) + item.misclassified_omitted;
    if more > 0 {
        text.push_str(&format!(" and {more} more"));
    }
    Some(format!("misclassified: {text}"))
}

/// The path of spec file `file`, or a stand-in when the results do not list it.
pub(crate) fn spec_path(result: &RunResult, file: u32) -> String {
    result
        .files
        .get(file as usize)
        .map(|f| f.path.clone())
        .unwrap_or_else(|| format!("<file {file}>"))
}

/// `path:line:column`.
pub(crate) fn location(result: &RunResult, source: &Source) -> String {
    format!(
        "{}:{}:{}",
        spec_path(result, source.file),
        source.line,
        source.column
    )
}

/// `path:line`.
pub(crate) fn line_location(result: &RunResult, source: &Source) -> String {
    format!("{}:{}", spec_path(result, source.file), source.line)
}

/// The title, and for an example row its values: `Coupons change the total [code="HALF", total=9.99]`.
pub(crate) fn item_title(item: &ItemResult) -> String {
    if item.example.is_empty() {
        return item.title.clone();
    }
    let values: Vec<String> = item
        .example
        .iter()
        .map(|(column, value)| format!("{column}={value}"))
        .collect();
    format!("{} [{}]", item.title, values.join(", "))
}

/// The title in quotes, then an example row's values: `"Coupons change the total" [code="HALF"]`.
pub(crate) fn quoted_title(item: &ItemResult) -> String {
    let title = format!("\"{}\"", item.title);
    match item_title(item).strip_prefix(&item.title) {
        Some(values) => format!("{title}{values}"),
        None => title,
    }
}

/// The item's kind as a noun for sentences: `intent`, `evaluation`, `load test`.
pub(crate) fn kind_noun(kind: ItemKind) -> &'static str {
    match kind {
        ItemKind::Intent => "intent",
        ItemKind::Evaluation => "evaluation",
        ItemKind::Load => "load test",
        ItemKind::Policy => "policy",
        ItemKind::Monitor => "monitor",
    }
}

/// What a failed check wanted and got: `expected 201, found 500`; falls back on the message.
pub(crate) fn expectation(check: &CheckResult) -> String {
    match (&check.expected, &check.actual) {
        (Some(expected), Some(actual)) => format!("expected {expected}, found {actual}"),
        (Some(expected), None) => format!("expected {expected}"),
        (None, Some(actual)) => format!("found {actual}"),
        (None, None) => match (&check.message, check.status) {
            (Some(message), intent_ir::Status::Errored) => {
                format!("could not be evaluated: {message}")
            }
            (Some(message), _) => message.clone(),
            (None, intent_ir::Status::Errored) => "could not be evaluated".to_string(),
            (None, _) => "did not hold".to_string(),
        },
    }
}

/// The message of a check when it adds to [`expectation`] (which already used it otherwise).
pub(crate) fn extra_message(check: &CheckResult) -> Option<&str> {
    let used = check.expected.is_none() && check.actual.is_none();
    check.message.as_deref().filter(|_| !used)
}

/// `POST http://shop/orders → 500`, or the transport error instead of a status.
pub(crate) fn request_line(request: &RequestRecord) -> String {
    let outcome = match (&request.error, request.status) {
        (Some(error), _) => error.clone(),
        (None, Some(status)) => status.to_string(),
        (None, None) => "no response".to_string(),
    };
    format!("{} {} → {outcome}", request.method, request.url)
}

/// The request a check read, when the results say which.
pub(crate) fn check_request<'a>(
    item: &'a ItemResult,
    check: &CheckResult,
) -> Option<&'a RequestRecord> {
    check.request.and_then(|i| item.requests.get(i))
}

/// The request an errored item stopped at: the last one that got no response (an item can
/// also error without one, when a step or a dataset failed).
pub(crate) fn errored_request(item: &ItemResult) -> Option<&RequestRecord> {
    item.requests.iter().rev().find(|r| r.error.is_some())
}

/// Why an errored, not-run or skipped item ended that way.
pub(crate) fn reason(item: &ItemResult) -> String {
    if let Some(reason) = &item.reason {
        return reason.clone();
    }
    match item.status {
        intent_ir::Status::Errored => errored_request(item)
            .and_then(|r| r.error.clone())
            .unwrap_or_else(|| "could not be carried out".to_string()),
        intent_ir::Status::Skipped => "something it depends on failed".to_string(),
        intent_ir::Status::NotRun => "no reason given".to_string(),
        _ => String::new(),
    }
}

/// The intent's `because` as a sentence, `because revenue depends on …`, for the reports that
/// show it with a failure: what is at stake is what a reader of the failure needs first.
pub(crate) fn because(item: &ItemResult) -> Option<String> {
    item.because.as_ref().map(|b| format!("because {b}"))
}

/// `$.items[0].qty: must be at least 1`.
pub(crate) fn violation_line(violation: &Violation) -> String {
    format!("{}: {}", violation.path, violation.message)
}

/// The checks that did not hold (failed, or could not be evaluated).
pub(crate) fn bad_checks(item: &ItemResult) -> impl Iterator<Item = &CheckResult> {
    item.checks.iter().filter(|c| {
        matches!(
            c.status,
            intent_ir::Status::Failed | intent_ir::Status::Errored
        )
    })
}

/// Text safe for one terminal or table line: control characters (including newlines and the
/// escape that starts ANSI sequences) are written as escapes, and long text is cut at `max`
/// characters with `…`.
pub(crate) fn one_line(text: &str, max: usize) -> String {
    let mut out = String::with_capacity(text.len().min(max + 8));
    for (count, c) in text.chars().enumerate() {
        if count == max {
            out.push('…');
            break;
        }
        match c {
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c.is_control() => out.push_str(&c.escape_unicode().to_string()),
            c => out.push(c),
        }
    }
    out
}

/// The longest text shown for a value in a line of a report.
pub(crate) const MAX_VALUE: usize = 200;

/// The items that did not run, each with `skipped: ` before its reason when it was skipped,
/// for the summaries that list them.
pub(crate) fn not_run(result: &RunResult) -> Vec<(&ItemResult, &'static str)> {
    result
        .items
        .iter()
        .filter(|i| {
            matches!(
                i.status,
                intent_ir::Status::NotRun | intent_ir::Status::Skipped
            )
        })
        .map(|i| {
            (
                i,
                if i.status == intent_ir::Status::Skipped {
                    "skipped: "
                } else {
                    ""
                },
            )
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_are_ms_under_ten_seconds_else_seconds() {
        assert_eq!(format_duration(0.0), "0 ms");
        assert_eq!(format_duration(12.4), "12 ms");
        assert_eq!(format_duration(9_999.0), "9999 ms");
        assert_eq!(format_duration(9_999.7), "10.0 s");
        assert_eq!(format_duration(12_345.0), "12.3 s");
        assert_eq!(format_duration(-3.0), "0 ms");
        assert_eq!(format_duration(f64::NAN), "0 ms");
    }

    #[test]
    fn one_line_escapes_control_characters_and_cuts_long_text() {
        assert_eq!(
            one_line("a\nb\r\tc\u{1b}[31m", 100),
            "a\\nb\\r\\tc\\u{1b}[31m"
        );
        assert_eq!(one_line("abcdef", 3), "abc…");
        assert_eq!(one_line("abc", 3), "abc");
    }
}
