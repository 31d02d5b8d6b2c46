//! Lumiku's storage engine: one database on SQLite (embedded, the default) or PostgreSQL (for
//! several nodes), reached the same way from both.
//!
//! - [`Db`] opens the database; [`Tx`] is a transaction on it, passed by parameter to whatever
//!   writes. A tenant's transaction on PostgreSQL runs under row-level security.
//! - [`sql`] builds queries once for both backends (`query`, `query_as`, `query_scalar`, bound in
//!   order to `$N`), decoded through [`sql::FromRow`].
//! - On SQLite ([`sqlite`]), statements run on the calling thread against rusqlite connections:
//!   one writer whose transactions commit in groups, and read-only readers beside it. On
//!   PostgreSQL it is sqlx.
//! - [`migrate`] is the one migration runner, for the kernel and every app.
//! - [`wall`] keeps an app's statements inside its own tables.
#![warn(missing_docs)]

pub mod backup;
pub mod copy;
pub mod db;
pub mod export;
pub mod migrate;
pub mod sql;
pub mod sqlite;
pub mod wall;

pub use db::{
    Backend, Db, DbOptions, DbStats, Listener, Tx, describe_url, is_unavailable,
    is_unavailable_cause, is_unique_violation, new_id, now,
};
pub use migrate::{Migration, MigrationSet, Owner};
pub use sql::{Error, FromRow, query, query_as, query_scalar};
pub use sqlite::Synchronous;
pub use wall::Wall;
