//! The only SQL in plancheck: one `Store`, one file per table, migrations embedded and
//! applied at open. Discord ids become `i64` here and nowhere else.

mod answers;
mod decisions;
mod detections;
mod feedback;
mod github;
mod lifecycle;
mod nudges;
mod plan_messages;
mod plans;
mod reminders;
mod settings;
mod watched;

#[cfg(test)]
mod tests;

pub use decisions::Marked;
pub use detections::{DetectionRecord, Outcome};
pub use feedback::{FeedbackCounts, FeedbackKind};
pub use github::GithubIssue;
pub use lifecycle::{ForgetLine, Purged};
pub use nudges::NudgeFor;
pub use plans::{NewPlan, PlanFilter, PlanSummary};
pub use reminders::ReminderState;
pub use watched::WatchedChannel;

use chrono::{DateTime, Utc};
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous,
};
use std::path::{Path, PathBuf};
use std::time::Duration;

/// A store error: the database failed, or held something it should not.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("database error: {0}")]
    Db(#[from] sqlx::Error),
    #[error("cannot apply database migrations: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    #[error(
        "no database at {}: nothing has been recorded there yet (the bot and the console create it; `database` in the config or PLANCHECK_DATABASE names another)",
        .0.display()
    )]
    Missing(PathBuf),
    #[error("corrupt value in {table}.{column}: {detail}")]
    Corrupt {
        table: &'static str,
        column: &'static str,
        detail: String,
    },
}

pub type Result<T> = std::result::Result<T, StoreError>;

/// The database: a small pool over one SQLite file in WAL mode.
#[derive(Debug, Clone)]
pub struct Store {
    pool: SqlitePool,
}

impl Store {
    /// Opens (creating if needed) the database at `path` and applies migrations.
    pub async fn open(path: &Path) -> Result<Store> {
        Store::connect(path, true).await
    }

    /// Opens the database at `path` only if it exists, for commands that read: never
    /// creates a file. Migrations still run, so an older database is brought up to date.
    pub async fn open_existing(path: &Path) -> Result<Store> {
        if !path.is_file() {
            return Err(StoreError::Missing(path.to_path_buf()));
        }
        Store::connect(path, false).await
    }

    #[tracing::instrument(skip_all, fields(path = %path.display()))]
    async fn connect(path: &Path, create: bool) -> Result<Store> {
        let options = SqliteConnectOptions::new()
            .filename(path)
            .create_if_missing(create)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Normal)
            .foreign_keys(true)
            .busy_timeout(Duration::from_secs(5));
        let pool = SqlitePoolOptions::new()
            .max_connections(4)
            .connect_with(options)
            .await?;
        sqlx::migrate!("./migrations").run(&pool).await?;
        Ok(Store { pool })
    }

    /// Waits for writes in flight and closes every connection.
    pub async fn close(&self) {
        self.pool.close().await;
    }

    pub(crate) fn pool(&self) -> &SqlitePool {
        &self.pool
    }
}

pub(crate) fn id(v: u64) -> i64 {
    v as i64
}

pub(crate) fn uid(v: i64) -> u64 {
    v as u64
}

pub(crate) fn ts(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}

pub(crate) fn parse_ts(
    table: &'static str,
    column: &'static str,
    s: &str,
) -> Result<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(s)
        .map(|t| t.with_timezone(&Utc))
        .map_err(|e| StoreError::Corrupt {
            table,
            column,
            detail: format!("{s:?}: {e}"),
        })
}

pub(crate) fn parse_json<T: serde::de::DeserializeOwned>(
    table: &'static str,
    column: &'static str,
    s: &str,
) -> Result<T> {
    serde_json::from_str(s).map_err(|e| StoreError::Corrupt {
        table,
        column,
        detail: e.to_string(),
    })
}

/// True when `e` is a UNIQUE constraint violation (a replayed event).
pub(crate) fn is_unique_violation(e: &sqlx::Error) -> bool {
    matches!(e, sqlx::Error::Database(d) if d.is_unique_violation())
}

#[cfg(test)]
pub(crate) mod testing {
    use super::Store;

    /// A fresh database in its own temporary folder.
    pub async fn fresh() -> (Store, tempfile::TempDir) {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("test.db")).await.unwrap();
        (store, dir)
    }
}
