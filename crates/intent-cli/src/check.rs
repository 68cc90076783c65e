//! `intent check`: compile without sending anything.

use crate::Status;
use crate::cli::{CheckArgs, Format};
use crate::output::report;
use std::io::Write;

pub fn run(args: &CheckArgs, out: &mut dyn Write, err: &mut dyn Write) -> Status {
    let options = &args.compile;
    let mut loaded = intent_check::load(&options.paths);
    if loaded.files.is_empty() {
        let _ = writeln!(err, "error: no `.intent` files found in the given paths");
        return Status::Invalid;
    }
    let counts = report(
        &mut loaded.diagnostics,
        &loaded.sources,
        options.format,
        options.deny_warnings,
        out,
        err,
    );
    if options.format == Format::Human {
        let _ = writeln!(err, "{}", counts.summary(loaded.files.len()));
    }
    if counts.errors > 0 {
        Status::Invalid
    } else {
        Status::Success
    }
}
