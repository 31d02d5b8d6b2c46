//! The app catalogue and each tenant's installs: what a tenant is offered, installing and
//! uninstalling, opting into beta apps, and administrators publishing an app.

use std::collections::BTreeMap;

use axum::extract::State;
use axum::http::StatusCode;
use lumiku_kernel::installs::{Publication, TenantApp, Visibility};
use lumiku_plugin::extract::{Json, Path, Query};
use lumiku_plugin::{ApiError, ErrorBody, List, Manifest};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

use crate::AppState;
use crate::extract::{Client, CurrentUser, RequestTenant};

/// The catalogue routes.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(catalogue))
        .routes(routes!(install, uninstall))
        .routes(routes!(set_beta_apps))
        .routes(routes!(publish))
}

/// An app in the catalogue, with its prices and this tenant's install.
#[derive(Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct CatalogueEntry {
    /// Kebab-case id.
    app_id: &'static str,
    /// Display name.
    name: &'static str,
    /// One sentence.
    description: &'static str,
    /// Lucide icon name.
    icon: &'static str,
    /// Card colour.
    color: &'static str,
    /// Where its routes are.
    route_prefix: &'static str,
    /// Credit cost per action.
    credits: BTreeMap<&'static str, i64>,
    /// The tenant's install state and the app's version, visibility and install cost.
    #[serde(flatten)]
    state: TenantApp,
}

fn entry(state: &AppState, app: TenantApp) -> Option<CatalogueEntry> {
    let manifest: &Manifest = state.manifests.iter().find(|m| m.app_id == app.app_id)?;
    Some(CatalogueEntry {
        app_id: manifest.app_id,
        name: manifest.name,
        description: manifest.description,
        icon: manifest.icon,
        color: manifest.dashboard.color,
        route_prefix: manifest.route_prefix,
        credits: manifest.credits.iter().copied().collect(),
        state: app,
    })
}

/// The apps the caller is offered in the tenant, installed or not, with their prices (free).
#[utoipa::path(get, path = "/api/catalogue", operation_id = "getCatalogue", tag = "apps", security(("bearer" = [])),
    params(("X-Tenant-Id" = Option<Uuid>, Header, description = "Tenant; default the personal tenant")),
    responses(
        (status = 200, description = "The catalogue", body = List<CatalogueEntry>),
        (status = 401, description = "No valid access token", body = ErrorBody),
        (status = 404, description = "Not a tenant of the caller's", body = ErrorBody),
    ))]
async fn catalogue(
    State(state): State<AppState>,
    tenant: RequestTenant,
) -> Result<Json<List<CatalogueEntry>>, ApiError> {
    let apps = state
        .kernel
        .catalogue(&tenant.caller, &tenant.access)
        .await?;
    let apps = apps.into_iter().filter_map(|a| entry(&state, a)).collect();
    Ok(Json(List::complete(apps)))
}

/// Installs an app in the tenant (owners and admins), charging its install cost once.
#[utoipa::path(post, path = "/api/tenants/{id}/apps/{appId}", operation_id = "installApp", tag = "apps", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Tenant id"), ("appId" = String, Path, description = "The app")),
    responses(
        (status = 200, description = "Installed (and charged its install cost)", body = CatalogueEntry),
        (status = 401, description = "No valid access token", body = ErrorBody),
        (status = 402, description = "Not enough credits for the install cost; nothing installed", body = ErrorBody),
        (status = 403, description = "The caller's role cannot manage apps, or the app is coming soon", body = ErrorBody),
        (status = 404, description = "No such tenant of the caller's, or no such app offered to it", body = ErrorBody),
        (status = 409, description = "Already installed", body = ErrorBody),
    ))]
async fn install(
    State(state): State<AppState>,
    CurrentUser(caller): CurrentUser,
    Client(client): Client,
    Path((id, app_id)): Path<(Uuid, String)>,
) -> Result<Json<CatalogueEntry>, ApiError> {
    let access = state.kernel.tenant_access(&caller, id).await?;
    let app = state
        .kernel
        .install_app(&caller, &access, &app_id, &client)
        .await?;
    entry(&state, app)
        .map(Json)
        .ok_or_else(|| ApiError::not_found("No such app"))
}

/// Whether to delete the app's rows at once.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[serde(default)]
#[into_params(parameter_in = Query)]
pub struct UninstallQuery {
    /// Delete the app's rows for this tenant now instead of keeping them 30 days.
    purge: bool,
}

/// Uninstalls an app from the tenant (owners and admins): its rows are kept 30 days for a
/// reinstall, or deleted now with `purge=true` (also of an app already uninstalled).
#[utoipa::path(delete, path = "/api/tenants/{id}/apps/{appId}", operation_id = "uninstallApp", tag = "apps", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Tenant id"), ("appId" = String, Path, description = "The app"),
        UninstallQuery),
    responses(
        (status = 200, description = "Uninstalled", body = CatalogueEntry),
        (status = 400, description = "Invalid query", body = ErrorBody),
        (status = 401, description = "No valid access token", body = ErrorBody),
        (status = 403, description = "The caller's role cannot manage apps", body = ErrorBody),
        (status = 404, description = "No such tenant of the caller's, or no such app offered to it", body = ErrorBody),
        (status = 409, description = "Not installed", body = ErrorBody),
    ))]
async fn uninstall(
    State(state): State<AppState>,
    CurrentUser(caller): CurrentUser,
    Client(client): Client,
    Path((id, app_id)): Path<(Uuid, String)>,
    Query(query): Query<UninstallQuery>,
) -> Result<Json<CatalogueEntry>, ApiError> {
    let access = state.kernel.tenant_access(&caller, id).await?;
    let app = state
        .kernel
        .uninstall_app(&caller, &access, &app_id, query.purge, &client)
        .await?;
    entry(&state, app)
        .map(Json)
        .ok_or_else(|| ApiError::not_found("No such app"))
}

/// A tenant's choice about beta apps.
#[derive(Debug, Deserialize, ToSchema)]
pub struct BetaApps {
    /// Offer the tenant apps in beta.
    enabled: bool,
}

/// Opts the tenant into (or out of) apps in beta (owners and admins).
#[utoipa::path(put, path = "/api/tenants/{id}/beta-apps", operation_id = "setBetaApps", tag = "apps", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Tenant id")),
    request_body = BetaApps,
    responses(
        (status = 204, description = "Saved"),
        (status = 400, description = "Malformed JSON", body = ErrorBody),
        (status = 401, description = "No valid access token", body = ErrorBody),
        (status = 403, description = "The caller's role cannot manage apps", body = ErrorBody),
        (status = 404, description = "Not a tenant of the caller's", body = ErrorBody),
        (status = 422, description = "Invalid body", body = ErrorBody),
    ))]
async fn set_beta_apps(
    State(state): State<AppState>,
    CurrentUser(caller): CurrentUser,
    Client(client): Client,
    Path(id): Path<Uuid>,
    Json(body): Json<BetaApps>,
) -> Result<StatusCode, ApiError> {
    let access = state.kernel.tenant_access(&caller, id).await?;
    state
        .kernel
        .set_beta_apps(&caller, &access, body.enabled, &client)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Whom to offer an app to.
#[derive(Debug, Deserialize, ToSchema)]
pub struct PublishRequest {
    /// `private` (platform administrators), `beta` (tenants that opted in) or `public`.
    visibility: Visibility,
}

/// Publishes an app: whom the catalogue offers it to (platform administrators). The version
/// offered is the one compiled into the running binary.
#[utoipa::path(post, path = "/api/admin/apps/{appId}/publish", operation_id = "adminPublishApp", tag = "admin", security(("bearer" = [])),
    params(("appId" = String, Path, description = "The app")),
    request_body = PublishRequest,
    responses(
        (status = 200, description = "Published", body = Publication),
        (status = 400, description = "Malformed JSON", body = ErrorBody),
        (status = 401, description = "No valid access token", body = ErrorBody),
        (status = 403, description = "Not a platform administrator", body = ErrorBody),
        (status = 404, description = "No such app", body = ErrorBody),
        (status = 422, description = "Invalid visibility", body = ErrorBody),
    ))]
async fn publish(
    State(state): State<AppState>,
    CurrentUser(caller): CurrentUser,
    Client(client): Client,
    Path(app_id): Path<String>,
    Json(body): Json<PublishRequest>,
) -> Result<Json<Publication>, ApiError> {
    let publication = state
        .kernel
        .publish_app(&caller, &app_id, body.visibility, &client)
        .await?;
    Ok(Json(publication))
}
