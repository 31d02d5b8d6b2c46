//! Outgoing webhooks: endpoints managed by owners and admins, events recorded with their change
//! (and not when it rolls back), deliveries signed as Standard Webhooks' reference
//! implementation verifies, retried, logged, redelivered, and endpoints disabled after failing.

use std::sync::atomic::{AtomicU16, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::http::{HeaderMap, StatusCode};
use lumiku_plugin::extract::Path;
use lumiku_plugin::{ApiError, Charged, Manifest, Metered, Plugin};
use lumiku_testkit::{Backend, TestApp, TestUser, backend_tests, test_manifest};
use serde_json::{Value, json};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

backend_tests!(
    deliveries_are_signed_as_standard_webhooks_verifies,
    events_follow_their_change_and_a_rolled_back_change_sends_nothing,
    a_failed_delivery_is_retried_logged_and_can_be_redelivered,
    an_endpoint_that_keeps_failing_is_disabled,
    credits_low_and_exhausted_follow_the_wallet,
    endpoints_are_checked_and_kept_to_owners_and_admins,
    an_app_sends_the_events_its_manifest_declares_with_its_action,
);

const PROJECTS: &str = "/api/apps/project-manager/projects";

/// Makes adding a member fail after its event is recorded: its audit entry cannot be written.
async fn fail_member_audit(app: &TestApp, backend: Backend) {
    match backend {
        Backend::Sqlite => {
            app.execute_sql(
                "create trigger fail_audit before insert on audit_events \
                 when new.action = 'member.added' begin select raise(abort, 'injected failure'); end;",
            )
            .await
        }
        Backend::Postgres => {
            app.execute_sql(
                "create function fail_audit() returns trigger language plpgsql as \
                 $$ begin raise exception 'injected failure'; end $$; \
                 create trigger fail_audit before insert on audit_events for each row \
                 when (new.action = 'member.added') execute function fail_audit();",
            )
            .await
        }
    }
}

/// A receiver on this machine: what it was sent, and the status it answers.
#[derive(Clone)]
struct Receiver {
    url: String,
    received: Arc<Mutex<Vec<(HeaderMap, String)>>>,
    status: Arc<AtomicU16>,
}

impl Receiver {
    async fn start() -> Self {
        let received: Arc<Mutex<Vec<(HeaderMap, String)>>> = Arc::default();
        let status = Arc::new(AtomicU16::new(200));
        let (log, answer) = (Arc::clone(&received), Arc::clone(&status));
        let app = axum::Router::new().route(
            "/hook",
            axum::routing::post(move |headers: HeaderMap, body: String| {
                let (log, answer) = (Arc::clone(&log), Arc::clone(&answer));
                async move {
                    log.lock().unwrap().push((headers, body));
                    StatusCode::from_u16(answer.load(Ordering::SeqCst)).unwrap()
                }
            }),
        );
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}/hook", listener.local_addr().unwrap());
        tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
        Self {
            url,
            received,
            status,
        }
    }

    fn answer(&self, status: u16) {
        self.status.store(status, Ordering::SeqCst);
    }

    /// The events received, waiting up to ten seconds for at least `count`.
    async fn events(&self, count: usize) -> Vec<(HeaderMap, Value)> {
        for _ in 0..100 {
            if self.received.lock().unwrap().len() >= count {
                break;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        self.received
            .lock()
            .unwrap()
            .iter()
            .map(|(h, b)| (h.clone(), serde_json::from_str(b).unwrap()))
            .collect()
    }

    fn types(events: &[(HeaderMap, Value)]) -> Vec<String> {
        events
            .iter()
            .map(|(_, e)| e["type"].as_str().unwrap().to_owned())
            .collect()
    }
}

async fn spawn(backend: Backend) -> TestApp {
    TestApp::spawn_with_apps(backend, vec![project_manager::app()], |c| {
        // The receiver is on this machine, and retries should not take minutes.
        c.allow_private_networks = true;
        c.webhook_retry_base_secs = 1;
    })
    .await
}

fn hooks_path(user: &TestUser) -> String {
    format!("/api/tenants/{}/webhooks", user.personal_tenant_id)
}

/// Registers `receiver` for `events` (every event when null); answers the endpoint and secret.
async fn register(
    app: &TestApp,
    user: &TestUser,
    receiver: &Receiver,
    events: Value,
) -> (Value, String) {
    let mut body = json!({ "url": receiver.url, "description": "test" });
    if !events.is_null() {
        body["events"] = events;
    }
    let made = app.post(&hooks_path(user), &user.access_token, body).await;
    made.assert_status(201);
    (
        made.body["endpoint"].clone(),
        made.body["secret"].as_str().unwrap().to_owned(),
    )
}

async fn deliveries(app: &TestApp, user: &TestUser, endpoint: &Value) -> Vec<Value> {
    let id = endpoint["id"].as_str().unwrap();
    let listed = app
        .get(
            &format!("{}/{id}/deliveries", hooks_path(user)),
            &user.access_token,
        )
        .await;
    listed.assert_status(200);
    listed.body["items"].as_array().unwrap().clone()
}

async fn deliveries_are_signed_as_standard_webhooks_verifies(backend: Backend) {
    let app = spawn(backend).await;
    let owner = app.register_user().await;
    let receiver = Receiver::start().await;
    let (endpoint, secret) = register(&app, &owner, &receiver, json!(["member.added"])).await;
    assert!(secret.starts_with("whsec_"));
    assert_eq!(endpoint["events"], json!(["member.added"]));
    let friend = app.register_user().await;
    app.post(
        &format!("/api/tenants/{}/members", owner.personal_tenant_id),
        &owner.access_token,
        json!({ "email": friend.email, "role": "member" }),
    )
    .await
    .assert_status(201);

    let events = receiver.events(1).await;
    assert_eq!(Receiver::types(&events), ["member.added"]);
    let (headers, event) = &events[0];
    assert_eq!(event["data"]["memberId"], friend.id.to_string());
    assert_eq!(
        event["data"]["tenantId"],
        owner.personal_tenant_id.to_string()
    );
    assert_eq!(event["data"]["role"], "member");
    // Standard Webhooks' own implementation verifies it; a changed body or another secret do not.
    let raw = receiver.received.lock().unwrap()[0].1.clone();
    let verifier = standardwebhooks::Webhook::new(&secret).unwrap();
    verifier
        .verify(raw.as_bytes(), headers)
        .expect("the signature verifies");
    assert!(
        verifier
            .verify(raw.replace("member", "MEMBER").as_bytes(), headers)
            .is_err()
    );
    let (_, other_secret) = register(&app, &owner, &Receiver::start().await, Value::Null).await;
    assert!(
        standardwebhooks::Webhook::new(&other_secret)
            .unwrap()
            .verify(raw.as_bytes(), headers)
            .is_err()
    );
    // The secret can be read again by owners and admins.
    let id = endpoint["id"].as_str().unwrap();
    let read = app
        .get(
            &format!("{}/{id}/secret", hooks_path(&owner)),
            &owner.access_token,
        )
        .await;
    assert_eq!(read.body["secret"], secret.as_str());
    // The log says it succeeded, with the answer.
    let log = deliveries(&app, &owner, &endpoint).await;
    assert_eq!(log[0]["status"], "succeeded");
    assert_eq!(log[0]["responseStatus"], 200);
    assert_eq!(log[0]["attempts"], 1);
    assert_eq!(log[0]["eventId"], headers["webhook-id"].to_str().unwrap());
}

async fn events_follow_their_change_and_a_rolled_back_change_sends_nothing(backend: Backend) {
    let app = spawn(backend).await;
    let owner = app.register_user().await;
    let receiver = Receiver::start().await;
    register(&app, &owner, &receiver, Value::Null).await;
    // An app uninstalled and installed again: two events, in order.
    let path = format!(
        "/api/tenants/{}/apps/project-manager",
        owner.personal_tenant_id
    );
    app.delete(&path, &owner.access_token)
        .await
        .assert_status(200);
    app.post(&path, &owner.access_token, json!({}))
        .await
        .assert_status(200);
    // Deliveries run side by side and may arrive in any order; each says when it happened.
    let mut events = receiver.events(2).await;
    events.sort_by_key(|(_, e)| e["timestamp"].as_str().unwrap().to_owned());
    assert_eq!(
        Receiver::types(&events),
        ["app.uninstalled", "app.installed"]
    );
    assert_eq!(events[1].1["data"]["appId"], "project-manager");

    // A change that fails after its event was recorded rolls the event back with it.
    fail_member_audit(&app, backend).await;
    let friend = app.register_user().await;
    let failed = app
        .post(
            &format!("/api/tenants/{}/members", owner.personal_tenant_id),
            &owner.access_token,
            json!({ "email": friend.email, "role": "member" }),
        )
        .await;
    assert_eq!(failed.status, 500, "{}", failed.text);
    tokio::time::sleep(Duration::from_millis(1500)).await;
    assert_eq!(Receiver::types(&receiver.events(2).await).len(), 2);
    let mut tx = app.kernel.db().begin().await.unwrap();
    let recorded: i64 = lumiku_plugin::sql::query_scalar(
        "select count(*) from webhook_events where type = 'member.added'",
    )
    .fetch_one(&mut tx)
    .await
    .unwrap();
    tx.commit().await.unwrap();
    assert_eq!(recorded, 0, "nothing of the rolled-back change is kept");
}

async fn a_failed_delivery_is_retried_logged_and_can_be_redelivered(backend: Backend) {
    let app = spawn(backend).await;
    let owner = app.register_user().await;
    let receiver = Receiver::start().await;
    let (endpoint, _) = register(&app, &owner, &receiver, json!(["app.uninstalled"])).await;
    receiver.answer(503);
    let path = format!(
        "/api/tenants/{}/apps/project-manager",
        owner.personal_tenant_id
    );
    app.delete(&path, &owner.access_token)
        .await
        .assert_status(200);
    // The first attempt fails; the retry (a second later) too; then the receiver recovers.
    let failed = receiver.events(2).await;
    assert_eq!(failed.len(), 2);
    assert_eq!(
        failed[0].0["webhook-id"], failed[1].0["webhook-id"],
        "one event, tried again"
    );
    receiver.answer(200);
    let all = receiver.events(3).await;
    assert_eq!(all.len(), 3, "retried until it succeeded");
    let mut log = Vec::new();
    for _ in 0..50 {
        log = deliveries(&app, &owner, &endpoint).await;
        if log[0]["status"] == "succeeded" {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(log.len(), 1);
    assert_eq!(log[0]["status"], "succeeded");
    assert_eq!(log[0]["attempts"], 3);
    // Sent again on request: a new delivery of the same event.
    let delivery = log[0]["id"].as_str().unwrap();
    let again = app
        .post(
            &format!(
                "/api/tenants/{}/webhook-deliveries/{delivery}/redeliver",
                owner.personal_tenant_id
            ),
            &owner.access_token,
            json!({}),
        )
        .await;
    again.assert_status(202);
    assert_eq!(again.body["eventId"], log[0]["eventId"]);
    let after = receiver.events(4).await;
    assert_eq!(after[3].0["webhook-id"], after[0].0["webhook-id"]);
    assert_eq!(after[3].1, after[0].1, "the same event");
    // The endpoint's failures were forgotten when it succeeded.
    let endpoints = app.get(&hooks_path(&owner), &owner.access_token).await;
    assert_eq!(endpoints.body["items"][0]["consecutiveFailures"], 0);
}

async fn an_endpoint_that_keeps_failing_is_disabled(backend: Backend) {
    let app = spawn(backend).await;
    let owner = app.register_user().await;
    let receiver = Receiver::start().await;
    let (endpoint, _) = register(&app, &owner, &receiver, Value::Null).await;
    receiver.answer(500);
    // Nineteen failures in a row already; the twentieth disables it.
    app.execute_sql("update webhook_endpoints set consecutive_failures = 19")
        .await;
    let path = format!(
        "/api/tenants/{}/apps/project-manager",
        owner.personal_tenant_id
    );
    app.delete(&path, &owner.access_token)
        .await
        .assert_status(200);
    receiver.events(1).await;
    let mut listed = Value::Null;
    for _ in 0..50 {
        listed = app.get(&hooks_path(&owner), &owner.access_token).await.body["items"][0].clone();
        if listed["enabled"] == false {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(listed["enabled"], false, "{listed}");
    assert!(
        listed["disabledReason"]
            .as_str()
            .unwrap()
            .contains("20 failed")
    );
    let log = deliveries(&app, &owner, &endpoint).await;
    assert_eq!(log[0]["status"], "failed");
    // A disabled endpoint gets nothing more, and redelivering to it is refused until it is
    // enabled again, which clears its failures.
    app.post(&path, &owner.access_token, json!({}))
        .await
        .assert_status(200);
    tokio::time::sleep(Duration::from_millis(1500)).await;
    assert_eq!(receiver.events(1).await.len(), 1);
    let delivery = log[0]["id"].as_str().unwrap();
    let redeliver = format!(
        "/api/tenants/{}/webhook-deliveries/{delivery}/redeliver",
        owner.personal_tenant_id
    );
    app.post(&redeliver, &owner.access_token, json!({}))
        .await
        .assert_error(409, "endpoint_disabled");
    let id = endpoint["id"].as_str().unwrap();
    let enabled = app
        .patch(
            &format!("{}/{id}", hooks_path(&owner)),
            &owner.access_token,
            json!({ "enabled": true }),
        )
        .await;
    enabled.assert_status(200);
    assert_eq!(enabled.body["consecutiveFailures"], 0);
    assert!(enabled.body["disabledReason"].is_null());
}

async fn credits_low_and_exhausted_follow_the_wallet(backend: Backend) {
    let app = TestApp::spawn_with_apps(backend, vec![project_manager::app()], |c| {
        c.allow_private_networks = true;
        c.welcome_bonus_credits = 12;
    })
    .await;
    let owner = app.register_user().await;
    let receiver = Receiver::start().await;
    register(
        &app,
        &owner,
        &receiver,
        json!(["credits.low", "credits.exhausted"]),
    )
    .await;
    let settings = format!("/api/tenants/{}/webhook-settings", owner.personal_tenant_id);
    let set = app
        .put(
            &settings,
            &owner.access_token,
            json!({ "creditsLowThreshold": 5 }),
        )
        .await;
    set.assert_status(200);
    assert_eq!(set.body["creditsLowThreshold"], 5);
    // 12 → 7 (above the threshold: nothing), 7 → 2 (below: low), 2 → refused (nothing).
    let cost = project_manager::MANIFEST.cost("createProject").unwrap();
    assert_eq!(cost, 5);
    for name in ["one", "two"] {
        app.post(PROJECTS, &owner.access_token, json!({ "name": name }))
            .await
            .assert_status(201);
    }
    app.post(PROJECTS, &owner.access_token, json!({ "name": "three" }))
        .await
        .assert_status(402);
    let events = receiver.events(1).await;
    assert_eq!(Receiver::types(&events), ["credits.low"]);
    assert_eq!(events[0].1["data"]["balance"], 2);
    assert_eq!(events[0].1["data"]["threshold"], 5);
    // Down to zero: exhausted (adding a task costs 1, twice).
    let project = app.get(PROJECTS, &owner.access_token).await.body["items"][0]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    for title in ["a", "b"] {
        app.post(
            &format!("{PROJECTS}/{project}/tasks"),
            &owner.access_token,
            json!({ "title": title }),
        )
        .await
        .assert_status(201);
    }
    let events = receiver.events(2).await;
    assert_eq!(
        Receiver::types(&events),
        ["credits.low", "credits.exhausted"]
    );
    assert_eq!(
        app.get(&settings, &owner.access_token).await.body["creditsLowThreshold"],
        5
    );
}

async fn endpoints_are_checked_and_kept_to_owners_and_admins(backend: Backend) {
    // The platform's default policy: public https endpoints only.
    let app = TestApp::spawn(backend).await;
    let owner = app.register_user().await;
    for (url, field) in [
        ("http://hooks.example.com/x", "url"),
        ("https://127.0.0.1/x", "url"),
        ("https://169.254.169.254/latest/meta-data", "url"),
        ("https://10.0.0.8/x", "url"),
        ("not a url", "url"),
    ] {
        let refused = app
            .post(
                &hooks_path(&owner),
                &owner.access_token,
                json!({ "url": url }),
            )
            .await;
        refused.assert_error(422, "validation_failed");
        assert!(refused.body["error"]["fields"][field].is_array(), "{url}");
    }
    app.post(
        &hooks_path(&owner),
        &owner.access_token,
        json!({ "url": "https://hooks.example.com/x", "events": ["no.such"] }),
    )
    .await
    .assert_error(422, "validation_failed");
    let made = app
        .post(
            &hooks_path(&owner),
            &owner.access_token,
            json!({ "url": "https://hooks.example.com/x" }),
        )
        .await;
    made.assert_status(201);
    // The event catalogue is public.
    let events = app
        .call(reqwest::Method::GET, "/api/webhooks/events", None, None)
        .await;
    events.assert_status(200);
    assert!(events.body["items"].as_array().unwrap().len() >= 13);
    // Members of a team, or strangers, do not see or change its endpoints.
    let stranger = app.register_user().await;
    app.get(&hooks_path(&owner), &stranger.access_token)
        .await
        .assert_status(404);
    let team = app.team(&owner, &[(&stranger, "member")]).await;
    app.get(
        &format!("/api/tenants/{team}/webhooks"),
        &stranger.access_token,
    )
    .await
    .assert_status(403);
    // Deleting removes it.
    let id = made.body["endpoint"]["id"].as_str().unwrap();
    app.delete(&format!("{}/{id}", hooks_path(&owner)), &owner.access_token)
        .await
        .assert_status(204);
    assert_eq!(
        app.get(&hooks_path(&owner), &owner.access_token).await.body["items"],
        json!([])
    );
}

const NOTIFIER: Manifest = Manifest {
    name: "Notifier",
    description: "Sends an event of its own",
    credits: &[("ping", 1)],
    webhook_events: &[("ping.sent", "A ping was sent")],
    ..test_manifest("notifier", "/api/apps/notifier")
};

lumiku_plugin::actions! { Ping = "ping" }

/// Emits `ping.sent` in a metered action, then: `ok` finishes, `fail` fails after the event,
/// `undeclared` emits an event the manifest does not declare.
#[utoipa::path(post, path = "/ping/{mode}", responses((status = 200, description = "Sent", body = Charged<Value>)))]
async fn ping(
    Path(mode): Path<String>,
    mut metered: Metered<Ping>,
) -> Result<Charged<Value>, ApiError> {
    let event = if mode == "undeclared" {
        "ping.lost"
    } else {
        "ping.sent"
    };
    metered.emit_webhook(event, json!({ "mode": mode })).await?;
    if mode == "fail" {
        return Err(ApiError::conflict(
            "ping_failed",
            "The ping failed after its event",
        ));
    }
    metered
        .finish(StatusCode::OK, json!({ "mode": mode }), json!({}))
        .await
}

struct Notifier;

impl Plugin for Notifier {
    fn manifest(&self) -> &'static Manifest {
        &NOTIFIER
    }
    fn routes(&self) -> OpenApiRouter {
        OpenApiRouter::new().routes(routes!(ping))
    }
    fn migrations(&self) -> &'static [lumiku_plugin::Migration] {
        &[]
    }
}

async fn an_app_sends_the_events_its_manifest_declares_with_its_action(backend: Backend) {
    let app = TestApp::spawn_with_apps(backend, vec![Arc::new(Notifier)], |c| {
        c.allow_private_networks = true;
        c.webhook_retry_base_secs = 1;
    })
    .await;
    let owner = app.register_user().await;
    // The app's event is listed, named after the app, and can be subscribed to; one the app
    // does not declare cannot.
    let listed = app.get("/api/webhooks/events", "").await;
    listed.assert_status(200);
    let declared = listed.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["name"] == "notifier.ping.sent")
        .expect("the app's event is listed")
        .clone();
    assert_eq!(declared["appId"], "notifier");
    assert_eq!(declared["description"], "A ping was sent");
    app.post(
        &hooks_path(&owner),
        &owner.access_token,
        json!({ "url": "http://127.0.0.1:9/x", "events": ["notifier.ping.lost"] }),
    )
    .await
    .assert_error(422, "validation_failed");
    let receiver = Receiver::start().await;
    register(&app, &owner, &receiver, json!(["notifier.ping.sent"])).await;

    let tenant = owner.personal_tenant_id;
    let before = app.wallet(tenant).await.balance;
    app.post("/api/apps/notifier/ping/ok", &owner.access_token, json!({}))
        .await
        .assert_status(200);
    // An action that fails after emitting rolls its event back with its charge.
    app.post(
        "/api/apps/notifier/ping/fail",
        &owner.access_token,
        json!({}),
    )
    .await
    .assert_error(409, "ping_failed");
    // An undeclared event is the app's bug: a 500, and nothing kept.
    let undeclared = app
        .post(
            "/api/apps/notifier/ping/undeclared",
            &owner.access_token,
            json!({}),
        )
        .await;
    assert_eq!(undeclared.status, 500, "{}", undeclared.text);
    let wallet = app.wallet(tenant).await;
    wallet.assert_consistent();
    assert_eq!(
        wallet.balance,
        before - 1,
        "only the finished ping is charged"
    );

    let events = receiver.events(1).await;
    tokio::time::sleep(Duration::from_millis(1500)).await;
    let events = if receiver.received.lock().unwrap().len() > events.len() {
        receiver.events(2).await
    } else {
        events
    };
    assert_eq!(Receiver::types(&events), ["notifier.ping.sent"]);
    assert_eq!(
        events[0].1["data"],
        json!({ "mode": "ok", "tenantId": tenant.to_string() })
    );
    let mut tx = app.kernel.db().begin().await.unwrap();
    let recorded: i64 = lumiku_plugin::sql::query_scalar("select count(*) from webhook_events")
        .fetch_one(&mut tx)
        .await
        .unwrap();
    tx.commit().await.unwrap();
    assert_eq!(
        recorded, 1,
        "the failed and the undeclared pings kept no event"
    );
}
