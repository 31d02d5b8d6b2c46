create table task_scheduler_tasks (
    id              uuid primary key,
    tenant_id       uuid not null,
    name            text not null,
    schedule_type   text not null check (schedule_type = 'once' or schedule_type = 'cron'),
    run_at          timestamptz,
    cron            text,
    time_zone       text,
    action_type     text not null check (action_type = 'http' or action_type = 'reminder'),
    action          jsonb not null,
    enabled         boolean not null,
    created_by      uuid not null,
    created_at      timestamptz not null,
    updated_at      timestamptz not null,
    last_run_at     timestamptz,
    last_outcome    text,
    runs            bigint not null default 0
);
create index task_scheduler_tasks_tenant_idx on task_scheduler_tasks (tenant_id, id);

-- One row per attempt: 'running' while an outbound request is in flight, then its outcome.
create table task_scheduler_runs (
    id          uuid primary key,
    tenant_id   uuid not null,
    task_id     uuid not null,
    due_at      timestamptz not null,
    started_at  timestamptz not null,
    duration_ms bigint,
    outcome     text not null check (outcome = 'running' or outcome = 'succeeded' or outcome = 'failed'
                       or outcome = 'skipped' or outcome = 'interrupted'),
    attempt     bigint not null,
    status_code bigint,
    response    text,
    error       text,
    credits     bigint not null
);
create index task_scheduler_runs_task_idx on task_scheduler_runs (tenant_id, task_id, id);

create table task_scheduler_notifications (
    id         uuid primary key,
    tenant_id  uuid not null,
    user_id    uuid not null,
    task_id    uuid,
    message    text not null,
    created_at timestamptz not null,
    read_at    timestamptz
);
create index task_scheduler_notifications_user_idx on task_scheduler_notifications (tenant_id, user_id, id);

alter table task_scheduler_tasks enable row level security;
create policy tenant_isolation on task_scheduler_tasks using (tenant_id = lumiku_current_tenant());
alter table task_scheduler_runs enable row level security;
create policy tenant_isolation on task_scheduler_runs using (tenant_id = lumiku_current_tenant());
alter table task_scheduler_notifications enable row level security;
create policy tenant_isolation on task_scheduler_notifications using (tenant_id = lumiku_current_tenant());
