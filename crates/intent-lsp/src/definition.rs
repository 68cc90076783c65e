//! Go to definition: from a name to the item that declares it, from a step call to its step,
//! from a field to its declaration in its type (or a dataset's column), from a local name to
//! where the block binds it, from a request's method to its declared response type; in the
//! document or in any file it imports.

use crate::position::Positions;
use crate::scope::{self, Member};
use crate::symbols::{self, Found};
use intent_check::Loaded;
use intent_source::{FileId, Span};
use intent_syntax::ast::TypeKind;
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
        Some(Found::Local(local)) => (local.file, local.span),
        Some(Found::Member(Member::Declared(file, field), _)) => (file, field.name.span),
        Some(Found::Request(request)) => {
            let named = request.returns.as_ref().and_then(|ty| match &ty.kind {
                TypeKind::Named(name) => scope::type_def(loaded, &name.name),
                _ => None,
            });
            match named {
                Some((file, def)) => (file, def.name.span),
                None => return Value::Null,
            }
        }
        Some(Found::Member(Member::Response(..), _)) | None => return Value::Null,
    };
    json!({"uri": uri_of(loaded, file, uri), "range": range(loaded, file, span)})
}

/// The URI of a file: the document's own, else the `file:` URI of its path.
pub fn uri_of(loaded: &Loaded, file: FileId, document: &str) -> String {
    if file == symbols::DOCUMENT {
        return document.to_string();
    }
    file_uri(&loaded.files[file.0 as usize].path)
}

/// The `file:` URI of a path.
pub fn file_uri(path: &std::path::Path) -> String {
    let path = path.to_string_lossy().replace('\\', "/");
    let slash = if path.starts_with('/') { "" } else { "/" };
    format!("file://{slash}{}", utf8_percent_encode(&path, PATH))
}

fn range(loaded: &Loaded, file: FileId, span: Span) -> Value {
    Positions::new(loaded.sources.get(file).text()).range(span.range())
}
