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
use sqlx::any::{AnyConnectOptions, AnyPoolOptions};
use sqlx::{AnyPool, Connection, Executor};
use std::path::{Path, PathBuf};

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

/// Where the database is: a SQLite file (the default), or a PostgreSQL server named by a
/// `postgres://` or `postgresql://` URL. Shown and debugged without the URL's password.
#[derive(Clone, PartialEq, Eq)]
pub enum Location {
    Sqlite(PathBuf),
    Postgres(String),
}

impl Location {
    /// A `postgres://` or `postgresql://` URL names PostgreSQL (an error says what is
    /// wrong with a URL sqlx cannot read); anything else is a SQLite file's path.
    pub fn parse(s: &str) -> std::result::Result<Location, String> {
        let lower = s.get(..13).unwrap_or(s).to_ascii_lowercase();
        if !(lower.starts_with("postgres://") || lower.starts_with("postgresql://")) {
            return Ok(Location::Sqlite(PathBuf::from(s)));
        }
        let location = Location::Postgres(s.to_string());
        match s.parse::<sqlx::postgres::PgConnectOptions>() {
            Ok(_) => Ok(location),
            Err(e) => Err(format!(
                "database: {location} is not a PostgreSQL URL ({e})"
            )),
        }
    }

    /// The value as written in the config (with its password, if any).
    pub fn to_config(&self) -> String {
        match self {
            Location::Sqlite(p) => p.to_string_lossy().into_owned(),
            Location::Postgres(url) => url.clone(),
        }
    }
}

impl From<&Path> for Location {
    fn from(p: &Path) -> Location {
        Location::Sqlite(p.to_path_buf())
    }
}

impl From<&PathBuf> for Location {
    fn from(p: &PathBuf) -> Location {
        Location::Sqlite(p.clone())
    }
}

impl From<&Location> for Location {
    fn from(l: &Location) -> Location {
        l.clone()
    }
}

impl std::fmt::Display for Location {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Location::Sqlite(p) => write!(f, "{}", p.display()),
            Location::Postgres(url) => f.write_str(&without_password(url)),
        }
    }
}

impl std::fmt::Debug for Location {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Location({self})")
    }
}

/// The `sqlite://` URL of the file at `path`: absolute (a URL's path would fold `a/../..`
/// in a relative one), every byte but unreserved ones percent-encoded (sqlx decodes them).
fn sqlite_url(path: &Path, create: bool) -> String {
    use std::fmt::Write as _;
    let path = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    let mut url = String::from("sqlite://");
    for &b in path.as_os_str().as_encoded_bytes() {
        if b.is_ascii_alphanumeric() || b"/._-~".contains(&b) {
            url.push(char::from(b));
        } else {
            let _ = write!(url, "%{b:02X}");
        }
    }
    url.push_str(if create { "?mode=rwc" } else { "?mode=rw" });
    url
}

/// `url` with the password of its user part, if any, replaced by `***`.
fn without_password(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_string();
    };
    let authority_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let (authority, tail) = rest.split_at(authority_end);
    match authority.rsplit_once('@') {
        Some((user, host)) if user.contains(':') => {
            let name = user.split(':').next().unwrap_or("");
            format!("{scheme}://{name}:***@{host}{tail}")
        }
        _ => url.to_string(),
    }
}

/// The database: a small pool over one SQLite file in WAL mode, or over a PostgreSQL
/// database. sqlx's `Any` driver runs the same query text on both (`$1` placeholders,
/// `ON CONFLICT`, `RETURNING`; see ARCHITECTURE.md).
#[derive(Debug, Clone)]
pub struct Store {
    pool: AnyPool,
}

impl Store {
    /// Opens (creating if needed) the database at `at` and applies migrations. A path (or
    /// `Location::Sqlite`) is a SQLite file; `Location::Postgres` a server's database,
    /// which must exist (its tables are created by the migrations).
    pub async fn open(at: impl Into<Location>) -> Result<Store> {
        Store::connect(at.into(), true).await
    }

    /// Opens the database at `at` only if it exists, for commands that read: never
    /// creates a file. Migrations still run, so an older database is brought up to date.
    pub async fn open_existing(at: impl Into<Location>) -> Result<Store> {
        let at = at.into();
        if let Location::Sqlite(path) = &at
            && !path.is_file()
        {
            return Err(StoreError::Missing(path.clone()));
        }
        Store::connect(at, false).await
    }

    #[tracing::instrument(skip_all, fields(database = %at))]
    async fn connect(at: Location, create: bool) -> Result<Store> {
        sqlx::any::install_default_drivers();
        let pool = match &at {
            Location::Sqlite(path) => {
                // The Any driver takes a URL; the pragmas a URL cannot carry are set on
                // each connection.
                let options: AnyConnectOptions = sqlite_url(path, create).parse()?;
                let pool = AnyPoolOptions::new()
                    .max_connections(4)
                    // A connection to a local file cannot have gone away: no ping (a round
                    // trip to the connection's thread) before each query.
                    .test_before_acquire(false)
                    .after_connect(|conn, _| {
                        Box::pin(async move {
                            conn.execute(
                                "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; \
                                 PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 5000;",
                            )
                            .await?;
                            Ok(())
                        })
                    })
                    .connect_with(options)
                    .await?;
                sqlx::migrate!("./migrations").run(&pool).await?;
                pool
            }
            Location::Postgres(url) => {
                // One connection first: a pool retries until its timeout and then says
                // only that; this says why (refused, unknown host, password, database).
                sqlx::AnyConnection::connect(url).await?.close().await?;
                let pool = AnyPoolOptions::new()
                    .max_connections(8)
                    .connect(url)
                    .await?;
                sqlx::migrate!("./migrations/postgres").run(&pool).await?;
                pool
            }
        };
        Ok(Store { pool })
    }

    /// Waits for writes in flight and closes every connection.
    pub async fn close(&self) {
        self.pool.close().await;
    }

    pub(crate) fn pool(&self) -> &AnyPool {
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

/// The throwaway PostgreSQL database the end-to-end tests use too.
#[cfg(test)]
#[path = "../../tests/support/postgres.rs"]
mod throwaway;

#[cfg(test)]
pub(crate) mod testing {
    use super::{Location, Store};

    /// A fresh SQLite database in its own temporary folder.
    pub async fn fresh() -> (Store, tempfile::TempDir) {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("test.db")).await.unwrap();
        (store, dir)
    }

    /// The shipped packs, loaded once for every test of this binary (loading takes
    /// seconds in a debug build).
    pub fn packs() -> &'static crate::packs::PackSet {
        static PACKS: std::sync::OnceLock<crate::packs::PackSet> = std::sync::OnceLock::new();
        PACKS.get_or_init(|| crate::packs::PackSet::shipped().unwrap())
    }

    pub use super::throwaway::{TestPostgres, with_database};

    /// The databases every store test runs on.
    #[derive(Debug, Clone, Copy, PartialEq, Eq)]
    pub enum Backend {
        Sqlite,
        Postgres,
    }

    /// A test's own database: a SQLite file in a temporary folder, or a PostgreSQL
    /// database made for it on the test server (dropped with this value).
    pub struct TestDb {
        pub location: Location,
        _dir: Option<tempfile::TempDir>,
        _postgres: Option<TestPostgres>,
    }

    impl TestDb {
        /// Opens the same database again (a restart).
        pub async fn open(&self) -> Store {
            Store::open(&self.location).await.unwrap()
        }
    }

    impl Backend {
        /// A fresh, empty database on this backend, migrated, and a handle that keeps it.
        pub async fn fresh(self) -> (Store, TestDb) {
            let db = match self {
                Backend::Sqlite => {
                    let dir = tempfile::tempdir().unwrap();
                    TestDb {
                        location: Location::Sqlite(dir.path().join("test.db")),
                        _dir: Some(dir),
                        _postgres: None,
                    }
                }
                Backend::Postgres => postgres_db().await,
            };
            (db.open().await, db)
        }
    }

    /// An empty PostgreSQL database of the test's own (nothing migrated yet).
    pub async fn postgres_db() -> TestDb {
        let pg = TestPostgres::create().await;
        TestDb {
            location: Location::Postgres(pg.url.clone()),
            _dir: None,
            _postgres: Some(pg),
        }
    }

    /// Runs each named test, `async fn NAME(backend: Backend)`, once per backend: tests
    /// `NAME::sqlite` and `NAME::postgres`.
    macro_rules! on_both_backends {
        ($($name:ident),* $(,)?) => {
            $(
                mod $name {
                    #[tokio::test]
                    async fn sqlite() {
                        super::$name($crate::store::testing::Backend::Sqlite).await
                    }
                    #[tokio::test]
                    async fn postgres() {
                        super::$name($crate::store::testing::Backend::Postgres).await
                    }
                }
            )*
        };
    }
    pub(crate) use on_both_backends;

    /// Each SQLite migration has its PostgreSQL twin: the same number and name.
    #[test]
    fn both_databases_have_the_same_migrations() {
        let names = |dir: &str| {
            let mut v: Vec<String> = std::fs::read_dir(dir)
                .unwrap()
                .map(|e| e.unwrap().path())
                .filter(|p| p.is_file() && p.extension().is_some_and(|x| x == "sql"))
                .map(|p| p.file_name().unwrap().to_string_lossy().into_owned())
                .collect();
            v.sort();
            v
        };
        let root = env!("CARGO_MANIFEST_DIR");
        let sqlite = names(&format!("{root}/migrations"));
        assert!(sqlite.len() >= 9, "{sqlite:?}");
        assert_eq!(sqlite, names(&format!("{root}/migrations/postgres")));
    }

    /// A PostgreSQL URL's password never shows in logs or errors.
    #[test]
    fn a_postgres_location_is_shown_without_its_password() {
        let l = Location::Postgres("postgresql://bot:s3cr%40t@db:5432/p?sslmode=require".into());
        assert_eq!(
            l.to_string(),
            "postgresql://bot:***@db:5432/p?sslmode=require"
        );
        assert!(!format!("{l:?}").contains("s3cr"));
        let plain = Location::Postgres("postgres://bot@db/p".into());
        assert_eq!(plain.to_string(), "postgres://bot@db/p");
    }

    #[test]
    fn a_test_database_url_keeps_the_server_and_its_options() {
        assert_eq!(
            with_database("postgres://u:p@h:5/postgres?sslmode=disable", "t1"),
            "postgres://u:p@h:5/t1?sslmode=disable"
        );
        assert_eq!(with_database("postgres://h", "t1"), "postgres://h/t1");
    }
}
