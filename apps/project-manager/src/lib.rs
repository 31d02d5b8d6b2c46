//! Project Manager: projects and their tasks, per tenant. Creating, changing and deleting cost
//! credits (the manifest says how many); reading is free.

mod pages;
mod routes;
pub mod store;

use std::sync::Arc;

use lumiku_plugin::{Access, Dashboard, Features, Install, Manifest, Migration, Plugin, Role};
use utoipa_axum::router::OpenApiRouter;

/// The app's manifest: the only place its costs are written.
pub const MANIFEST: Manifest = Manifest {
    app_id: "project-manager",
    name: "Project Manager",
    description: "Plan projects and track their tasks with your team",
    icon: "target",
    version: "1.0.0",
    route_prefix: "/api/apps/project-manager",
    credits: &[
        ("createProject", 5),
        ("updateProject", 2),
        ("deleteProject", 1),
        ("addTask", 1),
        ("updateTask", 1),
        ("deleteTask", 1),
    ],
    access: Access {
        requires_auth: true,
        requires_subscription: false,
        min_subscription_tier: None,
        allowed_roles: &[Role::Owner, Role::Admin, Role::Member, Role::Viewer],
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
    platform_data: &[],
    webhook_events: &[],
    dashboard: Dashboard {
        order: 1,
        color: "blue",
        stats_endpoint: Some("/api/apps/project-manager/stats"),
    },
};

const MIGRATIONS: &[Migration] = &[
    Migration {
        version: 1,
        name: "projects and tasks",
        sqlite: include_str!("../migrations/sqlite/0001_projects.sql"),
        postgres: include_str!("../migrations/postgres/0001_projects.sql"),
    },
    Migration {
        version: 2,
        name: "checks without IN lists",
        sqlite: include_str!("../migrations/sqlite/0002_checks_without_in_lists.sql"),
        postgres: include_str!("../migrations/postgres/0002_checks_without_in_lists.sql"),
    },
    Migration {
        version: 3,
        name: "pages by id",
        sqlite: include_str!("../migrations/sqlite/0003_pages_by_id.sql"),
        postgres: include_str!("../migrations/postgres/0003_pages_by_id.sql"),
    },
];

lumiku_plugin::actions! {
    /// Create a project.
    CreateProject = "createProject",
    /// Change a project.
    UpdateProject = "updateProject",
    /// Delete a project and its tasks.
    DeleteProject = "deleteProject",
    /// Add a task to a project.
    AddTask = "addTask",
    /// Change a task.
    UpdateTask = "updateTask",
    /// Delete a task.
    DeleteTask = "deleteTask",
}

/// The app.
pub struct ProjectManager;

impl Plugin for ProjectManager {
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
    Arc::new(ProjectManager)
}

#[cfg(test)]
mod tests {
    use super::*;
    use lumiku_plugin::context::Action;

    #[test]
    fn the_manifest_is_valid_and_prices_every_action() {
        MANIFEST.validate().unwrap();
        for action in [
            CreateProject::NAME,
            UpdateProject::NAME,
            DeleteProject::NAME,
            AddTask::NAME,
            UpdateTask::NAME,
            DeleteTask::NAME,
        ] {
            assert!(MANIFEST.cost(action).is_some(), "{action} has no price");
        }
    }
}
