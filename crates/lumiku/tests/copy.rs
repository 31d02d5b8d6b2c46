//! `lumiku copy`: a database served on SQLite is copied to PostgreSQL in small batches, stopped
//! part way and resumed, served there (old sessions still signed in, charges still metered),
//! then copied back to a new SQLite file and served again, search index and all. Every table's
//! rows and every wallet invariant are checked on each side. And the refusals: a target holding
//! data, a copy to the same backend, a missing source, a resumed copy from another source, and a
//! source written to while it was copied.

mod common;

use std::path::Path;
use std::process::Command;

use common::Node;
use lumiku_kernel::{Db, DbOptions, sql};
use lumiku_testkit::{Backend, TestDatabase, postgres_tests, wallet_state};
use serde_json::{Value, json};
use uuid::Uuid;

postgres_tests!(
    a_database_copied_to_postgres_and_back_keeps_every_row_and_serves,
    a_copy_refuses_what_it_cannot_do
);

/// Tables the test fills, each checked row for row on every copy.
const FILLED: &[&str] = &[
    "users",
    "tenants",
    "tenant_members",
    "sessions",
    "wallets",
    "ledger_entries",
    "ledger_daily",
    "app_usage",
    "usage_daily",
    "audit_events",
    "project_manager_projects",
    "project_manager_tasks",
    "team_chat_channels",
    "team_chat_messages",
    "team_chat_reactions",
    "file_manager_folders",
];

fn sqlite_url(dir: &Path) -> String {
    format!("sqlite://{}", dir.join("lumiku.db").display())
}

/// Runs the binary with `args` in `dir`; answers whether it succeeded and what it printed.
fn lumiku(dir: &Path, args: &[&str], env: &[(&str, &str)]) -> (bool, String) {
    let mut command = Command::new(env!("CARGO_BIN_EXE_lumiku"));
    command
        .args(args)
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("LUMIKU_DATA_DIR", dir)
        .env("LUMIKU_ARGON2_MEMORY_KIB", "1024")
        .env("LUMIKU_ARGON2_ITERATIONS", "1")
        .env("LUMIKU_LOG", "warn")
        .env("RUST_BACKTRACE", "0")
        .current_dir(dir);
    for (key, value) in env {
        command.env(key, value);
    }
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

async fn open(url: &str) -> Db {
    Db::connect(&DbOptions {
        url: url.to_owned(),
        max_connections: 2,
        ..Default::default()
    })
    .await
    .unwrap()
}

async fn scalar(db: &Db, statement: String) -> i64 {
    sql::query_scalar(sql::AssertSqlSafe(statement))
        .fetch_one(db)
        .await
        .unwrap()
}

/// Each filled table's rows.
async fn counts(url: &str) -> Vec<(&'static str, i64)> {
    let db = open(url).await;
    let mut counts = Vec::new();
    for table in FILLED {
        counts.push((
            *table,
            scalar(&db, format!("select count(*) from {table}")).await,
        ));
    }
    db.close().await;
    counts
}

/// A folder's parent, as stored.
async fn parent_of(url: &str, folder: &str) -> Option<Uuid> {
    let db = open(url).await;
    let parent: Option<Uuid> =
        sql::query_scalar("select parent_id from file_manager_folders where id = $1")
            .bind(folder.parse::<Uuid>().unwrap())
            .fetch_one(&db)
            .await
            .unwrap();
    db.close().await;
    parent
}

async fn wallets(url: &str, tenants: &[Uuid]) -> Vec<lumiku_testkit::WalletState> {
    let db = open(url).await;
    let mut states = Vec::new();
    for tenant in tenants {
        let state = wallet_state(&db, *tenant).await;
        state.assert_consistent();
        states.push(state);
    }
    db.close().await;
    states
}

/// Sends `body` (or nothing) to `path` on `node` as `token`; answers the status and the JSON.
async fn call(
    client: &reqwest::Client,
    method: reqwest::Method,
    url: String,
    token: &str,
    body: Option<Value>,
) -> (u16, Value) {
    let mut request = client.request(method, url).bearer_auth(token);
    if let Some(body) = body {
        request = request.json(&body);
    }
    let response = request.send().await.unwrap();
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or(Value::Null))
}

async fn post(
    client: &reqwest::Client,
    node: &Node,
    path: &str,
    token: &str,
    body: Value,
) -> Value {
    let (status, body) = call(
        client,
        reqwest::Method::POST,
        node.url(path),
        token,
        Some(body),
    )
    .await;
    assert!(status < 300, "POST {path}: {status} {body}");
    body
}

async fn get(client: &reqwest::Client, node: &Node, path: &str, token: &str) -> Value {
    let (status, body) = call(client, reqwest::Method::GET, node.url(path), token, None).await;
    assert_eq!(status, 200, "GET {path}: {body}");
    body
}

async fn project_names(client: &reqwest::Client, node: &Node, token: &str) -> Vec<String> {
    let body = get(client, node, "/api/apps/project-manager/projects", token).await;
    let mut names: Vec<String> = body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["name"].as_str().unwrap().to_owned())
        .collect();
    names.sort();
    names
}

const BONUS: (&str, &str) = ("LUMIKU_WELCOME_BONUS_CREDITS", "1000");

async fn a_database_copied_to_postgres_and_back_keeps_every_row_and_serves(_: Backend) {
    let dir = common::scratch("copy", "both-ways");
    let (source_dir, pg_dir, back_dir) = (dir.join("source"), dir.join("pg"), dir.join("back"));
    for d in [&source_dir, &pg_dir, &back_dir] {
        std::fs::create_dir_all(d).unwrap();
    }
    let source = sqlite_url(&source_dir);
    let client = reqwest::Client::new();

    // A served SQLite database: two accounts, projects with tasks, a channel with a thread and a
    // reaction, and a folder moved into a newer one (a row pointing at a later row of its table).
    let node = Node::start(&source, &source_dir, "source", &[BONUS]).await;
    let mut users = Vec::new();
    for n in 0..2 {
        users.push(common::register(&client, &node.base(), &format!("u{n}@example.com")).await);
    }
    for (token, _) in &users {
        for p in 0..4 {
            let project = post(
                &client,
                &node,
                "/api/apps/project-manager/projects",
                token,
                json!({ "name": format!("Project {p}") }),
            )
            .await;
            let id = project["project"]["id"].as_str().unwrap();
            for t in 0..2 {
                post(
                    &client,
                    &node,
                    &format!("/api/apps/project-manager/projects/{id}/tasks"),
                    token,
                    json!({ "title": format!("Task {t}") }),
                )
                .await;
            }
        }
    }
    let token = users[0].0.clone();
    let channel = post(
        &client,
        &node,
        "/api/apps/team-chat/channels",
        &token,
        json!({ "name": "general" }),
    )
    .await;
    let channel = channel["channel"]["id"].as_str().unwrap().to_owned();
    let message = post(
        &client,
        &node,
        &format!("/api/apps/team-chat/channels/{channel}/messages"),
        &token,
        json!({ "body": "the quarterly zeppelin report" }),
    )
    .await;
    let message = message["message"]["id"].as_str().unwrap().to_owned();
    post(
        &client,
        &node,
        &format!("/api/apps/team-chat/channels/{channel}/messages"),
        &token,
        json!({ "body": "a reply", "parentId": message }),
    )
    .await;
    post(
        &client,
        &node,
        &format!("/api/apps/team-chat/messages/{message}/reactions"),
        &token,
        json!({ "emoji": "👍" }),
    )
    .await;
    let older = post(
        &client,
        &node,
        "/api/apps/file-manager/folders",
        &token,
        json!({ "name": "Older" }),
    )
    .await;
    let older = older["folder"]["id"].as_str().unwrap().to_owned();
    let newer = post(
        &client,
        &node,
        "/api/apps/file-manager/folders",
        &token,
        json!({ "name": "Newer" }),
    )
    .await;
    let newer = newer["folder"]["id"].as_str().unwrap().to_owned();
    let (status, moved) = call(
        &client,
        reqwest::Method::PATCH,
        node.url(&format!("/api/apps/file-manager/folders/{older}")),
        &token,
        Some(json!({ "parentId": newer })),
    )
    .await;
    assert_eq!(status, 200, "{moved}");
    let projects = project_names(&client, &node, &token).await;
    drop(node);

    let tenants: Vec<Uuid> = users.iter().map(|(_, tenant)| *tenant).collect();
    let before = counts(&source).await;
    for (table, rows) in &before {
        assert!(*rows > 0, "the test should fill {table}");
    }
    let source_wallets = wallets(&source, &tenants).await;
    assert_eq!(
        parent_of(&source, &older).await.map(|p| p.to_string()),
        Some(newer.clone())
    );

    // To PostgreSQL, two rows at a time, stopped after a few batches and then resumed.
    let pg = TestDatabase::create(Backend::Postgres).await;
    let (ok, out) = lumiku(
        &source_dir,
        &[
            "copy",
            "--to",
            &pg.url,
            "--batch",
            "2",
            "--max-batches",
            "12",
        ],
        &[],
    );
    assert!(ok, "{out}");
    assert!(out.contains("stopped at --max-batches 12"), "{out}");
    {
        let db = open(&pg.url).await;
        let done = scalar(
            &db,
            "select count(*) from lumiku_copy where stage = 2".into(),
        )
        .await;
        let all = scalar(&db, "select count(*) from lumiku_copy".into()).await;
        assert!(0 < done && done < all, "{done} of {all} tables done: {out}");
        db.close().await;
    }
    let (ok, out) = lumiku(&source_dir, &["copy", "--to", &pg.url, "--batch", "2"], &[]);
    assert!(ok, "{out}");
    assert!(out.contains("going on from an earlier run"), "{out}");
    assert!(out.contains("every row read back equal"), "{out}");
    assert!(out.contains("2 wallets checked"), "{out}");
    assert_eq!(counts(&pg.url).await, before);
    assert_eq!(wallets(&pg.url, &tenants).await, source_wallets);
    assert_eq!(
        parent_of(&pg.url, &older).await.map(|p| p.to_string()),
        Some(newer.clone())
    );
    {
        let db = open(&pg.url).await;
        let progress = scalar(
            &db,
            "select count(*) from information_schema.tables where table_name = 'lumiku_copy'"
                .into(),
        )
        .await;
        assert_eq!(
            progress, 0,
            "the record of the copy is dropped once it is done"
        );
        db.close().await;
    }

    // Served on PostgreSQL: the old session still works, and a metered action is charged.
    let node = Node::start(&pg.url, &pg_dir, "pg", &[BONUS]).await;
    assert_eq!(project_names(&client, &node, &token).await, projects);
    post(
        &client,
        &node,
        "/api/apps/project-manager/projects",
        &token,
        json!({ "name": "Made on PostgreSQL" }),
    )
    .await;
    let balance = get(&client, &node, "/api/credits/balance", &token).await;
    assert_eq!(
        balance["balance"].as_i64().unwrap(),
        source_wallets[0].balance - 5,
        "createProject costs 5"
    );
    drop(node);

    // Back to a new SQLite file, which serves again: search (an index SQLite keeps beside the
    // messages, rebuilt after the copy) finds the message.
    let back = sqlite_url(&back_dir);
    let (ok, out) = lumiku(
        &back_dir,
        &["copy", "--from", &pg.url, "--to", &back, "--batch", "3"],
        &[],
    );
    assert!(ok, "{out}");
    assert!(out.contains("every row read back equal"), "{out}");
    assert_eq!(counts(&back).await, counts(&pg.url).await);
    assert_eq!(
        wallets(&back, &tenants).await,
        wallets(&pg.url, &tenants).await
    );
    {
        let db = open(&back).await;
        let broken = scalar(&db, "select count(*) from pragma_foreign_key_check".into()).await;
        assert_eq!(broken, 0, "every reference of the copy leads somewhere");
        db.close().await;
    }
    let node = Node::start(&back, &back_dir, "back", &[BONUS]).await;
    let found = get(
        &client,
        &node,
        "/api/apps/team-chat/search?q=zeppelin",
        &token,
    )
    .await;
    let found = found["items"].as_array().unwrap();
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0]["message"]["id"], json!(message));
    let mut expected = projects.clone();
    expected.push("Made on PostgreSQL".into());
    expected.sort();
    assert_eq!(project_names(&client, &node, &token).await, expected);
    drop(node);
}

async fn a_copy_refuses_what_it_cannot_do(_: Backend) {
    let dir = common::scratch("copy", "refusals");
    let (one, two) = (dir.join("one"), dir.join("two"));
    for d in [&one, &two] {
        std::fs::create_dir_all(d).unwrap();
        let (ok, out) = lumiku(d, &["migrate"], &[]);
        assert!(ok, "{out}");
        let (ok, out) = lumiku(
            d,
            &["admin", "create-user", "--email", "owner@example.com"],
            &[("LUMIKU_ADMIN_PASSWORD", "a long password here")],
        );
        assert!(ok, "{out}");
    }

    // A target that holds someone's data.
    let taken = TestDatabase::create(Backend::Postgres).await;
    let (ok, out) = lumiku(
        &one,
        &["admin", "create-user", "--email", "someone@example.com"],
        &[
            ("LUMIKU_ADMIN_PASSWORD", "a long password here"),
            ("LUMIKU_DATABASE_URL", &taken.url),
        ],
    );
    assert!(ok, "{out}");
    let (ok, out) = lumiku(&one, &["copy", "--to", &taken.url], &[]);
    assert!(!ok && out.contains("already holds data"), "{out}");
    assert!(!out.contains("panicked"), "{out}");

    // The same backend, and a source that is not there.
    let (ok, out) = lumiku(&one, &["copy", "--to", &sqlite_url(&two)], &[]);
    assert!(!ok && out.contains("lumiku backup"), "{out}");
    let missing = dir.join("missing");
    let (ok, out) = lumiku(
        &one,
        &["copy", "--from", &sqlite_url(&missing), "--to", &taken.url],
        &[],
    );
    assert!(!ok && out.contains("there is no database"), "{out}");
    assert!(!missing.join("lumiku.db").exists(), "nothing is created");

    // A copy under way goes on only from its own source.
    let target = TestDatabase::create(Backend::Postgres).await;
    let (ok, out) = lumiku(
        &one,
        &[
            "copy",
            "--to",
            &target.url,
            "--batch",
            "1",
            "--max-batches",
            "1",
        ],
        &[],
    );
    assert!(ok && out.contains("stopped at --max-batches 1"), "{out}");
    let (ok, out) = lumiku(&two, &["copy", "--to", &target.url], &[]);
    assert!(!ok && out.contains("unfinished copy from"), "{out}");

    // A source written to during the copy, once all but the last table are copied: the
    // comparison at the end finds the rows the copy missed.
    let db = open(&target.url).await;
    loop {
        let left = scalar(
            &db,
            "select count(*) from lumiku_copy where stage < 2".into(),
        )
        .await;
        if left == 1 {
            break;
        }
        let (ok, out) = lumiku(
            &one,
            &["copy", "--to", &target.url, "--max-batches", "1"],
            &[],
        );
        assert!(ok && out.contains("stopped at"), "{out}");
    }
    db.close().await;
    let (ok, out) = lumiku(
        &one,
        &["admin", "create-user", "--email", "late@example.com"],
        &[("LUMIKU_ADMIN_PASSWORD", "a long password here")],
    );
    assert!(ok, "{out}");
    let (ok, out) = lumiku(&one, &["copy", "--to", &target.url], &[]);
    assert!(
        !ok && out.contains("users") && out.contains("was the source written to"),
        "{out}"
    );
}
