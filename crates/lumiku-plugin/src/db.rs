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

/// Runs `$body` with `$pool` bound to the pool, whichever the backend (reads outside a transaction).
#[macro_export]
macro_rules! with_db {
    ($db:expr, $pool:ident => $body:expr) => {
        match $db {
            $crate::db::Db::Sqlite($pool) => $body,
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
    Sqlite(SqlitePool),
    /// A PostgreSQL database.
    Postgres(PgPool),
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
                .create_if_missing(true)
                .journal_mode(SqliteJournalMode::Wal)
                .synchronous(SqliteSynchronous::Normal)
                .busy_timeout(Duration::from_secs(10))
                .foreign_keys(true);
            let pool = SqlitePoolOptions::new()
                .max_connections(options.max_connections)
                .acquire_timeout(Duration::from_secs(10))
                .connect_with(connect)
                .await
                .with_context(|| format!("opening the SQLite database {url}"))?;
            Ok(Db::Sqlite(pool))
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
            Db::Sqlite(pool) => TxInner::Sqlite(pool.begin_with("BEGIN IMMEDIATE").await?),
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
        let mut tx = self.begin().await?;
        if let TxInner::Postgres(t) = &mut tx.inner {
            set_tenant(t, tenant_id).await?;
        }
        tx.tenant = Some(tenant_id);
        Ok(tx)
    }

    /// Like [`Db::begin_tenant`] for reads: on SQLite a deferred transaction, which does not wait
    /// for (or hold) the write lock.
    pub async fn begin_tenant_read(&self, tenant_id: Uuid) -> Result<Tx, sqlx::Error> {
        let inner = match self {
            Db::Sqlite(pool) => TxInner::Sqlite(pool.begin().await?),
            Db::Postgres(pool) => {
                let mut t = pool.begin().await?;
                set_tenant(&mut t, tenant_id).await?;
                TxInner::Postgres(t)
            }
        };
        Ok(Tx {
            inner,
            tenant: Some(tenant_id),
        })
    }

    /// Closes every connection.
    pub async fn close(&self) {
        with_db!(self, pool => pool.close().await)
    }
}

async fn set_tenant(
    tx: &mut sqlx::Transaction<'static, Postgres>,
    tenant_id: Uuid,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "select set_config('role', 'lumiku_app', true), set_config('lumiku.tenant_id', $1, true)",
    )
    .bind(tenant_id.to_string())
    .execute(&mut **tx)
    .await?;
    Ok(())
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
