-- Outgoing webhooks. A tenant's endpoints (an HTTPS URL, the events it takes, its signing
-- secret), the events recorded in the transaction of the change they tell of (an outbox: a
-- change rolled back records nothing), and one delivery per event and endpoint, sent by a job.
create table webhook_endpoints (
    id                   uuid primary key,
    tenant_id            uuid not null references tenants (id) on delete cascade,
    url                  text not null,
    description          text,
    -- `whsec_` and the base64 of 32 random bytes (the Standard Webhooks form): the HMAC key.
    secret               text not null,
    -- The event types it takes; null for every event.
    events               jsonb,
    enabled              boolean not null,
    disabled_reason      text,
    consecutive_failures bigint not null default 0,
    created_by           uuid references users (id) on delete set null,
    created_at           timestamptz not null,
    updated_at           timestamptz not null
);
create index webhook_endpoints_tenant on webhook_endpoints (tenant_id, id);
alter table webhook_endpoints enable row level security;
create policy tenant_isolation on webhook_endpoints using (tenant_id = lumiku_current_tenant());

create table webhook_events (
    id         uuid primary key,
    tenant_id  uuid not null references tenants (id) on delete cascade,
    type       text not null,
    data       jsonb not null,
    created_at timestamptz not null
);
create index webhook_events_tenant on webhook_events (tenant_id, id);
alter table webhook_events enable row level security;
create policy tenant_isolation on webhook_events using (tenant_id = lumiku_current_tenant());

create table webhook_deliveries (
    id              uuid primary key,
    tenant_id       uuid not null references tenants (id) on delete cascade,
    endpoint_id     uuid not null references webhook_endpoints (id) on delete cascade,
    event_id        uuid not null references webhook_events (id) on delete cascade,
    status          text not null check (status in ('pending', 'succeeded', 'failed')),
    attempts        bigint not null default 0,
    response_status bigint,
    response_body   text,
    error           text,
    created_at      timestamptz not null,
    last_attempt_at timestamptz,
    delivered_at    timestamptz
);
create index webhook_deliveries_endpoint on webhook_deliveries (endpoint_id, id);
alter table webhook_deliveries enable row level security;
create policy tenant_isolation on webhook_deliveries using (tenant_id = lumiku_current_tenant());

-- When a debit takes the wallet below this many credits, `credits.low` is sent. Kept on the wallet,
-- which every debit already reads, so that a charge pays for the check with nothing.
alter table wallets add column low_threshold_credits bigint check (low_threshold_credits > 0);
