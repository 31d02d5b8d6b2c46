//! `GET /metrics`: off without a token, refused without the right one, and counting what the
//! platform does: requests by route and status, metered actions and their credits, 402s and
//! replays, sign-ins, jobs, and the database's gauges.
//!
//! The `metrics` facade has one recorder per process, shared by every server in this test binary
//! (and both backends' runs of this test): counts are compared before and after, as at least what
//! this test did.

use lumiku_server::config::Secret;
use lumiku_testkit::{Backend, TestApp, backend_tests};
use reqwest::Method;
use serde_json::json;

backend_tests!(
    metrics_are_off_without_a_token,
    metrics_count_requests_charges_refusals_and_sign_ins,
);

const TOKEN: &str = "metrics-token-for-the-tests-0123456789";

async fn metrics_are_off_without_a_token(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let response = app.call(Method::GET, "/metrics", None, None).await;
    response.assert_error(404, "not_found");
    let short = lumiku_server::config::Config {
        metrics_token: Some(Secret::from("too-short".to_owned())),
        ..Default::default()
    };
    let error = short.metrics_token().expect_err("a short token is refused");
    assert!(error.to_string().contains("metrics_token"), "{error}");
}

async fn metrics_count_requests_charges_refusals_and_sign_ins(backend: Backend) {
    let app = TestApp::spawn_with_apps(backend, vec![project_manager::app()], |config| {
        config.metrics_token = Some(Secret::from(TOKEN.to_owned()));
        // Two projects (5 credits each), then the wallet is empty.
        config.welcome_bonus_credits = 10;
    })
    .await;

    // The token is required, and only that one.
    let anonymous = app.request(Method::GET, "/metrics").send().await.unwrap();
    assert_eq!(anonymous.status(), 401);
    assert_eq!(
        anonymous.headers()["www-authenticate"],
        "Bearer realm=\"metrics\""
    );
    let user = app.register_user().await;
    let wrong = app.get("/metrics", &user.access_token).await;
    wrong.assert_error(401, "unauthorized");

    let before = scrape(&app).await;
    let projects = "/api/apps/project-manager/projects";
    let create = |key: &'static str| {
        app.request(Method::POST, projects)
            .bearer_auth(&user.access_token)
            .header("idempotency-key", key)
            .json(&json!({ "name": "Counted" }))
            .send()
    };
    assert_eq!(create("metrics-1").await.unwrap().status(), 201);
    assert_eq!(create("metrics-2").await.unwrap().status(), 201);
    let replay = create("metrics-1").await.unwrap();
    assert_eq!(replay.status(), 201);
    assert_eq!(replay.headers()["idempotent-replayed"], "true");
    assert_eq!(create("metrics-3").await.unwrap().status(), 402);
    let bad_password = app
        .call(
            Method::POST,
            "/api/auth/login",
            None,
            Some(json!({ "email": user.email, "password": "not the password" })),
        )
        .await;
    bad_password.assert_status(401);
    app.login(&user).await;
    let after = scrape(&app).await;

    let grew = |name: &str, labels: &[(&str, &str)], by: f64| {
        let (was, is) = (sample(&before, name, labels), sample(&after, name, labels));
        assert!(
            is - was >= by,
            "{name}{labels:?} grew by {} (from {was} to {is}), expected at least {by}\n{after}",
            is - was
        );
    };
    let create_project = [("app", "project-manager"), ("action", "createProject")];
    let with = |outcome: &'static str| {
        let mut labels = create_project.to_vec();
        labels.push(("outcome", outcome));
        labels
    };
    grew("lumiku_metered_actions_total", &with("charged"), 2.0);
    grew("lumiku_metered_actions_total", &with("replayed"), 1.0);
    grew(
        "lumiku_metered_actions_total",
        &with("insufficient_credits"),
        1.0,
    );
    grew("lumiku_credits_charged_total", &create_project, 10.0);
    grew("lumiku_logins_total", &[("outcome", "failure")], 1.0);
    grew("lumiku_logins_total", &[("outcome", "success")], 1.0);
    let route = [("method", "POST"), ("route", projects)];
    grew(
        "lumiku_http_requests_total",
        &[route[0], route[1], ("status", "201")],
        3.0,
    );
    grew(
        "lumiku_http_requests_total",
        &[route[0], route[1], ("status", "402")],
        1.0,
    );
    // Every request is in the latency histogram's count and its +Inf bucket.
    grew("lumiku_http_request_duration_seconds_count", &route, 4.0);
    grew(
        "lumiku_http_request_duration_seconds_bucket",
        &[route[0], route[1], ("le", "+Inf")],
        4.0,
    );
    // A path no route matches is one series, whatever the path.
    app.call(Method::GET, "/no/such/path/42", None, None)
        .await
        .assert_status(404);
    let unmatched = scrape(&app).await;
    assert!(
        sample(
            &unmatched,
            "lumiku_http_requests_total",
            &[("route", "unmatched"), ("status", "404")]
        ) >= 1.0
    );
    assert!(!unmatched.contains("/no/such/path"), "{unmatched}");

    // The gauges read at the scrape.
    assert!(sample(&after, "lumiku_db_pool_connections", &[("state", "limit")]) >= 1.0);
    assert!(after.contains("lumiku_realtime_connections "), "{after}");
    if backend == Backend::Sqlite {
        assert!(after.contains("lumiku_sqlite_writer_queue "), "{after}");
        assert!(
            sample(&after, "lumiku_sqlite_wal_bytes", &[]) > 0.0,
            "{after}"
        );
        grew("lumiku_sqlite_commit_group_size_count", &[], 3.0);
    }
    // Described, so that Prometheus shows what each one means.
    assert!(
        after.contains("# HELP lumiku_credits_charged_total"),
        "{after}"
    );
    app.wallet(user.personal_tenant_id)
        .await
        .assert_consistent();
}

async fn scrape(app: &TestApp) -> String {
    let response = app
        .request(Method::GET, "/metrics")
        .bearer_auth(TOKEN)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    assert!(
        response.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/plain; version=0.0.4"),
    );
    response.text().await.unwrap()
}

/// The sum of the samples of `name` whose labels include `labels` (0 if none).
fn sample(text: &str, name: &str, labels: &[(&str, &str)]) -> f64 {
    text.lines()
        .filter(|line| !line.starts_with('#'))
        .filter_map(|line| {
            let (series, value) = line.rsplit_once(' ')?;
            let (metric, rest) = match series.split_once('{') {
                Some((metric, rest)) => (metric, rest.strip_suffix('}')?),
                None => (series, ""),
            };
            if metric != name {
                return None;
            }
            let found: Vec<(&str, &str)> = rest
                .split("\",")
                .filter(|pair| !pair.is_empty())
                .filter_map(|pair| {
                    let (key, value) = pair.split_once("=\"")?;
                    Some((key, value.trim_end_matches('"')))
                })
                .collect();
            labels
                .iter()
                .all(|wanted| found.contains(wanted))
                .then(|| value.parse::<f64>().ok())?
        })
        .sum()
}
