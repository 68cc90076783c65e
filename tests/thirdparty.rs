//! `intent run` end to end against third-party servers that nobody here wrote: httpbin (PyPI),
//! which echoes what it was sent, and json-server (npm), a REST API over a JSON file. They
//! check the runner against HTTP as others implement it, not only as the example shop and the
//! fault server (written alongside the runner) understand it.
//!
//! `scripts/test` installs both into `.tools/`; a test run without them fails and says so
//! (`support/servers.rs`). Each test writes a small spec into a temporary folder, runs the real
//! `intent run` in-process with the spec's target pointed at the server (`--target`), and reads
//! the JSON report back. httpbin is shared by the tests of this process; json-server is started
//! per test, since it keeps what is posted to it.

use intent_cli::Status;
use intent_ir::{CheckResult, ItemResult, RunResult, Status as Outcome};
use intent_tests::http;
use intent_tests::servers::{httpbin, json_server};
use serde_json::json;

/// What one `intent run` produced.
#[derive(Debug)]
struct Run {
    status: Status,
    out: String,
    err: String,
    result: RunResult,
}

impl Run {
    /// The only item titled `title`.
    fn item(&self, title: &str) -> &ItemResult {
        self.result
            .items
            .iter()
            .find(|i| i.title == title)
            .unwrap_or_else(|| panic!("no item titled {title:?}:\n{}", self.out))
    }

    /// Every item passed and the command said so with exit code 0.
    fn assert_passed(&self) {
        assert_eq!(
            self.status,
            Status::Success,
            "stdout:\n{}\nstderr:\n{}",
            self.out,
            self.err
        );
        assert!(!self.result.items.is_empty());
        for item in &self.result.items {
            assert_eq!(item.status, Outcome::Passed, "{item:#?}");
            assert!(!item.checks.is_empty(), "{item:#?}");
        }
    }
}

/// The check of `item` written as `text`.
fn check<'a>(item: &'a ItemResult, text: &str) -> &'a CheckResult {
    item.checks
        .iter()
        .find(|c| c.text == text)
        .unwrap_or_else(|| panic!("no check `{text}`: {item:#?}"))
}

/// Writes `spec` into a temporary folder and runs `intent run --no-start` on it, with target
/// `target` at `url` and a JSON report, which is read back.
fn run_spec(spec: &str, target: &str, url: &str) -> Run {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let spec_path = dir.path().join("thirdparty.intent");
    std::fs::write(&spec_path, spec).expect("write the spec");
    let report = dir.path().join("report.json");
    let argv = [
        "intent".to_string(),
        "run".into(),
        "--no-start".into(),
        spec_path.to_string_lossy().into_owned(),
        "--target".into(),
        format!("{target}={url}"),
        "--report".into(),
        format!("json={}", report.to_string_lossy()),
    ];
    let mut out = Vec::new();
    let mut err = Vec::new();
    let status = intent_cli::run(argv.into_iter().map(Into::into), &mut out, &mut err);
    let (out, err) = (
        String::from_utf8_lossy(&out).into_owned(),
        String::from_utf8_lossy(&err).into_owned(),
    );
    let json = std::fs::read_to_string(&report)
        .unwrap_or_else(|e| panic!("no JSON report ({e})\nstdout:\n{out}\nstderr:\n{err}"));
    let result = serde_json::from_str(&json).expect("the JSON report is a RunResult");
    Run {
        status,
        out,
        err,
        result,
    }
}

/// The head of every httpbin spec. The URL in the spec is where nothing listens, so a run that
/// ignored `--target` would fail.
const HTTPBIN_TARGET: &str = r#"
target httpbin = "http://127.0.0.1:9" {
  header "Accept" = "application/json"
  timeout 10s
}
"#;

fn run_httpbin(intents: &str) -> Run {
    run_spec(
        &format!("{HTTPBIN_TARGET}\n{intents}"),
        "httpbin",
        httpbin().url(),
    )
}

// ---------------------------------------------------------------------------------------------
// httpbin

#[test]
fn httpbin_echoes_the_url_and_query_of_a_get() {
    let run = run_httpbin(
        r#"
intent "GET echoes its URL" {
  when GET httpbin /get
    query q = "intent"
  then status == 200
  and body.url ends with "/get?q=intent"
  and body.args.q == "intent"
  and header "Content-Type" == "application/json"
}
"#,
    );
    run.assert_passed();
    let item = run.item("GET echoes its URL");
    let [request] = item.requests.as_slice() else {
        panic!("one request: {item:#?}")
    };
    assert_eq!(request.method, "GET");
    assert_eq!(request.url, format!("{}/get?q=intent", httpbin().url()));
    assert_eq!(request.status, Some(200));
}

#[test]
fn httpbin_status_418_is_reported_as_sent() {
    // httpbin answers 418 with an ASCII-art teapot as text/plain: not JSON, yet the status
    // check reads only the status.
    let run = run_httpbin(
        r#"
intent "A teapot answers 418" {
  when GET httpbin /status/418
  then status == 418
}
"#,
    );
    run.assert_passed();
    let item = run.item("A teapot answers 418");
    assert_eq!(item.requests[0].status, Some(418));
}

#[test]
fn httpbin_echoes_a_posted_json_body() {
    let run = run_httpbin(
        r#"
intent "POST echoes its JSON" {
  when POST httpbin /post
    json { name: "intent", n: 3, tags: ["a", "b"], nested: { ok: true } }
  then status == 200
  and body.json.name == "intent"
  and body.json.n == 3
  and body.json.tags[1] == "b"
  and body.json.nested.ok == true
  and body.headers["Content-Type"] starts with "application/json"
}
"#,
    );
    run.assert_passed();
    assert_eq!(run.item("POST echoes its JSON").requests[0].method, "POST");
}

#[test]
fn httpbin_sees_sent_headers_and_credentials() {
    let run = run_httpbin(
        r#"
intent "A sent header arrives" {
  when GET httpbin /headers
    header "X-Intent-Probe" = "hello from intent"
  then status == 200
  and body.headers["X-Intent-Probe"] == "hello from intent"
  and body.headers["Accept"] == "application/json"
}

intent "Basic credentials arrive" {
  when GET httpbin /basic-auth/alice/s3cret
    auth basic "alice", "s3cret"
  then status == 200
  and body.authenticated == true
  and body.user == "alice"
}

intent "Bearer credentials arrive" {
  when GET httpbin /bearer
    auth bearer "token-123"
  then status == 200
  and body.token == "token-123"
}
"#,
    );
    run.assert_passed();
    assert_eq!(run.result.items.len(), 3);
}

#[test]
fn a_check_that_httpbin_fails_exits_1_and_names_what_came_back() {
    let run = run_httpbin(
        r#"
intent "Expects 200 from an endpoint that answers 503" {
  when GET httpbin /status/503
  then status == 200
}
"#,
    );
    assert_eq!(run.status, Status::Failed, "{}\n{}", run.out, run.err);
    assert_eq!(run.status.code(), 1);
    let item = run.item("Expects 200 from an endpoint that answers 503");
    assert_eq!(item.status, Outcome::Failed, "{item:#?}");
    let failed = check(item, "status == 200");
    assert_eq!(failed.status, Outcome::Failed);
    assert_eq!(failed.expected.as_deref(), Some("200"));
    assert_eq!(failed.actual.as_deref(), Some("503"));
    assert!(!run.result.passed());
}

// ---------------------------------------------------------------------------------------------
// json-server

/// json-server's database at the start of each test.
fn blog() -> serde_json::Value {
    json!({
        "posts": [
            { "id": 1, "title": "Hello", "author": "ada" }
        ]
    })
}

const JSON_SERVER_TARGET: &str = r#"
target blog = "http://127.0.0.1:9" {
  timeout 10s
}
"#;

#[test]
fn json_server_reads_creates_and_reads_back_a_record() {
    let server = json_server(&blog());
    let run = run_spec(
        &format!(
            r#"{JSON_SERVER_TARGET}
intent "A post can be read" {{
  when GET blog /posts/1
  then status == 200
  and body.id == 1
  and body.title == "Hello"
}}

intent "A post can be created and read back" {{
  when POST blog /posts as created
    json {{ title: "Written by intent", author: "grace" }}
  then created.status == 201
  and created.body.id == 2
  and created.body.title == "Written by intent"
  when GET blog /posts/{{created.body.id}}
  then status == 200
  and body.id == created.body.id
  and body.author == "grace"
}}

intent "A missing post is 404" {{
  when GET blog /posts/999
  then status == 404
}}
"#
        ),
        "blog",
        server.url(),
    );
    run.assert_passed();

    // The record is really there: asked of json-server directly, not through the runner.
    let stored = http::get(server.url(), "/posts/2", &[]).expect("json-server answers");
    assert_eq!(stored.status, 200, "{}", server.output());
    let post: serde_json::Value = serde_json::from_slice(&stored.body).expect("a JSON post");
    assert_eq!(post["title"], "Written by intent");
    let created = run.item("A post can be created and read back");
    let methods: Vec<&str> = created.requests.iter().map(|r| r.method.as_str()).collect();
    assert_eq!(methods, ["POST", "GET"]);
    assert_eq!(created.requests[0].status, Some(201));
}

#[test]
fn each_json_server_has_its_own_database_and_stops_with_its_guard() {
    let first = json_server(&blog());
    let second = json_server(&json!({ "posts": [] }));
    assert_ne!(first.url(), second.url());
    let count = |url: &str| {
        let response = http::get(url, "/posts", &[]).expect("json-server answers");
        let posts: Vec<serde_json::Value> =
            serde_json::from_slice(&response.body).expect("a JSON list");
        posts.len()
    };
    assert_eq!((count(first.url()), count(second.url())), (1, 0));

    let url = first.url().to_string();
    drop(first);
    let refused = http::get(&url, "/posts", &[]).expect_err("nothing listens after the drop");
    assert_eq!(refused.kind(), std::io::ErrorKind::ConnectionRefused);
    assert_eq!(count(second.url()), 0);
}
