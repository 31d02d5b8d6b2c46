//! Invoice Generator: a tenant bills its own clients. Clients and a business profile (logo,
//! address, bank details, default terms); invoices with lines priced in integer minor units
//! (quantity, unit price, per-line discount and tax); numbering per tenant without gaps in a
//! configurable format, given when an invoice is issued; statuses draft → sent → paid, overdue
//! (a scheduled check) or void; a PDF of each invoice; a public link for the client; and mailing
//! the invoice with its PDF attached.
//!
//! Creating an invoice or a client, issuing, generating a PDF and mailing cost credits (the
//! manifest holds every price); reads and edits are free.

pub mod model;
pub mod money;
mod pages;
pub mod pdf;
mod public;
pub mod routes;
mod runner;
pub mod store;

use std::sync::Arc;

use lumiku_plugin::{Access, Dashboard, Features, Install, Manifest, Migration, Plugin, Role};
use utoipa_axum::router::OpenApiRouter;

/// The app's manifest: the only place its prices are written.
pub const MANIFEST: Manifest = Manifest {
    app_id: "invoice-generator",
    name: "Invoice Generator",
    description: "Bill your clients with numbered invoices, PDFs and payment links",
    icon: "receipt",
    version: "0.1.0",
    route_prefix: "/api/apps/invoice-generator",
    credits: &[
        ("createInvoice", 3),
        ("issueInvoice", 1),
        ("generatePdf", 1),
        ("sendInvoice", 2),
        ("createClient", 1),
        ("updateProfile", 0),
        ("uploadLogo", 0),
        ("removeLogo", 0),
        ("updateClient", 0),
        ("deleteClient", 0),
        ("updateInvoice", 0),
        ("deleteInvoice", 0),
        ("markPaid", 0),
        ("voidInvoice", 0),
        ("createPublicLink", 0),
        ("revokePublicLink", 0),
    ],
    access: Access {
        requires_auth: true,
        requires_subscription: false,
        min_subscription_tier: None,
        allowed_roles: &Role::ALL,
    },
    features: Features {
        enabled: true,
        beta: false,
        coming_soon: false,
    },
    install: Install {
        default: true,
        cost: 0,
    },
    platform_data: &[],
    webhook_events: &[
        ("invoice.issued", "An invoice was issued: numbered and sent"),
        ("invoice.paid", "An invoice was marked paid"),
        ("invoice.overdue", "An invoice's due date passed unpaid"),
        ("invoice.voided", "An invoice was voided"),
    ],
    dashboard: Dashboard {
        order: 7,
        color: "green",
        stats_endpoint: Some("/api/apps/invoice-generator/stats"),
    },
};

/// The app's schema changes, in order. An applied migration is never edited: add the next one.
const MIGRATIONS: &[Migration] = &[Migration {
    version: 1,
    name: "profiles, clients, invoices, lines, deliveries",
    sqlite: include_str!("../migrations/sqlite/0001_invoices.sql"),
    postgres: include_str!("../migrations/postgres/0001_invoices.sql"),
}];

lumiku_plugin::actions! {
    /// Create a draft invoice.
    CreateInvoice = "createInvoice",
    /// Issue a draft: number it and mark it sent.
    IssueInvoice = "issueInvoice",
    /// Generate an invoice's PDF.
    GeneratePdf = "generatePdf",
    /// Mail an invoice with its PDF.
    SendInvoice = "sendInvoice",
    /// Add a client.
    CreateClient = "createClient",
    /// Save the business profile.
    UpdateProfile = "updateProfile",
    /// Set the logo.
    UploadLogo = "uploadLogo",
    /// Remove the logo.
    RemoveLogo = "removeLogo",
    /// Change a client.
    UpdateClient = "updateClient",
    /// Delete a client without invoices.
    DeleteClient = "deleteClient",
    /// Change a draft.
    UpdateInvoice = "updateInvoice",
    /// Delete a draft.
    DeleteInvoice = "deleteInvoice",
    /// Mark an invoice paid.
    MarkPaid = "markPaid",
    /// Void an issued invoice.
    VoidInvoice = "voidInvoice",
    /// Make an invoice's public link.
    CreatePublicLink = "createPublicLink",
    /// End an invoice's public link.
    RevokePublicLink = "revokePublicLink",
}

/// The app.
pub struct InvoiceGenerator;

impl Plugin for InvoiceGenerator {
    fn export_hidden(&self) -> &'static [(&'static str, &'static str)] {
        // Public links: whoever holds one reads without signing in.
        &[("invoice_generator_invoices", "public_token")]
    }

    fn manifest(&self) -> &'static Manifest {
        &MANIFEST
    }

    fn routes(&self) -> OpenApiRouter {
        routes::router()
    }

    fn migrations(&self) -> &'static [Migration] {
        MIGRATIONS
    }

    fn pages(&self) -> Option<axum::Router> {
        Some(pages::router())
    }

    fn public_routes(&self) -> Option<OpenApiRouter> {
        Some(public::router())
    }

    fn streaming_paths(&self) -> &'static [&'static str] {
        // A logo may be up to 2 MiB, past the platform's 1 MiB for JSON bodies; the handler
        // holds it to its own limit.
        &["/profile/logo"]
    }

    fn run_job(
        &self,
        run: lumiku_plugin::JobRun,
    ) -> lumiku_plugin::context::BoxFuture<
        'static,
        Result<lumiku_plugin::Outcome, lumiku_plugin::ApiError>,
    > {
        Box::pin(runner::run(run))
    }
}

/// The app, ready to hand to the server.
pub fn app() -> Arc<dyn Plugin> {
    Arc::new(InvoiceGenerator)
}

#[cfg(test)]
mod tests {
    use super::*;
    use lumiku_plugin::context::Action;

    #[test]
    fn the_manifest_is_valid_and_prices_every_action() {
        let problems = MANIFEST.problems();
        assert!(problems.is_empty(), "{problems:?}");
        for (action, price) in [
            (CreateInvoice::NAME, 3),
            (IssueInvoice::NAME, 1),
            (GeneratePdf::NAME, 1),
            (SendInvoice::NAME, 2),
            (CreateClient::NAME, 1),
            (UpdateProfile::NAME, 0),
            (UploadLogo::NAME, 0),
            (RemoveLogo::NAME, 0),
            (UpdateClient::NAME, 0),
            (DeleteClient::NAME, 0),
            (UpdateInvoice::NAME, 0),
            (DeleteInvoice::NAME, 0),
            (MarkPaid::NAME, 0),
            (VoidInvoice::NAME, 0),
            (CreatePublicLink::NAME, 0),
            (RevokePublicLink::NAME, 0),
        ] {
            assert_eq!(MANIFEST.cost(action), Some(price), "{action}");
        }
    }
}
