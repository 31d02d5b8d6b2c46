//! The wall around an app's SQL: while a transaction is in an app's scope, its statements may
//! touch only the app's own tables (those whose names start with the app's prefix).
//!
//! - On PostgreSQL the app's statements run as a role of its own (`lumiku_app_<id>`), granted
//!   only the app's tables ([`grant_app_role`]); the transaction takes the role with
//!   `set_config('role', …, true)` on entering the app's scope and gives it back on leaving.
//! - On SQLite every connection carries an authorizer. A statement is checked once per app: the
//!   first time an app sends a statement, it is compiled afresh with the authorizer judging every
//!   table it reads or writes (and refusing transaction control, pragmas, schema changes and
//!   attached files); once it passes, its text is admitted for that app, and the connection's
//!   prepared-statement cache serves it from then on. A cached statement is never trusted for an
//!   app before it passed: the same text compiled earlier for the kernel is compiled again under
//!   the app's eye.
//! - On both, a statement in an app's scope must be one of `select`, `insert`, `update`,
//!   `delete`, `with` or `values`, and may not call `set_config`: an app cannot change role or
//!   end the kernel's transaction.
//!
//! The wall stops an app's mistakes and its SQL from reaching core tables or another app's. It is
//! not a sandbox for hostile code: an app is compiled into the binary and runs in its process.

use std::collections::HashSet;
use std::sync::Mutex;

use crate::sql::Error;

/// Statements an app may send: the verbs of reads and writes.
const ALLOWED_VERBS: &[&str] = &["select", "insert", "update", "delete", "with", "values"];
/// Words an app's statement may not contain: changing role or settings in mid-transaction.
const FORBIDDEN_WORDS: &[&str] = &["set_config", "session_authorization"];
/// Admitted statement texts kept per app before the list starts again (dynamic SQL could
/// otherwise grow it without bound).
const MAX_ADMITTED: usize = 4096;

/// What one app's SQL may touch, and the statements already found to stay inside it.
#[derive(Debug)]
pub struct Wall {
    app_id: String,
    prefix: String,
    role: String,
    admitted: Mutex<HashSet<String>>,
}

impl Wall {
    /// The wall of the app `app_id` (kebab case): tables named `<id with _>_…`, PostgreSQL role
    /// `lumiku_app_<id with _>`.
    pub fn new(app_id: &str) -> Self {
        let snake = app_id.replace('-', "_");
        Self {
            app_id: app_id.to_owned(),
            prefix: format!("{snake}_"),
            role: format!("lumiku_app_{snake}"),
            admitted: Mutex::new(HashSet::new()),
        }
    }

    /// The app.
    pub fn app_id(&self) -> &str {
        &self.app_id
    }

    /// The prefix of the app's table names.
    pub fn prefix(&self) -> &str {
        &self.prefix
    }

    /// The app's PostgreSQL role.
    pub fn role(&self) -> &str {
        &self.role
    }

    /// Whether `table` is one of the app's.
    pub fn owns(&self, table: &str) -> bool {
        table.len() > self.prefix.len() && table.starts_with(&self.prefix)
    }

    /// Whether `sql` was already found to stay inside the wall.
    pub(crate) fn admitted(&self, sql: &str) -> bool {
        self.admitted.lock().expect("wall lock").contains(sql)
    }

    /// Remembers that `sql` stays inside the wall.
    pub(crate) fn admit(&self, sql: &str) {
        let mut admitted = self.admitted.lock().expect("wall lock");
        if admitted.len() >= MAX_ADMITTED {
            admitted.clear();
        }
        admitted.insert(sql.to_owned());
    }

    /// Checks the statement's verb and words (both backends); the tables are the role's or the
    /// authorizer's to check.
    pub(crate) fn check_text(&self, sql: &str) -> Result<(), Error> {
        let lowered = sql.to_ascii_lowercase();
        let mut words = lowered
            .split(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
            .filter(|w| !w.is_empty());
        let verb = words.next().unwrap_or("");
        if !ALLOWED_VERBS.contains(&verb) {
            return Err(self.refusal(&format!("a '{verb}' statement")));
        }
        if let Some(word) = words.find(|w| FORBIDDEN_WORDS.contains(w)) {
            return Err(self.refusal(&format!("'{word}'")));
        }
        Ok(())
    }

    /// The error for a statement that leaves the wall.
    pub(crate) fn refusal(&self, what: &str) -> Error {
        Error::InvalidArgument(format!(
            "app '{}' may not use {what}: an app's SQL stays inside its own tables ({}*)",
            self.app_id, self.prefix
        ))
    }
}

/// Creates (once per cluster) the app's PostgreSQL role and grants it its own tables and
/// sequences, and nothing else; run after the app's migrations, on every start. The login role
/// is made a member so it may take the app's role (superusers need no membership).
pub(crate) fn grant_app_role_sql(wall: &Wall) -> String {
    let role = &wall.role;
    let pattern = format!("{}%", wall.prefix.replace('_', "\\_"));
    format!(
        "do $wall$
declare t record;
begin
    begin
        create role {role} nologin;
    exception when duplicate_object or unique_violation then null;
    end;
    begin
        execute format('grant {role} to %I', current_user);
    exception when others then null;
    end;
    execute 'grant usage on schema public to {role}';
    for t in select tablename from pg_tables where schemaname = current_schema() and tablename like '{pattern}' loop
        execute format('grant select, insert, update, delete on table %I to {role}', t.tablename);
    end loop;
    for t in select sequencename from pg_sequences where schemaname = current_schema() and sequencename like '{pattern}' loop
        execute format('grant usage, select on sequence %I to {role}', t.sequencename);
    end loop;
end
$wall$"
    )
}

/// The SQLite authorizer's side: what is being checked on this thread right now.
pub(crate) mod sqlite {
    use std::cell::RefCell;

    use rusqlite::hooks::{AuthAction, AuthContext, Authorization};

    thread_local! {
        /// The prefix of the app whose statement this thread is compiling, and the first thing
        /// refused; `None` outside such a check (everything is allowed: the kernel's SQL).
        static CHECKING: RefCell<Option<(String, Option<String>)>> = const { RefCell::new(None) };
    }

    /// Runs `compile` with the authorizer judging for the app of `prefix`; answers what was
    /// refused, if anything.
    pub(crate) fn checking<T>(prefix: &str, compile: impl FnOnce() -> T) -> (T, Option<String>) {
        CHECKING.with(|c| *c.borrow_mut() = Some((prefix.to_owned(), None)));
        let out = compile();
        let refused = CHECKING.with(|c| c.borrow_mut().take().and_then(|(_, r)| r));
        (out, refused)
    }

    /// The authorizer every connection carries.
    pub(crate) fn authorize(context: AuthContext<'_>) -> Authorization {
        CHECKING.with(|c| {
            let mut checking = c.borrow_mut();
            let Some((prefix, refused)) = checking.as_mut() else {
                return Authorization::Allow;
            };
            let owns = |table: &str| table.len() > prefix.len() && table.starts_with(&**prefix);
            let verdict = match context.action {
                AuthAction::Select | AuthAction::Recursive | AuthAction::Function { .. } => Ok(()),
                AuthAction::Read { table_name, .. }
                | AuthAction::Insert { table_name }
                | AuthAction::Update { table_name, .. }
                | AuthAction::Delete { table_name } => {
                    if owns(table_name) {
                        Ok(())
                    } else {
                        Err(format!("table '{table_name}'"))
                    }
                }
                other => Err(format!("{other:?}")),
            };
            match verdict {
                Ok(()) => Authorization::Allow,
                Err(what) => {
                    refused.get_or_insert(what);
                    Authorization::Deny
                }
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_wall_is_named_after_its_app() {
        let wall = Wall::new("project-manager");
        assert_eq!(wall.prefix(), "project_manager_");
        assert_eq!(wall.role(), "lumiku_app_project_manager");
        assert!(wall.owns("project_manager_tasks"));
        assert!(!wall.owns("project_manager_"));
        assert!(!wall.owns("wallets"));
        assert!(!wall.owns("project_managers"));
    }

    #[test]
    fn an_app_statement_reads_or_writes_and_changes_no_setting() {
        let wall = Wall::new("notes");
        for ok in [
            "select 1",
            "  INSERT into notes_x values ($1)",
            "with a as (select 1) select * from a",
            "update notes_x set role = $1",
        ] {
            assert!(wall.check_text(ok).is_ok(), "{ok}");
        }
        for bad in [
            "set role postgres",
            "reset role",
            "commit",
            "rollback",
            "savepoint x",
            "select set_config('role', 'postgres', true)",
            "select pg_catalog.set_config('role', 'x', false)",
            "set session authorization postgres",
            "pragma foreign_keys = off",
            "",
        ] {
            let error = wall.check_text(bad).unwrap_err().to_string();
            assert!(error.contains("app 'notes' may not use"), "{bad}: {error}");
        }
    }
}
