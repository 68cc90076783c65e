//! The registry of diagnostic codes: each has a stable code, a short title and a long
//! explanation (shown by `intent explain CODE`), kept in `explain/CODE.md` beside this crate.

use crate::Severity;
use std::fmt;

/// A stable diagnostic code such as `E0003`. `E0xxx` syntax, `E1xxx` names and imports,
/// `E2xxx` types and units, `E3xxx` data and datasets, `W…` warnings.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Debug)]
pub struct Code(&'static str);

impl Code {
    pub fn as_str(self) -> &'static str {
        self.0
    }

    pub fn severity(self) -> Severity {
        if self.0.starts_with('W') {
            Severity::Warning
        } else {
            Severity::Error
        }
    }

    /// The registry entry of this code.
    pub fn info(self) -> &'static CodeInfo {
        CODES
            .iter()
            .find(|c| c.code == self)
            .expect("every Code constant has a registry entry")
    }

    /// Looks a code up by its text, case-insensitively (`e0003` finds `E0003`).
    pub fn parse(text: &str) -> Option<Code> {
        CODES
            .iter()
            .find(|c| c.code.0.eq_ignore_ascii_case(text.trim()))
            .map(|c| c.code)
    }
}

impl fmt::Display for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.0)
    }
}

impl serde::Serialize for Code {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.0)
    }
}

/// One registered code.
#[derive(Debug)]
pub struct CodeInfo {
    pub code: Code,
    pub title: &'static str,
    /// Markdown with a wrong and a right example.
    pub explanation: &'static str,
}

macro_rules! codes {
    ($($code:ident $name:ident $title:literal,)*) => {
        /// Named constants for every code, so stages say `code::UNCLOSED_DELIMITER` rather than
        /// a bare string.
        pub mod code {
            use super::Code;
            $(#[doc = $title] pub const $name: Code = Code(stringify!($code));)*
        }

        /// Every code, in order.
        pub static CODES: &[CodeInfo] = &[
            $(CodeInfo {
                code: code::$name,
                title: $title,
                explanation: include_str!(concat!("../explain/", stringify!($code), ".md")),
            },)*
        ];
    };
}

codes! {
    E0001 NOT_UTF8 "the file is not valid UTF-8 text",
    E0002 NUL_BYTE "the file contains a NUL byte",
    E0003 UNCLOSED_DELIMITER "a bracket is opened but never closed",
    E0004 UNMATCHED_DELIMITER "a closing bracket has no opening bracket",
    E0005 UNTERMINATED_STRING "a string is not closed on its line",
    E0006 UNTERMINATED_RAW_STRING "a raw string is not closed",
    E0007 UNTERMINATED_REGEX "a regex is not closed on its line",
    E0008 NESTING_TOO_DEEP "brackets or operators are nested too deeply",
    E0009 UNEXPECTED_INPUT "the parser found something it did not expect",
    E0010 UNKNOWN_ITEM "a top-level line does not start with a known keyword",
    E0011 UNKNOWN_STATEMENT "a line in a block does not start with a known statement keyword",
    E0012 MISSING_TITLE "an item needs a title in quotes",
    E0013 EXPECTED_EXPRESSION "an expression is missing",
    E0014 INVALID_ESCAPE "a string has an unknown escape sequence",
    E0015 UNKNOWN_UNIT "a number has an unknown unit",
    E0016 UNKNOWN_METHOD "a request uses an unknown HTTP method",
    E0017 CLAUSE_OUTSIDE_REQUEST "a request clause does not follow a `when` line",
    E0018 RAGGED_TABLE "rows of an examples table have different numbers of cells",
    E0019 TABLE_HEADER_NOT_NAME "a heading of an examples table is not a name",
    E0020 DUPLICATE_RESPONSE_OPTION "a request names its response or its type twice",
    E0021 EXPECTED_EQUALS "a definition is missing its `=`",
    E0022 INVALID_STEP_PATTERN "a step pattern has a malformed parameter",
    E0023 EMPTY_TAG "a tag has no name",
    E0024 TRAILING_INPUT "a line has more after a complete statement",
    E0025 EXPECTED_TYPE "a type is missing or malformed",
    E0026 UNKNOWN_POLICY_LEVEL "a policy level is not `fail`, `warn` or `off`",
    E0027 EXPECTED_BLOCK "an item is missing its `{ ... }` block",
    E0028 INVALID_REGEX_FLAG "a regex has an unknown flag",
    E0029 KEYWORD_AS_NAME "a keyword is used where a name is expected",
    E0030 UNEXPECTED_END "the file ends in the middle of an item",
    E0031 UNREADABLE_FILE "a spec file cannot be read",
    E0032 TOO_COMPLEX "an item is too complex to parse",
    E0033 MISPLACED_STATEMENT "a statement is not allowed in this kind of block",
    E0034 CONFLICTING_CLAUSES "a request has clauses that cannot go together",
    E0035 FILE_TOO_LARGE "a spec file is larger than the parser accepts",
    E1001 IMPORT_NOT_FOUND "a `use` names a file that does not exist",
    E1002 IMPORT_CYCLE "files import each other in a cycle",
    W0001 EMPTY_SPEC "a spec file has no items",
}
