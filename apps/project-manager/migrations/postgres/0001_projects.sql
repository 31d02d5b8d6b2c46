create table project_manager_projects (
    id          uuid primary key,
    tenant_id   uuid not null,
    name        text not null,
    description text,
    status      text not null check (status in ('active', 'completed', 'archived')),
    due_date    timestamptz,
    created_by  uuid not null,
    created_at  timestamptz not null,
    updated_at  timestamptz not null
);
create index project_manager_projects_tenant_idx on project_manager_projects (tenant_id, created_at);

create table project_manager_tasks (
    id         uuid primary key,
    tenant_id  uuid not null,
    project_id uuid not null references project_manager_projects (id) on delete cascade,
    title      text not null,
    priority   text not null check (priority in ('low', 'medium', 'high')),
    completed  boolean not null,
    created_at timestamptz not null,
    updated_at timestamptz not null
);
create index project_manager_tasks_project_idx on project_manager_tasks (project_id);
create index project_manager_tasks_tenant_idx on project_manager_tasks (tenant_id);

alter table project_manager_projects enable row level security;
create policy tenant_isolation on project_manager_projects using (tenant_id = lumiku_current_tenant());
alter table project_manager_tasks enable row level security;
create policy tenant_isolation on project_manager_tasks using (tenant_id = lumiku_current_tenant());
