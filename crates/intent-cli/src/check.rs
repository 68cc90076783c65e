//! `intent check`: compile without sending anything.

use crate::Status;
use crate::cli::{CheckArgs, CompileOptions, Format};
use crate::output::report;
use intent_check::{CheckOptions, Checked};
use std::io::Write;

pub fn run(args: &CheckArgs, out: &mut dyn Write, err: &mut dyn Write) -> Status {
    match compile(&args.compile, out, err) {
        Some(_) => Status::Success,
        None => Status::Invalid,
    }
}

/// Loads and checks the specs, prints the diagnostics, and returns the plan when there were
/// no errors (warnings count as errors with `--deny-warnings`).
pub fn compile(
    options: &CompileOptions,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> Option<Checked> {
    let loaded = intent_check::load(&options.paths);
    if loaded.files.is_empty() {
        let _ = writeln!(err, "error: no `.intent` files found in the given paths");
        return None;
    }
    let mut checked = intent_check::check(
        &loaded,
        &CheckOptions {
            project_root: None,
            allow_outside_root: options.allow_outside_root,
        },
    );
    let counts = report(
        &mut checked.diagnostics,
        &loaded.sources,
        options.format,
        options.deny_warnings,
        out,
        err,
    );
    if options.format == Format::Human {
        let _ = writeln!(err, "{}", counts.summary(loaded.files.len()));
    }
    (counts.errors == 0).then_some(checked)
}
