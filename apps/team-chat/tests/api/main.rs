//! Team Chat's tests: the seed's per-app checklist, the chat's own rules, its realtime delivery
//! and its page, on SQLite and PostgreSQL (set `LUMIKU_TEST_POSTGRES_URL` when building for the
//! PostgreSQL half).

mod chat;
mod checklist;
mod pages;
mod realtime;

use lumiku_testkit::{Backend, TestApp, TestResponse, TestUser};
use serde_json::{Value, json};

const BASE: &str = "/api/apps/team-chat";

/// What sending a message costs, as the manifest says.
fn cost() -> i64 {
    team_chat::MANIFEST.cost("sendMessage").unwrap()
}

/// What creating a channel costs.
fn channel_cost() -> i64 {
    team_chat::MANIFEST.cost("createChannel").unwrap()
}

async fn spawn(backend: Backend) -> TestApp {
    spawn_with_bonus(backend, 100).await
}

/// A server with only this app, whose new accounts start with `bonus` credits.
async fn spawn_with_bonus(backend: Backend, bonus: i64) -> TestApp {
    TestApp::spawn_with_apps(backend, vec![team_chat::app()], |c| {
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

/// Creates a channel in the user's personal tenant; answers its id.
async fn channel(app: &TestApp, user: &TestUser, name: &str) -> String {
    let created = app
        .post(
            &format!("{BASE}/channels"),
            &user.access_token,
            json!({ "name": name }),
        )
        .await;
    created.assert_status(201);
    created.body["channel"]["id"].as_str().unwrap().to_owned()
}

async fn send(app: &TestApp, user: &TestUser, channel: &str, body: &str) -> TestResponse {
    app.post(
        &format!("{BASE}/channels/{channel}/messages"),
        &user.access_token,
        json!({ "body": body }),
    )
    .await
}

/// The bodies of a channel's latest messages, newest first.
async fn bodies(app: &TestApp, user: &TestUser, channel: &str) -> Vec<String> {
    let list = app
        .get(
            &format!("{BASE}/channels/{channel}/messages"),
            &user.access_token,
        )
        .await;
    list.assert_status(200);
    list.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["body"].as_str().unwrap().to_owned())
        .collect()
}

/// A team tenant owned by `owner` with `others` added in `role`; answers its id.
async fn team(app: &TestApp, owner: &TestUser, others: &[(&TestUser, &str)]) -> String {
    let team = app
        .post(
            "/api/tenants",
            &owner.access_token,
            json!({ "name": "Team" }),
        )
        .await
        .body["id"]
        .as_str()
        .unwrap()
        .to_owned();
    for (user, role) in others {
        app.post(
            &format!("/api/tenants/{team}/members"),
            &owner.access_token,
            json!({ "email": user.email, "role": role }),
        )
        .await
        .assert_status(201);
    }
    team
}

/// `method path` by `user` in tenant `tenant`.
async fn in_tenant(
    app: &TestApp,
    user: &TestUser,
    tenant: &str,
    method: reqwest::Method,
    path: &str,
    body: Option<Value>,
) -> TestResponse {
    let mut request = app
        .request(method, &format!("{BASE}{path}"))
        .bearer_auth(&user.access_token)
        .header("x-tenant-id", tenant);
    if let Some(body) = body {
        request = request.json(&body);
    }
    TestResponse::from(request.send().await.unwrap()).await
}

/// Credits for a team tenant, granted by an administrator.
async fn grant(app: &TestApp, tenant: &str, amount: i64) {
    let admin = app.admin().await;
    app.post(
        &format!("/api/admin/tenants/{tenant}/credits"),
        &admin.access_token,
        json!({ "amount": amount, "kind": "grant", "reason": "Chat tests" }),
    )
    .await
    .assert_status(201);
}
