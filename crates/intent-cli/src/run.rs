//! `intent run`: compile (or read a plan), start the systems under test that intent.toml
//! describes, run, report, and stop them again, whatever happened.

use crate::Status;
use crate::cli::RunArgs;
use crate::output::use_color;
use crate::progress::Display;
use crate::session::{Session, invalid};
use intent_ir::{Plan, RunResult};
use intent_report::TerminalOptions;
use intent_runner::{RunOptions, Selection, Shard};
use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

/// A report to write after the run: `junit=PATH`, `json=PATH`, `markdown=PATH` or
/// `html=PATH`.
#[derive(Debug)]
enum ReportKind {
    Junit,
    Json,
    Markdown,
    Html,
}

fn parse_report(text: &str) -> Result<(ReportKind, PathBuf), String> {
    let (kind, path) = text
        .split_once('=')
        .ok_or_else(|| format!("`{text}`: write a report as KIND=PATH, e.g. junit=report.xml"))?;
    let kind = match kind {
        "junit" => ReportKind::Junit,
        "json" => ReportKind::Json,
        "markdown" | "md" => ReportKind::Markdown,
        "html" => ReportKind::Html,
        other => {
            return Err(format!(
                "unknown report kind `{other}`: use junit, json, markdown or html"
            ));
        }
    };
    Ok((kind, PathBuf::from(path)))
}

pub fn run(args: &RunArgs, out: &mut dyn Write, err: &mut dyn Write) -> Status {
    crate::session::block_on(args.system.threads, err, |err| run_async(args, out, err))
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
    // A selection of nothing is refused before any system is started, unless asked for.
    let accept = |plan: &Plan| match selection.check(plan) {
        Err(nothing) if !args.allow_empty => Err(format!(
            "the selection runs no intent, evaluation or load block\n{}\n  pass --allow-empty to run with nothing selected",
            indented(&nothing.to_string())
        )),
        _ => Ok(()),
    };
    let mut session = match Session::open(
        &args.compile,
        args.plan.as_deref(),
        &args.system,
        &accept,
        out,
        err,
    )
    .await
    {
        Ok(session) => session,
        Err(status) => return status,
    };
    let nothing = selection.check(&session.plan).err();
    let options = TerminalOptions {
        color: use_color(std::io::stdout().is_terminal()),
        width: 100,
        verbose: args.verbose,
    };
    let run_options = session.run_options(&args.system, selection);
    let result = execute(args, Arc::clone(&session.plan), run_options, &options, out).await;
    let sources = std::mem::take(&mut session.sources);
    session.close().await;
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
    if let Some(nothing) = nothing {
        let why = nothing.to_string().replace('\n', "; ");
        let _ = writeln!(out, "no item selected (--allow-empty): {why}");
    }
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
            ReportKind::Html => intent_report::html(&result),
        };
        if let Err(e) = std::fs::write(path, text) {
            let _ = writeln!(err, "error: cannot write {}: {e}", path.display());
            return Status::CouldNotRun;
        }
    }
    if result.interrupted || !result.unreachable.is_empty() {
        Status::CouldNotRun
    } else if result.passed() {
        Status::Success
    } else {
        Status::Failed
    }
}

/// Runs the plan, printing a line per item as it finishes.
async fn execute(
    args: &RunArgs,
    plan: Arc<Plan>,
    run_options: RunOptions,
    options: &TerminalOptions,
    out: &mut dyn Write,
) -> Result<RunResult, intent_runner::RunError> {
    // Lines go through a plain channel that the printing loop drains every few milliseconds:
    // waking the printer for each of thousands of fast intents would cost more than the lines.
    let (lines, receive) = std::sync::mpsc::channel::<String>();
    let line_options = *options;
    let item_lines = lines.clone();
    let finished = Arc::new(AtomicU64::new(0));
    let counted = Arc::clone(&finished);
    let on_item: Arc<dyn Fn(&intent_ir::ItemResult) + Send + Sync> = Arc::new(move |item| {
        counted.fetch_add(1, Ordering::Relaxed);
        let _ = item_lines.send(intent_report::item_line(item, &line_options));
    });
    let attended = std::io::stdout().is_terminal() && std::io::stderr().is_terminal();
    let drawn = attended && !args.verbose;
    // Only a drawn bar needs the total; counting lists the whole plan's work.
    let total = if drawn {
        intent_runner::planned_items(&plan, &run_options.selection) as u64
    } else {
        0
    };
    let mut display = Display::new(total, drawn);
    let running = run_options.progress.clone();
    let exchanges: Option<Arc<dyn Fn(String) + Send + Sync>> = args.verbose.then(|| {
        let lines = lines.clone();
        Arc::new(move |text: String| {
            let _ = lines.send(text);
        }) as Arc<dyn Fn(String) + Send + Sync>
    });
    drop(lines);
    let run_options = RunOptions {
        exchanges,
        ..run_options
    };
    let interrupt = async {
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
    };
    let mut handle = tokio::spawn(intent_runner::run(plan, run_options, on_item, interrupt));
    let mut ticker = tokio::time::interval(std::time::Duration::from_millis(20));
    let mut print = |out: &mut dyn Write| {
        display.suspend(|| {
            // One write for all the lines of a tick: standard output flushes at each line
            // break, and a system call per line of thousands of fast intents shows in a run.
            let mut batch = String::new();
            for line in receive.try_iter() {
                batch.push_str(line.trim_end());
                batch.push('\n');
            }
            if !batch.is_empty() {
                let _ = out.write_all(batch.as_bytes());
                let _ = out.flush();
            }
        });
        display.update(finished.load(Ordering::Relaxed), &running.snapshot());
    };
    let outcome = loop {
        tokio::select! {
            done = &mut handle => break done,
            _ = ticker.tick() => print(out),
        }
    };
    print(out);
    display.finish();
    outcome.map_err(intent_runner::RunError::Stopped)?
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
        ids: args.id.clone(),
        shard,
        ..Selection::default()
    })
}

/// Every line of `text` indented by two spaces, under an `error:` line.
fn indented(text: &str) -> String {
    text.lines()
        .map(|line| format!("  {line}"))
        .collect::<Vec<_>>()
        .join("\n")
}
