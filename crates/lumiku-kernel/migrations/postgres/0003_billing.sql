-- Billing and payments (PostgreSQL): plans, credit packages, subscriptions, their monthly credit
-- grants, invoices numbered per tenant without gaps, and payments through a gateway.
-- Amounts of money are whole rupiah (IDR has no minor unit in practice): `*_idr`.

-- The catalogue: global, edited by platform administrators.
create table plans (
    id              text primary key, -- 'free', 'basic', 'pro', 'enterprise', or an admin's slug
    name            text not null,
    tier            text not null check (tier in ('free', 'basic', 'pro', 'enterprise')),
    price_idr       bigint not null check (price_idr >= 0),
    monthly_credits bigint not null check (monthly_credits >= 0),
    trial_days      integer not null check (trial_days >= 0),
    features        jsonb not null,
    active          boolean not null,
    sort_order      integer not null,
    created_at      timestamptz not null,
    updated_at      timestamptz not null
);
insert into plans (id, name, tier, price_idr, monthly_credits, trial_days, features, active, sort_order, created_at, updated_at) values
    ('free', 'Free', 'free', 0, 0, 0,
     '["Every free app", "Welcome bonus credits", "Community support"]', true, 1, now(), now()),
    ('basic', 'Basic', 'basic', 49000, 500, 0,
     '["500 credits every month", "Basic-tier apps", "Email support"]', true, 2, now(), now()),
    ('pro', 'Pro', 'pro', 149000, 2000, 14,
     '["2,000 credits every month", "Pro-tier apps", "14-day free trial", "Priority support"]', true, 3, now(), now()),
    ('enterprise', 'Enterprise', 'enterprise', 499000, 10000, 0,
     '["10,000 credits every month", "Every app", "Dedicated support"]', true, 4, now(), now());

create table credit_packages (
    id            text primary key,
    name          text not null,
    credits       bigint not null check (credits > 0),
    bonus_credits bigint not null check (bonus_credits >= 0),
    price_idr     bigint not null check (price_idr > 0),
    active        boolean not null,
    sort_order    integer not null,
    created_at    timestamptz not null,
    updated_at    timestamptz not null
);
insert into credit_packages (id, name, credits, bonus_credits, price_idr, active, sort_order, created_at, updated_at) values
    ('starter', 'Starter', 100, 0, 15000, true, 1, now(), now()),
    ('popular', 'Popular', 500, 50, 65000, true, 2, now(), now()),
    ('business', 'Business', 1000, 150, 120000, true, 3, now(), now()),
    ('bulk', 'Bulk', 5000, 1000, 500000, true, 4, now(), now());

-- A tenant's subscription; no row means the free plan. The tier counts while trialing, active or
-- past due (the grace period); canceled means free again.
create table subscriptions (
    tenant_id            uuid primary key references tenants (id) on delete cascade,
    plan_id              text not null references plans (id),
    status               text not null check (status in ('trialing', 'active', 'past_due', 'canceled')),
    current_period_start timestamptz not null,
    current_period_end   timestamptz not null,
    cancel_at_period_end boolean not null,
    trial_used           boolean not null,
    canceled_at          timestamptz,
    created_at           timestamptz not null,
    updated_at           timestamptz not null
);
create index subscriptions_period_end_idx on subscriptions (current_period_end) where status <> 'canceled';

-- One row per granted period: the claim that makes a monthly grant happen exactly once.
create table subscription_grants (
    tenant_id       uuid not null references tenants (id) on delete cascade,
    period_start    timestamptz not null,
    plan_id         text not null references plans (id),
    credits         bigint not null,
    ledger_entry_id uuid,
    granted_at      timestamptz not null,
    primary key (tenant_id, period_start)
);

-- Invoice numbers: the next number is taken on the transaction issuing the invoice, so a rolled
-- back issue takes no number and the sequence has no gaps.
create table invoice_counters (
    tenant_id   uuid primary key references tenants (id) on delete cascade,
    last_number bigint not null
);

create table invoices (
    id           uuid primary key,
    tenant_id    uuid not null references tenants (id) on delete cascade,
    number       bigint,           -- given when issued (draft invoices have none)
    status       text not null check (status in ('draft', 'open', 'paid', 'void')),
    kind         text not null check (kind in ('subscription', 'credits', 'manual')),
    plan_id      text references plans (id),
    package_id   text references credit_packages (id),
    period_start timestamptz,      -- for a subscription renewal: the period it pays for
    period_end   timestamptz,
    currency     text not null,
    total_idr    bigint not null check (total_idr >= 0),
    credits       bigint not null check (credits >= 0),       -- what paying it adds (credit packages)
    bonus_credits bigint not null check (bonus_credits >= 0),
    description  text not null,
    created_by   uuid,
    created_at   timestamptz not null,
    issued_at    timestamptz,
    due_at       timestamptz,
    paid_at      timestamptz,
    voided_at    timestamptz,
    updated_at   timestamptz not null,
    unique (tenant_id, number),
    check ((status = 'draft') = (number is null))
);
create index invoices_tenant_idx on invoices (tenant_id, id);

create table invoice_items (
    id             uuid primary key,
    invoice_id     uuid not null references invoices (id) on delete cascade,
    tenant_id      uuid not null references tenants (id) on delete cascade,
    position       integer not null,
    description    text not null,
    quantity       bigint not null check (quantity > 0),
    unit_price_idr bigint not null check (unit_price_idr >= 0),
    amount_idr     bigint not null check (amount_idr >= 0)
);
create index invoice_items_invoice_idx on invoice_items (invoice_id, position);

-- A payment of one invoice through a gateway. `reference` is the merchant order id sent to the
-- gateway; a callback finds the payment by it.
create table payments (
    id                uuid primary key,
    reference         text not null unique,
    tenant_id         uuid not null references tenants (id) on delete cascade,
    invoice_id        uuid not null references invoices (id),
    gateway           text not null check (gateway in ('sandbox', 'duitku')),
    amount_idr        bigint not null check (amount_idr > 0),
    status            text not null check (status in ('pending', 'success', 'failed', 'expired')),
    payment_method    text,
    gateway_reference text,
    payment_url       text,
    created_by        uuid,
    created_at        timestamptz not null,
    expires_at        timestamptz not null,
    paid_at           timestamptz,
    updated_at        timestamptz not null,
    callback_data     jsonb
);
create index payments_tenant_idx on payments (tenant_id, id);
create index payments_pending_idx on payments (expires_at) where status = 'pending';

-- The built-in sandbox gateway's own book: what the person on the sandbox page decided. Its
-- status call reads this, as Duitku's reads theirs.
create table sandbox_transactions (
    reference   text primary key,
    amount_idr  bigint not null,
    result_code text,
    created_at  timestamptz not null,
    decided_at  timestamptz
);

alter table subscriptions enable row level security;
create policy tenant_isolation on subscriptions using (tenant_id = lumiku_current_tenant());
alter table subscription_grants enable row level security;
create policy tenant_isolation on subscription_grants using (tenant_id = lumiku_current_tenant());
alter table invoice_counters enable row level security;
create policy tenant_isolation on invoice_counters using (tenant_id = lumiku_current_tenant());
alter table invoices enable row level security;
create policy tenant_isolation on invoices using (tenant_id = lumiku_current_tenant());
alter table invoice_items enable row level security;
create policy tenant_isolation on invoice_items using (tenant_id = lumiku_current_tenant());
alter table payments enable row level security;
create policy tenant_isolation on payments using (tenant_id = lumiku_current_tenant());
