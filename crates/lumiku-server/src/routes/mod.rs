//! The core HTTP routes, one module per resource. Each exposes `router()` listing its routes.

pub mod admin;
pub mod apps;
pub mod auth;
pub mod billing;
pub mod catalogue;
pub mod credits;
pub mod devices;
pub mod health;
pub mod payments;
pub mod tenants;

use utoipa::openapi::security::{Http, HttpAuthScheme, SecurityScheme};

/// Adds the bearer security scheme the protected operations refer to.
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
    }
}
