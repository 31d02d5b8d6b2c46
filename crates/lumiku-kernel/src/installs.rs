//! Apps per tenant: the catalogue a tenant is offered, installing (charged its install cost once,
//! atomically, like any metered action), uninstalling (the app's rows for the tenant kept for 30
//! days, back with a reinstall, or purged at once on request), the purge of what was kept, and
//! which apps administrators publish to whom.

use chrono::{DateTime, Duration, Utc};
use lumiku_store::{Backend, Tx, now, sql};
use serde::Serialize;
use serde_json::json;
use uuid::Uuid;

use crate::audit::{self, NewAuditEvent, action};
use crate::context::{Caller, ClientInfo, Permission, TenantAccess};
use crate::error::{Error, Result};
use crate::kernel::Kernel;

pub use crate::gate::Visibility;

/// How long an uninstalled app's rows are kept for a reinstall.
pub const RETENTION_DAYS: i64 = 30;

/// An app as one tenant sees it in the catalogue.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct TenantApp {
    /// The app.
    pub app_id: String,
    /// The running version.
    pub version: String,
    /// Whom the catalogue offers it to.
    pub visibility: Visibility,
    /// Coming soon: listed, not usable.
    pub coming_soon: bool,
    /// Credits installing it costs, once.
    pub install_cost: i64,
    /// Installed in this tenant now.
    pub installed: bool,
    /// When it was last uninstalled, if it is not installed.
    pub uninstalled_at: Option<DateTime<Utc>>,
    /// Until when its rows are kept for a reinstall.
    pub purge_after: Option<DateTime<Utc>>,
}

#[derive(lumiku_plugin::sql::FromRow)]
struct CatalogueRow {
    app_id: String,
    version: String,
    visibility: String,
    coming_soon: bool,
    install_cost: i64,
    installed: bool,
    uninstalled_at: Option<DateTime<Utc>>,
    purge_after: Option<DateTime<Utc>>,
}

const CATALOGUE_SQL: &str = "select a.app_id, a.version, a.visibility, a.coming_soon, a.install_cost, \
    coalesce(ta.installed, false) as installed, ta.uninstalled_at, ta.purge_after \
    from apps a left join tenant_apps ta on ta.app_id = a.app_id and ta.tenant_id = $1 \
    where a.enabled and ($2 is null or a.app_id = $2) order by a.dashboard_order, a.app_id";

/// An administrator's publication of an app.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Publication {
    /// The app.
    pub app_id: String,
    /// Whom the catalogue offers it to now.
    pub visibility: Visibility,
    /// The version served (the one compiled into this binary).
    pub version: String,
    /// Every version the registry has seen, oldest first.
    pub versions: Vec<String>,
}

impl Kernel {
    /// The apps the catalogue offers the caller in the tenant, each with its install state.
    pub async fn catalogue(
        &self,
        caller: &Caller,
        access: &TenantAccess,
    ) -> Result<Vec<TenantApp>> {
        access.require(Permission::Read)?;
        let mut tx = self.db.begin_tenant_read(access.tenant_id).await?;
        let apps = catalogue_of(&mut tx, caller, access.tenant_id, None).await?;
        tx.commit().await?;
        Ok(apps)
    }

    /// The app `app_id` as the catalogue offers it to the caller in the tenant: 404 when it is not
    /// offered, 404 `app_not_installed` when the tenant has not installed it.
    pub async fn installed_app(
        &self,
        caller: &Caller,
        access: &TenantAccess,
        app_id: &str,
    ) -> Result<TenantApp> {
        let mut tx = self.db.begin_tenant_read(access.tenant_id).await?;
        let app = offered(&mut tx, caller, access.tenant_id, app_id).await?;
        tx.commit().await?;
        if app.installed {
            Ok(app)
        } else {
            Err(Error::NotInstalled)
        }
    }

    /// Installs `app_id` in the tenant (owners and admins), charging its install cost once with
    /// the install, in one transaction (402 and nothing installed when the wallet is short); a
    /// reinstall within the retention finds the app's rows as they were. Audited.
    pub async fn install_app(
        &self,
        caller: &Caller,
        access: &TenantAccess,
        app_id: &str,
        client: &ClientInfo,
    ) -> Result<TenantApp> {
        access.require(Permission::ManageApps)?;
        let now = now();
        let mut tx = self.db.begin_tenant(access.tenant_id).await?;
        let app = offered(&mut tx, caller, access.tenant_id, app_id).await?;
        if app.coming_soon {
            return Err(Error::Forbidden("this app is coming soon"));
        }
        // Claimed by the conditional upsert before anything is charged: of concurrent installs,
        // the others wait for this row and then find it installed.
        let claimed = sql::query(
            "insert into tenant_apps (tenant_id, app_id, installed, installed_by, installed_at) \
             values ($1, $2, true, $3, $4) on conflict (tenant_id, app_id) do update set \
             installed = true, installed_by = excluded.installed_by, installed_at = excluded.installed_at, \
             uninstalled_at = null, purge_after = null where not tenant_apps.installed",
        )
        .bind(access.tenant_id)
        .bind(app_id)
        .bind(caller.user_id)
        .bind(now)
        .execute(&mut tx)
        .await?;
        if claimed.rows_affected() == 0 {
            return Err(Error::Conflict {
                code: "already_installed",
                message: "This app is already installed in this tenant",
            });
        }
        let balance = if app.install_cost > 0 {
            let charge = crate::metering::InstallCharge {
                tenant_id: access.tenant_id,
                user_id: caller.user_id,
                app_id,
                cost: app.install_cost,
            };
            Some(crate::metering::charge_install(&mut tx, &charge).await?)
        } else {
            None
        };
        let restored = app.uninstalled_at.is_some();
        let details = json!({
            "cost": app.install_cost, "balance": balance, "restored": restored, "version": app.version,
        });
        let change = AppChange {
            caller,
            access,
            app_id,
            client,
        };
        change.finish(tx, action::APP_INSTALLED, details).await
    }

    /// Uninstalls `app_id` from the tenant (owners and admins): its requests are refused at once;
    /// its rows are kept for [`RETENTION_DAYS`] for a reinstall, or deleted now with `purge`.
    /// Audited.
    pub async fn uninstall_app(
        &self,
        caller: &Caller,
        access: &TenantAccess,
        app_id: &str,
        purge: bool,
        client: &ClientInfo,
    ) -> Result<TenantApp> {
        access.require(Permission::ManageApps)?;
        let now = now();
        let mut tx = self.db.begin_tenant(access.tenant_id).await?;
        let app = offered(&mut tx, caller, access.tenant_id, app_id).await?;
        // A purge may also end the retention of an app uninstalled earlier.
        let purgeable = purge && app.purge_after.is_some();
        if !(app.installed || purgeable) {
            return Err(Error::Conflict {
                code: "not_installed",
                message: "This app is not installed in this tenant",
            });
        }
        let purge_after = (!purge).then(|| now + Duration::days(RETENTION_DAYS));
        sql::query(
            "update tenant_apps set installed = false, uninstalled_at = coalesce(uninstalled_at, $3), \
             purge_after = $4 where tenant_id = $1 and app_id = $2",
        )
        .bind(access.tenant_id)
        .bind(app_id)
        .bind(now)
        .bind(purge_after)
        .execute(&mut tx)
        .await?;
        let rows = if purge {
            purge_rows(&mut tx, access.tenant_id, app_id).await?
        } else {
            0
        };
        let details = json!({ "purged": purge, "rowsDeleted": rows, "keptUntil": purge_after });
        let change = AppChange {
            caller,
            access,
            app_id,
            client,
        };
        change.finish(tx, action::APP_UNINSTALLED, details).await
    }

    /// Opts the tenant into (or out of) beta apps (owners and admins).
    pub async fn set_beta_apps(
        &self,
        caller: &Caller,
        access: &TenantAccess,
        enabled: bool,
        client: &ClientInfo,
    ) -> Result<()> {
        access.require(Permission::ManageApps)?;
        let mut tx = self.db.begin_tenant(access.tenant_id).await?;
        sql::query("update tenants set beta_apps = $2, updated_at = $3 where id = $1")
            .bind(access.tenant_id)
            .bind(enabled)
            .bind(now())
            .execute(&mut tx)
            .await?;
        let event = NewAuditEvent {
            tenant_id: Some(access.tenant_id),
            actor_user_id: Some(caller.user_id),
            action: action::TENANT_BETA_APPS,
            target_type: Some("tenant"),
            target_id: Some(access.tenant_id.to_string()),
            ip_address: client.ip.as_deref(),
            details: json!({ "enabled": enabled }),
        };
        audit::record(&mut tx, event).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Publishes `app_id` to whom `visibility` says (platform administrators only); audited in the
    /// administrator's personal tenant's log.
    pub async fn publish_app(
        &self,
        admin: &Caller,
        app_id: &str,
        visibility: Visibility,
        client: &ClientInfo,
    ) -> Result<Publication> {
        admin.require_admin("only platform administrators may publish apps")?;
        let mut tx = self.db.begin().await?;
        let version: Option<String> = sql::query_scalar(
            "update apps set visibility = $2, updated_at = $3 where app_id = $1 returning version",
        )
        .bind(app_id)
        .bind(visibility.as_str())
        .bind(now())
        .fetch_optional(&mut tx)
        .await?;
        let version = version.ok_or(Error::NotFound("app"))?;
        let mut versions: Vec<String> =
            sql::query_scalar("select version from app_versions where app_id = $1")
                .bind(app_id)
                .fetch_all(&mut tx)
                .await?;
        versions.sort_by(|a, b| crate::registry::version_order(a, b));
        let event = NewAuditEvent {
            tenant_id: None,
            actor_user_id: Some(admin.user_id),
            action: action::APP_PUBLISHED,
            target_type: Some("app"),
            target_id: Some(app_id.to_owned()),
            ip_address: client.ip.as_deref(),
            details: json!({ "visibility": visibility, "version": version }),
        };
        audit::record_for_user(&mut tx, admin.user_id, event).await?;
        tx.commit().await?;
        Ok(Publication {
            app_id: app_id.to_owned(),
            visibility,
            version,
            versions,
        })
    }

    /// Deletes the rows of every app uninstalled longer than its retention, and forgets the
    /// install; answers how many apps' rows were purged. Run by the billing cycle.
    pub async fn purge_uninstalled_apps(&self, now: DateTime<Utc>) -> Result<u64> {
        let due: Vec<(Uuid, String)> = sql::query_as(
            "select tenant_id, app_id from tenant_apps where purge_after is not null and purge_after <= $1",
        )
        .bind(now)
        .fetch_all(&self.db)
        .await?;
        let mut purged = 0;
        for (tenant_id, app_id) in due {
            let mut tx = self.db.begin().await?;
            // Claimed by the conditional update: a reinstall or another node's purge wins.
            let claimed = sql::query(
                "update tenant_apps set purge_after = null where tenant_id = $1 and app_id = $2 \
                 and not installed and purge_after is not null and purge_after <= $3",
            )
            .bind(tenant_id)
            .bind(&app_id)
            .bind(now)
            .execute(&mut tx)
            .await?;
            if claimed.rows_affected() == 1 {
                purge_rows(&mut tx, tenant_id, &app_id).await?;
                purged += 1;
            }
            tx.commit().await?;
        }
        Ok(purged)
    }
}

/// The catalogue's apps offered to `caller` in the tenant, or only `app_id`.
async fn catalogue_of(
    tx: &mut Tx,
    caller: &Caller,
    tenant_id: Uuid,
    app_id: Option<&str>,
) -> Result<Vec<TenantApp>> {
    let beta: Option<bool> = sql::query_scalar("select beta_apps from tenants where id = $1")
        .bind(tenant_id)
        .fetch_optional(&mut *tx)
        .await?;
    let beta = beta.ok_or(Error::NotFound("tenant"))?;
    let rows: Vec<CatalogueRow> = sql::query_as(CATALOGUE_SQL)
        .bind(tenant_id)
        .bind(app_id)
        .fetch_all(&mut *tx)
        .await?;
    Ok(rows
        .into_iter()
        .map(|row| TenantApp {
            visibility: Visibility::parse(Some(&row.visibility)),
            app_id: row.app_id,
            version: row.version,
            coming_soon: row.coming_soon,
            install_cost: row.install_cost,
            installed: row.installed,
            uninstalled_at: row.uninstalled_at,
            purge_after: row.purge_after,
        })
        .filter(|app| app.visibility.offered_to(caller, beta))
        .collect())
}

/// The app `app_id` as the catalogue offers it to `caller` in the tenant; 404 when it does not.
async fn offered(tx: &mut Tx, caller: &Caller, tenant_id: Uuid, app_id: &str) -> Result<TenantApp> {
    catalogue_of(tx, caller, tenant_id, Some(app_id))
        .await?
        .pop()
        .ok_or(Error::NotFound("app"))
}

/// An install or uninstall, and who asked for it.
struct AppChange<'a> {
    caller: &'a Caller,
    access: &'a TenantAccess,
    app_id: &'a str,
    client: &'a ClientInfo,
}

impl AppChange<'_> {
    /// Audits the change as `action`, commits, and answers the app as the tenant now has it.
    async fn finish(
        &self,
        mut tx: Tx,
        action: &'static str,
        details: serde_json::Value,
    ) -> Result<TenantApp> {
        let event = NewAuditEvent {
            tenant_id: Some(self.access.tenant_id),
            actor_user_id: Some(self.caller.user_id),
            action,
            target_type: Some("app"),
            target_id: Some(self.app_id.to_owned()),
            ip_address: self.client.ip.as_deref(),
            details,
        };
        audit::record(&mut tx, event).await?;
        let app = offered(&mut tx, self.caller, self.access.tenant_id, self.app_id).await?;
        tx.commit().await?;
        Ok(app)
    }
}

/// Deletes the tenant's rows from every table of the app (by its prefix), newest table first so
/// that a table referring to an older one goes before it; answers how many rows went.
async fn purge_rows(tx: &mut Tx, tenant_id: Uuid, app_id: &str) -> Result<u64> {
    let prefix = lumiku_store::Wall::new(app_id).prefix().to_owned();
    let pattern = format!("{}%", prefix.replace('_', "\\_"));
    let tables: Vec<String> = match tx.backend() {
        Backend::Sqlite => {
            // A table with a `tenant_id`: an FTS5 index's shadow tables (`..._data`,
            // `..._config`) share its prefix and hold no tenant's rows of their own.
            sql::query_scalar(
                "select m.name from sqlite_master m where m.type = 'table' \
                 and m.name like $1 escape '\\' \
                 and exists (select 1 from pragma_table_info(m.name) c where c.name = 'tenant_id') \
                 order by m.rowid desc",
            )
            .bind(&pattern)
            .fetch_all(&mut *tx)
            .await?
        }
        Backend::Postgres => sql::query_scalar(
            "select c.relname::text from pg_class c join pg_namespace n on n.oid = c.relnamespace \
                 where n.nspname = current_schema() and c.relkind = 'r' and c.relname like $1 \
                 and exists (select 1 from pg_attribute a where a.attrelid = c.oid \
                 and a.attname = 'tenant_id' and not a.attisdropped) \
                 order by c.oid desc",
        )
        .bind(&pattern)
        .fetch_all(&mut *tx)
        .await?,
    };
    // The app's blobs go with its rows: their bytes leave the tenant's storage use now, and the
    // sweep removes their objects, which no row keeps any more.
    crate::storage::purge(tx, tenant_id, app_id).await?;
    let mut deleted = 0;
    for table in tables {
        // The name came from the catalogue of tables and starts with the app's checked prefix.
        let statement = format!(
            "delete from \"{}\" where tenant_id = $1",
            table.replace('"', "")
        );
        deleted += sql::query(sql::AssertSqlSafe(statement))
            .bind(tenant_id)
            .execute(&mut *tx)
            .await?
            .rows_affected();
    }
    Ok(deleted)
}
