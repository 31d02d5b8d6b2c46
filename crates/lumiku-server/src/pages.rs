//! Server-rendered pages outside the JSON API: the sandbox gateway's payment page, the page a
//! gateway sends the payer back to, printable invoices, and the stylesheet they share.

use askama::Template;
use axum::Router;
use axum::extract::State;
use axum::http::header::{CACHE_CONTROL, CONTENT_TYPE};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::get;
use chrono::{DateTime, Utc};
use lumiku_kernel::billing::Invoice;
use lumiku_plugin::ApiError;
use lumiku_plugin::extract::{Form, Path, Query};
use serde::Deserialize;

use crate::AppState;
use crate::extract::Client;

/// The page routes, outside the API document (they answer HTML and CSS, not JSON): the printable
/// invoice among them.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/assets/lumiku.css", get(stylesheet))
        .route(
            "/pay/sandbox/{reference}",
            get(sandbox_page).post(sandbox_decide),
        )
        .route("/pay/return", get(payment_return))
        .route(
            "/api/invoices/{id}/print",
            get(crate::routes::billing::print_invoice),
        )
}

const STYLESHEET: &str = include_str!("../assets/lumiku.css");

/// Whole numbers grouped the Indonesian way: `1.234.567`.
pub fn group_digits(value: i64) -> String {
    let digits = value.unsigned_abs().to_string();
    let mut grouped = String::with_capacity(digits.len() + digits.len() / 3 + 1);
    if value < 0 {
        grouped.push('-');
    }
    for (i, digit) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            grouped.push('.');
        }
        grouped.push(digit);
    }
    grouped
}

/// Rupiah as people write them: `Rp 49.000`.
pub fn format_idr(amount: i64) -> String {
    let sign = if amount < 0 { "-" } else { "" };
    format!("{sign}Rp {}", group_digits(amount.abs()))
}

fn format_date(time: DateTime<Utc>) -> String {
    time.format("%d %b %Y").to_string()
}

fn format_time(time: DateTime<Utc>) -> String {
    time.format("%d %b %Y %H:%M UTC").to_string()
}

fn render(template: &impl Template) -> Result<Html<String>, ApiError> {
    template.render().map(Html).map_err(ApiError::internal)
}

/// The shared stylesheet.
async fn stylesheet() -> Response {
    (
        [
            (CONTENT_TYPE, "text/css; charset=utf-8"),
            (CACHE_CONTROL, "public, max-age=3600"),
        ],
        STYLESHEET,
    )
        .into_response()
}

struct InvoiceLine {
    description: String,
    quantity: i64,
    unit_price: String,
    amount: String,
}

#[derive(Template)]
#[template(path = "invoice.html")]
struct InvoicePage {
    number: String,
    description: String,
    status: String,
    tenant_name: String,
    issued: String,
    due: String,
    paid: Option<String>,
    period: Option<String>,
    lines: Vec<InvoiceLine>,
    currency: String,
    total: String,
}

/// The printable page of `invoice`, billed to `tenant_name`.
pub fn invoice_page(invoice: &Invoice, tenant_name: &str) -> Result<Html<String>, ApiError> {
    let page = InvoicePage {
        number: invoice.display_number.clone().unwrap_or_default(),
        description: invoice.description.clone(),
        status: invoice.status.as_str().to_owned(),
        tenant_name: tenant_name.to_owned(),
        issued: invoice.issued_at.map(format_date).unwrap_or_default(),
        due: invoice.due_at.map(format_date).unwrap_or_default(),
        paid: invoice.paid_at.map(format_date),
        period: invoice
            .period_start
            .zip(invoice.period_end)
            .map(|(start, end)| format!("{} to {}", format_date(start), format_date(end))),
        lines: invoice
            .items
            .iter()
            .map(|item| InvoiceLine {
                description: item.description.clone(),
                quantity: item.quantity,
                unit_price: format_idr(item.unit_price_idr),
                amount: format_idr(item.amount_idr),
            })
            .collect(),
        currency: invoice.currency.clone(),
        total: format_idr(invoice.total_idr),
    };
    render(&page)
}

#[derive(Template)]
#[template(path = "sandbox_pay.html")]
struct SandboxPage {
    reference: String,
    amount: String,
    description: String,
    status: String,
    expires: String,
    decided: bool,
    decision: &'static str,
}

/// The sandbox gateway's payment page, with a pay and a fail button.
async fn sandbox_page(
    State(state): State<AppState>,
    Path(reference): Path<String>,
) -> Result<Html<String>, ApiError> {
    let payment = state.kernel.sandbox_payment(&reference).await?;
    render(&SandboxPage {
        amount: format_idr(payment.amount_idr),
        description: payment.description,
        status: payment.status,
        expires: format_time(payment.expires_at),
        decided: payment.result_code.is_some(),
        decision: if payment.result_code.as_deref() == Some("00") {
            "paid"
        } else {
            "failed"
        },
        reference: payment.reference,
    })
}

/// The sandbox page's decision.
#[derive(Debug, Deserialize)]
pub struct SandboxDecision {
    /// `pay` or `fail`.
    decision: String,
}

/// Pays or fails a sandbox payment: sends the gateway's signed callback through the same
/// handler Duitku's callbacks use, then redirects to the return page as Duitku would.
async fn sandbox_decide(
    State(state): State<AppState>,
    Client(client): Client,
    Path(reference): Path<String>,
    Form(form): Form<SandboxDecision>,
) -> Result<Redirect, ApiError> {
    let pay = match form.decision.as_str() {
        "pay" => true,
        "fail" => false,
        _ => {
            return Err(ApiError::bad_request(
                "invalid_decision",
                "decision must be pay or fail",
            ));
        }
    };
    let (_, query) = state
        .kernel
        .sandbox_decide(&reference, pay, &client)
        .await?;
    Ok(Redirect::to(&format!("/pay/return?{query}")))
}

/// What a gateway appends to the return URL. Only the order id is read: the result shown is the
/// stored one, so the `resultCode` and `reference` the gateway also appends are ignored.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ReturnQuery {
    /// Our payment reference.
    merchant_order_id: String,
}

#[derive(Template)]
#[template(path = "payment_return.html")]
struct ReturnPage {
    status: &'static str,
    message: &'static str,
    reference: String,
    amount: String,
    continue_url: &'static str,
}

/// Where the gateway sends the payer back. Shows the payment's stored status; it never credits
/// anything (the signed callback does).
async fn payment_return(
    State(state): State<AppState>,
    Query(query): Query<ReturnQuery>,
) -> Result<Html<String>, ApiError> {
    use lumiku_kernel::payments::PaymentStatus;
    let payment = state
        .kernel
        .payment_status(&query.merchant_order_id)
        .await?;
    let (status, message) = match payment.status {
        PaymentStatus::Success => (
            "successful",
            "Thank you: the payment is confirmed and applied.",
        ),
        PaymentStatus::Pending => (
            "pending",
            "The gateway has not confirmed the payment yet. It is applied as soon as it does.",
        ),
        PaymentStatus::Failed => (
            "failed",
            "The payment did not go through. Nothing was charged.",
        ),
        PaymentStatus::Expired => ("expired", "The payment expired before it was completed."),
    };
    render(&ReturnPage {
        status,
        message,
        reference: payment.reference,
        amount: format_idr(payment.amount_idr),
        continue_url: "/credits",
    })
}

#[cfg(test)]
mod tests {
    use super::format_idr;

    #[test]
    fn rupiah_are_grouped_by_thousands_with_dots() {
        assert_eq!(format_idr(0), "Rp 0");
        assert_eq!(format_idr(999), "Rp 999");
        assert_eq!(format_idr(15000), "Rp 15.000");
        assert_eq!(format_idr(1_234_567), "Rp 1.234.567");
        assert_eq!(format_idr(-49000), "-Rp 49.000");
    }
}
