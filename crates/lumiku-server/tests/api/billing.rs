//! Billing: the catalogue, subscriptions through their whole life (trial, payment, renewal,
//! grace, cancellation), monthly credit grants exactly once, invoices numbered without gaps,
//! administrators' invoices, and the tier that apps' `minSubscriptionTier` checks.

use std::sync::Arc;

use chrono::{DateTime, Duration, Utc};
use futures_util::future::join_all;
use lumiku_plugin::{Access, Manifest, Migration, Plugin, Role, Tier};
use lumiku_testkit::{Backend, TestApp, TestUser, backend_tests, test_manifest};
use reqwest::Method;
use serde_json::{Value, json};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

backend_tests!(
    the_catalogue_is_public_and_only_administrators_change_it,
    a_paid_plan_takes_effect_when_its_invoice_is_paid_and_grants_its_credits_once,
    the_billing_cycle_renews_then_cancels_after_the_grace_period,
    a_paid_renewal_starts_the_next_period_and_grants_it_once,
    running_the_cycle_twice_or_concurrently_grants_once,
    a_first_trial_starts_at_once_and_is_invoiced_at_its_end,
    canceling_ends_the_plan_at_the_period_end_and_resuming_undoes_it,
    invoices_are_numbered_per_tenant_without_gaps_even_under_concurrency,
    administrators_draft_issue_and_void_invoices,
    an_apps_minimum_tier_follows_the_subscription,
    invoices_print_as_html,
    concurrent_plan_changes_leave_one_open_invoice,
);

async fn concurrent_plan_changes_leave_one_open_invoice(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let user = app.register_user().await;
    let before = balance(&app, &user).await;
    let responses = join_all((0..6).map(|i| {
        app.post(
            "/api/subscriptions",
            &user.access_token,
            json!({ "planId": if i % 2 == 0 { "basic" } else { "enterprise" } }),
        )
    }))
    .await;
    // The last change wins; one that an overtaking change voided before its payment opened is
    // told so.
    for response in &responses {
        if response.status != 201 {
            response.assert_error(409, "plan_change_superseded");
        }
    }
    let page = app.get("/api/invoices?limit=100", &user.access_token).await;
    let invoices = page.body["items"].as_array().unwrap();
    let open: Vec<&Value> = invoices.iter().filter(|i| i["status"] == "open").collect();
    assert_eq!(invoices.len(), 6);
    assert_eq!(
        open.len(),
        1,
        "each change supersedes the one before: {invoices:?}"
    );
    let mut numbers: Vec<i64> = invoices
        .iter()
        .map(|i| i["number"].as_i64().unwrap())
        .collect();
    numbers.sort_unstable();
    assert_eq!(numbers, (1..=6).collect::<Vec<_>>());

    // Paying the one still open starts its plan and grants its credits once.
    let winner = responses
        .iter()
        .find(|r| r.body["invoice"]["id"] == open[0]["id"])
        .expect("the open invoice's request succeeded");
    winner.assert_status(201);
    let payment = app
        .post(
            "/api/payments",
            &user.access_token,
            json!({ "invoiceId": open[0]["id"] }),
        )
        .await;
    pay_in_sandbox(&app, payment.body["reference"].as_str().unwrap()).await;
    let active = subscription(&app, &user).await;
    assert_eq!(active["status"], "active");
    assert_eq!(active["plan"]["id"], open[0]["planId"]);
    let credits = active["plan"]["monthlyCredits"].as_i64().unwrap();
    assert_eq!(balance(&app, &user).await, before + credits);
    app.wallet(user.personal_tenant_id)
        .await
        .assert_consistent();
}

async fn subscribe(app: &TestApp, user: &TestUser, plan: &str) -> Value {
    let response = app
        .post(
            "/api/subscriptions",
            &user.access_token,
            json!({ "planId": plan }),
        )
        .await;
    assert!(
        response.status == 200 || response.status == 201,
        "{}",
        response.text
    );
    response.body.clone()
}

async fn pay_in_sandbox(app: &TestApp, reference: &str) {
    let response = app
        .request(Method::POST, &format!("/pay/sandbox/{reference}"))
        .form(&[("decision", "pay")])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let html = response.text().await.unwrap();
    assert!(html.contains("Payment successful"), "{html}");
}

async fn subscription(app: &TestApp, user: &TestUser) -> Value {
    let response = app
        .get("/api/subscriptions/current", &user.access_token)
        .await;
    response.assert_status(200);
    response.body.clone()
}

async fn balance(app: &TestApp, user: &TestUser) -> i64 {
    app.get("/api/credits/balance", &user.access_token)
        .await
        .body["balance"]
        .as_i64()
        .unwrap()
}

fn time(value: &Value) -> DateTime<Utc> {
    value.as_str().unwrap().parse().unwrap()
}

/// Subscribes `user` to the basic plan and pays for it in the sandbox.
async fn paid_basic(app: &TestApp, user: &TestUser) -> Value {
    let change = subscribe(app, user, "basic").await;
    pay_in_sandbox(app, change["payment"]["reference"].as_str().unwrap()).await;
    subscription(app, user).await
}

async fn the_catalogue_is_public_and_only_administrators_change_it(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let plans = app.call(Method::GET, "/api/plans", None, None).await;
    plans.assert_status(200);
    let ids: Vec<&str> = plans.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, ["free", "basic", "pro", "enterprise"]);
    assert_eq!(plans.body["items"][1]["priceIdr"], 49000);
    assert_eq!(plans.body["items"][1]["monthlyCredits"], 500);
    assert_eq!(plans.body["items"][1]["tier"], "basic");
    let packages = app
        .call(Method::GET, "/api/credit-packages", None, None)
        .await;
    assert_eq!(packages.body["items"].as_array().unwrap().len(), 4);

    let user = app.register_user().await;
    app.patch(
        "/api/admin/plans/basic",
        &user.access_token,
        json!({ "priceIdr": 1 }),
    )
    .await
    .assert_error(403, "forbidden");

    let admin = app.admin().await;
    let changed = app
        .patch(
            "/api/admin/plans/basic",
            &admin.access_token,
            json!({ "priceIdr": 59000, "features": ["More"] }),
        )
        .await;
    changed.assert_status(200);
    assert_eq!(changed.body["priceIdr"], 59000);
    let invalid = app
        .patch(
            "/api/admin/plans/basic",
            &admin.access_token,
            json!({ "priceIdr": -1, "trialDays": 999 }),
        )
        .await;
    invalid.assert_error(422, "validation_failed");
    assert!(invalid.body["error"]["fields"]["priceIdr"].is_array());
    assert!(invalid.body["error"]["fields"]["trialDays"].is_array());
    app.patch(
        "/api/admin/plans/free",
        &admin.access_token,
        json!({ "priceIdr": 1000 }),
    )
    .await
    .assert_error(422, "validation_failed");

    // Withdrawn from sale: gone from the public list, still there for administrators.
    app.patch(
        "/api/admin/credit-packages/bulk",
        &admin.access_token,
        json!({ "active": false }),
    )
    .await
    .assert_status(200);
    let packages = app
        .call(Method::GET, "/api/credit-packages", None, None)
        .await;
    assert_eq!(packages.body["items"].as_array().unwrap().len(), 3);
    let all = app
        .get("/api/admin/credit-packages", &admin.access_token)
        .await;
    assert_eq!(all.body["items"].as_array().unwrap().len(), 4);
    app.post(
        "/api/payments",
        &user.access_token,
        json!({ "packageId": "bulk" }),
    )
    .await
    .assert_error(404, "not_found");
}

async fn a_paid_plan_takes_effect_when_its_invoice_is_paid_and_grants_its_credits_once(
    backend: Backend,
) {
    let app = TestApp::spawn(backend).await;
    let user = app.register_user().await;
    let before = balance(&app, &user).await;
    let free = subscription(&app, &user).await;
    assert_eq!(free["plan"]["id"], "free");
    assert_eq!(free["tier"], "free");

    let change = subscribe(&app, &user, "basic").await;
    assert_eq!(change["invoice"]["status"], "open");
    assert_eq!(change["invoice"]["totalIdr"], 49000);
    assert_eq!(change["payment"]["status"], "pending");
    // Nothing changes until it is paid.
    assert_eq!(change["subscription"]["tier"], "free");
    assert_eq!(
        change["subscription"]["openInvoice"]["id"],
        change["invoice"]["id"]
    );

    pay_in_sandbox(&app, change["payment"]["reference"].as_str().unwrap()).await;
    let active = subscription(&app, &user).await;
    assert_eq!(active["plan"]["id"], "basic");
    assert_eq!(active["status"], "active");
    assert_eq!(active["tier"], "basic");
    assert!(active["openInvoice"].is_null());
    let start = time(&active["currentPeriodStart"]);
    let end = time(&active["currentPeriodEnd"]);
    assert!(end - start >= Duration::days(28) && end - start <= Duration::days(31));
    assert_eq!(balance(&app, &user).await, before + 500);

    let report = app.kernel.run_billing(Utc::now()).await.unwrap();
    assert_eq!(
        report.periods_granted, 0,
        "the period was granted at payment"
    );
    assert_eq!(balance(&app, &user).await, before + 500);
    app.wallet(user.personal_tenant_id)
        .await
        .assert_consistent();

    app.post(
        "/api/subscriptions",
        &user.access_token,
        json!({ "planId": "basic" }),
    )
    .await
    .assert_error(409, "already_subscribed");
    app.post(
        "/api/subscriptions",
        &user.access_token,
        json!({ "planId": "platinum" }),
    )
    .await
    .assert_error(404, "not_found");
}

async fn the_billing_cycle_renews_then_cancels_after_the_grace_period(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let user = app.register_user().await;
    let active = paid_basic(&app, &user).await;
    let end = time(&active["currentPeriodEnd"]);

    // Before the period ends nothing happens.
    let report = app
        .kernel
        .run_billing(end - Duration::minutes(1))
        .await
        .unwrap();
    assert_eq!(report.renewals_invoiced, 0);

    let report = app
        .kernel
        .run_billing(end + Duration::minutes(1))
        .await
        .unwrap();
    assert_eq!(report.renewals_invoiced, 1);
    let due = subscription(&app, &user).await;
    assert_eq!(due["status"], "past_due");
    assert_eq!(
        due["tier"], "basic",
        "the tier holds through the grace period"
    );
    let renewal = &due["openInvoice"];
    assert_eq!(renewal["number"], 2);
    assert_eq!(time(&renewal["periodStart"]), end);
    assert_eq!(renewal["totalIdr"], 49000);

    // A second run in the same state changes nothing.
    let again = app
        .kernel
        .run_billing(end + Duration::minutes(2))
        .await
        .unwrap();
    assert_eq!(again, Default::default());

    let report = app
        .kernel
        .run_billing(end + Duration::days(7) + Duration::minutes(1))
        .await
        .unwrap();
    assert_eq!(report.subscriptions_canceled, 1);
    let canceled = subscription(&app, &user).await;
    assert_eq!(canceled["status"], "canceled");
    assert_eq!(canceled["tier"], "free");
    let invoice = app
        .get(
            &format!("/api/invoices/{}", renewal["id"].as_str().unwrap()),
            &user.access_token,
        )
        .await;
    assert_eq!(invoice.body["status"], "void");
    let log = app
        .get(
            &format!(
                "/api/tenants/{}/audit?action=subscription.canceled",
                user.personal_tenant_id
            ),
            &user.access_token,
        )
        .await;
    assert_eq!(log.body["items"][0]["details"]["reason"], "unpaid");
}

async fn a_paid_renewal_starts_the_next_period_and_grants_it_once(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let user = app.register_user().await;
    let active = paid_basic(&app, &user).await;
    let after_first = balance(&app, &user).await;
    let end = time(&active["currentPeriodEnd"]);
    app.kernel
        .run_billing(end + Duration::minutes(1))
        .await
        .unwrap();
    let renewal_id = subscription(&app, &user).await["openInvoice"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let payment = app
        .post(
            "/api/payments",
            &user.access_token,
            json!({ "invoiceId": renewal_id }),
        )
        .await;
    payment.assert_status(201);
    pay_in_sandbox(&app, payment.body["reference"].as_str().unwrap()).await;

    let renewed = subscription(&app, &user).await;
    assert_eq!(renewed["status"], "active");
    assert_eq!(time(&renewed["currentPeriodStart"]), end);
    assert_eq!(balance(&app, &user).await, after_first + 500);
    let report = app
        .kernel
        .run_billing(end + Duration::minutes(5))
        .await
        .unwrap();
    assert_eq!(report.periods_granted, 0);
    assert_eq!(balance(&app, &user).await, after_first + 500);
    app.wallet(user.personal_tenant_id)
        .await
        .assert_consistent();
}

async fn running_the_cycle_twice_or_concurrently_grants_once(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let users = join_all((0..4).map(|_| app.register_user())).await;
    for user in &users {
        paid_basic(&app, user).await;
    }
    // Forget the grants made at payment, as if the node had crashed between the two steps.
    app.execute_sql("delete from subscription_grants").await;
    let before: Vec<i64> = join_all(users.iter().map(|u| balance(&app, u))).await;

    // Two runners racing (two nodes), each twice.
    let kernel = Arc::clone(&app.kernel);
    let now = Utc::now();
    let reports = join_all((0..4).map(|_| {
        let kernel = Arc::clone(&kernel);
        async move { kernel.run_billing(now).await.unwrap() }
    }))
    .await;
    let granted: u64 = reports.iter().map(|r| r.periods_granted).sum();
    assert_eq!(
        granted, 4,
        "each of the four periods granted once: {reports:?}"
    );
    for (user, before) in users.iter().zip(before) {
        assert_eq!(balance(&app, user).await, before + 500);
        app.wallet(user.personal_tenant_id)
            .await
            .assert_consistent();
    }
}

async fn a_first_trial_starts_at_once_and_is_invoiced_at_its_end(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let user = app.register_user().await;
    let before = balance(&app, &user).await;
    let change = subscribe(&app, &user, "pro").await;
    assert!(change["invoice"].is_null());
    let trial = &change["subscription"];
    assert_eq!(trial["status"], "trialing");
    assert_eq!(trial["tier"], "pro");
    let end = time(&trial["currentPeriodEnd"]);
    assert_eq!(end - time(&trial["currentPeriodStart"]), Duration::days(14));
    assert_eq!(
        balance(&app, &user).await,
        before,
        "a trial grants no credits"
    );

    let report = app
        .kernel
        .run_billing(end + Duration::seconds(1))
        .await
        .unwrap();
    assert_eq!(report.renewals_invoiced, 1);
    let due = subscription(&app, &user).await;
    assert_eq!(due["status"], "past_due");
    assert_eq!(due["openInvoice"]["totalIdr"], 149000);

    // Letting it lapse and subscribing again gives no second trial.
    app.kernel
        .run_billing(end + Duration::days(8))
        .await
        .unwrap();
    let again = subscribe(&app, &user, "pro").await;
    assert_eq!(again["invoice"]["totalIdr"], 149000);
    assert_eq!(again["subscription"]["status"], "canceled");
}

async fn canceling_ends_the_plan_at_the_period_end_and_resuming_undoes_it(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let user = app.register_user().await;
    app.post(
        "/api/subscriptions/current/cancel",
        &user.access_token,
        json!({}),
    )
    .await
    .assert_error(409, "no_subscription");
    let active = paid_basic(&app, &user).await;
    let end = time(&active["currentPeriodEnd"]);

    let canceled = app
        .post(
            "/api/subscriptions/current/cancel",
            &user.access_token,
            json!({}),
        )
        .await;
    canceled.assert_status(200);
    assert_eq!(canceled.body["cancelAtPeriodEnd"], true);
    assert_eq!(canceled.body["tier"], "basic");
    let resumed = app
        .post(
            "/api/subscriptions/current/resume",
            &user.access_token,
            json!({}),
        )
        .await;
    assert_eq!(resumed.body["cancelAtPeriodEnd"], false);

    // Choosing the free plan is the same as canceling.
    let free = subscribe(&app, &user, "free").await;
    assert_eq!(free["subscription"]["cancelAtPeriodEnd"], true);
    let report = app
        .kernel
        .run_billing(end + Duration::seconds(1))
        .await
        .unwrap();
    assert_eq!(report.subscriptions_canceled, 1);
    assert_eq!(report.renewals_invoiced, 0);
    let ended = subscription(&app, &user).await;
    assert_eq!(ended["status"], "canceled");
    assert_eq!(ended["tier"], "free");
    assert!(ended["openInvoice"].is_null());
}

async fn invoices_are_numbered_per_tenant_without_gaps_even_under_concurrency(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let user = app.register_user().await;
    let other = app.register_user().await;
    let responses = join_all((0..10).map(|_| {
        app.post(
            "/api/payments",
            &user.access_token,
            json!({ "packageId": "starter" }),
        )
    }))
    .await;
    for response in &responses {
        response.assert_status(201);
    }
    // A refused request takes no number.
    app.post(
        "/api/payments",
        &user.access_token,
        json!({ "packageId": "nope" }),
    )
    .await
    .assert_status(404);
    app.post(
        "/api/payments",
        &user.access_token,
        json!({ "packageId": "starter" }),
    )
    .await
    .assert_status(201);

    let page = app.get("/api/invoices?limit=100", &user.access_token).await;
    let mut numbers: Vec<i64> = page.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["number"].as_i64().unwrap())
        .collect();
    numbers.sort_unstable();
    assert_eq!(numbers, (1..=11).collect::<Vec<_>>());
    assert_eq!(page.body["items"][0]["displayNumber"], "INV-000011");

    // Another tenant starts at 1 and sees none of these.
    let theirs = app.get("/api/invoices", &other.access_token).await;
    assert!(theirs.body["items"].as_array().unwrap().is_empty());
    let first = app
        .post(
            "/api/payments",
            &other.access_token,
            json!({ "packageId": "starter" }),
        )
        .await;
    let invoice = app
        .get(
            &format!(
                "/api/invoices/{}",
                first.body["invoiceId"].as_str().unwrap()
            ),
            &other.access_token,
        )
        .await;
    assert_eq!(invoice.body["number"], 1);

    // Pagination walks all of them once.
    let mut seen = 0;
    let mut cursor: Option<String> = None;
    loop {
        let path = match &cursor {
            Some(c) => format!("/api/invoices?limit=4&before={c}"),
            None => "/api/invoices?limit=4".into(),
        };
        let page = app.get(&path, &user.access_token).await;
        seen += page.body["items"].as_array().unwrap().len();
        match page.body["nextCursor"].as_str() {
            Some(next) => cursor = Some(next.to_owned()),
            None => break,
        }
    }
    assert_eq!(seen, 11);
}

async fn administrators_draft_issue_and_void_invoices(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let admin = app.admin().await;
    let user = app.register_user().await;
    let tenant = user.personal_tenant_id;
    let body = json!({
        "description": "Onboarding",
        "items": [
            { "description": "Setup", "unitPriceIdr": 250000 },
            { "description": "Training hours", "quantity": 3, "unitPriceIdr": 100000 },
        ],
    });
    app.post(
        &format!("/api/admin/tenants/{tenant}/invoices"),
        &user.access_token,
        body.clone(),
    )
    .await
    .assert_error(403, "forbidden");
    let draft = app
        .post(
            &format!("/api/admin/tenants/{tenant}/invoices"),
            &admin.access_token,
            body,
        )
        .await;
    draft.assert_status(201);
    assert_eq!(draft.body["status"], "draft");
    assert!(draft.body["number"].is_null());
    assert_eq!(draft.body["totalIdr"], 550000);
    let id = draft.body["id"].as_str().unwrap().to_owned();
    // Drafts are not the tenant's to see.
    app.get(&format!("/api/invoices/{id}"), &user.access_token)
        .await
        .assert_error(404, "not_found");

    // Another invoice issued meanwhile takes number 1; the draft takes 2 when issued.
    app.post(
        "/api/payments",
        &user.access_token,
        json!({ "packageId": "starter" }),
    )
    .await
    .assert_status(201);
    let issued = app
        .post(
            &format!("/api/admin/invoices/{id}/issue"),
            &admin.access_token,
            json!({}),
        )
        .await;
    issued.assert_status(200);
    assert_eq!(issued.body["status"], "open");
    assert_eq!(issued.body["number"], 2);
    app.post(
        &format!("/api/admin/invoices/{id}/issue"),
        &admin.access_token,
        json!({}),
    )
    .await
    .assert_error(409, "invalid_invoice_transition");

    let payment = app
        .post(
            "/api/payments",
            &user.access_token,
            json!({ "invoiceId": id }),
        )
        .await;
    payment.assert_status(201);
    let voided = app
        .post(
            &format!("/api/admin/invoices/{id}/void"),
            &admin.access_token,
            json!({}),
        )
        .await;
    assert_eq!(voided.body["status"], "void");
    assert_eq!(voided.body["number"], 2, "a void invoice keeps its number");
    let stale = app
        .get(
            &format!(
                "/api/payments/{}",
                payment.body["reference"].as_str().unwrap()
            ),
            &user.access_token,
        )
        .await;
    assert_eq!(stale.body["status"], "expired");
    app.post(
        "/api/payments",
        &user.access_token,
        json!({ "invoiceId": id }),
    )
    .await
    .assert_error(409, "invoice_not_open");

    let invalid = app
        .post(
            &format!("/api/admin/tenants/{tenant}/invoices"),
            &admin.access_token,
            json!({ "description": "", "items": [{ "description": "x", "quantity": 0, "unitPriceIdr": -5 }] }),
        )
        .await;
    invalid.assert_error(422, "validation_failed");
    let fields = &invalid.body["error"]["fields"];
    assert!(fields["description"].is_array());
    assert!(fields["items[0].quantity"].is_array());
    assert!(fields["items[0].unitPriceIdr"].is_array());
}

const PREMIUM: Manifest = Manifest {
    name: "Premium Reports",
    description: "Reports for paying tenants",
    icon: "chart-bar",
    access: Access {
        requires_auth: true,
        requires_subscription: true,
        min_subscription_tier: Some(Tier::Basic),
        allowed_roles: &Role::ALL,
    },
    ..test_manifest("premium-reports", "/api/apps/premium-reports")
};

struct PremiumReports;

/// A report.
#[utoipa::path(get, path = "/report", responses((status = 200, description = "A report", body = String)))]
async fn report() -> &'static str {
    "report"
}

impl Plugin for PremiumReports {
    fn manifest(&self) -> &'static Manifest {
        &PREMIUM
    }
    fn routes(&self) -> OpenApiRouter {
        OpenApiRouter::new().routes(routes!(report))
    }
    fn migrations(&self) -> &'static [Migration] {
        &[]
    }
}

async fn an_apps_minimum_tier_follows_the_subscription(backend: Backend) {
    let app = TestApp::spawn_with_apps(backend, vec![Arc::new(PremiumReports)], |_| {}).await;
    let user = app.register_user().await;
    let refused = app
        .get("/api/apps/premium-reports/report", &user.access_token)
        .await;
    refused.assert_error(403, "subscription_required");
    assert_eq!(refused.body["error"]["requiredTier"], "basic");
    assert_eq!(refused.body["error"]["currentTier"], "free");

    let active = paid_basic(&app, &user).await;
    app.get("/api/apps/premium-reports/report", &user.access_token)
        .await
        .assert_status(200);

    // Lapsed past the grace period: refused again.
    let end = time(&active["currentPeriodEnd"]);
    app.kernel
        .run_billing(end + Duration::days(8))
        .await
        .unwrap();
    app.kernel
        .run_billing(end + Duration::days(9))
        .await
        .unwrap();
    app.get("/api/apps/premium-reports/report", &user.access_token)
        .await
        .assert_error(403, "subscription_required");
}

async fn invoices_print_as_html(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let user = app.register_user().await;
    let payment = app
        .post(
            "/api/payments",
            &user.access_token,
            json!({ "packageId": "popular" }),
        )
        .await;
    let id = payment.body["invoiceId"].as_str().unwrap();
    let page = app
        .request(Method::GET, &format!("/api/invoices/{id}/print"))
        .bearer_auth(&user.access_token)
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), 200);
    assert!(
        page.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/html")
    );
    let html = page.text().await.unwrap();
    for expected in [
        "INV-000001",
        "Rp 65.000",
        "Popular: 500 credits + 50 bonus",
        "open",
    ] {
        assert!(html.contains(expected), "{expected} missing from {html}");
    }
    let stranger = app.register_user().await;
    app.get(&format!("/api/invoices/{id}/print"), &stranger.access_token)
        .await
        .assert_error(404, "not_found");
}
