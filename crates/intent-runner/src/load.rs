//! Load blocks: the block's actions run as iterations for a duration, either started at a fixed
//! rate (`arrive R for D`, the open model) or repeated by N concurrent users (`users N for D`,
//! the closed model). Each iteration is a case of its own; latency, error rate and throughput
//! are measured over all of them, and the `expect` thresholds are checked once at the end.
//!
//! Measurements are kept in bounded memory: durations in an HDR histogram, checks in a
//! [`Tally`], conditions of `rate(...)` as counts. So a long test at a high rate costs no
//! more memory than a short one.

use crate::case::{Case, Observed};
use crate::errors::EvalError;
use crate::interpret::{Aggregates, Env};
use crate::measure::{conclude, condition_index, conditions, errored, metric_name, share};
use crate::shared::Shared;
use crate::stats::Interval;
use crate::tally::{Noun, Tally};
use crate::value::{Unit, Value};
use futures_util::StreamExt;
use futures_util::stream::FuturesUnordered;
use hdrhistogram::Histogram;
use intent_ir::{Aggregate, Expr, ItemResult, Load, LoadModel, Series, Status};
use std::future::Future;
use std::time::{Duration, Instant};
use tokio::time::MissedTickBehavior;

/// The most iterations of the open model in flight at once. Past it, the target is not keeping
/// up: new iterations are dropped (and counted as errors) rather than opening ever more
/// connections.
pub const MAX_IN_FLIGHT: usize = 1000;

const ITERATIONS: Noun = Noun {
    one: "iteration",
    many: "iterations",
    listed: 10,
};

/// How traffic is generated, with its values evaluated.
#[derive(Clone, Copy, Debug)]
enum Model {
    /// Iterations started per second.
    Arrive(f64),
    /// Concurrent users, each repeating the actions.
    Users(usize),
}

/// Runs the load block and checks its thresholds.
pub async fn run(shared: &Shared, load: &Load, base: ItemResult) -> ItemResult {
    let started = Instant::now();
    let (model, duration) = match model(shared, load) {
        Ok(found) => found,
        Err(reason) => return errored(base, reason),
    };
    let tracked = shared
        .progress
        .track(intent_ir::ItemKind::Load, &load.title, Some(duration));
    let conditions = conditions(&load.thresholds);
    let mut traffic = Traffic::new(conditions.len());
    let mut tally = Tally::new(ITERATIONS);
    let iteration = |number: usize| run_iteration(shared, load, number, &conditions);
    // Traffic to a target that cannot be reached measures nothing: the block stops at once.
    let targets = crate::reach::targets_of(&shared.plan, &load.actions);
    traffic.dropped = drive(
        model,
        duration,
        MAX_IN_FLIGHT,
        iteration,
        |number, case, observed| {
            tally.add(number, &case);
            let errors = traffic.errors;
            traffic.record(&case, &observed);
            let failed = (traffic.errors - errors) as u64;
            tracked.add((case.requests.len() as u64).max(failed), failed);
        },
        || shared.reach.any_down(&targets),
    )
    .await;
    let mut base = base;
    if shared.reach.halt(&targets, &mut base) {
        return base;
    }
    traffic.elapsed = started.elapsed();
    let source = Iterations {
        traffic: &traffic,
        conditions: &conditions,
    };
    let dropped = (traffic.dropped > 0).then(|| intent_ir::Metric {
        name: "dropped".into(),
        value: traffic.dropped as f64,
        unit: String::new(),
    });
    let thresholds = &load.thresholds;
    let extra = dropped.into_iter().collect();
    conclude(shared, base, tally, thresholds, &source, extra, started)
}

/// The model's rate or user count and the duration, evaluated.
fn model(shared: &Shared, load: &Load) -> Result<(Model, Duration), String> {
    let mut env = Env::new(&shared.plan, &shared.globals);
    let mut number = |e: &Expr, what: &str| -> Result<f64, String> {
        env.eval(e)
            .map_err(|e| format!("the {what} has no value: {e}"))?
            .as_f64()
            .filter(|v| v.is_finite() && *v > 0.0)
            .ok_or_else(|| format!("the {what} must be more than zero"))
    };
    let (model, duration) = match &load.model {
        LoadModel::Arrive { rate, duration } => {
            (Model::Arrive(number(rate, "arrival rate")?), duration)
        }
        LoadModel::Users { count, duration } => (
            Model::Users(number(count, "number of users")? as usize),
            duration,
        ),
    };
    let duration = number(duration, "duration")?;
    Ok((model, Duration::from_secs_f64(duration / 1000.0)))
}

/// Starts iterations as the model says until `duration` has passed, then waits for those in
/// flight; `done` sees each as it finishes. Returns how many iterations the open model could
/// not start because `cap` were running.
async fn drive<F>(
    model: Model,
    duration: Duration,
    cap: usize,
    iteration: impl Fn(usize) -> F,
    mut done: impl FnMut(usize, ItemResult, Observed),
    halted: impl Fn() -> bool,
) -> usize
where
    F: Future<Output = (usize, ItemResult, Observed)>,
{
    let mut dropped = 0;
    let end = tokio::time::Instant::now() + duration;
    let mut in_flight = FuturesUnordered::new();
    let mut started = 0;
    // The open model starts exactly R·D iterations (`50/s for 3s` is 150), counted rather
    // than timed: a tick handled just after the end, or the rounding of `1/R` to nanoseconds,
    // must neither lose nor add one.
    let mut arrivals = 0;
    let total = match model {
        Model::Arrive(rate) => arrivals_in(rate, duration),
        Model::Users(_) => 0,
    };
    let mut ticker = match model {
        Model::Arrive(rate) => {
            let mut ticker = tokio::time::interval(Duration::from_secs_f64(1.0 / rate));
            // A late tick is caught up, so a busy runner still starts `rate` per second.
            ticker.set_missed_tick_behavior(MissedTickBehavior::Burst);
            Some(ticker)
        }
        Model::Users(users) => {
            for _ in 0..users {
                started += 1;
                in_flight.push(iteration(started));
            }
            None
        }
    };
    let arriving = ticker.is_some();
    loop {
        let arriving_still = arriving && arrivals < total && !halted();
        let tick = async {
            match ticker.as_mut() {
                Some(t) => t.tick().await,
                None => std::future::pending().await,
            }
        };
        tokio::select! {
            _ = tick, if arriving_still => {
                arrivals += 1;
                if in_flight.len() < cap {
                    started += 1;
                    in_flight.push(iteration(started));
                } else {
                    dropped += 1;
                }
            }
            Some((number, case, observed)) = in_flight.next(), if !in_flight.is_empty() => {
                done(number, case, observed);
                // A user starts its next iteration when its last one is done, until the end.
                if !arriving && tokio::time::Instant::now() < end && !halted() {
                    started += 1;
                    in_flight.push(iteration(started));
                }
            }
            else => break,
        }
    }
    dropped
}

/// How many iterations the open model starts: one every `1/R` seconds from the start while
/// less than `D` has passed, so R·D, or the next whole number when R·D is not one.
fn arrivals_in(rate: f64, duration: Duration) -> usize {
    let exact = rate * duration.as_secs_f64();
    // `20/s for 0.35s` is 7 even where the product of the floats is 7.000000000000001.
    let nearest = exact.round();
    if (exact - nearest).abs() < 1e-9 {
        nearest as usize
    } else {
        exact.ceil() as usize
    }
}

/// One iteration: the block's actions as a case.
async fn run_iteration(
    shared: &Shared,
    load: &Load,
    number: usize,
    conditions: &[&Expr],
) -> (usize, ItemResult, Observed) {
    let base = crate::case_of(&load.id, &load.title, &load.tags);
    let (result, observed) = Case::new(shared, base)
        .run_observed(&load.actions, conditions)
        .await;
    (number, result, observed)
}

/// What the iterations measured.
struct Traffic {
    /// Response times in microseconds.
    durations: Histogram<u64>,
    sum_ms: f64,
    iterations: usize,
    /// Iterations without a response, or whose response had a status of 400 or more.
    errors: usize,
    dropped: usize,
    /// For each condition of `rate(...)`: how often it held, and how often it could be asked.
    conditions: Vec<(usize, usize)>,
    elapsed: Duration,
}

impl Traffic {
    fn new(conditions: usize) -> Self {
        Self {
            // 1 µs to an hour, three significant digits: about 20 KB whatever the count.
            durations: Histogram::new_with_bounds(1, 3_600_000_000, 3)
                .expect("constant bounds that hdrhistogram accepts"),
            sum_ms: 0.0,
            iterations: 0,
            errors: 0,
            dropped: 0,
            conditions: vec![(0, 0); conditions],
            elapsed: Duration::ZERO,
        }
    }

    fn record(&mut self, case: &ItemResult, observed: &Observed) {
        self.iterations += 1;
        let failed = case.status == Status::Errored
            || observed.duration_ms.is_none()
            || observed.status.is_none_or(|s| s >= 400);
        self.errors += usize::from(failed);
        if let Some(ms) = observed.duration_ms {
            self.durations
                .saturating_record((ms * 1000.0).round().max(1.0) as u64);
            self.sum_ms += ms;
        }
        for (count, answer) in self.conditions.iter_mut().zip(&observed.conditions) {
            if let Some(held) = answer {
                count.1 += 1;
                count.0 += usize::from(*held);
            }
        }
    }
}

/// The iterations of a load block, as the aggregates of its thresholds read them.
struct Iterations<'t> {
    traffic: &'t Traffic,
    conditions: &'t [&'t Expr],
}

impl Aggregates for Iterations<'_> {
    fn aggregate(
        &self,
        aggregate: Aggregate,
        series: Option<&Series>,
        label: Option<&str>,
        interval: Option<Interval>,
    ) -> Result<Value, EvalError> {
        let t = self.traffic;
        let ms = |us: u64| Value::Quantity(Unit::Duration, us as f64 / 1000.0);
        let recorded = t.durations.len();
        let name = || metric_name(aggregate, series, label);
        match aggregate {
            Aggregate::Count => Ok(Value::number(t.iterations as f64)),
            Aggregate::ErrorRate => share(
                t.errors + t.dropped,
                t.iterations + t.dropped,
                interval,
                EvalError::NoData {
                    metric: "error_rate".to_string(),
                    why: "no iteration ran",
                },
            ),
            Aggregate::Throughput => {
                let seconds = t.elapsed.as_secs_f64().max(f64::EPSILON);
                Ok(Value::Quantity(Unit::Rate, t.iterations as f64 / seconds))
            }
            Aggregate::Rate => {
                let index = condition_index(self.conditions, series)?;
                let (held, asked) = t.conditions.get(index).copied().unwrap_or_default();
                let empty = EvalError::NoData {
                    metric: name(),
                    why: "no iteration could evaluate the condition",
                };
                share(held, asked, interval, empty)
            }
            _ if !matches!(series, Some(Series::Duration)) => {
                Err(EvalError::MeasuredByEvaluation { metric: name() })
            }
            _ if recorded == 0 => Err(EvalError::NoData {
                metric: name(),
                why: "no response was received",
            }),
            Aggregate::Percentile(p) => Ok(ms(t.durations.value_at_quantile(f64::from(p) / 100.0))),
            Aggregate::Min => Ok(ms(t.durations.min())),
            Aggregate::Max => Ok(ms(t.durations.max())),
            Aggregate::Mean => Ok(Value::Quantity(Unit::Duration, t.sum_ms / recorded as f64)),
            Aggregate::Sum => Ok(Value::Quantity(Unit::Duration, t.sum_ms)),
            _ => Err(EvalError::MeasuredByEvaluation { metric: name() }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::cell::RefCell;

    /// Drives iterations that each take `takes`, on tokio's paused clock (so the test is
    /// exact and instant), and returns the numbers done, in order, and the dropped count.
    async fn drive_for(
        model: Model,
        seconds: f64,
        cap: usize,
        takes: Duration,
    ) -> (Vec<usize>, usize) {
        let done = RefCell::new(Vec::new());
        let dropped = drive(
            model,
            Duration::from_secs_f64(seconds),
            cap,
            |number| async move {
                tokio::time::sleep(takes).await;
                (number, crate::placeholder(), Observed::default())
            },
            |number, _, _| done.borrow_mut().push(number),
            || false,
        )
        .await;
        (done.into_inner(), dropped)
    }

    #[tokio::test(start_paused = true)]
    async fn a_halted_block_starts_nothing_more() {
        // The target goes down after the third iteration: the open model stops starting.
        let done = RefCell::new(Vec::new());
        let dropped = drive(
            Model::Arrive(10.0),
            Duration::from_secs(10),
            100,
            |number| async move { (number, crate::placeholder(), Observed::default()) },
            |number, _, _| done.borrow_mut().push(number),
            || done.borrow().len() >= 3,
        )
        .await;
        assert_eq!(done.into_inner(), [1, 2, 3]);
        assert_eq!(dropped, 0);
    }

    #[tokio::test(start_paused = true)]
    async fn the_open_model_starts_rate_times_duration_iterations() {
        let (done, dropped) =
            drive_for(Model::Arrive(10.0), 1.0, 100, Duration::from_millis(5)).await;
        assert_eq!(done, (1..=10).collect::<Vec<_>>());
        assert_eq!(dropped, 0);
    }

    #[tokio::test(start_paused = true)]
    async fn the_open_model_starts_exactly_rate_times_duration_whatever_the_rounding() {
        // 1/3 s is 333,333,333 ns: a 22nd tick falls just before 7 s, yet 3/s for 7 s is 21.
        let (done, dropped) =
            drive_for(Model::Arrive(3.0), 7.0, 100, Duration::from_millis(5)).await;
        assert_eq!((done.len(), dropped), (21, 0));
        assert_eq!(arrivals_in(20.0, Duration::from_secs_f64(0.35)), 7);
        // Not a whole number: one every 1/R s while less than D has passed.
        assert_eq!(arrivals_in(0.8, Duration::from_secs(3)), 3);
    }

    #[tokio::test(start_paused = true)]
    async fn the_open_model_drops_what_it_cannot_start_past_the_cap() {
        let (done, dropped) =
            drive_for(Model::Arrive(100.0), 1.0, 5, Duration::from_secs(10)).await;
        assert_eq!(done.len(), 5, "the five in flight finish after the end");
        assert_eq!(dropped, 95);
    }

    #[tokio::test(start_paused = true)]
    async fn each_user_starts_again_when_its_iteration_is_done() {
        // Three users, 300 ms an iteration, for one second: each starts at 0, 300, 600 and
        // 900 ms, and the last ones finish after the end.
        let (done, dropped) =
            drive_for(Model::Users(3), 1.0, 100, Duration::from_millis(300)).await;
        assert_eq!(done.len(), 12, "{done:?}");
        assert_eq!(dropped, 0);
    }
}
