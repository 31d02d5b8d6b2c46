//! What an app handler gets from the kernel: the caller and tenant ([`AppContext`]), a
//! transaction scoped to that tenant, and the metered action ([`Metered`]) that charges credits
//! atomically with the work they pay for.
//!
//! A metered handler reads like this:
//!
//! ```text
//! lumiku_plugin::actions! { CreateProject = "createProject" }
//!
//! async fn create_project(
//!     mut metered: Metered<CreateProject, NewProject>,
//! ) -> Result<Charged<ProjectBody>, ApiError> {
//!     let input = metered.body().validate()?;          // 422 rolls back: nothing charged
//!     let project = store::insert(metered.tx(), metered.tenant_id(), &input).await?;
//!     let usage = Usage { project_id: project.id };
//!     metered.finish(StatusCode::CREATED, ProjectBody { project }, usage).await
//! }
//! ```
//!
//! By the time the handler runs, the tenant's wallet was debited on the request's transaction
//! (402 and nothing else if it could not pay), and the transaction was put inside the app's wall:
//! the handler's statements reach only the app's own tables. [`Metered::finish`] hands the
//! transaction back to the kernel, which appends the ledger and usage rows, bumps the running
//! totals, stores the response under the request's `Idempotency-Key`, and commits all of it at
//! once. Any error before that rolls everything back.
//!
//! [`Host`] is the kernel's side, implemented by `lumiku-kernel`'s `metering` module; an app never
//! calls it.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use axum::http::{HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;
use sha2::{Digest, Sha256};
use uuid::Uuid;

use crate::ApiError;
use crate::charged::Charged;
use crate::manifest::Manifest;
use crate::role::{Permission, Role};
use crate::sql::Tx;

/// A boxed future, for the object-safe [`Host`] trait.
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// The header making a metered request safe to retry.
pub const IDEMPOTENCY_KEY: &str = "idempotency-key";

/// An action name an app's manifest prices. Declare them with [`actions!`](crate::actions).
pub trait Action: Send + 'static {
    /// The name, as in the manifest's `credits`.
    const NAME: &'static str;
    /// Whether a caller who may only read (a viewer) may take it too, when it is free: marking
    /// something read, say. A priced action always needs the write permission.
    const FOR_READERS: bool = false;
}

/// Declares action types for [`Metered`]: `actions! { CreateProject = "createProject" }`. An
/// action viewers may take when it costs nothing is marked `as readers`:
/// `actions! { MarkRead = "markRead" as readers }`.
#[macro_export]
macro_rules! actions {
    ($($(#[$meta:meta])* $ty:ident = $name:literal $(as $readers:ident)?),* $(,)?) => {
        $(
            $(#[$meta])*
            #[derive(Debug, Clone, Copy)]
            pub struct $ty;
            impl $crate::context::Action for $ty {
                const NAME: &'static str = $name;
                const FOR_READERS: bool = $crate::__for_readers!($($readers)?);
            }
        )*
    };
}

/// `as readers` in [`actions!`].
#[doc(hidden)]
#[macro_export]
macro_rules! __for_readers {
    () => {
        false
    };
    (readers) => {
        true
    };
}

/// The authenticated caller of an app route, in the tenant the request acts in.
#[derive(Debug, Clone, Copy)]
pub struct AppCaller {
    /// The user.
    pub user_id: Uuid,
    /// The tenant (the `X-Tenant-Id` header's, or the caller's personal tenant).
    pub tenant_id: Uuid,
    /// The caller's role in it.
    pub role: Role,
    /// The tenant's subscription tier.
    pub tier: crate::Tier,
}

/// What the kernel attaches to every request it lets through to an app. Its fields are private:
/// an app reaches the kernel only through the extractors.
#[derive(Clone)]
pub struct RequestContext {
    app: &'static Manifest,
    caller: Option<AppCaller>,
    host: Arc<dyn Host>,
}

impl RequestContext {
    /// The context of a request to `app` by `caller` (none for an app open to anonymous
    /// callers), served by `host`. For the server.
    pub fn new(app: &'static Manifest, caller: Option<AppCaller>, host: Arc<dyn Host>) -> Self {
        Self { app, caller, host }
    }
}

/// A charge about to be made.
#[derive(Debug, Clone)]
pub struct ChargeRequest {
    /// The app.
    pub app_id: &'static str,
    /// The action.
    pub action: &'static str,
    /// Its cost from the manifest.
    pub cost: i64,
    /// Who pays.
    pub tenant_id: Uuid,
    /// Who acts.
    pub user_id: Uuid,
    /// The `Idempotency-Key` and the hash of the request it came with.
    pub idempotency: Option<(String, String)>,
}

/// How a metered action opened.
// Made once per request and moved straight into the handler: boxing the transaction would only
// add an allocation.
#[allow(clippy::large_enum_variant)]
pub enum Opening {
    /// The wallet was debited on `tx`, which is now inside the app's wall.
    Charged {
        /// The transaction holding the debit, for the app's writes.
        tx: lumiku_store::Tx,
        /// The balance after the debit.
        balance: i64,
    },
    /// The same request was already served under this idempotency key: answer this again.
    Replay {
        /// The stored status.
        status: u16,
        /// The stored body.
        body: Value,
    },
}

/// A metered action being completed with its work.
#[derive(Debug, Clone)]
pub struct Completion<'a> {
    /// The charge as opened.
    pub charge: &'a ChargeRequest,
    /// The balance after the debit.
    pub balance: i64,
    /// What the app wants kept with the usage row.
    pub metadata: Value,
    /// The response status to store for replays.
    pub status: u16,
    /// The response body to store for replays.
    pub body: &'a Value,
}

/// A member of a tenant, as an app may see them.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Member {
    /// The user.
    pub user_id: Uuid,
    /// Their display name.
    pub name: String,
    /// Their e-mail address.
    pub email: String,
    /// Their role in the tenant.
    pub role: Role,
}

/// The kernel's side of an app's requests, one per app (it knows the app's wall). Implemented by
/// the kernel; object-safe so the SDK never depends on it.
pub trait Host: Send + Sync + 'static {
    /// A read transaction of `tenant_id`, inside the app's wall.
    fn read(&self, tenant_id: Uuid) -> BoxFuture<'_, Result<lumiku_store::Tx, ApiError>>;
    /// Opens a metered action: a transaction of the tenant, the idempotency claim (or the stored
    /// response to replay) and the debit, then the app's wall around the transaction.
    fn open<'a>(&'a self, charge: &'a ChargeRequest) -> BoxFuture<'a, Result<Opening, ApiError>>;
    /// Completes it: out of the wall, the usage and ledger rows, the running totals, the stored
    /// response, and the commit of all of it with the app's writes.
    fn complete<'a>(
        &'a self,
        tx: lumiku_store::Tx,
        completion: Completion<'a>,
    ) -> BoxFuture<'a, Result<(), ApiError>>;
    /// The members of the transaction's tenant, read on `tx` (which stays as it was, inside the
    /// app's wall or not): one connection per request, however many reads it makes.
    fn members<'a>(
        &'a self,
        tx: &'a mut lumiku_store::Tx,
    ) -> BoxFuture<'a, Result<Vec<Member>, ApiError>>;
    /// Queues `job` for `tenant_id` on `tx` (which stays inside the app's wall), by `user_id`.
    /// Answers the job's id (the existing one's when its unique key is taken).
    fn enqueue<'a>(
        &'a self,
        tx: &'a mut lumiku_store::Tx,
        user_id: Uuid,
        job: &'a crate::jobs::NewJob,
    ) -> BoxFuture<'a, Result<Uuid, ApiError>>;
    /// Cancels the queued or running jobs of the transaction's tenant with `unique_key`;
    /// answers how many.
    fn cancel_jobs<'a>(
        &'a self,
        tx: &'a mut lumiku_store::Tx,
        unique_key: &'a str,
    ) -> BoxFuture<'a, Result<u64, ApiError>>;
    /// Opens a run's transaction: checks the claim still holds and the app is still usable by
    /// the tenant, debits `charge` if any (answering the balance after it), enters the wall.
    fn job_open<'a>(
        &'a self,
        claim: &'a crate::jobs::JobClaim,
        charge: Option<&'a ChargeRequest>,
    ) -> BoxFuture<'a, Result<(lumiku_store::Tx, Option<i64>), ApiError>>;
    /// Closes it: out of the wall, the usage and ledger rows of the charge, the job's `outcome`
    /// if given (checked against the claim), and the commit.
    fn job_close<'a>(
        &'a self,
        tx: lumiku_store::Tx,
        claim: &'a crate::jobs::JobClaim,
        completion: Option<Completion<'a>>,
        outcome: Option<&'a crate::jobs::Outcome>,
    ) -> BoxFuture<'a, Result<(), ApiError>>;
    /// Whether outbound requests may reach private and loopback addresses (platform config).
    fn allows_private_networks(&self) -> bool;
    /// Publishes `event` to its topic's subscribers in the transaction's tenant when `tx`
    /// commits (never if it rolls back), on every node.
    fn publish<'a>(
        &'a self,
        tx: &'a mut lumiku_store::Tx,
        event: &'a crate::realtime::Event,
    ) -> BoxFuture<'a, Result<(), ApiError>>;
    /// Ends a user's subscriptions to a topic of the transaction's tenant when `tx` commits.
    fn revoke<'a>(
        &'a self,
        tx: &'a mut lumiku_store::Tx,
        revocation: &'a crate::realtime::Revocation,
    ) -> BoxFuture<'a, Result<(), ApiError>>;
    /// Records webhook event `event` (one of the manifest's `webhook_events`, named without the
    /// app's id) of the transaction's tenant with `data`, for every endpoint that takes it:
    /// delivered if and only if `tx` commits.
    fn emit_webhook<'a>(
        &'a self,
        tx: &'a mut lumiku_store::Tx,
        event: &'a str,
        data: serde_json::Value,
    ) -> BoxFuture<'a, Result<(), ApiError>>;
    /// Sends `event` to its topic's subscribers in `tenant_id` now, with no transaction: an
    /// ephemeral signal by `user_id`, not kept for replay, and limited per user (429 past it).
    fn signal<'a>(
        &'a self,
        tenant_id: Uuid,
        user_id: Uuid,
        event: &'a crate::realtime::Event,
    ) -> BoxFuture<'a, Result<(), ApiError>>;
    /// The tenant's usage by day from `from` to `to`: 403 unless the app's manifest declares
    /// it (see [`crate::platform`]).
    fn usage_days(
        &self,
        tenant_id: Uuid,
        from: chrono::NaiveDate,
        to: chrono::NaiveDate,
    ) -> BoxFuture<'_, Result<Vec<crate::platform::UsageDay>, ApiError>>;
    /// The tenant's ledger by day from `from` to `to`: 403 unless declared.
    fn ledger_days(
        &self,
        tenant_id: Uuid,
        from: chrono::NaiveDate,
        to: chrono::NaiveDate,
    ) -> BoxFuture<'_, Result<crate::platform::LedgerDays, ApiError>>;
    /// The tenant's balance, for an app that declared the ledger: 403 unless declared.
    fn platform_balance(&self, tenant_id: Uuid) -> BoxFuture<'_, Result<i64, ApiError>>;
    /// Whether the platform can send mail (it has an SMTP server).
    fn mail_enabled(&self) -> bool;
    /// Sends `mail` for `tenant_id` (503 `mail_not_configured` without an SMTP server).
    fn send_mail(
        &self,
        tenant_id: Uuid,
        mail: crate::mail::Mail,
    ) -> BoxFuture<'_, Result<(), ApiError>>;
    /// The tenant's wallet balance.
    fn balance(&self, tenant_id: Uuid) -> BoxFuture<'_, Result<i64, ApiError>>;
    /// A transaction of `tenant_id` inside the app's wall for a request with no signed-in
    /// caller (a public share link): 404 unless the app is enabled and installed in the tenant.
    /// `write` asks for a writing transaction, which the app commits.
    fn public(
        &self,
        tenant_id: Uuid,
        write: bool,
    ) -> BoxFuture<'_, Result<lumiku_store::Tx, ApiError>>;
    /// The most one upload may hold.
    fn max_upload_bytes(&self) -> u64;
    /// The tenant's storage use and its plan's quota.
    fn storage_usage(
        &self,
        tenant_id: Uuid,
    ) -> BoxFuture<'_, Result<crate::blobs::StorageUsage, ApiError>>;
    /// Streams `body` into a new object of the tenant and app, hashing and counting it; 413
    /// `upload_too_large` past `limit` bytes. The object has no row until attached.
    fn blob_upload(
        &self,
        tenant_id: Uuid,
        body: crate::blobs::ByteStream,
        limit: u64,
    ) -> BoxFuture<'_, Result<crate::blobs::Uploaded, ApiError>>;
    /// Keeps `blob` on `tx`: its row, and its bytes added to the tenant's use if the quota has
    /// room (413 `storage_quota_exceeded` if not), both committed with `tx`.
    fn blob_attach<'a>(
        &'a self,
        tx: &'a mut lumiku_store::Tx,
        blob: &'a crate::blobs::BlobInfo,
    ) -> BoxFuture<'a, Result<(), ApiError>>;
    /// Forgets blob `id` on `tx` (its row and its bytes in the tenant's use) and deletes its
    /// object once `tx` commits; false when this app has no such blob in the tenant.
    fn blob_remove<'a>(
        &'a self,
        tx: &'a mut lumiku_store::Tx,
        id: Uuid,
    ) -> BoxFuture<'a, Result<bool, ApiError>>;
    /// Deletes the object of an upload unless a committed transaction attached it.
    fn blob_discard(&self, tenant_id: Uuid, id: Uuid) -> BoxFuture<'_, Result<(), ApiError>>;
    /// The tenant's blob `id`, if this app stored it.
    fn blob_info(
        &self,
        tenant_id: Uuid,
        id: Uuid,
    ) -> BoxFuture<'_, Result<Option<crate::blobs::BlobInfo>, ApiError>>;
    /// The bytes of an upload of the tenant not yet attached (the app holds its
    /// [`PendingBlob`](crate::blobs::PendingBlob)).
    fn blob_read_pending(
        &self,
        tenant_id: Uuid,
        id: Uuid,
    ) -> BoxFuture<'_, Result<crate::blobs::ByteStream, ApiError>>;
    /// The bytes of the tenant's blob `id` (within `range`); 404 unless this app stored it.
    fn blob_read(
        &self,
        tenant_id: Uuid,
        id: Uuid,
        range: Option<std::ops::Range<u64>>,
    ) -> BoxFuture<'_, Result<crate::blobs::ByteStream, ApiError>>;
}

fn request_context(parts: &Parts) -> Result<RequestContext, ApiError> {
    parts
        .extensions
        .get::<RequestContext>()
        .cloned()
        .ok_or_else(|| {
            ApiError::internal(std::io::Error::other(
                "an app extractor ran on a route the kernel did not mount",
            ))
        })
}

fn require_caller(context: &RequestContext) -> Result<AppCaller, ApiError> {
    context.caller.ok_or_else(|| {
        ApiError::unauthorized("missing_token", "This action needs a signed-in user")
    })
}

/// The caller and tenant of an app request, for reads and free actions.
#[derive(Clone)]
pub struct AppContext {
    context: RequestContext,
    caller: AppCaller,
}

impl<S: Send + Sync> FromRequestParts<S> for AppContext {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, ApiError> {
        let context = request_context(parts)?;
        let caller = require_caller(&context)?;
        Ok(Self { context, caller })
    }
}

impl AppContext {
    /// The context of `caller`, admitted to `app`, outside an HTTP request (a realtime
    /// subscription, say). For the server.
    #[doc(hidden)]
    pub fn admitted(app: &'static Manifest, caller: AppCaller, host: Arc<dyn Host>) -> Self {
        Self {
            context: RequestContext::new(app, Some(caller), host),
            caller,
        }
    }

    /// Sends `event` to its topic's subscribers now, with no write behind it and no replay: an
    /// ephemeral signal such as "typing…". A user may send a few a second (429 past that). See
    /// [`crate::realtime`].
    pub async fn signal(&self, event: &crate::realtime::Event) -> Result<(), ApiError> {
        self.context
            .host
            .signal(self.caller.tenant_id, self.caller.user_id, event)
            .await
    }

    /// The tenant the request acts in.
    pub fn tenant_id(&self) -> Uuid {
        self.caller.tenant_id
    }

    /// The user.
    pub fn user_id(&self) -> Uuid {
        self.caller.user_id
    }

    /// The caller's role in the tenant.
    pub fn role(&self) -> Role {
        self.caller.role
    }

    /// Refuses with 403 unless the caller's role grants `permission`.
    pub fn require(&self, permission: Permission) -> Result<(), ApiError> {
        if self.caller.role.can(permission) {
            Ok(())
        } else {
            Err(ApiError::forbidden(
                "your role in this tenant does not allow this",
            ))
        }
    }

    /// The tenant's subscription tier.
    pub fn tier(&self) -> crate::Tier {
        self.caller.tier
    }

    /// A read transaction of the tenant, inside the app's wall.
    pub async fn read(&self) -> Result<Tx, ApiError> {
        let tx = self.context.host.read(self.caller.tenant_id).await?;
        Ok(Tx::walled(tx))
    }

    /// The tenant's members.
    pub async fn members(&self) -> Result<Vec<Member>, ApiError> {
        let mut tx = self.context.host.read(self.caller.tenant_id).await?;
        self.context.host.members(&mut tx).await
    }

    /// Whether outbound requests may reach private and loopback addresses (platform config).
    pub fn allows_private_networks(&self) -> bool {
        self.context.host.allows_private_networks()
    }

    /// The tenant's blobs stored by this app. See [`crate::blobs`].
    pub fn blobs(&self) -> crate::blobs::Blobs {
        crate::blobs::Blobs::new(Arc::clone(&self.context.host), self.caller.tenant_id)
    }

    /// The platform's data about the tenant that the app's manifest declares in
    /// `platform_data`, read-only. See [`crate::platform`].
    pub fn platform(&self) -> crate::platform::Platform {
        crate::platform::Platform::new(Arc::clone(&self.context.host), self.caller.tenant_id)
    }

    /// Whether the platform can send mail: check before charging for an action that mails
    /// (from a job, see [`crate::mail`]).
    pub fn mail_enabled(&self) -> bool {
        self.context.host.mail_enabled()
    }

    /// 402 with `required` and `current` unless the tenant's wallet holds `units` times the
    /// price of `A` now: a refusal before slow work (storing an upload) that the charge would
    /// refuse anyway. The charge itself ([`AppContext::meter`]) is still what decides.
    ///
    /// `headers` are the request's: a malformed `Idempotency-Key` is refused first (400), and a
    /// request with a well-formed one is let through whatever the balance, since it may be the
    /// retry of one already paid for, whose stored answer is owed even to an empty wallet.
    pub async fn require_credits<A: Action>(
        &self,
        units: i64,
        headers: &axum::http::HeaderMap,
    ) -> Result<(), ApiError> {
        if idempotency_key_of(headers)?.is_some() {
            return Ok(());
        }
        let required = self.price::<A>()?.saturating_mul(units.max(0));
        if required == 0 {
            return Ok(());
        }
        let current = self.context.host.balance(self.caller.tenant_id).await?;
        if current < required {
            return Err(ApiError::insufficient_credits(required, current));
        }
        Ok(())
    }

    fn price<A: Action>(&self) -> Result<i64, ApiError> {
        self.context.app.cost(A::NAME).ok_or_else(|| {
            ApiError::internal(std::io::Error::other(format!(
                "action '{}' is not priced in the manifest of '{}'",
                A::NAME,
                self.context.app.app_id
            )))
        })
    }

    /// Opens metered action `A` for `units` times its price, for a handler that did its slow
    /// work first (an upload): the same checks and debit as the [`Metered`] extractor, on a
    /// transaction the handler continues with [`Metered::tx`]. `headers` carry the
    /// `Idempotency-Key`; `fingerprint` stands for the request's body in its replay check (the
    /// uploaded bytes' SHA-256, say). A replay answers the stored response as
    /// [`Opened::Replayed`].
    pub async fn meter<A: Action>(
        &self,
        units: i64,
        headers: &axum::http::HeaderMap,
        method: &axum::http::Method,
        path: &str,
        fingerprint: &str,
    ) -> Result<Opened<A>, ApiError> {
        if units < 1 {
            return Err(ApiError::internal(std::io::Error::other(
                "a metered action is charged for at least one unit",
            )));
        }
        let price = self.price::<A>()?;
        if !self.caller.role.can(Permission::Write) {
            return Err(ApiError::forbidden(
                "your role in this tenant cannot use this action",
            ));
        }
        let idempotency = idempotency_key_of(headers)?
            .map(|key| (key, request_hash(method, path, fingerprint.as_bytes())));
        let charge = ChargeRequest {
            app_id: self.context.app.app_id,
            action: A::NAME,
            cost: price.saturating_mul(units),
            tenant_id: self.caller.tenant_id,
            user_id: self.caller.user_id,
            idempotency,
        };
        Ok(match self.context.host.open(&charge).await? {
            Opening::Charged { tx, balance } => Opened::Charged(Metered {
                caller: self.caller,
                context: self.context.clone(),
                charge,
                balance,
                tx: Tx::walled(tx),
                body: (),
                attached: crate::blobs::Attached::default(),
                _action: std::marker::PhantomData,
            }),
            Opening::Replay { status, body } => Opened::Replayed(replay_response(status, body)),
        })
    }
}

/// How [`AppContext::meter`] opened.
// Made once per request and matched at once: boxing the action would only add an allocation.
#[allow(clippy::large_enum_variant)]
pub enum Opened<A: Action> {
    /// Charged: do the work on the action's transaction and finish it.
    Charged(Metered<A, ()>),
    /// The same request was served before under its `Idempotency-Key`: answer this again.
    Replayed(Response),
}

fn replay_response(status: u16, body: Value) -> Response {
    let status = StatusCode::from_u16(status).unwrap_or(StatusCode::OK);
    let mut response = (status, axum::Json(body)).into_response();
    response
        .headers_mut()
        .insert("idempotent-replayed", HeaderValue::from_static("true"));
    response
}

fn request_hash(method: &axum::http::Method, path: &str, body: &[u8]) -> String {
    let mut hasher = Sha256::new();
    hasher.update(method.as_str().as_bytes());
    hasher.update(b" ");
    hasher.update(path.as_bytes());
    hasher.update(b"\n");
    hasher.update(body);
    hasher
        .finalize()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect::<String>()
}

/// The context of a request to one of an app's public routes ([`crate::Plugin::public_routes`]):
/// no signed-in caller, so nothing is charged; the app names the tenant (from a share link's
/// token, say) and the kernel admits it only if the app is enabled and installed there.
#[derive(Clone)]
pub struct PublicContext {
    context: RequestContext,
}

impl<S: Send + Sync> FromRequestParts<S> for PublicContext {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, ApiError> {
        Ok(Self {
            context: request_context(parts)?,
        })
    }
}

impl PublicContext {
    /// A read transaction of `tenant_id` inside the app's wall; 404 unless the app is enabled
    /// and installed in it.
    pub async fn read(&self, tenant_id: Uuid) -> Result<Tx, ApiError> {
        Ok(Tx::walled(
            self.context.host.public(tenant_id, false).await?,
        ))
    }

    /// A writing transaction of `tenant_id` inside the app's wall (free: nothing is charged);
    /// commit it with [`Tx::commit`]. 404 unless the app is enabled and installed there.
    pub async fn write(&self, tenant_id: Uuid) -> Result<Tx, ApiError> {
        Ok(Tx::walled(self.context.host.public(tenant_id, true).await?))
    }

    /// The blobs this app stored for `tenant_id` (check the tenant admits the app first, with
    /// [`PublicContext::read`]).
    pub fn blobs(&self, tenant_id: Uuid) -> crate::blobs::Blobs {
        crate::blobs::Blobs::new(Arc::clone(&self.context.host), tenant_id)
    }
}

/// A metered request for action `A` with a JSON body `B` (by default any body, ignored). See the
/// module docs.
///
/// Extracting it checks the write permission (403), answers a replay of an idempotency key with
/// the stored response, and debits the wallet (402 when it cannot pay), all on one transaction
/// that the handler continues with [`Metered::tx`] and ends with [`Metered::finish`].
pub struct Metered<A: Action, B = serde::de::IgnoredAny> {
    caller: AppCaller,
    context: RequestContext,
    charge: ChargeRequest,
    balance: i64,
    tx: Tx,
    body: B,
    attached: crate::blobs::Attached,
    _action: std::marker::PhantomData<A>,
}

impl<A: Action, B: DeserializeOwned + Send, S: Send + Sync> FromRequest<S> for Metered<A, B> {
    type Rejection = Response;

    async fn from_request(req: Request, state: &S) -> Result<Self, Response> {
        let (parts, body) = req.into_parts();
        let context = request_context(&parts).map_err(IntoResponse::into_response)?;
        let caller = require_caller(&context).map_err(IntoResponse::into_response)?;
        let cost = context.app.cost(A::NAME).ok_or_else(|| {
            ApiError::internal(std::io::Error::other(format!(
                "action '{}' is not priced in the manifest of '{}'",
                A::NAME,
                context.app.app_id
            )))
            .into_response()
        })?;
        let readers_may = A::FOR_READERS && cost == 0 && caller.role.can(Permission::Read);
        if !caller.role.can(Permission::Write) && !readers_may {
            return Err(
                ApiError::forbidden("your role in this tenant cannot use this action")
                    .into_response(),
            );
        }
        let key = idempotency_key(&parts).map_err(IntoResponse::into_response)?;
        let method = parts.method.clone();
        let path = parts.uri.path().to_owned();
        let bytes = Bytes::from_request(Request::from_parts(parts, body), state)
            .await
            .map_err(|rejection| crate::extract::body_rejection(&rejection).into_response())?;
        let parsed: B = parse_body(&bytes).map_err(IntoResponse::into_response)?;

        let idempotency = key.map(|key| (key, request_hash(&method, &path, &bytes)));
        let charge = ChargeRequest {
            app_id: context.app.app_id,
            action: A::NAME,
            cost,
            tenant_id: caller.tenant_id,
            user_id: caller.user_id,
            idempotency,
        };
        match context
            .host
            .open(&charge)
            .await
            .map_err(IntoResponse::into_response)?
        {
            Opening::Charged { tx, balance } => Ok(Self {
                caller,
                context,
                charge,
                balance,
                tx: Tx::walled(tx),
                body: parsed,
                attached: crate::blobs::Attached::default(),
                _action: std::marker::PhantomData,
            }),
            Opening::Replay { status, body } => Err(replay_response(status, body)),
        }
    }
}

fn idempotency_key(parts: &Parts) -> Result<Option<String>, ApiError> {
    idempotency_key_of(&parts.headers)
}

fn idempotency_key_of(headers: &axum::http::HeaderMap) -> Result<Option<String>, ApiError> {
    let Some(value) = headers.get(IDEMPOTENCY_KEY) else {
        return Ok(None);
    };
    let key = value
        .to_str()
        .ok()
        .map(str::trim)
        .filter(|k| !k.is_empty() && k.len() <= 255 && k.chars().all(|c| c.is_ascii_graphic()))
        .ok_or_else(|| {
            ApiError::bad_request(
                "invalid_idempotency_key",
                "Idempotency-Key must be 1 to 255 visible ASCII characters",
            )
        })?;
    Ok(Some(key.to_owned()))
}

fn parse_body<B: DeserializeOwned>(bytes: &[u8]) -> Result<B, ApiError> {
    crate::extract::refuse_nul_in_json(bytes)?;
    let text: &[u8] = if bytes.iter().all(u8::is_ascii_whitespace) {
        b"null"
    } else {
        bytes
    };
    serde_json::from_slice(text).map_err(|e| {
        if e.is_syntax() || e.is_eof() {
            ApiError::bad_request("malformed_json", "The request body is not valid JSON")
        } else {
            ApiError::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "invalid_body",
                format!("The JSON body does not have the expected shape: {e}"),
            )
        }
    })
}

impl<A: Action, B> Metered<A, B> {
    /// The request's body.
    pub fn body(&self) -> &B {
        &self.body
    }

    /// The transaction holding the debit; do the action's writes on it.
    pub fn tx(&mut self) -> &mut Tx {
        &mut self.tx
    }

    /// The tenant paying for the action.
    pub fn tenant_id(&self) -> Uuid {
        self.caller.tenant_id
    }

    /// The user acting.
    pub fn user_id(&self) -> Uuid {
        self.caller.user_id
    }

    /// The caller's role.
    pub fn role(&self) -> Role {
        self.caller.role
    }

    /// The credits this action costs.
    pub fn cost(&self) -> i64 {
        self.charge.cost
    }

    /// The tenant's subscription tier.
    pub fn tier(&self) -> crate::Tier {
        self.caller.tier
    }

    /// The tenant's members, read on this action's transaction.
    pub async fn members(&mut self) -> Result<Vec<Member>, ApiError> {
        self.context.host.members(self.tx.inner_mut()).await
    }

    /// Whether outbound requests may reach private and loopback addresses (platform config).
    pub fn allows_private_networks(&self) -> bool {
        self.context.host.allows_private_networks()
    }

    /// Queues `job` on this action's transaction: it exists if and only if the action commits.
    /// Answers its id (the existing job's when its unique key is taken).
    pub async fn enqueue(&mut self, job: &crate::jobs::NewJob) -> Result<Uuid, ApiError> {
        let user = self.caller.user_id;
        self.context
            .host
            .enqueue(self.tx.inner_mut(), user, job)
            .await
    }

    /// Publishes `event` on this action's transaction: its topic's subscribers receive it if
    /// and only if the action commits. See [`crate::realtime`].
    pub async fn publish(&mut self, event: &crate::realtime::Event) -> Result<(), ApiError> {
        self.context.host.publish(self.tx.inner_mut(), event).await
    }

    /// Emits webhook event `event` (declared in the manifest's `webhook_events`, named without
    /// the app's id: `invoice.paid`) with `data` on this action's transaction: the tenant's
    /// endpoints that take `{appId}.{event}` receive it if and only if the action commits. An
    /// event the manifest does not declare is a bug, answered as a 500.
    pub async fn emit_webhook(
        &mut self,
        event: &str,
        data: serde_json::Value,
    ) -> Result<(), ApiError> {
        self.context
            .host
            .emit_webhook(self.tx.inner_mut(), event, data)
            .await
    }

    /// Ends `user_id`'s subscriptions to `topic` (on every node) when this action commits: for a
    /// caller who has just lost the right to watch it.
    pub async fn revoke(&mut self, topic: &str, user_id: Uuid) -> Result<(), ApiError> {
        let revocation = crate::realtime::Revocation {
            topic: topic.to_owned(),
            user_id,
        };
        self.context
            .host
            .revoke(self.tx.inner_mut(), &revocation)
            .await
    }

    /// Keeps an uploaded blob on this action's transaction: its row, and its bytes counted in the
    /// tenant's storage if the quota has room (413 `storage_quota_exceeded` if not, and the
    /// action rolls back). Hold `blob` until [`Metered::finish`] has answered.
    pub async fn attach_blob(&mut self, blob: &crate::blobs::PendingBlob) -> Result<(), ApiError> {
        if blob.tenant_id() != self.caller.tenant_id {
            return Err(ApiError::internal(std::io::Error::other(
                "a blob was attached to another tenant's action",
            )));
        }
        self.context
            .host
            .blob_attach(self.tx.inner_mut(), blob.info())
            .await?;
        self.attached.0.push(blob.mark_attached());
        Ok(())
    }

    /// Forgets blob `id` on this action's transaction and deletes its object once it commits;
    /// false when this app has no such blob in the tenant.
    pub async fn remove_blob(&mut self, id: Uuid) -> Result<bool, ApiError> {
        self.context.host.blob_remove(self.tx.inner_mut(), id).await
    }

    /// Cancels, on this action's transaction, the tenant's queued or running jobs with
    /// `unique_key`; answers how many. A running one finishes its attempt but commits nothing
    /// more about the job.
    pub async fn cancel_jobs(&mut self, unique_key: &str) -> Result<u64, ApiError> {
        self.context
            .host
            .cancel_jobs(self.tx.inner_mut(), unique_key)
            .await
    }

    /// Completes the action: the kernel records the usage (with `metadata`) and the ledger row,
    /// stores the answer for idempotent replays and commits it all with the app's writes. The
    /// answer is `body` (a JSON object) with `creditUsed` and `creditBalance` added.
    pub async fn finish<T: Serialize>(
        mut self,
        status: StatusCode,
        body: T,
        metadata: impl Serialize,
    ) -> Result<Charged<T>, ApiError> {
        let mut json = serde_json::to_value(&body).map_err(ApiError::internal)?;
        let Value::Object(fields) = &mut json else {
            return Err(ApiError::internal(std::io::Error::other(
                "a metered response must be a JSON object",
            )));
        };
        fields.insert("creditUsed".into(), self.charge.cost.into());
        fields.insert("creditBalance".into(), self.balance.into());
        let completion = Completion {
            charge: &self.charge,
            balance: self.balance,
            metadata: serde_json::to_value(metadata).map_err(ApiError::internal)?,
            status: status.as_u16(),
            body: &json,
        };
        // Out of the guard: if this future is dropped while committing, the blobs stay attached
        // (their fate unknown here) rather than being discarded as rolled back.
        let attached = std::mem::take(&mut self.attached.0);
        let completed = self
            .context
            .host
            .complete(self.tx.into_inner(), completion)
            .await;
        crate::blobs::Attached::settle(attached, completed.is_ok());
        completed?;
        Ok(Charged::new(
            status,
            body,
            self.charge.cost,
            self.balance,
            json,
        ))
    }
}
