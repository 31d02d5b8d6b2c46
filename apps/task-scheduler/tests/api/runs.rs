//! Tasks running: reminders, HTTP calls against a local server (success, 500 with retries, a
//! timeout), the outbound policy, and a wallet too short to pay for a run.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use axum::http::StatusCode;
use lumiku_testkit::{Backend, TestApp, TestUser, backend_tests};
use serde_json::{Value, json};

use crate::{BASE, balance};

backend_tests!(
    run_now_sends_a_reminder_to_the_chosen_members_and_charges_once,
    an_http_task_calls_its_url_and_keeps_the_answer,
    a_500_is_retried_and_each_attempt_is_recorded,
    a_request_that_outlasts_its_timeout_fails_and_is_retried,
    a_wallet_too_short_for_a_run_records_a_skip_and_charges_nothing,
    a_paused_task_does_not_run_until_resumed,
    another_tenants_task_cannot_be_run_changed_or_read,
    the_tenants_export_holds_its_tasks_with_their_action_documents,
);

/// A server with the app whose outbound requests may reach this machine (the test servers).
async fn spawn_local(backend: Backend, bonus: i64) -> TestApp {
    TestApp::spawn_with_apps(backend, vec![task_scheduler::app()], |c| {
        c.welcome_bonus_credits = bonus;
        c.allow_private_networks = true;
    })
    .await
}

/// Subscribes the user's tenant to the app's webhook events (at an address nothing answers:
/// the tests read the events recorded, not their deliveries).
async fn subscribe(app: &TestApp, user: &TestUser) {
    app.post(
        &format!("/api/tenants/{}/webhooks", user.personal_tenant_id),
        &user.access_token,
        json!({ "url": "http://127.0.0.1:9/hook", "events": [
            "task-scheduler.run.failed", "task-scheduler.run.skipped",
        ] }),
    )
    .await
    .assert_status(201);
}

/// The webhook events recorded, oldest first: type and data.
async fn webhook_events(app: &TestApp) -> Vec<(String, Value)> {
    let mut tx = app.kernel.db().begin().await.unwrap();
    let events: Vec<(String, lumiku_plugin::sql::Json<Value>)> =
        lumiku_plugin::sql::query_as("select type, data from webhook_events order by created_at")
            .fetch_all(&mut tx)
            .await
            .unwrap();
    tx.commit().await.unwrap();
    events.into_iter().map(|(t, d)| (t, d.0)).collect()
}

/// A local HTTP server answering `/hook` with `answers` in turn (the last one repeated), after
/// `delay`; it counts the requests.
async fn hook_server(
    answers: Vec<(u16, &'static str)>,
    delay: Duration,
) -> (String, Arc<AtomicUsize>) {
    let hits = Arc::new(AtomicUsize::new(0));
    let counter = Arc::clone(&hits);
    let answers = Arc::new(answers);
    let router = axum::Router::new().route(
        "/hook",
        axum::routing::any(move || {
            let counter = Arc::clone(&counter);
            let answers = Arc::clone(&answers);
            async move {
                let n = counter.fetch_add(1, Ordering::SeqCst);
                tokio::time::sleep(delay).await;
                let (status, body) = answers[n.min(answers.len() - 1)];
                (StatusCode::from_u16(status).unwrap(), body)
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, router).await.unwrap() });
    (format!("http://{addr}/hook"), hits)
}

/// Polls the task's runs until `done` holds for them (at most 30 s).
async fn runs_until(
    app: &TestApp,
    user: &TestUser,
    task: &str,
    done: impl Fn(&[Value]) -> bool,
) -> Vec<Value> {
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let runs = app
            .get(&format!("{BASE}/tasks/{task}/runs"), &user.access_token)
            .await;
        let items = runs.body["items"].as_array().cloned().unwrap_or_default();
        if done(&items) {
            return items;
        }
        assert!(Instant::now() < deadline, "runs never got there: {items:?}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

fn settled(runs: &[Value]) -> usize {
    runs.iter().filter(|r| r["outcome"] != "running").count()
}

async fn create(app: &TestApp, user: &TestUser, body: Value) -> String {
    let created = app
        .post(&format!("{BASE}/tasks"), &user.access_token, body)
        .await;
    created.assert_status(201);
    created.body["task"]["id"].as_str().unwrap().to_owned()
}

fn once_now() -> Value {
    json!({ "type": "once", "at": chrono::Utc::now().to_rfc3339() })
}

fn weekly() -> Value {
    json!({ "type": "cron", "expression": "0 9 * * MON", "timeZone": "Asia/Jakarta" })
}

async fn run_now_sends_a_reminder_to_the_chosen_members_and_charges_once(backend: Backend) {
    let app = spawn_local(backend, 100).await;
    let user = app.register_user().await;
    let body = json!({
        "name": "Stand-up",
        "schedule": weekly(),
        "action": { "type": "reminder", "message": "Stand-up in 5 minutes", "recipients": [user.id] },
    });
    let task = create(&app, &user, body).await;
    let queued = app
        .post(
            &format!("{BASE}/tasks/{task}/run"),
            &user.access_token,
            json!({}),
        )
        .await;
    queued.assert_status(202);
    assert_eq!(queued.body["creditUsed"], 1);
    let runs = runs_until(&app, &user, &task, |r| settled(r) == 1).await;
    assert_eq!(runs[0]["outcome"], "succeeded");
    assert_eq!(runs[0]["credits"], 1);
    let notes = app
        .get(&format!("{BASE}/notifications"), &user.access_token)
        .await;
    assert_eq!(notes.body["unread"], 1);
    assert_eq!(notes.body["items"][0]["message"], "Stand-up in 5 minutes");
    let read = app
        .post(
            &format!("{BASE}/notifications/read"),
            &user.access_token,
            json!({}),
        )
        .await;
    read.assert_status(200);
    assert_eq!(read.body["marked"], 1);
    let stats = app.get(&format!("{BASE}/stats"), &user.access_token).await;
    assert_eq!(stats.body["unreadNotifications"], 0);
    // create 2 + run now 1; the paid run charged nothing more.
    assert_eq!(balance(&app, &user).await, 97);
    // Pausing keeps what the task has done.
    let paused = app
        .post(
            &format!("{BASE}/tasks/{task}/pause"),
            &user.access_token,
            json!({}),
        )
        .await;
    paused.assert_status(200);
    assert_eq!(paused.body["task"]["runs"], 1);
    assert_eq!(paused.body["task"]["lastOutcome"], "succeeded");
    let usage = app.get("/api/credits/usage", &user.access_token).await;
    let totals = usage.body["totals"].as_array().unwrap();
    let run_task = totals.iter().find(|t| t["action"] == "runTask").unwrap();
    assert_eq!(run_task["count"], 1);
    app.wallet(user.personal_tenant_id)
        .await
        .assert_consistent();
}

async fn an_http_task_calls_its_url_and_keeps_the_answer(backend: Backend) {
    let (url, hits) = hook_server(vec![(200, "hello from the hook")], Duration::ZERO).await;
    let app = spawn_local(backend, 100).await;
    let user = app.register_user().await;
    let body = json!({
        "name": "Ping",
        "schedule": once_now(),
        "action": { "type": "http", "method": "POST", "url": url, "headers": { "X-Token": "s3cret" }, "body": "{}" },
    });
    let task = create(&app, &user, body).await;
    let runs = runs_until(&app, &user, &task, |r| settled(r) == 1).await;
    assert_eq!(runs[0]["outcome"], "succeeded", "{runs:?}");
    assert_eq!(runs[0]["statusCode"], 200);
    assert_eq!(runs[0]["response"], "hello from the hook");
    assert_eq!(runs[0]["attempt"], 1);
    assert_eq!(runs[0]["credits"], 1);
    assert_eq!(hits.load(Ordering::SeqCst), 1);
    let shown = app
        .get(&format!("{BASE}/tasks/{task}"), &user.access_token)
        .await;
    assert_eq!(shown.body["task"]["lastOutcome"], "succeeded");
    assert_eq!(
        shown.body["task"]["action"]["headers"]["X-Token"], "[hidden]",
        "header values are not shown back"
    );
    assert!(shown.body["task"]["nextRunAt"].is_null(), "a one-off ran");
    assert_eq!(balance(&app, &user).await, 100 - 2 - 1);
    // Done is done: it does not run again.
    tokio::time::sleep(Duration::from_millis(1500)).await;
    assert_eq!(hits.load(Ordering::SeqCst), 1);
    app.wallet(user.personal_tenant_id)
        .await
        .assert_consistent();
}

async fn a_500_is_retried_and_each_attempt_is_recorded(backend: Backend) {
    let (url, hits) = hook_server(
        vec![(500, "boom"), (503, "still down"), (200, "ok")],
        Duration::ZERO,
    )
    .await;
    let app = spawn_local(backend, 100).await;
    let user = app.register_user().await;
    subscribe(&app, &user).await;
    let body = json!({ "name": "Flaky", "schedule": once_now(), "action": { "type": "http", "url": url } });
    let task = create(&app, &user, body).await;
    for attempt in 1..=2 {
        runs_until(&app, &user, &task, |r| settled(r) == attempt).await;
        // Skip the backoff (10 s, then 20 s, with jitter): the retry is due now.
        app.execute_sql("update jobs set run_at_ms = 0 where status = 'queued' and attempt > 0")
            .await;
        app.kernel.jobs_changed();
    }
    let runs = runs_until(&app, &user, &task, |r| settled(r) == 3).await;
    let outcomes: Vec<_> = runs
        .iter()
        .rev()
        .map(|r| {
            (
                r["attempt"].clone(),
                r["outcome"].clone(),
                r["statusCode"].clone(),
            )
        })
        .collect();
    assert_eq!(
        outcomes,
        vec![
            (json!(1), json!("failed"), json!(500)),
            (json!(2), json!("failed"), json!(503)),
            (json!(3), json!("succeeded"), json!(200)),
        ]
    );
    assert_eq!(runs[2]["error"], "answered 500 Internal Server Error");
    assert_eq!(hits.load(Ordering::SeqCst), 3);
    // Each failed attempt sent `run.failed`, saying a retry follows.
    let events = webhook_events(&app).await;
    let failed: Vec<_> = events
        .iter()
        .map(|(kind, data)| {
            (
                kind.as_str(),
                data["attempt"].clone(),
                data["statusCode"].clone(),
                data["willRetry"].clone(),
            )
        })
        .collect();
    assert_eq!(
        failed,
        [
            (
                "task-scheduler.run.failed",
                json!(1),
                json!(500),
                json!(true)
            ),
            (
                "task-scheduler.run.failed",
                json!(2),
                json!(503),
                json!(true)
            ),
        ]
    );
    assert_eq!(events[0].1["taskId"], task.as_str());
    assert_eq!(events[0].1["taskName"], "Flaky");
    assert_eq!(events[0].1["error"], "answered 500 Internal Server Error");
    // Each attempt is a run and costs one.
    assert_eq!(balance(&app, &user).await, 100 - 2 - 3);
    app.wallet(user.personal_tenant_id)
        .await
        .assert_consistent();
}

async fn a_request_that_outlasts_its_timeout_fails_and_is_retried(backend: Backend) {
    let (url, _) = hook_server(vec![(200, "late")], Duration::from_secs(5)).await;
    let app = spawn_local(backend, 100).await;
    let user = app.register_user().await;
    let body = json!({
        "name": "Slow",
        "schedule": once_now(),
        "action": { "type": "http", "url": url, "timeoutSecs": 1 },
    });
    let task = create(&app, &user, body).await;
    let runs = runs_until(&app, &user, &task, |r| settled(r) == 1).await;
    assert_eq!(runs[0]["outcome"], "failed");
    assert_eq!(runs[0]["error"], "timed out after 1 s");
    assert!(runs[0]["durationMs"].as_i64().unwrap() < 4000);
    let counts = app.kernel.job_counts("task-scheduler").await.unwrap();
    assert_eq!(counts, vec![("queued".to_owned(), 1)], "a retry waits");
}

async fn a_wallet_too_short_for_a_run_records_a_skip_and_charges_nothing(backend: Backend) {
    let (url, hits) = hook_server(vec![(200, "ok")], Duration::ZERO).await;
    // Exactly enough to create the task, nothing left for its run.
    let app = spawn_local(backend, 2).await;
    let user = app.register_user().await;
    subscribe(&app, &user).await;
    let body = json!({ "name": "Unpaid", "schedule": once_now(), "action": { "type": "http", "url": url } });
    let task = create(&app, &user, body).await;
    let runs = runs_until(&app, &user, &task, |r| settled(r) == 1).await;
    assert_eq!(runs[0]["outcome"], "skipped");
    assert_eq!(runs[0]["error"], "insufficient_credits");
    assert_eq!(runs[0]["credits"], 0);
    assert_eq!(hits.load(Ordering::SeqCst), 0, "nothing was sent");
    assert_eq!(balance(&app, &user).await, 0);
    let counts = app.kernel.job_counts("task-scheduler").await.unwrap();
    assert_eq!(
        counts,
        vec![("done".to_owned(), 1)],
        "a skip is not retried"
    );
    let events = webhook_events(&app).await;
    assert_eq!(events.len(), 1, "{events:?}");
    assert_eq!(events[0].0, "task-scheduler.run.skipped");
    assert_eq!(events[0].1["reason"], "insufficient_credits");
    assert_eq!(events[0].1["runId"], runs[0]["id"]);
    app.wallet(user.personal_tenant_id)
        .await
        .assert_consistent();
}

async fn a_paused_task_does_not_run_until_resumed(backend: Backend) {
    let (url, hits) = hook_server(vec![(200, "ok")], Duration::ZERO).await;
    let app = spawn_local(backend, 100).await;
    let user = app.register_user().await;
    let at = (chrono::Utc::now() + chrono::Duration::seconds(2)).to_rfc3339();
    let body = json!({
        "name": "Later",
        "schedule": { "type": "once", "at": at },
        "action": { "type": "http", "url": url },
    });
    let task = create(&app, &user, body).await;
    let paused = app
        .post(
            &format!("{BASE}/tasks/{task}/pause"),
            &user.access_token,
            json!({}),
        )
        .await;
    paused.assert_status(200);
    assert_eq!(paused.body["task"]["enabled"], false);
    assert_eq!(paused.body["creditUsed"], 0);
    tokio::time::sleep(Duration::from_secs(4)).await;
    assert_eq!(hits.load(Ordering::SeqCst), 0, "a paused task does not run");
    // Its one-off time has passed while paused: resuming asks for a new time.
    app.post(
        &format!("{BASE}/tasks/{task}/resume"),
        &user.access_token,
        json!({}),
    )
    .await
    .assert_error(422, "validation_failed");
    let changed = app
        .patch(
            &format!("{BASE}/tasks/{task}"),
            &user.access_token,
            json!({ "schedule": once_now(), "enabled": true }),
        )
        .await;
    changed.assert_status(200);
    assert_eq!(changed.body["creditUsed"], 1);
    runs_until(&app, &user, &task, |r| settled(r) == 1).await;
    assert_eq!(hits.load(Ordering::SeqCst), 1);
    // Deleting it takes its history and its schedule, free.
    let deleted = app
        .delete(&format!("{BASE}/tasks/{task}"), &user.access_token)
        .await;
    deleted.assert_status(200);
    assert_eq!(deleted.body["creditUsed"], 0);
    app.get(&format!("{BASE}/tasks/{task}"), &user.access_token)
        .await
        .assert_error(404, "not_found");
}

async fn another_tenants_task_cannot_be_run_changed_or_read(backend: Backend) {
    let (url, hits) = hook_server(vec![(200, "ok")], Duration::ZERO).await;
    let app = spawn_local(backend, 100).await;
    let ana = app.register_user().await;
    let budi = app.register_user().await;
    let body =
        json!({ "name": "Ana's", "schedule": weekly(), "action": { "type": "http", "url": url } });
    let task = create(&app, &ana, body).await;
    let before = app.wallet(budi.personal_tenant_id).await;
    let token = &budi.access_token;
    for path in ["run", "pause", "resume"] {
        app.post(&format!("{BASE}/tasks/{task}/{path}"), token, json!({}))
            .await
            .assert_error(404, "not_found");
    }
    app.patch(
        &format!("{BASE}/tasks/{task}"),
        token,
        json!({ "name": "Mine now" }),
    )
    .await
    .assert_error(404, "not_found");
    app.delete(&format!("{BASE}/tasks/{task}"), token)
        .await
        .assert_error(404, "not_found");
    app.get(&format!("{BASE}/tasks/{task}/runs"), token)
        .await
        .assert_error(404, "not_found");
    assert_eq!(
        app.wallet(budi.personal_tenant_id).await,
        before,
        "no charge"
    );
    let theirs = app
        .get(&format!("{BASE}/tasks/{task}"), &ana.access_token)
        .await;
    assert_eq!(theirs.body["task"]["name"], "Ana's");
    assert_eq!(theirs.body["task"]["enabled"], true);
    tokio::time::sleep(Duration::from_millis(1500)).await;
    assert_eq!(hits.load(Ordering::SeqCst), 0, "nothing ran for Budi");
}

/// A tenant's export holds the app's rows; a JSON column (the task's action, `jsonb` on
/// PostgreSQL, text on SQLite) is the same document's text on both.
async fn the_tenants_export_holds_its_tasks_with_their_action_documents(backend: Backend) {
    let app = spawn_local(backend, 100).await;
    let user = app.register_user().await;
    let action = json!({ "type": "reminder", "message": "Exported", "recipients": [user.id] });
    let task = create(
        &app,
        &user,
        json!({ "name": "Export me", "schedule": weekly(), "action": action }),
    )
    .await;
    let export = app
        .get(
            &format!("/api/tenants/{}/export", user.personal_tenant_id),
            &user.access_token,
        )
        .await;
    export.assert_status(200);
    let tasks = export.body["apps"]["task-scheduler"]["task_scheduler_tasks"]
        .as_array()
        .unwrap();
    assert_eq!(tasks.len(), 1, "{tasks:?}");
    assert_eq!(tasks[0]["id"], task.as_str());
    // A flag, as a boolean on both backends.
    assert_eq!(tasks[0]["enabled"], true);
    let stored: Value = serde_json::from_str(tasks[0]["action"].as_str().unwrap()).unwrap();
    assert_eq!(stored["message"], "Exported", "{stored}");
    assert_eq!(stored["recipients"][0], user.id.to_string(), "{stored}");
}
