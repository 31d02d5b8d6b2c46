//! Users: the validated email address and the account rows every module reads (the account
//! itself, registration and sign-in, is [`crate::accounts`]'s).

use chrono::{DateTime, Utc};
use lumiku_store::{Db, Tx, is_unique_violation, new_id, sql};
use serde::Serialize;
use uuid::Uuid;

use crate::error::{Error, Result};

/// A validated, normalised email address: NFKC, trimmed, lower-case, so that look-alike spellings
/// of one address (fullwidth letters, compatibility forms, case) are one address.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Email(String);

impl Email {
    /// Normalises and checks `raw`: one `@`, a non-empty local part, a dotted domain, at most 254
    /// characters; no whitespace, control or invisible formatting character (zero-width space,
    /// joiners, soft hyphen); and no part mixing writing systems (`pаypal`, with a Cyrillic `а`),
    /// the look-alike that normalisation cannot fold.
    pub fn parse(raw: &str) -> Result<Self, &'static str> {
        use unicode_normalization::UnicodeNormalization as _;
        use unicode_properties::{GeneralCategory, UnicodeGeneralCategory as _};

        let email: String = raw.trim().nfkc().collect::<String>().to_lowercase();
        if email.is_empty() {
            return Err("is required");
        }
        if email.len() > 254 {
            return Err("must be at most 254 characters long");
        }
        if email.chars().any(|c| {
            c.is_whitespace() || c.is_control() || c.general_category() == GeneralCategory::Format
        }) {
            return Err("is not a valid email address");
        }
        let Some((local, domain)) = email.split_once('@') else {
            return Err("is not a valid email address");
        };
        let valid = !local.is_empty()
            && !domain.contains('@')
            && domain.contains('.')
            && !domain.starts_with('.')
            && !domain.ends_with('.');
        if !valid {
            return Err("is not a valid email address");
        }
        if mixes_scripts(local) || domain.split('.').any(mixes_scripts) {
            return Err("mixes letters of different alphabets, as look-alike addresses do");
        }
        Ok(Self(email))
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
    /// When the address was proved (the link mailed to it followed); null until then.
    pub email_verified_at: Option<DateTime<Utc>>,
}

pub(crate) const USER_COLUMNS: &str =
    "id, email, name, platform_role, created_at, updated_at, email_verified_at";

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

/// The id of the person (not an API key's service identity) with address `email`.
pub async fn find_user_id(db: &Db, email: &str) -> Result<Option<Uuid>> {
    Ok(
        sql::query_scalar("select id from users where email = $1 and kind = 'person'")
            .bind(email)
            .fetch_optional(db)
            .await?,
    )
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

/// Whether `text` has letters of more than one script (Latin and Cyrillic, say); digits,
/// punctuation and combining marks belong to none.
fn mixes_scripts(text: &str) -> bool {
    use unicode_script::{Script, UnicodeScript as _};
    let mut seen = None;
    for script in text.chars().map(|c| c.script()) {
        if matches!(script, Script::Common | Script::Inherited | Script::Unknown) {
            continue;
        }
        match seen {
            None => seen = Some(script),
            Some(first) if first != script => return true,
            Some(_) => {}
        }
    }
    false
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

    #[test]
    fn look_alike_addresses_fold_into_one_or_are_refused() {
        // Fullwidth letters and compatibility forms are the address they look like.
        for same in [
            "ａｎａ@example.com",
            "ＡＮＡ@ＥＸＡＭＰＬＥ.ＣＯＭ",
            "ana@example\u{FF0E}com",
        ] {
            assert_eq!(
                Email::parse(same).unwrap().as_str(),
                "ana@example.com",
                "{same}"
            );
        }
        // Invisible characters and mixed alphabets are refused.
        for bad in [
            "an\u{200B}a@example.com",
            "ana\u{200D}@example.com",
            "\u{FEFF}ana@example.com",
            "an\u{00AD}a@example.com",
            "r\u{043E}ot@example.com",
            "ana@ex\u{0430}mple.com",
            "bell\u{7}@example.com",
        ] {
            assert!(Email::parse(bad).is_err(), "{bad:?} should be refused");
        }
        // One alphabet, whichever it is, is fine.
        assert!(Email::parse("\u{0430}\u{043D}\u{044F}@example.com").is_ok());
        assert!(Email::parse("josé.müller@example.com").is_ok());
    }
}
