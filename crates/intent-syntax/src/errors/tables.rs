//! The words the diagnoses know: keywords by where they start a line, words a line cannot do
//! without, and the words other test tools use for what Intent writes differently.

/// The keywords that start a statement.
pub(super) const STATEMENT_KEYWORDS: [&str; 15] = [
    "because", "given", "when", "then", "and", "expect", "examples", "yield", "score", "classify",
    "arrive", "users", "without", "run", "alert",
];

/// The keywords that start a request clause: the diagnoses know them, and the formatter
/// indents a line that starts with one under its `when`.
pub(crate) const CLAUSE_KEYWORDS: [&str; 9] = [
    "header",
    "query",
    "json",
    "form",
    "multipart",
    "body",
    "auth",
    "timeout",
    "retry",
];

/// Keywords that a line cannot do without, with the form of the line that needs them. When
/// one of them is expected, the line is not complete, whatever else could also follow.
pub(super) const REQUIRED_KEYWORDS: [(&str, &str); 12] = [
    ("times", "`retry 3 times every 500ms until status == 200`"),
    ("until", "`retry 3 times every 500ms until status == 200`"),
    ("for", "`arrive 200/s for 30s` or `users 50 for 1m`"),
    ("against", "`classify body.label against case.label`"),
    ("failures", "`alert webhook URL after 2 failures`"),
    ("has", "`every item in body.items has item.qty > 0`"),
    ("confidence", "`expect accuracy >= 90% at 95% confidence`"),
    (
        "applies",
        "`policy \"Title\" level warn applies to every response`",
    ),
    (
        "to",
        "`policy \"Title\" level warn applies to every response`",
    ),
    ("tagged", "`intents tagged @smoke`"),
    (
        "with",
        "`body.sku starts with \"AB-\"` or `ends with \"...\"`",
    ),
    ("as", "`evaluate \"Title\" over DATASET as ROW { ... }`"),
];

/// Words from other test tools that people write for an item, with what Intent says instead.
pub(super) const ITEM_SYNONYMS: [(&[&str], &str); 5] = [
    (
        &["test", "scenario", "feature", "describe", "it", "case"],
        "a behaviour to check is written `intent \"Title\" { ... }`",
    ),
    (
        &["import", "include", "require"],
        "to import another spec, write `use \"path.intent\"`",
    ),
    (
        &["const", "var", "val", "define"],
        "a constant is written `let NAME = VALUE`",
    ),
    (
        &["struct", "schema", "model", "record", "interface"],
        "a named type is written `type NAME { field: type }` or `type NAME = TYPE`",
    ),
    (
        &["env", "password"],
        "a secret is written `secret NAME = env(\"VARIABLE\")`",
    ),
];

/// Words from other test tools that people write for a statement, with what Intent says.
pub(super) const STATEMENT_SYNONYMS: [(&[&str], &str); 4] = [
    (
        &["assert", "check", "verify", "ensure", "should"],
        "a check starts with `then`, `and` or `expect`",
    ),
    (&["but", "But"], "further checks start with `and`"),
    (&["setup", "before"], "a precondition starts with `given`"),
    (
        &["request", "send", "call"],
        "a request or an action starts with `when`",
    ),
];

/// The help for a word that another tool uses for what Intent writes differently.
pub(super) fn synonym(word: &str, table: &[(&[&str], &str)]) -> Option<String> {
    table
        .iter()
        .find(|(words, _)| words.contains(&word))
        .map(|(_, help)| help.to_string())
}

/// Places where one of a few words must come, with the forms to show.
pub(super) const ALTERNATIVES: [(&str, &str); 7] = [
    (
        "all",
        "write `run all`, `run intents tagged @smoke` or `run \"Title\"`",
    ),
    (
        "bearer",
        "write `auth bearer TOKEN` or `auth basic USER, PASSWORD`",
    ),
    (
        "intents",
        "a policy applies to `every response`, `every response from TARGET` or `intents tagged @tag`",
    ),
    (
        "response",
        "write `every response` or `every response from TARGET`",
    ),
    (
        "every",
        "a monitor reads `monitor \"Title\" every 5m { ... }`",
    ),
    ("@", "tags are written with `@`, such as `@smoke`"),
    (
        "?",
        "a field reads `name: type`, or `name?: type` when it may be absent",
    ),
];
