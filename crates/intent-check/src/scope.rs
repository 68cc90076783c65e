//! Local names while checking a block: captures, example columns, the evaluation row, step
//! parameters, quantifier variables, named responses and scores.

use intent_ir::Type;
use intent_source::Span;

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum LocalKind {
    Capture,
    Column,
    Row,
    Param,
    Loop,
    Response,
    Score,
}

impl LocalKind {
    pub fn noun(self) -> &'static str {
        match self {
            LocalKind::Capture => "capture",
            LocalKind::Column => "examples column",
            LocalKind::Row => "evaluation row",
            LocalKind::Param => "step parameter",
            LocalKind::Loop => "quantifier variable",
            LocalKind::Response => "named response",
            LocalKind::Score => "score",
        }
    }
}

#[derive(Clone, Debug)]
pub(crate) struct Local {
    pub name: String,
    pub ty: Type,
    pub secret: bool,
    pub kind: LocalKind,
    pub span: Span,
    pub used: bool,
}

/// Which kind of block is being checked; decides what names and aggregates mean.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum BlockKind {
    /// Top-level lets, secrets, targets, spec metadata, monitor settings.
    Global,
    Intent,
    Step,
    Evaluate,
    Load,
    Policy,
}

/// Where aggregates are allowed: an `expect` of an evaluation or a load block.
#[derive(Clone, Debug)]
pub(crate) struct AggregateContext {
    pub evaluate: bool,
    pub has_classify: bool,
    pub scores: Vec<String>,
}

pub(crate) struct Scope {
    pub block: BlockKind,
    locals: Vec<Local>,
    /// The body type of the latest response; `None` before the first request.
    pub latest_body: Option<Type>,
    /// Names defined later in the current block, for "used before its definition".
    pub later: Vec<(String, Span)>,
    pub aggregates: Option<AggregateContext>,
    /// Names read before the line that defines them (already reported).
    pub early_uses: Vec<String>,
}

impl Scope {
    pub fn new(block: BlockKind) -> Self {
        Self {
            block,
            locals: Vec::new(),
            latest_body: match block {
                // A policy checks a response that always exists.
                BlockKind::Policy => Some(Type::Json),
                _ => None,
            },
            later: Vec::new(),
            aggregates: None,
            early_uses: Vec::new(),
        }
    }

    pub fn lookup(&mut self, name: &str) -> Option<&mut Local> {
        self.locals.iter_mut().rev().find(|l| l.name == name)
    }

    pub fn find(&self, name: &str) -> Option<&Local> {
        self.locals.iter().rev().find(|l| l.name == name)
    }

    pub fn push(&mut self, mut local: Local) {
        // A name read before its definition was reported there; it counts as used.
        if self.later.iter().any(|(n, _)| n == &local.name) && self.early_uses.contains(&local.name)
        {
            local.used = true;
        }
        self.later.retain(|(n, _)| n != &local.name);
        self.locals.push(local);
    }

    /// The number of locals, to drop the ones a quantifier adds when it ends.
    pub fn mark(&self) -> usize {
        self.locals.len()
    }

    pub fn truncate(&mut self, mark: usize) {
        self.locals.truncate(mark);
    }

    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.locals.iter().map(|l| l.name.as_str())
    }

    /// The locals of one kind, innermost last.
    pub fn locals(&self, kind: LocalKind) -> impl Iterator<Item = &Local> {
        self.locals.iter().filter(move |l| l.kind == kind)
    }

    /// Captures never read, for the unused-name warning.
    pub fn unused_captures(&self) -> impl Iterator<Item = &Local> {
        self.locals
            .iter()
            .filter(|l| !l.used && l.kind == LocalKind::Capture && !l.name.starts_with('_'))
    }
}
