-- Channels (public, private, or a direct conversation between two members), their members with
-- what each has read, messages with threads, reactions and @mentions. Ids are UUIDv7: id order
-- is creation order, so an id is a cursor. Search is an FTS5 index kept by the app.
create table team_chat_channels (
    id          blob primary key,
    tenant_id   blob not null,
    kind        text not null check (kind in ('public', 'private', 'direct')),
    name        text,
    description text,
    direct_key  text,
    created_by  blob not null,
    created_at  text not null
);
create unique index team_chat_channels_name on team_chat_channels (tenant_id, lower(name)) where kind <> 'direct';
create unique index team_chat_channels_direct on team_chat_channels (tenant_id, direct_key) where kind = 'direct';

create table team_chat_members (
    channel_id   blob not null references team_chat_channels (id) on delete cascade,
    tenant_id    blob not null,
    user_id      blob not null,
    last_read_id blob,
    joined_at    text not null,
    primary key (channel_id, user_id)
);
create index team_chat_members_user on team_chat_members (tenant_id, user_id);

create table team_chat_messages (
    id          blob primary key,
    tenant_id   blob not null,
    channel_id  blob not null references team_chat_channels (id) on delete cascade,
    parent_id   blob references team_chat_messages (id) on delete cascade,
    author_id   blob not null,
    body        text not null,
    html        text not null,
    reply_count integer not null default 0,
    created_at  text not null,
    edited_at   text,
    deleted_at  text
);
create index team_chat_messages_channel on team_chat_messages (channel_id, id) where parent_id is null;
create index team_chat_messages_thread on team_chat_messages (parent_id, id) where parent_id is not null;

create virtual table team_chat_search using fts5 (
    body,
    message_id unindexed,
    tenant_id unindexed,
    channel_id unindexed,
    tokenize = 'unicode61 remove_diacritics 2'
);

create table team_chat_reactions (
    message_id blob not null references team_chat_messages (id) on delete cascade,
    tenant_id  blob not null,
    user_id    blob not null,
    emoji      text not null,
    created_at text not null,
    primary key (message_id, user_id, emoji)
);

create table team_chat_mentions (
    id         blob primary key,
    tenant_id  blob not null,
    user_id    blob not null,
    message_id blob not null references team_chat_messages (id) on delete cascade,
    channel_id blob not null references team_chat_channels (id) on delete cascade,
    created_at text not null,
    read_at    text
);
create index team_chat_mentions_user on team_chat_mentions (tenant_id, user_id, id) where read_at is null;
