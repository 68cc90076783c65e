//! The registry of diagnostic codes: each has a stable code, a short title and a long
//! explanation (shown by `intent explain CODE`), kept in `explain/CODE.md` beside this crate.

use crate::Severity;
use std::fmt;

/// A stable diagnostic code such as `E0003`. `E0xxx` syntax, `E1xxx` names and imports,
/// `E2xxx` types and units, `E3xxx` data and datasets, `E4xxx` exports to other tools
/// (`intent compile --emit k6`, `prometheus-rules`), `W…` warnings.
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
    E0036 INVALID_PATH "a request path does not start with `/`",
    E1001 IMPORT_NOT_FOUND "a `use` names a file that does not exist",
    E1002 IMPORT_CYCLE "files import each other in a cycle",
    E1003 UNKNOWN_NAME "a name is not defined",
    E1004 DUPLICATE_DEFINITION "a name is defined twice",
    E1005 SHADOWED_NAME "a name hides another definition of the same name",
    E1006 USED_BEFORE_DEFINITION "a name is used before the line that defines it",
    E1007 UNKNOWN_TARGET "a request or policy names a target that is not defined",
    E1008 UNKNOWN_TYPE "a type name is not defined",
    E1009 UNKNOWN_STEP "a step call matches no step pattern",
    E1010 AMBIGUOUS_STEP "a step call matches several step patterns",
    E1011 RECURSIVE_STEP "steps call each other in a cycle",
    E1012 UNKNOWN_DATASET "an evaluation names a dataset that is not defined",
    E1013 UNKNOWN_FUNCTION "a call names a function that does not exist",
    E1014 DUPLICATE_TITLE "two items of the same kind have the same title",
    E1015 UNKNOWN_TITLE "a monitor runs a title that no item has",
    E1016 IMPORT_OUTSIDE_ROOT "a `use` names a file outside the project root",
    E2001 TYPE_MISMATCH "a value has a different type than the place it is used in",
    E2002 UNIT_MISMATCH "a number is missing its unit or has the wrong one",
    E2003 UNKNOWN_FIELD "a field is not part of the type",
    E2004 INVALID_REGEX "a regex does not compile",
    E2005 INCONSISTENT_COLUMN "the cells of an examples column have different types",
    E2006 AGGREGATE_OUTSIDE_EXPECT "an aggregate is used outside an `expect` of an evaluation or load block",
    E2007 CONFIDENCE_NOT_ON_RATE "`at N% confidence` is used on something that is not a rate",
    E2008 WRONG_ARGUMENT_COUNT "a function is called with the wrong number of arguments",
    E2009 STEP_ARGUMENT_TYPE "a step is called with an argument of the wrong type",
    E2010 INVALID_REFINEMENT "a refinement does not fit the type it refines",
    E2011 CHECK_NOT_BOOLEAN "a check is not a true-or-false expression",
    E2012 STEP_RESULT "a step's result does not match its declared type",
    E2013 NO_RESPONSE "a check reads the response before any request",
    E2014 LOAD_MODEL "a load block needs exactly one `arrive` or `users` line and one request",
    E2015 TARGET_CLAUSE "a target's defaults hold a clause that only a request can have",
    E2016 IMPOSSIBLE_VALUE "a value is compared with a string its type can never hold",
    E2017 IMPOSSIBLE_REFINEMENT "a type's refinements leave no value",
    E2018 SECRET_IN_SPEC "a secret's value is written in the spec instead of read from the environment",
    E3001 DATASET_NOT_FOUND "a dataset file does not exist",
    E3002 DATASET_OUTSIDE_ROOT "a dataset path leaves the project root",
    E3003 DATASET_FORMAT "a dataset file is neither CSV nor JSON Lines",
    E3004 DATASET_MISSING_COLUMN "a dataset file lacks a declared column",
    E3005 DATASET_BAD_VALUE "a dataset value does not fit its column's type",
    E3006 DATASET_MALFORMED "a dataset file cannot be read as CSV or JSON Lines",
    E3007 UNKNOWN_COLUMN "an evaluation reads a column the dataset does not declare",
    E3008 ATTACHMENT_UNREADABLE "a file a multipart body sends is missing, outside the project or not a regular file",
    E4001 K6_CONFIDENCE "`at N% confidence` has no equivalent in a k6 threshold",
    E4002 NOT_EXPORTABLE "a construct has no equivalent in the format it is exported to",
    W0001 EMPTY_SPEC "a spec file has no items",
    W1001 TAG_SELECTS_NOTHING "a tag selector matches no intent",
    W1002 UNUSED_NAME "a definition or capture is never used",
    W3001 EMPTY_DATASET "a dataset file has no rows",
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn every_explanation_has_its_title_and_a_wrong_and_right_example() {
        for info in CODES {
            let heading = format!("# {}: {}", info.code, info.title);
            assert!(
                info.explanation.starts_with(&heading),
                "explain/{}.md must start with `{heading}`",
                info.code
            );
            for section in ["## Wrong", "## Right"] {
                assert!(
                    info.explanation.contains(section),
                    "explain/{}.md has no `{section}` section",
                    info.code
                );
            }
        }
    }

    #[test]
    fn codes_are_unique_and_sorted_within_their_letter() {
        let mut seen = HashSet::new();
        for info in CODES {
            let text = info.code.as_str();
            assert!(seen.insert(text), "{text} is registered twice");
            assert!(
                text.len() == 5
                    && text.starts_with(['E', 'W'])
                    && text[1..].bytes().all(|b| b.is_ascii_digit()),
                "{text} is not a letter followed by four digits"
            );
        }
        for letter in ['E', 'W'] {
            let group: Vec<&str> = CODES
                .iter()
                .map(|c| c.code.as_str())
                .filter(|c| c.starts_with(letter))
                .collect();
            for pair in group.windows(2) {
                assert!(
                    pair[0] < pair[1],
                    "{} is listed before {}",
                    pair[0],
                    pair[1]
                );
            }
        }
    }

    #[test]
    fn parse_finds_codes_case_insensitively() {
        assert_eq!(Code::parse(" e0011 "), Some(code::UNKNOWN_STATEMENT));
        assert_eq!(Code::parse("E9999"), None);
    }
}
