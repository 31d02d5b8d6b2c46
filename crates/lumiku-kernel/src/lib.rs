//! Lumiku's kernel: the platform's rules and their storage, with no HTTP in it.
//!
//! It owns every core table (accounts, sessions, devices, tenants, audit) and offers its
//! operations as methods on [`Kernel`]. Each operation that changes state runs in one transaction
//! together with its audit entry.

pub mod accounts;
pub mod api_keys;
pub mod audit;
pub mod billing;
pub mod browser;
pub mod context;
pub mod credits;
pub mod devices;
pub mod error;
pub mod export;
mod gate;
pub mod installs;
pub mod jobs;
pub mod kernel;
pub mod metering;
pub mod observe;
pub mod password;
pub mod payments;
pub mod ratelimit;
pub mod realtime;
pub mod registry;
pub mod storage;
pub mod tenants;
pub mod token;
pub mod users;
pub mod webhooks;

use anyhow::Context as _;
use lumiku_store::{Migration, MigrationSet, Owner};

pub use context::ClientInfo;
pub use error::{Error, Result};
pub use kernel::{Kernel, KernelSettings};
pub use lumiku_store::{Backend, Db, DbOptions, Synchronous, Tx, db, sql};

/// The core schema's migrations, oldest first. The names are those sqlx recorded for them, from
/// their file names, before `lumiku-store` ran them.
pub const MIGRATIONS: &[Migration] = &[
    Migration {
        version: 1,
        name: "core",
        sqlite: include_str!("../migrations/sqlite/0001_core.sql"),
        postgres: include_str!("../migrations/postgres/0001_core.sql"),
    },
    Migration {
        version: 2,
        name: "credits apps",
        sqlite: include_str!("../migrations/sqlite/0002_credits_apps.sql"),
        postgres: include_str!("../migrations/postgres/0002_credits_apps.sql"),
    },
    Migration {
        version: 3,
        name: "billing",
        sqlite: include_str!("../migrations/sqlite/0003_billing.sql"),
        postgres: include_str!("../migrations/postgres/0003_billing.sql"),
    },
    Migration {
        version: 4,
        name: "browser sessions",
        sqlite: include_str!("../migrations/sqlite/0004_browser_sessions.sql"),
        postgres: include_str!("../migrations/postgres/0004_browser_sessions.sql"),
    },
    Migration {
        version: 5,
        name: "derived app counters",
        sqlite: include_str!("../migrations/sqlite/0005_derived_app_counters.sql"),
        postgres: include_str!("../migrations/postgres/0005_derived_app_counters.sql"),
    },
    Migration {
        version: 6,
        name: "gate epoch",
        sqlite: include_str!("../migrations/sqlite/0006_gate_epoch.sql"),
        postgres: include_str!("../migrations/postgres/0006_gate_epoch.sql"),
    },
    Migration {
        version: 7,
        name: "ledger kind check",
        sqlite: include_str!("../migrations/sqlite/0007_ledger_kind_check.sql"),
        postgres: include_str!("../migrations/postgres/0007_ledger_kind_check.sql"),
    },
    Migration {
        version: 8,
        name: "app user usage",
        sqlite: include_str!("../migrations/sqlite/0008_app_user_usage.sql"),
        postgres: include_str!("../migrations/postgres/0008_app_user_usage.sql"),
    },
    Migration {
        version: 9,
        name: "one migration history",
        sqlite: include_str!("../migrations/sqlite/0009_one_migration_history.sql"),
        postgres: include_str!("../migrations/postgres/0009_one_migration_history.sql"),
    },
    Migration {
        version: 10,
        name: "app lifecycle",
        sqlite: include_str!("../migrations/sqlite/0010_app_lifecycle.sql"),
        postgres: include_str!("../migrations/postgres/0010_app_lifecycle.sql"),
    },
    Migration {
        version: 11,
        name: "one trial per person",
        sqlite: include_str!("../migrations/sqlite/0011_one_trial_per_person.sql"),
        postgres: include_str!("../migrations/postgres/0011_one_trial_per_person.sql"),
    },
    Migration {
        version: 12,
        name: "email verification",
        sqlite: include_str!("../migrations/sqlite/0012_email_verification.sql"),
        postgres: include_str!("../migrations/postgres/0012_email_verification.sql"),
    },
    Migration {
        version: 13,
        name: "jobs",
        sqlite: include_str!("../migrations/sqlite/0013_jobs.sql"),
        postgres: include_str!("../migrations/postgres/0013_jobs.sql"),
    },
    Migration {
        version: 14,
        name: "realtime outbox",
        sqlite: include_str!("../migrations/sqlite/0014_realtime_outbox.sql"),
        postgres: include_str!("../migrations/postgres/0014_realtime_outbox.sql"),
    },
    Migration {
        version: 15,
        name: "blob storage",
        sqlite: include_str!("../migrations/sqlite/0015_blob_storage.sql"),
        postgres: include_str!("../migrations/postgres/0015_blob_storage.sql"),
    },
    Migration {
        version: 16,
        name: "daily usage and ledger rollups",
        sqlite: include_str!("../migrations/sqlite/0016_daily_rollups.sql"),
        postgres: include_str!("../migrations/postgres/0016_daily_rollups.sql"),
    },
    Migration {
        version: 17,
        name: "api keys",
        sqlite: include_str!("../migrations/sqlite/0017_api_keys.sql"),
        postgres: include_str!("../migrations/postgres/0017_api_keys.sql"),
    },
    Migration {
        version: 18,
        name: "webhooks",
        sqlite: include_str!("../migrations/sqlite/0018_webhooks.sql"),
        postgres: include_str!("../migrations/postgres/0018_webhooks.sql"),
    },
    Migration {
        version: 19,
        name: "boolean columns",
        sqlite: include_str!("../migrations/sqlite/0019_boolean_columns.sql"),
        postgres: include_str!("../migrations/postgres/0019_boolean_columns.sql"),
    },
];

/// Brings the core schema up to date. Safe to run on every start and from several nodes at once
/// (see [`lumiku_store::migrate`]).
pub async fn migrate(db: &Db) -> anyhow::Result<usize> {
    lumiku_store::migrate::migrate(
        db,
        &MigrationSet {
            owner: Owner::Kernel,
            migrations: MIGRATIONS,
        },
    )
    .await
    .context("migrating the core schema")
}
