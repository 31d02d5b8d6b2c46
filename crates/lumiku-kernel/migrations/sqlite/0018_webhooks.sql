-- Outgoing webhooks. A tenant's endpoints (an HTTPS URL, the events it takes, its signing
-- secret), the events recorded in the transaction of the change they tell of (an outbox: a
-- change rolled back records nothing), and one delivery per event and endpoint, sent by a job.
create table webhook_endpoints (
    id                   blob primary key,
    tenant_id            blob not null references tenants (id) on delete cascade,
    url                  text not null,
    description          text,
    -- `whsec_` and the base64 of 32 random bytes (the Standard Webhooks form): the HMAC key.
    secret               text not null,
    -- A JSON array of event types; null for every event.
    events               text,
    enabled              integer not null,
    disabled_reason      text,
    consecutive_failures integer not null default 0,
    created_by           blob references users (id) on delete set null,
    created_at           text not null,
    updated_at           text not null
);
create index webhook_endpoints_tenant on webhook_endpoints (tenant_id, id);

create table webhook_events (
    id         blob primary key,
    tenant_id  blob not null references tenants (id) on delete cascade,
    type       text not null,
    data       text not null,
    created_at text not null
);
create index webhook_events_tenant on webhook_events (tenant_id, id);

create table webhook_deliveries (
    id              blob primary key,
    tenant_id       blob not null references tenants (id) on delete cascade,
    endpoint_id     blob not null references webhook_endpoints (id) on delete cascade,
    event_id        blob not null references webhook_events (id) on delete cascade,
    status          text not null check (status in ('pending', 'succeeded', 'failed')),
    attempts        integer not null default 0,
    response_status integer,
    response_body   text,
    error           text,
    created_at      text not null,
    last_attempt_at text,
    delivered_at    text
);
create index webhook_deliveries_endpoint on webhook_deliveries (endpoint_id, id);

-- When a debit takes the wallet below this many credits, `credits.low` is sent. Kept on the wallet,
-- which every debit already reads, so that a charge pays for the check with nothing.
alter table wallets add column low_threshold_credits integer check (low_threshold_credits > 0);
