//! Monitors: each `monitor` block runs the items it selects on its own schedule (`every D`),
//! every run is kept in the [`History`], and an alert is sent when a monitor has failed a
//! given number of runs in a row, and again when it recovers.
//!
//! A run of a monitor is an ordinary run of the plan (intents, evaluations, load blocks and
//! the policies, applied to what ran), so what CI checks is exactly what production is
//! watched with.

pub mod alert;
pub mod history;
pub mod metrics;
mod outbox;

pub use alert::{Delivery, State};
pub use history::{AlertRow, History, HistoryError, LatestRow, MetricRow, RunRow};
pub use metrics::Metrics;

use intent_ir::{ItemResult, Monitor, Plan, RunResult};
use intent_runner::{REDACTED, RunError, RunOptions, Selection};
use outbox::{Letter, Outbox, Receipt};
use std::future::Future;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::watch;
use tokio::time::Instant;

/// How long alerts still being delivered get after an interrupt before they are cut short:
/// enough for a webhook that answers, short enough that Ctrl-C is obeyed at once.
const INTERRUPT_GRACE: Duration = Duration::from_secs(1);

/// A monitor with its settings evaluated.
#[derive(Debug)]
pub struct Watched<'p> {
    pub monitor: &'p Monitor,
    pub every: Duration,
    pub alerts: Vec<Rule>,
}

/// An `alert` line with its values evaluated. Its `Debug` shows the destination as outputs
/// do, since it may come from a secret.
pub struct Rule {
    pub channel: String,
    pub destination: String,
    /// The destination as outputs show it: redacted when it comes from a secret.
    pub shown: String,
    /// How many failed runs in a row raise the alert (`after N failures`; 1 without it).
    pub after: u32,
}

impl std::fmt::Debug for Rule {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Rule")
            .field("channel", &self.channel)
            .field("destination", &self.shown)
            .field("after", &self.after)
            .finish()
    }
}

#[derive(Debug, thiserror::Error)]
pub enum MonitorError {
    #[error("the monitor {monitor:?}: {message}")]
    Setting { monitor: String, message: String },
    #[error(transparent)]
    History(#[from] HistoryError),
    #[error("the run could not be carried out: {0}")]
    Run(RunError),
    /// The client that delivers alerts could not be built (its TLS configuration, usually).
    #[error("the run could not be carried out: cannot build the HTTP client: {0}")]
    Client(#[source] reqwest::Error),
}

/// What happened, for the command line to show.
#[derive(Debug)]
pub enum Event<'a> {
    /// A monitor ran; `cycle` counts its runs from 1, and the monitor has now failed
    /// `failed_runs_in_a_row` runs in a row (as the history counts them).
    Ran {
        monitor: &'a Monitor,
        cycle: u32,
        result: &'a RunResult,
        failed_runs_in_a_row: u32,
    },
    /// An alert was sent, or could not be.
    Alerted {
        monitor: &'a Monitor,
        alert: &'a AlertRow,
    },
}

/// How to watch.
#[derive(Debug)]
pub struct WatchOptions {
    /// The options of every run; the selection is each monitor's own.
    pub run: RunOptions,
    /// Stop after each monitor ran this many times; without it, watch until interrupted.
    pub cycles: Option<u32>,
    /// How alerts are delivered.
    pub delivery: Delivery,
}

/// Evaluates the interval and the alerts of each monitor, so a bad setting is reported before
/// anything runs.
pub fn settle<'p>(
    plan: &'p Plan,
    monitors: &[&'p Monitor],
) -> Result<Vec<Watched<'p>>, MonitorError> {
    monitors
        .iter()
        .map(|monitor| {
            let fail = |message: String| MonitorError::Setting {
                monitor: monitor.title.clone(),
                message,
            };
            let constant = |expr| intent_runner::constant(plan, expr).map_err(|e| fail(e.to_string()));
            let every = constant(&monitor.every)?
                .as_f64()
                .filter(|ms| *ms >= 1.0 && ms.is_finite())
                .ok_or_else(|| fail("`every` must be at least 1ms".into()))?;
            let mut alerts = Vec::new();
            for alert in &monitor.alerts {
                if alert.channel != "webhook" {
                    return Err(fail(format!(
                        "`alert {}` is not a channel this version sends to; use `alert webhook URL`",
                        alert.channel
                    )));
                }
                let destination = constant(&alert.destination)?;
                let destination = destination
                    .as_str()
                    .filter(|d| d.starts_with("http://") || d.starts_with("https://"))
                    .ok_or_else(|| fail("the webhook is not an http:// or https:// URL".into()))?
                    .to_string();
                let after = match &alert.after {
                    None => 1,
                    Some(expr) => constant(expr)?
                        .as_f64()
                        .filter(|n| *n >= 1.0 && n.fract() == 0.0)
                        .ok_or_else(|| fail("`after` must be a whole number of failures".into()))?
                        as u32,
                };
                alerts.push(Rule {
                    channel: alert.channel.clone(),
                    shown: if alert.destination.secret {
                        REDACTED.to_string()
                    } else {
                        destination.clone()
                    },
                    destination,
                    after,
                });
            }
            Ok(Watched {
                monitor,
                every: Duration::from_secs_f64(every / 1000.0),
                alerts,
            })
        })
        .collect()
}

/// Runs each monitor at once and then every `every`, records each run in `history`, and sends
/// the alerts its rules call for, beside the schedule (see `outbox`). Returns each monitor's
/// latest *completed* run (an interrupted run is recorded, but says nothing of the system), or
/// why the monitors had to stop. With `cycles`, the watch ends when every alert is settled
/// (delivered, or given up after its retries). When `interrupt` completes (Ctrl-C), the run in
/// progress finishes as an interrupted run, alerts still being delivered get
/// [`INTERRUPT_GRACE`], and those not delivered by then are recorded as such.
pub async fn watch(
    plan: Arc<Plan>,
    watched: &[Watched<'_>],
    options: WatchOptions,
    history: &mut History,
    on_event: &mut dyn FnMut(Event<'_>),
    interrupt: impl Future<Output = ()>,
) -> Result<Vec<Option<RunResult>>, MonitorError> {
    let (stop, stopped) = watch::channel(false);
    let work = cycles(plan, watched, options, history, on_event, stopped);
    tokio::pin!(work, interrupt);
    let mut interrupted = false;
    loop {
        tokio::select! {
            outcome = &mut work => return outcome,
            () = &mut interrupt, if !interrupted => {
                interrupted = true;
                let _ = stop.send(true);
            }
        }
    }
}

/// What a watch writes to while it runs: the history, the command line's events, the alerts.
struct Watcher<'a, 'p> {
    watched: &'a [Watched<'p>],
    history: &'a mut History,
    on_event: &'a mut dyn FnMut(Event<'_>),
    outbox: Outbox,
}

impl Watcher<'_, '_> {
    /// Queues the alerts the rules of monitor `index` call for after its run `run_id`.
    fn raise(&mut self, index: usize, run_id: i64, before: u32, streak: u32, result: &RunResult) {
        let Watched {
            monitor, alerts, ..
        } = &self.watched[index];
        let outcome = history::outcome(result);
        for (rule_index, rule) in alerts.iter().enumerate() {
            let state = match outcome {
                "failed" if streak == rule.after => State::Failing,
                "passed" if before >= rule.after => State::Recovered,
                _ => continue,
            };
            self.outbox.post(Letter {
                run_id,
                monitor: index,
                rule: rule_index,
                state,
                destination: rule.destination.clone(),
                shown: rule.shown.clone(),
                message: alert::message(monitor.id.as_str(), &monitor.title, state, streak, result),
            });
        }
    }

    /// Records what became of an alert, and tells the command line.
    fn file(&mut self, receipt: Receipt) -> Result<(), MonitorError> {
        let Watched {
            monitor, alerts, ..
        } = &self.watched[receipt.monitor];
        let rule = &alerts[receipt.rule];
        let row = AlertRow {
            run_id: receipt.run_id,
            destination: rule.shown.clone(),
            state: receipt.state.as_str().to_string(),
            delivered: receipt.delivered,
            detail: receipt.detail,
        };
        self.history.record_alert(&row, &rule.channel)?;
        (self.on_event)(Event::Alerted {
            monitor,
            alert: &row,
        });
        Ok(())
    }

    /// Waits for `work`, filing the receipts of alerts that come back meanwhile.
    async fn beside<T>(&mut self, work: impl Future<Output = T>) -> Result<T, MonitorError> {
        tokio::pin!(work);
        loop {
            tokio::select! {
                done = &mut work => return Ok(done),
                receipt = self.outbox.receipt(), if self.outbox.pending() > 0 => self.file(receipt)?,
            }
        }
    }

    /// Waits until every alert is settled; after an interrupt, for [`INTERRUPT_GRACE`] at
    /// most, then the rest is cut short (and recorded as not delivered).
    async fn settle(&mut self, stopped: &watch::Receiver<bool>) -> Result<(), MonitorError> {
        let mut stopped = stopped.clone();
        let grace = async move {
            let _ = stopped.wait_for(|s| *s).await;
            tokio::time::sleep(INTERRUPT_GRACE).await;
        };
        tokio::pin!(grace);
        let mut cancelled = false;
        while self.outbox.pending() > 0 {
            tokio::select! {
                receipt = self.outbox.receipt() => self.file(receipt)?,
                () = &mut grace, if !cancelled => {
                    cancelled = true;
                    self.outbox.cancel();
                }
            }
        }
        Ok(())
    }
}

async fn cycles(
    plan: Arc<Plan>,
    watched: &[Watched<'_>],
    options: WatchOptions,
    history: &mut History,
    on_event: &mut dyn FnMut(Event<'_>),
    stopped: watch::Receiver<bool>,
) -> Result<Vec<Option<RunResult>>, MonitorError> {
    let client = reqwest::Client::builder()
        .build()
        .map_err(MonitorError::Client)?;
    let mut watcher = Watcher {
        watched,
        history,
        on_event,
        outbox: Outbox::new(client, options.delivery),
    };
    let start = Instant::now();
    let mut due: Vec<Instant> = vec![start; watched.len()];
    let mut ran: Vec<u32> = vec![0; watched.len()];
    let mut latest: Vec<Option<RunResult>> = vec![None; watched.len()];
    let until_stopped = || {
        let mut stopped = stopped.clone();
        async move {
            let _ = stopped.wait_for(|s| *s).await;
        }
    };
    loop {
        let next = (0..watched.len())
            .filter(|&i| options.cycles.is_none_or(|c| ran[i] < c))
            .min_by_key(|&i| due[i]);
        let Some(index) = next else { break };
        let waited = watcher
            .beside(async {
                tokio::select! {
                    () = tokio::time::sleep_until(due[index]) => true,
                    () = until_stopped() => false,
                }
            })
            .await?;
        if !waited {
            break;
        }
        let Watched { monitor, every, .. } = &watched[index];
        let run_options = RunOptions {
            selection: Selection {
                selectors: monitor.run.clone(),
                ..Selection::default()
            },
            ..options.run.clone()
        };
        let quiet: Arc<dyn Fn(&ItemResult) + Send + Sync> = Arc::new(|_| {});
        let run = intent_runner::run(Arc::clone(&plan), run_options, quiet, until_stopped());
        let result = watcher.beside(run).await?.map_err(MonitorError::Run)?;
        let before = watcher.history.failing_streak(monitor.id.as_str())?;
        let run_id = watcher
            .history
            .record(monitor.id.as_str(), &monitor.title, &result)?;
        let streak = watcher.history.failing_streak(monitor.id.as_str())?;
        ran[index] += 1;
        due[index] += *every;
        (watcher.on_event)(Event::Ran {
            monitor,
            cycle: ran[index],
            result: &result,
            failed_runs_in_a_row: streak,
        });
        if result.interrupted {
            break;
        }
        watcher.raise(index, run_id, before, streak, &result);
        latest[index] = Some(result);
    }
    watcher.settle(&stopped).await?;
    Ok(latest)
}
