//! `intent import openapi`: a spec skeleton from an OpenAPI 3.x or Swagger 2.0 description, for
//! engineers starting from an existing API. Named schemas become named types, and each
//! operation an intent that calls it and checks its success status, typed with `->` where the
//! response has a JSON schema. Values the document cannot give are marked `TODO`.
//!
//! Real descriptions are large and use every corner of the format, so the import never fails as
//! a whole because of one construct: what cannot be mapped is left out or loosened, with a
//! comment at that place saying why, and the [`Summary`] counts what was imported and skipped.
//! Every name is made by the rule of [`names`], so the skeleton always checks.

mod dialect;

mod operations;
mod refs;
mod schema;
mod security;

pub use refs::{Fetch, FetchError, NoFiles};

use crate::names::{Scope, Titles, is_word};
use crate::values::{line, quote};
use dialect::Dialect;
use operations::{Operation, Writer};
use schema::Types;
use security::Security;
use serde_json::Value;
use std::collections::BTreeMap;
use std::fmt::Write;
use thiserror::Error;

/// Why a document cannot be imported at all.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum ImportError {
    #[error("not an OpenAPI or Swagger description: it has no `openapi` or `swagger` version")]
    NotADescription,
    #[error("{0} is not supported: import an OpenAPI 3.x or Swagger 2.0 description")]
    Version(String),
    #[error(
        "`{0}` cannot name a target: a target is a word (letters, digits, `_`) that is not reserved"
    )]
    Target(String),
}

/// How to import.
#[derive(Debug, Clone, Copy)]
pub struct Options<'a> {
    /// The name of the spec's target.
    pub target: &'a str,
    /// The document's name, for the header comment.
    pub source: &'a str,
    /// Where the document is (its path): the base of its relative `$ref`s, given to
    /// [`Fetch::fetch`].
    pub location: &'a str,
}

/// The spec made from a description, and what went into it.
#[derive(Debug, Clone)]
pub struct Imported {
    pub spec: String,
    pub summary: Summary,
}

/// What an import did: for the command line to print.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Summary {
    /// `OpenAPI 3.0.3`, `Swagger 2.0`.
    pub version: String,
    /// Operations found in the document.
    pub operations: usize,
    /// Operations written as intents.
    pub imported: usize,
    /// Operations left out, each with why (`GET /x`, `…`).
    pub skipped: Vec<(String, String)>,
    /// Named types written.
    pub types: usize,
    /// Files of the description besides the root.
    pub files: usize,
}

impl Summary {
    /// The skipped operations counted by reason, most frequent first.
    pub fn reasons(&self) -> Vec<(String, usize)> {
        let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
        for (_, why) in &self.skipped {
            *counts.entry(why.as_str()).or_default() += 1;
        }
        let mut reasons: Vec<(String, usize)> = counts
            .into_iter()
            .map(|(w, n)| (w.to_string(), n))
            .collect();
        reasons.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        reasons
    }
}

/// The HTTP methods of a path item, in the order they are written; `trace` has no Intent
/// method.
const METHODS: [&str; 8] = [
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

/// The spec for `document`, reading the files its `$ref`s name through `fetch`.
pub fn import_openapi(
    document: Value,
    options: Options<'_>,
    fetch: &mut dyn Fetch,
) -> Result<Imported, ImportError> {
    let (dialect, version) = Dialect::of(&document)?;
    let mut globals = Scope::default();
    let target = globals.claim(options.target);
    if target != options.target || !is_word(&target) {
        return Err(ImportError::Target(options.target.to_string()));
    }
    let docs = refs::Documents::load(document, options.location, fetch);
    let root = docs.root();
    let security = Security::read(dialect.security_schemes(root), &mut globals);
    let mut types = Types::new(&docs);
    types.declare(dialect.schemas());
    let mut writer = Writer {
        dialect,
        docs: &docs,
        target: target.clone(),
        globals: globals_of(&security, &target),
        security,
        titles: Titles::default(),
        types,
    };
    let mut summary = Summary {
        version: dialect.describe(&version),
        files: 0,
        ..Summary::default()
    };

    let mut intents = String::new();
    for (path, item) in root
        .get("paths")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
    {
        let (doc, item) = match docs.follow(0, item) {
            Ok((doc, item, _)) => (doc, item),
            Err(e) => {
                summary.operations += 1;
                let why = format!("its path item cannot be read: {e}");
                skip(
                    &mut intents,
                    &mut summary,
                    &format!("{path} (every method)"),
                    why,
                );
                continue;
            }
        };
        for method in METHODS {
            let Some(operation) = item.get(method) else {
                continue;
            };
            summary.operations += 1;
            let place = format!("{} {path}", method.to_ascii_uppercase());
            if method == "trace" {
                skip(
                    &mut intents,
                    &mut summary,
                    &place,
                    "Intent sends no TRACE requests".into(),
                );
            } else if !path.starts_with('/') {
                skip(
                    &mut intents,
                    &mut summary,
                    &place,
                    "a path starts with `/`".into(),
                );
            } else if !operation.is_object() {
                skip(
                    &mut intents,
                    &mut summary,
                    &place,
                    "the operation is not an object".into(),
                );
            } else {
                let text = writer.intent(Operation {
                    path,
                    method,
                    doc,
                    item,
                    operation,
                });
                intents.push('\n');
                intents.push_str(&text);
                summary.imported += 1;
            }
        }
    }
    let mut definitions = String::new();
    while let Some(definition) = writer.types.next_definition() {
        definitions.push('\n');
        definitions.push_str(&definition);
        summary.types += 1;
    }
    summary.files = docs.count() - 1;

    let mut out = header(root, &summary.version, options.source);
    let _ = writeln!(
        out,
        "target {target} = env({}, {})",
        quote(&format!("{}_URL", target.to_ascii_uppercase())),
        quote(&dialect.base_url(root))
    );
    let secrets = writer.security.declarations();
    if !secrets.is_empty() {
        out.push('\n');
        out.push_str(&secrets);
    }
    out.push_str(&definitions);
    out.push_str(&intents);
    Ok(Imported { spec: out, summary })
}

/// The names every intent sees: the target and the secrets.
fn globals_of(security: &Security, target: &str) -> Vec<String> {
    let mut names = security.names();
    names.push(target.to_string());
    names
}

/// The comment and `spec` item at the top.
fn header(root: &Value, version: &str, source: &str) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "# Generated by `intent import openapi` from {} ({version}).",
        line(source)
    );
    let _ = writeln!(
        out,
        "# Fill in what is marked TODO, then run `intent check`."
    );
    let info = root.get("info");
    let title = info
        .and_then(|i| i.get("title"))
        .and_then(Value::as_str)
        .map(line)
        .filter(|t| !t.is_empty())
        .unwrap_or_else(|| "Imported API".into());
    let _ = writeln!(out, "spec {} {{", quote(&title));
    if let Some(version) = info.and_then(|i| i.get("version")).and_then(Value::as_str) {
        let _ = writeln!(out, "  version {}", quote(&line(version)));
    }
    out.push_str("}\n\n");
    out
}

/// Records a skipped operation and leaves a comment where its intent would be.
fn skip(out: &mut String, summary: &mut Summary, place: &str, why: String) {
    let _ = writeln!(out, "\n# Skipped {}: {}.", line(place), line(&why));
    summary.skipped.push((place.to_string(), why));
}
