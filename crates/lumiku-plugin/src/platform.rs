//! A read-only, tenant-scoped view of the platform's own data about the tenant: what it spent on
//! which app, action and member, day by day, and its ledger's daily movements and balance. Only
//! an app whose manifest declares it in `platform_data` may read it (403 otherwise); the app
//! still never touches a core table: the kernel reads them and answers these types.
//!
//! Days are UTC calendar days. The kernel keeps the daily rollups in the transaction of every
//! charge and ledger row, so a range of months is a few hundred rows however many actions it
//! holds.

use chrono::NaiveDate;
use serde::Serialize;
use uuid::Uuid;

use crate::ApiError;
use crate::context::Host;
use std::sync::Arc;

/// What platform data an app may read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum PlatformData {
    /// The tenant's metered actions (every app's), by day, app, action and member.
    Usage,
    /// The tenant's ledger, by day: credits in and out, and the balance.
    Ledger,
}

/// One day's metered actions of one member in one app's action.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct UsageDay {
    /// The UTC day.
    pub day: NaiveDate,
    /// The app.
    pub app_id: String,
    /// The action.
    pub action: String,
    /// The member who took it.
    pub user_id: Uuid,
    /// How many times.
    pub actions: i64,
    /// The credits they cost.
    pub credits: i64,
}

/// One day of the ledger.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct LedgerDay {
    /// The UTC day.
    pub day: NaiveDate,
    /// Credits added (purchases, grants, bonuses, refunds).
    pub credits_in: i64,
    /// Credits taken (usage, debits).
    pub credits_out: i64,
    /// Ledger rows that day.
    pub entries: i64,
    /// The balance after the day's last row.
    pub closing_balance: i64,
}

/// The ledger over a range: the balance before it and each day with a movement.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct LedgerDays {
    /// The balance at the start of the range's first day.
    pub opening_balance: i64,
    /// The days in the range that had ledger rows, in order.
    pub days: Vec<LedgerDay>,
}

/// The platform's data about one tenant, as an app that declared it may read it.
#[derive(Clone)]
pub struct Platform {
    host: Arc<dyn Host>,
    tenant_id: Uuid,
}

impl Platform {
    pub(crate) fn new(host: Arc<dyn Host>, tenant_id: Uuid) -> Self {
        Self { host, tenant_id }
    }

    /// The tenant's metered actions from `from` to `to` (UTC days, both included), by day, app,
    /// action and member, ordered by day. Needs [`PlatformData::Usage`].
    pub async fn usage_days(
        &self,
        from: NaiveDate,
        to: NaiveDate,
    ) -> Result<Vec<UsageDay>, ApiError> {
        self.host.usage_days(self.tenant_id, from, to).await
    }

    /// The tenant's ledger from `from` to `to` (both included). Needs [`PlatformData::Ledger`].
    pub async fn ledger_days(
        &self,
        from: NaiveDate,
        to: NaiveDate,
    ) -> Result<LedgerDays, ApiError> {
        self.host.ledger_days(self.tenant_id, from, to).await
    }

    /// The tenant's balance now. Needs [`PlatformData::Ledger`].
    pub async fn balance(&self) -> Result<i64, ApiError> {
        self.host.platform_balance(self.tenant_id).await
    }
}

/// 403 `platform_data_not_declared`.
pub fn not_declared(what: PlatformData) -> ApiError {
    ApiError::new(
        axum::http::StatusCode::FORBIDDEN,
        "platform_data_not_declared",
        format!("This app's manifest does not declare {what:?} in platform_data"),
    )
}
