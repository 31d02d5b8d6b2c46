//! The kernel's error: the facts a caller can act on, plus one bucket for everything else.
//! `From<Error> for ApiError` below is the one place a kernel fact becomes an HTTP status.

use lumiku_plugin::{ApiError, FieldErrors};

/// A kernel operation's failure.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The input broke a rule; field → messages.
    #[error("invalid input: {0:?}")]
    Invalid(FieldErrors),
    /// Wrong email or password (deliberately not saying which).
    #[error("invalid email or password")]
    InvalidCredentials,
    /// The access or refresh token is missing, malformed, expired or revoked.
    #[error("invalid or expired token")]
    InvalidToken,
    /// A spent refresh token was presented again; its session has been revoked.
    #[error("refresh token reused")]
    RefreshTokenReused,
    /// The caller may not do this.
    #[error("forbidden: {0}")]
    Forbidden(&'static str),
    /// No such thing, or one the caller may not know about.
    #[error("{0} not found")]
    NotFound(&'static str),
    /// The change conflicts with what is stored (duplicate, last owner, ...).
    #[error("conflict: {message}")]
    Conflict {
        /// Stable snake_case code.
        code: &'static str,
        /// Human-readable sentence.
        message: &'static str,
    },
    /// The wallet cannot pay `required` credits; it holds `current`.
    #[error("insufficient credits: {required} required, {current} available")]
    InsufficientCredits {
        /// What the action costs.
        required: i64,
        /// What the wallet holds.
        current: i64,
    },
    /// An `Idempotency-Key` was reused with a different request.
    #[error("idempotency key reused with a different request")]
    IdempotencyKeyReused,
    /// The payment gateway failed or refused; the message says how (for the log and the caller).
    #[error("payment gateway: {0}")]
    Gateway(String),
    /// A payment callback was refused (and audited); nothing changed.
    #[error("payment callback refused: {}", .0.code())]
    CallbackRejected(CallbackRejection),
    /// The app is not installed in the tenant.
    #[error("app not installed")]
    NotInstalled,
    /// Too many attempts; retry after this many seconds.
    #[error("rate limited for {0} s")]
    RateLimited(u64),
    /// Too much work at once (password hashing): retry after this many seconds.
    #[error("busy; retry in {0} s")]
    Busy(u64),
    /// Storage failed.
    #[error("database error")]
    Database(#[from] lumiku_store::Error),
    /// Anything else that went wrong inside.
    #[error(transparent)]
    Internal(#[from] anyhow::Error),
}

/// Kernel result.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Why a callback was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CallbackRejection {
    /// The merchant code or signature is not ours.
    InvalidSignature,
    /// No payment has this order id.
    UnknownOrder,
    /// The amount differs from the payment's.
    AmountMismatch,
    /// The callback says paid but the gateway's status call does not (yet) confirm it.
    Unconfirmed,
    /// A field holds U+0000 (no gateway sends it, and it could not be stored), or the order id is
    /// longer than any we issue.
    Malformed,
    /// A field the callback must carry is missing or empty.
    MissingField,
}

impl CallbackRejection {
    /// Stable snake_case code.
    pub fn code(self) -> &'static str {
        match self {
            Self::InvalidSignature => "invalid_signature",
            Self::UnknownOrder => "unknown_order",
            Self::AmountMismatch => "amount_mismatch",
            Self::Unconfirmed => "payment_not_confirmed",
            Self::Malformed => "malformed_callback",
            Self::MissingField => "missing_field",
        }
    }
}

impl Error {
    /// A single-field validation error.
    pub fn invalid(field: &str, message: impl Into<String>) -> Self {
        Error::Invalid(FieldErrors::from([(
            field.to_owned(),
            vec![message.into()],
        )]))
    }
}

impl From<Error> for ApiError {
    fn from(error: Error) -> Self {
        match error {
            Error::Invalid(fields) => ApiError::validation(fields),
            Error::InvalidCredentials => {
                ApiError::unauthorized("invalid_credentials", "Invalid email or password")
            }
            Error::InvalidToken => {
                ApiError::unauthorized("invalid_token", "Missing, invalid or expired token")
            }
            Error::RefreshTokenReused => ApiError::unauthorized(
                "refresh_token_reused",
                "This refresh token was already used; the session has been ended",
            ),
            Error::Forbidden(message) => ApiError::forbidden(message),
            Error::NotFound(what) => ApiError::not_found(format!("{what} not found")),
            Error::Conflict { code, message } => ApiError::conflict(code, message),
            Error::RateLimited(secs) => ApiError::rate_limited(secs),
            Error::Busy(secs) => ApiError::busy(secs),
            Error::NotInstalled => not_installed(),
            Error::IdempotencyKeyReused => ApiError::new(
                axum::http::StatusCode::UNPROCESSABLE_ENTITY,
                "idempotency_key_reused",
                "This Idempotency-Key was used for a different request",
            ),
            Error::InsufficientCredits { required, current } => {
                ApiError::insufficient_credits(required, current)
            }
            Error::Gateway(message) => {
                tracing::warn!(%message, "payment gateway error");
                ApiError::new(
                    axum::http::StatusCode::BAD_GATEWAY,
                    "payment_gateway_error",
                    "The payment gateway could not take the payment; try again shortly",
                )
            }
            Error::CallbackRejected(rejection) => {
                use CallbackRejection::*;
                let (status, message) = match rejection {
                    InvalidSignature => (
                        axum::http::StatusCode::FORBIDDEN,
                        "The callback's merchant code or signature is not valid",
                    ),
                    UnknownOrder => (
                        axum::http::StatusCode::NOT_FOUND,
                        "No payment has this merchantOrderId",
                    ),
                    AmountMismatch => (
                        axum::http::StatusCode::UNPROCESSABLE_ENTITY,
                        "The callback's amount differs from the payment's",
                    ),
                    Unconfirmed => (
                        axum::http::StatusCode::CONFLICT,
                        "The gateway does not confirm this payment as paid",
                    ),
                    Malformed => (
                        axum::http::StatusCode::BAD_REQUEST,
                        "A field of the callback is malformed",
                    ),
                    MissingField => (
                        axum::http::StatusCode::BAD_REQUEST,
                        "A field the callback must carry is missing",
                    ),
                };
                ApiError::new(status, rejection.code(), message)
            }
            Error::Database(e) => ApiError::internal(e),
            // anyhow's box hides its outermost error from a walk of the sources: look first.
            Error::Internal(e) if e.chain().any(lumiku_store::is_unavailable_cause) => {
                ApiError::database_unavailable().with_source(e.into_boxed_dyn_error())
            }
            Error::Internal(e) => ApiError::internal(e.into_boxed_dyn_error()),
        }
    }
}

/// The answer for an app the tenant has not installed.
pub fn not_installed() -> ApiError {
    ApiError::new(
        axum::http::StatusCode::NOT_FOUND,
        "app_not_installed",
        "This app is not installed in this tenant; an owner or admin can install it from the catalogue",
    )
}
