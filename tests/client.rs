//! The HTTP client against real servers on loopback: a private CA trusted with `--cacert` or
//! a target's `ca`, a server that requires a client certificate (`cert` and `key`), HTTP/2
//! negotiated by ALPN and spoken by prior knowledge (h2c), and a forward or SOCKS5 proxy from
//! the environment (`HTTP_PROXY`, `ALL_PROXY`, `NO_PROXY`, `--no-proxy`).

use intent_cli::Status;
use intent_tests::child::{intent_in, status_of};
use intent_tests::harness::intent;
use intent_tests::tls::{Pki, Proxy, echo_server, write};
use std::path::Path;

#[test]
fn child_process() {
    intent_tests::child::play();
}

/// A project in `dir`: `intent.toml` with `toml` and a spec whose target `api` is `url`,
/// checking the protocol version with `version` (a string of the echo's answer).
fn project(dir: &Path, toml: &str, url: &str, version: &str) {
    write(dir, "intent.toml", &format!("specs = [\"specs\"]\n{toml}"));
    write(
        dir,
        "specs/api.intent",
        &format!(
            r#"target api = "{url}"

intent "the API answers" {{
  when GET api /hello
  then status == 200
  and body.path == "/hello"
  and body.version == "{version}"
}}
"#
        ),
    );
}

fn run_in(dir: &Path, extra: &[&str]) -> (Status, String, String) {
    let specs = dir.join("specs");
    let mut args = vec!["run", specs.to_str().expect("utf-8 path")];
    args.extend_from_slice(extra);
    intent(&args)
}

#[test]
fn a_private_ca_is_trusted_with_cacert_or_a_targets_ca() {
    let pki = Pki::new();
    let url = echo_server(Some(pki.server_config(false, false)));
    let dir = tempfile::tempdir().expect("temp dir");
    project(dir.path(), "", &url, "HTTP/1.1");

    // Without the CA the certificate is unknown: the target cannot be reached (exit 3).
    let (status, out, err) = run_in(dir.path(), &[]);
    assert_eq!(status, Status::CouldNotRun, "{out}{err}");
    assert!(out.contains("cannot connect"), "{out}");

    let ca = pki.path("ca.pem");
    let (status, out, err) = run_in(dir.path(), &["--cacert", ca.to_str().expect("utf-8")]);
    assert_eq!(status, Status::Success, "{out}{err}");

    let toml = format!("[targets.api]\nca = {:?}\n", ca.to_str().expect("utf-8"));
    project(dir.path(), &toml, &url, "HTTP/1.1");
    let (status, out, err) = run_in(dir.path(), &[]);
    assert_eq!(status, Status::Success, "{out}{err}");
}

/// A system started over TLS with a private CA: its readiness probe trusts the target's `ca`
/// as the run's requests do.
#[test]
fn a_started_system_over_tls_is_probed_with_the_targets_ca() {
    let pki = Pki::new();
    let dir = tempfile::tempdir().expect("temp dir");
    let command: Vec<String> = intent_tests::child::child_command();
    let toml = format!(
        "[targets.api]\nca = {ca:?}\n[targets.api.start]\ncommand = {command:?}\nready = \"/health\"\ntimeout = \"60s\"\nurl_from_output = 'listening on (https://\\S+)'\nenv = {{ {child} = \"tls-echo\", {pki} = {dir:?} }}\n",
        ca = pki.path("ca.pem").to_str().expect("utf-8"),
        child = intent_tests::child::CHILD,
        pki = intent_tests::tls::PKI_DIR,
        dir = pki.dir.path().to_str().expect("utf-8"),
    );
    project(dir.path(), &toml, "https://127.0.0.1:1", "HTTP/1.1");
    let (status, out, err) = run_in(dir.path(), &[]);
    assert_eq!(status, Status::Success, "{out}{err}");
    assert!(err.contains("api is ready at https://127.0.0.1:"), "{err}");
}

#[test]
fn a_bad_certificate_file_is_an_invalid_command() {
    let dir = tempfile::tempdir().expect("temp dir");
    project(dir.path(), "", "https://127.0.0.1:1", "HTTP/1.1");
    let missing = dir.path().join("nope.pem");
    let (status, _, err) = run_in(dir.path(), &["--cacert", missing.to_str().expect("utf-8")]);
    assert_eq!(status, Status::Invalid, "{err}");
    assert!(err.contains("--cacert: cannot read"), "{err}");
    assert!(err.contains("it does not exist"), "{err}");

    let junk = write(dir.path(), "junk.pem", "not a certificate\n");
    let (status, _, err) = run_in(dir.path(), &["--cacert", junk.to_str().expect("utf-8")]);
    assert_eq!(status, Status::Invalid, "{err}");
    assert!(err.contains("holds no certificate"), "{err}");

    let toml = "[targets.api]\ncert = \"c.pem\"\nkey = \"junk.pem\"\n";
    write(dir.path(), "c.pem", "not a certificate either\n");
    project(dir.path(), toml, "https://127.0.0.1:1", "HTTP/1.1");
    let (status, _, err) = run_in(dir.path(), &[]);
    assert_eq!(status, Status::Invalid, "{err}");
    assert!(
        err.contains("are not a PEM certificate and its private key"),
        "{err}"
    );
}

#[test]
fn a_server_that_requires_a_client_certificate_gets_the_targets() {
    let pki = Pki::new();
    let url = echo_server(Some(pki.server_config(true, false)));
    let dir = tempfile::tempdir().expect("temp dir");
    let ca = pki.path("ca.pem");
    let ca = ca.to_str().expect("utf-8");

    // Without a client certificate the server refuses (in TLS 1.3 it says so after the
    // handshake, so the request errors rather than the target being unreachable).
    let toml = format!("[targets.api]\nca = {ca:?}\n");
    project(dir.path(), &toml, &url, "HTTP/1.1");
    let (status, out, err) = run_in(dir.path(), &[]);
    assert_eq!(status, Status::Failed, "{out}{err}");
    assert!(out.contains("CertificateRequired"), "{out}");

    let toml = format!(
        "[targets.api]\nca = {ca:?}\ncert = {:?}\nkey = {:?}\n",
        pki.path("client.pem").to_str().expect("utf-8"),
        pki.path("client-key.pem").to_str().expect("utf-8"),
    );
    project(dir.path(), &toml, &url, "HTTP/1.1");
    write(
        dir.path(),
        "specs/certified.intent",
        "use \"api.intent\"\n\nintent \"the server saw the certificate\" {\n  when GET api /who\n  then body.client_certificate == true\n}\n",
    );
    let (status, out, err) = run_in(dir.path(), &[]);
    assert_eq!(status, Status::Success, "{out}{err}");
    assert!(out.contains("2 passed"), "{out}");
}

#[test]
fn http2_is_negotiated_over_tls_and_spoken_by_prior_knowledge_in_the_clear() {
    let pki = Pki::new();
    let ca = pki.path("ca.pem");
    let ca = ca.to_str().expect("utf-8");
    let dir = tempfile::tempdir().expect("temp dir");

    // ALPN: the server offers h2, the client takes it.
    let url = echo_server(Some(pki.server_config(false, true)));
    project(dir.path(), "", &url, "HTTP/2.0");
    let (status, out, err) = run_in(dir.path(), &["--cacert", ca]);
    assert_eq!(status, Status::Success, "{out}{err}");

    // In the clear, HTTP/1.1 unless the target says the server speaks HTTP/2 (h2c).
    let url = echo_server(None);
    project(dir.path(), "", &url, "HTTP/1.1");
    let (status, out, err) = run_in(dir.path(), &[]);
    assert_eq!(status, Status::Success, "{out}{err}");
    project(
        dir.path(),
        "[targets.api]\nhttp2_prior_knowledge = true\n",
        &url,
        "HTTP/2.0",
    );
    let (status, out, err) = run_in(dir.path(), &[]);
    assert_eq!(status, Status::Success, "{out}{err}");
}

/// The proxy variables are read from the environment, which a test may not change for its own
/// process: these runs are child processes.
#[test]
fn the_environments_proxy_is_used_unless_no_proxy_says_otherwise() {
    let url = echo_server(None);
    let proxy = Proxy::start();
    let dir = tempfile::tempdir().expect("temp dir");
    project(dir.path(), "", &url, "HTTP/1.1");
    let run = |extra: &[&str], env: &[(&str, &str)]| {
        let mut args = vec!["run", "specs"];
        args.extend_from_slice(extra);
        let (code, out, err) = intent_in(dir.path(), &args, env);
        assert_eq!(status_of(code), Status::Success, "{out}{err}");
    };
    let through = format!("GET {url}/hello HTTP/1.1");

    run(&[], &[("HTTP_PROXY", &proxy.url), ("NO_PROXY", "")]);
    assert_eq!(proxy.requests(), [through.as_str()]);
    run(&[], &[("http_proxy", &proxy.url), ("NO_PROXY", "")]);
    run(&[], &[("ALL_PROXY", &proxy.url), ("NO_PROXY", "")]);
    assert_eq!(proxy.requests(), [through.as_str(); 3]);

    // NO_PROXY and --no-proxy go direct.
    run(
        &[],
        &[("HTTP_PROXY", &proxy.url), ("NO_PROXY", "127.0.0.1")],
    );
    run(
        &["--no-proxy"],
        &[("HTTP_PROXY", &proxy.url), ("NO_PROXY", "")],
    );
    assert_eq!(proxy.requests().len(), 3, "{:?}", proxy.requests());
}

/// A SOCKS5 proxy from `ALL_PROXY` (`socks5://`, names resolved here; `socks5h://`, names
/// resolved by the proxy) carries the connection; `NO_PROXY` still goes direct.
#[test]
fn a_socks5_proxy_from_the_environment_carries_the_connection() {
    let url = echo_server(None);
    let socks = Proxy::socks5();
    let dir = tempfile::tempdir().expect("temp dir");
    project(dir.path(), "", &url, "HTTP/1.1");
    let run = |env: &[(&str, &str)]| {
        let (code, out, err) = intent_in(dir.path(), &["run", "specs"], env);
        assert_eq!(status_of(code), Status::Success, "{out}{err}");
    };
    let origin = url.trim_start_matches("http://");
    let socks5h = socks.url.replace("socks5://", "socks5h://");
    run(&[("ALL_PROXY", &socks.url), ("NO_PROXY", "")]);
    run(&[("ALL_PROXY", &socks5h), ("NO_PROXY", "")]);
    let through = format!("CONNECT {origin}");
    assert_eq!(socks.requests(), [through.as_str(); 2]);
    run(&[("ALL_PROXY", &socks.url), ("NO_PROXY", "127.0.0.1")]);
    assert_eq!(socks.requests().len(), 2, "{:?}", socks.requests());
}

/// A multipart body with text fields and files of the project, as the server's multipart
/// parser reads it back.
#[test]
fn a_multipart_body_sends_text_fields_and_files() {
    let url = echo_server(None);
    let dir = tempfile::tempdir().expect("temp dir");
    write(dir.path(), "intent.toml", "specs = [\"specs\"]\n");
    write(
        dir.path(),
        "specs/avatars/ada.png",
        "not really a picture\n",
    );
    write(dir.path(), "specs/cv.bin", "%PDF-1.4\n");
    write(
        dir.path(),
        "specs/upload.intent",
        &format!(
            r#"target api = "{url}"

intent "A profile is uploaded" {{
  when POST api /upload
    multipart {{
      name: "Ada",
      age: 36,
      avatar: file("avatars/ada.png"),
      cv: file("cv.bin", "application/pdf")
    }}
  then status == 200
  and body.fields == {{ name: "Ada", age: "36" }}
  and body.files.avatar.file_name == "ada.png"
  and body.files.avatar.content_type == "image/png"
  and body.files.avatar.size == 21
  and body.files.avatar.text == "not really a picture\n"
  and body.files.cv.content_type == "application/pdf"
  and body.files.cv.text == "%PDF-1.4\n"
}}
"#
        ),
    );
    let (status, out, err) = run_in(dir.path(), &[]);
    assert_eq!(status, Status::Success, "{out}{err}");

    // Checked, then gone when the plan runs: the request fails naming the file.
    let plan = dir.path().join("plan.json");
    let specs = dir.path().join("specs");
    let (status, _, err) = intent(&[
        "compile",
        specs.to_str().expect("utf-8"),
        "-o",
        plan.to_str().expect("utf-8"),
    ]);
    assert_eq!(status, Status::Success, "{err}");
    std::fs::remove_file(dir.path().join("specs/cv.bin")).expect("remove the file");
    let (status, out, err) = intent(&["run", "--plan", plan.to_str().expect("utf-8")]);
    assert_eq!(status, Status::Failed, "{out}{err}");
    assert!(
        out.contains("cannot send the file specs/cv.bin: it does not exist"),
        "{out}"
    );
}
