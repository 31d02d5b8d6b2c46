//! Browser sessions for the web dashboard: a session opened by a login or registration is carried
//! by an opaque HttpOnly cookie (its SHA-256 kept on the session row), so it ends, like any
//! session, on logout, password change or device revocation. Requests made with the cookie prove
//! they come from our own pages with a CSRF token bound to the session.

use hmac::{Hmac, Mac};
use lumiku_store::{now, sql};
use serde::Serialize;
use sha2::Sha256;
use uuid::Uuid;

use crate::audit::AuditEvent;
use crate::context::Caller;
use crate::error::{Error, Result};
use crate::kernel::Kernel;
use crate::token::{hash_refresh_token, hex, random_token};

/// A platform user as administrators see them.
#[derive(Debug, Clone, Serialize, lumiku_plugin::sql::FromRow, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct UserSummary {
    /// User id.
    pub id: Uuid,
    /// Email.
    pub email: String,
    /// Name.
    pub name: Option<String>,
    /// `user` or `admin`.
    pub platform_role: String,
    /// Their personal tenant.
    pub personal_tenant_id: Option<Uuid>,
    /// Its balance.
    pub balance: Option<i64>,
    /// Registered.
    pub created_at: chrono::DateTime<chrono::Utc>,
}

/// A page of users.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct UserPage {
    /// Newest first.
    pub items: Vec<UserSummary>,
    /// Pass as `before` for the next page.
    pub next_cursor: Option<Uuid>,
}

/// A page of the platform-wide audit log.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct PlatformAuditPage {
    /// Newest first.
    pub items: Vec<AuditEvent>,
    /// Pass as `before` for the next page.
    pub next_cursor: Option<Uuid>,
}

impl Kernel {
    /// Gives the session a browser cookie and returns the cookie's value.
    pub async fn attach_browser_cookie(&self, session_id: Uuid) -> Result<String> {
        let token = random_token(32)?;
        let mut tx = self.db.begin().await?;
        let changed =
            sql::query("update sessions set cookie_hash = $2 where id = $1 and revoked_at is null")
                .bind(session_id)
                .bind(hash_refresh_token(&token))
                .execute(&mut tx)
                .await
                .map(|r| r.rows_affected())?;
        tx.commit().await?;
        if changed == 0 {
            return Err(Error::InvalidToken);
        }
        Ok(token)
    }

    /// The caller behind a browser cookie whose session is still live.
    pub async fn authenticate_cookie(&self, cookie: &str) -> Result<Caller> {
        #[derive(lumiku_plugin::sql::FromRow)]
        struct Row {
            id: Uuid,
            user_id: Uuid,
            platform_role: String,
            expires_at: chrono::DateTime<chrono::Utc>,
        }
        let row: Option<Row> = sql::query_as(
            "select s.id, s.user_id, u.platform_role, s.expires_at from sessions s join users u on u.id = s.user_id \
             where s.cookie_hash = $1 and s.revoked_at is null and s.expires_at > $2")
            .bind(hash_refresh_token(cookie))
            .bind(now())
            .fetch_optional(&self.db)
            .await?;
        let row = row.ok_or(Error::InvalidToken)?;
        Ok(Caller {
            user_id: row.user_id,
            session_id: row.id,
            platform_role: row.platform_role,
            expires_at: row.expires_at,
        })
    }

    /// The CSRF token of a session: a keyed hash of its id, so it needs no storage and dies with
    /// the session.
    pub fn csrf_token(&self, session_id: Uuid) -> String {
        let mut mac = Hmac::<Sha256>::new_from_slice(&self.settings.jwt_secret)
            .expect("HMAC takes a key of any length");
        mac.update(b"lumiku csrf\0");
        mac.update(session_id.as_bytes());
        hex(&mac.finalize().into_bytes())
    }

    /// Whether `token` is the session's CSRF token (compared in constant time).
    pub fn verify_csrf(&self, session_id: Uuid, token: &str) -> bool {
        use subtle::ConstantTimeEq as _;
        bool::from(
            self.csrf_token(session_id)
                .as_bytes()
                .ct_eq(token.trim().as_bytes()),
        )
    }

    /// Platform users, newest first, optionally those whose email contains `search`.
    pub async fn admin_users(
        &self,
        admin: &Caller,
        search: Option<&str>,
        before: Option<Uuid>,
        limit: i64,
    ) -> Result<UserPage> {
        admin.require_admin("only platform administrators may list users")?;
        let limit = limit.clamp(1, 200);
        let pattern = search
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(|s| format!("%{}%", s.to_lowercase().replace(['%', '_'], "")));
        let items: Vec<UserSummary> = sql::query_as(
            "select u.id, u.email, u.name, u.platform_role, t.id as personal_tenant_id, \
             w.balance_credits as balance, u.created_at from users u \
             left join tenants t on t.created_by = u.id and t.kind = 'personal' \
             left join wallets w on w.tenant_id = t.id \
             where ($1 is null or u.email like $1) and ($2 is null or u.id < $2) \
             order by u.id desc limit $3",
        )
        .bind(pattern)
        .bind(before)
        .bind(limit)
        .fetch_all(&self.db)
        .await?;
        let next_cursor = (items.len() as i64 == limit)
            .then(|| items.last().map(|u| u.id))
            .flatten();
        Ok(UserPage { items, next_cursor })
    }

    /// The platform-wide audit log (every tenant's and none's), newest first.
    pub async fn admin_audit(
        &self,
        admin: &Caller,
        action: Option<&str>,
        before: Option<Uuid>,
        limit: i64,
    ) -> Result<PlatformAuditPage> {
        admin.require_admin("only platform administrators may read the platform's audit log")?;
        let limit = limit.clamp(1, 200);
        let action = action.map(str::trim).filter(|a| !a.is_empty());
        let items: Vec<AuditEvent> = sql::query_as(
            "select id, tenant_id, actor_user_id, action, target_type, target_id, ip_address, details, created_at \
             from audit_events where ($1 is null or action = $1) and ($2 is null or id < $2) \
             order by id desc limit $3")
            .bind(action)
            .bind(before)
            .bind(limit)
            .fetch_all(&self.db)
            .await?;
        let next_cursor = (items.len() as i64 == limit)
            .then(|| items.last().map(|e| e.id))
            .flatten();
        Ok(PlatformAuditPage { items, next_cursor })
    }
}
