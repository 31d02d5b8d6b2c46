//! The app registry as clients see it: `/api/apps` for the dashboard, `/api/admin/apps` for
//! platform administrators.

use std::collections::BTreeMap;

use axum::extract::State;
use lumiku_kernel::registry::{AppPatch, AppRecord};
use lumiku_plugin::extract::{Json, Path};
use lumiku_plugin::{Access, ApiError, ErrorBody, List, Manifest};
use serde::Serialize;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::AppState;
use crate::extract::{Client, CurrentUser, RequestTenant};

/// The registry routes.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_apps))
        .routes(routes!(admin_list_apps))
        .routes(routes!(admin_update_app))
}

/// A dashboard card.
#[derive(Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct AppCard {
    /// Kebab-case id.
    app_id: &'static str,
    /// Display name.
    name: &'static str,
    /// One sentence.
    description: &'static str,
    /// Lucide icon name.
    icon: &'static str,
    /// Version.
    version: &'static str,
    /// Where its routes are.
    route_prefix: &'static str,
    /// Card colour.
    color: &'static str,
    /// Position.
    order: i32,
    /// Beta badge.
    beta: bool,
    /// Credit cost per action.
    credits: BTreeMap<&'static str, i64>,
    /// Access rules.
    access: Access,
    /// Its stats endpoint.
    stats_endpoint: Option<&'static str>,
    /// The caller's tenant's use of it.
    usage: TenantUsage,
}

/// A tenant's use of an app.
#[derive(Serialize, ToSchema, Default)]
#[serde(rename_all = "camelCase")]
pub struct TenantUsage {
    /// Metered actions performed.
    actions: i64,
    /// Credits spent.
    credits_spent: i64,
}

fn manifest<'a>(state: &'a AppState, app_id: &str) -> Option<&'a &'static Manifest> {
    state.manifests.iter().find(|m| m.app_id == app_id)
}

/// The caller's dashboard: the apps installed in the tenant, their costs and the tenant's usage.
#[utoipa::path(get, path = "/api/apps", operation_id = "listApps", tag = "apps", security(("bearer" = [])),
    params(("X-Tenant-Id" = Option<uuid::Uuid>, Header, description = "Tenant; default the personal tenant")),
    responses(
        (status = 200, description = "The apps", body = List<AppCard>),
        (status = 401, description = "No valid access token", body = ErrorBody),
        (status = 404, description = "Not a tenant of the caller's", body = ErrorBody),
    ))]
async fn list_apps(
    State(state): State<AppState>,
    tenant: RequestTenant,
) -> Result<Json<List<AppCard>>, ApiError> {
    let records = state.kernel.list_app_flags().await?;
    let installed: Vec<String> = state
        .kernel
        .catalogue(&tenant.caller, &tenant.access)
        .await?
        .into_iter()
        .filter(|a| a.installed)
        .map(|a| a.app_id)
        .collect();
    let usage = state
        .kernel
        .tenant_app_usage(tenant.access.tenant_id)
        .await?;
    let apps = records
        .into_iter()
        .filter(|r| r.enabled && !r.coming_soon && installed.contains(&r.app_id))
        .filter_map(|r| manifest(&state, &r.app_id).map(|m| (r, *m)))
        .map(|(record, m)| {
            let (actions, credits_spent) = usage
                .iter()
                .find(|(id, _, _)| *id == record.app_id)
                .map(|(_, count, credits)| (*count, *credits))
                .unwrap_or_default();
            AppCard {
                app_id: m.app_id,
                name: m.name,
                description: m.description,
                icon: m.icon,
                version: m.version,
                route_prefix: m.route_prefix,
                color: m.dashboard.color,
                order: record.dashboard_order,
                beta: record.beta,
                credits: m.credits.iter().copied().collect(),
                access: m.access,
                stats_endpoint: m.dashboard.stats_endpoint,
                usage: TenantUsage {
                    actions,
                    credits_spent,
                },
            }
        })
        .collect();
    Ok(Json(List::complete(apps)))
}

/// Every app's stored state (platform administrators).
#[utoipa::path(get, path = "/api/admin/apps", operation_id = "adminListApps", tag = "admin", security(("bearer" = [])),
    responses(
        (status = 200, description = "The apps", body = List<AppRecord>),
        (status = 401, description = "No valid access token", body = ErrorBody),
        (status = 403, description = "Not a platform administrator", body = ErrorBody),
    ))]
async fn admin_list_apps(
    State(state): State<AppState>,
    CurrentUser(caller): CurrentUser,
) -> Result<Json<List<AppRecord>>, ApiError> {
    caller.require_admin("only platform administrators may list apps this way")?;
    Ok(Json(List::complete(state.kernel.list_app_records().await?)))
}

/// Enables, disables, or changes an app's badges and order, on every node at once.
#[utoipa::path(patch, path = "/api/admin/apps/{appId}", operation_id = "adminUpdateApp", tag = "admin", security(("bearer" = [])),
    params(("appId" = String, Path, description = "The app's id")),
    request_body = AppPatch,
    responses(
        (status = 200, description = "The app's new state", body = AppRecord),
        (status = 400, description = "Malformed JSON", body = ErrorBody),
        (status = 401, description = "No valid access token", body = ErrorBody),
        (status = 403, description = "Not a platform administrator", body = ErrorBody),
        (status = 404, description = "No such app", body = ErrorBody),
        (status = 422, description = "Invalid fields", body = ErrorBody),
    ))]
async fn admin_update_app(
    State(state): State<AppState>,
    CurrentUser(caller): CurrentUser,
    Client(client): Client,
    Path(app_id): Path<String>,
    Json(patch): Json<AppPatch>,
) -> Result<Json<AppRecord>, ApiError> {
    Ok(Json(
        state
            .kernel
            .update_app(&caller, &app_id, &patch, &client)
            .await?,
    ))
}
