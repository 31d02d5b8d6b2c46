//! Invoice Generator's tests, on SQLite and PostgreSQL (set `LUMIKU_TEST_POSTGRES_URL` when
//! building for the PostgreSQL half): the per-app checklist, invoices and their figures,
//! numbering, statuses, the PDF, the public link, mail, and the page.

mod checklist;
mod invoices;
mod pages;
mod pdf;
mod sharing;

use lumiku_testkit::{Backend, TestApp, TestResponse, TestUser};
use serde_json::{Value, json};

const BASE: &str = "/api/apps/invoice-generator";

/// What creating an invoice costs, as the manifest says.
fn cost(action: &str) -> i64 {
    invoice_generator::MANIFEST.cost(action).unwrap()
}

async fn spawn(backend: Backend) -> TestApp {
    spawn_with_bonus(backend, 100).await
}

/// A server with only this app, whose new accounts start with `bonus` credits.
async fn spawn_with_bonus(backend: Backend, bonus: i64) -> TestApp {
    TestApp::spawn_with_apps(backend, vec![invoice_generator::app()], |c| {
        c.welcome_bonus_credits = bonus
    })
    .await
}

async fn balance(app: &TestApp, user: &TestUser) -> i64 {
    app.get("/api/credits/balance", &user.access_token)
        .await
        .body["balance"]
        .as_i64()
        .unwrap()
}

/// The business profile every test issues with.
fn profile() -> Value {
    json!({
        "businessName": "Toko Maju Jaya",
        "address": "Jl. Merdeka No. 10\nBandung 40111",
        "email": "billing@tokomaju.example",
        "phone": "+62 22 555 0100",
        "taxId": "01.234.567.8-901.000",
        "bankDetails": "BCA 123-456-7890 a.n. Toko Maju Jaya",
        "defaultTerms": "Payment within 14 days.",
    })
}

async fn save_profile(app: &TestApp, user: &TestUser) {
    app.put(&format!("{BASE}/profile"), &user.access_token, profile())
        .await
        .assert_status(200);
}

async fn create_client(app: &TestApp, user: &TestUser, name: &str) -> String {
    let created = app
        .post(
            &format!("{BASE}/clients"),
            &user.access_token,
            json!({
                "name": name,
                "email": "finance@sinar.example",
                "address": "Jl. Sudirman 5\nJakarta",
                "taxId": "02.345.678.9-012.000",
            }),
        )
        .await;
    created.assert_status(201);
    created.body["client"]["id"].as_str().unwrap().to_owned()
}

/// The lines worked out by hand in `money.rs`: 1.154.550 in total.
fn sample_lines() -> Value {
    json!([
        { "description": "Website design", "quantity": 3, "unitPrice": 150000,
          "discountBasisPoints": 1000, "taxBasisPoints": 1100 },
        { "description": "Consulting (hours)", "quantity": "1.5", "unitPrice": 333333,
          "taxBasisPoints": 1100 },
        { "description": "Hosting setup", "quantity": 2, "unitPrice": 100000,
          "discountAmount": 50000 },
    ])
}

async fn create_invoice(
    app: &TestApp,
    user: &TestUser,
    client: &str,
    lines: Value,
) -> TestResponse {
    app.post(
        &format!("{BASE}/invoices"),
        &user.access_token,
        json!({ "clientId": client, "issueDate": "2026-03-09", "dueDate": "2099-03-23", "lines": lines }),
    )
    .await
}

/// A user with a profile, a client and one draft of [`sample_lines`]: (client id, invoice id).
async fn with_draft(app: &TestApp, user: &TestUser) -> (String, String) {
    save_profile(app, user).await;
    let client = create_client(app, user, "PT Sinar Abadi").await;
    let created = create_invoice(app, user, &client, sample_lines()).await;
    created.assert_status(201);
    let id = created.body["invoice"]["id"].as_str().unwrap().to_owned();
    (client, id)
}

async fn issue(app: &TestApp, user: &TestUser, id: &str) -> TestResponse {
    app.post(
        &format!("{BASE}/invoices/{id}/issue"),
        &user.access_token,
        json!({}),
    )
    .await
}

/// Polls `GET path` until `done` holds on its body (ten seconds at most).
async fn eventually(
    app: &TestApp,
    user: &TestUser,
    path: &str,
    done: impl Fn(&Value) -> bool,
) -> Value {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    loop {
        let body = app.get(path, &user.access_token).await.body;
        if done(&body) || std::time::Instant::now() > deadline {
            return body;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
}

/// Runs a poppler tool (`pdftotext`, `pdftoppm`, `pdfimages`); they come with `poppler-utils`,
/// which CI installs.
fn poppler(tool: &str, args: &[&str]) -> String {
    let output = std::process::Command::new(tool)
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("{tool} did not run ({e}): install poppler-utils"));
    assert!(
        output.status.success(),
        "{tool} failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout).into_owned()
}

/// Where tests leave files worth looking at: `target/test-output/invoice-generator`.
fn output_dir() -> std::path::PathBuf {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../target/test-output/invoice-generator");
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// The text of a PDF, laid out as on the page.
fn pdf_text(bytes: &[u8], name: &str) -> String {
    assert!(bytes.starts_with(b"%PDF-"), "not a PDF");
    let path = output_dir().join(name);
    std::fs::write(&path, bytes).unwrap();
    poppler("pdftotext", &["-layout", path.to_str().unwrap(), "-"])
}
