//! The HTTP action: one request to the task's URL, through a client that resolves host names
//! itself and connects only to addresses the platform's outbound policy allows (checked on every
//! address a name answers, so DNS cannot point a checked name somewhere private), follows no
//! redirect, and keeps the first 4 KiB of the answer.

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use lumiku_plugin::outbound;

/// How much of the answer's body is kept.
pub const RESPONSE_KEPT: usize = 4096;

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
    let mut request = outbound::client(allow_private)
        .request(method, url)
        .timeout(timeout)
        .header(reqwest::header::USER_AGENT, "Lumiku-Task-Scheduler/1");
    for (name, value) in headers {
        request = request.header(name, value);
    }
    if let Some(body) = body {
        request = request.body(body.to_owned());
    }
    let response = match request.send().await {
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
    let (body, read_error) = outbound::read_start(response, RESPONSE_KEPT).await;
    let read_error = read_error.map(|e| timed_out(e, timeout));
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
    timed_out(outbound::describe(error), timeout)
}

/// `timed out` with how long the wait was.
fn timed_out(text: String, timeout: Duration) -> String {
    if text == "timed out" {
        format!("timed out after {} s", timeout.as_secs())
    } else {
        text
    }
}
