//! The administration page: apps, users with credit adjustments, and the platform's audit log.

use askama::Template;
use axum::extract::{Query, State};
use axum::response::Response;
use lumiku_kernel::registry::AppRecord;
use serde::Deserialize;
use uuid::Uuid;

use super::home::when;
use super::{Chrome, PageError, WebSession, framed, group_digits};
use crate::AppState;

struct UserRow {
    id: Uuid,
    email: String,
    name: String,
    role: String,
    since: String,
    balance: String,
    tenant_id: Option<Uuid>,
}

struct AuditRow {
    when: String,
    action: String,
    target: String,
    tenant: String,
    ip: String,
}

#[derive(Template)]
#[template(path = "web/admin.html")]
struct AdminPage {
    apps: Vec<AppRecord>,
    search: String,
    users: Vec<UserRow>,
    users_next: Option<Uuid>,
    action: String,
    audit: Vec<AuditRow>,
    audit_next: Option<Uuid>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct AdminQuery {
    q: String,
    users_before: Option<Uuid>,
    action: String,
    audit_before: Option<Uuid>,
}

/// Platform administrators only; anyone else is told the page is not theirs.
pub async fn admin(
    State(state): State<AppState>,
    session: WebSession,
    Query(query): Query<AdminQuery>,
) -> Result<Response, PageError> {
    let kernel = &state.kernel;
    let users = kernel
        .admin_users(&session.caller, Some(&query.q), query.users_before, 50)
        .await?;
    let audit = kernel
        .admin_audit(&session.caller, Some(&query.action), query.audit_before, 50)
        .await?;
    let chrome = Chrome::load(&state, &session, "admin").await?;
    let page = AdminPage {
        apps: kernel.list_app_records().await?,
        search: query.q.clone(),
        users: users
            .items
            .into_iter()
            .map(|u| UserRow {
                id: u.id,
                email: u.email,
                name: u.name.unwrap_or_default(),
                role: u.platform_role,
                since: when(u.created_at),
                balance: u.balance.map(group_digits).unwrap_or_default(),
                tenant_id: u.personal_tenant_id,
            })
            .collect(),
        users_next: users.next_cursor,
        action: query.action.clone(),
        audit: audit
            .items
            .into_iter()
            .map(|e| AuditRow {
                when: when(e.created_at),
                action: e.action,
                target: match (e.target_type, e.target_id) {
                    (Some(kind), Some(id)) => format!("{kind} {id}"),
                    (Some(kind), None) => kind,
                    _ => String::new(),
                },
                tenant: e.tenant_id.map(|t| t.to_string()).unwrap_or_default(),
                ip: e.ip_address.unwrap_or_default(),
            })
            .collect(),
        audit_next: audit.next_cursor,
    };
    framed(&chrome, "Administration", &page)
}
