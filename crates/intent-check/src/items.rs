//! Lowering every item to the plan, in an order where each definition is checked before its
//! uses: types, steps' signatures, lets and secrets and targets, datasets, step bodies, then
//! intents, evaluations, load blocks, policies and monitors.

use crate::context::Context;
use crate::exprs::{error_expr, has_aggregate, is_error_expr, widen};
use crate::globals::ValueKind;
use crate::scope::{AggregateContext, BlockKind, LocalKind, Scope};
use crate::types::Family;
use intent_ir::{
    self as ir, Action, Auth, Binding, Body, Check, ExampleRow, Examples, Expr, ExprKind,
    LoadModel, NamedType, NamedValue, Param, Plan, PolicyLevel, PolicyScope, Request,
    RequestOptions, Retry, Selector, StableId, TagExpr, TemplatePart, Type,
};
use intent_source::{FileId, Span, code, did_you_mean};
use intent_syntax::ast::{self, ClauseKind, GivenValue, Item, Statement, WhenAction};
use std::collections::{BTreeSet, HashMap};

pub(crate) fn lower_all(cx: &mut Context<'_>) -> Plan {
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
        for item in &cx.loaded.file(file).syntax.items {
            let title = match item {
                Item::Intent(i) => &i.title,
                Item::Evaluate(e) => &e.title,
                Item::Load(l) => &l.title,
                Item::Policy(p) => &p.title,
                Item::Monitor(m) => &m.title,
                _ => continue,
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
                    .with_help(
                        "titles name results in every report and make their ids; give each its own",
                    );
                cx.report(d);
                continue;
            }
            titles.insert(key, title.span);
            let mut unit = ItemLowering::new(cx, file, title);
            match item {
                Item::Intent(i) => plan.intents.push(unit.intent(i)),
                Item::Evaluate(e) => plan.evaluations.extend(unit.evaluation(e)),
                Item::Load(l) => plan.loads.push(unit.load(l)),
                Item::Policy(p) => plan.policies.push(unit.policy(p)),
                Item::Monitor(m) => plan.monitors.push(unit.monitor(m)),
                _ => {}
            }
            unit.finish();
        }
    }
    check_selectors(cx, &plan);
    warn_unused_globals(cx, &plan);
    plan
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

fn global_binding(
    cx: &mut Context<'_>,
    file: FileId,
    name: &ast::Ident,
    value: &ast::Expr,
    secret: bool,
) -> Binding {
    let mut scope = Scope::new(BlockKind::Global);
    let value = cx.expr(file, &mut scope, value);
    if secret {
        cx.secret_from_environment(file, name, &value);
    }
    let is_secret = secret || value.secret;
    cx.values
        .insert(name.name.clone(), (widen(&value.ty), is_secret));
    Binding {
        name: name.name.clone(),
        secret,
        value: Expr {
            secret: is_secret,
            ..value
        },
        source: cx.source(file, name.span),
    }
}

fn target(cx: &mut Context<'_>, file: FileId, t: &ast::Target) -> ir::Target {
    let mut scope = Scope::new(BlockKind::Global);
    let url = cx.expr(file, &mut scope, &t.url);
    if !matches!(
        cx.type_table().family(&url.ty),
        Family::Text | Family::Dynamic
    ) {
        let d = cx
            .error(
                code::TYPE_MISMATCH,
                "a target's URL must be a string",
                file,
                url.span,
            )
            .with_label(format!("this is {}", url.ty.describe()))
            .with_help(
                "write `target NAME = \"http://127.0.0.1:8080\"` or `env(\"URL\", \"http://…\")`",
            );
        cx.report(d);
    }
    for clause in &t.clauses {
        if matches!(
            clause.kind,
            ClauseKind::Json(_)
                | ClauseKind::Form(_)
                | ClauseKind::Body(_)
                | ClauseKind::Retry { .. }
        ) {
            let d = cx
                .error(
                    code::TARGET_CLAUSE,
                    format!("a target cannot set a default `{}`", clause.kind.keyword()),
                    file,
                    clause.span,
                )
                .with_label("only a request can have this")
                .with_help("targets set default headers, query parameters, auth and timeouts; put bodies and retries on the request");
            cx.report(d);
        }
    }
    let (defaults, _) = clauses(cx, file, &mut scope, &t.clauses);
    ir::Target {
        name: t.name.name.clone(),
        url,
        defaults,
        source: cx.source(file, t.span),
    }
}

/// Lowers request clauses to options and a body, checking each value's type.
fn clauses(
    cx: &mut Context<'_>,
    file: FileId,
    scope: &mut Scope,
    list: &[ast::RequestClause],
) -> (RequestOptions, Option<Body>) {
    let mut options = RequestOptions::default();
    let mut body = None;
    for clause in list {
        match &clause.kind {
            ClauseKind::Header { name, value } => {
                let value = cx.expr(file, scope, value);
                options.headers.push(NamedValue {
                    name: name.as_plain().unwrap_or_else(|| name.display()),
                    value,
                });
            }
            ClauseKind::Query { name, value } => {
                let value = cx.expr(file, scope, value);
                options.query.push(NamedValue {
                    name: name.name.clone(),
                    value,
                });
            }
            ClauseKind::Json(v) => {
                body = Some(Body::Json {
                    value: cx.expr(file, scope, v),
                })
            }
            ClauseKind::Form(v) => {
                let value = cx.expr(file, scope, v);
                expect_family(
                    cx,
                    file,
                    &value,
                    &[Family::Record],
                    "a form body is an object of fields",
                );
                body = Some(Body::Form { value });
            }
            ClauseKind::Body(v) => {
                let value = cx.expr(file, scope, v);
                expect_family(cx, file, &value, &[Family::Text], "a raw body is a string");
                body = Some(Body::Text { value });
            }
            ClauseKind::Auth(ast::Auth::Bearer(token)) => {
                let token = cx.expr(file, scope, token);
                expect_family(
                    cx,
                    file,
                    &token,
                    &[Family::Text],
                    "a bearer token is a string",
                );
                options.auth = Some(Auth::Bearer { token });
            }
            ClauseKind::Auth(ast::Auth::Basic { user, password }) => {
                let user = cx.expr(file, scope, user);
                let password = cx.expr(file, scope, password);
                expect_family(cx, file, &user, &[Family::Text], "a user name is a string");
                expect_family(
                    cx,
                    file,
                    &password,
                    &[Family::Text],
                    "a password is a string",
                );
                options.auth = Some(Auth::Basic { user, password });
            }
            ClauseKind::Timeout(v) => {
                let value = cx.expr(file, scope, v);
                expect_duration(cx, file, &value, "a timeout");
                options.timeout = Some(value);
            }
            ClauseKind::Retry { .. } => {}
        }
    }
    (options, body)
}

fn expect_family(cx: &mut Context<'_>, file: FileId, value: &Expr, allowed: &[Family], help: &str) {
    let family = cx.type_table().family(&value.ty);
    if family != Family::Dynamic && !allowed.contains(&family) {
        let d = cx
            .error(
                code::TYPE_MISMATCH,
                format!("expected {}, found {}", allowed[0].noun(), family.noun()),
                file,
                value.span,
            )
            .with_label(format!("this is {}", value.ty.describe()))
            .with_help(help);
        cx.report(d);
    }
}

fn expect_duration(cx: &mut Context<'_>, file: FileId, value: &Expr, what: &str) {
    let family = cx.type_table().family(&value.ty);
    if family == Family::Dynamic || family == Family::Duration {
        return;
    }
    let written = cx.text(file, value.span);
    let d = if family == Family::Number {
        cx.error(
            code::UNIT_MISMATCH,
            format!("{what} needs a unit"),
            file,
            value.span,
        )
        .with_label("a bare number")
        .with_help(format!("write `{written}ms` or `{written}s`"))
    } else {
        cx.error(
            code::TYPE_MISMATCH,
            format!("{what} must be a duration, found {}", family.noun()),
            file,
            value.span,
        )
        .with_label(format!("this is {}", value.ty.describe()))
        .with_help("durations are written `250ms`, `5s`, `1m`")
    };
    cx.report(d);
}

fn step(
    cx: &mut Context<'_>,
    index: usize,
    calls: &mut Vec<(usize, usize, FileId, Span)>,
) -> ir::Step {
    let (file, def, params, returns, id, display) = {
        let s = &cx.steps[index];
        (
            s.file,
            s.def,
            s.params.clone(),
            s.returns.clone(),
            s.id.clone(),
            s.display.clone(),
        )
    };
    let title = ast::StringLit {
        parts: vec![ast::TemplatePart::Text(display.clone())],
        raw: false,
        span: def.pattern.span,
    };
    let mut unit = ItemLowering::new(cx, file, &title);
    unit.id = id.clone();
    unit.scope = Scope::new(BlockKind::Step);
    for (param, part) in params
        .iter()
        .zip(def.pattern.parts.iter().filter_map(|p| match p {
            ast::PatternPart::Param { name, .. } => Some(name),
            ast::PatternPart::Text { .. } => None,
        }))
    {
        unit.cx.declare(
            file,
            &mut unit.scope,
            &param.name,
            part.span,
            LocalKind::Param,
            param.ty.clone(),
            false,
        );
        if let Some(local) = unit.scope.lookup(&param.name) {
            local.used = true;
        }
    }
    unit.caller = Some(index);
    let mut result = None;
    for statement in &def.body.statements {
        if let Statement::Yield(y) = statement {
            let value = unit.cx.expr(file, &mut unit.scope, &y.value);
            result = Some(value);
        } else {
            unit.statement(statement);
        }
    }
    calls.append(&mut unit.calls);
    let actions = std::mem::take(&mut unit.actions);
    unit.finish();
    match (&returns, &result) {
        (Some(declared), Some(value)) if !cx.type_table().assignable(&value.ty, declared) => {
            let d = cx
                .error(
                    code::STEP_RESULT,
                    format!(
                        "the step yields {}, but declares {}",
                        value.ty.describe(),
                        declared.describe()
                    ),
                    file,
                    value.span,
                )
                .with_label("yielded here")
                .with_secondary(
                    file,
                    def.returns.as_ref().map_or(def.pattern.span, |r| r.span),
                    "declared here",
                )
                .with_help("yield a value of the declared type, or change `-> Type`");
            cx.report(d);
        }
        (Some(declared), None) => {
            let d = cx
                .error(
                    code::STEP_RESULT,
                    format!(
                        "the step declares `-> {}` but never yields",
                        declared.describe()
                    ),
                    file,
                    def.pattern.span,
                )
                .with_label("no `yield`")
                .with_help("end the step with `yield EXPR`");
            cx.report(d);
        }
        _ => {}
    }
    ir::Step {
        id,
        pattern: display,
        params,
        returns: returns.or_else(|| result.as_ref().map(|r| widen(&r.ty))),
        actions,
        result,
        source: cx.source(file, def.span),
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
        let id = StableId::item(&cx.file_stem(file), &title.display());
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
        let normalised: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
        let n = self.occurrences.entry(normalised.clone()).or_insert(0);
        let id = self.id.child(&normalised, *n);
        *n += 1;
        id
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

    fn intent(&mut self, intent: &ast::Intent) -> ir::Intent {
        self.collect_later(&intent.body.statements);
        let examples = intent.body.statements.iter().find_map(|s| match s {
            Statement::Examples(e) => Some(e),
            _ => None,
        });
        let examples = examples.map(|e| self.examples(e));
        let mut because = None;
        for statement in &intent.body.statements {
            match statement {
                Statement::Because(b) => because = Some(b.reason.display()),
                Statement::Examples(_) => {}
                other => self.statement(other),
            }
        }
        let actions = std::mem::take(&mut self.actions);
        ir::Intent {
            id: self.id.clone(),
            title: intent.title.display(),
            file: self.file.0,
            tags: intent.tags.iter().map(|t| t.name.clone()).collect(),
            because,
            actions,
            examples,
            source: self.source(intent.span),
        }
    }

    fn examples(&mut self, examples: &ast::Examples) -> Examples {
        let file = self.file;
        let mut global = Scope::new(BlockKind::Global);
        let rows: Vec<(Vec<Expr>, Span)> = examples
            .rows
            .iter()
            .map(|r| {
                (
                    r.cells
                        .iter()
                        .map(|c| self.cx.expr(file, &mut global, c))
                        .collect(),
                    r.span,
                )
            })
            .collect();
        let mut columns = Vec::new();
        for (i, column) in examples.columns.iter().enumerate() {
            let cells: Vec<&Expr> = rows.iter().filter_map(|(cells, _)| cells.get(i)).collect();
            let ty = self.column_type(column, &cells);
            self.cx.declare(
                file,
                &mut self.scope,
                &column.name,
                column.span,
                LocalKind::Column,
                ty.clone(),
                false,
            );
            if let Some(local) = self.scope.lookup(&column.name) {
                local.used = true;
            }
            columns.push(Param {
                name: column.name.clone(),
                ty,
            });
        }
        let rows = rows
            .into_iter()
            .map(|(values, span)| {
                let text = self.cx.text(file, span).to_string();
                ExampleRow {
                    id: self.child_id(&format!("row {text}")),
                    values,
                    source: self.source(span),
                }
            })
            .collect();
        Examples { columns, rows }
    }

    /// The type of an examples column from its cells; cells of different kinds are an error.
    /// A cell that is already an error (`5sec`, an unknown name) says nothing of the column.
    fn column_type(&mut self, column: &ast::Ident, cells: &[&Expr]) -> Type {
        let table = self.cx.type_table();
        let known: Vec<&Expr> = cells
            .iter()
            .copied()
            .filter(|c| !is_error_expr(c))
            .collect();
        if known.is_empty() && !cells.is_empty() {
            return Type::Any;
        }
        let cells = known;
        let non_null: Vec<&&Expr> = cells
            .iter()
            .filter(|c| table.family(&c.ty) != Family::Null)
            .collect();
        let nullable = non_null.len() < cells.len();
        let Some(first) = non_null.first() else {
            return Type::Null;
        };
        let family = table.family(&first.ty);
        let mut ty = widen(&first.ty);
        for cell in &non_null[1..] {
            let f = table.family(&cell.ty);
            if f != family {
                let d = self
                    .cx
                    .error(
                        code::INCONSISTENT_COLUMN,
                        format!(
                            "the column `{}` mixes {} and {}",
                            column.name,
                            family.noun(),
                            f.noun()
                        ),
                        self.file,
                        cell.span,
                    )
                    .with_label(format!("{} here", f.noun()))
                    .with_secondary(self.file, first.span, format!("{} here", family.noun()))
                    .with_help(
                        "every cell of a column must be of one kind; quote numbers meant as text",
                    );
                self.cx.report(d);
                return Type::Any;
            }
            if widen(&cell.ty) == Type::Decimal {
                ty = Type::Decimal;
            }
        }
        if nullable {
            Type::Union {
                options: vec![ty, Type::Null],
            }
        } else {
            ty
        }
    }

    fn statement(&mut self, statement: &Statement) {
        let file = self.file;
        match statement {
            Statement::Given(g) => match &g.value {
                GivenValue::Expr(e) => {
                    let value = self.cx.expr(file, &mut self.scope, e);
                    if let Some(name) = &g.name {
                        let ty = widen(&value.ty);
                        self.cx.declare(
                            file,
                            &mut self.scope,
                            &name.name,
                            name.span,
                            LocalKind::Capture,
                            ty,
                            value.secret,
                        );
                        let id = self.child_id(&format!("given {}", name.name));
                        self.actions.push(Action::Bind {
                            id,
                            name: name.name.clone(),
                            value,
                            source: self.source(g.span),
                        });
                    }
                }
                GivenValue::Call(call) => self.call(call, g.name.as_ref(), g.span),
            },
            Statement::When(w) => match &w.action {
                WhenAction::Request(r) => self.request(r),
                WhenAction::Call(call) => self.call(call, None, w.span),
            },
            Statement::Check(c) => {
                if let Some(check) = self.check(c) {
                    self.actions.push(Action::Check(check));
                }
            }
            Statement::Because(_) | Statement::Examples(_) | Statement::Yield(_) => {}
            Statement::Score(_)
            | Statement::Classify(_)
            | Statement::Arrive(_)
            | Statement::Users(_)
            | Statement::WithoutAuth(_)
            | Statement::Run(_)
            | Statement::Alert(_) => {}
        }
    }

    fn call(&mut self, call: &ast::StepCall, bind: Option<&ast::Ident>, span: Span) {
        let file = self.file;
        let Some((index, args)) = self.cx.bind_call(file, &mut self.scope, call) else {
            if let Some(name) = bind {
                self.cx.declare(
                    file,
                    &mut self.scope,
                    &name.name,
                    name.span,
                    LocalKind::Capture,
                    Type::Any,
                    false,
                );
            }
            return;
        };
        if let Some(caller) = self.caller {
            self.calls.push((caller, index, file, call.span));
        }
        // A step that sends requests leaves its last response as the latest one.
        let sends = self.cx.steps[index].def.body.statements.iter().any(|s| {
            matches!(
                s,
                Statement::When(ast::When {
                    action: WhenAction::Request(_),
                    ..
                })
            )
        });
        if sends {
            self.scope.latest_body = Some(Type::Json);
        }
        let returns = self.cx.steps[index].returns.clone();
        let step_id = self.cx.steps[index].id.clone();
        if let Some(name) = bind {
            let ty = match returns {
                Some(t) => t,
                None => {
                    let display = self.cx.steps[index].display.clone();
                    let d = self
                        .cx
                        .error(
                            code::STEP_RESULT,
                            format!("the step `{display}` yields nothing to capture"),
                            file,
                            name.span,
                        )
                        .with_label("nothing to capture")
                        .with_secondary(
                            self.cx.steps[index].file,
                            self.cx.steps[index].def.pattern.span,
                            "declared without `-> Type`",
                        )
                        .with_help(
                            "declare the step's result with `-> Type` and end it with `yield EXPR`",
                        );
                    self.cx.report(d);
                    Type::Any
                }
            };
            let secret = args.iter().any(|a| a.secret);
            self.cx.declare(
                file,
                &mut self.scope,
                &name.name,
                name.span,
                LocalKind::Capture,
                ty,
                secret,
            );
        }
        let call_text = self.cx.text(file, call.span).to_string();
        let id = self.child_id(&call_text);
        self.actions.push(Action::CallStep {
            id,
            step: step_id,
            args,
            bind: bind.map(|n| n.name.clone()),
            source: self.source(span),
        });
    }

    fn request(&mut self, r: &ast::Request) {
        let file = self.file;
        self.cx.resolve_global(file, &r.target, ValueKind::Target);
        let path = r
            .path
            .parts
            .iter()
            .map(|p| match p {
                ast::TemplatePart::Text(t) => TemplatePart::Text(t.clone()),
                ast::TemplatePart::Expr(e) => {
                    TemplatePart::Expr(self.cx.expr(file, &mut self.scope, e))
                }
            })
            .collect();
        let link = r
            .link
            .as_ref()
            .map(|e| self.cx.link(file, &mut self.scope, e));
        let (options, body) = clauses(self.cx, file, &mut self.scope, &r.clauses);
        let returns = r.returns.as_ref().map(|t| self.cx.lower_type(file, t));
        let body_type = returns.clone().unwrap_or(Type::Json);
        // The retry condition reads the response it retries.
        self.scope.latest_body = Some(body_type.clone());
        let retry = r.clauses.iter().find_map(|c| match &c.kind {
            ClauseKind::Retry {
                times,
                every,
                until,
            } => Some((times, every, until)),
            _ => None,
        });
        let retry = retry.map(|(times, every, until)| {
            let times = self.cx.expr(file, &mut self.scope, times);
            expect_family(
                self.cx,
                file,
                &times,
                &[Family::Number],
                "write how many times to retry, e.g. `retry 5 times`",
            );
            let every = every.as_ref().map(|e| {
                let value = self.cx.expr(file, &mut self.scope, e);
                expect_duration(self.cx, file, &value, "the pause between retries");
                value
            });
            let until_text = format!("retry until {}", self.cx.text(file, until.span));
            let until = self.cx.expr(file, &mut self.scope, until);
            self.cx
                .expect_bool(file, &until, "a retry's `until` condition");
            Retry {
                id: self.child_id(&until_text),
                times,
                every,
                until,
            }
        });
        let conformance = r.returns.as_ref().map(|t| {
            let text = format!("-> {}", self.cx.text(file, t.span));
            self.child_id(&text)
        });
        if let Some(name) = &r.name {
            self.cx.declare(
                file,
                &mut self.scope,
                &name.name,
                name.span,
                LocalKind::Response,
                Type::Response {
                    body: Box::new(body_type),
                },
                false,
            );
        }
        let request_text = format!(
            "{} {} {}",
            r.method.value.as_str(),
            r.target.name,
            self.cx.text(file, r.path.span)
        );
        let id = self.child_id(&request_text);
        self.actions.push(Action::Request(Box::new(Request {
            id,
            method: r.method.value.as_str().to_string(),
            target: r.target.name.clone(),
            path,
            link,
            name: r.name.as_ref().map(|n| n.name.clone()),
            returns,
            conformance,
            options: RequestOptions { retry, ..options },
            body,
            source: self.source(r.span),
        })));
    }

    /// A check; `None` when it is an aggregate threshold handled by the caller.
    fn check(&mut self, c: &ast::Check) -> Option<Check> {
        let file = self.file;
        let expr = self.cx.expr(file, &mut self.scope, &c.expr);
        self.cx.expect_bool(file, &expr, "a check");
        if let Some(confidence) = &c.confidence {
            let d = self
                .cx
                .error(code::CONFIDENCE_NOT_ON_RATE, "`at N% confidence` applies to a rate over many cases", file, confidence.span)
                .with_label("no rate here")
                .with_help("use it in an `expect` of an evaluation, on accuracy, precision, recall, f1 or rate(...)");
            self.cx.report(d);
        }
        let text = self.cx.text(file, c.expr.span).to_string();
        Some(Check {
            id: self.child_id(&text),
            text,
            expr,
            confidence: None,
            source: self.source(c.span),
        })
    }

    /// An `expect` of an evaluation or load block: a threshold when it aggregates, a
    /// per-case check otherwise.
    fn expectation(
        &mut self,
        c: &ast::Check,
        context: AggregateContext,
        thresholds: &mut Vec<Check>,
    ) {
        let file = self.file;
        if c.keyword != ast::CheckKeyword::Expect {
            if let Some(check) = self.check(c) {
                self.actions.push(Action::Check(check));
            }
            return;
        }
        self.scope.aggregates = Some(context);
        let expr = self.cx.expr(file, &mut self.scope, &c.expr);
        self.scope.aggregates = None;
        self.cx.expect_bool(file, &expr, "an expectation");
        let text = self.cx.text(file, c.expr.span).to_string();
        let confidence = c.confidence.as_ref().map(|conf| {
            let mut plain = Scope::new(BlockKind::Global);
            let value = self.cx.expr(file, &mut plain, conf);
            let is_percent = self.cx.type_table().family(&value.ty) == Family::Percent;
            let on_rate = matches!(&expr.kind, ExprKind::Binary { lhs, .. }
                if matches!(&lhs.kind, ExprKind::Aggregate { aggregate, .. } if aggregate.is_rate()));
            if !is_percent || !on_rate {
                let d = self
                    .cx
                    .error(
                        code::CONFIDENCE_NOT_ON_RATE,
                        if is_percent {
                            "`at N% confidence` applies to a rate: accuracy, precision, recall, f1, rate(...) or error_rate"
                        } else {
                            "the confidence level is a percentage such as `95%`"
                        },
                        file,
                        conf.span,
                    )
                    .with_label("confidence here")
                    .with_help("write `expect accuracy >= 90% at 95% confidence`");
                self.cx.report(d);
            }
            value
        });
        let check = Check {
            id: self.child_id(&text),
            text,
            expr,
            confidence,
            source: self.source(c.span),
        };
        if has_aggregate(&check.expr) {
            thresholds.push(check);
        } else {
            self.actions.push(Action::Check(check));
        }
    }

    fn evaluation(&mut self, e: &ast::Evaluate) -> Option<ir::Evaluation> {
        let file = self.file;
        self.scope = Scope::new(BlockKind::Evaluate);
        let dataset = self
            .cx
            .resolve_global(file, &e.dataset, ValueKind::Dataset)
            .then(|| e.dataset.name.clone());
        let columns = dataset
            .as_ref()
            .and_then(|name| {
                self.cx.loaded.files.iter().find_map(|f| {
                    f.syntax.items.iter().find_map(|i| match i {
                        Item::Dataset(d) if &d.name.name == name => Some((f.id, d)),
                        _ => None,
                    })
                })
            })
            .map(|(f, d)| self.cx.lower_fields(f, &d.columns))
            .unwrap_or_default();
        let row_type = if dataset.is_some() {
            Type::Record {
                fields: columns,
                exact: false,
            }
        } else {
            // An unknown dataset is already reported; its columns are not checked again.
            Type::Any
        };
        self.cx.declare(
            file,
            &mut self.scope,
            &e.row.name,
            e.row.span,
            LocalKind::Row,
            row_type,
            false,
        );
        if let Some(row) = self.scope.lookup(&e.row.name) {
            row.used = true;
        }
        self.collect_later(&e.body.statements);
        let context = AggregateContext {
            evaluate: true,
            has_classify: e
                .body
                .statements
                .iter()
                .any(|s| matches!(s, Statement::Classify(_))),
            scores: e
                .body
                .statements
                .iter()
                .filter_map(|s| match s {
                    Statement::Score(sc) => Some(sc.name.name.clone()),
                    _ => None,
                })
                .collect(),
        };
        let mut thresholds = Vec::new();
        for statement in &e.body.statements {
            match statement {
                Statement::Check(c) => self.expectation(c, context.clone(), &mut thresholds),
                Statement::Score(sc) => {
                    let value = self.cx.expr(file, &mut self.scope, &sc.value);
                    expect_family(
                        self.cx,
                        file,
                        &value,
                        &[Family::Number, Family::Bool],
                        "a score is a number, such as `similarity(a, b)`",
                    );
                    self.cx.declare(
                        file,
                        &mut self.scope,
                        &sc.name.name,
                        sc.name.span,
                        LocalKind::Score,
                        Type::Decimal,
                        value.secret,
                    );
                    if let Some(local) = self.scope.lookup(&sc.name.name) {
                        local.used = true;
                    }
                    let id = self.child_id(&format!("score {}", sc.name.name));
                    self.actions.push(Action::Score {
                        id,
                        name: sc.name.name.clone(),
                        value,
                        source: self.source(sc.span),
                    });
                }
                Statement::Classify(cl) => {
                    let predicted = self.cx.expr(file, &mut self.scope, &cl.predicted);
                    let expected = self.cx.expr(file, &mut self.scope, &cl.expected);
                    let table = self.cx.type_table();
                    let (pf, ef) = (table.family(&predicted.ty), table.family(&expected.ty));
                    if pf != ef && pf != Family::Dynamic && ef != Family::Dynamic {
                        let d = self
                            .cx
                            .error(code::TYPE_MISMATCH, format!("`classify` compares {} against {}", pf.noun(), ef.noun()), file, cl.span)
                            .with_label("labels of different kinds")
                            .with_help("the predicted and expected labels must be of one kind, usually strings");
                        self.cx.report(d);
                    }
                    self.actions.push(Action::Classify {
                        predicted,
                        expected,
                        source: self.source(cl.span),
                    });
                }
                other => self.statement(other),
            }
        }
        let actions = std::mem::take(&mut self.actions);
        Some(ir::Evaluation {
            id: self.id.clone(),
            title: e.title.display(),
            file: file.0,
            tags: e.tags.iter().map(|t| t.name.clone()).collect(),
            dataset: dataset?,
            row: e.row.name.clone(),
            actions,
            thresholds,
            row_conformance: self.child_id("the row fits its columns"),
            source: self.source(e.span),
        })
    }

    fn load(&mut self, l: &ast::Load) -> ir::Load {
        let file = self.file;
        self.scope = Scope::new(BlockKind::Load);
        self.collect_later(&l.body.statements);
        let context = AggregateContext {
            evaluate: false,
            has_classify: false,
            scores: Vec::new(),
        };
        let mut models = Vec::new();
        let mut thresholds = Vec::new();
        let mut global = Scope::new(BlockKind::Global);
        for statement in &l.body.statements {
            match statement {
                Statement::Arrive(a) => {
                    let rate = self.cx.expr(file, &mut global, &a.rate);
                    expect_rate(self.cx, file, &rate);
                    let duration = self.cx.expr(file, &mut global, &a.duration);
                    expect_duration(self.cx, file, &duration, "a load's duration");
                    models.push((LoadModel::Arrive { rate, duration }, a.span));
                }
                Statement::Users(u) => {
                    let count = self.cx.expr(file, &mut global, &u.count);
                    expect_family(
                        self.cx,
                        file,
                        &count,
                        &[Family::Number],
                        "the number of users is a whole number",
                    );
                    let duration = self.cx.expr(file, &mut global, &u.duration);
                    expect_duration(self.cx, file, &duration, "a load's duration");
                    models.push((LoadModel::Users { count, duration }, u.span));
                }
                Statement::Check(c) => self.expectation(c, context.clone(), &mut thresholds),
                other => self.statement(other),
            }
        }
        let requests = self
            .actions
            .iter()
            .filter(|a| matches!(a, Action::Request(_) | Action::CallStep { .. }))
            .count();
        if models.len() != 1 || requests == 0 {
            let message = match (models.len(), requests) {
                (0, _) => "this load block has no `arrive` or `users` line".to_string(),
                (1, _) => "this load block sends no request".to_string(),
                (n, _) => format!("this load block has {n} traffic models; it needs exactly one"),
            };
            let span = models.get(1).map_or(l.title.span, |(_, s)| *s);
            let d = self
                .cx
                .error(code::LOAD_MODEL, message, file, span)
                .with_label("in this load block")
                .with_help("a load block has one `arrive RATE for DURATION` or `users N for DURATION` line and a `when` request");
            self.cx.report(d);
        }
        let model = models
            .into_iter()
            .next()
            .map(|(m, _)| m)
            .unwrap_or(LoadModel::Users {
                count: error_expr(l.span),
                duration: error_expr(l.span),
            });
        let actions = std::mem::take(&mut self.actions);
        ir::Load {
            id: self.id.clone(),
            title: l.title.display(),
            file: file.0,
            tags: l.tags.iter().map(|t| t.name.clone()).collect(),
            model,
            actions,
            thresholds,
            source: self.source(l.span),
        }
    }

    fn policy(&mut self, p: &ast::Policy) -> ir::Policy {
        let file = self.file;
        self.scope = Scope::new(BlockKind::Policy);
        let scope = match &p.scope {
            ast::PolicyScope::Responses { from, .. } => {
                if let Some(target) = from {
                    self.cx.resolve_global(file, target, ValueKind::Target);
                }
                PolicyScope::Responses {
                    target: from.as_ref().map(|t| t.name.clone()),
                }
            }
            ast::PolicyScope::Intents { tags, .. } => PolicyScope::Intents {
                tags: tag_expr(tags),
            },
        };
        let mut checks = Vec::new();
        let mut without_auth = Vec::new();
        for statement in &p.body.statements {
            match statement {
                Statement::Check(c) => checks.extend(self.check(c)),
                Statement::WithoutAuth(w) => without_auth.extend(self.check(&w.check)),
                _ => {}
            }
        }
        ir::Policy {
            id: self.id.clone(),
            title: p.title.display(),
            file: file.0,
            level: match p.level.map(|l| l.value) {
                Some(ast::PolicyLevel::Warn) => PolicyLevel::Warn,
                Some(ast::PolicyLevel::Off) => PolicyLevel::Off,
                _ => PolicyLevel::Fail,
            },
            scope,
            checks,
            without_auth,
            credentials: self.child_id("the intent sends credentials"),
            source: self.source(p.span),
        }
    }

    fn monitor(&mut self, m: &ast::Monitor) -> ir::Monitor {
        let file = self.file;
        let mut global = Scope::new(BlockKind::Global);
        let every = self.cx.expr(file, &mut global, &m.every);
        expect_duration(self.cx, file, &every, "a monitor's interval");
        let mut run = Vec::new();
        let mut alerts = Vec::new();
        for statement in &m.body.statements {
            match statement {
                Statement::Run(r) => run.push(match &r.selector {
                    ast::RunSelector::All => Selector::All,
                    ast::RunSelector::Tagged(t) => Selector::Tagged { tags: tag_expr(t) },
                    ast::RunSelector::Title(t) => Selector::Title { title: t.display() },
                }),
                Statement::Alert(a) => {
                    if a.channel.name != "webhook" {
                        let d = self
                            .cx
                            .error(
                                code::UNKNOWN_NAME,
                                format!("unknown alert channel `{}`", a.channel.name),
                                file,
                                a.channel.span,
                            )
                            .with_label("not a channel")
                            .with_help("alerts go to a `webhook URL`");
                        self.cx.report(d);
                    }
                    let destination = self.cx.expr(file, &mut global, &a.destination);
                    expect_family(
                        self.cx,
                        file,
                        &destination,
                        &[Family::Text],
                        "a webhook is a URL string",
                    );
                    let after = a.after.as_ref().map(|e| {
                        let value = self.cx.expr(file, &mut global, e);
                        expect_family(
                            self.cx,
                            file,
                            &value,
                            &[Family::Number],
                            "write `after 2 failures`",
                        );
                        value
                    });
                    alerts.push(ir::Alert {
                        channel: a.channel.name.clone(),
                        destination,
                        after,
                        source: self.source(a.span),
                    });
                }
                _ => {}
            }
        }
        ir::Monitor {
            id: self.id.clone(),
            title: m.title.display(),
            file: file.0,
            every,
            run,
            alerts,
            source: self.source(m.span),
        }
    }
}

fn expect_rate(cx: &mut Context<'_>, file: FileId, value: &Expr) {
    let family = cx.type_table().family(&value.ty);
    if family == Family::Rate || family == Family::Dynamic {
        return;
    }
    let written = cx.text(file, value.span);
    let d = cx
        .error(
            code::UNIT_MISMATCH,
            format!(
                "an arrival rate is requests per time, found {}",
                family.noun()
            ),
            file,
            value.span,
        )
        .with_label("not a rate")
        .with_help(format!("write `{written}/s`"));
    cx.report(d);
}

/// A tag expression of the syntax tree as the plan holds it.
pub fn tag_expr(t: &ast::TagExpr) -> TagExpr {
    match t {
        ast::TagExpr::Tag(tag) => TagExpr::Tag(tag.name.clone()),
        ast::TagExpr::Not(e) => TagExpr::Not(Box::new(tag_expr(e))),
        ast::TagExpr::And(a, b) => TagExpr::And(Box::new(tag_expr(a)), Box::new(tag_expr(b))),
        ast::TagExpr::Or(a, b) => TagExpr::Or(Box::new(tag_expr(a)), Box::new(tag_expr(b))),
    }
}

/// Tags in policy scopes and monitor selectors must be carried by something; monitor titles
/// must name an item.
fn check_selectors(cx: &mut Context<'_>, plan: &Plan) {
    let carried: BTreeSet<&str> = plan
        .intents
        .iter()
        .flat_map(|i| i.tags.iter())
        .chain(plan.evaluations.iter().flat_map(|e| e.tags.iter()))
        .chain(plan.loads.iter().flat_map(|l| l.tags.iter()))
        .map(String::as_str)
        .collect();
    let titles: BTreeSet<&str> = plan
        .intents
        .iter()
        .map(|i| i.title.as_str())
        .chain(plan.evaluations.iter().map(|e| e.title.as_str()))
        .chain(plan.loads.iter().map(|l| l.title.as_str()))
        .collect();
    for loaded in &cx.loaded.files {
        for item in &loaded.syntax.items {
            let mut selectors: Vec<&ast::TagExpr> = Vec::new();
            let mut wanted_titles: Vec<&ast::StringLit> = Vec::new();
            match item {
                Item::Policy(ast::Policy {
                    scope: ast::PolicyScope::Intents { tags, .. },
                    ..
                }) => selectors.push(tags),
                Item::Monitor(m) => {
                    for s in &m.body.statements {
                        match s {
                            Statement::Run(ast::Run {
                                selector: ast::RunSelector::Tagged(t),
                                ..
                            }) => selectors.push(t),
                            Statement::Run(ast::Run {
                                selector: ast::RunSelector::Title(t),
                                ..
                            }) => wanted_titles.push(t),
                            _ => {}
                        }
                    }
                }
                _ => {}
            }
            for selector in selectors {
                for tag in selector.tags() {
                    if !carried.contains(tag.name.as_str()) {
                        let mut d = cx
                            .error(
                                code::TAG_SELECTS_NOTHING,
                                format!("no intent is tagged `@{}`", tag.name),
                                loaded.id,
                                tag.span,
                            )
                            .with_label("selects nothing");
                        d = match did_you_mean(&tag.name, carried.iter().copied()) {
                            Some(s) => d.with_help(format!("did you mean `@{s}`?")),
                            None => d.with_help("tag an intent with it, or remove the selector"),
                        };
                        cx.report(d);
                    }
                }
            }
            for title in wanted_titles {
                if !titles.contains(title.display().as_str()) {
                    let mut d = cx
                        .error(
                            code::UNKNOWN_TITLE,
                            format!("nothing is titled \"{}\"", title.display()),
                            loaded.id,
                            title.span,
                        )
                        .with_label("unknown title");
                    d = match did_you_mean(&title.display(), titles.iter().copied()) {
                        Some(s) => d.with_help(format!("did you mean \"{s}\"?")),
                        None => d.with_help(
                            "run names an intent, evaluation or load block by its exact title",
                        ),
                    };
                    cx.report(d);
                }
            }
        }
    }
}

fn warn_unused_globals(cx: &mut Context<'_>, plan: &Plan) {
    for binding in &plan.bindings {
        if binding.name.starts_with('_') || cx.used_globals.contains(&binding.name) {
            continue;
        }
        let file = FileId(binding.source.file);
        let d = cx
            .error(
                code::UNUSED_NAME,
                format!("`{}` is defined but never used", binding.name),
                file,
                binding.source.span,
            )
            .with_label("never read")
            .with_help(format!(
                "remove it, or name it `_{}` to keep it on purpose",
                binding.name
            ));
        cx.report(d);
    }
}
