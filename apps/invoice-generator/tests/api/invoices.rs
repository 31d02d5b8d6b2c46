//! Invoices: their figures against hand-computed cases, numbering without gaps under concurrent
//! issues, formats and series, the statuses and the scheduled overdue check, drafts and clients.

use lumiku_testkit::{Backend, TestApp, TestUser, backend_tests};
use serde_json::{Value, json};

use crate::{
    BASE, balance, cost, create_client, create_invoice, eventually, issue, sample_lines,
    save_profile, spawn, spawn_with_bonus, with_draft,
};

backend_tests!(
    totals_match_the_hand_computed_cases,
    twenty_concurrent_issues_take_twenty_numbers_without_gaps,
    the_numbering_format_and_its_series_are_the_tenants,
    statuses_move_only_the_ways_they_may,
    an_unpaid_invoice_past_its_due_date_becomes_overdue,
    drafts_change_and_go_but_issued_invoices_keep_what_they_said,
    lists_filter_by_status_client_and_dates,
);

async fn totals_match_the_hand_computed_cases(backend: Backend) {
    let app = spawn(backend).await;
    let user = app.register_user().await;
    let (_, id) = with_draft(&app, &user).await;
    let invoice = app
        .get(&format!("{BASE}/invoices/{id}"), &user.access_token)
        .await
        .body["invoice"]
        .clone();
    // Worked out by hand in money.rs.
    assert_eq!(
        invoice["totals"],
        json!({ "subtotal": 1_150_000, "discount": 95_000, "tax": 99_550, "total": 1_154_550 })
    );
    assert_eq!(invoice["totalFormatted"], "Rp 1.154.550");
    assert_eq!(invoice["currency"], "IDR");
    let lines = invoice["lines"].as_array().unwrap();
    let figures: Vec<(i64, i64, i64, i64)> = lines
        .iter()
        .map(|l| {
            (
                l["amount"].as_i64().unwrap(),
                l["discount"].as_i64().unwrap(),
                l["tax"].as_i64().unwrap(),
                l["total"].as_i64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        figures,
        [
            (450_000, 45_000, 44_550, 449_550),
            (500_000, 0, 55_000, 555_000),
            (200_000, 50_000, 0, 150_000),
        ]
    );
    assert_eq!(lines[1]["quantity"], "1.5");
    assert_eq!(lines[2]["discountAmount"], 50_000);
    // The total is the sum of the lines, however they are asked for.
    let sum: i64 = figures.iter().map(|f| f.3).sum();
    assert_eq!(invoice["totals"]["total"], sum);

    // Dollars, with cents: 0.125 × $19.99 = $2.50, 12.5% off = $0.31, 7.5% tax = $0.16.
    let client = invoice["clientId"].as_str().unwrap();
    let usd = app
        .post(
            &format!("{BASE}/invoices"),
            &user.access_token,
            json!({ "clientId": client, "currency": "USD", "lines": [
                { "description": "Part", "quantity": "0.125", "unitPrice": 1999,
                  "discountBasisPoints": 1250, "taxBasisPoints": 750 }
            ] }),
        )
        .await;
    usd.assert_status(201);
    assert_eq!(
        usd.body["invoice"]["totals"],
        json!({ "subtotal": 250, "discount": 31, "tax": 16, "total": 235 })
    );
    assert_eq!(usd.body["invoice"]["totalFormatted"], "$2.35");
}

/// Twenty drafts issued at once take the numbers 1 to 20 of the series, each once, and each
/// issue is charged once.
async fn twenty_concurrent_issues_take_twenty_numbers_without_gaps(backend: Backend) {
    let app = spawn_with_bonus(backend, 200).await;
    let user = app.register_user().await;
    save_profile(&app, &user).await;
    let client = create_client(&app, &user, "PT Sinar Abadi").await;
    let mut ids = Vec::new();
    for i in 0..20 {
        let created = create_invoice(
            &app,
            &user,
            &client,
            json!([{ "description": format!("Job {i}"), "quantity": 1, "unitPrice": 1000 }]),
        )
        .await;
        created.assert_status(201);
        ids.push(created.body["invoice"]["id"].as_str().unwrap().to_owned());
    }
    let before = balance(&app, &user).await;
    let issues = ids.iter().map(|id| issue(&app, &user, id));
    let answers = futures_util::future::join_all(issues).await;
    let mut numbers: Vec<String> = answers
        .iter()
        .map(|a| {
            a.assert_status(200);
            a.body["invoice"]["number"].as_str().unwrap().to_owned()
        })
        .collect();
    numbers.sort();
    let expected: Vec<String> = (1..=20).map(|n| format!("INV-2026-{n:04}")).collect();
    assert_eq!(numbers, expected);
    assert_eq!(
        balance(&app, &user).await,
        before - 20 * cost("issueInvoice")
    );
    app.wallet(user.personal_tenant_id)
        .await
        .assert_consistent();
    // Issuing again is refused and charges nothing.
    issue(&app, &user, &ids[0])
        .await
        .assert_error(409, "invoice_not_draft");
    assert_eq!(
        balance(&app, &user).await,
        before - 20 * cost("issueInvoice")
    );
}

async fn the_numbering_format_and_its_series_are_the_tenants(backend: Backend) {
    let app = spawn(backend).await;
    let ana = app.register_user().await;
    let budi = app.register_user().await;
    let (client, first) = with_draft(&app, &ana).await;
    // Without a business name there is nothing to issue from, and no number is used.
    let (_, budi_draft) = {
        let client = create_client(&app, &budi, "Client").await;
        let created = create_invoice(&app, &budi, &client, sample_lines()).await;
        (
            client,
            created.body["invoice"]["id"].as_str().unwrap().to_owned(),
        )
    };
    let before = balance(&app, &budi).await;
    issue(&app, &budi, &budi_draft)
        .await
        .assert_error(409, "profile_incomplete");
    assert_eq!(balance(&app, &budi).await, before);
    save_profile(&app, &budi).await;
    // Each tenant's series starts at 1.
    let budi_issued = issue(&app, &budi, &budi_draft).await;
    assert_eq!(budi_issued.body["invoice"]["number"], "INV-2026-0001");
    assert_eq!(
        issue(&app, &ana, &first).await.body["invoice"]["number"],
        "INV-2026-0001"
    );
    // An invoice dated in another year starts that year's series.
    let old = app
        .post(
            &format!("{BASE}/invoices"),
            &ana.access_token,
            json!({ "clientId": client, "issueDate": "2025-12-31", "lines": sample_lines() }),
        )
        .await;
    let old = old.body["invoice"]["id"].as_str().unwrap().to_owned();
    assert_eq!(
        issue(&app, &ana, &old).await.body["invoice"]["number"],
        "INV-2025-0001"
    );
    // A new format is a new series.
    let mut profile = crate::profile();
    profile["numberFormat"] = json!("{YY}{MM}/{seq:03}");
    app.put(&format!("{BASE}/profile"), &ana.access_token, profile)
        .await
        .assert_status(200);
    let next = create_invoice(&app, &ana, &client, sample_lines()).await;
    let next = next.body["invoice"]["id"].as_str().unwrap().to_owned();
    assert_eq!(
        issue(&app, &ana, &next).await.body["invoice"]["number"],
        "2603/001"
    );
}

async fn post(app: &TestApp, user: &TestUser, path: &str) -> lumiku_testkit::TestResponse {
    app.post(&format!("{BASE}{path}"), &user.access_token, json!({}))
        .await
}

async fn statuses_move_only_the_ways_they_may(backend: Backend) {
    let app = spawn(backend).await;
    let user = app.register_user().await;
    let (client, id) = with_draft(&app, &user).await;
    // A draft is not paid, voided, shared or sent.
    for path in ["pay", "void"] {
        post(&app, &user, &format!("/invoices/{id}/{path}"))
            .await
            .assert_error(409, "invalid_transition");
    }
    post(&app, &user, &format!("/invoices/{id}/link"))
        .await
        .assert_error(409, "invoice_not_issued");
    let issued = issue(&app, &user, &id).await;
    assert_eq!(issued.body["invoice"]["status"], "sent");
    assert!(issued.body["invoice"]["issuedAt"].is_string());
    let paid = post(&app, &user, &format!("/invoices/{id}/pay")).await;
    paid.assert_status(200);
    assert_eq!(paid.body["invoice"]["status"], "paid");
    assert!(paid.body["invoice"]["paidAt"].is_string());
    for path in ["pay", "void"] {
        post(&app, &user, &format!("/invoices/{id}/{path}"))
            .await
            .assert_error(409, "invalid_transition");
    }
    // Void ends an open invoice and its link; its number stays taken.
    let other = create_invoice(&app, &user, &client, sample_lines()).await;
    let other = other.body["invoice"]["id"].as_str().unwrap().to_owned();
    issue(&app, &user, &other).await.assert_status(200);
    let link = post(&app, &user, &format!("/invoices/{other}/link")).await;
    let path = link.body["publicPath"].as_str().unwrap().to_owned();
    let voided = post(&app, &user, &format!("/invoices/{other}/void")).await;
    assert_eq!(voided.body["invoice"]["status"], "void");
    assert_eq!(voided.body["invoice"]["publicPath"], Value::Null);
    assert_eq!(voided.body["invoice"]["number"], "INV-2026-0002");
    app.call(reqwest::Method::GET, &path, None, None)
        .await
        .assert_error(404, "not_found");
    let third = create_invoice(&app, &user, &client, sample_lines()).await;
    let third = third.body["invoice"]["id"].as_str().unwrap().to_owned();
    assert_eq!(
        issue(&app, &user, &third).await.body["invoice"]["number"],
        "INV-2026-0003"
    );
}

async fn an_unpaid_invoice_past_its_due_date_becomes_overdue(backend: Backend) {
    let app = TestApp::spawn_with_apps(backend, vec![invoice_generator::app()], |c| {
        c.welcome_bonus_credits = 100;
        c.allow_private_networks = true;
    })
    .await;
    let user = app.register_user().await;
    // An endpoint for the app's events: each change below records its event.
    app.post(
        &format!("/api/tenants/{}/webhooks", user.personal_tenant_id),
        &user.access_token,
        json!({ "url": "http://127.0.0.1:9/hook", "events": [
            "invoice-generator.invoice.issued", "invoice-generator.invoice.overdue",
            "invoice-generator.invoice.paid", "invoice-generator.invoice.voided",
        ] }),
    )
    .await
    .assert_status(201);
    save_profile(&app, &user).await;
    let client = create_client(&app, &user, "PT Sinar Abadi").await;
    // Due in the past: its check is due at once and a worker runs it.
    let late = app
        .post(
            &format!("{BASE}/invoices"),
            &user.access_token,
            json!({ "clientId": client, "issueDate": "2026-01-01", "dueDate": "2026-01-15", "lines": sample_lines() }),
        )
        .await;
    let late = late.body["invoice"]["id"].as_str().unwrap().to_owned();
    issue(&app, &user, &late).await.assert_status(200);
    let body = eventually(&app, &user, &format!("{BASE}/invoices/{late}"), |b| {
        b["invoice"]["status"] == "overdue"
    })
    .await;
    assert_eq!(body["invoice"]["status"], "overdue", "{body}");
    // An overdue invoice can still be paid.
    let paid = post(&app, &user, &format!("/invoices/{late}/pay")).await;
    assert_eq!(paid.body["invoice"]["status"], "paid");
    // One due in the future stays sent; one paid stays paid.
    let future = create_invoice(&app, &user, &client, sample_lines()).await;
    let future = future.body["invoice"]["id"].as_str().unwrap().to_owned();
    issue(&app, &user, &future).await.assert_status(200);
    tokio::time::sleep(std::time::Duration::from_millis(1500)).await;
    for (id, status) in [(&late, "paid"), (&future, "sent")] {
        let now = app
            .get(&format!("{BASE}/invoices/{id}"), &user.access_token)
            .await;
        assert_eq!(now.body["invoice"]["status"], status);
    }
    // The checks charged nothing.
    let spent = cost("createClient") + 2 * cost("createInvoice") + 2 * cost("issueInvoice");
    assert_eq!(balance(&app, &user).await, 100 - spent);
    // The webhook events, in order, each with the invoice as it then was.
    let mut tx = app.kernel.db().begin().await.unwrap();
    let events: Vec<(String, lumiku_plugin::sql::Json<Value>)> = lumiku_plugin::sql::query_as(
        "select type, data from webhook_events order by created_at, type",
    )
    .fetch_all(&mut tx)
    .await
    .unwrap();
    tx.commit().await.unwrap();
    let seen: Vec<(&str, &str, &str)> = events
        .iter()
        .map(|(kind, data)| {
            let invoice = &data.0["invoice"];
            (
                kind.as_str(),
                invoice["id"].as_str().unwrap(),
                invoice["status"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        seen,
        [
            ("invoice-generator.invoice.issued", late.as_str(), "sent"),
            (
                "invoice-generator.invoice.overdue",
                late.as_str(),
                "overdue"
            ),
            ("invoice-generator.invoice.paid", late.as_str(), "paid"),
            ("invoice-generator.invoice.issued", future.as_str(), "sent"),
        ]
    );
    assert_eq!(events[0].1.0["invoice"]["number"], "INV-2026-0001");
    assert_eq!(
        events[0].1.0["tenantId"],
        user.personal_tenant_id.to_string()
    );
}

async fn drafts_change_and_go_but_issued_invoices_keep_what_they_said(backend: Backend) {
    let app = spawn(backend).await;
    let user = app.register_user().await;
    let (client, draft) = with_draft(&app, &user).await;
    let changed = app
        .put(
            &format!("{BASE}/invoices/{draft}"),
            &user.access_token,
            json!({ "clientId": client, "lines": [
                { "description": "Only this", "quantity": 2, "unitPrice": 250000, "taxBasisPoints": 1100 }
            ] }),
        )
        .await;
    changed.assert_status(200);
    assert_eq!(changed.body["creditUsed"], 0);
    assert_eq!(changed.body["invoice"]["totals"]["total"], 555_000);
    assert_eq!(
        changed.body["invoice"]["lines"].as_array().unwrap().len(),
        1
    );
    // The terms came from the profile's default.
    assert_eq!(changed.body["invoice"]["terms"], "Payment within 14 days.");

    let issued = create_invoice(&app, &user, &client, sample_lines()).await;
    let issued = issued.body["invoice"]["id"].as_str().unwrap().to_owned();
    issue(&app, &user, &issued).await.assert_status(200);
    // A client renamed later: the draft follows, the issued invoice does not.
    app.put(
        &format!("{BASE}/clients/{client}"),
        &user.access_token,
        json!({ "name": "PT Sinar Baru" }),
    )
    .await
    .assert_status(200);
    let name = |id: String| {
        let app = &app;
        let user = &user;
        async move {
            app.get(&format!("{BASE}/invoices/{id}"), &user.access_token)
                .await
                .body["invoice"]["billedTo"]["name"]
                .clone()
        }
    };
    assert_eq!(name(draft.clone()).await, "PT Sinar Baru");
    assert_eq!(name(issued.clone()).await, "PT Sinar Abadi");
    // Issued invoices are not edited or deleted.
    app.put(
        &format!("{BASE}/invoices/{issued}"),
        &user.access_token,
        json!({ "clientId": client, "lines": sample_lines() }),
    )
    .await
    .assert_error(409, "invoice_not_draft");
    app.delete(&format!("{BASE}/invoices/{issued}"), &user.access_token)
        .await
        .assert_error(409, "invoice_not_draft");
    // A client with invoices stays; a draft goes.
    app.delete(&format!("{BASE}/clients/{client}"), &user.access_token)
        .await
        .assert_error(409, "client_has_invoices");
    app.delete(&format!("{BASE}/invoices/{draft}"), &user.access_token)
        .await
        .assert_status(200);
    app.get(&format!("{BASE}/invoices/{draft}"), &user.access_token)
        .await
        .assert_error(404, "not_found");
    let lone = create_client(&app, &user, "Nobody").await;
    app.delete(&format!("{BASE}/clients/{lone}"), &user.access_token)
        .await
        .assert_status(200);
}

async fn lists_filter_by_status_client_and_dates(backend: Backend) {
    let app = spawn(backend).await;
    let user = app.register_user().await;
    save_profile(&app, &user).await;
    let sinar = create_client(&app, &user, "PT Sinar Abadi").await;
    let maju = create_client(&app, &user, "CV Maju").await;
    let make = |client: String, date: &'static str| {
        let app = &app;
        let user = &user;
        async move {
            let created = app
                .post(
                    &format!("{BASE}/invoices"),
                    &user.access_token,
                    json!({ "clientId": client, "issueDate": date, "dueDate": "2999-01-01", "lines": sample_lines() }),
                )
                .await;
            created.body["invoice"]["id"].as_str().unwrap().to_owned()
        }
    };
    let a = make(sinar.clone(), "2026-01-10").await;
    let b = make(sinar.clone(), "2026-02-10").await;
    let c = make(maju.clone(), "2026-03-10").await;
    issue(&app, &user, &b).await.assert_status(200);
    let ids = |query: String| {
        let app = &app;
        let user = &user;
        async move {
            let list = app
                .get(&format!("{BASE}/invoices{query}"), &user.access_token)
                .await;
            list.assert_status(200);
            list.body["items"]
                .as_array()
                .unwrap()
                .iter()
                .map(|i| i["id"].as_str().unwrap().to_owned())
                .collect::<Vec<_>>()
        }
    };
    assert_eq!(ids(String::new()).await, [c.clone(), b.clone(), a.clone()]);
    assert_eq!(ids("?status=draft".into()).await, [c.clone(), a.clone()]);
    assert_eq!(ids("?status=sent".into()).await, [b.as_str()]);
    assert_eq!(ids(format!("?clientId={maju}")).await, [c.as_str()]);
    assert_eq!(
        ids("?from=2026-02-01&to=2026-02-28".into()).await,
        [b.as_str()]
    );
    assert_eq!(ids("?limit=1".into()).await, [c.as_str()]);
    let page = app
        .get(&format!("{BASE}/invoices?limit=2"), &user.access_token)
        .await;
    let cursor = page.body["nextCursor"].as_str().unwrap();
    assert_eq!(ids(format!("?limit=2&before={cursor}")).await, [a]);
    app.get(
        &format!("{BASE}/invoices?from=yesterday"),
        &user.access_token,
    )
    .await
    .assert_status(422);
    app.get(&format!("{BASE}/invoices?status=lost"), &user.access_token)
        .await
        .assert_status(400);
    let clients = app
        .get(&format!("{BASE}/clients?q=maju"), &user.access_token)
        .await;
    assert_eq!(clients.body["items"].as_array().unwrap().len(), 1);
}
