//! Billing: the catalogue, the request tenant's subscription and invoices, and administrators'
//! changes to plans, packages and invoices.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Html;
use lumiku_kernel::billing::{
    BillingReport, CreditPackage, Invoice, InvoicePage, InvoiceStatus, NewInvoiceItem,
    PackagePatch, Plan, PlanChange, PlanPatch, Subscription,
};
use lumiku_kernel::payments::{Payment, PaymentTarget};
use lumiku_plugin::extract::{Json, Path, Query};
use lumiku_plugin::{ApiError, ErrorBody, List};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

use crate::AppState;
use crate::extract::{Client, CurrentUser, RequestTenant};
use crate::pages;

/// The billing routes.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_plans))
        .routes(routes!(list_credit_packages))
        .routes(routes!(current_subscription))
        .routes(routes!(change_plan))
        .routes(routes!(cancel_subscription))
        .routes(routes!(resume_subscription))
        .routes(routes!(list_invoices))
        .routes(routes!(get_invoice))
        .routes(routes!(admin_list_plans))
        .routes(routes!(admin_update_plan))
        .routes(routes!(admin_list_packages))
        .routes(routes!(admin_update_package))
        .routes(routes!(admin_create_invoice))
        .routes(routes!(admin_issue_invoice))
        .routes(routes!(admin_void_invoice))
        .routes(routes!(admin_run_billing))
}

/// A subscription request.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ChangePlanRequest {
    /// The plan to be on.
    plan_id: String,
    /// The gateway's payment method code (`VC`, `BC`, `SP`, ...: 1 to 4 letters or digits), if a
    /// payment is needed.
    #[serde(default)]
    #[schema(pattern = "^[A-Za-z0-9]{1,4}$")]
    payment_method: Option<String>,
}

/// What a subscription request did.
#[derive(Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ChangePlanResponse {
    /// The subscription now (a paid change shows once its invoice is paid).
    subscription: Subscription,
    /// The invoice to pay for the change, if one is needed.
    invoice: Option<Invoice>,
    /// The payment opened for it: send the payer to its `redirectUrl`.
    payment: Option<Payment>,
}

/// Invoice list cursor.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[serde(default)]
#[into_params(parameter_in = Query)]
pub struct InvoiceQuery {
    /// The `nextCursor` of the previous page.
    before: Option<Uuid>,
    /// Page size, 1 to 100 (default 20).
    #[serde(deserialize_with = "lumiku_plugin::list::limit::<100, _>")]
    #[param(minimum = 1, maximum = 100)]
    limit: Option<u32>,
}

const TENANT_HEADER_DOC: &str = "Tenant; default the personal tenant";

/// The plans on offer. Public.
#[utoipa::path(get, path = "/api/plans", operation_id = "listPlans", tag = "billing",
    responses((status = 200, description = "Plans", body = List<Plan>)))]
async fn list_plans(State(state): State<AppState>) -> Result<Json<List<Plan>>, ApiError> {
    Ok(Json(List::complete(state.kernel.plans(false).await?)))
}

/// The credit packages on sale. Public.
#[utoipa::path(get, path = "/api/credit-packages", operation_id = "listCreditPackages", tag = "billing",
    responses((status = 200, description = "Packages", body = List<CreditPackage>)))]
async fn list_credit_packages(
    State(state): State<AppState>,
) -> Result<Json<List<CreditPackage>>, ApiError> {
    Ok(Json(List::complete(
        state.kernel.credit_packages(false).await?,
    )))
}

/// The request tenant's subscription (the free plan when it never subscribed).
#[utoipa::path(get, path = "/api/subscriptions/current", operation_id = "getCurrentSubscription", tag = "billing", security(("bearer" = [])),
    params(("X-Tenant-Id" = Option<Uuid>, Header, description = TENANT_HEADER_DOC)),
    responses(
        (status = 200, description = "The subscription", body = Subscription),
        (status = 401, description = "No valid access token", body = ErrorBody),
        (status = 404, description = "Not a tenant of the caller's", body = ErrorBody),
    ))]
async fn current_subscription(
    State(state): State<AppState>,
    tenant: RequestTenant,
) -> Result<Json<Subscription>, ApiError> {
    Ok(Json(state.kernel.subscription(&tenant.access).await?))
}

/// Subscribes to a plan or changes plan (owners and admins). A paid plan answers 201 with the
/// invoice and the payment to complete; it takes effect when paid. A first trial starts at once;
/// the free plan ends the paid one at its period's end.
#[utoipa::path(post, path = "/api/subscriptions", operation_id = "changePlan", tag = "billing", security(("bearer" = [])),
    params(("X-Tenant-Id" = Option<Uuid>, Header, description = TENANT_HEADER_DOC)),
    request_body = ChangePlanRequest,
    responses(
        (status = 200, description = "Changed at once (trial, resume, free plan)", body = ChangePlanResponse),
        (status = 201, description = "Invoiced: pay the payment's redirectUrl", body = ChangePlanResponse),
        (status = 400, description = "Malformed JSON", body = ErrorBody),
        (status = 401, description = "No valid access token", body = ErrorBody),
        (status = 403, description = "Only owners and admins manage billing", body = ErrorBody),
        (status = 404, description = "No such plan, or not a tenant of the caller's", body = ErrorBody),
        (status = 409, description = "Already on this plan, or superseded by a concurrent plan change", body = ErrorBody),
        (status = 422, description = "Invalid fields", body = ErrorBody),
        (status = 502, description = "The payment gateway failed; the invoice stays open", body = ErrorBody),
    ))]
async fn change_plan(
    State(state): State<AppState>,
    tenant: RequestTenant,
    Client(client): Client,
    Json(body): Json<ChangePlanRequest>,
) -> Result<(StatusCode, Json<ChangePlanResponse>), ApiError> {
    let kernel = &state.kernel;
    let change = kernel
        .change_plan(&tenant.caller, &tenant.access, &body.plan_id, &client)
        .await?;
    let (status, invoice, payment) = match change {
        PlanChange::Changed => (StatusCode::OK, None, None),
        PlanChange::Invoiced(invoice) => {
            let payment = kernel
                .create_payment(
                    &tenant.caller,
                    &tenant.access,
                    PaymentTarget::Invoice(invoice.id),
                    body.payment_method.as_deref(),
                    &client,
                )
                .await
                .map_err(|error| match error {
                    // Another change for this tenant voided this one's invoice in between.
                    lumiku_kernel::Error::Conflict {
                        code: "invoice_not_open",
                        ..
                    } => ApiError::conflict(
                        "plan_change_superseded",
                        "Another plan change for this tenant replaced this one",
                    ),
                    other => other.into(),
                })?;
            (StatusCode::CREATED, Some(*invoice), Some(payment))
        }
    };
    let subscription = kernel.subscription(&tenant.access).await?;
    Ok((
        status,
        Json(ChangePlanResponse {
            subscription,
            invoice,
            payment,
        }),
    ))
}

/// Ends the subscription at the end of its period (owners and admins).
#[utoipa::path(post, path = "/api/subscriptions/current/cancel", operation_id = "cancelSubscription", tag = "billing", security(("bearer" = [])),
    params(("X-Tenant-Id" = Option<Uuid>, Header, description = TENANT_HEADER_DOC)),
    responses(
        (status = 200, description = "The subscription, cancelAtPeriodEnd set", body = Subscription),
        (status = 401, description = "No valid access token", body = ErrorBody),
        (status = 403, description = "Only owners and admins manage billing", body = ErrorBody),
        (status = 404, description = "Not a tenant of the caller's", body = ErrorBody),
        (status = 409, description = "No paid subscription", body = ErrorBody),
    ))]
async fn cancel_subscription(
    State(state): State<AppState>,
    tenant: RequestTenant,
    Client(client): Client,
) -> Result<Json<Subscription>, ApiError> {
    Ok(Json(
        state
            .kernel
            .set_subscription_cancellation(&tenant.caller, &tenant.access, true, &client)
            .await?,
    ))
}

/// Undoes a pending cancellation (owners and admins).
#[utoipa::path(post, path = "/api/subscriptions/current/resume", operation_id = "resumeSubscription", tag = "billing", security(("bearer" = [])),
    params(("X-Tenant-Id" = Option<Uuid>, Header, description = TENANT_HEADER_DOC)),
    responses(
        (status = 200, description = "The subscription, renewing again", body = Subscription),
        (status = 401, description = "No valid access token", body = ErrorBody),
        (status = 403, description = "Only owners and admins manage billing", body = ErrorBody),
        (status = 404, description = "Not a tenant of the caller's", body = ErrorBody),
        (status = 409, description = "No paid subscription", body = ErrorBody),
    ))]
async fn resume_subscription(
    State(state): State<AppState>,
    tenant: RequestTenant,
    Client(client): Client,
) -> Result<Json<Subscription>, ApiError> {
    Ok(Json(
        state
            .kernel
            .set_subscription_cancellation(&tenant.caller, &tenant.access, false, &client)
            .await?,
    ))
}

/// The request tenant's invoices, newest first.
#[utoipa::path(get, path = "/api/invoices", operation_id = "listInvoices", tag = "billing", security(("bearer" = [])),
    params(("X-Tenant-Id" = Option<Uuid>, Header, description = TENANT_HEADER_DOC), InvoiceQuery),
    responses(
        (status = 200, description = "A page of invoices", body = InvoicePage),
        (status = 400, description = "Invalid query", body = ErrorBody),
        (status = 401, description = "No valid access token", body = ErrorBody),
        (status = 404, description = "Not a tenant of the caller's", body = ErrorBody),
    ))]
async fn list_invoices(
    State(state): State<AppState>,
    tenant: RequestTenant,
    Query(query): Query<InvoiceQuery>,
) -> Result<Json<InvoicePage>, ApiError> {
    Ok(Json(
        state
            .kernel
            .invoices(
                &tenant.access,
                query.before,
                i64::from(query.limit.unwrap_or(20)),
            )
            .await?,
    ))
}

/// One of the request tenant's invoices.
#[utoipa::path(get, path = "/api/invoices/{id}", operation_id = "getInvoice", tag = "billing", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Invoice id"), ("X-Tenant-Id" = Option<Uuid>, Header, description = TENANT_HEADER_DOC)),
    responses(
        (status = 200, description = "The invoice", body = Invoice),
        (status = 401, description = "No valid access token", body = ErrorBody),
        (status = 404, description = "No such invoice in this tenant", body = ErrorBody),
    ))]
async fn get_invoice(
    State(state): State<AppState>,
    tenant: RequestTenant,
    Path(id): Path<Uuid>,
) -> Result<Json<Invoice>, ApiError> {
    Ok(Json(state.kernel.invoice(&tenant.access, id).await?))
}

/// The invoice as a printable HTML page.
pub(crate) async fn print_invoice(
    State(state): State<AppState>,
    tenant: RequestTenant,
    Path(id): Path<Uuid>,
) -> Result<Html<String>, ApiError> {
    let invoice = state.kernel.invoice(&tenant.access, id).await?;
    let tenant_name = state
        .kernel
        .get_tenant(&tenant.caller, tenant.access.tenant_id)
        .await?
        .name;
    pages::invoice_page(&invoice, &tenant_name)
}

/// Every plan, including those no longer offered (platform administrators).
#[utoipa::path(get, path = "/api/admin/plans", operation_id = "adminListPlans", tag = "admin", security(("bearer" = [])),
    responses(
        (status = 200, description = "Plans", body = List<Plan>),
        (status = 401, description = "No valid access token", body = ErrorBody),
        (status = 403, description = "Not a platform administrator", body = ErrorBody),
    ))]
async fn admin_list_plans(
    State(state): State<AppState>,
    CurrentUser(caller): CurrentUser,
) -> Result<Json<List<Plan>>, ApiError> {
    caller.require_admin("only platform administrators may do this")?;
    Ok(Json(List::complete(state.kernel.plans(true).await?)))
}

/// Changes a plan (platform administrators; audited). Existing subscriptions keep their plan id
/// and pay the new price from their next renewal.
#[utoipa::path(patch, path = "/api/admin/plans/{id}", operation_id = "adminUpdatePlan", tag = "admin", security(("bearer" = [])),
    params(("id" = String, Path, description = "Plan id")),
    request_body = PlanPatch,
    responses(
        (status = 200, description = "The plan", body = Plan),
        (status = 400, description = "Malformed JSON", body = ErrorBody),
        (status = 401, description = "No valid access token", body = ErrorBody),
        (status = 403, description = "Not a platform administrator", body = ErrorBody),
        (status = 404, description = "No such plan", body = ErrorBody),
        (status = 422, description = "Invalid fields", body = ErrorBody),
    ))]
async fn admin_update_plan(
    State(state): State<AppState>,
    CurrentUser(caller): CurrentUser,
    Client(client): Client,
    Path(id): Path<String>,
    Json(patch): Json<PlanPatch>,
) -> Result<Json<Plan>, ApiError> {
    Ok(Json(
        state
            .kernel
            .admin_update_plan(&caller, &id, &patch, &client)
            .await?,
    ))
}

/// Every credit package, including those off sale (platform administrators).
#[utoipa::path(get, path = "/api/admin/credit-packages", operation_id = "adminListCreditPackages", tag = "admin", security(("bearer" = [])),
    responses(
        (status = 200, description = "Packages", body = List<CreditPackage>),
        (status = 401, description = "No valid access token", body = ErrorBody),
        (status = 403, description = "Not a platform administrator", body = ErrorBody),
    ))]
async fn admin_list_packages(
    State(state): State<AppState>,
    CurrentUser(caller): CurrentUser,
) -> Result<Json<List<CreditPackage>>, ApiError> {
    caller.require_admin("only platform administrators may do this")?;
    Ok(Json(List::complete(
        state.kernel.credit_packages(true).await?,
    )))
}

/// Changes a credit package (platform administrators; audited). Invoices already issued keep
/// the credits and price they were issued with.
#[utoipa::path(patch, path = "/api/admin/credit-packages/{id}", operation_id = "adminUpdateCreditPackage", tag = "admin", security(("bearer" = [])),
    params(("id" = String, Path, description = "Package id")),
    request_body = PackagePatch,
    responses(
        (status = 200, description = "The package", body = CreditPackage),
        (status = 400, description = "Malformed JSON", body = ErrorBody),
        (status = 401, description = "No valid access token", body = ErrorBody),
        (status = 403, description = "Not a platform administrator", body = ErrorBody),
        (status = 404, description = "No such package", body = ErrorBody),
        (status = 422, description = "Invalid fields", body = ErrorBody),
    ))]
async fn admin_update_package(
    State(state): State<AppState>,
    CurrentUser(caller): CurrentUser,
    Client(client): Client,
    Path(id): Path<String>,
    Json(patch): Json<PackagePatch>,
) -> Result<Json<CreditPackage>, ApiError> {
    Ok(Json(
        state
            .kernel
            .admin_update_package(&caller, &id, &patch, &client)
            .await?,
    ))
}

/// An administrator's invoice.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct AdminInvoiceRequest {
    /// Summary.
    description: String,
    /// Lines.
    items: Vec<NewInvoiceItem>,
    /// Issue it now (numbered, payable) instead of keeping a draft. Default false.
    #[serde(default)]
    issue: bool,
}

/// Bills a tenant by hand (platform administrators; audited): a draft, or issued at once.
#[utoipa::path(post, path = "/api/admin/tenants/{id}/invoices", operation_id = "adminCreateInvoice", tag = "admin", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Tenant id")),
    request_body = AdminInvoiceRequest,
    responses(
        (status = 201, description = "The invoice", body = Invoice),
        (status = 400, description = "Malformed JSON", body = ErrorBody),
        (status = 401, description = "No valid access token", body = ErrorBody),
        (status = 403, description = "Not a platform administrator", body = ErrorBody),
        (status = 404, description = "No such tenant", body = ErrorBody),
        (status = 422, description = "Invalid fields", body = ErrorBody),
    ))]
async fn admin_create_invoice(
    State(state): State<AppState>,
    CurrentUser(caller): CurrentUser,
    Client(client): Client,
    Path(tenant_id): Path<Uuid>,
    Json(body): Json<AdminInvoiceRequest>,
) -> Result<(StatusCode, Json<Invoice>), ApiError> {
    let invoice = state
        .kernel
        .admin_create_invoice(
            &caller,
            tenant_id,
            &body.description,
            &body.items,
            body.issue,
            &client,
        )
        .await?;
    Ok((StatusCode::CREATED, Json(invoice)))
}

/// Issues a draft invoice: it takes the tenant's next number (platform administrators).
#[utoipa::path(post, path = "/api/admin/invoices/{id}/issue", operation_id = "adminIssueInvoice", tag = "admin", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Invoice id")),
    responses(
        (status = 200, description = "The invoice, open", body = Invoice),
        (status = 401, description = "No valid access token", body = ErrorBody),
        (status = 403, description = "Not a platform administrator", body = ErrorBody),
        (status = 404, description = "No such invoice", body = ErrorBody),
        (status = 409, description = "Not a draft", body = ErrorBody),
    ))]
async fn admin_issue_invoice(
    State(state): State<AppState>,
    CurrentUser(caller): CurrentUser,
    Client(client): Client,
    Path(id): Path<Uuid>,
) -> Result<Json<Invoice>, ApiError> {
    Ok(Json(
        state
            .kernel
            .admin_set_invoice_status(&caller, id, InvoiceStatus::Open, &client)
            .await?,
    ))
}

/// Voids an open invoice; it keeps its number (platform administrators).
#[utoipa::path(post, path = "/api/admin/invoices/{id}/void", operation_id = "adminVoidInvoice", tag = "admin", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Invoice id")),
    responses(
        (status = 200, description = "The invoice, void", body = Invoice),
        (status = 401, description = "No valid access token", body = ErrorBody),
        (status = 403, description = "Not a platform administrator", body = ErrorBody),
        (status = 404, description = "No such invoice", body = ErrorBody),
        (status = 409, description = "Not open", body = ErrorBody),
    ))]
async fn admin_void_invoice(
    State(state): State<AppState>,
    CurrentUser(caller): CurrentUser,
    Client(client): Client,
    Path(id): Path<Uuid>,
) -> Result<Json<Invoice>, ApiError> {
    Ok(Json(
        state
            .kernel
            .admin_set_invoice_status(&caller, id, InvoiceStatus::Void, &client)
            .await?,
    ))
}

/// Runs the billing cycle now (platform administrators): the same work the background job does
/// every `billing_interval_secs`, safe to run at any time and on any node.
#[utoipa::path(post, path = "/api/admin/billing/run", operation_id = "adminRunBilling", tag = "admin", security(("bearer" = [])),
    responses(
        (status = 200, description = "What changed", body = BillingReport),
        (status = 401, description = "No valid access token", body = ErrorBody),
        (status = 403, description = "Not a platform administrator", body = ErrorBody),
    ))]
async fn admin_run_billing(
    State(state): State<AppState>,
    CurrentUser(caller): CurrentUser,
) -> Result<Json<BillingReport>, ApiError> {
    caller.require_admin("only platform administrators may do this")?;
    Ok(Json(
        state.kernel.run_billing(lumiku_kernel::db::now()).await?,
    ))
}
