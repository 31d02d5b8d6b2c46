//! Storage: one pool per backend behind one enum, and transactions that travel as parameters.
//! The kernel and the apps both write through [`Tx`]; an app only ever receives one scoped to the
//! request's tenant.
//!
//! SQL is written once where both dialects agree (`$N` placeholders work on SQLite too) and per
//! backend where they do not. Queries are runtime-checked: the suite runs on both backends.

use std::str::FromStr;
use std::time::Duration;

use anyhow::Context as _;
use chrono::{DateTime, SubsecRound, Utc};
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{PgPool, Postgres, Sqlite, SqlitePool};
use uuid::Uuid;

/// Runs `$body` with `$conn` bound to the transaction's connection, whichever the backend.
/// The body is compiled once per backend, so `query_as::<_, Row>` decodes natively on each.
#[macro_export]
macro_rules! with_tx {
    ($tx:expr, $conn:ident => $body:expr) => {
        match $tx.inner_mut() {
            $crate::db::TxInner::Sqlite(t) => {
                let $conn = &mut **t;
                $body
            }
            $crate::db::TxInner::Postgres(t) => {
                let $conn = &mut **t;
                $body
            }
        }
    };
}

/// Runs `$body` with `$pool` bound to the pool for reads outside a transaction, whichever the
/// backend. On SQLite that pool is read-only: write through [`Db::begin`].
#[macro_export]
macro_rules! with_db {
    ($db:expr, $pool:ident => $body:expr) => {
        match $db {
            $crate::db::Db::Sqlite(sqlite) => {
                let $pool = &sqlite.reader;
                $body
            }
            $crate::db::Db::Postgres($pool) => $body,
        }
    };
}

/// Which database engine a [`Db`] talks to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    /// SQLite, the embedded default.
    Sqlite,
    /// PostgreSQL, for several nodes.
    Postgres,
}

/// A connection pool to the one database Lumiku runs on.
#[derive(Debug, Clone)]
pub enum Db {
    /// An SQLite file in WAL mode.
    Sqlite(SqliteDb),
    /// A PostgreSQL database.
    Postgres(PgPool),
}

/// SQLite's two pools. SQLite has one writer at a time; writers sharing the reader pool would
/// collide on the write lock and wait in SQLite's busy handler, which sleeps in steps of up to
/// 100 ms. So every write transaction goes through `writer`, one connection, where writers queue
/// in order on the pool; reads go through `reader`, read-only connections that WAL lets run
/// beside the writer.
#[derive(Debug, Clone)]
pub struct SqliteDb {
    /// The one connection that writes.
    pub writer: SqlitePool,
    /// Read-only connections.
    pub reader: SqlitePool,
}

/// How to open the database.
#[derive(Debug, Clone)]
pub struct DbOptions {
    /// `sqlite://path.db` or `postgres://…`.
    pub url: String,
    /// Maximum pool size.
    pub max_connections: u32,
}

impl Db {
    /// Opens the database named by `options.url`, creating an SQLite file if it is missing.
    pub async fn connect(options: &DbOptions) -> anyhow::Result<Self> {
        let url = options.url.as_str();
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            let connect = PgConnectOptions::from_str(url).context("parsing the PostgreSQL URL")?;
            let pool = PgPoolOptions::new()
                .max_connections(options.max_connections)
                .acquire_timeout(Duration::from_secs(10))
                .connect_with(connect)
                .await
                .context("connecting to PostgreSQL")?;
            Ok(Db::Postgres(pool))
        } else if url.starts_with("sqlite:") {
            let connect = SqliteConnectOptions::from_str(url)
                .context("parsing the SQLite URL")?
                .journal_mode(SqliteJournalMode::Wal)
                .synchronous(SqliteSynchronous::Normal)
                .busy_timeout(Duration::from_secs(10))
                .foreign_keys(true)
                .pragma("temp_store", "memory")
                .pragma("cache_size", "-16000");
            // The writer first: it creates the file and turns on WAL, which the readers need.
            let writer = SqlitePoolOptions::new()
                .max_connections(1)
                .acquire_timeout(Duration::from_secs(30))
                .connect_with(connect.clone().create_if_missing(true))
                .await
                .with_context(|| format!("opening the SQLite database {url}"))?;
            let reader = SqlitePoolOptions::new()
                .max_connections(options.max_connections)
                .acquire_timeout(Duration::from_secs(10))
                .connect_with(connect.read_only(true))
                .await
                .with_context(|| format!("opening the SQLite database {url} for reading"))?;
            Ok(Db::Sqlite(SqliteDb { writer, reader }))
        } else {
            anyhow::bail!("unsupported database URL (expected sqlite:// or postgres://): {url}")
        }
    }

    /// The engine behind this pool.
    pub fn backend(&self) -> Backend {
        match self {
            Db::Sqlite(_) => Backend::Sqlite,
            Db::Postgres(_) => Backend::Postgres,
        }
    }

    /// Checks that the database answers.
    pub async fn ping(&self) -> Result<(), sqlx::Error> {
        with_db!(self, pool => sqlx::query("select 1").execute(pool).await.map(|r| r.rows_affected()))?;
        Ok(())
    }

    /// Begins a transaction that sees every tenant's rows: for platform-level work (accounts,
    /// sessions, creating tenants). On SQLite it takes the write lock at once (`BEGIN IMMEDIATE`),
    /// so two writers queue instead of failing when one upgrades a read lock.
    pub async fn begin(&self) -> Result<Tx, sqlx::Error> {
        let inner = match self {
            Db::Sqlite(sqlite) => {
                TxInner::Sqlite(sqlite.writer.begin_with("BEGIN IMMEDIATE").await?)
            }
            Db::Postgres(pool) => TxInner::Postgres(pool.begin().await?),
        };
        Ok(Tx {
            inner,
            tenant: None,
        })
    }

    /// Begins a transaction scoped to one tenant. On PostgreSQL it runs as the `lumiku_app` role
    /// with `lumiku.tenant_id` set, so row-level security hides every other tenant's rows even from
    /// a query that forgot its tenant filter. On SQLite the application's filters are the wall.
    pub async fn begin_tenant(&self, tenant_id: Uuid) -> Result<Tx, sqlx::Error> {
        let inner = match self {
            Db::Sqlite(_) => self.begin().await?.inner,
            Db::Postgres(pool) => {
                TxInner::Postgres(pool.begin_with(begin_as_tenant(tenant_id)).await?)
            }
        };
        Ok(Tx {
            inner,
            tenant: Some(tenant_id),
        })
    }

    /// Like [`Db::begin_tenant`] for reads: on SQLite a deferred transaction, which does not wait
    /// for (or hold) the write lock.
    pub async fn begin_tenant_read(&self, tenant_id: Uuid) -> Result<Tx, sqlx::Error> {
        let inner = match self {
            Db::Sqlite(sqlite) => TxInner::Sqlite(sqlite.reader.begin().await?),
            Db::Postgres(pool) => {
                TxInner::Postgres(pool.begin_with(begin_as_tenant(tenant_id)).await?)
            }
        };
        Ok(Tx {
            inner,
            tenant: Some(tenant_id),
        })
    }

    /// Closes every connection.
    pub async fn close(&self) {
        match self {
            Db::Sqlite(sqlite) => {
                sqlite.reader.close().await;
                sqlite.writer.close().await;
            }
            Db::Postgres(pool) => pool.close().await,
        }
    }
}

/// `BEGIN` as the `lumiku_app` role with `lumiku.tenant_id` set, in one round trip (a simple
/// query may hold several statements). The id is a `Uuid`, hex digits and dashes only, so writing
/// it into the text is safe.
fn begin_as_tenant(tenant_id: Uuid) -> sqlx::AssertSqlSafe<String> {
    sqlx::AssertSqlSafe(format!(
        "BEGIN; SELECT set_config('role', 'lumiku_app', true), \
         set_config('lumiku.tenant_id', '{}', true)",
        tenant_id.hyphenated()
    ))
}

/// A database transaction on either backend. Dropped without [`Tx::commit`], it rolls back.
pub struct Tx {
    inner: TxInner,
    tenant: Option<Uuid>,
}

/// The backend-specific transaction inside a [`Tx`]; used through [`with_tx!`].
pub enum TxInner {
    /// SQLite.
    Sqlite(sqlx::Transaction<'static, Sqlite>),
    /// PostgreSQL.
    Postgres(sqlx::Transaction<'static, Postgres>),
}

impl Tx {
    /// The backend-specific transaction, for [`with_tx!`].
    pub fn inner_mut(&mut self) -> &mut TxInner {
        &mut self.inner
    }

    /// The tenant this transaction is scoped to, if any.
    pub fn tenant(&self) -> Option<Uuid> {
        self.tenant
    }

    /// Makes every write of the transaction durable.
    pub async fn commit(self) -> Result<(), sqlx::Error> {
        match self.inner {
            TxInner::Sqlite(t) => t.commit().await,
            TxInner::Postgres(t) => t.commit().await,
        }
    }
}

/// The current time, truncated to microseconds so it reads back the same from both backends.
pub fn now() -> DateTime<Utc> {
    Utc::now().trunc_subsecs(6)
}

/// A new time-ordered id.
pub fn new_id() -> Uuid {
    Uuid::now_v7()
}

/// Whether `error` is a unique-constraint violation (both backends report the kind; only
/// PostgreSQL reports the constraint's name, so callers decide what collided from context).
pub fn is_unique_violation(error: &sqlx::Error) -> bool {
    matches!(error, sqlx::Error::Database(e) if e.kind() == sqlx::error::ErrorKind::UniqueViolation)
}
