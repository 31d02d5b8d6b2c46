-- The plugin lifecycle: every version of each app the registry has seen, who the catalogue offers
-- each app to (private: platform administrators; beta: tenants that opted in; public: everyone),
-- what a new tenant gets and what installing costs, and which tenant has which app installed.

create table app_versions (
    app_id        text not null references apps (app_id) on delete cascade,
    version       text not null,
    first_seen_at timestamptz not null,
    primary key (app_id, version)
);
insert into app_versions (app_id, version, first_seen_at) select app_id, version, created_at from apps;

alter table apps add column visibility text not null default 'public'
    check (visibility in ('private', 'beta', 'public'));
alter table apps add column default_install boolean not null default true;
alter table apps add column install_cost bigint not null default 0 check (install_cost >= 0);
alter table tenants add column beta_apps boolean not null default false;

-- An uninstalled app's rows stay until purge_after (30 days), and come back with a reinstall.
create table tenant_apps (
    tenant_id      uuid not null references tenants (id) on delete cascade,
    app_id         text not null references apps (app_id) on delete cascade,
    installed      boolean not null,
    installed_by   uuid,
    installed_at   timestamptz not null,
    uninstalled_at timestamptz,
    purge_after    timestamptz,
    primary key (tenant_id, app_id)
);
create index tenant_apps_purge_idx on tenant_apps (purge_after) where purge_after is not null;
alter table tenant_apps enable row level security;
create policy tenant_isolation on tenant_apps using (tenant_id = lumiku_current_tenant());

-- Every tenant keeps the apps it could use before installs existed.
insert into tenant_apps (tenant_id, app_id, installed, installed_at)
    select t.id, a.app_id, true, a.created_at from tenants t cross join apps a;

-- The gate keeps only requests it let through; these changes can turn one into a refusal.
create trigger tenant_apps_gate_update after update on tenant_apps for each row
when (new.installed is distinct from old.installed)
execute function lumiku_bump_gate_epoch();
create trigger tenant_apps_gate_delete after delete on tenant_apps for each row
execute function lumiku_bump_gate_epoch();
create trigger apps_gate_visibility after update on apps for each row
when (new.visibility is distinct from old.visibility)
execute function lumiku_bump_gate_epoch();
create trigger tenants_gate_beta after update on tenants for each row
when (new.beta_apps is distinct from old.beta_apps)
execute function lumiku_bump_gate_epoch();
