//! Mounting apps: each app's routes go under its prefix behind the gate that enforces its
//! registry state and access rules, and the kernel's side of the metered action ([`KernelHost`]).

use std::sync::Arc;

use axum::extract::{Request, State};
use axum::http::StatusCode;
use axum::middleware::{self, Next};
use axum::response::Response;
use lumiku_kernel::Kernel;
use lumiku_kernel::credits::{self, UsageRecord};
use lumiku_kernel::db::Tx;
use lumiku_kernel::registry::{self, Claim};
use lumiku_plugin::context::{
    AppCaller, BoxFuture, ChargeRequest, Completion, Host, Opening, RequestContext,
};
use lumiku_plugin::{ApiError, Manifest, Plugin, Tier};
use utoipa_axum::router::OpenApiRouter;
use uuid::Uuid;

use crate::AppState;
use crate::extract::{RequestTenant, credential};

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

/// Refuses an app that is disabled (404, as if it did not exist) or coming soon (403). Read from
/// the registry on every request, so an administrator's change reaches every node at once.
pub(crate) async fn check_app_open(state: &AppState, app: &Manifest) -> Result<(), ApiError> {
    let record = state
        .kernel
        .app_record(app.app_id)
        .await?
        .filter(|r| r.enabled)
        .ok_or_else(|| ApiError::not_found("No such app"))?;
    if record.coming_soon {
        return Err(ApiError::new(
            StatusCode::FORBIDDEN,
            "app_coming_soon",
            "This app is coming soon",
        ));
    }
    Ok(())
}

/// Checks the caller's role and the tenant's subscription tier against the app's access rules.
pub(crate) async fn check_app_access(
    state: &AppState,
    app: &Manifest,
    tenant: &RequestTenant,
) -> Result<AppCaller, ApiError> {
    let access = app.access;
    if !access.allowed_roles.contains(&tenant.access.role) {
        return Err(ApiError::forbidden(
            "your role in this tenant cannot use this app",
        ));
    }
    let needed = access.min_subscription_tier.unwrap_or(Tier::Free);
    let tier = state.kernel.tenant_tier(tenant.access.tenant_id).await?;
    if tier < needed || (access.requires_subscription && tier == Tier::Free) {
        return Err(ApiError::new(
            StatusCode::FORBIDDEN,
            "subscription_required",
            format!("This app needs the {} plan or higher", needed.as_str()),
        )
        .with_detail("requiredTier", needed)
        .with_detail("currentTier", tier));
    }
    Ok(AppCaller {
        user_id: tenant.caller.user_id,
        tenant_id: tenant.access.tenant_id,
        role: tenant.access.role,
    })
}

/// Checks the app's registry state and access rules before any of its handlers runs, and hands
/// the handler its [`RequestContext`].
async fn gate(
    State(gate): State<Gate>,
    mut req: Request,
    next: Next,
) -> Result<Response, ApiError> {
    check_app_open(&gate.state, gate.app).await?;
    let caller = if gate.app.access.requires_auth {
        let (mut parts, body) = req.into_parts();
        if credential(&parts).is_none() {
            return Err(ApiError::unauthorized(
                "missing_token",
                "Send an access token as Authorization: Bearer <token>",
            ));
        }
        let tenant =
            <RequestTenant as axum::extract::FromRequestParts<AppState>>::from_request_parts(
                &mut parts,
                &gate.state,
            )
            .await?;
        req = Request::from_parts(parts, body);
        Some(check_app_access(&gate.state, gate.app, &tenant).await?)
    } else {
        None
    };
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
