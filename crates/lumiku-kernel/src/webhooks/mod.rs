//! Outgoing webhooks: a tenant's endpoints, the events recorded with the changes they tell of,
//! and their signed delivery.
//!
//! **Outbox.** [`outbox::emit`] runs in the transaction of the change: it records the event, a delivery
//! per subscribed endpoint and a job per delivery, or nothing at all if the change rolls back.
//! Most events are the audit log's own actions (`member.added`, `payment.succeeded`, ...):
//! [`crate::audit::record`] emits them, so every change that is audited is told.
//!
//! **Signing** follows Standard Webhooks: `webhook-id` (the event's id, the same on every retry),
//! `webhook-timestamp` (Unix seconds) and `webhook-signature` (`v1,` + base64 of the HMAC-SHA256
//! of `{id}.{timestamp}.{body}` keyed with the secret's bytes after `whsec_`).
//!
//! **Delivery** is a platform job per attempt; a failed attempt queues the next after
//! `webhook_retry_base` doubling each time (8 attempts, about two hours with the default 30 s), through a client that connects only to public addresses (the platform's
//! outbound policy, checked again on every address a name resolves to) and follows no redirect.
//! An endpoint that fails [`DISABLE_AFTER`] attempts in a row is disabled, with the reason; a
//! success resets the count.

use base64::Engine as _;
use chrono::{DateTime, Utc};
use hmac::{Hmac, Mac};
use lumiku_plugin::jobs::Outcome;
use lumiku_plugin::{Permission, outbound};
use lumiku_store::sql::Json;
use lumiku_store::{Tx, new_id, now, sql};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use sha2::Sha256;
use uuid::Uuid;

pub mod events;
pub mod outbox;

pub use events::{EVENTS, EventType, is_event};
pub use outbox::{ATTEMPTS, DELIVER_JOB, TIMEOUT, emit, retry_delay};
use outbox::{queue_delivery, schedule_attempt};

use crate::context::{Caller, ClientInfo};
use crate::error::{Error, Result};
use crate::kernel::Kernel;

/// Failed attempts in a row after which an endpoint is disabled.
pub const DISABLE_AFTER: i64 = 20;
/// How much of an answer's body the delivery log keeps.
const KEPT: usize = 4096;
/// Endpoints per tenant.
const MAX_ENDPOINTS: i64 = 20;

impl Kernel {
    /// Makes the events `manifests` declare known, for endpoints to subscribe to; called once
    /// at start-up with the compiled-in apps.
    pub fn declare_app_webhook_events<'a>(
        &mut self,
        manifests: impl IntoIterator<Item = &'a lumiku_plugin::Manifest>,
    ) {
        self.app_webhook_events = manifests
            .into_iter()
            .flat_map(|m| {
                m.webhook_events
                    .iter()
                    .map(|(name, description)| EventType {
                        name: format!("{}.{name}", m.app_id),
                        description: (*description).to_owned(),
                        app_id: Some(m.app_id.to_owned()),
                    })
            })
            .collect();
    }

    /// Every event there is: the platform's, then the apps'.
    pub fn webhook_events(&self) -> Vec<EventType> {
        EVENTS
            .iter()
            .map(|(name, description)| EventType {
                name: (*name).to_owned(),
                description: (*description).to_owned(),
                app_id: None,
            })
            .chain(self.app_webhook_events.iter().cloned())
            .collect()
    }

    fn is_known_event(&self, event: &str) -> bool {
        is_event(event) || self.app_webhook_events.iter().any(|e| e.name == event)
    }
}

/// An endpoint, as lists show it (its secret is read on its own).
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Endpoint {
    /// Endpoint id.
    pub id: Uuid,
    /// Where events are posted.
    pub url: String,
    /// What it is for.
    pub description: Option<String>,
    /// The events it takes; null for every event.
    pub events: Option<Vec<String>>,
    /// Whether events are sent to it.
    pub enabled: bool,
    /// Why it was disabled, if the platform disabled it.
    pub disabled_reason: Option<String>,
    /// Failed attempts in a row.
    pub consecutive_failures: i64,
    /// When it was made.
    pub created_at: DateTime<Utc>,
    /// When it last changed.
    pub updated_at: DateTime<Utc>,
}

/// One delivery of one event to one endpoint.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Delivery {
    /// Delivery id.
    pub id: Uuid,
    /// The event (its `webhook-id`).
    pub event_id: Uuid,
    /// The event's type.
    pub event_type: String,
    /// `pending` (being tried), `succeeded` or `failed` (out of attempts, or the endpoint was
    /// disabled).
    pub status: String,
    /// Attempts made.
    pub attempts: i64,
    /// The last answer's status.
    pub response_status: Option<i64>,
    /// The start of the last answer's body.
    pub response_body: Option<String>,
    /// What went wrong last.
    pub error: Option<String>,
    /// When it was queued.
    pub created_at: DateTime<Utc>,
    /// When it was last tried.
    pub last_attempt_at: Option<DateTime<Utc>>,
    /// When it succeeded.
    pub delivered_at: Option<DateTime<Utc>>,
}

/// A new endpoint.
#[derive(Debug, Clone, Deserialize)]
pub struct NewEndpoint {
    /// Where to post.
    pub url: String,
    /// What it is for.
    pub description: Option<String>,
    /// The events it takes; `None` for every event.
    pub events: Option<Vec<String>>,
}

/// A change to an endpoint; what is `None` stays.
#[derive(Debug, Clone, Default)]
pub struct EndpointPatch {
    /// A new URL.
    pub url: Option<String>,
    /// A new description (`Some(None)` removes it).
    pub description: Option<Option<String>>,
    /// New events (`Some(None)` for every event).
    pub events: Option<Option<Vec<String>>>,
    /// Enabled or not; enabling clears the failure count and the reason.
    pub enabled: Option<bool>,
}

#[derive(lumiku_plugin::sql::FromRow)]
struct EndpointRow {
    id: Uuid,
    url: String,
    description: Option<String>,
    events: Option<Json<Vec<String>>>,
    enabled: bool,
    disabled_reason: Option<String>,
    consecutive_failures: i64,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
}

impl From<EndpointRow> for Endpoint {
    fn from(row: EndpointRow) -> Self {
        Self {
            id: row.id,
            url: row.url,
            description: row.description,
            events: row.events.map(|e| e.0),
            enabled: row.enabled,
            disabled_reason: row.disabled_reason,
            consecutive_failures: row.consecutive_failures,
            created_at: row.created_at,
            updated_at: row.updated_at,
        }
    }
}

const ENDPOINT_COLUMNS: &str = "id, url, description, events, enabled, disabled_reason, \
    consecutive_failures, created_at, updated_at";

#[derive(lumiku_plugin::sql::FromRow)]
struct DeliveryRow {
    id: Uuid,
    event_id: Uuid,
    event_type: String,
    status: String,
    attempts: i64,
    response_status: Option<i64>,
    response_body: Option<String>,
    error: Option<String>,
    created_at: DateTime<Utc>,
    last_attempt_at: Option<DateTime<Utc>>,
    delivered_at: Option<DateTime<Utc>>,
}

impl From<DeliveryRow> for Delivery {
    fn from(row: DeliveryRow) -> Self {
        Self {
            id: row.id,
            event_id: row.event_id,
            event_type: row.event_type,
            status: row.status,
            attempts: row.attempts,
            response_status: row.response_status,
            response_body: row.response_body,
            error: row.error,
            created_at: row.created_at,
            last_attempt_at: row.last_attempt_at,
            delivered_at: row.delivered_at,
        }
    }
}

const DELIVERY_SELECT: &str = "select d.id, d.event_id, e.type as event_type, d.status, \
    d.attempts, d.response_status, d.response_body, d.error, d.created_at, d.last_attempt_at, \
    d.delivered_at from webhook_deliveries d join webhook_events e on e.id = d.event_id";

/// A fresh signing secret: `whsec_` and the base64 of 32 random bytes.
fn new_secret() -> Result<String> {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).map_err(|e| anyhow::anyhow!("reading OS randomness: {e}"))?;
    Ok(format!(
        "whsec_{}",
        base64::engine::general_purpose::STANDARD.encode(bytes)
    ))
}

/// The `webhook-signature` of `body` sent as message `id` at `timestamp`, with `secret`.
pub fn sign(secret: &str, id: &str, timestamp: i64, body: &str) -> Result<String> {
    let key = base64::engine::general_purpose::STANDARD
        .decode(secret.strip_prefix("whsec_").unwrap_or(secret))
        .map_err(|e| anyhow::anyhow!("a webhook secret that is not base64: {e}"))?;
    let mut mac =
        Hmac::<Sha256>::new_from_slice(&key).map_err(|e| anyhow::anyhow!("an HMAC key: {e}"))?;
    mac.update(format!("{id}.{timestamp}.{body}").as_bytes());
    Ok(format!(
        "v1,{}",
        base64::engine::general_purpose::STANDARD.encode(mac.finalize().into_bytes())
    ))
}

/// Checks an endpoint's URL: https (http too when the platform lets outbound requests reach
/// private networks, as in development), to a host the outbound policy allows.
fn check_url(url: &str, allow_private: bool) -> Result<String> {
    let url = url.trim();
    if url.chars().count() > 2048 {
        return Err(Error::invalid("url", "must be at most 2048 characters"));
    }
    let (host, _) = outbound::check_url(url).map_err(|e| Error::invalid("url", e.to_string()))?;
    if !url.starts_with("https://") && !allow_private {
        return Err(Error::invalid("url", "must be an https:// URL"));
    }
    outbound::check_host(&host, allow_private).map_err(|e| Error::invalid("url", e.to_string()))?;
    Ok(url.to_owned())
}

fn check_events(
    events: Option<Vec<String>>,
    known: impl Fn(&str) -> bool,
) -> Result<Option<Vec<String>>> {
    let Some(events) = events else {
        return Ok(None);
    };
    let mut checked: Vec<String> = Vec::with_capacity(events.len());
    for event in events {
        if !known(&event) {
            return Err(Error::invalid(
                "events",
                format!("no event is called {event:?}"),
            ));
        }
        if !checked.contains(&event) {
            checked.push(event);
        }
    }
    if checked.is_empty() {
        return Err(Error::invalid(
            "events",
            "name at least one event, or leave it out for every event",
        ));
    }
    Ok(Some(checked))
}

fn check_description(description: Option<&str>) -> Result<Option<String>> {
    lumiku_plugin::text::optional_one_line(description, 200)
        .map(|d| d.map(str::to_owned))
        .map_err(|m| Error::invalid("description", m))
}

impl Kernel {
    async fn require_manager(&self, caller: &Caller, tenant_id: Uuid) -> Result<()> {
        self.tenant_access(caller, tenant_id)
            .await?
            .require(Permission::ManageMembers)?;
        Ok(())
    }

    /// Adds an endpoint (owners and admins); answers it and its signing secret.
    pub async fn create_webhook_endpoint(
        &self,
        caller: &Caller,
        tenant_id: Uuid,
        new: NewEndpoint,
        client: &ClientInfo,
    ) -> Result<(Endpoint, String)> {
        self.require_manager(caller, tenant_id).await?;
        let url = check_url(&new.url, self.settings.allow_private_networks)?;
        let description = check_description(new.description.as_deref())?;
        let events = check_events(new.events, |e| self.is_known_event(e))?;
        let secret = new_secret()?;
        let (id, now) = (new_id(), now());
        let mut tx = self.db.begin_tenant(tenant_id).await?;
        let count: i64 =
            sql::query_scalar("select count(*) from webhook_endpoints where tenant_id = $1")
                .bind(tenant_id)
                .fetch_one(&mut tx)
                .await?;
        if count >= MAX_ENDPOINTS {
            return Err(Error::Conflict {
                code: "too_many_endpoints",
                message: "A tenant has at most 20 webhook endpoints",
            });
        }
        sql::query(
            "insert into webhook_endpoints (id, tenant_id, url, description, secret, events, \
             enabled, consecutive_failures, created_by, created_at, updated_at) \
             values ($1, $2, $3, $4, $5, $6, $7, 0, $8, $9, $9)",
        )
        .bind(id)
        .bind(tenant_id)
        .bind(&url)
        .bind(description.as_deref())
        .bind(&secret)
        .bind(events.clone().map(Json))
        .bind(true)
        .bind(caller.user_id)
        .bind(now)
        .execute(&mut tx)
        .await?;
        crate::audit::record(
            &mut tx,
            crate::audit::NewAuditEvent {
                tenant_id: Some(tenant_id),
                actor_user_id: Some(caller.user_id),
                action: crate::audit::action::WEBHOOK_ENDPOINT_CREATED,
                target_type: Some("webhook_endpoint"),
                target_id: Some(id.to_string()),
                ip_address: client.ip.as_deref(),
                details: json!({ "url": url, "events": events }),
            },
        )
        .await?;
        let endpoint = fetch_endpoint(&mut tx, tenant_id, id).await?;
        tx.commit().await?;
        Ok((endpoint, secret))
    }

    /// The tenant's endpoints, newest first (owners and admins).
    pub async fn list_webhook_endpoints(
        &self,
        caller: &Caller,
        tenant_id: Uuid,
    ) -> Result<Vec<Endpoint>> {
        self.require_manager(caller, tenant_id).await?;
        let mut tx = self.db.begin_tenant_read(tenant_id).await?;
        let sql = format!(
            "select {ENDPOINT_COLUMNS} from webhook_endpoints where tenant_id = $1 order by id desc"
        );
        let rows: Vec<EndpointRow> = sql::query_as(sql::AssertSqlSafe(sql))
            .bind(tenant_id)
            .fetch_all(&mut tx)
            .await?;
        tx.commit().await?;
        Ok(rows.into_iter().map(Endpoint::from).collect())
    }

    /// One endpoint and its signing secret (owners and admins).
    pub async fn webhook_endpoint_secret(
        &self,
        caller: &Caller,
        tenant_id: Uuid,
        id: Uuid,
    ) -> Result<(Endpoint, String)> {
        self.require_manager(caller, tenant_id).await?;
        let mut tx = self.db.begin_tenant_read(tenant_id).await?;
        let endpoint = fetch_endpoint(&mut tx, tenant_id, id).await?;
        let secret: String = sql::query_scalar(
            "select secret from webhook_endpoints where id = $1 and tenant_id = $2",
        )
        .bind(id)
        .bind(tenant_id)
        .fetch_one(&mut tx)
        .await?;
        tx.commit().await?;
        Ok((endpoint, secret))
    }

    /// Changes an endpoint (owners and admins). Enabling one clears its failures.
    pub async fn update_webhook_endpoint(
        &self,
        caller: &Caller,
        tenant_id: Uuid,
        id: Uuid,
        patch: EndpointPatch,
    ) -> Result<Endpoint> {
        self.require_manager(caller, tenant_id).await?;
        let url = patch
            .url
            .as_deref()
            .map(|u| check_url(u, self.settings.allow_private_networks))
            .transpose()?;
        let description = patch
            .description
            .map(|d| check_description(d.as_deref()))
            .transpose()?;
        let events = patch
            .events
            .map(|events| check_events(events, |e| self.is_known_event(e)))
            .transpose()?;
        let now = now();
        let mut tx = self.db.begin_tenant(tenant_id).await?;
        let current = fetch_endpoint(&mut tx, tenant_id, id).await?;
        let enabled = patch.enabled.unwrap_or(current.enabled);
        let revived = enabled && !current.enabled;
        sql::query(
            "update webhook_endpoints set url = $3, description = $4, events = $5, enabled = $6, \
             disabled_reason = $7, consecutive_failures = $8, updated_at = $9 \
             where id = $1 and tenant_id = $2",
        )
        .bind(id)
        .bind(tenant_id)
        .bind(url.unwrap_or(current.url))
        .bind(description.unwrap_or(current.description))
        .bind(events.unwrap_or(current.events).map(Json))
        .bind(enabled)
        .bind(if revived || enabled {
            None
        } else {
            current.disabled_reason
        })
        .bind(if revived {
            0
        } else {
            current.consecutive_failures
        })
        .bind(now)
        .execute(&mut tx)
        .await?;
        let endpoint = fetch_endpoint(&mut tx, tenant_id, id).await?;
        tx.commit().await?;
        Ok(endpoint)
    }

    /// Removes an endpoint and its delivery log (owners and admins).
    pub async fn delete_webhook_endpoint(
        &self,
        caller: &Caller,
        tenant_id: Uuid,
        id: Uuid,
        client: &ClientInfo,
    ) -> Result<()> {
        self.require_manager(caller, tenant_id).await?;
        let mut tx = self.db.begin_tenant(tenant_id).await?;
        let deleted = sql::query("delete from webhook_endpoints where id = $1 and tenant_id = $2")
            .bind(id)
            .bind(tenant_id)
            .execute(&mut tx)
            .await?
            .rows_affected();
        if deleted == 0 {
            return Err(Error::NotFound("webhook endpoint"));
        }
        crate::audit::record(
            &mut tx,
            crate::audit::NewAuditEvent {
                tenant_id: Some(tenant_id),
                actor_user_id: Some(caller.user_id),
                action: crate::audit::action::WEBHOOK_ENDPOINT_DELETED,
                target_type: Some("webhook_endpoint"),
                target_id: Some(id.to_string()),
                ip_address: client.ip.as_deref(),
                details: json!({}),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// An endpoint's deliveries, newest first, a page at a time (owners and admins).
    pub async fn list_webhook_deliveries(
        &self,
        caller: &Caller,
        tenant_id: Uuid,
        endpoint_id: Uuid,
        before: Option<Uuid>,
        limit: i64,
    ) -> Result<(Vec<Delivery>, Option<Uuid>)> {
        self.require_manager(caller, tenant_id).await?;
        let limit = limit.clamp(1, 200);
        let mut tx = self.db.begin_tenant_read(tenant_id).await?;
        fetch_endpoint(&mut tx, tenant_id, endpoint_id).await?;
        let sql = format!(
            "{DELIVERY_SELECT} where d.tenant_id = $1 and d.endpoint_id = $2 \
             and ($3 is null or d.id < $3) order by d.id desc limit $4"
        );
        let rows: Vec<DeliveryRow> = sql::query_as(sql::AssertSqlSafe(sql))
            .bind(tenant_id)
            .bind(endpoint_id)
            .bind(before)
            .bind(limit + 1)
            .fetch_all(&mut tx)
            .await?;
        tx.commit().await?;
        let mut deliveries: Vec<Delivery> = rows.into_iter().map(Delivery::from).collect();
        let next = if deliveries.len() as i64 > limit {
            deliveries.truncate(limit as usize);
            deliveries.last().map(|d| d.id)
        } else {
            None
        };
        Ok((deliveries, next))
    }

    /// Sends a delivery's event to its endpoint again, as a new delivery (owners and admins).
    pub async fn redeliver_webhook(
        &self,
        caller: &Caller,
        tenant_id: Uuid,
        delivery_id: Uuid,
    ) -> Result<Delivery> {
        self.require_manager(caller, tenant_id).await?;
        let now = now();
        let mut tx = self.db.begin_tenant(tenant_id).await?;
        let found: Option<(Uuid, Uuid, bool)> = sql::query_as(
            "select d.endpoint_id, d.event_id, w.enabled from webhook_deliveries d \
             join webhook_endpoints w on w.id = d.endpoint_id \
             where d.id = $1 and d.tenant_id = $2",
        )
        .bind(delivery_id)
        .bind(tenant_id)
        .fetch_optional(&mut tx)
        .await?;
        let (endpoint_id, event_id, enabled) = found.ok_or(Error::NotFound("delivery"))?;
        if !enabled {
            return Err(Error::Conflict {
                code: "endpoint_disabled",
                message: "The endpoint is disabled: enable it first",
            });
        }
        let id = queue_delivery(&mut tx, tenant_id, endpoint_id, event_id, now).await?;
        let sql = format!("{DELIVERY_SELECT} where d.id = $1");
        let row: DeliveryRow = sql::query_as(sql::AssertSqlSafe(sql))
            .bind(id)
            .fetch_one(&mut tx)
            .await?;
        tx.commit().await?;
        Ok(row.into())
    }

    /// Sets the balance below which `credits.low` is sent (owners and admins); `None` for none.
    pub async fn set_credits_low_threshold(
        &self,
        caller: &Caller,
        tenant_id: Uuid,
        threshold: Option<i64>,
    ) -> Result<Option<i64>> {
        self.require_manager(caller, tenant_id).await?;
        if threshold.is_some_and(|t| t <= 0) {
            return Err(Error::invalid(
                "creditsLowThreshold",
                "must be 1 or more, or null",
            ));
        }
        let mut tx = self.db.begin_tenant(tenant_id).await?;
        sql::query("update wallets set low_threshold_credits = $2 where tenant_id = $1")
            .bind(tenant_id)
            .bind(threshold)
            .execute(&mut tx)
            .await?;
        tx.commit().await?;
        Ok(threshold)
    }

    /// The balance below which `credits.low` is sent (owners and admins).
    pub async fn credits_low_threshold(
        &self,
        caller: &Caller,
        tenant_id: Uuid,
    ) -> Result<Option<i64>> {
        self.require_manager(caller, tenant_id).await?;
        let mut tx = self.db.begin_tenant_read(tenant_id).await?;
        let threshold: Option<i64> =
            sql::query_scalar("select low_threshold_credits from wallets where tenant_id = $1")
                .bind(tenant_id)
                .fetch_optional(&mut tx)
                .await?
                .flatten();
        tx.commit().await?;
        Ok(threshold)
    }

    /// Makes one attempt at delivery `payload.deliveryId`: the platform job [`DELIVER_JOB`].
    pub async fn deliver_webhook(&self, payload: &Value) -> Outcome {
        match self.try_deliver(payload).await {
            Ok(outcome) => outcome,
            Err(error) => Outcome::failed(format!("delivering a webhook: {error}")),
        }
    }

    async fn try_deliver(&self, payload: &Value) -> Result<Outcome> {
        let Some(delivery_id) = payload["deliveryId"]
            .as_str()
            .and_then(|d| d.parse::<Uuid>().ok())
        else {
            return Ok(Outcome::Failed {
                error: "no deliveryId in the job".into(),
                retry: false,
            });
        };
        #[derive(lumiku_plugin::sql::FromRow)]
        struct Row {
            tenant_id: Uuid,
            attempts: i64,
            endpoint_id: Uuid,
            url: String,
            secret: String,
            enabled: bool,
            event_id: Uuid,
            event_type: String,
            data: Json<Value>,
            created_at: DateTime<Utc>,
        }
        let row: Option<Row> = sql::query_as(
            "select d.tenant_id, d.attempts, w.id as endpoint_id, w.url, w.secret, w.enabled, e.id as event_id, \
             e.type as event_type, e.data, e.created_at from webhook_deliveries d join webhook_endpoints w on w.id = d.endpoint_id \
             join webhook_events e on e.id = d.event_id where d.id = $1 and d.status = 'pending'",
        )
        .bind(delivery_id)
        .fetch_optional(&self.db)
        .await?;
        let Some(Row {
            tenant_id,
            attempts,
            endpoint_id,
            url,
            secret,
            enabled,
            event_id,
            event_type,
            data,
            created_at: at,
        }) = row
        else {
            return Ok(Outcome::Skipped {
                reason: "the delivery is gone or settled".into(),
            });
        };
        if !enabled {
            let target = Target {
                tenant_id,
                delivery_id,
                endpoint_id,
                attempt: 0,
            };
            self.settle_delivery(&target, Attempt::disabled()).await?;
            return Ok(Outcome::Skipped {
                reason: "the endpoint is disabled".into(),
            });
        }
        let body = json!({
            "type": event_type,
            "timestamp": at.to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
            "data": data.0,
        })
        .to_string();
        let timestamp = now().timestamp();
        let id = event_id.to_string();
        let signature = sign(&secret, &id, timestamp, &body)?;
        let allow_private = self.settings.allow_private_networks;
        let attempt = u32::try_from(attempts + 1).unwrap_or(u32::MAX);
        let last = attempt >= ATTEMPTS;
        let target = Target {
            tenant_id,
            delivery_id,
            endpoint_id,
            attempt,
        };
        // A literal address never reaches the client's resolver: checked here, on every attempt.
        if let Err(error) = check_url(&url, allow_private) {
            let refused = Attempt {
                succeeded: false,
                status: None,
                body: None,
                error: Some(error.to_string()),
                last: true,
                endpoint_disabled: false,
            };
            self.settle_delivery(&target, refused).await?;
            return Ok(Outcome::Failed {
                error: "the endpoint's address is not allowed".into(),
                retry: false,
            });
        }
        let sent = outbound::client(allow_private)
            .post(&url)
            .timeout(TIMEOUT)
            .header("content-type", "application/json")
            .header("user-agent", "Lumiku-Webhooks/1")
            .header("webhook-id", &id)
            .header("webhook-timestamp", timestamp.to_string())
            .header("webhook-signature", &signature)
            .body(body)
            .send()
            .await;
        let attempt_result = match sent {
            Ok(response) => {
                let status = response.status();
                let (text, _) = outbound::read_start(response, KEPT).await;
                Attempt {
                    succeeded: status.is_success(),
                    status: Some(i64::from(status.as_u16())),
                    body: Some(text),
                    error: (!status.is_success()).then(|| format!("answered {status}")),
                    last,
                    endpoint_disabled: false,
                }
            }
            Err(error) => Attempt {
                succeeded: false,
                status: None,
                body: None,
                error: Some(outbound::describe(&error)),
                last,
                endpoint_disabled: false,
            },
        };
        let succeeded = attempt_result.succeeded;
        let error = attempt_result.error.clone();
        let disabled = self.settle_delivery(&target, attempt_result).await?;
        // The job is done either way: a failed attempt's retry is a job of its own, due later.
        Ok(if succeeded || disabled {
            Outcome::Succeeded
        } else {
            Outcome::Skipped {
                reason: error.unwrap_or_else(|| "failed".into()),
            }
        })
    }

    /// Writes an attempt down, and queues the next one if it failed with attempts left; answers
    /// whether the endpoint is now disabled.
    async fn settle_delivery(&self, target: &Target, attempt: Attempt) -> Result<bool> {
        let (delivery_id, endpoint_id) = (target.delivery_id, target.endpoint_id);
        let now = now();
        let mut tx = self.db.begin().await?;
        let status = if attempt.succeeded {
            "succeeded"
        } else if attempt.last || attempt.endpoint_disabled {
            "failed"
        } else {
            "pending"
        };
        sql::query(
            "update webhook_deliveries set status = $2, attempts = attempts + $3, \
             response_status = $4, response_body = $5, error = $6, last_attempt_at = $7, \
             delivered_at = $8 where id = $1",
        )
        .bind(delivery_id)
        .bind(status)
        .bind(i64::from(!attempt.endpoint_disabled))
        .bind(attempt.status)
        .bind(attempt.body.as_deref())
        .bind(attempt.error.as_deref())
        .bind(now)
        .bind(attempt.succeeded.then_some(now))
        .execute(&mut tx)
        .await?;
        let mut disabled = false;
        if attempt.succeeded {
            sql::query("update webhook_endpoints set consecutive_failures = 0 where id = $1")
                .bind(endpoint_id)
                .execute(&mut tx)
                .await?;
        } else if !attempt.endpoint_disabled {
            let failures: i64 = sql::query_scalar(
                "update webhook_endpoints set consecutive_failures = consecutive_failures + 1 \
                 where id = $1 returning consecutive_failures",
            )
            .bind(endpoint_id)
            .fetch_one(&mut tx)
            .await?;
            if failures >= DISABLE_AFTER {
                sql::query(
                    "update webhook_endpoints set enabled = $2, disabled_reason = $3, \
                     updated_at = $4 where id = $1",
                )
                .bind(endpoint_id)
                .bind(false)
                .bind(format!("{failures} failed attempts in a row"))
                .bind(now)
                .execute(&mut tx)
                .await?;
                sql::query("update webhook_deliveries set status = 'failed' where id = $1")
                    .bind(delivery_id)
                    .execute(&mut tx)
                    .await?;
                disabled = true;
            }
            if !disabled && !attempt.last {
                let delay = retry_delay(self.settings.webhook_retry_base, target.attempt);
                let due = now + chrono::Duration::from_std(delay).unwrap_or_default();
                schedule_attempt(&mut tx, target.tenant_id, delivery_id, due, now).await?;
            }
        }
        tx.commit().await?;
        Ok(disabled)
    }
}

/// The delivery an attempt is for.
#[derive(Debug, Clone, Copy)]
struct Target {
    tenant_id: Uuid,
    delivery_id: Uuid,
    endpoint_id: Uuid,
    /// This attempt's number, from 1.
    attempt: u32,
}

/// One attempt's result.
#[derive(Debug, Clone)]
struct Attempt {
    succeeded: bool,
    status: Option<i64>,
    body: Option<String>,
    error: Option<String>,
    /// The delivery's last attempt.
    last: bool,
    /// Not attempted: the endpoint was disabled.
    endpoint_disabled: bool,
}

impl Attempt {
    fn disabled() -> Self {
        Self {
            succeeded: false,
            status: None,
            body: None,
            error: Some("the endpoint is disabled".into()),
            last: true,
            endpoint_disabled: true,
        }
    }
}

async fn fetch_endpoint(tx: &mut Tx, tenant_id: Uuid, id: Uuid) -> Result<Endpoint> {
    let sql = format!(
        "select {ENDPOINT_COLUMNS} from webhook_endpoints where id = $1 and tenant_id = $2"
    );
    let row: Option<EndpointRow> = sql::query_as(sql::AssertSqlSafe(sql))
        .bind(id)
        .bind(tenant_id)
        .fetch_optional(&mut *tx)
        .await?;
    Ok(row.ok_or(Error::NotFound("webhook endpoint"))?.into())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_signature_is_the_standard_webhooks_one() {
        // The example of the Standard Webhooks specification's reference tests.
        let secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
        let body = r#"{"test": 2432232314}"#;
        let signature = sign(secret, "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330, body).unwrap();
        assert_eq!(signature, "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");
    }

    #[test]
    fn retries_wait_twice_as_long_each_time_up_to_an_hour() {
        let base = std::time::Duration::from_secs(30);
        let waits: Vec<u64> = (1..=9).map(|n| retry_delay(base, n).as_secs()).collect();
        assert_eq!(waits, [30, 60, 120, 240, 480, 960, 1920, 3600, 3600]);
    }

    #[test]
    fn secrets_are_fresh_base64() {
        let a = new_secret().unwrap();
        assert!(a.starts_with("whsec_"));
        let bytes = base64::engine::general_purpose::STANDARD
            .decode(&a["whsec_".len()..])
            .unwrap();
        assert_eq!(bytes.len(), 32);
        assert_ne!(a, new_secret().unwrap());
    }

    #[test]
    fn endpoints_are_https_to_public_hosts() {
        assert!(check_url("https://hooks.example.com/x", false).is_ok());
        for refused in [
            "http://hooks.example.com/x",
            "https://127.0.0.1/x",
            "https://169.254.169.254/latest",
            "https://10.0.0.1/",
            "ftp://example.com/",
            "not a url",
        ] {
            assert!(check_url(refused, false).is_err(), "{refused}");
        }
        assert!(check_url("http://127.0.0.1:9/x", true).is_ok());
        assert!(
            check_events(
                Some(vec!["member.added".into(), "member.added".into()]),
                is_event
            )
            .unwrap()
                == Some(vec!["member.added".to_owned()])
        );
        assert!(check_events(Some(vec!["nope".into()]), is_event).is_err());
        assert!(check_events(Some(vec![]), is_event).is_err());
    }
}
