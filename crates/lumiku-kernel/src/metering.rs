//! The metered action, end to end: the one place its steps are written.
//!
//! 1. **Admit** ([`Kernel::admit`]): the caller's credential, their role in the requested tenant,
//!    the app's state and the tenant's tier, read in one statement (and reused while the gate's
//!    epoch stands, see [`crate::gate`]); then the app's state ([`check_app_state`]) and access
//!    rules ([`check_app_rules`]).
//! 2. **Open** ([`AppHost`]'s `open`): a transaction of the tenant; the `Idempotency-Key` claimed
//!    (or the stored answer replayed); the wallet debited by a conditional update (402 with
//!    `required` and `current` when it cannot pay); then the transaction enters the app's wall.
//! 3. The app's handler writes on that transaction, inside its wall.
//! 4. **Complete** (`complete`): out of the wall; the usage row, its ledger row and the running
//!    totals; the stored answer for replays; the commit of all of it with the app's writes. Any
//!    error before the commit rolls everything back: no charge without the work, no work without
//!    the charge.

use std::sync::Arc;

use chrono::{DateTime, NaiveDate, Utc};
use lumiku_plugin::blobs::{ByteStream, StorageUsage, Uploaded};
use lumiku_plugin::context::{
    AppCaller, BoxFuture, ChargeRequest, Completion, Host, Member, Opening,
};
use lumiku_plugin::jobs::{JobClaim, NewJob, Outcome};
use lumiku_plugin::platform::{LedgerDays, PlatformData, UsageDay};
use lumiku_plugin::{ApiError, Manifest, Role, Tier};
use lumiku_store::sql::{self, Json};
use lumiku_store::{Backend, Db, Tx, Wall, new_id, now};
use serde_json::Value;
use uuid::Uuid;

use crate::context::Caller;
use crate::credits::{self, EntryKind, NewEntry, append_entry};
use crate::error::{Error, Result};
use crate::gate::{CredentialKey, GateKey, Visibility};
use crate::jobs;
use crate::kernel::Kernel;
use crate::observe::{self, Metered};

pub use crate::gate::{AppRequest, Credential};

/// The kernel's side of one app's requests: the SDK's [`Host`].
pub struct AppHost {
    db: Db,
    wall: Arc<Wall>,
    allow_private_networks: bool,
    jobs_wake: Arc<tokio::sync::Notify>,
    realtime: Arc<crate::realtime::Hub>,
    storage: Arc<crate::storage::Storage>,
    mail: Option<Arc<dyn lumiku_plugin::mail::Transport>>,
    access: lumiku_plugin::Access,
    platform_data: &'static [PlatformData],
    webhook_events: &'static [(&'static str, &'static str)],
}

impl Kernel {
    /// The host of `app`'s requests, with the app's wall.
    pub fn app_host(&self, app: &Manifest) -> Arc<dyn Host> {
        Arc::new(AppHost {
            db: self.db.clone(),
            wall: self.wall(app.app_id),
            allow_private_networks: self.settings.allow_private_networks,
            jobs_wake: Arc::clone(&self.jobs_wake),
            realtime: Arc::clone(&self.realtime),
            storage: Arc::clone(&self.storage),
            mail: self.settings.mail.clone(),
            access: app.access,
            platform_data: app.platform_data,
            webhook_events: app.webhook_events,
        })
    }
}

impl AppHost {
    /// 403 unless the app's manifest declares `what` in `platform_data`.
    fn declared(&self, what: PlatformData) -> Result<(), ApiError> {
        if self.platform_data.contains(&what) {
            Ok(())
        } else {
            Err(lumiku_plugin::platform::not_declared(what))
        }
    }
}

impl Host for AppHost {
    fn read(&self, tenant_id: Uuid) -> BoxFuture<'_, Result<Tx, ApiError>> {
        Box::pin(async move {
            self.db
                .begin_app_read(tenant_id, Arc::clone(&self.wall))
                .await
                .map_err(ApiError::internal)
        })
    }

    fn open<'a>(&'a self, charge: &'a ChargeRequest) -> BoxFuture<'a, Result<Opening, ApiError>> {
        Box::pin(async move {
            let opening = self.open_charge(charge).await;
            match &opening {
                Ok(Opening::Replay { .. }) => observe_metered(charge, Metered::Replayed),
                Err(Error::InsufficientCredits { .. }) => {
                    observe_metered(charge, Metered::InsufficientCredits)
                }
                _ => {}
            }
            Ok(opening?)
        })
    }

    fn complete<'a>(
        &'a self,
        tx: Tx,
        completion: Completion<'a>,
    ) -> BoxFuture<'a, Result<(), ApiError>> {
        Box::pin(async move {
            complete_charge(tx, &completion).await?;
            observe_metered(completion.charge, Metered::Charged);
            Ok(())
        })
    }

    fn members<'a>(&'a self, tx: &'a mut Tx) -> BoxFuture<'a, Result<Vec<Member>, ApiError>> {
        Box::pin(async move {
            let walled = tx.wall().is_some();
            if walled {
                Self::step_out(tx).await?;
            }
            let members = crate::tenants::app_members(tx).await;
            if walled {
                self.step_in(tx).await?;
            }
            Ok(members?)
        })
    }

    fn enqueue<'a>(
        &'a self,
        tx: &'a mut Tx,
        user_id: Uuid,
        job: &'a NewJob,
    ) -> BoxFuture<'a, Result<Uuid, ApiError>> {
        Box::pin(async move {
            let Some(tenant_id) = tx.tenant() else {
                return Err(ApiError::internal(std::io::Error::other(
                    "jobs are queued on a tenant's transaction",
                )));
            };
            let owner = jobs::JobOwner {
                app_id: self.wall.app_id(),
                tenant_id: Some(tenant_id),
                user_id: Some(user_id),
            };
            Self::step_out(tx).await?;
            let id = jobs::enqueue(tx, owner, job, now()).await;
            self.step_in(tx).await?;
            let id = id?;
            let wake = Arc::clone(&self.jobs_wake);
            tx.on_commit(move || wake.notify_one());
            Ok(id)
        })
    }

    fn cancel_jobs<'a>(
        &'a self,
        tx: &'a mut Tx,
        unique_key: &'a str,
    ) -> BoxFuture<'a, Result<u64, ApiError>> {
        Box::pin(async move {
            Self::step_out(tx).await?;
            let canceled = jobs::cancel(tx, self.wall.app_id(), unique_key, now()).await;
            self.step_in(tx).await?;
            Ok(canceled?)
        })
    }

    fn job_open<'a>(
        &'a self,
        claim: &'a JobClaim,
        charge: Option<&'a ChargeRequest>,
    ) -> BoxFuture<'a, Result<(Tx, Option<i64>), ApiError>> {
        Box::pin(async move {
            let opening = self.open_job(claim, charge).await;
            if let (Some(charge), Err(Error::InsufficientCredits { .. })) = (charge, &opening) {
                observe_metered(charge, Metered::InsufficientCredits);
            }
            Ok(opening?)
        })
    }

    fn job_close<'a>(
        &'a self,
        mut tx: Tx,
        claim: &'a JobClaim,
        completion: Option<Completion<'a>>,
        outcome: Option<&'a Outcome>,
    ) -> BoxFuture<'a, Result<(), ApiError>> {
        Box::pin(async move {
            tx.leave().await.map_err(Error::from)?;
            if let Some(completion) = &completion {
                record_usage(&mut tx, &usage_of(completion)).await?;
            }
            if let Some(outcome) = outcome {
                jobs::settle(&mut tx, claim, outcome, now()).await?;
            }
            tx.commit().await.map_err(Error::from)?;
            if let Some(completion) = &completion {
                observe_metered(completion.charge, Metered::Charged);
            }
            if let Some(outcome) = outcome {
                observe::job(self.wall.app_id(), outcome.as_str());
            }
            Ok(())
        })
    }

    fn allows_private_networks(&self) -> bool {
        self.allow_private_networks
    }

    fn publish<'a>(
        &'a self,
        tx: &'a mut Tx,
        event: &'a lumiku_plugin::realtime::Event,
    ) -> BoxFuture<'a, Result<(), ApiError>> {
        Box::pin(async move {
            let tenant_id = tenant_of(tx)?;
            let envelope =
                crate::realtime::event_envelope(tenant_id, self.wall.app_id(), event, true);
            Ok(self.realtime.publish_on(tx, envelope).await?)
        })
    }

    fn revoke<'a>(
        &'a self,
        tx: &'a mut Tx,
        revocation: &'a lumiku_plugin::realtime::Revocation,
    ) -> BoxFuture<'a, Result<(), ApiError>> {
        Box::pin(async move {
            let tenant_id = tenant_of(tx)?;
            lumiku_plugin::realtime::check_topic(&revocation.topic)
                .map_err(|e| ApiError::internal(std::io::Error::other(e)))?;
            let envelope = crate::realtime::Envelope::Revoke {
                tenant: tenant_id,
                app: self.wall.app_id().to_owned(),
                topic: revocation.topic.clone(),
                user: revocation.user_id,
            };
            Ok(self.realtime.publish_on(tx, envelope).await?)
        })
    }

    fn emit_webhook<'a>(
        &'a self,
        tx: &'a mut Tx,
        event: &'a str,
        mut data: serde_json::Value,
    ) -> BoxFuture<'a, Result<(), ApiError>> {
        Box::pin(async move {
            let app_id = self.wall.app_id();
            if !self.webhook_events.iter().any(|(name, _)| *name == event) {
                return Err(ApiError::internal(std::io::Error::other(format!(
                    "app '{app_id}' emitted webhook event '{event}', which its manifest does not \
                     declare"
                ))));
            }
            let tenant_id = tenant_of(tx)?;
            let event = format!("{app_id}.{event}");
            // Like the platform's own events, an app's says whose it is.
            if let Some(object) = data.as_object_mut() {
                object.insert("tenantId".into(), tenant_id.to_string().into());
            }
            Self::step_out(tx).await?;
            let emitted = crate::webhooks::outbox::emit(tx, tenant_id, &event, data, now()).await;
            self.step_in(tx).await?;
            Ok(emitted?)
        })
    }

    fn signal<'a>(
        &'a self,
        tenant_id: Uuid,
        user_id: Uuid,
        event: &'a lumiku_plugin::realtime::Event,
    ) -> BoxFuture<'a, Result<(), ApiError>> {
        Box::pin(async move {
            self.realtime
                .allow_signal(user_id, self.wall.app_id())
                .map_err(ApiError::rate_limited)?;
            let envelope =
                crate::realtime::event_envelope(tenant_id, self.wall.app_id(), event, false);
            Ok(self.realtime.signal(envelope).await?)
        })
    }

    fn usage_days(
        &self,
        tenant_id: Uuid,
        from: NaiveDate,
        to: NaiveDate,
    ) -> BoxFuture<'_, Result<Vec<UsageDay>, ApiError>> {
        Box::pin(async move {
            self.declared(PlatformData::Usage)?;
            let mut tx = self
                .db
                .begin_tenant_read(tenant_id)
                .await
                .map_err(Error::from)?;
            Ok(crate::credits::usage_days(&mut tx, tenant_id, from, to).await?)
        })
    }

    fn ledger_days(
        &self,
        tenant_id: Uuid,
        from: NaiveDate,
        to: NaiveDate,
    ) -> BoxFuture<'_, Result<LedgerDays, ApiError>> {
        Box::pin(async move {
            self.declared(PlatformData::Ledger)?;
            let mut tx = self
                .db
                .begin_tenant_read(tenant_id)
                .await
                .map_err(Error::from)?;
            Ok(crate::credits::ledger_days(&mut tx, tenant_id, from, to).await?)
        })
    }

    fn platform_balance(&self, tenant_id: Uuid) -> BoxFuture<'_, Result<i64, ApiError>> {
        Box::pin(async move {
            self.declared(PlatformData::Ledger)?;
            self.balance(tenant_id).await
        })
    }

    fn mail_enabled(&self) -> bool {
        self.mail.is_some()
    }

    fn send_mail(
        &self,
        tenant_id: Uuid,
        mail: lumiku_plugin::Mail,
    ) -> BoxFuture<'_, Result<(), ApiError>> {
        Box::pin(async move {
            let Some(transport) = &self.mail else {
                return Err(lumiku_plugin::mail::not_configured());
            };
            let subject = mail.subject.clone();
            let sent = transport.send(mail).await;
            match &sent {
                Ok(()) => {
                    tracing::info!(tenant = %tenant_id, app = self.wall.app_id(), subject, "mail sent")
                }
                Err(error) => {
                    tracing::warn!(tenant = %tenant_id, app = self.wall.app_id(), %error, "mail not sent")
                }
            }
            sent
        })
    }

    fn balance(&self, tenant_id: Uuid) -> BoxFuture<'_, Result<i64, ApiError>> {
        Box::pin(async move {
            let mut tx = self
                .db
                .begin_tenant_read(tenant_id)
                .await
                .map_err(Error::from)?;
            Ok(credits::current_balance(&mut tx, tenant_id).await?)
        })
    }

    fn public(&self, tenant_id: Uuid, write: bool) -> BoxFuture<'_, Result<Tx, ApiError>> {
        Box::pin(self.public_tx(tenant_id, write))
    }

    fn max_upload_bytes(&self) -> u64 {
        self.storage.max_upload_bytes()
    }

    fn storage_usage(&self, tenant_id: Uuid) -> BoxFuture<'_, Result<StorageUsage, ApiError>> {
        Box::pin(async move {
            let mut tx = self
                .db
                .begin_tenant_read(tenant_id)
                .await
                .map_err(Error::from)?;
            Ok(crate::storage::usage(&mut tx, tenant_id).await?)
        })
    }

    fn blob_upload(
        &self,
        tenant_id: Uuid,
        body: ByteStream,
        limit: u64,
    ) -> BoxFuture<'_, Result<Uploaded, ApiError>> {
        Box::pin(
            self.storage
                .upload(tenant_id, self.wall.app_id(), body, limit),
        )
    }

    fn blob_attach<'a>(
        &'a self,
        tx: &'a mut Tx,
        blob: &'a lumiku_plugin::BlobInfo,
    ) -> BoxFuture<'a, Result<(), ApiError>> {
        Box::pin(async move {
            let tenant_id = tenant_of(tx)?;
            Self::step_out(tx).await?;
            let attached = crate::storage::attach(tx, tenant_id, self.wall.app_id(), blob).await;
            self.step_in(tx).await?;
            attached
        })
    }

    fn blob_remove<'a>(
        &'a self,
        tx: &'a mut Tx,
        id: Uuid,
    ) -> BoxFuture<'a, Result<bool, ApiError>> {
        Box::pin(async move {
            let tenant_id = tenant_of(tx)?;
            let app_id = self.wall.app_id();
            Self::step_out(tx).await?;
            let removed = crate::storage::remove(tx, tenant_id, app_id, id).await;
            self.step_in(tx).await?;
            let removed = removed?;
            if removed {
                let storage = Arc::clone(&self.storage);
                let app_id = app_id.to_owned();
                tx.on_commit(move || {
                    tokio::spawn(async move {
                        if let Err(error) = storage.delete(tenant_id, &app_id, id).await {
                            tracing::warn!(%error, blob = %id, "could not delete a removed blob's object; the storage sweep will");
                        }
                    });
                });
            }
            Ok(removed)
        })
    }

    fn blob_discard(&self, tenant_id: Uuid, id: Uuid) -> BoxFuture<'_, Result<(), ApiError>> {
        Box::pin(async move {
            if self.blob_info_of(tenant_id, id).await?.is_none() {
                self.storage
                    .delete(tenant_id, self.wall.app_id(), id)
                    .await
                    .map_err(ApiError::internal)?;
            }
            Ok(())
        })
    }

    fn blob_info(
        &self,
        tenant_id: Uuid,
        id: Uuid,
    ) -> BoxFuture<'_, Result<Option<lumiku_plugin::BlobInfo>, ApiError>> {
        Box::pin(self.blob_info_of(tenant_id, id))
    }

    fn blob_read_pending(
        &self,
        tenant_id: Uuid,
        id: Uuid,
    ) -> BoxFuture<'_, Result<ByteStream, ApiError>> {
        Box::pin(self.storage.read(tenant_id, self.wall.app_id(), id, None))
    }

    fn blob_read(
        &self,
        tenant_id: Uuid,
        id: Uuid,
        range: Option<std::ops::Range<u64>>,
    ) -> BoxFuture<'_, Result<ByteStream, ApiError>> {
        Box::pin(async move {
            if self.blob_info_of(tenant_id, id).await?.is_none() {
                return Err(ApiError::not_found("no such file"));
            }
            self.storage
                .read(tenant_id, self.wall.app_id(), id, range)
                .await
        })
    }
}

/// Blob storage (see [`crate::storage`]), and the other reads an app asks of the kernel.
impl AppHost {
    async fn public_tx(&self, tenant_id: Uuid, write: bool) -> Result<Tx, ApiError> {
        let mut tx = if write {
            self.db.begin_tenant(tenant_id).await
        } else {
            self.db.begin_tenant_read(tenant_id).await
        }
        .map_err(Error::from)?;
        // The app's state in the registry, its install in the tenant, and the tenant's tier: a
        // public route is open only where the tenant could use the app itself.
        type State = (bool, bool, Option<bool>, Option<String>);
        let state: Option<State> = sql::query_as(
            "select a.enabled, a.coming_soon, ta.installed, \
             (select p.tier from subscriptions sub join plans p on p.id = sub.plan_id \
              where sub.tenant_id = $2 and sub.status <> 'canceled') \
             from apps a left join tenant_apps ta on ta.app_id = a.app_id and ta.tenant_id = $2 \
             where a.app_id = $1",
        )
        .bind(self.wall.app_id())
        .bind(tenant_id)
        .fetch_optional(&mut tx)
        .await
        .map_err(Error::from)?;
        let Some((true, false, Some(true), tier)) = state else {
            return Err(ApiError::not_found("No such link"));
        };
        let tier = tier.as_deref().and_then(Tier::parse).unwrap_or(Tier::Free);
        let needed = self.access.min_subscription_tier.unwrap_or(Tier::Free);
        if tier < needed || (self.access.requires_subscription && tier == Tier::Free) {
            return Err(ApiError::not_found("No such link"));
        }
        tx.enter(Arc::clone(&self.wall))
            .await
            .map_err(Error::from)?;
        Ok(tx)
    }

    async fn blob_info_of(
        &self,
        tenant_id: Uuid,
        id: Uuid,
    ) -> Result<Option<lumiku_plugin::BlobInfo>, ApiError> {
        let mut tx = self
            .db
            .begin_tenant_read(tenant_id)
            .await
            .map_err(Error::from)?;
        Ok(crate::storage::info(&mut tx, tenant_id, self.wall.app_id(), id).await?)
    }
}

/// The tenant of an app's transaction.
fn tenant_of(tx: &Tx) -> std::result::Result<Uuid, ApiError> {
    tx.tenant().ok_or_else(|| {
        ApiError::internal(std::io::Error::other(
            "realtime and webhook events are sent on a tenant's transaction",
        ))
    })
}

impl AppHost {
    /// Leaves the wall for a kernel write on an app's transaction.
    async fn step_out(tx: &mut Tx) -> Result<()> {
        Ok(tx.leave().await?)
    }

    /// Goes back inside the wall after it.
    async fn step_in(&self, tx: &mut Tx) -> Result<()> {
        Ok(tx.enter(Arc::clone(&self.wall)).await?)
    }

    async fn open_job(
        &self,
        claim: &JobClaim,
        charge: Option<&ChargeRequest>,
    ) -> Result<(Tx, Option<i64>)> {
        let mut tx = self.db.begin_tenant(claim.tenant_id).await?;
        jobs::hold(&mut tx, claim).await?;
        let state: Option<(bool, bool, Option<bool>)> = sql::query_as(
            "select a.enabled, a.coming_soon, ta.installed from apps a \
             left join tenant_apps ta on ta.app_id = a.app_id and ta.tenant_id = $2 \
             where a.app_id = $1",
        )
        .bind(self.wall.app_id())
        .bind(claim.tenant_id)
        .fetch_optional(&mut tx)
        .await?;
        match state {
            Some((true, false, Some(true))) => {}
            Some((true, false, _)) => return Err(Error::NotInstalled),
            _ => return Err(Error::NotFound("app")),
        }
        let wall = Arc::clone(&self.wall);
        let balance = match charge {
            Some(charge) if charge.cost > 0 => Some(
                credits::move_balance_into(&mut tx, charge.tenant_id, -charge.cost, now(), wall)
                    .await?,
            ),
            Some(charge) => {
                let balance = credits::current_balance(&mut tx, charge.tenant_id).await?;
                tx.enter(wall).await?;
                Some(balance)
            }
            None => {
                tx.enter(wall).await?;
                None
            }
        };
        Ok((tx, balance))
    }

    async fn open_charge(&self, charge: &ChargeRequest) -> Result<Opening> {
        let mut tx = self.db.begin_tenant(charge.tenant_id).await?;
        if let Some((key, hash)) = &charge.idempotency
            && let Claim::Replay { status, body } =
                claim_idempotency_key(&mut tx, charge.tenant_id, key, hash).await?
        {
            return Ok(Opening::Replay { status, body });
        }
        let wall = Arc::clone(&self.wall);
        let balance = if charge.cost > 0 {
            credits::move_balance_into(&mut tx, charge.tenant_id, -charge.cost, now(), wall).await?
        } else {
            let balance = credits::current_balance(&mut tx, charge.tenant_id).await?;
            tx.enter(wall).await?;
            balance
        };
        Ok(Opening::Charged { tx, balance })
    }
}

fn observe_metered(charge: &ChargeRequest, outcome: Metered) {
    observe::metered(charge.app_id, charge.action, outcome, charge.cost);
}

/// Step 4: the usage, ledger and totals, the stored answer, and the commit.
async fn complete_charge(mut tx: Tx, completion: &Completion<'_>) -> Result<()> {
    tx.leave().await?;
    let charge = completion.charge;
    record_usage(&mut tx, &usage_of(completion)).await?;
    if let Some((key, _)) = &charge.idempotency {
        store_idempotent_response(
            &mut tx,
            charge.tenant_id,
            key,
            completion.status,
            completion.body,
        )
        .await?;
    }
    tx.commit().await?;
    Ok(())
}

/// The usage row of a completed charge.
fn usage_of<'a>(completion: &'a Completion<'_>) -> UsageRecord<'a> {
    let charge = completion.charge;
    UsageRecord {
        tenant_id: charge.tenant_id,
        user_id: charge.user_id,
        app_id: charge.app_id,
        action: charge.action,
        credits: charge.cost,
        balance_after: completion.balance,
        metadata: &completion.metadata,
    }
}

/// Refuses an app that is disabled (404, as if it did not exist) or coming soon (403), given its
/// registry state (`None`: not registered).
pub fn check_app_state(state: Option<(bool, bool)>) -> std::result::Result<(), ApiError> {
    match state {
        Some((true, false)) => Ok(()),
        Some((true, true)) => Err(ApiError::new(
            axum::http::StatusCode::FORBIDDEN,
            "app_coming_soon",
            "This app is coming soon",
        )),
        _ => Err(ApiError::not_found("No such app")),
    }
}

/// An app's install cost, charged once when a tenant installs it.
#[derive(Debug, Clone, Copy)]
pub struct InstallCharge<'a> {
    /// Who pays.
    pub tenant_id: Uuid,
    /// Who installs.
    pub user_id: Uuid,
    /// The app.
    pub app_id: &'a str,
    /// Its install cost, above zero.
    pub cost: i64,
}

/// The install action's name in usage rows.
pub const INSTALL_ACTION: &str = "install";

/// Charges an install on the installing transaction, as a metered action: the conditional debit
/// (402 and nothing else when the wallet is short), then the usage row, its ledger row and the
/// running totals. Answers the balance after it.
pub async fn charge_install(tx: &mut Tx, charge: &InstallCharge<'_>) -> Result<i64> {
    let balance = credits::move_balance(tx, charge.tenant_id, -charge.cost, now()).await?;
    let metadata = serde_json::json!({ "install": true });
    let usage = UsageRecord {
        tenant_id: charge.tenant_id,
        user_id: charge.user_id,
        app_id: charge.app_id,
        action: INSTALL_ACTION,
        credits: charge.cost,
        balance_after: balance,
        metadata: &metadata,
    };
    record_usage(tx, &usage).await?;
    let (app, cost) = (charge.app_id.to_owned(), charge.cost);
    tx.on_commit(move || observe::install_charged(&app, cost));
    Ok(balance)
}

/// Refuses an app the catalogue does not offer this caller (404, as if it did not exist) or that
/// the tenant has not installed (404 `app_not_installed`).
fn check_installed(request: &AppRequest) -> std::result::Result<(), ApiError> {
    if !request.visible {
        return Err(ApiError::not_found("No such app"));
    }
    if !request.installed {
        return Err(crate::error::not_installed());
    }
    Ok(())
}

/// Checks the caller's role and the tenant's subscription tier against the app's access rules.
pub fn check_app_rules(
    app: &Manifest,
    role: Role,
    tier: Tier,
) -> std::result::Result<(), ApiError> {
    let access = app.access;
    if !access.allowed_roles.contains(&role) {
        return Err(ApiError::forbidden(
            "your role in this tenant cannot use this app",
        ));
    }
    let needed = access.min_subscription_tier.unwrap_or(Tier::Free);
    if tier < needed || (access.requires_subscription && tier == Tier::Free) {
        return Err(ApiError::new(
            axum::http::StatusCode::FORBIDDEN,
            "subscription_required",
            format!("This app needs the {} plan or higher", needed.as_str()),
        )
        .with_detail("requiredTier", needed)
        .with_detail("currentTier", tier));
    }
    Ok(())
}

/// Who is asking for an app, and in which tenant.
#[derive(Debug, Clone, Copy)]
pub struct Admission<'a> {
    /// The credential the request carries.
    pub credential: Credential<'a>,
    /// The tenant the request names, if any (the personal tenant otherwise).
    pub tenant: Option<Uuid>,
    /// Whether an unknown named tenant falls back to the personal one (a browser's remembered
    /// choice that is no longer valid) instead of answering 404.
    pub falls_back: bool,
}

/// An admitted request: the caller, their session, and where they act.
#[derive(Debug, Clone, Copy)]
pub struct Admitted {
    /// The caller in the tenant, with their role.
    pub caller: AppCaller,
    /// The session behind the credential (the server checks a cookie's CSRF token against it).
    pub session_id: Uuid,
}

impl Kernel {
    /// Step 1: authenticates a request to `app` and checks it against the app's state and access
    /// rules (401, 403, 404 as [`ApiError`]s).
    pub async fn admit(
        &self,
        app: &Manifest,
        admission: Admission<'_>,
    ) -> std::result::Result<Admitted, ApiError> {
        let mut request = self
            .app_request(admission.credential, admission.tenant, app.app_id)
            .await?;
        check_app_state(request.app)?;
        if request.access.is_none() && admission.falls_back {
            request = self
                .app_request(admission.credential, None, app.app_id)
                .await?;
        }
        let access = request
            .access
            .ok_or_else(|| ApiError::not_found("tenant not found"))?;
        check_app_rules(app, access.role, request.tier)?;
        check_installed(&request)?;
        Ok(Admitted {
            caller: AppCaller {
                user_id: request.caller.user_id,
                tenant_id: access.tenant_id,
                role: access.role,
                tier: request.tier,
            },
            session_id: request.caller.session_id,
        })
    }
}

#[derive(lumiku_plugin::sql::FromRow)]
struct AppRequestRow {
    session_id: Uuid,
    user_id: Uuid,
    platform_role: String,
    session_expires_at: DateTime<Utc>,
    tenant_id: Option<Uuid>,
    role: Option<String>,
    app_enabled: Option<bool>,
    app_coming_soon: Option<bool>,
    app_installed: Option<bool>,
    app_visibility: Option<String>,
    tenant_beta: Option<bool>,
    tier: Option<String>,
    gate_epoch: i64,
}

/// The session, the membership, the app's state, the tier and the gate's epoch in one statement
/// (so in one snapshot): an app request is the hot path, and each statement costs a trip to the
/// database. The credential's condition follows.
const APP_REQUEST_SQL: &str = "select s.id as session_id, s.user_id, u.platform_role, \
    s.expires_at as session_expires_at, m.tenant_id, m.role, a.enabled as app_enabled, \
    a.coming_soon as app_coming_soon, ta.installed as app_installed, a.visibility as app_visibility, \
    mt.beta_apps as tenant_beta, \
    (select p.tier from subscriptions sub join plans p on p.id = sub.plan_id \
      where sub.tenant_id = m.tenant_id and sub.status <> 'canceled') as tier, \
    (select g.epoch from gate_epoch g where g.id = 1) as gate_epoch \
    from sessions s join users u on u.id = s.user_id \
    left join tenant_members m on m.user_id = s.user_id and m.tenant_id = \
      coalesce($3, (select t.id from tenants t where t.created_by = s.user_id and t.kind = 'personal')) \
    left join apps a on a.app_id = $4 \
    left join tenant_apps ta on ta.tenant_id = m.tenant_id and ta.app_id = $4 \
    left join tenants mt on mt.id = m.tenant_id \
    where s.revoked_at is null and s.expires_at > $5 and ";

/// [`APP_REQUEST_SQL`] for an access token's session and user.
static APP_REQUEST_BY_TOKEN: std::sync::LazyLock<String> =
    std::sync::LazyLock::new(|| format!("{APP_REQUEST_SQL}s.id = $1 and s.user_id = $2"));

/// [`APP_REQUEST_SQL`] for a browser cookie. `$2` stays in the text (bound to null) so the
/// parameters keep their numbers: PostgreSQL refuses a statement that skips one.
static APP_REQUEST_BY_COOKIE: std::sync::LazyLock<String> =
    std::sync::LazyLock::new(|| format!("{APP_REQUEST_SQL}s.cookie_hash = $1 and $2 is null"));

impl Kernel {
    /// Authenticates an app request and reads what its gate decides on: the caller (401 when
    /// the credential or its session is not valid), their role in `tenant` (the personal tenant
    /// when `None`), the app's state, and the tenant's tier. What was read is reused while the
    /// gate's epoch stays the same ([`crate::gate`]), so a request usually costs a one-row read.
    pub async fn app_request(
        &self,
        credential: Credential<'_>,
        tenant: Option<Uuid>,
        app_id: &str,
    ) -> Result<AppRequest> {
        let now = now();
        let key = GateKey {
            credential: match credential {
                Credential::AccessToken(token) => CredentialKey::Token(token.to_owned()),
                Credential::Cookie(cookie) => {
                    CredentialKey::Cookie(crate::token::hash_refresh_token(cookie))
                }
                Credential::Session {
                    session_id,
                    user_id,
                } => CredentialKey::Session(session_id, user_id),
            },
            tenant,
            app_id: app_id.to_owned(),
        };
        const EPOCH: &str = "select epoch from gate_epoch where id = 1";
        let shared = match self.db.backend() {
            Backend::Postgres => {
                let db = self.db.clone();
                self.epochs
                    .read(move || {
                        let db = db.clone();
                        async move {
                            sql::query_scalar(EPOCH)
                                .fetch_one(&db)
                                .await
                                .map_err(Arc::new)
                        }
                    })
                    .await
            }
            Backend::Sqlite => None,
        };
        let epoch: i64 = match shared {
            Some(Ok(epoch)) => epoch,
            // The error once more for this request, as unavailable as it was (a 503), with
            // its message.
            Some(Err(error)) => {
                let message = error.to_string();
                return Err(Error::Database(if lumiku_store::is_unavailable(&error) {
                    sql::Error::Io(std::io::Error::other(message))
                } else {
                    sql::Error::Protocol(message)
                }));
            }
            None => sql::query_scalar(EPOCH).fetch_one(&self.db).await?,
        };
        if let Some(request) = self.gate.get(&key, epoch, now) {
            return Ok(request);
        }

        let (query, token_expires) = match &key.credential {
            CredentialKey::Token(token) => {
                let claims = self.tokens.verify_access(token)?;
                let query = sql::query_as::<AppRequestRow>(APP_REQUEST_BY_TOKEN.as_str())
                    .bind(claims.sid)
                    .bind(Some(claims.sub));
                let expires = DateTime::from_timestamp(claims.exp, 0).ok_or(Error::InvalidToken)?;
                (query, Some(expires))
            }
            CredentialKey::Session(session_id, user_id) => {
                let query = sql::query_as::<AppRequestRow>(APP_REQUEST_BY_TOKEN.as_str())
                    .bind(*session_id)
                    .bind(Some(*user_id));
                (query, None)
            }
            CredentialKey::Cookie(hash) => {
                let query = sql::query_as(APP_REQUEST_BY_COOKIE.as_str())
                    .bind(hash.as_str())
                    .bind(None::<Uuid>);
                (query, None)
            }
        };
        let row = query
            .bind(tenant)
            .bind(app_id)
            .bind(now)
            .fetch_optional(&self.db)
            .await?;
        let row = row.ok_or(Error::InvalidToken)?;
        let access = match (row.tenant_id, row.role.as_deref()) {
            (Some(tenant_id), Some(role)) => Some(crate::context::TenantAccess {
                tenant_id,
                role: crate::context::role_from_name(role)?,
            }),
            _ => None,
        };
        let expires_at = token_expires.unwrap_or(row.session_expires_at);
        let caller = Caller {
            user_id: row.user_id,
            session_id: row.session_id,
            platform_role: row.platform_role,
            expires_at,
        };
        let visible = Visibility::parse(row.app_visibility.as_deref())
            .offered_to(&caller, row.tenant_beta.unwrap_or(false));
        let request = AppRequest {
            caller,
            access,
            app: row.app_enabled.zip(row.app_coming_soon),
            installed: row.app_installed.unwrap_or(false),
            visible,
            tier: row
                .tier
                .as_deref()
                .and_then(Tier::parse)
                .unwrap_or(Tier::Free),
        };
        let valid_until = expires_at.min(row.session_expires_at);
        self.gate.put(key, row.gate_epoch, &request, valid_until);
        Ok(request)
    }
}

/// How an idempotency key was found.
#[derive(Debug)]
enum Claim {
    /// Ours now: do the work and store the response.
    Owned,
    /// Served before for this same request: answer it again.
    Replay {
        /// Stored status.
        status: u16,
        /// Stored body.
        body: Value,
    },
}

/// Claims `key` for this request on `tx`. On PostgreSQL a concurrent claim of the same key waits
/// for the first transaction and then sees its stored response; SQLite's writers are serial.
async fn claim_idempotency_key(
    tx: &mut Tx,
    tenant_id: Uuid,
    key: &str,
    request_hash: &str,
) -> Result<Claim> {
    let inserted = sql::query(
        "insert into idempotency_keys (tenant_id, key, request_hash, created_at) values ($1, $2, $3, $4) \
         on conflict do nothing")
        .bind(tenant_id)
        .bind(key)
        .bind(request_hash)
        .bind(now())
        .execute(&mut *tx)
        .await
        .map(|r| r.rows_affected())?;
    if inserted == 1 {
        return Ok(Claim::Owned);
    }
    #[derive(lumiku_plugin::sql::FromRow)]
    struct Stored {
        request_hash: String,
        response_status: Option<i32>,
        response_body: Option<Json<Value>>,
    }
    let stored = sql::query_as::<Stored>(
        "select request_hash, response_status, response_body from idempotency_keys where tenant_id = $1 and key = $2")
        .bind(tenant_id)
        .bind(key)
        .fetch_one(&mut *tx)
        .await?;
    if stored.request_hash != request_hash {
        return Err(Error::IdempotencyKeyReused);
    }
    match (stored.response_status, stored.response_body) {
        (Some(status), Some(Json(body))) => Ok(Claim::Replay {
            status: status as u16,
            body,
        }),
        _ => Err(Error::Conflict {
            code: "request_in_progress",
            message: "A request with this Idempotency-Key is still being processed",
        }),
    }
}

/// Stores the response of the request that owns `key`.
async fn store_idempotent_response(
    tx: &mut Tx,
    tenant_id: Uuid,
    key: &str,
    status: u16,
    body: &Value,
) -> Result<()> {
    sql::query(
        "update idempotency_keys set response_status = $3, response_body = $4 where tenant_id = $1 and key = $2")
        .bind(tenant_id)
        .bind(key)
        .bind(i32::from(status))
        .bind(Json(body))
        .execute(&mut *tx)
        .await
        .map(|r| r.rows_affected())?;
    Ok(())
}

/// A metered action's usage, written with its ledger row and the app's counters.
#[derive(Debug, Clone)]
struct UsageRecord<'a> {
    /// The tenant that paid.
    pub tenant_id: Uuid,
    /// The user who acted.
    pub user_id: Uuid,
    /// The app.
    pub app_id: &'a str,
    /// The action.
    pub action: &'a str,
    /// Its cost, already debited.
    pub credits: i64,
    /// The balance after the debit.
    pub balance_after: i64,
    /// The app's details.
    pub metadata: &'a Value,
}

/// Appends the usage row and its ledger row (for a non-zero cost), and bumps the user's running
/// totals for the app in the tenant: a row no other tenant's actions touch. On PostgreSQL the
/// three writes go as one statement; SQLite runs in-process, where a round trip costs nothing.
async fn record_usage(tx: &mut Tx, usage: &UsageRecord<'_>) -> Result<Uuid> {
    let now = now();
    let usage_id = new_id();
    let description = format!("{}: {}", usage.app_id, usage.action);
    let day = credits::day_of(now);
    if tx.backend() == Backend::Postgres {
        // The five writes in one statement: one round trip instead of five.
        sql::query(
            "with usage as (insert into app_usage (id, tenant_id, app_id, action, credits, user_id, metadata, created_at) \
                 values ($1, $2, $3, $4, $5, $6, $7, $8)), \
             ledger as (insert into ledger_entries (id, tenant_id, amount_credits, balance_after_credits, kind, \
                 description, reference_type, reference_id, actor_user_id, created_at) \
                 select $9, $2, -$5, $10, $11, $12, 'app_usage', $13, $6, $8 where $5 > 0), \
             ledger_day as (insert into ledger_daily (tenant_id, day, credits_in, credits_out, entries, closing_balance) \
                 select $2, $14, 0, $5, 1, $10 where $5 > 0 \
                 on conflict (tenant_id, day) do update set credits_out = ledger_daily.credits_out + excluded.credits_out, \
                 entries = ledger_daily.entries + 1, closing_balance = excluded.closing_balance), \
             usage_day as (insert into usage_daily (tenant_id, day, app_id, action, user_id, actions, credits) \
                 values ($2, $14, $3, $4, $6, 1, $5) on conflict (tenant_id, day, app_id, action, user_id) do update \
                 set actions = usage_daily.actions + 1, credits = usage_daily.credits + excluded.credits) \
             insert into app_user_usage (tenant_id, app_id, user_id, actions, credits, first_used_at, last_used_at) \
             values ($2, $3, $6, 1, $5, $8, $8) on conflict (tenant_id, app_id, user_id) do update set \
             actions = app_user_usage.actions + 1, credits = app_user_usage.credits + excluded.credits, \
             last_used_at = excluded.last_used_at")
            .bind(usage_id)
            .bind(usage.tenant_id)
            .bind(usage.app_id)
            .bind(usage.action)
            .bind(usage.credits)
            .bind(usage.user_id)
            .bind(Json(&usage.metadata))
            .bind(now)
            .bind(new_id())
            .bind(usage.balance_after)
            .bind(EntryKind::Usage.as_str())
            .bind(description.as_str())
            .bind(usage_id.to_string())
            .bind(day.as_str())
            .execute(&mut *tx)
            .await
            .map(|r| r.rows_affected())?;
        return Ok(usage_id);
    }
    sql::query(
        "insert into app_usage (id, tenant_id, app_id, action, credits, user_id, metadata, created_at) \
         values ($1, $2, $3, $4, $5, $6, $7, $8)")
        .bind(usage_id)
        .bind(usage.tenant_id)
        .bind(usage.app_id)
        .bind(usage.action)
        .bind(usage.credits)
        .bind(usage.user_id)
        .bind(Json(&usage.metadata))
        .bind(now)
        .execute(&mut *tx)
        .await
        .map(|r| r.rows_affected())?;
    sql::query(
        "insert into app_user_usage (tenant_id, app_id, user_id, actions, credits, first_used_at, last_used_at) \
         values ($1, $2, $3, 1, $4, $5, $5) on conflict (tenant_id, app_id, user_id) do update set \
         actions = app_user_usage.actions + 1, credits = app_user_usage.credits + excluded.credits, \
         last_used_at = excluded.last_used_at")
        .bind(usage.tenant_id)
        .bind(usage.app_id)
        .bind(usage.user_id)
        .bind(usage.credits)
        .bind(now)
        .execute(&mut *tx)
        .await
        .map(|r| r.rows_affected())?;
    sql::query(
        "insert into usage_daily (tenant_id, day, app_id, action, user_id, actions, credits) \
         values ($1, $2, $3, $4, $5, 1, $6) on conflict (tenant_id, day, app_id, action, user_id) do update \
         set actions = usage_daily.actions + 1, credits = usage_daily.credits + excluded.credits")
        .bind(usage.tenant_id)
        .bind(day.as_str())
        .bind(usage.app_id)
        .bind(usage.action)
        .bind(usage.user_id)
        .bind(usage.credits)
        .execute(&mut *tx)
        .await
        .map(|r| r.rows_affected())?;
    if usage.credits > 0 {
        let entry = NewEntry {
            tenant_id: usage.tenant_id,
            amount: -usage.credits,
            kind: EntryKind::Usage,
            description: &description,
            reference: Some(("app_usage", usage_id.to_string())),
            actor_user_id: Some(usage.user_id),
        };
        append_entry(tx, &entry, usage.balance_after, now).await?;
    }
    Ok(usage_id)
}
