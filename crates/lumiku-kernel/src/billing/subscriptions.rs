//! A tenant's subscription: its tier, changing plan, cancelling at the period's end.

use chrono::Duration;
use lumiku_store::sql::{self};
use serde_json::json;
use uuid::Uuid;

use lumiku_plugin::Tier;

use crate::audit::{self, NewAuditEvent, action};
use crate::context::Caller;
use crate::context::ClientInfo;
use crate::context::{Permission, TenantAccess};
use crate::error::{Error, Result};
use crate::kernel::Kernel;
use lumiku_store::now;

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
}
