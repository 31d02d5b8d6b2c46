//! The `otel` feature, end to end: a server exports its spans over OTLP/HTTP to a collector (here
//! a fake one that keeps what it is sent), a request's span continues the trace its
//! `traceparent` names, and what is buffered is sent when the server is stopped.
//!
//! Run with `cargo test -p lumiku --features otel --test otel` (CI does).

#![cfg(feature = "otel")]

use std::process::{Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

const TRACE: &str = "4bf92f3577b34da6a3ce929d0e0e4736";
const PARENT: &str = "00f067aa0ba902b7";

#[tokio::test]
async fn spans_go_to_the_collector_under_the_callers_trace() {
    // The collector: every body posted to /v1/traces, answered as OTLP/HTTP answers.
    let received: Arc<Mutex<Vec<serde_json::Value>>> = Arc::default();
    let kept = Arc::clone(&received);
    let collector = axum::Router::new().route(
        "/v1/traces",
        axum::routing::post(move |body: axum::body::Bytes| {
            let kept = Arc::clone(&kept);
            async move {
                kept.lock()
                    .unwrap()
                    .push(serde_json::from_slice(&body).expect("OTLP JSON"));
                ([("content-type", "application/json")], "{}")
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let collector_addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, collector).await.unwrap() });

    let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join(format!("otel-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let mut server = Command::new(env!("CARGO_BIN_EXE_lumiku"))
        .args(["serve", "--bind", &port.to_string(), "--data-dir"])
        .arg(&dir)
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("LUMIKU_ARGON2_MEMORY_KIB", "1024")
        .env("LUMIKU_ARGON2_ITERATIONS", "1")
        .env("LUMIKU_BILLING_INTERVAL_SECS", "0")
        .env(
            "LUMIKU_OTEL_ENDPOINT",
            format!("http://{collector_addr}/v1/traces"),
        )
        .env("LUMIKU_OTEL_SERVICE_NAME", "lumiku-under-test")
        .current_dir(&dir)
        .stdout(Stdio::null())
        .stderr(std::fs::File::create(dir.join("server.log")).unwrap())
        .spawn()
        .unwrap();
    let url = |path: &str| format!("http://127.0.0.1:{port}{path}");
    let client = reqwest::Client::new();
    let deadline = Instant::now() + Duration::from_secs(30);
    while client.get(url("/health")).send().await.is_err() {
        assert!(Instant::now() < deadline, "the server did not start");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let plans = client
        .get(url("/api/plans"))
        .header("traceparent", format!("00-{TRACE}-{PARENT}-01"))
        .send()
        .await
        .unwrap();
    assert_eq!(plans.status(), 200);

    // Stopped as an operator would (SIGTERM): the batch still buffered is sent on the way out.
    let stopped = Command::new("kill")
        .args(["-TERM", &server.id().to_string()])
        .status()
        .unwrap();
    assert!(stopped.success());
    let exit = tokio::task::spawn_blocking(move || server.wait())
        .await
        .unwrap()
        .unwrap();
    let log = std::fs::read_to_string(dir.join("server.log")).unwrap();
    assert!(exit.success(), "{exit:?}\n{log}");

    let batches = received.lock().unwrap().clone();
    assert!(!batches.is_empty(), "nothing reached the collector\n{log}");
    let text = serde_json::to_string(&batches).unwrap();
    assert!(
        text.contains("lumiku-under-test"),
        "no service.name in {text}"
    );
    let spans: Vec<&serde_json::Value> = batches
        .iter()
        .flat_map(|batch| batch["resourceSpans"].as_array().into_iter().flatten())
        .flat_map(|resource| resource["scopeSpans"].as_array().into_iter().flatten())
        .flat_map(|scope| scope["spans"].as_array().into_iter().flatten())
        .collect();
    let request = spans
        .iter()
        .find(|span| span["name"] == "request" && span["traceId"] == TRACE)
        .unwrap_or_else(|| panic!("no request span in the caller's trace: {text}"));
    assert_eq!(request["parentSpanId"], PARENT, "{request}");
    let attributes = request["attributes"].to_string();
    assert!(attributes.contains("/api/plans"), "{attributes}");
    let _ = std::fs::remove_dir_all(&dir);
}
