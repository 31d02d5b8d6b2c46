//! The Lumiku app SDK: the contract between the kernel and the apps it hosts.
//!
//! An app depends on this crate and no other Lumiku crate. It gives the [`Plugin`] trait and its
//! [`Manifest`], the metered action and its answer ([`context`], [`charged`]), the tenant's
//! transaction inside the app's wall and its queries ([`sql`]), the one
//! error type every Lumiku response uses ([`ApiError`]), the extractors that turn bad input into
//! that error ([`extract`]), tenant roles ([`role`]) and the request id ([`request_id`]).
#![warn(missing_docs)]

extern crate self as lumiku_plugin;

pub mod blobs;
pub mod charged;
pub mod context;
pub mod error;
pub mod extract;
pub mod jobs;
pub mod list;
pub mod mail;
pub mod manifest;
pub mod outbound;
pub mod page;
pub mod platform;
pub mod plugin;
pub mod realtime;
pub mod request_id;
pub mod role;
pub mod sql;
pub mod text;

pub use blobs::{BlobInfo, Blobs, Disposition, PendingBlob, StorageUsage};
pub use charged::{Charged, IdempotencyKey, MeteredErrors};
pub use context::{Action, AppContext, Metered, Opened, PublicContext};
pub use error::{ApiError, ErrorBody, FieldErrors};
pub use jobs::{JobRun, JobTx, NewJob, Outcome, Schedule};
pub use list::List;
pub use mail::{Attachment, Mail};
pub use manifest::{Access, Dashboard, Features, Install, Manifest, Tier};
pub use page::PageContext;
pub use platform::{Platform, PlatformData};
pub use plugin::Plugin;
pub use realtime::Event;
pub use role::{Permission, Role};
pub use sql::Migration;
pub use sql::Tx;
