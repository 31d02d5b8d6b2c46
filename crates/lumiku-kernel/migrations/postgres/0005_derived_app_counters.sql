-- An app's usage counters are derived from its usage rows when an administrator reads them,
-- instead of bumped on every metered action: one row per app, updated by every action of every
-- tenant, serialised all of them behind its lock (on PostgreSQL, across nodes too).
drop table app_users;
alter table apps drop column total_usage;
alter table apps drop column active_users;
create index app_usage_app_user_idx on app_usage (app_id, user_id);
