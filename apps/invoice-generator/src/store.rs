//! The app's queries. Every one filters on the tenant; on PostgreSQL row-level security holds the
//! same line.

use chrono::{DateTime, NaiveDate, SubsecRound, Utc};
use lumiku_plugin::ApiError;
use lumiku_plugin::sql::{self, Tx, new_id};
use uuid::Uuid;

use crate::model::{
    BilledTo, Client, ClientFields, Draft, Invoice, InvoiceSummary, Line, NumberFormat, Profile,
    Status,
};
use crate::money::{Currency, LineFigures, Quantity, Totals};

/// Items per page when the caller names no size.
pub const PAGE_DEFAULT: u32 = 50;
/// The largest page a caller may ask for.
pub const PAGE_MAX: u32 = 200;

fn db(error: sql::Error) -> ApiError {
    ApiError::internal(error)
}

/// Now, to the microsecond both backends store.
pub fn now() -> DateTime<Utc> {
    Utc::now().trunc_subsecs(6)
}

// ---------------------------------------------------------------------------------------------
// The profile

#[derive(sql::FromRow)]
struct ProfileRow {
    business_name: String,
    address: Option<String>,
    email: Option<String>,
    phone: Option<String>,
    tax_id: Option<String>,
    bank_details: Option<String>,
    default_terms: Option<String>,
    default_notes: Option<String>,
    currency: String,
    number_format: String,
    default_due_days: i32,
    logo_blob_id: Option<Uuid>,
    updated_at: DateTime<Utc>,
}

/// The tenant's profile (an empty one until saved) and its logo's blob id.
pub async fn profile(tx: &mut Tx, tenant_id: Uuid) -> Result<(Profile, Option<Uuid>), ApiError> {
    let row = sql::query_as::<ProfileRow>(concat!(
        "select business_name, address, email, phone, tax_id, bank_details, default_terms, ",
        "default_notes, currency, number_format, default_due_days, logo_blob_id, updated_at ",
        "from invoice_generator_profiles where tenant_id = $1"
    ))
    .bind(tenant_id)
    .fetch_optional(&mut *tx)
    .await
    .map_err(db)?;
    let Some(row) = row else {
        return Ok((Profile::empty(), None));
    };
    Ok((
        Profile {
            business_name: row.business_name,
            address: row.address,
            email: row.email,
            phone: row.phone,
            tax_id: row.tax_id,
            bank_details: row.bank_details,
            default_terms: row.default_terms,
            default_notes: row.default_notes,
            currency: row.currency,
            number_format: row.number_format,
            default_due_days: row.default_due_days,
            has_logo: row.logo_blob_id.is_some(),
            updated_at: Some(row.updated_at),
        },
        row.logo_blob_id,
    ))
}

/// Saves the profile's fields (not its logo).
pub async fn save_profile(tx: &mut Tx, tenant_id: Uuid, p: &Profile) -> Result<(), ApiError> {
    sql::query(
        "insert into invoice_generator_profiles (tenant_id, business_name, address, email, phone, \
         tax_id, bank_details, default_terms, default_notes, currency, number_format, \
         default_due_days, updated_at) values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) \
         on conflict (tenant_id) do update set business_name = excluded.business_name, \
         address = excluded.address, email = excluded.email, phone = excluded.phone, \
         tax_id = excluded.tax_id, bank_details = excluded.bank_details, \
         default_terms = excluded.default_terms, default_notes = excluded.default_notes, \
         currency = excluded.currency, number_format = excluded.number_format, \
         default_due_days = excluded.default_due_days, updated_at = excluded.updated_at",
    )
    .bind(tenant_id)
    .bind(&p.business_name)
    .bind(&p.address)
    .bind(&p.email)
    .bind(&p.phone)
    .bind(&p.tax_id)
    .bind(&p.bank_details)
    .bind(&p.default_terms)
    .bind(&p.default_notes)
    .bind(&p.currency)
    .bind(&p.number_format)
    .bind(p.default_due_days)
    .bind(now())
    .execute(&mut *tx)
    .await
    .map_err(db)?;
    Ok(())
}

/// Sets (or clears) the logo; answers the blob it replaced.
pub async fn set_logo(
    tx: &mut Tx,
    tenant_id: Uuid,
    logo: Option<Uuid>,
) -> Result<Option<Uuid>, ApiError> {
    let (profile, old) = profile(tx, tenant_id).await?;
    if profile.updated_at.is_none() {
        save_profile(tx, tenant_id, &profile).await?;
    }
    sql::query(
        "update invoice_generator_profiles set logo_blob_id = $2, updated_at = $3 \
         where tenant_id = $1",
    )
    .bind(tenant_id)
    .bind(logo)
    .bind(now())
    .execute(&mut *tx)
    .await
    .map_err(db)?;
    Ok(old)
}

// ---------------------------------------------------------------------------------------------
// Clients

/// A page of clients by name, optionally those whose name or e-mail contains `search`.
pub async fn list_clients(
    tx: &mut Tx,
    tenant_id: Uuid,
    search: Option<&str>,
    limit: u32,
) -> Result<Vec<Client>, ApiError> {
    let pattern = search
        .map(|s| format!("%{}%", s.trim().to_lowercase().replace(['%', '_'], "")))
        .unwrap_or_else(|| "%".into());
    sql::query_as::<Client>(concat!(
        "select id, name, email, address, tax_id, created_at, updated_at from invoice_generator_clients ",
        "where tenant_id = $1 and (lower(name) like $2 or lower(coalesce(email, '')) like $2) ",
        "order by lower(name), id limit $3"
    ))
    .bind(tenant_id)
    .bind(pattern)
    .bind(i64::from(limit.clamp(1, PAGE_MAX)))
    .fetch_all(&mut *tx)
    .await
    .map_err(db)
}

/// One client; 404 for any other id, another tenant's included.
pub async fn client(tx: &mut Tx, tenant_id: Uuid, id: Uuid) -> Result<Client, ApiError> {
    sql::query_as::<Client>(concat!(
        "select id, name, email, address, tax_id, created_at, updated_at ",
        "from invoice_generator_clients where tenant_id = $1 and id = $2"
    ))
    .bind(tenant_id)
    .bind(id)
    .fetch_optional(&mut *tx)
    .await
    .map_err(db)?
    .ok_or_else(|| ApiError::not_found("client not found"))
}

/// Adds a client.
pub async fn insert_client(
    tx: &mut Tx,
    tenant_id: Uuid,
    user_id: Uuid,
    fields: &ClientFields,
) -> Result<Client, ApiError> {
    let at = now();
    let client = Client {
        id: new_id(),
        name: fields.name.clone(),
        email: fields.email.clone(),
        address: fields.address.clone(),
        tax_id: fields.tax_id.clone(),
        created_at: at,
        updated_at: at,
    };
    sql::query(
        "insert into invoice_generator_clients (id, tenant_id, name, email, address, tax_id, \
         created_by, created_at, updated_at) values ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
    )
    .bind(client.id)
    .bind(tenant_id)
    .bind(&client.name)
    .bind(&client.email)
    .bind(&client.address)
    .bind(&client.tax_id)
    .bind(user_id)
    .bind(at)
    .bind(at)
    .execute(&mut *tx)
    .await
    .map_err(db)?;
    Ok(client)
}

/// Changes a client; drafts billing them follow, issued invoices keep what they were issued to.
pub async fn update_client(
    tx: &mut Tx,
    tenant_id: Uuid,
    id: Uuid,
    fields: &ClientFields,
) -> Result<Client, ApiError> {
    let changed = sql::query(
        "update invoice_generator_clients set name = $3, email = $4, address = $5, tax_id = $6, \
         updated_at = $7 where tenant_id = $1 and id = $2",
    )
    .bind(tenant_id)
    .bind(id)
    .bind(&fields.name)
    .bind(&fields.email)
    .bind(&fields.address)
    .bind(&fields.tax_id)
    .bind(now())
    .execute(&mut *tx)
    .await
    .map_err(db)?;
    if changed.rows_affected() == 0 {
        return Err(ApiError::not_found("client not found"));
    }
    sql::query(
        "update invoice_generator_invoices set client_name = $3, client_email = $4, \
         client_address = $5, client_tax_id = $6 \
         where tenant_id = $1 and client_id = $2 and status = 'draft'",
    )
    .bind(tenant_id)
    .bind(id)
    .bind(&fields.name)
    .bind(&fields.email)
    .bind(&fields.address)
    .bind(&fields.tax_id)
    .execute(&mut *tx)
    .await
    .map_err(db)?;
    client(tx, tenant_id, id).await
}

/// Deletes a client who has no invoices (409 `client_has_invoices` otherwise).
pub async fn delete_client(tx: &mut Tx, tenant_id: Uuid, id: Uuid) -> Result<(), ApiError> {
    client(tx, tenant_id, id).await?;
    let invoices: i64 = sql::query_scalar(
        "select count(*) from invoice_generator_invoices where tenant_id = $1 and client_id = $2",
    )
    .bind(tenant_id)
    .bind(id)
    .fetch_one(&mut *tx)
    .await
    .map_err(db)?;
    if invoices > 0 {
        return Err(ApiError::conflict(
            "client_has_invoices",
            "This client has invoices: delete or keep them, the client stays",
        ));
    }
    sql::query("delete from invoice_generator_clients where tenant_id = $1 and id = $2")
        .bind(tenant_id)
        .bind(id)
        .execute(&mut *tx)
        .await
        .map_err(db)?;
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// Invoices

/// Which invoices a list holds.
#[derive(Debug, Default, Clone)]
pub struct InvoiceFilter {
    pub status: Option<Status>,
    pub client_id: Option<Uuid>,
    /// Issue dates from (inclusive).
    pub from: Option<NaiveDate>,
    /// Issue dates to (inclusive).
    pub to: Option<NaiveDate>,
    pub before: Option<Uuid>,
    pub limit: u32,
}

#[derive(sql::FromRow)]
struct SummaryRow {
    id: Uuid,
    number: Option<String>,
    status: String,
    client_id: Uuid,
    client_name: String,
    currency: String,
    issue_date: String,
    due_date: String,
    subtotal: i64,
    discount: i64,
    tax: i64,
    total: i64,
    created_at: DateTime<Utc>,
}

impl SummaryRow {
    fn summary(self) -> InvoiceSummary {
        let currency = Currency::of(&self.currency).unwrap_or(crate::money::IDR);
        InvoiceSummary {
            id: self.id,
            number: self.number,
            status: Status::parse(&self.status).unwrap_or(Status::Draft),
            client_id: self.client_id,
            client_name: self.client_name,
            total_formatted: currency.format(self.total),
            currency: self.currency,
            issue_date: self.issue_date,
            due_date: self.due_date,
            totals: Totals {
                subtotal: self.subtotal,
                discount: self.discount,
                tax: self.tax,
                total: self.total,
            },
            created_at: self.created_at,
        }
    }
}

/// A page of invoices, newest first, and the cursor of the next.
pub async fn list_invoices(
    tx: &mut Tx,
    tenant_id: Uuid,
    filter: &InvoiceFilter,
) -> Result<(Vec<InvoiceSummary>, Option<Uuid>), ApiError> {
    let limit = filter.limit.clamp(1, PAGE_MAX) as usize;
    // Absent filters bind values every row passes: one statement, one plan.
    let mut rows = sql::query_as::<SummaryRow>(concat!(
        "select id, number, status, client_id, client_name, currency, issue_date, due_date, ",
        "subtotal, discount, tax, total, created_at from invoice_generator_invoices ",
        "where tenant_id = $1 and id < $2 and ($3 = '' or status = $3) ",
        "and ($4 = 0 or client_id = $5) and issue_date >= $6 and issue_date <= $7 ",
        "order by id desc limit $8"
    ))
    .bind(tenant_id)
    .bind(filter.before.unwrap_or(Uuid::max()))
    .bind(filter.status.map(Status::as_str).unwrap_or(""))
    .bind(i64::from(filter.client_id.is_some()))
    .bind(filter.client_id.unwrap_or(Uuid::nil()))
    .bind(filter.from.map(|d| d.to_string()).unwrap_or_default())
    .bind(
        filter
            .to
            .map(|d| d.to_string())
            .unwrap_or_else(|| "9999-12-31".into()),
    )
    .bind(limit as i64 + 1)
    .fetch_all(&mut *tx)
    .await
    .map_err(db)?;
    let next = if rows.len() > limit {
        rows.truncate(limit);
        rows.last().map(|r| r.id)
    } else {
        None
    };
    Ok((rows.into_iter().map(SummaryRow::summary).collect(), next))
}

#[derive(sql::FromRow)]
struct DetailRow {
    client_email: Option<String>,
    client_address: Option<String>,
    client_tax_id: Option<String>,
    notes: Option<String>,
    terms: Option<String>,
    public_token: Option<String>,
    pdf_blob_id: Option<Uuid>,
    seller: Option<String>,
    updated_at: DateTime<Utc>,
    issued_at: Option<DateTime<Utc>>,
    paid_at: Option<DateTime<Utc>>,
    voided_at: Option<DateTime<Utc>>,
}

#[derive(sql::FromRow)]
struct LineRow {
    description: String,
    quantity_milli: i64,
    unit_price: i64,
    discount_bp: i64,
    discount_amount: Option<i64>,
    tax_bp: i64,
    amount: i64,
    discount: i64,
    tax: i64,
    total: i64,
}

/// An invoice as stored, with what the app keeps beside the answer.
#[derive(Debug, Clone)]
pub struct Stored {
    pub invoice: Invoice,
    pub public_token: Option<String>,
    pub pdf_blob_id: Option<Uuid>,
    /// The profile as it was when issued (JSON); none on a draft.
    pub seller: Option<Profile>,
}

/// The public path of an invoice link.
pub fn public_path(token: &str) -> String {
    format!("{}/public/invoices/{token}", crate::MANIFEST.route_prefix)
}

/// One invoice with its lines; 404 for any other id, another tenant's included.
pub async fn invoice(tx: &mut Tx, tenant_id: Uuid, id: Uuid) -> Result<Stored, ApiError> {
    let summary = sql::query_as::<SummaryRow>(concat!(
        "select id, number, status, client_id, client_name, currency, issue_date, due_date, ",
        "subtotal, discount, tax, total, created_at from invoice_generator_invoices ",
        "where tenant_id = $1 and id = $2"
    ))
    .bind(tenant_id)
    .bind(id)
    .fetch_optional(&mut *tx)
    .await
    .map_err(db)?
    .ok_or_else(|| ApiError::not_found("invoice not found"))?
    .summary();
    let detail = sql::query_as::<DetailRow>(concat!(
        "select client_email, client_address, client_tax_id, notes, terms, public_token, ",
        "pdf_blob_id, seller, updated_at, issued_at, paid_at, voided_at ",
        "from invoice_generator_invoices where tenant_id = $1 and id = $2"
    ))
    .bind(tenant_id)
    .bind(id)
    .fetch_one(&mut *tx)
    .await
    .map_err(db)?;
    let lines = sql::query_as::<LineRow>(concat!(
        "select description, quantity_milli, unit_price, discount_bp, discount_amount, tax_bp, ",
        "amount, discount, tax, total from invoice_generator_lines ",
        "where tenant_id = $1 and invoice_id = $2 order by position"
    ))
    .bind(tenant_id)
    .bind(id)
    .fetch_all(&mut *tx)
    .await
    .map_err(db)?
    .into_iter()
    .map(|l| Line {
        description: l.description,
        quantity: Quantity(l.quantity_milli),
        unit_price: l.unit_price,
        discount_basis_points: l.discount_bp,
        discount_amount: l.discount_amount,
        tax_basis_points: l.tax_bp,
        figures: LineFigures {
            amount: l.amount,
            discount: l.discount,
            tax: l.tax,
            total: l.total,
        },
    })
    .collect();
    let seller = detail
        .seller
        .as_deref()
        .and_then(|s| serde_json::from_str(s).ok());
    Ok(Stored {
        invoice: Invoice {
            billed_to: BilledTo {
                name: summary.client_name.clone(),
                email: detail.client_email,
                address: detail.client_address,
                tax_id: detail.client_tax_id,
            },
            summary,
            notes: detail.notes,
            terms: detail.terms,
            lines,
            public_path: detail.public_token.as_deref().map(public_path),
            has_pdf: detail.pdf_blob_id.is_some(),
            updated_at: detail.updated_at,
            issued_at: detail.issued_at,
            paid_at: detail.paid_at,
            voided_at: detail.voided_at,
        },
        public_token: detail.public_token,
        pdf_blob_id: detail.pdf_blob_id,
        seller,
    })
}

async fn insert_lines(
    tx: &mut Tx,
    tenant_id: Uuid,
    invoice_id: Uuid,
    lines: &[Line],
) -> Result<(), ApiError> {
    for (position, line) in lines.iter().enumerate() {
        sql::query(
            "insert into invoice_generator_lines (id, tenant_id, invoice_id, position, description, \
             quantity_milli, unit_price, discount_bp, discount_amount, tax_bp, amount, discount, \
             tax, total) values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)",
        )
        .bind(new_id())
        .bind(tenant_id)
        .bind(invoice_id)
        .bind(position as i64)
        .bind(&line.description)
        .bind(line.quantity.0)
        .bind(line.unit_price)
        .bind(line.discount_basis_points)
        .bind(line.discount_amount)
        .bind(line.tax_basis_points)
        .bind(line.figures.amount)
        .bind(line.figures.discount)
        .bind(line.figures.tax)
        .bind(line.figures.total)
        .execute(&mut *tx)
        .await
        .map_err(db)?;
    }
    Ok(())
}

/// Adds a draft billing `client`.
pub async fn insert_draft(
    tx: &mut Tx,
    tenant_id: Uuid,
    user_id: Uuid,
    client: &Client,
    draft: &Draft,
) -> Result<Uuid, ApiError> {
    let id = new_id();
    let at = now();
    sql::query(
        "insert into invoice_generator_invoices (id, tenant_id, client_id, number, status, currency, \
         issue_date, due_date, notes, terms, client_name, client_email, client_address, \
         client_tax_id, subtotal, discount, tax, total, created_by, created_at, updated_at) \
         values ($1, $2, $3, null, 'draft', $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, \
         $16, $17, $18, $18)",
    )
    .bind(id)
    .bind(tenant_id)
    .bind(client.id)
    .bind(draft.currency.code)
    .bind(draft.issue_date.to_string())
    .bind(draft.due_date.to_string())
    .bind(&draft.notes)
    .bind(&draft.terms)
    .bind(&client.name)
    .bind(&client.email)
    .bind(&client.address)
    .bind(&client.tax_id)
    .bind(draft.totals.subtotal)
    .bind(draft.totals.discount)
    .bind(draft.totals.tax)
    .bind(draft.totals.total)
    .bind(user_id)
    .bind(at)
    .execute(&mut *tx)
    .await
    .map_err(db)?;
    insert_lines(tx, tenant_id, id, &draft.lines).await?;
    Ok(id)
}

fn not_draft() -> ApiError {
    ApiError::conflict(
        "invoice_not_draft",
        "An issued invoice cannot be changed, deleted or issued again: void it instead",
    )
}

/// 409 `invoice_not_draft` unless the invoice is a draft.
fn require_draft(stored: &Stored) -> Result<(), ApiError> {
    if stored.invoice.summary.status == Status::Draft {
        Ok(())
    } else {
        Err(not_draft())
    }
}

/// Replaces a draft's fields and lines; its old PDF goes (answered, for the caller to remove).
pub async fn update_draft(
    tx: &mut Tx,
    tenant_id: Uuid,
    id: Uuid,
    client: &Client,
    draft: &Draft,
) -> Result<Option<Uuid>, ApiError> {
    let stored = invoice(tx, tenant_id, id).await?;
    require_draft(&stored)?;
    let replaced = sql::query(
        "update invoice_generator_invoices set client_id = $3, currency = $4, issue_date = $5, \
         due_date = $6, notes = $7, terms = $8, client_name = $9, client_email = $10, \
         client_address = $11, client_tax_id = $12, subtotal = $13, discount = $14, tax = $15, \
         total = $16, pdf_blob_id = null, updated_at = $17 \
         where tenant_id = $1 and id = $2 and status = 'draft'",
    )
    .bind(tenant_id)
    .bind(id)
    .bind(client.id)
    .bind(draft.currency.code)
    .bind(draft.issue_date.to_string())
    .bind(draft.due_date.to_string())
    .bind(&draft.notes)
    .bind(&draft.terms)
    .bind(&client.name)
    .bind(&client.email)
    .bind(&client.address)
    .bind(&client.tax_id)
    .bind(draft.totals.subtotal)
    .bind(draft.totals.discount)
    .bind(draft.totals.tax)
    .bind(draft.totals.total)
    .bind(now())
    .execute(&mut *tx)
    .await
    .map_err(db)?;
    if replaced.rows_affected() == 0 {
        // Issued by a concurrent request since it was read.
        return Err(not_draft());
    }
    sql::query("delete from invoice_generator_lines where tenant_id = $1 and invoice_id = $2")
        .bind(tenant_id)
        .bind(id)
        .execute(&mut *tx)
        .await
        .map_err(db)?;
    insert_lines(tx, tenant_id, id, &draft.lines).await?;
    Ok(stored.pdf_blob_id)
}

/// Deletes a draft; answers its PDF's blob, for the caller to remove.
pub async fn delete_draft(
    tx: &mut Tx,
    tenant_id: Uuid,
    id: Uuid,
) -> Result<Option<Uuid>, ApiError> {
    let stored = invoice(tx, tenant_id, id).await?;
    require_draft(&stored)?;
    // Claims the row first: a concurrent issue either went before (nothing to delete here) or
    // waits for this to commit and finds no draft.
    let claimed = sql::query(
        "update invoice_generator_invoices set updated_at = $3 \
         where tenant_id = $1 and id = $2 and status = 'draft'",
    )
    .bind(tenant_id)
    .bind(id)
    .bind(now())
    .execute(&mut *tx)
    .await
    .map_err(db)?;
    if claimed.rows_affected() == 0 {
        return Err(not_draft());
    }
    for statement in [
        "delete from invoice_generator_deliveries where tenant_id = $1 and invoice_id = $2",
        "delete from invoice_generator_lines where tenant_id = $1 and invoice_id = $2",
    ] {
        sql::query(statement)
            .bind(tenant_id)
            .bind(id)
            .execute(&mut *tx)
            .await
            .map_err(db)?;
    }
    sql::query("delete from invoice_generator_invoices where tenant_id = $1 and id = $2")
        .bind(tenant_id)
        .bind(id)
        .execute(&mut *tx)
        .await
        .map_err(db)?;
    Ok(stored.pdf_blob_id)
}

/// The next number of `series`, taken on the transaction: a rolled-back issue gives it back, so
/// the numbers of a series have no gaps. Concurrent issues wait on the counter's row.
async fn next_seq(tx: &mut Tx, tenant_id: Uuid, series: &str) -> Result<i64, ApiError> {
    sql::query_scalar(
        "insert into invoice_generator_counters (tenant_id, series, last_seq) values ($1, $2, 1) \
         on conflict (tenant_id, series) do update \
         set last_seq = invoice_generator_counters.last_seq + 1 returning last_seq",
    )
    .bind(tenant_id)
    .bind(series)
    .fetch_one(&mut *tx)
    .await
    .map_err(db)
}

/// Issues a draft: its number, its status `sent`, the client and the seller as they are now.
/// Answers the invoice and its old PDF's blob (a draft's, for the caller to remove).
pub async fn issue(
    tx: &mut Tx,
    tenant_id: Uuid,
    id: Uuid,
) -> Result<(Stored, Option<Uuid>), ApiError> {
    let stored = invoice(tx, tenant_id, id).await?;
    require_draft(&stored)?;
    // Claim the draft before taking a number: a concurrent issue of the same invoice waits on
    // this row (PostgreSQL) or the writer (SQLite), then finds it issued and takes no number.
    let at = now();
    let claimed = sql::query(
        "update invoice_generator_invoices set status = 'sent', issued_at = $3, updated_at = $3 \
         where tenant_id = $1 and id = $2 and status = 'draft'",
    )
    .bind(tenant_id)
    .bind(id)
    .bind(at)
    .execute(&mut *tx)
    .await
    .map_err(db)?;
    if claimed.rows_affected() == 0 {
        return Err(not_draft());
    }
    let (profile, _) = profile(tx, tenant_id).await?;
    if profile.business_name.is_empty() {
        return Err(ApiError::conflict(
            "profile_incomplete",
            "Set your business name in the profile before issuing invoices",
        ));
    }
    let client = client(tx, tenant_id, stored.invoice.summary.client_id).await?;
    let format = NumberFormat::parse(&profile.number_format)
        .map_err(|e| ApiError::internal(std::io::Error::other(e)))?;
    let date = crate::model::parse_date(&stored.invoice.summary.issue_date)
        .ok_or_else(|| ApiError::internal(std::io::Error::other("a stored date is not one")))?;
    let seq = next_seq(tx, tenant_id, &format.series(date)).await?;
    let number = format.number(date, seq);
    let seller = serde_json::to_string(&profile).map_err(ApiError::internal)?;
    let issued = sql::query(
        "update invoice_generator_invoices set number = $3, status = 'sent', seller = $4, \
         client_name = $5, client_email = $6, client_address = $7, client_tax_id = $8, \
         pdf_blob_id = null, issued_at = $9, updated_at = $9 where tenant_id = $1 and id = $2",
    )
    .bind(tenant_id)
    .bind(id)
    .bind(&number)
    .bind(seller)
    .bind(&client.name)
    .bind(&client.email)
    .bind(&client.address)
    .bind(&client.tax_id)
    .bind(at)
    .execute(&mut *tx)
    .await;
    match issued {
        Ok(_) => {}
        Err(e) if sql::is_unique_violation(&e) => {
            return Err(ApiError::conflict(
                "number_taken",
                format!(
                    "The number {number} is already used: change the numbering format in the profile"
                ),
            ));
        }
        Err(e) => return Err(db(e)),
    }
    Ok((invoice(tx, tenant_id, id).await?, stored.pdf_blob_id))
}

/// Moves an open invoice to `to` (paid or void); 409 `invalid_transition` from any other state.
pub async fn settle(
    tx: &mut Tx,
    tenant_id: Uuid,
    id: Uuid,
    to: Status,
) -> Result<Stored, ApiError> {
    let stored = invoice(tx, tenant_id, id).await?;
    let from = stored.invoice.summary.status;
    if !from.is_open() {
        return Err(ApiError::conflict(
            "invalid_transition",
            format!(
                "A {} invoice cannot become {}: only sent and overdue invoices can",
                from.as_str(),
                to.as_str()
            ),
        ));
    }
    let at = now();
    let statement = match to {
        Status::Paid => {
            "update invoice_generator_invoices set status = 'paid', paid_at = $3, updated_at = $3 \
             where tenant_id = $1 and id = $2 and status in ('sent', 'overdue')"
        }
        _ => {
            "update invoice_generator_invoices set status = 'void', voided_at = $3, \
             public_token = null, updated_at = $3 \
             where tenant_id = $1 and id = $2 and status in ('sent', 'overdue')"
        }
    };
    let changed = sql::query(statement)
        .bind(tenant_id)
        .bind(id)
        .bind(at)
        .execute(&mut *tx)
        .await
        .map_err(db)?;
    if changed.rows_affected() == 0 {
        // Settled by a concurrent request since it was read: answer as if it came after.
        return Box::pin(settle(tx, tenant_id, id, to)).await;
    }
    invoice(tx, tenant_id, id).await
}

/// Marks the invoice overdue if it is still `sent` and due before `today`; answers whether it
/// did.
pub async fn mark_overdue(
    tx: &mut Tx,
    tenant_id: Uuid,
    id: Uuid,
    today: NaiveDate,
) -> Result<bool, ApiError> {
    let changed = sql::query(
        "update invoice_generator_invoices set status = 'overdue', updated_at = $4 \
         where tenant_id = $1 and id = $2 and status = 'sent' and due_date < $3",
    )
    .bind(tenant_id)
    .bind(id)
    .bind(today.to_string())
    .bind(now())
    .execute(&mut *tx)
    .await
    .map_err(db)?;
    Ok(changed.rows_affected() == 1)
}

/// Sets (or clears) the invoice's public token.
pub async fn set_token(
    tx: &mut Tx,
    tenant_id: Uuid,
    id: Uuid,
    token: Option<&str>,
) -> Result<(), ApiError> {
    sql::query(
        "update invoice_generator_invoices set public_token = $3, updated_at = $4 \
         where tenant_id = $1 and id = $2",
    )
    .bind(tenant_id)
    .bind(id)
    .bind(token)
    .bind(now())
    .execute(&mut *tx)
    .await
    .map_err(db)?;
    Ok(())
}

/// Points the invoice at a new PDF if it is unchanged since `seen` (409 `invoice_changed` if
/// not); answers the PDF it replaced.
pub async fn set_pdf(
    tx: &mut Tx,
    tenant_id: Uuid,
    id: Uuid,
    seen: DateTime<Utc>,
    blob: Uuid,
) -> Result<Option<Uuid>, ApiError> {
    let stored = invoice(tx, tenant_id, id).await?;
    if stored.invoice.updated_at != seen {
        return Err(ApiError::conflict(
            "invoice_changed",
            "The invoice changed while its PDF was made: try again",
        ));
    }
    sql::query(
        "update invoice_generator_invoices set pdf_blob_id = $3 where tenant_id = $1 and id = $2",
    )
    .bind(tenant_id)
    .bind(id)
    .bind(blob)
    .execute(&mut *tx)
    .await
    .map_err(db)?;
    Ok(stored.pdf_blob_id)
}

/// The tenant and invoice a public token opens, read on the tenant's transaction.
pub async fn invoice_by_token(
    tx: &mut Tx,
    tenant_id: Uuid,
    token: &str,
) -> Result<Stored, ApiError> {
    let id: Option<Uuid> = sql::query_scalar(
        "select id from invoice_generator_invoices where tenant_id = $1 and public_token = $2",
    )
    .bind(tenant_id)
    .bind(token)
    .fetch_optional(&mut *tx)
    .await
    .map_err(db)?;
    let id =
        id.ok_or_else(|| ApiError::not_found("This invoice link does not exist or was revoked"))?;
    invoice(tx, tenant_id, id).await
}

/// Counts for the dashboard card: open invoices and what they add up to, by currency.
pub async fn outstanding(
    tx: &mut Tx,
    tenant_id: Uuid,
) -> Result<Vec<(String, i64, i64)>, ApiError> {
    sql::query_as::<(String, i64, i64)>(
        "select currency, count(*), cast(coalesce(sum(total), 0) as bigint) \
         from invoice_generator_invoices where tenant_id = $1 and status in ('sent', 'overdue') \
         group by currency order by currency",
    )
    .bind(tenant_id)
    .fetch_all(&mut *tx)
    .await
    .map_err(db)
}

// ---------------------------------------------------------------------------------------------
// Deliveries

/// A request to mail an invoice, and how it went.
#[derive(Debug, Clone, serde::Serialize, sql::FromRow, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Delivery {
    /// Id.
    pub id: Uuid,
    /// The invoice.
    pub invoice_id: Uuid,
    /// Where it goes.
    pub recipient: String,
    /// `queued`, `sent` or `failed`.
    pub status: String,
    /// Why it failed.
    pub error: Option<String>,
    /// When asked for.
    pub created_at: DateTime<Utc>,
    /// When the mail server took it.
    pub sent_at: Option<DateTime<Utc>>,
}

/// Records a queued delivery.
pub async fn insert_delivery(
    tx: &mut Tx,
    tenant_id: Uuid,
    user_id: Uuid,
    invoice_id: Uuid,
    recipient: &str,
    message: Option<&str>,
) -> Result<Delivery, ApiError> {
    let delivery = Delivery {
        id: new_id(),
        invoice_id,
        recipient: recipient.to_owned(),
        status: "queued".into(),
        error: None,
        created_at: now(),
        sent_at: None,
    };
    sql::query(
        "insert into invoice_generator_deliveries (id, tenant_id, invoice_id, recipient, message, \
         status, created_by, created_at) values ($1, $2, $3, $4, $5, 'queued', $6, $7)",
    )
    .bind(delivery.id)
    .bind(tenant_id)
    .bind(invoice_id)
    .bind(recipient)
    .bind(message)
    .bind(user_id)
    .bind(delivery.created_at)
    .execute(&mut *tx)
    .await
    .map_err(db)?;
    Ok(delivery)
}

/// A delivery and its message.
pub async fn delivery(
    tx: &mut Tx,
    tenant_id: Uuid,
    id: Uuid,
) -> Result<Option<(Delivery, Option<String>)>, ApiError> {
    let Some(delivery) = sql::query_as::<Delivery>(concat!(
        "select id, invoice_id, recipient, status, error, created_at, sent_at ",
        "from invoice_generator_deliveries where tenant_id = $1 and id = $2"
    ))
    .bind(tenant_id)
    .bind(id)
    .fetch_optional(&mut *tx)
    .await
    .map_err(db)?
    else {
        return Ok(None);
    };
    let message: Option<String> = sql::query_scalar(
        "select message from invoice_generator_deliveries where tenant_id = $1 and id = $2",
    )
    .bind(tenant_id)
    .bind(id)
    .fetch_one(&mut *tx)
    .await
    .map_err(db)?;
    Ok(Some((delivery, message)))
}

/// The invoice's deliveries, newest first.
pub async fn deliveries(
    tx: &mut Tx,
    tenant_id: Uuid,
    invoice_id: Uuid,
) -> Result<Vec<Delivery>, ApiError> {
    sql::query_as::<Delivery>(concat!(
        "select id, invoice_id, recipient, status, error, created_at, sent_at ",
        "from invoice_generator_deliveries where tenant_id = $1 and invoice_id = $2 ",
        "order by id desc limit 50"
    ))
    .bind(tenant_id)
    .bind(invoice_id)
    .fetch_all(&mut *tx)
    .await
    .map_err(db)
}

/// Records how a delivery ended.
pub async fn finish_delivery(
    tx: &mut Tx,
    tenant_id: Uuid,
    id: Uuid,
    error: Option<&str>,
) -> Result<(), ApiError> {
    let (status, sent_at) = match error {
        None => ("sent", Some(now())),
        Some(_) => ("failed", None),
    };
    sql::query(
        "update invoice_generator_deliveries set status = $3, error = $4, sent_at = $5 \
         where tenant_id = $1 and id = $2",
    )
    .bind(tenant_id)
    .bind(id)
    .bind(status)
    .bind(error)
    .bind(sent_at)
    .execute(&mut *tx)
    .await
    .map_err(db)?;
    Ok(())
}
