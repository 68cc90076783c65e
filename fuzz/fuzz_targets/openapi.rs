//! The OpenAPI importer on any JSON document: it imports what it can and the skeleton it writes
//! always checks without errors.
#![no_main]

use intent_source::{Severity, SourceTree};
use libfuzzer_sys::fuzz_target;
use std::path::Path;

fuzz_target!(|data: &[u8]| {
    let Ok(document) = serde_json::from_slice::<serde_json::Value>(data) else {
        return;
    };
    let options = intent_codegen::Options {
        target: "api",
        source: "fuzz.json",
        location: "/project/fuzz.json",
    };
    let Ok(imported) =
        intent_codegen::import_openapi(document, options, &mut intent_codegen::NoFiles)
    else {
        return;
    };
    let spec = imported.spec;
    let mut tree = SourceTree::new("/project");
    let path = Path::new("/project/api.intent");
    tree.insert(path, "api.intent", Ok(spec.as_str().into()));
    tree.name(path);
    let checked = intent_check::check(&tree);
    let errors = checked
        .diagnostics
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .count();
    assert_eq!(errors, 0, "the imported skeleton does not check:\n{spec}");
});
