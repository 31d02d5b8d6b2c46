//! Accounts and sessions: `/api/auth/*`.

use axum::extract::State;
use axum::http::StatusCode;
use chrono::{DateTime, Utc};
use lumiku_kernel::accounts::{AuthSession, Login, Registration, TokenPair};
use lumiku_kernel::users::User;
use lumiku_plugin::extract::Json;
use lumiku_plugin::{ApiError, ErrorBody};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

use crate::AppState;
use crate::extract::{Client, CurrentUser};

/// The account routes.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(register))
        .routes(routes!(login))
        .routes(routes!(refresh))
        .routes(routes!(logout))
        .routes(routes!(verify))
        .routes(routes!(verify_email))
        .routes(routes!(resend_verification))
        .routes(routes!(get_me, update_me))
        .routes(routes!(change_password))
}

/// Registration body.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(default, rename_all = "camelCase")]
pub struct RegisterRequest {
    /// Email address; normalised to lower case.
    #[schema(required = true)]
    email: String,
    /// 8 to 1024 characters, not the email address, not among the easiest to guess.
    #[schema(required = true, min_length = 8, max_length = 1024)]
    password: String,
    /// Display name: at most 100 characters, no control characters; blank for none.
    #[schema(schema_with = lumiku_plugin::text::optional_one_line_schema::<100>)]
    name: Option<String>,
    /// A stable id the client keeps for this device, if any.
    device_id: Option<String>,
    /// A name for this device; derived from the user agent when absent.
    device_name: Option<String>,
}

/// Login body.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(default, rename_all = "camelCase")]
pub struct LoginRequest {
    /// Email address.
    #[schema(required = true)]
    email: String,
    /// Password.
    #[schema(required = true)]
    password: String,
    /// A stable id the client keeps for this device, if any.
    device_id: Option<String>,
    /// A name for this device.
    device_name: Option<String>,
}

/// Refresh body.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(default, rename_all = "camelCase")]
pub struct RefreshRequest {
    /// The refresh token from the last login or refresh.
    #[schema(required = true)]
    refresh_token: String,
}

/// Profile change.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(default, rename_all = "camelCase")]
pub struct UpdateProfileRequest {
    /// New display name, at most 100 characters, no control characters; `null` or blank clears it.
    #[schema(schema_with = lumiku_plugin::text::optional_one_line_schema::<100>)]
    name: Option<String>,
}

/// Password change.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(default, rename_all = "camelCase")]
pub struct ChangePasswordRequest {
    /// The current password.
    #[schema(required = true)]
    current_password: String,
    /// The new password (same policy as registration).
    #[schema(required = true, min_length = 8, max_length = 1024)]
    new_password: String,
}

/// Whose an access token is.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct TokenInfo {
    /// Always true (an invalid token is answered 401).
    valid: bool,
    /// The user.
    user_id: Uuid,
    /// The session.
    session_id: Uuid,
    /// `user` or `admin`.
    platform_role: String,
    /// When the token expires.
    expires_at: DateTime<Utc>,
}

/// Creates an account, its personal tenant and a first session.
#[utoipa::path(post, path = "/api/auth/register", operation_id = "register", tag = "auth", request_body = RegisterRequest,
    responses(
        (status = 201, description = "Account created, signed in", body = AuthSession),
        (status = 400, description = "Malformed JSON", body = ErrorBody),
        (status = 409, description = "The email address cannot be used", body = ErrorBody),
        (status = 422, description = "Invalid fields", body = ErrorBody),
    ))]
async fn register(
    State(state): State<AppState>,
    Client(client): Client,
    Json(body): Json<RegisterRequest>,
) -> Result<(StatusCode, Json<AuthSession>), ApiError> {
    let session = state
        .kernel
        .register(
            Registration {
                email: &body.email,
                password: &body.password,
                name: body.name.as_deref(),
                device_id: body.device_id.as_deref(),
                device_name: body.device_name.as_deref(),
            },
            &client,
        )
        .await?;
    crate::mail::send_verification_later(&state, &session.user);
    Ok((StatusCode::CREATED, Json(session)))
}

/// The token of a verification link.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(default)]
pub struct VerifyEmailRequest {
    /// The `token` of the link mailed at registration.
    token: String,
}

/// Proves the account's address with the token its link carries; the first time, grants the
/// welcome bonus that waited for it. Following a link again changes nothing.
#[utoipa::path(post, path = "/api/auth/verify-email", operation_id = "verifyEmail", tag = "auth", request_body = VerifyEmailRequest,
    responses(
        (status = 200, description = "The address is proved", body = User),
        (status = 401, description = "An invalid, expired or outdated token", body = ErrorBody),
    ))]
async fn verify_email(
    State(state): State<AppState>,
    Client(client): Client,
    Json(body): Json<VerifyEmailRequest>,
) -> Result<Json<User>, ApiError> {
    Ok(Json(state.kernel.verify_email(&body.token, &client).await?))
}

/// Mails the caller's verification link again (at most 5 an hour).
#[utoipa::path(post, path = "/api/auth/verify-email/resend", operation_id = "resendVerificationEmail", tag = "auth", security(("bearer" = [])),
    responses(
        (status = 202, description = "The link is on its way"),
        (status = 401, description = "No valid access token", body = ErrorBody),
        (status = 409, description = "Already proved, or this server does not verify addresses", body = ErrorBody),
        (status = 429, description = "Too many links this hour; see Retry-After", body = ErrorBody),
    ))]
async fn resend_verification(
    State(state): State<AppState>,
    CurrentUser(caller): CurrentUser,
) -> Result<StatusCode, ApiError> {
    let user = state.kernel.resend_email_verification(&caller).await?;
    crate::mail::send_verification_later(&state, &user);
    Ok(StatusCode::ACCEPTED)
}

/// Signs in with email and password. Repeated failures are refused for a while (429).
#[utoipa::path(post, path = "/api/auth/login", operation_id = "login", tag = "auth", request_body = LoginRequest,
    responses(
        (status = 200, description = "Signed in", body = AuthSession),
        (status = 400, description = "Malformed JSON", body = ErrorBody),
        (status = 401, description = "Wrong email or password", body = ErrorBody),
        (status = 429, description = "Too many failed attempts; see Retry-After", body = ErrorBody),
    ))]
async fn login(
    State(state): State<AppState>,
    Client(client): Client,
    Json(body): Json<LoginRequest>,
) -> Result<Json<AuthSession>, ApiError> {
    let session = state
        .kernel
        .login(
            Login {
                email: &body.email,
                password: &body.password,
                device_id: body.device_id.as_deref(),
                device_name: body.device_name.as_deref(),
            },
            &client,
        )
        .await?;
    Ok(Json(session))
}

/// Spends a refresh token for a new pair. A spent token presented again ends its session.
#[utoipa::path(post, path = "/api/auth/refresh", operation_id = "refreshTokens", tag = "auth", request_body = RefreshRequest,
    responses(
        (status = 200, description = "A new pair of tokens", body = TokenPair),
        (status = 400, description = "Malformed JSON", body = ErrorBody),
        (status = 401, description = "Unknown, expired or reused refresh token", body = ErrorBody),
    ))]
async fn refresh(
    State(state): State<AppState>,
    Client(client): Client,
    Json(body): Json<RefreshRequest>,
) -> Result<Json<TokenPair>, ApiError> {
    Ok(Json(
        state.kernel.refresh(&body.refresh_token, &client).await?,
    ))
}

/// Ends the caller's session; its tokens stop working at once.
#[utoipa::path(post, path = "/api/auth/logout", operation_id = "logout", tag = "auth", security(("bearer" = [])),
    responses(
        (status = 204, description = "Session ended"),
        (status = 401, description = "No valid access token", body = ErrorBody),
    ))]
async fn logout(
    State(state): State<AppState>,
    CurrentUser(caller): CurrentUser,
    Client(client): Client,
) -> Result<StatusCode, ApiError> {
    state.kernel.logout(&caller, &client).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Whether the bearer access token is valid, and whose it is.
#[utoipa::path(get, path = "/api/auth/verify", operation_id = "verifyToken", tag = "auth", security(("bearer" = [])),
    responses(
        (status = 200, description = "The token is valid", body = TokenInfo),
        (status = 401, description = "The token is missing, invalid, expired or its session ended", body = ErrorBody),
    ))]
async fn verify(CurrentUser(caller): CurrentUser) -> Json<TokenInfo> {
    Json(TokenInfo {
        valid: true,
        user_id: caller.user_id,
        session_id: caller.session_id,
        platform_role: caller.platform_role,
        expires_at: caller.expires_at,
    })
}

/// The caller's account.
#[utoipa::path(get, path = "/api/auth/me", operation_id = "getMe", tag = "auth", security(("bearer" = [])),
    responses(
        (status = 200, description = "The account", body = User),
        (status = 401, description = "No valid access token", body = ErrorBody),
    ))]
async fn get_me(
    State(state): State<AppState>,
    CurrentUser(caller): CurrentUser,
) -> Result<Json<User>, ApiError> {
    Ok(Json(state.kernel.me(&caller).await?))
}

/// Changes the caller's display name.
#[utoipa::path(patch, path = "/api/auth/me", operation_id = "updateMe", tag = "auth", security(("bearer" = [])),
    request_body = UpdateProfileRequest,
    responses(
        (status = 200, description = "The updated account", body = User),
        (status = 400, description = "Malformed JSON", body = ErrorBody),
        (status = 401, description = "No valid access token", body = ErrorBody),
        (status = 422, description = "Invalid fields", body = ErrorBody),
    ))]
async fn update_me(
    State(state): State<AppState>,
    CurrentUser(caller): CurrentUser,
    Json(body): Json<UpdateProfileRequest>,
) -> Result<Json<User>, ApiError> {
    Ok(Json(
        state
            .kernel
            .update_profile(&caller, body.name.as_deref())
            .await?,
    ))
}

/// Changes the caller's password and ends their other sessions.
#[utoipa::path(post, path = "/api/auth/password", operation_id = "changePassword", tag = "auth", security(("bearer" = [])),
    request_body = ChangePasswordRequest,
    responses(
        (status = 204, description = "Password changed; other sessions ended"),
        (status = 400, description = "Malformed JSON", body = ErrorBody),
        (status = 401, description = "No valid access token", body = ErrorBody),
        (status = 422, description = "Wrong current password or a new one against the policy", body = ErrorBody),
    ))]
async fn change_password(
    State(state): State<AppState>,
    CurrentUser(caller): CurrentUser,
    Client(client): Client,
    Json(body): Json<ChangePasswordRequest>,
) -> Result<StatusCode, ApiError> {
    state
        .kernel
        .change_password(&caller, &body.current_password, &body.new_password, &client)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}
