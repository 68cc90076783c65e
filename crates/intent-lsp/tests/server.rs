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
