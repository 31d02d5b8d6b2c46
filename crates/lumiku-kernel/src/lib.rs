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
pub mod password;
pub mod payments;
pub mod ratelimit;
pub mod registry;
pub mod tenants;
pub mod token;

use std::time::Duration;

pub use error::{Error, Result};
pub use lumiku_plugin::db::{self, Backend, Db, DbOptions, Tx};
pub use lumiku_plugin::{sql, with_db, with_tx};

use anyhow::Context as _;

use password::{PasswordParams, Passwords};
use ratelimit::LoginLimits;
use token::Tokens;

/// Brings the core schema up to date. Safe to run on every start and from several nodes at once
/// (sqlx takes an advisory lock on PostgreSQL; SQLite serialises writers).
pub async fn migrate(db: &Db) -> anyhow::Result<()> {
    match db {
        Db::Sqlite(sqlite) => {
            // sqlx runs the migrations on a connection of its own, while this process's writer
            // is held aside so nothing else writes meanwhile.
            use sqlx::Connection as _;
            let _writer = sqlite.hold_writer().await?;
            let mut conn = sqlx::SqliteConnection::connect_with(&sqlite.sqlx_options()?)
                .await
                .context("opening SQLite for migrations")?;
            sqlx::migrate!("migrations/sqlite")
                .run(&mut conn)
                .await
                .context("running SQLite migrations")?;
            conn.close().await?;
        }
        Db::Postgres(pool) => sqlx::migrate!("migrations/postgres")
            .run(pool)
            .await
            .context("running PostgreSQL migrations")?,
    }
    Ok(())
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
        })
    }

    /// The database.
    pub fn db(&self) -> &Db {
        &self.db
    }

    /// The settings it was built with.
    pub fn settings(&self) -> &KernelSettings {
        &self.settings
    }
}
