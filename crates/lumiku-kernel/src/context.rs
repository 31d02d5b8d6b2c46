//! The ground floor: who is asking, in which tenant, from where. Every domain module stands on
//! these types; this module stands on nothing but the error.

use chrono::{DateTime, Utc};
use uuid::Uuid;

use crate::error::{Error, Result};

pub use lumiku_plugin::role::{Permission, Role};

/// A platform role: what a user may do across tenants.
pub mod platform_role {
    /// Everyone.
    pub const USER: &str = "user";
    /// Platform administrators (made by `lumiku admin create-user --admin`).
    pub const ADMIN: &str = "admin";
}

/// The authenticated caller of a request.
#[derive(Debug, Clone)]
pub struct Caller {
    /// The user.
    pub user_id: Uuid,
    /// The session the access token belongs to.
    pub session_id: Uuid,
    /// `user` or `admin`, as stored now (not as it was when the token was issued).
    pub platform_role: String,
    /// When the access token expires.
    pub expires_at: DateTime<Utc>,
}

impl Caller {
    /// Whether the caller is a platform administrator.
    pub fn is_admin(&self) -> bool {
        self.platform_role == platform_role::ADMIN
    }

    /// Refuses with [`Error::Forbidden`] (saying `what` is for administrators) unless the caller
    /// is a platform administrator.
    pub fn require_admin(&self, what: &'static str) -> Result<()> {
        if self.is_admin() {
            Ok(())
        } else {
            Err(Error::Forbidden(what))
        }
    }
}

/// The tenant a request acts in, after the caller's membership was checked.
#[derive(Debug, Clone, Copy)]
pub struct TenantAccess {
    /// The tenant.
    pub tenant_id: Uuid,
    /// The caller's role in it.
    pub role: Role,
}

impl TenantAccess {
    /// Refuses with 403 unless the role grants `permission`.
    pub fn require(&self, permission: Permission) -> Result<()> {
        if self.role.can(permission) {
            Ok(())
        } else {
            Err(Error::Forbidden(
                "your role in this tenant does not allow this",
            ))
        }
    }
}

/// Where a request came from, for devices, rate limits and the audit log.
#[derive(Debug, Clone, Default)]
pub struct ClientInfo {
    /// The client's IP address.
    pub ip: Option<String>,
    /// The `User-Agent` header.
    pub user_agent: Option<String>,
}

/// The role named `name` (stored, or in a request body).
pub fn role_from_name(name: &str) -> Result<Role> {
    Role::parse(name)
        .ok_or_else(|| Error::invalid("role", "must be one of owner, admin, member, viewer"))
}
