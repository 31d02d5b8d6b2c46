-- The ledger's kind check as comparisons instead of an IN list. SQLite checks `x in (a, b, c, ...)`
-- of three or more constants by filling a temporary table with the list, on every insert: for
-- the ledger, on every metered action, inside the writer's turn. SQLite cannot change a CHECK in
-- place, so the table is rebuilt (nothing references it, so dropping the old one touches
-- nothing else; its append-only triggers do not fire on DROP).
create table ledger_entries_rebuilt (
    id                    blob primary key,
    tenant_id             blob not null references tenants (id),
    amount_credits        integer not null check (amount_credits <> 0),
    balance_after_credits integer not null check (balance_after_credits >= 0),
    kind                  text not null check (kind = 'purchase' or kind = 'bonus' or kind = 'usage'
                                               or kind = 'refund' or kind = 'grant' or kind = 'adjustment'),
    description           text not null,
    reference_type        text,
    reference_id          text,
    actor_user_id         blob,
    created_at            text not null
);
insert into ledger_entries_rebuilt (id, tenant_id, amount_credits, balance_after_credits, kind, description,
    reference_type, reference_id, actor_user_id, created_at)
    select id, tenant_id, amount_credits, balance_after_credits, kind, description,
        reference_type, reference_id, actor_user_id, created_at
    from ledger_entries;
drop table ledger_entries;
alter table ledger_entries_rebuilt rename to ledger_entries;
create index ledger_entries_tenant_idx on ledger_entries (tenant_id, id);
create trigger ledger_entries_no_update before update on ledger_entries
begin
    select raise(abort, 'ledger_entries is append-only');
end;
create trigger ledger_entries_no_delete before delete on ledger_entries
begin
    select raise(abort, 'ledger_entries is append-only');
end;
