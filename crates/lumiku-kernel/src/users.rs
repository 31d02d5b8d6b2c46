//! Users: the validated email address and the account rows every module reads (the account
//! itself, registration and sign-in, is [`crate::accounts`]'s).

use chrono::{DateTime, Utc};
use lumiku_store::{Db, Tx, is_unique_violation, new_id, sql};
use serde::Serialize;
use uuid::Uuid;

use crate::error::{Error, Result};

/// A validated, normalised (trimmed, lower-case) email address.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Email(String);

impl Email {
    /// Normalises and checks `raw`: one `@`, a non-empty local part, a dotted domain, no spaces,
    /// at most 254 characters.
    /// The address, trimmed and lower-cased, if it looks like one: a local part, `@`, a dotted
    /// domain, no whitespace and no control character.
    pub fn parse(raw: &str) -> Result<Self, &'static str> {
        let email = raw.trim().to_lowercase();
        if email.is_empty() {
            return Err("is required");
        }
        if email.len() > 254 {
            return Err("must be at most 254 characters long");
        }
        let valid = match email.split_once('@') {
            Some((local, domain)) => {
                !local.is_empty()
                    && !domain.contains('@')
                    && domain.contains('.')
                    && !domain.starts_with('.')
                    && !domain.ends_with('.')
                    && !email.chars().any(|c| c.is_whitespace() || c.is_control())
            }
            None => false,
        };
        if valid {
            Ok(Self(email))
        } else {
            Err("is not a valid email address")
        }
    }

    /// The address.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The address, owned.
    pub fn into_string(self) -> String {
        self.0
    }
}

/// An account, as shown to its owner.
#[derive(Debug, Clone, Serialize, lumiku_plugin::sql::FromRow, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct User {
    /// User id.
    pub id: Uuid,
    /// Normalised email address.
    pub email: String,
    /// Display name.
    pub name: Option<String>,
    /// `user` or `admin`.
    pub platform_role: String,
    /// When the account was made.
    pub created_at: DateTime<Utc>,
    /// Last profile change.
    pub updated_at: DateTime<Utc>,
}

pub(crate) const USER_COLUMNS: &str = "id, email, name, platform_role, created_at, updated_at";

/// Inserts a new account; a taken email is a conflict that does not say so.
pub(crate) async fn insert_user(
    tx: &mut Tx,
    email: &Email,
    name: Option<&str>,
    password_hash: &str,
    role: &str,
    now: DateTime<Utc>,
) -> Result<User> {
    let sql = format!(
        "insert into users (id, email, name, password_hash, platform_role, created_at, updated_at) \
         values ($1, $2, $3, $4, $5, $6, $6) returning {USER_COLUMNS}"
    );
    sql::query_as::<User>(sql::AssertSqlSafe(sql))
        .bind(new_id())
        .bind(email.as_str())
        .bind(name)
        .bind(password_hash)
        .bind(role)
        .bind(now)
        .fetch_one(&mut *tx)
        .await
        .map_err(|e| {
            if is_unique_violation(&e) {
                Error::Conflict {
                    code: "email_unavailable",
                    message: "This email address cannot be used to register",
                }
            } else {
                e.into()
            }
        })
}

/// The user with id `user_id`.
pub async fn fetch_user(tx: &mut Tx, user_id: Uuid) -> Result<User> {
    let sql = format!("select {USER_COLUMNS} from users where id = $1");
    let user = sql::query_as::<User>(sql::AssertSqlSafe(sql))
        .bind(user_id)
        .fetch_optional(&mut *tx)
        .await?;
    user.ok_or(Error::NotFound("user"))
}

/// The id of the account with this (normalised) email.
pub async fn find_user_id(db: &Db, email: &str) -> Result<Option<Uuid>> {
    Ok(sql::query_scalar("select id from users where email = $1")
        .bind(email)
        .fetch_optional(db)
        .await?)
}

/// The id of `user_id`'s personal tenant.
pub(crate) async fn personal_tenant_id(tx: &mut Tx, user_id: Uuid) -> Result<Uuid> {
    let id: Option<Uuid> =
        sql::query_scalar("select id from tenants where created_by = $1 and kind = 'personal'")
            .bind(user_id)
            .fetch_optional(&mut *tx)
            .await?;
    id.ok_or(Error::NotFound("personal tenant"))
}

/// Whether `text` fits on one line of a name: no control character (U+0000 to U+001F, U+007F to
/// U+009F), which no name needs and PostgreSQL cannot always store.
pub(crate) fn is_one_line(text: &str) -> bool {
    !text.chars().any(char::is_control)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emails_are_normalised_and_checked() {
        assert_eq!(
            Email::parse("  Ana@Example.COM ").unwrap().as_str(),
            "ana@example.com"
        );
        for bad in [
            "",
            "ana",
            "ana@",
            "@example.com",
            "ana@example",
            "a b@example.com",
            "a@b@c.com",
            "ana@.com",
        ] {
            assert!(Email::parse(bad).is_err(), "{bad:?} should be refused");
        }
    }
}
