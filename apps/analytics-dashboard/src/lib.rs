//! Analytics Dashboard: the tenant's own view of how it uses the platform, read from the kernel's
//! usage and ledger through the SDK's read-only platform view (the manifest declares it): credits
//! spent over time by app, action and member, the top actions, the balance over time, active
//! members, and a forecast of when the credits run out. Charts are SVG drawn on the server, each
//! with its table and a CSV export; report definitions can be saved.
//!
//! Viewing is free; a CSV export and saving a report cost credits (the manifest holds the prices).

pub mod chart;
mod pages;
pub mod report;
pub mod routes;
pub mod store;

use std::sync::Arc;

use lumiku_plugin::{
    Access, Dashboard, Features, Install, Manifest, Migration, PlatformData, Plugin, Role,
};
use utoipa_axum::router::OpenApiRouter;

/// The app's manifest: the only place its prices are written.
pub const MANIFEST: Manifest = Manifest {
    app_id: "analytics-dashboard",
    name: "Analytics Dashboard",
    description: "See where your credits go: by app, action, member and day",
    icon: "chart-bar",
    version: "0.1.0",
    route_prefix: "/api/apps/analytics-dashboard",
    credits: &[("exportCsv", 2), ("createReport", 3), ("deleteReport", 0)],
    access: Access {
        requires_auth: true,
        requires_subscription: false,
        min_subscription_tier: None,
        allowed_roles: &Role::ALL,
    },
    features: Features {
        enabled: true,
        beta: false,
        coming_soon: false,
    },
    install: Install {
        default: true,
        cost: 0,
    },
    platform_data: &[PlatformData::Usage, PlatformData::Ledger],
    webhook_events: &[],
    dashboard: Dashboard {
        order: 8,
        color: "purple",
        stats_endpoint: Some("/api/apps/analytics-dashboard/stats"),
    },
};

/// The app's schema changes, in order. An applied migration is never edited: add the next one.
const MIGRATIONS: &[Migration] = &[Migration {
    version: 1,
    name: "saved reports and exports",
    sqlite: include_str!("../migrations/sqlite/0001_reports.sql"),
    postgres: include_str!("../migrations/postgres/0001_reports.sql"),
}];

lumiku_plugin::actions! {
    /// Export a chart's table as CSV.
    ExportCsv = "exportCsv",
    /// Save a report definition.
    CreateReport = "createReport",
    /// Delete a saved report.
    DeleteReport = "deleteReport",
}

/// The app.
pub struct AnalyticsDashboard;

impl Plugin for AnalyticsDashboard {
    fn manifest(&self) -> &'static Manifest {
        &MANIFEST
    }

    fn routes(&self) -> OpenApiRouter {
        routes::router()
    }

    fn migrations(&self) -> &'static [Migration] {
        MIGRATIONS
    }

    fn pages(&self) -> Option<axum::Router> {
        Some(pages::router())
    }
}

/// The app, ready to hand to the server.
pub fn app() -> Arc<dyn Plugin> {
    Arc::new(AnalyticsDashboard)
}

#[cfg(test)]
mod tests {
    use super::*;
    use lumiku_plugin::context::Action;

    #[test]
    fn the_manifest_is_valid_and_prices_every_action() {
        let problems = MANIFEST.problems();
        assert!(problems.is_empty(), "{problems:?}");
        assert_eq!(MANIFEST.cost(ExportCsv::NAME), Some(2));
        assert_eq!(MANIFEST.cost(CreateReport::NAME), Some(3));
        assert_eq!(MANIFEST.cost(DeleteReport::NAME), Some(0));
    }
}
