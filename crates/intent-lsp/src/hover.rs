//! Hover: what the name under the cursor is declared as (a local name or a field with its
//! declared type, a request's declared response type), and what the code of a diagnostic
//! there means (the text of `intent explain`), as Markdown.

use crate::scope::{self, Local, Member, Shape};
use crate::symbols::{self, Call, Declaration, Found};
use intent_check::{Binding, Checked, Loaded};
use intent_source::{CODES, FileId, Span};
use intent_syntax::ast::{Item, Request, TypeKind};
use serde_json::{Value, json};

/// The hover at a byte offset of the document; null when there is nothing to say.
pub fn hover(checked: &Checked, offset: usize) -> Value {
    let loaded = &checked.loaded;
    let mut sections = Vec::new();
    match symbols::at(loaded, offset) {
        Some(Found::Declared(declaration)) => sections.push(declared(loaded, &declaration)),
        Some(Found::Call(call)) => sections.push(called(loaded, &call)),
        Some(Found::Local(local)) => sections.push(bound(loaded, &local)),
        Some(Found::Member(member, shape)) => sections.push(field(loaded, member, shape)),
        Some(Found::Request(request)) => sections.push(response(loaded, request)),
        None => {}
    }
    sections.extend(
        checked
            .diagnostics
            .iter()
            .filter(|d| {
                d.labels.first().is_some_and(|l| {
                    l.file == symbols::DOCUMENT
                        && (l.span.range().contains(&offset) || l.span.range().start == offset)
                })
            })
            .filter_map(|d| CODES.iter().find(|info| info.code == d.code))
            .map(|info| {
                format!(
                    "**{}**: {}\n\n{}",
                    info.code.as_str(),
                    info.title,
                    info.explanation
                )
            }),
    );
    sections.dedup();
    if sections.is_empty() {
        return Value::Null;
    }
    json!({"contents": {"kind": "markdown", "value": sections.join("\n\n---\n\n")}})
}

/// A declaration in a fenced block, then its kind and where it is.
fn declared(loaded: &Loaded, declaration: &Declaration<'_>) -> String {
    let source = |span: Span| loaded.sources.get(declaration.file).slice(span);
    let name = &declaration.name.name;
    let (kind, code) = match declaration.item {
        Item::Target(t) => ("target", format!("target {name} = {}", source(t.url.span))),
        Item::Type(t) => ("type", source(t.span).to_string()),
        Item::Let(l) => ("constant", format!("let {name} = {}", source(l.value.span))),
        // Only how the secret is read: a spec holds no secret value, yet never show one.
        Item::Secret(s) => {
            let env = env_name(source(s.value.span));
            let from = env.map_or_else(String::new, |e| {
                format!(", read from the environment variable `{e}`")
            });
            return format!(
                "```intent\nsecret {name}\n```\nsecret{from}, redacted in every output; {}",
                place(loaded, declaration.file, declaration.name.span)
            );
        }
        Item::Dataset(d) => {
            let columns: String = d
                .columns
                .iter()
                .map(|c| format!("\n  {}", source(c.span)))
                .collect();
            let close = if columns.is_empty() { "" } else { "\n}" };
            let open = if columns.is_empty() { "" } else { " {" };
            (
                "dataset",
                format!(
                    "dataset {name} = {}{open}{columns}{close}",
                    source(d.path.span)
                ),
            )
        }
        _ => ("item", source(declaration.item.span()).to_string()),
    };
    format!(
        "```intent\n{code}\n```\n{kind}, {}",
        place(loaded, declaration.file, declaration.name.span)
    )
}

/// A name the block binds, with its declared type when it has one.
fn bound(loaded: &Loaded, local: &Local<'_>) -> String {
    let code = match local.shape {
        Some(shape) => format!("{}: {}", local.name, scope::describe(loaded, shape)),
        None => local.name.to_string(),
    };
    format!(
        "```intent\n{code}\n```\n{}, {}",
        local.kind.noun(),
        place(loaded, local.file, local.span)
    )
}

/// A field and its type: as declared in a record type or a dataset, or a response's own.
fn field(loaded: &Loaded, member: Member<'_>, shape: Shape<'_>) -> String {
    match member {
        Member::Declared(file, field) => {
            let kind = match shape {
                Shape::Columns(..) => "dataset column",
                _ => "field",
            };
            format!(
                "```intent\n{}\n```\n{kind}, {}",
                loaded.sources.get(file).slice(field.span).trim(),
                place(loaded, file, field.name.span)
            )
        }
        Member::Response(name, _) => format!(
            "```intent\n{name}: {}\n```\nresponse field",
            member.detail(loaded, shape)
        ),
    }
}

/// A request and its declared response type, with the type's definition when it is named.
fn response(loaded: &Loaded, request: &Request) -> String {
    let document = loaded.sources.get(symbols::DOCUMENT);
    let written = format!(
        "{} {} {}",
        request.method.value.as_str(),
        request.target.name,
        document.slice(request.path.span)
    );
    let Some(returns) = &request.returns else {
        return format!("```intent\n{written}\n```\nno declared response type: `body` is `json`");
    };
    let ty = document.slice(returns.span);
    let mut text = format!("```intent\n{written} -> {ty}\n```\nresponse body: `{ty}`");
    if let TypeKind::Named(name) = &returns.kind
        && let Some((file, def)) = scope::type_def(loaded, &name.name)
    {
        text.push_str(&format!(
            "\n\n```intent\n{}\n```\ntype, {}",
            loaded.sources.get(file).slice(def.span),
            place(loaded, file, def.name.span)
        ));
    }
    text
}

/// The step a call binds to: its signature and where it is defined, or why there is none.
fn called(loaded: &Loaded, call: &Call<'_>) -> String {
    match (&call.binding, call.definition) {
        (Binding::Bound { .. }, Some((file, def))) => {
            let text = loaded.sources.get(file).slice(def.span);
            let end = def
                .body
                .span
                .range()
                .start
                .saturating_sub(def.span.range().start);
            let signature = text.get(..end).unwrap_or(text).trim_end();
            format!(
                "```intent\n{signature}\n```\nstep, {}",
                place(loaded, file, def.pattern.span)
            )
        }
        (Binding::Bound { pattern, .. }, None) => format!("step `{pattern}`"),
        (Binding::Ambiguous { patterns }, _) => format!(
            "several steps fit this call:\n{}",
            patterns
                .iter()
                .map(|p| format!("\n- `{p}`"))
                .collect::<String>()
        ),
        (Binding::Unbound { nearest }, _) => format!(
            "no step fits this call{}",
            nearest
                .iter()
                .map(|p| format!("\n- nearest: `{p}`"))
                .collect::<String>()
        ),
    }
}

/// `defined in PATH:LINE` (the path relative to the project root when it is inside it).
fn place(loaded: &Loaded, file: FileId, span: Span) -> String {
    let source = loaded.sources.get(file);
    let path = loaded
        .files
        .get(file.0 as usize)
        .map_or(source.path(), |f| &f.path);
    let path = path.strip_prefix(&loaded.root).unwrap_or(path);
    let line = source.line_index(span.range().start) + 1;
    format!("defined in `{}:{line}`", path.display())
}

/// The variable of `env("NAME")` or `env("NAME", default)`, the way secrets are read.
fn env_name(value: &str) -> Option<&str> {
    let rest = value.trim().strip_prefix("env(")?.trim_start();
    let rest = rest.strip_prefix('"')?;
    rest.split('"').next()
}
