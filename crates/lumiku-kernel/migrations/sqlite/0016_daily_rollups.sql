-- Daily rollups of a tenant's usage and ledger, kept in the transaction of every charge and
-- ledger row, so analytics over months read a few hundred rows instead of every usage row.
-- Days are UTC calendar days, written YYYY-MM-DD.
create table usage_daily (
    tenant_id blob not null references tenants (id),
    day       text not null,
    app_id    text not null,
    action    text not null,
    user_id   blob not null,
    actions   integer not null check (actions >= 0),
    credits   integer not null check (credits >= 0),
    primary key (tenant_id, day, app_id, action, user_id)
) without rowid;

-- Per day: credits in (purchases, grants, bonuses, refunds) and out (usage, debits), how many
-- ledger rows, and the balance after the day's last one.
create table ledger_daily (
    tenant_id       blob not null references tenants (id),
    day             text not null,
    credits_in      integer not null check (credits_in >= 0),
    credits_out     integer not null check (credits_out >= 0),
    entries         integer not null check (entries >= 0),
    closing_balance integer not null,
    primary key (tenant_id, day)
) without rowid;

insert into usage_daily (tenant_id, day, app_id, action, user_id, actions, credits)
    select tenant_id, substr(created_at, 1, 10), app_id, action, user_id, count(*), sum(credits)
    from app_usage where user_id is not null
    group by 1, 2, 3, 4, 5;

insert into ledger_daily (tenant_id, day, credits_in, credits_out, entries, closing_balance)
    select d.tenant_id, d.day, d.credits_in, d.credits_out, d.entries, l.balance_after_credits
    from (select tenant_id, substr(created_at, 1, 10) as day,
                 coalesce(sum(case when amount_credits > 0 then amount_credits end), 0) as credits_in,
                 coalesce(-sum(case when amount_credits < 0 then amount_credits end), 0) as credits_out,
                 count(*) as entries, max(id) as last_id
          from ledger_entries group by 1, 2) d
    join ledger_entries l on l.id = d.last_id;
