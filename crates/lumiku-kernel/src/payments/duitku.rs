//! Duitku (the Indonesian payment gateway): its V2 API. Its signatures are
//! [`super::signature`]'s.

use std::time::Duration;

use anyhow::Context as _;
use serde::Deserialize;
use serde_json::json;

use super::gateway::{
    BoxFuture, CreatePayment, CreatedPayment, GatewayError, GatewayState, GatewayStatus,
    PaymentGateway,
};
use super::signature::Signer;

/// Duitku's sandbox API.
pub const SANDBOX_BASE_URL: &str = "https://sandbox.duitku.com/webapi";
/// Duitku's production API.
pub const PRODUCTION_BASE_URL: &str = "https://passport.duitku.com/webapi";

/// The Duitku gateway: the V2 inquiry to create a payment, the transaction-status call to confirm
/// one.
pub struct Duitku {
    signer: Signer,
    base_url: String,
    default_method: String,
    http: reqwest::Client,
}

impl Duitku {
    /// A client for the API at `base_url` (without a trailing slash).
    pub fn new(signer: Signer, base_url: &str, default_method: &str) -> anyhow::Result<Self> {
        let http = reqwest::Client::builder()
            .timeout(Duration::from_secs(20))
            .connect_timeout(Duration::from_secs(5))
            .build()
            .context("building the Duitku HTTP client")?;
        Ok(Self {
            signer,
            base_url: base_url.trim_end_matches('/').to_owned(),
            default_method: default_method.to_owned(),
            http,
        })
    }

    async fn post<T: serde::de::DeserializeOwned>(
        &self,
        path: &str,
        body: serde_json::Value,
    ) -> Result<T, GatewayError> {
        let url = format!("{}{path}", self.base_url);
        let response = self
            .http
            .post(&url)
            .json(&body)
            .send()
            .await
            .map_err(|e| GatewayError::Unavailable(format!("calling Duitku {path}: {e}")))?;
        let status = response.status();
        let text = response
            .text()
            .await
            .map_err(|e| GatewayError::Unavailable(format!("reading Duitku {path}: {e}")))?;
        if !status.is_success() {
            let message = serde_json::from_str::<serde_json::Value>(&text)
                .ok()
                .and_then(|v| v.get("Message").and_then(|m| m.as_str()).map(str::to_owned))
                .unwrap_or_else(|| text.chars().take(200).collect());
            return Err(if status.is_server_error() {
                GatewayError::Unavailable(format!("Duitku {path} answered {status}: {message}"))
            } else {
                GatewayError::Refused(format!("Duitku {path} answered {status}: {message}"))
            });
        }
        serde_json::from_str(&text).map_err(|e| {
            GatewayError::Unavailable(format!("Duitku {path} answered unreadable JSON: {e}"))
        })
    }
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct InquiryResponse {
    reference: Option<String>,
    payment_url: Option<String>,
    status_code: Option<String>,
    status_message: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct StatusResponse {
    reference: Option<String>,
    amount: Option<String>,
    status_code: Option<String>,
    status_message: Option<String>,
}

/// A Duitku amount (`"10000"`, sometimes `"10000.00"`) in whole rupiah.
pub fn parse_amount(text: &str) -> Option<i64> {
    let text = text.trim();
    let (whole, fraction) = text.split_once('.').unwrap_or((text, ""));
    if whole.is_empty()
        || !whole.bytes().all(|b| b.is_ascii_digit())
        || !fraction.bytes().all(|b| b == b'0')
    {
        return None;
    }
    whole.parse().ok()
}

impl PaymentGateway for Duitku {
    fn name(&self) -> &'static str {
        "duitku"
    }

    fn signer(&self) -> &Signer {
        &self.signer
    }

    fn create<'a>(
        &'a self,
        request: &'a CreatePayment,
    ) -> BoxFuture<'a, Result<CreatedPayment, GatewayError>> {
        Box::pin(async move {
            let method = request
                .payment_method
                .as_deref()
                .unwrap_or(&self.default_method);
            let items: Vec<_> = request
                .items
                .iter()
                .map(|item| json!({ "name": item.name, "price": item.price_idr, "quantity": item.quantity }))
                .collect();
            let body = json!({
                "merchantCode": self.signer.merchant_code,
                "paymentAmount": request.amount_idr,
                "paymentMethod": method,
                "merchantOrderId": request.reference,
                "productDetails": request.product_details,
                "email": request.email,
                "customerVaName": request.customer_name,
                "itemDetails": items,
                "callbackUrl": request.callback_url,
                "returnUrl": request.return_url,
                "expiryPeriod": request.expiry_minutes,
                "signature": self.signer.inquiry(&request.reference, request.amount_idr),
            });
            let answer: InquiryResponse = self.post("/api/merchant/v2/inquiry", body).await?;
            match (answer.status_code.as_deref(), answer.payment_url) {
                (Some("00"), Some(payment_url)) => Ok(CreatedPayment {
                    gateway_reference: answer.reference,
                    payment_url,
                }),
                (code, _) => Err(GatewayError::Refused(format!(
                    "Duitku refused the payment ({}): {}",
                    code.unwrap_or("no status code"),
                    answer.status_message.unwrap_or_default()
                ))),
            }
        })
    }

    fn status<'a>(
        &'a self,
        reference: &'a str,
    ) -> BoxFuture<'a, Result<GatewayStatus, GatewayError>> {
        Box::pin(async move {
            let body = json!({
                "merchantCode": self.signer.merchant_code,
                "merchantOrderId": reference,
                "signature": self.signer.status(reference),
            });
            let answer: StatusResponse = self.post("/api/merchant/transactionStatus", body).await?;
            let amount_idr = answer.amount.as_deref().and_then(parse_amount);
            let state = match answer.status_code.as_deref() {
                Some("00") => GatewayState::Paid,
                Some("01") => GatewayState::Pending,
                Some("02") => GatewayState::Canceled,
                other => {
                    return Err(GatewayError::Unavailable(format!(
                        "Duitku's status call answered an unknown status {:?}: {}",
                        other,
                        answer.status_message.unwrap_or_default()
                    )));
                }
            };
            Ok(GatewayStatus {
                state,
                amount_idr,
                gateway_reference: answer.reference,
            })
        })
    }
}
