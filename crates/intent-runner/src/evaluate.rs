//! Evaluations: the actions of an `evaluate` block run once per dataset row, each row a case
//! of its own; `score` and `classify` record per-case values, and the `expect` thresholds are
//! then checked over all cases.
//!
//! The evaluation is one item in the results. Each per-case check is reported once, with the
//! rows it failed in and the first failure's expected, actual and request, so a dataset of a
//! thousand rows gives a readable report. The thresholds follow, and the aggregates they read
//! are its metrics.

use crate::case::{Case, Observed, Shared};
use crate::eval::{Aggregates, EvalError};
use crate::measure::{conclude, condition_index, conditions, errored, metric_name, share};
use crate::stats::{Interval, percentile};
use crate::tally::{Noun, Tally};
use crate::value::{Unit, Value};
use futures_util::{StreamExt, stream};
use intent_ir::{
    Aggregate, CaseRecord, CheckResult, DataError, Dataset, Evaluation, Expr, ItemResult, Row,
    Series, Status, Type, conform, read_rows,
};
use serde_json::Value as Json;
use std::time::Instant;

/// The cases of an evaluation are the rows of its dataset.
const ROWS: Noun = Noun {
    one: "row",
    many: "rows",
    listed: 10,
};

/// Runs the evaluation's cases, at most `jobs` at once, and checks its thresholds.
pub async fn run(
    shared: &Shared,
    evaluation: &Evaluation,
    base: ItemResult,
    jobs: usize,
) -> ItemResult {
    let started = Instant::now();
    let (dataset, rows) = match read(shared, evaluation) {
        Ok(found) => found,
        Err(reason) => return errored(base, reason),
    };
    let conditions = conditions(&evaluation.thresholds);
    let columns = Type::Record {
        fields: dataset.columns.clone(),
        exact: false,
    };
    // The futures are made first: a stream that maps borrowed rows to futures is not `Send`
    // to the compiler (a higher-ranked lifetime), though nothing in it is shared.
    let pending: Vec<_> = rows
        .iter()
        .map(|row| run_row(shared, evaluation, dataset, &columns, row, &conditions))
        .collect();
    let mut cases = stream::iter(pending).buffered(jobs.max(1));
    let mut tally = Tally::new(ROWS);
    let mut observed = Vec::with_capacity(rows.len());
    let mut records = Vec::with_capacity(rows.len());
    // Rows sent to a target that cannot be reached prove nothing: the evaluation stops.
    let targets = crate::reach::targets_of(&shared.plan, &evaluation.actions);
    while let Some((number, case, seen)) = cases.next().await {
        let mut stopped = base.clone();
        if shared.reach.halt(&targets, &mut stopped) {
            return stopped;
        }
        tally.add(number, &case);
        records.push(CaseRecord {
            row: number,
            status: case.status,
            classified: seen.classified.clone(),
            scores: seen.scores.clone(),
        });
        observed.push(seen);
    }
    let base = ItemResult {
        cases: records,
        ..base
    };
    let cases = Cases {
        observed,
        conditions: &conditions,
    };
    let thresholds = &evaluation.thresholds;
    conclude(shared, base, tally, thresholds, &cases, Vec::new(), started)
}

/// The dataset's declaration and every row of its file.
fn read<'p>(
    shared: &'p Shared,
    evaluation: &Evaluation,
) -> Result<(&'p Dataset, Vec<Row>), String> {
    let plan = &*shared.plan;
    let dataset = plan
        .datasets
        .iter()
        .find(|d| d.name == evaluation.dataset)
        .ok_or_else(|| format!("the plan has no dataset `{}`", evaluation.dataset))?;
    let path = shared.data_root.join(&dataset.resolved_path);
    let shown = path.display();
    let text = std::fs::read_to_string(&path)
        .map_err(|e| format!("cannot read the dataset `{}` at {shown}: {e}", dataset.name))?;
    let rows = read_rows(&text, dataset.format, &dataset.columns, plan, usize::MAX).map_err(
        |e| match e {
            DataError::MissingColumn { column } => {
                format!("the dataset file {shown} has no column `{column}`")
            }
            DataError::Malformed { row, message } => {
                format!("the dataset file {shown} cannot be read at row {row}: {message}")
            }
        },
    )?;
    Ok((dataset, rows))
}

/// Runs one row as a case, with the row bound to the evaluation's row name. A row whose
/// values do not fit the declared columns fails its case without running it.
async fn run_row(
    shared: &Shared,
    evaluation: &Evaluation,
    dataset: &Dataset,
    columns: &Type,
    row: &Row,
    conditions: &[&Expr],
) -> (usize, ItemResult, Observed) {
    let base = crate::case_of(&evaluation.id, &evaluation.title, &evaluation.tags);
    let values = Json::Object(row.values.clone());
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

/// The cases of an evaluation, as the aggregates of its thresholds read them.
struct Cases<'e> {
    observed: Vec<Observed>,
    /// The conditions each case evaluated, in the order of [`Observed::conditions`].
    conditions: &'e [&'e Expr],
}

impl Cases<'_> {
    /// The (predicted, expected) labels of the cases that were classified.
    fn labels(&self) -> impl Iterator<Item = (Option<&str>, Option<&str>)> {
        self.observed
            .iter()
            .filter_map(|o| o.classified.as_ref())
            .map(|c| (c.predicted.as_deref(), c.expected.as_deref()))
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
        for (predicted, expected) in self.labels() {
            let (given, other) = if recall {
                (expected, predicted)
            } else {
                (predicted, expected)
            };
            if given == Some(label) {
                trials += 1;
                if other == Some(label) {
                    hits += 1;
                }
            }
        }
        let what = if recall {
            format!("recall(\"{label}\"): no case expects it")
        } else {
            format!("precision(\"{label}\"): no case predicts it")
        };
        share(hits, trials, interval, &what)
    }

    /// The numbers of a series, one per case that has it, and their unit (durations) if any.
    fn series(&self, series: Option<&Series>) -> Result<(Vec<f64>, Option<Unit>), EvalError> {
        match series {
            Some(Series::Duration) => Ok((
                self.observed.iter().filter_map(|o| o.duration_ms).collect(),
                Some(Unit::Duration),
            )),
            Some(Series::Score { name }) => Ok((
                self.observed
                    .iter()
                    .flat_map(|o| o.scores.iter().filter(|(n, _)| n == name).map(|(_, v)| *v))
                    .collect(),
                None,
            )),
            _ => Err(EvalError(
                "this aggregate needs `duration` or a score".into(),
            )),
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
            Aggregate::Count => Ok(Value::number(self.observed.len() as f64)),
            Aggregate::Accuracy => {
                let (hits, trials) = self.labels().fold((0, 0), |(h, t), (p, e)| {
                    (h + usize::from(p.is_some() && p == e), t + 1)
                });
                share(hits, trials, interval, "accuracy: no case was classified")
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
                let answers: Vec<bool> = self
                    .observed
                    .iter()
                    .filter_map(|o| o.conditions.get(index).copied().flatten())
                    .collect();
                let hits = answers.iter().filter(|a| **a).count();
                let empty = format!(
                    "{}: no case could evaluate the condition",
                    metric_name(aggregate, series, label)
                );
                share(hits, answers.len(), interval, &empty)
            }
            Aggregate::Mean
            | Aggregate::Min
            | Aggregate::Max
            | Aggregate::Sum
            | Aggregate::Percentile(_) => {
                let (values, unit) = self.series(series)?;
                let name = metric_name(aggregate, series, label);
                if values.is_empty() {
                    return Err(EvalError(format!("{name}: no case has a value")));
                }
                let value = statistic(aggregate, &values);
                Ok(unit.map_or_else(|| Value::number(value), |u| Value::Quantity(u, value)))
            }
            Aggregate::ErrorRate | Aggregate::Throughput => Err(EvalError(format!(
                "`{}` is measured by load blocks, not evaluations",
                aggregate.name()
            ))),
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

    fn classified(pairs: &[(Option<&str>, &str)]) -> Vec<Observed> {
        pairs
            .iter()
            .map(|(p, e)| Observed {
                classified: Some(intent_ir::Classification {
                    predicted: p.map(str::to_string),
                    expected: Some((*e).to_string()),
                }),
                ..Observed::default()
            })
            .collect()
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
        let cases = Cases {
            observed: classified(&[
                (Some("billing"), "billing"),
                (Some("billing"), "billing"),
                (Some("shipping"), "billing"),
                (Some("shipping"), "shipping"),
                (Some("billing"), "shipping"),
                (None, "returns"),
            ]),
            conditions: &[],
        };
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
            matches!(&none, Err(e) if e.0.contains("no case predicts it")),
            "{none:?}"
        );
        assert!(matches!(
            cases.aggregate(Aggregate::Count, None, None, None),
            Ok(v) if v.as_f64() == Some(6.0)
        ));
    }

    #[test]
    fn confidence_takes_the_harder_end_of_the_interval() {
        let cases = Cases {
            observed: classified(&[(Some("a"), "a"); 10]),
            conditions: &[],
        };
        let at = |bound| Interval { level: 95.0, bound };
        let lower = cases.aggregate(Aggregate::Accuracy, None, None, Some(at(Bound::Lower)));
        let lower = lower.ok().and_then(|v| v.as_f64()).unwrap_or_default();
        assert!((lower - 72.2467).abs() < 1e-3, "{lower}");
        let upper = cases.aggregate(Aggregate::Accuracy, None, None, Some(at(Bound::Upper)));
        assert_eq!(upper.ok().and_then(|v| v.as_f64()), Some(100.0));
    }

    #[test]
    fn series_statistics_skip_cases_without_a_value() {
        let observed = [Some(10.0), None, Some(30.0), Some(20.0)]
            .into_iter()
            .map(|d| Observed {
                duration_ms: d,
                scores: d
                    .map(|d| vec![("overlap".to_string(), d / 100.0)])
                    .unwrap_or_default(),
                ..Observed::default()
            })
            .collect();
        let cases = Cases {
            observed,
            conditions: &[],
        };
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
            matches!(&none, Err(e) if e.0.contains("no case has a value")),
            "{none:?}"
        );
    }
}
