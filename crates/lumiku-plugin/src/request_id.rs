//! The id of the request being served, readable from anywhere inside its handler.
//!
//! The server's middleware scopes each request in [`scope`]; [`ApiError`](crate::ApiError) reads it
//! back with [`current`] so every error body names the request it answers.

use std::future::Future;
use std::sync::Arc;

/// The header a request id travels in, both ways.
pub const HEADER: &str = "x-request-id";

tokio::task_local! {
    static REQUEST_ID: Arc<str>;
}

/// Runs `fut` with `id` as the current request id.
pub async fn scope<F: Future>(id: Arc<str>, fut: F) -> F::Output {
    REQUEST_ID.scope(id, fut).await
}

/// The current request's id, if the caller runs inside [`scope`].
pub fn current() -> Option<Arc<str>> {
    REQUEST_ID.try_with(Arc::clone).ok()
}
