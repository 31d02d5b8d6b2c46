-- webhook_endpoints.enabled was declared `integer`; every other flag is `boolean`, as on
-- PostgreSQL. The declared type is what a tenant's export reads a value's type from, so it is
-- declared again (SQLite changes a column's type only by making it anew).
alter table webhook_endpoints rename column enabled to enabled_integer;
alter table webhook_endpoints add column enabled boolean not null default 1;
update webhook_endpoints set enabled = enabled_integer;
alter table webhook_endpoints drop column enabled_integer;
