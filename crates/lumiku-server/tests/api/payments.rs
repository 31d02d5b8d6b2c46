//! Payments through Duitku (a fake Duitku on loopback) and the built-in sandbox: a payment
//! credits once however its callback is replayed, and a forged, mismatched, unknown or
//! unconfirmed callback credits nothing.

use futures_util::future::join_all;
use lumiku_kernel::sql;
use lumiku_server::config::{PaymentGatewayKind, Secret};
use lumiku_testkit::{Backend, TestApp, TestUser, backend_tests};
use reqwest::Method;
use serde_json::{Value, json};
use uuid::Uuid;

use crate::fake_duitku::{self, FakeDuitku};

backend_tests!(
    a_package_bought_through_duitku_credits_once_after_a_confirmed_callback,
    a_callback_replayed_100_times_concurrently_credits_once,
    forged_mismatched_unknown_and_unconfirmed_callbacks_credit_nothing_and_are_audited,
    a_failed_payment_credits_nothing_and_a_later_failure_report_changes_nothing,
    a_refused_inquiry_answers_502_and_fails_the_payment,
    the_sandbox_gateway_runs_the_whole_purchase_on_its_own_pages,
    the_return_redirect_never_credits,
    payments_are_for_owners_and_admins_and_stay_inside_their_tenant,
    a_new_payment_of_an_invoice_supersedes_the_pending_one,
);

async fn duitku_app(backend: Backend, fake: &FakeDuitku) -> TestApp {
    let base_url = fake.base_url();
    TestApp::spawn_with(backend, |config| {
        config.payment_gateway = Some(PaymentGatewayKind::Duitku);
        config.duitku_merchant_code = Some(fake_duitku::MERCHANT.into());
        config.duitku_api_key = Some(Secret::from(fake_duitku::API_KEY.to_owned()));
        config.duitku_base_url = Some(base_url);
        config.public_url = Some("https://lumiku.example.com".into());
    })
    .await
}

async fn buy(app: &TestApp, user: &TestUser, package: &str) -> Value {
    let response = app
        .post(
            "/api/payments",
            &user.access_token,
            json!({ "packageId": package }),
        )
        .await;
    response.assert_status(201);
    response.body.clone()
}

async fn callback(app: &TestApp, fields: &[(String, String)]) -> lumiku_testkit::TestResponse {
    let fields: Vec<(&str, &str)> = fields
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    app.post_form("/api/payments/duitku/callback", &fields)
        .await
}

async fn balance(app: &TestApp, user: &TestUser) -> i64 {
    app.get("/api/credits/balance", &user.access_token)
        .await
        .body["balance"]
        .as_i64()
        .unwrap()
}

async fn audit_actions(app: &TestApp, user: &TestUser, action: &str) -> Vec<Value> {
    let path = format!(
        "/api/tenants/{}/audit?action={action}",
        user.personal_tenant_id
    );
    app.get(&path, &user.access_token).await.body["items"]
        .as_array()
        .cloned()
        .unwrap_or_default()
}

async fn a_package_bought_through_duitku_credits_once_after_a_confirmed_callback(backend: Backend) {
    let fake = FakeDuitku::start().await;
    let app = duitku_app(backend, &fake).await;
    let user = app.register_user().await;
    let before = balance(&app, &user).await;

    let payment = buy(&app, &user, "popular").await;
    assert_eq!(payment["status"], "pending");
    assert_eq!(payment["amountIdr"], 65000);
    assert_eq!(payment["gateway"], "duitku");
    let reference = payment["reference"].as_str().unwrap().to_owned();
    assert!(
        payment["redirectUrl"]
            .as_str()
            .unwrap()
            .starts_with("https://sandbox.duitku.com/")
    );

    // What Lumiku sent Duitku: a signed inquiry with our callback and return URLs.
    let inquiry = &fake.inquiries()[0];
    assert_eq!(inquiry["merchantOrderId"], reference.as_str());
    assert_eq!(inquiry["paymentAmount"], 65000);
    assert_eq!(inquiry["paymentMethod"], "VC");
    assert_eq!(
        inquiry["callbackUrl"],
        "https://lumiku.example.com/api/payments/duitku/callback"
    );
    assert_eq!(
        inquiry["returnUrl"],
        "https://lumiku.example.com/pay/return"
    );
    assert_eq!(inquiry["email"], user.email.as_str());

    // Not paid yet: nothing credited, and the stored invoice is open.
    assert_eq!(balance(&app, &user).await, before);
    let invoice_id = payment["invoiceId"].as_str().unwrap();
    let invoice = app
        .get(&format!("/api/invoices/{invoice_id}"), &user.access_token)
        .await;
    assert_eq!(invoice.body["status"], "open");
    assert_eq!(invoice.body["number"], 1);
    assert_eq!(invoice.body["credits"], 500);
    assert_eq!(invoice.body["bonusCredits"], 50);

    fake.set_status(&reference, "00", 65000);
    let response = callback(&app, &FakeDuitku::callback(&reference, "65000", "00")).await;
    response.assert_status(200);
    assert_eq!(response.body["status"], "settled");

    assert_eq!(balance(&app, &user).await, before + 550);
    let history = app.get("/api/credits/history", &user.access_token).await;
    let items = history.body["items"].as_array().unwrap();
    let purchase = items.iter().find(|e| e["kind"] == "purchase").unwrap();
    assert_eq!(purchase["amountCredits"], 500);
    assert_eq!(purchase["referenceType"], "payment");
    assert_eq!(purchase["referenceId"], reference.as_str());
    let bonus = items
        .iter()
        .find(|e| e["kind"] == "bonus" && e["referenceType"] == "payment");
    assert_eq!(bonus.unwrap()["amountCredits"], 50);
    app.wallet(user.personal_tenant_id)
        .await
        .assert_consistent();

    let stored = app
        .get(&format!("/api/payments/{reference}"), &user.access_token)
        .await;
    assert_eq!(stored.body["status"], "success");
    assert!(stored.body["paidAt"].is_string());
    assert!(stored.body["redirectUrl"].is_null());
    let invoice = app
        .get(&format!("/api/invoices/{invoice_id}"), &user.access_token)
        .await;
    assert_eq!(invoice.body["status"], "paid");
    assert_eq!(
        audit_actions(&app, &user, "payment.succeeded").await.len(),
        1
    );

    // The same callback again is answered, and changes nothing.
    let again = callback(&app, &FakeDuitku::callback(&reference, "65000", "00")).await;
    again.assert_status(200);
    assert_eq!(again.body["status"], "already_settled");
    assert_eq!(balance(&app, &user).await, before + 550);
}

async fn a_callback_replayed_100_times_concurrently_credits_once(backend: Backend) {
    let fake = FakeDuitku::start().await;
    let app = duitku_app(backend, &fake).await;
    let user = app.register_user().await;
    let before = balance(&app, &user).await;
    let payment = buy(&app, &user, "starter").await;
    let reference = payment["reference"].as_str().unwrap().to_owned();
    fake.set_status(&reference, "00", 15000);

    let fields = FakeDuitku::callback(&reference, "15000", "00");
    let responses = join_all((0..100).map(|_| callback(&app, &fields))).await;
    let mut settled = 0;
    for response in &responses {
        response.assert_status(200);
        match response.body["status"].as_str().unwrap() {
            "settled" => settled += 1,
            "already_settled" => {}
            other => panic!("unexpected outcome {other}"),
        }
    }
    assert_eq!(settled, 1, "exactly one callback settles the payment");
    assert_eq!(balance(&app, &user).await, before + 100);
    let wallet = app.wallet(user.personal_tenant_id).await;
    wallet.assert_consistent();
    assert_eq!(wallet.ledger_rows, 2, "the welcome bonus and one purchase");
}

async fn forged_mismatched_unknown_and_unconfirmed_callbacks_credit_nothing_and_are_audited(
    backend: Backend,
) {
    let fake = FakeDuitku::start().await;
    let app = duitku_app(backend, &fake).await;
    let user = app.register_user().await;
    let before = balance(&app, &user).await;
    let payment = buy(&app, &user, "starter").await;
    let reference = payment["reference"].as_str().unwrap().to_owned();

    let mut forged = FakeDuitku::callback(&reference, "15000", "00");
    forged.iter_mut().find(|(k, _)| k == "signature").unwrap().1 =
        "0123456789abcdef0123456789abcdef".into();
    let mut wrong_merchant = FakeDuitku::callback(&reference, "15000", "00");
    wrong_merchant[0].1 = "D9999".into();
    let mut missing_signature = FakeDuitku::callback(&reference, "15000", "00");
    missing_signature.retain(|(k, _)| k != "signature");

    // Duitku reports the payment as still pending: a "paid" callback is not enough.
    fake.set_status(&reference, "01", 15000);
    type Case<'a> = (&'a str, Vec<(String, String)>, u16, &'a str);
    let cases: Vec<Case> = vec![
        ("a forged signature", forged, 403, "invalid_signature"),
        ("another merchant", wrong_merchant, 403, "invalid_signature"),
        ("no signature", missing_signature, 400, "missing_field"),
        (
            "a correctly signed smaller amount",
            FakeDuitku::callback(&reference, "1000", "00"),
            422,
            "amount_mismatch",
        ),
        (
            "a correctly signed unknown order",
            FakeDuitku::callback("LMK-does-not-exist", "15000", "00"),
            404,
            "unknown_order",
        ),
        (
            "a success Duitku does not confirm",
            FakeDuitku::callback(&reference, "15000", "00"),
            409,
            "payment_not_confirmed",
        ),
    ];
    for (what, fields, status, code) in &cases {
        let response = callback(&app, fields).await;
        assert_eq!(response.status, *status, "{what}: {}", response.text);
        response.assert_error(*status, code);
    }
    assert_eq!(balance(&app, &user).await, before, "nothing was credited");
    let stored = app
        .get(&format!("/api/payments/{reference}"), &user.access_token)
        .await;
    assert_eq!(stored.body["status"], "pending");
    app.wallet(user.personal_tenant_id)
        .await
        .assert_consistent();

    // Refusals tied to the tenant's payment are in its log; the rest in the platform's.
    let rejected = audit_actions(&app, &user, "payment.callback_rejected").await;
    let reasons: Vec<&str> = rejected
        .iter()
        .map(|e| e["details"]["reason"].as_str().unwrap())
        .collect();
    assert!(reasons.contains(&"amount_mismatch"), "{reasons:?}");
    assert!(reasons.contains(&"payment_not_confirmed"), "{reasons:?}");
    let platform_rejections: i64 = {
        sql::query_scalar(
            "select count(*) from audit_events where action = 'payment.callback_rejected' and tenant_id is null")
            .fetch_one(app.kernel.db())
            .await
        .unwrap()
    };
    assert_eq!(
        platform_rejections, 4,
        "two bad signatures, a missing signature and one unknown order"
    );

    // Once Duitku confirms it, the genuine callback settles it.
    fake.set_status(&reference, "00", 15000);
    let response = callback(&app, &FakeDuitku::callback(&reference, "15000", "00")).await;
    assert_eq!(response.body["status"], "settled", "{}", response.text);
    assert_eq!(balance(&app, &user).await, before + 100);
}

async fn a_failed_payment_credits_nothing_and_a_later_failure_report_changes_nothing(
    backend: Backend,
) {
    let fake = FakeDuitku::start().await;
    let app = duitku_app(backend, &fake).await;
    let user = app.register_user().await;
    let before = balance(&app, &user).await;
    let payment = buy(&app, &user, "starter").await;
    let reference = payment["reference"].as_str().unwrap().to_owned();

    let response = callback(&app, &FakeDuitku::callback(&reference, "15000", "01")).await;
    response.assert_status(200);
    assert_eq!(response.body["status"], "failed");
    assert_eq!(balance(&app, &user).await, before);
    let stored = app
        .get(&format!("/api/payments/{reference}"), &user.access_token)
        .await;
    assert_eq!(stored.body["status"], "failed");
    assert_eq!(fake.status_calls(), 0, "a failure needs no confirmation");

    let again = callback(&app, &FakeDuitku::callback(&reference, "15000", "01")).await;
    assert_eq!(again.body["status"], "ignored");
    assert_eq!(audit_actions(&app, &user, "payment.failed").await.len(), 1);
}

async fn a_refused_inquiry_answers_502_and_fails_the_payment(backend: Backend) {
    let fake = FakeDuitku::start().await;
    fake.refuse_inquiries();
    let app = duitku_app(backend, &fake).await;
    let user = app.register_user().await;
    let response = app
        .post(
            "/api/payments",
            &user.access_token,
            json!({ "packageId": "starter" }),
        )
        .await;
    response.assert_error(502, "payment_gateway_error");
    assert!(
        !response.text.contains("Payment channel"),
        "the gateway's words stay in the log"
    );
    let failed = audit_actions(&app, &user, "payment.failed").await;
    assert_eq!(failed.len(), 1);
    assert_eq!(failed[0]["details"]["stage"], "create");
}

async fn the_sandbox_gateway_runs_the_whole_purchase_on_its_own_pages(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let user = app.register_user().await;
    let before = balance(&app, &user).await;
    let payment = buy(&app, &user, "starter").await;
    assert_eq!(payment["gateway"], "sandbox");
    let reference = payment["reference"].as_str().unwrap().to_owned();
    let redirect = payment["redirectUrl"].as_str().unwrap();
    assert_eq!(redirect, app.url(&format!("/pay/sandbox/{reference}")));

    let page = app
        .request(Method::GET, &format!("/pay/sandbox/{reference}"))
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), 200);
    let html = page.text().await.unwrap();
    assert!(html.contains("Rp 15.000"), "{html}");
    assert!(html.contains("sandbox-pay"), "{html}");

    // Pressing "pay" drives the signed callback and lands on the return page.
    let paid = app
        .request(Method::POST, &format!("/pay/sandbox/{reference}"))
        .form(&[("decision", "pay")])
        .send()
        .await
        .unwrap();
    assert_eq!(paid.status(), 200);
    assert_eq!(paid.url().path(), "/pay/return");
    let html = paid.text().await.unwrap();
    assert!(html.contains("Payment successful"), "{html}");

    assert_eq!(balance(&app, &user).await, before + 100);
    app.wallet(user.personal_tenant_id)
        .await
        .assert_consistent();
    // Pressing again (a double click, a back button) credits nothing more.
    let again = app
        .request(Method::POST, &format!("/pay/sandbox/{reference}"))
        .form(&[("decision", "pay")])
        .send()
        .await
        .unwrap();
    assert_eq!(again.status(), 200);
    assert_eq!(balance(&app, &user).await, before + 100);

    // Failing another one credits nothing.
    let failed = buy(&app, &user, "starter").await;
    let failed_ref = failed["reference"].as_str().unwrap();
    let response = app
        .request(Method::POST, &format!("/pay/sandbox/{failed_ref}"))
        .form(&[("decision", "fail")])
        .send()
        .await
        .unwrap();
    assert!(response.text().await.unwrap().contains("Payment failed"));
    assert_eq!(balance(&app, &user).await, before + 100);
    let stored = app
        .get(&format!("/api/payments/{failed_ref}"), &user.access_token)
        .await;
    assert_eq!(stored.body["status"], "failed");

    // A callback signed with anything but the sandbox's key is refused.
    let third = buy(&app, &user, "starter").await;
    let third_ref = third["reference"].as_str().unwrap();
    let mut forged = FakeDuitku::callback(third_ref, "15000", "00");
    forged[0].1 = "LUMIKU-SANDBOX".into();
    callback(&app, &forged)
        .await
        .assert_error(403, "invalid_signature");
    assert_eq!(balance(&app, &user).await, before + 100);
}

async fn the_return_redirect_never_credits(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let user = app.register_user().await;
    let before = balance(&app, &user).await;
    let payment = buy(&app, &user, "starter").await;
    let reference = payment["reference"].as_str().unwrap();
    let page = app
        .request(
            Method::GET,
            &format!("/pay/return?merchantOrderId={reference}&resultCode=00&reference=X"),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), 200);
    assert!(page.text().await.unwrap().contains("Payment pending"));
    assert_eq!(balance(&app, &user).await, before);
    let unknown = app
        .call(
            Method::GET,
            "/pay/return?merchantOrderId=LMK-nope",
            None,
            None,
        )
        .await;
    unknown.assert_error(404, "not_found");
}

async fn payments_are_for_owners_and_admins_and_stay_inside_their_tenant(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let owner = app.register_user().await;
    let member = app.register_user().await;
    let stranger = app.register_user().await;
    let team_id = app.team(&owner, &[(&member, "member")]).await;

    let as_member = app
        .request(Method::POST, "/api/payments")
        .bearer_auth(&member.access_token)
        .header("x-tenant-id", &team_id)
        .json(&json!({ "packageId": "starter" }))
        .send()
        .await
        .unwrap();
    assert_eq!(as_member.status(), 403);

    let payment = buy(&app, &owner, "starter").await;
    let reference = payment["reference"].as_str().unwrap();
    let invoice_id = payment["invoiceId"].as_str().unwrap();
    app.get(
        &format!("/api/payments/{reference}"),
        &stranger.access_token,
    )
    .await
    .assert_error(404, "not_found");
    app.get(
        &format!("/api/invoices/{invoice_id}"),
        &stranger.access_token,
    )
    .await
    .assert_error(404, "not_found");
    app.post(
        "/api/payments",
        &stranger.access_token,
        json!({ "invoiceId": invoice_id }),
    )
    .await
    .assert_error(404, "not_found");

    let cases = [
        (json!({}), 422, "neither package nor invoice"),
        (
            json!({ "packageId": "starter", "invoiceId": Uuid::now_v7() }),
            422,
            "both",
        ),
        (
            json!({ "packageId": "no-such-package" }),
            404,
            "unknown package",
        ),
        (
            json!({ "packageId": "starter", "paymentMethod": "not a code" }),
            422,
            "bad method",
        ),
    ];
    for (body, status, what) in cases {
        let response = app.post("/api/payments", &owner.access_token, body).await;
        assert_eq!(response.status, status, "{what}: {}", response.text);
    }
}

async fn a_new_payment_of_an_invoice_supersedes_the_pending_one(backend: Backend) {
    let fake = FakeDuitku::start().await;
    let app = duitku_app(backend, &fake).await;
    let user = app.register_user().await;
    let before = balance(&app, &user).await;
    let first = buy(&app, &user, "starter").await;
    let invoice_id = first["invoiceId"].as_str().unwrap();
    let second = app
        .post(
            "/api/payments",
            &user.access_token,
            json!({ "invoiceId": invoice_id, "paymentMethod": "BC" }),
        )
        .await;
    second.assert_status(201);
    assert_eq!(fake.inquiries()[1]["paymentMethod"], "BC");
    let first_ref = first["reference"].as_str().unwrap();
    let second_ref = second.body["reference"].as_str().unwrap();
    let stored = app
        .get(&format!("/api/payments/{first_ref}"), &user.access_token)
        .await;
    assert_eq!(stored.body["status"], "expired");

    // Both were paid at Duitku anyway: the invoice is settled once, the second is flagged.
    fake.set_status(first_ref, "00", 15000);
    fake.set_status(second_ref, "00", 15000);
    let one = callback(&app, &FakeDuitku::callback(second_ref, "15000", "00")).await;
    assert_eq!(one.body["status"], "settled");
    let two = callback(&app, &FakeDuitku::callback(first_ref, "15000", "00")).await;
    assert_eq!(two.body["status"], "duplicate");
    assert_eq!(balance(&app, &user).await, before + 100);
    assert_eq!(
        audit_actions(&app, &user, "payment.duplicate").await.len(),
        1
    );
}
