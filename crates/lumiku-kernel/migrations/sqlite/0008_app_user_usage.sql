-- Running totals of metered actions per tenant, app and user, bumped in the transaction of each
-- action. The administrator's app counters and a tenant's usage summary read these few rows
-- instead of counting every usage row on every read, and a metered action rewrites one row of
-- a small table instead of inserting into an (app, user) index over all usage: a row a tenant's
-- actions touch anyway, so nothing is shared between tenants (unlike the per-app counter that
-- 0005 removed).
create table app_user_usage (
    tenant_id     blob not null references tenants (id),
    app_id        text not null references apps (app_id),
    user_id       blob not null,
    actions       integer not null check (actions >= 0),
    credits       integer not null check (credits >= 0),
    first_used_at text not null,
    last_used_at  text not null,
    primary key (tenant_id, app_id, user_id)
) without rowid;
-- Rows are added only on a user's first action in a tenant's app; bumps leave it untouched.
create index app_user_usage_app_idx on app_user_usage (app_id, user_id);
-- Every usage row names its user (the kernel always records one).
insert into app_user_usage (tenant_id, app_id, user_id, actions, credits, first_used_at, last_used_at)
    select tenant_id, app_id, user_id, count(*), sum(credits), min(created_at), max(created_at)
    from app_usage where user_id is not null
    group by tenant_id, app_id, user_id;
drop index app_usage_app_user_idx;
