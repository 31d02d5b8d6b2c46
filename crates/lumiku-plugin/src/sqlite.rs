//! SQLite storage: one writer connection and a pool of read-only ones, each a plain rusqlite
//! connection that statements run on directly, on the calling thread.
//!
//! SQLite has one writer at a time. Every write transaction takes the one writer connection, in
//! turn (a fair semaphore), and begins with `BEGIN IMMEDIATE`; so writers queue in order instead
//! of meeting in SQLite's busy handler, which sleeps in steps of up to 100 ms. Reads take a
//! read-only connection, which WAL lets run beside the writer.
//!
//! A transaction holds its connection until it commits or is dropped; dropped, it rolls back on
//! the spot (rusqlite is synchronous, so there is nothing to schedule). Statements are prepared
//! once per connection and kept in its cache.

use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use anyhow::Context as _;
use rusqlite::{Connection, OpenFlags};
use sqlx::sqlite::SqliteConnectOptions;
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

use crate::sql::{Error, sqlite_error};

/// How long a write transaction waits for the writer, and a read for a connection.
const WRITE_WAIT: Duration = Duration::from_secs(30);
const READ_WAIT: Duration = Duration::from_secs(10);
/// How long SQLite itself waits on a lock held by another process (a CLI command beside a
/// running server).
const BUSY_TIMEOUT: Duration = Duration::from_secs(10);
/// Prepared statements kept per connection: more than every statement Lumiku and its apps have.
const STATEMENT_CACHE: usize = 512;

/// An SQLite database: its file, the writer and the readers.
#[derive(Clone)]
pub struct SqliteDb {
    shared: Arc<Shared>,
}

struct Shared {
    path: PathBuf,
    url: String,
    writer: Arc<Pool>,
    readers: Arc<Pool>,
}

impl std::fmt::Debug for SqliteDb {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SqliteDb")
            .field("path", &self.shared.path)
            .finish_non_exhaustive()
    }
}

struct Pool {
    path: PathBuf,
    idle: Mutex<Vec<Connection>>,
    permits: Arc<Semaphore>,
    wait: Duration,
    read_only: bool,
}

impl SqliteDb {
    /// Opens (creating if missing) the file named by an `sqlite:` URL, with `readers` read-only
    /// connections at most.
    pub fn open(url: &str, readers: u32) -> anyhow::Result<Self> {
        let options = SqliteConnectOptions::from_str(url).context("parsing the SQLite URL")?;
        let path = options.get_filename().to_path_buf();
        if path.as_os_str().is_empty() || path.as_os_str() == ":memory:" {
            anyhow::bail!(
                "an in-memory SQLite database cannot be shared by several connections; name a file"
            );
        }
        // The writer first: it creates the file and turns on WAL, which the readers need.
        let writer = open(&path, false)
            .with_context(|| format!("opening the SQLite database {}", path.display()))?;
        let shared = Shared {
            url: url.to_owned(),
            writer: Arc::new(Pool::new(&path, 1, WRITE_WAIT, false)),
            readers: Arc::new(Pool::new(&path, readers.max(1) as usize, READ_WAIT, true)),
            path,
        };
        shared.writer.idle.lock().expect("pool lock").push(writer);
        Ok(Self {
            shared: Arc::new(shared),
        })
    }

    /// The database file.
    pub fn path(&self) -> &Path {
        &self.shared.path
    }

    /// sqlx's options for this file, for what runs through sqlx (migrations).
    pub fn sqlx_options(&self) -> anyhow::Result<SqliteConnectOptions> {
        Ok(SqliteConnectOptions::from_str(&self.shared.url)?
            .create_if_missing(true)
            .foreign_keys(true)
            .busy_timeout(BUSY_TIMEOUT))
    }

    /// The writer, in `BEGIN IMMEDIATE`.
    pub(crate) async fn begin_write(&self) -> Result<SqliteTx, Error> {
        let conn = Pool::acquire(&self.shared.writer).await?;
        SqliteTx::begin(conn, "BEGIN IMMEDIATE")
    }

    /// A reader, in a deferred transaction: one snapshot for all its reads.
    pub(crate) async fn begin_read(&self) -> Result<SqliteTx, Error> {
        let conn = Pool::acquire(&self.shared.readers).await?;
        SqliteTx::begin(conn, "BEGIN")
    }

    /// Holds the writer without using it, so this process writes nothing until the guard drops
    /// (while something else writes through another connection: migrations).
    pub async fn hold_writer(&self) -> Result<impl Send + use<>, Error> {
        Pool::acquire(&self.shared.writer).await
    }

    /// A reader for one statement.
    pub(crate) async fn read(&self) -> Result<Pooled, Error> {
        Pool::acquire(&self.shared.readers).await
    }

    /// Closes the idle connections; the next use opens new ones.
    pub(crate) fn close(&self) {
        for pool in [&self.shared.writer, &self.shared.readers] {
            pool.idle.lock().expect("pool lock").clear();
        }
    }
}

fn open(path: &Path, read_only: bool) -> Result<Connection, Error> {
    let flags = if read_only {
        OpenFlags::SQLITE_OPEN_READ_ONLY
    } else {
        OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_CREATE
    } | OpenFlags::SQLITE_OPEN_NO_MUTEX;
    let conn = Connection::open_with_flags(path, flags).map_err(sqlite_error)?;
    conn.busy_timeout(BUSY_TIMEOUT).map_err(sqlite_error)?;
    conn.set_prepared_statement_cache_capacity(STATEMENT_CACHE);
    let pragmas = if read_only {
        "PRAGMA temp_store = MEMORY; PRAGMA cache_size = -16000;"
    } else {
        "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON; \
         PRAGMA temp_store = MEMORY; PRAGMA cache_size = -16000;"
    };
    conn.execute_batch(pragmas).map_err(sqlite_error)?;
    Ok(conn)
}

impl Pool {
    fn new(path: &Path, size: usize, wait: Duration, read_only: bool) -> Self {
        Self {
            path: path.to_path_buf(),
            idle: Mutex::new(Vec::with_capacity(size)),
            permits: Arc::new(Semaphore::new(size)),
            wait,
            read_only,
        }
    }

    async fn acquire(self: &Arc<Self>) -> Result<Pooled, Error> {
        let permit = match self.permits.clone().try_acquire_owned() {
            Ok(permit) => permit,
            Err(_) => tokio::time::timeout(self.wait, self.permits.clone().acquire_owned())
                .await
                .map_err(|_| Error::PoolTimedOut)?
                .map_err(|_| Error::PoolClosed)?,
        };
        let idle = self.idle.lock().expect("pool lock").pop();
        let conn = match idle {
            Some(conn) => conn,
            None => open(&self.path, self.read_only)?,
        };
        Ok(Pooled {
            conn: Some(conn),
            pool: Arc::clone(self),
            _permit: permit,
        })
    }
}

/// A connection taken from a pool, given back when dropped.
pub(crate) struct Pooled {
    conn: Option<Connection>,
    pool: Arc<Pool>,
    _permit: OwnedSemaphorePermit,
}

impl std::ops::Deref for Pooled {
    type Target = Connection;

    fn deref(&self) -> &Connection {
        self.conn
            .as_ref()
            .expect("a pooled connection until dropped")
    }
}

impl Drop for Pooled {
    fn drop(&mut self) {
        let Some(conn) = self.conn.take() else { return };
        if !conn.is_autocommit() {
            // Left inside a transaction: roll it back, and close the connection if even that fails.
            let _ = conn
                .prepare_cached("ROLLBACK")
                .and_then(|mut s| s.execute([]));
            if !conn.is_autocommit() {
                return;
            }
        }
        self.pool.idle.lock().expect("pool lock").push(conn);
    }
}

/// An SQLite transaction: a connection inside `BEGIN`. Dropped without [`SqliteTx::commit`], its
/// connection rolls back as it goes back to the pool.
pub struct SqliteTx {
    conn: Pooled,
}

impl SqliteTx {
    fn begin(conn: Pooled, begin: &str) -> Result<Self, Error> {
        conn.prepare_cached(begin)
            .and_then(|mut s| s.execute([]))
            .map_err(sqlite_error)?;
        Ok(Self { conn })
    }

    /// The connection, for statements inside the transaction.
    pub fn connection(&self) -> &Connection {
        &self.conn
    }

    pub(crate) fn commit(self) -> Result<(), Error> {
        self.conn
            .prepare_cached("COMMIT")
            .and_then(|mut s| s.execute([]))
            .map_err(sqlite_error)?;
        Ok(())
    }
}
