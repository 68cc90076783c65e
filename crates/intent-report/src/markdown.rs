//! The Markdown report: a summary for a CI job page (`$GITHUB_STEP_SUMMARY`, a GitLab note).

use crate::text::{
    MAX_VALUE, bad_checks, errored_request, expectation, format_duration, item_title,
    line_location, metric_value, misclassified, one_line, reason,
};
use intent_ir::{ItemResult, RunResult, Status};

/// The most failure rows listed; the rest are counted (job pages have a size limit).
const MAX_ROWS: usize = 100;

/// A headline with ✅ or ❌, a table of counts, a table of failures (item, check, expected,
/// actual, location `path:line`) and why each failed intent matters (its `because`), the metrics of evaluations and load tests, the misclassified
/// rows of evaluations (twenty each), and the items not
/// run with their reasons. Table cells are escaped (`|`, Markdown punctuation, HTML), values
/// are cut at 200 characters, and at most 100 failures are listed. Ends with a newline.
pub fn markdown(result: &RunResult) -> String {
    let counts = result.summary();
    let mut out = String::new();
    let headline = if result.interrupted {
        "❌ Intent run interrupted"
    } else if result.passed() {
        "✅ Intent run passed"
    } else {
        "❌ Intent run failed"
    };
    out.push_str(&format!("## {headline}\n\n"));
    if result.interrupted {
        out.push_str("The run was stopped before every item finished.\n\n");
    }
    out.push_str(
        "| passed | failed | errored | not run | skipped | checks | failed checks | time |\n",
    );
    out.push_str("| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n");
    out.push_str(&format!(
        "| {} | {} | {} | {} | {} | {} | {} | {} |\n",
        counts.passed,
        counts.failed,
        counts.errored,
        counts.not_run,
        counts.skipped,
        counts.checks,
        counts.failed_checks,
        format_duration(result.duration_ms)
    ));

    let rows = failure_rows(result);
    if !rows.is_empty() {
        out.push_str("\n### Failures\n\n");
        out.push_str("| item | check | expected | actual | location |\n");
        out.push_str("| --- | --- | --- | --- | --- |\n");
        for row in rows.iter().take(MAX_ROWS) {
            out.push_str(&format!("| {} |\n", row.join(" | ")));
        }
        if rows.len() > MAX_ROWS {
            out.push_str(&format!(
                "\n… and {} more; the JUnit and JSON reports list every one.\n",
                rows.len() - MAX_ROWS
            ));
        }
        why_it_matters(&mut out, result);
    }

    let measured: Vec<&ItemResult> = result
        .items
        .iter()
        .filter(|i| !i.metrics.is_empty())
        .collect();
    if !measured.is_empty() {
        out.push_str("\n### Metrics\n\n");
        out.push_str("| item | metric | value |\n");
        out.push_str("| --- | --- | ---: |\n");
        for item in measured {
            for metric in &item.metrics {
                out.push_str(&format!(
                    "| {} | {} | {} |\n",
                    text_cell(&item_title(item)),
                    text_cell(&metric.name),
                    text_cell(&metric_value(metric))
                ));
            }
        }
    }

    let wrong: Vec<(String, String)> = result
        .items
        .iter()
        .filter_map(|i| Some((item_title(i), misclassified(i, 20)?)))
        .collect();
    if !wrong.is_empty() {
        out.push_str("\n### Misclassified rows\n\n");
        for (title, rows) in wrong {
            out.push_str(&format!(
                "- **{}**: {}\n",
                text_cell(&title),
                text_cell(&rows)
            ));
        }
    }

    let not_run = crate::text::not_run(result);
    if !not_run.is_empty() {
        out.push_str("\n### Not run\n\n");
        for (item, how) in not_run {
            out.push_str(&format!(
                "- {} **{}**: {how}{} ({})\n",
                item.kind.as_str(),
                text_cell(&item_title(item)),
                text_cell(&reason(item)),
                code_cell(&line_location(result, &item.source))
            ));
        }
    }
    out
}

/// The `because` of each failed or errored intent that has one, under the failures: a table
/// row per check would repeat it, and a reader of the failures needs it once.
fn why_it_matters(out: &mut String, result: &RunResult) {
    let reasons: Vec<(String, &str)> = result
        .items
        .iter()
        .filter(|i| matches!(i.status, Status::Failed | Status::Errored))
        .filter_map(|i| Some((item_title(i), i.because.as_deref()?)))
        .collect();
    if reasons.is_empty() {
        return;
    }
    out.push_str("\n**Why it matters**\n\n");
    for (title, because) in reasons {
        out.push_str(&format!(
            "- **{}**: because {}\n",
            text_cell(&title),
            text_cell(because)
        ));
    }
}

/// A row per check that did not hold, and per errored item.
fn failure_rows(result: &RunResult) -> Vec<[String; 5]> {
    let mut rows = Vec::new();
    for item in &result.items {
        if !matches!(item.status, Status::Failed | Status::Errored) {
            continue;
        }
        let title = text_cell(&item_title(item));
        let mut any = false;
        for check in bad_checks(item) {
            any = true;
            let mut actual = match (&check.actual, &check.expected) {
                (Some(actual), _) => code_cell(actual),
                (None, Some(_)) => String::new(),
                (None, None) => text_cell(&expectation(check)),
            };
            if let (Some(message), true) = (&check.message, check.actual.is_some()) {
                actual.push_str(&format!(" — {}", text_cell(message)));
            }
            rows.push([
                title.clone(),
                code_cell(&check.text),
                check.expected.as_deref().map(code_cell).unwrap_or_default(),
                actual,
                code_cell(&line_location(result, &check.source)),
            ]);
        }
        if !any {
            let what = if item.status == Status::Errored {
                "*errored*"
            } else {
                "*failed*"
            };
            let place = errored_request(item)
                .filter(|_| item.status == Status::Errored)
                .map_or(&item.source, |r| &r.source);
            rows.push([
                title.clone(),
                what.to_string(),
                String::new(),
                text_cell(&reason(item)),
                code_cell(&line_location(result, place)),
            ]);
        }
    }
    rows
}

/// Text for a table cell: one line, cut, with Markdown punctuation and HTML escaped so that the
/// text shows as written (and a `|` does not end the cell).
pub(crate) fn text_cell(text: &str) -> String {
    let mut out = String::new();
    for c in one_line(text, MAX_VALUE).chars() {
        if matches!(
            c,
            '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '|' | '~' | '&' | '#'
        ) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// A code span for a table cell: one line, cut, fenced with more backticks than it contains,
/// and with `|` escaped (GitHub reads `\|` as `|` even inside code in a table).
pub(crate) fn code_cell(text: &str) -> String {
    let text = one_line(text, MAX_VALUE);
    if text.is_empty() {
        return String::new();
    }
    let mut longest = 0;
    let mut run = 0;
    for c in text.chars() {
        run = if c == '`' { run + 1 } else { 0 };
        longest = longest.max(run);
    }
    let fence = "`".repeat(longest + 1);
    let pad = if text.starts_with('`') || text.ends_with('`') {
        " "
    } else {
        ""
    };
    format!("{fence}{pad}{}{pad}{fence}", text.replace('|', "\\|"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_escape_pipes_markup_and_newlines() {
        assert_eq!(text_cell("a | b\n<i>"), "a \\| b\\\\n\\<i\\>");
        assert_eq!(code_cell("a | b"), "`a \\| b`");
        assert_eq!(code_cell("x `y` z"), "``x `y` z``");
        assert_eq!(code_cell("`y`"), "`` `y` ``");
        assert_eq!(code_cell(""), "");
    }
}
