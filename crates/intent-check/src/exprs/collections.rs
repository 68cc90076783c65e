//! Lists, objects and the quantifiers `every` and `some` over lists.

use super::{make, widen};
use crate::context::Context;
use crate::scope::{LocalKind, Scope};
use intent_ir::{Expr, ExprKind, FieldType, ObjectEntry, Quantifier, Type};
use intent_source::{FileId, Span, code};
use intent_syntax::ast;

impl Context<'_> {
    pub(super) fn list(
        &mut self,
        file: FileId,
        scope: &mut Scope,
        items: &[ast::Expr],
        span: Span,
    ) -> Expr {
        let items: Vec<Expr> = items.iter().map(|i| self.expr(file, scope, i)).collect();
        let table = self.type_table();
        let item = match items.first() {
            Some(first)
                if items
                    .iter()
                    .all(|i| table.family(&i.ty) == table.family(&first.ty)) =>
            {
                widen(&first.ty)
            }
            Some(_) => Type::Json,
            None => Type::Any,
        };
        let secret = items.iter().any(|i| i.secret);
        make(ExprKind::List { items }, Type::list(item), secret, span)
    }

    pub(super) fn object(
        &mut self,
        file: FileId,
        scope: &mut Scope,
        entries: &[ast::ObjectEntry],
        span: Span,
    ) -> Expr {
        let mut out: Vec<ObjectEntry> = Vec::new();
        let mut fields = Vec::new();
        for entry in entries {
            if let Some(first) = entries
                .iter()
                .find(|e| e.key.name == entry.key.name)
                .filter(|e| e.key.span != entry.key.span)
            {
                if first.key.span.start < entry.key.span.start {
                    let d = self
                        .error(
                            code::DUPLICATE_DEFINITION,
                            format!("the key `{}` appears twice", entry.key.name),
                            file,
                            entry.key.span,
                        )
                        .with_label("again here")
                        .with_secondary(file, first.key.span, "first here")
                        .with_help("keep one of them");
                    self.report(d);
                    continue;
                }
            }
            let value = self.expr(file, scope, &entry.value);
            fields.push(FieldType {
                name: entry.key.name.clone(),
                ty: widen(&value.ty),
                optional: false,
            });
            out.push(ObjectEntry {
                key: entry.key.name.clone(),
                value,
            });
        }
        let secret = out.iter().any(|e| e.value.secret);
        make(
            ExprKind::Object { entries: out },
            Type::Record {
                fields,
                exact: false,
            },
            secret,
            span,
        )
    }

    /// `every x in LIST has …` and `some x in LIST has …`: the variable is declared for the
    /// condition only.
    #[allow(clippy::too_many_arguments)]
    pub(super) fn quantifier(
        &mut self,
        file: FileId,
        scope: &mut Scope,
        kind: ast::Quantifier,
        var: &ast::Ident,
        collection: &ast::Expr,
        predicate: &ast::Expr,
        span: Span,
    ) -> Expr {
        let collection = self.expr(file, scope, collection);
        let element = self
            .type_table()
            .element(&collection.ty)
            .unwrap_or_else(|| {
                let noun = self.type_table().family(&collection.ty).noun();
                let d = self
                    .error(
                        code::TYPE_MISMATCH,
                        format!(
                            "`{}` needs a list, but this is {noun}",
                            if kind == ast::Quantifier::Every {
                                "every"
                            } else {
                                "some"
                            }
                        ),
                        file,
                        collection.span,
                    )
                    .with_label("not a list")
                    .with_help("quantifiers range over lists, such as `body.items`");
                self.report(d);
                Type::Any
            });
        let mark = scope.mark();
        self.declare(
            file,
            scope,
            &var.name,
            var.span,
            LocalKind::Loop,
            element,
            collection.secret,
        );
        let predicate = self.expr(file, scope, predicate);
        self.expect_bool(file, &predicate, "the condition of a quantifier");
        scope.truncate(mark);
        let secret = collection.secret || predicate.secret;
        make(
            ExprKind::Quantifier {
                quantifier: if kind == ast::Quantifier::Every {
                    Quantifier::Every
                } else {
                    Quantifier::Some
                },
                var: var.name.clone(),
                collection: Box::new(collection),
                predicate: Box::new(predicate),
            },
            Type::Bool,
            secret,
            span,
        )
    }
}
