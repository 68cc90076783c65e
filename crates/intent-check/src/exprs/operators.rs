//! Operators: negation, comparisons, membership, text matching and arithmetic, with the
//! errors for operands that do not go together (of type, of unit, or a literal outside its
//! type's values). `x is Type` becomes a conformance check.

use super::{error_expr, make, widen};
use crate::context::Context;
use crate::scope::Scope;
use crate::types::Family;
use intent_ir::number::Arith;
use intent_ir::{BinaryOp, Expr, ExprKind, Literal, Type, UnaryOp};
use intent_source::{FileId, Span, code, did_you_mean};
use intent_syntax::ast;

impl Context<'_> {
    pub(super) fn unary(
        &mut self,
        file: FileId,
        scope: &mut Scope,
        op: ast::UnaryOp,
        operand: &ast::Expr,
        span: Span,
    ) -> Expr {
        let operand = self.expr(file, scope, operand);
        let family = self.type_table().family(&operand.ty);
        let (op, ty, ok) = match op {
            ast::UnaryOp::Not => (
                UnaryOp::Not,
                Type::Bool,
                matches!(family, Family::Bool | Family::Dynamic),
            ),
            ast::UnaryOp::Neg => (
                UnaryOp::Neg,
                widen(&operand.ty),
                matches!(family, Family::Number | Family::Dynamic) || family.is_quantity(),
            ),
        };
        if !ok {
            let d = self
                .error(
                    code::TYPE_MISMATCH,
                    format!(
                        "`{}` cannot apply to {}",
                        if op == UnaryOp::Not { "not" } else { "-" },
                        family.noun()
                    ),
                    file,
                    operand.span,
                )
                .with_label(format!("this is {}", family.noun()))
                .with_help(if op == UnaryOp::Not {
                    "`not` negates a true-or-false check"
                } else {
                    "`-` negates a number or a quantity"
                });
            self.report(d);
        }
        let secret = operand.secret;
        make(
            ExprKind::Unary {
                op,
                operand: Box::new(operand),
            },
            ty,
            secret,
            span,
        )
    }

    pub(super) fn binary(
        &mut self,
        file: FileId,
        scope: &mut Scope,
        op: ast::BinaryOp,
        lhs_ast: &ast::Expr,
        rhs_ast: &ast::Expr,
        span: Span,
    ) -> Expr {
        use ast::BinaryOp as A;
        // `x is Type` checks conformance rather than equality.
        if matches!(op, A::Is | A::IsNot)
            && let ast::ExprKind::Name(name) = &rhs_ast.kind
            && scope.find(name).is_none()
            && !self.globals.values.contains_key(name)
            && (Type::primitive(name).is_some() || self.globals.types.contains_key(name))
        {
            let value = self.expr(file, scope, lhs_ast);
            let target = self.lower_type(
                file,
                &ast::TypeExpr {
                    kind: ast::TypeKind::Named(ast::Ident {
                        name: name.clone(),
                        span: rhs_ast.span,
                    }),
                    span: rhs_ast.span,
                },
            );
            let secret = value.secret;
            let conforms = make(
                ExprKind::Conforms {
                    value: Box::new(value),
                    target,
                },
                Type::Bool,
                secret,
                span,
            );
            return if op == A::IsNot {
                make(
                    ExprKind::Unary {
                        op: UnaryOp::Not,
                        operand: Box::new(conforms),
                    },
                    Type::Bool,
                    secret,
                    span,
                )
            } else {
                conforms
            };
        }
        if op == A::Range {
            let d = self
                .error(
                    code::TYPE_MISMATCH,
                    "a range `a..b` can only follow `in`",
                    file,
                    span,
                )
                .with_label("range here")
                .with_help("write `x in 200..299`");
            self.report(d);
            return error_expr(span);
        }
        let lhs = self.expr(file, scope, lhs_ast);
        let rhs = if matches!(op, A::In | A::NotIn)
            && let ast::ExprKind::Binary {
                op: A::Range,
                lhs: lo,
                rhs: hi,
            } = &rhs_ast.kind
        {
            let lo = self.expr(file, scope, lo);
            let hi = self.expr(file, scope, hi);
            self.same_family(file, &lhs, &lo, lhs_ast, "in");
            self.same_family(file, &lhs, &hi, lhs_ast, "in");
            let secret = lo.secret || hi.secret;
            let item = widen(&lo.ty);
            make(
                ExprKind::Binary {
                    op: BinaryOp::Range,
                    lhs: Box::new(lo),
                    rhs: Box::new(hi),
                },
                Type::list(item),
                secret,
                rhs_ast.span,
            )
        } else {
            self.expr(file, scope, rhs_ast)
        };
        let table = self.type_table();
        let (lf, rf) = (table.family(&lhs.ty), table.family(&rhs.ty));
        let dynamic = lf == Family::Dynamic || rf == Family::Dynamic;
        let ty = match op {
            A::Or | A::And => {
                let what = if op == A::And {
                    "each side of `and`"
                } else {
                    "each side of `or`"
                };
                self.expect_bool(file, &lhs, what);
                self.expect_bool(file, &rhs, what);
                Type::Bool
            }
            A::Eq | A::Ne | A::Is | A::IsNot => {
                if self.json_against_quantity(file, op.as_str(), &lhs, &rhs) {
                } else if !(dynamic || lf == rf || lf == Family::Null || rf == Family::Null) {
                    self.mismatch(file, op, &lhs, &rhs, rhs_ast);
                } else {
                    self.literal_outside(file, op, &lhs, &rhs);
                    self.literal_outside(file, op, &rhs, &lhs);
                }
                Type::Bool
            }
            A::Lt | A::Le | A::Gt | A::Ge => {
                if self.json_against_quantity(file, op.as_str(), &lhs, &rhs) {
                } else if !(dynamic || (lf == rf && lf.is_ordered())) {
                    self.mismatch(file, op, &lhs, &rhs, rhs_ast);
                }
                Type::Bool
            }
            A::In | A::NotIn => {
                let fits = match rf {
                    Family::List => table
                        .element(&rhs.ty)
                        .is_none_or(|e| matches!(table.family(&e), f if f == lf || f == Family::Dynamic || lf == Family::Dynamic)),
                    Family::Text => matches!(lf, Family::Text | Family::Dynamic),
                    Family::Dynamic | Family::Record => true,
                    _ => false,
                };
                if !fits {
                    self.mismatch(file, op, &lhs, &rhs, rhs_ast);
                } else if let ExprKind::List { items } = &rhs.kind {
                    for item in items {
                        self.literal_outside(file, op, &lhs, item);
                    }
                }
                Type::Bool
            }
            A::Contains | A::NotContains => {
                let fits = match lf {
                    Family::Text => matches!(
                        rf,
                        Family::Text | Family::Regex | Family::Detector | Family::Dynamic
                    ),
                    Family::List => {
                        rf == Family::Dynamic
                            || table.element(&lhs.ty).is_none_or(|e| {
                                let ef = table.family(&e);
                                ef == rf || ef == Family::Dynamic
                            })
                    }
                    Family::Dynamic | Family::Record => true,
                    _ => false,
                };
                if !fits {
                    self.mismatch(file, op, &lhs, &rhs, rhs_ast);
                }
                Type::Bool
            }
            A::Matches | A::NotMatches => {
                if !matches!(lf, Family::Text | Family::Dynamic)
                    || !matches!(rf, Family::Regex | Family::Dynamic)
                {
                    self.mismatch(file, op, &lhs, &rhs, rhs_ast);
                }
                Type::Bool
            }
            A::StartsWith | A::EndsWith => {
                if !matches!(lf, Family::Text | Family::Dynamic)
                    || !matches!(rf, Family::Text | Family::Dynamic)
                {
                    self.mismatch(file, op, &lhs, &rhs, rhs_ast);
                }
                Type::Bool
            }
            A::Add | A::Sub | A::Mul | A::Div => {
                let arith = match op {
                    A::Add => Arith::Add,
                    A::Sub => Arith::Sub,
                    A::Mul => Arith::Mul,
                    _ => Arith::Div,
                };
                self.arithmetic(file, arith, &lhs, &rhs)
            }
            A::Range => unreachable!("ranges are handled above"),
        };
        let secret = lhs.secret || rhs.secret;
        make(
            ExprKind::Binary {
                op: plan_op(op),
                lhs: Box::new(lhs),
                rhs: Box::new(rhs),
            },
            ty,
            secret,
            span,
        )
    }

    /// Refuses comparing a value whose type is a set of strings with a string outside the set:
    /// such a check can never hold (or never fail), so it is a typo the type already knows of.
    fn literal_outside(&mut self, file: FileId, op: ast::BinaryOp, value: &Expr, candidate: &Expr) {
        let ExprKind::Literal {
            value: Literal::String(written),
        } = &candidate.kind
        else {
            return;
        };
        let Some(allowed) = self.type_table().string_literals(&value.ty) else {
            return;
        };
        if allowed.contains(written) {
            return;
        }
        let listed = allowed
            .iter()
            .map(|a| format!("{a:?}"))
            .collect::<Vec<_>>()
            .join(" | ");
        let outcome = match op {
            ast::BinaryOp::In | ast::BinaryOp::NotIn => "this element of the list never matches",
            ast::BinaryOp::Ne | ast::BinaryOp::IsNot => "this check always holds",
            _ => "this check can never hold",
        };
        let mut d = self
            .error(
                code::IMPOSSIBLE_VALUE,
                format!("{outcome}: {written:?} is not a value of {listed}"),
                file,
                candidate.span,
            )
            .with_label(format!("not one of {listed}"))
            .with_secondary(file, value.span, format!("this is {}", value.ty.describe()));
        if let Some(near) = did_you_mean(written, allowed.iter().map(String::as_str)) {
            d = d.with_help(format!("did you mean {near:?}?"));
        } else {
            d = d.with_help(format!("compare with one of {listed}, or widen the type"));
        }
        self.report(d);
    }

    fn same_family(
        &mut self,
        file: FileId,
        value: &Expr,
        bound: &Expr,
        _value_ast: &ast::Expr,
        op: &str,
    ) {
        if self.json_against_quantity(file, op, value, bound) {
            return;
        }
        let table = self.type_table();
        let (a, b) = (table.family(&value.ty), table.family(&bound.ty));
        if a != b && a != Family::Dynamic && b != Family::Dynamic {
            let d = self.unit_or_type_error(file, op, (a, b), value, bound);
            self.report(d);
        }
    }

    /// The error for operands that do not go together: a unit error when one side is a
    /// quantity and the other a bare number (with the unit to add), a type error otherwise.
    fn mismatch(
        &mut self,
        file: FileId,
        op: ast::BinaryOp,
        lhs: &Expr,
        rhs: &Expr,
        _rhs_ast: &ast::Expr,
    ) {
        let table = self.type_table();
        let (lf, rf) = (table.family(&lhs.ty), table.family(&rhs.ty));
        let d = self.unit_or_type_error(file, op.as_str(), (lf, rf), lhs, rhs);
        let d = d.with_secondary(file, lhs.span, format!("this is {}", lf.noun()));
        self.report(d);
    }

    fn unit_or_type_error(
        &self,
        file: FileId,
        op: &str,
        (lf, rf): (Family, Family),
        lhs: &Expr,
        rhs: &Expr,
    ) -> intent_source::Diagnostic {
        if lf.is_quantity() || rf.is_quantity() {
            let (quantity, other) = if lf.is_quantity() { (lf, rf) } else { (rf, lf) };
            let mut d = self
                .error(
                    code::UNIT_MISMATCH,
                    format!("`{op}` cannot combine {} with {}", lf.noun(), rf.noun()),
                    file,
                    rhs.span,
                )
                .with_label(format!("this is {}", rf.noun()));
            let (number, quantity_expr) = if lf.is_quantity() {
                (rhs, lhs)
            } else {
                (lhs, rhs)
            };
            if other == Family::Number
                && let Some(dimension) = quantity.dimension()
            {
                d = d.with_help(self.unit_help(file, dimension, number, quantity_expr));
            } else {
                d = d.with_help(
                    "both sides need the same kind: durations with durations, percentages with percentages",
                );
            }
            d
        } else {
            let help = self
                .quoted_number_help(lf, rf, lhs, rhs)
                .unwrap_or_else(|| {
                    match op {
                        "matches" | "not matches" => {
                            "`matches` compares a string with a regex such as `/^[a-z]+$/`"
                        }
                        "contains" | "not contains" => {
                            "`contains` looks for a substring, a regex, a detector or a list element"
                        }
                        "in" | "not in" => {
                            "`in` takes a list `[a, b]`, a range `a..b` or a string"
                        }
                        _ => "compare values of the same kind",
                    }
                    .to_string()
                });
            self.error(
                code::TYPE_MISMATCH,
                format!("`{op}` cannot combine {} with {}", lf.noun(), rf.noun()),
                file,
                rhs.span,
            )
            .with_label(format!("this is {}", rf.noun()))
            .with_help(help)
        }
    }
}

/// The plan's operator for a written one: the one place the two enums meet. `is` and `is not`
/// with a value are equalities (with a type name they never get here: they are conformance
/// checks).
fn plan_op(op: ast::BinaryOp) -> BinaryOp {
    use ast::BinaryOp as A;
    match op {
        A::Or => BinaryOp::Or,
        A::And => BinaryOp::And,
        A::Eq | A::Is => BinaryOp::Eq,
        A::Ne | A::IsNot => BinaryOp::Ne,
        A::Lt => BinaryOp::Lt,
        A::Le => BinaryOp::Le,
        A::Gt => BinaryOp::Gt,
        A::Ge => BinaryOp::Ge,
        A::In => BinaryOp::In,
        A::NotIn => BinaryOp::NotIn,
        A::Matches => BinaryOp::Matches,
        A::NotMatches => BinaryOp::NotMatches,
        A::Contains => BinaryOp::Contains,
        A::NotContains => BinaryOp::NotContains,
        A::StartsWith => BinaryOp::StartsWith,
        A::EndsWith => BinaryOp::EndsWith,
        A::Range => BinaryOp::Range,
        A::Add => BinaryOp::Add,
        A::Sub => BinaryOp::Sub,
        A::Mul => BinaryOp::Mul,
        A::Div => BinaryOp::Div,
    }
}
