//! Configuration: compiled defaults, then `lumiku.toml` (optional), then `LUMIKU_*` environment
//! variables; later sources win. Validated once at start-up.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context as _;
use figment::Figment;
use figment::providers::{Env, Format, Serialized, Toml};
use serde::{Deserialize, Serialize};

use lumiku_kernel::password::PasswordParams;
use lumiku_kernel::payments::duitku;
use lumiku_kernel::payments::signature::Signer;
use lumiku_kernel::payments::{BillingSettings, GatewaySettings, SignatureScheme};
use lumiku_kernel::ratelimit::LoginLimits;
use lumiku_kernel::storage::StorageSettings;
use lumiku_kernel::{KernelSettings, Synchronous};

/// Whether Lumiku runs for development (forgiving defaults) or production (every secret given).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Mode {
    /// A generated JWT secret is kept in the data directory.
    Development,
    /// A missing JWT secret is a start-up error.
    Production,
}

/// A secret string whose `Debug` never prints it.
#[derive(Clone, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Secret(String);

impl Secret {
    /// The secret itself.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("[redacted]")
    }
}

impl From<String> for Secret {
    fn from(value: String) -> Self {
        Secret(value)
    }
}

/// How log lines are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum LogFormat {
    /// For people: one line per event, coloured on a terminal.
    Text,
    /// One JSON object per line, for a log collector.
    Json,
}

/// Everything Lumiku can be configured with. Each field `foo` is also `LUMIKU_FOO`. A key that
/// is not one of these is a start-up error, not silently ignored.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Config {
    /// `development` (default) or `production`.
    pub mode: Mode,
    /// Address to listen on: `host:port` (a name such as `localhost` is resolved), `:port` for
    /// every interface, or a bare port on 127.0.0.1. Default `127.0.0.1:3000`.
    #[serde(deserialize_with = "bind_address")]
    pub bind: SocketAddr,
    /// `sqlite://path` or `postgres://…`. Default: `lumiku.db` in `data_dir`.
    pub database_url: Option<String>,
    /// Maximum database connections. Default 8.
    pub database_max_connections: u32,
    /// On SQLite, `normal` (the default: a commit survives the process being killed; the last
    /// commits before a power loss may be lost, the database stays consistent) or `full` (the
    /// WAL is synced at every commit: a commit survives a power loss too, at the cost
    /// docs/performance.md measures).
    pub sqlite_synchronous: Synchronous,
    /// The directory holding the server's state: the SQLite database (unless `database_url`
    /// names another), the development JWT secret, and stored files (unless `storage_url` names
    /// a bucket). Default `.`.
    pub data_dir: PathBuf,
    /// HS256 key for access tokens, at least 32 bytes. Required in production.
    pub jwt_secret: Option<Secret>,
    /// Access-token lifetime in seconds. Default 900.
    pub access_token_ttl_secs: u64,
    /// Refresh-token lifetime in seconds. Default 30 days.
    pub refresh_token_ttl_secs: u64,
    /// Failed logins allowed per account per window. Default 5.
    pub login_max_failures_per_account: u32,
    /// Failed logins allowed per client IP per window. Default 20.
    pub login_max_failures_per_ip: u32,
    /// The failed-login window in seconds. Default 900.
    pub login_failure_window_secs: u64,
    /// Accounts registered per client IP per `register_window_secs`; 0 turns the limit off.
    /// Default: 20 in production, off in development.
    pub register_max_per_ip: Option<u32>,
    /// The registration window in seconds. Default 3600.
    pub register_window_secs: u64,
    /// Argon2id memory in KiB. Default 19456.
    pub argon2_memory_kib: u32,
    /// Argon2id passes. Default 2.
    pub argon2_iterations: u32,
    /// Password hashes running at once (each holds `argon2_memory_kib`); 0 means one per core.
    /// Default 0.
    pub argon2_max_concurrent: usize,
    /// How long a sign-in, registration or password change waits for a hashing turn before it is
    /// answered 503 with `Retry-After`, in milliseconds. Default 3000.
    pub argon2_queue_wait_ms: u64,
    /// Credits a new account's personal tenant starts with. Default 100.
    pub welcome_bonus_credits: i64,
    /// Take the client IP from `X-Forwarded-For` (only behind a proxy you control). Default false.
    pub trust_forwarded_for: bool,
    /// Log format: `text` (default) or `json`.
    pub log_format: LogFormat,
    /// One log line per request at INFO (method, route, status, duration, request id, tenant).
    /// Default true.
    pub access_log: bool,
    /// Serves `GET /metrics` (Prometheus) to requests bearing this token, at least 16 bytes.
    /// Unset (the default): no metrics are kept and `/metrics` is not found.
    pub metrics_token: Option<Secret>,
    /// With the `otel` feature: the OTLP/HTTP traces endpoint spans are exported to (JSON), e.g.
    /// `http://127.0.0.1:4318/v1/traces`. Unset (the default): none are.
    pub otel_endpoint: Option<String>,
    /// The `service.name` of exported spans. Default `lumiku`.
    pub otel_service_name: String,
    /// The address the world reaches this server at, for payment callback and return URLs.
    /// Default `http://` + `bind` (with `0.0.0.0` read as `127.0.0.1`).
    pub public_url: Option<String>,
    /// `sandbox` (the default in development) or `duitku`. Required in production.
    pub payment_gateway: Option<PaymentGatewayKind>,
    /// Duitku merchant code.
    pub duitku_merchant_code: Option<String>,
    /// Duitku API key.
    pub duitku_api_key: Option<Secret>,
    /// `sandbox` (default) or `production`: which Duitku API.
    pub duitku_environment: DuitkuEnvironment,
    /// Overrides the Duitku API base URL (for a proxy or a test double).
    pub duitku_base_url: Option<String>,
    /// Request signatures: `md5` (default, Duitku's PHP library) or `hmac-sha256`.
    pub duitku_signature: SignatureScheme,
    /// Payment method when the payer names none. Default `VC` (credit card).
    pub duitku_payment_method: String,
    /// Minutes a payment stays payable. Default 60.
    pub payment_expiry_minutes: i64,
    /// Days an unpaid renewal keeps its plan before the subscription ends. Default 7.
    pub billing_grace_days: i64,
    /// Seconds between runs of the billing cycle (renewals, grants, expiries); 0 turns the
    /// background job off (run `lumiku billing run` from cron instead). Default 60.
    pub billing_interval_secs: u64,
    /// The SMTP server new accounts' verification links are mailed through:
    /// `smtps://user:password@host:465`, or `smtp://user:password@host:587?tls=required`
    /// (STARTTLS). When set, the welcome bonus waits for the address to be proved; unset, there is
    /// no verification and the bonus is granted at registration.
    pub smtp_url: Option<Secret>,
    /// The sender of those mails. Default `Lumiku <no-reply@localhost>`.
    pub mail_from: String,
    /// Connections served at once; 0 derives it from the open-files limit (leaving room for the
    /// database and a small overflow). Default 0.
    pub max_connections: usize,
    /// Seconds a connection has to send a request's headers, including the wait for the next
    /// request on a kept-alive connection. Default 20.
    pub header_timeout_secs: u64,
    /// Background jobs this process runs at once; 0 runs none here (another node's workers, or
    /// `lumiku worker`, run them). Default 8.
    pub worker_pool_size: usize,
    /// Lets outbound requests made for apps (a scheduled HTTP task) reach private, loopback and
    /// link-local addresses. Off by default: an app must not become a probe of the internal
    /// network. Default false.
    pub allow_private_networks: bool,
    /// Seconds between the realtime connections' heartbeats (a WebSocket ping, an SSE comment);
    /// a WebSocket client silent for three of them is closed, and every connection's session,
    /// membership and subscriptions are checked again at each. Default 25.
    pub realtime_heartbeat_secs: u64,
    /// Where apps' files are kept: a directory (default `blobs` inside `data_dir`) or an
    /// S3-compatible bucket, `s3://bucket/prefix`, whose credentials come from the environment
    /// (`AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY`).
    pub storage_url: Option<String>,
    /// The S3-compatible service's endpoint (MinIO, Cloudflare R2, ...); AWS when unset.
    pub storage_endpoint: Option<String>,
    /// The S3 region. Default `AWS_REGION`, else `us-east-1`.
    pub storage_region: Option<String>,
    /// Lets `storage_endpoint` be plain `http://`. Default false.
    pub storage_allow_http: bool,
    /// The S3 access key id (else `AWS_ACCESS_KEY_ID`, or the instance's role).
    pub storage_access_key_id: Option<String>,
    /// The S3 secret access key (else `AWS_SECRET_ACCESS_KEY`).
    pub storage_secret_access_key: Option<Secret>,
    /// The most one upload may hold, in bytes. Default 5 GiB.
    pub max_upload_bytes: u64,
    /// Uploads streaming at once on this node; past it, 503 with `Retry-After`. Default 128.
    pub max_concurrent_uploads: usize,
    /// Seconds between storage sweeps (objects no row keeps are removed, rows whose object is
    /// missing are reported); 0 turns the background sweep off. Default 3600.
    pub storage_sweep_interval_secs: u64,
    /// Web origins (`https://app.example.com`, scheme, host and port, no path) whose pages may
    /// call the API from the browser, with credentials. Empty by default: same origin only. In
    /// the environment, separated by commas.
    #[serde(deserialize_with = "list_or_commas")]
    pub cors_allowed_origins: Vec<String>,
    /// Seconds before a failed webhook delivery's first retry; each next waits twice as long
    /// (up to an hour), for 8 attempts. Default 30.
    pub webhook_retry_base_secs: u64,
    /// Requests each API key may make per minute, in bursts of as many (a token bucket per key
    /// and node); 0 for no limit. Default 600.
    pub api_key_requests_per_minute: u32,
    /// Requests without a credential (sign-in, registration, public links) each client IP may
    /// make per minute, in bursts of as many (per node); 0 for no limit. Default 600. The
    /// health checks and the payment gateway's callback are not counted.
    pub anonymous_requests_per_minute: u32,
}

/// `bind` as written: `host:port`, `:port` (every interface) or a bare port (on 127.0.0.1).
fn bind_address<'de, D: serde::Deserializer<'de>>(d: D) -> Result<SocketAddr, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum PortOrText {
        Port(u16),
        Text(String),
    }
    match PortOrText::deserialize(d)? {
        PortOrText::Port(port) => Ok(SocketAddr::from(([127, 0, 0, 1], port))),
        PortOrText::Text(text) => parse_bind(&text).map_err(serde::de::Error::custom),
    }
}

/// Reads a listening address: `127.0.0.1:3000`, `[::1]:3000`, `localhost:3000` (resolved, an
/// IPv4 address preferred), `:3000` (every interface) or `3000` (127.0.0.1).
pub fn parse_bind(text: &str) -> anyhow::Result<SocketAddr> {
    let text = text.trim();
    if let Ok(addr) = text.parse::<SocketAddr>() {
        return Ok(addr);
    }
    if let Ok(port) = text.parse::<u16>() {
        return Ok(SocketAddr::from(([127, 0, 0, 1], port)));
    }
    if let Some(port) = text.strip_prefix(':')
        && let Ok(port) = port.parse::<u16>()
    {
        return Ok(SocketAddr::from(([0, 0, 0, 0], port)));
    }
    let (host, port) = text.rsplit_once(':').with_context(|| {
        format!("'{text}' is not an address to listen on (host:port, :port or a port)")
    })?;
    let port: u16 = port
        .parse()
        .with_context(|| format!("'{text}': '{port}' is not a port number"))?;
    let addrs: Vec<SocketAddr> = std::net::ToSocketAddrs::to_socket_addrs(&(host, port))
        .with_context(|| format!("'{text}': the host name '{host}' does not resolve"))?
        .collect();
    addrs
        .iter()
        .find(|a| a.is_ipv4())
        .or_else(|| addrs.first())
        .copied()
        .with_context(|| format!("'{text}': the host name '{host}' has no address"))
}

/// A list, or (from an environment variable) one string of comma-separated items.
fn list_or_commas<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Vec<String>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum ListOrString {
        List(Vec<String>),
        String(String),
    }
    Ok(match ListOrString::deserialize(d)? {
        ListOrString::List(items) => items,
        ListOrString::String(text) => text
            .split(',')
            .map(str::trim)
            .filter(|item| !item.is_empty())
            .map(str::to_owned)
            .collect(),
    })
}

/// Which payment gateway takes payments.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum PaymentGatewayKind {
    /// The built-in sandbox: pages served by Lumiku; no money moves.
    Sandbox,
    /// Duitku.
    Duitku,
}

/// Which Duitku API to call.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum DuitkuEnvironment {
    /// `https://sandbox.duitku.com/webapi`.
    Sandbox,
    /// `https://passport.duitku.com/webapi`.
    Production,
}

impl Default for Config {
    fn default() -> Self {
        Self {
            mode: Mode::Development,
            bind: SocketAddr::from(([127, 0, 0, 1], 3000)),
            database_url: None,
            database_max_connections: 8,
            sqlite_synchronous: Synchronous::Normal,
            data_dir: PathBuf::from("."),
            jwt_secret: None,
            access_token_ttl_secs: 900,
            refresh_token_ttl_secs: 30 * 24 * 3600,
            login_max_failures_per_account: 5,
            login_max_failures_per_ip: 20,
            login_failure_window_secs: 900,
            register_max_per_ip: None,
            register_window_secs: 3600,
            argon2_memory_kib: PasswordParams::default().memory_kib,
            argon2_iterations: PasswordParams::default().iterations,
            argon2_max_concurrent: 0,
            argon2_queue_wait_ms: 3000,
            welcome_bonus_credits: 100,
            trust_forwarded_for: false,
            log_format: LogFormat::Text,
            access_log: true,
            metrics_token: None,
            otel_endpoint: None,
            otel_service_name: "lumiku".to_owned(),
            public_url: None,
            payment_gateway: None,
            duitku_merchant_code: None,
            duitku_api_key: None,
            duitku_environment: DuitkuEnvironment::Sandbox,
            duitku_base_url: None,
            duitku_signature: SignatureScheme::Md5,
            duitku_payment_method: "VC".into(),
            payment_expiry_minutes: 60,
            billing_grace_days: 7,
            billing_interval_secs: 60,
            smtp_url: None,
            mail_from: "Lumiku <no-reply@localhost>".into(),
            max_connections: 0,
            header_timeout_secs: 20,
            worker_pool_size: 8,
            allow_private_networks: false,
            realtime_heartbeat_secs: 25,
            storage_url: None,
            storage_endpoint: None,
            storage_region: None,
            storage_allow_http: false,
            storage_access_key_id: None,
            storage_secret_access_key: None,
            max_upload_bytes: 5 * 1024 * 1024 * 1024,
            max_concurrent_uploads: 128,
            storage_sweep_interval_secs: 3600,
            cors_allowed_origins: Vec::new(),
            webhook_retry_base_secs: 30,
            api_key_requests_per_minute: 600,
            anonymous_requests_per_minute: 600,
        }
    }
}

/// The file holding the generated development JWT secret, inside the data directory.
const DEV_SECRET_FILE: &str = ".lumiku-jwt-secret";

/// `LUMIKU_*` variables that are not settings: the configuration file's name, the log filter,
/// the admin command's password, the SDKs' server URL, and those of the project's own test and
/// benchmark tools (every `LUMIKU_TEST_*`, `LUMIKU_BENCH_*` and `LUMIKU_CONTRACT_*`).
const NOT_SETTINGS: &[&str] = &[
    "config",
    "log",
    "admin_password",
    "url",
    "binary",
    "e2e_required",
    "s3_required",
];
const NOT_SETTINGS_PREFIXES: &[&str] = &["test_", "bench_", "contract_"];

fn is_setting_variable(key: &str) -> bool {
    let key = key.to_ascii_lowercase();
    !NOT_SETTINGS.contains(&key.as_str())
        && !NOT_SETTINGS_PREFIXES.iter().any(|p| key.starts_with(p))
}

impl Config {
    /// Loads defaults, then the configuration file, then `LUMIKU_*` variables. `file` is the
    /// one named by `--config` or `LUMIKU_CONFIG`, which must exist; without one, `lumiku.toml`
    /// is read if it is there. Unknown keys and bad values are errors naming the key and where
    /// it was set.
    pub fn load(file: Option<&Path>) -> anyhow::Result<Self> {
        let file = match file {
            Some(file) => {
                anyhow::ensure!(
                    file.is_file(),
                    "the configuration file {} does not exist",
                    file.display()
                );
                file
            }
            None => Path::new("lumiku.toml"),
        };
        Self::figment(file)
            .extract()
            .map_err(|error| anyhow::anyhow!(describe_config_error(error)))
    }

    /// The layered sources, in order.
    pub fn figment(file: &Path) -> Figment {
        Figment::from(Serialized::defaults(Config::default()))
            .merge(Toml::file(file))
            .merge(Env::prefixed("LUMIKU_").filter(|key| is_setting_variable(key.as_str())))
    }

    /// Makes the data directory if it is missing (the SQLite database, the secret and the files
    /// go there).
    pub fn ensure_data_dir(&self) -> anyhow::Result<()> {
        std::fs::create_dir_all(&self.data_dir)
            .with_context(|| format!("creating the data directory {}", self.data_dir.display()))
    }

    /// The database: `database_url`, or `lumiku.db` in the data directory.
    pub fn database_url(&self) -> String {
        match self.database_url.as_deref().map(str::trim) {
            Some(url) if !url.is_empty() => url.to_owned(),
            _ => format!("sqlite://{}", self.data_dir.join("lumiku.db").display()),
        }
    }

    /// The kernel's settings; resolves the JWT secret (see [`Config::jwt_secret_bytes`]).
    pub fn kernel_settings(&self) -> anyhow::Result<KernelSettings> {
        // Checked here, with the rest of the start-up checks, for the router to use.
        self.cors_origins()?;
        anyhow::ensure!(
            self.access_token_ttl_secs > 0,
            "access_token_ttl_secs must be positive"
        );
        anyhow::ensure!(
            self.refresh_token_ttl_secs > self.access_token_ttl_secs,
            "refresh_token_ttl_secs must be longer than access_token_ttl_secs"
        );
        Ok(KernelSettings {
            jwt_secret: self.jwt_secret_bytes()?,
            access_token_ttl: Duration::from_secs(self.access_token_ttl_secs),
            refresh_token_ttl: Duration::from_secs(self.refresh_token_ttl_secs),
            password: PasswordParams {
                memory_kib: self.argon2_memory_kib,
                iterations: self.argon2_iterations,
                parallelism: 1,
                max_concurrent: self.argon2_max_concurrent,
                queue_wait: Duration::from_millis(self.argon2_queue_wait_ms.max(1)),
            },
            welcome_bonus_credits: self.welcome_bonus_credits.max(0),
            email_verification: self.smtp_url.is_some(),
            billing: self.billing_settings()?,
            allow_private_networks: self.allow_private_networks,
            storage: self.storage_settings(),
            mail: crate::mail::Mailer::from_config(self)?
                .map(|mailer| mailer as Arc<dyn lumiku_plugin::mail::Transport>),
            webhook_retry_base: Duration::from_secs(self.webhook_retry_base_secs.max(1)),
            login_limits: LoginLimits {
                per_account: self.login_max_failures_per_account.max(1),
                per_ip: self.login_max_failures_per_ip.max(1),
                window: Duration::from_secs(self.login_failure_window_secs.max(1)),
                registrations_per_ip: self.register_max_per_ip.unwrap_or(match self.mode {
                    Mode::Production => 20,
                    Mode::Development => 0,
                }),
                registration_window: Duration::from_secs(self.register_window_secs.max(1)),
            },
        })
    }

    /// Where blobs are kept: `storage_url`, or `blobs` inside the data directory.
    pub fn storage_settings(&self) -> StorageSettings {
        StorageSettings {
            url: self
                .storage_url
                .clone()
                .filter(|url| !url.trim().is_empty())
                .unwrap_or_else(|| self.data_dir.join("blobs").to_string_lossy().into_owned()),
            endpoint: self.storage_endpoint.clone(),
            region: self.storage_region.clone(),
            allow_http: self.storage_allow_http,
            credentials: match (&self.storage_access_key_id, &self.storage_secret_access_key) {
                (Some(key), Some(secret)) => Some((key.clone(), secret.0.clone())),
                _ => None,
            },
            max_upload_bytes: self.max_upload_bytes.max(1),
            max_concurrent_uploads: self.max_concurrent_uploads.max(1),
        }
    }

    /// The origins of [`Config::cors_allowed_origins`], checked: each is `http(s)://host[:port]`
    /// exactly as a browser sends it in `Origin` (no path, no trailing slash, no wildcard).
    pub fn cors_origins(&self) -> anyhow::Result<Vec<axum::http::HeaderValue>> {
        self.cors_allowed_origins
            .iter()
            .map(|origin| {
                let url = url::Url::parse(origin).ok().filter(|url| {
                    matches!(url.scheme(), "http" | "https")
                        && url.host_str().is_some()
                        && url.path() == "/"
                        && url.query().is_none()
                        && url.fragment().is_none()
                        && url.username().is_empty()
                        && url.origin().ascii_serialization() == *origin
                });
                anyhow::ensure!(
                    url.is_some(),
                    "cors_allowed_origins: '{origin}' is not an origin such as \
                     https://app.example.com (scheme, host and port only, no path or wildcard)"
                );
                Ok(axum::http::HeaderValue::from_str(origin)?)
            })
            .collect()
    }

    /// The address clients and gateways reach this server at, without a trailing slash.
    pub fn public_url(&self) -> String {
        match &self.public_url {
            Some(url) => url.trim_end_matches('/').to_owned(),
            None => {
                let mut addr = self.bind;
                if addr.ip().is_unspecified() {
                    addr.set_ip(std::net::Ipv4Addr::LOCALHOST.into());
                }
                format!("http://{addr}")
            }
        }
    }

    /// Billing and gateway settings; Duitku needs its merchant code and key, and production
    /// needs the gateway named (so it never takes "payments" through the sandbox by accident).
    pub fn billing_settings(&self) -> anyhow::Result<BillingSettings> {
        anyhow::ensure!(
            (1..=7 * 24 * 60).contains(&self.payment_expiry_minutes),
            "payment_expiry_minutes must be between 1 and 10080"
        );
        anyhow::ensure!(
            (0..=90).contains(&self.billing_grace_days),
            "billing_grace_days must be between 0 and 90"
        );
        let public_url = self.public_url();
        anyhow::ensure!(
            public_url.starts_with("http://") || public_url.starts_with("https://"),
            "public_url must start with http:// or https://"
        );
        let kind = match (self.payment_gateway, self.mode) {
            (Some(kind), _) => kind,
            (None, Mode::Development) => PaymentGatewayKind::Sandbox,
            (None, Mode::Production) => anyhow::bail!(
                "payment_gateway (LUMIKU_PAYMENT_GATEWAY) must be set in production: duitku, or sandbox to take no real payments"
            ),
        };
        let gateway = match kind {
            PaymentGatewayKind::Sandbox => GatewaySettings::Sandbox,
            PaymentGatewayKind::Duitku => {
                if self.mode == Mode::Production {
                    let host = url::Url::parse(&public_url)
                        .ok()
                        .and_then(|u| u.host().map(|h| h.to_owned()));
                    let loopback = match &host {
                        Some(url::Host::Domain(name)) => {
                            name.eq_ignore_ascii_case("localhost")
                                || name.to_ascii_lowercase().ends_with(".localhost")
                        }
                        Some(url::Host::Ipv4(ip)) => ip.is_loopback() || ip.is_unspecified(),
                        Some(url::Host::Ipv6(ip)) => ip.is_loopback() || ip.is_unspecified(),
                        None => true,
                    };
                    anyhow::ensure!(
                        !loopback,
                        "public_url (LUMIKU_PUBLIC_URL) is {public_url}, which Duitku cannot reach: \
                         its payment callbacks and the payers' return links would go nowhere. Set \
                         it to the address the world reaches this server at"
                    );
                }
                let merchant = self
                    .duitku_merchant_code
                    .as_deref()
                    .filter(|m| !m.trim().is_empty())
                    .context("duitku_merchant_code (LUMIKU_DUITKU_MERCHANT_CODE) is required for the Duitku gateway")?;
                let key = self
                    .duitku_api_key
                    .as_ref()
                    .filter(|k| !k.expose().trim().is_empty())
                    .context(
                        "duitku_api_key (LUMIKU_DUITKU_API_KEY) is required for the Duitku gateway",
                    )?;
                let base_url = self.duitku_base_url.clone().unwrap_or_else(|| {
                    match self.duitku_environment {
                        DuitkuEnvironment::Sandbox => duitku::SANDBOX_BASE_URL,
                        DuitkuEnvironment::Production => duitku::PRODUCTION_BASE_URL,
                    }
                    .to_owned()
                });
                GatewaySettings::Duitku {
                    signer: Signer::new(
                        merchant.trim(),
                        key.expose().trim(),
                        self.duitku_signature,
                    ),
                    base_url,
                    default_method: self.duitku_payment_method.clone(),
                }
            }
        };
        Ok(BillingSettings {
            gateway,
            public_url,
            payment_expiry_minutes: self.payment_expiry_minutes,
            grace_days: self.billing_grace_days,
        })
    }

    /// The token `/metrics` asks for, if metrics are on.
    pub fn metrics_token(&self) -> anyhow::Result<Option<&str>> {
        let Some(token) = &self.metrics_token else {
            return Ok(None);
        };
        let token = token.expose().trim();
        anyhow::ensure!(
            token.len() >= 16,
            "metrics_token must be at least 16 bytes long (a random one: openssl rand -hex 32)"
        );
        Ok(Some(token))
    }

    /// The configured JWT secret; in development mode without one, the secret kept in the data
    /// directory, generated on first start so tokens survive a restart.
    pub fn jwt_secret_bytes(&self) -> anyhow::Result<Vec<u8>> {
        if let Some(secret) = &self.jwt_secret {
            anyhow::ensure!(
                secret.expose().len() >= 32,
                "LUMIKU_JWT_SECRET must be at least 32 bytes long"
            );
            return Ok(secret.expose().as_bytes().to_vec());
        }
        if self.mode == Mode::Production {
            anyhow::bail!(
                "LUMIKU_JWT_SECRET (or jwt_secret in lumiku.toml) is required in production mode"
            );
        }
        let path = self.data_dir.join(DEV_SECRET_FILE);
        match std::fs::read_to_string(&path) {
            Ok(secret) if secret.trim().len() >= 32 => {
                return Ok(secret.trim().as_bytes().to_vec());
            }
            Ok(_) => anyhow::bail!(
                "{} is too short; delete it to generate a new one",
                path.display()
            ),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(e).with_context(|| format!("reading {}", path.display())),
        }
        let secret = lumiku_kernel::token::random_token(48)?;
        std::fs::create_dir_all(&self.data_dir)
            .with_context(|| format!("creating {}", self.data_dir.display()))?;
        write_private(&path, &secret).with_context(|| format!("writing {}", path.display()))?;
        tracing::warn!(path = %path.display(), "generated a development JWT secret");
        Ok(secret.into_bytes())
    }
}

/// The configuration's errors, one line each: the key as written (`databse_url`, or
/// `LUMIKU_DATABSE_URL` from the environment), where it was set, and what is wrong, with the
/// nearest setting's name for an unknown one.
fn describe_config_error(error: figment::Error) -> String {
    let lines: Vec<String> = error
        .into_iter()
        .map(|error| {
            let from_env = error
                .metadata
                .as_ref()
                .is_some_and(|m| m.name.contains("environment"));
            let origin = match (&error.metadata, from_env) {
                (_, true) => "in the environment".to_owned(),
                (Some(metadata), false) => match &metadata.source {
                    Some(source) => format!("in {source}"),
                    None => format!("in {}", metadata.name),
                },
                (None, false) => String::new(),
            };
            let name = |key: &str| {
                if from_env {
                    format!("LUMIKU_{}", key.to_ascii_uppercase())
                } else {
                    key.to_owned()
                }
            };
            match &error.kind {
                figment::error::Kind::UnknownField(field, expected) => {
                    let hint = nearest(field, expected)
                        .map(|known| format!(" (did you mean {}?)", name(known)))
                        .unwrap_or_default();
                    format!("unknown setting {} {origin}{hint}", name(field))
                }
                kind => {
                    let key = error.path.join(".");
                    format!("{} {origin}: {kind}", name(&key))
                }
            }
        })
        .collect();
    format!("configuration: {}", lines.join("; "))
}

/// The known name closest to `word` by edit distance, if it is close (a typo, not another word).
fn nearest<'a>(word: &str, known: &[&'a str]) -> Option<&'a str> {
    fn distance(a: &str, b: &str) -> usize {
        let b: Vec<char> = b.chars().collect();
        let mut row: Vec<usize> = (0..=b.len()).collect();
        for (i, ca) in a.chars().enumerate() {
            let mut previous = row[0];
            row[0] = i + 1;
            for (j, cb) in b.iter().enumerate() {
                let substitution = previous + usize::from(ca != *cb);
                previous = row[j + 1];
                row[j + 1] = substitution.min(row[j] + 1).min(previous + 1);
            }
        }
        row[b.len()]
    }
    known
        .iter()
        .map(|k| (distance(word, k), *k))
        .filter(|(d, _)| *d <= 2.max(word.len() / 4))
        .min()
        .map(|(_, k)| k)
}

#[cfg(unix)]
fn write_private(path: &Path, contents: &str) -> std::io::Result<()> {
    use std::io::Write as _;
    use std::os::unix::fs::OpenOptionsExt as _;
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)?;
    file.write_all(contents.as_bytes())
}

#[cfg(not(unix))]
fn write_private(path: &Path, contents: &str) -> std::io::Result<()> {
    std::fs::write(path, contents)
}

#[cfg(test)]
mod tests {
    use super::*;
    use figment::Jail;

    #[test]
    #[allow(clippy::result_large_err)] // figment's Jail fixes the closure's error type
    fn environment_beats_file_beats_defaults() {
        Jail::expect_with(|jail| {
            jail.create_file(
                "lumiku.toml",
                "bind = \"0.0.0.0:4000\"\ndatabase_url = \"sqlite://file.db\"",
            )?;
            jail.set_env("LUMIKU_DATABASE_URL", "postgres://localhost/lumiku");
            let config: Config = Config::figment(Path::new("lumiku.toml")).extract()?;
            assert_eq!(config.bind.port(), 4000);
            assert_eq!(config.database_url(), "postgres://localhost/lumiku");
            assert_eq!(config.access_token_ttl_secs, 900);
            Ok(())
        });
    }

    #[test]
    #[allow(clippy::result_large_err)] // figment's Jail fixes the closure's error type
    fn cors_origins_come_from_a_list_or_commas_and_must_be_bare_origins() {
        Jail::expect_with(|jail| {
            jail.create_file(
                "lumiku.toml",
                "cors_allowed_origins = [\"https://app.example.com\"]",
            )?;
            let config: Config = Config::figment(Path::new("lumiku.toml")).extract()?;
            assert_eq!(config.cors_allowed_origins, ["https://app.example.com"]);
            jail.set_env(
                "LUMIKU_CORS_ALLOWED_ORIGINS",
                "https://a.example.com, http://localhost:5173",
            );
            let config: Config = Config::figment(Path::new("lumiku.toml")).extract()?;
            assert_eq!(
                config.cors_allowed_origins,
                ["https://a.example.com", "http://localhost:5173"]
            );
            assert_eq!(config.cors_origins().unwrap().len(), 2);
            Ok(())
        });
        for bad in [
            "*",
            "https://app.example.com/",
            "https://app.example.com/path",
            "app.example.com",
            "ftp://app.example.com",
            "https://user@app.example.com",
            "HTTPS://APP.example.com",
        ] {
            let config = Config {
                cors_allowed_origins: vec![bad.to_owned()],
                ..Config::default()
            };
            let error = config.kernel_settings().unwrap_err().to_string();
            assert!(error.contains("cors_allowed_origins"), "{bad}: {error}");
        }
    }

    #[test]
    #[allow(clippy::result_large_err)] // figment's Jail fixes the closure's error type
    fn unknown_keys_and_bad_values_are_errors_that_name_them() {
        Jail::expect_with(|jail| {
            jail.create_file("lumiku.toml", "databse_url = \"sqlite://x.db\"")?;
            let error = Config::load(None).unwrap_err().to_string();
            assert!(
                error.contains("unknown setting databse_url in ")
                    && error.contains("lumiku.toml")
                    && error.contains("(did you mean database_url?)")
                    && !error.contains("default."),
                "{error}"
            );
            jail.create_file("lumiku.toml", "log_format = \"jsno\"")?;
            let error = Config::load(None).unwrap_err().to_string();
            assert!(
                error.contains("log_format in ") && error.contains("jsno"),
                "{error}"
            );
            jail.create_file("lumiku.toml", "")?;
            jail.set_env("LUMIKU_DATABSE_URL", "sqlite://x.db");
            let error = Config::load(None).unwrap_err().to_string();
            assert!(
                error.contains("unknown setting LUMIKU_DATABSE_URL in the environment")
                    && error.contains("did you mean LUMIKU_DATABASE_URL?"),
                "{error}"
            );
            jail.clear_env();
            // The variables that are not settings are left alone.
            for name in ["LUMIKU_LOG", "LUMIKU_TEST_POSTGRES_URL", "LUMIKU_CONFIG"] {
                jail.set_env(name, "x");
            }
            Config::load(None).expect("only settings are read from LUMIKU_*");
            // A configuration file that was named must be there.
            let error = Config::load(Some(Path::new("missing.toml")))
                .unwrap_err()
                .to_string();
            assert!(error.contains("missing.toml does not exist"), "{error}");
            Ok(())
        });
    }

    #[test]
    fn bind_takes_a_host_name_or_a_bare_port() {
        let local = SocketAddr::from(([127, 0, 0, 1], 3000));
        assert_eq!(parse_bind("127.0.0.1:3000").unwrap(), local);
        assert_eq!(parse_bind("3000").unwrap(), local);
        assert_eq!(parse_bind("localhost:3000").unwrap(), local);
        assert_eq!(
            parse_bind(":8080").unwrap(),
            SocketAddr::from(([0, 0, 0, 0], 8080))
        );
        assert_eq!(parse_bind("[::1]:3000").unwrap().port(), 3000);
        for bad in [
            "localhost",
            "localhost:http",
            "70000",
            "no-such-host.invalid:3000",
        ] {
            assert!(parse_bind(bad).is_err(), "{bad}");
        }
        let config: Config = Figment::from(Serialized::defaults(Config::default()))
            .merge(("bind", 4000))
            .extract()
            .unwrap();
        assert_eq!(config.bind, SocketAddr::from(([127, 0, 0, 1], 4000)));
    }

    #[test]
    fn the_data_directory_holds_the_database_unless_another_is_named() {
        let config = Config {
            data_dir: PathBuf::from("/var/lib/lumiku"),
            ..Config::default()
        };
        assert_eq!(config.database_url(), "sqlite:///var/lib/lumiku/lumiku.db");
        assert_eq!(Config::default().database_url(), "sqlite://./lumiku.db");
        let config = Config {
            database_url: Some("postgres://db/lumiku".into()),
            ..config
        };
        assert_eq!(config.database_url(), "postgres://db/lumiku");
    }

    #[test]
    fn production_duitku_needs_a_public_url_the_gateway_can_reach() {
        let duitku = |public_url: Option<&str>| Config {
            mode: Mode::Production,
            payment_gateway: Some(PaymentGatewayKind::Duitku),
            duitku_merchant_code: Some("D0001".into()),
            duitku_api_key: Some(Secret("key".into())),
            public_url: public_url.map(str::to_owned),
            ..Config::default()
        };
        for loopback in [
            None,
            Some("http://localhost:3000"),
            Some("https://127.0.0.1"),
        ] {
            let error = duitku(loopback).billing_settings().unwrap_err().to_string();
            assert!(error.contains("LUMIKU_PUBLIC_URL"), "{loopback:?}: {error}");
        }
        duitku(Some("https://pay.example.com"))
            .billing_settings()
            .unwrap();
        // Development may use a loopback address with Duitku's sandbox.
        Config {
            mode: Mode::Development,
            ..duitku(None)
        }
        .billing_settings()
        .unwrap();
    }

    #[test]
    fn production_without_a_jwt_secret_is_refused() {
        let config = Config {
            mode: Mode::Production,
            ..Config::default()
        };
        let error = config.jwt_secret_bytes().unwrap_err().to_string();
        assert!(error.contains("LUMIKU_JWT_SECRET"), "{error}");
    }

    #[test]
    fn development_keeps_its_generated_secret_across_restarts() {
        let dir = std::env::temp_dir().join(format!("lumiku-config-{}", uuid::Uuid::now_v7()));
        let config = Config {
            data_dir: dir.clone(),
            ..Config::default()
        };
        let first = config.jwt_secret_bytes().unwrap();
        let second = config.jwt_secret_bytes().unwrap();
        assert_eq!(first, second);
        assert!(first.len() >= 32);
        std::fs::remove_dir_all(dir).unwrap();
    }

    #[test]
    fn production_must_name_its_payment_gateway_and_duitku_needs_its_keys() {
        let production = Config {
            mode: Mode::Production,
            ..Config::default()
        };
        let error = production.billing_settings().unwrap_err().to_string();
        assert!(error.contains("LUMIKU_PAYMENT_GATEWAY"), "{error}");

        let duitku = Config {
            payment_gateway: Some(PaymentGatewayKind::Duitku),
            ..Config::default()
        };
        let error = duitku.billing_settings().unwrap_err().to_string();
        assert!(error.contains("LUMIKU_DUITKU_MERCHANT_CODE"), "{error}");

        let configured = Config {
            payment_gateway: Some(PaymentGatewayKind::Duitku),
            duitku_merchant_code: Some("D0001".into()),
            duitku_api_key: Some(Secret("key".into())),
            duitku_environment: DuitkuEnvironment::Production,
            ..Config::default()
        };
        let settings = configured.billing_settings().unwrap();
        assert!(
            matches!(&settings.gateway, GatewaySettings::Duitku { base_url, .. } if base_url == duitku::PRODUCTION_BASE_URL)
        );
        assert!(!format!("{settings:?}").contains("\"key\""));
    }

    #[test]
    fn the_public_url_defaults_to_the_bind_address() {
        let config = Config {
            bind: "0.0.0.0:8080".parse().unwrap(),
            ..Config::default()
        };
        assert_eq!(config.public_url(), "http://127.0.0.1:8080");
        let config = Config {
            public_url: Some("https://lumiku.example.com/".into()),
            ..Config::default()
        };
        assert_eq!(config.public_url(), "https://lumiku.example.com");
    }

    #[test]
    fn secrets_do_not_print() {
        let config = Config {
            jwt_secret: Some(Secret("super secret value".into())),
            ..Config::default()
        };
        assert!(!format!("{config:?}").contains("super secret value"));
    }
}
