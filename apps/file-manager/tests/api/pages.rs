//! The app's dashboard page: what it shows, to whom, and what its actions cost.

use lumiku_testkit::{Backend, TestApp, backend_tests};
use reqwest::header::COOKIE;
use serde_json::json;

use crate::{BASE, png, spawn, unit_cost, upload};

backend_tests!(
    the_page_lists_the_folder_and_shows_usage_and_prices,
    the_page_needs_a_session,
);

const PAGE: &str = "/apps/file-manager";

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

async fn the_page_lists_the_folder_and_shows_usage_and_prices(backend: Backend) {
    let app = spawn(backend).await;
    let ana = app.register_user().await;
    let bo = app.register_user().await;
    upload(&app, &ana, "holiday.png", png(64, 64), None)
        .await
        .assert_status(201);
    upload(&app, &bo, "bo-secret.txt", b"x".to_vec(), None)
        .await
        .assert_status(201);
    let folder = app
        .post(
            &format!("{BASE}/folders"),
            &ana.access_token,
            json!({ "name": "Invoices" }),
        )
        .await
        .body["folder"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let trashed = upload(&app, &ana, "old.txt", b"old".to_vec(), None).await;
    let trashed = trashed.body["file"]["id"].as_str().unwrap().to_owned();
    app.delete(&format!("{BASE}/files/{trashed}"), &ana.access_token)
        .await
        .assert_status(200);

    let cookie = app.browser_cookie(&ana).await;
    let (status, html) = page(&app, &cookie, "").await;
    assert_eq!(status, 200);
    assert!(html.contains("holiday.png"), "{html}");
    assert!(html.contains("Invoices"));
    assert!(html.contains(&format!("?folder={folder}")));
    assert!(!html.contains("bo-secret"), "another tenant's file leaked");
    assert!(!html.contains("old.txt"), "a trashed file is listed");
    assert!(html.contains("/thumbnail"), "the image's thumbnail");
    assert!(
        html.contains("of 100 MiB used"),
        "the quota of the free plan"
    );
    assert!(html.contains("id=\"upload-input\""));
    assert!(html.contains(&format!("{} credit", unit_cost())));
    let (_, trash) = page(&app, &cookie, "?view=trash").await;
    assert!(trash.contains("old.txt"));
    assert!(!trash.contains("holiday.png"));
    assert!(trash.contains("data-restore"));
    // Reading the page is free.
    assert_eq!(
        app.wallet(ana.personal_tenant_id).await.balance,
        100 - 2 * unit_cost()
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
