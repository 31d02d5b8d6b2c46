//! The app's API, relative to `/api/apps/task-scheduler`.

use axum::http::StatusCode;
use lumiku_plugin::extract::{Json, Path, Query};
use lumiku_plugin::{
    ApiError, AppContext, Charged, ErrorBody, IdempotencyKey, Metered, MeteredErrors,
};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

use crate::CreateItem;
use crate::store::{self, Item, NewItem};

pub fn router() -> OpenApiRouter {
    OpenApiRouter::new()
        .routes(routes!(list_items, create_item))
        .routes(routes!(get_item))
}

/// A page of the tenant's items.
#[derive(Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ItemList {
    /// Newest first.
    items: Vec<Item>,
    /// Pass as `before` for the next page; null on the last.
    next_cursor: Option<Uuid>,
}

/// Which page of items.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[serde(default)]
#[into_params(parameter_in = Query)]
pub struct ItemQuery {
    /// The `nextCursor` of the previous page.
    pub(crate) before: Option<Uuid>,
    /// Page size, 1 to 200 (default 50).
    pub(crate) limit: Option<u32>,
}

/// One item.
#[derive(Serialize, ToSchema)]
pub struct ItemBody {
    item: Item,
}

/// What a metered action of this app keeps with its usage row.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Usage {
    item_id: Uuid,
}

/// Lists the tenant's items, a page at a time (free).
#[utoipa::path(get, path = "/items", tag = "task-scheduler", security(("bearer" = [])),
    params(ItemQuery),
    responses(
        (status = 200, description = "A page of items, newest first", body = ItemList),
        (status = 400, description = "Invalid query", body = ErrorBody),
        (status = 401, description = "No valid access token", body = ErrorBody),
    ))]
async fn list_items(
    ctx: AppContext,
    Query(query): Query<ItemQuery>,
) -> Result<Json<ItemList>, ApiError> {
    let mut tx = ctx.read().await?;
    let limit = query.limit.unwrap_or(store::PAGE_DEFAULT);
    let page = store::list_items(&mut tx, ctx.tenant_id(), query.before, limit).await?;
    Ok(Json(ItemList {
        items: page.items,
        next_cursor: page.next_cursor,
    }))
}

/// Adds an item (`createItem` credits). The charge, the insert and the usage row commit together
/// or not at all; with an `Idempotency-Key`, a retry answers the first result without a charge.
#[utoipa::path(post, path = "/items", tag = "task-scheduler", security(("bearer" = [])),
    request_body = NewItem,
    params(IdempotencyKey),
    responses((status = 201, description = "Added and charged", body = Charged<ItemBody>), MeteredErrors))]
async fn create_item(
    mut metered: Metered<CreateItem, NewItem>,
) -> Result<Charged<ItemBody>, ApiError> {
    let input = metered.body().validate()?;
    let (tenant, user) = (metered.tenant_id(), metered.user_id());
    let item = store::insert_item(metered.tx(), tenant, user, &input).await?;
    let usage = Usage { item_id: item.id };
    metered
        .finish(StatusCode::CREATED, ItemBody { item }, usage)
        .await
}

/// One item (free).
#[utoipa::path(get, path = "/items/{id}", tag = "task-scheduler", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Item id")),
    responses(
        (status = 200, description = "The item", body = ItemBody),
        (status = 401, description = "No valid access token", body = ErrorBody),
        (status = 404, description = "No such item in this tenant", body = ErrorBody),
    ))]
async fn get_item(ctx: AppContext, Path(id): Path<Uuid>) -> Result<Json<ItemBody>, ApiError> {
    let mut tx = ctx.read().await?;
    let item = store::get_item(&mut tx, ctx.tenant_id(), id).await?;
    Ok(Json(ItemBody { item }))
}
