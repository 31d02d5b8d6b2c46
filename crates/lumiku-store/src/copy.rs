//! A whole database copied to the other backend (`lumiku copy`): from SQLite to PostgreSQL when a
//! deployment outgrows one machine, and back.
//!
//! The caller migrates the target first; the two databases must then have applied the same
//! migrations. Every table but the migration history is copied in foreign-key order (a table
//! after those it refers to), in batches of rows in primary-key order. Each batch is one
//! transaction on the target, which also records in `lumiku_copy` how far the table got, so a copy
//! that stops (interrupted, killed, or told to stop after some batches) goes on where it stopped
//! when run again. A column that refers to its own table (a reply to a message, a folder in a
//! folder) is filled in a second pass, once every row it may point to is there.
//!
//! Column types come from PostgreSQL's catalog. SQLite's values are read and written as the
//! store reads and writes them (UUIDs as 16 bytes, times as RFC 3339 text, booleans as integers,
//! JSON as text). Last, every row of every table is read back from both databases and compared,
//! value by value, before the record of the copy is dropped.

use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet};

use anyhow::{Context as _, bail, ensure};
use chrono::{DateTime, Utc};
use rusqlite::types::ValueRef;
use sqlx::Row as _;
use uuid::Uuid;

use crate::db::{Backend, Db, Tx, TxInner};
use crate::sql::{self, Decode, Kind, Param, sqlite_error};

/// The target's record of a copy under way.
const PROGRESS: &str = "lumiku_copy";

/// Tables a copy leaves alone: the migration history (the target has its own, which must match
/// the source's) and the record of the copy.
const NOT_COPIED: &[&str] = &["lumiku_migrations", PROGRESS];

/// The most parameters one PostgreSQL statement may carry.
const PG_MAX_PARAMS: usize = 65_535;

/// A value read from one database, to be written to the other.
type Value = Param<'static>;

/// How to copy.
#[derive(Debug, Clone)]
pub struct CopyOptions<'a> {
    /// The source as people name it (`describe_url`): a copy resumes only from the same source.
    pub source: &'a str,
    /// Rows per batch (one transaction on the target).
    pub batch: usize,
    /// Stop after this many batches; running the copy again goes on from there.
    pub max_batches: Option<u64>,
    /// Statements run on the target once every row is there, rebuilding what apps keep beside
    /// their rows on that backend (SQLite's full-text indexes).
    pub rebuild: Vec<&'static str>,
}

/// One table copied.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TableCopied {
    /// Its name.
    pub name: String,
    /// Its rows, the same on both sides.
    pub rows: u64,
}

/// How a copy ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Copied {
    /// Every table copied and compared, row by row.
    Done {
        /// Each table, in the order copied.
        tables: Vec<TableCopied>,
        /// Whether this run went on from an earlier one.
        resumed: bool,
    },
    /// Stopped after [`CopyOptions::max_batches`]; running it again goes on.
    Paused {
        /// Tables finished so far, of all.
        done: usize,
        /// Tables in all.
        tables: usize,
    },
}

#[derive(Debug, Clone)]
struct Column {
    name: String,
    /// PostgreSQL's type name (`udt_name`).
    udt: String,
    kind: Kind,
}

#[derive(Debug, Clone)]
struct Table {
    name: String,
    columns: Vec<Column>,
    /// The primary key's columns, in key order (indexes into `columns`).
    key: Vec<usize>,
    /// Columns referring to this same table (indexes into `columns`).
    links: Vec<usize>,
}

/// Where a table's copy stands, as `lumiku_copy.stage` records it.
const ROWS: i64 = 0;
const LINKS: i64 = 1;
const DONE: i64 = 2;

/// Copies every row of `from` to `to`, which must be on the other backend, migrated to the same
/// migrations, and either hold nobody's data yet or hold an unfinished copy from the same source.
/// `on_table` hears of each table as it is finished.
pub async fn copy(
    from: &Db,
    to: &Db,
    options: &CopyOptions<'_>,
    mut on_table: impl FnMut(&TableCopied),
) -> anyhow::Result<Copied> {
    ensure!(
        from.backend() != to.backend(),
        "lumiku copy moves a database between SQLite and PostgreSQL; to copy SQLite to SQLite use \
         lumiku backup, and PostgreSQL to PostgreSQL pg_dump"
    );
    ensure!(options.batch > 0, "a batch holds at least one row");
    let mut source = from.begin_snapshot().await?;
    same_migrations(&mut source, to).await?;
    let tables = catalog(&mut source, to).await?;

    let (resumed, mut stages) = start(to, &tables, options.source).await?;
    let mut batches = 0u64;
    let mut finished = Vec::with_capacity(tables.len());
    for table in &tables {
        let mut stage = stages.get(&table.name).copied().unwrap_or(ROWS);
        if stage == ROWS {
            let mut after = last_key(to, table).await?;
            loop {
                if options.max_batches.is_some_and(|max| batches >= max) {
                    return Ok(paused(&stages, tables.len()));
                }
                let rows = read_rows(&mut source, table, after.as_deref(), options.batch).await?;
                let last = rows.len() < options.batch;
                let next = if last {
                    if table.links.is_empty() { DONE } else { LINKS }
                } else {
                    ROWS
                };
                let mut tx = to.begin().await?;
                insert(&mut tx, table, &rows).await.map_err(|error| {
                    if resumed {
                        // A row referring to one the earlier run did not see.
                        error.context(
                            "this copy went on from an earlier run: if the source was written \
                             to since, copy into a new database",
                        )
                    } else {
                        error
                    }
                })?;
                record(&mut tx, &table.name, next, rows.len()).await?;
                tx.commit()
                    .await
                    .with_context(|| format!("copying rows of {}", table.name))?;
                batches += 1;
                after = rows.last().map(|row| key_of(table, row));
                if last {
                    stage = next;
                    break;
                }
            }
        }
        if stage == LINKS {
            // Every row is there: now each may point at any other.
            let mut after = None;
            loop {
                if options.max_batches.is_some_and(|max| batches >= max) {
                    return Ok(paused(&stages, tables.len()));
                }
                let rows = read_links(&mut source, table, after.as_deref(), options.batch).await?;
                let last = rows.len() < options.batch;
                let mut tx = to.begin().await?;
                link(&mut tx, table, &rows).await?;
                if last {
                    record(&mut tx, &table.name, DONE, 0).await?;
                }
                tx.commit()
                    .await
                    .with_context(|| format!("linking rows of {}", table.name))?;
                batches += 1;
                after = rows.last().map(|row| row[..table.key.len()].to_vec());
                if last {
                    break;
                }
            }
        }
        stages.insert(table.name.clone(), DONE);
        let rows = count(to, &table.name).await?;
        let copied = TableCopied {
            name: table.name.clone(),
            rows,
        };
        on_table(&copied);
        finished.push(copied);
    }

    if !options.rebuild.is_empty() {
        let mut tx = to.begin().await?;
        for statement in &options.rebuild {
            sql::query(sqlx::AssertSqlSafe((*statement).to_owned()))
                .execute(&mut tx)
                .await
                .with_context(|| format!("rebuilding after the copy: {statement}"))?;
        }
        tx.commit().await?;
    }

    // Read back, the source as it is now (not as the copy saw it): a source written to during
    // the copy, or a value one side cannot hold as the other does, shows here rather than in a
    // server later.
    source.commit().await?;
    let mut now = from.begin_snapshot().await?;
    for table in &tables {
        compare(&mut now, to, table, options.batch).await?;
    }
    now.commit().await?;
    let mut tx = to.begin().await?;
    sql::query(sqlx::AssertSqlSafe(format!("drop table {PROGRESS}")))
        .execute(&mut tx)
        .await?;
    tx.commit().await?;
    Ok(Copied::Done {
        tables: finished,
        resumed,
    })
}

fn paused(stages: &BTreeMap<String, i64>, tables: usize) -> Copied {
    Copied::Paused {
        done: stages.values().filter(|stage| **stage == DONE).count(),
        tables,
    }
}

/// The source and the target have applied the same migrations (each backend's own SQL, so by
/// owner, version and name: their checksums differ).
async fn same_migrations(source: &mut Tx, to: &Db) -> anyhow::Result<()> {
    const APPLIED: &str = "select owner, version, name from lumiku_migrations";
    let theirs: BTreeSet<(String, i64, String)> = sql::query_as(APPLIED)
        .fetch_all(&mut *source)
        .await
        .context("reading the source's migrations (is it a Lumiku database?)")?
        .into_iter()
        .collect();
    let ours: BTreeSet<(String, i64, String)> = sql::query_as(APPLIED)
        .fetch_all(to)
        .await?
        .into_iter()
        .collect();
    if theirs == ours {
        return Ok(());
    }
    let name = |(owner, version, _): &(String, i64, String)| format!("{owner} {version}");
    let missing: Vec<String> = ours.difference(&theirs).map(name).collect();
    let extra: Vec<String> = theirs.difference(&ours).map(name).collect();
    bail!(
        "the source and the target differ in their migrations (the source lacks: [{}]; the target \
         lacks: [{}]); run `lumiku migrate` on the source with this binary first",
        missing.join(", "),
        extra.join(", ")
    )
}

/// The tables to copy, each after every table it refers to, as both databases describe them.
async fn catalog(source: &mut Tx, to: &Db) -> anyhow::Result<Vec<Table>> {
    let mut target = to.begin_read().await?;
    let (pg, sqlite) = match source.backend() {
        Backend::Postgres => (&mut *source, &mut target),
        Backend::Sqlite => (&mut target, &mut *source),
    };
    let pg_tables = table_names(pg).await?;
    let sqlite_tables = table_names(sqlite).await?;
    if pg_tables != sqlite_tables {
        let only = |a: &BTreeSet<String>, b: &BTreeSet<String>| {
            a.difference(b).cloned().collect::<Vec<_>>().join(", ")
        };
        bail!(
            "the two databases have different tables (only on PostgreSQL: [{}]; only on SQLite: \
             [{}])",
            only(&pg_tables, &sqlite_tables),
            only(&sqlite_tables, &pg_tables)
        );
    }
    let mut references: BTreeSet<(String, String, String)> = foreign_keys(pg).await?;
    references.extend(foreign_keys(sqlite).await?);

    let mut tables = Vec::with_capacity(pg_tables.len());
    for name in &pg_tables {
        let columns = pg_columns(pg, name).await?;
        let mut sqlite_columns = crate::export::table_columns(sqlite, name).await?;
        let mut pg_names: Vec<&str> = columns.iter().map(|c| c.name.as_str()).collect();
        pg_names.sort_unstable();
        sqlite_columns.sort_unstable();
        ensure!(
            pg_names == sqlite_columns,
            "{name} has other columns on PostgreSQL ({}) than on SQLite ({})",
            pg_names.join(", "),
            sqlite_columns.join(", ")
        );
        let key = primary_key(pg, name)
            .await?
            .iter()
            .map(|k| position(&columns, name, k))
            .collect::<anyhow::Result<Vec<_>>>()?;
        let mut links = Vec::new();
        for (table, column, referenced) in &references {
            if table == name && referenced == name {
                let at = position(&columns, name, column)?;
                if !links.contains(&at) {
                    links.push(at);
                }
            }
        }
        ensure!(
            links.iter().all(|link| !key.contains(link)),
            "{name} refers to itself through its primary key, which lumiku copy cannot order"
        );
        tables.push(Table {
            name: name.clone(),
            columns,
            key,
            links,
        });
    }
    target.commit().await?;
    in_dependency_order(tables, &references)
}

fn position(columns: &[Column], table: &str, name: &str) -> anyhow::Result<usize> {
    columns
        .iter()
        .position(|c| c.name == name)
        .with_context(|| format!("{table} has no stored column {name}"))
}

/// `tables` sorted so that each comes after the tables its foreign keys refer to (a reference to
/// itself aside), and by name where that leaves a choice.
fn in_dependency_order(
    tables: Vec<Table>,
    references: &BTreeSet<(String, String, String)>,
) -> anyhow::Result<Vec<Table>> {
    let mut needs: BTreeMap<&str, BTreeSet<&str>> = tables
        .iter()
        .map(|t| (t.name.as_str(), BTreeSet::new()))
        .collect();
    for (table, _, referenced) in references {
        if table != referenced
            && needs.contains_key(referenced.as_str())
            && let Some(set) = needs.get_mut(table.as_str())
        {
            set.insert(referenced.as_str());
        }
    }
    let mut order: Vec<String> = Vec::with_capacity(tables.len());
    while !needs.is_empty() {
        let ready: Vec<&str> = needs
            .iter()
            .filter(|(_, set)| set.is_empty())
            .map(|(name, _)| *name)
            .collect();
        ensure!(
            !ready.is_empty(),
            "these tables refer to each other in a cycle, which lumiku copy cannot order: {}",
            needs.keys().copied().collect::<Vec<_>>().join(", ")
        );
        for name in ready {
            needs.remove(name);
            for set in needs.values_mut() {
                set.remove(name);
            }
            order.push(name.to_owned());
        }
    }
    let mut by_name: BTreeMap<String, Table> =
        tables.into_iter().map(|t| (t.name.clone(), t)).collect();
    Ok(order
        .iter()
        .filter_map(|name| by_name.remove(name))
        .collect())
}

/// The tables of the database, but for SQLite's own, full-text indexes and what copies skip.
async fn table_names(tx: &mut Tx) -> anyhow::Result<BTreeSet<String>> {
    let mut names: BTreeSet<String> = match tx.inner_mut() {
        TxInner::Sqlite(conn) => conn
            .connection()
            .prepare(
                // `table` leaves out views, virtual tables and their shadow tables.
                "select name from pragma_table_list where schema = 'main' and type = 'table' \
                 and name not like 'sqlite\\_%' escape '\\'",
            )
            .map_err(sqlite_error)?
            .query_map([], |row| row.get(0))
            .map_err(sqlite_error)?
            .collect::<Result<_, _>>()
            .map_err(sqlite_error)?,
        TxInner::Postgres(conn) => sqlx::query_scalar::<_, String>(
            "select table_name::text from information_schema.tables \
             where table_schema = current_schema() and table_type = 'BASE TABLE'",
        )
        .fetch_all(&mut **conn)
        .await?
        .into_iter()
        .collect(),
    };
    for skipped in NOT_COPIED {
        names.remove(*skipped);
    }
    Ok(names)
}

/// Every foreign key's (table, column, referenced table).
async fn foreign_keys(tx: &mut Tx) -> anyhow::Result<BTreeSet<(String, String, String)>> {
    Ok(match tx.inner_mut() {
        TxInner::Sqlite(conn) => conn
            .connection()
            .prepare(
                "select t.name, k.\"from\", k.\"table\" from pragma_table_list t \
                 join pragma_foreign_key_list(t.name) k \
                 where t.schema = 'main' and t.type = 'table'",
            )
            .map_err(sqlite_error)?
            .query_map([], |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?)))
            .map_err(sqlite_error)?
            .collect::<Result<_, _>>()
            .map_err(sqlite_error)?,
        TxInner::Postgres(conn) => sqlx::query_as::<_, (String, String, String)>(
            "select c.relname::text, a.attname::text, r.relname::text from pg_constraint k \
             join pg_class c on c.oid = k.conrelid \
             join pg_class r on r.oid = k.confrelid \
             join pg_attribute a on a.attrelid = k.conrelid and a.attnum = any(k.conkey) \
             where k.contype = 'f' and c.relnamespace = current_schema()::regnamespace",
        )
        .fetch_all(&mut **conn)
        .await?
        .into_iter()
        .collect(),
    })
}

/// A PostgreSQL table's stored columns (not generated ones), in order, with their types.
async fn pg_columns(tx: &mut Tx, table: &str) -> anyhow::Result<Vec<Column>> {
    let TxInner::Postgres(conn) = tx.inner_mut() else {
        unreachable!("PostgreSQL's catalog")
    };
    crate::export::pg_stored_columns(conn, table)
        .await?
        .into_iter()
        .map(|(name, udt)| {
            let kind = kind_of(&udt).with_context(|| {
                format!("{table}.{name} is of type {udt}, which lumiku copy does not know")
            })?;
            Ok(Column { name, udt, kind })
        })
        .collect()
}

/// How a PostgreSQL type is carried across.
fn kind_of(udt: &str) -> Option<Kind> {
    Some(match udt {
        "uuid" => Kind::Uuid,
        "text" | "varchar" | "bpchar" => Kind::Text,
        "bool" => Kind::Bool,
        "int2" | "int4" => Kind::Int32,
        "int8" => Kind::Int,
        "float4" | "float8" => Kind::Real,
        "timestamptz" => Kind::Time,
        "jsonb" => Kind::Json,
        "bytea" => Kind::Blob,
        _ => return None,
    })
}

/// A PostgreSQL table's primary key columns, in key order.
async fn primary_key(tx: &mut Tx, table: &str) -> anyhow::Result<Vec<String>> {
    let TxInner::Postgres(conn) = tx.inner_mut() else {
        unreachable!("PostgreSQL's catalog")
    };
    let key = crate::export::pg_primary_key(conn, table).await?;
    ensure!(
        !key.is_empty(),
        "{table} has no primary key, which lumiku copy needs to copy it in batches"
    );
    Ok(key)
}

/// `"name"`, for a name of letters, digits and underscores (every table and column here).
fn quote(name: &str) -> anyhow::Result<String> {
    Ok(crate::export::quote(name)?)
}

/// A key column as both backends order it: text byte by byte (PostgreSQL's collation would
/// order it otherwise than SQLite), every other type by value.
fn ordered(backend: Backend, column: &Column) -> anyhow::Result<String> {
    let name = quote(&column.name)?;
    Ok(match (column.kind, backend) {
        (Kind::Text, Backend::Postgres) => format!("{name} collate \"C\""),
        (Kind::Text, Backend::Sqlite) => format!("{name} collate binary"),
        _ => name,
    })
}

/// The quoted names of `columns` of `table`, comma-separated.
fn names(table: &Table, columns: &[usize]) -> anyhow::Result<String> {
    Ok(columns
        .iter()
        .map(|&i| quote(&table.columns[i].name))
        .collect::<anyhow::Result<Vec<_>>>()?
        .join(", "))
}

/// The `n`th parameter (from 1).
fn placeholder(n: usize) -> String {
    format!("${n}")
}

/// `select <columns> from <table> [where (<key>) > (<after>)] [and <filter>] order by <key>
/// limit <limit>`.
fn select(
    backend: Backend,
    table: &Table,
    columns: &[usize],
    after: bool,
    filter: Option<String>,
    limit: usize,
) -> anyhow::Result<String> {
    let list = names(table, columns)?;
    let key = table
        .key
        .iter()
        .map(|&i| ordered(backend, &table.columns[i]))
        .collect::<anyhow::Result<Vec<_>>>()?
        .join(", ");
    let mut conditions = Vec::new();
    if after {
        let params = (1..=table.key.len())
            .map(placeholder)
            .collect::<Vec<_>>()
            .join(", ");
        conditions.push(format!("({key}) > ({params})"));
    }
    conditions.extend(filter);
    let filter = if conditions.is_empty() {
        String::new()
    } else {
        format!(" where {}", conditions.join(" and "))
    };
    Ok(format!(
        "select {list} from {}{filter} order by {key} limit {limit}",
        quote(&table.name)?
    ))
}

/// Up to `limit` rows of `table` after the key `after`: every column.
async fn read_rows(
    tx: &mut Tx,
    table: &Table,
    after: Option<&[Value]>,
    limit: usize,
) -> anyhow::Result<Vec<Vec<Value>>> {
    let columns: Vec<usize> = (0..table.columns.len()).collect();
    read_after(tx, table, &columns, None, after, limit).await
}

/// Up to `limit` rows of `table` after the key `after` that refer to rows of their own table:
/// their key, then those references.
async fn read_links(
    tx: &mut Tx,
    table: &Table,
    after: Option<&[Value]>,
    limit: usize,
) -> anyhow::Result<Vec<Vec<Value>>> {
    let columns: Vec<usize> = table.key.iter().chain(&table.links).copied().collect();
    let any = table
        .links
        .iter()
        .map(|&i| Ok(format!("{} is not null", quote(&table.columns[i].name)?)))
        .collect::<anyhow::Result<Vec<_>>>()?
        .join(" or ");
    read_after(tx, table, &columns, Some(format!("({any})")), after, limit).await
}

/// Up to `limit` rows of `table` (those `filter` lets through) after the key `after`, in key
/// order: `columns` of each.
async fn read_after(
    tx: &mut Tx,
    table: &Table,
    columns: &[usize],
    filter: Option<String>,
    after: Option<&[Value]>,
    limit: usize,
) -> anyhow::Result<Vec<Vec<Value>>> {
    let sql = select(tx.backend(), table, columns, after.is_some(), filter, limit)?;
    read(tx, table, columns, &sql, after.unwrap_or_default())
        .await
        .with_context(|| format!("reading {}", table.name))
}

/// Runs `sql` and reads `columns` of each row as the values they are.
async fn read(
    tx: &mut Tx,
    table: &Table,
    columns: &[usize],
    sql: &str,
    params: &[Value],
) -> anyhow::Result<Vec<Vec<Value>>> {
    let columns: Vec<&Column> = columns.iter().map(|&i| &table.columns[i]).collect();
    match tx.inner_mut() {
        TxInner::Sqlite(conn) => {
            let conn = conn.connection();
            let mut statement = conn.prepare_cached(sql).map_err(sqlite_error)?;
            let mut rows = statement
                .query(rusqlite::params_from_iter(params))
                .map_err(sqlite_error)?;
            let mut out = Vec::new();
            while let Some(row) = rows.next().map_err(sqlite_error)? {
                let mut values = Vec::with_capacity(columns.len());
                for (index, column) in columns.iter().enumerate() {
                    let value = row.get_ref(index).map_err(sqlite_error)?;
                    values.push(
                        from_sqlite(value, column.kind)
                            .map_err(|e| anyhow::anyhow!("{}.{}: {e}", table.name, column.name))?,
                    );
                }
                out.push(values);
            }
            Ok(out)
        }
        TxInner::Postgres(conn) => {
            let mut query = sqlx::query(sqlx::AssertSqlSafe(sql.to_owned()));
            for param in params {
                query = sql::bind_pg(query, param.clone())?;
            }
            let rows = query.fetch_all(&mut **conn).await?;
            rows.iter()
                .map(|row| {
                    columns
                        .iter()
                        .enumerate()
                        .map(|(index, column)| {
                            from_pg(row, index, column)
                                .with_context(|| format!("{}.{}", table.name, column.name))
                        })
                        .collect()
                })
                .collect()
        }
    }
}

fn null_or<T>(value: Option<T>, kind: Kind, param: impl FnOnce(T) -> Value) -> Value {
    value.map_or(Param::Null(kind), param)
}

/// An SQLite value as a value of `kind`, read as the store reads it.
fn from_sqlite(value: ValueRef<'_>, kind: Kind) -> Result<Value, sqlx::error::BoxDynError> {
    fn read<T: Decode>(value: ValueRef<'_>) -> Result<Option<T>, sqlx::error::BoxDynError> {
        <Option<T> as Decode>::from_sqlite(value)
    }
    Ok(match kind {
        Kind::Int => null_or(read::<i64>(value)?, kind, Param::Int),
        Kind::Int32 => null_or(read::<i32>(value)?, kind, Param::Int32),
        Kind::Real => null_or(read::<f64>(value)?, kind, Param::Real),
        Kind::Bool => null_or(read::<bool>(value)?, kind, Param::Bool),
        Kind::Text => null_or(read::<String>(value)?, kind, |v| Param::Text(Cow::Owned(v))),
        Kind::Blob => null_or(read::<Vec<u8>>(value)?, kind, |v| {
            Param::Blob(Cow::Owned(v))
        }),
        Kind::Uuid => null_or(read::<Uuid>(value)?, kind, Param::Uuid),
        Kind::Time => null_or(read::<DateTime<Utc>>(value)?, kind, Param::Time),
        Kind::Json => null_or(read::<serde_json::Value>(value)?, kind, Param::Json),
    })
}

/// A PostgreSQL value as a value of its column's kind.
fn from_pg(row: &sqlx::postgres::PgRow, index: usize, column: &Column) -> anyhow::Result<Value> {
    let kind = column.kind;
    Ok(match column.udt.as_str() {
        "int2" => null_or(row.try_get::<Option<i16>, _>(index)?, kind, |v| {
            Param::Int32(i32::from(v))
        }),
        "float4" => null_or(row.try_get::<Option<f32>, _>(index)?, kind, |v| {
            Param::Real(f64::from(v))
        }),
        _ => match kind {
            Kind::Int => null_or(row.try_get(index)?, kind, Param::Int),
            Kind::Int32 => null_or(row.try_get(index)?, kind, Param::Int32),
            Kind::Real => null_or(row.try_get(index)?, kind, Param::Real),
            Kind::Bool => null_or(row.try_get(index)?, kind, Param::Bool),
            Kind::Text => null_or(row.try_get::<Option<String>, _>(index)?, kind, |v| {
                Param::Text(Cow::Owned(v))
            }),
            Kind::Blob => null_or(row.try_get::<Option<Vec<u8>>, _>(index)?, kind, |v| {
                Param::Blob(Cow::Owned(v))
            }),
            Kind::Uuid => null_or(row.try_get(index)?, kind, Param::Uuid),
            Kind::Time => null_or(row.try_get(index)?, kind, Param::Time),
            Kind::Json => null_or(row.try_get(index)?, kind, Param::Json),
        },
    })
}

fn key_of(table: &Table, row: &[Value]) -> Vec<Value> {
    table.key.iter().map(|&i| row[i].clone()).collect()
}

/// The key of the last row `to` holds of `table` (in the order rows are copied), if any.
async fn last_key(to: &Db, table: &Table) -> anyhow::Result<Option<Vec<Value>>> {
    let backend = to.backend();
    let key = table
        .key
        .iter()
        .map(|&i| ordered(backend, &table.columns[i]).map(|k| format!("{k} desc")))
        .collect::<anyhow::Result<Vec<_>>>()?
        .join(", ");
    let list = names(table, &table.key)?;
    let sql = format!(
        "select {list} from {} order by {key} limit 1",
        quote(&table.name)?
    );
    let mut tx = to.begin_read().await?;
    let rows = read(&mut tx, table, &table.key, &sql, &[]).await?;
    tx.commit().await?;
    Ok(rows.into_iter().next())
}

/// Writes `rows` (every column) into `table`, its references to itself left empty.
async fn insert(tx: &mut Tx, table: &Table, rows: &[Vec<Value>]) -> anyhow::Result<()> {
    if rows.is_empty() {
        return Ok(());
    }
    let width = table.columns.len();
    let list = names(table, &(0..width).collect::<Vec<_>>())?;
    // SQLite prepares one row's statement once and runs it per row (in process, as fast as a
    // longer one); PostgreSQL takes as many rows per statement as its parameters allow.
    let per_statement = match tx.backend() {
        Backend::Sqlite => 1,
        Backend::Postgres => (PG_MAX_PARAMS / width).max(1),
    };
    for chunk in rows.chunks(per_statement) {
        let values = (0..chunk.len())
            .map(|r| {
                let row = (1..=width)
                    .map(|c| placeholder(r * width + c))
                    .collect::<Vec<_>>()
                    .join(", ");
                format!("({row})")
            })
            .collect::<Vec<_>>()
            .join(", ");
        let mut query = sql::query(sqlx::AssertSqlSafe(format!(
            "insert into {} ({list}) values {values}",
            quote(&table.name)?
        )));
        for row in chunk {
            for (index, value) in row.iter().enumerate() {
                query = query.bind_param(if table.links.contains(&index) {
                    Param::Null(table.columns[index].kind)
                } else {
                    value.clone()
                });
            }
        }
        query
            .execute(&mut *tx)
            .await
            .with_context(|| format!("writing rows of {}", table.name))?;
    }
    Ok(())
}

/// Sets the references to their own table of `rows` (each: the key, then those references).
async fn link(tx: &mut Tx, table: &Table, rows: &[Vec<Value>]) -> anyhow::Result<()> {
    let keys = table.key.len();
    let set = table
        .links
        .iter()
        .enumerate()
        .map(|(n, &i)| {
            Ok(format!(
                "{} = {}",
                quote(&table.columns[i].name)?,
                placeholder(n + 1)
            ))
        })
        .collect::<anyhow::Result<Vec<_>>>()?
        .join(", ");
    let filter = table
        .key
        .iter()
        .enumerate()
        .map(|(n, &i)| {
            Ok(format!(
                "{} = {}",
                quote(&table.columns[i].name)?,
                placeholder(table.links.len() + n + 1)
            ))
        })
        .collect::<anyhow::Result<Vec<_>>>()?
        .join(" and ");
    let statement = format!("update {} set {set} where {filter}", quote(&table.name)?);
    for row in rows {
        let mut query = sql::query(sqlx::AssertSqlSafe(statement.clone()));
        for value in row[keys..].iter().chain(&row[..keys]) {
            query = query.bind_param(value.clone());
        }
        query
            .execute(&mut *tx)
            .await
            .with_context(|| format!("linking rows of {}", table.name))?;
    }
    Ok(())
}

/// Starts a copy on `to`, or finds the one under way: whether it is resumed, and each table's
/// stage.
async fn start(
    to: &Db,
    tables: &[Table],
    source: &str,
) -> anyhow::Result<(bool, BTreeMap<String, i64>)> {
    let mut tx = to.begin().await?;
    if table_names(&mut tx).await?.is_empty() {
        bail!("the target has no tables: migrate it first");
    }
    let under_way = match tx.inner_mut() {
        TxInner::Sqlite(conn) => conn
            .connection()
            .query_row(
                "select count(*) from sqlite_master where type = 'table' and name = ?1",
                [PROGRESS],
                |row| row.get::<_, i64>(0),
            )
            .map_err(sqlite_error)?,
        TxInner::Postgres(conn) => {
            sqlx::query_scalar::<_, i64>(
                "select count(*) from information_schema.tables \
                 where table_schema = current_schema() and table_name = $1",
            )
            .bind(PROGRESS)
            .fetch_one(&mut **conn)
            .await?
        }
    } > 0;
    if under_way {
        let stages: Vec<(String, String, i32)> = sql::query_as(sqlx::AssertSqlSafe(format!(
            "select name, source, stage from {PROGRESS}"
        )))
        .fetch_all(&mut tx)
        .await?;
        let from: BTreeSet<&str> = stages.iter().map(|(_, s, _)| s.as_str()).collect();
        ensure!(
            from.len() == 1 && from.contains(source),
            "the target holds an unfinished copy from {}, not from {source}",
            from.into_iter().collect::<Vec<_>>().join(", ")
        );
        let known: BTreeSet<&str> = stages.iter().map(|(n, ..)| n.as_str()).collect();
        let now: BTreeSet<&str> = tables.iter().map(|t| t.name.as_str()).collect();
        ensure!(
            known == now,
            "the target holds an unfinished copy of other tables than the source has now"
        );
        tx.commit().await?;
        return Ok((
            true,
            stages
                .into_iter()
                .map(|(name, _, stage)| (name, i64::from(stage)))
                .collect(),
        ));
    }

    // A new copy: the target may hold what its migrations made (plans, packages), nobody's data.
    for table in ["users", "tenants", "ledger_entries", "audit_events"] {
        if tables.iter().any(|t| t.name == table) {
            let rows: i64 = sql::query_scalar(sqlx::AssertSqlSafe(format!(
                "select count(*) from {}",
                quote(table)?
            )))
            .fetch_one(&mut tx)
            .await?;
            ensure!(
                rows == 0,
                "the target already holds data ({rows} rows in {table}); copy into a new, empty \
                 database"
            );
        }
    }
    for table in tables.iter().rev() {
        sql::query(sqlx::AssertSqlSafe(format!(
            "delete from {}",
            quote(&table.name)?
        )))
        .execute(&mut tx)
        .await
        .with_context(|| format!("emptying {} on the target", table.name))?;
    }
    sql::query(sqlx::AssertSqlSafe(format!(
        "create table {PROGRESS} (name text primary key, source text not null, \
         stage integer not null, copied bigint not null)"
    )))
    .execute(&mut tx)
    .await?;
    for table in tables {
        sql::query(sqlx::AssertSqlSafe(format!(
            "insert into {PROGRESS} (name, source, stage, copied) values ($1, $2, $3, 0)"
        )))
        .bind(table.name.as_str())
        .bind(source)
        .bind(ROWS as i32)
        .execute(&mut tx)
        .await?;
    }
    tx.commit().await?;
    Ok((
        false,
        tables.iter().map(|t| (t.name.clone(), ROWS)).collect(),
    ))
}

/// Records, in the batch's transaction, `rows` more rows of `table` copied and its stage.
async fn record(tx: &mut Tx, table: &str, stage: i64, rows: usize) -> anyhow::Result<()> {
    sql::query(sqlx::AssertSqlSafe(format!(
        "update {PROGRESS} set stage = $2, copied = copied + $3 where name = $1"
    )))
    .bind(table)
    .bind(stage as i32)
    .bind(rows as i64)
    .execute(&mut *tx)
    .await?;
    Ok(())
}

async fn count(db: &Db, table: &str) -> anyhow::Result<u64> {
    let rows: i64 = sql::query_scalar(sqlx::AssertSqlSafe(format!(
        "select count(*) from {}",
        quote(table)?
    )))
    .fetch_one(db)
    .await?;
    Ok(rows as u64)
}

/// Reads `table` from both sides in key order and fails at the first row that differs.
async fn compare(source: &mut Tx, to: &Db, table: &Table, batch: usize) -> anyhow::Result<()> {
    let mut target = to.begin_snapshot().await?;
    let mut after: Option<Vec<Value>> = None;
    let mut rows = 0u64;
    loop {
        let theirs = read_rows(source, table, after.as_deref(), batch).await?;
        let ours = read_rows(&mut target, table, after.as_deref(), batch).await?;
        for (n, (a, b)) in theirs.iter().zip(&ours).enumerate() {
            if a != b {
                let column = a
                    .iter()
                    .zip(b)
                    .position(|(x, y)| x != y)
                    .map_or("?", |i| table.columns[i].name.as_str());
                // The key, not the values: a column may hold a secret's hash.
                bail!(
                    "{} differs after the copy at row {} (key {:?}), in column {column}; was \
                     the source written to during the copy?",
                    table.name,
                    rows + n as u64 + 1,
                    key_of(table, a),
                );
            }
        }
        ensure!(
            theirs.len() == ours.len(),
            "{} has {} rows on the {} side past row {rows}; was the source written to during \
             the copy?",
            table.name,
            if theirs.len() > ours.len() {
                "source"
            } else {
                "target"
            },
            rows + theirs.len().min(ours.len()) as u64
        );
        rows += theirs.len() as u64;
        if theirs.len() < batch {
            break;
        }
        after = theirs.last().map(|row| key_of(table, row));
    }
    target.commit().await?;
    Ok(())
}
