//! The app registry's stored state, app migrations, and idempotency keys of metered requests.
//!
//! Compiled-in apps are known by their manifests; what admins change at runtime (enabled, beta,
//! coming soon, order) and what usage accumulates (total usage, active users) lives in the `apps`
//! table, read on every request so a change reaches every node at once.

use chrono::{DateTime, Utc};
use lumiku_plugin::sql::{self, Json};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use uuid::Uuid;

use lumiku_plugin::{Manifest, Migration, Tier};

use crate::accounts::Caller;
use crate::audit::{self, NewAuditEvent, action};
use crate::db::{Backend, Db, Tx, now};
use crate::error::{Error, Result};
use crate::gate::{CredentialKey, GateKey};
use crate::token::hex;
use crate::{ClientInfo, Kernel, with_db, with_tx};

/// An app's stored state.
#[derive(Debug, Clone, Serialize, lumiku_plugin::sql::FromRow, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct AppRecord {
    /// The app's id.
    pub app_id: String,
    /// Display name (from the manifest).
    pub name: String,
    /// Version (from the manifest).
    pub version: String,
    /// Mounted and usable.
    pub enabled: bool,
    /// Beta badge.
    pub beta: bool,
    /// Coming soon: listed as such, cannot be opened.
    pub coming_soon: bool,
    /// Dashboard position.
    pub dashboard_order: i32,
    /// Metered actions performed, all tenants.
    pub total_usage: i64,
    /// Distinct users who performed one.
    pub active_users: i64,
    /// Last change.
    pub updated_at: DateTime<Utc>,
}

/// An app's state as administrators set it, without its counters.
#[derive(Debug, Clone, lumiku_plugin::sql::FromRow)]
pub struct AppFlags {
    /// The app's id.
    pub app_id: String,
    /// Mounted and usable.
    pub enabled: bool,
    /// Beta badge.
    pub beta: bool,
    /// Coming soon: listed as such, cannot be opened.
    pub coming_soon: bool,
    /// Dashboard position.
    pub dashboard_order: i32,
}

const FLAG_COLUMNS: &str = "app_id, enabled, beta, coming_soon, dashboard_order";

/// An administrator's change to an app's state; absent fields stay.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(default, rename_all = "camelCase")]
pub struct AppPatch {
    /// Mount or unmount it.
    pub enabled: Option<bool>,
    /// Beta badge.
    pub beta: Option<bool>,
    /// Coming soon.
    pub coming_soon: Option<bool>,
    /// Dashboard position.
    pub dashboard_order: Option<i32>,
}

/// An app's stored state with its counters, summed over its users' running totals.
const APP_COLUMNS: &str = "app_id, name, version, enabled, beta, coming_soon, dashboard_order, \
    (select cast(coalesce(sum(u.actions), 0) as bigint) from app_user_usage u where u.app_id = apps.app_id) as total_usage, \
    (select count(distinct u.user_id) from app_user_usage u where u.app_id = apps.app_id) as active_users, \
    updated_at";

fn checksum(sql: &str) -> String {
    hex(&Sha256::digest(sql.as_bytes()))
}

/// Checks that an app's migrations only create tables and indexes under its prefix.
pub fn check_migrations(manifest: &Manifest, migrations: &[Migration]) -> anyhow::Result<()> {
    let prefix = manifest.table_prefix();
    let mut last = 0;
    for migration in migrations {
        anyhow::ensure!(
            migration.version > last,
            "app '{}': migration versions must increase ({} after {last})",
            manifest.app_id,
            migration.version
        );
        last = migration.version;
        for sql in [migration.sqlite, migration.postgres] {
            let lowered = sql.to_lowercase();
            let words: Vec<&str> = lowered
                .split(|c: char| c.is_whitespace() || c == '(')
                .filter(|w| !w.is_empty())
                .collect();
            for start in 0..words.len() {
                let named = match &words[start..] {
                    ["create", "table", "if", "not", "exists", name, ..] => Some(*name),
                    ["create", "table", name, ..] => Some(*name),
                    ["alter", "table", name, ..] => Some(*name),
                    ["drop", "table" | "index", "if", "exists", name, ..] => Some(*name),
                    ["drop", "table" | "index", name, ..] => Some(*name),
                    ["create", "index", "if", "not", "exists", _, "on", name, ..] => Some(*name),
                    [
                        "create",
                        "unique",
                        "index",
                        "if",
                        "not",
                        "exists",
                        _,
                        "on",
                        name,
                        ..,
                    ] => Some(*name),
                    ["create", "index", _, "on", name, ..] => Some(*name),
                    ["create", "unique", "index", _, "on", name, ..] => Some(*name),
                    _ => None,
                };
                if let Some(name) = named {
                    let name = name.trim_matches('"');
                    anyhow::ensure!(
                        name.starts_with(&prefix),
                        "app '{}': migration {} touches '{name}', outside its prefix '{prefix}'",
                        manifest.app_id,
                        migration.version
                    );
                }
            }
        }
    }
    Ok(())
}

/// Runs the app's pending migrations, each in its own transaction, and refuses an applied one
/// whose SQL changed. Several nodes starting at once apply each migration once.
pub async fn migrate_app(
    db: &Db,
    manifest: &Manifest,
    migrations: &[Migration],
) -> anyhow::Result<()> {
    use anyhow::Context as _;
    for migration in migrations {
        let mut tx = db.begin().await?;
        let sql = match tx.backend() {
            Backend::Sqlite => migration.sqlite,
            Backend::Postgres => {
                sql::query("select pg_advisory_xact_lock(hashtext('lumiku-app-migrations'))")
                    .execute(&mut tx)
                    .await?;
                migration.postgres
            }
        };
        let applied: Option<String> = with_tx!(&mut tx, conn => sql::query_scalar(
            "select checksum from app_migrations where app_id = $1 and version = $2")
            .bind(manifest.app_id)
            .bind(migration.version)
            .fetch_optional(conn)
            .await)?;
        match applied {
            Some(stored) if stored == checksum(sql) => continue,
            Some(_) => anyhow::bail!(
                "app '{}': migration {} ({}) was changed after it was applied",
                manifest.app_id,
                migration.version,
                migration.name
            ),
            None => {}
        }
        with_tx!(&mut tx, conn => sql::raw_sql(sql).execute(conn).await.map(|r| r.rows_affected()))
            .with_context(|| {
                format!(
                    "app '{}': migration {} ({})",
                    manifest.app_id, migration.version, migration.name
                )
            })?;
        with_tx!(&mut tx, conn => sql::query(
            "insert into app_migrations (app_id, version, name, checksum, applied_at) values ($1, $2, $3, $4, $5)")
            .bind(manifest.app_id)
            .bind(migration.version)
            .bind(migration.name)
            .bind(checksum(sql))
            .bind(now())
            .execute(conn)
            .await
            .map(|r| r.rows_affected()))?;
        tx.commit().await?;
    }
    Ok(())
}

/// Records the app in the registry on its first start (state from the manifest), and keeps its
/// name and version current; admins' changes to the flags are kept.
pub async fn register_app(db: &Db, manifest: &Manifest) -> anyhow::Result<()> {
    let now = now();
    let mut tx = db.begin().await?;
    with_tx!(&mut tx, conn => sql::query(
        "insert into apps (app_id, name, version, enabled, beta, coming_soon, dashboard_order, \
         created_at, updated_at) values ($1, $2, $3, $4, $5, $6, $7, $8, $8) \
         on conflict (app_id) do update set name = excluded.name, version = excluded.version")
        .bind(manifest.app_id)
        .bind(manifest.name)
        .bind(manifest.version)
        .bind(manifest.features.enabled)
        .bind(manifest.features.beta)
        .bind(manifest.features.coming_soon)
        .bind(manifest.dashboard.order)
        .bind(now)
        .execute(conn)
        .await
        .map(|r| r.rows_affected()))?;
    tx.commit().await?;
    Ok(())
}

/// How an idempotency key was found.
#[derive(Debug)]
pub enum Claim {
    /// Ours now: do the work and store the response.
    Owned,
    /// Served before for this same request: answer it again.
    Replay {
        /// Stored status.
        status: u16,
        /// Stored body.
        body: Value,
    },
}

/// Claims `key` for this request on `tx`. On PostgreSQL a concurrent claim of the same key waits
/// for the first transaction and then sees its stored response; SQLite's writers are serial.
pub async fn claim_idempotency_key(
    tx: &mut Tx,
    tenant_id: Uuid,
    key: &str,
    request_hash: &str,
) -> Result<Claim> {
    let inserted = with_tx!(tx, conn => sql::query(
        "insert into idempotency_keys (tenant_id, key, request_hash, created_at) values ($1, $2, $3, $4) \
         on conflict do nothing")
        .bind(tenant_id)
        .bind(key)
        .bind(request_hash)
        .bind(now())
        .execute(conn)
        .await
        .map(|r| r.rows_affected()))?;
    if inserted == 1 {
        return Ok(Claim::Owned);
    }
    #[derive(lumiku_plugin::sql::FromRow)]
    struct Stored {
        request_hash: String,
        response_status: Option<i32>,
        response_body: Option<Json<Value>>,
    }
    let stored = with_tx!(tx, conn => sql::query_as::<Stored>(
        "select request_hash, response_status, response_body from idempotency_keys where tenant_id = $1 and key = $2")
        .bind(tenant_id)
        .bind(key)
        .fetch_one(conn)
        .await)?;
    if stored.request_hash != request_hash {
        return Err(Error::IdempotencyKeyReused);
    }
    match (stored.response_status, stored.response_body) {
        (Some(status), Some(Json(body))) => Ok(Claim::Replay {
            status: status as u16,
            body,
        }),
        _ => Err(Error::Conflict {
            code: "request_in_progress",
            message: "A request with this Idempotency-Key is still being processed",
        }),
    }
}

/// Stores the response of the request that owns `key`.
pub async fn store_idempotent_response(
    tx: &mut Tx,
    tenant_id: Uuid,
    key: &str,
    status: u16,
    body: &Value,
) -> Result<()> {
    with_tx!(tx, conn => sql::query(
        "update idempotency_keys set response_status = $3, response_body = $4 where tenant_id = $1 and key = $2")
        .bind(tenant_id)
        .bind(key)
        .bind(i32::from(status))
        .bind(Json(body))
        .execute(conn)
        .await
        .map(|r| r.rows_affected()))?;
    Ok(())
}

/// How a request says who it is.
#[derive(Debug, Clone, Copy)]
pub enum Credential<'a> {
    /// A bearer access token.
    AccessToken(&'a str),
    /// The dashboard's session cookie.
    Cookie(&'a str),
}

/// What the kernel knows of a request to an app, read in one query.
#[derive(Debug, Clone)]
pub struct AppRequest {
    /// The caller, whose session is live.
    pub caller: Caller,
    /// The requested tenant (the personal one when none was named) and the caller's role in it,
    /// if the caller is a member.
    pub access: Option<crate::tenants::TenantAccess>,
    /// Whether the app is registered and enabled, and coming soon.
    pub app: Option<(bool, bool)>,
    /// The tenant's subscription tier.
    pub tier: Tier,
}

#[derive(lumiku_plugin::sql::FromRow)]
struct AppRequestRow {
    session_id: Uuid,
    user_id: Uuid,
    platform_role: String,
    session_expires_at: DateTime<Utc>,
    tenant_id: Option<Uuid>,
    role: Option<String>,
    app_enabled: Option<bool>,
    app_coming_soon: Option<bool>,
    tier: Option<String>,
    gate_epoch: i64,
}

/// The session, the membership, the app's state, the tier and the gate's epoch in one statement
/// (so in one snapshot): an app request is the hot path, and each statement costs a trip to the
/// database. The credential's condition follows.
const APP_REQUEST_SQL: &str = "select s.id as session_id, s.user_id, u.platform_role, \
    s.expires_at as session_expires_at, m.tenant_id, m.role, a.enabled as app_enabled, \
    a.coming_soon as app_coming_soon, \
    (select p.tier from subscriptions sub join plans p on p.id = sub.plan_id \
      where sub.tenant_id = m.tenant_id and sub.status <> 'canceled') as tier, \
    (select g.epoch from gate_epoch g where g.id = 1) as gate_epoch \
    from sessions s join users u on u.id = s.user_id \
    left join tenant_members m on m.user_id = s.user_id and m.tenant_id = \
      coalesce($3, (select t.id from tenants t where t.created_by = s.user_id and t.kind = 'personal')) \
    left join apps a on a.app_id = $4 \
    where s.revoked_at is null and s.expires_at > $5 and ";

/// [`APP_REQUEST_SQL`] for an access token's session and user.
static APP_REQUEST_BY_TOKEN: std::sync::LazyLock<String> =
    std::sync::LazyLock::new(|| format!("{APP_REQUEST_SQL}s.id = $1 and s.user_id = $2"));

/// [`APP_REQUEST_SQL`] for a browser cookie. `$2` stays in the text (bound to null) so the
/// parameters keep their numbers: PostgreSQL refuses a statement that skips one.
static APP_REQUEST_BY_COOKIE: std::sync::LazyLock<String> =
    std::sync::LazyLock::new(|| format!("{APP_REQUEST_SQL}s.cookie_hash = $1 and $2 is null"));

impl Kernel {
    /// Authenticates an app request and reads what its gate decides on: the caller (401 when
    /// the credential or its session is not valid), their role in `tenant` (the personal tenant
    /// when `None`), the app's state, and the tenant's tier. What was read is reused while the
    /// gate's epoch stays the same ([`crate::gate`]), so a request usually costs a one-row read.
    pub async fn app_request(
        &self,
        credential: Credential<'_>,
        tenant: Option<Uuid>,
        app_id: &str,
    ) -> Result<AppRequest> {
        let now = now();
        let key = GateKey {
            credential: match credential {
                Credential::AccessToken(token) => CredentialKey::Token(token.to_owned()),
                Credential::Cookie(cookie) => {
                    CredentialKey::Cookie(crate::token::hash_refresh_token(cookie))
                }
            },
            tenant,
            app_id: app_id.to_owned(),
        };
        let epoch: i64 = with_db!(&self.db, pool => sql::query_scalar(
            "select epoch from gate_epoch where id = 1")
            .fetch_one(pool)
            .await)?;
        if let Some(request) = self.gate.get(&key, epoch, now) {
            return Ok(request);
        }

        let (query, token_expires) = match &key.credential {
            CredentialKey::Token(token) => {
                let claims = self.tokens.verify_access(token)?;
                let query = sql::query_as::<AppRequestRow>(APP_REQUEST_BY_TOKEN.as_str())
                    .bind(claims.sid)
                    .bind(Some(claims.sub));
                let expires = DateTime::from_timestamp(claims.exp, 0).ok_or(Error::InvalidToken)?;
                (query, Some(expires))
            }
            CredentialKey::Cookie(hash) => {
                let query = sql::query_as(APP_REQUEST_BY_COOKIE.as_str())
                    .bind(hash.as_str())
                    .bind(None::<Uuid>);
                (query, None)
            }
        };
        let row = with_db!(&self.db, pool => query
            .bind(tenant)
            .bind(app_id)
            .bind(now)
            .fetch_optional(pool)
            .await)?;
        let row = row.ok_or(Error::InvalidToken)?;
        let access = match (row.tenant_id, row.role.as_deref()) {
            (Some(tenant_id), Some(role)) => Some(crate::tenants::TenantAccess {
                tenant_id,
                role: crate::tenants::role_from_name(role)?,
            }),
            _ => None,
        };
        let expires_at = token_expires.unwrap_or(row.session_expires_at);
        let request = AppRequest {
            caller: Caller {
                user_id: row.user_id,
                session_id: row.session_id,
                platform_role: row.platform_role,
                expires_at,
            },
            access,
            app: row.app_enabled.zip(row.app_coming_soon),
            tier: row
                .tier
                .as_deref()
                .and_then(Tier::parse)
                .unwrap_or(Tier::Free),
        };
        let valid_until = expires_at.min(row.session_expires_at);
        self.gate.put(key, row.gate_epoch, &request, valid_until);
        Ok(request)
    }

    /// Every registered app's state, in dashboard order.
    pub async fn list_app_records(&self) -> Result<Vec<AppRecord>> {
        let sql = format!("select {APP_COLUMNS} from apps order by dashboard_order, app_id");
        Ok(
            with_db!(&self.db, pool => sql::query_as::<AppRecord>(sqlx::AssertSqlSafe(sql))
            .fetch_all(pool)
            .await)?,
        )
    }

    /// Every registered app's flags, in dashboard order: what the dashboard and the gates read
    /// on every request, without the counters (which count usage rows).
    pub async fn list_app_flags(&self) -> Result<Vec<AppFlags>> {
        let sql = format!("select {FLAG_COLUMNS} from apps order by dashboard_order, app_id");
        Ok(
            with_db!(&self.db, pool => sql::query_as::<AppFlags>(sqlx::AssertSqlSafe(sql))
            .fetch_all(pool)
            .await)?,
        )
    }

    /// One app's flags.
    pub async fn app_flags(&self, app_id: &str) -> Result<Option<AppFlags>> {
        let sql = format!("select {FLAG_COLUMNS} from apps where app_id = $1");
        Ok(
            with_db!(&self.db, pool => sql::query_as::<AppFlags>(sqlx::AssertSqlSafe(sql))
            .bind(app_id)
            .fetch_optional(pool)
            .await)?,
        )
    }

    /// Changes an app's state (platform administrators only); audited with the admin's personal
    /// tenant, since an app belongs to no tenant.
    pub async fn update_app(
        &self,
        admin: &Caller,
        app_id: &str,
        patch: &AppPatch,
        client: &ClientInfo,
    ) -> Result<AppRecord> {
        admin.require_admin("only platform administrators may change apps")?;
        if let Some(order) = patch.dashboard_order
            && !(0..=10_000).contains(&order)
        {
            return Err(Error::invalid(
                "dashboardOrder",
                "must be between 0 and 10000",
            ));
        }
        let mut tx = self.db.begin().await?;
        let changed = with_tx!(&mut tx, conn => sql::query(
            "update apps set enabled = coalesce($2, enabled), beta = coalesce($3, beta), \
             coming_soon = coalesce($4, coming_soon), dashboard_order = coalesce($5, dashboard_order), \
             updated_at = $6 where app_id = $1")
            .bind(app_id)
            .bind(patch.enabled)
            .bind(patch.beta)
            .bind(patch.coming_soon)
            .bind(patch.dashboard_order)
            .bind(now())
            .execute(conn)
            .await
            .map(|r| r.rows_affected()))?;
        if changed == 0 {
            return Err(Error::NotFound("app"));
        }
        let sql = format!("select {APP_COLUMNS} from apps where app_id = $1");
        let record = with_tx!(&mut tx, conn => sql::query_as::<AppRecord>(sqlx::AssertSqlSafe(sql))
            .bind(app_id)
            .fetch_one(conn)
            .await)?;
        audit::record_for_user(
            &mut tx,
            admin.user_id,
            NewAuditEvent {
                tenant_id: None,
                actor_user_id: Some(admin.user_id),
                action: action::APP_UPDATED,
                target_type: Some("app"),
                target_id: Some(app_id.to_owned()),
                ip_address: client.ip.as_deref(),
                details: json!({
                    "enabled": patch.enabled, "beta": patch.beta,
                    "comingSoon": patch.coming_soon, "dashboardOrder": patch.dashboard_order,
                }),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(record)
    }

    /// Per app, how many metered actions the tenant performed and the credits they cost.
    pub async fn tenant_app_usage(&self, tenant_id: Uuid) -> Result<Vec<(String, i64, i64)>> {
        let mut tx = self.db.begin_tenant_read(tenant_id).await?;
        let rows: Vec<(String, i64, i64)> = with_tx!(&mut tx, conn => sql::query_as(
            "select app_id, cast(sum(actions) as bigint), cast(sum(credits) as bigint) from app_user_usage \
             where tenant_id = $1 group by app_id")
            .bind(tenant_id)
            .fetch_all(conn)
            .await)?;
        tx.commit().await?;
        Ok(rows)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use lumiku_plugin::{Access, Dashboard, Features, Role};

    const MANIFEST: Manifest = Manifest {
        app_id: "notes",
        name: "Notes",
        description: "Notes",
        icon: "notebook",
        version: "1.0.0",
        route_prefix: "/api/apps/notes",
        credits: &[],
        access: Access {
            requires_auth: true,
            requires_subscription: false,
            min_subscription_tier: None,
            allowed_roles: &[Role::Owner],
        },
        features: Features {
            enabled: true,
            beta: false,
            coming_soon: false,
        },
        dashboard: Dashboard {
            order: 1,
            color: "blue",
            stats_endpoint: None,
        },
    };

    fn migration(sql: &'static str) -> Migration {
        Migration {
            version: 1,
            name: "init",
            sqlite: sql,
            postgres: sql,
        }
    }

    #[test]
    fn app_migrations_stay_inside_their_prefix() {
        let ok = migration(
            "create table notes_items (id blob primary key);\ncreate index notes_items_idx on notes_items (id);\n\
             drop index notes_items_idx;\ncreate index if not exists notes_items_idx on notes_items (id);",
        );
        assert!(check_migrations(&MANIFEST, &[ok]).is_ok());
        for bad in [
            "create table users_shadow (id blob)",
            "alter table wallets add column x int",
            "create index wallets_idx on wallets (tenant_id)",
            "drop table ledger_entries",
            "drop table if exists ledger_entries",
            "drop index ledger_entries_tenant_idx",
            "drop index if exists app_usage_tenant_idx",
            "create index if not exists wallets_idx on wallets (tenant_id)",
            "create unique index if not exists wallets_idx on wallets (tenant_id)",
        ] {
            let error = check_migrations(&MANIFEST, &[migration(bad)])
                .unwrap_err()
                .to_string();
            assert!(error.contains("outside its prefix"), "{bad}: {error}");
        }
    }
}
