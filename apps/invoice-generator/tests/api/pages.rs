//! The app's dashboard page: what it shows, to whom, and what its buttons cost.

use lumiku_testkit::{Backend, TestApp, backend_tests};
use reqwest::header::COOKIE;

use crate::{create_client, create_invoice, issue, sample_lines, save_profile, spawn, with_draft};

backend_tests!(
    the_page_lists_the_tenants_invoices_and_prices_the_actions,
    the_page_needs_a_session
);

const PAGE: &str = "/apps/invoice-generator";

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

async fn the_page_lists_the_tenants_invoices_and_prices_the_actions(backend: Backend) {
    let app = spawn(backend).await;
    let ana = app.register_user().await;
    let bo = app.register_user().await;
    let (_, id) = with_draft(&app, &ana).await;
    issue(&app, &ana, &id).await.assert_status(200);
    save_profile(&app, &bo).await;
    let secret = create_client(&app, &bo, "Bo's secret client").await;
    create_invoice(&app, &bo, &secret, sample_lines())
        .await
        .assert_status(201);

    let cookie = app.browser_cookie(&ana).await;
    let before = app.wallet(ana.personal_tenant_id).await;
    let (status, html) = page(&app, &cookie, "").await;
    assert_eq!(status, 200);
    for expected in [
        "INV-2026-0001",
        "PT Sinar Abadi",
        "Rp 1.154.550",
        "New invoice",
    ] {
        assert!(html.contains(expected), "{expected}: {html}");
    }
    assert!(!html.contains("secret"), "another tenant's invoice leaked");
    assert!(
        html.contains("3 credits"),
        "the create button's price: {html}"
    );
    let (_, sent) = page(&app, &cookie, "?status=draft").await;
    assert!(!sent.contains("INV-2026-0001"), "the filter did not apply");
    let (status, editor) = page(&app, &cookie, &format!("?invoice={id}")).await;
    assert_eq!(status, 200);
    assert!(editor.contains("Website design"), "{editor}");
    // Reading the page is free.
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
    assert_eq!(
        response.headers()["location"],
        format!("/login?next={PAGE}")
    );
}
