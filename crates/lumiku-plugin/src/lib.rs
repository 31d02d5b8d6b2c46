//! The Lumiku app SDK: the contract between the kernel and the apps it hosts.
//!
//! An app depends on this crate alone. It gives the one error type every Lumiku response uses
//! ([`ApiError`]), the extractors that turn bad input into that error instead of axum's plain-text
//! rejections ([`extract`]), and the request id that ties a response to its log lines.
#![warn(missing_docs)]

pub mod error;
pub mod extract;
pub mod request_id;

pub use error::{ApiError, ErrorBody, FieldErrors};
