-- SQLite only (webhook_endpoints.enabled was declared integer there); PostgreSQL's is boolean.
select 1;
