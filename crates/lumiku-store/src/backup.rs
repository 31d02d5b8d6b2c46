//! Copies of a whole SQLite database: a backup taken while servers run on it, and its restore.
//! PostgreSQL has its own tools for both (`pg_dump`, `pg_restore`), which these point to.

use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::Context as _;
use rusqlite::{Connection, OpenFlags};

use crate::sqlite::path_of;

/// How long the backup waits for a moment the database is not being checkpointed.
const BUSY: Duration = Duration::from_secs(30);

fn is_postgres(url: &str) -> bool {
    url.starts_with("postgres://") || url.starts_with("postgresql://")
}

/// Checks that `path` is a whole, sound SQLite database that Lumiku made; answers how many
/// migrations it had applied.
fn check(path: &Path) -> anyhow::Result<i64> {
    let conn = Connection::open_with_flags(path, OpenFlags::SQLITE_OPEN_READ_ONLY)
        .with_context(|| format!("opening {}", path.display()))?;
    let verdict: String = conn
        .query_row("pragma integrity_check", [], |row| row.get(0))
        .with_context(|| format!("{} is not an SQLite database", path.display()))?;
    anyhow::ensure!(verdict == "ok", "{} is damaged: {verdict}", path.display());
    conn.query_row("select count(*) from lumiku_migrations", [], |row| {
        row.get(0)
    })
    .with_context(|| format!("{} is not a Lumiku database", path.display()))
}

/// A path beside `path` for a file being written, renamed over `path` once whole.
fn partial(path: &Path) -> PathBuf {
    let mut name = path.file_name().unwrap_or_default().to_os_string();
    name.push(".partial");
    path.with_file_name(name)
}

/// Writes a consistent copy of the SQLite database at `url` to the new file `to`, as of one
/// moment, while servers go on reading and writing it (`VACUUM INTO` on a read transaction: the
/// copy is the snapshot that transaction sees, compacted). The copy is written beside `to` and
/// renamed into place once checked, so `to` is never half a backup. Answers its size in bytes.
pub async fn backup(url: &str, to: &Path) -> anyhow::Result<u64> {
    anyhow::ensure!(
        !is_postgres(url),
        "lumiku backup copies SQLite databases; for PostgreSQL use pg_dump \
         (pg_dump --format=custom --file=lumiku.dump \"$LUMIKU_DATABASE_URL\")"
    );
    anyhow::ensure!(!to.exists(), "{} already exists", to.display());
    let from = path_of(url)?;
    anyhow::ensure!(from.is_file(), "there is no database at {}", from.display());
    let to = to.to_owned();
    tokio::task::spawn_blocking(move || {
        let writing = partial(&to);
        let _ = std::fs::remove_file(&writing);
        let conn = Connection::open_with_flags(&from, OpenFlags::SQLITE_OPEN_READ_ONLY)
            .with_context(|| format!("opening {}", from.display()))?;
        conn.busy_timeout(BUSY)?;
        let target = writing
            .to_str()
            .context("the backup's path is not UTF-8")?
            .to_owned();
        conn.execute("vacuum into ?1", [&target])
            .with_context(|| format!("writing {}", writing.display()))?;
        drop(conn);
        check(&writing)?;
        std::fs::File::open(&writing)?.sync_all()?;
        std::fs::rename(&writing, &to)
            .with_context(|| format!("moving the backup to {}", to.display()))?;
        Ok(std::fs::metadata(&to)?.len())
    })
    .await?
}

/// Puts the backup `from` in place as the SQLite database at `url`, after checking it is a
/// sound Lumiku database. An existing database is replaced only with `replace` (its `-wal` and
/// `-shm` files go with it); no server may be running on it. The next start migrates the
/// restored database if it is older than the binary.
pub async fn restore(from: &Path, url: &str, replace: bool) -> anyhow::Result<()> {
    anyhow::ensure!(
        !is_postgres(url),
        "lumiku restore writes SQLite databases; for PostgreSQL use pg_restore \
         (pg_restore --clean --dbname \"$LUMIKU_DATABASE_URL\" lumiku.dump)"
    );
    let to = path_of(url)?;
    let from = from.to_owned();
    tokio::task::spawn_blocking(move || {
        check(&from)?;
        if to.exists() {
            anyhow::ensure!(
                replace,
                "{} already exists; stop every server on it and add --replace to overwrite it",
                to.display()
            );
        }
        if let Some(dir) = to.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir)?;
        }
        let writing = partial(&to);
        std::fs::copy(&from, &writing)
            .with_context(|| format!("copying {} to {}", from.display(), writing.display()))?;
        std::fs::File::open(&writing)?.sync_all()?;
        for suffix in ["-wal", "-shm"] {
            let mut side = to.clone().into_os_string();
            side.push(suffix);
            match std::fs::remove_file(&side) {
                Err(e) if e.kind() != std::io::ErrorKind::NotFound => return Err(e.into()),
                _ => {}
            }
        }
        std::fs::rename(&writing, &to)
            .with_context(|| format!("moving the restored database to {}", to.display()))?;
        Ok(())
    })
    .await?
}
