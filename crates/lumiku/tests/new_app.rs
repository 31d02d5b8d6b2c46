//! `lumiku new app` end to end, on a scratch copy of this workspace: refusals change nothing, a
//! failure part-way puts every file back, and a generated app builds, passes clippy and rustfmt,
//! runs its own checklist green (on PostgreSQL too when `LUMIKU_TEST_POSTGRES_URL` is set), and
//! is served and validated by the binary it was registered with.
//!
//! The copy and its build directory live under Cargo's `CARGO_TARGET_TMPDIR`, kept between runs:
//! files are copied only when they changed, so a second run rebuilds only the new app and the
//! binary.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::Instant;

const ID: &str = "task-board";

/// The files of the workspace a build needs; `target` directories are never copied.
const ROOT_FILES: &[&str] = &[
    "Cargo.toml",
    "Cargo.lock",
    "rustfmt.toml",
    "rust-toolchain.toml",
];
const ROOT_DIRS: &[&str] = &["crates", "apps", ".cargo"];

/// The workspace files `lumiku new app` edits.
const EDITED: &[&str] = &[
    "Cargo.toml",
    "crates/lumiku/Cargo.toml",
    "crates/lumiku/src/apps.rs",
];

#[test]
fn a_generated_app_builds_passes_its_checklist_and_is_served() {
    let started = Instant::now();
    let scratch = Path::new(env!("CARGO_TARGET_TMPDIR")).join("new-app");
    let workspace = scratch.join("workspace");
    let target = scratch.join("target");
    let source = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .canonicalize()
        .unwrap();
    std::fs::create_dir_all(&workspace).unwrap();
    for file in ROOT_FILES {
        sync(&source.join(file), &workspace.join(file));
    }
    for dir in ROOT_DIRS {
        sync(&source.join(dir), &workspace.join(dir));
    }
    let before = snapshot(&workspace);

    refusals_change_nothing(&workspace, &before);
    a_failure_part_way_puts_every_file_back(&workspace, &before);

    let generated = Instant::now();
    let made = lumiku(
        &workspace,
        &[
            "new",
            "app",
            ID,
            "--name",
            "Task Board",
            "--description",
            "Tasks on a board, per team",
            "--icon",
            "calendar",
            "--color",
            "green",
            "--order",
            "4",
        ],
    );
    assert!(made.status.success(), "{}", text(&made));
    let dir = workspace.join("apps").join(ID);
    for file in [
        "Cargo.toml",
        "src/lib.rs",
        "src/routes.rs",
        "src/store.rs",
        "src/pages.rs",
        "templates/items.html",
        "migrations/sqlite/0001_items.sql",
        "migrations/postgres/0001_items.sql",
        "tests/api/main.rs",
        "tests/api/checklist.rs",
        "tests/api/pages.rs",
    ] {
        assert!(dir.join(file).is_file(), "{file} was not written");
    }
    let apps_rs = read(&workspace.join("crates/lumiku/src/apps.rs"));
    assert!(apps_rs.contains("task_board::app()"), "{apps_rs}");
    assert!(
        read(&workspace.join("Cargo.toml")).contains("task-board = { path = \"apps/task-board\" }")
    );
    assert!(
        read(&workspace.join("crates/lumiku/Cargo.toml")).contains("task-board.workspace = true")
    );

    let fmt = cargo(&workspace, &target, &["fmt", "--check", "-p", ID]);
    assert!(
        fmt.status.success(),
        "the generated code is not formatted:\n{}",
        text(&fmt)
    );
    let tests = cargo(&workspace, &target, &["test", "--offline", "-p", ID]);
    assert!(
        tests.status.success(),
        "the generated tests failed:\n{}",
        text(&tests)
    );
    let passed = passed(&tests);
    let expected = if std::env::var_os("LUMIKU_TEST_POSTGRES_URL").is_some() {
        25
    } else {
        13
    };
    assert_eq!(passed, expected, "tests run:\n{}", text(&tests));
    let to_green = generated.elapsed();

    let clippy = cargo(
        &workspace,
        &target,
        &[
            "clippy",
            "--offline",
            "-p",
            ID,
            "--all-targets",
            "--",
            "-D",
            "warnings",
        ],
    );
    assert!(clippy.status.success(), "clippy:\n{}", text(&clippy));

    // The binary it was registered with serves it and finds nothing wrong with it.
    let build = cargo(&workspace, &target, &["build", "--offline", "-p", "lumiku"]);
    assert!(build.status.success(), "{}", text(&build));
    let binary = target.join("debug/lumiku");
    let validate = Command::new(&binary)
        .args(["app", "validate", "apps/task-board"])
        .current_dir(&workspace)
        .output()
        .unwrap();
    assert!(validate.status.success(), "{}", text(&validate));
    assert!(String::from_utf8_lossy(&validate.stdout).contains("task-board: no problems"));
    let openapi = Command::new(&binary)
        .arg("openapi")
        .current_dir(&workspace)
        .output()
        .unwrap();
    let openapi = String::from_utf8_lossy(&openapi.stdout);
    assert!(openapi.contains("\"/api/apps/task-board/items\""));
    assert!(openapi.contains("\"/api/apps/task-board/items/{id}\""));

    eprintln!(
        "lumiku new app to a green generated suite: {:.0} s ({passed} tests); whole test: {:.0} s",
        to_green.as_secs_f64(),
        started.elapsed().as_secs_f64()
    );
    // The next run starts from the workspace as it is in the source tree.
    std::fs::remove_dir_all(&dir).unwrap();
}

fn refusals_change_nothing(workspace: &Path, before: &[(String, String)]) {
    for (id, expected) in [
        ("project-manager", "already exists"),
        ("Task_Board", "is not a valid app id"),
        ("invoice", "covers the core table invoice_items"),
        ("project", "overlaps app 'project-manager'"),
        ("tokio", "already has a crate or dependency named 'tokio'"),
        ("type", "cannot name a Rust crate"),
    ] {
        let refused = lumiku(workspace, &["new", "app", id]);
        assert_eq!(refused.status.code(), Some(1), "{id}: {}", text(&refused));
        let stderr = String::from_utf8_lossy(&refused.stderr);
        assert!(stderr.contains(expected), "{id}: {stderr}");
        assert!(
            !stderr.contains("backtrace"),
            "{id}: a refusal is not a crash: {stderr}"
        );
        assert_unchanged(workspace, before);
    }
    let refused = lumiku(
        workspace,
        &["new", "app", ID, "--icon", "rocket", "--color", "mauve"],
    );
    let stderr = String::from_utf8_lossy(&refused.stderr);
    assert!(
        stderr.contains("icon: 'rocket'") && stderr.contains("dashboard.color"),
        "{stderr}"
    );
    assert_unchanged(workspace, before);
}

/// The crate is staged, the three files edited, and then its directory turns out to be taken (a
/// stand-in for rustfmt makes it, as a second `lumiku new app` racing this one would): every
/// edited file is put back and nothing of the new crate is left.
fn a_failure_part_way_puts_every_file_back(workspace: &Path, before: &[(String, String)]) {
    let intruder = workspace.join("apps").join(ID);
    let script = workspace.join("racing-rustfmt.sh");
    std::fs::write(
        &script,
        format!(
            "#!/bin/sh\nmkdir -p '{dir}/src' && echo 'fn main() {{}}' > '{dir}/src/main.rs'\n",
            dir = intruder.display()
        ),
    )
    .unwrap();
    std::fs::set_permissions(&script, std::os::unix::fs::PermissionsExt::from_mode(0o755)).unwrap();
    let failed = Command::new(env!("CARGO_BIN_EXE_lumiku"))
        .args(["new", "app", ID, "--workspace"])
        .arg(workspace)
        .env("RUSTFMT", &script)
        .stdin(std::process::Stdio::null())
        .output()
        .unwrap();
    std::fs::remove_file(&script).unwrap();
    assert_eq!(failed.status.code(), Some(1), "{}", text(&failed));
    assert!(
        String::from_utf8_lossy(&failed.stderr).contains("moving the new crate"),
        "{}",
        text(&failed)
    );
    assert_eq!(
        read(&intruder.join("src/main.rs")),
        "fn main() {}\n",
        "the other crate was touched"
    );
    std::fs::remove_dir_all(&intruder).unwrap();
    assert_unchanged(workspace, before);
}

/// The edited files' text, and what the workspace's top and `apps/` hold.
fn snapshot(workspace: &Path) -> Vec<(String, String)> {
    let mut files: Vec<(String, String)> = EDITED
        .iter()
        .map(|f| (f.to_string(), read(&workspace.join(f))))
        .collect();
    for dir in [workspace.to_path_buf(), workspace.join("apps")] {
        let mut names: Vec<String> = std::fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        files.push((dir.display().to_string(), names.join(" ")));
    }
    files
}

fn assert_unchanged(workspace: &Path, before: &[(String, String)]) {
    for ((what, was), (_, is)) in before.iter().zip(snapshot(workspace)) {
        assert_eq!(was, &is, "{what} changed");
    }
}

fn lumiku(workspace: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_lumiku"))
        .args(args)
        .arg("--workspace")
        .arg(workspace)
        .stdin(std::process::Stdio::null())
        .output()
        .unwrap()
}

/// Cargo in the scratch workspace, with its own build directory (the outer build holds this
/// one's lock).
fn cargo(workspace: &Path, target: &Path, args: &[&str]) -> Output {
    let program = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    Command::new(program)
        .args(args)
        .current_dir(workspace)
        .env("CARGO_TARGET_DIR", target)
        .env("CARGO_TERM_COLOR", "never")
        .output()
        .unwrap()
}

/// How many tests passed, over every test binary of the run.
fn passed(output: &Output) -> usize {
    String::from_utf8_lossy(&output.stdout)
        .lines()
        .filter_map(|line| line.strip_prefix("test result: ok. "))
        .filter_map(|rest| rest.split(' ').next()?.parse::<usize>().ok())
        .sum()
}

fn text(output: &Output) -> String {
    format!(
        "status {:?}\n--- stdout\n{}\n--- stderr\n{}",
        output.status.code(),
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Makes `to` a copy of `from` (a file or a directory tree), writing only files whose content
/// differs so their times, and Cargo's fingerprints, survive; removes what `from` lacks.
fn sync(from: &Path, to: &Path) {
    if from.is_file() {
        let content = std::fs::read(from).unwrap();
        if std::fs::read(to).ok().as_deref() != Some(&content[..]) {
            std::fs::write(to, content).unwrap();
        }
        return;
    }
    if !from.is_dir() {
        if to.is_dir() {
            std::fs::remove_dir_all(to).unwrap();
        } else if to.exists() {
            std::fs::remove_file(to).unwrap();
        }
        return;
    }
    std::fs::create_dir_all(to).unwrap();
    let names = |dir: &Path| -> Vec<PathBuf> {
        std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.file_name().is_some_and(|n| n != "target"))
            .collect()
    };
    for stale in names(to) {
        if !from.join(stale.file_name().unwrap()).exists() {
            if stale.is_dir() {
                std::fs::remove_dir_all(&stale).unwrap();
            } else {
                std::fs::remove_file(&stale).unwrap();
            }
        }
    }
    for entry in names(from) {
        sync(&entry, &to.join(entry.file_name().unwrap()));
    }
}
