//! Request extractors: who is calling, from where, and in which tenant.

use std::net::SocketAddr;

use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::header::{AUTHORIZATION, USER_AGENT};
use axum::http::request::Parts;
use lumiku_kernel::ClientInfo;
use lumiku_kernel::api_keys::ApiKeyIdentity;
use lumiku_kernel::context::Caller;
use lumiku_kernel::context::TenantAccess;
pub use lumiku_kernel::metering::Credential;
use lumiku_plugin::ApiError;
use uuid::Uuid;

use crate::AppState;

/// The header naming the tenant a request acts in.
pub const TENANT_HEADER: &str = "x-tenant-id";
/// The browser session cookie (HttpOnly).
pub const SESSION_COOKIE: &str = "lumiku_session";
/// The browser's chosen tenant, used when a cookie-authenticated request names none.
pub const TENANT_COOKIE: &str = "lumiku_tenant";
/// The header a cookie-authenticated write carries its CSRF token in.
pub const CSRF_HEADER: &str = "x-csrf-token";

/// The request's credential: an API key's session if [`crate::limits`] authenticated one, a
/// bearer token if it has one, else the session cookie.
pub fn credential(parts: &Parts) -> Option<Credential<'_>> {
    if let Some(key) = parts.extensions.get::<ApiKeyIdentity>() {
        return Some(Credential::Session {
            session_id: key.session_id,
            user_id: key.user_id,
        });
    }
    bearer_token(parts)
        .map(Credential::AccessToken)
        .or_else(|| cookie(&parts.headers, SESSION_COOKIE).map(Credential::Cookie))
}

/// The value of cookie `name`, if the request sent it.
pub fn cookie<'a>(headers: &'a axum::http::HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(axum::http::header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(key, _)| *key == name)
        .map(|(_, value)| value.trim_matches('"'))
        .filter(|v| !v.is_empty())
}

/// Marks a request authenticated by the session cookie (so the tenant cookie applies).
#[derive(Debug, Clone, Copy)]
pub struct CookieSession;

/// The caller, authenticated by a bearer access token or the browser session cookie, whose
/// session is live. A write authenticated by the cookie must carry the session's CSRF token in
/// `X-CSRF-Token` (403 otherwise): a cookie alone proves nothing about which page sent it.
pub struct CurrentUser(pub Caller);

impl FromRequestParts<AppState> for CurrentUser {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let caller = match credential(parts) {
            Some(Credential::AccessToken(token)) => state.kernel.authenticate(token).await?,
            Some(Credential::Cookie(cookie)) => {
                let caller = state.kernel.authenticate_cookie(cookie).await?;
                check_csrf(parts, state, caller.session_id)?;
                parts.extensions.insert(CookieSession);
                caller
            }
            Some(Credential::Session {
                session_id,
                user_id,
            }) => {
                state
                    .kernel
                    .authenticate_session(session_id, user_id)
                    .await?
            }
            None => {
                return Err(ApiError::unauthorized(
                    "missing_token",
                    "Send an access token as Authorization: Bearer <token>",
                ));
            }
        };
        Ok(CurrentUser(caller))
    }
}

/// Refuses a cookie-authenticated write without the session's CSRF token in `X-CSRF-Token`.
pub fn check_csrf(parts: &Parts, state: &AppState, session_id: uuid::Uuid) -> Result<(), ApiError> {
    if parts.method.is_safe() {
        return Ok(());
    }
    let token = parts
        .headers
        .get(CSRF_HEADER)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    if state.kernel.verify_csrf(session_id, token) {
        Ok(())
    } else {
        Err(ApiError::new(
            axum::http::StatusCode::FORBIDDEN,
            "csrf_failed",
            "This request needs the page's CSRF token in X-CSRF-Token",
        ))
    }
}

/// The bearer token of the request, if it has one.
pub fn bearer_token(parts: &Parts) -> Option<&str> {
    let value = parts.headers.get(AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.split_once(' ')?;
    scheme
        .eq_ignore_ascii_case("bearer")
        .then(|| token.trim())
        .filter(|t| !t.is_empty())
}

/// The tenant a request asks for: the `X-Tenant-Id` header's, else, for a dashboard session,
/// the tenant cookie's. Resolved by [`TenantChoice::resolve`].
#[derive(Debug, Clone, Copy, Default)]
pub struct TenantChoice {
    /// Named by the header: a tenant the caller is not a member of is answered 404 (so is a value
    /// that is no tenant id).
    pub named: Option<Uuid>,
    /// Chosen in the dashboard: one the caller is no longer a member of falls back to the personal
    /// tenant.
    pub chosen: Option<Uuid>,
}

impl TenantChoice {
    /// The choice `parts` makes; `cookie_session` when the caller came with the session cookie.
    pub fn of(parts: &Parts, cookie_session: bool) -> Result<Self, ApiError> {
        // An API key acts in its tenant: named by default, and naming another is naming a tenant
        // the key's identity is no member of (404).
        let key_tenant = parts
            .extensions
            .get::<ApiKeyIdentity>()
            .map(|key| key.tenant_id);
        let named = match parts.headers.get(TENANT_HEADER) {
            Some(value) => Some(
                value
                    .to_str()
                    .ok()
                    .and_then(|v| Uuid::parse_str(v.trim()).ok())
                    .ok_or_else(|| ApiError::not_found("tenant not found"))?,
            ),
            None => key_tenant,
        };
        let chosen = (cookie_session && named.is_none())
            .then(|| cookie(&parts.headers, TENANT_COOKIE))
            .flatten()
            .and_then(|v| Uuid::parse_str(v).ok());
        Ok(Self { named, chosen })
    }

    /// The tenant to look up (`None`: the personal tenant).
    pub fn requested(self) -> Option<Uuid> {
        self.named.or(self.chosen)
    }

    /// Whether a failed lookup should fall back to the personal tenant (a stale dashboard choice).
    pub fn falls_back(self) -> bool {
        self.named.is_none() && self.chosen.is_some()
    }

    /// The caller's membership of the chosen tenant.
    pub async fn resolve(
        self,
        state: &AppState,
        caller: &Caller,
    ) -> Result<TenantAccess, ApiError> {
        match state.kernel.resolve_tenant(caller, self.requested()).await {
            Err(lumiku_kernel::Error::NotFound(_)) if self.falls_back() => {
                Ok(state.kernel.resolve_tenant(caller, None).await?)
            }
            other => Ok(other?),
        }
    }
}

/// The authenticated caller and the tenant the request acts in (see [`TenantChoice`]).
pub struct RequestTenant {
    /// The caller.
    pub caller: Caller,
    /// The tenant and the caller's role in it.
    pub access: TenantAccess,
}

impl FromRequestParts<AppState> for RequestTenant {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let CurrentUser(caller) = CurrentUser::from_request_parts(parts, state).await?;
        let cookie_session = parts.extensions.get::<CookieSession>().is_some();
        let access = TenantChoice::of(parts, cookie_session)?
            .resolve(state, &caller)
            .await?;
        Ok(RequestTenant { caller, access })
    }
}

/// Where the request came from.
pub struct Client(pub ClientInfo);

/// The client's IP address: the first of `X-Forwarded-For` when the configuration trusts it,
/// else the connection's peer.
pub fn client_ip(parts: &Parts, state: &AppState) -> Option<String> {
    let forwarded = state
        .config
        .trust_forwarded_for
        .then(|| parts.headers.get("x-forwarded-for"))
        .flatten()
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(',').next())
        .map(|ip| ip.trim().to_owned())
        .filter(|ip| !ip.is_empty());
    forwarded.or_else(|| {
        parts
            .extensions
            .get::<ConnectInfo<SocketAddr>>()
            .map(|ConnectInfo(addr)| addr.ip().to_string())
    })
}

impl FromRequestParts<AppState> for Client {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let ip = client_ip(parts, state);
        let user_agent = parts
            .headers
            .get(USER_AGENT)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned);
        Ok(Client(ClientInfo { ip, user_agent }))
    }
}
