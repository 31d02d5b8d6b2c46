//! Billing: the catalogue (plans, credit packages), each tenant's subscription, invoices numbered
//! per tenant without gaps, what paying an invoice does, and the billing cycle (renewals, grace,
//! monthly credit grants) that a background job runs.
//!
//! Every change that must happen once is claimed in SQL on the transaction that makes it: a
//! period's credit grant by its `subscription_grants` row, a renewal by a conditional update of
//! the subscription, an invoice's payment by a conditional update of the invoice. So several
//! nodes running the cycle at once, or one running it twice, change nothing twice.

use chrono::{DateTime, Duration, Months, Utc};
use lumiku_store::sql::{self, Json};
use serde::{Deserialize, Serialize};
use serde_json::json;
use uuid::Uuid;

use lumiku_plugin::Tier;

use crate::accounts::Caller;
use crate::audit::{self, NewAuditEvent, action};
use crate::credits::{self, EntryKind, NewEntry};
use crate::db::{Tx, new_id, now};
use crate::error::{Error, Result};
use crate::tenants::{Permission, TenantAccess};
use crate::{ClientInfo, Kernel};

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
struct PlanRow {
    id: String,
    name: String,
    tier: String,
    price_idr: i64,
    monthly_credits: i64,
    trial_days: i32,
    features: Json<Vec<String>>,
    active: bool,
    sort_order: i32,
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
            trial_days: row.trial_days,
            features: row.features.0,
            active: row.active,
            sort_order: row.sort_order,
        })
    }
}

const PLAN_COLUMNS: &str =
    "id, name, tier, price_idr, monthly_credits, trial_days, features, active, sort_order";

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

const PACKAGE_COLUMNS: &str = "id, name, credits, bonus_credits, price_idr, active, sort_order";

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

    fn parse(name: &str) -> Result<Self> {
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
struct SubscriptionRow {
    tenant_id: Uuid,
    plan_id: String,
    status: String,
    current_period_start: DateTime<Utc>,
    current_period_end: DateTime<Utc>,
    cancel_at_period_end: bool,
    trial_used: bool,
    canceled_at: Option<DateTime<Utc>>,
}

impl SubscriptionRow {
    /// Whether the plan's tier applies (an unknown status counts as ended).
    fn is_live(&self) -> bool {
        SubscriptionStatus::parse(&self.status).is_ok_and(SubscriptionStatus::is_live)
    }
}

const SUBSCRIPTION_COLUMNS: &str = "tenant_id, plan_id, status, current_period_start, \
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
    fn as_str(self) -> &'static str {
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
struct InvoiceRow {
    id: Uuid,
    tenant_id: Uuid,
    number: Option<i64>,
    status: String,
    kind: String,
    plan_id: Option<String>,
    package_id: Option<String>,
    period_start: Option<DateTime<Utc>>,
    period_end: Option<DateTime<Utc>>,
    currency: String,
    total_idr: i64,
    credits: i64,
    bonus_credits: i64,
    description: String,
    created_at: DateTime<Utc>,
    issued_at: Option<DateTime<Utc>>,
    due_at: Option<DateTime<Utc>>,
    paid_at: Option<DateTime<Utc>>,
    voided_at: Option<DateTime<Utc>>,
}

const INVOICE_COLUMNS: &str = "id, tenant_id, number, status, kind, plan_id, package_id, \
    period_start, period_end, currency, total_idr, credits, bonus_credits, description, created_at, \
    issued_at, due_at, paid_at, voided_at";

impl InvoiceRow {
    fn into_invoice(self, items: Vec<InvoiceItem>) -> Result<Invoice> {
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
async fn next_invoice_number(tx: &mut Tx, tenant_id: Uuid) -> Result<i64> {
    Ok(sql::query_scalar(
        "insert into invoice_counters (tenant_id, last_number) values ($1, 1) \
         on conflict (tenant_id) do update set last_number = invoice_counters.last_number + 1 \
         returning last_number",
    )
    .bind(tenant_id)
    .fetch_one(&mut *tx)
    .await?)
}

/// Writes an invoice and its lines on `tx`; issued (numbered, open) when `new.issue`.
pub(crate) async fn create_invoice(tx: &mut Tx, new: NewInvoice<'_>) -> Result<Invoice> {
    let now = now();
    let id = new_id();
    let total: i64 = new.items.iter().map(|i| i.amount_idr).sum();
    let (number, status, issued_at) = if new.issue {
        (
            Some(next_invoice_number(tx, new.tenant_id).await?),
            "open",
            Some(now),
        )
    } else {
        (None, "draft", None)
    };
    let (period_start, period_end) = new.period.unzip();
    sql::query(
        "insert into invoices (id, tenant_id, number, status, kind, plan_id, package_id, period_start, period_end, \
         currency, total_idr, credits, bonus_credits, description, created_by, created_at, issued_at, due_at, updated_at) \
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $16)")
        .bind(id)
        .bind(new.tenant_id)
        .bind(number)
        .bind(status)
        .bind(new.kind.as_str())
        .bind(new.plan_id)
        .bind(new.package_id)
        .bind(period_start)
        .bind(period_end)
        .bind(CURRENCY)
        .bind(total)
        .bind(new.credits)
        .bind(new.bonus_credits)
        .bind(&new.description)
        .bind(new.created_by)
        .bind(now)
        .bind(issued_at)
        .bind(new.due_at)
        .execute(&mut *tx)
        .await
        .map(|r| r.rows_affected())?;
    for (position, item) in new.items.iter().enumerate() {
        sql::query(
            "insert into invoice_items (id, invoice_id, tenant_id, position, description, quantity, unit_price_idr, amount_idr) \
             values ($1, $2, $3, $4, $5, $6, $7, $8)")
            .bind(new_id())
            .bind(id)
            .bind(new.tenant_id)
            .bind(position as i32)
            .bind(&item.description)
            .bind(item.quantity)
            .bind(item.unit_price_idr)
            .bind(item.amount_idr)
            .execute(&mut *tx)
            .await
            .map(|r| r.rows_affected())?;
    }
    fetch_invoice(tx, new.tenant_id, id)
        .await?
        .ok_or(Error::NotFound("invoice"))
}

/// The tenant's invoice `id` with its lines, as `tx` sees it.
pub(crate) async fn fetch_invoice(
    tx: &mut Tx,
    tenant_id: Uuid,
    id: Uuid,
) -> Result<Option<Invoice>> {
    let row: Option<InvoiceRow> = sql::query_as(sql::AssertSqlSafe(format!(
        "select {INVOICE_COLUMNS} from invoices where tenant_id = $1 and id = $2"
    )))
    .bind(tenant_id)
    .bind(id)
    .fetch_optional(&mut *tx)
    .await?;
    let Some(row) = row else { return Ok(None) };
    let items = invoice_items(tx, id).await?;
    Ok(Some(row.into_invoice(items)?))
}

async fn invoice_items(tx: &mut Tx, invoice_id: Uuid) -> Result<Vec<InvoiceItem>> {
    Ok(sql::query_as::<InvoiceItem>(
        "select description, quantity, unit_price_idr, amount_idr from invoice_items \
         where invoice_id = $1 order by position",
    )
    .bind(invoice_id)
    .fetch_all(&mut *tx)
    .await?)
}

async fn fetch_plan(tx: &mut Tx, plan_id: &str) -> Result<Option<Plan>> {
    let row: Option<PlanRow> = sql::query_as(sql::AssertSqlSafe(format!(
        "select {PLAN_COLUMNS} from plans where id = $1"
    )))
    .bind(plan_id)
    .fetch_optional(&mut *tx)
    .await?;
    row.map(Plan::try_from).transpose()
}

async fn fetch_subscription(tx: &mut Tx, tenant_id: Uuid) -> Result<Option<SubscriptionRow>> {
    Ok(sql::query_as::<SubscriptionRow>(sql::AssertSqlSafe(format!(
        "select {SUBSCRIPTION_COLUMNS} from subscriptions where tenant_id = $1"
    )))
    .bind(tenant_id)
    .fetch_optional(&mut *tx)
    .await?)
}

/// One month after `t` (the last day of a shorter month when the day does not exist).
pub fn add_month(t: DateTime<Utc>) -> DateTime<Utc> {
    t.checked_add_months(Months::new(1))
        .expect("dates stay far from chrono's limits")
}

/// The open subscription invoice of `tenant_id` (a plan change or a renewal), newest first.
async fn open_subscription_invoice(tx: &mut Tx, tenant_id: Uuid) -> Result<Option<Invoice>> {
    let id: Option<Uuid> = sql::query_scalar(
        "select id from invoices where tenant_id = $1 and kind = 'subscription' and status = 'open' \
         order by id desc limit 1")
        .bind(tenant_id)
        .fetch_optional(&mut *tx)
        .await?;
    match id {
        Some(id) => fetch_invoice(tx, tenant_id, id).await,
        None => Ok(None),
    }
}

/// Voids the tenant's open subscription invoices (superseded or no longer owed) and expires their
/// pending payments. Returns how many were voided.
async fn void_open_subscription_invoices(tx: &mut Tx, tenant_id: Uuid) -> Result<u64> {
    let now = now();
    sql::query(
        "update payments set status = 'expired', updated_at = $2 where tenant_id = $1 and status = 'pending' \
         and invoice_id in (select id from invoices where tenant_id = $1 and kind = 'subscription' and status = 'open')")
        .bind(tenant_id)
        .bind(now)
        .execute(&mut *tx)
        .await
        .map(|r| r.rows_affected())?;
    Ok(sql::query(
        "update invoices set status = 'void', voided_at = $2, updated_at = $2 \
         where tenant_id = $1 and kind = 'subscription' and status = 'open'",
    )
    .bind(tenant_id)
    .bind(now)
    .execute(&mut *tx)
    .await
    .map(|r| r.rows_affected())?)
}

/// Grants the plan's monthly credits for the period starting at `period_start`, once: the
/// `subscription_grants` row is the claim, and only the transaction that inserts it grants.
/// Returns the credits granted (0 when the period was already granted or the plan grants none).
pub(crate) async fn grant_period(
    tx: &mut Tx,
    tenant_id: Uuid,
    period_start: DateTime<Utc>,
    plan: &Plan,
    now: DateTime<Utc>,
) -> Result<i64> {
    if plan.monthly_credits <= 0 {
        return Ok(0);
    }
    let claimed = sql::query(
        "insert into subscription_grants (tenant_id, period_start, plan_id, credits, granted_at) \
         values ($1, $2, $3, $4, $5) on conflict do nothing",
    )
    .bind(tenant_id)
    .bind(period_start)
    .bind(&plan.id)
    .bind(plan.monthly_credits)
    .bind(now)
    .execute(&mut *tx)
    .await
    .map(|r| r.rows_affected())?;
    if claimed == 0 {
        return Ok(0);
    }
    let description = format!(
        "{} plan: monthly credits from {}",
        plan.name,
        period_start.format("%Y-%m-%d")
    );
    let entry = NewEntry {
        tenant_id,
        amount: plan.monthly_credits,
        kind: EntryKind::Grant,
        description: &description,
        reference: Some(("subscription_period", period_start.to_rfc3339())),
        actor_user_id: None,
    };
    credits::apply(tx, &entry).await?;
    audit::record(
        tx,
        NewAuditEvent {
            tenant_id: Some(tenant_id),
            actor_user_id: None,
            action: action::SUBSCRIPTION_CREDITS_GRANTED,
            target_type: Some("subscription"),
            target_id: Some(tenant_id.to_string()),
            ip_address: None,
            details: json!({ "plan": plan.id, "credits": plan.monthly_credits, "periodStart": period_start }),
        },
    )
    .await?;
    Ok(plan.monthly_credits)
}

/// What paying an invoice did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Settlement {
    /// The invoice is now paid and its effect applied.
    Applied,
    /// The invoice had already been paid (by another payment): nothing applied.
    AlreadyPaid,
}

/// Marks the invoice paid and applies what it was for, once: credits for a package, the plan for
/// a subscription (and that period's credit grant). On the transaction that marks the payment
/// successful.
pub(crate) async fn settle_invoice(
    tx: &mut Tx,
    tenant_id: Uuid,
    invoice_id: Uuid,
    payment_reference: &str,
    actor_user_id: Option<Uuid>,
    now: DateTime<Utc>,
) -> Result<Settlement> {
    // An invoice voided while its payment was under way is still honoured: the money was taken.
    let claimed = sql::query(
        "update invoices set status = 'paid', paid_at = $3, updated_at = $3 \
         where tenant_id = $1 and id = $2 and status in ('open', 'void')",
    )
    .bind(tenant_id)
    .bind(invoice_id)
    .bind(now)
    .execute(&mut *tx)
    .await
    .map(|r| r.rows_affected())?;
    if claimed == 0 {
        return Ok(Settlement::AlreadyPaid);
    }
    let invoice = fetch_invoice(tx, tenant_id, invoice_id)
        .await?
        .ok_or(Error::NotFound("invoice"))?;
    match invoice.kind {
        InvoiceKind::Credits => {
            let label = invoice.display_number.clone().unwrap_or_default();
            for (amount, kind, what) in [
                (invoice.credits, EntryKind::Purchase, "credits bought"),
                (invoice.bonus_credits, EntryKind::Bonus, "bonus credits"),
            ] {
                if amount > 0 {
                    let description = format!("{what} ({label})");
                    let entry = NewEntry {
                        tenant_id,
                        amount,
                        kind,
                        description: &description,
                        reference: Some(("payment", payment_reference.to_owned())),
                        actor_user_id,
                    };
                    credits::apply(tx, &entry).await?;
                }
            }
        }
        InvoiceKind::Subscription => {
            let plan_id = invoice
                .plan_id
                .as_deref()
                .ok_or_else(|| anyhow::anyhow!("subscription invoice {invoice_id} has no plan"))?;
            let plan = fetch_plan(tx, plan_id)
                .await?
                .ok_or(Error::NotFound("plan"))?;
            let (start, end) = match (invoice.period_start, invoice.period_end) {
                (Some(start), Some(end)) => (start, end),
                _ => (now, add_month(now)),
            };
            let existing = fetch_subscription(tx, tenant_id).await?;
            let trial_used = existing.as_ref().is_some_and(|s| s.trial_used);
            upsert_subscription(
                tx,
                tenant_id,
                &plan.id,
                SubscriptionStatus::Active,
                (start, end),
                trial_used,
                now,
            )
            .await?;
            grant_period(tx, tenant_id, start, &plan, now).await?;
            audit::record(
                tx,
                NewAuditEvent {
                    tenant_id: Some(tenant_id),
                    actor_user_id,
                    action: action::SUBSCRIPTION_ACTIVATED,
                    target_type: Some("subscription"),
                    target_id: Some(tenant_id.to_string()),
                    ip_address: None,
                    details: json!({ "plan": plan.id, "periodStart": start, "periodEnd": end, "invoiceId": invoice_id }),
                },
            )
            .await?;
        }
        InvoiceKind::Manual => {}
    }
    Ok(Settlement::Applied)
}

async fn upsert_subscription(
    tx: &mut Tx,
    tenant_id: Uuid,
    plan_id: &str,
    status: SubscriptionStatus,
    (start, end): (DateTime<Utc>, DateTime<Utc>),
    trial_used: bool,
    now: DateTime<Utc>,
) -> Result<()> {
    sql::query(
        "insert into subscriptions (tenant_id, plan_id, status, current_period_start, current_period_end, \
         cancel_at_period_end, trial_used, canceled_at, created_at, updated_at) \
         values ($1, $2, $3, $4, $5, false, $6, null, $7, $7) \
         on conflict (tenant_id) do update set plan_id = excluded.plan_id, status = excluded.status, \
         current_period_start = excluded.current_period_start, current_period_end = excluded.current_period_end, \
         cancel_at_period_end = false, trial_used = excluded.trial_used, canceled_at = null, updated_at = excluded.updated_at")
        .bind(tenant_id)
        .bind(plan_id)
        .bind(status.as_str())
        .bind(start)
        .bind(end)
        .bind(trial_used)
        .bind(now)
        .execute(&mut *tx)
        .await
        .map(|r| r.rows_affected())?;
    Ok(())
}

/// What a request to subscribe or change plan did.
#[derive(Debug, Clone)]
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

fn one() -> i64 {
    1
}

fn check_name(fields: &mut lumiku_plugin::FieldErrors, field: &str, value: &str) {
    let length = value.trim().chars().count();
    if length == 0 || length > 100 {
        fields.insert(field.into(), vec!["must be 1 to 100 characters".into()]);
    }
}

fn check_range(
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
const MAX_AMOUNT: i64 = 1_000_000_000;

impl Kernel {
    /// The plans on offer (every plan, for administrators with `include_inactive`).
    pub async fn plans(&self, include_inactive: bool) -> Result<Vec<Plan>> {
        let rows: Vec<PlanRow> = sql::query_as(sql::AssertSqlSafe(format!(
            "select {PLAN_COLUMNS} from plans where active or $1 order by sort_order, id"
        )))
        .bind(include_inactive)
        .fetch_all(&self.db)
        .await?;
        rows.into_iter().map(Plan::try_from).collect()
    }

    /// The credit packages on sale (every package, for administrators with `include_inactive`).
    pub async fn credit_packages(&self, include_inactive: bool) -> Result<Vec<CreditPackage>> {
        Ok(
            sql::query_as::<CreditPackage>(sql::AssertSqlSafe(format!(
            "select {PACKAGE_COLUMNS} from credit_packages where active or $1 order by sort_order, id")))
            .bind(include_inactive)
            .fetch_all(&self.db)
            .await?,
        )
    }

    /// The tier in force for `tenant_id`: its plan's while trialing, active or past due, else free.
    pub async fn tenant_tier(&self, tenant_id: Uuid) -> Result<Tier> {
        let tier: Option<String> = sql::query_scalar(
            "select p.tier from subscriptions s join plans p on p.id = s.plan_id \
             where s.tenant_id = $1 and s.status <> 'canceled'",
        )
        .bind(tenant_id)
        .fetch_optional(&self.db)
        .await?;
        Ok(tier.as_deref().and_then(Tier::parse).unwrap_or(Tier::Free))
    }

    /// The request tenant's subscription.
    pub async fn subscription(&self, access: &TenantAccess) -> Result<Subscription> {
        access.require(Permission::Read)?;
        let mut tx = self.db.begin_tenant_read(access.tenant_id).await?;
        let subscription = load_subscription(&mut tx, access.tenant_id).await?;
        tx.commit().await?;
        Ok(subscription)
    }

    /// Subscribes the tenant to `plan_id` or changes its plan. A paid plan is invoiced and takes
    /// effect when the invoice is paid, except a first trial, which starts at once; the free plan
    /// cancels the paid one at its period's end; the current plan with a cancellation pending
    /// undoes the cancellation.
    pub async fn change_plan(
        &self,
        caller: &Caller,
        access: &TenantAccess,
        plan_id: &str,
        client: &ClientInfo,
    ) -> Result<PlanChange> {
        access.require(Permission::ManageBilling)?;
        let now = now();
        let mut tx = self.db.begin_tenant(access.tenant_id).await?;
        // Concurrent plan changes of one tenant take turns: each supersedes the one before.
        crate::tenants::lock_tenant(&mut tx, access.tenant_id).await?;
        let plan = fetch_plan(&mut tx, plan_id)
            .await?
            .filter(|p| p.active)
            .ok_or(Error::NotFound("plan"))?;
        let current = fetch_subscription(&mut tx, access.tenant_id).await?;
        let live = current.as_ref().filter(|s| s.is_live());
        let audit_event = |action, details| NewAuditEvent {
            tenant_id: Some(access.tenant_id),
            actor_user_id: Some(caller.user_id),
            action,
            target_type: Some("subscription"),
            target_id: Some(access.tenant_id.to_string()),
            ip_address: client.ip.as_deref(),
            details,
        };

        if plan.price_idr == 0 {
            // Choosing the free plan: a paid subscription ends at its period's end.
            if let Some(sub) = live.filter(|s| !s.cancel_at_period_end) {
                set_cancel_at_period_end(&mut tx, access.tenant_id, true, now).await?;
                void_open_subscription_invoices(&mut tx, access.tenant_id).await?;
                audit::record(
                    &mut tx,
                    audit_event(
                        action::SUBSCRIPTION_CANCEL_REQUESTED,
                        json!({ "plan": sub.plan_id, "endsAt": sub.current_period_end }),
                    ),
                )
                .await?;
            }
            tx.commit().await?;
            return Ok(PlanChange::Changed);
        }

        if let Some(sub) = live.filter(|s| s.plan_id == plan.id) {
            if sub.cancel_at_period_end {
                set_cancel_at_period_end(&mut tx, access.tenant_id, false, now).await?;
                audit::record(
                    &mut tx,
                    audit_event(action::SUBSCRIPTION_RESUMED, json!({ "plan": plan.id })),
                )
                .await?;
                tx.commit().await?;
                return Ok(PlanChange::Changed);
            }
            return Err(Error::Conflict {
                code: "already_subscribed",
                message: "The tenant is already on this plan; pay its open invoice if it is past due",
            });
        }

        let trial_used = current.as_ref().is_some_and(|s| s.trial_used);
        if plan.trial_days > 0 && !trial_used && live.is_none() {
            let end = now + Duration::days(i64::from(plan.trial_days));
            upsert_subscription(
                &mut tx,
                access.tenant_id,
                &plan.id,
                SubscriptionStatus::Trialing,
                (now, end),
                true,
                now,
            )
            .await?;
            audit::record(
                &mut tx,
                audit_event(
                    action::SUBSCRIPTION_TRIAL_STARTED,
                    json!({ "plan": plan.id, "trialEndsAt": end }),
                ),
            )
            .await?;
            tx.commit().await?;
            return Ok(PlanChange::Changed);
        }

        // A paid change: a new invoice supersedes any open one.
        void_open_subscription_invoices(&mut tx, access.tenant_id).await?;
        let invoice = create_invoice(
            &mut tx,
            NewInvoice {
                tenant_id: access.tenant_id,
                kind: InvoiceKind::Subscription,
                plan_id: Some(&plan.id),
                package_id: None,
                period: None,
                credits: 0,
                bonus_credits: 0,
                description: format!("{} plan, one month", plan.name),
                created_by: Some(caller.user_id),
                items: vec![InvoiceItem {
                    description: format!(
                        "{} plan: one month, {} credits",
                        plan.name, plan.monthly_credits
                    ),
                    quantity: 1,
                    unit_price_idr: plan.price_idr,
                    amount_idr: plan.price_idr,
                }],
                issue: true,
                due_at: Some(now + Duration::days(self.settings.billing.grace_days)),
            },
        )
        .await?;
        audit::record(
            &mut tx,
            audit_event(
                action::INVOICE_ISSUED,
                json!({ "invoiceId": invoice.id, "number": invoice.number, "plan": plan.id, "totalIdr": invoice.total_idr }),
            ),
        )
        .await?;
        tx.commit().await?;
        Ok(PlanChange::Invoiced(Box::new(invoice)))
    }

    /// Cancels the tenant's subscription at the end of its period (`cancel`), or undoes that.
    pub async fn set_subscription_cancellation(
        &self,
        caller: &Caller,
        access: &TenantAccess,
        cancel: bool,
        client: &ClientInfo,
    ) -> Result<Subscription> {
        access.require(Permission::ManageBilling)?;
        let now = now();
        let mut tx = self.db.begin_tenant(access.tenant_id).await?;
        crate::tenants::lock_tenant(&mut tx, access.tenant_id).await?;
        let current = fetch_subscription(&mut tx, access.tenant_id)
            .await?
            .filter(|s| s.is_live())
            .ok_or(Error::Conflict {
                code: "no_subscription",
                message: "The tenant has no paid subscription",
            })?;
        if current.cancel_at_period_end != cancel {
            set_cancel_at_period_end(&mut tx, access.tenant_id, cancel, now).await?;
            audit::record(
                &mut tx,
                NewAuditEvent {
                    tenant_id: Some(access.tenant_id),
                    actor_user_id: Some(caller.user_id),
                    action: if cancel {
                        action::SUBSCRIPTION_CANCEL_REQUESTED
                    } else {
                        action::SUBSCRIPTION_RESUMED
                    },
                    target_type: Some("subscription"),
                    target_id: Some(access.tenant_id.to_string()),
                    ip_address: client.ip.as_deref(),
                    details: json!({ "plan": current.plan_id, "periodEnd": current.current_period_end }),
                },
            )
            .await?;
        }
        let subscription = load_subscription(&mut tx, access.tenant_id).await?;
        tx.commit().await?;
        Ok(subscription)
    }

    /// A page of the tenant's issued invoices, newest first.
    pub async fn invoices(
        &self,
        access: &TenantAccess,
        before: Option<Uuid>,
        limit: i64,
    ) -> Result<InvoicePage> {
        access.require(Permission::Read)?;
        let limit = limit.clamp(1, 100);
        let mut tx = self.db.begin_tenant_read(access.tenant_id).await?;
        let rows: Vec<InvoiceRow> = sql::query_as(sql::AssertSqlSafe(format!(
            "select {INVOICE_COLUMNS} from invoices where tenant_id = $1 and status <> 'draft' \
             and ($2 is null or id < $2) order by id desc limit $3"
        )))
        .bind(access.tenant_id)
        .bind(before)
        .bind(limit)
        .fetch_all(&mut tx)
        .await?;
        let mut items = Vec::with_capacity(rows.len());
        for row in rows {
            let lines = invoice_items(&mut tx, row.id).await?;
            items.push(row.into_invoice(lines)?);
        }
        tx.commit().await?;
        let next_cursor = if items.len() as i64 == limit {
            items.last().map(|i| i.id)
        } else {
            None
        };
        Ok(InvoicePage { items, next_cursor })
    }

    /// One of the tenant's issued invoices.
    pub async fn invoice(&self, access: &TenantAccess, id: Uuid) -> Result<Invoice> {
        access.require(Permission::Read)?;
        let mut tx = self.db.begin_tenant_read(access.tenant_id).await?;
        let invoice = fetch_invoice(&mut tx, access.tenant_id, id)
            .await?
            .filter(|i| i.status != InvoiceStatus::Draft)
            .ok_or(Error::NotFound("invoice"))?;
        tx.commit().await?;
        Ok(invoice)
    }

    /// Runs the billing cycle as of `now`: expires stale payments, ends or invoices subscriptions
    /// whose period is over, cancels those unpaid past the grace period, and grants each active
    /// period its monthly credits. Every change is claimed in its own transaction, so concurrent
    /// runs on several nodes, or a run repeated, change nothing twice.
    pub async fn run_billing(&self, now: DateTime<Utc>) -> Result<BillingReport> {
        let mut report = BillingReport::default();
        let mut tx = self.db.begin().await?;
        report.payments_expired = sql::query(
            "update payments set status = 'expired', updated_at = $1 where status = 'pending' and expires_at <= $1")
            .bind(now)
            .execute(&mut tx)
            .await
            .map(|r| r.rows_affected())?;
        tx.commit().await?;

        let due: Vec<SubscriptionRow> = sql::query_as(sql::AssertSqlSafe(format!(
            "select {SUBSCRIPTION_COLUMNS} from subscriptions where status <> 'canceled' and current_period_end <= $1")))
            .bind(now)
            .fetch_all(&self.db)
            .await?;
        for sub in due {
            match self.close_period(&sub, now).await? {
                PeriodEnd::Canceled => report.subscriptions_canceled += 1,
                PeriodEnd::Invoiced => report.renewals_invoiced += 1,
                PeriodEnd::Nothing => {}
            }
        }

        #[derive(lumiku_plugin::sql::FromRow)]
        struct Ungranted {
            tenant_id: Uuid,
            current_period_start: DateTime<Utc>,
            plan_id: String,
        }
        let ungranted: Vec<Ungranted> = sql::query_as(
            "select s.tenant_id, s.current_period_start, s.plan_id from subscriptions s \
             join plans p on p.id = s.plan_id \
             where s.status = 'active' and p.monthly_credits > 0 and s.current_period_start <= $1 \
             and not exists (select 1 from subscription_grants g \
                             where g.tenant_id = s.tenant_id and g.period_start = s.current_period_start)")
            .bind(now)
            .fetch_all(&self.db)
            .await?;
        for row in ungranted {
            let mut tx = self.db.begin().await?;
            // Re-read under the transaction: the subscription may have moved on since the scan.
            let still = fetch_subscription(&mut tx, row.tenant_id)
                .await?
                .filter(|s| {
                    s.status == SubscriptionStatus::Active.as_str()
                        && s.current_period_start == row.current_period_start
                        && s.plan_id == row.plan_id
                });
            let Some(sub) = still else { continue };
            let plan = fetch_plan(&mut tx, &sub.plan_id)
                .await?
                .ok_or(Error::NotFound("plan"))?;
            let granted =
                grant_period(&mut tx, sub.tenant_id, sub.current_period_start, &plan, now).await?;
            tx.commit().await?;
            if granted > 0 {
                report.periods_granted += 1;
                report.credits_granted += granted;
            }
        }
        Ok(report)
    }

    async fn close_period(&self, sub: &SubscriptionRow, now: DateTime<Utc>) -> Result<PeriodEnd> {
        let status = SubscriptionStatus::parse(&sub.status)?;
        let mut tx = self.db.begin().await?;
        let grace = Duration::days(self.settings.billing.grace_days);
        let outcome = if sub.cancel_at_period_end
            || (status == SubscriptionStatus::PastDue && sub.current_period_end + grace <= now)
        {
            // Claimed by the conditional update: a concurrent run finds the row changed.
            let changed =
                claim_subscription(&mut tx, sub, SubscriptionStatus::Canceled, now).await?;
            if changed {
                void_open_subscription_invoices(&mut tx, sub.tenant_id).await?;
                audit::record(
                    &mut tx,
                    NewAuditEvent {
                        tenant_id: Some(sub.tenant_id),
                        actor_user_id: None,
                        action: action::SUBSCRIPTION_CANCELED,
                        target_type: Some("subscription"),
                        target_id: Some(sub.tenant_id.to_string()),
                        ip_address: None,
                        details: json!({
                            "plan": sub.plan_id,
                            "reason": if sub.cancel_at_period_end { "canceled_at_period_end" } else { "unpaid" },
                        }),
                    },
                )
                .await?;
                PeriodEnd::Canceled
            } else {
                PeriodEnd::Nothing
            }
        } else if matches!(
            status,
            SubscriptionStatus::Active | SubscriptionStatus::Trialing
        ) {
            let plan = fetch_plan(&mut tx, &sub.plan_id)
                .await?
                .ok_or(Error::NotFound("plan"))?;
            if claim_subscription(&mut tx, sub, SubscriptionStatus::PastDue, now).await? {
                let start = sub.current_period_end;
                let end = add_month(start);
                let invoice = create_invoice(
                    &mut tx,
                    NewInvoice {
                        tenant_id: sub.tenant_id,
                        kind: InvoiceKind::Subscription,
                        plan_id: Some(&plan.id),
                        package_id: None,
                        period: Some((start, end)),
                        credits: 0,
                        bonus_credits: 0,
                        description: format!(
                            "{} plan, {} to {}",
                            plan.name,
                            start.format("%Y-%m-%d"),
                            end.format("%Y-%m-%d")
                        ),
                        created_by: None,
                        items: vec![InvoiceItem {
                            description: format!(
                                "{} plan: {} to {}, {} credits",
                                plan.name,
                                start.format("%Y-%m-%d"),
                                end.format("%Y-%m-%d"),
                                plan.monthly_credits
                            ),
                            quantity: 1,
                            unit_price_idr: plan.price_idr,
                            amount_idr: plan.price_idr,
                        }],
                        issue: true,
                        due_at: Some(start + grace),
                    },
                )
                .await?;
                audit::record(
                    &mut tx,
                    NewAuditEvent {
                        tenant_id: Some(sub.tenant_id),
                        actor_user_id: None,
                        action: action::SUBSCRIPTION_PAST_DUE,
                        target_type: Some("subscription"),
                        target_id: Some(sub.tenant_id.to_string()),
                        ip_address: None,
                        details: json!({ "plan": plan.id, "invoiceId": invoice.id, "number": invoice.number }),
                    },
                )
                .await?;
                PeriodEnd::Invoiced
            } else {
                PeriodEnd::Nothing
            }
        } else {
            PeriodEnd::Nothing
        };
        tx.commit().await?;
        Ok(outcome)
    }

    /// A platform administrator changes a plan.
    pub async fn admin_update_plan(
        &self,
        admin: &Caller,
        plan_id: &str,
        patch: &PlanPatch,
        client: &ClientInfo,
    ) -> Result<Plan> {
        admin.require_admin("only platform administrators may change billing")?;
        let mut fields = lumiku_plugin::FieldErrors::new();
        if let Some(name) = &patch.name {
            check_name(&mut fields, "name", name);
        }
        if let Some(price) = patch.price_idr {
            check_range(&mut fields, "priceIdr", price, 0..=MAX_AMOUNT);
        }
        if let Some(credits) = patch.monthly_credits {
            check_range(&mut fields, "monthlyCredits", credits, 0..=MAX_AMOUNT);
        }
        if let Some(days) = patch.trial_days {
            check_range(&mut fields, "trialDays", i64::from(days), 0..=365);
        }
        if let Some(features) = &patch.features
            && (features.len() > 20
                || features
                    .iter()
                    .any(|f| f.trim().is_empty() || f.len() > 200))
        {
            fields.insert(
                "features".into(),
                vec!["at most 20 lines of 1 to 200 characters".into()],
            );
        }
        if !fields.is_empty() {
            return Err(Error::Invalid(fields));
        }
        let mut tx = self.db.begin().await?;
        let mut plan = fetch_plan(&mut tx, plan_id)
            .await?
            .ok_or(Error::NotFound("plan"))?;
        if plan.tier == Tier::Free && patch.price_idr.is_some_and(|p| p != 0) {
            return Err(Error::invalid("priceIdr", "the free plan costs nothing"));
        }
        if let Some(name) = &patch.name {
            plan.name = name.trim().to_owned();
        }
        plan.price_idr = patch.price_idr.unwrap_or(plan.price_idr);
        plan.monthly_credits = patch.monthly_credits.unwrap_or(plan.monthly_credits);
        plan.trial_days = patch.trial_days.unwrap_or(plan.trial_days);
        if let Some(features) = &patch.features {
            plan.features = features.iter().map(|f| f.trim().to_owned()).collect();
        }
        plan.active = patch.active.unwrap_or(plan.active);
        plan.sort_order = patch.sort_order.unwrap_or(plan.sort_order);
        sql::query(
            "update plans set name = $2, price_idr = $3, monthly_credits = $4, trial_days = $5, features = $6, \
             active = $7, sort_order = $8, updated_at = $9 where id = $1")
            .bind(&plan.id)
            .bind(&plan.name)
            .bind(plan.price_idr)
            .bind(plan.monthly_credits)
            .bind(plan.trial_days)
            .bind(Json(&plan.features))
            .bind(plan.active)
            .bind(plan.sort_order)
            .bind(now())
            .execute(&mut tx)
            .await
            .map(|r| r.rows_affected())?;
        audit::record(
            &mut tx,
            NewAuditEvent {
                tenant_id: None,
                actor_user_id: Some(admin.user_id),
                action: action::PLAN_UPDATED,
                target_type: Some("plan"),
                target_id: Some(plan.id.clone()),
                ip_address: client.ip.as_deref(),
                details: json!({ "plan": plan }),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(plan)
    }

    /// A platform administrator changes a credit package.
    pub async fn admin_update_package(
        &self,
        admin: &Caller,
        package_id: &str,
        patch: &PackagePatch,
        client: &ClientInfo,
    ) -> Result<CreditPackage> {
        admin.require_admin("only platform administrators may change billing")?;
        let mut fields = lumiku_plugin::FieldErrors::new();
        if let Some(name) = &patch.name {
            check_name(&mut fields, "name", name);
        }
        if let Some(credits) = patch.credits {
            check_range(&mut fields, "credits", credits, 1..=MAX_AMOUNT);
        }
        if let Some(bonus) = patch.bonus_credits {
            check_range(&mut fields, "bonusCredits", bonus, 0..=MAX_AMOUNT);
        }
        if let Some(price) = patch.price_idr {
            check_range(&mut fields, "priceIdr", price, 1..=MAX_AMOUNT);
        }
        if !fields.is_empty() {
            return Err(Error::Invalid(fields));
        }
        let mut tx = self.db.begin().await?;
        let mut package: CreditPackage = sql::query_as(sql::AssertSqlSafe(format!(
            "select {PACKAGE_COLUMNS} from credit_packages where id = $1"
        )))
        .bind(package_id)
        .fetch_optional(&mut tx)
        .await?
        .ok_or(Error::NotFound("credit package"))?;
        if let Some(name) = &patch.name {
            package.name = name.trim().to_owned();
        }
        package.credits = patch.credits.unwrap_or(package.credits);
        package.bonus_credits = patch.bonus_credits.unwrap_or(package.bonus_credits);
        package.price_idr = patch.price_idr.unwrap_or(package.price_idr);
        package.active = patch.active.unwrap_or(package.active);
        package.sort_order = patch.sort_order.unwrap_or(package.sort_order);
        sql::query(
            "update credit_packages set name = $2, credits = $3, bonus_credits = $4, price_idr = $5, active = $6, \
             sort_order = $7, updated_at = $8 where id = $1")
            .bind(&package.id)
            .bind(&package.name)
            .bind(package.credits)
            .bind(package.bonus_credits)
            .bind(package.price_idr)
            .bind(package.active)
            .bind(package.sort_order)
            .bind(now())
            .execute(&mut tx)
            .await
            .map(|r| r.rows_affected())?;
        audit::record(
            &mut tx,
            NewAuditEvent {
                tenant_id: None,
                actor_user_id: Some(admin.user_id),
                action: action::PACKAGE_UPDATED,
                target_type: Some("credit_package"),
                target_id: Some(package.id.clone()),
                ip_address: client.ip.as_deref(),
                details: json!({ "package": package }),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(package)
    }

    /// A platform administrator bills a tenant by hand: a draft, or issued at once with `issue`.
    pub async fn admin_create_invoice(
        &self,
        admin: &Caller,
        tenant_id: Uuid,
        description: &str,
        items: &[NewInvoiceItem],
        issue: bool,
        client: &ClientInfo,
    ) -> Result<Invoice> {
        admin.require_admin("only platform administrators may change billing")?;
        let mut fields = lumiku_plugin::FieldErrors::new();
        check_name(&mut fields, "description", description);
        if items.is_empty() || items.len() > 50 {
            fields.insert("items".into(), vec!["must have 1 to 50 lines".into()]);
        }
        for (index, item) in items.iter().enumerate() {
            let length = item.description.trim().chars().count();
            if length == 0 || length > 200 {
                fields.insert(
                    format!("items[{index}].description"),
                    vec!["must be 1 to 200 characters".into()],
                );
            }
            check_range(
                &mut fields,
                &format!("items[{index}].quantity"),
                item.quantity,
                1..=10_000,
            );
            check_range(
                &mut fields,
                &format!("items[{index}].unitPriceIdr"),
                item.unit_price_idr,
                0..=MAX_AMOUNT,
            );
        }
        if !fields.is_empty() {
            return Err(Error::Invalid(fields));
        }
        let mut tx = self.db.begin().await?;
        let exists: Option<Uuid> = sql::query_scalar("select id from tenants where id = $1")
            .bind(tenant_id)
            .fetch_optional(&mut tx)
            .await?;
        exists.ok_or(Error::NotFound("tenant"))?;
        let now = now();
        let invoice = create_invoice(
            &mut tx,
            NewInvoice {
                tenant_id,
                kind: InvoiceKind::Manual,
                plan_id: None,
                package_id: None,
                period: None,
                credits: 0,
                bonus_credits: 0,
                description: description.trim().to_owned(),
                created_by: Some(admin.user_id),
                items: items
                    .iter()
                    .map(|i| InvoiceItem {
                        description: i.description.trim().to_owned(),
                        quantity: i.quantity,
                        unit_price_idr: i.unit_price_idr,
                        amount_idr: i.quantity * i.unit_price_idr,
                    })
                    .collect(),
                issue,
                due_at: issue.then(|| now + Duration::days(self.settings.billing.grace_days)),
            },
        )
        .await?;
        audit::record(
            &mut tx,
            NewAuditEvent {
                tenant_id: Some(tenant_id),
                actor_user_id: Some(admin.user_id),
                action: if issue {
                    action::INVOICE_ISSUED
                } else {
                    action::INVOICE_DRAFTED
                },
                target_type: Some("invoice"),
                target_id: Some(invoice.id.to_string()),
                ip_address: client.ip.as_deref(),
                details: json!({ "number": invoice.number, "totalIdr": invoice.total_idr }),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(invoice)
    }

    /// A platform administrator issues a draft invoice (giving it the tenant's next number) or
    /// voids an open one.
    pub async fn admin_set_invoice_status(
        &self,
        admin: &Caller,
        invoice_id: Uuid,
        status: InvoiceStatus,
        client: &ClientInfo,
    ) -> Result<Invoice> {
        admin.require_admin("only platform administrators may change billing")?;
        let mut tx = self.db.begin().await?;
        let tenant_id: Uuid = sql::query_scalar("select tenant_id from invoices where id = $1")
            .bind(invoice_id)
            .fetch_optional(&mut tx)
            .await?
            .ok_or(Error::NotFound("invoice"))?;
        let invoice = fetch_invoice(&mut tx, tenant_id, invoice_id)
            .await?
            .ok_or(Error::NotFound("invoice"))?;
        let now = now();
        let audit_action = match (invoice.status, status) {
            (InvoiceStatus::Draft, InvoiceStatus::Open) => {
                let number = next_invoice_number(&mut tx, tenant_id).await?;
                sql::query(
                    "update invoices set status = 'open', number = $2, issued_at = $3, due_at = $4, updated_at = $3 \
                     where id = $1 and status = 'draft'")
                    .bind(invoice_id)
                    .bind(number)
                    .bind(now)
                    .bind(now + Duration::days(self.settings.billing.grace_days))
                    .execute(&mut tx)
                    .await
                    .map(|r| r.rows_affected())?;
                action::INVOICE_ISSUED
            }
            (InvoiceStatus::Open, InvoiceStatus::Void) => {
                sql::query(
                    "update payments set status = 'expired', updated_at = $2 where invoice_id = $1 and status = 'pending'")
                    .bind(invoice_id)
                    .bind(now)
                    .execute(&mut tx)
                    .await
                    .map(|r| r.rows_affected())?;
                sql::query(
                    "update invoices set status = 'void', voided_at = $2, updated_at = $2 where id = $1 and status = 'open'")
                    .bind(invoice_id)
                    .bind(now)
                    .execute(&mut tx)
                    .await
                    .map(|r| r.rows_affected())?;
                action::INVOICE_VOIDED
            }
            _ => {
                return Err(Error::Conflict {
                    code: "invalid_invoice_transition",
                    message: "Only a draft can be issued and only an open invoice voided",
                });
            }
        };
        audit::record(
            &mut tx,
            NewAuditEvent {
                tenant_id: Some(tenant_id),
                actor_user_id: Some(admin.user_id),
                action: audit_action,
                target_type: Some("invoice"),
                target_id: Some(invoice_id.to_string()),
                ip_address: client.ip.as_deref(),
                details: json!({ "from": invoice.status, "to": status }),
            },
        )
        .await?;
        let invoice = fetch_invoice(&mut tx, tenant_id, invoice_id)
            .await?
            .ok_or(Error::NotFound("invoice"))?;
        tx.commit().await?;
        Ok(invoice)
    }
}

enum PeriodEnd {
    Canceled,
    Invoiced,
    Nothing,
}

/// Moves `sub` to `status` if it is still as it was read; whether this transaction made the move.
async fn claim_subscription(
    tx: &mut Tx,
    sub: &SubscriptionRow,
    status: SubscriptionStatus,
    now: DateTime<Utc>,
) -> Result<bool> {
    let canceled_at = (status == SubscriptionStatus::Canceled).then_some(now);
    let changed = sql::query(
        "update subscriptions set status = $4, canceled_at = coalesce($5, canceled_at), updated_at = $6 \
         where tenant_id = $1 and status = $2 and current_period_end = $3")
        .bind(sub.tenant_id)
        .bind(&sub.status)
        .bind(sub.current_period_end)
        .bind(status.as_str())
        .bind(canceled_at)
        .bind(now)
        .execute(&mut *tx)
        .await
        .map(|r| r.rows_affected())?;
    Ok(changed == 1)
}

async fn set_cancel_at_period_end(
    tx: &mut Tx,
    tenant_id: Uuid,
    cancel: bool,
    now: DateTime<Utc>,
) -> Result<()> {
    sql::query(
        "update subscriptions set cancel_at_period_end = $2, updated_at = $3 where tenant_id = $1",
    )
    .bind(tenant_id)
    .bind(cancel)
    .bind(now)
    .execute(&mut *tx)
    .await
    .map(|r| r.rows_affected())?;
    Ok(())
}

async fn load_subscription(tx: &mut Tx, tenant_id: Uuid) -> Result<Subscription> {
    let row = fetch_subscription(tx, tenant_id).await?;
    let open_invoice = open_subscription_invoice(tx, tenant_id).await?;
    let Some(row) = row else {
        let plan = fetch_plan(tx, "free")
            .await?
            .ok_or(Error::NotFound("plan"))?;
        return Ok(Subscription {
            tenant_id,
            plan,
            status: SubscriptionStatus::Active,
            tier: Tier::Free,
            current_period_start: None,
            current_period_end: None,
            cancel_at_period_end: false,
            canceled_at: None,
            open_invoice,
        });
    };
    let plan = fetch_plan(tx, &row.plan_id)
        .await?
        .ok_or(Error::NotFound("plan"))?;
    let status = SubscriptionStatus::parse(&row.status)?;
    Ok(Subscription {
        tenant_id: row.tenant_id,
        tier: if status.is_live() {
            plan.tier
        } else {
            Tier::Free
        },
        plan,
        status,
        current_period_start: Some(row.current_period_start),
        current_period_end: Some(row.current_period_end),
        cancel_at_period_end: row.cancel_at_period_end,
        canceled_at: row.canceled_at,
        open_invoice,
    })
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
