//! Evaluations: the actions of an `evaluate` block run once per dataset row, each row a case
//! of its own; `score` and `classify` record per-case values, and the `expect` thresholds are
//! then checked over all cases.
//!
//! The evaluation is one item in the results. Each per-case check is reported once, with the
//! rows it failed in and the first failure's expected, actual and request, so a dataset of a
//! thousand rows gives a readable report. The thresholds follow, and the aggregates they read
//! are its metrics.

use crate::case::{Case, Observed};
use crate::errors::EvalError;
use crate::interpret::Aggregates;
use crate::measure::{conclude, condition_index, conditions, errored, metric_name, share};
use crate::shared::Shared;
use crate::stats::{Interval, percentile};
use crate::tally::{Noun, Tally};
use crate::value::{Unit, Value};
use futures_util::{StreamExt, stream};
use intent_conform::{DataError, Row, Rows, conform};
use intent_ir::{
    Aggregate, CaseRecord, CheckResult, Dataset, Evaluation, Expr, ItemResult, Series, Status, Type,
};
use serde_json::Value as Json;
use std::collections::BTreeMap;
use std::time::Instant;

/// The cases of an evaluation are the rows of its dataset.
const ROWS: Noun = Noun {
    one: "row",
    many: "rows",
    listed: 10,
};

/// The most rows an evaluation's result keeps in full (status, classification, scores); past
/// them it keeps only the rows that did not pass or were misclassified, up to as many again,
/// and counts the rest, so a result's size does not grow with the dataset.
pub const KEPT_CASES: usize = 10_000;

/// Runs the evaluation's cases, at most `jobs` at once, and checks its thresholds. The rows
/// are read one at a time as cases are started, so a dataset of any size is evaluated in the
/// memory of the aggregates (a number per row and score) and [`KEPT_CASES`] records.
pub async fn run(
    shared: &Shared,
    evaluation: &Evaluation,
    base: ItemResult,
    jobs: usize,
) -> ItemResult {
    let started = Instant::now();
    let plan = &*shared.plan;
    let Some(dataset) = plan.datasets.iter().find(|d| d.name == evaluation.dataset) else {
        let reason = format!("the plan has no dataset `{}`", evaluation.dataset);
        return errored(base, reason);
    };
    let shown = &dataset.resolved_path;
    let reader = match shared.datasets.open(shown) {
        Ok(reader) => std::io::BufReader::new(reader),
        Err(why) => {
            let reason = format!(
                "cannot read the dataset `{}` at {shown}: {why}",
                dataset.name
            );
            return errored(base, reason);
        }
    };
    let rows = match Rows::new(reader, dataset.format, &dataset.columns, plan) {
        Ok(rows) => rows,
        Err(e) => return errored(base, unreadable(shown, &e)),
    };
    let conditions = conditions(&evaluation.thresholds);
    let columns = Type::Record {
        fields: dataset.columns.clone(),
        exact: false,
    };
    // Rows sent to a target that cannot be reached prove nothing: the evaluation stops.
    let targets = crate::reach::targets_of(plan, &evaluation.actions);
    let mut tally = Tally::new(ROWS);
    let mut cases = Cases::new(&conditions);
    let mut records = Records::default();
    let mut malformed = None;
    let tracked = shared
        .progress
        .track(intent_ir::ItemKind::Evaluation, &evaluation.title, None);
    {
        let read = std::sync::atomic::AtomicU64::new(0);
        // The total is known once the last row has been read, while its cases still run.
        let rows = rows
            .map_while(|row| match row {
                Ok(row) => Some(row),
                Err(e) => {
                    malformed = Some(e);
                    None
                }
            })
            .inspect(|_| {
                read.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            })
            .chain(std::iter::from_fn(|| {
                tracked.set_total(read.load(std::sync::atomic::Ordering::Relaxed));
                None
            }));
        let mut running = stream::iter(rows)
            .map(|row| run_row(shared, evaluation, dataset, &columns, row, &conditions))
            .buffered(jobs.max(1));
        while let Some((number, case, seen)) = running.next().await {
            // The result is copied only when the evaluation stops, not for every row.
            if shared.reach.any_down(&targets) {
                let mut stopped = base.clone();
                if shared.reach.halt(&targets, &mut stopped) {
                    return stopped;
                }
            }
            tally.add(number, &case);
            tracked.add(1, u64::from(case.status != Status::Passed));
            records.keep(number, &case, &seen);
            cases.add(&seen);
        }
    }
    if let Some(e) = malformed {
        return errored(base, unreadable(shown, &e));
    }
    let base = records.finish(base);
    let thresholds = &evaluation.thresholds;
    conclude(shared, base, tally, thresholds, &cases, Vec::new(), started)
}

/// Why a dataset cannot be read, in words.
fn unreadable(shown: &str, error: &DataError) -> String {
    match error {
        DataError::MissingColumn { column } => {
            format!("the dataset file {shown} has no column `{column}`")
        }
        DataError::Malformed { row, message } => {
            format!("the dataset file {shown} cannot be read at row {row}: {message}")
        }
    }
}

/// The rows an evaluation's result keeps (see [`KEPT_CASES`]), and how many it leaves out.
#[derive(Default)]
struct Records {
    kept: Vec<CaseRecord>,
    /// Rows kept past the first [`KEPT_CASES`] because they did not pass.
    notable: usize,
    omitted: usize,
    /// Of the rows left out, those misclassified.
    misclassified_omitted: usize,
}

impl Records {
    fn keep(&mut self, row: usize, case: &ItemResult, seen: &Observed) {
        let misclassified = seen
            .classified
            .as_ref()
            .is_some_and(|c| c.predicted != c.expected);
        let notable = case.status != Status::Passed || misclassified;
        if self.kept.len() < KEPT_CASES || (notable && self.notable < KEPT_CASES) {
            if self.kept.len() >= KEPT_CASES {
                self.notable += 1;
            }
            self.kept.push(CaseRecord {
                row,
                status: case.status,
                classified: seen.classified.clone(),
                scores: seen.scores.clone(),
            });
        } else {
            self.omitted += 1;
            self.misclassified_omitted += usize::from(misclassified);
        }
    }

    /// The result with the kept records in row order (cases finish in any order) and the
    /// counts of those left out.
    fn finish(mut self, base: ItemResult) -> ItemResult {
        self.kept.sort_by_key(|r| r.row);
        ItemResult {
            cases: self.kept,
            cases_omitted: self.omitted,
            misclassified_omitted: self.misclassified_omitted,
            ..base
        }
    }
}

/// Runs one row as a case, with the row bound to the evaluation's row name. A row whose
/// values do not fit the declared columns fails its case without running it.
async fn run_row(
    shared: &Shared,
    evaluation: &Evaluation,
    dataset: &Dataset,
    columns: &Type,
    row: Row,
    conditions: &[&Expr],
) -> (usize, ItemResult, Observed) {
    let base = crate::case_of(&evaluation.id, &evaluation.title, &evaluation.tags);
    let values = Json::Object(row.values);
    let violations = conform(&values, columns, &*shared.plan);
    if !violations.is_empty() {
        let check = CheckResult {
            id: evaluation.row_conformance.clone(),
            text: format!("each row fits the columns of `{}`", dataset.name),
            status: Status::Failed,
            source: dataset.source.clone(),
            expected: Some(columns.describe()),
            actual: None,
            message: Some("a value does not fit its column's type".into()),
            violations,
            request: None,
            duration_ms: 0.0,
        };
        let result = ItemResult {
            status: Status::Failed,
            checks: vec![check],
            ..base
        };
        return (row.number, result, Observed::default());
    }
    let mut case = Case::new(shared, base);
    case.bind(&evaluation.row, Value::Json(values));
    let (result, observed) = case.run_observed(&evaluation.actions, conditions).await;
    (row.number, result, observed)
}

/// The cases of an evaluation, as the aggregates of its thresholds read them: counted as
/// they finish, keeping a number per case and series, not the cases.
struct Cases<'e> {
    count: usize,
    /// How many cases were classified as (predicted, expected).
    labels: BTreeMap<(Option<String>, Option<String>), usize>,
    durations: Vec<f64>,
    scores: BTreeMap<String, Vec<f64>>,
    /// For each condition: how often it held, and how often it could be evaluated.
    answers: Vec<(usize, usize)>,
    /// The conditions each case evaluated, in the order of [`Observed::conditions`].
    conditions: &'e [&'e Expr],
}

impl<'e> Cases<'e> {
    fn new(conditions: &'e [&'e Expr]) -> Self {
        Self {
            count: 0,
            labels: BTreeMap::new(),
            durations: Vec::new(),
            scores: BTreeMap::new(),
            answers: vec![(0, 0); conditions.len()],
            conditions,
        }
    }

    /// Counts one finished case.
    fn add(&mut self, observed: &Observed) {
        self.count += 1;
        if let Some(c) = &observed.classified {
            *self
                .labels
                .entry((c.predicted.clone(), c.expected.clone()))
                .or_default() += 1;
        }
        self.durations.extend(observed.duration_ms);
        for (name, value) in &observed.scores {
            self.scores.entry(name.clone()).or_default().push(*value);
        }
        for (count, answer) in self.answers.iter_mut().zip(&observed.conditions) {
            if let Some(held) = answer {
                count.1 += 1;
                count.0 += usize::from(*held);
            }
        }
    }

    /// The (predicted, expected) labels of the cases that were classified, with how many
    /// cases had them.
    fn labels(&self) -> impl Iterator<Item = (Option<&str>, Option<&str>, usize)> {
        self.labels
            .iter()
            .map(|((p, e), n)| (p.as_deref(), e.as_deref(), *n))
    }

    /// Precision or recall of `label`: of the cases predicted (precision) or expected
    /// (recall) to be `label`, the share where the other side agrees.
    fn precision_or_recall(
        &self,
        recall: bool,
        label: &str,
        interval: Option<Interval>,
    ) -> Result<Value, EvalError> {
        let (mut hits, mut trials) = (0, 0);
        for (predicted, expected, n) in self.labels() {
            let (given, other) = if recall {
                (expected, predicted)
            } else {
                (predicted, expected)
            };
            if given == Some(label) {
                trials += n;
                if other == Some(label) {
                    hits += n;
                }
            }
        }
        let empty = if recall {
            EvalError::NoData {
                metric: format!("recall(\"{label}\")"),
                why: "no case expects it",
            }
        } else {
            EvalError::NoData {
                metric: format!("precision(\"{label}\")"),
                why: "no case predicts it",
            }
        };
        share(hits, trials, interval, empty)
    }

    /// The numbers of a series, one per case that has it, and their unit (durations) if any.
    fn series(&self, series: Option<&Series>) -> Result<(&[f64], Option<Unit>), EvalError> {
        match series {
            Some(Series::Duration) => Ok((&self.durations, Some(Unit::Duration))),
            Some(Series::Score { name }) => {
                Ok((self.scores.get(name).map_or(&[][..], Vec::as_slice), None))
            }
            _ => Err(EvalError::NeedsSeries),
        }
    }
}

impl Aggregates for Cases<'_> {
    fn aggregate(
        &self,
        aggregate: Aggregate,
        series: Option<&Series>,
        label: Option<&str>,
        interval: Option<Interval>,
    ) -> Result<Value, EvalError> {
        let label_of = || label.unwrap_or_default();
        match aggregate {
            Aggregate::Count => Ok(Value::number(self.count as f64)),
            Aggregate::Accuracy => {
                let (hits, trials) = self.labels().fold((0, 0), |(h, t), (p, e, n)| {
                    (h + if p.is_some() && p == e { n } else { 0 }, t + n)
                });
                share(
                    hits,
                    trials,
                    interval,
                    EvalError::NoData {
                        metric: "accuracy".to_string(),
                        why: "no case was classified",
                    },
                )
            }
            Aggregate::Precision => self.precision_or_recall(false, label_of(), interval),
            Aggregate::Recall => self.precision_or_recall(true, label_of(), interval),
            Aggregate::F1 => {
                let p = self.precision_or_recall(false, label_of(), interval)?;
                let r = self.precision_or_recall(true, label_of(), interval)?;
                let (p, r) = (p.as_f64().unwrap_or(0.0), r.as_f64().unwrap_or(0.0));
                let f1 = if p + r == 0.0 {
                    0.0
                } else {
                    2.0 * p * r / (p + r)
                };
                Ok(Value::Quantity(Unit::Percent, f1))
            }
            Aggregate::Rate => {
                let index = condition_index(self.conditions, series)?;
                let (hits, asked) = self.answers.get(index).copied().unwrap_or((0, 0));
                let empty = EvalError::NoData {
                    metric: metric_name(aggregate, series, label),
                    why: "no case could evaluate the condition",
                };
                share(hits, asked, interval, empty)
            }
            Aggregate::Mean
            | Aggregate::Min
            | Aggregate::Max
            | Aggregate::Sum
            | Aggregate::Percentile(_) => {
                let (values, unit) = self.series(series)?;
                let name = metric_name(aggregate, series, label);
                if values.is_empty() {
                    return Err(EvalError::NoData {
                        metric: name,
                        why: "no case has a value",
                    });
                }
                let value = statistic(aggregate, values);
                Ok(unit.map_or_else(|| Value::number(value), |u| Value::Quantity(u, value)))
            }
            Aggregate::ErrorRate | Aggregate::Throughput => Err(EvalError::MeasuredByLoad {
                metric: aggregate.name().to_string(),
            }),
        }
    }
}

/// A statistic of a non-empty series.
fn statistic(aggregate: Aggregate, values: &[f64]) -> f64 {
    match aggregate {
        Aggregate::Min => values.iter().copied().fold(f64::INFINITY, f64::min),
        Aggregate::Max => values.iter().copied().fold(f64::NEG_INFINITY, f64::max),
        Aggregate::Sum => values.iter().sum(),
        Aggregate::Percentile(p) => percentile(values, p).unwrap_or(f64::NAN),
        _ => values.iter().sum::<f64>() / values.len() as f64,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::stats::Bound;

    fn classified(pairs: &[(Option<&str>, &str)]) -> Cases<'static> {
        let mut cases = Cases::new(&[]);
        for (p, e) in pairs {
            cases.add(&Observed {
                classified: Some(intent_ir::Classification {
                    predicted: p.map(str::to_string),
                    expected: Some((*e).to_string()),
                }),
                ..Observed::default()
            });
        }
        cases
    }

    fn percent(cases: &Cases<'_>, aggregate: Aggregate, label: Option<&str>) -> f64 {
        match cases.aggregate(aggregate, None, label, None) {
            Ok(Value::Quantity(Unit::Percent, v)) => v,
            other => panic!("{aggregate:?}: {other:?}"),
        }
    }

    #[test]
    fn classification_metrics_count_predictions_against_expectations() {
        // billing: 2 right, 1 predicted as shipping; shipping: 1 right, 1 predicted as
        // billing; one case with no prediction at all.
        let cases = classified(&[
            (Some("billing"), "billing"),
            (Some("billing"), "billing"),
            (Some("shipping"), "billing"),
            (Some("shipping"), "shipping"),
            (Some("billing"), "shipping"),
            (None, "returns"),
        ]);
        assert_eq!(percent(&cases, Aggregate::Accuracy, None), 50.0);
        let billing = Some("billing");
        assert!((percent(&cases, Aggregate::Precision, billing) - 200.0 / 3.0).abs() < 1e-9);
        assert!((percent(&cases, Aggregate::Recall, billing) - 200.0 / 3.0).abs() < 1e-9);
        assert!((percent(&cases, Aggregate::F1, billing) - 200.0 / 3.0).abs() < 1e-9);
        assert_eq!(
            percent(&cases, Aggregate::Precision, Some("shipping")),
            50.0
        );
        assert_eq!(percent(&cases, Aggregate::Recall, Some("returns")), 0.0);
        let none = cases.aggregate(Aggregate::Precision, None, Some("returns"), None);
        assert!(
            matches!(&none, Err(e) if e.to_string().contains("no case predicts it")),
            "{none:?}"
        );
        assert!(matches!(
            cases.aggregate(Aggregate::Count, None, None, None),
            Ok(v) if v.as_f64() == Some(6.0)
        ));
    }

    #[test]
    fn past_the_kept_rows_misclassified_ones_are_still_counted() {
        let base = crate::case_of(&intent_ir::StableId("e::x".into()), "x", &[]);
        let mut records = Records::default();
        let rows = 3 * KEPT_CASES;
        for row in 1..=rows {
            let wrong = row % 2 == 0;
            let seen = Observed {
                classified: Some(intent_ir::Classification {
                    predicted: Some(if wrong { "b" } else { "a" }.to_string()),
                    expected: Some("a".to_string()),
                }),
                ..Observed::default()
            };
            let case = ItemResult {
                status: Status::Passed,
                ..base.clone()
            };
            records.keep(row, &case, &seen);
        }
        let result = records.finish(base);
        // The first KEPT_CASES rows, then KEPT_CASES more misclassified ones.
        assert_eq!(result.cases.len(), 2 * KEPT_CASES);
        assert_eq!(result.cases_omitted, rows - 2 * KEPT_CASES);
        let kept_wrong = result
            .cases
            .iter()
            .filter(|c| c.classified.as_ref().is_some_and(|c| !c.correct()))
            .count();
        assert_eq!(kept_wrong + result.misclassified_omitted, rows / 2);
        assert!(result.cases.windows(2).all(|w| w[0].row < w[1].row));
    }

    #[test]
    fn confidence_takes_the_harder_end_of_the_interval() {
        let cases = classified(&[(Some("a"), "a"); 10]);
        let at = |bound| Interval { level: 95.0, bound };
        let lower = cases.aggregate(Aggregate::Accuracy, None, None, Some(at(Bound::Lower)));
        let lower = lower.ok().and_then(|v| v.as_f64()).unwrap_or_default();
        assert!((lower - 72.2467).abs() < 1e-3, "{lower}");
        let upper = cases.aggregate(Aggregate::Accuracy, None, None, Some(at(Bound::Upper)));
        assert_eq!(upper.ok().and_then(|v| v.as_f64()), Some(100.0));
    }

    #[test]
    fn series_statistics_skip_cases_without_a_value() {
        let mut cases = Cases::new(&[]);
        for d in [Some(10.0), None, Some(30.0), Some(20.0)] {
            cases.add(&Observed {
                duration_ms: d,
                scores: d
                    .map(|d| vec![("overlap".to_string(), d / 100.0)])
                    .unwrap_or_default(),
                ..Observed::default()
            });
        }
        let duration = Some(&Series::Duration);
        let value = |aggregate, series| {
            cases
                .aggregate(aggregate, series, None, None)
                .ok()
                .and_then(|v| v.as_f64())
        };
        assert_eq!(value(Aggregate::Mean, duration), Some(20.0));
        assert_eq!(value(Aggregate::Percentile(50), duration), Some(20.0));
        assert_eq!(value(Aggregate::Max, duration), Some(30.0));
        let overlap = Series::Score {
            name: "overlap".into(),
        };
        assert_eq!(value(Aggregate::Min, Some(&overlap)), Some(0.1));
        let sum = value(Aggregate::Sum, Some(&overlap)).unwrap_or_default();
        assert!((sum - 0.6).abs() < 1e-9, "{sum}");
        let missing = Series::Score {
            name: "bleu".into(),
        };
        let none = cases.aggregate(Aggregate::Mean, Some(&missing), None, None);
        assert!(
            matches!(&none, Err(e) if e.to_string().contains("no case has a value")),
            "{none:?}"
        );
    }
}
