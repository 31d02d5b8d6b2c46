-- Tenant API keys, for server-to-server calls. A key acts as a service identity: a users row of
-- kind 'service' (it cannot sign in: its password hash is no hash), the key tenant's member with
-- the role its scope gives, and a session that lives as long as the key, so that a key's request
-- passes every check a person's does, and revoking the key ends its session everywhere at once.
alter table users add column kind text not null default 'person'
    check (kind in ('person', 'service'));

create table api_keys (
    id           uuid primary key,
    tenant_id    uuid not null references tenants (id) on delete cascade,
    user_id      uuid not null references users (id) on delete cascade,
    session_id   uuid not null references sessions (id) on delete cascade,
    name         text not null,
    -- Shown in lists (`lk_live_AbCd1234EfGh`): what finds the key; the secret after it is only
    -- ever stored as its SHA-256.
    public_id    text not null unique,
    secret_hash  text not null,
    scope        text not null check (scope in ('read', 'write', 'admin')),
    -- The app ids the key may call; null for every app.
    apps         jsonb,
    created_by   uuid references users (id) on delete set null,
    created_at   timestamptz not null,
    expires_at   timestamptz,
    last_used_at timestamptz,
    last_used_ip text,
    revoked_at   timestamptz
);
create index api_keys_tenant on api_keys (tenant_id, id);
alter table api_keys enable row level security;
create policy tenant_isolation on api_keys using (tenant_id = lumiku_current_tenant());
