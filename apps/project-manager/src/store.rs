//! Projects and tasks: validated inputs and the queries on the app's own tables. Every query
//! filters on the tenant; on PostgreSQL row-level security holds the same line.

use chrono::{DateTime, SubsecRound, Utc};
use lumiku_plugin::sql;
use lumiku_plugin::sql::{Tx, new_id};
use lumiku_plugin::{ApiError, FieldErrors};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

/// A project.
#[derive(Debug, Clone, Serialize, lumiku_plugin::sql::FromRow, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Project {
    /// Id.
    pub id: Uuid,
    /// Name.
    pub name: String,
    /// Description.
    pub description: Option<String>,
    /// `active`, `completed` or `archived`.
    pub status: String,
    /// Due date.
    pub due_date: Option<DateTime<Utc>>,
    /// Who made it.
    pub created_by: Uuid,
    /// When.
    pub created_at: DateTime<Utc>,
    /// Last change.
    pub updated_at: DateTime<Utc>,
    /// Its tasks, newest first (in listings and reads).
    #[row(skip)]
    pub tasks: Vec<Task>,
}

/// A task of a project.
#[derive(Debug, Clone, Serialize, lumiku_plugin::sql::FromRow, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Task {
    /// Id.
    pub id: Uuid,
    /// Its project.
    pub project_id: Uuid,
    /// Title.
    pub title: String,
    /// `low`, `medium` or `high`.
    pub priority: String,
    /// Done.
    pub completed: bool,
    /// When.
    pub created_at: DateTime<Utc>,
    /// Last change.
    pub updated_at: DateTime<Utc>,
}

/// A new project as sent.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(default, rename_all = "camelCase")]
pub struct NewProject {
    /// 1 to 200 characters, one line, not only spaces; kept trimmed.
    #[schema(schema_with = lumiku_plugin::text::one_line_schema::<200>, required = true)]
    pub name: String,
    /// At most 2000 characters.
    #[schema(max_length = 2000)]
    pub description: Option<String>,
    /// Default `active`.
    #[schema(value_type = Option<ProjectStatus>)]
    pub status: Option<String>,
    /// RFC 3339.
    pub due_date: Option<DateTime<Utc>>,
}

/// A change to a project; absent fields stay. `description` and `dueDate` may be `null` to clear.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(default, rename_all = "camelCase")]
pub struct ProjectPatch {
    /// 1 to 200 characters, one line, not only spaces; kept trimmed.
    #[schema(schema_with = lumiku_plugin::text::one_line_schema::<200>)]
    pub name: Option<String>,
    /// At most 2000 characters.
    #[serde(deserialize_with = "lumiku_plugin::extract::nullable")]
    #[schema(value_type = Option<String>, max_length = 2000)]
    pub description: Option<Option<String>>,
    /// `active`, `completed` or `archived`.
    #[schema(value_type = Option<ProjectStatus>)]
    pub status: Option<String>,
    /// RFC 3339.
    #[serde(deserialize_with = "lumiku_plugin::extract::nullable")]
    #[schema(value_type = Option<DateTime<Utc>>)]
    pub due_date: Option<Option<DateTime<Utc>>>,
}

/// A new task as sent.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(default, rename_all = "camelCase")]
pub struct NewTask {
    /// 1 to 200 characters, one line, not only spaces; kept trimmed.
    #[schema(schema_with = lumiku_plugin::text::one_line_schema::<200>, required = true)]
    pub title: String,
    /// `low`, `medium` (default) or `high`.
    #[schema(value_type = Option<Priority>)]
    pub priority: Option<String>,
}

/// A change to a task.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(default, rename_all = "camelCase")]
pub struct TaskPatch {
    /// 1 to 200 characters, one line, not only spaces; kept trimmed.
    #[schema(schema_with = lumiku_plugin::text::one_line_schema::<200>)]
    pub title: Option<String>,
    /// `low`, `medium` or `high`.
    #[schema(value_type = Option<Priority>)]
    pub priority: Option<String>,
    /// Done.
    pub completed: Option<bool>,
}

/// Project counts of a tenant.
#[derive(Debug, Clone, Default, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Stats {
    /// All projects.
    pub total_projects: i64,
    /// Active ones.
    pub active_projects: i64,
    /// Completed ones.
    pub completed_projects: i64,
    /// Archived ones.
    pub archived_projects: i64,
    /// All tasks.
    pub total_tasks: i64,
    /// Completed tasks.
    pub completed_tasks: i64,
}

const STATUSES: &[&str] = &["active", "completed", "archived"];
const PRIORITIES: &[&str] = &["low", "medium", "high"];

/// A project's status, as the document names the values of [`STATUSES`].
#[derive(ToSchema)]
#[serde(rename_all = "lowercase")]
#[allow(dead_code)]
pub enum ProjectStatus {
    Active,
    Completed,
    Archived,
}

/// A task's priority, as the document names the values of [`PRIORITIES`].
#[derive(ToSchema)]
#[serde(rename_all = "lowercase")]
#[allow(dead_code)]
pub enum Priority {
    Low,
    Medium,
    High,
}

struct Check(FieldErrors);

impl Check {
    fn new() -> Self {
        Check(FieldErrors::new())
    }
    /// A one-line text of 1 to `max` characters, trimmed.
    fn line(&mut self, field: &str, value: &str, max: usize) -> String {
        match lumiku_plugin::text::one_line(value, max) {
            Ok(value) => value.to_owned(),
            Err(message) => {
                self.0.entry(field.to_owned()).or_default().push(message);
                String::new()
            }
        }
    }
    /// A text of at most `max` characters as sent, trimmed.
    fn text(&mut self, field: &str, value: &str, max: usize) -> String {
        if value.chars().count() > max {
            self.0
                .entry(field.to_owned())
                .or_default()
                .push(format!("must be at most {max} characters"));
        }
        value.trim().to_owned()
    }
    fn one_of(&mut self, field: &str, value: &str, allowed: &[&str]) {
        if !allowed.contains(&value) {
            self.0
                .entry(field.to_owned())
                .or_default()
                .push(format!("must be one of {}", allowed.join(", ")));
        }
    }
    fn done(self) -> Result<(), ApiError> {
        if self.0.is_empty() {
            Ok(())
        } else {
            Err(ApiError::validation(self.0))
        }
    }
}

fn optional_text(
    check: &mut Check,
    field: &str,
    value: Option<&str>,
    max: usize,
) -> Option<String> {
    value
        .map(|v| check.text(field, v, max))
        .filter(|v| !v.is_empty())
}

impl NewProject {
    /// The project to insert, or 422 with every field at fault.
    pub fn validate(&self) -> Result<NewProject, ApiError> {
        let mut check = Check::new();
        let name = check.line("name", &self.name, 200);
        let description =
            optional_text(&mut check, "description", self.description.as_deref(), 2000);
        let status = self.status.clone().unwrap_or_else(|| "active".into());
        check.one_of("status", &status, STATUSES);
        check.done()?;
        Ok(NewProject {
            name,
            description,
            status: Some(status),
            // Stored to the microsecond on both backends, so answered that way too.
            due_date: self.due_date.map(|d| d.trunc_subsecs(6)),
        })
    }
}

impl ProjectPatch {
    /// The validated change.
    pub fn validate(&self) -> Result<ProjectPatch, ApiError> {
        let mut check = Check::new();
        let name = self.name.as_deref().map(|n| check.line("name", n, 200));
        let description = self
            .description
            .as_ref()
            .map(|d| optional_text(&mut check, "description", d.as_deref(), 2000));
        if let Some(status) = &self.status {
            check.one_of("status", status, STATUSES);
        }
        check.done()?;
        Ok(ProjectPatch {
            name,
            description,
            status: self.status.clone(),
            due_date: self.due_date.map(|due| due.map(|d| d.trunc_subsecs(6))),
        })
    }
}

impl NewTask {
    /// The validated task.
    pub fn validate(&self) -> Result<NewTask, ApiError> {
        let mut check = Check::new();
        let title = check.line("title", &self.title, 200);
        let priority = self.priority.clone().unwrap_or_else(|| "medium".into());
        check.one_of("priority", &priority, PRIORITIES);
        check.done()?;
        Ok(NewTask {
            title,
            priority: Some(priority),
        })
    }
}

impl TaskPatch {
    /// The validated change.
    pub fn validate(&self) -> Result<TaskPatch, ApiError> {
        let mut check = Check::new();
        let title = self.title.as_deref().map(|t| check.line("title", t, 200));
        if let Some(priority) = &self.priority {
            check.one_of("priority", priority, PRIORITIES);
        }
        check.done()?;
        Ok(TaskPatch {
            title,
            priority: self.priority.clone(),
            completed: self.completed,
        })
    }
}

fn now() -> DateTime<Utc> {
    Utc::now().trunc_subsecs(6)
}

fn not_found(what: &str) -> ApiError {
    ApiError::not_found(format!("{what} not found"))
}

const PROJECT_COLUMNS: &str =
    "id, name, description, status, due_date, created_by, created_at, updated_at";
const TASK_COLUMNS: &str = "id, project_id, title, priority, completed, created_at, updated_at";

/// Projects per page when the caller names no size.
pub const PAGE_DEFAULT: u32 = 50;
/// The largest page a caller may ask for.
pub const PAGE_MAX: u32 = 200;

/// A page of the tenant's projects.
#[derive(Debug, Clone)]
pub struct ProjectPage {
    /// Newest first, each with its tasks.
    pub projects: Vec<Project>,
    /// The id to pass as `before` for the next page; `None` on the last.
    pub next_cursor: Option<Uuid>,
}

/// The tenant's projects older than `before` (all, without it), newest first, at most `limit`
/// (clamped to 1..=[`PAGE_MAX`]), each with its tasks. Ids are UUIDv7, so id order is creation
/// order; a cursor is an id, and stays valid if its project is deleted.
pub async fn list_projects(
    tx: &mut Tx,
    tenant_id: Uuid,
    before: Option<Uuid>,
    limit: u32,
) -> Result<ProjectPage, ApiError> {
    let limit = limit.clamp(1, PAGE_MAX) as usize;
    let before = before.unwrap_or(Uuid::max());
    // One more than the page, to know whether another follows.
    let mut projects = match tx.backend() {
        // A round trip to PostgreSQL costs more than the join.
        sql::Backend::Postgres => page_joined(tx, tenant_id, before, limit + 1).await?,
        // In process, two statements read in index order cost less than the join's sort.
        sql::Backend::Sqlite => page_then_tasks(tx, tenant_id, before, limit + 1).await?,
    };
    let next_cursor = if projects.len() > limit {
        projects.truncate(limit);
        projects.last().map(|p| p.id)
    } else {
        None
    };
    Ok(ProjectPage {
        projects,
        next_cursor,
    })
}

/// Up to `count` of the tenant's projects older than `before`, newest first, each with its
/// tasks: in one statement, the projects joined with their tasks.
async fn page_joined(
    tx: &mut Tx,
    tenant_id: Uuid,
    before: Uuid,
    count: usize,
) -> Result<Vec<Project>, ApiError> {
    let sql = format!(
        "select p.id, p.name, p.description, p.status, p.due_date, p.created_by, p.created_at, \
         p.updated_at, t.id, t.title, t.priority, t.completed, t.created_at, t.updated_at \
         from (select {PROJECT_COLUMNS} from project_manager_projects where tenant_id = $1 and id < $2 \
         order by id desc limit $3) p \
         left join project_manager_tasks t on t.tenant_id = $1 and t.project_id = p.id \
         order by p.id desc, t.id desc"
    );
    let rows = sql::query_as::<ProjectTask>(sql::AssertSqlSafe(sql))
        .bind(tenant_id)
        .bind(before)
        .bind(count as i64)
        .fetch_all(&mut *tx)
        .await
        .map_err(ApiError::internal)?;
    let mut projects: Vec<Project> = Vec::with_capacity(count);
    for ProjectTask(project, task) in rows {
        if projects.last().is_none_or(|last| last.id != project.id) {
            projects.push(project);
        }
        if let (Some(task), Some(last)) = (task, projects.last_mut()) {
            last.tasks.push(task);
        }
    }
    Ok(projects)
}

/// Like [`page_joined`], in two statements: the projects, then their tasks.
async fn page_then_tasks(
    tx: &mut Tx,
    tenant_id: Uuid,
    before: Uuid,
    count: usize,
) -> Result<Vec<Project>, ApiError> {
    let sql = format!(
        "select {PROJECT_COLUMNS} from project_manager_projects where tenant_id = $1 and id < $2 \
         order by id desc limit $3"
    );
    let mut projects = sql::query_as::<Project>(sql::AssertSqlSafe(sql))
        .bind(tenant_id)
        .bind(before)
        .bind(count as i64)
        .fetch_all(&mut *tx)
        .await
        .map_err(ApiError::internal)?;
    let (Some(newest), Some(oldest)) = (projects.first(), projects.last()) else {
        return Ok(projects);
    };
    // The page is every project of the tenant with an id from `oldest` to `newest`, so its tasks
    // are the tenant's tasks whose project id falls in that range: one range of the
    // (tenant, project, id) index, in the page's order.
    let sql = format!(
        "select {TASK_COLUMNS} from project_manager_tasks where tenant_id = $1 \
         and project_id >= $2 and project_id <= $3 order by project_id desc, id desc"
    );
    let tasks = sql::query_as::<Task>(sql::AssertSqlSafe(sql))
        .bind(tenant_id)
        .bind(oldest.id)
        .bind(newest.id)
        .fetch_all(&mut *tx)
        .await
        .map_err(ApiError::internal)?;
    attach_tasks(&mut projects, tasks);
    Ok(projects)
}

/// Hands each task to its project, both sorted by id, newest first: one pass over each.
fn attach_tasks(projects: &mut [Project], tasks: Vec<Task>) {
    let mut at = 0;
    for task in tasks {
        while at < projects.len() && projects[at].id > task.project_id {
            at += 1;
        }
        match projects.get_mut(at) {
            Some(project) if project.id == task.project_id => project.tasks.push(task),
            Some(_) => {}
            None => break,
        }
    }
}

/// A row of the listing: a project and one of its tasks (none for a project without tasks).
struct ProjectTask(Project, Option<Task>);

impl sql::FromRow for ProjectTask {
    fn from_row(row: &sql::Row<'_>) -> Result<Self, sql::Error> {
        let project = Project {
            id: row.get(0)?,
            name: row.get(1)?,
            description: row.get(2)?,
            status: row.get(3)?,
            due_date: row.get(4)?,
            created_by: row.get(5)?,
            created_at: row.get(6)?,
            updated_at: row.get(7)?,
            tasks: Vec::new(),
        };
        let task = match row.get::<Option<Uuid>>(8)? {
            Some(id) => Some(Task {
                id,
                project_id: project.id,
                title: row.get(9)?,
                priority: row.get(10)?,
                completed: row.get(11)?,
                created_at: row.get(12)?,
                updated_at: row.get(13)?,
            }),
            None => None,
        };
        Ok(Self(project, task))
    }
}

/// One of the tenant's projects with its tasks.
pub async fn get_project(tx: &mut Tx, tenant_id: Uuid, id: Uuid) -> Result<Project, ApiError> {
    let sql = format!(
        "select {PROJECT_COLUMNS} from project_manager_projects where tenant_id = $1 and id = $2"
    );
    let mut project = sql::query_as::<Project>(sql::AssertSqlSafe(sql))
        .bind(tenant_id)
        .bind(id)
        .fetch_optional(&mut *tx)
        .await
        .map_err(ApiError::internal)?
        .ok_or_else(|| not_found("project"))?;
    let sql = format!(
        "select {TASK_COLUMNS} from project_manager_tasks where tenant_id = $1 and project_id = $2 order by id desc"
    );
    project.tasks = sql::query_as::<Task>(sql::AssertSqlSafe(sql))
        .bind(tenant_id)
        .bind(id)
        .fetch_all(&mut *tx)
        .await
        .map_err(ApiError::internal)?;
    Ok(project)
}

/// Inserts a validated project.
pub async fn insert_project(
    tx: &mut Tx,
    tenant_id: Uuid,
    user_id: Uuid,
    input: &NewProject,
) -> Result<Project, ApiError> {
    // Built here rather than read back with RETURNING: every value is known, and SQLite answers
    // RETURNING through a temporary table of its own, the dearest part of the insert.
    let now = now();
    let project = Project {
        id: new_id(),
        name: input.name.clone(),
        description: input.description.clone(),
        status: input.status.clone().unwrap_or_else(|| "active".into()),
        due_date: input.due_date,
        created_by: user_id,
        created_at: now,
        updated_at: now,
        tasks: Vec::new(),
    };
    sql::query(
        "insert into project_manager_projects (id, tenant_id, name, description, status, due_date, created_by, created_at, updated_at) \
         values ($1, $2, $3, $4, $5, $6, $7, $8, $8)")
        .bind(project.id)
        .bind(tenant_id)
        .bind(&project.name)
        .bind(&project.description)
        .bind(&project.status)
        .bind(project.due_date)
        .bind(user_id)
        .bind(now)
        .execute(&mut *tx)
        .await
        .map(|r| r.rows_affected())
    .map_err(ApiError::internal)?;
    Ok(project)
}

/// Applies a validated change to one of the tenant's projects.
pub async fn update_project(
    tx: &mut Tx,
    tenant_id: Uuid,
    id: Uuid,
    patch: &ProjectPatch,
) -> Result<Project, ApiError> {
    let sql = format!(
        "update project_manager_projects set name = coalesce($3, name), \
         description = case when $4 then $5 else description end, status = coalesce($6, status), \
         due_date = case when $7 then $8 else due_date end, updated_at = $9 \
         where tenant_id = $1 and id = $2 returning {PROJECT_COLUMNS}"
    );
    sql::query_as::<Project>(sql::AssertSqlSafe(sql))
        .bind(tenant_id)
        .bind(id)
        .bind(&patch.name)
        .bind(patch.description.is_some())
        .bind(patch.description.clone().flatten())
        .bind(&patch.status)
        .bind(patch.due_date.is_some())
        .bind(patch.due_date.flatten())
        .bind(now())
        .fetch_optional(&mut *tx)
        .await
        .map_err(ApiError::internal)?
        .ok_or_else(|| not_found("project"))
}

/// Deletes one of the tenant's projects and its tasks.
pub async fn delete_project(tx: &mut Tx, tenant_id: Uuid, id: Uuid) -> Result<(), ApiError> {
    sql::query("delete from project_manager_tasks where tenant_id = $1 and project_id = $2")
        .bind(tenant_id)
        .bind(id)
        .execute(&mut *tx)
        .await
        .map(|r| r.rows_affected())
        .map_err(ApiError::internal)?;
    let deleted =
        sql::query("delete from project_manager_projects where tenant_id = $1 and id = $2")
            .bind(tenant_id)
            .bind(id)
            .execute(&mut *tx)
            .await
            .map(|r| r.rows_affected())
            .map_err(ApiError::internal)?;
    if deleted == 0 {
        Err(not_found("project"))
    } else {
        Ok(())
    }
}

/// Adds a validated task to one of the tenant's projects.
pub async fn insert_task(
    tx: &mut Tx,
    tenant_id: Uuid,
    project_id: Uuid,
    input: &NewTask,
) -> Result<Task, ApiError> {
    let exists: Option<Uuid> = sql::query_scalar(
        "select id from project_manager_projects where tenant_id = $1 and id = $2",
    )
    .bind(tenant_id)
    .bind(project_id)
    .fetch_optional(&mut *tx)
    .await
    .map_err(ApiError::internal)?;
    exists.ok_or_else(|| not_found("project"))?;
    let sql = format!(
        "insert into project_manager_tasks (id, tenant_id, project_id, title, priority, completed, created_at, updated_at) \
         values ($1, $2, $3, $4, $5, false, $6, $6) returning {TASK_COLUMNS}"
    );
    sql::query_as::<Task>(sql::AssertSqlSafe(sql))
        .bind(new_id())
        .bind(tenant_id)
        .bind(project_id)
        .bind(&input.title)
        .bind(input.priority.as_deref().unwrap_or("medium"))
        .bind(now())
        .fetch_one(&mut *tx)
        .await
        .map_err(ApiError::internal)
}

/// Applies a validated change to one of the tenant's tasks.
pub async fn update_task(
    tx: &mut Tx,
    tenant_id: Uuid,
    id: Uuid,
    patch: &TaskPatch,
) -> Result<Task, ApiError> {
    let sql = format!(
        "update project_manager_tasks set title = coalesce($3, title), priority = coalesce($4, priority), \
         completed = coalesce($5, completed), updated_at = $6 where tenant_id = $1 and id = $2 returning {TASK_COLUMNS}"
    );
    sql::query_as::<Task>(sql::AssertSqlSafe(sql))
        .bind(tenant_id)
        .bind(id)
        .bind(&patch.title)
        .bind(&patch.priority)
        .bind(patch.completed)
        .bind(now())
        .fetch_optional(&mut *tx)
        .await
        .map_err(ApiError::internal)?
        .ok_or_else(|| not_found("task"))
}

/// Deletes one of the tenant's tasks.
pub async fn delete_task(tx: &mut Tx, tenant_id: Uuid, id: Uuid) -> Result<(), ApiError> {
    let deleted = sql::query("delete from project_manager_tasks where tenant_id = $1 and id = $2")
        .bind(tenant_id)
        .bind(id)
        .execute(&mut *tx)
        .await
        .map(|r| r.rows_affected())
        .map_err(ApiError::internal)?;
    if deleted == 0 {
        Err(not_found("task"))
    } else {
        Ok(())
    }
}

/// The tenant's counts.
pub async fn stats(tx: &mut Tx, tenant_id: Uuid) -> Result<Stats, ApiError> {
    let projects: Vec<(String, i64)> = sql::query_as(
        "select status, count(*) from project_manager_projects where tenant_id = $1 group by status")
        .bind(tenant_id)
        .fetch_all(&mut *tx)
        .await
    .map_err(ApiError::internal)?;
    let (total_tasks, completed_tasks): (i64, i64) = sql::query_as(
        "select count(*), cast(coalesce(sum(case when completed then 1 else 0 end), 0) as bigint) from project_manager_tasks where tenant_id = $1")
        .bind(tenant_id)
        .fetch_one(&mut *tx)
        .await
    .map_err(ApiError::internal)?;
    let count = |status: &str| {
        projects
            .iter()
            .find(|(s, _)| s == status)
            .map_or(0, |(_, n)| *n)
    };
    Ok(Stats {
        total_projects: projects.iter().map(|(_, n)| n).sum(),
        active_projects: count("active"),
        completed_projects: count("completed"),
        archived_projects: count("archived"),
        total_tasks,
        completed_tasks,
    })
}
