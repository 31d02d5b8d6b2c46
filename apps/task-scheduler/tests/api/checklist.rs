//! The seed's per-app checklist: each metered action charges its price and answers the balance,
//! reads are free, a short wallet writes nothing, usage is recorded, a failure rolls everything
//! back, and the wrong caller gets 401, 403, 404 or 422 without a charge.

use lumiku_testkit::{Backend, TestResponse, backend_tests};
use reqwest::Method;
use serde_json::{Value, json};

use crate::{BASE, balance, cost, create_task, spawn, spawn_with_bonus, task_body};

backend_tests!(
    adding_an_item_charges_its_price_and_answers_the_balance,
    reads_charge_nothing,
    a_short_wallet_gets_402_and_nothing_is_written,
    a_write_records_its_usage_and_ledger_entry,
    a_failure_after_the_debit_rolls_everything_back,
    requests_without_a_token_get_401,
    a_viewer_reads_but_cannot_write,
    another_tenants_item_is_404,
    invalid_fields_get_422_and_cost_nothing,
    a_retried_request_with_one_idempotency_key_charges_once,
);

fn task_id(body: &Value) -> String {
    body["task"]["id"].as_str().unwrap().to_owned()
}

async fn adding_an_item_charges_its_price_and_answers_the_balance(backend: Backend) {
    let app = spawn(backend).await;
    let user = app.register_user().await;
    assert_eq!(balance(&app, &user).await, 100, "the welcome bonus");
    let mut expected = 100;
    for title in ["First", "Second"] {
        let created = create_task(&app, &user, title).await;
        created.assert_status(201);
        expected -= cost();
        assert_eq!(created.body["creditUsed"], cost());
        assert_eq!(created.body["creditBalance"], expected);
        assert_eq!(created.body["task"]["name"], title);
    }
    assert_eq!(balance(&app, &user).await, expected);
    app.wallet(user.personal_tenant_id)
        .await
        .assert_consistent();
}

async fn reads_charge_nothing(backend: Backend) {
    let app = spawn(backend).await;
    let user = app.register_user().await;
    let created = create_task(&app, &user, "Read me").await;
    let id = task_id(&created.body);
    let before = app.wallet(user.personal_tenant_id).await;

    let list = app.get(&format!("{BASE}/tasks"), &user.access_token).await;
    list.assert_status(200);
    assert_eq!(list.body["items"][0]["name"], "Read me");
    assert!(list.body.get("creditUsed").is_none());
    let one = app
        .get(&format!("{BASE}/tasks/{id}"), &user.access_token)
        .await;
    one.assert_status(200);
    assert_eq!(one.body["task"], created.body["task"]);
    assert_eq!(app.wallet(user.personal_tenant_id).await, before);
}

async fn a_short_wallet_gets_402_and_nothing_is_written(backend: Backend) {
    let app = spawn_with_bonus(backend, cost() - 1).await;
    let user = app.register_user().await;
    let before = app.wallet(user.personal_tenant_id).await;
    let refused = create_task(&app, &user, "Too expensive").await;
    refused.assert_error(402, "insufficient_credits");
    assert_eq!(refused.body["error"]["required"], cost());
    assert_eq!(refused.body["error"]["current"], cost() - 1);
    assert_eq!(app.wallet(user.personal_tenant_id).await, before);
    let list = app.get(&format!("{BASE}/tasks"), &user.access_token).await;
    assert_eq!(list.body["items"], json!([]));
    let usage = app.get("/api/credits/usage", &user.access_token).await;
    assert_eq!(usage.body["totals"], json!([]));
}

async fn a_write_records_its_usage_and_ledger_entry(backend: Backend) {
    let app = spawn(backend).await;
    let user = app.register_user().await;
    create_task(&app, &user, "Counted").await.assert_status(201);
    create_task(&app, &user, "Counted too")
        .await
        .assert_status(201);

    let usage = app.get("/api/credits/usage", &user.access_token).await;
    assert_eq!(
        usage.body["totals"],
        json!([{ "appId": "task-scheduler", "action": "createTask", "count": 2, "credits": 2 * cost() }])
    );
    let history = app.get("/api/credits/history", &user.access_token).await;
    let newest = &history.body["items"][0];
    assert_eq!(newest["kind"], "usage");
    assert_eq!(newest["amountCredits"], -cost());
    assert_eq!(newest["balanceAfterCredits"], 100 - 2 * cost());
    assert_eq!(newest["referenceType"], "app_usage");
    assert_eq!(newest["description"], "task-scheduler: createTask");
    let apps = app.get("/api/apps", &user.access_token).await;
    let card = &apps.body["items"][0];
    assert_eq!(card["appId"], "task-scheduler");
    assert_eq!(
        card["usage"],
        json!({ "actions": 2, "creditsSpent": 2 * cost() })
    );
}

async fn a_failure_after_the_debit_rolls_everything_back(backend: Backend) {
    let app = spawn(backend).await;
    let user = app.register_user().await;
    create_task(&app, &user, "Kept").await.assert_status(201);
    // Make the usage's ledger row, written after the debit, the app's insert and the usage row,
    // fail.
    match backend {
        Backend::Sqlite => {
            app.execute_sql(
                "create trigger fail_usage before insert on ledger_entries when new.kind = 'usage' \
                 begin select raise(abort, 'injected failure'); end;",
            )
            .await
        }
        Backend::Postgres => {
            app.execute_sql(
                "create function fail_usage() returns trigger language plpgsql as \
                 $$ begin raise exception 'injected failure'; end $$; \
                 create trigger fail_usage before insert on ledger_entries for each row \
                 when (new.kind = 'usage') execute function fail_usage();",
            )
            .await
        }
    }
    let before = app.wallet(user.personal_tenant_id).await;
    let usage_before =
        app.get("/api/credits/usage", &user.access_token).await.body["totals"].clone();

    let failed = create_task(&app, &user, "Doomed").await;
    failed.assert_error(500, "internal_error");
    assert!(
        !failed.text.contains("injected"),
        "internal detail leaked: {}",
        failed.text
    );
    assert_eq!(
        app.wallet(user.personal_tenant_id).await,
        before,
        "the debit was not rolled back"
    );
    let list = app.get(&format!("{BASE}/tasks"), &user.access_token).await;
    let titles: Vec<&str> = list.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["name"].as_str().unwrap())
        .collect();
    assert_eq!(titles, ["Kept"], "the app's insert was not rolled back");
    assert_eq!(
        app.get("/api/credits/usage", &user.access_token).await.body["totals"],
        usage_before,
        "the usage row was not rolled back"
    );
    app.wallet(user.personal_tenant_id)
        .await
        .assert_consistent();
}

async fn requests_without_a_token_get_401(backend: Backend) {
    let app = spawn(backend).await;
    for method in [Method::GET, Method::POST] {
        let response = app
            .call(
                method.clone(),
                &format!("{BASE}/tasks"),
                None,
                Some(task_body("x")),
            )
            .await;
        response.assert_error(401, "missing_token");
    }
    app.call(
        Method::GET,
        &format!("{BASE}/tasks"),
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
    let team = app
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
    app.post(
        &format!("/api/tenants/{team}/members"),
        &owner.access_token,
        json!({ "email": viewer.email, "role": "viewer" }),
    )
    .await
    .assert_status(201);
    let as_viewer = |method: Method, body: Option<Value>| {
        let mut request = app
            .request(method, &format!("{BASE}/tasks"))
            .bearer_auth(&viewer.access_token)
            .header("x-tenant-id", team.as_str());
        if let Some(body) = body {
            request = request.json(&body);
        }
        async move { TestResponse::from(request.send().await.unwrap()).await }
    };
    as_viewer(Method::GET, None).await.assert_status(200);
    let team_wallet = app.wallet(team.parse().unwrap()).await;
    as_viewer(Method::POST, Some(task_body("Nope")))
        .await
        .assert_error(403, "forbidden");
    assert_eq!(app.wallet(team.parse().unwrap()).await, team_wallet);
    // In their own personal tenant the same person writes.
    create_task(&app, &viewer, "Mine").await.assert_status(201);
}

async fn another_tenants_item_is_404(backend: Backend) {
    let app = spawn(backend).await;
    let ana = app.register_user().await;
    let budi = app.register_user().await;
    let id = task_id(&create_task(&app, &ana, "Ana's").await.body);
    let budi_before = app.wallet(budi.personal_tenant_id).await;
    app.get(&format!("{BASE}/tasks/{id}"), &budi.access_token)
        .await
        .assert_error(404, "not_found");
    let theirs = app.get(&format!("{BASE}/tasks"), &budi.access_token).await;
    assert_eq!(theirs.body["items"], json!([]));
    assert_eq!(app.wallet(budi.personal_tenant_id).await, budi_before);
    let still = app
        .get(&format!("{BASE}/tasks/{id}"), &ana.access_token)
        .await;
    assert_eq!(still.body["task"]["name"], "Ana's");
}

async fn invalid_fields_get_422_and_cost_nothing(backend: Backend) {
    let app = spawn(backend).await;
    let user = app.register_user().await;
    let before = app.wallet(user.personal_tenant_id).await;
    let with = |pointer: &str, value: Value| {
        let mut body = task_body("Task");
        *body.pointer_mut(pointer).unwrap() = value;
        body
    };
    let cases = [
        (with("/name", json!("")), "name"),
        (with("/name", json!("   ")), "name"),
        (with("/name", json!("x".repeat(201))), "name"),
        (
            with("/schedule/expression", json!("0 9 * *")),
            "schedule.expression",
        ),
        (
            with("/schedule/expression", json!("61 * * * *")),
            "schedule.expression",
        ),
        (
            with("/schedule/expression", json!("*/30 * * * * *")),
            "schedule.expression",
        ),
        (
            with("/schedule/timeZone", json!("Asia/Jakart")),
            "schedule.timeZone",
        ),
        (
            with("/action/url", json!("ftp://example.com/")),
            "action.url",
        ),
        (
            with("/action/url", json!("http://127.0.0.1:9/")),
            "action.url",
        ),
        (
            with("/action/url", json!("http://169.254.169.254/latest")),
            "action.url",
        ),
        (
            with("/action/url", json!("http://localhost/")),
            "action.url",
        ),
        (with("/action/method", json!("TRACE")), "action.method"),
        (
            with(
                "/action",
                json!({ "type": "reminder", "message": "hi", "recipients": [uuid::Uuid::nil()] }),
            ),
            "action.recipients",
        ),
        (
            with(
                "/schedule",
                json!({ "type": "once", "at": "2020-01-01T00:00:00Z" }),
            ),
            "schedule.at",
        ),
    ];
    for (body, field) in cases {
        let response = app
            .post(&format!("{BASE}/tasks"), &user.access_token, body)
            .await;
        assert_eq!(response.status, 422, "{}", response.text);
        assert!(
            response.body["error"]["fields"][field].is_array(),
            "{}",
            response.text
        );
    }
    app.post(
        &format!("{BASE}/tasks"),
        &user.access_token,
        json!({ "name": 7 }),
    )
    .await
    .assert_error(422, "invalid_body");
    assert_eq!(app.wallet(user.personal_tenant_id).await, before);
    let list = app.get(&format!("{BASE}/tasks"), &user.access_token).await;
    assert_eq!(list.body["items"], json!([]));
}

async fn a_retried_request_with_one_idempotency_key_charges_once(backend: Backend) {
    let app = spawn(backend).await;
    let user = app.register_user().await;
    let send = |key: &str, title: &str| {
        let request = app
            .request(Method::POST, &format!("{BASE}/tasks"))
            .bearer_auth(&user.access_token)
            .header("idempotency-key", key)
            .json(&task_body(title));
        async move { TestResponse::from(request.send().await.unwrap()).await }
    };
    let first = send("key-1", "Once").await;
    first.assert_status(201);
    let retry = send("key-1", "Once").await;
    retry.assert_status(201);
    assert_eq!(retry.body, first.body, "a retry answers the first result");
    assert_eq!(retry.headers["idempotent-replayed"], "true");
    assert_eq!(balance(&app, &user).await, 100 - cost());
    let list = app.get(&format!("{BASE}/tasks"), &user.access_token).await;
    assert_eq!(list.body["items"].as_array().unwrap().len(), 1);

    send("key-1", "Something else")
        .await
        .assert_error(422, "idempotency_key_reused");
    assert_eq!(balance(&app, &user).await, 100 - cost());
    send("", "x")
        .await
        .assert_error(400, "invalid_idempotency_key");
}
