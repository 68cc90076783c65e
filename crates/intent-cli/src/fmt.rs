//! `intent fmt`: formats spec files in place, or with `--check` only says which are not
//! formatted. A file with syntax errors is left alone and reported.

use crate::Status;
use crate::check::project_and_paths;
use crate::cli::FmtArgs;
use intent_syntax::FormatError;
use std::io::Write;
use std::path::PathBuf;

pub fn run(args: &FmtArgs, out: &mut dyn Write, err: &mut dyn Write) -> Status {
    let Some((_, paths)) = project_and_paths(&args.paths, false, err) else {
        return Status::Invalid;
    };
    let mut files: Vec<PathBuf> = Vec::new();
    for path in paths {
        if path.is_dir() {
            files.extend(intent_project::spec_files_in(&path));
        } else {
            files.push(path);
        }
    }
    let (mut unformatted, mut invalid, mut failed) = (0, 0, 0);
    for file in &files {
        let shown = file.display();
        // Read as the compiler reads a spec: a regular file, bounded.
        let text = match intent_project::read_spec(file) {
            Ok(t) => t.to_string(),
            Err(e) => {
                let _ = writeln!(err, "error: cannot read {shown}: {e}");
                invalid += 1;
                continue;
            }
        };
        match intent_syntax::format(&text) {
            Ok(formatted) if formatted == text => {}
            Ok(formatted) => {
                unformatted += 1;
                if args.check {
                    let _ = writeln!(out, "not formatted: {shown}");
                } else if let Err(e) = std::fs::write(file, formatted) {
                    let _ = writeln!(err, "error: cannot write {shown}: {e}");
                    failed += 1;
                } else {
                    let _ = writeln!(out, "formatted {shown}");
                }
            }
            Err(FormatError::Invalid(diagnostics)) => {
                invalid += 1;
                let _ = writeln!(
                    err,
                    "error: {shown} has {} syntax error(s); run `intent check` on it, then format it",
                    diagnostics.len()
                );
            }
            Err(FormatError::Changed) => {
                failed += 1;
                let _ = writeln!(
                    err,
                    "error: formatting {shown} would change its meaning; it was left as it is (a bug of the formatter)"
                );
            }
        }
    }
    let _ = writeln!(
        err,
        "{} file(s), {} {}",
        files.len(),
        unformatted,
        if args.check {
            "not formatted"
        } else {
            "reformatted"
        }
    );
    if invalid > 0 {
        Status::Invalid
    } else if failed > 0 {
        Status::CouldNotRun
    } else if args.check && unformatted > 0 {
        Status::Failed
    } else {
        Status::Success
    }
}
