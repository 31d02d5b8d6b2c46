//! The append-only audit log: who did what, in which tenant, from where. Every entry is written on
//! the transaction of the change it records, so the log never claims a change that rolled back.

use chrono::{DateTime, Utc};
use serde::Serialize;
use serde_json::Value;
use sqlx::types::Json;
use uuid::Uuid;

use crate::db::{Tx, new_id, now};
use crate::error::Result;
use crate::with_tx;

/// The audited actions; their strings are stable (clients filter on them).
pub mod action {
    /// An account was registered.
    pub const REGISTER: &str = "auth.register";
    /// A login succeeded.
    pub const LOGIN: &str = "auth.login";
    /// A login failed (wrong email or password).
    pub const LOGIN_FAILED: &str = "auth.login_failed";
    /// A spent refresh token was presented again; the session was revoked.
    pub const REFRESH_REUSED: &str = "auth.refresh_reused";
    /// A session was ended by its user.
    pub const LOGOUT: &str = "auth.logout";
    /// A password was changed; other sessions were ended.
    pub const PASSWORD_CHANGED: &str = "auth.password_changed";
    /// A device was revoked with its sessions.
    pub const DEVICE_REVOKED: &str = "device.revoked";
    /// A tenant was created.
    pub const TENANT_CREATED: &str = "tenant.created";
    /// A member was added to a tenant.
    pub const MEMBER_ADDED: &str = "member.added";
    /// A member's role changed.
    pub const MEMBER_ROLE_CHANGED: &str = "member.role_changed";
    /// A member left or was removed.
    pub const MEMBER_REMOVED: &str = "member.removed";
    /// A platform administrator granted or adjusted credits.
    pub const CREDITS_ADJUSTED: &str = "credits.adjusted";
    /// A platform administrator changed an app's registry state.
    pub const APP_UPDATED: &str = "app.updated";
}

/// An entry to append.
#[derive(Debug)]
pub struct NewAuditEvent<'a> {
    /// The tenant whose log it goes in (`None` for events tied to no tenant, e.g. a failed login
    /// for an unknown email).
    pub tenant_id: Option<Uuid>,
    /// Who did it, if known.
    pub actor_user_id: Option<Uuid>,
    /// One of [`action`].
    pub action: &'static str,
    /// The kind of thing acted on (`user`, `session`, `device`, `tenant`, `member`).
    pub target_type: Option<&'static str>,
    /// Its id.
    pub target_id: Option<String>,
    /// The client's IP address.
    pub ip_address: Option<&'a str>,
    /// Anything else worth keeping.
    pub details: Value,
}

/// A stored audit entry.
#[derive(Debug, Clone, Serialize, sqlx::FromRow, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct AuditEvent {
    /// Time-ordered id; also the pagination cursor.
    pub id: Uuid,
    /// The tenant.
    pub tenant_id: Option<Uuid>,
    /// Who did it.
    pub actor_user_id: Option<Uuid>,
    /// What was done.
    pub action: String,
    /// Kind of target.
    pub target_type: Option<String>,
    /// Target id.
    pub target_id: Option<String>,
    /// Client IP.
    pub ip_address: Option<String>,
    /// Extra details.
    #[schema(value_type = Object)]
    pub details: Json<Value>,
    /// When.
    pub created_at: DateTime<Utc>,
}

/// Appends `event` on `tx`.
pub async fn record(tx: &mut Tx, event: NewAuditEvent<'_>) -> Result<()> {
    const SQL: &str = "insert into audit_events \
        (id, tenant_id, actor_user_id, action, target_type, target_id, ip_address, details, created_at) \
        values ($1, $2, $3, $4, $5, $6, $7, $8, $9)";
    with_tx!(tx, conn => sqlx::query(SQL)
        .bind(new_id())
        .bind(event.tenant_id)
        .bind(event.actor_user_id)
        .bind(event.action)
        .bind(event.target_type)
        .bind(event.target_id)
        .bind(event.ip_address)
        .bind(Json(event.details))
        .bind(now())
        .execute(conn)
        .await.map(|r| r.rows_affected()))?;
    Ok(())
}

/// Appends `event`, about a user's own account, to that user's personal tenant's log.
pub async fn record_for_user(tx: &mut Tx, user_id: Uuid, event: NewAuditEvent<'_>) -> Result<()> {
    let tenant_id = crate::tenants::personal_tenant_id(tx, user_id).await?;
    record(
        tx,
        NewAuditEvent {
            tenant_id: Some(tenant_id),
            ..event
        },
    )
    .await
}

/// A page of a tenant's log, newest first, optionally only one action, strictly older than
/// `before` (the previous page's last id).
pub async fn list(
    tx: &mut Tx,
    tenant_id: Uuid,
    action: Option<&str>,
    before: Option<Uuid>,
    limit: i64,
) -> Result<Vec<AuditEvent>> {
    const SQL: &str = "select id, tenant_id, actor_user_id, action, target_type, target_id, \
        ip_address, details, created_at from audit_events \
        where tenant_id = $1 and ($2 is null or action = $2) and ($3 is null or id < $3) \
        order by id desc limit $4";
    let rows = with_tx!(tx, conn => sqlx::query_as::<_, AuditEvent>(SQL)
        .bind(tenant_id)
        .bind(action)
        .bind(before)
        .bind(limit)
        .fetch_all(conn)
        .await)?;
    Ok(rows)
}
