//! Parse fixtures: every valid fixture and example parses without diagnostics (AST
//! snapshotted); every invalid fixture reports the code in its name on the promised line.

use intent_syntax::parse;
use intent_tests::{expectation, intent_files, relative, render_all, single_file};

#[test]
fn valid_fixtures_and_examples_parse_cleanly() {
    let mut files = intent_files("tests/fixtures/parse/ok");
    files.extend(intent_files("examples"));
    assert!(
        files.len() >= 10,
        "expected the parse fixtures and examples, found {}",
        files.len()
    );
    for path in files {
        let text = std::fs::read_to_string(&path).expect("fixture is readable");
        let (sources, file) = single_file(&path, &text);
        let parsed = parse(file, &text);
        assert!(
            parsed.diagnostics.is_empty(),
            "{} should parse cleanly:\n{}",
            relative(&path),
            render_all(&parsed.diagnostics, &sources)
        );
        let name = relative(&path).replace('/', "__");
        insta::assert_yaml_snapshot!(format!("ast__{name}"), parsed.file);
    }
}

#[test]
fn invalid_fixtures_report_their_code_on_their_line() {
    let files = intent_files("tests/fixtures/parse/err");
    assert!(
        files.len() >= 25,
        "expected at least 25 syntax error fixtures, found {}",
        files.len()
    );
    for path in files {
        let text = std::fs::read_to_string(&path).expect("fixture is readable");
        let want = expectation(&path, &text);
        let (sources, file) = single_file(&path, &text);
        let parsed = parse(file, &text);
        let rendered = render_all(&parsed.diagnostics, &sources);
        let hit = parsed.diagnostics.iter().any(|d| {
            d.code.as_str() == want.code
                && sources.get(file).line_col(d.primary().span.start).line == want.line
        });
        assert!(
            hit,
            "{} should report {} on line {}, got:\n{rendered}",
            relative(&path),
            want.code,
            want.line
        );
        let name = relative(&path).replace('/', "__");
        insta::assert_snapshot!(
            format!("diagnostics__{name}"),
            format!("{text}\n----- diagnostics -----\n{rendered}")
        );
    }
}

#[test]
fn a_stray_closer_between_items_keeps_the_complete_item_before_it() {
    let before = [
        "target shop = \"http://127.0.0.1:8080\"\n",
        "intent \"x\" {\n  when GET shop /a\n}\n",
        "intent \"x\" { when GET shop /a }",
    ];
    for item in before {
        for stray in ["}", ")", "]"] {
            let text = format!("{item}{stray}\nintent \"y\" {{ when GET shop /b }}\n");
            let parsed = parse(intent_source::FileId(0), &text);
            let codes: Vec<&str> = parsed.diagnostics.iter().map(|d| d.code.as_str()).collect();
            assert_eq!(codes, ["E0004"], "{text}");
            assert_eq!(parsed.file.items.len(), 2, "both items are kept:\n{text}");
        }
    }
}

#[test]
fn formatting_keeps_every_spec_and_is_stable() {
    let mut files = intent_files("tests/fixtures/parse/ok");
    files.extend(intent_files("tests/fixtures/check/ok"));
    files.extend(intent_files("examples"));
    for path in files {
        let text = std::fs::read_to_string(&path).expect("read the fixture");
        let once =
            intent_syntax::format(&text).unwrap_or_else(|e| panic!("{}: {e:?}", relative(&path)));
        let twice = intent_syntax::format(&once).expect("formatted text formats");
        assert_eq!(once, twice, "{}: formatting is stable", relative(&path));
        if relative(&path).starts_with("examples/") {
            assert_eq!(once, text, "{} is formatted (intent fmt)", relative(&path));
        }
    }
}
