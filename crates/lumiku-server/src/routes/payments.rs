//! Payments: opening one for a credit package or an invoice, reading its status, and the
//! gateway's callback.

use std::collections::BTreeMap;

use axum::extract::State;
use axum::http::StatusCode;
use lumiku_kernel::payments::{Callback, CallbackOutcome, Payment, PaymentTarget};
use lumiku_plugin::extract::{Form, Json, Path};
use lumiku_plugin::{ApiError, ErrorBody};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

use crate::AppState;
use crate::extract::{Client, RequestTenant};

/// The payment routes.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(create_payment))
        .routes(routes!(get_payment))
        .routes(routes!(duitku_callback))
}

/// What to pay: exactly one of `packageId` and `invoiceId`.
#[derive(Debug, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct PaymentRequest {
    /// Buy this credit package.
    package_id: Option<String>,
    /// Pay this open invoice.
    invoice_id: Option<Uuid>,
    /// The gateway's payment method code (`VC`, `BC`, `SP`, ...); default from configuration.
    payment_method: Option<String>,
}

// Written by hand for its `oneOf`: exactly one of the two ids is a string (the other absent or
// null), as the handler checks.
impl utoipa::PartialSchema for PaymentRequest {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        use utoipa::openapi::schema::{
            AllOfBuilder, KnownFormat, ObjectBuilder, OneOfBuilder, SchemaFormat, SchemaType, Type,
        };
        let nullable = || SchemaType::from_iter([Type::String, Type::Null]);
        let branch = |field: &str| {
            ObjectBuilder::new()
                .property(field, ObjectBuilder::new().schema_type(Type::String))
                .required(field)
        };
        let fields = ObjectBuilder::new()
            .property(
                "packageId",
                ObjectBuilder::new()
                    .schema_type(nullable())
                    .description(Some("Buy this credit package.")),
            )
            .property(
                "invoiceId",
                ObjectBuilder::new()
                    .schema_type(nullable())
                    .format(Some(SchemaFormat::KnownFormat(KnownFormat::Uuid)))
                    .description(Some("Pay this open invoice.")),
            )
            .property(
                "paymentMethod",
                ObjectBuilder::new()
                    .schema_type(nullable())
                    .pattern(Some("^[A-Za-z0-9]{1,4}$"))
                    .description(Some(
                        "The gateway's payment method code (`VC`, `BC`, `SP`, ...); default from configuration.",
                    )),
            )
            .build();
        let exactly_one = OneOfBuilder::new()
            .item(branch("packageId").build())
            .item(branch("invoiceId").build())
            .build();
        AllOfBuilder::new()
            .description(Some(
                "What to pay: exactly one of `packageId` and `invoiceId`.",
            ))
            .item(utoipa::openapi::schema::Schema::Object(fields))
            .item(utoipa::openapi::schema::Schema::OneOf(exactly_one))
            .into()
    }
}

impl ToSchema for PaymentRequest {}

/// Opens a payment for a credit package or an open invoice (owners and admins) and answers where
/// to send the payer (`redirectUrl`). Credits arrive when the gateway confirms the payment.
#[utoipa::path(post, path = "/api/payments", operation_id = "createPayment", tag = "payments", security(("bearer" = [])),
    params(("X-Tenant-Id" = Option<Uuid>, Header, description = "Tenant; default the personal tenant")),
    request_body = PaymentRequest,
    responses(
        (status = 201, description = "The payment, pending", body = Payment),
        (status = 400, description = "Malformed JSON", body = ErrorBody),
        (status = 401, description = "No valid access token", body = ErrorBody),
        (status = 403, description = "Only owners and admins manage billing", body = ErrorBody),
        (status = 404, description = "No such package or invoice", body = ErrorBody),
        (status = 409, description = "The invoice is not open", body = ErrorBody),
        (status = 422, description = "Invalid fields", body = ErrorBody),
        (status = 502, description = "The payment gateway failed", body = ErrorBody),
    ))]
async fn create_payment(
    State(state): State<AppState>,
    tenant: RequestTenant,
    Client(client): Client,
    Json(body): Json<PaymentRequest>,
) -> Result<(StatusCode, Json<Payment>), ApiError> {
    let target = match (body.package_id, body.invoice_id) {
        (Some(package), None) => PaymentTarget::Package(package),
        (None, Some(invoice)) => PaymentTarget::Invoice(invoice),
        _ => {
            return Err(ApiError::invalid_field(
                "packageId",
                "give exactly one of packageId and invoiceId",
            ));
        }
    };
    let payment = state
        .kernel
        .create_payment(
            &tenant.caller,
            &tenant.access,
            target,
            body.payment_method.as_deref(),
            &client,
        )
        .await?;
    Ok((StatusCode::CREATED, Json(payment)))
}

/// One of the request tenant's payments.
#[utoipa::path(get, path = "/api/payments/{reference}", operation_id = "getPayment", tag = "payments", security(("bearer" = [])),
    params(("reference" = String, Path, description = "Payment reference"),
        ("X-Tenant-Id" = Option<Uuid>, Header, description = "Tenant; default the personal tenant")),
    responses(
        (status = 200, description = "The payment", body = Payment),
        (status = 401, description = "No valid access token", body = ErrorBody),
        (status = 404, description = "No such payment in this tenant", body = ErrorBody),
    ))]
async fn get_payment(
    State(state): State<AppState>,
    tenant: RequestTenant,
    Path(reference): Path<String>,
) -> Result<Json<Payment>, ApiError> {
    Ok(Json(
        state.kernel.payment(&tenant.access, &reference).await?,
    ))
}

/// The answer to a callback that was taken.
#[derive(Serialize, ToSchema)]
pub struct CallbackResponse {
    /// What it did: `settled`, `already_settled`, `duplicate`, `failed`, `ignored`.
    status: CallbackOutcome,
}

/// Duitku's payment callback (form-encoded, signed with the merchant key). A payment is
/// credited once, after Duitku's status call confirms it, however often this is called.
/// Refusals (bad signature, unknown order, wrong amount, unconfirmed) change nothing and are
/// audited.
#[utoipa::path(post, path = "/api/payments/duitku/callback", operation_id = "duitkuCallback", tag = "payments",
    request_body(content = BTreeMap<String, String>, content_type = "application/x-www-form-urlencoded",
        description = "merchantCode, amount, merchantOrderId, resultCode, reference, signature, ..."),
    responses(
        (status = 200, description = "Taken", body = CallbackResponse),
        (status = 400, description = "A required field is missing, or one is malformed (audited)", body = ErrorBody),
        (status = 403, description = "Bad merchant code or signature", body = ErrorBody),
        (status = 404, description = "Unknown merchantOrderId", body = ErrorBody),
        (status = 409, description = "Duitku does not confirm the payment (yet)", body = ErrorBody),
        (status = 415, description = "Not a form body", body = ErrorBody),
        (status = 422, description = "The amount differs from the payment's", body = ErrorBody),
        (status = 502, description = "Duitku's status call failed; the callback will be retried", body = ErrorBody),
    ))]
async fn duitku_callback(
    State(state): State<AppState>,
    Client(client): Client,
    Form(fields): Form<BTreeMap<String, String>>,
) -> Result<Json<CallbackResponse>, ApiError> {
    let outcome = state
        .kernel
        .handle_payment_callback(&Callback { fields }, &client)
        .await?;
    Ok(Json(CallbackResponse { status: outcome }))
}
