//! The JSON report: the [`RunResult`] itself, the stable `intent-results/1` schema.

use crate::ReportError;
use intent_ir::{RESULTS_FORMAT, RunResult};

/// The results as pretty-printed JSON, field for field (see `docs/reports.md`). Ends without a
/// newline.
pub fn json(result: &RunResult) -> String {
    pretty(result, RESULTS_FORMAT)
}

/// `value` as pretty-printed JSON, without a trailing newline.
pub(crate) fn pretty(value: &impl serde::Serialize, format: &str) -> String {
    match serde_json::to_string_pretty(value) {
        Ok(text) => text,
        // Serialising plain structs with string keys cannot fail; should it ever, the output
        // is still JSON of the format and says why.
        Err(e) => serde_json::json!({ "format": format, "error": e.to_string() }).to_string(),
    }
}

/// Reads results written by [`json`], refusing other formats.
pub fn parse_json(text: &str) -> Result<RunResult, ReportError> {
    let result: RunResult = serde_json::from_str(text)?;
    check_format(&result)?;
    Ok(result)
}

/// Whether the results are in the format this version reads ([`RESULTS_FORMAT`]).
pub fn check_format(result: &RunResult) -> Result<(), ReportError> {
    if result.format == RESULTS_FORMAT {
        Ok(())
    } else {
        Err(ReportError::Format {
            found: result.format.clone(),
            expected: RESULTS_FORMAT,
        })
    }
}
