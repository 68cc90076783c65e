//! Nothing secret or personal leaks, in any output or encoding, whole or in part: a secret a
//! server echoes (as is, in a long body whose preview is cut right after it, and as the base64
//! of an `Authorization: Basic` header), and personal data a policy finds in a response. Each
//! test greps every output of the run: the terminal (verbose), the JSON, JUnit, Markdown and
//! HTML reports and the GitHub annotations.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use intent_cli::Status;
use intent_ir::{RunResult, Status as Outcome};
use intent_tests::harness::{Run, run};
use intent_tests::servers::httpbin;

/// Not a test on its own: plays `intent` in a child process (see `intent_tests::child`).
#[test]
fn child_process() {
    intent_tests::child::play();
}

/// Every output of a run, by name.
fn outputs(run: &Run) -> Vec<(&'static str, String)> {
    let result: RunResult = run.result();
    vec![
        ("stdout", run.out.clone()),
        ("stderr", run.err.clone()),
        ("JSON", run.json.clone()),
        ("JUnit", run.junit.clone()),
        ("Markdown", run.markdown.clone()),
        ("HTML", run.html.clone()),
        (
            "GitHub annotations",
            intent_report::github_annotations(&result),
        ),
    ]
}

/// Asserts that no output holds `value` or any eight-character piece of it, in any of the
/// encodings it could take (as is, percent-encoded, JSON-escaped, HTML-escaped).
fn assert_absent(run: &Run, what: &str, value: &str) {
    let chars: Vec<char> = value.chars().collect();
    let pieces: Vec<String> = if chars.len() <= 8 {
        vec![value.to_string()]
    } else {
        chars.windows(8).map(|w| w.iter().collect()).collect()
    };
    for (name, text) in outputs(run) {
        for piece in &pieces {
            for form in [
                piece.clone(),
                piece
                    .replace('@', "%40")
                    .replace(' ', "%20")
                    .replace('+', "%2B"),
                piece.replace('@', "&#64;"),
            ] {
                assert!(
                    !text.contains(&form),
                    "{what}: {form:?} (a piece of {value:?}) is in the {name} output:\n{text}"
                );
            }
        }
    }
}

#[test]
fn a_secret_never_leaks_whole_in_part_or_encoded() {
    let server = httpbin();
    const VAR: &str = "INTENT_TEST_LEAKS_SECRET";
    let secret = format!("Sup3r-s3cret-{:x}", std::process::id());
    let filler = "f".repeat(190);
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::write(
        dir.path().join("leaks.intent"),
        format!(
            r#"target bin = "http://127.0.0.1:1"

secret token = env("{VAR}")

intent "The server echoes a long text that ends with the secret" {{
  when GET bin /anything?note={filler}{{token}}
  then body.args.note == "something else"
}}

intent "The server echoes basic credentials" {{
  when GET bin /headers
    auth basic "alice", token
  then body.headers.Authorization == "Basic nothing"
}}

intent "The server echoes the secret in a JSON body" {{
  when POST bin /post
    json {{ key: token, nested: {{ again: "x{{token}}x" }} }}
  then body.json == {{}}
}}
"#
        ),
    )
    .expect("write the spec");
    let target = format!("bin={}", server.url());
    let run = intent_tests::child::run_in(
        dir.path(),
        &["leaks.intent", "--target", &target, "--verbose"],
        &[(VAR, &secret)],
    );
    assert_eq!(run.status, Status::Failed, "{}\n{}", run.out, run.err);
    for item in run.result().items {
        assert_eq!(
            item.status,
            Outcome::Failed,
            "each echo was checked: {item:#?}"
        );
    }
    assert!(run.out.contains("[redacted]"), "{}", run.out);
    assert_absent(&run, "the secret", &secret);
    // Basic credentials travel as base64 of `user:secret`.
    let basic = STANDARD.encode(format!("alice:{secret}"));
    assert_absent(&run, "the basic credentials", &basic[8..]);
}

#[test]
fn personal_data_a_policy_finds_is_shown_masked_with_its_place() {
    let server = httpbin();
    // httpbin decodes base64 in its path: the personal data is in the response, never in the
    // spec (whose lines the terminal shows as they are).
    let document = r#"{"customer":{"email":"jane.doe@example.com","card":"4111 1111 1111 1111","phone":"+33 6 12 34 56 78"}}"#;
    let encoded = base64::engine::general_purpose::URL_SAFE.encode(document);
    let dir = tempfile::tempdir().expect("temp dir");
    let spec = dir.path().join("pii.intent");
    std::fs::write(
        &spec,
        format!(
            r#"target bin = "http://127.0.0.1:1"

intent "A customer record is served" {{
  when GET bin /base64/{encoded}
  then status == 200
}}

policy "No personal data in responses" applies to every response {{
  expect body not contains pii.email
  expect body not contains pii.card_number
  expect body not contains pii.phone
}}
"#
        ),
    )
    .expect("write the spec");
    let target = format!("bin={}", server.url());
    let run = run(&[
        spec.to_str().expect("a UTF-8 path"),
        "--target",
        &target,
        "--verbose",
    ]);
    assert_eq!(run.status, Status::Failed, "{}\n{}", run.out, run.err);
    let policy = run.item("No personal data in responses");
    assert_eq!(policy.status, Outcome::Failed, "{policy:#?}");
    let actual: Vec<String> = policy
        .checks
        .iter()
        .filter_map(|c| c.actual.clone())
        .collect();
    assert!(
        actual.contains(&"j***@example.com at $.customer.email".to_string())
            && actual.contains(&"**** **** **** 1111 at $.customer.card".to_string())
            && actual.contains(&"+** * ** ** ** 78 at $.customer.phone".to_string()),
        "{actual:?}"
    );
    // Each finding names the request that carried it.
    assert!(
        policy.checks.iter().all(|c| c.request.is_some()),
        "{policy:#?}"
    );
    // The mask keeps the domain (`j***@example.com`), never the name.
    assert_absent(&run, "the e-mail address", "jane.doe@");
    assert_absent(&run, "the card number", "4111 1111 1111 1111");
    assert_absent(&run, "the card number", "4111111111111111");
    assert_absent(&run, "the phone number", "+33 6 12 34 56 78");
}
