//! The names a block binds (captures, named responses, examples columns, step parameters, an
//! evaluation's row, scores, quantifier variables) and the declared shape of a value, so that
//! completion, hover, definition and semantic tokens agree on what a name or a field is.
//!
//! Shapes come from the types as written (`-> Order`, `{qty: int}`, a dataset's columns, a
//! step's `-> T`), followed through named types, refinements and `T | null`. The checker's
//! own inferred types are private to it; the declared ones are what a user reads and
//! navigates, and where nothing is declared (a `json` body, an object literal, a union of
//! records) the server knows nothing and says nothing, rather than guess.

use crate::symbols;
use intent_check::{Loaded, StepIndex};
use intent_source::{FileId, Span};
use intent_syntax::ast::{
    Expr, ExprKind, Field, GivenValue, Item, LiteralType, PatternPart, Statement, TypeDef,
    TypeExpr, TypeKind, WhenAction,
};

/// How deep named types and lets are followed (a cycle is the checker's error, not a hang).
const DEPTH: usize = 32;

/// What a value looks like, as declared, with the file the declaration is written in.
#[derive(Clone, Copy)]
pub enum Shape<'a> {
    Type(FileId, &'a TypeExpr),
    /// An evaluation's row: the columns of its dataset.
    Columns(FileId, &'a [Field]),
    /// A response named with `as`: its fields are the response fields, its `body` the declared
    /// type (if any).
    Response(Option<(FileId, &'a TypeExpr)>),
}

/// What a field of a shape is: a declared field (a record's or a dataset column) or one of
/// the fields every response has.
#[derive(Clone, Copy)]
pub enum Member<'a> {
    Declared(FileId, &'a Field),
    Response(&'static str, &'static str),
}

/// The fields of every response and their types (`body`'s is the declared one, else `json`).
const RESPONSE: [(&str, &str); 5] = [
    ("status", "int"),
    ("headers", "object"),
    ("body", "json"),
    ("duration", "duration"),
    ("size", "size"),
];

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Kind {
    Capture,
    Response,
    Column,
    Parameter,
    Row,
    Score,
    Quantified,
}

impl Kind {
    pub fn noun(self) -> &'static str {
        match self {
            Kind::Capture => "capture",
            Kind::Response => "named response",
            Kind::Column => "examples column",
            Kind::Parameter => "step parameter",
            Kind::Row => "evaluation row",
            Kind::Score => "score",
            Kind::Quantified => "quantifier variable",
        }
    }
}

/// A name bound in a block, where it is bound and what its value looks like.
#[derive(Clone, Copy)]
pub struct Local<'a> {
    pub name: &'a str,
    pub file: FileId,
    pub span: Span,
    pub kind: Kind,
    pub shape: Option<Shape<'a>>,
}

/// The names visible at a place of a block, and what `body` is there.
#[derive(Default)]
pub struct Scope<'a> {
    pub locals: Vec<Local<'a>>,
    /// The declared type of the latest response; `None` before any request, after one that
    /// declares none, or after a step call (whose last response's type is not declared).
    pub body: Option<Shape<'a>>,
}

impl<'a> Scope<'a> {
    /// The latest binding of `name`.
    pub fn find(&self, name: &str) -> Option<&Local<'a>> {
        self.locals.iter().rev().find(|l| l.name == name)
    }
}

/// A path read as `head.field[i].field`.
pub struct Path<'t> {
    pub head: &'t str,
    pub steps: Vec<Step<'t>>,
}

pub enum Step<'t> {
    Field(&'t str),
    Element,
}

/// The item of `items` whose text holds the offset.
pub fn item_at(items: &[Item], offset: usize) -> Option<&Item> {
    items.iter().find(|i| i.span().range().contains(&offset))
}

/// The names bound in `item` (of `file`) by its header and by the statements that start
/// before `until`; with `until` at the end of the item, every name of the block.
pub fn scope<'a>(loaded: &'a Loaded, file: FileId, item: &'a Item, until: usize) -> Scope<'a> {
    let mut scope = Scope::default();
    let block = match item {
        Item::Step(def) => {
            for part in &def.pattern.parts {
                if let PatternPart::Param { name, ty, .. } = part {
                    scope.locals.push(local(
                        file,
                        name,
                        Kind::Parameter,
                        Some(Shape::Type(file, ty)),
                    ));
                }
            }
            &def.body
        }
        Item::Evaluate(e) => {
            let columns = symbols::visible(loaded).into_iter().find_map(|f| {
                loaded.files[f.0 as usize]
                    .syntax
                    .items
                    .iter()
                    .find_map(|i| match i {
                        Item::Dataset(d) if d.name.name == e.dataset.name => {
                            Some(Shape::Columns(f, &d.columns[..]))
                        }
                        _ => None,
                    })
            });
            scope.locals.push(local(file, &e.row, Kind::Row, columns));
            &e.body
        }
        Item::Intent(i) => &i.body,
        Item::Load(l) => &l.body,
        Item::Policy(p) => &p.body,
        Item::Monitor(m) => &m.body,
        _ => return scope,
    };
    // Indexed on the first capture of a step's result, once for the whole block.
    let mut steps = None;
    for statement in block
        .statements
        .iter()
        .take_while(|s| s.span().range().start < until)
    {
        match statement {
            Statement::Examples(examples) => {
                for column in &examples.columns {
                    scope.locals.push(local(file, column, Kind::Column, None));
                }
            }
            Statement::Given(given) => {
                let shape = match &given.value {
                    GivenValue::Call(call) => {
                        let steps = steps.get_or_insert_with(|| StepIndex::new(loaded));
                        symbols::bind_in(loaded, steps, call)
                            .definition
                            .and_then(|(f, def)| def.returns.as_ref().map(|t| Shape::Type(f, t)))
                    }
                    GivenValue::Expr(expr) => {
                        path_of_expr(expr).and_then(|p| shape_of(loaded, &scope, &p, 0))
                    }
                };
                if let Some(name) = &given.name {
                    scope.locals.push(local(file, name, Kind::Capture, shape));
                }
            }
            Statement::When(when) => match &when.action {
                WhenAction::Request(request) => {
                    let returns = request.returns.as_ref().map(|t| (file, t));
                    if let Some(name) = &request.name {
                        let shape = Some(Shape::Response(returns));
                        scope.locals.push(local(file, name, Kind::Response, shape));
                    }
                    scope.body = returns.map(|(f, t)| Shape::Type(f, t));
                }
                WhenAction::Call(_) => scope.body = None,
            },
            Statement::Score(score) => {
                scope
                    .locals
                    .push(local(file, &score.name, Kind::Score, None))
            }
            _ => {}
        }
    }
    scope
}

fn local<'a>(
    file: FileId,
    name: &'a intent_syntax::ast::Ident,
    kind: Kind,
    shape: Option<Shape<'a>>,
) -> Local<'a> {
    Local {
        name: &name.name,
        file,
        span: name.span,
        kind,
        shape,
    }
}

/// Adds the quantifier variables of the line before `offset` (`every line in body.items has
/// line.`), read from the text: the line being typed is rarely valid yet.
pub fn quantified<'a>(loaded: &'a Loaded, scope: &mut Scope<'a>, text: &'a str, offset: usize) {
    let start = text[..offset].rfind('\n').map_or(0, |i| i + 1);
    let line = &text[start..offset];
    let words: Vec<(usize, &str)> = line
        .split_whitespace()
        .map(|w| (w.as_ptr() as usize - text.as_ptr() as usize, w))
        .collect();
    for window in words.windows(5) {
        let [
            (_, quantifier),
            (at, var),
            (_, "in"),
            (path_at, path),
            (_, "has"),
        ] = window
        else {
            continue;
        };
        if !matches!(*quantifier, "every" | "some") {
            continue;
        }
        let shape = path_before(text, path_at + path.len())
            .and_then(|p| shape_of(loaded, scope, &p, 0))
            .and_then(|s| element(loaded, s));
        let span = Span::new(*at, at + var.len());
        scope.locals.push(Local {
            name: var,
            file: symbols::DOCUMENT,
            span,
            kind: Kind::Quantified,
            shape,
        });
    }
}

/// A name, field or index expression as a path.
pub fn path_of_expr(expr: &Expr) -> Option<Path<'_>> {
    match &expr.kind {
        ExprKind::Name(name) => Some(Path {
            head: name,
            steps: Vec::new(),
        }),
        ExprKind::Field { base, field } => {
            let mut path = path_of_expr(base)?;
            path.steps.push(Step::Field(&field.name));
            Some(path)
        }
        ExprKind::Index { base, .. } => {
            let mut path = path_of_expr(base)?;
            path.steps.push(Step::Element);
            Some(path)
        }
        _ => None,
    }
}

/// The path written just before `end` (`body.items[0]` in `then body.items[0].`); `None`
/// when what ends there is not a path starting with a name.
pub fn path_before(text: &str, end: usize) -> Option<Path<'_>> {
    let is_word = |c: char| c.is_ascii_alphanumeric() || c == '_';
    let mut steps = Vec::new();
    let mut at = end;
    loop {
        let before = text.get(..at)?;
        if before.ends_with(']') {
            let mut depth = 0;
            let open = before.char_indices().rev().find_map(|(i, c)| {
                match c {
                    ']' => depth += 1,
                    '[' => depth -= 1,
                    '\n' => return Some(None),
                    _ => {}
                }
                (depth == 0).then_some(Some(i))
            })??;
            steps.push(Step::Element);
            at = open;
            continue;
        }
        let start = before.len() - before.chars().rev().take_while(|&c| is_word(c)).count();
        let word = &before[start..];
        if word.is_empty() {
            return None;
        }
        if before[..start].ends_with('.') {
            steps.push(Step::Field(word));
            at = start - 1;
        } else if word.starts_with(|c: char| c.is_ascii_digit()) {
            return None;
        } else {
            steps.reverse();
            return Some(Path { head: word, steps });
        }
    }
}

/// The shape of a path's value: its head is a local, `body` or a `let`.
pub fn shape_of<'a>(
    loaded: &'a Loaded,
    scope: &Scope<'a>,
    path: &Path<'_>,
    depth: usize,
) -> Option<Shape<'a>> {
    if depth > DEPTH {
        return None;
    }
    let mut shape = match scope.find(path.head) {
        Some(local) => local.shape?,
        None if path.head == "body" => scope.body?,
        None => {
            let let_value = symbols::visible(loaded).into_iter().find_map(|f| {
                loaded.files[f.0 as usize]
                    .syntax
                    .items
                    .iter()
                    .find_map(|i| match i {
                        Item::Let(l) if l.name.name == path.head => Some(&l.value),
                        _ => None,
                    })
            })?;
            let value = path_of_expr(let_value)?;
            shape_of(loaded, &Scope::default(), &value, depth + 1)?
        }
    };
    for step in &path.steps {
        shape = match step {
            Step::Field(name) => member(loaded, shape, name)?.1?,
            Step::Element => element(loaded, shape)?,
        };
    }
    Some(shape)
}

/// The type definition named `name` in the spec set (type names are unique across it).
pub fn type_def<'a>(loaded: &'a Loaded, name: &str) -> Option<(FileId, &'a TypeDef)> {
    loaded.files.iter().find_map(|f| {
        f.syntax.items.iter().find_map(|i| match i {
            Item::Type(def) if def.name.name == name => Some((f.id, def)),
            _ => None,
        })
    })
}

/// A type with named types, refinements and `| null` taken off, down to a record or a list.
fn resolve<'a>(
    loaded: &'a Loaded,
    file: FileId,
    ty: &'a TypeExpr,
) -> Option<(FileId, &'a TypeExpr)> {
    let (mut file, mut ty) = (file, ty);
    for _ in 0..DEPTH {
        match &ty.kind {
            TypeKind::Named(name) => {
                (file, ty) = type_def(loaded, &name.name).map(|(f, d)| (f, &d.ty))?
            }
            TypeKind::Refined { base, .. } => ty = base,
            TypeKind::Union(members) => {
                let mut not_null = members.iter().filter(|m| {
                    !matches!(&m.kind, TypeKind::Literal(LiteralType::Null))
                        && !matches!(&m.kind, TypeKind::Named(n) if n.name == "null")
                });
                ty = not_null.next()?;
                if not_null.next().is_some() {
                    return None;
                }
            }
            TypeKind::Record { .. } | TypeKind::List(_) => return Some((file, ty)),
            TypeKind::Literal(_) => return None,
        }
    }
    None
}

/// The fields of a shape; empty when it has none that are known.
pub fn members<'a>(loaded: &'a Loaded, shape: Shape<'a>) -> Vec<Member<'a>> {
    match shape {
        Shape::Columns(file, columns) => {
            columns.iter().map(|c| Member::Declared(file, c)).collect()
        }
        Shape::Response(_) => RESPONSE
            .iter()
            .map(|&(name, ty)| Member::Response(name, ty))
            .collect(),
        Shape::Type(file, ty) => match resolve(loaded, file, ty) {
            Some((
                file,
                TypeExpr {
                    kind: TypeKind::Record { fields, .. },
                    ..
                },
            )) => fields.iter().map(|f| Member::Declared(file, f)).collect(),
            _ => Vec::new(),
        },
    }
}

/// The field `name` of a shape, with the shape of its value when that is declared.
pub fn member<'a>(
    loaded: &'a Loaded,
    shape: Shape<'a>,
    name: &str,
) -> Option<(Member<'a>, Option<Shape<'a>>)> {
    let found = members(loaded, shape)
        .into_iter()
        .find(|m| m.name() == name)?;
    let value = match (found, shape) {
        (Member::Declared(file, field), _) => Some(Shape::Type(file, &field.ty)),
        (Member::Response("body", _), Shape::Response(body)) => {
            body.map(|(f, t)| Shape::Type(f, t))
        }
        (Member::Response(..), _) => None,
    };
    Some((found, value))
}

/// The shape of a list's elements.
pub fn element<'a>(loaded: &'a Loaded, shape: Shape<'a>) -> Option<Shape<'a>> {
    let Shape::Type(file, ty) = shape else {
        return None;
    };
    match resolve(loaded, file, ty)? {
        (
            file,
            TypeExpr {
                kind: TypeKind::List(element),
                ..
            },
        ) => Some(Shape::Type(file, element)),
        _ => None,
    }
}

impl<'a> Member<'a> {
    pub fn name(&self) -> &'a str {
        match self {
            Member::Declared(_, field) => &field.name.name,
            Member::Response(name, _) => name,
        }
    }

    /// The member's type as written (`decimal >= 0`), `, optional` when it may be missing.
    pub fn detail(&self, loaded: &Loaded, shape: Shape<'_>) -> String {
        match (self, shape) {
            (Member::Declared(file, field), _) => {
                let ty = loaded.sources.get(*file).slice(field.ty.span).trim();
                if field.optional {
                    format!("{ty}, optional")
                } else {
                    ty.to_string()
                }
            }
            (Member::Response("body", _), Shape::Response(Some((file, ty)))) => {
                loaded.sources.get(file).slice(ty.span).trim().to_string()
            }
            (Member::Response(_, ty), _) => ty.to_string(),
        }
    }
}

/// A shape as a type, for hover: the declared type's text, or the row of a dataset.
pub fn describe(loaded: &Loaded, shape: Shape<'_>) -> String {
    match shape {
        Shape::Type(file, ty) => loaded.sources.get(file).slice(ty.span).trim().to_string(),
        Shape::Columns(file, columns) => {
            let columns: Vec<&str> = columns
                .iter()
                .map(|c| loaded.sources.get(file).slice(c.span).trim())
                .collect();
            format!("{{ {} }}", columns.join(", "))
        }
        Shape::Response(Some((file, ty))) => {
            format!(
                "response, body {}",
                loaded.sources.get(file).slice(ty.span).trim()
            )
        }
        Shape::Response(None) => "response, body json".to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::{Step, path_before};

    /// The path before an offset, as `head` and its steps (`.field`, `[]`).
    fn read(text: &str, end: usize) -> Option<String> {
        let path = path_before(text, end)?;
        let steps: String = path
            .steps
            .iter()
            .map(|s| match s {
                Step::Field(f) => format!(".{f}"),
                Step::Element => "[]".to_string(),
            })
            .collect();
        Some(format!("{}{steps}", path.head))
    }

    #[test]
    fn paths_are_read_back_from_where_they_end() {
        let text = "then body.items[len(x[0])].sku == 2 and 19.5";
        assert_eq!(read(text, 9).as_deref(), Some("body"));
        assert_eq!(read(text, 26).as_deref(), Some("body.items[]"));
        assert_eq!(read(text, 30).as_deref(), Some("body.items[].sku"));
        assert_eq!(read(text, 42), None, "a number is no path");
        assert_eq!(read(text, 31), None, "a space ends no path");
        assert_eq!(read("x]", 2), None, "a bracket that opens nowhere");
        assert_eq!(read("[\n0]", 4), None, "nor on another line");
    }
}
