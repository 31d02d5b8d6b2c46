use lumiku_testkit::{Backend, TestApp, TestResponse, backend_tests};
use reqwest::Method;
use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};

backend_tests!(
    health_and_readiness_answer_json,
    bad_requests_get_the_error_shape_and_never_a_500,
    a_body_over_the_limit_is_refused_with_413_before_it_is_read,
    a_chunked_body_over_the_limit_gets_the_json_413_on_every_route,
);

async fn health_and_readiness_answer_json(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let health = app.call(Method::GET, "/health", None, None).await;
    health.assert_status(200);
    assert_eq!(health.body["status"], "ok");
    assert!(health.headers.contains_key("x-request-id"));
    let ready = app.call(Method::GET, "/ready", None, None).await;
    ready.assert_status(200);
    let expected = match backend {
        Backend::Sqlite => "sqlite",
        Backend::Postgres => "postgres",
    };
    assert_eq!(ready.body["database"], expected);
}

async fn bad_requests_get_the_error_shape_and_never_a_500(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let user = app.register_user().await;
    let raw = |method: Method, path: &str, content_type: &str, body: Vec<u8>| {
        app.request(method, path)
            .bearer_auth(&user.access_token)
            .header("content-type", content_type)
            .body(body)
    };
    let cases: Vec<(reqwest::RequestBuilder, u16, &str, &str)> = vec![
        (
            raw(
                Method::POST,
                "/api/auth/login",
                "application/json",
                b"{\"email\":".to_vec(),
            ),
            400,
            "malformed_json",
            "truncated JSON",
        ),
        (
            raw(
                Method::POST,
                "/api/auth/login",
                "text/plain",
                b"{}".to_vec(),
            ),
            415,
            "unsupported_media_type",
            "not JSON",
        ),
        (
            raw(
                Method::POST,
                "/api/auth/login",
                "application/json",
                b"{\"email\": 5}".to_vec(),
            ),
            422,
            "invalid_body",
            "a number for a string",
        ),
        (
            raw(
                Method::POST,
                "/api/tenants",
                "application/json",
                b"[1, 2]".to_vec(),
            ),
            422,
            "invalid_body",
            "an array for an object",
        ),
        (
            raw(Method::GET, "/api/nothing-here", "application/json", vec![]),
            404,
            "not_found",
            "an unknown path",
        ),
        (
            raw(
                Method::DELETE,
                "/api/auth/login",
                "application/json",
                vec![],
            ),
            405,
            "method_not_allowed",
            "a wrong method",
        ),
        (
            raw(
                Method::GET,
                "/api/tenants/not-a-uuid/members",
                "application/json",
                vec![],
            ),
            404,
            "not_found",
            "a malformed id",
        ),
        (
            raw(
                Method::PATCH,
                "/api/devices/00000000-0000-0000-0000-000000000000",
                "application/json",
                b"{\"name\":\"x\"}".to_vec(),
            ),
            404,
            "not_found",
            "an unknown id",
        ),
        (
            raw(
                Method::GET,
                "/api/tenants/current",
                "application/json",
                vec![],
            )
            .header("x-tenant-id", "nope"),
            404,
            "not_found",
            "a bad tenant header",
        ),
        (
            app.request(Method::GET, "/api/auth/me")
                .header("authorization", "Basic abc"),
            401,
            "missing_token",
            "a non-bearer scheme",
        ),
    ];
    for (request, status, code, description) in cases {
        let response = TestResponse::from(request.send().await.unwrap()).await;
        assert_eq!(response.status, status, "{description}: {}", response.text);
        response.assert_error(status, code);
    }
}

async fn a_body_over_the_limit_is_refused_with_413_before_it_is_read(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    // A raw request announcing 2 MiB: the server must answer from the header alone, so the test
    // does not depend on how much of an unread body the socket buffers before a reset.
    let mut stream = tokio::net::TcpStream::connect(app.addr).await.unwrap();
    let head = format!(
        "POST /api/auth/register HTTP/1.1\r\nhost: {}\r\ncontent-type: application/json\r\n\
         content-length: {}\r\nconnection: close\r\n\r\n{{",
        app.addr,
        2 * 1024 * 1024
    );
    stream.write_all(head.as_bytes()).await.unwrap();
    let mut response = Vec::new();
    stream.read_to_end(&mut response).await.unwrap();
    let response = String::from_utf8_lossy(&response);
    assert!(response.starts_with("HTTP/1.1 413"), "{response}");
    assert!(
        response.contains("\"code\":\"payload_too_large\""),
        "{response}"
    );
}

/// A chunked body carries no length to refuse up front: it is refused while it is read, with the
/// same JSON error, on a metered app route (where the body is read as bytes) as on a core one.
async fn a_chunked_body_over_the_limit_gets_the_json_413_on_every_route(backend: Backend) {
    use axum::body::Body;
    use tower::ServiceExt as _;

    let app = TestApp::spawn_with_apps(backend, vec![project_manager::app()], |_| {}).await;
    let user = app.register_user().await;
    let router = app.server_router();
    for (path, token) in [
        (
            "/api/apps/project-manager/projects",
            Some(&user.access_token),
        ),
        ("/api/auth/register", None),
        ("/api/tenants", Some(&user.access_token)),
    ] {
        let chunks = (0..20).map(|_| Ok::<_, std::io::Error>(vec![b' '; 64 * 1024]));
        let mut request = axum::http::Request::post(path)
            .header("content-type", "application/json")
            .header("transfer-encoding", "chunked");
        if let Some(token) = token {
            request = request.header("authorization", format!("Bearer {token}"));
        }
        let request = request
            .body(Body::from_stream(futures_util::stream::iter(chunks)))
            .unwrap();
        let response = router.clone().oneshot(request).await.unwrap();
        assert_eq!(response.status(), 413, "{path}");
        assert_eq!(
            response.headers()["content-type"],
            "application/json",
            "{path}"
        );
        let body = axum::body::to_bytes(response.into_body(), 1 << 16)
            .await
            .unwrap();
        let body: serde_json::Value = serde_json::from_slice(&body).unwrap();
        assert_eq!(body["error"]["code"], "payload_too_large", "{path}");
    }
    app.wallet(user.personal_tenant_id)
        .await
        .assert_consistent();
}
