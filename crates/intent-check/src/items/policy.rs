//! Policies: what they apply to (every response, or intents by tag), their checks and their
//! checks `without auth`.

use super::ItemLowering;
use super::selectors::tag_expr;
use crate::globals::ValueKind;
use crate::scope::{BlockKind, Scope};
use intent_ir::{self as ir, PolicyLevel, PolicyScope};
use intent_syntax::ast::{self, Statement};

impl ItemLowering<'_, '_> {
    pub(super) fn policy(&mut self, p: &ast::Policy) -> ir::Policy {
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
            tags: p.tags.iter().map(|t| t.name.clone()).collect(),
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
}
