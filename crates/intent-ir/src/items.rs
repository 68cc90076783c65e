//! The items of a plan: targets, steps, intents, evaluations, load blocks, policies, monitors.

use crate::{Expr, FieldType, StableId, TemplatePart, Type};
use intent_source::Span;
use serde::{Deserialize, Serialize};

/// A compiled spec set.
#[derive(Clone, PartialEq, Debug, Serialize, Deserialize)]
pub struct Plan {
    /// Always [`crate::FORMAT`].
    pub format: String,
    pub files: Vec<SpecFile>,
    pub targets: Vec<Target>,
    /// Lets and secrets, in the order they are evaluated before anything runs (imports first,
    /// then each file top to bottom). A secret holds how to obtain it (an expression such as
    /// `env("TOKEN")`), never its value.
    pub bindings: Vec<Binding>,
    pub types: Vec<NamedType>,
    pub steps: Vec<Step>,
    pub datasets: Vec<Dataset>,
    pub intents: Vec<Intent>,
    pub evaluations: Vec<Evaluation>,
    pub loads: Vec<Load>,
    pub policies: Vec<Policy>,
    pub monitors: Vec<Monitor>,
}

impl Plan {
    pub fn named_type(&self, name: &str) -> Option<&Type> {
        self.types.iter().find(|t| t.name == name).map(|t| &t.ty)
    }

    pub fn step(&self, id: &StableId) -> Option<&Step> {
        self.steps.iter().find(|s| &s.id == id)
    }

    pub fn target(&self, name: &str) -> Option<&Target> {
        self.targets.iter().find(|t| t.name == name)
    }

    pub fn dataset(&self, name: &str) -> Option<&Dataset> {
        self.datasets.iter().find(|d| d.name == name)
    }
}

/// One spec file and its metadata (`spec "Title" { owner ..., version ... }`).
#[derive(Clone, PartialEq, Debug, Serialize, Deserialize)]
pub struct SpecFile {
    pub path: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// Metadata entries in source order, with their values as written.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub metadata: Vec<MetaEntry>,
}

#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
pub struct MetaEntry {
    pub key: String,
    pub value: String,
}

/// Where something came from: a file of [`Plan::files`], its line and column, and its bytes.
#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
pub struct Source {
    pub file: u32,
    pub line: u32,
    pub column: u32,
    pub span: Span,
}

#[derive(Clone, PartialEq, Debug, Serialize, Deserialize)]
pub struct Target {
    pub name: String,
    pub url: Expr,
    pub defaults: RequestOptions,
    pub source: Source,
}

/// `let` or `secret`.
#[derive(Clone, PartialEq, Debug, Serialize, Deserialize)]
pub struct Binding {
    pub name: String,
    /// A secret: its value is redacted in every output.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub secret: bool,
    pub value: Expr,
    pub source: Source,
}

#[derive(Clone, PartialEq, Debug, Serialize, Deserialize)]
pub struct NamedType {
    pub name: String,
    #[serde(rename = "type")]
    pub ty: Type,
    pub source: Source,
}

/// A reusable step, called from prose.
#[derive(Clone, PartialEq, Debug, Serialize, Deserialize)]
pub struct Step {
    pub id: StableId,
    pub pattern: String,
    pub params: Vec<Param>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub returns: Option<Type>,
    pub actions: Vec<Action>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub result: Option<Expr>,
    pub source: Source,
}

#[derive(Clone, PartialEq, Debug, Serialize, Deserialize)]
pub struct Param {
    pub name: String,
    #[serde(rename = "type")]
    pub ty: Type,
}

#[derive(Clone, Copy, PartialEq, Eq, Debug, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DatasetFormat {
    Csv,
    JsonLines,
}

#[derive(Clone, PartialEq, Debug, Serialize, Deserialize)]
pub struct Dataset {
    pub name: String,
    /// The path as written, relative to the spec file.
    pub path: String,
    /// The path the runner opens: relative to the spec file's folder, joined.
    pub resolved_path: String,
    pub format: DatasetFormat,
    pub columns: Vec<FieldType>,
    pub source: Source,
}

/// One behaviour of the system.
#[derive(Clone, PartialEq, Debug, Serialize, Deserialize)]
pub struct Intent {
    pub id: StableId,
    pub title: String,
    pub file: u32,
    pub tags: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub because: Option<String>,
    pub actions: Vec<Action>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub examples: Option<Examples>,
    pub source: Source,
}

/// An examples table: the intent runs once per row, with the columns bound as names.
#[derive(Clone, PartialEq, Debug, Serialize, Deserialize)]
pub struct Examples {
    pub columns: Vec<Param>,
    pub rows: Vec<ExampleRow>,
}

#[derive(Clone, PartialEq, Debug, Serialize, Deserialize)]
pub struct ExampleRow {
    pub id: StableId,
    pub values: Vec<Expr>,
    pub source: Source,
}

/// One step of an intent, step, evaluation case or load request, run in order.
#[derive(Clone, PartialEq, Debug, Serialize, Deserialize)]
#[serde(tag = "action", rename_all = "snake_case")]
pub enum Action {
    /// `given NAME = EXPR`.
    Bind {
        /// The id of the check that the value could be computed, reported when it could not.
        id: StableId,
        name: String,
        value: Expr,
        source: Source,
    },
    /// A prose step call, optionally capturing its result.
    CallStep {
        /// The id of the check that the call could be made: its arguments and its result
        /// computed. Reported when they could not (the step's own checks have their own ids).
        id: StableId,
        step: StableId,
        args: Vec<Expr>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        bind: Option<String>,
        source: Source,
    },
    Request(Box<Request>),
    Check(Check),
    /// `score NAME = EXPR` in an evaluation.
    Score {
        /// The id of the check that the score is a number, reported for every case.
        id: StableId,
        name: String,
        value: Expr,
        source: Source,
    },
    /// `classify PREDICTED against EXPECTED` in an evaluation.
    Classify {
        predicted: Expr,
        expected: Expr,
        source: Source,
    },
}

#[derive(Clone, PartialEq, Debug, Serialize, Deserialize)]
pub struct Request {
    /// The id of the request's own check: that a response came back at all.
    pub id: StableId,
    pub method: String,
    pub target: String,
    /// The path as written, its `{…}` values percent-encoded when sent; empty for a link.
    pub path: Vec<TemplatePart>,
    /// `(EXPR)` instead of a path: a path or URL computed at run time (a `Location` header),
    /// resolved against the target's URL and sent without further encoding. An absolute URL
    /// on another origin than the target's is refused.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub link: Option<Expr>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// `-> Type`: the body must conform; checked by [`Request::conformance`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub returns: Option<Type>,
    /// The id of the implicit conformance check of `-> Type`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub conformance: Option<StableId>,
    pub options: RequestOptions,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub body: Option<Body>,
    pub source: Source,
}

/// Clauses a target may set as defaults and a request may override.
#[derive(Clone, PartialEq, Debug, Default, Serialize, Deserialize)]
pub struct RequestOptions {
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub headers: Vec<NamedValue>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub query: Vec<NamedValue>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub auth: Option<Auth>,
    /// A duration expression.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timeout: Option<Expr>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub retry: Option<Retry>,
}

#[derive(Clone, PartialEq, Debug, Serialize, Deserialize)]
pub struct NamedValue {
    pub name: String,
    pub value: Expr,
}

#[derive(Clone, PartialEq, Debug, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Body {
    Json {
        value: Expr,
    },
    Form {
        value: Expr,
    },
    /// `multipart { … }`: `multipart/form-data` with text fields and files, in order.
    Multipart {
        parts: Vec<Part>,
    },
    Text {
        value: Expr,
    },
}

/// One part of a multipart body.
#[derive(Clone, PartialEq, Debug, Serialize, Deserialize)]
pub struct Part {
    pub name: String,
    #[serde(flatten)]
    pub value: PartValue,
}

#[derive(Clone, PartialEq, Debug, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum PartValue {
    /// A text field: the value as text (a string as it is, anything else as JSON).
    Text { value: Expr },
    /// A file of the project, read when the request is sent.
    File {
        /// Relative to the project root, as dataset paths are (`/` separators).
        path: String,
        /// The name the part carries (`filename=`): the file's own name.
        file_name: String,
        /// The `Content-Type` of the part: as written, or from the file's extension.
        content_type: String,
    },
}

#[derive(Clone, PartialEq, Debug, Serialize, Deserialize)]
#[serde(tag = "scheme", rename_all = "snake_case")]
pub enum Auth {
    Bearer { token: Expr },
    Basic { user: Expr, password: Expr },
}

/// `retry N times every D until EXPR`: the request is repeated until EXPR holds.
#[derive(Clone, PartialEq, Debug, Serialize, Deserialize)]
pub struct Retry {
    /// The id of the check that the condition held before the retries ran out.
    pub id: StableId,
    pub times: Expr,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub every: Option<Expr>,
    pub until: Expr,
}

/// An expectation with its stable id and the text it was written as.
#[derive(Clone, PartialEq, Debug, Serialize, Deserialize)]
pub struct Check {
    pub id: StableId,
    /// The expectation as written, for reports.
    pub text: String,
    pub expr: Expr,
    /// `at N% confidence`: compare the lower bound of the Wilson interval.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub confidence: Option<Expr>,
    pub source: Source,
}

/// `evaluate "T" over DATASET as ROW { ... }`.
#[derive(Clone, PartialEq, Debug, Serialize, Deserialize)]
pub struct Evaluation {
    pub id: StableId,
    pub title: String,
    pub file: u32,
    pub tags: Vec<String>,
    pub dataset: String,
    pub row: String,
    /// Run once per row.
    pub actions: Vec<Action>,
    /// Aggregate thresholds over all rows.
    pub thresholds: Vec<Check>,
    /// The id of the implicit check that each row fits the dataset's columns, reported when a
    /// row does not.
    pub row_conformance: StableId,
    pub source: Source,
}

/// `load "T" { arrive ... | users ...; when ...; expect ... }`.
#[derive(Clone, PartialEq, Debug, Serialize, Deserialize)]
pub struct Load {
    pub id: StableId,
    pub title: String,
    pub file: u32,
    pub tags: Vec<String>,
    pub model: LoadModel,
    pub actions: Vec<Action>,
    pub thresholds: Vec<Check>,
    pub source: Source,
}

#[derive(Clone, PartialEq, Debug, Serialize, Deserialize)]
#[serde(tag = "model", rename_all = "snake_case")]
pub enum LoadModel {
    /// Open model: requests start at a fixed rate.
    Arrive { rate: Expr, duration: Expr },
    /// Closed model: N users each run the actions in a loop.
    Users { count: Expr, duration: Expr },
}

#[derive(Clone, Copy, PartialEq, Eq, Debug, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PolicyLevel {
    Fail,
    Warn,
    Off,
}

#[derive(Clone, PartialEq, Debug, Serialize, Deserialize)]
pub struct Policy {
    pub id: StableId,
    pub title: String,
    pub file: u32,
    /// Without the `@`; a policy's tags select nothing (it applies by its scope), they say
    /// what it verifies, such as a requirement (`@req:SEC-3`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tags: Vec<String>,
    pub level: PolicyLevel,
    pub scope: PolicyScope,
    /// Checked against every response in scope.
    pub checks: Vec<Check>,
    /// Each intent in scope is replayed without credentials and these are checked.
    pub without_auth: Vec<Check>,
    /// The id of the implicit check of each replay `without auth` that the intent sends
    /// credentials at all (else there is nothing to replay without them). Always set, so
    /// every check a policy reports has an id in the plan; unused without `without_auth`.
    pub credentials: StableId,
    pub source: Source,
}

#[derive(Clone, PartialEq, Debug, Serialize, Deserialize)]
#[serde(tag = "scope", rename_all = "snake_case")]
pub enum PolicyScope {
    Responses {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        target: Option<String>,
    },
    Intents {
        tags: TagExpr,
    },
}

#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TagExpr {
    Tag(String),
    Not(Box<TagExpr>),
    And(Box<TagExpr>, Box<TagExpr>),
    Or(Box<TagExpr>, Box<TagExpr>),
}

impl TagExpr {
    pub fn matches(&self, tags: &[String]) -> bool {
        match self {
            TagExpr::Tag(t) => tags.contains(t),
            TagExpr::Not(e) => !e.matches(tags),
            TagExpr::And(a, b) => a.matches(tags) && b.matches(tags),
            TagExpr::Or(a, b) => a.matches(tags) || b.matches(tags),
        }
    }
}

#[derive(Clone, PartialEq, Debug, Serialize, Deserialize)]
pub struct Monitor {
    pub id: StableId,
    pub title: String,
    pub file: u32,
    /// A duration expression.
    pub every: Expr,
    pub run: Vec<Selector>,
    pub alerts: Vec<Alert>,
    pub source: Source,
}

#[derive(Clone, PartialEq, Debug, Serialize, Deserialize)]
#[serde(tag = "select", rename_all = "snake_case")]
pub enum Selector {
    All,
    Tagged { tags: TagExpr },
    Title { title: String },
}

#[derive(Clone, PartialEq, Debug, Serialize, Deserialize)]
pub struct Alert {
    pub channel: String,
    pub destination: Expr,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub after: Option<Expr>,
    pub source: Source,
}
