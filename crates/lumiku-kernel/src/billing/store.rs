//! Billing's rows: the statements on plans, subscriptions, invoices and grants that the
//! operations share, each on the caller's transaction.

use chrono::{DateTime, Utc};
use lumiku_plugin::Tier;
use lumiku_store::{Tx, new_id, now, sql};
use serde_json::json;
use uuid::Uuid;

use crate::audit::{self, NewAuditEvent, action};
use crate::credits::{self, EntryKind, NewEntry};
use crate::error::{Error, Result};

use super::model::*;

pub(crate) async fn next_invoice_number(tx: &mut Tx, tenant_id: Uuid) -> Result<i64> {
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

pub(crate) async fn invoice_items(tx: &mut Tx, invoice_id: Uuid) -> Result<Vec<InvoiceItem>> {
    Ok(sql::query_as::<InvoiceItem>(
        "select description, quantity, unit_price_idr, amount_idr from invoice_items \
         where invoice_id = $1 order by position",
    )
    .bind(invoice_id)
    .fetch_all(&mut *tx)
    .await?)
}

pub(crate) async fn fetch_plan(tx: &mut Tx, plan_id: &str) -> Result<Option<Plan>> {
    let row: Option<PlanRow> = sql::query_as(sql::AssertSqlSafe(format!(
        "select {PLAN_COLUMNS} from plans where id = $1"
    )))
    .bind(plan_id)
    .fetch_optional(&mut *tx)
    .await?;
    row.map(Plan::try_from).transpose()
}

pub(crate) async fn fetch_subscription(
    tx: &mut Tx,
    tenant_id: Uuid,
) -> Result<Option<SubscriptionRow>> {
    Ok(sql::query_as::<SubscriptionRow>(sql::AssertSqlSafe(format!(
        "select {SUBSCRIPTION_COLUMNS} from subscriptions where tenant_id = $1"
    )))
    .bind(tenant_id)
    .fetch_optional(&mut *tx)
    .await?)
}

/// The open subscription invoice of `tenant_id` (a plan change or a renewal), newest first.
pub(crate) async fn open_subscription_invoice(
    tx: &mut Tx,
    tenant_id: Uuid,
) -> Result<Option<Invoice>> {
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
pub(crate) async fn void_open_subscription_invoices(tx: &mut Tx, tenant_id: Uuid) -> Result<u64> {
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
    let paid = serde_json::json!({
        "tenantId": tenant_id.to_string(),
        "invoiceId": invoice_id.to_string(),
        "paymentReference": payment_reference,
        "invoice": &invoice,
    });
    crate::webhooks::outbox::emit(tx, tenant_id, "invoice.paid", paid, now).await?;
    match invoice.kind {
        InvoiceKind::Credits => {
            credit_purchase(tx, &invoice, payment_reference, actor_user_id).await?;
        }
        InvoiceKind::Subscription => activate_plan(tx, &invoice, actor_user_id, now).await?,
        InvoiceKind::Manual => {}
    }
    Ok(Settlement::Applied)
}

pub(crate) async fn upsert_subscription(
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
pub(crate) enum PeriodEnd {
    Canceled,
    Invoiced,
    Nothing,
}

/// Moves `sub` to `status` if it is still as it was read; whether this transaction made the move.
pub(crate) async fn claim_subscription(
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

pub(crate) async fn set_cancel_at_period_end(
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

pub(crate) async fn load_subscription(tx: &mut Tx, tenant_id: Uuid) -> Result<Subscription> {
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

/// A paid credit invoice: its credits, and its bonus, land in the wallet.
async fn credit_purchase(
    tx: &mut Tx,
    invoice: &Invoice,
    payment_reference: &str,
    actor_user_id: Option<Uuid>,
) -> Result<()> {
    let tenant_id = invoice.tenant_id;
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
    Ok(())
}

/// A paid plan invoice: the subscription becomes active for the invoice's period (a month from
/// now when it names none) and the period's credits are granted.
async fn activate_plan(
    tx: &mut Tx,
    invoice: &Invoice,
    actor_user_id: Option<Uuid>,
    now: DateTime<Utc>,
) -> Result<()> {
    let (tenant_id, invoice_id) = (invoice.tenant_id, invoice.id);
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
    Ok(())
}
