//! Credits: a wallet per tenant and its append-only ledger. Every change of a balance is one
//! conditional update of the wallet (the storage refuses a negative balance) plus one ledger row
//! carrying the amount and the balance after it, on the caller's transaction.

use chrono::{DateTime, NaiveDate, Utc};
use std::sync::Arc;

use lumiku_store::{Backend, Tx, Wall, new_id, now, sql};
use serde::{Deserialize, Serialize};
use serde_json::json;
use uuid::Uuid;

use crate::audit::{self, NewAuditEvent};
use crate::context::{Caller, ClientInfo, Permission, TenantAccess};
use crate::error::{Error, Result};
use crate::kernel::Kernel;

/// Why a ledger row exists.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum EntryKind {
    /// Bought with money.
    Purchase,
    /// Given (welcome bonus).
    Bonus,
    /// Spent on an app action.
    Usage,
    /// Given back.
    Refund,
    /// Granted by an administrator or a plan.
    Grant,
    /// Corrected by an administrator (either sign).
    Adjustment,
}

impl EntryKind {
    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            EntryKind::Purchase => "purchase",
            EntryKind::Bonus => "bonus",
            EntryKind::Usage => "usage",
            EntryKind::Refund => "refund",
            EntryKind::Grant => "grant",
            EntryKind::Adjustment => "adjustment",
        }
    }
}

/// One ledger row.
#[derive(Debug, Clone, Serialize, lumiku_plugin::sql::FromRow, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct LedgerEntry {
    /// Time-ordered id; also the history cursor.
    pub id: Uuid,
    /// Credits added (positive) or taken (negative).
    pub amount_credits: i64,
    /// The balance right after this row.
    pub balance_after_credits: i64,
    /// `purchase`, `bonus`, `usage`, `refund`, `grant` or `adjustment`.
    pub kind: String,
    /// What it was for.
    pub description: String,
    /// `app_usage`, `payment`, ...
    pub reference_type: Option<String>,
    /// The referenced row's id.
    pub reference_id: Option<String>,
    /// Who caused it.
    pub actor_user_id: Option<Uuid>,
    /// When.
    pub created_at: DateTime<Utc>,
}

/// A ledger row to append.
#[derive(Debug, Clone)]
pub struct NewEntry<'a> {
    /// The wallet's tenant.
    pub tenant_id: Uuid,
    /// Credits added (positive) or taken (negative); never zero.
    pub amount: i64,
    /// Why.
    pub kind: EntryKind,
    /// What for.
    pub description: &'a str,
    /// What it refers to: (`app_usage`, id), (`payment`, reference), ...
    pub reference: Option<(&'a str, String)>,
    /// Who caused it.
    pub actor_user_id: Option<Uuid>,
}

/// Creates the tenant's empty wallet.
pub(crate) async fn create_wallet(tx: &mut Tx, tenant_id: Uuid, now: DateTime<Utc>) -> Result<()> {
    sql::query("insert into wallets (tenant_id, balance_credits, updated_at) values ($1, 0, $2)")
        .bind(tenant_id)
        .bind(now)
        .execute(&mut *tx)
        .await
        .map(|r| r.rows_affected())?;
    Ok(())
}

/// The wallet's move: refused (no row) when it would take the balance below zero.
macro_rules! move_sql {
    () => {
        "update wallets set balance_credits = balance_credits + $2, updated_at = $3 \
         where tenant_id = $1 and balance_credits + $2 >= 0"
    };
}

/// Moves the wallet by `amount` if the balance allows it; `Err(InsufficientCredits)` otherwise,
/// with nothing changed. Returns the new balance. Does not write the ledger row.
pub async fn move_balance(
    tx: &mut Tx,
    tenant_id: Uuid,
    amount: i64,
    now: DateTime<Utc>,
) -> Result<i64> {
    // The low-credit threshold comes with the balance, so the check costs nothing more.
    let moved: Option<(i64, Option<i64>)> = if tx.backend() == Backend::Postgres {
        sql::query_as(concat!(
            move_sql!(),
            " returning balance_credits, low_threshold_credits"
        ))
        .bind(tenant_id)
        .bind(amount)
        .bind(now)
        .fetch_optional(&mut *tx)
        .await?
    } else {
        // SQLite answers RETURNING through a temporary table of its own, dearer than reading the
        // row again; PostgreSQL would pay a round trip for the second statement instead.
        let moved = sql::query(move_sql!())
            .bind(tenant_id)
            .bind(amount)
            .bind(now)
            .execute(&mut *tx)
            .await
            .map(|r| r.rows_affected())?;
        if moved == 1 {
            sql::query_as(
                "select balance_credits, low_threshold_credits from wallets where tenant_id = $1",
            )
            .bind(tenant_id)
            .fetch_optional(&mut *tx)
            .await?
        } else {
            None
        }
    };
    match moved {
        Some((balance, threshold)) => {
            crate::webhooks::outbox::emit_balance_events(
                tx,
                tenant_id,
                balance - amount,
                balance,
                threshold,
                now,
            )
            .await?;
            Ok(balance)
        }
        None => Err(insufficient(tx, tenant_id, amount).await?),
    }
}

/// [`move_balance`] for a charge, and then inside `wall`. On PostgreSQL the move's own statement
/// takes the app's role (`set_config` among its results, run once the statement's permissions
/// were checked as the kernel's role): one round trip instead of two. It steps out of the wall
/// again only when a balance event must be written, which only the kernel may.
pub async fn move_balance_into(
    tx: &mut Tx,
    tenant_id: Uuid,
    amount: i64,
    now: DateTime<Utc>,
    wall: Arc<Wall>,
) -> Result<i64> {
    if tx.backend() != Backend::Postgres {
        let balance = move_balance(tx, tenant_id, amount, now).await?;
        tx.enter(wall).await?;
        return Ok(balance);
    }
    let moved: Option<(i64, Option<i64>, String)> = sql::query_as(concat!(
        move_sql!(),
        " returning balance_credits, low_threshold_credits, set_config('role', $4, true)"
    ))
    .bind(tenant_id)
    .bind(amount)
    .bind(now)
    .bind(wall.role())
    .fetch_optional(&mut *tx)
    .await?;
    // No row: nothing moved, and the role was not taken (RETURNING runs per row).
    let Some((balance, threshold, role)) = moved else {
        return Err(insufficient(tx, tenant_id, amount).await?);
    };
    tx.entered(Arc::clone(&wall), &role)?;
    let before = balance - amount;
    if crate::webhooks::outbox::balance_events_due(before, balance, threshold) {
        tx.leave().await?;
        crate::webhooks::outbox::emit_balance_events(
            tx, tenant_id, before, balance, threshold, now,
        )
        .await?;
        tx.enter(wall).await?;
    }
    Ok(balance)
}

/// The refusal of a move of `amount` the balance does not allow, with the balance as it is.
async fn insufficient(tx: &mut Tx, tenant_id: Uuid, amount: i64) -> Result<Error> {
    let current = current_balance(tx, tenant_id).await?;
    Ok(Error::InsufficientCredits {
        required: -amount,
        current,
    })
}

/// The wallet's balance as `tx` sees it.
pub async fn current_balance(tx: &mut Tx, tenant_id: Uuid) -> Result<i64> {
    let balance: Option<i64> =
        sql::query_scalar("select balance_credits from wallets where tenant_id = $1")
            .bind(tenant_id)
            .fetch_optional(&mut *tx)
            .await?;
    balance.ok_or(Error::NotFound("wallet"))
}

/// Appends the ledger row for a balance already moved to `balance_after`.
pub async fn append_entry(
    tx: &mut Tx,
    entry: &NewEntry<'_>,
    balance_after: i64,
    now: DateTime<Utc>,
) -> Result<Uuid> {
    let id = new_id();
    let (reference_type, reference_id) = match &entry.reference {
        Some((kind, id)) => (Some(*kind), Some(id.as_str())),
        None => (None, None),
    };
    sql::query(
        "insert into ledger_entries (id, tenant_id, amount_credits, balance_after_credits, kind, description, \
         reference_type, reference_id, actor_user_id, created_at) values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)")
        .bind(id)
        .bind(entry.tenant_id)
        .bind(entry.amount)
        .bind(balance_after)
        .bind(entry.kind.as_str())
        .bind(entry.description)
        .bind(reference_type)
        .bind(reference_id)
        .bind(entry.actor_user_id)
        .bind(now)
        .execute(&mut *tx)
        .await
        .map(|r| r.rows_affected())?;
    // The day's rollup; every ledger row of a tenant is written behind its wallet's row, so the
    // last one written is the day's closing balance.
    let (credits_in, credits_out) = if entry.amount > 0 {
        (entry.amount, 0)
    } else {
        (0, -entry.amount)
    };
    sql::query(
        "insert into ledger_daily (tenant_id, day, credits_in, credits_out, entries, closing_balance) \
         values ($1, $2, $3, $4, 1, $5) on conflict (tenant_id, day) do update set \
         credits_in = ledger_daily.credits_in + excluded.credits_in, \
         credits_out = ledger_daily.credits_out + excluded.credits_out, \
         entries = ledger_daily.entries + 1, closing_balance = excluded.closing_balance")
        .bind(entry.tenant_id)
        .bind(day_of(now))
        .bind(credits_in)
        .bind(credits_out)
        .bind(balance_after)
        .execute(&mut *tx)
        .await
        .map(|r| r.rows_affected())?;
    Ok(id)
}

/// The tenant's usage rollups from `from` to `to` (both included), by day.
pub async fn usage_days(
    tx: &mut Tx,
    tenant_id: Uuid,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<Vec<lumiku_plugin::platform::UsageDay>> {
    let rows = sql::query_as::<(String, String, String, Uuid, i64, i64)>(
        "select day, app_id, action, user_id, actions, credits from usage_daily \
         where tenant_id = $1 and day >= $2 and day <= $3 order by day, app_id, action",
    )
    .bind(tenant_id)
    .bind(from.to_string())
    .bind(to.to_string())
    .fetch_all(&mut *tx)
    .await?;
    rows.into_iter()
        .map(|(day, app_id, action, user_id, actions, credits)| {
            Ok(lumiku_plugin::platform::UsageDay {
                day: parse_day(&day)?,
                app_id,
                action,
                user_id,
                actions,
                credits,
            })
        })
        .collect()
}

/// The tenant's ledger rollups from `from` to `to`, and the balance before them.
pub async fn ledger_days(
    tx: &mut Tx,
    tenant_id: Uuid,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<lumiku_plugin::platform::LedgerDays> {
    let opening: Option<i64> = sql::query_scalar(
        "select closing_balance from ledger_daily where tenant_id = $1 and day < $2 \
         order by day desc limit 1",
    )
    .bind(tenant_id)
    .bind(from.to_string())
    .fetch_optional(&mut *tx)
    .await?;
    let rows = sql::query_as::<(String, i64, i64, i64, i64)>(
        "select day, credits_in, credits_out, entries, closing_balance from ledger_daily \
         where tenant_id = $1 and day >= $2 and day <= $3 order by day",
    )
    .bind(tenant_id)
    .bind(from.to_string())
    .bind(to.to_string())
    .fetch_all(&mut *tx)
    .await?;
    let days = rows
        .into_iter()
        .map(|(day, credits_in, credits_out, entries, closing_balance)| {
            Ok(lumiku_plugin::platform::LedgerDay {
                day: parse_day(&day)?,
                credits_in,
                credits_out,
                entries,
                closing_balance,
            })
        })
        .collect::<Result<Vec<_>>>()?;
    Ok(lumiku_plugin::platform::LedgerDays {
        opening_balance: opening.unwrap_or(0),
        days,
    })
}

fn parse_day(day: &str) -> Result<NaiveDate> {
    NaiveDate::parse_from_str(day, "%Y-%m-%d")
        .map_err(|e| Error::Internal(anyhow::anyhow!("a rollup's day '{day}': {e}")))
}

/// The UTC calendar day of `time`, as the daily rollups key it: `YYYY-MM-DD`.
pub fn day_of(time: DateTime<Utc>) -> String {
    time.format("%Y-%m-%d").to_string()
}

/// Moves the balance and appends its ledger row; the usual way to credit or debit a wallet.
pub async fn apply(tx: &mut Tx, entry: &NewEntry<'_>) -> Result<i64> {
    if entry.amount == 0 {
        return Err(Error::invalid("amount", "must not be zero"));
    }
    let now = now();
    let balance = move_balance(tx, entry.tenant_id, entry.amount, now).await?;
    append_entry(tx, entry, balance, now).await?;
    Ok(balance)
}

/// A tenant's balance.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Balance {
    /// The tenant.
    pub tenant_id: Uuid,
    /// Credits available.
    pub balance: i64,
}

/// A page of ledger history.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct History {
    /// Newest first.
    pub items: Vec<LedgerEntry>,
    /// Pass as `before` for the next page; absent on the last.
    pub next_cursor: Option<Uuid>,
}

/// Usage totals of one app action.
#[derive(Debug, Clone, Serialize, lumiku_plugin::sql::FromRow, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct UsageTotal {
    /// The app.
    pub app_id: String,
    /// The action.
    pub action: String,
    /// How many times.
    pub count: i64,
    /// Credits spent.
    pub credits: i64,
}

/// Usage over a period.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct UsageReport {
    /// Start (inclusive).
    pub from: DateTime<Utc>,
    /// End (exclusive).
    pub to: DateTime<Utc>,
    /// Per app and action, most credits first.
    pub totals: Vec<UsageTotal>,
}

impl Kernel {
    /// The balance of the request's tenant.
    pub async fn balance(&self, access: &TenantAccess) -> Result<Balance> {
        access.require(Permission::Read)?;
        let mut tx = self.db.begin_tenant_read(access.tenant_id).await?;
        let balance = current_balance(&mut tx, access.tenant_id).await?;
        tx.commit().await?;
        Ok(Balance {
            tenant_id: access.tenant_id,
            balance,
        })
    }

    /// A page of the tenant's ledger, newest first.
    pub async fn history(
        &self,
        access: &TenantAccess,
        before: Option<Uuid>,
        limit: i64,
    ) -> Result<History> {
        access.require(Permission::Read)?;
        let limit = limit.clamp(1, 200);
        let mut tx = self.db.begin_tenant_read(access.tenant_id).await?;
        let items = sql::query_as::<LedgerEntry>(
            "select id, amount_credits, balance_after_credits, kind, description, reference_type, reference_id, \
             actor_user_id, created_at from ledger_entries \
             where tenant_id = $1 and ($2 is null or id < $2) order by id desc limit $3")
            .bind(access.tenant_id)
            .bind(before)
            .bind(limit)
            .fetch_all(&mut tx)
            .await?;
        tx.commit().await?;
        let next_cursor = if items.len() as i64 == limit {
            items.last().map(|e| e.id)
        } else {
            None
        };
        Ok(History { items, next_cursor })
    }

    /// The tenant's usage per app and action between `from` and `to`.
    pub async fn usage(
        &self,
        access: &TenantAccess,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> Result<UsageReport> {
        access.require(Permission::Read)?;
        if from >= to {
            return Err(Error::invalid("from", "must be before to"));
        }
        let mut tx = self.db.begin_tenant_read(access.tenant_id).await?;
        let totals = sql::query_as::<UsageTotal>(
            "select app_id, action, count(*) as count, cast(coalesce(sum(credits), 0) as bigint) as credits from app_usage \
             where tenant_id = $1 and created_at >= $2 and created_at < $3 \
             group by app_id, action order by credits desc, app_id, action")
            .bind(access.tenant_id)
            .bind(from)
            .bind(to)
            .fetch_all(&mut tx)
            .await?;
        tx.commit().await?;
        Ok(UsageReport { from, to, totals })
    }

    /// An administrator grants credits to a tenant or adjusts its balance (either sign), with a
    /// reason; audited in the tenant's log. A negative adjustment cannot overdraw the wallet.
    pub async fn admin_adjust_credits(
        &self,
        admin: &Caller,
        tenant_id: Uuid,
        amount: i64,
        kind: EntryKind,
        reason: &str,
        client: &ClientInfo,
    ) -> Result<LedgerEntry> {
        admin.require_admin("only platform administrators may change balances")?;
        let reason = reason.trim();
        let mut fields = lumiku_plugin::FieldErrors::new();
        if reason.is_empty() || reason.chars().count() > 500 {
            fields.insert("reason".into(), vec!["must be 1 to 500 characters".into()]);
        }
        match kind {
            EntryKind::Grant if amount <= 0 => {
                fields.insert("amount".into(), vec!["a grant must be positive".into()]);
            }
            EntryKind::Adjustment if amount == 0 => {
                fields.insert("amount".into(), vec!["must not be zero".into()]);
            }
            EntryKind::Grant | EntryKind::Adjustment => {}
            _ => {
                fields.insert("kind".into(), vec!["must be grant or adjustment".into()]);
            }
        }
        if amount.abs() > 1_000_000_000 {
            fields.insert(
                "amount".into(),
                vec!["must be at most 1000000000 in size".into()],
            );
        }
        if !fields.is_empty() {
            return Err(Error::Invalid(fields));
        }
        let mut tx = self.db.begin_tenant(tenant_id).await?;
        let exists: Option<Uuid> = sql::query_scalar("select id from tenants where id = $1")
            .bind(tenant_id)
            .fetch_optional(&mut tx)
            .await?;
        exists.ok_or(Error::NotFound("tenant"))?;
        let description = format!("{}: {reason}", kind.as_str());
        let entry = NewEntry {
            tenant_id,
            amount,
            kind,
            description: &description,
            reference: None,
            actor_user_id: Some(admin.user_id),
        };
        let balance = apply(&mut tx, &entry).await?;
        audit::record(
            &mut tx,
            NewAuditEvent {
                tenant_id: Some(tenant_id),
                actor_user_id: Some(admin.user_id),
                action: audit::action::CREDITS_ADJUSTED,
                target_type: Some("wallet"),
                target_id: Some(tenant_id.to_string()),
                ip_address: client.ip.as_deref(),
                details: json!({ "amount": amount, "kind": kind, "reason": reason, "balance": balance }),
            },
        )
        .await?;
        let row = sql::query_as::<LedgerEntry>(
            "select id, amount_credits, balance_after_credits, kind, description, reference_type, reference_id, \
             actor_user_id, created_at from ledger_entries where tenant_id = $1 order by id desc limit 1")
            .bind(tenant_id)
            .fetch_one(&mut tx)
            .await?;
        tx.commit().await?;
        Ok(row)
    }
}

/// Every wallet held against what records it ([`check_wallets`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WalletCheck {
    /// Wallets read.
    pub wallets: u64,
    /// Wallets that break an invariant.
    pub broken: u64,
}

/// Reads every wallet and counts those that break an invariant: a balance below zero, or one
/// that differs from the sum of the tenant's ledger, from the newest ledger row's running
/// balance, from the daily ledger rollups' net and last closing balance; or usage rows whose
/// credits differ from the daily usage rollups'. For a database that was restored or copied.
pub async fn check_wallets(db: &lumiku_store::Db) -> Result<WalletCheck> {
    let (wallets, broken): (i64, i64) = sql::query_as(
        "select count(*), cast(coalesce(sum(case when w.balance_credits < 0 \
         or w.balance_credits <> coalesce((select sum(l.amount_credits) from ledger_entries l \
             where l.tenant_id = w.tenant_id), 0) \
         or w.balance_credits <> coalesce((select l.balance_after_credits from ledger_entries l \
             where l.tenant_id = w.tenant_id order by l.id desc limit 1), 0) \
         or w.balance_credits <> coalesce((select sum(d.credits_in - d.credits_out) \
             from ledger_daily d where d.tenant_id = w.tenant_id), 0) \
         or w.balance_credits <> coalesce((select d.closing_balance from ledger_daily d \
             where d.tenant_id = w.tenant_id order by d.day desc limit 1), 0) \
         or coalesce((select sum(u.credits) from app_usage u where u.tenant_id = w.tenant_id), 0) \
            <> coalesce((select sum(u.credits) from usage_daily u where u.tenant_id = w.tenant_id), 0) \
         then 1 else 0 end), 0) as bigint) from wallets w",
    )
    .fetch_one(db)
    .await?;
    Ok(WalletCheck {
        wallets: wallets as u64,
        broken: broken as u64,
    })
}
