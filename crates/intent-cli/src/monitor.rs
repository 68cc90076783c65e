//! `intent monitor`: compile (or read a plan), start the systems intent.toml describes, and run
//! the specs' monitors on their schedule, keeping every run in the history and sending alerts,
//! until Ctrl-C or `--cycles N`; with `--metrics ADDR`, serving the runs as Prometheus metrics
//! meanwhile.

use crate::Status;
use crate::cli::MonitorArgs;
use crate::output::use_color;
use crate::session::{Session, block_on, history_path, invalid};
use intent_ir::{Monitor, Plan, RunResult, Status as Outcome};
use intent_monitor::{Delivery, Event, History, Metrics, WatchOptions};
use intent_report::{TerminalOptions, format_duration, item_line};
use intent_runner::Selection;
use std::io::{IsTerminal, Write};
use std::sync::Arc;

pub fn run(args: &MonitorArgs, out: &mut dyn Write, err: &mut dyn Write) -> Status {
    block_on(args.system.threads, err, |err| watch(args, out, err))
}

async fn watch(args: &MonitorArgs, out: &mut dyn Write, err: &mut dyn Write) -> Status {
    // A `--monitor` that picks nothing is refused before any system is started.
    let accept = |plan: &Plan| chosen(plan, &args.monitors).map(|_| ());
    let session = match Session::open(
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
    let status = watch_session(args, &session, out, err).await;
    session.close().await;
    status
}

async fn watch_session(
    args: &MonitorArgs,
    session: &Session,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> Status {
    let plan = &session.plan;
    let monitors = match chosen(plan, &args.monitors) {
        Ok(monitors) => monitors,
        Err(e) => return invalid(err, &e),
    };
    let watched = match intent_monitor::settle(plan, &monitors) {
        Ok(w) => w,
        Err(e) => return invalid(err, &e.to_string()),
    };
    let path = history_path(args.history.as_deref());
    if let Some(folder) = path.parent()
        && let Err(e) = std::fs::create_dir_all(folder)
    {
        let _ = writeln!(err, "error: cannot create {}: {e}", folder.display());
        return Status::CouldNotRun;
    }
    let mut history = match History::open(&path) {
        Ok(h) => h,
        Err(e) => {
            let _ = writeln!(err, "error: {e}");
            return Status::CouldNotRun;
        }
    };
    let schedule: Vec<String> = watched
        .iter()
        .map(|w| {
            format!(
                "{:?} every {}",
                w.monitor.title,
                format_duration(w.every.as_secs_f64() * 1000.0)
            )
        })
        .collect();
    let _ = writeln!(
        err,
        "watching {} · history {}",
        schedule.join(", "),
        path.display()
    );
    // The metrics are served beside the watch, from before its first run to its end.
    let metrics = Arc::new(Metrics::new());
    let server = match args.metrics {
        Some(address) => match serve_metrics(address, &metrics, err).await {
            Some(server) => Some(server),
            None => return Status::CouldNotRun,
        },
        None => None,
    };
    let options = TerminalOptions {
        color: use_color(std::io::stdout().is_terminal()),
        width: 100,
        verbose: false,
    };
    let mut on_event = |event: Event<'_>| {
        if let Event::Ran {
            monitor,
            result,
            failed_runs_in_a_row,
            ..
        } = &event
        {
            let now = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .unwrap_or_default();
            metrics.observe(
                monitor.id.as_str(),
                result,
                *failed_runs_in_a_row,
                now.as_secs_f64(),
            );
        }
        let _ = writeln!(out, "{}", event_lines(&event, &options));
    };
    let cycles = if args.once { Some(1) } else { args.cycles };
    let watch_options = WatchOptions {
        run: session.run_options(&args.system, Selection::default()),
        cycles,
        delivery: Delivery {
            timeout: args.alert_timeout,
            retries: args.alert_retries,
            ..Delivery::default()
        },
    };
    let interrupt = async {
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
    };
    let latest = intent_monitor::watch(
        std::sync::Arc::clone(plan),
        &watched,
        watch_options,
        &mut history,
        &mut on_event,
        interrupt,
    )
    .await;
    if let Some(server) = server {
        server.abort();
    }
    match latest {
        Err(e) => {
            let _ = writeln!(err, "error: {e}");
            Status::CouldNotRun
        }
        // The latest completed run of each monitor decides; an interrupted one says nothing
        // of the system.
        Ok(latest) if latest.iter().flatten().all(RunResult::passed) => Status::Success,
        Ok(_) => Status::Failed,
    }
}

/// Binds `address` and serves `metrics` there on a task of its own; says where on `err`.
/// `None` (after saying why) when the address cannot be bound.
async fn serve_metrics(
    address: std::net::SocketAddr,
    metrics: &Arc<Metrics>,
    err: &mut dyn Write,
) -> Option<tokio::task::JoinHandle<std::io::Result<()>>> {
    let listener = match tokio::net::TcpListener::bind(address).await {
        Ok(listener) => listener,
        Err(e) => {
            let _ = writeln!(err, "error: cannot serve metrics on {address}: {e}");
            return None;
        }
    };
    let bound = listener.local_addr().unwrap_or(address);
    let _ = writeln!(err, "serving metrics at http://{bound}/metrics");
    let serving = intent_monitor::metrics::serve(listener, Arc::clone(metrics));
    Some(tokio::spawn(serving))
}

/// The monitors whose title contains one of `patterns` (ignoring case), every monitor without
/// patterns; an error naming the monitors there are when that is none.
fn chosen<'p>(plan: &'p Plan, patterns: &[String]) -> Result<Vec<&'p Monitor>, String> {
    let wanted = |m: &Monitor| {
        let title = m.title.to_lowercase();
        patterns.is_empty() || patterns.iter().any(|n| title.contains(&n.to_lowercase()))
    };
    let monitors: Vec<&Monitor> = plan.monitors.iter().filter(|m| wanted(m)).collect();
    if !monitors.is_empty() {
        return Ok(monitors);
    }
    let known: Vec<&str> = plan.monitors.iter().map(|m| m.title.as_str()).collect();
    Err(if known.is_empty() {
        "the specs define no monitor".to_string()
    } else {
        format!("no monitor matches (monitors: {})", known.join(", "))
    })
}

/// A run as one line with its counts, followed by a line per item that did not pass; an alert
/// as one line.
fn event_lines(event: &Event<'_>, options: &TerminalOptions) -> String {
    match event {
        Event::Ran {
            monitor,
            cycle,
            result,
            ..
        } => {
            let count = |s: Outcome| result.items.iter().filter(|i| i.status == s).count();
            let mark = if result.interrupted {
                "!"
            } else if result.passed() {
                "✓"
            } else {
                "✗"
            };
            let mut text = format!(
                "{mark} monitor  {} #{cycle} · {} passed, {} failed, {} errored · {}",
                monitor.title,
                count(Outcome::Passed),
                count(Outcome::Failed),
                count(Outcome::Errored),
                format_duration(result.duration_ms)
            );
            for item in result
                .items
                .iter()
                .filter(|i| matches!(i.status, Outcome::Failed | Outcome::Errored))
            {
                text.push('\n');
                text.push_str(&item_line(item, options));
            }
            text
        }
        Event::Alerted { monitor, alert } => format!(
            "{} alert {} for {:?} → {}: {}",
            if alert.delivered { "↗" } else { "!" },
            alert.state,
            monitor.title,
            alert.destination,
            alert.detail
        ),
    }
}
