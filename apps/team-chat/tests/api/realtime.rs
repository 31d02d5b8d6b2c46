//! The chat over the platform's realtime connection, with real WebSocket and SSE clients: what
//! commits is delivered, what rolls back or is refused is not, tenants and private channels stay
//! shut, a removed member stops hearing at once, a slow client is cut off, a client that drops
//! resumes where it was, and (on PostgreSQL) a message written through one node reaches a client
//! of another.

use std::time::Duration;

use futures_util::{SinkExt, StreamExt};
use lumiku_testkit::{Backend, TestApp, TestUser, backend_tests, postgres_tests};
use reqwest::Method;
use serde_json::{Value, json};
use tokio::net::TcpStream;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};

use crate::{BASE, channel, channel_cost, in_tenant, send, spawn, spawn_with_bonus, team};

backend_tests!(
    a_committed_message_reaches_subscribers_live,
    the_same_stream_comes_as_server_sent_events,
    a_rolled_back_or_refused_send_delivers_nothing,
    a_member_of_one_tenant_never_hears_another_tenants_topics,
    a_removed_member_stops_receiving_at_once,
    a_slow_consumer_is_cut_off,
    a_dropped_client_resumes_from_its_last_event,
    a_ticket_opens_a_connection_and_a_cookie_needs_this_sites_origin,
    heartbeats_flow_and_an_ended_session_closes_the_connection,
);

postgres_tests!(
    a_message_written_on_one_node_reaches_a_client_on_another,
    a_lost_notification_connection_resets_clients_and_recovers,
);

type Socket = WebSocketStream<MaybeTlsStream<TcpStream>>;

const WAIT: Duration = Duration::from_secs(10);

fn ws_url(app: &TestApp, query: &str) -> String {
    format!("ws://{}/api/realtime?{query}", app.addr)
}

async fn connect_with(app: &TestApp, query: &str, headers: &[(&str, &str)]) -> Result<Socket, u16> {
    let mut request = ws_url(app, query).into_client_request().unwrap();
    for (name, value) in headers {
        request.headers_mut().insert(
            reqwest::header::HeaderName::from_bytes(name.as_bytes()).unwrap(),
            value.parse().unwrap(),
        );
    }
    match tokio_tungstenite::connect_async(request).await {
        Ok((socket, _)) => Ok(socket),
        Err(tokio_tungstenite::tungstenite::Error::Http(response)) => {
            Err(response.status().as_u16())
        }
        Err(other) => panic!("connecting: {other}"),
    }
}

async fn connect(app: &TestApp, user: &TestUser, query: &str) -> Socket {
    let bearer = format!("Bearer {}", user.access_token);
    connect_with(app, query, &[("authorization", &bearer)])
        .await
        .expect("a WebSocket")
}

/// The next JSON frame (pings are skipped), or `None` when the socket closed or nothing came in
/// `wait`.
async fn frame_within(socket: &mut Socket, wait: Duration) -> Option<Value> {
    let deadline = tokio::time::Instant::now() + wait;
    loop {
        let next = tokio::time::timeout_at(deadline, socket.next())
            .await
            .ok()??;
        match next.ok()? {
            Message::Text(text) => return Some(serde_json::from_str(&text).unwrap()),
            Message::Close(_) => return None,
            _ => continue,
        }
    }
}

/// The next event (control frames skipped).
async fn event(socket: &mut Socket) -> Value {
    loop {
        let frame = frame_within(socket, WAIT).await.expect("an event");
        if frame["type"] == "event" {
            return frame;
        }
    }
}

/// Asserts no event arrives for a while.
async fn silence(socket: &mut Socket) {
    let deadline = tokio::time::Instant::now() + Duration::from_millis(700);
    while let Some(frame) = frame_within(socket, deadline - tokio::time::Instant::now()).await {
        assert_ne!(frame["type"], "event", "unexpected: {frame}");
    }
}

/// The close code the server ends the socket with, reading past what was queued before it.
async fn close_code(socket: &mut Socket, wait: Duration) -> Option<u16> {
    tokio::time::timeout(wait, async {
        loop {
            match socket.next().await {
                Some(Ok(Message::Close(frame))) => return frame.map(|f| u16::from(f.code)),
                Some(Ok(_)) => continue,
                _ => return None,
            }
        }
    })
    .await
    .expect("the socket closed in time")
}

async fn subscribe(socket: &mut Socket, topic: &str) -> Value {
    let frame = json!({ "type": "subscribe", "topic": topic }).to_string();
    socket.send(Message::Text(frame.into())).await.unwrap();
    frame_within(socket, WAIT).await.expect("an answer")
}

fn topic(channel: &str) -> String {
    format!("topics=team-chat:channel:{channel}")
}

async fn a_committed_message_reaches_subscribers_live(backend: Backend) {
    let app = spawn(backend).await;
    let ana = app.register_as("ana@example.com").await;
    let general = channel(&app, &ana, "general").await;
    let mut socket = connect(&app, &ana, &topic(&general)).await;
    let sent = send(&app, &ana, &general, "Hello **live**").await;
    sent.assert_status(201);
    let got = event(&mut socket).await;
    assert_eq!(got["topic"], format!("team-chat:channel:{general}"));
    assert_eq!(got["event"], "message.created");
    assert_eq!(got["data"]["message"], sent.body["message"]);
    assert!(got["id"].is_string() && got["ts"].is_i64(), "{got}");
    // An event too large for a PostgreSQL notification goes through the outbox.
    let long = "é".repeat(3_000);
    let sent = send(&app, &ana, &general, &long).await;
    sent.assert_status(201);
    let got = event(&mut socket).await;
    assert_eq!(got["data"]["message"]["body"], long.as_str());
    // Typing is a signal: delivered, free, not stored.
    let before = app.wallet(ana.personal_tenant_id).await;
    app.post(
        &format!("{BASE}/channels/{general}/typing"),
        &ana.access_token,
        json!({}),
    )
    .await
    .assert_status(204);
    let typing = event(&mut socket).await;
    assert_eq!(typing["event"], "typing");
    assert_eq!(typing["data"]["name"], "ana@example.com");
    assert_eq!(app.wallet(ana.personal_tenant_id).await, before);
    // Subscribing later works too, and pings are answered.
    let other = channel(&app, &ana, "random").await;
    let answer = subscribe(&mut socket, &format!("team-chat:channel:{other}")).await;
    assert_eq!(answer["type"], "subscribed", "{answer}");
    send(&app, &ana, &other, "over here")
        .await
        .assert_status(201);
    assert_eq!(
        event(&mut socket).await["data"]["message"]["body"],
        "over here"
    );
    socket
        .send(Message::Text(json!({"type": "ping"}).to_string().into()))
        .await
        .unwrap();
    assert_eq!(
        frame_within(&mut socket, WAIT).await.unwrap()["type"],
        "pong"
    );
    socket.send(Message::Text("not json".into())).await.unwrap();
    let error = frame_within(&mut socket, WAIT).await.unwrap();
    assert_eq!(
        (error["type"].as_str(), error["status"].as_u64()),
        (Some("error"), Some(400))
    );
}

async fn the_same_stream_comes_as_server_sent_events(backend: Backend) {
    let app = spawn(backend).await;
    let ana = app.register_user().await;
    let general = channel(&app, &ana, "general").await;
    let mut stream = app
        .client
        .get(app.url(&format!("/api/realtime/sse?{}", topic(&general))))
        .bearer_auth(&ana.access_token)
        .send()
        .await
        .unwrap();
    assert_eq!(stream.status(), 200);
    assert!(
        stream.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/event-stream")
    );
    let sent = send(&app, &ana, &general, "via SSE").await;
    let mut text = String::new();
    let deadline = tokio::time::Instant::now() + WAIT;
    while !text.contains("via SSE") {
        let chunk = tokio::time::timeout_at(deadline, stream.chunk())
            .await
            .expect("an event in time")
            .unwrap()
            .expect("the stream open");
        text.push_str(std::str::from_utf8(&chunk).unwrap());
    }
    let id = sent.body["message"]["id"].as_str().unwrap();
    assert!(text.contains(id), "{text}");
    assert!(
        text.lines().any(|l| l.starts_with("id: ")),
        "events carry their id: {text}"
    );
    let plain = app
        .client
        .get(app.url("/api/realtime"))
        .bearer_auth(&ana.access_token)
        .send()
        .await
        .unwrap();
    assert_eq!(plain.status(), 426, "a plain GET is told to upgrade");
}

async fn a_rolled_back_or_refused_send_delivers_nothing(backend: Backend) {
    let app = spawn_with_bonus(backend, channel_cost() + 1).await;
    let ana = app.register_user().await;
    let general = channel(&app, &ana, "general").await;
    let mut socket = connect(&app, &ana, &topic(&general)).await;
    crate::chat::fail_usage_rows(&app, backend).await;
    send(&app, &ana, &general, "rolled back")
        .await
        .assert_error(500, "internal_error");
    silence(&mut socket).await;
    match backend {
        Backend::Sqlite => app.execute_sql("drop trigger fail_usage").await,
        Backend::Postgres => {
            app.execute_sql("drop trigger fail_usage on ledger_entries")
                .await
        }
    }
    send(&app, &ana, &general, "paid").await.assert_status(201);
    send(&app, &ana, &general, "refused")
        .await
        .assert_error(402, "insufficient_credits");
    let first = event(&mut socket).await;
    assert_eq!(
        first["data"]["message"]["body"], "paid",
        "the first and only event"
    );
    silence(&mut socket).await;
}

async fn a_member_of_one_tenant_never_hears_another_tenants_topics(backend: Backend) {
    let app = spawn(backend).await;
    let ana = app.register_user().await;
    let budi = app.register_user().await;
    let anas = channel(&app, &ana, "ana").await;
    let bearer = format!("Bearer {}", budi.access_token);
    // Not a member of Ana's tenant: the handshake is refused.
    let elsewhere = format!("tenant={}", ana.personal_tenant_id);
    assert_eq!(
        connect_with(&app, &elsewhere, &[("authorization", &bearer)])
            .await
            .err(),
        Some(404)
    );
    // Ana's channel id named in Budi's own tenant is no topic of his.
    assert_eq!(
        connect_with(&app, &topic(&anas), &[("authorization", &bearer)])
            .await
            .err(),
        Some(404)
    );
    let mut socket = connect(&app, &budi, "topics=team-chat:channels").await;
    for name in [
        format!("team-chat:channel:{anas}"),
        format!("team-chat:user:{}", ana.id),
        "no-such-app:topic".to_owned(),
        "team-chat:nonsense".to_owned(),
    ] {
        let answer = subscribe(&mut socket, &name).await;
        assert_eq!(answer["type"], "error", "{name}: {answer}");
        assert_eq!(answer["status"], 404, "{name}: {answer}");
    }
    let bad = subscribe(&mut socket, "team-chat:has space").await;
    assert_eq!(bad["status"], 400);
    send(&app, &ana, &anas, "only Ana's tenant hears this")
        .await
        .assert_status(201);
    app.post(
        &format!("{BASE}/channels"),
        &ana.access_token,
        json!({ "name": "public-in-ana" }),
    )
    .await
    .assert_status(201);
    silence(&mut socket).await;
    // Unauthenticated: 401.
    assert_eq!(connect_with(&app, "", &[]).await.err(), Some(401));
}

async fn a_removed_member_stops_receiving_at_once(backend: Backend) {
    let app = spawn(backend).await;
    let ana = app.register_user().await;
    let budi = app.register_user().await;
    let team = team(&app, &ana, &[(&budi, "member")]).await;
    crate::grant(&app, &team, 100).await;
    let created = in_tenant(
        &app,
        &ana,
        &team,
        Method::POST,
        "/channels",
        Some(json!({ "name": "leads", "private": true, "members": [budi.id] })),
    )
    .await;
    created.assert_status(201);
    let leads = created.body["channel"]["id"].as_str().unwrap().to_owned();
    let query = format!("tenant={team}&{}", topic(&leads));
    let mut socket = connect(&app, &budi, &query).await;
    let path = format!("/channels/{leads}/messages");
    let say = |text: &'static str| {
        in_tenant(
            &app,
            &ana,
            &team,
            Method::POST,
            &path,
            Some(json!({ "body": text })),
        )
    };
    say("before").await.assert_status(201);
    assert_eq!(
        event(&mut socket).await["data"]["message"]["body"],
        "before"
    );
    in_tenant(
        &app,
        &ana,
        &team,
        Method::DELETE,
        &format!("/channels/{leads}/members/{}", budi.id),
        None,
    )
    .await
    .assert_status(200);
    // The member.removed event comes first, then the subscription ends.
    let mut frames = Vec::new();
    while let Some(frame) = frame_within(&mut socket, Duration::from_secs(2)).await {
        let done = frame["type"] == "unsubscribed";
        frames.push(frame);
        if done {
            break;
        }
    }
    let last = frames.last().expect("frames");
    assert_eq!(last["reason"], "revoked", "{frames:?}");
    say("after").await.assert_status(201);
    silence(&mut socket).await;
    let again = subscribe(&mut socket, &format!("team-chat:channel:{leads}")).await;
    assert_eq!(again["status"], 404, "and cannot come back: {again}");
    // Removed from the tenant: every connection to it closes.
    let mut second = connect(
        &app,
        &budi,
        &format!("tenant={team}&topics=team-chat:channels"),
    )
    .await;
    app.delete(
        &format!("/api/tenants/{team}/members/{}", budi.id),
        &ana.access_token,
    )
    .await
    .assert_status(204);
    let closed = close_code(&mut second, WAIT).await;
    assert_eq!(closed, Some(4003));
}

async fn a_slow_consumer_is_cut_off(backend: Backend) {
    let app = spawn(backend).await;
    let ana = app.register_user().await;
    let socket = connect(&app, &ana, "topics=team-chat:channels").await;
    let hub = app.kernel.realtime();
    assert_eq!(hub.stats().connections, 1);
    // The client reads nothing: its socket buffers fill, then its queue, and the hub lets go.
    let payload = "x".repeat(7_000);
    let event = lumiku_plugin::Event::new("channels", "load", &json!({ "pad": payload })).unwrap();
    let mut sent = 0;
    while hub.stats().cut_off == 0 && sent < 20_000 {
        hub.broadcast(ana.personal_tenant_id, "team-chat", &event)
            .await
            .unwrap();
        sent += 1;
        if sent % 200 == 0 {
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }
    let deadline = tokio::time::Instant::now() + WAIT;
    while hub.stats().cut_off == 0 && tokio::time::Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(hub.stats().cut_off, 1, "cut off after {sent} events");
    assert_eq!(hub.stats().connections, 0);
    // What was queued drains, then the server says why it closed.
    let mut socket = socket;
    let code = close_code(&mut socket, Duration::from_secs(30)).await;
    assert_eq!(code, Some(4008));
}

async fn a_dropped_client_resumes_from_its_last_event(backend: Backend) {
    let app = spawn(backend).await;
    let ana = app.register_user().await;
    let general = channel(&app, &ana, "general").await;
    let mut socket = connect(&app, &ana, &topic(&general)).await;
    send(&app, &ana, &general, "one").await.assert_status(201);
    let seen = event(&mut socket).await["id"].as_str().unwrap().to_owned();
    drop(socket);
    for text in ["two", "three"] {
        send(&app, &ana, &general, text).await.assert_status(201);
    }
    let query = format!("{}&lastEventId={seen}", topic(&general));
    let mut back = connect(&app, &ana, &query).await;
    for text in ["two", "three"] {
        assert_eq!(event(&mut back).await["data"]["message"]["body"], text);
    }
    send(&app, &ana, &general, "four").await.assert_status(201);
    assert_eq!(
        event(&mut back).await["data"]["message"]["body"],
        "four",
        "no repeats"
    );
    let lost = format!("{}&lastEventId={}", topic(&general), uuid::Uuid::now_v7());
    let mut told = connect(&app, &ana, &lost).await;
    let first = frame_within(&mut told, WAIT).await.unwrap();
    assert_eq!(first["type"], "reset", "{first}");
}

async fn a_ticket_opens_a_connection_and_a_cookie_needs_this_sites_origin(backend: Backend) {
    let app = spawn(backend).await;
    let ana = app.register_user().await;
    let general = channel(&app, &ana, "general").await;
    let ticket = app
        .post("/api/realtime/ticket", &ana.access_token, json!({}))
        .await;
    ticket.assert_status(200);
    let ticket = ticket.body["ticket"].as_str().unwrap().to_owned();
    let query = format!("ticket={ticket}&{}", topic(&general));
    let mut socket = connect_with(&app, &query, &[])
        .await
        .expect("the ticket opens it");
    send(&app, &ana, &general, "ticketed")
        .await
        .assert_status(201);
    assert_eq!(
        event(&mut socket).await["data"]["message"]["body"],
        "ticketed"
    );
    assert_eq!(
        connect_with(&app, "ticket=forged", &[]).await.err(),
        Some(401)
    );
    // An access token is no ticket, and a ticket no access token.
    assert_eq!(
        connect_with(&app, &format!("ticket={}", ana.access_token), &[])
            .await
            .err(),
        Some(401)
    );
    app.get(&format!("{BASE}/channels"), &ticket)
        .await
        .assert_error(401, "invalid_token");

    let cookie = app.browser_cookie(&ana).await;
    let ours = format!("http://{}", app.addr);
    assert_eq!(
        connect_with(&app, "", &[("cookie", &cookie)]).await.err(),
        Some(403),
        "no Origin"
    );
    assert_eq!(
        connect_with(
            &app,
            "",
            &[("cookie", &cookie), ("origin", "http://evil.example")]
        )
        .await
        .err(),
        Some(403)
    );
    let mut browser = connect_with(
        &app,
        &topic(&general),
        &[("cookie", &cookie), ("origin", &ours)],
    )
    .await
    .expect("this site's page");
    send(&app, &ana, &general, "to the browser")
        .await
        .assert_status(201);
    assert_eq!(
        event(&mut browser).await["data"]["message"]["body"],
        "to the browser"
    );
}

async fn heartbeats_flow_and_an_ended_session_closes_the_connection(backend: Backend) {
    let app = lumiku_testkit::TestApp::spawn_with_apps(backend, vec![team_chat::app()], |c| {
        c.realtime_heartbeat_secs = 1;
    })
    .await;
    let ana = app.register_user().await;
    let mut socket = connect(&app, &ana, "topics=team-chat:channels").await;
    let ping = tokio::time::timeout(Duration::from_secs(5), async {
        loop {
            if let Some(Ok(Message::Ping(_))) = socket.next().await {
                return;
            }
        }
    })
    .await;
    assert!(ping.is_ok(), "a ping within the heartbeat");
    app.call(
        Method::POST,
        "/api/auth/logout",
        Some(&ana.access_token),
        Some(json!({})),
    )
    .await;
    let closed = close_code(&mut socket, Duration::from_secs(5)).await;
    assert_eq!(closed, Some(4001));
}

async fn a_message_written_on_one_node_reaches_a_client_on_another(backend: Backend) {
    let first = spawn(backend).await;
    let second = first.spawn_sibling(vec![team_chat::app()]).await;
    let ana = first.register_user().await;
    let general = channel(&first, &ana, "general").await;
    let mut on_second = connect(&second, &ana, &topic(&general)).await;
    let mut on_first = connect(&first, &ana, &topic(&general)).await;
    let mut ids = Vec::new();
    for n in 0..20 {
        let node = if n % 2 == 0 { &first } else { &second };
        let sent = send(node, &ana, &general, &format!("n{n}")).await;
        sent.assert_status(201);
        ids.push(sent.body["message"]["id"].clone());
    }
    for socket in [&mut on_second, &mut on_first] {
        let mut got = Vec::new();
        for _ in 0..20 {
            got.push(event(socket).await["data"]["message"]["id"].clone());
        }
        let mut expected = ids.clone();
        expected.sort_by_key(|v| v.as_str().unwrap().to_owned());
        let mut sorted = got.clone();
        sorted.sort_by_key(|v| v.as_str().unwrap().to_owned());
        assert_eq!(sorted, expected, "each message once on each node");
        silence(socket).await;
    }
    drop(second);
}

async fn a_lost_notification_connection_resets_clients_and_recovers(backend: Backend) {
    let app = spawn(backend).await;
    let ana = app.register_user().await;
    let general = channel(&app, &ana, "general").await;
    let mut socket = connect(&app, &ana, &topic(&general)).await;
    send(&app, &ana, &general, "before")
        .await
        .assert_status(201);
    assert_eq!(
        event(&mut socket).await["data"]["message"]["body"],
        "before"
    );
    // The database drops the node's LISTEN connection: what was sent meanwhile may be lost, so
    // the node tells its clients to reload, listens again, and delivers what comes next.
    app.execute_sql(
        "select pg_terminate_backend(pid) from pg_stat_activity \
         where datname = current_database() and query ilike 'listen%'",
    )
    .await;
    let reset = loop {
        let frame = frame_within(&mut socket, WAIT).await.expect("a reset");
        if frame["type"] == "reset" {
            break frame;
        }
    };
    assert_eq!(reset["reason"], "gap");
    let deadline = tokio::time::Instant::now() + WAIT;
    loop {
        send(&app, &ana, &general, "after").await.assert_status(201);
        if let Some(frame) = frame_within(&mut socket, Duration::from_millis(500)).await {
            assert_eq!(frame["data"]["message"]["body"], "after");
            break;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "never listening again"
        );
    }
}
