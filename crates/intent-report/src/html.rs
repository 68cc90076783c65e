//! The HTML report: one self-contained page (no script, no external file) to keep as a CI
//! artifact or send to a person who does not read terminals. It shows the counts, a bar chart
//! of the items' durations, every item with its checks, requests and metrics (shares drawn as
//! bars), and every failure with expected and actual, then a constant paragraph on the two
//! routes past one machine (load on a k6 cluster, monitors in Prometheus and Alertmanager).
//! Everything from the results is escaped: text from the system under test is untrusted.

use crate::text::{format_duration, item_title, line_location, metric_value, reason};
use intent_ir::{CheckResult, ItemResult, RunResult, Status};
use std::fmt::Write;

/// The most rows of an evaluation listed in the page.
const MAX_CASES: usize = 200;

pub(crate) const STYLE: &str = "
body { font: 14px/1.45 system-ui, sans-serif; margin: 2rem auto; max-width: 70rem; color: #1d1d1f; padding: 0 1rem; }
h1 { font-size: 1.5rem; } h2 { font-size: 1.15rem; margin-top: 2rem; }
table { border-collapse: collapse; width: 100%; margin: .5rem 0; }
th, td { text-align: left; padding: .25rem .5rem; border-bottom: 1px solid #e3e3e8; vertical-align: top; }
td.n, th.n { text-align: right; font-variant-numeric: tabular-nums; }
code { font: 12px ui-monospace, monospace; white-space: pre-wrap; word-break: break-word; }
.passed { color: #1a7f37; } .failed, .errored { color: #cf222e; } .not_run, .skipped { color: #9a6700; }
.badge { font-weight: 600; text-transform: uppercase; font-size: 11px; letter-spacing: .04em; }
details { border: 1px solid #e3e3e8; border-radius: 6px; margin: .5rem 0; padding: .25rem .75rem; }
summary { cursor: pointer; padding: .25rem 0; }
.bar { background: #eef0f4; height: .7rem; border-radius: 3px; min-width: 8rem; }
.bar span { display: block; height: 100%; border-radius: 3px; background: #4a72c4; }
.bar span.failed, .bar span.errored { background: #cf222e; } .muted { color: #6e6e73; }
";

/// The routes past one machine, after the items of every page. The report is often the only
/// part of Intent a person reads, and the answer to a load block or a monitor that outgrows
/// one machine is not to rewrite it for another tool but to export its spec to one (k6 for
/// load, Prometheus and Alertmanager for monitors), so the page says how. Constant text: no
/// link (the page refers to nothing outside itself) and nothing from the results.
const PAST_ONE_MACHINE: &str = "<h2>Past one machine</h2>\n<p class=\"muted\">Load bigger than one machine can drive: <code>intent compile --emit k6 -o DIR</code> writes one k6 script per load block, with its model, checks and thresholds, to run on a k6 cluster (k6-operator, Grafana Cloud k6). Monitors watched by the operations stack: <code>intent monitor --metrics ADDR</code> serves their runs to Prometheus at <code>/metrics</code>, and <code>intent compile --emit prometheus-rules</code> writes the alerting rules of their <code>alert … after N failures</code> lines for Alertmanager. See docs/interop.md and docs/monitoring.md.</p>\n";

/// The report as a complete HTML document. Ends with a newline.
pub fn html(result: &RunResult) -> String {
    let counts = result.summary();
    let (headline, class) = if result.interrupted {
        ("Intent run interrupted", "errored")
    } else if result.passed() {
        ("Intent run passed", "passed")
    } else {
        ("Intent run failed", "failed")
    };
    let mut out = String::new();
    let _ = write!(
        out,
        "<!doctype html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>{}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n<h1 class=\"{class}\">{}</h1>\n",
        escape(headline),
        escape(headline)
    );
    let _ = writeln!(
        out,
        "<p class=\"muted\">Started {} · {} · {} file(s)</p>",
        escape(&result.started_at),
        escape(&format_duration(result.duration_ms)),
        result.files.len()
    );
    let _ = writeln!(
        out,
        "<table><tr><th class=\"n\">passed</th><th class=\"n\">failed</th><th class=\"n\">errored</th><th class=\"n\">not run</th><th class=\"n\">skipped</th><th class=\"n\">checks</th><th class=\"n\">failed checks</th></tr>\n<tr><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td></tr></table>",
        counts.passed,
        counts.failed,
        counts.errored,
        counts.not_run,
        counts.skipped,
        counts.checks,
        counts.failed_checks
    );
    durations(&mut out, result);
    out.push_str("<h2>Items</h2>\n");
    for item in &result.items {
        item_section(&mut out, result, item);
    }
    out.push_str(PAST_ONE_MACHINE);
    out.push_str("</body>\n</html>\n");
    out
}

/// A bar per item that ran, as long as its share of the longest item's time.
fn durations(out: &mut String, result: &RunResult) {
    let ran: Vec<&ItemResult> = result
        .items
        .iter()
        .filter(|i| !matches!(i.status, Status::NotRun | Status::Skipped))
        .collect();
    let longest = ran.iter().map(|i| i.duration_ms).fold(0.0_f64, f64::max);
    if ran.is_empty() || longest <= 0.0 {
        return;
    }
    out.push_str("<h2>Time per item</h2>\n<table>\n");
    for item in ran {
        let width = (item.duration_ms / longest * 100.0).clamp(0.0, 100.0);
        let _ = writeln!(
            out,
            "<tr><td>{}</td><td class=\"n\">{}</td><td style=\"width:40%\"><div class=\"bar\"><span class=\"{}\" style=\"width:{width:.1}%\"></span></div></td></tr>",
            escape(&item_title(item)),
            escape(&format_duration(item.duration_ms)),
            status_class(item.status)
        );
    }
    out.push_str("</table>\n");
}

/// One item: a heading line that opens by itself when the item did not pass, then its
/// `because`, its checks, metrics and requests.
fn item_section(out: &mut String, result: &RunResult, item: &ItemResult) {
    let open = if matches!(item.status, Status::Failed | Status::Errored) {
        " open"
    } else {
        ""
    };
    let tags: String = item.tags.iter().map(|t| format!(" @{t}")).collect();
    let _ = writeln!(
        out,
        "<details{open}><summary><span class=\"badge {}\">{}</span> {} <strong>{}</strong><span class=\"muted\">{} · {} · {}</span></summary>",
        status_class(item.status),
        escape(item.status.as_str()),
        escape(item.kind.as_str()),
        escape(&item_title(item)),
        escape(&tags),
        escape(&format_duration(item.duration_ms)),
        escape(&line_location(result, &item.source))
    );
    if let Some(because) = &item.because {
        let _ = writeln!(
            out,
            "<p class=\"because\"><em>because</em> {}</p>",
            escape(because)
        );
    }
    if matches!(
        item.status,
        Status::NotRun | Status::Skipped | Status::Errored
    ) {
        let _ = writeln!(out, "<p>{}</p>", escape(&reason(item)));
    }
    if !item.checks.is_empty() {
        out.push_str("<table><tr><th></th><th>check</th><th>expected</th><th>actual</th><th>location</th></tr>\n");
        for check in &item.checks {
            check_row(out, result, check);
        }
        out.push_str("</table>\n");
    }
    if !item.metrics.is_empty() {
        out.push_str("<table><tr><th>metric</th><th class=\"n\">value</th><th></th></tr>\n");
        for metric in &item.metrics {
            // A share is drawn as a bar of its percentage.
            let bar = if metric.unit == "%" {
                format!(
                    "<div class=\"bar\"><span style=\"width:{:.1}%\"></span></div>",
                    metric.value.clamp(0.0, 100.0)
                )
            } else {
                String::new()
            };
            let _ = writeln!(
                out,
                "<tr><td><code>{}</code></td><td class=\"n\">{}</td><td style=\"width:40%\">{bar}</td></tr>",
                escape(&metric.name),
                escape(&metric_value(metric))
            );
        }
        out.push_str("</table>\n");
    }
    if !item.cases.is_empty() {
        cases_table(out, item);
    }
    if !item.requests.is_empty() {
        out.push_str("<table><tr><th>request</th><th class=\"n\">status</th><th class=\"n\">time</th></tr>\n");
        for request in &item.requests {
            let status = request.status.map_or_else(
                || request.error.clone().unwrap_or_default(),
                |s| s.to_string(),
            );
            let _ = writeln!(
                out,
                "<tr><td><code>{} {}</code></td><td class=\"n\">{}</td><td class=\"n\">{}</td></tr>",
                escape(&request.method),
                escape(&request.url),
                escape(&status),
                escape(&format_duration(request.duration_ms))
            );
        }
        out.push_str("</table>\n");
    }
    out.push_str("</details>\n");
}

/// The rows of an evaluation: status, expected and predicted label, scores; the first
/// [`MAX_CASES`], misclassified rows marked.
fn cases_table(out: &mut String, item: &ItemResult) {
    out.push_str("<table><tr><th class=\"n\">row</th><th></th><th>expected</th><th>predicted</th><th>scores</th></tr>\n");
    for case in item.cases.iter().take(MAX_CASES) {
        let label = |l: Option<&String>| l.map_or_else(String::new, |l| escape(l));
        let (expected, predicted, class) = match &case.classified {
            Some(c) => (
                label(c.expected.as_ref()),
                label(c.predicted.as_ref()),
                if c.correct() { "" } else { " class=\"failed\"" },
            ),
            None => (String::new(), String::new(), ""),
        };
        let scores: Vec<String> = case
            .scores
            .iter()
            .map(|(name, value)| format!("{}={}", escape(name), escape(&format!("{value:.3}"))))
            .collect();
        let _ = writeln!(
            out,
            "<tr><td class=\"n\">{}</td><td class=\"badge {}\">{}</td><td>{expected}</td><td{class}>{predicted}</td><td><code>{}</code></td></tr>",
            case.row,
            status_class(case.status),
            escape(case.status.as_str()),
            scores.join(" ")
        );
    }
    if item.cases.len() > MAX_CASES {
        let _ = writeln!(
            out,
            "<tr><td colspan=\"5\" class=\"muted\">… and {} more rows; the JSON report lists every one.</td></tr>",
            item.cases.len() - MAX_CASES
        );
    }
    out.push_str("</table>\n");
}

fn check_row(out: &mut String, result: &RunResult, check: &CheckResult) {
    let mut actual = check.actual.clone().unwrap_or_default();
    if let Some(message) = &check.message {
        if !actual.is_empty() {
            actual.push_str(" — ");
        }
        actual.push_str(message);
    }
    for violation in &check.violations {
        let _ = write!(actual, "\n{}: {}", violation.path, violation.message);
    }
    let _ = writeln!(
        out,
        "<tr><td class=\"badge {}\">{}</td><td><code>{}</code></td><td><code>{}</code></td><td><code>{}</code></td><td class=\"muted\">{}</td></tr>",
        status_class(check.status),
        escape(check.status.as_str()),
        escape(&check.text),
        escape(check.expected.as_deref().unwrap_or_default()),
        escape(&actual),
        escape(&line_location(result, &check.source))
    );
}

/// The CSS class of a status, one of the fixed names above (never text from the results).
fn status_class(status: Status) -> &'static str {
    match status {
        Status::Passed => "passed",
        Status::Failed => "failed",
        Status::Errored => "errored",
        Status::NotRun => "not_run",
        Status::Skipped => "skipped",
    }
}

/// Text made safe for an HTML element or a quoted attribute.
pub(crate) fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            // Shown as an escape (`\u{1b}`), as the terminal shows it: HTML cannot carry all.
            c if c.is_control() && c != '\n' && c != '\t' => {
                out.extend(c.escape_default());
            }
            c => out.push(c),
        }
    }
    out
}
