create table task_scheduler_items (
    id         uuid primary key,
    tenant_id  uuid not null,
    title      text not null,
    notes      text,
    created_by uuid not null,
    created_at timestamptz not null
);
create index task_scheduler_items_tenant_idx on task_scheduler_items (tenant_id, id);

alter table task_scheduler_items enable row level security;
create policy tenant_isolation on task_scheduler_items using (tenant_id = lumiku_current_tenant());
