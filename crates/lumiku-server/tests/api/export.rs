//! `GET /api/tenants/{id}/export`: an owner gets the tenant's core data and every app's rows, as
//! the same JSON on both backends, with no secret and nothing of another tenant; nobody else gets
//! it; the export is audited.

use lumiku_testkit::{Backend, TestApp, backend_tests};
use reqwest::Method;
use serde_json::json;

backend_tests!(
    an_owner_exports_the_tenant_and_nothing_else,
    only_owners_export,
    every_core_table_with_a_tenant_is_exported_or_left_out_for_a_reason,
);

async fn an_owner_exports_the_tenant_and_nothing_else(backend: Backend) {
    let app = TestApp::spawn_with_apps(backend, vec![project_manager::app()], |_| {}).await;
    let owner = app.register_user().await;
    let other = app.register_user().await;
    let tenant = owner.personal_tenant_id;

    let project = app
        .post(
            "/api/apps/project-manager/projects",
            &owner.access_token,
            json!({ "name": "Exported", "dueDate": "2027-01-31T09:30:00Z" }),
        )
        .await;
    project.assert_status(201);
    let project_id = project.body["project"]["id"].as_str().unwrap().to_owned();
    app.post(
        &format!("/api/apps/project-manager/projects/{project_id}/tasks"),
        &owner.access_token,
        json!({ "title": "Ship it", "priority": "high" }),
    )
    .await
    .assert_status(201);
    let key = app
        .post(
            &format!("/api/tenants/{tenant}/api-keys"),
            &owner.access_token,
            json!({ "name": "exporter", "scope": "read" }),
        )
        .await;
    key.assert_status(201);
    let secret = key.body["key"].as_str().unwrap().to_owned();
    let foreign = app
        .post(
            "/api/apps/project-manager/projects",
            &other.access_token,
            json!({ "name": "Someone else's" }),
        )
        .await;
    foreign.assert_status(201);
    let foreign_id = foreign.body["project"]["id"].as_str().unwrap().to_owned();

    let export = app
        .get(
            &format!("/api/tenants/{tenant}/export"),
            &owner.access_token,
        )
        .await;
    export.assert_status(200);
    let disposition = export.headers["content-disposition"].to_str().unwrap();
    assert!(
        disposition.starts_with(&format!("attachment; filename=\"lumiku-tenant-{tenant}-")),
        "{disposition}"
    );
    let body = &export.body;
    assert_eq!(body["format"], "lumiku.tenant-export");
    assert_eq!(body["version"], 1);
    assert_eq!(body["tenant"]["id"], tenant.to_string());
    assert_eq!(body["people"][0]["email"], owner.email.as_str());

    // The core: the wallet and its ledger, the key without its hash.
    let core = &body["core"];
    let wallet = &core["wallets"][0];
    assert_eq!(wallet["balance_credits"], 100 - 5 - 1, "{wallet}");
    let ledger = core["ledger_entries"].as_array().unwrap();
    assert_eq!(ledger.len(), 3, "bonus, project, task: {ledger:?}");
    assert!(
        ledger
            .iter()
            .all(|row| row["tenant_id"] == tenant.to_string())
    );
    let keys = core["api_keys"].as_array().unwrap();
    assert_eq!(keys.len(), 1);
    assert_eq!(keys[0]["name"], "exporter");
    assert!(keys[0].get("secret_hash").is_none(), "{}", keys[0]);
    assert!(
        !export.text.contains(&secret[secret.len() - 12..]),
        "the key's secret is in the export"
    );

    // The app's rows, typed the same on both backends.
    let projects = body["apps"]["project-manager"]["project_manager_projects"]
        .as_array()
        .unwrap();
    assert_eq!(projects.len(), 1, "{projects:?}");
    let exported = &projects[0];
    assert_eq!(exported["id"], project_id.as_str());
    assert_eq!(exported["name"], "Exported");
    assert_eq!(exported["due_date"], "2027-01-31T09:30:00+00:00");
    assert_eq!(exported["status"], "active");
    let tasks = &body["apps"]["project-manager"]["project_manager_tasks"];
    assert_eq!(tasks[0]["title"], "Ship it");
    assert_eq!(tasks[0]["completed"], false);
    assert_eq!(tasks[0]["project_id"], project_id.as_str());
    let created = exported["created_at"].as_str().unwrap();
    chrono::DateTime::parse_from_rfc3339(created).unwrap();
    // Usage metadata is a JSON document, exported as its text on both backends.
    let usage = core["app_usage"].as_array().unwrap();
    assert_eq!(usage.len(), 2);
    assert!(
        usage.iter().all(|row| row["metadata"].is_string()),
        "{usage:?}"
    );

    // Nothing of the other tenant.
    assert!(!export.text.contains(&foreign_id));
    assert!(!export.text.contains(&other.personal_tenant_id.to_string()));
    assert!(!export.text.contains(&other.email));

    // Audited.
    let audit = app
        .get(&format!("/api/tenants/{tenant}/audit"), &owner.access_token)
        .await;
    audit.assert_status(200);
    assert!(
        audit.body["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|event| event["action"] == "tenant.exported"),
        "{}",
        audit.body
    );
}

async fn only_owners_export(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let owner = app.register_user().await;
    let admin = app.register_user().await;
    let viewer = app.register_user().await;
    let outsider = app.register_user().await;
    let team = app
        .team(&owner, &[(&admin, "admin"), (&viewer, "viewer")])
        .await;
    let path = format!("/api/tenants/{team}/export");
    app.get(&path, &admin.access_token)
        .await
        .assert_error(403, "forbidden");
    app.get(&path, &viewer.access_token)
        .await
        .assert_error(403, "forbidden");
    app.get(&path, &outsider.access_token)
        .await
        .assert_status(404);
    app.call(Method::GET, &path, None, None)
        .await
        .assert_status(401);
    // An API key acts for its tenant, never as its owner.
    let key = app
        .post(
            &format!("/api/tenants/{team}/api-keys"),
            &owner.access_token,
            json!({ "name": "admin key", "scope": "admin" }),
        )
        .await;
    key.assert_status(201);
    let refused = app.get(&path, key.body["key"].as_str().unwrap()).await;
    assert!(
        matches!(refused.status, 403),
        "{} {}",
        refused.status,
        refused.body
    );
    let export = app.get(&path, &owner.access_token).await;
    export.assert_status(200);
    // Three people, and the key's service identity.
    let people = export.body["people"].as_array().unwrap();
    assert_eq!(
        people.iter().filter(|p| p["kind"] == "person").count(),
        3,
        "{people:?}"
    );
    assert_eq!(people.len(), 4, "{people:?}");
    let members = export.body["core"]["tenant_members"].as_array().unwrap();
    assert_eq!(members.len(), 4);
}

/// A new core table with a `tenant_id` must be added to the export, or to the list of what it
/// leaves out (with the reason); a new column that looks like a secret must be hidden.
async fn every_core_table_with_a_tenant_is_exported_or_left_out_for_a_reason(backend: Backend) {
    let app = TestApp::spawn_with_apps(backend, vec![project_manager::app()], |_| {}).await;
    let user = app.register_user().await;
    let mut tx = app
        .kernel
        .db()
        .begin_tenant_read(user.personal_tenant_id)
        .await
        .unwrap();
    let tables = lumiku_store::export::tenant_tables(&mut tx, "")
        .await
        .unwrap();
    // No column that looks like a secret goes out unless it was looked at and left in.
    let secret = ["hash", "secret", "token", "password", "signature"];
    for (table, hidden) in lumiku_kernel::export::core_tables() {
        for column in lumiku_store::export::table_columns(&mut tx, table)
            .await
            .unwrap()
        {
            let suspicious = secret.iter().any(|word| column.contains(word));
            assert!(
                !suspicious || hidden.contains(&column.as_str()),
                "{table}.{column} would be exported: hide it, or rename it if it is no secret"
            );
        }
    }
    tx.commit().await.unwrap();
    let exported: Vec<&str> = lumiku_kernel::export::core_tables()
        .map(|(table, _)| table)
        .collect();
    let left_out: Vec<&str> = lumiku_kernel::export::NOT_EXPORTED
        .iter()
        .map(|(table, _)| *table)
        .collect();
    for table in &tables {
        if table.starts_with("project_manager_") {
            continue;
        }
        assert!(
            exported.contains(&table.as_str()) || left_out.contains(&table.as_str()),
            "{table} has a tenant_id but is neither exported nor left out"
        );
    }
    for table in exported.iter().chain(&left_out) {
        assert!(
            tables.iter().any(|t| t == table),
            "{table} is listed but has no tenant_id column"
        );
    }
}
