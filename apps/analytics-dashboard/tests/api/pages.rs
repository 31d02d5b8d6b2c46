//! The app's dashboard page: the charts with their tables, the totals, the forecast, and the
//! priced buttons; only the tenant's own figures.

use lumiku_testkit::{Backend, TestApp, backend_tests};
use reqwest::header::COOKIE;

use crate::{create_report, export, spawn};

backend_tests!(
    the_page_shows_the_tenants_charts_and_tables,
    the_page_needs_a_session
);

const PAGE: &str = "/apps/analytics-dashboard";

async fn page(app: &TestApp, cookie: &str, query: &str) -> (u16, String) {
    let response = app
        .client
        .get(app.url(&format!("{PAGE}{query}")))
        .header(COOKIE, cookie)
        .send()
        .await
        .unwrap();
    (response.status().as_u16(), response.text().await.unwrap())
}

async fn the_page_shows_the_tenants_charts_and_tables(backend: Backend) {
    let app = spawn(backend).await;
    let ana = app.register_user().await;
    let bo = app.register_user().await;
    let report = create_report(&app, &ana, "Ana's weekly").await;
    let id = report.body["report"]["id"].as_str().unwrap().to_owned();
    export(&app, &bo, "spend").await.assert_status(201);
    let cookie = app.browser_cookie(&ana).await;
    let before = app.wallet(ana.personal_tenant_id).await;
    let (status, html) = page(&app, &cookie, "").await;
    assert_eq!(status, 200);
    for expected in [
        "id=\"chart-spend\"",
        "id=\"chart-balance\"",
        "id=\"chart-people\"",
        "<svg",
        "createReport",
        "Ana&#39;s weekly",
        "Export CSV <span class=\"cost-tag\">2 credits",
        "Save report <span class=\"cost-tag\">3 credits",
        "id=\"days-left\"",
    ] {
        assert!(html.contains(expected), "{expected}: {html}");
    }
    assert!(!html.contains("exportCsv"), "another tenant's usage shown");
    let (status, saved) = page(&app, &cookie, &format!("?report={id}")).await;
    assert_eq!(status, 200);
    assert!(saved.contains("<h1>Ana&#39;s weekly</h1>"), "{saved}");
    let (status, bad) = page(&app, &cookie, "?from=nonsense").await;
    assert_eq!(status, 200);
    assert!(bad.contains("That range is not valid"));
    assert_eq!(app.wallet(ana.personal_tenant_id).await, before);
}

async fn the_page_needs_a_session(backend: Backend) {
    let app = spawn(backend).await;
    let no_redirects = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let response = no_redirects.get(app.url(PAGE)).send().await.unwrap();
    assert_eq!(response.status(), 303);
}
