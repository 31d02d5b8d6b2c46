//! A tenant's rows of any table, as JSON that reads the same from either backend: what a tenant
//! export is made of, for the core's tables and for every app's, whatever their columns.
//!
//! Values are written as the store writes them on SQLite, which PostgreSQL's types are brought
//! to: a UUID as its hyphenated text, a time as RFC 3339 text (`+00:00`), a JSON document as its
//! text (SQLite keeps it as text and cannot tell it from any other), a boolean as `true`/`false`,
//! numbers as numbers, other bytes as standard base64. On SQLite a column's declared type says
//! only `blob` for both UUIDs and bytes: a 16-byte value is read as a UUID (every `blob` column
//! of Lumiku and its apps holds one).

use base64::Engine as _;
use chrono::{DateTime, SecondsFormat, Utc};
use serde_json::{Map, Value};
use sqlx::Row as _;

use crate::db::{Tx, TxInner};
use crate::sql::{Error, sqlite_error};

/// One exported row: column name to value.
pub type ExportRow = Map<String, Value>;

/// The tables of the database whose names start with `prefix` and that have a `tenant_id`
/// column, by name.
pub async fn tenant_tables(tx: &mut Tx, prefix: &str) -> Result<Vec<String>, Error> {
    let mut tables: Vec<String> = match tx.inner_mut() {
        TxInner::Sqlite(conn) => {
            let conn = conn.connection();
            let mut statement = conn
                .prepare(
                    // Not a virtual table (a full-text index repeats rows kept elsewhere).
                    "select m.name from sqlite_master m \
                     where m.type = 'table' and substr(m.name, 1, length(?1)) = ?1 \
                     and m.sql not like 'create virtual table%' \
                     and exists (select 1 from pragma_table_info(m.name) c where c.name = 'tenant_id')",
                )
                .map_err(sqlite_error)?;
            statement
                .query_map([prefix], |row| row.get::<_, String>(0))
                .map_err(sqlite_error)?
                .collect::<Result<_, _>>()
                .map_err(sqlite_error)?
        }
        TxInner::Postgres(conn) => {
            sqlx::query_scalar(
                "select c.table_name::text from information_schema.columns c \
                 join information_schema.tables t on t.table_schema = c.table_schema \
                 and t.table_name = c.table_name and t.table_type = 'BASE TABLE' \
                 where c.table_schema = current_schema() and c.column_name = 'tenant_id' \
                 and starts_with(c.table_name, $1)",
            )
            .bind(prefix)
            .fetch_all(&mut **conn)
            .await?
        }
    };
    tables.sort();
    Ok(tables)
}

/// The stored (not generated) columns of `table`, in order.
pub async fn table_columns(tx: &mut Tx, table: &str) -> Result<Vec<String>, Error> {
    match tx.inner_mut() {
        TxInner::Sqlite(conn) => conn
            .connection()
            .prepare("select name from pragma_table_xinfo(?1) where hidden = 0 order by cid")
            .map_err(sqlite_error)?
            .query_map([table], |row| row.get(0))
            .map_err(sqlite_error)?
            .collect::<Result<_, _>>()
            .map_err(sqlite_error),
        TxInner::Postgres(conn) => Ok(pg_stored_columns(conn, table)
            .await?
            .into_iter()
            .map(|(name, _)| name)
            .collect()),
    }
}

/// A PostgreSQL table's stored columns (not generated ones, such as a search vector), in order,
/// each with its type's name (`udt_name`).
pub(crate) async fn pg_stored_columns(
    conn: &mut sqlx::PgConnection,
    table: &str,
) -> Result<Vec<(String, String)>, Error> {
    sqlx::query_as(
        "select column_name::text, udt_name::text from information_schema.columns \
         where table_schema = current_schema() and table_name = $1 \
         and is_generated = 'NEVER' order by ordinal_position",
    )
    .bind(table)
    .fetch_all(conn)
    .await
}

/// Every row of `table` whose column `key` (`tenant_id`, or `id` for the tenant itself) is the
/// transaction's tenant, in the order of its primary key, leaving out the columns named in
/// `hidden` (secrets, hashes) and generated ones.
pub async fn tenant_rows(
    tx: &mut Tx,
    table: &str,
    key: &str,
    hidden: &[&str],
) -> Result<Vec<ExportRow>, Error> {
    let tenant = tx.tenant().ok_or_else(|| {
        Error::InvalidArgument("an export reads in a tenant's transaction".into())
    })?;
    let quoted = quote(table)?;
    let key = quote(key)?;
    match tx.inner_mut() {
        TxInner::Sqlite(conn) => {
            let conn = conn.connection();
            // Stored columns only (`hidden` 0: not generated), and the primary key's order.
            let columns: Vec<(String, String, i64)> = conn
                .prepare(
                    "select name, lower(type), pk from pragma_table_xinfo(?1) \
                     where hidden = 0 order by cid",
                )
                .map_err(sqlite_error)?
                .query_map([table], |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?)))
                .map_err(sqlite_error)?
                .collect::<Result<_, _>>()
                .map_err(sqlite_error)?;
            let mut keys: Vec<&(String, String, i64)> =
                columns.iter().filter(|(_, _, pk)| *pk > 0).collect();
            keys.sort_by_key(|(_, _, pk)| *pk);
            let order = order_by(keys.iter().map(|(name, ..)| name.as_str()))?;
            let select = columns
                .iter()
                .map(|(name, ..)| quote(name))
                .collect::<Result<Vec<_>, Error>>()?
                .join(", ");
            let columns: Vec<(String, String)> = columns
                .into_iter()
                .map(|(name, declared, _)| (name, declared))
                .collect();
            let sql = format!("select {select} from {quoted} where {key} = ?1 order by {order}");
            let mut statement = conn.prepare(&sql).map_err(sqlite_error)?;
            let mut rows = statement
                .query([tenant.as_bytes().as_slice()])
                .map_err(sqlite_error)?;
            let mut out = Vec::new();
            while let Some(row) = rows.next().map_err(sqlite_error)? {
                let mut object = Map::new();
                for (index, (name, declared)) in columns.iter().enumerate() {
                    if hidden.contains(&name.as_str()) {
                        continue;
                    }
                    let value = row.get_ref(index).map_err(sqlite_error)?;
                    object.insert(name.clone(), sqlite_value(value, declared));
                }
                out.push(object);
            }
            Ok(out)
        }
        TxInner::Postgres(conn) => {
            let columns = pg_stored_columns(conn, table).await?;
            let keys = pg_primary_key(conn, table).await?;
            let order = order_by(keys.iter().map(String::as_str))?;
            // Types read here as they are; any other as its text.
            let select = columns
                .iter()
                .map(|(name, kind)| {
                    let column = quote(name)?;
                    Ok(if PG_TYPES.contains(&kind.as_str()) {
                        column
                    } else {
                        format!("{column}::text")
                    })
                })
                .collect::<Result<Vec<_>, Error>>()?
                .join(", ");
            let sql = format!("select {select} from {quoted} where {key} = $1 order by {order}");
            let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
                .bind(tenant)
                .fetch_all(&mut **conn)
                .await?;
            let mut out = Vec::with_capacity(rows.len());
            for row in &rows {
                let mut object = Map::new();
                for (index, (name, kind)) in columns.iter().enumerate() {
                    if hidden.contains(&name.as_str()) {
                        continue;
                    }
                    object.insert(name.clone(), pg_value(row, index, kind)?);
                }
                out.push(object);
            }
            Ok(out)
        }
    }
}

/// The PostgreSQL types read as themselves.
const PG_TYPES: &[&str] = &[
    "uuid",
    "text",
    "varchar",
    "bool",
    "int2",
    "int4",
    "int8",
    "float4",
    "float8",
    "timestamptz",
    "json",
    "jsonb",
    "bytea",
];

/// The `order by` list of a primary key's columns; the first column without one.
fn order_by<'a>(keys: impl Iterator<Item = &'a str>) -> Result<String, Error> {
    let keys = keys.map(quote).collect::<Result<Vec<_>, Error>>()?;
    Ok(if keys.is_empty() {
        "1".to_owned()
    } else {
        keys.join(", ")
    })
}

/// A PostgreSQL table's primary key columns, in key order (none without one).
pub(crate) async fn pg_primary_key(
    conn: &mut sqlx::PgConnection,
    table: &str,
) -> Result<Vec<String>, Error> {
    sqlx::query_scalar(
        "select a.attname::text from pg_index i \
         join pg_attribute a on a.attrelid = i.indrelid and a.attnum = any(i.indkey) \
         where i.indrelid = to_regclass(quote_ident($1)) and i.indisprimary \
         order by array_position(i.indkey::int2[], a.attnum)",
    )
    .bind(table)
    .fetch_all(conn)
    .await
}

/// `"name"`, for a name made of letters, digits and underscores (every table and column here).
pub(crate) fn quote(name: &str) -> Result<String, Error> {
    if name.is_empty() || !name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_') {
        return Err(Error::InvalidArgument(format!(
            "not a table or column name: {name:?}"
        )));
    }
    Ok(format!("\"{name}\""))
}

fn time(value: DateTime<Utc>) -> Value {
    // As `sql::sqlite_time` writes it.
    Value::String(value.to_rfc3339_opts(SecondsFormat::AutoSi, false))
}

fn bytes(value: &[u8]) -> Value {
    match uuid::Uuid::from_slice(value) {
        Ok(id) => Value::String(id.hyphenated().to_string()),
        Err(_) => Value::String(base64::engine::general_purpose::STANDARD.encode(value)),
    }
}

fn sqlite_value(value: rusqlite::types::ValueRef<'_>, declared: &str) -> Value {
    use rusqlite::types::ValueRef;
    match value {
        ValueRef::Null => Value::Null,
        ValueRef::Integer(n) if declared.contains("bool") => Value::Bool(n != 0),
        ValueRef::Integer(n) => Value::from(n),
        ValueRef::Real(x) => Value::from(x),
        ValueRef::Text(text) => Value::String(String::from_utf8_lossy(text).into_owned()),
        ValueRef::Blob(blob) => bytes(blob),
    }
}

fn pg_value(row: &sqlx::postgres::PgRow, index: usize, kind: &str) -> Result<Value, Error> {
    Ok(match kind {
        "uuid" => row
            .try_get::<Option<uuid::Uuid>, _>(index)?
            .map_or(Value::Null, |id| Value::String(id.hyphenated().to_string())),
        "bool" => row
            .try_get::<Option<bool>, _>(index)?
            .map_or(Value::Null, Value::Bool),
        "int2" => row
            .try_get::<Option<i16>, _>(index)?
            .map_or(Value::Null, Value::from),
        "int4" => row
            .try_get::<Option<i32>, _>(index)?
            .map_or(Value::Null, Value::from),
        "int8" => row
            .try_get::<Option<i64>, _>(index)?
            .map_or(Value::Null, Value::from),
        "float4" => row
            .try_get::<Option<f32>, _>(index)?
            .map_or(Value::Null, |x| Value::from(f64::from(x))),
        "float8" => row
            .try_get::<Option<f64>, _>(index)?
            .map_or(Value::Null, Value::from),
        "timestamptz" => row
            .try_get::<Option<DateTime<Utc>>, _>(index)?
            .map_or(Value::Null, time),
        "json" | "jsonb" => row
            .try_get::<Option<Value>, _>(index)?
            .map_or(Value::Null, |document| Value::String(document.to_string())),
        "bytea" => row
            .try_get::<Option<Vec<u8>>, _>(index)?
            .map_or(Value::Null, |value| bytes(&value)),
        _ => row
            .try_get::<Option<String>, _>(index)?
            .map_or(Value::Null, Value::String),
    })
}
