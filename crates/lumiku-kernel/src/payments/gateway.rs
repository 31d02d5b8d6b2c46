//! The payment gateway: what Lumiku asks of one ([`PaymentGateway`]), the settings that choose it,
//! and [`gateway`], which builds Duitku's or the built-in sandbox's.

use std::future::Future;
use std::pin::Pin;

use crate::error::Result;

use super::signature::Signer;

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
