//! The app's page in the dashboard, server-rendered so it reads without script:
//!
//! - the list: invoices filtered by status, client and issue dates, with the outstanding totals;
//! - the editor (`?invoice=<id>`, or `?new` for a new draft): lines with live totals priced by the
//!   server (`POST /quote`), a preview of the invoice as the client will see it, and the actions
//!   its status allows (issue, PDF, send, public link, paid, void, delete);
//! - the business profile (with the logo) and the clients.
//!
//! `invoices.js` drives the editor; every other button is a `data-api` form of the dashboard's
//! script.

use askama::Template;
use axum::Router;
use axum::http::header;
use axum::response::{Html, IntoResponse};
use axum::routing::get;
use lumiku_plugin::context::Action;
use lumiku_plugin::extract::Query;
use lumiku_plugin::{ApiError, PageContext, Permission};
use serde::Deserialize;
use uuid::Uuid;

use crate::model::{Client, Invoice, InvoiceSummary, Profile, Status};
use crate::money::CURRENCIES;
use crate::store::{self, Delivery, InvoiceFilter};
use crate::{CreateClient, CreateInvoice, GeneratePdf, IssueInvoice, MANIFEST, SendInvoice};

/// The page routes, relative to `/apps/invoice-generator`.
pub fn router() -> Router {
    Router::new()
        .route("/", get(invoices_page))
        .route("/invoices.js", get(script))
        .route("/invoices.css", get(styles))
}

async fn styles() -> impl IntoResponse {
    (
        [
            (header::CONTENT_TYPE, "text/css; charset=utf-8"),
            (header::CACHE_CONTROL, "no-cache"),
        ],
        include_str!("../assets/invoices.css"),
    )
}

async fn script() -> impl IntoResponse {
    (
        [
            (header::CONTENT_TYPE, "text/javascript; charset=utf-8"),
            (header::CACHE_CONTROL, "no-cache"),
        ],
        include_str!("../assets/invoices.js"),
    )
}

/// What the page shows.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct PageQuery {
    invoice: Option<Uuid>,
    new: Option<String>,
    status: Option<String>,
    client: Option<Uuid>,
    from: Option<String>,
    to: Option<String>,
    before: Option<Uuid>,
}

/// Each priced button's label: "3 credits".
struct Price {
    create_invoice: String,
    create_client: String,
    issue: String,
    pdf: String,
    send: String,
}

/// "3 credits", "1 credit".
fn credits(n: i64) -> String {
    if n == 1 {
        "1 credit".into()
    } else {
        format!("{n} credits")
    }
}

#[derive(Template)]
#[template(path = "invoices.html")]
struct InvoicesPage {
    api: &'static str,
    page_path: String,
    can_write: bool,
    price: Price,
    profile: Profile,
    clients: Vec<Client>,
    currencies: Vec<&'static str>,
    statuses: Vec<&'static str>,
    /// The list (when no invoice is open).
    list: Option<ListView>,
    /// The open invoice, or a new one.
    editor: Option<EditorView>,
    outstanding: Vec<String>,
}

struct ListView {
    items: Vec<InvoiceSummary>,
    status: String,
    client: Option<Uuid>,
    from: String,
    to: String,
    older: Option<String>,
}

/// A line as the page prints it.
struct RowView {
    description: String,
    quantity: String,
    unit_price: String,
    total: String,
}

struct EditorView {
    /// None for a new draft.
    invoice: Option<Invoice>,
    rows: Vec<RowView>,
    deliveries: Vec<Delivery>,
    /// The invoice's JSON for the script (or `null`).
    json: String,
    editable: bool,
    open: bool,
    status: &'static str,
}

fn query_string(pairs: &[(&str, String)]) -> String {
    let parts: Vec<String> = pairs
        .iter()
        .filter(|(_, v)| !v.is_empty())
        .map(|(k, v)| format!("{k}={v}"))
        .collect();
    if parts.is_empty() {
        String::new()
    } else {
        format!("?{}", parts.join("&"))
    }
}

async fn invoices_page(
    page: PageContext,
    Query(query): Query<PageQuery>,
) -> Result<Html<String>, ApiError> {
    let tenant = page.tenant_id();
    let mut tx = page.read().await?;
    let (profile, _) = store::profile(&mut tx, tenant).await?;
    let clients = store::list_clients(&mut tx, tenant, None, store::PAGE_MAX).await?;
    let outstanding = store::outstanding(&mut tx, tenant)
        .await?
        .into_iter()
        .map(|(currency, count, total)| {
            let c = crate::money::Currency::of(&currency).unwrap_or(crate::money::IDR);
            format!(
                "{} in {count} open invoice{}",
                c.format(total),
                if count == 1 { "" } else { "s" }
            )
        })
        .collect();
    let editor = if let Some(id) = query.invoice {
        let stored = store::invoice(&mut tx, tenant, id).await?;
        let deliveries = store::deliveries(&mut tx, tenant, id).await?;
        let status = stored.invoice.summary.status;
        let currency = crate::money::Currency::of(&stored.invoice.summary.currency)
            .unwrap_or(crate::money::IDR);
        let rows = stored
            .invoice
            .lines
            .iter()
            .map(|line| RowView {
                description: line.description.clone(),
                quantity: line.quantity.to_decimal(),
                unit_price: currency.format(line.unit_price),
                total: currency.format(line.figures.total),
            })
            .collect();
        Some(EditorView {
            rows,
            json: serde_json::to_string(&stored.invoice).map_err(ApiError::internal)?,
            editable: status == Status::Draft,
            open: status.is_open(),
            status: status.as_str(),
            invoice: Some(stored.invoice),
            deliveries,
        })
    } else if query.new.is_some() {
        Some(EditorView {
            rows: Vec::new(),
            invoice: None,
            deliveries: Vec::new(),
            json: "null".into(),
            editable: true,
            open: false,
            status: "draft",
        })
    } else {
        None
    };
    let list = if editor.is_none() {
        let status = query
            .status
            .as_deref()
            .and_then(Status::parse)
            .map(|s| s.as_str().to_owned())
            .unwrap_or_default();
        let from = query
            .from
            .as_deref()
            .and_then(crate::model::parse_date)
            .map(|d| d.to_string())
            .unwrap_or_default();
        let to = query
            .to
            .as_deref()
            .and_then(crate::model::parse_date)
            .map(|d| d.to_string())
            .unwrap_or_default();
        let filter = InvoiceFilter {
            status: Status::parse(&status),
            client_id: query.client,
            from: crate::model::parse_date(&from),
            to: crate::model::parse_date(&to),
            before: query.before,
            limit: store::PAGE_DEFAULT,
        };
        let (items, next) = store::list_invoices(&mut tx, tenant, &filter).await?;
        let older = next.map(|cursor| {
            query_string(&[
                ("status", status.clone()),
                (
                    "client",
                    query.client.map(|c| c.to_string()).unwrap_or_default(),
                ),
                ("from", from.clone()),
                ("to", to.clone()),
                ("before", cursor.to_string()),
            ])
        });
        Some(ListView {
            items,
            status,
            client: query.client,
            from,
            to,
            older,
        })
    } else {
        None
    };
    tx.commit().await.map_err(ApiError::internal)?;
    let body = InvoicesPage {
        api: MANIFEST.route_prefix,
        page_path: format!("/apps/{}", MANIFEST.app_id),
        can_write: page.can(Permission::Write),
        price: Price {
            create_invoice: credits(page.cost(CreateInvoice::NAME)),
            create_client: credits(page.cost(CreateClient::NAME)),
            issue: credits(page.cost(IssueInvoice::NAME)),
            pdf: credits(page.cost(GeneratePdf::NAME)),
            send: credits(page.cost(SendInvoice::NAME)),
        },
        profile,
        clients,
        currencies: CURRENCIES.iter().map(|c| c.code).collect(),
        statuses: ["draft", "sent", "paid", "overdue", "void"].to_vec(),
        list,
        editor,
        outstanding,
    }
    .render()
    .map_err(ApiError::internal)?;
    Ok(page.render(MANIFEST.name, &body))
}
