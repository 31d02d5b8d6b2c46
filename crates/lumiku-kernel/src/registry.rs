//! The app registry's stored state and the apps' migrations.
//!
//! Compiled-in apps are known by their manifests; what admins change at runtime (enabled, beta,
//! coming soon, order) and what usage accumulates (total usage, active users) lives in the `apps`
//! table, read on every request so a change reaches every node at once.

use chrono::{DateTime, Utc};
use lumiku_plugin::Manifest;
use lumiku_store::{Db, Migration, MigrationSet, Owner, Wall, now, sql};
use serde::{Deserialize, Serialize};
use serde_json::json;
use uuid::Uuid;

use crate::audit::{self, NewAuditEvent, action};
use crate::context::{Caller, ClientInfo};
use crate::error::{Error, Result};
use crate::kernel::Kernel;

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

/// Why `app_id`'s tables could not be told apart from the core's or another app's, one message
/// per clash (none when they can). The wall gives an app every table under its prefix
/// (`invoice_` for `invoice`), so no core table may start with that prefix, and no other app's
/// prefix may start with it or be its start (`project_` would reach `project_manager_projects`).
pub fn prefix_clashes(app_id: &str, other_apps: &[&str]) -> Vec<String> {
    let wall = Wall::new(app_id);
    let prefix = wall.prefix();
    let mut clashes: Vec<String> = lumiku_store::migrate::created_table_names(crate::MIGRATIONS)
        .into_iter()
        .chain(["lumiku_migrations".to_owned()])
        .filter(|table| table.starts_with(prefix))
        .map(|table| format!("its table prefix {prefix} covers the core table {table}"))
        .collect();
    for other in other_apps.iter().filter(|other| **other != app_id) {
        let theirs = Wall::new(other);
        if theirs.prefix().starts_with(prefix) || prefix.starts_with(theirs.prefix()) {
            clashes.push(format!(
                "its table prefix {prefix} overlaps app '{other}''s prefix {}",
                theirs.prefix()
            ));
        }
    }
    clashes
}

/// Checks an app's migrations without a database (versions, prefix); every problem is listed.
pub fn check_migrations(app_id: &str, migrations: &[Migration]) -> anyhow::Result<()> {
    let wall = Wall::new(app_id);
    MigrationSet {
        owner: Owner::App(&wall),
        migrations,
    }
    .check()
    .map_err(|problems| {
        let problems = lumiku_store::migrate::describe(&problems);
        anyhow::anyhow!("app '{}': {problems}", wall.app_id())
    })
}

/// Runs the app's pending migrations (see [`lumiku_store::migrate`]), then, on PostgreSQL,
/// grants the app's role its tables.
pub async fn migrate_app(db: &Db, app_id: &str, migrations: &[Migration]) -> anyhow::Result<usize> {
    let wall = Wall::new(app_id);
    lumiku_store::migrate::migrate(
        db,
        &MigrationSet {
            owner: Owner::App(&wall),
            migrations,
        },
    )
    .await
}

/// Records the app in the registry: on its first start with its state from the manifest, and on
/// every start its name, version, default install and install cost (admins' changes to the flags
/// and visibility are kept). Every version seen is remembered; a binary whose version of the app
/// is older than one this database has run is refused, as a downgrade.
pub async fn register_app(db: &Db, manifest: &Manifest) -> anyhow::Result<()> {
    let now = now();
    let mut tx = db.begin().await?;
    let seen: Vec<String> = sql::query_scalar("select version from app_versions where app_id = $1")
        .bind(manifest.app_id)
        .fetch_all(&mut tx)
        .await?;
    if let Some(newer) = seen
        .iter()
        .filter(|v| version_order(v, manifest.version) == std::cmp::Ordering::Greater)
        .max_by(|a, b| version_order(a, b))
    {
        anyhow::bail!(
            "app '{}': this database has run version {newer}, newer than this binary's {}; \
             refusing to start an older app on it (a downgrade)",
            manifest.app_id,
            manifest.version
        );
    }
    sql::query(
        "insert into apps (app_id, name, version, enabled, beta, coming_soon, dashboard_order, \
         default_install, install_cost, created_at, updated_at) \
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10) \
         on conflict (app_id) do update set name = excluded.name, version = excluded.version, \
         default_install = excluded.default_install, install_cost = excluded.install_cost",
    )
    .bind(manifest.app_id)
    .bind(manifest.name)
    .bind(manifest.version)
    .bind(manifest.features.enabled)
    .bind(manifest.features.beta)
    .bind(manifest.features.coming_soon)
    .bind(manifest.dashboard.order)
    .bind(manifest.install.default)
    .bind(manifest.install.cost)
    .bind(now)
    .execute(&mut tx)
    .await?;
    sql::query(
        "insert into app_versions (app_id, version, first_seen_at) values ($1, $2, $3) \
         on conflict do nothing",
    )
    .bind(manifest.app_id)
    .bind(manifest.version)
    .bind(now)
    .execute(&mut tx)
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Semantic-version order: major, minor and patch as numbers; a pre-release (`1.0.0-beta.2`) before
/// its release; build metadata (`+…`) ignored.
pub fn version_order(a: &str, b: &str) -> std::cmp::Ordering {
    fn key(version: &str) -> (Vec<u64>, bool, &str) {
        let version = version.split('+').next().unwrap_or(version);
        let (core, pre) = version.split_once('-').unwrap_or((version, ""));
        let numbers = core.split('.').map(|n| n.parse().unwrap_or(0)).collect();
        (numbers, pre.is_empty(), pre)
    }
    key(a).cmp(&key(b))
}

impl Kernel {
    /// Every registered app's state, in dashboard order.
    pub async fn list_app_records(&self) -> Result<Vec<AppRecord>> {
        let sql = format!("select {APP_COLUMNS} from apps order by dashboard_order, app_id");
        Ok(sql::query_as::<AppRecord>(sql::AssertSqlSafe(sql))
            .fetch_all(&self.db)
            .await?)
    }

    /// Every registered app's flags, in dashboard order: what the dashboard and the gates read
    /// on every request, without the counters (which count usage rows).
    pub async fn list_app_flags(&self) -> Result<Vec<AppFlags>> {
        let sql = format!("select {FLAG_COLUMNS} from apps order by dashboard_order, app_id");
        Ok(sql::query_as::<AppFlags>(sql::AssertSqlSafe(sql))
            .fetch_all(&self.db)
            .await?)
    }

    /// One app's flags.
    pub async fn app_flags(&self, app_id: &str) -> Result<Option<AppFlags>> {
        let sql = format!("select {FLAG_COLUMNS} from apps where app_id = $1");
        Ok(sql::query_as::<AppFlags>(sql::AssertSqlSafe(sql))
            .bind(app_id)
            .fetch_optional(&self.db)
            .await?)
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
        let changed = sql::query(
            "update apps set enabled = coalesce($2, enabled), beta = coalesce($3, beta), \
             coming_soon = coalesce($4, coming_soon), dashboard_order = coalesce($5, dashboard_order), \
             updated_at = $6 where app_id = $1")
            .bind(app_id)
            .bind(patch.enabled)
            .bind(patch.beta)
            .bind(patch.coming_soon)
            .bind(patch.dashboard_order)
            .bind(now())
            .execute(&mut tx)
            .await
            .map(|r| r.rows_affected())?;
        if changed == 0 {
            return Err(Error::NotFound("app"));
        }
        let sql = format!("select {APP_COLUMNS} from apps where app_id = $1");
        let record = sql::query_as::<AppRecord>(sql::AssertSqlSafe(sql))
            .bind(app_id)
            .fetch_one(&mut tx)
            .await?;
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
        let rows: Vec<(String, i64, i64)> = sql::query_as(
            "select app_id, cast(sum(actions) as bigint), cast(sum(credits) as bigint) from app_user_usage \
             where tenant_id = $1 group by app_id")
            .bind(tenant_id)
            .fetch_all(&mut tx)
            .await?;
        tx.commit().await?;
        Ok(rows)
    }
}

#[cfg(test)]
mod tests {
    use super::version_order;
    use std::cmp::Ordering::*;

    #[test]
    fn versions_order_as_semantic_versions() {
        for (a, b, order) in [
            ("1.0.0", "1.0.0", Equal),
            ("1.2.0", "1.10.0", Less),
            ("2.0.0", "1.99.99", Greater),
            ("1.0.0-beta.1", "1.0.0", Less),
            ("1.0.0-alpha", "1.0.0-beta", Less),
            ("1.0.0+build.7", "1.0.0", Equal),
        ] {
            assert_eq!(version_order(a, b), order, "{a} vs {b}");
        }
    }
}
