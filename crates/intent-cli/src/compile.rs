//! `intent compile --emit plan|ast|jsonschema|rust`: the plan, the syntax trees, JSON Schema
//! for the named types, or cargo test scaffolds.

use crate::Status;
use crate::check::compile;
use crate::cli::{CompileArgs, Emit};
use std::io::Write;

pub fn run(args: &CompileArgs, out: &mut dyn Write, err: &mut dyn Write) -> Status {
    let Some(compiled) = compile(&args.compile, out, err) else {
        return Status::Invalid;
    };
    let (loaded, checked) = (&compiled.checked.loaded, &compiled.checked);
    let emitted = match args.emit {
        Emit::Plan => serde_json::to_string_pretty(&checked.plan),
        Emit::Jsonschema => {
            serde_json::to_string_pretty(&intent_codegen::json_schema(&checked.plan))
        }
        Emit::Rust => Ok(intent_codegen::rust_tests(&checked.plan)),
        Emit::Ast => {
            let trees: Vec<serde_json::Value> = loaded
                .files
                .iter()
                .map(|f| serde_json::json!({ "path": loaded.sources.get(f.id).display_path(), "syntax": f.syntax }))
                .collect();
            serde_json::to_string_pretty(&trees)
        }
    };
    let text = match emitted {
        Ok(text) if text.ends_with('\n') => text,
        Ok(text) => text + "\n",
        Err(e) => {
            let _ = writeln!(err, "error: cannot serialise the output: {e}");
            return Status::CouldNotRun;
        }
    };
    match &args.output {
        Some(path) => {
            if let Err(e) = std::fs::write(path, text) {
                let _ = writeln!(err, "error: cannot write {}: {e}", path.display());
                return Status::CouldNotRun;
            }
        }
        None => {
            let _ = out.write_all(text.as_bytes());
        }
    }
    Status::Success
}
