//! `GET /metrics`: the Prometheus exposition of what the server counts, for a bearer of
//! `metrics_token`. Off by default: without the token no recorder is installed, nothing is
//! counted, and the route does not exist.
//!
//! The kernel and the store count through the `metrics` facade (`lumiku_kernel::observe`); this
//! module installs the process's one recorder, counts each request by route template and status
//! with its latency, and reads the gauges (connections, the SQLite writer's queue, the WAL's
//! size) when scraped.

use std::sync::{Arc, OnceLock};
use std::time::{Duration, Instant};

use axum::extract::{MatchedPath, Request, State};
use axum::http::{HeaderMap, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use lumiku_kernel::Kernel;
use lumiku_plugin::ApiError;
use metrics::{counter, gauge, histogram};
use metrics_exporter_prometheus::{Matcher, PrometheusBuilder, PrometheusHandle};

/// Requests by method, route template and status.
const REQUESTS: &str = "lumiku_http_requests_total";
/// Request latency in seconds by method and route template (until the response's head).
const DURATION: &str = "lumiku_http_request_duration_seconds";

/// Latency buckets, in seconds: 1 ms to 10 s.
const DURATION_BUCKETS: &[f64] = &[
    0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0,
];
/// Group-commit sizes.
const GROUP_BUCKETS: &[f64] = &[1.0, 2.0, 4.0, 8.0, 16.0, 32.0, 64.0, 128.0];

/// How often histograms' samples are folded into their buckets between scrapes.
const UPKEEP: Duration = Duration::from_secs(5);

/// The process's recorder: one per process (the `metrics` facade has one global recorder), shared
/// by every server built in it.
static RECORDER: OnceLock<PrometheusHandle> = OnceLock::new();

/// Installs the recorder (once per process) and answers its handle.
pub fn install() -> anyhow::Result<PrometheusHandle> {
    if let Some(handle) = RECORDER.get() {
        return Ok(handle.clone());
    }
    let recorder = PrometheusBuilder::new()
        .set_buckets_for_metric(Matcher::Full(DURATION.into()), DURATION_BUCKETS)?
        .set_buckets_for_metric(
            Matcher::Full(lumiku_kernel::observe::SQLITE_COMMIT_GROUP.into()),
            GROUP_BUCKETS,
        )?
        .build_recorder();
    let handle = recorder.handle();
    // Two servers built at once in one process: the first to install wins, the other uses it.
    if metrics::set_global_recorder(recorder).is_ok() {
        let _ = RECORDER.set(handle.clone());
        lumiku_kernel::observe::enable();
        describe();
        let upkeep = handle.clone();
        std::thread::Builder::new()
            .name("lumiku-metrics-upkeep".into())
            .spawn(move || {
                loop {
                    std::thread::sleep(UPKEEP);
                    upkeep.run_upkeep();
                }
            })?;
    }
    RECORDER
        .get()
        .cloned()
        .ok_or_else(|| anyhow::anyhow!("another metrics recorder is installed in this process"))
}

/// A metric's kind.
#[derive(Clone, Copy)]
enum Kind {
    Counter,
    Gauge,
    Histogram,
}

/// Every metric the server exposes, with its kind, unit and meaning (Prometheus's `# HELP`).
const METRICS: &[(&str, Kind, Option<metrics::Unit>, &str)] = {
    use Kind::*;
    use lumiku_kernel::observe;
    use metrics::Unit;
    &[
        (
            REQUESTS,
            Counter,
            None,
            "HTTP requests by method, route template and status",
        ),
        (
            DURATION,
            Histogram,
            Some(Unit::Seconds),
            "HTTP request latency by method and route template",
        ),
        (
            observe::METERED_ACTIONS,
            Counter,
            None,
            "Metered actions by app, action and outcome (charged, insufficient_credits, replayed)",
        ),
        (
            observe::CREDITS_CHARGED,
            Counter,
            None,
            "Credits charged by committed metered actions, by app and action",
        ),
        (
            observe::LOGINS,
            Counter,
            None,
            "Sign-in attempts by outcome (success, failure, limited)",
        ),
        (
            observe::PAYMENT_CALLBACKS,
            Counter,
            None,
            "Payment gateway callbacks by outcome",
        ),
        (
            observe::JOBS,
            Counter,
            None,
            "Background job runs by app and outcome",
        ),
        (
            observe::SQLITE_COMMIT_GROUP,
            Histogram,
            None,
            "SQLite write transactions committed together, per commit",
        ),
        (
            POOL,
            Gauge,
            None,
            "Database connections: the pool's limit and those in use",
        ),
        (
            WRITER_QUEUE,
            Gauge,
            None,
            "SQLite write transactions waiting for the writer",
        ),
        (
            WAL,
            Gauge,
            Some(Unit::Bytes),
            "Size of the SQLite write-ahead log",
        ),
        (
            REALTIME,
            Gauge,
            None,
            "Open realtime (WebSocket and SSE) connections on this node",
        ),
        (
            REALTIME_CUT_OFF,
            Counter,
            None,
            "Realtime connections closed because they fell behind",
        ),
    ]
};

const POOL: &str = "lumiku_db_pool_connections";
const WRITER_QUEUE: &str = "lumiku_sqlite_writer_queue";
const WAL: &str = "lumiku_sqlite_wal_bytes";
const REALTIME: &str = "lumiku_realtime_connections";
const REALTIME_CUT_OFF: &str = "lumiku_realtime_cut_off_total";

fn describe() {
    use metrics::{describe_counter, describe_gauge, describe_histogram};
    for &(name, kind, unit, help) in METRICS {
        match (kind, unit) {
            (Kind::Counter, Some(unit)) => describe_counter!(name, unit, help),
            (Kind::Counter, None) => describe_counter!(name, help),
            (Kind::Gauge, Some(unit)) => describe_gauge!(name, unit, help),
            (Kind::Gauge, None) => describe_gauge!(name, help),
            (Kind::Histogram, Some(unit)) => describe_histogram!(name, unit, help),
            (Kind::Histogram, None) => describe_histogram!(name, help),
        }
    }
}

/// What `/metrics` needs.
#[derive(Clone)]
pub struct Metrics {
    handle: PrometheusHandle,
    token: Arc<str>,
    kernel: Arc<Kernel>,
}

impl Metrics {
    /// The route's state, with the recorder installed.
    pub fn new(token: &str, kernel: Arc<Kernel>) -> anyhow::Result<Self> {
        Ok(Self {
            handle: install()?,
            token: token.into(),
            kernel,
        })
    }
}

/// `GET /metrics`: refused (401, with `WWW-Authenticate`) without the token.
pub async fn scrape(State(metrics): State<Metrics>, headers: HeaderMap) -> Response {
    use subtle::ConstantTimeEq as _;
    let given = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .unwrap_or("");
    if !bool::from(given.trim().as_bytes().ct_eq(metrics.token.as_bytes())) {
        let mut response = ApiError::new(
            StatusCode::UNAUTHORIZED,
            "unauthorized",
            "The metrics token is missing or wrong",
        )
        .into_response();
        response.headers_mut().insert(
            header::WWW_AUTHENTICATE,
            header::HeaderValue::from_static("Bearer realm=\"metrics\""),
        );
        return response;
    }
    let db = metrics.kernel.db().stats();
    gauge!(POOL, "state" => "limit").set(db.pool_size);
    gauge!(POOL, "state" => "in_use").set(db.pool_in_use);
    if let Some(queue) = db.writer_queue {
        gauge!(WRITER_QUEUE).set(queue as f64);
    }
    if let Some(wal) = db.wal_bytes {
        gauge!(WAL).set(wal as f64);
    }
    let hub = metrics.kernel.realtime().stats();
    gauge!(REALTIME).set(hub.connections as f64);
    counter!(REALTIME_CUT_OFF).absolute(hub.cut_off);
    (
        [(
            header::CONTENT_TYPE,
            "text/plain; version=0.0.4; charset=utf-8",
        )],
        metrics.handle.render(),
    )
        .into_response()
}

/// Counts each request by method, route template and status, with its latency (when `on`).
pub async fn count_requests(State(on): State<bool>, req: Request, next: Next) -> Response {
    if !on {
        return next.run(req).await;
    }
    let started = Instant::now();
    let method = method_label(req.method());
    let route = req
        .extensions()
        .get::<MatchedPath>()
        .map_or_else(|| "unmatched".to_owned(), |p| p.as_str().to_owned());
    let response = next.run(req).await;
    let status = response.status().as_u16().to_string();
    histogram!(DURATION, "method" => method, "route" => route.clone())
        .record(started.elapsed().as_secs_f64());
    counter!(REQUESTS, "method" => method, "route" => route, "status" => status).increment(1);
    response
}

/// The method as a label: the standard ones by name, any other as `other` (a client may send
/// any token as a method, and each would be a series of its own).
fn method_label(method: &Method) -> &'static str {
    match *method {
        Method::GET => "GET",
        Method::POST => "POST",
        Method::PUT => "PUT",
        Method::PATCH => "PATCH",
        Method::DELETE => "DELETE",
        Method::HEAD => "HEAD",
        Method::OPTIONS => "OPTIONS",
        _ => "other",
    }
}

#[cfg(test)]
mod tests {
    /// Every metric the Grafana dashboard in `deploy/` queries is one the server exposes.
    #[test]
    fn the_dashboard_queries_only_metrics_that_exist() {
        let dashboard = include_str!("../../../deploy/grafana/lumiku.json");
        let _: serde_json::Value = serde_json::from_str(dashboard).expect("the dashboard is JSON");
        let mut queried = 0;
        for (at, _) in dashboard.match_indices("lumiku_") {
            let name: String = dashboard[at..]
                .chars()
                .take_while(|c| c.is_ascii_lowercase() || *c == '_')
                .collect();
            let base = ["_bucket", "_sum", "_count"]
                .iter()
                .find_map(|suffix| name.strip_suffix(suffix))
                .unwrap_or(&name);
            assert!(
                super::METRICS.iter().any(|(metric, ..)| *metric == base),
                "the dashboard queries {name}, which the server does not expose"
            );
            queried += 1;
        }
        assert!(queried >= 13, "only {queried} queries found");
    }
}
