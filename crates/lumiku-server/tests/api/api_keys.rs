//! Tenant API keys: made by owners and admins and shown once, hashed at rest, scoped (read,
//! write, admin, per app), expiring, revocable at once on every node, audited, acting as a
//! service identity; and the request-rate limits per key and per client address.

use std::sync::Arc;
use std::time::Duration;

use lumiku_plugin::{AppContext, Manifest, Migration, Plugin};
use lumiku_testkit::{Backend, TestApp, TestUser, backend_tests, test_manifest};
use reqwest::Method;
use serde_json::{Value, json};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

backend_tests!(
    a_key_is_shown_once_stored_hashed_listed_and_audited,
    a_key_acts_in_its_tenant_as_its_service_identity,
    scopes_decide_what_a_key_may_do,
    keys_stay_out_of_accounts_and_key_management,
    only_owners_and_admins_manage_keys,
    revoking_a_key_stops_it_at_once_on_every_node,
    an_expired_key_stops_working,
    each_key_has_its_own_rate_limit,
    requests_without_a_credential_are_limited_per_address,
);

const PROJECTS: &str = "/api/apps/project-manager/projects";
const NOTES: Manifest = test_manifest("notes", "/api/apps/notes");

/// The notes (free).
#[utoipa::path(get, path = "/notes", responses((status = 200, description = "Notes", body = String)))]
async fn notes(ctx: AppContext) -> String {
    format!("notes of {}", ctx.tenant_id())
}

struct Notes;

impl Plugin for Notes {
    fn manifest(&self) -> &'static Manifest {
        &NOTES
    }
    fn routes(&self) -> OpenApiRouter {
        OpenApiRouter::new().routes(routes!(notes))
    }
    fn migrations(&self) -> &'static [Migration] {
        &[]
    }
}

fn apps() -> Vec<Arc<dyn Plugin>> {
    vec![project_manager::app(), Arc::new(Notes)]
}

async fn spawn(backend: Backend) -> TestApp {
    TestApp::spawn_with_apps(backend, apps(), |_| {}).await
}

fn keys_path(user: &TestUser) -> String {
    format!("/api/tenants/{}/api-keys", user.personal_tenant_id)
}

/// Makes a key in `user`'s personal tenant; answers the key and its listing.
async fn make_key(app: &TestApp, user: &TestUser, body: Value) -> (String, Value) {
    let made = app.post(&keys_path(user), &user.access_token, body).await;
    made.assert_status(201);
    (
        made.body["key"].as_str().unwrap().to_owned(),
        made.body["apiKey"].clone(),
    )
}

async fn a_key_is_shown_once_stored_hashed_listed_and_audited(backend: Backend) {
    let app = spawn(backend).await;
    let owner = app.register_user().await;
    let (key, listed) = make_key(
        &app,
        &owner,
        json!({ "name": " deploy bot ", "scope": "write" }),
    )
    .await;
    assert!(
        key.starts_with("lk_live_") && key.len() == 8 + 12 + 32,
        "{key}"
    );
    assert_eq!(listed["name"], "deploy bot");
    assert_eq!(listed["scope"], "write");
    assert_eq!(listed["prefix"], &key[..20]);
    assert!(listed["apps"].is_null() && listed["expiresAt"].is_null());
    assert!(listed["lastUsedAt"].is_null() && listed["revokedAt"].is_null());

    // Listed without the key; nothing stored holds it.
    let list = app.get(&keys_path(&owner), &owner.access_token).await;
    list.assert_status(200);
    assert_eq!(list.body["items"].as_array().unwrap().len(), 1);
    assert!(
        !list.text.contains(&key[20..]),
        "the secret is never listed"
    );
    let mut tx = app.kernel.db().begin().await.unwrap();
    let (stored, hash): (String, String) =
        lumiku_plugin::sql::query_as("select public_id, secret_hash from api_keys")
            .fetch_one(&mut tx)
            .await
            .unwrap();
    tx.commit().await.unwrap();
    assert_eq!(format!("lk_live_{stored}"), key[..20]);
    assert_eq!(hash.len(), 64);
    assert!(!hash.contains(&key[20..]) && hash != key);

    // Used: when and from where.
    app.get("/api/credits/balance", &key)
        .await
        .assert_status(200);
    let used = &app.get(&keys_path(&owner), &owner.access_token).await.body["items"][0];
    assert!(used["lastUsedAt"].is_string(), "{used}");
    assert_eq!(used["lastUsedIp"], "127.0.0.1");

    // Made and revoked, in the tenant's audit log.
    let id = listed["id"].as_str().unwrap();
    app.delete(&format!("{}/{id}", keys_path(&owner)), &owner.access_token)
        .await
        .assert_status(200);
    let audit = app
        .get(
            &format!("/api/tenants/{}/audit", owner.personal_tenant_id),
            &owner.access_token,
        )
        .await;
    let actions: Vec<&str> = audit.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["targetId"] == id)
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    assert_eq!(actions, ["api_key.revoked", "api_key.created"]);
    // Revoking twice is a conflict; another tenant's key is none of this one's.
    app.delete(&format!("{}/{id}", keys_path(&owner)), &owner.access_token)
        .await
        .assert_error(409, "api_key_revoked");
    let stranger = app.register_user().await;
    app.delete(
        &format!("{}/{id}", keys_path(&stranger)),
        &stranger.access_token,
    )
    .await
    .assert_error(404, "not_found");
}

async fn a_key_acts_in_its_tenant_as_its_service_identity(backend: Backend) {
    let app = spawn(backend).await;
    let owner = app.register_user().await;
    let (key, listed) = make_key(&app, &owner, json!({ "name": "ci", "scope": "write" })).await;
    let service: uuid::Uuid = listed["userId"].as_str().unwrap().parse().unwrap();

    // No X-Tenant-Id needed: the key's tenant is the one it acts in.
    let created = app.post(PROJECTS, &key, json!({ "name": "From CI" })).await;
    created.assert_status(201);
    let rows = app.usage_rows(owner.personal_tenant_id).await;
    let row = rows.last().unwrap();
    assert_eq!(
        (row.action.as_str(), row.user_id),
        ("createProject", service)
    );
    let mine = app.get(PROJECTS, &owner.access_token).await;
    assert_eq!(mine.body["items"][0]["name"], "From CI");
    let balance = app.get("/api/credits/balance", &key).await;
    assert_eq!(
        balance.body["balance"],
        app.get("/api/credits/balance", &owner.access_token)
            .await
            .body["balance"]
    );

    // Another tenant is out of reach, named or not.
    let stranger = app.register_user().await;
    let other = app
        .request(Method::GET, PROJECTS)
        .bearer_auth(&key)
        .header("x-tenant-id", stranger.personal_tenant_id.to_string())
        .send()
        .await
        .unwrap();
    assert_eq!(other.status(), 404);

    // The service identity is not a person: not among the members, not to be added elsewhere,
    // and no password signs it in.
    let members = app
        .get(
            &format!("/api/tenants/{}/members", owner.personal_tenant_id),
            &owner.access_token,
        )
        .await;
    assert_eq!(members.body["items"].as_array().unwrap().len(), 1);
    let team = app
        .post(
            "/api/tenants",
            &stranger.access_token,
            json!({ "name": "Other" }),
        )
        .await;
    let email = format!("key-{}@api-keys.invalid", listed["id"].as_str().unwrap());
    app.post(
        &format!("/api/tenants/{}/members", team.body["id"].as_str().unwrap()),
        &stranger.access_token,
        json!({ "email": email, "role": "member" }),
    )
    .await
    .assert_status(422);
    app.call(
        Method::POST,
        "/api/auth/login",
        None,
        Some(json!({ "email": email, "password": "!" })),
    )
    .await
    .assert_status(401);
    // A malformed or unknown key is refused as such.
    // The last character changed (to one it is not: an `x` ending stays an `x` otherwise).
    let last = if key.ends_with('x') { 'y' } else { 'x' };
    let changed = format!("{}{last}", &key[..key.len() - 1]);
    for bad in ["lk_live_short", &changed] {
        app.get("/api/credits/balance", bad)
            .await
            .assert_error(401, "invalid_api_key");
    }
}

async fn scopes_decide_what_a_key_may_do(backend: Backend) {
    let app = spawn(backend).await;
    let owner = app.register_user().await;
    let (read, _) = make_key(&app, &owner, json!({ "name": "reader", "scope": "read" })).await;
    let (pm_only, _) = make_key(
        &app,
        &owner,
        json!({ "name": "pm", "scope": "write", "apps": ["project-manager"] }),
    )
    .await;
    let (admin, _) = make_key(&app, &owner, json!({ "name": "ops", "scope": "admin" })).await;

    // Read: reads, and nothing that writes.
    app.get(PROJECTS, &read).await.assert_status(200);
    app.get("/api/apps/notes/notes", &read)
        .await
        .assert_status(200);
    app.post(PROJECTS, &read, json!({ "name": "No" }))
        .await
        .assert_status(403);
    // Per app: its apps only.
    app.post(PROJECTS, &pm_only, json!({ "name": "Yes" }))
        .await
        .assert_status(201);
    app.get("/api/apps/notes/notes", &pm_only)
        .await
        .assert_error(403, "app_not_allowed_for_key");
    // Admin: an admin's rights in the tenant (the audit log), a member's not enough for it.
    let audit = format!("/api/tenants/{}/audit", owner.personal_tenant_id);
    app.get(&audit, &admin).await.assert_status(200);
    app.get(&audit, &pm_only).await.assert_status(403);

    // What a key is made with is checked.
    for (body, field) in [
        (json!({ "name": "x" }), "scope"),
        (json!({ "name": "", "scope": "read" }), "name"),
        (
            json!({ "name": "x", "scope": "read", "apps": ["nope"] }),
            "apps",
        ),
        (json!({ "name": "x", "scope": "read", "apps": [] }), "apps"),
        (
            json!({ "name": "x", "scope": "read", "expiresAt": "2000-01-01T00:00:00Z" }),
            "expiresAt",
        ),
    ] {
        let refused = app
            .post(&keys_path(&owner), &owner.access_token, body.clone())
            .await;
        refused.assert_error(422, "validation_failed");
        assert!(refused.body["error"]["fields"][field].is_array(), "{body}");
    }
    app.post(
        &keys_path(&owner),
        &owner.access_token,
        json!({ "name": "x", "scope": "root" }),
    )
    .await
    .assert_status(422);
}

async fn keys_stay_out_of_accounts_and_key_management(backend: Backend) {
    let app = spawn(backend).await;
    let owner = app.register_user().await;
    let (admin, _) = make_key(&app, &owner, json!({ "name": "ops", "scope": "admin" })).await;
    for (method, path) in [
        (Method::GET, "/api/auth/me".to_owned()),
        (Method::POST, "/api/auth/logout".to_owned()),
        (Method::GET, "/api/devices".to_owned()),
        (Method::POST, "/api/tenants".to_owned()),
        (Method::GET, keys_path(&owner)),
        (Method::POST, keys_path(&owner)),
    ] {
        app.call(
            method.clone(),
            &path,
            Some(&admin),
            Some(json!({ "name": "x", "scope": "admin" })),
        )
        .await
        .assert_error(403, "not_for_api_keys");
    }
    // Still working: nothing above ended its session.
    app.get("/api/credits/balance", &admin)
        .await
        .assert_status(200);
}

async fn only_owners_and_admins_manage_keys(backend: Backend) {
    let app = spawn(backend).await;
    let owner = app.register_user().await;
    let member = app.register_user().await;
    let team = app.team(&owner, &[(&member, "member")]).await;
    let path = format!("/api/tenants/{team}/api-keys");
    let body = json!({ "name": "x", "scope": "read" });
    app.post(&path, &member.access_token, body.clone())
        .await
        .assert_status(403);
    app.get(&path, &member.access_token)
        .await
        .assert_status(403);
    let made = app.post(&path, &owner.access_token, body).await;
    made.assert_status(201);
    let id = made.body["apiKey"]["id"].as_str().unwrap();
    app.delete(&format!("{path}/{id}"), &member.access_token)
        .await
        .assert_status(403);
    // The team's key acts in the team.
    let key = made.body["key"].as_str().unwrap();
    let tenant = app.get("/api/tenants/current", key).await;
    tenant.assert_status(200);
    assert_eq!(tenant.body["id"], team.as_str());
}

async fn revoking_a_key_stops_it_at_once_on_every_node(backend: Backend) {
    let app = spawn(backend).await;
    let other_node = app.spawn_sibling(apps()).await;
    let owner = app.register_user().await;
    let (key, listed) = make_key(&app, &owner, json!({ "name": "ci", "scope": "write" })).await;
    // Both nodes let it through (and remember so: the gate keeps what it let through).
    for node in [&app, &other_node] {
        node.get(PROJECTS, &key).await.assert_status(200);
        node.get("/api/credits/balance", &key)
            .await
            .assert_status(200);
    }
    let id = listed["id"].as_str().unwrap();
    let revoked = app
        .delete(&format!("{}/{id}", keys_path(&owner)), &owner.access_token)
        .await;
    revoked.assert_status(200);
    assert!(revoked.body["revokedAt"].is_string());
    for node in [&other_node, &app] {
        node.get(PROJECTS, &key)
            .await
            .assert_error(401, "invalid_api_key");
        node.get("/api/credits/balance", &key)
            .await
            .assert_error(401, "invalid_api_key");
    }
    drop(other_node);
}

async fn an_expired_key_stops_working(backend: Backend) {
    let app = spawn(backend).await;
    let owner = app.register_user().await;
    let soon = chrono::Utc::now() + chrono::Duration::seconds(2);
    let (key, listed) = make_key(
        &app,
        &owner,
        json!({ "name": "short", "scope": "read", "expiresAt": soon }),
    )
    .await;
    assert!(listed["expiresAt"].is_string());
    app.get(PROJECTS, &key).await.assert_status(200);
    tokio::time::sleep(Duration::from_millis(2500)).await;
    app.get(PROJECTS, &key)
        .await
        .assert_error(401, "invalid_api_key");
    app.get("/api/credits/balance", &key)
        .await
        .assert_error(401, "invalid_api_key");
}

async fn each_key_has_its_own_rate_limit(backend: Backend) {
    let app =
        TestApp::spawn_with_apps(backend, apps(), |c| c.api_key_requests_per_minute = 3).await;
    let owner = app.register_user().await;
    let (first, _) = make_key(&app, &owner, json!({ "name": "a", "scope": "read" })).await;
    let (second, _) = make_key(&app, &owner, json!({ "name": "b", "scope": "read" })).await;
    for remaining in ["2", "1", "0"] {
        let ok = app.get(PROJECTS, &first).await;
        ok.assert_status(200);
        assert_eq!(ok.headers["ratelimit-limit"], "3");
        assert_eq!(ok.headers["ratelimit-remaining"], remaining);
    }
    let limited = app.get("/api/credits/balance", &first).await;
    limited.assert_error(429, "rate_limited");
    let retry: u64 = limited.headers["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=20).contains(&retry), "a token every 20 s: {retry}");
    assert_eq!(limited.headers["ratelimit-remaining"], "0");
    // The other key, and the person signed in, are not counted with it.
    app.get(PROJECTS, &second).await.assert_status(200);
    let person = app.get(PROJECTS, &owner.access_token).await;
    person.assert_status(200);
    assert!(person.headers.get("ratelimit-limit").is_none());
}

async fn requests_without_a_credential_are_limited_per_address(backend: Backend) {
    let app = TestApp::spawn_with(backend, |c| c.anonymous_requests_per_minute = 3).await;
    for _ in 0..3 {
        app.call(Method::GET, "/api/plans", None, None)
            .await
            .assert_status(200);
    }
    let limited = app.call(Method::GET, "/api/plans", None, None).await;
    limited.assert_error(429, "rate_limited");
    assert!(
        limited.headers["retry-after"]
            .to_str()
            .unwrap()
            .parse::<u64>()
            .unwrap()
            >= 1
    );
    let login = app
        .call(
            Method::POST,
            "/api/auth/login",
            None,
            Some(json!({ "email": "a@example.com", "password": "x" })),
        )
        .await;
    login.assert_error(429, "rate_limited");
    // Health checks are never counted.
    for _ in 0..5 {
        app.call(Method::GET, "/health", None, None)
            .await
            .assert_status(200);
    }
}
