//! Team Chat: channels (public in the tenant, or private to their members), direct
//! conversations, threads, reactions, @mentions, unread counts, search, and every change
//! delivered live over the platform's realtime connection (`lumiku_plugin::realtime`).
//!
//! Creating a channel and sending a message cost credits; everything else is free. The manifest
//! holds every price.

pub mod model;
mod pages;
pub mod routes;
pub mod store;

use std::sync::Arc;

use lumiku_plugin::{Access, Dashboard, Features, Install, Manifest, Migration, Plugin, Role};
use utoipa_axum::router::OpenApiRouter;

/// The app's manifest: the only place its prices are written.
pub const MANIFEST: Manifest = Manifest {
    app_id: "team-chat",
    name: "Team Chat",
    description: "Chat with your team",
    icon: "message-square",
    version: "0.1.0",
    route_prefix: "/api/apps/team-chat",
    credits: &[
        ("createChannel", 2),
        ("sendMessage", 1),
        ("editMessage", 0),
        ("deleteMessage", 0),
        ("addReaction", 0),
        ("removeReaction", 0),
        ("openDirect", 0),
        ("updateChannel", 0),
        ("deleteChannel", 0),
        ("addMember", 0),
        ("removeMember", 0),
        ("markRead", 0),
    ],
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
        order: 5,
        color: "purple",
        stats_endpoint: Some("/api/apps/team-chat/stats"),
    },
};

/// The app's schema changes, in order. An applied migration is never edited: add the next one.
const MIGRATIONS: &[Migration] = &[Migration {
    version: 1,
    name: "channels, members, messages, reactions, mentions",
    sqlite: include_str!("../migrations/sqlite/0001_chat.sql"),
    postgres: include_str!("../migrations/postgres/0001_chat.sql"),
}];

lumiku_plugin::actions! {
    /// Create a channel.
    CreateChannel = "createChannel",
    /// Send a message or a reply.
    SendMessage = "sendMessage",
    /// Edit one's message.
    EditMessage = "editMessage",
    /// Delete a message.
    DeleteMessage = "deleteMessage",
    /// React to a message.
    AddReaction = "addReaction",
    /// Take a reaction back.
    RemoveReaction = "removeReaction",
    /// Open a direct conversation.
    OpenDirect = "openDirect",
    /// Rename a channel or change its description.
    UpdateChannel = "updateChannel",
    /// Delete a channel.
    DeleteChannel = "deleteChannel",
    /// Add a member to a channel.
    AddMember = "addMember",
    /// Remove a member from a channel.
    RemoveMember = "removeMember",
    /// Mark a channel read (viewers too: it is free).
    MarkRead = "markRead" as readers,
}

/// The app.
pub struct TeamChat;

impl Plugin for TeamChat {
    fn manifest(&self) -> &'static Manifest {
        &MANIFEST
    }

    fn routes(&self) -> OpenApiRouter {
        routes::router()
    }

    fn migrations(&self) -> &'static [Migration] {
        MIGRATIONS
    }

    fn pages(&self) -> Option<axum::Router> {
        Some(pages::router())
    }

    fn rebuild_sql(&self, backend: lumiku_plugin::sql::Backend) -> &'static [&'static str] {
        match backend {
            // The search index holds each message that is not deleted (`store::index`).
            lumiku_plugin::sql::Backend::Sqlite => &[
                "delete from team_chat_search",
                "insert into team_chat_search (body, message_id, tenant_id, channel_id) \
                 select body, id, tenant_id, channel_id from team_chat_messages \
                 where deleted_at is null",
            ],
            lumiku_plugin::sql::Backend::Postgres => &[],
        }
    }

    fn authorize_topic(
        &self,
        context: lumiku_plugin::AppContext,
        topic: String,
    ) -> lumiku_plugin::context::BoxFuture<'static, Result<(), lumiku_plugin::ApiError>> {
        Box::pin(routes::authorize_topic(context, topic))
    }
}

/// The app, ready to hand to the server.
pub fn app() -> Arc<dyn Plugin> {
    Arc::new(TeamChat)
}

#[cfg(test)]
mod tests {
    use super::*;
    use lumiku_plugin::context::Action;

    #[test]
    fn the_manifest_is_valid_and_prices_every_action() {
        let problems = MANIFEST.problems();
        assert!(problems.is_empty(), "{problems:?}");
        for name in [
            CreateChannel::NAME,
            SendMessage::NAME,
            EditMessage::NAME,
            DeleteMessage::NAME,
            AddReaction::NAME,
            RemoveReaction::NAME,
            OpenDirect::NAME,
            UpdateChannel::NAME,
            DeleteChannel::NAME,
            AddMember::NAME,
            RemoveMember::NAME,
            MarkRead::NAME,
        ] {
            assert!(MANIFEST.cost(name).is_some(), "{name}");
        }
        assert_eq!(MANIFEST.cost(CreateChannel::NAME), Some(2));
        assert_eq!(MANIFEST.cost(SendMessage::NAME), Some(1));
    }
}
