//! Task Scheduler's tests: the seed's per-app checklist and its page, on SQLite and PostgreSQL
//! (set `LUMIKU_TEST_POSTGRES_URL` when building for the PostgreSQL half).

mod checklist;
mod jobs;
mod pages;
mod runs;

use lumiku_testkit::{Backend, TestApp, TestResponse, TestUser};
use serde_json::json;

const BASE: &str = "/api/apps/task-scheduler";

/// What creating a task costs, as the manifest says.
fn cost() -> i64 {
    task_scheduler::MANIFEST.cost("createTask").unwrap()
}

/// A valid task named `name`: weekday mornings in Jakarta, calling a public URL.
fn task_body(name: &str) -> serde_json::Value {
    json!({
        "name": name,
        "schedule": { "type": "cron", "expression": "0 9 * * MON-FRI", "timeZone": "Asia/Jakarta" },
        "action": { "type": "http", "method": "POST", "url": "https://example.com/hook" },
    })
}

async fn spawn(backend: Backend) -> TestApp {
    spawn_with_bonus(backend, 100).await
}

/// A server with only this app, whose new accounts start with `bonus` credits.
async fn spawn_with_bonus(backend: Backend, bonus: i64) -> TestApp {
    TestApp::spawn_with_apps(backend, vec![task_scheduler::app()], |c| {
        c.welcome_bonus_credits = bonus
    })
    .await
}

async fn balance(app: &TestApp, user: &TestUser) -> i64 {
    app.get("/api/credits/balance", &user.access_token)
        .await
        .body["balance"]
        .as_i64()
        .unwrap()
}

async fn create_task(app: &TestApp, user: &TestUser, name: &str) -> TestResponse {
    app.post(
        &format!("{BASE}/tasks"),
        &user.access_token,
        task_body(name),
    )
    .await
}
