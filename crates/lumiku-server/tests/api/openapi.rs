use lumiku_testkit::{Backend, TestApp, backend_tests};
use reqwest::Method;
use serde_json::Value;

backend_tests!(
    the_served_document_is_openapi_3_1_and_documents_every_route,
    every_documented_operation_is_routed,
    the_document_is_a_contract
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
    ("get", "/api/tenants/{id}/export"),
    ("get", "/api/tenants/{id}/api-keys"),
    ("post", "/api/tenants/{id}/api-keys"),
    ("delete", "/api/tenants/{id}/api-keys/{keyId}"),
    ("get", "/api/webhooks/events"),
    ("get", "/api/tenants/{id}/webhooks"),
    ("post", "/api/tenants/{id}/webhooks"),
    ("patch", "/api/tenants/{id}/webhooks/{endpointId}"),
    ("delete", "/api/tenants/{id}/webhooks/{endpointId}"),
    ("get", "/api/tenants/{id}/webhooks/{endpointId}/secret"),
    ("get", "/api/tenants/{id}/webhooks/{endpointId}/deliveries"),
    (
        "post",
        "/api/tenants/{id}/webhook-deliveries/{deliveryId}/redeliver",
    ),
    ("get", "/api/tenants/{id}/webhook-settings"),
    ("put", "/api/tenants/{id}/webhook-settings"),
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
    // The CLI's document is the served one, naming this server.
    let server = doc["servers"][0]["url"].as_str().unwrap();
    assert_eq!(server, app.url(""));
    assert_eq!(&lumiku_server::openapi(&[], server), doc);
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

/// The operations anyone may call, without credentials.
const PUBLIC: &[(&str, &str)] = &[
    ("get", "/health"),
    ("get", "/ready"),
    ("get", "/api/openapi.json"),
    ("post", "/api/auth/register"),
    ("post", "/api/auth/login"),
    ("post", "/api/auth/refresh"),
    ("post", "/api/auth/verify-email"),
    ("get", "/api/plans"),
    ("get", "/api/credit-packages"),
    ("post", "/api/payments/duitku/callback"),
];

/// What a client generator relies on: unique operation ids, security stated on every operation,
/// the shared headers and error details declared, one list envelope, no HTML in the API.
async fn the_document_is_a_contract(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let doc = &app
        .call(Method::GET, "/api/openapi.json", None, None)
        .await
        .body;
    let mut ids = std::collections::BTreeSet::new();
    for (method, path) in operations(doc) {
        let op = &doc["paths"][&path][&method];
        let id = op["operationId"].as_str().unwrap();
        assert!(ids.insert(id.to_owned()), "{id} is not unique");
        assert!(
            id.chars().next().unwrap().is_ascii_lowercase() && !id.contains('_'),
            "{method} {path}: {id} is not camelCase"
        );
        let security = op["security"]
            .as_array()
            .unwrap_or_else(|| panic!("{method} {path}: no security"));
        let public = PUBLIC.contains(&(method.as_str(), path.as_str()));
        assert_eq!(
            security.is_empty(),
            public,
            "{method} {path}: security {security:?}"
        );
        for (status, response) in op["responses"].as_object().unwrap() {
            assert_eq!(
                response["headers"]["x-request-id"]["$ref"], "#/components/headers/RequestId",
                "{method} {path} {status}: no x-request-id"
            );
            if status == "429" {
                assert!(
                    response["headers"]["Retry-After"].is_object(),
                    "{method} {path}: 429 without Retry-After"
                );
            }
            for media in response["content"]
                .as_object()
                .into_iter()
                .flat_map(|c| c.keys())
            {
                assert!(
                    !media.starts_with("text/html") && !media.starts_with("text/css"),
                    "{method} {path}: {media}"
                );
            }
        }
        if !public {
            assert!(
                op["responses"]["401"].is_object(),
                "{method} {path}: no 401"
            );
        }
        if op["requestBody"]["content"]["application/json"].is_object() {
            for status in ["400", "415", "422"] {
                assert!(
                    op["responses"][status].is_object(),
                    "{method} {path}: no {status}"
                );
            }
        }
    }
    // The tenant header is declared once and used by every operation that reads it.
    assert_eq!(
        doc["components"]["parameters"]["TenantId"]["name"],
        "X-Tenant-Id"
    );
    let balance = &doc["paths"]["/api/credits/balance"]["get"]["parameters"];
    assert!(
        balance
            .as_array()
            .unwrap()
            .iter()
            .any(|p| p["$ref"] == "#/components/parameters/TenantId")
    );
    // The details a client acts on are in the error schema, under names of their own.
    let detail = &doc["components"]["schemas"]["ErrorDetail"]["properties"];
    for field in [
        "code",
        "message",
        "requestId",
        "fields",
        "required",
        "current",
        "retryAfter",
    ] {
        assert!(detail[field].is_object(), "ErrorDetail has no {field}");
    }
    let schemas = doc["components"]["schemas"].as_object().unwrap();
    assert!(schemas.contains_key("FieldErrors") && !schemas.contains_key("BTreeMap"));
    // Every list answers `items` and `nextCursor`.
    for path in [
        "/api/tenants",
        "/api/devices",
        "/api/plans",
        "/api/credit-packages",
        "/api/apps",
        "/api/catalogue",
        "/api/credits/history",
        "/api/invoices",
        "/api/admin/users",
    ] {
        let schema =
            &doc["paths"][path]["get"]["responses"]["200"]["content"]["application/json"]["schema"];
        let name = schema["$ref"].as_str().unwrap().rsplit('/').next().unwrap();
        let properties = &schemas[name]["properties"];
        assert!(
            properties["items"]["type"] == "array" && properties["nextCursor"].is_object(),
            "{path}: {name}"
        );
    }
    // Nothing is declared that no operation uses.
    let text = doc.to_string();
    for name in schemas.keys() {
        assert!(
            text.contains(&format!("\"#/components/schemas/{name}\"")),
            "{name} is unused"
        );
    }
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
