//! `lumiku backup` while a server takes metered writes, and `lumiku restore` into a new data
//! directory: the restored database is one moment of the original (every charge with its
//! project, its usage row and its ledger row, or none of them), every wallet invariant holds,
//! and a server starts on it. `migrate --status` reads where a database stands.

use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

mod common;

use lumiku_kernel::{Db, DbOptions, sql};
use serde_json::json;
use uuid::Uuid;

/// createProject's price in the Project Manager's manifest.
const PROJECT_COST: i64 = 5;
const BONUS: i64 = 1_000_000;

fn lumiku(data: &Path) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_lumiku"));
    command
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("LUMIKU_DATA_DIR", data)
        .env("LUMIKU_ARGON2_MEMORY_KIB", "1024")
        .env("LUMIKU_ARGON2_ITERATIONS", "1")
        .env("LUMIKU_BILLING_INTERVAL_SECS", "0")
        .env("LUMIKU_WELCOME_BONUS_CREDITS", BONUS.to_string())
        .env("LUMIKU_LOG", "warn")
        .current_dir(data.parent().unwrap());
    command
}

fn run(command: &mut Command) -> (bool, String) {
    let output = command.output().expect("the lumiku binary runs");
    (
        output.status.success(),
        format!(
            "{}{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        ),
    )
}

struct Served(Child, u16);

impl Drop for Served {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

impl Served {
    async fn start(data: &Path) -> Self {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let child = lumiku(data)
            .args(["serve", "--bind", &port.to_string()])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let served = Self(child, port);
        let deadline = Instant::now() + Duration::from_secs(30);
        while reqwest::get(served.url("/health")).await.is_err() {
            assert!(Instant::now() < deadline, "the server did not start");
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        served
    }

    fn url(&self, path: &str) -> String {
        format!("http://127.0.0.1:{}{path}", self.1)
    }
}

/// Registers an account; answers its access token and personal tenant.
async fn register(client: &reqwest::Client, served: &Served, n: usize) -> (String, Uuid) {
    common::register(client, &served.url(""), &format!("writer{n}@example.com")).await
}

async fn open(data: &Path) -> Db {
    Db::connect(&DbOptions {
        url: format!("sqlite://{}", data.join("lumiku.db").display()),
        max_connections: 2,
        ..Default::default()
    })
    .await
    .unwrap()
}

async fn count(db: &Db, sql_text: &'static str, tenant: Uuid) -> i64 {
    let mut tx = db.begin_read().await.unwrap();
    let n: i64 = sql::query_scalar(sql_text)
        .bind(tenant)
        .fetch_one(&mut tx)
        .await
        .unwrap();
    tx.commit().await.unwrap();
    n
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_backup_under_write_load_restores_to_one_consistent_moment() {
    let dir = common::scratch("backup", "under-load");
    let (live, restored) = (dir.join("live"), dir.join("restored"));
    let served = Served::start(&live).await;
    let client = reqwest::Client::new();
    let mut writers = Vec::new();
    for n in 0..4 {
        writers.push(register(&client, &served, n).await);
    }

    // Four writers create projects as fast as the server takes them while the backup runs.
    let stop = Arc::new(AtomicBool::new(false));
    let mut load = Vec::new();
    for (token, _) in &writers {
        let (client, url, token, stop) = (
            client.clone(),
            served.url("/api/apps/project-manager/projects"),
            token.clone(),
            Arc::clone(&stop),
        );
        load.push(tokio::spawn(async move {
            let mut created = 0;
            while !stop.load(Ordering::Relaxed) {
                let answer = client
                    .post(&url)
                    .bearer_auth(&token)
                    .json(&json!({ "name": format!("P{created}") }))
                    .send()
                    .await
                    .unwrap();
                assert_eq!(answer.status(), 201);
                created += 1;
            }
            created
        }));
    }
    tokio::time::sleep(Duration::from_millis(700)).await;
    let backup = dir.join("lumiku-backup.db");
    let (ok, text) = run(lumiku(&live).args(["backup", "--to"]).arg(&backup));
    assert!(ok, "{text}");
    assert!(text.contains("backed up SQLite"), "{text}");
    tokio::time::sleep(Duration::from_millis(300)).await;
    stop.store(true, Ordering::Relaxed);
    let mut created_live = 0;
    for writer in load {
        created_live += writer.await.unwrap();
    }
    // A backup never overwrites a file.
    let (ok, text) = run(lumiku(&live).args(["backup", "--to"]).arg(&backup));
    assert!(!ok && text.contains("already exists"), "{text}");

    let (ok, text) = run(lumiku(&restored).arg("restore").arg(&backup));
    assert!(ok, "{text}");
    let db = open(&restored).await;
    let mut restored_projects = 0;
    for (_, tenant) in &writers {
        let wallet = lumiku_testkit::wallet_state(&db, *tenant).await;
        wallet.assert_consistent();
        let projects = count(
            &db,
            "select count(*) from project_manager_projects where tenant_id = $1",
            *tenant,
        )
        .await;
        let charges = count(
            &db,
            "select count(*) from app_usage where tenant_id = $1 and action = 'createProject'",
            *tenant,
        )
        .await;
        // One moment: each project with its charge, no charge without its project.
        assert_eq!(projects, charges);
        assert_eq!(wallet.balance, BONUS - PROJECT_COST * projects);
        restored_projects += projects;
    }
    db.close().await;
    assert!(
        restored_projects > 0 && restored_projects < created_live,
        "the backup holds {restored_projects} of {created_live} projects: a moment during the load"
    );

    // Restoring over a database needs --replace; a file that is not a Lumiku database is refused.
    let (ok, text) = run(lumiku(&restored).arg("restore").arg(&backup));
    assert!(!ok && text.contains("--replace"), "{text}");
    let junk = dir.join("junk.db");
    std::fs::write(&junk, b"not a database at all, just some bytes").unwrap();
    let (ok, text) = run(lumiku(&restored).args(["restore", "--replace"]).arg(&junk));
    assert!(!ok && text.contains("junk.db"), "{text}");

    // A server starts on the restored directory and its accounts sign in.
    drop(served);
    let again = Served::start(&restored).await;
    let login = client
        .post(again.url("/api/auth/login"))
        .json(&json!({ "email": "writer0@example.com", "password": "a long password here" }))
        .send()
        .await
        .unwrap();
    assert_eq!(login.status(), 200);
    let (ok, text) = run(lumiku(&restored).args(["migrate", "--status"]));
    assert!(ok, "{text}");
    assert!(text.contains(" 0 pending, 0 changed"), "{text}");
    assert!(
        text.lines()
            .any(|l| l.starts_with("project-manager") && l.contains("applied")),
        "{text}"
    );
}

#[tokio::test]
async fn migrate_status_lists_pending_migrations_and_postgresql_points_to_its_tools() {
    let dir = common::scratch("backup", "status");
    let data = dir.join("new");
    let (ok, text) = run(lumiku(&data).args(["migrate", "--status"]));
    assert!(ok, "{text}");
    assert!(text.contains("0 applied"), "{text}");
    assert!(
        text.lines()
            .any(|l| l.starts_with("core") && l.ends_with("pending")),
        "{text}"
    );
    let (ok, text) = run(lumiku(&data).arg("migrate"));
    assert!(ok, "{text}");
    let (ok, text) = run(lumiku(&data).args(["migrate", "--status"]));
    assert!(ok && text.contains(" 0 pending"), "{text}");

    let (ok, text) = run(lumiku(&data)
        .env(
            "LUMIKU_DATABASE_URL",
            "postgres://lumiku@127.0.0.1:1/lumiku",
        )
        .args(["backup", "--to", "x.db"]));
    assert!(!ok && text.contains("pg_dump"), "{text}");
}
