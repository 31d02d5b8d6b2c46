//! The app's API, relative to `/api/apps/analytics-dashboard`.

use std::collections::HashMap;

use axum::http::{HeaderMap, Method, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use chrono::{Days, NaiveDate, SubsecRound, Utc};
use lumiku_plugin::extract::{Json, Path, Query};
use lumiku_plugin::platform::Platform;
use lumiku_plugin::sql::new_id;
use lumiku_plugin::{
    ApiError, AppContext, Charged, ErrorBody, IdempotencyKey, List, Metered, MeteredErrors, Opened,
    Permission,
};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

use crate::report::{self, Chart, Range, RangeQuery, Summary};
use crate::store::{self, Export, NewReport, Report};
use crate::{CreateReport, DeleteReport, ExportCsv};

pub fn router() -> OpenApiRouter {
    OpenApiRouter::new()
        .routes(routes!(summary))
        .routes(routes!(chart_svg))
        .routes(routes!(create_export))
        .routes(routes!(download_export))
        .routes(routes!(list_reports, create_report))
        .routes(routes!(get_report, delete_report))
        .routes(routes!(stats))
}

/// Today, in UTC (the rollups' days).
pub fn today() -> NaiveDate {
    Utc::now().date_naive()
}

/// Members' names by id (their e-mail address when they have no name).
pub fn member_names(members: Vec<lumiku_plugin::context::Member>) -> HashMap<Uuid, String> {
    members
        .into_iter()
        .map(|m| {
            let name = if m.name.trim().is_empty() {
                m.email
            } else {
                m.name
            };
            (m.user_id, name)
        })
        .collect()
}

/// An app's display name from its id: `project-manager` → `Project Manager`.
pub fn app_name(app_id: &str) -> String {
    app_id
        .split('-')
        .map(|w| {
            let mut chars = w.chars();
            match chars.next() {
                Some(first) => first.to_uppercase().chain(chars).collect(),
                None => String::new(),
            }
        })
        .collect::<Vec<String>>()
        .join(" ")
}

/// The summary of `range` for the tenant: four reads of the platform's rollups.
pub async fn compute(
    platform: &Platform,
    members: &HashMap<Uuid, String>,
    range: Range,
) -> Result<Summary, ApiError> {
    let today = today();
    let usage = platform.usage_days(range.from, range.to).await?;
    let ledger = platform.ledger_days(range.from, range.to).await?;
    let recent_from = today - Days::new(report::RATE_DAYS - 1);
    let recent = if range.from <= recent_from && range.to >= today {
        // The recent days are inside the range: no second read.
        usage.clone()
    } else {
        platform.usage_days(recent_from, today).await?
    };
    let balance = platform.balance().await?;
    Ok(report::summarize(
        range,
        &usage,
        &ledger,
        report::Now {
            recent: &recent,
            balance,
            today,
        },
        app_name,
        |user| {
            members
                .get(&user)
                .cloned()
                .unwrap_or_else(|| "Former member".into())
        },
    ))
}

async fn summary_for(ctx: &AppContext, query: &RangeQuery) -> Result<Summary, ApiError> {
    let range = query.range(today())?;
    let members = member_names(ctx.members().await?);
    compute(&ctx.platform(), &members, range).await
}

/// The tenant's usage over a range (free): credits and actions per bucket with the balance at
/// each bucket's end and the active members, by app, by action and by member, the totals, and
/// when the credits run out at the last 14 days' rate. Days are UTC days.
#[utoipa::path(get, path = "/summary", tag = "analytics-dashboard", security(("bearer" = [])),
    params(RangeQuery),
    responses(
        (status = 200, description = "The figures", body = Summary),
        (status = 400, description = "Invalid query", body = ErrorBody),
        (status = 401, description = "No valid access token", body = ErrorBody),
        (status = 422, description = "A bad range", body = ErrorBody),
    ))]
async fn summary(
    ctx: AppContext,
    Query(query): Query<RangeQuery>,
) -> Result<Json<Summary>, ApiError> {
    Ok(Json(summary_for(&ctx, &query).await?))
}

/// One chart as SVG (free): `spend`, `balance`, `members`, `apps`, `actions` or `people`.
#[utoipa::path(get, path = "/charts/{chart}", tag = "analytics-dashboard", security(("bearer" = [])),
    params(("chart" = Chart, Path, description = "Which chart"), RangeQuery),
    responses(
        (status = 200, description = "The chart", content_type = "image/svg+xml", body = String),
        (status = 404, description = "No such chart", body = ErrorBody),
        (status = 422, description = "A bad range", body = ErrorBody),
    ))]
async fn chart_svg(
    ctx: AppContext,
    Path(chart): Path<String>,
    Query(query): Query<RangeQuery>,
) -> Result<Response, ApiError> {
    let chart = Chart::parse(chart.trim_end_matches(".svg"))
        .ok_or_else(|| ApiError::not_found("no such chart"))?;
    let summary = summary_for(&ctx, &query).await?;
    Ok((
        [
            (header::CONTENT_TYPE, "image/svg+xml"),
            (header::CACHE_CONTROL, "private, no-cache"),
            (
                header::CONTENT_SECURITY_POLICY,
                "default-src 'none'; style-src 'unsafe-inline'",
            ),
        ],
        crate::chart::svg(chart, &summary),
    )
        .into_response())
}

/// What to export.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(default, rename_all = "camelCase")]
pub struct NewExport {
    /// The chart whose table is exported.
    #[schema(value_type = Chart, required = true)]
    chart: Option<Chart>,
    /// The range's first day (`YYYY-MM-DD`), not after `to`, at most 1100 days before it; 29
    /// days before `to` when absent.
    #[schema(schema_with = lumiku_plugin::text::optional_date_schema)]
    from: Option<String>,
    /// The range's last day; today when absent.
    #[schema(schema_with = lumiku_plugin::text::optional_date_schema)]
    to: Option<String>,
    /// `day` (default), `week` or `month`.
    bucket: Option<report::Bucket>,
}

/// A kept export.
#[derive(Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ExportBody {
    export: Export,
    /// Where to download the CSV (free, again and again).
    path: String,
}

/// Exports a chart's table as CSV (`exportCsv` credits): kept, and downloaded from `path`. The
/// figures are read first; the charge and the kept export then commit together.
#[utoipa::path(post, path = "/exports", tag = "analytics-dashboard", security(("bearer" = [])),
    request_body = NewExport,
    params(IdempotencyKey),
    responses((status = 201, description = "Exported and charged", body = Charged<ExportBody>), MeteredErrors))]
async fn create_export(
    ctx: AppContext,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    Json(input): Json<NewExport>,
) -> Result<Response, ApiError> {
    ctx.require(Permission::Write)?;
    let chart = input
        .chart
        .ok_or_else(|| ApiError::invalid_field("chart", "is required"))?;
    let query = RangeQuery {
        from: input.from,
        to: input.to,
        bucket: input.bucket,
    };
    let range = query.range(today())?;
    ctx.require_credits::<ExportCsv>(1, &headers).await?;
    let summary = summary_for(&ctx, &query).await?;
    let csv = chart.csv(&summary);
    let fingerprint = format!(
        "{}:{}:{}:{}",
        chart.as_str(),
        range.from,
        range.to,
        range.bucket.as_str()
    );
    let mut metered = match ctx
        .meter::<ExportCsv>(1, &headers, &method, uri.path(), &fingerprint)
        .await?
    {
        Opened::Charged(metered) => metered,
        Opened::Replayed(response) => return Ok(response),
    };
    let export = Export {
        id: new_id(),
        chart: chart.as_str().to_owned(),
        from_day: range.from.to_string(),
        to_day: range.to.to_string(),
        bucket: range.bucket.as_str().to_owned(),
        rows: chart.table(&summary).1.len() as i32,
        created_at: Utc::now().trunc_subsecs(6),
    };
    let (tenant, user) = (metered.tenant_id(), metered.user_id());
    store::insert_export(metered.tx(), tenant, user, &export, &csv).await?;
    let path = format!("{}/exports/{}", crate::MANIFEST.route_prefix, export.id);
    let usage = serde_json::json!({ "exportId": export.id, "chart": export.chart });
    let answer = metered
        .finish(StatusCode::CREATED, ExportBody { export, path }, usage)
        .await?;
    Ok(answer.into_response())
}

/// Downloads an export's CSV (free).
#[utoipa::path(get, path = "/exports/{id}", tag = "analytics-dashboard", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Export id")),
    responses(
        (status = 200, description = "The CSV", content_type = "text/csv", body = String),
        (status = 404, description = "No such export in this tenant", body = ErrorBody),
    ))]
async fn download_export(ctx: AppContext, Path(id): Path<Uuid>) -> Result<Response, ApiError> {
    let mut tx = ctx.read().await?;
    let (export, csv) = store::export(&mut tx, ctx.tenant_id(), id).await?;
    let name = format!("{}-{}-{}.csv", export.chart, export.from_day, export.to_day);
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{name}\""),
            ),
        ],
        csv,
    )
        .into_response())
}

/// One saved report.
#[derive(Serialize, ToSchema)]
pub struct ReportBody {
    report: Report,
}

/// A saved report with its figures as of today.
#[derive(Serialize, ToSchema)]
pub struct ReportWithSummary {
    report: Report,
    summary: Summary,
}

/// The tenant's saved reports, newest first (free).
#[utoipa::path(get, path = "/reports", tag = "analytics-dashboard", security(("bearer" = [])),
    responses(
        (status = 200, description = "Saved reports", body = List<Report>),
        (status = 401, description = "No valid access token", body = ErrorBody),
    ))]
async fn list_reports(ctx: AppContext) -> Result<Json<List<Report>>, ApiError> {
    let mut tx = ctx.read().await?;
    let items = store::reports(&mut tx, ctx.tenant_id()).await?;
    Ok(Json(List::complete(items)))
}

/// Saves a report definition (`createReport` credits): a name, and the last N days or fixed
/// dates, and a bucket.
#[utoipa::path(post, path = "/reports", tag = "analytics-dashboard", security(("bearer" = [])),
    request_body = NewReport,
    params(IdempotencyKey),
    responses((status = 201, description = "Saved and charged", body = Charged<ReportBody>), MeteredErrors))]
async fn create_report(
    mut metered: Metered<CreateReport, NewReport>,
) -> Result<Charged<ReportBody>, ApiError> {
    let input = metered.body().validate(today())?;
    let (tenant, user) = (metered.tenant_id(), metered.user_id());
    let report = store::insert_report(metered.tx(), tenant, user, &input).await?;
    let usage = serde_json::json!({ "reportId": report.id });
    metered
        .finish(StatusCode::CREATED, ReportBody { report }, usage)
        .await
}

/// A saved report with its figures as of today (free).
#[utoipa::path(get, path = "/reports/{id}", tag = "analytics-dashboard", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Report id")),
    responses(
        (status = 200, description = "The report and its figures", body = ReportWithSummary),
        (status = 404, description = "No such report in this tenant", body = ErrorBody),
    ))]
async fn get_report(
    ctx: AppContext,
    Path(id): Path<Uuid>,
) -> Result<Json<ReportWithSummary>, ApiError> {
    let mut tx = ctx.read().await?;
    let report = store::report(&mut tx, ctx.tenant_id(), id).await?;
    drop(tx);
    let summary = summary_for(&ctx, &report.query(today())).await?;
    Ok(Json(ReportWithSummary { report, summary }))
}

/// Deletes a saved report (free).
#[utoipa::path(delete, path = "/reports/{id}", tag = "analytics-dashboard", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Report id"), IdempotencyKey),
    responses(
        (status = 200, description = "Deleted", body = Charged<Deleted>),
        (status = 404, description = "No such report in this tenant", body = ErrorBody),
        MeteredErrors
    ))]
async fn delete_report(
    Path(id): Path<Uuid>,
    mut metered: Metered<DeleteReport>,
) -> Result<Charged<Deleted>, ApiError> {
    let tenant = metered.tenant_id();
    store::delete_report(metered.tx(), tenant, id).await?;
    let usage = serde_json::json!({ "reportId": id });
    metered
        .finish(StatusCode::OK, Deleted { deleted: id }, usage)
        .await
}

/// What was deleted.
#[derive(Serialize, ToSchema)]
pub struct Deleted {
    deleted: Uuid,
}

/// Figures for the dashboard card.
#[derive(Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Stats {
    /// Credits spent in the last 30 days.
    spent_last_30_days: i64,
    /// Days the balance lasts at the last 14 days' rate; null when nothing is spent.
    days_left: Option<i64>,
}

/// Figures for the dashboard card (free).
#[utoipa::path(get, path = "/stats", tag = "analytics-dashboard", security(("bearer" = [])),
    responses(
        (status = 200, description = "Figures", body = Stats),
        (status = 401, description = "No valid access token", body = ErrorBody),
    ))]
async fn stats(ctx: AppContext) -> Result<Json<Stats>, ApiError> {
    let summary = summary_for(&ctx, &RangeQuery::default()).await?;
    Ok(Json(Stats {
        spent_last_30_days: summary.totals.credits,
        days_left: summary.forecast.days_left,
    }))
}
