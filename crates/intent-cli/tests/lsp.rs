//! `intent lsp` as an editor runs it, over standard input and output, fed malformed messages:
//! after each, the process is still running and answers the next valid request.

use serde_json::{Value, json};
use std::io::{BufRead, BufReader, Read, Write};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::Receiver;
use std::time::{Duration, Instant};

/// How long any answer may take before the test fails as a hang (not a measure of speed).
const LIMIT: Duration = Duration::from_secs(60);

struct Editor {
    child: Child,
    stdin: ChildStdin,
    messages: Receiver<Value>,
    next_id: i64,
}

impl Editor {
    fn start() -> Editor {
        let mut child = Command::new(env!("CARGO_BIN_EXE_intent"))
            .arg("lsp")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start intent lsp");
        let stdin = child.stdin.take().expect("stdin");
        let stdout = child.stdout.take().expect("stdout");
        let (tx, messages) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let mut stdout = BufReader::new(stdout);
            while let Some(message) = read_message(&mut stdout) {
                if tx.send(message).is_err() {
                    break;
                }
            }
        });
        Editor {
            child,
            stdin,
            messages,
            next_id: 0,
        }
    }

    fn send_raw(&mut self, bytes: &[u8]) {
        self.stdin.write_all(bytes).expect("the server reads");
        self.stdin.flush().expect("flush");
    }

    fn send(&mut self, message: &Value) {
        self.send_raw(&frame(message.to_string().as_bytes()));
    }

    /// Sends a request and returns its response, with every message that came before it.
    fn request(&mut self, method: &str, params: Value) -> (Value, Vec<Value>) {
        self.next_id += 1;
        let id = self.next_id;
        self.send(&json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params}));
        let mut before = Vec::new();
        loop {
            let message = self.messages.recv_timeout(LIMIT).unwrap_or_else(|_| {
                panic!("no answer to `{method}` within {LIMIT:?}: a hang or an exit")
            });
            if message["id"] == id {
                return (message, before);
            }
            before.push(message);
        }
    }

    /// Asks for the outline of a document nobody opened: a request any live server answers.
    fn still_serves(&mut self) -> Vec<Value> {
        let (answer, before) = self.request(
            "textDocument/documentSymbol",
            json!({"textDocument": {"uri": "untitled:none.intent"}}),
        );
        assert_eq!(answer["result"], json!([]), "{answer}");
        assert!(
            self.child.try_wait().expect("the child").is_none(),
            "the server exited"
        );
        before
    }
}

/// A body framed with its exact length.
fn frame(body: &[u8]) -> Vec<u8> {
    let mut framed = format!("Content-Length: {}\r\n\r\n", body.len()).into_bytes();
    framed.extend_from_slice(body);
    framed
}

/// One message from the server; `None` when its output ends.
fn read_message(input: &mut impl BufRead) -> Option<Value> {
    let mut length = None;
    loop {
        let mut line = String::new();
        if input.read_line(&mut line).ok()? == 0 {
            return None;
        }
        let line = line.trim_end();
        if line.is_empty() {
            break;
        }
        if let Some(value) = line.strip_prefix("Content-Length: ") {
            length = value.parse::<usize>().ok();
        }
    }
    let mut body = vec![0; length?];
    input.read_exact(&mut body).ok()?;
    serde_json::from_slice(&body).ok()
}

/// The codes of the JSON-RPC errors among `messages`, each with its id.
fn errors(messages: &[Value]) -> Vec<(i64, Value)> {
    messages
        .iter()
        .filter_map(|m| Some((m["error"]["code"].as_i64()?, m["id"].clone())))
        .collect()
}

/// A `didOpen` of a document whose JSON string content is `text`, raw bytes as sent.
fn did_open(uri: &str, text: &[u8]) -> Vec<u8> {
    let mut body = format!(
        r#"{{"jsonrpc":"2.0","method":"textDocument/didOpen","params":{{"textDocument":{{"uri":"{uri}","languageId":"intent","version":1,"text":""#
    )
    .into_bytes();
    body.extend_from_slice(text);
    body.extend_from_slice(br#""}}}"#);
    frame(&body)
}

#[test]
fn malformed_messages_are_answered_and_the_server_keeps_serving() {
    let mut editor = Editor::start();
    let (initialized, _) = editor.request("initialize", json!({"capabilities": {}}));
    assert_eq!(
        initialized["result"]["capabilities"]["documentSymbolProvider"],
        true
    );
    editor.send(&json!({"jsonrpc": "2.0", "method": "initialized", "params": {}}));

    let parse_error = (-32700, Value::Null);
    let invalid_request = (-32600, Value::Null);
    let cases: [(&str, Vec<u8>, (i64, Value)); 7] = [
        (
            "truncated JSON",
            frame(br#"{"jsonrpc":"2.0","id":99,"method":"textDoc"#),
            parse_error.clone(),
        ),
        ("a JSON array", frame(b"[1, 2, 3]"), invalid_request),
        (
            "a header block without Content-Length",
            b"Content-Type: application/vscode-jsonrpc; charset=utf-8\r\n\r\n{}".to_vec(),
            parse_error.clone(),
        ),
        (
            "a Content-Length that is not a number",
            b"Content-Length: twelve\r\n\r\n{\"a\": 1}".to_vec(),
            parse_error.clone(),
        ),
        (
            "a Content-Length of 10^15",
            b"Content-Length: 1000000000000000\r\n\r\n".to_vec(),
            parse_error.clone(),
        ),
        (
            "a request whose method is not a string",
            frame(br#"{"jsonrpc":"2.0","id":"x","method":7}"#),
            (-32600, json!("x")),
        ),
        (
            "JSON that is not UTF-8 outside the text",
            frame(b"{\"jsonrpc\":\xff}"),
            parse_error,
        ),
    ];
    for (what, bytes, error) in cases {
        editor.send_raw(&bytes);
        let before = editor.still_serves();
        assert_eq!(errors(&before), [error], "{what}: {before:?}");
    }

    // Text that is not valid Unicode is a diagnostic on the document.
    for (uri, text) in [
        (
            "untitled:bytes.intent",
            &b"intent \\\"Up\xff\xfe\\\" {}"[..],
        ),
        (
            "untitled:surrogate.intent",
            &br#"intent \"Up\ud800\" {}"#[..],
        ),
    ] {
        editor.send_raw(&did_open(uri, text));
        let before = editor.still_serves();
        let published: Vec<&Value> = before
            .iter()
            .filter(|m| m["method"] == "textDocument/publishDiagnostics")
            .collect();
        assert_eq!(published.len(), 1, "{before:?}");
        assert_eq!(published[0]["params"]["uri"], uri);
        let diagnostics = &published[0]["params"]["diagnostics"];
        assert_eq!(
            diagnostics.as_array().map(Vec::len),
            Some(1),
            "{diagnostics}"
        );
        assert_eq!(diagnostics[0]["code"], "E0001", "{diagnostics}");
        assert_eq!(
            diagnostics[0]["range"]["start"],
            json!({"line": 0, "character": 10}),
            "at the first replaced character: {diagnostics}"
        );
        assert_eq!(errors(&before), [], "{before:?}");
    }

    let (shutdown, _) = editor.request("shutdown", Value::Null);
    assert_eq!(shutdown["result"], Value::Null, "{shutdown}");
    editor.send(&json!({"jsonrpc": "2.0", "method": "exit"}));
    let deadline = Instant::now() + LIMIT;
    let status = loop {
        if let Some(status) = editor.child.try_wait().expect("the child") {
            break status;
        }
        assert!(
            Instant::now() < deadline,
            "no exit within {LIMIT:?}: a hang"
        );
        std::thread::sleep(Duration::from_millis(20));
    };
    let mut log = String::new();
    if let Some(mut stderr) = editor.child.stderr.take() {
        stderr.read_to_string(&mut log).expect("stderr");
    }
    assert_eq!(status.code(), Some(0), "{log}");
    // Each message is explained on standard error.
    assert_eq!(log.matches("refused a message").count(), 7, "{log}");
    assert!(
        log.contains("larger than the 67108864 bytes accepted"),
        "{log}"
    );
}

/// A project folder: `common.intent` on disk declares what `main.intent` (opened in the
/// editor, never saved) uses.
const COMMON: &str = r#"target shop = env("SHOP_URL", "http://127.0.0.1:8080")

type Sku = string matching /^[A-Z]{2}-\d{4}$/

secret token = env("SHOP_TOKEN")

dataset faq = "faq.jsonl" {
  question: string
  answer: string
}

step "a shopper {name: string} is logged in" -> string {
  when POST shop /login
  then status == 200
  yield body.token
}
"#;

const MAIN: &str = r#"use "common.intent"

let page_size = 20

intent "Items are listed" {
  given a shopper "alice" is logged in
  when GET shop /catalog
    auth bearer token
  then status == 200
  and len(body.items) == page_size
  and body.sku == missing_name
}

evaluate "Answers" over faq as case {
  when GET shop /faq -> Sku
  then status == 200
}
"#;

/// An editor with `main.intent` open in a project folder (kept alive by the returned guard).
fn editor_on_project() -> (Editor, tempfile::TempDir, String) {
    let folder = tempfile::tempdir().expect("a folder");
    std::fs::write(folder.path().join("common.intent"), COMMON).expect("write");
    std::fs::write(
        folder.path().join("faq.jsonl"),
        "{\"question\": \"q\", \"answer\": \"a\"}\n",
    )
    .expect("write");
    let uri = format!("file://{}/main.intent", folder.path().display());
    let mut editor = Editor::start();
    let (initialized, _) = editor.request("initialize", json!({"capabilities": {}}));
    let capabilities = &initialized["result"]["capabilities"];
    assert_eq!(capabilities["hoverProvider"], true, "{capabilities}");
    assert_eq!(capabilities["definitionProvider"], true, "{capabilities}");
    assert!(
        capabilities["completionProvider"].is_object(),
        "{capabilities}"
    );
    editor.send(&json!({"jsonrpc": "2.0", "method": "initialized", "params": {}}));
    editor.send(
        &json!({"jsonrpc": "2.0", "method": "textDocument/didOpen", "params": {
            "textDocument": {"uri": uri, "languageId": "intent", "version": 1, "text": MAIN}
        }}),
    );
    (editor, folder, uri)
}

/// The LSP position of the first `needle` in `MAIN`, `into` bytes into it.
fn at(needle: &str, into: u32) -> Value {
    let offset = MAIN.find(needle).expect("in MAIN");
    let line = MAIN[..offset].matches('\n').count();
    let column = offset - MAIN[..offset].rfind('\n').map_or(0, |i| i + 1);
    json!({"line": line, "character": column as u32 + into})
}

fn hover_text(editor: &mut Editor, uri: &str, position: Value) -> String {
    let (answer, _) = editor.request(
        "textDocument/hover",
        json!({"textDocument": {"uri": uri}, "position": position}),
    );
    assert_eq!(answer["error"], Value::Null, "{answer}");
    assert_eq!(answer["result"]["contents"]["kind"], "markdown", "{answer}");
    answer["result"]["contents"]["value"]
        .as_str()
        .unwrap_or_default()
        .to_string()
}

#[test]
fn hover_shows_declarations_steps_and_explanations() {
    let (mut editor, _folder, uri) = editor_on_project();

    let target = hover_text(&mut editor, &uri, at("shop /catalog", 1));
    assert!(
        target.contains(r#"target shop = env("SHOP_URL", "http://127.0.0.1:8080")"#),
        "{target}"
    );
    assert!(target.contains("defined in `common.intent:1`"), "{target}");

    let secret = hover_text(&mut editor, &uri, at("token\n", 0));
    assert!(secret.contains("secret token"), "{secret}");
    assert!(secret.contains("`SHOP_TOKEN`"), "{secret}");
    assert!(
        !secret.contains("env("),
        "only the variable's name: {secret}"
    );

    let constant = hover_text(&mut editor, &uri, at("== page_size", 5));
    assert!(constant.contains("let page_size = 20"), "{constant}");
    assert!(constant.contains("main.intent:3"), "{constant}");

    let ty = hover_text(&mut editor, &uri, at("Sku\n", 1));
    assert!(
        ty.contains(r#"type Sku = string matching /^[A-Z]{2}-\d{4}$/"#),
        "{ty}"
    );
    let dataset = hover_text(&mut editor, &uri, at("faq as", 0));
    assert!(
        dataset.contains("dataset faq = \"faq.jsonl\" {\n  question: string\n  answer: string\n}"),
        "{dataset}"
    );

    let step = hover_text(&mut editor, &uri, at("a shopper", 4));
    assert!(
        step.contains(r#"step "a shopper {name: string} is logged in" -> string"#),
        "{step}"
    );
    assert!(step.contains("common.intent:12"), "{step}");

    let unknown = hover_text(&mut editor, &uri, at("missing_name", 2));
    assert!(
        unknown.starts_with("**E1003**: a name is not defined"),
        "the `intent explain` text of the diagnostic there: {unknown}"
    );

    // Nothing to say, a position past the end, a document nobody opened: null, no error.
    for (document, position) in [
        (uri.as_str(), at("then status", 1)),
        (uri.as_str(), json!({"line": 999, "character": 999})),
        ("untitled:none.intent", json!({"line": 0, "character": 0})),
    ] {
        let (answer, _) = editor.request(
            "textDocument/hover",
            json!({"textDocument": {"uri": document}, "position": position}),
        );
        assert_eq!(answer["result"], Value::Null, "{answer}");
        assert_eq!(answer["error"], Value::Null, "{answer}");
    }
    editor.still_serves();
}

#[test]
fn definition_goes_across_imports() {
    let (mut editor, folder, uri) = editor_on_project();
    let common = format!("file://{}/common.intent", folder.path().display());
    let mut definition = |position: Value| {
        let (answer, _) = editor.request(
            "textDocument/definition",
            json!({"textDocument": {"uri": uri}, "position": position}),
        );
        assert_eq!(answer["error"], Value::Null, "{answer}");
        answer["result"].clone()
    };
    let line = |uri: &str, line: u32, start: u32, end: u32| {
        json!({"uri": uri, "range": {
            "start": {"line": line, "character": start},
            "end": {"line": line, "character": end},
        }})
    };
    let declared = [
        ("shop /catalog", 0, line(&common, 0, 7, 11), "target"),
        ("token\n", 2, line(&common, 4, 7, 12), "secret"),
        (
            "a shopper",
            0,
            line(&common, 11, 5, 44),
            "step, from its call",
        ),
        ("== page_size", 3, line(&uri, 2, 4, 13), "let"),
    ];
    for (text, nth, want, what) in declared {
        assert_eq!(definition(at(text, nth)), want, "{what}");
    }
    assert_eq!(definition(at("missing_name", 0)), Value::Null, "undeclared");
    assert_eq!(
        definition(json!({"line": 999, "character": 0})),
        Value::Null,
        "past the end"
    );
}

/// The labels of the completions at `position` of `uri`.
fn completions(editor: &mut Editor, uri: &str, position: Value) -> Vec<Value> {
    let (answer, _) = editor.request(
        "textDocument/completion",
        json!({"textDocument": {"uri": uri}, "position": position}),
    );
    assert_eq!(answer["error"], Value::Null, "{answer}");
    answer["result"].as_array().cloned().unwrap_or_default()
}

fn labels(items: &[Value]) -> Vec<&str> {
    items.iter().filter_map(|i| i["label"].as_str()).collect()
}

#[test]
fn completion_offers_keywords_names_steps_and_units() {
    let (mut editor, _folder, uri) = editor_on_project();

    // At the start of a top-level line: item keywords, and names.
    let top = completions(&mut editor, &uri, json!({"line": 1, "character": 0}));
    let top = labels(&top);
    for expected in [
        "target",
        "intent",
        "dataset",
        "shop",
        "Sku",
        "token",
        "faq",
        "page_size",
    ] {
        assert!(top.contains(&expected), "{expected} in {top:?}");
    }
    assert!(
        !top.contains(&"given"),
        "no statement at top level: {top:?}"
    );

    // At the start of a line in a block: statement keywords.
    let inside = completions(&mut editor, &uri, at("then status", 2));
    let inside = labels(&inside);
    assert!(
        inside.contains(&"given") && inside.contains(&"then"),
        "{inside:?}"
    );
    assert!(!inside.contains(&"target"), "{inside:?}");

    // After `given `: the steps as snippets replacing the call typed so far.
    let given = completions(&mut editor, &uri, at("a shopper", 5));
    let step = given
        .iter()
        .find(|i| i["label"] == "a shopper {name} is logged in")
        .unwrap_or_else(|| panic!("the step in {given:?}"));
    assert_eq!(step["insertTextFormat"], 2, "{step}");
    assert_eq!(
        step["textEdit"]["newText"], "a shopper ${1:name} is logged in",
        "{step}"
    );
    assert_eq!(
        step["textEdit"]["range"]["start"],
        at("a shopper", 0),
        "{step}"
    );

    // Right after a number: its units.
    let units = completions(&mut editor, &uri, at("20\n", 2));
    assert_eq!(
        labels(&units),
        [
            "ms", "s", "m", "h", "%", "B", "KB", "MB", "GB", "/s", "/m", "/h"
        ]
    );

    // Past the end and an unknown document: an empty list, no error.
    assert_eq!(
        completions(
            &mut editor,
            "untitled:none.intent",
            json!({"line": 0, "character": 0})
        ),
        Vec::<Value>::new()
    );
    let past = completions(&mut editor, &uri, json!({"line": 999, "character": 999}));
    assert!(labels(&past).contains(&"intent"), "{past:?}");
    editor.still_serves();
}

#[test]
fn quick_fixes_write_what_the_diagnostics_suggest() {
    let (mut editor, folder, _) = editor_on_project();
    let uri = format!("file://{}/fix.intent", folder.path().display());
    let text = "use \"common.intent\"\n\nlet page_size = 20\n\nintent \"Sized\" {\n  when GET shop /catalog\n  then duration < 5sec\n  and len(body.items) == page_sise\n}\n";
    editor.send(
        &json!({"jsonrpc": "2.0", "method": "textDocument/didOpen", "params": {
            "textDocument": {"uri": uri, "languageId": "intent", "version": 1, "text": text}
        }}),
    );
    let mut actions = |range: Value| {
        let (answer, _) = editor.request(
            "textDocument/codeAction",
            json!({"textDocument": {"uri": uri}, "range": range, "context": {"diagnostics": []}}),
        );
        assert_eq!(answer["error"], Value::Null, "{answer}");
        answer["result"].as_array().cloned().unwrap_or_default()
    };
    let fixes = actions(whole_range());
    let edits: Vec<(Value, Value)> = fixes
        .iter()
        .map(|f| {
            assert_eq!(f["kind"], "quickfix", "{f}");
            let edit = &f["edit"]["changes"][uri.as_str()][0];
            (edit["range"]["start"].clone(), edit["newText"].clone())
        })
        .collect();
    assert!(
        edits.contains(&(json!({"line": 7, "character": 25}), json!("page_size"))),
        "{fixes:?}"
    );
    assert!(
        edits.iter().any(
            |(start, new)| start["line"] == 6 && new.as_str().is_some_and(|n| n.ends_with('s'))
        ),
        "the unit: {fixes:?}"
    );
    let unit = fixes
        .iter()
        .find(|f| f["diagnostics"][0]["code"] == "E0015")
        .expect("the unit's fix");
    let edit = &unit["edit"]["changes"][uri.as_str()][0];
    let start = edit["range"]["start"]["character"]
        .as_u64()
        .unwrap_or_default() as usize;
    let end = edit["range"]["end"]["character"]
        .as_u64()
        .unwrap_or_default() as usize;
    let line = text.lines().nth(6).unwrap_or_default();
    let fixed = format!(
        "{}{}{}",
        &line[..start],
        edit["newText"].as_str().unwrap_or_default(),
        &line[end..]
    );
    assert_eq!(fixed, "  then duration < 5s", "{unit}");

    // A range away from any diagnostic, and a document nobody opened: no fixes.
    let first = json!({"start": {"line": 0, "character": 0}, "end": {"line": 0, "character": 3}});
    assert_eq!(actions(first), Vec::<Value>::new());
    let (answer, _) = editor.request(
        "textDocument/codeAction",
        json!({"textDocument": {"uri": "untitled:none.intent"}, "range": whole_range(), "context": {"diagnostics": []}}),
    );
    assert_eq!(answer["result"], json!([]), "{answer}");
}

fn whole_range() -> Value {
    json!({"start": {"line": 0, "character": 0}, "end": {"line": 99, "character": 0}})
}

#[test]
fn references_and_rename_cover_the_document_and_its_imports() {
    let (mut editor, folder, uri) = editor_on_project();
    let common = format!("file://{}/common.intent", folder.path().display());
    let place = |uri: &str, line: u32, start: u32, end: u32| {
        json!({"uri": uri, "range": {
            "start": {"line": line, "character": start},
            "end": {"line": line, "character": end},
        }})
    };

    // `shop`: declared in common.intent, used by its step and by the document.
    let (answer, _) = editor.request(
        "textDocument/references",
        json!({"textDocument": {"uri": uri}, "position": at("shop /catalog", 1),
               "context": {"includeDeclaration": true}}),
    );
    let found = answer["result"].as_array().cloned().unwrap_or_default();
    assert!(found.contains(&place(&common, 0, 7, 11)), "{answer}");
    assert!(
        found.contains(&place(&common, 12, 12, 16)),
        "the step's request: {answer}"
    );
    assert!(found.contains(&place(&uri, 6, 11, 15)), "{answer}");
    assert!(found.contains(&place(&uri, 14, 11, 15)), "{answer}");
    assert_eq!(found.len(), 4, "{answer}");
    let (answer, _) = editor.request(
        "textDocument/references",
        json!({"textDocument": {"uri": uri}, "position": at("shop /catalog", 1),
               "context": {"includeDeclaration": false}}),
    );
    assert_eq!(
        answer["result"].as_array().map(Vec::len),
        Some(3),
        "{answer}"
    );

    // Rename `page_size`: prepared on its use, renamed at its declaration and its use.
    let (prepared, _) = editor.request(
        "textDocument/prepareRename",
        json!({"textDocument": {"uri": uri}, "position": at("== page_size", 6)}),
    );
    assert_eq!(prepared["result"]["placeholder"], "page_size", "{prepared}");
    let (renamed, _) = editor.request(
        "textDocument/rename",
        json!({"textDocument": {"uri": uri}, "position": at("== page_size", 6), "newName": "per_page"}),
    );
    let edits = renamed["result"]["changes"][uri.as_str()]
        .as_array()
        .cloned()
        .unwrap_or_default();
    let mut fixed: Vec<String> = MAIN.lines().map(str::to_string).collect();
    for edit in edits.iter().rev() {
        let line = edit["range"]["start"]["line"].as_u64().unwrap_or_default() as usize;
        let start = edit["range"]["start"]["character"]
            .as_u64()
            .unwrap_or_default() as usize;
        let end = edit["range"]["end"]["character"]
            .as_u64()
            .unwrap_or_default() as usize;
        let new = edit["newText"].as_str().unwrap_or_default();
        fixed[line].replace_range(start..end, new);
    }
    assert_eq!(fixed[2], "let per_page = 20", "{renamed}");
    assert_eq!(fixed[9], "  and len(body.items) == per_page", "{renamed}");
    assert_eq!(edits.len(), 2, "{renamed}");

    // Not a name: refused. Nothing to rename: null.
    let (refused, _) = editor.request(
        "textDocument/rename",
        json!({"textDocument": {"uri": uri}, "position": at("== page_size", 6), "newName": "and"}),
    );
    assert_eq!(refused["error"]["code"], -32602, "{refused}");
    let (nothing, _) = editor.request(
        "textDocument/prepareRename",
        json!({"textDocument": {"uri": uri}, "position": at("then status", 1)}),
    );
    assert_eq!(nothing["result"], Value::Null, "{nothing}");
    let (past, _) = editor.request(
        "textDocument/references",
        json!({"textDocument": {"uri": uri}, "position": {"line": 999, "character": 9},
               "context": {"includeDeclaration": true}}),
    );
    assert_eq!(past["result"], Value::Null, "{past}");
}

/// A project whose `intent.toml` lists its specs, for the answers that reach beyond the
/// document and its imports: `lines.intent` declares, `set.intent` (open) and `other.intent`
/// (on disk only) import it.
const LINES: &str = r#"target shop = "http://127.0.0.1:8080"

type Line { sku: string, qty: int }

step "a shopper {name: string} opens a line" -> Line {
  when POST shop /lines -> Line
  yield body
}
"#;

const SET: &str = r#"use "lines.intent"

intent "Lines are read back" @smoke {
  given line = a shopper "alice" opens a line
  when GET shop /lines/1 -> Line
  then body.qty == line.qty
}
"#;

const OTHER: &str = r#"use "lines.intent"

intent "Health" @smoke @ops {
  when GET shop /health
  then status == 200
}
"#;

/// An editor with `set.intent` open in a project that lists its specs; the folder, the
/// document's URI and the folder's `file:` URI prefix.
fn editor_on_spec_set() -> (Editor, tempfile::TempDir, String, String) {
    let folder = tempfile::tempdir().expect("a folder");
    for (name, text) in [
        ("intent.toml", "specs = [\".\"]\n"),
        ("lines.intent", LINES),
        ("set.intent", SET),
        ("other.intent", OTHER),
    ] {
        std::fs::write(folder.path().join(name), text).expect("write");
    }
    let base = format!("file://{}/", folder.path().display());
    let uri = format!("{base}set.intent");
    let mut editor = Editor::start();
    editor.request("initialize", json!({"capabilities": {}}));
    editor.send(
        &json!({"jsonrpc": "2.0", "method": "textDocument/didOpen", "params": {
            "textDocument": {"uri": uri, "languageId": "intent", "version": 1, "text": SET}
        }}),
    );
    (editor, folder, uri, base)
}

impl Editor {
    /// The document now holds `text`, with `<|>` marking the cursor; the completions there as
    /// (label, detail) pairs.
    fn complete_in(&mut self, uri: &str, text: &str) -> Vec<(String, String)> {
        let offset = text.find("<|>").expect("a cursor");
        let line = text[..offset].matches('\n').count();
        let character = offset - text[..offset].rfind('\n').map_or(0, |i| i + 1);
        let text = text.replacen("<|>", "", 1);
        self.send(
            &json!({"jsonrpc": "2.0", "method": "textDocument/didChange", "params": {
                "textDocument": {"uri": uri, "version": 2}, "contentChanges": [{"text": text}]
            }}),
        );
        completions(self, uri, json!({"line": line, "character": character}))
            .iter()
            .map(|i| {
                let text = |key: &str| i[key].as_str().unwrap_or_default().to_string();
                (text("label"), text("detail"))
            })
            .collect()
    }
}

fn pairs(expected: &[(&str, &str)]) -> Vec<(String, String)> {
    expected
        .iter()
        .map(|(l, d)| (l.to_string(), d.to_string()))
        .collect()
}

#[test]
fn semantic_tokens_colour_step_calls_and_names() {
    let (mut editor, _folder, uri, _) = editor_on_spec_set();
    let (answer, _) = editor.request(
        "textDocument/semanticTokens/full",
        json!({"textDocument": {"uri": uri}}),
    );
    // Five numbers a token: line and character (relative to the token before), length, type
    // and modifiers (bits), by the legend announced in `initialize`.
    let (variable, function, parameter, namespace, ty, property) = (4, 6, 3, 0, 1, 5);
    let (declaration, response_field) = (1, 2 | 4);
    #[rustfmt::skip]
    let expected = json!([
        // given line = a shopper "alice" opens a line
        3, 8, 4, variable, declaration,
        0, 7, 1, function, 0,
        0, 2, 7, function, 0,
        0, 8, 7, parameter, 0,
        0, 8, 5, function, 0,
        0, 6, 1, function, 0,
        0, 2, 4, function, 0,
        // when GET shop /lines/1 -> Line
        1, 11, 4, namespace, 0,
        0, 17, 4, ty, 0,
        // then body.qty == line.qty
        1, 7, 4, variable, response_field,
        0, 5, 3, property, 0,
        0, 7, 4, variable, 0,
        0, 5, 3, property, 0,
    ]);
    assert_eq!(answer["result"]["data"], expected, "{answer}");
}

#[test]
fn fields_are_completed_after_a_dot_from_the_declared_type() {
    let (mut editor, _folder, uri, _) = editor_on_spec_set();
    let line = pairs(&[("sku", "string"), ("qty", "int")]);
    let typed = |line: &str| SET.replace("}\n", &format!("{line}\n}}\n"));
    assert_eq!(editor.complete_in(&uri, &typed("  and body.<|>")), line);
    assert_eq!(
        editor.complete_in(&uri, &typed("  and line.<|>")),
        line,
        "a capture"
    );
    assert_eq!(
        editor.complete_in(&uri, &typed("  and nothing.<|>")),
        pairs(&[]),
        "an unknown name: nothing"
    );
}

#[test]
fn tags_in_use_are_completed_across_the_project() {
    let (mut editor, _folder, uri, _) = editor_on_spec_set();
    assert_eq!(
        editor.complete_in(&uri, &format!("{SET}\nintent \"New\" @<|>\n")),
        pairs(&[("ops", "1 use"), ("smoke", "2 uses")])
    );
}

#[test]
fn definition_and_hover_of_a_field_and_a_capture() {
    let (mut editor, _folder, uri, base) = editor_on_spec_set();
    let (answer, _) = editor.request(
        "textDocument/definition",
        json!({"textDocument": {"uri": uri}, "position": {"line": 5, "character": 12}}),
    );
    assert_eq!(
        answer["result"],
        json!({"uri": format!("{base}lines.intent"), "range": {
            "start": {"line": 2, "character": 25}, "end": {"line": 2, "character": 28}}}),
        "`qty` of `body`, declared in `Line`"
    );
    assert_eq!(
        hover_text(&mut editor, &uri, json!({"line": 5, "character": 19})),
        "```intent\nline: Line\n```\ncapture, defined in `set.intent:4`"
    );
    let (answer, _) = editor.request(
        "textDocument/definition",
        json!({"textDocument": {"uri": uri}, "position": {"line": 5, "character": 3}}),
    );
    assert_eq!(answer["result"], Value::Null, "a keyword: {answer}");
}

#[test]
fn rename_edits_every_file_of_the_project_that_uses_the_name() {
    let (mut editor, _folder, uri, base) = editor_on_spec_set();
    let (renamed, _) = editor.request(
        "textDocument/rename",
        json!({"textDocument": {"uri": uri}, "position": {"line": 4, "character": 12},
               "newName": "store"}),
    );
    let edit = |line: u32, start: u32, end: u32| {
        json!({"range": {"start": {"line": line, "character": start},
                         "end": {"line": line, "character": end}}, "newText": "store"})
    };
    assert_eq!(
        renamed["result"],
        json!({"changes": {
            format!("{base}lines.intent"): [edit(0, 7, 11), edit(5, 12, 16)],
            format!("{base}other.intent"): [edit(3, 11, 15)],
            uri.as_str(): [edit(4, 11, 15)],
        }}),
        "{renamed}"
    );
}
