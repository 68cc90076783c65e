//! Tag expressions, and the selectors of policies and monitors: every tag they name must be
//! carried by something, and every title they run must name an item.

use crate::context::Context;
use intent_ir::{Plan, TagExpr};
use intent_source::{code, did_you_mean};
use intent_syntax::ast::{self, Item, Statement};
use std::collections::BTreeSet;

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
pub(super) fn check_selectors(cx: &mut Context<'_>, plan: &Plan) {
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
