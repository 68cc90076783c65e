//! `intent run`: compile (or read a plan), start the systems under test that intent.toml
//! describes, run, report, and stop them again, whatever happened.

use crate::Status;
use crate::check::compile;
use crate::cli::RunArgs;
use crate::output::use_color;
use crate::project::{self, Project};
use crate::system::{self, RunningSystem};
use intent_ir::{Plan, RunResult};
use intent_report::TerminalOptions;
use intent_runner::{RunOptions, Selection, Shard};
use intent_source::{SourceFile, SourceMap};
use std::collections::BTreeMap;
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// A report to write after the run: `junit=PATH`, `json=PATH` or `markdown=PATH`.
#[derive(Debug)]
enum ReportKind {
    Junit,
    Json,
    Markdown,
}

fn parse_report(text: &str) -> Result<(ReportKind, PathBuf), String> {
    let (kind, path) = text
        .split_once('=')
        .ok_or_else(|| format!("`{text}`: write a report as KIND=PATH, e.g. junit=report.xml"))?;
    let kind = match kind {
        "junit" => ReportKind::Junit,
        "json" => ReportKind::Json,
        "markdown" | "md" => ReportKind::Markdown,
        other => {
            return Err(format!(
                "unknown report kind `{other}`: use junit, json or markdown"
            ));
        }
    };
    Ok((kind, PathBuf::from(path)))
}

pub fn run(args: &RunArgs, out: &mut dyn Write, err: &mut dyn Write) -> Status {
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            let _ = writeln!(err, "error: cannot start the async runtime: {e}");
            return Status::CouldNotRun;
        }
    };
    runtime.block_on(run_async(args, out, err))
}

async fn run_async(args: &RunArgs, out: &mut dyn Write, err: &mut dyn Write) -> Status {
    // Everything about the command line is checked before anything is started or sent.
    let reports = match args
        .reports
        .iter()
        .map(|r| parse_report(r))
        .collect::<Result<Vec<_>, _>>()
    {
        Ok(r) => r,
        Err(e) => return invalid(err, &e),
    };
    let selection = match selection(args) {
        Ok(s) => s,
        Err(e) => return invalid(err, &e),
    };
    let mut overrides = BTreeMap::new();
    for t in &args.targets {
        match t.split_once('=') {
            Some((name, url)) if !name.is_empty() && !url.is_empty() => {
                overrides.insert(name.to_string(), url.to_string());
            }
            _ => return invalid(err, &format!("`--target {t}`: write NAME=URL")),
        }
    }
    let cwd = std::env::current_dir().unwrap_or_default();
    let project = match project::find(&cwd).map(|p| project::load(&p)) {
        None => None,
        Some(Ok(p)) => Some(p),
        Some(Err(e)) => return invalid(err, &e.to_string()),
    };
    // Datasets are read relative to the project root, as the plan's paths are written.
    let (plan, sources, data_root) = if let Some(path) = &args.plan {
        match read_plan(path, project.as_ref()) {
            Ok((plan, sources)) => {
                let root = project
                    .as_ref()
                    .map_or_else(|| cwd.clone(), |p| p.root.clone());
                (plan, sources, root)
            }
            Err(e) => return invalid(err, &e),
        }
    } else {
        match compile(&args.compile, out, err) {
            Some((loaded, checked)) => (checked.plan, loaded.sources, checked.root),
            None => return Status::Invalid,
        }
    };
    for name in overrides.keys() {
        if plan.target(name).is_none() {
            let known: Vec<&str> = plan.targets.iter().map(|t| t.name.as_str()).collect();
            return invalid(
                err,
                &format!(
                    "`--target {name}=…`: the specs have no target `{name}` (targets: {})",
                    known.join(", ")
                ),
            );
        }
    }
    let mut targets = overrides.clone();
    if let Some(project) = &project {
        for target in &plan.targets {
            if targets.contains_key(&target.name) {
                continue;
            }
            match project.target_url(&target.name, args.env.as_deref()) {
                Ok(Some(url)) => {
                    targets.insert(target.name.clone(), url);
                }
                Ok(None) => {}
                Err(e) => return invalid(err, &e.to_string()),
            }
        }
    } else if let Some(env) = &args.env {
        return invalid(
            err,
            &format!("`--env {env}` needs an intent.toml that defines environments"),
        );
    }

    // Start the systems under test that intent.toml describes, unless a URL was given.
    let mut running: Vec<RunningSystem> = Vec::new();
    if let (Some(project), false) = (&project, args.no_start) {
        for target in &plan.targets {
            let Some(start) = project
                .targets
                .get(&target.name)
                .and_then(|t| t.start.as_ref())
            else {
                continue;
            };
            if overrides.contains_key(&target.name) || args.env.is_some() {
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
                Ok(system) => {
                    let _ = writeln!(err, "{} is ready at {}", target.name, system.url());
                    targets.insert(target.name.clone(), system.url().to_string());
                    running.push(system);
                }
                Err(e) => {
                    let _ = writeln!(err, "error: {e}");
                    stop_all(running).await;
                    return Status::CouldNotRun;
                }
            }
        }
    }

    let options = TerminalOptions {
        color: use_color(std::io::stdout().is_terminal()),
        width: 100,
        verbose: args.verbose,
    };
    let setup = Setup {
        targets,
        selection,
        data_root,
    };
    let result = execute(args, Arc::new(plan), setup, &options, out).await;
    stop_all(running).await;
    let result = match result {
        Ok(r) => r,
        Err(e) => {
            let _ = writeln!(err, "error: the run could not be carried out: {e}");
            return Status::CouldNotRun;
        }
    };

    let _ = write!(
        out,
        "{}",
        intent_report::failures(&result, &sources, &options)
    );
    let _ = write!(out, "{}", intent_report::summary(&result, &options));
    if std::env::var("GITHUB_ACTIONS").is_ok_and(|v| v == "true") {
        let _ = write!(out, "{}", intent_report::github_annotations(&result));
    }
    for (kind, path) in &reports {
        let text = match kind {
            ReportKind::Junit => match intent_report::junit(&result) {
                Ok(t) => t,
                Err(e) => {
                    let _ = writeln!(err, "error: cannot write the JUnit report: {e}");
                    return Status::CouldNotRun;
                }
            },
            ReportKind::Json => intent_report::json(&result),
            ReportKind::Markdown => intent_report::markdown(&result),
        };
        if let Err(e) = std::fs::write(path, text) {
            let _ = writeln!(err, "error: cannot write {}: {e}", path.display());
            return Status::CouldNotRun;
        }
    }
    if result.interrupted {
        Status::CouldNotRun
    } else if result.passed() {
        Status::Success
    } else {
        Status::Failed
    }
}

/// What the command line and intent.toml settled for the runner.
struct Setup {
    targets: BTreeMap<String, String>,
    selection: Selection,
    data_root: PathBuf,
}

/// Runs the plan, printing a line per item as it finishes.
async fn execute(
    args: &RunArgs,
    plan: Arc<Plan>,
    setup: Setup,
    options: &TerminalOptions,
    out: &mut dyn Write,
) -> Result<RunResult, intent_runner::RunError> {
    // Lines go through a plain channel that the printing loop drains every few milliseconds:
    // waking the printer for each of thousands of fast intents would cost more than the lines.
    let (lines, receive) = std::sync::mpsc::channel::<String>();
    let line_options = *options;
    let item_lines = lines.clone();
    let on_item: Arc<dyn Fn(&intent_ir::ItemResult) + Send + Sync> = Arc::new(move |item| {
        let _ = item_lines.send(intent_report::item_line(item, &line_options));
    });
    let exchanges: Option<Arc<dyn Fn(String) + Send + Sync>> = args.verbose.then(|| {
        let lines = lines.clone();
        Arc::new(move |text: String| {
            let _ = lines.send(text);
        }) as Arc<dyn Fn(String) + Send + Sync>
    });
    drop(lines);
    let run_options = RunOptions {
        jobs: args.jobs.unwrap_or_else(|| RunOptions::default().jobs),
        targets: setup.targets,
        selection: setup.selection,
        data_root: setup.data_root,
        body_limit: args.max_body,
        exchanges,
        ..RunOptions::default()
    };
    let interrupt = async {
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
    };
    let mut handle = tokio::spawn(intent_runner::run(plan, run_options, on_item, interrupt));
    let mut ticker = tokio::time::interval(std::time::Duration::from_millis(20));
    let print = |out: &mut dyn Write| {
        for line in receive.try_iter() {
            let _ = writeln!(out, "{}", line.trim_end());
        }
    };
    let outcome = loop {
        tokio::select! {
            done = &mut handle => break done,
            _ = ticker.tick() => print(out),
        }
    };
    print(out);
    outcome.map_err(|e| intent_runner::RunError(format!("the runner stopped: {e}")))?
}

async fn stop_all(running: Vec<RunningSystem>) {
    for system in running {
        system.stop().await;
    }
}

fn selection(args: &RunArgs) -> Result<Selection, String> {
    let tags = match &args.tags {
        Some(text) => Some(intent_check::tag_expr(&intent_syntax::parse_tag_expr(
            text,
        )?)),
        None => None,
    };
    let shard = args.shard.as_deref().map(Shard::parse).transpose()?;
    Ok(Selection {
        tags,
        names: args.name.clone(),
        shard,
    })
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

fn invalid(err: &mut dyn Write, message: &str) -> Status {
    let _ = writeln!(err, "error: {message}");
    Status::Invalid
}
