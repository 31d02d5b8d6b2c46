//! API keys at the door, and the request rates the API allows.
//!
//! A request with an API key (`Authorization: Bearer lk_live_…`) is authenticated here, before
//! any route: the key's identity goes into the request's extensions, where the extractors find
//! it ([`crate::extract::credential`]), and its rate is counted in the key's token bucket. A
//! request with no credential at all is counted in its client IP's bucket. Every answer to a
//! counted request says where its bucket stands in `RateLimit-Limit`, `RateLimit-Remaining` and
//! `RateLimit-Reset` (seconds until the bucket is full again); a request over the limit is
//! answered 429 with `Retry-After`.
//!
//! Buckets live in each node's memory: with several nodes a client may make up to the limit on
//! each. That bounds bursts and abuse, which is what the limits are for; the wallet, not the
//! rate, is what keeps a tenant from spending more than it has.

use std::collections::HashMap;
use std::hash::Hash;
use std::sync::{Arc, Mutex};
#[cfg(test)]
use std::time::Duration;
use std::time::Instant;

use axum::extract::{Request, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, Method};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use lumiku_kernel::api_keys::{ApiKeyIdentity, is_api_key};
use lumiku_plugin::ApiError;
use uuid::Uuid;

use crate::AppState;
use crate::extract::{SESSION_COOKIE, bearer_token, client_ip, cookie};

/// A token bucket: `capacity` tokens, refilled at `capacity` per minute.
#[derive(Debug, Clone, Copy)]
struct Bucket {
    tokens: f64,
    at: Instant,
}

/// Where a bucket stands after a request took (or could not take) a token.
#[derive(Debug, Clone, Copy)]
pub struct Standing {
    limit: u32,
    remaining: u32,
    /// Seconds until the bucket is full again.
    reset: u64,
    /// When refused, seconds until a token is there.
    retry_after: Option<u64>,
}

impl Standing {
    /// Writes the `RateLimit-*` headers (and `Retry-After` on a refusal) into `headers`.
    fn write(&self, headers: &mut HeaderMap) {
        headers.insert("ratelimit-limit", HeaderValue::from(self.limit));
        headers.insert("ratelimit-remaining", HeaderValue::from(self.remaining));
        headers.insert("ratelimit-reset", HeaderValue::from(self.reset));
        if let Some(retry_after) = self.retry_after {
            headers.insert(
                axum::http::header::RETRY_AFTER,
                HeaderValue::from(retry_after),
            );
        }
    }
}

/// Token buckets by key, at `per_minute` requests a minute in bursts of as many.
#[derive(Debug)]
pub struct Buckets<K> {
    per_minute: u32,
    buckets: Mutex<HashMap<K, Bucket>>,
}

/// How many buckets a limiter keeps before it forgets the full ones (a full bucket is the same
/// as none).
const PRUNE_ABOVE: usize = 10_000;

impl<K: Eq + Hash + Clone> Buckets<K> {
    /// Buckets of `per_minute` (0: no limit, every request passes uncounted).
    pub fn new(per_minute: u32) -> Self {
        Self {
            per_minute,
            buckets: Mutex::new(HashMap::new()),
        }
    }

    /// Takes a token from `key`'s bucket at `now`; `None` when there is no limit.
    pub fn take(&self, key: &K, now: Instant) -> Option<Standing> {
        if self.per_minute == 0 {
            return None;
        }
        let capacity = f64::from(self.per_minute);
        let per_second = capacity / 60.0;
        let mut buckets = self.buckets.lock().unwrap_or_else(|e| e.into_inner());
        if buckets.len() > PRUNE_ABOVE {
            buckets.retain(|_, b| {
                b.tokens + now.saturating_duration_since(b.at).as_secs_f64() * per_second < capacity
            });
        }
        let bucket = buckets.entry(key.clone()).or_insert(Bucket {
            tokens: capacity,
            at: now,
        });
        let elapsed = now.saturating_duration_since(bucket.at).as_secs_f64();
        bucket.tokens = (bucket.tokens + elapsed * per_second).min(capacity);
        bucket.at = now;
        let allowed = bucket.tokens >= 1.0;
        if allowed {
            bucket.tokens -= 1.0;
        }
        let missing = capacity - bucket.tokens;
        Some(Standing {
            limit: self.per_minute,
            remaining: bucket.tokens.floor() as u32,
            reset: (missing / per_second).ceil() as u64,
            retry_after: (!allowed).then(|| ((1.0 - bucket.tokens) / per_second).ceil() as u64),
        })
    }
}

/// The limiters of one server.
#[derive(Debug)]
pub struct Limits {
    /// Per API key.
    pub keys: Buckets<Uuid>,
    /// Per client IP, for requests without a credential.
    pub anonymous: Buckets<String>,
}

impl Limits {
    /// The limiters `config` asks for.
    pub fn new(config: &crate::config::Config) -> Arc<Self> {
        Arc::new(Self {
            keys: Buckets::new(config.api_key_requests_per_minute),
            anonymous: Buckets::new(config.anonymous_requests_per_minute),
        })
    }
}

/// Where an API key may not go: the account of a person (sign-in, password, devices), the
/// platform's administration, making tenants, and the keys themselves (a key never makes or
/// revokes keys, so a leaked one cannot make itself a successor).
fn closed_to_keys(method: &Method, path: &str) -> bool {
    path.starts_with("/api/auth/")
        || path.starts_with("/api/devices")
        || path.starts_with("/api/admin/")
        || (path == "/api/tenants" && method == Method::POST)
        || path.contains("/api-keys")
}

/// Requests no limit counts: the health checks a load balancer makes, and the payment gateway's
/// callback (whose sender's address is the gateway's, for every tenant's payments).
fn uncounted(path: &str) -> bool {
    matches!(path, "/health" | "/ready" | "/api/payments/duitku/callback")
}

/// Authenticates an API key and counts the request against its bucket, or counts a request
/// without a credential against its client's.
pub async fn api_keys_and_limits(
    State(state): State<AppState>,
    mut req: Request,
    next: Next,
) -> Response {
    let (mut parts, body) = req.into_parts();
    let standing = match admit(&state, &mut parts).await {
        Ok(standing) => standing,
        Err((error, standing)) => {
            let mut response = error.into_response();
            if let Some(standing) = standing {
                standing.write(response.headers_mut());
            }
            return response;
        }
    };
    let key_tenant = parts
        .extensions
        .get::<ApiKeyIdentity>()
        .map(|identity| crate::KeyTenant(identity.tenant_id));
    req = Request::from_parts(parts, body);
    let mut response = next.run(req).await;
    if let Some(standing) = standing {
        standing.write(response.headers_mut());
    }
    // For the access log, which sees only the headers the client sent.
    if let Some(tenant) = key_tenant {
        response.extensions_mut().insert(tenant);
    }
    response
}

type Refusal = (ApiError, Option<Standing>);

async fn admit(state: &AppState, parts: &mut Parts) -> Result<Option<Standing>, Refusal> {
    let now = Instant::now();
    let path = parts.uri.path().to_owned();
    if let Some(token) = bearer_token(parts).filter(|t| is_api_key(t)) {
        let ip = client_ip(parts, state);
        let identity: ApiKeyIdentity = state
            .kernel
            .authenticate_api_key(token, ip.as_deref())
            .await
            .map_err(|error| match error {
                lumiku_kernel::Error::InvalidToken => {
                    let error = ApiError::unauthorized(
                        "invalid_api_key",
                        "This API key is not valid: unknown, revoked or expired",
                    );
                    (error, None)
                }
                other => (ApiError::from(other), None),
            })?;
        let standing = state.limits.keys.take(&identity.key_id, now);
        if let Some(standing) = standing.filter(|s| s.retry_after.is_some()) {
            return Err((rate_limited(&standing), Some(standing)));
        }
        if closed_to_keys(&parts.method, &path) {
            let error = ApiError::new(
                axum::http::StatusCode::FORBIDDEN,
                "not_for_api_keys",
                "API keys cannot use this route: it is for people signed in as themselves",
            );
            return Err((error, standing));
        }
        parts.extensions.insert(identity);
        return Ok(standing);
    }
    let anonymous =
        bearer_token(parts).is_none() && cookie(&parts.headers, SESSION_COOKIE).is_none();
    if !anonymous || uncounted(&path) {
        return Ok(None);
    }
    let ip = client_ip(parts, state).unwrap_or_default();
    let standing = state.limits.anonymous.take(&ip, now);
    match standing {
        Some(standing) if standing.retry_after.is_some() => {
            Err((rate_limited(&standing), Some(standing)))
        }
        standing => Ok(standing),
    }
}

fn rate_limited(standing: &Standing) -> ApiError {
    ApiError::rate_limited(standing.retry_after.unwrap_or(1))
}

#[cfg(test)]
mod tests {
    use super::*;

    const MINUTE: Duration = Duration::from_secs(60);

    #[test]
    fn a_bucket_allows_its_burst_then_refills_at_its_rate() {
        let buckets = Buckets::new(60);
        let start = Instant::now();
        for i in 0..60 {
            let s = buckets.take(&"k", start).unwrap();
            assert!(s.retry_after.is_none(), "request {i}");
            assert_eq!(s.remaining, 59 - i);
        }
        let refused = buckets.take(&"k", start).unwrap();
        assert_eq!(refused.retry_after, Some(1));
        assert_eq!(refused.remaining, 0);
        assert_eq!(refused.reset, 60);
        // Another key has its own bucket.
        assert!(buckets.take(&"other", start).unwrap().retry_after.is_none());
        // A second later, one more; a minute later, the whole burst.
        let later = start + Duration::from_secs(1);
        assert!(buckets.take(&"k", later).unwrap().retry_after.is_none());
        assert!(buckets.take(&"k", later).unwrap().retry_after.is_some());
        let full = buckets.take(&"k", start + MINUTE * 2).unwrap();
        assert_eq!(full.remaining, 59);
        assert_eq!(full.reset, 1);
    }

    #[test]
    fn no_limit_counts_nothing() {
        let buckets: Buckets<&str> = Buckets::new(0);
        assert!(buckets.take(&"k", Instant::now()).is_none());
    }

    #[test]
    fn full_buckets_are_forgotten_when_there_are_many() {
        let buckets = Buckets::new(60);
        let start = Instant::now();
        for i in 0..=PRUNE_ABOVE {
            buckets.take(&i, start);
        }
        let much_later = start + MINUTE * 10;
        buckets.take(&usize::MAX, much_later);
        assert_eq!(buckets.buckets.lock().unwrap().len(), 1);
    }

    #[test]
    fn keys_stay_out_of_accounts_administration_and_key_management() {
        for (method, path) in [
            (Method::POST, "/api/auth/logout"),
            (Method::GET, "/api/devices"),
            (Method::GET, "/api/admin/users"),
            (Method::POST, "/api/tenants"),
            (Method::GET, "/api/tenants/1/api-keys"),
        ] {
            assert!(closed_to_keys(&method, path), "{method} {path}");
        }
        for (method, path) in [
            (Method::GET, "/api/tenants"),
            (Method::GET, "/api/credits/balance"),
            (Method::POST, "/api/apps/project-manager/projects"),
        ] {
            assert!(!closed_to_keys(&method, path), "{method} {path}");
        }
    }
}
