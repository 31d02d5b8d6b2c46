//! The app's page in the dashboard, server-rendered: a range form, the totals and the forecast,
//! and every chart as inline SVG with its table and a CSV export button; saved reports. The
//! export and save buttons post to the app's API from the browser (`analytics.js` starts the
//! download once an export is made).

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

use crate::report::{Chart, RangeQuery, Summary};
use crate::routes::{compute, member_names, today};
use crate::store::{self, Report};
use crate::{CreateReport, ExportCsv, MANIFEST};

/// The page routes, relative to `/apps/analytics-dashboard`.
pub fn router() -> Router {
    Router::new()
        .route("/", get(page))
        .route("/analytics.js", get(script))
        .route("/analytics.css", get(styles))
}

async fn styles() -> impl IntoResponse {
    (
        [
            (header::CONTENT_TYPE, "text/css; charset=utf-8"),
            (header::CACHE_CONTROL, "no-cache"),
        ],
        include_str!("../assets/analytics.css"),
    )
}

async fn script() -> impl IntoResponse {
    (
        [
            (header::CONTENT_TYPE, "text/javascript; charset=utf-8"),
            (header::CACHE_CONTROL, "no-cache"),
        ],
        include_str!("../assets/analytics.js"),
    )
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct PageQuery {
    from: Option<String>,
    to: Option<String>,
    bucket: Option<String>,
    report: Option<Uuid>,
}

struct ChartView {
    id: &'static str,
    title: &'static str,
    svg: String,
    header: Vec<&'static str>,
    rows: Vec<Vec<String>>,
}

struct Quick {
    label: &'static str,
    href: String,
}

#[derive(Template)]
#[template(path = "analytics.html")]
struct AnalyticsPage {
    api: &'static str,
    page_path: String,
    can_write: bool,
    export_cost: String,
    report_cost: String,
    summary: Summary,
    from: String,
    to: String,
    bucket: &'static str,
    charts: Vec<ChartView>,
    reports: Vec<Report>,
    open_report: Option<Report>,
    quick: Vec<Quick>,
    error: Option<String>,
}

fn credits(n: i64) -> String {
    if n == 1 {
        "1 credit".into()
    } else {
        format!("{n} credits")
    }
}

async fn page(page: PageContext, Query(query): Query<PageQuery>) -> Result<Html<String>, ApiError> {
    let tenant = page.tenant_id();
    let mut tx = page.read().await?;
    let reports = store::reports(&mut tx, tenant).await?;
    let open_report = match query.report {
        Some(id) => Some(store::report(&mut tx, tenant, id).await?),
        None => None,
    };
    tx.commit().await.map_err(ApiError::internal)?;
    let today = today();
    let asked = match &open_report {
        Some(report) => report.query(today),
        None => RangeQuery {
            // The page's date fields send an empty value for "not set".
            from: query.from.clone().filter(|d| !d.is_empty()),
            to: query.to.clone().filter(|d| !d.is_empty()),
            bucket: match query.bucket.as_deref() {
                Some("week") => Some(crate::report::Bucket::Week),
                Some("month") => Some(crate::report::Bucket::Month),
                _ => None,
            },
        },
    };
    // A bad range in the address shows the default one and says why.
    let (range, error) = match asked.range(today) {
        Ok(range) => (range, None),
        Err(_) => (
            RangeQuery::default().range(today)?,
            Some("That range is not valid: showing the last 30 days.".to_owned()),
        ),
    };
    let members = member_names(page.members().await?);
    let summary = compute(&page.platform(), &members, range).await?;
    let charts = Chart::ALL
        .into_iter()
        .map(|chart| {
            let (header, rows) = chart.table(&summary);
            ChartView {
                id: chart.as_str(),
                title: chart.title(),
                svg: crate::chart::svg(chart, &summary),
                header,
                rows,
            }
        })
        .collect();
    let page_path = format!("/apps/{}", MANIFEST.app_id);
    let quick = [
        ("7 days", 6u64, "day"),
        ("30 days", 29, "day"),
        ("90 days", 89, "week"),
        ("12 months", 364, "month"),
    ]
    .into_iter()
    .map(|(label, back, bucket)| Quick {
        label,
        href: format!(
            "{page_path}?from={}&to={today}&bucket={bucket}",
            today - chrono::Days::new(back)
        ),
    })
    .collect();
    let body = AnalyticsPage {
        api: MANIFEST.route_prefix,
        can_write: page.can(Permission::Write),
        export_cost: credits(page.cost(ExportCsv::NAME)),
        report_cost: credits(page.cost(CreateReport::NAME)),
        from: range.from.to_string(),
        to: range.to.to_string(),
        bucket: range.bucket.as_str(),
        summary,
        charts,
        reports,
        open_report,
        quick,
        error,
        page_path,
    }
    .render()
    .map_err(ApiError::internal)?;
    Ok(page.render(MANIFEST.name, &body))
}
