-- Running totals of metered actions per tenant, app and user, bumped in the transaction of each
-- action. The administrator's app counters and a tenant's usage summary read these few rows
-- instead of counting every usage row on every read, and a metered action updates one row that
-- only its tenant's actions touch, already serialised behind the tenant's wallet row (unlike
-- the per-app counter that 0005 removed). Counters are not indexed, so bumps are HOT updates.
create table app_user_usage (
    tenant_id     uuid not null references tenants (id),
    app_id        text not null references apps (app_id),
    user_id       uuid not null,
    actions       bigint not null check (actions >= 0),
    credits       bigint not null check (credits >= 0),
    first_used_at timestamptz not null,
    last_used_at  timestamptz not null,
    primary key (tenant_id, app_id, user_id)
);
create index app_user_usage_app_idx on app_user_usage (app_id, user_id);
alter table app_user_usage enable row level security;
create policy tenant_isolation on app_user_usage using (tenant_id = lumiku_current_tenant());
grant select, insert, update on app_user_usage to lumiku_app;
-- Every usage row names its user (the kernel always records one).
insert into app_user_usage (tenant_id, app_id, user_id, actions, credits, first_used_at, last_used_at)
    select tenant_id, app_id, user_id, count(*), sum(credits), min(created_at), max(created_at)
    from app_usage where user_id is not null
    group by tenant_id, app_id, user_id;
drop index app_usage_app_user_idx;
