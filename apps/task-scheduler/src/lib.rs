//! Task Scheduler: Schedule tasks
//!
//! A list of items per tenant. Adding one costs credits (the manifest says how many); reading is
//! free.

mod pages;
mod routes;
pub mod store;

use std::sync::Arc;

use lumiku_plugin::{Access, Dashboard, Features, Install, Manifest, Migration, Plugin, Role};
use utoipa_axum::router::OpenApiRouter;

/// The app's manifest: the only place its prices are written.
pub const MANIFEST: Manifest = Manifest {
    app_id: "task-scheduler",
    name: "Task Scheduler",
    description: "Schedule tasks",
    icon: "calendar",
    version: "0.1.0",
    route_prefix: "/api/apps/task-scheduler",
    credits: &[("createItem", 1)],
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
    dashboard: Dashboard {
        order: 4,
        color: "green",
        stats_endpoint: None,
    },
};

/// The app's schema changes, in order. An applied migration is never edited: add the next one.
const MIGRATIONS: &[Migration] = &[Migration {
    version: 1,
    name: "items",
    sqlite: include_str!("../migrations/sqlite/0001_items.sql"),
    postgres: include_str!("../migrations/postgres/0001_items.sql"),
}];

lumiku_plugin::actions! {
    /// Add an item.
    CreateItem = "createItem",
}

/// The app.
pub struct TaskScheduler;

impl Plugin for TaskScheduler {
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
    Arc::new(TaskScheduler)
}

#[cfg(test)]
mod tests {
    use super::*;
    use lumiku_plugin::context::Action;

    #[test]
    fn the_manifest_is_valid_and_prices_every_action() {
        let problems = MANIFEST.problems();
        assert!(problems.is_empty(), "{problems:?}");
        assert!(MANIFEST.cost(CreateItem::NAME).is_some());
    }
}
