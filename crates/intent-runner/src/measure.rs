//! What evaluations and load blocks share about aggregates: the conditions of `rate(...)` that
//! each case evaluates, shares with their confidence interval, and the metrics reported.

use crate::case::Case;
use crate::errors::EvalError;
use crate::interpret::Aggregates;
use crate::shared::Shared;
use crate::stats::Interval;
use crate::tally::Tally;
use crate::value::{Unit, Value};
use intent_ir::{Aggregate, Check, Expr, ExprKind, ItemResult, Metric, Series, Status};
use std::fmt::Display;
use std::time::Instant;

/// An item measured over many cases that could not start (a dataset that cannot be read, a
/// load model without a value): errored, with the reason.
pub fn errored(base: ItemResult, reason: String) -> ItemResult {
    ItemResult {
        status: Status::Errored,
        reason: Some(reason),
        ..base
    }
}

/// Concludes an item measured over many cases: the per-case checks from `tally`, the metrics
/// (`count` and what the thresholds read, then `extra`), and the thresholds checked over
/// `source`. Its duration runs from `started`.
pub fn conclude<K: Ord + Clone + Display>(
    shared: &Shared,
    base: ItemResult,
    tally: Tally<K>,
    thresholds: &[Check],
    source: &dyn Aggregates,
    extra: Vec<Metric>,
    started: Instant,
) -> ItemResult {
    let mut result = base;
    tally.finish(&mut result);
    result.metrics = metrics(thresholds, source);
    result.metrics.extend(extra);
    let mut result = Case::new(shared, result).thresholds(thresholds, source);
    result.duration_ms = started.elapsed().as_secs_f64() * 1000.0;
    result
}

/// The conditions of `rate(...)` in the thresholds, which each case evaluates at its end, in
/// the order of [`crate::case::Observed::conditions`].
pub fn conditions(thresholds: &[Check]) -> Vec<&Expr> {
    let mut found: Vec<&Expr> = Vec::new();
    for check in thresholds {
        check.expr.any(&mut |e| {
            if let ExprKind::Aggregate {
                series: Some(Series::Predicate { expr, .. }),
                ..
            } = &e.kind
                && !found.contains(&&**expr)
            {
                found.push(expr);
            }
            false
        });
    }
    found
}

/// The index of a `rate(...)` condition among [`conditions`].
pub fn condition_index(conditions: &[&Expr], series: Option<&Series>) -> Result<usize, EvalError> {
    let Some(Series::Predicate { expr, .. }) = series else {
        return Err(EvalError::RateWithoutCondition);
    };
    conditions
        .iter()
        .position(|c| *c == &**expr)
        .ok_or(EvalError::ConditionNotRecorded)
}

/// A share: `successes` of `trials`, as a percentage, or the chosen end of its confidence
/// interval. Over no trials it is the error `empty`, so a threshold never passes on nothing.
pub fn share(
    successes: usize,
    trials: usize,
    interval: Option<Interval>,
    empty: EvalError,
) -> Result<Value, EvalError> {
    if trials == 0 {
        return Err(empty);
    }
    let (k, n) = (successes as f64, trials as f64);
    let fraction = interval.map_or(k / n, |i| i.wilson(k, n));
    Ok(Value::Quantity(Unit::Percent, fraction * 100.0))
}

/// `count`, then every other aggregate the thresholds read, with its value (point estimates).
pub fn metrics(thresholds: &[Check], source: &dyn Aggregates) -> Vec<Metric> {
    let mut metrics = Vec::new();
    let mut add = |aggregate: Aggregate, series: Option<&Series>, label: Option<&str>| {
        let name = metric_name(aggregate, series, label);
        let value = source.aggregate(aggregate, series, label, None);
        if let (false, Ok(value)) = (metrics.iter().any(|m: &Metric| m.name == name), value) {
            let (value, unit) = match value {
                Value::Quantity(unit, v) => (v, unit.suffix()),
                other => (other.as_f64().unwrap_or(f64::NAN), ""),
            };
            metrics.push(Metric {
                name,
                value,
                unit: unit.to_string(),
            });
        }
    };
    add(Aggregate::Count, None, None);
    for check in thresholds {
        check.expr.any(&mut |e| {
            if let ExprKind::Aggregate {
                aggregate,
                series,
                label,
            } = &e.kind
            {
                add(*aggregate, series.as_ref(), label.as_deref());
            }
            false
        });
    }
    metrics
}

/// An aggregate as a spec writes it: `accuracy`, `recall("billing")`, `p95(duration)`.
pub fn metric_name(aggregate: Aggregate, series: Option<&Series>, label: Option<&str>) -> String {
    let name = aggregate.name();
    match (series, label) {
        (_, Some(label)) => format!("{name}({label:?})"),
        (Some(Series::Duration), None) => format!("{name}(duration)"),
        (Some(Series::Score { name: score }), None) => format!("{name}({score})"),
        (Some(Series::Predicate { text, .. }), None) => format!("{name}({text})"),
        (None, None) => name,
    }
}
