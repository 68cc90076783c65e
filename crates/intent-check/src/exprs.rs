//! Expressions: every name resolved, every operator and call typed, units checked.

use crate::context::Context;
use crate::globals::ValueKind;
use crate::scope::{Local, LocalKind, Scope};
use crate::types::{Family, number_literal};
use intent_ir::number::Arith;
use intent_ir::{
    Aggregate, BinaryOp, Detector, Expr, ExprKind, FieldType, Function, Literal, ObjectEntry,
    Quantifier, ResponseField, Series, TemplatePart, Type, UnaryOp,
};
use intent_source::{FileId, Span, code, did_you_mean};
use intent_syntax::ast;

/// The response fields every check can read by name.
pub(crate) const RESPONSE_FIELDS: [(&str, ResponseField); 5] = [
    ("status", ResponseField::Status),
    ("body", ResponseField::Body),
    ("headers", ResponseField::Headers),
    ("duration", ResponseField::Duration),
    ("size", ResponseField::Size),
];

/// Aggregates written as bare names.
const AGGREGATE_NAMES: [(&str, Aggregate); 4] = [
    ("accuracy", Aggregate::Accuracy),
    ("error_rate", Aggregate::ErrorRate),
    ("throughput", Aggregate::Throughput),
    ("count", Aggregate::Count),
];

/// Aggregates written as calls (percentiles `p1`…`p99` are recognised separately).
const AGGREGATE_CALLS: [(&str, Aggregate); 9] = [
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

/// A built-in function: its parameters (by family; `Dynamic` takes anything), how many of
/// the last ones are optional, and its result.
struct Signature {
    function: Function,
    params: &'static [Family],
    optional: usize,
    result: Type,
}

fn builtin(name: &str) -> Option<Signature> {
    use Family::*;
    let (function, params, optional, result): (Function, &'static [Family], usize, Type) =
        match name {
            "len" => (Function::Len, &[Dynamic], 0, Type::Int),
            "lower" => (Function::Lower, &[Text], 0, Type::String),
            "upper" => (Function::Upper, &[Text], 0, Type::String),
            "trim" => (Function::Trim, &[Text], 0, Type::String),
            "now" => (Function::Now, &[], 0, Type::Datetime),
            "uuid" => (Function::Uuid, &[], 0, Type::Uuid),
            "env" => (Function::Env, &[Text, Text], 1, Type::String),
            "exact" => (Function::Exact, &[Dynamic, Dynamic], 0, Type::Decimal),
            "similarity" => (Function::Similarity, &[Text, Text], 0, Type::Decimal),
            "rouge_l" => (Function::RougeL, &[Text, Text], 0, Type::Decimal),
            "bleu" => (Function::Bleu, &[Text, Text], 0, Type::Decimal),
            "within" => (Function::Within, &[Number, Number, Dynamic], 0, Type::Bool),
            "random.int" => (Function::RandomInt, &[Number, Number], 0, Type::Int),
            "random.string" => (Function::RandomString, &[Number], 0, Type::String),
            "random.email" => (Function::RandomEmail, &[], 0, Type::Email),
            _ => return None,
        };
    Some(Signature {
        function,
        params,
        optional,
        result,
    })
}

const FUNCTION_NAMES: [&str; 12] = [
    "len",
    "lower",
    "upper",
    "trim",
    "now",
    "uuid",
    "env",
    "exact",
    "similarity",
    "rouge_l",
    "bleu",
    "within",
];

fn percentile(name: &str) -> Option<u8> {
    let n: u8 = name.strip_prefix('p')?.parse().ok()?;
    (1..=99).contains(&n).then_some(n)
}

fn make(kind: ExprKind, ty: Type, secret: bool, span: Span) -> Expr {
    Expr {
        kind,
        ty,
        secret,
        span,
    }
}

/// A literal's type: strings keep their value (so `"delivered"` can be refused where only
/// `"pending" | "paid"` fit); other literals have their base type.
fn literal(value: Literal, span: Span) -> Expr {
    let ty = match &value {
        Literal::String(_) => Type::Literal {
            value: value.clone(),
        },
        other => other.base_type(),
    };
    make(ExprKind::Literal { value }, ty, false, span)
}

/// A stand-in after an error, typed `any` so no second error follows from the first.
pub(crate) fn error_expr(span: Span) -> Expr {
    make(
        ExprKind::Literal {
            value: Literal::Null,
        },
        Type::Any,
        false,
        span,
    )
}

/// Whether an expression is the stand-in of [`error_expr`]: its error is already reported, so
/// nothing more is concluded from it. (A `null` written in the spec has the type `null`.)
pub(crate) fn is_error_expr(expr: &Expr) -> bool {
    expr.ty == Type::Any
        && matches!(
            expr.kind,
            ExprKind::Literal {
                value: Literal::Null
            }
        )
}

impl Context<'_> {
    pub fn expr(&mut self, file: FileId, scope: &mut Scope, e: &ast::Expr) -> Expr {
        let span = e.span;
        match &e.kind {
            ast::ExprKind::Number(n) => literal(number_literal(n), span),
            ast::ExprKind::String(s) => self.string(file, scope, s),
            ast::ExprKind::Regex(r) => {
                self.check_regex(file, span, &r.pattern, &r.flags);
                make(
                    ExprKind::Regex {
                        pattern: r.pattern.clone(),
                        flags: r.flags.clone(),
                    },
                    Type::Regex,
                    false,
                    span,
                )
            }
            ast::ExprKind::Bool(b) => literal(Literal::Bool(*b), span),
            ast::ExprKind::Null => literal(Literal::Null, span),
            ast::ExprKind::Error => error_expr(span),
            ast::ExprKind::Name(name) => self.name(file, scope, name, span),
            ast::ExprKind::List(items) => {
                let items: Vec<Expr> = items.iter().map(|i| self.expr(file, scope, i)).collect();
                let table = self.type_table();
                let item = match items.first() {
                    Some(first)
                        if items
                            .iter()
                            .all(|i| table.family(&i.ty) == table.family(&first.ty)) =>
                    {
                        widen(&first.ty)
                    }
                    Some(_) => Type::Json,
                    None => Type::Any,
                };
                let secret = items.iter().any(|i| i.secret);
                make(ExprKind::List { items }, Type::list(item), secret, span)
            }
            ast::ExprKind::Object(entries) => self.object(file, scope, entries, span),
            ast::ExprKind::Header(name) => {
                self.require_response(file, scope, "header", span);
                let header = name.as_plain().unwrap_or_else(|| name.display());
                make(
                    ExprKind::Header { name: None, header },
                    Type::String,
                    false,
                    span,
                )
            }
            ast::ExprKind::Field { base, field } => self.field(file, scope, base, field, span),
            ast::ExprKind::Index { base, index } => {
                let base = self.expr(file, scope, base);
                let index = self.expr(file, scope, index);
                let table = self.type_table();
                let ty = match (table.family(&base.ty), table.family(&index.ty)) {
                    (Family::List, Family::Number | Family::Dynamic) => table.element(&base.ty),
                    (Family::Dynamic, _) => Some(Type::Json),
                    (Family::Record, Family::Text | Family::Dynamic) => Some(Type::Json),
                    _ => None,
                };
                let ty = ty.unwrap_or_else(|| {
                    let d = self
                        .error(
                            code::TYPE_MISMATCH,
                            format!("cannot index {} with {}", self.type_table().family(&base.ty).noun(), self.type_table().family(&index.ty).noun()),
                            file,
                            span,
                        )
                        .with_label("invalid index")
                        .with_help("lists are indexed by position (`items[0]`), JSON objects by key (`body[\"name\"]`)");
                    self.report(d);
                    Type::Any
                });
                let secret = base.secret || index.secret;
                make(
                    ExprKind::Index {
                        base: Box::new(base),
                        index: Box::new(index),
                    },
                    ty,
                    secret,
                    span,
                )
            }
            ast::ExprKind::Call { callee, args } => self.call(file, scope, callee, args, span),
            ast::ExprKind::Unary { op, operand } => {
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
            ast::ExprKind::Binary { op, lhs, rhs } => self.binary(file, scope, *op, lhs, rhs, span),
            ast::ExprKind::Exists(operand) | ast::ExprKind::Absent(operand) => {
                let operand = Box::new(self.expr(file, scope, operand));
                let kind = if matches!(e.kind, ast::ExprKind::Exists(_)) {
                    ExprKind::Exists { operand }
                } else {
                    ExprKind::Absent { operand }
                };
                make(kind, Type::Bool, false, span)
            }
            ast::ExprKind::Quantifier {
                kind,
                var,
                collection,
                predicate,
            } => {
                let collection = self.expr(file, scope, collection);
                let element = self
                    .type_table()
                    .element(&collection.ty)
                    .unwrap_or_else(|| {
                        let noun = self.type_table().family(&collection.ty).noun();
                        let d = self
                            .error(
                                code::TYPE_MISMATCH,
                                format!(
                                    "`{}` needs a list, but this is {noun}",
                                    if *kind == ast::Quantifier::Every {
                                        "every"
                                    } else {
                                        "some"
                                    }
                                ),
                                file,
                                collection.span,
                            )
                            .with_label("not a list")
                            .with_help("quantifiers range over lists, such as `body.items`");
                        self.report(d);
                        Type::Any
                    });
                let mark = scope.mark();
                self.declare(
                    file,
                    scope,
                    &var.name,
                    var.span,
                    LocalKind::Loop,
                    element,
                    collection.secret,
                );
                let predicate = self.expr(file, scope, predicate);
                self.expect_bool(file, &predicate, "the condition of a quantifier");
                scope.truncate(mark);
                let secret = collection.secret || predicate.secret;
                make(
                    ExprKind::Quantifier {
                        quantifier: if *kind == ast::Quantifier::Every {
                            Quantifier::Every
                        } else {
                            Quantifier::Some
                        },
                        var: var.name.clone(),
                        collection: Box::new(collection),
                        predicate: Box::new(predicate),
                    },
                    Type::Bool,
                    secret,
                    span,
                )
            }
        }
    }

    /// A string literal, interpolated or not.
    pub fn string(&mut self, file: FileId, scope: &mut Scope, s: &ast::StringLit) -> Expr {
        if let Some(text) = s.as_plain() {
            return literal(Literal::String(text), s.span);
        }
        let mut secret = false;
        let parts = s
            .parts
            .iter()
            .map(|p| match p {
                ast::TemplatePart::Text(t) => TemplatePart::Text(t.clone()),
                ast::TemplatePart::Expr(e) => {
                    let e = self.expr(file, scope, e);
                    secret |= e.secret;
                    TemplatePart::Expr(e)
                }
            })
            .collect();
        make(ExprKind::Template { parts }, Type::String, secret, s.span)
    }

    fn object(
        &mut self,
        file: FileId,
        scope: &mut Scope,
        entries: &[ast::ObjectEntry],
        span: Span,
    ) -> Expr {
        let mut out: Vec<ObjectEntry> = Vec::new();
        let mut fields = Vec::new();
        for entry in entries {
            if let Some(first) = entries
                .iter()
                .find(|e| e.key.name == entry.key.name)
                .filter(|e| e.key.span != entry.key.span)
            {
                if first.key.span.start < entry.key.span.start {
                    let d = self
                        .error(
                            code::DUPLICATE_DEFINITION,
                            format!("the key `{}` appears twice", entry.key.name),
                            file,
                            entry.key.span,
                        )
                        .with_label("again here")
                        .with_secondary(file, first.key.span, "first here")
                        .with_help("keep one of them");
                    self.report(d);
                    continue;
                }
            }
            let value = self.expr(file, scope, &entry.value);
            fields.push(FieldType {
                name: entry.key.name.clone(),
                ty: widen(&value.ty),
                optional: false,
            });
            out.push(ObjectEntry {
                key: entry.key.name.clone(),
                value,
            });
        }
        let secret = out.iter().any(|e| e.value.secret);
        make(
            ExprKind::Object { entries: out },
            Type::Record {
                fields,
                exact: false,
            },
            secret,
            span,
        )
    }

    /// Declares a local, refusing names that would hide another.
    #[allow(clippy::too_many_arguments)]
    pub fn declare(
        &mut self,
        file: FileId,
        scope: &mut Scope,
        name: &str,
        span: Span,
        kind: LocalKind,
        ty: Type,
        secret: bool,
    ) {
        let hidden: Option<(String, Option<(FileId, Span)>)> = if let Some(local) = scope.find(name)
        {
            Some((
                format!("the {} `{name}`", local.kind.noun()),
                Some((file, local.span)),
            ))
        } else if let Some(def) = self
            .globals
            .values
            .get(name)
            .filter(|d| self.globals.sees(file, d.file))
        {
            Some((
                format!("the {} `{name}`", def.kind.noun()),
                Some((def.file, def.span)),
            ))
        } else if RESPONSE_FIELDS.iter().any(|(f, _)| *f == name) && kind != LocalKind::Score {
            Some((format!("the response field `{name}`"), None))
        } else {
            None
        };
        if let Some((what, place)) = hidden {
            let mut d = self
                .error(
                    code::SHADOWED_NAME,
                    format!("`{name}` would hide {what}"),
                    file,
                    span,
                )
                .with_label(format!("this {} hides it", kind.noun()))
                .with_help("choose another name; every name in a spec means one thing");
            if let Some((f, s)) = place {
                d = d.with_secondary(f, s, "defined here");
            }
            self.report(d);
        }
        scope.push(Local {
            name: name.to_string(),
            ty,
            secret,
            kind,
            span,
            used: false,
        });
    }

    pub fn require_response(&mut self, file: FileId, scope: &Scope, what: &str, span: Span) {
        if scope.latest_body.is_none() && scope.aggregates.is_none() {
            let d = self
                .error(
                    code::NO_RESPONSE,
                    format!("`{what}` reads the latest response, but no request was made before this line"),
                    file,
                    span,
                )
                .with_label("no response yet")
                .with_help("add a `when METHOD target /path` line before this check");
            self.report(d);
        }
    }

    pub fn expect_bool(&mut self, file: FileId, expr: &Expr, what: &str) {
        let family = self.type_table().family(&expr.ty);
        if !matches!(family, Family::Bool | Family::Dynamic) {
            let d = self
                .error(
                    code::CHECK_NOT_BOOLEAN,
                    format!(
                        "{what} must be true or false, but this is {}",
                        family.noun()
                    ),
                    file,
                    expr.span,
                )
                .with_label(format!("{} of type {}", family.noun(), expr.ty.describe()))
                .with_help("compare it with something, for example `status == 200`");
            self.report(d);
        }
    }

    fn name(&mut self, file: FileId, scope: &mut Scope, name: &str, span: Span) -> Expr {
        if let Some(local) = scope.lookup(name) {
            local.used = true;
            return make(
                ExprKind::Var {
                    name: name.to_string(),
                },
                local.ty.clone(),
                local.secret,
                span,
            );
        }
        if let Some((_, field)) = RESPONSE_FIELDS.iter().find(|(f, _)| *f == name) {
            self.require_response(file, scope, name, span);
            let ty = match field {
                ResponseField::Status => Type::Int,
                ResponseField::Body => scope.latest_body.clone().unwrap_or(Type::Json),
                ResponseField::Headers => Type::Json,
                ResponseField::Duration => Type::Duration,
                ResponseField::Size => Type::Size,
            };
            return make(
                ExprKind::Response {
                    name: None,
                    field: *field,
                },
                ty,
                false,
                span,
            );
        }
        if let Some(def) = self.globals.values.get(name).copied() {
            if !self.globals.sees(file, def.file) {
                let where_ = self.loaded.sources.get(def.file).display_path();
                let d = self
                    .error(
                        code::UNKNOWN_NAME,
                        format!("`{name}` is not imported here"),
                        file,
                        span,
                    )
                    .with_label("not visible in this file")
                    .with_help(format!(
                        "it is defined in `{where_}`; add `use \"…\"` for that file"
                    ));
                self.report(d);
                return error_expr(span);
            }
            self.used_globals.insert(name.to_string());
            match def.kind {
                ValueKind::Let | ValueKind::Secret => {
                    return match self.values.get(name) {
                        Some((ty, secret)) => make(
                            ExprKind::Var {
                                name: name.to_string(),
                            },
                            ty.clone(),
                            *secret,
                            span,
                        ),
                        None => {
                            let d = self
                                .error(code::USED_BEFORE_DEFINITION, format!("`{name}` is used before its definition"), file, span)
                                .with_label("used here")
                                .with_secondary(def.file, def.span, "defined later here")
                                .with_help("lets and secrets are evaluated in order; move the definition above this use");
                            self.report(d);
                            error_expr(span)
                        }
                    };
                }
                kind => {
                    let d = self
                        .error(
                            code::TYPE_MISMATCH,
                            format!("`{name}` is a {}, not a value", kind.noun()),
                            file,
                            span,
                        )
                        .with_label(format!("a {}", kind.noun()))
                        .with_help(match kind {
                            ValueKind::Target => {
                                "targets are named in requests: `when GET NAME /path`"
                            }
                            _ => "datasets are read with `evaluate \"…\" over NAME as row`",
                        });
                    self.report(d);
                    return error_expr(span);
                }
            }
        }
        if let Some((_, aggregate)) = AGGREGATE_NAMES.iter().find(|(n, _)| *n == name) {
            return self.aggregate(file, scope, *aggregate, None, None, span);
        }
        if let Some((_, later)) = scope.later.iter().find(|(n, _)| n == name).cloned() {
            scope.early_uses.push(name.to_string());
            let d = self
                .error(
                    code::USED_BEFORE_DEFINITION,
                    format!("`{name}` is used before the line that defines it"),
                    file,
                    span,
                )
                .with_label("used here")
                .with_secondary(file, later, "defined here, later")
                .with_help("statements run in order; move the definition above this line");
            self.report(d);
            return error_expr(span);
        }
        let mut d = self
            .error(
                code::UNKNOWN_NAME,
                format!("unknown name `{name}`"),
                file,
                span,
            )
            .with_label("not defined");
        d = match self.nearest_name(file, scope, name) {
            Some(s) => d.with_help(format!("did you mean `{s}`?")),
            None => d.with_help(
                "define it with `let`, capture it with `given NAME = ...`, or check the spelling",
            ),
        };
        self.report(d);
        error_expr(span)
    }

    fn field(
        &mut self,
        file: FileId,
        scope: &mut Scope,
        base: &ast::Expr,
        field: &ast::Ident,
        span: Span,
    ) -> Expr {
        if let ast::ExprKind::Name(name) = &base.kind
            && scope.find(name).is_none()
            && !self.globals.values.contains_key(name)
        {
            match name.as_str() {
                "pii" => {
                    return match Detector::ALL.iter().find(|(n, _)| *n == field.name) {
                        Some((_, detector)) => make(
                            ExprKind::Detector {
                                detector: *detector,
                            },
                            Type::Detector,
                            false,
                            span,
                        ),
                        None => {
                            let names = Detector::ALL.iter().map(|(n, _)| *n);
                            let mut d = self
                                .error(
                                    code::UNKNOWN_NAME,
                                    format!("`pii.{}` is not a detector", field.name),
                                    file,
                                    field.span,
                                )
                                .with_label("unknown detector");
                            d = match did_you_mean(&field.name, names) {
                                Some(s) => d.with_help(format!("did you mean `pii.{s}`?")),
                                None => d.with_help(
                                    "detectors are pii.email, pii.card_number and pii.phone",
                                ),
                            };
                            self.report(d);
                            error_expr(span)
                        }
                    };
                }
                "random" => {
                    let d = self
                        .error(
                            code::TYPE_MISMATCH,
                            format!("`random.{}` is a function", field.name),
                            file,
                            span,
                        )
                        .with_label("not called")
                        .with_help(format!("call it: `random.{}(...)`", field.name));
                    self.report(d);
                    return error_expr(span);
                }
                _ => {}
            }
        }
        if let ast::ExprKind::Name(name) = &base.kind
            && let Some(local) = scope.lookup(name)
        {
            match local.kind {
                LocalKind::Response => {
                    local.used = true;
                    let body = match &local.ty {
                        Type::Response { body } => (**body).clone(),
                        _ => Type::Json,
                    };
                    let Some((_, response_field)) =
                        RESPONSE_FIELDS.iter().find(|(f, _)| *f == field.name)
                    else {
                        let d = self
                            .error(code::UNKNOWN_FIELD, format!("a response has no field `{}`", field.name), file, field.span)
                            .with_label("unknown field")
                            .with_help(match did_you_mean(&field.name, RESPONSE_FIELDS.iter().map(|(f, _)| *f)) {
                                Some(s) => format!("did you mean `{s}`? responses have status, body, headers, duration and size"),
                                None => "responses have status, body, headers, duration and size".to_string(),
                            });
                        self.report(d);
                        return error_expr(span);
                    };
                    let ty = match response_field {
                        ResponseField::Status => Type::Int,
                        ResponseField::Body => body,
                        ResponseField::Headers => Type::Json,
                        ResponseField::Duration => Type::Duration,
                        ResponseField::Size => Type::Size,
                    };
                    return make(
                        ExprKind::Response {
                            name: Some(name.clone()),
                            field: *response_field,
                        },
                        ty,
                        false,
                        span,
                    );
                }
                LocalKind::Row if matches!(local.ty, Type::Record { .. }) => {
                    let columns = match &local.ty {
                        Type::Record { fields, .. } => fields.clone(),
                        _ => Vec::new(),
                    };
                    if !columns.iter().any(|c| c.name == field.name) {
                        let mut d = self
                            .error(
                                code::UNKNOWN_COLUMN,
                                format!("the dataset has no column `{}`", field.name),
                                file,
                                field.span,
                            )
                            .with_label("not a declared column");
                        d = match did_you_mean(&field.name, columns.iter().map(|c| c.name.as_str()))
                        {
                            Some(s) => d.with_help(format!("did you mean `{s}`?")),
                            None => d.with_help(
                                "declare the column in the dataset's `{ ... }` with its type",
                            ),
                        };
                        self.report(d);
                        return error_expr(span);
                    }
                }
                _ => {}
            }
        }
        let base = self.expr(file, scope, base);
        let table = self.type_table();
        let family = table.family(&base.ty);
        let ty = match family {
            Family::Dynamic => Some(Type::Json),
            Family::Record => match table.record_fields(&base.ty) {
                Some(fields) => match fields.iter().find(|f| f.name == field.name) {
                    Some(f) if f.optional => Some(Type::Union {
                        options: vec![f.ty.clone(), Type::Null],
                    }),
                    Some(f) => Some(f.ty.clone()),
                    None => {
                        let names: Vec<String> = fields.iter().map(|f| f.name.clone()).collect();
                        // A named type reads best by its name; an inline one by what holds it.
                        let (subject, type_name) = match &base.ty {
                            Type::Named { name } => (format!("the type `{name}`"), name.clone()),
                            _ => {
                                let held_by = self.text(file, base.span).to_string();
                                (format!("`{held_by}`"), held_by)
                            }
                        };
                        let mut d = self
                            .error(
                                code::UNKNOWN_FIELD,
                                format!("{subject} has no field `{}`", field.name),
                                file,
                                field.span,
                            )
                            .with_label("unknown field");
                        d = match did_you_mean(&field.name, names.iter().map(String::as_str)) {
                            Some(s) => d.with_help(format!(
                                "did you mean `{s}`? `{type_name}` has: {}",
                                names.join(", ")
                            )),
                            None => d.with_help(format!("`{type_name}` has: {}", names.join(", "))),
                        };
                        self.report(d);
                        None
                    }
                },
                None => Some(Type::Json),
            },
            other => {
                let help = if other == Family::List {
                    format!(
                        "a list has no fields; check each element with `every x in LIST has x.{}`",
                        field.name
                    )
                } else {
                    "only records and JSON values have fields".to_string()
                };
                let d = self
                    .error(
                        code::TYPE_MISMATCH,
                        format!("{} has no field `{}`", other.noun(), field.name),
                        file,
                        field.span,
                    )
                    .with_label(format!(
                        "`{}` is {}",
                        self.text(file, base.span),
                        other.noun()
                    ))
                    .with_help(help);
                self.report(d);
                None
            }
        };
        let secret = base.secret;
        make(
            ExprKind::Field {
                base: Box::new(base),
                field: field.name.clone(),
            },
            ty.unwrap_or(Type::Any),
            secret,
            span,
        )
    }

    fn call(
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
                    .with_help(format!(
                        "functions are: {}, random.int, random.string, random.email",
                        FUNCTION_NAMES.join(", ")
                    ));
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
            let mut known: Vec<&str> = FUNCTION_NAMES.to_vec();
            known.extend(["random.int", "random.string", "random.email"]);
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
                None => d.with_help(format!(
                    "functions are: {}, random.int, random.string, random.email",
                    FUNCTION_NAMES.join(", ")
                )),
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

    fn aggregate_call(
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

    fn aggregate(
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

    fn binary(
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
        let (ir_op, ty) = match op {
            A::Or | A::And => {
                self.expect_bool(
                    file,
                    &lhs,
                    if op == A::And {
                        "each side of `and`"
                    } else {
                        "each side of `or`"
                    },
                );
                self.expect_bool(
                    file,
                    &rhs,
                    if op == A::And {
                        "each side of `and`"
                    } else {
                        "each side of `or`"
                    },
                );
                (
                    if op == A::And {
                        BinaryOp::And
                    } else {
                        BinaryOp::Or
                    },
                    Type::Bool,
                )
            }
            A::Eq | A::Ne | A::Is | A::IsNot => {
                if self.json_against_quantity(file, op.as_str(), &lhs, &rhs) {
                } else if !(dynamic || lf == rf || lf == Family::Null || rf == Family::Null) {
                    self.mismatch(file, op, &lhs, &rhs, rhs_ast);
                } else {
                    self.literal_outside(file, op, &lhs, &rhs);
                    self.literal_outside(file, op, &rhs, &lhs);
                }
                (
                    if matches!(op, A::Eq | A::Is) {
                        BinaryOp::Eq
                    } else {
                        BinaryOp::Ne
                    },
                    Type::Bool,
                )
            }
            A::Lt | A::Le | A::Gt | A::Ge => {
                if self.json_against_quantity(file, op.as_str(), &lhs, &rhs) {
                } else if !(dynamic || (lf == rf && lf.is_ordered())) {
                    self.mismatch(file, op, &lhs, &rhs, rhs_ast);
                }
                let ir = match op {
                    A::Lt => BinaryOp::Lt,
                    A::Le => BinaryOp::Le,
                    A::Gt => BinaryOp::Gt,
                    _ => BinaryOp::Ge,
                };
                (ir, Type::Bool)
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
                (
                    if op == A::In {
                        BinaryOp::In
                    } else {
                        BinaryOp::NotIn
                    },
                    Type::Bool,
                )
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
                (
                    if op == A::Contains {
                        BinaryOp::Contains
                    } else {
                        BinaryOp::NotContains
                    },
                    Type::Bool,
                )
            }
            A::Matches | A::NotMatches => {
                if !matches!(lf, Family::Text | Family::Dynamic)
                    || !matches!(rf, Family::Regex | Family::Dynamic)
                {
                    self.mismatch(file, op, &lhs, &rhs, rhs_ast);
                }
                (
                    if op == A::Matches {
                        BinaryOp::Matches
                    } else {
                        BinaryOp::NotMatches
                    },
                    Type::Bool,
                )
            }
            A::StartsWith | A::EndsWith => {
                if !matches!(lf, Family::Text | Family::Dynamic)
                    || !matches!(rf, Family::Text | Family::Dynamic)
                {
                    self.mismatch(file, op, &lhs, &rhs, rhs_ast);
                }
                (
                    if op == A::StartsWith {
                        BinaryOp::StartsWith
                    } else {
                        BinaryOp::EndsWith
                    },
                    Type::Bool,
                )
            }
            A::Add | A::Sub | A::Mul | A::Div => {
                let (arith, ir) = match op {
                    A::Add => (Arith::Add, BinaryOp::Add),
                    A::Sub => (Arith::Sub, BinaryOp::Sub),
                    A::Mul => (Arith::Mul, BinaryOp::Mul),
                    _ => (Arith::Div, BinaryOp::Div),
                };
                (ir, self.arithmetic(file, arith, &lhs, &rhs))
            }
            A::Range => unreachable!("ranges are handled above"),
        };
        let secret = lhs.secret || rhs.secret;
        make(
            ExprKind::Binary {
                op: ir_op,
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
        } else if let Some(help) = self.quoted_number_help(lf, rf, lhs, rhs) {
            self.error(
                code::TYPE_MISMATCH,
                format!("`{op}` cannot combine {} with {}", lf.noun(), rf.noun()),
                file,
                rhs.span,
            )
            .with_label(format!("this is {}", rf.noun()))
            .with_help(help)
        } else {
            self.error(
                code::TYPE_MISMATCH,
                format!("`{op}` cannot combine {} with {}", lf.noun(), rf.noun()),
                file,
                rhs.span,
            )
            .with_label(format!("this is {}", rf.noun()))
            .with_help(match op {
                "matches" | "not matches" => {
                    "`matches` compares a string with a regex such as `/^[a-z]+$/`"
                }
                "contains" | "not contains" => {
                    "`contains` looks for a substring, a regex, a detector or a list element"
                }
                "in" | "not in" => "`in` takes a list `[a, b]`, a range `a..b` or a string",
                _ => "compare values of the same kind",
            })
        }
    }
}

/// A literal's type without its value: `19.98` → decimal. Lets a list or an object hold
/// other values of the same kind.
pub(crate) fn widen(ty: &Type) -> Type {
    match ty {
        Type::Literal { value } => value.base_type(),
        other => other.clone(),
    }
}

/// Whether an expression contains an aggregate (so it is a threshold over many cases).
pub(crate) fn has_aggregate(expr: &Expr) -> bool {
    expr.any(&mut |e| matches!(e.kind, ExprKind::Aggregate { .. }))
}
