//! The app's dashboard page: what it shows, to whom, what its buttons cost, and that a message's
//! Markdown cannot carry a script into it.

use lumiku_testkit::{Backend, TestApp, backend_tests};
use reqwest::header::COOKIE;

use crate::{channel, cost, send, spawn};

backend_tests!(
    the_page_lists_channels_and_messages_and_prices_the_composer,
    the_page_needs_a_session,
);

const PAGE: &str = "/apps/team-chat";

async fn get(app: &TestApp, path: &str, cookie: &str) -> (u16, String, String) {
    let response = app
        .client
        .get(app.url(path))
        .header(COOKIE, cookie)
        .send()
        .await
        .unwrap();
    let kind = response
        .headers()
        .get("content-type")
        .map(|v| v.to_str().unwrap().to_owned())
        .unwrap_or_default();
    (
        response.status().as_u16(),
        kind,
        response.text().await.unwrap(),
    )
}

async fn the_page_lists_channels_and_messages_and_prices_the_composer(backend: Backend) {
    let app = spawn(backend).await;
    let ana = app.register_user().await;
    let bo = app.register_user().await;
    let general = channel(&app, &ana, "general").await;
    send(&app, &ana, &general, "Hello **team**")
        .await
        .assert_status(201);
    send(&app, &ana, &general, "<script>alert('x')</script>")
        .await
        .assert_status(201);
    let secret = channel(&app, &bo, "bo-secret").await;
    send(&app, &bo, &secret, "Bo's secret")
        .await
        .assert_status(201);

    let cookie = app.browser_cookie(&ana).await;
    let (status, _, html) = get(&app, PAGE, &cookie).await;
    assert_eq!(status, 200);
    assert!(html.contains("# general"), "{html}");
    assert!(html.contains("Hello <strong>team</strong>"), "{html}");
    assert!(
        !html.contains("<script>alert"),
        "a message's script reached the page: {html}"
    );
    assert!(html.contains("&lt;script&gt;"), "shown as text: {html}");
    assert!(!html.contains("secret"), "another tenant's channel leaked");
    let unit = if cost() == 1 { "credit" } else { "credits" };
    let button = format!("Send <span class=\"cost-tag\">{} {unit}", cost());
    assert!(html.contains(&button), "{html}");
    assert!(html.contains("src=\"/apps/team-chat/chat.js\""));
    let (status, kind, script) = get(&app, "/apps/team-chat/chat.js", &cookie).await;
    assert_eq!(status, 200);
    assert!(kind.starts_with("text/javascript"), "{kind}");
    assert!(script.contains("/api/realtime"));
    let (status, kind, _) = get(&app, "/apps/team-chat/chat.css", &cookie).await;
    assert_eq!((status, kind.starts_with("text/css")), (200, true));
    // Reading the page is free.
    assert_eq!(
        app.wallet(ana.personal_tenant_id).await.balance,
        100 - crate::channel_cost() - 2 * cost()
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
