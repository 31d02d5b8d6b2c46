//! The credits page (balance, packages, plan, usage, ledger, invoices) and invoices in the browser.

use askama::Template;
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Response};
use chrono::{Duration, Utc};
use lumiku_kernel::tenants::Permission;
use lumiku_plugin::extract::Path;
use serde::Deserialize;
use uuid::Uuid;

use super::home::when;
use super::{Chrome, PageError, WebSession, framed, group_digits};
use crate::AppState;
use crate::pages::format_idr;

struct PackageView {
    id: String,
    name: String,
    credits: i64,
    bonus_credits: i64,
    price: String,
}

struct PlanView {
    id: String,
    name: String,
    price: String,
    features: Vec<String>,
    trial_days: i32,
    free: bool,
    current: bool,
}

struct OpenInvoice {
    id: Uuid,
    number: String,
    total: String,
}

struct SubscriptionView {
    plan_name: String,
    status: String,
    period_end: Option<String>,
    cancel_at_period_end: bool,
    paid: bool,
    open_invoice: Option<OpenInvoice>,
}

struct LedgerRow {
    when: String,
    description: String,
    kind: String,
    amount: i64,
    amount_text: String,
    balance_after: String,
}

struct InvoiceRow {
    id: Uuid,
    number: String,
    description: String,
    issued: String,
    status: String,
    total: String,
}

#[derive(Template)]
#[template(path = "web/credits.html")]
struct CreditsPage {
    tenant_name: String,
    balance_text: String,
    notice: Option<String>,
    can_bill: bool,
    packages: Vec<PackageView>,
    plans: Vec<PlanView>,
    subscription: SubscriptionView,
    usage: Vec<lumiku_kernel::credits::UsageTotal>,
    history: Vec<LedgerRow>,
    history_next: Option<Uuid>,
    invoices: Vec<InvoiceRow>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct CreditsQuery {
    before: Option<Uuid>,
    payment: Option<String>,
}

impl From<lumiku_kernel::billing::CreditPackage> for PackageView {
    fn from(p: lumiku_kernel::billing::CreditPackage) -> Self {
        Self {
            price: format_idr(p.price_idr),
            id: p.id,
            name: p.name,
            credits: p.credits,
            bonus_credits: p.bonus_credits,
        }
    }
}

impl PlanView {
    /// `plan` as offered to a tenant on `current` (a lapsed subscription is on the free plan).
    fn new(p: lumiku_kernel::billing::Plan, live: bool, current: &str) -> Self {
        Self {
            current: if live {
                p.id == current
            } else {
                p.price_idr == 0
            },
            free: p.price_idr == 0,
            price: format_idr(p.price_idr),
            id: p.id,
            name: p.name,
            features: p.features,
            trial_days: p.trial_days,
        }
    }
}

impl From<lumiku_kernel::billing::Subscription> for SubscriptionView {
    fn from(subscription: lumiku_kernel::billing::Subscription) -> Self {
        let live = subscription.status.is_live();
        Self {
            plan_name: if live {
                subscription.plan.name.clone()
            } else {
                "Free".into()
            },
            status: subscription.status.as_str().to_owned(),
            period_end: subscription.current_period_end.map(when),
            cancel_at_period_end: subscription.cancel_at_period_end,
            paid: live && subscription.plan.price_idr > 0,
            open_invoice: subscription.open_invoice.map(|i| OpenInvoice {
                id: i.id,
                number: i.display_number.unwrap_or_default(),
                total: format_idr(i.total_idr),
            }),
        }
    }
}

impl From<lumiku_kernel::credits::LedgerEntry> for LedgerRow {
    fn from(e: lumiku_kernel::credits::LedgerEntry) -> Self {
        Self {
            when: when(e.created_at),
            description: e.description,
            kind: e.kind,
            amount: e.amount_credits,
            amount_text: if e.amount_credits > 0 {
                format!("+{}", group_digits(e.amount_credits))
            } else {
                group_digits(e.amount_credits)
            },
            balance_after: group_digits(e.balance_after_credits),
        }
    }
}

impl From<lumiku_kernel::billing::Invoice> for InvoiceRow {
    fn from(i: lumiku_kernel::billing::Invoice) -> Self {
        Self {
            id: i.id,
            number: i.display_number.clone().unwrap_or_default(),
            description: i.description.clone(),
            issued: i.issued_at.map(when).unwrap_or_default(),
            status: i.status.as_str().to_owned(),
            total: format_idr(i.total_idr),
        }
    }
}

/// Balance, buying credits, the plan, usage, the ledger and invoices of the current tenant.
pub async fn credits(
    State(state): State<AppState>,
    session: WebSession,
    Query(query): Query<CreditsQuery>,
) -> Result<Response, PageError> {
    let chrome = Chrome::load(&state, &session, "credits").await?;
    let kernel = &state.kernel;
    let access = &session.access;
    let subscription = kernel.subscription(access).await?;
    let history = kernel.history(access, query.before, 20).await?;
    let now = Utc::now();
    let usage = kernel.usage(access, now - Duration::days(30), now).await?;
    let invoices = kernel.invoices(access, None, 20).await?;
    let notice = match query.payment.as_deref() {
        Some(reference) => kernel
            .payment(access, reference)
            .await
            .ok()
            .map(|p| format!("Payment {} is {}.", p.reference, p.status.as_str())),
        None => None,
    };
    let live = subscription.status.is_live();
    let current_plan = subscription.plan.id.clone();
    let packages = kernel.credit_packages(false).await?;
    let plans = kernel.plans(false).await?;
    let page = CreditsPage {
        tenant_name: chrome.tenant_name.clone(),
        balance_text: group_digits(chrome.balance),
        notice,
        can_bill: access.role.can(Permission::ManageBilling),
        packages: packages.into_iter().map(PackageView::from).collect(),
        plans: plans
            .into_iter()
            .map(|p| PlanView::new(p, live, &current_plan))
            .collect(),
        subscription: SubscriptionView::from(subscription),
        usage: usage.totals,
        history: history.items.into_iter().map(LedgerRow::from).collect(),
        history_next: history.next_cursor,
        invoices: invoices.items.into_iter().map(InvoiceRow::from).collect(),
    };
    framed(&chrome, "Credits", &page)
}

/// An invoice of the current tenant, printable.
pub async fn invoice(
    State(state): State<AppState>,
    session: WebSession,
    Path(id): Path<Uuid>,
) -> Result<Response, PageError> {
    let invoice = state.kernel.invoice(&session.access, id).await?;
    let tenant = state
        .kernel
        .get_tenant(&session.caller, session.access.tenant_id)
        .await?;
    Ok(crate::pages::invoice_page(&invoice, &tenant.name)?.into_response())
}
