//! The runner as a standard HTTP client, against the example shop, the fault server and
//! httpbin (a third-party server from PyPI): following a link computed at run time, header
//! names read case-insensitively, compressed bodies decoded, and a target that cannot be
//! reached said once, with the run reported as not carried out.

use intent_cli::Status;
use intent_ir::Status as Outcome;
use intent_tests::fault::{fault_url, refused_url};
use intent_tests::harness::{Run, check_named, intent, run, shop_url};
use intent_tests::servers::httpbin;

/// Writes `spec` to a fresh folder and runs it with the given `NAME=URL` targets and extra
/// arguments.
fn run_with(spec: &str, targets: &[String], extra: &[&str]) -> Run {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("requests.intent");
    std::fs::write(&path, spec).expect("write the spec");
    let mut args = vec![path.to_str().expect("utf-8 path")];
    for target in targets {
        args.extend(["--target", target.as_str()]);
    }
    args.extend_from_slice(extra);
    run(&args)
}

const LOGIN: &str = r#"
target shop = "http://127.0.0.1:1"

step "a shopper {name: string} is logged in" -> string {
  when POST shop /login
    json { user: name, password: "pw-{name}" }
  then status == 200
  yield body.token
}
"#;

#[test]
fn a_location_header_is_followed_against_the_target() {
    let spec = format!(
        r#"{LOGIN}
intent "An order is read back where its Location says" {{
  given token = a shopper "links" is logged in
  when POST shop /orders as created
    auth bearer token
    json {{ items: [{{ sku: "AB-0001", qty: 1 }}] }}
  then status == 201
  and created.headers["LOCATION"] == created.headers.location
  and created.headers["Location"] starts with "/orders/"
  when GET shop (created.headers["Location"]) as fetched
    auth bearer token
  then status == 200
  and fetched.body.id == created.body.id
}}
"#
    );
    let run = run_with(&spec, &[format!("shop={}", shop_url())], &[]);
    let item = run.item("An order is read back where its Location says");
    assert_eq!(item.status, Outcome::Passed, "{}\n{item:#?}", run.out);
    let followed = &item.requests.last().expect("the link was followed").url;
    assert!(
        followed.starts_with(&format!("{}/orders/", shop_url())),
        "{followed}"
    );
}

#[test]
fn a_link_to_another_origin_is_refused_naming_both() {
    let server = httpbin();
    let spec = r#"target bin = "http://127.0.0.1:1"

intent "A redirect elsewhere is not followed" {
  when GET bin /response-headers?Location=http://example.invalid/away as pointed
  then status == 200
  when GET bin (pointed.headers["location"])
  then status == 200
}
"#;
    let run = run_with(spec, &[format!("bin={}", server.url())], &[]);
    let item = run.item("A redirect elsewhere is not followed");
    // The request could not be made, so the intent could not be carried out.
    assert_eq!(item.status, Outcome::Errored, "{}\n{item:#?}", run.out);
    let message = item
        .checks
        .iter()
        .find_map(|c| c.message.clone())
        .unwrap_or_default();
    assert!(
        message.contains("http://example.invalid") && message.contains(server.url()),
        "the message names both origins: {message}"
    );
    // Nothing was sent to the other origin.
    assert_eq!(item.requests.len(), 1, "{item:#?}");
}

#[test]
fn relative_links_resolve_against_the_target_on_a_third_party_server() {
    let server = httpbin();
    let spec = r#"target bin = "http://127.0.0.1:1"

intent "A relative link is resolved" {
  when GET bin "/response-headers?Location=/anything/a%20b?x=1" as pointed
  then status == 200
  when GET bin (pointed.headers["Location"])
  then status == 200
  and body.url ends with "/anything/a%20b?x=1"
  and body.args.x == "1"
}
"#;
    let run = run_with(spec, &[format!("bin={}", server.url())], &[]);
    let item = run.item("A relative link is resolved");
    assert_eq!(item.status, Outcome::Passed, "{}\n{item:#?}", run.out);
}

#[test]
fn a_quoted_path_without_a_slash_is_refused_at_compile_time() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("path.intent");
    let spec = "target shop = \"http://127.0.0.1:1\"\nintent \"x\" {\n  when GET shop \"orders\"\n  then status == 200\n}\n";
    std::fs::write(&path, spec).expect("write the spec");
    let (status, out, err) = intent(&["check", path.to_str().expect("utf-8 path")]);
    assert_eq!(status, Status::Invalid, "{out}{err}");
    let shown = format!("{out}{err}");
    assert!(
        shown.contains("E0036") && shown.contains("\"/orders\""),
        "{shown}"
    );
}

#[test]
fn compressed_bodies_are_decoded_and_their_header_stays_visible() {
    let spec = r#"target fault = "http://127.0.0.1:1"

intent "gzip" {
  when GET fault /gzip
  then body.encoding == "gzip"
  and header "Content-Encoding" == "gzip"
}

intent "deflate" {
  when GET fault /deflate
  then body.encoding == "deflate"
}

intent "brotli" {
  when GET fault /br
  then body.encoding == "br"
}

intent "zstd" {
  when GET fault /zstd
  then body.encoding == "zstd"
}

intent "A body that is not what its encoding says" {
  when GET fault /bad-gzip
  then status == 200
  and body.ok == true
}
"#;
    let run = run_with(spec, &[format!("fault={}", fault_url())], &["--verbose"]);
    for title in ["gzip", "deflate", "brotli", "zstd"] {
        assert_eq!(run.item(title).status, Outcome::Passed, "{}", run.out);
    }
    // The verbose log says what was decoded.
    assert!(run.out.contains("decoded gzip: "), "{}", run.out);
    assert!(run.out.contains("decoded zstd: "), "{}", run.out);
    // A corrupt body is still an answer: its status checks, its body says why it cannot be read.
    let bad = run.item("A body that is not what its encoding says");
    assert_eq!(check_named(&bad, "status == 200").status, Outcome::Passed);
    let body = check_named(&bad, "body.ok == true");
    assert_eq!(body.status, Outcome::Failed);
    let message = body.message.as_deref().unwrap_or_default();
    assert!(message.contains("not valid gzip"), "{message}");
}

#[test]
fn httpbin_and_the_shop_compress_for_a_client_that_accepts_it() {
    let server = httpbin();
    let spec = r#"target bin = "http://127.0.0.1:1"
target shop = "http://127.0.0.1:1"

intent "httpbin gzip" {
  when GET bin /gzip
  then body.gzipped == true
  and header "Content-Encoding" == "gzip"
}

intent "httpbin deflate" {
  when GET bin /deflate
  then body.deflated == true
}

intent "httpbin brotli" {
  when GET bin /brotli
  then body.brotli == true
}

intent "The runner asks for compression" {
  when GET bin /headers
  then lower(body.headers["Accept-Encoding"]) contains "gzip"
}

intent "The shop compresses its catalog" {
  when GET shop /catalog
  then status == 200
  and header "Content-Encoding" exists
  and len(body.items) > 0
}

intent "A request may turn compression off" {
  when GET shop /catalog
    header "Accept-Encoding" = "identity"
  then status == 200
  and header "Content-Encoding" is absent
}
"#;
    let run = run_with(
        spec,
        &[
            format!("bin={}", server.url()),
            format!("shop={}", shop_url()),
        ],
        &[],
    );
    assert_eq!(run.status, Status::Success, "{}\n{}", run.out, run.err);
}

#[test]
fn a_target_that_refuses_every_connection_is_said_once_and_exits_3() {
    let spec = r#"target dead = "http://127.0.0.1:1"
target fault = "http://127.0.0.1:1"

intent "first" {
  when GET dead /a
  then status == 200
}

intent "second" {
  when GET dead /b
  then status == 200
}

intent "third" {
  when GET dead /c
  then status == 200
}

intent "Another target still runs" {
  when GET fault /ok
  then status == 200
}
"#;
    let dead = refused_url();
    let run = run_with(
        spec,
        &[format!("dead={dead}"), format!("fault={}", fault_url())],
        &["--jobs", "1"],
    );
    assert_eq!(run.status, Status::CouldNotRun, "{}\n{}", run.out, run.err);
    let result = run.result();
    assert_eq!(result.unreachable.len(), 1, "{result:#?}");
    assert_eq!(result.unreachable[0].target, "dead");
    assert_eq!(result.unreachable[0].skipped, 2);
    // One item tried and could not be carried out; the other two were not sent at all.
    let first = run.item("first");
    assert_eq!(first.status, Outcome::Errored);
    for title in ["second", "third"] {
        let item = run.item(title);
        assert_eq!(item.status, Outcome::Errored, "{item:#?}");
        assert_eq!(item.unreachable.as_deref(), Some("dead"));
        assert!(item.requests.is_empty(), "nothing was sent: {item:#?}");
    }
    assert_eq!(
        run.item("Another target still runs").status,
        Outcome::Passed
    );
    // The terminal says it once, and never calls it a failed check.
    assert_eq!(
        run.out.matches("could not be reached").count(),
        1,
        "{}",
        run.out
    );
    assert_eq!(
        run.out.matches("could not be carried out").count(),
        2,
        "{}",
        run.out
    );
    assert!(!run.out.contains("check failed"), "{}", run.out);
}

#[test]
fn a_computed_step_argument_that_breaks_its_parameter_fails_before_sending() {
    let spec = format!(
        r#"{LOGIN}
step "a quote of {{qty: int in 1..100}} items" {{
  when POST shop /cart/quote
    json {{ items: [{{ sku: "AB-0001", qty: qty }}] }}
  then status == 200
}}

intent "Too many items" {{
  when GET shop /health
  when a quote of (len(body.status) * 100) items
  then status == 200
}}
"#
    );
    let run = run_with(&spec, &[format!("shop={}", shop_url())], &[]);
    let item = run.item("Too many items");
    assert_ne!(item.status, Outcome::Passed, "{item:#?}");
    let message = item
        .checks
        .iter()
        .find_map(|c| c.message.clone())
        .unwrap_or_default();
    assert!(
        message.contains("`qty`") && message.contains("200 is not in 1..100"),
        "the failure names the parameter and the broken refinement: {message}"
    );
    // Only the health check was sent: the step stopped before its request.
    assert_eq!(item.requests.len(), 1, "{item:#?}");
    assert!(item.requests[0].url.ends_with("/health"));
}

#[test]
fn redirects_keep_their_cookies_and_change_the_method_as_browsers_do() {
    let server = httpbin();
    let spec = r#"target bin = "http://127.0.0.1:1"

intent "A cookie set on the way is sent on" {
  when GET bin /cookies/set?flavour=oat
  then status == 200
  and body.cookies.flavour == "oat"
  when GET bin /cookies
  then body.cookies.flavour == "oat"
}

intent "A 303 after a POST is read with a GET" {
  when POST bin "/redirect-to?url=/get&status_code=303"
    json { a: 1 }
  then status == 200
  and body.url ends with "/get"
}

intent "A 307 repeats the POST with its body" {
  when POST bin "/redirect-to?url=/post&status_code=307"
    json { a: 1 }
  then status == 200
  and body.json.a == 1
}

intent "Cookies stay within their intent" {
  when GET bin /cookies
  then body.cookies == {}
}
"#;
    let run = run_with(spec, &[format!("bin={}", server.url())], &["--jobs", "1"]);
    assert_eq!(run.status, Status::Success, "{}\n{}", run.out, run.err);
}
