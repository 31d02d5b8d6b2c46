-- Status and priority checks as comparisons instead of IN lists: SQLite checks `x in (a, b, c)`
-- by filling a temporary table with the list on every insert and update, inside the writer's
-- turn. SQLite cannot change a CHECK in place, so both tables are rebuilt. Tasks go first: with
-- them rebuilt to reference the new projects table, dropping the old one cascades to nothing.
create table project_manager_projects_rebuilt (
    id          blob primary key,
    tenant_id   blob not null,
    name        text not null,
    description text,
    status      text not null check (status = 'active' or status = 'completed' or status = 'archived'),
    due_date    text,
    created_by  blob not null,
    created_at  text not null,
    updated_at  text not null
);
create table project_manager_tasks_rebuilt (
    id         blob primary key,
    tenant_id  blob not null,
    project_id blob not null references project_manager_projects_rebuilt (id) on delete cascade,
    title      text not null,
    priority   text not null check (priority = 'low' or priority = 'medium' or priority = 'high'),
    completed  boolean not null,
    created_at text not null,
    updated_at text not null
);
insert into project_manager_projects_rebuilt (id, tenant_id, name, description, status, due_date,
    created_by, created_at, updated_at)
    select id, tenant_id, name, description, status, due_date, created_by, created_at, updated_at
    from project_manager_projects;
insert into project_manager_tasks_rebuilt (id, tenant_id, project_id, title, priority, completed,
    created_at, updated_at)
    select id, tenant_id, project_id, title, priority, completed, created_at, updated_at
    from project_manager_tasks;
drop table project_manager_tasks;
drop table project_manager_projects;
alter table project_manager_projects_rebuilt rename to project_manager_projects;
alter table project_manager_tasks_rebuilt rename to project_manager_tasks;
create index project_manager_projects_tenant_idx on project_manager_projects (tenant_id, created_at);
create index project_manager_tasks_project_idx on project_manager_tasks (project_id);
create index project_manager_tasks_tenant_idx on project_manager_tasks (tenant_id);
