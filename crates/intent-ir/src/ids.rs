//! Stable ids: derived from file and title (and, for checks, the text of the check), never
//! from line numbers, so inserting a line above an intent does not change any id.

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::fmt;

/// An id such as `specs/orders::a-shopper-can-place-an-order` or, for a check inside it,
/// `specs/orders::a-shopper-can-place-an-order#3f9a0c1e`.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, Debug)]
#[serde(transparent)]
pub struct StableId(pub String);

impl StableId {
    /// The id of an item: its file (without extension) and its title.
    pub fn item(file_stem: &str, title: &str) -> Self {
        StableId(format!("{file_stem}::{}", slug(title)))
    }

    /// The id of something inside an item, from its normalised text and its occurrence
    /// among identical texts in the same item.
    pub fn child(&self, text: &str, occurrence: usize) -> Self {
        let normalised: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
        let mut hasher = Sha256::new();
        hasher.update(self.0.as_bytes());
        hasher.update([0]);
        hasher.update(normalised.as_bytes());
        hasher.update((occurrence as u64).to_le_bytes());
        let digest = hasher.finalize();
        let hex: String = digest.iter().take(4).map(|b| format!("{b:02x}")).collect();
        StableId(format!("{}#{hex}", self.0))
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

/// Lower-case words joined by `-`: `A shopper can't pay!` → `a-shopper-can-t-pay`.
pub fn slug(title: &str) -> String {
    let mut out = String::with_capacity(title.len());
    for c in title.chars() {
        if c.is_alphanumeric() {
            out.extend(c.to_lowercase());
        } else if !out.ends_with('-') && !out.is_empty() {
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
        assert!(a.as_str().starts_with("specs/orders::a-shopper-can-t-pay#"));
    }
}
