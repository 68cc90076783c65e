//! `intent check`: compile without sending anything.

use crate::Status;
use crate::cli::{CheckArgs, CompileOptions, Format};
use crate::output::report;
use crate::project;
use intent_check::{CheckOptions, Checked, Loaded};
use std::io::Write;
use std::path::PathBuf;

pub fn run(args: &CheckArgs, out: &mut dyn Write, err: &mut dyn Write) -> Status {
    match compile(&args.compile, out, err) {
        Some(_) => Status::Success,
        None => Status::Invalid,
    }
}

/// The spec paths to compile: those on the command line, else the `specs` of the nearest
/// intent.toml.
pub fn spec_paths(given: &[PathBuf], err: &mut dyn Write) -> Option<Vec<PathBuf>> {
    if !given.is_empty() {
        return Some(given.to_vec());
    }
    let cwd = std::env::current_dir().unwrap_or_default();
    let Some(path) = project::find(&cwd) else {
        let _ = writeln!(
            err,
            "error: name spec files or folders, or run from a project with an intent.toml"
        );
        return None;
    };
    match project::load(&path) {
        Ok(project) if !project.specs.is_empty() => Some(project.specs),
        Ok(_) => {
            let _ = writeln!(
                err,
                "error: {} lists no `specs`; name spec files or folders",
                path.display()
            );
            None
        }
        Err(e) => {
            let _ = writeln!(err, "error: {e}");
            None
        }
    }
}

/// Loads and checks the specs, prints the diagnostics, and returns the loaded files with the
/// plan when there were no errors (warnings count as errors with `--deny-warnings`).
pub fn compile(
    options: &CompileOptions,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> Option<(Loaded, Checked)> {
    let paths = spec_paths(&options.paths, err)?;
    let loaded = intent_check::load(&paths);
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
    (counts.errors == 0).then_some((loaded, checked))
}
