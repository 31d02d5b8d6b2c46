//! Platform administration lists: users and the platform-wide audit log.

use axum::extract::State;
use axum::http::StatusCode;
use lumiku_kernel::browser::{PlatformAuditPage, UserPage};
use lumiku_plugin::extract::{Json, Query};
use lumiku_plugin::{ApiError, ErrorBody};
use serde::Deserialize;
use utoipa::IntoParams;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

use crate::AppState;
use crate::extract::CurrentUser;

/// The administration routes.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_users))
        .routes(routes!(platform_audit))
        .routes(routes!(sweep_storage))
}

#[utoipa::path(post, path = "/api/admin/storage/sweep", operation_id = "adminSweepStorage", tag = "admin", security(("bearer" = [])),
    responses(
        (status = 200, description = "What the sweep removed and found missing", body = lumiku_kernel::storage::SweepReport),
        (status = 401, description = "No valid access token", body = ErrorBody),
        (status = 403, description = "Not a platform administrator", body = ErrorBody),
        (status = 503, description = "The storage could not be listed", body = ErrorBody),
    ))]
/// Runs the storage sweep now: removes stored objects no file refers to (whose upload began over
/// 25 h ago) and reports files whose stored object is missing. It also runs every
/// `storage_sweep_interval_secs`.
async fn sweep_storage(
    State(state): State<AppState>,
    CurrentUser(caller): CurrentUser,
) -> Result<Json<lumiku_kernel::storage::SweepReport>, ApiError> {
    caller
        .require_admin("only platform administrators may sweep the storage")
        .map_err(ApiError::from)?;
    let report = state.kernel.sweep_storage().await.map_err(|error| {
        ApiError::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "storage_unavailable",
            "The storage could not be swept",
        )
        .with_source(error)
    })?;
    Ok(Json(report))
}

/// User search and cursor.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[serde(default)]
#[into_params(parameter_in = Query)]
pub struct UserQuery {
    /// Only emails containing this.
    q: Option<String>,
    /// The `nextCursor` of the previous page.
    before: Option<Uuid>,
    /// Page size, 1 to 200 (default 50).
    #[serde(deserialize_with = "lumiku_plugin::list::limit::<200, _>")]
    #[param(minimum = 1, maximum = 200)]
    limit: Option<u32>,
}

/// Audit filters and cursor.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[serde(default)]
#[into_params(parameter_in = Query)]
pub struct PlatformAuditQuery {
    /// Only this action (e.g. `payment.callback_rejected`).
    action: Option<String>,
    /// The `nextCursor` of the previous page.
    before: Option<Uuid>,
    /// Page size, 1 to 200 (default 50).
    #[serde(deserialize_with = "lumiku_plugin::list::limit::<200, _>")]
    #[param(minimum = 1, maximum = 200)]
    limit: Option<u32>,
}

/// Platform users with their personal tenant's balance, newest first (platform administrators).
#[utoipa::path(get, path = "/api/admin/users", operation_id = "adminListUsers", tag = "admin", security(("bearer" = [])), params(UserQuery),
    responses(
        (status = 200, description = "A page of users", body = UserPage),
        (status = 400, description = "Invalid query", body = ErrorBody),
        (status = 401, description = "No valid access token", body = ErrorBody),
        (status = 403, description = "Not a platform administrator", body = ErrorBody),
    ))]
async fn list_users(
    State(state): State<AppState>,
    CurrentUser(caller): CurrentUser,
    Query(query): Query<UserQuery>,
) -> Result<Json<UserPage>, ApiError> {
    Ok(Json(
        state
            .kernel
            .admin_users(
                &caller,
                query.q.as_deref(),
                query.before,
                i64::from(query.limit.unwrap_or(50)),
            )
            .await?,
    ))
}

/// Every tenant's audit log and the platform's own events, newest first (platform administrators).
#[utoipa::path(get, path = "/api/admin/audit", operation_id = "adminListAuditEvents", tag = "admin", security(("bearer" = [])), params(PlatformAuditQuery),
    responses(
        (status = 200, description = "A page of audit events", body = PlatformAuditPage),
        (status = 400, description = "Invalid query", body = ErrorBody),
        (status = 401, description = "No valid access token", body = ErrorBody),
        (status = 403, description = "Not a platform administrator", body = ErrorBody),
    ))]
async fn platform_audit(
    State(state): State<AppState>,
    CurrentUser(caller): CurrentUser,
    Query(query): Query<PlatformAuditQuery>,
) -> Result<Json<PlatformAuditPage>, ApiError> {
    Ok(Json(
        state
            .kernel
            .admin_audit(
                &caller,
                query.action.as_deref(),
                query.before,
                i64::from(query.limit.unwrap_or(50)),
            )
            .await?,
    ))
}
