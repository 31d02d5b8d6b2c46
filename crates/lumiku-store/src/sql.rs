//! Queries, written once for both backends.
//!
//! The builder reads like sqlx's: `query`, `query_as` and `query_scalar`, then `bind` each `$N`
//! parameter in order, then `execute`, `fetch_one`, `fetch_optional` or `fetch_all` on a `&mut Tx`
//! or a `&Db`. On PostgreSQL it is sqlx underneath. On SQLite it is rusqlite, and the statement
//! runs right on the calling thread against a connection the transaction holds, from the
//! connection's prepared-statement cache. That is the point of this module: SQLite answers an
//! indexed query in microseconds, and handing every statement to a connection thread and back
//! (what sqlx-sqlite does) cost several times more than the query itself.
//!
//! Rows decode through [`FromRow`] (derive it with `lumiku_plugin::sql::FromRow`, or use a
//! tuple) and single values through [`Decode`]. Values are stored on SQLite exactly as sqlx
//! stores them (UUIDs as 16-byte blobs, times as RFC 3339 text, booleans as integers, JSON as
//! text), so both can read the same file.

use std::borrow::Cow;
use std::fmt;
use std::marker::PhantomData;

use chrono::{DateTime, FixedOffset, NaiveDateTime, SecondsFormat, TimeZone, Utc};
use rusqlite::types::{ToSqlOutput, ValueRef};
use serde::Serialize;
use serde::de::DeserializeOwned;
use sqlx::Postgres;
use sqlx::error::{BoxDynError, DatabaseError, ErrorKind};
use sqlx::postgres::{PgArguments, PgRow};
use uuid::Uuid;

use crate::db::{Db, Tx, TxInner};
use crate::wall::{self, Wall};

/// Vouches for SQL text built at run time (see [`Sql`]).
pub use sqlx::AssertSqlSafe;
/// Errors are sqlx's on both backends, so callers match one type.
pub use sqlx::Error;
pub use sqlx::types::Json;

/// SQL text: a literal, or a string built at run time and vouched for with
/// [`sqlx::AssertSqlSafe`].
pub struct Sql(Cow<'static, str>);

impl From<&'static str> for Sql {
    fn from(sql: &'static str) -> Self {
        Self(Cow::Borrowed(sql))
    }
}

impl From<sqlx::AssertSqlSafe<String>> for Sql {
    fn from(sql: sqlx::AssertSqlSafe<String>) -> Self {
        Self(Cow::Owned(sql.0))
    }
}

impl Sql {
    fn as_str(&self) -> &str {
        &self.0
    }

    fn for_sqlx(&self) -> sqlx::AssertSqlSafe<String> {
        sqlx::AssertSqlSafe(self.0.clone().into_owned())
    }

    fn for_sqlx_static(self) -> SqlxText {
        match self.0 {
            Cow::Borrowed(s) => SqlxText::Static(s),
            Cow::Owned(s) => SqlxText::Owned(sqlx::AssertSqlSafe(s)),
        }
    }
}

enum SqlxText {
    Static(&'static str),
    Owned(sqlx::AssertSqlSafe<String>),
}

/// The column type of a `NULL` parameter, which PostgreSQL needs to know.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// `bigint`.
    Int,
    /// `integer`.
    Int32,
    /// `double precision`.
    Real,
    /// `boolean`.
    Bool,
    /// `text`.
    Text,
    /// `bytea`.
    Blob,
    /// `uuid`.
    Uuid,
    /// `timestamptz`.
    Time,
    /// `jsonb`.
    Json,
}

/// One bound parameter.
#[derive(Debug, Clone, PartialEq)]
pub enum Param<'q> {
    /// `NULL` of a column type.
    Null(Kind),
    /// A 64-bit integer.
    Int(i64),
    /// A 32-bit integer.
    Int32(i32),
    /// A float.
    Real(f64),
    /// A boolean.
    Bool(bool),
    /// Text.
    Text(Cow<'q, str>),
    /// Bytes.
    Blob(Cow<'q, [u8]>),
    /// A UUID.
    Uuid(Uuid),
    /// A moment.
    Time(DateTime<Utc>),
    /// A JSON document.
    Json(serde_json::Value),
    /// A value that could not be encoded; the query fails with this message.
    Invalid(String),
}

/// A value that can be bound to a parameter.
pub trait Encode<'q> {
    /// The column type, for `NULL`.
    const KIND: Kind;
    /// The parameter.
    fn param(self) -> Param<'q>;
}

macro_rules! encode {
    ($($ty:ty => $kind:ident, |$v:ident| $param:expr;)*) => {$(
        impl<'q> Encode<'q> for $ty {
            const KIND: Kind = Kind::$kind;
            fn param(self) -> Param<'q> {
                let $v = self;
                $param
            }
        }
    )*};
}

encode! {
    i64 => Int, |v| Param::Int(v);
    &i64 => Int, |v| Param::Int(*v);
    i32 => Int32, |v| Param::Int32(v);
    f64 => Real, |v| Param::Real(v);
    bool => Bool, |v| Param::Bool(v);
    String => Text, |v| Param::Text(Cow::Owned(v));
    &'q str => Text, |v| Param::Text(Cow::Borrowed(v));
    &'q String => Text, |v| Param::Text(Cow::Borrowed(v.as_str()));
    Vec<u8> => Blob, |v| Param::Blob(Cow::Owned(v));
    &'q [u8] => Blob, |v| Param::Blob(Cow::Borrowed(v));
    &'q Vec<u8> => Blob, |v| Param::Blob(Cow::Borrowed(v.as_slice()));
    Uuid => Uuid, |v| Param::Uuid(v);
    &Uuid => Uuid, |v| Param::Uuid(*v);
    DateTime<Utc> => Time, |v| Param::Time(v);
    &DateTime<Utc> => Time, |v| Param::Time(*v);
    serde_json::Value => Json, |v| Param::Json(v);
    &serde_json::Value => Json, |v| Param::Json(v.clone());
}

impl<'q, T: Serialize> Encode<'q> for Json<T> {
    const KIND: Kind = Kind::Json;
    fn param(self) -> Param<'q> {
        match serde_json::to_value(&self.0) {
            Ok(value) => Param::Json(value),
            Err(e) => Param::Invalid(format!("encoding a JSON parameter: {e}")),
        }
    }
}

impl<'q, T: Encode<'q>> Encode<'q> for Option<T> {
    const KIND: Kind = T::KIND;
    fn param(self) -> Param<'q> {
        match self {
            Some(v) => v.param(),
            None => Param::Null(T::KIND),
        }
    }
}

macro_rules! encode_option_ref {
    ($($ty:ty),*) => {$(
        impl<'q> Encode<'q> for &Option<$ty> {
            const KIND: Kind = <$ty as Encode<'q>>::KIND;
            fn param(self) -> Param<'q> {
                (*self).param()
            }
        }
    )*};
}

encode_option_ref!(i64, i32, bool, Uuid, DateTime<Utc>);

impl<'q> Encode<'q> for &'q Option<String> {
    const KIND: Kind = Kind::Text;
    fn param(self) -> Param<'q> {
        self.as_deref().param()
    }
}

impl rusqlite::ToSql for Param<'_> {
    fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
        Ok(match self {
            Param::Null(_) => ToSqlOutput::Borrowed(ValueRef::Null),
            Param::Int(v) => ToSqlOutput::Borrowed(ValueRef::Integer(*v)),
            Param::Int32(v) => ToSqlOutput::Borrowed(ValueRef::Integer(i64::from(*v))),
            Param::Real(v) => ToSqlOutput::Borrowed(ValueRef::Real(*v)),
            Param::Bool(v) => ToSqlOutput::Borrowed(ValueRef::Integer(i64::from(*v))),
            Param::Text(v) => ToSqlOutput::Borrowed(ValueRef::Text(v.as_bytes())),
            Param::Blob(v) => ToSqlOutput::Borrowed(ValueRef::Blob(v)),
            Param::Uuid(v) => ToSqlOutput::Borrowed(ValueRef::Blob(v.as_bytes())),
            Param::Time(v) => ToSqlOutput::from(sqlite_time(v)),
            Param::Json(v) => ToSqlOutput::from(v.to_string()),
            Param::Invalid(message) => {
                return Err(rusqlite::Error::ToSqlConversionFailure(
                    message.clone().into(),
                ));
            }
        })
    }
}

/// How sqlx writes a time to SQLite, and so how every stored time reads.
fn sqlite_time(time: &DateTime<Utc>) -> String {
    time.to_rfc3339_opts(SecondsFormat::AutoSi, false)
}

type PgQuery<'q> = sqlx::query::Query<'q, Postgres, PgArguments>;

pub(crate) fn bind_pg<'q>(query: PgQuery<'q>, param: Param<'q>) -> Result<PgQuery<'q>, Error> {
    Ok(match param {
        Param::Null(kind) => match kind {
            Kind::Int => query.bind(None::<i64>),
            Kind::Int32 => query.bind(None::<i32>),
            Kind::Real => query.bind(None::<f64>),
            Kind::Bool => query.bind(None::<bool>),
            Kind::Text => query.bind(None::<String>),
            Kind::Blob => query.bind(None::<Vec<u8>>),
            Kind::Uuid => query.bind(None::<Uuid>),
            Kind::Time => query.bind(None::<DateTime<Utc>>),
            Kind::Json => query.bind(None::<serde_json::Value>),
        },
        Param::Int(v) => query.bind(v),
        Param::Int32(v) => query.bind(v),
        Param::Real(v) => query.bind(v),
        Param::Bool(v) => query.bind(v),
        Param::Text(Cow::Borrowed(v)) => query.bind(v),
        Param::Text(Cow::Owned(v)) => query.bind(v),
        Param::Blob(Cow::Borrowed(v)) => query.bind(v),
        Param::Blob(Cow::Owned(v)) => query.bind(v),
        Param::Uuid(v) => query.bind(v),
        Param::Time(v) => query.bind(v),
        Param::Json(v) => query.bind(v),
        Param::Invalid(message) => return Err(Error::Encode(message.into())),
    })
}

/// A value read from a column.
pub trait Decode: Sized + sqlx::Type<Postgres> + for<'r> sqlx::Decode<'r, Postgres> {
    /// Reads the value from an SQLite column.
    fn from_sqlite(value: ValueRef<'_>) -> Result<Self, BoxDynError>;
}

fn mismatch(expected: &str, value: ValueRef<'_>) -> BoxDynError {
    format!("expected {expected}, found SQLite {}", value.data_type()).into()
}

impl Decode for i64 {
    fn from_sqlite(value: ValueRef<'_>) -> Result<Self, BoxDynError> {
        match value {
            ValueRef::Integer(v) => Ok(v),
            other => Err(mismatch("an integer", other)),
        }
    }
}

impl Decode for i32 {
    fn from_sqlite(value: ValueRef<'_>) -> Result<Self, BoxDynError> {
        Ok(i32::try_from(i64::from_sqlite(value)?)?)
    }
}

impl Decode for f64 {
    fn from_sqlite(value: ValueRef<'_>) -> Result<Self, BoxDynError> {
        match value {
            ValueRef::Real(v) => Ok(v),
            ValueRef::Integer(v) => Ok(v as f64),
            other => Err(mismatch("a number", other)),
        }
    }
}

impl Decode for bool {
    fn from_sqlite(value: ValueRef<'_>) -> Result<Self, BoxDynError> {
        Ok(i64::from_sqlite(value)? != 0)
    }
}

fn text<'a>(value: ValueRef<'a>) -> Result<&'a str, BoxDynError> {
    match value {
        ValueRef::Text(bytes) | ValueRef::Blob(bytes) => Ok(std::str::from_utf8(bytes)?),
        other => Err(mismatch("text", other)),
    }
}

impl Decode for String {
    fn from_sqlite(value: ValueRef<'_>) -> Result<Self, BoxDynError> {
        Ok(text(value)?.to_owned())
    }
}

impl Decode for Vec<u8> {
    fn from_sqlite(value: ValueRef<'_>) -> Result<Self, BoxDynError> {
        match value {
            ValueRef::Blob(bytes) | ValueRef::Text(bytes) => Ok(bytes.to_vec()),
            other => Err(mismatch("bytes", other)),
        }
    }
}

impl Decode for Uuid {
    fn from_sqlite(value: ValueRef<'_>) -> Result<Self, BoxDynError> {
        match value {
            ValueRef::Blob(bytes) => Ok(Uuid::from_slice(bytes)?),
            ValueRef::Text(bytes) => Ok(Uuid::try_parse_ascii(bytes)?),
            other => Err(mismatch("a UUID", other)),
        }
    }
}

/// The formats sqlx-sqlite reads a time in, after RFC 3339.
const TIME_FORMATS: &[&str] = &[
    "%F %T%.f",
    "%F %R",
    "%F %RZ",
    "%F %R%:z",
    "%F %T%.fZ",
    "%F %T%.f%:z",
    "%FT%R",
    "%FT%RZ",
    "%FT%R%:z",
    "%FT%T%.f",
    "%FT%T%.fZ",
    "%FT%T%.f%:z",
];

pub(crate) fn time_from_text(text: &str) -> Option<DateTime<Utc>> {
    if let Ok(time) = DateTime::parse_from_rfc3339(text) {
        return Some(time.with_timezone(&Utc));
    }
    TIME_FORMATS.iter().find_map(|format| {
        DateTime::<FixedOffset>::parse_from_str(text, format)
            .map(|t| t.with_timezone(&Utc))
            .ok()
            .or_else(|| {
                NaiveDateTime::parse_from_str(text, format)
                    .ok()
                    .map(|t| Utc.from_utc_datetime(&t))
            })
    })
}

impl Decode for DateTime<Utc> {
    fn from_sqlite(value: ValueRef<'_>) -> Result<Self, BoxDynError> {
        let time = match value {
            ValueRef::Text(_) => time_from_text(text(value)?),
            ValueRef::Integer(seconds) => Utc.timestamp_opt(seconds, 0).single(),
            ValueRef::Real(julian) => {
                let seconds = (julian - 2_440_587.5) * 86_400.0;
                seconds
                    .is_finite()
                    .then(|| Utc.timestamp_micros((seconds * 1e6) as i64).single())
                    .flatten()
            }
            other => return Err(mismatch("a time", other)),
        };
        time.ok_or_else(|| format!("not a time: {value:?}").into())
    }
}

impl Decode for serde_json::Value {
    fn from_sqlite(value: ValueRef<'_>) -> Result<Self, BoxDynError> {
        Ok(serde_json::from_str(text(value)?)?)
    }
}

impl<T: DeserializeOwned + Send> Decode for Json<T>
where
    Json<T>: sqlx::Type<Postgres> + for<'r> sqlx::Decode<'r, Postgres>,
{
    fn from_sqlite(value: ValueRef<'_>) -> Result<Self, BoxDynError> {
        Ok(Json(serde_json::from_str(text(value)?)?))
    }
}

impl<T: Decode> Decode for Option<T> {
    fn from_sqlite(value: ValueRef<'_>) -> Result<Self, BoxDynError> {
        match value {
            ValueRef::Null => Ok(None),
            other => T::from_sqlite(other).map(Some),
        }
    }
}

/// A column position or name.
pub trait ColumnIndex: sqlx::ColumnIndex<PgRow> + fmt::Display + Copy {
    /// Its position among `columns` (the result's column names), if it names one.
    fn position(self, columns: &[String]) -> Option<usize>;
}

impl ColumnIndex for usize {
    fn position(self, columns: &[String]) -> Option<usize> {
        (self < columns.len()).then_some(self)
    }
}

impl ColumnIndex for &str {
    fn position(self, columns: &[String]) -> Option<usize> {
        columns
            .iter()
            .position(|column| column.eq_ignore_ascii_case(self))
    }
}

/// A result row of either backend, for [`FromRow`]: columns by position or name, and nothing of
/// the backend behind it.
pub struct Row<'r>(RowOf<'r>);

/// The backend's row inside a [`Row`].
enum RowOf<'r> {
    /// SQLite, with the result's column names, read once per query: asking SQLite for them by
    /// each field of each row cost 6% of a short list's CPU.
    Sqlite {
        /// The row.
        row: &'r rusqlite::Row<'r>,
        /// Its statement's column names, in order.
        columns: &'r [String],
    },
    /// PostgreSQL.
    Postgres(&'r PgRow),
}

impl Row<'_> {
    /// The value of a column, by position or name.
    pub fn get<T: Decode>(&self, index: impl ColumnIndex) -> Result<T, Error> {
        match &self.0 {
            RowOf::Sqlite { row, columns } => {
                let position = index
                    .position(columns)
                    .ok_or_else(|| Error::ColumnNotFound(index.to_string()))?;
                let value = row.get_ref(position).map_err(sqlite_error)?;
                T::from_sqlite(value).map_err(|source| Error::ColumnDecode {
                    index: index.to_string(),
                    source,
                })
            }
            RowOf::Postgres(row) => sqlx::Row::try_get(*row, index),
        }
    }

    /// Whether the row has a column of this name.
    pub fn has(&self, name: &str) -> bool {
        match &self.0 {
            RowOf::Sqlite { columns, .. } => name.position(columns).is_some(),
            RowOf::Postgres(row) => sqlx::Row::try_column(*row, name).is_ok(),
        }
    }
}

/// A type built from a whole row. Derive it for structs (columns by field name); tuples read
/// columns by position.
pub trait FromRow: Sized {
    /// Builds the value.
    fn from_row(row: &Row<'_>) -> Result<Self, Error>;
}

macro_rules! tuple_from_row {
    ($($name:ident $index:tt),+) => {
        impl<$($name: Decode),+> FromRow for ($($name,)+) {
            fn from_row(row: &Row<'_>) -> Result<Self, Error> {
                Ok(($(row.get::<$name>($index)?,)+))
            }
        }
    };
}

tuple_from_row!(A 0);
tuple_from_row!(A 0, B 1);
tuple_from_row!(A 0, B 1, C 2);
tuple_from_row!(A 0, B 1, C 2, D 3);
tuple_from_row!(A 0, B 1, C 2, D 3, E 4);
tuple_from_row!(A 0, B 1, C 2, D 3, E 4, F 5);
tuple_from_row!(A 0, B 1, C 2, D 3, E 4, F 5, G 6);
tuple_from_row!(A 0, B 1, C 2, D 3, E 4, F 5, G 6, H 7);

/// What a statement changed.
#[derive(Debug, Clone, Copy, Default)]
pub struct QueryResult {
    rows_affected: u64,
}

impl QueryResult {
    /// Rows inserted, updated or deleted.
    pub fn rows_affected(&self) -> u64 {
        self.rows_affected
    }
}

/// Where a query runs: a transaction, or the database's read connections.
pub trait Executor<'c>: Send {
    /// The target.
    fn target(self) -> Target<'c>;
}

/// The two kinds of [`Executor`].
pub enum Target<'c> {
    /// Inside a transaction.
    Tx(&'c mut Tx),
    /// Outside one: on SQLite a read-only connection, so write through a transaction.
    Db(&'c Db),
}

impl<'c> Executor<'c> for &'c mut Tx {
    fn target(self) -> Target<'c> {
        Target::Tx(self)
    }
}

impl<'c> Executor<'c> for &'c Db {
    fn target(self) -> Target<'c> {
        Target::Db(self)
    }
}

/// A statement with its parameters.
pub struct Query<'q> {
    sql: Sql,
    params: Vec<Param<'q>>,
}

/// Starts a statement.
pub fn query<'q>(sql: impl Into<Sql>) -> Query<'q> {
    Query {
        sql: sql.into(),
        params: Vec::new(),
    }
}

/// Starts a query whose rows decode as `O`.
pub fn query_as<'q, O: FromRow>(sql: impl Into<Sql>) -> QueryAs<'q, O> {
    QueryAs {
        query: query(sql),
        _row: PhantomData,
    }
}

/// Starts a query whose first column decodes as `O`.
pub fn query_scalar<'q, O: Decode>(sql: impl Into<Sql>) -> QueryScalar<'q, O> {
    QueryScalar {
        query: query(sql),
        _value: PhantomData,
    }
}

/// How many rows to read.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Take {
    First,
    All,
}

impl<'q> Query<'q> {
    /// Binds the next `$N` parameter.
    pub fn bind(mut self, value: impl Encode<'q>) -> Self {
        self.params.push(value.param());
        self
    }

    /// Binds the next `$N` parameter as it is.
    pub(crate) fn bind_param(mut self, param: Param<'q>) -> Self {
        self.params.push(param);
        self
    }

    /// Runs the statement.
    pub async fn execute<'c>(self, executor: impl Executor<'c>) -> Result<QueryResult, Error> {
        match executor.target() {
            Target::Tx(tx) => match tx.parts() {
                (TxInner::Sqlite(conn), wall) => sqlite_execute(conn.connection(), &self, wall),
                (TxInner::Postgres(t), wall) => {
                    admit_pg(self.sql.as_str(), wall)?;
                    let result = self.into_pg()?.execute(&mut **t).await?;
                    Ok(QueryResult {
                        rows_affected: result.rows_affected(),
                    })
                }
            },
            Target::Db(Db::Sqlite(db)) => {
                let conn = db.read().await?;
                sqlite_execute(&conn, &self, None)
            }
            Target::Db(Db::Postgres(pool)) => {
                let result = self.into_pg()?.execute(pool).await?;
                Ok(QueryResult {
                    rows_affected: result.rows_affected(),
                })
            }
        }
    }

    async fn fetch<'c, T>(
        self,
        executor: impl Executor<'c>,
        take: Take,
        decode: impl Fn(&Row<'_>) -> Result<T, Error>,
    ) -> Result<Vec<T>, Error> {
        match executor.target() {
            Target::Tx(tx) => match tx.parts() {
                (TxInner::Sqlite(conn), wall) => {
                    sqlite_fetch(conn.connection(), &self, wall, take, decode)
                }
                (TxInner::Postgres(t), wall) => {
                    admit_pg(self.sql.as_str(), wall)?;
                    let query = self.into_pg()?;
                    pg_decode(pg_fetch(query, &mut **t, take).await?, decode)
                }
            },
            Target::Db(Db::Sqlite(db)) => {
                let conn = db.read().await?;
                sqlite_fetch(&conn, &self, None, take, decode)
            }
            Target::Db(Db::Postgres(pool)) => {
                let query = self.into_pg()?;
                pg_decode(pg_fetch(query, pool, take).await?, decode)
            }
        }
    }

    fn into_pg(self) -> Result<PgQuery<'q>, Error> {
        let mut query = match self.sql.for_sqlx_static() {
            SqlxText::Static(sql) => sqlx::query(sql),
            SqlxText::Owned(sql) => sqlx::query(sql),
        };
        for param in self.params {
            query = bind_pg(query, param)?;
        }
        Ok(query)
    }
}

async fn pg_fetch<'q, 'e, E>(
    query: PgQuery<'q>,
    executor: E,
    take: Take,
) -> Result<Vec<PgRow>, Error>
where
    E: sqlx::Executor<'e, Database = Postgres>,
    'q: 'e,
{
    match take {
        Take::All => query.fetch_all(executor).await,
        Take::First => Ok(query.fetch_optional(executor).await?.into_iter().collect()),
    }
}

fn pg_decode<T>(
    rows: Vec<PgRow>,
    decode: impl Fn(&Row<'_>) -> Result<T, Error>,
) -> Result<Vec<T>, Error> {
    rows.iter()
        .map(|row| decode(&Row(RowOf::Postgres(row))))
        .collect()
}

fn first<T>(mut rows: Vec<T>) -> Option<T> {
    if rows.is_empty() {
        None
    } else {
        Some(rows.swap_remove(0))
    }
}

/// A query decoding rows as `O`; see [`query_as`].
pub struct QueryAs<'q, O> {
    query: Query<'q>,
    _row: PhantomData<fn() -> O>,
}

impl<'q, O: FromRow> QueryAs<'q, O> {
    /// Binds the next `$N` parameter.
    pub fn bind(mut self, value: impl Encode<'q>) -> Self {
        self.query = self.query.bind(value);
        self
    }

    /// Every row.
    pub async fn fetch_all<'c>(self, executor: impl Executor<'c>) -> Result<Vec<O>, Error> {
        self.query.fetch(executor, Take::All, O::from_row).await
    }

    /// The first row, if any.
    pub async fn fetch_optional<'c>(self, executor: impl Executor<'c>) -> Result<Option<O>, Error> {
        Ok(first(
            self.query.fetch(executor, Take::First, O::from_row).await?,
        ))
    }

    /// The first row; [`Error::RowNotFound`] when there is none.
    pub async fn fetch_one<'c>(self, executor: impl Executor<'c>) -> Result<O, Error> {
        self.fetch_optional(executor)
            .await?
            .ok_or(Error::RowNotFound)
    }
}

/// A query decoding its first column as `O`; see [`query_scalar`].
pub struct QueryScalar<'q, O> {
    query: Query<'q>,
    _value: PhantomData<fn() -> O>,
}

impl<'q, O: Decode> QueryScalar<'q, O> {
    /// Binds the next `$N` parameter.
    pub fn bind(mut self, value: impl Encode<'q>) -> Self {
        self.query = self.query.bind(value);
        self
    }

    /// Every row's value.
    pub async fn fetch_all<'c>(self, executor: impl Executor<'c>) -> Result<Vec<O>, Error> {
        self.query
            .fetch(executor, Take::All, |row| row.get(0))
            .await
    }

    /// The first row's value, if any.
    pub async fn fetch_optional<'c>(self, executor: impl Executor<'c>) -> Result<Option<O>, Error> {
        Ok(first(
            self.query
                .fetch(executor, Take::First, |row| row.get(0))
                .await?,
        ))
    }

    /// The first row's value; [`Error::RowNotFound`] when there is none.
    pub async fn fetch_one<'c>(self, executor: impl Executor<'c>) -> Result<O, Error> {
        self.fetch_optional(executor)
            .await?
            .ok_or(Error::RowNotFound)
    }
}

/// Several statements separated by semicolons, without parameters (migrations, fixtures).
pub struct RawSql(Sql);

/// Starts a script of several statements.
pub fn raw_sql(sql: impl Into<Sql>) -> RawSql {
    RawSql(sql.into())
}

impl RawSql {
    /// Runs every statement.
    pub async fn execute<'c>(self, executor: impl Executor<'c>) -> Result<QueryResult, Error> {
        let sqlite = |conn: &rusqlite::Connection| {
            let before = conn.total_changes();
            conn.execute_batch(self.0.as_str()).map_err(sqlite_error)?;
            Ok(QueryResult {
                rows_affected: conn.total_changes().saturating_sub(before),
            })
        };
        match executor.target() {
            Target::Tx(tx) if tx.wall().is_some() => Err(Error::InvalidArgument(
                "a script of several statements cannot run inside an app's wall".into(),
            )),
            Target::Tx(tx) => match tx.inner_mut() {
                TxInner::Sqlite(conn) => sqlite(conn.connection()),
                TxInner::Postgres(t) => {
                    let result = sqlx::raw_sql(self.0.for_sqlx()).execute(&mut **t).await?;
                    Ok(QueryResult {
                        rows_affected: result.rows_affected(),
                    })
                }
            },
            Target::Db(Db::Sqlite(db)) => sqlite(&*db.read().await?),
            Target::Db(Db::Postgres(pool)) => {
                let result = sqlx::raw_sql(self.0.for_sqlx()).execute(pool).await?;
                Ok(QueryResult {
                    rows_affected: result.rows_affected(),
                })
            }
        }
    }
}

/// Prepares (from the cache) and binds a statement. `$N` parameters are named parameters to
/// SQLite, numbered in order of first appearance, so each is bound by its own number.
fn sqlite_prepare<'c>(
    conn: &'c rusqlite::Connection,
    query: &Query<'_>,
    wall: Option<&Wall>,
) -> Result<rusqlite::CachedStatement<'c>, Error> {
    if let Some(wall) = wall {
        admit_sqlite(conn, query.sql.as_str(), wall)?;
    }
    let mut statement = conn
        .prepare_cached(query.sql.as_str())
        .map_err(sqlite_error)?;
    for index in 1..=statement.parameter_count() {
        let number = match statement.parameter_name(index) {
            Some(name) => name[1..].parse::<usize>().map_err(|_| {
                Error::InvalidArgument(format!(
                    "parameter {name} is not of the form $N in: {}",
                    query.sql.as_str()
                ))
            })?,
            None => index,
        };
        let param = query.params.get(number - 1).ok_or_else(|| {
            Error::InvalidArgument(format!(
                "parameter ${number} is not bound in: {}",
                query.sql.as_str()
            ))
        })?;
        statement
            .raw_bind_parameter(index, param)
            .map_err(sqlite_error)?;
    }
    Ok(statement)
}

/// Lets a statement run inside `wall` once it was compiled under the authorizer's eye for that
/// app (see [`crate::wall`]); later uses find it admitted.
fn admit_sqlite(conn: &rusqlite::Connection, sql: &str, wall: &Wall) -> Result<(), Error> {
    if wall.admitted(sql) {
        return Ok(());
    }
    wall.check_text(sql)?;
    let (compiled, refused) = wall::sqlite::checking(wall.prefix(), || conn.prepare(sql).map(drop));
    if let Some(what) = refused {
        return Err(wall.refusal(&what));
    }
    compiled.map_err(sqlite_error)?;
    wall.admit(sql);
    Ok(())
}

/// Lets a statement run inside `wall` on PostgreSQL, where the app's role guards the tables.
fn admit_pg(sql: &str, wall: Option<&Wall>) -> Result<(), Error> {
    if let Some(wall) = wall
        && !wall.admitted(sql)
    {
        wall.check_text(sql)?;
        wall.admit(sql);
    }
    Ok(())
}

fn sqlite_execute(
    conn: &rusqlite::Connection,
    query: &Query<'_>,
    wall: Option<&Wall>,
) -> Result<QueryResult, Error> {
    let mut statement = sqlite_prepare(conn, query, wall)?;
    let mut rows = statement.raw_query();
    while rows.next().map_err(sqlite_error)?.is_some() {}
    drop(rows);
    Ok(QueryResult {
        rows_affected: if statement.readonly() {
            0
        } else {
            conn.changes()
        },
    })
}

fn sqlite_fetch<T>(
    conn: &rusqlite::Connection,
    query: &Query<'_>,
    wall: Option<&Wall>,
    take: Take,
    decode: impl Fn(&Row<'_>) -> Result<T, Error>,
) -> Result<Vec<T>, Error> {
    let mut statement = sqlite_prepare(conn, query, wall)?;
    let columns = column_names(&statement);
    let mut rows = statement.raw_query();
    let mut out = Vec::new();
    while let Some(row) = rows.next().map_err(sqlite_error)? {
        out.push(decode(&Row(RowOf::Sqlite {
            row,
            columns: &columns,
        }))?);
        if take == Take::First {
            break;
        }
    }
    Ok(out)
}

/// A statement's column names, in order, for its rows to find their columns in.
fn column_names(statement: &rusqlite::Statement<'_>) -> Vec<String> {
    statement
        .column_names()
        .into_iter()
        .map(str::to_owned)
        .collect()
}

/// An SQLite error as sqlx reports database errors, so callers match one error type.
#[derive(Debug, Clone)]
pub struct SqliteError {
    pub(crate) message: String,
    pub(crate) code: i32,
}

impl fmt::Display for SqliteError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} (SQLite code {})", self.message, self.code)
    }
}

impl std::error::Error for SqliteError {}

impl DatabaseError for SqliteError {
    fn message(&self) -> &str {
        &self.message
    }

    fn code(&self) -> Option<Cow<'_, str>> {
        Some(Cow::Owned(self.code.to_string()))
    }

    fn as_error(&self) -> &(dyn std::error::Error + Send + Sync + 'static) {
        self
    }

    fn as_error_mut(&mut self) -> &mut (dyn std::error::Error + Send + Sync + 'static) {
        self
    }

    fn into_error(self: Box<Self>) -> Box<dyn std::error::Error + Send + Sync + 'static> {
        self
    }

    fn kind(&self) -> ErrorKind {
        use rusqlite::ffi;
        match self.code {
            ffi::SQLITE_CONSTRAINT_UNIQUE | ffi::SQLITE_CONSTRAINT_PRIMARYKEY => {
                ErrorKind::UniqueViolation
            }
            ffi::SQLITE_CONSTRAINT_FOREIGNKEY => ErrorKind::ForeignKeyViolation,
            ffi::SQLITE_CONSTRAINT_NOTNULL => ErrorKind::NotNullViolation,
            ffi::SQLITE_CONSTRAINT_CHECK => ErrorKind::CheckViolation,
            _ => ErrorKind::Other,
        }
    }
}

impl SqliteError {
    /// What SQLite said: the message and extended code of a failure; any other rusqlite error as
    /// a generic one.
    pub(crate) fn from_rusqlite(error: &rusqlite::Error) -> Self {
        match error {
            rusqlite::Error::SqliteFailure(failure, message) => Self {
                message: message.clone().unwrap_or_else(|| failure.to_string()),
                code: failure.extended_code,
            },
            other => Self {
                message: other.to_string(),
                code: rusqlite::ffi::SQLITE_ERROR,
            },
        }
    }
}

/// Maps a rusqlite error to sqlx's.
pub(crate) fn sqlite_error(error: rusqlite::Error) -> Error {
    match error {
        rusqlite::Error::SqliteFailure(..) => {
            Error::Database(Box::new(SqliteError::from_rusqlite(&error)))
        }
        rusqlite::Error::ToSqlConversionFailure(e) => Error::Encode(e),
        rusqlite::Error::FromSqlConversionFailure(_, _, e) => Error::Decode(e),
        other => Error::AnyDriverError(Box::new(other)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sqlite_columns_are_found_by_name_in_any_case_and_by_position() {
        let conn = rusqlite::Connection::open_in_memory().unwrap();
        let mut statement = conn
            .prepare("select 1 as id, 'x' as Name, null as note")
            .unwrap();
        let columns = column_names(&statement);
        let mut rows = statement.raw_query();
        let row = rows.next().unwrap().unwrap();
        let row = Row(RowOf::Sqlite {
            row,
            columns: &columns,
        });
        assert_eq!(row.get::<i64>("id").unwrap(), 1);
        assert_eq!(row.get::<String>("name").unwrap(), "x");
        assert_eq!(row.get::<String>(1usize).unwrap(), "x");
        assert_eq!(row.get::<Option<String>>("note").unwrap(), None);
        assert!(row.has("NOTE") && !row.has("missing"));
        assert!(
            matches!(row.get::<i64>("missing"), Err(Error::ColumnNotFound(c)) if c == "missing")
        );
        assert!(matches!(row.get::<i64>(3usize), Err(Error::ColumnNotFound(c)) if c == "3"));
    }
}
