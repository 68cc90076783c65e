//! The terminal report: a line per item as it finishes, each failure drawn like a compiler
//! error, and a closing summary.

use crate::text::{
    MAX_VALUE, MAX_VIOLATIONS, bad_checks, because, check_request, errored_request, expectation,
    extra_message, format_duration, item_title, kind_noun, location, metric_value, misclassified,
    one_line, quoted_title, reason, request_line, violation_line,
};
use intent_ir::{CheckResult, ItemResult, RunResult, Source, Status};
use intent_source::{FileId, Label, RenderOptions, Severity, SourceMap, Span, render_snippet};

/// How to draw for a person.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct TerminalOptions {
    /// Use ANSI colours. The caller decides (a terminal, and `NO_COLOR` unset).
    pub color: bool,
    /// The width failure reports wrap at.
    pub width: usize,
    /// Also list each check under its item, and every request of a failed item.
    pub verbose: bool,
}

impl TerminalOptions {
    /// The fixed, colourless form used by snapshot tests and non-terminal output.
    pub fn plain() -> Self {
        Self {
            color: false,
            width: 100,
            verbose: false,
        }
    }
}

pub(crate) const GREEN: &str = "\x1b[32m";
pub(crate) const RED: &str = "\x1b[31m";
pub(crate) const YELLOW: &str = "\x1b[33m";
pub(crate) const DIM: &str = "\x1b[2m";
const RESET: &str = "\x1b[0m";

/// `text` in `colour` when colours are on.
pub(crate) fn paint(text: &str, colour: &str, options: &TerminalOptions) -> String {
    let mut painted = String::with_capacity(text.len() + 9);
    push_painted(&mut painted, text, colour, options);
    painted
}

/// Appends `text` to `out` as [`paint`] would draw it, without a string of its own: a line per
/// item is drawn for each of thousands of fast intents.
fn push_painted(out: &mut String, text: &str, colour: &str, options: &TerminalOptions) {
    if options.color {
        out.push_str(colour);
        out.push_str(text);
        out.push_str(RESET);
    } else {
        out.push_str(text);
    }
}

fn mark(status: Status) -> (&'static str, &'static str) {
    match status {
        Status::Passed => ("✓", GREEN),
        Status::Failed => ("✗", RED),
        Status::Errored => ("!", RED),
        Status::NotRun => ("-", YELLOW),
        Status::Skipped => ("-", DIM),
    }
}

/// One line per item as it finishes: status mark, kind, title (with the values of an example
/// row) and duration, such as `  ✓ intent  A shopper can place an order (12 ms)`. Failed items
/// are marked `✗`, errored ones `!`, and items not run or skipped `-` with their reason instead of
/// a duration. A failed or errored intent's `because` follows on its own line, indented (what
/// is at stake, read before the details). With `verbose`, a line per check and per metric
/// follows, indented; otherwise
/// the metrics of an evaluation follow on one line, and then its misclassified rows (the first
/// five; all of them with `verbose`). No trailing newline.
pub fn item_line(item: &ItemResult, options: &TerminalOptions) -> String {
    let (symbol, colour) = mark(item.status);
    let tail = match item.status {
        Status::NotRun => format!("(not run: {})", one_line(&reason(item), MAX_VALUE)),
        Status::Skipped => format!("(skipped: {})", one_line(&reason(item), MAX_VALUE)),
        _ => format!("({})", format_duration(item.duration_ms)),
    };
    let title = one_line(&item_title(item), 500);
    let mut line = String::with_capacity(title.len() + tail.len() + 32);
    line.push_str("  ");
    push_painted(&mut line, symbol, colour, options);
    line.push(' ');
    line.push_str(item.kind.as_str());
    line.push_str("  ");
    line.push_str(&title);
    line.push(' ');
    push_painted(&mut line, &tail, DIM, options);
    if matches!(item.status, Status::Failed | Status::Errored)
        && let Some(because) = because(item)
    {
        line.push_str(&format!("\n      {}", one_line(&because, 500)));
    }
    if options.verbose {
        for check in &item.checks {
            let (symbol, colour) = mark(check.status);
            line.push_str(&format!(
                "\n      {} {}",
                paint(symbol, colour, options),
                one_line(&check.text, MAX_VALUE)
            ));
            if matches!(check.status, Status::Failed | Status::Errored) {
                line.push_str(&format!(
                    ": {}",
                    paint(&one_line(&expectation(check), MAX_VALUE), colour, options)
                ));
            }
        }
        for metric in &item.metrics {
            line.push_str(&format!(
                "\n      {} = {}",
                one_line(&metric.name, MAX_VALUE),
                metric_value(metric)
            ));
        }
    } else if !item.metrics.is_empty() {
        let metrics: Vec<String> = item
            .metrics
            .iter()
            .map(|m| format!("{} = {}", one_line(&m.name, MAX_VALUE), metric_value(m)))
            .collect();
        line.push_str(&format!(
            "\n      {}",
            paint(&metrics.join(" · "), DIM, options)
        ));
    }
    if let Some(wrong) = misclassified(item, if options.verbose { usize::MAX } else { 5 }) {
        line.push_str(&format!("\n      {}", one_line(&wrong, 2000)));
    }
    line
}

/// Every check that did not hold, and every errored item, drawn like a compiler error: the spec
/// file and line with the expectation underlined and labelled `expected 201, found 500`, the
/// request that produced the response (`help: POST http://… → 500`), the check's message and up
/// to ten type violations. Failed checks of an item that did not fail (a policy at level `warn`)
/// are drawn as warnings. When the text of a spec file is not in `sources`, a plain
/// `path:line:column` line stands in for the snippet. Empty when nothing failed.
pub fn failures(result: &RunResult, sources: &SourceMap, options: &TerminalOptions) -> String {
    let mut blocks = Vec::new();
    for item in &result.items {
        let severity = match item.status {
            Status::Failed | Status::Errored => Severity::Error,
            _ => Severity::Warning,
        };
        let mut drawn = false;
        for check in bad_checks(item) {
            blocks.push(check_failure(
                result, sources, options, item, check, severity,
            ));
            drawn = true;
        }
        // An errored item's cause is its failed request check, drawn above; the item itself
        // is drawn only when no check says why, and not when it waited for a target that could
        // not be reached: the summary says that once.
        if matches!(item.status, Status::Errored | Status::Failed)
            && !drawn
            && item.unreachable.is_none()
        {
            blocks.push(item_failure(result, sources, options, item));
        }
    }
    blocks.join("\n")
}

/// A check that failed or could not be evaluated.
fn check_failure(
    result: &RunResult,
    sources: &SourceMap,
    options: &TerminalOptions,
    item: &ItemResult,
    check: &CheckResult,
    severity: Severity,
) -> String {
    let request = check_request(item, check);
    let noun = kind_noun(item.kind);
    let quoted = one_line(&quoted_title(item), 500);
    // A request that got no response is not a check that failed: the item could not be
    // carried out, and is headed so.
    let no_response = request
        .and_then(|r| r.error.as_ref())
        .filter(|_| check.status == Status::Errored);
    let (title, said) = match no_response {
        Some(error) => (
            format!("{noun} {quoted} could not be carried out"),
            format!("no response: {error}"),
        ),
        None if check.status == Status::Errored => (
            format!("check could not be evaluated in {noun} {quoted}"),
            expectation(check),
        ),
        None => (
            format!("check failed in {noun} {quoted}"),
            expectation(check),
        ),
    };
    let mut labels = vec![(&check.source, one_line(&said, MAX_VALUE))];
    let mut help = Vec::new();
    if let Some(request) = request {
        let said = match (&request.error, request.status) {
            (Some(error), _) => format!("this request failed: {}", one_line(error, MAX_VALUE)),
            (None, Some(status)) => format!("this request returned {status}"),
            (None, None) => "this request got no response".to_string(),
        };
        labels.push((&request.source, said));
        help.push(one_line(&request_line(request), 2 * MAX_VALUE));
    }
    if !item.example.is_empty() {
        labels.push((&item.source, "in this example row".to_string()));
    }
    if let Some(message) = extra_message(check) {
        help.push(one_line(message, 2 * MAX_VALUE));
    }
    for violation in check.violations.iter().take(MAX_VIOLATIONS) {
        help.push(one_line(&violation_line(violation), 2 * MAX_VALUE));
    }
    if check.violations.len() > MAX_VIOLATIONS {
        help.push(format!(
            "… and {} more violations",
            check.violations.len() - MAX_VIOLATIONS
        ));
    }
    if options.verbose {
        push_all_requests(item, &mut help);
    }
    snippet(
        result,
        sources,
        options,
        (&title, &check.text),
        severity,
        &labels,
        &help,
    )
}

/// An item that errored, or failed without a failed check to point at.
fn item_failure(
    result: &RunResult,
    sources: &SourceMap,
    options: &TerminalOptions,
    item: &ItemResult,
) -> String {
    let why = one_line(&reason(item), 2 * MAX_VALUE);
    let what = if item.status == Status::Errored {
        "could not be carried out"
    } else {
        "failed"
    };
    let title = format!(
        "{} {} {what}",
        kind_noun(item.kind),
        one_line(&quoted_title(item), 500)
    );
    let mut help = Vec::new();
    let request = errored_request(item).filter(|_| item.status == Status::Errored);
    let place = match request {
        Some(request) => {
            help.push(one_line(&request_line(request), 2 * MAX_VALUE));
            &request.source
        }
        None => &item.source,
    };
    let labels = [(place, why)];
    if options.verbose {
        push_all_requests(item, &mut help);
    }
    snippet(
        result,
        sources,
        options,
        (&title, ""),
        Severity::Error,
        &labels,
        &help,
    )
}

fn push_all_requests(item: &ItemResult, help: &mut Vec<String>) {
    if item.requests.is_empty() {
        return;
    }
    help.push("requests made:".to_string());
    for request in &item.requests {
        help.push(format!(
            "  {} ({})",
            one_line(&request_line(request), 2 * MAX_VALUE),
            format_duration(request.duration_ms)
        ));
    }
}

/// Draws with miette when the primary place's file text is known, else as plain lines that
/// name the place and repeat `subject` (the check as written), which the snippet would show.
fn snippet(
    result: &RunResult,
    sources: &SourceMap,
    options: &TerminalOptions,
    (title, subject): (&str, &str),
    severity: Severity,
    labels: &[(&Source, String)],
    help: &[String],
) -> String {
    let help_text = (!help.is_empty()).then(|| help.join("\n"));
    let Some((primary, primary_text)) = labels.first() else {
        return String::new();
    };
    if file_text(sources, primary).is_some() {
        let mut drawn: Vec<Label> = Vec::new();
        for (source, message) in labels {
            let Some(text) = file_text(sources, source) else {
                continue;
            };
            // A place that overlaps one already labelled (a conformance check is part of its
            // request) would only crowd the drawing.
            let overlaps = |l: &Label| {
                l.file.0 == source.file
                    && l.span.start < source.span.end.max(source.span.start + 1)
                    && source.span.start < l.span.end.max(l.span.start + 1)
            };
            if drawn.iter().any(overlaps) {
                continue;
            }
            drawn.push(Label {
                file: FileId(source.file),
                span: on_char_boundaries(text, source.span),
                message: message.clone(),
            });
        }
        let render_options = RenderOptions {
            width: options.width,
            color: options.color,
        };
        return render_snippet(
            title,
            severity,
            &drawn,
            help_text.as_deref(),
            sources,
            render_options,
        );
    }
    let (symbol, colour) = match severity {
        Severity::Error => ("×", RED),
        Severity::Warning => ("⚠", YELLOW),
    };
    let mut out = format!("  {} {title}\n", paint(symbol, colour, options));
    out.push_str(&format!("    at {}", location(result, primary)));
    if !subject.is_empty() {
        out.push_str(&format!(": {}", one_line(subject, MAX_VALUE)));
    }
    out.push('\n');
    if !primary_text.is_empty() {
        out.push_str(&format!("    {primary_text}\n"));
    }
    for (i, line) in help.iter().enumerate() {
        let lead = if i == 0 { "  help: " } else { "        " };
        out.push_str(&format!("{lead}{line}\n"));
    }
    out
}

/// The text of the file of `place`, when the caller gave a non-empty one that the place fits
/// in (a span past the end means the text is not the one the results were made from).
fn file_text<'a>(sources: &'a SourceMap, place: &Source) -> Option<&'a str> {
    let (_, file) = sources.iter().nth(place.file as usize)?;
    let text = file.text();
    (!text.is_empty() && place.span.end as usize <= text.len()).then_some(text)
}

/// `span` inside `text` and on character boundaries, so a stale span cannot upset the drawing.
fn on_char_boundaries(text: &str, span: Span) -> Span {
    let mut start = (span.start as usize).min(text.len());
    while !text.is_char_boundary(start) {
        start -= 1;
    }
    let mut end = (span.end as usize).clamp(start, text.len());
    while !text.is_char_boundary(end) {
        end += 1;
    }
    Span::new(start, end)
}

/// The closing summary: the items not run or skipped with their reasons, then one line of
/// counts (passed, failed, errored, not run, skipped; checks and failed checks) and the total
/// time, and a note when the run was interrupted. Ends with a newline.
pub fn summary(result: &RunResult, options: &TerminalOptions) -> String {
    let mut out = String::new();
    let not_run = crate::text::not_run(result);
    if !not_run.is_empty() {
        out.push_str("not run:\n");
        for (item, how) in not_run {
            out.push_str(&format!(
                "  - {}  {}: {how}{}\n",
                item.kind.as_str(),
                one_line(&item_title(item), 500),
                one_line(&reason(item), MAX_VALUE)
            ));
        }
        out.push('\n');
    }
    for down in &result.unreachable {
        out.push_str(&format!(
            "{} the target `{}` could not be reached: {} {}
  {}

",
            paint("!", RED, options),
            down.target,
            one_line(&down.url, MAX_VALUE),
            one_line(&down.cause, MAX_VALUE),
            match down.skipped {
                0 => "no other item was waiting for it".to_string(),
                1 => "1 more item that sends to it was not run (errored)".to_string(),
                n => format!("{n} more items that send to it were not run (errored)"),
            }
        ));
    }
    let counts = result.summary();
    let (headline, colour) = if result.interrupted {
        ("! run interrupted", YELLOW)
    } else if !result.unreachable.is_empty() {
        ("! run could not be carried out", RED)
    } else if result.passed() {
        ("✓ run passed", GREEN)
    } else {
        ("✗ run failed", RED)
    };
    out.push_str(&format!(
        "{} · {} passed, {} failed, {} errored, {} not run, {} skipped · {} checks, {} failed · {}\n",
        paint(headline, colour, options),
        counts.passed,
        counts.failed,
        counts.errored,
        counts.not_run,
        counts.skipped,
        counts.checks,
        counts.failed_checks,
        format_duration(result.duration_ms)
    ));
    if result.interrupted {
        out.push_str("the run was stopped before every item finished\n");
    }
    out
}
