//! Lumiku's HTTP house: it opens the database, builds the kernel, mounts the core routes behind
//! the shared middleware, and serves them with the OpenAPI document generated from the same code.

pub mod apps;
pub mod config;
pub mod connections;
pub mod contract;
pub mod extract;
pub mod icons;
pub mod limits;
pub mod mail;
pub mod pages;
pub mod prometheus;
pub mod realtime;
pub mod routes;
pub mod web;
pub mod worker;

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::extract::{DefaultBodyLimit, Request, State};
use axum::http::{HeaderName, HeaderValue, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use lumiku_kernel::{Db, DbOptions, Kernel};
use lumiku_plugin::{ApiError, Manifest, Plugin, request_id};
use tokio::net::TcpListener;
use tower::ServiceBuilder;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::trace::TraceLayer;
use utoipa::OpenApi as _;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub use config::Config;
use routes::BearerAuth;

/// What every handler shares: one allocation behind one reference count. axum clones the state
/// into every layer and handler a request passes through, so a clone is one atomic increment
/// rather than one per field.
#[derive(Clone)]
pub struct AppState(Arc<Shared>);

impl std::ops::Deref for AppState {
    type Target = Shared;

    fn deref(&self) -> &Shared {
        &self.0
    }
}

/// The parts of [`AppState`].
pub struct Shared {
    /// The kernel.
    pub kernel: Arc<Kernel>,
    /// The configuration it was built from.
    pub config: Arc<Config>,
    /// The manifests of the compiled-in apps.
    pub manifests: Arc<Vec<&'static Manifest>>,
    /// The ids of the apps that have pages in the dashboard.
    pub app_pages: Arc<Vec<&'static str>>,
    /// The compiled-in apps (realtime topics are theirs to authorize).
    pub apps: Arc<Vec<Arc<dyn Plugin>>>,
    /// The request-rate limiters.
    pub limits: Arc<limits::Limits>,
}

#[derive(utoipa::OpenApi)]
#[openapi(
    info(
        title = "Lumiku",
        description = "Credit-metered, multi-tenant SaaS mini-apps. Errors are always \
            `{\"error\": {\"code\", \"message\", \"requestId\", ...}}`."
    ),
    components(schemas(lumiku_plugin::ErrorBody)),
    modifiers(&BearerAuth),
    tags(
        (name = "health", description = "Liveness and readiness"),
        (name = "auth", description = "Accounts and sessions"),
        (name = "devices", description = "Where the user signs in from"),
        (name = "tenants", description = "Tenants, members, roles and the audit log"),
        (name = "api-keys", description = "A tenant's API keys, for calls from other servers"),
        (name = "webhooks", description = "Events sent to a tenant's endpoints, signed per Standard Webhooks"),
        (name = "credits", description = "Wallet, ledger and usage of the request's tenant"),
        (name = "billing", description = "Plans, credit packages, subscriptions and invoices"),
        (name = "payments", description = "Payments through the gateway, and its callback"),
        (name = "apps", description = "The apps a tenant can use"),
        (name = "admin", description = "Platform administration"),
        (name = "realtime", description = "Live events of the apps' topics, over WebSocket or SSE"),
        (name = "meta", description = "This document"),
    )
)]
struct ApiDoc;

/// The core's routes, each documented.
fn core_routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::with_openapi(ApiDoc::openapi())
        .merge(routes::health::router())
        .merge(routes::auth::router())
        .merge(routes::devices::router())
        .merge(routes::tenants::router())
        .merge(routes::api_keys::router())
        .merge(routes::webhooks::router())
        .merge(routes::credits::router())
        .merge(routes::billing::router())
        .merge(routes::payments::router())
        .merge(routes::apps::router())
        .merge(routes::catalogue::router())
        .merge(routes::admin::router())
        .merge(realtime::router())
        .routes(routes!(openapi_document))
}

/// Every API route, the core's and the apps'. Without `state` the apps' gates are left out.
pub fn api(apps: &[Arc<dyn Plugin>], state: Option<&AppState>) -> Router<AppState> {
    let (router, _) = core_routes()
        .merge(apps::mount(apps, state))
        .split_for_parts();
    router.merge(pages::router())
}

/// The OpenAPI document of the API with `apps` mounted, served from `server_url`, as the server
/// serves it and `lumiku openapi` prints it.
pub fn openapi(apps: &[Arc<dyn Plugin>], server_url: &str) -> serde_json::Value {
    contract::document(core_routes().split_for_parts().1, apps, server_url)
}

/// This OpenAPI 3.1 document.
#[utoipa::path(get, path = "/api/openapi.json", tag = "meta", operation_id = "getOpenApiDocument",
    responses((status = 200, description = "The OpenAPI 3.1 document", body = Object)))]
async fn openapi_document(
    axum::Extension(doc): axum::Extension<Arc<serde_json::Value>>,
) -> Response {
    lumiku_plugin::extract::Json(doc.as_ref().clone()).into_response()
}

/// A built server: the router and the kernel behind it.
pub struct Server {
    router: Router,
    kernel: Arc<Kernel>,
    workers: Option<Arc<worker::Workers>>,
    connection_limits: connections::ConnectionLimits,
    storage_sweep_interval_secs: u64,
    migrated: Migrated,
}

/// Brings the database up to date: checks the apps' manifests and migrations, runs the core's
/// migrations, then each app's, and registers each app (refusing an older version of one than the
/// database has run). Safe to run on every start and from several nodes at once.
pub async fn migrate(db: &Db, apps: &[Arc<dyn Plugin>]) -> anyhow::Result<Migrated> {
    apps::validate(apps)?;
    let core = lumiku_kernel::migrate(db).await?;
    let mut applied = core;
    for app in apps {
        let manifest = app.manifest();
        applied +=
            lumiku_kernel::registry::migrate_app(db, manifest.app_id, app.migrations()).await?;
        lumiku_kernel::registry::register_app(db, manifest).await?;
    }
    Ok(Migrated {
        applied,
        new_database: core == lumiku_kernel::MIGRATIONS.len(),
    })
}

/// What [`migrate`] did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Migrated {
    /// Migrations applied, the core's and the apps'.
    pub applied: usize,
    /// The database was empty: every core migration was applied now.
    pub new_database: bool,
}

impl Server {
    /// Checks the apps' manifests, opens and migrates the database (the core's tables, then each
    /// app's), registers the apps, builds the kernel and the router.
    pub async fn build(config: Config, apps: Vec<Arc<dyn Plugin>>) -> anyhow::Result<Self> {
        let settings = config.kernel_settings()?;
        if config.metrics_token()?.is_some() {
            prometheus::install()?;
        }
        config.ensure_data_dir()?;
        let db = Db::connect(&DbOptions {
            url: config.database_url(),
            max_connections: config.database_max_connections.max(1),
            sqlite_synchronous: config.sqlite_synchronous,
        })
        .await?;
        let migrated = migrate(&db, &apps).await?;
        let mut kernel = Kernel::new(db, settings)?;
        kernel.declare_app_webhook_events(apps.iter().map(|a| a.manifest()));
        let kernel = Arc::new(kernel);
        let state = AppState(Arc::new(Shared {
            limits: limits::Limits::new(&config),
            apps: Arc::new(apps.clone()),
            kernel: Arc::clone(&kernel),
            config: Arc::new(config),
            manifests: Arc::new(apps.iter().map(|a| a.manifest()).collect()),
            app_pages: Arc::new(
                apps.iter()
                    .filter(|a| a.pages().is_some())
                    .map(|a| a.manifest().app_id)
                    .collect(),
            ),
        }));
        worker::schedule_billing(
            &kernel,
            Duration::from_secs(state.config.billing_interval_secs),
        )
        .await?;
        let workers = (state.config.worker_pool_size > 0).then(|| {
            worker::Workers::new(Arc::clone(&kernel), &apps, state.config.worker_pool_size)
        });
        let connection_limits = connections::ConnectionLimits {
            max_connections: connections::connection_cap(state.config.max_connections),
            header_timeout: Duration::from_secs(state.config.header_timeout_secs.max(1)),
            drain_timeout: Duration::from_secs(30),
        };
        let storage_sweep_interval_secs = state.config.storage_sweep_interval_secs;
        tracing::info!(storage = kernel.storage().describe(), "blob storage");
        Ok(Self {
            migrated,
            storage_sweep_interval_secs,
            router: router(state, &apps),
            kernel,
            workers,
            connection_limits,
        })
    }

    /// What start-up's migration did (for the start-up banner).
    pub fn migrated(&self) -> Migrated {
        self.migrated
    }

    /// The kernel (for tests and the CLI).
    pub fn kernel(&self) -> &Arc<Kernel> {
        &self.kernel
    }

    /// The router, ready to serve.
    pub fn router(&self) -> Router {
        self.router.clone()
    }

    /// Serves on `listener` until `shutdown` resolves, then lets in-flight requests finish.
    pub async fn serve(
        self,
        listener: TcpListener,
        shutdown: impl Future<Output = ()> + Send + 'static,
    ) -> anyhow::Result<()> {
        let (stop, stopped) = tokio::sync::watch::channel(false);
        let listen_stop = stopped.clone();
        let sweep_stop = stopped.clone();
        let drain = self.connection_limits.drain_timeout;
        let workers = self
            .workers
            .map(|workers| tokio::spawn(workers.run(stopped, drain)));
        let hub = Arc::clone(self.kernel.realtime());
        let listening = tokio::spawn(Arc::clone(&hub).listen(listen_stop));
        let sweeping = worker::sweep_storage(
            Arc::clone(&self.kernel),
            Duration::from_secs(self.storage_sweep_interval_secs),
            sweep_stop,
        );
        if tokio::time::timeout(Duration::from_secs(10), hub.ready())
            .await
            .is_err()
        {
            tracing::warn!("realtime: not yet listening for other nodes' events; serving anyway");
        }
        let shutdown = async move {
            shutdown.await;
            // Realtime connections hold their slots: closing them lets the drain finish.
            hub.close_all("shutdown");
        };
        connections::serve(listener, self.router, self.connection_limits, shutdown).await;
        let _ = stop.send(true);
        if let Some(workers) = workers {
            let _ = workers.await;
        }
        let _ = listening.await;
        if let Some(sweeping) = sweeping {
            let _ = sweeping.await;
        }
        self.kernel.db().close().await;
        Ok(())
    }
}

/// Runs only the job workers (`lumiku worker`): migrates, builds the kernel, and runs `size`
/// workers over `apps`' jobs until `shutdown` resolves.
pub async fn run_workers(
    config: Config,
    apps: Vec<Arc<dyn Plugin>>,
    size: usize,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> anyhow::Result<()> {
    let settings = config.kernel_settings()?;
    config.ensure_data_dir()?;
    let db = Db::connect(&DbOptions {
        url: config.database_url(),
        max_connections: config.database_max_connections.max(1),
        sqlite_synchronous: config.sqlite_synchronous,
    })
    .await?;
    migrate(&db, &apps).await?;
    let mut kernel = Kernel::new(db, settings)?;
    kernel.declare_app_webhook_events(apps.iter().map(|a| a.manifest()));
    let kernel = Arc::new(kernel);
    worker::schedule_billing(&kernel, Duration::from_secs(config.billing_interval_secs)).await?;
    let (stop, stopped) = tokio::sync::watch::channel(false);
    let workers = worker::Workers::new(Arc::clone(&kernel), &apps, size);
    let running = tokio::spawn(workers.run(stopped, Duration::from_secs(30)));
    shutdown.await;
    let _ = stop.send(true);
    let _ = running.await;
    kernel.db().close().await;
    Ok(())
}

/// The whole application with its middleware, over `state`.
pub fn router(state: AppState, apps: &[Arc<dyn Plugin>]) -> Router {
    let streaming = StreamingRoutes::of(apps);
    let doc = Arc::new(openapi(apps, &state.config.public_url()));
    let api = api(apps, Some(&state)).merge(web::router(apps, &state));
    let request_id = HeaderName::from_static(request_id::HEADER);
    let trace = TraceLayer::new_for_http().make_span_with(|req: &Request| {
        let id = req
            .headers()
            .get(request_id::HEADER)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("");
        let span = match trace_id(req.headers()) {
            Some(trace_id) => tracing::info_span!("request", method = %req.method(),
                uri = %req.uri().path(), request_id = id, trace_id),
            None => tracing::info_span!("request", method = %req.method(),
                uri = %req.uri().path(), request_id = id),
        };
        // Exported spans continue the caller's trace (with no exporter installed, nothing does).
        #[cfg(feature = "otel")]
        {
            use tracing_opentelemetry::OpenTelemetrySpanExt as _;
            let parent = opentelemetry::global::get_text_map_propagator(|propagator| {
                propagator.extract(&opentelemetry_http::HeaderExtractor(req.headers()))
            });
            let _ = span.set_parent(parent);
        }
        span
    });
    let state_for_admins = state.clone();
    let state_config = Arc::clone(&state.config);
    let access_log_on = state.config.access_log;
    let scraper = state
        .config
        .metrics_token()
        .expect("the metrics token is checked at start-up")
        .map(|token| {
            prometheus::Metrics::new(token, Arc::clone(&state.kernel))
                .expect("the metrics recorder is installed at start-up")
        });
    let counting = scraper.is_some();
    let https = state.config.public_url().starts_with("https://");
    let api = match scraper {
        Some(scraper) => api.merge(
            Router::new()
                .route("/metrics", axum::routing::get(prometheus::scrape))
                .with_state(scraper),
        ),
        None => api,
    };
    let router = api
        .with_state(state)
        .layer(axum::Extension(Arc::clone(&doc)))
        .fallback(|| async { ApiError::not_found("No route matches this path") })
        .method_not_allowed_fallback(|| async {
            ApiError::new(
                StatusCode::METHOD_NOT_ALLOWED,
                "method_not_allowed",
                "This path does not take this method",
            )
        })
        .layer(DefaultBodyLimit::max(BODY_LIMIT))
        .layer(middleware::from_fn_with_state(
            state_for_admins.clone(),
            admins_first,
        ))
        .layer(middleware::from_fn_with_state(
            state_for_admins,
            limits::api_keys_and_limits,
        ))
        .layer(
            ServiceBuilder::new()
                .layer(SetRequestIdLayer::new(request_id.clone(), MakeRequestUuid))
                .layer(trace)
                .layer(middleware::from_fn_with_state(access_log_on, access_log))
                .layer(middleware::from_fn_with_state(
                    counting,
                    prometheus::count_requests,
                ))
                .layer(PropagateRequestIdLayer::new(request_id))
                .layer(middleware::from_fn(scope_request_id))
                .layer(middleware::from_fn_with_state(
                    streaming.clone(),
                    json_errors,
                ))
                .layer(CatchPanicLayer::custom(|_| {
                    ApiError::internal(std::io::Error::other("a handler panicked")).into_response()
                }))
                .layer(middleware::from_fn_with_state(streaming, request_timeout)),
        );
    let origins = state_config
        .cors_origins()
        .expect("the origins are checked at start-up");
    with_cors(with_security_headers(router, https), origins)
}

/// The headers a page on another origin may send, and read back.
const CORS_REQUEST_HEADERS: &[&str] = &[
    "authorization",
    "content-type",
    "idempotency-key",
    "x-tenant-id",
    "x-csrf-token",
];
const CORS_RESPONSE_HEADERS: &[&str] = &[
    request_id::HEADER,
    "idempotent-replayed",
    "retry-after",
    "ratelimit-limit",
    "ratelimit-remaining",
    "ratelimit-reset",
];

/// `router` answering cross-origin requests from `origins` only, credentials included; with no
/// origin, no CORS header at all (browsers then keep other sites' pages out).
fn with_cors(router: Router, origins: Vec<HeaderValue>) -> Router {
    use axum::http::Method;
    use tower_http::cors::{AllowOrigin, CorsLayer};
    if origins.is_empty() {
        return router;
    }
    let names = |names: &[&'static str]| -> Vec<HeaderName> {
        names.iter().copied().map(HeaderName::from_static).collect()
    };
    router.layer(
        CorsLayer::new()
            .allow_origin(AllowOrigin::list(origins))
            .allow_credentials(true)
            .allow_methods([
                Method::GET,
                Method::POST,
                Method::PUT,
                Method::PATCH,
                Method::DELETE,
            ])
            .allow_headers(names(CORS_REQUEST_HEADERS))
            .expose_headers(names(CORS_RESPONSE_HEADERS))
            .max_age(Duration::from_secs(600)),
    )
}

/// The content security policy of every answer: scripts, styles, fonts and requests from this
/// site only (no inline script or handler), images from it or `data:`, forms posting to it, and
/// no framing anywhere.
pub const CONTENT_SECURITY_POLICY: &str = "default-src 'self'; script-src 'self'; style-src 'self'; \
    img-src 'self' data:; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; \
    base-uri 'none'; object-src 'none'";

/// `router` with the headers every answer carries unless its handler set them: the content
/// security policy, `nosniff`, no framing for older browsers, the referrer kept to this site, and
/// (when the public URL is https) HSTS for a year.
fn with_security_headers(router: Router, https: bool) -> Router {
    use axum::http::header;
    let set = |name, value: &'static str| {
        SetResponseHeaderLayer::if_not_present(name, HeaderValue::from_static(value))
    };
    let router = router
        .layer(set(
            header::CONTENT_SECURITY_POLICY,
            CONTENT_SECURITY_POLICY,
        ))
        .layer(set(header::X_CONTENT_TYPE_OPTIONS, "nosniff"))
        .layer(set(header::X_FRAME_OPTIONS, "DENY"))
        .layer(set(header::REFERRER_POLICY, "same-origin"));
    if https {
        router.layer(set(header::STRICT_TRANSPORT_SECURITY, "max-age=31536000"))
    } else {
        router
    }
}

const ADMINS_ONLY: &str = "only platform administrators may use the administration API";

/// Refuses a request to `/api/admin/…` from anyone but a platform administrator before its route
/// reads anything (a body, a path, a query): a non-admin learns nothing of an admin route's shape
/// from a 422. The kernel checks again in each operation.
async fn admins_first(
    axum::extract::State(state): axum::extract::State<AppState>,
    req: Request,
    next: Next,
) -> Response {
    if !req.uri().path().starts_with("/api/admin/") {
        return next.run(req).await;
    }
    let (mut parts, body) = req.into_parts();
    let caller =
        <extract::CurrentUser as axum::extract::FromRequestParts<AppState>>::from_request_parts(
            &mut parts, &state,
        )
        .await;
    match caller {
        Ok(extract::CurrentUser(caller)) => match caller.require_admin(ADMINS_ONLY) {
            Ok(()) => next.run(Request::from_parts(parts, body)).await,
            Err(error) => ApiError::from(error).into_response(),
        },
        Err(error) => error.into_response(),
    }
}

/// Logs one line per request at INFO (`access_log`), inside the request's span (so with its
/// request id): the method, the route as declared (`/api/tenants/{id}`, never the path itself,
/// which may hold a share link's token), the status, how long the answer's head took, and the
/// tenant named by `X-Tenant-Id`.
/// The tenant of the API key a request was made with, which `limits` leaves on the response for
/// the access log.
#[derive(Debug, Clone, Copy)]
struct KeyTenant(uuid::Uuid);

async fn access_log(State(on): State<bool>, req: Request, next: Next) -> Response {
    if !on {
        return next.run(req).await;
    }
    let started = std::time::Instant::now();
    let method = req.method().clone();
    // A cheap clone (a shared string), not a copy of the template per request.
    let route = req
        .extensions()
        .get::<axum::extract::MatchedPath>()
        .cloned();
    let trace = trace_id(req.headers()).map(str::to_owned);
    let tenant = req
        .headers()
        .get("x-tenant-id")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| uuid::Uuid::parse_str(v.trim()).ok());
    let response = next.run(req).await;
    // An API key acts in its own tenant, whatever the headers say.
    let tenant = response
        .extensions()
        .get::<KeyTenant>()
        .map(|key| key.0)
        .or(tenant);
    let duration_ms = started.elapsed().as_secs_f64() * 1000.0;
    let status = response.status().as_u16();
    let route = route.as_ref().map_or("-", |p| p.as_str());
    let trace = trace.as_deref();
    match tenant {
        Some(tenant) => tracing::info!(
            target: "lumiku::access",
            %method, route, status, duration_ms, %tenant, trace_id = trace, "request"
        ),
        None => tracing::info!(
            target: "lumiku::access",
            %method, route, status, duration_ms, trace_id = trace, "request"
        ),
    }
    response
}

/// The trace id of a W3C `traceparent` header (`00-<trace id>-<parent id>-<flags>`, lowercase
/// hex), so that a request's log lines can be found under the trace a proxy or a caller started;
/// `None` when there is none or it is malformed (which the standard says to ignore).
fn trace_id(headers: &axum::http::HeaderMap) -> Option<&str> {
    let value = headers.get("traceparent")?.to_str().ok()?.trim();
    let mut parts = value.split('-');
    let (version, trace, parent, flags) =
        (parts.next()?, parts.next()?, parts.next()?, parts.next()?);
    let hex = |s: &str, len: usize| {
        s.len() == len
            && s.bytes()
                .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
    };
    let zero = |s: &str| s.bytes().all(|b| b == b'0');
    // Version ff is forbidden; a later version may add fields, which are ignored.
    let well_formed = hex(version, 2)
        && version != "ff"
        && (version != "00" || parts.next().is_none())
        && hex(trace, 32)
        && !zero(trace)
        && hex(parent, 16)
        && !zero(parent)
        && hex(flags, 2);
    well_formed.then_some(trace)
}

/// How long a request may take to be answered (its response's head), except a streaming upload.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(30);

/// Answers 408 to a request not answered within [`REQUEST_TIMEOUT`]. A streaming upload is let
/// through: it takes as long as its bytes take, and its handler cuts it off when it goes idle.
async fn request_timeout(
    State(streaming): State<StreamingRoutes>,
    req: Request,
    next: Next,
) -> Response {
    if streaming.matches(&req) {
        let mut response = next.run(req).await;
        // A refused upload (413 over the quota, say) is answered before its body has all come:
        // the rest will not be read, so the connection ends with this answer rather than be
        // reused by a client that would then find it closed under its next request.
        if !response.status().is_success() {
            response.headers_mut().insert(
                axum::http::header::CONNECTION,
                axum::http::HeaderValue::from_static("close"),
            );
        }
        return response;
    }
    match tokio::time::timeout(REQUEST_TIMEOUT, next.run(req)).await {
        Ok(response) => response,
        Err(_) => StatusCode::REQUEST_TIMEOUT.into_response(),
    }
}

/// The app routes whose bodies are streamed ([`Plugin::streaming_paths`]), as full paths split
/// into segments (`{name}` matching any one).
#[derive(Clone, Default)]
struct StreamingRoutes(Arc<Vec<Vec<String>>>);

impl StreamingRoutes {
    fn of(apps: &[Arc<dyn Plugin>]) -> Self {
        let routes = apps
            .iter()
            .flat_map(|app| {
                let prefix = app.manifest().route_prefix;
                app.streaming_paths().iter().map(move |path| {
                    format!("{prefix}{path}")
                        .split('/')
                        .map(str::to_owned)
                        .collect()
                })
            })
            .collect();
        Self(Arc::new(routes))
    }

    fn matches(&self, req: &Request) -> bool {
        use axum::http::Method;
        if self.0.is_empty() || !matches!(*req.method(), Method::POST | Method::PUT) {
            return false;
        }
        let segments: Vec<&str> = req.uri().path().split('/').collect();
        self.0.iter().any(|pattern| {
            pattern.len() == segments.len()
                && pattern.iter().zip(&segments).all(|(want, got)| {
                    want == got || (want.starts_with('{') && want.ends_with('}') && !got.is_empty())
                })
        })
    }
}

/// The largest request body accepted.
pub const BODY_LIMIT: usize = 1024 * 1024;

/// Refuses a body announced larger than [`BODY_LIMIT`] before reading it, and gives the error
/// shape to any error response produced without it: a layer's bare status (a timeout, say) or an
/// extractor's plain-text rejection (a chunked body found too large while it was read).
async fn json_errors(
    State(streaming): State<StreamingRoutes>,
    req: Request,
    next: Next,
) -> Response {
    let announced = req
        .headers()
        .get(axum::http::header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if announced.is_some_and(|len| len > BODY_LIMIT as u64) && !streaming.matches(&req) {
        return ApiError::payload_too_large().into_response();
    }
    let response = next.run(req).await;
    let status = response.status();
    let plain = response
        .headers()
        .get(axum::http::header::CONTENT_TYPE)
        .is_none_or(|v| v.as_bytes().starts_with(b"text/plain"));
    if !(status.is_client_error() || status.is_server_error()) || !plain {
        return response;
    }
    if status == StatusCode::PAYLOAD_TOO_LARGE {
        return ApiError::payload_too_large().into_response();
    }
    let code = status
        .canonical_reason()
        .unwrap_or("error")
        .to_lowercase()
        .replace(' ', "_");
    let message = status.canonical_reason().unwrap_or("Error");
    ApiError::new(status, code, message).into_response()
}

async fn scope_request_id(req: Request, next: Next) -> Response {
    let id: Arc<str> = req
        .headers()
        .get(request_id::HEADER)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .into();
    request_id::scope(id, next.run(req)).await
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_traceparent_gives_its_trace_id_and_a_bad_one_nothing() {
        let with = |value: &str| {
            let mut headers = axum::http::HeaderMap::new();
            headers.insert("traceparent", value.parse().unwrap());
            super::trace_id(&headers).map(str::to_owned)
        };
        let trace = "4bf92f3577b34da6a3ce929d0e0e4736";
        assert_eq!(
            with(&format!("00-{trace}-00f067aa0ba902b7-01")).as_deref(),
            Some(trace)
        );
        // A later version may carry more fields.
        assert_eq!(
            with(&format!("01-{trace}-00f067aa0ba902b7-00-more")).as_deref(),
            Some(trace)
        );
        for bad in [
            format!("00-{trace}-00f067aa0ba902b7-01-extra"),
            format!("ff-{trace}-00f067aa0ba902b7-01"),
            "00-00000000000000000000000000000000-00f067aa0ba902b7-01".to_owned(),
            format!("00-{trace}-0000000000000000-01"),
            format!("00-{}-00f067aa0ba902b7-01", trace.to_uppercase()),
            format!("00-{trace}-00f067aa0ba902b7"),
            "not a traceparent".to_owned(),
        ] {
            assert_eq!(with(&bad), None, "{bad}");
        }
    }
}
