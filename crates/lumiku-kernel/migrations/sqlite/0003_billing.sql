-- Billing and payments (SQLite; see migrations/postgres for the commentary).

create table plans (
    id              text primary key,
    name            text not null,
    tier            text not null check (tier in ('free', 'basic', 'pro', 'enterprise')),
    price_idr       integer not null check (price_idr >= 0),
    monthly_credits integer not null check (monthly_credits >= 0),
    trial_days      integer not null check (trial_days >= 0),
    features        text not null,
    active          boolean not null,
    sort_order      integer not null,
    created_at      text not null,
    updated_at      text not null
);
insert into plans (id, name, tier, price_idr, monthly_credits, trial_days, features, active, sort_order, created_at, updated_at) values
    ('free', 'Free', 'free', 0, 0, 0,
     '["Every free app", "Welcome bonus credits", "Community support"]', 1, 1,
     strftime('%Y-%m-%dT%H:%M:%S+00:00', 'now'), strftime('%Y-%m-%dT%H:%M:%S+00:00', 'now')),
    ('basic', 'Basic', 'basic', 49000, 500, 0,
     '["500 credits every month", "Basic-tier apps", "Email support"]', 1, 2,
     strftime('%Y-%m-%dT%H:%M:%S+00:00', 'now'), strftime('%Y-%m-%dT%H:%M:%S+00:00', 'now')),
    ('pro', 'Pro', 'pro', 149000, 2000, 14,
     '["2,000 credits every month", "Pro-tier apps", "14-day free trial", "Priority support"]', 1, 3,
     strftime('%Y-%m-%dT%H:%M:%S+00:00', 'now'), strftime('%Y-%m-%dT%H:%M:%S+00:00', 'now')),
    ('enterprise', 'Enterprise', 'enterprise', 499000, 10000, 0,
     '["10,000 credits every month", "Every app", "Dedicated support"]', 1, 4,
     strftime('%Y-%m-%dT%H:%M:%S+00:00', 'now'), strftime('%Y-%m-%dT%H:%M:%S+00:00', 'now'));

create table credit_packages (
    id            text primary key,
    name          text not null,
    credits       integer not null check (credits > 0),
    bonus_credits integer not null check (bonus_credits >= 0),
    price_idr     integer not null check (price_idr > 0),
    active        boolean not null,
    sort_order    integer not null,
    created_at    text not null,
    updated_at    text not null
);
insert into credit_packages (id, name, credits, bonus_credits, price_idr, active, sort_order, created_at, updated_at) values
    ('starter', 'Starter', 100, 0, 15000, 1, 1,
     strftime('%Y-%m-%dT%H:%M:%S+00:00', 'now'), strftime('%Y-%m-%dT%H:%M:%S+00:00', 'now')),
    ('popular', 'Popular', 500, 50, 65000, 1, 2,
     strftime('%Y-%m-%dT%H:%M:%S+00:00', 'now'), strftime('%Y-%m-%dT%H:%M:%S+00:00', 'now')),
    ('business', 'Business', 1000, 150, 120000, 1, 3,
     strftime('%Y-%m-%dT%H:%M:%S+00:00', 'now'), strftime('%Y-%m-%dT%H:%M:%S+00:00', 'now')),
    ('bulk', 'Bulk', 5000, 1000, 500000, 1, 4,
     strftime('%Y-%m-%dT%H:%M:%S+00:00', 'now'), strftime('%Y-%m-%dT%H:%M:%S+00:00', 'now'));

create table subscriptions (
    tenant_id            blob primary key references tenants (id) on delete cascade,
    plan_id              text not null references plans (id),
    status               text not null check (status in ('trialing', 'active', 'past_due', 'canceled')),
    current_period_start text not null,
    current_period_end   text not null,
    cancel_at_period_end boolean not null,
    trial_used           boolean not null,
    canceled_at          text,
    created_at           text not null,
    updated_at           text not null
);
create index subscriptions_period_end_idx on subscriptions (current_period_end) where status <> 'canceled';

create table subscription_grants (
    tenant_id       blob not null references tenants (id) on delete cascade,
    period_start    text not null,
    plan_id         text not null references plans (id),
    credits         integer not null,
    ledger_entry_id blob,
    granted_at      text not null,
    primary key (tenant_id, period_start)
);

create table invoice_counters (
    tenant_id   blob primary key references tenants (id) on delete cascade,
    last_number integer not null
);

create table invoices (
    id           blob primary key,
    tenant_id    blob not null references tenants (id) on delete cascade,
    number       integer,
    status       text not null check (status in ('draft', 'open', 'paid', 'void')),
    kind         text not null check (kind in ('subscription', 'credits', 'manual')),
    plan_id      text references plans (id),
    package_id   text references credit_packages (id),
    period_start text,
    period_end   text,
    currency     text not null,
    total_idr    integer not null check (total_idr >= 0),
    credits       integer not null check (credits >= 0),
    bonus_credits integer not null check (bonus_credits >= 0),
    description  text not null,
    created_by   blob,
    created_at   text not null,
    issued_at    text,
    due_at       text,
    paid_at      text,
    voided_at    text,
    updated_at   text not null,
    unique (tenant_id, number),
    check ((status = 'draft') = (number is null))
);
create index invoices_tenant_idx on invoices (tenant_id, id);

create table invoice_items (
    id             blob primary key,
    invoice_id     blob not null references invoices (id) on delete cascade,
    tenant_id      blob not null references tenants (id) on delete cascade,
    position       integer not null,
    description    text not null,
    quantity       integer not null check (quantity > 0),
    unit_price_idr integer not null check (unit_price_idr >= 0),
    amount_idr     integer not null check (amount_idr >= 0)
);
create index invoice_items_invoice_idx on invoice_items (invoice_id, position);

create table payments (
    id                blob primary key,
    reference         text not null unique,
    tenant_id         blob not null references tenants (id) on delete cascade,
    invoice_id        blob not null references invoices (id),
    gateway           text not null check (gateway in ('sandbox', 'duitku')),
    amount_idr        integer not null check (amount_idr > 0),
    status            text not null check (status in ('pending', 'success', 'failed', 'expired')),
    payment_method    text,
    gateway_reference text,
    payment_url       text,
    created_by        blob,
    created_at        text not null,
    expires_at        text not null,
    paid_at           text,
    updated_at        text not null,
    callback_data     text
);
create index payments_tenant_idx on payments (tenant_id, id);
create index payments_pending_idx on payments (expires_at) where status = 'pending';

create table sandbox_transactions (
    reference   text primary key,
    amount_idr  integer not null,
    result_code text,
    created_at  text not null,
    decided_at  text
);
