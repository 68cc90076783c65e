//! Every `intent explain` text keeps its promise: its "Wrong" example reports the code it
//! explains, and its "Right" example does not (checked, then exported to k6 and Prometheus
//! rules, for the codes of the exports). A section may hold other files beside the
//! example, as fenced blocks whose info string names them (```` ```csv file=data/faq.csv ````);
//! they are written beside it first.

use intent_source::CODES;

/// Codes whose wrong case cannot be written as a spec in a text (bytes that are not UTF-8, a
/// NUL, an unreadable file, nesting or size past a limit): their "Wrong" shows it as `text`.
const UNSHOWABLE: &[&str] = &["E0001", "E0002", "E0031", "E0032", "E0035"];

/// One fenced block: its info string's language, its `file=` path, and its text.
struct Block<'a> {
    language: &'a str,
    file: Option<&'a str>,
    text: &'a str,
}

/// The fenced blocks of the section that starts at `heading` and ends at the next `## `.
fn section<'a>(explanation: &'a str, heading: &str) -> Vec<Block<'a>> {
    let Some(start) = explanation.find(heading) else {
        return Vec::new();
    };
    let body = &explanation[start + heading.len()..];
    let body = &body[..body.find("\n## ").unwrap_or(body.len())];
    let mut blocks = Vec::new();
    let mut rest = body;
    while let Some(open) = rest.find("```") {
        let after = &rest[open + 3..];
        let Some(info_end) = after.find('\n') else {
            break;
        };
        let info = &after[..info_end];
        let Some(len) = after[info_end + 1..].find("```") else {
            break;
        };
        let mut words = info.split_whitespace();
        blocks.push(Block {
            language: words.next().unwrap_or(""),
            file: words.find_map(|w| w.strip_prefix("file=")),
            text: &after[info_end + 1..info_end + 1 + len],
        });
        rest = &after[info_end + 1 + len + 3..];
    }
    blocks
}

/// The codes reported by checking the section's first `intent` block (at its `file=` path,
/// else `example.intent`), with the section's other files written beside it. `None` when the
/// section shows no spec.
fn codes_of(blocks: &[Block<'_>]) -> Option<Vec<String>> {
    let example = blocks.iter().position(|b| b.language == "intent")?;
    let dir = tempfile::tempdir().expect("a temporary folder");
    let place = |file: Option<&str>| dir.path().join(file.unwrap_or("example.intent"));
    for block in blocks {
        let path = place(block.file);
        std::fs::create_dir_all(path.parent().unwrap_or(dir.path())).expect("a folder");
        std::fs::write(&path, block.text).expect("the block is written");
    }
    let path = place(blocks[example].file);
    // A fenced block always ends its last line; E0030's file does not.
    let text = blocks[example].text;
    std::fs::write(&path, text.strip_suffix('\n').unwrap_or(text)).expect("rewritten");
    let checked = intent_tests::check_in(dir.path(), &[path]);
    // The codes of the exports (E4xxx) are reported when a spec that checks is exported.
    let mut exported = Vec::new();
    if !checked.diagnostics.iter().any(|d| d.is_error()) {
        exported.extend(
            intent_codegen::k6_scripts(&checked.plan)
                .err()
                .unwrap_or_default(),
        );
        exported.extend(
            intent_codegen::prometheus_rules(&checked.plan)
                .err()
                .unwrap_or_default(),
        );
    }
    Some(
        checked
            .diagnostics
            .iter()
            .chain(&exported)
            .map(|d| d.code.as_str().to_string())
            .collect(),
    )
}

#[test]
fn wrong_examples_report_their_code_and_right_examples_do_not() {
    let mut broken = Vec::new();
    for info in CODES {
        let code = info.code.as_str();
        let wrong = section(info.explanation, "## Wrong");
        let right = section(info.explanation, "## Right");
        if wrong.is_empty() || right.is_empty() {
            broken.push(format!("{code}: needs a wrong and a right example"));
            continue;
        }
        match codes_of(&wrong) {
            Some(codes) if !codes.iter().any(|c| c == code) => {
                broken.push(format!("{code}: the wrong example reports {codes:?}"));
            }
            None if !UNSHOWABLE.contains(&code) => {
                broken.push(format!("{code}: the wrong example shows no spec"));
            }
            Some(_) if UNSHOWABLE.contains(&code) => {
                broken.push(format!("{code}: now shows a spec; take it off UNSHOWABLE"));
            }
            _ => {}
        }
        if let Some(codes) = codes_of(&right)
            && codes.iter().any(|c| c == code)
        {
            broken.push(format!("{code}: the right example still reports {code}"));
        }
    }
    assert!(broken.is_empty(), "{}", broken.join("\n"));
}
