//! Configuration: compiled defaults, then `lumiku.toml` (optional), then `LUMIKU_*` environment
//! variables; later sources win. Validated once at start-up.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::Context as _;
use figment::Figment;
use figment::providers::{Env, Format, Serialized, Toml};
use serde::{Deserialize, Serialize};

use lumiku_kernel::KernelSettings;
use lumiku_kernel::password::PasswordParams;
use lumiku_kernel::ratelimit::LoginLimits;

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

/// Everything Lumiku can be configured with. Each field `foo` is also `LUMIKU_FOO`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default)]
pub struct Config {
    /// `development` (default) or `production`.
    pub mode: Mode,
    /// Address to listen on. Default `127.0.0.1:3000`.
    pub bind: SocketAddr,
    /// `sqlite://path` (default `sqlite://lumiku.db`) or `postgres://…`.
    pub database_url: String,
    /// Maximum database connections. Default 8.
    pub database_max_connections: u32,
    /// Where generated state (the development JWT secret) is kept. Default `.`.
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
    /// Argon2id memory in KiB. Default 19456.
    pub argon2_memory_kib: u32,
    /// Argon2id passes. Default 2.
    pub argon2_iterations: u32,
    /// Credits a new account's personal tenant starts with. Default 100.
    pub welcome_bonus_credits: i64,
    /// Take the client IP from `X-Forwarded-For` (only behind a proxy you control). Default false.
    pub trust_forwarded_for: bool,
    /// Log format: `text` (default) or `json`.
    pub log_format: String,
}

impl Default for Config {
    fn default() -> Self {
        Self {
            mode: Mode::Development,
            bind: SocketAddr::from(([127, 0, 0, 1], 3000)),
            database_url: "sqlite://lumiku.db".into(),
            database_max_connections: 8,
            data_dir: PathBuf::from("."),
            jwt_secret: None,
            access_token_ttl_secs: 900,
            refresh_token_ttl_secs: 30 * 24 * 3600,
            login_max_failures_per_account: 5,
            login_max_failures_per_ip: 20,
            login_failure_window_secs: 900,
            argon2_memory_kib: PasswordParams::default().memory_kib,
            argon2_iterations: PasswordParams::default().iterations,
            welcome_bonus_credits: 100,
            trust_forwarded_for: false,
            log_format: "text".into(),
        }
    }
}

/// The file holding the generated development JWT secret, inside the data directory.
const DEV_SECRET_FILE: &str = ".lumiku-jwt-secret";

impl Config {
    /// Loads defaults, then `file` if it exists, then `LUMIKU_*` variables.
    pub fn load(file: &Path) -> anyhow::Result<Self> {
        Self::figment(file)
            .extract()
            .context("reading the configuration")
    }

    /// The layered sources, in order.
    pub fn figment(file: &Path) -> Figment {
        Figment::from(Serialized::defaults(Config::default()))
            .merge(Toml::file(file))
            .merge(Env::prefixed("LUMIKU_").ignore(&["config", "test_postgres_url"]))
    }

    /// The kernel's settings; resolves the JWT secret (see [`Config::jwt_secret_bytes`]).
    pub fn kernel_settings(&self) -> anyhow::Result<KernelSettings> {
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
            },
            welcome_bonus_credits: self.welcome_bonus_credits.max(0),
            login_limits: LoginLimits {
                per_account: self.login_max_failures_per_account.max(1),
                per_ip: self.login_max_failures_per_ip.max(1),
                window: Duration::from_secs(self.login_failure_window_secs.max(1)),
            },
        })
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
            assert_eq!(config.database_url, "postgres://localhost/lumiku");
            assert_eq!(config.access_token_ttl_secs, 900);
            Ok(())
        });
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
    fn secrets_do_not_print() {
        let config = Config {
            jwt_secret: Some(Secret("super secret value".into())),
            ..Config::default()
        };
        assert!(!format!("{config:?}").contains("super secret value"));
    }
}
