//! The seed's per-app checklist: each metered action charges its price and answers the balance,
//! reads are free, a short wallet writes nothing, usage is recorded, a failure rolls everything
//! back, and the wrong caller gets 401, 403, 404 or 422 without a charge.

use lumiku_testkit::{Backend, TestResponse, backend_tests};
use reqwest::Method;
use serde_json::{Value, json};

use crate::{
    BASE, balance, cost, create_client, create_invoice, issue, sample_lines, save_profile, spawn,
    spawn_with_bonus, with_draft,
};

backend_tests!(
    each_priced_action_charges_its_price_and_answers_the_balance,
    reads_charge_nothing,
    a_short_wallet_gets_402_and_nothing_is_written,
    a_write_records_its_usage_and_ledger_entry,
    a_failure_after_the_debit_rolls_everything_back,
    requests_without_a_token_get_401,
    a_viewer_reads_but_cannot_write,
    another_tenants_ids_are_404_everywhere,
    invalid_fields_get_422_and_cost_nothing,
    a_retried_request_with_one_idempotency_key_charges_once,
);

fn invoice_id(body: &Value) -> String {
    body["invoice"]["id"].as_str().unwrap().to_owned()
}

async fn each_priced_action_charges_its_price_and_answers_the_balance(backend: Backend) {
    let app = spawn(backend).await;
    let user = app.register_user().await;
    save_profile(&app, &user).await;
    assert_eq!(
        balance(&app, &user).await,
        100,
        "saving the profile is free"
    );
    let mut expected = 100;

    let client = app
        .post(
            &format!("{BASE}/clients"),
            &user.access_token,
            json!({ "name": "PT Sinar Abadi" }),
        )
        .await;
    client.assert_status(201);
    expected -= cost("createClient");
    assert_eq!(client.body["creditUsed"], cost("createClient"));
    assert_eq!(client.body["creditBalance"], expected);
    let client = client.body["client"]["id"].as_str().unwrap().to_owned();

    let created = create_invoice(&app, &user, &client, sample_lines()).await;
    created.assert_status(201);
    expected -= cost("createInvoice");
    assert_eq!(created.body["creditUsed"], cost("createInvoice"));
    assert_eq!(created.body["creditBalance"], expected);
    let id = invoice_id(&created.body);

    let issued = issue(&app, &user, &id).await;
    issued.assert_status(200);
    expected -= cost("issueInvoice");
    assert_eq!(issued.body["creditUsed"], cost("issueInvoice"));
    assert_eq!(issued.body["creditBalance"], expected);

    let pdf = app
        .post(
            &format!("{BASE}/invoices/{id}/pdf"),
            &user.access_token,
            json!({}),
        )
        .await;
    pdf.assert_status(201);
    expected -= cost("generatePdf");
    assert_eq!(pdf.body["creditUsed"], cost("generatePdf"));
    assert_eq!(pdf.body["creditBalance"], expected);

    // Free actions answer their price, 0, and the balance.
    for (method, path) in [
        (Method::POST, format!("{BASE}/invoices/{id}/link")),
        (Method::POST, format!("{BASE}/invoices/{id}/pay")),
    ] {
        let free = app
            .call(method, &path, Some(&user.access_token), Some(json!({})))
            .await;
        free.assert_status(200);
        assert_eq!(free.body["creditUsed"], 0);
        assert_eq!(free.body["creditBalance"], expected);
    }
    assert_eq!(balance(&app, &user).await, expected);
    app.wallet(user.personal_tenant_id)
        .await
        .assert_consistent();
}

async fn reads_charge_nothing(backend: Backend) {
    let app = spawn(backend).await;
    let user = app.register_user().await;
    let (client, id) = with_draft(&app, &user).await;
    let before = app.wallet(user.personal_tenant_id).await;
    for path in [
        format!("{BASE}/profile"),
        format!("{BASE}/clients"),
        format!("{BASE}/clients/{client}"),
        format!("{BASE}/invoices"),
        format!("{BASE}/invoices/{id}"),
        format!("{BASE}/stats"),
    ] {
        let read = app.get(&path, &user.access_token).await;
        read.assert_status(200);
        assert!(read.body.get("creditUsed").is_none(), "{path}");
    }
    let quote = app
        .post(
            &format!("{BASE}/quote"),
            &user.access_token,
            json!({ "lines": sample_lines() }),
        )
        .await;
    quote.assert_status(200);
    assert_eq!(quote.body["totals"]["total"], 1_154_550);
    assert_eq!(app.wallet(user.personal_tenant_id).await, before);
}

async fn a_short_wallet_gets_402_and_nothing_is_written(backend: Backend) {
    let price = cost("createClient") + cost("createInvoice") - 1;
    let app = spawn_with_bonus(backend, price).await;
    let user = app.register_user().await;
    save_profile(&app, &user).await;
    let client = create_client(&app, &user, "PT Sinar Abadi").await;
    let before = app.wallet(user.personal_tenant_id).await;
    let refused = create_invoice(&app, &user, &client, sample_lines()).await;
    refused.assert_error(402, "insufficient_credits");
    assert_eq!(refused.body["error"]["required"], cost("createInvoice"));
    assert_eq!(refused.body["error"]["current"], cost("createInvoice") - 1);
    assert_eq!(app.wallet(user.personal_tenant_id).await, before);
    let list = app
        .get(&format!("{BASE}/invoices"), &user.access_token)
        .await;
    assert_eq!(list.body["items"], json!([]));
}

async fn a_write_records_its_usage_and_ledger_entry(backend: Backend) {
    let app = spawn(backend).await;
    let user = app.register_user().await;
    let (_, id) = with_draft(&app, &user).await;
    issue(&app, &user, &id).await.assert_status(200);

    let usage = app.get("/api/credits/usage", &user.access_token).await;
    let mut totals = usage.body["totals"].as_array().unwrap().clone();
    totals.sort_by_key(|t| t["action"].as_str().unwrap().to_owned());
    assert_eq!(
        Value::Array(totals),
        json!([
            { "appId": "invoice-generator", "action": "createClient", "count": 1, "credits": cost("createClient") },
            { "appId": "invoice-generator", "action": "createInvoice", "count": 1, "credits": cost("createInvoice") },
            { "appId": "invoice-generator", "action": "issueInvoice", "count": 1, "credits": cost("issueInvoice") },
            { "appId": "invoice-generator", "action": "updateProfile", "count": 1, "credits": 0 },
        ])
    );
    let history = app.get("/api/credits/history", &user.access_token).await;
    let newest = &history.body["items"][0];
    assert_eq!(newest["kind"], "usage");
    assert_eq!(newest["amountCredits"], -cost("issueInvoice"));
    assert_eq!(newest["referenceType"], "app_usage");
    assert_eq!(newest["description"], "invoice-generator: issueInvoice");
    let spent = cost("createClient") + cost("createInvoice") + cost("issueInvoice");
    assert_eq!(newest["balanceAfterCredits"], 100 - spent);
}

async fn a_failure_after_the_debit_rolls_everything_back(backend: Backend) {
    let app = spawn(backend).await;
    let user = app.register_user().await;
    let (client, id) = with_draft(&app, &user).await;
    // Make the usage's ledger row, written after the debit, the app's writes and the usage row,
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
    let failed = create_invoice(&app, &user, &client, sample_lines()).await;
    failed.assert_error(500, "internal_error");
    assert!(!failed.text.contains("injected"), "{}", failed.text);
    let failed_issue = issue(&app, &user, &id).await;
    failed_issue.assert_error(500, "internal_error");
    assert_eq!(app.wallet(user.personal_tenant_id).await, before);
    let list = app
        .get(&format!("{BASE}/invoices"), &user.access_token)
        .await;
    let items = list.body["items"].as_array().unwrap();
    assert_eq!(items.len(), 1, "the insert was not rolled back");
    assert_eq!(items[0]["status"], "draft", "the issue was not rolled back");
    assert_eq!(items[0]["number"], Value::Null);
    match backend {
        Backend::Sqlite => app.execute_sql("drop trigger fail_usage").await,
        Backend::Postgres => {
            app.execute_sql("drop trigger fail_usage on ledger_entries")
                .await
        }
    }
    // The number the failed issue took was given back.
    let issued = issue(&app, &user, &id).await;
    issued.assert_status(200);
    assert!(
        issued.body["invoice"]["number"]
            .as_str()
            .unwrap()
            .ends_with("-0001"),
        "{}",
        issued.text
    );
}

async fn requests_without_a_token_get_401(backend: Backend) {
    let app = spawn(backend).await;
    for (method, path) in [
        (Method::GET, "/invoices"),
        (Method::POST, "/invoices"),
        (Method::GET, "/clients"),
        (Method::POST, "/clients"),
        (Method::PUT, "/profile"),
    ] {
        let response = app
            .call(method, &format!("{BASE}{path}"), None, Some(json!({})))
            .await;
        response.assert_error(401, "missing_token");
    }
    app.call(
        Method::GET,
        &format!("{BASE}/invoices"),
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
    as_viewer(Method::GET, "/invoices", None)
        .await
        .assert_status(200);
    let team_wallet = app.wallet(team.parse().unwrap()).await;
    for (method, path) in [
        (Method::POST, "/clients"),
        (Method::POST, "/invoices"),
        (Method::PUT, "/profile"),
        (Method::PUT, "/profile/logo"),
    ] {
        as_viewer(method, path, Some(json!({ "name": "Nope" })))
            .await
            .assert_error(403, "forbidden");
    }
    assert_eq!(app.wallet(team.parse().unwrap()).await, team_wallet);
}

async fn another_tenants_ids_are_404_everywhere(backend: Backend) {
    let app = spawn(backend).await;
    let ana = app.register_user().await;
    let budi = app.register_user().await;
    let (client, id) = with_draft(&app, &ana).await;
    let (_, issued) = {
        let created = create_invoice(&app, &ana, &client, sample_lines()).await;
        let issued = created.body["invoice"]["id"].as_str().unwrap().to_owned();
        (issue(&app, &ana, &issued).await, issued)
    };
    save_profile(&app, &budi).await;
    let budi_client = create_client(&app, &budi, "Budi's client").await;
    let budi_before = app.wallet(budi.personal_tenant_id).await;
    let body = json!({ "clientId": budi_client, "lines": sample_lines(), "name": "x" });
    let attempts = [
        (Method::GET, format!("/clients/{client}")),
        (Method::PUT, format!("/clients/{client}")),
        (Method::DELETE, format!("/clients/{client}")),
        (Method::GET, format!("/invoices/{id}")),
        (Method::PUT, format!("/invoices/{id}")),
        (Method::DELETE, format!("/invoices/{id}")),
        (Method::POST, format!("/invoices/{id}/issue")),
        (Method::POST, format!("/invoices/{issued}/pay")),
        (Method::POST, format!("/invoices/{issued}/void")),
        (Method::GET, format!("/invoices/{issued}/pdf")),
        (Method::POST, format!("/invoices/{issued}/pdf")),
        (Method::POST, format!("/invoices/{issued}/link")),
        (Method::DELETE, format!("/invoices/{issued}/link")),
    ];
    for (method, path) in attempts {
        let response = app
            .call(
                method.clone(),
                &format!("{BASE}{path}"),
                Some(&budi.access_token),
                Some(body.clone()),
            )
            .await;
        assert_eq!(response.status, 404, "{method} {path}: {}", response.text);
    }
    // Billing another tenant's client is 404 too, and charges nothing.
    let foreign = create_invoice(&app, &budi, &client, sample_lines()).await;
    foreign.assert_error(404, "not_found");
    assert_eq!(app.wallet(budi.personal_tenant_id).await, budi_before);
    let theirs = app
        .get(&format!("{BASE}/invoices"), &budi.access_token)
        .await;
    assert_eq!(theirs.body["items"], json!([]));
    let clients = app
        .get(&format!("{BASE}/clients"), &budi.access_token)
        .await;
    assert_eq!(clients.body["items"].as_array().unwrap().len(), 1);
    // Ana's are untouched.
    let still = app
        .get(&format!("{BASE}/invoices/{issued}"), &ana.access_token)
        .await;
    assert_eq!(still.body["invoice"]["status"], "sent");
}

async fn invalid_fields_get_422_and_cost_nothing(backend: Backend) {
    let app = spawn(backend).await;
    let user = app.register_user().await;
    save_profile(&app, &user).await;
    let client = create_client(&app, &user, "PT Sinar Abadi").await;
    let before = app.wallet(user.personal_tenant_id).await;
    let line = |extra: Value| {
        let mut line = json!({ "description": "Work", "quantity": 1, "unitPrice": 1000 });
        line.as_object_mut()
            .unwrap()
            .extend(extra.as_object().unwrap().clone());
        line
    };
    let cases = [
        (json!({ "lines": [line(json!({}))] }), "clientId"),
        (json!({ "clientId": client, "lines": [] }), "lines"),
        (
            json!({ "clientId": client, "lines": [line(json!({ "description": " " }))] }),
            "lines[0].description",
        ),
        (
            json!({ "clientId": client, "lines": [line(json!({ "quantity": "1.2345" }))] }),
            "",
        ),
        (
            json!({ "clientId": client, "lines": [line(json!({ "unitPrice": -1 }))] }),
            "lines[0].unitPrice",
        ),
        (
            json!({ "clientId": client, "lines": [line(json!({ "taxBasisPoints": 10001 }))] }),
            "lines[0].taxBasisPoints",
        ),
        (
            json!({ "clientId": client, "lines": [line(json!({ "discountAmount": 1001 }))] }),
            "lines[0].discountAmount",
        ),
        (
            json!({ "clientId": client, "lines": [line(json!({ "discountAmount": 5, "discountBasisPoints": 5 }))] }),
            "lines[0].discountAmount",
        ),
        (
            json!({ "clientId": client, "currency": "XYZ", "lines": [line(json!({}))] }),
            "currency",
        ),
        (
            json!({ "clientId": client, "issueDate": "2026-03-09", "dueDate": "2026-03-01", "lines": [line(json!({}))] }),
            "dueDate",
        ),
        (
            json!({ "clientId": client, "issueDate": "09/03/2026", "lines": [line(json!({}))] }),
            "issueDate",
        ),
    ];
    for (body, field) in cases {
        let response = app
            .post(&format!("{BASE}/invoices"), &user.access_token, body)
            .await;
        assert_eq!(response.status, 422, "{}", response.text);
        if !field.is_empty() {
            assert!(
                response.body["error"]["fields"][field].is_array(),
                "{field}: {}",
                response.text
            );
        }
    }
    for (body, field) in [
        (json!({ "name": "" }), "name"),
        (json!({ "name": "x", "email": "not-an-address" }), "email"),
    ] {
        let response = app
            .post(&format!("{BASE}/clients"), &user.access_token, body)
            .await;
        assert_eq!(response.status, 422, "{}", response.text);
        assert!(response.body["error"]["fields"][field].is_array());
    }
    let bad_format = app
        .put(
            &format!("{BASE}/profile"),
            &user.access_token,
            json!({ "businessName": "x", "numberFormat": "INV-{YYYY}" }),
        )
        .await;
    bad_format.assert_status(422);
    assert!(bad_format.body["error"]["fields"]["numberFormat"].is_array());
    assert_eq!(app.wallet(user.personal_tenant_id).await, before);
    let list = app
        .get(&format!("{BASE}/invoices"), &user.access_token)
        .await;
    assert_eq!(list.body["items"], json!([]));
}

async fn a_retried_request_with_one_idempotency_key_charges_once(backend: Backend) {
    let app = spawn(backend).await;
    let user = app.register_user().await;
    save_profile(&app, &user).await;
    let client = create_client(&app, &user, "PT Sinar Abadi").await;
    let after_client = balance(&app, &user).await;
    let send = |key: &str, description: &str| {
        let request = app
            .request(Method::POST, &format!("{BASE}/invoices"))
            .bearer_auth(&user.access_token)
            .header("idempotency-key", key)
            .json(&json!({ "clientId": client, "lines": [
                { "description": description, "quantity": 1, "unitPrice": 5000 }
            ] }));
        async move { TestResponse::from(request.send().await.unwrap()).await }
    };
    let first = send("key-1", "Once").await;
    first.assert_status(201);
    let retry = send("key-1", "Once").await;
    retry.assert_status(201);
    assert_eq!(retry.body, first.body, "a retry answers the first result");
    assert_eq!(retry.headers["idempotent-replayed"], "true");
    assert_eq!(
        balance(&app, &user).await,
        after_client - cost("createInvoice")
    );
    send("key-1", "Something else")
        .await
        .assert_error(422, "idempotency_key_reused");
    // Issuing and generating a PDF replay too.
    let id = invoice_id(&first.body);
    let post = |path: String| {
        let request = app
            .request(Method::POST, &format!("{BASE}{path}"))
            .bearer_auth(&user.access_token)
            .header("idempotency-key", format!("key{path}"));
        async move { TestResponse::from(request.send().await.unwrap()).await }
    };
    for path in [
        format!("/invoices/{id}/issue"),
        format!("/invoices/{id}/pdf"),
    ] {
        let first = post(path.clone()).await;
        assert!(first.status < 300, "{}", first.text);
        let again = post(path).await;
        assert_eq!(again.body, first.body);
        assert_eq!(again.headers["idempotent-replayed"], "true");
    }
    assert_eq!(
        balance(&app, &user).await,
        after_client - cost("createInvoice") - cost("issueInvoice") - cost("generatePdf")
    );
    let list = app
        .get(&format!("{BASE}/invoices"), &user.access_token)
        .await;
    assert_eq!(list.body["items"].as_array().unwrap().len(), 1);
}
