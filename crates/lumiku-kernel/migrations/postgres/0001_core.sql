-- Lumiku core schema (PostgreSQL).
-- Conventions, shared with migrations/sqlite: plural snake_case table names; UUIDv7 ids made by the
-- application; times written by the application (never database defaults, so both backends agree);
-- amounts are integers with their unit in the column name.

create table users (
    id            uuid primary key,
    email         text not null unique,
    name          text,
    password_hash text not null,
    platform_role text not null check (platform_role in ('user', 'admin')),
    created_at    timestamptz not null,
    updated_at    timestamptz not null
);

create table tenants (
    id         uuid primary key,
    name       text not null,
    kind       text not null check (kind in ('personal', 'team')),
    created_by uuid not null references users (id),
    created_at timestamptz not null,
    updated_at timestamptz not null
);
-- One personal tenant per user.
create unique index tenants_personal_idx on tenants (created_by) where kind = 'personal';

create table tenant_members (
    tenant_id  uuid not null references tenants (id) on delete cascade,
    user_id    uuid not null references users (id) on delete cascade,
    role       text not null check (role in ('owner', 'admin', 'member', 'viewer')),
    created_at timestamptz not null,
    updated_at timestamptz not null,
    primary key (tenant_id, user_id)
);
create index tenant_members_user_idx on tenant_members (user_id);

create table devices (
    id               uuid primary key,
    user_id          uuid not null references users (id) on delete cascade,
    device_hash      text not null,
    name             text not null,
    user_agent       text not null,
    client_device_id text,
    ip_address       text,
    last_used_at     timestamptz not null,
    created_at       timestamptz not null,
    unique (user_id, device_hash)
);

-- A session is one refresh-token family: every rotation stays in it, and reuse of a spent token
-- revokes it whole.
create table sessions (
    id             uuid primary key,
    user_id        uuid not null references users (id) on delete cascade,
    device_id      uuid references devices (id) on delete set null,
    created_at     timestamptz not null,
    last_used_at   timestamptz not null,
    expires_at     timestamptz not null,
    revoked_at     timestamptz,
    revoked_reason text
);
create index sessions_user_idx on sessions (user_id);
create index sessions_device_idx on sessions (device_id);

create table refresh_tokens (
    token_hash text primary key, -- SHA-256 (hex) of the opaque token; the token itself is never stored
    session_id uuid not null references sessions (id) on delete cascade,
    created_at timestamptz not null,
    expires_at timestamptz not null,
    used_at    timestamptz
);
create index refresh_tokens_session_idx on refresh_tokens (session_id);

-- Failed logins, counted per account and per IP over a sliding window; in the database so the
-- limit holds across nodes.
create table auth_failures (
    id        uuid primary key,
    key       text not null,
    failed_at timestamptz not null
);
create index auth_failures_key_idx on auth_failures (key, failed_at);

create table audit_events (
    id            uuid primary key,
    tenant_id     uuid references tenants (id),
    actor_user_id uuid,
    action        text not null,
    target_type   text,
    target_id     text,
    ip_address    text,
    details       jsonb not null,
    created_at    timestamptz not null
);
create index audit_events_tenant_idx on audit_events (tenant_id, id);
create index audit_events_tenant_action_idx on audit_events (tenant_id, action, id);

create function lumiku_reject_change() returns trigger language plpgsql as $$
begin
    raise exception '% is append-only', tg_table_name;
end
$$;
create trigger audit_events_append_only before update or delete on audit_events
    for each row execute function lumiku_reject_change();

-- Row-level security: the second wall behind the application's tenant filter. Tenant-scoped
-- transactions run as lumiku_app with lumiku.tenant_id set (Db::begin_tenant); the owning role,
-- used for platform-level work, is not subject to these policies.
do $$
begin
    create role lumiku_app nologin;
exception
    when duplicate_object or unique_violation then null; -- another database of this cluster made it
end
$$;
do $$
begin
    execute format('grant lumiku_app to %I', current_user);
exception
    when others then null; -- superusers need no membership to take the role
end
$$;
grant usage on schema public to lumiku_app;
grant select, insert, update, delete on all tables in schema public to lumiku_app;
alter default privileges in schema public grant select, insert, update, delete on tables to lumiku_app;
alter default privileges in schema public grant usage, select on sequences to lumiku_app;

create function lumiku_current_tenant() returns uuid language sql stable as $$
    select nullif(current_setting('lumiku.tenant_id', true), '')::uuid
$$;

alter table tenants enable row level security;
create policy tenant_isolation on tenants using (id = lumiku_current_tenant());
alter table tenant_members enable row level security;
create policy tenant_isolation on tenant_members using (tenant_id = lumiku_current_tenant());
alter table audit_events enable row level security;
create policy tenant_isolation on audit_events using (tenant_id = lumiku_current_tenant());
