//! The app's page in the dashboard: projects with their tasks, and forms for every change, each
//! button showing what it costs. Changes go through the app's metered API from the browser.

use askama::Template;
use axum::Router;
use axum::response::Html;
use axum::routing::get;
use lumiku_plugin::context::Action;
use lumiku_plugin::extract::Query;
use lumiku_plugin::{ApiError, PageContext, Permission};

use crate::routes::ProjectQuery;
use crate::store::{self, Stats};
use crate::{AddTask, CreateProject, DeleteProject, DeleteTask, UpdateProject, UpdateTask};

/// The page routes, relative to `/apps/project-manager`.
pub fn router() -> Router {
    Router::new().route("/", get(projects_page))
}

struct Costs {
    create_project: i64,
    update_project: i64,
    delete_project: i64,
    add_task: i64,
    update_task: i64,
    delete_task: i64,
}

struct TaskView {
    id: uuid::Uuid,
    title: String,
    priority: String,
    completed: bool,
}

struct ProjectView {
    id: uuid::Uuid,
    name: String,
    description: Option<String>,
    status: String,
    status_options: Vec<(&'static str, bool)>,
    due: Option<String>,
    due_input: Option<String>,
    tasks: Vec<TaskView>,
}

#[derive(Template)]
#[template(path = "projects.html")]
struct ProjectsPage {
    api: &'static str,
    can_write: bool,
    costs: Costs,
    stats: Stats,
    projects: Vec<ProjectView>,
    /// This is a later page: link back to the newest.
    paged: bool,
    /// The link to the next, older page, if any.
    older: Option<String>,
    icon_trash: String,
}

async fn projects_page(
    page: PageContext,
    Query(query): Query<ProjectQuery>,
) -> Result<Html<String>, ApiError> {
    let mut tx = page.read().await?;
    let tenant = page.tenant_id();
    let limit = query.limit.unwrap_or(store::PAGE_DEFAULT);
    let list = store::list_projects(&mut tx, tenant, query.before, limit).await?;
    let older = list.next_cursor.map(|id| match query.limit {
        Some(limit) => format!("?before={id}&limit={limit}"),
        None => format!("?before={id}"),
    });
    let stats = store::stats(&mut tx, tenant).await?;
    tx.commit().await.map_err(ApiError::internal)?;
    let body = ProjectsPage {
        api: crate::MANIFEST.route_prefix,
        can_write: page.can(Permission::Write),
        costs: Costs {
            create_project: page.cost(CreateProject::NAME),
            update_project: page.cost(UpdateProject::NAME),
            delete_project: page.cost(DeleteProject::NAME),
            add_task: page.cost(AddTask::NAME),
            update_task: page.cost(UpdateTask::NAME),
            delete_task: page.cost(DeleteTask::NAME),
        },
        stats,
        paged: query.before.is_some(),
        older,
        projects: list
            .projects
            .into_iter()
            .map(|p| ProjectView {
                id: p.id,
                status_options: ["active", "completed", "archived"]
                    .into_iter()
                    .map(|s| (s, s == p.status))
                    .collect(),
                name: p.name,
                description: p.description,
                status: p.status,
                due: p.due_date.map(|d| d.format("%d %b %Y").to_string()),
                due_input: p.due_date.map(|d| d.format("%Y-%m-%d").to_string()),
                tasks: p
                    .tasks
                    .into_iter()
                    .map(|t| TaskView {
                        id: t.id,
                        title: t.title,
                        priority: t.priority,
                        completed: t.completed,
                    })
                    .collect(),
            })
            .collect(),
        icon_trash: page.icon("trash"),
    }
    .render()
    .map_err(ApiError::internal)?;
    Ok(page.render("Project Manager", &body))
}
