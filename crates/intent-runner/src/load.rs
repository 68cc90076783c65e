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
use crate::progress::Tracked;
use crate::shared::Shared;
use crate::stats::Interval;
use crate::tally::{Noun, Tally};
use crate::value::{Unit, Value};
use futures_util::StreamExt;
use futures_util::stream::FuturesUnordered;
use hdrhistogram::Histogram;
use intent_ir::{Aggregate, Expr, ItemResult, Load, LoadModel, Series, Status};
use std::future::Future;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
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

/// Runs the load block (`plan.loads[index]`) and checks its thresholds.
pub async fn run(shared: &Arc<Shared>, index: usize, base: ItemResult) -> ItemResult {
    let load = &shared.plan.loads[index];
    let started = Instant::now();
    let (model, duration) = match model(shared, load) {
        Ok(found) => found,
        Err(reason) => return errored(base, reason),
    };
    let tracked = Arc::new(shared.progress.track(
        intent_ir::ItemKind::Load,
        &load.title,
        Some(duration),
    ));
    let conditions = conditions(&load.thresholds);
    // Traffic to a target that cannot be reached measures nothing: the block stops at once.
    let targets = crate::reach::targets_of(&shared.plan, &load.actions);
    let measured = match model {
        Model::Users(count) => users(shared, index, count, duration, &tracked).await,
        Model::Arrive(rate) => {
            let mut measured = Measured::new(conditions.len());
            let mut lateness = histogram();
            measured.traffic.dropped = drive(
                rate,
                duration,
                MAX_IN_FLIGHT,
                |number| run_iteration(shared, load, number, &conditions),
                |late| {
                    lateness.saturating_record(micros(late));
                },
                |number, case, observed| measured.record(number, &case, &observed, &tracked),
                || shared.reach.any_down(&targets),
            )
            .await;
            measured.traffic.lateness = Some(lateness);
            measured
        }
    };
    let Measured { mut traffic, tally } = measured;
    let mut base = base;
    if shared.reach.halt(&targets, &mut base) {
        return base;
    }
    traffic.elapsed = started.elapsed();
    let source = Iterations {
        traffic: &traffic,
        conditions: &conditions,
    };
    let thresholds = &load.thresholds;
    let extra = traffic.extra_metrics();
    conclude(shared, base, tally, thresholds, &source, extra, started)
}

/// The closed model: each user is a task of its own, repeating the block's actions with its
/// own measurements, which are merged when every user is done. A single task driving every
/// user would do all their work on one thread and be woken across threads for each response;
/// with a task per user, a user and its connection mostly share a worker, as in a plain client
/// loop, and its histogram and tally need no lock.
async fn users(
    shared: &Arc<Shared>,
    index: usize,
    count: usize,
    duration: Duration,
    tracked: &Arc<Tracked>,
) -> Measured {
    let end = tokio::time::Instant::now() + duration;
    let numbers = Arc::new(AtomicUsize::new(0));
    let mut tasks = tokio::task::JoinSet::new();
    for _ in 0..count {
        let (shared, numbers, tracked) = (
            Arc::clone(shared),
            Arc::clone(&numbers),
            Arc::clone(tracked),
        );
        tasks.spawn(async move {
            let load = &shared.plan.loads[index];
            let conditions = conditions(&load.thresholds);
            let targets = crate::reach::targets_of(&shared.plan, &load.actions);
            let mut measured = Measured::new(conditions.len());
            repeat(
                end,
                &numbers,
                |number| run_iteration(&shared, load, number, &conditions),
                |number, case, observed| measured.record(number, &case, &observed, &tracked),
                || shared.reach.any_down(&targets),
            )
            .await;
            measured
        });
    }
    let mut all: Option<Measured> = None;
    while let Some(joined) = tasks.join_next().await {
        match joined {
            Ok(user) => match all.as_mut() {
                Some(all) => all.merge(user),
                None => all = Some(user),
            },
            Err(failure) if failure.is_panic() => std::panic::resume_unwind(failure.into_panic()),
            Err(_) => {}
        }
    }
    all.unwrap_or_else(|| Measured::new(0))
}

/// One user of the closed model: an iteration, then another each time the last is done, until
/// `end` has passed or the block is `halted`. Iterations are numbered from `numbers`, which all
/// users share.
async fn repeat<F>(
    end: tokio::time::Instant,
    numbers: &AtomicUsize,
    iteration: impl Fn(usize) -> F,
    mut done: impl FnMut(usize, ItemResult, Observed),
    halted: impl Fn() -> bool,
) where
    F: Future<Output = (usize, ItemResult, Observed)>,
{
    loop {
        let number = numbers.fetch_add(1, Ordering::Relaxed) + 1;
        let (number, case, observed) = iteration(number).await;
        done(number, case, observed);
        if tokio::time::Instant::now() >= end || halted() {
            break;
        }
    }
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

/// The open model: starts an iteration every `1/rate` seconds until `duration` has passed,
/// then waits for those in flight; `tick` sees how late each tick was handled, and `done`
/// sees each iteration as it finishes, its latency counted from when its tick was due rather
/// than from when it started (a runner that falls behind must not hide the wait from the
/// latencies: coordinated omission). Returns how many iterations it could not start because
/// `cap` were running.
async fn drive<F>(
    rate: f64,
    duration: Duration,
    cap: usize,
    iteration: impl Fn(usize) -> F,
    mut tick: impl FnMut(Duration),
    mut done: impl FnMut(usize, ItemResult, Observed),
    halted: impl Fn() -> bool,
) -> usize
where
    F: Future<Output = (usize, ItemResult, Observed)>,
{
    let mut dropped = 0;
    let mut in_flight = FuturesUnordered::new();
    let mut started = 0;
    // The open model starts exactly R·D iterations (`50/s for 3s` is 150), counted rather
    // than timed: a tick handled just after the end, or the rounding of `1/R` to nanoseconds,
    // must neither lose nor add one.
    let mut arrivals = 0;
    let total = arrivals_in(rate, duration);
    let mut ticker = tokio::time::interval(Duration::from_secs_f64(1.0 / rate));
    // A late tick is caught up, so a busy runner still starts `rate` per second.
    ticker.set_missed_tick_behavior(MissedTickBehavior::Burst);
    loop {
        let arriving = arrivals < total && !halted();
        tokio::select! {
            due = ticker.tick(), if arriving => {
                arrivals += 1;
                let late = due.elapsed();
                tick(late);
                if in_flight.len() < cap {
                    started += 1;
                    let running = iteration(started);
                    let waited = late.saturating_sub(TIMER_GRANULARITY).as_secs_f64() * 1000.0;
                    in_flight.push(async move {
                        let (number, case, mut observed) = running.await;
                        observed.duration_ms = observed.duration_ms.map(|ms| ms + waited);
                        (number, case, observed)
                    });
                } else {
                    dropped += 1;
                }
            }
            Some((number, case, observed)) = in_flight.next(), if !in_flight.is_empty() => {
                done(number, case, observed);
            }
            else => break,
        }
    }
    dropped
}

/// How late a tick may be handled because of the timer alone: tokio's timer fires on whole
/// milliseconds, so a tick is up to one late even on an idle runner. Only lateness past it is
/// added to an iteration's latency; the ticks' lateness is reported whole.
const TIMER_GRANULARITY: Duration = Duration::from_millis(1);

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
    /// How late each tick of the open model was handled, in microseconds.
    lateness: Option<Histogram<u64>>,
}

/// A histogram of microseconds from 1 µs to an hour, three significant digits: about 20 KB
/// whatever the count.
fn histogram() -> Histogram<u64> {
    Histogram::new_with_bounds(1, 3_600_000_000, 3)
        .expect("constant bounds that hdrhistogram accepts")
}

fn micros(duration: Duration) -> u64 {
    u64::try_from(duration.as_micros())
        .unwrap_or(u64::MAX)
        .max(1)
}

impl Traffic {
    fn new(conditions: usize) -> Self {
        Self {
            durations: histogram(),
            sum_ms: 0.0,
            iterations: 0,
            errors: 0,
            dropped: 0,
            conditions: vec![(0, 0); conditions],
            elapsed: Duration::ZERO,
            lateness: None,
        }
    }

    /// What every load result reports besides the metrics its thresholds name: the tail of
    /// the latencies (p99.9 and max), the lateness of the open model's ticks (p99 and max), and
    /// the iterations dropped, if any.
    fn extra_metrics(&self) -> Vec<intent_ir::Metric> {
        let ms = |name: &str, us: u64| intent_ir::Metric {
            name: name.to_string(),
            value: us as f64 / 1000.0,
            unit: "ms".to_string(),
        };
        let mut extra = Vec::new();
        if !self.durations.is_empty() {
            extra.push(ms(
                "p99.9(duration)",
                self.durations.value_at_quantile(0.999),
            ));
            extra.push(ms("max(duration)", self.durations.max()));
        }
        if let Some(late) = self.lateness.as_ref().filter(|h| !h.is_empty()) {
            extra.push(ms("p99(tick lateness)", late.value_at_quantile(0.99)));
            extra.push(ms("max(tick lateness)", late.max()));
        }
        if self.dropped > 0 {
            extra.push(intent_ir::Metric {
                name: "dropped".into(),
                value: self.dropped as f64,
                unit: String::new(),
            });
        }
        extra
    }

    /// Adds another user's traffic. The histograms have the same bounds, so adding cannot
    /// fail; the elapsed time is the block's, set once at the end.
    fn merge(&mut self, other: Traffic) {
        self.durations
            .add(&other.durations)
            .expect("histograms with the same bounds add");
        self.sum_ms += other.sum_ms;
        self.iterations += other.iterations;
        self.errors += other.errors;
        self.dropped += other.dropped;
        for (mine, theirs) in self.conditions.iter_mut().zip(other.conditions) {
            mine.0 += theirs.0;
            mine.1 += theirs.1;
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

/// What a load block's iterations gave, or one user's share of them.
struct Measured {
    traffic: Traffic,
    tally: Tally<usize>,
}

impl Measured {
    fn new(conditions: usize) -> Self {
        Self {
            traffic: Traffic::new(conditions),
            tally: Tally::new(ITERATIONS),
        }
    }

    /// One finished iteration, also counted on the progress line.
    fn record(&mut self, number: usize, case: &ItemResult, observed: &Observed, tracked: &Tracked) {
        self.tally.add(number, case);
        let errors = self.traffic.errors;
        self.traffic.record(case, observed);
        let failed = (self.traffic.errors - errors) as u64;
        tracked.add((case.requests.len() as u64).max(failed), failed);
    }

    fn merge(&mut self, other: Measured) {
        self.traffic.merge(other.traffic);
        self.tally.merge(other.tally);
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
        rate: f64,
        seconds: f64,
        cap: usize,
        takes: Duration,
    ) -> (Vec<usize>, usize) {
        let done = RefCell::new(Vec::new());
        let dropped = drive(
            rate,
            Duration::from_secs_f64(seconds),
            cap,
            |number| async move {
                tokio::time::sleep(takes).await;
                (number, crate::placeholder(), Observed::default())
            },
            |_| {},
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
            10.0,
            Duration::from_secs(10),
            100,
            |number| async move { (number, crate::placeholder(), Observed::default()) },
            |_| {},
            |number, _, _| done.borrow_mut().push(number),
            || done.borrow().len() >= 3,
        )
        .await;
        assert_eq!(done.into_inner(), [1, 2, 3]);
        assert_eq!(dropped, 0);
    }

    /// The first iteration holds the runner for 350 ms: the ticks due at 100, 200 and 300 ms
    /// are handled late, and the latencies of their iterations count the wait.
    #[tokio::test(start_paused = true)]
    async fn latency_is_counted_from_when_the_tick_was_due() {
        let late = RefCell::new(Vec::new());
        let done = RefCell::new(Vec::new());
        drive(
            10.0,
            Duration::from_millis(500),
            100,
            |number| async move {
                if number == 1 {
                    tokio::time::advance(Duration::from_millis(350)).await;
                }
                let observed = Observed {
                    duration_ms: Some(1.0),
                    ..Observed::default()
                };
                (number, crate::placeholder(), observed)
            },
            |lateness| late.borrow_mut().push(lateness.as_millis()),
            |number, _, observed| done.borrow_mut().push((number, observed.duration_ms)),
            || false,
        )
        .await;
        assert_eq!(late.into_inner(), [0, 250, 150, 50, 0]);
        let mut done = done.into_inner();
        done.sort_by_key(|(number, _)| *number);
        let ms: Vec<u64> = done
            .iter()
            .map(|(_, d)| d.unwrap_or(0.0).round() as u64)
            .collect();
        assert_eq!(
            ms,
            [1, 250, 150, 50, 1],
            "the timer's millisecond is not counted"
        );
    }

    #[tokio::test(start_paused = true)]
    async fn the_open_model_starts_rate_times_duration_iterations() {
        let (done, dropped) = drive_for(10.0, 1.0, 100, Duration::from_millis(5)).await;
        assert_eq!(done, (1..=10).collect::<Vec<_>>());
        assert_eq!(dropped, 0);
    }

    #[tokio::test(start_paused = true)]
    async fn the_open_model_starts_exactly_rate_times_duration_whatever_the_rounding() {
        // 1/3 s is 333,333,333 ns: a 22nd tick falls just before 7 s, yet 3/s for 7 s is 21.
        let (done, dropped) = drive_for(3.0, 7.0, 100, Duration::from_millis(5)).await;
        assert_eq!((done.len(), dropped), (21, 0));
        assert_eq!(arrivals_in(20.0, Duration::from_secs_f64(0.35)), 7);
        // Not a whole number: one every 1/R s while less than D has passed.
        assert_eq!(arrivals_in(0.8, Duration::from_secs(3)), 3);
    }

    #[tokio::test(start_paused = true)]
    async fn the_open_model_drops_what_it_cannot_start_past_the_cap() {
        let (done, dropped) = drive_for(100.0, 1.0, 5, Duration::from_secs(10)).await;
        assert_eq!(done.len(), 5, "the five in flight finish after the end");
        assert_eq!(dropped, 95);
    }

    #[tokio::test(start_paused = true)]
    async fn each_user_starts_again_when_its_iteration_is_done() {
        // Three users, 300 ms an iteration, for one second: each starts at 0, 300, 600 and
        // 900 ms, and the last ones finish after the end. Numbers are shared, never repeated.
        let end = tokio::time::Instant::now() + Duration::from_secs(1);
        let numbers = AtomicUsize::new(0);
        let user = || async {
            let mut done = Vec::new();
            repeat(
                end,
                &numbers,
                |number| async move {
                    tokio::time::sleep(Duration::from_millis(300)).await;
                    (number, crate::placeholder(), Observed::default())
                },
                |number, _, _| done.push(number),
                || false,
            )
            .await;
            done
        };
        let (a, b, c) = tokio::join!(user(), user(), user());
        assert_eq!((a.len(), b.len(), c.len()), (4, 4, 4));
        let mut all: Vec<usize> = a.into_iter().chain(b).chain(c).collect();
        all.sort_unstable();
        assert_eq!(all, (1..=12).collect::<Vec<_>>());
    }

    #[tokio::test(start_paused = true)]
    async fn a_halted_user_starts_nothing_more() {
        let end = tokio::time::Instant::now() + Duration::from_secs(10);
        let numbers = AtomicUsize::new(0);
        let done = RefCell::new(Vec::new());
        repeat(
            end,
            &numbers,
            |number| async move { (number, crate::placeholder(), Observed::default()) },
            |number, _, _| done.borrow_mut().push(number),
            || done.borrow().len() >= 3,
        )
        .await;
        assert_eq!(done.into_inner(), [1, 2, 3]);
    }

    #[test]
    fn users_measurements_merge_into_the_blocks() {
        let observed = |ms: f64, status: u16| Observed {
            duration_ms: Some(ms),
            status: Some(status),
            ..Observed::default()
        };
        let (mut a, mut b) = (Traffic::new(1), Traffic::new(1));
        a.record(&crate::placeholder(), &observed(10.0, 200));
        b.record(&crate::placeholder(), &observed(30.0, 500));
        b.record(&crate::placeholder(), &observed(20.0, 200));
        a.conditions[0] = (1, 1);
        b.conditions[0] = (0, 2);
        a.merge(b);
        assert_eq!((a.iterations, a.errors), (3, 1));
        assert_eq!(a.durations.len(), 3);
        assert!(a.durations.equivalent(a.durations.max(), 30_000));
        assert!((a.sum_ms - 60.0).abs() < 1e-9);
        assert_eq!(a.conditions, [(1, 3)]);
    }
}
