//! `lumiku app validate`: a sound app passes; a broken one gets every problem, each with its file.

use std::path::Path;
use std::process::Command;

fn validate(path: &Path) -> (bool, String) {
    let output = Command::new(env!("CARGO_BIN_EXE_lumiku"))
        .args(["app", "validate"])
        .arg(path)
        .output()
        .expect("running lumiku");
    (
        output.status.success(),
        String::from_utf8_lossy(&output.stdout).into_owned(),
    )
}

#[test]
fn the_project_manager_is_a_sound_app() {
    let app = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../apps/project-manager");
    let (ok, out) = validate(&app);
    assert!(ok, "{out}");
    assert!(out.contains("project-manager: no problems"), "{out}");
}

#[test]
fn a_broken_app_gets_every_problem_with_its_file() {
    let dir = std::env::temp_dir().join(format!("lumiku-validate-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    for sub in ["src", "migrations/sqlite", "migrations/postgres"] {
        std::fs::create_dir_all(dir.join(sub)).unwrap();
    }
    std::fs::write(
        dir.join("Cargo.toml"),
        "[package]\nname = \"broken-notes\"\nversion = \"0.1.0\"\n\n[dependencies]\nlumiku-kernel = \"*\"\n",
    )
    .unwrap();
    std::fs::write(
        dir.join("migrations/sqlite/0001_init.sql"),
        "create table broken_notes_items (id blob primary key);\ncreate table wallets_copy (id blob, tenant_id blob);",
    )
    .unwrap();
    std::fs::write(
        dir.join("migrations/postgres/0001_init.sql"),
        "create table broken_notes_items (id uuid primary key, tenant_id uuid not null);",
    )
    .unwrap();
    std::fs::write(
        dir.join("migrations/sqlite/0002_more.sql"),
        "alter table broken_notes_items add column body text;",
    )
    .unwrap();
    let (ok, out) = validate(&dir);
    std::fs::remove_dir_all(&dir).unwrap();
    assert!(!ok, "{out}");
    for expected in [
        "Cargo.toml: dependencies: an app depends on lumiku-plugin",
        "Cargo.toml: dependencies: an app may not depend on lumiku-kernel",
        "src/lib.rs: manifest: app 'broken-notes' is not compiled into this binary",
        "migrations/postgres/0002_more.sql: is missing",
        "migrations/sqlite/0001_init.sql: touches 'wallets_copy', outside the app's prefix 'broken_notes_'",
        "migrations/sqlite/0001_init.sql: table 'broken_notes_items' has no tenant_id column",
        "migrations/postgres/0001_init.sql: table 'broken_notes_items' needs row-level security",
    ] {
        assert!(out.contains(expected), "missing {expected:?} in:\n{out}");
    }
}
