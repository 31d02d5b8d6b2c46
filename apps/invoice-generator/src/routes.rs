//! The app's API, relative to `/api/apps/invoice-generator`.

use axum::body::Body;
use axum::http::{HeaderMap, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use chrono::{NaiveDate, NaiveTime, Utc};
use lumiku_plugin::extract::{Json, Path, Query};
use lumiku_plugin::jobs::{NewJob, Schedule};
use lumiku_plugin::{
    ApiError, AppContext, Charged, Disposition, ErrorBody, IdempotencyKey, List, Metered,
    MeteredErrors, Opened, Permission,
};
use serde::{Deserialize, Serialize};
use serde_json::json;
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

use crate::model::{
    Client, ClientInput, Draft, Invoice, InvoiceInput, InvoiceSummary, Line, Profile, ProfileInput,
    Status,
};
use crate::money::Totals;
use crate::store::{self, Delivery, InvoiceFilter, Stored};
use crate::{
    CreateClient, CreateInvoice, CreatePublicLink, DeleteClient, DeleteInvoice, GeneratePdf,
    IssueInvoice, MarkPaid, RemoveLogo, RevokePublicLink, SendInvoice, UpdateClient, UpdateInvoice,
    UpdateProfile, UploadLogo, VoidInvoice,
};

pub fn router() -> OpenApiRouter {
    OpenApiRouter::new()
        .routes(routes!(get_profile, update_profile))
        .routes(routes!(get_logo, upload_logo, remove_logo))
        .routes(routes!(list_clients, create_client))
        .routes(routes!(get_client, update_client, delete_client))
        .routes(routes!(list_invoices, create_invoice))
        .routes(routes!(quote))
        .routes(routes!(get_invoice, update_invoice, delete_invoice))
        .routes(routes!(issue_invoice))
        .routes(routes!(mark_paid))
        .routes(routes!(void_invoice))
        .routes(routes!(get_pdf, generate_pdf))
        .routes(routes!(create_link, revoke_link))
        .routes(routes!(send_invoice))
        .routes(routes!(stats))
}

/// The largest logo: 2 MiB of PNG or JPEG.
pub const LOGO_MAX_BYTES: u64 = 2 * 1024 * 1024;

/// What a metered action keeps with its usage row.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Usage {
    #[serde(skip_serializing_if = "Option::is_none")]
    invoice_id: Option<Uuid>,
    #[serde(skip_serializing_if = "Option::is_none")]
    client_id: Option<Uuid>,
}

impl Usage {
    fn invoice(id: Uuid) -> Self {
        Self {
            invoice_id: Some(id),
            client_id: None,
        }
    }
    fn client(id: Uuid) -> Self {
        Self {
            invoice_id: None,
            client_id: Some(id),
        }
    }
    fn none() -> Self {
        Self {
            invoice_id: None,
            client_id: None,
        }
    }
}

// ---------------------------------------------------------------------------------------------
// The profile

/// The business profile.
#[derive(Serialize, ToSchema)]
pub struct ProfileBody {
    profile: Profile,
}

/// The tenant's business profile (free): an empty one until saved.
#[utoipa::path(get, path = "/profile", tag = "invoice-generator", security(("bearer" = [])),
    responses(
        (status = 200, description = "The profile", body = ProfileBody),
        (status = 401, description = "No valid access token", body = ErrorBody),
    ))]
async fn get_profile(ctx: AppContext) -> Result<Json<ProfileBody>, ApiError> {
    let mut tx = ctx.read().await?;
    let (profile, _) = store::profile(&mut tx, ctx.tenant_id()).await?;
    Ok(Json(ProfileBody { profile }))
}

/// Saves the business profile (free): what new invoices default to and what issued ones print.
/// Issued invoices keep the profile they were issued with.
#[utoipa::path(put, path = "/profile", tag = "invoice-generator", security(("bearer" = [])),
    request_body = ProfileInput,
    responses((status = 200, description = "Saved", body = Charged<ProfileBody>), MeteredErrors))]
async fn update_profile(
    mut metered: Metered<UpdateProfile, ProfileInput>,
) -> Result<Charged<ProfileBody>, ApiError> {
    let input = metered.body().validate()?;
    let tenant = metered.tenant_id();
    store::save_profile(metered.tx(), tenant, &input).await?;
    let (profile, _) = store::profile(metered.tx(), tenant).await?;
    metered
        .finish(StatusCode::OK, ProfileBody { profile }, Usage::none())
        .await
}

/// The logo (free).
#[utoipa::path(get, path = "/profile/logo", tag = "invoice-generator", security(("bearer" = [])),
    responses(
        (status = 200, description = "The image", content_type = "image/png", body = Vec<u8>),
        (status = 304, description = "Not modified"),
        (status = 404, description = "No logo", body = ErrorBody),
    ))]
async fn get_logo(ctx: AppContext, headers: HeaderMap) -> Result<Response, ApiError> {
    let mut tx = ctx.read().await?;
    let (_, logo) = store::profile(&mut tx, ctx.tenant_id()).await?;
    drop(tx);
    let logo = logo.ok_or_else(|| ApiError::not_found("no logo"))?;
    ctx.blobs()
        .serve(
            logo,
            &headers,
            Disposition {
                filename: "logo",
                inline: true,
            },
        )
        .await
}

/// Sets the logo printed on invoices (free): the body is a PNG or JPEG of at most 2 MiB,
/// stored on the platform's blob storage and counted in the tenant's storage quota.
#[utoipa::path(put, path = "/profile/logo", tag = "invoice-generator", security(("bearer" = [])),
    params(IdempotencyKey),
    request_body(content = Vec<u8>, content_type = "image/png", description = "The image's bytes"),
    responses(
        (status = 200, description = "Set", body = Charged<ProfileBody>),
        (status = 413, description = "Larger than 2 MiB, or over the storage quota", body = ErrorBody),
        (status = 415, description = "Not a PNG or JPEG", body = ErrorBody),
        MeteredErrors
    ))]
async fn upload_logo(
    ctx: AppContext,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Body,
) -> Result<Response, ApiError> {
    ctx.require(Permission::Write)?;
    if lumiku_plugin::blobs::content_length(&headers).is_some_and(|n| n > LOGO_MAX_BYTES) {
        return Err(lumiku_plugin::blobs::upload_too_large(LOGO_MAX_BYTES));
    }
    let bytes = axum::body::to_bytes(body, LOGO_MAX_BYTES as usize)
        .await
        .map_err(|_| lumiku_plugin::blobs::upload_too_large(LOGO_MAX_BYTES))?;
    let is_png = bytes.starts_with(b"\x89PNG\r\n\x1a\n");
    let is_jpeg = bytes.starts_with(&[0xFF, 0xD8, 0xFF]);
    let decodes = (is_png && krilla::image::Image::from_png(bytes.to_vec().into(), true).is_ok())
        || (is_jpeg && krilla::image::Image::from_jpeg(bytes.to_vec().into(), true).is_ok());
    if !decodes {
        return Err(ApiError::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported_image",
            "A logo is a PNG or JPEG image",
        ));
    }
    let pending = ctx.blobs().store(bytes.to_vec()).await?;
    let fingerprint = pending.info().sha256.clone();
    let mut metered = match ctx
        .meter::<UploadLogo>(1, &headers, &method, uri.path(), &fingerprint)
        .await?
    {
        Opened::Charged(metered) => metered,
        Opened::Replayed(response) => return Ok(response),
    };
    metered.attach_blob(&pending).await?;
    let tenant = metered.tenant_id();
    if let Some(old) = store::set_logo(metered.tx(), tenant, Some(pending.info().id)).await? {
        metered.remove_blob(old).await?;
    }
    let (profile, _) = store::profile(metered.tx(), tenant).await?;
    let answer = metered
        .finish(StatusCode::OK, ProfileBody { profile }, Usage::none())
        .await?;
    Ok(answer.into_response())
}

/// Removes the logo (free).
#[utoipa::path(delete, path = "/profile/logo", tag = "invoice-generator", security(("bearer" = [])),
    params(IdempotencyKey),
    responses((status = 200, description = "Removed", body = Charged<ProfileBody>), MeteredErrors))]
async fn remove_logo(mut metered: Metered<RemoveLogo>) -> Result<Charged<ProfileBody>, ApiError> {
    let tenant = metered.tenant_id();
    if let Some(old) = store::set_logo(metered.tx(), tenant, None).await? {
        metered.remove_blob(old).await?;
    }
    let (profile, _) = store::profile(metered.tx(), tenant).await?;
    metered
        .finish(StatusCode::OK, ProfileBody { profile }, Usage::none())
        .await
}

// ---------------------------------------------------------------------------------------------
// Clients

/// Which clients.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[serde(default)]
#[into_params(parameter_in = Query)]
pub struct ClientQuery {
    /// Only those whose name or e-mail contains this.
    q: Option<String>,
    /// At most this many, 1 to 200 (default 200).
    #[serde(deserialize_with = "lumiku_plugin::list::limit::<200, _>")]
    #[param(minimum = 1, maximum = 200)]
    limit: Option<u32>,
}

/// One client.
#[derive(Serialize, ToSchema)]
pub struct ClientBody {
    client: Client,
}

/// Lists the tenant's clients by name (free).
#[utoipa::path(get, path = "/clients", tag = "invoice-generator", security(("bearer" = [])),
    params(ClientQuery),
    responses(
        (status = 200, description = "Clients", body = List<Client>),
        (status = 400, description = "Invalid query", body = ErrorBody),
        (status = 401, description = "No valid access token", body = ErrorBody),
    ))]
async fn list_clients(
    ctx: AppContext,
    Query(query): Query<ClientQuery>,
) -> Result<Json<List<Client>>, ApiError> {
    let mut tx = ctx.read().await?;
    let items = store::list_clients(
        &mut tx,
        ctx.tenant_id(),
        query.q.as_deref(),
        query.limit.unwrap_or(store::PAGE_MAX),
    )
    .await?;
    Ok(Json(List::complete(items)))
}

/// Adds a client (`createClient` credits).
#[utoipa::path(post, path = "/clients", tag = "invoice-generator", security(("bearer" = [])),
    request_body = ClientInput,
    params(IdempotencyKey),
    responses((status = 201, description = "Added and charged", body = Charged<ClientBody>), MeteredErrors))]
async fn create_client(
    mut metered: Metered<CreateClient, ClientInput>,
) -> Result<Charged<ClientBody>, ApiError> {
    let input = metered.body().validate()?;
    let (tenant, user) = (metered.tenant_id(), metered.user_id());
    let client = store::insert_client(metered.tx(), tenant, user, &input).await?;
    let usage = Usage::client(client.id);
    metered
        .finish(StatusCode::CREATED, ClientBody { client }, usage)
        .await
}

/// One client (free).
#[utoipa::path(get, path = "/clients/{id}", tag = "invoice-generator", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Client id")),
    responses(
        (status = 200, description = "The client", body = ClientBody),
        (status = 404, description = "No such client in this tenant", body = ErrorBody),
    ))]
async fn get_client(ctx: AppContext, Path(id): Path<Uuid>) -> Result<Json<ClientBody>, ApiError> {
    let mut tx = ctx.read().await?;
    let client = store::client(&mut tx, ctx.tenant_id(), id).await?;
    Ok(Json(ClientBody { client }))
}

/// Changes a client (free). Drafts follow; issued invoices keep who they were issued to.
#[utoipa::path(put, path = "/clients/{id}", tag = "invoice-generator", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Client id"), IdempotencyKey),
    request_body = ClientInput,
    responses(
        (status = 200, description = "Changed", body = Charged<ClientBody>),
        (status = 404, description = "No such client in this tenant", body = ErrorBody),
        MeteredErrors
    ))]
async fn update_client(
    Path(id): Path<Uuid>,
    mut metered: Metered<UpdateClient, ClientInput>,
) -> Result<Charged<ClientBody>, ApiError> {
    let input = metered.body().validate()?;
    let tenant = metered.tenant_id();
    let client = store::update_client(metered.tx(), tenant, id, &input).await?;
    metered
        .finish(StatusCode::OK, ClientBody { client }, Usage::client(id))
        .await
}

/// Deletes a client with no invoices (free); 409 `client_has_invoices` otherwise.
#[utoipa::path(delete, path = "/clients/{id}", tag = "invoice-generator", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Client id"), IdempotencyKey),
    responses(
        (status = 200, description = "Deleted", body = Charged<Deleted>),
        (status = 404, description = "No such client in this tenant", body = ErrorBody),
        (status = 409, description = "The client has invoices", body = ErrorBody),
        MeteredErrors
    ))]
async fn delete_client(
    Path(id): Path<Uuid>,
    mut metered: Metered<DeleteClient>,
) -> Result<Charged<Deleted>, ApiError> {
    let tenant = metered.tenant_id();
    store::delete_client(metered.tx(), tenant, id).await?;
    metered
        .finish(StatusCode::OK, Deleted { deleted: id }, Usage::client(id))
        .await
}

/// What was deleted.
#[derive(Serialize, ToSchema)]
pub struct Deleted {
    deleted: Uuid,
}

// ---------------------------------------------------------------------------------------------
// Invoices

/// A page of invoices.
#[derive(Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct InvoiceList {
    /// Newest first.
    items: Vec<InvoiceSummary>,
    /// Pass as `before` for the next page; null on the last.
    next_cursor: Option<Uuid>,
}

/// Which invoices.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[serde(default, rename_all = "camelCase")]
#[into_params(parameter_in = Query, rename_all = "camelCase")]
pub struct InvoiceQuery {
    /// Only this status.
    status: Option<Status>,
    /// Only this client's.
    client_id: Option<Uuid>,
    /// Issued on or after this date (`YYYY-MM-DD`).
    #[param(schema_with = crate::model::date_schema)]
    from: Option<String>,
    /// Issued on or before this date (`YYYY-MM-DD`).
    #[param(schema_with = crate::model::date_schema)]
    to: Option<String>,
    /// The `nextCursor` of the previous page.
    before: Option<Uuid>,
    /// Page size, 1 to 200 (default 50).
    #[serde(deserialize_with = "lumiku_plugin::list::limit::<200, _>")]
    #[param(minimum = 1, maximum = 200)]
    limit: Option<u32>,
}

/// An invoice and its deliveries.
#[derive(Serialize, ToSchema)]
pub struct InvoiceBody {
    invoice: Invoice,
    /// The requests to mail it, newest first.
    deliveries: Vec<Delivery>,
}

/// Lists invoices, newest first, by status, client and issue dates (free).
#[utoipa::path(get, path = "/invoices", tag = "invoice-generator", security(("bearer" = [])),
    params(InvoiceQuery),
    responses(
        (status = 200, description = "A page of invoices", body = InvoiceList),
        (status = 400, description = "Invalid query", body = ErrorBody),
        (status = 401, description = "No valid access token", body = ErrorBody),
    ))]
async fn list_invoices(
    ctx: AppContext,
    Query(query): Query<InvoiceQuery>,
) -> Result<Json<InvoiceList>, ApiError> {
    let date = |field: &str, text: &Option<String>| -> Result<Option<NaiveDate>, ApiError> {
        text.as_deref()
            .map(|t| {
                crate::model::parse_date(t)
                    .ok_or_else(|| ApiError::invalid_field(field, "must be a date, YYYY-MM-DD"))
            })
            .transpose()
    };
    let filter = InvoiceFilter {
        status: query.status,
        client_id: query.client_id,
        from: date("from", &query.from)?,
        to: date("to", &query.to)?,
        before: query.before,
        limit: query.limit.unwrap_or(store::PAGE_DEFAULT),
    };
    let mut tx = ctx.read().await?;
    let (items, next_cursor) = store::list_invoices(&mut tx, ctx.tenant_id(), &filter).await?;
    Ok(Json(InvoiceList { items, next_cursor }))
}

fn today() -> NaiveDate {
    Utc::now().date_naive()
}

/// Creates a draft invoice (`createInvoice` credits): its lines priced, its totals computed, the
/// client's details copied in. Drafts have no number until issued.
#[utoipa::path(post, path = "/invoices", tag = "invoice-generator", security(("bearer" = [])),
    request_body = InvoiceInput,
    params(IdempotencyKey),
    responses(
        (status = 201, description = "Created and charged", body = Charged<InvoiceBody>),
        (status = 404, description = "No such client in this tenant", body = ErrorBody),
        MeteredErrors
    ))]
async fn create_invoice(
    mut metered: Metered<CreateInvoice, InvoiceInput>,
) -> Result<Charged<InvoiceBody>, ApiError> {
    let (tenant, user) = (metered.tenant_id(), metered.user_id());
    let (profile, _) = store::profile(metered.tx(), tenant).await?;
    let draft = metered.body().validate(&profile, today())?;
    let client = store::client(metered.tx(), tenant, draft.client_id).await?;
    let id = store::insert_draft(metered.tx(), tenant, user, &client, &draft).await?;
    let invoice = store::invoice(metered.tx(), tenant, id).await?.invoice;
    metered
        .finish(
            StatusCode::CREATED,
            InvoiceBody {
                invoice,
                deliveries: Vec::new(),
            },
            Usage::invoice(id),
        )
        .await
}

/// Priced lines and totals.
#[derive(Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Quote {
    lines: Vec<Line>,
    totals: Totals,
    /// The total written the currency's way.
    total_formatted: String,
    /// Every figure written the currency's way, for showing as they are.
    formatted: QuoteText,
    /// `YYYY-MM-DD`, with the defaults applied.
    due_date: String,
}

/// A quote's figures as text.
#[derive(Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct QuoteText {
    subtotal: String,
    discount: String,
    tax: String,
    total: String,
    /// Each line's total.
    lines: Vec<String>,
}

/// Prices an invoice without saving it (free): the editor's live totals, computed by the same
/// rules as a saved invoice. The client is not checked.
#[utoipa::path(post, path = "/quote", tag = "invoice-generator", security(("bearer" = [])),
    request_body = InvoiceInput,
    responses(
        (status = 200, description = "The figures", body = Quote),
        (status = 422, description = "Invalid lines", body = ErrorBody),
    ))]
async fn quote(ctx: AppContext, Json(input): Json<InvoiceInput>) -> Result<Json<Quote>, ApiError> {
    let mut tx = ctx.read().await?;
    let (profile, _) = store::profile(&mut tx, ctx.tenant_id()).await?;
    drop(tx);
    let input = InvoiceInput {
        client_id: Some(input.client_id.unwrap_or(Uuid::nil())),
        ..input
    };
    let Draft {
        lines,
        totals,
        currency,
        due_date,
        ..
    } = input.validate(&profile, today())?;
    let formatted = QuoteText {
        subtotal: currency.format(totals.subtotal),
        discount: currency.format(totals.discount),
        tax: currency.format(totals.tax),
        total: currency.format(totals.total),
        lines: lines
            .iter()
            .map(|l| currency.format(l.figures.total))
            .collect(),
    };
    Ok(Json(Quote {
        formatted,
        lines,
        totals,
        total_formatted: currency.format(totals.total),
        due_date: due_date.to_string(),
    }))
}

async fn invoice_body(
    tx: &mut lumiku_plugin::Tx,
    tenant: Uuid,
    id: Uuid,
) -> Result<InvoiceBody, ApiError> {
    let invoice = store::invoice(tx, tenant, id).await?.invoice;
    let deliveries = store::deliveries(tx, tenant, id).await?;
    Ok(InvoiceBody {
        invoice,
        deliveries,
    })
}

/// One invoice with its lines and deliveries (free).
#[utoipa::path(get, path = "/invoices/{id}", tag = "invoice-generator", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Invoice id")),
    responses(
        (status = 200, description = "The invoice", body = InvoiceBody),
        (status = 404, description = "No such invoice in this tenant", body = ErrorBody),
    ))]
async fn get_invoice(ctx: AppContext, Path(id): Path<Uuid>) -> Result<Json<InvoiceBody>, ApiError> {
    let mut tx = ctx.read().await?;
    Ok(Json(invoice_body(&mut tx, ctx.tenant_id(), id).await?))
}

/// Replaces a draft's fields and lines (free); 409 `invoice_not_draft` once issued.
#[utoipa::path(put, path = "/invoices/{id}", tag = "invoice-generator", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Invoice id"), IdempotencyKey),
    request_body = InvoiceInput,
    responses(
        (status = 200, description = "Saved", body = Charged<InvoiceBody>),
        (status = 404, description = "No such invoice or client in this tenant", body = ErrorBody),
        (status = 409, description = "Not a draft", body = ErrorBody),
        MeteredErrors
    ))]
async fn update_invoice(
    Path(id): Path<Uuid>,
    mut metered: Metered<UpdateInvoice, InvoiceInput>,
) -> Result<Charged<InvoiceBody>, ApiError> {
    let tenant = metered.tenant_id();
    let (profile, _) = store::profile(metered.tx(), tenant).await?;
    let draft = metered.body().validate(&profile, today())?;
    let client = store::client(metered.tx(), tenant, draft.client_id).await?;
    if let Some(old_pdf) = store::update_draft(metered.tx(), tenant, id, &client, &draft).await? {
        metered.remove_blob(old_pdf).await?;
    }
    let body = invoice_body(metered.tx(), tenant, id).await?;
    metered
        .finish(StatusCode::OK, body, Usage::invoice(id))
        .await
}

/// Deletes a draft (free); 409 `invoice_not_draft` once issued (void it instead).
#[utoipa::path(delete, path = "/invoices/{id}", tag = "invoice-generator", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Invoice id"), IdempotencyKey),
    responses(
        (status = 200, description = "Deleted", body = Charged<Deleted>),
        (status = 404, description = "No such invoice in this tenant", body = ErrorBody),
        (status = 409, description = "Not a draft", body = ErrorBody),
        MeteredErrors
    ))]
async fn delete_invoice(
    Path(id): Path<Uuid>,
    mut metered: Metered<DeleteInvoice>,
) -> Result<Charged<Deleted>, ApiError> {
    let tenant = metered.tenant_id();
    if let Some(pdf) = store::delete_draft(metered.tx(), tenant, id).await? {
        metered.remove_blob(pdf).await?;
    }
    metered
        .finish(StatusCode::OK, Deleted { deleted: id }, Usage::invoice(id))
        .await
}

/// The unique key of an invoice's overdue check.
pub fn overdue_key(id: Uuid) -> String {
    format!("overdue:{id}")
}

/// Issues a draft (`issueInvoice` credits): the next number of the tenant's series, without
/// gaps (a failed issue gives its number back); status `sent`; the client's and the business's
/// details frozen as they are now. An overdue check is scheduled for the day after the due date.
#[utoipa::path(post, path = "/invoices/{id}/issue", tag = "invoice-generator", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Invoice id"), IdempotencyKey),
    responses(
        (status = 200, description = "Issued and charged", body = Charged<InvoiceBody>),
        (status = 404, description = "No such invoice in this tenant", body = ErrorBody),
        (status = 409, description = "Not a draft (`invoice_not_draft`) or no business name in the profile (`profile_incomplete`)", body = ErrorBody),
        MeteredErrors
    ))]
async fn issue_invoice(
    Path(id): Path<Uuid>,
    mut metered: Metered<IssueInvoice>,
) -> Result<Charged<InvoiceBody>, ApiError> {
    let tenant = metered.tenant_id();
    let (stored, old_pdf) = store::issue(metered.tx(), tenant, id).await?;
    if let Some(old_pdf) = old_pdf {
        metered.remove_blob(old_pdf).await?;
    }
    let due = crate::model::parse_date(&stored.invoice.summary.due_date).unwrap_or_else(today);
    let check_at = (due + chrono::Days::new(1))
        .and_time(NaiveTime::MIN)
        .and_utc();
    let job = NewJob::new(crate::runner::OVERDUE, Schedule::At(check_at))
        .payload(json!({ "invoiceId": id }))
        .unique_key(overdue_key(id));
    metered.enqueue(&job).await?;
    let body = invoice_body(metered.tx(), tenant, id).await?;
    metered
        .emit_webhook("invoice.issued", event_data(&body.invoice))
        .await?;
    metered
        .finish(StatusCode::OK, body, Usage::invoice(id))
        .await
}

/// A webhook event's `data`: the invoice as lists show it.
pub fn event_data(invoice: &crate::model::Invoice) -> serde_json::Value {
    json!({ "invoice": invoice.summary })
}

async fn settle(
    mut metered: Metered<impl lumiku_plugin::Action>,
    id: Uuid,
    to: Status,
) -> Result<Charged<InvoiceBody>, ApiError> {
    let tenant = metered.tenant_id();
    // The overdue check first: a run of it holds its job and then writes the invoice, so taking
    // them in the same order cannot deadlock with it.
    metered.cancel_jobs(&overdue_key(id)).await?;
    store::settle(metered.tx(), tenant, id, to).await?;
    let body = invoice_body(metered.tx(), tenant, id).await?;
    let event = match to {
        Status::Paid => "invoice.paid",
        _ => "invoice.voided",
    };
    metered
        .emit_webhook(event, event_data(&body.invoice))
        .await?;
    metered
        .finish(StatusCode::OK, body, Usage::invoice(id))
        .await
}

/// Marks a sent or overdue invoice paid (free).
#[utoipa::path(post, path = "/invoices/{id}/pay", tag = "invoice-generator", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Invoice id"), IdempotencyKey),
    responses(
        (status = 200, description = "Paid", body = Charged<InvoiceBody>),
        (status = 404, description = "No such invoice in this tenant", body = ErrorBody),
        (status = 409, description = "Not sent or overdue (`invalid_transition`)", body = ErrorBody),
        MeteredErrors
    ))]
async fn mark_paid(
    Path(id): Path<Uuid>,
    metered: Metered<MarkPaid>,
) -> Result<Charged<InvoiceBody>, ApiError> {
    settle(metered, id, Status::Paid).await
}

/// Voids a sent or overdue invoice (free): its number stays used and its public link ends.
#[utoipa::path(post, path = "/invoices/{id}/void", tag = "invoice-generator", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Invoice id"), IdempotencyKey),
    responses(
        (status = 200, description = "Voided", body = Charged<InvoiceBody>),
        (status = 404, description = "No such invoice in this tenant", body = ErrorBody),
        (status = 409, description = "Not sent or overdue (`invalid_transition`)", body = ErrorBody),
        MeteredErrors
    ))]
async fn void_invoice(
    Path(id): Path<Uuid>,
    metered: Metered<VoidInvoice>,
) -> Result<Charged<InvoiceBody>, ApiError> {
    settle(metered, id, Status::Void).await
}

/// The invoice's generated PDF.
#[derive(Serialize, ToSchema)]
pub struct PdfBody {
    pdf: PdfInfo,
}

/// A generated PDF.
#[derive(Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct PdfInfo {
    /// Bytes.
    size: u64,
    /// Hex SHA-256 of its bytes.
    sha256: String,
    /// Where to download it.
    path: String,
}

/// Whether the PDF is shown in the browser or downloaded.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[serde(default)]
#[into_params(parameter_in = Query)]
pub struct PdfQuery {
    /// `true` to download it as a file.
    download: bool,
}

/// The file name of an invoice's PDF.
pub fn pdf_name(invoice: &Invoice) -> String {
    let stem = invoice
        .summary
        .number
        .clone()
        .unwrap_or_else(|| format!("draft-{}", invoice.summary.id));
    format!("{}.pdf", stem.replace(['/', '\\'], "-"))
}

/// The last generated PDF of the invoice (free); 404 `pdf_not_generated` before one was made.
#[utoipa::path(get, path = "/invoices/{id}/pdf", tag = "invoice-generator", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Invoice id"), PdfQuery),
    responses(
        (status = 200, description = "The PDF", content_type = "application/pdf", body = Vec<u8>),
        (status = 304, description = "Not modified"),
        (status = 404, description = "No such invoice, or no PDF yet", body = ErrorBody),
    ))]
async fn get_pdf(
    ctx: AppContext,
    Path(id): Path<Uuid>,
    Query(query): Query<PdfQuery>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let mut tx = ctx.read().await?;
    let stored = store::invoice(&mut tx, ctx.tenant_id(), id).await?;
    drop(tx);
    let blob = stored.pdf_blob_id.ok_or_else(|| {
        ApiError::new(
            StatusCode::NOT_FOUND,
            "pdf_not_generated",
            "No PDF was generated for this invoice yet: POST to this path to make one",
        )
    })?;
    let name = pdf_name(&stored.invoice);
    let disposition = Disposition {
        filename: &name,
        inline: !query.download,
    };
    ctx.blobs().serve(blob, &headers, disposition).await
}

/// The seller an invoice prints: as issued, or the current profile on a draft; and the logo's
/// bytes.
pub async fn seller_of(
    blobs: &lumiku_plugin::Blobs,
    stored: &Stored,
    profile: Profile,
    logo: Option<Uuid>,
) -> Result<(Profile, Option<Vec<u8>>), ApiError> {
    let seller = stored.seller.clone().unwrap_or(profile);
    let logo = match logo {
        Some(id) if seller.has_logo => blobs.read_to_vec(id, LOGO_MAX_BYTES).await.ok().flatten(),
        _ => None,
    };
    Ok((seller, logo))
}

/// Renders the invoice's PDF off the async threads.
pub async fn render_pdf(
    invoice: Invoice,
    seller: Profile,
    logo: Option<Vec<u8>>,
) -> Result<Vec<u8>, ApiError> {
    tokio::task::spawn_blocking(move || {
        crate::pdf::render(&crate::pdf::Sheet {
            invoice: &invoice,
            seller: &seller,
            logo: logo.as_deref(),
        })
    })
    .await
    .map_err(ApiError::internal)?
}

/// Generates the invoice's PDF (`generatePdf` credits) and keeps it for `GET` (a draft's is
/// marked DRAFT and goes when the draft changes or is issued). Rendered before the charge; the
/// charge, the stored file and the invoice's pointer to it commit together.
#[utoipa::path(post, path = "/invoices/{id}/pdf", tag = "invoice-generator", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Invoice id"), IdempotencyKey),
    responses(
        (status = 201, description = "Generated and charged", body = Charged<PdfBody>),
        (status = 404, description = "No such invoice in this tenant", body = ErrorBody),
        (status = 409, description = "The invoice changed meanwhile (`invoice_changed`)", body = ErrorBody),
        (status = 413, description = "Over the storage quota", body = ErrorBody),
        MeteredErrors
    ))]
async fn generate_pdf(
    ctx: AppContext,
    Path(id): Path<Uuid>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    ctx.require(Permission::Write)?;
    ctx.require_credits::<GeneratePdf>(1, &headers).await?;
    // A change landing between the read and the charge (the overdue check, say) makes the PDF
    // stale: it is made again, a few times at most.
    let mut attempt = 0;
    loop {
        attempt += 1;
        match generate_once(&ctx, id, &method, &uri, &headers).await {
            Err(error) if error.code() == "invoice_changed" && attempt < 3 => continue,
            answer => return answer,
        }
    }
}

async fn generate_once(
    ctx: &AppContext,
    id: Uuid,
    method: &Method,
    uri: &Uri,
    headers: &HeaderMap,
) -> Result<Response, ApiError> {
    let tenant = ctx.tenant_id();
    let mut tx = ctx.read().await?;
    let stored = store::invoice(&mut tx, tenant, id).await?;
    let (profile, logo) = store::profile(&mut tx, tenant).await?;
    drop(tx);
    let blobs = ctx.blobs();
    let (seller, logo) = seller_of(&blobs, &stored, profile, logo).await?;
    let seen = stored.invoice.updated_at;
    let bytes = render_pdf(stored.invoice, seller, logo).await?;
    let pending = blobs.store(bytes).await?;
    let info = pending.info().clone();
    let fingerprint = format!("{id}:{}", seen.timestamp_micros());
    let mut metered = match ctx
        .meter::<GeneratePdf>(1, headers, method, uri.path(), &fingerprint)
        .await?
    {
        Opened::Charged(metered) => metered,
        Opened::Replayed(response) => return Ok(response),
    };
    metered.attach_blob(&pending).await?;
    if let Some(old) = store::set_pdf(metered.tx(), tenant, id, seen, info.id).await? {
        metered.remove_blob(old).await?;
    }
    let body = PdfBody {
        pdf: PdfInfo {
            size: info.size,
            sha256: info.sha256,
            path: format!("{}/invoices/{id}/pdf", crate::MANIFEST.route_prefix),
        },
    };
    let answer = metered
        .finish(StatusCode::CREATED, body, Usage::invoice(id))
        .await?;
    Ok(answer.into_response())
}

/// An invoice's public link.
#[derive(Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct LinkBody {
    /// The path anyone with it opens the invoice at (no account needed).
    public_path: String,
}

/// Makes the invoice's public link (free): a page where the client sees the invoice and
/// downloads its PDF, without an account. Making it again replaces the old link. Only issued
/// invoices have one; voiding ends it.
#[utoipa::path(post, path = "/invoices/{id}/link", tag = "invoice-generator", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Invoice id"), IdempotencyKey),
    responses(
        (status = 200, description = "The link", body = Charged<LinkBody>),
        (status = 404, description = "No such invoice in this tenant", body = ErrorBody),
        (status = 409, description = "A draft or a void invoice (`invoice_not_issued`)", body = ErrorBody),
        MeteredErrors
    ))]
async fn create_link(
    Path(id): Path<Uuid>,
    mut metered: Metered<CreatePublicLink>,
) -> Result<Charged<LinkBody>, ApiError> {
    let tenant = metered.tenant_id();
    let stored = store::invoice(metered.tx(), tenant, id).await?;
    require_issued(&stored)?;
    let token = crate::public::new_token(tenant)?;
    store::set_token(metered.tx(), tenant, id, Some(&token)).await?;
    let body = LinkBody {
        public_path: store::public_path(&token),
    };
    metered
        .finish(StatusCode::OK, body, Usage::invoice(id))
        .await
}

/// Ends the invoice's public link (free): it answers 404 from now on.
#[utoipa::path(delete, path = "/invoices/{id}/link", tag = "invoice-generator", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Invoice id"), IdempotencyKey),
    responses(
        (status = 200, description = "Revoked", body = Charged<InvoiceBody>),
        (status = 404, description = "No such invoice in this tenant", body = ErrorBody),
        MeteredErrors
    ))]
async fn revoke_link(
    Path(id): Path<Uuid>,
    mut metered: Metered<RevokePublicLink>,
) -> Result<Charged<InvoiceBody>, ApiError> {
    let tenant = metered.tenant_id();
    store::invoice(metered.tx(), tenant, id).await?;
    store::set_token(metered.tx(), tenant, id, None).await?;
    let body = invoice_body(metered.tx(), tenant, id).await?;
    metered
        .finish(StatusCode::OK, body, Usage::invoice(id))
        .await
}

fn require_issued(stored: &Stored) -> Result<(), ApiError> {
    match stored.invoice.summary.status {
        Status::Draft | Status::Void => Err(ApiError::conflict(
            "invoice_not_issued",
            "Only an issued invoice that is not void can be shared or sent",
        )),
        _ => Ok(()),
    }
}

/// Where and what to mail.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(default, rename_all = "camelCase")]
pub struct SendInput {
    /// The recipient; the client's e-mail address when absent or blank.
    #[schema(schema_with = crate::model::optional_email_schema)]
    to: Option<String>,
    /// A message above the invoice's summary, at most 2000 characters, several lines.
    #[schema(schema_with = lumiku_plugin::text::optional_multi_line_schema::<2000>)]
    message: Option<String>,
}

/// A queued delivery.
#[derive(Serialize, ToSchema)]
pub struct DeliveryBody {
    delivery: Delivery,
}

/// Mails the invoice with its PDF attached (`sendInvoice` credits): the charge and the queued
/// delivery commit together, and a background job sends it, retrying a mail server that fails
/// (five attempts over about eight minutes). The delivery's status (`queued`, `sent`,
/// `failed`) is in `GET /invoices/{id}`. 503 `mail_not_configured`, before any charge, when
/// the server has no SMTP server.
#[utoipa::path(post, path = "/invoices/{id}/send", tag = "invoice-generator", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Invoice id"), IdempotencyKey),
    request_body = SendInput,
    responses(
        (status = 202, description = "Queued and charged", body = Charged<DeliveryBody>),
        (status = 404, description = "No such invoice in this tenant", body = ErrorBody),
        (status = 409, description = "A draft or a void invoice (`invoice_not_issued`)", body = ErrorBody),
        (status = 503, description = "The server sends no mail (`mail_not_configured`)", body = ErrorBody),
        MeteredErrors
    ))]
async fn send_invoice(
    ctx: AppContext,
    Path(id): Path<Uuid>,
    metered: Metered<SendInvoice, SendInput>,
) -> Result<Charged<DeliveryBody>, ApiError> {
    if !ctx.mail_enabled() {
        // Dropping the action rolls its debit back.
        return Err(lumiku_plugin::mail::not_configured());
    }
    send(metered, id).await
}

async fn send(
    mut metered: Metered<SendInvoice, SendInput>,
    id: Uuid,
) -> Result<Charged<DeliveryBody>, ApiError> {
    let (tenant, user) = (metered.tenant_id(), metered.user_id());
    let stored = store::invoice(metered.tx(), tenant, id).await?;
    require_issued(&stored)?;
    let input = metered.body();
    let mut problems = crate::model::Problems::default();
    let to = problems
        .email("to", input.to.as_deref())
        .or_else(|| stored.invoice.billed_to.email.clone());
    if to.is_none() {
        problems.add("to", "is required: the client has no e-mail address");
    }
    let message = problems.optional("message", input.message.as_deref(), 2000);
    problems.finish()?;
    let to = to.unwrap_or_default();
    let delivery =
        store::insert_delivery(metered.tx(), tenant, user, id, &to, message.as_deref()).await?;
    let job = NewJob::new(crate::runner::SEND, Schedule::now())
        .payload(json!({ "deliveryId": delivery.id }))
        .max_attempts(5)
        .backoff(std::time::Duration::from_secs(30))
        .timeout(std::time::Duration::from_secs(60));
    metered.enqueue(&job).await?;
    metered
        .finish(
            StatusCode::ACCEPTED,
            DeliveryBody { delivery },
            Usage::invoice(id),
        )
        .await
}

/// Figures for the dashboard card.
#[derive(Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Stats {
    /// Open (sent or overdue) invoices by currency: how many and what they add up to.
    outstanding: Vec<Outstanding>,
}

/// Open invoices in one currency.
#[derive(Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Outstanding {
    currency: String,
    invoices: i64,
    total: i64,
    total_formatted: String,
}

/// Figures for the dashboard card (free).
#[utoipa::path(get, path = "/stats", tag = "invoice-generator", security(("bearer" = [])),
    responses(
        (status = 200, description = "Figures", body = Stats),
        (status = 401, description = "No valid access token", body = ErrorBody),
    ))]
async fn stats(ctx: AppContext) -> Result<Json<Stats>, ApiError> {
    let mut tx = ctx.read().await?;
    let rows = store::outstanding(&mut tx, ctx.tenant_id()).await?;
    let outstanding = rows
        .into_iter()
        .map(|(currency, invoices, total)| Outstanding {
            total_formatted: crate::money::Currency::of(&currency)
                .unwrap_or(crate::money::IDR)
                .format(total),
            currency,
            invoices,
            total,
        })
        .collect();
    Ok(Json(Stats { outstanding }))
}
