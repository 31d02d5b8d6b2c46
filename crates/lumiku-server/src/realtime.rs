//! Realtime connections: `GET /api/realtime` (WebSocket) and `GET /api/realtime/sse` (the same
//! stream as Server-Sent Events), and the ticket a client that cannot send headers connects with.
//!
//! A connection belongs to one user in one tenant. It is authenticated by a bearer token, by the
//! dashboard's session cookie (then the `Origin` must be this site's: a cookie alone proves
//! nothing about which page opened the socket), or by a one-minute ticket from
//! `POST /api/realtime/ticket`. It subscribes to `{appId}:{topic}` names; each is admitted like
//! a request to the app (enabled, installed, role, tier) and then authorized by the app. Events
//! come from [`lumiku_kernel::realtime`]. Every heartbeat the session, the membership and each
//! subscription are checked again, so a revoked session or a lost right ends within one heartbeat
//! even if no revocation was published.
//!
//! Frames sent (JSON text): `event` (`id`, `topic`, `event`, `data`, `ts`), `subscribed`,
//! `unsubscribed` (with a `reason`), `reset` (events were missed: reload), `error`, `pong`.
//! Frames a WebSocket client sends: `{"type":"subscribe","topic":…,"lastEventId"?}`,
//! `{"type":"unsubscribe","topic":…}`, `{"type":"ping"}`.

use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::extract::ws::{CloseFrame, Message, WebSocket, WebSocketUpgrade};
use axum::extract::{FromRequestParts, State};
use axum::http::HeaderMap;
use axum::http::request::Parts;
use axum::response::sse::{Event as SseEvent, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use lumiku_kernel::context::Caller;
use lumiku_kernel::metering::{Admission, Credential};
use lumiku_kernel::realtime::{Connection, Frame, Resume, TopicKey};
use lumiku_plugin::{ApiError, AppContext, Plugin};
use serde::{Deserialize, Serialize};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

use crate::AppState;
use crate::extract::{RequestTenant, SESSION_COOKIE, TenantChoice, bearer_token, cookie};

/// The realtime routes.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(websocket))
        .routes(routes!(sse))
        .routes(routes!(ticket))
}

/// The longest a frame may take to reach a client before the connection is dropped.
const WRITE_TIMEOUT: Duration = Duration::from_secs(10);
/// The largest frame a client may send.
const MAX_CLIENT_FRAME: usize = 16 * 1024;
/// The most queued frames written with one flush.
const WRITE_BATCH: usize = 32;
/// The most topics one connection may watch.
const MAX_TOPICS: usize = 256;

/// How a realtime connection opens: the tenant, the first topics, and where to resume from.
#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[serde(rename_all = "camelCase")]
#[into_params(parameter_in = Query)]
pub struct ConnectQuery {
    /// The tenant (default: the `X-Tenant-Id` header, the dashboard's choice, or the personal
    /// tenant).
    tenant: Option<String>,
    /// A ticket from `POST /api/realtime/ticket`, instead of a header or cookie (documented as
    /// the `ticket` security scheme).
    #[param(ignore)]
    ticket: Option<String>,
    /// Topics to subscribe to at once, comma-separated `{appId}:{topic}` names.
    topics: Option<String>,
    /// The id of the last event the client received: the missed ones on these topics are sent
    /// first (or `reset` when they are no longer kept). SSE clients send `Last-Event-ID`.
    last_event_id: Option<Uuid>,
}

/// Who a connection is for.
#[derive(Debug, Clone)]
struct Session {
    caller: Caller,
    tenant_id: Uuid,
}

impl Session {
    fn credential(&self) -> Credential<'static> {
        Credential::Session {
            session_id: self.caller.session_id,
            user_id: self.caller.user_id,
        }
    }
}

/// A realtime ticket.
#[derive(Debug, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Ticket {
    /// Pass it as `?ticket=` to `/api/realtime` or `/api/realtime/sse` within a minute.
    pub ticket: String,
    /// When it expires.
    pub expires_at: chrono::DateTime<chrono::Utc>,
}

/// A one-minute ticket to open a realtime connection to the request's tenant, for clients that
/// cannot send a header with a WebSocket (a browser holding a bearer token).
#[utoipa::path(post, path = "/api/realtime/ticket", operation_id = "createRealtimeTicket", tag = "realtime",
    params(("X-Tenant-Id" = Option<String>, Header, description = "The tenant (default: personal)")),
    responses(
        (status = 200, description = "The ticket", body = Ticket),
        (status = 401, description = "Not signed in", body = lumiku_plugin::ErrorBody),
        (status = 404, description = "Not a member of that tenant", body = lumiku_plugin::ErrorBody),
    ),
    security(("bearer" = [])))]
async fn ticket(
    State(state): State<AppState>,
    request: RequestTenant,
) -> Result<lumiku_plugin::extract::Json<Ticket>, ApiError> {
    let (ticket, expires_at) = state
        .kernel
        .realtime_ticket(&request.caller, request.access.tenant_id)
        .await?;
    Ok(lumiku_plugin::extract::Json(Ticket { ticket, expires_at }))
}

/// The realtime stream over a WebSocket. See the module documentation for the frames.
#[utoipa::path(get, path = "/api/realtime", operation_id = "openRealtimeWebSocket", tag = "realtime",
    params(ConnectQuery),
    responses(
        (status = 101, description = "Switching to the WebSocket protocol"),
        (status = 401, description = "Not signed in", body = lumiku_plugin::ErrorBody),
        (status = 403, description = "A cookie from another site's page", body = lumiku_plugin::ErrorBody),
        (status = 404, description = "No such tenant or topic for this caller", body = lumiku_plugin::ErrorBody),
        (status = 426, description = "Not a WebSocket request", body = lumiku_plugin::ErrorBody),
    ),
    security(("bearer" = []), ("ticket" = [])))]
async fn websocket(
    State(state): State<AppState>,
    slot: Option<axum::Extension<crate::connections::ConnectionSlot>>,
    upgrade: Result<WebSocketUpgrade, axum::extract::ws::rejection::WebSocketUpgradeRejection>,
    mut parts: Parts,
) -> Result<Response, ApiError> {
    // Who asks, and for what, before how: a request without credentials is a 401 and a bad
    // query a 400 whether or not it asked to upgrade.
    let query = connect_query(&mut parts, &state).await?;
    let session = open_session(&state, &parts, &query, true).await?;
    let resume = query.last_event_id;
    let upgrade = upgrade.map_err(|_| {
        ApiError::new(
            axum::http::StatusCode::UPGRADE_REQUIRED,
            "upgrade_required",
            "This endpoint speaks WebSocket; use /api/realtime/sse for Server-Sent Events",
        )
    })?;
    let (connection, resumed) = start(&state, &session, query.topics.as_deref(), resume).await?;
    let heartbeat = heartbeat(&state);
    Ok(upgrade
        .read_buffer_size(4 * 1024)
        .write_buffer_size(4 * 1024)
        .max_message_size(MAX_CLIENT_FRAME)
        .max_frame_size(MAX_CLIENT_FRAME)
        .on_upgrade(move |socket| async move {
            let _slot = slot;
            run_socket(socket, state, session, connection, resumed, heartbeat).await;
        }))
}

/// The realtime stream as Server-Sent Events: the same frames as `data:`, events with their
/// `id:`, a comment as heartbeat. Subscriptions are fixed by `topics` for its life.
#[utoipa::path(get, path = "/api/realtime/sse", operation_id = "openRealtimeStream", tag = "realtime",
    params(ConnectQuery),
    responses(
        (status = 200, description = "An event stream", content_type = "text/event-stream"),
        (status = 401, description = "Not signed in", body = lumiku_plugin::ErrorBody),
        (status = 403, description = "A cookie from another site's page", body = lumiku_plugin::ErrorBody),
        (status = 404, description = "No such tenant or topic for this caller", body = lumiku_plugin::ErrorBody),
    ),
    security(("bearer" = []), ("ticket" = [])))]
async fn sse(
    State(state): State<AppState>,
    slot: Option<axum::Extension<crate::connections::ConnectionSlot>>,
    mut parts: Parts,
) -> Result<Response, ApiError> {
    let query = connect_query(&mut parts, &state).await?;
    let session = open_session(&state, &parts, &query, false).await?;
    let header = parts
        .headers
        .get("last-event-id")
        .and_then(|v| v.to_str().ok());
    let resume = match header {
        Some(header) => parse_event_id(Some(header))?,
        None => query.last_event_id,
    };
    let (connection, resumed) = start(&state, &session, query.topics.as_deref(), resume).await?;
    let heartbeat = heartbeat(&state);
    let stream = SseStream {
        state,
        session,
        connection,
        pending: resumed.and_then(reset_frame).into_iter().collect(),
        tick: tokio::time::interval_at(tokio::time::Instant::now() + heartbeat, heartbeat),
        done: false,
        _slot: slot,
    };
    let events = futures_util::stream::unfold(stream, SseStream::next);
    Ok(Sse::new(events)
        .keep_alive(KeepAlive::new().interval(heartbeat))
        .into_response())
}

fn heartbeat(state: &AppState) -> Duration {
    Duration::from_secs(state.config.realtime_heartbeat_secs.max(1))
}

async fn connect_query(parts: &mut Parts, state: &AppState) -> Result<ConnectQuery, ApiError> {
    let lumiku_plugin::extract::Query(query) =
        lumiku_plugin::extract::Query::<ConnectQuery>::from_request_parts(parts, state).await?;
    Ok(query)
}

fn parse_event_id(id: Option<&str>) -> Result<Option<Uuid>, ApiError> {
    match id.map(str::trim).filter(|id| !id.is_empty()) {
        None => Ok(None),
        Some(id) => Uuid::parse_str(id).map(Some).map_err(|_| {
            ApiError::bad_request("invalid_event_id", "lastEventId is not an event id")
        }),
    }
}

/// Refuses a cookie-authenticated connection opened by another site's page. A WebSocket always
/// carries `Origin`; a same-origin `EventSource` may not, but then it says `Sec-Fetch-Site`.
fn check_origin(headers: &HeaderMap, state: &AppState, websocket: bool) -> Result<(), ApiError> {
    let refuse = || {
        ApiError::forbidden(
            "a realtime connection with the session cookie must come from this site",
        )
    };
    if let Some(site) = headers.get("sec-fetch-site").and_then(|v| v.to_str().ok())
        && !matches!(site, "same-origin" | "none")
    {
        return Err(refuse());
    }
    let Some(origin) = headers.get("origin").and_then(|v| v.to_str().ok()) else {
        return if websocket { Err(refuse()) } else { Ok(()) };
    };
    let public = state.config.public_url();
    let host = headers.get("host").and_then(|v| v.to_str().ok());
    let same_host = origin
        .split_once("://")
        .is_some_and(|(_, rest)| Some(rest) == host);
    if origin == public.trim_end_matches('/') || same_host {
        Ok(())
    } else {
        Err(refuse())
    }
}

/// Authenticates a connection and chooses its tenant.
async fn open_session(
    state: &AppState,
    parts: &Parts,
    query: &ConnectQuery,
    websocket: bool,
) -> Result<Session, ApiError> {
    if let Some(ticket) = &query.ticket {
        let (caller, tenant_id) = state.kernel.redeem_ticket(ticket).await?;
        let access = state.kernel.tenant_access(&caller, tenant_id).await?;
        return Ok(Session {
            caller,
            tenant_id: access.tenant_id,
        });
    }
    let (caller, from_cookie) = if let Some(token) = bearer_token(parts) {
        (state.kernel.authenticate(token).await?, false)
    } else if let Some(session) = cookie(&parts.headers, SESSION_COOKIE) {
        check_origin(&parts.headers, state, websocket)?;
        (state.kernel.authenticate_cookie(session).await?, true)
    } else {
        return Err(ApiError::unauthorized(
            "missing_token",
            "Send an access token as Authorization: Bearer <token>, or a ?ticket=",
        ));
    };
    let mut choice = TenantChoice::of(parts, from_cookie)?;
    if let Some(tenant) = &query.tenant {
        let tenant =
            Uuid::parse_str(tenant.trim()).map_err(|_| ApiError::not_found("tenant not found"))?;
        choice = TenantChoice {
            named: Some(tenant),
            chosen: None,
        };
    }
    let access = choice.resolve(state, &caller).await?;
    Ok(Session {
        caller,
        tenant_id: access.tenant_id,
    })
}

/// The compiled-in app `app_id`.
fn app_of(state: &AppState, app_id: &str) -> Option<Arc<dyn Plugin>> {
    state
        .apps
        .iter()
        .find(|app| app.manifest().app_id == app_id)
        .cloned()
}

/// The app and key a topic name names, for this session.
fn topic_key(
    state: &AppState,
    session: &Session,
    name: &str,
) -> Result<(Arc<dyn Plugin>, TopicKey), ApiError> {
    let not_found = || ApiError::not_found(format!("no topic '{name}'"));
    let (app_id, topic) = name.split_once(':').ok_or_else(not_found)?;
    lumiku_plugin::realtime::check_topic(topic)
        .map_err(|message| ApiError::bad_request("invalid_topic", message))?;
    let app = app_of(state, app_id).ok_or_else(not_found)?;
    let key = TopicKey {
        tenant_id: session.tenant_id,
        app_id: app_id.to_owned(),
        topic: topic.to_owned(),
    };
    Ok((app, key))
}

/// Whether the session may watch `key` now: the app admits the caller, then authorizes the topic.
async fn authorize(
    state: &AppState,
    session: &Session,
    app: &Arc<dyn Plugin>,
    key: &TopicKey,
) -> Result<(), ApiError> {
    let manifest = app.manifest();
    let admitted = state
        .kernel
        .admit(
            manifest,
            Admission {
                credential: session.credential(),
                tenant: Some(session.tenant_id),
                falls_back: false,
            },
        )
        .await?;
    let context = AppContext::admitted(manifest, admitted.caller, state.kernel.app_host(manifest));
    app.authorize_topic(context, key.topic.clone()).await
}

/// Authorizes the first topics, opens the hub connection and subscribes (resuming if asked).
async fn start(
    state: &AppState,
    session: &Session,
    topics: Option<&str>,
    resume: Option<Uuid>,
) -> Result<(Connection, Option<Resume>), ApiError> {
    let names: Vec<&str> = topics
        .unwrap_or_default()
        .split(',')
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .collect();
    if names.len() > MAX_TOPICS {
        return Err(ApiError::bad_request(
            "too_many_topics",
            format!("a connection may watch at most {MAX_TOPICS} topics"),
        ));
    }
    let mut keys = Vec::with_capacity(names.len());
    for name in names {
        let (app, key) = topic_key(state, session, name)?;
        authorize(state, session, &app, &key).await?;
        keys.push(key);
    }
    let connection = state
        .kernel
        .realtime()
        .connect(session.tenant_id, session.caller.user_id);
    let resumed = resume.map(|id| connection.subscribe(&keys, Some(id)));
    if resumed.is_none() {
        connection.subscribe(&keys, None);
    }
    Ok((connection, resumed))
}

/// The `reset` frame a lost resume point answers.
fn reset_frame(resumed: Resume) -> Option<String> {
    (resumed == Resume::Lost)
        .then(|| serde_json::json!({"type": "reset", "reason": "replay_unavailable"}).to_string())
}

fn control(value: serde_json::Value) -> String {
    value.to_string()
}

fn error_frame(topic: Option<&str>, error: &ApiError) -> String {
    control(serde_json::json!({
        "type": "error",
        "topic": topic,
        "status": error.status().as_u16(),
        "code": error.code(),
        "message": error.message(),
    }))
}

/// What a heartbeat's check found.
enum Checked {
    /// Carry on; these topics were dropped (with the frames telling the client).
    Fine(Vec<String>),
    /// The session ended or the caller left the tenant.
    Close(&'static str),
}

/// Checks the session, the membership and every subscription again.
async fn recheck(state: &AppState, session: &Session, connection: &Connection) -> Checked {
    let caller = match state
        .kernel
        .authenticate_session(session.caller.session_id, session.caller.user_id)
        .await
    {
        Ok(caller) => caller,
        Err(lumiku_kernel::Error::InvalidToken) => return Checked::Close("session_ended"),
        Err(error) => {
            tracing::warn!(%error, "realtime: a heartbeat check failed; keeping the connection");
            return Checked::Fine(Vec::new());
        }
    };
    if let Err(lumiku_kernel::Error::NotFound(_)) =
        state.kernel.tenant_access(&caller, session.tenant_id).await
    {
        return Checked::Close("removed");
    }
    let mut frames = Vec::new();
    for key in connection.topics() {
        let Some(app) = app_of(state, &key.app_id) else {
            continue;
        };
        match authorize(state, session, &app, &key).await {
            Ok(()) => {}
            Err(error) if error.status().is_client_error() => {
                connection.unsubscribe(&key);
                frames.push(control(serde_json::json!({
                    "type": "unsubscribed", "topic": key.wire_name(), "reason": error.code(),
                })));
            }
            Err(error) => tracing::warn!(%error, "realtime: a topic check failed; keeping it"),
        }
    }
    Checked::Fine(frames)
}

#[derive(Deserialize)]
#[serde(tag = "type", rename_all = "camelCase")]
enum ClientFrame {
    Subscribe {
        topic: String,
        #[serde(default, rename = "lastEventId")]
        last_event_id: Option<String>,
    },
    Unsubscribe {
        topic: String,
    },
    Ping,
}

/// Answers one frame from a WebSocket client.
async fn handle_client(
    state: &AppState,
    session: &Session,
    connection: &Connection,
    text: &str,
) -> Vec<String> {
    let Ok(frame) = serde_json::from_str::<ClientFrame>(text) else {
        let error = ApiError::bad_request(
            "bad_frame",
            "send {\"type\":\"subscribe\"|\"unsubscribe\",\"topic\":…} or {\"type\":\"ping\"}",
        );
        return vec![error_frame(None, &error)];
    };
    match frame {
        ClientFrame::Ping => vec![control(serde_json::json!({"type": "pong"}))],
        ClientFrame::Unsubscribe { topic } => match topic_key(state, session, &topic) {
            Ok((_, key)) => {
                connection.unsubscribe(&key);
                vec![control(serde_json::json!({
                    "type": "unsubscribed", "topic": topic, "reason": "asked",
                }))]
            }
            Err(error) => vec![error_frame(Some(&topic), &error)],
        },
        ClientFrame::Subscribe {
            topic,
            last_event_id,
        } => {
            let subscribed = async {
                if connection.topics().len() >= MAX_TOPICS {
                    return Err(ApiError::bad_request(
                        "too_many_topics",
                        format!("a connection may watch at most {MAX_TOPICS} topics"),
                    ));
                }
                let resume = parse_event_id(last_event_id.as_deref())?;
                let (app, key) = topic_key(state, session, &topic)?;
                authorize(state, session, &app, &key).await?;
                Ok(connection.subscribe(std::slice::from_ref(&key), resume))
            };
            match subscribed.await {
                Ok(resumed) => {
                    let mut frames = vec![control(
                        serde_json::json!({"type": "subscribed", "topic": topic}),
                    )];
                    frames.extend(reset_frame(resumed));
                    frames
                }
                Err(error) => vec![error_frame(Some(&topic), &error)],
            }
        }
    }
}

/// WebSocket close codes.
fn close_code(reason: &str) -> u16 {
    match reason {
        "shutdown" => 1001,
        "session_ended" => 4001,
        "removed" => 4003,
        "too_slow" => 4008,
        "timeout" => 4009,
        _ => 1000,
    }
}

async fn send(socket: &mut WebSocket, message: Message) -> bool {
    matches!(
        tokio::time::timeout(WRITE_TIMEOUT, socket.send(message)).await,
        Ok(Ok(()))
    )
}

/// Writes `messages` with one flush, within [`WRITE_TIMEOUT`].
async fn send_all(socket: &mut WebSocket, messages: Vec<Message>) -> bool {
    use futures_util::SinkExt as _;
    let write = async {
        for message in messages {
            socket.feed(message).await?;
        }
        socket.flush().await
    };
    matches!(tokio::time::timeout(WRITE_TIMEOUT, write).await, Ok(Ok(())))
}

async fn close(socket: &mut WebSocket, reason: &'static str) {
    let frame = CloseFrame {
        code: close_code(reason),
        reason: reason.into(),
    };
    let _ = send(socket, Message::Close(Some(frame))).await;
}

async fn run_socket(
    mut socket: WebSocket,
    state: AppState,
    session: Session,
    mut connection: Connection,
    resumed: Option<Resume>,
    heartbeat: Duration,
) {
    if let Some(reset) = resumed.and_then(reset_frame)
        && !send(&mut socket, Message::Text(reset.into())).await
    {
        return;
    }
    let mut tick = tokio::time::interval_at(tokio::time::Instant::now() + heartbeat, heartbeat);
    let mut heard = Instant::now();
    loop {
        tokio::select! {
            frame = connection.next() => match frame {
                Ok(Frame::Text { text, .. }) => {
                    // Under load frames queue up: write what is waiting in one go, one flush.
                    let mut batch = vec![Message::Text(text.as_ref().into())];
                    let mut closing = None;
                    while batch.len() < WRITE_BATCH {
                        match connection.try_next() {
                            Some(Frame::Text { text, .. }) => batch.push(Message::Text(text.as_ref().into())),
                            Some(Frame::Close(reason)) => {
                                closing = Some(reason);
                                break;
                            }
                            None => break,
                        }
                    }
                    if !send_all(&mut socket, batch).await {
                        return;
                    }
                    if let Some(reason) = closing {
                        return close(&mut socket, reason).await;
                    }
                }
                Ok(Frame::Close(reason)) | Err(reason) => return close(&mut socket, reason).await,
            },
            received = socket.recv() => {
                heard = Instant::now();
                match received {
                    Some(Ok(Message::Text(text))) => {
                        for reply in handle_client(&state, &session, &connection, text.as_str()).await {
                            if !send(&mut socket, Message::Text(reply.into())).await {
                                return;
                            }
                        }
                    }
                    Some(Ok(Message::Binary(_))) => {
                        let error = ApiError::bad_request("bad_frame", "frames are JSON text");
                        if !send(&mut socket, Message::Text(error_frame(None, &error).into())).await {
                            return;
                        }
                    }
                    Some(Ok(Message::Ping(_) | Message::Pong(_))) => {}
                    Some(Ok(Message::Close(_)) | Err(_)) | None => return,
                }
            }
            _ = tick.tick() => {
                if heard.elapsed() > heartbeat * 3 {
                    return close(&mut socket, "timeout").await;
                }
                if !send(&mut socket, Message::Ping(Default::default())).await {
                    return;
                }
                match recheck(&state, &session, &connection).await {
                    Checked::Close(reason) => return close(&mut socket, reason).await,
                    Checked::Fine(frames) => {
                        for frame in frames {
                            if !send(&mut socket, Message::Text(frame.into())).await {
                                return;
                            }
                        }
                    }
                }
            }
        }
    }
}

/// The state of one SSE stream.
struct SseStream {
    state: AppState,
    session: Session,
    connection: Connection,
    /// Control frames to send before waiting again (a reset, the topics a heartbeat dropped).
    pending: std::collections::VecDeque<String>,
    tick: tokio::time::Interval,
    done: bool,
    _slot: Option<axum::Extension<crate::connections::ConnectionSlot>>,
}

type SseItem = Result<SseEvent, std::convert::Infallible>;

impl SseStream {
    async fn next(mut self) -> Option<(SseItem, Self)> {
        if self.done {
            return None;
        }
        loop {
            if let Some(frame) = self.pending.pop_front() {
                return Some((Ok(SseEvent::default().data(frame)), self));
            }
            tokio::select! {
                frame = self.connection.next() => return match frame {
                    Ok(Frame::Text { id, text }) => {
                        let mut event = SseEvent::default().data(text.as_ref());
                        if let Some(id) = id {
                            event = event.id(id.to_string());
                        }
                        Some((Ok(event), self))
                    }
                    Ok(Frame::Close(reason)) | Err(reason) => {
                        self.done = true;
                        let closed = control(serde_json::json!({"type": "closed", "reason": reason}));
                        Some((Ok(SseEvent::default().data(closed)), self))
                    }
                },
                _ = self.tick.tick() => {
                    match recheck(&self.state, &self.session, &self.connection).await {
                        Checked::Close(reason) => {
                            self.done = true;
                            let closed = control(serde_json::json!({"type": "closed", "reason": reason}));
                            return Some((Ok(SseEvent::default().data(closed)), self));
                        }
                        Checked::Fine(frames) => self.pending.extend(frames),
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn close_codes_name_their_reason() {
        assert_eq!(close_code("too_slow"), 4008);
        assert_eq!(close_code("removed"), 4003);
        assert_eq!(close_code("anything"), 1000);
    }
}
