//! `intent audit` against real results: the example shop's specs and the fixture project of
//! `tests/fixtures/audit/` (items tagged `@req:…`, a requirements list) are run in-process
//! against the example shop, and the audit reads the JSON report that run wrote, or the
//! history of a real `intent monitor --once`. Times of real runs are normalised in snapshots;
//! staleness is tested with a fixed clock (`--as-of`).

use intent_cli::Status;
use intent_ir::audit::{Audit, Coverage};
use intent_tests::child::{intent_in, isolate, status_of};
use intent_tests::harness::{EXAMPLES, intent, run, run_examples, shop_url};
use intent_tests::mkfifo;
use regex::Regex;
use std::path::Path;
use std::sync::{LazyLock, OnceLock};

/// The fixture project's specs and requirements lists, as the tests' folder sees them.
const SPECS: &str = "fixtures/audit/specs";
const SHOP_SPEC: &str = "fixtures/audit/specs/shop.intent";
const REQUIREMENTS: &str = "fixtures/audit/requirements.csv";
const COVERED: &str = "fixtures/audit/covered.csv";

/// Text with the times of real runs and of "now" (which change from run to run) replaced.
fn normalise(text: &str) -> String {
    static TIME: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z").expect("a valid regex")
    });
    TIME.replace_all(text, "[time]").into_owned()
}

/// The JSON report of one real run of the fixture specs against the example shop (made once
/// per test process). "Items are free" fails; everything else passes.
fn fixture_results() -> &'static str {
    static JSON: OnceLock<String> = OnceLock::new();
    JSON.get_or_init(|| {
        let target = format!("shop={}", shop_url());
        let run = run(&[SPECS, "--target", &target]);
        assert_eq!(run.status, Status::Failed, "{}\n{}", run.out, run.err);
        run.json
    })
}

/// Writes `text` to `dir/name` and returns the path as an argument.
fn write(dir: &Path, name: &str, text: &str) -> String {
    let path = dir.join(name);
    std::fs::write(&path, text).expect("write the file");
    path.to_string_lossy().into_owned()
}

/// `intent audit ARGS… --format json`, read back as the audit's own type.
fn audit_json(args: &[&str]) -> (Status, Audit, String) {
    let mut argv = vec!["audit"];
    argv.extend_from_slice(args);
    argv.extend(["--format", "json"]);
    let (status, out, err) = intent(&argv);
    let audit = serde_json::from_str(&out)
        .unwrap_or_else(|e| panic!("the audit is JSON: {e}\n{out}\nstderr:\n{err}"));
    (status, audit, err)
}

/// The state of each requirement, in the audit's order.
fn states(audit: &Audit) -> Vec<(&str, Coverage)> {
    audit
        .requirements
        .iter()
        .map(|r| (r.id.as_str(), r.state))
        .collect()
}

#[test]
fn the_example_shop_is_audited_against_the_results_of_a_real_run() {
    let run = run_examples(&[]);
    assert_eq!(run.status, Status::Success, "{}\n{}", run.out, run.err);
    let dir = tempfile::tempdir().expect("temp dir");
    let results = write(dir.path(), "results.json", &run.json);
    let (status, out, err) = intent(&["audit", EXAMPLES, "--results", &results]);
    assert_eq!(status, Status::Success, "{out}\n{err}");
    insta::assert_snapshot!("terminal__examples__shop__specs", normalise(&out));

    // Every item ran and passed, and its checks are those the plan declares.
    let (_, audit, _) = audit_json(&[EXAMPLES, "--results", &results]);
    let plan = intent_tests::harness::plan_of(EXAMPLES);
    let declared = plan.declared_checks();
    assert_eq!(audit.items.len(), declared.len());
    for (item, declared) in audit.items.iter().zip(&declared) {
        assert_eq!(&item.id, declared.id);
        assert_eq!(item.checks, declared.checks.len(), "{}", item.title);
        assert!(item.checks > 0, "{}", item.title);
        assert_eq!(item.state, Coverage::Verified, "{item:#?}");
        let latest = item.latest.as_ref().expect("a latest result");
        assert_eq!(latest.status, intent_ir::Status::Passed);
        assert_eq!(latest.at, run.result().started_at);
    }
    // No item carries a requirement tag: there is nothing to cover, which
    // --require-coverage refuses as it would refuse a selection of nothing.
    assert!(audit.requirements.is_empty());
    assert_eq!(audit.summary.untraced, audit.items.len());
    let (status, _, err) = intent(&[
        "audit",
        EXAMPLES,
        "--results",
        &results,
        "--require-coverage",
    ]);
    assert_eq!(status, Status::Failed);
    assert!(
        err.contains(
            "--require-coverage: no requirement is traced: no tag @req:… and no requirements list"
        ),
        "{err}"
    );
}

#[test]
fn requirements_are_traced_to_items_checks_and_their_latest_results() {
    let dir = tempfile::tempdir().expect("temp dir");
    let results = write(dir.path(), "results.json", fixture_results());
    let (status, audit, err) =
        audit_json(&[SPECS, "--results", &results, "--requirements", REQUIREMENTS]);
    assert_eq!(status, Status::Success, "{err}");
    assert_eq!(
        states(&audit),
        [
            ("SHOP-1", Coverage::Verified),
            ("SHOP-2", Coverage::Verified),
            ("SHOP-3", Coverage::Failing),
            ("SEC-1", Coverage::Verified),
            ("SHOP-4", Coverage::Uncovered),
            ("SHOP-5", Coverage::Uncovered),
            ("SHOP-9", Coverage::Verified),
        ]
    );
    let unlisted: Vec<&str> = audit
        .requirements
        .iter()
        .filter(|r| r.unlisted)
        .map(|r| r.id.as_str())
        .collect();
    assert_eq!(unlisted, ["SHOP-9"], "a tag the list does not name");
    insta::assert_snapshot!(
        "json__tests__fixtures__audit__specs",
        normalise(&intent_report::audit::json(&audit))
    );

    // The same audit as Markdown and HTML, written with --report; the terminal's on stdout.
    let (markdown, html) = (
        dir.path().join("audit.md").to_string_lossy().into_owned(),
        dir.path().join("audit.html").to_string_lossy().into_owned(),
    );
    let (status, out, err) = intent(&[
        "audit",
        SPECS,
        "--results",
        &results,
        "--requirements",
        REQUIREMENTS,
        "--report",
        &format!("markdown={markdown}"),
        "--report",
        &format!("html={html}"),
    ]);
    assert_eq!(status, Status::Success, "{err}");
    insta::assert_snapshot!("terminal__tests__fixtures__audit__specs", normalise(&out));
    let read = |path: &str| normalise(&std::fs::read_to_string(path).expect("the report"));
    insta::assert_snapshot!("markdown__tests__fixtures__audit__specs", read(&markdown));
    let page = read(&html);
    insta::assert_snapshot!("html__tests__fixtures__audit__specs", page);
    assert!(
        !page.contains("<script") && !page.contains("http"),
        "self-contained"
    );

    // Not every requirement is verified.
    let (status, _, err) = intent(&[
        "audit",
        SPECS,
        "--results",
        &results,
        "--requirements",
        REQUIREMENTS,
        "--require-coverage",
    ]);
    assert_eq!(status, Status::Failed);
    assert!(
        err.contains("--require-coverage: not every requirement is verified (7 requirements: 4 verified, 1 failing, 0 stale, 0 not run, 2 without a check)"),
        "{err}"
    );
}

#[test]
fn require_coverage_passes_only_when_every_requirement_is_verified() {
    let dir = tempfile::tempdir().expect("temp dir");
    let results = write(dir.path(), "results.json", fixture_results());
    // shop.intent verifies SHOP-1, SHOP-2 and SEC-1, all that covered.csv lists.
    let (status, out, err) = intent(&[
        "audit",
        SHOP_SPEC,
        "--results",
        &results,
        "--requirements",
        COVERED,
        "--require-coverage",
    ]);
    assert_eq!(status, Status::Success, "{out}\n{err}");
    assert!(
        out.ends_with("✓ 3 requirements: 3 verified, 0 failing, 0 stale, 0 not run, 0 without a check · 4 items, 0 trace no requirement · 11 checks\n"),
        "{out}"
    );
    // The full list names SHOP-3, SHOP-4 and SHOP-5, which no item of shop.intent carries.
    let (status, audit, _) = audit_json(&[
        SHOP_SPEC,
        "--results",
        &results,
        "--requirements",
        REQUIREMENTS,
        "--require-coverage",
    ]);
    assert_eq!(status, Status::Failed);
    let uncovered: Vec<&str> = audit
        .requirements
        .iter()
        .filter(|r| r.state == Coverage::Uncovered && r.items.is_empty())
        .map(|r| r.id.as_str())
        .collect();
    assert_eq!(uncovered, ["SHOP-3", "SHOP-4", "SHOP-5"]);
    // Without results nothing is verified, whatever the specs say.
    let (status, audit, _) =
        audit_json(&[SHOP_SPEC, "--requirements", COVERED, "--require-coverage"]);
    assert_eq!(status, Status::Failed);
    assert!(
        audit
            .requirements
            .iter()
            .all(|r| r.state == Coverage::NotRun)
    );
}

#[test]
fn the_history_of_a_real_monitor_run_is_audited() {
    let dir = tempfile::tempdir().expect("temp dir");
    let history = dir.path().join("history.sqlite");
    let history = history.to_str().expect("a UTF-8 path");
    let target = format!("shop={}", shop_url());
    let (status, out, err) = intent(&[
        "monitor",
        SHOP_SPEC,
        "--once",
        "--history",
        history,
        "--no-start",
        "--target",
        &target,
    ]);
    assert_eq!(status, Status::Success, "{out}\n{err}");
    let (status, out, err) = intent(&["audit", SHOP_SPEC, "--history", history]);
    assert_eq!(status, Status::Success, "{err}");
    insta::assert_snapshot!(
        "history__tests__fixtures__audit__specs__shop.intent",
        normalise(&out)
    );
    // The monitor ran the @smoke intents and the policy; the intent with examples never ran.
    let (_, audit, _) = audit_json(&[SHOP_SPEC, "--history", history]);
    assert_eq!(
        states(&audit),
        [
            ("SEC-1", Coverage::Verified),
            ("SHOP-1", Coverage::Verified),
            ("SHOP-2", Coverage::NotRun),
        ]
    );
    // The history is only read: the file is as the monitor left it.
    let before = std::fs::read(history).expect("the history");
    let _ = intent(&["audit", SHOP_SPEC, "--history", history]);
    assert_eq!(std::fs::read(history).expect("the history"), before);
}

/// The fixture's results as if the run had started at `started_at`, with "Items are free"
/// passed when `fixed`.
fn results_at(started_at: &str, fixed: bool) -> String {
    let mut result: serde_json::Value =
        serde_json::from_str(fixture_results()).expect("the results are JSON");
    result["started_at"] = started_at.into();
    if fixed {
        for item in result["items"].as_array_mut().expect("items") {
            if item["title"] == "Items are free" {
                item["status"] = "passed".into();
            }
        }
    }
    serde_json::to_string(&result).expect("JSON")
}

#[test]
fn results_older_than_the_stale_age_are_stale_on_a_fixed_clock() {
    let dir = tempfile::tempdir().expect("temp dir");
    let old = write(
        dir.path(),
        "old.json",
        &results_at("2026-01-01T00:00:00.000Z", false),
    );
    let as_of = ["--as-of", "2026-01-09T00:00:00Z"];
    // Eight days after the run: older than the fixture's `stale_after = "7d"`.
    let mut args = vec![
        "audit",
        SHOP_SPEC,
        "--results",
        &old,
        "--requirements",
        COVERED,
    ];
    args.extend(as_of);
    let (status, out, err) = intent(&args);
    assert_eq!(status, Status::Success, "{err}");
    insta::assert_snapshot!("stale__tests__fixtures__audit__specs__shop.intent", out);
    args.push("--require-coverage");
    assert_eq!(intent(&args).0, Status::Failed, "stale is not verified");
    // A longer stale age on the command line wins over intent.toml.
    args.extend(["--stale-after", "10d"]);
    let (status, audit, err) = audit_json(&args[1..]);
    assert_eq!(status, Status::Success, "{err}");
    assert_eq!(audit.stale_after_s, 10 * 86_400);
    assert_eq!(audit.as_of, "2026-01-09T00:00:00.000Z");

    // Of two results files, each item's newer result wins: the fix of "Items are free" a day
    // later verifies SHOP-3 whichever order the files are named in.
    let newer = write(
        dir.path(),
        "newer.json",
        &results_at("2026-01-02T00:00:00.000Z", true),
    );
    for files in [[&old, &newer], [&newer, &old]] {
        let (_, audit, _) = audit_json(&[
            SPECS,
            "--results",
            files[0],
            "--results",
            files[1],
            "--as-of",
            "2026-01-03T00:00:00Z",
        ]);
        let shop3 = audit
            .requirements
            .iter()
            .find(|r| r.id == "SHOP-3")
            .expect("SHOP-3");
        assert_eq!(shop3.state, Coverage::Verified);
        assert_eq!(
            shop3.oldest_result.as_deref(),
            Some("2026-01-02T00:00:00.000Z")
        );
    }
}

#[test]
fn bad_inputs_are_refused_with_a_diagnostic_and_nothing_hangs() {
    let dir = tempfile::tempdir().expect("temp dir");
    let root = dir.path();
    isolate(root);
    let spec = write(
        root,
        "shop.intent",
        "target shop = \"http://127.0.0.1:1\"\n\nintent \"Up\" @req:UP-1 {\n  when GET shop /health\n  then status == 200\n}\n",
    );
    let refused = |args: &[&str], expected: &str| {
        let mut argv = vec!["audit", spec.as_str()];
        argv.extend_from_slice(args);
        let (status, out, err) = intent(&argv);
        assert_eq!(status, Status::Invalid, "{args:?}: {out}\n{err}");
        assert!(
            err.contains(expected),
            "{args:?}: expected {expected:?} in\n{err}"
        );
        assert!(out.is_empty(), "{args:?}: nothing on stdout: {out}");
    };
    let missing = root.join("missing.json").to_string_lossy().into_owned();
    refused(&["--results", &missing], "cannot read the results");
    refused(&["--results", &missing], "missing.json: it does not exist");
    let malformed = write(
        root,
        "malformed.json",
        "{\"format\": \"intent-results/1\", ",
    );
    refused(
        &["--results", &malformed],
        "malformed.json: not a results file: EOF while parsing",
    );
    let plan = write(root, "other.json", "{\"format\": \"intent-plan/1\"}");
    refused(&["--results", &plan], "other.json: not a results file");
    let future = results_at("2026-01-01T00:00:00.000Z", false)
        .replace("intent-results/1", "intent-results/2");
    let future = write(root, "future.json", &future);
    refused(
        &["--results", &future],
        "results are in format `intent-results/2`, this version reads `intent-results/1`",
    );
    let untimed = write(root, "untimed.json", &results_at("yesterday", false));
    refused(&["--results", &untimed], "`yesterday` is not a time");
    let headless = write(root, "headless.csv", "UP-1,The shop is up\n");
    refused(
        &["--requirements", &headless],
        "headless.csv:1: the first line must be the header `id,title`, found `UP-1,The shop is up`",
    );
    let ragged = write(root, "ragged.csv", "id,title\nUP-1\n");
    refused(
        &["--requirements", &ragged],
        "ragged.csv:2: the row has 1 fields, the header 2",
    );
    let pipe = root.join("pipe.csv");
    mkfifo(&pipe);
    let pipe = pipe.to_string_lossy().into_owned();
    refused(
        &["--requirements", &pipe],
        "pipe.csv: it is a FIFO, not a regular file",
    );
    refused(
        &["--results", &pipe],
        "pipe.csv: it is a FIFO, not a regular file",
    );
    refused(&["--history", &pipe], "is not a regular file");
    refused(&["--history", &missing], "there is no history at");
    refused(&["--history", &malformed], "malformed.json");
    let outside = tempfile::tempdir().expect("another folder");
    let elsewhere = write(outside.path(), "reqs.csv", "id,title\nUP-1,Up\n");
    refused(&["--requirements", &elsewhere], "outside the project root");
    refused(&["--as-of", "soon"], "`soon` is not a time");
    refused(&["--stale-after", "7"], "the unit is missing");
    refused(&["--report", "junit=x.xml"], "unknown report kind `junit`");
    // A spec with an error is refused before anything is read.
    let broken = write(
        root,
        "broken.intent",
        "intent \"Broken\" {\n  then status ==\n}\n",
    );
    let (status, out, err) = intent(&["audit", &broken, "--results", &missing]);
    assert_eq!(status, Status::Invalid, "{out}\n{err}");
    assert!(!err.contains("cannot read the results"), "{err}");
}

/// Not a test on its own: plays `intent` in a child process (see `intent_tests::child`).
#[test]
fn child_process() {
    intent_tests::child::play();
}

#[test]
fn what_the_audit_shows_of_the_specs_is_redacted_as_a_run_redacts_it() {
    // The secret comes from the environment, so `intent` runs in a child process.
    let dir = tempfile::tempdir().expect("temp dir");
    isolate(dir.path());
    write(
        dir.path(),
        "keys.intent",
        r#"target shop = "http://127.0.0.1:1"
secret key = env("INTENT_TEST_AUDIT_KEY")

intent "Keys stay secret" @req:SEC-2 {
  because "the key hunter2-audit never shows, nor does ops@example.com"
  when GET shop /health
    header "X-Key" = key
  then status == 200
}

policy "No personal data" applies to every response {
  expect body not contains pii.email
}
"#,
    );
    let (code, out, err) = intent_in(
        dir.path(),
        &["audit", "keys.intent", "--format", "json"],
        &[("INTENT_TEST_AUDIT_KEY", "hunter2-audit")],
    );
    assert_eq!(status_of(code), Status::Success, "{out}\n{err}");
    let audit: Audit = serde_json::from_str(&out).expect("the audit is JSON");
    assert_eq!(
        audit.items[0].because.as_deref(),
        Some("the key [redacted] never shows, nor does o***@example.com")
    );
    assert!(
        !out.contains("hunter2-audit") && !out.contains("ops@example.com"),
        "{out}"
    );
}
