//! Secrets come from the environment. A secret's value written in a spec (`secret key =
//! "abc"`, or the default of `env("KEY", "abc")`) would be in the plan, in every copy of the
//! repository and in the history of the file: it is refused, so the plan never holds a
//! secret's value and the runner never has to read one from anywhere but the environment.

use crate::context::Context;
use intent_ir::{Expr, ExprKind, Function};
use intent_source::{FileId, code};
use intent_syntax::ast::Ident;

impl Context<'_> {
    /// Refuses a secret whose value does not come from the environment (an `env` call without
    /// a default, or another secret).
    pub(crate) fn secret_from_environment(&mut self, file: FileId, name: &Ident, value: &Expr) {
        let default = first(value, &mut |e| match &e.kind {
            ExprKind::Call {
                function: Function::Env,
                args,
            } => args.get(1),
            _ => None,
        });
        if let Some(default) = default {
            let variable = self.env_variable(value).unwrap_or("NAME".into());
            let d = self
                .error(
                    code::SECRET_IN_SPEC,
                    format!(
                        "the secret `{}` has a default value written in the spec",
                        name.name
                    ),
                    file,
                    default.span,
                )
                .with_label("this value would be in the plan and the repository")
                .with_help(format!(
                    "drop the default, `env(\"{variable}\")`, and set {variable} where the specs \
                     run (a CI secret, or exported in the shell for a local run); a missing \
                     variable stops the run before anything is sent"
                ));
            self.report(d);
            return;
        }
        let from_environment = value.any(&mut |e| {
            e.secret && !matches!(e.kind, ExprKind::Literal { .. } | ExprKind::Template { .. })
                || matches!(
                    e.kind,
                    ExprKind::Call {
                        function: Function::Env,
                        ..
                    }
                )
        });
        if !from_environment {
            let variable = name.name.to_ascii_uppercase();
            let d = self
                .error(
                    code::SECRET_IN_SPEC,
                    format!(
                        "the value of the secret `{}` is written in the spec",
                        name.name
                    ),
                    file,
                    value.span,
                )
                .with_label("this value would be in the plan and the repository")
                .with_help(format!(
                    "read it from the environment, `secret {} = env(\"{variable}\")`, and set \
                     {variable} where the specs run; a value that is not secret is a `let`",
                    name.name
                ));
            self.report(d);
        }
    }

    /// The name of the first environment variable `value` reads, when written as a literal.
    fn env_variable(&self, value: &Expr) -> Option<String> {
        let arg = first(value, &mut |e| match &e.kind {
            ExprKind::Call {
                function: Function::Env,
                args,
            } => args.first(),
            _ => None,
        })?;
        match &arg.kind {
            ExprKind::Literal {
                value: intent_ir::Literal::String(name),
            } => Some(name.clone()),
            _ => None,
        }
    }
}

/// The first sub-expression of `expr` (itself included) for which `pick` gives something.
fn first<'e>(
    expr: &'e Expr,
    pick: &mut impl FnMut(&'e Expr) -> Option<&'e Expr>,
) -> Option<&'e Expr> {
    let mut found = None;
    expr.any(&mut |e| {
        found = pick(e);
        found.is_some()
    });
    found
}
