-- Daily rollups of a tenant's usage and ledger, kept in the transaction of every charge and
-- ledger row, so analytics over months read a few hundred rows instead of every usage row.
-- Days are UTC calendar days, written YYYY-MM-DD.
create table usage_daily (
    tenant_id uuid not null references tenants (id),
    day       text not null,
    app_id    text not null,
    action    text not null,
    user_id   uuid not null,
    actions   bigint not null check (actions >= 0),
    credits   bigint not null check (credits >= 0),
    primary key (tenant_id, day, app_id, action, user_id)
);
alter table usage_daily enable row level security;
create policy tenant_isolation on usage_daily using (tenant_id = lumiku_current_tenant());
grant select, insert, update on usage_daily to lumiku_app;

-- Per day: credits in (purchases, grants, bonuses, refunds) and out (usage, debits), how many
-- ledger rows, and the balance after the day's last one.
create table ledger_daily (
    tenant_id       uuid not null references tenants (id),
    day             text not null,
    credits_in      bigint not null check (credits_in >= 0),
    credits_out     bigint not null check (credits_out >= 0),
    entries         bigint not null check (entries >= 0),
    closing_balance bigint not null,
    primary key (tenant_id, day)
);
alter table ledger_daily enable row level security;
create policy tenant_isolation on ledger_daily using (tenant_id = lumiku_current_tenant());
grant select, insert, update on ledger_daily to lumiku_app;

insert into usage_daily (tenant_id, day, app_id, action, user_id, actions, credits)
    select tenant_id, to_char(created_at at time zone 'UTC', 'YYYY-MM-DD'), app_id, action, user_id,
           count(*), sum(credits)
    from app_usage where user_id is not null
    group by 1, 2, 3, 4, 5;

insert into ledger_daily (tenant_id, day, credits_in, credits_out, entries, closing_balance)
    select tenant_id, to_char(created_at at time zone 'UTC', 'YYYY-MM-DD'),
           coalesce(sum(amount_credits) filter (where amount_credits > 0), 0),
           coalesce(-sum(amount_credits) filter (where amount_credits < 0), 0),
           count(*),
           (array_agg(balance_after_credits order by id desc))[1]
    from ledger_entries
    group by 1, 2;
