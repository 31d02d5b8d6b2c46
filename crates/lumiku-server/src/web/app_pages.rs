//! Apps' pages, mounted at `/apps/{appId}` behind the same checks as their API: a signed-in
//! session (else the sign-in form), the app enabled and not coming soon, the role and the tier
//! allowed. A page's error answers come back as HTML error pages.

use std::sync::Arc;

use axum::Router;
use axum::extract::{FromRequestParts, Request, State};
use axum::http::header::CONTENT_TYPE;
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use lumiku_kernel::metering::check_app_rules;
use lumiku_plugin::context::Host;
use lumiku_plugin::page::PageRequest;
use lumiku_plugin::{Manifest, Plugin};

use super::{Chrome, PageError, WebSession, error_page};
use crate::AppState;
use crate::apps::check_app_open;

#[derive(Clone)]
struct PageGate {
    state: AppState,
    app: &'static Manifest,
    host: Arc<dyn Host>,
}

async fn page_gate(State(gate): State<PageGate>, req: Request, next: Next) -> Response {
    match open_page(&gate, req, next).await {
        Ok(response) => response,
        Err(error) => error.into_response(),
    }
}

async fn open_page(gate: &PageGate, req: Request, next: Next) -> Result<Response, PageError> {
    let (mut parts, body) = req.into_parts();
    let session = WebSession::from_request_parts(&mut parts, &gate.state).await?;
    check_app_open(&gate.state, gate.app).await?;
    let tier = gate
        .state
        .kernel
        .tenant_tier(session.access.tenant_id)
        .await?;
    check_app_rules(gate.app, session.access.role, tier)?;
    gate.state
        .kernel
        .installed_app(&session.caller, &session.access, gate.app.app_id)
        .await?;
    let caller = lumiku_plugin::context::AppCaller {
        user_id: session.caller.user_id,
        tenant_id: session.access.tenant_id,
        role: session.access.role,
        tier,
    };
    let chrome = Chrome::load(&gate.state, &session, "dashboard").await?;
    let mut req = Request::from_parts(parts, body);
    req.extensions_mut().insert(PageRequest::new(
        gate.app,
        caller,
        Arc::clone(&gate.host),
        Arc::new(chrome),
        session.csrf_token,
    ));
    let response = next.run(req).await;
    Ok(html_errors(response).await)
}

/// An app page that failed with the JSON error shape is shown as an error page instead.
async fn html_errors(response: Response) -> Response {
    let status = response.status();
    let is_json = response
        .headers()
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/json"));
    if !(status.is_client_error() || status.is_server_error()) || !is_json {
        return response;
    }
    let bytes = axum::body::to_bytes(response.into_body(), 64 * 1024)
        .await
        .unwrap_or_default();
    let message = serde_json::from_slice::<serde_json::Value>(&bytes)
        .ok()
        .and_then(|v| v["error"]["message"].as_str().map(str::to_owned))
        .unwrap_or_else(|| "This page could not be shown.".into());
    error_page(status, &message)
}

/// Every app's pages under `/apps/{appId}`, each behind its gate.
pub fn mount(apps: &[Arc<dyn Plugin>], state: &AppState) -> Router<AppState> {
    let mut router = Router::new();
    for app in apps {
        let Some(pages) = app.pages() else { continue };
        let manifest = app.manifest();
        let gate = PageGate {
            state: state.clone(),
            app: manifest,
            host: state.kernel.app_host(manifest),
        };
        let pages = pages.layer(middleware::from_fn_with_state(gate, page_gate));
        router = router.nest_service(&format!("/apps/{}", manifest.app_id), pages);
    }
    router
}
