//! The HTTP action: one request to the task's URL, through a client that resolves host names
//! itself and connects only to addresses the platform's outbound policy allows (checked on every
//! address a name answers, so DNS cannot point a checked name somewhere private), follows no
//! redirect, and keeps the first 4 KiB of the answer.

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::sync::{Arc, LazyLock};
use std::time::{Duration, Instant};

use lumiku_plugin::outbound;
use reqwest::dns::{Addrs, Name, Resolve, Resolving};

/// How long one request may take, connection included.
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(30);
/// How much of the answer's body is kept.
pub const RESPONSE_KEPT: usize = 4096;

struct GuardedResolver {
    allow_private: bool,
}

impl Resolve for GuardedResolver {
    fn resolve(&self, name: Name) -> Resolving {
        let allow_private = self.allow_private;
        Box::pin(async move {
            let addrs: Vec<SocketAddr> =
                outbound::resolve(name.as_str(), 0, allow_private)
                    .await
                    .map_err(|e| Box::new(e) as Box<dyn std::error::Error + Send + Sync>)?;
            Ok(Box::new(addrs.into_iter()) as Addrs)
        })
    }
}

fn client(allow_private: bool) -> reqwest::Client {
    reqwest::Client::builder()
        .dns_resolver(Arc::new(GuardedResolver { allow_private }))
        .redirect(reqwest::redirect::Policy::none())
        .connect_timeout(Duration::from_secs(10))
        .timeout(REQUEST_TIMEOUT)
        .user_agent("Lumiku-Task-Scheduler/1")
        .build()
        .expect("the HTTP client builds")
}

static PUBLIC_ONLY: LazyLock<reqwest::Client> = LazyLock::new(|| client(false));
static ANY_ADDRESS: LazyLock<reqwest::Client> = LazyLock::new(|| client(true));

/// What a request came to.
#[derive(Debug)]
pub struct Answer {
    /// The status, when one came.
    pub status: Option<u16>,
    /// The start of the body.
    pub body: Option<String>,
    /// What went wrong (a non-2xx status included).
    pub error: Option<String>,
    /// Whether another attempt could go differently (a 5xx, 429, timeout or connection error).
    pub retryable: bool,
    /// How long it took.
    pub duration: Duration,
}

/// Sends the request.
pub async fn send(
    method: &str,
    url: &str,
    headers: &BTreeMap<String, String>,
    body: Option<&str>,
    timeout: Duration,
    allow_private: bool,
) -> Answer {
    let started = Instant::now();
    let refused = |error: String| Answer {
        status: None,
        body: None,
        error: Some(error),
        retryable: false,
        duration: started.elapsed(),
    };
    // A literal address never reaches the resolver: check it here.
    match outbound::check_url(url) {
        Ok((host, _)) => {
            if let Err(e) = outbound::check_host(&host, allow_private) {
                return refused(e.to_string());
            }
        }
        Err(e) => return refused(e.to_string()),
    }
    let Ok(method) = reqwest::Method::from_bytes(method.as_bytes()) else {
        return refused(format!("'{method}' is not an HTTP method"));
    };
    let client = if allow_private {
        &*ANY_ADDRESS
    } else {
        &*PUBLIC_ONLY
    };
    let mut request = client.request(method, url).timeout(timeout);
    for (name, value) in headers {
        request = request.header(name, value);
    }
    if let Some(body) = body {
        request = request.body(body.to_owned());
    }
    let mut response = match request.send().await {
        Ok(response) => response,
        Err(error) => {
            let text = describe(&error, timeout);
            let policy = text.contains("outbound requests may not reach");
            return Answer {
                status: None,
                body: None,
                error: Some(text),
                retryable: !policy,
                duration: started.elapsed(),
            };
        }
    };
    let status = response.status();
    let mut kept = Vec::new();
    let mut read_error = None;
    while kept.len() < RESPONSE_KEPT {
        match response.chunk().await {
            Ok(Some(chunk)) => kept.extend_from_slice(&chunk),
            Ok(None) => break,
            Err(error) => {
                read_error = Some(describe(&error, timeout));
                break;
            }
        }
    }
    kept.truncate(RESPONSE_KEPT);
    let body = String::from_utf8_lossy(&kept).into_owned();
    let error = if status.is_success() {
        read_error
    } else {
        Some(format!("answered {status}"))
    };
    Answer {
        status: Some(status.as_u16()),
        body: Some(body),
        retryable: error.is_some()
            && (status.is_server_error()
                || status == reqwest::StatusCode::TOO_MANY_REQUESTS
                || status.is_success()),
        error,
        duration: started.elapsed(),
    }
}

/// The error and its causes on one line.
fn describe(error: &reqwest::Error, timeout: Duration) -> String {
    if error.is_timeout() {
        return format!("timed out after {} s", timeout.as_secs());
    }
    let mut text = error.to_string();
    let mut source = std::error::Error::source(error);
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}
