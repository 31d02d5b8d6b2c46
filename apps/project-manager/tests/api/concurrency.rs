//! Many clients against one wallet: the invariant must hold whatever the interleaving.

use futures_util::future::join_all;
use lumiku_testkit::{Backend, TestApp, TestResponse, backend_tests};
use reqwest::Method;
use serde_json::json;

backend_tests!(
    a_wallet_that_pays_for_k_actions_serves_exactly_k_of_many_concurrent_ones,
    concurrent_retries_of_one_idempotency_key_charge_once,
);

const BASE: &str = "/api/apps/project-manager";

/// The tenant's running usage totals for the app, as its dashboard card shows them.
async fn usage_card(app: &TestApp, token: &str) -> serde_json::Value {
    let apps = app.get("/api/apps", token).await;
    apps.assert_status(200);
    apps.body["items"][0]["usage"].clone()
}

async fn a_wallet_that_pays_for_k_actions_serves_exactly_k_of_many_concurrent_ones(
    backend: Backend,
) {
    const K: i64 = 7;
    const CLIENTS: usize = 24;
    // 5 credits per project: room for exactly K, and 3 credits left that pay for nothing.
    let app = TestApp::spawn_with_apps(backend, vec![project_manager::app()], |c| {
        c.welcome_bonus_credits = 5 * K + 3;
        c.database_max_connections = 8;
    })
    .await;
    let user = app.register_user().await;
    // Several sessions of the same tenant, as several devices would be.
    let mut tokens = vec![user.access_token.clone()];
    for _ in 0..3 {
        tokens.push(app.login(&user).await.access_token);
    }
    let requests = (0..CLIENTS).map(|i| {
        let token = tokens[i % tokens.len()].clone();
        let app = &app;
        async move {
            app.post(
                &format!("{BASE}/projects"),
                &token,
                json!({ "name": format!("project {i}") }),
            )
            .await
        }
    });
    let responses: Vec<TestResponse> = join_all(requests).await;
    let created = responses.iter().filter(|r| r.status == 201).count() as i64;
    let refused = responses.iter().filter(|r| r.status == 402).count() as i64;
    for response in &responses {
        assert!(
            matches!(response.status, 201 | 402),
            "unexpected answer: {} {}",
            response.status,
            response.text
        );
    }
    assert_eq!(created, K, "exactly K actions fit in the wallet");
    assert_eq!(refused, CLIENTS as i64 - K);

    let wallet = app.wallet(user.personal_tenant_id).await;
    wallet.assert_consistent();
    assert_eq!(wallet.balance, 3);
    assert_eq!(
        wallet.ledger_rows,
        1 + K,
        "the bonus and one usage row per project"
    );
    let list = app
        .get(&format!("{BASE}/projects"), &user.access_token)
        .await;
    assert_eq!(list.body["items"].as_array().unwrap().len() as i64, K);
    let mut balances: Vec<i64> = responses
        .iter()
        .filter(|r| r.status == 201)
        .map(|r| r.body["creditBalance"].as_i64().unwrap())
        .collect();
    balances.sort_unstable();
    let expected: Vec<i64> = (0..K).map(|n| 3 + 5 * n).collect();
    assert_eq!(balances, expected, "each success saw its own balance");
    assert_eq!(
        usage_card(&app, &user.access_token).await,
        json!({ "actions": K, "creditsSpent": 5 * K }),
        "the running totals count each charged action once, and no refused one"
    );
}

async fn concurrent_retries_of_one_idempotency_key_charge_once(backend: Backend) {
    let app = TestApp::spawn_with_apps(backend, vec![project_manager::app()], |c| {
        c.database_max_connections = 8
    })
    .await;
    let user = app.register_user().await;
    let requests = (0..12).map(|_| {
        let request = app
            .request(Method::POST, &format!("{BASE}/projects"))
            .bearer_auth(&user.access_token)
            .header("idempotency-key", "the-same-key")
            .json(&json!({ "name": "Exactly once" }));
        async move { TestResponse::from(request.send().await.unwrap()).await }
    });
    let responses = join_all(requests).await;
    let first = responses
        .iter()
        .find(|r| r.status == 201)
        .expect("one request created the project");
    for response in &responses {
        // Every answer is the one response, replayed; none is a second charge or a server error.
        assert_eq!(response.status, 201, "{}", response.text);
        assert_eq!(response.body, first.body);
    }
    let wallet = app.wallet(user.personal_tenant_id).await;
    wallet.assert_consistent();
    assert_eq!(wallet.balance, 95, "charged once");
    let list = app
        .get(&format!("{BASE}/projects"), &user.access_token)
        .await;
    assert_eq!(list.body["items"].as_array().unwrap().len(), 1);
    assert_eq!(
        usage_card(&app, &user.access_token).await,
        json!({ "actions": 1, "creditsSpent": 5 }),
        "replays add nothing to the running totals"
    );
}
