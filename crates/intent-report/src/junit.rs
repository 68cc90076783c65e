//! The JUnit XML report, for the test tabs of CI systems.
//!
//! A `<testsuite>` per spec file that has items (named by its path), a `<testcase>` per item,
//! and one per example row (named `Title [column=value, …]`).

use crate::ReportError;
use crate::text::{
    MAX_VIOLATIONS, bad_checks, because, check_request, errored_request, expectation,
    extra_message, item_title, line_location, metric_value, reason, request_line, spec_path,
    violation_line,
};
use intent_ir::{CheckResult, ItemKind, ItemResult, RunResult, Status};
use quick_junit::{NonSuccessKind, Property, Report, TestCase, TestCaseStatus, TestSuite};
use std::collections::BTreeMap;
use std::time::Duration;

/// The results as JUnit XML. Each test case has the class name of its spec path, its time, and
/// the properties `id`, `kind` (as in the JSON report), `tags` (comma-separated), `because`
/// (an intent's, when it has one), `owner` (from the spec's metadata), a `check` property per
/// check id and a `metric:NAME` property per metric of an evaluation (`metric:accuracy` =
/// `92.5%`). A failed item has a `<failure>` whose message names the spec line
/// (`specs/orders.intent:13: status == 201: expected 201, found 500`) and whose text starts
/// with the intent's `because` and lists every check that did not hold; an errored item has an
/// `<error>` (its text too starts with the `because`); items not run or skipped have a
/// `<skipped>` with the reason. The `because` is in the text because that is what CI test tabs
/// show with a failure; most ignore the properties of a test case.
pub fn junit(result: &RunResult) -> Result<String, ReportError> {
    let mut by_file: BTreeMap<u32, Vec<&ItemResult>> = BTreeMap::new();
    for item in &result.items {
        by_file.entry(item.file).or_default().push(item);
    }
    let mut report = Report::new("intent");
    if let Some(time) = duration(result.duration_ms) {
        report.set_time(time);
    }
    // A start time that does not parse is left out rather than failing the report.
    let started = chrono::DateTime::parse_from_rfc3339(&result.started_at).ok();
    if let Some(started) = started {
        report.set_timestamp(started);
    }
    for (file, items) in by_file {
        let path = spec_path(result, file);
        let spec = result.files.get(file as usize);
        let owner = spec.and_then(|s| s.metadata.iter().find(|m| m.key == "owner"));
        let mut suite = TestSuite::new(path.as_str());
        if let Some(started) = started {
            suite.set_timestamp(started);
        }
        if let Some(title) = spec.and_then(|s| s.title.as_deref()) {
            suite.add_property(Property::new("title", title));
        }
        for entry in spec.map(|s| s.metadata.as_slice()).unwrap_or_default() {
            suite.add_property(Property::new(entry.key.as_str(), entry.value.as_str()));
        }
        if let Some(time) = duration(items.iter().map(|i| i.duration_ms).sum()) {
            suite.set_time(time);
        }
        for item in items {
            let mut case = TestCase::new(item_title(item), status(result, item));
            case.set_classname(path.as_str());
            case.set_assertions(item.checks.len());
            if let Some(time) = duration(item.duration_ms) {
                case.set_time(time);
            }
            case.add_property(Property::new("id", item.id.as_str()));
            case.add_property(Property::new("kind", kind_name(item.kind)));
            case.add_property(Property::new("tags", item.tags.join(",")));
            if let Some(because) = &item.because {
                case.add_property(Property::new("because", because.as_str()));
            }
            if let Some(owner) = owner {
                case.add_property(Property::new("owner", owner.value.as_str()));
            }
            for check in &item.checks {
                case.add_property(Property::new("check", check.id.as_str()));
            }
            for metric in &item.metrics {
                let name = format!("metric:{}", metric.name);
                case.add_property(Property::new(name, metric_value(metric)));
            }
            if item.status == Status::Passed {
                // Checks that did not hold in an item that passed (a policy at level `warn`).
                let warnings: Vec<String> = bad_checks(item)
                    .map(|c| format!("warning: {}", check_details(result, item, c)))
                    .collect();
                if !warnings.is_empty() {
                    case.set_system_out(warnings.join("\n"));
                }
            }
            suite.add_test_case(case);
        }
        report.add_test_suite(suite);
    }
    Ok(report.to_string()?)
}

fn status(result: &RunResult, item: &ItemResult) -> TestCaseStatus {
    match item.status {
        Status::Passed => TestCaseStatus::success(),
        Status::Failed => {
            let mut status = TestCaseStatus::non_success(NonSuccessKind::Failure);
            let checks: Vec<&CheckResult> = bad_checks(item).collect();
            let message = match checks.first() {
                Some(check) => {
                    let more = match checks.len() - 1 {
                        0 => String::new(),
                        1 => " (and 1 more check)".to_string(),
                        n => format!(" (and {n} more checks)"),
                    };
                    format!(
                        "{}: {}: {}{more}",
                        line_location(result, &check.source),
                        check.text,
                        expectation(check)
                    )
                }
                None => format!("{}: {}", line_location(result, &item.source), reason(item)),
            };
            status.set_message(message).set_type("check failed");
            let details: Vec<String> = checks
                .iter()
                .map(|c| check_details(result, item, c))
                .collect();
            describe(&mut status, item, details);
            status
        }
        Status::Errored => {
            let mut status = TestCaseStatus::non_success(NonSuccessKind::Error);
            let request = errored_request(item);
            let place = request.map_or(&item.source, |r| &r.source);
            status
                .set_message(format!(
                    "{}: {}",
                    line_location(result, place),
                    reason(item)
                ))
                .set_type("error");
            let details: Vec<String> = bad_checks(item)
                .map(|c| check_details(result, item, c))
                .collect();
            let details = if details.is_empty() {
                request.map(request_line).into_iter().collect()
            } else {
                details
            };
            describe(&mut status, item, details);
            status
        }
        Status::NotRun | Status::Skipped => {
            let mut status = TestCaseStatus::skipped();
            status
                .set_message(reason(item))
                .set_type(item.status.as_str());
            status
        }
    }
}

/// Sets the text of a failure or error: the intent's `because`, then `details`, a blank line
/// between each; no text when there is neither.
fn describe(status: &mut TestCaseStatus, item: &ItemResult, details: Vec<String>) {
    let parts: Vec<String> = because(item).into_iter().chain(details).collect();
    if !parts.is_empty() {
        status.set_description(parts.join("\n\n"));
    }
}

/// A check that did not hold, in lines: where and what, the request, the message, violations.
fn check_details(result: &RunResult, item: &ItemResult, check: &CheckResult) -> String {
    let mut lines = vec![format!(
        "{}: {}: {}",
        crate::text::location(result, &check.source),
        check.text,
        expectation(check)
    )];
    if let Some(request) = check_request(item, check) {
        lines.push(format!("  request: {}", request_line(request)));
    }
    if let Some(message) = extra_message(check) {
        lines.push(format!("  {message}"));
    }
    for violation in check.violations.iter().take(MAX_VIOLATIONS) {
        lines.push(format!("  {}", violation_line(violation)));
    }
    if check.violations.len() > MAX_VIOLATIONS {
        lines.push(format!(
            "  … and {} more violations",
            check.violations.len() - MAX_VIOLATIONS
        ));
    }
    lines.join("\n")
}

/// The kind as the JSON report names it (`evaluation`, not the keyword `evaluate`), so the
/// machine-readable reports agree.
fn kind_name(kind: ItemKind) -> String {
    match serde_json::to_value(kind) {
        Ok(serde_json::Value::String(name)) => name,
        _ => kind.as_str().to_string(),
    }
}

/// Milliseconds as a [`Duration`], or `None` when negative or not finite.
fn duration(ms: f64) -> Option<Duration> {
    Duration::try_from_secs_f64(ms / 1000.0).ok()
}
