//! What the gate of app requests read, kept while nothing it depends on has changed.
//!
//! Every app request needs the caller's session, their membership of the tenant, the app's state
//! and the tenant's tier: a join over six tables. The triggers of migration 0006 bump the one-row
//! `gate_epoch` counter in the same transaction as every change that could refuse a request the
//! join once let through (a session revoked, shortened or deleted, a cookie replaced, a
//! membership changed or removed, a platform role changed, an app closed, a subscription or a
//! plan's tier changed). An entry is read together with the epoch, in one statement, and is
//! used only while the epoch read for the request is still that one. Reading the epoch is a
//! one-row lookup, so each request still asks the database, and a change committed by any node
//! or process is seen by the next request everywhere. Only the passage of time can make an entry
//! wrong without a bump, and the session's (and the access token's) expiry is checked on every
//! use. An access token is kept by its text: one that verified once verifies again until it
//! expires, so a hit skips the signature check too.
//!
//! Kept are only requests naming a member and a registered app: a refusal for want of a
//! membership or an app is read again each time, so creating either needs no bump.
//!
//! On PostgreSQL the requests waiting for the epoch at the same moment share one read of it
//! ([`EpochReads`]), each answered by a read that began after it arrived.

use std::collections::HashMap;
use std::future::Future;
use std::sync::{Arc, Mutex, PoisonError};

use chrono::{DateTime, Utc};
use lumiku_plugin::Tier;
use uuid::Uuid;

use crate::context::{Caller, TenantAccess};

/// How a request says who it is.
#[derive(Debug, Clone, Copy)]
pub enum Credential<'a> {
    /// A bearer access token.
    AccessToken(&'a str),
    /// The dashboard's session cookie.
    Cookie(&'a str),
    /// A session already authenticated by one of the above (or a realtime ticket) when a
    /// long-lived connection opened, checked again on each use.
    Session {
        /// The session.
        session_id: Uuid,
        /// Its user.
        user_id: Uuid,
    },
}

/// What the kernel knows of a request to an app, read in one query.
#[derive(Debug, Clone)]
pub struct AppRequest {
    /// The caller, whose session is live.
    pub caller: Caller,
    /// The requested tenant (the personal one when none was named) and the caller's role in it,
    /// if the caller is a member.
    pub access: Option<TenantAccess>,
    /// Whether the app is registered and enabled, and coming soon.
    pub app: Option<(bool, bool)>,
    /// Whether the tenant has the app installed.
    pub installed: bool,
    /// Whether the catalogue offers the app to this caller in this tenant (a private app to
    /// platform administrators, a beta app to tenants that opted in).
    pub visible: bool,
    /// The tenant's subscription tier.
    pub tier: Tier,
}

/// Whom the catalogue offers an app to.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize, utoipa::ToSchema,
)]
#[serde(rename_all = "lowercase")]
pub enum Visibility {
    /// Platform administrators only.
    Private,
    /// Tenants that opted into beta apps (and administrators).
    Beta,
    /// Everyone.
    Public,
}

impl Visibility {
    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            Visibility::Private => "private",
            Visibility::Beta => "beta",
            Visibility::Public => "public",
        }
    }

    /// The stored name read back; an unknown or missing one is the most closed.
    pub fn parse(name: Option<&str>) -> Self {
        match name {
            Some("public") => Visibility::Public,
            Some("beta") => Visibility::Beta,
            _ => Visibility::Private,
        }
    }

    /// Whether `caller`, in a tenant that has (or has not) opted into beta apps, is offered it.
    pub fn offered_to(self, caller: &Caller, tenant_beta: bool) -> bool {
        match self {
            Visibility::Public => true,
            Visibility::Beta => tenant_beta || caller.is_admin(),
            Visibility::Private => caller.is_admin(),
        }
    }
}

/// At most this many entries; a full cache starts again empty. An entry is a few hundred bytes.
const MAX_ENTRIES: usize = 16_384;

/// How the caller proved who they are.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(crate) enum CredentialKey {
    /// An access token, by its text.
    Token(String),
    /// A browser cookie, by its hash.
    Cookie(String),
    Session(Uuid, Uuid),
}

/// One request's question to the gate.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(crate) struct GateKey {
    pub credential: CredentialKey,
    pub tenant: Option<Uuid>,
    pub app_id: String,
}

#[derive(Debug, Clone)]
struct Entry {
    request: AppRequest,
    /// When the session or the credential expires, whichever comes first.
    valid_until: DateTime<Utc>,
}

#[derive(Debug, Default)]
struct Inner {
    /// The epoch every entry was read with.
    epoch: i64,
    entries: HashMap<GateKey, Entry>,
}

/// The node's gate entries, all of one epoch.
#[derive(Debug, Default)]
pub(crate) struct GateCache {
    inner: Mutex<Inner>,
}

impl GateCache {
    /// The entry for `key` if it was read with `epoch` and its session and credential are live at
    /// `now`.
    pub(crate) fn get(&self, key: &GateKey, epoch: i64, now: DateTime<Utc>) -> Option<AppRequest> {
        let mut inner = self.inner.lock().unwrap_or_else(PoisonError::into_inner);
        if epoch > inner.epoch {
            inner.entries.clear();
            inner.epoch = epoch;
            return None;
        }
        if epoch < inner.epoch {
            // This request read the counter just before another one read it bumped.
            return None;
        }
        let entry = inner.entries.get(key)?;
        if entry.valid_until <= now {
            inner.entries.remove(key);
            return None;
        }
        Some(entry.request.clone())
    }

    /// Keeps `request`, read together with `epoch`, for `key` until `valid_until`.
    pub(crate) fn put(
        &self,
        key: GateKey,
        epoch: i64,
        request: &AppRequest,
        valid_until: DateTime<Utc>,
    ) {
        if request.access.is_none()
            || request.app.is_none()
            || !request.installed
            || !request.visible
        {
            return;
        }
        let mut inner = self.inner.lock().unwrap_or_else(PoisonError::into_inner);
        if epoch < inner.epoch {
            return;
        }
        if epoch > inner.epoch || inner.entries.len() >= MAX_ENTRIES {
            inner.entries.clear();
            inner.epoch = epoch;
        }
        inner.entries.insert(
            key,
            Entry {
                request: request.clone(),
                valid_until,
            },
        );
    }
}

/// One shared read of the epoch: its value, or its error for each request it answers.
pub(crate) type SharedEpoch = Result<i64, Arc<lumiku_store::Error>>;

/// Reads of the epoch, shared by the requests that wait for one at the same time.
///
/// A request must be answered by a read that began after it arrived: then every change committed
/// before it arrived is seen. One read that begins after several requests arrived answers them
/// all, so under load the epoch costs one read per database round trip instead of one read, and
/// one pool checkout, per request. The reads run one after another on a task of their own while
/// requests wait, and stop when none does. For PostgreSQL, where a read is a network round trip;
/// SQLite's is a page read in the process, cheaper than the hand-off.
#[derive(Debug, Default)]
pub(crate) struct EpochReads {
    waiting: Mutex<Waiting>,
}

#[derive(Debug, Default)]
struct Waiting {
    /// The requests that arrived since the read under way began.
    requests: Vec<tokio::sync::oneshot::Sender<SharedEpoch>>,
    /// Whether the reading task runs.
    reading: bool,
}

/// Ends the reading task's turn however it ends (a panic, the runtime going away): the next
/// request starts another, and requests it had taken read for themselves.
struct Reading(Arc<EpochReads>);

impl Drop for Reading {
    fn drop(&mut self) {
        self.0
            .waiting
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .reading = false;
    }
}

impl EpochReads {
    /// The epoch, from a read (`read`) that began after this call did and that answers every
    /// request waiting with this one; `None` only if the reading task went away (the caller
    /// then reads for itself).
    pub(crate) async fn read<F, R>(self: &Arc<Self>, read: F) -> Option<SharedEpoch>
    where
        F: Fn() -> R + Send + 'static,
        R: Future<Output = SharedEpoch> + Send,
    {
        let (answer, answered) = tokio::sync::oneshot::channel();
        let start = {
            let mut waiting = self.waiting.lock().unwrap_or_else(PoisonError::into_inner);
            waiting.requests.push(answer);
            !std::mem::replace(&mut waiting.reading, true)
        };
        if start {
            let reading = Reading(Arc::clone(self));
            tokio::spawn(async move {
                loop {
                    let waiting = {
                        let mut waiting = reading
                            .0
                            .waiting
                            .lock()
                            .unwrap_or_else(PoisonError::into_inner);
                        if waiting.requests.is_empty() {
                            // Cleared under the lock, so a request arriving next starts a task.
                            waiting.reading = false;
                            return;
                        }
                        std::mem::take(&mut waiting.requests)
                    };
                    // Begins after every one of `waiting` arrived.
                    let epoch = read().await;
                    let mut answered = waiting;
                    if epoch.is_err() {
                        // A failure needs no freshness: those who arrived while the read failed
                        // are refused with it too, rather than wait for another to fail.
                        answered.append(
                            &mut reading
                                .0
                                .waiting
                                .lock()
                                .unwrap_or_else(PoisonError::into_inner)
                                .requests,
                        );
                    }
                    for request in answered {
                        let _ = request.send(epoch.clone());
                    }
                }
            });
        }
        answered.await.ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::context::Caller;
    use crate::context::TenantAccess;
    use lumiku_plugin::{Role, Tier};

    fn request(user_id: Uuid) -> AppRequest {
        AppRequest {
            caller: Caller {
                user_id,
                session_id: Uuid::now_v7(),
                platform_role: "user".into(),
                expires_at: Utc::now(),
            },
            access: Some(TenantAccess {
                tenant_id: Uuid::now_v7(),
                role: Role::Owner,
            }),
            app: Some((true, false)),
            installed: true,
            visible: true,
            tier: Tier::Free,
        }
    }

    fn key(user_id: Uuid) -> GateKey {
        GateKey {
            credential: CredentialKey::Token(format!("token-of-{user_id}")),
            tenant: None,
            app_id: "project-manager".into(),
        }
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_shared_epoch_read_began_after_each_request_it_answers() {
        use std::sync::atomic::{AtomicI64, Ordering};
        let reads = Arc::new(EpochReads::default());
        // Each read answers how many reads had begun when it did, itself included.
        let begun = Arc::new(AtomicI64::new(0));
        let mut requests = Vec::new();
        for n in 0..300 {
            let (reads, begun) = (Arc::clone(&reads), Arc::clone(&begun));
            requests.push(tokio::spawn(async move {
                let arrived = begun.load(Ordering::SeqCst);
                let epoch = reads
                    .read(move || {
                        let begun = Arc::clone(&begun);
                        async move {
                            let this = begun.fetch_add(1, Ordering::SeqCst) + 1;
                            tokio::time::sleep(std::time::Duration::from_millis(2)).await;
                            Ok(this)
                        }
                    })
                    .await
                    .expect("a read")
                    .expect("an epoch");
                assert!(
                    epoch > arrived,
                    "answered by read {epoch}, which began before the request (after {arrived})"
                );
            }));
            if n % 20 == 0 {
                tokio::time::sleep(std::time::Duration::from_millis(1)).await;
            }
        }
        for request in requests {
            request.await.expect("a request");
        }
        let reads_made = begun.load(Ordering::SeqCst);
        assert!(
            reads_made < 100,
            "300 requests at once made {reads_made} reads: they were not shared"
        );
        // Idle again (once the reading task saw no one waiting and ended; a request arriving
        // before that is answered by its read): the next request starts a read of its own.
        let idle = || async {
            for _ in 0..1000 {
                if !reads.waiting.lock().unwrap().reading {
                    return;
                }
                tokio::time::sleep(std::time::Duration::from_millis(1)).await;
            }
            panic!("the reading task did not end");
        };
        idle().await;
        let epoch = reads.read(|| async { Ok(7) }).await;
        assert_eq!(epoch.map(|e| e.ok()), Some(Some(7)));
        idle().await;
        let failed = reads
            .read(|| async { Err(Arc::new(lumiku_store::Error::PoolTimedOut)) })
            .await
            .expect("an answer");
        assert!(
            failed.is_err_and(|e| lumiku_store::is_unavailable(&e)),
            "a failed read answers its error"
        );
    }

    #[test]
    fn an_entry_serves_only_its_own_epoch_and_a_live_session() {
        let cache = GateCache::default();
        let user = Uuid::now_v7();
        let now = Utc::now();
        let later = now + chrono::Duration::hours(1);
        cache.put(key(user), 3, &request(user), later);
        assert!(cache.get(&key(user), 3, now).is_some());
        assert!(
            cache.get(&key(Uuid::now_v7()), 3, now).is_none(),
            "another key"
        );
        assert!(cache.get(&key(user), 2, now).is_none(), "an older epoch");
        assert!(
            cache.get(&key(user), 3, later).is_none(),
            "an expired session"
        );
        cache.put(key(user), 3, &request(user), later);
        assert!(cache.get(&key(user), 4, now).is_none(), "a newer epoch");
        assert!(
            cache.get(&key(user), 3, now).is_none(),
            "a newer epoch empties the cache"
        );
        cache.put(key(user), 3, &request(user), later);
        assert!(
            cache.get(&key(user), 4, now).is_none(),
            "an entry read before the bump is not kept"
        );
    }

    #[test]
    fn refusals_are_not_kept() {
        let cache = GateCache::default();
        let user = Uuid::now_v7();
        let later = Utc::now() + chrono::Duration::hours(1);
        let mut no_member = request(user);
        no_member.access = None;
        cache.put(key(user), 1, &no_member, later);
        assert!(cache.get(&key(user), 1, Utc::now()).is_none());
        let mut no_app = request(user);
        no_app.app = None;
        cache.put(key(user), 1, &no_app, later);
        assert!(cache.get(&key(user), 1, Utc::now()).is_none());
    }
}
