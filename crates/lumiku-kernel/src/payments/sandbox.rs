//! The built-in sandbox gateway, for development: a payment page served by Lumiku itself at
//! `/pay/sandbox/{reference}` with a pay and a fail button. Pressing one records the decision in
//! the sandbox's own book and drives the same callback handler Duitku's callbacks go through,
//! with a callback signed the way Duitku signs, so the whole purchase flow runs on a laptop.

use lumiku_store::{Db, now, sql};
use sha2::{Digest, Sha256};

use crate::error::Result;
use crate::token::hex;

use super::gateway::{
    BoxFuture, CreatePayment, CreatedPayment, GatewayError, GatewayState, GatewayStatus,
    PaymentGateway,
};
use super::signature::{SignatureScheme, Signer};

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
