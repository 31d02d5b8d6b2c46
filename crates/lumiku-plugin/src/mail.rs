//! Outgoing e-mail: an app hands the platform a [`Mail`] and the platform sends it through the
//! SMTP server of its `smtp_url`, from its `mail_from` address.
//!
//! Sending takes a round trip to a mail server that may be slow or down, so an app sends from a
//! job ([`JobRun::send_mail`](crate::JobRun::send_mail)), queued with the action that pays for it,
//! never while it holds a transaction: the job retries a failure with a backoff. Before charging,
//! [`AppContext::mail_enabled`](crate::AppContext::mail_enabled) tells whether mail can be sent at
//! all.

use crate::ApiError;
use crate::context::BoxFuture;

/// A message to one recipient.
#[derive(Debug, Clone)]
pub struct Mail {
    /// The recipient's address (`name@example.com` or `Name <name@example.com>`).
    pub to: String,
    /// Where replies go (the tenant's own address, say); the platform's sender otherwise.
    pub reply_to: Option<String>,
    /// The subject line.
    pub subject: String,
    /// The plain-text body.
    pub text: String,
    /// Files attached to it.
    pub attachments: Vec<Attachment>,
}

/// A file attached to a [`Mail`].
#[derive(Debug, Clone)]
pub struct Attachment {
    /// The name the recipient sees.
    pub filename: String,
    /// Its media type (`application/pdf`).
    pub content_type: String,
    /// Its bytes.
    pub bytes: Vec<u8>,
}

/// What sends mail for the platform: implemented by the server over SMTP.
pub trait Transport: Send + Sync + 'static {
    /// Sends `mail`: 422 `invalid_recipient` for an address that is not one, 502 `mail_failed`
    /// when the mail server refused it or could not be reached.
    fn send(&self, mail: Mail) -> BoxFuture<'static, Result<(), ApiError>>;
}

/// 503 `mail_not_configured`: the platform has no SMTP server.
pub fn not_configured() -> ApiError {
    ApiError::new(
        axum::http::StatusCode::SERVICE_UNAVAILABLE,
        "mail_not_configured",
        "This server sends no e-mail: its operator has not set smtp_url",
    )
}
