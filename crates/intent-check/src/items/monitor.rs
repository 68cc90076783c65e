//! Monitors: their interval, what they run and where they alert.

use super::ItemLowering;
use super::requests::{expect_duration, expect_family};
use super::selectors::tag_expr;
use crate::scope::{BlockKind, Scope};
use crate::types::Family;
use intent_ir::{self as ir, Selector};
use intent_source::code;
use intent_syntax::ast::{self, Statement};

impl ItemLowering<'_, '_> {
    pub(super) fn monitor(&mut self, m: &ast::Monitor) -> ir::Monitor {
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
