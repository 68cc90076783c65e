//! Refinements that can never hold. A type whose refinements leave no value (`int in 500..50`,
//! `decimal >= 10 <= 5`, `"" nonempty`) would fail every value checked against it, which reads
//! as a broken system rather than a mistyped spec, so it is refused where it is written.

use crate::context::Context;
use crate::types::Family;
use intent_conform::conform;
use intent_ir::number::{compare, equal};
use intent_ir::{CompareOp, Literal, Refinement, Type, literal_number};
use intent_source::{FileId, Span, code};
use intent_syntax::ast::{self, RefinementKind};
use std::cmp::Ordering;

/// One end of the numbers the refinements admit, and the refinement that set it.
#[derive(Clone, Copy)]
struct End {
    value: f64,
    open: bool,
    by: usize,
}

/// The numbers admitted by the refinements applied so far: an interval without some points.
#[derive(Default)]
struct Admitted {
    lower: Option<End>,
    upper: Option<End>,
    /// Points taken out by `!=`, with the refinement that took each.
    holes: Vec<(f64, usize)>,
}

impl Admitted {
    /// Narrows the lower end to `end` when `end` is the tighter of the two.
    fn raise(&mut self, end: End) {
        let tighter = self
            .lower
            .is_none_or(|now| match compare(end.value, now.value) {
                Some(Ordering::Greater) => true,
                Some(Ordering::Equal) => end.open && !now.open,
                _ => false,
            });
        if tighter {
            self.lower = Some(end);
        }
    }

    /// Narrows the upper end to `end` when `end` is the tighter of the two.
    fn lower_to(&mut self, end: End) {
        let tighter = self
            .upper
            .is_none_or(|now| match compare(end.value, now.value) {
                Some(Ordering::Less) => true,
                Some(Ordering::Equal) => end.open && !now.open,
                _ => false,
            });
        if tighter {
            self.upper = Some(end);
        }
    }

    /// When no number is left, the refinements that leave none: the two ends, or the single
    /// point and the `!=` that takes it. `whole` counts whole numbers only (`int`), so
    /// `int > 5 < 6` is empty too.
    fn emptied(&self, whole: bool) -> Option<Vec<usize>> {
        let (lower, upper) = (self.lower?, self.upper?);
        let (low, high, open) = if whole {
            // The first and last whole numbers inside the ends, both then included.
            let low = if lower.open {
                lower.value.floor() + 1.0
            } else {
                lower.value.ceil()
            };
            let high = if upper.open {
                upper.value.ceil() - 1.0
            } else {
                upper.value.floor()
            };
            (low, high, false)
        } else {
            (lower.value, upper.value, lower.open || upper.open)
        };
        let ends = vec![lower.by, upper.by];
        match compare(low, high)? {
            Ordering::Greater => Some(ends),
            Ordering::Equal if open => Some(ends),
            Ordering::Equal => {
                let (_, hole) = self.holes.iter().find(|(point, _)| equal(*point, low))?;
                Some(vec![*hole, lower.by, upper.by])
            }
            Ordering::Less => None,
        }
    }
}

impl Context<'_> {
    /// Refuses the refinements of one written type when together they admit no value, at the
    /// first refinement after which nothing is left (whose index is returned), with a label at
    /// the one it contradicts. Only the refinements written on this type are weighed, with the
    /// values of a base type that is a single value or a union of values (`"" nonempty`).
    pub fn check_admissible(
        &mut self,
        file: FileId,
        base: (&ast::TypeExpr, &Type),
        refinements: &[(&ast::Refinement, Refinement)],
    ) -> Option<usize> {
        let numeric = {
            let family = self.type_table().family(base.1);
            family == Family::Number || family.is_quantity()
        };
        numeric
            .then(|| self.check_interval(file, base.1, refinements))
            .flatten()
            .or_else(|| self.check_values(file, base, refinements))
    }

    /// The numeric refinements, weighed as an interval; the index of the one reported.
    fn check_interval(
        &mut self,
        file: FileId,
        base: &Type,
        refinements: &[(&ast::Refinement, Refinement)],
    ) -> Option<usize> {
        let whole = matches!(self.type_table().resolve(base), Type::Int);
        let mut admitted = Admitted::default();
        for (at, (written, refinement)) in refinements.iter().enumerate() {
            let end = |literal: &Literal, open: bool| {
                literal_number(literal).map(|value| End {
                    value,
                    open,
                    by: at,
                })
            };
            match refinement {
                Refinement::Range { min, max } => {
                    if let (RefinementKind::Range { min: from, max: to }, Some(Ordering::Greater)) = (
                        &written.kind,
                        literal_number(min)
                            .zip(literal_number(max))
                            .and_then(|(a, b)| compare(a, b)),
                    ) {
                        self.reversed_range(file, written.span, from.span, to.span);
                        return Some(at);
                    }
                    if let Some((min, max)) = end(min, false).zip(end(max, false)) {
                        admitted.raise(min);
                        admitted.lower_to(max);
                    }
                }
                Refinement::Compare { op, value } => match op {
                    CompareOp::Gt | CompareOp::Ge => {
                        if let Some(e) = end(value, *op == CompareOp::Gt) {
                            admitted.raise(e);
                        }
                    }
                    CompareOp::Lt | CompareOp::Le => {
                        if let Some(e) = end(value, *op == CompareOp::Lt) {
                            admitted.lower_to(e);
                        }
                    }
                    CompareOp::Ne => {
                        if let Some(point) = literal_number(value) {
                            admitted.holes.push((point, at));
                        }
                    }
                },
                Refinement::Matching { .. } | Refinement::Nonempty => {}
            }
            let Some(involved) = admitted.emptied(whole) else {
                continue;
            };
            let other = involved
                .into_iter()
                .find(|&i| i != at)
                .map(|i| refinements[i].0.span);
            self.contradiction(file, written.span, other, whole);
            return Some(at);
        }
        None
    }

    /// A range written with its larger bound first.
    fn reversed_range(&mut self, file: FileId, span: Span, min: Span, max: Span) {
        let (min, max) = (self.text(file, min), self.text(file, max));
        let d = self
            .error(
                code::IMPOSSIBLE_REFINEMENT,
                format!("the range `{min}..{max}` is empty: its minimum is above its maximum"),
                file,
                span,
            )
            .with_label("no value is in this range")
            .with_help(format!("write the smaller bound first: `in {max}..{min}`"));
        self.report(d);
    }

    /// Refinements that leave no number: `at` with the one it contradicts, or alone (a range
    /// of `int` with no whole number in it).
    fn contradiction(&mut self, file: FileId, at: Span, other: Option<Span>, whole: bool) {
        let what = if whole { "whole number" } else { "value" };
        let here = self.text(file, at);
        let d = match other {
            Some(other) => self
                .error(
                    code::IMPOSSIBLE_REFINEMENT,
                    format!(
                        "`{here}` contradicts `{}`: no {what} satisfies both",
                        self.text(file, other)
                    ),
                    file,
                    at,
                )
                .with_label("no value is left after this refinement")
                .with_secondary(file, other, "contradicted by this one")
                .with_help(
                    "a value must satisfy every refinement of its type; correct the bound that is wrong, or remove one of the two",
                ),
            None => self
                .error(
                    code::IMPOSSIBLE_REFINEMENT,
                    format!("no {what} satisfies `{here}`"),
                    file,
                    at,
                )
                .with_label("no value is left by this refinement")
                .with_help("widen the range so a whole number fits, or refine `decimal`"),
        };
        self.report(d);
    }

    /// A base type that admits only some values (`""`, `"a" | "b"`, `5`), weighed value by
    /// value with the same rule the runner applies; the index of the refinement reported.
    fn check_values(
        &mut self,
        file: FileId,
        base: (&ast::TypeExpr, &Type),
        refinements: &[(&ast::Refinement, Refinement)],
    ) -> Option<usize> {
        let table = self.type_table();
        let values = literals(&table, base.1, 0)?;
        let values: Vec<_> = values.iter().map(Literal::to_json).collect();
        for at in 0..refinements.len() {
            let refined = Type::Refined {
                base: Box::new(base.1.clone()),
                refinements: refinements[..=at].iter().map(|(_, r)| r.clone()).collect(),
            };
            if values
                .iter()
                .any(|v| conform(v, &refined, &table).is_empty())
            {
                continue;
            }
            let (written, base_text) = (refinements[at].0, self.text(file, base.0.span));
            let d = self
                .error(
                    code::IMPOSSIBLE_REFINEMENT,
                    format!(
                        "`{}` can never hold for `{base_text}`",
                        self.text(file, written.span)
                    ),
                    file,
                    written.span,
                )
                .with_label("no value is left after this refinement")
                .with_secondary(file, base.0.span, "the values this type admits")
                .with_help("remove the refinement, or widen the type it refines");
            self.report(d);
            return Some(at);
        }
        None
    }
}

/// The values a type admits when it admits only literals (`""`, `"a" | "b" | null`), through
/// names; `None` when it admits others. Refinements of the parts are not weighed, so the list
/// may be longer than what is admitted, never shorter.
fn literals(table: &crate::types::TypeTable<'_>, ty: &Type, depth: usize) -> Option<Vec<Literal>> {
    if depth > 64 {
        return None;
    }
    match table.resolve(ty) {
        Type::Literal { value } => Some(vec![value.clone()]),
        Type::Union { options } => {
            let mut all = Vec::new();
            for option in options {
                all.extend(literals(table, option, depth + 1)?);
            }
            Some(all)
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::{Admitted, End};

    fn end(value: f64, open: bool, by: usize) -> End {
        End { value, open, by }
    }

    #[test]
    fn an_interval_is_empty_only_when_no_number_is_left() {
        let mut point = Admitted::default();
        point.raise(end(0.3, false, 0));
        point.lower_to(end(0.3, false, 1));
        assert!(point.emptied(false).is_none(), "0.3 is left");
        point.holes.push((0.3, 2));
        assert_eq!(point.emptied(false), Some(vec![2, 0, 1]));

        let mut between = Admitted::default();
        between.raise(end(5.0, true, 0));
        between.lower_to(end(6.0, true, 1));
        assert!(between.emptied(false).is_none(), "5.5 is left");
        assert_eq!(between.emptied(true), Some(vec![0, 1]), "no whole number");

        let mut open = Admitted::default();
        open.raise(end(2000.0, false, 0));
        open.lower_to(end(2000.0, true, 1));
        assert_eq!(open.emptied(false), Some(vec![0, 1]));

        let mut unbounded = Admitted::default();
        unbounded.raise(end(1.0, false, 0));
        unbounded.holes.push((1.0, 1));
        assert!(unbounded.emptied(true).is_none());
    }
}
