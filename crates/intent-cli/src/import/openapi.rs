//! `intent import openapi FILE`: reads an OpenAPI 3.x or Swagger 2.0 description (JSON or
//! YAML, with the files its `$ref`s name) and writes the spec skeleton `intent-codegen` makes
//! of it, then a summary of what was imported and skipped on standard error.

use super::errors_of;
use super::files::{MAX_FILE_BYTES, ProjectFiles, canonical, read_document};
use crate::Status;
use crate::cli::OpenapiArgs;
use intent_codegen::{Options, Summary};
use std::io::Write;
use std::path::Path;

pub fn openapi(args: &OpenapiArgs, out: &mut dyn Write, err: &mut dyn Write) -> Status {
    let path = canonical(&args.document);
    let shown = args.document.display();
    let document = match read_document(&path, MAX_FILE_BYTES) {
        Ok((document, _)) => document,
        Err(intent_codegen::FetchError::NotParsed(_, e)) => {
            let _ = writeln!(err, "error: {shown} is not JSON or YAML: {e}");
            return Status::Invalid;
        }
        Err(e) => {
            let _ = writeln!(err, "error: cannot read {shown}: {e}");
            return Status::Invalid;
        }
    };
    let source = path
        .file_name()
        .map_or_else(|| shown.to_string(), |n| n.to_string_lossy().into_owned());
    let mut files = ProjectFiles::for_document(&path);
    let location = path.display().to_string();
    let options = Options {
        target: &args.target,
        source: &source,
        location: &location,
    };
    let imported = match intent_codegen::import_openapi(document, options, &mut files) {
        Ok(imported) => imported,
        Err(e) => {
            let _ = writeln!(err, "error: {shown}: {e}");
            return Status::Invalid;
        }
    };
    let written = args
        .output
        .clone()
        .unwrap_or_else(|| path.with_extension("intent"));
    let problems = errors_of(&imported.spec, &written, files.root());
    if !problems.is_empty() {
        let _ = writeln!(
            err,
            "error: the spec made from {shown} does not check; this is a bug of the importer:\n{}",
            problems.join("\n")
        );
        return Status::CouldNotRun;
    }
    match &args.output {
        Some(file) => {
            if let Err(e) = std::fs::write(file, &imported.spec) {
                let _ = writeln!(err, "error: cannot write {}: {e}", file.display());
                return Status::CouldNotRun;
            }
            report(err, &imported.summary, &source, Some(file));
        }
        None => {
            let _ = out.write_all(imported.spec.as_bytes());
            report(err, &imported.summary, &source, None);
        }
    }
    Status::Success
}

/// The summary: operations imported and skipped (by reason), named types, files.
fn report(err: &mut dyn Write, summary: &Summary, source: &str, written: Option<&Path>) {
    let files = match summary.files {
        0 => String::new(),
        1 => " and 1 file it refers to".to_string(),
        n => format!(" and {n} files it refers to"),
    };
    let _ = writeln!(
        err,
        "imported {} of {} operations from {source}{files} ({}), with {} named types",
        summary.imported, summary.operations, summary.version, summary.types
    );
    if !summary.skipped.is_empty() {
        let _ = writeln!(
            err,
            "skipped {} (a comment in the spec marks each):",
            summary.skipped.len()
        );
        for (why, count) in summary.reasons() {
            let _ = writeln!(err, "  {count} × {why}");
        }
    }
    if let Some(file) = written {
        let _ = writeln!(err, "wrote {}", file.display());
    }
}
