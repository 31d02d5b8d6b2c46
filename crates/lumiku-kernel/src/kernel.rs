//! The kernel: the database, the keys and the settings, shared by every request. Each domain
//! module adds its operations to [`Kernel`] in an `impl Kernel` block of its own.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use lumiku_store::{Db, Wall};

use crate::gate::GateCache;
use crate::password::{PasswordParams, Passwords};
use crate::payments::choose;
use crate::payments::gateway::{BillingSettings, PaymentGateway};
use crate::ratelimit::LoginLimits;
use crate::token::Tokens;

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
    /// New accounts prove their address before the welcome bonus: it is granted when the link
    /// mailed to them is followed, not at registration.
    pub email_verification: bool,
    /// Billing and the payment gateway.
    pub billing: BillingSettings,
    /// Outbound requests made for apps (a scheduled HTTP task, say) may reach private and
    /// loopback addresses. Off by default, so an app cannot be used to probe the internal network.
    pub allow_private_networks: bool,
    /// Where blobs are kept.
    pub storage: crate::storage::StorageSettings,
    /// What sends the platform's and the apps' mail, when an SMTP server is configured.
    pub mail: Option<Arc<dyn lumiku_plugin::mail::Transport>>,
    /// The wait before a failed webhook delivery's first retry; each next one waits twice as
    /// long (up to an hour).
    pub webhook_retry_base: Duration,
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
            .field("email_verification", &self.email_verification)
            .field("billing", &self.billing)
            .field("allow_private_networks", &self.allow_private_networks)
            .field("storage", &self.storage)
            .field("mail", &self.mail.is_some())
            .field("webhook_retry_base", &self.webhook_retry_base)
            .finish()
    }
}

/// The kernel: the database and the keys, shared by every request.
pub struct Kernel {
    pub(crate) db: Db,
    pub(crate) passwords: Passwords,
    pub(crate) tokens: Tokens,
    pub(crate) gateway: Arc<dyn PaymentGateway>,
    pub(crate) settings: KernelSettings,
    pub(crate) gate: GateCache,
    pub(crate) epochs: Arc<crate::gate::EpochReads>,
    walls: Mutex<HashMap<String, Arc<Wall>>>,
    pub(crate) jobs_wake: Arc<tokio::sync::Notify>,
    pub(crate) realtime: Arc<crate::realtime::Hub>,
    pub(crate) storage: Arc<crate::storage::Storage>,
    /// The webhook events the apps declare, named `{appId}.{event}`.
    pub(crate) app_webhook_events: Vec<crate::webhooks::events::EventType>,
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
            gateway: choose::gateway(&settings.billing, &db, &settings.jwt_secret)?,
            realtime: Arc::new(crate::realtime::Hub::new(db.clone())),
            storage: Arc::new(crate::storage::Storage::open(&settings.storage)?),
            db,
            settings,
            gate: GateCache::default(),
            epochs: Arc::default(),
            walls: Default::default(),
            jobs_wake: Arc::default(),
            app_webhook_events: Vec::new(),
        })
    }

    /// The database.
    pub fn db(&self) -> &Db {
        &self.db
    }

    /// The wall around app `app_id`'s SQL, one per app for the life of the kernel.
    pub fn wall(&self, app_id: &str) -> Arc<Wall> {
        let mut walls = self.walls.lock().unwrap_or_else(PoisonError::into_inner);
        let wall = walls
            .entry(app_id.to_owned())
            .or_insert_with(|| Arc::new(Wall::new(app_id)));
        Arc::clone(wall)
    }

    /// This node's realtime hub.
    pub fn realtime(&self) -> &Arc<crate::realtime::Hub> {
        &self.realtime
    }

    /// The blob storage.
    pub fn storage(&self) -> &Arc<crate::storage::Storage> {
        &self.storage
    }

    /// Runs the storage sweep: removes objects no row keeps (older than the grace period) and
    /// reports rows whose object is missing.
    pub async fn sweep_storage(&self) -> anyhow::Result<crate::storage::SweepReport> {
        self.storage
            .sweep(&self.db, crate::storage::SWEEP_GRACE)
            .await
    }

    /// The settings it was built with.
    pub fn settings(&self) -> &KernelSettings {
        &self.settings
    }
}
