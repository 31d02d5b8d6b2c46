//! Invoices: a tenant's list, and administrators' drafts, issue and void.

use chrono::Duration;
use lumiku_store::{now, sql};
use serde_json::json;
use uuid::Uuid;

use crate::audit::{self, NewAuditEvent, action};
use crate::context::{Caller, ClientInfo, Permission, TenantAccess};
use crate::error::{Error, Result};
use crate::kernel::Kernel;

use super::model::*;
use super::store::*;

impl Kernel {
    /// A page of the tenant's issued invoices, newest first.
    pub async fn invoices(
        &self,
        access: &TenantAccess,
        before: Option<Uuid>,
        limit: i64,
    ) -> Result<InvoicePage> {
        access.require(Permission::Read)?;
        let limit = limit.clamp(1, 100);
        let mut tx = self.db.begin_tenant_read(access.tenant_id).await?;
        let rows: Vec<InvoiceRow> = sql::query_as(sql::AssertSqlSafe(format!(
            "select {INVOICE_COLUMNS} from invoices where tenant_id = $1 and status <> 'draft' \
             and ($2 is null or id < $2) order by id desc limit $3"
        )))
        .bind(access.tenant_id)
        .bind(before)
        .bind(limit)
        .fetch_all(&mut tx)
        .await?;
        let mut items = Vec::with_capacity(rows.len());
        for row in rows {
            let lines = invoice_items(&mut tx, row.id).await?;
            items.push(row.into_invoice(lines)?);
        }
        tx.commit().await?;
        let next_cursor = if items.len() as i64 == limit {
            items.last().map(|i| i.id)
        } else {
            None
        };
        Ok(InvoicePage { items, next_cursor })
    }

    /// One of the tenant's issued invoices.
    pub async fn invoice(&self, access: &TenantAccess, id: Uuid) -> Result<Invoice> {
        access.require(Permission::Read)?;
        let mut tx = self.db.begin_tenant_read(access.tenant_id).await?;
        let invoice = fetch_invoice(&mut tx, access.tenant_id, id)
            .await?
            .filter(|i| i.status != InvoiceStatus::Draft)
            .ok_or(Error::NotFound("invoice"))?;
        tx.commit().await?;
        Ok(invoice)
    }

    /// A platform administrator bills a tenant by hand: a draft, or issued at once with `issue`.
    pub async fn admin_create_invoice(
        &self,
        admin: &Caller,
        tenant_id: Uuid,
        description: &str,
        items: &[NewInvoiceItem],
        issue: bool,
        client: &ClientInfo,
    ) -> Result<Invoice> {
        admin.require_admin("only platform administrators may change billing")?;
        check_manual_invoice(description, items)?;
        let mut tx = self.db.begin().await?;
        let exists: Option<Uuid> = sql::query_scalar("select id from tenants where id = $1")
            .bind(tenant_id)
            .fetch_optional(&mut tx)
            .await?;
        exists.ok_or(Error::NotFound("tenant"))?;
        let now = now();
        let invoice = create_invoice(
            &mut tx,
            NewInvoice {
                tenant_id,
                kind: InvoiceKind::Manual,
                plan_id: None,
                package_id: None,
                period: None,
                credits: 0,
                bonus_credits: 0,
                description: description.trim().to_owned(),
                created_by: Some(admin.user_id),
                items: items
                    .iter()
                    .map(|i| InvoiceItem {
                        description: i.description.trim().to_owned(),
                        quantity: i.quantity,
                        unit_price_idr: i.unit_price_idr,
                        amount_idr: i.quantity * i.unit_price_idr,
                    })
                    .collect(),
                issue,
                due_at: issue.then(|| now + Duration::days(self.settings.billing.grace_days)),
            },
        )
        .await?;
        audit::record(
            &mut tx,
            NewAuditEvent {
                tenant_id: Some(tenant_id),
                actor_user_id: Some(admin.user_id),
                action: if issue {
                    action::INVOICE_ISSUED
                } else {
                    action::INVOICE_DRAFTED
                },
                target_type: Some("invoice"),
                target_id: Some(invoice.id.to_string()),
                ip_address: client.ip.as_deref(),
                details: json!({ "number": invoice.number, "totalIdr": invoice.total_idr }),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(invoice)
    }

    /// A platform administrator issues a draft invoice (giving it the tenant's next number) or
    /// voids an open one.
    pub async fn admin_set_invoice_status(
        &self,
        admin: &Caller,
        invoice_id: Uuid,
        status: InvoiceStatus,
        client: &ClientInfo,
    ) -> Result<Invoice> {
        admin.require_admin("only platform administrators may change billing")?;
        let mut tx = self.db.begin().await?;
        let tenant_id: Uuid = sql::query_scalar("select tenant_id from invoices where id = $1")
            .bind(invoice_id)
            .fetch_optional(&mut tx)
            .await?
            .ok_or(Error::NotFound("invoice"))?;
        let invoice = fetch_invoice(&mut tx, tenant_id, invoice_id)
            .await?
            .ok_or(Error::NotFound("invoice"))?;
        let now = now();
        let audit_action = match (invoice.status, status) {
            (InvoiceStatus::Draft, InvoiceStatus::Open) => {
                let number = next_invoice_number(&mut tx, tenant_id).await?;
                sql::query(
                    "update invoices set status = 'open', number = $2, issued_at = $3, due_at = $4, updated_at = $3 \
                     where id = $1 and status = 'draft'")
                    .bind(invoice_id)
                    .bind(number)
                    .bind(now)
                    .bind(now + Duration::days(self.settings.billing.grace_days))
                    .execute(&mut tx)
                    .await
                    .map(|r| r.rows_affected())?;
                action::INVOICE_ISSUED
            }
            (InvoiceStatus::Open, InvoiceStatus::Void) => {
                sql::query(
                    "update payments set status = 'expired', updated_at = $2 where invoice_id = $1 and status = 'pending'")
                    .bind(invoice_id)
                    .bind(now)
                    .execute(&mut tx)
                    .await
                    .map(|r| r.rows_affected())?;
                sql::query(
                    "update invoices set status = 'void', voided_at = $2, updated_at = $2 where id = $1 and status = 'open'")
                    .bind(invoice_id)
                    .bind(now)
                    .execute(&mut tx)
                    .await
                    .map(|r| r.rows_affected())?;
                action::INVOICE_VOIDED
            }
            _ => {
                return Err(Error::Conflict {
                    code: "invalid_invoice_transition",
                    message: "Only a draft can be issued and only an open invoice voided",
                });
            }
        };
        audit::record(
            &mut tx,
            NewAuditEvent {
                tenant_id: Some(tenant_id),
                actor_user_id: Some(admin.user_id),
                action: audit_action,
                target_type: Some("invoice"),
                target_id: Some(invoice_id.to_string()),
                ip_address: client.ip.as_deref(),
                details: json!({ "from": invoice.status, "to": status }),
            },
        )
        .await?;
        let invoice = fetch_invoice(&mut tx, tenant_id, invoice_id)
            .await?
            .ok_or(Error::NotFound("invoice"))?;
        tx.commit().await?;
        Ok(invoice)
    }
}

/// An administrator's invoice: a description and 1 to 50 lines, each with a description, a
/// quantity and a price in range; every fault is reported.
fn check_manual_invoice(description: &str, items: &[NewInvoiceItem]) -> Result<()> {
    let mut fields = lumiku_plugin::FieldErrors::new();
    check_name(&mut fields, "description", description);
    if items.is_empty() || items.len() > 50 {
        fields.insert("items".into(), vec!["must have 1 to 50 lines".into()]);
    }
    for (index, item) in items.iter().enumerate() {
        let length = item.description.trim().chars().count();
        if length == 0 || length > 200 {
            fields.insert(
                format!("items[{index}].description"),
                vec!["must be 1 to 200 characters".into()],
            );
        }
        check_range(
            &mut fields,
            &format!("items[{index}].quantity"),
            item.quantity,
            1..=10_000,
        );
        check_range(
            &mut fields,
            &format!("items[{index}].unitPriceIdr"),
            item.unit_price_idr,
            0..=MAX_AMOUNT,
        );
    }
    if !fields.is_empty() {
        return Err(Error::Invalid(fields));
    }
    Ok(())
}
