//! Mounting apps: each app's routes go under its prefix behind the gate that admits a request
//! (the kernel's [`lumiku_kernel::metering`] decides) and hands the handler its context.

use std::sync::Arc;

use axum::extract::{Request, State};
use axum::http::StatusCode;
use axum::http::request::Parts;
use axum::middleware::{self, Next};
use axum::response::Response;
use lumiku_kernel::api_keys::ApiKeyIdentity;
use lumiku_kernel::metering::{Admission, check_app_state};
use lumiku_plugin::context::{AppCaller, Host, RequestContext};
use lumiku_plugin::{ApiError, Manifest, Plugin};
use utoipa_axum::router::OpenApiRouter;

use crate::AppState;
use crate::extract::{Credential, TenantChoice, check_csrf, credential};

#[derive(Clone)]
struct Gate {
    state: AppState,
    app: &'static Manifest,
    host: Arc<dyn Host>,
}

/// Refuses an app that is disabled or coming soon, reading its registry state now, so an
/// administrator's change reaches every node at once.
pub(crate) async fn check_app_open(state: &AppState, app: &Manifest) -> Result<(), ApiError> {
    let flags = state.kernel.app_flags(app.app_id).await?;
    check_app_state(flags.map(|f| (f.enabled, f.coming_soon)))
}

/// The app caller of an authenticated request, admitted by the kernel; a browser's cookie must
/// come with its session's CSRF token.
async fn authorize(
    state: &AppState,
    app: &Manifest,
    parts: &Parts,
    credential: Credential<'_>,
) -> Result<AppCaller, ApiError> {
    let cookie = matches!(credential, Credential::Cookie(_));
    let choice = TenantChoice::of(parts, cookie)?;
    let admission = Admission {
        credential,
        tenant: choice.requested(),
        falls_back: choice.falls_back(),
    };
    let admitted = state.kernel.admit(app, admission).await?;
    if cookie {
        check_csrf(parts, state, admitted.session_id)?;
    }
    Ok(admitted.caller)
}

/// Checks the app's registry state and access rules before any of its handlers runs, and hands
/// the handler its [`RequestContext`].
async fn gate(
    State(gate): State<Gate>,
    mut req: Request,
    next: Next,
) -> Result<Response, ApiError> {
    let (parts, body) = req.into_parts();
    let caller = match credential(&parts) {
        Some(credential) if gate.app.access.requires_auth => {
            let caller = authorize(&gate.state, gate.app, &parts, credential).await?;
            // A key made for some apps opens those only (after the gate: an app the tenant
            // does not have is a 404 whatever the key).
            if let Some(key) = parts.extensions.get::<ApiKeyIdentity>()
                && !key.allows_app(gate.app.app_id)
            {
                return Err(ApiError::new(
                    StatusCode::FORBIDDEN,
                    "app_not_allowed_for_key",
                    "This API key was made for other apps",
                ));
            }
            Some(caller)
        }
        _ => {
            // Unknown or disabled comes before "sign in", as if the app did not exist.
            check_app_open(&gate.state, gate.app).await?;
            if gate.app.access.requires_auth {
                return Err(ApiError::unauthorized(
                    "missing_token",
                    "Send an access token as Authorization: Bearer <token>",
                ));
            }
            None
        }
    };
    req = Request::from_parts(parts, body);
    req.extensions_mut().insert(RequestContext::new(
        gate.app,
        caller,
        Arc::clone(&gate.host),
    ));
    Ok(next.run(req).await)
}

/// Lets a request to an app's public routes through while the app is enabled, with a context
/// that has no caller: the handler names the tenant, and the kernel admits it only where the app
/// is installed.
async fn public_gate(
    State(gate): State<Gate>,
    mut req: Request,
    next: Next,
) -> Result<Response, ApiError> {
    check_app_open(&gate.state, gate.app).await?;
    req.extensions_mut()
        .insert(RequestContext::new(gate.app, None, Arc::clone(&gate.host)));
    Ok(next.run(req).await)
}

/// The routes of every app, each under its prefix and behind its gate.
pub fn mount(apps: &[Arc<dyn Plugin>], state: Option<&AppState>) -> OpenApiRouter<AppState> {
    let mut router = OpenApiRouter::new();
    for app in apps {
        let manifest = app.manifest();
        let mut routes = app.routes();
        let mut public = app
            .public_routes()
            .map(|public| OpenApiRouter::new().nest("/public", public));
        if let Some(state) = state {
            let gate_state = Gate {
                state: state.clone(),
                app: manifest,
                host: state.kernel.app_host(manifest),
            };
            public = public.map(|public| {
                public.layer(middleware::from_fn_with_state(
                    gate_state.clone(),
                    public_gate,
                ))
            });
            routes = routes.layer(middleware::from_fn_with_state(gate_state, gate));
        }
        if let Some(public) = public {
            routes = routes.merge(public);
        }
        router = router.nest(manifest.route_prefix, routes.with_state(()));
    }
    router
}

/// Checks manifests and migrations, refusing duplicates; the start-up gate for apps.
pub fn validate(apps: &[Arc<dyn Plugin>]) -> anyhow::Result<()> {
    let mut seen = std::collections::HashSet::new();
    for app in apps {
        let manifest = app.manifest();
        manifest.validate()?;
        anyhow::ensure!(
            seen.insert(manifest.app_id),
            "app '{}' is registered twice",
            manifest.app_id
        );
        lumiku_kernel::registry::check_migrations(manifest.app_id, app.migrations())?;
    }
    let ids: Vec<&str> = apps.iter().map(|a| a.manifest().app_id).collect();
    for id in &ids {
        let clashes = lumiku_kernel::registry::prefix_clashes(id, &ids);
        anyhow::ensure!(
            clashes.is_empty(),
            "app '{id}': {}; choose another app id",
            clashes.join("; ")
        );
    }
    Ok(())
}
