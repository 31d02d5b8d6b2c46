//! Billing: the catalogue (plans, credit packages), each tenant's subscription, invoices numbered
//! per tenant without gaps, what paying an invoice does, and the billing cycle (renewals, grace,
//! monthly credit grants) that a background job runs.
//!
//! Every change that must happen once is claimed in SQL on the transaction that makes it: a
//! period's credit grant by its `subscription_grants` row, a renewal by a conditional update of
//! the subscription, an invoice's payment by a conditional update of the invoice. So several
//! nodes running the cycle at once, or one running it twice, change nothing twice.

pub mod catalogue;
pub mod cycle;
pub mod invoices;
pub mod model;
pub(crate) mod store;
pub mod subscriptions;

pub use model::*;
pub(crate) use store::{Settlement, create_invoice, fetch_invoice, settle_invoice};
