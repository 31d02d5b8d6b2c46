//! How Duitku signs (and how the sandbox, which speaks Duitku's callback format, signs too).
//!
//! Duitku signs with the merchant's API key over a concatenation of fields, and the order differs
//! per message: the inquiry signs `merchantCode + merchantOrderId + paymentAmount`, the callback
//! `merchantCode + amount + merchantOrderId` (amount first), the status call
//! `merchantCode + merchantOrderId`. Its long-standing scheme appends the key and takes MD5 (what
//! its official PHP library does); newer documentation describes HMAC-SHA256 keyed with the API
//! key. Requests use the configured scheme; a callback is accepted when it carries either
//! signature, since both need the key.

use hmac::{Hmac, Mac};
use md5::{Digest, Md5};
use serde::{Deserialize, Serialize};
use sha2::Sha256;

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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::payments::duitku::parse_amount;

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
