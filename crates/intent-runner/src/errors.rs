//! Why a run, or one value in it, could not be had.
//!
//! [`RunError`] stops a whole run before any case starts; [`EvalError`] fails one check,
//! threshold or request, and its text becomes that result's message. The messages are part of
//! the results (and of their snapshots), so each variant keeps the words it is shown in; the
//! values in them (`found`, `value`) are rendered when the error is made, as the user reads
//! them.

use intent_ir::number::{Arith, NumberError};
use intent_ir::units::{Dimension, Refusal};
use thiserror::Error;

/// Why a run could not be carried out at all. An [`EvalError`] in it is boxed: it is large,
/// and a run's error is rare.
#[derive(Debug, Error)]
pub enum RunError {
    /// A `let` or `secret` has no value, so nothing that reads it could run.
    #[error("the {kind} `{name}` has no value: {source}")]
    Binding {
        /// `let` or `secret`, as written.
        kind: &'static str,
        name: String,
        source: Box<EvalError>,
    },
    /// An expression evaluated on its own (a monitor's interval, an alert's destination) has
    /// no value.
    #[error(transparent)]
    Constant(Box<EvalError>),
    /// A target's URL expression has no value.
    #[error("the target `{target}` has no URL: {source}")]
    TargetUrl {
        target: String,
        source: Box<EvalError>,
    },
    /// A target's URL is not an HTTP one: the runner speaks nothing else.
    #[error("the target `{target}` has the URL `{url}`, which is not an http:// or https:// URL")]
    NotHttp { target: String, url: String },
    /// The HTTP client could not be built (its TLS configuration, usually).
    #[error("cannot create the HTTP client: {0}")]
    Client(#[source] reqwest::Error),
    /// The task running the plan ended without a result (it panicked or was cancelled).
    #[error("the runner stopped: {0}")]
    Stopped(#[source] tokio::task::JoinError),
}

/// Why an expression, an aggregate or a request could not be evaluated; becomes a failed
/// check's (or threshold's, or request's) message.
#[derive(Debug, Clone, PartialEq, Error)]
pub enum EvalError {
    /// A response field is read before the case made any request.
    #[error("no response yet: the check runs before any request")]
    NoResponseYet,
    /// A response is named that the case did not bind.
    #[error("no response is named `{0}`")]
    NoSuchResponse(String),
    /// A regex literal does not compile (the checker compiles them too; this is a defence).
    #[error("invalid regex: {0}")]
    InvalidRegex(String),
    /// A name has no value in this case.
    #[error("`{0}` has no value")]
    NoValue(String),
    /// A header is indexed by something other than a string.
    #[error("a header is read by its name, not by {found}")]
    HeaderName { found: String },
    /// A value is indexed by something it cannot be indexed with.
    #[error("cannot index {value} with {index}")]
    CannotIndex { value: String, index: String },
    /// An aggregate is read inside one case.
    #[error("aggregates are computed over all cases, not within one")]
    AggregateInCase,
    /// A field of a body that did not parse as JSON.
    #[error("the body of {method} {url} is not JSON ({why}), so it has no field `{field}`")]
    BodyNotJson {
        method: String,
        url: String,
        why: String,
        field: String,
    },
    /// A field of a value that has no fields.
    #[error("{value} has no field `{field}`")]
    NoField { value: String, field: String },
    /// `every`/`some` over something that is not a list.
    #[error("`every`/`some` needs a list, found {found}")]
    QuantifierNeedsList { found: String },
    /// `in` with a right side that holds nothing.
    #[error("`in` needs a list, a range or a string, found {found}")]
    InNeedsCollection { found: String },
    /// `matches` without a string on the left and a regex on the right.
    #[error("`matches` needs a string and a regex, found {left} and {right}")]
    MatchesOperands { left: String, right: String },
    /// `starts with`/`ends with` without two strings.
    #[error("`starts with`/`ends with` compare strings, found {left} and {right}")]
    AffixOperands { left: String, right: String },
    /// A range anywhere but after `in`.
    #[error("a range can only follow `in`")]
    RangeOutsideIn,
    /// Arithmetic on quantities whose units do not combine.
    #[error("{}", refusal.message(*op, *left, *right))]
    Units {
        refusal: Refusal,
        op: Arith,
        left: Dimension,
        right: Dimension,
    },
    /// Arithmetic with no result (division by zero, overflow).
    #[error("{0}")]
    Number(NumberError),
    /// A number was needed.
    #[error("expected a number, found {found}")]
    NotANumber { found: String },
    /// A truth value was needed.
    #[error("expected true or false, found {found}")]
    NotABool { found: String },
    /// An ordering comparison with NaN.
    #[error("cannot compare NaN")]
    CompareNaN,
    /// An ordering comparison of values that have no order between them.
    #[error("cannot order {left} and {right}")]
    CannotOrder { left: String, right: String },
    /// `contains` on something that is neither text nor JSON.
    #[error("`contains` cannot search {found}")]
    ContainsCannotSearch { found: String },
    /// A built-in function was given something other than a string.
    #[error("`{function}` expects a string argument")]
    StringArgument { function: &'static str },
    /// `len` of something that has no length.
    #[error("`len` needs a string, list or object, found {found}")]
    LenArgument { found: String },
    /// `len` with no argument.
    #[error("`len` needs an argument")]
    LenMissing,
    /// `random.int` with bounds the wrong way round.
    #[error("random.int({low}, {high}): the upper bound is below the lower")]
    RandomBounds { low: i64, high: i64 },
    /// `env(...)` of an unset variable, with no default.
    #[error("the environment variable {0} is not set")]
    EnvUnset(String),
    /// An aggregate over a series was given neither `duration` nor a score.
    #[error("this aggregate needs `duration` or a score")]
    NeedsSeries,
    /// An aggregate has nothing to be computed from, so a threshold never passes on nothing.
    #[error("{metric}: {why}")]
    NoData {
        /// The metric as reports name it, `p95(duration)`.
        metric: String,
        /// What was missing, `no case has a value`.
        why: &'static str,
    },
    /// An aggregate only load blocks measure, in an evaluation.
    #[error("`{metric}` is measured by load blocks, not evaluations")]
    MeasuredByLoad { metric: String },
    /// An aggregate only evaluations measure, in a load block.
    #[error("`{metric}` is measured by evaluations, not load blocks")]
    MeasuredByEvaluation { metric: String },
    /// `rate` without a condition.
    #[error("`rate` needs a condition")]
    RateWithoutCondition,
    /// The condition of a `rate` was not among those counted while the cases ran.
    #[error("the condition of `rate` was not recorded")]
    ConditionNotRecorded,
    /// A request names a target that has no URL in this run.
    #[error("the target `{0}` has no URL")]
    TargetWithoutUrl(String),
    /// A form body that is not an object of fields.
    #[error("a form body must be an object, found {found}")]
    FormNotObject { found: String },
    /// A file a multipart body sends cannot be read now (it was there when checked).
    #[error("cannot send the file {path}: {why}")]
    Attachment { path: String, why: String },
    /// A value to send is absent; sending its text would hide the mistake.
    #[error("a value to send is absent (a field or header that was not in the response)")]
    AbsentToSend,
    /// A link cannot be resolved against the target's URL.
    #[error("cannot follow the link {link:?}: {why}")]
    BadLink { link: String, why: String },
    /// A link leads away from the target's origin.
    #[error(
        "the link {link:?} leads to {origin}, another origin than the target `{target}` ({base})"
    )]
    OtherOrigin {
        link: String,
        origin: String,
        target: String,
        base: String,
    },
}

impl From<NumberError> for EvalError {
    fn from(error: NumberError) -> Self {
        EvalError::Number(error)
    }
}
