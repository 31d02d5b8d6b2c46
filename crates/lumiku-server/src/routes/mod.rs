//! The core HTTP routes, one module per resource. Each exposes `router()` listing its routes.

pub mod admin;
pub mod api_keys;
pub mod apps;
pub mod auth;
pub mod billing;
pub mod catalogue;
pub mod credits;
pub mod devices;
pub mod health;
pub mod payments;
pub mod tenants;
pub mod webhooks;

use utoipa::openapi::security::{ApiKey, ApiKeyValue, Http, HttpAuthScheme, SecurityScheme};

/// Adds the security schemes the protected operations refer to: the bearer token, and the
/// short-lived ticket a browser's realtime connection may carry in its query instead.
pub struct BearerAuth;

impl utoipa::Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(
                Http::builder()
                    .scheme(HttpAuthScheme::Bearer)
                    .bearer_format("JWT")
                    .build(),
            ),
        );
        components.add_security_scheme(
            "ticket",
            SecurityScheme::ApiKey(ApiKey::Query(ApiKeyValue::with_description(
                "ticket",
                "A short-lived ticket from `POST /api/realtime/ticket`, for a realtime connection",
            ))),
        );
    }
}
