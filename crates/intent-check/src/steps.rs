//! Steps: binding prose calls to step patterns at compile time, and refusing recursion.

use crate::context::Context;
use crate::exprs::{error_expr, is_error_expr};
use crate::scope::Scope;
use intent_conform::conform;
use intent_ir::{Expr, Param, StableId, Type};
use intent_source::{FileId, Span, code};
use intent_syntax::ast::{self, CallPart, PatternPart};

/// One token of a step pattern or call.
#[derive(Clone, PartialEq, Eq, Debug)]
pub(crate) enum Token {
    /// A literal word, compared without case.
    Word(String),
    /// A parameter (in a pattern) or an argument (in a call). In a call, a number argument
    /// keeps its text, so it can also match a pattern word such as the `2` of
    /// `the cart holds 2 items`.
    Slot(Option<String>),
}

/// Whether a call's tokens fit a pattern's.
pub(crate) fn fits(pattern: &[Token], call: &[Token]) -> bool {
    pattern.len() == call.len()
        && pattern.iter().zip(call).all(|(p, c)| match (p, c) {
            (Token::Word(a), Token::Word(b)) => a == b,
            (Token::Word(a), Token::Slot(Some(text))) => a == text,
            (Token::Slot(_), Token::Slot(_)) => true,
            _ => false,
        })
}

/// Two patterns that accept exactly the same calls.
fn same_shape(a: &[Token], b: &[Token]) -> bool {
    a.len() == b.len()
        && a.iter().zip(b).all(|(x, y)| match (x, y) {
            (Token::Word(x), Token::Word(y)) => x == y,
            (Token::Slot(_), Token::Slot(_)) => true,
            _ => false,
        })
}

/// A step as callers see it.
pub(crate) struct StepSig<'a> {
    pub id: StableId,
    pub file: FileId,
    pub def: &'a ast::StepDef,
    pub tokens: Vec<Token>,
    pub params: Vec<Param>,
    /// Where each parameter is declared, `{qty: int in 1..100}`, for labels at call sites.
    pub param_spans: Vec<Span>,
    pub returns: Option<Type>,
    /// The pattern as shown in messages: `a shopper {name} is logged in`.
    pub display: String,
}

fn words(text: &str) -> impl Iterator<Item = Token> + '_ {
    text.split_whitespace()
        .map(|w| Token::Word(w.to_lowercase()))
}

fn shape(tokens: &[Token]) -> String {
    tokens
        .iter()
        .map(|t| match t {
            Token::Word(w) => w.as_str(),
            Token::Slot(_) => "{…}",
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// The tokens of a step pattern, and the pattern as messages show it
/// (`a shopper {name} is logged in`).
pub(crate) fn pattern_tokens(pattern: &ast::StepPattern) -> (Vec<Token>, String) {
    let mut tokens = Vec::new();
    let mut display = Vec::new();
    for part in &pattern.parts {
        match part {
            PatternPart::Text { text, .. } => {
                tokens.extend(words(text));
                display.push(text.trim().to_string());
            }
            PatternPart::Param { name, .. } => {
                tokens.push(Token::Slot(None));
                display.push(format!("{{{}}}", name.name));
            }
        }
    }
    let display = display
        .into_iter()
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join(" ");
    (tokens, display)
}

/// The tokens of a call, and its arguments in order.
pub(crate) fn call_tokens(call: &ast::StepCall) -> (Vec<Token>, Vec<&ast::Expr>) {
    let mut tokens = Vec::new();
    let mut args = Vec::new();
    for part in &call.parts {
        match part {
            CallPart::Word { text, .. } => tokens.extend(words(text)),
            CallPart::Arg(e) => {
                let text = match &e.kind {
                    ast::ExprKind::Number(n) if n.unit.is_none() => Some(n.digits.clone()),
                    _ => None,
                };
                tokens.push(Token::Slot(text));
                args.push(e);
            }
        }
    }
    (tokens, args)
}

/// The three patterns nearest to a call, by edit distance over words (an argument and a
/// parameter count as the same word): the help of `E1009`.
pub(crate) fn nearest<'s>(
    call: &[Token],
    candidates: impl Iterator<Item = (&'s [Token], &'s str)>,
) -> Vec<&'s str> {
    let as_words = |tokens: &[Token]| -> Vec<String> {
        tokens
            .iter()
            .map(|t| match t {
                Token::Word(w) => w.clone(),
                Token::Slot(_) => "{…}".to_string(),
            })
            .collect()
    };
    let call_words = as_words(call);
    let mut ranked: Vec<(usize, &str)> = candidates
        .map(|(tokens, display)| {
            (
                strsim::generic_levenshtein(&call_words, &as_words(tokens)),
                display,
            )
        })
        .collect();
    ranked.sort();
    ranked.into_iter().take(3).map(|(_, d)| d).collect()
}

impl<'a> Context<'a> {
    /// Collects the signature of every step (after named types are lowered).
    pub fn collect_steps(&mut self) {
        let order = self.globals.order.clone();
        for file in order {
            for item in &self.loaded.file(file).syntax.items {
                let ast::Item::Step(def) = item else { continue };
                let (tokens, display) = pattern_tokens(&def.pattern);
                let mut params = Vec::new();
                let mut param_spans = Vec::new();
                for part in &def.pattern.parts {
                    if let PatternPart::Param { name, ty, span } = part {
                        param_spans.push(*span);
                        params.push(Param {
                            name: name.name.clone(),
                            ty: self.lower_type(file, ty),
                        });
                    }
                }
                if let Some(first) = self.steps.iter().find(|s| same_shape(&s.tokens, &tokens)) {
                    let d = self
                        .error(code::DUPLICATE_DEFINITION, format!("the step `{display}` is defined twice"), file, def.pattern.span)
                        .with_label("same pattern again")
                        .with_secondary(first.file, first.def.pattern.span, "first defined here")
                        .with_help("two steps with the same words and parameters cannot be told apart; rename one");
                    self.report(d);
                    continue;
                }
                let returns = def.returns.as_ref().map(|r| self.lower_type(file, r));
                let id = StableId::item(self.file_stem(file), &display);
                self.steps.push(StepSig {
                    id,
                    file,
                    def,
                    tokens,
                    params,
                    param_spans,
                    returns,
                    display,
                });
            }
        }
    }

    /// Binds a prose call to the one step it matches and checks its arguments.
    /// Returns the step's index and the typed arguments.
    pub fn bind_call(
        &mut self,
        file: FileId,
        scope: &mut Scope,
        call: &ast::StepCall,
    ) -> Option<(usize, Vec<Expr>)> {
        let (tokens, args) = call_tokens(call);
        let matching: Vec<usize> = (0..self.steps.len())
            .filter(|&i| {
                fits(&self.steps[i].tokens, &tokens) && self.globals.sees(file, self.steps[i].file)
            })
            .collect();
        match matching.as_slice() {
            [] => {
                self.unbound(file, call.span, &tokens);
                for a in args {
                    self.expr(file, scope, a);
                }
                None
            }
            [index] => {
                let index = *index;
                // Arguments that matched a word of the pattern are not parameters.
                let args: Vec<&ast::Expr> = self.steps[index]
                    .tokens
                    .iter()
                    .zip(&tokens)
                    .filter(|(_, c)| matches!(c, Token::Slot(_)))
                    .zip(&args)
                    .filter(|((p, _), _)| matches!(p, Token::Slot(_)))
                    .map(|(_, a)| *a)
                    .collect();
                let step = &self.steps[index];
                let params: Vec<(Param, Span)> = step
                    .params
                    .iter()
                    .cloned()
                    .zip(step.param_spans.iter().copied())
                    .collect();
                let step_file = step.file;
                let typed: Vec<Expr> = args
                    .iter()
                    .zip(params)
                    .map(|(arg, (param, declared))| {
                        let value = self.expr(file, scope, arg);
                        self.check_argument(file, value, &param, (step_file, declared))
                    })
                    .collect();
                Some((index, typed))
            }
            many => {
                let mut d = self
                    .error(
                        code::AMBIGUOUS_STEP,
                        format!("this call matches {} steps", many.len()),
                        file,
                        call.span,
                    )
                    .with_label("ambiguous call");
                for &i in many {
                    d = d.with_secondary(
                        self.steps[i].file,
                        self.steps[i].def.pattern.span,
                        "matches this step",
                    );
                }
                let list: Vec<String> = many
                    .iter()
                    .map(|&i| format!("`{}`", self.steps[i].display))
                    .collect();
                d = d.with_help(format!(
                    "rename one of the steps so each call matches one: {}",
                    list.join(", ")
                ));
                self.report(d);
                for a in args {
                    self.expr(file, scope, a);
                }
                None
            }
        }
    }

    /// Checks one argument against its parameter: its type, and for a literal also its
    /// refinements, by the rule the runner applies to computed arguments before the step's
    /// requests are sent. `declared` is the parameter in its step's pattern.
    fn check_argument(
        &mut self,
        file: FileId,
        value: Expr,
        param: &Param,
        declared: (FileId, Span),
    ) -> Expr {
        let (step_file, param_span) = declared;
        if !self.type_table().assignable(&value.ty, &param.ty) {
            let d = self
                .error(
                    code::STEP_ARGUMENT_TYPE,
                    format!(
                        "the step parameter `{}` is {}, but this argument is {}",
                        param.name,
                        param.ty.describe(),
                        value.ty.describe()
                    ),
                    file,
                    value.span,
                )
                .with_label(format!("{} given", value.ty.describe()))
                .with_secondary(step_file, param_span, "the parameter is declared here")
                .with_help(format!("pass a value of type {}", param.ty.describe()));
            self.report(d);
            return error_expr(value.span);
        }
        // The stand-in of a part already in error is no literal `null`.
        let in_error = value.any(&mut |e| is_error_expr(e));
        let Some(json) = value.constant().filter(|_| !in_error) else {
            return value;
        };
        let table = self.type_table();
        let Some(broken) = conform(&json, &param.ty, &table).into_iter().next() else {
            return value;
        };
        let within = match broken.path.strip_prefix('$') {
            Some("") | None => String::new(),
            Some(path) => format!(" (at `{path}`)"),
        };
        let written = self.text(step_file, param_span);
        let d = self
            .error(
                code::STEP_ARGUMENT_TYPE,
                format!(
                    "this argument does not fit the step parameter `{}`: {}{within}",
                    written.trim_matches(['{', '}']).trim(),
                    broken.message
                ),
                file,
                value.span,
            )
            .with_label(format!("refused by `{}`", param.name))
            .with_secondary(step_file, param_span, "the parameter is declared here")
            .with_help(
                "pass a value the parameter's type and refinements admit, or change the parameter",
            );
        self.report(d);
        error_expr(value.span)
    }

    fn unbound(&mut self, file: FileId, span: Span, tokens: &[Token]) {
        let visible = self
            .steps
            .iter()
            .filter(|s| self.globals.sees(file, s.file))
            .map(|s| (s.tokens.as_slice(), s.display.as_str()));
        let closest: Vec<String> = nearest(tokens, visible)
            .into_iter()
            .map(|d| format!("`{d}`"))
            .collect();
        let methods = ["get", "post", "put", "patch", "delete", "head", "options"];
        let help = if matches!(tokens.first(), Some(Token::Word(w)) if methods.contains(&w.as_str()))
        {
            "a request needs a target and a path: `when GET target /path`".to_string()
        } else if closest.is_empty() {
            "define it with `step \"...\" { ... }`, or import the file that defines it".to_string()
        } else {
            format!(
                "the closest steps are {}; arguments are quoted literals or `(expressions)`",
                closest.join(", ")
            )
        };
        let d = self
            .error(
                code::UNKNOWN_STEP,
                format!("no step matches `{}`", shape(tokens)),
                file,
                span,
            )
            .with_label("unbound step call")
            .with_help(help);
        self.report(d);
    }

    /// Reports steps that call each other in a cycle, once per cycle.
    pub fn check_step_recursion(&mut self, calls: &[(usize, usize, FileId, Span)]) {
        let n = self.steps.len();
        let mut reported = vec![false; n];
        for start in 0..n {
            // Depth-first search for a path from `start` back to itself.
            let mut stack: Vec<(usize, Vec<usize>)> = vec![(start, vec![start])];
            let mut seen = vec![false; n];
            while let Some((at, path)) = stack.pop() {
                for &(caller, callee, file, span) in calls.iter().filter(|c| c.0 == at) {
                    if callee == start {
                        if path.iter().any(|&p| reported[p]) {
                            continue;
                        }
                        for &p in &path {
                            reported[p] = true;
                        }
                        let names: Vec<String> = path
                            .iter()
                            .map(|&p| format!("`{}`", self.steps[p].display))
                            .collect();
                        let d = self
                            .error(
                                code::RECURSIVE_STEP,
                                if path.len() == 1 {
                                    format!("the step {} calls itself", names[0])
                                } else {
                                    format!("steps call each other in a cycle: {}", names.join(" → "))
                                },
                                file,
                                span,
                            )
                            .with_label(format!("this call in `{}` closes the cycle", self.steps[caller].display))
                            .with_help("steps cannot call themselves, directly or through others; flatten the repeated part into one step");
                        self.report(d);
                    } else if !seen[callee] {
                        seen[callee] = true;
                        let mut next = path.clone();
                        next.push(callee);
                        stack.push((callee, next));
                    }
                }
            }
        }
    }
}
