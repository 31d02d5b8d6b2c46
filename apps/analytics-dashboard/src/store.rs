//! Saved reports and CSV exports: the app's own tables. Every query filters on the tenant; on
//! PostgreSQL row-level security holds the same line.

use chrono::{DateTime, SubsecRound, Utc};
use lumiku_plugin::sql::{self, Tx, new_id};
use lumiku_plugin::{ApiError, FieldErrors};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use crate::report::{Bucket, RangeQuery};

fn db(error: sql::Error) -> ApiError {
    ApiError::internal(error)
}

/// A saved report: a named range and bucket, opened at any time with today's figures.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Report {
    pub id: Uuid,
    pub name: String,
    /// The last N days up to the day it is opened (with no fixed dates).
    pub last_days: Option<i32>,
    /// Fixed first day.
    pub from: Option<String>,
    /// Fixed last day.
    pub to: Option<String>,
    pub bucket: Bucket,
    pub created_at: DateTime<Utc>,
}

#[derive(sql::FromRow)]
struct ReportRow {
    id: Uuid,
    name: String,
    last_days: Option<i32>,
    from_day: Option<String>,
    to_day: Option<String>,
    bucket: String,
    created_at: DateTime<Utc>,
}

impl ReportRow {
    fn report(self) -> Report {
        Report {
            id: self.id,
            name: self.name,
            last_days: self.last_days,
            from: self.from_day,
            to: self.to_day,
            bucket: match self.bucket.as_str() {
                "week" => Bucket::Week,
                "month" => Bucket::Month,
                _ => Bucket::Day,
            },
            created_at: self.created_at,
        }
    }
}

impl Report {
    /// The range it stands for today.
    pub fn query(&self, today: chrono::NaiveDate) -> RangeQuery {
        match self.last_days {
            Some(days) => RangeQuery {
                from: Some((today - chrono::Days::new((days.max(1) - 1) as u64)).to_string()),
                to: Some(today.to_string()),
                bucket: Some(self.bucket),
            },
            None => RangeQuery {
                from: self.from.clone(),
                to: self.to.clone(),
                bucket: Some(self.bucket),
            },
        }
    }
}

/// A report as sent: a name and either `lastDays` or `from` and `to`.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(default, rename_all = "camelCase")]
pub struct NewReport {
    /// 1 to 100 characters, one line, not only spaces; kept trimmed.
    #[schema(schema_with = lumiku_plugin::text::one_line_schema::<100>, required = true)]
    pub name: String,
    /// 1 to 1100: the last N days up to the day it is opened.
    #[schema(minimum = 1, maximum = 1100)]
    pub last_days: Option<i32>,
    /// A fixed first day (`YYYY-MM-DD`), with `to`.
    #[schema(schema_with = lumiku_plugin::text::optional_date_schema)]
    pub from: Option<String>,
    /// A fixed last day, with `from`.
    #[schema(schema_with = lumiku_plugin::text::optional_date_schema)]
    pub to: Option<String>,
    /// `day` (default), `week` or `month`.
    pub bucket: Option<Bucket>,
}

impl NewReport {
    /// The report to store, or 422 naming every field at fault.
    pub fn validate(&self, today: chrono::NaiveDate) -> Result<NewReport, ApiError> {
        let mut errors = FieldErrors::new();
        let name = match lumiku_plugin::text::one_line(&self.name, 100) {
            Ok(name) => name,
            Err(problem) => {
                errors.insert("name".into(), vec![problem]);
                ""
            }
        };
        let fixed = self.from.is_some() || self.to.is_some();
        match (self.last_days, fixed) {
            (Some(_), true) => {
                errors.insert(
                    "lastDays".into(),
                    vec!["give lastDays or from and to, not both".into()],
                );
            }
            (Some(days), false) if !(1..=1100).contains(&days) => {
                errors.insert("lastDays".into(), vec!["must be 1 to 1100".into()]);
            }
            (None, false) => {
                errors.insert(
                    "lastDays".into(),
                    vec!["give lastDays, or from and to".into()],
                );
            }
            (None, true) if self.from.is_none() || self.to.is_none() => {
                errors.insert("to".into(), vec!["give both from and to".into()]);
            }
            (None, true) => {
                let range = RangeQuery {
                    from: self.from.clone(),
                    to: self.to.clone(),
                    bucket: self.bucket,
                }
                .check(today);
                if let Err(fields) = range {
                    errors.extend(fields);
                }
            }
            _ => {}
        }
        if !errors.is_empty() {
            return Err(ApiError::validation(errors));
        }
        Ok(NewReport {
            name: name.to_owned(),
            last_days: self.last_days,
            from: self.from.as_deref().map(|f| f.trim().to_owned()),
            to: self.to.as_deref().map(|t| t.trim().to_owned()),
            bucket: Some(self.bucket.unwrap_or_default()),
        })
    }
}

/// The tenant's saved reports, newest first.
pub async fn reports(tx: &mut Tx, tenant_id: Uuid) -> Result<Vec<Report>, ApiError> {
    Ok(sql::query_as::<ReportRow>(concat!(
        "select id, name, last_days, from_day, to_day, bucket, created_at ",
        "from analytics_dashboard_reports where tenant_id = $1 order by id desc limit 200"
    ))
    .bind(tenant_id)
    .fetch_all(&mut *tx)
    .await
    .map_err(db)?
    .into_iter()
    .map(ReportRow::report)
    .collect())
}

/// One saved report; 404 for any other id, another tenant's included.
pub async fn report(tx: &mut Tx, tenant_id: Uuid, id: Uuid) -> Result<Report, ApiError> {
    sql::query_as::<ReportRow>(concat!(
        "select id, name, last_days, from_day, to_day, bucket, created_at ",
        "from analytics_dashboard_reports where tenant_id = $1 and id = $2"
    ))
    .bind(tenant_id)
    .bind(id)
    .fetch_optional(&mut *tx)
    .await
    .map_err(db)?
    .map(ReportRow::report)
    .ok_or_else(|| ApiError::not_found("report not found"))
}

/// Saves a validated report.
pub async fn insert_report(
    tx: &mut Tx,
    tenant_id: Uuid,
    user_id: Uuid,
    input: &NewReport,
) -> Result<Report, ApiError> {
    let id = new_id();
    let at = Utc::now().trunc_subsecs(6);
    let bucket = input.bucket.unwrap_or_default();
    sql::query(
        "insert into analytics_dashboard_reports (id, tenant_id, name, last_days, from_day, to_day, \
         bucket, created_by, created_at) values ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
    )
    .bind(id)
    .bind(tenant_id)
    .bind(&input.name)
    .bind(input.last_days)
    .bind(&input.from)
    .bind(&input.to)
    .bind(bucket.as_str())
    .bind(user_id)
    .bind(at)
    .execute(&mut *tx)
    .await
    .map_err(db)?;
    Ok(Report {
        id,
        name: input.name.clone(),
        last_days: input.last_days,
        from: input.from.clone(),
        to: input.to.clone(),
        bucket,
        created_at: at,
    })
}

/// Deletes a saved report; 404 for any other id.
pub async fn delete_report(tx: &mut Tx, tenant_id: Uuid, id: Uuid) -> Result<(), ApiError> {
    let gone =
        sql::query("delete from analytics_dashboard_reports where tenant_id = $1 and id = $2")
            .bind(tenant_id)
            .bind(id)
            .execute(&mut *tx)
            .await
            .map_err(db)?;
    if gone.rows_affected() == 0 {
        return Err(ApiError::not_found("report not found"));
    }
    Ok(())
}

/// A kept CSV export.
#[derive(Debug, Clone, Serialize, sql::FromRow, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Export {
    pub id: Uuid,
    /// The chart it is the table of.
    pub chart: String,
    #[serde(rename = "from")]
    pub from_day: String,
    #[serde(rename = "to")]
    pub to_day: String,
    pub bucket: String,
    /// Data rows (the header not counted).
    pub rows: i32,
    pub created_at: DateTime<Utc>,
}

/// Keeps an export.
pub async fn insert_export(
    tx: &mut Tx,
    tenant_id: Uuid,
    user_id: Uuid,
    export: &Export,
    csv: &str,
) -> Result<(), ApiError> {
    sql::query(
        "insert into analytics_dashboard_exports (id, tenant_id, chart, from_day, to_day, bucket, \
         rows, csv, created_by, created_at) values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
    )
    .bind(export.id)
    .bind(tenant_id)
    .bind(&export.chart)
    .bind(&export.from_day)
    .bind(&export.to_day)
    .bind(&export.bucket)
    .bind(export.rows)
    .bind(csv)
    .bind(user_id)
    .bind(export.created_at)
    .execute(&mut *tx)
    .await
    .map_err(db)?;
    Ok(())
}

/// An export and its CSV; 404 for any other id.
pub async fn export(tx: &mut Tx, tenant_id: Uuid, id: Uuid) -> Result<(Export, String), ApiError> {
    let export = sql::query_as::<Export>(concat!(
        "select id, chart, from_day, to_day, bucket, rows, created_at ",
        "from analytics_dashboard_exports where tenant_id = $1 and id = $2"
    ))
    .bind(tenant_id)
    .bind(id)
    .fetch_optional(&mut *tx)
    .await
    .map_err(db)?
    .ok_or_else(|| ApiError::not_found("export not found"))?;
    let csv: String = sql::query_scalar(
        "select csv from analytics_dashboard_exports where tenant_id = $1 and id = $2",
    )
    .bind(tenant_id)
    .bind(id)
    .fetch_one(&mut *tx)
    .await
    .map_err(db)?;
    Ok((export, csv))
}
