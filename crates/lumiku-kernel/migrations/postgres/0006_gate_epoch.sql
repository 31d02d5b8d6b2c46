-- The gate's epoch: a counter bumped, in the same transaction, by every change that can turn an
-- app request the gate let through into one it must refuse (a session revoked, shortened, deleted
-- or given a new cookie; a membership changed or removed; a platform role changed; an app
-- disabled or marked coming soon; a subscription or a plan's tier changed). A node may reuse what
-- the gate read while the epoch it reads is the one read with it, so every change reaches every
-- node on its next request. Inserts of sessions and memberships never refuse a request, so they
-- do not bump it (the gate keeps only requests it let through).
create table gate_epoch (
    id    integer primary key check (id = 1),
    epoch bigint not null
);
insert into gate_epoch (id, epoch) values (1, 0);
grant select, update on gate_epoch to lumiku_app;

create function lumiku_bump_gate_epoch() returns trigger language plpgsql as $$
begin
    update gate_epoch set epoch = epoch + 1 where id = 1;
    return null;
end
$$;

create trigger sessions_gate_update after update on sessions for each row
when (new.revoked_at is not null and old.revoked_at is null
   or new.expires_at < old.expires_at
   or new.user_id is distinct from old.user_id
   or (old.cookie_hash is not null and new.cookie_hash is distinct from old.cookie_hash))
execute function lumiku_bump_gate_epoch();
create trigger sessions_gate_delete after delete on sessions for each row
execute function lumiku_bump_gate_epoch();

create trigger users_gate_update after update of platform_role on users for each row
when (new.platform_role is distinct from old.platform_role)
execute function lumiku_bump_gate_epoch();
create trigger users_gate_delete after delete on users for each row
execute function lumiku_bump_gate_epoch();

create trigger tenant_members_gate_update after update on tenant_members for each row
when (new.role is distinct from old.role or new.tenant_id is distinct from old.tenant_id
   or new.user_id is distinct from old.user_id)
execute function lumiku_bump_gate_epoch();
create trigger tenant_members_gate_delete after delete on tenant_members for each row
execute function lumiku_bump_gate_epoch();

create trigger tenants_gate_update after update on tenants for each row
when (new.kind is distinct from old.kind or new.created_by is distinct from old.created_by)
execute function lumiku_bump_gate_epoch();
create trigger tenants_gate_delete after delete on tenants for each row
execute function lumiku_bump_gate_epoch();

create trigger apps_gate_update after update on apps for each row
when (new.enabled is distinct from old.enabled or new.coming_soon is distinct from old.coming_soon)
execute function lumiku_bump_gate_epoch();
create trigger apps_gate_delete after delete on apps for each row
execute function lumiku_bump_gate_epoch();

create trigger subscriptions_gate_insert after insert on subscriptions for each row
execute function lumiku_bump_gate_epoch();
create trigger subscriptions_gate_update after update on subscriptions for each row
when (new.plan_id is distinct from old.plan_id or new.status is distinct from old.status
   or new.tenant_id is distinct from old.tenant_id)
execute function lumiku_bump_gate_epoch();
create trigger subscriptions_gate_delete after delete on subscriptions for each row
execute function lumiku_bump_gate_epoch();

create trigger plans_gate_update after update on plans for each row
when (new.tier is distinct from old.tier)
execute function lumiku_bump_gate_epoch();
create trigger plans_gate_delete after delete on plans for each row
execute function lumiku_bump_gate_epoch();
