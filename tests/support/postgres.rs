//! A throwaway PostgreSQL database for one test, on the server `PLANCHECK_TEST_POSTGRES`
//! names (default `postgres://postgres@127.0.0.1:5432/postgres`); dropped when the value
//! is. No server fails the test, saying how to start one. Shared by the end-to-end tests
//! and the store's own tests (`src/store/mod.rs` includes this file), so it uses only
//! sqlx, tokio and std.

#![allow(dead_code)]

use sqlx::Connection;
use std::sync::atomic::{AtomicU32, Ordering};

/// The server used when `PLANCHECK_TEST_POSTGRES` names none.
pub const DEFAULT_POSTGRES: &str = "postgres://postgres@127.0.0.1:5432/postgres";

pub struct TestPostgres {
    admin: String,
    name: String,
    /// The database's URL, for `PLANCHECK_DATABASE` or `Store::open`.
    pub url: String,
}

impl TestPostgres {
    /// Creates an empty database with a name of its own (nothing migrated yet).
    pub async fn create() -> TestPostgres {
        static SEQ: AtomicU32 = AtomicU32::new(0);
        let admin =
            std::env::var("PLANCHECK_TEST_POSTGRES").unwrap_or_else(|_| DEFAULT_POSTGRES.into());
        // The server as shown: without the user part (and so without any password).
        let server = admin
            .split_once('@')
            .map_or(admin.as_str(), |(_, host)| host);
        let mut conn = sqlx::PgConnection::connect(&admin)
            .await
            .unwrap_or_else(|e| {
                panic!(
                    "this test needs a PostgreSQL server: cannot connect to {} ({e}). Start one, \
                 e.g. `bash .ci/postgres start /tmp/plancheck-pg 5432` (a throwaway cluster \
                 that trusts local connections; `bash .ci/test` starts one itself), or set \
                 PLANCHECK_TEST_POSTGRES=postgres://USER@HOST:PORT/DATABASE to a server where \
                 USER may create databases.",
                    server
                )
            });
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .subsec_nanos();
        let name = format!(
            "plancheck_test_{}_{}_{nanos}",
            std::process::id(),
            SEQ.fetch_add(1, Ordering::Relaxed)
        );
        sqlx::raw_sql(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}")))
            .execute(&mut conn)
            .await
            .unwrap_or_else(|e| panic!("cannot create test database {name}: {e}"));
        conn.close().await.ok();
        let url = with_database(&admin, &name);
        TestPostgres { admin, name, url }
    }
}

/// `url` naming database `name` instead of its own.
pub fn with_database(url: &str, name: &str) -> String {
    let (base, query) = match url.split_once('?') {
        Some((b, q)) => (b, format!("?{q}")),
        None => (url, String::new()),
    };
    let authority_start = base.find("://").map_or(0, |i| i + 3);
    let path_start = base[authority_start..]
        .find('/')
        .map_or(base.len(), |i| authority_start + i);
    format!("{}/{name}{query}", &base[..path_start])
}

impl Drop for TestPostgres {
    fn drop(&mut self) {
        let (admin, name) = (self.admin.clone(), self.name.clone());
        // Drop runs inside the test's runtime: a thread with its own runtime drops the
        // database (FORCE closes the pool's connections still open).
        let _ = std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .unwrap();
            rt.block_on(async {
                if let Ok(mut conn) = sqlx::PgConnection::connect(&admin).await {
                    let sql = format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)");
                    let _ = sqlx::raw_sql(sqlx::AssertSqlSafe(sql))
                        .execute(&mut conn)
                        .await;
                    let _ = conn.close().await;
                }
            });
        })
        .join();
    }
}
