//! How far the long items of a run have got, for a progress display: an evaluation counts its
//! rows (done, failed, and the total once the dataset has been read to its end), a load block
//! its requests and failed iterations against its planned duration.
//!
//! The runner only counts (atomics, no lock on the hot path); whoever shows progress asks for
//! a [`Snapshot`] of every item running now as often as it draws, so nothing is computed for a
//! run that nobody watches.

use intent_ir::ItemKind;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

/// The items of a run that report progress while they run. Cloning shares it.
#[derive(Debug, Clone, Default)]
pub struct Progress {
    running: Arc<Mutex<Running>>,
}

#[derive(Debug, Default)]
struct Running {
    next_id: u64,
    items: Vec<Arc<Counter>>,
}

/// What one running item has done so far.
#[derive(Debug)]
struct Counter {
    id: u64,
    kind: ItemKind,
    title: String,
    started: Instant,
    planned: Option<Duration>,
    done: AtomicU64,
    failed: AtomicU64,
    /// The number of rows, once known; [`UNKNOWN`] until then.
    total: AtomicU64,
}

const UNKNOWN: u64 = u64::MAX;

/// One running item as a display sees it.
#[derive(Debug, Clone, PartialEq)]
pub struct Snapshot {
    /// Unique within the run, so a display can keep a line per item.
    pub id: u64,
    /// [`ItemKind::Evaluation`] or [`ItemKind::Load`].
    pub kind: ItemKind,
    pub title: String,
    pub elapsed: Duration,
    /// A load block's duration.
    pub planned: Option<Duration>,
    /// Rows finished (an evaluation) or requests answered or failed (a load block).
    pub done: u64,
    /// Rows that did not pass, or a load block's iterations that failed (no answer, or a status
    /// of 400 or more: what its `error_rate` counts).
    pub failed: u64,
    /// An evaluation's number of rows, once its dataset has been read to the end.
    pub total: Option<u64>,
}

impl Progress {
    /// Starts counting for an item; it is listed until the returned [`Tracked`] is dropped
    /// (also when its task is aborted).
    pub(crate) fn track(&self, kind: ItemKind, title: &str, planned: Option<Duration>) -> Tracked {
        let mut running = self.running.lock().unwrap_or_else(PoisonError::into_inner);
        running.next_id += 1;
        let counter = Arc::new(Counter {
            id: running.next_id,
            kind,
            title: title.to_string(),
            started: Instant::now(),
            planned,
            done: AtomicU64::new(0),
            failed: AtomicU64::new(0),
            total: AtomicU64::new(UNKNOWN),
        });
        running.items.push(Arc::clone(&counter));
        Tracked {
            progress: self.clone(),
            counter,
        }
    }

    /// Every item running now, in the order they started.
    pub fn snapshot(&self) -> Vec<Snapshot> {
        let running = self.running.lock().unwrap_or_else(PoisonError::into_inner);
        running
            .items
            .iter()
            .map(|c| Snapshot {
                id: c.id,
                kind: c.kind,
                title: c.title.clone(),
                elapsed: c.started.elapsed(),
                planned: c.planned,
                done: c.done.load(Ordering::Relaxed),
                failed: c.failed.load(Ordering::Relaxed),
                total: Some(c.total.load(Ordering::Relaxed)).filter(|&t| t != UNKNOWN),
            })
            .collect()
    }
}

/// An item being counted; dropping it takes the item off the list.
#[derive(Debug)]
pub(crate) struct Tracked {
    progress: Progress,
    counter: Arc<Counter>,
}

impl Tracked {
    /// `done` more rows or requests finished, `failed` of them without success.
    pub(crate) fn add(&self, done: u64, failed: u64) {
        self.counter.done.fetch_add(done, Ordering::Relaxed);
        self.counter.failed.fetch_add(failed, Ordering::Relaxed);
    }

    /// The total is now known.
    pub(crate) fn set_total(&self, total: u64) {
        self.counter.total.store(total, Ordering::Relaxed);
    }
}

impl Drop for Tracked {
    fn drop(&mut self) {
        let mut running = self
            .progress
            .running
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        running.items.retain(|c| c.id != self.counter.id);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_item_is_listed_while_it_is_tracked() {
        let progress = Progress::default();
        let load = progress.track(ItemKind::Load, "checkout", Some(Duration::from_secs(30)));
        let evaluation = progress.track(ItemKind::Evaluation, "routing", None);
        load.add(10, 2);
        load.add(5, 0);
        evaluation.add(3, 1);
        let now = progress.snapshot();
        assert_eq!(now.len(), 2);
        assert_eq!((now[0].done, now[0].failed, now[0].total), (15, 2, None));
        assert_eq!(now[0].planned, Some(Duration::from_secs(30)));
        assert_eq!((now[1].title.as_str(), now[1].total), ("routing", None));
        evaluation.set_total(40);
        assert_eq!(progress.snapshot()[1].total, Some(40));
        drop(load);
        let now = progress.snapshot();
        assert_eq!(now.len(), 1);
        assert_eq!(now[0].kind, ItemKind::Evaluation);
        drop(evaluation);
        assert!(progress.snapshot().is_empty());
    }
}
