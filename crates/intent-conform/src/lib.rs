//! Whether data fits the plan's types: JSON values against a [`Type`](intent_ir::Type)
//! (`-> Type`, `is Type`, step parameters), dataset rows read from CSV or JSON Lines, and the
//! regex literals that pattern refinements and `matches` use.
//!
//! The checker applies these rules before anything runs (literal arguments, the first rows of a
//! dataset) and the runner applies them to what the system answered, so both must apply the
//! same code; it lives here, beside the plan but not in it, because `intent-ir` is the plan's
//! types and their (de)serialisation only.

mod conform;
mod data;

/// A plan without named types, for the unit tests of both modules.
#[cfg(test)]
struct NoTypes;

#[cfg(test)]
impl TypeLookup for NoTypes {
    fn lookup(&self, _: &str) -> Option<&intent_ir::Type> {
        None
    }
}

pub use conform::{TypeLookup, conform};
pub use data::{DataError, Row, Rows, format_of, read_rows};

use regex::Regex;

/// Compiles a regex literal with its flags (`i m s x`), the one way every stage does it.
pub fn compile_regex(pattern: &str, flags: &str) -> Result<Regex, regex::Error> {
    if flags.is_empty() {
        Regex::new(pattern)
    } else {
        Regex::new(&format!("(?{flags}){pattern}"))
    }
}
