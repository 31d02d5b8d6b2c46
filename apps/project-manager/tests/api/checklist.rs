use lumiku_testkit::{Backend, TestApp, TestResponse, TestUser, backend_tests};
use reqwest::Method;
use serde_json::{Value, json};

backend_tests!(
    each_write_charges_its_manifest_cost_and_answers_the_balance,
    reads_charge_nothing,
    a_short_wallet_gets_402_and_nothing_is_written,
    a_write_records_usage_ledger_and_app_counters,
    a_failure_after_the_debit_rolls_everything_back,
    requests_without_a_token_get_401,
    a_viewer_reads_but_cannot_write,
    another_tenants_project_is_404_and_costs_nothing,
    invalid_fields_get_422_and_cost_nothing,
    a_retried_request_with_one_idempotency_key_charges_once,
);

const BASE: &str = "/api/apps/project-manager";

async fn spawn(backend: Backend) -> TestApp {
    TestApp::spawn_with_apps(backend, vec![project_manager::app()], |_| {}).await
}

async fn spawn_with_bonus(backend: Backend, bonus: i64) -> TestApp {
    TestApp::spawn_with_apps(backend, vec![project_manager::app()], |c| {
        c.welcome_bonus_credits = bonus
    })
    .await
}

async fn balance(app: &TestApp, user: &TestUser) -> i64 {
    app.get("/api/credits/balance", &user.access_token)
        .await
        .body["balance"]
        .as_i64()
        .unwrap()
}

async fn create_project(app: &TestApp, user: &TestUser, name: &str) -> TestResponse {
    app.post(
        &format!("{BASE}/projects"),
        &user.access_token,
        json!({ "name": name }),
    )
    .await
}

fn id(body: &Value, key: &str) -> String {
    body[key]["id"].as_str().unwrap().to_owned()
}

async fn each_write_charges_its_manifest_cost_and_answers_the_balance(backend: Backend) {
    let app = spawn(backend).await;
    let user = app.register_user().await;
    assert_eq!(balance(&app, &user).await, 100, "the welcome bonus");

    let created = create_project(&app, &user, "Launch").await;
    created.assert_status(201);
    assert_eq!(
        (
            created.body["creditUsed"].as_i64(),
            created.body["creditBalance"].as_i64()
        ),
        (Some(5), Some(95))
    );
    assert_eq!(created.body["project"]["name"], "Launch");
    assert_eq!(created.body["project"]["status"], "active");
    let project = id(&created.body, "project");

    let steps: Vec<(Method, String, Option<Value>, u16, i64)> = vec![
        (
            Method::PUT,
            format!("{BASE}/projects/{project}"),
            Some(json!({ "status": "completed" })),
            200,
            2,
        ),
        (
            Method::POST,
            format!("{BASE}/projects/{project}/tasks"),
            Some(json!({ "title": "Write docs", "priority": "high" })),
            201,
            1,
        ),
    ];
    let mut expected = 95;
    let mut task = String::new();
    for (method, path, body, status, cost) in steps {
        let response = app
            .call(method.clone(), &path, Some(&user.access_token), body)
            .await;
        response.assert_status(status);
        expected -= cost;
        assert_eq!(response.body["creditUsed"], cost, "{method} {path}");
        assert_eq!(response.body["creditBalance"], expected, "{method} {path}");
        if let Some(t) = response.body["task"]["id"].as_str() {
            task = t.to_owned();
        }
    }
    let updated = app
        .call(
            Method::PUT,
            &format!("{BASE}/tasks/{task}"),
            Some(&user.access_token),
            Some(json!({ "completed": true })),
        )
        .await;
    updated.assert_status(200);
    assert_eq!(updated.body["task"]["completed"], true);
    assert_eq!(updated.body["creditBalance"], 91);
    app.delete(&format!("{BASE}/tasks/{task}"), &user.access_token)
        .await
        .assert_status(200);
    let deleted = app
        .delete(&format!("{BASE}/projects/{project}"), &user.access_token)
        .await;
    deleted.assert_status(200);
    assert_eq!(deleted.body["creditUsed"], 1);
    assert_eq!(deleted.body["creditBalance"], 89);
    assert_eq!(balance(&app, &user).await, 89);
    app.wallet(user.personal_tenant_id)
        .await
        .assert_consistent();
    app.get(&format!("{BASE}/projects/{project}"), &user.access_token)
        .await
        .assert_error(404, "not_found");
}

async fn reads_charge_nothing(backend: Backend) {
    let app = spawn(backend).await;
    let user = app.register_user().await;
    let project = id(
        &create_project(&app, &user, "Read me").await.body,
        "project",
    );
    app.post(
        &format!("{BASE}/projects/{project}/tasks"),
        &user.access_token,
        json!({ "title": "t" }),
    )
    .await
    .assert_status(201);
    let before = app.wallet(user.personal_tenant_id).await;

    let list = app
        .get(&format!("{BASE}/projects"), &user.access_token)
        .await;
    list.assert_status(200);
    assert_eq!(list.body["items"][0]["tasks"][0]["title"], "t");
    let one = app
        .get(&format!("{BASE}/projects/{project}"), &user.access_token)
        .await;
    assert_eq!(one.body["project"]["tasks"].as_array().unwrap().len(), 1);
    let stats = app.get(&format!("{BASE}/stats"), &user.access_token).await;
    assert_eq!(
        stats.body["stats"],
        json!({
            "totalProjects": 1, "activeProjects": 1, "completedProjects": 0, "archivedProjects": 0,
            "totalTasks": 1, "completedTasks": 0,
        })
    );
    assert!(list.body.get("creditUsed").is_none());
    assert_eq!(app.wallet(user.personal_tenant_id).await, before);
}

async fn a_short_wallet_gets_402_and_nothing_is_written(backend: Backend) {
    let app = spawn_with_bonus(backend, 4).await;
    let user = app.register_user().await;
    let before = app.wallet(user.personal_tenant_id).await;
    let refused = create_project(&app, &user, "Too expensive").await;
    refused.assert_error(402, "insufficient_credits");
    assert_eq!(refused.body["error"]["required"], 5);
    assert_eq!(refused.body["error"]["current"], 4);
    assert_eq!(app.wallet(user.personal_tenant_id).await, before);
    let list = app
        .get(&format!("{BASE}/projects"), &user.access_token)
        .await;
    assert_eq!(list.body["items"], json!([]));
    let usage = app.get("/api/credits/usage", &user.access_token).await;
    assert_eq!(usage.body["totals"], json!([]));
}

async fn a_write_records_usage_ledger_and_app_counters(backend: Backend) {
    let app = spawn(backend).await;
    let admin = app.admin().await;
    let user = app.register_user().await;
    create_project(&app, &user, "Counted")
        .await
        .assert_status(201);
    create_project(&app, &user, "Counted too")
        .await
        .assert_status(201);
    let other = app.register_user().await;
    create_project(&app, &other, "Someone else's")
        .await
        .assert_status(201);

    let usage = app.get("/api/credits/usage", &user.access_token).await;
    assert_eq!(
        usage.body["totals"],
        json!([{ "appId": "project-manager", "action": "createProject", "count": 2, "credits": 10 }])
    );
    let history = app.get("/api/credits/history", &user.access_token).await;
    let newest = &history.body["items"][0];
    assert_eq!(newest["kind"], "usage");
    assert_eq!(newest["amountCredits"], -5);
    assert_eq!(newest["balanceAfterCredits"], 90);
    assert_eq!(newest["referenceType"], "app_usage");
    assert_eq!(newest["description"], "project-manager: createProject");
    let oldest = history.body["items"]
        .as_array()
        .unwrap()
        .last()
        .unwrap()
        .clone();
    assert_eq!(oldest["kind"], "bonus");
    assert_eq!(oldest["amountCredits"], 100);

    let apps = app.get("/api/apps", &user.access_token).await;
    let card = &apps.body["items"][0];
    assert_eq!(card["appId"], "project-manager");
    assert_eq!(card["credits"]["createProject"], 5);
    assert_eq!(card["usage"], json!({ "actions": 2, "creditsSpent": 10 }));
    let registry = app.get("/api/admin/apps", &admin.access_token).await;
    registry.assert_status(200);
    assert_eq!(registry.body["items"][0]["totalUsage"], 3);
    assert_eq!(registry.body["items"][0]["activeUsers"], 2);
}

async fn a_failure_after_the_debit_rolls_everything_back(backend: Backend) {
    let app = spawn(backend).await;
    let admin = app.admin().await;
    let user = app.register_user().await;
    create_project(&app, &user, "Counted")
        .await
        .assert_status(201);
    // Make the usage's ledger row, written last (after the debit, the app's own write, the usage
    // row and the running totals), fail.
    match backend {
        Backend::Sqlite => {
            app.execute_sql(
                "create trigger fail_create_project before insert on ledger_entries when new.kind = 'usage' \
                 begin select raise(abort, 'injected failure'); end;",
            )
            .await
        }
        Backend::Postgres => {
            app.execute_sql(
                "create function fail_create_project() returns trigger language plpgsql as \
                 $$ begin raise exception 'injected failure'; end $$; \
                 create trigger fail_create_project before insert on ledger_entries for each row \
                 when (new.kind = 'usage') execute function fail_create_project();",
            )
            .await
        }
    }
    let before = app.wallet(user.personal_tenant_id).await;
    let registry_before = app.get("/api/admin/apps", &admin.access_token).await.body;
    let cards_before = app.get("/api/apps", &user.access_token).await.body;
    assert_eq!(
        cards_before["items"][0]["usage"],
        json!({ "actions": 1, "creditsSpent": 5 })
    );

    let failed = create_project(&app, &user, "Doomed").await;
    failed.assert_error(500, "internal_error");
    assert!(
        !failed.text.contains("injected"),
        "internal detail leaked: {}",
        failed.text
    );

    assert_eq!(
        app.wallet(user.personal_tenant_id).await,
        before,
        "the debit was not rolled back"
    );
    let list = app
        .get(&format!("{BASE}/projects"), &user.access_token)
        .await;
    let names: Vec<&str> = list.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["Counted"], "the app's write was not rolled back");
    assert_eq!(
        app.get("/api/admin/apps", &admin.access_token).await.body,
        registry_before
    );
    assert_eq!(
        app.get("/api/apps", &user.access_token).await.body,
        cards_before,
        "the running totals were not rolled back"
    );
    // Other actions on the same wallet still go through and are charged.
    let task_free_project = app
        .post(
            &format!("{BASE}/projects/00000000-0000-0000-0000-000000000000/tasks"),
            &user.access_token,
            json!({ "title": "t" }),
        )
        .await;
    task_free_project.assert_error(404, "not_found");
    app.wallet(user.personal_tenant_id)
        .await
        .assert_consistent();
}

async fn requests_without_a_token_get_401(backend: Backend) {
    let app = spawn(backend).await;
    for (method, path) in [
        (Method::GET, format!("{BASE}/projects")),
        (Method::POST, format!("{BASE}/projects")),
        (Method::GET, format!("{BASE}/stats")),
    ] {
        let response = app
            .call(method.clone(), &path, None, Some(json!({ "name": "x" })))
            .await;
        response.assert_error(401, "missing_token");
    }
    app.call(
        Method::GET,
        &format!("{BASE}/projects"),
        Some("forged.token.value"),
        None,
    )
    .await
    .assert_error(401, "invalid_token");
}

async fn a_viewer_reads_but_cannot_write(backend: Backend) {
    let app = spawn(backend).await;
    let owner = app.register_user().await;
    let viewer = app.register_user().await;
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
        json!({ "email": viewer.email, "role": "viewer" }),
    )
    .await
    .assert_status(201);
    let as_viewer = |method: Method, path: String, body: Option<Value>| {
        let mut request = app
            .request(method, &path)
            .bearer_auth(&viewer.access_token)
            .header("x-tenant-id", team.as_str());
        if let Some(body) = body {
            request = request.json(&body);
        }
        request
    };
    let read = TestResponse::from(
        as_viewer(Method::GET, format!("{BASE}/projects"), None)
            .send()
            .await
            .unwrap(),
    )
    .await;
    read.assert_status(200);
    let write = TestResponse::from(
        as_viewer(
            Method::POST,
            format!("{BASE}/projects"),
            Some(json!({ "name": "Nope" })),
        )
        .send()
        .await
        .unwrap(),
    )
    .await;
    write.assert_error(403, "forbidden");
    // In their own personal tenant the same person writes.
    create_project(&app, &viewer, "Mine")
        .await
        .assert_status(201);
}

async fn another_tenants_project_is_404_and_costs_nothing(backend: Backend) {
    let app = spawn(backend).await;
    let ana = app.register_user().await;
    let budi = app.register_user().await;
    let project = id(&create_project(&app, &ana, "Ana's").await.body, "project");
    let budi_before = app.wallet(budi.personal_tenant_id).await;
    let token = &budi.access_token;
    app.get(&format!("{BASE}/projects/{project}"), token)
        .await
        .assert_error(404, "not_found");
    app.call(
        Method::PUT,
        &format!("{BASE}/projects/{project}"),
        Some(token),
        Some(json!({ "name": "Mine now" })),
    )
    .await
    .assert_error(404, "not_found");
    app.delete(&format!("{BASE}/projects/{project}"), token)
        .await
        .assert_error(404, "not_found");
    app.post(
        &format!("{BASE}/projects/{project}/tasks"),
        token,
        json!({ "title": "sneaky" }),
    )
    .await
    .assert_error(404, "not_found");
    assert_eq!(
        app.get(&format!("{BASE}/projects"), token).await.body["items"],
        json!([])
    );
    assert_eq!(
        app.wallet(budi.personal_tenant_id).await,
        budi_before,
        "a refused action was charged"
    );
    let still = app
        .get(&format!("{BASE}/projects/{project}"), &ana.access_token)
        .await;
    assert_eq!(still.body["project"]["name"], "Ana's");
    assert_eq!(still.body["project"]["tasks"], json!([]));
}

async fn invalid_fields_get_422_and_cost_nothing(backend: Backend) {
    let app = spawn(backend).await;
    let user = app.register_user().await;
    let project = id(&create_project(&app, &user, "Valid").await.body, "project");
    let before = app.wallet(user.personal_tenant_id).await;
    let cases = [
        (
            Method::POST,
            format!("{BASE}/projects"),
            json!({ "name": "" }),
            "name",
        ),
        (
            Method::POST,
            format!("{BASE}/projects"),
            json!({ "name": "x", "status": "paused" }),
            "status",
        ),
        (
            Method::POST,
            format!("{BASE}/projects"),
            json!({ "name": "x", "description": "d".repeat(2001) }),
            "description",
        ),
        (
            Method::PUT,
            format!("{BASE}/projects/{project}"),
            json!({ "name": "  " }),
            "name",
        ),
        (
            Method::POST,
            format!("{BASE}/projects/{project}/tasks"),
            json!({ "title": "" }),
            "title",
        ),
        (
            Method::POST,
            format!("{BASE}/projects/{project}/tasks"),
            json!({ "title": "t", "priority": "urgent" }),
            "priority",
        ),
    ];
    for (method, path, body, field) in cases {
        let response = app
            .call(method.clone(), &path, Some(&user.access_token), Some(body))
            .await;
        assert_eq!(response.status, 422, "{method} {path}: {}", response.text);
        assert!(
            response.body["error"]["fields"][field].is_array(),
            "{method} {path}: {}",
            response.text
        );
    }
    app.call(
        Method::POST,
        &format!("{BASE}/projects"),
        Some(&user.access_token),
        Some(json!({ "name": "x", "dueDate": "tomorrow" })),
    )
    .await
    .assert_error(422, "invalid_body");
    assert_eq!(app.wallet(user.personal_tenant_id).await, before);
}

async fn a_retried_request_with_one_idempotency_key_charges_once(backend: Backend) {
    let app = spawn(backend).await;
    let user = app.register_user().await;
    let send = |key: &str, name: &str| {
        app.request(Method::POST, &format!("{BASE}/projects"))
            .bearer_auth(&user.access_token)
            .header("idempotency-key", key)
            .json(&json!({ "name": name }))
    };
    let first = TestResponse::from(send("key-1", "Once").send().await.unwrap()).await;
    first.assert_status(201);
    let retry = TestResponse::from(send("key-1", "Once").send().await.unwrap()).await;
    retry.assert_status(201);
    assert_eq!(
        retry.body, first.body,
        "a retry must return the first answer"
    );
    assert_eq!(retry.headers["idempotent-replayed"], "true");
    assert_eq!(balance(&app, &user).await, 95);
    let list = app
        .get(&format!("{BASE}/projects"), &user.access_token)
        .await;
    assert_eq!(list.body["items"].as_array().unwrap().len(), 1);

    let different = TestResponse::from(send("key-1", "Something else").send().await.unwrap()).await;
    different.assert_error(422, "idempotency_key_reused");
    assert_eq!(balance(&app, &user).await, 95);

    // Keys belong to a tenant: another tenant's identical key is a different request.
    let other = app.register_user().await;
    let theirs = app
        .request(Method::POST, &format!("{BASE}/projects"))
        .bearer_auth(&other.access_token)
        .header("idempotency-key", "key-1")
        .json(&json!({ "name": "Once" }));
    let theirs = TestResponse::from(theirs.send().await.unwrap()).await;
    theirs.assert_status(201);
    assert_ne!(theirs.body["project"]["id"], first.body["project"]["id"]);

    let bad_key = TestResponse::from(send("", "x").send().await.unwrap()).await;
    bad_key.assert_error(400, "invalid_idempotency_key");
}
