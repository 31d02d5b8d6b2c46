//! The figures: the platform's daily rollups of the tenant's usage and ledger, summed into the
//! buckets of a range (days, ISO weeks or months), by app, action and member, with the balance at
//! the end of each bucket and a forecast of when the credits run out. Pure functions of the rows
//! the kernel answers, tested on their own.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use chrono::{Datelike, Days, Months, NaiveDate};
use lumiku_plugin::platform::{LedgerDays, UsageDay};
use lumiku_plugin::{ApiError, FieldErrors};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

/// The longest range, in days: about three years.
pub const MAX_DAYS: i64 = 1100;
/// The days the forecast's rate is measured over.
pub const RATE_DAYS: u64 = 14;

/// The size of a bucket.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum Bucket {
    /// A UTC day.
    #[default]
    Day,
    /// An ISO week (Monday to Sunday).
    Week,
    /// A calendar month.
    Month,
}

impl Bucket {
    /// As written in URLs.
    pub fn as_str(self) -> &'static str {
        match self {
            Bucket::Day => "day",
            Bucket::Week => "week",
            Bucket::Month => "month",
        }
    }

    /// The first day of the bucket holding `day`.
    pub fn start(self, day: NaiveDate) -> NaiveDate {
        match self {
            Bucket::Day => day,
            Bucket::Week => day - Days::new(u64::from(day.weekday().num_days_from_monday())),
            Bucket::Month => day.with_day(1).unwrap_or(day),
        }
    }

    /// The first day of the next bucket after the one starting `start`.
    fn next(self, start: NaiveDate) -> NaiveDate {
        match self {
            Bucket::Day => start + Days::new(1),
            Bucket::Week => start + Days::new(7),
            Bucket::Month => start + Months::new(1),
        }
    }

    /// A bucket's label: `2026-03-09`, `2026-W11`, `2026-03`.
    pub fn label(self, start: NaiveDate) -> String {
        match self {
            Bucket::Day => start.to_string(),
            Bucket::Week => {
                let week = start.iso_week();
                format!("{}-W{:02}", week.year(), week.week())
            }
            Bucket::Month => start.format("%Y-%m").to_string(),
        }
    }
}

/// A range as asked for.
#[derive(Debug, Clone, Default, Serialize, Deserialize, IntoParams, ToSchema)]
#[serde(default, rename_all = "camelCase")]
#[into_params(parameter_in = Query)]
pub struct RangeQuery {
    /// The first UTC day (`YYYY-MM-DD`), not after `to`, at most 1100 days before it; 29 days
    /// before `to` when absent.
    #[param(schema_with = lumiku_plugin::text::date_schema)]
    #[schema(schema_with = lumiku_plugin::text::optional_date_schema)]
    pub from: Option<String>,
    /// The last UTC day; today when absent.
    #[param(schema_with = lumiku_plugin::text::date_schema)]
    #[schema(schema_with = lumiku_plugin::text::optional_date_schema)]
    pub to: Option<String>,
    /// `day` (default), `week` or `month`.
    pub bucket: Option<Bucket>,
}

/// A checked range.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Range {
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub bucket: Bucket,
}

impl RangeQuery {
    /// The range, or 422 naming the fields at fault.
    pub fn range(&self, today: NaiveDate) -> Result<Range, ApiError> {
        self.check(today).map_err(ApiError::validation)
    }

    /// The range, or the fields at fault.
    pub fn check(&self, today: NaiveDate) -> Result<Range, FieldErrors> {
        let mut errors = FieldErrors::new();
        let mut day = |field: &str, text: &Option<String>| match text.as_deref() {
            None => None,
            Some(text) => {
                let parsed = lumiku_plugin::text::date(text);
                if parsed.is_none() {
                    errors.insert(field.into(), vec!["must be a date, YYYY-MM-DD".into()]);
                }
                parsed
            }
        };
        let to = day("to", &self.to).unwrap_or(today);
        let from = day("from", &self.from).unwrap_or(to - Days::new(29));
        if errors.is_empty() {
            if from > to {
                errors.insert("from".into(), vec!["must not be after to".into()]);
            } else if (to - from).num_days() >= MAX_DAYS {
                errors.insert(
                    "from".into(),
                    vec![format!("a range is at most {MAX_DAYS} days")],
                );
            }
        }
        if !errors.is_empty() {
            return Err(errors);
        }
        Ok(Range {
            from,
            to,
            bucket: self.bucket.unwrap_or_default(),
        })
    }
}

/// One bucket of the spending series.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Point {
    /// Its first day.
    pub start: NaiveDate,
    /// `2026-03-09`, `2026-W11` or `2026-03`.
    pub label: String,
    /// Credits spent.
    pub credits: i64,
    /// Metered actions taken.
    pub actions: i64,
    /// Members who took at least one.
    pub active_members: i64,
    /// The balance at the bucket's end.
    pub balance: i64,
}

/// Spending grouped by one key (an app, an action, a member).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Slice {
    /// The app id, `app:action`, or the member's id.
    pub key: String,
    /// What the page shows.
    pub label: String,
    /// Credits spent.
    pub credits: i64,
    /// Actions taken.
    pub actions: i64,
}

/// When the credits run out at the recent rate.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Forecast {
    /// The balance now.
    pub balance: i64,
    /// Credits spent over the last 14 days up to today.
    pub spent_recently: i64,
    /// The days that rate covers.
    pub days: i64,
    /// Whole days the balance lasts at that rate; null when nothing is being spent.
    pub days_left: Option<i64>,
    /// The day it runs out; null when nothing is being spent.
    pub runs_out_on: Option<NaiveDate>,
}

/// The range's totals.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Totals {
    pub credits: i64,
    pub actions: i64,
    /// Distinct members who took an action in the range.
    pub active_members: i64,
    /// Credits added in the range (purchases, grants, bonuses, refunds).
    pub credits_in: i64,
}

/// Everything the dashboard shows for a range.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Summary {
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub bucket: Bucket,
    pub totals: Totals,
    /// Every bucket of the range, zeros included.
    pub series: Vec<Point>,
    /// By app, most spent first.
    pub by_app: Vec<Slice>,
    /// By action, most spent first: the top actions.
    pub by_action: Vec<Slice>,
    /// By member, most spent first.
    pub by_member: Vec<Slice>,
    pub forecast: Forecast,
}

fn slices(map: HashMap<String, (String, i64, i64)>) -> Vec<Slice> {
    let mut out: Vec<Slice> = map
        .into_iter()
        .map(|(key, (label, credits, actions))| Slice {
            key,
            label,
            credits,
            actions,
        })
        .collect();
    out.sort_by(|a, b| {
        b.credits
            .cmp(&a.credits)
            .then(b.actions.cmp(&a.actions))
            .then(a.key.cmp(&b.key))
    });
    out
}

/// The present, for the forecast: the usage of the last [`RATE_DAYS`] days up to `today`, and
/// the balance now.
#[derive(Debug, Clone, Copy)]
pub struct Now<'a> {
    pub recent: &'a [UsageDay],
    pub balance: i64,
    pub today: NaiveDate,
}

/// The summary of `range` from the rollups, apps and members named by `app_name` and
/// `member_name`.
pub fn summarize(
    range: Range,
    usage: &[UsageDay],
    ledger: &LedgerDays,
    now: Now<'_>,
    app_name: impl Fn(&str) -> String,
    member_name: impl Fn(Uuid) -> String,
) -> Summary {
    let Now {
        recent,
        balance,
        today,
    } = now;
    // The buckets, in order, each with its members.
    let mut buckets: BTreeMap<NaiveDate, (i64, i64, BTreeSet<Uuid>)> = BTreeMap::new();
    let mut start = range.bucket.start(range.from);
    while start <= range.to {
        buckets.insert(start, (0, 0, BTreeSet::new()));
        start = range.bucket.next(start);
    }
    let mut by_app = HashMap::new();
    let mut by_action = HashMap::new();
    let mut by_member = HashMap::new();
    let mut members = BTreeSet::new();
    let (mut credits, mut actions) = (0, 0);
    for row in usage
        .iter()
        .filter(|r| r.day >= range.from && r.day <= range.to)
    {
        if let Some(bucket) = buckets.get_mut(&range.bucket.start(row.day)) {
            bucket.0 += row.credits;
            bucket.1 += row.actions;
            bucket.2.insert(row.user_id);
        }
        credits += row.credits;
        actions += row.actions;
        members.insert(row.user_id);
        let add = |entry: &mut (String, i64, i64)| {
            entry.1 += row.credits;
            entry.2 += row.actions;
        };
        add(by_app
            .entry(row.app_id.clone())
            .or_insert_with(|| (app_name(&row.app_id), 0, 0)));
        add(by_action
            .entry(format!("{}:{}", row.app_id, row.action))
            .or_insert_with(|| (format!("{} · {}", app_name(&row.app_id), row.action), 0, 0)));
        add(by_member
            .entry(row.user_id.to_string())
            .or_insert_with(|| (member_name(row.user_id), 0, 0)));
    }
    // The balance at each bucket's end: the last closing balance on or before it.
    let mut closing = ledger.opening_balance;
    let mut ledger_days = ledger.days.iter().peekable();
    let mut credits_in = 0;
    let series = buckets
        .into_iter()
        .map(|(start, (credits, actions, active))| {
            let end = range.bucket.next(start) - Days::new(1);
            while let Some(day) = ledger_days.next_if(|d| d.day <= end) {
                closing = day.closing_balance;
                if day.day >= range.from && day.day <= range.to {
                    credits_in += day.credits_in;
                }
            }
            Point {
                start,
                label: range.bucket.label(start),
                credits,
                actions,
                active_members: active.len() as i64,
                balance: closing,
            }
        })
        .collect();
    let spent_recently: i64 = recent
        .iter()
        .filter(|r| r.day <= today && r.day > today - Days::new(RATE_DAYS))
        .map(|r| r.credits)
        .sum();
    let days_left = (spent_recently > 0).then(|| {
        (i128::from(balance) * i128::from(RATE_DAYS as i64) / i128::from(spent_recently)) as i64
    });
    Summary {
        from: range.from,
        to: range.to,
        bucket: range.bucket,
        totals: Totals {
            credits,
            actions,
            active_members: members.len() as i64,
            credits_in,
        },
        series,
        by_app: slices(by_app),
        by_action: slices(by_action),
        by_member: slices(by_member),
        forecast: Forecast {
            balance,
            spent_recently,
            days: RATE_DAYS as i64,
            days_left,
            runs_out_on: days_left.and_then(|d| today.checked_add_days(Days::new(d.max(0) as u64))),
        },
    }
}

/// The charts (and their tables and exports).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum Chart {
    /// Credits spent per bucket.
    Spend,
    /// The balance at each bucket's end.
    Balance,
    /// Active members per bucket.
    Members,
    /// Spending by app.
    Apps,
    /// Spending by action.
    Actions,
    /// Spending by member.
    People,
}

impl Chart {
    /// Every chart, in the page's order.
    pub const ALL: [Chart; 6] = [
        Chart::Spend,
        Chart::Balance,
        Chart::Members,
        Chart::Apps,
        Chart::Actions,
        Chart::People,
    ];

    /// As written in URLs.
    pub fn as_str(self) -> &'static str {
        match self {
            Chart::Spend => "spend",
            Chart::Balance => "balance",
            Chart::Members => "members",
            Chart::Apps => "apps",
            Chart::Actions => "actions",
            Chart::People => "people",
        }
    }

    /// From a URL.
    pub fn parse(text: &str) -> Option<Chart> {
        Chart::ALL.into_iter().find(|c| c.as_str() == text)
    }

    /// Its title.
    pub fn title(self) -> &'static str {
        match self {
            Chart::Spend => "Credits spent",
            Chart::Balance => "Balance",
            Chart::Members => "Active members",
            Chart::Apps => "By app",
            Chart::Actions => "Top actions",
            Chart::People => "By member",
        }
    }

    /// The chart's table: a header and rows of cells.
    pub fn table(self, summary: &Summary) -> (Vec<&'static str>, Vec<Vec<String>>) {
        match self {
            Chart::Spend | Chart::Balance | Chart::Members => (
                vec!["period", "credits", "actions", "active members", "balance"],
                summary
                    .series
                    .iter()
                    .map(|p| {
                        vec![
                            p.label.clone(),
                            p.credits.to_string(),
                            p.actions.to_string(),
                            p.active_members.to_string(),
                            p.balance.to_string(),
                        ]
                    })
                    .collect(),
            ),
            Chart::Apps | Chart::Actions | Chart::People => {
                let slices = match self {
                    Chart::Apps => &summary.by_app,
                    Chart::Actions => &summary.by_action,
                    _ => &summary.by_member,
                };
                let name = match self {
                    Chart::Apps => "app",
                    Chart::Actions => "action",
                    _ => "member",
                };
                (
                    vec![name, "credits", "actions"],
                    slices
                        .iter()
                        .map(|s| {
                            vec![
                                s.label.clone(),
                                s.credits.to_string(),
                                s.actions.to_string(),
                            ]
                        })
                        .collect(),
                )
            }
        }
    }

    /// The chart's table as CSV (RFC 4180; cells that a spreadsheet would run as a formula are
    /// quoted with a leading apostrophe).
    pub fn csv(self, summary: &Summary) -> String {
        let (header, rows) = self.table(summary);
        let mut out = header.join(",");
        out.push_str("\r\n");
        for row in rows {
            let cells: Vec<String> = row.iter().map(|c| csv_cell(c)).collect();
            out.push_str(&cells.join(","));
            out.push_str("\r\n");
        }
        out
    }
}

fn csv_cell(cell: &str) -> String {
    let guarded =
        if cell.starts_with(['=', '+', '-', '@', '\t', '\r']) && cell.parse::<i64>().is_err() {
            format!("'{cell}")
        } else {
            cell.to_owned()
        };
    if guarded.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", guarded.replace('"', "\"\""))
    } else {
        guarded
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use lumiku_plugin::platform::LedgerDay;

    fn day(s: &str) -> NaiveDate {
        lumiku_plugin::text::date(s).unwrap()
    }

    fn usage(d: &str, app: &str, action: &str, user: u128, actions: i64, credits: i64) -> UsageDay {
        UsageDay {
            day: day(d),
            app_id: app.into(),
            action: action.into(),
            user_id: Uuid::from_u128(user),
            actions,
            credits,
        }
    }

    #[test]
    fn buckets_start_on_days_mondays_and_first_days() {
        let wed = day("2026-03-11");
        assert_eq!(Bucket::Day.start(wed), wed);
        assert_eq!(Bucket::Week.start(wed), day("2026-03-09"));
        assert_eq!(Bucket::Month.start(wed), day("2026-03-01"));
        assert_eq!(Bucket::Week.label(day("2026-03-09")), "2026-W11");
        assert_eq!(Bucket::Month.label(day("2026-03-01")), "2026-03");
        assert_eq!(Bucket::Month.next(day("2026-01-01")), day("2026-02-01"));
    }

    #[test]
    fn ranges_default_to_thirty_days_and_are_checked() {
        let today = day("2026-03-31");
        let range = RangeQuery::default().range(today).unwrap();
        assert_eq!((range.from, range.to), (day("2026-03-02"), today));
        let bad = |from: &str, to: &str| {
            RangeQuery {
                from: Some(from.into()),
                to: Some(to.into()),
                bucket: None,
            }
            .range(today)
            .is_err()
        };
        assert!(bad("2026-03-10", "2026-03-01"));
        assert!(bad("yesterday", "2026-03-01"));
        assert!(bad("2020-01-01", "2026-01-01"));
        assert!(!bad("2026-01-01", "2026-01-01"));
    }

    #[test]
    fn the_summary_sums_the_rollups_into_buckets_and_groups() {
        let rows = [
            usage("2026-03-09", "project-manager", "createProject", 1, 2, 10),
            usage("2026-03-10", "project-manager", "createTask", 2, 3, 3),
            usage("2026-03-16", "invoice-generator", "createInvoice", 1, 1, 3),
            usage("2026-03-17", "project-manager", "createProject", 2, 1, 5),
        ];
        let ledger = LedgerDays {
            opening_balance: 100,
            days: vec![
                LedgerDay {
                    day: day("2026-03-09"),
                    credits_in: 0,
                    credits_out: 10,
                    entries: 2,
                    closing_balance: 90,
                },
                LedgerDay {
                    day: day("2026-03-12"),
                    credits_in: 50,
                    credits_out: 3,
                    entries: 4,
                    closing_balance: 137,
                },
                LedgerDay {
                    day: day("2026-03-17"),
                    credits_in: 0,
                    credits_out: 8,
                    entries: 2,
                    closing_balance: 129,
                },
            ],
        };
        let range = Range {
            from: day("2026-03-09"),
            to: day("2026-03-22"),
            bucket: Bucket::Week,
        };
        let today = day("2026-03-22");
        let s = summarize(
            range,
            &rows,
            &ledger,
            Now {
                recent: &rows,
                balance: 129,
                today,
            },
            |a| a.to_uppercase(),
            |u| format!("user {}", u.as_u128()),
        );
        assert_eq!(s.series.len(), 2);
        assert_eq!(
            (
                s.series[0].credits,
                s.series[0].actions,
                s.series[0].active_members,
                s.series[0].balance
            ),
            (13, 5, 2, 137)
        );
        assert_eq!(
            (
                s.series[1].credits,
                s.series[1].actions,
                s.series[1].active_members,
                s.series[1].balance
            ),
            (8, 2, 2, 129)
        );
        assert_eq!(
            s.totals,
            Totals {
                credits: 21,
                actions: 7,
                active_members: 2,
                credits_in: 50
            }
        );
        assert_eq!(s.by_app[0].key, "project-manager");
        assert_eq!(s.by_app[0].credits, 18);
        assert_eq!(s.by_app[0].label, "PROJECT-MANAGER");
        assert_eq!(s.by_action[0].key, "project-manager:createProject");
        assert_eq!(s.by_action[0].credits, 15);
        assert_eq!(s.by_member[0].label, "user 1");
        assert_eq!(s.by_member[0].credits, 10 + 3);
        // 21 credits in the last 14 days: 1.5 a day; 129 lasts 86 days.
        assert_eq!(s.forecast.spent_recently, 21);
        assert_eq!(s.forecast.days_left, Some(86));
        assert_eq!(s.forecast.runs_out_on, Some(day("2026-06-16")));
        // Day buckets carry the balance over the days without rows.
        let daily = summarize(
            Range {
                bucket: Bucket::Day,
                ..range
            },
            &rows,
            &ledger,
            Now {
                recent: &[],
                balance: 129,
                today,
            },
            |a| a.into(),
            |u| u.to_string(),
        );
        assert_eq!(daily.series.len(), 14);
        assert_eq!(daily.series[1].balance, 90);
        assert_eq!(daily.series[3].balance, 137);
        assert_eq!(daily.forecast.days_left, None);
    }

    #[test]
    fn csv_quotes_what_needs_it_and_defuses_formulas() {
        assert_eq!(csv_cell("plain"), "plain");
        assert_eq!(csv_cell("a,b"), "\"a,b\"");
        assert_eq!(csv_cell("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(csv_cell("=HYPERLINK(1)"), "'=HYPERLINK(1)");
        assert_eq!(csv_cell("-5"), "-5");
    }
}
