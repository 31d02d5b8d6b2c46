//! Payments: paying an invoice (or buying a credit package, which issues one) through a
//! [`PaymentGateway`], and the gateway's callback that settles the payment.
//!
//! A payment is settled only by a callback whose signature verifies, whose order and amount match
//! a stored payment, and whose success the gateway confirms on its own status call; the browser's
//! return redirect never settles anything. Settling is one transaction: the payment's conditional
//! move to `success`, the invoice's move to `paid`, and what the invoice was for (the `purchase`
//! ledger row, or the plan). However often and however concurrently a callback arrives, the
//! conditional updates let one of them through.

pub mod callback;
pub mod checkout;
pub mod choose;
pub mod duitku;
pub mod gateway;
pub mod sandbox;
pub mod signature;

pub use crate::error::CallbackRejection;
pub use callback::{Callback, CallbackOutcome};
pub use checkout::{Payment, PaymentStatus, PaymentTarget};
pub use choose::gateway;
pub use gateway::{
    BillingSettings, BoxFuture, CreatePayment, CreatedPayment, GatewayError, GatewayItem,
    GatewaySettings, GatewayState, GatewayStatus, PaymentGateway,
};
pub use signature::{SignatureScheme, Signer};
