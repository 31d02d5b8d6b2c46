//! The web dashboard: server-rendered pages over the same kernel the API uses, for people who
//! would rather click than call an API. A browser signs in with a form and is then carried by an
//! HttpOnly session cookie; reads are rendered on the server, and writes go through the JSON API
//! from `lumiku.js` with the session's CSRF token, so a button in the dashboard is charged exactly
//! like an API call. Plain forms (sign in, register, sign out, switch tenant) carry a CSRF field.
//!
//! These pages are not part of the OpenAPI document: they are not an API.

mod account;
mod admin;
mod app_pages;
mod billing;
mod catalogue;
mod home;

use std::sync::Arc;

use askama::Template;
use axum::Router;
use axum::extract::{FromRequestParts, State};
use axum::http::header::{CACHE_CONTROL, CONTENT_TYPE, LOCATION, SET_COOKIE};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use lumiku_kernel::context::Caller;
use lumiku_kernel::context::TenantAccess;
use lumiku_kernel::tenants::Tenant;
use lumiku_plugin::extract::Form;
use lumiku_plugin::page::PageLayout;
use lumiku_plugin::{ApiError, Plugin};
use serde::Deserialize;

use crate::AppState;
use crate::extract::{SESSION_COOKIE, TENANT_COOKIE, TenantChoice, cookie};
use crate::icons;

pub(crate) use app_pages::mount as mount_app_pages;

/// The dashboard's routes (app pages are mounted by [`mount_app_pages`]).
pub fn router(apps: &[Arc<dyn Plugin>], state: &AppState) -> Router<AppState> {
    Router::new()
        .route("/", get(home::dashboard))
        .route("/login", get(account::login_page).post(account::login))
        .route(
            "/register",
            get(account::register_page).post(account::register),
        )
        .route("/verify-email", get(account::verify_email_link))
        .route("/logout", post(account::logout))
        .route("/tenant", post(switch_tenant))
        .route("/settings", get(account::settings))
        .route("/credits", get(billing::credits))
        .route("/catalogue", get(catalogue::catalogue))
        .route("/invoices/{id}", get(billing::invoice))
        .route("/admin", get(admin::admin))
        .route("/assets/lumiku.js", get(script))
        .merge(mount_app_pages(apps, state))
}

const SCRIPT: &str = include_str!("../../assets/lumiku.js");

async fn script() -> Response {
    (
        [
            (CONTENT_TYPE, "text/javascript; charset=utf-8"),
            (CACHE_CONTROL, "public, max-age=3600"),
        ],
        SCRIPT,
    )
        .into_response()
}

/// An inline Lucide icon.
pub fn icon(name: &str) -> String {
    format!(
        "<svg class=\"icon\" xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 24 24\" fill=\"none\" \
         stroke=\"currentColor\" stroke-width=\"2\" stroke-linecap=\"round\" stroke-linejoin=\"round\" \
         aria-hidden=\"true\" focusable=\"false\">{}</svg>",
        icons::inner(name)
    )
}

pub use crate::pages::group_digits;

/// The signed-in browser session of a page request, in the tenant the browser chose (the tenant
/// cookie, else the personal tenant). Without one, the page redirects to the sign-in form.
pub struct WebSession {
    /// The caller.
    pub caller: Caller,
    /// The tenant shown and the caller's role in it.
    pub access: TenantAccess,
    /// The session's CSRF token.
    pub csrf_token: String,
}

impl FromRequestParts<AppState> for WebSession {
    type Rejection = PageError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, PageError> {
        // Inside a nested router (an app's pages) the URI is stripped of its prefix.
        let uri = parts
            .extensions
            .get::<axum::extract::OriginalUri>()
            .map_or(&parts.uri, |original| &original.0);
        let next = uri
            .path_and_query()
            .map(|p| p.as_str().to_owned())
            .unwrap_or_else(|| "/".into());
        let Some(token) = cookie(&parts.headers, SESSION_COOKIE) else {
            return Err(PageError::SignIn(next));
        };
        let caller = match state.kernel.authenticate_cookie(token).await {
            Ok(caller) => caller,
            Err(lumiku_kernel::Error::InvalidToken) => return Err(PageError::SignIn(next)),
            Err(other) => return Err(PageError::Api(other.into())),
        };
        let access = TenantChoice::of(parts, true)?
            .resolve(state, &caller)
            .await?;
        let csrf_token = state.kernel.csrf_token(caller.session_id);
        Ok(WebSession {
            caller,
            access,
            csrf_token,
        })
    }
}

/// Why a page could not be shown.
pub enum PageError {
    /// Not signed in: to the sign-in form, then back to this path.
    SignIn(String),
    /// Anything else, shown as an error page with its status.
    Api(ApiError),
}

impl From<ApiError> for PageError {
    fn from(error: ApiError) -> Self {
        PageError::Api(error)
    }
}

impl From<lumiku_kernel::Error> for PageError {
    fn from(error: lumiku_kernel::Error) -> Self {
        PageError::Api(error.into())
    }
}

#[derive(Template)]
#[template(path = "web/error.html")]
struct ErrorPage<'a> {
    heading: &'a str,
    message: &'a str,
}

/// A standalone error page.
pub fn error_page(status: StatusCode, message: &str) -> Response {
    let heading = match status {
        StatusCode::NOT_FOUND => "Not found",
        StatusCode::FORBIDDEN => "Not allowed",
        StatusCode::PAYMENT_REQUIRED => "Not enough credits",
        s if s.is_server_error() => "Something went wrong",
        _ => "That did not work",
    };
    let html = ErrorPage { heading, message }
        .render()
        .unwrap_or_else(|_| format!("<h1>{heading}</h1>"));
    (status, Html(html)).into_response()
}

impl IntoResponse for PageError {
    fn into_response(self) -> Response {
        match self {
            PageError::SignIn(next) => {
                let target = format!("/login?next={}", urlencode(&next));
                Redirect::to(&target).into_response()
            }
            PageError::Api(error) => {
                let status = error.status();
                let message = if status.is_server_error() {
                    // The cause goes to the log with the request id; the page says nothing of it.
                    tracing::error!(error = ?error, "page failed");
                    let id = lumiku_plugin::request_id::current()
                        .map(|id| id.to_string())
                        .unwrap_or_default();
                    format!("The server could not show this page. Reference: {id}")
                } else {
                    error.to_string()
                };
                error_page(status, &message)
            }
        }
    }
}

/// Percent-encodes a query value.
pub fn urlencode(value: &str) -> String {
    value
        .bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' | b'/' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// A path inside this site to go back to, never another site's: a `/` followed by anything but a
/// second `/` or `\`, in printable ASCII only. Browsers strip tabs and newlines from a URL and
/// read `\` as `/` before resolving it, so `/\t/evil.example` would become `//evil.example`;
/// any control character, space, backslash or non-ASCII byte sends the user home instead.
pub fn local_path(next: &str) -> &str {
    let printable = next.bytes().all(|b| b.is_ascii_graphic() && b != b'\\');
    let rooted = next.starts_with('/') && !next.starts_with("//");
    if printable && rooted { next } else { "/" }
}

/// A cookie with the dashboard's attributes: HttpOnly, SameSite, Secure when served over TLS.
pub fn set_cookie(
    headers: &mut HeaderMap,
    state: &AppState,
    name: &str,
    value: &str,
    max_age_secs: u64,
) {
    let secure = if state.config.public_url().starts_with("https://") {
        "; Secure"
    } else {
        ""
    };
    let cookie =
        format!("{name}={value}; Path=/; HttpOnly; SameSite=Lax; Max-Age={max_age_secs}{secure}");
    if let Ok(value) = HeaderValue::from_str(&cookie) {
        headers.append(SET_COOKIE, value);
    }
}

/// A 303 to `to` carrying `headers` (cookies).
pub fn see_other(to: &str, mut headers: HeaderMap) -> Response {
    if let Ok(location) = HeaderValue::from_str(to) {
        headers.insert(LOCATION, location);
    }
    (StatusCode::SEE_OTHER, headers).into_response()
}

/// What the frame shows around every signed-in page.
pub struct Chrome {
    /// Which navigation entry is current.
    pub section: &'static str,
    /// The signed-in user.
    pub user: lumiku_kernel::users::User,
    /// The user's name or email.
    pub user_label: String,
    /// A platform administrator.
    pub is_admin: bool,
    /// The user's tenants.
    pub tenants: Vec<Tenant>,
    /// The tenant shown.
    pub tenant_id: uuid::Uuid,
    /// Its name.
    pub tenant_name: String,
    /// Its balance.
    pub balance: i64,
    /// The balance, grouped.
    pub balance_text: String,
    /// The session's CSRF token.
    pub csrf_token: String,
}

impl Chrome {
    /// Loads the frame's data for `session`.
    pub async fn load(
        state: &AppState,
        session: &WebSession,
        section: &'static str,
    ) -> Result<Self, PageError> {
        let kernel = &state.kernel;
        let user = kernel.me(&session.caller).await?;
        let tenants = kernel.list_tenants(&session.caller).await?;
        let balance = kernel.balance(&session.access).await?.balance;
        let tenant_name = tenants
            .iter()
            .find(|t| t.id == session.access.tenant_id)
            .map(|t| t.name.clone())
            .unwrap_or_default();
        Ok(Chrome {
            section,
            user_label: user.name.clone().unwrap_or_else(|| user.email.clone()),
            user,
            is_admin: session.caller.is_admin(),
            tenants,
            tenant_id: session.access.tenant_id,
            tenant_name,
            balance,
            balance_text: group_digits(balance),
            csrf_token: session.csrf_token.clone(),
        })
    }
}

#[derive(Template)]
#[template(path = "web/layout.html")]
struct Layout<'a> {
    title: &'a str,
    body: &'a str,
    chrome: &'a Chrome,
}

impl PageLayout for Chrome {
    fn render(&self, title: &str, body: &str) -> String {
        Layout {
            title,
            body,
            chrome: self,
        }
        .render()
        .unwrap_or_else(|e| {
            tracing::error!(error = %e, "rendering the page frame");
            String::from("<h1>Something went wrong</h1>")
        })
    }

    fn icon(&self, name: &str) -> String {
        icon(name)
    }
}

/// `content` rendered and framed, titled `title`.
pub fn framed(
    chrome: &Chrome,
    title: &str,
    content: &impl Template,
) -> Result<Response, PageError> {
    let body = content.render().map_err(ApiError::internal)?;
    Ok(Html(PageLayout::render(chrome, title, &body)).into_response())
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct SwitchTenant {
    #[serde(rename = "_csrf")]
    csrf: String,
    tenant_id: String,
    #[serde(default)]
    back: Option<String>,
}

/// Chooses the tenant the dashboard shows (a member's only: another is refused as not found).
async fn switch_tenant(
    State(state): State<AppState>,
    session: WebSession,
    headers: HeaderMap,
    Form(form): Form<SwitchTenant>,
) -> Result<Response, PageError> {
    if !state
        .kernel
        .verify_csrf(session.caller.session_id, &form.csrf)
    {
        return Err(csrf_failed().into());
    }
    let tenant_id = uuid::Uuid::parse_str(form.tenant_id.trim())
        .map_err(|_| ApiError::not_found("tenant not found"))?;
    let access = state
        .kernel
        .tenant_access(&session.caller, tenant_id)
        .await?;
    let mut cookies = HeaderMap::new();
    set_cookie(
        &mut cookies,
        &state,
        TENANT_COOKIE,
        &access.tenant_id.to_string(),
        state.config.refresh_token_ttl_secs,
    );
    let back = form
        .back
        .as_deref()
        .or_else(|| {
            headers
                .get(axum::http::header::REFERER)
                .and_then(|r| r.to_str().ok())
                .and_then(|r| r.find("://").map(|i| &r[i + 3..]))
                .and_then(|r| r.find('/').map(|i| &r[i..]))
        })
        .map(local_path)
        .unwrap_or("/");
    Ok(see_other(back, cookies))
}

/// The refusal of a form without its CSRF token.
pub fn csrf_failed() -> ApiError {
    ApiError::new(
        StatusCode::FORBIDDEN,
        "csrf_failed",
        "This form has expired. Go back, reload the page and try again.",
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_local_paths_are_followed_after_sign_in() {
        assert_eq!(local_path("/credits?before=x"), "/credits?before=x");
        assert_eq!(
            local_path("/apps/project-manager?before=a%2Fb"),
            "/apps/project-manager?before=a%2Fb"
        );
        for outside in [
            "https://evil.example",
            "//evil.example",
            "/\\evil",
            "\\/evil.example",
            "/\\/evil.example",
            "credits",
            "/\t/evil.example",
            "/\n/evil.example",
            "/\r/evil.example",
            "\t//evil.example",
            " //evil.example",
            "/ /evil.example",
            "/\u{0}/evil.example",
            "/\u{7f}/evil.example",
            "/\u{3000}/evil.example",
            "",
        ] {
            assert_eq!(local_path(outside), "/", "{outside}");
        }
    }

    #[test]
    fn query_values_are_percent_encoded() {
        assert_eq!(urlencode("/a b?c=d&e"), "/a%20b%3Fc%3Dd%26e");
    }

    #[test]
    fn digits_are_grouped_by_thousands() {
        assert_eq!(group_digits(1_234_567), "1.234.567");
        assert_eq!(group_digits(95), "95");
        assert_eq!(group_digits(-1_000), "-1.000");
    }
}
