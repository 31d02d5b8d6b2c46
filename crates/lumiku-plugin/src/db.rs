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
use sqlx::{PgPool, Postgres};

pub use crate::sqlite::{SqliteDb, SqliteTx};
use uuid::Uuid;

/// Runs `$body` with `$conn` bound to the transaction (a `&mut Tx`), for queries written with
/// [`sql`](crate::sql). Kept so a block of statements on one transaction reads as one unit.
#[macro_export]
macro_rules! with_tx {
    ($tx:expr, $conn:ident => $body:expr) => {{
        let $conn: &mut $crate::db::Tx = &mut *$tx;
        $body
    }};
}

/// Runs `$body` with `$pool` bound to the database (a `&Db`), for reads outside a transaction
/// written with [`sql`](crate::sql). On SQLite those run on a read-only connection: write
/// through [`Db::begin`].
#[macro_export]
macro_rules! with_db {
    ($db:expr, $pool:ident => $body:expr) => {{
        let $pool: &$crate::db::Db = $db;
        $body
    }};
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

/// How to open the database.
#[derive(Debug, Clone)]
pub struct DbOptions {
    /// `sqlite://path.db` or `postgres://…`.
    pub url: String,
    /// Maximum pool size (on SQLite, of the read-only connections).
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
            Ok(Db::Sqlite(SqliteDb::open(url, options.max_connections)?))
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
        crate::sql::query("select 1").execute(self).await?;
        Ok(())
    }

    /// Begins a transaction that sees every tenant's rows: for platform-level work (accounts,
    /// sessions, creating tenants). On SQLite it waits its turn for the one writer connection and
    /// takes the write lock at once (`BEGIN IMMEDIATE`).
    pub async fn begin(&self) -> Result<Tx, sqlx::Error> {
        let inner = match self {
            Db::Sqlite(sqlite) => TxInner::Sqlite(sqlite.begin_write().await?),
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
            Db::Sqlite(sqlite) => TxInner::Sqlite(sqlite.begin_write().await?),
            Db::Postgres(pool) => {
                TxInner::Postgres(pool.begin_with(begin_as_tenant(tenant_id)).await?)
            }
        };
        Ok(Tx {
            inner,
            tenant: Some(tenant_id),
        })
    }

    /// Like [`Db::begin_tenant`] for reads: on SQLite a read-only connection in a deferred
    /// transaction, which never waits for the writer.
    pub async fn begin_tenant_read(&self, tenant_id: Uuid) -> Result<Tx, sqlx::Error> {
        let inner = match self {
            Db::Sqlite(sqlite) => TxInner::Sqlite(sqlite.begin_read().await?),
            Db::Postgres(pool) => {
                TxInner::Postgres(pool.begin_with(begin_as_tenant(tenant_id)).await?)
            }
        };
        Ok(Tx {
            inner,
            tenant: Some(tenant_id),
        })
    }

    /// Closes every idle connection.
    pub async fn close(&self) {
        match self {
            Db::Sqlite(sqlite) => sqlite.close(),
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

/// The backend-specific transaction inside a [`Tx`].
pub enum TxInner {
    /// SQLite: a connection of its own, inside `BEGIN`.
    Sqlite(SqliteTx),
    /// PostgreSQL.
    Postgres(sqlx::Transaction<'static, Postgres>),
}

impl Tx {
    /// The backend-specific transaction.
    pub fn inner_mut(&mut self) -> &mut TxInner {
        &mut self.inner
    }

    /// The engine this transaction runs on.
    pub fn backend(&self) -> Backend {
        match self.inner {
            TxInner::Sqlite(_) => Backend::Sqlite,
            TxInner::Postgres(_) => Backend::Postgres,
        }
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
