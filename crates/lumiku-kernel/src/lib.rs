//! Lumiku's kernel: the platform's rules and their storage, with no HTTP in it.
//!
//! It owns every core table (accounts, sessions, devices, tenants, audit) and offers its
//! operations as methods on [`Kernel`]. Each operation that changes state runs in one transaction
//! together with its audit entry.

pub mod accounts;
pub mod audit;
pub mod billing;
pub mod browser;
pub mod credits;
pub mod devices;
pub mod error;
mod gate;
pub mod metering;
pub mod password;
pub mod payments;
pub mod ratelimit;
pub mod registry;
pub mod tenants;
pub mod token;

use std::time::Duration;

pub use error::{Error, Result};
pub use lumiku_store::{Backend, Db, DbOptions, Tx, db, sql};
use lumiku_store::{Migration, MigrationSet, Owner};

use anyhow::Context as _;

use password::{PasswordParams, Passwords};
use ratelimit::LoginLimits;
use token::Tokens;

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
];

/// Brings the core schema up to date. Safe to run on every start and from several nodes at once
/// (see [`lumiku_store::migrate`]).
pub async fn migrate(db: &Db) -> anyhow::Result<()> {
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

/// The kernel's settings, resolved from configuration at start-up.
#[derive(Clone)]
pub struct KernelSettings {
    /// The HS256 key signing access tokens.
    pub jwt_secret: Vec<u8>,
    /// Access-token lifetime.
    pub access_token_ttl: Duration,
    /// Refresh-token (and idle session) lifetime.
    pub refresh_token_ttl: Duration,
    /// Argon2id costs.
    pub password: PasswordParams,
    /// Failed-login limits.
    pub login_limits: LoginLimits,
    /// Credits a new account's personal tenant starts with.
    pub welcome_bonus_credits: i64,
    /// Billing and the payment gateway.
    pub billing: payments::BillingSettings,
}

impl std::fmt::Debug for KernelSettings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("KernelSettings")
            .field("jwt_secret", &"[redacted]")
            .field("access_token_ttl", &self.access_token_ttl)
            .field("refresh_token_ttl", &self.refresh_token_ttl)
            .field("password", &self.password)
            .field("login_limits", &self.login_limits)
            .field("welcome_bonus_credits", &self.welcome_bonus_credits)
            .field("billing", &self.billing)
            .finish()
    }
}

/// Where a request came from, for devices, rate limits and the audit log.
#[derive(Debug, Clone, Default)]
pub struct ClientInfo {
    /// The client's IP address.
    pub ip: Option<String>,
    /// The `User-Agent` header.
    pub user_agent: Option<String>,
}

/// The kernel: the database and the keys, shared by every request.
pub struct Kernel {
    db: Db,
    passwords: Passwords,
    tokens: Tokens,
    gateway: std::sync::Arc<dyn payments::PaymentGateway>,
    settings: KernelSettings,
    gate: gate::GateCache,
    walls: std::sync::Mutex<std::collections::HashMap<String, std::sync::Arc<lumiku_store::Wall>>>,
}

impl Kernel {
    /// Builds the kernel over a migrated database.
    pub fn new(db: Db, settings: KernelSettings) -> anyhow::Result<Self> {
        anyhow::ensure!(
            settings.jwt_secret.len() >= 32,
            "the JWT secret must be at least 32 bytes"
        );
        Ok(Self {
            passwords: Passwords::new(settings.password)?,
            tokens: Tokens::new(&settings.jwt_secret, settings.access_token_ttl),
            gateway: payments::gateway(&settings.billing, &db, &settings.jwt_secret)?,
            db,
            settings,
            gate: gate::GateCache::default(),
            walls: Default::default(),
        })
    }

    /// The database.
    pub fn db(&self) -> &Db {
        &self.db
    }

    /// The wall around app `app_id`'s SQL, one per app for the life of the kernel.
    pub fn wall(&self, app_id: &str) -> std::sync::Arc<lumiku_store::Wall> {
        let mut walls = self
            .walls
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        std::sync::Arc::clone(
            walls
                .entry(app_id.to_owned())
                .or_insert_with(|| std::sync::Arc::new(lumiku_store::Wall::new(app_id))),
        )
    }

    /// The settings it was built with.
    pub fn settings(&self) -> &KernelSettings {
        &self.settings
    }
}
