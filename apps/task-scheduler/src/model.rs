//! A task as sent and as answered: its schedule and its action, and the rules they are checked
//! against (422 naming each field at fault).

use std::collections::BTreeMap;
use std::time::Duration;

use chrono::{DateTime, Utc};
use lumiku_plugin::context::Member;
use lumiku_plugin::jobs::{CronSchedule, Schedule, ScheduleError};
use lumiku_plugin::{FieldErrors, Tier, outbound};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

/// When a task runs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(tag = "type", rename_all = "lowercase")]
pub enum TaskSchedule {
    /// Once, at a time.
    Once {
        /// When (RFC 3339).
        at: DateTime<Utc>,
    },
    /// On a cron expression (5 fields, or 6 with seconds first) in a time zone.
    Cron {
        /// For example `0 9 * * MON-FRI`.
        expression: String,
        /// An IANA time zone, for example `Asia/Jakarta`.
        #[serde(rename = "timeZone")]
        time_zone: String,
    },
}

/// The shortest gap between runs on every plan.
pub const FASTEST: Duration = Duration::from_secs(10);
/// The shortest gap below the `pro` tier.
pub const FASTEST_BELOW_PRO: Duration = Duration::from_secs(60);

impl TaskSchedule {
    /// The platform's schedule, or the field errors (`schedule.expression`,
    /// `schedule.timeZone`, `schedule.at`) of a schedule that does not parse, runs more often
    /// than the tenant's tier allows, or (`once`) is in the past.
    pub fn check(&self, tier: Tier, now: DateTime<Utc>) -> Result<Schedule, FieldErrors> {
        let mut errors = FieldErrors::new();
        match self {
            Self::Once { at } => {
                if *at < now - chrono::Duration::seconds(60) {
                    push(&mut errors, "schedule.at", "is in the past");
                }
                if errors.is_empty() {
                    return Ok(Schedule::At((*at).max(now)));
                }
            }
            Self::Cron {
                expression,
                time_zone,
            } => match CronSchedule::parse(expression, time_zone) {
                Ok(cron) => {
                    let gap = cron.shortest_gap(now);
                    if gap < FASTEST {
                        push(
                            &mut errors,
                            "schedule.expression",
                            "runs more often than once every 10 seconds",
                        );
                    } else if gap < FASTEST_BELOW_PRO && tier < Tier::Pro {
                        push(
                            &mut errors,
                            "schedule.expression",
                            "runs more often than once a minute, which needs the pro plan or higher",
                        );
                    } else {
                        return Ok(Schedule::Cron(Box::new(cron)));
                    }
                }
                Err(ScheduleError::TimeZone(_)) => push(
                    &mut errors,
                    "schedule.timeZone",
                    "is not a time zone name (such as Asia/Jakarta or UTC)",
                ),
                Err(ScheduleError::Expression(message)) => {
                    push(&mut errors, "schedule.expression", &message);
                }
            },
        }
        Err(errors)
    }

    /// The next `n` due times after `now` (none for a one-off time that has passed).
    pub fn upcoming(&self, now: DateTime<Utc>, n: usize) -> Vec<DateTime<Utc>> {
        match self {
            Self::Once { at } => {
                if *at >= now {
                    vec![*at]
                } else {
                    Vec::new()
                }
            }
            Self::Cron {
                expression,
                time_zone,
            } => CronSchedule::parse(expression, time_zone)
                .map(|c| c.upcoming(now, n))
                .unwrap_or_default(),
        }
    }
}

/// What a task does when it runs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(tag = "type", rename_all = "lowercase")]
pub enum TaskAction {
    /// An HTTP request; a 2xx answer is a success. Its status and the first 4 KiB of its body
    /// are kept.
    Http {
        /// GET (default), POST, PUT, PATCH, DELETE or HEAD.
        #[serde(default = "default_method")]
        #[schema(value_type = HttpMethod)]
        method: String,
        /// An `http` or `https` URL on a public address, at most 2048 characters.
        #[schema(max_length = 2048)]
        url: String,
        /// Request headers, name → value (at most 20; not Host, Content-Length,
        /// Transfer-Encoding or Connection).
        #[serde(default)]
        #[schema(schema_with = headers_schema)]
        headers: BTreeMap<String, String>,
        /// Request body (at most 64 KiB as UTF-8).
        #[serde(default)]
        body: Option<String>,
        /// Seconds to wait for the answer, 1 to 30 (default 30).
        #[serde(default, rename = "timeoutSecs")]
        #[schema(minimum = 1, maximum = 30)]
        timeout_secs: Option<u32>,
    },
    /// An in-app notification to chosen members of the tenant.
    Reminder {
        /// 1 to 500 characters, several lines, not only spaces; kept trimmed.
        #[schema(schema_with = lumiku_plugin::text::multi_line_schema::<500>)]
        message: String,
        /// The members to notify (1 to 50), members of the tenant.
        #[schema(min_items = 1, max_items = 50)]
        recipients: Vec<Uuid>,
    },
}

fn default_method() -> String {
    "GET".into()
}

/// An HTTP action's headers: at most 20 names, each a string.
fn headers_schema() -> utoipa::openapi::schema::Object {
    use utoipa::openapi::schema::{ObjectBuilder, Type};
    ObjectBuilder::new()
        .schema_type(Type::Object)
        .additional_properties(Some(ObjectBuilder::new().schema_type(Type::String)))
        .max_properties(Some(20))
        .build()
}

/// An HTTP action's method, for the document.
#[derive(ToSchema)]
#[allow(dead_code, clippy::upper_case_acronyms)]
pub enum HttpMethod {
    GET,
    POST,
    PUT,
    PATCH,
    DELETE,
    HEAD,
}

const METHODS: [&str; 6] = ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD"];

/// The most bytes of a request body a task may send.
pub const BODY_MAX: usize = 64 * 1024;

impl TaskAction {
    /// The action trimmed and normalised, or its field errors (`action.url`, ...). `members` are
    /// the tenant's (a reminder's recipients must be among them); `allow_private` is the
    /// platform's outbound policy.
    pub fn check(
        &self,
        members: &[Member],
        allow_private: bool,
    ) -> Result<TaskAction, FieldErrors> {
        let mut errors = FieldErrors::new();
        match self {
            Self::Http {
                method,
                url,
                headers,
                body,
                timeout_secs,
            } => {
                if timeout_secs.is_some_and(|t| !(1..=30).contains(&t)) {
                    push(&mut errors, "action.timeoutSecs", "must be 1 to 30");
                }
                let method = method.clone();
                if !METHODS.contains(&method.as_str()) {
                    push(
                        &mut errors,
                        "action.method",
                        "must be GET, POST, PUT, PATCH, DELETE or HEAD",
                    );
                }
                let url = url.trim().to_owned();
                match outbound::check_url(&url) {
                    Ok((host, _)) => {
                        // Only what can be told without a lookup: a name that resolves somewhere
                        // private is refused when the request is made (no DNS while a
                        // transaction is open).
                        if let Err(e) = outbound::check_host(&host, allow_private) {
                            push(&mut errors, "action.url", &e.to_string());
                        }
                    }
                    Err(e) => push(&mut errors, "action.url", &e.to_string()),
                }
                if url.len() > 2048 {
                    push(&mut errors, "action.url", "must be at most 2048 characters");
                }
                check_headers(headers, &mut errors);
                if body.as_ref().is_some_and(|b| b.len() > BODY_MAX) {
                    push(&mut errors, "action.body", "must be at most 64 KiB");
                }
                if errors.is_empty() {
                    return Ok(Self::Http {
                        method,
                        url,
                        headers: headers
                            .iter()
                            .map(|(k, v)| (k.trim().to_owned(), v.trim().to_owned()))
                            .collect(),
                        body: body.clone().filter(|b| !b.is_empty()),
                        timeout_secs: *timeout_secs,
                    });
                }
            }
            Self::Reminder {
                message,
                recipients,
            } => {
                let message = lumiku_plugin::text::multi_line(message, 500).unwrap_or_else(|e| {
                    push(&mut errors, "action.message", &e);
                    ""
                });
                let mut chosen: Vec<Uuid> = Vec::new();
                for id in recipients {
                    if !chosen.contains(id) {
                        chosen.push(*id);
                    }
                }
                if chosen.is_empty() || chosen.len() > 50 {
                    push(
                        &mut errors,
                        "action.recipients",
                        "must name 1 to 50 members",
                    );
                } else if chosen
                    .iter()
                    .any(|id| !members.iter().any(|m| m.user_id == *id))
                {
                    push(
                        &mut errors,
                        "action.recipients",
                        "must be members of this tenant",
                    );
                }
                if errors.is_empty() {
                    return Ok(Self::Reminder {
                        message: message.to_owned(),
                        recipients: chosen,
                    });
                }
            }
        }
        Err(errors)
    }

    /// The stored type name.
    pub fn type_name(&self) -> &'static str {
        match self {
            Self::Http { .. } => "http",
            Self::Reminder { .. } => "reminder",
        }
    }

    /// The action as answered to a reader: header values are hidden (they often hold
    /// credentials), their names kept.
    pub fn redacted(&self) -> TaskAction {
        match self {
            Self::Http {
                method,
                url,
                headers,
                body,
                timeout_secs,
            } => Self::Http {
                method: method.clone(),
                url: url.clone(),
                headers: headers
                    .keys()
                    .map(|k| (k.clone(), "[hidden]".to_owned()))
                    .collect(),
                body: body.clone(),
                timeout_secs: *timeout_secs,
            },
            other => other.clone(),
        }
    }
}

fn check_headers(headers: &BTreeMap<String, String>, errors: &mut FieldErrors) {
    if headers.len() > 20 {
        push(errors, "action.headers", "must be at most 20 headers");
    }
    for (name, value) in headers {
        let name = name.trim();
        let token = !name.is_empty()
            && name
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b));
        if !token {
            push(
                errors,
                "action.headers",
                "has a header name that is not valid",
            );
        } else if ["host", "content-length", "transfer-encoding", "connection"]
            .contains(&name.to_ascii_lowercase().as_str())
        {
            push(
                errors,
                "action.headers",
                "may not set Host, Content-Length, Transfer-Encoding or Connection",
            );
        }
        if value.len() > 4096 || value.chars().any(|c| c.is_control() && c != '\t') {
            push(
                errors,
                "action.headers",
                "has a value that is too long or holds line breaks",
            );
        }
    }
}

fn push(errors: &mut FieldErrors, field: &str, message: &str) {
    let list = errors.entry(field.into()).or_default();
    if !list.iter().any(|m| m == message) {
        list.push(message.into());
    }
}

/// A name: 1 to 200 characters on one line ([`lumiku_plugin::text::one_line`]).
pub fn check_name(name: &str, errors: &mut FieldErrors) -> String {
    match lumiku_plugin::text::one_line(name, 200) {
        Ok(name) => name.to_owned(),
        Err(problem) => {
            push(errors, "name", &problem);
            String::new()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> DateTime<Utc> {
        s.parse().unwrap()
    }

    #[test]
    fn a_schedule_more_often_than_a_minute_needs_pro_and_never_under_ten_seconds() {
        let now = at("2026-12-02T00:00:00Z");
        let cron = |e: &str| TaskSchedule::Cron {
            expression: e.into(),
            time_zone: "Asia/Jakarta".into(),
        };
        assert!(cron("* * * * *").check(Tier::Free, now).is_ok());
        let every_30s = cron("*/30 * * * * *");
        let errors = every_30s.check(Tier::Basic, now).unwrap_err();
        assert!(errors["schedule.expression"][0].contains("pro plan"));
        assert!(every_30s.check(Tier::Pro, now).is_ok());
        assert!(cron("*/10 * * * * *").check(Tier::Pro, now).is_ok());
        assert!(cron("*/5 * * * * *").check(Tier::Enterprise, now).is_err());
        let zone = TaskSchedule::Cron {
            expression: "0 9 * * *".into(),
            time_zone: "Asia/Jakart".into(),
        };
        assert!(
            zone.check(Tier::Free, now)
                .unwrap_err()
                .contains_key("schedule.timeZone")
        );
        assert!(
            cron("0 25 * * *")
                .check(Tier::Free, now)
                .unwrap_err()
                .contains_key("schedule.expression")
        );
        let past = TaskSchedule::Once {
            at: at("2026-12-01T00:00:00Z"),
        };
        assert!(
            past.check(Tier::Free, now)
                .unwrap_err()
                .contains_key("schedule.at")
        );
    }

    #[test]
    fn the_preview_lists_the_next_due_times() {
        let weekdays = TaskSchedule::Cron {
            expression: "0 9 * * MON-FRI".into(),
            time_zone: "Asia/Jakarta".into(),
        };
        let next = weekdays.upcoming(at("2026-12-04T03:00:00Z"), 5);
        assert_eq!(next.len(), 5);
        assert_eq!(next[0], at("2026-12-07T02:00:00Z"));
        assert_eq!(next[4], at("2026-12-11T02:00:00Z"));
    }

    #[test]
    fn urls_to_private_addresses_and_other_schemes_are_refused() {
        let http = |url: &str| TaskAction::Http {
            method: "GET".into(),
            url: url.into(),
            headers: BTreeMap::new(),
            body: None,
            timeout_secs: None,
        };
        for url in [
            "http://127.0.0.1:8080/",
            "http://localhost/",
            "http://169.254.169.254/latest/meta-data",
            "http://[::1]/",
            "http://10.0.0.8/",
            "file:///etc/passwd",
            "gopher://example.com/",
            "not a url",
        ] {
            let errors = http(url).check(&[], false).unwrap_err();
            assert!(errors.contains_key("action.url"), "{url}: {errors:?}");
        }
        assert!(http("http://127.0.0.1:8080/").check(&[], true).is_ok());
        let mut headers = BTreeMap::new();
        headers.insert("Host".to_owned(), "evil".to_owned());
        headers.insert("X-Ok".to_owned(), "a\r\nb".to_owned());
        let action = TaskAction::Http {
            method: "TRACE".into(),
            url: "http://127.0.0.1/".into(),
            headers,
            body: None,
            timeout_secs: Some(31),
        };
        let errors = action.check(&[], true).unwrap_err();
        assert!(errors.contains_key("action.method"));
        assert_eq!(errors["action.headers"].len(), 2);
        assert!(errors.contains_key("action.timeoutSecs"));
    }
}
