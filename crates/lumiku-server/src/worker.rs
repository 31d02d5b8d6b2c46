//! The worker pool: runs the background jobs apps queue (see [`lumiku_plugin::jobs`]) and the
//! platform's own (the billing cycle), in every `lumiku serve` and in `lumiku worker`.
//!
//! It claims due jobs in batches up to its free slots, runs each under its timeout, and writes
//! each outcome under the claim's token. Between claims it sleeps until the next job falls due or
//! the next lease lapses (at most [`MAX_IDLE`], to see jobs other nodes queued), and wakes at once
//! when this process queues one: no busy polling.

use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::Duration;

use lumiku_kernel::Kernel;
use lumiku_kernel::jobs::{Claimed, SYSTEM_APP};
use lumiku_plugin::context::Host;
use lumiku_plugin::jobs::{JobRun, NewJob, Outcome, Schedule};
use lumiku_plugin::{ApiError, Plugin};
use tokio::sync::{Semaphore, watch};

/// The longest sleep between claims: how late a worker may see a job another node queued.
pub const MAX_IDLE: Duration = Duration::from_secs(1);

/// The kind of the platform's billing cycle job.
pub const BILLING_CYCLE: &str = "billing.cycle";

/// The most jobs claimed in one statement.
const CLAIM_BATCH: usize = 64;

/// An app and the host its runs go through.
type AppRunner = (Arc<dyn Plugin>, Arc<dyn Host>);

/// A pool of workers over the kernel's jobs.
pub struct Workers {
    kernel: Arc<Kernel>,
    apps: HashMap<&'static str, AppRunner>,
    size: usize,
    node: String,
}

impl Workers {
    /// A pool of `size` workers running `apps`' jobs and the platform's.
    pub fn new(kernel: Arc<Kernel>, apps: &[Arc<dyn Plugin>], size: usize) -> Arc<Self> {
        let apps = apps
            .iter()
            .map(|app| {
                let manifest = app.manifest();
                (
                    manifest.app_id,
                    (Arc::clone(app), kernel.app_host(manifest)),
                )
            })
            .collect();
        Arc::new(Self {
            kernel,
            apps,
            size: size.max(1),
            node: format!(
                "{}:{}",
                std::process::id(),
                lumiku_kernel::db::new_id().simple()
            ),
        })
    }

    /// Runs until `stop` turns true, then lets the jobs in hand finish (up to `drain`).
    pub async fn run(self: Arc<Self>, mut stop: watch::Receiver<bool>, drain: Duration) {
        let slots = Arc::new(Semaphore::new(self.size));
        let wake = self.kernel.jobs_wake();
        tracing::info!(workers = self.size, node = %self.node, "job workers started");
        while !*stop.borrow() {
            let free = slots.available_permits().min(CLAIM_BATCH);
            let mut claimed_all = false;
            if free > 0 {
                match self
                    .kernel
                    .claim_jobs(&self.node, free, lumiku_kernel::db::now())
                    .await
                {
                    Ok(jobs) => {
                        claimed_all = jobs.len() == free;
                        for job in jobs {
                            let Ok(slot) = Arc::clone(&slots).acquire_owned().await else {
                                return;
                            };
                            let pool = Arc::clone(&self);
                            tokio::spawn(async move {
                                pool.run_one(job).await;
                                drop(slot);
                            });
                        }
                    }
                    Err(error) => {
                        tracing::error!(error = ?error, "claiming jobs failed");
                        // Not again at once: a failing database is not to be hammered.
                        tokio::select! {
                            () = tokio::time::sleep(MAX_IDLE) => {}
                            _ = stop.changed() => {}
                        }
                        continue;
                    }
                }
            }
            if claimed_all {
                // Perhaps more are due: claim again as soon as a slot is free.
                tokio::select! {
                    slot = Arc::clone(&slots).acquire_owned() => drop(slot),
                    _ = stop.changed() => {}
                }
                continue;
            }
            let idle = self.idle_for().await;
            tokio::select! {
                () = tokio::time::sleep(idle) => {}
                () = wake.notified() => {}
                _ = stop.changed() => {}
            }
        }
        let all = u32::try_from(self.size).unwrap_or(u32::MAX);
        let _ = tokio::time::timeout(drain, slots.acquire_many(all)).await;
        tracing::info!(node = %self.node, "job workers stopped");
    }

    /// How long to sleep: until the next due time or lapsing lease, at most [`MAX_IDLE`].
    async fn idle_for(&self) -> Duration {
        match self.kernel.next_job_time().await {
            Ok(Some(at)) => (at - lumiku_kernel::db::now())
                .to_std()
                .unwrap_or(Duration::ZERO)
                .min(MAX_IDLE),
            Ok(None) => MAX_IDLE,
            Err(error) => {
                tracing::error!(error = ?error, "reading the next job time failed");
                MAX_IDLE
            }
        }
    }

    /// Runs one claimed job and writes its outcome (unless the run wrote it with its work).
    async fn run_one(&self, claimed: Claimed) {
        let Claimed {
            app_id,
            timeout,
            tenant_id,
            job,
        } = claimed;
        let claim = job.claim.clone();
        let kind = job.kind.clone();
        let outcome = if app_id == SYSTEM_APP {
            self.run_system(&job).await
        } else if let Some((app, host)) = self.apps.get(app_id.as_str()) {
            let run = JobRun::new(app.manifest(), Arc::clone(host), job);
            let finished = run.finished_flag();
            let result = tokio::time::timeout(timeout, app.run_job(run)).await;
            if finished.load(Ordering::Acquire) {
                return;
            }
            match result {
                Ok(Ok(outcome)) => outcome,
                Ok(Err(error)) => {
                    if error.status().is_server_error() {
                        tracing::error!(app = %app_id, kind = %kind, error = ?error, "a job's run failed");
                    }
                    outcome_of_error(&error)
                }
                Err(_) => Outcome::failed(format!(
                    "timed out after {} s",
                    timeout.as_secs_f64().round()
                )),
            }
        } else {
            Outcome::Failed {
                error: format!("no app '{app_id}' is compiled into this server"),
                retry: false,
            }
        };
        if let Outcome::Failed { error, .. } = &outcome {
            tracing::warn!(app = %app_id, kind = %kind, job = %claim.job_id, %error, "job failed");
        }
        match self.kernel.settle_job(tenant_id, &claim, &outcome).await {
            Ok(()) => lumiku_kernel::observe::job(&app_id, outcome.as_str()),
            Err(error) => {
                tracing::warn!(job = %claim.job_id, error = ?error, "writing a job's outcome failed");
            }
        }
    }

    async fn run_system(&self, job: &lumiku_plugin::jobs::ClaimedJob) -> Outcome {
        match job.kind.as_str() {
            lumiku_kernel::webhooks::DELIVER_JOB => self.kernel.deliver_webhook(&job.payload).await,
            BILLING_CYCLE => match self.kernel.run_billing(lumiku_kernel::db::now()).await {
                Ok(report) => {
                    if report != Default::default() {
                        tracing::info!(?report, "billing cycle");
                    }
                    Outcome::Succeeded
                }
                Err(error) => Outcome::failed(format!("billing cycle failed: {error:?}")),
            },
            other => Outcome::Failed {
                error: format!("no platform job of kind '{other}'"),
                retry: false,
            },
        }
    }
}

/// The outcome of a run that answered an error: a refusal that another attempt cannot change
/// (credits short, app gone) is a skip; anything else is retried.
fn outcome_of_error(error: &ApiError) -> Outcome {
    match error.code() {
        "insufficient_credits" | "app_not_installed" | "not_found" | "app_coming_soon" => {
            Outcome::Skipped {
                reason: error.code().to_owned(),
            }
        }
        _ => Outcome::failed(format!("{}: {}", error.code(), error.message())),
    }
}

/// Queues the platform's billing cycle every `every` (one job, whichever node queues it), or
/// cancels it when `every` is zero (`lumiku billing run` from cron instead).
pub async fn schedule_billing(kernel: &Kernel, every: Duration) -> anyhow::Result<()> {
    if every.is_zero() {
        kernel.cancel_system_job(BILLING_CYCLE).await?;
        return Ok(());
    }
    let job = NewJob::new(BILLING_CYCLE, Schedule::Every(every))
        .unique_key(BILLING_CYCLE)
        .max_attempts(1)
        .timeout(Duration::from_secs(600));
    kernel.ensure_system_job(&job).await?;
    Ok(())
}

/// Runs the storage sweep every `every` until `stop` (none when `every` is zero): objects no row
/// keeps are removed, rows whose object is missing are logged. Sweeps on several nodes at once
/// are harmless (each removal is of an object no row keeps).
pub fn sweep_storage(
    kernel: Arc<Kernel>,
    every: Duration,
    mut stop: tokio::sync::watch::Receiver<bool>,
) -> Option<tokio::task::JoinHandle<()>> {
    if every.is_zero() {
        return None;
    }
    Some(tokio::spawn(async move {
        loop {
            tokio::select! {
                _ = tokio::time::sleep(every) => {}
                _ = stop.wait_for(|stopped| *stopped) => return,
            }
            match kernel.sweep_storage().await {
                Ok(report) if report.orphans_removed > 0 || report.missing_count > 0 => {
                    tracing::info!(
                        removed = report.orphans_removed,
                        bytes = report.orphan_bytes_removed,
                        missing = report.missing_count,
                        "storage sweep"
                    );
                }
                Ok(_) => {}
                Err(error) => tracing::warn!(error = %error, "storage sweep failed"),
            }
        }
    }))
}
