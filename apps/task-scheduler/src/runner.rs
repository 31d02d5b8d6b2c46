//! Running a task: what the platform's worker calls for each due time of a task's job.
//!
//! - A **reminder** run is one transaction: the `runTask` charge, the notifications, the run row
//!   and the job's outcome commit together, so it happens exactly once per due time.
//! - An **HTTP** run cannot put a request inside a transaction. Its charge and a `running` run row
//!   commit first; then the request is sent; then its answer, the task's last outcome and the
//!   job's outcome commit together. A node that dies mid-request leaves the row `running`; the
//!   job runs again after its lease, and that attempt marks the row `interrupted`.
//! - Too few credits: the run is recorded as `skipped` (`insufficient_credits`), nothing is
//!   charged, and a recurring task goes on to its next due time.

use std::time::Duration;

use lumiku_plugin::jobs::{JobRun, JobTx, Outcome};
use lumiku_plugin::{ApiError, context::Action};
use serde::{Deserialize, Serialize};
use serde_json::json;
use uuid::Uuid;

use crate::RunTask;
use crate::model::TaskAction;
use crate::store::{self, NewRun, RunEnd, Task};

/// A scheduled run of a task's job.
pub const TASK_JOB: &str = "task";
/// A "run now", paid when it was asked for.
pub const RUN_NOW_JOB: &str = "run-now";

/// What a task's jobs carry.
#[derive(Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Payload {
    /// The task.
    pub task_id: Uuid,
}

/// Runs one job of the app.
pub async fn run(run: JobRun) -> Result<Outcome, ApiError> {
    let paid = match run.kind() {
        TASK_JOB => false,
        RUN_NOW_JOB => true,
        other => {
            return Ok(Outcome::Failed {
                error: format!("no job of kind '{other}'"),
                retry: false,
            });
        }
    };
    let payload: Payload = match run.payload_as() {
        Ok(payload) => payload,
        Err(outcome) => return Ok(outcome),
    };
    let mut tx = run.read().await?;
    let task = store::find_task(&mut tx, run.tenant_id(), payload.task_id).await?;
    drop(tx);
    let Some(task) = task else {
        return Ok(Outcome::Skipped {
            reason: "task_deleted".into(),
        });
    };
    if !task.enabled && !paid {
        return Ok(Outcome::Skipped {
            reason: "task_paused".into(),
        });
    }
    // Read before the run's transaction opens: a run holds one connection at a time.
    let members = match &task.action {
        TaskAction::Reminder { .. } => run_members(&run).await?,
        TaskAction::Http { .. } => Vec::new(),
    };
    // A paid "run now" was charged with the request; a scheduled run pays now.
    let opened = if paid {
        run.begin().await
    } else {
        run.charge::<RunTask>().await
    };
    let tx = match opened {
        Ok(tx) => tx,
        Err(error) if error.code() == "insufficient_credits" => {
            return skip_for_credits(&run, &task).await;
        }
        Err(error) => return Err(error),
    };
    let credits = if paid {
        crate::MANIFEST.cost(RunTask::NAME).unwrap_or(0)
    } else {
        tx.credits()
    };
    match &task.action {
        TaskAction::Reminder {
            message,
            recipients,
        } => {
            let reminder = Reminder {
                message,
                recipients,
                members: &members,
                credits,
            };
            remind(&run, tx, &task, &reminder).await
        }
        TaskAction::Http {
            method,
            url,
            headers,
            body,
            timeout_secs,
        } => {
            let request = Request {
                method,
                url,
                headers,
                body: body.as_deref(),
                timeout: Duration::from_secs(u64::from(timeout_secs.unwrap_or(30))),
            };
            call(&run, tx, &task, &request, credits).await
        }
    }
}

async fn skip_for_credits(run: &JobRun, task: &Task) -> Result<Outcome, ApiError> {
    let outcome = Outcome::Skipped {
        reason: "insufficient_credits".into(),
    };
    let mut tx = run.begin().await?;
    let tenant = run.tenant_id();
    let new_run = NewRun {
        task_id: task.id,
        due_at: run.due_at(),
        attempt: run.attempt(),
        outcome: "skipped",
        error: Some("insufficient_credits".into()),
        credits: 0,
    };
    let run_id = store::insert_run(tx.tx(), tenant, &new_run).await?;
    store::touch_task(tx.tx(), tenant, task.id, "skipped").await?;
    let data = json!({
        "taskId": task.id,
        "taskName": task.name,
        "runId": run_id,
        "dueAt": run.due_at(),
        "reason": "insufficient_credits",
    });
    tx.emit_webhook("run.skipped", data).await?;
    tx.finish(json!({}), outcome.clone()).await?;
    Ok(outcome)
}

struct Reminder<'a> {
    message: &'a str,
    recipients: &'a [Uuid],
    members: &'a [Uuid],
    credits: i64,
}

async fn remind(
    run: &JobRun,
    mut tx: JobTx,
    task: &Task,
    reminder: &Reminder<'_>,
) -> Result<Outcome, ApiError> {
    let tenant = run.tenant_id();
    let Reminder {
        message,
        recipients,
        members,
        credits,
    } = *reminder;
    let still: Vec<Uuid> = recipients
        .iter()
        .copied()
        .filter(|id| members.contains(id))
        .collect();
    store::notify(tx.tx(), tenant, task.id, &still, message).await?;
    let new_run = NewRun {
        task_id: task.id,
        due_at: run.due_at(),
        attempt: run.attempt(),
        outcome: "succeeded",
        error: (still.len() < recipients.len())
            .then(|| "some recipients have left the tenant".to_owned()),
        credits,
    };
    store::insert_run(tx.tx(), tenant, &new_run).await?;
    store::touch_task(tx.tx(), tenant, task.id, "succeeded").await?;
    let metadata = json!({ "taskId": task.id, "action": "reminder", "notified": still.len() });
    tx.finish(metadata, Outcome::Succeeded).await?;
    Ok(Outcome::Succeeded)
}

/// The ids of the tenant's members now.
async fn run_members(run: &JobRun) -> Result<Vec<Uuid>, ApiError> {
    Ok(run
        .members()
        .await?
        .into_iter()
        .map(|m| m.user_id)
        .collect())
}

struct Request<'a> {
    method: &'a str,
    url: &'a str,
    headers: &'a std::collections::BTreeMap<String, String>,
    body: Option<&'a str>,
    timeout: Duration,
}

async fn call(
    run: &JobRun,
    mut tx: JobTx,
    task: &Task,
    request: &Request<'_>,
    credits: i64,
) -> Result<Outcome, ApiError> {
    let tenant = run.tenant_id();
    let new_run = NewRun {
        task_id: task.id,
        due_at: run.due_at(),
        attempt: run.attempt(),
        outcome: "running",
        error: None,
        credits,
    };
    let run_id = store::insert_run(tx.tx(), tenant, &new_run).await?;
    tx.commit(json!({ "taskId": task.id, "action": "http" }))
        .await?;

    let answer = crate::http::send(
        request.method,
        request.url,
        request.headers,
        request.body,
        request.timeout,
        run.allows_private_networks(),
    )
    .await;

    let (word, outcome) = match &answer.error {
        None => ("succeeded", Outcome::Succeeded),
        Some(error) => (
            "failed",
            Outcome::Failed {
                error: error.clone(),
                retry: answer.retryable,
            },
        ),
    };
    let mut tx = run.begin().await?;
    let end = RunEnd {
        outcome: word,
        duration_ms: i64::try_from(answer.duration.as_millis()).unwrap_or(i64::MAX),
        status_code: answer.status,
        response: answer.body.as_deref(),
        error: answer.error.as_deref(),
    };
    store::end_run(tx.tx(), tenant, run_id, &end).await?;
    store::touch_task(tx.tx(), tenant, task.id, word).await?;
    if let Some(error) = &answer.error {
        let data = json!({
            "taskId": task.id,
            "taskName": task.name,
            "runId": run_id,
            "dueAt": run.due_at(),
            "attempt": run.attempt(),
            "statusCode": answer.status,
            "error": error,
            "willRetry": answer.retryable && !run.is_last_attempt(),
        });
        tx.emit_webhook("run.failed", data).await?;
    }
    tx.finish(json!({}), outcome.clone()).await?;
    Ok(outcome)
}
