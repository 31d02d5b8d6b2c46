use lumiku_testkit::{Backend, TestApp, backend_tests};
use reqwest::Method;
use serde_json::Value;

backend_tests!(
    the_served_document_is_openapi_3_1_and_documents_every_route,
    every_documented_operation_is_routed
);

/// Every route the kernel serves. A route added without documentation fails the first test; one
/// documented but not served fails the second.
const ROUTES: &[(&str, &str)] = &[
    ("get", "/health"),
    ("get", "/ready"),
    ("get", "/api/openapi.json"),
    ("post", "/api/auth/register"),
    ("post", "/api/auth/login"),
    ("post", "/api/auth/refresh"),
    ("post", "/api/auth/logout"),
    ("get", "/api/auth/verify"),
    ("get", "/api/auth/me"),
    ("patch", "/api/auth/me"),
    ("post", "/api/auth/password"),
    ("post", "/api/auth/verify-email"),
    ("post", "/api/auth/verify-email/resend"),
    ("get", "/api/devices"),
    ("patch", "/api/devices/{id}"),
    ("delete", "/api/devices/{id}"),
    ("get", "/api/tenants"),
    ("post", "/api/tenants"),
    ("get", "/api/tenants/current"),
    ("get", "/api/tenants/{id}"),
    ("get", "/api/tenants/{id}/members"),
    ("post", "/api/tenants/{id}/members"),
    ("patch", "/api/tenants/{id}/members/{userId}"),
    ("delete", "/api/tenants/{id}/members/{userId}"),
    ("get", "/api/tenants/{id}/audit"),
    ("get", "/api/credits/balance"),
    ("get", "/api/credits/history"),
    ("get", "/api/credits/usage"),
    ("get", "/api/apps"),
    ("get", "/api/admin/apps"),
    ("patch", "/api/admin/apps/{appId}"),
    ("get", "/api/catalogue"),
    ("post", "/api/tenants/{id}/apps/{appId}"),
    ("delete", "/api/tenants/{id}/apps/{appId}"),
    ("put", "/api/tenants/{id}/beta-apps"),
    ("post", "/api/admin/apps/{appId}/publish"),
    ("post", "/api/admin/tenants/{id}/credits"),
    ("get", "/api/plans"),
    ("get", "/api/credit-packages"),
    ("get", "/api/subscriptions/current"),
    ("post", "/api/subscriptions"),
    ("post", "/api/subscriptions/current/cancel"),
    ("post", "/api/subscriptions/current/resume"),
    ("get", "/api/invoices"),
    ("get", "/api/invoices/{id}"),
    ("get", "/api/invoices/{id}/print"),
    ("get", "/api/admin/plans"),
    ("patch", "/api/admin/plans/{id}"),
    ("get", "/api/admin/credit-packages"),
    ("patch", "/api/admin/credit-packages/{id}"),
    ("post", "/api/admin/tenants/{id}/invoices"),
    ("post", "/api/admin/invoices/{id}/issue"),
    ("post", "/api/admin/invoices/{id}/void"),
    ("post", "/api/admin/billing/run"),
    ("post", "/api/admin/storage/sweep"),
    ("get", "/api/admin/users"),
    ("get", "/api/admin/audit"),
    ("post", "/api/payments"),
    ("get", "/api/payments/{reference}"),
    ("post", "/api/payments/duitku/callback"),
    ("get", "/api/realtime"),
    ("get", "/api/realtime/sse"),
    ("post", "/api/realtime/ticket"),
    ("get", "/assets/lumiku.css"),
    ("get", "/pay/sandbox/{reference}"),
    ("post", "/pay/sandbox/{reference}"),
    ("get", "/pay/return"),
];

fn operations(doc: &Value) -> Vec<(String, String)> {
    let mut ops = Vec::new();
    for (path, item) in doc["paths"].as_object().unwrap() {
        for method in item.as_object().unwrap().keys() {
            if ["get", "post", "put", "patch", "delete"].contains(&method.as_str()) {
                ops.push((method.clone(), path.clone()));
            }
        }
    }
    ops.sort();
    ops
}

async fn the_served_document_is_openapi_3_1_and_documents_every_route(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let response = app.call(Method::GET, "/api/openapi.json", None, None).await;
    response.assert_status(200);
    let doc = &response.body;
    assert_eq!(doc["openapi"], "3.1.0");
    let mut expected: Vec<(String, String)> = ROUTES
        .iter()
        .map(|(m, p)| ((*m).to_owned(), (*p).to_owned()))
        .collect();
    expected.sort();
    assert_eq!(
        operations(doc),
        expected,
        "the document and the route list differ"
    );
    // The CLI's document is the served one.
    assert_eq!(
        &serde_json::to_value(lumiku_server::openapi(&[])).unwrap(),
        doc
    );
    // Every operation documents its success (101 for the WebSocket) and, when it can fail, the
    // error body.
    for (method, path) in operations(doc) {
        let responses = &doc["paths"][&path][&method]["responses"];
        assert!(
            responses
                .as_object()
                .unwrap()
                .keys()
                .any(|s| s.starts_with('2') || s.starts_with('3') || s == "101"),
            "{method} {path}: no success response"
        );
    }
    let login_401 = &doc["paths"]["/api/auth/login"]["post"]["responses"]["401"];
    assert_eq!(
        login_401["content"]["application/json"]["schema"]["$ref"],
        "#/components/schemas/ErrorBody"
    );
    assert!(doc["components"]["securitySchemes"]["bearer"].is_object());
}

async fn every_documented_operation_is_routed(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let doc = app
        .call(Method::GET, "/api/openapi.json", None, None)
        .await
        .body;
    for (method, path) in operations(&doc) {
        let concrete = path
            .replace("{id}", &uuid::Uuid::now_v7().to_string())
            .replace("{userId}", &uuid::Uuid::now_v7().to_string())
            .replace("{appId}", "no-such-app");
        let method = Method::from_bytes(method.to_uppercase().as_bytes()).unwrap();
        let response = app.call(method.clone(), &concrete, None, None).await;
        assert_ne!(
            response.status, 405,
            "{method} {path} is documented but not routed"
        );
        assert_ne!(
            response.body["error"]["message"], "No route matches this path",
            "{method} {path} is documented but not routed"
        );
        assert!(response.status < 500, "{method} {path}: {}", response.text);
    }
}
