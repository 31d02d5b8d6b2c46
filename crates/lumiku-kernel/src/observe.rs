//! What the platform counts for `GET /metrics`: calls to the `metrics` facade, named here so
//! that every metric's name and labels are in one place. The server installs the Prometheus
//! recorder and calls [`enable`] when metrics are turned on; until then each call is one atomic
//! load (the facade would otherwise build and hash its labels first).
//!
//! Labels hold only values from a closed set (an app's id and its declared actions, an outcome),
//! never a user's input, so the number of series stays bounded.

use std::sync::atomic::{AtomicBool, Ordering};

use metrics::counter;

static ENABLED: AtomicBool = AtomicBool::new(false);

/// Turns counting on (the server does, with the recorder installed).
pub fn enable() {
    ENABLED.store(true, Ordering::Relaxed);
}

fn enabled() -> bool {
    ENABLED.load(Ordering::Relaxed)
}

/// SQLite write transactions per group commit (a histogram the store records).
pub use lumiku_store::sqlite::COMMIT_GROUP_METRIC as SQLITE_COMMIT_GROUP;

/// Metered actions by app, action and outcome (`charged`, `insufficient_credits`, `replayed`).
pub const METERED_ACTIONS: &str = "lumiku_metered_actions_total";
/// Credits charged by app and action (the sum of the costs of committed actions).
pub const CREDITS_CHARGED: &str = "lumiku_credits_charged_total";
/// Sign-in attempts by outcome (`success`, `failure`, `limited`).
pub const LOGINS: &str = "lumiku_logins_total";
/// Payment gateway callbacks by outcome (`settled`, `already_settled`, `duplicate`, `failed`,
/// `ignored`, `refused`).
pub const PAYMENT_CALLBACKS: &str = "lumiku_payment_callbacks_total";
/// Background job runs by app (`system` for the platform's own) and outcome (`succeeded`,
/// `failed`, `skipped`, ...).
pub const JOBS: &str = "lumiku_jobs_total";

/// How a metered action ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Metered {
    /// Charged and committed with its work.
    Charged,
    /// Refused with 402: the wallet could not pay.
    InsufficientCredits,
    /// Answered from the stored answer of an earlier request with the same idempotency key.
    Replayed,
}

impl Metered {
    fn as_str(self) -> &'static str {
        match self {
            Metered::Charged => "charged",
            Metered::InsufficientCredits => "insufficient_credits",
            Metered::Replayed => "replayed",
        }
    }
}

/// Counts a metered action, and its credits when it was charged.
pub fn metered(app: &'static str, action: &'static str, outcome: Metered, credits: i64) {
    if !enabled() {
        return;
    }
    counter!(METERED_ACTIONS, "app" => app, "action" => action, "outcome" => outcome.as_str())
        .increment(1);
    if outcome == Metered::Charged && credits > 0 {
        counter!(CREDITS_CHARGED, "app" => app, "action" => action).increment(credits as u64);
    }
}

/// Counts an app's install charge (the action `install`), once its transaction committed.
pub fn install_charged(app: &str, credits: i64) {
    if !enabled() {
        return;
    }
    let app = app.to_owned();
    counter!(METERED_ACTIONS, "app" => app.clone(), "action" => "install", "outcome" => "charged")
        .increment(1);
    if credits > 0 {
        counter!(CREDITS_CHARGED, "app" => app, "action" => "install").increment(credits as u64);
    }
}

/// Counts a sign-in attempt: `success`, `failure` (wrong e-mail or password) or `limited` (too
/// many failures).
pub fn login(outcome: &'static str) {
    if !enabled() {
        return;
    }
    counter!(LOGINS, "outcome" => outcome).increment(1);
}

/// Counts a payment callback by its outcome.
pub fn payment_callback(outcome: &'static str) {
    if !enabled() {
        return;
    }
    counter!(PAYMENT_CALLBACKS, "outcome" => outcome).increment(1);
}

/// Counts a job run by its app and outcome.
pub fn job(app: &str, outcome: &'static str) {
    if !enabled() {
        return;
    }
    counter!(JOBS, "app" => app.to_owned(), "outcome" => outcome).increment(1);
}
