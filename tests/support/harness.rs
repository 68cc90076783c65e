//! Running `intent` in-process for the end-to-end tests: the example shop on a background
//! thread, `intent ARGS...` on its own thread with a time limit (so a hang fails the test), and
//! the reports of a run read back.

use crate::fault::{fault_url, refused_url};
use intent_cli::Status;
use intent_ir::{CheckResult, ItemResult, Plan, RunResult, Status as Outcome};
use regex::Regex;
use std::sync::{LazyLock, OnceLock};
use std::time::Duration;

/// The longest any single `intent` command may take before the test calls it a hang.
pub const RUN_LIMIT: Duration = Duration::from_secs(90);

// ---------------------------------------------------------------------------------------------
// Helpers

/// The base URL of the example shop, served in-process on a background thread for the whole
/// test process (its state is in memory; the specs use distinct users, so runs do not clash).
pub fn shop_url() -> &'static str {
    static URL: OnceLock<String> = OnceLock::new();
    URL.get_or_init(|| {
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::Builder::new()
            .name("example-shop".into())
            .spawn(move || {
                let runtime = tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                    .expect("a runtime for the shop");
                runtime.block_on(async move {
                    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
                        .await
                        .expect("bind the shop");
                    let address = listener.local_addr().expect("the shop's address");
                    tx.send(format!("http://{address}"))
                        .expect("report the URL");
                    intent_example_shop::serve(listener, std::future::pending::<()>())
                        .await
                        .expect("the shop serves");
                });
            })
            .expect("spawn the shop thread");
        rx.recv().expect("the shop starts")
    })
}

/// Runs `intent ARGS...` in-process (on its own thread, so a hang becomes a failure after
/// [`RUN_LIMIT`]) and returns its status, stdout and stderr.
pub fn intent<S: AsRef<str>>(args: &[S]) -> (Status, String, String) {
    let argv: Vec<String> = std::iter::once("intent".to_string())
        .chain(args.iter().map(|a| a.as_ref().to_string()))
        .collect();
    let shown = argv.join(" ");
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let mut out = Vec::new();
        let mut err = Vec::new();
        let status = intent_cli::run(argv.into_iter().map(Into::into), &mut out, &mut err);
        let _ = tx.send((
            status,
            String::from_utf8_lossy(&out).into_owned(),
            String::from_utf8_lossy(&err).into_owned(),
        ));
    });
    match rx.recv_timeout(RUN_LIMIT) {
        Ok((status, out, err)) => (status, plain(&out), plain(&err)),
        Err(std::sync::mpsc::RecvTimeoutError::Timeout) => {
            panic!("`{shown}` did not finish within {RUN_LIMIT:?}: a hang")
        }
        Err(std::sync::mpsc::RecvTimeoutError::Disconnected) => {
            panic!("`{shown}` panicked")
        }
    }
}

/// Text without the colour codes `intent` adds when the test process's stdout is a terminal.
pub fn plain(text: &str) -> String {
    static COLOUR: LazyLock<Regex> =
        LazyLock::new(|| Regex::new(r"\x1b\[[0-9;]*m").expect("a valid regex"));
    COLOUR.replace_all(text, "").into_owned()
}

/// What one `intent run` produced: its status and output, and the three reports.
#[derive(Debug)]
pub struct Run {
    pub status: Status,
    pub out: String,
    pub err: String,
    pub junit: String,
    pub json: String,
    pub markdown: String,
    pub html: String,
}

impl Run {
    /// The JSON report read back as the runner's own type.
    pub fn result(&self) -> RunResult {
        serde_json::from_str(&self.json).unwrap_or_else(|e| {
            panic!(
                "the JSON report is a RunResult: {e}\n{}\nstderr:\n{}",
                self.json, self.err
            )
        })
    }

    /// The only item with this title (the first, for example rows).
    pub fn item(&self, title: &str) -> ItemResult {
        self.result()
            .items
            .into_iter()
            .find(|i| i.title == title)
            .unwrap_or_else(|| panic!("no item titled {title:?} in\n{}", self.out))
    }
}

/// Runs `intent run --no-start ARGS... --report junit=… --report json=… --report markdown=…`
/// and reads the reports back (empty when one was not written).
pub fn run(args: &[&str]) -> Run {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = |name: &str| dir.path().join(name).to_string_lossy().into_owned();
    let (junit, json, markdown, html) =
        (path("r.xml"), path("r.json"), path("r.md"), path("r.html"));
    let mut argv: Vec<String> = vec!["run".into(), "--no-start".into()];
    argv.extend(args.iter().map(|a| a.to_string()));
    for report in [
        format!("junit={junit}"),
        format!("json={json}"),
        format!("markdown={markdown}"),
        format!("html={html}"),
    ] {
        argv.push("--report".into());
        argv.push(report);
    }
    let (status, out, err) = intent(&argv);
    let read = |p: &str| std::fs::read_to_string(p).unwrap_or_default();
    Run {
        status,
        out,
        err,
        junit: read(&junit),
        json: read(&json),
        markdown: read(&markdown),
        html: read(&html),
    }
}

/// The example specs, as the tests' working folder (`tests/`) sees them.
pub const EXAMPLES: &str = "../examples/shop/specs";

/// Runs the example specs against the shop with extra arguments.
pub fn run_examples(extra: &[&str]) -> Run {
    let target = format!("shop={}", shop_url());
    let mut args = vec![EXAMPLES, "--target", &target];
    args.extend_from_slice(extra);
    run(&args)
}

/// The plan `intent compile` makes of `path`.
pub fn plan_of(path: &str) -> Plan {
    let (status, out, err) = intent(&["compile", path]);
    assert_eq!(status, Status::Success, "{err}");
    serde_json::from_str(&out).expect("the plan is JSON")
}

/// The checks of an item that did not hold.
pub fn failed_checks(item: &ItemResult) -> Vec<&CheckResult> {
    item.checks
        .iter()
        .filter(|c| c.status == Outcome::Failed)
        .collect()
}

/// The check of `item` written as `text`; a test failure naming the item when there is none.
pub fn check_named<'a>(item: &'a ItemResult, text: &str) -> &'a CheckResult {
    item.checks
        .iter()
        .find(|c| c.text == text)
        .unwrap_or_else(|| panic!("no check `{text}`: {item:#?}"))
}

/// The value of the metric `name` of `item`, if it has one.
pub fn metric_value(item: &ItemResult, name: &str) -> Option<f64> {
    item.metrics
        .iter()
        .find(|m| m.name == name)
        .map(|m| m.value)
}

/// Writes `spec` to a fresh folder and runs it with the targets `fault` (the fault server),
/// `dead` (a port where nothing listens) and `shop`, plus `extra` arguments.
pub fn run_fault_spec(spec: &str, extra: &[&str]) -> (Run, String) {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("fault.intent");
    std::fs::write(&path, spec).expect("write the spec");
    let dead = refused_url();
    let targets = [
        format!("fault={}", fault_url()),
        format!("dead={dead}"),
        format!("shop={}", shop_url()),
    ];
    let mut args = vec![path.to_str().expect("utf-8 path")];
    for t in &targets {
        args.extend(["--target", t.as_str()]);
    }
    args.extend_from_slice(extra);
    (run(&args), dead)
}

/// A spec against the shop and the fault server, run in-process; returns the run.
pub fn run_spec(spec: &str, extra: &[&str]) -> Run {
    let header = r#"target fault = "http://127.0.0.1:1"
target dead = "http://127.0.0.1:1"
target shop = "http://127.0.0.1:1"
"#;
    run_fault_spec(&format!("{header}\n{spec}"), extra).0
}
