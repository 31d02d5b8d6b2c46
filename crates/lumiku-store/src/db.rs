//! The database and its transactions: one pool per backend behind one enum, and transactions that
//! travel as parameters. The kernel writes through [`Tx`]; an app writes through one scoped to the
//! request's tenant and walled into its own tables ([`Tx::enter`], [`crate::wall`]).
//!
//! SQL is written once where both dialects agree (`$N` placeholders work on SQLite too) and per
//! backend where they do not. Queries are runtime-checked: the suite runs on both backends.

use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context as _;
use chrono::{DateTime, SubsecRound, Utc};
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::{PgPool, Postgres};

use crate::sql::Error;
pub use crate::sqlite::{SqliteDb, SqliteTx, Synchronous};
use crate::wall::Wall;
use uuid::Uuid;

/// How long the first connection to PostgreSQL may take before start-up gives up.
const FIRST_CONNECT_TIMEOUT: Duration = Duration::from_secs(5);

/// The database a URL names, for people: an SQLite file's path, or PostgreSQL's
/// `user@host:port/database`, never a password.
pub fn describe_url(url: &str) -> String {
    if url.starts_with("postgres://") || url.starts_with("postgresql://") {
        match PgConnectOptions::from_str(url) {
            Ok(options) => format!(
                "PostgreSQL {}@{}:{}/{}",
                options.get_username(),
                options.get_host(),
                options.get_port(),
                options.get_database().unwrap_or(options.get_username())
            ),
            Err(_) => "PostgreSQL (an unreadable URL)".to_owned(),
        }
    } else {
        let path = url
            .strip_prefix("sqlite://")
            .or_else(|| url.strip_prefix("sqlite:"))
            .unwrap_or(url);
        let path = path.split('?').next().unwrap_or(path);
        format!("SQLite {path}")
    }
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

/// A moment's view of a database's connections (`Db::stats`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct DbStats {
    /// The connections the pool may hold (on SQLite, the read-only ones).
    pub pool_size: u32,
    /// The connections in use now.
    pub pool_in_use: u32,
    /// On SQLite, the write transactions waiting for the writer.
    pub writer_queue: Option<u64>,
    /// On SQLite, the size of the WAL file in bytes.
    pub wal_bytes: Option<u64>,
}

/// How to open the database.
#[derive(Debug, Clone, Default)]
pub struct DbOptions {
    /// `sqlite://path.db` or `postgres://…`.
    pub url: String,
    /// Maximum pool size (on SQLite, of the read-only connections).
    pub max_connections: u32,
    /// On SQLite, how a commit is made durable (PostgreSQL has its own `synchronous_commit`).
    pub sqlite_synchronous: Synchronous,
}

impl Db {
    /// Opens the database named by `options.url`, creating an SQLite file if it is missing.
    pub async fn connect(options: &DbOptions) -> anyhow::Result<Self> {
        let url = options.url.as_str();
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            let connect = PgConnectOptions::from_str(url).context("parsing the PostgreSQL URL")?;
            let target = describe_url(url);
            // One connection first, so a server that is down or refuses us is reported as
            // such within seconds, not as a pool that timed out.
            match tokio::time::timeout(
                FIRST_CONNECT_TIMEOUT,
                <sqlx::PgConnection as sqlx::Connection>::connect_with(&connect),
            )
            .await
            {
                Err(_) => anyhow::bail!(
                    "connecting to PostgreSQL at {target}: no answer within {} s",
                    FIRST_CONNECT_TIMEOUT.as_secs()
                ),
                Ok(Err(error)) => {
                    return Err(anyhow::Error::new(error))
                        .with_context(|| format!("connecting to PostgreSQL at {target}"));
                }
                Ok(Ok(connection)) => {
                    let _ = sqlx::Connection::close(connection).await;
                }
            }
            let pool = PgPoolOptions::new()
                .max_connections(options.max_connections)
                .acquire_timeout(Duration::from_secs(10))
                // sqlx pings a connection when it goes back to the pool (and drops it if that
                // fails); a second ping as it comes out again was a round trip on every
                // acquire. A connection that died idle (the server restarted) fails its
                // request with 503 `database_unavailable` and is dropped.
                .test_before_acquire(false)
                .connect_with(connect)
                .await
                .context("connecting to PostgreSQL")?;
            Ok(Db::Postgres(pool))
        } else if url.starts_with("sqlite:") {
            Ok(Db::Sqlite(SqliteDb::open(
                url,
                options.max_connections,
                options.sqlite_synchronous,
            )?))
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

    /// A moment's view of the connections, for monitoring.
    pub fn stats(&self) -> DbStats {
        match self {
            Db::Sqlite(db) => db.stats(),
            Db::Postgres(pool) => {
                let open = pool.size();
                DbStats {
                    pool_size: pool.options().get_max_connections(),
                    pool_in_use: open.saturating_sub(pool.num_idle() as u32),
                    writer_queue: None,
                    wal_bytes: None,
                }
            }
        }
    }

    /// Checks that the database answers.
    pub async fn ping(&self) -> Result<(), Error> {
        crate::sql::query("select 1").execute(self).await?;
        Ok(())
    }

    /// Begins a transaction that sees every tenant's rows: for platform-level work (accounts,
    /// sessions, creating tenants). On SQLite it waits its turn for the one writer connection and
    /// takes the write lock at once (`BEGIN IMMEDIATE`).
    pub async fn begin(&self) -> Result<Tx, Error> {
        let inner = match self {
            Db::Sqlite(sqlite) => TxInner::Sqlite(sqlite.begin_write().await?),
            Db::Postgres(pool) => TxInner::Postgres(pool.begin().await?),
        };
        Ok(Tx::new(inner, None, None))
    }

    /// Begins a read of every tenant's rows, for platform-level upkeep (the storage sweep): on
    /// SQLite a read-only connection, which never waits for the writer nor holds it up.
    pub async fn begin_read(&self) -> Result<Tx, Error> {
        let inner = match self {
            Db::Sqlite(sqlite) => TxInner::Sqlite(sqlite.begin_read().await?),
            Db::Postgres(pool) => TxInner::Postgres(pool.begin().await?),
        };
        Ok(Tx::new(inner, None, None))
    }

    /// Like [`Db::begin_read`], every read seeing the same moment: on PostgreSQL a `REPEATABLE
    /// READ READ ONLY` transaction (SQLite's read transaction already is one).
    pub async fn begin_snapshot(&self) -> Result<Tx, Error> {
        let inner = match self {
            Db::Sqlite(sqlite) => TxInner::Sqlite(sqlite.begin_read().await?),
            Db::Postgres(pool) => TxInner::Postgres(
                pool.begin_with("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
                    .await?,
            ),
        };
        Ok(Tx::new(inner, None, None))
    }

    /// Begins a transaction scoped to one tenant. On PostgreSQL it runs as the `lumiku_app` role
    /// with `lumiku.tenant_id` set, so row-level security hides every other tenant's rows even from
    /// a query that forgot its tenant filter. On SQLite the application's filters are the wall.
    pub async fn begin_tenant(&self, tenant_id: Uuid) -> Result<Tx, Error> {
        let inner = match self {
            Db::Sqlite(sqlite) => TxInner::Sqlite(sqlite.begin_write().await?),
            Db::Postgres(pool) => {
                TxInner::Postgres(pool.begin_with(begin_as(TENANT_ROLE, tenant_id)).await?)
            }
        };
        Ok(Tx::new(inner, Some(tenant_id), None))
    }

    /// Like [`Db::begin_tenant`] for reads: on SQLite a read-only connection in a deferred
    /// transaction, which never waits for the writer.
    pub async fn begin_tenant_read(&self, tenant_id: Uuid) -> Result<Tx, Error> {
        let inner = match self {
            Db::Sqlite(sqlite) => TxInner::Sqlite(sqlite.begin_read().await?),
            Db::Postgres(pool) => {
                TxInner::Postgres(pool.begin_with(begin_as(TENANT_ROLE, tenant_id)).await?)
            }
        };
        Ok(Tx::new(inner, Some(tenant_id), None))
    }

    /// Like [`Db::begin_tenant_read`], every read seeing the same moment: on PostgreSQL a
    /// `REPEATABLE READ READ ONLY` transaction (SQLite's read transaction already is one).
    pub async fn begin_tenant_snapshot(&self, tenant_id: Uuid) -> Result<Tx, Error> {
        let inner = match self {
            Db::Sqlite(sqlite) => TxInner::Sqlite(sqlite.begin_read().await?),
            Db::Postgres(pool) => TxInner::Postgres(
                pool.begin_with(sqlx::AssertSqlSafe(format!(
                    "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY; SELECT set_config('role', \
                     '{TENANT_ROLE}', true), set_config('lumiku.tenant_id', '{}', true)",
                    tenant_id.hyphenated()
                )))
                .await?,
            ),
        };
        Ok(Tx::new(inner, Some(tenant_id), None))
    }

    /// A read transaction of one tenant inside an app's wall from its first statement: on
    /// PostgreSQL it begins as the app's role, in the same round trip.
    pub async fn begin_app_read(&self, tenant_id: Uuid, wall: Arc<Wall>) -> Result<Tx, Error> {
        let inner = match self {
            Db::Sqlite(sqlite) => TxInner::Sqlite(sqlite.begin_read().await?),
            Db::Postgres(pool) => {
                TxInner::Postgres(pool.begin_with(begin_as(wall.role(), tenant_id)).await?)
            }
        };
        Ok(Tx::new(inner, Some(tenant_id), Some(wall)))
    }

    /// On PostgreSQL, a connection of its own listening on notification `channel`; none on
    /// SQLite, which has no notifications (one node: it tells itself in-process).
    pub async fn listen(&self, channel: &str) -> Result<Option<Listener>, Error> {
        match self {
            Db::Sqlite(_) => Ok(None),
            Db::Postgres(pool) => {
                let mut listener = sqlx::postgres::PgListener::connect_with(pool).await?;
                listener.listen(channel).await?;
                Ok(Some(Listener(listener)))
            }
        }
    }

    /// Closes every idle connection.
    pub async fn close(&self) {
        match self {
            Db::Sqlite(sqlite) => sqlite.close(),
            Db::Postgres(pool) => pool.close().await,
        }
    }
}

/// A PostgreSQL connection listening for notifications ([`Db::listen`]).
pub struct Listener(sqlx::postgres::PgListener);

impl Listener {
    /// The next notification's payload, in commit order; `None` when the connection was lost
    /// (the next call reconnects: notifications sent in between are not delivered).
    pub async fn recv(&mut self) -> Result<Option<String>, Error> {
        Ok(self.0.try_recv().await?.map(|n| n.payload().to_owned()))
    }
}

/// The PostgreSQL role of the kernel's tenant-scoped work, subject to row-level security.
const TENANT_ROLE: &str = "lumiku_app";

/// `BEGIN` as `role` with `lumiku.tenant_id` set, in one round trip (a simple query may hold
/// several statements). The id is a `Uuid`, hex digits and dashes only, and the role a name made
/// of a checked app id, so writing them into the text is safe.
fn begin_as(role: &str, tenant_id: Uuid) -> sqlx::AssertSqlSafe<String> {
    sqlx::AssertSqlSafe(format!(
        "BEGIN; SELECT set_config('role', '{role}', true), \
         set_config('lumiku.tenant_id', '{}', true)",
        tenant_id.hyphenated()
    ))
}

/// A database transaction on either backend. Dropped without [`Tx::commit`], it rolls back.
///
/// It may be inside an app's wall ([`Tx::enter`]): its statements then touch only that app's
/// tables.
pub struct Tx {
    inner: TxInner,
    tenant: Option<Uuid>,
    wall: Option<Arc<Wall>>,
    on_commit: Vec<Box<dyn FnOnce() + Send>>,
}

/// The backend-specific transaction inside a [`Tx`].
pub(crate) enum TxInner {
    /// SQLite: a connection of its own, inside `BEGIN`.
    Sqlite(SqliteTx),
    /// PostgreSQL.
    Postgres(sqlx::Transaction<'static, Postgres>),
}

impl Tx {
    fn new(inner: TxInner, tenant: Option<Uuid>, wall: Option<Arc<Wall>>) -> Self {
        Self {
            inner,
            tenant,
            wall,
            on_commit: Vec::new(),
        }
    }

    /// Runs `hook` once the transaction has committed (never if it rolls back): how a writer
    /// tells others in the process that there is something new to see.
    pub fn on_commit(&mut self, hook: impl FnOnce() + Send + 'static) {
        self.on_commit.push(Box::new(hook));
    }

    /// The backend-specific transaction.
    pub(crate) fn inner_mut(&mut self) -> &mut TxInner {
        &mut self.inner
    }

    /// The backend-specific transaction and the wall its statements must stay inside.
    pub(crate) fn parts(&mut self) -> (&mut TxInner, Option<&Wall>) {
        (&mut self.inner, self.wall.as_deref())
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

    /// The app wall the transaction is inside, if any.
    pub fn wall(&self) -> Option<&Wall> {
        self.wall.as_deref()
    }

    /// The wall the transaction is inside, if any, to enter again after a step outside it.
    pub fn wall_handle(&self) -> Option<Arc<Wall>> {
        self.wall.clone()
    }

    /// Puts the following statements inside `wall`, until [`Tx::leave`]: on PostgreSQL the
    /// transaction takes the app's role. Only a tenant-scoped transaction may enter a wall.
    pub async fn enter(&mut self, wall: Arc<Wall>) -> Result<(), Error> {
        if self.tenant.is_none() {
            return Err(Error::InvalidArgument(
                "only a tenant's transaction may enter an app's wall".into(),
            ));
        }
        if let TxInner::Postgres(t) = &mut self.inner {
            set_role(t, wall.role()).await?;
        }
        self.wall = Some(wall);
        Ok(())
    }

    /// Puts the transaction inside `wall` after a kernel statement took the wall's role itself:
    /// on PostgreSQL, `set_config('role', …, true)` among its results, one round trip instead of
    /// [`Tx::enter`]'s own. `role` is what that `set_config` answered; anything but the wall's
    /// role is refused, so the wall is never believed entered while the role says otherwise.
    pub fn entered(&mut self, wall: Arc<Wall>, role: &str) -> Result<(), Error> {
        if self.tenant.is_none() || !matches!(self.inner, TxInner::Postgres(_)) {
            return Err(Error::InvalidArgument(
                "only a tenant's transaction on PostgreSQL takes an app's role by a statement"
                    .into(),
            ));
        }
        if role != wall.role() {
            return Err(Error::InvalidArgument(format!(
                "the statement took role {role:?}, not the app's {:?}",
                wall.role()
            )));
        }
        self.wall = Some(wall);
        Ok(())
    }

    /// Takes the transaction back out of its app's wall, to the kernel's tenant-scoped role.
    pub async fn leave(&mut self) -> Result<(), Error> {
        if self.wall.take().is_some()
            && let TxInner::Postgres(t) = &mut self.inner
        {
            set_role(t, TENANT_ROLE).await?;
        }
        Ok(())
    }

    /// Makes every write of the transaction durable.
    pub async fn commit(self) -> Result<(), Error> {
        match self.inner {
            TxInner::Sqlite(t) => t.commit().await?,
            TxInner::Postgres(t) => t.commit().await?,
        }
        for hook in self.on_commit {
            hook();
        }
        Ok(())
    }
}

async fn set_role(tx: &mut sqlx::Transaction<'static, Postgres>, role: &str) -> Result<(), Error> {
    sqlx::query("select set_config('role', $1, true)")
        .bind(role)
        .execute(&mut **tx)
        .await?;
    Ok(())
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
pub fn is_unique_violation(error: &Error) -> bool {
    matches!(error, Error::Database(e) if e.kind() == sqlx::error::ErrorKind::UniqueViolation)
}

/// Whether `error` says the database cannot be reached now (a server that is down, restarting
/// or refusing connections, a connection cut mid-statement, a pool with none to give), rather
/// than that the request or the data is wrong: the caller should answer 503 and be retried.
pub fn is_unavailable(error: &Error) -> bool {
    match error {
        Error::PoolTimedOut
        | Error::PoolClosed
        | Error::Io(_)
        | Error::Tls(_)
        | Error::WorkerCrashed => true,
        // A proxy in front of a server that is down takes the connection and closes it before
        // TLS is agreed. Other protocol errors are bugs (too many parameters, say): 500.
        Error::Protocol(message) => message.contains("SSLRequest"),
        // Class 08 is connection exceptions, save 08P01 (a message the server could not make
        // sense of: a bug of ours); 57P01-57P03 are the server shutting down, crashing or not
        // yet accepting connections.
        Error::Database(e) => e.code().is_some_and(|code| {
            (code.starts_with("08") && code != "08P01")
                || matches!(&*code, "57P01" | "57P02" | "57P03")
        }),
        _ => false,
    }
}

/// [`is_unavailable`] for any error: whether it, or an error it wraps, is a database error of
/// that kind.
pub fn is_unavailable_cause(error: &(dyn std::error::Error + 'static)) -> bool {
    let mut cause = Some(error);
    while let Some(error) = cause {
        if error.downcast_ref::<Error>().is_some_and(is_unavailable) {
            return true;
        }
        cause = error.source();
    }
    false
}
