create table task_scheduler_tasks (
    id              blob primary key,
    tenant_id       blob not null,
    name            text not null,
    schedule_type   text not null check (schedule_type = 'once' or schedule_type = 'cron'),
    run_at          text,
    cron            text,
    time_zone       text,
    action_type     text not null check (action_type = 'http' or action_type = 'reminder'),
    action          text not null,
    enabled         integer not null,
    created_by      blob not null,
    created_at      text not null,
    updated_at      text not null,
    last_run_at     text,
    last_outcome    text,
    runs            integer not null default 0
);
create index task_scheduler_tasks_tenant_idx on task_scheduler_tasks (tenant_id, id);

-- One row per attempt: 'running' while an outbound request is in flight, then its outcome.
create table task_scheduler_runs (
    id          blob primary key,
    tenant_id   blob not null,
    task_id     blob not null,
    due_at      text not null,
    started_at  text not null,
    duration_ms integer,
    outcome     text not null check (outcome = 'running' or outcome = 'succeeded' or outcome = 'failed'
                       or outcome = 'skipped' or outcome = 'interrupted'),
    attempt     integer not null,
    status_code integer,
    response    text,
    error       text,
    credits     integer not null
);
create index task_scheduler_runs_task_idx on task_scheduler_runs (tenant_id, task_id, id);

create table task_scheduler_notifications (
    id         blob primary key,
    tenant_id  blob not null,
    user_id    blob not null,
    task_id    blob,
    message    text not null,
    created_at text not null,
    read_at    text
);
create index task_scheduler_notifications_user_idx on task_scheduler_notifications (tenant_id, user_id, id);
