//! `intent import gherkin FILE.feature... -o DIR`: one spec per feature file, each
//! Given/When/Then line bound to the steps of the project with the checker's own binding
//! (`intent_check::StepIndex`). A line the checker would still refuse once written (an argument
//! of the wrong type, say) is turned into a comment with the checker's message, so what is
//! written always checks; the summary says how many lines were bound.

use super::check_spec;
use super::files::canonical;
use crate::Status;
use crate::cli::GherkinArgs;
use intent_codegen::{GherkinSpec, StepBinder, StepMatch};
use intent_syntax::ast;
use std::collections::BTreeSet;
use std::io::Write;
use std::path::{Component, Path, PathBuf};

/// The largest feature file read.
const MAX_FEATURE_BYTES: u64 = 16 * 1024 * 1024;
/// How many times lines the checker refuses are commented out before giving up.
const MAX_SETTLE_ROUNDS: usize = 8;
/// How many unbound lines the summary lists per file.
const MAX_LISTED: usize = 20;

pub fn gherkin(args: &GherkinArgs, err: &mut dyn Write) -> Status {
    if let Err(e) = std::fs::create_dir_all(&args.output) {
        let _ = writeln!(err, "error: cannot make {}: {e}", args.output.display());
        return Status::CouldNotRun;
    }
    let dir = canonical(&args.output);
    let project = match intent_project::Project::discover(std::slice::from_ref(&dir), false) {
        Ok(project) => project,
        Err(e) => {
            let _ = writeln!(err, "error: {e}");
            return Status::Invalid;
        }
    };
    let steps = if args.steps.is_empty() {
        project.default_specs()
    } else {
        args.steps.clone()
    };
    let checked = intent_check::check(&project.tree(&steps, &intent_project::Overlays::default()));
    if !steps.is_empty() {
        let errors = checked.diagnostics.iter().filter(|d| d.is_error()).count();
        if errors > 0 {
            let _ = writeln!(
                err,
                "error: the specs whose steps the lines bind to have {errors} error(s); run `intent check` on them first"
            );
            return Status::Invalid;
        }
    }
    let loaded = checked.loaded;
    let binder = ProjectSteps {
        index: intent_check::StepIndex::new(&loaded),
        globals: globals(&loaded),
        dir: dir.clone(),
    };
    let root = project.root.clone();
    let _ = writeln!(
        err,
        "binding steps against {} step(s) of {} file(s)",
        binder.index.len(),
        loaded.files.len()
    );
    let mut status = Status::Success;
    let mut written: BTreeSet<PathBuf> = BTreeSet::new();
    for path in &args.features {
        let shown = path.display();
        let text = match read_feature(path) {
            Ok(text) => text,
            Err(e) => {
                let _ = writeln!(err, "error: cannot read {shown}: {e}");
                status = Status::Invalid;
                continue;
            }
        };
        let feature = match gherkin::Feature::parse(&text, gherkin::GherkinEnv::default()) {
            Ok(feature) => feature,
            Err(e) => {
                let _ = writeln!(err, "error: {shown} is not a Gherkin feature: {e}");
                status = Status::Invalid;
                continue;
            }
        };
        let source = path
            .file_name()
            .map_or_else(|| shown.to_string(), |n| n.to_string_lossy().into_owned());
        let mut imported = intent_codegen::import_feature(&feature, &source, &binder);
        let target = output_file(&dir, path, &mut written);
        match settle(&mut imported, &target, &root) {
            Ok(()) => {}
            Err(problems) => {
                let _ = writeln!(
                    err,
                    "error: the spec made from {shown} does not check; this is a bug of the importer:\n{}",
                    problems.join("\n")
                );
                status = Status::CouldNotRun;
                continue;
            }
        }
        if let Err(e) = std::fs::write(&target, &imported.spec) {
            let _ = writeln!(err, "error: cannot write {}: {e}", target.display());
            status = Status::CouldNotRun;
            continue;
        }
        report(err, &imported, &source, &target);
    }
    status
}

/// A feature file: a regular file of at most [`MAX_FEATURE_BYTES`], read as UTF-8.
fn read_feature(path: &Path) -> Result<String, String> {
    let metadata = std::fs::metadata(path).map_err(|e| e.to_string())?;
    if !metadata.is_file() {
        return Err("not a regular file".into());
    }
    if metadata.len() > MAX_FEATURE_BYTES {
        return Err(format!(
            "{} bytes, more than the {MAX_FEATURE_BYTES} a feature file may have",
            metadata.len()
        ));
    }
    std::fs::read_to_string(path).map_err(|e| e.to_string())
}

/// `DIR/<feature name>.intent`, suffixed `_2`, `_3`, … when two features share a name.
fn output_file(dir: &Path, feature: &Path, written: &mut BTreeSet<PathBuf>) -> PathBuf {
    let stem = feature.file_stem().map_or_else(
        || "feature".to_string(),
        |s| s.to_string_lossy().into_owned(),
    );
    let candidates = std::iter::once(stem.clone()).chain((2..).map(|n| format!("{stem}_{n}")));
    for candidate in candidates {
        let path = dir.join(format!("{candidate}.intent"));
        if written.insert(path.clone()) {
            return path;
        }
    }
    dir.join(format!("{stem}.intent"))
}

/// Checks the spec as it will be written and turns each line the checker refuses into a
/// comment with its message, until it checks; `Err` with the rendered errors if lines that are
/// not step lines are refused.
fn settle(imported: &mut GherkinSpec, target: &Path, root: &Path) -> Result<(), Vec<String>> {
    for _ in 0..MAX_SETTLE_ROUNDS {
        let (loaded, errors) = check_spec(&imported.spec, target, root);
        if errors.is_empty() {
            return Ok(());
        }
        let mut lines: Vec<String> = imported.spec.lines().map(str::to_string).collect();
        let mut changed = false;
        for error in &errors {
            let label = error.primary();
            if label.file != intent_source::FileId(0) {
                continue;
            }
            let line = loaded
                .sources
                .get(label.file)
                .line_col(label.span.start)
                .line;
            let Some(text) = lines.get_mut(line.saturating_sub(1) as usize) else {
                continue;
            };
            let trimmed = text.trim_start().to_string();
            if trimmed.starts_with("given ") || trimmed.starts_with("when ") {
                *text = format!("  # {trimmed}\n  #   {}", error.message);
                imported.bound = imported.bound.saturating_sub(1);
                imported.unbound.push(intent_codegen::Unbound {
                    line: 0,
                    text: trimmed.clone(),
                    why: error.message.clone(),
                });
                changed = true;
            }
        }
        if !changed {
            return Err(super::errors_of(&imported.spec, target, root));
        }
        imported.spec = lines.join("\n") + "\n";
    }
    Err(super::errors_of(&imported.spec, target, root))
}

fn report(err: &mut dyn Write, imported: &GherkinSpec, source: &str, target: &Path) {
    let _ = writeln!(
        err,
        "wrote {}: {} scenario(s) as {} intent(s); {} of {} step line(s) bound",
        target.display(),
        imported.scenarios,
        imported.intents,
        imported.bound,
        imported.steps
    );
    for unbound in imported.unbound.iter().take(MAX_LISTED) {
        let place = if unbound.line > 0 {
            format!("{source}:{}", unbound.line)
        } else {
            source.to_string()
        };
        let _ = writeln!(err, "  {place}: {} — {}", unbound.text, unbound.why);
    }
    if imported.unbound.len() > MAX_LISTED {
        let _ = writeln!(
            err,
            "  … and {} more (each is a comment in the spec)",
            imported.unbound.len() - MAX_LISTED
        );
    }
}

/// The names the project defines globally: targets, lets, secrets, datasets.
fn globals(loaded: &intent_check::Loaded) -> Vec<String> {
    let mut names = Vec::new();
    for file in &loaded.files {
        for item in &file.syntax.items {
            let name = match item {
                ast::Item::Target(t) => &t.name,
                ast::Item::Let(l) => &l.name,
                ast::Item::Secret(s) => &s.name,
                ast::Item::Dataset(d) => &d.name,
                _ => continue,
            };
            names.push(name.name.clone());
        }
    }
    names
}

/// The project's steps, bound as the checker binds them.
struct ProjectSteps {
    index: intent_check::StepIndex,
    globals: Vec<String>,
    /// The output folder, which `use` paths are relative to.
    dir: PathBuf,
}

impl StepBinder for ProjectSteps {
    fn bind(&self, call: &str) -> StepMatch {
        let text = format!("intent \"line\" {{\n  given {call}\n}}\n");
        let parsed = intent_syntax::parse(intent_source::FileId(0), &text);
        if let Some(first) = parsed.diagnostics.first() {
            return StepMatch::NotACall(first.message.clone());
        }
        let call = parsed.file.items.iter().find_map(|item| match item {
            ast::Item::Intent(intent) => intent.body.statements.iter().find_map(|s| match s {
                ast::Statement::Given(ast::Given {
                    name: None,
                    value: ast::GivenValue::Call(call),
                    ..
                }) => Some(call),
                _ => None,
            }),
            _ => None,
        });
        let Some(call) = call else {
            return StepMatch::NotACall("it reads as an expression, not a sentence".into());
        };
        match self.index.bind(call) {
            intent_check::Binding::Bound { file, .. } => {
                let file = canonical(&file);
                StepMatch::Bound {
                    file: relative(&self.dir, &file),
                }
            }
            intent_check::Binding::Ambiguous { patterns } => StepMatch::Ambiguous { patterns },
            intent_check::Binding::Unbound { nearest } => StepMatch::Unbound { nearest },
        }
    }

    fn globals(&self) -> Vec<String> {
        self.globals.clone()
    }
}

/// `to` relative to the folder `from`, with `/` separators (`../specs/common.intent`).
fn relative(from: &Path, to: &Path) -> String {
    let from: Vec<Component> = from.components().collect();
    let to_parts: Vec<Component> = to.components().collect();
    let common = from
        .iter()
        .zip(&to_parts)
        .take_while(|(a, b)| a == b)
        .count();
    let mut parts: Vec<String> = vec!["..".to_string(); from.len() - common];
    parts.extend(
        to_parts[common..]
            .iter()
            .map(|c| c.as_os_str().to_string_lossy().into_owned()),
    );
    parts.join("/")
}
