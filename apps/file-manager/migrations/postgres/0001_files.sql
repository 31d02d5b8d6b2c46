-- Folders (nested), files (their bytes are blobs in the platform's storage) and share links.
create table file_manager_folders (
    id         uuid primary key,
    tenant_id  uuid not null,
    parent_id  uuid references file_manager_folders (id),
    name       text not null,
    created_by uuid not null,
    created_at timestamptz not null,
    updated_at timestamptz not null
);
create unique index file_manager_folders_name
    on file_manager_folders (tenant_id, coalesce(parent_id, '00000000-0000-0000-0000-000000000000'::uuid), lower(name));
create index file_manager_folders_parent on file_manager_folders (tenant_id, parent_id);

create table file_manager_files (
    id            uuid primary key,
    tenant_id     uuid not null,
    folder_id     uuid references file_manager_folders (id) on delete set null,
    name          text not null,
    size          bigint not null check (size >= 0),
    content_type  text not null,
    declared_type text,
    sha256        text not null,
    blob_id       uuid not null,
    thumb_blob_id uuid,
    uploaded_by   uuid not null,
    created_at    timestamptz not null,
    updated_at    timestamptz not null,
    trashed_at    timestamptz
);
create index file_manager_files_folder on file_manager_files (tenant_id, folder_id, trashed_at);

create table file_manager_shares (
    id              uuid primary key,
    tenant_id       uuid not null,
    file_id         uuid not null references file_manager_files (id) on delete cascade,
    token_hash      text not null unique,
    password_hash   text,
    expires_at      timestamptz not null,
    revoked_at      timestamptz,
    downloads       bigint not null default 0,
    failed_attempts integer not null default 0,
    locked_until    timestamptz,
    created_by      uuid not null,
    created_at      timestamptz not null
);
create index file_manager_shares_file on file_manager_shares (tenant_id, file_id);

alter table file_manager_folders enable row level security;
create policy tenant_isolation on file_manager_folders using (tenant_id = lumiku_current_tenant());
alter table file_manager_files enable row level security;
create policy tenant_isolation on file_manager_files using (tenant_id = lumiku_current_tenant());
alter table file_manager_shares enable row level security;
create policy tenant_isolation on file_manager_shares using (tenant_id = lumiku_current_tenant());
