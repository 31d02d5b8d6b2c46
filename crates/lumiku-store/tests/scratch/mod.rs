//! A scratch database per test: a fresh SQLite file, or a fresh PostgreSQL database on
//! `LUMIKU_TEST_POSTGRES_URL`, removed when the test ends. [`backend_tests!`] runs one test
//! function on both; the PostgreSQL variant is ignored, saying why, when the variable was not set
//! at build time (the same rule as lumiku-testkit's).

use std::path::PathBuf;

use lumiku_store::sql::{self, AssertSqlSafe};
use lumiku_store::{Db, DbOptions};
use uuid::Uuid;

/// Which database a test runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// Defines, for each `async fn name(backend: Backend)`, a module `name` with the tests `sqlite`
/// and `postgres`.
#[macro_export]
macro_rules! backend_tests {
    ($($name:ident),* $(,)?) => {
        $(
            mod $name {
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn sqlite() {
                    super::$name($crate::scratch::Backend::Sqlite).await
                }
                #[cfg(lumiku_postgres_tests)]
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn postgres() {
                    super::$name($crate::scratch::Backend::Postgres).await
                }
                #[cfg(not(lumiku_postgres_tests))]
                #[tokio::test]
                #[ignore = "skipped: set LUMIKU_TEST_POSTGRES_URL to run the PostgreSQL variant"]
                async fn postgres() {}
            }
        )*
    };
}

/// A database made for one test.
pub struct Scratch {
    db: Db,
    url: String,
    dir: PathBuf,
    postgres: Option<(String, String)>,
}

impl Scratch {
    /// A new empty database on `backend`, opened.
    pub async fn new(backend: Backend) -> Self {
        let dir = std::env::temp_dir().join(format!("lumiku-store-{}", Uuid::now_v7().simple()));
        std::fs::create_dir_all(&dir).expect("creating the scratch directory");
        let (url, postgres) = match backend {
            Backend::Sqlite => (
                format!("sqlite://{}", dir.join("db.sqlite").display()),
                None,
            ),
            Backend::Postgres => {
                let admin_url = std::env::var("LUMIKU_TEST_POSTGRES_URL")
                    .expect("LUMIKU_TEST_POSTGRES_URL for PostgreSQL tests");
                let name = format!("lumiku_store_{}", Uuid::now_v7().simple());
                admin(&admin_url, &format!("create database {name}")).await;
                (with_database(&admin_url, &name), Some((admin_url, name)))
            }
        };
        let db = Db::connect(&DbOptions {
            url: url.clone(),
            max_connections: 4,
            ..Default::default()
        })
        .await
        .expect("opening the scratch database");
        Self {
            db,
            url,
            dir,
            postgres,
        }
    }

    /// The database.
    pub fn db(&self) -> &Db {
        &self.db
    }

    /// Its URL, for another connection to it (another node).
    pub fn url(&self) -> &str {
        &self.url
    }
}

async fn admin(admin_url: &str, statement: &str) {
    let db = Db::connect(&DbOptions {
        url: admin_url.to_owned(),
        max_connections: 1,
        ..Default::default()
    })
    .await
    .expect("connecting to the test PostgreSQL");
    sql::raw_sql(AssertSqlSafe(statement.to_owned()))
        .execute(&db)
        .await
        .expect(statement);
    db.close().await;
}

/// `url` with its database name replaced by `name`.
fn with_database(url: &str, name: &str) -> String {
    let (base, query) = url
        .split_once('?')
        .map_or((url, None), |(b, q)| (b, Some(q)));
    let scheme_end = base.find("://").map_or(0, |i| i + 3);
    let base = match base[scheme_end..].find('/') {
        Some(slash) => &base[..scheme_end + slash],
        None => base,
    };
    match query {
        Some(q) => format!("{base}/{name}?{q}"),
        None => format!("{base}/{name}"),
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
        if let Some((admin_url, name)) = self.postgres.take() {
            let db = self.db.clone();
            // Drop runs inside the test's runtime, which must not block on itself: use a thread.
            let _ = std::thread::spawn(move || {
                let runtime = tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                    .expect("a runtime");
                runtime.block_on(async {
                    db.close().await;
                    admin(
                        &admin_url,
                        &format!("drop database if exists {name} with (force)"),
                    )
                    .await;
                });
            })
            .join();
        }
    }
}
