//! Task Scheduler: tasks that run on a schedule (once, or on a cron expression in a time zone)
//! and either call an HTTP endpoint or remind chosen members of the tenant.
//!
//! Each task is one background job of the platform (see `lumiku_plugin::jobs`): the job runs
//! once per due time however many nodes run workers, and each run is charged (`runTask`). Reading
//! is free; the manifest holds every price.

mod http;
pub mod model;
mod pages;
mod routes;
mod runner;
pub mod store;

use std::sync::Arc;

use lumiku_plugin::{
    Access, ApiError, Dashboard, Features, Install, Manifest, Migration, Plugin, Role,
};
use utoipa_axum::router::OpenApiRouter;

/// The app's manifest: the only place its prices are written.
pub const MANIFEST: Manifest = Manifest {
    app_id: "task-scheduler",
    name: "Task Scheduler",
    description: "Schedule tasks",
    icon: "calendar",
    version: "0.1.0",
    route_prefix: "/api/apps/task-scheduler",
    credits: &[
        ("createTask", 2),
        ("updateTask", 1),
        ("deleteTask", 0),
        ("pauseTask", 0),
        ("resumeTask", 0),
        ("runTask", 1),
        ("readNotifications", 0),
    ],
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
    platform_data: &[],
    webhook_events: &[
        (
            "run.failed",
            "A task's HTTP request failed (its answer, or why there was none)",
        ),
        (
            "run.skipped",
            "A scheduled run was skipped: the tenant had too few credits",
        ),
    ],
    dashboard: Dashboard {
        order: 4,
        color: "green",
        stats_endpoint: Some("/api/apps/task-scheduler/stats"),
    },
};

/// The app's schema changes, in order. An applied migration is never edited: add the next one.
const MIGRATIONS: &[Migration] = &[
    Migration {
        version: 1,
        name: "tasks, runs and notifications",
        sqlite: include_str!("../migrations/sqlite/0001_tasks.sql"),
        postgres: include_str!("../migrations/postgres/0001_tasks.sql"),
    },
    Migration {
        version: 2,
        name: "enabled as a boolean",
        sqlite: include_str!("../migrations/sqlite/0002_enabled_boolean.sql"),
        postgres: include_str!("../migrations/postgres/0002_enabled_boolean.sql"),
    },
];

lumiku_plugin::actions! {
    /// Create a task.
    CreateTask = "createTask",
    /// Change a task.
    UpdateTask = "updateTask",
    /// Delete a task and its history.
    DeleteTask = "deleteTask",
    /// Pause a task.
    PauseTask = "pauseTask",
    /// Resume a paused task.
    ResumeTask = "resumeTask",
    /// One run of a task, scheduled or "run now".
    RunTask = "runTask",
    /// Mark reminders read.
    ReadNotifications = "readNotifications",
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

    fn run_job(
        &self,
        run: lumiku_plugin::JobRun,
    ) -> lumiku_plugin::context::BoxFuture<'static, Result<lumiku_plugin::Outcome, ApiError>> {
        Box::pin(runner::run(run))
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
        for action in [
            CreateTask::NAME,
            UpdateTask::NAME,
            DeleteTask::NAME,
            PauseTask::NAME,
            ResumeTask::NAME,
            RunTask::NAME,
            ReadNotifications::NAME,
        ] {
            assert!(MANIFEST.cost(action).is_some(), "{action}");
        }
        assert_eq!(MANIFEST.cost(CreateTask::NAME), Some(2));
        assert_eq!(MANIFEST.cost(RunTask::NAME), Some(1));
    }
}
