//! Realtime fan-out: the events apps publish in their transactions, delivered to the connections
//! subscribed to their topics on every node.
//!
//! **Publishing.** An event is published on the writing transaction and leaves it only when it
//! commits. On SQLite (one node) a commit hook hands it to this node's [`Hub`]. On PostgreSQL the
//! transaction itself sends it with `pg_notify`, which the database delivers at commit, in commit
//! order, to every node listening ([`Hub::listen`]), this one included; an event too large for a
//! notification's 8,000 bytes is written to `realtime_outbox` in the same transaction and the
//! notification carries its id.
//!
//! **Delivering.** A [`Connection`] (one WebSocket or SSE stream) has a bounded queue. The hub
//! fans each event out with `try_send`: a connection whose queue is full is cut off, never
//! buffered without bound. Events are kept in a short replay buffer (the last
//! [`RING_EVENTS`] events, at most [`RING_BYTES`]), in the same order on every node, so a client
//! that reconnects with the id of the last event it saw gets what it missed on its topics, from
//! any node, or is told to reload (`reset`) when that is no longer there.
//!
//! Subscribing with a resume point, fanning out and appending to the buffer happen under one lock,
//! so a subscriber sees each event once: from the buffer or live, never both, never neither.

use std::collections::{HashMap, HashSet, VecDeque};
use std::sync::{Arc, Mutex, OnceLock, PoisonError};

use lumiku_store::sql;
use lumiku_store::{Backend, Db, Tx, new_id, now};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use tokio::sync::mpsc;
use uuid::Uuid;

use crate::error::Result;

/// The PostgreSQL notification channel the nodes listen on.
pub const CHANNEL: &str = "lumiku_realtime";
/// Events kept for replay.
pub const RING_EVENTS: usize = 2048;
/// Bytes of events kept for replay.
pub const RING_BYTES: usize = 4 * 1024 * 1024;
/// Frames a connection may have waiting before it is cut off as too slow.
pub const QUEUE: usize = 256;
/// Ephemeral signals ("typing…") one user may send to one app per [`SIGNAL_WINDOW`], per node.
pub const SIGNALS_PER_WINDOW: u32 = 20;
/// The window of [`SIGNALS_PER_WINDOW`].
pub const SIGNAL_WINDOW: std::time::Duration = std::time::Duration::from_secs(10);
/// The largest notification payload sent inline (PostgreSQL refuses 8,000 bytes and more).
const NOTIFY_LIMIT: usize = 7_900;

/// A topic: one app's name for it inside one tenant.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct TopicKey {
    /// The tenant.
    pub tenant_id: Uuid,
    /// The app.
    pub app_id: String,
    /// The app's name for the topic.
    pub topic: String,
}

impl TopicKey {
    /// The name clients use: `{appId}:{topic}`.
    pub fn wire_name(&self) -> String {
        format!("{}:{}", self.app_id, self.topic)
    }
}

/// What travels between nodes.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(tag = "k", rename_all = "camelCase")]
pub(crate) enum Envelope {
    /// An event for a topic's subscribers.
    Event {
        id: Uuid,
        tenant: Uuid,
        app: String,
        topic: String,
        name: String,
        data: Value,
        /// Published at (ms since the epoch).
        ts: i64,
        /// Kept for replay (an ephemeral signal is not).
        replay: bool,
    },
    /// A user's subscriptions to a topic end.
    Revoke {
        tenant: Uuid,
        app: String,
        topic: String,
        user: Uuid,
    },
    /// A user's connections to a tenant close (they left it or were removed).
    Kick { tenant: Uuid, user: Uuid },
    /// An event too large for a notification, in `realtime_outbox`.
    Outbox { id: Uuid },
}

/// What a connection sends its client.
#[derive(Debug, Clone)]
pub enum Frame {
    /// An event, or a control message (`id` none), as JSON text.
    Text {
        /// The event's id, for replay (none for signals and control messages).
        id: Option<Uuid>,
        /// The JSON text.
        text: Arc<str>,
    },
    /// The hub ends the connection, for this reason (`removed`, `shutdown`).
    Close(&'static str),
}

impl Frame {
    fn control(value: Value) -> Self {
        Frame::Text {
            id: None,
            text: value.to_string().into(),
        }
    }
}

/// How a subscription with a resume point went.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Resume {
    /// No resume point: live from now.
    Live,
    /// This many missed events were queued before the live ones.
    Replayed(usize),
    /// The resume point is no longer in the buffer: the client must reload.
    Lost,
}

struct Conn {
    tenant_id: Uuid,
    user_id: Uuid,
    sender: mpsc::Sender<Frame>,
    topics: HashSet<TopicKey>,
    closed: Arc<OnceLock<&'static str>>,
}

struct Kept {
    id: Uuid,
    key: TopicKey,
    text: Arc<str>,
}

#[derive(Default)]
struct State {
    next: u64,
    conns: HashMap<u64, Conn>,
    topics: HashMap<TopicKey, Vec<u64>>,
    ring: VecDeque<Kept>,
    ring_bytes: usize,
}

impl State {
    /// Removes a connection, recording why; dropping its sender ends its queue.
    fn drop_conn(&mut self, id: u64, reason: &'static str) {
        if let Some(conn) = self.conns.remove(&id) {
            let _ = conn.closed.set(reason);
            for key in conn.topics {
                self.unlink(&key, id);
            }
        }
    }

    fn unlink(&mut self, key: &TopicKey, id: u64) {
        if let Some(ids) = self.topics.get_mut(key) {
            ids.retain(|c| *c != id);
            if ids.is_empty() {
                self.topics.remove(key);
            }
        }
    }

    fn keep(&mut self, kept: Kept) {
        self.ring_bytes += kept.text.len();
        self.ring.push_back(kept);
        while self.ring.len() > RING_EVENTS || self.ring_bytes > RING_BYTES {
            let Some(old) = self.ring.pop_front() else {
                break;
            };
            self.ring_bytes -= old.text.len();
        }
    }
}

/// Counters of a hub, for tests and the bench.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct HubStats {
    /// Open connections.
    pub connections: usize,
    /// Connections cut off because their queue was full.
    pub cut_off: u64,
    /// Frames queued to connections.
    pub delivered: u64,
}

/// This node's subscriptions, replay buffer and fan-out.
pub struct Hub {
    db: Db,
    signals: Mutex<HashMap<(Uuid, String), (std::time::Instant, u32)>>,
    listening: tokio::sync::watch::Sender<bool>,
    state: Mutex<State>,
    cut_off: std::sync::atomic::AtomicU64,
    delivered: std::sync::atomic::AtomicU64,
}

impl std::fmt::Debug for Hub {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Hub").field("stats", &self.stats()).finish()
    }
}

impl Hub {
    /// A hub over `db`.
    pub fn new(db: Db) -> Self {
        let one_node = db.backend() == Backend::Sqlite;
        Self {
            listening: tokio::sync::watch::Sender::new(one_node),
            db,
            signals: Mutex::default(),
            state: Mutex::default(),
            cut_off: 0.into(),
            delivered: 0.into(),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Counts a signal of `user_id` to `app_id`: `Err(seconds)` to wait when the user has sent
    /// [`SIGNALS_PER_WINDOW`] in the current window. Signals cost nothing and write nothing, so
    /// this is what keeps a client from flooding every node with them.
    pub fn allow_signal(&self, user_id: Uuid, app_id: &str) -> std::result::Result<(), u64> {
        let now = std::time::Instant::now();
        let mut signals = self.signals.lock().unwrap_or_else(PoisonError::into_inner);
        if signals.len() >= 10_000 {
            signals.retain(|_, (start, _)| now.duration_since(*start) < SIGNAL_WINDOW);
        }
        let (start, count) = signals
            .entry((user_id, app_id.to_owned()))
            .or_insert((now, 0));
        if now.duration_since(*start) >= SIGNAL_WINDOW {
            *start = now;
            *count = 0;
        }
        if *count >= SIGNALS_PER_WINDOW {
            let left = SIGNAL_WINDOW.saturating_sub(now.duration_since(*start));
            return Err(left.as_secs().max(1));
        }
        *count += 1;
        Ok(())
    }

    /// Waits until this node hears what every node publishes (at once on SQLite; on PostgreSQL
    /// once [`Hub::listen`] has its notification connection).
    pub async fn ready(&self) {
        let mut listening = self.listening.subscribe();
        let _ = listening.wait_for(|l| *l).await;
    }

    /// The hub's counters.
    pub fn stats(&self) -> HubStats {
        use std::sync::atomic::Ordering::Relaxed;
        HubStats {
            connections: self.lock().conns.len(),
            cut_off: self.cut_off.load(Relaxed),
            delivered: self.delivered.load(Relaxed),
        }
    }

    /// A new connection of `user_id` in `tenant_id`, subscribed to nothing yet.
    pub fn connect(self: &Arc<Self>, tenant_id: Uuid, user_id: Uuid) -> Connection {
        let (sender, receiver) = mpsc::channel(QUEUE);
        let closed = Arc::new(OnceLock::new());
        let mut state = self.lock();
        state.next += 1;
        let id = state.next;
        state.conns.insert(
            id,
            Conn {
                tenant_id,
                user_id,
                sender,
                topics: HashSet::new(),
                closed: Arc::clone(&closed),
            },
        );
        Connection {
            id,
            tenant_id,
            hub: Arc::clone(self),
            receiver,
            closed,
        }
    }

    /// Closes every connection (the node is shutting down).
    pub fn close_all(&self, reason: &'static str) {
        let mut state = self.lock();
        let ids: Vec<u64> = state.conns.keys().copied().collect();
        for id in ids {
            if let Some(conn) = state.conns.get(&id) {
                let _ = conn.sender.try_send(Frame::Close(reason));
            }
            state.drop_conn(id, reason);
        }
    }

    /// Forgets the replay buffer and tells every connection to reload: events may have been
    /// missed (this node lost its notification connection for a while).
    pub fn reset_all(&self) {
        let mut state = self.lock();
        state.ring.clear();
        state.ring_bytes = 0;
        let frame = Frame::control(serde_json::json!({"type": "reset", "reason": "gap"}));
        let ids: Vec<u64> = state.conns.keys().copied().collect();
        for id in ids {
            self.send(&mut state, id, frame.clone());
        }
    }

    /// Queues `frame` to connection `id`, cutting it off if its queue is full.
    fn send(&self, state: &mut State, id: u64, frame: Frame) {
        use std::sync::atomic::Ordering::Relaxed;
        let Some(conn) = state.conns.get(&id) else {
            return;
        };
        match conn.sender.try_send(frame) {
            Ok(()) => {
                self.delivered.fetch_add(1, Relaxed);
            }
            Err(mpsc::error::TrySendError::Full(_)) => {
                self.cut_off.fetch_add(1, Relaxed);
                state.drop_conn(id, "too_slow");
            }
            Err(mpsc::error::TrySendError::Closed(_)) => state.drop_conn(id, "gone"),
        }
    }

    /// Delivers what arrived from the database or a local commit.
    pub(crate) fn dispatch(&self, envelope: Envelope) {
        match envelope {
            Envelope::Event {
                id,
                tenant,
                app,
                topic,
                name,
                data,
                ts,
                replay,
            } => {
                let key = TopicKey {
                    tenant_id: tenant,
                    app_id: app,
                    topic,
                };
                let text: Arc<str> = serde_json::json!({
                    "type": "event",
                    "id": id,
                    "topic": key.wire_name(),
                    "event": name,
                    "data": data,
                    "ts": ts,
                })
                .to_string()
                .into();
                let mut state = self.lock();
                let ids = state.topics.get(&key).cloned().unwrap_or_default();
                let frame = Frame::Text {
                    id: replay.then_some(id),
                    text: Arc::clone(&text),
                };
                for conn in ids {
                    self.send(&mut state, conn, frame.clone());
                }
                if replay {
                    state.keep(Kept { id, key, text });
                }
            }
            Envelope::Revoke {
                tenant,
                app,
                topic,
                user,
            } => {
                let key = TopicKey {
                    tenant_id: tenant,
                    app_id: app,
                    topic,
                };
                let mut state = self.lock();
                let ids = state.topics.get(&key).cloned().unwrap_or_default();
                let frame = Frame::control(serde_json::json!({
                    "type": "unsubscribed", "topic": key.wire_name(), "reason": "revoked",
                }));
                for id in ids {
                    let Some(conn) = state.conns.get_mut(&id) else {
                        continue;
                    };
                    if conn.user_id == user {
                        conn.topics.remove(&key);
                        state.unlink(&key, id);
                        self.send(&mut state, id, frame.clone());
                    }
                }
            }
            Envelope::Kick { tenant, user } => {
                let mut state = self.lock();
                let ids: Vec<u64> = state
                    .conns
                    .iter()
                    .filter(|(_, c)| c.tenant_id == tenant && c.user_id == user)
                    .map(|(id, _)| *id)
                    .collect();
                for id in ids {
                    if let Some(conn) = state.conns.get(&id) {
                        let _ = conn.sender.try_send(Frame::Close("removed"));
                    }
                    state.drop_conn(id, "removed");
                }
            }
            Envelope::Outbox { .. } => {
                tracing::warn!("an outbox reference reached the hub unresolved");
            }
        }
    }

    /// Sends `envelope` when `tx` commits, to every node. On PostgreSQL the notification is sent
    /// on `tx` as it is, inside an app's wall or not (`pg_notify` is open to every role); only an
    /// envelope too large for it steps out of the wall to write the outbox row, a kernel table.
    pub(crate) async fn publish_on(
        self: &Arc<Self>,
        tx: &mut Tx,
        envelope: Envelope,
    ) -> Result<()> {
        if tx.backend() == Backend::Sqlite {
            let hub = Arc::clone(self);
            tx.on_commit(move || hub.dispatch(envelope));
            return Ok(());
        }
        let payload = serde_json::to_string(&envelope).map_err(anyhow::Error::from)?;
        if payload.len() <= NOTIFY_LIMIT {
            return notify(&mut *tx, &payload).await;
        }
        let wall = tx.wall_handle();
        tx.leave().await?;
        let id = new_id();
        let tenant = tx.tenant();
        sql::query(
            "insert into realtime_outbox (id, tenant_id, payload, created_at) \
             values ($1, $2, $3, $4)",
        )
        .bind(id)
        .bind(tenant)
        .bind(payload.as_str())
        .bind(now())
        .execute(&mut *tx)
        .await?;
        let reference =
            serde_json::to_string(&Envelope::Outbox { id }).map_err(anyhow::Error::from)?;
        notify(&mut *tx, &reference).await?;
        if let Some(wall) = wall {
            tx.enter(wall).await?;
        }
        Ok(())
    }

    /// Sends `event` of app `app_id` to its topic's subscribers in `tenant_id` on every node,
    /// now and without replay: a platform notice, or a test's load.
    pub async fn broadcast(
        &self,
        tenant_id: Uuid,
        app_id: &str,
        event: &lumiku_plugin::realtime::Event,
    ) -> Result<()> {
        self.signal(event_envelope(tenant_id, app_id, event, false))
            .await
    }

    /// Sends an ephemeral `envelope` to every node now.
    pub(crate) async fn signal(&self, envelope: Envelope) -> Result<()> {
        match self.db.backend() {
            Backend::Sqlite => self.dispatch(envelope),
            Backend::Postgres => {
                let payload = serde_json::to_string(&envelope).map_err(anyhow::Error::from)?;
                if payload.len() > NOTIFY_LIMIT {
                    return Err(anyhow::anyhow!("a signal must fit a notification").into());
                }
                notify(&self.db, &payload).await?;
            }
        }
        Ok(())
    }

    /// On PostgreSQL, delivers what every node publishes until `stop` turns true; on SQLite
    /// returns at once (commits on this node dispatch directly). A lost notification connection
    /// is re-established, and the connections told to reload: what was sent meanwhile is gone.
    pub async fn listen(self: Arc<Self>, mut stop: tokio::sync::watch::Receiver<bool>) {
        if self.db.backend() != Backend::Postgres {
            return;
        }
        let mut sweep = tokio::time::interval(std::time::Duration::from_secs(60));
        loop {
            let mut listener = loop {
                match self.db.listen(CHANNEL).await {
                    Ok(Some(listener)) => {
                        self.listening.send_replace(true);
                        break listener;
                    }
                    Ok(None) => return,
                    Err(error) => {
                        tracing::warn!(%error, "realtime: cannot listen; retrying in 1 s");
                        tokio::select! {
                            () = tokio::time::sleep(std::time::Duration::from_secs(1)) => {}
                            () = stopping(&mut stop) => return,
                        }
                    }
                }
            };
            loop {
                tokio::select! {
                    received = listener.recv() => match received {
                        Ok(Some(payload)) => self.receive(&payload).await,
                        Ok(None) | Err(_) => {
                            tracing::warn!("realtime: the notification connection was lost");
                            self.listening.send_replace(false);
                            self.reset_all();
                            break;
                        }
                    },
                    _ = sweep.tick() => self.sweep_outbox().await,
                    () = stopping(&mut stop) => return,
                }
            }
        }
    }

    async fn receive(&self, payload: &str) {
        let envelope = match serde_json::from_str::<Envelope>(payload) {
            Ok(Envelope::Outbox { id }) => {
                let stored: std::result::Result<Option<String>, _> =
                    sql::query_scalar("select payload from realtime_outbox where id = $1")
                        .bind(id)
                        .fetch_optional(&self.db)
                        .await;
                match stored.map(|p| p.map(|p| serde_json::from_str::<Envelope>(&p))) {
                    Ok(Some(Ok(envelope))) => envelope,
                    other => {
                        tracing::warn!(?other, "realtime: an outbox event could not be read");
                        return;
                    }
                }
            }
            Ok(envelope) => envelope,
            Err(error) => {
                tracing::warn!(%error, "realtime: a notification that is no event");
                return;
            }
        };
        self.dispatch(envelope);
    }

    /// Deletes outbox rows every node has had ten minutes to read.
    async fn sweep_outbox(&self) {
        let cutoff = now() - chrono::Duration::minutes(10);
        if let Err(error) = sql::query("delete from realtime_outbox where created_at < $1")
            .bind(cutoff)
            .execute(&self.db)
            .await
        {
            tracing::warn!(%error, "realtime: sweeping the outbox failed");
        }
    }
}

/// `pg_notify` on the realtime channel, on `to` (a transaction: sent when it commits).
async fn notify<'c>(to: impl sql::Executor<'c>, payload: &str) -> Result<()> {
    sql::query("select pg_notify($1, $2)")
        .bind(CHANNEL)
        .bind(payload)
        .execute(to)
        .await?;
    Ok(())
}

async fn stopping(stop: &mut tokio::sync::watch::Receiver<bool>) {
    let _ = stop.wait_for(|s| *s).await;
}

/// An event envelope for `app_id`'s `event` in `tenant_id`.
pub(crate) fn event_envelope(
    tenant_id: Uuid,
    app_id: &str,
    event: &lumiku_plugin::realtime::Event,
    replay: bool,
) -> Envelope {
    Envelope::Event {
        id: new_id(),
        tenant: tenant_id,
        app: app_id.to_owned(),
        topic: event.topic.clone(),
        name: event.name.clone(),
        data: event.data.clone(),
        ts: chrono::Utc::now().timestamp_millis(),
        replay,
    }
}

/// A user's realtime connection to one tenant: its queue of frames, and its subscriptions. Dropping
/// it unsubscribes everything.
pub struct Connection {
    id: u64,
    tenant_id: Uuid,
    hub: Arc<Hub>,
    receiver: mpsc::Receiver<Frame>,
    closed: Arc<OnceLock<&'static str>>,
}

impl Connection {
    /// The tenant.
    pub fn tenant_id(&self) -> Uuid {
        self.tenant_id
    }

    /// The next frame to send; `Err(reason)` once the hub has ended the connection.
    pub async fn next(&mut self) -> std::result::Result<Frame, &'static str> {
        match self.receiver.recv().await {
            Some(frame) => Ok(frame),
            None => Err(self.closed.get().copied().unwrap_or("closed")),
        }
    }

    /// A frame already queued, without waiting (to send several in one write).
    pub fn try_next(&mut self) -> Option<Frame> {
        self.receiver.try_recv().ok()
    }

    /// Subscribes to `keys` (all of this connection's tenant). With `resume`, the id of the last
    /// event the client saw, first queues the buffered events after it on these topics.
    pub fn subscribe(&self, keys: &[TopicKey], resume: Option<Uuid>) -> Resume {
        let hub = &self.hub;
        let mut state = hub.lock();
        let Some(conn) = state.conns.get_mut(&self.id) else {
            return Resume::Live;
        };
        let mut fresh = Vec::new();
        for key in keys {
            debug_assert_eq!(key.tenant_id, conn.tenant_id);
            if key.tenant_id == conn.tenant_id && conn.topics.insert(key.clone()) {
                fresh.push(key.clone());
            }
        }
        for key in &fresh {
            state.topics.entry(key.clone()).or_default().push(self.id);
        }
        let Some(resume) = resume else {
            return Resume::Live;
        };
        let Some(at) = state.ring.iter().position(|kept| kept.id == resume) else {
            return Resume::Lost;
        };
        let missed: Vec<Frame> = state
            .ring
            .iter()
            .skip(at + 1)
            .filter(|kept| keys.contains(&kept.key))
            .map(|kept| Frame::Text {
                id: Some(kept.id),
                text: Arc::clone(&kept.text),
            })
            .collect();
        let count = missed.len();
        for frame in missed {
            hub.send(&mut state, self.id, frame);
        }
        Resume::Replayed(count)
    }

    /// Ends the subscription to `key`; whether there was one.
    pub fn unsubscribe(&self, key: &TopicKey) -> bool {
        let mut state = self.hub.lock();
        let removed = state
            .conns
            .get_mut(&self.id)
            .is_some_and(|conn| conn.topics.remove(key));
        if removed {
            state.unlink(key, self.id);
        }
        removed
    }

    /// The topics subscribed to.
    pub fn topics(&self) -> Vec<TopicKey> {
        self.hub
            .lock()
            .conns
            .get(&self.id)
            .map(|conn| conn.topics.iter().cloned().collect())
            .unwrap_or_default()
    }
}

impl Drop for Connection {
    fn drop(&mut self) {
        self.hub.lock().drop_conn(self.id, "closed");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    async fn hub() -> Arc<Hub> {
        let path = std::env::temp_dir().join(format!("lumiku-hub-{}.db", Uuid::now_v7()));
        let db = Db::connect(&lumiku_store::DbOptions {
            url: format!("sqlite://{}", path.display()),
            max_connections: 1,
            ..Default::default()
        })
        .await
        .unwrap();
        Arc::new(Hub::new(db))
    }

    fn key(tenant: Uuid, topic: &str) -> TopicKey {
        TopicKey {
            tenant_id: tenant,
            app_id: "team-chat".into(),
            topic: topic.into(),
        }
    }

    fn event(tenant: Uuid, topic: &str, n: i64) -> (Uuid, Envelope) {
        let id = Uuid::now_v7();
        let envelope = Envelope::Event {
            id,
            tenant,
            app: "team-chat".into(),
            topic: topic.into(),
            name: "message.created".into(),
            data: serde_json::json!({ "n": n }),
            ts: 0,
            replay: true,
        };
        (id, envelope)
    }

    async fn text(connection: &mut Connection) -> Value {
        match connection.next().await.unwrap() {
            Frame::Text { text, .. } => serde_json::from_str(&text).unwrap(),
            Frame::Close(reason) => panic!("closed: {reason}"),
        }
    }

    #[tokio::test]
    async fn events_reach_their_topic_in_their_tenant_only() {
        let hub = hub().await;
        let (a, b, user) = (Uuid::now_v7(), Uuid::now_v7(), Uuid::now_v7());
        let mut mine = hub.connect(a, user);
        mine.subscribe(&[key(a, "channel:1")], None);
        let other = hub.connect(b, user);
        other.subscribe(&[key(b, "channel:1")], None);
        hub.dispatch(event(b, "channel:1", 1).1);
        hub.dispatch(event(a, "channel:2", 2).1);
        hub.dispatch(event(a, "channel:1", 3).1);
        let got = text(&mut mine).await;
        assert_eq!(got["data"]["n"], 3, "{got}");
        assert_eq!(got["topic"], "team-chat:channel:1");
        assert!(mine.receiver.try_recv().is_err(), "nothing else");
    }

    #[tokio::test]
    async fn a_resume_replays_exactly_what_was_missed_or_asks_for_a_reload() {
        let hub = hub().await;
        let (tenant, user) = (Uuid::now_v7(), Uuid::now_v7());
        let (first, e1) = event(tenant, "channel:1", 1);
        hub.dispatch(e1);
        hub.dispatch(event(tenant, "channel:2", 2).1);
        hub.dispatch(event(tenant, "channel:1", 3).1);
        let mut back = hub.connect(tenant, user);
        let resumed = back.subscribe(&[key(tenant, "channel:1")], Some(first));
        assert_eq!(resumed, Resume::Replayed(1));
        assert_eq!(text(&mut back).await["data"]["n"], 3);
        hub.dispatch(event(tenant, "channel:1", 4).1);
        assert_eq!(text(&mut back).await["data"]["n"], 4, "then live, once");
        let late = hub.connect(tenant, user);
        let lost = late.subscribe(&[key(tenant, "channel:1")], Some(Uuid::now_v7()));
        assert_eq!(lost, Resume::Lost);
    }

    #[tokio::test]
    async fn signals_are_limited_per_user_and_app() {
        let hub = hub().await;
        let (ana, budi) = (Uuid::now_v7(), Uuid::now_v7());
        for _ in 0..SIGNALS_PER_WINDOW {
            assert!(hub.allow_signal(ana, "team-chat").is_ok());
        }
        let wait = hub.allow_signal(ana, "team-chat").unwrap_err();
        assert!((1..=10).contains(&wait), "{wait}");
        assert!(hub.allow_signal(budi, "team-chat").is_ok(), "another user");
        assert!(hub.allow_signal(ana, "other-app").is_ok(), "another app");
    }

    #[tokio::test]
    async fn a_full_queue_cuts_the_connection_off() {
        let hub = hub().await;
        let (tenant, user) = (Uuid::now_v7(), Uuid::now_v7());
        let mut slow = hub.connect(tenant, user);
        slow.subscribe(&[key(tenant, "channel:1")], None);
        for n in 0..=QUEUE as i64 {
            hub.dispatch(event(tenant, "channel:1", n).1);
        }
        assert_eq!(hub.stats().cut_off, 1);
        assert_eq!(hub.stats().connections, 0);
        for _ in 0..QUEUE {
            slow.next().await.unwrap();
        }
        assert_eq!(slow.next().await.unwrap_err(), "too_slow");
    }

    #[tokio::test]
    async fn a_revocation_ends_one_users_subscription_and_a_kick_their_connection() {
        let hub = hub().await;
        let (tenant, alice, bob) = (Uuid::now_v7(), Uuid::now_v7(), Uuid::now_v7());
        let mut a = hub.connect(tenant, alice);
        let mut b = hub.connect(tenant, bob);
        a.subscribe(&[key(tenant, "channel:1")], None);
        b.subscribe(&[key(tenant, "channel:1")], None);
        hub.dispatch(Envelope::Revoke {
            tenant,
            app: "team-chat".into(),
            topic: "channel:1".into(),
            user: bob,
        });
        assert_eq!(text(&mut b).await["type"], "unsubscribed");
        hub.dispatch(event(tenant, "channel:1", 1).1);
        assert_eq!(text(&mut a).await["data"]["n"], 1);
        assert!(b.receiver.try_recv().is_err(), "bob hears nothing more");
        hub.dispatch(Envelope::Kick {
            tenant,
            user: alice,
        });
        assert!(matches!(a.next().await, Ok(Frame::Close("removed"))));
        assert_eq!(a.next().await.unwrap_err(), "removed");
        assert_eq!(hub.stats().connections, 1);
    }
}
