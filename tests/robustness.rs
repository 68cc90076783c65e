//! Broken input never crashes the front end: every valid spec of the repository, mutated in
//! many small deterministic ways (bytes deleted, duplicated, replaced with brackets, quotes and
//! keywords), goes through parsing and checking without a panic, and every problem found is a
//! diagnostic with a registered code and a span inside its file. The formatter takes the same
//! mutants: it refuses those with syntax errors, and formats the others stably. Random JSON
//! documents given to the OpenAPI importer give a spec that checks or a refusal, never a
//! panic.

use intent_check::{Keep, check, check_keeping};
use intent_source::CODES;
use intent_source::SourceTree;
use intent_tests::{intent_files, relative};
use std::path::Path;

/// A small deterministic generator (xorshift), so a failure reproduces exactly.
struct Noise(u64);

impl Noise {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

const FRAGMENTS: [&str; 16] = [
    "{",
    "}",
    "(",
    ")",
    "[",
    "]",
    "\"",
    "\"\"\"",
    "/",
    "#",
    "\n",
    "intent ",
    "when GET shop ",
    "then ",
    "every x in ",
    "@",
];

fn mutate(text: &str, noise: &mut Noise) -> String {
    let mut bytes = text.as_bytes().to_vec();
    for _ in 0..1 + noise.below(3) {
        let at = noise.below(bytes.len() + 1);
        match noise.below(3) {
            0 if !bytes.is_empty() => {
                let end = (at + 1 + noise.below(8)).min(bytes.len());
                bytes.drain(at.min(end)..end);
            }
            1 => {
                let fragment = FRAGMENTS[noise.below(FRAGMENTS.len())];
                bytes.splice(at..at, fragment.bytes());
            }
            _ => {
                let start = noise.below(bytes.len() + 1);
                let end = (start + noise.below(16)).min(bytes.len());
                let copy = bytes[start..end].to_vec();
                bytes.splice(at.min(bytes.len())..at.min(bytes.len()), copy);
            }
        }
    }
    // Mutations can split a multi-byte character; the loader reports that as E0001, which is
    // tested elsewhere, so keep the text valid UTF-8 here to reach the parser.
    String::from_utf8_lossy(&bytes).into_owned()
}

/// A tree of one spec in memory, in a project rooted at `/project`.
fn in_memory(path: &Path, text: &str) -> SourceTree {
    let mut tree = SourceTree::new("/project");
    tree.insert(path, path.file_name().unwrap_or_default(), Ok(text.into()));
    tree.name(path);
    tree
}

#[test]
fn mutated_specs_give_diagnostics_never_panics() {
    let mut files = intent_files("examples");
    files.extend(intent_files("tests/fixtures/parse/ok"));
    files.extend(intent_files("tests/fixtures/check/ok"));
    // The checker is a function of a source tree: the mutated specs never touch a disk.
    let mut noise = Noise(0x2545_f491_4f6c_dd1d);
    let mut checked = 0;
    for path in files {
        let text = std::fs::read_to_string(&path).expect("readable");
        for round in 0..25 {
            let mutated = mutate(&text, &mut noise);
            let result = check(&in_memory(Path::new("/project/mutated.intent"), &mutated));
            let loaded = &result.loaded;
            for d in &result.diagnostics {
                assert!(
                    CODES.iter().any(|c| c.code == d.code),
                    "{} round {round}: unregistered code {}",
                    relative(&path),
                    d.code
                );
                let len = loaded.sources.get(d.primary().file).text().len() as u32;
                assert!(
                    d.primary().span.end <= len,
                    "{} round {round}: span {:?} outside the file",
                    relative(&path),
                    d.primary().span
                );
            }
            // Checking for diagnostics only (intents parsed when they are checked) reports
            // exactly what a full check reports, on every mistake the mutations make.
            let light = check_keeping(
                &in_memory(Path::new("/project/mutated.intent"), &mutated),
                Keep::Diagnostics,
            );
            assert_eq!(
                format!("{:?}", result.diagnostics),
                format!("{:?}", light.diagnostics),
                "{} round {round}: diagnostics-only check differs on:\n{mutated}",
                relative(&path)
            );
            match intent_syntax::format(&mutated) {
                Ok(formatted) => assert_eq!(
                    intent_syntax::format(&formatted).ok().as_ref(),
                    Some(&formatted),
                    "{} round {round}: formatting is stable",
                    relative(&path)
                ),
                Err(intent_syntax::FormatError::Invalid(errors)) => assert!(!errors.is_empty()),
                Err(intent_syntax::FormatError::Changed) => panic!(
                    "{} round {round}: formatting would change the spec:\n{mutated}",
                    relative(&path)
                ),
            }
            checked += 1;
        }
    }
    assert!(checked > 500, "mutated {checked} specs");
}

/// A random JSON value shaped a little like an OpenAPI document: objects with the keys the
/// importer reads, and every kind of value in every place.
fn document(noise: &mut Noise, depth: usize) -> serde_json::Value {
    use serde_json::{Value, json};
    const KEYS: [&str; 24] = [
        "openapi",
        "info",
        "title",
        "version",
        "servers",
        "url",
        "paths",
        "/a/{id}",
        "get",
        "post",
        "parameters",
        "name",
        "in",
        "path",
        "schema",
        "type",
        "properties",
        "required",
        "components",
        "schemas",
        "$ref",
        "enum",
        "responses",
        "200",
    ];
    match noise.below(if depth > 4 { 5 } else { 8 }) {
        0 => Value::Null,
        1 => json!(noise.below(3) == 0),
        2 => json!(noise.below(1000) as f64 / 7.0),
        3 => json!(
            [
                "string",
                "integer",
                "object",
                "array",
                "3.1.0",
                "#/components/schemas/X",
                "{",
                "\"",
                "a|b"
            ][noise.below(9)]
        ),
        4 => json!(KEYS[noise.below(KEYS.len())]),
        5 => Value::Array(
            (0..noise.below(4))
                .map(|_| document(noise, depth + 1))
                .collect(),
        ),
        _ => Value::Object(
            (0..1 + noise.below(5))
                .map(|_| {
                    (
                        KEYS[noise.below(KEYS.len())].to_string(),
                        document(noise, depth + 1),
                    )
                })
                .collect(),
        ),
    }
}

#[test]
fn random_documents_never_crash_the_openapi_importer() {
    let mut noise = Noise(0x9e37_79b9_7f4a_7c15);
    let mut imported = 0;
    for _ in 0..2000 {
        let mut doc = document(&mut noise, 0);
        if noise.below(2) == 0
            && let Some(map) = doc.as_object_mut()
        {
            map.insert("openapi".into(), serde_json::json!("3.0.3"));
        }
        let options = intent_codegen::Options {
            target: "api",
            source: "random.json",
            location: "random.json",
        };
        if let Ok(result) =
            intent_codegen::import_openapi(doc.clone(), options, &mut intent_codegen::NoFiles)
        {
            let spec = result.spec;
            imported += 1;
            let checked = check(&in_memory(Path::new("/project/random.intent"), &spec));
            let errors: Vec<_> = checked
                .diagnostics
                .iter()
                .filter(|d| d.severity == intent_source::Severity::Error)
                .collect();
            assert!(errors.is_empty(), "{doc}\n{spec}\n{errors:#?}");
        }
    }
    assert!(imported > 100, "imported {imported} documents");
}
