//! The app's page in the dashboard: the tenant's items, and a form to add one that shows its
//! price. The form posts to the app's metered API from the browser.

use askama::Template;
use axum::Router;
use axum::response::Html;
use axum::routing::get;
use lumiku_plugin::context::Action;
use lumiku_plugin::extract::Query;
use lumiku_plugin::{ApiError, PageContext, Permission};

use crate::routes::ItemQuery;
use crate::store;
use crate::{CreateItem, MANIFEST};

/// The page routes, relative to `/apps/task-scheduler`.
pub fn router() -> Router {
    Router::new().route("/", get(items_page))
}

struct ItemView {
    id: uuid::Uuid,
    title: String,
    notes: Option<String>,
    added: String,
}

#[derive(Template)]
#[template(path = "items.html")]
struct ItemsPage {
    name: &'static str,
    description: &'static str,
    page_path: String,
    api: &'static str,
    can_write: bool,
    cost: i64,
    total: i64,
    items: Vec<ItemView>,
    /// This is a later page: link back to the newest.
    paged: bool,
    /// The link to the next, older page, if any.
    older: Option<String>,
}

async fn items_page(
    page: PageContext,
    Query(query): Query<ItemQuery>,
) -> Result<Html<String>, ApiError> {
    let mut tx = page.read().await?;
    let tenant = page.tenant_id();
    let limit = query.limit.unwrap_or(store::PAGE_DEFAULT);
    let list = store::list_items(&mut tx, tenant, query.before, limit).await?;
    let total = store::count_items(&mut tx, tenant).await?;
    tx.commit().await.map_err(ApiError::internal)?;
    let older = list.next_cursor.map(|id| match query.limit {
        Some(limit) => format!("?before={id}&limit={limit}"),
        None => format!("?before={id}"),
    });
    let body = ItemsPage {
        name: MANIFEST.name,
        description: MANIFEST.description,
        page_path: format!("/apps/{}", MANIFEST.app_id),
        api: MANIFEST.route_prefix,
        can_write: page.can(Permission::Write),
        cost: page.cost(CreateItem::NAME),
        total,
        paged: query.before.is_some(),
        older,
        items: list
            .items
            .into_iter()
            .map(|item| ItemView {
                id: item.id,
                title: item.title,
                notes: item.notes,
                added: item.created_at.format("%d %b %Y %H:%M UTC").to_string(),
            })
            .collect(),
    }
    .render()
    .map_err(ApiError::internal)?;
    Ok(page.render(MANIFEST.name, &body))
}
