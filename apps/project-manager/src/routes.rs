//! The app's routes, relative to `/api/apps/project-manager`.

use axum::http::StatusCode;
use lumiku_plugin::extract::{Json, Path, Query};
use lumiku_plugin::{
    ApiError, AppContext, Charged, ErrorBody, IdempotencyKey, List, Metered, MeteredErrors,
};
use serde::{Deserialize, Serialize};
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

/// Which page of projects.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[serde(default)]
#[into_params(parameter_in = Query)]
pub struct ProjectQuery {
    /// The `nextCursor` of the previous page.
    pub(crate) before: Option<Uuid>,
    /// Page size, 1 to 200 (default 50).
    #[serde(deserialize_with = "lumiku_plugin::list::limit::<200, _>")]
    #[param(minimum = 1, maximum = 200)]
    pub(crate) limit: Option<u32>,
}

/// One project.
#[derive(Serialize, ToSchema)]
pub struct ProjectBody {
    project: Project,
}

/// One task.
#[derive(Serialize, ToSchema)]
pub struct TaskBody {
    task: Task,
}

/// What a deletion answers.
#[derive(Serialize, ToSchema)]
pub struct Deleted {
    /// The id deleted.
    deleted: Uuid,
}

/// What a metered action of this app keeps with its usage row.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Usage {
    #[serde(skip_serializing_if = "Option::is_none")]
    project_id: Option<Uuid>,
    #[serde(skip_serializing_if = "Option::is_none")]
    task_id: Option<Uuid>,
}

impl Usage {
    fn project(id: Uuid) -> Self {
        Self {
            project_id: Some(id),
            task_id: None,
        }
    }

    fn task(project_id: Option<Uuid>, id: Uuid) -> Self {
        Self {
            project_id,
            task_id: Some(id),
        }
    }
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
        (status = 200, description = "A page of projects, newest first", body = List<Project>),
        (status = 400, description = "Invalid query", body = ErrorBody),
        (status = 401, description = "No valid access token", body = ErrorBody),
    ))]
async fn list_projects(
    ctx: AppContext,
    Query(query): Query<ProjectQuery>,
) -> Result<Json<List<Project>>, ApiError> {
    let mut tx = ctx.read().await?;
    let limit = query.limit.unwrap_or(store::PAGE_DEFAULT);
    let page = store::list_projects(&mut tx, ctx.tenant_id(), query.before, limit).await?;
    Ok(Json(List::page(page.projects, page.next_cursor)))
}

/// Creates a project (`createProject` credits).
#[utoipa::path(post, path = "/projects", tag = "project-manager", security(("bearer" = [])),
    request_body = NewProject,
    params(IdempotencyKey),
    responses((status = 201, description = "Created and charged", body = Charged<ProjectBody>), MeteredErrors))]
async fn create_project(
    mut metered: Metered<CreateProject, NewProject>,
) -> Result<Charged<ProjectBody>, ApiError> {
    let input = metered.body().validate()?;
    let (tenant, user) = (metered.tenant_id(), metered.user_id());
    let project = store::insert_project(metered.tx(), tenant, user, &input).await?;
    let usage = Usage::project(project.id);
    metered
        .finish(StatusCode::CREATED, ProjectBody { project }, usage)
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
    params(("id" = Uuid, Path, description = "Project id"), IdempotencyKey),
    request_body = ProjectPatch,
    responses((status = 200, description = "Changed and charged", body = Charged<ProjectBody>), MeteredErrors))]
async fn update_project(
    Path(id): Path<Uuid>,
    mut metered: Metered<UpdateProject, ProjectPatch>,
) -> Result<Charged<ProjectBody>, ApiError> {
    let patch = metered.body().validate()?;
    let tenant = metered.tenant_id();
    let project = store::update_project(metered.tx(), tenant, id, &patch).await?;
    metered
        .finish(StatusCode::OK, ProjectBody { project }, Usage::project(id))
        .await
}

/// Deletes a project and its tasks (`deleteProject` credits).
#[utoipa::path(delete, path = "/projects/{id}", tag = "project-manager", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Project id"), IdempotencyKey),
    responses((status = 200, description = "Deleted and charged", body = Charged<Deleted>), MeteredErrors))]
async fn delete_project(
    Path(id): Path<Uuid>,
    mut metered: Metered<DeleteProject>,
) -> Result<Charged<Deleted>, ApiError> {
    let tenant = metered.tenant_id();
    store::delete_project(metered.tx(), tenant, id).await?;
    metered
        .finish(StatusCode::OK, Deleted { deleted: id }, Usage::project(id))
        .await
}

/// Adds a task to a project (`addTask` credits).
#[utoipa::path(post, path = "/projects/{id}/tasks", tag = "project-manager", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Project id"), IdempotencyKey),
    request_body = NewTask,
    responses((status = 201, description = "Added and charged", body = Charged<TaskBody>), MeteredErrors))]
async fn add_task(
    Path(project_id): Path<Uuid>,
    mut metered: Metered<AddTask, NewTask>,
) -> Result<Charged<TaskBody>, ApiError> {
    let input = metered.body().validate()?;
    let tenant = metered.tenant_id();
    let task = store::insert_task(metered.tx(), tenant, project_id, &input).await?;
    let usage = Usage::task(Some(project_id), task.id);
    metered
        .finish(StatusCode::CREATED, TaskBody { task }, usage)
        .await
}

/// Changes a task (`updateTask` credits).
#[utoipa::path(put, path = "/tasks/{id}", tag = "project-manager", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Task id"), IdempotencyKey),
    request_body = TaskPatch,
    responses((status = 200, description = "Changed and charged", body = Charged<TaskBody>), MeteredErrors))]
async fn update_task(
    Path(id): Path<Uuid>,
    mut metered: Metered<UpdateTask, TaskPatch>,
) -> Result<Charged<TaskBody>, ApiError> {
    let patch = metered.body().validate()?;
    let tenant = metered.tenant_id();
    let task = store::update_task(metered.tx(), tenant, id, &patch).await?;
    let usage = Usage::task(Some(task.project_id), id);
    metered
        .finish(StatusCode::OK, TaskBody { task }, usage)
        .await
}

/// Deletes a task (`deleteTask` credits).
#[utoipa::path(delete, path = "/tasks/{id}", tag = "project-manager", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Task id"), IdempotencyKey),
    responses((status = 200, description = "Deleted and charged", body = Charged<Deleted>), MeteredErrors))]
async fn delete_task(
    Path(id): Path<Uuid>,
    mut metered: Metered<DeleteTask>,
) -> Result<Charged<Deleted>, ApiError> {
    let tenant = metered.tenant_id();
    store::delete_task(metered.tx(), tenant, id).await?;
    metered
        .finish(
            StatusCode::OK,
            Deleted { deleted: id },
            Usage::task(None, id),
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
