//! Semantic tokens (`textDocument/semanticTokens/full`): what a TextMate grammar cannot tell
//! from the text alone. The words of a step call that bind to a step (bound by the checker's
//! own rules, [`symbols::bind`]) are a function and its literal arguments parameters, so a
//! sentence that binds reads differently from one that does not; each name is coloured by what
//! it is declared as (a target, a type, a `let`, a secret, a dataset, a step parameter or an
//! examples column, a capture or another local), fields as properties, and every declaration
//! carries the `declaration` modifier.
//!
//! Only standard token types and modifiers are used, so any editor's theme colours them. A
//! secret is a `macro`: no standard type says "redacted in every output", and a secret must
//! stand out from a `let` wherever it is used, which a modifier alone would not show in most
//! themes. Names that resolve to nothing (a typo, which the diagnostics report) get no token.

use crate::position::Positions;
use crate::scope::{self, Kind};
use crate::symbols::{self, DOCUMENT};
use intent_check::{Binding, Loaded, StepIndex};
use intent_source::Span;
use intent_syntax::ast::{
    Auth, Block, CallPart, Check, ClauseKind, Expr, ExprKind, GivenValue, Item, PartValue,
    PatternPart, PolicyScope, Request, RequestClause, Statement, StepCall, StringLit, TemplatePart,
    TypeExpr, TypeKind, UnaryOp, WhenAction,
};
use serde_json::{Value, json};
use std::collections::HashMap;

/// The token types, in the order of the legend (a token's type is its index).
pub const TYPES: [&str; 8] = [
    "namespace",
    "type",
    "struct",
    "parameter",
    "variable",
    "property",
    "function",
    "macro",
];
/// The token modifiers, in the order of the legend (a modifier is the bit of its index).
pub const MODIFIERS: [&str; 3] = ["declaration", "readonly", "defaultLibrary"];

const NAMESPACE: Token = (0, 0);
const TYPE: Token = (1, 0);
const STRUCT: Token = (2, 0);
const PARAMETER: Token = (3, 0);
const VARIABLE: Token = (4, 0);
const PROPERTY: Token = (5, 0);
const FUNCTION: Token = (6, 0);
const MACRO: Token = (7, 0);
const DECLARATION: u32 = 1;
const READONLY: u32 = 2;
const LIBRARY: u32 = 4;

/// The primitive types, coloured as types of the language itself.
const PRIMITIVES: [&str; 12] = [
    "string", "int", "decimal", "bool", "null", "any", "uuid", "date", "datetime", "email", "url",
    "json",
];
/// The fields of the latest response, readable as names.
const RESPONSE: [&str; 5] = ["status", "headers", "body", "duration", "size"];

/// A token type and its modifiers.
type Token = (u32, u32);

/// The legend `initialize` announces.
pub fn legend() -> Value {
    json!({"tokenTypes": TYPES, "tokenModifiers": MODIFIERS})
}

/// The tokens of the document, encoded as the protocol's relative five-tuples.
pub fn semantic_tokens(loaded: &Loaded) -> Value {
    let Some(document) = loaded.files.first() else {
        return json!({"data": []});
    };
    let mut tokens = Tokens {
        loaded,
        steps: StepIndex::new(loaded),
        globals: globals(loaded),
        locals: Vec::new(),
        found: Vec::new(),
    };
    for item in &document.syntax.items {
        tokens.item(item);
    }
    json!({"data": encode(loaded.sources.get(DOCUMENT).text(), tokens.found)})
}

/// What each name declared in the document or its imports is coloured as (the document's
/// own first).
fn globals(loaded: &Loaded) -> HashMap<&str, Token> {
    let mut globals = HashMap::new();
    for file in symbols::visible(loaded) {
        for item in &loaded.files[file.0 as usize].syntax.items {
            if let Some(name) = symbols::declared_name(item) {
                globals
                    .entry(name.name.as_str())
                    .or_insert_with(|| kind_of(item));
            }
        }
    }
    globals
}

fn kind_of(item: &Item) -> Token {
    match item {
        Item::Target(_) => NAMESPACE,
        Item::Type(_) => TYPE,
        Item::Let(_) => (VARIABLE.0, READONLY),
        Item::Secret(_) => (MACRO.0, READONLY),
        _ => STRUCT,
    }
}

struct Tokens<'a> {
    loaded: &'a Loaded,
    steps: StepIndex,
    globals: HashMap<&'a str, Token>,
    /// The names of the block being walked, then the quantifier variables around the
    /// expression being walked.
    locals: Vec<(&'a str, Token)>,
    found: Vec<(Span, Token)>,
}

impl<'a> Tokens<'a> {
    fn push(&mut self, span: Span, (kind, modifiers): Token, more: u32) {
        self.found.push((span, (kind, modifiers | more)));
    }

    fn resolve(&self, name: &str) -> Option<Token> {
        if let Some((_, token)) = self.locals.iter().rev().find(|(n, _)| *n == name) {
            return Some(*token);
        }
        if let Some(token) = self.globals.get(name) {
            return Some(*token);
        }
        RESPONSE
            .contains(&name)
            .then_some((VARIABLE.0, READONLY | LIBRARY))
    }

    fn item(&mut self, item: &'a Item) {
        if let Some(name) = symbols::declared_name(item) {
            self.push(name.span, kind_of(item), DECLARATION);
        }
        match item {
            Item::Spec(spec) => spec.entries.iter().for_each(|e| self.expr(&e.value)),
            Item::Use(_) => {}
            Item::Target(target) => {
                self.expr(&target.url);
                target.clauses.iter().for_each(|c| self.clause(c));
            }
            Item::Let(l) => self.expr(&l.value),
            Item::Secret(s) => self.expr(&s.value),
            Item::Type(t) => self.ty(&t.ty),
            Item::Dataset(d) => {
                for column in &d.columns {
                    self.push(column.name.span, PROPERTY, DECLARATION);
                    self.ty(&column.ty);
                }
            }
            Item::Step(def) => {
                for part in &def.pattern.parts {
                    if let PatternPart::Param { name, ty, .. } = part {
                        self.push(name.span, PARAMETER, DECLARATION);
                        self.ty(ty);
                    }
                }
                if let Some(returns) = &def.returns {
                    self.ty(returns);
                }
                self.block(item, &def.body);
            }
            Item::Evaluate(e) => {
                let dataset = self.resolve(&e.dataset.name).unwrap_or(STRUCT);
                self.push(e.dataset.span, dataset, 0);
                self.push(e.row.span, VARIABLE, DECLARATION);
                self.block(item, &e.body);
            }
            Item::Policy(p) => {
                if let PolicyScope::Responses {
                    from: Some(from), ..
                } = &p.scope
                {
                    self.push(from.span, NAMESPACE, 0);
                }
                self.block(item, &p.body);
            }
            Item::Monitor(m) => {
                self.expr(&m.every);
                self.block(item, &m.body);
            }
            Item::Intent(i) => self.block(item, &i.body),
            Item::Load(l) => self.block(item, &l.body),
        }
    }

    /// The statements of an item's block, with the names the block binds.
    fn block(&mut self, item: &'a Item, block: &'a Block) {
        let scope = scope::scope(self.loaded, DOCUMENT, item, usize::MAX);
        self.locals = scope
            .locals
            .iter()
            .map(|local| {
                let token = match local.kind {
                    Kind::Parameter | Kind::Column => PARAMETER,
                    _ => VARIABLE,
                };
                (local.name, token)
            })
            .collect();
        for statement in &block.statements {
            self.statement(statement);
        }
        self.locals.clear();
    }

    fn statement(&mut self, statement: &'a Statement) {
        match statement {
            Statement::Because(b) => self.string(&b.reason),
            Statement::Given(given) => {
                if let Some(name) = &given.name {
                    self.push(name.span, VARIABLE, DECLARATION);
                }
                match &given.value {
                    GivenValue::Expr(e) => self.expr(e),
                    GivenValue::Call(call) => self.call(call),
                }
            }
            Statement::When(when) => match &when.action {
                WhenAction::Request(request) => self.request(request),
                WhenAction::Call(call) => self.call(call),
            },
            Statement::Check(check) => self.check(check),
            Statement::Examples(examples) => {
                for column in &examples.columns {
                    self.push(column.span, PARAMETER, DECLARATION);
                }
                for row in &examples.rows {
                    row.cells.iter().for_each(|c| self.expr(c));
                }
            }
            Statement::Yield(y) => self.expr(&y.value),
            Statement::Score(score) => {
                self.push(score.name.span, VARIABLE, DECLARATION);
                self.expr(&score.value);
            }
            Statement::Classify(c) => {
                self.expr(&c.predicted);
                self.expr(&c.expected);
            }
            Statement::Arrive(a) => {
                self.expr(&a.rate);
                self.expr(&a.duration);
            }
            Statement::Users(u) => {
                self.expr(&u.count);
                self.expr(&u.duration);
            }
            Statement::WithoutAuth(w) => self.check(&w.check),
            Statement::Run(_) => {}
            Statement::Alert(alert) => {
                self.expr(&alert.destination);
                if let Some(after) = &alert.after {
                    self.expr(after);
                }
            }
        }
    }

    fn check(&mut self, check: &'a Check) {
        self.expr(&check.expr);
        if let Some(confidence) = &check.confidence {
            self.expr(confidence);
        }
    }

    fn request(&mut self, request: &'a Request) {
        let target = self.resolve(&request.target.name).unwrap_or(NAMESPACE);
        self.push(request.target.span, target, 0);
        self.template(&request.path.parts);
        if let Some(link) = &request.link {
            self.expr(link);
        }
        if let Some(name) = &request.name {
            self.push(name.span, VARIABLE, DECLARATION);
        }
        if let Some(returns) = &request.returns {
            self.ty(returns);
        }
        request.clauses.iter().for_each(|c| self.clause(c));
    }

    fn clause(&mut self, clause: &'a RequestClause) {
        match &clause.kind {
            ClauseKind::Header { name, value } => {
                self.string(name);
                self.expr(value);
            }
            ClauseKind::Query { value, .. } => self.expr(value),
            ClauseKind::Json(e) | ClauseKind::Form(e) | ClauseKind::Body(e) => self.expr(e),
            ClauseKind::Timeout(e) => self.expr(e),
            ClauseKind::Multipart(parts) => {
                for part in parts {
                    if let PartValue::Text(e) = &part.value {
                        self.expr(e);
                    }
                }
            }
            ClauseKind::Auth(Auth::Bearer(e)) => self.expr(e),
            ClauseKind::Auth(Auth::Basic { user, password }) => {
                self.expr(user);
                self.expr(password);
            }
            ClauseKind::Retry {
                times,
                every,
                until,
            } => {
                self.expr(times);
                if let Some(every) = every {
                    self.expr(every);
                }
                self.expr(until);
            }
        }
    }

    /// A step call: its words are a function and its literal arguments parameters when it
    /// binds to a step; names in computed arguments are coloured as everywhere else.
    fn call(&mut self, call: &'a StepCall) {
        let bound = matches!(
            symbols::bind_in(self.loaded, &self.steps, call).binding,
            Binding::Bound { .. }
        );
        for part in &call.parts {
            match part {
                CallPart::Word { span, .. } if bound => self.push(*span, FUNCTION, 0),
                CallPart::Word { .. } => {}
                CallPart::Arg(arg) if bound && literal(arg) => self.push(arg.span, PARAMETER, 0),
                CallPart::Arg(arg) => self.expr(arg),
            }
        }
    }

    fn string(&mut self, string: &'a StringLit) {
        self.template(&string.parts);
    }

    fn template(&mut self, parts: &'a [TemplatePart]) {
        for part in parts {
            if let TemplatePart::Expr(e) = part {
                self.expr(e);
            }
        }
    }

    fn expr(&mut self, expr: &'a Expr) {
        match &expr.kind {
            ExprKind::Name(name) => {
                if let Some(token) = self.resolve(name) {
                    self.push(expr.span, token, 0);
                }
            }
            ExprKind::String(s) | ExprKind::Header(s) => self.string(s),
            ExprKind::List(items) => items.iter().for_each(|e| self.expr(e)),
            ExprKind::Object(entries) => {
                for entry in entries {
                    self.push(entry.key.span, PROPERTY, 0);
                    self.expr(&entry.value);
                }
            }
            ExprKind::Field { base, field } => {
                self.expr(base);
                self.push(field.span, PROPERTY, 0);
            }
            ExprKind::Index { base, index } => {
                self.expr(base);
                self.expr(index);
            }
            ExprKind::Call { callee, args } => {
                match &callee.kind {
                    ExprKind::Name(name) if self.resolve(name).is_none() => {
                        self.push(callee.span, FUNCTION, LIBRARY);
                    }
                    _ => self.expr(callee),
                }
                args.iter().for_each(|a| self.expr(a));
            }
            ExprKind::Unary { operand, .. } => self.expr(operand),
            ExprKind::Binary { lhs, rhs, .. } => {
                self.expr(lhs);
                self.expr(rhs);
            }
            ExprKind::Exists(e) | ExprKind::Absent(e) => self.expr(e),
            ExprKind::Quantifier {
                var,
                collection,
                predicate,
                ..
            } => {
                self.push(var.span, VARIABLE, DECLARATION);
                self.expr(collection);
                self.locals.push((&var.name, VARIABLE));
                self.expr(predicate);
                self.locals.pop();
            }
            ExprKind::Number(_)
            | ExprKind::Regex(_)
            | ExprKind::Bool(_)
            | ExprKind::Null
            | ExprKind::Error => {}
        }
    }

    fn ty(&mut self, ty: &'a TypeExpr) {
        match &ty.kind {
            TypeKind::Named(name) => match self.globals.get(name.name.as_str()) {
                Some(&token) if token == TYPE => self.push(name.span, TYPE, 0),
                _ if PRIMITIVES.contains(&name.name.as_str()) => {
                    self.push(name.span, TYPE, LIBRARY);
                }
                _ => {}
            },
            TypeKind::List(element) => self.ty(element),
            TypeKind::Record { fields, .. } => {
                for field in fields {
                    self.push(field.name.span, PROPERTY, DECLARATION);
                    self.ty(&field.ty);
                }
            }
            TypeKind::Union(members) => members.iter().for_each(|m| self.ty(m)),
            TypeKind::Refined { base, .. } => self.ty(base),
            TypeKind::Literal(_) => {}
        }
    }
}

/// Whether an argument is a literal value (no name in it): `"alice"`, `2`, `[1, 2]`, `{a: 1}`.
fn literal(expr: &Expr) -> bool {
    match &expr.kind {
        ExprKind::Number(_) | ExprKind::Bool(_) | ExprKind::Null | ExprKind::Regex(_) => true,
        ExprKind::String(s) => s.parts.iter().all(|p| matches!(p, TemplatePart::Text(_))),
        ExprKind::List(items) => items.iter().all(literal),
        ExprKind::Object(entries) => entries.iter().all(|e| literal(&e.value)),
        ExprKind::Unary {
            op: UnaryOp::Neg,
            operand,
        } => literal(operand),
        _ => false,
    }
}

/// The tokens as relative five-tuples (line delta, start delta, length, type, modifiers), in
/// UTF-16 units; a token over several lines is cut at each line end, and one overlapping the
/// token before it is dropped.
fn encode(text: &str, mut found: Vec<(Span, Token)>) -> Vec<u32> {
    found.sort_by_key(|(span, _)| (span.range().start, span.range().end));
    let positions = Positions::new(text);
    let mut data = Vec::new();
    let (mut last_line, mut last_start, mut last_end) = (0, 0, 0);
    for (span, (kind, modifiers)) in found {
        let range = span.range();
        if range.start < last_end || range.end > text.len() {
            continue;
        }
        last_end = range.end;
        let mut start = range.start;
        for piece in text[range].split('\n') {
            let length: usize = piece.chars().map(char::len_utf16).sum();
            let (line, character) = positions.line_character(start);
            start += piece.len() + 1;
            if length == 0 {
                continue;
            }
            let delta = if line == last_line {
                character - last_start
            } else {
                character
            };
            data.extend([
                (line - last_line) as u32,
                delta as u32,
                length as u32,
                kind,
                modifiers,
            ]);
            (last_line, last_start) = (line, character);
        }
    }
    data
}
