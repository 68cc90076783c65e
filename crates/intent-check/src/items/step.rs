//! Step bodies (their parameters declared, their result checked against `-> Type`) and step
//! calls from any block.

use super::ItemLowering;
use crate::context::Context;
use crate::exprs::widen;
use crate::scope::{BlockKind, LocalKind, Scope};
use intent_ir::{self as ir, Action, Type};
use intent_source::{FileId, Span, code};
use intent_syntax::ast::{self, Statement, WhenAction};

pub(super) fn step(
    cx: &mut Context<'_>,
    index: usize,
    calls: &mut Vec<(usize, usize, FileId, Span)>,
) -> ir::Step {
    let (file, def, params, returns, id, display) = {
        let s = &cx.steps[index];
        (
            s.file,
            s.def,
            s.params.clone(),
            s.returns.clone(),
            s.id.clone(),
            s.display.clone(),
        )
    };
    let title = ast::StringLit {
        parts: vec![ast::TemplatePart::Text(display.clone())],
        raw: false,
        span: def.pattern.span,
    };
    let mut unit = ItemLowering::new(cx, file, &title);
    unit.id = id.clone();
    unit.scope = Scope::new(BlockKind::Step);
    for (param, part) in params
        .iter()
        .zip(def.pattern.parts.iter().filter_map(|p| match p {
            ast::PatternPart::Param { name, .. } => Some(name),
            ast::PatternPart::Text { .. } => None,
        }))
    {
        unit.cx.declare(
            file,
            &mut unit.scope,
            &param.name,
            part.span,
            LocalKind::Param,
            param.ty.clone(),
            false,
        );
        if let Some(local) = unit.scope.lookup(&param.name) {
            local.used = true;
        }
    }
    unit.caller = Some(index);
    let mut result = None;
    for statement in &def.body.statements {
        if let Statement::Yield(y) = statement {
            let value = unit.cx.expr(file, &mut unit.scope, &y.value);
            result = Some(value);
        } else {
            unit.statement(statement);
        }
    }
    calls.append(&mut unit.calls);
    let actions = std::mem::take(&mut unit.actions);
    unit.finish();
    match (&returns, &result) {
        (Some(declared), Some(value)) if !cx.type_table().assignable(&value.ty, declared) => {
            let d = cx
                .error(
                    code::STEP_RESULT,
                    format!(
                        "the step yields {}, but declares {}",
                        value.ty.describe(),
                        declared.describe()
                    ),
                    file,
                    value.span,
                )
                .with_label("yielded here")
                .with_secondary(
                    file,
                    def.returns.as_ref().map_or(def.pattern.span, |r| r.span),
                    "declared here",
                )
                .with_help("yield a value of the declared type, or change `-> Type`");
            cx.report(d);
        }
        (Some(declared), None) => {
            let d = cx
                .error(
                    code::STEP_RESULT,
                    format!(
                        "the step declares `-> {}` but never yields",
                        declared.describe()
                    ),
                    file,
                    def.pattern.span,
                )
                .with_label("no `yield`")
                .with_help("end the step with `yield EXPR`");
            cx.report(d);
        }
        _ => {}
    }
    ir::Step {
        id,
        pattern: display,
        params,
        returns: returns.or_else(|| result.as_ref().map(|r| widen(&r.ty))),
        actions,
        result,
        source: cx.source(file, def.span),
    }
}

impl ItemLowering<'_, '_> {
    pub(super) fn call(&mut self, call: &ast::StepCall, bind: Option<&ast::Ident>, span: Span) {
        let file = self.file;
        let Some((index, args)) = self.cx.bind_call(file, &mut self.scope, call) else {
            if let Some(name) = bind {
                self.capture(name, Type::Any, false);
            }
            return;
        };
        if let Some(caller) = self.caller {
            self.calls.push((caller, index, file, call.span));
        }
        // A step that sends requests leaves its last response as the latest one.
        let sends = self.cx.steps[index].def.body.statements.iter().any(|s| {
            matches!(
                s,
                Statement::When(ast::When {
                    action: WhenAction::Request(_),
                    ..
                })
            )
        });
        if sends {
            self.scope.latest_body = Some(Type::Json);
        }
        let returns = self.cx.steps[index].returns.clone();
        let step_id = self.cx.steps[index].id.clone();
        if let Some(name) = bind {
            let ty = match returns {
                Some(t) => t,
                None => {
                    let display = self.cx.steps[index].display.clone();
                    let d = self
                        .cx
                        .error(
                            code::STEP_RESULT,
                            format!("the step `{display}` yields nothing to capture"),
                            file,
                            name.span,
                        )
                        .with_label("nothing to capture")
                        .with_secondary(
                            self.cx.steps[index].file,
                            self.cx.steps[index].def.pattern.span,
                            "declared without `-> Type`",
                        )
                        .with_help(
                            "declare the step's result with `-> Type` and end it with `yield EXPR`",
                        );
                    self.cx.report(d);
                    Type::Any
                }
            };
            let secret = args.iter().any(|a| a.secret);
            self.capture(name, ty, secret);
        }
        let call_text = self.cx.text(file, call.span).to_string();
        let id = self.child_id(&call_text);
        self.actions.push(Action::CallStep {
            id,
            step: step_id,
            args,
            bind: bind.map(|n| n.name.clone()),
            source: self.source(span),
        });
    }
}
