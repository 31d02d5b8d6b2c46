//! The app's routes, relative to `/api/apps/project-manager`.

use axum::http::StatusCode;
use axum::response::Response;
use lumiku_plugin::extract::{Json, Path, Query};
use lumiku_plugin::{ApiError, AppContext, ErrorBody, Metered};
use serde::{Deserialize, Serialize};
use serde_json::json;
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

use crate::store::{self, NewProject, NewTask, Project, ProjectPatch, Stats, Task, TaskPatch};
use crate::{AddTask, CreateProject, DeleteProject, DeleteTask, UpdateProject, UpdateTask};

pub fn router() -> OpenApiRouter {
    OpenApiRouter::new()
        .routes(routes!(list_projects, create_project))
        .routes(routes!(get_project, update_project, delete_project))
        .routes(routes!(add_task))
        .routes(routes!(update_task, delete_task))
        .routes(routes!(project_stats))
}

/// A page of the tenant's projects.
#[derive(Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ProjectList {
    /// Newest first, each with its tasks.
    projects: Vec<Project>,
    /// Pass as `before` for the next page; null on the last.
    next_cursor: Option<Uuid>,
}

/// Which page of projects.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[serde(default)]
#[into_params(parameter_in = Query)]
pub struct ProjectQuery {
    /// The `nextCursor` of the previous page.
    pub(crate) before: Option<Uuid>,
    /// Page size, 1 to 200 (default 50).
    pub(crate) limit: Option<u32>,
}

/// One project.
#[derive(Serialize, ToSchema)]
pub struct ProjectBody {
    project: Project,
}

/// A metered answer carrying a project.
#[derive(Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ProjectCharged {
    project: Project,
    /// Credits this action cost.
    credit_used: i64,
    /// The tenant's balance after it.
    credit_balance: i64,
}

/// A metered answer carrying a task.
#[derive(Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct TaskCharged {
    task: Task,
    /// Credits this action cost.
    credit_used: i64,
    /// The tenant's balance after it.
    credit_balance: i64,
}

/// A metered answer to a deletion.
#[derive(Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Deleted {
    /// The id deleted.
    deleted: Uuid,
    /// Credits this action cost.
    credit_used: i64,
    /// The tenant's balance after it.
    credit_balance: i64,
}

/// The tenant's counts.
#[derive(Serialize, ToSchema)]
pub struct StatsBody {
    stats: Stats,
}

/// Lists the tenant's projects with their tasks, a page at a time (free).
#[utoipa::path(get, path = "/projects", tag = "project-manager", security(("bearer" = [])),
    params(ProjectQuery),
    responses(
        (status = 200, description = "A page of projects, newest first", body = ProjectList),
        (status = 400, description = "Invalid query", body = ErrorBody),
        (status = 401, description = "No valid access token", body = ErrorBody),
    ))]
async fn list_projects(
    ctx: AppContext,
    Query(query): Query<ProjectQuery>,
) -> Result<Json<ProjectList>, ApiError> {
    let mut tx = ctx.read().await?;
    let limit = query.limit.unwrap_or(store::PAGE_DEFAULT);
    let page = store::list_projects(&mut tx, ctx.tenant_id(), query.before, limit).await?;
    Ok(Json(ProjectList {
        projects: page.projects,
        next_cursor: page.next_cursor,
    }))
}

/// Creates a project (`createProject` credits).
#[utoipa::path(post, path = "/projects", tag = "project-manager", security(("bearer" = [])),
    request_body = NewProject,
    params(("Idempotency-Key" = Option<String>, Header, description = "Makes a retry return the first answer and charge once")),
    responses(
        (status = 201, description = "Created and charged", body = ProjectCharged),
        (status = 401, description = "No valid access token", body = ErrorBody),
        (status = 402, description = "Not enough credits; nothing done", body = ErrorBody),
        (status = 403, description = "The caller's role cannot write", body = ErrorBody),
        (status = 422, description = "Invalid fields, or an Idempotency-Key reused with another request", body = ErrorBody),
    ))]
async fn create_project(
    mut metered: Metered<CreateProject, NewProject>,
) -> Result<Response, ApiError> {
    let input = metered.body().validate()?;
    let (tenant, user) = (metered.tenant_id(), metered.user_id());
    let project = store::insert_project(metered.tx(), tenant, user, &input).await?;
    let id = project.id;
    metered
        .finish(
            StatusCode::CREATED,
            json!({ "project": project }),
            json!({ "projectId": id }),
        )
        .await
}

/// One project with its tasks (free).
#[utoipa::path(get, path = "/projects/{id}", tag = "project-manager", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Project id")),
    responses(
        (status = 200, description = "The project", body = ProjectBody),
        (status = 401, description = "No valid access token", body = ErrorBody),
        (status = 404, description = "No such project in this tenant", body = ErrorBody),
    ))]
async fn get_project(ctx: AppContext, Path(id): Path<Uuid>) -> Result<Json<ProjectBody>, ApiError> {
    let mut tx = ctx.read().await?;
    let project = store::get_project(&mut tx, ctx.tenant_id(), id).await?;
    Ok(Json(ProjectBody { project }))
}

/// Changes a project (`updateProject` credits).
#[utoipa::path(put, path = "/projects/{id}", tag = "project-manager", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Project id"),
        ("Idempotency-Key" = Option<String>, Header, description = "Makes a retry return the first answer and charge once")),
    request_body = ProjectPatch,
    responses(
        (status = 200, description = "Changed and charged", body = ProjectCharged),
        (status = 401, description = "No valid access token", body = ErrorBody),
        (status = 402, description = "Not enough credits; nothing done", body = ErrorBody),
        (status = 403, description = "The caller's role cannot write", body = ErrorBody),
        (status = 404, description = "No such project in this tenant; nothing charged", body = ErrorBody),
        (status = 422, description = "Invalid fields", body = ErrorBody),
    ))]
async fn update_project(
    Path(id): Path<Uuid>,
    mut metered: Metered<UpdateProject, ProjectPatch>,
) -> Result<Response, ApiError> {
    let patch = metered.body().validate()?;
    let tenant = metered.tenant_id();
    let project = store::update_project(metered.tx(), tenant, id, &patch).await?;
    metered
        .finish(
            StatusCode::OK,
            json!({ "project": project }),
            json!({ "projectId": id }),
        )
        .await
}

/// Deletes a project and its tasks (`deleteProject` credits).
#[utoipa::path(delete, path = "/projects/{id}", tag = "project-manager", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Project id"),
        ("Idempotency-Key" = Option<String>, Header, description = "Makes a retry return the first answer and charge once")),
    responses(
        (status = 200, description = "Deleted and charged", body = Deleted),
        (status = 401, description = "No valid access token", body = ErrorBody),
        (status = 402, description = "Not enough credits; nothing done", body = ErrorBody),
        (status = 403, description = "The caller's role cannot write", body = ErrorBody),
        (status = 404, description = "No such project in this tenant; nothing charged", body = ErrorBody),
    ))]
async fn delete_project(
    Path(id): Path<Uuid>,
    mut metered: Metered<DeleteProject>,
) -> Result<Response, ApiError> {
    let tenant = metered.tenant_id();
    store::delete_project(metered.tx(), tenant, id).await?;
    metered
        .finish(
            StatusCode::OK,
            json!({ "deleted": id }),
            json!({ "projectId": id }),
        )
        .await
}

/// Adds a task to a project (`addTask` credits).
#[utoipa::path(post, path = "/projects/{id}/tasks", tag = "project-manager", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Project id"),
        ("Idempotency-Key" = Option<String>, Header, description = "Makes a retry return the first answer and charge once")),
    request_body = NewTask,
    responses(
        (status = 201, description = "Added and charged", body = TaskCharged),
        (status = 401, description = "No valid access token", body = ErrorBody),
        (status = 402, description = "Not enough credits; nothing done", body = ErrorBody),
        (status = 403, description = "The caller's role cannot write", body = ErrorBody),
        (status = 404, description = "No such project in this tenant; nothing charged", body = ErrorBody),
        (status = 422, description = "Invalid fields", body = ErrorBody),
    ))]
async fn add_task(
    Path(project_id): Path<Uuid>,
    mut metered: Metered<AddTask, NewTask>,
) -> Result<Response, ApiError> {
    let input = metered.body().validate()?;
    let tenant = metered.tenant_id();
    let task = store::insert_task(metered.tx(), tenant, project_id, &input).await?;
    let task_id = task.id;
    metered
        .finish(
            StatusCode::CREATED,
            json!({ "task": task }),
            json!({ "projectId": project_id, "taskId": task_id }),
        )
        .await
}

/// Changes a task (`updateTask` credits).
#[utoipa::path(put, path = "/tasks/{id}", tag = "project-manager", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Task id"),
        ("Idempotency-Key" = Option<String>, Header, description = "Makes a retry return the first answer and charge once")),
    request_body = TaskPatch,
    responses(
        (status = 200, description = "Changed and charged", body = TaskCharged),
        (status = 401, description = "No valid access token", body = ErrorBody),
        (status = 402, description = "Not enough credits; nothing done", body = ErrorBody),
        (status = 403, description = "The caller's role cannot write", body = ErrorBody),
        (status = 404, description = "No such task in this tenant; nothing charged", body = ErrorBody),
        (status = 422, description = "Invalid fields", body = ErrorBody),
    ))]
async fn update_task(
    Path(id): Path<Uuid>,
    mut metered: Metered<UpdateTask, TaskPatch>,
) -> Result<Response, ApiError> {
    let patch = metered.body().validate()?;
    let tenant = metered.tenant_id();
    let task = store::update_task(metered.tx(), tenant, id, &patch).await?;
    let project_id = task.project_id;
    metered
        .finish(
            StatusCode::OK,
            json!({ "task": task }),
            json!({ "projectId": project_id, "taskId": id }),
        )
        .await
}

/// Deletes a task (`deleteTask` credits).
#[utoipa::path(delete, path = "/tasks/{id}", tag = "project-manager", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Task id"),
        ("Idempotency-Key" = Option<String>, Header, description = "Makes a retry return the first answer and charge once")),
    responses(
        (status = 200, description = "Deleted and charged", body = Deleted),
        (status = 401, description = "No valid access token", body = ErrorBody),
        (status = 402, description = "Not enough credits; nothing done", body = ErrorBody),
        (status = 403, description = "The caller's role cannot write", body = ErrorBody),
        (status = 404, description = "No such task in this tenant; nothing charged", body = ErrorBody),
    ))]
async fn delete_task(
    Path(id): Path<Uuid>,
    mut metered: Metered<DeleteTask>,
) -> Result<Response, ApiError> {
    let tenant = metered.tenant_id();
    store::delete_task(metered.tx(), tenant, id).await?;
    metered
        .finish(
            StatusCode::OK,
            json!({ "deleted": id }),
            json!({ "taskId": id }),
        )
        .await
}

/// The tenant's project and task counts (free).
#[utoipa::path(get, path = "/stats", tag = "project-manager", security(("bearer" = [])),
    responses(
        (status = 200, description = "Counts", body = StatsBody),
        (status = 401, description = "No valid access token", body = ErrorBody),
    ))]
async fn project_stats(ctx: AppContext) -> Result<Json<StatsBody>, ApiError> {
    let mut tx = ctx.read().await?;
    let stats = store::stats(&mut tx, ctx.tenant_id()).await?;
    Ok(Json(StatsBody { stats }))
}
