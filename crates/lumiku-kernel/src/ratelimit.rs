//! Failed-login limits per account and per IP, kept in the database so every node sees the same
//! count. A sliding window: an attempt is refused while `limit` failures happened in the last
//! `window`, and the refusal says when the oldest of them leaves the window.

use std::time::Duration;

use chrono::{DateTime, Utc};
use lumiku_store::{Db, Tx, new_id, sql};

use crate::error::{Error, Result};

/// How many failed logins are allowed, and over how long.
#[derive(Debug, Clone, Copy)]
pub struct LoginLimits {
    /// Failures per account within the window. Default 5.
    pub per_account: u32,
    /// Failures per client IP within the window. Default 20.
    pub per_ip: u32,
    /// The window. Default 15 minutes.
    pub window: Duration,
}

impl Default for LoginLimits {
    fn default() -> Self {
        Self {
            per_account: 5,
            per_ip: 20,
            window: Duration::from_secs(15 * 60),
        }
    }
}

/// The key counting failures against an account.
pub fn account_key(email: &str) -> String {
    format!("account:{email}")
}

/// The key counting failures from an IP address.
pub fn ip_key(ip: &str) -> String {
    format!("ip:{ip}")
}

/// Refuses with [`Error::RateLimited`] if `key` already has `limit` failures in the window.
pub async fn check(
    db: &Db,
    key: &str,
    limit: u32,
    window: Duration,
    now: DateTime<Utc>,
) -> Result<()> {
    const SQL: &str = "select failed_at from auth_failures where key = $1 and failed_at > $2 \
        order by failed_at limit $3";
    let since = now - window;
    let failures: Vec<DateTime<Utc>> = sql::query_scalar(SQL)
        .bind(key)
        .bind(since)
        .bind(i64::from(limit))
        .fetch_all(db)
        .await?;
    if failures.len() as u64 >= u64::from(limit) {
        let oldest = failures[0];
        let free_at = oldest + window;
        let retry_after = (free_at - now).num_seconds().max(1) as u64;
        return Err(Error::RateLimited(retry_after));
    }
    Ok(())
}

/// Counts one failure against `key`, and forgets its failures that left the window.
pub async fn record_failure(
    tx: &mut Tx,
    key: &str,
    window: Duration,
    now: DateTime<Utc>,
) -> Result<()> {
    sql::query("delete from auth_failures where key = $1 and failed_at <= $2")
        .bind(key)
        .bind(now - window)
        .execute(&mut *tx)
        .await
        .map(|r| r.rows_affected())?;
    sql::query("insert into auth_failures (id, key, failed_at) values ($1, $2, $3)")
        .bind(new_id())
        .bind(key)
        .bind(now)
        .execute(&mut *tx)
        .await
        .map(|r| r.rows_affected())?;
    Ok(())
}

/// Forgets every failure of `key` (after a successful login).
pub async fn clear(tx: &mut Tx, key: &str) -> Result<()> {
    sql::query("delete from auth_failures where key = $1")
        .bind(key)
        .execute(&mut *tx)
        .await
        .map(|r| r.rows_affected())?;
    Ok(())
}
