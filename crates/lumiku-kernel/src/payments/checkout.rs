//! Opening a payment: buying a credit package (which issues its invoice) or paying an open
//! invoice, through the gateway; and reading a payment back.

use std::sync::Arc;

use chrono::{DateTime, Duration, Utc};
use lumiku_store::{Tx, new_id, now, sql};
use serde::{Deserialize, Serialize};
use serde_json::json;
use uuid::Uuid;

use crate::audit::{self, NewAuditEvent, action};
use crate::billing::{
    self, CreditPackage, Invoice, InvoiceItem, InvoiceKind, InvoiceStatus, NewInvoice,
};
use crate::context::{Caller, ClientInfo, Permission, TenantAccess};
use crate::error::{Error, Result};
use crate::kernel::Kernel;
use crate::users::User;

use super::gateway::{CreatePayment, CreatedPayment, GatewayError, GatewayItem, PaymentGateway};

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
pub(crate) struct PaymentRow {
    pub(crate) id: Uuid,
    pub(crate) reference: String,
    pub(crate) tenant_id: Uuid,
    pub(crate) invoice_id: Uuid,
    pub(crate) gateway: String,
    pub(crate) amount_idr: i64,
    pub(crate) status: String,
    pub(crate) payment_method: Option<String>,
    pub(crate) payment_url: Option<String>,
    pub(crate) created_by: Option<Uuid>,
    pub(crate) created_at: DateTime<Utc>,
    pub(crate) expires_at: DateTime<Utc>,
    pub(crate) paid_at: Option<DateTime<Utc>>,
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

pub(crate) async fn fetch_payment(tx: &mut Tx, reference: &str) -> Result<Option<PaymentRow>> {
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

impl Kernel {
    /// Opens a payment: buys a credit package (issuing its invoice) or pays an open invoice, and
    /// returns where to send the payer. The payment is recorded first, and the gateway is called
    /// after that transaction commits: no lock waits on the network.
    pub async fn create_payment(
        &self,
        caller: &Caller,
        access: &TenantAccess,
        target: PaymentTarget,
        payment_method: Option<&str>,
        client: &ClientInfo,
    ) -> Result<Payment> {
        access.require(Permission::ManageBilling)?;
        check_payment_method(payment_method)?;
        let now = now();
        let mut tx = self.db.begin_tenant(access.tenant_id).await?;
        let invoice = match target {
            PaymentTarget::Package(package_id) => {
                issue_package_invoice(&mut tx, caller, access, &package_id, client, now).await?
            }
            PaymentTarget::Invoice(invoice_id) => {
                payable_invoice(&mut tx, access, invoice_id).await?
            }
        };
        if invoice.total_idr <= 0 {
            return Err(Error::Conflict {
                code: "nothing_to_pay",
                message: "This invoice has nothing to pay",
            });
        }
        let reference = self
            .record_payment(
                &mut tx,
                caller,
                access,
                &invoice,
                payment_method,
                client,
                now,
            )
            .await?;
        let user = crate::users::fetch_user(&mut tx, caller.user_id).await?;
        tx.commit().await?;
        let request = self.gateway_request(&reference, &invoice, &user, payment_method);
        let created = self.gateway.create(&request).await;
        self.after_gateway(caller, access, &reference, created, client)
            .await
    }

    /// Expires the invoice's earlier pending payments and records this one as pending, audited;
    /// answers its reference.
    #[allow(clippy::too_many_arguments)] // the steps of one request, each needing its parts
    async fn record_payment(
        &self,
        tx: &mut Tx,
        caller: &Caller,
        access: &TenantAccess,
        invoice: &Invoice,
        payment_method: Option<&str>,
        client: &ClientInfo,
        now: DateTime<Utc>,
    ) -> Result<String> {
        // A new payment supersedes the invoice's earlier pending ones.
        sql::query(
            "update payments set status = 'expired', updated_at = $3 where tenant_id = $1 and invoice_id = $2 and status = 'pending'")
            .bind(access.tenant_id)
            .bind(invoice.id)
            .bind(now)
            .execute(&mut *tx)
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
            .execute(&mut *tx)
            .await
            .map(|r| r.rows_affected())?;
        audit::record(
            tx,
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
        Ok(reference)
    }

    /// What the gateway is asked to open.
    fn gateway_request(
        &self,
        reference: &str,
        invoice: &Invoice,
        user: &User,
        payment_method: Option<&str>,
    ) -> CreatePayment {
        let billing = &self.settings.billing;
        CreatePayment {
            reference: reference.to_owned(),
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
            callback_url: format!("{}/api/payments/duitku/callback", billing.public_url),
            return_url: format!("{}/pay/return", billing.public_url),
            expiry_minutes: billing.payment_expiry_minutes,
            items: invoice_gateway_items(invoice),
        }
    }

    /// Keeps what the gateway answered: where to pay, or the payment failed (audited).
    async fn after_gateway(
        &self,
        caller: &Caller,
        access: &TenantAccess,
        reference: &str,
        created: std::result::Result<CreatedPayment, GatewayError>,
        client: &ClientInfo,
    ) -> Result<Payment> {
        let mut tx = self.db.begin_tenant(access.tenant_id).await?;
        match created {
            Ok(created) => {
                sql::query(
                    "update payments set gateway_reference = $2, payment_url = $3, updated_at = $4 where reference = $1")
                    .bind(reference)
                    .bind(&created.gateway_reference)
                    .bind(&created.payment_url)
                    .bind(lumiku_store::db::now())
                    .execute(&mut tx)
                    .await
                    .map(|r| r.rows_affected())?;
                let row = fetch_payment(&mut tx, reference)
                    .await?
                    .ok_or(Error::NotFound("payment"))?;
                tx.commit().await?;
                Ok(row.view())
            }
            Err(error) => {
                tracing::warn!(%reference, error = %error, "the payment gateway refused to open a payment");
                sql::query(
                    "update payments set status = 'failed', updated_at = $2 where reference = $1 and status = 'pending'")
                    .bind(reference)
                    .bind(lumiku_store::db::now())
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
                        target_id: Some(reference.to_owned()),
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
    pub(crate) async fn find_payment(&self, reference: &str) -> Result<Option<PaymentRow>> {
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
}

/// A gateway method code (`VC`, `BC`, `SP`...), if one was chosen.
fn check_payment_method(payment_method: Option<&str>) -> Result<()> {
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
    Ok(())
}

/// Issues the invoice of an active credit package, audited.
async fn issue_package_invoice(
    tx: &mut Tx,
    caller: &Caller,
    access: &TenantAccess,
    package_id: &str,
    client: &ClientInfo,
    now: DateTime<Utc>,
) -> Result<Invoice> {
    let package: CreditPackage = sql::query_as(
            "select id, name, credits, bonus_credits, price_idr, active, sort_order from credit_packages \
             where id = $1 and active")
            .bind(package_id)
            .fetch_optional(&mut *tx)
            .await?
        .ok_or(Error::NotFound("credit package"))?;
    let invoice = billing::create_invoice(
        tx,
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
            tx,
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
    Ok(invoice)
}

/// An open invoice of the tenant's (a draft is not shown, a paid or void one cannot be paid).
async fn payable_invoice(tx: &mut Tx, access: &TenantAccess, invoice_id: Uuid) -> Result<Invoice> {
    let invoice = billing::fetch_invoice(tx, access.tenant_id, invoice_id)
        .await?
        .filter(|i| i.status != InvoiceStatus::Draft)
        .ok_or(Error::NotFound("invoice"))?;
    if invoice.status != InvoiceStatus::Open {
        return Err(Error::Conflict {
            code: "invoice_not_open",
            message: "Only an open invoice can be paid",
        });
    }
    Ok(invoice)
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
