//! Mounting apps: each app's routes go under its prefix behind the gate that enforces its
//! registry state and access rules, and the kernel's side of the metered action ([`KernelHost`]).

use std::sync::Arc;

use axum::extract::{Request, State};
use axum::http::StatusCode;
use axum::http::request::Parts;
use axum::middleware::{self, Next};
use axum::response::Response;
use lumiku_kernel::Kernel;
use lumiku_kernel::credits::{self, UsageRecord};
use lumiku_kernel::db::Tx;
use lumiku_kernel::registry::{self, Claim};
use lumiku_plugin::context::{
    AppCaller, BoxFuture, ChargeRequest, Completion, Host, Opening, RequestContext,
};
use lumiku_plugin::{ApiError, Manifest, Plugin, Role, Tier};
use utoipa_axum::router::OpenApiRouter;
use uuid::Uuid;

use crate::AppState;
use crate::extract::{Credential, TenantChoice, check_csrf, credential};

/// The kernel's implementation of the SDK's [`Host`].
pub struct KernelHost {
    kernel: Arc<Kernel>,
}

impl KernelHost {
    /// A host over `kernel`.
    pub fn new(kernel: Arc<Kernel>) -> Self {
        Self { kernel }
    }
}

impl Host for KernelHost {
    fn begin(&self, tenant_id: Uuid) -> BoxFuture<'_, Result<Tx, ApiError>> {
        Box::pin(async move {
            self.kernel
                .db()
                .begin_tenant(tenant_id)
                .await
                .map_err(ApiError::internal)
        })
    }

    fn begin_read(&self, tenant_id: Uuid) -> BoxFuture<'_, Result<Tx, ApiError>> {
        Box::pin(async move {
            self.kernel
                .db()
                .begin_tenant_read(tenant_id)
                .await
                .map_err(ApiError::internal)
        })
    }

    fn open_charge<'a>(
        &'a self,
        tx: &'a mut Tx,
        charge: &'a ChargeRequest,
    ) -> BoxFuture<'a, Result<Opening, ApiError>> {
        Box::pin(async move {
            if let Some((key, hash)) = &charge.idempotency
                && let Claim::Replay { status, body } =
                    registry::claim_idempotency_key(tx, charge.tenant_id, key, hash).await?
            {
                return Ok(Opening::Replay { status, body });
            }
            let balance = if charge.cost > 0 {
                credits::move_balance(tx, charge.tenant_id, -charge.cost, lumiku_kernel::db::now())
                    .await?
            } else {
                credits::current_balance(tx, charge.tenant_id).await?
            };
            Ok(Opening::Charged { balance })
        })
    }

    fn complete_charge<'a>(
        &'a self,
        tx: &'a mut Tx,
        completion: Completion<'a>,
    ) -> BoxFuture<'a, Result<(), ApiError>> {
        Box::pin(async move {
            let charge = completion.charge;
            let usage = UsageRecord {
                tenant_id: charge.tenant_id,
                user_id: charge.user_id,
                app_id: charge.app_id,
                action: charge.action,
                credits: charge.cost,
                balance_after: completion.balance,
                metadata: completion.metadata,
            };
            credits::record_usage(tx, &usage).await?;
            if let Some((key, _)) = &charge.idempotency {
                registry::store_idempotent_response(
                    tx,
                    charge.tenant_id,
                    key,
                    completion.status,
                    completion.body,
                )
                .await?;
            }
            Ok(())
        })
    }
}

#[derive(Clone)]
struct Gate {
    state: AppState,
    app: &'static Manifest,
    host: Arc<dyn Host>,
}

/// Refuses an app that is disabled (404, as if it did not exist) or coming soon (403), given its
/// registry state (`None`: not registered).
fn check_app_state(state: Option<(bool, bool)>) -> Result<(), ApiError> {
    match state {
        Some((true, false)) => Ok(()),
        Some((true, true)) => Err(ApiError::new(
            StatusCode::FORBIDDEN,
            "app_coming_soon",
            "This app is coming soon",
        )),
        _ => Err(ApiError::not_found("No such app")),
    }
}

/// Refuses an app that is disabled or coming soon, reading its registry state now, so an
/// administrator's change reaches every node at once.
pub(crate) async fn check_app_open(state: &AppState, app: &Manifest) -> Result<(), ApiError> {
    let flags = state.kernel.app_flags(app.app_id).await?;
    check_app_state(flags.map(|f| (f.enabled, f.coming_soon)))
}

/// Checks the caller's role and the tenant's subscription tier against the app's access rules.
pub(crate) fn check_app_rules(app: &Manifest, role: Role, tier: Tier) -> Result<(), ApiError> {
    let access = app.access;
    if !access.allowed_roles.contains(&role) {
        return Err(ApiError::forbidden(
            "your role in this tenant cannot use this app",
        ));
    }
    let needed = access.min_subscription_tier.unwrap_or(Tier::Free);
    if tier < needed || (access.requires_subscription && tier == Tier::Free) {
        return Err(ApiError::new(
            StatusCode::FORBIDDEN,
            "subscription_required",
            format!("This app needs the {} plan or higher", needed.as_str()),
        )
        .with_detail("requiredTier", needed)
        .with_detail("currentTier", tier));
    }
    Ok(())
}

/// The app caller of an authenticated request: one query reads the session, the membership of
/// the requested tenant, the app's state and the tier (the hot path of every app request).
async fn authorize(
    state: &AppState,
    app: &Manifest,
    parts: &Parts,
    credential: Credential<'_>,
) -> Result<AppCaller, ApiError> {
    let choice = TenantChoice::of(parts, matches!(credential, Credential::Cookie(_)))?;
    let kernel = &state.kernel;
    let mut request = kernel
        .app_request(credential, choice.requested(), app.app_id)
        .await?;
    if let Credential::Cookie(_) = credential {
        check_csrf(parts, state, request.caller.session_id)?;
    }
    check_app_state(request.app)?;
    if request.access.is_none() && choice.falls_back() {
        request = kernel.app_request(credential, None, app.app_id).await?;
    }
    let access = request
        .access
        .ok_or_else(|| ApiError::not_found("tenant not found"))?;
    check_app_rules(app, access.role, request.tier)?;
    Ok(AppCaller {
        user_id: request.caller.user_id,
        tenant_id: access.tenant_id,
        role: access.role,
    })
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
            Some(authorize(&gate.state, gate.app, &parts, credential).await?)
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
    req.extensions_mut().insert(RequestContext {
        app: gate.app,
        caller,
        host: Arc::clone(&gate.host),
    });
    Ok(next.run(req).await)
}

/// The routes of every app, each under its prefix and behind its gate.
pub fn mount(apps: &[Arc<dyn Plugin>], state: Option<&AppState>) -> OpenApiRouter<AppState> {
    let mut router = OpenApiRouter::new();
    for app in apps {
        let manifest = app.manifest();
        let mut routes = app.routes();
        if let Some(state) = state {
            let gate_state = Gate {
                state: state.clone(),
                app: manifest,
                host: Arc::new(KernelHost::new(Arc::clone(&state.kernel))),
            };
            routes = routes.layer(middleware::from_fn_with_state(gate_state, gate));
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
        registry::check_migrations(manifest, app.migrations())?;
    }
    Ok(())
}
