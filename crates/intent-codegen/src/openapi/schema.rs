//! Schemas → Intent types. A schema reached through a `$ref` becomes a named type, written once
//! however often it is used, so recursive schemas are recursive named types and the spec stays
//! about the size of the document. Everything else is written inline, to a bounded depth.
//! What the type system cannot say (an `allOf` of a string and a record, a `not`, tuples, maps)
//! becomes `json` or a looser type, and a note says so; the notes are written as comments above
//! the item that needed them.

use super::refs::{DocId, Documents, Loc, reference_of};
use crate::names::{Scope, camel, is_word, snake};
use crate::values::{literal, number, quote};
use serde_json::{Map, Value};
use std::collections::{BTreeMap, HashMap, VecDeque};
use std::fmt::Write;

/// Inline schemas nested deeper than this are `json` (the language allows 48 brackets).
const MAX_INLINE_DEPTH: usize = 10;
/// An `allOf` whose members nest `allOf`s deeper than this is not merged (members may refer to
/// each other in a cycle).
const MAX_MERGE_DEPTH: usize = 8;
/// An `enum` with more values than this is its base type.
const MAX_ENUM_VALUES: usize = 1_000;

/// One field of a record.
struct Field {
    name: String,
    optional: bool,
    ty: String,
    /// The property's name in the document, when it is not an Intent word.
    original: Option<String>,
}

/// A record type: its fields, sorted by the document's names, and whether it is exact.
struct Record {
    exact: bool,
    fields: Vec<Field>,
}

/// The named types of one import: which location has which name, and which are still to be
/// written.
#[derive(Debug)]
pub(crate) struct Types<'d> {
    docs: &'d Documents,
    names: HashMap<Loc, String>,
    scope: Scope,
    queue: VecDeque<Loc>,
}

impl<'d> Types<'d> {
    pub(crate) fn new(docs: &'d Documents) -> Self {
        Types {
            docs,
            names: HashMap::new(),
            scope: Scope::default(),
            queue: VecDeque::new(),
        }
    }

    /// Names every schema under `pointer` of the root document (`/components/schemas`,
    /// `/definitions`) first, in the document's order, so they keep their own names and a
    /// schema found later through a reference gets the suffix if two clash.
    pub(crate) fn declare(&mut self, pointer: &str) {
        let Some(schemas) = self.docs.root().pointer(pointer).and_then(Value::as_object) else {
            return;
        };
        let keys: Vec<String> = schemas.keys().cloned().collect();
        for key in keys {
            let escaped = key.replace('~', "~0").replace('/', "~1");
            self.name_of(Loc {
                doc: 0,
                pointer: format!("{pointer}/{escaped}"),
            });
        }
    }

    /// The type name of the schema at `loc`, given on first use.
    fn name_of(&mut self, loc: Loc) -> String {
        if let Some(name) = self.names.get(&loc) {
            return name.clone();
        }
        let hint = match loc.last_step() {
            Some(step) if !step.chars().all(|c| c.is_ascii_digit()) => step,
            _ => file_stem(self.docs.name(loc.doc)),
        };
        let name = self.scope.claim_exactly(camel(&hint));
        self.names.insert(loc.clone(), name.clone());
        self.queue.push_back(loc);
        name
    }

    /// The next named type still to be written, as a `type` item with its notes above it.
    pub(crate) fn next_definition(&mut self) -> Option<String> {
        let loc = self.queue.pop_front()?;
        let name = self.names.get(&loc).cloned().unwrap_or_default();
        let docs = self.docs;
        let schema = docs.get(&loc).unwrap_or(&Value::Null);
        let mut notes = Vec::new();
        let mut out = String::new();
        let body = if let Err(e) = docs.follow(loc.doc, schema) {
            notes.push(format!("{e}; the type is `json`"));
            format!("type {name} = json\n")
        } else if let Some(record) = self.record(loc.doc, schema, 0, &mut notes) {
            let exact = if record.exact { " exact" } else { "" };
            if record.fields.is_empty() {
                format!("type {name}{exact} {{ }}\n")
            } else {
                let mut text = format!("type {name}{exact} {{\n");
                for field in &record.fields {
                    let mark = if field.optional { "?" } else { "" };
                    let _ = write!(text, "  {}{mark}: {}", field.name, field.ty);
                    if let Some(original) = &field.original {
                        let _ = write!(text, "  # {} in the document", quote(original));
                    }
                    text.push('\n');
                }
                text.push_str("}\n");
                text
            }
        } else {
            format!("type {name} = {}\n", self.expr(loc.doc, schema, &mut notes))
        };
        write_notes(&mut out, "", &notes);
        out.push_str(&body);
        Some(out)
    }

    /// The Intent type of `schema`, found in document `doc`.
    pub(crate) fn expr(
        &mut self,
        doc: DocId,
        schema: &'d Value,
        notes: &mut Vec<String>,
    ) -> String {
        self.expr_at(doc, schema, 0, notes)
    }

    fn expr_at(
        &mut self,
        doc: DocId,
        schema: &'d Value,
        depth: usize,
        notes: &mut Vec<String>,
    ) -> String {
        let Value::Object(map) = schema else {
            // `true` accepts anything; `false` accepts nothing, which no type says.
            if schema == &Value::Bool(false) {
                notes.push("a `false` schema (nothing is valid) is `json`".into());
            }
            return "json".into();
        };
        if depth > MAX_INLINE_DEPTH {
            notes.push(format!(
                "a schema nested more than {MAX_INLINE_DEPTH} levels deep is `json`"
            ));
            return "json".into();
        }
        let base = if let Some(reference) = reference_of(schema) {
            match self.docs.resolve(doc, reference) {
                Ok(loc) => self.name_of(loc),
                Err(e) => {
                    notes.push(format!("{e}; the value is `json`"));
                    "json".into()
                }
            }
        } else {
            self.base(doc, map, schema, depth, notes)
        };
        let nullable = ["nullable", "x-nullable"]
            .iter()
            .any(|key| map.get(*key) == Some(&Value::Bool(true)));
        if nullable { or_null(base) } else { base }
    }

    fn base(
        &mut self,
        doc: DocId,
        map: &'d Map<String, Value>,
        schema: &'d Value,
        depth: usize,
        notes: &mut Vec<String>,
    ) -> String {
        if let Some(value) = map.get("const") {
            match literal(value) {
                Some(literal) => return literal,
                None => notes.push("a `const` that is a list or object is `json`".into()),
            }
        }
        if let Some(values) = map.get("enum").and_then(Value::as_array) {
            let literals: Option<Vec<String>> = values.iter().map(literal).collect();
            match literals {
                Some(literals) if !literals.is_empty() && literals.len() <= MAX_ENUM_VALUES => {
                    return union(literals);
                }
                _ => notes.push(format!(
                    "an `enum` of {} values that are not all strings, numbers, booleans or null (or more than {MAX_ENUM_VALUES}) is its base type",
                    values.len()
                )),
            }
        }
        for key in ["not", "if", "patternProperties", "dependentSchemas"] {
            if map.contains_key(key) {
                notes.push(format!("`{key}` is not checked"));
            }
        }
        let types: Vec<&str> = match map.get("type") {
            Some(Value::String(t)) => vec![t.as_str()],
            Some(Value::Array(ts)) => ts.iter().filter_map(Value::as_str).collect(),
            _ if map.contains_key("items") => vec!["array"],
            _ => Vec::new(),
        };
        let with_null = |base: String| {
            if types.contains(&"null") {
                or_null(base)
            } else {
                base
            }
        };
        let alternatives = map
            .get("oneOf")
            .or_else(|| map.get("anyOf"))
            .and_then(Value::as_array);
        if let (Some([only]), false) = (
            map.get("allOf")
                .and_then(Value::as_array)
                .map(Vec::as_slice),
            map.contains_key("properties"),
        ) {
            // `allOf: [{$ref}]` beside a description or `nullable`: the member, by its name.
            return with_null(self.expr_at(doc, only, depth + 1, notes));
        }
        if map.contains_key("allOf") || map.contains_key("properties") {
            if alternatives.is_some() {
                notes
                    .push("the `oneOf`/`anyOf` beside a record's properties is not checked".into());
            }
            if let Some(record) = self.record(doc, schema, depth, notes) {
                return with_null(inline(&record));
            }
            if let Some(only) = self.single_non_record(doc, schema, depth, notes) {
                return with_null(only);
            }
            return "json".into();
        }
        if let Some(options) = alternatives {
            let members = options
                .iter()
                .map(|option| self.expr_at(doc, option, depth + 1, notes))
                .collect();
            return with_null(union(members));
        }
        if types.is_empty() {
            return "json".into();
        }
        let members = types
            .iter()
            .map(|t| match *t {
                "string" => string_type(map, notes),
                "integer" => number_type("int", map),
                "number" => number_type("decimal", map),
                "boolean" => "bool".into(),
                "null" => "null".into(),
                "array" => {
                    if map.contains_key("prefixItems")
                        || map.get("items").is_some_and(Value::is_array)
                    {
                        notes.push(
                            "a tuple (`prefixItems`, or `items` as a list) is `[json]`".into(),
                        );
                    }
                    let item = match map.get("items") {
                        Some(items @ Value::Object(_)) => {
                            self.expr_at(doc, items, depth + 1, notes)
                        }
                        _ => "json".into(),
                    };
                    let nonempty = map.get("minItems").and_then(Value::as_u64).unwrap_or(0) > 0;
                    format!("[{item}]{}", if nonempty { " nonempty" } else { "" })
                }
                "object" => match self.record(doc, schema, depth, notes) {
                    Some(record) => inline(&record),
                    None => "json".into(),
                },
                _ => "json".into(),
            })
            .collect();
        union(members)
    }

    /// The record a schema describes: its properties (merged over `allOf`), or `None` when it
    /// is not one (a map with `additionalProperties`, or an `allOf` of things that are not
    /// records).
    fn record(
        &mut self,
        doc: DocId,
        schema: &'d Value,
        depth: usize,
        notes: &mut Vec<String>,
    ) -> Option<Record> {
        let map = schema.as_object()?;
        if reference_of(schema).is_some() {
            return None;
        }
        let object_typed = match map.get("type") {
            Some(Value::String(t)) => t == "object",
            Some(Value::Array(ts)) => ts.iter().any(|t| t == "object"),
            _ => false,
        };
        let single_member = map
            .get("allOf")
            .and_then(Value::as_array)
            .is_some_and(|members| members.len() == 1);
        if single_member && !map.contains_key("properties") {
            // Written by the member's name instead (see `base`).
            return None;
        }
        let is_map = map
            .get("additionalProperties")
            .is_some_and(Value::is_object);
        let record_like = map.contains_key("allOf")
            || map.contains_key("properties")
            || (object_typed && !is_map);
        if !record_like {
            return None;
        }
        let mut parts = Parts::default();
        self.collect(doc, schema, 0, &mut parts, notes);
        if !parts.others.is_empty() {
            if !parts.records {
                return None;
            }
            notes.push("an `allOf` of a record and something else is `json`".into());
            return None;
        }
        let exact = !map.contains_key("allOf")
            && map.get("additionalProperties") == Some(&Value::Bool(false));
        let mut scope = Scope::with(parts.properties.keys().filter(|k| is_word(k)).cloned());
        let mut fields = Vec::new();
        let mut renamed = false;
        for (key, (property_doc, property)) in &parts.properties {
            let ty = self.expr_at(*property_doc, property, depth + 1, notes);
            let (name, original) = if is_word(key) {
                (key.clone(), None)
            } else {
                renamed = true;
                (scope.claim_exactly(snake(key, "field")), Some(key.clone()))
            };
            fields.push(Field {
                optional: original.is_some() || !parts.required.iter().any(|r| r == key),
                name,
                ty,
                original,
            });
        }
        if renamed {
            notes.push("a property whose name is not an Intent word is an optional field named by the rule in docs/interop.md (its value is not checked)".into());
        }
        Some(Record {
            exact: exact && !renamed,
            fields,
        })
    }

    /// The one member of an `allOf` that is not a record, when there is exactly one.
    fn single_non_record(
        &mut self,
        doc: DocId,
        schema: &'d Value,
        depth: usize,
        notes: &mut Vec<String>,
    ) -> Option<String> {
        let mut parts = Parts::default();
        self.collect(doc, schema, 0, &mut parts, notes);
        match parts.others.as_slice() {
            // A record beside them was noted by `record`.
            _ if parts.records => None,
            [(other_doc, other)] => Some(self.expr_at(*other_doc, other, depth + 1, notes)),
            [] => None,
            _ => {
                notes.push("an `allOf` of several things that are not records is `json`".into());
                None
            }
        }
    }

    /// The properties and required names of a schema and of its `allOf` members, followed
    /// through references; members that are not records go to `others`.
    fn collect(
        &self,
        doc: DocId,
        schema: &'d Value,
        level: usize,
        parts: &mut Parts<'d>,
        notes: &mut Vec<String>,
    ) {
        static ANYTHING: Value = Value::Bool(true);
        if level > MAX_MERGE_DEPTH {
            notes.push(format!(
                "an `allOf` nested more than {MAX_MERGE_DEPTH} levels deep is `json`"
            ));
            parts.others.push((doc, &ANYTHING));
            return;
        }
        let (target_doc, target) = match self.docs.follow(doc, schema) {
            Ok((d, s, _)) => (d, s),
            Err(e) => {
                notes.push(format!("{e}; the value is `json`"));
                parts.others.push((doc, &ANYTHING));
                return;
            }
        };
        let Some(map) = target.as_object() else {
            parts.others.push((doc, schema));
            return;
        };
        let typed_object = match map.get("type") {
            Some(Value::String(t)) => t == "object",
            Some(Value::Array(ts)) => ts.iter().any(|t| t == "object"),
            _ => false,
        };
        if let Some(required) = map.get("required").and_then(Value::as_array) {
            for name in required.iter().filter_map(Value::as_str) {
                if !parts.required.iter().any(|r| r == name) {
                    parts.required.push(name.to_string());
                }
            }
        }
        if let Some(properties) = map.get("properties").and_then(Value::as_object) {
            for (key, property) in properties {
                parts.properties.insert(key.clone(), (target_doc, property));
            }
            parts.records = true;
        } else if typed_object {
            parts.records = true;
        }
        if let Some(members) = map.get("allOf").and_then(Value::as_array) {
            for member in members {
                self.collect(target_doc, member, level + 1, parts, notes);
            }
        }
        let shaped = ["type", "enum", "const", "items", "oneOf", "anyOf"]
            .iter()
            .any(|key| map.contains_key(*key));
        let alternatives = map.contains_key("oneOf") || map.contains_key("anyOf");
        if alternatives && (parts.records || map.contains_key("properties")) {
            notes.push("a `oneOf`/`anyOf` inside an `allOf` is not checked".into());
            return;
        }
        if shaped && !typed_object && !map.contains_key("properties") {
            // Keep the reference, so the member is written by its name.
            parts.others.push((doc, schema));
        }
    }
}

/// What the members of an `allOf` add up to.
#[derive(Default)]
struct Parts<'a> {
    properties: BTreeMap<String, (DocId, &'a Value)>,
    required: Vec<String>,
    records: bool,
    others: Vec<(DocId, &'a Value)>,
}

/// A record on one line: `{ a: int, b?: string }`.
fn inline(record: &Record) -> String {
    let fields: Vec<String> = record
        .fields
        .iter()
        .map(|f| format!("{}{}: {}", f.name, if f.optional { "?" } else { "" }, f.ty))
        .collect();
    let exact = if record.exact { "exact " } else { "" };
    if fields.is_empty() {
        format!("{exact}{{ }}")
    } else {
        format!("{exact}{{ {} }}", fields.join(", "))
    }
}

/// The union of types, each once; `json` if any member is (`json | T` is `json`).
fn union(members: Vec<String>) -> String {
    let mut unique: Vec<String> = Vec::new();
    for member in members {
        if member == "json" {
            return member;
        }
        if !unique.contains(&member) {
            unique.push(member);
        }
    }
    if unique.is_empty() {
        "json".into()
    } else {
        unique.join(" | ")
    }
}

/// `T | null`, unless `T` already admits null.
fn or_null(base: String) -> String {
    if base == "json" || base == "null" || base.ends_with("| null") || base.starts_with("null |") {
        base
    } else {
        format!("{base} | null")
    }
}

fn string_type(map: &Map<String, Value>, notes: &mut Vec<String>) -> String {
    match map.get("format").and_then(Value::as_str) {
        Some("uuid") => return "uuid".into(),
        Some("date") => return "date".into(),
        Some("date-time") => return "datetime".into(),
        Some("email") => return "email".into(),
        _ => {}
    }
    let mut refined = String::from("string");
    if let Some(pattern) = map.get("pattern").and_then(Value::as_str) {
        match regex_literal(pattern) {
            Some(re) => {
                let _ = write!(refined, " matching {re}");
            }
            None => notes.push(format!(
                "the pattern {} is not a regex Intent accepts, so it is not checked",
                quote(&crate::values::line(pattern))
            )),
        }
    }
    if map.get("minLength").and_then(Value::as_u64).unwrap_or(0) > 0 {
        refined.push_str(" nonempty");
    }
    refined
}

/// `/pattern/` with its unescaped slashes escaped, when Intent's regex engine accepts it.
fn regex_literal(pattern: &str) -> Option<String> {
    if pattern.contains(['\n', '\r']) || pattern.is_empty() {
        return None;
    }
    let mut written = String::from("/");
    let mut chars = pattern.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => {
                written.push('\\');
                written.push(chars.next()?);
            }
            '/' => written.push_str("\\/"),
            c => written.push(c),
        }
    }
    written.push('/');
    // Intent reads `\/` as `/` and compiles the rest as it is.
    let compiled = written[1..written.len() - 1].replace("\\/", "/");
    regex::Regex::new(&compiled).ok().map(|_| written)
}

fn number_type(base: &str, map: &Map<String, Value>) -> String {
    let bound = |key: &str| map.get(key).and_then(Value::as_number).and_then(number);
    // 3.0 writes `exclusiveMinimum: true` beside `minimum`; 3.1 writes the bound itself.
    let exclusive = |key: &str| map.get(key) == Some(&Value::Bool(true));
    let lower = match (bound("minimum"), bound("exclusiveMinimum")) {
        (Some(min), _) if exclusive("exclusiveMinimum") => Some(format!("> {min}")),
        (Some(min), _) => Some(format!(">= {min}")),
        (None, Some(min)) => Some(format!("> {min}")),
        (None, None) => None,
    };
    let upper = match (bound("maximum"), bound("exclusiveMaximum")) {
        (Some(max), _) if exclusive("exclusiveMaximum") => Some(format!("< {max}")),
        (Some(max), _) => Some(format!("<= {max}")),
        (None, Some(max)) => Some(format!("< {max}")),
        (None, None) => None,
    };
    match (lower, upper) {
        (Some(l), Some(u)) if l.starts_with(">=") && u.starts_with("<=") => {
            format!("{base} in {}..{}", &l[3..], &u[3..])
        }
        (l, u) => [Some(base.to_string()), l, u]
            .into_iter()
            .flatten()
            .collect::<Vec<_>>()
            .join(" "),
    }
}

/// The stem of a file name: `schemas/Pet.yaml` → `Pet`.
fn file_stem(name: &str) -> String {
    let file = name.rsplit(['/', '\\']).next().unwrap_or(name);
    file.split('.').next().unwrap_or(file).to_string()
}

/// Notes as comment lines, each once, at most five and a count of the rest.
pub(crate) fn write_notes(out: &mut String, indent: &str, notes: &[String]) {
    let mut unique: Vec<&String> = Vec::new();
    for note in notes {
        if !unique.contains(&note) {
            unique.push(note);
        }
    }
    for note in unique.iter().take(5) {
        let _ = writeln!(out, "{indent}# {}", crate::values::line(note));
    }
    if unique.len() > 5 {
        let _ = writeln!(
            out,
            "{indent}# … and {} more notes like these",
            unique.len() - 5
        );
    }
}
