//! The events there are: the platform's own, and the shape of every event type (an app's
//! included) as listed to tenants. Data only, so that any module may name them.

use serde::Serialize;

/// The events the platform sends, and what each tells.
pub const EVENTS: &[(&str, &str)] = &[
    (
        "payment.succeeded",
        "A payment was settled: credits bought or an invoice paid",
    ),
    ("payment.failed", "A payment failed or expired"),
    (
        "credits.low",
        "A debit took the wallet below the tenant's threshold",
    ),
    ("credits.exhausted", "A debit took the wallet to zero"),
    (
        "subscription.activated",
        "A paid plan took effect (first payment, change or renewal)",
    ),
    (
        "subscription.past_due",
        "A period ended unpaid; a renewal invoice was issued",
    ),
    (
        "subscription.canceled",
        "The subscription ended; the tenant is on the free plan",
    ),
    ("invoice.issued", "An invoice was issued to the tenant"),
    ("invoice.paid", "An invoice of the tenant's was paid"),
    ("member.added", "Someone joined the tenant"),
    ("member.removed", "A member left or was removed"),
    ("app.installed", "An app was installed in the tenant"),
    ("app.uninstalled", "An app was uninstalled from the tenant"),
];

/// Whether `event` is one the platform itself sends.
pub fn is_event(event: &str) -> bool {
    EVENTS.iter().any(|(name, _)| *name == event)
}

/// An event tenants can subscribe to: the platform's own, or one an app declares.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct EventType {
    /// Its `type`: `payment.succeeded`, or `{appId}.{event}` for an app's.
    pub name: String,
    /// What it tells.
    pub description: String,
    /// The app that sends it; absent for the platform's own.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub app_id: Option<String>,
}
