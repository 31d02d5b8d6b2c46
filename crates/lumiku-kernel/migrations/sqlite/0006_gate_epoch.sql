-- The gate's epoch: a counter bumped, in the same transaction, by every change that can turn an
-- app request the gate let through into one it must refuse (a session revoked, shortened, deleted
-- or given a new cookie; a membership changed or removed; a platform role changed; an app
-- disabled or marked coming soon; a subscription or a plan's tier changed). A node may reuse what
-- the gate read while the epoch it reads is the one read with it, so every change reaches every
-- node and every process on its next request. Inserts of sessions and memberships never refuse
-- a request, so they do not bump it (the gate keeps only requests it let through).
create table gate_epoch (
    id    integer primary key check (id = 1),
    epoch integer not null
);
insert into gate_epoch (id, epoch) values (1, 0);

create trigger sessions_gate_update after update on sessions
when new.revoked_at is not null and old.revoked_at is null
  or julianday(new.expires_at) < julianday(old.expires_at)
  or new.user_id is not old.user_id
  or (old.cookie_hash is not null and new.cookie_hash is not old.cookie_hash)
begin
    update gate_epoch set epoch = epoch + 1 where id = 1;
end;
create trigger sessions_gate_delete after delete on sessions
begin
    update gate_epoch set epoch = epoch + 1 where id = 1;
end;

create trigger users_gate_update after update of platform_role on users
when new.platform_role is not old.platform_role
begin
    update gate_epoch set epoch = epoch + 1 where id = 1;
end;
create trigger users_gate_delete after delete on users
begin
    update gate_epoch set epoch = epoch + 1 where id = 1;
end;

create trigger tenant_members_gate_update after update on tenant_members
when new.role is not old.role or new.tenant_id is not old.tenant_id or new.user_id is not old.user_id
begin
    update gate_epoch set epoch = epoch + 1 where id = 1;
end;
create trigger tenant_members_gate_delete after delete on tenant_members
begin
    update gate_epoch set epoch = epoch + 1 where id = 1;
end;

create trigger tenants_gate_update after update on tenants
when new.kind is not old.kind or new.created_by is not old.created_by
begin
    update gate_epoch set epoch = epoch + 1 where id = 1;
end;
create trigger tenants_gate_delete after delete on tenants
begin
    update gate_epoch set epoch = epoch + 1 where id = 1;
end;

create trigger apps_gate_update after update on apps
when new.enabled is not old.enabled or new.coming_soon is not old.coming_soon
begin
    update gate_epoch set epoch = epoch + 1 where id = 1;
end;
create trigger apps_gate_delete after delete on apps
begin
    update gate_epoch set epoch = epoch + 1 where id = 1;
end;

create trigger subscriptions_gate_insert after insert on subscriptions
begin
    update gate_epoch set epoch = epoch + 1 where id = 1;
end;
create trigger subscriptions_gate_update after update on subscriptions
when new.plan_id is not old.plan_id or new.status is not old.status or new.tenant_id is not old.tenant_id
begin
    update gate_epoch set epoch = epoch + 1 where id = 1;
end;
create trigger subscriptions_gate_delete after delete on subscriptions
begin
    update gate_epoch set epoch = epoch + 1 where id = 1;
end;

create trigger plans_gate_update after update on plans
when new.tier is not old.tier
begin
    update gate_epoch set epoch = epoch + 1 where id = 1;
end;
create trigger plans_gate_delete after delete on plans
begin
    update gate_epoch set epoch = epoch + 1 where id = 1;
end;
