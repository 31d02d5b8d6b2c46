//! Tenants, their members and roles. Every user owns a personal tenant; teams are tenants with
//! several members. A caller who is not a member of a tenant is told it does not exist.
//!
//! Roles map to permissions in [`Role::can`], the one place that decides who may do what.

use chrono::{DateTime, Utc};
use lumiku_store::{Backend, Tx, is_unique_violation, new_id, now, sql};
use serde::Serialize;
use serde_json::json;
use uuid::Uuid;

use crate::audit::{self, AuditEvent, NewAuditEvent, action};
use crate::context::{Caller, ClientInfo, TenantAccess};
use crate::error::{Error, Result};
use crate::kernel::Kernel;
use crate::users::{Email, User};

pub use lumiku_plugin::role::{Permission, Role};

fn parse_role(name: &str) -> Result<Role> {
    Role::parse(name)
        .ok_or_else(|| Error::invalid("role", "must be one of owner, admin, member, viewer"))
}

/// A tenant as one of its members sees it.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Tenant {
    /// Tenant id.
    pub id: Uuid,
    /// Display name.
    pub name: String,
    /// `personal` or `team`.
    pub kind: String,
    /// The caller's role in it.
    pub role: Role,
    /// When it was made.
    pub created_at: DateTime<Utc>,
}

#[derive(lumiku_plugin::sql::FromRow)]
struct TenantRow {
    id: Uuid,
    name: String,
    kind: String,
    role: String,
    created_at: DateTime<Utc>,
}

impl TryFrom<TenantRow> for Tenant {
    type Error = Error;
    fn try_from(row: TenantRow) -> Result<Self> {
        Ok(Tenant {
            id: row.id,
            name: row.name,
            kind: row.kind,
            role: parse_role(&row.role)?,
            created_at: row.created_at,
        })
    }
}

/// A member of a tenant.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Member {
    /// The member's user id.
    pub user_id: Uuid,
    /// Their email.
    pub email: String,
    /// Their name.
    pub name: Option<String>,
    /// Their role.
    pub role: Role,
    /// When they joined.
    pub joined_at: DateTime<Utc>,
}

#[derive(lumiku_plugin::sql::FromRow)]
struct MemberRow {
    user_id: Uuid,
    email: String,
    name: Option<String>,
    role: String,
    created_at: DateTime<Utc>,
}

impl TryFrom<MemberRow> for Member {
    type Error = Error;
    fn try_from(row: MemberRow) -> Result<Self> {
        Ok(Member {
            user_id: row.user_id,
            email: row.email,
            name: row.name,
            role: parse_role(&row.role)?,
            joined_at: row.created_at,
        })
    }
}

/// A page of the audit log.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct AuditPage {
    /// Entries, newest first.
    pub items: Vec<AuditEvent>,
    /// Pass as `before` to get the next page; absent on the last page.
    pub next_cursor: Option<Uuid>,
}

const TENANT_SELECT: &str = "select t.id, t.name, t.kind, m.role, t.created_at \
    from tenants t join tenant_members m on m.tenant_id = t.id";

const MEMBER_SELECT: &str = "select m.user_id, u.email, u.name, m.role, m.created_at \
    from tenant_members m join users u on u.id = m.user_id";

fn check_tenant_name(name: &str) -> Result<String> {
    lumiku_plugin::text::one_line(name, 100)
        .map(str::to_owned)
        .map_err(|message| Error::invalid("name", message))
}

/// Creates `user`'s personal tenant with them as owner.
pub(crate) async fn create_personal(tx: &mut Tx, user: &User, now: DateTime<Utc>) -> Result<Uuid> {
    let base = user
        .name
        .clone()
        .unwrap_or_else(|| user.email.split('@').next().unwrap_or("My").to_owned());
    let name: String = format!("{base}'s workspace").chars().take(100).collect();
    insert_tenant(tx, &name, "personal", user.id, now).await
}

async fn insert_tenant(
    tx: &mut Tx,
    name: &str,
    kind: &str,
    owner: Uuid,
    now: DateTime<Utc>,
) -> Result<Uuid> {
    let id = new_id();
    sql::query(
        "insert into tenants (id, name, kind, created_by, created_at, updated_at) values ($1, $2, $3, $4, $5, $5)")
        .bind(id)
        .bind(name)
        .bind(kind)
        .bind(owner)
        .bind(now)
        .execute(&mut *tx)
        .await.map(|r| r.rows_affected())?;
    insert_member(tx, id, owner, Role::Owner, now).await?;
    crate::credits::create_wallet(tx, id, now).await?;
    // A new tenant starts with the apps marked to install by default that everyone is offered.
    sql::query(
        "insert into tenant_apps (tenant_id, app_id, installed, installed_by, installed_at) \
         select $1, app_id, true, $2, $3 from apps where default_install and visibility = 'public'",
    )
    .bind(id)
    .bind(owner)
    .bind(now)
    .execute(&mut *tx)
    .await?;
    Ok(id)
}

async fn insert_member(
    tx: &mut Tx,
    tenant_id: Uuid,
    user_id: Uuid,
    role: Role,
    now: DateTime<Utc>,
) -> Result<()> {
    sql::query(
        "insert into tenant_members (tenant_id, user_id, role, created_at, updated_at) values ($1, $2, $3, $4, $4)")
        .bind(tenant_id)
        .bind(user_id)
        .bind(role.as_str())
        .bind(now)
        .execute(&mut *tx)
        .await.map(|r| r.rows_affected())
    .map_err(|e| {
        if is_unique_violation(&e) {
            Error::Conflict { code: "already_member", message: "This user is already a member of the tenant" }
        } else {
            e.into()
        }
    })?;
    Ok(())
}

/// Serialises changes to one tenant (its membership, its plan), so two concurrent changes cannot
/// both act on what the other is changing. SQLite's write transactions are already serial.
pub(crate) async fn lock_tenant(tx: &mut Tx, tenant_id: Uuid) -> Result<()> {
    if tx.backend() == Backend::Postgres {
        sql::query("select id from tenants where id = $1 for update")
            .bind(tenant_id)
            .execute(tx)
            .await?;
    }
    Ok(())
}

async fn member_role(tx: &mut Tx, tenant_id: Uuid, user_id: Uuid) -> Result<Option<Role>> {
    let role: Option<String> =
        sql::query_scalar("select role from tenant_members where tenant_id = $1 and user_id = $2")
            .bind(tenant_id)
            .bind(user_id)
            .fetch_optional(&mut *tx)
            .await?;
    role.map(|r| parse_role(&r)).transpose()
}

async fn owner_count(tx: &mut Tx, tenant_id: Uuid) -> Result<i64> {
    Ok(sql::query_scalar(
        "select count(*) from tenant_members where tenant_id = $1 and role = 'owner'",
    )
    .bind(tenant_id)
    .fetch_one(&mut *tx)
    .await?)
}

const LAST_OWNER: Error = Error::Conflict {
    code: "last_owner",
    message: "A tenant must keep at least one owner",
};

const PERSONAL_OWNER: Error = Error::Conflict {
    code: "personal_owner",
    message: "A personal workspace always belongs to the person it was made for: they stay its \
              owner and cannot be removed",
};

/// Refuses a change that would take `user_id` out of ownership of their own personal tenant: it
/// may be shared, even with other owners, but never taken from its person.
async fn keep_personal_owner(tx: &mut Tx, tenant_id: Uuid, user_id: Uuid) -> Result<()> {
    let creator: Option<Uuid> =
        sql::query_scalar("select created_by from tenants where id = $1 and kind = 'personal'")
            .bind(tenant_id)
            .fetch_optional(&mut *tx)
            .await?;
    if creator == Some(user_id) {
        Err(PERSONAL_OWNER)
    } else {
        Ok(())
    }
}

impl Kernel {
    /// The tenant a request acts in: `requested` (the `X-Tenant-Id` header's) if the caller is a
    /// member, else, when none is requested, the caller's personal tenant. Not a member → not found.
    pub async fn resolve_tenant(
        &self,
        caller: &Caller,
        requested: Option<Uuid>,
    ) -> Result<TenantAccess> {
        let role: Option<(Uuid, String)> = match requested {
            Some(tenant_id) => sql::query_as(
                "select tenant_id, role from tenant_members where tenant_id = $1 and user_id = $2")
                .bind(tenant_id)
                .bind(caller.user_id)
                .fetch_optional(&self.db)
                .await?,
            None => sql::query_as(
                "select m.tenant_id, m.role from tenant_members m join tenants t on t.id = m.tenant_id \
                 where t.created_by = $1 and t.kind = 'personal' and m.user_id = $1")
                .bind(caller.user_id)
                .fetch_optional(&self.db)
                .await?,
        };
        let (tenant_id, role) = role.ok_or(Error::NotFound("tenant"))?;
        Ok(TenantAccess {
            tenant_id,
            role: parse_role(&role)?,
        })
    }

    /// The caller's membership of `tenant_id`; not a member → not found.
    pub async fn tenant_access(&self, caller: &Caller, tenant_id: Uuid) -> Result<TenantAccess> {
        self.resolve_tenant(caller, Some(tenant_id)).await
    }

    /// Creates a team tenant owned by the caller.
    pub async fn create_tenant(
        &self,
        caller: &Caller,
        name: &str,
        client: &ClientInfo,
    ) -> Result<Tenant> {
        let name = check_tenant_name(name)?;
        let now = now();
        let mut tx = self.db.begin().await?;
        let id = insert_tenant(&mut tx, &name, "team", caller.user_id, now).await?;
        audit::record(
            &mut tx,
            NewAuditEvent {
                tenant_id: Some(id),
                actor_user_id: Some(caller.user_id),
                action: action::TENANT_CREATED,
                target_type: Some("tenant"),
                target_id: Some(id.to_string()),
                ip_address: client.ip.as_deref(),
                details: json!({ "name": name }),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(Tenant {
            id,
            name,
            kind: "team".into(),
            role: Role::Owner,
            created_at: now,
        })
    }

    /// Every tenant the caller belongs to, oldest first (the personal one comes first).
    pub async fn list_tenants(&self, caller: &Caller) -> Result<Vec<Tenant>> {
        let sql = format!("{TENANT_SELECT} where m.user_id = $1 order by t.created_at, t.id");
        let rows = sql::query_as::<TenantRow>(sql::AssertSqlSafe(sql))
            .bind(caller.user_id)
            .fetch_all(&self.db)
            .await?;
        rows.into_iter().map(Tenant::try_from).collect()
    }

    /// One tenant the caller belongs to.
    pub async fn get_tenant(&self, caller: &Caller, tenant_id: Uuid) -> Result<Tenant> {
        let access = self.tenant_access(caller, tenant_id).await?;
        let mut tx = self.db.begin_tenant(access.tenant_id).await?;
        let sql = format!("{TENANT_SELECT} where t.id = $1 and m.user_id = $2");
        let row = sql::query_as::<TenantRow>(sql::AssertSqlSafe(sql))
            .bind(tenant_id)
            .bind(caller.user_id)
            .fetch_optional(&mut tx)
            .await?;
        tx.commit().await?;
        row.ok_or(Error::NotFound("tenant"))?.try_into()
    }

    /// The members of a tenant the caller belongs to.
    pub async fn list_members(&self, caller: &Caller, tenant_id: Uuid) -> Result<Vec<Member>> {
        let access = self.tenant_access(caller, tenant_id).await?;
        access.require(Permission::Read)?;
        let mut tx = self.db.begin_tenant(access.tenant_id).await?;
        let sql =
            // People: an API key's service identity is listed with the keys.
            format!(
                "{MEMBER_SELECT} where m.tenant_id = $1 and u.kind = 'person' \
                 order by m.created_at, m.user_id"
            );
        let rows = sql::query_as::<MemberRow>(sql::AssertSqlSafe(sql))
            .bind(tenant_id)
            .fetch_all(&mut tx)
            .await?;
        tx.commit().await?;
        rows.into_iter().map(Member::try_from).collect()
    }

    /// Adds the account with `email` to the tenant with `role`.
    pub async fn add_member(
        &self,
        caller: &Caller,
        tenant_id: Uuid,
        email: &str,
        role: Role,
        client: &ClientInfo,
    ) -> Result<Member> {
        let access = self.tenant_access(caller, tenant_id).await?;
        access.require(Permission::ManageMembers)?;
        if role == Role::Owner {
            access.require(Permission::ManageOwners)?;
        }
        let email = Email::parse(email).map_err(|m| Error::invalid("email", m))?;
        let user_id = crate::users::find_user_id(&self.db, email.as_str())
            .await?
            .ok_or_else(|| Error::invalid("email", "no account uses this email address"))?;
        let now = now();
        let mut tx = self.db.begin_tenant(tenant_id).await?;
        lock_tenant(&mut tx, tenant_id).await?;
        insert_member(&mut tx, tenant_id, user_id, role, now).await?;
        audit::record(
            &mut tx,
            NewAuditEvent {
                tenant_id: Some(tenant_id),
                actor_user_id: Some(caller.user_id),
                action: action::MEMBER_ADDED,
                target_type: Some("member"),
                target_id: Some(user_id.to_string()),
                ip_address: client.ip.as_deref(),
                details: json!({ "email": email.as_str(), "role": role }),
            },
        )
        .await?;
        let member = self.fetch_member(&mut tx, tenant_id, user_id).await?;
        tx.commit().await?;
        Ok(member)
    }

    async fn fetch_member(&self, tx: &mut Tx, tenant_id: Uuid, user_id: Uuid) -> Result<Member> {
        let sql = format!("{MEMBER_SELECT} where m.tenant_id = $1 and m.user_id = $2");
        let row = sql::query_as::<MemberRow>(sql::AssertSqlSafe(sql))
            .bind(tenant_id)
            .bind(user_id)
            .fetch_optional(&mut *tx)
            .await?;
        row.ok_or(Error::NotFound("member"))?.try_into()
    }

    /// Changes a member's role. Owners are managed by owners only; the last owner stays owner, and
    /// so does the person a personal tenant was made for.
    pub async fn update_member(
        &self,
        caller: &Caller,
        tenant_id: Uuid,
        user_id: Uuid,
        role: Role,
        client: &ClientInfo,
    ) -> Result<Member> {
        let access = self.tenant_access(caller, tenant_id).await?;
        access.require(Permission::ManageMembers)?;
        let now = now();
        let mut tx = self.db.begin_tenant(tenant_id).await?;
        lock_tenant(&mut tx, tenant_id).await?;
        let previous = member_role(&mut tx, tenant_id, user_id)
            .await?
            .ok_or(Error::NotFound("member"))?;
        if previous == Role::Owner || role == Role::Owner {
            access.require(Permission::ManageOwners)?;
        }
        if previous == role {
            let member = self.fetch_member(&mut tx, tenant_id, user_id).await?;
            tx.commit().await?;
            return Ok(member);
        }
        keep_personal_owner(&mut tx, tenant_id, user_id).await?;
        sql::query(
            "update tenant_members set role = $3, updated_at = $4 where tenant_id = $1 and user_id = $2")
            .bind(tenant_id)
            .bind(user_id)
            .bind(role.as_str())
            .bind(now)
            .execute(&mut tx)
            .await.map(|r| r.rows_affected())?;
        if owner_count(&mut tx, tenant_id).await? == 0 {
            return Err(LAST_OWNER);
        }
        audit::record(
            &mut tx,
            NewAuditEvent {
                tenant_id: Some(tenant_id),
                actor_user_id: Some(caller.user_id),
                action: action::MEMBER_ROLE_CHANGED,
                target_type: Some("member"),
                target_id: Some(user_id.to_string()),
                ip_address: client.ip.as_deref(),
                details: json!({ "from": previous, "to": role }),
            },
        )
        .await?;
        let member = self.fetch_member(&mut tx, tenant_id, user_id).await?;
        tx.commit().await?;
        Ok(member)
    }

    /// Removes a member (or lets a member leave). The last owner cannot go, nor the person a
    /// personal tenant was made for.
    pub async fn remove_member(
        &self,
        caller: &Caller,
        tenant_id: Uuid,
        user_id: Uuid,
        client: &ClientInfo,
    ) -> Result<()> {
        let access = self.tenant_access(caller, tenant_id).await?;
        let leaving = user_id == caller.user_id;
        if !leaving {
            access.require(Permission::ManageMembers)?;
        }
        let mut tx = self.db.begin_tenant(tenant_id).await?;
        lock_tenant(&mut tx, tenant_id).await?;
        let previous = member_role(&mut tx, tenant_id, user_id)
            .await?
            .ok_or(Error::NotFound("member"))?;
        if previous == Role::Owner && !leaving {
            access.require(Permission::ManageOwners)?;
        }
        keep_personal_owner(&mut tx, tenant_id, user_id).await?;
        sql::query("delete from tenant_members where tenant_id = $1 and user_id = $2")
            .bind(tenant_id)
            .bind(user_id)
            .execute(&mut tx)
            .await
            .map(|r| r.rows_affected())?;
        if previous == Role::Owner && owner_count(&mut tx, tenant_id).await? == 0 {
            return Err(LAST_OWNER);
        }
        audit::record(
            &mut tx,
            NewAuditEvent {
                tenant_id: Some(tenant_id),
                actor_user_id: Some(caller.user_id),
                action: action::MEMBER_REMOVED,
                target_type: Some("member"),
                target_id: Some(user_id.to_string()),
                ip_address: client.ip.as_deref(),
                details: json!({ "role": previous, "left": leaving }),
            },
        )
        .await?;
        // Their realtime connections to the tenant close on every node when this commits.
        let kick = crate::realtime::Envelope::Kick {
            tenant: tenant_id,
            user: user_id,
        };
        self.realtime.publish_on(&mut tx, kick).await?;
        tx.commit().await?;
        Ok(())
    }

    /// A page of the tenant's audit log, for its owners and admins.
    pub async fn audit_log(
        &self,
        caller: &Caller,
        tenant_id: Uuid,
        action: Option<&str>,
        before: Option<Uuid>,
        limit: i64,
    ) -> Result<AuditPage> {
        let access = self.tenant_access(caller, tenant_id).await?;
        access.require(Permission::ReadAudit)?;
        let limit = limit.clamp(1, 200);
        let mut tx = self.db.begin_tenant(tenant_id).await?;
        let items = audit::list(&mut tx, tenant_id, action, before, limit).await?;
        tx.commit().await?;
        let next_cursor = if items.len() as i64 == limit {
            items.last().map(|e| e.id)
        } else {
            None
        };
        Ok(AuditPage { items, next_cursor })
    }
}

/// The role named `name` (for request bodies).
pub fn role_from_name(name: &str) -> Result<Role> {
    parse_role(name)
}

/// The members of `tx`'s tenant as an app sees them (the SDK's `members`): no join times.
pub(crate) async fn app_members(tx: &mut Tx) -> Result<Vec<lumiku_plugin::context::Member>> {
    let tenant_id = tx.tenant().ok_or_else(|| {
        Error::Internal(anyhow::anyhow!(
            "members are read on a tenant's transaction"
        ))
    })?;
    let sql = format!("{MEMBER_SELECT} where m.tenant_id = $1 order by m.created_at, m.user_id");
    let rows = sql::query_as::<MemberRow>(sql::AssertSqlSafe(sql))
        .bind(tenant_id)
        .fetch_all(&mut *tx)
        .await?;
    rows.into_iter()
        .map(|row| {
            let member = Member::try_from(row)?;
            Ok(lumiku_plugin::context::Member {
                user_id: member.user_id,
                name: member.name.unwrap_or_else(|| member.email.clone()),
                email: member.email,
                role: member.role,
            })
        })
        .collect()
}
