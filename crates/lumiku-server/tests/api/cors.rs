//! CORS: none by default (same origin only); the configured origins' pages may call the API with
//! credentials, and read the headers a client acts on.

use lumiku_testkit::{Backend, TestApp, backend_tests};
use reqwest::Method;
use reqwest::header::HeaderMap;

backend_tests!(
    no_origin_is_allowed_by_default,
    a_listed_origin_is_answered_with_credentials_and_others_are_not
);

const APP: &str = "https://app.example.com";

async fn send(
    app: &TestApp,
    method: Method,
    path: &str,
    headers: &[(&str, &str)],
) -> (u16, HeaderMap) {
    let mut request = app.client.request(method, app.url(path));
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    let response = request.send().await.unwrap();
    (response.status().as_u16(), response.headers().clone())
}

fn preflight(origin: &str) -> [(&'static str, String); 3] {
    [
        ("origin", origin.to_owned()),
        ("access-control-request-method", "POST".to_owned()),
        (
            "access-control-request-headers",
            "authorization, content-type, idempotency-key, x-tenant-id".to_owned(),
        ),
    ]
}

fn as_pairs<'a>(headers: &'a [(&'static str, String)]) -> Vec<(&'static str, &'a str)> {
    headers.iter().map(|(n, v)| (*n, v.as_str())).collect()
}

async fn no_origin_is_allowed_by_default(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let (status, headers) = send(&app, Method::GET, "/api/plans", &[("origin", APP)]).await;
    assert_eq!(status, 200);
    assert!(headers.get("access-control-allow-origin").is_none());
    let pre = preflight(APP);
    let (status, headers) = send(
        &app,
        Method::OPTIONS,
        "/api/apps/project-manager/projects",
        &as_pairs(&pre),
    )
    .await;
    assert!(
        headers.get("access-control-allow-origin").is_none(),
        "{status}"
    );
    assert!(headers.get("access-control-allow-credentials").is_none());
}

async fn a_listed_origin_is_answered_with_credentials_and_others_are_not(backend: Backend) {
    let app = TestApp::spawn_with(backend, |config| {
        config.cors_allowed_origins = vec![APP.to_owned(), "http://localhost:5173".to_owned()];
    })
    .await;
    // The preflight is answered before routing and authentication.
    let pre = preflight(APP);
    let (status, headers) = send(
        &app,
        Method::OPTIONS,
        "/api/apps/project-manager/projects",
        &as_pairs(&pre),
    )
    .await;
    assert!((200..300).contains(&status), "{status}");
    assert_eq!(headers["access-control-allow-origin"], APP);
    assert_eq!(headers["access-control-allow-credentials"], "true");
    let allowed = headers["access-control-allow-headers"]
        .to_str()
        .unwrap()
        .to_lowercase();
    for name in [
        "authorization",
        "content-type",
        "idempotency-key",
        "x-tenant-id",
    ] {
        assert!(allowed.contains(name), "{name} not in {allowed}");
    }
    let methods = headers["access-control-allow-methods"].to_str().unwrap();
    assert!(
        methods.contains("PATCH") && methods.contains("DELETE"),
        "{methods}"
    );
    assert!(headers.get("access-control-max-age").is_some());
    // A request, and an error's answer too, can be read by the page, with the headers it acts on.
    let (status, headers) = send(&app, Method::GET, "/api/plans", &[("origin", APP)]).await;
    assert_eq!(status, 200);
    assert_eq!(headers["access-control-allow-origin"], APP);
    assert_eq!(headers["access-control-allow-credentials"], "true");
    let exposed = headers["access-control-expose-headers"]
        .to_str()
        .unwrap()
        .to_lowercase();
    for name in ["x-request-id", "idempotent-replayed", "retry-after"] {
        assert!(exposed.contains(name), "{name} not in {exposed}");
    }
    let (status, headers) = send(
        &app,
        Method::GET,
        "/api/auth/me",
        &[("origin", "http://localhost:5173")],
    )
    .await;
    assert_eq!(status, 401);
    assert_eq!(
        headers["access-control-allow-origin"],
        "http://localhost:5173"
    );
    // Any other origin, even one that differs only in scheme or port, is not.
    for other in [
        "https://evil.example.com",
        "http://app.example.com",
        "https://app.example.com:8443",
    ] {
        let (_, headers) = send(&app, Method::GET, "/api/plans", &[("origin", other)]).await;
        assert!(
            headers.get("access-control-allow-origin").is_none(),
            "{other}"
        );
        let pre = preflight(other);
        let (_, headers) = send(&app, Method::OPTIONS, "/api/plans", &as_pairs(&pre)).await;
        assert!(
            headers.get("access-control-allow-origin").is_none(),
            "{other}"
        );
    }
}
