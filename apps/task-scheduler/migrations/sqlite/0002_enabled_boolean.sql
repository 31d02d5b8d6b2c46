-- task_scheduler_tasks.enabled was declared `integer`; declared `boolean` as on PostgreSQL, so
-- that a tenant's export reads it as true/false on both (SQLite retypes a column by making it
-- anew).
alter table task_scheduler_tasks rename column enabled to enabled_integer;
alter table task_scheduler_tasks add column enabled boolean not null default 1;
update task_scheduler_tasks set enabled = enabled_integer;
alter table task_scheduler_tasks drop column enabled_integer;
