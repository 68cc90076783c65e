//! The language server behind `intent lsp`: an editor gets the diagnostics of `intent check`
//! as the user types (with the files the spec imports: open in the editor, saved or not, or
//! else read from disk), `intent fmt` as
//! document formatting, the items of a spec as its outline, hover (what a name, field, step
//! call or request is declared as, what a diagnostic's code means), go to definition across
//! imports (also of fields, captures and columns), completion (keywords, names, steps as
//! snippets, units, the fields of a declared type after `.`, the tags in use after `@`), quick
//! fixes for diagnostics that suggest a name, find references and rename across the project's
//! spec set, and semantic tokens (step calls that bind, names by what they are declared as).
//!
//! The server speaks the Language Server Protocol over any [`Connection`]: [`connect`] makes
//! one over byte streams (standard input and output for an editor) that survives malformed
//! messages (see [`framing`]); the tests also use lsp-server's connection in memory. Documents
//! are synced as full text.

mod code_action;
mod completion;
mod definition;
pub mod framing;
mod hover;
mod position;
mod references;
mod scope;
mod semantic_tokens;
mod symbols;
mod transport;

use framing::INVALID_TEXT;
use intent_check::{Checked, Keep};
use intent_project::{Overlays, Project};
use intent_source::{Diagnostic, FileId, Severity, Span, code};
use lsp_server::{Connection, ErrorCode, Message, Notification, Request, Response};
use lsp_types::{
    CodeActionParams, CompletionParams, DidChangeTextDocumentParams, DidCloseTextDocumentParams,
    DidOpenTextDocumentParams, DocumentFormattingParams, DocumentSymbolParams,
    GotoDefinitionParams, HoverParams, ReferenceParams, RenameParams, SemanticTokensParams,
    TextDocumentPositionParams,
};
use position::Positions;
use serde_json::{Value, json};
use std::collections::HashMap;
use std::path::PathBuf;

pub use transport::{Io, connect};

/// What the server can do, as it tells the editor in `initialize`.
pub fn capabilities() -> Value {
    json!({
        "textDocumentSync": 1,
        "documentFormattingProvider": true,
        "documentSymbolProvider": true,
        "hoverProvider": true,
        "definitionProvider": true,
        // Only `.` (fields) and `@` (tags) trigger completion: a space is typed all through
        // prose step calls, and the editor asks anyway as a word is typed.
        "completionProvider": {"triggerCharacters": [".", "@"]},
        "codeActionProvider": {"codeActionKinds": ["quickfix"]},
        "referencesProvider": true,
        "renameProvider": {"prepareProvider": true},
        "semanticTokensProvider": {"legend": semantic_tokens::legend(), "full": true},
    })
}

/// Why the server stopped other than by `shutdown` and `exit`, or the end of its input.
#[derive(Debug, thiserror::Error)]
pub enum ServeError {
    #[error("the editor went away")]
    Disconnected,
    #[error("the editor broke the shutdown sequence: {0}")]
    Shutdown(lsp_server::ProtocolError),
}

/// An open document: its text, and what was wrong with it when the editor sent text that is
/// not valid Unicode (repaired by the reader, see [`framing::INVALID_TEXT`]).
#[derive(Debug)]
struct Document {
    text: String,
    invalid: Option<String>,
}

/// Answers `initialize`, then serves until the editor asks it to shut down or its input ends.
pub fn serve(connection: &Connection) -> Result<(), ServeError> {
    if !initialize(connection)? {
        return Ok(());
    }
    let mut documents: HashMap<String, Document> = HashMap::new();
    for message in &connection.receiver {
        match message {
            Message::Request(request) => {
                let shutdown = connection
                    .handle_shutdown(&request)
                    .map_err(ServeError::Shutdown)?;
                if shutdown {
                    return Ok(());
                }
                let response = answer(&documents, request);
                send(connection, Message::Response(response))?;
            }
            Message::Notification(notification) => {
                if notification.method == "exit" {
                    return Ok(());
                }
                if let Some(uri) = update(&mut documents, notification) {
                    let diagnostics = documents
                        .get(&uri)
                        .map_or_else(Vec::new, |document| diagnose(&uri, document, &documents));
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

/// Waits for `initialize` and answers it; false when the editor left first. Until then other
/// requests get `ServerNotInitialized` and notifications are dropped, as the protocol says;
/// `initialized` is not waited for (lsp-server's `initialize` ends the connection when
/// anything else comes first).
fn initialize(connection: &Connection) -> Result<bool, ServeError> {
    for message in &connection.receiver {
        match message {
            Message::Request(request) if request.method == "initialize" => {
                let result = json!({"capabilities": capabilities()});
                send(connection, Response::new_ok(request.id, result).into())?;
                return Ok(true);
            }
            Message::Request(request) => {
                let refused = Response::new_err(
                    request.id,
                    ErrorCode::ServerNotInitialized as i32,
                    "the server is not initialised yet".into(),
                );
                send(connection, refused.into())?;
            }
            Message::Notification(n) if n.method == "exit" => return Ok(false),
            Message::Notification(_) | Message::Response(_) => {}
        }
    }
    Ok(false)
}

fn send(connection: &Connection, message: Message) -> Result<(), ServeError> {
    connection
        .sender
        .send(message)
        .map_err(|_| ServeError::Disconnected)
}

/// Applies a document notification; returns the document whose diagnostics changed.
fn update(documents: &mut HashMap<String, Document>, notification: Notification) -> Option<String> {
    let invalid = notification
        .params
        .get(INVALID_TEXT)
        .and_then(Value::as_str)
        .map(str::to_string);
    match notification.method.as_str() {
        "textDocument/didOpen" => {
            let params: DidOpenTextDocumentParams =
                notification.extract("textDocument/didOpen").ok()?;
            let uri = params.text_document.uri.as_str().to_string();
            let text = params.text_document.text;
            documents.insert(uri.clone(), Document { text, invalid });
            Some(uri)
        }
        "textDocument/didChange" => {
            let params: DidChangeTextDocumentParams =
                notification.extract("textDocument/didChange").ok()?;
            let uri = params.text_document.uri.as_str().to_string();
            // Full sync: the last change holds the whole text.
            let text = params.content_changes.into_iter().last()?.text;
            documents.insert(uri.clone(), Document { text, invalid });
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

fn answer(documents: &HashMap<String, Document>, request: Request) -> Response {
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
        "textDocument/hover" => request
            .extract::<HoverParams>("textDocument/hover")
            .ok()
            .map(|(_, p)| {
                at_position(
                    documents,
                    &p.text_document_position_params,
                    |checked, _, at| hover::hover(checked, at),
                )
            }),
        "textDocument/completion" => request
            .extract::<CompletionParams>("textDocument/completion")
            .ok()
            .map(|(_, p)| {
                let at = &p.text_document_position;
                let text = documents
                    .get(at.text_document.uri.as_str())
                    .map(|d| &d.text);
                match text {
                    Some(text) => at_position(documents, at, |checked, uri, offset| {
                        completion::completion(&checked.loaded, text, offset, || {
                            load_project(uri, documents)
                        })
                    }),
                    None => json!([]),
                }
            }),
        "textDocument/codeAction" => request
            .extract::<CodeActionParams>("textDocument/codeAction")
            .ok()
            .map(|(_, p)| code_actions(documents, &p)),
        "textDocument/references" => request
            .extract::<ReferenceParams>("textDocument/references")
            .ok()
            .map(|(_, p)| {
                let declaration = p.context.include_declaration;
                at_position(documents, &p.text_document_position, |checked, uri, at| {
                    let project = load_project(uri, documents);
                    references::references(&checked.loaded, project.as_ref(), uri, at, declaration)
                })
            }),
        "textDocument/prepareRename" => request
            .extract::<TextDocumentPositionParams>("textDocument/prepareRename")
            .ok()
            .map(|(_, p)| {
                at_position(documents, &p, |checked, _, at| {
                    references::prepare_rename(&checked.loaded, at)
                })
            }),
        "textDocument/rename" => {
            let Ok((_, p)) = request.extract::<RenameParams>("textDocument/rename") else {
                return invalid(id);
            };
            let mut refused = None;
            let edit = at_position(documents, &p.text_document_position, |checked, uri, at| {
                let project = load_project(uri, documents);
                references::rename(&checked.loaded, project.as_ref(), uri, at, &p.new_name)
                    .unwrap_or_else(|problem| {
                        refused = Some(problem);
                        Value::Null
                    })
            });
            return match refused {
                Some(problem) => Response::new_err(id, ErrorCode::InvalidParams as i32, problem),
                None => Response::new_ok(id, edit),
            };
        }
        "textDocument/semanticTokens/full" => request
            .extract::<SemanticTokensParams>("textDocument/semanticTokens/full")
            .ok()
            .map(|(_, p)| {
                let uri = p.text_document.uri.as_str();
                match documents.get(uri).filter(|d| d.invalid.is_none()) {
                    Some(document) => check_document(uri, document, documents, Keep::Plan)
                        .map_or(Value::Null, |checked| {
                            semantic_tokens::semantic_tokens(&checked.loaded)
                        }),
                    None => Value::Null,
                }
            }),
        "textDocument/definition" => request
            .extract::<GotoDefinitionParams>("textDocument/definition")
            .ok()
            .map(|(_, p)| {
                at_position(
                    documents,
                    &p.text_document_position_params,
                    |checked, uri, at| definition::definition(&checked.loaded, uri, at),
                )
            }),
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
        None => invalid(id),
    }
}

fn invalid(id: lsp_server::RequestId) -> Response {
    Response::new_err(
        id,
        ErrorCode::InvalidParams as i32,
        "invalid parameters".into(),
    )
}

/// Checks an open document and answers a request about one of its positions with `answer`
/// (given the check, the document's URI and the byte offset); null for a document that is not
/// open, or not valid text, or whose project cannot be read.
fn at_position(
    documents: &HashMap<String, Document>,
    at: &TextDocumentPositionParams,
    answer: impl FnOnce(&Checked, &str, usize) -> Value,
) -> Value {
    let uri = at.text_document.uri.as_str();
    let Some(document) = documents.get(uri).filter(|d| d.invalid.is_none()) else {
        return Value::Null;
    };
    // Answers about positions look into intents' bodies (step calls, names used), so the
    // check keeps every syntax tree.
    let Ok(checked) = check_document(uri, document, documents, Keep::Plan) else {
        return Value::Null;
    };
    let offset = Positions::new(&document.text).offset(at.position.line, at.position.character);
    answer(&checked, uri, offset)
}

/// The quick fixes for the requested range of an open document; none for a document that is
/// not open or not valid text.
fn code_actions(documents: &HashMap<String, Document>, params: &CodeActionParams) -> Value {
    let uri = params.text_document.uri.as_str();
    let Some(document) = documents.get(uri).filter(|d| d.invalid.is_none()) else {
        return json!([]);
    };
    let Ok(checked) = check_document(uri, document, documents, Keep::Diagnostics) else {
        return json!([]);
    };
    let positions = Positions::new(&document.text);
    let (start, end) = (params.range.start, params.range.end);
    let range =
        positions.offset(start.line, start.character)..positions.offset(end.line, end.character);
    code_action::quick_fixes(&checked, uri, &document.text, range)
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

/// The diagnostics of `intent check` that fall in the document, as LSP diagnostics. The
/// documents open in the editor stand in for their files on disk, so an import that is open
/// and unsaved is checked as the editor shows it.
fn diagnose(uri: &str, document: &Document, open: &HashMap<String, Document>) -> Vec<Value> {
    let text = &document.text;
    if let Some(problem) = &document.invalid {
        return vec![invalid_text(text, problem)];
    }
    let checked = match check_document(uri, document, open, Keep::Diagnostics) {
        Ok(checked) => checked,
        Err(problem) => return vec![project_problem(text, &problem)],
    };
    let positions = Positions::new(text);
    checked
        .diagnostics
        .iter()
        .filter(|d| d.labels.first().is_some_and(|l| l.file == FileId(0)))
        .map(|d| lsp_diagnostic(d, &positions))
        .collect()
}

/// Checks a document as `intent check` checks its file, with the documents open in the
/// editor standing in for their files; the document is the check's first file (`FileId(0)`).
/// Diagnostics after every change keep no intent's tree (`Keep::Diagnostics`), so a large
/// document costs a small multiple of its size; answers about a position keep them all.
/// Fails with the problem of a project file that cannot be read.
fn check_document(
    uri: &str,
    document: &Document,
    open: &HashMap<String, Document>,
    keep: Keep,
) -> Result<Checked, String> {
    let path = intent_project::absolute(&path_of(uri));
    let mut overlays = overlays(open);
    overlays.insert(path.clone(), document.text.clone());
    let project =
        Project::discover(std::slice::from_ref(&path), false).map_err(|e| e.to_string())?;
    let tree = project.tree(std::slice::from_ref(&path), &overlays);
    Ok(intent_check::check_keeping(&tree, keep))
}

/// The documents open in the editor (as valid text), by the path of their files.
fn overlays(open: &HashMap<String, Document>) -> Overlays {
    open.iter()
        .filter(|(u, d)| u.starts_with("file://") && d.invalid.is_none())
        .map(|(u, d)| (intent_project::absolute(&path_of(u)), d.text.clone()))
        .collect()
}

/// The spec set of the document's project, as `intent check` with no arguments reads it (the
/// `specs` of `intent.toml`) with the open documents over their files, parsed and not checked:
/// references and rename look for the files that import the document, and completion for the
/// tags in use. `None` without a project that lists its specs.
fn load_project(uri: &str, open: &HashMap<String, Document>) -> Option<intent_check::Loaded> {
    let path = intent_project::absolute(&path_of(uri));
    let project = Project::discover(std::slice::from_ref(&path), false).ok()?;
    let specs = project.default_specs();
    if specs.is_empty() {
        return None;
    }
    Some(intent_check::load(&project.tree(&specs, &overlays(open))))
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

/// A project file (`intent.toml`) that cannot be read is said at the start of the document:
/// nothing can be checked without it.
fn project_problem(text: &str, problem: &str) -> Value {
    let diagnostic = Diagnostic::new(
        code::UNREADABLE_FILE,
        format!("the project cannot be read: {problem}"),
        FileId(0),
        Span::at(0),
    )
    .with_help("fix intent.toml; the editor checks the spec again when it changes");
    lsp_diagnostic(&diagnostic, &Positions::new(text))
}

/// Text that is not valid Unicode is reported as `intent check` reports a file that is not
/// UTF-8: one `E0001` at the first replaced character, and nothing else, since what the text
/// was meant to say is unknown.
fn invalid_text(text: &str, problem: &str) -> Value {
    let at = text.find('\u{FFFD}').unwrap_or(0);
    let diagnostic = Diagnostic::new(
        code::NOT_UTF8,
        format!("the document is not valid UTF-8 text: {problem}"),
        FileId(0),
        Span::new(at, at + text[at..].chars().next().map_or(0, char::len_utf8)),
    )
    .with_help("save the file as UTF-8; spec files are text");
    lsp_diagnostic(&diagnostic, &Positions::new(text))
}

/// One edit replacing the whole document with its formatted text; none when it is formatted
/// already or cannot be formatted (syntax errors, which the diagnostics show).
fn formatting(document: Option<&Document>) -> Value {
    let Some(Document {
        text,
        invalid: None,
    }) = document
    else {
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
fn symbols(document: Option<&Document>) -> Value {
    let Some(Document { text, .. }) = document else {
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
