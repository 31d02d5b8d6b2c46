//! The caller's devices: `/api/devices`.

use axum::extract::State;
use axum::http::StatusCode;
use lumiku_kernel::devices::Device;
use lumiku_plugin::extract::{Json, Path};
use lumiku_plugin::{ApiError, ErrorBody, List};
use serde::Deserialize;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

use crate::AppState;
use crate::extract::{Client, CurrentUser};

/// The device routes.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_devices))
        .routes(routes!(rename_device, revoke_device))
}

/// Rename body.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(default)]
pub struct RenameDeviceRequest {
    /// 1 to 100 characters, not only spaces, no control characters; kept trimmed.
    #[schema(schema_with = lumiku_plugin::text::one_line_schema::<100>, required = true)]
    name: String,
}

/// Lists the devices the caller signed in from.
#[utoipa::path(get, path = "/api/devices", operation_id = "listDevices", tag = "devices", security(("bearer" = [])),
    responses(
        (status = 200, description = "The devices", body = List<Device>),
        (status = 401, description = "No valid access token", body = ErrorBody),
    ))]
async fn list_devices(
    State(state): State<AppState>,
    CurrentUser(caller): CurrentUser,
) -> Result<Json<List<Device>>, ApiError> {
    Ok(Json(List::complete(
        state.kernel.list_devices(&caller).await?,
    )))
}

/// Renames one of the caller's devices.
#[utoipa::path(patch, path = "/api/devices/{id}", operation_id = "renameDevice", tag = "devices", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Device id")),
    request_body = RenameDeviceRequest,
    responses(
        (status = 200, description = "The renamed device", body = Device),
        (status = 400, description = "Malformed JSON", body = ErrorBody),
        (status = 401, description = "No valid access token", body = ErrorBody),
        (status = 404, description = "No such device of the caller's", body = ErrorBody),
        (status = 422, description = "Invalid name", body = ErrorBody),
    ))]
async fn rename_device(
    State(state): State<AppState>,
    CurrentUser(caller): CurrentUser,
    Path(id): Path<Uuid>,
    Json(body): Json<RenameDeviceRequest>,
) -> Result<Json<Device>, ApiError> {
    Ok(Json(
        state.kernel.rename_device(&caller, id, &body.name).await?,
    ))
}

/// Forgets a device and ends every session opened from it.
#[utoipa::path(delete, path = "/api/devices/{id}", operation_id = "revokeDevice", tag = "devices", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Device id")),
    responses(
        (status = 204, description = "Device revoked"),
        (status = 401, description = "No valid access token", body = ErrorBody),
        (status = 404, description = "No such device of the caller's", body = ErrorBody),
    ))]
async fn revoke_device(
    State(state): State<AppState>,
    CurrentUser(caller): CurrentUser,
    Client(client): Client,
    Path(id): Path<Uuid>,
) -> Result<StatusCode, ApiError> {
    state.kernel.revoke_device(&caller, id, &client).await?;
    Ok(StatusCode::NO_CONTENT)
}
