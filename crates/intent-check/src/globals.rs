//! Global definitions: targets, lets, secrets, datasets (one namespace of values) and types,
//! across every loaded file, with which files see which.

use crate::Loaded;
use intent_ir::Type;
use intent_source::{Diagnostic, FileId, Span, code};
use intent_syntax::ast::{self, Item};
use std::collections::{BTreeMap, BTreeSet};

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum ValueKind {
    Target,
    Let,
    Secret,
    Dataset,
}

impl ValueKind {
    /// How to declare one, for the help of an unknown name.
    pub fn declaration(self) -> &'static str {
        match self {
            ValueKind::Target => "declare it with `target NAME = \"http://…\"`",
            ValueKind::Let => "declare it with `let NAME = VALUE`",
            ValueKind::Secret => "declare it with `secret NAME = env(\"VAR\")`",
            ValueKind::Dataset => {
                "declare it with `dataset NAME = \"data.jsonl\" { column: type }`"
            }
        }
    }

    pub fn noun(self) -> &'static str {
        match self {
            ValueKind::Target => "target",
            ValueKind::Let => "let",
            ValueKind::Secret => "secret",
            ValueKind::Dataset => "dataset",
        }
    }
}

#[derive(Clone, Copy, Debug)]
pub(crate) struct ValueDef {
    pub kind: ValueKind,
    pub file: FileId,
    pub span: Span,
}

#[derive(Clone, Copy, Debug)]
pub(crate) struct TypeDefRef<'a> {
    pub file: FileId,
    pub def: &'a ast::TypeDef,
}

pub(crate) struct Globals<'a> {
    pub values: BTreeMap<String, ValueDef>,
    pub types: BTreeMap<String, TypeDefRef<'a>>,
    /// For each file, the files whose definitions it sees: itself and what it imports,
    /// directly or not.
    visible: Vec<BTreeSet<FileId>>,
    /// Files with imports before importers, the order lets are evaluated in.
    pub order: Vec<FileId>,
}

impl<'a> Globals<'a> {
    pub fn collect(loaded: &'a Loaded, diagnostics: &mut Vec<Diagnostic>) -> Self {
        let mut globals = Globals {
            values: BTreeMap::new(),
            types: BTreeMap::new(),
            visible: Vec::new(),
            order: Vec::new(),
        };
        globals.order = import_order(loaded);
        globals.visible = loaded
            .files
            .iter()
            .map(|f| {
                let mut seen = BTreeSet::new();
                let mut stack = vec![f.id];
                while let Some(id) = stack.pop() {
                    if seen.insert(id) {
                        stack.extend(loaded.file(id).imports.iter().copied());
                    }
                }
                seen
            })
            .collect();
        for file in globals.order.clone() {
            for item in &loaded.file(file).syntax.items {
                let (kind, name) = match item {
                    Item::Target(t) => (ValueKind::Target, &t.name),
                    Item::Let(l) => (ValueKind::Let, &l.name),
                    Item::Secret(s) => (ValueKind::Secret, &s.name),
                    Item::Dataset(d) => (ValueKind::Dataset, &d.name),
                    Item::Type(t) => {
                        globals.add_type(file, t, diagnostics);
                        continue;
                    }
                    _ => continue,
                };
                globals.add_value(kind, file, name, diagnostics);
            }
        }
        globals
    }

    fn add_value(
        &mut self,
        kind: ValueKind,
        file: FileId,
        name: &ast::Ident,
        diagnostics: &mut Vec<Diagnostic>,
    ) {
        if let Some(first) = self.values.get(&name.name) {
            diagnostics.push(
                Diagnostic::new(
                    code::DUPLICATE_DEFINITION,
                    format!("`{}` is defined twice", name.name),
                    file,
                    name.span,
                )
                .with_label(format!("this {} named `{}`", kind.noun(), name.name))
                .with_secondary(
                    first.file,
                    first.span,
                    format!("first defined here as a {}", first.kind.noun()),
                )
                .with_help(
                    "targets, lets, secrets and datasets share one namespace; rename one of them",
                ),
            );
            return;
        }
        self.values.insert(
            name.name.clone(),
            ValueDef {
                kind,
                file,
                span: name.span,
            },
        );
    }

    fn add_type(&mut self, file: FileId, def: &'a ast::TypeDef, diagnostics: &mut Vec<Diagnostic>) {
        let name = &def.name;
        if Type::primitive(&name.name).is_some() {
            diagnostics.push(
                Diagnostic::new(
                    code::SHADOWED_NAME,
                    format!("`{}` is a built-in type and cannot be redefined", name.name),
                    file,
                    name.span,
                )
                .with_label("built-in type name")
                .with_help("choose another name, for example a capitalised one"),
            );
            return;
        }
        if let Some(first) = self.types.get(&name.name) {
            diagnostics.push(
                Diagnostic::new(
                    code::DUPLICATE_DEFINITION,
                    format!("the type `{}` is defined twice", name.name),
                    file,
                    name.span,
                )
                .with_label("defined again here")
                .with_secondary(first.file, first.def.name.span, "first defined here")
                .with_help("rename one of them or remove the copy"),
            );
            return;
        }
        self.types
            .insert(name.name.clone(), TypeDefRef { file, def });
    }

    /// Whether code in `from` sees definitions made in `defined_in`.
    pub fn sees(&self, from: FileId, defined_in: FileId) -> bool {
        self.visible
            .get(from.0 as usize)
            .is_some_and(|v| v.contains(&defined_in))
    }

    /// Value names visible from a file, for "did you mean".
    pub fn visible_values(&self, from: FileId) -> impl Iterator<Item = &str> {
        self.values
            .iter()
            .filter(move |(_, d)| self.sees(from, d.file))
            .map(|(n, _)| n.as_str())
    }

    pub fn visible_types(&self, from: FileId) -> impl Iterator<Item = &str> {
        self.types
            .iter()
            .filter(move |(_, d)| self.sees(from, d.file))
            .map(|(n, _)| n.as_str())
    }
}

/// Post-order over imports: a file comes after everything it imports.
fn import_order(loaded: &Loaded) -> Vec<FileId> {
    fn visit(loaded: &Loaded, id: FileId, seen: &mut BTreeSet<FileId>, out: &mut Vec<FileId>) {
        if !seen.insert(id) {
            return;
        }
        for &import in &loaded.file(id).imports {
            visit(loaded, import, seen, out);
        }
        out.push(id);
    }
    let mut seen = BTreeSet::new();
    let mut out = Vec::new();
    for file in &loaded.files {
        visit(loaded, file.id, &mut seen, &mut out);
    }
    out
}
