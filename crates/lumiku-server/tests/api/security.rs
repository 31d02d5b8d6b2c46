//! What an attacker tried and must keep failing (issue 16): each test names the attack.

use lumiku_testkit::{Backend, TestApp, TestResponse, backend_tests};
use reqwest::Method;

backend_tests!(admin_routes_refuse_a_non_admin_before_reading_the_request);

/// Every `/api/admin/…` operation in the OpenAPI document, its path parameters filled with
/// something no route accepts, and a body that is not JSON: a non-admin gets 403 and a stranger
/// 401, never the 400, 404 or 422 that would describe the route.
async fn admin_routes_refuse_a_non_admin_before_reading_the_request(backend: Backend) {
    let app = TestApp::spawn_with_apps(backend, vec![project_manager::app()], |_| {}).await;
    let user = app.register_user().await;
    let doc = app
        .call(Method::GET, "/api/openapi.json", None, None)
        .await
        .body;
    let mut operations = 0;
    for (path, item) in doc["paths"].as_object().unwrap() {
        if !path.starts_with("/api/admin/") {
            continue;
        }
        let path = path
            .replace("{id}", "not-an-id")
            .replace("{appId}", "no-such-app");
        for method in item.as_object().unwrap().keys() {
            let method: Method = method.to_uppercase().parse().unwrap();
            operations += 1;
            for (token, status, code) in [
                (Some(user.access_token.as_str()), 403, "forbidden"),
                (None, 401, "missing_token"),
            ] {
                let mut request = app
                    .request(method.clone(), &format!("{path}?limit=oops"))
                    .header("content-type", "application/json")
                    .body("{not json");
                if let Some(token) = token {
                    request = request.bearer_auth(token);
                }
                let response = TestResponse::from(request.send().await.unwrap()).await;
                assert_eq!(
                    (response.status, response.body["error"]["code"].as_str()),
                    (status, Some(code)),
                    "{method} {path}: {}",
                    response.text
                );
            }
        }
    }
    assert!(operations >= 14, "only {operations} admin operations found");
}
