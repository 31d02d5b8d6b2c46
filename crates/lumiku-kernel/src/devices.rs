//! Devices: where a user signs in from. A device is the hash of the user agent and an optional
//! client-kept device id; each login refreshes its IP and last use, and revoking it ends every
//! session opened from it.

use chrono::{DateTime, Utc};
use lumiku_store::{Tx, new_id, now, sql};
use serde::Serialize;
use serde_json::json;
use sha2::{Digest, Sha256};
use uuid::Uuid;

use crate::audit::{self, NewAuditEvent, action};
use crate::context::{Caller, ClientInfo};
use crate::error::{Error, Result};
use crate::kernel::Kernel;
use crate::token::hex;

/// A device as its owner sees it.
#[derive(Debug, Clone, Serialize, lumiku_plugin::sql::FromRow, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Device {
    /// Device id.
    pub id: Uuid,
    /// Display name (from the client, the user agent, or a rename).
    pub name: String,
    /// The user agent it last signed in with.
    pub user_agent: String,
    /// The IP address it last signed in from.
    pub ip_address: Option<String>,
    /// Last sign-in.
    pub last_used_at: DateTime<Utc>,
    /// First sign-in.
    pub created_at: DateTime<Utc>,
    /// Whether the caller's own session is on this device.
    #[row(default)]
    pub current: bool,
}

/// Records a sign-in from this client and returns its device id.
pub(crate) async fn upsert(
    tx: &mut Tx,
    user_id: Uuid,
    client_device_id: Option<&str>,
    device_name: Option<&str>,
    client: &ClientInfo,
    now: DateTime<Utc>,
) -> Result<Uuid> {
    let user_agent = client
        .user_agent
        .as_deref()
        .unwrap_or("")
        .chars()
        .take(512)
        .collect::<String>();
    let client_device_id =
        client_device_id.map(|id| id.trim().chars().take(128).collect::<String>());
    let device_hash = {
        let mut hasher = Sha256::new();
        hasher.update(user_agent.as_bytes());
        hasher.update([0u8]);
        hasher.update(client_device_id.as_deref().unwrap_or("").as_bytes());
        hex(&hasher.finalize())
    };
    let name = device_name
        .map(str::trim)
        .filter(|n| !n.is_empty())
        .map(|n| n.chars().take(100).collect())
        .unwrap_or_else(|| describe_user_agent(&user_agent));
    let id: Uuid = sql::query_scalar(
        "insert into devices (id, user_id, device_hash, name, user_agent, client_device_id, ip_address, last_used_at, created_at) \
         values ($1, $2, $3, $4, $5, $6, $7, $8, $8) \
         on conflict (user_id, device_hash) do update set ip_address = excluded.ip_address, last_used_at = excluded.last_used_at \
         returning id")
        .bind(new_id())
        .bind(user_id)
        .bind(&device_hash)
        .bind(&name)
        .bind(&user_agent)
        .bind(client_device_id)
        .bind(client.ip.as_deref())
        .bind(now)
        .fetch_one(&mut *tx)
        .await?;
    Ok(id)
}

/// A short human name for a user agent: "Firefox on Linux", "curl", "Unknown device".
pub fn describe_user_agent(user_agent: &str) -> String {
    let browser = [
        ("Edg/", "Edge"),
        ("OPR/", "Opera"),
        ("Firefox/", "Firefox"),
        ("Chrome/", "Chrome"),
        ("Safari/", "Safari"),
        ("curl/", "curl"),
    ]
    .into_iter()
    .find(|(marker, _)| user_agent.contains(marker))
    .map(|(_, name)| name);
    let os = [
        ("Android", "Android"),
        ("iPhone", "iOS"),
        ("iPad", "iPadOS"),
        ("Windows", "Windows"),
        ("Mac OS X", "macOS"),
        ("CrOS", "ChromeOS"),
        ("Linux", "Linux"),
    ]
    .into_iter()
    .find(|(marker, _)| user_agent.contains(marker))
    .map(|(_, name)| name);
    match (browser, os) {
        (Some(b), Some(o)) => format!("{b} on {o}"),
        (Some(b), None) => b.to_owned(),
        (None, Some(o)) => format!("Browser on {o}"),
        (None, None) if user_agent.is_empty() => "Unknown device".to_owned(),
        (None, None) => user_agent
            .split('/')
            .next()
            .unwrap_or("Unknown device")
            .chars()
            .take(60)
            .collect(),
    }
}

impl Kernel {
    /// The caller's devices, most recently used first.
    pub async fn list_devices(&self, caller: &Caller) -> Result<Vec<Device>> {
        let mut devices = sql::query_as::<Device>(
            "select id, name, user_agent, ip_address, last_used_at, created_at from devices \
             where user_id = $1 order by last_used_at desc, id desc",
        )
        .bind(caller.user_id)
        .fetch_all(&self.db)
        .await?;
        let current: Option<Option<Uuid>> =
            sql::query_scalar("select device_id from sessions where id = $1")
                .bind(caller.session_id)
                .fetch_optional(&self.db)
                .await?;
        if let Some(Some(current)) = current {
            for device in &mut devices {
                device.current = device.id == current;
            }
        }
        Ok(devices)
    }

    /// Renames one of the caller's devices.
    pub async fn rename_device(
        &self,
        caller: &Caller,
        device_id: Uuid,
        name: &str,
    ) -> Result<Device> {
        let name = lumiku_plugin::text::one_line(name, 100)
            .map_err(|message| Error::invalid("name", message))?;
        let mut tx = self.db.begin().await?;
        let device = sql::query_as::<Device>(
            "update devices set name = $3 where id = $1 and user_id = $2 \
             returning id, name, user_agent, ip_address, last_used_at, created_at",
        )
        .bind(device_id)
        .bind(caller.user_id)
        .bind(name)
        .fetch_optional(&mut tx)
        .await?
        .ok_or(Error::NotFound("device"))?;
        tx.commit().await?;
        Ok(device)
    }

    /// Forgets one of the caller's devices and ends every session opened from it.
    pub async fn revoke_device(
        &self,
        caller: &Caller,
        device_id: Uuid,
        client: &ClientInfo,
    ) -> Result<()> {
        let now = now();
        let mut tx = self.db.begin().await?;
        let name: Option<String> =
            sql::query_scalar("select name from devices where id = $1 and user_id = $2")
                .bind(device_id)
                .bind(caller.user_id)
                .fetch_optional(&mut tx)
                .await?;
        let name = name.ok_or(Error::NotFound("device"))?;
        let sessions: Vec<Uuid> = sql::query_scalar(
            "select id from sessions where device_id = $1 and revoked_at is null",
        )
        .bind(device_id)
        .fetch_all(&mut tx)
        .await?;
        for session_id in &sessions {
            revoke_session(&mut tx, *session_id, "device_revoked", now).await?;
        }
        sql::query("delete from devices where id = $1")
            .bind(device_id)
            .execute(&mut tx)
            .await
            .map(|r| r.rows_affected())?;
        audit::record_for_user(
            &mut tx,
            caller.user_id,
            NewAuditEvent {
                tenant_id: None,
                actor_user_id: Some(caller.user_id),
                action: action::DEVICE_REVOKED,
                target_type: Some("device"),
                target_id: Some(device_id.to_string()),
                ip_address: client.ip.as_deref(),
                details: json!({ "name": name, "sessionsEnded": sessions.len() }),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }
}

/// Revokes one session, if it is still live.
pub async fn revoke_session(
    tx: &mut Tx,
    session_id: Uuid,
    reason: &str,
    now: DateTime<Utc>,
) -> Result<()> {
    sql::query(
        "update sessions set revoked_at = $2, revoked_reason = $3 where id = $1 and revoked_at is null")
        .bind(session_id)
        .bind(now)
        .bind(reason)
        .execute(&mut *tx)
        .await.map(|r| r.rows_affected())?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::describe_user_agent;

    #[test]
    fn user_agents_get_short_names() {
        let cases = [
            (
                "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0",
                "Firefox on Linux",
            ),
            (
                "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0 Safari/537.36 Edg/130.0",
                "Edge on Windows",
            ),
            (
                "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 Version/17.0 Mobile/15E148 Safari/604.1",
                "Safari on iOS",
            ),
            ("curl/8.5.0", "curl"),
            ("", "Unknown device"),
            ("lumiku-sdk/1.0", "lumiku-sdk"),
        ];
        for (ua, expected) in cases {
            assert_eq!(describe_user_agent(ua), expected, "{ua}");
        }
    }
}
