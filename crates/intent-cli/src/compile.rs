//! `intent compile --emit plan|ast|jsonschema|rust|k6|prometheus-rules`: the plan, the syntax
//! trees, JSON Schema for the named types, cargo test scaffolds, k6 scripts or Prometheus
//! alerting rules.

use crate::Status;
use crate::check::compile;
use crate::cli::{CompileArgs, Emit};
use crate::output::report;
use intent_check::Loaded;
use intent_source::Diagnostic;
use std::io::Write;
use std::path::Path;

pub fn run(args: &CompileArgs, out: &mut dyn Write, err: &mut dyn Write) -> Status {
    let Some(compiled) = compile(&args.compile, intent_check::Keep::Plan, out, err) else {
        return Status::Invalid;
    };
    let (loaded, checked) = (&compiled.checked.loaded, &compiled.checked);
    let emitted = match args.emit {
        Emit::Plan => serde_json::to_string_pretty(&checked.plan),
        Emit::Jsonschema => {
            serde_json::to_string_pretty(&intent_codegen::json_schema(&checked.plan))
        }
        Emit::Rust => Ok(intent_codegen::rust_tests(&checked.plan)),
        Emit::K6 => return k6(args, loaded, &checked.plan, out, err),
        Emit::PrometheusRules if checked.plan.monitors.is_empty() => {
            let _ = writeln!(err, "error: the specs define no monitor to write rules for");
            return Status::Invalid;
        }
        Emit::PrometheusRules => match intent_codegen::prometheus_rules(&checked.plan) {
            Ok(rules) => Ok(rules),
            Err(refused) => return refuse(args, refused, loaded, out, err),
        },
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

/// The diagnostics of what an export cannot express, printed like the checker's: nothing is
/// written, and the command is invalid (exit 2).
fn refuse(
    args: &CompileArgs,
    mut refused: Vec<Diagnostic>,
    loaded: &Loaded,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> Status {
    let options = &args.compile;
    report(
        &mut refused,
        &loaded.sources,
        options.format,
        options.deny_warnings,
        out,
        err,
    );
    Status::Invalid
}

/// `--emit k6 -o DIR`: one script per load block, named after its stable id.
fn k6(
    args: &CompileArgs,
    loaded: &Loaded,
    plan: &intent_ir::Plan,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> Status {
    let Some(dir) = args.output.as_deref() else {
        let _ = writeln!(
            err,
            "error: --emit k6 writes one script per load block: name a folder with -o DIR"
        );
        return Status::Invalid;
    };
    if plan.loads.is_empty() {
        let _ = writeln!(err, "error: the specs define no load block to export");
        return Status::Invalid;
    }
    let scripts = match intent_codegen::k6_scripts(plan) {
        Ok(scripts) => scripts,
        Err(refused) => return refuse(args, refused, loaded, out, err),
    };
    if let Err(e) = std::fs::create_dir_all(dir) {
        let _ = writeln!(err, "error: cannot create {}: {e}", dir.display());
        return Status::CouldNotRun;
    }
    for script in &scripts {
        let path = Path::new(dir).join(&script.file_name);
        if let Err(e) = std::fs::write(&path, &script.text) {
            let _ = writeln!(err, "error: cannot write {}: {e}", path.display());
            return Status::CouldNotRun;
        }
        let _ = writeln!(err, "wrote {} ({})", path.display(), script.id);
    }
    Status::Success
}
