//! Background jobs: work an app queues now and the platform runs later, at a time or on a
//! schedule, exactly once per due time however many nodes run workers.
//!
//! An app queues a job on the transaction of one of its actions ([`Metered::enqueue`]), so the
//! job exists if and only if the action committed. A worker in some `lumiku serve` (or
//! `lumiku worker`) claims it when it is due, with a lease that lapses if the node dies, and calls
//! the app's [`Plugin::run_job`](crate::Plugin::run_job) with a [`JobRun`]. The run may charge an
//! action of the app's manifest ([`JobRun::charge`]): the debit, the run's writes and the job's
//! outcome ([`JobTx::finish`]) then commit together, as a metered request does. A job finished
//! that way never runs again for that due time.
//!
//! ```text
//! let job = NewJob::new("reminder", Schedule::cron("0 9 * * MON-FRI", "Asia/Jakarta")?)
//!     .payload(json!({ "taskId": id }))
//!     .unique_key(format!("task:{id}"));
//! metered.enqueue(&job).await?;
//! ```
//!
//! A failed run is retried after an exponential backoff with jitter up to the job's
//! `max_attempts`; a recurring job then moves on to its next due time all the same.
//!
//! [`Metered::enqueue`]: crate::Metered::enqueue

use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use serde::de::DeserializeOwned;
use serde_json::Value;
use uuid::Uuid;

use crate::ApiError;
use crate::context::{Action, BoxFuture, ChargeRequest, Completion, Host};
use crate::manifest::Manifest;
use crate::sql::Tx;

/// When a job runs.
#[derive(Debug, Clone)]
pub enum Schedule {
    /// Once, at this time (now or in the past: as soon as a worker is free).
    At(DateTime<Utc>),
    /// At every time a cron expression matches in a time zone.
    Cron(Box<CronSchedule>),
    /// Every so often, the first time one interval from now.
    Every(Duration),
}

impl Schedule {
    /// Once, as soon as a worker is free.
    pub fn now() -> Self {
        Self::At(crate::sql::now())
    }

    /// A cron schedule; see [`CronSchedule::parse`].
    pub fn cron(expression: &str, time_zone: &str) -> Result<Self, ScheduleError> {
        CronSchedule::parse(expression, time_zone).map(|c| Self::Cron(Box::new(c)))
    }

    /// The first due time after `now`: the time itself for [`Schedule::At`].
    pub fn first(&self, now: DateTime<Utc>) -> Option<DateTime<Utc>> {
        match self {
            Self::At(at) => Some(*at),
            Self::Cron(cron) => cron.next_after(now),
            Self::Every(every) => chrono::Duration::from_std(*every).ok().map(|d| now + d),
        }
    }

    /// Whether the job comes back after each run.
    pub fn recurs(&self) -> bool {
        !matches!(self, Self::At(_))
    }
}

/// Why a schedule was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ScheduleError {
    /// The cron expression does not parse, or never matches.
    #[error("{0}")]
    Expression(String),
    /// The time zone is not an IANA name.
    #[error("'{0}' is not a time zone name (such as Asia/Jakarta or UTC)")]
    TimeZone(String),
}

/// A cron expression of 5 fields (minute, hour, day of month, month, day of week) or 6 (seconds
/// first), evaluated in an IANA time zone. Around daylight-saving changes it follows the Open Cron
/// Pattern Specification: a fixed time that falls in the skipped hour runs just after it, and one
/// in the repeated hour runs once.
#[derive(Debug, Clone)]
pub struct CronSchedule {
    expression: String,
    time_zone: Tz,
    cron: croner::Cron,
}

/// How many due times [`CronSchedule::shortest_gap`] looks at.
const GAP_SAMPLE: usize = 180;

impl CronSchedule {
    /// Parses `expression` in `time_zone`.
    pub fn parse(expression: &str, time_zone: &str) -> Result<Self, ScheduleError> {
        let expression = expression.split_whitespace().collect::<Vec<_>>().join(" ");
        let fields = expression.split(' ').filter(|f| !f.is_empty()).count();
        if !(5..=6).contains(&fields) {
            return Err(ScheduleError::Expression(format!(
                "a cron expression has 5 fields (minute hour day month weekday) or 6 (seconds \
                 first); this one has {fields}"
            )));
        }
        let time_zone = Tz::from_str(time_zone.trim())
            .map_err(|_| ScheduleError::TimeZone(time_zone.to_owned()))?;
        let cron = croner::parser::CronParser::builder()
            .seconds(croner::parser::Seconds::Optional)
            .year(croner::parser::Year::Disallowed)
            .build()
            .parse(&expression)
            .map_err(|e| ScheduleError::Expression(e.to_string()))?;
        let schedule = Self {
            expression,
            time_zone,
            cron,
        };
        if schedule.next_after(crate::sql::now()).is_none() {
            return Err(ScheduleError::Expression(
                "this expression never matches a date".into(),
            ));
        }
        Ok(schedule)
    }

    /// The expression, with its fields separated by single spaces.
    pub fn expression(&self) -> &str {
        &self.expression
    }

    /// The time zone's IANA name.
    pub fn time_zone(&self) -> &str {
        self.time_zone.name()
    }

    /// The first due time strictly after `after`.
    pub fn next_after(&self, after: DateTime<Utc>) -> Option<DateTime<Utc>> {
        let local = after.with_timezone(&self.time_zone);
        self.cron
            .find_next_occurrence(&local, false)
            .ok()
            .map(|t| t.with_timezone(&Utc))
    }

    /// The next `n` due times after `after`.
    pub fn upcoming(&self, after: DateTime<Utc>, n: usize) -> Vec<DateTime<Utc>> {
        let mut times = Vec::with_capacity(n);
        let mut at = after;
        while times.len() < n {
            let Some(next) = self.next_after(at) else {
                break;
            };
            times.push(next);
            at = next;
        }
        times
    }

    /// The shortest time between two due times over the next few hundred, from `after`: how
    /// often the schedule runs at its busiest.
    pub fn shortest_gap(&self, after: DateTime<Utc>) -> Duration {
        self.upcoming(after, GAP_SAMPLE)
            .windows(2)
            .filter_map(|w| (w[1] - w[0]).to_std().ok())
            .min()
            .unwrap_or(Duration::MAX)
    }
}

/// A job to queue: what runs it (its `kind`, for the app's [`Plugin::run_job`]), its payload and
/// schedule, and how it retries.
///
/// [`Plugin::run_job`]: crate::Plugin::run_job
#[derive(Debug, Clone)]
pub struct NewJob {
    /// The app's name for this kind of job.
    pub kind: String,
    /// When it runs.
    pub schedule: Schedule,
    /// What the run gets in [`JobRun::payload`].
    pub payload: Value,
    /// Attempts per due time, the first included (at least 1; 3 by default).
    pub max_attempts: u32,
    /// How long one attempt may take before it is abandoned and counted as failed (30 s by
    /// default); its lease lasts this long plus a margin.
    pub timeout: Duration,
    /// The wait before the first retry (10 s by default), doubled for each later one, with
    /// jitter.
    pub backoff: Duration,
    /// A key naming the job in its tenant: while a job with this key is queued or running,
    /// queuing another with it does nothing and answers the first one's id.
    pub unique_key: Option<String>,
}

impl NewJob {
    /// A job of `kind` on `schedule`, with an empty payload and the default retries.
    pub fn new(kind: impl Into<String>, schedule: Schedule) -> Self {
        Self {
            kind: kind.into(),
            schedule,
            payload: Value::Null,
            max_attempts: 3,
            timeout: Duration::from_secs(30),
            backoff: Duration::from_secs(10),
            unique_key: None,
        }
    }

    /// With this payload.
    pub fn payload(mut self, payload: Value) -> Self {
        self.payload = payload;
        self
    }

    /// With this many attempts per due time.
    pub fn max_attempts(mut self, attempts: u32) -> Self {
        self.max_attempts = attempts.max(1);
        self
    }

    /// With this timeout per attempt.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// With this first backoff.
    pub fn backoff(mut self, backoff: Duration) -> Self {
        self.backoff = backoff;
        self
    }

    /// With this unique key.
    pub fn unique_key(mut self, key: impl Into<String>) -> Self {
        self.unique_key = Some(key.into());
        self
    }
}

/// How a run ended, for the job's next step.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// Done: a one-off job is finished, a recurring one waits for its next due time.
    Succeeded,
    /// Failed: retried after a backoff while attempts remain and `retry` is set; otherwise the
    /// due time is given up (a recurring job moves on to its next one).
    Failed {
        /// What went wrong, kept on the job.
        error: String,
        /// Whether another attempt could help.
        retry: bool,
    },
    /// Not run, on purpose (`insufficient_credits`, `app_not_installed`...): no retry, and a
    /// recurring job moves on to its next due time.
    Skipped {
        /// Why.
        reason: String,
    },
}

impl Outcome {
    /// A failure worth retrying.
    pub fn failed(error: impl Into<String>) -> Self {
        Self::Failed {
            error: error.into(),
            retry: true,
        }
    }

    /// The word kept in the job's `last_outcome`.
    pub fn as_str(&self) -> &'static str {
        match self {
            Self::Succeeded => "succeeded",
            Self::Failed { .. } => "failed",
            Self::Skipped { .. } => "skipped",
        }
    }
}

/// A claimed job, as the worker hands it to the kernel's [`Host`]: which job, and the claim token
/// that proves this worker still holds its lease.
#[derive(Debug, Clone)]
pub struct JobClaim {
    /// The job.
    pub job_id: Uuid,
    /// This claim's token: every write about the run checks it, so a worker whose lease lapsed
    /// (and whose job another node took over) cannot commit anything.
    pub token: Uuid,
    /// The tenant the job belongs to.
    pub tenant_id: Uuid,
    /// The user who queued it.
    pub user_id: Uuid,
}

/// A job being run: what the app's [`Plugin::run_job`](crate::Plugin::run_job) gets.
pub struct JobRun {
    app: &'static Manifest,
    host: Arc<dyn Host>,
    claim: JobClaim,
    kind: String,
    payload: Value,
    attempt: u32,
    max_attempts: u32,
    due_at: DateTime<Utc>,
    finished: Arc<std::sync::atomic::AtomicBool>,
}

/// What the worker knows of a job it claimed, to build a [`JobRun`].
#[derive(Debug, Clone)]
pub struct ClaimedJob {
    /// The claim.
    pub claim: JobClaim,
    /// The job's kind.
    pub kind: String,
    /// Its payload.
    pub payload: Value,
    /// This attempt's number, from 1.
    pub attempt: u32,
    /// The most attempts per due time.
    pub max_attempts: u32,
    /// The due time being run.
    pub due_at: DateTime<Utc>,
}

impl JobRun {
    /// A run of `job` for `app`, served by `host`. For the server's worker.
    pub fn new(app: &'static Manifest, host: Arc<dyn Host>, job: ClaimedJob) -> Self {
        Self {
            app,
            host,
            claim: job.claim,
            kind: job.kind,
            payload: job.payload,
            attempt: job.attempt,
            max_attempts: job.max_attempts,
            due_at: job.due_at,
            finished: Arc::default(),
        }
    }

    /// A flag the worker reads after the run: whether the app already wrote the job's outcome
    /// with [`JobTx::finish`]. For the server's worker.
    pub fn finished_flag(&self) -> Arc<std::sync::atomic::AtomicBool> {
        Arc::clone(&self.finished)
    }

    /// The job's id.
    pub fn job_id(&self) -> Uuid {
        self.claim.job_id
    }

    /// The job's kind, as queued.
    pub fn kind(&self) -> &str {
        &self.kind
    }

    /// The payload, as queued.
    pub fn payload(&self) -> &Value {
        &self.payload
    }

    /// The payload as `T` (a payload that no longer reads is a failure not worth retrying).
    pub fn payload_as<T: DeserializeOwned>(&self) -> Result<T, Outcome> {
        serde_json::from_value(self.payload.clone()).map_err(|e| Outcome::Failed {
            error: format!("the job's payload does not read: {e}"),
            retry: false,
        })
    }

    /// The tenant the job belongs to.
    pub fn tenant_id(&self) -> Uuid {
        self.claim.tenant_id
    }

    /// The user who queued it: the one charged actions are recorded under.
    pub fn user_id(&self) -> Uuid {
        self.claim.user_id
    }

    /// This attempt, from 1.
    pub fn attempt(&self) -> u32 {
        self.attempt
    }

    /// Whether this is the last attempt for this due time.
    pub fn is_last_attempt(&self) -> bool {
        self.attempt >= self.max_attempts
    }

    /// The due time this run is for.
    pub fn due_at(&self) -> DateTime<Utc> {
        self.due_at
    }

    /// Whether the platform lets outbound requests reach private and loopback addresses.
    pub fn allows_private_networks(&self) -> bool {
        self.host.allows_private_networks()
    }

    /// The tenant's members.
    pub async fn members(&self) -> Result<Vec<crate::context::Member>, ApiError> {
        let mut tx = self.host.read(self.claim.tenant_id).await?;
        self.host.members(&mut tx).await
    }

    /// The blobs this app stored for the job's tenant. See [`crate::blobs`].
    pub fn blobs(&self) -> crate::blobs::Blobs {
        crate::blobs::Blobs::new(Arc::clone(&self.host), self.claim.tenant_id)
    }

    /// Sends `mail` for the job's tenant (see [`crate::mail`]): a failure is worth a retry
    /// unless it is a bad recipient (422) or mail is not configured (503).
    pub async fn send_mail(&self, mail: crate::mail::Mail) -> Result<(), ApiError> {
        self.host.send_mail(self.claim.tenant_id, mail).await
    }

    /// A read transaction of the job's tenant, inside the app's wall.
    pub async fn read(&self) -> Result<Tx, ApiError> {
        let tx = self.host.read(self.claim.tenant_id).await?;
        Ok(Tx::walled(tx))
    }

    /// A free write transaction of the job's tenant, inside the app's wall. Opening it checks
    /// that this worker still holds the job (409 `lease_lost` otherwise) and that the app is still
    /// enabled and installed for the tenant (404).
    pub async fn begin(&self) -> Result<JobTx, ApiError> {
        let (tx, _) = self.host.job_open(&self.claim, None).await?;
        Ok(self.job_tx(tx, None))
    }

    /// A write transaction that has charged action `A` to the job's tenant, as a metered request
    /// does: the conditional debit (402 `insufficient_credits` with `required` and `current` when
    /// the wallet is short, and nothing else happens), then the app's wall. What the run writes
    /// on it commits with the charge.
    pub async fn charge<A: Action>(&self) -> Result<JobTx, ApiError> {
        let cost = self.app.cost(A::NAME).ok_or_else(|| {
            ApiError::internal(std::io::Error::other(format!(
                "action '{}' is not priced in the manifest of '{}'",
                A::NAME,
                self.app.app_id
            )))
        })?;
        let charge = ChargeRequest {
            app_id: self.app.app_id,
            action: A::NAME,
            cost,
            tenant_id: self.claim.tenant_id,
            user_id: self.claim.user_id,
            idempotency: None,
        };
        let (tx, balance) = self.host.job_open(&self.claim, Some(&charge)).await?;
        Ok(self.job_tx(tx, Some((charge, balance.unwrap_or_default()))))
    }

    fn job_tx(&self, tx: lumiku_store::Tx, charge: Option<(ChargeRequest, i64)>) -> JobTx {
        JobTx {
            tx: Tx::walled(tx),
            host: Arc::clone(&self.host),
            claim: self.claim.clone(),
            charge,
            finished: Arc::clone(&self.finished),
        }
    }
}

/// A run's write transaction ([`JobRun::begin`] or [`JobRun::charge`]).
pub struct JobTx {
    tx: Tx,
    host: Arc<dyn Host>,
    claim: JobClaim,
    charge: Option<(ChargeRequest, i64)>,
    finished: Arc<std::sync::atomic::AtomicBool>,
}

impl JobTx {
    /// The transaction, inside the app's wall.
    pub fn tx(&mut self) -> &mut Tx {
        &mut self.tx
    }

    /// The credits charged (0 for a free transaction).
    pub fn credits(&self) -> i64 {
        self.charge.as_ref().map_or(0, |(c, _)| c.cost)
    }

    /// Publishes `event` on the run's transaction: delivered if and only if it commits.
    pub async fn publish(&mut self, event: &crate::realtime::Event) -> Result<(), ApiError> {
        self.host.publish(self.tx.inner_mut(), event).await
    }

    /// Emits webhook event `event` of the app's manifest with `data` on the run's transaction:
    /// sent if and only if it commits. See [`crate::Metered::emit_webhook`].
    pub async fn emit_webhook(
        &mut self,
        event: &str,
        data: serde_json::Value,
    ) -> Result<(), ApiError> {
        self.host
            .emit_webhook(self.tx.inner_mut(), event, data)
            .await
    }

    /// Commits the writes (and the charge with its usage row, `metadata` kept on it); the job
    /// stays claimed, for a run with more to do (an outbound request, say) before its outcome.
    pub async fn commit(self, metadata: Value) -> Result<(), ApiError> {
        self.close(metadata, None).await
    }

    /// Commits the writes, the charge and the job's `outcome` at once: the run is over.
    pub async fn finish(self, metadata: Value, outcome: Outcome) -> Result<(), ApiError> {
        let finished = Arc::clone(&self.finished);
        self.close(metadata, Some(outcome)).await?;
        finished.store(true, std::sync::atomic::Ordering::Release);
        Ok(())
    }

    async fn close(self, metadata: Value, outcome: Option<Outcome>) -> Result<(), ApiError> {
        let body = Value::Null;
        let completion = self.charge.as_ref().map(|(charge, balance)| Completion {
            charge,
            balance: *balance,
            metadata,
            status: 200,
            body: &body,
        });
        self.host
            .job_close(
                self.tx.into_inner(),
                &self.claim,
                completion,
                outcome.as_ref(),
            )
            .await
    }
}

/// Runs a job of an app that does not run any: the run fails for good.
pub(crate) fn no_jobs(run: JobRun) -> BoxFuture<'static, Result<Outcome, ApiError>> {
    Box::pin(async move {
        Ok(Outcome::Failed {
            error: format!("this app runs no jobs of kind '{}'", run.kind()),
            retry: false,
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn utc(y: i32, mo: u32, d: u32, h: u32, mi: u32, s: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(y, mo, d, h, mi, s).unwrap()
    }

    #[test]
    fn five_and_six_fields_parse_and_others_do_not() {
        assert!(CronSchedule::parse("0 9 * * MON-FRI", "Asia/Jakarta").is_ok());
        assert!(CronSchedule::parse("*/10 * * * * *", "UTC").is_ok());
        for bad in [
            "",
            "* * * *",
            "0 0 0 1 1 * 2030",
            "61 * * * *",
            "* * * * FUNDAY",
        ] {
            assert!(
                matches!(
                    CronSchedule::parse(bad, "UTC"),
                    Err(ScheduleError::Expression(_))
                ),
                "{bad:?}"
            );
        }
        assert!(CronSchedule::parse("0 0 30 2 *", "UTC").is_err(), "never");
        assert_eq!(
            CronSchedule::parse("* * * * *", "Mars/Olympus").unwrap_err(),
            ScheduleError::TimeZone("Mars/Olympus".into())
        );
    }

    #[test]
    fn weekday_mornings_in_jakarta_are_02_00_utc() {
        let cron = CronSchedule::parse("0 9 * * MON-FRI", "Asia/Jakarta").unwrap();
        // Friday 2026-12-04 10:00 UTC: the next is Monday 7 December, 09:00 in Jakarta (UTC+7).
        let next = cron.upcoming(utc(2026, 12, 4, 10, 0, 0), 2);
        assert_eq!(
            next,
            vec![utc(2026, 12, 7, 2, 0, 0), utc(2026, 12, 8, 2, 0, 0)]
        );
    }

    #[test]
    fn a_time_in_the_skipped_hour_runs_just_after_it_and_the_repeated_hour_runs_once() {
        // New York springs forward on 8 March 2026 at 02:00 (to 03:00 EDT, UTC-4).
        let cron = CronSchedule::parse("30 2 * * *", "America/New_York").unwrap();
        let spring = cron.upcoming(utc(2026, 3, 7, 12, 0, 0), 2);
        assert_eq!(
            spring[0],
            utc(2026, 3, 8, 7, 0, 0),
            "03:00 EDT, just after the gap"
        );
        assert_eq!(
            spring[1],
            utc(2026, 3, 9, 6, 30, 0),
            "02:30 EDT the day after"
        );
        // It falls back on 1 November 2026 at 02:00 EDT to 01:00 EST: 01:30 happens twice.
        let cron = CronSchedule::parse("30 1 * * *", "America/New_York").unwrap();
        let fall = cron.upcoming(utc(2026, 10, 31, 12, 0, 0), 2);
        assert_eq!(fall[0], utc(2026, 11, 1, 5, 30, 0), "the first 01:30 (EDT)");
        assert_eq!(
            fall[1],
            utc(2026, 11, 2, 6, 30, 0),
            "not the second one (EST)"
        );
        // Every 15 minutes keeps running through the repeated hour.
        let cron = CronSchedule::parse("*/15 * * * *", "America/New_York").unwrap();
        let times = cron.upcoming(utc(2026, 11, 1, 5, 0, 0), 8);
        assert_eq!(times[7] - times[0], chrono::Duration::minutes(105));
    }

    #[test]
    fn the_shortest_gap_is_how_often_it_runs_at_its_busiest() {
        let at = utc(2026, 12, 2, 0, 0, 0);
        let gap = |e: &str| CronSchedule::parse(e, "UTC").unwrap().shortest_gap(at);
        assert_eq!(gap("* * * * *"), Duration::from_secs(60));
        assert_eq!(gap("*/10 * * * * *"), Duration::from_secs(10));
        assert_eq!(gap("0,55 * * * * *"), Duration::from_secs(5));
        assert_eq!(gap("0 9 * * *"), Duration::from_secs(86_400));
    }

    #[test]
    fn a_job_has_sane_defaults_and_at_least_one_attempt() {
        let job = NewJob::new("x", Schedule::now()).max_attempts(0);
        assert_eq!(job.max_attempts, 1);
        assert_eq!(job.timeout, Duration::from_secs(30));
        assert!(!job.schedule.recurs());
        assert!(Schedule::Every(Duration::from_secs(60)).recurs());
    }
}
