//! Lowering every item to the plan, in an order where each definition is checked before its
//! uses: types, steps' signatures, lets and secrets and targets, datasets, step bodies, then
//! intents, evaluations, load blocks, policies and monitors.
//!
//! [`lower_all`] keeps that order; each kind of item is lowered in a module of its own, all
//! through [`ItemLowering`], the state of one item with a block.

mod bindings;
mod evaluation;
mod intent;
mod load;
mod monitor;
mod policy;
mod requests;
mod selectors;
mod statements;
mod step;

pub use selectors::tag_expr;

use crate::context::Context;
use crate::scope::{BlockKind, LocalKind, Scope};
use bindings::{global_binding, target, warn_unused_globals};
use intent_ir::{self as ir, Action, NamedType, Plan, StableId, Type};
use intent_source::{FileId, Span, code};
use intent_syntax::Parsed;
use intent_syntax::ast::{self, Item, Statement, WhenAction};
use selectors::check_selectors;
use std::collections::HashMap;
use step::step;

pub(crate) fn lower_all(cx: &mut Context<'_>, keep: crate::Keep) -> Plan {
    let mut plan = Plan {
        format: ir::FORMAT.to_string(),
        files: Vec::new(),
        targets: Vec::new(),
        bindings: Vec::new(),
        types: Vec::new(),
        steps: Vec::new(),
        datasets: Vec::new(),
        intents: Vec::new(),
        evaluations: Vec::new(),
        loads: Vec::new(),
        policies: Vec::new(),
        monitors: Vec::new(),
    };
    let order = cx.globals.order.clone();
    plan.files = cx
        .loaded
        .files
        .iter()
        .map(|f| spec_file(cx, f.id))
        .collect();

    for &file in &order {
        for item in &cx.loaded.file(file).syntax.items {
            if let Item::Type(def) = item {
                if cx
                    .globals
                    .types
                    .get(&def.name.name)
                    .is_none_or(|d| !std::ptr::eq(d.def, def))
                {
                    continue;
                }
                let ty = cx.lower_type(file, &def.ty);
                cx.named_types.insert(def.name.name.clone(), ty.clone());
                plan.types.push(NamedType {
                    name: def.name.name.clone(),
                    ty,
                    source: cx.source(file, def.span),
                });
            }
        }
    }
    cx.collect_steps();

    for &file in &order {
        for item in &cx.loaded.file(file).syntax.items {
            match item {
                Item::Let(l) => {
                    let binding = global_binding(cx, file, &l.name, &l.value, false);
                    plan.bindings.push(binding);
                }
                Item::Secret(s) => {
                    let binding = global_binding(cx, file, &s.name, &s.value, true);
                    plan.bindings.push(binding);
                }
                Item::Target(t) => plan.targets.push(target(cx, file, t)),
                Item::Dataset(d) => {
                    if let Some(dataset) = cx.lower_dataset(file, d) {
                        plan.datasets.push(dataset);
                    }
                }
                _ => {}
            }
        }
    }

    let mut calls = Vec::new();
    for index in 0..cx.steps.len() {
        plan.steps.push(step(cx, index, &mut calls));
    }
    cx.check_step_recursion(&calls);

    let mut titles: HashMap<(FileId, String), Span> = HashMap::new();
    for &file in &order {
        let loaded = cx.loaded;
        let text = loaded.sources.get(file).text();
        // The intents left out of the tree (`Keep::Run`, `Keep::Diagnostics`) are parsed on another thread
        // while the ones before them are checked, and lowered in their places among the
        // other items, so titles are compared in file order.
        std::thread::scope(|scope| {
            let left_out = &loaded.file(file).left_out;
            let mut left_out = intent_syntax::Reparse::new(scope, file, text, left_out).peekable();
            let again =
                |cx: &mut Context<'_>, plan: &mut Plan, titles: &mut Titles, parsed: Parsed| {
                    for diagnostic in parsed.diagnostics {
                        cx.report(diagnostic);
                    }
                    for item in &parsed.file.items {
                        lower_titled(cx, plan, titles, file, item, keep);
                    }
                };
            for item in &loaded.file(file).syntax.items {
                let start = item.span().start;
                while let Some((_, parsed)) = left_out.next_if(|(span, _)| span.start < start) {
                    again(cx, &mut plan, &mut titles, parsed);
                }
                lower_titled(cx, &mut plan, &mut titles, file, item, keep);
            }
            for (_, parsed) in left_out {
                again(cx, &mut plan, &mut titles, parsed);
            }
        });
    }
    check_selectors(cx, &plan);
    warn_unused_globals(cx, &plan);
    plan
}

/// The titles of a file's items seen so far, by slug, with where each was first written.
type Titles = HashMap<(FileId, String), Span>;

/// Lowers one item with a title into the plan, unless another item of its file already has
/// that title (a duplicate title, reported here).
fn lower_titled(
    cx: &mut Context<'_>,
    plan: &mut Plan,
    titles: &mut Titles,
    file: FileId,
    item: &Item,
    keep: crate::Keep,
) {
    let title = match item {
        Item::Intent(i) => &i.title,
        Item::Evaluate(e) => &e.title,
        Item::Load(l) => &l.title,
        Item::Policy(p) => &p.title,
        Item::Monitor(m) => &m.title,
        _ => return,
    };
    let key = (file, ir::slug(&title.display()));
    if let Some(first) = titles.get(&key) {
        let d = cx
            .error(
                code::DUPLICATE_TITLE,
                format!(
                    "another item in this file already has the title \"{}\"",
                    title.display()
                ),
                file,
                title.span,
            )
            .with_label("same title again")
            .with_secondary(file, *first, "first used here")
            .with_help("titles name results in every report and make their ids; give each its own");
        cx.report(d);
        return;
    }
    titles.insert(key, title.span);
    let mut unit = ItemLowering::new(cx, file, title);
    match item {
        Item::Intent(i) => {
            let intent = unit.intent(i);
            plan.intents.push(match keep {
                crate::Keep::Plan | crate::Keep::Run => intent,
                crate::Keep::Diagnostics => ir::Intent {
                    actions: Vec::new(),
                    examples: None,
                    because: None,
                    ..intent
                },
            });
        }
        Item::Evaluate(e) => plan.evaluations.extend(unit.evaluation(e)),
        Item::Load(l) => plan.loads.push(unit.load(l)),
        Item::Policy(p) => plan.policies.push(unit.policy(p)),
        Item::Monitor(m) => plan.monitors.push(unit.monitor(m)),
        _ => {}
    }
    unit.finish();
}

fn spec_file(cx: &Context<'_>, file: FileId) -> ir::SpecFile {
    let meta = cx
        .loaded
        .file(file)
        .syntax
        .items
        .iter()
        .find_map(|i| match i {
            Item::Spec(s) => Some(s),
            _ => None,
        });
    ir::SpecFile {
        path: cx.project_path(file),
        title: meta.map(|m| m.title.display()),
        metadata: meta
            .map(|m| {
                m.entries
                    .iter()
                    .map(|e| {
                        let value = match &e.value.kind {
                            ast::ExprKind::String(s) => s.display(),
                            _ => cx.text(file, e.value.span).to_string(),
                        };
                        ir::MetaEntry {
                            key: e.key.name.clone(),
                            value,
                        }
                    })
                    .collect()
            })
            .unwrap_or_default(),
    }
}

/// The state of lowering one item with a block.
struct ItemLowering<'c, 'a> {
    cx: &'c mut Context<'a>,
    file: FileId,
    id: StableId,
    scope: Scope,
    actions: Vec<Action>,
    /// How often each check text occurred, so repeated checks get distinct ids.
    occurrences: HashMap<String, usize>,
    /// The step being lowered, to record calls for the recursion check.
    caller: Option<usize>,
    calls: Vec<(usize, usize, FileId, Span)>,
}

impl<'c, 'a> ItemLowering<'c, 'a> {
    fn new(cx: &'c mut Context<'a>, file: FileId, title: &ast::StringLit) -> Self {
        let id = StableId::item(cx.file_stem(file), &title.display());
        Self {
            cx,
            file,
            id,
            scope: Scope::new(BlockKind::Intent),
            actions: Vec::new(),
            occurrences: HashMap::new(),
            caller: None,
            calls: Vec::new(),
        }
    }

    /// Declares a capture of the block: a name bound by `given`, by `as` or to a step's result.
    fn capture(&mut self, name: &ast::Ident, ty: Type, secret: bool) {
        self.cx.declare(
            self.file,
            &mut self.scope,
            &name.name,
            name.span,
            LocalKind::Capture,
            ty,
            secret,
        );
    }

    /// Warns about captures that nothing reads.
    fn finish(&mut self) {
        let unused: Vec<(String, Span)> = self
            .scope
            .unused_captures()
            .map(|l| (l.name.clone(), l.span))
            .collect();
        for (name, span) in unused {
            let d = self
                .cx
                .error(
                    code::UNUSED_NAME,
                    format!("`{name}` is captured but never used"),
                    self.file,
                    span,
                )
                .with_label("never read")
                .with_help(format!(
                    "remove the capture, or name it `_{name}` to keep it on purpose"
                ));
            self.cx.report(d);
        }
    }

    fn child_id(&mut self, text: &str) -> StableId {
        let normalised = ir::normalise(text);
        match self.occurrences.get_mut(&normalised) {
            Some(n) => {
                let id = self.id.child_of_normalised(&normalised, *n);
                *n += 1;
                id
            }
            None => {
                let id = self.id.child_of_normalised(&normalised, 0);
                self.occurrences.insert(normalised, 1);
                id
            }
        }
    }

    fn source(&self, span: Span) -> ir::Source {
        self.cx.source(self.file, span)
    }

    /// Names defined anywhere in the block, for "used before its definition".
    fn collect_later(&mut self, statements: &[Statement]) {
        for s in statements {
            match s {
                Statement::Given(ast::Given { name: Some(n), .. }) => {
                    self.scope.later.push((n.name.clone(), n.span))
                }
                Statement::When(ast::When {
                    action: WhenAction::Request(r),
                    ..
                }) => {
                    if let Some(n) = &r.name {
                        self.scope.later.push((n.name.clone(), n.span));
                    }
                }
                Statement::Score(sc) => self.scope.later.push((sc.name.name.clone(), sc.name.span)),
                _ => {}
            }
        }
    }
}
