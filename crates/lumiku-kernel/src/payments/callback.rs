//! The gateway's callback: verified, matched to a stored payment, confirmed with the gateway's
//! status call, then settled once (see [`super`]).

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use lumiku_store::now;
use lumiku_store::sql::{self, Json};
use serde::Serialize;
use serde_json::{Value, json};
use uuid::Uuid;

use crate::audit::{self, NewAuditEvent, action};
use crate::billing::{self, Settlement};
use crate::context::ClientInfo;
use crate::error::{CallbackRejection, Error, Result};
use crate::kernel::Kernel;

use super::checkout::PaymentRow;
use super::duitku;
use super::gateway::GatewayState;
use super::signature::{SignatureScheme, Signer};

/// A gateway callback in Duitku's format (form fields by name).
#[derive(Debug, Clone, Default)]
pub struct Callback {
    /// Every field as received, kept with the payment.
    pub fields: BTreeMap<String, String>,
}

impl Callback {
    fn field(&self, name: &str) -> Option<&str> {
        self.fields
            .get(name)
            .map(String::as_str)
            .filter(|v| !v.is_empty())
    }
}

/// What a callback did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum CallbackOutcome {
    /// The payment succeeded now and its invoice was settled.
    Settled,
    /// The payment had already been settled: nothing changed.
    AlreadySettled,
    /// The payment succeeded but its invoice had been paid by another payment: recorded for a
    /// refund, nothing credited.
    Duplicate,
    /// The payment failed now.
    Failed,
    /// A failure report for a payment no longer pending: nothing changed.
    Ignored,
}

impl Kernel {
    /// Handles a gateway callback: verifies its signature, matches it to a stored payment by order
    /// id and amount, confirms a success with the gateway's status call, then settles the payment
    /// once. A refused callback changes nothing and is audited.
    pub async fn handle_payment_callback(
        &self,
        callback: &Callback,
        client: &ClientInfo,
    ) -> Result<CallbackOutcome> {
        let outcome = self.handle_callback(callback, client).await;
        crate::observe::payment_callback(match &outcome {
            Ok(CallbackOutcome::Settled) => "settled",
            Ok(CallbackOutcome::AlreadySettled) => "already_settled",
            Ok(CallbackOutcome::Duplicate) => "duplicate",
            Ok(CallbackOutcome::Failed) => "failed",
            Ok(CallbackOutcome::Ignored) => "ignored",
            Err(Error::CallbackRejected(_)) => "refused",
            Err(_) => "error",
        });
        outcome
    }

    async fn handle_callback(
        &self,
        callback: &Callback,
        client: &ClientInfo,
    ) -> Result<CallbackOutcome> {
        let nul = |text: &String| text.contains('\0');
        if callback.fields.iter().any(|(k, v)| nul(k) || nul(v)) {
            return Err(self
                .reject_callback(callback, None, CallbackRejection::Malformed, client)
                .await);
        }
        let required = [
            "merchantCode",
            "amount",
            "merchantOrderId",
            "resultCode",
            "signature",
        ]
        .map(|name| callback.field(name));
        let [
            Some(merchant_code),
            Some(amount_text),
            Some(order_id),
            Some(result_code),
            Some(signature),
        ] = required
        else {
            return Err(self
                .reject_callback(callback, None, CallbackRejection::MissingField, client)
                .await);
        };
        if order_id.len() > 100 {
            return Err(self
                .reject_callback(callback, None, CallbackRejection::Malformed, client)
                .await);
        }

        if !self
            .gateway
            .signer()
            .verify_callback(merchant_code, amount_text, order_id, signature)
        {
            return Err(self
                .reject_callback(callback, None, CallbackRejection::InvalidSignature, client)
                .await);
        }
        let payment = self.find_payment(order_id).await?;
        let Some(payment) = payment.filter(|p| p.gateway == self.gateway.name()) else {
            return Err(self
                .reject_callback(callback, None, CallbackRejection::UnknownOrder, client)
                .await);
        };
        if duitku::parse_amount(amount_text) != Some(payment.amount_idr) {
            return Err(self
                .reject_callback(
                    callback,
                    Some(payment.tenant_id),
                    CallbackRejection::AmountMismatch,
                    client,
                )
                .await);
        }

        match result_code {
            "00" => {
                // Confirm with the gateway itself before any money moves.
                let status = self
                    .gateway
                    .status(&payment.reference)
                    .await
                    .map_err(|e| Error::Gateway(e.to_string()))?;
                if status.state != GatewayState::Paid
                    || status.amount_idr.is_some_and(|a| a != payment.amount_idr)
                {
                    return Err(self
                        .reject_callback(
                            callback,
                            Some(payment.tenant_id),
                            CallbackRejection::Unconfirmed,
                            client,
                        )
                        .await);
                }
                self.settle_payment(&payment, callback, status.gateway_reference, client)
                    .await
            }
            _ => self.fail_payment(&payment, callback, client).await,
        }
    }

    async fn settle_payment(
        &self,
        payment: &PaymentRow,
        callback: &Callback,
        gateway_reference: Option<String>,
        client: &ClientInfo,
    ) -> Result<CallbackOutcome> {
        let now = now();
        let mut tx = self.db.begin().await?;
        // The claim: only the transaction that moves the payment to success goes on.
        let claimed = sql::query(
            "update payments set status = 'success', paid_at = $2, updated_at = $2, \
             gateway_reference = coalesce($3, gateway_reference), payment_method = coalesce($4, payment_method), \
             callback_data = $5 where id = $1 and status <> 'success'")
            .bind(payment.id)
            .bind(now)
            .bind(gateway_reference.or_else(|| callback.field("reference").map(str::to_owned)))
            .bind(callback.field("paymentCode"))
            .bind(Json(&callback.fields))
            .execute(&mut tx)
            .await
            .map(|r| r.rows_affected())?;
        if claimed == 0 {
            tx.commit().await?;
            return Ok(CallbackOutcome::AlreadySettled);
        }
        let settlement = billing::settle_invoice(
            &mut tx,
            payment.tenant_id,
            payment.invoice_id,
            &payment.reference,
            payment.created_by,
            now,
        )
        .await?;
        let (outcome, audit_action) = match settlement {
            Settlement::Applied => (CallbackOutcome::Settled, action::PAYMENT_SUCCEEDED),
            Settlement::AlreadyPaid => (CallbackOutcome::Duplicate, action::PAYMENT_DUPLICATE),
        };
        audit::record(
            &mut tx,
            NewAuditEvent {
                tenant_id: Some(payment.tenant_id),
                actor_user_id: None,
                action: audit_action,
                target_type: Some("payment"),
                target_id: Some(payment.reference.clone()),
                ip_address: client.ip.as_deref(),
                details: json!({ "invoiceId": payment.invoice_id, "amountIdr": payment.amount_idr, "gateway": payment.gateway }),
            },
        )
        .await?;
        tx.commit().await?;
        if outcome == CallbackOutcome::Duplicate {
            tracing::warn!(reference = %payment.reference, "a second payment of an already paid invoice succeeded; refund it");
        }
        Ok(outcome)
    }

    async fn fail_payment(
        &self,
        payment: &PaymentRow,
        callback: &Callback,
        client: &ClientInfo,
    ) -> Result<CallbackOutcome> {
        let now = now();
        let mut tx = self.db.begin().await?;
        let changed = sql::query(
            "update payments set status = 'failed', updated_at = $2, callback_data = $3 \
             where id = $1 and status in ('pending', 'expired')",
        )
        .bind(payment.id)
        .bind(now)
        .bind(Json(&callback.fields))
        .execute(&mut tx)
        .await
        .map(|r| r.rows_affected())?;
        if changed == 1 {
            audit::record(
                &mut tx,
                NewAuditEvent {
                    tenant_id: Some(payment.tenant_id),
                    actor_user_id: None,
                    action: action::PAYMENT_FAILED,
                    target_type: Some("payment"),
                    target_id: Some(payment.reference.clone()),
                    ip_address: client.ip.as_deref(),
                    details: json!({ "stage": "callback", "resultCode": callback.field("resultCode") }),
                },
            )
            .await?;
        }
        tx.commit().await?;
        Ok(if changed == 1 {
            CallbackOutcome::Failed
        } else {
            CallbackOutcome::Ignored
        })
    }

    /// Audits a refused callback (on its own transaction: the refusal changes nothing else) and
    /// returns the error to answer with.
    async fn reject_callback(
        &self,
        callback: &Callback,
        tenant_id: Option<Uuid>,
        rejection: CallbackRejection,
        client: &ClientInfo,
    ) -> Error {
        tracing::warn!(
            order = callback.field("merchantOrderId").unwrap_or_default(),
            reason = rejection.code(),
            "refused a payment callback"
        );
        let recorded = async {
            let mut tx = self.db.begin().await?;
            audit::record(
                &mut tx,
                NewAuditEvent {
                    tenant_id,
                    actor_user_id: None,
                    action: action::PAYMENT_CALLBACK_REJECTED,
                    target_type: Some("payment"),
                    target_id: callback.field("merchantOrderId").map(storable),
                    ip_address: client.ip.as_deref(),
                    details: json!({ "reason": rejection.code(), "fields": callback_for_audit(callback) }),
                },
            )
            .await?;
            tx.commit().await?;
            Ok::<_, Error>(())
        }
        .await;
        match recorded {
            Ok(()) => Error::CallbackRejected(rejection),
            Err(error) => error,
        }
    }
}

/// `text` as the audit log can keep it: U+0000 becomes U+FFFD.
fn storable(text: &str) -> String {
    text.replace('\0', "\u{fffd}")
}

/// The callback's fields for the audit log, the signature shortened (it proves nothing there).
fn callback_for_audit(callback: &Callback) -> Value {
    let fields: BTreeMap<String, String> = callback
        .fields
        .iter()
        // The signature is the merchant key's work: it stays out of the trail (and the exports).
        .filter(|(k, _)| !k.eq_ignore_ascii_case("signature"))
        .take(30)
        .map(|(k, v)| {
            let v: String = v.chars().take(200).collect();
            (storable(k), storable(&v))
        })
        .collect();
    json!(fields)
}

/// A sandbox payment as its page shows it.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SandboxPayment {
    /// Our reference.
    pub reference: String,
    /// Amount in rupiah.
    pub amount_idr: i64,
    /// What is bought.
    pub description: String,
    /// `00` paid, `01` failed, none while undecided.
    pub result_code: Option<String>,
    /// The payment's status in Lumiku.
    pub status: String,
    /// Payable until.
    pub expires_at: DateTime<Utc>,
}

impl Kernel {
    fn sandbox(&self) -> Result<&Signer> {
        if self.gateway.name() == "sandbox" {
            Ok(self.gateway.signer())
        } else {
            Err(Error::NotFound("sandbox payment"))
        }
    }

    /// The sandbox payment `reference`, for its page.
    pub async fn sandbox_payment(&self, reference: &str) -> Result<SandboxPayment> {
        self.sandbox()?;
        #[derive(lumiku_plugin::sql::FromRow)]
        struct Row {
            amount_idr: i64,
            result_code: Option<String>,
            status: String,
            description: String,
            expires_at: DateTime<Utc>,
        }
        let row: Option<Row> = sql::query_as(
            "select s.amount_idr, s.result_code, p.status, i.description, p.expires_at \
             from sandbox_transactions s join payments p on p.reference = s.reference \
             join invoices i on i.id = p.invoice_id where s.reference = $1",
        )
        .bind(reference)
        .fetch_optional(&self.db)
        .await?;
        let row = row.ok_or(Error::NotFound("sandbox payment"))?;
        Ok(SandboxPayment {
            reference: reference.to_owned(),
            amount_idr: row.amount_idr,
            description: row.description,
            result_code: row.result_code,
            status: row.status,
            expires_at: row.expires_at,
        })
    }

    /// The person on the sandbox page pays (`pay`) or fails the payment. The decision is recorded
    /// once; the signed callback then goes through [`Kernel::handle_payment_callback`] exactly as
    /// a gateway's would. Returns the outcome and the return-page query Duitku would redirect to.
    pub async fn sandbox_decide(
        &self,
        reference: &str,
        pay: bool,
        client: &ClientInfo,
    ) -> Result<(CallbackOutcome, String)> {
        let signer = self.sandbox()?.clone();
        let code = if pay { "00" } else { "01" };
        let mut tx = self.db.begin().await?;
        sql::query(
            "update sandbox_transactions set result_code = $2, decided_at = $3 where reference = $1 and result_code is null")
            .bind(reference)
            .bind(code)
            .bind(now())
            .execute(&mut tx)
            .await
            .map(|r| r.rows_affected())?;
        tx.commit().await?;
        let decided = self.sandbox_payment(reference).await?;
        let code = decided.result_code.as_deref().unwrap_or(code);
        let amount = decided.amount_idr.to_string();
        let fields = BTreeMap::from([
            ("merchantCode".to_owned(), signer.merchant_code.clone()),
            ("amount".to_owned(), amount.clone()),
            ("merchantOrderId".to_owned(), reference.to_owned()),
            ("productDetail".to_owned(), decided.description.clone()),
            ("paymentCode".to_owned(), "SANDBOX".to_owned()),
            ("resultCode".to_owned(), code.to_owned()),
            ("reference".to_owned(), format!("SANDBOX-{reference}")),
            (
                "signature".to_owned(),
                signer.callback(SignatureScheme::Md5, &amount, reference),
            ),
        ]);
        let outcome = self
            .handle_payment_callback(&Callback { fields }, client)
            .await?;
        let query = format!(
            "merchantOrderId={reference}&resultCode={}&reference=SANDBOX-{reference}",
            if code == "00" { "00" } else { "02" }
        );
        Ok((outcome, query))
    }
}
