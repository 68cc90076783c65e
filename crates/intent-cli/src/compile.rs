//! `intent compile --emit plan`: the plan as versioned JSON.

use crate::Status;
use crate::check::compile;
use crate::cli::CompileArgs;
use std::io::Write;

pub fn run(args: &CompileArgs, out: &mut dyn Write, err: &mut dyn Write) -> Status {
    let Some((_, checked)) = compile(&args.compile, out, err) else {
        return Status::Invalid;
    };
    let json = match serde_json::to_string_pretty(&checked.plan) {
        Ok(json) => json + "\n",
        Err(e) => {
            let _ = writeln!(err, "error: cannot serialise the plan: {e}");
            return Status::CouldNotRun;
        }
    };
    match &args.output {
        Some(path) => {
            if let Err(e) = std::fs::write(path, json) {
                let _ = writeln!(err, "error: cannot write {}: {e}", path.display());
                return Status::CouldNotRun;
            }
        }
        None => {
            let _ = out.write_all(json.as_bytes());
        }
    }
    Status::Success
}
