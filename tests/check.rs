//! Check fixtures: valid programs check with zero diagnostics (plan snapshotted, plan
//! round-trips and is deterministic); invalid programs report the code in their file name on
//! the promised line, with help.

use intent_check::Checked;
use intent_tests::{check_in, expectation, intent_files, relative, render_all, repo_root};
use std::path::{Path, PathBuf};

/// The path as the tests' working folder (`tests/`) sees it, so diagnostics and snapshots
/// never contain the absolute location of the checkout.
fn from_tests(path: &Path) -> PathBuf {
    Path::new("..").join(path.strip_prefix(repo_root()).unwrap_or(path))
}

fn check_file(path: &Path) -> Checked {
    check_in(&repo_root(), &[from_tests(path)])
}

#[test]
fn valid_programs_check_cleanly_and_their_plans_round_trip() {
    let mut files = intent_files("tests/fixtures/check/ok");
    files.extend(intent_files("examples"));
    assert!(
        files.len() >= 10,
        "expected check fixtures and examples, found {}",
        files.len()
    );
    for path in files {
        let checked = check_file(&path);
        let loaded = &checked.loaded;
        assert!(
            checked.diagnostics.is_empty(),
            "{} should check cleanly:\n{}",
            relative(&path),
            render_all(&checked.diagnostics, &loaded.sources)
        );
        let json = serde_json::to_string_pretty(&checked.plan).expect("the plan serialises");
        let back: intent_ir::Plan = serde_json::from_str(&json).expect("the plan deserialises");
        assert_eq!(
            back,
            checked.plan,
            "{}: the plan round-trips",
            relative(&path)
        );
        let again = check_file(&path);
        let again = serde_json::to_string_pretty(&again.plan).expect("the plan serialises");
        assert_eq!(
            json,
            again,
            "{}: compiling twice gives the same bytes",
            relative(&path)
        );
        let name = relative(&path).replace('/', "__");
        insta::assert_snapshot!(format!("plan__{name}"), json);
    }
}

#[test]
fn invalid_programs_report_their_code_on_their_line_with_help() {
    let files = intent_files("tests/fixtures/check/err");
    assert!(
        files.len() >= 40,
        "expected at least 40 check error fixtures, found {}",
        files.len()
    );
    for path in files {
        let text = std::fs::read_to_string(&path).expect("fixture is readable");
        let want = expectation(&path, &text);
        let checked = check_file(&path);
        let loaded = &checked.loaded;
        let rendered = render_all(&checked.diagnostics, &loaded.sources);
        let hit = checked.diagnostics.iter().find(|d| {
            let primary = d.primary();
            d.code.as_str() == want.code
                && loaded.sources.get(primary.file).path() == from_tests(&path)
                && loaded
                    .sources
                    .get(primary.file)
                    .line_col(primary.span.start)
                    .line
                    == want.line
        });
        let Some(hit) = hit else {
            panic!(
                "{} should report {} on line {}, got:\n{rendered}",
                relative(&path),
                want.code,
                want.line
            );
        };
        assert!(
            hit.help.is_some(),
            "{}: {} should come with help",
            relative(&path),
            want.code
        );
        let name = relative(&path).replace('/', "__");
        insta::assert_snapshot!(
            format!("diagnostics__{name}"),
            format!("{text}\n----- diagnostics -----\n{rendered}")
        );
    }
}

/// Every spec the checker's fixtures and the examples hold.
fn every_fixture() -> Vec<PathBuf> {
    let mut files = intent_files("tests/fixtures/check/ok");
    files.extend(intent_files("tests/fixtures/check/err"));
    files.extend(intent_files("examples"));
    files
}

/// `intent check` and the language server keep only what diagnostics need: the same
/// diagnostics as a full check, and no intent bodies held in the plan.
#[test]
fn checking_for_diagnostics_only_reports_the_same_and_keeps_no_bodies() {
    let mut bodies_dropped = 0;
    for path in every_fixture() {
        let project = intent_project::Project::new(repo_root(), None, false);
        let tree = project.tree(&[from_tests(&path)], &intent_project::Overlays::new());
        let full = intent_check::check(&tree);
        let light = intent_check::check_keeping(&tree, intent_check::Keep::Diagnostics);
        let messages = |c: &Checked| -> Vec<String> {
            c.diagnostics.iter().map(|d| format!("{d:?}")).collect()
        };
        assert_eq!(messages(&full), messages(&light), "{}", relative(&path));
        let ids = |c: &Checked| -> Vec<String> {
            c.plan.intents.iter().map(|i| i.id.to_string()).collect()
        };
        assert_eq!(ids(&full), ids(&light), "{}", relative(&path));
        assert!(light.plan.intents.iter().all(|i| i.actions.is_empty()));
        bodies_dropped += full
            .plan
            .intents
            .iter()
            .filter(|i| !i.actions.is_empty())
            .count();
    }
    assert!(bodies_dropped > 10, "the fixtures have intents with bodies");
}

/// `intent run` parses intents while the ones before are checked (`Keep::Run`), keeping no
/// intent's syntax tree: the same diagnostics and the same plan, to the byte, as a full check.
#[test]
fn checking_to_run_makes_the_same_plan_without_the_intents_trees() {
    let mut intents = 0;
    for path in every_fixture() {
        let project = intent_project::Project::new(repo_root(), None, false);
        let tree = project.tree(&[from_tests(&path)], &intent_project::Overlays::new());
        let full = intent_check::check(&tree);
        let run = intent_check::check_keeping(&tree, intent_check::Keep::Run);
        assert_eq!(
            format!("{:?}", full.diagnostics),
            format!("{:?}", run.diagnostics),
            "{}",
            relative(&path)
        );
        let plan = |c: &Checked| serde_json::to_string(&c.plan).expect("a plan serializes");
        assert_eq!(plan(&full), plan(&run), "{}", relative(&path));
        let trees = |c: &Checked| {
            c.loaded
                .files
                .iter()
                .flat_map(|f| &f.syntax.items)
                .filter(|item| matches!(item, intent_syntax::ast::Item::Intent(_)))
                .count()
        };
        assert_eq!(trees(&run), 0, "{}", relative(&path));
        intents += full.plan.intents.len();
    }
    assert!(intents > 50, "the fixtures have intents: {intents}");
}
