//! The outbox: an event recorded in the transaction of the change it tells of, with a delivery
//! per subscribed endpoint and a platform job per delivery, or nothing at all if the change
//! rolls back.

use std::time::Duration;

use chrono::{DateTime, Utc};
use lumiku_plugin::jobs::{NewJob, Schedule};
use lumiku_store::sql::Json;
use lumiku_store::{Tx, new_id, sql};
use serde_json::{Value, json};
use uuid::Uuid;

use crate::error::Result;
use crate::jobs::{JobOwner, SYSTEM_APP};

/// The platform job that sends one delivery.
pub const DELIVER_JOB: &str = "webhooks.deliver";
/// Attempts per delivery.
pub const ATTEMPTS: u32 = 8;
/// How long a receiver has to answer.
pub const TIMEOUT: Duration = Duration::from_secs(15);

/// Records `event` for `tenant_id` in `tx`, with a delivery and its job for every enabled
/// endpoint that takes it. Nothing is recorded when no endpoint takes it.
pub async fn emit(
    tx: &mut Tx,
    tenant_id: Uuid,
    event: &str,
    data: Value,
    at: DateTime<Utc>,
) -> Result<()> {
    let endpoints: Vec<(Uuid, Option<Json<Vec<String>>>)> = sql::query_as(
        "select id, events from webhook_endpoints where tenant_id = $1 and enabled = $2",
    )
    .bind(tenant_id)
    .bind(true)
    .fetch_all(&mut *tx)
    .await?;
    let takers: Vec<Uuid> = endpoints
        .into_iter()
        .filter(|(_, events)| {
            events
                .as_ref()
                .is_none_or(|events| events.0.iter().any(|e| e == event))
        })
        .map(|(id, _)| id)
        .collect();
    if takers.is_empty() {
        return Ok(());
    }
    let event_id = new_id();
    sql::query(
        "insert into webhook_events (id, tenant_id, type, data, created_at) values ($1, $2, $3, $4, $5)",
    )
    .bind(event_id)
    .bind(tenant_id)
    .bind(event)
    .bind(Json(&data))
    .bind(at)
    .execute(&mut *tx)
    .await?;
    for endpoint_id in takers {
        queue_delivery(tx, tenant_id, endpoint_id, event_id, at).await?;
    }
    Ok(())
}

/// A delivery of `event_id` to `endpoint_id`, and its job.
pub(super) async fn queue_delivery(
    tx: &mut Tx,
    tenant_id: Uuid,
    endpoint_id: Uuid,
    event_id: Uuid,
    at: DateTime<Utc>,
) -> Result<Uuid> {
    let delivery_id = new_id();
    sql::query(
        "insert into webhook_deliveries (id, tenant_id, endpoint_id, event_id, status, attempts, \
         created_at) values ($1, $2, $3, $4, 'pending', 0, $5)",
    )
    .bind(delivery_id)
    .bind(tenant_id)
    .bind(endpoint_id)
    .bind(event_id)
    .bind(at)
    .execute(&mut *tx)
    .await?;
    schedule_attempt(tx, tenant_id, delivery_id, at, at).await?;
    Ok(delivery_id)
}

/// A job making the next attempt at `delivery_id` at `due`. The delivery counts its own
/// attempts and spaces them ([`retry_delay`]); the job's own retries only cover a worker that
/// died during an attempt.
pub(super) async fn schedule_attempt(
    tx: &mut Tx,
    tenant_id: Uuid,
    delivery_id: Uuid,
    due: DateTime<Utc>,
    at: DateTime<Utc>,
) -> Result<()> {
    let job = NewJob::new(DELIVER_JOB, Schedule::At(due))
        .payload(json!({ "deliveryId": delivery_id }))
        .max_attempts(3)
        .backoff(Duration::from_secs(5))
        .timeout(TIMEOUT + Duration::from_secs(15));
    let owner = JobOwner {
        app_id: SYSTEM_APP,
        tenant_id: Some(tenant_id),
        user_id: None,
    };
    crate::jobs::enqueue(tx, owner, &job, at).await?;
    Ok(())
}

/// The wait after failed attempt `attempts` (from 1): `base`, then twice as long each time, at
/// most an hour.
pub fn retry_delay(base: Duration, attempts: u32) -> Duration {
    let factor = 2u32.saturating_pow(attempts.saturating_sub(1).min(16));
    base.saturating_mul(factor).min(Duration::from_secs(3600))
}

/// Whether a move from `before` to `after` owes an event: crossing the low-credit threshold
/// downwards, or reaching zero.
pub fn balance_events_due(before: i64, after: i64, threshold: Option<i64>) -> bool {
    after < before
        && (threshold.is_some_and(|threshold| before >= threshold && after < threshold)
            || (after == 0 && before > 0))
}

/// The events of a debit that took the wallet from `before` to `after` credits, given its
/// low-credit threshold: `credits.low` when it crossed the threshold, `credits.exhausted` when it
/// reached zero.
pub async fn emit_balance_events(
    tx: &mut Tx,
    tenant_id: Uuid,
    before: i64,
    after: i64,
    threshold: Option<i64>,
    at: DateTime<Utc>,
) -> Result<()> {
    if !balance_events_due(before, after, threshold) {
        return Ok(());
    }
    if let Some(threshold) = threshold
        && before >= threshold
        && after < threshold
    {
        let data = json!({ "balance": after, "threshold": threshold });
        emit(tx, tenant_id, "credits.low", data, at).await?;
    }
    if after == 0 && before > 0 {
        emit(
            tx,
            tenant_id,
            "credits.exhausted",
            json!({ "balance": 0 }),
            at,
        )
        .await?;
    }
    Ok(())
}
