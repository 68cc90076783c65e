//! The syntax of Intent: the pest grammar, the typed syntax tree and syntax diagnostics.
//!
//! [`parse`] turns the text of one file into a [`SpecFile`] and a list of diagnostics. It
//! never panics and never fails as a whole: a file with errors still yields the items that
//! parsed, so later stages and editors can work with the rest.

pub mod ast;
mod errors;
mod format;
mod grammar;
mod lower;
mod parse;
mod scan;

pub use ast::SpecFile;
pub use format::{FormatError, format};
pub use grammar::{KEYWORDS, RESERVED};
pub use parse::{
    LeftOut, MAX_FILE_BYTES, Parsed, Reparse, parse, parse_tag_expr, parse_without_intents,
};
pub use scan::MAX_NESTING;
