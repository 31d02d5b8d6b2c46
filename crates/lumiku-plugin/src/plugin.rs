//! The trait an app implements, and its migrations.

use utoipa_axum::router::OpenApiRouter;

use crate::context::BoxFuture;
use crate::jobs::{JobRun, Outcome};
use crate::manifest::Manifest;
use crate::sql::Migration;
use crate::{ApiError, AppContext};

/// A Lumiku app: a manifest, routes, and the migrations of its own tables.
///
/// The kernel mounts [`Plugin::routes`] at the manifest's route prefix behind its access checks,
/// so a handler only runs for an enabled app, an authenticated caller (if required), a tenant the
/// caller belongs to, and a role the manifest allows. Handlers reach storage and credits through
/// the extractors in [`crate::context`].
pub trait Plugin: Send + Sync + 'static {
    /// The manifest.
    fn manifest(&self) -> &'static Manifest;

    /// The routes, with paths relative to the route prefix (`/projects`, not
    /// `/api/apps/project-manager/projects`), each documented with `#[utoipa::path]`.
    fn routes(&self) -> OpenApiRouter;

    /// The migrations creating and changing the app's own tables, whose names must start with
    /// [`Manifest::table_prefix`].
    fn migrations(&self) -> &'static [Migration];

    /// The app's pages in the web dashboard, with paths relative to `/apps/{appId}` (`/` is the
    /// app's home). See [`crate::page`]. None by default: the dashboard then shows the app's card
    /// without a page to open.
    fn pages(&self) -> Option<axum::Router> {
        None
    }

    /// Routes anyone may call, with no account (a public share link, say), mounted under
    /// `<route prefix>/public` while the app is enabled. Their handlers take a
    /// [`PublicContext`](crate::PublicContext), which names the tenant and charges nothing. None by
    /// default.
    fn public_routes(&self) -> Option<OpenApiRouter> {
        None
    }

    /// Paths (relative to the route prefix, `{name}` for a segment) of the app's `POST` and `PUT`
    /// routes that stream a large body ([`crate::blobs`]): the server lets their bodies past the
    /// JSON size limit and the request timeout, and the handler enforces the upload limit and
    /// an idle timeout instead. None by default.
    fn streaming_paths(&self) -> &'static [&'static str] {
        &[]
    }

    /// Columns of the app's tables kept out of a tenant's export (`GET /api/tenants/{id}/export`),
    /// as `(table, column)`: secrets such as link tokens and password hashes. Every other column
    /// of every table of the app is exported, for the tenant's rows. None by default.
    fn export_hidden(&self) -> &'static [(&'static str, &'static str)] {
        &[]
    }

    /// Statements that rebuild, from the app's rows, what it keeps beside them on `backend` (a
    /// full-text index on SQLite, which PostgreSQL keeps by itself in a generated column). `lumiku
    /// copy` runs them once every row has been copied to a database on that backend, which copies
    /// no virtual table. They must be safe to run again. None by default.
    fn rebuild_sql(&self, backend: crate::sql::Backend) -> &'static [&'static str] {
        let _ = backend;
        &[]
    }

    /// Runs one of the app's background jobs (see [`crate::jobs`]), dispatching on
    /// [`JobRun::kind`]. The answer is the run's outcome, unless the run already wrote it with
    /// [`JobTx::finish`](crate::jobs::JobTx::finish); an error is a failure worth retrying. By
    /// default the app runs no jobs.
    fn run_job(&self, run: JobRun) -> BoxFuture<'static, Result<Outcome, ApiError>> {
        crate::jobs::no_jobs(run)
    }

    /// Whether the caller of `context` may watch `topic` (the app's own name, without its id):
    /// `Ok` to allow, an error (404 is best: it tells nothing) to refuse. The kernel has already
    /// admitted the caller to the app in their tenant; events reach them only from that tenant.
    /// By default an app has no topics.
    fn authorize_topic(
        &self,
        context: AppContext,
        topic: String,
    ) -> BoxFuture<'static, Result<(), ApiError>> {
        let _ = context;
        Box::pin(async move {
            Err(ApiError::not_found(format!(
                "this app has no topic '{topic}'"
            )))
        })
    }
}
