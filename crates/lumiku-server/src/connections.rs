//! Accepting and serving connections (HTTP/1.1) so that idle or slow clients cannot use up the
//! process's file descriptors.
//!
//! - A connection must send a request's headers within `header_timeout`, and that includes the
//!   wait for the next request on a kept-alive connection: an idle or header-trickling socket is
//!   closed.
//! - At most `max_connections` are served at once. Past that, a small overflow of connections is
//!   still taken, each with a one-second header timeout: a health check or a real user arriving
//!   during a flood of idle sockets sends its request at once and is answered, while the idle
//!   ones in the overflow are closed within the second. Past the overflow, a new connection is
//!   closed as soon as it is accepted, so the descriptor table never fills.
//! - On shutdown, every connection finishes the request in flight and closes; the server waits
//!   for them up to `drain_timeout`.

use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::extract::ConnectInfo;
use hyper::body::Incoming;
use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::net::TcpListener;
use tokio::sync::{OwnedSemaphorePermit, Semaphore, watch};
use tower::ServiceExt as _;

/// How many connections are served at once, and how long they may stay silent.
#[derive(Debug, Clone, Copy)]
pub struct ConnectionLimits {
    /// Connections served at once (besides the overflow).
    pub max_connections: usize,
    /// The time a connection has to send a request's headers, idle keep-alive included.
    pub header_timeout: Duration,
    /// How long shutdown waits for connections to finish.
    pub drain_timeout: Duration,
}

/// Connections taken past `max_connections`, each with [`OVERFLOW_HEADER_TIMEOUT`].
pub const OVERFLOW: usize = 64;
/// The header timeout of a connection in the overflow.
pub const OVERFLOW_HEADER_TIMEOUT: Duration = Duration::from_secs(1);
/// Descriptors kept free for the database, files and the overflow when the cap is derived from
/// the process's limit.
const RESERVED_DESCRIPTORS: usize = 128 + OVERFLOW;

/// The connection cap for this process: `configured` if not 0, else what the open-files limit
/// leaves after [`RESERVED_DESCRIPTORS`] (at least 16; 10,000 where the limit cannot be read).
pub fn connection_cap(configured: usize) -> usize {
    if configured > 0 {
        return configured;
    }
    open_files_limit().map_or(10_000, |limit| {
        limit.saturating_sub(RESERVED_DESCRIPTORS).max(16)
    })
}

/// The soft limit on open files, from `/proc/self/limits` (Linux).
fn open_files_limit() -> Option<usize> {
    let limits = std::fs::read_to_string("/proc/self/limits").ok()?;
    let line = limits.lines().find(|l| l.starts_with("Max open files"))?;
    line.split_whitespace().nth(3)?.parse().ok()
}

/// Serves `router` on `listener` until `shutdown` resolves, then drains.
pub async fn serve(
    listener: TcpListener,
    router: Router,
    limits: ConnectionLimits,
    shutdown: impl Future<Output = ()> + Send + 'static,
) {
    let regular = Arc::new(Semaphore::new(limits.max_connections.max(1)));
    let overflow = Arc::new(Semaphore::new(OVERFLOW));
    let (stop, stopping) = watch::channel(false);
    tokio::pin!(shutdown);
    loop {
        let (stream, remote) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(pair) => pair,
                Err(error) => {
                    // Out of descriptors, or the peer gave up: wait a moment, not a second.
                    tracing::warn!(%error, "accepting a connection failed");
                    tokio::time::sleep(Duration::from_millis(10)).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        let (slot, header_timeout) = match Arc::clone(&regular).try_acquire_owned() {
            Ok(slot) => (slot, limits.header_timeout),
            Err(_) => match Arc::clone(&overflow).try_acquire_owned() {
                Ok(slot) => (slot, OVERFLOW_HEADER_TIMEOUT.min(limits.header_timeout)),
                Err(_) => {
                    tracing::debug!(%remote, "connection refused: at the connection cap");
                    continue; // dropping the stream closes it
                }
            },
        };
        let _ = stream.set_nodelay(true);
        tokio::spawn(serve_connection(
            stream,
            remote,
            router.clone(),
            header_timeout,
            slot,
            stopping.clone(),
        ));
    }
    drop(listener);
    let _ = stop.send(true);
    // Every connection holds a permit until it ends: having them all back means all are done.
    let all = u32::try_from(limits.max_connections.max(1)).unwrap_or(u32::MAX);
    let drained = async {
        let _ = regular.acquire_many(all).await;
        let _ = overflow.acquire_many(OVERFLOW as u32).await;
    };
    if tokio::time::timeout(limits.drain_timeout, drained)
        .await
        .is_err()
    {
        tracing::warn!("connections still open at the end of the drain; closing them");
    }
}

/// A connection's place under the cap, shared with its requests: an upgraded connection (a
/// WebSocket) keeps it for as long as it lives, after the HTTP connection has handed it over.
#[derive(Clone)]
pub struct ConnectionSlot(#[allow(dead_code)] Arc<OwnedSemaphorePermit>);

async fn serve_connection(
    stream: tokio::net::TcpStream,
    remote: SocketAddr,
    router: Router,
    header_timeout: Duration,
    slot: OwnedSemaphorePermit,
    mut stopping: watch::Receiver<bool>,
) {
    let slot = ConnectionSlot(Arc::new(slot));
    let service = hyper::service::service_fn(move |mut request: hyper::Request<Incoming>| {
        request.extensions_mut().insert(ConnectInfo(remote));
        request.extensions_mut().insert(slot.clone());
        router.clone().oneshot(request)
    });
    let connection = hyper::server::conn::http1::Builder::new()
        .timer(TokioTimer::new())
        .header_read_timeout(header_timeout)
        .serve_connection(TokioIo::new(stream), service)
        .with_upgrades();
    tokio::pin!(connection);
    tokio::select! {
        served = connection.as_mut() => {
            if let Err(error) = served {
                tracing::debug!(%remote, %error, "connection ended");
            }
        }
        () = async { let _ = stopping.wait_for(|stop| *stop).await; } => {
            connection.as_mut().graceful_shutdown();
            let _ = connection.await;
        }
    }
}
