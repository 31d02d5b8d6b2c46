//! The gate keeps what it read for an app request while the database's gate epoch stays the same
//! (`lumiku_kernel::gate`). These tests warm a node's gate, change what it read through another
//! node (or straight in the database), and expect the very next request to see the change.

use chrono::{Duration, Utc};
use lumiku_kernel::metering::Credential;
use lumiku_kernel::sql;
use lumiku_plugin::Tier;
use lumiku_testkit::{Backend, TestApp, TestResponse, TestUser, backend_tests};
use reqwest::Method;
use serde_json::json;
use uuid::Uuid;

backend_tests!(
    a_session_ended_on_one_node_is_refused_by_every_node_at_once,
    a_role_changed_or_removed_on_one_node_applies_on_the_other_at_once,
    a_browser_cookie_of_an_ended_session_is_refused_at_once,
    a_subscription_or_plan_change_reaches_the_gate_at_once,
);

const BASE: &str = "/api/apps/project-manager";

async fn spawn(backend: Backend) -> TestApp {
    TestApp::spawn_with_apps(backend, vec![project_manager::app()], |_| {}).await
}

async fn list(node: &TestApp, user: &TestUser, tenant: Option<&str>) -> TestResponse {
    let mut request = node
        .request(Method::GET, &format!("{BASE}/projects"))
        .bearer_auth(&user.access_token);
    if let Some(tenant) = tenant {
        request = request.header("x-tenant-id", tenant);
    }
    TestResponse::from(request.send().await.expect("listing")).await
}

async fn create(node: &TestApp, user: &TestUser, tenant: &str) -> TestResponse {
    let request = node
        .request(Method::POST, &format!("{BASE}/projects"))
        .bearer_auth(&user.access_token)
        .header("x-tenant-id", tenant)
        .json(&json!({ "name": "Roadmap" }));
    TestResponse::from(request.send().await.expect("creating")).await
}

/// Changes the password of `token`'s account from `current` to `new` through `node`.
async fn change_password(node: &TestApp, token: &str, current: &str, new: &str) {
    node.call(
        Method::POST,
        "/api/auth/password",
        Some(token),
        Some(json!({ "currentPassword": current, "newPassword": new })),
    )
    .await
    .assert_status(204);
}

async fn a_session_ended_on_one_node_is_refused_by_every_node_at_once(backend: Backend) {
    let first = spawn(backend).await;
    let second = first.spawn_sibling(vec![project_manager::app()]).await;
    let user = first.register_user().await;
    let other_session = first.login(&user).await;
    for node in [&first, &second] {
        list(node, &user, None).await.assert_status(200);
        list(node, &other_session, None).await.assert_status(200);
    }

    first
        .call(
            Method::POST,
            "/api/auth/logout",
            Some(&user.access_token),
            None,
        )
        .await
        .assert_status(204);
    for node in [&first, &second] {
        list(node, &user, None)
            .await
            .assert_error(401, "invalid_token");
        list(node, &other_session, None).await.assert_status(200);
    }

    // A password change ends every other session of the account.
    change_password(
        &first,
        &other_session.access_token,
        &user.password,
        "another long enough password",
    )
    .await;
    let renamed = TestUser {
        password: "another long enough password".into(),
        ..user.clone()
    };
    let third = second.login(&renamed).await;
    list(&second, &third, None).await.assert_status(200);
    change_password(
        &first,
        &other_session.access_token,
        "another long enough password",
        "a third long enough password",
    )
    .await;
    list(&second, &third, None)
        .await
        .assert_error(401, "invalid_token");
    list(&second, &other_session, None).await.assert_status(200);
}

async fn a_role_changed_or_removed_on_one_node_applies_on_the_other_at_once(backend: Backend) {
    let first = spawn(backend).await;
    let second = first.spawn_sibling(vec![project_manager::app()]).await;
    let owner = first.register_user().await;
    let member = first.register_user().await;
    let team = first
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
    first
        .post(
            &format!("/api/tenants/{team}/members"),
            &owner.access_token,
            json!({ "email": member.email, "role": "member" }),
        )
        .await
        .assert_status(201);
    let admin = first.admin().await;
    first
        .post(
            &format!("/api/admin/tenants/{team}/credits"),
            &admin.access_token,
            json!({ "amount": 100, "kind": "grant", "reason": "Trial" }),
        )
        .await
        .assert_status(201);
    create(&second, &member, &team).await.assert_status(201);

    first
        .patch(
            &format!("/api/tenants/{team}/members/{}", member.id),
            &owner.access_token,
            json!({ "role": "viewer" }),
        )
        .await
        .assert_status(200);
    let before = second.wallet(team.parse().unwrap()).await;
    create(&second, &member, &team)
        .await
        .assert_error(403, "forbidden");
    assert_eq!(second.wallet(team.parse().unwrap()).await, before);
    list(&second, &member, Some(&team)).await.assert_status(200);

    first
        .delete(
            &format!("/api/tenants/{team}/members/{}", member.id),
            &owner.access_token,
        )
        .await
        .assert_status(204);
    list(&second, &member, Some(&team))
        .await
        .assert_error(404, "not_found");
    // Their own tenant is untouched.
    list(&second, &member, None).await.assert_status(200);
}

async fn a_browser_cookie_of_an_ended_session_is_refused_at_once(backend: Backend) {
    let app = spawn(backend).await;
    let user = app.register_user().await;
    let cookie = app.browser_cookie(&user).await;
    let by_cookie = || async {
        let response = app
            .request(Method::GET, &format!("{BASE}/projects"))
            .header(reqwest::header::COOKIE, &cookie)
            .send()
            .await
            .expect("listing by cookie");
        TestResponse::from(response).await
    };
    by_cookie().await.assert_status(200);

    // Changing the password through the API ends the browser's session.
    change_password(
        &app,
        &user.access_token,
        &user.password,
        "another long enough password",
    )
    .await;
    by_cookie().await.assert_error(401, "invalid_token");
}

async fn a_subscription_or_plan_change_reaches_the_gate_at_once(backend: Backend) {
    let app = spawn(backend).await;
    let user = app.register_user().await;
    let tier = || async {
        app.kernel
            .app_request(
                Credential::AccessToken(&user.access_token),
                None,
                "project-manager",
            )
            .await
            .expect("the gate's answer")
            .tier
    };
    assert_eq!(tier().await, Tier::Free);
    assert_eq!(tier().await, Tier::Free, "again, from the node's cache");

    let db = app.kernel.db();
    let now = Utc::now();
    let tenant: Uuid = user.personal_tenant_id;
    let mut tx = db.begin().await.unwrap();
    lumiku_kernel::sql::query(
        "insert into subscriptions (tenant_id, plan_id, status, current_period_start, current_period_end, \
         cancel_at_period_end, trial_used, created_at, updated_at) values ($1, 'pro', 'active', $2, $3, false, false, $2, $2)")
        .bind(tenant)
        .bind(now)
        .bind(now + Duration::days(30))
        .execute(&mut tx)
        .await
    .unwrap();
    tx.commit().await.unwrap();
    assert_eq!(tier().await, Tier::Pro);

    app.execute_sql("update plans set tier = 'enterprise' where id = 'pro'")
        .await;
    assert_eq!(tier().await, Tier::Enterprise);

    app.execute_sql("update subscriptions set status = 'canceled'")
        .await;
    assert_eq!(tier().await, Tier::Free);

    // Statements that leave the gate's inputs alone do not bump the epoch.
    let epoch = || async {
        sql::query_scalar::<i64>("select epoch from gate_epoch where id = 1")
            .fetch_one(db)
            .await
            .unwrap()
    };
    let before = epoch().await;
    app.execute_sql("update subscriptions set cancel_at_period_end = true")
        .await;
    app.execute_sql("update apps set beta = true").await;
    app.execute_sql("update plans set name = 'Professional' where id = 'pro'")
        .await;
    app.login(&user).await;
    assert_eq!(epoch().await, before);
}
