//! What an attacker tried and must keep failing (issue 16): each test names the attack.

use lumiku_testkit::{Backend, TestApp, TestResponse, backend_tests};
use reqwest::Method;

backend_tests!(
    admin_routes_refuse_a_non_admin_before_reading_the_request,
    pages_and_answers_forbid_framing_inline_script_and_sniffing,
);

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

/// Every answer, page or JSON, carries the content security policy (no framing, scripts and styles
/// from this site only), `nosniff` and the referrer policy; HSTS only when served over https.
async fn pages_and_answers_forbid_framing_inline_script_and_sniffing(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    for path in ["/login", "/health", "/api/auth/me", "/no-such-page"] {
        let response = app.request(Method::GET, path).send().await.unwrap();
        let headers = response.headers();
        let csp = headers["content-security-policy"].to_str().unwrap();
        for directive in [
            "frame-ancestors 'none'",
            "script-src 'self'",
            "style-src 'self'",
            "default-src 'self'",
        ] {
            assert!(csp.contains(directive), "{path}: {csp}");
        }
        assert_eq!(headers["x-content-type-options"], "nosniff", "{path}");
        assert_eq!(headers["x-frame-options"], "DENY", "{path}");
        assert_eq!(headers["referrer-policy"], "same-origin", "{path}");
        assert!(!headers.contains_key("strict-transport-security"), "{path}");
    }
    // No page of the dashboard needs what the policy forbids: no inline script or handler.
    let page = app.request(Method::GET, "/login").send().await.unwrap();
    let html = page.text().await.unwrap();
    assert!(
        !html.contains("<script>") && !html.contains("onclick="),
        "{html}"
    );

    let https = TestApp::spawn_with(backend, |c| {
        c.public_url = Some("https://lumiku.example".into())
    })
    .await;
    let response = https.request(Method::GET, "/health").send().await.unwrap();
    assert_eq!(
        response.headers()["strict-transport-security"],
        "max-age=31536000"
    );
}
