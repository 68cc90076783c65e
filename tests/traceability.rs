//! What a result says traces back to the spec: every check id of every item result is declared
//! in the compiled plan, under that item (or a step it calls), so a tool can join results to
//! the plan; and an intent's `because` reaches every report, redacted like all other text.

use intent_cli::Status;
use intent_ir::{Declared, ItemKind, Plan, RunResult};
use intent_tests::fault::refused_url;
use intent_tests::harness::{EXAMPLES, Run, plan_of, run, run_examples};
use std::collections::{BTreeMap, BTreeSet};

/// The check ids the plan declares for each item ([`Plan::declared_checks`]), by the id its
/// results carry: an example row's own id maps to its intent's checks, and a policy also
/// reports the checks of the intents it replays, whose requests can fail in the replay.
fn declared(plan: &Plan) -> BTreeMap<String, BTreeSet<String>> {
    let declared = plan.declared_checks();
    let ids =
        |d: &Declared| -> BTreeSet<String> { d.checks.iter().map(|c| c.to_string()).collect() };
    let every_intent: BTreeSet<String> = declared
        .iter()
        .filter(|d| d.kind == ItemKind::Intent)
        .flat_map(ids)
        .collect();
    let mut by_item: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for item in &declared {
        let mut checks = ids(item);
        if item.kind == ItemKind::Policy {
            checks.extend(every_intent.iter().cloned());
        }
        by_item.insert(item.id.to_string(), checks);
    }
    for intent in &plan.intents {
        let checks = by_item.get(intent.id.as_str()).cloned().unwrap_or_default();
        for row in intent.examples.iter().flat_map(|e| &e.rows) {
            by_item.insert(row.id.to_string(), checks.clone());
        }
    }
    by_item
}

/// Every check of `result` whose id the plan does not declare for its item, as
/// `item: check id (text)`.
fn undeclared(plan: &Plan, result: &RunResult) -> Vec<String> {
    let declared = declared(plan);
    let none = BTreeSet::new();
    result
        .items
        .iter()
        .flat_map(|item| {
            let ids = declared.get(item.id.as_str()).unwrap_or(&none);
            item.checks
                .iter()
                .filter(|c| !ids.contains(c.id.as_str()))
                .map(move |c| format!("{}: {} ({})", item.title, c.id, c.text))
        })
        .collect()
}

/// The kinds of the items of `result` that reported checks.
fn kinds_with_checks(result: &RunResult) -> BTreeSet<&'static str> {
    result
        .items
        .iter()
        .filter(|i| !i.checks.is_empty())
        .map(|i| i.kind.as_str())
        .collect()
}

#[test]
fn every_check_of_the_example_run_is_declared_in_the_plan() {
    let plan = plan_of(EXAMPLES);
    let run = run_examples(&[]);
    assert_eq!(run.status, Status::Success, "{}\n{}", run.out, run.err);
    let result = run.result();
    assert_eq!(
        kinds_with_checks(&result),
        BTreeSet::from(["intent", "evaluate", "load", "policy"]),
        "the run covers every kind of item"
    );
    let missing = undeclared(&plan, &result);
    assert!(
        missing.is_empty(),
        "not in the plan:\n{}",
        missing.join("\n")
    );
}

/// A spec with every construct the runner reports a check for, each made to report one: steps
/// (one whose result cannot be computed), `given` (one that cannot be computed, in an example
/// intent), `-> Type`, `retry … until`, a request that gets no response, `score`, a dataset row
/// that does not fit its columns, a load block, and policies over responses and replays.
const CONSTRUCTS: &str = r#"target shop = "http://127.0.0.1:1"
target dead = "http://127.0.0.1:1"

type Health { status: string }

dataset questions = "questions.csv" {
  question: string
  team: "billing" | "shipping"
}

step "the shop reports {wanted: string}" {
  when GET shop /health -> Health
  then body.status == wanted
}

step "a value nobody set" -> string {
  yield env("INTENT_TEST_TRACEABILITY_UNSET")
}

intent "Steps, retries and types" @private {
  given expected = "ok"
  when the shop reports "ok"
  when GET shop /health -> Health
    retry 2 times every 10ms until body.status == expected
  then status == 200
}

intent "A given that cannot be computed" {
  examples
    | n |
    | 1 |
    | 2 |
  given missing = env("INTENT_TEST_TRACEABILITY_UNSET")
  when GET shop /health
  then body.status != missing
  and n > 0
}

intent "A step that cannot yield" {
  given value = a value nobody set
  when GET shop /health
  then body.status != value
}

intent "A request that gets no response" {
  when GET dead /health -> Health
  then status == 200
}

evaluate "Scores and rows" over questions as case {
  when POST shop /support/answer
    json { question: case.question }
  score overlap = rouge_l(body.answer, case.question)
  expect mean(overlap) >= 0
}

load "A little load" {
  users 1 for 200ms
  when the shop reports "ok"
  expect p95(duration) < 10s
}

policy "Answers are not server errors" applies to every response {
  expect status < 500
}

policy "Private intents need credentials" applies to intents tagged @private {
  without auth expect status in [401, 403]
}
"#;

#[test]
fn every_check_of_steps_givens_scores_retries_and_types_is_declared_in_the_plan() {
    let dir = tempfile::tempdir().expect("temp dir");
    let spec = dir.path().join("constructs.intent");
    std::fs::write(&spec, CONSTRUCTS).expect("write the spec");
    let csv = dir.path().join("questions.csv");
    let rows = "question,team\nWhere is my package?,shipping\n";
    std::fs::write(&csv, rows).expect("write the dataset");
    let path = spec.to_str().expect("a UTF-8 path");
    let (status, compiled, err) =
        intent_tests::harness::intent(&["compile", path, "--allow-outside-root"]);
    assert_eq!(status, Status::Success, "{err}");
    let plan: Plan = serde_json::from_str(&compiled).expect("the plan is JSON");
    let plan_file = dir.path().join("plan.json");
    std::fs::write(&plan_file, &compiled).expect("write the plan");
    // The checker reads the dataset too: a row that does not fit is added after compiling.
    std::fs::write(&csv, format!("{rows}Who sells gift cards?,sales\n")).expect("add a row");
    let (shop, dead) = (
        format!("shop={}", intent_tests::harness::shop_url()),
        format!("dead={}", refused_url()),
    );
    let plan_path = plan_file.to_str().expect("a UTF-8 path");
    let run: Run = run(&["--plan", plan_path, "--target", &shop, "--target", &dead]);
    // The `dead` target refuses every connection, so the run could not be carried out.
    assert_eq!(run.status, Status::CouldNotRun, "{}\n{}", run.out, run.err);
    let result = run.result();
    // Each construct reported its check.
    let texts: BTreeSet<&str> = result
        .items
        .iter()
        .flat_map(|i| i.checks.iter().map(|c| c.text.as_str()))
        .collect();
    for text in [
        "given missing",
        "a value nobody set",
        "-> Health",
        "retry until",
        "GET dead /health",
        "score overlap",
        "each row fits the columns of `questions`",
        "the intent sends credentials",
        "status < 500",
        "body.status == wanted",
        "p95(duration) < 10s",
    ] {
        assert!(texts.contains(text), "no check {text:?} in {texts:#?}");
    }
    let missing = undeclared(&plan, &result);
    assert!(
        missing.is_empty(),
        "not in the plan:\n{}",
        missing.join("\n")
    );
}

/// Not a test on its own: plays `intent` in a child process (see `intent_tests::child`).
#[test]
fn child_process() {
    intent_tests::child::play();
}

#[test]
fn the_because_of_an_intent_reaches_every_report_redacted() {
    // The secret comes from the environment, so `intent` runs in a child process.
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::write(
        dir.path().join("because.intent"),
        r#"target shop = "http://127.0.0.1:1"
secret key = env("INTENT_TEST_BECAUSE_KEY")

intent "The shop says it is sick" {
  because "monitors page someone when it does; the key hunter2-because must not show"
  when GET shop /health
    header "X-Key" = key
  then body.status == "sick"
}

intent "The shop answers" {
  because "a shop that does not answer sells nothing"
  when GET shop /health
  then status == 200
}
"#,
    )
    .expect("write the spec");
    let target = format!("shop={}", intent_tests::harness::shop_url());
    let run = intent_tests::child::run_in(
        dir.path(),
        &["because.intent", "--target", &target],
        &[("INTENT_TEST_BECAUSE_KEY", "hunter2-because")],
    );
    assert_eq!(run.status, Status::Failed, "{}\n{}", run.out, run.err);
    let because = "monitors page someone when it does; the key [redacted] must not show";
    // The terminal: under the failed item, not under the one that passed.
    let lines: Vec<&str> = run.out.lines().collect();
    let under = lines
        .windows(2)
        .find(|w| w[0].starts_with("  ✗ intent  The shop says it is sick"))
        .map(|w| w[1]);
    assert_eq!(
        under,
        Some(format!("      because {because}").as_str()),
        "{}",
        run.out
    );
    assert!(!run.out.contains("sells nothing"), "{}", run.out);
    // JSON: every intent's, passed or not.
    let result = run.result();
    let reasons: Vec<Option<&str>> = result
        .items
        .iter()
        .filter(|i| i.kind == ItemKind::Intent)
        .map(|i| i.because.as_deref())
        .collect();
    assert_eq!(
        reasons,
        [
            Some(because),
            Some("a shop that does not answer sells nothing")
        ]
    );
    assert!(run.json.contains(&format!("\"because\": \"{because}\"")));
    // JUnit: a property, and the first line of the failure's text, which CI tabs show.
    assert!(
        run.junit
            .contains(&format!(r#"<property name="because" value="{because}"/>"#)),
        "{}",
        run.junit
    );
    assert!(
        run.junit.contains(&format!(">because {because}\n\n")),
        "{}",
        run.junit
    );
    // Markdown, under the failures; HTML, with each item.
    assert!(
        run.markdown.contains("**Why it matters**")
            && run
                .markdown
                .contains("- **The shop says it is sick**: because monitors page someone"),
        "{}",
        run.markdown
    );
    assert!(
        run.html.contains(&format!(
            r#"<p class="because"><em>because</em> {because}</p>"#
        )),
        "{}",
        run.html
    );
    // (The terminal's drawing of a failure quotes the spec file itself, where the value is
    // written; the line under the item is redacted, as checked above.)
    for (name, text) in [
        ("JUnit", &run.junit),
        ("JSON", &run.json),
        ("Markdown", &run.markdown),
        ("HTML", &run.html),
    ] {
        assert!(
            !text.contains("hunter2-because"),
            "the secret leaked into {name}:\n{text}"
        );
    }
}
