//! SQLite storage: one writer connection and a pool of read-only ones, each a plain rusqlite
//! connection that statements run on directly, on the calling thread.
//!
//! SQLite has one writer at a time. Every write transaction takes its turn on the one writer
//! connection (a fair semaphore), so writers queue in order instead of meeting in SQLite's busy
//! handler, which sleeps in steps of up to 100 ms. Reads take a read-only connection, which WAL
//! lets run beside the writer.
//!
//! Writers commit in groups. A write transaction is a savepoint inside the writer's open SQLite
//! transaction (the *batch*, begun with `BEGIN IMMEDIATE`): its commit releases the savepoint
//! into the batch and hands the writer to the next transaction in the queue. The batch's first
//! member (its leader) queues once more for the writer and, when its turn comes, commits the batch
//! with every member that joined meanwhile: N writers queued behind each other pay for one
//! `COMMIT`, not N. Each member's commit returns only once the batch is durable, with the batch's
//! outcome. A transaction that rolls back undoes its own savepoint and nothing else. Alone, a
//! transaction commits at once: its turn comes straight back.
//!
//! Checkpoints (copying the WAL back into the database file) run on a thread of their own, so the
//! writer does not stop every thousand pages to copy them. Left alone that would let the WAL grow
//! without end under steady writes: SQLite rewinds the WAL only when a write transaction starts
//! with every frame copied back, which a checkpoint racing the writer never quite reaches. So the
//! writer itself, after a commit, copies the last frames back while it keeps anything else from
//! appending (a `RESTART` checkpoint, on the blocking pool), and its next batch starts the WAL
//! over. That costs two fsyncs with every writer waiting, tens of milliseconds on a busy disk, so
//! it is done when it costs least: past [`WAL_REWIND_FRAMES`] the checkpoint thread asks for it
//! once the writer is at rest (batches of one transaction, nobody queued, for [`REST`]), and only
//! past [`WAL_REWIND_FRAMES_HARD`] (the writer never at rest) at the next commit whatever the
//! queue. A rewind at rest also cuts the WAL file back to nothing (`TRUNCATE`), and the thread
//! asks for one whenever the file is longer than [`WAL_FILE_LIMIT`]; a rewind under load
//! leaves the file at its size, since freeing hundreds of megabytes can take a third of a second
//! on a disk mounted with `discard`. The thread and a rewind take turns (SQLite lets one
//! checkpoint run at a time, and refuses the second at once).
//!
//! Statements are prepared once per connection and kept in its cache.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU8, AtomicUsize, Ordering};
use std::sync::mpsc::{Receiver, SyncSender};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Duration;

use anyhow::Context as _;
use rusqlite::config::DbConfig;
use rusqlite::{Connection, OpenFlags};
use tokio::sync::{Notify, OwnedSemaphorePermit, Semaphore};

use crate::sql::{Error, SqliteError, sqlite_error};

/// Write transactions per group commit, for `/metrics`.
pub const COMMIT_GROUP_METRIC: &str = "lumiku_sqlite_commit_group_size";

/// How long a write transaction waits for the writer, and a read for a connection.
const WRITE_WAIT: Duration = Duration::from_secs(30);
const READ_WAIT: Duration = Duration::from_secs(10);
/// How long SQLite itself waits on a lock held by another process (a CLI command beside a
/// running server).
const BUSY_TIMEOUT: Duration = Duration::from_secs(10);
/// Prepared statements kept per connection: more than every statement Lumiku and its apps have.
const STATEMENT_CACHE: usize = 512;
/// WAL frames (pages) past which the writer rewinds the WAL once at rest: 64 MiB.
const WAL_REWIND_FRAMES: i64 = 16_384;
/// WAL frames past which the writer rewinds the WAL even with writers waiting: 256 MiB.
const WAL_REWIND_FRAMES_HARD: i64 = 65_536;
/// The WAL file size past which the writer cuts it back once at rest.
const WAL_FILE_LIMIT: u64 = 64 << 20;
/// The least time between two requests for the writer's help.
const REWIND_INTERVAL: Duration = Duration::from_secs(1);
/// How long a rewind waits for reads still on old WAL frames before giving up until next time.
const REWIND_READER_WAIT: Duration = Duration::from_millis(20);
/// How long the writer must have seen only lone transactions, nobody queued, to be at rest.
const REST: Duration = Duration::from_millis(200);
/// No rewind asked for.
const REWIND_NONE: u8 = 0;
/// Rewind once the writer is at rest.
const REWIND_WHEN_IDLE: u8 = 1;
/// Rewind after the next commit.
const REWIND_NOW: u8 = 2;
/// How long the checkpoint thread gathers commits before copying them back.
const CHECKPOINT_PAUSE: Duration = Duration::from_millis(20);

/// An SQLite database: its file, the writer and the readers.
#[derive(Clone)]
pub struct SqliteDb {
    shared: Arc<Shared>,
}

struct Shared {
    path: PathBuf,
    writer: Arc<Writer>,
    readers: Arc<Pool>,
}

impl std::fmt::Debug for SqliteDb {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SqliteDb")
            .field("path", &self.shared.path)
            .finish_non_exhaustive()
    }
}

impl SqliteDb {
    /// Opens (creating if missing) the file named by an `sqlite:` URL, with `readers` read-only
    /// connections at most.
    pub fn open(url: &str, readers: u32, synchronous: Synchronous) -> anyhow::Result<Self> {
        let path = path_of(url)?;
        let write = Access::Write(synchronous);
        // The writer first: it creates the file and turns on WAL, which the readers need.
        let writer = open(&path, write)
            .with_context(|| format!("opening the SQLite database {}", path.display()))?;
        let checkpointer = open(&path, write)?;
        let rewind = Arc::new(AtomicU8::new(REWIND_NONE));
        let checkpointing = Arc::new(Mutex::new(()));
        let (committed, commits) = std::sync::mpsc::sync_channel(1);
        std::thread::Builder::new()
            .name("lumiku-sqlite-checkpoint".into())
            .spawn({
                let checkpoint = Checkpointer {
                    conn: checkpointer,
                    wal: PathBuf::from(format!("{}-wal", path.display())),
                    rewind: Arc::clone(&rewind),
                    checkpointing: Arc::clone(&checkpointing),
                };
                move || checkpoint.run(&commits)
            })
            .context("starting the SQLite checkpoint thread")?;
        let shared = Shared {
            writer: Arc::new(Writer {
                path: path.clone(),
                synchronous,
                committed,
                rewind,
                checkpointing,
                queued: AtomicUsize::new(0),
                last_busy: Mutex::new(std::time::Instant::now()),
                turns: Arc::new(Semaphore::new(1)),
                state: Mutex::new(WriterState {
                    conn: Some(writer),
                    batch: None,
                    members: 0,
                }),
            }),
            readers: Arc::new(Pool::new(&path, readers.max(1) as usize)),
            path,
        };
        Ok(Self {
            shared: Arc::new(shared),
        })
    }

    /// The database file.
    pub fn path(&self) -> &Path {
        &self.shared.path
    }

    /// The readers in use and their limit, the write transactions waiting for the writer, and
    /// the WAL file's size.
    pub fn stats(&self) -> crate::db::DbStats {
        let readers = &self.shared.readers;
        let wal = format!("{}-wal", self.shared.path.display());
        crate::db::DbStats {
            pool_size: readers.size as u32,
            pool_in_use: readers
                .size
                .saturating_sub(readers.permits.available_permits())
                as u32,
            writer_queue: Some(self.shared.writer.queued.load(Ordering::Relaxed) as u64),
            wal_bytes: Some(std::fs::metadata(wal).map_or(0, |m| m.len())),
        }
    }

    /// A write transaction: a savepoint in the writer's batch.
    pub(crate) async fn begin_write(&self) -> Result<SqliteTx, Error> {
        let mut turn = self.shared.writer.turn(Some(WRITE_WAIT)).await?;
        turn.join()?;
        Ok(SqliteTx {
            conn: TxConn::Write(Some(turn)),
        })
    }

    /// A reader, in a deferred transaction: one snapshot for all its reads.
    pub(crate) async fn begin_read(&self) -> Result<SqliteTx, Error> {
        let conn = self.shared.readers.acquire().await?;
        execute(&conn, "BEGIN")?;
        Ok(SqliteTx {
            conn: TxConn::Read(conn),
        })
    }

    /// A reader for one statement.
    pub(crate) async fn read(&self) -> Result<Pooled, Error> {
        self.shared.readers.acquire().await
    }

    /// Closes the idle connections (committing an open batch); the next use opens new ones.
    pub(crate) fn close(&self) {
        self.shared.readers.idle.lock().expect("pool lock").clear();
        if let Some(mut turn) = self.shared.writer.try_turn() {
            turn.flush();
            turn.conn = None;
        }
    }
}

/// The file named by an `sqlite:` URL: `sqlite://path`, `sqlite:path`, with or without a
/// `?query`, which is ignored (the file is always created if missing).
pub fn path_of(url: &str) -> anyhow::Result<PathBuf> {
    let rest = url
        .strip_prefix("sqlite://")
        .or_else(|| url.strip_prefix("sqlite:"))
        .context("an SQLite URL starts with sqlite://")?;
    let path = rest.split_once('?').map_or(rest, |(path, _)| path);
    if path.is_empty() || path == ":memory:" {
        anyhow::bail!(
            "an in-memory SQLite database cannot be shared by several connections; name a file"
        );
    }
    Ok(PathBuf::from(path))
}

/// How SQLite makes a commit durable (`PRAGMA synchronous`, in WAL mode).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Deserialize, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Synchronous {
    /// The WAL is synced at each checkpoint, not at each commit: a commit survives the process
    /// being killed, but the last commits before a power loss or an operating system crash may be
    /// lost (the database stays consistent).
    #[default]
    Normal,
    /// The WAL is synced at every commit (one group of transactions, see the module docs): a
    /// commit survives a power loss too.
    Full,
}

impl Synchronous {
    fn pragma(self) -> &'static str {
        match self {
            Synchronous::Normal => "PRAGMA synchronous = NORMAL;",
            Synchronous::Full => "PRAGMA synchronous = FULL;",
        }
    }
}

/// What a connection is opened for.
#[derive(Debug, Clone, Copy)]
enum Access {
    Read,
    Write(Synchronous),
}

fn open(path: &Path, access: Access) -> Result<Connection, Error> {
    let flags = match access {
        Access::Read => OpenFlags::SQLITE_OPEN_READ_ONLY,
        Access::Write(_) => OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_CREATE,
    } | OpenFlags::SQLITE_OPEN_NO_MUTEX;
    let conn = Connection::open_with_flags(path, flags).map_err(sqlite_error)?;
    conn.busy_timeout(BUSY_TIMEOUT).map_err(sqlite_error)?;
    conn.set_prepared_statement_cache_capacity(STATEMENT_CACHE);
    // Allows everything except while an app's statement is being checked (crate::wall).
    conn.authorizer(Some(crate::wall::sqlite::authorize))
        .map_err(sqlite_error)?;
    // Plans that do not depend on the values bound. Otherwise SQLite plans a `LIMIT ?` for the
    // integer bound to it (and a range or LIKE for its value, with STAT4), and recompiles the
    // cached statement each time a parameter is bound again: on every execution.
    conn.set_db_config(DbConfig::SQLITE_DBCONFIG_ENABLE_QPSG, true)
        .map_err(sqlite_error)?;
    match access {
        Access::Read => {
            conn.execute_batch("PRAGMA temp_store = MEMORY; PRAGMA cache_size = -16000;")
        }
        Access::Write(synchronous) => {
            // The checkpoint thread copies the WAL back; the WAL file is cut back only at rest
            // (module docs).
            conn.execute_batch(
                "PRAGMA journal_mode = WAL; PRAGMA foreign_keys = ON; \
                 PRAGMA temp_store = MEMORY; PRAGMA cache_size = -16000; \
                 PRAGMA wal_autocheckpoint = 0; PRAGMA journal_size_limit = -1;",
            )
            .and_then(|()| conn.execute_batch(synchronous.pragma()))
        }
    }
    .map_err(sqlite_error)?;
    Ok(conn)
}

/// Runs one statement without parameters, prepared once per connection.
fn run(conn: &Connection, sql: &str) -> rusqlite::Result<()> {
    conn.prepare_cached(sql)
        .and_then(|mut s| s.execute([]))
        .map(drop)
}

fn execute(conn: &Connection, sql: &str) -> Result<(), Error> {
    run(conn, sql).map_err(sqlite_error)
}

/// Copies back what it can without waiting for anyone.
const PASSIVE: &str = "PRAGMA wal_checkpoint(PASSIVE)";
/// Copies back everything, waits (the busy timeout) for reads on old frames, and leaves the WAL to
/// start over at the next write.
const RESTART: &str = "PRAGMA wal_checkpoint(RESTART)";
/// As [`RESTART`], and cuts the WAL file to nothing.
const TRUNCATE: &str = "PRAGMA wal_checkpoint(TRUNCATE)";

/// Runs a checkpoint (`PASSIVE`, `RESTART` or `TRUNCATE`) and answers how many frames the WAL
/// holds (-1 when the checkpoint could not start).
fn checkpoint(conn: &Connection, pragma: &str) -> Result<i64, Error> {
    conn.query_row(pragma, [], |row| row.get(1))
        .map_err(sqlite_error)
}

/// The checkpoint thread's side.
struct Checkpointer {
    conn: Connection,
    /// The WAL file.
    wal: PathBuf,
    /// Where it asks the writer to rewind the WAL (`REWIND_*`).
    rewind: Arc<AtomicU8>,
    /// Held while a checkpoint runs, by this thread or a rewind.
    checkpointing: Arc<Mutex<()>>,
}

impl Checkpointer {
    /// After commits, waits a moment for more, copies the WAL back, and asks the writer to
    /// rewind the WAL (at most once a second) when it is long. Ends when the database is dropped.
    fn run(&self, commits: &Receiver<()>) {
        let mut last_request: Option<std::time::Instant> = None;
        while commits.recv().is_ok() {
            std::thread::sleep(CHECKPOINT_PAUSE);
            if self.rewind.load(Ordering::Relaxed) == REWIND_NOW {
                // The writer is about to copy the rest itself.
                continue;
            }
            let log = match self.checkpoint() {
                Ok(log) => log,
                Err(e) => {
                    tracing::warn!(error = %e, "SQLite checkpoint failed");
                    continue;
                }
            };
            let long = log > WAL_REWIND_FRAMES
                || std::fs::metadata(&self.wal).is_ok_and(|m| m.len() > WAL_FILE_LIMIT);
            if !long || last_request.is_some_and(|t| t.elapsed() < REWIND_INTERVAL) {
                continue;
            }
            last_request = Some(std::time::Instant::now());
            if log > WAL_REWIND_FRAMES_HARD {
                // Catch up once more with what came in meanwhile, so the writer is left only the
                // frames of a batch or two.
                let _ = self.checkpoint();
                self.rewind.store(REWIND_NOW, Ordering::Relaxed);
            } else {
                let _ = self.rewind.compare_exchange(
                    REWIND_NONE,
                    REWIND_WHEN_IDLE,
                    Ordering::Relaxed,
                    Ordering::Relaxed,
                );
            }
        }
    }

    fn checkpoint(&self) -> Result<i64, Error> {
        let _turn = self.checkpointing.lock().expect("checkpoint lock");
        checkpoint(&self.conn, PASSIVE)
    }
}

/// The error every member of a batch that SQLite rolled back gets.
fn rolled_back() -> SqliteError {
    SqliteError {
        message: "SQLite rolled the transaction back after an earlier error".into(),
        code: rusqlite::ffi::SQLITE_ABORT,
    }
}

/// The one writer connection, taken in turns, and the batch it has open.
struct Writer {
    path: PathBuf,
    synchronous: Synchronous,
    /// Wakes the checkpoint thread after a commit.
    committed: SyncSender<()>,
    /// Set by the checkpoint thread: the WAL is long, help it start over (`REWIND_*`).
    rewind: Arc<AtomicU8>,
    /// Held while a checkpoint runs, by the checkpoint thread or a rewind.
    checkpointing: Arc<Mutex<()>>,
    /// Tasks waiting for a turn.
    queued: AtomicUsize,
    /// When a batch last held more than one transaction, or found writers queued.
    last_busy: Mutex<std::time::Instant>,
    turns: Arc<Semaphore>,
    state: Mutex<WriterState>,
}

struct WriterState {
    /// The connection; `None` while a turn has it, or after it was closed.
    conn: Option<Connection>,
    /// The open batch: the connection is inside `BEGIN IMMEDIATE`.
    batch: Option<Arc<Batch>>,
    /// Transactions released into the open batch and waiting for its commit.
    members: usize,
}

/// A group of write transactions that commit together.
struct Batch {
    outcome: OnceLock<Result<(), SqliteError>>,
    done: Notify,
}

impl Batch {
    fn close(&self, outcome: Result<(), SqliteError>) {
        let _ = self.outcome.set(outcome);
        self.done.notify_waiters();
    }
}

impl Writer {
    /// Waits for the writer (at most `wait`, if given).
    async fn turn(self: &Arc<Self>, wait: Option<Duration>) -> Result<Turn, Error> {
        let permit = match self.turns.clone().try_acquire_owned() {
            Ok(permit) => permit,
            Err(_) => {
                self.queued.fetch_add(1, Ordering::Relaxed);
                let _queued = Queued(&self.queued);
                let acquire = self.turns.clone().acquire_owned();
                match wait {
                    Some(wait) => tokio::time::timeout(wait, acquire)
                        .await
                        .map_err(|_| Error::PoolTimedOut)?,
                    None => acquire.await,
                }
                .map_err(|_| Error::PoolClosed)?
            }
        };
        self.start_turn(permit)
    }

    /// The writer, if nobody has it.
    fn try_turn(self: &Arc<Self>) -> Option<Turn> {
        let permit = self.turns.clone().try_acquire_owned().ok()?;
        self.start_turn(permit).ok()
    }

    fn start_turn(self: &Arc<Self>, permit: OwnedSemaphorePermit) -> Result<Turn, Error> {
        let conn = self.state.lock().expect("writer lock").conn.take();
        let conn = match conn {
            Some(conn) => conn,
            None => open(&self.path, Access::Write(self.synchronous))?,
        };
        Ok(Turn {
            writer: Arc::clone(self),
            conn: Some(conn),
            _permit: permit,
        })
    }
}

/// The writer connection while it is this task's turn; given back when dropped.
struct Turn {
    writer: Arc<Writer>,
    conn: Option<Connection>,
    _permit: OwnedSemaphorePermit,
}

impl Turn {
    fn conn(&self) -> &Connection {
        self.conn.as_ref().expect("the writer until the turn ends")
    }

    /// Opens a batch if none is open, and a savepoint in it for one transaction.
    fn join(&mut self) -> Result<(), Error> {
        let mut state = self.writer.state.lock().expect("writer lock");
        if state.batch.is_some() && self.conn().is_autocommit() {
            // SQLite ended the batch on its own after an error: its members did not commit.
            fail(&mut state, rolled_back());
        }
        if state.batch.is_none() {
            execute(self.conn(), "BEGIN IMMEDIATE")?;
            state.batch = Some(Arc::new(Batch {
                outcome: OnceLock::new(),
                done: Notify::new(),
            }));
            state.members = 0;
        }
        if let Err(e) = execute(self.conn(), "SAVEPOINT lumiku_tx") {
            drop(state);
            self.end_if_empty();
            return Err(e);
        }
        Ok(())
    }

    /// Releases this turn's savepoint into the batch, returning the batch to wait on and whether
    /// this transaction leads it (is its first member, which commits it).
    fn release(mut self) -> Result<(Arc<Batch>, bool), Error> {
        if let Err(e) = execute(self.conn(), "RELEASE lumiku_tx") {
            self.rollback();
            return Err(e);
        }
        let mut state = self.writer.state.lock().expect("writer lock");
        match state.batch.clone() {
            Some(batch) if !self.conn().is_autocommit() => {
                state.members += 1;
                Ok((batch, state.members == 1))
            }
            _ => {
                fail(&mut state, rolled_back());
                Err(sqlite_failure(rolled_back()))
            }
        }
    }

    /// Undoes this turn's savepoint, and ends the batch if nobody else is in it.
    fn rollback(&mut self) {
        let undone = execute(self.conn(), "ROLLBACK TO lumiku_tx")
            .and_then(|()| execute(self.conn(), "RELEASE lumiku_tx"));
        if undone.is_err() || self.conn().is_autocommit() {
            let mut state = self.writer.state.lock().expect("writer lock");
            fail(&mut state, rolled_back());
            drop(state);
            self.abort();
        } else {
            self.end_if_empty();
        }
    }

    /// Rolls back an open batch with no members, so the file is not left locked.
    fn end_if_empty(&mut self) {
        let mut state = self.writer.state.lock().expect("writer lock");
        if state.members == 0
            && let Some(batch) = state.batch.take()
        {
            batch.close(Err(rolled_back()));
            drop(state);
            self.abort();
        }
    }

    /// Ends whatever transaction the connection is in, closing it if even that fails.
    fn abort(&mut self) {
        if !self.conn().is_autocommit() {
            let _ = execute(self.conn(), "ROLLBACK");
            if !self.conn().is_autocommit() {
                self.conn = None;
            }
        }
    }

    /// Commits the open batch, if any, and tells its members the outcome.
    fn flush(&mut self) {
        let mut state = self.writer.state.lock().expect("writer lock");
        let Some(batch) = state.batch.take() else {
            return;
        };
        let members = std::mem::take(&mut state.members);
        drop(state);
        let outcome = if self.conn().is_autocommit() {
            Err(rolled_back())
        } else {
            run(self.conn(), "COMMIT").map_err(|e| SqliteError::from_rusqlite(&e))
        };
        let committed = outcome.is_ok();
        if !committed {
            self.abort();
        }
        batch.close(outcome);
        if committed {
            metrics::histogram!(COMMIT_GROUP_METRIC).record(members as f64);
            self.after_commit();
        }
        if members > 1 || self.writer.queued.load(Ordering::Relaxed) > 0 {
            *self.writer.last_busy.lock().expect("writer lock") = std::time::Instant::now();
        }
    }

    /// Wakes the checkpoint thread.
    fn after_commit(&mut self) {
        // Full: a wake-up is already pending. Disconnected: the thread is gone with the database.
        let _ = self.writer.committed.try_send(());
    }

    /// If the checkpoint thread asked, and now suits (module docs), copies the WAL's last frames
    /// back while this turn keeps anything from appending, so the next batch starts the WAL over.
    /// That takes two fsyncs, so it runs on the blocking pool, holding the turn, and no runtime
    /// worker waits for it. A read still on old frames is waited for briefly; if it outlasts that,
    /// the WAL goes on and the thread asks again later.
    fn rewind_if_asked(self) {
        let asked = self.writer.rewind.load(Ordering::Relaxed);
        let now = match asked {
            REWIND_NOW => true,
            REWIND_WHEN_IDLE => {
                self.writer.queued.load(Ordering::Relaxed) == 0
                    && self.writer.last_busy.lock().expect("writer lock").elapsed() >= REST
            }
            _ => false,
        };
        if !now
            || self
                .writer
                .rewind
                .compare_exchange(asked, REWIND_NONE, Ordering::Relaxed, Ordering::Relaxed)
                .is_err()
        {
            return;
        }
        let pragma = if asked == REWIND_NOW {
            RESTART
        } else {
            TRUNCATE
        };
        tokio::task::spawn_blocking(move || {
            let conn = self.conn();
            let _checkpointing = self.writer.checkpointing.lock().expect("checkpoint lock");
            let rewound = conn
                .busy_timeout(REWIND_READER_WAIT)
                .map_err(sqlite_error)
                .and_then(|()| checkpoint(conn, pragma));
            let restored = conn.busy_timeout(BUSY_TIMEOUT).map_err(sqlite_error);
            if let Err(e) = rewound.and(restored) {
                tracing::warn!(error = %e, "SQLite checkpoint failed");
            }
        });
    }
}

/// Counts a task in [`Writer::queued`] while it waits for its turn.
struct Queued<'a>(&'a AtomicUsize);

impl Drop for Queued<'_> {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::Relaxed);
    }
}

/// Closes the open batch as failed: its members did not commit.
fn fail(state: &mut WriterState, error: SqliteError) {
    if let Some(batch) = state.batch.take() {
        batch.close(Err(error));
    }
    state.members = 0;
}

fn sqlite_failure(error: SqliteError) -> Error {
    Error::Database(Box::new(error))
}

impl Drop for Turn {
    fn drop(&mut self) {
        if let Some(conn) = self.conn.take() {
            self.writer.state.lock().expect("writer lock").conn = Some(conn);
        }
    }
}

/// A member waiting for its batch to commit. The leader, dropped before that (its request was
/// cancelled), leaves a task to commit the batch, so a batch is never left open with nobody to
/// close it.
struct Pending {
    writer: Arc<Writer>,
    batch: Arc<Batch>,
    leader: bool,
    /// This is the task left by a dropped leader: dropped in turn (the runtime is shutting down),
    /// it leaves nothing behind.
    detached: bool,
}

impl Pending {
    /// The batch's outcome. The leader queues for the writer and commits the batch when its turn
    /// comes (every member queued before that turn is in it); the others wait to be told. Only the
    /// leader queues, so the writer is never handed to a member that no longer needs it.
    async fn wait(&mut self) -> Result<(), Error> {
        loop {
            let notified = self.batch.done.notified();
            tokio::pin!(notified);
            notified.as_mut().enable();
            if let Some(outcome) = self.batch.outcome.get() {
                self.leader = false;
                return outcome.clone().map_err(sqlite_failure);
            }
            if !self.leader {
                notified.await;
                continue;
            }
            tokio::select! {
                biased;
                () = &mut notified => {}
                turn = self.writer.turn(None) => {
                    let mut turn = turn?;
                    if self.batch.outcome.get().is_none() {
                        // The open batch is this one: a batch stays open until it is closed.
                        turn.flush();
                    }
                    if self.batch.outcome.get().is_none() {
                        self.leader = false;
                        return Err(Error::AnyDriverError("the write batch was lost".into()));
                    }
                    turn.rewind_if_asked();
                }
            }
        }
    }
}

impl Drop for Pending {
    fn drop(&mut self) {
        if !self.leader || self.detached {
            return;
        }
        if let Ok(runtime) = tokio::runtime::Handle::try_current() {
            let mut pending = Pending {
                writer: Arc::clone(&self.writer),
                batch: Arc::clone(&self.batch),
                leader: true,
                detached: true,
            };
            self.leader = false;
            runtime.spawn(async move {
                let _ = pending.wait().await;
            });
        }
    }
}

/// The read-only connections.
struct Pool {
    path: PathBuf,
    size: usize,
    idle: Mutex<Vec<Connection>>,
    permits: Arc<Semaphore>,
}

impl Pool {
    fn new(path: &Path, size: usize) -> Self {
        Self {
            path: path.to_path_buf(),
            size,
            idle: Mutex::new(Vec::with_capacity(size)),
            permits: Arc::new(Semaphore::new(size)),
        }
    }

    async fn acquire(self: &Arc<Self>) -> Result<Pooled, Error> {
        let permit = match self.permits.clone().try_acquire_owned() {
            Ok(permit) => permit,
            Err(_) => tokio::time::timeout(READ_WAIT, self.permits.clone().acquire_owned())
                .await
                .map_err(|_| Error::PoolTimedOut)?
                .map_err(|_| Error::PoolClosed)?,
        };
        let idle = self.idle.lock().expect("pool lock").pop();
        let conn = match idle {
            Some(conn) => conn,
            None => open(&self.path, Access::Read)?,
        };
        Ok(Pooled {
            conn: Some(conn),
            pool: Arc::clone(self),
            _permit: permit,
        })
    }
}

/// A read-only connection taken from the pool, given back when dropped.
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
            // Left inside a transaction: end it, and close the connection if even that fails.
            let _ = execute(&conn, "ROLLBACK");
            if !conn.is_autocommit() {
                return;
            }
        }
        self.pool.idle.lock().expect("pool lock").push(conn);
    }
}

/// An SQLite transaction. Dropped without [`SqliteTx::commit`], it rolls back: a read ends its
/// snapshot, a write undoes its savepoint.
pub struct SqliteTx {
    conn: TxConn,
}

enum TxConn {
    Read(Pooled),
    /// `None` once committed.
    Write(Option<Turn>),
}

impl SqliteTx {
    /// The connection, for statements inside the transaction.
    pub fn connection(&self) -> &Connection {
        match &self.conn {
            TxConn::Read(conn) => conn,
            TxConn::Write(turn) => turn.as_ref().expect("a transaction until it ends").conn(),
        }
    }

    /// Commits: a read ends its snapshot; a write returns once its batch is durable.
    pub(crate) async fn commit(mut self) -> Result<(), Error> {
        match &mut self.conn {
            TxConn::Read(conn) => execute(conn, "COMMIT"),
            TxConn::Write(turn) => {
                let turn = turn.take().expect("a transaction until it ends");
                let writer = Arc::clone(&turn.writer);
                let (batch, leader) = turn.release()?;
                let mut pending = Pending {
                    writer,
                    batch,
                    leader,
                    detached: false,
                };
                pending.wait().await
            }
        }
    }
}

impl Drop for SqliteTx {
    fn drop(&mut self) {
        if let TxConn::Write(Some(turn)) = &mut self.conn {
            turn.rollback();
        }
    }
}

#[cfg(test)]
mod tests {
    use rusqlite::StatementStatus;

    #[test]
    fn an_sqlite_url_names_a_file() {
        for (url, path) in [
            ("sqlite://lumiku.db", "lumiku.db"),
            (
                "sqlite:///var/lib/lumiku/db.sqlite?mode=rwc",
                "/var/lib/lumiku/db.sqlite",
            ),
            ("sqlite:data.db", "data.db"),
        ] {
            assert_eq!(
                super::path_of(url).unwrap(),
                std::path::Path::new(path),
                "{url}"
            );
        }
        for bad in [
            "sqlite::memory:",
            "sqlite://",
            "postgres://x",
            "sqlite://?mode=memory",
        ] {
            assert!(super::path_of(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn a_cached_statement_is_not_recompiled_for_new_values() {
        let dir = std::env::temp_dir().join(format!("lumiku-qpsg-{}", uuid::Uuid::now_v7()));
        std::fs::create_dir_all(&dir).unwrap();
        let conn = super::open(
            &dir.join("db.sqlite"),
            super::Access::Write(super::Synchronous::Normal),
        )
        .unwrap();
        conn.execute_batch(
            "create table t (k blob, v integer); create index t_k on t (k, v);\
             insert into t values (x'01', 1), (x'01', 2), (x'02', 3);",
        )
        .unwrap();
        let sql = "select v from t where k = ?1 and v > ?2 order by v desc limit ?3";
        for (key, above, limit, expected) in [
            (vec![1u8], 0, 1, vec![2]),
            (vec![1u8], 0, 5, vec![2, 1]),
            (vec![2u8], 2, 7, vec![3]),
        ] {
            let mut statement = conn.prepare_cached(sql).unwrap();
            let values: Vec<i64> = statement
                .query_map(rusqlite::params![key, above, limit], |row| row.get(0))
                .unwrap()
                .collect::<Result<_, _>>()
                .unwrap();
            assert_eq!(values, expected);
            assert_eq!(
                statement.get_status(StatementStatus::RePrepare),
                0,
                "recompiled for limit {limit}"
            );
        }
        drop(conn);
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn the_writer_syncs_as_configured() {
        use super::Synchronous;
        let dir = std::env::temp_dir().join(format!("lumiku-sync-{}", uuid::Uuid::now_v7()));
        std::fs::create_dir_all(&dir).unwrap();
        let url = format!("sqlite://{}", dir.join("db.sqlite").display());
        // PRAGMA synchronous: 1 is NORMAL, 2 is FULL.
        let level = |db: &super::SqliteDb| -> i64 {
            let writer = db.shared.writer.try_turn().expect("the writer is free");
            writer
                .conn
                .as_ref()
                .unwrap()
                .query_row("PRAGMA synchronous", [], |row| row.get(0))
                .unwrap()
        };
        for (setting, expected) in [(Synchronous::Normal, 1), (Synchronous::Full, 2)] {
            let db = super::SqliteDb::open(&url, 1, setting).unwrap();
            assert_eq!(level(&db), expected, "{setting:?}");
            // A writer opened again after a close keeps the setting.
            db.close();
            assert_eq!(level(&db), expected, "{setting:?} after a close");
        }
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
