//! Liveness and readiness.

use axum::extract::State;
use axum::http::StatusCode;
use lumiku_kernel::Backend;
use lumiku_plugin::ApiError;
use lumiku_plugin::extract::Json;
use serde::Serialize;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::AppState;

/// The health routes.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(health))
        .routes(routes!(ready))
}

/// Liveness answer.
#[derive(Serialize, ToSchema)]
pub struct Health {
    /// Always `ok`.
    status: &'static str,
}

/// Readiness answer.
#[derive(Serialize, ToSchema)]
pub struct Ready {
    /// `ready`.
    status: &'static str,
    /// `sqlite` or `postgres`.
    database: &'static str,
}

/// The process is up.
#[utoipa::path(get, path = "/health", operation_id = "getHealth", tag = "health",
    responses((status = 200, description = "The process serves requests", body = Health)))]
async fn health() -> Json<Health> {
    Json(Health { status: "ok" })
}

/// The process can serve: its database answers.
#[utoipa::path(get, path = "/ready", operation_id = "getReadiness", tag = "health",
    responses(
        (status = 200, description = "The database answers", body = Ready),
        (status = 503, description = "The database does not answer", body = lumiku_plugin::ErrorBody),
    ))]
async fn ready(State(state): State<AppState>) -> Result<Json<Ready>, ApiError> {
    let db = state.kernel.db();
    db.ping().await.map_err(|e| {
        tracing::warn!(error = %e, "readiness check failed");
        ApiError::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "not_ready",
            "The database does not answer",
        )
    })?;
    let database = match db.backend() {
        Backend::Sqlite => "sqlite",
        Backend::Postgres => "postgres",
    };
    Ok(Json(Ready {
        status: "ready",
        database,
    }))
}
