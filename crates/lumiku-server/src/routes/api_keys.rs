//! A tenant's API keys: `/api/tenants/{id}/api-keys`. Owners and admins make, list and revoke
//! them, signed in as themselves (a key never manages keys).

use axum::extract::State;
use axum::http::StatusCode;
use chrono::{DateTime, Utc};
use lumiku_kernel::api_keys::{ApiKey, NAME_MAX, NewApiKey, Scope};
use lumiku_plugin::extract::{Json, Path};
use lumiku_plugin::{ApiError, ErrorBody, List};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

use crate::AppState;
use crate::extract::{Client, CurrentUser};

/// The API key routes.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_api_keys, create_api_key))
        .routes(routes!(revoke_api_key))
}

/// A new API key.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(default, rename_all = "camelCase", deny_unknown_fields)]
pub struct CreateApiKeyRequest {
    /// 1 to 100 characters, one line, not only spaces; kept trimmed.
    #[schema(schema_with = lumiku_plugin::text::one_line_schema::<NAME_MAX>, required = true)]
    name: String,
    /// `read` (a viewer's reads), `write` (a member's: reads and the apps' actions) or `admin`
    /// (an admin's: also members and billing).
    #[schema(value_type = Scope, required = true)]
    scope: Option<Scope>,
    /// The apps it may call (at least one); leave it out for every app.
    #[schema(min_items = 1)]
    apps: Option<Vec<String>>,
    /// When it stops working (RFC 3339, in the future); leave it out for never.
    expires_at: Option<DateTime<Utc>>,
}

/// A key just made: the key itself is in `key`, and is never shown again.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct CreatedApiKey {
    /// Send it as `Authorization: Bearer <key>`. Keep it secret: only its hash is kept.
    key: String,
    /// The key as lists show it.
    api_key: ApiKey,
}

/// Makes an API key for the tenant (owners and admins). The answer holds the key, once.
#[utoipa::path(post, path = "/api/tenants/{id}/api-keys", operation_id = "createApiKey", tag = "api-keys", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Tenant id")),
    request_body = CreateApiKeyRequest,
    responses(
        (status = 201, description = "Made: the key, shown this once", body = CreatedApiKey),
        (status = 403, description = "Only owners and admins, signed in as themselves, make keys", body = ErrorBody),
        (status = 404, description = "Not a tenant of the caller's", body = ErrorBody),
        (status = 422, description = "A name, scope, app or expiry that is not valid", body = ErrorBody),
    ))]
async fn create_api_key(
    State(state): State<AppState>,
    CurrentUser(caller): CurrentUser,
    Client(client): Client,
    Path(id): Path<Uuid>,
    Json(body): Json<CreateApiKeyRequest>,
) -> Result<(StatusCode, Json<CreatedApiKey>), ApiError> {
    let scope = body
        .scope
        .ok_or_else(|| ApiError::invalid_field("scope", "is required: read, write or admin"))?;
    let new = NewApiKey {
        name: body.name,
        scope,
        apps: body.apps,
        expires_at: body.expires_at,
    };
    let (api_key, key) = state
        .kernel
        .create_api_key(&caller, id, new, &client)
        .await?;
    Ok((StatusCode::CREATED, Json(CreatedApiKey { key, api_key })))
}

/// The tenant's API keys, newest first, revoked ones included (owners and admins). Never the
/// keys themselves.
#[utoipa::path(get, path = "/api/tenants/{id}/api-keys", operation_id = "listApiKeys", tag = "api-keys", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Tenant id")),
    responses(
        (status = 200, description = "The keys", body = List<ApiKey>),
        (status = 403, description = "Only owners and admins see the keys", body = ErrorBody),
        (status = 404, description = "Not a tenant of the caller's", body = ErrorBody),
    ))]
async fn list_api_keys(
    State(state): State<AppState>,
    CurrentUser(caller): CurrentUser,
    Path(id): Path<Uuid>,
) -> Result<Json<List<ApiKey>>, ApiError> {
    Ok(Json(List::complete(
        state.kernel.list_api_keys(&caller, id).await?,
    )))
}

/// Revokes an API key (owners and admins): every node refuses it from its next request.
#[utoipa::path(delete, path = "/api/tenants/{id}/api-keys/{keyId}", operation_id = "revokeApiKey", tag = "api-keys", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Tenant id"), ("keyId" = Uuid, Path, description = "API key id")),
    responses(
        (status = 200, description = "Revoked", body = ApiKey),
        (status = 403, description = "Only owners and admins revoke keys", body = ErrorBody),
        (status = 404, description = "No such tenant or key", body = ErrorBody),
        (status = 409, description = "Already revoked", body = ErrorBody),
    ))]
async fn revoke_api_key(
    State(state): State<AppState>,
    CurrentUser(caller): CurrentUser,
    Client(client): Client,
    Path((id, key_id)): Path<(Uuid, Uuid)>,
) -> Result<Json<ApiKey>, ApiError> {
    Ok(Json(
        state
            .kernel
            .revoke_api_key(&caller, id, key_id, &client)
            .await?,
    ))
}
