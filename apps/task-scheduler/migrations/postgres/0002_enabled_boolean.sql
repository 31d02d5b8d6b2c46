-- SQLite only (the column was declared integer there); PostgreSQL's is boolean.
select 1;
