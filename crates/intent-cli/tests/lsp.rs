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
