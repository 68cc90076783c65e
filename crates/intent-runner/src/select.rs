//! Which items a run executes: by tag expression, by title, and by deterministic shard.

use intent_ir::{Selector, StableId, TagExpr};
use sha2::{Digest, Sha256};

/// `--shard K/N`: this is shard `index` (1-based) of `count`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Shard {
    pub index: u32,
    pub count: u32,
}

impl Shard {
    /// Parses `K/N` with 1 ≤ K ≤ N.
    pub fn parse(text: &str) -> Result<Shard, String> {
        let (k, n) = text
            .split_once('/')
            .ok_or("a shard is written K/N, for example 2/4")?;
        let (index, count): (u32, u32) = (
            k.trim()
                .parse()
                .map_err(|_| format!("`{k}` is not a shard number"))?,
            n.trim()
                .parse()
                .map_err(|_| format!("`{n}` is not a shard count"))?,
        );
        if count == 0 || index == 0 || index > count {
            return Err(format!("shard {index}/{count}: K must be between 1 and N"));
        }
        Ok(Shard { index, count })
    }

    /// Whether an item belongs to this shard. The partition hashes the stable id, so adding
    /// an intent never moves the others between shards.
    pub fn contains(&self, id: &StableId) -> bool {
        let digest = Sha256::digest(id.as_str().as_bytes());
        let n = u32::from_le_bytes([digest[0], digest[1], digest[2], digest[3]]);
        n % self.count == self.index - 1
    }
}

/// What to run. An empty selection runs everything.
#[derive(Clone, Debug, Default)]
pub struct Selection {
    pub tags: Option<TagExpr>,
    /// Case-insensitive parts of titles; an item matching any is selected.
    pub names: Vec<String>,
    /// Stable ids; an item with any of them is selected (an intent with all its rows).
    pub ids: Vec<String>,
    pub shard: Option<Shard>,
    /// A monitor's `run` lines: an item matching any is selected; empty selects all.
    pub selectors: Vec<Selector>,
}

impl Selection {
    pub fn selects(&self, id: &StableId, title: &str, tags: &[String]) -> bool {
        self.tags.as_ref().is_none_or(|t| t.matches(tags))
            && (self.names.is_empty() || {
                let lower = title.to_lowercase();
                self.names.iter().any(|n| lower.contains(&n.to_lowercase()))
            })
            && (self.ids.is_empty() || self.ids.iter().any(|i| i == id.as_str()))
            && self.shard.is_none_or(|s| s.contains(id))
            && (self.selectors.is_empty()
                || self.selectors.iter().any(|s| match s {
                    Selector::All => true,
                    Selector::Tagged { tags: expr } => expr.matches(tags),
                    Selector::Title { title: wanted } => wanted == title,
                }))
    }

    /// Whether the selection picks items by tag, title, id or `run` line (not only by shard).
    pub fn narrows(&self) -> bool {
        self.tags.is_some()
            || !self.names.is_empty()
            || !self.ids.is_empty()
            || !self.selectors.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shards_partition_ids_deterministically() {
        let ids: Vec<StableId> = (0..200)
            .map(|i| StableId(format!("specs/a::intent-{i}").into()))
            .collect();
        let shards: Vec<Shard> = (1..=3).map(|k| Shard { index: k, count: 3 }).collect();
        for id in &ids {
            assert_eq!(
                shards.iter().filter(|s| s.contains(id)).count(),
                1,
                "{id} is in exactly one shard"
            );
        }
        assert!(
            shards
                .iter()
                .all(|s| ids.iter().filter(|id| s.contains(id)).count() > 30)
        );
        assert_eq!(Shard::parse("2/3"), Ok(Shard { index: 2, count: 3 }));
        assert!(
            Shard::parse("0/3").is_err()
                && Shard::parse("4/3").is_err()
                && Shard::parse("x").is_err()
        );
    }

    #[test]
    fn tags_and_names_select() {
        let smoke = TagExpr::And(
            Box::new(TagExpr::Tag("smoke".into())),
            Box::new(TagExpr::Not(Box::new(TagExpr::Tag("slow".into())))),
        );
        let selection = Selection {
            tags: Some(smoke),
            names: vec!["ORDER".into()],
            ..Selection::default()
        };
        let id = StableId("a::b".into());
        assert!(selection.selects(&id, "Place an order", &["smoke".into()]));
        assert!(!selection.selects(&id, "Place an order", &["smoke".into(), "slow".into()]));
        assert!(!selection.selects(&id, "Browse the catalog", &["smoke".into()]));
        assert!(selection.narrows() && !Selection::default().narrows());
    }

    #[test]
    fn a_monitors_run_lines_select_any_item_they_match() {
        let selection = Selection {
            selectors: vec![
                Selector::Tagged {
                    tags: TagExpr::Tag("smoke".into()),
                },
                Selector::Title {
                    title: "The checkout holds a small load".into(),
                },
            ],
            ..Selection::default()
        };
        let id = StableId("a::b".into());
        assert!(selection.narrows());
        assert!(selection.selects(&id, "The shop is up", &["smoke".into()]));
        assert!(selection.selects(&id, "The checkout holds a small load", &[]));
        assert!(
            !selection.selects(&id, "The checkout holds", &[]),
            "titles match whole"
        );
        assert!(!selection.selects(&id, "Browse the catalog", &["slow".into()]));
        let all = Selection {
            selectors: vec![Selector::All],
            ..Selection::default()
        };
        assert!(all.selects(&id, "Anything", &[]));
    }
}
