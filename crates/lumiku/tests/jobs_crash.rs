//! A node killed in the middle of a job, with the real binary: the scheduled request is in
//! flight when the server is killed (`SIGKILL`, nothing runs on the way out); a second server on
//! the same database takes the job over once its lease has lapsed, and the task runs once more,
//! the dead attempt recorded as interrupted.

mod common;

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use lumiku_kernel::{Db, DbOptions, sql};
use lumiku_testkit::{Backend, TestDatabase, backend_tests};
use serde_json::{Value, json};

use common::Node;

backend_tests!(a_node_killed_mid_job_leaves_the_job_to_another_after_its_lease);

/// The hook is on this machine.
const PRIVATE: &[(&str, &str)] = &[("LUMIKU_ALLOW_PRIVATE_NETWORKS", "true")];

/// A hook whose first request never gets an answer (the node dies waiting) and whose later ones
/// answer 200; it counts them.
async fn hook() -> (String, Arc<AtomicUsize>) {
    let hits = Arc::new(AtomicUsize::new(0));
    let counter = Arc::clone(&hits);
    let router = axum::Router::new().route(
        "/hook",
        axum::routing::post(move || {
            let n = counter.fetch_add(1, Ordering::SeqCst);
            async move {
                if n == 0 {
                    std::future::pending::<()>().await;
                }
                "ok"
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, router).await.unwrap() });
    (format!("http://{addr}/hook"), hits)
}

async fn until(what: &str, mut done: impl AsyncFnMut() -> bool) {
    let deadline = Instant::now() + Duration::from_secs(30);
    while !done().await {
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

async fn a_node_killed_mid_job_leaves_the_job_to_another_after_its_lease(backend: Backend) {
    let database = TestDatabase::create(backend).await;
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR"))
        .join("jobs-crash")
        .join(format!("{backend:?}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let (url, hits) = hook().await;
    let client = reqwest::Client::new();

    let first = Node::start(&database.url, &dir, "first", PRIVATE).await;
    let (token, _) = common::register(&client, &first.base(), "ana@example.com").await;
    let created: Value = client
        .post(first.url("/api/apps/task-scheduler/tasks"))
        .bearer_auth(&token)
        .json(&json!({
            "name": "Nightly export",
            "schedule": { "type": "once", "at": chrono::Utc::now().to_rfc3339() },
            "action": { "type": "http", "method": "POST", "url": url, "timeoutSecs": 30 },
        }))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let task = created["task"]["id"]
        .as_str()
        .unwrap_or_else(|| panic!("{created}"))
        .to_owned();

    // The request is in flight: kill the node that sent it.
    until("the first attempt's request", async || {
        hits.load(Ordering::SeqCst) == 1
    })
    .await;
    drop(first);

    // Its lease would lapse 45 + 15 s later; bring that forward instead of waiting.
    let db = Db::connect(&DbOptions {
        url: database.url.clone(),
        max_connections: 1,
        ..Default::default()
    })
    .await
    .unwrap();
    let mut tx = db.begin().await.unwrap();
    let leased = sql::query("update jobs set lease_until_ms = 0 where status = 'running'")
        .execute(&mut tx)
        .await
        .unwrap()
        .rows_affected();
    tx.commit().await.unwrap();
    assert_eq!(leased, 1, "the dead node still held the job");
    db.close().await;

    let second = Node::start(&database.url, &dir, "second", PRIVATE).await;
    let runs_url = second.url(&format!("/api/apps/task-scheduler/tasks/{task}/runs"));
    let mut runs = Value::Null;
    until("the second attempt", async || {
        runs = client
            .get(&runs_url)
            .bearer_auth(&token)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        runs["items"][0]["outcome"] == "succeeded"
    })
    .await;
    let items = runs["items"].as_array().unwrap();
    assert_eq!(items.len(), 2, "{runs}");
    assert_eq!(
        (
            &items[0]["attempt"],
            &items[1]["attempt"],
            &items[1]["outcome"]
        ),
        (&json!(2), &json!(1), &json!("interrupted")),
        "{runs}"
    );
    // It ran again once, and each attempt was charged: create 2, two runs at 1.
    tokio::time::sleep(Duration::from_millis(1500)).await;
    assert_eq!(hits.load(Ordering::SeqCst), 2);
    let balance: Value = client
        .get(second.url("/api/credits/balance"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(balance["balance"], 100 - 2 - 2, "{balance}");
}
