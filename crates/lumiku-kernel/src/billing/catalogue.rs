//! The catalogue: plans and credit packages, read by anyone and changed by administrators.

use lumiku_plugin::Tier;
use lumiku_store::now;
use lumiku_store::sql::{self, Json};
use serde_json::json;

use crate::audit::{self, NewAuditEvent, action};
use crate::context::{Caller, ClientInfo};
use crate::error::{Error, Result};
use crate::kernel::Kernel;

use super::model::*;
use super::store::*;

impl Kernel {
    /// The plans on offer (every plan, for administrators with `include_inactive`).
    pub async fn plans(&self, include_inactive: bool) -> Result<Vec<Plan>> {
        let rows: Vec<PlanRow> = sql::query_as(sql::AssertSqlSafe(format!(
            "select {PLAN_COLUMNS} from plans where active or $1 order by sort_order, id"
        )))
        .bind(include_inactive)
        .fetch_all(&self.db)
        .await?;
        rows.into_iter().map(Plan::try_from).collect()
    }

    /// The credit packages on sale (every package, for administrators with `include_inactive`).
    pub async fn credit_packages(&self, include_inactive: bool) -> Result<Vec<CreditPackage>> {
        Ok(
            sql::query_as::<CreditPackage>(sql::AssertSqlSafe(format!(
            "select {PACKAGE_COLUMNS} from credit_packages where active or $1 order by sort_order, id")))
            .bind(include_inactive)
            .fetch_all(&self.db)
            .await?,
        )
    }

    /// A platform administrator changes a plan.
    pub async fn admin_update_plan(
        &self,
        admin: &Caller,
        plan_id: &str,
        patch: &PlanPatch,
        client: &ClientInfo,
    ) -> Result<Plan> {
        admin.require_admin("only platform administrators may change billing")?;
        let mut fields = lumiku_plugin::FieldErrors::new();
        if let Some(name) = &patch.name {
            check_name(&mut fields, "name", name);
        }
        if let Some(price) = patch.price_idr {
            check_range(&mut fields, "priceIdr", price, 0..=MAX_AMOUNT);
        }
        if let Some(credits) = patch.monthly_credits {
            check_range(&mut fields, "monthlyCredits", credits, 0..=MAX_AMOUNT);
        }
        if let Some(bytes) = patch.storage_quota_bytes {
            check_range(
                &mut fields,
                "storageQuotaBytes",
                bytes,
                0..=MAX_STORAGE_QUOTA,
            );
        }
        if let Some(days) = patch.trial_days {
            check_range(&mut fields, "trialDays", i64::from(days), 0..=365);
        }
        if let Some(features) = &patch.features
            && (features.len() > 20
                || features
                    .iter()
                    .any(|f| f.trim().is_empty() || f.len() > 200))
        {
            fields.insert(
                "features".into(),
                vec!["at most 20 lines of 1 to 200 characters".into()],
            );
        }
        if !fields.is_empty() {
            return Err(Error::Invalid(fields));
        }
        let mut tx = self.db.begin().await?;
        let mut plan = fetch_plan(&mut tx, plan_id)
            .await?
            .ok_or(Error::NotFound("plan"))?;
        if plan.tier == Tier::Free && patch.price_idr.is_some_and(|p| p != 0) {
            return Err(Error::invalid("priceIdr", "the free plan costs nothing"));
        }
        if let Some(name) = &patch.name {
            plan.name = name.trim().to_owned();
        }
        plan.price_idr = patch.price_idr.unwrap_or(plan.price_idr);
        plan.monthly_credits = patch.monthly_credits.unwrap_or(plan.monthly_credits);
        plan.storage_quota_bytes = patch
            .storage_quota_bytes
            .unwrap_or(plan.storage_quota_bytes);
        plan.trial_days = patch.trial_days.unwrap_or(plan.trial_days);
        if let Some(features) = &patch.features {
            plan.features = features.iter().map(|f| f.trim().to_owned()).collect();
        }
        plan.active = patch.active.unwrap_or(plan.active);
        plan.sort_order = patch.sort_order.unwrap_or(plan.sort_order);
        sql::query(
            "update plans set name = $2, price_idr = $3, monthly_credits = $4, trial_days = $5, features = $6, \
             active = $7, sort_order = $8, updated_at = $9, storage_quota_bytes = $10 where id = $1")
            .bind(&plan.id)
            .bind(&plan.name)
            .bind(plan.price_idr)
            .bind(plan.monthly_credits)
            .bind(plan.trial_days)
            .bind(Json(&plan.features))
            .bind(plan.active)
            .bind(plan.sort_order)
            .bind(now())
            .bind(plan.storage_quota_bytes)
            .execute(&mut tx)
            .await
            .map(|r| r.rows_affected())?;
        audit::record(
            &mut tx,
            NewAuditEvent {
                tenant_id: None,
                actor_user_id: Some(admin.user_id),
                action: action::PLAN_UPDATED,
                target_type: Some("plan"),
                target_id: Some(plan.id.clone()),
                ip_address: client.ip.as_deref(),
                details: json!({ "plan": plan }),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(plan)
    }

    /// A platform administrator changes a credit package.
    pub async fn admin_update_package(
        &self,
        admin: &Caller,
        package_id: &str,
        patch: &PackagePatch,
        client: &ClientInfo,
    ) -> Result<CreditPackage> {
        admin.require_admin("only platform administrators may change billing")?;
        let mut fields = lumiku_plugin::FieldErrors::new();
        if let Some(name) = &patch.name {
            check_name(&mut fields, "name", name);
        }
        if let Some(credits) = patch.credits {
            check_range(&mut fields, "credits", credits, 1..=MAX_AMOUNT);
        }
        if let Some(bonus) = patch.bonus_credits {
            check_range(&mut fields, "bonusCredits", bonus, 0..=MAX_AMOUNT);
        }
        if let Some(price) = patch.price_idr {
            check_range(&mut fields, "priceIdr", price, 1..=MAX_AMOUNT);
        }
        if !fields.is_empty() {
            return Err(Error::Invalid(fields));
        }
        let mut tx = self.db.begin().await?;
        let mut package: CreditPackage = sql::query_as(sql::AssertSqlSafe(format!(
            "select {PACKAGE_COLUMNS} from credit_packages where id = $1"
        )))
        .bind(package_id)
        .fetch_optional(&mut tx)
        .await?
        .ok_or(Error::NotFound("credit package"))?;
        if let Some(name) = &patch.name {
            package.name = name.trim().to_owned();
        }
        package.credits = patch.credits.unwrap_or(package.credits);
        package.bonus_credits = patch.bonus_credits.unwrap_or(package.bonus_credits);
        package.price_idr = patch.price_idr.unwrap_or(package.price_idr);
        package.active = patch.active.unwrap_or(package.active);
        package.sort_order = patch.sort_order.unwrap_or(package.sort_order);
        sql::query(
            "update credit_packages set name = $2, credits = $3, bonus_credits = $4, price_idr = $5, active = $6, \
             sort_order = $7, updated_at = $8 where id = $1")
            .bind(&package.id)
            .bind(&package.name)
            .bind(package.credits)
            .bind(package.bonus_credits)
            .bind(package.price_idr)
            .bind(package.active)
            .bind(package.sort_order)
            .bind(now())
            .execute(&mut tx)
            .await
            .map(|r| r.rows_affected())?;
        audit::record(
            &mut tx,
            NewAuditEvent {
                tenant_id: None,
                actor_user_id: Some(admin.user_id),
                action: action::PACKAGE_UPDATED,
                target_type: Some("credit_package"),
                target_id: Some(package.id.clone()),
                ip_address: client.ip.as_deref(),
                details: json!({ "package": package }),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(package)
    }
}
