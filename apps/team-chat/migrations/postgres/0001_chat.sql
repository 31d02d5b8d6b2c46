-- Channels (public, private, or a direct conversation between two members), their members with
-- what each has read, messages with threads, reactions and @mentions. Ids are UUIDv7: id order
-- is creation order, so an id is a cursor.
create table team_chat_channels (
    id          uuid primary key,
    tenant_id   uuid not null,
    kind        text not null check (kind in ('public', 'private', 'direct')),
    name        text,
    description text,
    direct_key  text,
    created_by  uuid not null,
    created_at  timestamptz not null
);
create unique index team_chat_channels_name on team_chat_channels (tenant_id, lower(name)) where kind <> 'direct';
create unique index team_chat_channels_direct on team_chat_channels (tenant_id, direct_key) where kind = 'direct';

create table team_chat_members (
    channel_id   uuid not null references team_chat_channels (id) on delete cascade,
    tenant_id    uuid not null,
    user_id      uuid not null,
    last_read_id uuid,
    joined_at    timestamptz not null,
    primary key (channel_id, user_id)
);
create index team_chat_members_user on team_chat_members (tenant_id, user_id);

create table team_chat_messages (
    id          uuid primary key,
    tenant_id   uuid not null,
    channel_id  uuid not null references team_chat_channels (id) on delete cascade,
    parent_id   uuid references team_chat_messages (id) on delete cascade,
    author_id   uuid not null,
    body        text not null,
    html        text not null,
    reply_count bigint not null default 0,
    created_at  timestamptz not null,
    edited_at   timestamptz,
    deleted_at  timestamptz,
    search      tsvector generated always as (to_tsvector('simple', body)) stored
);
create index team_chat_messages_channel on team_chat_messages (channel_id, id) where parent_id is null;
create index team_chat_messages_thread on team_chat_messages (parent_id, id) where parent_id is not null;
create index team_chat_messages_search on team_chat_messages using gin (search);

create table team_chat_reactions (
    message_id uuid not null references team_chat_messages (id) on delete cascade,
    tenant_id  uuid not null,
    user_id    uuid not null,
    emoji      text not null,
    created_at timestamptz not null,
    primary key (message_id, user_id, emoji)
);

create table team_chat_mentions (
    id         uuid primary key,
    tenant_id  uuid not null,
    user_id    uuid not null,
    message_id uuid not null references team_chat_messages (id) on delete cascade,
    channel_id uuid not null references team_chat_channels (id) on delete cascade,
    created_at timestamptz not null,
    read_at    timestamptz
);
create index team_chat_mentions_user on team_chat_mentions (tenant_id, user_id, id) where read_at is null;

alter table team_chat_channels enable row level security;
create policy tenant_isolation on team_chat_channels using (tenant_id = lumiku_current_tenant());
alter table team_chat_members enable row level security;
create policy tenant_isolation on team_chat_members using (tenant_id = lumiku_current_tenant());
alter table team_chat_messages enable row level security;
create policy tenant_isolation on team_chat_messages using (tenant_id = lumiku_current_tenant());
alter table team_chat_reactions enable row level security;
create policy tenant_isolation on team_chat_reactions using (tenant_id = lumiku_current_tenant());
alter table team_chat_mentions enable row level security;
create policy tenant_isolation on team_chat_mentions using (tenant_id = lumiku_current_tenant());
