//! The one error type of every Lumiku HTTP response.
//!
//! Body: `{"error": {"code": "...", "message": "...", "requestId": "...", ...details}}`. The code is
//! stable snake_case for programs, the message is for people, details carry what a client can act on
//! (`required`/`current` on 402, `fields` on 422). A 5xx body never carries internal text: the cause
//! is logged with the request's span instead.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::fmt;

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use serde_json::{Map, Value};

/// Boxed cause of an internal error, kept for the log and never sent to the client.
pub type BoxError = Box<dyn std::error::Error + Send + Sync + 'static>;

/// Field name → messages, the detail of a 422.
pub type FieldErrors = BTreeMap<String, Vec<String>>;

/// An error answered to an HTTP client. Build one with the constructor named after its status.
pub struct ApiError {
    status: StatusCode,
    code: Cow<'static, str>,
    message: Cow<'static, str>,
    details: Map<String, Value>,
    retry_after_secs: Option<u64>,
    source: Option<BoxError>,
}

/// The JSON shape of an error response, as documented in the OpenAPI document.
#[derive(Serialize, utoipa::ToSchema)]
pub struct ErrorBody {
    /// The error itself.
    pub error: ErrorDetail,
}

/// The inside of [`ErrorBody`].
#[derive(Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ErrorDetail {
    /// Stable machine-readable code, e.g. `invalid_credentials`.
    pub code: String,
    /// Human-readable sentence.
    pub message: String,
    /// The id of the request, as in the `x-request-id` response header.
    pub request_id: Option<String>,
    /// Per-field messages on a 422 `validation_failed`.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<schema::FieldErrors>)]
    pub fields: Option<FieldErrors>,
    /// On a 402: the credits the action costs.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub required: Option<i64>,
    /// On a 402: the tenant's balance.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub current: Option<i64>,
    /// On a 429: seconds to wait, as in the `Retry-After` header.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub retry_after: Option<u64>,
}

/// Types that exist only to be documented.
mod schema {
    use std::collections::BTreeMap;

    /// Field name (a JSON path into the body, `lines[0].description`) to its messages.
    #[derive(utoipa::ToSchema)]
    #[allow(dead_code)]
    pub struct FieldErrors(BTreeMap<String, Vec<String>>);
}

impl ApiError {
    /// An error with any status and code; prefer the named constructors.
    pub fn new(
        status: StatusCode,
        code: impl Into<Cow<'static, str>>,
        message: impl Into<Cow<'static, str>>,
    ) -> Self {
        Self {
            status,
            code: code.into(),
            message: message.into(),
            details: Map::new(),
            retry_after_secs: None,
            source: None,
        }
    }

    /// 400: the request could not be read (malformed JSON, a bad path or query parameter).
    pub fn bad_request(code: &'static str, message: impl Into<Cow<'static, str>>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, code, message)
    }

    /// 401: no valid credentials; answered with `WWW-Authenticate: Bearer`.
    pub fn unauthorized(code: &'static str, message: impl Into<Cow<'static, str>>) -> Self {
        Self::new(StatusCode::UNAUTHORIZED, code, message)
    }

    /// 402: the tenant's wallet cannot pay for the action.
    pub fn insufficient_credits(required: i64, current: i64) -> Self {
        Self::new(
            StatusCode::PAYMENT_REQUIRED,
            "insufficient_credits",
            "Not enough credits for this action",
        )
        .with_detail("required", required)
        .with_detail("current", current)
    }

    /// 403: authenticated, but not allowed to do this.
    pub fn forbidden(message: impl Into<Cow<'static, str>>) -> Self {
        Self::new(StatusCode::FORBIDDEN, "forbidden", message)
    }

    /// 404: no such resource, or one the caller may not know exists.
    pub fn not_found(message: impl Into<Cow<'static, str>>) -> Self {
        Self::new(StatusCode::NOT_FOUND, "not_found", message)
    }

    /// 409: the request conflicts with the current state.
    pub fn conflict(code: &'static str, message: impl Into<Cow<'static, str>>) -> Self {
        Self::new(StatusCode::CONFLICT, code, message)
    }

    /// 422: the body was well-formed but its values are not acceptable; `fields` says which.
    pub fn validation(fields: FieldErrors) -> Self {
        let mut error = Self::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation_failed",
            "Some fields are not valid",
        );
        error.details.insert(
            "fields".into(),
            serde_json::to_value(fields).unwrap_or_default(),
        );
        error
    }

    /// 422 for a single field.
    pub fn invalid_field(field: &str, message: impl Into<String>) -> Self {
        Self::validation(FieldErrors::from([(
            field.to_owned(),
            vec![message.into()],
        )]))
    }

    /// 429: too many attempts; answered with `Retry-After`.
    pub fn rate_limited(retry_after_secs: u64) -> Self {
        let mut error = Self::new(
            StatusCode::TOO_MANY_REQUESTS,
            "rate_limited",
            "Too many attempts, try again later",
        )
        .with_detail("retryAfter", retry_after_secs);
        error.retry_after_secs = Some(retry_after_secs);
        error
    }

    /// 413: the request body is over the size limit (announced, or found while reading it).
    pub fn payload_too_large() -> Self {
        Self::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "payload_too_large",
            "The request body is too large",
        )
    }

    /// 503: the server has too much of this work at once; answered with `Retry-After`.
    pub fn busy(retry_after_secs: u64) -> Self {
        let mut error = Self::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "busy",
            "The server is busy, try again in a moment",
        )
        .with_detail("retryAfter", retry_after_secs);
        error.retry_after_secs = Some(retry_after_secs);
        error
    }

    /// 500: something failed inside. The cause is logged, the client only sees the request id.
    /// A cause that is (or wraps) the database being out of reach answers 503 instead
    /// ([`ApiError::database_unavailable`]): nothing is wrong with the request, and it may be
    /// retried.
    pub fn internal(source: impl Into<BoxError>) -> Self {
        let source = source.into();
        if lumiku_store::is_unavailable_cause(source.as_ref()) {
            return Self::database_unavailable().with_source(source);
        }
        let mut error = Self::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal_error",
            "Something went wrong on our side",
        );
        error.source = Some(source);
        error
    }

    /// 503: the database cannot be reached now (down, restarting, out of connections); answered
    /// with `Retry-After`. A cut during a commit leaves the outcome unknown: a retry with the
    /// same `Idempotency-Key` finds out.
    pub fn database_unavailable() -> Self {
        let mut error = Self::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "database_unavailable",
            "The database cannot be reached right now; try again shortly (a metered action \
             with the same Idempotency-Key is never done twice)",
        )
        .with_detail("retryAfter", DATABASE_RETRY_AFTER_SECS);
        error.retry_after_secs = Some(DATABASE_RETRY_AFTER_SECS);
        error
    }

    /// Keeps `source` as the cause, for the log (a 503 from a service that failed, say).
    pub fn with_source(mut self, source: impl Into<BoxError>) -> Self {
        self.source = Some(source.into());
        self
    }

    /// Adds a detail field to the error object.
    pub fn with_detail(mut self, key: &str, value: impl Serialize) -> Self {
        self.details.insert(
            key.to_owned(),
            serde_json::to_value(value).unwrap_or_default(),
        );
        self
    }

    /// The HTTP status this error answers with.
    pub fn status(&self) -> StatusCode {
        self.status
    }

    /// The stable machine-readable code.
    pub fn code(&self) -> &str {
        &self.code
    }

    /// The human-readable message.
    pub fn message(&self) -> &str {
        &self.message
    }
}

impl fmt::Debug for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} {}: {}",
            self.status.as_u16(),
            self.code,
            self.message
        )?;
        if let Some(source) = &self.source {
            write!(f, ": {source}")?;
            let mut cause = source.source();
            while let Some(inner) = cause {
                write!(f, ": {inner}")?;
                cause = inner.source();
            }
        }
        Ok(())
    }
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for ApiError {}

/// When a client should try again after the database was out of reach.
const DATABASE_RETRY_AFTER_SECS: u64 = 5;

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        if self.code == "database_unavailable" {
            // An outage the operator must see, with its cause.
            tracing::error!(error = ?self, "the database cannot be reached");
        } else if self.status == StatusCode::SERVICE_UNAVAILABLE {
            // Load shed on purpose (Retry-After says when): worth a warning, not an error each.
            tracing::warn!(code = %self.code, "request shed");
        } else if self.status.is_server_error() {
            tracing::error!(error = ?self, "request failed");
        }
        let request_id = crate::request_id::current();
        let mut error = Map::with_capacity(self.details.len() + 3);
        error.insert("code".into(), Value::String(self.code.into_owned()));
        error.insert("message".into(), Value::String(self.message.into_owned()));
        error.insert(
            "requestId".into(),
            request_id.map_or(Value::Null, |id| Value::String(id.to_string())),
        );
        error.extend(self.details);
        let body = serde_json::json!({ "error": error });

        let mut response = (self.status, axum::Json(body)).into_response();
        let headers = response.headers_mut();
        if self.status == StatusCode::UNAUTHORIZED {
            headers.insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
        }
        if let Some(secs) = self.retry_after_secs {
            headers.insert(header::RETRY_AFTER, HeaderValue::from(secs));
        }
        response
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn error_body_carries_code_message_request_id_and_details() {
        let response = crate::request_id::scope("req-1".into(), async {
            ApiError::insufficient_credits(5, 2).into_response()
        })
        .await;
        assert_eq!(response.status(), StatusCode::PAYMENT_REQUIRED);
        let bytes = axum::body::to_bytes(response.into_body(), 1 << 16)
            .await
            .unwrap();
        let body: Value = serde_json::from_slice(&bytes).unwrap();
        assert_eq!(body["error"]["code"], "insufficient_credits");
        assert_eq!(body["error"]["requestId"], "req-1");
        assert_eq!(body["error"]["required"], 5);
        assert_eq!(body["error"]["current"], 2);
    }

    #[test]
    fn internal_error_keeps_its_cause_out_of_the_message() {
        let error = ApiError::internal(std::io::Error::other("disk on fire"));
        assert_eq!(error.to_string(), "Something went wrong on our side");
        assert!(format!("{error:?}").contains("disk on fire"));
    }
}
