//! The billing cycle: renewals, grace and lapse, cancellations and monthly credit grants, each
//! claimed once in SQL so that several nodes may run it together.

use chrono::{DateTime, Duration, Utc};
use lumiku_store::{Tx, sql};
use serde_json::json;
use uuid::Uuid;

use crate::audit::{self, NewAuditEvent, action};
use crate::error::{Error, Result};
use crate::kernel::Kernel;

use super::model::*;
use super::store::*;

impl Kernel {
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
        report.apps_purged = self.purge_uninstalled_apps(now).await?;
        Ok(report)
    }

    async fn close_period(&self, sub: &SubscriptionRow, now: DateTime<Utc>) -> Result<PeriodEnd> {
        let status = SubscriptionStatus::parse(&sub.status)?;
        let mut tx = self.db.begin().await?;
        let grace = Duration::days(self.settings.billing.grace_days);
        let lapsed = status == SubscriptionStatus::PastDue && sub.current_period_end + grace <= now;
        let renews = matches!(
            status,
            SubscriptionStatus::Active | SubscriptionStatus::Trialing
        );
        let outcome = if sub.cancel_at_period_end || lapsed {
            cancel_at_period_end(&mut tx, sub, now).await?
        } else if renews {
            invoice_next_period(&mut tx, sub, grace, now).await?
        } else {
            PeriodEnd::Nothing
        };
        tx.commit().await?;
        Ok(outcome)
    }
}

/// The audit entry of a change the cycle made to `sub`.
fn cycle_event(
    sub: &SubscriptionRow,
    action: &'static str,
    details: serde_json::Value,
) -> NewAuditEvent<'static> {
    NewAuditEvent {
        tenant_id: Some(sub.tenant_id),
        actor_user_id: None,
        action,
        target_type: Some("subscription"),
        target_id: Some(sub.tenant_id.to_string()),
        ip_address: None,
        details,
    }
}

/// Ends a subscription asked to end at its period's end, or unpaid past its grace. Claimed by a
/// conditional update: a concurrent run finds the row changed and does nothing.
async fn cancel_at_period_end(
    tx: &mut Tx,
    sub: &SubscriptionRow,
    now: DateTime<Utc>,
) -> Result<PeriodEnd> {
    if !claim_subscription(tx, sub, SubscriptionStatus::Canceled, now).await? {
        return Ok(PeriodEnd::Nothing);
    }
    void_open_subscription_invoices(tx, sub.tenant_id).await?;
    let reason = if sub.cancel_at_period_end {
        "canceled_at_period_end"
    } else {
        "unpaid"
    };
    let details = json!({ "plan": sub.plan_id, "reason": reason });
    audit::record(tx, cycle_event(sub, action::SUBSCRIPTION_CANCELED, details)).await?;
    Ok(PeriodEnd::Canceled)
}

/// A live subscription at its period's end becomes past due, with the next period's invoice due
/// after the grace; the period's credits come when it is paid. Claimed like a cancellation.
async fn invoice_next_period(
    tx: &mut Tx,
    sub: &SubscriptionRow,
    grace: Duration,
    now: DateTime<Utc>,
) -> Result<PeriodEnd> {
    let plan = fetch_plan(tx, &sub.plan_id)
        .await?
        .ok_or(Error::NotFound("plan"))?;
    if !claim_subscription(tx, sub, SubscriptionStatus::PastDue, now).await? {
        return Ok(PeriodEnd::Nothing);
    }
    let start = sub.current_period_end;
    let end = add_month(start);
    let (from, to) = (start.format("%Y-%m-%d"), end.format("%Y-%m-%d"));
    let item = InvoiceItem {
        description: format!(
            "{} plan: {from} to {to}, {} credits",
            plan.name, plan.monthly_credits
        ),
        quantity: 1,
        unit_price_idr: plan.price_idr,
        amount_idr: plan.price_idr,
    };
    let new = NewInvoice {
        tenant_id: sub.tenant_id,
        kind: InvoiceKind::Subscription,
        plan_id: Some(&plan.id),
        package_id: None,
        period: Some((start, end)),
        credits: 0,
        bonus_credits: 0,
        description: format!("{} plan, {from} to {to}", plan.name),
        created_by: None,
        items: vec![item],
        issue: true,
        due_at: Some(start + grace),
    };
    let invoice = create_invoice(tx, new).await?;
    let details = json!({ "plan": plan.id, "invoiceId": invoice.id, "number": invoice.number });
    audit::record(tx, cycle_event(sub, action::SUBSCRIPTION_PAST_DUE, details)).await?;
    Ok(PeriodEnd::Invoiced)
}
