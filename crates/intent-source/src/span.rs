//! Byte spans into a source file.

use serde::{Deserialize, Serialize};
use std::fmt;

/// A half-open byte range `start..end` into one source file.
///
/// Offsets are `u32` because spec files are small and syntax trees hold many spans; the
/// parser refuses files that do not fit. Spans serialise as `"start..end"` so that syntax
/// tree snapshots stay readable.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Span {
    pub start: u32,
    pub end: u32,
}

impl Span {
    pub fn new(start: usize, end: usize) -> Self {
        Self {
            start: u32::try_from(start).unwrap_or(u32::MAX),
            end: u32::try_from(end).unwrap_or(u32::MAX),
        }
    }

    /// The empty span at `offset`, for "something is missing here" labels.
    pub fn at(offset: usize) -> Self {
        Self::new(offset, offset)
    }

    /// The smallest span covering both.
    pub fn to(self, other: Span) -> Span {
        Span {
            start: self.start.min(other.start),
            end: self.end.max(other.end),
        }
    }

    pub fn range(self) -> std::ops::Range<usize> {
        self.start as usize..self.end as usize
    }
}

impl fmt::Debug for Span {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}..{}", self.start, self.end)
    }
}

impl Serialize for Span {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(&format_args!("{}..{}", self.start, self.end))
    }
}

impl<'de> Deserialize<'de> for Span {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        let (start, end) = text
            .split_once("..")
            .ok_or_else(|| serde::de::Error::custom("a span is written start..end"))?;
        let parse = |n: &str| n.parse::<u32>().map_err(serde::de::Error::custom);
        Ok(Span {
            start: parse(start)?,
            end: parse(end)?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn span_serialises_as_range_text_and_back() {
        let span = Span::new(3, 17);
        let json = serde_json::to_string(&span).expect("serialise");
        assert_eq!(json, "\"3..17\"");
        let back: Span = serde_json::from_str(&json).expect("deserialise");
        assert_eq!(back, span);
        assert!(serde_json::from_str::<Span>("\"3-17\"").is_err());
    }

    #[test]
    fn to_covers_both_spans() {
        assert_eq!(Span::new(5, 8).to(Span::new(2, 6)), Span::new(2, 8));
    }
}
