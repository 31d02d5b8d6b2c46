//! The seed's per-app checklist: each metered action charges its price and answers the balance,
//! reads are free, a short wallet writes nothing, usage is recorded, a failure rolls everything
//! back, and the wrong caller gets 401, 403, 404 or 422 without a charge.

use lumiku_testkit::{Backend, TestResponse, backend_tests};
use reqwest::Method;
use serde_json::json;

use crate::{
    BASE, balance, bodies, channel, channel_cost, cost, send, spawn, spawn_with_bonus, team,
};

backend_tests!(
    creating_a_channel_and_sending_charge_their_prices_and_answer_the_balance,
    reads_charge_nothing,
    a_short_wallet_gets_402_and_nothing_is_written,
    a_write_records_its_usage_and_ledger_entry,
    a_failure_after_the_debit_rolls_everything_back,
    requests_without_a_token_get_401,
    a_viewer_reads_but_cannot_write,
    another_tenants_channel_is_404,
    invalid_fields_get_422_and_cost_nothing,
    a_retried_request_with_one_idempotency_key_charges_once,
);

async fn creating_a_channel_and_sending_charge_their_prices_and_answer_the_balance(
    backend: Backend,
) {
    let app = spawn(backend).await;
    let user = app.register_user().await;
    assert_eq!(balance(&app, &user).await, 100, "the welcome bonus");
    let created = app
        .post(
            &format!("{BASE}/channels"),
            &user.access_token,
            json!({ "name": "general" }),
        )
        .await;
    created.assert_status(201);
    assert_eq!(created.body["creditUsed"], channel_cost());
    let mut expected = 100 - channel_cost();
    assert_eq!(created.body["creditBalance"], expected);
    let id = created.body["channel"]["id"].as_str().unwrap().to_owned();
    for body in ["Hello", "**World**"] {
        let sent = send(&app, &user, &id, body).await;
        sent.assert_status(201);
        expected -= cost();
        assert_eq!(sent.body["creditUsed"], cost());
        assert_eq!(sent.body["creditBalance"], expected);
        assert_eq!(sent.body["message"]["body"], body);
    }
    assert_eq!(balance(&app, &user).await, expected);
    app.wallet(user.personal_tenant_id)
        .await
        .assert_consistent();
}

async fn reads_charge_nothing(backend: Backend) {
    let app = spawn(backend).await;
    let user = app.register_user().await;
    let id = channel(&app, &user, "general").await;
    let sent = send(&app, &user, &id, "Read me").await;
    let message = sent.body["message"]["id"].as_str().unwrap().to_owned();
    let before = app.wallet(user.personal_tenant_id).await;
    for path in [
        "/channels".to_owned(),
        format!("/channels/{id}"),
        format!("/channels/{id}/messages"),
        format!("/messages/{message}/replies"),
        "/search?q=read".to_owned(),
        "/mentions".to_owned(),
        "/stats".to_owned(),
    ] {
        let read = app.get(&format!("{BASE}{path}"), &user.access_token).await;
        read.assert_status(200);
        assert!(read.body.get("creditUsed").is_none(), "{path}");
    }
    assert_eq!(bodies(&app, &user, &id).await, ["Read me"]);
    assert_eq!(app.wallet(user.personal_tenant_id).await, before);
}

async fn a_short_wallet_gets_402_and_nothing_is_written(backend: Backend) {
    let app = spawn_with_bonus(backend, channel_cost()).await;
    let user = app.register_user().await;
    let id = channel(&app, &user, "general").await;
    let before = app.wallet(user.personal_tenant_id).await;
    let refused = send(&app, &user, &id, "Too expensive").await;
    refused.assert_error(402, "insufficient_credits");
    assert_eq!(refused.body["error"]["required"], cost());
    assert_eq!(refused.body["error"]["current"], 0);
    assert_eq!(app.wallet(user.personal_tenant_id).await, before);
    assert!(bodies(&app, &user, &id).await.is_empty());
    let refused = app
        .post(
            &format!("{BASE}/channels"),
            &user.access_token,
            json!({ "name": "another" }),
        )
        .await;
    refused.assert_error(402, "insufficient_credits");
    let list = app
        .get(&format!("{BASE}/channels"), &user.access_token)
        .await;
    assert_eq!(list.body["items"].as_array().unwrap().len(), 1);
}

async fn a_write_records_its_usage_and_ledger_entry(backend: Backend) {
    let app = spawn(backend).await;
    let user = app.register_user().await;
    let id = channel(&app, &user, "general").await;
    send(&app, &user, &id, "Counted").await.assert_status(201);
    send(&app, &user, &id, "Counted too")
        .await
        .assert_status(201);

    let usage = app.get("/api/credits/usage", &user.access_token).await;
    let totals = usage.body["totals"].as_array().unwrap();
    assert!(
        totals.contains(&json!({ "appId": "team-chat", "action": "sendMessage", "count": 2, "credits": 2 * cost() })),
        "{totals:?}"
    );
    assert!(
        totals.contains(&json!({ "appId": "team-chat", "action": "createChannel", "count": 1, "credits": channel_cost() })),
        "{totals:?}"
    );
    let history = app.get("/api/credits/history", &user.access_token).await;
    let newest = &history.body["items"][0];
    assert_eq!(newest["kind"], "usage");
    assert_eq!(newest["amountCredits"], -cost());
    assert_eq!(
        newest["balanceAfterCredits"],
        100 - channel_cost() - 2 * cost()
    );
    assert_eq!(newest["description"], "team-chat: sendMessage");
}

async fn a_failure_after_the_debit_rolls_everything_back(backend: Backend) {
    let app = spawn(backend).await;
    let user = app.register_user().await;
    let id = channel(&app, &user, "general").await;
    send(&app, &user, &id, "Kept").await.assert_status(201);
    crate::chat::fail_usage_rows(&app, backend).await;
    let before = app.wallet(user.personal_tenant_id).await;
    let failed = send(&app, &user, &id, "Doomed").await;
    failed.assert_error(500, "internal_error");
    assert!(!failed.text.contains("injected"), "{}", failed.text);
    assert_eq!(app.wallet(user.personal_tenant_id).await, before);
    assert_eq!(bodies(&app, &user, &id).await, ["Kept"]);
    let found = app
        .get(&format!("{BASE}/search?q=doomed"), &user.access_token)
        .await;
    assert_eq!(
        found.body["items"],
        json!([]),
        "not even in the search index"
    );
    app.wallet(user.personal_tenant_id)
        .await
        .assert_consistent();
}

async fn requests_without_a_token_get_401(backend: Backend) {
    let app = spawn(backend).await;
    for (method, path) in [
        (Method::GET, "/channels"),
        (Method::POST, "/channels"),
        (Method::GET, "/search?q=x"),
    ] {
        app.call(
            method,
            &format!("{BASE}{path}"),
            None,
            Some(json!({ "name": "x" })),
        )
        .await
        .assert_error(401, "missing_token");
    }
    app.call(
        Method::GET,
        &format!("{BASE}/channels"),
        Some("forged.token.value"),
        None,
    )
    .await
    .assert_error(401, "invalid_token");
}

async fn a_viewer_reads_but_cannot_write(backend: Backend) {
    let app = spawn(backend).await;
    let owner = app.register_user().await;
    let viewer = app.register_user().await;
    let team = team(&app, &owner, &[(&viewer, "viewer")]).await;
    crate::grant(&app, &team, 10).await;
    let general = crate::in_tenant(
        &app,
        &owner,
        &team,
        Method::POST,
        "/channels",
        Some(json!({ "name": "general" })),
    )
    .await;
    general.assert_status(201);
    let id = general.body["channel"]["id"].as_str().unwrap().to_owned();
    let read = crate::in_tenant(
        &app,
        &viewer,
        &team,
        Method::GET,
        &format!("/channels/{id}/messages"),
        None,
    )
    .await;
    read.assert_status(200);
    let team_wallet = app.wallet(team.parse().unwrap()).await;
    crate::in_tenant(
        &app,
        &viewer,
        &team,
        Method::POST,
        &format!("/channels/{id}/messages"),
        Some(json!({ "body": "Nope" })),
    )
    .await
    .assert_error(403, "forbidden");
    crate::in_tenant(
        &app,
        &viewer,
        &team,
        Method::POST,
        &format!("/channels/{id}/typing"),
        None,
    )
    .await
    .assert_error(403, "forbidden");
    assert_eq!(app.wallet(team.parse().unwrap()).await, team_wallet);
    // Marking read is free, and open to viewers.
    let read = crate::in_tenant(
        &app,
        &viewer,
        &team,
        Method::POST,
        &format!("/channels/{id}/read"),
        Some(json!({})),
    )
    .await;
    read.assert_status(200);
    assert_eq!(read.body["creditUsed"], 0);
    // A priced action stays closed to them.
    crate::in_tenant(
        &app,
        &viewer,
        &team,
        Method::POST,
        "/channels",
        Some(json!({ "name": "viewers" })),
    )
    .await
    .assert_error(403, "forbidden");
    assert_eq!(app.wallet(team.parse().unwrap()).await, team_wallet);
}

async fn another_tenants_channel_is_404(backend: Backend) {
    let app = spawn(backend).await;
    let ana = app.register_user().await;
    let budi = app.register_user().await;
    let id = channel(&app, &ana, "ana").await;
    let message = send(&app, &ana, &id, "Ana's").await.body["message"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let budi_before = app.wallet(budi.personal_tenant_id).await;
    for path in [
        format!("/channels/{id}"),
        format!("/channels/{id}/messages"),
        format!("/messages/{message}/replies"),
    ] {
        app.get(&format!("{BASE}{path}"), &budi.access_token)
            .await
            .assert_error(404, "not_found");
    }
    send(&app, &budi, &id, "Hi Ana")
        .await
        .assert_error(404, "not_found");
    app.patch(
        &format!("{BASE}/messages/{message}"),
        &budi.access_token,
        json!({ "body": "edited" }),
    )
    .await
    .assert_error(404, "not_found");
    let theirs = app
        .get(&format!("{BASE}/channels"), &budi.access_token)
        .await;
    assert_eq!(theirs.body["items"], json!([]));
    let found = app
        .get(&format!("{BASE}/search?q=ana"), &budi.access_token)
        .await;
    assert_eq!(found.body["items"], json!([]));
    assert_eq!(app.wallet(budi.personal_tenant_id).await, budi_before);
    assert_eq!(bodies(&app, &ana, &id).await, ["Ana's"]);
}

async fn invalid_fields_get_422_and_cost_nothing(backend: Backend) {
    let app = spawn(backend).await;
    let user = app.register_user().await;
    let id = channel(&app, &user, "general").await;
    let before = app.wallet(user.personal_tenant_id).await;
    let cases = [
        (
            format!("/channels/{id}/messages"),
            json!({ "body": "" }),
            "body",
        ),
        (
            format!("/channels/{id}/messages"),
            json!({ "body": "   " }),
            "body",
        ),
        (
            format!("/channels/{id}/messages"),
            json!({ "body": "x".repeat(4001) }),
            "body",
        ),
        ("/channels".to_owned(), json!({ "name": "" }), "name"),
        (
            "/channels".to_owned(),
            json!({ "name": "two\nlines" }),
            "name",
        ),
        (
            "/channels".to_owned(),
            json!({ "name": "n".repeat(81) }),
            "name",
        ),
    ];
    for (path, body, field) in cases {
        let response = app
            .post(&format!("{BASE}{path}"), &user.access_token, body)
            .await;
        assert_eq!(response.status, 422, "{}", response.text);
        assert!(
            response.body["error"]["fields"][field].is_array(),
            "{}",
            response.text
        );
    }
    app.post(
        &format!("{BASE}/channels/{id}/messages"),
        &user.access_token,
        json!({ "body": 7 }),
    )
    .await
    .assert_error(422, "invalid_body");
    app.post(
        &format!("{BASE}/channels/{id}/messages"),
        &user.access_token,
        json!({ "body": "x", "extra": true }),
    )
    .await
    .assert_error(422, "invalid_body");
    assert_eq!(app.wallet(user.personal_tenant_id).await, before);
    assert!(bodies(&app, &user, &id).await.is_empty());
}

async fn a_retried_request_with_one_idempotency_key_charges_once(backend: Backend) {
    let app = spawn(backend).await;
    let user = app.register_user().await;
    let id = channel(&app, &user, "general").await;
    let path = format!("{BASE}/channels/{id}/messages");
    let send = |key: &str, body: &str| {
        let request = app
            .request(Method::POST, &path)
            .bearer_auth(&user.access_token)
            .header("idempotency-key", key)
            .json(&json!({ "body": body }));
        async move { TestResponse::from(request.send().await.unwrap()).await }
    };
    let first = send("key-1", "Once").await;
    first.assert_status(201);
    let retry = send("key-1", "Once").await;
    retry.assert_status(201);
    assert_eq!(retry.body, first.body, "a retry answers the first result");
    assert_eq!(retry.headers["idempotent-replayed"], "true");
    let after = 100 - channel_cost() - cost();
    assert_eq!(balance(&app, &user).await, after);
    assert_eq!(bodies(&app, &user, &id).await, ["Once"]);
    send("key-1", "Something else")
        .await
        .assert_error(422, "idempotency_key_reused");
    assert_eq!(balance(&app, &user).await, after);
}
