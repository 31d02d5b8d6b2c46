//! Tenant API keys: server-to-server credentials made by a tenant's owners and admins.
//!
//! A key is `lk_live_` + a public id (12 characters, what finds it and what lists show) + a
//! secret (32 characters). Only the SHA-256 of the whole key is stored, and the key is shown once,
//! when it is made: a random 190-bit secret needs no slow hash, and a leaked table of hashes
//! gives nothing to replay.
//!
//! A key acts as a **service identity**: a user of kind `service` that cannot sign in, the key
//! tenant's member with the role its scope gives (`read` a viewer, `write` a member, `admin` an
//! admin), and a session as long-lived as the key. A request with a key is then checked like a
//! person's (the gate, roles, the wall around each app, metering with the service user as the
//! usage row's actor), and revoking the key revokes its session, which the gate's epoch makes
//! every node see on its next request.

use chrono::{DateTime, Utc};
use lumiku_plugin::Permission;
use lumiku_store::{Tx, new_id, now, sql};
use serde::Serialize;
use serde_json::json;
use sha2::{Digest, Sha256};
use uuid::Uuid;

use crate::audit::{self, NewAuditEvent, action};
use crate::context::{Caller, ClientInfo};
use crate::error::{Error, Result};
use crate::kernel::Kernel;
use crate::tenants::Role;
use crate::token::hex;

/// What every key starts with.
pub const PREFIX: &str = "lk_live_";
/// The public id's length, after the prefix.
const PUBLIC_ID_LEN: usize = 12;
/// The secret's length, after the public id.
const SECRET_LEN: usize = 32;
/// The longest key name.
pub const NAME_MAX: usize = 100;
/// How often a key's last use is written down (a write per request would be a write per read).
const LAST_USED_EVERY: chrono::Duration = chrono::Duration::seconds(60);
/// The expiry of a key that never expires, as its session's (sessions always have one).
const NEVER: &str = "9999-12-31T00:00:00Z";

/// What a key may do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, serde::Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum Scope {
    /// Reads only (the role of a viewer).
    Read,
    /// Reads, and uses the tenant's apps (the role of a member).
    Write,
    /// Also manages members and billing (the role of an admin; never API keys).
    Admin,
}

impl Scope {
    fn as_str(self) -> &'static str {
        match self {
            Scope::Read => "read",
            Scope::Write => "write",
            Scope::Admin => "admin",
        }
    }

    fn parse(text: &str) -> Result<Scope> {
        match text {
            "read" => Ok(Scope::Read),
            "write" => Ok(Scope::Write),
            "admin" => Ok(Scope::Admin),
            _ => Err(Error::Internal(anyhow::anyhow!(
                "unknown API key scope {text}"
            ))),
        }
    }

    /// The role the key's service identity holds in its tenant.
    fn role(self) -> Role {
        match self {
            Scope::Read => Role::Viewer,
            Scope::Write => Role::Member,
            Scope::Admin => Role::Admin,
        }
    }
}

/// A key as lists show it: never its secret.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ApiKey {
    /// Key id.
    pub id: Uuid,
    /// Its name.
    pub name: String,
    /// The key's first characters (`lk_live_` and its public id), to tell keys apart.
    pub prefix: String,
    /// What it may do.
    pub scope: Scope,
    /// The apps it may call; null for every app the tenant has.
    pub apps: Option<Vec<String>>,
    /// The service identity it acts as: the usage rows' and the audit log's actor.
    pub user_id: Uuid,
    /// Who made it.
    pub created_by: Option<Uuid>,
    /// When.
    pub created_at: DateTime<Utc>,
    /// When it stops working; null for never.
    pub expires_at: Option<DateTime<Utc>>,
    /// When it was last used (to the minute); null if never.
    pub last_used_at: Option<DateTime<Utc>>,
    /// The address it was last used from.
    pub last_used_ip: Option<String>,
    /// When it was revoked; null while it works.
    pub revoked_at: Option<DateTime<Utc>>,
}

/// A new key: its name, scope, apps and expiry.
#[derive(Debug, Clone)]
pub struct NewApiKey {
    /// 1 to 100 characters.
    pub name: String,
    /// What it may do.
    pub scope: Scope,
    /// The apps it may call (registered app ids); `None` for every app.
    pub apps: Option<Vec<String>>,
    /// When it stops working; in the future.
    pub expires_at: Option<DateTime<Utc>>,
}

/// A key that authenticated: who it acts as, in which tenant, for which apps.
#[derive(Debug, Clone)]
pub struct ApiKeyIdentity {
    /// The key.
    pub key_id: Uuid,
    /// Its tenant: every request with it acts there.
    pub tenant_id: Uuid,
    /// The service identity.
    pub user_id: Uuid,
    /// Its session.
    pub session_id: Uuid,
    /// The apps it may call; `None` for every app.
    pub apps: Option<Vec<String>>,
}

impl ApiKeyIdentity {
    /// Whether the key may call app `app_id`.
    pub fn allows_app(&self, app_id: &str) -> bool {
        self.apps
            .as_ref()
            .is_none_or(|apps| apps.iter().any(|a| a == app_id))
    }
}

/// Whether `token` has the shape of an API key (and so is not an access token).
pub fn is_api_key(token: &str) -> bool {
    token.starts_with(PREFIX)
}

fn hash(token: &str) -> String {
    hex(&Sha256::digest(token.as_bytes()))
}

/// Equal, in a time that does not depend on where two strings of one length differ.
fn same(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |diff, (x, y)| diff | (x ^ y))
            == 0
}

/// `count` random characters of `A-Za-z0-9` (each from a uniform byte below 248 = 4 × 62).
fn random_alphanumeric(count: usize) -> Result<String> {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    let mut out = String::with_capacity(count);
    while out.len() < count {
        let mut buffer = [0u8; 64];
        getrandom::fill(&mut buffer).map_err(|e| anyhow::anyhow!("reading OS randomness: {e}"))?;
        for byte in buffer {
            if byte < 248 && out.len() < count {
                out.push(ALPHABET[usize::from(byte % 62)] as char);
            }
        }
    }
    Ok(out)
}

#[derive(lumiku_plugin::sql::FromRow)]
struct KeyRow {
    id: Uuid,
    name: String,
    public_id: String,
    scope: String,
    apps: Option<sql::Json<Vec<String>>>,
    user_id: Uuid,
    created_by: Option<Uuid>,
    created_at: DateTime<Utc>,
    expires_at: Option<DateTime<Utc>>,
    last_used_at: Option<DateTime<Utc>>,
    last_used_ip: Option<String>,
    revoked_at: Option<DateTime<Utc>>,
}

impl KeyRow {
    fn key(self) -> Result<ApiKey> {
        Ok(ApiKey {
            id: self.id,
            name: self.name,
            prefix: format!("{PREFIX}{}", self.public_id),
            scope: Scope::parse(&self.scope)?,
            apps: self.apps.map(|a| a.0),
            user_id: self.user_id,
            created_by: self.created_by,
            created_at: self.created_at,
            expires_at: self.expires_at,
            last_used_at: self.last_used_at,
            last_used_ip: self.last_used_ip,
            revoked_at: self.revoked_at,
        })
    }
}

const KEY_COLUMNS: &str = "id, name, public_id, scope, apps, user_id, created_by, created_at, \
    expires_at, last_used_at, last_used_ip, revoked_at";

impl Kernel {
    /// Makes an API key for `tenant_id` (owners and admins, signed in as themselves): answers the
    /// key as lists show it and the key itself, which is never shown again.
    pub async fn create_api_key(
        &self,
        caller: &Caller,
        tenant_id: Uuid,
        new: NewApiKey,
        client: &ClientInfo,
    ) -> Result<(ApiKey, String)> {
        let access = self.tenant_access(caller, tenant_id).await?;
        access.require(Permission::ManageMembers)?;
        let name = lumiku_plugin::text::one_line(&new.name, NAME_MAX)
            .map_err(|m| Error::invalid("name", m))?
            .to_owned();
        let now = now();
        if new.expires_at.is_some_and(|at| at <= now) {
            return Err(Error::invalid("expiresAt", "must be in the future"));
        }
        let apps = match new.apps {
            None => None,
            Some(apps) => Some(self.known_apps(apps).await?),
        };
        let public_id = random_alphanumeric(PUBLIC_ID_LEN)?;
        let token = format!("{PREFIX}{public_id}{}", random_alphanumeric(SECRET_LEN)?);
        let (key_id, user_id, session_id) = (new_id(), new_id(), new_id());
        let never: DateTime<Utc> = NEVER.parse().map_err(anyhow::Error::from)?;

        let mut tx = self.db.begin_tenant(tenant_id).await?;
        // The service identity: no password hash verifies against `!`, and its address is in
        // `.invalid`, which no mail ever reaches.
        sql::query(
            "insert into users (id, email, name, password_hash, platform_role, kind, created_at, \
             updated_at) values ($1, $2, $3, '!', 'user', 'service', $4, $4)",
        )
        .bind(user_id)
        .bind(format!("key-{key_id}@api-keys.invalid"))
        .bind(format!("API key: {name}"))
        .bind(now)
        .execute(&mut tx)
        .await?;
        sql::query(
            "insert into tenant_members (tenant_id, user_id, role, created_at, updated_at) \
             values ($1, $2, $3, $4, $4)",
        )
        .bind(tenant_id)
        .bind(user_id)
        .bind(new.scope.role().as_str())
        .bind(now)
        .execute(&mut tx)
        .await?;
        sql::query(
            "insert into sessions (id, user_id, device_id, created_at, last_used_at, expires_at) \
             values ($1, $2, null, $3, $3, $4)",
        )
        .bind(session_id)
        .bind(user_id)
        .bind(now)
        .bind(new.expires_at.unwrap_or(never))
        .execute(&mut tx)
        .await?;
        sql::query(
            "insert into api_keys (id, tenant_id, user_id, session_id, name, public_id, \
             secret_hash, scope, apps, created_by, created_at, expires_at) \
             values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
        )
        .bind(key_id)
        .bind(tenant_id)
        .bind(user_id)
        .bind(session_id)
        .bind(&name)
        .bind(&public_id)
        .bind(hash(&token))
        .bind(new.scope.as_str())
        .bind(apps.clone().map(sql::Json))
        .bind(caller.user_id)
        .bind(now)
        .bind(new.expires_at)
        .execute(&mut tx)
        .await?;
        audit::record(
            &mut tx,
            NewAuditEvent {
                tenant_id: Some(tenant_id),
                actor_user_id: Some(caller.user_id),
                action: action::API_KEY_CREATED,
                target_type: Some("api_key"),
                target_id: Some(key_id.to_string()),
                ip_address: client.ip.as_deref(),
                details: json!({
                    "name": name,
                    "prefix": format!("{PREFIX}{public_id}"),
                    "scope": new.scope,
                    "apps": apps,
                    "expiresAt": new.expires_at,
                }),
            },
        )
        .await?;
        let key = fetch_key(&mut tx, tenant_id, key_id).await?;
        tx.commit().await?;
        Ok((key, token))
    }

    /// The tenant's keys, newest first, revoked ones included (owners and admins).
    pub async fn list_api_keys(&self, caller: &Caller, tenant_id: Uuid) -> Result<Vec<ApiKey>> {
        let access = self.tenant_access(caller, tenant_id).await?;
        access.require(Permission::ManageMembers)?;
        let mut tx = self.db.begin_tenant_read(tenant_id).await?;
        let sql = format!(
            "select {KEY_COLUMNS} from api_keys where tenant_id = $1 order by id desc limit 500"
        );
        let rows: Vec<KeyRow> = sql::query_as(sql::AssertSqlSafe(sql))
            .bind(tenant_id)
            .fetch_all(&mut tx)
            .await?;
        tx.commit().await?;
        rows.into_iter().map(KeyRow::key).collect()
    }

    /// Revokes a key: it stops working on every node at its next request (owners and admins).
    /// Revoking a revoked key is a conflict.
    pub async fn revoke_api_key(
        &self,
        caller: &Caller,
        tenant_id: Uuid,
        key_id: Uuid,
        client: &ClientInfo,
    ) -> Result<ApiKey> {
        let access = self.tenant_access(caller, tenant_id).await?;
        access.require(Permission::ManageMembers)?;
        let now = now();
        let mut tx = self.db.begin_tenant(tenant_id).await?;
        let revoked: Option<(Uuid, Uuid)> = sql::query_as(
            "update api_keys set revoked_at = $3 where id = $1 and tenant_id = $2 \
             and revoked_at is null returning session_id, user_id",
        )
        .bind(key_id)
        .bind(tenant_id)
        .bind(now)
        .fetch_optional(&mut tx)
        .await?;
        let Some((session_id, user_id)) = revoked else {
            fetch_key(&mut tx, tenant_id, key_id).await?; // 404 for no such key
            return Err(Error::Conflict {
                code: "api_key_revoked",
                message: "This API key is already revoked",
            });
        };
        // The session's revocation bumps the gate's epoch (migration 6): no node keeps letting
        // the key through. The membership goes too, so the service identity holds no role.
        crate::devices::revoke_session(&mut tx, session_id, "api_key_revoked", now).await?;
        sql::query("delete from tenant_members where tenant_id = $1 and user_id = $2")
            .bind(tenant_id)
            .bind(user_id)
            .execute(&mut tx)
            .await?;
        audit::record(
            &mut tx,
            NewAuditEvent {
                tenant_id: Some(tenant_id),
                actor_user_id: Some(caller.user_id),
                action: action::API_KEY_REVOKED,
                target_type: Some("api_key"),
                target_id: Some(key_id.to_string()),
                ip_address: client.ip.as_deref(),
                details: json!({}),
            },
        )
        .await?;
        let key = fetch_key(&mut tx, tenant_id, key_id).await?;
        tx.commit().await?;
        Ok(key)
    }

    /// The identity of API key `token` used from `ip`, or [`Error::InvalidToken`] when it is not
    /// a key, or not a live one (revoked, expired, unknown, or a wrong secret).
    pub async fn authenticate_api_key(
        &self,
        token: &str,
        ip: Option<&str>,
    ) -> Result<ApiKeyIdentity> {
        let public_id = token
            .strip_prefix(PREFIX)
            .filter(|rest| rest.len() == PUBLIC_ID_LEN + SECRET_LEN && rest.is_ascii())
            .map(|rest| &rest[..PUBLIC_ID_LEN])
            .ok_or(Error::InvalidToken)?;
        let now = now();
        type Row = (
            Uuid,
            Uuid,
            Uuid,
            Uuid,
            String,
            Option<sql::Json<Vec<String>>>,
            Option<DateTime<Utc>>,
        );
        let row: Option<Row> = sql::query_as(
            "select k.id, k.tenant_id, k.user_id, k.session_id, k.secret_hash, k.apps, \
             k.last_used_at from api_keys k join sessions s on s.id = k.session_id \
             where k.public_id = $1 and k.revoked_at is null and s.revoked_at is null \
             and s.expires_at > $2",
        )
        .bind(public_id)
        .bind(now)
        .fetch_optional(&self.db)
        .await?;
        let (key_id, tenant_id, user_id, session_id, secret_hash, apps, last_used) =
            row.ok_or(Error::InvalidToken)?;
        if !same(&hash(token), &secret_hash) {
            return Err(Error::InvalidToken);
        }
        if last_used.is_none_or(|at| now - at >= LAST_USED_EVERY) {
            let mut tx = self.db.begin().await?;
            sql::query(
                "update api_keys set last_used_at = $2, last_used_ip = $3 where id = $1 \
                 and (last_used_at is null or last_used_at < $4)",
            )
            .bind(key_id)
            .bind(now)
            .bind(ip)
            .bind(now - LAST_USED_EVERY)
            .execute(&mut tx)
            .await?;
            tx.commit().await?;
        }
        Ok(ApiKeyIdentity {
            key_id,
            tenant_id,
            user_id,
            session_id,
            apps: apps.map(|a| a.0),
        })
    }

    /// `apps`, deduplicated, each a registered app; 422 naming an unknown one.
    async fn known_apps(&self, apps: Vec<String>) -> Result<Vec<String>> {
        let registered: Vec<String> = sql::query_scalar("select app_id from apps")
            .fetch_all(&self.db)
            .await?;
        let mut known = Vec::with_capacity(apps.len());
        for app in apps {
            if !registered.contains(&app) {
                return Err(Error::invalid("apps", format!("no app is called {app:?}")));
            }
            if !known.contains(&app) {
                known.push(app);
            }
        }
        if known.is_empty() {
            return Err(Error::invalid(
                "apps",
                "name at least one app, or leave it out for every app",
            ));
        }
        Ok(known)
    }
}

async fn fetch_key(tx: &mut Tx, tenant_id: Uuid, key_id: Uuid) -> Result<ApiKey> {
    let sql = format!("select {KEY_COLUMNS} from api_keys where id = $1 and tenant_id = $2");
    let row: Option<KeyRow> = sql::query_as(sql::AssertSqlSafe(sql))
        .bind(key_id)
        .bind(tenant_id)
        .fetch_optional(&mut *tx)
        .await?;
    row.ok_or(Error::NotFound("API key"))?.key()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_told_from_tokens_and_compared_in_full() {
        assert!(is_api_key("lk_live_abc"));
        assert!(!is_api_key("eyJhbGciOiJIUzI1NiJ9.x.y"));
        assert!(same("abc", "abc"));
        assert!(!same("abc", "abd") && !same("abc", "abcd"));
        let a = random_alphanumeric(SECRET_LEN).unwrap();
        let b = random_alphanumeric(SECRET_LEN).unwrap();
        assert_eq!(a.len(), SECRET_LEN);
        assert!(a.chars().all(|c| c.is_ascii_alphanumeric()));
        assert_ne!(a, b);
        assert_eq!(Scope::Read.role(), Role::Viewer);
        assert_eq!(Scope::Write.role(), Role::Member);
        assert_eq!(Scope::Admin.role(), Role::Admin);
    }
}
