-- SQLite's 0002 rewrites the status and priority checks, which SQLite evaluated through a
-- temporary table on every write. PostgreSQL checks an IN list directly: nothing changes here.
select 1;
