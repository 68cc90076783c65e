//! `intent history`: what the monitors' history holds — each monitor's share of passed runs,
//! its recent runs with their counts (and, with `--metrics`, their metrics), and the alerts
//! sent.

use crate::Status;
use crate::cli::HistoryArgs;
use crate::session::history_path;
use intent_monitor::History;
use intent_report::format_duration;
use std::io::Write;

pub fn run(args: &HistoryArgs, out: &mut dyn Write, err: &mut dyn Write) -> Status {
    let path = history_path(args.history.as_deref());
    if !path.is_file() {
        let _ = writeln!(
            err,
            "error: there is no history at {}: `intent monitor` writes it",
            path.display()
        );
        return Status::Invalid;
    }
    match show(&path, args, out) {
        Ok(()) => Status::Success,
        Err(e) => {
            let _ = writeln!(err, "error: {e}");
            Status::CouldNotRun
        }
    }
}

fn show(
    path: &std::path::Path,
    args: &HistoryArgs,
    out: &mut dyn Write,
) -> Result<(), intent_monitor::HistoryError> {
    let history = History::open(path)?;
    for (monitor, runs, passed) in history.availability()? {
        if args.monitor.as_ref().is_some_and(|m| *m != monitor) {
            continue;
        }
        let share = if runs == 0 {
            0.0
        } else {
            passed as f64 * 100.0 / runs as f64
        };
        let _ = writeln!(out, "{monitor}: {runs} runs, {passed} passed ({share:.1}%)");
        for run in history.runs(Some(&monitor), args.limit)? {
            let mark = match run.outcome.as_str() {
                "passed" => "✓",
                "failed" => "✗",
                _ => "!",
            };
            let _ = writeln!(
                out,
                "  #{:<4} {}  {mark} {:<11} {} passed, {} failed, {} errored · {}",
                run.id,
                run.started_at,
                run.outcome,
                run.passed,
                run.failed,
                run.errored,
                format_duration(run.duration_ms)
            );
            if args.metrics {
                for row in history.metrics(run.id)? {
                    let metric = intent_ir::Metric {
                        name: row.name,
                        value: row.value,
                        unit: row.unit,
                    };
                    let value = intent_report::metric_value(&metric);
                    let _ = writeln!(out, "         {}: {} = {value}", row.item, metric.name);
                }
            }
            for alert in history.alerts(run.id)? {
                let _ = writeln!(
                    out,
                    "         alert {} → {}: {}{}",
                    alert.state,
                    alert.destination,
                    if alert.delivered {
                        ""
                    } else {
                        "not delivered: "
                    },
                    alert.detail
                );
            }
        }
    }
    Ok(())
}
