//! A PostgreSQL database of its own for an end-to-end test, on the server
//! `PLANCHECK_TEST_POSTGRES` names (default `postgres://postgres@127.0.0.1:5432/postgres`);
//! dropped when the value is. No server fails the test, saying how to start one.

#![allow(dead_code)]

use sqlx::Connection;

pub struct TestPostgres {
    admin: String,
    name: String,
    /// The database's URL, for `PLANCHECK_DATABASE`.
    pub url: String,
}

impl TestPostgres {
    pub async fn create() -> TestPostgres {
        let admin = std::env::var("PLANCHECK_TEST_POSTGRES")
            .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".into());
        let mut conn = sqlx::PgConnection::connect(&admin).await.unwrap_or_else(|e| {
            panic!(
                "this test needs a PostgreSQL server: cannot connect to {admin} ({e}). Start one, \
                 e.g. `bash .ci/postgres start /tmp/plancheck-pg 5432` (`bash .ci/test` starts \
                 one itself), or set PLANCHECK_TEST_POSTGRES to a server where the user may \
                 create databases."
            )
        });
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .subsec_nanos();
        let name = format!("plancheck_e2e_{}_{nanos}", std::process::id());
        sqlx::raw_sql(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}")))
            .execute(&mut conn)
            .await
            .unwrap();
        conn.close().await.ok();
        let (base, query) = admin.split_once('?').unwrap_or((&admin, ""));
        let host_end = base.find("://").map_or(0, |i| i + 3);
        let path = base[host_end..]
            .find('/')
            .map_or(base.len(), |i| host_end + i);
        let query = if query.is_empty() {
            String::new()
        } else {
            format!("?{query}")
        };
        let url = format!("{}/{name}{query}", &base[..path]);
        TestPostgres { admin, name, url }
    }
}

impl Drop for TestPostgres {
    fn drop(&mut self) {
        let (admin, name) = (self.admin.clone(), self.name.clone());
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
