//! Numbers mean what they read, end to end against the example shop: percentages scale what
//! they multiply, decimals are exact in checks and in every report, and a unit mix-up is a
//! compile-time error whose help leads to a spec that passes.

use intent_cli::Status;
use intent_ir::Status as Outcome;
use intent_tests::harness::{check_named, intent, run_spec};

/// A logged-in quote of ten `AB-0001` (9.99 each): a subtotal of 99.90.
const QUOTE: &str = r#"
step "a shopper {name: string} is logged in" -> string {
  when POST shop /login
    json { user: name, password: "pw-{name}" }
  then status == 200
  yield body.token
}

type Quote { subtotal: decimal, total: decimal }
"#;

fn quote_intent(title: &str, checks: &str) -> String {
    format!(
        r#"{QUOTE}
intent "{title}" {{
  given token = a shopper "numbers" is logged in
  when POST shop /cart/quote -> Quote
    auth bearer token
    json {{ items: [{{ sku: "AB-0001", qty: 10 }}] }}
  then status == 200
{checks}
}}
"#
    )
}

#[test]
fn a_percentage_scales_what_it_multiplies() {
    let spec = quote_intent(
        "Percentages scale",
        r#"  and body.total == 99.9
  and body.total * 90% == 89.91
  and 90% * body.total == 89.91
  and body.total - body.total * 10% == 89.91
  and body.total / 50% == 199.8
  and duration * 110% >= duration
  and 50% * 50% == 25%"#,
    );
    let run = run_spec(&spec, &[]);
    let item = run.item("Percentages scale");
    assert_eq!(item.status, Outcome::Passed, "{}\n{item:#?}", run.out);
    assert_eq!(run.status, Status::Success);
}

#[test]
fn decimal_arithmetic_is_exact_in_checks_and_in_every_report() {
    let spec = quote_intent(
        "Decimals are exact",
        r#"  and body.total * 0.8 == 79.92
  and 0.1 + 0.2 == 0.3
  and body.total * 0.8 == 1"#,
    );
    let run = run_spec(&spec, &[]);
    let item = run.item("Decimals are exact");
    assert_eq!(
        check_named(&item, "body.total * 0.8 == 79.92").status,
        Outcome::Passed
    );
    assert_eq!(
        check_named(&item, "0.1 + 0.2 == 0.3").status,
        Outcome::Passed
    );
    let failed = check_named(&item, "body.total * 0.8 == 1");
    assert_eq!(failed.status, Outcome::Failed);
    assert_eq!(failed.actual.as_deref(), Some("79.92"));
    for (name, report) in [
        ("terminal", &run.out),
        ("JSON", &run.json),
        ("JUnit", &run.junit),
        ("Markdown", &run.markdown),
        ("HTML", &run.html),
    ] {
        assert!(
            report.contains("79.92"),
            "the {name} report shows 79.92:\n{report}"
        );
        assert!(
            !report.contains("79.92000"),
            "the {name} report shows no binary rounding:\n{report}"
        );
    }
}

/// Writes `spec` to a temporary file and checks it; returns the exit status and the output.
fn check(spec: &str) -> (Status, String) {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("units.intent");
    std::fs::write(&path, spec).expect("write the spec");
    let (status, out, err) = intent(&["check", path.to_str().expect("utf-8 path")]);
    (status, format!("{out}{err}"))
}

#[test]
fn the_help_of_a_unit_error_leads_to_a_spec_that_passes() {
    // A writer who means "the total less 10%" and writes it as a subtraction is told how to
    // say it; the spec the help suggests checks and passes.
    let wrong = quote_intent("Ten percent off", "  and body.total - 10% == 89.91");
    let (status, out) = check(&format!("target shop = \"http://127.0.0.1:1\"\n{wrong}"));
    assert_eq!(status, Status::Invalid, "{out}");
    assert!(out.contains("E2002"), "{out}");
    assert!(
        out.contains("`body.total * 90%`"),
        "the help names the product: {out}"
    );
    let right = quote_intent("Ten percent off", "  and body.total * 90% == 89.91");
    let run = run_spec(&right, &[]);
    assert_eq!(
        run.item("Ten percent off").status,
        Outcome::Passed,
        "{}",
        run.out
    );

    // A fraction where a percentage is compared: the help writes it as a percentage.
    let fraction = "target shop = \"http://127.0.0.1:1\"\nintent \"x\" {\n  when GET shop /health\n  then 0.5 < 80%\n}\n";
    let (status, out) = check(fraction);
    assert_eq!(status, Status::Invalid, "{out}");
    assert!(out.contains("`50%`"), "{out}");
}

#[test]
fn a_json_number_is_not_silently_read_in_a_unit() {
    let spec = "target shop = \"http://127.0.0.1:1\"\nintent \"x\" {\n  when GET shop /health\n  then body.elapsed < 300ms\n  and body.share >= 90%\n}\n";
    let (status, out) = check(spec);
    assert_eq!(status, Status::Invalid, "{out}");
    assert!(out.contains("`body.elapsed * 1ms`"), "{out}");
    assert!(out.contains("`0.9` if it is a fraction"), "{out}");
    // Said with its unit, it checks.
    let said = "target shop = \"http://127.0.0.1:1\"\nintent \"x\" {\n  when GET shop /health\n  then body.elapsed * 1s < 300ms\n  and body.share >= 0.9\n}\n";
    let (status, out) = check(said);
    assert_eq!(status, Status::Success, "{out}");
}
