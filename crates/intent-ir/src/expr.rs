//! Typed expressions of the plan.

use crate::Type;
use intent_source::Span;
use serde::{Deserialize, Serialize};

/// A typed expression. `secret` marks values derived from a secret: every output redacts them.
#[derive(Clone, PartialEq, Debug, Serialize, Deserialize)]
pub struct Expr {
    #[serde(flatten)]
    pub kind: ExprKind,
    #[serde(rename = "type")]
    pub ty: Type,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub secret: bool,
    pub span: Span,
}

impl Expr {
    /// Whether this expression or any part of it satisfies `test`. Descends into every
    /// sub-expression, including the predicate of `rate(...)`.
    pub fn any<'e>(&'e self, test: &mut impl FnMut(&'e Expr) -> bool) -> bool {
        if test(self) {
            return true;
        }
        let mut any = |e: &'e Expr| e.any(test);
        match &self.kind {
            ExprKind::Literal { .. }
            | ExprKind::Regex { .. }
            | ExprKind::Detector { .. }
            | ExprKind::Var { .. }
            | ExprKind::Response { .. }
            | ExprKind::Header { .. } => false,
            ExprKind::Template { parts } => parts.iter().any(|p| match p {
                TemplatePart::Text(_) => false,
                TemplatePart::Expr(e) => any(e),
            }),
            ExprKind::List { items } => items.iter().any(any),
            ExprKind::Object { entries } => entries.iter().any(|e| any(&e.value)),
            ExprKind::Field { base, .. } => any(base),
            ExprKind::Index { base, index } => any(base) || any(index),
            ExprKind::Call { args, .. } => args.iter().any(any),
            ExprKind::Aggregate { series, .. } => match series {
                Some(Series::Predicate { expr, .. }) => any(expr),
                _ => false,
            },
            ExprKind::Unary { operand, .. }
            | ExprKind::Exists { operand }
            | ExprKind::Absent { operand } => any(operand),
            ExprKind::Binary { lhs, rhs, .. } => any(lhs) || any(rhs),
            ExprKind::Quantifier {
                collection,
                predicate,
                ..
            } => any(collection) || any(predicate),
            ExprKind::Conforms { value, .. } => any(value),
        }
    }

    /// The JSON value of an expression made only of literals (a literal, or a list or object
    /// of them), as the runner sends it; `None` when any part is computed. The checker holds
    /// such a value to the same conformance rule (`intent-conform`) the runner applies, before anything
    /// runs.
    pub fn constant(&self) -> Option<serde_json::Value> {
        match &self.kind {
            ExprKind::Literal { value } => Some(value.to_json()),
            ExprKind::List { items } => items.iter().map(Expr::constant).collect(),
            ExprKind::Object { entries } => entries
                .iter()
                .map(|e| Some((e.key.clone(), e.value.constant()?)))
                .collect::<Option<serde_json::Map<_, _>>>()
                .map(serde_json::Value::Object),
            _ => None,
        }
    }
}

#[derive(Clone, PartialEq, Debug, Serialize, Deserialize)]
#[serde(tag = "expr", rename_all = "snake_case")]
pub enum ExprKind {
    Literal {
        value: Literal,
    },
    Regex {
        pattern: String,
        flags: String,
    },
    /// A built-in detector of personal data: `pii.email`.
    Detector {
        detector: Detector,
    },
    /// A string with `{expr}` parts.
    Template {
        parts: Vec<TemplatePart>,
    },
    List {
        items: Vec<Expr>,
    },
    Object {
        entries: Vec<ObjectEntry>,
    },
    /// A name bound at run time: a let, a secret, a capture, an example column, an evaluation
    /// row, a step parameter, a quantifier variable or a named response.
    Var {
        name: String,
    },
    /// A field of the latest response (`name: null`) or of a named one.
    Response {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        name: Option<String>,
        field: ResponseField,
    },
    /// `header "Name"` of the latest or a named response; absent when not sent.
    Header {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        name: Option<String>,
        header: String,
    },
    Field {
        base: Box<Expr>,
        field: String,
    },
    Index {
        base: Box<Expr>,
        index: Box<Expr>,
    },
    Call {
        function: Function,
        args: Vec<Expr>,
    },
    /// An aggregate over the cases of an evaluation or the requests of a load block.
    Aggregate {
        aggregate: Aggregate,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        series: Option<Series>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        label: Option<String>,
    },
    Unary {
        op: UnaryOp,
        operand: Box<Expr>,
    },
    Binary {
        op: BinaryOp,
        lhs: Box<Expr>,
        rhs: Box<Expr>,
    },
    Exists {
        operand: Box<Expr>,
    },
    Absent {
        operand: Box<Expr>,
    },
    Quantifier {
        quantifier: Quantifier,
        var: String,
        collection: Box<Expr>,
        predicate: Box<Expr>,
    },
    /// `value is Type`: conformance, listing violations when false.
    Conforms {
        value: Box<Expr>,
        #[serde(rename = "conforms_to")]
        target: Type,
    },
}

#[derive(Clone, PartialEq, Debug, Serialize, Deserialize)]
pub struct ObjectEntry {
    pub key: String,
    pub value: Expr,
}

#[derive(Clone, PartialEq, Debug, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TemplatePart {
    Text(String),
    Expr(Expr),
}

/// A literal value with its unit folded into a canonical quantity.
#[derive(Clone, PartialEq, Debug, Serialize, Deserialize)]
#[serde(tag = "type", content = "value", rename_all = "snake_case")]
pub enum Literal {
    Null,
    Bool(bool),
    Int(i64),
    Decimal(f64),
    String(String),
    /// Milliseconds.
    Duration(f64),
    /// Percent points: `95%` is 95.
    Percent(f64),
    /// Bytes.
    Size(f64),
    /// Per second.
    Rate(f64),
}

/// A literal's numeric value, if it has one.
pub fn literal_number(literal: &Literal) -> Option<f64> {
    match literal {
        Literal::Int(i) => Some(*i as f64),
        Literal::Decimal(d)
        | Literal::Duration(d)
        | Literal::Percent(d)
        | Literal::Size(d)
        | Literal::Rate(d) => Some(*d),
        _ => None,
    }
}

impl Literal {
    pub fn describe(&self) -> String {
        match self {
            Literal::Null => "null".into(),
            Literal::Bool(b) => b.to_string(),
            Literal::Int(i) => i.to_string(),
            Literal::Decimal(d) => d.to_string(),
            Literal::String(s) => format!("{s:?}"),
            Literal::Duration(ms) => format!("{ms}ms"),
            Literal::Percent(p) => format!("{p}%"),
            Literal::Size(b) => format!("{b}B"),
            Literal::Rate(r) => format!("{r}/s"),
        }
    }

    /// The literal as JSON: a quantity as its canonical amount (`2s` is 2000), a whole number
    /// as an integer, as the runner sends it.
    pub fn to_json(&self) -> serde_json::Value {
        use serde_json::Value;
        let number = |n: f64| {
            if n.fract() == 0.0 && n.abs() < 9.0e15 {
                Value::from(n as i64)
            } else {
                serde_json::Number::from_f64(n).map_or(Value::Null, Value::Number)
            }
        };
        match self {
            Literal::Null => Value::Null,
            Literal::Bool(b) => Value::Bool(*b),
            Literal::Int(i) => Value::from(*i),
            Literal::String(s) => Value::String(s.clone()),
            Literal::Decimal(n)
            | Literal::Duration(n)
            | Literal::Percent(n)
            | Literal::Size(n)
            | Literal::Rate(n) => number(*n),
        }
    }

    /// The type of this literal, without its exact value.
    pub fn base_type(&self) -> Type {
        match self {
            Literal::Null => Type::Null,
            Literal::Bool(_) => Type::Bool,
            Literal::Int(_) => Type::Int,
            Literal::Decimal(_) => Type::Decimal,
            Literal::String(_) => Type::String,
            Literal::Duration(_) => Type::Duration,
            Literal::Percent(_) => Type::Percent,
            Literal::Size(_) => Type::Size,
            Literal::Rate(_) => Type::Rate,
        }
    }
}

#[derive(Clone, Copy, PartialEq, Eq, Debug, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ResponseField {
    Status,
    Body,
    Headers,
    Duration,
    Size,
}

#[derive(Clone, Copy, PartialEq, Eq, Debug, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Detector {
    /// An e-mail address.
    Email,
    /// 13 to 19 digits (spaces or dashes allowed) that pass the Luhn check.
    CardNumber,
    /// A phone number in international format.
    Phone,
}

impl Detector {
    pub const ALL: [(&'static str, Detector); 3] = [
        ("email", Detector::Email),
        ("card_number", Detector::CardNumber),
        ("phone", Detector::Phone),
    ];
}

/// The built-in functions. Every one is typed by the checker.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Function {
    Len,
    Lower,
    Upper,
    Trim,
    Now,
    Uuid,
    RandomInt,
    RandomString,
    RandomEmail,
    Env,
    Exact,
    Similarity,
    RougeL,
    Bleu,
    Within,
}

impl Function {
    /// Every built-in function, in the order a message lists them: the one list of their
    /// names, which the checker resolves calls by and the runner names in its errors.
    pub const ALL: [Function; 15] = [
        Function::Len,
        Function::Lower,
        Function::Upper,
        Function::Trim,
        Function::Now,
        Function::Uuid,
        Function::Env,
        Function::Exact,
        Function::Similarity,
        Function::RougeL,
        Function::Bleu,
        Function::Within,
        Function::RandomInt,
        Function::RandomString,
        Function::RandomEmail,
    ];

    /// The name as written in a spec: `len`, `random.int`.
    pub fn name(self) -> &'static str {
        match self {
            Function::Len => "len",
            Function::Lower => "lower",
            Function::Upper => "upper",
            Function::Trim => "trim",
            Function::Now => "now",
            Function::Uuid => "uuid",
            Function::Env => "env",
            Function::Exact => "exact",
            Function::Similarity => "similarity",
            Function::RougeL => "rouge_l",
            Function::Bleu => "bleu",
            Function::Within => "within",
            Function::RandomInt => "random.int",
            Function::RandomString => "random.string",
            Function::RandomEmail => "random.email",
        }
    }

    /// The function a spec calls by `name`.
    pub fn named(name: &str) -> Option<Function> {
        Function::ALL.into_iter().find(|f| f.name() == name)
    }
}

/// Aggregates over cases (evaluations) or requests (load blocks).
#[derive(Clone, Copy, PartialEq, Eq, Debug, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Aggregate {
    Mean,
    Min,
    Max,
    Sum,
    Count,
    /// The share of cases where a boolean series is true.
    Rate,
    /// A percentile, 1 to 99.
    Percentile(u8),
    Accuracy,
    Precision,
    Recall,
    F1,
    ErrorRate,
    Throughput,
}

impl Aggregate {
    /// The name as written in a spec: `accuracy`, `p95`, `error_rate`.
    pub fn name(self) -> String {
        match self {
            Aggregate::Mean => "mean".into(),
            Aggregate::Min => "min".into(),
            Aggregate::Max => "max".into(),
            Aggregate::Sum => "sum".into(),
            Aggregate::Count => "count".into(),
            Aggregate::Rate => "rate".into(),
            Aggregate::Percentile(p) => format!("p{p}"),
            Aggregate::Accuracy => "accuracy".into(),
            Aggregate::Precision => "precision".into(),
            Aggregate::Recall => "recall".into(),
            Aggregate::F1 => "f1".into(),
            Aggregate::ErrorRate => "error_rate".into(),
            Aggregate::Throughput => "throughput".into(),
        }
    }

    /// Whether the aggregate is a share of cases, so `at N% confidence` applies to it.
    pub fn is_rate(self) -> bool {
        matches!(
            self,
            Aggregate::Rate
                | Aggregate::Accuracy
                | Aggregate::Precision
                | Aggregate::Recall
                | Aggregate::F1
                | Aggregate::ErrorRate
        )
    }
}

/// The per-case values an aggregate reads.
#[derive(Clone, PartialEq, Debug, Serialize, Deserialize)]
#[serde(tag = "series", rename_all = "snake_case")]
pub enum Series {
    /// The duration of each case's (or request's) last response.
    Duration,
    /// A `score NAME = ...` of each case.
    Score { name: String },
    /// A boolean expression per case, for `rate(...)`, with its text for reports.
    Predicate {
        expr: Box<Expr>,
        #[serde(default)]
        text: String,
    },
}

/// A prefix operator of the plan (the syntax tree has its own; see [`BinaryOp`]).
#[derive(Clone, Copy, PartialEq, Eq, Debug, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum UnaryOp {
    Not,
    Neg,
}

/// An infix operator of the plan: only those that run. The syntax tree's `BinaryOp` also has
/// `is` and `is not`, which the checker lowers to `Eq`/`Ne` or to a conformance check; the two
/// are kept apart so that the plan (a versioned contract) and the parser can change alone.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BinaryOp {
    Or,
    And,
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
    In,
    NotIn,
    Matches,
    NotMatches,
    Contains,
    NotContains,
    StartsWith,
    EndsWith,
    Range,
    Add,
    Sub,
    Mul,
    Div,
}

impl BinaryOp {
    /// The operator as written in a spec.
    pub fn as_str(self) -> &'static str {
        match self {
            BinaryOp::Eq => "==",
            BinaryOp::Ne => "!=",
            BinaryOp::Lt => "<",
            BinaryOp::Le => "<=",
            BinaryOp::Gt => ">",
            BinaryOp::Ge => ">=",
            BinaryOp::In => "in",
            BinaryOp::NotIn => "not in",
            BinaryOp::Matches => "matches",
            BinaryOp::NotMatches => "not matches",
            BinaryOp::Contains => "contains",
            BinaryOp::NotContains => "not contains",
            BinaryOp::StartsWith => "starts with",
            BinaryOp::EndsWith => "ends with",
            BinaryOp::Range => "..",
            BinaryOp::Add => "+",
            BinaryOp::Sub => "-",
            BinaryOp::Mul => "*",
            BinaryOp::Div => "/",
            BinaryOp::And => "and",
            BinaryOp::Or => "or",
        }
    }
}

#[derive(Clone, Copy, PartialEq, Eq, Debug, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Quantifier {
    Every,
    Some,
}
