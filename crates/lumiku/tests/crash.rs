//! A server killed (`SIGKILL`) under metered load, on both backends: after a restart every charge
//! it acknowledged is there with its project, every wallet invariant holds, and each request that
//! got no answer, retried with its idempotency key, is done exactly once: replayed if it had
//! committed, done now if it had not.

mod common;

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use common::Node;
use lumiku_kernel::{Db, DbOptions, sql};
use lumiku_testkit::{Backend, TestDatabase, backend_tests};
use serde_json::{Value, json};
use tokio::sync::Mutex;
use uuid::Uuid;

backend_tests!(a_server_killed_under_metered_load_keeps_every_acknowledged_charge);

/// createProject's price in the Project Manager's manifest.
const PROJECT_COST: i64 = 5;
const BONUS: &str = "1000000";
const WRITERS: usize = 4;

/// A create sent under load: its idempotency key and body, and the project if it was answered.
struct Sent {
    key: String,
    body: Value,
    project: Option<String>,
}

async fn a_server_killed_under_metered_load_keeps_every_acknowledged_charge(backend: Backend) {
    let database = TestDatabase::create(backend).await;
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR"))
        .join("crash")
        .join(format!("{backend:?}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let env = [("LUMIKU_WELCOME_BONUS_CREDITS", BONUS)];
    let client = reqwest::Client::new();
    let node = Node::start(&database.url, &dir, "first", &env).await;

    let mut writers = Vec::new();
    for n in 0..WRITERS {
        writers.push(common::register(&client, &node.base(), &format!("w{n}@example.com")).await);
    }

    // Each writer creates projects, one request at a time, until the server dies under it.
    let sent: Arc<Mutex<BTreeMap<usize, Vec<Sent>>>> = Arc::default();
    let dead = Arc::new(AtomicBool::new(false));
    let url = node.url("/api/apps/project-manager/projects");
    let mut load = Vec::new();
    for (w, (token, _)) in writers.iter().enumerate() {
        let (client, url, token, sent, dead) = (
            client.clone(),
            url.clone(),
            token.clone(),
            Arc::clone(&sent),
            Arc::clone(&dead),
        );
        load.push(tokio::spawn(async move {
            for i in 0.. {
                let key = format!("w{w}-{i}");
                let body = json!({ "name": format!("Project {w}-{i}") });
                let answer = client
                    .post(&url)
                    .bearer_auth(&token)
                    .header("Idempotency-Key", &key)
                    .json(&body)
                    .timeout(Duration::from_secs(10))
                    .send()
                    .await;
                let project = match answer {
                    Ok(answer) if answer.status() == 201 => {
                        let body: Value = answer.json().await.unwrap_or(Value::Null);
                        body["project"]["id"].as_str().map(str::to_owned)
                    }
                    Ok(answer) => panic!("a create was answered {}", answer.status()),
                    Err(_) => None,
                };
                let answered = project.is_some();
                sent.lock()
                    .await
                    .entry(w)
                    .or_default()
                    .push(Sent { key, body, project });
                if !answered || dead.load(Ordering::SeqCst) {
                    break;
                }
            }
        }));
    }
    tokio::time::sleep(Duration::from_millis(1500)).await;
    // Killed first: each writer's request then in flight, or its next, finds no server (had the
    // writers been told first, they could all have stopped before the kill).
    drop(node);
    dead.store(true, Ordering::SeqCst);
    for writer in load {
        writer.await.unwrap();
    }

    let node = Node::start(&database.url, &dir, "second", &env).await;
    let db = Db::connect(&DbOptions {
        url: database.url.clone(),
        max_connections: 2,
        ..Default::default()
    })
    .await
    .unwrap();
    let mut sent = sent.lock().await;
    let mut acknowledged = 0;
    let unanswered = sent
        .values()
        .flatten()
        .filter(|c| c.project.is_none())
        .count();
    // Four writers with a request each always in flight: the kill cuts some off.
    assert!(
        unanswered > 0,
        "no request was in flight when the server died"
    );
    for (w, (token, tenant)) in writers.iter().enumerate() {
        let creates = sent.get_mut(&w).unwrap();
        // Every acknowledged charge survived, with its project.
        for create in creates.iter().filter(|c| c.project.is_some()) {
            let id = create.project.as_deref().unwrap();
            let mut tx = db.begin_read().await.unwrap();
            let found: i64 =
                sql::query_scalar("select count(*) from project_manager_projects where id = $1")
                    .bind(id.parse::<Uuid>().unwrap())
                    .fetch_one(&mut tx)
                    .await
                    .unwrap();
            tx.commit().await.unwrap();
            assert_eq!(found, 1, "acknowledged project {id} was lost");
            acknowledged += 1;
        }
        // A request without an answer, retried with its key, is done exactly once.
        for create in creates.iter_mut().filter(|c| c.project.is_none()) {
            let answer = client
                .post(node.url("/api/apps/project-manager/projects"))
                .bearer_auth(token)
                .header("Idempotency-Key", &create.key)
                .json(&create.body)
                .send()
                .await
                .unwrap();
            assert_eq!(answer.status(), 201);
            let body: Value = answer.json().await.unwrap();
            create.project = body["project"]["id"].as_str().map(str::to_owned);
        }
        let wallet = lumiku_testkit::wallet_state(&db, *tenant).await;
        wallet.assert_consistent();
        let mut tx = db.begin_read().await.unwrap();
        let projects: i64 =
            sql::query_scalar("select count(*) from project_manager_projects where tenant_id = $1")
                .bind(*tenant)
                .fetch_one(&mut tx)
                .await
                .unwrap();
        tx.commit().await.unwrap();
        assert_eq!(projects, creates.len() as i64, "one project per key");
        assert_eq!(wallet.balance, 1_000_000 - PROJECT_COST * projects);
    }
    assert!(
        acknowledged > WRITERS,
        "the load did little: {acknowledged}"
    );
    db.close().await;
}
