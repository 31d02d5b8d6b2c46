//! An app's pages in the web dashboard. An app that has pages returns them from
//! [`Plugin::pages`](crate::Plugin::pages); the kernel mounts them at `/apps/{appId}` behind the
//! same checks as its API (a signed-in browser session, the app enabled, the role and tier
//! allowed) and hands each handler a [`PageContext`]. The handler renders its own body and
//! [`PageContext::render`] puts it in the dashboard's frame (navigation, tenant, balance badge).
//!
//! Writes from a page go through the app's JSON API from the browser (the dashboard's script
//! sends the session's CSRF token), so a page's buttons are metered exactly like API calls. Mark
//! a form with `data-api="/api/apps/{appId}/..."` and `data-method`, and show each button's cost
//! from [`PageContext::cost`].

use std::sync::Arc;

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::response::Html;
use uuid::Uuid;

use crate::ApiError;
use crate::context::{AppCaller, Host};
use crate::manifest::Manifest;
use crate::role::{Permission, Role};
use crate::sql::Tx;

/// The dashboard's frame around a page, implemented by the server.
pub trait PageLayout: Send + Sync + 'static {
    /// The whole HTML document with `body` (already escaped HTML) as its content.
    fn render(&self, title: &str, body: &str) -> String;

    /// An inline SVG of Lucide icon `name` (a generic box for one the dashboard does not carry).
    fn icon(&self, name: &str) -> String;
}

/// What the kernel attaches to every page request it lets through to an app. Its fields are
/// private: an app reaches the kernel only through [`PageContext`].
#[derive(Clone)]
pub struct PageRequest {
    app: &'static Manifest,
    caller: AppCaller,
    host: Arc<dyn Host>,
    layout: Arc<dyn PageLayout>,
    csrf_token: String,
}

impl PageRequest {
    /// A page request to `app` by `caller`, served by `host` inside `layout`, with the session's
    /// CSRF token for plain forms (`<input type="hidden" name="_csrf">`). For the server.
    pub fn new(
        app: &'static Manifest,
        caller: AppCaller,
        host: Arc<dyn Host>,
        layout: Arc<dyn PageLayout>,
        csrf_token: String,
    ) -> Self {
        Self {
            app,
            caller,
            host,
            layout,
            csrf_token,
        }
    }
}

/// The caller, tenant and frame of an app page.
#[derive(Clone)]
pub struct PageContext(PageRequest);

impl<S: Send + Sync> FromRequestParts<S> for PageContext {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, ApiError> {
        parts
            .extensions
            .get::<PageRequest>()
            .cloned()
            .map(PageContext)
            .ok_or_else(|| {
                ApiError::internal(std::io::Error::other(
                    "a page extractor ran on a route the kernel did not mount",
                ))
            })
    }
}

impl PageContext {
    /// The tenant the page shows.
    pub fn tenant_id(&self) -> Uuid {
        self.0.caller.tenant_id
    }

    /// The signed-in user.
    pub fn user_id(&self) -> Uuid {
        self.0.caller.user_id
    }

    /// The user's role in the tenant.
    pub fn role(&self) -> Role {
        self.0.caller.role
    }

    /// Whether the role grants `permission` (hide what the user may not do).
    pub fn can(&self, permission: Permission) -> bool {
        self.0.caller.role.can(permission)
    }

    /// What `action` costs, from the manifest (0 for an action it does not price).
    pub fn cost(&self, action: &str) -> i64 {
        self.0.app.cost(action).unwrap_or(0)
    }

    /// The app's manifest.
    pub fn app(&self) -> &'static Manifest {
        self.0.app
    }

    /// The session's CSRF token.
    pub fn csrf_token(&self) -> &str {
        &self.0.csrf_token
    }

    /// A read transaction of the tenant, inside the app's wall.
    pub async fn read(&self) -> Result<Tx, ApiError> {
        let tx = self.0.host.read(self.0.caller.tenant_id).await?;
        Ok(Tx::walled(tx))
    }

    /// The tenant's members.
    pub async fn members(&self) -> Result<Vec<crate::context::Member>, ApiError> {
        let mut tx = self.0.host.read(self.0.caller.tenant_id).await?;
        self.0.host.members(&mut tx).await
    }

    /// The tenant's blobs stored by this app (see [`crate::blobs`]).
    pub fn blobs(&self) -> crate::blobs::Blobs {
        crate::blobs::Blobs::new(std::sync::Arc::clone(&self.0.host), self.0.caller.tenant_id)
    }

    /// The platform's data about the tenant that the app declares (see [`crate::platform`]).
    pub fn platform(&self) -> crate::platform::Platform {
        crate::platform::Platform::new(std::sync::Arc::clone(&self.0.host), self.0.caller.tenant_id)
    }

    /// The tenant's subscription tier.
    pub fn tier(&self) -> crate::Tier {
        self.0.caller.tier
    }

    /// An inline SVG of Lucide icon `name`, in the dashboard's style.
    pub fn icon(&self, name: &str) -> String {
        self.0.layout.icon(name)
    }

    /// `body` (escaped HTML) inside the dashboard's frame, titled `title`.
    pub fn render(&self, title: &str, body: &str) -> Html<String> {
        Html(self.0.layout.render(title, body))
    }
}
