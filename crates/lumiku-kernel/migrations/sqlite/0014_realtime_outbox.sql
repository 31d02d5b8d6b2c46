-- Realtime events too large for a PostgreSQL notification go through this table there. SQLite
-- runs one node and delivers in-process: the table exists so both schemas stay the same.
create table realtime_outbox (
    id         blob primary key,
    tenant_id  blob references tenants (id) on delete cascade,
    payload    text not null,
    created_at text not null
);
create index realtime_outbox_created on realtime_outbox (created_at);
