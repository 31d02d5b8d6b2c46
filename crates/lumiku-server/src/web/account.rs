//! Signing in, registering, signing out, and the settings page.

use askama::Template;
use axum::extract::{Query, State};
use axum::http::HeaderMap;
use axum::response::{Html, IntoResponse, Response};
use lumiku_kernel::accounts::{AuthSession, Login, Registration};
use lumiku_kernel::tenants::Permission;
use lumiku_plugin::extract::Form;
use lumiku_plugin::{ApiError, FieldErrors, Role};
use serde::Deserialize;

use super::{Chrome, PageError, WebSession, csrf_failed, framed, icon, local_path, see_other};
use crate::AppState;
use crate::extract::{Client, SESSION_COOKIE, TENANT_COOKIE, cookie};

/// The anonymous forms' CSRF cookie (double submit: the form must carry the same value).
const FORM_COOKIE: &str = "lumiku_form";

#[derive(Default)]
struct AuthFieldErrors {
    name: Vec<String>,
    email: Vec<String>,
    password: Vec<String>,
}

impl AuthFieldErrors {
    fn from_fields(mut fields: FieldErrors) -> Self {
        Self {
            name: fields.remove("name").unwrap_or_default(),
            email: fields.remove("email").unwrap_or_default(),
            password: fields.remove("password").unwrap_or_default(),
        }
    }
}

#[derive(Template)]
#[template(path = "web/auth.html")]
struct AuthPage<'a> {
    heading: &'a str,
    action: &'a str,
    register: bool,
    csrf_token: &'a str,
    next: &'a str,
    name: &'a str,
    email: &'a str,
    error: Option<String>,
    field_errors: AuthFieldErrors,
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct NextQuery {
    next: Option<String>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct AuthForm {
    #[serde(rename = "_csrf")]
    csrf: String,
    next: String,
    name: String,
    email: String,
    password: String,
}

fn auth_page(
    state: &AppState,
    status: axum::http::StatusCode,
    register: bool,
    form: &AuthForm,
    error: Option<String>,
    field_errors: AuthFieldErrors,
) -> Result<Response, PageError> {
    let token = lumiku_kernel::token::random_token(24).map_err(ApiError::internal)?;
    let page = AuthPage {
        heading: if register {
            "Create your account"
        } else {
            "Sign in"
        },
        action: if register { "/register" } else { "/login" },
        register,
        csrf_token: &token,
        next: local_path(&form.next),
        name: &form.name,
        email: &form.email,
        error,
        field_errors,
    };
    let html = page.render().map_err(ApiError::internal)?;
    let mut headers = HeaderMap::new();
    super::set_cookie(&mut headers, state, FORM_COOKIE, &token, 3600);
    Ok((status, headers, Html(html)).into_response())
}

/// The sign-in form.
pub async fn login_page(
    State(state): State<AppState>,
    Query(query): Query<NextQuery>,
) -> Result<Response, PageError> {
    let form = AuthForm {
        next: query.next.unwrap_or_default(),
        ..AuthForm::default()
    };
    auth_page(
        &state,
        axum::http::StatusCode::OK,
        false,
        &form,
        None,
        AuthFieldErrors::default(),
    )
}

/// The registration form.
pub async fn register_page(
    State(state): State<AppState>,
    Query(query): Query<NextQuery>,
) -> Result<Response, PageError> {
    let form = AuthForm {
        next: query.next.unwrap_or_default(),
        ..AuthForm::default()
    };
    auth_page(
        &state,
        axum::http::StatusCode::OK,
        true,
        &form,
        None,
        AuthFieldErrors::default(),
    )
}

/// The form again, saying it expired: its CSRF cookie is missing or differs (a forged form, or
/// one left open past the cookie's hour).
fn expired_form(state: &AppState, register: bool, form: &AuthForm) -> Result<Response, PageError> {
    auth_page(
        state,
        axum::http::StatusCode::FORBIDDEN,
        register,
        form,
        Some("This form had expired; please try again.".into()),
        AuthFieldErrors::default(),
    )
}

fn form_csrf_ok(headers: &HeaderMap, form: &AuthForm) -> bool {
    use subtle::ConstantTimeEq as _;
    cookie(headers, FORM_COOKIE).is_some_and(|c| {
        !form.csrf.is_empty() && bool::from(c.as_bytes().ct_eq(form.csrf.as_bytes()))
    })
}

/// Signs in: a browser session cookie, then back where the user was going.
pub async fn login(
    State(state): State<AppState>,
    Client(client): Client,
    headers: HeaderMap,
    Form(form): Form<AuthForm>,
) -> Result<Response, PageError> {
    if !form_csrf_ok(&headers, &form) {
        return expired_form(&state, false, &form);
    }
    let result = state
        .kernel
        .login(
            Login {
                email: &form.email,
                password: &form.password,
                device_id: None,
                device_name: None,
            },
            &client,
        )
        .await;
    finish_sign_in(&state, result, false, &form).await
}

/// Registers: the account, its personal tenant and welcome credits, and a browser session.
pub async fn register(
    State(state): State<AppState>,
    Client(client): Client,
    headers: HeaderMap,
    Form(form): Form<AuthForm>,
) -> Result<Response, PageError> {
    if !form_csrf_ok(&headers, &form) {
        return expired_form(&state, true, &form);
    }
    let result = state
        .kernel
        .register(
            Registration {
                email: &form.email,
                password: &form.password,
                name: Some(&form.name),
                device_id: None,
                device_name: None,
            },
            &client,
        )
        .await;
    if let Ok(session) = &result {
        crate::mail::send_verification_later(&state, &session.user);
    }
    finish_sign_in(&state, result, true, &form).await
}

/// The link mailed at registration: proves the address, then on to the dashboard (signed in or
/// not), which says whether it worked.
pub async fn verify_email_link(
    State(state): State<AppState>,
    Client(client): Client,
    axum::extract::Query(query): axum::extract::Query<std::collections::HashMap<String, String>>,
) -> Response {
    let token = query.get("token").map_or("", String::as_str);
    let to = match state.kernel.verify_email(token, &client).await {
        Ok(_) => "/?email=verified",
        Err(_) => "/?email=invalid",
    };
    axum::response::Redirect::to(to).into_response()
}

async fn finish_sign_in(
    state: &AppState,
    result: Result<AuthSession, lumiku_kernel::Error>,
    register: bool,
    form: &AuthForm,
) -> Result<Response, PageError> {
    let session = match result {
        Ok(session) => session,
        Err(lumiku_kernel::Error::Invalid(fields)) => {
            return auth_page(
                state,
                axum::http::StatusCode::UNPROCESSABLE_ENTITY,
                register,
                form,
                None,
                AuthFieldErrors::from_fields(fields),
            );
        }
        Err(error) => {
            let error: ApiError = error.into();
            if error.status().is_server_error() {
                return Err(error.into());
            }
            return auth_page(
                state,
                error.status(),
                register,
                form,
                Some(error.to_string()),
                AuthFieldErrors::default(),
            );
        }
    };
    let token = state
        .kernel
        .attach_browser_cookie(session.tokens.session_id)
        .await?;
    let mut headers = HeaderMap::new();
    let ttl = state.config.refresh_token_ttl_secs;
    super::set_cookie(&mut headers, state, SESSION_COOKIE, &token, ttl);
    super::set_cookie(
        &mut headers,
        state,
        TENANT_COOKIE,
        &session.personal_tenant_id.to_string(),
        ttl,
    );
    super::set_cookie(&mut headers, state, FORM_COOKIE, "", 0);
    Ok(see_other(local_path(&form.next), headers))
}

#[derive(Deserialize)]
pub struct CsrfForm {
    #[serde(rename = "_csrf")]
    csrf: String,
}

/// Signs out: ends the session on the server and forgets the cookies.
pub async fn logout(
    State(state): State<AppState>,
    Client(client): Client,
    session: WebSession,
    Form(form): Form<CsrfForm>,
) -> Result<Response, PageError> {
    if !state
        .kernel
        .verify_csrf(session.caller.session_id, &form.csrf)
    {
        return Err(csrf_failed().into());
    }
    state.kernel.logout(&session.caller, &client).await?;
    let mut headers = HeaderMap::new();
    super::set_cookie(&mut headers, &state, SESSION_COOKIE, "", 0);
    super::set_cookie(&mut headers, &state, TENANT_COOKIE, "", 0);
    Ok(see_other("/login", headers))
}

struct DeviceRow {
    id: uuid::Uuid,
    name: String,
    user_agent: String,
    ip: String,
    last_used: String,
    current: bool,
}

struct TenantRow {
    id: uuid::Uuid,
    name: String,
    kind: String,
    role: &'static str,
    current: bool,
}

struct MemberRow {
    user_id: uuid::Uuid,
    label: String,
    email: String,
    role: &'static str,
    role_options: Vec<(&'static str, bool)>,
    is_me: bool,
}

#[derive(Template)]
#[template(path = "web/settings.html")]
struct SettingsPage {
    email: String,
    name: String,
    devices: Vec<DeviceRow>,
    tenants: Vec<TenantRow>,
    tenant_id: uuid::Uuid,
    tenant_name: String,
    members: Vec<MemberRow>,
    can_manage: bool,
    /// Owners may download everything the tenant holds.
    can_export: bool,
    new_member_roles: Vec<(&'static str, bool)>,
    csrf_token: String,
    icon_plus: String,
}

fn role_options(selected: Role) -> Vec<(&'static str, bool)> {
    Role::ALL
        .iter()
        .map(|r| (r.as_str(), *r == selected))
        .collect()
}

/// Profile, password, devices, tenants and the members of the current tenant.
pub async fn settings(
    State(state): State<AppState>,
    session: WebSession,
) -> Result<Response, PageError> {
    let chrome = Chrome::load(&state, &session, "settings").await?;
    let kernel = &state.kernel;
    let devices = kernel
        .list_devices(&session.caller)
        .await?
        .into_iter()
        .map(|d| DeviceRow {
            id: d.id,
            name: d.name,
            user_agent: d.user_agent,
            ip: d.ip_address.unwrap_or_default(),
            last_used: super::home::when(d.last_used_at),
            current: d.current,
        })
        .collect();
    let members = kernel
        .list_members(&session.caller, session.access.tenant_id)
        .await?
        .into_iter()
        .map(|m| MemberRow {
            label: m.name.clone().unwrap_or_else(|| m.email.clone()),
            email: m.email,
            role: m.role.as_str(),
            role_options: role_options(m.role),
            is_me: m.user_id == session.caller.user_id,
            user_id: m.user_id,
        })
        .collect();
    let page = SettingsPage {
        email: chrome.user.email.clone(),
        name: chrome.user.name.clone().unwrap_or_default(),
        devices,
        tenants: chrome
            .tenants
            .iter()
            .map(|t| TenantRow {
                id: t.id,
                name: t.name.clone(),
                kind: t.kind.clone(),
                role: t.role.as_str(),
                current: t.id == session.access.tenant_id,
            })
            .collect(),
        tenant_id: session.access.tenant_id,
        tenant_name: chrome.tenant_name.clone(),
        members,
        can_manage: session.access.role.can(Permission::ManageMembers),
        can_export: session.access.role == Role::Owner,
        new_member_roles: role_options(Role::Member),
        csrf_token: session.csrf_token.clone(),
        icon_plus: icon("plus"),
    };
    framed(&chrome, "Settings", &page)
}
