//! What `intent run` and `intent monitor` share before anything is sent: the plan (compiled,
//! or read from a file written by `intent compile`), the URL of every target (from the
//! command line, intent.toml and its environments), and the systems under test that
//! intent.toml says how to start. A session is closed by stopping those systems again.

use crate::Status;
use crate::check::compile;
use crate::cli::{CompileOptions, SystemArgs};
use crate::system::{self, RunningSystem};
use intent_ir::Plan;
use intent_project::{DatasetFiles, Project, TargetUrls};
use intent_runner::{ClientOptions, RunOptions, Selection};
use intent_source::{SourceFile, SourceMap};
use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// How often starting a system under test says that it is still waiting (a first start may
/// compile it for minutes).
const WAITING_LINE_EVERY: std::time::Duration = std::time::Duration::from_secs(5);

pub struct Session {
    pub plan: Arc<Plan>,
    /// The spec texts, for drawing failures (empty for files a plan names but that are gone).
    pub sources: SourceMap,
    /// The project's datasets, which the runner streams (the plan's paths are relative to
    /// the project root).
    pub datasets: DatasetFiles,
    /// The URL of each target that has one outside the spec.
    pub targets: BTreeMap<String, String>,
    /// Proxies, trusted CAs, client certificates and HTTP/2 settings.
    client: ClientOptions,
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
        let mut overrides = TargetUrls::new();
        for t in &reach.targets {
            match t.split_once('=') {
                Some((name, url)) if !name.is_empty() && !url.is_empty() => {
                    overrides.insert(name.to_string(), url.to_string());
                }
                _ => return Err(invalid(err, &format!("`--target {t}`: write NAME=URL"))),
            }
        }
        // Datasets are read relative to the project root, as the plan's paths are written.
        let (plan, sources, project) = if let Some(path) = plan_file {
            // A plan's paths are relative to its project: the one that holds the plan file.
            let project = match Project::discover(
                &[path.to_path_buf()],
                compile_options.allow_outside_root,
            ) {
                Ok(project) => project,
                Err(e) => return Err(invalid(err, &e.to_string())),
            };
            match read_plan(path, &project) {
                Ok((plan, sources)) => (plan, sources, project),
                Err(e) => return Err(invalid(err, &e)),
            }
        } else {
            match compile(compile_options, intent_check::Keep::Run, out, err) {
                Some(compiled) => (
                    compiled.checked.plan,
                    compiled.checked.loaded.sources,
                    compiled.project,
                ),
                None => return Err(Status::Invalid),
            }
        };
        let names: Vec<&str> = plan.targets.iter().map(|t| t.name.as_str()).collect();
        let mut targets = match project.target_urls(&names, &overrides, reach.env.as_deref()) {
            Ok(targets) => targets,
            Err(e) => return Err(invalid(err, &e.to_string())),
        };
        if let Err(message) = accept(&plan) {
            return Err(invalid(err, &message));
        }
        let client = match crate::client::options(reach, project.config.as_ref(), &names) {
            Ok(client) => client,
            Err(message) => return Err(invalid(err, &message)),
        };

        // Start the systems under test that intent.toml describes, unless a URL was given.
        let mut running: Vec<RunningSystem> = Vec::new();
        if let (Some(config), false) = (&project.config, reach.no_start) {
            for target in &plan.targets {
                let Some(start) = config
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
                let mut say = |line: String| {
                    let _ = writeln!(err, "{line}");
                };
                let waiting = system::Waiting {
                    every: WAITING_LINE_EVERY,
                    say: &mut say,
                };
                let fallback = targets.get(&target.name).map(String::as_str);
                let tls = client.probe(&target.name);
                match system::start(&target.name, start, fallback, &tls, waiting).await {
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
            datasets: project.datasets(),
            targets,
            client,
            running,
        })
    }

    /// The runner's options for this session.
    pub fn run_options(&self, reach: &SystemArgs, selection: Selection) -> RunOptions {
        RunOptions {
            jobs: reach.jobs.unwrap_or_else(|| RunOptions::default().jobs),
            targets: self.targets.clone(),
            selection,
            datasets: Arc::new(Datasets(self.datasets.clone())),
            body_limit: reach.max_body,
            client: self.client.clone(),
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
fn read_plan(path: &Path, project: &Project) -> Result<(Plan, SourceMap), String> {
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
    let mut sources = SourceMap::new();
    for file in &plan.files {
        let text = intent_project::read_spec(&project.root.join(&file.path)).unwrap_or_default();
        sources.add(SourceFile::new(file.path.clone(), text));
    }
    Ok((plan, sources))
}

/// Runs a command's async body on a runtime of `threads` threads (default:
/// [`default_threads`]); a runtime that cannot start is exit 3.
///
/// One thread is a current-thread runtime: every task, hyper's connection tasks among them,
/// runs on the main thread, so a response wakes its request without a wake-up across threads.
/// With the system under test on the same two cores, that made `intent run` and load blocks
/// 10–15 % faster than two worker threads (docs/performance.md).
pub fn block_on<'w, F: std::future::Future<Output = Status>>(
    threads: Option<u16>,
    err: &'w mut dyn Write,
    body: impl FnOnce(&'w mut dyn Write) -> F,
) -> Status {
    let threads = threads.map_or_else(default_threads, usize::from);
    let mut builder = if threads <= 1 {
        tokio::runtime::Builder::new_current_thread()
    } else {
        let mut builder = tokio::runtime::Builder::new_multi_thread();
        builder.worker_threads(threads);
        builder
    };
    match builder.enable_all().build() {
        Ok(runtime) => runtime.block_on(body(err)),
        Err(e) => {
            let _ = writeln!(err, "error: cannot start the async runtime: {e}");
            Status::CouldNotRun
        }
    }
}

/// The threads a run drives requests from by default: one fewer than the cores, at least one.
/// A run's own CPU is mostly the kernel's and the HTTP client's; the core left over serves a
/// system under test on the same machine (as in CI), and the specs' parsing, which goes on in
/// a thread of its own.
fn default_threads() -> usize {
    std::thread::available_parallelism()
        .map_or(1, |cores| cores.get())
        .saturating_sub(1)
        .max(1)
}

/// The history file: the one given, else `.intent/history.sqlite` in the project root (the
/// folder with intent.toml, else the current folder).
pub fn history_path(given: Option<&Path>) -> PathBuf {
    if let Some(path) = given {
        return path.to_path_buf();
    }
    let root = Project::discover(&[], false).map_or_else(
        |_| std::env::current_dir().unwrap_or_default(),
        |project| project.root,
    );
    root.join(".intent").join("history.sqlite")
}

/// The project's datasets as the runner opens them.
struct Datasets(DatasetFiles);

impl intent_runner::DatasetSource for Datasets {
    fn open(&self, path: &str) -> Result<Box<dyn std::io::Read + Send>, String> {
        let file = self.0.open(path).map_err(|problem| problem.to_string())?;
        Ok(Box::new(file))
    }

    fn attachment(&self, path: &str) -> Result<Vec<u8>, String> {
        self.0
            .attachment(path)
            .map_err(|problem| problem.to_string())
    }
}

pub fn invalid(err: &mut dyn Write, message: &str) -> Status {
    let _ = writeln!(err, "error: {message}");
    Status::Invalid
}
