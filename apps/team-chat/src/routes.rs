//! The chat's API, relative to `/api/apps/team-chat`. Every write publishes its realtime event
//! on its own transaction, so a client hears of exactly the writes that committed.
//!
//! Topics (`team-chat:` + one of these): `channel:{id}` (messages, edits, deletions, reactions,
//! typing, members; for whoever sees the channel), `user:{id}` (mentions, read marks, channels
//! one was added to or removed from; for that user only), `channels` (public channels created,
//! renamed or deleted; for every member of the tenant).

use axum::http::StatusCode;
use lumiku_plugin::context::Member;
use lumiku_plugin::extract::{Json, Path, Query};
use lumiku_plugin::{
    ApiError, AppContext, Charged, ErrorBody, Event, IdempotencyKey, List, Metered, MeteredErrors,
    Permission, Role,
};
use serde::{Deserialize, Serialize};
use serde_json::json;
use utoipa::openapi::path::{Parameter, ParameterIn};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

use crate::model::{
    self, ChannelChange, MessageEdit, NewChannel, NewDirect, NewMember, NewMessage, NewReaction,
    ReadMark,
};
use crate::store::{self, Channel, ChannelSummary, Hit, Mention, Message};
use crate::{
    AddMember, AddReaction, CreateChannel, DeleteChannel, DeleteMessage, EditMessage, MarkRead,
    OpenDirect, RemoveMember, RemoveReaction, SendMessage, UpdateChannel,
};

pub fn router() -> OpenApiRouter {
    OpenApiRouter::new()
        .routes(routes!(list_channels, create_channel))
        .routes(routes!(open_direct))
        .routes(routes!(get_channel, update_channel, delete_channel))
        .routes(routes!(add_member))
        .routes(routes!(remove_member))
        .routes(routes!(list_messages, send_message))
        .routes(routes!(list_replies))
        .routes(routes!(edit_message, delete_message))
        .routes(routes!(add_reaction))
        .routes(routes!(remove_reaction))
        .routes(routes!(mark_read))
        .routes(routes!(typing))
        .routes(routes!(search))
        .routes(routes!(mentions))
        .routes(routes!(stats))
}

/// The topic of a channel.
pub fn channel_topic(id: Uuid) -> String {
    format!("channel:{id}")
}

/// The topic of one user.
pub fn user_topic(id: Uuid) -> String {
    format!("user:{id}")
}

/// The topic of the tenant's public channel list.
pub const CHANNELS_TOPIC: &str = "channels";

/// A channel and its members.
#[derive(Serialize, ToSchema)]
pub struct ChannelBody {
    channel: Channel,
    /// Its members (of a public channel: those who joined).
    members: Vec<Uuid>,
}

/// A message.
#[derive(Serialize, ToSchema)]
pub struct MessageBody {
    message: Message,
}

/// A page of messages.
#[derive(Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct MessageList {
    items: Vec<Message>,
    /// Pass it back (`before` for a channel's history, `after` for a thread) for the next page.
    next_cursor: Option<Uuid>,
}

impl MessageList {
    fn of(page: store::MessagePage, members: &[Member]) -> Self {
        Self {
            items: page
                .messages
                .into_iter()
                .map(|m| named(m, members))
                .collect(),
            next_cursor: page.next_cursor,
        }
    }
}

/// Which page of a channel's history.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[serde(default, deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct HistoryQuery {
    /// The `nextCursor` of the previous page: messages older than it.
    pub(crate) before: Option<Uuid>,
    /// Page size, 1 to 200 (default 50).
    #[serde(deserialize_with = "lumiku_plugin::list::limit::<200, _>")]
    #[param(minimum = 1, maximum = 200)]
    pub(crate) limit: Option<u32>,
}

/// Which page of a thread.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[serde(default, deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ThreadQuery {
    /// The `nextCursor` of the previous page: replies newer than it.
    after: Option<Uuid>,
    /// Page size, 1 to 200 (default 50).
    #[serde(deserialize_with = "lumiku_plugin::list::limit::<200, _>")]
    #[param(minimum = 1, maximum = 200)]
    limit: Option<u32>,
}

/// A search.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SearchQuery {
    q: String,
    #[serde(default, deserialize_with = "lumiku_plugin::list::limit::<50, _>")]
    limit: Option<u32>,
}

impl IntoParams for SearchQuery {
    fn into_params(_: impl Fn() -> Option<ParameterIn>) -> Vec<Parameter> {
        vec![
            lumiku_plugin::text::parameter(
                "q",
                ParameterIn::Query,
                true,
                "Words to find (each whole or as a prefix), 1 to 200 characters, one line.",
                lumiku_plugin::text::one_line_schema::<200>(),
            ),
            lumiku_plugin::list::limit_parameter::<50>(
                "At most this many hits, 1 to 50 (default 20).",
            ),
        ]
    }
}

/// The dashboard card's figures.
#[derive(Serialize, ToSchema)]
pub struct Stats {
    /// Named channels.
    channels: i64,
    /// Messages.
    messages: i64,
}

/// What a metered action keeps with its usage row.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Usage {
    channel_id: Uuid,
    #[serde(skip_serializing_if = "Option::is_none")]
    message_id: Option<Uuid>,
}

fn usage(channel_id: Uuid, message_id: Option<Uuid>) -> Usage {
    Usage {
        channel_id,
        message_id,
    }
}

fn name_of(members: &[Member], user_id: Uuid) -> String {
    members
        .iter()
        .find(|m| m.user_id == user_id)
        .map(|m| m.name.clone())
        .unwrap_or_default()
}

fn named(mut message: Message, members: &[Member]) -> Message {
    message.author_name = name_of(members, message.author_id);
    message
}

/// 422 for what a direct conversation does not have.
fn direct_conversation(message: &'static str) -> ApiError {
    ApiError::new(
        StatusCode::UNPROCESSABLE_ENTITY,
        "direct_conversation",
        message,
    )
}

/// Whether the caller may moderate (delete any message, manage any channel): tenant admins.
fn moderates(role: Role) -> bool {
    role.can(Permission::ManageMembers)
}

async fn publish<A: lumiku_plugin::Action, B>(
    metered: &mut Metered<A, B>,
    topic: String,
    name: &str,
    data: serde_json::Value,
) -> Result<(), ApiError> {
    metered.publish(&Event::new(topic, name, &data)?).await
}

/// The channels the caller sees, with unread counts (free).
#[utoipa::path(get, path = "/channels", tag = "team-chat", security(("bearer" = [])),
    responses(
        (status = 200, description = "The channels", body = List<ChannelSummary>),
        (status = 401, description = "No valid access token", body = ErrorBody),
    ))]
async fn list_channels(ctx: AppContext) -> Result<Json<List<ChannelSummary>>, ApiError> {
    let mut tx = ctx.read().await?;
    let items = store::list_channels(&mut tx, ctx.tenant_id(), ctx.user_id()).await?;
    Ok(Json(List::complete(items)))
}

/// Creates a channel (`createChannel` credits): public for the whole tenant, or private for its
/// members. The creator joins it.
#[utoipa::path(post, path = "/channels", tag = "team-chat", security(("bearer" = [])),
    request_body = NewChannel, params(IdempotencyKey),
    responses((status = 201, description = "Created and charged", body = Charged<ChannelBody>),
        (status = 409, description = "A channel of that name exists", body = ErrorBody), MeteredErrors))]
async fn create_channel(
    mut metered: Metered<CreateChannel, NewChannel>,
) -> Result<Charged<ChannelBody>, ApiError> {
    let fields = metered.body().validate()?;
    let private = metered.body().private;
    let (tenant, user) = (metered.tenant_id(), metered.user_id());
    let tenant_members = metered.members().await?;
    let mut members = vec![user];
    for id in &metered.body().members {
        if !tenant_members.iter().any(|m| m.user_id == *id) {
            return Err(ApiError::invalid_field(
                "members",
                format!("{id} is not a member of this tenant"),
            ));
        }
        if !members.contains(id) {
            members.push(*id);
        }
    }
    let kind = if private { "private" } else { "public" };
    let channel = store::insert_channel(
        metered.tx(),
        tenant,
        user,
        kind,
        Some(&fields.name),
        fields.description.as_deref(),
        None,
    )
    .await?;
    for id in &members {
        store::add_member(metered.tx(), tenant, channel.id, *id).await?;
    }
    if private {
        for id in members.iter().filter(|id| **id != user) {
            publish(
                &mut metered,
                user_topic(*id),
                "channel.added",
                json!({ "channel": channel }),
            )
            .await?;
        }
    } else {
        let data = json!({ "channel": channel });
        publish(&mut metered, CHANNELS_TOPIC.into(), "channel.created", data).await?;
    }
    let id = channel.id;
    metered
        .finish(
            StatusCode::CREATED,
            ChannelBody { channel, members },
            usage(id, None),
        )
        .await
}

/// Opens the direct conversation with another member (free; the existing one if there is one).
#[utoipa::path(post, path = "/direct", tag = "team-chat", security(("bearer" = [])),
    request_body = NewDirect, params(IdempotencyKey),
    responses((status = 201, description = "Opened", body = Charged<ChannelBody>),
        (status = 200, description = "It already existed", body = Charged<ChannelBody>), MeteredErrors))]
async fn open_direct(
    mut metered: Metered<OpenDirect, NewDirect>,
) -> Result<Charged<ChannelBody>, ApiError> {
    let (tenant, user) = (metered.tenant_id(), metered.user_id());
    let peer = metered.body().user_id;
    let tenant_members = metered.members().await?;
    if peer == user || !tenant_members.iter().any(|m| m.user_id == peer) {
        return Err(ApiError::invalid_field(
            "userId",
            "must be another member of this tenant",
        ));
    }
    let key = store::direct_key(user, peer);
    let members = vec![user, peer];
    if let Some(channel) = store::find_direct(metered.tx(), tenant, &key).await? {
        let id = channel.id;
        return metered
            .finish(
                StatusCode::OK,
                ChannelBody { channel, members },
                usage(id, None),
            )
            .await;
    }
    let channel =
        store::insert_channel(metered.tx(), tenant, user, "direct", None, None, Some(&key)).await?;
    for id in &members {
        store::add_member(metered.tx(), tenant, channel.id, *id).await?;
    }
    publish(
        &mut metered,
        user_topic(peer),
        "channel.added",
        json!({ "channel": channel }),
    )
    .await?;
    let id = channel.id;
    metered
        .finish(
            StatusCode::CREATED,
            ChannelBody { channel, members },
            usage(id, None),
        )
        .await
}

/// A channel and its members (free).
#[utoipa::path(get, path = "/channels/{id}", tag = "team-chat", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Channel id")),
    responses(
        (status = 200, description = "The channel", body = ChannelBody),
        (status = 401, description = "No valid access token", body = ErrorBody),
        (status = 404, description = "No such channel for this caller", body = ErrorBody),
    ))]
async fn get_channel(ctx: AppContext, Path(id): Path<Uuid>) -> Result<Json<ChannelBody>, ApiError> {
    let mut tx = ctx.read().await?;
    let channel = store::visible_channel(&mut tx, ctx.tenant_id(), ctx.user_id(), id).await?;
    let members = store::member_ids(&mut tx, ctx.tenant_id(), id).await?;
    Ok(Json(ChannelBody { channel, members }))
}

/// A named channel the caller may manage (its creator, or a tenant admin); 404 if they cannot
/// see it, 403 if they see it but may not manage it, 422 for a direct conversation.
async fn managed_channel<A: lumiku_plugin::Action, B>(
    metered: &mut Metered<A, B>,
    id: Uuid,
) -> Result<Channel, ApiError> {
    let (tenant, user, role) = (metered.tenant_id(), metered.user_id(), metered.role());
    let channel = store::visible_channel(metered.tx(), tenant, user, id).await?;
    if channel.kind == "direct" {
        return Err(direct_conversation(
            "a direct conversation has no name, description or members to manage",
        ));
    }
    if channel.created_by != user && !moderates(role) {
        return Err(ApiError::forbidden(
            "only the channel's creator or a tenant admin may do this",
        ));
    }
    Ok(channel)
}

/// Renames a channel or changes its description (free; its creator or a tenant admin).
#[utoipa::path(patch, path = "/channels/{id}", tag = "team-chat", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Channel id"), IdempotencyKey),
    request_body = ChannelChange,
    responses((status = 200, description = "Changed", body = Charged<ChannelBody>),
        (status = 404, description = "No such channel for this caller", body = ErrorBody),
        (status = 409, description = "A channel of that name exists", body = ErrorBody), MeteredErrors))]
async fn update_channel(
    Path(id): Path<Uuid>,
    mut metered: Metered<UpdateChannel, ChannelChange>,
) -> Result<Charged<ChannelBody>, ApiError> {
    let (name, description) = metered.body().validate()?;
    let tenant = metered.tenant_id();
    let before = managed_channel(&mut metered, id).await?;
    store::update_channel(
        metered.tx(),
        tenant,
        id,
        name.as_deref(),
        description.as_ref().map(Option::as_deref),
    )
    .await?;
    let user = metered.user_id();
    let channel = store::visible_channel(metered.tx(), tenant, user, id).await?;
    let members = store::member_ids(metered.tx(), tenant, id).await?;
    let data = json!({ "channel": channel });
    publish(
        &mut metered,
        channel_topic(id),
        "channel.updated",
        data.clone(),
    )
    .await?;
    if !before.is_closed() {
        publish(&mut metered, CHANNELS_TOPIC.into(), "channel.updated", data).await?;
    }
    metered
        .finish(
            StatusCode::OK,
            ChannelBody { channel, members },
            usage(id, None),
        )
        .await
}

/// Deletes a channel with its messages (free; its creator or a tenant admin).
#[utoipa::path(delete, path = "/channels/{id}", tag = "team-chat", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Channel id"), IdempotencyKey),
    responses((status = 200, description = "Deleted", body = Charged<DeletedBody>),
        (status = 404, description = "No such channel for this caller", body = ErrorBody), MeteredErrors))]
async fn delete_channel(
    Path(id): Path<Uuid>,
    mut metered: Metered<DeleteChannel>,
) -> Result<Charged<DeletedBody>, ApiError> {
    let tenant = metered.tenant_id();
    let channel = managed_channel(&mut metered, id).await?;
    let members = store::member_ids(metered.tx(), tenant, id).await?;
    store::delete_channel(metered.tx(), tenant, id).await?;
    let data = json!({ "channelId": id });
    publish(
        &mut metered,
        channel_topic(id),
        "channel.deleted",
        data.clone(),
    )
    .await?;
    if channel.is_closed() {
        for member in members {
            metered.revoke(&channel_topic(id), member).await?;
        }
    } else {
        publish(&mut metered, CHANNELS_TOPIC.into(), "channel.deleted", data).await?;
    }
    metered
        .finish(
            StatusCode::OK,
            DeletedBody { deleted: true },
            usage(id, None),
        )
        .await
}

/// What was deleted.
#[derive(Serialize, ToSchema)]
pub struct DeletedBody {
    /// Always true.
    deleted: bool,
}

/// Adds a member to a channel (free): to a private channel, by one of its members or a tenant
/// admin; to a public one, any member may join themselves.
#[utoipa::path(post, path = "/channels/{id}/members", tag = "team-chat", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Channel id"), IdempotencyKey),
    request_body = NewMember,
    responses((status = 200, description = "A member now", body = Charged<ChannelBody>),
        (status = 404, description = "No such channel for this caller", body = ErrorBody), MeteredErrors))]
async fn add_member(
    Path(id): Path<Uuid>,
    mut metered: Metered<AddMember, NewMember>,
) -> Result<Charged<ChannelBody>, ApiError> {
    let (tenant, user, role) = (metered.tenant_id(), metered.user_id(), metered.role());
    let target = metered.body().user_id;
    let channel = store::visible_channel(metered.tx(), tenant, user, id).await?;
    if channel.kind == "direct" {
        return Err(direct_conversation(
            "a direct conversation is between two members",
        ));
    }
    if !channel.is_closed() && target != user && !moderates(role) {
        return Err(ApiError::forbidden(
            "members join a public channel themselves",
        ));
    }
    let tenant_members = metered.members().await?;
    if !tenant_members.iter().any(|m| m.user_id == target) {
        return Err(ApiError::invalid_field(
            "userId",
            "must be a member of this tenant",
        ));
    }
    if store::add_member(metered.tx(), tenant, id, target).await? {
        let data = json!({ "channelId": id, "userId": target });
        publish(&mut metered, channel_topic(id), "member.added", data).await?;
        if channel.is_closed() {
            let data = json!({ "channel": channel });
            publish(&mut metered, user_topic(target), "channel.added", data).await?;
        }
    }
    let members = store::member_ids(metered.tx(), tenant, id).await?;
    metered
        .finish(
            StatusCode::OK,
            ChannelBody { channel, members },
            usage(id, None),
        )
        .await
}

/// Removes a member from a channel (free): oneself (leaving), or anyone by the channel's creator
/// or a tenant admin. A member removed from a private channel stops receiving its events at once.
#[utoipa::path(delete, path = "/channels/{id}/members/{userId}", tag = "team-chat",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Channel id"),
        ("userId" = Uuid, Path, description = "The member"), IdempotencyKey),
    responses((status = 200, description = "Not a member any more", body = Charged<ChannelBody>),
        (status = 404, description = "No such channel or member", body = ErrorBody), MeteredErrors))]
async fn remove_member(
    Path((id, target)): Path<(Uuid, Uuid)>,
    mut metered: Metered<RemoveMember>,
) -> Result<Charged<ChannelBody>, ApiError> {
    let (tenant, user, role) = (metered.tenant_id(), metered.user_id(), metered.role());
    let channel = store::visible_channel(metered.tx(), tenant, user, id).await?;
    if channel.kind == "direct" {
        return Err(direct_conversation(
            "a direct conversation is between two members",
        ));
    }
    if target != user && channel.created_by != user && !moderates(role) {
        return Err(ApiError::forbidden(
            "only the channel's creator or a tenant admin may remove others",
        ));
    }
    if !store::remove_member(metered.tx(), tenant, id, target).await? {
        return Err(ApiError::not_found("not a member of this channel"));
    }
    let data = json!({ "channelId": id, "userId": target });
    publish(&mut metered, channel_topic(id), "member.removed", data).await?;
    if channel.is_closed() {
        metered.revoke(&channel_topic(id), target).await?;
        let data = json!({ "channelId": id });
        publish(&mut metered, user_topic(target), "channel.removed", data).await?;
    }
    let members = store::member_ids(metered.tx(), tenant, id).await?;
    metered
        .finish(
            StatusCode::OK,
            ChannelBody { channel, members },
            usage(id, None),
        )
        .await
}

/// A channel's history, newest first, a page at a time (free).
#[utoipa::path(get, path = "/channels/{id}/messages", tag = "team-chat", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Channel id"), HistoryQuery),
    responses(
        (status = 200, description = "A page of messages (not replies), newest first", body = MessageList),
        (status = 400, description = "Invalid query", body = ErrorBody),
        (status = 401, description = "No valid access token", body = ErrorBody),
        (status = 404, description = "No such channel for this caller", body = ErrorBody),
    ))]
async fn list_messages(
    ctx: AppContext,
    Path(id): Path<Uuid>,
    Query(query): Query<HistoryQuery>,
) -> Result<Json<MessageList>, ApiError> {
    let mut tx = ctx.read().await?;
    store::visible_channel(&mut tx, ctx.tenant_id(), ctx.user_id(), id).await?;
    let limit = query.limit.unwrap_or(store::PAGE_DEFAULT);
    let page = store::channel_messages(&mut tx, ctx.tenant_id(), id, query.before, limit).await?;
    tx.commit().await.map_err(ApiError::internal)?;
    Ok(Json(MessageList::of(page, &ctx.members().await?)))
}

/// A thread's replies, oldest first (free).
#[utoipa::path(get, path = "/messages/{id}/replies", tag = "team-chat", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The thread's first message"), ThreadQuery),
    responses(
        (status = 200, description = "A page of replies, oldest first", body = MessageList),
        (status = 401, description = "No valid access token", body = ErrorBody),
        (status = 404, description = "No such message for this caller", body = ErrorBody),
    ))]
async fn list_replies(
    ctx: AppContext,
    Path(id): Path<Uuid>,
    Query(query): Query<ThreadQuery>,
) -> Result<Json<MessageList>, ApiError> {
    let mut tx = ctx.read().await?;
    let root = store::message(&mut tx, ctx.tenant_id(), id).await?;
    store::visible_channel(&mut tx, ctx.tenant_id(), ctx.user_id(), root.channel_id)
        .await
        .map_err(|_| ApiError::not_found("message not found"))?;
    let limit = query.limit.unwrap_or(store::PAGE_DEFAULT);
    let page = store::replies(&mut tx, ctx.tenant_id(), id, query.after, limit).await?;
    tx.commit().await.map_err(ApiError::internal)?;
    Ok(Json(MessageList::of(page, &ctx.members().await?)))
}

/// Sends a message or a reply (`sendMessage` credits). With too few credits nothing is stored
/// and nobody hears of it (402). `@name` notifies the members it names who see the channel.
#[utoipa::path(post, path = "/channels/{id}/messages", tag = "team-chat", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Channel id"), IdempotencyKey),
    request_body = NewMessage,
    responses((status = 201, description = "Sent and charged", body = Charged<MessageBody>),
        (status = 404, description = "No such channel (or thread) for this caller", body = ErrorBody),
        MeteredErrors))]
async fn send_message(
    Path(id): Path<Uuid>,
    mut metered: Metered<SendMessage, NewMessage>,
) -> Result<Charged<MessageBody>, ApiError> {
    let body = model::check_body(&metered.body().body)?;
    let (tenant, user) = (metered.tenant_id(), metered.user_id());
    let channel = store::visible_channel(metered.tx(), tenant, user, id).await?;
    let parent = match metered.body().parent_id {
        None => None,
        Some(parent) => {
            let root = store::message(metered.tx(), tenant, parent).await?;
            if root.channel_id != id {
                return Err(ApiError::not_found("message not found in this channel"));
            }
            // A reply to a reply joins its thread: threads are one level deep.
            Some(root.parent_id.unwrap_or(root.id))
        }
    };
    let html = model::render_markdown(&body);
    let message =
        store::insert_message(metered.tx(), tenant, id, parent, user, &body, &html).await?;
    // Joining on sending keeps one's own messages out of one's unread count.
    store::mark_read(metered.tx(), tenant, id, user, Some(message.id)).await?;
    let members = metered.members().await?;
    let message = named(message, &members);
    let names = model::mentioned_names(&body);
    let channel_members = if channel.is_closed() {
        store::member_ids(metered.tx(), tenant, id).await?
    } else {
        Vec::new()
    };
    for member in &members {
        let local = member
            .email
            .split('@')
            .next()
            .unwrap_or_default()
            .to_lowercase();
        let sees = !channel.is_closed() || channel_members.contains(&member.user_id);
        if member.user_id == user || !sees || !names.contains(&local) {
            continue;
        }
        store::insert_mention(metered.tx(), tenant, member.user_id, &message).await?;
        let excerpt: String = body.chars().take(140).collect();
        let data = json!({
            "messageId": message.id, "channelId": id, "channelName": channel.name,
            "authorName": message.author_name, "excerpt": excerpt,
        });
        publish(&mut metered, user_topic(member.user_id), "mention", data).await?;
    }
    let data = json!({ "message": message });
    publish(&mut metered, channel_topic(id), "message.created", data).await?;
    let message_id = message.id;
    metered
        .finish(
            StatusCode::CREATED,
            MessageBody { message },
            usage(id, Some(message_id)),
        )
        .await
}

/// A message the caller sees, with its channel.
async fn visible_message<A: lumiku_plugin::Action, B>(
    metered: &mut Metered<A, B>,
    id: Uuid,
) -> Result<Message, ApiError> {
    let (tenant, user) = (metered.tenant_id(), metered.user_id());
    let message = store::message(metered.tx(), tenant, id).await?;
    store::visible_channel(metered.tx(), tenant, user, message.channel_id)
        .await
        .map_err(|_| ApiError::not_found("message not found"))?;
    if message.deleted {
        return Err(ApiError::not_found("message not found"));
    }
    Ok(message)
}

/// Edits one's own message (free).
#[utoipa::path(patch, path = "/messages/{id}", tag = "team-chat", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Message id"), IdempotencyKey),
    request_body = MessageEdit,
    responses((status = 200, description = "Edited", body = Charged<MessageBody>),
        (status = 404, description = "No such message for this caller", body = ErrorBody), MeteredErrors))]
async fn edit_message(
    Path(id): Path<Uuid>,
    mut metered: Metered<EditMessage, MessageEdit>,
) -> Result<Charged<MessageBody>, ApiError> {
    let body = model::check_body(&metered.body().body)?;
    let mut message = visible_message(&mut metered, id).await?;
    if message.author_id != metered.user_id() {
        return Err(ApiError::forbidden("only its author may edit a message"));
    }
    let html = model::render_markdown(&body);
    let tenant = metered.tenant_id();
    message.edited_at =
        Some(store::edit_message(metered.tx(), tenant, &message, &body, &html).await?);
    message.body = body;
    message.html = html;
    let members = metered.members().await?;
    let message = named(message, &members);
    let data = json!({ "message": message });
    publish(
        &mut metered,
        channel_topic(message.channel_id),
        "message.updated",
        data,
    )
    .await?;
    let channel = message.channel_id;
    metered
        .finish(
            StatusCode::OK,
            MessageBody { message },
            usage(channel, Some(id)),
        )
        .await
}

/// Deletes a message (free): one's own, or any by a tenant admin. Its thread's replies stay.
#[utoipa::path(delete, path = "/messages/{id}", tag = "team-chat", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Message id"), IdempotencyKey),
    responses((status = 200, description = "Deleted", body = Charged<DeletedBody>),
        (status = 404, description = "No such message for this caller", body = ErrorBody), MeteredErrors))]
async fn delete_message(
    Path(id): Path<Uuid>,
    mut metered: Metered<DeleteMessage>,
) -> Result<Charged<DeletedBody>, ApiError> {
    let message = visible_message(&mut metered, id).await?;
    if message.author_id != metered.user_id() && !moderates(metered.role()) {
        return Err(ApiError::forbidden(
            "only its author or a tenant admin may delete a message",
        ));
    }
    let tenant = metered.tenant_id();
    store::delete_message(metered.tx(), tenant, &message).await?;
    let data =
        json!({ "messageId": id, "channelId": message.channel_id, "parentId": message.parent_id });
    publish(
        &mut metered,
        channel_topic(message.channel_id),
        "message.deleted",
        data,
    )
    .await?;
    metered
        .finish(
            StatusCode::OK,
            DeletedBody { deleted: true },
            usage(message.channel_id, Some(id)),
        )
        .await
}

/// Reacts to a message with an emoji (free; twice is once).
#[utoipa::path(post, path = "/messages/{id}/reactions", tag = "team-chat", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Message id"), IdempotencyKey),
    request_body = NewReaction,
    responses((status = 200, description = "The message with its reactions", body = Charged<MessageBody>),
        (status = 404, description = "No such message for this caller", body = ErrorBody), MeteredErrors))]
async fn add_reaction(
    Path(id): Path<Uuid>,
    mut metered: Metered<AddReaction, NewReaction>,
) -> Result<Charged<MessageBody>, ApiError> {
    let emoji = model::check_emoji(&metered.body().emoji)?;
    let message = visible_message(&mut metered, id).await?;
    let (tenant, user) = (metered.tenant_id(), metered.user_id());
    if store::add_reaction(metered.tx(), tenant, id, user, &emoji).await? {
        let data = json!({ "messageId": id, "emoji": emoji, "userId": user });
        publish(
            &mut metered,
            channel_topic(message.channel_id),
            "reaction.added",
            data,
        )
        .await?;
    }
    react_answer(metered, id, message.channel_id).await
}

/// A reaction's address, read as a `(Uuid, String)` path.
struct ReactionPath;

impl IntoParams for ReactionPath {
    fn into_params(_: impl Fn() -> Option<ParameterIn>) -> Vec<Parameter> {
        let uuid = lumiku_plugin::text::uuid_schema();
        vec![
            lumiku_plugin::text::parameter("id", ParameterIn::Path, true, "Message id", uuid),
            lumiku_plugin::text::parameter(
                "emoji",
                ParameterIn::Path,
                true,
                "The emoji, as the reaction's",
                model::emoji_schema(),
            ),
        ]
    }
}

/// Takes one's reaction back (free).
#[utoipa::path(delete, path = "/messages/{id}/reactions/{emoji}", tag = "team-chat",
    security(("bearer" = [])),
    params(ReactionPath, IdempotencyKey),
    responses((status = 200, description = "The message with its reactions", body = Charged<MessageBody>),
        (status = 404, description = "No such message for this caller", body = ErrorBody), MeteredErrors))]
async fn remove_reaction(
    Path((id, emoji)): Path<(Uuid, String)>,
    mut metered: Metered<RemoveReaction>,
) -> Result<Charged<MessageBody>, ApiError> {
    let emoji = model::check_emoji(&emoji)?;
    let message = visible_message(&mut metered, id).await?;
    let (tenant, user) = (metered.tenant_id(), metered.user_id());
    if store::remove_reaction(metered.tx(), tenant, id, user, &emoji).await? {
        let data = json!({ "messageId": id, "emoji": emoji, "userId": user });
        publish(
            &mut metered,
            channel_topic(message.channel_id),
            "reaction.removed",
            data,
        )
        .await?;
    }
    react_answer(metered, id, message.channel_id).await
}

async fn react_answer<A: lumiku_plugin::Action, B>(
    mut metered: Metered<A, B>,
    id: Uuid,
    channel: Uuid,
) -> Result<Charged<MessageBody>, ApiError> {
    let tenant = metered.tenant_id();
    let message = store::message(metered.tx(), tenant, id).await?;
    let members = metered.members().await?;
    let message = named(message, &members);
    metered
        .finish(
            StatusCode::OK,
            MessageBody { message },
            usage(channel, Some(id)),
        )
        .await
}

/// Marks a channel read up to a message (default: all of it), joining it if public (free, and
/// open to viewers). The caller's other tabs hear of it on their user topic.
#[utoipa::path(post, path = "/channels/{id}/read", tag = "team-chat", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Channel id"), IdempotencyKey),
    request_body = ReadMark,
    responses((status = 200, description = "Marked", body = Charged<ReadBody>),
        (status = 404, description = "No such channel for this caller", body = ErrorBody), MeteredErrors))]
async fn mark_read(
    Path(id): Path<Uuid>,
    mut metered: Metered<MarkRead, ReadMark>,
) -> Result<Charged<ReadBody>, ApiError> {
    let (tenant, user) = (metered.tenant_id(), metered.user_id());
    store::visible_channel(metered.tx(), tenant, user, id).await?;
    let upto = metered.body().message_id;
    store::mark_read(metered.tx(), tenant, id, user, upto).await?;
    publish(
        &mut metered,
        user_topic(user),
        "read",
        json!({ "channelId": id }),
    )
    .await?;
    metered
        .finish(StatusCode::OK, ReadBody { channel_id: id }, usage(id, None))
        .await
}

/// A read mark.
#[derive(Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ReadBody {
    channel_id: Uuid,
}

/// Tells the channel the caller is typing (free, not stored: an ephemeral signal; at most 20 in
/// 10 seconds, 429 past that).
#[utoipa::path(post, path = "/channels/{id}/typing", tag = "team-chat", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Channel id")),
    responses(
        (status = 204, description = "Signalled"),
        (status = 401, description = "No valid access token", body = ErrorBody),
        (status = 403, description = "A viewer cannot write here", body = ErrorBody),
        (status = 404, description = "No such channel for this caller", body = ErrorBody),
        (status = 429, description = "Typing signals sent too often", body = ErrorBody),
    ))]
async fn typing(ctx: AppContext, Path(id): Path<Uuid>) -> Result<StatusCode, ApiError> {
    ctx.require(Permission::Write)?;
    let mut tx = ctx.read().await?;
    store::visible_channel(&mut tx, ctx.tenant_id(), ctx.user_id(), id).await?;
    tx.commit().await.map_err(ApiError::internal)?;
    let members = ctx.members().await?;
    let data = json!({ "channelId": id, "userId": ctx.user_id(), "name": name_of(&members, ctx.user_id()) });
    ctx.signal(&Event::new(channel_topic(id), "typing", &data)?)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Searches the messages the caller may see (free).
#[utoipa::path(get, path = "/search", tag = "team-chat", security(("bearer" = [])),
    params(SearchQuery),
    responses(
        (status = 200, description = "Hits, best first", body = List<Hit>),
        (status = 401, description = "No valid access token", body = ErrorBody),
        (status = 422, description = "No words to search for", body = ErrorBody),
    ))]
async fn search(
    ctx: AppContext,
    Query(query): Query<SearchQuery>,
) -> Result<Json<List<Hit>>, ApiError> {
    let q = lumiku_plugin::text::one_line(&query.q, 200)
        .map_err(|message| ApiError::invalid_field("q", message))?;
    let mut tx = ctx.read().await?;
    let hits = store::search(
        &mut tx,
        ctx.tenant_id(),
        ctx.user_id(),
        q,
        query.limit.unwrap_or(20),
    )
    .await?;
    tx.commit().await.map_err(ApiError::internal)?;
    let members = ctx.members().await?;
    let items = hits
        .into_iter()
        .map(|mut hit| {
            hit.message = named(hit.message, &members);
            hit
        })
        .collect();
    Ok(Json(List::complete(items)))
}

/// The caller's unread mentions (free).
#[utoipa::path(get, path = "/mentions", tag = "team-chat", security(("bearer" = [])),
    responses(
        (status = 200, description = "Unread mentions, newest first", body = List<Mention>),
        (status = 401, description = "No valid access token", body = ErrorBody),
    ))]
async fn mentions(ctx: AppContext) -> Result<Json<List<Mention>>, ApiError> {
    let mut tx = ctx.read().await?;
    let items = store::unread_mentions(&mut tx, ctx.tenant_id(), ctx.user_id()).await?;
    Ok(Json(List::complete(items)))
}

/// The tenant's channel and message counts, for the dashboard card (free).
#[utoipa::path(get, path = "/stats", tag = "team-chat", security(("bearer" = [])),
    responses(
        (status = 200, description = "Counts", body = Stats),
        (status = 401, description = "No valid access token", body = ErrorBody),
    ))]
async fn stats(ctx: AppContext) -> Result<Json<Stats>, ApiError> {
    let mut tx = ctx.read().await?;
    let (channels, messages) = store::counts(&mut tx, ctx.tenant_id()).await?;
    Ok(Json(Stats { channels, messages }))
}

/// Whether the caller of `ctx` may watch `topic`: see the module documentation.
pub async fn authorize_topic(ctx: AppContext, topic: String) -> Result<(), ApiError> {
    let not_found = || ApiError::not_found(format!("no topic '{topic}'"));
    if topic == CHANNELS_TOPIC {
        return Ok(());
    }
    if let Some(user) = topic.strip_prefix("user:") {
        return match Uuid::parse_str(user) {
            Ok(user) if user == ctx.user_id() => Ok(()),
            _ => Err(not_found()),
        };
    }
    let id = topic
        .strip_prefix("channel:")
        .and_then(|id| Uuid::parse_str(id).ok())
        .ok_or_else(not_found)?;
    let mut tx = ctx.read().await?;
    store::visible_channel(&mut tx, ctx.tenant_id(), ctx.user_id(), id)
        .await
        .map_err(|_| not_found())?;
    Ok(())
}
