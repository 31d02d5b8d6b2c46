//! The built-in sandbox gateway, for development: a payment page served by Lumiku itself at
//! `/pay/sandbox/{reference}` with a pay and a fail button. Pressing one records the decision in
//! the sandbox's own book and drives the same callback handler Duitku's callbacks go through,
//! with a callback signed the way Duitku signs, so the whole purchase flow runs on a laptop.

use lumiku_store::sql;
use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use serde::Serialize;
use sha2::{Digest, Sha256};

use super::{
    BoxFuture, Callback, CallbackOutcome, CreatePayment, CreatedPayment, GatewayError,
    GatewayState, GatewayStatus, PaymentGateway, SignatureScheme, Signer,
};
use crate::db::{Db, now};
use crate::error::{Error, Result};
use crate::token::hex;
use crate::{ClientInfo, Kernel};

/// The sandbox's merchant code.
pub const MERCHANT_CODE: &str = "LUMIKU-SANDBOX";

/// The sandbox gateway.
pub struct Sandbox {
    db: Db,
    signer: Signer,
    public_url: String,
}

impl Sandbox {
    /// A sandbox whose signing key is derived from `secret` (the server's JWT secret), so no
    /// outsider can sign its callbacks.
    pub fn new(db: Db, secret: &[u8], public_url: &str) -> Self {
        let mut key = Sha256::new();
        key.update(b"lumiku sandbox gateway\0");
        key.update(secret);
        Self {
            db,
            signer: Signer::new(MERCHANT_CODE, &hex(&key.finalize()), SignatureScheme::Md5),
            public_url: public_url.to_owned(),
        }
    }
}

impl PaymentGateway for Sandbox {
    fn name(&self) -> &'static str {
        "sandbox"
    }

    fn signer(&self) -> &Signer {
        &self.signer
    }

    fn create<'a>(
        &'a self,
        request: &'a CreatePayment,
    ) -> BoxFuture<'a, Result<CreatedPayment, GatewayError>> {
        Box::pin(async move {
            let record = async {
                let mut tx = self.db.begin().await?;
                sql::query(
                    "insert into sandbox_transactions (reference, amount_idr, created_at) values ($1, $2, $3)")
                    .bind(&request.reference)
                    .bind(request.amount_idr)
                    .bind(now())
                    .execute(&mut tx)
                    .await
                    .map(|r| r.rows_affected())?;
                tx.commit().await
            };
            record.await.map_err(|e| {
                GatewayError::Unavailable(format!("recording the sandbox payment: {e}"))
            })?;
            Ok(CreatedPayment {
                gateway_reference: Some(format!("SANDBOX-{}", request.reference)),
                payment_url: format!("{}/pay/sandbox/{}", self.public_url, request.reference),
            })
        })
    }

    fn status<'a>(
        &'a self,
        reference: &'a str,
    ) -> BoxFuture<'a, Result<GatewayStatus, GatewayError>> {
        Box::pin(async move {
            let row: Option<(i64, Option<String>)> = sql::query_as(
                "select amount_idr, result_code from sandbox_transactions where reference = $1",
            )
            .bind(reference)
            .fetch_optional(&self.db)
            .await
            .map_err(|e| GatewayError::Unavailable(format!("reading the sandbox payment: {e}")))?;
            let (amount, result) = row.ok_or_else(|| {
                GatewayError::Refused(format!("the sandbox has no payment {reference}"))
            })?;
            Ok(GatewayStatus {
                state: match result.as_deref() {
                    Some("00") => GatewayState::Paid,
                    Some(_) => GatewayState::Canceled,
                    None => GatewayState::Pending,
                },
                amount_idr: Some(amount),
                gateway_reference: Some(format!("SANDBOX-{reference}")),
            })
        })
    }
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
