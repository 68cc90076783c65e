//! What `intent run` and `intent monitor` share before anything is sent: the plan (compiled,
//! or read from a file written by `intent compile`), the URL of every target (from the
//! command line, intent.toml and its environments), and the systems under test that
//! intent.toml says how to start. A session is closed by stopping those systems again.

use crate::Status;
use crate::check::compile;
use crate::cli::{CompileOptions, SystemArgs};
use crate::project::{self, Project};
use crate::system::{self, RunningSystem};
use intent_ir::Plan;
use intent_runner::{RunOptions, Selection};
use intent_source::{SourceFile, SourceMap};
use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Arc;

pub struct Session {
    pub plan: Arc<Plan>,
    /// The spec texts, for drawing failures (empty for files a plan names but that are gone).
    pub sources: SourceMap,
    /// The project root, which the plan's dataset paths are relative to.
    pub root: PathBuf,
    /// The URL of each target that has one outside the spec.
    pub targets: BTreeMap<String, String>,
    running: Vec<RunningSystem>,
}

impl Session {
    /// Everything about the command line is checked here, before anything is started: an
    /// invalid option or spec is `Err(Status::Invalid)`, a system that cannot be started
    /// `Err(Status::CouldNotRun)`; either is explained on `err`. `accept` is the command's own
    /// check of the plan (what it selects), made before any system is started: its error is
    /// an invalid command.
    pub async fn open(
        compile_options: &CompileOptions,
        plan_file: Option<&Path>,
        reach: &SystemArgs,
        accept: &dyn Fn(&Plan) -> Result<(), String>,
        out: &mut dyn Write,
        err: &mut dyn Write,
    ) -> Result<Session, Status> {
        let mut overrides = BTreeMap::new();
        for t in &reach.targets {
            match t.split_once('=') {
                Some((name, url)) if !name.is_empty() && !url.is_empty() => {
                    overrides.insert(name.to_string(), url.to_string());
                }
                _ => return Err(invalid(err, &format!("`--target {t}`: write NAME=URL"))),
            }
        }
        let cwd = std::env::current_dir().unwrap_or_default();
        let project = match project::find(&cwd).map(|p| project::load(&p)) {
            None => None,
            Some(Ok(p)) => Some(p),
            Some(Err(e)) => return Err(invalid(err, &e.to_string())),
        };
        // Datasets are read relative to the project root, as the plan's paths are written.
        let (plan, sources, root) = if let Some(path) = plan_file {
            match read_plan(path, project.as_ref()) {
                Ok((plan, sources)) => {
                    let root = project
                        .as_ref()
                        .map_or_else(|| cwd.clone(), |p| p.root.clone());
                    (plan, sources, root)
                }
                Err(e) => return Err(invalid(err, &e)),
            }
        } else {
            match compile(compile_options, out, err) {
                Some((loaded, checked)) => (checked.plan, loaded.sources, checked.root),
                None => return Err(Status::Invalid),
            }
        };
        for name in overrides.keys() {
            if plan.target(name).is_none() {
                let known: Vec<&str> = plan.targets.iter().map(|t| t.name.as_str()).collect();
                let message = format!(
                    "`--target {name}=…`: the specs have no target `{name}` (targets: {})",
                    known.join(", ")
                );
                return Err(invalid(err, &message));
            }
        }
        if let Err(message) = accept(&plan) {
            return Err(invalid(err, &message));
        }
        let mut targets = overrides.clone();
        if let Some(project) = &project {
            for target in &plan.targets {
                if targets.contains_key(&target.name) {
                    continue;
                }
                match project.target_url(&target.name, reach.env.as_deref()) {
                    Ok(Some(url)) => {
                        targets.insert(target.name.clone(), url);
                    }
                    Ok(None) => {}
                    Err(e) => return Err(invalid(err, &e.to_string())),
                }
            }
        } else if let Some(env) = &reach.env {
            let message = format!("`--env {env}` needs an intent.toml that defines environments");
            return Err(invalid(err, &message));
        }

        // Start the systems under test that intent.toml describes, unless a URL was given.
        let mut running: Vec<RunningSystem> = Vec::new();
        if let (Some(project), false) = (&project, reach.no_start) {
            for target in &plan.targets {
                let Some(start) = project
                    .targets
                    .get(&target.name)
                    .and_then(|t| t.start.as_ref())
                else {
                    continue;
                };
                if overrides.contains_key(&target.name) || reach.env.is_some() {
                    continue;
                }
                let _ = writeln!(err, "starting {} …", target.name);
                match system::start(
                    &target.name,
                    start,
                    targets.get(&target.name).map(String::as_str),
                )
                .await
                {
                    Ok(started) => {
                        let _ = writeln!(err, "{} is ready at {}", target.name, started.url());
                        targets.insert(target.name.clone(), started.url().to_string());
                        running.push(started);
                    }
                    Err(e) => {
                        let _ = writeln!(err, "error: {e}");
                        stop_all(running).await;
                        return Err(Status::CouldNotRun);
                    }
                }
            }
        }
        Ok(Session {
            plan: Arc::new(plan),
            sources,
            root,
            targets,
            running,
        })
    }

    /// The runner's options for this session.
    pub fn run_options(&self, reach: &SystemArgs, selection: Selection) -> RunOptions {
        RunOptions {
            jobs: reach.jobs.unwrap_or_else(|| RunOptions::default().jobs),
            targets: self.targets.clone(),
            selection,
            data_root: self.root.clone(),
            body_limit: reach.max_body,
            ..RunOptions::default()
        }
    }

    /// Stops every system the session started.
    pub async fn close(self) {
        stop_all(self.running).await;
    }
}

async fn stop_all(running: Vec<RunningSystem>) {
    for system in running {
        system.stop().await;
    }
}

/// Reads a plan written by `intent compile`, and the spec texts it points at (for drawing
/// failures; a missing file only loses the snippet).
fn read_plan(path: &Path, project: Option<&Project>) -> Result<(Plan, SourceMap), String> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("cannot read the plan {}: {e}", path.display()))?;
    let plan: Plan = serde_json::from_str(&text)
        .map_err(|e| format!("{} is not a plan: {e}", path.display()))?;
    if plan.format != intent_ir::FORMAT {
        return Err(format!(
            "{} has the format `{}`, but this intent reads `{}`; compile it again",
            path.display(),
            plan.format,
            intent_ir::FORMAT
        ));
    }
    let base = project.map_or_else(|| PathBuf::from("."), |p| p.root.clone());
    let mut sources = SourceMap::new();
    for file in &plan.files {
        let text = std::fs::read_to_string(base.join(&file.path)).unwrap_or_default();
        sources.add(SourceFile::new(file.path.clone(), text));
    }
    Ok((plan, sources))
}

/// Runs a command's async body on a multi-threaded runtime; a runtime that cannot start is
/// exit 3.
pub fn block_on<'w, F: std::future::Future<Output = Status>>(
    err: &'w mut dyn Write,
    body: impl FnOnce(&'w mut dyn Write) -> F,
) -> Status {
    match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime.block_on(body(err)),
        Err(e) => {
            let _ = writeln!(err, "error: cannot start the async runtime: {e}");
            Status::CouldNotRun
        }
    }
}

/// The history file: the one given, else `.intent/history.sqlite` in the project root (the
/// folder with intent.toml, else the current folder).
pub fn history_path(given: Option<&Path>) -> PathBuf {
    if let Some(path) = given {
        return path.to_path_buf();
    }
    let cwd = std::env::current_dir().unwrap_or_default();
    let root = project::find(&cwd)
        .and_then(|p| p.parent().map(Path::to_path_buf))
        .unwrap_or(cwd);
    root.join(".intent").join("history.sqlite")
}

pub fn invalid(err: &mut dyn Write, message: &str) -> Status {
    let _ = writeln!(err, "error: {message}");
    Status::Invalid
}
