//! A tenant's outgoing webhooks: `/api/tenants/{id}/webhooks*` (owners and admins), and the
//! events there are (`/api/webhooks/events`).

use axum::extract::State;
use axum::http::StatusCode;
use lumiku_kernel::webhooks::{Delivery, Endpoint, EndpointPatch, EventType, NewEndpoint};
use lumiku_plugin::extract::{Json, Path, Query};
use lumiku_plugin::{ApiError, ErrorBody, List};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

use crate::AppState;
use crate::extract::{Client, CurrentUser};

/// The webhook routes.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_events))
        .routes(routes!(list_endpoints, create_endpoint))
        .routes(routes!(update_endpoint, delete_endpoint))
        .routes(routes!(endpoint_secret))
        .routes(routes!(list_deliveries))
        .routes(routes!(redeliver))
        .routes(routes!(get_settings, put_settings))
}

/// The events there are, whichever tenant (public): the platform's, then those the apps
/// declare, named `{appId}.{event}`.
#[utoipa::path(get, path = "/api/webhooks/events", operation_id = "listWebhookEvents", tag = "webhooks", security(()),
    responses((status = 200, description = "The event types", body = List<EventType>)))]
async fn list_events(State(state): State<AppState>) -> Json<List<EventType>> {
    Json(List::complete(state.kernel.webhook_events()))
}

/// A new endpoint.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct CreateEndpointRequest {
    /// An `https://` URL on a public host, at most 2048 characters.
    #[schema(required = true, max_length = 2048)]
    url: String,
    /// What it is for, one line, at most 200 characters.
    #[schema(schema_with = lumiku_plugin::text::optional_one_line_schema::<200>)]
    description: Option<String>,
    /// The event types it takes (`GET /api/webhooks/events`), at least one; leave it out for
    /// every event.
    #[schema(min_items = 1)]
    events: Option<Vec<String>>,
}

/// An endpoint just made, with the secret its deliveries are signed with.
#[derive(Debug, Serialize, ToSchema)]
pub struct EndpointWithSecret {
    /// The endpoint.
    endpoint: Endpoint,
    /// `whsec_…`: verify each delivery's `webhook-signature` with it (Standard Webhooks).
    secret: String,
}

/// Adds an endpoint (owners and admins). The answer holds its signing secret.
#[utoipa::path(post, path = "/api/tenants/{id}/webhooks", operation_id = "createWebhookEndpoint", tag = "webhooks", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Tenant id")),
    request_body = CreateEndpointRequest,
    responses(
        (status = 201, description = "Added", body = EndpointWithSecret),
        (status = 403, description = "Only owners and admins manage webhooks", body = ErrorBody),
        (status = 409, description = "The tenant has 20 endpoints already", body = ErrorBody),
        (status = 422, description = "A URL that is not https or not public, or an unknown event", body = ErrorBody),
    ))]
async fn create_endpoint(
    State(state): State<AppState>,
    CurrentUser(caller): CurrentUser,
    Client(client): Client,
    Path(id): Path<Uuid>,
    Json(body): Json<CreateEndpointRequest>,
) -> Result<(StatusCode, Json<EndpointWithSecret>), ApiError> {
    let new = NewEndpoint {
        url: body.url,
        description: body.description,
        events: body.events,
    };
    let (endpoint, secret) = state
        .kernel
        .create_webhook_endpoint(&caller, id, new, &client)
        .await?;
    Ok((
        StatusCode::CREATED,
        Json(EndpointWithSecret { endpoint, secret }),
    ))
}

/// The tenant's endpoints, newest first (owners and admins).
#[utoipa::path(get, path = "/api/tenants/{id}/webhooks", operation_id = "listWebhookEndpoints", tag = "webhooks", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Tenant id")),
    responses(
        (status = 200, description = "The endpoints", body = List<Endpoint>),
        (status = 403, description = "Only owners and admins manage webhooks", body = ErrorBody),
    ))]
async fn list_endpoints(
    State(state): State<AppState>,
    CurrentUser(caller): CurrentUser,
    Path(id): Path<Uuid>,
) -> Result<Json<List<Endpoint>>, ApiError> {
    Ok(Json(List::complete(
        state.kernel.list_webhook_endpoints(&caller, id).await?,
    )))
}

/// A change to an endpoint; what is left out stays.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct UpdateEndpointRequest {
    /// A new URL.
    #[schema(max_length = 2048)]
    url: Option<String>,
    /// A new description; null removes it.
    #[serde(deserialize_with = "lumiku_plugin::extract::nullable")]
    #[schema(schema_with = lumiku_plugin::text::optional_one_line_schema::<200>)]
    description: Option<Option<String>>,
    /// New event types; null for every event.
    #[serde(deserialize_with = "lumiku_plugin::extract::nullable")]
    #[schema(value_type = Option<Vec<String>>, min_items = 1)]
    events: Option<Option<Vec<String>>>,
    /// Enabled or not. Enabling an endpoint the platform disabled clears its failures.
    enabled: Option<bool>,
}

/// Changes an endpoint (owners and admins).
#[utoipa::path(patch, path = "/api/tenants/{id}/webhooks/{endpointId}", operation_id = "updateWebhookEndpoint", tag = "webhooks", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Tenant id"), ("endpointId" = Uuid, Path, description = "Endpoint id")),
    request_body = UpdateEndpointRequest,
    responses(
        (status = 200, description = "Changed", body = Endpoint),
        (status = 403, description = "Only owners and admins manage webhooks", body = ErrorBody),
        (status = 422, description = "A URL that is not https or not public, or an unknown event", body = ErrorBody),
    ))]
async fn update_endpoint(
    State(state): State<AppState>,
    CurrentUser(caller): CurrentUser,
    Path((id, endpoint_id)): Path<(Uuid, Uuid)>,
    Json(body): Json<UpdateEndpointRequest>,
) -> Result<Json<Endpoint>, ApiError> {
    let patch = EndpointPatch {
        url: body.url,
        description: body.description,
        events: body.events,
        enabled: body.enabled,
    };
    Ok(Json(
        state
            .kernel
            .update_webhook_endpoint(&caller, id, endpoint_id, patch)
            .await?,
    ))
}

/// Removes an endpoint and its delivery log (owners and admins).
#[utoipa::path(delete, path = "/api/tenants/{id}/webhooks/{endpointId}", operation_id = "deleteWebhookEndpoint", tag = "webhooks", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Tenant id"), ("endpointId" = Uuid, Path, description = "Endpoint id")),
    responses(
        (status = 204, description = "Removed"),
        (status = 403, description = "Only owners and admins manage webhooks", body = ErrorBody),
    ))]
async fn delete_endpoint(
    State(state): State<AppState>,
    CurrentUser(caller): CurrentUser,
    Client(client): Client,
    Path((id, endpoint_id)): Path<(Uuid, Uuid)>,
) -> Result<StatusCode, ApiError> {
    state
        .kernel
        .delete_webhook_endpoint(&caller, id, endpoint_id, &client)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// An endpoint with its signing secret (owners and admins).
#[utoipa::path(get, path = "/api/tenants/{id}/webhooks/{endpointId}/secret", operation_id = "getWebhookEndpointSecret", tag = "webhooks", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Tenant id"), ("endpointId" = Uuid, Path, description = "Endpoint id")),
    responses(
        (status = 200, description = "The endpoint and its secret", body = EndpointWithSecret),
        (status = 403, description = "Only owners and admins manage webhooks", body = ErrorBody),
    ))]
async fn endpoint_secret(
    State(state): State<AppState>,
    CurrentUser(caller): CurrentUser,
    Path((id, endpoint_id)): Path<(Uuid, Uuid)>,
) -> Result<Json<EndpointWithSecret>, ApiError> {
    let (endpoint, secret) = state
        .kernel
        .webhook_endpoint_secret(&caller, id, endpoint_id)
        .await?;
    Ok(Json(EndpointWithSecret { endpoint, secret }))
}

/// Which page of deliveries.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[serde(default)]
#[into_params(parameter_in = Query)]
pub struct DeliveryQuery {
    /// The `nextCursor` of the previous page.
    before: Option<Uuid>,
    /// Page size, 1 to 200 (default 50).
    #[serde(deserialize_with = "lumiku_plugin::list::limit::<200, _>")]
    #[param(minimum = 1, maximum = 200)]
    limit: Option<u32>,
}

/// An endpoint's deliveries, newest first: each attempt's status, answer and error (owners and
/// admins).
#[utoipa::path(get, path = "/api/tenants/{id}/webhooks/{endpointId}/deliveries", operation_id = "listWebhookDeliveries", tag = "webhooks", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Tenant id"), ("endpointId" = Uuid, Path, description = "Endpoint id"), DeliveryQuery),
    responses(
        (status = 200, description = "A page of deliveries", body = List<Delivery>),
        (status = 403, description = "Only owners and admins manage webhooks", body = ErrorBody),
    ))]
async fn list_deliveries(
    State(state): State<AppState>,
    CurrentUser(caller): CurrentUser,
    Path((id, endpoint_id)): Path<(Uuid, Uuid)>,
    Query(query): Query<DeliveryQuery>,
) -> Result<Json<List<Delivery>>, ApiError> {
    let (deliveries, next) = state
        .kernel
        .list_webhook_deliveries(
            &caller,
            id,
            endpoint_id,
            query.before,
            i64::from(query.limit.unwrap_or(50)),
        )
        .await?;
    Ok(Json(List::page(deliveries, next)))
}

/// Sends a delivery's event to its endpoint again, as a new delivery (owners and admins).
#[utoipa::path(post, path = "/api/tenants/{id}/webhook-deliveries/{deliveryId}/redeliver", operation_id = "redeliverWebhook", tag = "webhooks", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Tenant id"), ("deliveryId" = Uuid, Path, description = "Delivery id")),
    responses(
        (status = 202, description = "Queued", body = Delivery),
        (status = 403, description = "Only owners and admins manage webhooks", body = ErrorBody),
        (status = 409, description = "The endpoint is disabled", body = ErrorBody),
    ))]
async fn redeliver(
    State(state): State<AppState>,
    CurrentUser(caller): CurrentUser,
    Path((id, delivery_id)): Path<(Uuid, Uuid)>,
) -> Result<(StatusCode, Json<Delivery>), ApiError> {
    let delivery = state
        .kernel
        .redeliver_webhook(&caller, id, delivery_id)
        .await?;
    Ok((StatusCode::ACCEPTED, Json(delivery)))
}

/// The tenant's webhook settings.
#[derive(Debug, Default, Serialize, Deserialize, ToSchema)]
#[serde(default, rename_all = "camelCase", deny_unknown_fields)]
pub struct WebhookSettings {
    /// `credits.low` is sent when a debit takes the wallet below this many credits (1 or
    /// more); null for never.
    #[schema(minimum = 1)]
    credits_low_threshold: Option<i64>,
}

/// The tenant's webhook settings (owners and admins).
#[utoipa::path(get, path = "/api/tenants/{id}/webhook-settings", operation_id = "getWebhookSettings", tag = "webhooks", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Tenant id")),
    responses(
        (status = 200, description = "The settings", body = WebhookSettings),
        (status = 403, description = "Only owners and admins manage webhooks", body = ErrorBody),
    ))]
async fn get_settings(
    State(state): State<AppState>,
    CurrentUser(caller): CurrentUser,
    Path(id): Path<Uuid>,
) -> Result<Json<WebhookSettings>, ApiError> {
    Ok(Json(WebhookSettings {
        credits_low_threshold: state.kernel.credits_low_threshold(&caller, id).await?,
    }))
}

/// Changes the tenant's webhook settings (owners and admins).
#[utoipa::path(put, path = "/api/tenants/{id}/webhook-settings", operation_id = "putWebhookSettings", tag = "webhooks", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Tenant id")),
    request_body = WebhookSettings,
    responses(
        (status = 200, description = "The settings", body = WebhookSettings),
        (status = 403, description = "Only owners and admins manage webhooks", body = ErrorBody),
    ))]
async fn put_settings(
    State(state): State<AppState>,
    CurrentUser(caller): CurrentUser,
    Path(id): Path<Uuid>,
    Json(body): Json<WebhookSettings>,
) -> Result<Json<WebhookSettings>, ApiError> {
    let threshold = state
        .kernel
        .set_credits_low_threshold(&caller, id, body.credits_low_threshold)
        .await?;
    Ok(Json(WebhookSettings {
        credits_low_threshold: threshold,
    }))
}
