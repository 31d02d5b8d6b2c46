//! The app's page in the dashboard: the tenant's tasks with their next run and last outcome, a
//! form to create one (its schedule checked live against the preview endpoint, and again by the
//! server on submit), each task's run history, and the caller's reminders behind a bell with the
//! unread count. Changes go through the app's metered API from the browser.

use askama::Template;
use axum::Router;
use axum::response::Html;
use axum::routing::get;
use chrono::{DateTime, Utc};
use lumiku_plugin::context::Action;
use lumiku_plugin::extract::Query;
use lumiku_plugin::{ApiError, PageContext, Permission};
use serde::Deserialize;
use uuid::Uuid;

use crate::model::{TaskAction, TaskSchedule};
use crate::store::{self, Task};
use crate::{
    CreateTask, DeleteTask, MANIFEST, PauseTask, ReadNotifications, ResumeTask, RunTask, UpdateTask,
};

/// The page routes, relative to `/apps/task-scheduler`.
pub fn router() -> Router {
    Router::new().route("/", get(tasks_page))
}

/// Which page: `?task=` opens a task's run history; `before` pages the task list.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct PageQuery {
    before: Option<Uuid>,
    task: Option<Uuid>,
}

struct Costs {
    create: i64,
    update: i64,
    delete: i64,
    pause: i64,
    resume: i64,
    run: i64,
    read: i64,
}

struct TaskView {
    id: Uuid,
    name: String,
    schedule: String,
    cron: Option<(String, String)>,
    action: String,
    enabled: bool,
    next_run: String,
    last_run: String,
    last_outcome: String,
}

struct RunView {
    started: String,
    outcome: String,
    attempt: i64,
    duration: String,
    status: String,
    detail: String,
    credits: i64,
}

struct NotificationView {
    message: String,
    at: String,
    unread: bool,
}

#[derive(Template)]
#[template(path = "tasks.html")]
struct TasksPage {
    api: &'static str,
    can_write: bool,
    costs: Costs,
    tasks: Vec<TaskView>,
    older: Option<String>,
    paged: bool,
    members: Vec<(Uuid, String)>,
    me: Uuid,
    history: Option<(TaskView, Vec<RunView>)>,
    notifications: Vec<NotificationView>,
    unread: i64,
}

fn when(at: Option<DateTime<Utc>>) -> String {
    at.map_or_else(
        || "—".into(),
        |t| t.format("%d %b %Y %H:%M:%S UTC").to_string(),
    )
}

fn view(task: Task) -> TaskView {
    let (schedule, cron) = match &task.schedule {
        TaskSchedule::Once { at } => (format!("once at {}", when(Some(*at))), None),
        TaskSchedule::Cron {
            expression,
            time_zone,
        } => (
            format!("{expression} ({time_zone})"),
            Some((expression.clone(), time_zone.clone())),
        ),
    };
    let action = match &task.action {
        TaskAction::Http { method, url, .. } => format!("{method} {url}"),
        TaskAction::Reminder {
            message,
            recipients,
        } => format!(
            "remind {} member{}: {message}",
            recipients.len(),
            if recipients.len() == 1 { "" } else { "s" }
        ),
    };
    TaskView {
        id: task.id,
        name: task.name,
        schedule,
        cron,
        action,
        enabled: task.enabled,
        next_run: when(task.next_run_at),
        last_run: when(task.last_run_at),
        last_outcome: task.last_outcome.unwrap_or_else(|| "never run".into()),
    }
}

async fn tasks_page(
    page: PageContext,
    Query(query): Query<PageQuery>,
) -> Result<Html<String>, ApiError> {
    let tenant = page.tenant_id();
    let members = page.members().await?;
    let mut tx = page.read().await?;
    let (tasks, next) =
        store::list_tasks(&mut tx, tenant, query.before, store::PAGE_DEFAULT).await?;
    let history = match query.task {
        Some(id) => {
            let task = store::get_task(&mut tx, tenant, id).await?;
            let (runs, _) = store::list_runs(&mut tx, tenant, id, None, 50).await?;
            Some((
                view(task),
                runs.into_iter()
                    .map(|r| RunView {
                        started: when(Some(r.started_at)),
                        outcome: r.outcome,
                        attempt: r.attempt,
                        duration: r
                            .duration_ms
                            .map_or_else(|| "—".into(), |d| format!("{d} ms")),
                        status: r.status_code.map_or_else(|| "—".into(), |s| s.to_string()),
                        detail: r.error.or(r.response).unwrap_or_default(),
                        credits: r.credits,
                    })
                    .collect(),
            ))
        }
        None => None,
    };
    let (notes, unread) = store::notifications(&mut tx, tenant, page.user_id(), 20).await?;
    tx.commit().await.map_err(ApiError::internal)?;
    let body = TasksPage {
        api: MANIFEST.route_prefix,
        can_write: page.can(Permission::Write),
        costs: Costs {
            create: page.cost(CreateTask::NAME),
            update: page.cost(UpdateTask::NAME),
            delete: page.cost(DeleteTask::NAME),
            pause: page.cost(PauseTask::NAME),
            resume: page.cost(ResumeTask::NAME),
            run: page.cost(RunTask::NAME),
            read: page.cost(ReadNotifications::NAME),
        },
        tasks: tasks.into_iter().map(view).collect(),
        older: next.map(|id| format!("?before={id}")),
        paged: query.before.is_some(),
        members: members.into_iter().map(|m| (m.user_id, m.name)).collect(),
        me: page.user_id(),
        history,
        notifications: notes
            .into_iter()
            .map(|n| NotificationView {
                message: n.message,
                at: when(Some(n.created_at)),
                unread: n.read_at.is_none(),
            })
            .collect(),
        unread,
    }
    .render()
    .map_err(ApiError::internal)?;
    Ok(page.render("Task Scheduler", &body))
}
