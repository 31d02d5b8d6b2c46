//! Apps per tenant: the catalogue, installing (its cost charged once), uninstalling (rows kept,
//! restored by a reinstall, or purged), who may do it, whom an app is published to, and the
//! refusal of an older app on a database that ran a newer one.

use std::sync::Arc;

use chrono::{Duration, Utc};
use lumiku_plugin::{AppContext, Install, Manifest, Migration, Plugin};
use lumiku_testkit::{Backend, TestApp, TestUser, backend_tests, test_config, test_manifest};
use serde_json::{Value, json};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

backend_tests!(
    a_new_tenant_has_the_default_apps_and_is_offered_the_rest,
    installing_charges_its_cost_once_and_opens_the_app,
    concurrent_installs_charge_once,
    uninstalling_closes_the_app_keeps_its_rows_and_a_reinstall_restores_them,
    only_owners_and_admins_manage_a_tenants_apps,
    publishing_decides_whom_an_app_is_offered_to,
    an_older_app_is_refused_on_a_database_that_ran_a_newer_one,
    an_install_charge_is_counted_in_the_metrics,
);

const PAID: Manifest = Manifest {
    name: "Paid Reports",
    description: "Costs credits to install",
    install: Install {
        default: false,
        cost: 10,
    },
    ..test_manifest("paid-reports", "/api/apps/paid-reports")
};

/// The report (free, for the tenant's members).
#[utoipa::path(get, path = "/report", responses((status = 200, description = "A report", body = String)))]
async fn report(ctx: AppContext) -> String {
    format!("report for {}", ctx.tenant_id())
}

struct PaidReports(&'static Manifest);

impl Plugin for PaidReports {
    fn manifest(&self) -> &'static Manifest {
        self.0
    }
    fn routes(&self) -> OpenApiRouter {
        OpenApiRouter::new().routes(routes!(report))
    }
    fn migrations(&self) -> &'static [Migration] {
        &[]
    }
}

const PROJECTS: &str = "/api/apps/project-manager/projects";

async fn spawn(backend: Backend) -> TestApp {
    let apps: Vec<Arc<dyn Plugin>> = vec![project_manager::app(), Arc::new(PaidReports(&PAID))];
    TestApp::spawn_with_apps(backend, apps, |_| {}).await
}

fn find<'a>(catalogue: &'a Value, app_id: &str) -> Option<&'a Value> {
    catalogue["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["appId"] == app_id)
}

fn apps_path(user: &TestUser, app_id: &str) -> String {
    format!("/api/tenants/{}/apps/{app_id}", user.personal_tenant_id)
}

async fn a_new_tenant_has_the_default_apps_and_is_offered_the_rest(backend: Backend) {
    let app = spawn(backend).await;
    let user = app.register_user().await;
    let catalogue = app.get("/api/catalogue", &user.access_token).await;
    catalogue.assert_status(200);
    let pm = find(&catalogue.body, "project-manager").expect("the project manager");
    assert_eq!(pm["installed"], true);
    assert_eq!(pm["credits"]["createProject"], 5);
    assert_eq!(pm["visibility"], "public");
    let paid = find(&catalogue.body, "paid-reports").expect("the paid app");
    assert_eq!(paid["installed"], false);
    assert_eq!(paid["installCost"], 10);

    let dashboard = app.get("/api/apps", &user.access_token).await;
    let ids: Vec<&str> = dashboard.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["appId"].as_str().unwrap())
        .collect();
    assert_eq!(ids, ["project-manager"]);
    app.get("/api/apps/paid-reports/report", &user.access_token)
        .await
        .assert_error(404, "app_not_installed");
}

async fn installing_charges_its_cost_once_and_opens_the_app(backend: Backend) {
    let app = spawn(backend).await;
    let user = app.register_user().await;
    let tenant = user.personal_tenant_id;
    let before = app.wallet(tenant).await;

    let installed = app
        .post(
            &apps_path(&user, "paid-reports"),
            &user.access_token,
            json!({}),
        )
        .await;
    installed.assert_status(200);
    assert_eq!(installed.body["installed"], true);
    let after = app.wallet(tenant).await;
    after.assert_consistent();
    assert_eq!(after.balance, before.balance - 10);
    assert_eq!(after.ledger_rows, before.ledger_rows + 1);
    app.get("/api/apps/paid-reports/report", &user.access_token)
        .await
        .assert_status(200);

    // Once: a second install is refused and charges nothing.
    app.post(
        &apps_path(&user, "paid-reports"),
        &user.access_token,
        json!({}),
    )
    .await
    .assert_error(409, "already_installed");
    assert_eq!(app.wallet(tenant).await.balance, before.balance - 10);
    let usage = app.get("/api/credits/usage", &user.access_token).await.body;
    let install = usage["totals"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["appId"] == "paid-reports")
        .expect("the install's usage row");
    assert_eq!(
        (&install["action"], &install["credits"]),
        (&json!("install"), &json!(10))
    );

    // A wallet that cannot pay installs nothing.
    let poor = TestApp::spawn_with_apps(backend, vec![Arc::new(PaidReports(&PAID))], |config| {
        config.welcome_bonus_credits = 5
    })
    .await;
    let user = poor.register_user().await;
    let refused = poor
        .post(
            &apps_path(&user, "paid-reports"),
            &user.access_token,
            json!({}),
        )
        .await;
    refused.assert_error(402, "insufficient_credits");
    assert_eq!(refused.body["error"]["required"], 10);
    let wallet = poor.wallet(user.personal_tenant_id).await;
    wallet.assert_consistent();
    assert_eq!(wallet.balance, 5);
    poor.get("/api/apps/paid-reports/report", &user.access_token)
        .await
        .assert_error(404, "app_not_installed");
}

/// Eight installs of the same app at once: one installs and is charged, the others are told it is
/// installed, and the wallet holds exactly one charge.
async fn concurrent_installs_charge_once(backend: Backend) {
    let app = spawn(backend).await;
    let user = app.register_user().await;
    let before = app.wallet(user.personal_tenant_id).await;
    let path = apps_path(&user, "paid-reports");
    let attempts = (0..8).map(|_| app.post(&path, &user.access_token, json!({})));
    let statuses: Vec<u16> = futures_util::future::join_all(attempts)
        .await
        .iter()
        .map(|r| r.status)
        .collect();
    assert_eq!(
        statuses.iter().filter(|s| **s == 200).count(),
        1,
        "{statuses:?}"
    );
    assert_eq!(
        statuses.iter().filter(|s| **s == 409).count(),
        7,
        "{statuses:?}"
    );
    let after = app.wallet(user.personal_tenant_id).await;
    after.assert_consistent();
    assert_eq!(after.balance, before.balance - 10);
    assert_eq!(after.ledger_rows, before.ledger_rows + 1);
}

async fn project_names(app: &TestApp, user: &TestUser) -> Vec<String> {
    let list = app.get(PROJECTS, &user.access_token).await;
    list.assert_status(200);
    list.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["name"].as_str().unwrap().to_owned())
        .collect()
}

async fn uninstalling_closes_the_app_keeps_its_rows_and_a_reinstall_restores_them(
    backend: Backend,
) {
    let app = spawn(backend).await;
    let user = app.register_user().await;
    app.post(PROJECTS, &user.access_token, json!({ "name": "Kept" }))
        .await
        .assert_status(201);
    assert_eq!(project_names(&app, &user).await, ["Kept"]);

    // Uninstalled: refused at once, though the gate had let this caller through a moment ago.
    let path = apps_path(&user, "project-manager");
    let gone = app.delete(&path, &user.access_token).await;
    gone.assert_status(200);
    assert_eq!(gone.body["installed"], false);
    assert!(gone.body["purgeAfter"].is_string());
    app.get(PROJECTS, &user.access_token)
        .await
        .assert_error(404, "app_not_installed");
    app.post(PROJECTS, &user.access_token, json!({ "name": "No" }))
        .await
        .assert_error(404, "app_not_installed");
    app.delete(&path, &user.access_token)
        .await
        .assert_error(409, "not_installed");

    // Reinstalled within the retention: the rows are back.
    app.post(&path, &user.access_token, json!({}))
        .await
        .assert_status(200);
    assert_eq!(project_names(&app, &user).await, ["Kept"]);

    // Purged on request: a reinstall starts empty.
    let purged = app
        .delete(&format!("{path}?purge=true"), &user.access_token)
        .await;
    purged.assert_status(200);
    assert!(purged.body["purgeAfter"].is_null());
    app.post(&path, &user.access_token, json!({}))
        .await
        .assert_status(200);
    assert!(project_names(&app, &user).await.is_empty());

    // Kept past the retention: the billing cycle purges it.
    app.post(PROJECTS, &user.access_token, json!({ "name": "Expires" }))
        .await
        .assert_status(201);
    app.delete(&path, &user.access_token)
        .await
        .assert_status(200);
    let early = app
        .kernel
        .run_billing(Utc::now() + Duration::days(29))
        .await
        .unwrap();
    assert_eq!(early.apps_purged, 0);
    let late = app
        .kernel
        .run_billing(Utc::now() + Duration::days(31))
        .await
        .unwrap();
    assert_eq!(late.apps_purged, 1);
    app.post(&path, &user.access_token, json!({}))
        .await
        .assert_status(200);
    assert!(project_names(&app, &user).await.is_empty());
    app.wallet(user.personal_tenant_id)
        .await
        .assert_consistent();

    // Each change is in the tenant's audit log.
    let audit = app
        .get(
            &format!(
                "/api/tenants/{}/audit?action=app.uninstalled",
                user.personal_tenant_id
            ),
            &user.access_token,
        )
        .await;
    assert_eq!(
        audit.body["items"].as_array().unwrap().len(),
        3,
        "{}",
        audit.body
    );
}

async fn only_owners_and_admins_manage_a_tenants_apps(backend: Backend) {
    let app = spawn(backend).await;
    let owner = app.register_user().await;
    let member = app.register_user().await;
    let team = app
        .post(
            "/api/tenants",
            &owner.access_token,
            json!({ "name": "Team" }),
        )
        .await
        .body["id"]
        .as_str()
        .unwrap()
        .to_owned();
    app.post(
        &format!("/api/tenants/{team}/members"),
        &owner.access_token,
        json!({ "email": member.email, "role": "member" }),
    )
    .await
    .assert_status(201);
    let path = format!("/api/tenants/{team}/apps/paid-reports");
    app.post(&path, &member.access_token, json!({}))
        .await
        .assert_error(403, "forbidden");
    app.delete(
        &format!("/api/tenants/{team}/apps/project-manager"),
        &member.access_token,
    )
    .await
    .assert_error(403, "forbidden");
    app.put(
        &format!("/api/tenants/{team}/beta-apps"),
        &member.access_token,
        json!({ "enabled": true }),
    )
    .await
    .assert_error(403, "forbidden");
    // Another tenant's apps are not there at all.
    let stranger = app.register_user().await;
    app.post(&path, &stranger.access_token, json!({}))
        .await
        .assert_status(404);
    // The owner may: the team's wallet is empty, so the paid app is refused for want of credits,
    // and the free one is uninstalled.
    app.post(&path, &owner.access_token, json!({}))
        .await
        .assert_error(402, "insufficient_credits");
    app.delete(
        &format!("/api/tenants/{team}/apps/project-manager"),
        &owner.access_token,
    )
    .await
    .assert_status(200);
}

async fn publishing_decides_whom_an_app_is_offered_to(backend: Backend) {
    let app = spawn(backend).await;
    let admin = app.admin().await;
    let user = app.register_user().await;
    let publish = |visibility: &'static str| {
        let app = &app;
        let admin = &admin;
        async move {
            let published = app
                .post(
                    "/api/admin/apps/project-manager/publish",
                    &admin.access_token,
                    json!({ "visibility": visibility }),
                )
                .await;
            published.assert_status(200);
            assert_eq!(published.body["visibility"], visibility);
            assert_eq!(published.body["versions"], json!(["1.0.0"]));
        }
    };
    app.get(PROJECTS, &user.access_token)
        .await
        .assert_status(200);

    publish("private").await;
    let catalogue = app.get("/api/catalogue", &user.access_token).await.body;
    assert!(find(&catalogue, "project-manager").is_none());
    app.get(PROJECTS, &user.access_token)
        .await
        .assert_error(404, "not_found");
    let catalogue = app.get("/api/catalogue", &admin.access_token).await.body;
    assert!(
        find(&catalogue, "project-manager").is_some(),
        "administrators see private apps"
    );

    publish("beta").await;
    app.get(PROJECTS, &user.access_token)
        .await
        .assert_error(404, "not_found");
    app.put(
        &format!("/api/tenants/{}/beta-apps", user.personal_tenant_id),
        &user.access_token,
        json!({ "enabled": true }),
    )
    .await
    .assert_status(204);
    app.get(PROJECTS, &user.access_token)
        .await
        .assert_status(200);

    publish("public").await;
    let stranger = app.register_user().await;
    app.get(PROJECTS, &stranger.access_token)
        .await
        .assert_status(200);

    // Only administrators publish, and only what exists, to a known audience.
    app.post(
        "/api/admin/apps/project-manager/publish",
        &user.access_token,
        json!({ "visibility": "private" }),
    )
    .await
    .assert_error(403, "forbidden");
    app.post(
        "/api/admin/apps/no-such-app/publish",
        &admin.access_token,
        json!({ "visibility": "public" }),
    )
    .await
    .assert_status(404);
    app.post(
        "/api/admin/apps/project-manager/publish",
        &admin.access_token,
        json!({ "visibility": "everyone" }),
    )
    .await
    .assert_status(422);
}

const PAID_V2: Manifest = Manifest {
    version: "2.0.0",
    ..PAID
};

async fn an_older_app_is_refused_on_a_database_that_ran_a_newer_one(backend: Backend) {
    let app =
        TestApp::spawn_with_apps(backend, vec![Arc::new(PaidReports(&PAID_V2))], |_| {}).await;
    let database = lumiku_testkit::TestDatabase::create(backend).await;
    let mut config = test_config(&database);
    config.database_url = Some(app.database_url().to_owned());
    let error = lumiku_server::Server::build(config, vec![Arc::new(PaidReports(&PAID))])
        .await
        .err()
        .expect("an older app must not start")
        .to_string();
    assert!(error.contains("downgrade"), "{error}");
    // The newer one still starts.
    let sibling = app
        .spawn_sibling(vec![Arc::new(PaidReports(&PAID_V2))])
        .await;
    drop(sibling);
}

/// `/metrics` counts an install's charge with the metered actions (the action `install`).
async fn an_install_charge_is_counted_in_the_metrics(backend: Backend) {
    const TOKEN: &str = "metrics-token-for-the-install-test";
    let app = TestApp::spawn_with_apps(backend, vec![Arc::new(PaidReports(&PAID))], |config| {
        config.metrics_token = Some(lumiku_server::config::Secret::from(TOKEN.to_owned()));
    })
    .await;
    let user = app.register_user().await;
    app.post(
        &apps_path(&user, "paid-reports"),
        &user.access_token,
        json!({}),
    )
    .await
    .assert_status(200);
    let scraped = app.get("/metrics", TOKEN).await;
    scraped.assert_status(200);
    // Both backends' runs share the process's recorder: at least this test's charge.
    let charged: f64 = scraped
        .text
        .lines()
        .filter(|line| {
            line.starts_with("lumiku_credits_charged_total{")
                && line.contains("app=\"paid-reports\"")
                && line.contains("action=\"install\"")
        })
        .filter_map(|line| line.rsplit_once(' ')?.1.parse::<f64>().ok())
        .sum();
    assert!(charged >= 10.0, "{}", scraped.text);
}
