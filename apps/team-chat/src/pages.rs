//! The chat's page in the dashboard: the channel list with unread badges, the open channel's
//! latest messages (server-rendered, so the page reads without script), the composer with its
//! price, and `chat.js`, which keeps all of it live over the realtime connection and sends
//! through the app's metered API.

use askama::Template;
use axum::Router;
use axum::http::header;
use axum::response::{Html, IntoResponse};
use axum::routing::get;
use lumiku_plugin::context::{Action, Member};
use lumiku_plugin::extract::Query;
use lumiku_plugin::{ApiError, PageContext, Permission};
use serde::Deserialize;
use uuid::Uuid;

use crate::store::{self, ChannelSummary};
use crate::{CreateChannel, MANIFEST, SendMessage};

/// The page routes, relative to `/apps/team-chat`.
pub fn router() -> Router {
    Router::new()
        .route("/", get(chat_page))
        .route("/chat.js", get(script))
        .route("/chat.css", get(styles))
}

/// The page's styles.
async fn styles() -> impl IntoResponse {
    (
        [
            (header::CONTENT_TYPE, "text/css; charset=utf-8"),
            (header::CACHE_CONTROL, "no-cache"),
        ],
        include_str!("../assets/chat.css"),
    )
}

/// The page's script (served from this site: the content security policy allows no other).
async fn script() -> impl IntoResponse {
    (
        [
            (header::CONTENT_TYPE, "text/javascript; charset=utf-8"),
            (header::CACHE_CONTROL, "no-cache"),
        ],
        include_str!("../assets/chat.js"),
    )
}

/// Which channel is open.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct PageQuery {
    channel: Option<Uuid>,
}

struct ChannelView {
    id: Uuid,
    label: String,
    kind: String,
    unread: i64,
    current: bool,
}

struct MessageView {
    id: Uuid,
    author_id: Uuid,
    author: String,
    body: String,
    html: String,
    reactions_json: String,
    sent: String,
    iso: String,
    edited: bool,
    deleted: bool,
    replies: i64,
    reactions: Vec<(String, usize)>,
}

struct MemberView {
    id: Uuid,
    name: String,
}

#[derive(Template)]
#[template(path = "chat.html")]
struct ChatPage {
    name: &'static str,
    api: &'static str,
    user_id: Uuid,
    can_write: bool,
    moderates: bool,
    send_cost: i64,
    channel_cost: i64,
    channels: Vec<ChannelView>,
    directs: Vec<ChannelView>,
    current: Option<CurrentView>,
    others: Vec<MemberView>,
}

struct CurrentView {
    id: Uuid,
    label: String,
    description: Option<String>,
    messages: Vec<MessageView>,
    older: bool,
}

fn label(summary: &ChannelSummary, members: &[Member]) -> String {
    match (&summary.channel.name, summary.peer) {
        (Some(name), _) => format!("# {name}"),
        (None, Some(peer)) => members
            .iter()
            .find(|m| m.user_id == peer)
            .map_or_else(|| "A former member".to_owned(), |m| m.name.clone()),
        (None, None) => "Just you".to_owned(),
    }
}

async fn chat_page(
    page: PageContext,
    Query(query): Query<PageQuery>,
) -> Result<Html<String>, ApiError> {
    let (tenant, user) = (page.tenant_id(), page.user_id());
    let members = page.members().await?;
    let mut tx = page.read().await?;
    let list = store::list_channels(&mut tx, tenant, user).await?;
    let open = query
        .channel
        .filter(|id| list.iter().any(|c| c.channel.id == *id))
        .or_else(|| list.first().map(|c| c.channel.id));
    let current = match open.and_then(|id| list.iter().find(|c| c.channel.id == id)) {
        None => None,
        Some(summary) => {
            let id = summary.channel.id;
            let history = store::channel_messages(&mut tx, tenant, id, None, 50).await?;
            let mut messages: Vec<MessageView> = history
                .messages
                .into_iter()
                .map(|m| MessageView {
                    id: m.id,
                    author_id: m.author_id,
                    author: members
                        .iter()
                        .find(|x| x.user_id == m.author_id)
                        .map_or_else(|| "A former member".to_owned(), |x| x.name.clone()),
                    reactions_json: serde_json::to_string(&m.reactions).unwrap_or_default(),
                    body: m.body,
                    html: m.html,
                    sent: m.created_at.format("%d %b %H:%M").to_string(),
                    iso: m.created_at.to_rfc3339(),
                    edited: m.edited_at.is_some(),
                    deleted: m.deleted,
                    replies: m.reply_count,
                    reactions: m
                        .reactions
                        .into_iter()
                        .map(|r| (r.emoji, r.user_ids.len()))
                        .collect(),
                })
                .collect();
            messages.reverse();
            Some(CurrentView {
                id,
                label: label(summary, &members),
                description: summary.channel.description.clone(),
                messages,
                older: history.next_cursor.is_some(),
            })
        }
    };
    tx.commit().await.map_err(ApiError::internal)?;
    let view = |c: &ChannelSummary| ChannelView {
        id: c.channel.id,
        label: label(c, &members),
        kind: c.channel.kind.clone(),
        unread: c.unread,
        current: Some(c.channel.id) == open,
    };
    let body = ChatPage {
        name: MANIFEST.name,
        api: MANIFEST.route_prefix,
        user_id: user,
        can_write: page.can(Permission::Write),
        moderates: page.can(Permission::ManageMembers),
        send_cost: page.cost(SendMessage::NAME),
        channel_cost: page.cost(CreateChannel::NAME),
        channels: list
            .iter()
            .filter(|c| c.channel.kind != "direct")
            .map(view)
            .collect(),
        directs: list
            .iter()
            .filter(|c| c.channel.kind == "direct")
            .map(view)
            .collect(),
        current,
        others: members
            .iter()
            .filter(|m| m.user_id != user)
            .map(|m| MemberView {
                id: m.user_id,
                name: m.name.clone(),
            })
            .collect(),
    }
    .render()
    .map_err(ApiError::internal)?;
    Ok(page.render(MANIFEST.name, &body))
}
