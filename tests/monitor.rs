//! `intent monitor` and `intent history` against a real server on loopback: a target that
//! fails twice and then recovers, and a webhook that records the alerts it receives. The
//! history is a real SQLite file, read back here with SQL.

use axum::Json;
use axum::Router;
use axum::http::StatusCode;
use axum::routing::{get, post};
use intent_cli::Status;
use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

/// What the test server saw: how often `/flaky`, `/fail-then-stall` and `/busy-hook` were
/// asked, and each alert `/hook` and `/busy-hook` took.
#[derive(Default)]
struct Seen {
    flaky: AtomicUsize,
    stalling: AtomicUsize,
    busy: AtomicUsize,
    alerts: Mutex<Vec<serde_json::Value>>,
}

/// Starts a server on a free loopback port, on a thread of its own: `/flaky` answers 500 to
/// its first `failures` requests and 200 after; `/fail-then-stall` answers its first request
/// 500 and never answers the next ones; `/hook` takes alerts, and so does `/busy-hook` after
/// answering its first one 503. Returns its base URL.
fn start_server(failures: usize) -> (String, Arc<Seen>) {
    let seen = Arc::new(Seen::default());
    let state = Arc::clone(&seen);
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("a runtime for the test server");
        runtime.block_on(async move {
            let flaky = Arc::clone(&state);
            let stalling = Arc::clone(&state);
            let hook = Arc::clone(&state);
            let busy = Arc::clone(&state);
            let app = Router::new()
                .route(
                    "/flaky",
                    get(move || {
                        let n = flaky.flaky.fetch_add(1, Ordering::SeqCst);
                        async move {
                            if n < failures {
                                StatusCode::INTERNAL_SERVER_ERROR
                            } else {
                                StatusCode::OK
                            }
                        }
                    }),
                )
                .route(
                    "/fail-then-stall",
                    get(move || {
                        let n = stalling.stalling.fetch_add(1, Ordering::SeqCst);
                        async move {
                            if n > 0 {
                                std::future::pending::<()>().await;
                            }
                            StatusCode::INTERNAL_SERVER_ERROR
                        }
                    }),
                )
                .route(
                    "/hook",
                    post(move |Json(alert): Json<serde_json::Value>| {
                        hook.alerts.lock().expect("the alerts").push(alert);
                        async { StatusCode::NO_CONTENT }
                    }),
                )
                .route(
                    "/busy-hook",
                    post(move |Json(alert): Json<serde_json::Value>| {
                        let n = busy.busy.fetch_add(1, Ordering::SeqCst);
                        if n > 0 {
                            busy.alerts.lock().expect("the alerts").push(alert);
                        }
                        async move {
                            if n == 0 {
                                StatusCode::SERVICE_UNAVAILABLE
                            } else {
                                StatusCode::NO_CONTENT
                            }
                        }
                    }),
                );
            let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
                .await
                .expect("bind the test server");
            let address = listener.local_addr().expect("its address");
            tx.send(format!("http://{address}"))
                .expect("report the URL");
            axum::serve(listener, app).await.expect("serve");
        });
    });
    (rx.recv().expect("the server starts"), seen)
}

/// The environment variable a secret webhook URL is read from (set only in a child process).
const HOOK: &str = "INTENT_TEST_MONITOR_HOOK";

/// A spec with one @smoke intent on `/flaky` and a monitor that runs it every 20 ms, alerting
/// the webhook at `hook` after 2 failures, written to `dir`. With `secret`, the webhook's URL
/// is a secret read from [`HOOK`], which the caller sets to `hook`.
fn write_spec(dir: &Path, hook: &str, secret: bool) -> String {
    let (declaration, destination) = if secret {
        (
            format!("secret hook = env(\"{HOOK}\")\n"),
            "hook".to_string(),
        )
    } else {
        (String::new(), format!("{hook:?}"))
    };
    let spec = format!(
        r#"target api = "http://127.0.0.1:1"
{declaration}
intent "The flaky endpoint answers" @smoke {{
  when GET api /flaky
  then status == 200
}}

policy "No server errors" level warn applies to every response {{
  expect status < 500
}}

monitor "Flaky watch" every 20ms {{
  run intents tagged @smoke
  alert webhook {destination} after 2 failures
}}
"#
    );
    let path = dir.join("watch.intent");
    std::fs::write(&path, spec).expect("write the spec");
    path.to_string_lossy().into_owned()
}

/// Not a test on its own: plays `intent` in a child process (see `intent_tests::child`).
#[test]
fn child_process() {
    intent_tests::child::play();
}

fn intent(args: &[&str]) -> (Status, String, String) {
    let mut argv = vec![std::ffi::OsString::from("intent")];
    argv.extend(args.iter().map(std::ffi::OsString::from));
    let (mut out, mut err) = (Vec::new(), Vec::new());
    let status = intent_cli::run(argv, &mut out, &mut err);
    (
        status,
        String::from_utf8_lossy(&out).into_owned(),
        String::from_utf8_lossy(&err).into_owned(),
    )
}

#[test]
fn a_monitor_alerts_after_its_failures_in_a_row_and_again_when_it_recovers() {
    let (url, seen) = start_server(2);
    let dir = tempfile::tempdir().expect("temp dir");
    let spec = write_spec(dir.path(), &format!("{url}/hook"), false);
    let history = dir.path().join("history.sqlite");
    let history = history.to_str().expect("utf-8");
    let target = format!("api={url}");
    let (status, out, err) = intent(&[
        "monitor",
        &spec,
        "--cycles",
        "4",
        "--history",
        history,
        "--no-start",
        "--target",
        &target,
    ]);
    // The latest run passed.
    assert_eq!(status, Status::Success, "{out}\n{err}");
    // Alerts are delivered beside the schedule, so their lines come when the webhook has
    // answered, between later runs: runs and alerts are each in order.
    let marks = |kind: &str| -> Vec<String> {
        out.lines()
            .filter(|l| l.contains(kind))
            .map(|l| l.split(" · ").next().unwrap_or_default().to_string())
            .collect()
    };
    assert_eq!(
        marks(" monitor  "),
        [
            "✗ monitor  Flaky watch #1",
            "✗ monitor  Flaky watch #2",
            "✓ monitor  Flaky watch #3",
            "✓ monitor  Flaky watch #4",
        ],
        "{out}"
    );
    assert_eq!(
        marks(" alert "),
        [
            format!("↗ alert failing for \"Flaky watch\" → {url}/hook: answered 204"),
            format!("↗ alert recovered for \"Flaky watch\" → {url}/hook: answered 204"),
        ],
        "{out}"
    );
    // The failing run names the item that failed.
    assert!(
        out.contains("  ✗ intent  The flaky endpoint answers"),
        "{out}"
    );

    // The webhook got the failing alert after the second failure, then the recovery.
    let alerts = seen.alerts.lock().expect("the alerts").clone();
    assert_eq!(alerts.len(), 2, "{alerts:#?}");
    assert_eq!(alerts[0]["state"], "failing");
    assert_eq!(alerts[0]["monitor"], "Flaky watch");
    assert_eq!(alerts[0]["failed_runs_in_a_row"], 2);
    assert_eq!(
        alerts[0]["failures"][0]["title"],
        "The flaky endpoint answers"
    );
    assert_eq!(alerts[0]["failures"][0]["checks"][0]["actual"], "500");
    assert_eq!(alerts[1]["state"], "recovered");
    assert_eq!(alerts[1]["failures"], serde_json::json!([]));

    // The history is a SQLite file with every run, item and alert.
    let db = rusqlite::Connection::open(history).expect("open the history");
    let outcomes: Vec<String> = db
        .prepare("SELECT outcome FROM runs ORDER BY id")
        .and_then(|mut s| {
            s.query_map([], |r| r.get(0))
                .and_then(|rows| rows.collect::<Result<_, _>>())
        })
        .expect("the runs");
    assert_eq!(outcomes, ["failed", "failed", "passed", "passed"]);
    let items: i64 = db
        .query_row(
            "SELECT COUNT(*) FROM items WHERE title = 'The flaky endpoint answers'",
            [],
            |r| r.get(0),
        )
        .expect("the items");
    assert_eq!(items, 4);
    let delivered: Vec<(String, bool)> = db
        .prepare("SELECT state, delivered FROM alerts ORDER BY rowid")
        .and_then(|mut s| {
            s.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
                .and_then(|rows| rows.collect::<Result<_, _>>())
        })
        .expect("the alerts");
    assert_eq!(
        delivered,
        [
            ("failing".to_string(), true),
            ("recovered".to_string(), true)
        ]
    );

    // `intent history` reads it back; a second watch adds to the same file.
    let (status, out, err) = intent(&["history", "--history", history]);
    assert_eq!(status, Status::Success, "{err}");
    assert!(
        out.starts_with("Flaky watch: 4 runs, 2 passed (50.0%)\n"),
        "{out}"
    );
    // The policy watched each run's response; its metric is kept with the run.
    let (_, with_metrics, _) = intent(&["history", "--history", history, "--metrics"]);
    assert!(
        with_metrics.contains("No server errors: responses checked = 1"),
        "{with_metrics}"
    );
    assert!(
        !out.contains("responses checked"),
        "metrics only when asked: {out}"
    );
    assert!(out.contains("alert failing → "), "{out}");
    let (status, _, err) = intent(&[
        "monitor",
        &spec,
        "--once",
        "--history",
        history,
        "--no-start",
        "--target",
        &target,
    ]);
    assert_eq!(status, Status::Success, "{err}");
    let (_, out, _) = intent(&["history", "--history", history, "--limit", "1"]);
    assert!(
        out.starts_with("Flaky watch: 5 runs, 3 passed (60.0%)\n"),
        "{out}"
    );
    assert_eq!(out.lines().count(), 2, "one run listed: {out}");
}

#[test]
fn an_alert_that_cannot_be_delivered_is_kept_with_its_cause_and_the_watch_goes_on() {
    // The webhook's URL is a secret here: no output and no row of the history shows it.
    let (url, _) = start_server(usize::MAX);
    let dead = intent_tests::fault::refused_url();
    let dir = tempfile::tempdir().expect("temp dir");
    let spec = write_spec(dir.path(), &format!("{dead}/hook"), true);
    let history = dir.path().join("history.sqlite");
    let history = history.to_str().expect("utf-8");
    let target = format!("api={url}");
    // The secret comes from the environment, so `intent` runs in a child process.
    let hook = format!("{dead}/hook");
    let (code, out, err) = intent_tests::child::intent_in(
        dir.path(),
        &[
            "monitor",
            &spec,
            "--cycles",
            "3",
            "--history",
            history,
            "--no-start",
            "--target",
            &target,
        ],
        &[(HOOK, &hook)],
    );
    // Every run failed: exit 1, and all three runs happened despite the dead webhook.
    assert_eq!(code, 1, "{out}\n{err}");
    assert!(out.contains("Flaky watch #3"), "{out}");
    assert!(
        out.contains("! alert failing for \"Flaky watch\" → [redacted]: "),
        "{out}"
    );
    assert!(!out.contains(&dead) && !err.contains(&dead), "{out}\n{err}");
    let db = rusqlite::Connection::open(history).expect("open the history");
    let (destination, delivered, detail): (String, bool, String) = db
        .query_row(
            "SELECT destination, delivered, detail FROM alerts",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .expect("one alert, sent once when the streak reached 2");
    assert_eq!(destination, "[redacted]");
    assert!(!delivered);
    assert!(!detail.contains(&dead), "{detail}");
    assert!(
        detail.contains("refused") || detail.contains("connect"),
        "{detail}"
    );
}

#[test]
fn monitor_settings_and_missing_history_are_refused_before_anything_runs() {
    let dir = tempfile::tempdir().expect("temp dir");
    let spec = write_spec(dir.path(), "mailto:ops@example.com", false);
    let history = dir.path().join("history.sqlite");
    let history = history.to_str().expect("utf-8");
    let (status, _, err) = intent(&[
        "monitor",
        &spec,
        "--once",
        "--history",
        history,
        "--no-start",
    ]);
    assert_eq!(status, Status::Invalid, "{err}");
    assert!(
        err.contains("the webhook is not an http:// or https:// URL"),
        "{err}"
    );
    assert!(!Path::new(history).exists(), "nothing was written");

    let (status, _, err) = intent(&[
        "monitor",
        &spec,
        "--monitor",
        "nightly",
        "--history",
        history,
        "--no-start",
    ]);
    assert_eq!(status, Status::Invalid);
    assert!(
        err.contains("no monitor matches (monitors: Flaky watch)"),
        "{err}"
    );

    let by_mail = std::fs::read_to_string(&spec).expect("the spec").replace(
        "alert webhook \"mailto:ops@example.com\"",
        "alert email \"http://127.0.0.1:9/\"",
    );
    std::fs::write(&spec, by_mail).expect("rewrite the spec");
    let (status, _, err) = intent(&[
        "monitor",
        &spec,
        "--once",
        "--history",
        history,
        "--no-start",
    ]);
    assert_eq!(status, Status::Invalid, "{err}");
    assert!(
        err.contains("unknown alert channel `email`"),
        "the checker refuses it: {err}"
    );

    // A plan edited by hand gets past the checker: the monitor refuses the channel itself.
    let spec = write_spec(dir.path(), "http://127.0.0.1:9/hook", false);
    let plan = dir.path().join("plan.json");
    let plan = plan.to_str().expect("utf-8");
    let (status, _, err) = intent(&["compile", &spec, "--emit", "plan", "-o", plan]);
    assert_eq!(status, Status::Success, "{err}");
    let edited = std::fs::read_to_string(plan)
        .expect("the plan")
        .replace("\"channel\": \"webhook\"", "\"channel\": \"pager\"");
    std::fs::write(plan, edited).expect("edit the plan");
    let (status, _, err) = intent(&[
        "monitor",
        "--plan",
        plan,
        "--once",
        "--history",
        history,
        "--no-start",
    ]);
    assert_eq!(status, Status::Invalid, "{err}");
    assert!(
        err.contains("`alert pager` is not a channel this version sends to"),
        "{err}"
    );
    assert!(!Path::new(history).exists(), "nothing was written");

    let (status, _, err) = intent(&["history", "--history", history]);
    assert_eq!(status, Status::Invalid);
    assert!(err.contains("there is no history at"), "{err}");
}

/// The `(monitor, outcome)` of every run in the history, oldest first, and each alert's
/// `(state, delivered, detail)`.
#[allow(clippy::type_complexity)]
fn read_history(path: &Path) -> (Vec<(String, String)>, Vec<(String, bool, String)>) {
    let db = rusqlite::Connection::open(path).expect("open the history");
    let runs = db
        .prepare("SELECT monitor, outcome FROM runs ORDER BY id")
        .and_then(|mut s| {
            s.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
                .and_then(|rows| rows.collect::<Result<_, _>>())
        })
        .expect("the runs");
    let alerts = db
        .prepare("SELECT state, delivered, detail FROM alerts ORDER BY rowid")
        .and_then(|mut s| {
            s.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
                .and_then(|rows| rows.collect::<Result<_, _>>())
        })
        .expect("the alerts");
    (runs, alerts)
}

/// The outcomes of `monitor`'s runs in `runs`.
fn outcomes<'r>(runs: &'r [(String, String)], monitor: &str) -> Vec<&'r str> {
    runs.iter()
        .filter(|(m, _)| m == monitor)
        .map(|(_, outcome)| outcome.as_str())
        .collect()
}

#[test]
fn a_webhook_that_never_answers_delays_no_run_and_ctrl_c_records_its_alert_as_undelivered() {
    let fault = intent_tests::fault::fault_url();
    let dir = tempfile::tempdir().expect("temp dir");
    intent_tests::child::isolate(dir.path());
    // The first monitor fails and alerts a webhook that takes the request and never answers,
    // with a timeout far longer than the test; the second passes, on the same schedule.
    let spec = format!(
        r#"target fault = "http://127.0.0.1:1"

intent "The answer is created" @broken {{
  when GET fault /ok
  then status == 201
}}

intent "The answer is ok" @healthy {{
  when GET fault /ok
  then status == 200
}}

monitor "Alerting watch" every 20ms {{
  run intents tagged @broken
  alert webhook "{fault}/stall" after 1 failures
}}

monitor "Healthy watch" every 20ms {{
  run intents tagged @healthy
}}
"#
    );
    std::fs::write(dir.path().join("watch.intent"), spec).expect("write the spec");
    let target = format!("fault={fault}");
    let mut child = intent_tests::child::spawn_intent(
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
            "10m",
        ],
        &[],
    );
    let lines = intent_tests::child::stdout_lines(&mut child);
    // The alert was raised by the first run of all, and its webhook holds it: the healthy
    // monitor keeps its schedule meanwhile (before, each run waited for the alert).
    let before = intent_tests::child::lines_until(&lines, "Healthy watch #5");
    assert!(before.contains("Alerting watch #1"), "{before}");
    assert!(
        !before.contains(" alert "),
        "the alert is still being delivered: {before}"
    );
    intent_tests::child::interrupt(&child);
    let (code, _, err) = intent_tests::child::finish(child);
    let out = before + &intent_tests::child::remaining_lines(&lines);
    // The latest completed run of the alerting monitor failed.
    assert_eq!(code, 1, "{out}\n{err}");
    assert!(
        out.contains(&format!(
            "! alert failing for \"Alerting watch\" → {fault}/stall: interrupted while the webhook had not answered"
        )),
        "{out}"
    );
    let (runs, alerts) = read_history(&dir.path().join("history.sqlite"));
    let healthy = outcomes(&runs, "Healthy watch");
    assert!(
        healthy.iter().filter(|o| **o == "passed").count() >= 5,
        "{runs:?}"
    );
    assert_eq!(
        alerts,
        [(
            "failing".to_string(),
            false,
            "interrupted while the webhook had not answered".to_string()
        )]
    );
}

#[test]
fn an_interrupted_run_does_not_decide_the_exit_status() {
    let (url, seen) = start_server(0);
    let dir = tempfile::tempdir().expect("temp dir");
    intent_tests::child::isolate(dir.path());
    let spec = r#"target api = "http://127.0.0.1:1"

intent "It answers" @smoke {
  when GET api /fail-then-stall
  then status == 200
}

monitor "Stalling watch" every 20ms {
  run intents tagged @smoke
}
"#;
    std::fs::write(dir.path().join("watch.intent"), spec).expect("write the spec");
    let target = format!("api={url}");
    let mut child = intent_tests::child::spawn_intent(
        dir.path(),
        &[
            "monitor",
            "watch.intent",
            "--history",
            "history.sqlite",
            "--no-start",
            "--target",
            &target,
        ],
        &[],
    );
    let lines = intent_tests::child::stdout_lines(&mut child);
    // The first run failed; the second is under way when Ctrl-C comes.
    let before = intent_tests::child::lines_until(&lines, "Stalling watch #1");
    let deadline = std::time::Instant::now() + intent_tests::harness::RUN_LIMIT;
    while seen.stalling.load(Ordering::SeqCst) < 2 {
        assert!(
            std::time::Instant::now() < deadline,
            "the second run never asked: a hang\n{before}"
        );
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
    intent_tests::child::interrupt(&child);
    let (code, _, err) = intent_tests::child::finish(child);
    let out = before + &intent_tests::child::remaining_lines(&lines);
    let (runs, _) = read_history(&dir.path().join("history.sqlite"));
    assert_eq!(outcomes(&runs, "Stalling watch"), ["failed", "interrupted"]);
    // Before, the interrupted run stood for the monitor and the watch exited 0.
    assert_eq!(code, 1, "the latest completed run failed\n{out}\n{err}");
}

#[test]
fn alerts_are_repeated_after_a_failure_and_a_silent_webhook_is_given_up_after_its_timeout() {
    let (url, seen) = start_server(usize::MAX);
    let fault = intent_tests::fault::fault_url();
    let dir = tempfile::tempdir().expect("temp dir");
    let spec = format!(
        r#"target api = "http://127.0.0.1:1"

intent "The flaky endpoint answers" @smoke {{
  when GET api /flaky
  then status == 200
}}

monitor "Busy hook watch" every 20ms {{
  run intents tagged @smoke
  alert webhook "{url}/busy-hook"
}}

monitor "Silent hook watch" every 20ms {{
  run intents tagged @smoke
  alert webhook "{fault}/stall"
}}
"#
    );
    let path = dir.path().join("watch.intent");
    std::fs::write(&path, spec).expect("write the spec");
    let history = dir.path().join("history.sqlite");
    let target = format!("api={url}");
    let (status, out, err) = intent(&[
        "monitor",
        path.to_str().expect("utf-8"),
        "--cycles",
        "2",
        "--history",
        history.to_str().expect("utf-8"),
        "--no-start",
        "--target",
        &target,
        "--alert-timeout",
        "200ms",
        "--alert-retries",
        "1",
    ]);
    assert_eq!(status, Status::Failed, "{out}\n{err}");
    let (_, mut alerts) = read_history(&history);
    alerts.sort();
    assert_eq!(
        alerts,
        [
            (
                "failing".to_string(),
                false,
                "the webhook did not answer within 200ms (after 2 attempts)".to_string()
            ),
            (
                "failing".to_string(),
                true,
                "answered 204 (attempt 2 of 2)".to_string()
            ),
        ],
        "{out}"
    );
    // The busy webhook was asked twice and took the alert once.
    assert_eq!(seen.busy.load(Ordering::SeqCst), 2);
    assert_eq!(seen.alerts.lock().expect("the alerts").len(), 1);
}
