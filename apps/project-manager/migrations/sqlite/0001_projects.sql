create table project_manager_projects (
    id          blob primary key,
    tenant_id   blob not null,
    name        text not null,
    description text,
    status      text not null check (status in ('active', 'completed', 'archived')),
    due_date    text,
    created_by  blob not null,
    created_at  text not null,
    updated_at  text not null
);
create index project_manager_projects_tenant_idx on project_manager_projects (tenant_id, created_at);

create table project_manager_tasks (
    id         blob primary key,
    tenant_id  blob not null,
    project_id blob not null references project_manager_projects (id) on delete cascade,
    title      text not null,
    priority   text not null check (priority in ('low', 'medium', 'high')),
    completed  boolean not null,
    created_at text not null,
    updated_at text not null
);
create index project_manager_tasks_project_idx on project_manager_tasks (project_id);
create index project_manager_tasks_tenant_idx on project_manager_tasks (tenant_id);
