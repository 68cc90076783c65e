//! Selecting nothing is an error: `intent run` with `--tags`, `--name`, `--id` or `--shard`
//! that select no intent, evaluation or load block exits 2 and says what there is to select,
//! unless `--allow-empty` is given; and so a generated cargo test whose item is gone fails.

use intent_cli::Status;
use intent_ir::ItemKind;
use intent_tests::harness::{Run, intent, plan_of, run, run_examples, shop_url};
use regex::Regex;

/// A refused run: exit 2, nothing run, no report written, and `err` says each of `says`.
fn assert_refused(run: &Run, says: &[&str]) {
    assert_eq!(run.status, Status::Invalid, "{}\n{}", run.out, run.err);
    for text in says {
        assert!(run.err.contains(text), "stderr says {text:?}:\n{}", run.err);
    }
    assert!(
        run.err
            .contains("pass --allow-empty to run with nothing selected"),
        "{}",
        run.err
    );
    assert!(run.json.is_empty() && run.junit.is_empty(), "nothing ran");
}

#[test]
fn tags_that_select_nothing_are_refused_with_the_nearest_tag() {
    assert_refused(
        &run_examples(&["--tags", "@smok and not @slow"]),
        &[
            "error: the selection runs no intent, evaluation or load block",
            "--tags: no item is tagged @slow; did you mean @slo?",
            "--tags: no item is tagged @smok; did you mean @smoke?",
            "tags: @ai, @catalog, @checkout, @private, @slo, @smoke\n",
        ],
    );
    // Tags that exist, in an expression no item satisfies.
    assert_refused(
        &run_examples(&["--tags", "@smoke and not @smoke"]),
        &["--tags: no item's tags satisfy the expression"],
    );
}

#[test]
fn a_name_that_selects_nothing_is_refused_with_the_nearest_title() {
    assert_refused(
        &run_examples(&["--name", "pagd"]),
        &[
            r#"--name "pagd": no title contains it; did you mean "The catalog is paged"?"#,
            r#"titles: "The catalog is paged", "#,
        ],
    );
}

#[test]
fn an_id_that_selects_nothing_is_refused_with_the_nearest_id() {
    assert_refused(
        &run_examples(&["--id", "examples/shop/specs/quote::coupons-change-the-totl"]),
        &[
            "--id examples/shop/specs/quote::coupons-change-the-totl: no item has this id; \
             did you mean `examples/shop/specs/quote::coupons-change-the-total`?",
            "ids: `examples/shop/specs/quote::coupons-change-the-total`, ",
        ],
    );
}

#[test]
fn criteria_that_match_apart_but_not_together_are_refused() {
    assert_refused(
        &run_examples(&["--tags", "@smoke", "--name", "eventually paid"]),
        &["--tags, --name each select items, but no item matches all of them"],
    );
}

#[test]
fn a_shard_that_gets_no_item_is_refused_with_how_many_items_there_are() {
    // One item in two shards: one shard runs it, the other gets nothing.
    let runs: Vec<Run> = ["1/2", "2/2"]
        .iter()
        .map(|shard| run_examples(&["--name", "Coupons change", "--shard", shard]))
        .collect();
    let (ran, empty): (Vec<&Run>, Vec<&Run>) =
        runs.iter().partition(|r| r.status == Status::Success);
    assert_eq!((ran.len(), empty.len()), (1, 1), "{runs:#?}");
    assert_refused(
        empty[0],
        &["this shard gets none of the 1 selected item: 2 shards is more than 1 item"],
    );
}

#[test]
fn allow_empty_runs_nothing_and_passes_saying_so() {
    let run = run_examples(&["--tags", "@smok", "--allow-empty"]);
    assert_eq!(run.status, Status::Success, "{}\n{}", run.out, run.err);
    assert!(
        run.out
            .contains("no item selected (--allow-empty): --tags: no item is tagged @smok; did you mean @smoke?"),
        "{}",
        run.out
    );
    let result = run.result();
    assert!(
        result
            .items
            .iter()
            .all(|i| matches!(i.kind, ItemKind::Policy | ItemKind::Monitor)),
        "{result:#?}"
    );
    assert!(!run.junit.is_empty(), "the reports are still written");
    let (status, help, _) = intent(&["run", "--help"]);
    assert_eq!(status, Status::Success);
    assert!(help.contains("--allow-empty"), "{help}");
}

/// The arguments every test of a scaffold passes to `intent`, with `id` standing for the id.
fn scaffold_arguments(code: &str) -> Vec<String> {
    let call = Regex::new(r"\.args\(\[([^\]]*)\]\)").expect("a valid regex");
    let list = call
        .captures(code)
        .and_then(|c| c.get(1))
        .unwrap_or_else(|| panic!("the scaffold passes arguments:\n{code}"));
    list.as_str()
        .split(',')
        .map(|a| a.trim().trim_matches('"').to_string())
        .collect()
}

#[test]
fn a_scaffold_test_whose_item_is_gone_fails() {
    let dir = tempfile::tempdir().expect("temp dir");
    let spec = dir.path().join("health.intent");
    let path = spec.to_str().expect("a UTF-8 path");
    let text = "target shop = \"http://127.0.0.1:1\"\n\nintent \"The shop is healthy\" {\n  when GET shop /health\n  then status == 200\n}\n";
    std::fs::write(&spec, text).expect("write the spec");
    let code = intent_codegen::rust_tests(&plan_of(path));
    let arguments = scaffold_arguments(&code);
    assert_eq!(arguments, ["run", "--id", "id"], "{code}");
    let id = Regex::new(r#"run_intent\("([^"]+)"\)"#)
        .expect("a valid regex")
        .captures(&code)
        .and_then(|c| c.get(1))
        .map(|m| m.as_str().to_string())
        .unwrap_or_else(|| panic!("a test per intent:\n{code}"));
    // What the generated test runs (`INTENT_ARGS` naming the spec and the target).
    let target = format!("shop={}", shop_url());
    let test = |args: &[String]| {
        let mut argv: Vec<&str> = args
            .iter()
            .skip(1)
            .map(|a| if a == "id" { id.as_str() } else { a.as_str() })
            .collect();
        argv.extend([path, "--target", target.as_str()]);
        run(&argv)
    };
    let fresh = test(&arguments);
    assert_eq!(
        fresh.status,
        Status::Success,
        "{}\n{}",
        fresh.out,
        fresh.err
    );

    // The intent is renamed: its id is stale, and the generated test must fail.
    std::fs::write(&spec, text.replace("is healthy", "is up")).expect("rename the intent");
    let stale = test(&arguments);
    assert_ne!(stale.status, Status::Success, "{}", stale.out);
    assert_refused(&stale, &["no item has this id", "the-shop-is-up`"]);
}
