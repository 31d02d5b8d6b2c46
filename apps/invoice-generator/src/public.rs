//! The client's link: a page showing one issued invoice and its PDF, without an account, until
//! the invoice is voided or the link revoked or replaced.
//!
//! The token is the tenant's id and 24 random bytes, base64url: the tenant tells the kernel where
//! to look (it admits the request only where the app is installed), the random part is what makes
//! it unguessable.

use askama::Template;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use lumiku_plugin::extract::Path;
use lumiku_plugin::{ApiError, ErrorBody, PublicContext};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

use crate::model::Status;
use crate::money::Currency;
use crate::store::{self, Stored};

/// The public routes, relative to `/api/apps/invoice-generator/public`.
pub fn router() -> OpenApiRouter {
    // The page and its stylesheet are for people, not programs: routed, not in the API document.
    OpenApiRouter::new()
        .route("/invoices/{token}", get(view))
        .route("/invoice.css", get(styles))
        .routes(routes!(download))
}

/// A new token for a link of `tenant_id`.
pub fn new_token(tenant_id: Uuid) -> Result<String, ApiError> {
    let mut bytes = [0u8; 40];
    bytes[..16].copy_from_slice(tenant_id.as_bytes());
    getrandom::fill(&mut bytes[16..])
        .map_err(|e| ApiError::internal(std::io::Error::other(e.to_string())))?;
    Ok(URL_SAFE_NO_PAD.encode(bytes))
}

fn not_found() -> ApiError {
    ApiError::not_found("This invoice link does not exist or was revoked")
}

/// The tenant a well-formed token names.
fn tenant_of(token: &str) -> Option<Uuid> {
    let bytes = URL_SAFE_NO_PAD.decode(token).ok()?;
    (bytes.len() == 40).then(|| Uuid::from_slice(&bytes[..16]).ok())?
}

async fn open(ctx: &PublicContext, token: &str) -> Result<(Uuid, Stored), ApiError> {
    let tenant = tenant_of(token).ok_or_else(not_found)?;
    let mut tx = ctx.read(tenant).await?;
    let stored = store::invoice_by_token(&mut tx, tenant, token).await?;
    tx.commit().await.map_err(ApiError::internal)?;
    if matches!(stored.invoice.summary.status, Status::Draft | Status::Void) {
        return Err(not_found());
    }
    Ok((tenant, stored))
}

struct LineView {
    description: String,
    quantity: String,
    unit_price: String,
    total: String,
}

#[derive(Template)]
#[template(path = "public.html")]
struct PublicPage {
    number: String,
    status: &'static str,
    seller: crate::model::Profile,
    billed_to: crate::model::BilledTo,
    issue_date: String,
    due_date: String,
    lines: Vec<LineView>,
    subtotal: String,
    discount: Option<String>,
    tax: String,
    total: String,
    notes: Option<String>,
    terms: Option<String>,
    pdf_href: String,
    css_href: String,
}

/// The invoice as a page (free, no account): the seller, the client, the lines and totals, the
/// payment details, and a link to its PDF.
async fn view(ctx: PublicContext, Path(token): Path<String>) -> Result<Response, ApiError> {
    let (tenant, stored) = open(&ctx, &token).await?;
    let (profile, _) = {
        let mut tx = ctx.read(tenant).await?;
        let profile = store::profile(&mut tx, tenant).await?;
        tx.commit().await.map_err(ApiError::internal)?;
        profile
    };
    let invoice = stored.invoice;
    let seller = stored.seller.unwrap_or(profile);
    let currency = Currency::of(&invoice.summary.currency).unwrap_or(crate::money::IDR);
    let totals = invoice.summary.totals;
    let path = store::public_path(&token);
    let page = PublicPage {
        number: invoice.summary.number.clone().unwrap_or_default(),
        status: invoice.summary.status.as_str(),
        seller,
        billed_to: invoice.billed_to,
        issue_date: invoice.summary.issue_date,
        due_date: invoice.summary.due_date,
        lines: invoice
            .lines
            .iter()
            .map(|line| LineView {
                description: line.description.clone(),
                quantity: line.quantity.to_decimal(),
                unit_price: currency.format(line.unit_price),
                total: currency.format(line.figures.total),
            })
            .collect(),
        subtotal: currency.format(totals.subtotal),
        discount: (totals.discount > 0).then(|| format!("-{}", currency.format(totals.discount))),
        tax: currency.format(totals.tax),
        total: currency.format(totals.total),
        notes: invoice.notes,
        terms: invoice.terms,
        pdf_href: format!("{path}/pdf"),
        css_href: format!("{}/public/invoice.css", crate::MANIFEST.route_prefix),
    }
    .render()
    .map_err(ApiError::internal)?;
    let mut response = Html(page).into_response();
    private(&mut response);
    Ok(response)
}

/// Keeps a client's invoice out of shared caches and search engines, and its link out of
/// referrers.
fn private(response: &mut Response) {
    let headers = response.headers_mut();
    headers.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("private, no-store"),
    );
    headers.insert("x-robots-tag", HeaderValue::from_static("noindex"));
    headers.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
}

/// The invoice's PDF (free, no account), made from the invoice as issued.
#[utoipa::path(get, path = "/invoices/{token}/pdf", tag = "invoice-generator",
    params(("token" = String, Path, description = "The link's token")),
    responses(
        (status = 200, description = "The PDF", content_type = "application/pdf", body = Vec<u8>),
        (status = 404, description = "No such link, revoked, or the invoice is void", body = ErrorBody),
    ))]
async fn download(ctx: PublicContext, Path(token): Path<String>) -> Result<Response, ApiError> {
    let (tenant, stored) = open(&ctx, &token).await?;
    let (profile, logo) = {
        let mut tx = ctx.read(tenant).await?;
        let profile = store::profile(&mut tx, tenant).await?;
        tx.commit().await.map_err(ApiError::internal)?;
        profile
    };
    let blobs = ctx.blobs(tenant);
    let (seller, logo) = crate::routes::seller_of(&blobs, &stored, profile, logo).await?;
    let name = crate::routes::pdf_name(&stored.invoice);
    let bytes = crate::routes::render_pdf(stored.invoice, seller, logo).await?;
    let disposition = format!("attachment; filename=\"{}\"", name.replace('"', ""));
    let mut response = (
        StatusCode::OK,
        [
            (header::CONTENT_TYPE, "application/pdf".to_owned()),
            (header::CONTENT_DISPOSITION, disposition),
        ],
        bytes,
    )
        .into_response();
    private(&mut response);
    Ok(response)
}

/// The public page's stylesheet.
async fn styles() -> impl IntoResponse {
    (
        [
            (header::CONTENT_TYPE, "text/css; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        include_str!("../assets/public.css"),
    )
}
