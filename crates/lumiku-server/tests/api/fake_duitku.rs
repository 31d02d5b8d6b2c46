//! A stand-in for Duitku's V2 API on loopback: the inquiry (checks the request signature the
//! way Duitku does and refuses a wrong one) and the transaction-status call (answers what the
//! test decided). It keeps every request so tests can look at what Lumiku sent.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use lumiku_kernel::payments::{SignatureScheme, Signer};
use serde_json::{Value, json};

pub const MERCHANT: &str = "D0001";
pub const API_KEY: &str = "732B39FC61796845775D2C4FB05332AF";

/// What the status call answers for an order: `00` paid, `01` pending, `02` canceled.
#[derive(Default)]
struct Book {
    inquiries: Vec<Value>,
    status_calls: usize,
    statuses: HashMap<String, (&'static str, i64)>,
    refuse_inquiries: bool,
}

#[derive(Clone)]
pub struct FakeDuitku {
    pub addr: SocketAddr,
    book: Arc<Mutex<Book>>,
}

impl FakeDuitku {
    pub async fn start() -> Self {
        let book = Arc::new(Mutex::new(Book::default()));
        let app = axum::Router::new()
            .route("/webapi/api/merchant/v2/inquiry", post(inquiry))
            .route("/webapi/api/merchant/transactionStatus", post(status))
            .with_state(Arc::clone(&book));
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
        Self { addr, book }
    }

    pub fn base_url(&self) -> String {
        format!("http://{}/webapi", self.addr)
    }

    pub fn signer() -> Signer {
        Signer::new(MERCHANT, API_KEY, SignatureScheme::Md5)
    }

    /// The inquiries received, in order.
    pub fn inquiries(&self) -> Vec<Value> {
        self.book.lock().unwrap().inquiries.clone()
    }

    pub fn status_calls(&self) -> usize {
        self.book.lock().unwrap().status_calls
    }

    /// Makes the status call report `order` as `code` with `amount`.
    pub fn set_status(&self, order: &str, code: &'static str, amount: i64) {
        self.book
            .lock()
            .unwrap()
            .statuses
            .insert(order.to_owned(), (code, amount));
    }

    pub fn refuse_inquiries(&self) {
        self.book.lock().unwrap().refuse_inquiries = true;
    }

    /// A callback for `order` as Duitku would post it, signed with the merchant key.
    pub fn callback(order: &str, amount: &str, result_code: &str) -> Vec<(String, String)> {
        let signature = Self::signer().callback(SignatureScheme::Md5, amount, order);
        vec![
            ("merchantCode".into(), MERCHANT.into()),
            ("amount".into(), amount.into()),
            ("merchantOrderId".into(), order.into()),
            ("productDetail".into(), "Credits".into()),
            ("additionalParam".into(), String::new()),
            ("paymentCode".into(), "VC".into()),
            ("resultCode".into(), result_code.into()),
            ("merchantUserId".into(), String::new()),
            ("reference".into(), format!("DK-{order}")),
            ("signature".into(), signature),
            ("settlementDate".into(), "2026-11-23".into()),
        ]
    }
}

async fn inquiry(State(book): State<Arc<Mutex<Book>>>, Json(body): Json<Value>) -> Response {
    let order = body["merchantOrderId"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    let amount = body["paymentAmount"].as_i64().unwrap_or_default();
    let expected = FakeDuitku::signer().inquiry(&order, amount);
    let mut book = book.lock().unwrap();
    book.inquiries.push(body.clone());
    if book.refuse_inquiries {
        return (
            StatusCode::BAD_REQUEST,
            Json(json!({ "Message": "Payment channel not available" })),
        )
            .into_response();
    }
    if body["merchantCode"] != MERCHANT || body["signature"] != expected.as_str() {
        return (
            StatusCode::UNAUTHORIZED,
            Json(json!({ "Message": "Wrong signature" })),
        )
            .into_response();
    }
    let items_total: i64 = body["itemDetails"]
        .as_array()
        .map(|items| items.iter().filter_map(|i| i["price"].as_i64()).sum())
        .unwrap_or(amount);
    if items_total != amount {
        return (
            StatusCode::CONFLICT,
            Json(json!({ "Message": "Payment amount must be equal to all item price" })),
        )
            .into_response();
    }
    book.statuses.insert(order.clone(), ("01", amount));
    Json(json!({
        "merchantCode": MERCHANT,
        "reference": format!("DK-{order}"),
        "paymentUrl": format!("https://sandbox.duitku.com/topup/v2/TopUpCreditCardPayment.aspx?ref=DK-{order}"),
        "vaNumber": "",
        "amount": amount.to_string(),
        "statusCode": "00",
        "statusMessage": "SUCCESS"
    }))
    .into_response()
}

async fn status(State(book): State<Arc<Mutex<Book>>>, Json(body): Json<Value>) -> Response {
    let order = body["merchantOrderId"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    let mut book = book.lock().unwrap();
    book.status_calls += 1;
    if body["signature"] != FakeDuitku::signer().status(&order).as_str() {
        return (
            StatusCode::UNAUTHORIZED,
            Json(json!({ "Message": "Wrong signature" })),
        )
            .into_response();
    }
    match book.statuses.get(&order) {
        Some((code, amount)) => Json(json!({
            "merchantOrderId": order,
            "reference": format!("DK-{order}"),
            "amount": amount.to_string(),
            "fee": "0.00",
            "statusCode": code,
            "statusMessage": if *code == "00" { "SUCCESS" } else { "PROCESS" },
        }))
        .into_response(),
        None => (
            StatusCode::BAD_REQUEST,
            Json(json!({ "Message": "Transaction not found" })),
        )
            .into_response(),
    }
}
