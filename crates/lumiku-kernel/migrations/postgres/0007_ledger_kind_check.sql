-- SQLite's 0007 rewrites the ledger's kind check, which SQLite evaluated through a temporary
-- table on every insert. PostgreSQL checks an IN list directly: nothing changes here.
select 1;
