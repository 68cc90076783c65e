//! The `intent` command line, driven in-process: exit codes, diagnostics for bad input, and
//! `intent explain`.

use intent_cli::{Status, run};
use std::path::Path;

/// Runs `intent ARGS...` and returns its status, stdout and stderr.
fn intent(args: &[&str]) -> (Status, String, String) {
    let mut out = Vec::new();
    let mut err = Vec::new();
    let argv = std::iter::once("intent")
        .chain(args.iter().copied())
        .map(Into::into);
    let status = run(argv, &mut out, &mut err);
    (
        status,
        String::from_utf8_lossy(&out).into_owned(),
        String::from_utf8_lossy(&err).into_owned(),
    )
}

/// Writes `bytes` to `name` in a fresh folder and runs `intent check --format json` on it,
/// returning the status and the codes reported.
fn check_bytes(name: &str, bytes: &[u8]) -> (Status, Vec<String>) {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join(name);
    std::fs::write(&path, bytes).expect("write spec");
    check_json(&path)
}

fn check_json(path: &Path) -> (Status, Vec<String>) {
    let (status, out, _) = intent(&[
        "check",
        "--format",
        "json",
        path.to_str().expect("utf-8 path"),
    ]);
    let codes = out
        .lines()
        .map(|l| {
            let v: serde_json::Value = serde_json::from_str(l).expect("one JSON object per line");
            v["code"].as_str().expect("code").to_string()
        })
        .collect();
    (status, codes)
}

#[test]
fn examples_check_cleanly() {
    let root = intent_tests::repo_root();
    let (status, _, err) = intent(&["check", root.join("examples").to_str().expect("path")]);
    assert_eq!(status, Status::Success, "{err}");
    assert!(err.contains("0 errors"), "{err}");
}

#[test]
fn syntax_errors_exit_2_with_located_json_diagnostics() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("bad.intent");
    std::fs::write(
        &path,
        "intent \"a\" {\n  thne status == 200\n}\n\nintnet \"b\" {\n}\n",
    )
    .expect("write");
    let (status, out, _) = intent(&["check", "--format", "json", path.to_str().expect("path")]);
    assert_eq!(status, Status::Invalid);
    let diagnostics: Vec<serde_json::Value> = out
        .lines()
        .map(|l| serde_json::from_str(l).expect("json"))
        .collect();
    assert_eq!(diagnostics.len(), 2, "both items report: {out}");
    assert_eq!(diagnostics[0]["code"], "E0011");
    assert_eq!(diagnostics[0]["line"], 2);
    assert_eq!(diagnostics[0]["column"], 3);
    assert_eq!(diagnostics[0]["help"], "did you mean `then`?");
    assert_eq!(diagnostics[0]["span"]["start"], 15);
    assert_eq!(diagnostics[1]["code"], "E0010");
    assert_eq!(diagnostics[1]["line"], 5);
    assert_eq!(diagnostics[1]["help"], "did you mean `intent`?");
}

#[test]
fn human_output_renders_file_line_and_help() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("bad.intent");
    std::fs::write(&path, "intent \"a\" {\n  thne status == 200\n}\n").expect("write");
    let (status, _, err) = intent(&["check", path.to_str().expect("path")]);
    assert_eq!(status, Status::Invalid);
    assert!(err.contains("E0011"), "{err}");
    assert!(err.contains("bad.intent:2:3"), "{err}");
    assert!(err.contains("did you mean `then`?"), "{err}");
    assert!(err.contains("1 error"), "{err}");
}

#[test]
fn invalid_utf8_is_a_diagnostic() {
    assert_eq!(
        check_bytes("latin1.intent", b"intent \"caf\xe9\" {\n}\n"),
        (Status::Invalid, vec!["E0001".to_string()])
    );
}

#[test]
fn random_bytes_are_a_diagnostic() {
    // A deterministic pseudo-random byte soup, including NULs and invalid UTF-8.
    let mut state: u32 = 0x9e37_79b9;
    let bytes: Vec<u8> = (0..4096)
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 17;
            state ^= state << 5;
            (state >> 24) as u8
        })
        .collect();
    let (status, codes) = check_bytes("noise.intent", &bytes);
    assert_eq!(status, Status::Invalid);
    assert!(!codes.is_empty());
}

#[test]
fn nul_byte_is_a_diagnostic() {
    assert_eq!(
        check_bytes("nul.intent", b"intent \"a\" {\n  then 1 == \0\n}\n"),
        (Status::Invalid, vec!["E0002".to_string()])
    );
}

#[test]
fn twenty_thousand_unclosed_brackets_do_not_crash() {
    let text = format!("let a = {}\n", "[".repeat(20_000));
    let (status, codes) = check_bytes("brackets.intent", text.as_bytes());
    assert_eq!(status, Status::Invalid);
    assert!(codes.contains(&"E0008".to_string()), "{codes:?}");
    assert!(codes.contains(&"E0003".to_string()), "{codes:?}");
}

/// Runs `intent check` with output for people on a file holding `text`; returns the codes
/// (from the JSON output) and the number of bytes a person would be shown.
fn check_both_ways(text: &str) -> (Vec<String>, usize) {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("bad.intent");
    std::fs::write(&path, text).expect("write spec");
    let (_, codes) = check_json(&path);
    let (status, out, err) = intent(&["check", path.to_str().expect("utf-8 path")]);
    assert_eq!(status, Status::Invalid);
    (codes, out.len() + err.len())
}

#[test]
fn a_line_of_twenty_thousand_unclosed_brackets_is_one_diagnostic() {
    let line = format!("  then x == {}", "(".repeat(20_000));
    let text = format!("intent \"a\" {{\n{line}\n}}\n");
    let (codes, bytes) = check_both_ways(&text);
    assert_eq!(codes, ["E0003", "E0008"]);
    // Each diagnostic shows the 20 KB line once; nothing else is long.
    assert!(bytes < 3 * line.len() + 4096, "{bytes} bytes");
}

#[test]
fn a_line_of_twenty_thousand_stray_closers_is_one_diagnostic() {
    let text = format!("let _a = 1{}\n", ")".repeat(20_000));
    let (codes, bytes) = check_both_ways(&text);
    assert_eq!(codes, ["E0004"]);
    assert!(bytes < 2 * text.len() + 4096, "{bytes} bytes");
}

#[test]
fn ten_thousand_broken_lines_give_a_bounded_number_of_diagnostics() {
    let text: String = (0..10_000).map(|i| format!("let x{i} = (((((\n")).collect();
    let (codes, bytes) = check_both_ways(&text);
    assert_eq!(
        codes.len(),
        101,
        "100 problems and one that counts the rest"
    );
    assert!(codes.iter().all(|c| c == "E0003"), "{codes:?}");
    assert!(bytes < 101 * 1024, "{bytes} bytes");
}

#[test]
fn ten_thousand_nested_brackets_are_too_deep() {
    let text = format!("let a = {}1{}\n", "[".repeat(10_000), "]".repeat(10_000));
    assert_eq!(
        check_bytes("deep.intent", text.as_bytes()),
        (Status::Invalid, vec!["E0008".to_string()])
    );
}

#[test]
fn nesting_at_the_limit_parses() {
    let depth = intent_syntax::MAX_NESTING;
    let text = format!("let _a = {}1{}\n", "[".repeat(depth), "]".repeat(depth));
    assert_eq!(
        check_bytes("limit.intent", text.as_bytes()),
        (Status::Success, vec![])
    );
}

#[test]
fn long_operator_chains_and_prefix_runs_are_refused_not_overflowed() {
    let chain = format!("let _a = 1{}\n", " + 1".repeat(100_000));
    assert_eq!(
        check_bytes("chain.intent", chain.as_bytes()),
        (Status::Invalid, vec!["E0008".to_string()])
    );
    let nots = format!("let _a = {}true\n", "not ".repeat(100_000));
    assert_eq!(
        check_bytes("nots.intent", nots.as_bytes()),
        (Status::Invalid, vec!["E0008".to_string()])
    );
}

#[test]
fn a_one_megabyte_line_is_a_diagnostic() {
    let text = format!("intent \"a\" {{\n  then {}\n}}\n", "x-".repeat(500_000));
    let (status, codes) = check_bytes("long.intent", text.as_bytes());
    assert_eq!(status, Status::Invalid);
    assert!(!codes.is_empty());
}

#[test]
fn a_diagnostic_on_a_long_line_shows_an_excerpt_with_the_true_column() {
    // Ten megabytes on one line, and the mistake at its end: the rendered diagnostic shows a
    // window of the line around the label, however long the line is.
    let filler = "a".repeat(10_000_000);
    let text = format!("let _x = \"{filler}\" + 5ms\n");
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("long.intent");
    std::fs::write(&path, &text).expect("write spec");
    let (status, out, err) = intent(&["check", path.to_str().expect("utf-8 path")]);
    assert_eq!(status, Status::Invalid);
    let shown = format!("{out}{err}");
    assert!(
        shown.contains("E2001") || shown.contains("E2002"),
        "{shown:.2000}"
    );
    assert!(shown.len() < 4_000, "{} bytes of output", shown.len());
    // The header names the real column of the `+`.
    let column = filler.len() + "let _x = \"\" + ".len() + 1;
    assert!(
        shown.contains(&format!("long.intent:1:{column}")),
        "{shown}"
    );
    assert!(shown.contains("…"), "{shown}");
}

#[test]
fn unterminated_literals_and_blocks_are_diagnostics() {
    let cases: [(&str, &str); 4] = [
        ("intent \"a\" {\n  then body.x == \"abc\n}\n", "E0005"),
        ("let a = \"\"\"never closed\n", "E0006"),
        ("type A = string matching /abc\n", "E0007"),
        ("intent \"a\" {\n  then status == 200\n", "E0003"),
    ];
    for (text, code) in cases {
        assert_eq!(
            check_bytes("unterminated.intent", text.as_bytes()),
            (Status::Invalid, vec![code.to_string()]),
            "{text}"
        );
    }
}

#[test]
fn a_missing_file_is_a_diagnostic() {
    let dir = tempfile::tempdir().expect("temp dir");
    let (status, codes) = check_json(&dir.path().join("missing.intent"));
    assert_eq!(
        (status, codes),
        (Status::Invalid, vec!["E0031".to_string()])
    );
}

#[test]
fn an_empty_file_is_valid_with_a_warning() {
    assert_eq!(
        check_bytes("empty.intent", b""),
        (Status::Success, vec!["W0001".to_string()])
    );
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("empty.intent");
    std::fs::write(&path, "# only a comment\n").expect("write");
    let (status, _, _) = intent(&["check", "--deny-warnings", path.to_str().expect("path")]);
    assert_eq!(
        status,
        Status::Invalid,
        "--deny-warnings turns the warning into an error"
    );
}

#[test]
fn a_folder_named_like_a_spec_is_walked() {
    let dir = tempfile::tempdir().expect("temp dir");
    let folder = dir.path().join("specs.intent");
    std::fs::create_dir_all(folder.join("nested")).expect("mkdir");
    std::fs::write(folder.join("nested/a.intent"), "let _a = 1\n").expect("write");
    std::fs::write(folder.join("b.intent"), "intent \"x\" {\n  thne 1\n}\n").expect("write");
    let (status, codes) = check_json(&folder);
    assert_eq!(
        (status, codes),
        (Status::Invalid, vec!["E0011".to_string()])
    );
}

#[test]
fn imports_are_followed_and_missing_or_cyclic_imports_are_reported() {
    let dir = tempfile::tempdir().expect("temp dir");
    let root = dir.path();
    std::fs::write(
        root.join("a.intent"),
        "use \"b.intent\"\nuse \"missing.intent\"\n",
    )
    .expect("write");
    std::fs::write(root.join("b.intent"), "use \"a.intent\"\nlet x = [\n").expect("write");
    let (status, out, _) = intent(&[
        "check",
        "--format",
        "json",
        root.join("a.intent").to_str().expect("path"),
    ]);
    assert_eq!(status, Status::Invalid);
    let found: Vec<(String, String, u64)> = out
        .lines()
        .map(|l| {
            let v: serde_json::Value = serde_json::from_str(l).expect("json");
            let file = v["file"].as_str().expect("file");
            let name = Path::new(file)
                .file_name()
                .expect("name")
                .to_string_lossy()
                .into_owned();
            (
                v["code"].as_str().expect("code").to_string(),
                name,
                v["line"].as_u64().expect("line"),
            )
        })
        .collect();
    assert_eq!(
        found,
        vec![
            ("E1001".to_string(), "a.intent".to_string(), 2),
            ("E1002".to_string(), "b.intent".to_string(), 1),
            ("E0003".to_string(), "b.intent".to_string(), 2),
        ]
    );
}

#[test]
fn explain_prints_every_code_and_rejects_unknown_ones() {
    for info in intent_source::CODES {
        let (status, out, _) = intent(&["explain", info.code.as_str()]);
        assert_eq!(status, Status::Success);
        assert!(out.contains(info.code.as_str()), "{out}");
    }
    let (status, out, _) = intent(&["explain", "e0011"]);
    assert_eq!(status, Status::Success, "codes are case-insensitive");
    assert!(out.contains("E0011"));
    let (status, _, err) = intent(&["explain", "E0O11"]);
    assert_eq!(status, Status::Invalid);
    assert!(err.contains("did you mean `E0011`?"), "{err}");
}

#[test]
fn bad_command_lines_exit_2_and_help_exits_0() {
    assert_eq!(intent(&["check", "--no-such-flag"]).0, Status::Invalid);
    assert_eq!(intent(&["frobnicate"]).0, Status::Invalid);
    let (status, out, _) = intent(&["--help"]);
    assert_eq!(status, Status::Success);
    assert!(out.contains("check"));
}

#[test]
fn compile_writes_a_plan_and_the_syntax_trees() {
    let dir = tempfile::tempdir().expect("temp dir");
    let plan_path = dir.path().join("plan.json");
    let specs = intent_tests::repo_root().join("examples/shop/specs/orders.intent");
    let (status, _, err) = intent(&[
        "compile",
        specs.to_str().expect("path"),
        "--emit",
        "plan",
        "-o",
        plan_path.to_str().expect("path"),
    ]);
    assert_eq!(status, Status::Success, "{err}");
    let plan: intent_ir::Plan =
        serde_json::from_str(&std::fs::read_to_string(&plan_path).expect("plan written"))
            .expect("a plan");
    assert_eq!(plan.format, intent_ir::FORMAT);
    assert_eq!(plan.intents.len(), 4);
    assert!(
        plan.intents
            .iter()
            .all(|i| i.id.as_str().starts_with("examples/shop/specs/orders::"))
    );

    let (status, out, _) = intent(&["compile", specs.to_str().expect("path"), "--emit", "ast"]);
    assert_eq!(status, Status::Success);
    let trees: serde_json::Value = serde_json::from_str(&out).expect("JSON syntax trees");
    assert_eq!(
        trees.as_array().map(Vec::len),
        Some(2),
        "orders.intent and the common.intent it imports"
    );

    let (status, out, _) = intent(&[
        "compile",
        specs.to_str().expect("path"),
        "--emit",
        "jsonschema",
    ]);
    assert_eq!(status, Status::Success);
    let schema: serde_json::Value = serde_json::from_str(&out).expect("a JSON Schema");
    assert_eq!(schema["$defs"]["Order"]["type"], "object");

    let tests = dir.path().join("intent_specs.rs");
    let (status, _, err) = intent(&[
        "compile",
        specs.to_str().expect("path"),
        "--emit",
        "rust",
        "-o",
        tests.to_str().expect("path"),
    ]);
    assert_eq!(status, Status::Success, "{err}");
    let code = std::fs::read_to_string(&tests).expect("scaffolds written");
    assert_eq!(
        code.matches("#[test]").count(),
        4,
        "one test per intent:\n{code}"
    );
}

#[test]
fn compile_refuses_invalid_specs_without_writing() {
    let dir = tempfile::tempdir().expect("temp dir");
    let spec = dir.path().join("bad.intent");
    std::fs::write(&spec, "intent \"a\" {\n  then status == 200\n}\n").expect("write");
    let plan_path = dir.path().join("plan.json");
    let (status, _, err) = intent(&[
        "compile",
        spec.to_str().expect("path"),
        "-o",
        plan_path.to_str().expect("path"),
    ]);
    assert_eq!(status, Status::Invalid);
    assert!(err.contains("E2013"), "{err}");
    assert!(!plan_path.exists());
}

#[test]
fn run_refuses_bad_options_before_sending_anything() {
    let specs = intent_tests::repo_root().join("examples/shop/specs/catalog.intent");
    let specs = specs.to_str().expect("path");
    let cases: [(&[&str], &str); 5] = [
        (&["--report", "pdf=out.pdf"], "unknown report kind `pdf`"),
        (&["--shard", "3/2"], "K must be between 1 and N"),
        (&["--tags", "@smoke and"], "invalid tag expression"),
        (
            &["--target", "nope=http://127.0.0.1:1"],
            "the specs have no target `nope`",
        ),
        (&["--target", "shop"], "write NAME=URL"),
    ];
    for (extra, message) in cases {
        let mut args = vec!["run", specs, "--no-start"];
        args.extend_from_slice(extra);
        let (status, _, err) = intent(&args);
        assert_eq!(status, Status::Invalid, "{extra:?}: {err}");
        assert!(err.contains(message), "{extra:?}: {err}");
    }
}

#[test]
fn run_refuses_a_plan_of_another_format() {
    let dir = tempfile::tempdir().expect("temp dir");
    let plan = dir.path().join("plan.json");
    let specs = intent_tests::repo_root().join("examples/shop/specs/catalog.intent");
    let (status, _, _) = intent(&[
        "compile",
        specs.to_str().expect("path"),
        "-o",
        plan.to_str().expect("path"),
    ]);
    assert_eq!(status, Status::Success);
    let text = std::fs::read_to_string(&plan)
        .expect("plan")
        .replace("intent-plan/1", "intent-plan/0");
    std::fs::write(&plan, text).expect("write");
    let (status, _, err) = intent(&["run", "--plan", plan.to_str().expect("path"), "--no-start"]);
    assert_eq!(status, Status::Invalid);
    assert!(err.contains("has the format `intent-plan/0`"), "{err}");
    std::fs::write(&plan, "{ not json").expect("write");
    let (status, _, err) = intent(&["run", "--plan", plan.to_str().expect("path"), "--no-start"]);
    assert_eq!(status, Status::Invalid);
    assert!(err.contains("is not a plan"), "{err}");
}

#[test]
fn an_openapi_document_becomes_a_spec_skeleton_that_checks() {
    let yaml = intent_tests::repo_root().join("tests/fixtures/openapi/shop.yaml");
    let (status, spec, err) = intent(&["import", "openapi", yaml.to_str().expect("path")]);
    assert_eq!(status, Status::Success, "{err}");
    // Named types from the schemas, an intent per operation, typed responses, the bearer
    // security as a secret, TODO where the document gives no value.
    for expected in [
        "type Order {\n",
        "type Problem exact {\n",
        "  status: \"pending\" | \"paid\" | \"shipped\"\n",
        "type Sku = string matching /^[A-Z]{2}-\\d{4}$/\n",
        "secret token = env(\"API_TOKEN\")\n",
        "intent \"A shopper places an order\" @orders {\n",
        "  when POST api /orders -> Order\n    auth bearer token\n",
        "  given order_id = \"TODO\"\n  when POST api /orders/{order_id}/pay\n",
        "  then status == 202\n",
        "intent \"GET /orders\" @orders {\n  when GET api /orders -> [Order]\n",
    ] {
        assert!(spec.contains(expected), "{expected:?} in:\n{spec}");
    }
    insta::assert_snapshot!("openapi__tests__fixtures__openapi__shop.yaml", spec);

    // The same document as JSON gives the same spec; written with -o, it checks.
    let dir = tempfile::tempdir().expect("temp dir");
    let document: serde_json::Value =
        yaml_serde::from_str(&std::fs::read_to_string(&yaml).expect("the fixture")).expect("YAML");
    let json = dir.path().join("shop.json");
    std::fs::write(&json, document.to_string()).expect("write JSON");
    let written = dir.path().join("shop.intent");
    let (status, _, err) = intent(&[
        "import",
        "openapi",
        json.to_str().expect("path"),
        "-o",
        written.to_str().expect("path"),
    ]);
    assert_eq!(status, Status::Success, "{err}");
    let from_json = std::fs::read_to_string(&written).expect("written");
    assert_eq!(
        from_json.replace("shop.json", "shop.yaml"),
        spec,
        "JSON and YAML give the same spec"
    );
    let (status, _, err) = intent(&["check", written.to_str().expect("path")]);
    assert_eq!(status, Status::Success, "{err}");
}

#[test]
fn documents_that_are_not_openapi_or_swagger_are_refused_with_the_reason() {
    let dir = tempfile::tempdir().expect("temp dir");
    let cases = [
        (
            "swagger.json",
            r#"{"swagger": "1.2"}"#,
            "Swagger 1.2 is not supported",
        ),
        (
            "future.json",
            r#"{"openapi": "4.0.0"}"#,
            "OpenAPI 4.0.0 is not supported",
        ),
        (
            "plain.json",
            r#"{"paths": {}}"#,
            "not an OpenAPI or Swagger description",
        ),
        (
            "broken.yaml",
            "openapi: 3.1.0\npaths: [unclosed\n",
            "is not JSON or YAML",
        ),
        ("broken.json", "{\"openapi\": ", "is not JSON or YAML"),
    ];
    for (name, text, reason) in cases {
        let path = dir.path().join(name);
        std::fs::write(&path, text).expect("write the document");
        let (status, out, err) = intent(&["import", "openapi", path.to_str().expect("path")]);
        assert_eq!(status, Status::Invalid, "{name}: {err}");
        assert!(err.contains(reason), "{name}: {err}");
        assert!(out.is_empty(), "{name}: nothing is written: {out}");
    }
    let missing = dir.path().join("missing.yaml");
    let (status, _, err) = intent(&["import", "openapi", missing.to_str().expect("path")]);
    assert_eq!(status, Status::Invalid);
    assert!(err.contains("cannot read"), "{err}");
}

#[test]
fn fmt_lays_specs_out_in_place_and_check_only_reports() {
    let dir = tempfile::tempdir().expect("temp dir");
    let messy = dir.path().join("messy.intent");
    let text = "target shop = \"http://127.0.0.1:8080\"\n\n\n\nintent \"Up\" {\n\n      when GET shop /health\n  header \"Accept\" = \"text/plain\"   \n   then status == 200\n}";
    std::fs::write(&messy, text).expect("write the spec");
    let broken = dir.path().join("broken.intent");
    std::fs::write(&broken, "intent \"Broken\" {\n").expect("write the spec");
    let messy_path = messy.to_str().expect("path");

    let (status, out, _) = intent(&["fmt", "--check", messy_path]);
    assert_eq!(status, Status::Failed);
    assert!(out.contains("not formatted: "), "{out}");
    assert_eq!(
        std::fs::read_to_string(&messy).expect("read"),
        text,
        "--check changes nothing"
    );

    let (status, _, err) = intent(&["fmt", messy_path]);
    assert_eq!(status, Status::Success, "{err}");
    assert_eq!(
        std::fs::read_to_string(&messy).expect("read"),
        "target shop = \"http://127.0.0.1:8080\"\n\nintent \"Up\" {\n  when GET shop /health\n    header \"Accept\" = \"text/plain\"\n  then status == 200\n}\n"
    );
    assert_eq!(intent(&["fmt", "--check", messy_path]).0, Status::Success);

    let (status, _, err) = intent(&["fmt", broken.to_str().expect("path")]);
    assert_eq!(status, Status::Invalid);
    assert!(err.contains("syntax error"), "{err}");
    assert_eq!(
        std::fs::read_to_string(&broken).expect("read"),
        "intent \"Broken\" {\n"
    );
}

#[test]
fn the_help_lists_the_exit_codes() {
    let (status, out, _) = intent(&["--help"]);
    assert_eq!(status, Status::Success);
    let codes = out
        .split_once("Exit codes:")
        .expect("an exit code section")
        .1;
    for code in Status::ALL {
        assert!(
            codes.contains(&format!("\n  {}  ", code.code())),
            "{code:?} is missing from\n{out}"
        );
    }
}

#[test]
fn completions_are_printed_for_every_shell() {
    for shell in ["bash", "zsh", "fish", "powershell", "elvish"] {
        let (status, out, err) = intent(&["completions", shell]);
        assert_eq!(status, Status::Success, "{shell}: {err}");
        // Every subcommand and a long option of `run` can be completed.
        for word in ["check", "monitor", "completions", "allow-empty"] {
            assert!(out.contains(word), "{shell}: no `{word}` in\n{out}");
        }
    }
    let (status, _, err) = intent(&["completions", "tcsh"]);
    assert_eq!(status, Status::Invalid);
    assert!(err.contains("possible values"), "{err}");
}

#[test]
fn the_bash_completion_script_is_valid_bash() {
    let (_, out, _) = intent(&["completions", "bash"]);
    let dir = tempfile::tempdir().expect("temp dir");
    let script = dir.path().join("intent.bash");
    std::fs::write(&script, out).expect("write the script");
    let checked = std::process::Command::new("bash")
        .arg("-n")
        .arg(&script)
        .output()
        .expect("bash runs");
    assert!(
        checked.status.success(),
        "{}",
        String::from_utf8_lossy(&checked.stderr)
    );
}

#[test]
fn the_manual_page_is_roff_with_every_command() {
    let (status, out, err) = intent(&["man"]);
    assert_eq!(status, Status::Success, "{err}");
    assert!(out.contains(".TH intent 1"), "{out}");
    for word in ["check", "run", "monitor", "completions", "Exit codes"] {
        assert!(out.contains(word), "no `{word}` in the page");
    }
    let dir = tempfile::tempdir().expect("temp dir");
    let pages = dir.path().join("man1");
    let (status, _, err) = intent(&["man", "--dir", pages.to_str().expect("utf-8 path")]);
    assert_eq!(status, Status::Success, "{err}");
    let run = std::fs::read_to_string(pages.join("intent-run.1")).expect("a page for run");
    assert!(run.contains(".TH intent-run 1"), "{run}");
    assert!(run.contains("allow\\-empty"), "{run}");
    assert!(pages.join("intent-import-openapi.1").is_file());
}
