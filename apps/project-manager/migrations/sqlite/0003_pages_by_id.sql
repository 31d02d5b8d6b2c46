-- The project list is read in pages by (tenant, id), newest first, and a page's tasks as one
-- range of (tenant, project, id). Ids are UUIDv7, so id order is creation order and neither
-- read sorts; the old (tenant, created_at) and (tenant) indexes left both to a sort.
drop index project_manager_projects_tenant_idx;
create index project_manager_projects_tenant_idx on project_manager_projects (tenant_id, id);
drop index project_manager_tasks_tenant_idx;
create index project_manager_tasks_tenant_idx on project_manager_tasks (tenant_id, project_id, id);
