//! The dashboard: the caller's apps as cards.

use askama::Template;
use axum::extract::State;
use axum::response::Response;
use chrono::{DateTime, Utc};
use lumiku_plugin::Tier;

use super::{Chrome, PageError, WebSession, framed, group_digits, icon};
use crate::AppState;

/// A time as the dashboard shows it.
pub fn when(time: DateTime<Utc>) -> String {
    time.format("%d %b %Y, %H:%M").to_string()
}

pub(super) struct Card {
    app_id: &'static str,
    name: &'static str,
    description: &'static str,
    icon_svg: String,
    color: &'static str,
    beta: bool,
    coming_soon: bool,
    /// Where the card leads; none for an app that cannot be opened (coming soon, no page, locked).
    href: Option<String>,
    /// Why it is locked (a plan too low), if it is.
    locked: Option<String>,
    costs: Vec<(&'static str, i64)>,
    actions: i64,
    credits_spent: i64,
}

#[derive(Template)]
#[template(path = "web/dashboard.html")]
struct DashboardPage {
    tenant_name: String,
    plan_name: String,
    balance_text: String,
    icon_coins: String,
    cards: Vec<Card>,
    /// What following a verification link did, when the dashboard was reached through one.
    notice: Option<&'static str>,
    /// The address still waits to be proved (verification is on): offer to mail the link again.
    unverified: bool,
}

/// The caller's apps in the current tenant: the installed ones in dashboard order, coming-soon ones
/// shown as such, each with its action costs and the tenant's use of it.
pub async fn dashboard(
    State(state): State<AppState>,
    session: WebSession,
    axum::extract::Query(query): axum::extract::Query<std::collections::HashMap<String, String>>,
) -> Result<Response, PageError> {
    let chrome = Chrome::load(&state, &session, "dashboard").await?;
    let kernel = &state.kernel;
    let records = kernel.list_app_flags().await?;
    let installed: Vec<String> = kernel
        .catalogue(&session.caller, &session.access)
        .await?
        .into_iter()
        .filter(|a| a.installed)
        .map(|a| a.app_id)
        .collect();
    let usage = kernel.tenant_app_usage(session.access.tenant_id).await?;
    let subscription = kernel.subscription(&session.access).await?;
    let tier = subscription.tier;
    let cards = records
        .into_iter()
        .filter(|r| r.enabled && installed.contains(&r.app_id))
        .filter_map(|record| {
            let manifest = state.manifests.iter().find(|m| m.app_id == record.app_id)?;
            if !manifest.access.allowed_roles.contains(&session.access.role) {
                return None;
            }
            let (actions, credits_spent) = usage
                .iter()
                .find(|(id, _, _)| *id == record.app_id)
                .map(|(_, count, credits)| (*count, *credits))
                .unwrap_or_default();
            let needed = manifest.access.min_subscription_tier.unwrap_or(Tier::Free);
            let locked = (tier < needed
                || (manifest.access.requires_subscription && tier == Tier::Free))
                .then(|| format!("Needs the {} plan", needed.as_str()));
            let has_page = state.app_pages.contains(&manifest.app_id);
            Some(Card {
                app_id: manifest.app_id,
                name: manifest.name,
                description: manifest.description,
                icon_svg: icon(manifest.icon),
                color: manifest.dashboard.color,
                beta: record.beta,
                coming_soon: record.coming_soon,
                href: (has_page && !record.coming_soon && locked.is_none())
                    .then(|| format!("/apps/{}", manifest.app_id)),
                locked,
                costs: manifest.credits.to_vec(),
                actions,
                credits_spent,
            })
        })
        .collect();
    let page = DashboardPage {
        tenant_name: chrome.tenant_name.clone(),
        plan_name: subscription.plan.name,
        balance_text: group_digits(chrome.balance),
        icon_coins: icon("coins"),
        cards,
        notice: match query.get("email").map(String::as_str) {
            Some("verified") => Some("Your address is confirmed. Welcome!"),
            Some("invalid") => {
                Some("That confirmation link is invalid or has expired; ask for a new one below.")
            }
            _ => None,
        },
        unverified: state.kernel.settings().mail.is_some()
            && kernel
                .me(&session.caller)
                .await?
                .email_verified_at
                .is_none(),
    };
    framed(&chrome, "Dashboard", &page)
}
