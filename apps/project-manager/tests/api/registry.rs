use std::sync::Arc;

use lumiku_plugin::{Manifest, Migration, Plugin};
use lumiku_server::Server;
use lumiku_testkit::{Backend, TestApp, TestDatabase, backend_tests, test_config};
use serde_json::json;
use utoipa_axum::router::OpenApiRouter;

backend_tests!(
    an_admin_disables_and_enables_the_app_at_once,
    the_dashboard_lists_the_app_with_its_costs,
    a_bad_or_duplicate_manifest_stops_the_server_naming_app_and_field,
    the_app_is_in_the_openapi_document,
);

const BASE: &str = "/api/apps/project-manager";

async fn spawn(backend: Backend) -> TestApp {
    TestApp::spawn_with_apps(backend, vec![project_manager::app()], |_| {}).await
}

async fn an_admin_disables_and_enables_the_app_at_once(backend: Backend) {
    let app = spawn(backend).await;
    let admin = app.admin().await;
    let user = app.register_user().await;
    app.get(&format!("{BASE}/projects"), &user.access_token)
        .await
        .assert_status(200);

    app.patch(
        "/api/admin/apps/project-manager",
        &user.access_token,
        json!({ "enabled": false }),
    )
    .await
    .assert_error(403, "forbidden");
    let disabled = app
        .patch(
            "/api/admin/apps/project-manager",
            &admin.access_token,
            json!({ "enabled": false }),
        )
        .await;
    disabled.assert_status(200);
    assert_eq!(disabled.body["enabled"], false);
    app.get(&format!("{BASE}/projects"), &user.access_token)
        .await
        .assert_error(404, "not_found");
    let before = app.wallet(user.personal_tenant_id).await;
    app.post(
        &format!("{BASE}/projects"),
        &user.access_token,
        json!({ "name": "x" }),
    )
    .await
    .assert_error(404, "not_found");
    assert_eq!(app.wallet(user.personal_tenant_id).await, before);
    assert_eq!(
        app.get("/api/apps", &user.access_token).await.body["items"],
        json!([])
    );

    app.patch(
        "/api/admin/apps/project-manager",
        &admin.access_token,
        json!({ "enabled": true, "beta": true }),
    )
    .await
    .assert_status(200);
    app.get(&format!("{BASE}/projects"), &user.access_token)
        .await
        .assert_status(200);
    assert_eq!(
        app.get("/api/apps", &user.access_token).await.body["items"][0]["beta"],
        true
    );

    app.patch(
        "/api/admin/apps/project-manager",
        &admin.access_token,
        json!({ "comingSoon": true }),
    )
    .await
    .assert_status(200);
    app.get(&format!("{BASE}/projects"), &user.access_token)
        .await
        .assert_error(403, "app_coming_soon");
    app.patch(
        "/api/admin/apps/no-such-app",
        &admin.access_token,
        json!({ "enabled": true }),
    )
    .await
    .assert_error(404, "not_found");
    // The change is audited.
    let log = app
        .get(
            &format!(
                "/api/tenants/{}/audit?action=app.updated",
                admin.personal_tenant_id
            ),
            &admin.access_token,
        )
        .await;
    assert_eq!(log.body["items"].as_array().unwrap().len(), 3);
}

async fn the_dashboard_lists_the_app_with_its_costs(backend: Backend) {
    let app = spawn(backend).await;
    let user = app.register_user().await;
    let list = app.get("/api/apps", &user.access_token).await;
    list.assert_status(200);
    let card = &list.body["items"][0];
    assert_eq!(card["name"], "Project Manager");
    assert_eq!(card["icon"], "target");
    assert_eq!(card["color"], "blue");
    assert_eq!(card["routePrefix"], BASE);
    assert_eq!(
        card["credits"],
        json!({ "createProject": 5, "updateProject": 2, "deleteProject": 1, "addTask": 1, "updateTask": 1, "deleteTask": 1 })
    );
    assert_eq!(card["statsEndpoint"], format!("{BASE}/stats"));
    assert_eq!(card["usage"], json!({ "actions": 0, "creditsSpent": 0 }));
}

struct Broken(&'static Manifest);

impl Plugin for Broken {
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

async fn a_bad_or_duplicate_manifest_stops_the_server_naming_app_and_field(backend: Backend) {
    static BAD: Manifest = Manifest {
        version: "one",
        ..project_manager::MANIFEST
    };
    let database = TestDatabase::create(backend).await;
    let error = Server::build(
        test_config(&database),
        vec![project_manager::app(), Arc::new(Broken(&BAD))],
    )
    .await
    .err()
    .expect("a bad manifest must stop the server")
    .to_string();
    assert!(
        error.contains("project-manager") && error.contains("version"),
        "{error}"
    );

    let error = Server::build(
        test_config(&database),
        vec![project_manager::app(), project_manager::app()],
    )
    .await
    .err()
    .expect("a duplicate app must stop the server")
    .to_string();
    assert!(error.contains("registered twice"), "{error}");
}

async fn the_app_is_in_the_openapi_document(backend: Backend) {
    let app = spawn(backend).await;
    let doc = app
        .call(reqwest::Method::GET, "/api/openapi.json", None, None)
        .await
        .body;
    for (method, path) in [
        ("get", "/projects"),
        ("post", "/projects"),
        ("get", "/projects/{id}"),
        ("put", "/projects/{id}"),
        ("delete", "/projects/{id}"),
        ("post", "/projects/{id}/tasks"),
        ("put", "/tasks/{id}"),
        ("delete", "/tasks/{id}"),
        ("get", "/stats"),
    ] {
        let full = format!("{BASE}{path}");
        assert!(
            doc["paths"][&full][method].is_object(),
            "{method} {full} missing from the document"
        );
    }
    // A metered route documents its charged answer and the errors every metered route shares.
    let create = &doc["paths"][format!("{BASE}/projects")]["post"];
    let responses = &create["responses"];
    for status in ["401", "402", "403", "404", "409", "422", "429"] {
        assert_eq!(
            responses[status]["content"]["application/json"]["schema"]["$ref"],
            "#/components/schemas/ErrorBody",
            "{status}"
        );
    }
    assert_eq!(create["parameters"][0]["name"], "Idempotency-Key");
    let charged = resolve(
        &doc,
        &responses["201"]["content"]["application/json"]["schema"],
    );
    let parts = charged["allOf"]
        .as_array()
        .expect("the body and the charge");
    let charge = parts
        .iter()
        .map(|p| resolve(&doc, p))
        .find(|p| p["properties"]["creditUsed"].is_object());
    let charge = charge.expect("creditUsed and creditBalance");
    assert_eq!(
        charge["required"],
        serde_json::json!(["creditUsed", "creditBalance"])
    );
    let body = parts
        .iter()
        .map(|p| resolve(&doc, p))
        .find(|p| p["properties"]["project"].is_object());
    assert!(body.is_some(), "the app's body: {charged}");
    // Every reference in the document resolves.
    let mut refs = Vec::new();
    collect_refs(&doc, &mut refs);
    assert!(!refs.is_empty());
    for reference in refs {
        let target = reference
            .trim_start_matches("#/")
            .split('/')
            .fold(&doc, |node, segment| &node[segment]);
        assert!(target.is_object(), "{reference} does not resolve");
    }
}

/// The schema `schema` is or points to.
fn resolve<'a>(doc: &'a serde_json::Value, schema: &'a serde_json::Value) -> &'a serde_json::Value {
    match schema["$ref"].as_str() {
        Some(reference) => {
            &doc["components"]["schemas"][reference.trim_start_matches("#/components/schemas/")]
        }
        None => schema,
    }
}

fn collect_refs(value: &serde_json::Value, out: &mut Vec<String>) {
    match value {
        serde_json::Value::Object(map) => {
            for (key, value) in map {
                match (key.as_str(), value.as_str()) {
                    ("$ref", Some(reference)) => out.push(reference.to_owned()),
                    _ => collect_refs(value, out),
                }
            }
        }
        serde_json::Value::Array(items) => items.iter().for_each(|v| collect_refs(v, out)),
        _ => {}
    }
}
