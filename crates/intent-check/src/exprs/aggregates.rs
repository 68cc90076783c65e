//! Aggregates over the cases of an evaluation or the iterations of a load block, allowed only
//! in the `expect` lines that are thresholds.

use super::{error_expr, make};
use crate::context::Context;
use crate::scope::Scope;
use intent_ir::{Aggregate, Expr, ExprKind, Literal, Series, Type};
use intent_source::{FileId, Span, code, did_you_mean};
use intent_syntax::ast;

/// Aggregates written as bare names.
pub(super) const AGGREGATE_NAMES: [(&str, Aggregate); 4] = [
    ("accuracy", Aggregate::Accuracy),
    ("error_rate", Aggregate::ErrorRate),
    ("throughput", Aggregate::Throughput),
    ("count", Aggregate::Count),
];

/// Aggregates written as calls (percentiles `p1`…`p99` are recognised separately).
pub(super) const AGGREGATE_CALLS: [(&str, Aggregate); 9] = [
    ("precision", Aggregate::Precision),
    ("recall", Aggregate::Recall),
    ("f1", Aggregate::F1),
    ("mean", Aggregate::Mean),
    ("min", Aggregate::Min),
    ("max", Aggregate::Max),
    ("sum", Aggregate::Sum),
    ("rate", Aggregate::Rate),
    ("count", Aggregate::Count),
];

pub(super) fn percentile(name: &str) -> Option<u8> {
    let n: u8 = name.strip_prefix('p')?.parse().ok()?;
    (1..=99).contains(&n).then_some(n)
}

impl Context<'_> {
    pub(super) fn aggregate_call(
        &mut self,
        file: FileId,
        scope: &mut Scope,
        aggregate: Aggregate,
        name: &str,
        args: &[ast::Expr],
        span: Span,
    ) -> Expr {
        match aggregate {
            Aggregate::Precision | Aggregate::Recall | Aggregate::F1 => {
                let [label] = args else {
                    return self.arity(file, name, "1 argument: the label", span);
                };
                let label_expr = self.expr(file, scope, label);
                let label = match &label_expr.kind {
                    ExprKind::Literal {
                        value: Literal::String(s),
                    } => s.clone(),
                    _ => {
                        let d = self
                            .error(
                                code::TYPE_MISMATCH,
                                format!("`{name}` needs a label in quotes"),
                                file,
                                label.span,
                            )
                            .with_label("not a string literal")
                            .with_help(format!("for example `{name}(\"billing\")`"));
                        self.report(d);
                        String::new()
                    }
                };
                self.aggregate(file, scope, aggregate, None, Some(label), span)
            }
            Aggregate::Count if args.is_empty() => {
                self.aggregate(file, scope, aggregate, None, None, span)
            }
            Aggregate::Rate => {
                let [predicate] = args else {
                    return self.arity(file, name, "1 argument: a condition per case", span);
                };
                let saved = scope.aggregates.take();
                let text = self.text(file, predicate.span).to_string();
                let predicate = self.expr(file, scope, predicate);
                scope.aggregates = saved;
                self.expect_bool(file, &predicate, "the argument of `rate`");
                self.aggregate(
                    file,
                    scope,
                    aggregate,
                    Some(Series::Predicate {
                        expr: Box::new(predicate),
                        text,
                    }),
                    None,
                    span,
                )
            }
            _ => {
                let [series] = args else {
                    return self.arity(file, name, "1 argument: `duration` or a score name", span);
                };
                let series = match &series.kind {
                    ast::ExprKind::Name(n) if n == "duration" => Series::Duration,
                    ast::ExprKind::Name(n)
                        if scope
                            .aggregates
                            .as_ref()
                            .is_some_and(|a| a.scores.contains(n)) =>
                    {
                        Series::Score { name: n.clone() }
                    }
                    _ => {
                        let scores = scope
                            .aggregates
                            .as_ref()
                            .map(|a| a.scores.join(", "))
                            .unwrap_or_default();
                        let d = self
                            .error(
                                code::UNKNOWN_NAME,
                                format!("`{name}` reads `duration` or a score name, not `{}`", self.text(file, series.span)),
                                file,
                                series.span,
                            )
                            .with_label("not a series")
                            .with_help(if let Some(s) = scope
                                .aggregates
                                .as_ref()
                                .and_then(|a| did_you_mean(self.text(file, series.span), a.scores.iter().map(String::as_str)))
                            {
                                format!("did you mean `{s}`?")
                            } else if scores.is_empty() {
                                "define a per-case value with `score NAME = ...`, or use `duration`"
                                    .to_string()
                            } else {
                                format!("scores defined here: {scores}")
                            });
                        self.report(d);
                        return error_expr(span);
                    }
                };
                self.aggregate(file, scope, aggregate, Some(series), None, span)
            }
        }
    }

    fn arity(&mut self, file: FileId, name: &str, wanted: &str, span: Span) -> Expr {
        let d = self
            .error(
                code::WRONG_ARGUMENT_COUNT,
                format!("`{name}` takes {wanted}"),
                file,
                span,
            )
            .with_label("wrong arguments")
            .with_help(format!("see `{name}` in docs/language.md"));
        self.report(d);
        error_expr(span)
    }

    pub(super) fn aggregate(
        &mut self,
        file: FileId,
        scope: &mut Scope,
        aggregate: Aggregate,
        series: Option<Series>,
        label: Option<String>,
        span: Span,
    ) -> Expr {
        let Some(context) = scope.aggregates.clone() else {
            let d = self
                .error(
                    code::AGGREGATE_OUTSIDE_EXPECT,
                    "aggregates are only allowed in an `expect` of an `evaluate` or `load` block",
                    file,
                    span,
                )
                .with_label("aggregate here")
                .with_help("per-request checks use `then`; thresholds over many cases go in `expect` lines of an evaluation or load block");
            self.report(d);
            return error_expr(span);
        };
        let classification = matches!(
            aggregate,
            Aggregate::Accuracy | Aggregate::Precision | Aggregate::Recall | Aggregate::F1
        );
        if classification && !context.has_classify {
            let d = self
                .error(
                    code::AGGREGATE_OUTSIDE_EXPECT,
                    "this aggregate needs a `classify ... against ...` line in the evaluation",
                    file,
                    span,
                )
                .with_label("nothing is classified")
                .with_help("add `classify PREDICTED against EXPECTED` to the evaluation");
            self.report(d);
        }
        if (classification || matches!(series, Some(Series::Score { .. }))) && !context.evaluate {
            let d = self
                .error(
                    code::AGGREGATE_OUTSIDE_EXPECT,
                    "this aggregate is only available in an `evaluate` block",
                    file,
                    span,
                )
                .with_label("not in an evaluation")
                .with_help("load blocks aggregate durations, error_rate, throughput and count");
            self.report(d);
        }
        if matches!(aggregate, Aggregate::ErrorRate | Aggregate::Throughput) && context.evaluate {
            let d = self
                .error(
                    code::AGGREGATE_OUTSIDE_EXPECT,
                    "this aggregate is only available in a `load` block",
                    file,
                    span,
                )
                .with_label("not in a load block")
                .with_help("evaluations aggregate scores, classifications and durations");
            self.report(d);
        }
        let ty = match (&aggregate, &series) {
            (a, _) if a.is_rate() => Type::Percent,
            (Aggregate::Throughput, _) => Type::Rate,
            (Aggregate::Count, _) => Type::Int,
            (_, Some(Series::Duration)) => Type::Duration,
            _ => Type::Decimal,
        };
        make(
            ExprKind::Aggregate {
                aggregate,
                series,
                label,
            },
            ty,
            false,
            span,
        )
    }
}
