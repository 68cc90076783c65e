//! Why a selection picks nothing to run. A `--tags`, `--name`, `--id` or `--shard` that
//! selects no intent, evaluation or load block would make a run that checks nothing and passes
//! (a typo in a CI matrix, a scaffold test whose id went stale), so the command line refuses it
//! and says what there is instead: the nearest tags, titles or ids, or how many items the
//! shards share.

use crate::select::{Selection, Shard};
use intent_ir::{Plan, StableId, TagExpr};
use intent_source::did_you_mean;
use std::collections::BTreeSet;
use std::fmt;

/// How many titles or ids a message lists; the rest are counted.
const LISTED: usize = 10;

/// Why a selection picks no intent, evaluation or load block.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum NothingSelected {
    /// The specs have no intent, evaluation or load block at all.
    NothingToRun,
    /// `--tags` names tags that no item carries: each with the nearest carried tag, if one is
    /// close; `carried` lists every carried tag.
    UnknownTags {
        unknown: Vec<(String, Option<String>)>,
        carried: Vec<String>,
    },
    /// Every tag of `--tags` is carried, but no item's tags satisfy the expression.
    NoTagMatch { carried: Vec<String> },
    /// No title contains any `--name`: each with the nearest title, if one is close; `titles`
    /// lists the titles, the closest first.
    UnknownNames {
        unknown: Vec<(String, Option<String>)>,
        titles: Listing,
    },
    /// No item has any of the `--id`s: each with the nearest id, if one is close; `ids` lists
    /// the ids, the closest first.
    UnknownIds {
        unknown: Vec<(String, Option<String>)>,
        ids: Listing,
    },
    /// Each of `flags` selects items by itself, but no item matches all of them.
    Disjoint { flags: Vec<&'static str> },
    /// The shard gets none of the `items` items the rest of the selection picks.
    EmptyShard { shard: Shard, items: usize },
}

/// The first few of a list (closest first), and how many more there are.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Listing {
    pub shown: Vec<String>,
    pub more: usize,
}

/// An intent, evaluation or load block, as a selection sees it.
struct Candidate<'p> {
    id: &'p StableId,
    title: &'p str,
    tags: &'p [String],
}

impl Selection {
    /// `Ok` when the selection picks at least one intent, evaluation or load block, or picks by
    /// nothing at all (no tags, names, ids, shard or `run` lines: a run of everything); else why
    /// it picks nothing, judging each criterion alone first so the message names the one that
    /// matches nothing.
    pub fn check(&self, plan: &Plan) -> Result<(), NothingSelected> {
        if !self.narrows() && self.shard.is_none() {
            return Ok(());
        }
        let candidates = candidates(plan);
        let selected = |s: &Selection| {
            candidates
                .iter()
                .filter(|c| s.selects(c.id, c.title, c.tags))
                .count()
        };
        if selected(self) > 0 {
            return Ok(());
        }
        if candidates.is_empty() {
            return Err(NothingSelected::NothingToRun);
        }
        let only = |s: Selection| selected(&s) > 0;
        if let Some(tags) = &self.tags
            && !only(Selection {
                tags: Some(tags.clone()),
                ..Selection::default()
            })
        {
            return Err(unmatched_tags(tags, &candidates));
        }
        if !self.names.is_empty()
            && !only(Selection {
                names: self.names.clone(),
                ..Selection::default()
            })
        {
            return Err(unmatched_names(&self.names, &candidates));
        }
        if !self.ids.is_empty()
            && !only(Selection {
                ids: self.ids.clone(),
                ..Selection::default()
            })
        {
            return Err(unmatched_ids(&self.ids, &candidates));
        }
        let unsharded = Selection {
            shard: None,
            ..self.clone()
        };
        match (self.shard, selected(&unsharded)) {
            (Some(shard), items) if items > 0 => Err(NothingSelected::EmptyShard { shard, items }),
            _ => Err(NothingSelected::Disjoint {
                flags: self.flags(),
            }),
        }
    }

    /// The criteria given, as the command line names them.
    fn flags(&self) -> Vec<&'static str> {
        [
            (self.tags.is_some(), "--tags"),
            (!self.names.is_empty(), "--name"),
            (!self.ids.is_empty(), "--id"),
            (!self.selectors.is_empty(), "the monitor's `run` lines"),
        ]
        .into_iter()
        .filter_map(|(given, flag)| given.then_some(flag))
        .collect()
    }
}

fn candidates(plan: &Plan) -> Vec<Candidate<'_>> {
    let intents = plan.intents.iter().map(|i| (&i.id, &i.title, &i.tags));
    let evaluations = plan.evaluations.iter().map(|e| (&e.id, &e.title, &e.tags));
    let loads = plan.loads.iter().map(|l| (&l.id, &l.title, &l.tags));
    intents
        .chain(evaluations)
        .chain(loads)
        .map(|(id, title, tags)| Candidate {
            id,
            title: title.as_str(),
            tags: tags.as_slice(),
        })
        .collect()
}

fn unmatched_tags(expr: &TagExpr, candidates: &[Candidate<'_>]) -> NothingSelected {
    let carried: BTreeSet<&str> = candidates
        .iter()
        .flat_map(|c| c.tags.iter().map(String::as_str))
        .collect();
    let mut named = Vec::new();
    tags_of(expr, &mut named);
    let unknown: Vec<(String, Option<String>)> = named
        .into_iter()
        .filter(|t| !carried.contains(t))
        .collect::<BTreeSet<_>>()
        .into_iter()
        .map(|t| {
            let nearest = did_you_mean(t, carried.iter().copied()).map(str::to_string);
            (t.to_string(), nearest)
        })
        .collect();
    let carried = carried.into_iter().map(str::to_string).collect();
    if unknown.is_empty() {
        NothingSelected::NoTagMatch { carried }
    } else {
        NothingSelected::UnknownTags { unknown, carried }
    }
}

/// The tags an expression names, in order.
fn tags_of<'e>(expr: &'e TagExpr, out: &mut Vec<&'e str>) {
    match expr {
        TagExpr::Tag(t) => out.push(t),
        TagExpr::Not(e) => tags_of(e, out),
        TagExpr::And(a, b) | TagExpr::Or(a, b) => {
            tags_of(a, out);
            tags_of(b, out);
        }
    }
}

fn unmatched_names(names: &[String], candidates: &[Candidate<'_>]) -> NothingSelected {
    // Each name is measured against each title once: its nearest title and (for the first
    // name) the listing read the same distances.
    let measured: Vec<Vec<(usize, &str)>> = names
        .iter()
        .map(|name| {
            let name = lowered(name);
            candidates
                .iter()
                .map(|c| (in_title(&name, c.title), c.title))
                .collect()
        })
        .collect();
    let unknown = names
        .iter()
        .zip(&measured)
        .map(|(name, distances)| {
            // The first of the nearest, in plan order.
            let nearest = distances
                .iter()
                .min_by_key(|(d, _)| *d)
                .filter(|(d, _)| close_enough(name, *d))
                .map(|(_, t)| t.to_string());
            (name.clone(), nearest)
        })
        .collect();
    NothingSelected::UnknownNames {
        unknown,
        titles: listing(measured.first().map_or(&[][..], Vec::as_slice)),
    }
}

fn unmatched_ids(ids: &[String], candidates: &[Candidate<'_>]) -> NothingSelected {
    let known: Vec<&str> = candidates.iter().map(|c| c.id.as_str()).collect();
    let unknown = ids
        .iter()
        .map(|id| {
            let nearest = did_you_mean(id, known.iter().copied()).map(str::to_string);
            (id.clone(), nearest)
        })
        .collect();
    let first = ids.first().map_or("", String::as_str);
    let measured: Vec<(usize, &str)> = known
        .iter()
        .map(|id| (strsim::damerau_levenshtein(first, id), *id))
        .collect();
    NothingSelected::UnknownIds {
        unknown,
        ids: listing(&measured),
    }
}

/// The measured candidates without repeats, the closest first (ties in plan order), cut at
/// [`LISTED`].
fn listing(measured: &[(usize, &str)]) -> Listing {
    let mut seen = BTreeSet::new();
    let mut ranked: Vec<(usize, &str)> = measured
        .iter()
        .filter(|(_, c)| seen.insert(*c))
        .copied()
        .collect();
    ranked.sort_by_key(|(d, _)| *d);
    let more = ranked.len().saturating_sub(LISTED);
    Listing {
        shown: ranked
            .into_iter()
            .take(LISTED)
            .map(|(_, c)| c.to_string())
            .collect(),
        more,
    }
}

/// A `--name` as titles are searched for it: lower-cased, once.
fn lowered(name: &str) -> Vec<char> {
    name.to_lowercase().chars().collect()
}

/// How far `name` ([`lowered`]) is from being a part of `title`, as `--name` matches (ignoring
/// case): the fewest edits (a character added, dropped or changed, or two neighbours swapped)
/// that turn it into some stretch of the title. One pass over the title's characters, a row per character of
/// the name, where a stretch may start and end anywhere. A name that matches nothing is
/// measured against every title of the spec set: comparing each stretch of each title on its
/// own took 0.15 s for 2,000 titles (a refusal five times as slow as the check before it), this
/// way under 10 ms.
fn in_title(name: &[char], title: &str) -> usize {
    let title: Vec<char> = title.to_lowercase().chars().collect();
    let width = title.len() + 1;
    // Rows i-2, i-1 and i of the table: the fewest edits that turn the first i characters of
    // the name into a stretch of the title ending before position j. Row 0 is all zeros.
    let mut before = vec![0; width];
    let mut previous = vec![0; width];
    let mut current = vec![0; width];
    for i in 1..=name.len() {
        current[0] = i;
        for j in 1..width {
            let changed = usize::from(name[i - 1] != title[j - 1]);
            let mut fewest = (previous[j - 1] + changed)
                .min(previous[j] + 1)
                .min(current[j - 1] + 1);
            if i > 1 && j > 1 && name[i - 1] == title[j - 2] && name[i - 2] == title[j - 1] {
                fewest = fewest.min(before[j - 2] + 1);
            }
            current[j] = fewest;
        }
        std::mem::swap(&mut before, &mut previous);
        std::mem::swap(&mut previous, &mut current);
    }
    previous.into_iter().min().unwrap_or(0)
}

/// Close enough to be a likely typo: at most a third of the word's length in edits (at least
/// one), the rule of `did_you_mean`.
fn close_enough(word: &str, distance: usize) -> bool {
    distance <= (word.chars().count() / 3).max(1)
}

impl fmt::Display for NothingSelected {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let nearest = |n: &Option<String>, quote: &dyn Fn(&str) -> String| {
            n.as_deref()
                .map_or_else(String::new, |n| format!("; did you mean {}?", quote(n)))
        };
        let tag = |t: &str| format!("@{t}");
        let quoted = |t: &str| format!("{t:?}");
        let plain = |t: &str| format!("`{t}`");
        match self {
            NothingSelected::NothingToRun => {
                write!(
                    f,
                    "the specs have no intent, evaluation or load block to select"
                )
            }
            NothingSelected::UnknownTags { unknown, carried } => {
                for (t, n) in unknown {
                    writeln!(f, "--tags: no item is tagged @{t}{}", nearest(n, &tag))?;
                }
                write!(f, "{}", tags_line(carried))
            }
            NothingSelected::NoTagMatch { carried } => {
                writeln!(f, "--tags: no item's tags satisfy the expression")?;
                write!(f, "{}", tags_line(carried))
            }
            NothingSelected::UnknownNames { unknown, titles } => {
                for (name, n) in unknown {
                    writeln!(
                        f,
                        "--name {name:?}: no title contains it{}",
                        nearest(n, &quoted)
                    )?;
                }
                write!(f, "titles: {}", shown(titles, &quoted))
            }
            NothingSelected::UnknownIds { unknown, ids } => {
                for (id, n) in unknown {
                    writeln!(f, "--id {id}: no item has this id{}", nearest(n, &plain))?;
                }
                write!(f, "ids: {}", shown(ids, &plain))
            }
            NothingSelected::Disjoint { flags } => write!(
                f,
                "{} each select items, but no item matches all of them",
                flags.join(", ")
            ),
            NothingSelected::EmptyShard { shard, items } => {
                let what = if *items == 1 { "item" } else { "items" };
                write!(
                    f,
                    "--shard {}/{}: this shard gets none of the {items} selected {what}",
                    shard.index, shard.count
                )?;
                if shard.count as usize > *items {
                    write!(f, ": {} shards is more than {items} {what}", shard.count)
                } else {
                    write!(
                        f,
                        " (items are spread over the shards by a hash of their id, so with few \
                         items a shard can get none)"
                    )
                }
            }
        }
    }
}

fn tags_line(carried: &[String]) -> String {
    if carried.is_empty() {
        return "no item carries a tag".to_string();
    }
    let tags: Vec<String> = carried.iter().map(|t| format!("@{t}")).collect();
    format!("tags: {}", tags.join(", "))
}

fn shown(listing: &Listing, quote: &dyn Fn(&str) -> String) -> String {
    let mut text = listing
        .shown
        .iter()
        .map(|s| quote(s))
        .collect::<Vec<_>>()
        .join(", ");
    if listing.more > 0 {
        text.push_str(&format!(" and {} more", listing.more));
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_name_is_near_a_title_that_contains_it_with_a_typo() {
        assert_eq!(in_title(&lowered("paged"), "The catalog is paged"), 0);
        assert_eq!(in_title(&lowered("pagd"), "The catalog is paged"), 1);
        assert_eq!(in_title(&lowered("PAGED"), "The catalog is paged"), 0);
        assert!(in_title(&lowered("refund"), "The catalog is paged") > 2);
        assert!(in_title(&lowered("a long name"), "short") > 3);
        // Two neighbours swapped, a character too many, at the start, middle or end.
        assert_eq!(in_title(&lowered("pagde"), "The catalog is paged"), 1);
        assert_eq!(in_title(&lowered("catallog"), "The catalog is paged"), 1);
        assert_eq!(in_title(&lowered("tthe"), "The catalog is paged"), 1);
        assert_eq!(in_title(&lowered(""), "The catalog is paged"), 0);
        assert_eq!(in_title(&lowered("is paged"), ""), 8);
    }

    #[test]
    fn listings_put_the_closest_first_and_count_the_rest() {
        let many: Vec<String> = (0..15).map(|i| format!("t{i:02}")).collect();
        let refs: Vec<&str> = many.iter().map(String::as_str).collect();
        let measured: Vec<(usize, &str)> = refs
            .iter()
            .map(|c| (strsim::damerau_levenshtein("t14", c), *c))
            .collect();
        let listed = listing(&measured);
        assert_eq!(listed.shown.first().map(String::as_str), Some("t14"));
        assert_eq!((listed.shown.len(), listed.more), (LISTED, 5));
    }
}
