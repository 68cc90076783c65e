//! Typed expressions of the plan as JavaScript with the same meaning, over the helpers of
//! `prelude.js` (the object `I`). Names of the spec become `v_NAME` so that no name can clash
//! with JavaScript's words or the script's own variables. Quantities are numbers in the plan's
//! canonical units (milliseconds, percent points, bytes, per second), as `intent run` computes
//! with them; only their arithmetic with percentages and their text need the static type.

use crate::Refusal;
use intent_ir::{
    BinaryOp, Expr, ExprKind, Function, Literal, Quantifier, ResponseField, TemplatePart, Type,
    UnaryOp,
};

/// The JavaScript name of a spec name (a let, secret, capture, named response or quantifier
/// variable).
pub fn name(name: &str) -> String {
    format!("v_{name}")
}

/// The variable holding the latest response of an iteration.
pub const LATEST: &str = "latest";

/// A string literal in JavaScript: JSON's quoting is valid JavaScript.
pub fn string(text: &str) -> String {
    serde_json::Value::String(text.to_string()).to_string()
}

/// A number as JavaScript writes it: whole numbers without a fraction.
pub fn number(n: f64) -> String {
    if n.fract() == 0.0 && n.abs() < 9.0e15 {
        format!("{}", n as i64)
    } else {
        format!("{n}")
    }
}

/// The unit suffix a quantity of this type is written with in text (`500ms`), as the runner
/// interpolates it; `None` for a value that is not a quantity.
pub fn unit_suffix(ty: &Type) -> Option<&'static str> {
    match ty {
        Type::Duration => Some("ms"),
        Type::Percent => Some("%"),
        Type::Size => Some("B"),
        Type::Rate => Some("/s"),
        Type::Refined { base, .. } => unit_suffix(base),
        Type::Literal { value } => unit_suffix(&value.base_type()),
        _ => None,
    }
}

fn is_percent(ty: &Type) -> bool {
    unit_suffix(ty) == Some("%")
}

/// Translates one expression; a construct without a JavaScript meaning here is refused at its
/// span.
pub fn expr(e: &Expr) -> Result<String, Refusal> {
    Ok(match &e.kind {
        ExprKind::Literal { value } => literal(value),
        ExprKind::Regex { pattern, flags } => regex(e, pattern, flags)?,
        ExprKind::Detector { .. } => {
            return Err(Refusal::unsupported(
                e.span,
                "a `pii.*` detector cannot be exported to k6",
                "check for personal data with a policy under `intent run` or `intent monitor`",
            ));
        }
        ExprKind::Template { parts } => template(parts)?,
        ExprKind::List { items } => format!("[{}]", list(items)?),
        ExprKind::Object { entries } => {
            let entries = entries
                .iter()
                .map(|entry| Ok(format!("{}: {}", string(&entry.key), expr(&entry.value)?)))
                .collect::<Result<Vec<_>, Refusal>>()?;
            format!("{{{}}}", entries.join(", "))
        }
        ExprKind::Var { name: n } => name(n),
        ExprKind::Response { name: n, field } => {
            let response = response(n);
            match field {
                ResponseField::Status => format!("{response}.status"),
                ResponseField::Body => format!("I.body({response})"),
                ResponseField::Headers => format!("I.headers({response})"),
                ResponseField::Duration => format!("{response}.timings.duration"),
                ResponseField::Size => format!("I.size({response})"),
            }
        }
        ExprKind::Header { name: n, header } => {
            format!("I.header({}, {})", response(n), string(header))
        }
        ExprKind::Field { base, field } => match headers_of(base) {
            Some(r) => format!("I.header({r}, {})", string(field)),
            None => format!("I.field({}, {})", expr(base)?, string(field)),
        },
        ExprKind::Index { base, index } => match headers_of(base) {
            Some(r) => format!("I.header({r}, {})", expr(index)?),
            None => format!("I.index({}, {})", expr(base)?, expr(index)?),
        },
        ExprKind::Call { function, args } => call(e, *function, args)?,
        ExprKind::Aggregate { .. } => {
            return Err(Refusal::unsupported(
                e.span,
                "an aggregate can only be exported as a threshold of its own",
                "write the aggregate alone on one side of an `expect` line",
            ));
        }
        ExprKind::Unary { op, operand } => match op {
            UnaryOp::Not => format!("!I.truth({})", expr(operand)?),
            UnaryOp::Neg => format!("(-I.num({}))", expr(operand)?),
        },
        ExprKind::Binary { op, lhs, rhs } => binary(e, *op, lhs, rhs)?,
        ExprKind::Exists { operand } => format!("({} !== undefined)", expr(operand)?),
        ExprKind::Absent { operand } => format!("({} === undefined)", expr(operand)?),
        ExprKind::Quantifier {
            quantifier,
            var,
            collection,
            predicate,
        } => {
            let method = match quantifier {
                Quantifier::Every => "every",
                Quantifier::Some => "some",
            };
            format!(
                "I.{method}({}, ({}) => {})",
                expr(collection)?,
                name(var),
                expr(predicate)?
            )
        }
        ExprKind::Conforms { .. } => {
            return Err(Refusal::unsupported(
                e.span,
                "`is TYPE` cannot be exported to k6: a script has no conformance check",
                "check the shape of the response in an intent, and keep the load block to \
                 what k6 measures",
            ));
        }
    })
}

fn list(items: &[Expr]) -> Result<String, Refusal> {
    Ok(items
        .iter()
        .map(expr)
        .collect::<Result<Vec<_>, _>>()?
        .join(", "))
}

/// The response a field reads: the latest, or the one named with `as`.
fn response(named: &Option<String>) -> String {
    named.as_deref().map_or_else(|| LATEST.to_string(), name)
}

/// `headers` of a response, whose names are read case-insensitively: the response it is of.
fn headers_of(base: &Expr) -> Option<String> {
    match &base.kind {
        ExprKind::Response {
            name,
            field: ResponseField::Headers,
        } => Some(response(name)),
        _ => None,
    }
}

fn literal(value: &Literal) -> String {
    match value {
        Literal::Null => "null".into(),
        Literal::Bool(b) => b.to_string(),
        Literal::Int(i) => i.to_string(),
        Literal::String(s) => string(s),
        Literal::Decimal(n)
        | Literal::Duration(n)
        | Literal::Percent(n)
        | Literal::Size(n)
        | Literal::Rate(n) => number(*n),
    }
}

/// A regex literal: the flags JavaScript shares with Rust's regex (`i`, `m`, `s`) carry over.
fn regex(e: &Expr, pattern: &str, flags: &str) -> Result<String, Refusal> {
    if let Some(flag) = flags.chars().find(|f| !matches!(f, 'i' | 'm' | 's')) {
        return Err(Refusal::unsupported(
            e.span,
            format!("the regex flag `{flag}` has no JavaScript equivalent"),
            "use only the flags `i`, `m` and `s` in a load block exported to k6",
        ));
    }
    Ok(format!(
        "new RegExp({}, {})",
        string(pattern),
        string(flags)
    ))
}

/// A template as a concatenation; a quantity is written with its unit, as the runner does.
fn template(parts: &[TemplatePart]) -> Result<String, Refusal> {
    // Every piece is a string (`I.text` makes one of a value), so `+` concatenates.
    let mut pieces = Vec::new();
    for part in parts {
        pieces.push(match part {
            TemplatePart::Text(text) => string(text),
            TemplatePart::Expr(e) => text(e)?,
        });
    }
    if pieces.is_empty() {
        pieces.push(string(""));
    }
    Ok(format!("({})", pieces.join(" + ")))
}

/// An expression as the text it is sent or interpolated as.
pub fn text(e: &Expr) -> Result<String, Refusal> {
    let value = expr(e)?;
    Ok(match unit_suffix(&e.ty) {
        Some(unit) => format!("I.text({value}, {})", string(unit)),
        None => format!("I.text({value})"),
    })
}

fn call(e: &Expr, function: Function, args: &[Expr]) -> Result<String, Refusal> {
    let arg = |i: usize| args.get(i).map_or(Ok("undefined".to_string()), expr);
    Ok(match function {
        Function::Len => format!("I.len({})", arg(0)?),
        Function::Lower => format!("I.str({}, 'lower').toLowerCase()", arg(0)?),
        Function::Upper => format!("I.str({}, 'upper').toUpperCase()", arg(0)?),
        Function::Trim => format!("I.str({}, 'trim').trim()", arg(0)?),
        Function::Now => "I.now()".into(),
        Function::Uuid => "I.uuid()".into(),
        Function::RandomInt => format!("I.randomInt({}, {})", arg(0)?, arg(1)?),
        Function::RandomString => format!("I.randomString({})", arg(0)?),
        Function::RandomEmail => "I.randomEmail()".into(),
        Function::Env => format!("I.env({})", list(args)?),
        Function::Exact => format!("(I.eq({}, {}) ? 1 : 0)", arg(0)?, arg(1)?),
        Function::Within => {
            let share = args.get(2).is_some_and(|t| is_percent(&t.ty));
            format!("I.within({}, {}, {}, {share})", arg(0)?, arg(1)?, arg(2)?)
        }
        Function::Similarity | Function::RougeL | Function::Bleu => {
            return Err(Refusal::unsupported(
                e.span,
                "text scores (`similarity`, `rouge_l`, `bleu`) cannot be exported to k6",
                "score answers in an evaluation, which `intent run` runs",
            ));
        }
    })
}

fn binary(e: &Expr, op: BinaryOp, lhs: &Expr, rhs: &Expr) -> Result<String, Refusal> {
    if matches!(op, BinaryOp::In | BinaryOp::NotIn)
        && let ExprKind::Binary {
            op: BinaryOp::Range,
            lhs: lo,
            rhs: hi,
        } = &rhs.kind
    {
        let inside = format!("I.inRange({}, {}, {})", expr(lhs)?, expr(lo)?, expr(hi)?);
        return Ok(negated(op == BinaryOp::NotIn, inside));
    }
    let (a, b) = (expr(lhs)?, expr(rhs)?);
    Ok(match op {
        BinaryOp::And => format!("(I.truth({a}) && I.truth({b}))"),
        BinaryOp::Or => format!("(I.truth({a}) || I.truth({b}))"),
        BinaryOp::Eq => format!("I.eq({a}, {b})"),
        BinaryOp::Ne => format!("!I.eq({a}, {b})"),
        BinaryOp::Lt => format!("(I.cmp({a}, {b}) < 0)"),
        BinaryOp::Le => format!("(I.cmp({a}, {b}) <= 0)"),
        BinaryOp::Gt => format!("(I.cmp({a}, {b}) > 0)"),
        BinaryOp::Ge => format!("(I.cmp({a}, {b}) >= 0)"),
        BinaryOp::In | BinaryOp::NotIn => {
            negated(op == BinaryOp::NotIn, format!("I.isIn({a}, {b})"))
        }
        BinaryOp::Contains | BinaryOp::NotContains => {
            negated(op == BinaryOp::NotContains, format!("I.contains({a}, {b})"))
        }
        BinaryOp::Matches | BinaryOp::NotMatches => {
            negated(op == BinaryOp::NotMatches, format!("I.matches({a}, {b})"))
        }
        BinaryOp::StartsWith => format!("I.startsWith({a}, {b})"),
        BinaryOp::EndsWith => format!("I.endsWith({a}, {b})"),
        BinaryOp::Add => format!("I.add({a}, {b})"),
        BinaryOp::Sub => format!("(I.num({a}) - I.num({b}))"),
        // `x * 10%` is a share of x, and `x / 10%` divides by the share (the unit algebra).
        BinaryOp::Mul if is_percent(&rhs.ty) => format!("(I.num({a}) * I.num({b}) / 100)"),
        BinaryOp::Mul if is_percent(&lhs.ty) => format!("(I.num({b}) * I.num({a}) / 100)"),
        BinaryOp::Mul => format!("(I.num({a}) * I.num({b}))"),
        BinaryOp::Div if is_percent(&rhs.ty) && !is_percent(&lhs.ty) => {
            format!("(I.num({a}) * 100 / I.num({b}))")
        }
        BinaryOp::Div => format!("(I.num({a}) / I.num({b}))"),
        BinaryOp::Range => {
            return Err(Refusal::unsupported(
                e.span,
                "a range can only follow `in`",
                "write `VALUE in LOW..HIGH`",
            ));
        }
    })
}

fn negated(negate: bool, test: String) -> String {
    if negate { format!("!{test}") } else { test }
}
