-- Blob storage: each stored object's row (the object itself lives in the object store under
-- <tenant>/<app>/<id>), every tenant's bytes in use, and each plan's quota.
alter table plans add column storage_quota_bytes bigint not null default 104857600
    check (storage_quota_bytes >= 0);
update plans set storage_quota_bytes = case tier
    when 'basic' then 2147483648
    when 'pro' then 21474836480
    when 'enterprise' then 214748364800
    else 104857600 end;

create table blobs (
    id           uuid primary key,
    tenant_id    uuid not null references tenants (id) on delete cascade,
    app_id       text not null,
    size         bigint not null check (size >= 0),
    sha256       text not null,
    content_type text not null,
    created_at   timestamptz not null
);
create index blobs_tenant_app on blobs (tenant_id, app_id);
alter table blobs enable row level security;
create policy tenant_isolation on blobs using (tenant_id = lumiku_current_tenant());

-- The sum of the tenant's blob sizes, kept with every attach and removal: the row an upload's
-- conditional update locks, so two uploads cannot together pass the quota.
create table tenant_storage (
    tenant_id  uuid primary key references tenants (id) on delete cascade,
    used_bytes bigint not null check (used_bytes >= 0)
);
alter table tenant_storage enable row level security;
create policy tenant_isolation on tenant_storage using (tenant_id = lumiku_current_tenant());
