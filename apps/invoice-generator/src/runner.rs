//! The app's background jobs.
//!
//! - **overdue**: queued when an invoice is issued, due the day after its due date; marks it
//!   `overdue` if it is still `sent` (paying or voiding it cancels the job).
//! - **send**: queued with a paid `sendInvoice` request; renders the PDF, mails it through the
//!   platform and records the delivery `sent`. A mail server that fails is retried (five attempts
//!   with a backoff); after the last, or at once for a recipient the server refuses, the delivery
//!   is recorded `failed` with the reason.

use chrono::Utc;
use lumiku_plugin::ApiError;
use lumiku_plugin::jobs::{JobRun, Outcome};
use lumiku_plugin::mail::{Attachment, Mail};
use serde::Deserialize;
use serde_json::json;
use uuid::Uuid;

use crate::store;

/// The overdue check's kind.
pub const OVERDUE: &str = "overdue";
/// The mailing's kind.
pub const SEND: &str = "send";

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct InvoicePayload {
    invoice_id: Uuid,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct DeliveryPayload {
    delivery_id: Uuid,
}

/// Runs one job of the app.
pub async fn run(run: JobRun) -> Result<Outcome, ApiError> {
    match run.kind() {
        OVERDUE => overdue(run).await,
        SEND => send(run).await,
        other => Ok(Outcome::Failed {
            error: format!("no job of kind '{other}'"),
            retry: false,
        }),
    }
}

async fn overdue(run: JobRun) -> Result<Outcome, ApiError> {
    let payload: InvoicePayload = match run.payload_as() {
        Ok(payload) => payload,
        Err(outcome) => return Ok(outcome),
    };
    let mut tx = run.begin().await?;
    let today = Utc::now().date_naive();
    let changed = store::mark_overdue(tx.tx(), run.tenant_id(), payload.invoice_id, today).await?;
    if changed {
        let invoice = store::invoice(tx.tx(), run.tenant_id(), payload.invoice_id).await?;
        tx.emit_webhook(
            "invoice.overdue",
            crate::routes::event_data(&invoice.invoice),
        )
        .await?;
    }
    tx.finish(json!({ "overdue": changed }), Outcome::Succeeded)
        .await?;
    Ok(Outcome::Succeeded)
}

/// The mail's text.
fn body(
    client: &str,
    message: Option<&str>,
    number: &str,
    business: &str,
    total: &str,
    due: &str,
    bank: Option<&str>,
) -> String {
    let mut text = format!("Hello {client},\n\n");
    if let Some(message) = message {
        text.push_str(message);
        text.push_str("\n\n");
    }
    text.push_str(&format!(
        "Please find attached invoice {number} from {business} for {total}, due {due}.\n\n"
    ));
    if let Some(bank) = bank {
        text.push_str(&format!("Payment details:\n{bank}\n\n"));
    }
    text.push_str(&format!("Thank you,\n{business}\n"));
    text
}

async fn send(run: JobRun) -> Result<Outcome, ApiError> {
    let payload: DeliveryPayload = match run.payload_as() {
        Ok(payload) => payload,
        Err(outcome) => return Ok(outcome),
    };
    let tenant = run.tenant_id();
    let mut tx = run.read().await?;
    let Some((delivery, message)) = store::delivery(&mut tx, tenant, payload.delivery_id).await?
    else {
        return Ok(Outcome::Skipped {
            reason: "delivery_deleted".into(),
        });
    };
    if delivery.status != "queued" {
        return Ok(Outcome::Skipped {
            reason: format!("delivery_{}", delivery.status),
        });
    }
    let stored = store::invoice(&mut tx, tenant, delivery.invoice_id).await?;
    let (profile, logo) = store::profile(&mut tx, tenant).await?;
    drop(tx);
    let (seller, logo) = crate::routes::seller_of(&run.blobs(), &stored, profile, logo).await?;
    let invoice = stored.invoice;
    let number = invoice.summary.number.clone().unwrap_or_default();
    let text = body(
        &invoice.billed_to.name,
        message.as_deref(),
        &number,
        &seller.business_name,
        &invoice.summary.total_formatted,
        &invoice.summary.due_date,
        seller.bank_details.as_deref(),
    );
    let mail = Mail {
        to: delivery.recipient.clone(),
        reply_to: seller.email.clone(),
        subject: format!("Invoice {number} from {}", seller.business_name),
        text,
        attachments: Vec::new(),
    };
    let filename = crate::routes::pdf_name(&invoice);
    let pdf = crate::routes::render_pdf(invoice, seller, logo).await?;
    let mail = Mail {
        attachments: vec![Attachment {
            filename,
            content_type: "application/pdf".into(),
            bytes: pdf,
        }],
        ..mail
    };
    match run.send_mail(mail).await {
        Ok(()) => {
            let mut tx = run.begin().await?;
            store::finish_delivery(tx.tx(), tenant, delivery.id, None).await?;
            tx.finish(json!({ "deliveryId": delivery.id }), Outcome::Succeeded)
                .await?;
            Ok(Outcome::Succeeded)
        }
        Err(error) => {
            // A recipient the server refuses, or no mail at all, will not get better by waiting.
            let permanent = matches!(error.status().as_u16(), 422 | 503);
            if !permanent && !run.is_last_attempt() {
                return Ok(Outcome::failed(error.message().to_owned()));
            }
            let outcome = Outcome::Failed {
                error: error.message().to_owned(),
                retry: false,
            };
            let mut tx = run.begin().await?;
            store::finish_delivery(tx.tx(), tenant, delivery.id, Some(error.message())).await?;
            tx.finish(json!({ "deliveryId": delivery.id }), outcome.clone())
                .await?;
            Ok(outcome)
        }
    }
}
