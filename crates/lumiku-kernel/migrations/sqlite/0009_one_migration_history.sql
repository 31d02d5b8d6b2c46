-- The migration history moved into lumiku_migrations, kept by lumiku-store's runner for the kernel
-- and every app; the runner adopted this table's rows before this migration ran.
drop table if exists app_migrations;
