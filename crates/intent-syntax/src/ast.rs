//! The typed syntax tree of a spec file.
//!
//! Every node carries the [`Span`] of its source text. The tree keeps everything a later stage
//! or a formatter needs: the keyword a check was written with, the parts of interpolated
//! strings, the digits of numbers as written (so `19.98` is never rounded through a float).
//! Comments are kept on the side in [`SpecFile::comments`].
//!
//! Longer than 800 lines on purpose: it is only the tree's type definitions and their
//! one-line accessors (keyword spellings, operator precedence), the language's shape read as
//! one reference; split by item kind it would scatter types that nest into each other.

use intent_source::Span;
use serde::Serialize;

/// One parsed `.intent` file.
#[derive(Debug, Clone, Serialize, Default)]
pub struct SpecFile {
    pub items: Vec<Item>,
    pub comments: Vec<Comment>,
}

/// A `# ...` comment, text without the `#`.
#[derive(Debug, Clone, Serialize)]
pub struct Comment {
    pub text: String,
    pub span: Span,
}

/// A name as written, with its place.
#[derive(Debug, Clone, Serialize)]
pub struct Ident {
    pub name: String,
    pub span: Span,
}

/// A top-level item.
#[derive(Debug, Clone, Serialize)]
pub enum Item {
    Spec(SpecMeta),
    Use(Use),
    Target(Target),
    Let(Let),
    Secret(Secret),
    Type(TypeDef),
    Step(StepDef),
    Intent(Intent),
    Dataset(Dataset),
    Evaluate(Evaluate),
    Load(Load),
    Policy(Policy),
    Monitor(Monitor),
}

impl Item {
    pub fn span(&self) -> Span {
        match self {
            Item::Spec(i) => i.span,
            Item::Use(i) => i.span,
            Item::Target(i) => i.span,
            Item::Let(i) => i.span,
            Item::Secret(i) => i.span,
            Item::Type(i) => i.span,
            Item::Step(i) => i.span,
            Item::Intent(i) => i.span,
            Item::Dataset(i) => i.span,
            Item::Evaluate(i) => i.span,
            Item::Load(i) => i.span,
            Item::Policy(i) => i.span,
            Item::Monitor(i) => i.span,
        }
    }
}

/// `spec "Title" { owner "team" ... }`: the file's title and metadata.
#[derive(Debug, Clone, Serialize)]
pub struct SpecMeta {
    pub title: StringLit,
    pub entries: Vec<MetaEntry>,
    pub span: Span,
}

#[derive(Debug, Clone, Serialize)]
pub struct MetaEntry {
    pub key: Ident,
    pub value: Expr,
    pub span: Span,
}

/// `use "path"`: imports the items of another file.
#[derive(Debug, Clone, Serialize)]
pub struct Use {
    pub path: StringLit,
    pub span: Span,
}

/// `target NAME = URL { default request clauses }`.
#[derive(Debug, Clone, Serialize)]
pub struct Target {
    pub name: Ident,
    pub url: Expr,
    pub clauses: Vec<RequestClause>,
    pub span: Span,
}

/// `let NAME = EXPR`.
#[derive(Debug, Clone, Serialize)]
pub struct Let {
    pub name: Ident,
    pub value: Expr,
    pub span: Span,
}

/// `secret NAME = EXPR`: a constant that is redacted in every output.
#[derive(Debug, Clone, Serialize)]
pub struct Secret {
    pub name: Ident,
    pub value: Expr,
    pub span: Span,
}

/// `type NAME = TYPE` or `type NAME { fields }`.
#[derive(Debug, Clone, Serialize)]
pub struct TypeDef {
    pub name: Ident,
    pub ty: TypeExpr,
    pub span: Span,
}

/// `step "pattern {p: T}" -> T { ... }`.
#[derive(Debug, Clone, Serialize)]
pub struct StepDef {
    pub pattern: StepPattern,
    pub returns: Option<TypeExpr>,
    pub body: Block,
    pub span: Span,
}

#[derive(Debug, Clone, Serialize)]
pub struct StepPattern {
    pub parts: Vec<PatternPart>,
    pub span: Span,
}

#[derive(Debug, Clone, Serialize)]
pub enum PatternPart {
    /// Literal words of the pattern, as written (may hold several words and spaces).
    Text { text: String, span: Span },
    /// A typed parameter `{name: Type}`.
    Param {
        name: Ident,
        ty: TypeExpr,
        span: Span,
    },
}

/// `intent "Title" @tags { ... }`: one behaviour of the system.
#[derive(Debug, Clone, Serialize)]
pub struct Intent {
    pub title: StringLit,
    pub tags: Vec<Tag>,
    pub body: Block,
    pub span: Span,
}

/// `dataset NAME = "path" { columns }`.
#[derive(Debug, Clone, Serialize)]
pub struct Dataset {
    pub name: Ident,
    pub path: StringLit,
    pub columns: Vec<Field>,
    pub span: Span,
}

/// `evaluate "Title" @tags over DATASET as ROW { ... }`.
#[derive(Debug, Clone, Serialize)]
pub struct Evaluate {
    pub title: StringLit,
    pub tags: Vec<Tag>,
    pub dataset: Ident,
    pub row: Ident,
    pub body: Block,
    pub span: Span,
}

/// `load "Title" @tags { arrive ... | users ...; when ...; expect ... }`.
#[derive(Debug, Clone, Serialize)]
pub struct Load {
    pub title: StringLit,
    pub tags: Vec<Tag>,
    pub body: Block,
    pub span: Span,
}

/// `policy "Title" level L applies to SCOPE { ... }`.
#[derive(Debug, Clone, Serialize)]
pub struct Policy {
    pub title: StringLit,
    pub tags: Vec<Tag>,
    pub level: Option<Spanned<PolicyLevel>>,
    pub scope: PolicyScope,
    pub body: Block,
    pub span: Span,
}

#[derive(Debug, Clone, Copy, Serialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum PolicyLevel {
    Fail,
    Warn,
    Off,
}

#[derive(Debug, Clone, Serialize)]
pub enum PolicyScope {
    /// `every response` or `every response from TARGET`.
    Responses { from: Option<Ident>, span: Span },
    /// `intents tagged TAG-EXPR`.
    Intents { tags: TagExpr, span: Span },
}

/// `monitor "Title" every D { run ...; alert ... }`.
#[derive(Debug, Clone, Serialize)]
pub struct Monitor {
    pub title: StringLit,
    pub tags: Vec<Tag>,
    pub every: Expr,
    pub body: Block,
    pub span: Span,
}

/// A value with its place, for small enums that need one.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct Spanned<T> {
    pub value: T,
    pub span: Span,
}

/// `@name`, stored without the `@`.
#[derive(Debug, Clone, Serialize)]
pub struct Tag {
    pub name: String,
    pub span: Span,
}

/// A tag expression: `@smoke and not (@slow or @wip)`.
#[derive(Debug, Clone, Serialize)]
pub enum TagExpr {
    Tag(Tag),
    Not(Box<TagExpr>),
    And(Box<TagExpr>, Box<TagExpr>),
    Or(Box<TagExpr>, Box<TagExpr>),
}

impl TagExpr {
    /// Every tag named in the expression.
    pub fn tags(&self) -> Vec<&Tag> {
        match self {
            TagExpr::Tag(t) => vec![t],
            TagExpr::Not(e) => e.tags(),
            TagExpr::And(a, b) | TagExpr::Or(a, b) => {
                let mut all = a.tags();
                all.extend(b.tags());
                all
            }
        }
    }
}

/// The statements of an item's `{ ... }`.
#[derive(Debug, Clone, Serialize)]
pub struct Block {
    pub statements: Vec<Statement>,
    pub span: Span,
}

/// One line-based statement.
#[derive(Debug, Clone, Serialize)]
pub enum Statement {
    Because(Because),
    Given(Given),
    When(When),
    Check(Check),
    Examples(Examples),
    Yield(Yield),
    Score(Score),
    Classify(Classify),
    Arrive(Arrival),
    Users(Users),
    WithoutAuth(WithoutAuth),
    Run(Run),
    Alert(Alert),
}

impl Statement {
    pub fn span(&self) -> Span {
        match self {
            Statement::Because(s) => s.span,
            Statement::Given(s) => s.span,
            Statement::When(s) => s.span,
            Statement::Check(s) => s.span,
            Statement::Examples(s) => s.span,
            Statement::Yield(s) => s.span,
            Statement::Score(s) => s.span,
            Statement::Classify(s) => s.span,
            Statement::Arrive(s) => s.span,
            Statement::Users(s) => s.span,
            Statement::WithoutAuth(s) => s.span,
            Statement::Run(s) => s.span,
            Statement::Alert(s) => s.span,
        }
    }

    /// The keyword that starts the statement, as users know it.
    pub fn keyword(&self) -> &'static str {
        match self {
            Statement::Because(_) => "because",
            Statement::Given(_) => "given",
            Statement::When(_) => "when",
            Statement::Check(c) => c.keyword.as_str(),
            Statement::Examples(_) => "examples",
            Statement::Yield(_) => "yield",
            Statement::Score(_) => "score",
            Statement::Classify(_) => "classify",
            Statement::Arrive(_) => "arrive",
            Statement::Users(_) => "users",
            Statement::WithoutAuth(_) => "without auth",
            Statement::Run(_) => "run",
            Statement::Alert(_) => "alert",
        }
    }
}

/// `because "reason"`.
#[derive(Debug, Clone, Serialize)]
pub struct Because {
    pub reason: StringLit,
    pub span: Span,
}

/// `given NAME = EXPR`, `given NAME = prose step call`, or `given prose step call`.
#[derive(Debug, Clone, Serialize)]
pub struct Given {
    pub name: Option<Ident>,
    pub value: GivenValue,
    pub span: Span,
}

#[derive(Debug, Clone, Serialize)]
pub enum GivenValue {
    Expr(Expr),
    Call(StepCall),
}

/// `when METHOD target /path ...` or `when prose step call`.
#[derive(Debug, Clone, Serialize)]
pub struct When {
    pub action: WhenAction,
    pub span: Span,
}

#[derive(Debug, Clone, Serialize)]
pub enum WhenAction {
    Request(Request),
    Call(StepCall),
}

/// An HTTP request with its clauses.
#[derive(Debug, Clone, Serialize)]
pub struct Request {
    pub method: Spanned<Method>,
    pub target: Ident,
    /// The path as written, bare or quoted; empty when the request follows a link.
    pub path: Template,
    /// `(EXPR)` in place of the path: a path or URL computed at run time (a `Location`
    /// header), resolved against the target and taken without further encoding.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub link: Option<Box<Expr>>,
    /// `as NAME`: the response is readable later as `NAME.body` etc.
    pub name: Option<Ident>,
    /// `-> Type`: the response body must conform, and `body` is typed statically.
    pub returns: Option<TypeExpr>,
    pub clauses: Vec<RequestClause>,
    pub span: Span,
}

#[derive(Debug, Clone, Copy, Serialize, PartialEq, Eq)]
#[serde(rename_all = "UPPERCASE")]
pub enum Method {
    Get,
    Post,
    Put,
    Patch,
    Delete,
    Head,
    Options,
}

impl Method {
    pub const ALL: [(&'static str, Method); 7] = [
        ("GET", Method::Get),
        ("POST", Method::Post),
        ("PUT", Method::Put),
        ("PATCH", Method::Patch),
        ("DELETE", Method::Delete),
        ("HEAD", Method::Head),
        ("OPTIONS", Method::Options),
    ];

    pub fn as_str(self) -> &'static str {
        Self::ALL
            .iter()
            .find(|(_, m)| *m == self)
            .map(|(s, _)| *s)
            .unwrap_or("GET")
    }
}

/// A request clause, in a `when` or as a target default.
#[derive(Debug, Clone, Serialize)]
pub struct RequestClause {
    pub kind: ClauseKind,
    pub span: Span,
}

#[derive(Debug, Clone, Serialize)]
pub enum ClauseKind {
    Header {
        name: StringLit,
        value: Expr,
    },
    Query {
        name: Ident,
        value: Expr,
    },
    Json(Expr),
    Form(Expr),
    Multipart(Vec<Part>),
    Body(Expr),
    Auth(Auth),
    Timeout(Expr),
    Retry {
        times: Expr,
        every: Option<Expr>,
        until: Expr,
    },
}

impl ClauseKind {
    pub fn keyword(&self) -> &'static str {
        match self {
            ClauseKind::Header { .. } => "header",
            ClauseKind::Query { .. } => "query",
            ClauseKind::Json(_) => "json",
            ClauseKind::Form(_) => "form",
            ClauseKind::Multipart(_) => "multipart",
            ClauseKind::Body(_) => "body",
            ClauseKind::Auth(_) => "auth",
            ClauseKind::Timeout(_) => "timeout",
            ClauseKind::Retry { .. } => "retry",
        }
    }
}

/// One part of a `multipart` body: `name: VALUE` or `name: file("path")`.
#[derive(Debug, Clone, Serialize)]
pub struct Part {
    pub name: Ident,
    pub value: PartValue,
    pub span: Span,
}

#[derive(Debug, Clone, Serialize)]
pub enum PartValue {
    /// A text field, from any expression.
    Text(Expr),
    /// A file of the project, sent with its name and content type.
    File {
        /// The path, relative to the spec file (a plain string).
        path: StringLit,
        /// The content type, when it is given (else it follows from the file's extension).
        content_type: Option<StringLit>,
        span: Span,
    },
}

#[derive(Debug, Clone, Serialize)]
pub enum Auth {
    Bearer(Expr),
    Basic { user: Expr, password: Expr },
}

/// A prose call of a step: `a shopper "alice" is logged in`.
#[derive(Debug, Clone, Serialize)]
pub struct StepCall {
    pub parts: Vec<CallPart>,
    pub span: Span,
}

#[derive(Debug, Clone, Serialize)]
pub enum CallPart {
    Word { text: String, span: Span },
    Arg(Expr),
}

/// `then EXPR`, `and EXPR` or `expect EXPR [at N% confidence]`.
#[derive(Debug, Clone, Serialize)]
pub struct Check {
    pub keyword: CheckKeyword,
    pub expr: Expr,
    pub confidence: Option<Expr>,
    pub span: Span,
}

#[derive(Debug, Clone, Copy, Serialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum CheckKeyword {
    Then,
    And,
    Expect,
}

impl CheckKeyword {
    pub fn as_str(self) -> &'static str {
        match self {
            CheckKeyword::Then => "then",
            CheckKeyword::And => "and",
            CheckKeyword::Expect => "expect",
        }
    }
}

/// An `examples` table: a heading row of names and one row per case.
#[derive(Debug, Clone, Serialize)]
pub struct Examples {
    pub columns: Vec<Ident>,
    pub rows: Vec<ExampleRow>,
    pub span: Span,
}

#[derive(Debug, Clone, Serialize)]
pub struct ExampleRow {
    pub cells: Vec<Expr>,
    pub span: Span,
}

/// `yield EXPR`: the result of a step.
#[derive(Debug, Clone, Serialize)]
pub struct Yield {
    pub value: Expr,
    pub span: Span,
}

/// `score NAME = EXPR`: a per-case value in an evaluation.
#[derive(Debug, Clone, Serialize)]
pub struct Score {
    pub name: Ident,
    pub value: Expr,
    pub span: Span,
}

/// `classify PREDICTED against EXPECTED`: a per-case label for accuracy, precision, recall.
#[derive(Debug, Clone, Serialize)]
pub struct Classify {
    pub predicted: Expr,
    pub expected: Expr,
    pub span: Span,
}

/// `arrive RATE for DURATION`: the open load model.
#[derive(Debug, Clone, Serialize)]
pub struct Arrival {
    pub rate: Expr,
    pub duration: Expr,
    pub span: Span,
}

/// `users N for DURATION`: the closed load model.
#[derive(Debug, Clone, Serialize)]
pub struct Users {
    pub count: Expr,
    pub duration: Expr,
    pub span: Span,
}

/// `without auth expect ...`: a derived negative test of a policy.
#[derive(Debug, Clone, Serialize)]
pub struct WithoutAuth {
    pub check: Check,
    pub span: Span,
}

/// `run all`, `run intents tagged TAG-EXPR` or `run "Title"` in a monitor.
#[derive(Debug, Clone, Serialize)]
pub struct Run {
    pub selector: RunSelector,
    pub span: Span,
}

#[derive(Debug, Clone, Serialize)]
pub enum RunSelector {
    All,
    Tagged(TagExpr),
    Title(StringLit),
}

/// `alert CHANNEL DESTINATION [after N failures]`.
#[derive(Debug, Clone, Serialize)]
pub struct Alert {
    pub channel: Ident,
    pub destination: Expr,
    pub after: Option<Expr>,
    pub span: Span,
}

// ------------------------------------------------------------------------------------------
// Expressions

#[derive(Debug, Clone, Serialize)]
pub struct Expr {
    pub kind: ExprKind,
    pub span: Span,
}

#[derive(Debug, Clone, Serialize)]
pub enum ExprKind {
    Number(NumberLit),
    String(StringLit),
    Regex(RegexLit),
    Bool(bool),
    Null,
    Name(String),
    List(Vec<Expr>),
    Object(Vec<ObjectEntry>),
    /// `header "Name"`: a response header, case-insensitive.
    Header(StringLit),
    Field {
        base: Box<Expr>,
        field: Ident,
    },
    Index {
        base: Box<Expr>,
        index: Box<Expr>,
    },
    Call {
        callee: Box<Expr>,
        args: Vec<Expr>,
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
    /// `EXPR exists`.
    Exists(Box<Expr>),
    /// `EXPR is absent`.
    Absent(Box<Expr>),
    /// `every x in xs has P` / `some x in xs has P`.
    Quantifier {
        kind: Quantifier,
        var: Ident,
        collection: Box<Expr>,
        predicate: Box<Expr>,
    },
    /// A value whose mistake was already reported while lowering (a number with an unknown
    /// unit). Later stages take it for any value, so the one mistake gives one diagnostic.
    Error,
}

#[derive(Debug, Clone, Serialize)]
pub struct ObjectEntry {
    pub key: Ident,
    pub value: Expr,
}

#[derive(Debug, Clone, Copy, Serialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum Quantifier {
    Every,
    Some,
}

/// A prefix operator as written. The plan has its own `intent_ir::UnaryOp`, for the reason
/// [`BinaryOp`] gives.
#[derive(Debug, Clone, Copy, Serialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum UnaryOp {
    Not,
    Neg,
}

/// An infix operator as written. It is not the plan's `intent_ir::BinaryOp`, on purpose: the
/// tree keeps what was written (`is` and `is not`, which the checker turns into an equality or
/// a conformance check by what stands on the right), the plan only what runs; and the syntax
/// crate does not depend on the plan's, so that the parser, formatter and language server stay
/// free of the contract. The checker maps one onto the other in one `match`.
#[derive(Debug, Clone, Copy, Serialize, PartialEq, Eq, Hash)]
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
    Is,
    IsNot,
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
            BinaryOp::Or => "or",
            BinaryOp::And => "and",
            BinaryOp::Eq => "==",
            BinaryOp::Ne => "!=",
            BinaryOp::Lt => "<",
            BinaryOp::Le => "<=",
            BinaryOp::Gt => ">",
            BinaryOp::Ge => ">=",
            BinaryOp::In => "in",
            BinaryOp::NotIn => "not in",
            BinaryOp::Is => "is",
            BinaryOp::IsNot => "is not",
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
        }
    }
}

/// A number as written, with its unit.
#[derive(Debug, Clone, Serialize)]
pub struct NumberLit {
    /// The digits and fraction as written, e.g. `19.98`.
    pub digits: String,
    pub unit: Option<Unit>,
}

impl NumberLit {
    pub fn is_integer(&self) -> bool {
        !self.digits.contains('.')
    }
}

/// The units a number can carry. Units are part of the type: `300ms` is a duration.
#[derive(Debug, Clone, Copy, Serialize, PartialEq, Eq, Hash)]
pub enum Unit {
    #[serde(rename = "ms")]
    Milliseconds,
    #[serde(rename = "s")]
    Seconds,
    #[serde(rename = "m")]
    Minutes,
    #[serde(rename = "h")]
    Hours,
    #[serde(rename = "%")]
    Percent,
    #[serde(rename = "B")]
    Bytes,
    #[serde(rename = "KB")]
    Kilobytes,
    #[serde(rename = "MB")]
    Megabytes,
    #[serde(rename = "GB")]
    Gigabytes,
    #[serde(rename = "/s")]
    PerSecond,
    #[serde(rename = "/m")]
    PerMinute,
    #[serde(rename = "/h")]
    PerHour,
}

impl Unit {
    pub const ALL: [(&'static str, Unit); 12] = [
        ("ms", Unit::Milliseconds),
        ("s", Unit::Seconds),
        ("m", Unit::Minutes),
        ("h", Unit::Hours),
        ("%", Unit::Percent),
        ("B", Unit::Bytes),
        ("KB", Unit::Kilobytes),
        ("MB", Unit::Megabytes),
        ("GB", Unit::Gigabytes),
        ("/s", Unit::PerSecond),
        ("/m", Unit::PerMinute),
        ("/h", Unit::PerHour),
    ];

    pub fn parse(text: &str) -> Option<Unit> {
        Self::ALL.iter().find(|(s, _)| *s == text).map(|(_, u)| *u)
    }

    pub fn as_str(self) -> &'static str {
        Self::ALL
            .iter()
            .find(|(_, u)| *u == self)
            .map(|(s, _)| *s)
            .unwrap_or("")
    }
}

/// A string literal: text and `{expr}` parts. Raw `"""` strings have one text part.
#[derive(Debug, Clone, Serialize)]
pub struct StringLit {
    pub parts: Vec<TemplatePart>,
    pub raw: bool,
    pub span: Span,
}

impl StringLit {
    /// The text when the string has no interpolation.
    pub fn as_plain(&self) -> Option<String> {
        let mut out = String::new();
        for part in &self.parts {
            match part {
                TemplatePart::Text(t) => out.push_str(t),
                TemplatePart::Expr(_) => return None,
            }
        }
        Some(out)
    }

    /// The text with interpolations shown as `{…}`, for titles and messages.
    pub fn display(&self) -> String {
        self.parts
            .iter()
            .map(|p| match p {
                TemplatePart::Text(t) => t.as_str(),
                TemplatePart::Expr(_) => "{…}",
            })
            .collect()
    }
}

/// A request path such as `/orders/{id}`.
#[derive(Debug, Clone, Serialize)]
pub struct Template {
    pub parts: Vec<TemplatePart>,
    pub span: Span,
}

#[derive(Debug, Clone, Serialize)]
pub enum TemplatePart {
    /// Text with escapes already resolved.
    Text(String),
    Expr(Expr),
}

/// `/pattern/flags`.
#[derive(Debug, Clone, Serialize)]
pub struct RegexLit {
    pub pattern: String,
    pub flags: String,
}

// ------------------------------------------------------------------------------------------
// Types

#[derive(Debug, Clone, Serialize)]
pub struct TypeExpr {
    pub kind: TypeKind,
    pub span: Span,
}

#[derive(Debug, Clone, Serialize)]
pub enum TypeKind {
    /// A primitive (`string`, `int`, …) or a named type.
    Named(Ident),
    List(Box<TypeExpr>),
    /// Records are open unless `exact`.
    Record {
        exact: bool,
        fields: Vec<Field>,
    },
    Literal(LiteralType),
    Union(Vec<TypeExpr>),
    Refined {
        base: Box<TypeExpr>,
        refinements: Vec<Refinement>,
    },
}

/// A field of a record type or a dataset column.
#[derive(Debug, Clone, Serialize)]
pub struct Field {
    pub name: Ident,
    pub optional: bool,
    pub ty: TypeExpr,
    pub span: Span,
}

#[derive(Debug, Clone, Serialize)]
pub enum LiteralType {
    String(String),
    Number(SignedNumber),
    Bool(bool),
    Null,
}

#[derive(Debug, Clone, Serialize)]
pub struct SignedNumber {
    pub negative: bool,
    pub number: NumberLit,
    pub span: Span,
}

#[derive(Debug, Clone, Serialize)]
pub struct Refinement {
    pub kind: RefinementKind,
    pub span: Span,
}

#[derive(Debug, Clone, Serialize)]
pub enum RefinementKind {
    /// `in MIN..MAX`, both ends included.
    Range {
        min: SignedNumber,
        max: SignedNumber,
    },
    /// `>= 0`, `< 100`, …
    Compare {
        op: CompareOp,
        value: SignedNumber,
    },
    Matching(RegexLit),
    NonEmpty,
}

#[derive(Debug, Clone, Copy, Serialize, PartialEq, Eq)]
pub enum CompareOp {
    #[serde(rename = "<")]
    Lt,
    #[serde(rename = "<=")]
    Le,
    #[serde(rename = ">")]
    Gt,
    #[serde(rename = ">=")]
    Ge,
    #[serde(rename = "!=")]
    Ne,
}
