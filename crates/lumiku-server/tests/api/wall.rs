//! The wall around an app: its SQL reaches its own tables and nothing else, on both backends.
//! An app that reads or writes a core table or another app's, changes role, or ends the kernel's
//! transaction gets an error, and nothing changes: no charge, no write.

use std::sync::Arc;

use axum::http::StatusCode;
use lumiku_kernel::sql;
use lumiku_plugin::extract::Path;
use lumiku_plugin::{ApiError, AppContext, Charged, Manifest, Metered, Migration, Plugin, Tx};
use lumiku_testkit::{Backend, TestApp, backend_tests, test_manifest};
use serde::Serialize;
use serde_json::json;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

backend_tests!(
    an_app_cannot_write_outside_its_tables,
    an_app_cannot_read_outside_its_tables
);

const INTRUDER: Manifest = Manifest {
    name: "Intruder",
    description: "Tries to leave its tables",
    credits: &[("poke", 1)],
    ..test_manifest("intruder", "/api/apps/intruder")
};

const MIGRATIONS: &[Migration] = &[Migration {
    version: 1,
    name: "notes",
    sqlite: "create table intruder_notes (tenant_id blob not null, body text not null)",
    postgres: "create table intruder_notes (tenant_id uuid not null, body text not null);
        alter table intruder_notes enable row level security;
        create policy tenant_isolation on intruder_notes using (tenant_id = lumiku_current_tenant());",
}];

lumiku_plugin::actions! { Poke = "poke" }

/// What the intruder's statements are.
fn statement(target: &str) -> &'static str {
    match target {
        "own" => "insert into intruder_notes (tenant_id, body) values ($1, 'mine')",
        "wallets" => "update wallets set balance_credits = balance_credits + 1000",
        // The kernel's own debit, word for word: on SQLite the writer's statement cache holds it,
        // compiled for the kernel moments before.
        "kernel-debit" => {
            "update wallets set balance_credits = balance_credits + $2, updated_at = $3 \
             where tenant_id = $1 and balance_credits + $2 >= 0"
        }
        "ledger" => "delete from ledger_entries",
        "users" => "update users set platform_role = 'admin'",
        "other-app" => "delete from project_manager_projects",
        "set-config" => "select set_config('role', 'lumiku_app', true)",
        "reset-role" => "reset role",
        "commit" => "commit",
        _ => "select 1",
    }
}

async fn run(tx: &mut Tx, target: &str) -> Result<(), ApiError> {
    let tenant = tx.tenant_id().expect("a tenant's transaction");
    let mut query = sql::query(statement(target));
    if target == "own" {
        query = query.bind(tenant);
    } else if target == "kernel-debit" {
        query = query
            .bind(tenant)
            .bind(1000_i64)
            .bind(lumiku_plugin::sql::now());
    }
    query.execute(&mut *tx).await.map_err(ApiError::internal)?;
    Ok(())
}

/// What a poke answers.
#[derive(Serialize, ToSchema)]
struct Poked {
    target: String,
}

/// Runs one statement inside a metered action.
#[utoipa::path(post, path = "/write/{target}", responses((status = 200, description = "Done", body = Charged<Poked>)))]
async fn write(
    Path(target): Path<String>,
    mut metered: Metered<Poke>,
) -> Result<Charged<Poked>, ApiError> {
    run(metered.tx(), &target).await?;
    metered
        .finish(StatusCode::OK, Poked { target }, json!({}))
        .await
}

/// Reads one table inside a read transaction.
#[utoipa::path(get, path = "/read/{table}", responses((status = 200, description = "Rows", body = i64)))]
async fn read(
    ctx: AppContext,
    Path(table): Path<String>,
) -> Result<lumiku_plugin::extract::Json<i64>, ApiError> {
    let sql = match table.as_str() {
        "own" => "select count(*) from intruder_notes",
        "users" => "select count(*) from users",
        "wallets" => "select count(*) from wallets",
        "ledger" => "select count(*) from ledger_entries",
        "sessions" => "select count(*) from sessions s join users u on u.id = s.user_id",
        "other-app" => "select count(*) from project_manager_projects",
        _ => "select 1",
    };
    let mut tx = ctx.read().await?;
    let count: i64 = sql::query_scalar(sql)
        .fetch_one(&mut tx)
        .await
        .map_err(ApiError::internal)?;
    Ok(lumiku_plugin::extract::Json(count))
}

struct Intruder;

impl Plugin for Intruder {
    fn manifest(&self) -> &'static Manifest {
        &INTRUDER
    }
    fn routes(&self) -> OpenApiRouter {
        OpenApiRouter::new()
            .routes(routes!(write))
            .routes(routes!(read))
    }
    fn migrations(&self) -> &'static [Migration] {
        MIGRATIONS
    }
}

async fn spawn(backend: Backend) -> TestApp {
    TestApp::spawn_with_apps(
        backend,
        vec![Arc::new(Intruder), project_manager::app()],
        |_| {},
    )
    .await
}

async fn an_app_cannot_write_outside_its_tables(backend: Backend) {
    let app = spawn(backend).await;
    let user = app.register_user().await;
    let tenant = user.personal_tenant_id;
    let project = app
        .post(
            "/api/apps/project-manager/projects",
            &user.access_token,
            json!({ "name": "Not the intruder's" }),
        )
        .await;
    project.assert_status(201);
    let before = app.wallet(tenant).await;

    for target in [
        "wallets",
        "kernel-debit",
        "ledger",
        "users",
        "other-app",
        "set-config",
        "reset-role",
        "commit",
    ] {
        let path = format!("/api/apps/intruder/write/{target}");
        let refused = app.post(&path, &user.access_token, json!({})).await;
        refused.assert_status(500);
        let after = app.wallet(tenant).await;
        after.assert_consistent();
        assert_eq!(after.balance, before.balance, "{target}: charged or paid");
        assert_eq!(after.ledger_rows, before.ledger_rows, "{target}");
    }

    // Nothing the intruder aimed at changed.
    let mut tx = app.kernel.db().begin().await.unwrap();
    let admins: i64 = sql::query_scalar("select count(*) from users where platform_role = 'admin'")
        .fetch_one(&mut tx)
        .await
        .unwrap();
    assert_eq!(admins, 0);
    let projects: i64 = sql::query_scalar("select count(*) from project_manager_projects")
        .fetch_one(&mut tx)
        .await
        .unwrap();
    assert_eq!(projects, 1);
    drop(tx);

    // Its own table is open to it, and that write is charged with the work.
    let own = app
        .post(
            "/api/apps/intruder/write/own",
            &user.access_token,
            json!({}),
        )
        .await;
    own.assert_status(200);
    assert_eq!(own.body["creditBalance"], before.balance - 1);
    let after = app.wallet(tenant).await;
    after.assert_consistent();
    assert_eq!(after.balance, before.balance - 1);
    // And the refusals left the wall standing for the next request on the same connections.
    app.post(
        "/api/apps/intruder/write/wallets",
        &user.access_token,
        json!({}),
    )
    .await
    .assert_status(500);
    assert_eq!(app.wallet(tenant).await.balance, before.balance - 1);
}

async fn an_app_cannot_read_outside_its_tables(backend: Backend) {
    let app = spawn(backend).await;
    let user = app.register_user().await;
    for table in ["users", "wallets", "ledger", "sessions", "other-app"] {
        let path = format!("/api/apps/intruder/read/{table}");
        app.get(&path, &user.access_token).await.assert_status(500);
    }
    let own = app
        .get("/api/apps/intruder/read/own", &user.access_token)
        .await;
    own.assert_status(200);
    assert_eq!(own.body, json!(0));
    // The kernel's own reads on the same connections are not walled.
    app.get("/api/credits/balance", &user.access_token)
        .await
        .assert_status(200);
}

/// An app with nothing but a manifest.
struct Named(&'static Manifest);

impl Plugin for Named {
    fn manifest(&self) -> &'static Manifest {
        self.0
    }
    fn routes(&self) -> OpenApiRouter {
        OpenApiRouter::new()
    }
    fn migrations(&self) -> &'static [Migration] {
        &[]
    }
}

/// The wall gives an app every table under its prefix, so a prefix that covers a core table or
/// overlaps another app's would let it through: such an app is refused before anything runs.
#[test]
fn an_app_whose_prefix_reaches_core_or_another_apps_tables_is_refused() {
    static INVOICE: Manifest = test_manifest("invoice", "/api/apps/invoice");
    static PROJECT: Manifest = test_manifest("project", "/api/apps/project");
    static APP: Manifest = test_manifest("app", "/api/apps/app");
    static FINE: Manifest = test_manifest("invoice-generator", "/api/apps/invoice-generator");

    let error = |apps: Vec<Arc<dyn Plugin>>| {
        lumiku_server::apps::validate(&apps)
            .expect_err("the app must be refused")
            .to_string()
    };
    let invoice = error(vec![Arc::new(Named(&INVOICE))]);
    assert!(
        invoice.contains("app 'invoice'") && invoice.contains("core table invoice_items"),
        "{invoice}"
    );
    let app = error(vec![Arc::new(Named(&APP))]);
    assert!(app.contains("core table app_usage"), "{app}");
    let project = error(vec![project_manager::app(), Arc::new(Named(&PROJECT))]);
    assert!(
        project.contains("prefix project_ overlaps") || project.contains("overlaps app 'project'"),
        "{project}"
    );
    lumiku_server::apps::validate(&[project_manager::app(), Arc::new(Named(&FINE))])
        .expect("distinct prefixes pass");
}
