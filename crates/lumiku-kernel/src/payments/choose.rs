//! Builds the gateway the settings name.

use std::sync::Arc;

use lumiku_store::Db;

use super::duitku::Duitku;
use super::gateway::{BillingSettings, GatewaySettings, PaymentGateway};
use super::sandbox::Sandbox;

/// Builds the configured gateway. The sandbox's signing key is derived from `secret`.
pub fn gateway(
    settings: &BillingSettings,
    db: &Db,
    secret: &[u8],
) -> anyhow::Result<Arc<dyn PaymentGateway>> {
    Ok(match &settings.gateway {
        GatewaySettings::Sandbox => {
            Arc::new(Sandbox::new(db.clone(), secret, &settings.public_url))
        }
        GatewaySettings::Duitku {
            signer,
            base_url,
            default_method,
        } => Arc::new(Duitku::new(signer.clone(), base_url, default_method)?),
    })
}
