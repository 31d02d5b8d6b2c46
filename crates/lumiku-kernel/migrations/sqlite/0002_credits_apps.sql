-- Credits, the app registry, metered usage and idempotency keys (SQLite; see migrations/postgres).

create table wallets (
    tenant_id       blob primary key references tenants (id) on delete cascade,
    balance_credits integer not null check (balance_credits >= 0),
    updated_at      text not null
);
insert into wallets (tenant_id, balance_credits, updated_at)
    select id, 0, strftime('%Y-%m-%dT%H:%M:%S+00:00', 'now') from tenants;

create table ledger_entries (
    id                    blob primary key,
    tenant_id             blob not null references tenants (id),
    amount_credits        integer not null check (amount_credits <> 0),
    balance_after_credits integer not null check (balance_after_credits >= 0),
    kind                  text not null check (kind in ('purchase', 'bonus', 'usage', 'refund', 'grant', 'adjustment')),
    description           text not null,
    reference_type        text,
    reference_id          text,
    actor_user_id         blob,
    created_at            text not null
);
create index ledger_entries_tenant_idx on ledger_entries (tenant_id, id);
create trigger ledger_entries_no_update before update on ledger_entries
begin
    select raise(abort, 'ledger_entries is append-only');
end;
create trigger ledger_entries_no_delete before delete on ledger_entries
begin
    select raise(abort, 'ledger_entries is append-only');
end;

create table apps (
    app_id          text primary key,
    name            text not null,
    version         text not null,
    enabled         boolean not null,
    beta            boolean not null,
    coming_soon     boolean not null,
    dashboard_order integer not null,
    total_usage     integer not null,
    active_users    integer not null,
    created_at      text not null,
    updated_at      text not null
);

create table app_users (
    app_id        text not null references apps (app_id) on delete cascade,
    user_id       blob not null references users (id) on delete cascade,
    first_used_at text not null,
    primary key (app_id, user_id)
);

create table app_usage (
    id         blob primary key,
    tenant_id  blob not null references tenants (id),
    app_id     text not null references apps (app_id),
    action     text not null,
    credits    integer not null check (credits >= 0),
    user_id    blob,
    metadata   text not null,
    created_at text not null
);
create index app_usage_tenant_idx on app_usage (tenant_id, created_at);

create table idempotency_keys (
    tenant_id       blob not null references tenants (id) on delete cascade,
    key             text not null,
    request_hash    text not null,
    response_status integer,
    response_body   text,
    created_at      text not null,
    primary key (tenant_id, key)
);

create table app_migrations (
    app_id     text not null,
    version    integer not null,
    name       text not null,
    checksum   text not null,
    applied_at text not null,
    primary key (app_id, version)
);
