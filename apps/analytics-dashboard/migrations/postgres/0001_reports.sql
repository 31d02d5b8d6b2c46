-- Saved report definitions: a named range (the last N days, or fixed dates) and bucket.
create table analytics_dashboard_reports (
    id         uuid primary key,
    tenant_id  uuid not null,
    name       text not null,
    last_days  integer,
    from_day   text,
    to_day     text,
    bucket     text not null,
    created_by uuid not null,
    created_at timestamptz not null
);
create index analytics_dashboard_reports_tenant_idx on analytics_dashboard_reports (tenant_id, id);

-- CSV exports, kept to be downloaded again.
create table analytics_dashboard_exports (
    id         uuid primary key,
    tenant_id  uuid not null,
    chart      text not null,
    from_day   text not null,
    to_day     text not null,
    bucket     text not null,
    rows       integer not null,
    csv        text not null,
    created_by uuid not null,
    created_at timestamptz not null
);
create index analytics_dashboard_exports_tenant_idx on analytics_dashboard_exports (tenant_id, id);

alter table analytics_dashboard_reports enable row level security;
create policy tenant_isolation on analytics_dashboard_reports using (tenant_id = lumiku_current_tenant());
alter table analytics_dashboard_exports enable row level security;
create policy tenant_isolation on analytics_dashboard_exports using (tenant_id = lumiku_current_tenant());
