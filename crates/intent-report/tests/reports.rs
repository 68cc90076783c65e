//! Every report format over results built by hand.

mod common;

use common::{ORDERS, URL, all_passed, sample, sources};
use intent_ir::{RunResult, Status, Violation};
use intent_report::{
    ReportError, TerminalOptions, check_format, failures, github_annotations, html, item_line,
    json, junit, markdown, parse_json, summary,
};
use intent_source::{SourceFile, SourceMap};
use quick_junit::{NonSuccessKind, Report, TestCaseStatus};

fn plain() -> TerminalOptions {
    TerminalOptions::plain()
}

// ---- terminal ------------------------------------------------------------------------------

#[test]
fn item_lines_mark_each_status() {
    let result = sample();
    let lines: Vec<String> = result
        .items
        .iter()
        .map(|i| item_line(i, &plain()))
        .collect();
    assert_eq!(lines[0], "  ✗ intent  A shopper can place an order (23 ms)");
    assert_eq!(lines[1], "  ! intent  Orders need credentials (3 ms)");
    assert_eq!(lines[2], "  ✓ intent  The shop is healthy (12 ms)");
    assert_eq!(
        lines[4],
        "  ✗ intent  Coupons change the total [code=\"HALF\", total=9.99] (12 ms)"
    );
    // Metrics follow on one line of their own.
    assert_eq!(
        lines[5],
        "  ✓ load  Browsing holds 20 requests a second (30.0 s)\n      p95 = 41.5 ms · error rate = 0%"
    );
    assert_eq!(
        lines[6],
        "  - evaluate  Support answers are grounded (not run: evaluations are not run by this runner yet)"
    );
    assert_eq!(
        lines[8],
        "  - intent  An order can be paid (skipped: \"A shopper can place an order\" failed)"
    );
    for (line, item) in lines.iter().zip(&result.items) {
        let expected = if item.metrics.is_empty() { 1 } else { 2 };
        assert_eq!(line.lines().count(), expected, "one line per item: {line}");
    }
}

#[test]
fn verbose_item_lines_list_checks_and_metrics() {
    let result = sample();
    let options = TerminalOptions {
        verbose: true,
        ..plain()
    };
    let place = item_line(&result.items[0], &options);
    assert!(
        place.contains("\n      ✗ status == 201: expected 201, found 500"),
        "{place}"
    );
    assert!(place.contains("\n      ✓ body.total == 19.98"), "{place}");
    let load = item_line(&result.items[5], &options);
    assert!(load.contains("\n      p95 = 41.5 ms"), "{load}");
    assert!(load.contains("\n      error rate = 0%"), "{load}");
}

#[test]
fn failures_are_drawn_like_compiler_errors() {
    let result = sample();
    let text = failures(&result, &sources(), &plain());
    // The spec line, the underlined expectation, expected against actual, the request.
    assert!(text.contains("specs/orders.intent:8:8"), "{text}");
    assert!(text.contains("then status == 201"), "{text}");
    assert!(text.contains("expected 201, found 500"), "{text}");
    assert!(text.contains(&format!("POST {URL}/orders → 500")), "{text}");
    assert!(text.contains("$.items[0].qty: expected int"), "{text}");
    // The errored item points at its request with the transport error.
    assert!(
        text.contains("intent \"Orders need credentials\" could not be carried out"),
        "{text}"
    );
    assert!(text.contains("connection refused"), "{text}");
    // A message with a newline stays on its line.
    assert!(text.contains("the tier was\\nnot one of two"), "{text}");
    // Passing checks are not drawn.
    assert!(!text.contains("body.total == 19.98\n   ·"), "{text}");
    insta::assert_snapshot!("terminal_failures", text);
}

#[test]
fn a_failure_in_a_file_without_text_is_a_plain_location_line() {
    let result = sample();
    // The governance text is empty in `sources()`.
    let text = failures(&result, &sources(), &plain());
    assert!(
        text.contains(
            "    at specs/governance.intent:2:10: header \"Content-Type\" == \"application/problem+json\"\n    expected \"application/problem+json\", found \"text/html\"\n"
        ),
        "{text}"
    );
    // Only the first file is known at all: every other failure still renders.
    let mut only_orders = SourceMap::new();
    only_orders.add(SourceFile::new("specs/orders.intent", ORDERS));
    let text = failures(&result, &only_orders, &plain());
    assert!(
        text.contains(
            "    at specs/quote.intent:12:8: body.total == total\n    expected 9.99, found 19.98\n"
        ),
        "{text}"
    );
    assert!(text.contains("then status == 201"), "{text}");
}

#[test]
fn stale_spans_do_not_break_the_drawing() {
    let mut result = sample();
    // A span past the end of the file (stale text): a plain location line instead.
    result.items[0].checks[1].source.span = intent_source::Span::new(10_000, 10_010);
    // A span that starts inside a multi-byte character.
    let mut map = SourceMap::new();
    map.add(SourceFile::new(
        "specs/orders.intent",
        ORDERS.replace("Orders", "Ördérs"),
    ));
    result.items[0].checks[0].source.span = intent_source::Span::new(7, 9);
    let text = failures(&result, &map, &plain());
    assert!(
        text.contains(
            "    at specs/orders.intent:8:8: status == 201\n    expected 201, found 500\n"
        ),
        "{text}"
    );
    assert!(text.contains("spec \"Ördérs\""), "{text}");
}

#[test]
fn at_most_ten_violations_are_listed() {
    let mut result = sample();
    result.items[0].checks[0].violations = (0..13)
        .map(|i| Violation {
            path: format!("$.items[{i}].qty"),
            message: "expected int".to_string(),
        })
        .collect();
    let text = failures(&result, &sources(), &plain());
    assert!(text.contains("$.items[9].qty"), "{text}");
    assert!(!text.contains("$.items[10].qty"), "{text}");
    assert!(text.contains("… and 3 more violations"), "{text}");
    let annotations = github_annotations(&result);
    assert!(
        annotations.contains("… and 3 more violations"),
        "{annotations}"
    );
}

#[test]
fn verbose_failures_list_every_request() {
    let result = sample();
    let options = TerminalOptions {
        verbose: true,
        ..plain()
    };
    let text = failures(&result, &sources(), &options);
    assert!(text.contains("requests made:"), "{text}");
    assert!(
        text.contains(&format!("  POST {URL}/orders → 500 (8 ms)")),
        "{text}"
    );
}

#[test]
fn summary_counts_and_lists_items_not_run() {
    let result = sample();
    let text = summary(&result, &plain());
    assert!(
        text.contains("✗ run failed · 3 passed, 3 failed, 1 errored, 1 not run, 1 skipped · 10 checks, 5 failed · 30.1 s"),
        "{text}"
    );
    assert!(
        text.contains(
            "  - evaluate  Support answers are grounded: evaluations are not run by this runner yet"
        ),
        "{text}"
    );
    insta::assert_snapshot!("terminal_summary", text);

    let passed = summary(&all_passed(), &plain());
    assert_eq!(
        passed,
        "✓ run passed · 3 passed, 0 failed, 0 errored, 0 not run, 0 skipped · 3 checks, 0 failed · 412 ms\n"
    );

    let mut interrupted = all_passed();
    interrupted.interrupted = true;
    let text = summary(&interrupted, &plain());
    assert!(text.starts_with("! run interrupted"), "{text}");
    assert!(
        text.contains("stopped before every item finished"),
        "{text}"
    );
}

#[test]
fn colours_only_when_asked() {
    let result = sample();
    let map = sources();
    let coloured = TerminalOptions {
        color: true,
        ..plain()
    };
    let mut plain_text = summary(&result, &plain()) + &failures(&result, &map, &plain());
    let mut colour_text = summary(&result, &coloured) + &failures(&result, &map, &coloured);
    for i in &result.items {
        plain_text += &item_line(i, &plain());
        colour_text += &item_line(i, &coloured);
    }
    assert!(!plain_text.contains('\u{1b}'), "{plain_text}");
    assert!(
        colour_text.contains("\u{1b}[32m✓\u{1b}[0m"),
        "{colour_text}"
    );
    assert!(
        colour_text.contains("\u{1b}[31m✗\u{1b}[0m"),
        "{colour_text}"
    );
}

#[test]
fn control_characters_from_the_system_do_not_reach_the_terminal() {
    let mut result = sample();
    result.items[0].checks[1].actual = Some("500\u{1b}[2J".to_string());
    result.items[1].reason = Some("refused\u{1b}]0;pwned\u{7}".to_string());
    let text = failures(&result, &sources(), &plain());
    assert!(!text.contains('\u{1b}'), "{text}");
    assert!(text.contains("500\\u{1b}[2J"), "{text}");
}

// ---- JUnit ---------------------------------------------------------------------------------

#[test]
fn junit_has_a_suite_per_file_and_a_case_per_item() {
    let result = sample();
    let xml = junit(&result).expect("junit");
    let report = Report::deserialize_from_str(&xml).expect("valid JUnit XML");
    assert_eq!(report.test_suites.len(), 4);
    assert_eq!(report.tests, result.items.len());
    assert_eq!(report.failures, 3);
    assert_eq!(report.errors, 1);
    assert_eq!(report.skipped, 2);

    assert_eq!(
        report.timestamp.map(|t| t.to_rfc3339()).as_deref(),
        Some("2025-01-02T03:04:05+00:00")
    );
    let orders = &report.test_suites[0];
    assert_eq!(orders.name.as_str(), "specs/orders.intent");
    assert_eq!(orders.tests, 4);
    let place = &orders.test_cases[0];
    assert_eq!(place.name.as_str(), "A shopper can place an order");
    assert_eq!(
        place.classname.as_ref().map(|c| c.as_str()),
        Some("specs/orders.intent")
    );
    let property = |name: &str| -> Vec<&str> {
        place
            .properties
            .iter()
            .filter(|p| p.name.as_str() == name)
            .map(|p| p.value.as_str())
            .collect()
    };
    assert_eq!(
        property("id"),
        ["specs/orders::a-shopper-can-place-an-order"]
    );
    assert_eq!(property("kind"), ["intent"]);
    assert_eq!(property("tags"), ["smoke,checkout"]);
    assert_eq!(property("owner"), ["commerce-team"]);
    assert_eq!(property("check").len(), 4);
    assert!(property("check")[1].starts_with("specs/orders::a-shopper-can-place-an-order#"));
    match &place.status {
        TestCaseStatus::NonSuccess {
            kind: NonSuccessKind::Failure,
            message,
            description,
            ..
        } => {
            let message = message.as_ref().map(|m| m.as_str()).unwrap_or_default();
            assert_eq!(
                message,
                "specs/orders.intent:6: -> Order: expected Order, found a body that does not conform (and 2 more checks)"
            );
            let description = description.as_ref().map(|d| d.as_str()).unwrap_or_default();
            assert!(
                description
                    .contains("specs/orders.intent:8:8: status == 201: expected 201, found 500"),
                "{description}"
            );
            assert!(
                description.contains(&format!("request: POST {URL}/orders → 500")),
                "{description}"
            );
            assert!(
                description.contains("$.id: missing required field"),
                "{description}"
            );
        }
        other => panic!("a failure, not {other:?}"),
    }

    match &orders.test_cases[1].status {
        TestCaseStatus::NonSuccess {
            kind: NonSuccessKind::Error,
            message,
            ..
        } => assert_eq!(
            message.as_ref().map(|m| m.as_str()),
            Some("specs/orders.intent:14: connection refused")
        ),
        other => panic!("an error, not {other:?}"),
    }
    assert!(matches!(
        orders.test_cases[2].status,
        TestCaseStatus::Success { .. }
    ));
    match &orders.test_cases[3].status {
        TestCaseStatus::Skipped { message, .. } => assert_eq!(
            message.as_ref().map(|m| m.as_str()),
            Some("\"A shopper can place an order\" failed")
        ),
        other => panic!("skipped, not {other:?}"),
    }

    // Example rows are separate test cases named by their values.
    let quote = &report.test_suites[1];
    let names: Vec<&str> = quote.test_cases.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(
        names,
        [
            "Coupons change the total [code=\"SAVE10\", total=17.98]",
            "Coupons change the total [code=\"HALF\", total=9.99]",
            "Browsing holds 20 requests a second",
        ]
    );
    // Not run is skipped with the reason; kinds are named as in the JSON report.
    let grounded = &report.test_suites[2].test_cases[0];
    assert!(
        grounded
            .properties
            .iter()
            .any(|p| p.name.as_str() == "kind" && p.value.as_str() == "evaluation")
    );
    match &grounded.status {
        TestCaseStatus::Skipped { message, .. } => assert_eq!(
            message.as_ref().map(|m| m.as_str()),
            Some("evaluations are not run by this runner yet")
        ),
        other => panic!("skipped, not {other:?}"),
    }
}

#[test]
fn junit_of_a_passing_run_has_no_failures() {
    let xml = junit(&all_passed()).expect("junit");
    let report = Report::deserialize_from_str(&xml).expect("valid JUnit XML");
    assert_eq!((report.tests, report.failures, report.errors), (3, 0, 0));
}

// ---- JSON ----------------------------------------------------------------------------------

#[test]
fn json_round_trips_into_run_result() {
    let result = sample();
    let text = json(&result);
    assert!(text.contains("\"format\": \"intent-results/1\""), "{text}");
    assert!(text.contains("\"status\": \"not_run\""), "{text}");
    let back: RunResult = serde_json::from_str(&text).expect("RunResult");
    assert_eq!(back, result);
    assert_eq!(parse_json(&text).expect("parse_json"), result);
}

#[test]
fn other_result_formats_are_refused() {
    let mut result = sample();
    result.format = "intent-results/2".to_string();
    assert!(matches!(
        check_format(&result),
        Err(ReportError::Format { .. })
    ));
    assert!(matches!(
        parse_json(&json(&result)),
        Err(ReportError::Format { .. })
    ));
    assert!(matches!(parse_json("{}"), Err(ReportError::Json(_))));
}

// ---- Markdown ------------------------------------------------------------------------------

#[test]
fn markdown_lists_failures_with_escaped_pipes() {
    let result = sample();
    let text = markdown(&result);
    assert!(text.starts_with("## ❌ Intent run failed\n"), "{text}");
    assert!(
        text.contains(
            "| A shopper can place an order | `body.tier matches /^(gold\\|silver)$/` | `/^(gold\\|silver)$/` | `\"bronze\\|tin\"` — the tier was\\\\nnot one of two | `specs/orders.intent:10` |"
        ),
        "{text}"
    );
    assert!(
        text.contains("| Orders need credentials | *errored* |  | connection refused | `specs/orders.intent:14` |"),
        "{text}"
    );
    // Every row has the same number of unescaped cell separators as the header.
    let table: Vec<&str> = text
        .lines()
        .skip_while(|l| !l.starts_with("| item | check"))
        .take_while(|l| l.starts_with('|'))
        .collect();
    for row in &table {
        let separators = row.replace("\\|", "").matches('|').count();
        assert_eq!(separators, 6, "{row}");
    }
    insta::assert_snapshot!("markdown_failed", text);

    let passed = markdown(&all_passed());
    assert!(passed.starts_with("## ✅ Intent run passed\n"), "{passed}");
    assert!(!passed.contains("### Failures"), "{passed}");
}

// ---- GitHub annotations --------------------------------------------------------------------

#[test]
fn github_annotations_one_line_per_failure_escaped() {
    let result = sample();
    let text = github_annotations(&result);
    let lines: Vec<&str> = text.lines().collect();
    // 3 failed checks in the order intent, the errored intent, the row, the policy.
    assert_eq!(lines.len(), 6, "{text}");
    assert!(
        lines[1].starts_with("::error file=specs/orders.intent,line=8,col=8,title=A shopper can place an order::status == 201: expected 201, found 500%0APOST http://localhost:8080/orders → 500"),
        "{text}"
    );
    // A newline in a message is escaped; the title's comma is escaped as a property.
    assert!(lines[2].contains("the tier was%0Anot one of two"), "{text}");
    assert!(
        lines[4].contains("title=Coupons change the total [code=\"HALF\"%2C total=9.99]::"),
        "{text}"
    );
    assert!(
        lines[3].starts_with("::error file=specs/orders.intent,line=14,col=8,title=Orders need credentials::intent could not be carried out: connection refused%0APOST"),
        "{text}"
    );
    for line in &lines {
        assert!(line.starts_with("::error "), "{line}");
        assert!(!line.contains('\r'), "{line}");
    }
    assert_eq!(github_annotations(&all_passed()), "");
}

#[test]
fn percent_and_carriage_returns_are_escaped() {
    let mut result = sample();
    result.items[0].checks[1].actual = Some("100%\r\ndone".to_string());
    let text = github_annotations(&result);
    assert!(text.contains("found 100%25%0D%0Adone"), "{text}");
    assert_eq!(
        result
            .items
            .iter()
            .filter(|i| matches!(i.status, Status::Failed | Status::Errored))
            .count(),
        4
    );
}

#[test]
fn unusual_shapes_still_report() {
    let mut result = sample();
    // A check that could not be evaluated.
    result.items[0].checks[1].status = Status::Errored;
    result.items[0].checks[1].expected = None;
    result.items[0].checks[1].actual = None;
    result.items[0].checks[1].message = Some("`body` is not JSON".to_string());
    // A failed item without a failed check (a policy that failed as a whole).
    result.items[7].checks.clear();
    result.items[7].reason = Some("no response was in scope".to_string());
    // A failed check in an item that passed (a policy at level `warn`).
    result.items[2].checks[0].status = Status::Failed;
    result.items[2].checks[0].expected = Some("200".to_string());
    result.items[2].checks[0].actual = Some("204".to_string());

    let text = failures(&result, &sources(), &plain());
    assert!(
        text.contains("× check could not be evaluated in intent \"A shopper can place an order\""),
        "{text}"
    );
    assert!(
        text.contains("╰── could not be evaluated: `body` is not JSON"),
        "{text}"
    );
    assert!(
        text.contains(
            "× policy \"Errors are problems\" failed\n    at specs/governance.intent:1:1\n    no response was in scope\n"
        ),
        "{text}"
    );
    assert!(
        text.contains("⚠ check failed in intent \"The shop is healthy\""),
        "{text}"
    );

    let annotations = github_annotations(&result);
    assert!(
        annotations.contains("::warning file=specs/orders.intent,line=20,col=8,title=The shop is healthy::status == 200: expected 200, found 204"),
        "{annotations}"
    );
    assert!(
        annotations.contains("title=Errors are problems::policy failed: no response was in scope"),
        "{annotations}"
    );

    let xml = junit(&result).expect("junit");
    let report = Report::deserialize_from_str(&xml).expect("valid JUnit XML");
    let healthy = &report.test_suites[0].test_cases[2];
    assert!(matches!(healthy.status, TestCaseStatus::Success { .. }));
    assert!(
        healthy.system_out.as_ref().is_some_and(|o| o
            .as_str()
            .contains("warning: specs/orders.intent:20:8: status == 200")),
        "{xml}"
    );
    let markdown = markdown(&result);
    assert!(
        markdown.contains("| Errors are problems | *failed* |  | no response was in scope | `specs/governance.intent:1` |"),
        "{markdown}"
    );
}

// ---- HTML ----------------------------------------------------------------------------------

#[test]
fn html_is_one_self_contained_page_with_every_item_escaped() {
    let mut result = sample();
    // Text from the system under test that would be markup.
    result.items[0].checks[0].actual = Some("<script>alert('x')</script> & \u{1b}[31m".into());
    let page = html(&result);
    assert!(page.starts_with("<!doctype html>\n"), "{page}");
    assert!(page.ends_with("</html>\n"));
    assert!(
        page.contains("<h1 class=\"failed\">Intent run failed</h1>"),
        "{page}"
    );
    assert!(!page.contains("<script"), "no script, and none injected");
    assert!(
        !page.contains("src=") && !page.contains("href="),
        "nothing external"
    );
    assert!(
        page.contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; \\u{1b}[31m"),
        "{page}"
    );
    for item in &result.items {
        let title = item.title.replace('"', "&quot;").replace('\'', "&#39;");
        assert!(page.contains(&title), "{title}");
    }
    // Failed and errored items are open; passed ones closed. Shares are drawn as bars.
    assert!(page.contains("<details open><summary><span class=\"badge failed\">failed</span>"));
    assert!(page.contains("<details><summary><span class=\"badge passed\">passed</span>"));
    assert!(page.contains("<h2>Time per item</h2>"), "{page}");
    insta::assert_snapshot!("html_failed", page);

    let passed = html(&all_passed());
    assert!(
        passed.contains("<h1 class=\"passed\">Intent run passed</h1>"),
        "{passed}"
    );
    assert!(!passed.contains("<details open>"), "{passed}");
}

#[test]
fn an_evaluations_misclassified_rows_are_named_in_every_human_report() {
    use intent_ir::{CaseRecord, Classification, ItemKind};
    let mut result = all_passed();
    let source = result.items[0].source.clone();
    let mut bot = common::item(
        "support",
        ItemKind::Evaluation,
        "The bot routes",
        0,
        source,
        Status::Failed,
    );
    let case = |row: usize, expected: &str, predicted: Option<&str>| CaseRecord {
        row,
        status: Status::Passed,
        classified: Some(Classification {
            predicted: predicted.map(str::to_string),
            expected: Some(expected.to_string()),
        }),
        scores: vec![("overlap".into(), 0.5)],
    };
    bot.cases = (1..=8)
        .map(|row| match row {
            2 => case(row, "returns", Some("billing")),
            3 => case(row, "<billing>", None),
            4..=7 => case(row, "shipping", Some("returns")),
            _ => case(row, "shipping", Some("shipping")),
        })
        .collect();
    result.items.push(bot);
    let item = result.items.last().expect("the evaluation");

    let line = item_line(item, &plain());
    assert!(
        line.ends_with("\n      misclassified: row 2 (expected \"returns\", got \"billing\"), row 3 (expected \"<billing>\", got nothing), row 4 (expected \"shipping\", got \"returns\"), row 5 (expected \"shipping\", got \"returns\"), row 6 (expected \"shipping\", got \"returns\") and 1 more"),
        "{line}"
    );
    let verbose = item_line(
        item,
        &TerminalOptions {
            verbose: true,
            ..plain()
        },
    );
    assert!(
        verbose.contains("row 7 (expected"),
        "verbose lists them all: {verbose}"
    );
    let text = markdown(&result);
    assert!(
        text.contains("### Misclassified rows\n\n- **The bot routes**: misclassified: row 2"),
        "{text}"
    );
    let page = html(&result);
    assert!(page.contains("<td class=\"failed\">billing</td>"), "{page}");
    assert!(page.contains("<td>&lt;billing&gt;</td>"), "escaped: {page}");
    assert!(page.contains("overlap=0.500"), "{page}");

    // Rows an evaluation did not keep still count: 1 more kept plus 40,000 left out.
    let mut large = item.clone();
    large.cases_omitted = 90_000;
    large.misclassified_omitted = 40_000;
    let line = item_line(&large, &plain());
    assert!(line.ends_with(" and 40001 more"), "{line}");
}

// ---- because ---------------------------------------------------------------------------------

/// The sample results with a `because` on the failed, the errored and a passed intent; the
/// failed one's has markup, a pipe and a control character, which every format must escape.
fn with_because() -> RunResult {
    let mut result = sample();
    result.items[0].because = Some("revenue <b>&</b> | trust\u{1b}[31m".into());
    result.items[1].because = Some("private data stays private".into());
    result.items[2].because = Some("load balancers ask first".into());
    result
}

#[test]
fn the_terminal_shows_the_because_under_a_failed_or_errored_item_only() {
    let result = with_because();
    let lines: Vec<String> = result.items[..3]
        .iter()
        .map(|i| item_line(i, &plain()))
        .collect();
    assert_eq!(
        lines[0],
        "  ✗ intent  A shopper can place an order (23 ms)\n      because revenue <b>&</b> | trust\\u{1b}[31m"
    );
    assert_eq!(
        lines[1],
        "  ! intent  Orders need credentials (3 ms)\n      because private data stays private"
    );
    assert_eq!(lines[2], "  ✓ intent  The shop is healthy (12 ms)");
}

#[test]
fn junit_has_the_because_as_a_property_and_first_in_the_failure_text() {
    let result = with_because();
    let xml = junit(&result).expect("junit");
    let report = Report::deserialize_from_str(&xml).expect("valid JUnit");
    let cases: Vec<_> = report
        .test_suites
        .iter()
        .flat_map(|s| &s.test_cases)
        .collect();
    let because = |name: &str| {
        let case = cases
            .iter()
            .find(|c| c.name.as_str() == name)
            .unwrap_or_else(|| panic!("a test case {name}"));
        let property = case
            .properties
            .iter()
            .find(|p| p.name.as_str() == "because")
            .map(|p| p.value.to_string());
        let text = match &case.status {
            TestCaseStatus::NonSuccess { description, .. } => {
                description.as_ref().map(|d| d.as_str().to_string())
            }
            _ => None,
        };
        (property, text)
    };
    // XML cannot carry the escape character: the JUnit writer leaves it out.
    let (property, text) = because("A shopper can place an order");
    assert!(
        property.is_some_and(|p| p.starts_with("revenue <b>&</b> | trust")),
        "{xml}"
    );
    let text = text.unwrap_or_default();
    assert!(
        text.starts_with("because revenue <b>&</b> | trust")
            && text.contains("\n\nspecs/orders.intent:8:8"),
        "{text}"
    );
    let (property, text) = because("Orders need credentials");
    assert_eq!(property.as_deref(), Some("private data stays private"));
    assert!(
        text.is_some_and(|t| t.starts_with("because private data stays private\n\n")),
        "{xml}"
    );
    let (property, text) = because("The shop is healthy");
    assert_eq!(
        (property.as_deref(), text),
        (Some("load balancers ask first"), None)
    );
}

#[test]
fn json_markdown_html_and_annotations_carry_the_because() {
    let result = with_because();
    let back = parse_json(&json(&result)).expect("round trip");
    assert_eq!(back, result);
    assert!(json(&result).contains(r#""because": "load balancers ask first""#));
    assert!(!json(&sample()).contains("because"), "left out when absent");

    let text = markdown(&result);
    assert!(
        text.contains(
            "\n**Why it matters**\n\n- **A shopper can place an order**: because revenue \\<b\\>\\&\\</b\\> \\| trust\\\\u{1b}\\[31m\n- **Orders need credentials**: because private data stays private\n"
        ),
        "{text}"
    );
    assert!(!text.contains("load balancers"), "only failures: {text}");

    let page = html(&result);
    assert!(
        page.contains(
            r#"<p class="because"><em>because</em> revenue &lt;b&gt;&amp;&lt;/b&gt; | trust\u{1b}[31m</p>"#
        ),
        "{page}"
    );
    assert!(
        page.contains(r#"<p class="because"><em>because</em> load balancers ask first</p>"#),
        "every item shows its own"
    );

    let annotations = github_annotations(&result);
    assert!(
        annotations.contains("%0Abecause private data stays private\n"),
        "{annotations}"
    );
}
