//! What callers send and what the app answers: the business profile, clients, invoices and their
//! lines, each input validated into what is stored (422 naming every field at fault).

use chrono::{DateTime, Datelike, NaiveDate, Utc};
use lumiku_plugin::sql;
use lumiku_plugin::{ApiError, FieldErrors, text};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa::openapi::schema::{Object, ObjectBuilder, SchemaType, Type};
use uuid::Uuid;

use crate::money::{
    self, Currency, LineError, LineFigures, LineInput, MAX_AMOUNT, Quantity, Totals,
};

/// The numbering format when a tenant names none.
pub const DEFAULT_NUMBER_FORMAT: &str = "INV-{YYYY}-{seq:04}";
/// Lines an invoice may hold.
pub const MAX_LINES: usize = 200;

/// Collects field errors.
#[derive(Default)]
pub(crate) struct Problems(FieldErrors);

impl Problems {
    pub(crate) fn add(&mut self, field: impl Into<String>, problem: impl Into<String>) {
        self.0.entry(field.into()).or_default().push(problem.into());
    }

    /// A one-line text of 1 to `max` characters, trimmed ([`text::one_line`]).
    fn required(&mut self, field: &str, raw: &str, max: usize) -> String {
        match text::one_line(raw, max) {
            Ok(value) => value.to_owned(),
            Err(problem) => {
                self.add(field, problem);
                String::new()
            }
        }
    }

    /// An optional one-line text of at most `max` characters, `None` when blank.
    fn optional_line(&mut self, field: &str, raw: Option<&str>, max: usize) -> Option<String> {
        text::optional_one_line(raw, max)
            .unwrap_or_else(|problem| {
                self.add(field, problem);
                None
            })
            .map(str::to_owned)
    }

    /// An optional text of several lines of at most `max` characters, `None` when blank.
    pub(crate) fn optional(
        &mut self,
        field: &str,
        raw: Option<&str>,
        max: usize,
    ) -> Option<String> {
        text::optional_multi_line(raw, max)
            .unwrap_or_else(|problem| {
                self.add(field, problem);
                None
            })
            .map(str::to_owned)
    }

    /// An optional e-mail address ([`EMAIL_MAX`] characters at most), `None` when blank.
    pub(crate) fn email(&mut self, field: &str, raw: Option<&str>) -> Option<String> {
        let email = self.optional_line(field, raw, EMAIL_MAX)?;
        if !looks_like_email(&email) {
            self.add(field, "must be an e-mail address");
        }
        Some(email)
    }

    pub(crate) fn finish(self) -> Result<(), ApiError> {
        if self.0.is_empty() {
            Ok(())
        } else {
            Err(ApiError::validation(self.0))
        }
    }
}

/// One `@`, something on each side, a dot in the domain, no spaces: what a mail server takes.
pub fn looks_like_email(email: &str) -> bool {
    let Some((local, domain)) = email.split_once('@') else {
        return false;
    };
    !local.is_empty()
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && email.matches('@').count() == 1
        && !email
            .chars()
            .any(|c| c.is_whitespace() || c.is_control() || "<>,;\"()[]\\".contains(c))
}

/// The longest e-mail address.
pub const EMAIL_MAX: usize = 254;

/// What an address may not hold besides `@`: controls, whitespace, direction overrides and what
/// breaks a mail header. A regular-expression class body.
const NOT_IN_ADDRESS: &str = "\\x00-\\x20\\x7f-\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202a-\\u202f\\u205f\\u2066-\\u2069\\u3000<>,;\"()\\[\\]\\\\@";
/// Whitespace that is not a control character (what may surround a value, trimmed away).
const SPACES: &str = "\\x20\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000";

/// The pattern of what [`Problems::email`] accepts: blank, or an address as
/// [`looks_like_email`] says (something, one `@`, a domain with a dot inside), spaces around.
pub fn email_pattern() -> String {
    let part = format!("[^{NOT_IN_ADDRESS}]");
    let label = format!("[^{NOT_IN_ADDRESS}.]");
    format!(
        "^[{SPACES}]*$|^[{SPACES}]*{part}+@{label}[^{NOT_IN_ADDRESS}]*\\.[^{NOT_IN_ADDRESS}]*{label}[{SPACES}]*$"
    )
}

/// The schema of an optional e-mail address (null or blank for none).
pub fn optional_email_schema() -> Object {
    ObjectBuilder::new()
        .schema_type(SchemaType::from_iter([Type::String, Type::Null]))
        .max_length(Some(EMAIL_MAX))
        .pattern(Some(email_pattern()))
        .build()
}

pub use lumiku_plugin::text::{
    DATE_PATTERN, date as parse_date, date_schema, optional_date_schema,
};

/// The currencies an invoice may be in (ISO 4217), for the document; [`Currency::of`] reads
/// them.
#[derive(ToSchema)]
#[allow(dead_code, clippy::upper_case_acronyms)]
pub enum CurrencyCode {
    /// Indonesian rupiah.
    IDR,
    /// US dollar.
    USD,
    /// Euro.
    EUR,
    /// Singapore dollar.
    SGD,
    /// Malaysian ringgit.
    MYR,
    /// Australian dollar.
    AUD,
    /// Pound sterling.
    GBP,
    /// Japanese yen.
    JPY,
}

/// The tenant's business, as printed on its invoices.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct Profile {
    /// The business's name; invoices cannot be issued without it.
    pub business_name: String,
    /// Postal address, several lines.
    pub address: Option<String>,
    /// Where clients reply.
    pub email: Option<String>,
    /// Phone.
    pub phone: Option<String>,
    /// Tax id (NPWP).
    pub tax_id: Option<String>,
    /// Where to pay: bank, account name and number.
    pub bank_details: Option<String>,
    /// Payment terms printed on new invoices.
    pub default_terms: Option<String>,
    /// Notes printed on new invoices.
    pub default_notes: Option<String>,
    /// New invoices' currency (ISO 4217).
    pub currency: String,
    /// How issued invoices are numbered: `{YYYY}`, `{YY}`, `{MM}` and one `{seq}` or
    /// `{seq:0N}` (zero-padded to N digits) among letters, digits and `-_/.#`.
    pub number_format: String,
    /// Days from the issue date to the due date, by default.
    pub default_due_days: i32,
    /// Whether a logo is set (`GET /profile/logo`).
    pub has_logo: bool,
    /// When it last changed; null until first saved.
    pub updated_at: Option<DateTime<Utc>>,
}

impl Profile {
    /// The profile of a tenant that has not saved one.
    pub fn empty() -> Self {
        Self {
            business_name: String::new(),
            address: None,
            email: None,
            phone: None,
            tax_id: None,
            bank_details: None,
            default_terms: None,
            default_notes: None,
            currency: money::IDR.code.to_owned(),
            number_format: DEFAULT_NUMBER_FORMAT.to_owned(),
            default_due_days: 14,
            has_logo: false,
            updated_at: None,
        }
    }

    /// The profile's currency.
    pub fn currency(&self) -> Currency {
        Currency::of(&self.currency).unwrap_or(money::IDR)
    }
}

/// The business profile as sent.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(default, rename_all = "camelCase")]
pub struct ProfileInput {
    /// 1 to 200 characters, one line, not only spaces; kept trimmed.
    #[schema(schema_with = text::one_line_schema::<200>, required = true)]
    pub business_name: String,
    /// At most 1000 characters, several lines.
    #[schema(schema_with = text::optional_multi_line_schema::<1000>)]
    pub address: Option<String>,
    /// An e-mail address.
    #[schema(schema_with = optional_email_schema)]
    pub email: Option<String>,
    /// At most 50 characters, one line.
    #[schema(schema_with = text::optional_one_line_schema::<50>)]
    pub phone: Option<String>,
    /// At most 50 characters, one line.
    #[schema(schema_with = text::optional_one_line_schema::<50>)]
    pub tax_id: Option<String>,
    /// At most 1000 characters, several lines.
    #[schema(schema_with = text::optional_multi_line_schema::<1000>)]
    pub bank_details: Option<String>,
    /// At most 2000 characters, several lines.
    #[schema(schema_with = text::optional_multi_line_schema::<2000>)]
    pub default_terms: Option<String>,
    /// At most 2000 characters, several lines.
    #[schema(schema_with = text::optional_multi_line_schema::<2000>)]
    pub default_notes: Option<String>,
    /// The currency of new invoices; IDR when absent.
    #[schema(value_type = Option<CurrencyCode>)]
    pub currency: Option<String>,
    /// The numbering format; `INV-{YYYY}-{seq:04}` when absent.
    #[schema(max_length = 100)]
    pub number_format: Option<String>,
    /// 0 to 365; 14 when absent.
    #[schema(minimum = 0, maximum = 365)]
    pub default_due_days: Option<i32>,
}

impl ProfileInput {
    /// The profile to store (its logo kept as it is).
    pub fn validate(&self) -> Result<Profile, ApiError> {
        let mut p = Problems::default();
        let business_name = p.required("businessName", &self.business_name, 200);
        let address = p.optional("address", self.address.as_deref(), 1000);
        let email = p.email("email", self.email.as_deref());
        let phone = p.optional_line("phone", self.phone.as_deref(), 50);
        let tax_id = p.optional_line("taxId", self.tax_id.as_deref(), 50);
        let bank_details = p.optional("bankDetails", self.bank_details.as_deref(), 1000);
        let default_terms = p.optional("defaultTerms", self.default_terms.as_deref(), 2000);
        let default_notes = p.optional("defaultNotes", self.default_notes.as_deref(), 2000);
        let currency = match self.currency.as_deref() {
            None => money::IDR,
            Some(code) => Currency::of(code).unwrap_or_else(|| {
                p.add(
                    "currency",
                    "must be one of IDR, USD, EUR, SGD, MYR, AUD, GBP, JPY",
                );
                money::IDR
            }),
        };
        let number_format = self
            .number_format
            .as_deref()
            .map(str::trim)
            .unwrap_or(DEFAULT_NUMBER_FORMAT)
            .to_owned();
        if let Err(problem) = NumberFormat::parse(&number_format) {
            p.add("numberFormat", problem);
        }
        let default_due_days = self.default_due_days.unwrap_or(14);
        if !(0..=365).contains(&default_due_days) {
            p.add("defaultDueDays", "must be 0 to 365");
        }
        p.finish()?;
        Ok(Profile {
            business_name,
            address,
            email,
            phone,
            tax_id,
            bank_details,
            default_terms,
            default_notes,
            currency: currency.code.to_owned(),
            number_format,
            default_due_days,
            has_logo: false,
            updated_at: None,
        })
    }
}

/// A parsed numbering format.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NumberFormat {
    parts: Vec<Part>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Part {
    Text(String),
    Year4,
    Year2,
    Month,
    Seq(usize),
}

impl NumberFormat {
    /// Parses a format: at most 40 characters, exactly one `{seq}` / `{seq:0N}` (N 1 to 9).
    pub fn parse(format: &str) -> Result<Self, String> {
        if format.is_empty() || format.chars().count() > 40 {
            return Err("must be 1 to 40 characters".into());
        }
        let mut parts = Vec::new();
        let mut rest = format;
        let mut seqs = 0;
        while !rest.is_empty() {
            if let Some(after) = rest.strip_prefix('{') {
                let (token, tail) = after.split_once('}').ok_or("has a { without its }")?;
                parts.push(match token {
                    "YYYY" => Part::Year4,
                    "YY" => Part::Year2,
                    "MM" => Part::Month,
                    "seq" => {
                        seqs += 1;
                        Part::Seq(1)
                    }
                    _ => match token.strip_prefix("seq:0").map(str::parse::<usize>) {
                        Some(Ok(width @ 1..=9)) => {
                            seqs += 1;
                            Part::Seq(width)
                        }
                        _ => {
                            return Err(format!(
                                "has an unknown token {{{token}}} (use {{YYYY}}, {{YY}}, {{MM}}, {{seq}} or {{seq:04}})"
                            ));
                        }
                    },
                });
                rest = tail;
            } else {
                let end = rest.find('{').unwrap_or(rest.len());
                let text = &rest[..end];
                if !text
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || "-_/.#".contains(c))
                {
                    return Err("may hold only letters, digits, - _ / . # and tokens".into());
                }
                parts.push(Part::Text(text.to_owned()));
                rest = &rest[end..];
            }
        }
        if seqs != 1 {
            return Err("must hold exactly one {seq} or {seq:0N}".into());
        }
        Ok(Self { parts })
    }

    fn render(&self, date: NaiveDate, seq: Option<i64>) -> String {
        let mut out = String::new();
        for part in &self.parts {
            match part {
                Part::Text(text) => out.push_str(text),
                Part::Year4 => out.push_str(&format!("{:04}", date.year())),
                Part::Year2 => out.push_str(&format!("{:02}", date.year() % 100)),
                Part::Month => out.push_str(&format!("{:02}", date.month())),
                Part::Seq(width) => match seq {
                    Some(seq) => out.push_str(&format!("{seq:0width$}")),
                    None => out.push_str("{seq}"),
                },
            }
        }
        out
    }

    /// The series an invoice issued on `date` is numbered in: the format with its dates filled
    /// in, so a format with `{YYYY}` starts again at 1 each year.
    pub fn series(&self, date: NaiveDate) -> String {
        self.render(date, None)
    }

    /// The number `seq` in the series of `date`.
    pub fn number(&self, date: NaiveDate, seq: i64) -> String {
        self.render(date, Some(seq))
    }
}

/// A client of the tenant.
#[derive(Debug, Clone, Serialize, sql::FromRow, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Client {
    /// Id.
    pub id: Uuid,
    /// Name (a person or a company).
    pub name: String,
    /// Where invoices are mailed.
    pub email: Option<String>,
    /// Postal address.
    pub address: Option<String>,
    /// Tax id (NPWP).
    pub tax_id: Option<String>,
    /// When added.
    pub created_at: DateTime<Utc>,
    /// When last changed.
    pub updated_at: DateTime<Utc>,
}

/// A client as sent.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(default, rename_all = "camelCase")]
pub struct ClientInput {
    /// 1 to 200 characters, one line, not only spaces; kept trimmed.
    #[schema(schema_with = text::one_line_schema::<200>, required = true)]
    pub name: String,
    /// An e-mail address.
    #[schema(schema_with = optional_email_schema)]
    pub email: Option<String>,
    /// At most 1000 characters, several lines.
    #[schema(schema_with = text::optional_multi_line_schema::<1000>)]
    pub address: Option<String>,
    /// At most 50 characters, one line.
    #[schema(schema_with = text::optional_one_line_schema::<50>)]
    pub tax_id: Option<String>,
}

/// A validated client.
#[derive(Debug, Clone)]
pub struct ClientFields {
    pub name: String,
    pub email: Option<String>,
    pub address: Option<String>,
    pub tax_id: Option<String>,
}

impl ClientInput {
    /// The client to store.
    pub fn validate(&self) -> Result<ClientFields, ApiError> {
        let mut p = Problems::default();
        let fields = ClientFields {
            name: p.required("name", &self.name, 200),
            email: p.email("email", self.email.as_deref()),
            address: p.optional("address", self.address.as_deref(), 1000),
            tax_id: p.optional_line("taxId", self.tax_id.as_deref(), 50),
        };
        p.finish()?;
        Ok(fields)
    }
}

/// An invoice's status.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    /// Being written: no number, editable, deletable.
    Draft,
    /// Issued: numbered, awaiting payment.
    Sent,
    /// Paid.
    Paid,
    /// Issued and past its due date unpaid (set by a scheduled check).
    Overdue,
    /// Cancelled after issue; its number stays used.
    Void,
}

impl Status {
    /// As stored.
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Draft => "draft",
            Status::Sent => "sent",
            Status::Paid => "paid",
            Status::Overdue => "overdue",
            Status::Void => "void",
        }
    }

    /// From what is stored.
    pub fn parse(text: &str) -> Option<Status> {
        Some(match text {
            "draft" => Status::Draft,
            "sent" => Status::Sent,
            "paid" => Status::Paid,
            "overdue" => Status::Overdue,
            "void" => Status::Void,
            _ => return None,
        })
    }

    /// Issued and not settled: may be paid, voided or become overdue.
    pub fn is_open(self) -> bool {
        matches!(self, Status::Sent | Status::Overdue)
    }
}

/// A line as sent.
#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
#[serde(default, rename_all = "camelCase")]
pub struct LineInputBody {
    /// 1 to 500 characters, one line, not only spaces; kept trimmed.
    #[schema(schema_with = text::one_line_schema::<500>, required = true)]
    pub description: String,
    /// A decimal string with at most three decimals (`"1.5"`), or an integer; above 0, at most
    /// a billion.
    #[schema(value_type = Quantity, required = true)]
    pub quantity: Option<Quantity>,
    /// Price per unit in the currency's minor unit (whole rupiah for IDR), 0 to 10^15.
    #[schema(minimum = 0, maximum = 1_000_000_000_000_000_i64)]
    pub unit_price: i64,
    /// Percent off in basis points (1000 = 10%), 0 to 10000.
    #[schema(minimum = 0, maximum = 10_000)]
    pub discount_basis_points: i64,
    /// A fixed amount off in minor units instead (not with `discountBasisPoints`), at most the
    /// line's amount.
    #[schema(minimum = 0)]
    pub discount_amount: Option<i64>,
    /// Tax in basis points (1100 = 11% PPN), 0 to 10000.
    #[schema(minimum = 0, maximum = 10_000)]
    pub tax_basis_points: i64,
}

/// An invoice as sent (to create a draft or replace one).
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(default, rename_all = "camelCase")]
pub struct InvoiceInput {
    /// The client billed, one of the tenant's.
    #[schema(value_type = Uuid, required = true)]
    pub client_id: Option<Uuid>,
    /// The profile's currency when absent.
    #[schema(value_type = Option<CurrencyCode>)]
    pub currency: Option<String>,
    /// `YYYY-MM-DD`; today (UTC) when absent.
    #[schema(schema_with = optional_date_schema)]
    pub issue_date: Option<String>,
    /// `YYYY-MM-DD`, on or after the issue date; the issue date plus the profile's default
    /// days when absent.
    #[schema(schema_with = optional_date_schema)]
    pub due_date: Option<String>,
    /// At most 2000 characters, several lines; the profile's default notes when absent.
    #[schema(schema_with = text::optional_multi_line_schema::<2000>)]
    pub notes: Option<String>,
    /// At most 2000 characters, several lines; the profile's default terms when absent.
    #[schema(schema_with = text::optional_multi_line_schema::<2000>)]
    pub terms: Option<String>,
    /// 1 to 200 lines.
    #[schema(min_items = 1, max_items = 200, required = true)]
    pub lines: Vec<LineInputBody>,
}

/// A priced line.
#[derive(Debug, Clone, Serialize, ToSchema, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct Line {
    /// Its description.
    pub description: String,
    /// Quantity, as a decimal string.
    pub quantity: Quantity,
    /// Price per unit.
    pub unit_price: i64,
    /// Percent off in basis points.
    pub discount_basis_points: i64,
    /// A fixed amount off, when it has one instead.
    pub discount_amount: Option<i64>,
    /// Tax in basis points.
    pub tax_basis_points: i64,
    /// The computed figures.
    #[serde(flatten)]
    pub figures: LineFigures,
}

/// A validated draft: what is stored.
#[derive(Debug, Clone)]
pub struct Draft {
    pub client_id: Uuid,
    pub currency: Currency,
    pub issue_date: NaiveDate,
    pub due_date: NaiveDate,
    pub notes: Option<String>,
    pub terms: Option<String>,
    pub lines: Vec<Line>,
    pub totals: Totals,
}

impl InvoiceInput {
    /// The draft to store, its defaults from `profile`; `today` is the default issue date.
    pub fn validate(&self, profile: &Profile, today: NaiveDate) -> Result<Draft, ApiError> {
        let mut p = Problems::default();
        let client_id = self.client_id.unwrap_or_else(|| {
            p.add("clientId", "is required");
            Uuid::nil()
        });
        let currency = match self.currency.as_deref() {
            None => profile.currency(),
            Some(code) => Currency::of(code).unwrap_or_else(|| {
                p.add(
                    "currency",
                    "must be one of IDR, USD, EUR, SGD, MYR, AUD, GBP, JPY",
                );
                money::IDR
            }),
        };
        let issue_date = match self.issue_date.as_deref() {
            None => today,
            Some(text) => parse_date(text).unwrap_or_else(|| {
                p.add("issueDate", "must be a date, YYYY-MM-DD");
                today
            }),
        };
        let due_date = match self.due_date.as_deref() {
            None => issue_date + chrono::Days::new(profile.default_due_days.max(0) as u64),
            Some(text) => match parse_date(text) {
                Some(due) if due >= issue_date => due,
                Some(_) => {
                    p.add("dueDate", "must not be before the issue date");
                    issue_date
                }
                None => {
                    p.add("dueDate", "must be a date, YYYY-MM-DD");
                    issue_date
                }
            },
        };
        let notes = match &self.notes {
            Some(notes) => p.optional("notes", Some(notes), 2000),
            None => profile.default_notes.clone(),
        };
        let terms = match &self.terms {
            Some(terms) => p.optional("terms", Some(terms), 2000),
            None => profile.default_terms.clone(),
        };
        if self.lines.is_empty() || self.lines.len() > MAX_LINES {
            p.add("lines", format!("must hold 1 to {MAX_LINES} lines"));
        }
        let mut lines = Vec::with_capacity(self.lines.len());
        for (i, line) in self.lines.iter().enumerate() {
            let field = |name: &str| format!("lines[{i}].{name}");
            let description = p.required(&field("description"), &line.description, 500);
            let quantity = line.quantity.unwrap_or_else(|| {
                p.add(field("quantity"), "is required");
                Quantity(1000)
            });
            if !(0..=MAX_AMOUNT).contains(&line.unit_price) {
                p.add(field("unitPrice"), "must be 0 to 10^15 minor units");
            }
            if !(0..=money::FULL_RATE).contains(&line.discount_basis_points) {
                p.add(field("discountBasisPoints"), "must be 0 to 10000");
            }
            if !(0..=money::FULL_RATE).contains(&line.tax_basis_points) {
                p.add(field("taxBasisPoints"), "must be 0 to 10000");
            }
            if let Some(fixed) = line.discount_amount {
                if fixed < 0 {
                    p.add(field("discountAmount"), "must not be negative");
                }
                if line.discount_basis_points != 0 {
                    p.add(
                        field("discountAmount"),
                        "give a discount as basis points or as an amount, not both",
                    );
                }
            }
            let input = LineInput {
                quantity_milli: quantity.0,
                unit_price: line.unit_price.clamp(0, MAX_AMOUNT),
                discount_bp: line.discount_basis_points.clamp(0, money::FULL_RATE),
                discount_amount: line.discount_amount.map(|d| d.max(0)),
                tax_bp: line.tax_basis_points.clamp(0, money::FULL_RATE),
            };
            let figures = match money::price_line(&input) {
                Ok(figures) => figures,
                Err(LineError::TooLarge) => {
                    p.add(field("unitPrice"), "makes the line larger than 10^15");
                    LineFigures::default()
                }
                Err(LineError::DiscountAboveAmount) => {
                    p.add(
                        field("discountAmount"),
                        "must not be more than the line's amount",
                    );
                    LineFigures::default()
                }
            };
            lines.push(Line {
                description,
                quantity,
                unit_price: input.unit_price,
                discount_basis_points: if input.discount_amount.is_some() {
                    0
                } else {
                    input.discount_bp
                },
                discount_amount: input.discount_amount,
                tax_basis_points: input.tax_bp,
                figures,
            });
        }
        let figures: Vec<LineFigures> = lines.iter().map(|l| l.figures).collect();
        let totals = money::sum(&figures).unwrap_or_else(|| {
            p.add("lines", "add up to more than 10^15");
            Totals::default()
        });
        p.finish()?;
        Ok(Draft {
            client_id,
            currency,
            issue_date,
            due_date,
            notes,
            terms,
            lines,
            totals,
        })
    }
}

/// The client as the invoice names them (copied from the client when saved and issued, so a
/// later change to the client does not rewrite an issued invoice).
#[derive(Debug, Clone, Serialize, ToSchema, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct BilledTo {
    pub name: String,
    pub email: Option<String>,
    pub address: Option<String>,
    pub tax_id: Option<String>,
}

/// An invoice in a list.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct InvoiceSummary {
    /// Id.
    pub id: Uuid,
    /// Its number once issued; null on a draft.
    pub number: Option<String>,
    /// Status.
    pub status: Status,
    /// The client billed.
    pub client_id: Uuid,
    /// Their name.
    pub client_name: String,
    /// ISO 4217.
    pub currency: String,
    /// `YYYY-MM-DD`.
    pub issue_date: String,
    /// `YYYY-MM-DD`.
    pub due_date: String,
    /// The figures, in minor units.
    pub totals: Totals,
    /// The total written the currency's way (`Rp 1.250.000`).
    pub total_formatted: String,
    /// When created.
    pub created_at: DateTime<Utc>,
}

/// An invoice with its lines.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Invoice {
    /// The list's fields.
    #[serde(flatten)]
    pub summary: InvoiceSummary,
    /// The client as billed.
    pub billed_to: BilledTo,
    /// Notes.
    pub notes: Option<String>,
    /// Payment terms.
    pub terms: Option<String>,
    /// Its lines, in order.
    pub lines: Vec<Line>,
    /// The client's link (`/api/apps/invoice-generator/public/invoices/{token}`) while it has
    /// one.
    pub public_path: Option<String>,
    /// Whether a PDF was generated (`GET /invoices/{id}/pdf`).
    pub has_pdf: bool,
    /// When last changed.
    pub updated_at: DateTime<Utc>,
    /// When issued.
    pub issued_at: Option<DateTime<Utc>>,
    /// When marked paid.
    pub paid_at: Option<DateTime<Utc>>,
    /// When voided.
    pub voided_at: Option<DateTime<Utc>>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbering_formats_render_and_name_their_series() {
        let date = NaiveDate::from_ymd_opt(2026, 3, 9).unwrap();
        let format = NumberFormat::parse(DEFAULT_NUMBER_FORMAT).unwrap();
        assert_eq!(format.number(date, 7), "INV-2026-0007");
        assert_eq!(format.number(date, 12_345), "INV-2026-12345");
        assert_eq!(format.series(date), "INV-2026-{seq}");
        let monthly = NumberFormat::parse("{YY}{MM}/{seq:03}").unwrap();
        assert_eq!(monthly.number(date, 1), "2603/001");
        assert_eq!(
            NumberFormat::parse("#{seq}").unwrap().number(date, 42),
            "#42"
        );
        for bad in [
            "",
            "INV",
            "{seq}{seq}",
            "INV-{YYYY",
            "INV {seq}",
            "{seq:00}",
            "{seq:010}",
            "{DD}-{seq}",
        ] {
            assert!(NumberFormat::parse(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn addresses_that_a_mail_server_takes() {
        assert!(looks_like_email("budi@example.co.id"));
        for bad in [
            "budi", "budi@", "@x.id", "a b@x.id", "a@b", "a@@b.id", "a@b.id>",
        ] {
            assert!(!looks_like_email(bad), "{bad}");
        }
    }

    #[test]
    fn the_schema_accepts_the_addresses_the_check_accepts() {
        let pattern = regex::Regex::new(&email_pattern()).unwrap();
        let edges = ['a', '@', '.', ' ', '\u{a0}', '\t', '<', '\u{202e}', 'é'];
        let mut corpus = lumiku_plugin::text::strings_of(&edges, 5);
        corpus.extend([
            "budi@example.co.id".into(),
            " a@b.c ".into(),
            "a@b..c".into(),
        ]);
        for address in corpus {
            let mut p = Problems::default();
            p.email("email", Some(&address));
            let valid = pattern.is_match(&address) && address.chars().count() <= EMAIL_MAX;
            assert_eq!(valid, p.finish().is_ok(), "{address:?}");
        }
    }

    #[test]
    fn dates_are_ten_characters_of_the_third_millennium() {
        let pattern = regex::Regex::new(DATE_PATTERN).unwrap();
        for (text, ok) in [
            ("2024-02-29", true),
            ("2023-02-29", false),
            ("1999-12-31", false),
            ("2024-1-05", false),
            (" 2024-01-05", false),
            ("+2024-01-05", false),
            ("2999-12-31", true),
        ] {
            assert_eq!(parse_date(text).is_some(), ok, "{text}");
            if ok {
                assert!(pattern.is_match(text), "{text}");
            }
        }
    }
}
