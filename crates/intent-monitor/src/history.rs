//! The history of monitor runs, in a SQLite file: every run with its counts, every item with
//! its status, every metric, and every alert with whether it was delivered. What the runner
//! reports is already redacted, so no secret reaches the file.

use intent_ir::{RunResult, Status};
use rusqlite::{Connection, OpenFlags, params};
use std::path::Path;

/// The schema's version, kept in SQLite's `user_version`.
const SCHEMA_VERSION: i64 = 1;

const SCHEMA: &str = "
CREATE TABLE runs (
    id          INTEGER PRIMARY KEY,
    monitor_id  TEXT NOT NULL,
    monitor     TEXT NOT NULL,
    started_at  TEXT NOT NULL,
    duration_ms REAL NOT NULL,
    outcome     TEXT NOT NULL,   -- passed, failed or interrupted
    passed      INTEGER NOT NULL,
    failed      INTEGER NOT NULL,
    errored     INTEGER NOT NULL,
    not_run     INTEGER NOT NULL
);
CREATE INDEX runs_by_monitor ON runs (monitor_id, id);
CREATE TABLE items (
    run_id      INTEGER NOT NULL REFERENCES runs (id),
    item_id     TEXT NOT NULL,
    kind        TEXT NOT NULL,
    title       TEXT NOT NULL,
    status      TEXT NOT NULL,
    duration_ms REAL NOT NULL,
    reason      TEXT
);
CREATE TABLE metrics (
    run_id  INTEGER NOT NULL REFERENCES runs (id),
    item_id TEXT NOT NULL,
    name    TEXT NOT NULL,
    value   REAL NOT NULL,
    unit    TEXT NOT NULL
);
CREATE TABLE alerts (
    run_id      INTEGER NOT NULL REFERENCES runs (id),
    channel     TEXT NOT NULL,
    destination TEXT NOT NULL,
    state       TEXT NOT NULL,   -- failing or recovered
    delivered   INTEGER NOT NULL,
    detail      TEXT NOT NULL    -- the HTTP status, or why it was not delivered
);
";

#[derive(Debug, thiserror::Error)]
pub enum HistoryError {
    #[error("cannot open the history {path}: {source}")]
    Open {
        path: String,
        source: rusqlite::Error,
    },
    #[error(
        "the history {path} was written by a newer intent (schema {found}, this one reads {SCHEMA_VERSION})"
    )]
    Newer { path: String, found: i64 },
    #[error("{path} is not a history written by `intent monitor`")]
    NotHistory { path: String },
    #[error("the history cannot be read or written: {0}")]
    Sql(#[from] rusqlite::Error),
}

/// One run of a monitor as the history keeps it.
#[derive(Debug, Clone, PartialEq)]
pub struct RunRow {
    pub id: i64,
    pub monitor: String,
    pub started_at: String,
    pub duration_ms: f64,
    pub outcome: String,
    pub passed: i64,
    pub failed: i64,
    pub errored: i64,
    pub not_run: i64,
}

/// One metric of a run, with the title of the item that measured it.
#[derive(Debug, Clone, PartialEq)]
pub struct MetricRow {
    pub item: String,
    pub name: String,
    pub value: f64,
    pub unit: String,
}

/// One alert as the history keeps it.
#[derive(Debug, Clone, PartialEq)]
pub struct AlertRow {
    pub run_id: i64,
    pub destination: String,
    pub state: String,
    pub delivered: bool,
    pub detail: String,
}

/// The newest run that carried an item out (passed, failed or errored), for `intent audit`.
#[derive(Debug, Clone, PartialEq)]
pub struct LatestRow {
    /// The item's stable id (an example row's own id for a row).
    pub item_id: String,
    /// `passed`, `failed` or `errored`.
    pub status: String,
    /// When that run started, RFC 3339 in UTC.
    pub started_at: String,
}

#[derive(Debug)]
pub struct History {
    connection: Connection,
}

impl History {
    /// Opens the history at `path`, creating the file and its schema when it is new.
    pub fn open(path: &Path) -> Result<History, HistoryError> {
        let (connection, version) = connect(path, OpenFlags::default())?;
        match version {
            0 => {
                connection
                    .execute_batch(&format!(
                        "BEGIN; {SCHEMA} PRAGMA user_version = {SCHEMA_VERSION}; COMMIT;"
                    ))
                    .map_err(|source| HistoryError::Open {
                        path: path.display().to_string(),
                        source,
                    })?;
            }
            SCHEMA_VERSION => {}
            found => {
                return Err(HistoryError::Newer {
                    path: path.display().to_string(),
                    found,
                });
            }
        }
        Ok(History { connection })
    }

    /// Opens the existing history at `path` for reading only: nothing is created or changed,
    /// and a file that is not a history (an empty or foreign SQLite file) is refused.
    pub fn read(path: &Path) -> Result<History, HistoryError> {
        let (connection, version) = connect(path, OpenFlags::SQLITE_OPEN_READ_ONLY)?;
        let shown = path.display().to_string();
        match version {
            SCHEMA_VERSION => Ok(History { connection }),
            0 => Err(HistoryError::NotHistory { path: shown }),
            found => Err(HistoryError::Newer { path: shown, found }),
        }
    }

    /// Records a run of the monitor `monitor_id` and returns its id.
    pub fn record(
        &mut self,
        monitor_id: &str,
        monitor: &str,
        result: &RunResult,
    ) -> Result<i64, HistoryError> {
        let count = |status: Status| result.items.iter().filter(|i| i.status == status).count();
        let tx = self.connection.transaction()?;
        tx.execute(
            "INSERT INTO runs (monitor_id, monitor, started_at, duration_ms, outcome, passed, failed, errored, not_run)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
            params![
                monitor_id,
                monitor,
                result.started_at,
                result.duration_ms,
                outcome(result),
                count(Status::Passed) as i64,
                count(Status::Failed) as i64,
                count(Status::Errored) as i64,
                count(Status::NotRun) as i64,
            ],
        )?;
        let run_id = tx.last_insert_rowid();
        for item in &result.items {
            tx.execute(
                "INSERT INTO items (run_id, item_id, kind, title, status, duration_ms, reason)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                params![
                    run_id,
                    item.id.as_str(),
                    item.kind.as_str(),
                    item.title,
                    item.status.as_str(),
                    item.duration_ms,
                    item.reason,
                ],
            )?;
            for metric in &item.metrics {
                tx.execute(
                    "INSERT INTO metrics (run_id, item_id, name, value, unit) VALUES (?1, ?2, ?3, ?4, ?5)",
                    params![run_id, item.id.as_str(), metric.name, metric.value, metric.unit],
                )?;
            }
        }
        tx.commit()?;
        Ok(run_id)
    }

    /// Records an alert sent (or not) after the run `run_id`.
    pub fn record_alert(&mut self, alert: &AlertRow, channel: &str) -> Result<(), HistoryError> {
        self.connection.execute(
            "INSERT INTO alerts (run_id, channel, destination, state, delivered, detail)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            params![
                alert.run_id,
                channel,
                alert.destination,
                alert.state,
                alert.delivered,
                alert.detail
            ],
        )?;
        Ok(())
    }

    /// How many of the monitor's latest runs failed in a row, counting from the newest
    /// (interrupted runs neither break nor extend the streak).
    pub fn failing_streak(&self, monitor_id: &str) -> Result<u32, HistoryError> {
        let mut statement = self.connection.prepare(
            "SELECT outcome FROM runs WHERE monitor_id = ?1 AND outcome != 'interrupted' ORDER BY id DESC",
        )?;
        let mut rows = statement.query(params![monitor_id])?;
        let mut streak = 0;
        while let Some(row) = rows.next()? {
            let outcome: String = row.get(0)?;
            if outcome != "failed" {
                break;
            }
            streak += 1;
        }
        Ok(streak)
    }

    /// The latest `limit` runs, newest first; of one monitor when its title is given.
    pub fn runs(&self, monitor: Option<&str>, limit: usize) -> Result<Vec<RunRow>, HistoryError> {
        let mut statement = self.connection.prepare(
            "SELECT id, monitor, started_at, duration_ms, outcome, passed, failed, errored, not_run
             FROM runs WHERE ?1 IS NULL OR monitor = ?1 ORDER BY id DESC LIMIT ?2",
        )?;
        let rows = statement.query_map(params![monitor, limit as i64], |r| {
            Ok(RunRow {
                id: r.get(0)?,
                monitor: r.get(1)?,
                started_at: r.get(2)?,
                duration_ms: r.get(3)?,
                outcome: r.get(4)?,
                passed: r.get(5)?,
                failed: r.get(6)?,
                errored: r.get(7)?,
                not_run: r.get(8)?,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// The alerts sent after a run.
    pub fn alerts(&self, run_id: i64) -> Result<Vec<AlertRow>, HistoryError> {
        let mut statement = self.connection.prepare(
            "SELECT run_id, destination, state, delivered, detail FROM alerts WHERE run_id = ?1",
        )?;
        let rows = statement.query_map(params![run_id], |r| {
            Ok(AlertRow {
                run_id: r.get(0)?,
                destination: r.get(1)?,
                state: r.get(2)?,
                delivered: r.get(3)?,
                detail: r.get(4)?,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// The metrics of a run: each with the title of its item, in the order they were recorded.
    pub fn metrics(&self, run_id: i64) -> Result<Vec<MetricRow>, HistoryError> {
        let mut statement = self.connection.prepare(
            "SELECT i.title, m.name, m.value, m.unit FROM metrics m
             JOIN items i ON i.run_id = m.run_id AND i.item_id = m.item_id
             WHERE m.run_id = ?1 ORDER BY m.rowid",
        )?;
        let rows = statement.query_map(params![run_id], |r| {
            Ok(MetricRow {
                item: r.get(0)?,
                name: r.get(1)?,
                value: r.get(2)?,
                unit: r.get(3)?,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// For each item any run carried out (passed, failed or errored; an item listed as not
    /// run or skipped says nothing of the system), its status in the newest such run and when
    /// that run started, by item id.
    pub fn latest_results(&self) -> Result<Vec<LatestRow>, HistoryError> {
        // SQLite takes the bare columns of an aggregate query from the row of its MAX().
        let mut statement = self.connection.prepare(
            "SELECT i.item_id, i.status, r.started_at, MAX(r.id) FROM items i
             JOIN runs r ON r.id = i.run_id
             WHERE i.status IN ('passed', 'failed', 'errored')
             GROUP BY i.item_id ORDER BY i.item_id",
        )?;
        let rows = statement.query_map([], |r| {
            Ok(LatestRow {
                item_id: r.get(0)?,
                status: r.get(1)?,
                started_at: r.get(2)?,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Each monitor's title with its number of runs and of passed runs (interrupted runs
    /// left out), in the order they first ran.
    pub fn availability(&self) -> Result<Vec<(String, i64, i64)>, HistoryError> {
        let mut statement = self.connection.prepare(
            "SELECT monitor, COUNT(*), SUM(outcome = 'passed') FROM runs
             WHERE outcome != 'interrupted' GROUP BY monitor ORDER BY MIN(id)",
        )?;
        let rows = statement.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?;
        Ok(rows.collect::<Result<_, _>>()?)
    }
}

/// A connection to the history at `path` opened with `flags`, and the schema version it
/// holds (0 for a new or foreign file). Reading the version is the first read of the file, so
/// a file that is not SQLite fails here.
fn connect(path: &Path, flags: OpenFlags) -> Result<(Connection, i64), HistoryError> {
    let open_error = |source| HistoryError::Open {
        path: path.display().to_string(),
        source,
    };
    let connection = Connection::open_with_flags(path, flags).map_err(open_error)?;
    // Several monitors may share a file; wait for a writer rather than fail.
    connection
        .busy_timeout(std::time::Duration::from_secs(5))
        .map_err(open_error)?;
    let version: i64 = connection
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .map_err(open_error)?;
    Ok((connection, version))
}

/// A run's outcome as the history keeps it.
pub fn outcome(result: &RunResult) -> &'static str {
    if result.interrupted {
        "interrupted"
    } else if result.passed() {
        "passed"
    } else {
        "failed"
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use intent_ir::{ItemKind, ItemResult, Source, StableId};

    /// A run whose one item has `status`, or an interrupted run.
    fn run(status: Status, interrupted: bool) -> RunResult {
        let item = ItemResult {
            id: StableId("specs/shop::the-shop-is-up".into()),
            kind: ItemKind::Intent,
            title: "The shop is up".into(),
            file: 0,
            tags: Vec::new(),
            because: None,
            source: Source {
                file: 0,
                line: 1,
                column: 1,
                span: intent_source::Span::default(),
            },
            status,
            reason: None,
            unreachable: None,
            duration_ms: 1.0,
            example: Vec::new(),
            checks: Vec::new(),
            metrics: Vec::new(),
            cases: Vec::new(),
            cases_omitted: 0,
            misclassified_omitted: 0,
            requests: Vec::new(),
        };
        RunResult {
            format: intent_ir::RESULTS_FORMAT.into(),
            files: Vec::new(),
            started_at: "2026-11-25T10:00:00.000Z".into(),
            duration_ms: 2.0,
            interrupted,
            items: vec![item],
            unreachable: Vec::new(),
        }
    }

    #[test]
    fn the_failing_streak_counts_failed_runs_from_the_newest() {
        let dir = tempfile::tempdir().expect("temp dir");
        let mut history = History::open(&dir.path().join("h.sqlite")).expect("open");
        let mut outcomes = Vec::new();
        for (status, interrupted) in [
            (Status::Failed, false),
            (Status::Passed, false),
            (Status::Failed, false),
            (Status::Passed, true),
            (Status::Errored, false),
        ] {
            history
                .record("m", "Smoke", &run(status, interrupted))
                .expect("record");
            outcomes.push(history.failing_streak("m").expect("streak"));
        }
        // The interrupted run neither breaks nor extends the streak.
        assert_eq!(outcomes, [1, 0, 1, 1, 2]);
        assert_eq!(
            history.failing_streak("another monitor").expect("streak"),
            0
        );
        assert_eq!(
            history.availability().expect("availability"),
            [("Smoke".to_string(), 4, 1)]
        );
    }

    #[test]
    fn the_latest_result_of_each_item_is_its_newest_run_that_carried_it_out() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("h.sqlite");
        let mut history = History::open(&path).expect("create");
        let mut at = |status: Status, started_at: &str| {
            let mut result = run(status, false);
            result.started_at = started_at.into();
            history.record("m", "Smoke", &result).expect("record");
        };
        at(Status::Failed, "2026-11-25T10:00:00.000Z");
        at(Status::Passed, "2026-11-25T11:00:00.000Z");
        at(Status::NotRun, "2026-11-25T12:00:00.000Z");
        let history = History::read(&path).expect("read");
        assert_eq!(
            history.latest_results().expect("latest"),
            [LatestRow {
                item_id: "specs/shop::the-shop-is-up".into(),
                status: "passed".into(),
                started_at: "2026-11-25T11:00:00.000Z".into(),
            }]
        );
        // Reading changes nothing, and a file that is not a history is refused.
        let other = dir.path().join("other.sqlite");
        Connection::open(&other)
            .and_then(|c| c.execute_batch("CREATE TABLE t (x)"))
            .expect("another SQLite file");
        let error = History::read(&other).expect_err("refused");
        assert!(error.to_string().contains("is not a history"), "{error}");
        let text = dir.path().join("text.sqlite");
        std::fs::write(
            &text,
            "not a database at all, but long enough to have a header",
        )
        .expect("write");
        assert!(History::read(&text).is_err());
        assert!(History::read(&dir.path().join("missing.sqlite")).is_err());
        assert!(!dir.path().join("missing.sqlite").exists());
    }

    #[test]
    fn a_history_is_reopened_and_a_newer_schema_is_refused() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("h.sqlite");
        let mut history = History::open(&path).expect("create");
        history
            .record("m", "Smoke", &run(Status::Passed, false))
            .expect("record");
        drop(history);
        let history = History::open(&path).expect("reopen");
        assert_eq!(history.runs(None, 10).expect("runs").len(), 1);
        drop(history);
        Connection::open(&path)
            .and_then(|c| c.execute_batch("PRAGMA user_version = 99"))
            .expect("pretend a newer intent wrote it");
        let error = History::open(&path).expect_err("refused");
        assert!(error.to_string().contains("schema 99"), "{error}");
    }
}
