-- Credits, the app registry, metered usage and idempotency keys (PostgreSQL).

create table wallets (
    tenant_id       uuid primary key references tenants (id) on delete cascade,
    balance_credits bigint not null check (balance_credits >= 0), -- the storage refuses an overdraft
    updated_at      timestamptz not null
);
insert into wallets (tenant_id, balance_credits, updated_at) select id, 0, now() from tenants;

-- Append-only: balance = sum(amount_credits) = the last row's balance_after_credits.
create table ledger_entries (
    id                    uuid primary key,
    tenant_id             uuid not null references tenants (id),
    amount_credits        bigint not null check (amount_credits <> 0),
    balance_after_credits bigint not null check (balance_after_credits >= 0),
    kind                  text not null check (kind in ('purchase', 'bonus', 'usage', 'refund', 'grant', 'adjustment')),
    description           text not null,
    reference_type        text,
    reference_id          text,
    actor_user_id         uuid,
    created_at            timestamptz not null
);
create index ledger_entries_tenant_idx on ledger_entries (tenant_id, id);
create trigger ledger_entries_append_only before update or delete on ledger_entries
    for each row execute function lumiku_reject_change();

-- The registry: one row per compiled-in app, seeded from its manifest, changed by admins.
create table apps (
    app_id          text primary key,
    name            text not null,
    version         text not null,
    enabled         boolean not null,
    beta            boolean not null,
    coming_soon     boolean not null,
    dashboard_order integer not null,
    total_usage     bigint not null,
    active_users    bigint not null,
    created_at      timestamptz not null,
    updated_at      timestamptz not null
);

create table app_users (
    app_id        text not null references apps (app_id) on delete cascade,
    user_id       uuid not null references users (id) on delete cascade,
    first_used_at timestamptz not null,
    primary key (app_id, user_id)
);

create table app_usage (
    id         uuid primary key,
    tenant_id  uuid not null references tenants (id),
    app_id     text not null references apps (app_id),
    action     text not null,
    credits    bigint not null check (credits >= 0),
    user_id    uuid,
    metadata   jsonb not null,
    created_at timestamptz not null
);
create index app_usage_tenant_idx on app_usage (tenant_id, created_at);

-- A metered request's Idempotency-Key, claimed on the transaction that does the work.
create table idempotency_keys (
    tenant_id       uuid not null references tenants (id) on delete cascade,
    key             text not null,
    request_hash    text not null,
    response_status integer,
    response_body   jsonb,
    created_at      timestamptz not null,
    primary key (tenant_id, key)
);

-- Which migrations of each app have run (apps keep their own versions).
create table app_migrations (
    app_id     text not null,
    version    bigint not null,
    name       text not null,
    checksum   text not null,
    applied_at timestamptz not null,
    primary key (app_id, version)
);

alter table wallets enable row level security;
create policy tenant_isolation on wallets using (tenant_id = lumiku_current_tenant());
alter table ledger_entries enable row level security;
create policy tenant_isolation on ledger_entries using (tenant_id = lumiku_current_tenant());
alter table app_usage enable row level security;
create policy tenant_isolation on app_usage using (tenant_id = lumiku_current_tenant());
alter table idempotency_keys enable row level security;
create policy tenant_isolation on idempotency_keys using (tenant_id = lumiku_current_tenant());
