//! Tenant roles and what they permit: the one place that decides who may do what in a tenant.

use serde::{Deserialize, Serialize};

/// A member's role in a tenant, from most to least powerful.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    Serialize,
    Deserialize,
    utoipa::ToSchema,
)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    /// Everything, including managing owners. A tenant always keeps at least one.
    Owner,
    /// Manages members (but not owners) and billing, and reads the audit log.
    Admin,
    /// Uses the tenant's apps.
    Member,
    /// Reads only.
    Viewer,
}

/// Something a member may be allowed to do in a tenant.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Permission {
    /// See the tenant, its members, its apps' data and its credits.
    Read,
    /// Change data in the tenant's apps (every metered action).
    Write,
    /// Add, re-role and remove members below owner.
    ManageMembers,
    /// Grant or take the owner role, and manage owners.
    ManageOwners,
    /// Read the audit log.
    ReadAudit,
    /// Subscribe, change plan, buy credits and pay invoices.
    ManageBilling,
    /// Install and uninstall apps, and opt into beta apps.
    ManageApps,
}

impl Role {
    /// Every role, most powerful first.
    pub const ALL: [Role; 4] = [Role::Owner, Role::Admin, Role::Member, Role::Viewer];

    /// Whether this role grants `permission`.
    pub fn can(self, permission: Permission) -> bool {
        use Permission::*;
        match self {
            Role::Owner => true,
            Role::Admin => {
                matches!(
                    permission,
                    Read | Write | ManageMembers | ReadAudit | ManageBilling | ManageApps
                )
            }
            Role::Member => matches!(permission, Read | Write),
            Role::Viewer => matches!(permission, Read),
        }
    }

    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Owner => "owner",
            Role::Admin => "admin",
            Role::Member => "member",
            Role::Viewer => "viewer",
        }
    }

    /// The role named `name`.
    pub fn parse(name: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.as_str() == name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_grant_what_the_table_says() {
        use Permission::*;
        let table = [
            (Role::Owner, [true, true, true, true, true, true, true]),
            (Role::Admin, [true, true, true, false, true, true, true]),
            (
                Role::Member,
                [true, true, false, false, false, false, false],
            ),
            (
                Role::Viewer,
                [true, false, false, false, false, false, false],
            ),
        ];
        for (role, expected) in table {
            let got = [
                Read,
                Write,
                ManageMembers,
                ManageOwners,
                ReadAudit,
                ManageBilling,
                ManageApps,
            ]
            .map(|p| role.can(p));
            assert_eq!(got, expected, "{role:?}");
        }
    }

    #[test]
    fn roles_parse_from_their_names_only() {
        for role in Role::ALL {
            assert_eq!(Role::parse(role.as_str()), Some(role));
        }
        assert_eq!(Role::parse("superuser"), None);
    }
}
