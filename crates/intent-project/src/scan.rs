//! The files a spec names, found without parsing it: the project layer reads them into the
//! tree before the compiler runs. A `use` or `dataset` item starts a line, and its path is the
//! first string on it, so a scan of line starts finds them all; a line inside a raw string that
//! happens to look like one only makes the tree hold a file nobody imports.

/// The paths a spec's `use` lines, `dataset` items and multipart `file(…)` parts name, in
/// order.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct References {
    pub uses: Vec<String>,
    pub datasets: Vec<String>,
    pub attachments: Vec<String>,
}

/// Finds the `use`, `dataset` and `file(…)` paths of a spec's text. A `file(` inside a string
/// or comment only makes the tree look at a file nobody sends.
pub fn references(text: &str) -> References {
    let mut found = References::default();
    let mut rest = text;
    while let Some(at) = rest.find("file(") {
        let glued = rest[..at]
            .chars()
            .next_back()
            .is_some_and(|c| c.is_ascii_alphanumeric() || c == '_');
        let after = &rest[at + "file(".len()..];
        if !glued {
            found.attachments.extend(first_string(after));
        }
        rest = after;
    }
    for line in text.lines() {
        let line = line.trim_start();
        if let Some(rest) = keyword(line, "use") {
            found.uses.extend(first_string(rest));
        } else if let Some(rest) = keyword(line, "dataset")
            && let Some((_, after)) = rest.split_once('=')
        {
            found.datasets.extend(first_string(after));
        }
    }
    found
}

/// The rest of `line` after `word` and whitespace, when the line starts with that word.
fn keyword<'l>(line: &'l str, word: &str) -> Option<&'l str> {
    let rest = line.strip_prefix(word)?;
    rest.starts_with(char::is_whitespace).then_some(rest)
}

/// The first `"…"` string of `text`, with its escapes resolved; `None` when there is none or
/// it interpolates a value (`{…}`), which a file path cannot.
fn first_string(text: &str) -> Option<String> {
    let body = text.trim_start().strip_prefix('"')?;
    let mut out = String::new();
    let mut chars = body.chars();
    while let Some(c) = chars.next() {
        match c {
            '"' => return Some(out),
            '{' => return None,
            '\\' => match chars.next()? {
                'n' => out.push('\n'),
                't' => out.push('\t'),
                other => out.push(other),
            },
            other => out.push(other),
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn files_of_multipart_bodies_are_found_anywhere() {
        let text = r#"intent "x" {
  when POST api /upload
    multipart { name: "Ada", avatar: file("avatars/ada.png"), cv: file(
      "cv.pdf", "application/pdf") }
  then profile(1) == 2
}
"#;
        assert_eq!(references(text).attachments, ["avatars/ada.png", "cv.pdf"]);
    }

    #[test]
    fn uses_and_datasets_are_found_at_line_starts() {
        let text = r#"spec "x"
use "common.intent"
  use "../shared/auth.intent"   # indented still counts
dataset faq = "data/faq.jsonl" {
  question: string
}
let usefulness = "use \"not.intent\""
intent "x" { when GET shop /use }
use "{interpolated}.intent"
"#;
        assert_eq!(
            references(text),
            References {
                uses: vec!["common.intent".into(), "../shared/auth.intent".into()],
                datasets: vec!["data/faq.jsonl".into()],
                attachments: Vec::new(),
            }
        );
    }
}
