//! Find references and rename: every place a declared name (a target, type, let, secret or
//! dataset) is written in the document, the files it imports, and the files of the project's
//! spec set that import the declaring file (directly or not).
//!
//! The uses are read off the syntax tree in its serialised form, where they have three shapes
//! whatever node holds them: a name in an expression (`{"kind": {"Name": ...}, "span": ...}`,
//! also inside interpolated strings and paths), a named type (`{"Named": {name, span}}`), and
//! the target of a request, the dataset of an evaluation and the target of a policy
//! (`"target"`, `"dataset"` and `"from"` holding a name). Walking the JSON finds them in every
//! node without a visitor over each kind of the tree, which the syntax crate does not have.
//! Files that import the document are found in the project's spec set (the `specs` of
//! `intent.toml`, loaded as `intent check` with no arguments loads them, with the editor's
//! open buffers over their files): the document's own check does not load them. Without a
//! project listing its specs, only the document and its imports are searched.

use crate::definition::file_uri;
use crate::position::Positions;
use crate::symbols::{self, Found};
use intent_check::Loaded;
use intent_source::{FileId, Span};
use serde_json::{Map, Value, json};
use std::path::Path;

/// A place in a file of the document's check or of its project's spec set.
#[derive(Clone, Copy, PartialEq, Eq)]
struct Place<'a> {
    path: &'a Path,
    text: &'a str,
    span: Span,
}

/// The place of the declaration at a byte offset, and every place its name is written (the
/// declaration's among them): in the document and its imports (`loaded`), and in the files
/// of the project's spec set (`project`) that see the declaring file through their imports.
fn occurrences<'a>(
    loaded: &'a Loaded,
    project: Option<&'a Loaded>,
    offset: usize,
) -> Option<(Place<'a>, Vec<Place<'a>>)> {
    let Some(Found::Declared(declaration)) = symbols::at(loaded, offset) else {
        return None;
    };
    let name = &declaration.name.name;
    let place = |set: &'a Loaded, file: FileId, span: Span| Place {
        path: &set.files[file.0 as usize].path,
        text: set.sources.get(file).text(),
        span,
    };
    let declared = place(loaded, declaration.file, declaration.name.span);
    let mut places = vec![declared];
    let mut search: Vec<(&Loaded, FileId)> = symbols::visible(loaded)
        .into_iter()
        .map(|file| (loaded, file))
        .collect();
    if let Some(project) = project {
        let sees = |file: &FileId| {
            symbols::visible_from(project, *file)
                .iter()
                .any(|f| project.files[f.0 as usize].path == declared.path)
        };
        search.extend(
            project
                .files
                .iter()
                .map(|f| f.id)
                .filter(|file| {
                    let path = &project.files[file.0 as usize].path;
                    !search
                        .iter()
                        .any(|(set, f)| set.files[f.0 as usize].path == *path)
                })
                .filter(sees)
                .map(|file| (project, file))
                .collect::<Vec<_>>(),
        );
    }
    for (set, file) in search {
        let Some(loaded_file) = set.files.get(file.0 as usize) else {
            continue;
        };
        let Ok(tree) = serde_json::to_value(&loaded_file.syntax) else {
            continue;
        };
        let mut uses = Vec::new();
        uses_of(&tree, name, &mut uses);
        places.extend(uses.into_iter().map(|span| place(set, file, span)));
    }
    places.sort_by(|a, b| (a.path, a.span.range().start).cmp(&(b.path, b.span.range().start)));
    places.dedup_by(|a, b| a.path == b.path && a.span == b.span);
    Some((declared, places))
}

/// The spans where `name` is used in a serialised syntax tree.
fn uses_of(node: &Value, name: &str, found: &mut Vec<Span>) {
    match node {
        Value::Object(object) => {
            if let Some(span) = name_in_expr(object, name) {
                found.push(span);
            }
            for (key, value) in object {
                if matches!(key.as_str(), "Named" | "target" | "dataset" | "from")
                    && let Some(span) = ident(value, name)
                {
                    found.push(span);
                }
                uses_of(value, name, found);
            }
        }
        Value::Array(values) => values.iter().for_each(|v| uses_of(v, name, found)),
        _ => {}
    }
}

/// The span of an expression that is the name `name`.
fn name_in_expr(object: &Map<String, Value>, name: &str) -> Option<Span> {
    (object.get("kind")?.get("Name")?.as_str()? == name)
        .then(|| serde_json::from_value(object.get("span")?.clone()).ok())
        .flatten()
}

/// The span of an identifier `{name, span}` that is `name`.
fn ident(value: &Value, name: &str) -> Option<Span> {
    (value.get("name")?.as_str()? == name)
        .then(|| serde_json::from_value(value.get("span")?.clone()).ok())
        .flatten()
}

/// Places as URIs and ranges (the document's own URI for the document), in the order given.
/// The places come sorted by file, so each file's line starts are found once, not once per
/// place: a name used 10,000 times in a large file must not cost 10,000 scans of it.
fn locations<'a>(
    loaded: &Loaded,
    uri: &str,
    places: impl IntoIterator<Item = Place<'a>>,
) -> Vec<(String, Value)> {
    let document = loaded.files.first().map(|f| f.path.as_path());
    let mut file: Option<(&Path, String, Positions<'a>)> = None;
    let mut out = Vec::new();
    for place in places {
        if file.as_ref().is_none_or(|(path, ..)| *path != place.path) {
            let place_uri = if Some(place.path) == document {
                uri.to_string()
            } else {
                file_uri(place.path)
            };
            file = Some((place.path, place_uri, Positions::new(place.text)));
        }
        if let Some((_, place_uri, positions)) = &file {
            out.push((place_uri.clone(), positions.range(place.span.range())));
        }
    }
    out
}

/// `textDocument/references`: the places of the name at the offset (with its declaration
/// when the editor asks for it); null on anything else.
pub fn references(
    loaded: &Loaded,
    project: Option<&Loaded>,
    uri: &str,
    offset: usize,
    declaration: bool,
) -> Value {
    let Some((declared, places)) = occurrences(loaded, project, offset) else {
        return Value::Null;
    };
    let kept = places
        .into_iter()
        .filter(|&place| declaration || place != declared);
    let locations: Vec<Value> = locations(loaded, uri, kept)
        .into_iter()
        .map(|(uri, range)| json!({"uri": uri, "range": range}))
        .collect();
    json!(locations)
}

/// `textDocument/prepareRename`: the range of the declared name at the offset, with its
/// text; null when there is nothing there to rename.
pub fn prepare_rename(loaded: &Loaded, offset: usize) -> Value {
    let Some(Found::Declared(_)) = symbols::at(loaded, offset) else {
        return Value::Null;
    };
    let text = loaded.sources.get(symbols::DOCUMENT).text();
    let Some(word) = symbols::word_range(text, offset) else {
        return Value::Null;
    };
    json!({"range": Positions::new(text).range(word.clone()), "placeholder": &text[word]})
}

/// `textDocument/rename`: one edit per place of the name, grouped by file; an error when the
/// new name is not a name the language accepts, so nothing is half renamed.
pub fn rename(
    loaded: &Loaded,
    project: Option<&Loaded>,
    uri: &str,
    offset: usize,
    new_name: &str,
) -> Result<Value, String> {
    let valid = new_name.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_')
        && new_name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_')
        && !intent_syntax::RESERVED.contains(&new_name);
    if !valid {
        return Err(format!(
            "`{new_name}` is not a name: use letters, digits and `_`, not a keyword"
        ));
    }
    let Some((_, places)) = occurrences(loaded, project, offset) else {
        return Ok(Value::Null);
    };
    let mut changes = Map::new();
    for (file_uri, range) in locations(loaded, uri, places) {
        let edits = changes.entry(file_uri).or_insert_with(|| json!([]));
        if let Some(edits) = edits.as_array_mut() {
            edits.push(json!({"range": range, "newText": new_name}));
        }
    }
    Ok(json!({"changes": changes}))
}
