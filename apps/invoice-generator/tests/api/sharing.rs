//! The client's public link and mailing an invoice with its PDF.

use base64::Engine as _;
use lumiku_testkit::{Backend, MailSink, TestApp, backend_tests};
use reqwest::Method;
use serde_json::json;

use crate::{BASE, balance, cost, eventually, issue, pdf_text, spawn, with_draft};

backend_tests!(
    the_public_link_shows_the_invoice_until_revoked,
    public_links_cannot_be_guessed_or_crossed_between_tenants,
    an_invoice_is_mailed_with_its_pdf_attached,
    without_mail_configured_sending_is_refused_before_any_charge,
);

async fn anonymous(app: &TestApp, path: &str) -> reqwest::Response {
    app.client.get(app.url(path)).send().await.unwrap()
}

async fn the_public_link_shows_the_invoice_until_revoked(backend: Backend) {
    let app = spawn(backend).await;
    let user = app.register_user().await;
    let (_, id) = with_draft(&app, &user).await;
    issue(&app, &user, &id).await.assert_status(200);
    let made = app
        .post(
            &format!("{BASE}/invoices/{id}/link"),
            &user.access_token,
            json!({}),
        )
        .await;
    made.assert_status(200);
    let path = made.body["publicPath"].as_str().unwrap().to_owned();
    assert!(path.starts_with(&format!("{BASE}/public/invoices/")));
    let page = anonymous(&app, &path).await;
    assert_eq!(page.status(), 200);
    assert_eq!(page.headers()["cache-control"], "private, no-store");
    let html = page.text().await.unwrap();
    for expected in [
        "INV-2026-0001",
        "Toko Maju Jaya",
        "PT Sinar Abadi",
        "Rp 1.154.550",
        "Website design",
    ] {
        assert!(html.contains(expected), "{expected}: {html}");
    }
    let pdf = anonymous(&app, &format!("{path}/pdf")).await;
    assert_eq!(pdf.status(), 200);
    assert_eq!(pdf.headers()["content-type"], "application/pdf");
    let text = pdf_text(
        &pdf.bytes().await.unwrap(),
        &format!("public-{backend:?}.pdf").to_lowercase(),
    );
    assert!(text.contains("Rp 1.154.550") && text.contains("INV-2026-0001"));
    let css = anonymous(&app, &format!("{BASE}/public/invoice.css")).await;
    assert_eq!(css.status(), 200);
    // The owner sees the link; making it again replaces it.
    let again = app
        .post(
            &format!("{BASE}/invoices/{id}/link"),
            &user.access_token,
            json!({}),
        )
        .await;
    let new_path = again.body["publicPath"].as_str().unwrap().to_owned();
    assert_ne!(new_path, path);
    assert_eq!(anonymous(&app, &path).await.status(), 404);
    assert_eq!(anonymous(&app, &new_path).await.status(), 200);
    let shown = app
        .get(&format!("{BASE}/invoices/{id}"), &user.access_token)
        .await;
    assert_eq!(shown.body["invoice"]["publicPath"], new_path.as_str());
    // Revoked, it is gone.
    app.delete(&format!("{BASE}/invoices/{id}/link"), &user.access_token)
        .await
        .assert_status(200);
    assert_eq!(anonymous(&app, &new_path).await.status(), 404);
    assert_eq!(
        anonymous(&app, &format!("{new_path}/pdf")).await.status(),
        404
    );
}

async fn public_links_cannot_be_guessed_or_crossed_between_tenants(backend: Backend) {
    let app = spawn(backend).await;
    let ana = app.register_user().await;
    let budi = app.register_user().await;
    let (_, id) = with_draft(&app, &ana).await;
    issue(&app, &ana, &id).await.assert_status(200);
    let path = app
        .post(
            &format!("{BASE}/invoices/{id}/link"),
            &ana.access_token,
            json!({}),
        )
        .await
        .body["publicPath"]
        .as_str()
        .unwrap()
        .to_owned();
    let token = path.rsplit('/').next().unwrap().to_owned();
    let engine = base64::engine::general_purpose::URL_SAFE_NO_PAD;
    let mut bytes = engine.decode(&token).unwrap();
    // The same secret under Budi's tenant, a changed secret, a short token, garbage.
    let mut crossed = bytes.clone();
    crossed[..16].copy_from_slice(budi.personal_tenant_id.as_bytes());
    bytes[30] ^= 1;
    for forged in [
        engine.encode(&crossed),
        engine.encode(&bytes),
        token[..20].to_owned(),
        "not-a-token".to_owned(),
    ] {
        let response = anonymous(&app, &format!("{BASE}/public/invoices/{forged}")).await;
        assert_eq!(response.status(), 404, "{forged}");
    }
    // A draft of Budi's never has a link, and Budi cannot touch Ana's.
    app.call(
        Method::DELETE,
        &format!("{BASE}/invoices/{id}/link"),
        Some(&budi.access_token),
        None,
    )
    .await
    .assert_error(404, "not_found");
    assert_eq!(anonymous(&app, &path).await.status(), 200);
}

/// The bytes of the part of a MIME message with `content_type`, base64-decoded.
fn attachment(message: &str, content_type: &str) -> Option<Vec<u8>> {
    let boundary = message
        .split("boundary=\"")
        .nth(1)?
        .split('"')
        .next()?
        .to_owned();
    message
        .split(&format!("--{boundary}"))
        .find(|part| {
            part.to_ascii_lowercase()
                .contains(&format!("content-type: {content_type}"))
        })
        .and_then(|part| part.split_once("\n\n"))
        .map(|(_, body)| {
            body.chars()
                .filter(|c| !c.is_whitespace())
                .collect::<String>()
        })
        .and_then(|b64| base64::engine::general_purpose::STANDARD.decode(b64).ok())
}

async fn an_invoice_is_mailed_with_its_pdf_attached(backend: Backend) {
    let sink = MailSink::start().await;
    let app = TestApp::spawn_with_apps(backend, vec![invoice_generator::app()], |c| {
        c.welcome_bonus_credits = 100;
        c.smtp_url = Some(lumiku_testkit::Secret::from(sink.url()));
        c.mail_from = "Lumiku <no-reply@lumiku.example>".into();
    })
    .await;
    let user = app.register_user().await;
    // With mail configured, the bonus waits for the address: prove it with the mailed link.
    let verification = sink.messages(1).await;
    let token = verification[0]
        .split("verify-email?token=")
        .nth(1)
        .and_then(|rest| rest.split_whitespace().next())
        .expect("a verification link")
        .to_owned();
    app.call(
        Method::POST,
        "/api/auth/verify-email",
        None,
        Some(json!({ "token": token })),
    )
    .await
    .assert_status(200);
    let (_, id) = with_draft(&app, &user).await;
    // A draft is not sent.
    app.post(
        &format!("{BASE}/invoices/{id}/send"),
        &user.access_token,
        json!({}),
    )
    .await
    .assert_error(409, "invoice_not_issued");
    issue(&app, &user, &id).await.assert_status(200);
    let before = balance(&app, &user).await;
    app.post(
        &format!("{BASE}/invoices/{id}/send"),
        &user.access_token,
        json!({ "to": "not an address" }),
    )
    .await
    .assert_status(422);
    let sent = app
        .post(
            &format!("{BASE}/invoices/{id}/send"),
            &user.access_token,
            json!({ "message": "Terima kasih atas kerja samanya." }),
        )
        .await;
    sent.assert_status(202);
    assert_eq!(sent.body["creditUsed"], cost("sendInvoice"));
    assert_eq!(sent.body["delivery"]["status"], "queued");
    assert_eq!(sent.body["delivery"]["recipient"], "finance@sinar.example");
    assert_eq!(balance(&app, &user).await, before - cost("sendInvoice"));

    let mails = sink.messages(2).await;
    assert_eq!(mails.len(), 2, "the invoice was not mailed");
    let mail = &mails[1];
    assert!(mail.contains("To: finance@sinar.example"), "{mail}");
    assert!(
        mail.contains("Subject: Invoice INV-2026-0001 from Toko Maju Jaya"),
        "{mail}"
    );
    assert!(
        mail.contains("Reply-To: billing@tokomaju.example"),
        "{mail}"
    );
    let pdf = attachment(mail, "application/pdf").expect("a PDF attached");
    let text = pdf_text(&pdf, &format!("mailed-{backend:?}.pdf").to_lowercase());
    assert!(
        text.contains("INV-2026-0001") && text.contains("Rp 1.154.550"),
        "{text}"
    );
    let delivered = eventually(&app, &user, &format!("{BASE}/invoices/{id}"), |b| {
        b["deliveries"][0]["status"] == "sent"
    })
    .await;
    assert_eq!(delivered["deliveries"][0]["status"], "sent", "{delivered}");
    assert!(delivered["deliveries"][0]["sentAt"].is_string());
    app.wallet(user.personal_tenant_id)
        .await
        .assert_consistent();
}

async fn without_mail_configured_sending_is_refused_before_any_charge(backend: Backend) {
    let app = spawn(backend).await;
    let user = app.register_user().await;
    let (_, id) = with_draft(&app, &user).await;
    issue(&app, &user, &id).await.assert_status(200);
    let before = app.wallet(user.personal_tenant_id).await;
    app.post(
        &format!("{BASE}/invoices/{id}/send"),
        &user.access_token,
        json!({}),
    )
    .await
    .assert_error(503, "mail_not_configured");
    assert_eq!(app.wallet(user.personal_tenant_id).await, before);
    let shown = app
        .get(&format!("{BASE}/invoices/{id}"), &user.access_token)
        .await;
    assert_eq!(shown.body["deliveries"], json!([]));
}
