//! Lumiku's kernel: the platform's rules and their storage, with no HTTP in it.
//!
//! It owns every core table (accounts, sessions, devices, tenants, audit) and offers its
//! operations as methods on [`Kernel`]. Each operation that changes state runs in one transaction
//! together with its audit entry.

pub mod accounts;
pub mod audit;
pub mod db;
pub mod devices;
pub mod error;
pub mod password;
pub mod ratelimit;
pub mod tenants;
pub mod token;

use std::time::Duration;

pub use db::{Backend, Db, DbOptions, Tx};
pub use error::{Error, Result};

use password::{PasswordParams, Passwords};
use ratelimit::LoginLimits;
use token::Tokens;

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
}

impl std::fmt::Debug for KernelSettings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("KernelSettings")
            .field("jwt_secret", &"[redacted]")
            .field("access_token_ttl", &self.access_token_ttl)
            .field("refresh_token_ttl", &self.refresh_token_ttl)
            .field("password", &self.password)
            .field("login_limits", &self.login_limits)
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
    settings: KernelSettings,
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
            db,
            settings,
        })
    }

    /// The database.
    pub fn db(&self) -> &Db {
        &self.db
    }
}
