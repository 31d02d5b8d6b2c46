//! Request extractors: who is calling, from where, and in which tenant.

use std::net::SocketAddr;

use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::header::{AUTHORIZATION, USER_AGENT};
use axum::http::request::Parts;
use lumiku_kernel::ClientInfo;
use lumiku_kernel::accounts::Caller;
use lumiku_kernel::tenants::TenantAccess;
use lumiku_plugin::ApiError;

use crate::AppState;

/// The header naming the tenant a request acts in.
pub const TENANT_HEADER: &str = "x-tenant-id";

/// The caller, authenticated by `Authorization: Bearer <access token>` whose session is live.
pub struct CurrentUser(pub Caller);

impl FromRequestParts<AppState> for CurrentUser {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let token = bearer_token(parts).ok_or_else(|| {
            ApiError::unauthorized(
                "missing_token",
                "Send an access token as Authorization: Bearer <token>",
            )
        })?;
        let caller = state.kernel.authenticate(token).await?;
        Ok(CurrentUser(caller))
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

/// The authenticated caller and the tenant the request acts in: the `X-Tenant-Id` header's, or the
/// caller's personal tenant. A tenant the caller is not a member of is answered 404.
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
        let requested = match parts.headers.get(TENANT_HEADER) {
            Some(value) => Some(
                value
                    .to_str()
                    .map_err(|_| ApiError::not_found("tenant not found"))?
                    .to_owned(),
            ),
            None => None,
        };
        let access = state
            .kernel
            .resolve_tenant(&caller, requested.as_deref())
            .await?;
        Ok(RequestTenant { caller, access })
    }
}

/// Where the request came from.
pub struct Client(pub ClientInfo);

impl FromRequestParts<AppState> for Client {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let forwarded = state
            .config
            .trust_forwarded_for
            .then(|| parts.headers.get("x-forwarded-for"))
            .flatten()
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.split(',').next())
            .map(|ip| ip.trim().to_owned())
            .filter(|ip| !ip.is_empty());
        let ip = forwarded.or_else(|| {
            parts
                .extensions
                .get::<ConnectInfo<SocketAddr>>()
                .map(|ConnectInfo(addr)| addr.ip().to_string())
        });
        let user_agent = parts
            .headers
            .get(USER_AGENT)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned);
        Ok(Client(ClientInfo { ip, user_agent }))
    }
}
