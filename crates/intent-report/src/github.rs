//! GitHub Actions workflow commands: an inline error on the spec line of each failure.
//!
//! Print the output to standard output in a job where `GITHUB_ACTIONS=true`; GitHub turns each
//! `::error` line into an annotation on the file and line it names.

use crate::text::{
    MAX_VIOLATIONS, bad_checks, because, check_request, errored_request, expectation,
    extra_message, item_title, kind_noun, reason, request_line, violation_line,
};
use intent_ir::{ItemResult, RunResult, Source, Status};

/// One `::error file=PATH,line=N,col=C,title=TITLE::MESSAGE` line per check that did not hold
/// and per errored item (`::warning` for a failed check of an item that did not fail). The
/// message is several lines (escaped as `%0A`): the check and what was found, the request, the
/// check's message, up to ten violations and the intent's `because`. Empty when nothing failed.
pub fn github_annotations(result: &RunResult) -> String {
    let mut out = String::new();
    for item in &result.items {
        let level = match item.status {
            Status::Failed | Status::Errored => "error",
            _ => "warning",
        };
        let mut any = false;
        for check in bad_checks(item) {
            any = true;
            let mut message = vec![format!("{}: {}", check.text, expectation(check))];
            if let Some(request) = check_request(item, check) {
                message.push(request_line(request));
            }
            if let Some(extra) = extra_message(check) {
                message.push(extra.to_string());
            }
            message.extend(
                check
                    .violations
                    .iter()
                    .take(MAX_VIOLATIONS)
                    .map(violation_line),
            );
            if check.violations.len() > MAX_VIOLATIONS {
                message.push(format!(
                    "… and {} more violations",
                    check.violations.len() - MAX_VIOLATIONS
                ));
            }
            push(&mut out, result, level, &check.source, item, &message);
        }
        if matches!(item.status, Status::Errored | Status::Failed) && !any {
            let what = if item.status == Status::Errored {
                "could not be carried out"
            } else {
                "failed"
            };
            let mut message = vec![format!("{} {what}: {}", kind_noun(item.kind), reason(item))];
            let mut place = &item.source;
            if item.status == Status::Errored {
                if let Some(request) = errored_request(item) {
                    message.push(request_line(request));
                    place = &request.source;
                }
            }
            push(&mut out, result, "error", place, item, &message);
        }
    }
    out
}

/// Writes one annotation; the intent's `because` ends its message.
fn push(
    out: &mut String,
    result: &RunResult,
    level: &str,
    source: &Source,
    item: &ItemResult,
    message: &[String],
) {
    let message: Vec<String> = message.iter().cloned().chain(because(item)).collect();
    let mut properties = Vec::new();
    // Without a file GitHub shows the annotation on the run, not on a line.
    if let Some(file) = result.files.get(source.file as usize) {
        properties.push(format!("file={}", escape_property(&file.path)));
        properties.push(format!("line={}", source.line));
        properties.push(format!("col={}", source.column));
    }
    properties.push(format!("title={}", escape_property(&item_title(item))));
    out.push_str(&format!(
        "::{level} {}::{}\n",
        properties.join(","),
        escape_data(&message.join("\n"))
    ));
}

/// The message of a workflow command: `%`, `\r` and `\n` are percent-encoded.
fn escape_data(text: &str) -> String {
    text.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// A property of a workflow command: as [`escape_data`], and also `:` and `,`.
fn escape_property(text: &str) -> String {
    escape_data(text).replace(':', "%3A").replace(',', "%2C")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_follow_githubs_rules() {
        assert_eq!(escape_data("50%\r\nok: a,b"), "50%25%0D%0Aok: a,b");
        assert_eq!(escape_property("a:b,c%\n"), "a%3Ab%2Cc%25%0A");
    }
}
