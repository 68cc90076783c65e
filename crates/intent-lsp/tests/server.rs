//! The language server over an in-memory connection, as an editor drives it: initialise, open a
//! spec with an error, fix it, format it, ask for its outline, shut down.

use lsp_server::{Connection, Message, Notification, Request, RequestId};
use serde_json::{Value, json};

struct Editor {
    connection: Connection,
    next_id: i32,
}

impl Editor {
    fn request(&mut self, method: &str, params: Value) -> Value {
        self.next_id += 1;
        let id = RequestId::from(self.next_id);
        let request = Request::new(id.clone(), method.into(), params);
        self.connection
            .sender
            .send(Message::Request(request))
            .expect("the server listens");
        loop {
            match self.connection.receiver.recv().expect("an answer") {
                Message::Response(r) if r.id == id => {
                    return r
                        .result
                        .unwrap_or_else(|| json!({"error": r.error.map(|e| e.message)}));
                }
                _ => {}
            }
        }
    }

    fn notify(&self, method: &str, params: Value) {
        let notification = Notification::new(method.into(), params);
        self.connection
            .sender
            .send(Message::Notification(notification))
            .expect("the server listens");
    }

    /// The next diagnostics the server publishes.
    fn diagnostics(&self) -> Vec<Value> {
        loop {
            if let Message::Notification(n) = self.connection.receiver.recv().expect("a message")
                && n.method == "textDocument/publishDiagnostics"
            {
                return n.params["diagnostics"]
                    .as_array()
                    .cloned()
                    .unwrap_or_default();
            }
        }
    }
}

const URI: &str = "untitled:spec.intent";

#[test]
fn an_editor_gets_diagnostics_formatting_and_an_outline() {
    let (server, client) = Connection::memory();
    let serving = std::thread::spawn(move || intent_lsp::serve(&server));
    let mut editor = Editor {
        connection: client,
        next_id: 0,
    };
    let initialized = editor.request("initialize", json!({"capabilities": {}}));
    assert_eq!(
        initialized["capabilities"]["documentFormattingProvider"],
        true
    );
    editor.notify("initialized", json!({}));

    // An unknown target, on the second line.
    let broken = "target shop = \"http://127.0.0.1:8080\"\nintent \"Up\" {\n  when GET shp /health\n  then status == 200\n}\n";
    editor.notify(
        "textDocument/didOpen",
        json!({"textDocument": {"uri": URI, "languageId": "intent", "version": 1, "text": broken}}),
    );
    let diagnostics = editor.diagnostics();
    assert_eq!(diagnostics.len(), 1, "{diagnostics:#?}");
    assert_eq!(diagnostics[0]["code"], "E1007");
    assert_eq!(diagnostics[0]["severity"], 1);
    assert_eq!(
        diagnostics[0]["range"],
        json!({"start": {"line": 2, "character": 11}, "end": {"line": 2, "character": 14}})
    );
    assert!(
        diagnostics[0]["message"]
            .as_str()
            .is_some_and(|m| m.contains("did you mean `shop`?")),
        "{diagnostics:#?}"
    );

    // Fixed, but badly laid out: no diagnostics, and formatting fixes the layout.
    let messy = "target shop = \"http://127.0.0.1:8080\"\nintent \"Up\" {\nwhen GET shop /health\n      then status == 200\n}\n";
    editor.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": URI, "version": 2}, "contentChanges": [{"text": messy}]}),
    );
    assert_eq!(editor.diagnostics(), Vec::<Value>::new());
    let edits = editor.request(
        "textDocument/formatting",
        json!({"textDocument": {"uri": URI}, "options": {"tabSize": 2, "insertSpaces": true}}),
    );
    assert_eq!(
        edits,
        json!([{
            "range": {"start": {"line": 0, "character": 0}, "end": {"line": 5, "character": 0}},
            "newText": "target shop = \"http://127.0.0.1:8080\"\nintent \"Up\" {\n  when GET shop /health\n  then status == 200\n}\n"
        }])
    );

    let outline = editor.request(
        "textDocument/documentSymbol",
        json!({"textDocument": {"uri": URI}}),
    );
    let names: Vec<&str> = outline
        .as_array()
        .map(|s| s.iter().filter_map(|s| s["name"].as_str()).collect())
        .unwrap_or_default();
    assert_eq!(
        names,
        ["target shop = \"http://127.0.0.1:8080\"", "intent \"Up\""]
    );

    let unknown = editor.request("textDocument/codeLens", json!({}));
    assert!(
        unknown["error"]
            .as_str()
            .is_some_and(|e| e.contains("not supported")),
        "{unknown}"
    );

    editor.request("shutdown", Value::Null);
    editor.notify("exit", Value::Null);
    serving
        .join()
        .expect("the server thread")
        .expect("a clean shutdown");
}

#[test]
fn an_import_open_in_the_editor_is_checked_as_the_editor_shows_it() {
    // `orders.intent` imports `common.intent`, which is open in the editor and was never saved:
    // nothing of it is on disk.
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::write(dir.path().join("intent.toml"), "").expect("a project");
    let folder = dir.path().to_string_lossy().into_owned();
    let orders = format!("file://{folder}/orders.intent");
    let common = format!("file://{folder}/common.intent");
    let (server, client) = Connection::memory();
    let serving = std::thread::spawn(move || intent_lsp::serve(&server));
    let mut editor = Editor {
        connection: client,
        next_id: 0,
    };
    editor.request("initialize", json!({"capabilities": {}}));
    let unsaved = "target shop = \"http://127.0.0.1:8080\"\n";
    editor.notify(
        "textDocument/didOpen",
        json!({"textDocument": {"uri": common, "languageId": "intent", "version": 1, "text": unsaved}}),
    );
    assert_eq!(editor.diagnostics(), Vec::<Value>::new());
    let importing = "use \"common.intent\"\n\nintent \"Up\" {\n  when GET shop /health\n  then status == 200\n}\n";
    editor.notify(
        "textDocument/didOpen",
        json!({"textDocument": {"uri": orders, "languageId": "intent", "version": 1, "text": importing}}),
    );
    assert_eq!(
        editor.diagnostics(),
        Vec::<Value>::new(),
        "the unsaved import is found, and so is its target"
    );
    // The unsaved import changes: the importing file sees the change when it is checked again.
    editor.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": common, "version": 2}, "contentChanges": [{"text": "target store = \"http://127.0.0.1:8080\"\n"}]}),
    );
    editor.diagnostics();
    editor.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": orders, "version": 2}, "contentChanges": [{"text": importing}]}),
    );
    let diagnostics = editor.diagnostics();
    assert_eq!(diagnostics.len(), 1, "{diagnostics:#?}");
    assert_eq!(diagnostics[0]["code"], "E1007");
    editor.request("shutdown", Value::Null);
    editor.notify("exit", Value::Null);
    serving
        .join()
        .expect("the server thread")
        .expect("a clean shutdown");
}

/// A project whose `intent.toml` lists its specs: `common.intent` (shared declarations),
/// `main.intent` (open in the editor) and `other.intent` (on disk only, importing `common`).
const COMMON: &str = r#"target shop = "http://127.0.0.1:8080"

type Line { sku: string, qty: int in 1..100 }

type Order {
  id: uuid
  items: [Line] nonempty
  coupon?: string
}

secret token = env("SHOP_TOKEN")

dataset faq = "faq.jsonl" {
  question: string
  team: string
}

step "a shopper {name: string} opens an order" -> Order {
  when POST shop /orders -> Order
  then status == 201
  yield body
}
"#;

const MAIN: &str = r#"use "common.intent"

let limit = 20

intent "Orders list their lines" @smoke @checkout {
  examples
    | code     |
    | "SAVE10" |
  given cart = a shopper "alice" opens an order
  when GET shop /orders/{code} -> Order as fetched
    auth bearer token
  then status == 200
  and body.items[0].qty <= limit
  and cart.id == fetched.body.id
  and every line in body.items has line.qty >= 1
}

evaluate "Answers" @smoke over faq as case {
  when POST shop /answer
    json { question: case.question }
  then body.team == case.team
}
"#;

const OTHER: &str = r#"use "common.intent"

intent "Health" @smoke {
  when GET shop /health
  then status == 200
}
"#;

/// An editor with `main.intent` open in the project; the folder lives as long as the guard.
fn on_project() -> (Editor, tempfile::TempDir, String) {
    let dir = tempfile::tempdir().expect("temp dir");
    let write = |name: &str, text: &str| {
        std::fs::write(dir.path().join(name), text).expect("write");
    };
    write("intent.toml", "specs = [\".\"]\n");
    write("common.intent", COMMON);
    write("main.intent", MAIN);
    write("other.intent", OTHER);
    write(
        "faq.jsonl",
        "{\"question\": \"q\", \"team\": \"billing\"}\n",
    );
    let uri = uri_in(&dir, "main.intent");
    let (server, client) = Connection::memory();
    std::thread::spawn(move || intent_lsp::serve(&server));
    let mut editor = Editor {
        connection: client,
        next_id: 0,
    };
    editor.request("initialize", json!({"capabilities": {}}));
    editor.notify(
        "textDocument/didOpen",
        json!({"textDocument": {"uri": uri, "languageId": "intent", "version": 1, "text": MAIN}}),
    );
    assert_eq!(
        editor.diagnostics(),
        Vec::<Value>::new(),
        "the project is valid"
    );
    (editor, dir, uri)
}

fn uri_in(dir: &tempfile::TempDir, name: &str) -> String {
    format!("file://{}/{name}", dir.path().display())
}

/// The position of the first `needle` in `text`, `into` bytes into it.
fn find(text: &str, needle: &str, into: usize) -> Value {
    let offset = text
        .find(needle)
        .unwrap_or_else(|| panic!("{needle} in the text"))
        + into;
    let line = text[..offset].matches('\n').count();
    let character = offset - text[..offset].rfind('\n').map_or(0, |i| i + 1);
    json!({"line": line, "character": character})
}

fn range(line: u32, start: u32, end: u32) -> Value {
    json!({"start": {"line": line, "character": start}, "end": {"line": line, "character": end}})
}

impl Editor {
    /// The document changed to `text`, where `<|>` marks the cursor; the completions there as
    /// (label, detail) pairs.
    fn complete(&mut self, uri: &str, text: &str) -> Vec<(String, String)> {
        let cursor = find(text, "<|>", 0);
        let text = text.replacen("<|>", "", 1);
        self.notify(
            "textDocument/didChange",
            json!({"textDocument": {"uri": uri, "version": 2}, "contentChanges": [{"text": text}]}),
        );
        self.diagnostics();
        let items = self.request(
            "textDocument/completion",
            json!({"textDocument": {"uri": uri}, "position": cursor}),
        );
        items
            .as_array()
            .cloned()
            .unwrap_or_default()
            .iter()
            .map(|i| {
                (
                    i["label"].as_str().unwrap_or_default().to_string(),
                    i["detail"].as_str().unwrap_or_default().to_string(),
                )
            })
            .collect()
    }

    fn at(&mut self, method: &str, uri: &str, position: Value) -> Value {
        self.request(
            method,
            json!({"textDocument": {"uri": uri}, "position": position}),
        )
    }
}

fn pairs(expected: &[(&str, &str)]) -> Vec<(String, String)> {
    expected
        .iter()
        .map(|(l, d)| (l.to_string(), d.to_string()))
        .collect()
}

/// `MAIN` with `line` inserted before the line that holds `before`.
fn with_line(before: &str, line: &str) -> String {
    let at = MAIN.find(before).expect("in MAIN");
    let start = MAIN[..at].rfind('\n').map_or(0, |i| i + 1);
    format!("{}{line}\n{}", &MAIN[..start], &MAIN[start..])
}

#[test]
fn fields_are_completed_from_declared_types() {
    let (mut editor, _dir, uri) = on_project();
    let order = pairs(&[
        ("id", "uuid"),
        ("items", "[Line] nonempty"),
        ("coupon", "string, optional"),
    ]);
    let line = pairs(&[("sku", "string"), ("qty", "int in 1..100")]);
    let in_intent = |typed: &str| with_line("}\n\nevaluate", typed);
    assert_eq!(
        editor.complete(&uri, &in_intent("  and body.<|>")),
        order,
        "body"
    );
    assert_eq!(
        editor.complete(&uri, &in_intent("  and body.it<|>")),
        order,
        "a field being typed"
    );
    assert_eq!(
        editor.complete(&uri, &in_intent("  and body.items[0].<|>")),
        line,
        "a list's element"
    );
    assert_eq!(
        editor.complete(&uri, &in_intent("  and cart.<|>")),
        order,
        "a capture of a step's result"
    );
    assert_eq!(
        editor.complete(&uri, &in_intent("  and fetched.body.items[1].<|>")),
        line,
        "a named response's body"
    );
    assert_eq!(
        editor.complete(&uri, &in_intent("  and fetched.<|>")),
        pairs(&[
            ("status", "int"),
            ("headers", "object"),
            ("body", "Order"),
            ("duration", "duration"),
            ("size", "size"),
        ]),
        "a named response"
    );
    assert_eq!(
        editor.complete(&uri, &in_intent("  and some l in body.items has l.<|>")),
        line,
        "a quantifier variable"
    );
    let evaluation = MAIN.replace(
        "  then body.team == case.team\n",
        "  then body.team == case.team\n  and case.<|>\n",
    );
    assert_eq!(
        editor.complete(&uri, &evaluation),
        pairs(&[("question", "string"), ("team", "string")]),
        "an evaluation's row: its dataset's columns"
    );

    // Nothing declared, nothing offered: a `json` body, a let of a number, an unknown name,
    // a field that is not a record.
    let untyped = MAIN.replace(
        "  then body.team == case.team\n",
        "  then body.team == case.team\n  and body.<|>\n",
    );
    assert_eq!(editor.complete(&uri, &untyped), pairs(&[]), "json body");
    for typed in [
        "  and limit.<|>",
        "  and nothing.<|>",
        "  and body.id.<|>",
        "  and body.nope.<|>",
    ] {
        assert_eq!(
            editor.complete(&uri, &in_intent(typed)),
            pairs(&[]),
            "{typed}"
        );
    }
}

#[test]
fn tags_in_use_are_completed_with_their_counts() {
    let (mut editor, _dir, uri) = on_project();
    let tags = pairs(&[("checkout", "1 use"), ("smoke", "3 uses")]);
    let typed = format!("{MAIN}\nintent \"New\" @<|>\n");
    assert_eq!(
        editor.complete(&uri, &typed),
        tags,
        "every file of the project"
    );
    let typed = format!("{MAIN}\nintent \"New\" @sm<|>\n");
    assert_eq!(editor.complete(&uri, &typed), tags, "a tag being typed");
    let cursor = find(&typed, "@sm<|>", 3);
    let items = editor.at("textDocument/completion", &uri, cursor);
    assert_eq!(
        items[1]["textEdit"],
        json!({"range": range(23, 14, 16), "newText": "smoke"}),
        "{items}"
    );

    // A document outside any project, with no tag: nothing.
    let folder = tempfile::tempdir().expect("temp dir");
    let alone = uri_in(&folder, "alone.intent");
    let none = "intent \"New\" @\n";
    editor.notify(
        "textDocument/didOpen",
        json!({"textDocument": {"uri": alone, "languageId": "intent", "version": 1, "text": none}}),
    );
    editor.diagnostics();
    let items = editor.at(
        "textDocument/completion",
        &alone,
        json!({"line": 0, "character": 14}),
    );
    assert_eq!(items, json!([]));
}

/// Semantic tokens decoded from their relative five-tuples: each as its text in the document,
/// its type and its modifiers, by the legend `initialize` announced.
fn decoded(text: &str, legend: &Value, data: &Value) -> Vec<(String, String, Vec<String>)> {
    let names = |key: &str| -> Vec<String> {
        legend[key]
            .as_array()
            .map(|a| {
                a.iter()
                    .filter_map(|v| v.as_str().map(str::to_string))
                    .collect()
            })
            .unwrap_or_default()
    };
    let (types, modifiers) = (names("tokenTypes"), names("tokenModifiers"));
    let numbers: Vec<usize> = data
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(|v| v.as_u64().map(|n| n as usize))
                .collect()
        })
        .unwrap_or_default();
    let lines: Vec<&str> = text.lines().collect();
    let (mut line, mut start) = (0, 0);
    numbers
        .chunks(5)
        .map(|t| {
            if t[0] > 0 {
                start = 0;
            }
            line += t[0];
            start += t[1];
            let utf16: Vec<u16> = lines[line].encode_utf16().collect();
            let word = String::from_utf16_lossy(&utf16[start..start + t[2]]);
            let set = (0..modifiers.len())
                .filter(|bit| t[4] & (1 << bit) != 0)
                .map(|bit| modifiers[bit].clone())
                .collect();
            (word, types[t[3]].clone(), set)
        })
        .collect()
}

#[test]
fn semantic_tokens_tell_names_by_what_they_are_declared_as() {
    let (server, client) = Connection::memory();
    std::thread::spawn(move || intent_lsp::serve(&server));
    let mut editor = Editor {
        connection: client,
        next_id: 0,
    };
    let initialized = editor.request("initialize", json!({"capabilities": {}}));
    let provider = &initialized["capabilities"]["semanticTokensProvider"];
    assert_eq!(provider["full"], true, "{provider}");
    let text = "target shop = \"http://127.0.0.1:8080\"\ntype Item { sku: string }\nsecret key = env(\"KEY\")\nlet limit = 2\nstep \"a cart of {n: int}\" -> Item {\n  when GET shop /items/{n} -> Item\n  yield body\n}\nintent \"Cart\" {\n  examples\n    | qty |\n    | 1   |\n  given item = a cart of 2\n  given no such step\n  when GET shop /x as r\n    auth bearer key\n  then item.sku == \"é𝄞\" and limit > qty\n  and every s in [r.status] has s == 200\n}\n";
    editor.notify(
        "textDocument/didOpen",
        json!({"textDocument": {"uri": URI, "languageId": "intent", "version": 1, "text": text}}),
    );
    editor.diagnostics();
    let tokens = editor.request(
        "textDocument/semanticTokens/full",
        json!({"textDocument": {"uri": URI}}),
    );
    let found = decoded(text, &provider["legend"], &tokens["data"]);
    let shown: Vec<String> = found
        .iter()
        .map(|(word, kind, modifiers)| format!("{word} {kind} {}", modifiers.join(",")))
        .collect();
    assert_eq!(
        shown,
        [
            "shop namespace declaration",
            "Item type declaration",
            "sku property declaration",
            "string type defaultLibrary",
            "key macro declaration,readonly",
            "env function defaultLibrary",
            "limit variable declaration,readonly",
            "n parameter declaration",
            "int type defaultLibrary",
            "Item type ",
            "shop namespace ",
            "n parameter ",
            "Item type ",
            "body variable readonly,defaultLibrary",
            "qty parameter declaration",
            "item variable declaration",
            // The call that binds: its words and its literal argument; the one that binds
            // to no step (`given no such step`) has no token.
            "a function ",
            "cart function ",
            "of function ",
            "2 parameter ",
            "shop namespace ",
            "r variable declaration",
            "key macro readonly",
            "item variable ",
            "sku property ",
            "limit variable readonly",
            "qty parameter ",
            "s variable declaration",
            "r variable ",
            "status property ",
            "s variable ",
        ]
    );
    let data: Vec<u64> = tokens["data"]
        .as_array()
        .map(|a| a.iter().filter_map(Value::as_u64).collect())
        .unwrap_or_default();
    assert_eq!(
        data[..5],
        [0, 7, 4, 0, 1],
        "`shop`: line 0, character 7, 4 long"
    );
    // `limit` after `"é𝄞"`: 29 UTF-16 units into its line (32 bytes), 17 after `sku`.
    let sku = data
        .chunks(5)
        .position(|t| t[2] == 3 && t[3] == 5 && t[4] == 0);
    let limit = &data.chunks(5).collect::<Vec<_>>()[sku.unwrap_or_default() + 1];
    assert_eq!(limit, &[0, 17, 5, 4, 2], "{data:?}");

    let unknown = editor.request(
        "textDocument/semanticTokens/full",
        json!({"textDocument": {"uri": "untitled:none.intent"}}),
    );
    assert_eq!(unknown, Value::Null, "a document nobody opened");
    let malformed = editor.request(
        "textDocument/semanticTokens/full",
        json!({"textDocument": 5}),
    );
    assert_eq!(
        malformed,
        json!({"error": "invalid parameters"}),
        "as for every request"
    );
    let again = editor.request(
        "textDocument/semanticTokens/full",
        json!({"textDocument": {"uri": URI}}),
    );
    assert_eq!(again, tokens, "and the server goes on");
}

fn hover_text(editor: &mut Editor, uri: &str, position: Value) -> String {
    let hover = editor.at("textDocument/hover", uri, position);
    hover["contents"]["value"]
        .as_str()
        .unwrap_or_default()
        .to_string()
}

#[test]
fn definition_and_hover_know_fields_locals_and_columns() {
    let (mut editor, dir, uri) = on_project();
    let common = uri_in(&dir, "common.intent");
    let place = |uri: &str, line: u32, start: u32, end: u32| json!({"uri": uri, "range": range(line, start, end)});
    let mut definition = |position: Value| editor.at("textDocument/definition", &uri, position);
    let cases = [
        (
            "qty <= limit",
            1,
            place(&common, 2, 25, 28),
            "a field, through a list's element, to its type's declaration",
        ),
        (
            "cart.id",
            2,
            place(&uri, 8, 8, 12),
            "a capture, to where it is bound",
        ),
        (
            "code} ->",
            0,
            place(&uri, 6, 6, 10),
            "an examples column used in a path, to its heading",
        ),
        (
            "question }",
            0,
            place(&common, 13, 2, 10),
            "a dataset column, from an evaluation's row",
        ),
        (
            "line.qty",
            0,
            place(&uri, 14, 12, 16),
            "a quantifier variable",
        ),
        (
            "fetched.body.id",
            3,
            place(&uri, 9, 43, 50),
            "a named response",
        ),
        (
            "GET shop /orders",
            1,
            place(&common, 4, 5, 10),
            "a request's method, to its declared response type",
        ),
        ("status == 200", 2, Value::Null, "a response field"),
        ("body.team", 6, Value::Null, "a field of `json`"),
    ];
    for (text, nth, want, what) in cases {
        assert_eq!(definition(find(MAIN, text, nth)), want, "{what}");
    }

    let hovers = [
        (
            "qty <= limit",
            0,
            "```intent\nqty: int in 1..100\n```\nfield, defined in `common.intent:3`",
        ),
        (
            "cart.id",
            0,
            "```intent\ncart: Order\n```\ncapture, defined in `main.intent:9`",
        ),
        (
            "fetched.body.id",
            3,
            "```intent\nfetched: response, body Order\n```\nnamed response, defined in `main.intent:10`",
        ),
        (
            "team\n",
            0,
            "```intent\nteam: string\n```\ndataset column, defined in `common.intent:15`",
        ),
        (
            "GET shop /orders",
            0,
            "```intent\nGET shop /orders/{code} -> Order\n```\nresponse body: `Order`\n\n```intent\ntype Order {\n  id: uuid\n  items: [Line] nonempty\n  coupon?: string\n}\n```\ntype, defined in `common.intent:5`",
        ),
        (
            "POST shop /answer",
            0,
            "```intent\nPOST shop /answer\n```\nno declared response type: `body` is `json`",
        ),
        // Nothing to say about a response field read on its own.
        ("status == 200", 0, ""),
    ];
    for (text, nth, want) in hovers {
        assert_eq!(
            hover_text(&mut editor, &uri, find(MAIN, text, nth)),
            want,
            "{text}"
        );
    }
}

#[test]
fn references_and_rename_reach_the_files_that_import_the_declaration() {
    let (mut editor, dir, uri) = on_project();
    let common = uri_in(&dir, "common.intent");
    let other = uri_in(&dir, "other.intent");
    let place = |uri: &str, line: u32, start: u32, end: u32| json!({"uri": uri, "range": range(line, start, end)});
    // From main.intent, `shop` is also found in other.intent, which imports common.intent
    // and is neither open nor imported by main.intent.
    let found = editor.request(
        "textDocument/references",
        json!({"textDocument": {"uri": uri}, "position": find(MAIN, "shop /answer", 0),
               "context": {"includeDeclaration": true}}),
    );
    let mut expected = vec![
        place(&common, 0, 7, 11),
        place(&common, 18, 12, 16),
        place(&uri, 9, 11, 15),
        place(&uri, 18, 12, 16),
        place(&other, 3, 11, 15),
    ];
    let mut found = found.as_array().cloned().unwrap_or_default();
    let key = |v: &Value| v.to_string();
    found.sort_by_key(key);
    expected.sort_by_key(key);
    assert_eq!(found, expected);

    // Renamed from common.intent, open in the editor: every file that uses it changes.
    editor.notify(
        "textDocument/didOpen",
        json!({"textDocument": {"uri": common, "languageId": "intent", "version": 1, "text": COMMON}}),
    );
    editor.diagnostics();
    let renamed = editor.request(
        "textDocument/rename",
        json!({"textDocument": {"uri": common}, "position": find(COMMON, "shop =", 0), "newName": "store"}),
    );
    let edit = |line: u32, start: u32, end: u32| json!({"range": range(line, start, end), "newText": "store"});
    assert_eq!(
        renamed,
        json!({"changes": {
            common.as_str(): [edit(0, 7, 11), edit(18, 12, 16)],
            uri.as_str(): [edit(9, 11, 15), edit(18, 12, 16)],
            other.as_str(): [edit(3, 11, 15)],
        }})
    );

    // A step parameter is not a declared name: nothing to rename, nothing referenced.
    let position = find(COMMON, "name: string", 0);
    let nothing = editor.at("textDocument/prepareRename", &common, position.clone());
    assert_eq!(nothing, Value::Null);
    let nothing = editor.request(
        "textDocument/references",
        json!({"textDocument": {"uri": common}, "position": position,
               "context": {"includeDeclaration": true}}),
    );
    assert_eq!(nothing, Value::Null);
}
