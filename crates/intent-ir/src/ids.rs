//! Stable ids: derived from file and title (and, for checks, the text of the check), never
//! from line numbers, so inserting a line above an intent does not change any id.

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::fmt;
use std::sync::Arc;

/// An id such as `specs/orders::a-shopper-can-place-an-order` or, for a check inside it,
/// `specs/orders::a-shopper-can-place-an-order#3f9a0c1e`.
///
/// Shared text: every check, request and result of a run carries its id, so a copy is a
/// reference count, not an allocation.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, Debug)]
#[serde(transparent)]
pub struct StableId(pub Arc<str>);

impl StableId {
    /// The id of an item: its file (without extension) and its title.
    pub fn item(file_stem: &str, title: &str) -> Self {
        StableId(format!("{file_stem}::{}", slug(title)).into())
    }

    /// The id of something inside an item, from its text (normalised first, see
    /// [`normalise`]) and its occurrence among identical texts in the same item.
    pub fn child(&self, text: &str, occurrence: usize) -> Self {
        self.child_of_normalised(&normalise(text), occurrence)
    }

    /// [`StableId::child`] of a text already normalised: the checker normalises each text
    /// once, to count its occurrences too.
    pub fn child_of_normalised(&self, normalised: &str, occurrence: usize) -> Self {
        use std::fmt::Write;
        let mut hasher = Sha256::new();
        hasher.update(self.0.as_bytes());
        hasher.update([0]);
        hasher.update(normalised.as_bytes());
        hasher.update((occurrence as u64).to_le_bytes());
        let digest = hasher.finalize();
        let mut id = String::with_capacity(self.0.len() + 9);
        id.push_str(&self.0);
        id.push('#');
        for byte in &digest[..4] {
            // Writing to a String cannot fail.
            let _ = write!(id, "{byte:02x}");
        }
        StableId(id.into())
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for StableId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// The words of `text` joined by single spaces: how a check's text is written does not
/// change its id.
pub fn normalise(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for word in text.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    out
}

/// Lower-case words joined by `-`: `A shopper can't pay!` → `a-shopper-can-t-pay`.
pub fn slug(title: &str) -> String {
    let mut out = String::with_capacity(title.len());
    for c in title.chars() {
        // ASCII first, as most titles are: the same answer as the Unicode tables give, without
        // them (every title is slugged as its item is checked).
        if c.is_ascii() {
            if c.is_ascii_alphanumeric() {
                out.push(c.to_ascii_lowercase());
                continue;
            }
        } else if c.is_alphanumeric() {
            out.extend(c.to_lowercase());
            continue;
        }
        if !out.ends_with('-') && !out.is_empty() {
            out.push('-');
        }
    }
    while out.ends_with('-') {
        out.pop();
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_depend_on_file_title_and_text_only() {
        let intent = StableId::item("specs/orders", "A shopper can't pay!");
        assert_eq!(intent.as_str(), "specs/orders::a-shopper-can-t-pay");
        let a = intent.child("status ==  201", 0);
        assert_eq!(
            a,
            intent.child("status == 201", 0),
            "whitespace does not matter"
        );
        assert_ne!(
            a,
            intent.child("status == 201", 1),
            "repeated checks differ"
        );
        assert_ne!(a, intent.child("status == 200", 0));
        // The exact id: history matches results across versions by it, so the hash (the
        // first four bytes of SHA-256 over id, NUL, text and occurrence) never changes.
        assert_eq!(a.as_str(), "specs/orders::a-shopper-can-t-pay#6ebbe3d4");
        assert_eq!(normalise("  status\t==\n 201 "), "status == 201");
        // Letters and digits of any script, lower-cased; everything else one `-`.
        assert_eq!(slug("Ärger über Café, Σ 12!"), "ärger-über-café-σ-12");
        assert_eq!(slug("--A_b  C--"), "a-b-c");
    }
}
