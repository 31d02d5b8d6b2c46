//! A tenant's data as one JSON document, for its owners to take elsewhere
//! (`GET /api/tenants/{id}/export`): the tenant, its members, its wallet and ledger, usage,
//! billing, installed apps, API keys and webhooks (never their secrets), the audit trail, and
//! every row of every app's tables that belongs to it. It is read in one transaction, so it is
//! one moment of the tenant, and each value reads the same from SQLite and PostgreSQL
//! (`lumiku_store::export`).

use chrono::{DateTime, Utc};
use lumiku_plugin::Role;
use lumiku_store::export::{ExportRow, tenant_rows, tenant_tables};
use lumiku_store::{now, sql};
use serde::Serialize;
use serde_json::{Map, Value, json};
use utoipa::ToSchema;
use uuid::Uuid;

use crate::audit::{self, NewAuditEvent, action};
use crate::context::{Caller, ClientInfo};
use crate::error::{Error, Result};
use crate::kernel::Kernel;

/// The document's `format`.
pub const FORMAT: &str = "lumiku.tenant-export";
/// The document's `version`: raised when its shape changes in a way a reader must know.
pub const VERSION: u32 = 1;

/// The core's tables an export holds, with the columns left out of each: hashes and secrets, and
/// the gateway's raw callback (it carries the merchant's signature).
const CORE: &[(&str, &[&str])] = &[
    ("tenant_members", &[]),
    ("wallets", &[]),
    ("ledger_entries", &[]),
    ("ledger_daily", &[]),
    ("app_usage", &[]),
    ("app_user_usage", &[]),
    ("usage_daily", &[]),
    ("tenant_apps", &[]),
    ("subscriptions", &[]),
    ("subscription_grants", &[]),
    ("invoices", &[]),
    ("invoice_items", &[]),
    ("payments", &["callback_data"]),
    ("api_keys", &["secret_hash"]),
    ("webhook_endpoints", &["secret"]),
    ("webhook_events", &[]),
    ("webhook_deliveries", &[]),
    ("blobs", &[]),
    ("tenant_storage", &[]),
    ("audit_events", &[]),
];

/// A tenant's data, as of one moment.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct TenantExport {
    /// Always `lumiku.tenant-export`.
    pub format: &'static str,
    /// The shape's version, raised when a reader must know of a change.
    pub version: u32,
    /// When it was read.
    pub exported_at: DateTime<Utc>,
    /// The tenant's own row (`id`, `name`, `kind`, ...).
    #[schema(value_type = Object)]
    pub tenant: ExportRow,
    /// The accounts of its members.
    pub people: Vec<ExportedPerson>,
    /// The core's tables (`ledger_entries`, `invoices`, `audit_events`, ...), each the list of
    /// the tenant's rows, column to value: UUIDs and times (RFC 3339) as text, JSON documents as
    /// their text, booleans and numbers as themselves.
    #[schema(value_type = Object)]
    pub core: Map<String, Value>,
    /// For each app compiled into the server, its tables, each the list of the tenant's rows.
    #[schema(value_type = Object)]
    pub apps: Map<String, Value>,
}

/// A member's account, in an export.
#[derive(Debug, Serialize, ToSchema)]
pub struct ExportedPerson {
    /// The account.
    pub id: Uuid,
    /// `person`, or `service` for an API key's identity.
    pub kind: String,
    /// Its e-mail address.
    pub email: String,
    /// Its display name, if it has one.
    pub name: Option<String>,
}

/// The core's tables with a `tenant_id` that an export leaves out, with why: working state that
/// means nothing elsewhere. Every other such table is in [`CORE`] (a test holds the two lists
/// to the schema).
pub const NOT_EXPORTED: &[(&str, &str)] = &[
    (
        "idempotency_keys",
        "stored answers to retried requests, kept for a day",
    ),
    ("jobs", "the queue of background work, re-made by the apps"),
    ("realtime_outbox", "events on their way to open connections"),
    (
        "invoice_counters",
        "the next invoice number, a counter of this server's",
    ),
];

/// The core's tables an export holds, each with the columns it leaves out.
pub fn core_tables() -> impl Iterator<Item = (&'static str, &'static [&'static str])> {
    CORE.iter().copied()
}

/// An app's part of an export: its id, and the columns of its tables to leave out (`(table,
/// column)`: link tokens, password hashes).
pub struct ExportedApp<'a> {
    /// The app.
    pub app_id: &'a str,
    /// What stays out.
    pub hidden: &'a [(&'static str, &'static str)],
}

impl Kernel {
    /// The tenant's data, for one of its owners; the export is audited.
    pub async fn export_tenant(
        &self,
        caller: &Caller,
        tenant_id: Uuid,
        apps: &[ExportedApp<'_>],
        client: &ClientInfo,
    ) -> Result<TenantExport> {
        let access = self.tenant_access(caller, tenant_id).await?;
        if access.role != Role::Owner {
            return Err(Error::Forbidden(
                "only the tenant's owners may export its data",
            ));
        }
        let exported_at = now();
        let mut tx = self.db.begin_tenant_snapshot(tenant_id).await?;
        let tenant = tenant_rows(&mut tx, "tenants", "id", &[])
            .await?
            .into_iter()
            .next()
            .ok_or(Error::NotFound("tenant"))?;
        #[derive(lumiku_plugin::sql::FromRow)]
        struct Person {
            id: Uuid,
            kind: String,
            email: String,
            name: Option<String>,
        }
        let people = sql::query_as::<Person>(
            "select u.id, u.kind, u.email, u.name from tenant_members m \
             join users u on u.id = m.user_id where m.tenant_id = $1 order by u.id",
        )
        .bind(tenant_id)
        .fetch_all(&mut tx)
        .await?;
        let mut core = Map::new();
        for (table, hidden) in CORE {
            core.insert(
                (*table).to_owned(),
                rows(tenant_rows(&mut tx, table, "tenant_id", hidden).await?),
            );
        }
        let mut exported_apps = Map::new();
        let prefixes: Vec<String> = apps
            .iter()
            .map(|app| format!("{}_", app.app_id.replace('-', "_")))
            .collect();
        for (app, prefix) in apps.iter().zip(&prefixes) {
            let mut tables = Map::new();
            for table in tenant_tables(&mut tx, prefix).await? {
                // A core table, or another app's whose longer prefix starts with this one
                // (`invoice_` and `invoice_generator_`), that merely shares the prefix.
                let core = CORE.iter().any(|(t, _)| *t == table)
                    || NOT_EXPORTED.iter().any(|(t, _)| *t == table);
                let longer = prefixes
                    .iter()
                    .any(|other| other.len() > prefix.len() && table.starts_with(other.as_str()));
                if core || longer {
                    continue;
                }
                let hidden: Vec<&str> = app
                    .hidden
                    .iter()
                    .filter(|(t, _)| *t == table)
                    .map(|(_, column)| *column)
                    .collect();
                let found = tenant_rows(&mut tx, &table, "tenant_id", &hidden).await?;
                tables.insert(table, rows(found));
            }
            exported_apps.insert(app.app_id.to_owned(), Value::Object(tables));
        }
        tx.commit().await?;

        let mut tx = self.db.begin_tenant(tenant_id).await?;
        audit::record(
            &mut tx,
            NewAuditEvent {
                tenant_id: Some(tenant_id),
                actor_user_id: Some(caller.user_id),
                action: action::TENANT_EXPORTED,
                target_type: Some("tenant"),
                target_id: Some(tenant_id.to_string()),
                ip_address: client.ip.as_deref(),
                details: json!({ "apps": apps.iter().map(|a| a.app_id).collect::<Vec<_>>() }),
            },
        )
        .await?;
        tx.commit().await?;

        Ok(TenantExport {
            format: FORMAT,
            version: VERSION,
            exported_at,
            tenant,
            people: people
                .into_iter()
                .map(|p| ExportedPerson {
                    id: p.id,
                    kind: p.kind,
                    email: p.email,
                    name: p.name,
                })
                .collect(),
            core,
            apps: exported_apps,
        })
    }
}

fn rows(rows: Vec<ExportRow>) -> Value {
    Value::Array(rows.into_iter().map(Value::Object).collect())
}
