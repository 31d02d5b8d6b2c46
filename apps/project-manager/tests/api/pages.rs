//! The app's page in the dashboard: what it shows, to whom, and what it costs to press.

use lumiku_testkit::{Backend, TestApp, backend_tests};
use reqwest::header::COOKIE;
use serde_json::json;

backend_tests!(
    the_page_lists_the_tenants_projects_with_each_buttons_cost,
    a_viewer_sees_the_projects_without_any_control_that_costs,
    the_page_follows_the_registry_and_needs_a_session,
    a_cookie_write_without_the_pages_token_is_refused_and_charges_nothing,
    the_page_shows_projects_a_page_at_a_time,
);

async fn the_page_shows_projects_a_page_at_a_time(backend: Backend) {
    let app = TestApp::spawn_with_apps(backend, vec![project_manager::app()], |_| {}).await;
    let user = app.register_user().await;
    let cookie = app.browser_cookie(&user).await;
    let mut ids = Vec::new();
    for name in ["Alpha", "Bravo", "Charlie"] {
        let created = app
            .post(
                "/api/apps/project-manager/projects",
                &user.access_token,
                json!({ "name": name }),
            )
            .await;
        created.assert_status(201);
        ids.push(created.body["project"]["id"].as_str().unwrap().to_owned());
    }
    let get = |path: String| {
        let request = app.client.get(app.url(&path)).header(COOKIE, &cookie);
        async move {
            let response = request.send().await.unwrap();
            assert_eq!(response.status(), 200);
            // The link's `&`, however the template escaped it.
            let html = response.text().await.unwrap();
            html.replace("&#38;", "&").replace("&amp;", "&")
        }
    };
    let first = get(format!("{PAGE}?limit=2")).await;
    assert!(first.contains("Charlie") && first.contains("Bravo"));
    assert!(!first.contains("Alpha"), "a third project on a page of two");
    let older = format!("?before={}&limit=2", ids[1]);
    assert!(
        first.contains(&format!("href=\"{older}\"")),
        "no link to older projects"
    );
    assert!(!first.contains("newest-projects"));

    let second = get(format!("{PAGE}?before={}&limit=2", ids[1])).await;
    assert!(second.contains("Alpha"));
    assert!(!second.contains("Bravo") && !second.contains("Charlie"));
    assert!(
        !second.contains("older-projects"),
        "a link past the last page"
    );
    assert!(second.contains(&format!("href=\"{PAGE}\" id=\"newest-projects\"")));
}

async fn a_cookie_write_without_the_pages_token_is_refused_and_charges_nothing(backend: Backend) {
    let app = TestApp::spawn_with_apps(backend, vec![project_manager::app()], |_| {}).await;
    let user = app.register_user().await;
    let cookie = app.browser_cookie(&user).await;
    let create = |token: Option<String>| {
        let mut request = app
            .client
            .post(app.url("/api/apps/project-manager/projects"))
            .header(COOKIE, &cookie)
            .json(&json!({ "name": "Forged" }));
        if let Some(token) = token {
            request = request.header("x-csrf-token", token);
        }
        request.send()
    };
    // A cross-site form or script has the cookie but not the page's token.
    let forged = create(None).await.unwrap();
    assert_eq!(forged.status(), 403);
    let forged = create(Some("0".repeat(64))).await.unwrap();
    assert_eq!(forged.status(), 403);
    assert_eq!(app.wallet(user.personal_tenant_id).await.balance, 100);

    let (_, html) = page(&app, &cookie).await;
    let marker = "name=\"csrf-token\" content=\"";
    let start = html.find(marker).unwrap() + marker.len();
    let token = html[start..start + 64].to_owned();
    let genuine = create(Some(token)).await.unwrap();
    assert_eq!(genuine.status(), 201);
    assert_eq!(app.wallet(user.personal_tenant_id).await.balance, 95);
    app.wallet(user.personal_tenant_id)
        .await
        .assert_consistent();
}

const PAGE: &str = "/apps/project-manager";

async fn page(app: &TestApp, cookie: &str) -> (u16, String) {
    let response = app
        .client
        .get(app.url(PAGE))
        .header(COOKIE, cookie)
        .send()
        .await
        .unwrap();
    (response.status().as_u16(), response.text().await.unwrap())
}

async fn the_page_lists_the_tenants_projects_with_each_buttons_cost(backend: Backend) {
    let app = TestApp::spawn_with_apps(backend, vec![project_manager::app()], |_| {}).await;
    let ana = app.register_user().await;
    let bo = app.register_user().await;
    app.post(
        "/api/apps/project-manager/projects",
        &ana.access_token,
        json!({ "name": "Ana's launch" }),
    )
    .await
    .assert_status(201);
    app.post(
        "/api/apps/project-manager/projects",
        &bo.access_token,
        json!({ "name": "Bo's secret" }),
    )
    .await
    .assert_status(201);

    let cookie = app.browser_cookie(&ana).await;
    let (status, html) = page(&app, &cookie).await;
    assert_eq!(status, 200);
    assert!(
        html.contains("Ana&#39;s launch") || html.contains("Ana's launch"),
        "{html}"
    );
    assert!(
        !html.contains("secret"),
        "another tenant's project leaked: {html}"
    );
    assert!(
        html.contains("Create project <span class=\"cost-tag\">5 credits"),
        "{html}"
    );
    assert!(html.contains("Save <span class=\"cost-tag\">2 credits"));
    assert!(html.contains("Delete project <span class=\"cost-tag\">1 credit"));
    assert!(
        html.contains("id=\"balance\" data-balance=\"95\""),
        "the frame's badge: {html}"
    );
    // Reading the page is free.
    assert_eq!(app.wallet(ana.personal_tenant_id).await.balance, 95);
}

async fn a_viewer_sees_the_projects_without_any_control_that_costs(backend: Backend) {
    let app = TestApp::spawn_with_apps(backend, vec![project_manager::app()], |_| {}).await;
    let owner = app.register_user().await;
    let viewer = app.register_user().await;
    let team = app
        .post(
            "/api/tenants",
            &owner.access_token,
            json!({ "name": "Team" }),
        )
        .await;
    let team_id = team.body["id"].as_str().unwrap().to_owned();
    app.post(
        &format!("/api/tenants/{team_id}/members"),
        &owner.access_token,
        json!({ "email": viewer.email, "role": "viewer" }),
    )
    .await
    .assert_status(201);
    let admin = app.admin().await;
    app.post(
        &format!("/api/admin/tenants/{team_id}/credits"),
        &admin.access_token,
        json!({ "amount": 10, "kind": "grant", "reason": "team start" }),
    )
    .await
    .assert_status(201);
    let created = app
        .request(reqwest::Method::POST, "/api/apps/project-manager/projects")
        .bearer_auth(&owner.access_token)
        .header("x-tenant-id", &team_id)
        .json(&json!({ "name": "Team roadmap" }))
        .send()
        .await
        .unwrap();
    assert_eq!(created.status(), 201);

    let cookie = format!(
        "{}; lumiku_tenant={team_id}",
        app.browser_cookie(&viewer).await
    );
    let (status, html) = page(&app, &cookie).await;
    assert_eq!(status, 200);
    assert!(html.contains("Team roadmap"), "{html}");
    for control in [
        "new-project",
        "data-method=\"POST\"",
        "data-method=\"DELETE\"",
        "cost-tag",
    ] {
        assert!(!html.contains(control), "a viewer sees {control}");
    }
}

async fn the_page_follows_the_registry_and_needs_a_session(backend: Backend) {
    let app = TestApp::spawn_with_apps(backend, vec![project_manager::app()], |_| {}).await;
    let user = app.register_user().await;
    let no_redirects = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let response = no_redirects.get(app.url(PAGE)).send().await.unwrap();
    assert_eq!(response.status(), 303);
    assert_eq!(
        response.headers()["location"],
        "/login?next=/apps/project-manager"
    );

    let cookie = app.browser_cookie(&user).await;
    let admin = app.admin().await;
    app.patch(
        "/api/admin/apps/project-manager",
        &admin.access_token,
        json!({ "comingSoon": true }),
    )
    .await
    .assert_status(200);
    let (status, html) = page(&app, &cookie).await;
    assert_eq!(status, 403);
    assert!(html.contains("coming soon"), "{html}");
    app.patch(
        "/api/admin/apps/project-manager",
        &admin.access_token,
        json!({ "comingSoon": false, "enabled": false }),
    )
    .await
    .assert_status(200);
    let (status, _) = page(&app, &cookie).await;
    assert_eq!(status, 404);
}
