//! `intent import openapi FILE`: reads an OpenAPI document (JSON, or YAML) and writes the spec
//! skeleton `intent-codegen` makes of it. The skeleton is checked before it is written, so a
//! document that would give an invalid spec is reported, not written.

use crate::Status;
use crate::cli::OpenapiArgs;
use std::io::Write;
use std::path::Path;

pub fn openapi(args: &OpenapiArgs, out: &mut dyn Write, err: &mut dyn Write) -> Status {
    let path = &args.document;
    let text = match std::fs::read_to_string(path) {
        Ok(t) => t,
        Err(e) => {
            let _ = writeln!(err, "error: cannot read {}: {e}", path.display());
            return Status::Invalid;
        }
    };
    let document = match parse(path, &text) {
        Ok(d) => d,
        Err(e) => {
            let _ = writeln!(err, "error: {} is not JSON or YAML: {e}", path.display());
            return Status::Invalid;
        }
    };
    let source = path.file_name().map_or_else(
        || path.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    );
    let spec = match intent_codegen::import_openapi(&document, &args.target, &source) {
        Ok(s) => s,
        Err(e) => {
            let _ = writeln!(err, "error: {}: {e}", path.display());
            return Status::Invalid;
        }
    };
    let problems = check(&spec, path);
    if !problems.is_empty() {
        let _ = writeln!(
            err,
            "error: the spec made from {} does not check; this is a bug of the importer:\n{}",
            path.display(),
            problems.join("\n")
        );
        return Status::CouldNotRun;
    }
    match &args.output {
        Some(file) => {
            if let Err(e) = std::fs::write(file, &spec) {
                let _ = writeln!(err, "error: cannot write {}: {e}", file.display());
                return Status::CouldNotRun;
            }
            let _ = writeln!(err, "wrote {}", file.display());
        }
        None => {
            let _ = out.write_all(spec.as_bytes());
        }
    }
    Status::Success
}

/// JSON for `.json` files; YAML (of which JSON is nearly a subset) for everything else.
fn parse(path: &Path, text: &str) -> Result<serde_json::Value, String> {
    let json = path
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("json"));
    if json {
        serde_json::from_str(text).map_err(|e| e.to_string())
    } else {
        yaml_serde::from_str(text).map_err(|e| e.to_string())
    }
}

/// The errors `intent check` finds in the skeleton (warnings are expected: a skeleton may not
/// use every type it declares).
fn check(spec: &str, path: &Path) -> Vec<String> {
    let shown = path.with_extension("intent");
    let folder = std::env::current_dir().unwrap_or_default();
    let project = intent_project::Project::new(folder, None, false);
    let checked = intent_check::check(&project.tree_of_text(&shown, spec.to_string()));
    let loaded = &checked.loaded;
    checked
        .diagnostics
        .iter()
        .filter(|d| d.severity == intent_source::Severity::Error)
        .map(|d| intent_source::render(d, &loaded.sources, intent_source::RenderOptions::plain()))
        .collect()
}
