//! Storage for an app: the transaction its handler reads and writes through, and queries written
//! once for both backends.
//!
//! An app never opens a connection. Its handler gets a [`Tx`] from the kernel (a metered action's,
//! or a read transaction from [`AppContext::read`](crate::AppContext::read)), scoped to the
//! request's tenant and walled into the app's own tables: a statement that touches a core table
//! or another app's fails, on both backends. Queries read like sqlx's:
//!
//! ```text
//! let task: Task = sql::query_as("select id, title from project_manager_tasks where tenant_id = $1 and id = $2")
//!     .bind(tenant_id)
//!     .bind(id)
//!     .fetch_one(&mut *tx)
//!     .await?;
//! ```
//!
//! Rows decode through [`FromRow`] (derive it, or use a tuple of up to eight columns).

use lumiku_store::sql::{Executor, Target};
use uuid::Uuid;

pub use lumiku_macros::FromRow;
pub use lumiku_store::sql::{
    AssertSqlSafe, ColumnIndex, Decode, Encode, Error, FromRow, Json, Query, QueryAs, QueryResult,
    QueryScalar, Row, query, query_as, query_scalar,
};
pub use lumiku_store::{Backend, Migration, is_unique_violation, new_id, now};

/// A transaction of the request's tenant inside the app's wall. Dropped without
/// [`Tx::commit`], it rolls back.
pub struct Tx(lumiku_store::Tx);

impl Tx {
    /// Wraps a transaction the kernel put inside the app's wall.
    pub(crate) fn walled(tx: lumiku_store::Tx) -> Self {
        Self(tx)
    }

    /// The kernel's transaction, for a kernel call made on it.
    pub(crate) fn inner_mut(&mut self) -> &mut lumiku_store::Tx {
        &mut self.0
    }

    /// Gives the kernel its transaction back.
    pub(crate) fn into_inner(self) -> lumiku_store::Tx {
        self.0
    }

    /// The engine it runs on, for the rare statement the dialects write differently (full-text
    /// search, say).
    pub fn backend(&self) -> Backend {
        self.0.backend()
    }

    /// The tenant the transaction belongs to.
    pub fn tenant_id(&self) -> Option<Uuid> {
        self.0.tenant()
    }

    /// Ends a read transaction (a metered action's is committed by the kernel).
    pub async fn commit(self) -> Result<(), Error> {
        self.0.commit().await
    }
}

impl<'c> Executor<'c> for &'c mut Tx {
    fn target(self) -> Target<'c> {
        Target::Tx(&mut self.0)
    }
}
