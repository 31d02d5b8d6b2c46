//! The append-only audit log: who did what, in which tenant, from where. Every entry is written on
//! the transaction of the change it records, so the log never claims a change that rolled back.

use chrono::{DateTime, Utc};
use lumiku_store::sql::{self, Json};
use lumiku_store::{Tx, new_id, now};
use serde::Serialize;
use serde_json::Value;
use uuid::Uuid;

use crate::error::Result;

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
    /// An operator set a password with `lumiku admin reset-password`; every session was ended.
    pub const PASSWORD_RESET: &str = "auth.password_reset";
    /// An operator changed an account's platform role with `lumiku admin promote`/`demote`.
    pub const PLATFORM_ROLE_CHANGED: &str = "user.platform_role_changed";
    /// A device was revoked with its sessions.
    pub const DEVICE_REVOKED: &str = "device.revoked";
    /// A tenant was created.
    pub const TENANT_CREATED: &str = "tenant.created";
    /// An owner exported the tenant's data.
    pub const TENANT_EXPORTED: &str = "tenant.exported";
    /// A member was added to a tenant.
    pub const MEMBER_ADDED: &str = "member.added";
    /// A member's role changed.
    pub const MEMBER_ROLE_CHANGED: &str = "member.role_changed";
    /// A member left or was removed.
    pub const MEMBER_REMOVED: &str = "member.removed";
    /// An API key was made.
    pub const API_KEY_CREATED: &str = "api_key.created";
    /// An API key was revoked.
    pub const API_KEY_REVOKED: &str = "api_key.revoked";
    /// A webhook endpoint was added.
    pub const WEBHOOK_ENDPOINT_CREATED: &str = "webhook_endpoint.created";
    /// A webhook endpoint was removed.
    pub const WEBHOOK_ENDPOINT_DELETED: &str = "webhook_endpoint.deleted";
    /// A platform administrator granted or adjusted credits.
    pub const CREDITS_ADJUSTED: &str = "credits.adjusted";
    /// A platform administrator changed an app's registry state.
    pub const APP_UPDATED: &str = "app.updated";
    /// A platform administrator published an app (changed whom the catalogue offers it to).
    pub const APP_PUBLISHED: &str = "app.published";
    /// An app was installed in a tenant.
    pub const APP_INSTALLED: &str = "app.installed";
    /// An app was uninstalled from a tenant (its rows kept, or purged).
    pub const APP_UNINSTALLED: &str = "app.uninstalled";
    /// A tenant opted into or out of beta apps.
    pub const TENANT_BETA_APPS: &str = "tenant.beta_apps";
    /// A platform administrator changed a plan.
    pub const PLAN_UPDATED: &str = "plan.updated";
    /// A platform administrator changed a credit package.
    pub const PACKAGE_UPDATED: &str = "credit_package.updated";
    /// A trial started.
    pub const SUBSCRIPTION_TRIAL_STARTED: &str = "subscription.trial_started";
    /// An account proved its e-mail address.
    pub const EMAIL_VERIFIED: &str = "account.email_verified";
    /// A paid plan took effect (first payment, change of plan, or renewal).
    pub const SUBSCRIPTION_ACTIVATED: &str = "subscription.activated";
    /// The subscription was set to end at its period's end.
    pub const SUBSCRIPTION_CANCEL_REQUESTED: &str = "subscription.cancel_requested";
    /// A pending cancellation was undone.
    pub const SUBSCRIPTION_RESUMED: &str = "subscription.resumed";
    /// The period ended unpaid; a renewal invoice was issued.
    pub const SUBSCRIPTION_PAST_DUE: &str = "subscription.past_due";
    /// The subscription ended; the tenant is on the free plan.
    pub const SUBSCRIPTION_CANCELED: &str = "subscription.canceled";
    /// A period's monthly credits were granted.
    pub const SUBSCRIPTION_CREDITS_GRANTED: &str = "subscription.credits_granted";
    /// A draft invoice was made.
    pub const INVOICE_DRAFTED: &str = "invoice.drafted";
    /// An invoice was issued (numbered).
    pub const INVOICE_ISSUED: &str = "invoice.issued";
    /// An invoice was voided.
    pub const INVOICE_VOIDED: &str = "invoice.voided";
    /// A payment was opened at the gateway.
    pub const PAYMENT_CREATED: &str = "payment.created";
    /// A payment succeeded and its invoice was settled.
    pub const PAYMENT_SUCCEEDED: &str = "payment.succeeded";
    /// A payment failed.
    pub const PAYMENT_FAILED: &str = "payment.failed";
    /// A payment succeeded for an invoice another payment had already paid (to refund).
    pub const PAYMENT_DUPLICATE: &str = "payment.duplicate";
    /// A gateway callback was refused (bad signature, unknown order, wrong amount, unconfirmed).
    pub const PAYMENT_CALLBACK_REJECTED: &str = "payment.callback_rejected";
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
#[derive(Debug, Clone, Serialize, lumiku_plugin::sql::FromRow, utoipa::ToSchema)]
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

/// `snake_case` as `camelCase` (`api_key` → `apiKey`).
fn camel(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    let mut upper = false;
    for c in name.chars() {
        if c == '_' {
            upper = true;
        } else if upper {
            out.extend(c.to_uppercase());
            upper = false;
        } else {
            out.push(c);
        }
    }
    out
}

/// Appends `event` on `tx`. An action that is also a webhook event (`member.added`,
/// `payment.succeeded`, ...; [`crate::webhooks::events::EVENTS`]) is emitted to the tenant's endpoints in
/// the same transaction: what is audited is told, and what rolls back is neither.
pub async fn record(tx: &mut Tx, event: NewAuditEvent<'_>) -> Result<()> {
    const SQL: &str = "insert into audit_events \
        (id, tenant_id, actor_user_id, action, target_type, target_id, ip_address, details, created_at) \
        values ($1, $2, $3, $4, $5, $6, $7, $8, $9)";
    let now = now();
    if let Some(tenant_id) = event.tenant_id
        && crate::webhooks::events::is_event(event.action)
    {
        let mut data = match &event.details {
            Value::Object(fields) => fields.clone(),
            _ => serde_json::Map::new(),
        };
        data.insert("tenantId".into(), Value::from(tenant_id.to_string()));
        if let (Some(kind), Some(id)) = (event.target_type, event.target_id.as_deref()) {
            data.insert(format!("{}Id", camel(kind)), Value::from(id));
        }
        if let Some(actor) = event.actor_user_id {
            data.insert("actorUserId".into(), Value::from(actor.to_string()));
        }
        crate::webhooks::outbox::emit(tx, tenant_id, event.action, Value::Object(data), now)
            .await?;
    }
    sql::query(SQL)
        .bind(new_id())
        .bind(event.tenant_id)
        .bind(event.actor_user_id)
        .bind(event.action)
        .bind(event.target_type)
        .bind(event.target_id)
        .bind(event.ip_address)
        .bind(Json(event.details))
        .bind(now)
        .execute(&mut *tx)
        .await
        .map(|r| r.rows_affected())?;
    Ok(())
}

/// Appends `event`, about a user's own account, to that user's personal tenant's log.
pub async fn record_for_user(tx: &mut Tx, user_id: Uuid, event: NewAuditEvent<'_>) -> Result<()> {
    let tenant_id = crate::users::personal_tenant_id(tx, user_id).await?;
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
    let rows = sql::query_as::<AuditEvent>(SQL)
        .bind(tenant_id)
        .bind(action)
        .bind(before)
        .bind(limit)
        .fetch_all(&mut *tx)
        .await?;
    Ok(rows)
}
