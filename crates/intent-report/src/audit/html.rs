//! The audit as one self-contained page in the style of the run's HTML report (no script, no
//! external file): the counts, a bar of the requirements by state, a table of requirements and
//! a table of items. Everything that came from the specs is escaped.

use super::age_text;
use super::terminal::{counts_text, latest_text};
use crate::html::{STYLE, escape};
use intent_ir::audit::{Audit, Coverage};
use std::fmt::Write;

/// The audit's bar segments in the colours of their states, beside the run report's style.
const BAR_STYLE: &str =
    ".bar span.passed { background: #1a7f37; } .bar span.not_run { background: #9a6700; }";

/// The CSS class of a state: the run report's colours (passed, failed, not run), one of these
/// fixed names, never text from the specs.
fn class(state: Coverage) -> &'static str {
    match state {
        Coverage::Verified => "passed",
        Coverage::Failing | Coverage::Uncovered => "failed",
        Coverage::Stale | Coverage::NotRun => "not_run",
    }
}

/// The audit as a complete HTML document. Ends with a newline.
pub fn html(audit: &Audit) -> String {
    let s = &audit.summary;
    let headline = format!("Intent audit: {}", super::headline(audit));
    let headline_class = if super::covered(audit) {
        "passed"
    } else {
        "failed"
    };
    let mut out = String::new();
    let _ = write!(
        out,
        "<!doctype html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>{headline}</title>\n<style>{STYLE}{BAR_STYLE}\n</style>\n</head>\n<body>\n<h1 class=\"{headline_class}\">{headline}</h1>\n"
    );
    let _ = writeln!(
        out,
        "<p class=\"muted\">{} · requirements are tags <code>@{}…</code> · a passing result older than {} is stale · as of {}</p>",
        escape(&counts_text(audit)),
        escape(&audit.requirement_prefix),
        escape(&age_text(audit.stale_after_s)),
        escape(&audit.as_of)
    );
    let _ = writeln!(
        out,
        "<table><tr><th class=\"n\">verified</th><th class=\"n\">failing</th><th class=\"n\">stale</th><th class=\"n\">not run</th><th class=\"n\">without a check</th><th class=\"n\">items</th><th class=\"n\">untraced items</th><th class=\"n\">checks</th></tr>\n<tr><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td></tr></table>",
        s.verified, s.failing, s.stale, s.not_run, s.uncovered, s.items, s.untraced, s.checks
    );
    if s.requirements > 0 {
        // One bar of the requirements, a segment per state, as wide as its share.
        out.push_str("<div class=\"bar\" style=\"display:flex\">");
        for (count, state) in [
            (s.verified, Coverage::Verified),
            (s.stale + s.not_run, Coverage::Stale),
            (s.failing + s.uncovered, Coverage::Failing),
        ] {
            if count > 0 {
                let width = count as f64 * 100.0 / s.requirements as f64;
                let _ = write!(
                    out,
                    "<span class=\"{}\" style=\"width:{width:.1}%\"></span>",
                    class(state)
                );
            }
        }
        out.push_str("</div>\n<h2>Requirements</h2>\n<table><tr><th></th><th>requirement</th><th>title</th><th class=\"n\">items</th><th class=\"n\">checks</th><th>oldest result</th></tr>\n");
        for r in &audit.requirements {
            let title = match (&r.title, r.unlisted) {
                (_, true) => {
                    "<span class=\"muted\">(not in the requirements list)</span>".to_owned()
                }
                (Some(title), false) => escape(title),
                (None, false) => String::new(),
            };
            let _ = writeln!(
                out,
                "<tr><td class=\"badge {}\">{}</td><td><code>{}</code></td><td>{title}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"muted\">{}</td></tr>",
                class(r.state),
                escape(r.state.as_str()),
                escape(&r.id),
                r.items.len(),
                r.checks,
                escape(r.oldest_result.as_deref().unwrap_or_default())
            );
        }
        out.push_str("</table>\n");
    }
    out.push_str("<h2>Items</h2>\n<table><tr><th></th><th>item</th><th>location</th><th>tags</th><th class=\"n\">checks</th><th>latest result</th></tr>\n");
    for item in &audit.items {
        let because = item.because.as_ref().map_or_else(String::new, |b| {
            format!("<p class=\"because\"><em>because</em> {}</p>", escape(b))
        });
        let tags: Vec<String> = item.tags.iter().map(|t| format!("@{t}")).collect();
        let _ = writeln!(
            out,
            "<tr><td class=\"badge {}\">{}</td><td>{} <strong>{}</strong>{because}</td><td class=\"muted\">{}</td><td><code>{}</code></td><td class=\"n\">{}</td><td>{}</td></tr>",
            class(item.state),
            escape(item.state.as_str()),
            escape(item.kind.as_str()),
            escape(&item.title),
            escape(&format!("{}:{}", item.file, item.line)),
            escape(&tags.join(" ")),
            item.checks,
            escape(&latest_text(audit, item))
        );
    }
    out.push_str("</table>\n</body>\n</html>\n");
    out
}
