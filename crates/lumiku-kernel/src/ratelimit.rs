//! Failed-login limits per account and per IP, kept in the database so every node sees the same
//! count. A sliding window: an attempt is refused while `limit` failures happened in the last
//! `window`, and the refusal says when the oldest of them leaves the window.
//!
//! An attempt is counted before its password is checked ([`reserve`]) and given back when the
//! password was right ([`release`]): counting after the check let attempts that arrived together
//! all be checked before any of them was counted.

use std::time::Duration;

use chrono::{DateTime, Utc};
use lumiku_store::{Backend, Db, Tx, new_id, sql};
use uuid::Uuid;

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
    /// Accounts registered per client IP within `registration_window`; 0 turns the limit off.
    /// Default 0 here; the server's configuration sets 20 in production.
    pub registrations_per_ip: u32,
    /// The registration window. Default one hour.
    pub registration_window: Duration,
}

impl Default for LoginLimits {
    fn default() -> Self {
        Self {
            per_account: 5,
            per_ip: 20,
            window: Duration::from_secs(15 * 60),
            registrations_per_ip: 0,
            registration_window: Duration::from_secs(60 * 60),
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

/// The key counting accounts registered from an IP address.
pub fn registration_key(ip: &str) -> String {
    format!("register:{ip}")
}

/// The key counting wrong current passwords given to change a password: a stolen session gets
/// as few guesses as a stranger at the sign-in form, without locking its owner out of signing in.
pub fn reauth_key(user_id: Uuid) -> String {
    format!("reauth:{user_id}")
}

/// One limit an attempt counts against: its key and how many failures it may have in the window.
#[derive(Debug, Clone, Copy)]
pub struct Limit<'a> {
    /// What is counted (an account, an IP).
    pub key: &'a str,
    /// The failures allowed in the window.
    pub max: u32,
}

/// An attempt counted before the check it pays for, against each of its limits. It stays
/// counted, as a failure, unless [`release`]d when the check passes: so however many attempts
/// arrive together, on one node or several, no more than a limit's `max` are ever checked.
#[derive(Debug)]
#[must_use = "a reservation is a failure until released"]
pub struct Reservation {
    ids: Vec<Uuid>,
}

/// Counts one attempt against every limit at once, or refuses it with [`Error::RateLimited`]
/// (saying when the oldest failure of the fullest limit leaves the window) without counting it.
/// Atomic across nodes: on PostgreSQL each key is locked for the transaction, in key order; on
/// SQLite the one writer runs one transaction at a time.
pub async fn reserve(
    db: &Db,
    limits: &[Limit<'_>],
    window: Duration,
    now: DateTime<Utc>,
) -> Result<Reservation> {
    const FAILURES: &str = "select failed_at from auth_failures where key = $1 and failed_at > $2 \
        order by failed_at limit $3";
    let since = now - window;
    let mut tx = db.begin().await?;
    if tx.backend() == Backend::Postgres {
        let mut keys: Vec<&str> = limits.iter().map(|l| l.key).collect();
        keys.sort_unstable();
        keys.dedup();
        for key in keys {
            sql::query("select pg_advisory_xact_lock(hashtext($1))")
                .bind(key)
                .execute(&mut tx)
                .await
                .map(|r| r.rows_affected())?;
        }
    }
    let mut wait = None;
    for limit in limits {
        let failures: Vec<DateTime<Utc>> = sql::query_scalar(FAILURES)
            .bind(limit.key)
            .bind(since)
            .bind(i64::from(limit.max))
            .fetch_all(&mut tx)
            .await?;
        if failures.len() as u64 >= u64::from(limit.max) {
            let free_at = failures.first().map_or(now, |oldest| *oldest + window);
            let secs = (free_at - now).num_seconds().max(1) as u64;
            wait = wait.max(Some(secs));
        }
    }
    if let Some(secs) = wait {
        return Err(Error::RateLimited(secs));
    }
    let mut ids = Vec::with_capacity(limits.len());
    for limit in limits {
        // Failures that left the window are forgotten as the key is used.
        sql::query("delete from auth_failures where key = $1 and failed_at <= $2")
            .bind(limit.key)
            .bind(since)
            .execute(&mut tx)
            .await
            .map(|r| r.rows_affected())?;
        let id = new_id();
        sql::query("insert into auth_failures (id, key, failed_at) values ($1, $2, $3)")
            .bind(id)
            .bind(limit.key)
            .bind(now)
            .execute(&mut tx)
            .await
            .map(|r| r.rows_affected())?;
        ids.push(id);
    }
    tx.commit().await?;
    Ok(Reservation { ids })
}

/// The attempt passed its check: it no longer counts against its limits.
pub async fn release(tx: &mut Tx, reservation: Reservation) -> Result<()> {
    for id in reservation.ids {
        sql::query("delete from auth_failures where id = $1")
            .bind(id)
            .execute(&mut *tx)
            .await
            .map(|r| r.rows_affected())?;
    }
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
