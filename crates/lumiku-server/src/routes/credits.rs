//! Credits: `/api/credits/*` for the request's tenant, and administrators' grants.

use axum::extract::State;
use axum::http::StatusCode;
use chrono::{DateTime, Duration, Utc};
use lumiku_kernel::credits::{Balance, EntryKind, History, LedgerEntry, UsageReport};
use lumiku_plugin::extract::{Json, Path, Query};
use lumiku_plugin::{ApiError, ErrorBody};
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

use crate::AppState;
use crate::extract::{Client, CurrentUser, RequestTenant};

/// The credit routes.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(balance))
        .routes(routes!(history))
        .routes(routes!(usage))
        .routes(routes!(admin_adjust))
}

/// History cursor.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[serde(default)]
#[into_params(parameter_in = Query)]
pub struct HistoryQuery {
    /// The `nextCursor` of the previous page.
    before: Option<Uuid>,
    /// Page size, 1 to 200 (default 50).
    #[serde(deserialize_with = "lumiku_plugin::list::limit::<200, _>")]
    #[param(minimum = 1, maximum = 200)]
    limit: Option<u32>,
}

/// Usage period.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[serde(default)]
#[into_params(parameter_in = Query)]
pub struct UsageQuery {
    /// Start, RFC 3339 (default: 30 days before `to`).
    from: Option<DateTime<Utc>>,
    /// End, RFC 3339 (default: now).
    to: Option<DateTime<Utc>>,
}

/// An administrator's grant or adjustment.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(default, rename_all = "camelCase")]
pub struct AdjustRequest {
    /// Credits to add (negative to take, for an adjustment).
    amount: i64,
    /// `grant` or `adjustment`.
    #[schema(value_type = EntryKind)]
    kind: Option<String>,
    /// Why; kept in the ledger and the audit log.
    reason: String,
}

/// The request tenant's balance.
#[utoipa::path(get, path = "/api/credits/balance", operation_id = "getCreditBalance", tag = "credits", security(("bearer" = [])),
    params(("X-Tenant-Id" = Option<Uuid>, Header, description = "Tenant; default the personal tenant")),
    responses(
        (status = 200, description = "The balance", body = Balance),
        (status = 401, description = "No valid access token", body = ErrorBody),
        (status = 404, description = "Not a tenant of the caller's", body = ErrorBody),
    ))]
async fn balance(
    State(state): State<AppState>,
    tenant: RequestTenant,
) -> Result<Json<Balance>, ApiError> {
    Ok(Json(state.kernel.balance(&tenant.access).await?))
}

/// The request tenant's ledger, newest first.
#[utoipa::path(get, path = "/api/credits/history", operation_id = "listLedgerEntries", tag = "credits", security(("bearer" = [])),
    params(("X-Tenant-Id" = Option<Uuid>, Header, description = "Tenant; default the personal tenant"), HistoryQuery),
    responses(
        (status = 200, description = "A page of ledger rows", body = History),
        (status = 400, description = "Invalid query", body = ErrorBody),
        (status = 401, description = "No valid access token", body = ErrorBody),
        (status = 404, description = "Not a tenant of the caller's", body = ErrorBody),
    ))]
async fn history(
    State(state): State<AppState>,
    tenant: RequestTenant,
    Query(query): Query<HistoryQuery>,
) -> Result<Json<History>, ApiError> {
    Ok(Json(
        state
            .kernel
            .history(
                &tenant.access,
                query.before,
                i64::from(query.limit.unwrap_or(50)),
            )
            .await?,
    ))
}

/// The request tenant's usage per app and action over a period.
#[utoipa::path(get, path = "/api/credits/usage", operation_id = "getCreditUsage", tag = "credits", security(("bearer" = [])),
    params(("X-Tenant-Id" = Option<Uuid>, Header, description = "Tenant; default the personal tenant"), UsageQuery),
    responses(
        (status = 200, description = "Totals", body = UsageReport),
        (status = 400, description = "Invalid query", body = ErrorBody),
        (status = 401, description = "No valid access token", body = ErrorBody),
        (status = 404, description = "Not a tenant of the caller's", body = ErrorBody),
        (status = 422, description = "from is not before to", body = ErrorBody),
    ))]
async fn usage(
    State(state): State<AppState>,
    tenant: RequestTenant,
    Query(query): Query<UsageQuery>,
) -> Result<Json<UsageReport>, ApiError> {
    let to = query.to.unwrap_or_else(Utc::now);
    let from = query.from.unwrap_or(to - Duration::days(30));
    Ok(Json(state.kernel.usage(&tenant.access, from, to).await?))
}

/// Grants credits to a tenant or adjusts its balance (platform administrators; audited).
#[utoipa::path(post, path = "/api/admin/tenants/{id}/credits", operation_id = "adminAdjustCredits", tag = "admin", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Tenant id")),
    request_body = AdjustRequest,
    responses(
        (status = 201, description = "The ledger row written", body = LedgerEntry),
        (status = 400, description = "Malformed JSON", body = ErrorBody),
        (status = 401, description = "No valid access token", body = ErrorBody),
        (status = 402, description = "The adjustment would overdraw the wallet", body = ErrorBody),
        (status = 403, description = "Not a platform administrator", body = ErrorBody),
        (status = 404, description = "No such tenant", body = ErrorBody),
        (status = 422, description = "Invalid fields", body = ErrorBody),
    ))]
async fn admin_adjust(
    State(state): State<AppState>,
    CurrentUser(caller): CurrentUser,
    Client(client): Client,
    Path(tenant_id): Path<Uuid>,
    Json(body): Json<AdjustRequest>,
) -> Result<(StatusCode, Json<LedgerEntry>), ApiError> {
    let kind = match body.kind.as_deref().unwrap_or("grant") {
        "grant" => EntryKind::Grant,
        "adjustment" => EntryKind::Adjustment,
        _ => {
            return Err(ApiError::invalid_field(
                "kind",
                "must be grant or adjustment",
            ));
        }
    };
    let entry = state
        .kernel
        .admin_adjust_credits(&caller, tenant_id, body.amount, kind, &body.reason, &client)
        .await?;
    Ok((StatusCode::CREATED, Json(entry)))
}
