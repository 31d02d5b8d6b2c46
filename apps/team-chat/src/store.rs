//! The chat's queries on its own tables. Every query filters on the tenant; on PostgreSQL
//! row-level security holds the same line. Who may see a channel is decided here, once
//! ([`visible_channel`]): a public channel by every member of the tenant, a private or direct
//! one by its members only.

use chrono::{DateTime, Utc};
use lumiku_plugin::ApiError;
use lumiku_plugin::sql::{self, Backend, Tx, new_id, now};
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

/// Messages per page when the caller names no size.
pub const PAGE_DEFAULT: u32 = 50;
/// The largest page.
pub const PAGE_MAX: u32 = 200;
/// Unread counts stop here ("99+").
pub const UNREAD_CAP: i64 = 100;

fn internal(error: sql::Error) -> ApiError {
    ApiError::internal(error)
}

/// A channel.
#[derive(Debug, Clone, Serialize, sql::FromRow, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Channel {
    /// Id.
    pub id: Uuid,
    /// `public`, `private` or `direct`.
    pub kind: String,
    /// Its name (none for a direct conversation).
    pub name: Option<String>,
    /// What it is for.
    pub description: Option<String>,
    /// Who created it.
    pub created_by: Uuid,
    /// When.
    pub created_at: DateTime<Utc>,
}

impl Channel {
    /// Whether only its members see it.
    pub fn is_closed(&self) -> bool {
        self.kind != "public"
    }
}

/// A channel in the caller's list.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ChannelSummary {
    /// The channel.
    #[serde(flatten)]
    pub channel: Channel,
    /// Whether the caller has joined it.
    pub member: bool,
    /// Messages since the caller last read it (not their own), up to 100.
    pub unread: i64,
    /// For a direct conversation, the other member.
    pub peer: Option<Uuid>,
}

#[derive(sql::FromRow)]
struct SummaryRow {
    id: Uuid,
    kind: String,
    name: Option<String>,
    description: Option<String>,
    created_by: Uuid,
    created_at: DateTime<Utc>,
    member: i64,
    unread: i64,
    peer: Option<Uuid>,
}

const CHANNEL_COLUMNS: &str = "c.id, c.kind, c.name, c.description, c.created_by, c.created_at";

/// The channels `user_id` sees: every public one and the private and direct ones they are in;
/// named channels first by name, then direct ones.
pub async fn list_channels(
    tx: &mut Tx,
    tenant_id: Uuid,
    user_id: Uuid,
) -> Result<Vec<ChannelSummary>, ApiError> {
    let rows: Vec<SummaryRow> = sql::query_as(sql::AssertSqlSafe(format!(
        "select {CHANNEL_COLUMNS}, \
           cast(case when m.user_id is null then 0 else 1 end as bigint) as member, \
           cast(case when m.user_id is null then 0 else (select count(*) from (select 1 from team_chat_messages x \
             where x.channel_id = c.id and x.parent_id is null and x.deleted_at is null \
             and x.author_id <> $2 and (m.last_read_id is null or x.id > m.last_read_id) limit {UNREAD_CAP}) u) end as bigint) as unread, \
           (select o.user_id from team_chat_members o where c.kind = 'direct' and o.channel_id = c.id \
             and o.user_id <> $2 limit 1) as peer \
         from team_chat_channels c \
         left join team_chat_members m on m.channel_id = c.id and m.user_id = $2 \
         where c.tenant_id = $1 and (c.kind = 'public' or m.user_id is not null) \
         order by case when c.kind = 'direct' then 1 else 0 end, lower(coalesce(c.name, '')), c.id"
    )))
    .bind(tenant_id)
    .bind(user_id)
    .fetch_all(&mut *tx)
    .await
    .map_err(internal)?;
    Ok(rows
        .into_iter()
        .map(|r| ChannelSummary {
            channel: Channel {
                id: r.id,
                kind: r.kind,
                name: r.name,
                description: r.description,
                created_by: r.created_by,
                created_at: r.created_at,
            },
            member: r.member == 1,
            unread: r.unread,
            peer: r.peer,
        })
        .collect())
}

/// A channel `user_id` may see; 404 for any other (another tenant's, a private one they are not
/// in, one that does not exist: the answer is the same).
pub async fn visible_channel(
    tx: &mut Tx,
    tenant_id: Uuid,
    user_id: Uuid,
    channel_id: Uuid,
) -> Result<Channel, ApiError> {
    let row: Option<(Channel, i64)> = sql::query_as::<ChannelWithMember>(sql::AssertSqlSafe(format!(
        "select {CHANNEL_COLUMNS}, cast(case when m.user_id is null then 0 else 1 end as bigint) as member \
         from team_chat_channels c \
         left join team_chat_members m on m.channel_id = c.id and m.user_id = $3 \
         where c.tenant_id = $1 and c.id = $2"
    )))
    .bind(tenant_id)
    .bind(channel_id)
    .bind(user_id)
    .fetch_optional(&mut *tx)
    .await
    .map_err(internal)?
    .map(|r| (r.channel(), r.member));
    match row {
        Some((channel, member)) if !channel.is_closed() || member == 1 => Ok(channel),
        _ => Err(ApiError::not_found("channel not found")),
    }
}

#[derive(sql::FromRow)]
struct ChannelWithMember {
    id: Uuid,
    kind: String,
    name: Option<String>,
    description: Option<String>,
    created_by: Uuid,
    created_at: DateTime<Utc>,
    member: i64,
}

impl ChannelWithMember {
    fn channel(&self) -> Channel {
        Channel {
            id: self.id,
            kind: self.kind.clone(),
            name: self.name.clone(),
            description: self.description.clone(),
            created_by: self.created_by,
            created_at: self.created_at,
        }
    }
}

/// Creates a channel; 409 when the tenant has one of that name (in any case), or the direct
/// conversation already exists.
pub async fn insert_channel(
    tx: &mut Tx,
    tenant_id: Uuid,
    user_id: Uuid,
    kind: &str,
    name: Option<&str>,
    description: Option<&str>,
    direct_key: Option<&str>,
) -> Result<Channel, ApiError> {
    let channel = Channel {
        id: new_id(),
        kind: kind.to_owned(),
        name: name.map(str::to_owned),
        description: description.map(str::to_owned),
        created_by: user_id,
        created_at: now(),
    };
    let inserted = sql::query(
        "insert into team_chat_channels (id, tenant_id, kind, name, description, direct_key, created_by, created_at) \
         values ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(channel.id)
    .bind(tenant_id)
    .bind(kind)
    .bind(name)
    .bind(description)
    .bind(direct_key)
    .bind(user_id)
    .bind(channel.created_at)
    .execute(&mut *tx)
    .await;
    match inserted {
        Ok(_) => Ok(channel),
        Err(error) if sql::is_unique_violation(&error) => Err(ApiError::conflict(
            "channel_exists",
            "a channel with this name already exists",
        )),
        Err(error) => Err(internal(error)),
    }
}

/// The direct conversation of two members, if it exists.
pub async fn find_direct(
    tx: &mut Tx,
    tenant_id: Uuid,
    direct_key: &str,
) -> Result<Option<Channel>, ApiError> {
    sql::query_as::<Channel>(sql::AssertSqlSafe(format!(
        "select {CHANNEL_COLUMNS} from team_chat_channels c \
         where c.tenant_id = $1 and c.kind = 'direct' and c.direct_key = $2"
    )))
    .bind(tenant_id)
    .bind(direct_key)
    .fetch_optional(&mut *tx)
    .await
    .map_err(internal)
}

/// The key of the direct conversation between two users (the same either way round).
pub fn direct_key(a: Uuid, b: Uuid) -> String {
    let (low, high) = if a < b { (a, b) } else { (b, a) };
    format!("{low}:{high}")
}

/// Changes a channel's name and description.
pub async fn update_channel(
    tx: &mut Tx,
    tenant_id: Uuid,
    channel_id: Uuid,
    name: Option<&str>,
    description: Option<Option<&str>>,
) -> Result<(), ApiError> {
    let updated = sql::query(
        "update team_chat_channels set name = coalesce($3, name), \
         description = case when $4 then $5 else description end \
         where tenant_id = $1 and id = $2",
    )
    .bind(tenant_id)
    .bind(channel_id)
    .bind(name)
    .bind(description.is_some())
    .bind(description.flatten())
    .execute(&mut *tx)
    .await;
    match updated {
        Ok(_) => Ok(()),
        Err(error) if sql::is_unique_violation(&error) => Err(ApiError::conflict(
            "channel_exists",
            "a channel with this name already exists",
        )),
        Err(error) => Err(internal(error)),
    }
}

/// Deletes a channel with its members, messages, reactions and mentions.
pub async fn delete_channel(
    tx: &mut Tx,
    tenant_id: Uuid,
    channel_id: Uuid,
) -> Result<(), ApiError> {
    if tx.backend() == Backend::Sqlite {
        sql::query("delete from team_chat_search where tenant_id = $1 and channel_id = $2")
            .bind(tenant_id)
            .bind(channel_id)
            .execute(&mut *tx)
            .await
            .map_err(internal)?;
    }
    sql::query("delete from team_chat_channels where tenant_id = $1 and id = $2")
        .bind(tenant_id)
        .bind(channel_id)
        .execute(&mut *tx)
        .await
        .map_err(internal)?;
    Ok(())
}

/// Adds `user_id` to the channel; whether they were not in it yet.
pub async fn add_member(
    tx: &mut Tx,
    tenant_id: Uuid,
    channel_id: Uuid,
    user_id: Uuid,
) -> Result<bool, ApiError> {
    let added = sql::query(
        "insert into team_chat_members (channel_id, tenant_id, user_id, joined_at) \
         values ($1, $2, $3, $4) on conflict do nothing",
    )
    .bind(channel_id)
    .bind(tenant_id)
    .bind(user_id)
    .bind(now())
    .execute(&mut *tx)
    .await
    .map_err(internal)?;
    Ok(added.rows_affected() == 1)
}

/// Removes `user_id` from the channel; whether they were in it.
pub async fn remove_member(
    tx: &mut Tx,
    tenant_id: Uuid,
    channel_id: Uuid,
    user_id: Uuid,
) -> Result<bool, ApiError> {
    let removed = sql::query(
        "delete from team_chat_members where tenant_id = $1 and channel_id = $2 and user_id = $3",
    )
    .bind(tenant_id)
    .bind(channel_id)
    .bind(user_id)
    .execute(&mut *tx)
    .await
    .map_err(internal)?;
    Ok(removed.rows_affected() == 1)
}

/// The channel's members.
pub async fn member_ids(
    tx: &mut Tx,
    tenant_id: Uuid,
    channel_id: Uuid,
) -> Result<Vec<Uuid>, ApiError> {
    sql::query_scalar(
        "select user_id from team_chat_members where tenant_id = $1 and channel_id = $2 \
         order by joined_at, user_id",
    )
    .bind(tenant_id)
    .bind(channel_id)
    .fetch_all(&mut *tx)
    .await
    .map_err(internal)
}

/// A message.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Message {
    /// Id (UUIDv7: a cursor).
    pub id: Uuid,
    /// Its channel.
    pub channel_id: Uuid,
    /// The message it replies to, for a reply in a thread.
    pub parent_id: Option<Uuid>,
    /// Who wrote it.
    pub author_id: Uuid,
    /// Their name (empty when they have left the tenant).
    pub author_name: String,
    /// The Markdown as written (empty once deleted).
    pub body: String,
    /// The Markdown rendered as safe HTML (empty once deleted).
    pub html: String,
    /// Replies in its thread.
    pub reply_count: i64,
    /// When it was sent.
    pub created_at: DateTime<Utc>,
    /// When it was last edited.
    pub edited_at: Option<DateTime<Utc>>,
    /// Whether it was deleted (the thread stays).
    pub deleted: bool,
    /// Its reactions, one entry per emoji.
    pub reactions: Vec<Reaction>,
}

/// The reactions of one emoji on a message.
#[derive(Debug, Clone, Serialize, ToSchema, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct Reaction {
    /// The emoji.
    pub emoji: String,
    /// Who reacted with it.
    pub user_ids: Vec<Uuid>,
}

#[derive(sql::FromRow)]
struct MessageRow {
    id: Uuid,
    channel_id: Uuid,
    parent_id: Option<Uuid>,
    author_id: Uuid,
    body: String,
    html: String,
    reply_count: i64,
    created_at: DateTime<Utc>,
    edited_at: Option<DateTime<Utc>>,
    deleted_at: Option<DateTime<Utc>>,
}

impl MessageRow {
    fn message(self) -> Message {
        let deleted = self.deleted_at.is_some();
        Message {
            id: self.id,
            channel_id: self.channel_id,
            parent_id: self.parent_id,
            author_id: self.author_id,
            author_name: String::new(),
            body: if deleted { String::new() } else { self.body },
            html: if deleted { String::new() } else { self.html },
            reply_count: self.reply_count,
            created_at: self.created_at,
            edited_at: self.edited_at,
            deleted,
            reactions: Vec::new(),
        }
    }
}

const MESSAGE_COLUMNS: &str = "id, channel_id, parent_id, author_id, body, html, reply_count, \
    created_at, edited_at, deleted_at";

/// Fills in the reactions of `messages`.
async fn with_reactions(
    tx: &mut Tx,
    tenant_id: Uuid,
    mut messages: Vec<Message>,
) -> Result<Vec<Message>, ApiError> {
    if messages.is_empty() {
        return Ok(messages);
    }
    let (low, high) = messages
        .iter()
        .fold((Uuid::max(), Uuid::nil()), |(lo, hi), m| {
            (lo.min(m.id), hi.max(m.id))
        });
    let channel = messages[0].channel_id;
    let rows: Vec<(Uuid, String, Uuid)> = sql::query_as(
        "select r.message_id, r.emoji, r.user_id from team_chat_reactions r \
         join team_chat_messages m on m.id = r.message_id \
         where r.tenant_id = $1 and m.channel_id = $2 and r.message_id between $3 and $4 \
         order by r.message_id, r.created_at, r.user_id",
    )
    .bind(tenant_id)
    .bind(channel)
    .bind(low)
    .bind(high)
    .fetch_all(&mut *tx)
    .await
    .map_err(internal)?;
    for (message_id, emoji, user_id) in rows {
        let Some(message) = messages.iter_mut().find(|m| m.id == message_id) else {
            continue;
        };
        match message.reactions.iter_mut().find(|r| r.emoji == emoji) {
            Some(reaction) => reaction.user_ids.push(user_id),
            None => message.reactions.push(Reaction {
                emoji,
                user_ids: vec![user_id],
            }),
        }
    }
    Ok(messages)
}

/// A page of messages and the cursor of the next.
#[derive(Debug, Clone)]
pub struct MessagePage {
    /// The messages.
    pub messages: Vec<Message>,
    /// Pass it back for the next page; `None` on the last.
    pub next_cursor: Option<Uuid>,
}

fn page(mut rows: Vec<MessageRow>, limit: usize) -> (Vec<Message>, Option<Uuid>) {
    let next = if rows.len() > limit {
        rows.truncate(limit);
        rows.last().map(|r| r.id)
    } else {
        None
    };
    (rows.into_iter().map(MessageRow::message).collect(), next)
}

/// The channel's messages (not replies) older than `before`, newest first.
pub async fn channel_messages(
    tx: &mut Tx,
    tenant_id: Uuid,
    channel_id: Uuid,
    before: Option<Uuid>,
    limit: u32,
) -> Result<MessagePage, ApiError> {
    let limit = limit.clamp(1, PAGE_MAX) as usize;
    let rows: Vec<MessageRow> = sql::query_as(sql::AssertSqlSafe(format!(
        "select {MESSAGE_COLUMNS} from team_chat_messages \
         where tenant_id = $1 and channel_id = $2 and parent_id is null and id < $3 \
         order by id desc limit $4"
    )))
    .bind(tenant_id)
    .bind(channel_id)
    .bind(before.unwrap_or(Uuid::max()))
    .bind(limit as i64 + 1)
    .fetch_all(&mut *tx)
    .await
    .map_err(internal)?;
    let (messages, next_cursor) = page(rows, limit);
    let messages = with_reactions(tx, tenant_id, messages).await?;
    Ok(MessagePage {
        messages,
        next_cursor,
    })
}

/// The replies in a thread newer than `after`, oldest first.
pub async fn replies(
    tx: &mut Tx,
    tenant_id: Uuid,
    parent_id: Uuid,
    after: Option<Uuid>,
    limit: u32,
) -> Result<MessagePage, ApiError> {
    let limit = limit.clamp(1, PAGE_MAX) as usize;
    let rows: Vec<MessageRow> = sql::query_as(sql::AssertSqlSafe(format!(
        "select {MESSAGE_COLUMNS} from team_chat_messages \
         where tenant_id = $1 and parent_id = $2 and id > $3 order by id limit $4"
    )))
    .bind(tenant_id)
    .bind(parent_id)
    .bind(after.unwrap_or(Uuid::nil()))
    .bind(limit as i64 + 1)
    .fetch_all(&mut *tx)
    .await
    .map_err(internal)?;
    let (messages, next_cursor) = page(rows, limit);
    let messages = with_reactions(tx, tenant_id, messages).await?;
    Ok(MessagePage {
        messages,
        next_cursor,
    })
}

/// One message of the tenant, with its reactions; 404 for any other id.
pub async fn message(tx: &mut Tx, tenant_id: Uuid, id: Uuid) -> Result<Message, ApiError> {
    let row: MessageRow = sql::query_as(sql::AssertSqlSafe(format!(
        "select {MESSAGE_COLUMNS} from team_chat_messages where tenant_id = $1 and id = $2"
    )))
    .bind(tenant_id)
    .bind(id)
    .fetch_optional(&mut *tx)
    .await
    .map_err(internal)?
    .ok_or_else(|| ApiError::not_found("message not found"))?;
    let mut messages = with_reactions(tx, tenant_id, vec![row.message()]).await?;
    Ok(messages.remove(0))
}

/// Stores a message (a reply when `parent_id` is set: the thread's count goes up).
#[allow(clippy::too_many_arguments)]
pub async fn insert_message(
    tx: &mut Tx,
    tenant_id: Uuid,
    channel_id: Uuid,
    parent_id: Option<Uuid>,
    author_id: Uuid,
    body: &str,
    html: &str,
) -> Result<Message, ApiError> {
    let message = Message {
        id: new_id(),
        channel_id,
        parent_id,
        author_id,
        author_name: String::new(),
        body: body.to_owned(),
        html: html.to_owned(),
        reply_count: 0,
        created_at: now(),
        edited_at: None,
        deleted: false,
        reactions: Vec::new(),
    };
    sql::query(
        "insert into team_chat_messages (id, tenant_id, channel_id, parent_id, author_id, body, html, created_at) \
         values ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(message.id)
    .bind(tenant_id)
    .bind(channel_id)
    .bind(parent_id)
    .bind(author_id)
    .bind(body)
    .bind(html)
    .bind(message.created_at)
    .execute(&mut *tx)
    .await
    .map_err(internal)?;
    if let Some(parent) = parent_id {
        sql::query(
            "update team_chat_messages set reply_count = reply_count + 1 where tenant_id = $1 and id = $2",
        )
        .bind(tenant_id)
        .bind(parent)
        .execute(&mut *tx)
        .await
        .map_err(internal)?;
    }
    index(tx, tenant_id, channel_id, message.id, Some(body)).await?;
    Ok(message)
}

/// Keeps SQLite's search index in step with a message (`None`: removed). PostgreSQL indexes a
/// generated column by itself.
async fn index(
    tx: &mut Tx,
    tenant_id: Uuid,
    channel_id: Uuid,
    message_id: Uuid,
    body: Option<&str>,
) -> Result<(), ApiError> {
    if tx.backend() != Backend::Sqlite {
        return Ok(());
    }
    sql::query("delete from team_chat_search where message_id = $1")
        .bind(message_id)
        .execute(&mut *tx)
        .await
        .map_err(internal)?;
    if let Some(body) = body {
        sql::query(
            "insert into team_chat_search (body, message_id, tenant_id, channel_id) values ($1, $2, $3, $4)",
        )
        .bind(body)
        .bind(message_id)
        .bind(tenant_id)
        .bind(channel_id)
        .execute(&mut *tx)
        .await
        .map_err(internal)?;
    }
    Ok(())
}

/// Changes a message's text.
pub async fn edit_message(
    tx: &mut Tx,
    tenant_id: Uuid,
    message: &Message,
    body: &str,
    html: &str,
) -> Result<DateTime<Utc>, ApiError> {
    let at = now();
    sql::query(
        "update team_chat_messages set body = $3, html = $4, edited_at = $5 where tenant_id = $1 and id = $2",
    )
    .bind(tenant_id)
    .bind(message.id)
    .bind(body)
    .bind(html)
    .bind(at)
    .execute(&mut *tx)
    .await
    .map_err(internal)?;
    index(tx, tenant_id, message.channel_id, message.id, Some(body)).await?;
    Ok(at)
}

/// Deletes a message: its text goes (its thread's replies stay), its reactions and mentions too.
pub async fn delete_message(
    tx: &mut Tx,
    tenant_id: Uuid,
    message: &Message,
) -> Result<(), ApiError> {
    sql::query(
        "update team_chat_messages set body = '', html = '', deleted_at = $3 where tenant_id = $1 and id = $2",
    )
    .bind(tenant_id)
    .bind(message.id)
    .bind(now())
    .execute(&mut *tx)
    .await
    .map_err(internal)?;
    for table in ["team_chat_reactions", "team_chat_mentions"] {
        sql::query(sql::AssertSqlSafe(format!(
            "delete from {table} where tenant_id = $1 and message_id = $2"
        )))
        .bind(tenant_id)
        .bind(message.id)
        .execute(&mut *tx)
        .await
        .map_err(internal)?;
    }
    index(tx, tenant_id, message.channel_id, message.id, None).await
}

/// Adds a reaction; whether it was new.
pub async fn add_reaction(
    tx: &mut Tx,
    tenant_id: Uuid,
    message_id: Uuid,
    user_id: Uuid,
    emoji: &str,
) -> Result<bool, ApiError> {
    let added = sql::query(
        "insert into team_chat_reactions (message_id, tenant_id, user_id, emoji, created_at) \
         values ($1, $2, $3, $4, $5) on conflict do nothing",
    )
    .bind(message_id)
    .bind(tenant_id)
    .bind(user_id)
    .bind(emoji)
    .bind(now())
    .execute(&mut *tx)
    .await
    .map_err(internal)?;
    Ok(added.rows_affected() == 1)
}

/// Removes a reaction; whether there was one.
pub async fn remove_reaction(
    tx: &mut Tx,
    tenant_id: Uuid,
    message_id: Uuid,
    user_id: Uuid,
    emoji: &str,
) -> Result<bool, ApiError> {
    let removed = sql::query(
        "delete from team_chat_reactions where tenant_id = $1 and message_id = $2 and user_id = $3 and emoji = $4",
    )
    .bind(tenant_id)
    .bind(message_id)
    .bind(user_id)
    .bind(emoji)
    .execute(&mut *tx)
    .await
    .map_err(internal)?;
    Ok(removed.rows_affected() == 1)
}

/// Marks the channel read up to `message_id` (the newest message when `None`) for `user_id`,
/// joining a public channel they had not joined. Never moves the mark back.
pub async fn mark_read(
    tx: &mut Tx,
    tenant_id: Uuid,
    channel_id: Uuid,
    user_id: Uuid,
    message_id: Option<Uuid>,
) -> Result<(), ApiError> {
    let upto: Option<Uuid> = match message_id {
        Some(id) => Some(id),
        None => sql::query_scalar(
            "select id from team_chat_messages where tenant_id = $1 and channel_id = $2 \
             order by id desc limit 1",
        )
        .bind(tenant_id)
        .bind(channel_id)
        .fetch_optional(&mut *tx)
        .await
        .map_err(internal)?,
    };
    add_member(tx, tenant_id, channel_id, user_id).await?;
    if let Some(upto) = upto {
        sql::query(
            "update team_chat_members set last_read_id = $4 where tenant_id = $1 and channel_id = $2 \
             and user_id = $3 and (last_read_id is null or last_read_id < $4)",
        )
        .bind(tenant_id)
        .bind(channel_id)
        .bind(user_id)
        .bind(upto)
        .execute(&mut *tx)
        .await
        .map_err(internal)?;
    }
    sql::query(
        "update team_chat_mentions set read_at = $4 where tenant_id = $1 and channel_id = $2 \
         and user_id = $3 and read_at is null",
    )
    .bind(tenant_id)
    .bind(channel_id)
    .bind(user_id)
    .bind(now())
    .execute(&mut *tx)
    .await
    .map_err(internal)?;
    Ok(())
}

/// Records that `user_id` was mentioned in a message.
pub async fn insert_mention(
    tx: &mut Tx,
    tenant_id: Uuid,
    user_id: Uuid,
    message: &Message,
) -> Result<(), ApiError> {
    sql::query(
        "insert into team_chat_mentions (id, tenant_id, user_id, message_id, channel_id, created_at) \
         values ($1, $2, $3, $4, $5, $6)",
    )
    .bind(new_id())
    .bind(tenant_id)
    .bind(user_id)
    .bind(message.id)
    .bind(message.channel_id)
    .bind(now())
    .execute(&mut *tx)
    .await
    .map_err(internal)?;
    Ok(())
}

/// An unread mention.
#[derive(Debug, Clone, Serialize, sql::FromRow, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Mention {
    /// The message.
    pub message_id: Uuid,
    /// Its channel.
    pub channel_id: Uuid,
    /// When.
    pub created_at: DateTime<Utc>,
}

/// `user_id`'s unread mentions, newest first (at most 100), in channels they still see.
pub async fn unread_mentions(
    tx: &mut Tx,
    tenant_id: Uuid,
    user_id: Uuid,
) -> Result<Vec<Mention>, ApiError> {
    sql::query_as(
        "select n.message_id, n.channel_id, n.created_at from team_chat_mentions n \
         join team_chat_channels c on c.id = n.channel_id \
         where n.tenant_id = $1 and n.user_id = $2 and n.read_at is null and (c.kind = 'public' \
           or exists (select 1 from team_chat_members m where m.channel_id = c.id and m.user_id = $2)) \
         order by n.id desc limit 100",
    )
    .bind(tenant_id)
    .bind(user_id)
    .fetch_all(&mut *tx)
    .await
    .map_err(internal)
}

/// A search hit.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Hit {
    /// The message.
    pub message: Message,
    /// Its channel's name (none for a direct conversation).
    pub channel_name: Option<String>,
}

/// The messages matching `query` that `user_id` may see, best first (at most `limit`). Words
/// are matched whole or as prefixes (`depl` finds "deploy"), all of them.
pub async fn search(
    tx: &mut Tx,
    tenant_id: Uuid,
    user_id: Uuid,
    query: &str,
    limit: u32,
) -> Result<Vec<Hit>, ApiError> {
    let words: Vec<String> = query
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .take(8)
        .map(str::to_lowercase)
        .collect();
    if words.is_empty() {
        return Ok(Vec::new());
    }
    let limit = i64::from(limit.clamp(1, 50));
    let visible = "(c.kind = 'public' or exists (select 1 from team_chat_members v \
        where v.channel_id = c.id and v.user_id = $2))";
    let rows: Vec<SearchRow> = match tx.backend() {
        Backend::Sqlite => {
            let matching: String = words
                .iter()
                .map(|w| format!("\"{w}\"*"))
                .collect::<Vec<_>>()
                .join(" ");
            sql::query_as(sql::AssertSqlSafe(format!(
                "select m.id, m.channel_id, m.parent_id, m.author_id, m.body, m.html, m.reply_count, \
                   m.created_at, m.edited_at, m.deleted_at, c.name as channel_name \
                 from team_chat_search s \
                 join team_chat_messages m on m.id = s.message_id \
                 join team_chat_channels c on c.id = m.channel_id \
                 where team_chat_search match $3 and s.tenant_id = $4 and m.tenant_id = $1 \
                   and m.deleted_at is null and {visible} \
                 order by s.rank limit $5"
            )))
            .bind(tenant_id)
            .bind(user_id)
            .bind(matching)
            .bind(tenant_id)
            .bind(limit)
            .fetch_all(&mut *tx)
            .await
            .map_err(internal)?
        }
        Backend::Postgres => {
            let matching: String = words
                .iter()
                .map(|w| format!("{w}:*"))
                .collect::<Vec<_>>()
                .join(" & ");
            sql::query_as(sql::AssertSqlSafe(format!(
                "select m.id, m.channel_id, m.parent_id, m.author_id, m.body, m.html, m.reply_count, \
                   m.created_at, m.edited_at, m.deleted_at, c.name as channel_name \
                 from team_chat_messages m join team_chat_channels c on c.id = m.channel_id \
                 where m.tenant_id = $1 and m.search @@ to_tsquery('simple', $3) \
                   and m.deleted_at is null and {visible} \
                 order by ts_rank(m.search, to_tsquery('simple', $3)) desc, m.id desc limit $4"
            )))
            .bind(tenant_id)
            .bind(user_id)
            .bind(matching)
            .bind(limit)
            .fetch_all(&mut *tx)
            .await
            .map_err(internal)?
        }
    };
    Ok(rows
        .into_iter()
        .map(|r| Hit {
            channel_name: r.channel_name,
            message: MessageRow {
                id: r.id,
                channel_id: r.channel_id,
                parent_id: r.parent_id,
                author_id: r.author_id,
                body: r.body,
                html: r.html,
                reply_count: r.reply_count,
                created_at: r.created_at,
                edited_at: r.edited_at,
                deleted_at: r.deleted_at,
            }
            .message(),
        })
        .collect())
}

#[derive(sql::FromRow)]
struct SearchRow {
    id: Uuid,
    channel_id: Uuid,
    parent_id: Option<Uuid>,
    author_id: Uuid,
    body: String,
    html: String,
    reply_count: i64,
    created_at: DateTime<Utc>,
    edited_at: Option<DateTime<Utc>>,
    deleted_at: Option<DateTime<Utc>>,
    channel_name: Option<String>,
}

/// The tenant's channel and message counts, for the dashboard card.
pub async fn counts(tx: &mut Tx, tenant_id: Uuid) -> Result<(i64, i64), ApiError> {
    sql::query_as(
        "select (select count(*) from team_chat_channels where tenant_id = $1 and kind <> 'direct'), \
                (select count(*) from team_chat_messages where tenant_id = $1 and deleted_at is null)",
    )
    .bind(tenant_id)
    .fetch_one(&mut *tx)
    .await
    .map_err(internal)
}
