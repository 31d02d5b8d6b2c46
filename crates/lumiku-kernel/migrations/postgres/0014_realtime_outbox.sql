-- Realtime events too large for a notification's payload: written in the publishing transaction,
-- the notification carries the id, each node reads the row. Swept after ten minutes.
create table realtime_outbox (
    id         uuid primary key,
    tenant_id  uuid references tenants (id) on delete cascade,
    payload    text not null,
    created_at timestamptz not null
);
create index realtime_outbox_created on realtime_outbox (created_at);
alter table realtime_outbox enable row level security;
create policy tenant_isolation on realtime_outbox using (tenant_id = lumiku_current_tenant());
