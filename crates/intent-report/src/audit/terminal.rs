//! The audit for a person at a terminal: each requirement with its state, each item with what
//! it verifies and its latest result, and a closing line of counts.

use super::age_text;
use crate::TerminalOptions;
use crate::terminal::{DIM, GREEN, RED, YELLOW, paint};
use crate::text::one_line;
use intent_ir::audit::{Audit, AuditItem, Coverage, RequirementCoverage};

/// The longest title or `because` shown on a line.
const MAX_TEXT: usize = 500;

/// The mark and colour of a state: `✓` verified, `✗` failing, `~` stale, `-` not run, `?` no
/// check.
pub(crate) fn mark(state: Coverage) -> (&'static str, &'static str) {
    match state {
        Coverage::Verified => ("✓", GREEN),
        Coverage::Failing => ("✗", RED),
        Coverage::Stale => ("~", YELLOW),
        Coverage::NotRun => ("-", YELLOW),
        Coverage::Uncovered => ("?", RED),
    }
}

/// The audit as text: the requirements (when there are any), the items, and a line of
/// counts. Ends with a newline.
pub fn terminal(audit: &Audit, options: &TerminalOptions) -> String {
    let mut out = String::new();
    let settings = format!(
        "tags @{}…, stale after {}, as of {}",
        audit.requirement_prefix,
        age_text(audit.stale_after_s),
        audit.as_of
    );
    if audit.requirements.is_empty() {
        out.push_str(&format!(
            "requirements: none ({})\n",
            paint(&settings, DIM, options)
        ));
    } else {
        out.push_str(&format!(
            "requirements ({}):\n",
            paint(&settings, DIM, options)
        ));
        let width = audit
            .requirements
            .iter()
            .map(|r| r.id.chars().count())
            .max()
            .unwrap_or(0)
            .min(40);
        for requirement in &audit.requirements {
            requirement_line(&mut out, requirement, width, options);
        }
    }
    out.push_str("\nitems:\n");
    for item in &audit.items {
        item_lines(&mut out, audit, item, options);
    }
    out.push('\n');
    out.push_str(&summary_line(audit, options));
    out
}

fn requirement_line(
    out: &mut String,
    requirement: &RequirementCoverage,
    width: usize,
    options: &TerminalOptions,
) {
    let (symbol, colour) = mark(requirement.state);
    let mut parts = Vec::new();
    if let Some(title) = &requirement.title {
        parts.push(one_line(title, MAX_TEXT));
    }
    if requirement.unlisted {
        parts.push("not in the requirements list".to_owned());
    }
    parts.push(match requirement.items.len() {
        0 => "no item carries it".to_owned(),
        n => format!(
            "{n} item{}, {} check{}",
            plural(n),
            requirement.checks,
            plural(requirement.checks)
        ),
    });
    if let Some(at) = &requirement.oldest_result {
        parts.push(format!("oldest result {at}"));
    }
    out.push_str(&format!(
        "  {} {:<width$}  {:<9} {}\n",
        paint(symbol, colour, options),
        one_line(&requirement.id, 200),
        requirement.state.as_str(),
        parts.join(" · ")
    ));
}

fn item_lines(out: &mut String, audit: &Audit, item: &AuditItem, options: &TerminalOptions) {
    let (symbol, colour) = mark(item.state);
    out.push_str(&format!(
        "  {} {}  {} {}\n",
        paint(symbol, colour, options),
        item.kind.as_str(),
        one_line(&item.title, MAX_TEXT),
        paint(&format!("({}:{})", item.file, item.line), DIM, options)
    ));
    if let Some(because) = &item.because {
        out.push_str(&format!("      because {}\n", one_line(because, MAX_TEXT)));
    }
    let mut parts = Vec::new();
    if !item.tags.is_empty() {
        let tags: Vec<String> = item.tags.iter().map(|t| format!("@{t}")).collect();
        parts.push(one_line(&tags.join(" "), MAX_TEXT));
    }
    parts.push(format!("{} check{}", item.checks, plural(item.checks)));
    parts.push(latest_text(audit, item));
    out.push_str(&format!(
        "      {}\n",
        paint(&parts.join(" · "), DIM, options)
    ));
}

/// What the item's latest result says: `passed 2026-11-25T10:00:00.000Z`, `stale (older
/// than 7d): passed …`, `not run`, `no check`, `no check (passed …)` for an item that ran but
/// checks nothing.
pub(crate) fn latest_text(audit: &Audit, item: &AuditItem) -> String {
    let Some(latest) = &item.latest else {
        return item.state.as_str().to_owned();
    };
    let mut text = format!("{} {}", latest.status.as_str(), latest.at);
    if latest.rows_not_run > 0 {
        text.push_str(&format!(
            ", {} example row{} not run",
            latest.rows_not_run,
            plural(latest.rows_not_run)
        ));
    }
    match item.state {
        Coverage::Stale => format!(
            "stale (older than {}): {text}",
            age_text(audit.stale_after_s)
        ),
        Coverage::Uncovered => format!("no check ({text})"),
        _ => text,
    }
}

/// `✓ 3 requirements: 3 verified, … · 4 items, …` (`✗` unless every requirement is verified,
/// `-` when none is traced).
pub(crate) fn summary_line(audit: &Audit, options: &TerminalOptions) -> String {
    let s = &audit.summary;
    let (symbol, colour, counts) = if audit.requirements.is_empty() {
        (
            "-",
            YELLOW,
            format!(
                "{} (no tag @{}…)",
                super::headline(audit),
                audit.requirement_prefix
            ),
        )
    } else if super::covered(audit) {
        ("✓", GREEN, counts_text(audit))
    } else {
        ("✗", RED, counts_text(audit))
    };
    format!(
        "{} {counts} · {} item{}, {} trace no requirement · {} check{}\n",
        paint(symbol, colour, options),
        s.items,
        plural(s.items),
        s.untraced,
        s.checks,
        plural(s.checks)
    )
}

/// `3 requirements: 1 verified, 1 failing, 0 stale, 0 not run, 1 without a check`.
pub fn counts_text(audit: &Audit) -> String {
    let s = &audit.summary;
    format!(
        "{} requirement{}: {} verified, {} failing, {} stale, {} not run, {} without a check",
        s.requirements,
        plural(s.requirements),
        s.verified,
        s.failing,
        s.stale,
        s.not_run,
        s.uncovered
    )
}

pub(crate) fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}
