//! Share links: a token that downloads one file without an account, until it expires or is
//! revoked, after a password when it has one.
//!
//! The token is the tenant's id and 24 random bytes, base64url: the tenant tells the kernel where
//! to look (it admits the request only where the app is installed), the random part is what makes
//! it unguessable. Only its SHA-256 is stored. Ten wrong passwords in a row lock a link for
//! fifteen minutes.

use axum::body::Bytes;
use axum::http::{HeaderMap, Method, StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use lumiku_plugin::extract::Path;
use lumiku_plugin::sql::now;
use lumiku_plugin::{ApiError, Disposition, ErrorBody, PublicContext};
use serde::Deserialize;
use sha2::{Digest, Sha256};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

use crate::store;

/// How long ten wrong passwords lock a link.
const LOCK_MINUTES: i64 = 15;

/// The public routes, relative to `/api/apps/file-manager/public`.
pub fn router() -> OpenApiRouter {
    OpenApiRouter::new().routes(routes!(open_link, open_link_with_password))
}

/// A new token for a link of `tenant_id`.
pub fn new_token(tenant_id: Uuid) -> Result<String, ApiError> {
    let mut bytes = [0u8; 40];
    bytes[..16].copy_from_slice(tenant_id.as_bytes());
    getrandom::fill(&mut bytes[16..])
        .map_err(|e| ApiError::internal(std::io::Error::other(e.to_string())))?;
    Ok(URL_SAFE_NO_PAD.encode(bytes))
}

/// What is stored of a token.
pub fn token_hash(token: &str) -> String {
    Sha256::digest(token.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// The tenant a well-formed token names.
fn tenant_of(token: &str) -> Option<Uuid> {
    let bytes = URL_SAFE_NO_PAD.decode(token).ok()?;
    (bytes.len() == 40).then(|| Uuid::from_slice(&bytes[..16]).ok())?
}

/// Password hashes of links running at once: each holds Argon2's 19 MiB, and anyone may ask.
static HASHING: tokio::sync::Semaphore = tokio::sync::Semaphore::const_new(2);

/// The PHC hash of a link's password (Argon2id, off the async threads).
pub async fn hash_password(password: String) -> Result<String, ApiError> {
    let _turn = HASHING.acquire().await.map_err(ApiError::internal)?;
    tokio::task::spawn_blocking(move || {
        use argon2::PasswordHasher as _;
        argon2::Argon2::default()
            .hash_password(password.as_bytes())
            .map(|hash| hash.to_string())
            .map_err(|e| ApiError::internal(std::io::Error::other(e.to_string())))
    })
    .await
    .map_err(ApiError::internal)?
}

async fn verify_password(password: String, hash: String) -> Result<bool, ApiError> {
    let _turn = HASHING.acquire().await.map_err(ApiError::internal)?;
    tokio::task::spawn_blocking(move || {
        use argon2::PasswordVerifier as _;
        argon2::Argon2::default()
            .verify_password(password.as_bytes(), hash.as_str())
            .is_ok()
    })
    .await
    .map_err(ApiError::internal)
}

fn not_found() -> ApiError {
    ApiError::not_found("This link does not exist or was revoked")
}

/// Downloads the file of a share link with no password (free, no account). A link with a
/// password answers 401 `share_password_required` (a browser gets a form asking for it).
#[utoipa::path(get, path = "/shares/{token}", tag = "file-manager",
    params(("token" = String, Path, description = "The link's token")),
    responses(
        (status = 200, description = "The file", content_type = "application/octet-stream", body = Vec<u8>),
        (status = 206, description = "The requested range", content_type = "application/octet-stream", body = Vec<u8>),
        (status = 304, description = "Not modified"),
        (status = 401, description = "The link needs its password", body = ErrorBody),
        (status = 404, description = "No such link, or revoked", body = ErrorBody),
        (status = 410, description = "The link has expired", body = ErrorBody),
        (status = 429, description = "Too many wrong passwords: locked for a while", body = ErrorBody),
    ))]
async fn open_link(
    ctx: PublicContext,
    Path(token): Path<String>,
    method: Method,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    // A HEAD (answered by this GET route, without the body) looks; it does not download.
    let counted = method != Method::HEAD;
    serve_link(&ctx, &token, &headers, None, counted).await
}

/// A share link's password.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(default)]
pub struct SharePassword {
    /// The password.
    #[schema(required = true, min_length = 1)]
    password: String,
}

/// Downloads the file of a share link, giving its password as a form field or JSON (free, no
/// account). A wrong password answers 401 `share_password_invalid`; ten in a row lock the link
/// for fifteen minutes (429).
#[utoipa::path(post, path = "/shares/{token}", tag = "file-manager",
    params(("token" = String, Path, description = "The link's token")),
    request_body(content = SharePassword, content_type = "application/x-www-form-urlencoded"),
    responses(
        (status = 200, description = "The file", content_type = "application/octet-stream", body = Vec<u8>),
        (status = 400, description = "No password in the body", body = ErrorBody),
        (status = 401, description = "Wrong password", body = ErrorBody),
        (status = 404, description = "No such link, or revoked", body = ErrorBody),
        (status = 410, description = "The link has expired", body = ErrorBody),
        (status = 429, description = "Too many wrong passwords: locked for a while", body = ErrorBody),
    ))]
async fn open_link_with_password(
    ctx: PublicContext,
    Path(token): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, ApiError> {
    let json = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/json"));
    let parsed: Option<SharePassword> = if json {
        serde_json::from_slice(&body).ok()
    } else {
        serde_urlencoded::from_bytes(&body).ok()
    };
    let password = parsed
        .map(|p| p.password)
        .filter(|p| !p.is_empty())
        .ok_or_else(|| ApiError::bad_request("password_missing", "Send the link's password"))?;
    serve_link(&ctx, &token, &headers, Some(password), true).await
}

async fn serve_link(
    ctx: &PublicContext,
    token: &str,
    headers: &HeaderMap,
    password: Option<String>,
    counted: bool,
) -> Result<Response, ApiError> {
    let tenant = tenant_of(token).ok_or_else(not_found)?;
    let hash = token_hash(token);
    let mut tx = ctx.read(tenant).await?;
    let share = store::share_by_token(&mut tx, tenant, &hash)
        .await?
        .ok_or_else(not_found)?;
    let file = store::file(&mut tx, tenant, share.file_id)
        .await
        .map_err(|_| not_found())?;
    drop(tx);
    let at = now();
    if share.revoked_at.is_some() || file.trashed_at.is_some() {
        return Err(not_found());
    }
    if share.expires_at <= at {
        return Err(ApiError::new(
            StatusCode::GONE,
            "share_expired",
            "This link has expired",
        ));
    }
    if let Some(until) = share.locked_until
        && until > at
    {
        let secs = (until - at).num_seconds().max(1) as u64;
        return Err(ApiError::rate_limited(secs));
    }
    if let Some(stored) = share.password_hash.clone() {
        let Some(password) = password else {
            return Ok(password_needed(headers, &file.name, token, false));
        };
        // The attempt is counted before the password is checked, so a burst of guesses in
        // parallel is counted in full.
        let lock = chrono::Duration::minutes(LOCK_MINUTES);
        let mut tx = ctx.write(tenant).await?;
        let allowed = store::reserve_attempt(&mut tx, tenant, share.id, at, lock).await?;
        tx.commit().await.map_err(ApiError::internal)?;
        if !allowed {
            return Err(ApiError::rate_limited(lock.num_seconds() as u64));
        }
        if !verify_password(password, stored).await? {
            return Ok(password_needed(headers, &file.name, token, true));
        }
        let mut tx = ctx.write(tenant).await?;
        store::reset_attempts(&mut tx, tenant, share.id).await?;
        tx.commit().await.map_err(ApiError::internal)?;
    }
    // A download is counted once, not for each part a resuming client asks for.
    let first_part = headers
        .get(header::RANGE)
        .and_then(|v| v.to_str().ok())
        .is_none_or(|range| range.trim().starts_with("bytes=0-"));
    if counted && first_part {
        let mut tx = ctx.write(tenant).await?;
        store::count_download(&mut tx, tenant, share.id).await?;
        tx.commit().await.map_err(ApiError::internal)?;
    }
    let mut response = ctx
        .blobs(tenant)
        .serve(
            file.blob_id,
            headers,
            Disposition {
                filename: &file.name,
                inline: false,
            },
        )
        .await?;
    // A link is not a page of this site: nothing of it is worth keeping in a shared cache.
    response.headers_mut().insert(
        header::REFERRER_POLICY,
        header::HeaderValue::from_static("no-referrer"),
    );
    Ok(response)
}

/// 401 for a link that needs its password: JSON for a client, a small form for a browser.
fn password_needed(headers: &HeaderMap, filename: &str, token: &str, wrong: bool) -> Response {
    let wants_html = headers
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.contains("text/html"));
    let (code, message) = if wrong {
        ("share_password_invalid", "The password is not right")
    } else {
        ("share_password_required", "This link needs its password")
    };
    if !wants_html {
        return ApiError::unauthorized(code, message).into_response();
    }
    let page = format!(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>{name} · shared file</title></head><body>\
         <main><h1>{name}</h1><p>{message}.</p>\
         <form method=\"post\" action=\"{prefix}/public/shares/{token}\">\
         <label for=\"password\">Password</label> \
         <input id=\"password\" name=\"password\" type=\"password\" required autofocus> \
         <button type=\"submit\">Download</button></form></main></body></html>",
        name = escape(filename),
        prefix = crate::MANIFEST.route_prefix,
        token = escape(token),
    );
    (StatusCode::UNAUTHORIZED, Html(page)).into_response()
}

fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_token_names_its_tenant_and_nothing_else_parses() {
        let tenant = Uuid::now_v7();
        let token = new_token(tenant).unwrap();
        assert_eq!(tenant_of(&token), Some(tenant));
        assert_ne!(new_token(tenant).unwrap(), token);
        assert_eq!(tenant_of("short"), None);
        assert_eq!(tenant_of(&format!("{token}AA")), None);
        assert_eq!(tenant_of("../../etc/passwd"), None);
        assert_eq!(token_hash(&token).len(), 64);
    }
}
