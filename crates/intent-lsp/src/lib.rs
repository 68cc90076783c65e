//! The language server behind `intent lsp`: an editor gets the diagnostics of `intent check`
//! as the user types (with the files the spec imports read from disk), `intent fmt` as
//! document formatting, and the items of a spec as its outline.
//!
//! The server speaks the Language Server Protocol over any [`Connection`] (standard input and
//! output for an editor, memory for the tests), with full-text document sync.

mod position;

use intent_source::{Diagnostic, FileId, Severity};
use lsp_server::{Connection, ErrorCode, Message, Notification, Request, Response};
use lsp_types::{
    DidChangeTextDocumentParams, DidCloseTextDocumentParams, DidOpenTextDocumentParams,
    DocumentFormattingParams, DocumentSymbolParams,
};
use position::Positions;
use serde_json::{Value, json};
use std::collections::HashMap;
use std::path::PathBuf;

/// What the server can do, as it tells the editor in `initialize`.
pub fn capabilities() -> Value {
    json!({
        "textDocumentSync": 1,
        "documentFormattingProvider": true,
        "documentSymbolProvider": true,
    })
}

/// Why the server stopped other than by `shutdown` and `exit`.
#[derive(Debug)]
pub struct ServeError(pub String);

impl std::fmt::Display for ServeError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for ServeError {}

/// Answers `initialize`, then serves until the editor asks it to shut down.
pub fn serve(connection: &Connection) -> Result<(), ServeError> {
    connection
        .initialize(capabilities())
        .map_err(|e| ServeError(format!("the editor did not initialise: {e}")))?;
    let mut documents: HashMap<String, String> = HashMap::new();
    for message in &connection.receiver {
        match message {
            Message::Request(request) => {
                let shutdown = connection
                    .handle_shutdown(&request)
                    .map_err(|e| ServeError(e.to_string()))?;
                if shutdown {
                    return Ok(());
                }
                let response = answer(&documents, request);
                send(connection, Message::Response(response))?;
            }
            Message::Notification(notification) => {
                if let Some(uri) = update(&mut documents, notification) {
                    let diagnostics = documents
                        .get(&uri)
                        .map_or_else(Vec::new, |text| diagnose(&uri, text));
                    let params = json!({"uri": uri, "diagnostics": diagnostics});
                    let publish =
                        Notification::new("textDocument/publishDiagnostics".into(), params);
                    send(connection, Message::Notification(publish))?;
                }
            }
            Message::Response(_) => {}
        }
    }
    Ok(())
}

fn send(connection: &Connection, message: Message) -> Result<(), ServeError> {
    connection
        .sender
        .send(message)
        .map_err(|e| ServeError(format!("the editor went away: {e}")))
}

/// Applies a document notification; returns the document whose diagnostics changed.
fn update(documents: &mut HashMap<String, String>, notification: Notification) -> Option<String> {
    match notification.method.as_str() {
        "textDocument/didOpen" => {
            let params: DidOpenTextDocumentParams =
                notification.extract("textDocument/didOpen").ok()?;
            let uri = params.text_document.uri.as_str().to_string();
            documents.insert(uri.clone(), params.text_document.text);
            Some(uri)
        }
        "textDocument/didChange" => {
            let params: DidChangeTextDocumentParams =
                notification.extract("textDocument/didChange").ok()?;
            let uri = params.text_document.uri.as_str().to_string();
            // Full sync: the last change holds the whole text.
            let text = params.content_changes.into_iter().last()?.text;
            documents.insert(uri.clone(), text);
            Some(uri)
        }
        "textDocument/didClose" => {
            let params: DidCloseTextDocumentParams =
                notification.extract("textDocument/didClose").ok()?;
            let uri = params.text_document.uri.as_str().to_string();
            documents.remove(&uri);
            Some(uri)
        }
        _ => None,
    }
}

fn answer(documents: &HashMap<String, String>, request: Request) -> Response {
    let id = request.id.clone();
    let result = match request.method.as_str() {
        "textDocument/formatting" => request
            .extract::<DocumentFormattingParams>("textDocument/formatting")
            .ok()
            .map(|(_, p)| formatting(documents.get(p.text_document.uri.as_str()))),
        "textDocument/documentSymbol" => request
            .extract::<DocumentSymbolParams>("textDocument/documentSymbol")
            .ok()
            .map(|(_, p)| symbols(documents.get(p.text_document.uri.as_str()))),
        _ => {
            return Response::new_err(
                id,
                ErrorCode::MethodNotFound as i32,
                format!("`{}` is not supported", request.method),
            );
        }
    };
    match result {
        Some(value) => Response::new_ok(id, value),
        None => Response::new_err(
            id,
            ErrorCode::InvalidParams as i32,
            "invalid parameters".into(),
        ),
    }
}

/// The path a document is checked as: its file for a `file:` URI (so its imports resolve and
/// its project root is found), else a name in the current folder.
fn path_of(uri: &str) -> PathBuf {
    match uri.strip_prefix("file://") {
        Some(path) => PathBuf::from(
            percent_encoding::percent_decode_str(path)
                .decode_utf8_lossy()
                .into_owned(),
        ),
        None => std::env::current_dir()
            .unwrap_or_default()
            .join("untitled.intent"),
    }
}

/// The diagnostics of `intent check` that fall in the document, as LSP diagnostics.
fn diagnose(uri: &str, text: &str) -> Vec<Value> {
    let loaded = intent_check::load_text(&path_of(uri), text.to_string());
    let checked = intent_check::check(&loaded, &intent_check::CheckOptions::default());
    let positions = Positions::new(text);
    checked
        .diagnostics
        .iter()
        .filter(|d| d.labels.first().is_some_and(|l| l.file == FileId(0)))
        .map(|d| lsp_diagnostic(d, &positions))
        .collect()
}

fn lsp_diagnostic(diagnostic: &Diagnostic, positions: &Positions<'_>) -> Value {
    let span = diagnostic
        .labels
        .first()
        .map(|l| l.span)
        .unwrap_or_default();
    let mut message = diagnostic.message.clone();
    if let Some(help) = &diagnostic.help {
        message.push_str("\nhelp: ");
        message.push_str(help);
    }
    json!({
        "range": positions.range(span.range()),
        "severity": if diagnostic.severity == Severity::Error { 1 } else { 2 },
        "code": diagnostic.code.as_str(),
        "source": "intent",
        "message": message,
    })
}

/// One edit replacing the whole document with its formatted text; none when it is formatted
/// already or cannot be formatted (syntax errors, which the diagnostics show).
fn formatting(text: Option<&String>) -> Value {
    let Some(text) = text else {
        return json!([]);
    };
    match intent_syntax::format(text) {
        Ok(formatted) if formatted != *text => {
            let positions = Positions::new(text);
            json!([{"range": positions.range(0..text.len()), "newText": formatted}])
        }
        _ => json!([]),
    }
}

/// The top-level items, each named by its first line (`intent "Title" @tag`).
fn symbols(text: Option<&String>) -> Value {
    let Some(text) = text else {
        return json!([]);
    };
    let parsed = intent_syntax::parse(FileId(0), text);
    let positions = Positions::new(text);
    let symbols: Vec<Value> = parsed
        .file
        .items
        .iter()
        .map(|item| {
            let span = item.span();
            let source = text.get(span.range()).unwrap_or_default();
            let first = source.lines().next().unwrap_or_default();
            let name = first.trim().trim_end_matches('{').trim_end();
            let keyword = name.split_whitespace().next().unwrap_or_default();
            let range = positions.range(span.range());
            json!({
                "name": name,
                "kind": symbol_kind(keyword),
                "range": range,
                "selectionRange": positions.range(span.range().start..span.range().start + first.len()),
            })
        })
        .collect();
    json!(symbols)
}

/// The LSP symbol kind of an item keyword.
fn symbol_kind(keyword: &str) -> u32 {
    match keyword {
        "spec" | "use" => 2,       // module
        "target" => 3,             // namespace
        "let" | "secret" => 14,    // constant
        "type" => 23,              // struct
        "step" => 12,              // function
        "intent" => 6,             // method
        "dataset" => 1,            // file
        "evaluate" | "load" => 24, // event
        "policy" => 11,            // interface
        "monitor" => 19,           // object
        _ => 13,                   // variable
    }
}
