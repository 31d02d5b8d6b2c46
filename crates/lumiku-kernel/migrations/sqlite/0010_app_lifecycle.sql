-- The plugin lifecycle: every version of each app the registry has seen, who the catalogue offers
-- each app to (private: platform administrators; beta: tenants that opted in; public: everyone),
-- what a new tenant gets and what installing costs, and which tenant has which app installed.

create table app_versions (
    app_id        text not null references apps (app_id) on delete cascade,
    version       text not null,
    first_seen_at text not null,
    primary key (app_id, version)
);
insert into app_versions (app_id, version, first_seen_at) select app_id, version, created_at from apps;

alter table apps add column visibility text not null default 'public'
    check (visibility = 'private' or visibility = 'beta' or visibility = 'public');
alter table apps add column default_install boolean not null default 1;
alter table apps add column install_cost integer not null default 0 check (install_cost >= 0);
alter table tenants add column beta_apps boolean not null default 0;

-- An uninstalled app's rows stay until purge_after (30 days), and come back with a reinstall.
create table tenant_apps (
    tenant_id      blob not null references tenants (id) on delete cascade,
    app_id         text not null references apps (app_id) on delete cascade,
    installed      boolean not null,
    installed_by   blob,
    installed_at   text not null,
    uninstalled_at text,
    purge_after    text,
    primary key (tenant_id, app_id)
);
create index tenant_apps_purge_idx on tenant_apps (purge_after) where purge_after is not null;

-- Every tenant keeps the apps it could use before installs existed.
insert into tenant_apps (tenant_id, app_id, installed, installed_at)
    select t.id, a.app_id, 1, a.created_at from tenants t cross join apps a;

-- The gate keeps only requests it let through; these changes can turn one into a refusal.
create trigger tenant_apps_gate_update after update on tenant_apps
when new.installed is not old.installed
begin
    update gate_epoch set epoch = epoch + 1 where id = 1;
end;
create trigger tenant_apps_gate_delete after delete on tenant_apps
begin
    update gate_epoch set epoch = epoch + 1 where id = 1;
end;
create trigger apps_gate_visibility after update on apps
when new.visibility is not old.visibility
begin
    update gate_epoch set epoch = epoch + 1 where id = 1;
end;
create trigger tenants_gate_beta after update on tenants
when new.beta_apps is not old.beta_apps
begin
    update gate_epoch set epoch = epoch + 1 where id = 1;
end;
