//! Share links: made for a price, downloaded without an account and counted, with a password,
//! expired (410), revoked (404), locked after ten wrong passwords, and never reaching another
//! tenant's files.

use lumiku_testkit::{Backend, TestApp, TestResponse, TestUser, backend_tests};
use reqwest::Method;
use serde_json::{Value, json};

use crate::{BASE, balance, file_id, share_cost, spawn, spawn_on, storages, unit_cost, upload};

backend_tests!(
    a_link_downloads_without_an_account_and_counts,
    a_password_protects_a_link_and_ten_wrong_ones_lock_it,
    expired_revoked_and_trashed_links_stop,
    a_forged_or_foreign_token_is_404,
);

async fn share(app: &TestApp, user: &TestUser, file: &str, body: Value) -> TestResponse {
    app.post(
        &format!("{BASE}/files/{file}/shares"),
        &user.access_token,
        body,
    )
    .await
}

async fn anonymous(
    app: &TestApp,
    method: Method,
    url: &str,
    form: Option<&[(&str, &str)]>,
) -> TestResponse {
    let mut request = reqwest::Client::new().request(method, app.url(url));
    if let Some(form) = form {
        request = request.form(form);
    }
    TestResponse::from(request.send().await.unwrap()).await
}

async fn a_link_downloads_without_an_account_and_counts(backend: Backend) {
    for storage in storages() {
        let app = spawn_on(backend, storage, 100).await;
        let user = app.register_user().await;
        let file = file_id(
            &upload(&app, &user, "report.pdf", b"%PDF-1.4 report".to_vec(), None)
                .await
                .body,
        );
        let made = share(&app, &user, &file, json!({ "expiresInHours": 24 })).await;
        made.assert_status(201);
        assert_eq!(made.body["creditUsed"], share_cost());
        assert_eq!(balance(&app, &user).await, 100 - unit_cost() - share_cost());
        let url = made.body["share"]["url"].as_str().unwrap().to_owned();
        assert!(url.starts_with(&format!("{BASE}/public/shares/")));
        for _ in 0..2 {
            let download = anonymous(&app, Method::GET, &url, None).await;
            download.assert_status(200);
            assert_eq!(download.text, "%PDF-1.4 report", "{storage:?}");
            assert!(
                download.headers["content-disposition"]
                    .to_str()
                    .unwrap()
                    .contains("report.pdf")
            );
        }
        // A HEAD looks without downloading; a resumed download's later part is not another.
        let head = reqwest::Client::new()
            .head(app.url(&url))
            .send()
            .await
            .unwrap();
        assert_eq!(head.status(), 200);
        assert_eq!(head.headers()["content-length"], "15");
        let part = reqwest::Client::new()
            .get(app.url(&url))
            .header("range", "bytes=5-")
            .send()
            .await
            .unwrap();
        assert_eq!(part.status(), 206);
        let listed = app
            .get(&format!("{BASE}/files/{file}/shares"), &user.access_token)
            .await;
        assert_eq!(listed.body["items"][0]["downloads"], 2);
        assert!(
            listed.body["items"][0].get("url").is_none(),
            "the link is shown once"
        );
        assert_eq!(
            balance(&app, &user).await,
            100 - unit_cost() - share_cost(),
            "downloads are free"
        );
    }
}

async fn a_password_protects_a_link_and_ten_wrong_ones_lock_it(backend: Backend) {
    let app = spawn(backend).await;
    let user = app.register_user().await;
    let file = file_id(
        &upload(&app, &user, "secret.txt", b"the secret".to_vec(), None)
            .await
            .body,
    );
    share(&app, &user, &file, json!({ "password": "short" }))
        .await
        .assert_status(422);
    share(&app, &user, &file, json!({ "expiresInHours": 0 }))
        .await
        .assert_status(422);
    share(&app, &user, &file, json!({ "expiresInHours": 8761 }))
        .await
        .assert_status(422);
    let made = share(&app, &user, &file, json!({ "password": "open sesame" })).await;
    made.assert_status(201);
    assert_eq!(made.body["share"]["hasPassword"], true);
    let url = made.body["share"]["url"].as_str().unwrap().to_owned();
    anonymous(&app, Method::GET, &url, None)
        .await
        .assert_error(401, "share_password_required");
    // A browser gets a form.
    let page = reqwest::Client::new()
        .get(app.url(&url))
        .header("accept", "text/html")
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), 401);
    assert!(page.text().await.unwrap().contains("name=\"password\""));
    anonymous(
        &app,
        Method::POST,
        &url,
        Some(&[("password", "wrong password")]),
    )
    .await
    .assert_error(401, "share_password_invalid");
    let right = anonymous(
        &app,
        Method::POST,
        &url,
        Some(&[("password", "open sesame")]),
    )
    .await;
    right.assert_status(200);
    assert_eq!(right.text, "the secret");
    for _ in 0..10 {
        anonymous(
            &app,
            Method::POST,
            &url,
            Some(&[("password", "guess guess")]),
        )
        .await;
    }
    let locked = anonymous(
        &app,
        Method::POST,
        &url,
        Some(&[("password", "open sesame")]),
    )
    .await;
    locked.assert_error(429, "rate_limited");
    assert!(locked.headers.contains_key("retry-after"));
}

async fn expired_revoked_and_trashed_links_stop(backend: Backend) {
    let app = spawn(backend).await;
    let user = app.register_user().await;
    let file = file_id(&upload(&app, &user, "a.txt", b"a".to_vec(), None).await.body);
    let link = |body: Value| {
        let made = share(&app, &user, &file, body);
        async move {
            let made = made.await;
            (
                made.body["share"]["id"].as_str().unwrap().to_owned(),
                made.body["share"]["url"].as_str().unwrap().to_owned(),
            )
        }
    };
    let (expiring, expiring_url) = link(json!({ "expiresInHours": 1 })).await;
    let (revoked, revoked_url) = link(json!({})).await;
    let (_, trashed_url) = link(json!({})).await;
    let _ = expiring;
    app.execute_sql(
        "update file_manager_shares set expires_at = '2000-01-01T00:00:00+00:00' \
         where expires_at = (select min(expires_at) from file_manager_shares)",
    )
    .await;
    anonymous(&app, Method::GET, &expiring_url, None)
        .await
        .assert_error(410, "share_expired");
    let before = balance(&app, &user).await;
    let done = app
        .delete(&format!("{BASE}/shares/{revoked}"), &user.access_token)
        .await;
    done.assert_status(200);
    assert!(done.body["share"]["revokedAt"].is_string());
    assert_eq!(balance(&app, &user).await, before, "revoking is free");
    anonymous(&app, Method::GET, &revoked_url, None)
        .await
        .assert_error(404, "not_found");
    anonymous(&app, Method::GET, &trashed_url, None)
        .await
        .assert_status(200);
    app.delete(&format!("{BASE}/files/{file}"), &user.access_token)
        .await
        .assert_status(200);
    anonymous(&app, Method::GET, &trashed_url, None)
        .await
        .assert_error(404, "not_found");
    app.post(
        &format!("{BASE}/files/{file}/restore"),
        &user.access_token,
        json!({}),
    )
    .await
    .assert_status(200);
    anonymous(&app, Method::GET, &trashed_url, None)
        .await
        .assert_status(200);
}

async fn a_forged_or_foreign_token_is_404(backend: Backend) {
    use base64::Engine as _;
    let app = spawn(backend).await;
    let ana = app.register_user().await;
    let budi = app.register_user().await;
    let file = file_id(&upload(&app, &ana, "a.txt", b"a".to_vec(), None).await.body);
    let url = share(&app, &ana, &file, json!({})).await.body["share"]["url"]
        .as_str()
        .unwrap()
        .to_owned();
    let token = url.rsplit('/').next().unwrap();
    // The same random part under another tenant's id finds nothing.
    let mut bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(token)
        .unwrap();
    bytes[..16].copy_from_slice(budi.personal_tenant_id.as_bytes());
    let moved = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes);
    for bad in [
        moved.as_str(),
        "nonsense",
        "..%2F..%2Fetc%2Fpasswd",
        &token[..token.len() - 2],
    ] {
        anonymous(
            &app,
            Method::GET,
            &format!("{BASE}/public/shares/{bad}"),
            None,
        )
        .await
        .assert_status(404);
    }
    anonymous(&app, Method::GET, &url, None)
        .await
        .assert_status(200);
    // Uninstalled in the tenant: its links stop with it.
    let install = format!("/api/tenants/{}/apps/file-manager", ana.personal_tenant_id);
    app.delete(&install, &ana.access_token)
        .await
        .assert_status(200);
    anonymous(&app, Method::GET, &url, None)
        .await
        .assert_status(404);
    app.post(&install, &ana.access_token, json!({}))
        .await
        .assert_status(200);
    anonymous(&app, Method::GET, &url, None)
        .await
        .assert_status(200);
}
