//! A tenant's subscription: its tier, changing plan, cancelling at the period's end.

use chrono::{DateTime, Duration, Utc};
use lumiku_plugin::Tier;
use lumiku_store::{Tx, now, sql};
use serde_json::json;
use uuid::Uuid;

use crate::audit::{self, NewAuditEvent, action};
use crate::context::{Caller, ClientInfo, Permission, TenantAccess};
use crate::error::{Error, Result};
use crate::kernel::Kernel;

use super::model::*;
use super::store::*;

impl Kernel {
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
        let by = ChangedBy {
            tenant_id: access.tenant_id,
            user_id: caller.user_id,
            ip: client.ip.as_deref(),
            now,
        };
        let trial_used = current.as_ref().is_some_and(|s| s.trial_used);
        let change = if plan.price_idr == 0 {
            to_free_plan(&mut tx, &by, live).await?
        } else if let Some(sub) = live.filter(|s| s.plan_id == plan.id) {
            keep_plan(&mut tx, &by, sub).await?
        } else if plan.trial_days > 0
            && !trial_used
            && live.is_none()
            && claim_trial(&mut tx, &by).await?
        {
            start_trial(&mut tx, &by, &plan).await?
        } else {
            let due = now + Duration::days(self.settings.billing.grace_days);
            invoice_plan(&mut tx, &by, &plan, due).await?
        };
        tx.commit().await?;
        Ok(change)
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
}

/// Who changes a tenant's plan, and when: the audit entry's fields.
struct ChangedBy<'a> {
    tenant_id: Uuid,
    user_id: Uuid,
    ip: Option<&'a str>,
    now: DateTime<Utc>,
}

impl ChangedBy<'_> {
    fn event(&self, action: &'static str, details: serde_json::Value) -> NewAuditEvent<'_> {
        NewAuditEvent {
            tenant_id: Some(self.tenant_id),
            actor_user_id: Some(self.user_id),
            action,
            target_type: Some("subscription"),
            target_id: Some(self.tenant_id.to_string()),
            ip_address: self.ip,
            details,
        }
    }
}

/// Choosing the free plan: a paid subscription ends at its period's end.
async fn to_free_plan(
    tx: &mut Tx,
    by: &ChangedBy<'_>,
    live: Option<&SubscriptionRow>,
) -> Result<PlanChange> {
    if let Some(sub) = live.filter(|s| !s.cancel_at_period_end) {
        set_cancel_at_period_end(tx, by.tenant_id, true, by.now).await?;
        void_open_subscription_invoices(tx, by.tenant_id).await?;
        let details = json!({ "plan": sub.plan_id, "endsAt": sub.current_period_end });
        audit::record(tx, by.event(action::SUBSCRIPTION_CANCEL_REQUESTED, details)).await?;
    }
    Ok(PlanChange::Changed)
}

/// Choosing the plan the tenant is on: undoes a pending cancellation, or is refused.
async fn keep_plan(tx: &mut Tx, by: &ChangedBy<'_>, sub: &SubscriptionRow) -> Result<PlanChange> {
    if !sub.cancel_at_period_end {
        return Err(Error::Conflict {
            code: "already_subscribed",
            message: "The tenant is already on this plan; pay its open invoice if it is past due",
        });
    }
    set_cancel_at_period_end(tx, by.tenant_id, false, by.now).await?;
    let details = json!({ "plan": sub.plan_id });
    audit::record(tx, by.event(action::SUBSCRIPTION_RESUMED, details)).await?;
    Ok(PlanChange::Changed)
}

/// Takes the caller's one trial, if they have not had it in any tenant: a person gets one trial,
/// not one per team they create. Two tenants claiming at once: one gets it.
async fn claim_trial(tx: &mut Tx, by: &ChangedBy<'_>) -> Result<bool> {
    let claimed = sql::query(
        "insert into user_trials (user_id, started_at) values ($1, $2) on conflict (user_id) do nothing",
    )
    .bind(by.user_id)
    .bind(by.now)
    .execute(&mut *tx)
    .await?
    .rows_affected();
    Ok(claimed == 1)
}

/// A first trial of a paid plan starts at once.
async fn start_trial(tx: &mut Tx, by: &ChangedBy<'_>, plan: &Plan) -> Result<PlanChange> {
    let end = by.now + Duration::days(i64::from(plan.trial_days));
    let status = SubscriptionStatus::Trialing;
    upsert_subscription(
        tx,
        by.tenant_id,
        &plan.id,
        status,
        (by.now, end),
        true,
        by.now,
    )
    .await?;
    let details = json!({ "plan": plan.id, "trialEndsAt": end });
    audit::record(tx, by.event(action::SUBSCRIPTION_TRIAL_STARTED, details)).await?;
    Ok(PlanChange::Changed)
}

/// A paid change: a new invoice, due at `due`, supersedes any open one; the plan takes effect when
/// it is paid.
async fn invoice_plan(
    tx: &mut Tx,
    by: &ChangedBy<'_>,
    plan: &Plan,
    due: DateTime<Utc>,
) -> Result<PlanChange> {
    void_open_subscription_invoices(tx, by.tenant_id).await?;
    let item = InvoiceItem {
        description: format!(
            "{} plan: one month, {} credits",
            plan.name, plan.monthly_credits
        ),
        quantity: 1,
        unit_price_idr: plan.price_idr,
        amount_idr: plan.price_idr,
    };
    let new = NewInvoice {
        tenant_id: by.tenant_id,
        kind: InvoiceKind::Subscription,
        plan_id: Some(&plan.id),
        package_id: None,
        period: None,
        credits: 0,
        bonus_credits: 0,
        description: format!("{} plan, one month", plan.name),
        created_by: Some(by.user_id),
        items: vec![item],
        issue: true,
        due_at: Some(due),
    };
    let invoice = create_invoice(tx, new).await?;
    let details = json!({
        "invoiceId": invoice.id, "number": invoice.number, "plan": plan.id, "totalIdr": invoice.total_idr,
    });
    audit::record(tx, by.event(action::INVOICE_ISSUED, details)).await?;
    Ok(PlanChange::Invoiced(Box::new(invoice)))
}
