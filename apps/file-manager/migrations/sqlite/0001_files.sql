-- Folders (nested), files (their bytes are blobs in the platform's storage) and share links.
create table file_manager_folders (
    id         blob primary key,
    tenant_id  blob not null,
    parent_id  blob references file_manager_folders (id),
    name       text not null,
    created_by blob not null,
    created_at text not null,
    updated_at text not null
);
create unique index file_manager_folders_name
    on file_manager_folders (tenant_id, coalesce(parent_id, x'00'), lower(name));
create index file_manager_folders_parent on file_manager_folders (tenant_id, parent_id);

create table file_manager_files (
    id            blob primary key,
    tenant_id     blob not null,
    folder_id     blob references file_manager_folders (id) on delete set null,
    name          text not null,
    size          integer not null check (size >= 0),
    content_type  text not null,
    declared_type text,
    sha256        text not null,
    blob_id       blob not null,
    thumb_blob_id blob,
    uploaded_by   blob not null,
    created_at    text not null,
    updated_at    text not null,
    trashed_at    text
);
create index file_manager_files_folder on file_manager_files (tenant_id, folder_id, trashed_at);

create table file_manager_shares (
    id              blob primary key,
    tenant_id       blob not null,
    file_id         blob not null references file_manager_files (id) on delete cascade,
    token_hash      text not null unique,
    password_hash   text,
    expires_at      text not null,
    revoked_at      text,
    downloads       integer not null default 0,
    failed_attempts integer not null default 0,
    locked_until    text,
    created_by      blob not null,
    created_at      text not null
);
create index file_manager_shares_file on file_manager_shares (tenant_id, file_id);
