//! The app's API, relative to `/api/apps/task-scheduler`.

use std::time::Duration;

use axum::http::StatusCode;
use chrono::{DateTime, Utc};
use lumiku_plugin::extract::{Json, Path, Query};
use lumiku_plugin::jobs::NewJob;
use lumiku_plugin::sql::now;
use lumiku_plugin::{
    ApiError, AppContext, Charged, ErrorBody, FieldErrors, IdempotencyKey, Metered, MeteredErrors,
    Schedule,
};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

use crate::model::{TaskAction, TaskSchedule, check_name};
use crate::runner::{Payload, RUN_NOW_JOB, TASK_JOB};
use crate::store::{self, Notification, Run, Stats, Task, TaskFields};
use crate::{
    CreateTask, DeleteTask, PauseTask, ReadNotifications, ResumeTask, RunTask, UpdateTask,
};

pub fn router() -> OpenApiRouter {
    OpenApiRouter::new()
        .routes(routes!(list_tasks, create_task))
        .routes(routes!(get_task, update_task, delete_task))
        .routes(routes!(pause_task))
        .routes(routes!(resume_task))
        .routes(routes!(run_task))
        .routes(routes!(list_runs))
        .routes(routes!(preview_schedule))
        .routes(routes!(list_notifications))
        .routes(routes!(read_notifications))
        .routes(routes!(stats))
}

/// Attempts per due time of a scheduled run.
const ATTEMPTS: u32 = 3;
/// The first retry's wait; later ones double, with jitter.
const BACKOFF: Duration = Duration::from_secs(10);
/// The job's timeout: the longest request plus the writes around it.
const JOB_TIMEOUT: Duration = Duration::from_secs(45);

/// A page of the tenant's tasks.
#[derive(Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct TaskList {
    /// Newest first; header values of HTTP actions are hidden.
    items: Vec<Task>,
    /// Pass as `before` for the next page; null on the last.
    next_cursor: Option<Uuid>,
}

/// Which page.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[serde(default)]
#[into_params(parameter_in = Query)]
pub struct PageQuery {
    /// The `nextCursor` of the previous page.
    pub(crate) before: Option<Uuid>,
    /// Page size, 1 to 200 (default 50).
    #[serde(deserialize_with = "lumiku_plugin::list::limit::<200, _>")]
    #[param(minimum = 1, maximum = 200)]
    pub(crate) limit: Option<u32>,
}

/// One task.
#[derive(Serialize, ToSchema)]
pub struct TaskBody {
    task: Task,
}

/// A new task as sent.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct NewTask {
    /// 1 to 200 characters, one line, not only spaces; kept trimmed.
    #[schema(schema_with = lumiku_plugin::text::one_line_schema::<200>)]
    name: String,
    /// When it runs.
    schedule: TaskSchedule,
    /// What it does.
    action: TaskAction,
    /// False to create it paused (default true).
    #[serde(default)]
    enabled: Option<bool>,
}

/// Changes to a task; what is left out stays.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(default, rename_all = "camelCase")]
pub struct TaskPatch {
    /// 1 to 200 characters, one line, not only spaces; kept trimmed.
    #[schema(schema_with = lumiku_plugin::text::one_line_schema::<200>)]
    name: Option<String>,
    /// When it runs.
    schedule: Option<TaskSchedule>,
    /// What it does (sent whole: an HTTP action's headers with it).
    action: Option<TaskAction>,
    /// Paused or not.
    enabled: Option<bool>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Usage {
    task_id: Uuid,
}

/// Redacts a task for a reader.
fn shown(mut task: Task) -> Task {
    task.action = task.action.redacted();
    task
}

/// The task's job for its schedule.
fn task_job(task_id: Uuid, schedule: Schedule) -> NewJob {
    NewJob::new(TASK_JOB, schedule)
        .payload(serde_json::to_value(Payload { task_id }).unwrap_or_default())
        .unique_key(store::job_key(task_id))
        .max_attempts(ATTEMPTS)
        .backoff(BACKOFF)
        .timeout(JOB_TIMEOUT)
}

/// Lists the tenant's tasks with their next run and last outcome (free).
#[utoipa::path(get, path = "/tasks", tag = "task-scheduler", security(("bearer" = [])),
    params(PageQuery),
    responses(
        (status = 200, description = "A page of tasks, newest first", body = TaskList),
        (status = 401, description = "No valid access token", body = ErrorBody),
    ))]
async fn list_tasks(
    ctx: AppContext,
    Query(query): Query<PageQuery>,
) -> Result<Json<TaskList>, ApiError> {
    let mut tx = ctx.read().await?;
    let limit = query.limit.unwrap_or(store::PAGE_DEFAULT);
    let (tasks, next_cursor) =
        store::list_tasks(&mut tx, ctx.tenant_id(), query.before, limit).await?;
    Ok(Json(TaskList {
        items: tasks.into_iter().map(shown).collect(),
        next_cursor,
    }))
}

/// Creates a task (`createTask` credits) and schedules it. An invalid schedule, time zone, URL
/// or recipient is a 422 naming the field, and nothing is charged.
#[utoipa::path(post, path = "/tasks", tag = "task-scheduler", security(("bearer" = [])),
    request_body = NewTask,
    params(IdempotencyKey),
    responses((status = 201, description = "Created, scheduled and charged", body = Charged<TaskBody>), MeteredErrors))]
async fn create_task(
    mut metered: Metered<CreateTask, NewTask>,
) -> Result<Charged<TaskBody>, ApiError> {
    let input = metered.body().clone();
    let enabled = input.enabled.unwrap_or(true);
    let (name, schedule, action) =
        check_task(&mut metered, &input.name, &input.schedule, &input.action).await?;
    let (tenant, user) = (metered.tenant_id(), metered.user_id());
    let fields = TaskFields {
        name: &name,
        schedule: &input.schedule,
        action: &action,
        enabled,
    };
    let id = store::insert_task(metered.tx(), tenant, user, &fields).await?;
    if enabled {
        metered.enqueue(&task_job(id, schedule)).await?;
    }
    let task = store::get_task(metered.tx(), tenant, id).await?;
    metered
        .finish(
            StatusCode::CREATED,
            TaskBody { task: shown(task) },
            Usage { task_id: id },
        )
        .await
}

/// A task's name, schedule and action checked as one (every field at fault in one 422): the
/// schedule against the tenant's plan, a reminder's recipients against its members, a URL against
/// the platform's outbound policy.
async fn check_task<A: lumiku_plugin::context::Action, B>(
    metered: &mut Metered<A, B>,
    name: &str,
    schedule: &TaskSchedule,
    action: &TaskAction,
) -> Result<(String, Schedule, TaskAction), ApiError> {
    let members = match action {
        TaskAction::Reminder { .. } => metered.members().await?,
        TaskAction::Http { .. } => Vec::new(),
    };
    let mut errors = FieldErrors::new();
    let name = check_name(name, &mut errors);
    let schedule = schedule.check(metered.tier(), now());
    let action = action.check(&members, metered.allows_private_networks());
    match (schedule, action) {
        (Ok(schedule), Ok(action)) if errors.is_empty() => Ok((name, schedule, action)),
        (schedule, action) => {
            errors.extend(schedule.err().unwrap_or_default());
            errors.extend(action.err().unwrap_or_default());
            Err(ApiError::validation(errors))
        }
    }
}

/// One task (free).
#[utoipa::path(get, path = "/tasks/{id}", tag = "task-scheduler", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Task id")),
    responses(
        (status = 200, description = "The task", body = TaskBody),
        (status = 401, description = "No valid access token", body = ErrorBody),
        (status = 404, description = "No such task in this tenant", body = ErrorBody),
    ))]
async fn get_task(ctx: AppContext, Path(id): Path<Uuid>) -> Result<Json<TaskBody>, ApiError> {
    let mut tx = ctx.read().await?;
    let task = store::get_task(&mut tx, ctx.tenant_id(), id).await?;
    Ok(Json(TaskBody { task: shown(task) }))
}

/// Changes a task (`updateTask` credits) and reschedules it.
#[utoipa::path(patch, path = "/tasks/{id}", tag = "task-scheduler", security(("bearer" = [])),
    request_body = TaskPatch,
    params(("id" = Uuid, Path, description = "Task id"), IdempotencyKey),
    responses((status = 200, description = "Changed and charged", body = Charged<TaskBody>), MeteredErrors))]
async fn update_task(
    Path(id): Path<Uuid>,
    mut metered: Metered<UpdateTask, TaskPatch>,
) -> Result<Charged<TaskBody>, ApiError> {
    let patch = metered.body().clone();
    let tenant = metered.tenant_id();
    let current = store::get_task(metered.tx(), tenant, id).await?;
    let schedule_in = patch.schedule.unwrap_or(current.schedule);
    let action_in = patch.action.unwrap_or(current.action);
    let enabled = patch.enabled.unwrap_or(current.enabled);
    let name_in = patch.name.unwrap_or(current.name);
    let (name, schedule, action) =
        check_task(&mut metered, &name_in, &schedule_in, &action_in).await?;
    let fields = TaskFields {
        name: &name,
        schedule: &schedule_in,
        action: &action,
        enabled,
    };
    store::update_task(metered.tx(), tenant, id, &fields).await?;
    metered.cancel_jobs(&store::job_key(id)).await?;
    if enabled {
        metered.enqueue(&task_job(id, schedule)).await?;
    }
    let task = store::get_task(metered.tx(), tenant, id).await?;
    metered
        .finish(
            StatusCode::OK,
            TaskBody { task: shown(task) },
            Usage { task_id: id },
        )
        .await
}

/// What a deletion answers.
#[derive(Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Deleted {
    /// The task.
    deleted_id: Uuid,
}

/// Deletes a task and its history, and unschedules it (`deleteTask`: free).
#[utoipa::path(delete, path = "/tasks/{id}", tag = "task-scheduler", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Task id"), IdempotencyKey),
    responses((status = 200, description = "Deleted", body = Charged<Deleted>), MeteredErrors))]
async fn delete_task(
    Path(id): Path<Uuid>,
    mut metered: Metered<DeleteTask>,
) -> Result<Charged<Deleted>, ApiError> {
    let tenant = metered.tenant_id();
    store::get_task(metered.tx(), tenant, id).await?;
    store::delete_task(metered.tx(), tenant, id).await?;
    metered.cancel_jobs(&store::job_key(id)).await?;
    metered
        .finish(
            StatusCode::OK,
            Deleted { deleted_id: id },
            Usage { task_id: id },
        )
        .await
}

/// Pauses a task: no run until it is resumed (`pauseTask`: free).
#[utoipa::path(post, path = "/tasks/{id}/pause", tag = "task-scheduler", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Task id"), IdempotencyKey),
    responses((status = 200, description = "Paused", body = Charged<TaskBody>), MeteredErrors))]
async fn pause_task(
    Path(id): Path<Uuid>,
    metered: Metered<PauseTask>,
) -> Result<Charged<TaskBody>, ApiError> {
    set_enabled(id, metered, false).await
}

/// Resumes a paused task from its next due time (`resumeTask`: free). A one-off task whose time
/// has passed is a 422: give it a new time.
#[utoipa::path(post, path = "/tasks/{id}/resume", tag = "task-scheduler", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Task id"), IdempotencyKey),
    responses((status = 200, description = "Resumed", body = Charged<TaskBody>), MeteredErrors))]
async fn resume_task(
    Path(id): Path<Uuid>,
    metered: Metered<ResumeTask>,
) -> Result<Charged<TaskBody>, ApiError> {
    set_enabled(id, metered, true).await
}

async fn set_enabled<A: lumiku_plugin::context::Action>(
    id: Uuid,
    mut metered: Metered<A>,
    enabled: bool,
) -> Result<Charged<TaskBody>, ApiError> {
    let tenant = metered.tenant_id();
    let task = store::get_task(metered.tx(), tenant, id).await?;
    if task.enabled != enabled {
        let fields = TaskFields {
            name: &task.name,
            schedule: &task.schedule,
            action: &task.action,
            enabled,
        };
        metered.cancel_jobs(&store::job_key(id)).await?;
        if enabled {
            if let TaskSchedule::Once { at } = task.schedule
                && at < now()
            {
                return Err(ApiError::validation(FieldErrors::from([(
                    "schedule.at".to_owned(),
                    vec!["has passed while the task was paused: give it a new time".to_owned()],
                )])));
            }
            let schedule = task
                .schedule
                .check(metered.tier(), now())
                .map_err(ApiError::validation)?;
            metered.enqueue(&task_job(id, schedule)).await?;
        }
        store::update_task(metered.tx(), tenant, id, &fields).await?;
    }
    let task = store::get_task(metered.tx(), tenant, id).await?;
    metered
        .finish(
            StatusCode::OK,
            TaskBody { task: shown(task) },
            Usage { task_id: id },
        )
        .await
}

/// What "run now" answers.
#[derive(Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct RunQueued {
    /// The task.
    task_id: Uuid,
    /// The job that runs it, as soon as a worker is free.
    job_id: Uuid,
}

/// Runs a task now, paused or not (`runTask` credits, charged with this request; the run itself
/// then costs nothing more and is not retried). Its result appears in the run history.
#[utoipa::path(post, path = "/tasks/{id}/run", tag = "task-scheduler", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Task id"), IdempotencyKey),
    responses((status = 202, description = "Queued and charged", body = Charged<RunQueued>), MeteredErrors))]
async fn run_task(
    Path(id): Path<Uuid>,
    mut metered: Metered<RunTask>,
) -> Result<Charged<RunQueued>, ApiError> {
    let tenant = metered.tenant_id();
    store::get_task(metered.tx(), tenant, id).await?;
    let job = NewJob::new(RUN_NOW_JOB, Schedule::now())
        .payload(serde_json::to_value(Payload { task_id: id }).unwrap_or_default())
        .max_attempts(1)
        .timeout(JOB_TIMEOUT);
    let job_id = metered.enqueue(&job).await?;
    metered
        .finish(
            StatusCode::ACCEPTED,
            RunQueued {
                task_id: id,
                job_id,
            },
            Usage { task_id: id },
        )
        .await
}

/// A page of a task's runs.
#[derive(Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct RunList {
    /// Newest first.
    items: Vec<Run>,
    /// Pass as `before` for the next page; null on the last.
    next_cursor: Option<Uuid>,
}

/// A task's run history, newest first (free).
#[utoipa::path(get, path = "/tasks/{id}/runs", tag = "task-scheduler", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Task id"), PageQuery),
    responses(
        (status = 200, description = "A page of runs", body = RunList),
        (status = 401, description = "No valid access token", body = ErrorBody),
        (status = 404, description = "No such task in this tenant", body = ErrorBody),
    ))]
async fn list_runs(
    ctx: AppContext,
    Path(id): Path<Uuid>,
    Query(query): Query<PageQuery>,
) -> Result<Json<RunList>, ApiError> {
    let mut tx = ctx.read().await?;
    store::get_task(&mut tx, ctx.tenant_id(), id).await?;
    let limit = query.limit.unwrap_or(store::PAGE_DEFAULT);
    let (items, next_cursor) =
        store::list_runs(&mut tx, ctx.tenant_id(), id, query.before, limit).await?;
    Ok(Json(RunList { items, next_cursor }))
}

/// A schedule to preview.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[serde(default, rename_all = "camelCase")]
#[into_params(parameter_in = Query)]
pub struct PreviewQuery {
    /// `cron` (default) or `once`.
    #[serde(rename = "type")]
    #[param(pattern = "^(cron|once)$")]
    kind: Option<String>,
    /// The cron expression.
    expression: Option<String>,
    /// The time zone (default UTC).
    time_zone: Option<String>,
    /// The one-off time.
    at: Option<DateTime<Utc>>,
}

/// The next due times of a schedule.
#[derive(Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Preview {
    /// Up to five, soonest first.
    next_runs: Vec<DateTime<Utc>>,
}

/// Checks a schedule as saving it would (for this tenant's plan) and lists its next five due
/// times (free). A 422 names the field at fault.
#[utoipa::path(get, path = "/schedule/preview", tag = "task-scheduler", security(("bearer" = [])),
    params(PreviewQuery),
    responses(
        (status = 200, description = "The next due times", body = Preview),
        (status = 401, description = "No valid access token", body = ErrorBody),
        (status = 422, description = "The schedule is not valid", body = ErrorBody),
    ))]
async fn preview_schedule(
    ctx: AppContext,
    Query(query): Query<PreviewQuery>,
) -> Result<Json<Preview>, ApiError> {
    let schedule = match query.kind.as_deref().unwrap_or("cron") {
        "once" => TaskSchedule::Once {
            at: query.at.ok_or_else(|| {
                ApiError::validation(FieldErrors::from([(
                    "schedule.at".to_owned(),
                    vec!["is required".to_owned()],
                )]))
            })?,
        },
        "cron" => TaskSchedule::Cron {
            expression: query.expression.unwrap_or_default(),
            time_zone: query.time_zone.unwrap_or_else(|| "UTC".into()),
        },
        _ => {
            return Err(ApiError::validation(FieldErrors::from([(
                "schedule.type".to_owned(),
                vec!["must be cron or once".to_owned()],
            )])));
        }
    };
    let at = now();
    schedule
        .check(ctx.tier(), at)
        .map_err(ApiError::validation)?;
    Ok(Json(Preview {
        next_runs: schedule.upcoming(at, 5),
    }))
}

/// The caller's reminders.
#[derive(Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct NotificationList {
    /// The newest 50.
    items: Vec<Notification>,
    /// Always null: the newest 50 are the whole list.
    next_cursor: Option<Uuid>,
    /// How many are unread.
    unread: i64,
}

/// The caller's reminders in this tenant, newest first, with the unread count (free).
#[utoipa::path(get, path = "/notifications", tag = "task-scheduler", security(("bearer" = [])),
    responses(
        (status = 200, description = "Reminders", body = NotificationList),
        (status = 401, description = "No valid access token", body = ErrorBody),
    ))]
async fn list_notifications(ctx: AppContext) -> Result<Json<NotificationList>, ApiError> {
    let mut tx = ctx.read().await?;
    let (items, unread) = store::notifications(&mut tx, ctx.tenant_id(), ctx.user_id(), 50).await?;
    Ok(Json(NotificationList {
        items,
        next_cursor: None,
        unread,
    }))
}

/// What marking read answers.
#[derive(Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct MarkedRead {
    /// How many were unread.
    marked: u64,
}

/// Marks the caller's reminders read (`readNotifications`: free).
#[utoipa::path(post, path = "/notifications/read", tag = "task-scheduler", security(("bearer" = [])),
    params(IdempotencyKey),
    responses((status = 200, description = "Marked", body = Charged<MarkedRead>), MeteredErrors))]
async fn read_notifications(
    mut metered: Metered<ReadNotifications>,
) -> Result<Charged<MarkedRead>, ApiError> {
    let (tenant, user) = (metered.tenant_id(), metered.user_id());
    let marked = store::mark_read(metered.tx(), tenant, user).await?;
    metered
        .finish(StatusCode::OK, MarkedRead { marked }, serde_json::json!({}))
        .await
}

/// The dashboard card's figures (free).
#[utoipa::path(get, path = "/stats", tag = "task-scheduler", security(("bearer" = [])),
    responses(
        (status = 200, description = "Figures", body = Stats),
        (status = 401, description = "No valid access token", body = ErrorBody),
    ))]
async fn stats(ctx: AppContext) -> Result<Json<Stats>, ApiError> {
    let mut tx = ctx.read().await?;
    Ok(Json(
        store::stats(&mut tx, ctx.tenant_id(), ctx.user_id()).await?,
    ))
}
