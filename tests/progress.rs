//! The progress display of `intent run`, as a terminal shows it: the real command runs under a
//! pseudo-terminal (util-linux `script`), and what it drew is read back. With standard error
//! piped instead, nothing is drawn. No assertion depends on how long anything took.

use intent_tests::child::{CHILD, CHILD_ARGS, child_command, finish};
use intent_tests::harness::shop_url;
use std::process::{Command, Stdio};

#[test]
fn child_process() {
    intent_tests::child::play();
}

/// `intent run` of the example shop's load block (3 seconds at 50/s) against the shop served by
/// this test process.
fn load_run_args() -> Vec<String> {
    [
        "run",
        "--no-start",
        "--target",
        &format!("shop={}", shop_url()),
        "--id",
        "examples/shop/specs/load::the-catalog-holds-steady-traffic",
    ]
    .map(str::to_string)
    .to_vec()
}

/// Single-quoted for `sh`.
fn quoted(word: &str) -> String {
    format!("'{}'", word.replace('\'', r"'\''"))
}

#[test]
fn a_load_block_shows_its_rate_and_time_on_a_terminal() {
    let command = child_command()
        .iter()
        .map(|w| quoted(w))
        .collect::<Vec<_>>()
        .join(" ");
    let args = serde_json::to_string(&load_run_args()).expect("arguments");
    // -q: no start and end lines, -f: flush as it comes, -e: the command's exit status.
    let child = Command::new("script")
        .args(["-q", "-f", "-e", "-c", &command, "/dev/null"])
        .env(CHILD, "intent")
        .env(CHILD_ARGS, args)
        .env("COLUMNS", "120")
        .env("TERM", "xterm")
        .current_dir(intent_tests::repo_root())
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("util-linux `script` runs");
    let (code, drawn, _) = finish(child);
    assert_eq!(code, 0, "{drawn}");
    for text in [
        "The catalog holds steady",
        "s elapsed",
        "s left",
        "req/s",
        "0 errors",
        "items",
    ] {
        assert!(
            drawn.contains(text),
            "no {text:?} in what was drawn:\n{drawn}"
        );
    }
    assert!(drawn.contains("run passed"), "{drawn}");
}

#[test]
fn nothing_is_drawn_when_standard_error_is_not_a_terminal() {
    let args: Vec<String> = load_run_args();
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let child = intent_tests::child::spawn_intent(&intent_tests::repo_root(), &args, &[]);
    let (code, out, err) = finish(child);
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.contains("run passed"), "{out}");
    for text in ["req/s", "items", "\r", "\u{1b}["] {
        assert!(!err.contains(text), "{text:?} was drawn:\n{err}");
    }
}
