//! What a metered route answers: the app's body with the charge added, and the errors every
//! metered route shares, documented once.

use std::collections::BTreeMap;

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use serde_json::Value;
use utoipa::openapi::schema::{ObjectBuilder, Type};
use utoipa::openapi::{ContentBuilder, Ref, RefOr, ResponseBuilder};
use utoipa::{IntoResponses, ToSchema};

/// A metered action's answer: the app's body with `creditUsed` (what the action cost) and
/// `creditBalance` (the tenant's balance after it) added.
// Made by `Metered::finish`; a route documents it as its success body (`body = Charged<Body>`).
// This doc comment is the schema's description in the OpenAPI document: no Rust in it.
#[derive(Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Charged<T> {
    /// The app's answer.
    #[serde(flatten)]
    body: T,
    /// Credits this action cost.
    credit_used: i64,
    /// The tenant's balance after it.
    credit_balance: i64,
    /// The status answered.
    #[serde(skip)]
    status: StatusCode,
    /// The whole answer as JSON, as stored for replays.
    #[serde(skip)]
    json: Value,
}

impl<T> Charged<T> {
    /// The answer: `json` is `body` serialized with the charge's fields.
    pub(crate) fn new(status: StatusCode, body: T, cost: i64, balance: i64, json: Value) -> Self {
        Self {
            body,
            credit_used: cost,
            credit_balance: balance,
            status,
            json,
        }
    }

    /// The status answered.
    pub fn status(&self) -> StatusCode {
        self.status
    }

    /// The app's body.
    pub fn body(&self) -> &T {
        &self.body
    }
}

impl<T> IntoResponse for Charged<T> {
    fn into_response(self) -> Response {
        (self.status, axum::Json(self.json)).into_response()
    }
}

/// The error answers every metered route may give, for its `responses(...)`: 401, 402 (with
/// `required` and `current`), 403, 404, 409, 422 and 429, each an
/// [`ErrorBody`](crate::ErrorBody).
pub struct MeteredErrors;

/// The statuses of [`MeteredErrors`] and what each means on a metered route.
const METERED_ERRORS: &[(u16, &str)] = &[
    (401, "No valid access token or session"),
    (
        402,
        "Not enough credits (`required`, `current`); nothing was done or charged",
    ),
    (
        403,
        "The caller's role or the tenant's plan does not allow this action",
    ),
    (
        404,
        "No such app or resource in this tenant; nothing was charged",
    ),
    (
        409,
        "A request with this Idempotency-Key is still being processed",
    ),
    (
        422,
        "Invalid fields, or an Idempotency-Key reused with another request; nothing was charged",
    ),
    (429, "Too many requests; retry after `Retry-After` seconds"),
];

impl IntoResponses for MeteredErrors {
    fn responses() -> BTreeMap<String, RefOr<utoipa::openapi::response::Response>> {
        METERED_ERRORS
            .iter()
            .map(|(status, description)| {
                let response = ResponseBuilder::new()
                    .description(*description)
                    .content(
                        "application/json",
                        ContentBuilder::new()
                            .schema(Some(Ref::from_schema_name("ErrorBody")))
                            .build(),
                    )
                    .build();
                (status.to_string(), response.into())
            })
            .collect()
    }
}

/// The `Idempotency-Key` header a metered route accepts, for its `params(...)`.
pub struct IdempotencyKey;

impl utoipa::IntoParams for IdempotencyKey {
    fn into_params(
        _parameter_in_provider: impl Fn() -> Option<utoipa::openapi::path::ParameterIn>,
    ) -> Vec<utoipa::openapi::path::Parameter> {
        vec![
            utoipa::openapi::path::ParameterBuilder::new()
                .name("Idempotency-Key")
                .parameter_in(utoipa::openapi::path::ParameterIn::Header)
                .required(utoipa::openapi::Required::False)
                .description(Some(
                    "Makes a retry return the first answer and charge once (1 to 255 visible ASCII characters)",
                ))
                .schema(Some(
                    ObjectBuilder::new()
                        .schema_type(Type::String)
                        .min_length(Some(1))
                        .max_length(Some(255))
                        .pattern(Some("^[\\x21-\\x7E]+$")),
                ))
                .build(),
        ]
    }
}
