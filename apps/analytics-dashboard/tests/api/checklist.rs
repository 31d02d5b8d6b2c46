//! The seed's per-app checklist: each metered action charges its price and answers the balance,
//! reads are free, a short wallet writes nothing, usage is recorded, a failure rolls everything
//! back, and the wrong caller gets 401, 403, 404 or 422 without a charge.

use lumiku_testkit::{Backend, TestResponse, backend_tests};
use reqwest::Method;
use serde_json::{Value, json};

use crate::{BASE, balance, cost, create_report, export, spawn, spawn_with_bonus};

backend_tests!(
    each_priced_action_charges_its_price_and_answers_the_balance,
    viewing_charges_nothing,
    a_short_wallet_gets_402_and_nothing_is_written,
    a_write_records_its_usage_and_ledger_entry,
    a_failure_after_the_debit_rolls_everything_back,
    requests_without_a_token_get_401,
    a_viewer_reads_but_cannot_write,
    another_tenants_reports_and_exports_are_404,
    invalid_input_gets_422_and_costs_nothing,
    a_retried_request_with_one_idempotency_key_charges_once,
);

async fn each_priced_action_charges_its_price_and_answers_the_balance(backend: Backend) {
    let app = spawn(backend).await;
    let user = app.register_user().await;
    let report = create_report(&app, &user, "Weekly").await;
    report.assert_status(201);
    assert_eq!(report.body["creditUsed"], cost("createReport"));
    assert_eq!(report.body["creditBalance"], 100 - cost("createReport"));
    assert_eq!(report.body["report"]["name"], "Weekly");
    let exported = export(&app, &user, "spend").await;
    exported.assert_status(201);
    assert_eq!(exported.body["creditUsed"], cost("exportCsv"));
    let expected = 100 - cost("createReport") - cost("exportCsv");
    assert_eq!(exported.body["creditBalance"], expected);
    assert_eq!(balance(&app, &user).await, expected);
    app.wallet(user.personal_tenant_id)
        .await
        .assert_consistent();
}

async fn viewing_charges_nothing(backend: Backend) {
    let app = spawn(backend).await;
    let user = app.register_user().await;
    let id = create_report(&app, &user, "Weekly").await.body["report"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let exported = export(&app, &user, "apps").await;
    let path = exported.body["path"].as_str().unwrap().to_owned();
    let before = app.wallet(user.personal_tenant_id).await;
    for path in [
        format!("{BASE}/summary"),
        format!("{BASE}/summary?bucket=month"),
        format!("{BASE}/reports"),
        format!("{BASE}/reports/{id}"),
        format!("{BASE}/stats"),
    ] {
        let read = app.get(&path, &user.access_token).await;
        read.assert_status(200);
        assert!(read.body.get("creditUsed").is_none(), "{path}");
    }
    for path in [format!("{BASE}/charts/spend"), path] {
        let response = app
            .request(Method::GET, &path)
            .bearer_auth(&user.access_token)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 200, "{path}");
    }
    assert_eq!(app.wallet(user.personal_tenant_id).await, before);
}

async fn a_short_wallet_gets_402_and_nothing_is_written(backend: Backend) {
    let app = spawn_with_bonus(backend, cost("exportCsv") - 1).await;
    let user = app.register_user().await;
    let before = app.wallet(user.personal_tenant_id).await;
    let refused = export(&app, &user, "spend").await;
    refused.assert_error(402, "insufficient_credits");
    assert_eq!(refused.body["error"]["required"], cost("exportCsv"));
    assert_eq!(refused.body["error"]["current"], cost("exportCsv") - 1);
    create_report(&app, &user, "Too dear")
        .await
        .assert_error(402, "insufficient_credits");
    assert_eq!(app.wallet(user.personal_tenant_id).await, before);
    let reports = app
        .get(&format!("{BASE}/reports"), &user.access_token)
        .await;
    assert_eq!(reports.body["items"], json!([]));
}

async fn a_write_records_its_usage_and_ledger_entry(backend: Backend) {
    let app = spawn(backend).await;
    let user = app.register_user().await;
    create_report(&app, &user, "One").await.assert_status(201);
    export(&app, &user, "people").await.assert_status(201);
    let usage = app.get("/api/credits/usage", &user.access_token).await;
    let mut totals = usage.body["totals"].as_array().unwrap().clone();
    totals.sort_by_key(|t| t["action"].as_str().unwrap().to_owned());
    assert_eq!(
        Value::Array(totals),
        json!([
            { "appId": "analytics-dashboard", "action": "createReport", "count": 1, "credits": cost("createReport") },
            { "appId": "analytics-dashboard", "action": "exportCsv", "count": 1, "credits": cost("exportCsv") },
        ])
    );
    let history = app.get("/api/credits/history", &user.access_token).await;
    let newest = &history.body["items"][0];
    assert_eq!(newest["description"], "analytics-dashboard: exportCsv");
    assert_eq!(newest["amountCredits"], -cost("exportCsv"));
}

async fn a_failure_after_the_debit_rolls_everything_back(backend: Backend) {
    let app = spawn(backend).await;
    let user = app.register_user().await;
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
    let failed = create_report(&app, &user, "Doomed").await;
    failed.assert_error(500, "internal_error");
    assert!(!failed.text.contains("injected"));
    export(&app, &user, "spend")
        .await
        .assert_error(500, "internal_error");
    assert_eq!(app.wallet(user.personal_tenant_id).await, before);
    let reports = app
        .get(&format!("{BASE}/reports"), &user.access_token)
        .await;
    assert_eq!(reports.body["items"], json!([]));
}

async fn requests_without_a_token_get_401(backend: Backend) {
    let app = spawn(backend).await;
    for (method, path) in [
        (Method::GET, "/summary"),
        (Method::GET, "/charts/spend"),
        (Method::POST, "/exports"),
        (Method::POST, "/reports"),
    ] {
        app.call(method, &format!("{BASE}{path}"), None, Some(json!({})))
            .await
            .assert_error(401, "missing_token");
    }
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
    let as_viewer = |method: Method, path: &str, body: Option<Value>| {
        let mut request = app
            .request(method, &format!("{BASE}{path}"))
            .bearer_auth(&viewer.access_token)
            .header("x-tenant-id", team.as_str());
        if let Some(body) = body {
            request = request.json(&body);
        }
        async move { TestResponse::from(request.send().await.unwrap()).await }
    };
    as_viewer(Method::GET, "/summary", None)
        .await
        .assert_status(200);
    let wallet = app.wallet(team.parse().unwrap()).await;
    as_viewer(
        Method::POST,
        "/reports",
        Some(json!({ "name": "x", "lastDays": 7 })),
    )
    .await
    .assert_error(403, "forbidden");
    as_viewer(Method::POST, "/exports", Some(json!({ "chart": "spend" })))
        .await
        .assert_error(403, "forbidden");
    assert_eq!(app.wallet(team.parse().unwrap()).await, wallet);
}

async fn another_tenants_reports_and_exports_are_404(backend: Backend) {
    let app = spawn(backend).await;
    let ana = app.register_user().await;
    let budi = app.register_user().await;
    let report = create_report(&app, &ana, "Ana's").await.body["report"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let exported = export(&app, &ana, "spend").await;
    let path = exported.body["path"].as_str().unwrap().to_owned();
    let before = app.wallet(budi.personal_tenant_id).await;
    app.get(&format!("{BASE}/reports/{report}"), &budi.access_token)
        .await
        .assert_error(404, "not_found");
    app.delete(&format!("{BASE}/reports/{report}"), &budi.access_token)
        .await
        .assert_error(404, "not_found");
    app.get(&path, &budi.access_token)
        .await
        .assert_error(404, "not_found");
    assert_eq!(app.wallet(budi.personal_tenant_id).await, before);
    // Budi's figures are Budi's: nothing spent yet.
    let theirs = app
        .get(&format!("{BASE}/summary"), &budi.access_token)
        .await;
    assert_eq!(theirs.body["totals"]["credits"], 0);
    assert_eq!(theirs.body["byApp"], json!([]));
    let mine = app.get(&format!("{BASE}/summary"), &ana.access_token).await;
    assert_eq!(
        mine.body["totals"]["credits"],
        cost("createReport") + cost("exportCsv")
    );
}

async fn invalid_input_gets_422_and_costs_nothing(backend: Backend) {
    let app = spawn(backend).await;
    let user = app.register_user().await;
    let before = app.wallet(user.personal_tenant_id).await;
    for (query, field) in [
        ("from=2026-03-10&to=2026-03-01", "from"),
        ("from=yesterday", "from"),
        ("to=2026-13-01", "to"),
        ("from=2020-01-01&to=2026-01-01", "from"),
    ] {
        let response = app
            .get(&format!("{BASE}/summary?{query}"), &user.access_token)
            .await;
        assert_eq!(response.status, 422, "{query}: {}", response.text);
        assert!(
            response.body["error"]["fields"][field].is_array(),
            "{query}"
        );
    }
    app.get(&format!("{BASE}/summary?bucket=year"), &user.access_token)
        .await
        .assert_status(400);
    app.get(&format!("{BASE}/charts/pie"), &user.access_token)
        .await
        .assert_error(404, "not_found");
    for (body, field) in [
        (json!({ "name": "", "lastDays": 7 }), "name"),
        (json!({ "name": "x", "lastDays": 0 }), "lastDays"),
        (json!({ "name": "x" }), "lastDays"),
        (
            json!({ "name": "x", "lastDays": 7, "from": "2026-01-01", "to": "2026-01-31" }),
            "lastDays",
        ),
        (json!({ "name": "x", "from": "2026-01-01" }), "to"),
    ] {
        let response = app
            .post(&format!("{BASE}/reports"), &user.access_token, body)
            .await;
        assert_eq!(response.status, 422, "{}", response.text);
        assert!(
            response.body["error"]["fields"][field].is_array(),
            "{}",
            response.text
        );
    }
    for body in [
        json!({}),
        json!({ "chart": "spend", "from": "2026-02-01", "to": "2026-01-01" }),
    ] {
        let response = app
            .post(&format!("{BASE}/exports"), &user.access_token, body)
            .await;
        assert_eq!(response.status, 422, "{}", response.text);
    }
    app.post(
        &format!("{BASE}/exports"),
        &user.access_token,
        json!({ "chart": "pie" }),
    )
    .await
    .assert_error(422, "invalid_body");
    assert_eq!(app.wallet(user.personal_tenant_id).await, before);
}

async fn a_retried_request_with_one_idempotency_key_charges_once(backend: Backend) {
    let app = spawn(backend).await;
    let user = app.register_user().await;
    let send = |path: &'static str, key: &'static str, body: Value| {
        let request = app
            .request(Method::POST, &format!("{BASE}{path}"))
            .bearer_auth(&user.access_token)
            .header("idempotency-key", key)
            .json(&body);
        async move { TestResponse::from(request.send().await.unwrap()).await }
    };
    let body = json!({ "name": "Once", "lastDays": 7 });
    let first = send("/reports", "r-1", body.clone()).await;
    first.assert_status(201);
    let again = send("/reports", "r-1", body).await;
    assert_eq!(again.body, first.body);
    assert_eq!(again.headers["idempotent-replayed"], "true");
    let export = json!({ "chart": "spend", "from": "2026-01-01", "to": "2026-01-31" });
    let first = send("/exports", "e-1", export.clone()).await;
    first.assert_status(201);
    let again = send("/exports", "e-1", export).await;
    assert_eq!(again.body, first.body);
    assert_eq!(
        balance(&app, &user).await,
        100 - cost("createReport") - cost("exportCsv")
    );
    let reports = app
        .get(&format!("{BASE}/reports"), &user.access_token)
        .await;
    assert_eq!(reports.body["items"].as_array().unwrap().len(), 1);
}
