//! Items: the validated input and the queries on the app's own table. Every query filters on the
//! tenant; on PostgreSQL row-level security holds the same line.

use chrono::{DateTime, SubsecRound, Utc};
use lumiku_plugin::sql::{self, Tx, new_id};
use lumiku_plugin::{ApiError, FieldErrors};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

/// An item.
#[derive(Debug, Clone, Serialize, sql::FromRow, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Item {
    /// Id (UUIDv7: id order is creation order).
    pub id: Uuid,
    /// Title.
    pub title: String,
    /// Notes.
    pub notes: Option<String>,
    /// Who added it.
    pub created_by: Uuid,
    /// When.
    pub created_at: DateTime<Utc>,
}

/// A new item as sent.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(default, rename_all = "camelCase")]
pub struct NewItem {
    /// 1 to 200 characters.
    pub title: String,
    /// At most 2000 characters.
    pub notes: Option<String>,
}

impl NewItem {
    /// The item to insert, trimmed, or 422 naming every field at fault.
    pub fn validate(&self) -> Result<NewItem, ApiError> {
        let mut errors = FieldErrors::new();
        let title = self.title.trim();
        if title.is_empty() || title.chars().count() > 200 {
            errors
                .entry("title".into())
                .or_default()
                .push("must be 1 to 200 characters".into());
        }
        let notes = self
            .notes
            .as_deref()
            .map(str::trim)
            .filter(|n| !n.is_empty());
        if notes.is_some_and(|n| n.chars().count() > 2000) {
            errors
                .entry("notes".into())
                .or_default()
                .push("must be at most 2000 characters".into());
        }
        if !errors.is_empty() {
            return Err(ApiError::validation(errors));
        }
        Ok(NewItem {
            title: title.to_owned(),
            notes: notes.map(str::to_owned),
        })
    }
}

/// Items per page when the caller names no size.
pub const PAGE_DEFAULT: u32 = 50;
/// The largest page a caller may ask for.
pub const PAGE_MAX: u32 = 200;

/// A page of the tenant's items.
#[derive(Debug, Clone)]
pub struct ItemPage {
    /// Newest first.
    pub items: Vec<Item>,
    /// The id to pass as `before` for the next page; `None` on the last.
    pub next_cursor: Option<Uuid>,
}

/// The tenant's items older than `before` (all, without it), newest first, at most `limit`
/// (clamped to 1..=[`PAGE_MAX`]). A cursor is an id, so it stays valid when items are added.
pub async fn list_items(
    tx: &mut Tx,
    tenant_id: Uuid,
    before: Option<Uuid>,
    limit: u32,
) -> Result<ItemPage, ApiError> {
    let limit = limit.clamp(1, PAGE_MAX) as usize;
    // One more than the page, to know whether another follows.
    let mut items = sql::query_as::<Item>(
        "select id, title, notes, created_by, created_at from task_scheduler_items \
         where tenant_id = $1 and id < $2 order by id desc limit $3",
    )
    .bind(tenant_id)
    .bind(before.unwrap_or(Uuid::max()))
    .bind(limit as i64 + 1)
    .fetch_all(&mut *tx)
    .await
    .map_err(ApiError::internal)?;
    let next_cursor = if items.len() > limit {
        items.truncate(limit);
        items.last().map(|i| i.id)
    } else {
        None
    };
    Ok(ItemPage { items, next_cursor })
}

/// One of the tenant's items; 404 for any other id, another tenant's included.
pub async fn get_item(tx: &mut Tx, tenant_id: Uuid, id: Uuid) -> Result<Item, ApiError> {
    sql::query_as::<Item>(
        "select id, title, notes, created_by, created_at from task_scheduler_items \
         where tenant_id = $1 and id = $2",
    )
    .bind(tenant_id)
    .bind(id)
    .fetch_optional(&mut *tx)
    .await
    .map_err(ApiError::internal)?
    .ok_or_else(|| ApiError::not_found("item not found"))
}

/// Inserts a validated item.
pub async fn insert_item(
    tx: &mut Tx,
    tenant_id: Uuid,
    user_id: Uuid,
    input: &NewItem,
) -> Result<Item, ApiError> {
    let item = Item {
        id: new_id(),
        title: input.title.clone(),
        notes: input.notes.clone(),
        created_by: user_id,
        // Stored to the microsecond on both backends, so answered that way too.
        created_at: Utc::now().trunc_subsecs(6),
    };
    sql::query(
        "insert into task_scheduler_items (id, tenant_id, title, notes, created_by, created_at) \
         values ($1, $2, $3, $4, $5, $6)",
    )
    .bind(item.id)
    .bind(tenant_id)
    .bind(&item.title)
    .bind(&item.notes)
    .bind(user_id)
    .bind(item.created_at)
    .execute(&mut *tx)
    .await
    .map_err(ApiError::internal)?;
    Ok(item)
}

/// How many items the tenant has.
pub async fn count_items(tx: &mut Tx, tenant_id: Uuid) -> Result<i64, ApiError> {
    sql::query_scalar("select count(*) from task_scheduler_items where tenant_id = $1")
        .bind(tenant_id)
        .fetch_one(&mut *tx)
        .await
        .map_err(ApiError::internal)
}
