//! The app's dashboard page: what it shows, to whom, and what its button costs.

use lumiku_testkit::{Backend, TestApp, backend_tests};
use reqwest::header::COOKIE;

use crate::{cost, create_task, spawn};

backend_tests!(
    the_page_lists_the_tenants_tasks_and_prices_the_actions,
    the_page_needs_a_session,
);

const PAGE: &str = "/apps/task-scheduler";

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

async fn the_page_lists_the_tenants_tasks_and_prices_the_actions(backend: Backend) {
    let app = spawn(backend).await;
    let ana = app.register_user().await;
    let bo = app.register_user().await;
    create_task(&app, &ana, "Ana's first")
        .await
        .assert_status(201);
    create_task(&app, &bo, "Bo's secret")
        .await
        .assert_status(201);

    let cookie = app.browser_cookie(&ana).await;
    let (status, html) = page(&app, &cookie).await;
    assert_eq!(status, 200);
    assert!(
        html.contains("Ana&#39;s first") || html.contains("Ana's first"),
        "{html}"
    );
    assert!(!html.contains("secret"), "another tenant's item leaked");
    let button = format!("Create task <span class=\"cost-tag\">{} credits", cost());
    assert!(html.contains(&button), "{html}");
    assert!(
        html.contains("Run now <span class=\"cost-tag\">1"),
        "{html}"
    );
    assert!(html.contains("Next run:"), "{html}");
    assert!(html.contains("data-preview=\"/api/apps/task-scheduler/schedule/preview\""));
    // Reading the page is free.
    assert_eq!(
        app.wallet(ana.personal_tenant_id).await.balance,
        100 - cost()
    );
}

async fn the_page_needs_a_session(backend: Backend) {
    let app = spawn(backend).await;
    let no_redirects = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let response = no_redirects.get(app.url(PAGE)).send().await.unwrap();
    assert_eq!(response.status(), 303);
    assert_eq!(
        response.headers()["location"],
        format!("/login?next={PAGE}")
    );
}
