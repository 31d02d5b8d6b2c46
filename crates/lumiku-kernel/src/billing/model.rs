//! Billing's types: the catalogue (plans, credit packages), each tenant's subscription, invoices numbered
//! per tenant without gaps, what paying an invoice does, and the billing cycle (renewals, grace,
//! monthly credit grants) that a background job runs.
//!
//! Every change that must happen once is claimed in SQL on the transaction that makes it: a
//! period's credit grant by its `subscription_grants` row, a renewal by a conditional update of
//! the subscription, an invoice's payment by a conditional update of the invoice. So several
//! nodes running the cycle at once, or one running it twice, change nothing twice.
use chrono::{DateTime, Months, Utc};
use lumiku_plugin::Tier;
use lumiku_store::sql::Json;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::error::{Error, Result};

/// The currency every price is in.
pub const CURRENCY: &str = "IDR";

/// A subscription plan.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Plan {
    /// Slug: `free`, `basic`, `pro`, `enterprise`, ...
    pub id: String,
    /// Display name.
    pub name: String,
    /// The tier it gives (what apps' `minSubscriptionTier` checks).
    pub tier: Tier,
    /// Monthly price in rupiah.
    pub price_idr: i64,
    /// Credits granted at the start of every paid month.
    pub monthly_credits: i64,
    /// Bytes of blob storage (the File Manager's files, say) a tenant on this plan may keep.
    pub storage_quota_bytes: i64,
    /// Days of free trial for a tenant's first subscription to it.
    pub trial_days: i32,
    /// What it offers, one line each.
    pub features: Vec<String>,
    /// Offered to new subscribers.
    pub active: bool,
    /// Position in the catalogue.
    pub sort_order: i32,
}

#[derive(lumiku_plugin::sql::FromRow)]
pub(crate) struct PlanRow {
    pub(crate) id: String,
    pub(crate) name: String,
    pub(crate) tier: String,
    pub(crate) price_idr: i64,
    pub(crate) monthly_credits: i64,
    pub(crate) storage_quota_bytes: i64,
    pub(crate) trial_days: i32,
    pub(crate) features: Json<Vec<String>>,
    pub(crate) active: bool,
    pub(crate) sort_order: i32,
}

impl TryFrom<PlanRow> for Plan {
    type Error = Error;
    fn try_from(row: PlanRow) -> Result<Self> {
        Ok(Plan {
            tier: Tier::parse(&row.tier)
                .ok_or_else(|| anyhow::anyhow!("plan {} has unknown tier {}", row.id, row.tier))?,
            id: row.id,
            name: row.name,
            price_idr: row.price_idr,
            monthly_credits: row.monthly_credits,
            storage_quota_bytes: row.storage_quota_bytes,
            trial_days: row.trial_days,
            features: row.features.0,
            active: row.active,
            sort_order: row.sort_order,
        })
    }
}

pub(crate) const PLAN_COLUMNS: &str = "id, name, tier, price_idr, monthly_credits, storage_quota_bytes, trial_days, features, active, sort_order";

/// A one-off bundle of credits.
#[derive(Debug, Clone, Serialize, lumiku_plugin::sql::FromRow, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct CreditPackage {
    /// Slug.
    pub id: String,
    /// Display name.
    pub name: String,
    /// Credits bought.
    pub credits: i64,
    /// Credits given on top.
    pub bonus_credits: i64,
    /// Price in rupiah.
    pub price_idr: i64,
    /// On sale.
    pub active: bool,
    /// Position in the catalogue.
    pub sort_order: i32,
}

pub(crate) const PACKAGE_COLUMNS: &str =
    "id, name, credits, bonus_credits, price_idr, active, sort_order";

/// Where a subscription stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum SubscriptionStatus {
    /// In a free trial: the plan's tier, no credit grant, an invoice at its end.
    Trialing,
    /// Paid for the current period.
    Active,
    /// The period ended and its renewal invoice is unpaid; the tier holds for the grace period.
    PastDue,
    /// Ended: the tenant is on the free plan.
    Canceled,
}

impl SubscriptionStatus {
    /// The stored (and serialised) name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Trialing => "trialing",
            Self::Active => "active",
            Self::PastDue => "past_due",
            Self::Canceled => "canceled",
        }
    }

    pub(crate) fn parse(name: &str) -> Result<Self> {
        Ok(match name {
            "trialing" => Self::Trialing,
            "active" => Self::Active,
            "past_due" => Self::PastDue,
            "canceled" => Self::Canceled,
            other => return Err(anyhow::anyhow!("unknown subscription status {other}").into()),
        })
    }

    /// Whether the plan's tier applies.
    pub fn is_live(self) -> bool {
        !matches!(self, Self::Canceled)
    }
}

#[derive(Debug, Clone, lumiku_plugin::sql::FromRow)]
pub(crate) struct SubscriptionRow {
    pub(crate) tenant_id: Uuid,
    pub(crate) plan_id: String,
    pub(crate) status: String,
    pub(crate) current_period_start: DateTime<Utc>,
    pub(crate) current_period_end: DateTime<Utc>,
    pub(crate) cancel_at_period_end: bool,
    pub(crate) trial_used: bool,
    pub(crate) canceled_at: Option<DateTime<Utc>>,
}

impl SubscriptionRow {
    /// Whether the plan's tier applies (an unknown status counts as ended).
    pub(crate) fn is_live(&self) -> bool {
        SubscriptionStatus::parse(&self.status).is_ok_and(SubscriptionStatus::is_live)
    }
}

pub(crate) const SUBSCRIPTION_COLUMNS: &str = "tenant_id, plan_id, status, current_period_start, \
    current_period_end, cancel_at_period_end, trial_used, canceled_at";

/// A tenant's subscription as its members see it. A tenant that never subscribed is on the free
/// plan, `active`, without a period.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Subscription {
    /// The tenant.
    pub tenant_id: Uuid,
    /// The plan.
    pub plan: Plan,
    /// `trialing`, `active`, `past_due` or `canceled`.
    pub status: SubscriptionStatus,
    /// The tier in force (free once canceled).
    pub tier: Tier,
    /// Start of the current period.
    pub current_period_start: Option<DateTime<Utc>>,
    /// End of the current period (renewal, trial end or cancellation).
    pub current_period_end: Option<DateTime<Utc>>,
    /// Ends at the period's end instead of renewing.
    pub cancel_at_period_end: bool,
    /// When it was canceled.
    pub canceled_at: Option<DateTime<Utc>>,
    /// The open invoice waiting to be paid for it (a plan change or a renewal), if any.
    pub open_invoice: Option<Invoice>,
}

/// `draft` (not yet issued, no number), `open` (issued, unpaid), `paid`, `void`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum InvoiceStatus {
    /// Being prepared; no number.
    Draft,
    /// Issued and unpaid.
    Open,
    /// Paid.
    Paid,
    /// Cancelled; keeps its number.
    Void,
}

impl InvoiceStatus {
    /// The stored (and serialised) name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Draft => "draft",
            Self::Open => "open",
            Self::Paid => "paid",
            Self::Void => "void",
        }
    }
}

/// What an invoice is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum InvoiceKind {
    /// A plan: a new subscription, a change of plan, or a renewal (with a period).
    Subscription,
    /// A credit package.
    Credits,
    /// Made by an administrator.
    Manual,
}

impl InvoiceKind {
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Self::Subscription => "subscription",
            Self::Credits => "credits",
            Self::Manual => "manual",
        }
    }
}

/// One line of an invoice.
#[derive(Debug, Clone, Serialize, Deserialize, lumiku_plugin::sql::FromRow, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct InvoiceItem {
    /// What.
    pub description: String,
    /// How many.
    pub quantity: i64,
    /// Price of one, in rupiah.
    pub unit_price_idr: i64,
    /// quantity × unit price.
    pub amount_idr: i64,
}

/// An invoice with its lines.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Invoice {
    /// Id.
    pub id: Uuid,
    /// The tenant billed.
    pub tenant_id: Uuid,
    /// Sequence number within the tenant, from 1 without gaps; none while draft.
    pub number: Option<i64>,
    /// `INV-000042`.
    pub display_number: Option<String>,
    /// Status.
    pub status: InvoiceStatus,
    /// What it is for.
    pub kind: InvoiceKind,
    /// The plan, for a subscription invoice.
    pub plan_id: Option<String>,
    /// The package, for a credits invoice.
    pub package_id: Option<String>,
    /// The period a renewal pays for.
    pub period_start: Option<DateTime<Utc>>,
    /// End of that period.
    pub period_end: Option<DateTime<Utc>>,
    /// `IDR`.
    pub currency: String,
    /// Total in rupiah.
    pub total_idr: i64,
    /// Credits paying it adds.
    pub credits: i64,
    /// Bonus credits paying it adds.
    pub bonus_credits: i64,
    /// Summary.
    pub description: String,
    /// Created.
    pub created_at: DateTime<Utc>,
    /// Issued (numbered).
    pub issued_at: Option<DateTime<Utc>>,
    /// Payment due.
    pub due_at: Option<DateTime<Utc>>,
    /// Paid.
    pub paid_at: Option<DateTime<Utc>>,
    /// Voided.
    pub voided_at: Option<DateTime<Utc>>,
    /// Lines.
    pub items: Vec<InvoiceItem>,
}

#[derive(lumiku_plugin::sql::FromRow)]
pub(crate) struct InvoiceRow {
    pub(crate) id: Uuid,
    pub(crate) tenant_id: Uuid,
    pub(crate) number: Option<i64>,
    pub(crate) status: String,
    pub(crate) kind: String,
    pub(crate) plan_id: Option<String>,
    pub(crate) package_id: Option<String>,
    pub(crate) period_start: Option<DateTime<Utc>>,
    pub(crate) period_end: Option<DateTime<Utc>>,
    pub(crate) currency: String,
    pub(crate) total_idr: i64,
    pub(crate) credits: i64,
    pub(crate) bonus_credits: i64,
    pub(crate) description: String,
    pub(crate) created_at: DateTime<Utc>,
    pub(crate) issued_at: Option<DateTime<Utc>>,
    pub(crate) due_at: Option<DateTime<Utc>>,
    pub(crate) paid_at: Option<DateTime<Utc>>,
    pub(crate) voided_at: Option<DateTime<Utc>>,
}

pub(crate) const INVOICE_COLUMNS: &str = "id, tenant_id, number, status, kind, plan_id, package_id, \
    period_start, period_end, currency, total_idr, credits, bonus_credits, description, created_at, \
    issued_at, due_at, paid_at, voided_at";

impl InvoiceRow {
    pub(crate) fn into_invoice(self, items: Vec<InvoiceItem>) -> Result<Invoice> {
        let status = [
            InvoiceStatus::Draft,
            InvoiceStatus::Open,
            InvoiceStatus::Paid,
            InvoiceStatus::Void,
        ]
        .into_iter()
        .find(|s| s.as_str() == self.status)
        .ok_or_else(|| anyhow::anyhow!("unknown invoice status {}", self.status))?;
        let kind = match self.kind.as_str() {
            "subscription" => InvoiceKind::Subscription,
            "credits" => InvoiceKind::Credits,
            "manual" => InvoiceKind::Manual,
            other => return Err(anyhow::anyhow!("unknown invoice kind {other}").into()),
        };
        Ok(Invoice {
            id: self.id,
            tenant_id: self.tenant_id,
            number: self.number,
            display_number: self.number.map(|n| format!("INV-{n:06}")),
            status,
            kind,
            plan_id: self.plan_id,
            package_id: self.package_id,
            period_start: self.period_start,
            period_end: self.period_end,
            currency: self.currency,
            total_idr: self.total_idr,
            credits: self.credits,
            bonus_credits: self.bonus_credits,
            description: self.description,
            created_at: self.created_at,
            issued_at: self.issued_at,
            due_at: self.due_at,
            paid_at: self.paid_at,
            voided_at: self.voided_at,
            items,
        })
    }
}

/// A page of invoices.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct InvoicePage {
    /// Newest first.
    pub items: Vec<Invoice>,
    /// Pass as `before` for the next page; absent on the last.
    pub next_cursor: Option<Uuid>,
}

/// An invoice about to be written.
#[derive(Debug, Clone)]
pub(crate) struct NewInvoice<'a> {
    pub tenant_id: Uuid,
    pub kind: InvoiceKind,
    pub plan_id: Option<&'a str>,
    pub package_id: Option<&'a str>,
    pub period: Option<(DateTime<Utc>, DateTime<Utc>)>,
    pub credits: i64,
    pub bonus_credits: i64,
    pub description: String,
    pub created_by: Option<Uuid>,
    pub items: Vec<InvoiceItem>,
    /// Issue it now (numbered, open) rather than keep it as a draft.
    pub issue: bool,
    pub due_at: Option<DateTime<Utc>>,
}

/// Takes the tenant's next invoice number on `tx`: the counter moves only if `tx` commits, so
/// numbers have no gaps.
pub enum PlanChange {
    /// Nothing to pay: the subscription changed at once (a trial started, cancellation was undone,
    /// or the free plan was chosen, which cancels at the period's end).
    Changed,
    /// An invoice must be paid for the change to happen.
    Invoiced(Box<Invoice>),
}

/// What one run of the billing cycle changed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct BillingReport {
    /// Pending payments past their expiry, now expired.
    pub payments_expired: u64,
    /// Subscriptions whose period ended, now past due with a renewal invoice.
    pub renewals_invoiced: u64,
    /// Subscriptions ended (at the period's end as asked, or after the grace period unpaid).
    pub subscriptions_canceled: u64,
    /// Periods granted their monthly credits.
    pub periods_granted: u64,
    /// Credits granted in all.
    pub credits_granted: i64,
    /// Apps uninstalled longer than their retention whose rows were deleted.
    pub apps_purged: u64,
}

/// An administrator's change to a plan; absent fields stay.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(default, rename_all = "camelCase")]
pub struct PlanPatch {
    /// Display name.
    pub name: Option<String>,
    /// Monthly price in rupiah.
    pub price_idr: Option<i64>,
    /// Monthly credits.
    pub monthly_credits: Option<i64>,
    /// Blob storage quota in bytes (at most 1 PiB).
    pub storage_quota_bytes: Option<i64>,
    /// Trial days.
    pub trial_days: Option<i32>,
    /// Feature lines.
    pub features: Option<Vec<String>>,
    /// Offered to new subscribers.
    pub active: Option<bool>,
    /// Position.
    pub sort_order: Option<i32>,
}

/// An administrator's change to a credit package; absent fields stay.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(default, rename_all = "camelCase")]
pub struct PackagePatch {
    /// Display name.
    pub name: Option<String>,
    /// Credits.
    pub credits: Option<i64>,
    /// Bonus credits.
    pub bonus_credits: Option<i64>,
    /// Price in rupiah.
    pub price_idr: Option<i64>,
    /// On sale.
    pub active: Option<bool>,
    /// Position.
    pub sort_order: Option<i32>,
}

/// A line of an administrator's invoice.
#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct NewInvoiceItem {
    /// What.
    pub description: String,
    /// How many (default 1).
    #[serde(default = "one")]
    pub quantity: i64,
    /// Price of one, in rupiah.
    pub unit_price_idr: i64,
}

pub(crate) fn one() -> i64 {
    1
}

pub(crate) fn check_name(fields: &mut lumiku_plugin::FieldErrors, field: &str, value: &str) {
    let length = value.trim().chars().count();
    if length == 0 || length > 100 {
        fields.insert(field.into(), vec!["must be 1 to 100 characters".into()]);
    }
}

pub(crate) fn check_range(
    fields: &mut lumiku_plugin::FieldErrors,
    field: &str,
    value: i64,
    range: std::ops::RangeInclusive<i64>,
) {
    if !range.contains(&value) {
        fields.insert(
            field.into(),
            vec![format!(
                "must be between {} and {}",
                range.start(),
                range.end()
            )],
        );
    }
}

/// The largest price or credit amount the catalogue accepts.
pub(crate) const MAX_AMOUNT: i64 = 1_000_000_000;

/// The largest storage quota a plan may give: 1 PiB.
pub(crate) const MAX_STORAGE_QUOTA: i64 = 1 << 50;
/// One month after `t` (the last day of a shorter month when the day does not exist).
pub fn add_month(t: DateTime<Utc>) -> DateTime<Utc> {
    t.checked_add_months(Months::new(1))
        .expect("dates stay far from chrono's limits")
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn a_month_later_keeps_the_day_or_clamps_to_the_months_end() {
        let jan_15 = Utc.with_ymd_and_hms(2026, 1, 15, 8, 0, 0).unwrap();
        assert_eq!(
            add_month(jan_15),
            Utc.with_ymd_and_hms(2026, 2, 15, 8, 0, 0).unwrap()
        );
        let jan_31 = Utc.with_ymd_and_hms(2026, 1, 31, 8, 0, 0).unwrap();
        assert_eq!(
            add_month(jan_31),
            Utc.with_ymd_and_hms(2026, 2, 28, 8, 0, 0).unwrap()
        );
    }

    #[test]
    fn only_canceled_subscriptions_lose_their_tier() {
        for status in [
            SubscriptionStatus::Trialing,
            SubscriptionStatus::Active,
            SubscriptionStatus::PastDue,
        ] {
            assert!(status.is_live(), "{status:?}");
            assert_eq!(SubscriptionStatus::parse(status.as_str()).unwrap(), status);
        }
        assert!(!SubscriptionStatus::Canceled.is_live());
    }
}
