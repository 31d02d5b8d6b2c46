-- The tenant's business: what every invoice says it is from.
create table invoice_generator_profiles (
    tenant_id        blob primary key,
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
    logo_blob_id     blob,
    updated_at       text not null
);

create table invoice_generator_clients (
    id         blob primary key,
    tenant_id  blob not null,
    name       text not null,
    email      text,
    address    text,
    tax_id     text,
    created_by blob not null,
    created_at text not null,
    updated_at text not null
);
create index invoice_generator_clients_tenant_idx on invoice_generator_clients (tenant_id, id);

-- The last number given in each series (a year, when the format has one): taken and bumped on
-- the issuing transaction, so a rolled-back issue gives its number back and none is skipped.
create table invoice_generator_counters (
    tenant_id blob not null,
    series    text not null,
    last_seq  integer not null,
    primary key (tenant_id, series)
);

create table invoice_generator_invoices (
    id             blob primary key,
    tenant_id      blob not null,
    client_id      blob not null,
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
    subtotal       integer not null,
    discount       integer not null,
    tax            integer not null,
    total          integer not null,
    public_token   text,
    pdf_blob_id    blob,
    created_by     blob not null,
    created_at     text not null,
    updated_at     text not null,
    issued_at      text,
    paid_at        text,
    voided_at      text
);
create index invoice_generator_invoices_tenant_idx on invoice_generator_invoices (tenant_id, id);
create index invoice_generator_invoices_status_idx on invoice_generator_invoices (tenant_id, status, id);
create index invoice_generator_invoices_client_idx on invoice_generator_invoices (tenant_id, client_id, id);
create unique index invoice_generator_invoices_number_idx on invoice_generator_invoices (tenant_id, number);
create unique index invoice_generator_invoices_token_idx on invoice_generator_invoices (public_token);

create table invoice_generator_lines (
    id              blob primary key,
    tenant_id       blob not null,
    invoice_id      blob not null references invoice_generator_invoices (id) on delete cascade,
    position        integer not null,
    description     text not null,
    quantity_milli  integer not null,
    unit_price      integer not null,
    discount_bp     integer not null,
    discount_amount integer,
    tax_bp          integer not null,
    amount          integer not null,
    discount        integer not null,
    tax             integer not null,
    total           integer not null
);
create index invoice_generator_lines_invoice_idx on invoice_generator_lines (invoice_id, position);

-- Each request to mail an invoice, and how its delivery went.
create table invoice_generator_deliveries (
    id         blob primary key,
    tenant_id  blob not null,
    invoice_id blob not null references invoice_generator_invoices (id) on delete cascade,
    recipient  text not null,
    message    text,
    status     text not null,
    error      text,
    created_by blob not null,
    created_at text not null,
    sent_at    text
);
create index invoice_generator_deliveries_invoice_idx on invoice_generator_deliveries (invoice_id, id);

