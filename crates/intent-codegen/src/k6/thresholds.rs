//! The `expect` lines of a load block as k6 thresholds: each aggregate on its k6 metric
//! (`p99(duration) < 250ms` is `http_req_duration: p(99)<250`, `error_rate` is
//! `http_req_failed`, `throughput` the rate of `http_reqs`, `count` the count of
//! `iterations`, `rate(CONDITION)` a k6 `Rate` of its own), in k6's units (percentages as
//! ratios). A threshold k6 cannot state as the spec means it is refused.

use super::js;
use crate::{Refusal, constant};
use intent_ir::{Aggregate, BinaryOp, Check, Expr, ExprKind, Plan, Series};
use intent_source::code;
use std::fmt::Write;

/// The k6 thresholds of the `expect` lines, and the conditions of `rate(...)`, each recorded
/// as a k6 `Rate` metric of its own.
#[derive(Default)]
pub struct Thresholds<'p> {
    /// By k6 metric, in the order first met: each threshold with the spec line it came from.
    by_metric: Vec<(String, Vec<(String, String)>)>,
    pub conditions: Vec<&'p Expr>,
}

impl<'p> Thresholds<'p> {
    pub fn add(&mut self, plan: &Plan, check: &'p Check) -> Result<(), Refusal> {
        if let Some(confidence) = &check.confidence {
            return Err(Refusal {
                code: code::K6_CONFIDENCE,
                span: confidence.span,
                message: "`at N% confidence` has no equivalent in a k6 threshold".into(),
                help: "k6 compares the measured value itself: drop `at N% confidence` from \
                       this line to export the block, or keep the block under `intent run`"
                    .into(),
            });
        }
        let mut parts = Vec::new();
        conjuncts(&check.expr, &mut parts);
        for part in parts {
            let (metric, threshold) = self.threshold(plan, part)?;
            let note = format!("expect {} (line {})", check.text, check.source.line);
            match self.by_metric.iter_mut().find(|(m, _)| *m == metric) {
                Some((_, list)) => list.push((threshold, note)),
                None => self.by_metric.push((metric, vec![(threshold, note)])),
            }
        }
        Ok(())
    }

    /// `AGGREGATE OP VALUE` (or `VALUE OP AGGREGATE`) as a k6 metric and threshold.
    fn threshold(&mut self, plan: &Plan, part: &'p Expr) -> Result<(String, String), Refusal> {
        let refuse = || {
            Refusal::unsupported(
                part.span,
                "a k6 threshold compares one aggregate with one value",
                "write each expectation as `AGGREGATE OP VALUE` (`p99(duration) < 250ms`), \
                 one per `expect` line or joined with `and`",
            )
        };
        let ExprKind::Binary { op, lhs, rhs } = &part.kind else {
            return Err(refuse());
        };
        let (aggregate, value, op) = match (&lhs.kind, &rhs.kind) {
            (ExprKind::Aggregate { .. }, _) => (&**lhs, &**rhs, *op),
            (_, ExprKind::Aggregate { .. }) => (&**rhs, &**lhs, flipped(*op).ok_or_else(refuse)?),
            _ => return Err(refuse()),
        };
        let operator = match op {
            BinaryOp::Lt => "<",
            BinaryOp::Le => "<=",
            BinaryOp::Gt => ">",
            BinaryOp::Ge => ">=",
            BinaryOp::Eq => "==",
            BinaryOp::Ne => "!=",
            _ => return Err(refuse()),
        };
        let amount =
            constant(plan, value).ok_or_else(|| Refusal::not_constant(value, "the value"))?;
        let ExprKind::Aggregate {
            aggregate: which,
            series,
            ..
        } = &aggregate.kind
        else {
            return Err(refuse());
        };
        let ratio = js::number(amount / 100.0);
        let (metric, statistic, amount) = match (which, series) {
            (Aggregate::Percentile(p), Some(Series::Duration)) => (
                "http_req_duration".to_string(),
                format!("p({p})"),
                js::number(amount),
            ),
            (Aggregate::Mean, Some(Series::Duration)) => {
                ("http_req_duration".into(), "avg".into(), js::number(amount))
            }
            (Aggregate::Min, Some(Series::Duration)) => {
                ("http_req_duration".into(), "min".into(), js::number(amount))
            }
            (Aggregate::Max, Some(Series::Duration)) => {
                ("http_req_duration".into(), "max".into(), js::number(amount))
            }
            (Aggregate::Count, _) => ("iterations".into(), "count".into(), js::number(amount)),
            (Aggregate::ErrorRate, _) => ("http_req_failed".into(), "rate".into(), ratio),
            (Aggregate::Throughput, _) => ("http_reqs".into(), "rate".into(), js::number(amount)),
            (Aggregate::Rate, Some(Series::Predicate { expr, .. })) => {
                let index = match self.conditions.iter().position(|c| *c == &**expr) {
                    Some(i) => i,
                    None => {
                        self.conditions.push(expr);
                        self.conditions.len() - 1
                    }
                };
                (condition_metric(index), "rate".into(), ratio)
            }
            _ => {
                return Err(Refusal::unsupported(
                    aggregate.span,
                    format!("`{}` has no k6 metric", intent_ir::Aggregate::name(*which)),
                    "k6 thresholds read `p1`…`p99`, `mean`, `min` and `max` of `duration`, \
                     `count`, `error_rate`, `throughput` and `rate(CONDITION)`",
                ));
            }
        };
        Ok((metric, format!("{statistic}{operator}{amount}")))
    }

    /// The `thresholds` entries, each threshold with the spec line it came from, and the
    /// checks of every iteration, which must all hold.
    pub fn render(&self) -> String {
        let mut out = String::new();
        for (metric, list) in &self.by_metric {
            let _ = writeln!(out, "    {}: [", js::string(metric));
            for (threshold, note) in list {
                let _ = writeln!(out, "      // {}", note.replace('\n', " "));
                let _ = writeln!(out, "      {},", js::string(threshold));
            }
            out.push_str("    ],\n");
        }
        out.push_str("    // every `then` and every request's answer, in every iteration\n");
        out.push_str("    checks: ['rate==1'],\n");
        out
    }
}

/// The k6 metric that records condition number `index` of `rate(...)`.
pub fn condition_metric(index: usize) -> String {
    format!("intent_rate_{}", index + 1)
}

/// The parts of `a and b and …`, each a threshold of its own (all of them must hold).
fn conjuncts<'e>(expr: &'e Expr, out: &mut Vec<&'e Expr>) {
    match &expr.kind {
        ExprKind::Binary {
            op: BinaryOp::And,
            lhs,
            rhs,
        } => {
            conjuncts(lhs, out);
            conjuncts(rhs, out);
        }
        _ => out.push(expr),
    }
}

/// The operator with its sides swapped: `250ms > p99(duration)` is `p99(duration) < 250ms`.
fn flipped(op: BinaryOp) -> Option<BinaryOp> {
    Some(match op {
        BinaryOp::Lt => BinaryOp::Gt,
        BinaryOp::Le => BinaryOp::Ge,
        BinaryOp::Gt => BinaryOp::Lt,
        BinaryOp::Ge => BinaryOp::Le,
        BinaryOp::Eq | BinaryOp::Ne => op,
        _ => return None,
    })
}
