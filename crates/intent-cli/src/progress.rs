//! The progress display of `intent run` on a terminal: a bar of the items finished, and below
//! it a line per evaluation or load block running now, with what it has done so far (rows done
//! of the total, requests per second, time elapsed and left, failures).
//!
//! It is drawn on standard error by indicatif, only when both outputs are a terminal (a bar in
//! a CI log or a pipe is noise) and not with `--verbose` (whose dumps it would cut); otherwise
//! every bar is hidden and nothing is drawn at all.

use indicatif::{MultiProgress, ProgressBar, ProgressDrawTarget, ProgressStyle};
use intent_ir::ItemKind;
use intent_runner::Snapshot;
use std::collections::HashMap;
use std::time::Duration;

/// How often the bars are redrawn even when nothing finished (the elapsed time moves).
const TICK: Duration = Duration::from_millis(200);

/// Titles longer than this are cut in the lines of running items.
const TITLE_WIDTH: usize = 28;

/// The bars of a run.
pub struct Display {
    /// `None` when nothing is drawn.
    multi: Option<MultiProgress>,
    items: ProgressBar,
    running: HashMap<u64, ProgressBar>,
}

impl Display {
    /// A display of `total` items, drawn only when `attended`.
    pub fn new(total: u64, attended: bool) -> Display {
        if !attended {
            return Display {
                multi: None,
                items: ProgressBar::hidden(),
                running: HashMap::new(),
            };
        }
        let multi = MultiProgress::with_draw_target(ProgressDrawTarget::stderr());
        let items = multi.add(ProgressBar::new(total));
        if let Ok(style) = ProgressStyle::with_template("{elapsed:>4} [{bar:30}] {pos}/{len} items")
        {
            items.set_style(style.progress_chars("=> "));
        }
        items.enable_steady_tick(TICK);
        Display {
            multi: Some(multi),
            items,
            running: HashMap::new(),
        }
    }

    /// Runs `print` with the bars cleared, so the lines it prints stay above them.
    pub fn suspend<R>(&self, print: impl FnOnce() -> R) -> R {
        match &self.multi {
            Some(multi) => multi.suspend(print),
            None => print(),
        }
    }

    /// Shows `finished` items, and a line for each item of `running` (items no longer running
    /// lose theirs).
    pub fn update(&mut self, finished: u64, running: &[Snapshot]) {
        self.items.set_position(finished);
        let Some(multi) = &self.multi else {
            return;
        };
        self.running.retain(|id, bar| {
            let still = running.iter().any(|s| s.id == *id);
            if !still {
                bar.finish_and_clear();
                multi.remove(bar);
            }
            still
        });
        for snapshot in running {
            let bar = self.running.entry(snapshot.id).or_insert_with(|| {
                let bar = multi.add(ProgressBar::new(0));
                if let Ok(style) = ProgressStyle::with_template("     {prefix} {msg}") {
                    bar.set_style(style);
                }
                bar.set_prefix(cut(&snapshot.title, TITLE_WIDTH));
                bar.enable_steady_tick(TICK);
                bar
            });
            bar.set_message(describe(snapshot));
        }
    }

    /// Clears every bar.
    pub fn finish(self) {
        for bar in self.running.values() {
            bar.finish_and_clear();
        }
        self.items.finish_and_clear();
    }
}

/// What a running item has done, in one line: `120/500 rows · 3 failed · 14 s` for an
/// evaluation (`120 rows so far` while the total is unknown), `12 s elapsed, 18 s left ·
/// 49.8 req/s · 0 errors` for a load block.
pub fn describe(snapshot: &Snapshot) -> String {
    let elapsed = snapshot.elapsed.as_secs();
    match snapshot.kind {
        ItemKind::Load => {
            let seconds = snapshot.elapsed.as_secs_f64();
            let rate = if seconds > 0.0 {
                snapshot.done as f64 / seconds
            } else {
                0.0
            };
            let left = snapshot
                .planned
                .map(|planned| {
                    let left = planned.saturating_sub(snapshot.elapsed);
                    format!(", {} s left", left.as_secs_f64().ceil() as u64)
                })
                .unwrap_or_default();
            let errors = plural(snapshot.failed, "error", "errors");
            format!("{elapsed} s elapsed{left} · {rate:.1} req/s · {errors}")
        }
        _ => {
            let rows = match snapshot.total {
                Some(total) => format!("{}/{total} rows", snapshot.done),
                None => format!("{} rows so far", snapshot.done),
            };
            format!("{rows} · {} failed · {elapsed} s", snapshot.failed)
        }
    }
}

fn plural(count: u64, one: &str, many: &str) -> String {
    format!("{count} {}", if count == 1 { one } else { many })
}

/// `text` cut to `width` characters, with `…` when cut, and padded to that width.
fn cut(text: &str, width: usize) -> String {
    let mut cut: String = text.chars().take(width).collect();
    if text.chars().count() > width {
        cut.pop();
        cut.push('…');
    }
    format!("{cut:<width$}")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn snapshot(kind: ItemKind) -> Snapshot {
        Snapshot {
            id: 1,
            kind,
            title: "checkout under load".into(),
            elapsed: Duration::from_millis(12_500),
            planned: None,
            done: 0,
            failed: 0,
            total: None,
        }
    }

    #[test]
    fn a_load_block_shows_its_time_rate_and_errors() {
        let load = Snapshot {
            planned: Some(Duration::from_secs(30)),
            done: 625,
            failed: 1,
            ..snapshot(ItemKind::Load)
        };
        assert_eq!(
            describe(&load),
            "12 s elapsed, 18 s left · 50.0 req/s · 1 error"
        );
        let over = Snapshot {
            planned: Some(Duration::from_secs(10)),
            done: 0,
            failed: 0,
            ..load
        };
        assert_eq!(
            describe(&over),
            "12 s elapsed, 0 s left · 0.0 req/s · 0 errors"
        );
    }

    #[test]
    fn an_evaluation_shows_rows_done_of_the_total_once_known() {
        let mut evaluation = Snapshot {
            done: 120,
            failed: 3,
            ..snapshot(ItemKind::Evaluation)
        };
        assert_eq!(describe(&evaluation), "120 rows so far · 3 failed · 12 s");
        evaluation.total = Some(500);
        assert_eq!(describe(&evaluation), "120/500 rows · 3 failed · 12 s");
    }

    #[test]
    fn titles_are_cut_to_a_width() {
        assert_eq!(cut("short", 8), "short   ");
        assert_eq!(cut("a much longer title", 8), "a much …");
    }

    #[test]
    fn nothing_is_drawn_unattended() {
        let mut display = Display::new(3, false);
        display.update(1, &[snapshot(ItemKind::Load)]);
        assert!(display.multi.is_none());
        assert!(display.running.is_empty());
        assert!(display.items.is_hidden());
    }
}
