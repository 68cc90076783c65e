//! Calls of built-in functions: the signature of each, arity and argument types.

use super::aggregates::{AGGREGATE_CALLS, percentile};
use super::{error_expr, make};
use crate::context::Context;
use crate::scope::Scope;
use crate::types::Family;
use intent_ir::{Aggregate, Expr, ExprKind, Function, Type};
use intent_source::{FileId, Span, code, did_you_mean};
use intent_syntax::ast;

/// A built-in function: its parameters (by family; `Dynamic` takes anything), how many of
/// the last ones are optional, and its result.
struct Signature {
    function: Function,
    params: &'static [Family],
    optional: usize,
    result: Type,
}

/// The signature of the built-in function a spec calls by `name` (the names are
/// [`Function::name`]'s).
fn builtin(name: &str) -> Option<Signature> {
    use Family::*;
    let function = Function::named(name)?;
    let (params, optional, result): (&'static [Family], usize, Type) = match function {
        Function::Len => (&[Dynamic], 0, Type::Int),
        Function::Lower | Function::Upper | Function::Trim => (&[Text], 0, Type::String),
        Function::Now => (&[], 0, Type::Datetime),
        Function::Uuid => (&[], 0, Type::Uuid),
        Function::Env => (&[Text, Text], 1, Type::String),
        Function::Exact => (&[Dynamic, Dynamic], 0, Type::Decimal),
        Function::Similarity | Function::RougeL | Function::Bleu => {
            (&[Text, Text], 0, Type::Decimal)
        }
        Function::Within => (&[Number, Number, Dynamic], 0, Type::Bool),
        Function::RandomInt => (&[Number, Number], 0, Type::Int),
        Function::RandomString => (&[Number], 0, Type::String),
        Function::RandomEmail => (&[], 0, Type::Email),
    };
    Some(Signature {
        function,
        params,
        optional,
        result,
    })
}

/// The built-in functions as a message lists them.
fn function_list() -> String {
    let names: Vec<&str> = Function::ALL.iter().map(|f| f.name()).collect();
    names.join(", ")
}

impl Context<'_> {
    pub(super) fn call(
        &mut self,
        file: FileId,
        scope: &mut Scope,
        callee: &ast::Expr,
        args: &[ast::Expr],
        span: Span,
    ) -> Expr {
        let name = match &callee.kind {
            ast::ExprKind::Name(n) if scope.find(n).is_none() => n.clone(),
            ast::ExprKind::Field { base, field } if matches!(&base.kind, ast::ExprKind::Name(n) if n == "random") =>
            {
                format!("random.{}", field.name)
            }
            _ => {
                let d = self
                    .error(
                        code::UNKNOWN_FUNCTION,
                        "only built-in functions can be called",
                        file,
                        callee.span,
                    )
                    .with_label("not a function")
                    .with_help(format!("functions are: {}", function_list()));
                self.report(d);
                return error_expr(span);
            }
        };
        if let Some(n) = percentile(&name) {
            return self.aggregate_call(file, scope, Aggregate::Percentile(n), &name, args, span);
        }
        if let Some((_, aggregate)) = AGGREGATE_CALLS.iter().find(|(n, _)| *n == name) {
            return self.aggregate_call(file, scope, *aggregate, &name, args, span);
        }
        let Some(signature) = builtin(&name) else {
            let mut known: Vec<&str> = Function::ALL.iter().map(|f| f.name()).collect();
            known.extend(AGGREGATE_CALLS.iter().map(|(n, _)| *n));
            let mut d = self
                .error(
                    code::UNKNOWN_FUNCTION,
                    format!("unknown function `{name}`"),
                    file,
                    callee.span,
                )
                .with_label("not a built-in function");
            d = match did_you_mean(&name, known.iter().copied()) {
                Some(s) => d.with_help(format!("did you mean `{s}`?")),
                None => d.with_help(format!("functions are: {}", function_list())),
            };
            self.report(d);
            return error_expr(span);
        };
        let args: Vec<Expr> = args.iter().map(|a| self.expr(file, scope, a)).collect();
        let (min, max) = (
            signature.params.len() - signature.optional,
            signature.params.len(),
        );
        if args.len() < min || args.len() > max {
            let expected = if min == max {
                format!("{min}")
            } else {
                format!("{min} or {max}")
            };
            let d = self
                .error(
                    code::WRONG_ARGUMENT_COUNT,
                    format!(
                        "`{name}` takes {expected} argument{}, but {} were given",
                        if max == 1 { "" } else { "s" },
                        args.len()
                    ),
                    file,
                    span,
                )
                .with_label("wrong number of arguments")
                .with_help(format!(
                    "call it as `{name}({})`",
                    signature
                        .params
                        .iter()
                        .map(|p| p.noun())
                        .collect::<Vec<_>>()
                        .join(", ")
                ));
            self.report(d);
        }
        if signature.function == Function::Len
            && let Some(arg) = args.first()
        {
            let family = self.type_table().family(&arg.ty);
            if !matches!(
                family,
                Family::Text | Family::List | Family::Record | Family::Dynamic
            ) {
                let d = self
                    .error(
                        code::TYPE_MISMATCH,
                        format!(
                            "`len` measures strings, lists and objects, not {}",
                            family.noun()
                        ),
                        file,
                        arg.span,
                    )
                    .with_label(format!("{} of type {}", family.noun(), arg.ty.describe()))
                    .with_help("pass a string, a list or an object");
                self.report(d);
            }
        }
        for (arg, want) in args.iter().zip(signature.params) {
            let got = self.type_table().family(&arg.ty);
            let fits = *want == Family::Dynamic || got == Family::Dynamic || got == *want;
            if !fits {
                let d = self
                    .error(
                        code::TYPE_MISMATCH,
                        format!(
                            "`{name}` expects {} here, but this is {}",
                            want.noun(),
                            got.noun()
                        ),
                        file,
                        arg.span,
                    )
                    .with_label(format!("{} of type {}", got.noun(), arg.ty.describe()))
                    .with_help(format!("pass {}", want.noun()));
                self.report(d);
            }
        }
        let secret = args.iter().any(|a| a.secret);
        make(
            ExprKind::Call {
                function: signature.function,
                args,
            },
            signature.result,
            secret,
            span,
        )
    }
}
