//! What the cursor is on: a step call (bound to its step as the checker binds it), the method
//! of a request, a field after a `.`, a name bound in the block (a capture, a named response,
//! an examples column, a step parameter, an evaluation's row, a score, a quantifier variable)
//! or a name declared by an item of the document or of a file it imports. Hover, go to
//! definition and references all start here, so they always agree on what a place means.
//!
//! A name is matched as a word: the word under the cursor is looked up first among the names
//! the block binds before it ([`scope`]), then among the targets, types, lets, secrets and
//! datasets visible from the document (its own first, then its imports in the order they are
//! loaded). The checker does not keep where each use of a name resolved to, and the top-level
//! names of a spec set are unique (`E1001`), so the word is enough. A word after a `.` is a
//! field of the value before it, found in that value's declared type, and never a declared
//! name.

use crate::scope::{self, Local, Member, Shape};
use intent_check::{Binding, Loaded, StepIndex};
use intent_source::FileId;
use intent_syntax::ast::{
    Block, GivenValue, Ident, Item, Request, Statement, StepCall, StepDef, When, WhenAction,
};

/// The document is always the first file of its check.
pub const DOCUMENT: FileId = FileId(0);

/// An item that declares a name, with the file it is in.
pub struct Declaration<'a> {
    pub file: FileId,
    pub item: &'a Item,
    pub name: &'a Ident,
}

/// What a step call binds to; `definition` is the bound step, when there is one.
pub struct Call<'a> {
    pub binding: Binding,
    pub definition: Option<(FileId, &'a StepDef)>,
}

pub enum Found<'a> {
    Declared(Declaration<'a>),
    Call(Call<'a>),
    Local(Local<'a>),
    /// A field of the value before the `.`, with that value's shape.
    Member(Member<'a>, Shape<'a>),
    /// The method of a request (`GET` in `when GET shop /x -> Order`).
    Request(&'a Request),
}

/// What is at a byte offset of the document; `None` on anything else (keywords, literals,
/// blank space, an offset past the end).
pub fn at(loaded: &Loaded, offset: usize) -> Option<Found<'_>> {
    let document = loaded.files.first()?;
    if let Some(call) = calls(&document.syntax.items).find(|c| c.span.range().contains(&offset)) {
        return Some(Found::Call(bind(loaded, call)));
    }
    let item = scope::item_at(&document.syntax.items, offset);
    if let Some(request) =
        item.and_then(|i| requests(i).find(|r| r.method.span.range().contains(&offset)))
    {
        return Some(Found::Request(request));
    }
    let text = loaded.sources.get(DOCUMENT).text();
    let range = word_range(text, offset)?;
    let word = &text[range.clone()];
    let line_end = text[range.end..]
        .find('\n')
        .map_or(text.len(), |i| range.end + i);
    let mut scope = item.map_or_else(Default::default, |i| {
        scope::scope(loaded, DOCUMENT, i, offset)
    });
    scope::quantified(loaded, &mut scope, text, line_end);
    if text[..range.start].ends_with('.') {
        let path = scope::path_before(text, range.start - 1)?;
        let shape = scope::shape_of(loaded, &scope, &path, 0)?;
        let (member, _) = scope::member(loaded, shape, word)?;
        return Some(Found::Member(member, shape));
    }
    if let Some(local) = scope.find(word) {
        return Some(Found::Local(*local));
    }
    declaration(loaded, word).map(Found::Declared)
}

/// The requests of an item's block.
fn requests(item: &Item) -> impl Iterator<Item = &Request> {
    body(item)
        .into_iter()
        .flat_map(|block| &block.statements)
        .filter_map(|statement| match statement {
            Statement::When(When {
                action: WhenAction::Request(request),
                ..
            }) => Some(request),
            _ => None,
        })
}

/// The declaration of `name` visible from the document.
fn declaration<'a>(loaded: &'a Loaded, name: &str) -> Option<Declaration<'a>> {
    visible(loaded).into_iter().find_map(|file| {
        loaded.files[file.0 as usize]
            .syntax
            .items
            .iter()
            .find_map(|item| {
                let declared = declared_name(item)?;
                (declared.name == name).then_some(Declaration {
                    file,
                    item,
                    name: declared,
                })
            })
    })
}

/// The name an item declares, if it declares one.
pub fn declared_name(item: &Item) -> Option<&Ident> {
    match item {
        Item::Target(t) => Some(&t.name),
        Item::Let(l) => Some(&l.name),
        Item::Secret(s) => Some(&s.name),
        Item::Type(t) => Some(&t.name),
        Item::Dataset(d) => Some(&d.name),
        _ => None,
    }
}

/// The document and every file it imports, directly or not, the document first.
pub fn visible(loaded: &Loaded) -> Vec<FileId> {
    visible_from(loaded, DOCUMENT)
}

/// A file and every file it imports, directly or not, that file first.
pub fn visible_from(loaded: &Loaded, file: FileId) -> Vec<FileId> {
    let mut seen = vec![file];
    let mut next = 0;
    while let Some(&file) = seen.get(next) {
        next += 1;
        let Some(loaded_file) = loaded.files.get(file.0 as usize) else {
            continue;
        };
        for &import in &loaded_file.imports {
            if !seen.contains(&import) {
                seen.push(import);
            }
        }
    }
    seen
}

/// The step calls of a file's blocks (`given ...`, `when ...`).
pub fn calls(items: &[Item]) -> impl Iterator<Item = &StepCall> {
    items
        .iter()
        .filter_map(body)
        .flat_map(|block| &block.statements)
        .filter_map(|statement| match statement {
            Statement::Given(given) => match &given.value {
                GivenValue::Call(call) => Some(call),
                GivenValue::Expr(_) => None,
            },
            Statement::When(when) => match &when.action {
                WhenAction::Call(call) => Some(call),
                WhenAction::Request(_) => None,
            },
            _ => None,
        })
}

pub fn body(item: &Item) -> Option<&Block> {
    match item {
        Item::Step(i) => Some(&i.body),
        Item::Intent(i) => Some(&i.body),
        Item::Evaluate(i) => Some(&i.body),
        Item::Load(i) => Some(&i.body),
        Item::Policy(i) => Some(&i.body),
        Item::Monitor(i) => Some(&i.body),
        _ => None,
    }
}

/// A call bound as `intent check` binds it, with the step definition it is bound to.
pub fn bind<'a>(loaded: &'a Loaded, call: &StepCall) -> Call<'a> {
    bind_in(loaded, &StepIndex::new(loaded), call)
}

/// [`bind`] with the steps already indexed, for a walk over many calls.
pub fn bind_in<'a>(loaded: &'a Loaded, index: &StepIndex, call: &StepCall) -> Call<'a> {
    let binding = index.bind(call);
    let definition = match &binding {
        Binding::Bound { pattern, file } => loaded.files.iter().find_map(|f| {
            (f.path == *file)
                .then(|| {
                    f.syntax.items.iter().find_map(|item| match item {
                        Item::Step(def) if StepIndex::pattern(def) == *pattern => Some((f.id, def)),
                        _ => None,
                    })
                })
                .flatten()
        }),
        _ => None,
    };
    Call {
        binding,
        definition,
    }
}

/// The byte range of the word (letters, digits, `_`) that holds the offset or ends at it, so
/// that a cursor just after a name still finds it.
pub fn word_range(text: &str, offset: usize) -> Option<std::ops::Range<usize>> {
    let is_word = |c: char| c.is_alphanumeric() || c == '_';
    let offset = offset.min(text.len());
    if !text.is_char_boundary(offset) {
        return None;
    }
    let start = text[..offset]
        .char_indices()
        .rev()
        .take_while(|&(_, c)| is_word(c))
        .last()
        .map_or(offset, |(i, _)| i);
    let end = text[offset..]
        .char_indices()
        .find(|&(_, c)| !is_word(c))
        .map_or(text.len(), |(i, _)| offset + i);
    let word = &text[start..end];
    (!word.is_empty() && !word.starts_with(|c: char| c.is_ascii_digit())).then_some(start..end)
}

#[cfg(test)]
mod tests {
    use super::word_range;

    fn word_at(text: &str, offset: usize) -> Option<&str> {
        word_range(text, offset).map(|range| &text[range])
    }

    #[test]
    fn the_word_under_or_just_before_the_cursor() {
        let text = "then cart.total == 12ms";
        assert_eq!(word_at(text, 5), Some("cart"));
        assert_eq!(word_at(text, 9), Some("cart"), "just after it");
        assert_eq!(word_at(text, 10), Some("total"));
        assert_eq!(word_at(text, 20), None, "a number is no name");
        assert_eq!(word_at(text, 999), None);
        assert_eq!(word_at("é", 1), None, "inside a character");
    }
}
