//! Analytics Dashboard's tests, on SQLite and PostgreSQL (set `LUMIKU_TEST_POSTGRES_URL` when
//! building for the PostgreSQL half): the per-app checklist, its figures against sums computed
//! from the usage rows themselves, the platform view's wall, and the page.

mod checklist;
mod figures;
mod pages;
mod platform;

use lumiku_testkit::{Backend, TestApp, TestResponse, TestUser};
use serde_json::json;

const BASE: &str = "/api/apps/analytics-dashboard";

fn cost(action: &str) -> i64 {
    analytics_dashboard::MANIFEST.cost(action).unwrap()
}

async fn spawn(backend: Backend) -> TestApp {
    spawn_with_bonus(backend, 100).await
}

/// A server with this app and the Invoice Generator (whose actions give it usage to show), whose
/// new accounts start with `bonus` credits.
async fn spawn_with_bonus(backend: Backend, bonus: i64) -> TestApp {
    TestApp::spawn_with_apps(
        backend,
        vec![analytics_dashboard::app(), invoice_generator::app()],
        |c| c.welcome_bonus_credits = bonus,
    )
    .await
}

async fn balance(app: &TestApp, user: &TestUser) -> i64 {
    app.get("/api/credits/balance", &user.access_token)
        .await
        .body["balance"]
        .as_i64()
        .unwrap()
}

async fn create_report(app: &TestApp, user: &TestUser, name: &str) -> TestResponse {
    app.post(
        &format!("{BASE}/reports"),
        &user.access_token,
        json!({ "name": name, "lastDays": 30, "bucket": "week" }),
    )
    .await
}

async fn export(app: &TestApp, user: &TestUser, chart: &str) -> TestResponse {
    app.post(
        &format!("{BASE}/exports"),
        &user.access_token,
        json!({ "chart": chart }),
    )
    .await
}
