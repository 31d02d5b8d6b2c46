-- The tenant's business: what every invoice says it is from.
create table invoice_generator_profiles (
    tenant_id        uuid primary key,
    business_name    text not null,
    address          text,
    email            text,
    phone            text,
    tax_id           text,
    bank_details     text,
    default_terms    text,
    default_notes    text,
    currency         text not null,
    number_format    text not null,
    default_due_days integer not null,
    logo_blob_id     uuid,
    updated_at       timestamptz not null
);

create table invoice_generator_clients (
    id         uuid primary key,
    tenant_id  uuid not null,
    name       text not null,
    email      text,
    address    text,
    tax_id     text,
    created_by uuid not null,
    created_at timestamptz not null,
    updated_at timestamptz not null
);
create index invoice_generator_clients_tenant_idx on invoice_generator_clients (tenant_id, id);

-- The last number given in each series (a year, when the format has one): taken and bumped on
-- the issuing transaction, so a rolled-back issue gives its number back and none is skipped.
create table invoice_generator_counters (
    tenant_id uuid not null,
    series    text not null,
    last_seq  bigint not null,
    primary key (tenant_id, series)
);

create table invoice_generator_invoices (
    id             uuid primary key,
    tenant_id      uuid not null,
    client_id      uuid not null,
    number         text,
    status         text not null,
    currency       text not null,
    issue_date     text not null,
    due_date       text not null,
    notes          text,
    terms          text,
    client_name    text not null,
    client_email   text,
    client_address text,
    client_tax_id  text,
    seller         text,
    subtotal       bigint not null,
    discount       bigint not null,
    tax            bigint not null,
    total          bigint not null,
    public_token   text,
    pdf_blob_id    uuid,
    created_by     uuid not null,
    created_at     timestamptz not null,
    updated_at     timestamptz not null,
    issued_at      timestamptz,
    paid_at        timestamptz,
    voided_at      timestamptz
);
create index invoice_generator_invoices_tenant_idx on invoice_generator_invoices (tenant_id, id);
create index invoice_generator_invoices_status_idx on invoice_generator_invoices (tenant_id, status, id);
create index invoice_generator_invoices_client_idx on invoice_generator_invoices (tenant_id, client_id, id);
create unique index invoice_generator_invoices_number_idx on invoice_generator_invoices (tenant_id, number);
create unique index invoice_generator_invoices_token_idx on invoice_generator_invoices (public_token);

create table invoice_generator_lines (
    id              uuid primary key,
    tenant_id       uuid not null,
    invoice_id      uuid not null references invoice_generator_invoices (id) on delete cascade,
    position        integer not null,
    description     text not null,
    quantity_milli  bigint not null,
    unit_price      bigint not null,
    discount_bp     bigint not null,
    discount_amount bigint,
    tax_bp          bigint not null,
    amount          bigint not null,
    discount        bigint not null,
    tax             bigint not null,
    total           bigint not null
);
create index invoice_generator_lines_invoice_idx on invoice_generator_lines (invoice_id, position);

-- Each request to mail an invoice, and how its delivery went.
create table invoice_generator_deliveries (
    id         uuid primary key,
    tenant_id  uuid not null,
    invoice_id uuid not null references invoice_generator_invoices (id) on delete cascade,
    recipient  text not null,
    message    text,
    status     text not null,
    error      text,
    created_by uuid not null,
    created_at timestamptz not null,
    sent_at    timestamptz
);
create index invoice_generator_deliveries_invoice_idx on invoice_generator_deliveries (invoice_id, id);

alter table invoice_generator_profiles enable row level security;
create policy tenant_isolation on invoice_generator_profiles using (tenant_id = lumiku_current_tenant());
alter table invoice_generator_clients enable row level security;
create policy tenant_isolation on invoice_generator_clients using (tenant_id = lumiku_current_tenant());
alter table invoice_generator_counters enable row level security;
create policy tenant_isolation on invoice_generator_counters using (tenant_id = lumiku_current_tenant());
alter table invoice_generator_invoices enable row level security;
create policy tenant_isolation on invoice_generator_invoices using (tenant_id = lumiku_current_tenant());
alter table invoice_generator_lines enable row level security;
create policy tenant_isolation on invoice_generator_lines using (tenant_id = lumiku_current_tenant());
alter table invoice_generator_deliveries enable row level security;
create policy tenant_isolation on invoice_generator_deliveries using (tenant_id = lumiku_current_tenant());
