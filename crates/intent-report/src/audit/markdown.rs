//! The audit for a CI job page (`$GITHUB_STEP_SUMMARY`, a GitLab note) or a document: a
//! headline, the counts, a table of requirements and a table of items. Cells are escaped as in
//! the run's Markdown report.

use super::age_text;
use super::terminal::{counts_text, latest_text};
use crate::markdown::{code_cell, text_cell};
use intent_ir::audit::{Audit, Coverage};

/// The mark of a state in a table.
fn emoji(state: Coverage) -> &'static str {
    match state {
        Coverage::Verified => "✅",
        Coverage::Failing => "❌",
        Coverage::Stale => "⏳",
        Coverage::NotRun => "⚪",
        Coverage::Uncovered => "❓",
    }
}

/// The audit as Markdown. Ends with a newline.
pub fn markdown(audit: &Audit) -> String {
    let s = &audit.summary;
    let mut out = String::new();
    let mark = if super::covered(audit) { "✅" } else { "❌" };
    out.push_str(&format!(
        "## {mark} Intent audit: {}\n\n",
        super::headline(audit)
    ));
    out.push_str(&format!(
        "{}. Requirements are tags {}; a passing result older than {} is stale; as of {}.\n\n",
        counts_text(audit),
        code_cell(&format!("@{}…", audit.requirement_prefix)),
        age_text(audit.stale_after_s),
        audit.as_of
    ));
    out.push_str("| verified | failing | stale | not run | without a check | items | untraced items | checks |\n");
    out.push_str("| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n");
    out.push_str(&format!(
        "| {} | {} | {} | {} | {} | {} | {} | {} |\n",
        s.verified, s.failing, s.stale, s.not_run, s.uncovered, s.items, s.untraced, s.checks
    ));
    if !audit.requirements.is_empty() {
        out.push_str("\n### Requirements\n\n");
        out.push_str("| | requirement | title | state | items | checks | oldest result |\n");
        out.push_str("| --- | --- | --- | --- | ---: | ---: | --- |\n");
        for r in &audit.requirements {
            let title = match (&r.title, r.unlisted) {
                (_, true) => "*(not in the requirements list)*".to_owned(),
                (Some(title), false) => text_cell(title),
                (None, false) => String::new(),
            };
            out.push_str(&format!(
                "| {} | {} | {title} | {} | {} | {} | {} |\n",
                emoji(r.state),
                code_cell(&r.id),
                r.state.as_str(),
                r.items.len(),
                r.checks,
                text_cell(r.oldest_result.as_deref().unwrap_or_default())
            ));
        }
    }
    out.push_str("\n### Items\n\n");
    out.push_str("| | item | because | location | requirements | checks | latest result |\n");
    out.push_str("| --- | --- | --- | --- | --- | ---: | --- |\n");
    for item in &audit.items {
        let requirements: Vec<String> = item.requirements.iter().map(|r| code_cell(r)).collect();
        out.push_str(&format!(
            "| {} | {} {} | {} | {} | {} | {} | {} |\n",
            emoji(item.state),
            item.kind.as_str(),
            text_cell(&item.title),
            text_cell(item.because.as_deref().unwrap_or_default()),
            code_cell(&format!("{}:{}", item.file, item.line)),
            requirements.join(" "),
            item.checks,
            text_cell(&latest_text(audit, item))
        ));
    }
    out
}
