//! Tasks, their runs and the reminders they leave: the queries on the app's own tables. Every
//! query filters on the tenant; on PostgreSQL row-level security holds the same line.

use chrono::{DateTime, Utc};
use lumiku_plugin::sql::{self, Json, Tx, new_id, now};
use lumiku_plugin::{ApiError, Schedule};
use serde::Serialize;
use serde_json::Value;
use utoipa::ToSchema;
use uuid::Uuid;

use crate::model::{TaskAction, TaskSchedule};

/// A task.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Task {
    /// Id.
    pub id: Uuid,
    /// Name.
    pub name: String,
    /// When it runs.
    pub schedule: TaskSchedule,
    /// What it does (header values hidden).
    pub action: TaskAction,
    /// False while paused.
    pub enabled: bool,
    /// The next due time, if it has one and is enabled.
    pub next_run_at: Option<DateTime<Utc>>,
    /// When it last ran.
    pub last_run_at: Option<DateTime<Utc>>,
    /// How its last run ended: `succeeded`, `failed` or `skipped`.
    pub last_outcome: Option<String>,
    /// How many runs it has had.
    pub runs: i64,
    /// Who created it.
    pub created_by: Uuid,
    /// When.
    pub created_at: DateTime<Utc>,
    /// Last change.
    pub updated_at: DateTime<Utc>,
}

#[derive(sql::FromRow)]
struct TaskRow {
    id: Uuid,
    name: String,
    schedule_type: String,
    run_at: Option<DateTime<Utc>>,
    cron: Option<String>,
    time_zone: Option<String>,
    action: Value,
    enabled: bool,
    created_by: Uuid,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
    last_run_at: Option<DateTime<Utc>>,
    last_outcome: Option<String>,
    runs: i64,
}

const TASK_COLUMNS: &str = "id, name, schedule_type, run_at, cron, time_zone, action, enabled, \
    created_by, created_at, updated_at, last_run_at, last_outcome, runs";

impl TaskRow {
    fn into_task(self) -> Result<Task, ApiError> {
        let schedule = match (
            self.schedule_type.as_str(),
            self.run_at,
            self.cron,
            self.time_zone,
        ) {
            ("once", Some(at), _, _) => TaskSchedule::Once { at },
            (_, _, Some(expression), Some(time_zone)) => TaskSchedule::Cron {
                expression,
                time_zone,
            },
            _ => {
                return Err(ApiError::internal(std::io::Error::other(
                    "a stored task has no schedule",
                )));
            }
        };
        let action: TaskAction = serde_json::from_value(self.action).map_err(ApiError::internal)?;
        let next_run_at = if self.enabled {
            match &schedule {
                // A one-off time is still ahead unless a scheduled run has been made since it.
                TaskSchedule::Once { at } if self.last_run_at.is_none_or(|last| last < *at) => {
                    Some(*at)
                }
                TaskSchedule::Once { .. } => None,
                cron => cron.upcoming(now(), 1).first().copied(),
            }
        } else {
            None
        };
        Ok(Task {
            id: self.id,
            name: self.name,
            schedule,
            action,
            enabled: self.enabled,
            next_run_at,
            last_run_at: self.last_run_at,
            last_outcome: self.last_outcome,
            runs: self.runs,
            created_by: self.created_by,
            created_at: self.created_at,
            updated_at: self.updated_at,
        })
    }
}

/// Tasks per page when the caller names no size.
pub const PAGE_DEFAULT: u32 = 50;
/// The largest page a caller may ask for.
pub const PAGE_MAX: u32 = 200;

/// A page out of `rows` fetched one past `limit` (newest first): the page, and the cursor of the
/// next one when there is one.
fn split_page<T>(
    mut rows: Vec<T>,
    limit: usize,
    id: impl Fn(&T) -> Uuid,
) -> (Vec<T>, Option<Uuid>) {
    if rows.len() <= limit {
        return (rows, None);
    }
    rows.truncate(limit);
    let next = rows.last().map(id);
    (rows, next)
}

/// The tenant's tasks older than `before`, newest first, at most `limit`; and the next cursor.
pub async fn list_tasks(
    tx: &mut Tx,
    tenant_id: Uuid,
    before: Option<Uuid>,
    limit: u32,
) -> Result<(Vec<Task>, Option<Uuid>), ApiError> {
    let limit = limit.clamp(1, PAGE_MAX) as usize;
    let rows = sql::query_as::<TaskRow>(sql::AssertSqlSafe(format!(
        "select {TASK_COLUMNS} from task_scheduler_tasks where tenant_id = $1 and id < $2 \
         order by id desc limit $3"
    )))
    .bind(tenant_id)
    .bind(before.unwrap_or(Uuid::max()))
    .bind(limit as i64 + 1)
    .fetch_all(&mut *tx)
    .await
    .map_err(ApiError::internal)?;
    let (rows, next) = split_page(rows, limit, |r| r.id);
    let tasks = rows
        .into_iter()
        .map(TaskRow::into_task)
        .collect::<Result<_, _>>()?;
    Ok((tasks, next))
}

/// One of the tenant's tasks, with its unredacted action; 404 for any other id.
pub async fn get_task(tx: &mut Tx, tenant_id: Uuid, id: Uuid) -> Result<Task, ApiError> {
    find_task(tx, tenant_id, id)
        .await?
        .ok_or_else(|| ApiError::not_found("task not found"))
}

/// One of the tenant's tasks, if it exists.
pub async fn find_task(tx: &mut Tx, tenant_id: Uuid, id: Uuid) -> Result<Option<Task>, ApiError> {
    sql::query_as::<TaskRow>(sql::AssertSqlSafe(format!(
        "select {TASK_COLUMNS} from task_scheduler_tasks where tenant_id = $1 and id = $2"
    )))
    .bind(tenant_id)
    .bind(id)
    .fetch_optional(&mut *tx)
    .await
    .map_err(ApiError::internal)?
    .map(TaskRow::into_task)
    .transpose()
}

/// A task's fields as written.
pub struct TaskFields<'a> {
    /// Name.
    pub name: &'a str,
    /// Schedule.
    pub schedule: &'a TaskSchedule,
    /// Action.
    pub action: &'a TaskAction,
    /// Enabled.
    pub enabled: bool,
}

fn schedule_columns(
    schedule: &TaskSchedule,
) -> (
    &'static str,
    Option<DateTime<Utc>>,
    Option<&str>,
    Option<&str>,
) {
    match schedule {
        TaskSchedule::Once { at } => ("once", Some(*at), None, None),
        TaskSchedule::Cron {
            expression,
            time_zone,
        } => ("cron", None, Some(expression), Some(time_zone)),
    }
}

/// Inserts a task; answers its id.
pub async fn insert_task(
    tx: &mut Tx,
    tenant_id: Uuid,
    user_id: Uuid,
    fields: &TaskFields<'_>,
) -> Result<Uuid, ApiError> {
    let id = new_id();
    let at = now();
    let (kind, run_at, cron, zone) = schedule_columns(fields.schedule);
    sql::query(
        "insert into task_scheduler_tasks (id, tenant_id, name, schedule_type, run_at, cron, \
         time_zone, action_type, action, enabled, created_by, created_at, updated_at) \
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $12)",
    )
    .bind(id)
    .bind(tenant_id)
    .bind(fields.name)
    .bind(kind)
    .bind(run_at)
    .bind(cron)
    .bind(zone)
    .bind(fields.action.type_name())
    .bind(Json(fields.action))
    .bind(fields.enabled)
    .bind(user_id)
    .bind(at)
    .execute(&mut *tx)
    .await
    .map_err(ApiError::internal)?;
    Ok(id)
}

/// Rewrites a task's fields.
pub async fn update_task(
    tx: &mut Tx,
    tenant_id: Uuid,
    id: Uuid,
    fields: &TaskFields<'_>,
) -> Result<(), ApiError> {
    let (kind, run_at, cron, zone) = schedule_columns(fields.schedule);
    sql::query(
        "update task_scheduler_tasks set name = $3, schedule_type = $4, \
         run_at = $5, cron = $6, time_zone = $7, action_type = $8, action = $9, enabled = $10, \
         updated_at = $11 where tenant_id = $1 and id = $2",
    )
    .bind(tenant_id)
    .bind(id)
    .bind(fields.name)
    .bind(kind)
    .bind(run_at)
    .bind(cron)
    .bind(zone)
    .bind(fields.action.type_name())
    .bind(Json(fields.action))
    .bind(fields.enabled)
    .bind(now())
    .execute(&mut *tx)
    .await
    .map_err(ApiError::internal)?;
    Ok(())
}

/// Deletes a task and its runs.
pub async fn delete_task(tx: &mut Tx, tenant_id: Uuid, id: Uuid) -> Result<(), ApiError> {
    for statement in [
        "delete from task_scheduler_runs where tenant_id = $1 and task_id = $2",
        "delete from task_scheduler_tasks where tenant_id = $1 and id = $2",
    ] {
        sql::query(statement)
            .bind(tenant_id)
            .bind(id)
            .execute(&mut *tx)
            .await
            .map_err(ApiError::internal)?;
    }
    Ok(())
}

/// The key of a task's job: one live job per task.
pub fn job_key(task_id: Uuid) -> String {
    format!("task:{task_id}")
}

/// The platform schedule of a stored (already checked) task schedule.
pub fn job_schedule(schedule: &TaskSchedule) -> Result<Schedule, ApiError> {
    match schedule {
        TaskSchedule::Once { at } => Ok(Schedule::At(*at)),
        TaskSchedule::Cron {
            expression,
            time_zone,
        } => Schedule::cron(expression, time_zone).map_err(ApiError::internal),
    }
}

/// One run of a task.
#[derive(Debug, Clone, Serialize, sql::FromRow, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Run {
    /// Id.
    pub id: Uuid,
    /// The due time it ran for.
    pub due_at: DateTime<Utc>,
    /// When it started.
    pub started_at: DateTime<Utc>,
    /// How long it took.
    pub duration_ms: Option<i64>,
    /// `running`, `succeeded`, `failed`, `skipped` or `interrupted` (its node stopped mid-run).
    pub outcome: String,
    /// Attempt for this due time, from 1.
    pub attempt: i64,
    /// The HTTP status answered.
    pub status_code: Option<i64>,
    /// The first 4 KiB of the answer's body.
    pub response: Option<String>,
    /// What went wrong, or why it was skipped.
    pub error: Option<String>,
    /// Credits charged for it.
    pub credits: i64,
}

/// A run as first written.
pub struct NewRun {
    /// The task.
    pub task_id: Uuid,
    /// The due time.
    pub due_at: DateTime<Utc>,
    /// The attempt.
    pub attempt: u32,
    /// The outcome so far.
    pub outcome: &'static str,
    /// Why, for a skip.
    pub error: Option<String>,
    /// Credits charged.
    pub credits: i64,
}

/// Inserts a run; answers its id. Runs of the task left `running` by a node that stopped are
/// marked `interrupted` first.
pub async fn insert_run(tx: &mut Tx, tenant_id: Uuid, run: &NewRun) -> Result<Uuid, ApiError> {
    sql::query(
        "update task_scheduler_runs set outcome = 'interrupted', \
         error = 'the worker stopped before the run ended' \
         where tenant_id = $1 and task_id = $2 and outcome = 'running'",
    )
    .bind(tenant_id)
    .bind(run.task_id)
    .execute(&mut *tx)
    .await
    .map_err(ApiError::internal)?;
    let id = new_id();
    sql::query(
        "insert into task_scheduler_runs (id, tenant_id, task_id, due_at, started_at, outcome, \
         attempt, error, credits, duration_ms) values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
    )
    .bind(id)
    .bind(tenant_id)
    .bind(run.task_id)
    .bind(run.due_at)
    .bind(now())
    .bind(run.outcome)
    .bind(i64::from(run.attempt))
    .bind(run.error.as_deref())
    .bind(run.credits)
    .bind((run.outcome != "running").then_some(0_i64))
    .execute(&mut *tx)
    .await
    .map_err(ApiError::internal)?;
    Ok(id)
}

/// How a run ended.
pub struct RunEnd<'a> {
    /// `succeeded` or `failed`.
    pub outcome: &'static str,
    /// Its duration.
    pub duration_ms: i64,
    /// The HTTP status.
    pub status_code: Option<u16>,
    /// The start of the answer.
    pub response: Option<&'a str>,
    /// The error.
    pub error: Option<&'a str>,
}

/// Writes a run's end.
pub async fn end_run(
    tx: &mut Tx,
    tenant_id: Uuid,
    run_id: Uuid,
    end: &RunEnd<'_>,
) -> Result<(), ApiError> {
    sql::query(
        "update task_scheduler_runs set outcome = $3, duration_ms = $4, status_code = $5, \
         response = $6, error = $7 where tenant_id = $1 and id = $2",
    )
    .bind(tenant_id)
    .bind(run_id)
    .bind(end.outcome)
    .bind(end.duration_ms)
    .bind(end.status_code.map(i64::from))
    .bind(end.response)
    .bind(end.error)
    .execute(&mut *tx)
    .await
    .map_err(ApiError::internal)?;
    Ok(())
}

/// Records a run's outcome on its task.
pub async fn touch_task(
    tx: &mut Tx,
    tenant_id: Uuid,
    task_id: Uuid,
    outcome: &str,
) -> Result<(), ApiError> {
    sql::query(
        "update task_scheduler_tasks set last_run_at = $3, last_outcome = $4, runs = runs + 1 \
         where tenant_id = $1 and id = $2",
    )
    .bind(tenant_id)
    .bind(task_id)
    .bind(now())
    .bind(outcome)
    .execute(&mut *tx)
    .await
    .map_err(ApiError::internal)?;
    Ok(())
}

/// A task's runs older than `before`, newest first.
pub async fn list_runs(
    tx: &mut Tx,
    tenant_id: Uuid,
    task_id: Uuid,
    before: Option<Uuid>,
    limit: u32,
) -> Result<(Vec<Run>, Option<Uuid>), ApiError> {
    let limit = limit.clamp(1, PAGE_MAX) as usize;
    let runs = sql::query_as::<Run>(
        "select id, due_at, started_at, duration_ms, outcome, attempt, status_code, response, \
         error, credits from task_scheduler_runs where tenant_id = $1 and task_id = $2 and id < $3 \
         order by id desc limit $4",
    )
    .bind(tenant_id)
    .bind(task_id)
    .bind(before.unwrap_or(Uuid::max()))
    .bind(limit as i64 + 1)
    .fetch_all(&mut *tx)
    .await
    .map_err(ApiError::internal)?;
    Ok(split_page(runs, limit, |r| r.id))
}

/// A reminder left for a member.
#[derive(Debug, Clone, Serialize, sql::FromRow, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Notification {
    /// Id.
    pub id: Uuid,
    /// The task that left it.
    pub task_id: Option<Uuid>,
    /// The message.
    pub message: String,
    /// When.
    pub created_at: DateTime<Utc>,
    /// When it was read.
    pub read_at: Option<DateTime<Utc>>,
}

/// Leaves `message` for each of `users`.
pub async fn notify(
    tx: &mut Tx,
    tenant_id: Uuid,
    task_id: Uuid,
    users: &[Uuid],
    message: &str,
) -> Result<(), ApiError> {
    let at = now();
    for user in users {
        sql::query(
            "insert into task_scheduler_notifications (id, tenant_id, user_id, task_id, message, \
             created_at) values ($1, $2, $3, $4, $5, $6)",
        )
        .bind(new_id())
        .bind(tenant_id)
        .bind(*user)
        .bind(task_id)
        .bind(message)
        .bind(at)
        .execute(&mut *tx)
        .await
        .map_err(ApiError::internal)?;
    }
    Ok(())
}

/// A member's newest reminders (at most `limit`) and how many are unread.
pub async fn notifications(
    tx: &mut Tx,
    tenant_id: Uuid,
    user_id: Uuid,
    limit: u32,
) -> Result<(Vec<Notification>, i64), ApiError> {
    let list = sql::query_as::<Notification>(
        "select id, task_id, message, created_at, read_at from task_scheduler_notifications \
         where tenant_id = $1 and user_id = $2 order by id desc limit $3",
    )
    .bind(tenant_id)
    .bind(user_id)
    .bind(i64::from(limit.clamp(1, PAGE_MAX)))
    .fetch_all(&mut *tx)
    .await
    .map_err(ApiError::internal)?;
    let unread = unread(tx, tenant_id, user_id).await?;
    Ok((list, unread))
}

/// How many of a member's reminders are unread.
pub async fn unread(tx: &mut Tx, tenant_id: Uuid, user_id: Uuid) -> Result<i64, ApiError> {
    sql::query_scalar(
        "select count(*) from task_scheduler_notifications \
         where tenant_id = $1 and user_id = $2 and read_at is null",
    )
    .bind(tenant_id)
    .bind(user_id)
    .fetch_one(&mut *tx)
    .await
    .map_err(ApiError::internal)
}

/// Marks a member's reminders read; answers how many changed.
pub async fn mark_read(tx: &mut Tx, tenant_id: Uuid, user_id: Uuid) -> Result<u64, ApiError> {
    sql::query(
        "update task_scheduler_notifications set read_at = $3 \
         where tenant_id = $1 and user_id = $2 and read_at is null",
    )
    .bind(tenant_id)
    .bind(user_id)
    .bind(now())
    .execute(&mut *tx)
    .await
    .map(|r| r.rows_affected())
    .map_err(ApiError::internal)
}

/// The dashboard card's figures.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Stats {
    /// Tasks.
    pub total_tasks: i64,
    /// Tasks not paused.
    pub active_tasks: i64,
    /// The caller's unread reminders.
    pub unread_notifications: i64,
}

/// The tenant's figures, as `user_id` sees them.
pub async fn stats(tx: &mut Tx, tenant_id: Uuid, user_id: Uuid) -> Result<Stats, ApiError> {
    let (total_tasks, active_tasks): (i64, Option<i64>) = sql::query_as(
        "select count(*), sum(case when enabled then 1 else 0 end) from task_scheduler_tasks \
         where tenant_id = $1",
    )
    .bind(tenant_id)
    .fetch_one(&mut *tx)
    .await
    .map_err(ApiError::internal)?;
    Ok(Stats {
        total_tasks,
        active_tasks: active_tasks.unwrap_or(0),
        unread_notifications: unread(tx, tenant_id, user_id).await?,
    })
}
