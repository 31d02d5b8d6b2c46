//! Duitku (the Indonesian payment gateway): its signatures and its V2 API.
//!
//! Duitku signs with the merchant's API key over a concatenation of fields, and the order differs
//! per message: the inquiry signs `merchantCode + merchantOrderId + paymentAmount`, the callback
//! `merchantCode + amount + merchantOrderId` (amount first), the status call
//! `merchantCode + merchantOrderId`. Its long-standing scheme appends the key and takes MD5 (what
//! its official PHP library does); newer documentation describes HMAC-SHA256 keyed with the API
//! key. Requests use the configured scheme; a callback is accepted when it carries either
//! signature, since both need the key.

use std::time::Duration;

use anyhow::Context as _;
use hmac::{Hmac, Mac};
use md5::{Digest, Md5};
use serde::{Deserialize, Serialize};
use serde_json::json;
use sha2::Sha256;

use super::{
    BoxFuture, CreatePayment, CreatedPayment, GatewayError, GatewayStatus, PaymentGateway,
};
use crate::token::hex;

/// Which signature Duitku expects from us.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "kebab-case")]
pub enum SignatureScheme {
    /// `md5(fields + apiKey)`, as in Duitku's PHP library.
    #[default]
    Md5,
    /// `hmac_sha256(fields, apiKey)`, as in Duitku's newer documentation.
    HmacSha256,
}

/// A merchant's credentials and the signatures made with them.
#[derive(Clone)]
pub struct Signer {
    /// The merchant code (`DXXXX`).
    pub merchant_code: String,
    api_key: String,
    /// The scheme for our requests.
    pub scheme: SignatureScheme,
}

impl std::fmt::Debug for Signer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Signer")
            .field("merchant_code", &self.merchant_code)
            .field("api_key", &"[redacted]")
            .field("scheme", &self.scheme)
            .finish()
    }
}

impl Signer {
    /// A signer for `merchant_code` with `api_key`.
    pub fn new(merchant_code: &str, api_key: &str, scheme: SignatureScheme) -> Self {
        Self {
            merchant_code: merchant_code.to_owned(),
            api_key: api_key.to_owned(),
            scheme,
        }
    }

    fn sign(&self, scheme: SignatureScheme, fields: &[&str]) -> String {
        match scheme {
            SignatureScheme::Md5 => {
                let mut md5 = Md5::new();
                for field in fields {
                    md5.update(field.as_bytes());
                }
                md5.update(self.api_key.as_bytes());
                hex(&md5.finalize())
            }
            SignatureScheme::HmacSha256 => {
                let mut mac = Hmac::<Sha256>::new_from_slice(self.api_key.as_bytes())
                    .expect("HMAC takes a key of any length");
                for field in fields {
                    mac.update(field.as_bytes());
                }
                hex(&mac.finalize().into_bytes())
            }
        }
    }

    /// The inquiry's signature: merchant code, order id, amount.
    pub fn inquiry(&self, order_id: &str, amount: i64) -> String {
        let amount = amount.to_string();
        self.sign(self.scheme, &[&self.merchant_code, order_id, &amount])
    }

    /// The transaction-status call's signature: merchant code, order id.
    pub fn status(&self, order_id: &str) -> String {
        self.sign(self.scheme, &[&self.merchant_code, order_id])
    }

    /// A callback's signature in `scheme`: merchant code, amount (as sent), order id.
    pub fn callback(&self, scheme: SignatureScheme, amount: &str, order_id: &str) -> String {
        self.sign(scheme, &[&self.merchant_code, amount, order_id])
    }

    /// Whether a callback's merchant code and signature are ours (either scheme), compared in
    /// constant time.
    pub fn verify_callback(
        &self,
        merchant_code: &str,
        amount: &str,
        order_id: &str,
        signature: &str,
    ) -> bool {
        use subtle::ConstantTimeEq as _;
        let given = signature.trim().to_ascii_lowercase();
        let merchant_ok = merchant_code
            .as_bytes()
            .ct_eq(self.merchant_code.as_bytes());
        let md5_ok = self
            .callback(SignatureScheme::Md5, amount, order_id)
            .as_bytes()
            .ct_eq(given.as_bytes());
        let hmac_ok = self
            .callback(SignatureScheme::HmacSha256, amount, order_id)
            .as_bytes()
            .ct_eq(given.as_bytes());
        bool::from(merchant_ok & (md5_ok | hmac_ok))
    }
}

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
                Some("00") => super::GatewayState::Paid,
                Some("01") => super::GatewayState::Pending,
                Some("02") => super::GatewayState::Canceled,
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

#[cfg(test)]
mod tests {
    use super::*;

    /// The callback vector from Duitku's official PHP library
    /// (duitkupg/duitku-php: tests/params/ParamsCallback.json, tests/CallbackApiTest.php).
    const PHP_MERCHANT: &str = "D0001";
    const PHP_KEY: &str = "732B39FC61796845775D2C4FB05332AF";

    #[test]
    fn callback_signature_matches_duitkus_own_library() {
        let signer = Signer::new(PHP_MERCHANT, PHP_KEY, SignatureScheme::Md5);
        assert_eq!(
            signer.callback(SignatureScheme::Md5, "10000", "12345"),
            "4104f20a70c933113c66c004fe25a9f1"
        );
        assert!(signer.verify_callback(
            "D0001",
            "10000",
            "12345",
            "4104f20a70c933113c66c004fe25a9f1"
        ));
    }

    #[test]
    fn the_request_and_callback_sign_their_fields_in_different_orders() {
        let signer = Signer::new(PHP_MERCHANT, PHP_KEY, SignatureScheme::Md5);
        // Inquiry: merchant + order + amount; callback: merchant + amount + order.
        assert_eq!(
            signer.inquiry("12345", 10000),
            hex(&Md5::digest(
                b"D00011234510000732B39FC61796845775D2C4FB05332AF"
            ))
        );
        assert_eq!(
            signer.status("12345"),
            hex(&Md5::digest(b"D000112345732B39FC61796845775D2C4FB05332AF"))
        );
        assert_ne!(
            signer.inquiry("12345", 10000),
            signer.callback(SignatureScheme::Md5, "10000", "12345")
        );
    }

    #[test]
    fn hmac_scheme_is_keyed_sha256_over_the_same_fields() {
        let signer = Signer::new(PHP_MERCHANT, PHP_KEY, SignatureScheme::HmacSha256);
        let mut mac = Hmac::<Sha256>::new_from_slice(PHP_KEY.as_bytes()).unwrap();
        mac.update(b"D00011000012345");
        let expected = hex(&mac.finalize().into_bytes());
        assert_eq!(
            signer.callback(SignatureScheme::HmacSha256, "10000", "12345"),
            expected
        );
        assert!(signer.verify_callback("D0001", "10000", "12345", &expected.to_uppercase()));
    }

    #[test]
    fn forged_callbacks_do_not_verify() {
        let signer = Signer::new(PHP_MERCHANT, PHP_KEY, SignatureScheme::Md5);
        let good = "4104f20a70c933113c66c004fe25a9f1";
        let cases = [
            ("another merchant", "D0002", "10000", "12345", good),
            ("another amount", "D0001", "10001", "12345", good),
            ("another order", "D0001", "10000", "12346", good),
            ("empty signature", "D0001", "10000", "12345", ""),
            (
                "signed with another key",
                "D0001",
                "10000",
                "12345",
                "0ac3cfc89f8d2d8135ffbe3dd774ca22",
            ),
        ];
        for (what, merchant, amount, order, signature) in cases {
            assert!(
                !signer.verify_callback(merchant, amount, order, signature),
                "{what} verified"
            );
        }
    }

    #[test]
    fn amounts_parse_with_or_without_zero_decimals() {
        assert_eq!(parse_amount("10000"), Some(10000));
        assert_eq!(parse_amount("25000.00"), Some(25000));
        assert_eq!(parse_amount(" 15000 "), Some(15000));
        for bad in ["", "-5", "10.50", "1e5", "abc", "12,000"] {
            assert_eq!(parse_amount(bad), None, "{bad:?}");
        }
    }
}
