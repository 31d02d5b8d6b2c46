//! Payments: paying an invoice (or buying a credit package, which issues one) through a
//! [`PaymentGateway`], and the gateway's callback that settles the payment.
//!
//! A payment is settled only by a callback whose signature verifies, whose order and amount match
//! a stored payment, and whose success the gateway confirms on its own status call; the browser's
//! return redirect never settles anything. Settling is one transaction: the payment's conditional
//! move to `success`, the invoice's move to `paid`, and what the invoice was for (the `purchase`
//! ledger row, or the plan). However often and however concurrently a callback arrives, the
//! conditional updates let one of them through.

pub mod duitku;
pub mod sandbox;

use lumiku_store::sql::{self, Json};
use std::collections::BTreeMap;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use uuid::Uuid;

use crate::accounts::Caller;
use crate::audit::{self, NewAuditEvent, action};
use crate::billing::{
    self, CreditPackage, Invoice, InvoiceItem, InvoiceKind, InvoiceStatus, NewInvoice, Settlement,
};
use crate::db::{Db, Tx, new_id, now};
use crate::error::{Error, Result};
use crate::tenants::{Permission, TenantAccess};
use crate::{ClientInfo, Kernel};

pub use duitku::{SignatureScheme, Signer};

/// A boxed future, for the object-safe gateway trait.
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// A payment to open at the gateway.
#[derive(Debug, Clone)]
pub struct CreatePayment {
    /// Our reference (Duitku's `merchantOrderId`).
    pub reference: String,
    /// Amount in rupiah.
    pub amount_idr: i64,
    /// What is bought.
    pub product_details: String,
    /// The payer's email.
    pub email: String,
    /// The payer's name (at most 20 characters, for virtual accounts).
    pub customer_name: String,
    /// The gateway's payment method code, or its default.
    pub payment_method: Option<String>,
    /// Where the gateway posts the result.
    pub callback_url: String,
    /// Where the gateway sends the browser back.
    pub return_url: String,
    /// Minutes the payment stays payable.
    pub expiry_minutes: i64,
    /// The invoice's lines.
    pub items: Vec<GatewayItem>,
}

/// One line sent to the gateway.
#[derive(Debug, Clone)]
pub struct GatewayItem {
    /// What.
    pub name: String,
    /// Line total in rupiah.
    pub price_idr: i64,
    /// How many.
    pub quantity: i64,
}

/// The gateway's answer to [`PaymentGateway::create`].
#[derive(Debug, Clone)]
pub struct CreatedPayment {
    /// The gateway's own reference.
    pub gateway_reference: Option<String>,
    /// Where to send the payer.
    pub payment_url: String,
}

/// A payment as the gateway's status call reports it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GatewayState {
    /// Paid.
    Paid,
    /// Not paid yet.
    Pending,
    /// Canceled, failed or expired.
    Canceled,
}

/// The gateway's status of one payment.
#[derive(Debug, Clone)]
pub struct GatewayStatus {
    /// Paid or not.
    pub state: GatewayState,
    /// The amount it reports, in rupiah.
    pub amount_idr: Option<i64>,
    /// Its own reference.
    pub gateway_reference: Option<String>,
}

/// Why a gateway call failed.
#[derive(Debug, thiserror::Error)]
pub enum GatewayError {
    /// Unreachable, timed out, or answered nonsense: worth retrying.
    #[error("payment gateway unavailable: {0}")]
    Unavailable(String),
    /// It refused the request.
    #[error("payment gateway refused: {0}")]
    Refused(String),
}

/// A payment gateway. Duitku in production; the built-in sandbox for development. Both speak
/// Duitku's callback format, so one callback path serves both.
pub trait PaymentGateway: Send + Sync + 'static {
    /// `duitku` or `sandbox`, as stored on payments.
    fn name(&self) -> &'static str;
    /// The merchant credentials that sign and verify.
    fn signer(&self) -> &Signer;
    /// Opens a payment.
    fn create<'a>(
        &'a self,
        request: &'a CreatePayment,
    ) -> BoxFuture<'a, Result<CreatedPayment, GatewayError>>;
    /// Asks the gateway where a payment stands.
    fn status<'a>(
        &'a self,
        reference: &'a str,
    ) -> BoxFuture<'a, Result<GatewayStatus, GatewayError>>;
}

/// Which gateway to use and with what credentials.
#[derive(Clone)]
pub enum GatewaySettings {
    /// The built-in sandbox: pages served by Lumiku at `/pay/sandbox/{reference}`.
    Sandbox,
    /// Duitku.
    Duitku {
        /// Merchant credentials.
        signer: Signer,
        /// API base URL (`https://sandbox.duitku.com/webapi`, `https://passport.duitku.com/webapi`).
        base_url: String,
        /// Payment method when the payer names none (`VC`, `BC`, `SP`, ...).
        default_method: String,
    },
}

impl std::fmt::Debug for GatewaySettings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Sandbox => f.write_str("Sandbox"),
            Self::Duitku {
                signer, base_url, ..
            } => f
                .debug_struct("Duitku")
                .field("signer", signer)
                .field("base_url", base_url)
                .finish(),
        }
    }
}

/// Billing and payment settings.
#[derive(Debug, Clone)]
pub struct BillingSettings {
    /// The gateway.
    pub gateway: GatewaySettings,
    /// The address the world reaches this server at (callback and return URLs).
    pub public_url: String,
    /// Minutes a payment stays payable.
    pub payment_expiry_minutes: i64,
    /// Days an unpaid renewal keeps the plan before the subscription is canceled.
    pub grace_days: i64,
}

/// Builds the configured gateway. The sandbox's signing key is derived from `secret`.
pub fn gateway(
    settings: &BillingSettings,
    db: &Db,
    secret: &[u8],
) -> anyhow::Result<Arc<dyn PaymentGateway>> {
    Ok(match &settings.gateway {
        GatewaySettings::Sandbox => Arc::new(sandbox::Sandbox::new(
            db.clone(),
            secret,
            &settings.public_url,
        )),
        GatewaySettings::Duitku {
            signer,
            base_url,
            default_method,
        } => Arc::new(duitku::Duitku::new(
            signer.clone(),
            base_url,
            default_method,
        )?),
    })
}

/// `pending`, `success`, `failed`, `expired`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum PaymentStatus {
    /// Waiting for the payer.
    Pending,
    /// Paid and settled.
    Success,
    /// The gateway reported failure.
    Failed,
    /// Not paid in time, or superseded.
    Expired,
}

impl PaymentStatus {
    /// The stored (and serialised) name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Pending => "pending",
            Self::Success => "success",
            Self::Failed => "failed",
            Self::Expired => "expired",
        }
    }
}

/// A payment as its tenant sees it.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Payment {
    /// Our reference (the gateway's merchant order id).
    pub reference: String,
    /// Status.
    pub status: PaymentStatus,
    /// Amount in rupiah.
    pub amount_idr: i64,
    /// The invoice it pays.
    pub invoice_id: Uuid,
    /// `duitku` or `sandbox`.
    pub gateway: String,
    /// Where to send the payer (while pending).
    pub redirect_url: Option<String>,
    /// The gateway's method code.
    pub payment_method: Option<String>,
    /// Created.
    pub created_at: DateTime<Utc>,
    /// Payable until.
    pub expires_at: DateTime<Utc>,
    /// Settled.
    pub paid_at: Option<DateTime<Utc>>,
}

#[derive(lumiku_plugin::sql::FromRow)]
struct PaymentRow {
    id: Uuid,
    reference: String,
    tenant_id: Uuid,
    invoice_id: Uuid,
    gateway: String,
    amount_idr: i64,
    status: String,
    payment_method: Option<String>,
    payment_url: Option<String>,
    created_by: Option<Uuid>,
    created_at: DateTime<Utc>,
    expires_at: DateTime<Utc>,
    paid_at: Option<DateTime<Utc>>,
}

const PAYMENT_COLUMNS: &str = "id, reference, tenant_id, invoice_id, gateway, amount_idr, status, \
    payment_method, payment_url, created_by, created_at, expires_at, paid_at";

impl PaymentRow {
    fn view(&self) -> Payment {
        let status = [
            PaymentStatus::Success,
            PaymentStatus::Failed,
            PaymentStatus::Expired,
        ]
        .into_iter()
        .find(|s| s.as_str() == self.status)
        .unwrap_or(PaymentStatus::Pending);
        Payment {
            reference: self.reference.clone(),
            status,
            amount_idr: self.amount_idr,
            invoice_id: self.invoice_id,
            gateway: self.gateway.clone(),
            redirect_url: (status == PaymentStatus::Pending)
                .then(|| self.payment_url.clone())
                .flatten(),
            payment_method: self.payment_method.clone(),
            created_at: self.created_at,
            expires_at: self.expires_at,
            paid_at: self.paid_at,
        }
    }
}

async fn fetch_payment(tx: &mut Tx, reference: &str) -> Result<Option<PaymentRow>> {
    Ok(sql::query_as::<PaymentRow>(sql::AssertSqlSafe(format!(
        "select {PAYMENT_COLUMNS} from payments where reference = $1"
    )))
    .bind(reference)
    .fetch_optional(&mut *tx)
    .await?)
}

/// What to pay.
#[derive(Debug, Clone)]
pub enum PaymentTarget {
    /// Buy this credit package (issues its invoice).
    Package(String),
    /// Pay this open invoice.
    Invoice(Uuid),
}

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

    fn required(&self, name: &'static str) -> Result<&str> {
        self.field(name)
            .ok_or_else(|| Error::invalid(name, "is required"))
    }
}

/// Why a callback was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CallbackRejection {
    /// The merchant code or signature is not ours.
    InvalidSignature,
    /// No payment has this order id.
    UnknownOrder,
    /// The amount differs from the payment's.
    AmountMismatch,
    /// The callback says paid but the gateway's status call does not (yet) confirm it.
    Unconfirmed,
}

impl CallbackRejection {
    /// Stable snake_case code.
    pub fn code(self) -> &'static str {
        match self {
            Self::InvalidSignature => "invalid_signature",
            Self::UnknownOrder => "unknown_order",
            Self::AmountMismatch => "amount_mismatch",
            Self::Unconfirmed => "payment_not_confirmed",
        }
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
    /// Opens a payment: buys a credit package (issuing its invoice) or pays an open invoice, and
    /// returns where to send the payer.
    pub async fn create_payment(
        &self,
        caller: &Caller,
        access: &TenantAccess,
        target: PaymentTarget,
        payment_method: Option<&str>,
        client: &ClientInfo,
    ) -> Result<Payment> {
        access.require(Permission::ManageBilling)?;
        if let Some(method) = payment_method
            && (method.is_empty()
                || method.len() > 4
                || !method.bytes().all(|b| b.is_ascii_alphanumeric()))
        {
            return Err(Error::invalid(
                "paymentMethod",
                "must be a gateway method code such as VC, BC or SP",
            ));
        }
        let now = now();
        let mut tx = self.db.begin_tenant(access.tenant_id).await?;
        let invoice = match target {
            PaymentTarget::Package(package_id) => {
                let package: CreditPackage = sql::query_as(
                    "select id, name, credits, bonus_credits, price_idr, active, sort_order from credit_packages \
                     where id = $1 and active")
                    .bind(&package_id)
                    .fetch_optional(&mut tx)
                    .await?
                .ok_or(Error::NotFound("credit package"))?;
                let invoice = billing::create_invoice(
                    &mut tx,
                    NewInvoice {
                        tenant_id: access.tenant_id,
                        kind: InvoiceKind::Credits,
                        plan_id: None,
                        package_id: Some(&package.id),
                        period: None,
                        credits: package.credits,
                        bonus_credits: package.bonus_credits,
                        description: format!("{} credit package", package.name),
                        created_by: Some(caller.user_id),
                        items: vec![InvoiceItem {
                            description: if package.bonus_credits > 0 {
                                format!(
                                    "{}: {} credits + {} bonus",
                                    package.name, package.credits, package.bonus_credits
                                )
                            } else {
                                format!("{}: {} credits", package.name, package.credits)
                            },
                            quantity: 1,
                            unit_price_idr: package.price_idr,
                            amount_idr: package.price_idr,
                        }],
                        issue: true,
                        due_at: Some(now),
                    },
                )
                .await?;
                audit::record(
                    &mut tx,
                    NewAuditEvent {
                        tenant_id: Some(access.tenant_id),
                        actor_user_id: Some(caller.user_id),
                        action: action::INVOICE_ISSUED,
                        target_type: Some("invoice"),
                        target_id: Some(invoice.id.to_string()),
                        ip_address: client.ip.as_deref(),
                        details: json!({ "number": invoice.number, "package": package.id, "totalIdr": invoice.total_idr }),
                    },
                )
                .await?;
                invoice
            }
            PaymentTarget::Invoice(invoice_id) => {
                let invoice = billing::fetch_invoice(&mut tx, access.tenant_id, invoice_id)
                    .await?
                    .filter(|i| i.status != InvoiceStatus::Draft)
                    .ok_or(Error::NotFound("invoice"))?;
                if invoice.status != InvoiceStatus::Open {
                    return Err(Error::Conflict {
                        code: "invoice_not_open",
                        message: "Only an open invoice can be paid",
                    });
                }
                invoice
            }
        };
        if invoice.total_idr <= 0 {
            return Err(Error::Conflict {
                code: "nothing_to_pay",
                message: "This invoice has nothing to pay",
            });
        }
        // A new payment supersedes the invoice's earlier pending ones.
        sql::query(
            "update payments set status = 'expired', updated_at = $3 where tenant_id = $1 and invoice_id = $2 and status = 'pending'")
            .bind(access.tenant_id)
            .bind(invoice.id)
            .bind(now)
            .execute(&mut tx)
            .await
            .map(|r| r.rows_affected())?;
        let reference = format!("LMK-{}", new_id().simple());
        let expires_at = now + Duration::minutes(self.settings.billing.payment_expiry_minutes);
        sql::query(
            "insert into payments (id, reference, tenant_id, invoice_id, gateway, amount_idr, status, payment_method, \
             created_by, created_at, expires_at, updated_at) values ($1, $2, $3, $4, $5, $6, 'pending', $7, $8, $9, $10, $9)")
            .bind(new_id())
            .bind(&reference)
            .bind(access.tenant_id)
            .bind(invoice.id)
            .bind(self.gateway.name())
            .bind(invoice.total_idr)
            .bind(payment_method)
            .bind(caller.user_id)
            .bind(now)
            .bind(expires_at)
            .execute(&mut tx)
            .await
            .map(|r| r.rows_affected())?;
        audit::record(
            &mut tx,
            NewAuditEvent {
                tenant_id: Some(access.tenant_id),
                actor_user_id: Some(caller.user_id),
                action: action::PAYMENT_CREATED,
                target_type: Some("payment"),
                target_id: Some(reference.clone()),
                ip_address: client.ip.as_deref(),
                details: json!({ "invoiceId": invoice.id, "amountIdr": invoice.total_idr, "gateway": self.gateway.name() }),
            },
        )
        .await?;
        let user = crate::accounts::fetch_user(&mut tx, caller.user_id).await?;
        tx.commit().await?;

        // The gateway is called outside any transaction: no lock waits on the network.
        let request = CreatePayment {
            reference: reference.clone(),
            amount_idr: invoice.total_idr,
            product_details: invoice.description.chars().take(255).collect(),
            email: user.email.clone(),
            customer_name: user
                .name
                .as_deref()
                .filter(|n| !n.trim().is_empty())
                .unwrap_or(&user.email)
                .chars()
                .take(20)
                .collect(),
            payment_method: payment_method.map(str::to_owned),
            callback_url: format!(
                "{}/api/payments/duitku/callback",
                self.settings.billing.public_url
            ),
            return_url: format!("{}/pay/return", self.settings.billing.public_url),
            expiry_minutes: self.settings.billing.payment_expiry_minutes,
            items: invoice_gateway_items(&invoice),
        };
        let created = self.gateway.create(&request).await;
        let mut tx = self.db.begin_tenant(access.tenant_id).await?;
        match created {
            Ok(created) => {
                sql::query(
                    "update payments set gateway_reference = $2, payment_url = $3, updated_at = $4 where reference = $1")
                    .bind(&reference)
                    .bind(&created.gateway_reference)
                    .bind(&created.payment_url)
                    .bind(crate::db::now())
                    .execute(&mut tx)
                    .await
                    .map(|r| r.rows_affected())?;
                let row = fetch_payment(&mut tx, &reference)
                    .await?
                    .ok_or(Error::NotFound("payment"))?;
                tx.commit().await?;
                Ok(row.view())
            }
            Err(error) => {
                tracing::warn!(%reference, error = %error, "the payment gateway refused to open a payment");
                sql::query(
                    "update payments set status = 'failed', updated_at = $2 where reference = $1 and status = 'pending'")
                    .bind(&reference)
                    .bind(crate::db::now())
                    .execute(&mut tx)
                    .await
                    .map(|r| r.rows_affected())?;
                audit::record(
                    &mut tx,
                    NewAuditEvent {
                        tenant_id: Some(access.tenant_id),
                        actor_user_id: Some(caller.user_id),
                        action: action::PAYMENT_FAILED,
                        target_type: Some("payment"),
                        target_id: Some(reference.clone()),
                        ip_address: client.ip.as_deref(),
                        details: json!({ "stage": "create", "error": error.to_string() }),
                    },
                )
                .await?;
                tx.commit().await?;
                Err(Error::Gateway(error.to_string()))
            }
        }
    }

    /// One of the tenant's payments, by reference.
    pub async fn payment(&self, access: &TenantAccess, reference: &str) -> Result<Payment> {
        access.require(Permission::Read)?;
        let mut tx = self.db.begin_tenant_read(access.tenant_id).await?;
        let row = fetch_payment(&mut tx, reference)
            .await?
            .filter(|p| p.tenant_id == access.tenant_id)
            .ok_or(Error::NotFound("payment"))?;
        tx.commit().await?;
        Ok(row.view())
    }

    /// A payment's status for the return page, by reference alone (the reference is an
    /// unguessable id handed to the payer). Reports the stored status: never settles anything.
    pub async fn payment_status(&self, reference: &str) -> Result<Payment> {
        let row = self.find_payment(reference).await?;
        row.map(|r| r.view()).ok_or(Error::NotFound("payment"))
    }

    /// The payment `reference` of any tenant, read outside a transaction.
    async fn find_payment(&self, reference: &str) -> Result<Option<PaymentRow>> {
        Ok(sql::query_as(sql::AssertSqlSafe(format!(
            "select {PAYMENT_COLUMNS} from payments where reference = $1"
        )))
        .bind(reference)
        .fetch_optional(&self.db)
        .await?)
    }

    /// The gateway in use.
    pub fn gateway(&self) -> &Arc<dyn PaymentGateway> {
        &self.gateway
    }

    /// Handles a gateway callback: verifies its signature, matches it to a stored payment by order
    /// id and amount, confirms a success with the gateway's status call, then settles the payment
    /// once. A refused callback changes nothing and is audited.
    pub async fn handle_payment_callback(
        &self,
        callback: &Callback,
        client: &ClientInfo,
    ) -> Result<CallbackOutcome> {
        let merchant_code = callback.required("merchantCode")?;
        let amount_text = callback.required("amount")?;
        let order_id = callback.required("merchantOrderId")?;
        let result_code = callback.required("resultCode")?;
        let signature = callback.required("signature")?;
        if order_id.len() > 100 {
            return Err(Error::invalid("merchantOrderId", "is too long"));
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
                    target_id: callback.field("merchantOrderId").map(str::to_owned),
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

/// The callback's fields for the audit log, the signature shortened (it proves nothing there).
fn callback_for_audit(callback: &Callback) -> Value {
    let fields: BTreeMap<&str, String> = callback
        .fields
        .iter()
        .take(30)
        .map(|(k, v)| {
            let v: String = v.chars().take(200).collect();
            (k.as_str(), v)
        })
        .collect();
    json!(fields)
}

fn invoice_gateway_items(invoice: &Invoice) -> Vec<GatewayItem> {
    invoice
        .items
        .iter()
        .map(|item| GatewayItem {
            name: item.description.chars().take(100).collect(),
            price_idr: item.amount_idr,
            quantity: item.quantity,
        })
        .collect()
}
