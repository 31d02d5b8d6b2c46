-- Background jobs: queued by apps (and by the platform itself) and claimed by workers on any node.
-- Times used for scheduling are milliseconds since the epoch, compared and added to in SQL.
-- A claim is a token: a worker that lost its lease (the job's lease lapsed and another node took
-- it) finds its token gone and commits nothing about the job.
create table jobs (
    id             uuid primary key,
    app_id         text not null,
    kind           text not null,
    tenant_id      uuid references tenants (id) on delete cascade,
    user_id        uuid,
    payload        jsonb not null,
    unique_key     text,
    cron           text,
    time_zone      text,
    every_ms       bigint,
    status         text not null check (status in ('queued', 'running', 'done', 'failed', 'canceled')),
    due_ms         bigint not null,
    run_at_ms      bigint not null,
    attempt        bigint not null default 0,
    max_attempts   bigint not null check (max_attempts >= 1),
    timeout_ms     bigint not null check (timeout_ms > 0),
    backoff_ms     bigint not null check (backoff_ms >= 0),
    claim          uuid,
    claimed_by     text,
    lease_until_ms bigint,
    runs           bigint not null default 0,
    last_outcome   text,
    last_error     text,
    created_at     timestamptz not null,
    updated_at     timestamptz not null
);
-- One live job per key in an app and tenant (system jobs have no tenant: the key is the app's).
create unique index jobs_unique_key on jobs (app_id, coalesce(tenant_id, '00000000-0000-0000-0000-000000000000'::uuid), unique_key)
    where unique_key is not null;
create index jobs_due on jobs (run_at_ms) where status = 'queued';
create index jobs_leases on jobs (lease_until_ms) where status = 'running';
alter table jobs enable row level security;
create policy tenant_isolation on jobs using (tenant_id = lumiku_current_tenant());
