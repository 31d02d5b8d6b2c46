//! `lumiku app validate [PATH]`: checks an app crate before it runs, and lists every problem with
//! the file (and field) it is in.
//!
//! - `Cargo.toml`: a package, depending on `lumiku-plugin` and no other Lumiku crate (dev
//!   dependencies may use the test kit);
//! - the manifest, when the app is compiled into this binary (the id is the package name): every
//!   field's rule, the route prefix among them;
//! - `migrations/{sqlite,postgres}/NNNN_name.sql`: each in both dialects, numbered in order, only
//!   tables and indexes under the app's prefix, `tenant_id` on every table, and row-level security
//!   with a policy on every table on PostgreSQL; when compiled in, the same files as the app's
//!   migrations.

use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use lumiku_plugin::Plugin;
use lumiku_store::{Migration, MigrationSet, Owner, Wall};

/// Lumiku crates an app may not depend on: it reaches the platform through the SDK alone.
const FORBIDDEN: &[&str] = &["lumiku-kernel", "lumiku-store", "lumiku-server", "lumiku"];

/// One problem, where it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// The file, relative to the crate.
    pub file: String,
    /// The field or part of it, if the problem is one's.
    pub field: Option<String>,
    /// What is wrong.
    pub message: String,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.field {
            Some(field) => write!(f, "{}: {field}: {}", self.file, self.message),
            None => write!(f, "{}: {}", self.file, self.message),
        }
    }
}

fn problem(file: &str, field: Option<&str>, message: impl Into<String>) -> Problem {
    Problem {
        file: file.to_owned(),
        field: field.map(str::to_owned),
        message: message.into(),
    }
}

/// Every problem of the app crate at `path`, checked against the apps compiled into this binary.
/// The app's id when it has one.
pub fn validate(path: &Path, apps: &[Arc<dyn Plugin>]) -> (Option<String>, Vec<Problem>) {
    let mut problems = Vec::new();
    let Some(app_id) = check_cargo(path, &mut problems) else {
        return (None, problems);
    };
    let compiled = apps.iter().find(|a| a.manifest().app_id == app_id);
    match compiled {
        Some(app) => {
            for fault in app.manifest().problems() {
                let field = format!("manifest.{}", fault.field);
                problems.push(problem("src/lib.rs", Some(&field), fault.message));
            }
        }
        None => problems.push(problem(
            "src/lib.rs",
            Some("manifest"),
            format!(
                "app '{app_id}' is not compiled into this binary, so its manifest was not checked: \
                 list it in crates/lumiku/src/apps.rs and build again (`lumiku new app` does both)"
            ),
        )),
    }
    let files = read_migrations(path, &mut problems);
    let wall = Wall::new(&app_id);
    let migrations: Vec<Migration> = files.iter().map(|f| f.migration).collect();
    let set = MigrationSet {
        owner: Owner::App(&wall),
        migrations: &migrations,
    };
    if let Err(faults) = set.check() {
        for fault in faults {
            let file = files
                .iter()
                .find(|f| f.migration.version == fault.version)
                .map(|f| match fault.dialect {
                    Some("postgres") => f.postgres.clone(),
                    _ => f.sqlite.clone(),
                })
                .unwrap_or_else(|| "migrations".into());
            problems.push(problem(&file, None, fault.message));
        }
    }
    if let Some(app) = compiled {
        compare_migrations(app.migrations(), &migrations, &mut problems);
    }
    (Some(app_id), problems)
}

/// The package name (the app's id), after checking the crate's dependencies.
fn check_cargo(path: &Path, problems: &mut Vec<Problem>) -> Option<String> {
    let text = match std::fs::read_to_string(path.join("Cargo.toml")) {
        Ok(text) => text,
        Err(e) => {
            problems.push(problem(
                "Cargo.toml",
                None,
                format!("cannot be read ({e}): is {} an app crate?", path.display()),
            ));
            return None;
        }
    };
    let manifest: toml::Table = match text.parse() {
        Ok(table) => table,
        Err(e) => {
            problems.push(problem(
                "Cargo.toml",
                None,
                format!("is not valid TOML: {e}"),
            ));
            return None;
        }
    };
    let name = manifest
        .get("package")
        .and_then(|p| p.get("name"))
        .and_then(|n| n.as_str())
        .map(str::to_owned);
    if name.is_none() {
        problems.push(problem("Cargo.toml", Some("package.name"), "is missing"));
    }
    let dependencies = manifest.get("dependencies").and_then(|d| d.as_table());
    let has = |krate: &str| dependencies.is_some_and(|d| d.contains_key(krate));
    if !has("lumiku-plugin") {
        problems.push(problem(
            "Cargo.toml",
            Some("dependencies"),
            "an app depends on lumiku-plugin, the app SDK",
        ));
    }
    for krate in FORBIDDEN.iter().filter(|k| has(k)) {
        problems.push(problem(
            "Cargo.toml",
            Some("dependencies"),
            format!("an app may not depend on {krate}: it reaches the platform through lumiku-plugin alone"),
        ));
    }
    name
}

/// One migration's files.
struct MigrationFiles {
    migration: Migration,
    sqlite: String,
    postgres: String,
}

/// The migrations on disk, paired by file name across the two dialects.
fn read_migrations(path: &Path, problems: &mut Vec<Problem>) -> Vec<MigrationFiles> {
    let mut by_name: BTreeMap<String, [Option<String>; 2]> = BTreeMap::new();
    for (slot, dialect) in ["sqlite", "postgres"].into_iter().enumerate() {
        let dir = path.join("migrations").join(dialect);
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for entry in entries.flatten() {
            let file: PathBuf = entry.path();
            if file.extension().is_some_and(|e| e == "sql") {
                let name = file
                    .file_name()
                    .unwrap_or_default()
                    .to_string_lossy()
                    .into_owned();
                let text = std::fs::read_to_string(&file).unwrap_or_default();
                by_name.entry(name).or_default()[slot] = Some(text);
            }
        }
    }
    let mut out = Vec::new();
    for (name, [sqlite, postgres]) in by_name {
        let sqlite_file = format!("migrations/sqlite/{name}");
        let postgres_file = format!("migrations/postgres/{name}");
        let version = name.split('_').next().and_then(|n| n.parse::<i64>().ok());
        let Some(version) = version else {
            problems.push(problem(
                &sqlite_file,
                None,
                "a migration's name is NNNN_what.sql",
            ));
            continue;
        };
        match (sqlite, postgres) {
            (Some(sqlite), Some(postgres)) => out.push(MigrationFiles {
                migration: Migration {
                    version,
                    name: "",
                    sqlite: Box::leak(sqlite.into_boxed_str()),
                    postgres: Box::leak(postgres.into_boxed_str()),
                },
                sqlite: sqlite_file,
                postgres: postgres_file,
            }),
            (Some(_), None) => problems.push(problem(
                &postgres_file,
                None,
                "is missing: every migration has an SQLite and a PostgreSQL file",
            )),
            (None, _) => problems.push(problem(
                &sqlite_file,
                None,
                "is missing: every migration has an SQLite and a PostgreSQL file",
            )),
        }
    }
    out
}

/// The compiled app's migrations are the files on disk.
fn compare_migrations(compiled: &[Migration], files: &[Migration], problems: &mut Vec<Problem>) {
    for file in files {
        let same = compiled.iter().any(|m| {
            m.version == file.version && m.sqlite == file.sqlite && m.postgres == file.postgres
        });
        if !same {
            problems.push(problem(
                "src/lib.rs",
                Some("migrations"),
                format!(
                    "migration {} on disk is not the one compiled in: list it, or rebuild",
                    file.version
                ),
            ));
        }
    }
    for migration in compiled {
        if !files.iter().any(|f| f.version == migration.version) {
            problems.push(problem(
                "src/lib.rs",
                Some("migrations"),
                format!(
                    "migration {} is compiled in but has no files under migrations/",
                    migration.version
                ),
            ));
        }
    }
}
