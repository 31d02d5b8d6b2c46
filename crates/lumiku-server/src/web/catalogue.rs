//! The app catalogue: every app offered to the tenant, installed or not, with what each action and
//! the install cost; owners and admins install and uninstall from here.

use askama::Template;
use axum::extract::State;
use axum::response::Response;
use lumiku_kernel::installs::Visibility;
use lumiku_plugin::Permission;
use uuid::Uuid;

use super::home::when;
use super::{Chrome, PageError, WebSession, framed, group_digits, icon};
use crate::AppState;

pub(super) struct Entry {
    app_id: &'static str,
    name: &'static str,
    description: &'static str,
    icon_svg: String,
    color: &'static str,
    version: String,
    installed: bool,
    coming_soon: bool,
    beta: bool,
    private: bool,
    /// The app's page, when it has one and is installed.
    href: Option<String>,
    install_cost: i64,
    costs: Vec<(&'static str, i64)>,
    /// Until when an uninstalled app's data is kept.
    kept_until: Option<String>,
}

#[derive(Template)]
#[template(path = "web/catalogue.html")]
struct CataloguePage {
    tenant_id: Uuid,
    tenant_name: String,
    balance_text: String,
    can_manage: bool,
    entries: Vec<Entry>,
}

/// The catalogue of the current tenant.
pub async fn catalogue(
    State(state): State<AppState>,
    session: WebSession,
) -> Result<Response, PageError> {
    let chrome = Chrome::load(&state, &session, "catalogue").await?;
    let apps = state
        .kernel
        .catalogue(&session.caller, &session.access)
        .await?;
    let entries = apps
        .into_iter()
        .filter_map(|app| {
            let manifest = state.manifests.iter().find(|m| m.app_id == app.app_id)?;
            let has_page = state.app_pages.contains(&manifest.app_id);
            Some(Entry {
                app_id: manifest.app_id,
                name: manifest.name,
                description: manifest.description,
                icon_svg: icon(manifest.icon),
                color: manifest.dashboard.color,
                version: app.version,
                installed: app.installed,
                coming_soon: app.coming_soon,
                beta: app.visibility == Visibility::Beta,
                private: app.visibility == Visibility::Private,
                href: (has_page && app.installed && !app.coming_soon)
                    .then(|| format!("/apps/{}", manifest.app_id)),
                install_cost: app.install_cost,
                costs: manifest.credits.to_vec(),
                kept_until: app.purge_after.map(when),
            })
        })
        .collect();
    let page = CataloguePage {
        tenant_id: session.access.tenant_id,
        tenant_name: chrome.tenant_name.clone(),
        balance_text: group_digits(chrome.balance),
        can_manage: session.access.role.can(Permission::ManageApps),
        entries,
    };
    framed(&chrome, "Apps", &page)
}
