//! An app's manifest: who it is, what each of its actions costs, who may use it, and how its
//! dashboard card looks. Validated at start-up; a bad manifest stops the server with the app's
//! id and the field at fault.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::role::Role;

/// Subscription tiers, lowest first; `minSubscriptionTier` compares on this order.
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
pub enum Tier {
    /// Every tenant without a paid plan.
    Free,
    /// The first paid tier.
    Basic,
    /// The middle tier.
    Pro,
    /// The top tier.
    Enterprise,
}

impl Tier {
    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            Tier::Free => "free",
            Tier::Basic => "basic",
            Tier::Pro => "pro",
            Tier::Enterprise => "enterprise",
        }
    }

    /// The tier named `name`.
    pub fn parse(name: &str) -> Option<Tier> {
        [Tier::Free, Tier::Basic, Tier::Pro, Tier::Enterprise]
            .into_iter()
            .find(|t| t.as_str() == name)
    }
}

/// Who may use an app.
#[derive(Debug, Clone, Copy, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Access {
    /// A valid access token is required (every app with metered actions requires one).
    pub requires_auth: bool,
    /// Only tenants with a paid subscription may use it.
    pub requires_subscription: bool,
    /// The lowest tier allowed, if any.
    pub min_subscription_tier: Option<Tier>,
    /// The tenant roles that may open it; metered actions further need the write permission.
    pub allowed_roles: &'static [Role],
}

/// Feature flags, the defaults of the app's registry state.
#[derive(Debug, Clone, Copy, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Features {
    /// Mounted and usable.
    pub enabled: bool,
    /// Shown with a beta badge.
    pub beta: bool,
    /// Shown as coming soon; cannot be opened.
    pub coming_soon: bool,
}

/// How tenants get the app.
#[derive(Debug, Clone, Copy, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Install {
    /// New tenants get it installed.
    pub default: bool,
    /// Credits a tenant pays once to install it (0: free), charged like any metered action.
    pub cost: i64,
}

/// The dashboard card.
#[derive(Debug, Clone, Copy, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Dashboard {
    /// Position, lowest first.
    pub order: i32,
    /// Card colour name (`blue`, `green`, ...).
    pub color: &'static str,
    /// The app's stats endpoint, if it has one (under its route prefix).
    pub stats_endpoint: Option<&'static str>,
}

/// An app's manifest (the seed's PluginConfig).
#[derive(Debug, Clone, Copy, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Manifest {
    /// Kebab-case id, unique among apps: `project-manager`.
    pub app_id: &'static str,
    /// Display name.
    pub name: &'static str,
    /// One sentence.
    pub description: &'static str,
    /// A Lucide icon name: `target`, `file-text`.
    pub icon: &'static str,
    /// Semantic version.
    pub version: &'static str,
    /// Always `/api/apps/{appId}`.
    pub route_prefix: &'static str,
    /// Credit cost per action, action names in camelCase. The only place a cost is written.
    pub credits: &'static [(&'static str, i64)],
    /// Access rules.
    pub access: Access,
    /// Feature flags.
    pub features: Features,
    /// How tenants get it.
    pub install: Install,
    /// The platform's own data of the tenant the app may read, read-only, through
    /// [`AppContext::platform`](crate::AppContext::platform): its usage, its ledger. Empty for
    /// most apps; shown to tenants with the app.
    pub platform_data: &'static [crate::platform::PlatformData],
    /// The webhook events the app sends, each a name and what it tells: `("invoice.paid", "An
    /// invoice was paid")`. Tenants subscribe to one as `{appId}.{name}`
    /// (`invoice-generator.invoice.paid`); the app emits it on an action's transaction with
    /// [`Metered::emit_webhook`](crate::Metered::emit_webhook), so it is sent if and only if the
    /// action commits.
    pub webhook_events: &'static [(&'static str, &'static str)],
    /// Dashboard card.
    pub dashboard: Dashboard,
}

/// What is wrong with a manifest.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ManifestError {
    /// The app's id as written.
    pub app_id: String,
    /// The field at fault.
    pub field: &'static str,
    /// Why.
    pub message: String,
}

impl fmt::Display for ManifestError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "invalid manifest for app '{}': {}: {}",
            self.app_id, self.field, self.message
        )
    }
}

impl std::error::Error for ManifestError {}

/// Card colours the dashboard knows.
pub const COLORS: &[&str] = &[
    "blue", "green", "red", "purple", "orange", "yellow", "pink", "indigo", "teal", "cyan", "gray",
];

fn is_kebab(s: &str) -> bool {
    !s.is_empty()
        && s.split('-').all(|part| {
            !part.is_empty()
                && part
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit())
        })
        && s.starts_with(|c: char| c.is_ascii_lowercase())
}

fn is_camel(s: &str) -> bool {
    s.starts_with(|c: char| c.is_ascii_lowercase()) && s.chars().all(|c| c.is_ascii_alphanumeric())
}

/// `invoice.paid`: one to four words of a-z, 0-9 and `_`, each starting with a letter.
fn is_event_name(s: &str) -> bool {
    let words: Vec<&str> = s.split('.').collect();
    s.len() <= 60
        && (1..=4).contains(&words.len())
        && words.iter().all(|w| {
            w.starts_with(|c: char| c.is_ascii_lowercase())
                && w.chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
        })
}

fn is_semver(s: &str) -> bool {
    let core = s.split(['-', '+']).next().unwrap_or("");
    let parts: Vec<&str> = core.split('.').collect();
    parts.len() == 3
        && parts.iter().all(|p| {
            !p.is_empty()
                && p.chars().all(|c| c.is_ascii_digit())
                && (p.len() == 1 || !p.starts_with('0'))
        })
}

impl Manifest {
    /// A manifest of the platform's usual settings, to complete with struct update syntax: sign-in
    /// required, every role allowed, no subscription needed, enabled, installed by default at no
    /// cost, a blue card first on the dashboard, no metered action. Name, description, icon and
    /// version are left empty, for the app to say.
    pub const fn defaults(app_id: &'static str, route_prefix: &'static str) -> Self {
        Self {
            app_id,
            name: "",
            description: "",
            icon: "",
            version: "",
            route_prefix,
            credits: &[],
            access: Access {
                requires_auth: true,
                requires_subscription: false,
                min_subscription_tier: None,
                allowed_roles: &Role::ALL,
            },
            features: Features {
                enabled: true,
                beta: false,
                coming_soon: false,
            },
            install: Install {
                default: true,
                cost: 0,
            },
            platform_data: &[],
            webhook_events: &[],
            dashboard: Dashboard {
                order: 0,
                color: "blue",
                stats_endpoint: None,
            },
        }
    }

    /// The cost of `action`, if the manifest declares it.
    pub fn cost(&self, action: &str) -> Option<i64> {
        self.credits
            .iter()
            .find(|(name, _)| *name == action)
            .map(|(_, cost)| *cost)
    }

    /// The app's table-name prefix: its id with `_` for `-`, then `_`.
    pub fn table_prefix(&self) -> String {
        format!("{}_", self.app_id.replace('-', "_"))
    }

    /// Checks every field; the first fault is reported.
    pub fn validate(&self) -> Result<(), ManifestError> {
        match self.problems().into_iter().next() {
            Some(problem) => Err(problem),
            None => Ok(()),
        }
    }

    /// Every fault of the manifest, in the manifest's field order. One check per field, so it
    /// reads as the manifest's rules; it is long because the manifest is.
    pub fn problems(&self) -> Vec<ManifestError> {
        let mut problems = Vec::new();
        let mut fail = |field: &'static str, message: String| {
            problems.push(ManifestError {
                app_id: self.app_id.to_owned(),
                field,
                message,
            });
        };
        if !is_kebab(self.app_id) || self.app_id.len() > 40 {
            fail(
                "appId",
                "must be kebab-case (a-z, 0-9, single dashes), at most 40 characters".into(),
            );
        }
        if self.name.trim().is_empty() || self.name.chars().count() > 60 {
            fail("name", "must be 1 to 60 characters".into());
        }
        if self.description.trim().is_empty() || self.description.chars().count() > 280 {
            fail("description", "must be 1 to 280 characters".into());
        }
        if !is_kebab(self.icon) {
            fail("icon", "must be a Lucide icon name in kebab-case".into());
        }
        if !(0..=1_000_000_000).contains(&self.install.cost) {
            fail("install.cost", "must be 0 to 1000000000 credits".into());
        }
        if !is_semver(self.version) {
            fail(
                "version",
                format!("'{}' is not a semantic version (1.2.3)", self.version),
            );
        }
        let prefix = format!("/api/apps/{}", self.app_id);
        if self.route_prefix != prefix {
            fail("routePrefix", format!("must be {prefix}"));
        }
        for (i, (action, cost)) in self.credits.iter().enumerate() {
            if !is_camel(action) {
                fail("credits", format!("action '{action}' must be camelCase"));
            }
            if !(0..=1_000_000).contains(cost) {
                fail(
                    "credits",
                    format!("cost of '{action}' must be between 0 and 1000000"),
                );
            }
            if self.credits[..i].iter().any(|(other, _)| other == action) {
                fail("credits", format!("action '{action}' is declared twice"));
            }
        }
        if !self.credits.is_empty() && !self.access.requires_auth {
            fail(
                "access.requiresAuth",
                "an app with metered actions must require authentication".into(),
            );
        }
        if self.access.allowed_roles.is_empty() {
            fail("access.allowedRoles", "must name at least one role".into());
        }
        if self.access.requires_subscription
            && self
                .access
                .min_subscription_tier
                .is_none_or(|t| t == Tier::Free)
        {
            fail(
                "access.minSubscriptionTier",
                "a subscription-only app needs a paid tier".into(),
            );
        }
        if self.features.coming_soon && self.features.beta {
            fail(
                "features",
                "an app cannot be both beta and coming soon".into(),
            );
        }
        for (i, (event, description)) in self.webhook_events.iter().enumerate() {
            if !is_event_name(event) {
                fail(
                    "webhookEvents",
                    format!(
                        "event '{event}' must be 1 to 4 dot-separated lowercase words \
                         (a-z, 0-9, _), at most 60 characters: 'invoice.paid'"
                    ),
                );
            }
            if description.trim().is_empty() || description.chars().count() > 200 {
                fail(
                    "webhookEvents",
                    format!("the description of '{event}' must be 1 to 200 characters"),
                );
            }
            if self.webhook_events[..i]
                .iter()
                .any(|(other, _)| other == event)
            {
                fail(
                    "webhookEvents",
                    format!("event '{event}' is declared twice"),
                );
            }
        }
        if !COLORS.contains(&self.dashboard.color) {
            fail(
                "dashboard.color",
                format!("must be one of {}", COLORS.join(", ")),
            );
        }
        if let Some(endpoint) = self.dashboard.stats_endpoint
            && !endpoint.starts_with(&format!("{prefix}/"))
        {
            fail(
                "dashboard.stats.endpoint",
                format!("must be under {prefix}/"),
            );
        }
        problems
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const GOOD: Manifest = Manifest {
        app_id: "task-scheduler",
        name: "Task Scheduler",
        description: "Schedule tasks",
        icon: "calendar",
        version: "1.0.0",
        route_prefix: "/api/apps/task-scheduler",
        credits: &[("createTask", 2), ("runNow", 0)],
        access: Access {
            requires_auth: true,
            requires_subscription: false,
            min_subscription_tier: None,
            allowed_roles: &[Role::Owner, Role::Member],
        },
        features: Features {
            enabled: true,
            beta: false,
            coming_soon: false,
        },
        install: Install {
            default: true,
            cost: 0,
        },
        platform_data: &[],
        webhook_events: &[("task.failed", "A task's run failed")],
        dashboard: Dashboard {
            order: 4,
            color: "green",
            stats_endpoint: Some("/api/apps/task-scheduler/stats"),
        },
    };

    #[test]
    fn a_good_manifest_passes_and_knows_its_costs() {
        assert_eq!(GOOD.validate(), Ok(()));
        assert_eq!(GOOD.cost("createTask"), Some(2));
        assert_eq!(GOOD.cost("deleteEverything"), None);
        assert_eq!(GOOD.table_prefix(), "task_scheduler_");
    }

    #[test]
    fn each_bad_field_is_named() {
        let cases: Vec<(Manifest, &str)> = vec![
            (
                Manifest {
                    app_id: "Task_Scheduler",
                    ..GOOD
                },
                "appId",
            ),
            (
                Manifest {
                    app_id: "task--x",
                    ..GOOD
                },
                "appId",
            ),
            (Manifest { name: " ", ..GOOD }, "name"),
            (
                Manifest {
                    icon: "Calendar",
                    ..GOOD
                },
                "icon",
            ),
            (
                Manifest {
                    version: "1.0",
                    ..GOOD
                },
                "version",
            ),
            (
                Manifest {
                    version: "01.0.0",
                    ..GOOD
                },
                "version",
            ),
            (
                Manifest {
                    route_prefix: "/apps/task-scheduler",
                    ..GOOD
                },
                "routePrefix",
            ),
            (
                Manifest {
                    credits: &[("create-task", 1)],
                    ..GOOD
                },
                "credits",
            ),
            (
                Manifest {
                    credits: &[("createTask", -1)],
                    ..GOOD
                },
                "credits",
            ),
            (
                Manifest {
                    credits: &[("createTask", 1), ("createTask", 2)],
                    ..GOOD
                },
                "credits",
            ),
            (
                Manifest {
                    webhook_events: &[("Task.Failed", "A task failed")],
                    ..GOOD
                },
                "webhookEvents",
            ),
            (
                Manifest {
                    webhook_events: &[("task..failed", "A task failed")],
                    ..GOOD
                },
                "webhookEvents",
            ),
            (
                Manifest {
                    webhook_events: &[("a.b.c.d.e", "Too deep")],
                    ..GOOD
                },
                "webhookEvents",
            ),
            (
                Manifest {
                    webhook_events: &[("task.failed", " ")],
                    ..GOOD
                },
                "webhookEvents",
            ),
            (
                Manifest {
                    webhook_events: &[("task.failed", "A"), ("task.failed", "B")],
                    ..GOOD
                },
                "webhookEvents",
            ),
            (
                Manifest {
                    access: Access {
                        requires_auth: false,
                        ..GOOD.access
                    },
                    ..GOOD
                },
                "access.requiresAuth",
            ),
            (
                Manifest {
                    access: Access {
                        allowed_roles: &[],
                        ..GOOD.access
                    },
                    ..GOOD
                },
                "access.allowedRoles",
            ),
            (
                Manifest {
                    access: Access {
                        requires_subscription: true,
                        ..GOOD.access
                    },
                    ..GOOD
                },
                "access.minSubscriptionTier",
            ),
            (
                Manifest {
                    features: Features {
                        enabled: true,
                        beta: true,
                        coming_soon: true,
                    },
                    ..GOOD
                },
                "features",
            ),
            (
                Manifest {
                    install: Install {
                        default: true,
                        cost: 0,
                    },
                    platform_data: &[],
                    webhook_events: &[],
                    dashboard: Dashboard {
                        color: "chartreuse",
                        ..GOOD.dashboard
                    },
                    ..GOOD
                },
                "dashboard.color",
            ),
            (
                Manifest {
                    install: Install {
                        default: true,
                        cost: 0,
                    },
                    platform_data: &[],
                    webhook_events: &[],
                    dashboard: Dashboard {
                        stats_endpoint: Some("/stats"),
                        ..GOOD.dashboard
                    },
                    ..GOOD
                },
                "dashboard.stats.endpoint",
            ),
        ];
        for (manifest, field) in cases {
            let error = manifest.validate().expect_err(field);
            assert_eq!(error.field, field, "{error}");
            assert!(error.to_string().contains(manifest.app_id));
        }
    }

    #[test]
    fn the_defaults_with_a_name_description_icon_and_version_are_a_valid_manifest() {
        let manifest = Manifest {
            name: "Notes",
            description: "Notes per tenant",
            icon: "notebook",
            version: "0.1.0",
            ..Manifest::defaults("notes", "/api/apps/notes")
        };
        assert_eq!(manifest.problems(), Vec::new());
        assert!(manifest.access.requires_auth && manifest.install.default);
        assert_eq!(manifest.access.allowed_roles, &Role::ALL);
    }
}
