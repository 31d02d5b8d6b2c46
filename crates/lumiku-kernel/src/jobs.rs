//! Background jobs, the kernel's side: the `jobs` table and its state machine.
//!
//! A job is `queued` with a due time; a worker claims due jobs (and running ones whose lease has
//! lapsed) by setting a fresh claim token and a lease, which on PostgreSQL skips rows another
//! node is claiming (`for update skip locked`), so each due time goes to one worker. Every write
//! about a run checks the token: a worker that lost its lease commits nothing. When a run ends
//! ([`settle`]), a one-off job is `done` (or `failed`), a failed attempt is queued again after an
//! exponential backoff with jitter, and a recurring job moves on to its next due time.
//!
//! Apps reach this through the SDK ([`lumiku_plugin::jobs`]); the server's worker pool calls
//! [`Kernel::claim_jobs`] and [`Kernel::settle_job`].

use std::time::Duration;

use chrono::{DateTime, Utc};
use lumiku_plugin::jobs::{ClaimedJob, CronSchedule, JobClaim, NewJob, Outcome, Schedule};
use lumiku_store::sql::{self, Json};
use lumiku_store::{Backend, Tx, new_id, now};
use serde_json::Value;
use uuid::Uuid;

use crate::error::{Error, Result};
use crate::kernel::Kernel;

/// The `app_id` of the platform's own jobs (the billing cycle).
pub const SYSTEM_APP: &str = "lumiku";

/// How long a lease outlives its job's timeout: the time a worker has to write the outcome after
/// abandoning an attempt.
pub const LEASE_MARGIN: Duration = Duration::from_secs(15);

/// The longest wait before a retry.
const MAX_BACKOFF_MS: i64 = 3_600_000;

/// Who a job belongs to.
#[derive(Debug, Clone, Copy)]
pub struct JobOwner<'a> {
    /// The app whose `run_job` runs it ([`SYSTEM_APP`] for the platform's).
    pub app_id: &'a str,
    /// The tenant (none for a system job).
    pub tenant_id: Option<Uuid>,
    /// The user who queued it.
    pub user_id: Option<Uuid>,
}

/// A job claimed by a worker: its app and timeout, and what the app's run gets.
#[derive(Debug, Clone)]
pub struct Claimed {
    /// The app that runs it.
    pub app_id: String,
    /// The attempt's timeout.
    pub timeout: Duration,
    /// The tenant, none for a system job.
    pub tenant_id: Option<Uuid>,
    /// The run's facts.
    pub job: ClaimedJob,
}

#[derive(lumiku_plugin::sql::FromRow)]
struct ClaimRow {
    id: Uuid,
    app_id: String,
    kind: String,
    tenant_id: Option<Uuid>,
    user_id: Option<Uuid>,
    payload: Value,
    attempt: i64,
    max_attempts: i64,
    due_ms: i64,
    timeout_ms: i64,
}

/// The time as milliseconds since the epoch.
pub fn millis(at: DateTime<Utc>) -> i64 {
    at.timestamp_millis()
}

fn from_millis(ms: i64) -> DateTime<Utc> {
    DateTime::from_timestamp_millis(ms).unwrap_or_default()
}

fn as_millis(d: Duration) -> i64 {
    i64::try_from(d.as_millis()).unwrap_or(i64::MAX)
}

/// Queues `job` for `owner` on `tx`. With a unique key that a queued or running job of the same
/// app and tenant holds, nothing is queued and that job's id is the answer.
pub async fn enqueue(
    tx: &mut Tx,
    owner: JobOwner<'_>,
    job: &NewJob,
    at: DateTime<Utc>,
) -> Result<Uuid> {
    let Some(first) = job.schedule.first(at) else {
        return Err(Error::Invalid(lumiku_plugin::FieldErrors::from([(
            "schedule".to_owned(),
            vec!["this schedule has no due time".to_owned()],
        )])));
    };
    let (cron, time_zone, every_ms) = match &job.schedule {
        Schedule::At(_) => (None, None, None),
        Schedule::Cron(c) => (
            Some(c.expression().to_owned()),
            Some(c.time_zone().to_owned()),
            None,
        ),
        Schedule::Every(every) => (None, None, Some(as_millis(*every).max(1))),
    };
    let id = new_id();
    let inserted = sql::query(
        "insert into jobs (id, app_id, kind, tenant_id, user_id, payload, unique_key, cron, \
         time_zone, every_ms, status, due_ms, run_at_ms, attempt, max_attempts, timeout_ms, \
         backoff_ms, created_at, updated_at) \
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, 'queued', $11, $11, 0, $12, $13, $14, $15, $15) \
         on conflict do nothing",
    )
    .bind(id)
    .bind(owner.app_id)
    .bind(job.kind.as_str())
    .bind(owner.tenant_id)
    .bind(owner.user_id)
    .bind(Json(&job.payload))
    .bind(job.unique_key.as_deref())
    .bind(cron)
    .bind(time_zone)
    .bind(every_ms)
    .bind(millis(first))
    .bind(i64::from(job.max_attempts.max(1)))
    .bind(as_millis(job.timeout).max(1))
    .bind(as_millis(job.backoff))
    .bind(at)
    .execute(&mut *tx)
    .await?
    .rows_affected();
    if inserted == 1 {
        return Ok(id);
    }
    let existing: Option<Uuid> = sql::query_scalar(
        "select id from jobs where app_id = $1 and unique_key = $2 \
         and (tenant_id = $3 or (tenant_id is null and $3 is null))",
    )
    .bind(owner.app_id)
    .bind(job.unique_key.as_deref())
    .bind(owner.tenant_id)
    .fetch_optional(&mut *tx)
    .await?;
    existing.ok_or_else(|| {
        Error::Internal(anyhow::anyhow!(
            "a job was not queued and no job holds its key"
        ))
    })
}

/// Cancels the queued or running jobs of `app_id` in the transaction's tenant with `unique_key`
/// (the key is freed at once); answers how many.
pub async fn cancel(tx: &mut Tx, app_id: &str, unique_key: &str, at: DateTime<Utc>) -> Result<u64> {
    let tenant = tx.tenant();
    Ok(sql::query(
        "update jobs set status = 'canceled', unique_key = null, updated_at = $4 \
         where app_id = $1 and unique_key = $2 and tenant_id = $3 and status in ('queued', 'running')",
    )
    .bind(app_id)
    .bind(unique_key)
    .bind(tenant)
    .bind(at)
    .execute(&mut *tx)
    .await?
    .rows_affected())
}

/// Checks, on a run's transaction, that `claim` still holds its job (on PostgreSQL the row stays
/// locked until the transaction ends, so the job cannot be claimed again meanwhile).
pub async fn hold(tx: &mut Tx, claim: &JobClaim) -> Result<()> {
    let lock = if tx.backend() == Backend::Postgres {
        " for update"
    } else {
        ""
    };
    let held: Option<i64> = sql::query_scalar(sql::AssertSqlSafe(format!(
        "select attempt from jobs where id = $1 and claim = $2 and status = 'running'{lock}"
    )))
    .bind(claim.job_id)
    .bind(claim.token)
    .fetch_optional(&mut *tx)
    .await?;
    held.map(|_| ()).ok_or_else(lease_lost)
}

fn lease_lost() -> Error {
    Error::Conflict {
        code: "lease_lost",
        message: "this worker no longer holds the job: its lease lapsed or it was canceled",
    }
}

#[derive(lumiku_plugin::sql::FromRow)]
struct SettleRow {
    status: String,
    attempt: i64,
    max_attempts: i64,
    cron: Option<String>,
    time_zone: Option<String>,
    every_ms: Option<i64>,
    due_ms: i64,
    backoff_ms: i64,
}

/// What a job becomes after a run.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Next {
    /// Queued again: a retry of the same due time, or the next due time (attempts reset).
    Queued {
        due_ms: i64,
        run_at_ms: i64,
        retry: bool,
    },
    /// Over for good.
    Final(&'static str),
    /// Canceled while it ran: it stays canceled.
    Canceled,
}

/// Writes the outcome of a run of `claim` on `tx` (which must be able to see the job: a
/// tenant's transaction for a tenant's job). `Err(lease_lost)` when the claim no longer holds.
pub async fn settle(
    tx: &mut Tx,
    claim: &JobClaim,
    outcome: &Outcome,
    at: DateTime<Utc>,
) -> Result<()> {
    let lock = if tx.backend() == Backend::Postgres {
        " for update"
    } else {
        ""
    };
    let row: SettleRow = sql::query_as(sql::AssertSqlSafe(format!(
        "select status, attempt, max_attempts, cron, time_zone, every_ms, due_ms, backoff_ms \
         from jobs where id = $1 and claim = $2{lock}"
    )))
    .bind(claim.job_id)
    .bind(claim.token)
    .fetch_optional(&mut *tx)
    .await?
    .ok_or_else(lease_lost)?;
    let error = match outcome {
        Outcome::Succeeded => None,
        Outcome::Failed { error, .. } => Some(error.as_str()),
        Outcome::Skipped { reason } => Some(reason.as_str()),
    };
    let now_ms = millis(at);
    let next = next_state(&row, outcome, now_ms, jitter());
    let (status, due_ms, run_at_ms, attempt, runs_add) = match next {
        Next::Queued {
            due_ms,
            run_at_ms,
            retry,
        } => (
            "queued",
            due_ms,
            run_at_ms,
            if retry { row.attempt } else { 0 },
            i64::from(!retry),
        ),
        Next::Final(status) => (status, row.due_ms, row.due_ms, row.attempt, 1),
        Next::Canceled => ("canceled", row.due_ms, row.due_ms, row.attempt, 1),
    };
    // A job over for good gives its unique key back.
    let keeps_key = status == "queued";
    sql::query(
        "update jobs set status = $3, due_ms = $4, run_at_ms = $5, attempt = $6, \
         runs = runs + $7, last_outcome = $8, last_error = $9, claim = null, \
         lease_until_ms = null, unique_key = case when $10 then unique_key else null end, \
         updated_at = $11 where id = $1 and claim = $2",
    )
    .bind(claim.job_id)
    .bind(claim.token)
    .bind(status)
    .bind(due_ms)
    .bind(run_at_ms)
    .bind(attempt)
    .bind(runs_add)
    .bind(outcome.as_str())
    .bind(error)
    .bind(keeps_key)
    .bind(at)
    .execute(&mut *tx)
    .await?;
    Ok(())
}

/// A factor in [0.5, 1.5) spreading retries of jobs that failed together.
fn jitter() -> f64 {
    let mut bytes = [0u8; 4];
    let r = match getrandom::fill(&mut bytes) {
        Ok(()) => u32::from_le_bytes(bytes),
        Err(_) => u32::MAX / 2,
    };
    0.5 + f64::from(r) / (f64::from(u32::MAX) + 1.0)
}

fn next_state(row: &SettleRow, outcome: &Outcome, now_ms: i64, jitter: f64) -> Next {
    if row.status == "canceled" {
        return Next::Canceled;
    }
    if let Outcome::Failed { retry: true, .. } = outcome
        && row.attempt < row.max_attempts
    {
        let exponent = u32::try_from(row.attempt.clamp(1, 31) - 1).unwrap_or(0);
        let base = row.backoff_ms.saturating_mul(1_i64 << exponent.min(20));
        #[allow(clippy::cast_possible_truncation, clippy::cast_precision_loss)]
        let delay = ((base.min(MAX_BACKOFF_MS) as f64) * jitter) as i64;
        return Next::Queued {
            due_ms: row.due_ms,
            run_at_ms: now_ms + delay,
            retry: true,
        };
    }
    // This due time is over: a recurring job goes on from its next one, after now (missed due
    // times while no worker ran are not made up one by one).
    let after = row.due_ms.max(now_ms);
    let next_due = if let (Some(cron), Some(tz)) = (&row.cron, &row.time_zone) {
        CronSchedule::parse(cron, tz)
            .ok()
            .and_then(|c| c.next_after(from_millis(after)))
            .map(millis)
    } else {
        row.every_ms.map(|every| {
            let mut next = row.due_ms + every;
            if next <= now_ms {
                next = now_ms + every;
            }
            next
        })
    };
    match next_due {
        Some(due_ms) => Next::Queued {
            due_ms,
            run_at_ms: due_ms,
            retry: false,
        },
        None if matches!(outcome, Outcome::Failed { .. }) => Next::Final("failed"),
        None => Next::Final("done"),
    }
}

impl Kernel {
    /// Claims up to `limit` jobs that are due (or whose lease lapsed) as of `at` for worker
    /// `node`, with one fresh claim token, and answers them.
    pub async fn claim_jobs(
        &self,
        node: &str,
        limit: usize,
        at: DateTime<Utc>,
    ) -> Result<Vec<Claimed>> {
        let now_ms = millis(at);
        let token = new_id();
        let sql = if self.db.backend() == Backend::Postgres {
            "with picked as (select id from jobs \
               where (status = 'queued' and run_at_ms <= $1) or (status = 'running' and lease_until_ms <= $1) \
               order by run_at_ms limit $2 for update skip locked) \
             update jobs j set status = 'running', claim = $3, claimed_by = $4, \
               lease_until_ms = $1 + j.timeout_ms + $5, attempt = j.attempt + 1, updated_at = $6 \
             from picked where j.id = picked.id \
             returning j.id, j.app_id, j.kind, j.tenant_id, j.user_id, j.payload, j.attempt, \
               j.max_attempts, j.due_ms, j.timeout_ms"
        } else {
            "update jobs set status = 'running', claim = $3, claimed_by = $4, \
               lease_until_ms = $1 + timeout_ms + $5, attempt = attempt + 1, updated_at = $6 \
             where id in (select id from jobs \
               where (status = 'queued' and run_at_ms <= $1) or (status = 'running' and lease_until_ms <= $1) \
               order by run_at_ms limit $2) \
             returning id, app_id, kind, tenant_id, user_id, payload, attempt, max_attempts, \
               due_ms, timeout_ms"
        };
        let mut tx = self.db.begin().await?;
        let rows: Vec<ClaimRow> = sql::query_as(sql)
            .bind(now_ms)
            .bind(i64::try_from(limit).unwrap_or(i64::MAX))
            .bind(token)
            .bind(node)
            .bind(as_millis(LEASE_MARGIN))
            .bind(at)
            .fetch_all(&mut tx)
            .await?;
        tx.commit().await?;
        Ok(rows
            .into_iter()
            .map(|row| Claimed {
                app_id: row.app_id,
                timeout: Duration::from_millis(u64::try_from(row.timeout_ms).unwrap_or(1)),
                tenant_id: row.tenant_id,
                job: ClaimedJob {
                    claim: JobClaim {
                        job_id: row.id,
                        token,
                        tenant_id: row.tenant_id.unwrap_or_default(),
                        user_id: row.user_id.unwrap_or_default(),
                    },
                    kind: row.kind,
                    payload: row.payload,
                    attempt: u32::try_from(row.attempt).unwrap_or(u32::MAX),
                    max_attempts: u32::try_from(row.max_attempts).unwrap_or(1),
                    due_at: from_millis(row.due_ms),
                },
            })
            .collect())
    }

    /// Writes a run's outcome in a transaction of its own (when the run did not write it with
    /// its work). `Err(lease_lost)` when the claim no longer holds.
    pub async fn settle_job(
        &self,
        tenant_id: Option<Uuid>,
        claim: &JobClaim,
        outcome: &Outcome,
    ) -> Result<()> {
        let mut tx = match tenant_id {
            Some(tenant) => self.db.begin_tenant(tenant).await?,
            None => self.db.begin().await?,
        };
        settle(&mut tx, claim, outcome, now()).await?;
        tx.commit().await?;
        Ok(())
    }

    /// When the next job falls due or the next lease lapses, if any job is waiting.
    pub async fn next_job_time(&self) -> Result<Option<DateTime<Utc>>> {
        let next: Option<i64> = sql::query_scalar(
            "select min(t) from (\
               select min(run_at_ms) as t from jobs where status = 'queued' \
               union all select min(lease_until_ms) as t from jobs where status = 'running') w",
        )
        .fetch_optional(&self.db)
        .await?
        .flatten();
        Ok(next.map(from_millis))
    }

    /// Queues a platform job (no tenant) in a transaction of its own; with a unique key already
    /// held, the held job's schedule is brought up to `job`'s instead.
    pub async fn ensure_system_job(&self, job: &NewJob) -> Result<Uuid> {
        let mut tx = self.db.begin().await?;
        let owner = JobOwner {
            app_id: SYSTEM_APP,
            tenant_id: None,
            user_id: None,
        };
        let id = enqueue(&mut tx, owner, job, now()).await?;
        if let Schedule::Every(every) = job.schedule {
            let every_ms = as_millis(every).max(1);
            let due = millis(now()) + every_ms;
            sql::query(
                "update jobs set every_ms = $2, \
                 due_ms = case when run_at_ms > $3 then $3 else due_ms end, \
                 run_at_ms = case when run_at_ms > $3 then $3 else run_at_ms end \
                 where id = $1 and every_ms <> $2 and status = 'queued'",
            )
            .bind(id)
            .bind(every_ms)
            .bind(due)
            .execute(&mut tx)
            .await?;
        }
        tx.commit().await?;
        self.jobs_changed();
        Ok(id)
    }

    /// Cancels the platform's job with `unique_key`, if queued.
    pub async fn cancel_system_job(&self, unique_key: &str) -> Result<()> {
        let mut tx = self.db.begin().await?;
        sql::query(
            "update jobs set status = 'canceled', unique_key = null, updated_at = $3 \
             where app_id = $1 and tenant_id is null and unique_key = $2 and status = 'queued'",
        )
        .bind(SYSTEM_APP)
        .bind(unique_key)
        .bind(now())
        .execute(&mut tx)
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Tells this process's workers that a job may be due sooner than they planned.
    pub fn jobs_changed(&self) {
        self.jobs_wake.notify_one();
    }

    /// What this process's workers wait on between claims.
    pub fn jobs_wake(&self) -> std::sync::Arc<tokio::sync::Notify> {
        std::sync::Arc::clone(&self.jobs_wake)
    }

    /// How many of `app_id`'s jobs are in each status, by status (for an operator's or a test's eyes).
    pub async fn job_counts(&self, app_id: &str) -> Result<Vec<(String, i64)>> {
        Ok(sql::query_as(
            "select status, count(*) from jobs where app_id = $1 group by status order by status",
        )
        .bind(app_id)
        .fetch_all(&self.db)
        .await?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(attempt: i64, max: i64) -> SettleRow {
        SettleRow {
            status: "running".into(),
            attempt,
            max_attempts: max,
            cron: None,
            time_zone: None,
            every_ms: None,
            due_ms: 1_000,
            backoff_ms: 10_000,
        }
    }

    #[test]
    fn a_failed_attempt_is_retried_after_a_doubling_backoff_until_attempts_run_out() {
        let failed = Outcome::failed("boom");
        let first = next_state(&row(1, 3), &failed, 5_000, 1.0);
        assert_eq!(
            first,
            Next::Queued {
                due_ms: 1_000,
                run_at_ms: 15_000,
                retry: true
            }
        );
        let second = next_state(&row(2, 3), &failed, 5_000, 1.0);
        assert_eq!(
            second,
            Next::Queued {
                due_ms: 1_000,
                run_at_ms: 25_000,
                retry: true
            }
        );
        let jittered = next_state(&row(2, 3), &failed, 5_000, 0.5);
        assert!(matches!(
            jittered,
            Next::Queued {
                run_at_ms: 15_000,
                ..
            }
        ));
        assert_eq!(
            next_state(&row(3, 3), &failed, 5_000, 1.0),
            Next::Final("failed")
        );
        let no_retry = Outcome::Failed {
            error: "bad payload".into(),
            retry: false,
        };
        assert_eq!(
            next_state(&row(1, 3), &no_retry, 5_000, 1.0),
            Next::Final("failed")
        );
        assert_eq!(
            next_state(&row(1, 3), &Outcome::Succeeded, 5_000, 1.0),
            Next::Final("done")
        );
    }

    #[test]
    fn a_recurring_job_moves_on_after_success_skip_or_final_failure() {
        let mut every = row(3, 3);
        every.every_ms = Some(60_000);
        let next = Next::Queued {
            due_ms: 61_000,
            run_at_ms: 61_000,
            retry: false,
        };
        assert_eq!(next_state(&every, &Outcome::failed("x"), 5_000, 1.0), next);
        let skipped = Outcome::Skipped {
            reason: "insufficient_credits".into(),
        };
        assert_eq!(next_state(&every, &skipped, 5_000, 1.0), next);
        // Long after its due time: the next one is an interval from now, not from then.
        assert!(matches!(
            next_state(&every, &Outcome::Succeeded, 500_000, 1.0),
            Next::Queued {
                due_ms: 560_000,
                ..
            }
        ));
        let mut cron = row(1, 3);
        cron.cron = Some("0 9 * * *".into());
        cron.time_zone = Some("Asia/Jakarta".into());
        cron.due_ms = millis("2026-12-02T02:00:00Z".parse().unwrap());
        let Next::Queued { due_ms, .. } = next_state(&cron, &Outcome::Succeeded, cron.due_ms, 1.0)
        else {
            panic!("recurs")
        };
        assert_eq!(
            from_millis(due_ms).to_rfc3339(),
            "2026-12-03T02:00:00+00:00"
        );
        let mut canceled = row(1, 3);
        canceled.status = "canceled".into();
        assert_eq!(
            next_state(&canceled, &Outcome::failed("x"), 5_000, 1.0),
            Next::Canceled
        );
    }
}
