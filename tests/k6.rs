//! `intent compile --emit k6`: the scripts are real k6 scripts (the real k6, installed by
//! scripts/test, inspects and runs them), a block that holds under `intent run` exits 0
//! under k6 and one whose threshold cannot hold exits 99, the two agree on counts and
//! measurements within the tolerance of docs/interop.md, secrets stay in the environment,
//! and what k6 cannot express is a coded diagnostic at its span.

use intent_cli::Status;
use intent_tests::harness::{RUN_LIMIT, intent, metric_value, run, shop_url};
use intent_tests::{expectation, intent_files, relative, render_all, repo_root, servers};
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Instant;

/// The load blocks that both engines run, as the tests' working folder (`tests/`) sees them.
const SHOP: &str = "fixtures/k6/shop.intent";

/// The id prefix of the blocks of [`SHOP`].
const SHOP_ID: &str = "tests/fixtures/k6/shop::";

/// Not a test on its own: plays `intent` in a child process (see `intent_tests::child`).
#[test]
fn child_process() {
    intent_tests::child::play();
}

/// Exports `spec` into a new folder; returns it with the scripts written, by file name.
fn export(spec: &str) -> (tempfile::TempDir, Vec<PathBuf>) {
    let dir = tempfile::tempdir().expect("a folder for the scripts");
    let out = dir.path().to_string_lossy().into_owned();
    let (status, _, err) = intent(&["compile", spec, "--emit", "k6", "-o", &out]);
    assert_eq!(status, Status::Success, "{err}");
    let mut scripts: Vec<PathBuf> = std::fs::read_dir(dir.path())
        .expect("the folder")
        .map(|e| e.expect("an entry").path())
        .collect();
    scripts.sort();
    (dir, scripts)
}

/// What one `k6` command did: its exit code, output, and (for `run`) the summary it exported.
struct K6 {
    code: i32,
    output: String,
    summary: Value,
}

/// Runs the real k6 with `args` and the script, on loopback only (no usage report), bounded
/// by [`RUN_LIMIT`]: a hang kills it and fails the test.
fn k6(args: &[&str], script: &Path) -> K6 {
    let dir = tempfile::tempdir().expect("a folder for k6's output");
    let log = dir.path().join("k6.log");
    let summary = dir.path().join("summary.json");
    let file = std::fs::File::create(&log).expect("k6's log");
    let mut child = Command::new(servers::k6())
        .args(args)
        .arg(script)
        .env("K6_NO_USAGE_REPORT", "true")
        .env("K6_SUMMARY_EXPORT", &summary)
        .stdin(Stdio::null())
        .stdout(file.try_clone().expect("the log again"))
        .stderr(file)
        .spawn()
        .expect("start k6");
    let deadline = Instant::now() + RUN_LIMIT;
    let status = loop {
        if let Some(status) = child.try_wait().expect("wait for k6") {
            break status;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            panic!("k6 {args:?} did not finish within {RUN_LIMIT:?}: a hang");
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    };
    let summary = std::fs::read_to_string(&summary)
        .ok()
        .and_then(|text| serde_json::from_str(&text).ok())
        .unwrap_or(Value::Null);
    K6 {
        code: status.code().unwrap_or(-1),
        output: std::fs::read_to_string(&log).unwrap_or_default(),
        summary,
    }
}

/// `k6 run` against the example shop.
fn k6_run(script: &Path) -> K6 {
    let shop = format!("SHOP_URL={}", shop_url());
    k6(
        &["run", "--quiet", "--no-usage-report", "-e", &shop],
        script,
    )
}

/// The script of the block `slug` of [`SHOP`].
fn script_of<'s>(scripts: &'s [PathBuf], slug: &str) -> &'s Path {
    scripts
        .iter()
        .find(|p| p.to_string_lossy().ends_with(&format!("--{slug}.js")))
        .unwrap_or_else(|| panic!("no script for {slug} in {scripts:?}"))
}

#[test]
fn every_load_block_becomes_a_script_named_after_its_id_that_k6_reads() {
    let (_dir, scripts) = export(SHOP);
    let names: Vec<String> = scripts
        .iter()
        .map(|p| {
            p.file_name()
                .expect("a name")
                .to_string_lossy()
                .into_owned()
        })
        .collect();
    assert_eq!(
        names,
        [
            "tests__fixtures__k6__shop--a-page-that-does-not-exist-is-never-asked-for.js",
            "tests__fixtures__k6__shop--the-catalog-holds-light-traffic.js",
            "tests__fixtures__k6__shop--two-shoppers-log-in-again-and-again.js",
        ]
    );
    for script in &scripts {
        // `k6 inspect` reads the script and prints its options without sending anything.
        let inspected = k6(&["inspect"], script);
        assert_eq!(inspected.code, 0, "{}", inspected.output);
        let options: Value =
            serde_json::from_str(&inspected.output[inspected.output.find('{').unwrap_or(0)..])
                .unwrap_or_else(|e| panic!("k6 inspect prints JSON ({e}): {}", inspected.output));
        let scenario = &options["scenarios"]["intent"];
        assert!(scenario["executor"].is_string(), "{options:#}");
        assert!(options["thresholds"]["checks"].is_array(), "{options:#}");
    }
    let light = script_of(&scripts, "the-catalog-holds-light-traffic");
    let text = std::fs::read_to_string(light).expect("the script");
    assert!(
        text.contains("at tests/fixtures/k6/shop.intent:11:1 (tests/fixtures/k6/shop::the-catalog-holds-light-traffic)"),
        "the header names the spec location: {text}"
    );
    insta::assert_snapshot!("script__tests__fixtures__k6__shop.intent", text);
    let closed =
        std::fs::read_to_string(script_of(&scripts, "two-shoppers-log-in-again-and-again"))
            .expect("the script");
    assert!(
        closed.contains("executor: 'constant-vus',\n      vus: 2,"),
        "{closed}"
    );
}

/// The same block under `intent run` (its status and metrics) and under k6.
fn both(slug: &str, scripts: &[PathBuf]) -> (intent_ir::ItemResult, K6) {
    let target = format!("shop={}", shop_url());
    let id = format!("{SHOP_ID}{slug}");
    let ran = run(&[SHOP, "--target", &target, "--id", &id]);
    let item = ran.result().items.into_iter().next().unwrap_or_else(|| {
        panic!(
            "intent run --id {id} ran nothing:\n{}\n{}",
            ran.out, ran.err
        )
    });
    (item, k6_run(script_of(scripts, slug)))
}

/// A metric of k6's summary: `metric`'s `field` (`count`, `rate`, `value`, `p(99)`).
fn measured(k6: &K6, metric: &str, field: &str) -> f64 {
    k6.summary["metrics"][metric][field]
        .as_f64()
        .unwrap_or_else(|| panic!("no {metric}.{field} in k6's summary:\n{}", k6.output))
}

#[test]
fn k6_and_intent_run_agree_on_the_example_shop() {
    let (_dir, scripts) = export(SHOP);

    // A block that holds: both pass, with the same iterations and errors.
    let (item, k6) = both("the-catalog-holds-light-traffic", &scripts);
    assert_eq!(item.status, intent_ir::Status::Passed, "{item:#?}");
    assert_eq!(k6.code, 0, "{}", k6.output);
    let count = |item: &intent_ir::ItemResult| metric_value(item, "count").expect("count");
    let (intent_count, k6_count) = (count(&item), measured(&k6, "iterations", "count"));
    // The open model starts R·D iterations under both; k6 may start one more at the very end.
    assert!(
        (k6_count - intent_count).abs() <= 1.0 && intent_count == 20.0,
        "iterations: intent {intent_count}, k6 {k6_count}"
    );
    let intent_errors = metric_value(&item, "error_rate").expect("error_rate");
    assert_eq!(intent_errors, 0.0);
    assert_eq!(measured(&k6, "http_req_failed", "value"), 0.0);
    assert_eq!(measured(&k6, "checks", "value"), 1.0, "every check held");
    assert_eq!(measured(&k6, "intent_rate_1", "value"), 1.0);
    // Throughput: within 25% (both start 20 per second; they time the block differently).
    let intent_rate = metric_value(&item, "throughput").expect("throughput");
    let k6_rate = measured(&k6, "http_reqs", "rate");
    assert!(
        (k6_rate - intent_rate).abs() <= 0.25 * intent_rate,
        "throughput: intent {intent_rate}/s, k6 {k6_rate}/s"
    );
    // Latency: both on the same side of the threshold (500 ms), and within 100 ms.
    let intent_p99 = metric_value(&item, "p99(duration)").expect("p99");
    let k6_p99 = measured(&k6, "http_req_duration", "p(99)");
    assert!(
        intent_p99 < 500.0 && k6_p99 < 500.0 && (intent_p99 - k6_p99).abs() < 100.0,
        "p99: intent {intent_p99} ms, k6 {k6_p99} ms"
    );
    eprintln!(
        "holds: iterations intent {intent_count} / k6 {k6_count}; throughput {intent_rate:.2} / \
         {k6_rate:.2} per s; p99 {intent_p99:.2} / {k6_p99:.2} ms"
    );

    // A block whose threshold cannot hold: intent fails it, k6 exits 99 (thresholds crossed).
    let (item, k6) = both("a-page-that-does-not-exist-is-never-asked-for", &scripts);
    assert_eq!(item.status, intent_ir::Status::Failed, "{item:#?}");
    assert_eq!(k6.code, 99, "{}", k6.output);
    assert_eq!(metric_value(&item, "error_rate"), Some(100.0));
    assert_eq!(measured(&k6, "http_req_failed", "value"), 1.0);
    let (intent_count, k6_count) = (count(&item), measured(&k6, "http_reqs", "count"));
    assert!(
        (k6_count - intent_count).abs() <= 1.0,
        "requests: intent {intent_count}, k6 {k6_count}"
    );
    assert!(k6.output.contains("http_req_failed"), "{}", k6.output);

    // The closed model: both pass; the counts depend on the machine, so only the verdicts
    // and the error rates are compared.
    let (item, k6) = both("two-shoppers-log-in-again-and-again", &scripts);
    assert_eq!(item.status, intent_ir::Status::Passed, "{item:#?}");
    assert_eq!(k6.code, 0, "{}", k6.output);
    assert_eq!(metric_value(&item, "error_rate"), Some(0.0));
    assert_eq!(measured(&k6, "http_req_failed", "value"), 0.0);
    eprintln!(
        "closed model: iterations intent {} / k6 {}",
        count(&item),
        measured(&k6, "iterations", "count")
    );
}

#[test]
fn secrets_are_read_from_the_environment_and_never_written() {
    let dir = tempfile::tempdir().expect("temp dir");
    let spec = repo_root().join("tests/fixtures/k6/secret.intent");
    let spec = spec.to_string_lossy().into_owned();
    let out = dir.path().join("scripts");
    let out = out.to_string_lossy().into_owned();
    let marker = "k6-secret-value-0d1e";
    let (code, _, err) = intent_tests::child::intent_in(
        dir.path(),
        &["compile", &spec, "--emit", "k6", "-o", &out],
        &[("INTENT_TEST_K6_SECRET", marker)],
    );
    assert_eq!(code, 0, "{err}");
    let script = std::fs::read_dir(&out)
        .expect("the scripts")
        .next()
        .expect("one script")
        .expect("an entry")
        .path();
    let text = std::fs::read_to_string(&script).expect("the script");
    assert!(
        !text.contains(marker),
        "the secret's value is in the script"
    );
    assert!(
        text.contains("const v_api_key = I.env(\"INTENT_TEST_K6_SECRET\");"),
        "{text}"
    );
    // Without the variable, k6 stops before sending anything, as `intent run` does.
    let run = k6_run(&script);
    assert_ne!(run.code, 0, "{}", run.output);
    assert!(
        run.output
            .contains("the environment variable INTENT_TEST_K6_SECRET is not set"),
        "{}",
        run.output
    );
    assert!(
        !run.output.contains("http_reqs"),
        "nothing was sent: {}",
        run.output
    );
}

#[test]
fn what_k6_cannot_express_is_a_coded_diagnostic_at_its_span() {
    let files = intent_files("tests/fixtures/k6/err");
    assert!(files.len() >= 4, "{files:?}");
    for path in files {
        let text = std::fs::read_to_string(&path).expect("fixture is readable");
        let want = expectation(&path, &text);
        let shown = Path::new("..").join(relative(&path));
        let checked = intent_tests::check_in(&repo_root(), std::slice::from_ref(&shown));
        let loaded = &checked.loaded;
        assert!(
            checked.diagnostics.is_empty(),
            "{} checks cleanly: only the export refuses it",
            relative(&path)
        );
        let refused =
            intent_codegen::k6_scripts(&checked.plan).expect_err("the export refuses the fixture");
        let rendered = render_all(&refused, &loaded.sources);
        let hit = refused.iter().find(|d| {
            let primary = d.primary();
            d.code.as_str() == want.code
                && loaded
                    .sources
                    .get(primary.file)
                    .line_col(primary.span.start)
                    .line
                    == want.line
        });
        let hit = hit.unwrap_or_else(|| {
            panic!(
                "{} should report {} on line {}, got:\n{rendered}",
                relative(&path),
                want.code,
                want.line
            )
        });
        assert!(hit.help.is_some(), "{}: help", relative(&path));
        let name = relative(&path).replace('/', "__");
        insta::assert_snapshot!(
            format!("diagnostics__{name}"),
            format!("{text}\n----- diagnostics -----\n{rendered}")
        );
    }

    // The example shop's load block has a threshold at 95% confidence: the command refuses
    // it (exit 2) with E4001 at that line and writes nothing.
    let dir = tempfile::tempdir().expect("temp dir");
    let out = dir.path().join("scripts");
    let (status, _, err) = intent(&[
        "compile",
        "../examples/shop/specs",
        "--emit",
        "k6",
        "-o",
        &out.to_string_lossy(),
    ]);
    assert_eq!(status, Status::Invalid, "{err}");
    assert!(err.contains("E4001"), "{err}");
    assert!(err.contains("load.intent:13:30"), "{err}");
    assert!(!out.exists(), "nothing was written");
}

#[test]
fn the_defaults_of_the_export_are_the_runners() {
    assert_eq!(
        intent_codegen::k6::DEFAULT_TIMEOUT_MS,
        intent_runner::DEFAULT_TIMEOUT.as_secs_f64() * 1000.0
    );
    assert_eq!(
        intent_codegen::k6::MAX_VUS,
        intent_runner::MAX_IN_FLIGHT as u64
    );
}
