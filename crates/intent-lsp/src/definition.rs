//! Go to definition: from a name to the item that declares it, from a step call to its step,
//! in the document or in any file it imports.

use crate::position::Positions;
use crate::symbols::{self, Found};
use intent_check::Loaded;
use intent_source::{FileId, Span};
use percent_encoding::{AsciiSet, CONTROLS, utf8_percent_encode};
use serde_json::{Value, json};

/// What a path's characters are escaped from in a `file:` URI.
const PATH: &AsciiSet = &CONTROLS
    .add(b' ')
    .add(b'"')
    .add(b'#')
    .add(b'%')
    .add(b'<')
    .add(b'>')
    .add(b'?')
    .add(b'`')
    .add(b'{')
    .add(b'}');

/// The location of what is at a byte offset of the document (`uri`); null when there is none.
pub fn definition(loaded: &Loaded, uri: &str, offset: usize) -> Value {
    let (file, span) = match symbols::at(loaded, offset) {
        Some(Found::Declared(declaration)) => (declaration.file, declaration.name.span),
        Some(Found::Call(call)) => match call.definition {
            Some((file, def)) => (file, def.pattern.span),
            None => return Value::Null,
        },
        None => return Value::Null,
    };
    json!({"uri": uri_of(loaded, file, uri), "range": range(loaded, file, span)})
}

/// The URI of a file: the document's own, else the `file:` URI of its path.
pub fn uri_of(loaded: &Loaded, file: FileId, document: &str) -> String {
    if file == symbols::DOCUMENT {
        return document.to_string();
    }
    let path = loaded.files[file.0 as usize]
        .path
        .to_string_lossy()
        .replace('\\', "/");
    let slash = if path.starts_with('/') { "" } else { "/" };
    format!("file://{slash}{}", utf8_percent_encode(&path, PATH))
}

fn range(loaded: &Loaded, file: FileId, span: Span) -> Value {
    Positions::new(loaded.sources.get(file).text()).range(span.range())
}
