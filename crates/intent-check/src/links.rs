//! Links: a request whose path is a value computed at run time, `when GET shop (EXPR)`, such as
//! the `Location` header of an earlier response. The value must be text; a literal must be a
//! path (`/…`) or an absolute URL, as it would be refused when sent.

use crate::context::Context;
use crate::scope::Scope;
use crate::types::Family;
use intent_ir::{Expr, ExprKind, Literal};
use intent_source::{FileId, code};
use intent_syntax::ast;

impl Context<'_> {
    /// Lowers the expression of a link, refusing values that can never be a path or URL.
    pub(crate) fn link(&mut self, file: FileId, scope: &mut Scope, e: &ast::Expr) -> Expr {
        let link = self.expr(file, scope, e);
        let family = self.type_table().family(&link.ty);
        if !matches!(family, Family::Text | Family::Dynamic) {
            let d = self
                .error(
                    code::TYPE_MISMATCH,
                    format!("a link is a path or URL, but this is {}", family.noun()),
                    file,
                    link.span,
                )
                .with_label(format!("this is {}", family.noun()))
                .with_help(
                    "follow a path or URL as text, such as a header: \
                     `(created.headers[\"Location\"])`",
                );
            self.report(d);
        } else if let ExprKind::Literal {
            value: Literal::String(text),
        } = &link.kind
            && !text.starts_with('/')
            && !text.contains("://")
        {
            let d = self
                .error(
                    code::INVALID_PATH,
                    "a link must be a path starting with `/` or an absolute URL",
                    file,
                    link.span,
                )
                .with_label("neither a path nor a URL")
                .with_help(format!("write the path with its slash: `\"/{text}\"`"));
            self.report(d);
        }
        link
    }
}
