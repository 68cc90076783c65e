//! Byte offsets of the spec as LSP positions: a line and a character counted in UTF-16 code
//! units, as the protocol counts them by default.

use serde_json::{Value, json};

pub struct Positions<'t> {
    text: &'t str,
    /// The byte offset where each line starts.
    starts: Vec<usize>,
}

impl<'t> Positions<'t> {
    pub fn new(text: &'t str) -> Self {
        let starts = std::iter::once(0)
            .chain(text.match_indices('\n').map(|(i, _)| i + 1))
            .collect();
        Self { text, starts }
    }

    /// The position of a byte offset (clamped to the text, and to a character boundary).
    pub fn position(&self, offset: usize) -> Value {
        let (line, character) = self.line_character(offset);
        json!({"line": line, "character": character})
    }

    /// The line and UTF-16 character of a byte offset, clamped as [`Positions::position`].
    pub fn line_character(&self, offset: usize) -> (usize, usize) {
        let mut offset = offset.min(self.text.len());
        while !self.text.is_char_boundary(offset) {
            offset -= 1;
        }
        let line = self.starts.partition_point(|&s| s <= offset) - 1;
        let start = self.starts[line];
        let character: usize = self.text[start..offset].chars().map(char::len_utf16).sum();
        (line, character)
    }

    /// The byte offset of an LSP position; a line or character past the end is clamped to the
    /// end of the text or of the line, since an editor may ask about a place the server's
    /// copy of the text does not have yet.
    pub fn offset(&self, line: u32, character: u32) -> usize {
        let Some(&start) = self.starts.get(line as usize) else {
            return self.text.len();
        };
        let end = self
            .starts
            .get(line as usize + 1)
            .map_or(self.text.len(), |&next| next - 1);
        let mut units = 0;
        for (i, c) in self.text[start..end].char_indices() {
            if units >= character as usize {
                return start + i;
            }
            units += c.len_utf16();
        }
        end
    }

    pub fn range(&self, bytes: std::ops::Range<usize>) -> Value {
        json!({"start": self.position(bytes.start), "end": self.position(bytes.end)})
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn characters_are_counted_in_utf16_units() {
        let positions = Positions::new("ab\ncafé 𝄞x\n");
        assert_eq!(positions.position(0), json!({"line": 0, "character": 0}));
        assert_eq!(positions.position(3), json!({"line": 1, "character": 0}));
        // `é` is two bytes and one unit; `𝄞` four bytes and two units.
        assert_eq!(positions.position(9), json!({"line": 1, "character": 5}));
        assert_eq!(positions.position(13), json!({"line": 1, "character": 7}));
        assert_eq!(positions.position(999), json!({"line": 2, "character": 0}));
        assert_eq!(
            positions.position(5),
            json!({"line": 1, "character": 2}),
            "inside `é`: its start"
        );
    }

    #[test]
    fn positions_become_offsets_clamped_to_the_text() {
        let positions = Positions::new("ab\ncafé 𝄞x\n");
        assert_eq!(positions.offset(1, 5), 9);
        assert_eq!(positions.offset(1, 7), 13);
        assert_eq!(positions.offset(0, 99), 2, "past the line: its end");
        assert_eq!(positions.offset(9, 0), 15, "past the text: its end");
    }
}
