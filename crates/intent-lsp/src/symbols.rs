//! What the cursor is on: a step call (bound to its step as the checker binds it) or a name
//! declared by an item of the document or of a file it imports. Hover and go to definition both
//! start here, so they always agree on what a place means.
//!
//! A name is matched as a word: the word under the cursor is looked up among the targets,
//! types, lets, secrets and datasets visible from the document (its own first, then its imports
//! in the order they are loaded). The checker does not keep where each use of a name resolved
//! to, and the top-level names of a spec set are unique (`E1001`), so the word is enough; a
//! local name (`given cart = ...`) that happens to equal a declared one is taken for it.

use intent_check::{Binding, Loaded, StepIndex};
use intent_source::FileId;
use intent_syntax::ast::{
    Block, GivenValue, Ident, Item, Statement, StepCall, StepDef, WhenAction,
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
}

/// What is at a byte offset of the document; `None` on anything else (keywords, literals,
/// blank space, an offset past the end).
pub fn at(loaded: &Loaded, offset: usize) -> Option<Found<'_>> {
    let document = loaded.files.first()?;
    if let Some(call) = calls(&document.syntax.items).find(|c| c.span.range().contains(&offset)) {
        return Some(Found::Call(bind(loaded, call)));
    }
    let text = loaded.sources.get(DOCUMENT).text();
    let word = word_at(text, offset)?;
    declaration(loaded, word).map(Found::Declared)
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
    let mut seen = vec![DOCUMENT];
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
fn calls(items: &[Item]) -> impl Iterator<Item = &StepCall> {
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

fn body(item: &Item) -> Option<&Block> {
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
fn bind<'a>(loaded: &'a Loaded, call: &'a StepCall) -> Call<'a> {
    let binding = StepIndex::new(loaded).bind(call);
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

/// The word (letters, digits, `_`) that holds the offset or ends at it, so that a cursor just
/// after a name still finds it.
fn word_at(text: &str, offset: usize) -> Option<&str> {
    word_range(text, offset).map(|range| &text[range])
}

/// The byte range of [`word_at`]'s word.
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
    use super::word_at;

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
