//! One migration runner for the kernel and every app.
//!
//! A [`MigrationSet`] is an owner's numbered schema changes, each in both dialects. The runner
//! applies the pending ones in order, each in its own transaction together with its row in
//! `lumiku_migrations` (owner, version, name, SHA-256 of the SQL run, time). An applied migration
//! whose SQL has changed since is refused, and so is a database that has applied a version this
//! binary does not know (a downgrade). On PostgreSQL each transaction first takes an advisory
//! lock, so nodes starting together apply each migration once; SQLite's one writer serialises
//! them.
//!
//! A database made before this runner existed kept the kernel's history in sqlx's
//! `_sqlx_migrations` (SHA-384 checksums) and the apps' in `app_migrations`. The first run adopts
//! both into `lumiku_migrations`, checking each adopted kernel migration against this binary's
//! SQL, and drops `_sqlx_migrations` (the kernel's own migration drops `app_migrations`).

use anyhow::Context as _;
use sha2::{Digest, Sha256, Sha384};

use crate::db::{Backend, Db, Tx, now};
use crate::sql::{self, AssertSqlSafe};
use crate::wall::{Wall, grant_app_role_sql};

/// One schema change, in both dialects. Versions increase; an applied migration is never edited
/// (its checksum is kept and checked at every start).
#[derive(Debug, Clone, Copy)]
pub struct Migration {
    /// Increasing version, unique within its owner.
    pub version: i64,
    /// Short description.
    pub name: &'static str,
    /// The SQL for SQLite.
    pub sqlite: &'static str,
    /// The SQL for PostgreSQL.
    pub postgres: &'static str,
}

impl Migration {
    fn sql(&self, backend: Backend) -> &'static str {
        match backend {
            Backend::Sqlite => self.sqlite,
            Backend::Postgres => self.postgres,
        }
    }
}

/// A fault of a migration set, found without a database.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// The migration's version.
    pub version: i64,
    /// The dialect whose SQL has it, if it is one's.
    pub dialect: Option<&'static str>,
    /// What is wrong.
    pub message: String,
}

impl Problem {
    fn new(migration: &Migration, dialect: Option<&'static str>, message: String) -> Self {
        Self {
            version: migration.version,
            dialect,
            message,
        }
    }
}

impl std::fmt::Display for Problem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.dialect {
            Some(dialect) => write!(
                f,
                "migration {} ({dialect}): {}",
                self.version, self.message
            ),
            None => write!(f, "migration {}: {}", self.version, self.message),
        }
    }
}

/// Every problem, one per line.
pub fn describe(problems: &[Problem]) -> String {
    problems
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join("; ")
}

/// Whose migrations these are.
#[derive(Debug, Clone, Copy)]
pub enum Owner<'a> {
    /// The kernel: any table, and the adoption of sqlx's history.
    Kernel,
    /// An app: only tables and indexes under its prefix; on PostgreSQL its role is granted its
    /// tables after they change.
    App(&'a Wall),
}

impl Owner<'_> {
    fn name(&self) -> &str {
        match self {
            Owner::Kernel => KERNEL,
            Owner::App(wall) => wall.app_id(),
        }
    }
}

/// The owner name of the kernel's migrations.
pub const KERNEL: &str = "kernel";

/// An owner's migrations.
#[derive(Debug, Clone, Copy)]
pub struct MigrationSet<'a> {
    /// Whose.
    pub owner: Owner<'a>,
    /// In increasing version order.
    pub migrations: &'a [Migration],
}

impl MigrationSet<'_> {
    /// Checks the set without a database: versions increase, and an app's migrations name only
    /// tables and indexes under its prefix. Every problem is listed.
    pub fn check(&self) -> Result<(), Vec<Problem>> {
        let mut problems = Vec::new();
        let mut last = 0;
        for migration in self.migrations {
            if migration.version <= last {
                problems.push(Problem::new(
                    migration,
                    None,
                    format!(
                        "versions must increase ({} after {last})",
                        migration.version
                    ),
                ));
            }
            last = migration.version;
            if let Owner::App(wall) = self.owner {
                for (dialect, sql) in [
                    ("sqlite", migration.sqlite),
                    ("postgres", migration.postgres),
                ] {
                    for name in named_tables(sql) {
                        if !wall.owns(name) {
                            let message = format!(
                                "touches '{name}', outside the app's prefix '{}'",
                                wall.prefix()
                            );
                            problems.push(Problem::new(migration, Some(dialect), message));
                        }
                    }
                }
            }
        }
        if let Owner::App(_) = self.owner {
            problems.extend(self.tenant_problems());
        }
        if problems.is_empty() {
            Ok(())
        } else {
            Err(problems)
        }
    }

    /// An app's tables each carry `tenant_id`, and on PostgreSQL enable row-level security with
    /// a policy, somewhere in the set.
    fn tenant_problems(&self) -> Vec<Problem> {
        let mut problems = Vec::new();
        let postgres: String = self
            .migrations
            .iter()
            .map(|m| m.postgres.to_ascii_lowercase())
            .collect::<Vec<_>>()
            .join("\n");
        for migration in self.migrations {
            for (dialect, sql) in [
                ("sqlite", migration.sqlite),
                ("postgres", migration.postgres),
            ] {
                for (table, columns) in created_tables(sql) {
                    let has_tenant = columns
                        .split(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                        .any(|w| w.eq_ignore_ascii_case("tenant_id"));
                    if !has_tenant {
                        let message = format!("table '{table}' has no tenant_id column");
                        problems.push(Problem::new(migration, Some(dialect), message));
                    }
                    let table = table.to_ascii_lowercase();
                    if dialect == "postgres" {
                        let rls = format!("alter table {table} enable row level security");
                        let policy = postgres.contains("create policy")
                            && postgres.split("create policy").skip(1).any(|p| {
                                p.split(';')
                                    .next()
                                    .is_some_and(|p| p.contains(&format!(" on {table} ")))
                            });
                        if !postgres.contains(&rls) || !policy {
                            let message = format!(
                                "table '{table}' needs row-level security: \
                                 `alter table {table} enable row level security;` and \
                                 `create policy tenant_isolation on {table} using (tenant_id = lumiku_current_tenant());`"
                            );
                            problems.push(Problem::new(migration, Some(dialect), message));
                        }
                    }
                }
            }
        }
        problems
    }
}

/// Every table the migrations create, in either dialect, sorted (tables dropped since included).
pub fn created_table_names(migrations: &[Migration]) -> Vec<String> {
    let mut names: Vec<String> = migrations
        .iter()
        .flat_map(|m| [m.sqlite, m.postgres])
        .flat_map(created_tables)
        .map(|(name, _)| name)
        .collect();
    names.sort();
    names.dedup();
    names
}

/// The tables a migration creates, each with the text of its column list.
fn created_tables(sql: &str) -> Vec<(String, String)> {
    let lower = sql.to_ascii_lowercase();
    let mut out = Vec::new();
    let mut from = 0;
    while let Some(at) = lower[from..].find("create table") {
        let start = from + at + "create table".len();
        let rest = &sql[start..];
        let rest_lower = &lower[start..];
        let skip = rest_lower
            .trim_start()
            .strip_prefix("if not exists")
            .map_or(0, |_| {
                rest_lower.find("exists").unwrap_or(0) + "exists".len()
            });
        let rest = &rest[skip..];
        let name: String = rest
            .trim_start()
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '_' || *c == '"')
            .collect();
        let body = rest.find('(').map(|open| {
            let mut depth = 0;
            let mut end = rest.len();
            for (i, c) in rest[open..].char_indices() {
                match c {
                    '(' => depth += 1,
                    ')' => {
                        depth -= 1;
                        if depth == 0 {
                            end = open + i;
                            break;
                        }
                    }
                    _ => {}
                }
            }
            rest[open + 1..end].to_owned()
        });
        out.push((name.trim_matches('"').to_owned(), body.unwrap_or_default()));
        from = start;
    }
    out
}

/// The tables and indexes a migration creates, changes or drops, as named in its SQL.
fn named_tables(sql: &str) -> Vec<&str> {
    let words: Vec<&str> = sql
        .split(|c: char| c.is_whitespace() || c == '(' || c == ';')
        .filter(|w| !w.is_empty())
        .collect();
    let lower: Vec<String> = words.iter().map(|w| w.to_ascii_lowercase()).collect();
    let lower: Vec<&str> = lower.iter().map(String::as_str).collect();
    let mut names = Vec::new();
    for start in 0..words.len() {
        let offset = match &lower[start..] {
            ["create", "table", "if", "not", "exists", ..] => Some(5),
            ["create", "table", ..] | ["alter", "table", ..] => Some(2),
            ["drop", "table" | "index", "if", "exists", ..] => Some(4),
            ["drop", "table" | "index", ..] => Some(2),
            ["create", "index", "if", "not", "exists", _, "on", ..] => Some(7),
            [
                "create",
                "unique",
                "index",
                "if",
                "not",
                "exists",
                _,
                "on",
                ..,
            ] => Some(8),
            ["create", "index", _, "on", ..] => Some(4),
            ["create", "unique", "index", _, "on", ..] => Some(5),
            ["create", "trigger", ..] | ["create", "policy", ..] => lower[start..]
                .iter()
                .position(|w| *w == "on")
                .map(|p| p + 1),
            _ => None,
        };
        if let Some(name) = offset.and_then(|o| words.get(start + o)) {
            names.push(name.trim_matches('"'));
        }
    }
    names
}

/// Applies the set's pending migrations (after [`MigrationSet::check`]); then, for an app on
/// PostgreSQL, grants its role its tables. Answers how many it applied.
pub async fn migrate(db: &Db, set: &MigrationSet<'_>) -> anyhow::Result<usize> {
    let owner = set.owner.name();
    set.check()
        .map_err(|problems| anyhow::anyhow!("'{owner}': {}", describe(&problems)))?;
    prepare_history(db, set).await?;
    let mut applied_now = 0;
    for migration in set.migrations {
        let mut tx = lock(db).await?;
        let sql = migration.sql(tx.backend());
        let applied: Option<String> = sql::query_scalar(
            "select checksum from lumiku_migrations where owner = $1 and version = $2",
        )
        .bind(owner)
        .bind(migration.version)
        .fetch_optional(&mut tx)
        .await?;
        match applied {
            Some(stored) if stored == sha256(sql) => continue,
            Some(_) => anyhow::bail!(
                "'{owner}': migration {} ({}) was changed after it was applied",
                migration.version,
                migration.name
            ),
            None => {}
        }
        sql::raw_sql(sql).execute(&mut tx).await.with_context(|| {
            format!(
                "'{owner}': migration {} ({})",
                migration.version, migration.name
            )
        })?;
        record(&mut tx, owner, migration, sql).await?;
        tx.commit().await?;
        applied_now += 1;
    }
    if let (Owner::App(wall), Backend::Postgres) = (set.owner, db.backend()) {
        let mut tx = lock(db).await?;
        sql::raw_sql(AssertSqlSafe(grant_app_role_sql(wall)))
            .execute(&mut tx)
            .await
            .with_context(|| format!("granting '{owner}' its tables"))?;
        tx.commit().await?;
    }
    Ok(applied_now)
}

/// Where one migration of a set stands in a database.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MigrationStatus {
    /// Its version.
    pub version: i64,
    /// Its name.
    pub name: String,
    /// When it was applied (as stored), or `None` while it is pending.
    pub applied_at: Option<String>,
    /// Applied from other SQL than this binary's (the server refuses to start on it).
    pub changed: bool,
}

/// Where each migration of `set` stands in `db`, in order, without changing anything (a
/// database never migrated answers every one pending).
pub async fn status(db: &Db, set: &MigrationSet<'_>) -> anyhow::Result<Vec<MigrationStatus>> {
    let owner = set.owner.name();
    let mut tx = db.begin_read().await?;
    let applied: Vec<(i64, String, String)> = if table_exists(&mut tx, "lumiku_migrations").await? {
        let sql = match tx.backend() {
            Backend::Sqlite => {
                "select version, checksum, applied_at from lumiku_migrations where owner = $1"
            }
            Backend::Postgres => {
                "select version, checksum, cast(applied_at as text) from lumiku_migrations \
                 where owner = $1"
            }
        };
        sql::query_as(sql).bind(owner).fetch_all(&mut tx).await?
    } else {
        Vec::new()
    };
    tx.commit().await?;
    Ok(set
        .migrations
        .iter()
        .map(|migration| {
            let stored = applied.iter().find(|(v, _, _)| *v == migration.version);
            MigrationStatus {
                version: migration.version,
                name: migration.name.to_owned(),
                applied_at: stored.map(|(_, _, at)| at.clone()),
                changed: stored.is_some_and(|(_, checksum, _)| {
                    *checksum != sha256(migration.sql(db.backend()))
                }),
            }
        })
        .collect())
}

/// A transaction holding the migration lock (PostgreSQL; SQLite's writer is one at a time).
async fn lock(db: &Db) -> anyhow::Result<Tx> {
    let mut tx = db.begin().await?;
    if tx.backend() == Backend::Postgres {
        sql::query("select pg_advisory_xact_lock(hashtext('lumiku-migrations'))")
            .execute(&mut tx)
            .await?;
    }
    Ok(tx)
}

async fn record(tx: &mut Tx, owner: &str, migration: &Migration, sql: &str) -> anyhow::Result<()> {
    sql::query(
        "insert into lumiku_migrations (owner, version, name, checksum, applied_at) \
         values ($1, $2, $3, $4, $5) on conflict do nothing",
    )
    .bind(owner)
    .bind(migration.version)
    .bind(migration.name)
    .bind(sha256(sql))
    .bind(now())
    .execute(tx)
    .await?;
    Ok(())
}

fn sha256(sql: &str) -> String {
    hex(&Sha256::digest(sql.as_bytes()))
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Makes `lumiku_migrations` if it is missing, adopts an older database's history (kernel set
/// only), and refuses a database that applied versions this binary does not have.
async fn prepare_history(db: &Db, set: &MigrationSet<'_>) -> anyhow::Result<()> {
    let mut tx = lock(db).await?;
    let backend = tx.backend();
    let create = match backend {
        Backend::Sqlite => {
            "create table if not exists lumiku_migrations (owner text not null, version integer not null, \
             name text not null, checksum text not null, applied_at text not null, primary key (owner, version))"
        }
        Backend::Postgres => {
            "create table if not exists lumiku_migrations (owner text not null, version bigint not null, \
             name text not null, checksum text not null, applied_at timestamptz not null, primary key (owner, version))"
        }
    };
    sql::query(create).execute(&mut tx).await?;
    if matches!(set.owner, Owner::Kernel) && table_exists(&mut tx, "_sqlx_migrations").await? {
        adopt_sqlx_history(&mut tx, set.migrations).await?;
    }
    let newest: Option<i64> =
        sql::query_scalar("select max(version) from lumiku_migrations where owner = $1")
            .bind(set.owner.name())
            .fetch_one(&mut tx)
            .await?;
    let known = set.migrations.last().map_or(0, |m| m.version);
    if let Some(newest) = newest.filter(|n| *n > known) {
        anyhow::bail!(
            "'{}': the database has migration {newest} applied, but this binary knows only up to {known}: \
             it was written by a newer Lumiku, which this older one must not run against",
            set.owner.name()
        );
    }
    tx.commit().await?;
    Ok(())
}

async fn table_exists(tx: &mut Tx, name: &str) -> anyhow::Result<bool> {
    let sql = match tx.backend() {
        Backend::Sqlite => "select count(*) from sqlite_master where type = 'table' and name = $1",
        Backend::Postgres => {
            "select count(*) from information_schema.tables where table_schema = current_schema() and table_name = $1"
        }
    };
    let count: i64 = sql::query_scalar(sql).bind(name).fetch_one(tx).await?;
    Ok(count > 0)
}

/// Moves sqlx's record of the kernel's migrations, and the old `app_migrations`, into
/// `lumiku_migrations`, then drops `_sqlx_migrations`.
async fn adopt_sqlx_history(tx: &mut Tx, migrations: &[Migration]) -> anyhow::Result<()> {
    let backend = tx.backend();
    let rows: Vec<(i64, Vec<u8>, bool)> =
        sql::query_as("select version, checksum, success from _sqlx_migrations order by version")
            .fetch_all(&mut *tx)
            .await?;
    for (version, checksum, success) in rows {
        let migration = migrations
            .iter()
            .find(|m| m.version == version)
            .with_context(|| {
                format!("kernel migration {version} is applied but unknown to this binary")
            })?;
        anyhow::ensure!(
            success,
            "kernel migration {version} ({}) failed half-way under an earlier release; restore a backup",
            migration.name
        );
        let sql = migration.sql(backend);
        anyhow::ensure!(
            Sha384::digest(sql.as_bytes())[..] == checksum[..],
            "kernel migration {version} ({}) differs from the one this database applied",
            migration.name
        );
        record(tx, KERNEL, migration, sql).await?;
    }
    if table_exists(tx, "app_migrations").await? {
        sql::query(
            "insert into lumiku_migrations (owner, version, name, checksum, applied_at) \
             select app_id, version, name, checksum, applied_at from app_migrations where true \
             on conflict do nothing",
        )
        .execute(&mut *tx)
        .await?;
    }
    sql::query("drop table _sqlx_migrations")
        .execute(&mut *tx)
        .await?;
    tracing::info!("adopted the migration history of an earlier release");
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn set<'a>(wall: &'a Wall, migrations: &'a [Migration]) -> MigrationSet<'a> {
        MigrationSet {
            owner: Owner::App(wall),
            migrations,
        }
    }

    fn migration(version: i64, sql: &'static str) -> Migration {
        Migration {
            version,
            name: "init",
            sqlite: sql,
            postgres: sql,
        }
    }

    #[test]
    fn app_migrations_stay_inside_their_prefix() {
        let wall = Wall::new("notes");
        let ok = [migration(
            1,
            "create table notes_items (id blob primary key, tenant_id blob);\n\
             create index notes_items_idx on notes_items (id);\n\
             drop index notes_items_idx;\ncreate index if not exists notes_items_idx on notes_items (id);\n\
             alter table notes_items enable row level security;\n\
             create policy tenant_isolation on notes_items using (true);",
        )];
        assert!(set(&wall, &ok).check().is_ok());
        for bad in [
            "create table users_shadow (id blob)",
            "alter table wallets add column x int",
            "create index wallets_idx on wallets (tenant_id)",
            "drop table ledger_entries",
            "drop table if exists ledger_entries",
            "drop index ledger_entries_tenant_idx",
            "drop index if exists app_usage_tenant_idx",
            "create index if not exists wallets_idx on wallets (tenant_id)",
            "create unique index if not exists wallets_idx on wallets (tenant_id)",
            "create trigger notes_t after insert on wallets begin select 1; end",
            "CREATE TABLE Users_Copy (id blob)",
        ] {
            let migrations = [migration(1, bad)];
            let problems = set(&wall, &migrations).check().unwrap_err();
            assert!(
                problems
                    .iter()
                    .any(|p| p.message.contains("outside the app's prefix")),
                "{bad}: {problems:?}"
            );
        }
    }

    #[test]
    fn every_app_table_carries_its_tenant_and_on_postgresql_its_policy() {
        let wall = Wall::new("notes");
        let good = [Migration {
            version: 1,
            name: "init",
            sqlite: "create table notes_items (id blob primary key, tenant_id blob not null)",
            postgres: "create table notes_items (id uuid primary key, tenant_id uuid not null);\n\
                alter table notes_items enable row level security;\n\
                create policy tenant_isolation on notes_items using (tenant_id = lumiku_current_tenant());",
        }];
        assert_eq!(set(&wall, &good).check(), Ok(()));
        let bad = [Migration {
            version: 1,
            name: "init",
            sqlite: "create table notes_items (id blob primary key, owner blob)",
            postgres: "create table if not exists notes_items (id uuid primary key, tenant_id uuid not null)",
        }];
        let problems = set(&wall, &bad).check().unwrap_err();
        assert_eq!(problems.len(), 2, "{problems:?}");
        assert_eq!(problems[0].dialect, Some("sqlite"));
        assert!(
            problems[0]
                .to_string()
                .contains("(sqlite): table 'notes_items' has no tenant_id column")
        );
        assert!(problems[1].message.contains("needs row-level security"));
    }

    #[test]
    fn versions_must_increase_and_every_problem_is_listed() {
        let wall = Wall::new("notes");
        let migrations = [
            migration(2, "create table wallets_x (id int)"),
            migration(2, "create table notes_a (id int)"),
        ];
        let problems = set(&wall, &migrations).check().unwrap_err();
        let order_and_prefix = problems
            .iter()
            .filter(|p| {
                p.message.contains("must increase")
                    || p.message.contains("outside the app's prefix")
            })
            .count();
        assert_eq!(order_and_prefix, 3, "{problems:?}");
        assert!(
            problems
                .iter()
                .any(|p| p.message.contains("'notes_a' has no tenant_id"))
        );
    }
}
