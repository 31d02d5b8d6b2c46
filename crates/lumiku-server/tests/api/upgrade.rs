//! A database made by an earlier release (commit 7d7a723, before lumiku-store) migrates forward
//! in place: its history is adopted into `lumiku_migrations`, its data is kept, and it serves.

use lumiku_kernel::sql;
use lumiku_testkit::{Backend, TestApp, TestDatabase, TestUser, backend_tests};
use serde_json::json;
use uuid::Uuid;

backend_tests!(
    a_database_made_by_the_previous_release_migrates_forward_and_serves,
    migrate_brings_the_core_and_every_app_up_to_date,
);

const SQLITE_FILE: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/tests/data/main-7d7a723.sqlite"
);
const POSTGRES_DUMP: &str = include_str!("../data/main-7d7a723.postgres.sql");

/// The role the dump grants to, made by the release's first migration on a fresh cluster.
const TENANT_ROLE: &str = "do $$ begin create role lumiku_app nologin; \
    exception when duplicate_object or unique_violation then null; end $$";

async fn lay_down(backend: Backend, database: &TestDatabase) {
    match database.sqlite_path() {
        Some(path) => {
            std::fs::copy(SQLITE_FILE, path).expect("copying the old database");
        }
        None => {
            assert_eq!(backend, Backend::Postgres);
            let pool = sqlx::PgPool::connect(&database.url).await.unwrap();
            sqlx::raw_sql(TENANT_ROLE).execute(&pool).await.unwrap();
            sqlx::raw_sql(POSTGRES_DUMP).execute(&pool).await.unwrap();
            pool.close().await;
        }
    }
}

async fn a_database_made_by_the_previous_release_migrates_forward_and_serves(backend: Backend) {
    let database = TestDatabase::create(backend).await;
    lay_down(backend, &database).await;
    let app = TestApp::spawn_on(backend, database, vec![project_manager::app()]).await;

    // The history is one table now, with every migration the old database had and the new one.
    let mut tx = app.kernel.db().begin().await.unwrap();
    let history: Vec<(String, i64)> =
        sql::query_as("select owner, version from lumiku_migrations order by owner, version")
            .fetch_all(&mut tx)
            .await
            .unwrap();
    let kernel: Vec<i64> = (1..=lumiku_kernel::MIGRATIONS.len() as i64).collect();
    let expected: Vec<(String, i64)> = kernel
        .iter()
        .map(|v| ("kernel".to_owned(), *v))
        .chain((1..=3).map(|v| ("project-manager".to_owned(), v)))
        .collect();
    assert_eq!(history, expected);
    let old_tables: i64 = sql::query_scalar(match backend {
        Backend::Sqlite => {
            "select count(*) from sqlite_master where name in ('_sqlx_migrations', 'app_migrations')"
        }
        Backend::Postgres => {
            "select count(*) from information_schema.tables where table_name in ('_sqlx_migrations', 'app_migrations')"
        }
    })
    .fetch_one(&mut tx)
    .await
    .unwrap();
    assert_eq!(old_tables, 0, "the old history tables are gone");
    drop(tx);

    // The account, its wallet and its project came through.
    let old = TestUser {
        id: Uuid::nil(),
        email: "legacy@example.com".into(),
        password: "correct horse battery".into(),
        access_token: String::new(),
        refresh_token: String::new(),
        session_id: Uuid::nil(),
        personal_tenant_id: Uuid::nil(),
    };
    let user = app.login(&old).await;
    let projects = app
        .get("/api/apps/project-manager/projects", &user.access_token)
        .await;
    projects.assert_status(200);
    let list = projects.body["items"].as_array().unwrap();
    assert_eq!(list.len(), 1);
    assert_eq!(list[0]["name"], "Made before the store crate");
    assert_eq!(list[0]["tasks"][0]["title"], "Still here after the upgrade");
    let balance = app.get("/api/credits/balance", &user.access_token).await;
    assert_eq!(balance.body["balance"], 94);

    // The old idempotency key still replays its stored answer, and new work is charged.
    let replay = app
        .request(reqwest::Method::POST, "/api/apps/project-manager/projects")
        .bearer_auth(&user.access_token)
        .header("idempotency-key", "legacy-1")
        .json(&json!({ "name": "Made before the store crate" }))
        .send()
        .await
        .unwrap();
    assert_eq!(replay.status(), 201);
    assert_eq!(replay.headers()["idempotent-replayed"], "true");
    let created = app
        .post(
            "/api/apps/project-manager/projects",
            &user.access_token,
            json!({ "name": "Made after" }),
        )
        .await;
    created.assert_status(201);
    assert_eq!(created.body["creditBalance"], 89);
    app.wallet(user.personal_tenant_id)
        .await
        .assert_consistent();

    // A second start finds nothing to do.
    let again = app.spawn_sibling(vec![project_manager::app()]).await;
    drop(again);
}

/// What `lumiku migrate` runs: the core's migrations, every app's, and the registry, twice over
/// with nothing left to do the second time.
async fn migrate_brings_the_core_and_every_app_up_to_date(backend: Backend) {
    let database = TestDatabase::create(backend).await;
    let db = lumiku_kernel::Db::connect(&lumiku_kernel::DbOptions {
        url: database.url.clone(),
        max_connections: 2,
        ..Default::default()
    })
    .await
    .unwrap();
    let apps = [project_manager::app()];
    lumiku_server::migrate(&db, &apps).await.unwrap();
    lumiku_server::migrate(&db, &apps).await.unwrap();
    let history: Vec<(String, i64)> =
        sql::query_as("select owner, version from lumiku_migrations where owner <> 'kernel'")
            .fetch_all(&db)
            .await
            .unwrap();
    assert_eq!(history.len(), 3, "{history:?}");
    let (version, projects): (String, i64) = sql::query_as(
        "select (select version from apps where app_id = 'project-manager'), \
         (select count(*) from project_manager_projects)",
    )
    .fetch_one(&db)
    .await
    .unwrap();
    assert_eq!((version.as_str(), projects), ("1.0.0", 0));
    db.close().await;
}
