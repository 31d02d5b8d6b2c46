-- Lumiku core schema (SQLite). Same tables as migrations/postgres, in SQLite's types: uuid as a
-- 16-byte blob, times as RFC 3339 text in UTC (which sorts chronologically), json as text.
-- SQLite has no row-level security: the application's tenant filters are the wall here.

create table users (
    id            blob primary key,
    email         text not null unique,
    name          text,
    password_hash text not null,
    platform_role text not null check (platform_role in ('user', 'admin')),
    created_at    text not null,
    updated_at    text not null
);

create table tenants (
    id         blob primary key,
    name       text not null,
    kind       text not null check (kind in ('personal', 'team')),
    created_by blob not null references users (id),
    created_at text not null,
    updated_at text not null
);
create unique index tenants_personal_idx on tenants (created_by) where kind = 'personal';

create table tenant_members (
    tenant_id  blob not null references tenants (id) on delete cascade,
    user_id    blob not null references users (id) on delete cascade,
    role       text not null check (role in ('owner', 'admin', 'member', 'viewer')),
    created_at text not null,
    updated_at text not null,
    primary key (tenant_id, user_id)
);
create index tenant_members_user_idx on tenant_members (user_id);

create table devices (
    id               blob primary key,
    user_id          blob not null references users (id) on delete cascade,
    device_hash      text not null,
    name             text not null,
    user_agent       text not null,
    client_device_id text,
    ip_address       text,
    last_used_at     text not null,
    created_at       text not null,
    unique (user_id, device_hash)
);

create table sessions (
    id             blob primary key,
    user_id        blob not null references users (id) on delete cascade,
    device_id      blob references devices (id) on delete set null,
    created_at     text not null,
    last_used_at   text not null,
    expires_at     text not null,
    revoked_at     text,
    revoked_reason text
);
create index sessions_user_idx on sessions (user_id);
create index sessions_device_idx on sessions (device_id);

create table refresh_tokens (
    token_hash text primary key,
    session_id blob not null references sessions (id) on delete cascade,
    created_at text not null,
    expires_at text not null,
    used_at    text
);
create index refresh_tokens_session_idx on refresh_tokens (session_id);

create table auth_failures (
    id        blob primary key,
    key       text not null,
    failed_at text not null
);
create index auth_failures_key_idx on auth_failures (key, failed_at);

create table audit_events (
    id            blob primary key,
    tenant_id     blob references tenants (id),
    actor_user_id blob,
    action        text not null,
    target_type   text,
    target_id     text,
    ip_address    text,
    details       text not null,
    created_at    text not null
);
create index audit_events_tenant_idx on audit_events (tenant_id, id);
create index audit_events_tenant_action_idx on audit_events (tenant_id, action, id);

create trigger audit_events_no_update before update on audit_events
begin
    select raise(abort, 'audit_events is append-only');
end;
create trigger audit_events_no_delete before delete on audit_events
begin
    select raise(abort, 'audit_events is append-only');
end;
