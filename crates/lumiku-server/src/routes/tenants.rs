//! Tenants, members and the audit log: `/api/tenants/*`.

use axum::extract::State;
use axum::http::StatusCode;
use lumiku_kernel::export::{ExportedApp, TenantExport};
use lumiku_kernel::tenants::{AuditPage, Member, Role, Tenant};
use lumiku_plugin::extract::{Json, Path, Query};
use lumiku_plugin::{ApiError, ErrorBody, List};
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

use crate::AppState;
use crate::extract::{Client, CurrentUser, RequestTenant};

/// The tenant routes.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_tenants, create_tenant))
        .routes(routes!(current_tenant))
        .routes(routes!(get_tenant))
        .routes(routes!(list_members, add_member))
        .routes(routes!(update_member, remove_member))
        .routes(routes!(audit_log))
        .routes(routes!(export_tenant))
}

/// New tenant.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(default)]
pub struct CreateTenantRequest {
    /// 1 to 100 characters, not only spaces, no control characters; kept trimmed.
    #[schema(schema_with = lumiku_plugin::text::one_line_schema::<100>, required = true)]
    name: String,
}

/// New member.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(default)]
pub struct AddMemberRequest {
    /// The email of an existing account.
    #[schema(required = true)]
    email: String,
    /// `owner`, `admin`, `member` or `viewer`.
    #[schema(value_type = Role, required = true)]
    role: String,
}

/// Role change.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(default)]
pub struct UpdateMemberRequest {
    /// `owner`, `admin`, `member` or `viewer`.
    #[schema(value_type = Role, required = true)]
    role: String,
}

/// Audit log filters and cursor.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[serde(default)]
#[into_params(parameter_in = Query)]
pub struct AuditQuery {
    /// Only entries with this action (e.g. `auth.login`).
    action: Option<String>,
    /// The `nextCursor` of the previous page.
    before: Option<Uuid>,
    /// Page size, 1 to 200 (default 50).
    #[serde(deserialize_with = "lumiku_plugin::list::limit::<200, _>")]
    #[param(minimum = 1, maximum = 200)]
    limit: Option<u32>,
}

fn parse_role(raw: &str) -> Result<Role, ApiError> {
    lumiku_kernel::tenants::role_from_name(raw).map_err(ApiError::from)
}

/// Lists the tenants the caller belongs to, with their role in each.
#[utoipa::path(get, path = "/api/tenants", operation_id = "listTenants", tag = "tenants", security(("bearer" = [])),
    responses(
        (status = 200, description = "The caller's tenants", body = List<Tenant>),
        (status = 401, description = "No valid access token", body = ErrorBody),
    ))]
async fn list_tenants(
    State(state): State<AppState>,
    CurrentUser(caller): CurrentUser,
) -> Result<Json<List<Tenant>>, ApiError> {
    Ok(Json(List::complete(
        state.kernel.list_tenants(&caller).await?,
    )))
}

/// Creates a team tenant owned by the caller.
#[utoipa::path(post, path = "/api/tenants", operation_id = "createTenant", tag = "tenants", security(("bearer" = [])),
    request_body = CreateTenantRequest,
    responses(
        (status = 201, description = "The new tenant", body = Tenant),
        (status = 400, description = "Malformed JSON", body = ErrorBody),
        (status = 401, description = "No valid access token", body = ErrorBody),
        (status = 422, description = "Invalid name", body = ErrorBody),
    ))]
async fn create_tenant(
    State(state): State<AppState>,
    CurrentUser(caller): CurrentUser,
    Client(client): Client,
    Json(body): Json<CreateTenantRequest>,
) -> Result<(StatusCode, Json<Tenant>), ApiError> {
    let tenant = state
        .kernel
        .create_tenant(&caller, &body.name, &client)
        .await?;
    Ok((StatusCode::CREATED, Json(tenant)))
}

/// The tenant this request acts in: `X-Tenant-Id`, or the caller's personal tenant.
#[utoipa::path(get, path = "/api/tenants/current", operation_id = "getCurrentTenant", tag = "tenants", security(("bearer" = [])),
    params(("X-Tenant-Id" = Option<Uuid>, Header, description = "Tenant to act in; default the personal tenant")),
    responses(
        (status = 200, description = "The tenant", body = Tenant),
        (status = 401, description = "No valid access token", body = ErrorBody),
        (status = 404, description = "Not a tenant of the caller's", body = ErrorBody),
    ))]
async fn current_tenant(
    State(state): State<AppState>,
    tenant: RequestTenant,
) -> Result<Json<Tenant>, ApiError> {
    Ok(Json(
        state
            .kernel
            .get_tenant(&tenant.caller, tenant.access.tenant_id)
            .await?,
    ))
}

/// One of the caller's tenants.
#[utoipa::path(get, path = "/api/tenants/{id}", operation_id = "getTenant", tag = "tenants", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Tenant id")),
    responses(
        (status = 200, description = "The tenant", body = Tenant),
        (status = 401, description = "No valid access token", body = ErrorBody),
        (status = 404, description = "Not a tenant of the caller's", body = ErrorBody),
    ))]
async fn get_tenant(
    State(state): State<AppState>,
    CurrentUser(caller): CurrentUser,
    Path(id): Path<Uuid>,
) -> Result<Json<Tenant>, ApiError> {
    Ok(Json(state.kernel.get_tenant(&caller, id).await?))
}

/// Everything the tenant holds, as one JSON document of one moment, for one of its owners to
/// take elsewhere: the tenant, its members' accounts, its wallet, ledger, usage, billing, apps,
/// API keys and webhooks (never a secret or a hash), its audit trail, and every row of every
/// app's tables that belongs to it. Audited.
#[utoipa::path(get, path = "/api/tenants/{id}/export", operation_id = "exportTenant", tag = "tenants", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Tenant id")),
    responses(
        (status = 200, description = "The tenant's data", body = TenantExport,
            headers(("content-disposition" = String, description = "`attachment`, with a file name"))),
        (status = 401, description = "No valid access token", body = ErrorBody),
        (status = 403, description = "Not an owner of the tenant", body = ErrorBody),
        (status = 404, description = "Not a tenant of the caller's", body = ErrorBody),
    ))]
async fn export_tenant(
    State(state): State<AppState>,
    CurrentUser(caller): CurrentUser,
    Client(client): Client,
    Path(id): Path<Uuid>,
) -> Result<impl axum::response::IntoResponse, ApiError> {
    let apps: Vec<ExportedApp<'_>> = state
        .apps
        .iter()
        .map(|app| ExportedApp {
            app_id: app.manifest().app_id,
            hidden: app.export_hidden(),
        })
        .collect();
    let export = state
        .kernel
        .export_tenant(&caller, id, &apps, &client)
        .await?;
    let disposition = format!(
        "attachment; filename=\"lumiku-tenant-{id}-{}.json\"",
        export.exported_at.format("%Y%m%dT%H%M%SZ")
    );
    Ok((
        [(axum::http::header::CONTENT_DISPOSITION, disposition)],
        Json(export),
    ))
}

/// The members of one of the caller's tenants.
#[utoipa::path(get, path = "/api/tenants/{id}/members", operation_id = "listMembers", tag = "tenants", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Tenant id")),
    responses(
        (status = 200, description = "The members", body = List<Member>),
        (status = 401, description = "No valid access token", body = ErrorBody),
        (status = 404, description = "Not a tenant of the caller's", body = ErrorBody),
    ))]
async fn list_members(
    State(state): State<AppState>,
    CurrentUser(caller): CurrentUser,
    Path(id): Path<Uuid>,
) -> Result<Json<List<Member>>, ApiError> {
    Ok(Json(List::complete(
        state.kernel.list_members(&caller, id).await?,
    )))
}

/// Adds an existing account to the tenant (owners and admins; only owners grant `owner`).
#[utoipa::path(post, path = "/api/tenants/{id}/members", operation_id = "addMember", tag = "tenants", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Tenant id")),
    request_body = AddMemberRequest,
    responses(
        (status = 201, description = "The new member", body = Member),
        (status = 400, description = "Malformed JSON", body = ErrorBody),
        (status = 401, description = "No valid access token", body = ErrorBody),
        (status = 403, description = "The caller's role does not allow this", body = ErrorBody),
        (status = 404, description = "Not a tenant of the caller's", body = ErrorBody),
        (status = 409, description = "Already a member", body = ErrorBody),
        (status = 422, description = "Invalid email or role, or no such account", body = ErrorBody),
    ))]
async fn add_member(
    State(state): State<AppState>,
    CurrentUser(caller): CurrentUser,
    Client(client): Client,
    Path(id): Path<Uuid>,
    Json(body): Json<AddMemberRequest>,
) -> Result<(StatusCode, Json<Member>), ApiError> {
    let role = parse_role(&body.role)?;
    let member = state
        .kernel
        .add_member(&caller, id, &body.email, role, &client)
        .await?;
    Ok((StatusCode::CREATED, Json(member)))
}

/// Changes a member's role. The last owner cannot be demoted.
#[utoipa::path(patch, path = "/api/tenants/{id}/members/{userId}", operation_id = "updateMember", tag = "tenants", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Tenant id"), ("userId" = Uuid, Path, description = "Member's user id")),
    request_body = UpdateMemberRequest,
    responses(
        (status = 200, description = "The member", body = Member),
        (status = 400, description = "Malformed JSON", body = ErrorBody),
        (status = 401, description = "No valid access token", body = ErrorBody),
        (status = 403, description = "The caller's role does not allow this", body = ErrorBody),
        (status = 404, description = "No such tenant or member", body = ErrorBody),
        (status = 409, description = "It would leave the tenant without an owner", body = ErrorBody),
        (status = 422, description = "Invalid role", body = ErrorBody),
    ))]
async fn update_member(
    State(state): State<AppState>,
    CurrentUser(caller): CurrentUser,
    Client(client): Client,
    Path((id, user_id)): Path<(Uuid, Uuid)>,
    Json(body): Json<UpdateMemberRequest>,
) -> Result<Json<Member>, ApiError> {
    let role = parse_role(&body.role)?;
    Ok(Json(
        state
            .kernel
            .update_member(&caller, id, user_id, role, &client)
            .await?,
    ))
}

/// Removes a member, or lets the caller leave. The last owner cannot go.
#[utoipa::path(delete, path = "/api/tenants/{id}/members/{userId}", operation_id = "removeMember", tag = "tenants", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Tenant id"), ("userId" = Uuid, Path, description = "Member's user id")),
    responses(
        (status = 204, description = "Removed"),
        (status = 401, description = "No valid access token", body = ErrorBody),
        (status = 403, description = "The caller's role does not allow this", body = ErrorBody),
        (status = 404, description = "No such tenant or member", body = ErrorBody),
        (status = 409, description = "It would leave the tenant without an owner", body = ErrorBody),
    ))]
async fn remove_member(
    State(state): State<AppState>,
    CurrentUser(caller): CurrentUser,
    Client(client): Client,
    Path((id, user_id)): Path<(Uuid, Uuid)>,
) -> Result<StatusCode, ApiError> {
    state
        .kernel
        .remove_member(&caller, id, user_id, &client)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The tenant's audit log, newest first (owners and admins).
#[utoipa::path(get, path = "/api/tenants/{id}/audit", operation_id = "listTenantAuditEvents", tag = "tenants", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Tenant id"), AuditQuery),
    responses(
        (status = 200, description = "A page of entries", body = AuditPage),
        (status = 400, description = "Invalid query", body = ErrorBody),
        (status = 401, description = "No valid access token", body = ErrorBody),
        (status = 403, description = "Only owners and admins read the audit log", body = ErrorBody),
        (status = 404, description = "Not a tenant of the caller's", body = ErrorBody),
    ))]
async fn audit_log(
    State(state): State<AppState>,
    CurrentUser(caller): CurrentUser,
    Path(id): Path<Uuid>,
    Query(query): Query<AuditQuery>,
) -> Result<Json<AuditPage>, ApiError> {
    let page = state
        .kernel
        .audit_log(
            &caller,
            id,
            query.action.as_deref(),
            query.before,
            i64::from(query.limit.unwrap_or(50)),
        )
        .await?;
    Ok(Json(page))
}
