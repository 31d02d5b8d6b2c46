create table task_scheduler_items (
    id         blob primary key,
    tenant_id  blob not null,
    title      text not null,
    notes      text,
    created_by blob not null,
    created_at text not null
);
create index task_scheduler_items_tenant_idx on task_scheduler_items (tenant_id, id);
