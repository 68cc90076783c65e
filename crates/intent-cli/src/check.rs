//! `intent check`: compile without sending anything.

use crate::Status;
use crate::cli::{CheckArgs, CompileOptions, Format};
use crate::output::report;
use intent_check::{Checked, Keep};
use intent_project::{Overlays, Project};
use std::io::Write;
use std::path::PathBuf;

pub fn run(args: &CheckArgs, out: &mut dyn Write, err: &mut dyn Write) -> Status {
    match compile(&args.compile, Keep::Diagnostics, out, err) {
        Some(_) => Status::Success,
        None => Status::Invalid,
    }
}

/// A spec set compiled without errors: the project it belongs to and what the checker made
/// of it (the parsed files, the plan).
pub struct Compiled {
    pub project: Project,
    pub checked: Checked,
}

/// The project of the specs on the command line (or of the current folder), and the spec
/// paths to use: those given, else the `specs` of its intent.toml.
pub fn project_and_paths(
    given: &[PathBuf],
    allow_outside_root: bool,
    err: &mut dyn Write,
) -> Option<(Project, Vec<PathBuf>)> {
    let project = match Project::discover(given, allow_outside_root) {
        Ok(project) => project,
        Err(e) => {
            let _ = writeln!(err, "error: {e}");
            return None;
        }
    };
    if !given.is_empty() {
        return Some((project, given.to_vec()));
    }
    let specs = project.default_specs();
    if specs.is_empty() {
        let _ = match &project.config {
            Some(_) => writeln!(
                err,
                "error: {} lists no `specs`; name spec files or folders",
                project.root.join(intent_project::FILE_NAME).display()
            ),
            None => writeln!(
                err,
                "error: name spec files or folders, or run from a project with an intent.toml"
            ),
        };
        return None;
    }
    Some((project, specs))
}

/// Reads and checks the specs, prints the diagnostics, and returns the project with what the
/// checker made of it when there were no errors (warnings count as errors with
/// `--deny-warnings`), keeping as much of it as `keep` says: `intent check` only reports, and
/// a run needs the plan but not the intents' syntax trees.
pub fn compile(
    options: &CompileOptions,
    keep: Keep,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> Option<Compiled> {
    let (project, paths) = project_and_paths(&options.paths, options.allow_outside_root, err)?;
    let tree = project.tree(&paths, &Overlays::new());
    if tree.named().is_empty() {
        let _ = writeln!(err, "error: no `.intent` files found in the given paths");
        return None;
    }
    let mut checked = intent_check::check_keeping(&tree, keep);
    let counts = report(
        &mut checked.diagnostics,
        &checked.loaded.sources,
        options.format,
        options.deny_warnings,
        out,
        err,
    );
    if options.format == Format::Human {
        let _ = writeln!(err, "{}", counts.summary(checked.loaded.files.len()));
    }
    (counts.errors == 0).then_some(Compiled { project, checked })
}
