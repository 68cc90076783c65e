//! `intent monitor --metrics ADDR` and `intent compile --emit prometheus-rules` against the
//! real Prometheus tools (Debian's `prometheus` package, which scripts/test installs): the
//! served metrics pass `promtool check metrics`, a real Prometheus scrapes a running monitor
//! and its HTTP API reads the values back, and the rules pass `promtool check rules` and fire
//! after N failed runs in a row under `promtool test rules`. Everything is on loopback, and
//! every wait is bounded.

use intent_cli::Status;
use intent_tests::harness::{RUN_LIMIT, intent, shop_url};
use intent_tests::{child, http, servers};
use serde_json::Value;
use std::io::Write;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// Not a test on its own: plays `intent` in a child process (see `intent_tests::child`).
#[test]
fn child_process() {
    child::play();
}

/// The monitor's id in [`SPEC`], as written in a file `watch.intent` at the project root.
const MONITOR: &str = "watch::shop-watch";

/// A monitor every 100 ms of an intent that passes, one that fails, and a load block, against
/// the example shop.
const SPEC: &str = r#"target shop = "http://127.0.0.1:1"

intent "The shop is healthy" @smoke {
  when GET shop /health
  then status == 200
}

intent "Page zero is served" @smoke {
  when GET shop /catalog?page=0
  then status == 200
}

load "The catalog holds a little traffic" @smoke {
  arrive 20/s for 200ms
  when GET shop /catalog
  expect p99(duration) < 500ms
  expect error_rate < 1%
}

monitor "Shop watch" every 100ms {
  run intents tagged @smoke
  alert webhook "http://127.0.0.1:9/hook" after 2 failures
}
"#;

/// A port that was free a moment ago on 127.0.0.1.
fn free_port() -> u16 {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind a free port");
    listener.local_addr().expect("its address").port()
}

/// Polls `probe` every 50 ms until it gives a value; a failure naming `what` after
/// [`RUN_LIMIT`].
fn eventually<T>(what: &str, mut probe: impl FnMut() -> Option<T>) -> T {
    let started = Instant::now();
    loop {
        if let Some(found) = probe() {
            return found;
        }
        assert!(
            started.elapsed() < RUN_LIMIT,
            "{what}: not within {RUN_LIMIT:?}"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// Runs a promtool command with `stdin`, bounded by [`RUN_LIMIT`]; its status and output.
fn promtool(args: &[&str], stdin: &str, dir: &std::path::Path) -> (bool, String) {
    let mut child = Command::new(servers::promtool())
        .args(args)
        .current_dir(dir)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start promtool");
    child
        .stdin
        .take()
        .expect("piped")
        .write_all(stdin.as_bytes())
        .expect("write promtool's input");
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let _ = tx.send(child.wait_with_output());
    });
    let output = rx
        .recv_timeout(RUN_LIMIT)
        .expect("promtool finishes")
        .expect("promtool's output");
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    (output.status.success(), text)
}

/// Every character of a query but letters and digits percent-encoded.
fn encoded(query: &str) -> String {
    query
        .bytes()
        .map(|b| match b {
            b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// The value of the first series `query` selects, through Prometheus's HTTP API.
fn query(prometheus: &str, query: &str) -> Option<f64> {
    let path = format!("/api/v1/query?query={}", encoded(query));
    let answer = http::get(prometheus, &path, &[]).ok()?;
    let body = String::from_utf8_lossy(&answer.body).into_owned();
    let json: Value = serde_json::from_str(&body[body.find('{')?..=body.rfind('}')?]).ok()?;
    json["data"]["result"][0]["value"][1]
        .as_str()
        .and_then(|v| v.parse().ok())
}

#[test]
fn a_real_prometheus_scrapes_a_running_monitor() {
    let dir = tempfile::tempdir().expect("temp dir");
    child::isolate(dir.path());
    std::fs::write(dir.path().join("watch.intent"), SPEC).expect("write the spec");
    let port = free_port();
    let address = format!("127.0.0.1:{port}");
    let target = format!("shop={}", shop_url());
    let mut monitor = child::spawn_intent(
        dir.path(),
        &[
            "monitor",
            "watch.intent",
            "--history",
            "history.sqlite",
            "--no-start",
            "--target",
            &target,
            "--alert-timeout",
            "100ms",
            "--alert-retries",
            "0",
            "--metrics",
            &address,
        ],
        &[],
    );
    let lines = child::stdout_lines(&mut monitor);
    child::lines_until(&lines, "Shop watch #2");
    let base = format!("http://{address}");
    let text = eventually("the monitor serves its metrics", || {
        let answer = http::get(&base, "/metrics", &[]).ok()?;
        (answer.status == 200).then(|| String::from_utf8_lossy(&answer.body).into_owned())
    });
    for name in [
        "intent_monitor_runs_total{monitor=\"watch::shop-watch\",outcome=\"failed\"}",
        "intent_monitor_run_duration_seconds_bucket{",
        "intent_monitor_last_run_timestamp_seconds{",
        "intent_monitor_failed_runs_in_a_row{monitor=\"watch::shop-watch\"}",
        "intent_item_status{monitor=\"watch::shop-watch\",item=\"watch::page-zero-is-served\",kind=\"intent\",status=\"failed\"} 1",
        "intent_check_failures_total{monitor=\"watch::shop-watch\",item=\"watch::page-zero-is-served\"",
        "metric=\"p99(duration)\"",
        "intent_item_metric_ratio{",
    ] {
        assert!(text.contains(name), "no {name} in\n{text}");
    }
    // No value read from a response is a label: the shop's answers are JSON bodies.
    assert!(!text.contains("\"items\""), "{text}");
    let (passed, lint) = promtool(&["check", "metrics"], &text, dir.path());
    assert!(passed, "promtool check metrics:\n{lint}\n{text}");

    let prometheus = servers::prometheus(&address);
    let failing = format!("intent_monitor_failed_runs_in_a_row{{monitor=\"{MONITOR}\"}}");
    let streak = eventually("Prometheus has scraped the streak", || {
        query(prometheus.url(), &failing)
    });
    // Every run fails (page zero is refused), so the streak is at least the two runs seen.
    assert!(streak >= 2.0, "{streak}");
    let p99 = eventually("Prometheus has scraped the load block's p99", || {
        query(
            prometheus.url(),
            "intent_item_metric_seconds{metric=\"p99(duration)\"}",
        )
    });
    assert!(p99 > 0.0 && p99 < 0.5, "{p99} s");
    child::interrupt(&monitor);
    let (code, _, err) = child::finish(monitor);
    assert_eq!(code, 1, "the latest completed run failed\n{err}");
    assert!(
        err.contains(&format!("serving metrics at http://{address}/metrics")),
        "{err}"
    );
}

#[test]
fn the_rules_pass_promtool_and_fire_after_n_failed_runs_in_a_row() {
    let dir = tempfile::tempdir().expect("temp dir");
    let rules = dir.path().join("rules.yml");
    let (status, _, err) = intent(&[
        "compile",
        "../examples/shop/specs",
        "--emit",
        "prometheus-rules",
        "-o",
        &rules.to_string_lossy(),
    ]);
    assert_eq!(status, Status::Success, "{err}");
    let text = std::fs::read_to_string(&rules).expect("the rules");
    insta::assert_snapshot!("rules__examples__shop__specs", text);
    let (passed, out) = promtool(&["check", "rules", "rules.yml"], "", dir.path());
    assert!(passed && out.contains("SUCCESS: 1 rules found"), "{out}");

    // The example monitor alerts `after 2 failures`: the rule fires at a streak of 2 and
    // resolves when a run passes (the streak drops to 0).
    let monitor = "examples/shop/specs/governance::production-smoke";
    let test = format!(
        r#"rule_files:
  - rules.yml
evaluation_interval: 1m
tests:
  - interval: 1m
    input_series:
      - series: 'intent_monitor_failed_runs_in_a_row{{monitor="{monitor}"}}'
        values: '0 1 2 3 0'
    alert_rule_test:
      - eval_time: 1m
        alertname: IntentMonitorFailing
        exp_alerts: []
      - eval_time: 3m
        alertname: IntentMonitorFailing
        exp_alerts:
          - exp_labels:
              monitor: "{monitor}"
            exp_annotations:
              summary: 'The monitor "Production smoke" failed 2 runs in a row'
              description: 'intent monitor ran what "Production smoke" selects and it failed 3 runs in a row; `intent history --monitor "Production smoke"` lists the runs and their failures.'
              spec: examples/shop/specs/governance.intent:26
      - eval_time: 4m
        alertname: IntentMonitorFailing
        exp_alerts: []
"#
    );
    std::fs::write(dir.path().join("test.yml"), test).expect("write the rule test");
    let (passed, out) = promtool(&["test", "rules", "test.yml"], "", dir.path());
    assert!(passed, "promtool test rules:\n{out}");
}

#[test]
fn a_metrics_address_that_cannot_be_served_is_refused() {
    let dir = tempfile::tempdir().expect("temp dir");
    let spec = dir.path().join("watch.intent");
    std::fs::write(&spec, SPEC).expect("write the spec");
    let spec = spec.to_string_lossy().into_owned();
    let history = dir.path().join("history.sqlite");
    let history = history.to_string_lossy().into_owned();
    let watch = |address: &str| {
        intent(&[
            "monitor",
            &spec,
            "--once",
            "--history",
            &history,
            "--no-start",
            "--metrics",
            address,
        ])
    };
    let (status, _, err) = watch("somewhere:9464");
    assert_eq!(status, Status::Invalid, "{err}");
    assert!(err.contains("is not an address"), "{err}");
    let taken = std::net::TcpListener::bind("127.0.0.1:0").expect("bind a port");
    let port = taken.local_addr().expect("its address").port().to_string();
    let (status, _, err) = watch(&port);
    assert_eq!(status, Status::CouldNotRun, "{err}");
    assert!(
        err.contains(&format!("cannot serve metrics on 127.0.0.1:{port}")),
        "{err}"
    );
}
