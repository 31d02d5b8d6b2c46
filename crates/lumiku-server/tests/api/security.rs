//! What an attacker tried and must keep failing (issue 16): each test names the attack.

use futures_util::future::join_all;
use lumiku_testkit::{Backend, TestApp, TestResponse, backend_tests};
use reqwest::Method;
use serde_json::json;

/// A server hashing passwords with the production parameters, so a check takes as long as it
/// would in production and attempts that arrive together overlap.
async fn spawn_with_real_hashing(backend: Backend) -> TestApp {
    TestApp::spawn_with(backend, |c| {
        let real = lumiku_server::Config::default();
        c.argon2_memory_kib = real.argon2_memory_kib;
        c.argon2_iterations = real.argon2_iterations;
    })
    .await
}

async fn login(app: &TestApp, email: &str, password: &str) -> u16 {
    app.call(
        Method::POST,
        "/api/auth/login",
        None,
        Some(json!({ "email": email, "password": password })),
    )
    .await
    .status
}

/// 30 wrong passwords for one account at once, the right one among them: no more than the
/// account's limit (5) are checked, the rest are refused with 429 before any check, so the right
/// password is let in only if it was among the first five counted.
async fn concurrent_wrong_passwords_are_checked_no_more_than_the_account_limit(backend: Backend) {
    let app = spawn_with_real_hashing(backend).await;
    let user = app.register_user().await;
    let mut attempts: Vec<_> = (0..29)
        .map(|i| {
            login(
                &app,
                &user.email,
                if i == 0 { "wrong" } else { "also wrong" },
            )
        })
        .collect();
    attempts.insert(15, login(&app, &user.email, &user.password));
    let statuses = join_all(attempts).await;
    let checked = statuses.iter().filter(|s| matches!(s, 200 | 401)).count();
    let refused = statuses.iter().filter(|s| **s == 429).count();
    assert!(
        checked <= 5,
        "{checked} attempts were checked: {statuses:?}"
    );
    assert_eq!(checked + refused, 30, "{statuses:?}");
    let wrong = statuses.iter().filter(|s| **s == 401).count();
    if wrong == 5 {
        // The account is full: the right password waits out the window too.
        assert_eq!(login(&app, &user.email, &user.password).await, 429);
    }
}

/// The same 30 attempts split over two servers on one database (two nodes): the count is the
/// database's, so still no more than 5 are checked.
async fn concurrent_wrong_passwords_over_two_nodes_are_checked_no_more_than_the_limit(
    backend: Backend,
) {
    let app = spawn_with_real_hashing(backend).await;
    let user = app.register_user().await;
    let sibling = app.spawn_sibling(Vec::new()).await;
    let statuses = join_all((0..30).map(|i| {
        let node = if i % 2 == 0 { &app } else { &sibling };
        login(node, &user.email, "not the password")
    }))
    .await;
    let checked = statuses.iter().filter(|s| **s == 401).count();
    assert!(
        checked <= 5,
        "{checked} attempts were checked: {statuses:?}"
    );
    assert_eq!(
        statuses.iter().filter(|s| **s == 429).count(),
        30 - checked,
        "{statuses:?}"
    );
    drop(sibling);
}

/// 60 wrong logins over 60 accounts from one address at once: no more than the address's limit
/// (20) are checked.
async fn concurrent_logins_from_one_ip_are_checked_no_more_than_its_limit(backend: Backend) {
    let app = spawn_with_real_hashing(backend).await;
    let emails: Vec<String> = (0..60).map(|i| format!("target-{i}@example.com")).collect();
    let statuses = join_all(emails.iter().map(|e| login(&app, e, "not the password"))).await;
    let checked = statuses.iter().filter(|s| **s == 401).count();
    assert!(
        checked <= 20,
        "{checked} attempts were checked: {statuses:?}"
    );
    assert_eq!(
        statuses.iter().filter(|s| **s == 429).count(),
        60 - checked,
        "{statuses:?}"
    );
}

/// 40 sign-ins at once against one hashing turn and a queue of a millisecond: those that get no
/// turn are answered 503 `busy` with `Retry-After`, and are not counted against the limits (they
/// were never checked); the others are checked and counted.
async fn a_login_flood_waits_for_a_hashing_turn_or_gets_503_uncounted(backend: Backend) {
    let app = TestApp::spawn_with(backend, |c| {
        let real = lumiku_server::Config::default();
        c.argon2_memory_kib = real.argon2_memory_kib;
        c.argon2_iterations = real.argon2_iterations;
        c.argon2_max_concurrent = 1;
        c.argon2_queue_wait_ms = 1;
        c.login_max_failures_per_account = 1000;
        c.login_max_failures_per_ip = 1000;
    })
    .await;
    let user = app.register_user().await;
    let attempt = || {
        app.call(
            Method::POST,
            "/api/auth/login",
            None,
            Some(json!({ "email": user.email, "password": "wrong password" })),
        )
    };
    let answers = join_all((0..40).map(|_| attempt())).await;
    let busy: Vec<&TestResponse> = answers.iter().filter(|r| r.status == 503).collect();
    let checked = answers.iter().filter(|r| r.status == 401).count();
    assert!(!busy.is_empty(), "no attempt waited past the queue");
    assert_eq!(busy.len() + checked, 40);
    for refused in &busy {
        refused.assert_error(503, "busy");
        assert!(refused.headers.contains_key("retry-after"));
    }
    let counted: i64 =
        lumiku_kernel::sql::query_scalar("select count(*) from auth_failures where key = $1")
            .bind(format!("account:{}", user.email))
            .fetch_one(app.kernel.db())
            .await
            .unwrap();
    assert_eq!(counted, checked as i64, "a busy answer was counted");
}

/// A stolen session guessing the current password to change it gets as few guesses as a stranger
/// at the sign-in form; its owner can still sign in.
async fn wrong_current_passwords_are_limited_like_sign_ins(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let user = app.register_user().await;
    let change = |current: &str| {
        app.post(
            "/api/auth/password",
            &user.access_token,
            json!({ "currentPassword": current, "newPassword": "a brand new passphrase" }),
        )
    };
    for _ in 0..5 {
        change("guess").await.assert_error(422, "validation_failed");
    }
    let refused = change("guess").await;
    refused.assert_error(429, "rate_limited");
    assert!(refused.headers.contains_key("retry-after"));
    // Even the right one waits now; signing in is not locked.
    change(&user.password)
        .await
        .assert_error(429, "rate_limited");
    assert_eq!(login(&app, &user.email, &user.password).await, 200);
}

backend_tests!(
    concurrent_wrong_passwords_are_checked_no_more_than_the_account_limit,
    concurrent_logins_from_one_ip_are_checked_no_more_than_its_limit,
    concurrent_wrong_passwords_over_two_nodes_are_checked_no_more_than_the_limit,
    wrong_current_passwords_are_limited_like_sign_ins,
    a_login_flood_waits_for_a_hashing_turn_or_gets_503_uncounted,
    a_co_owner_cannot_take_a_personal_workspace_from_its_person,
    nul_and_control_characters_are_refused_at_the_edge_naming_the_field,
    weak_passwords_and_look_alike_addresses_are_refused_at_registration,
    a_person_gets_one_trial_however_many_teams_they_make,
    registrations_from_one_address_are_limited,
    with_mail_configured_the_welcome_bonus_waits_for_the_address_to_be_proved,
    admin_routes_refuse_a_non_admin_before_reading_the_request,
    pages_and_answers_forbid_framing_inline_script_and_sniffing,
);

/// Ana shares her personal workspace and makes Budi an owner: he can do what owners do, but not
/// remove or demote her, and she cannot leave it; her requests without `X-Tenant-Id` keep landing
/// in it. She can still take his role away and remove him.
async fn a_co_owner_cannot_take_a_personal_workspace_from_its_person(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let ana = app.register_user().await;
    let budi = app.register_user().await;
    let personal = ana.personal_tenant_id;
    let members = format!("/api/tenants/{personal}/members");
    app.post(
        &members,
        &ana.access_token,
        json!({ "email": budi.email, "role": "owner" }),
    )
    .await
    .assert_status(201);
    let as_budi = |method: Method, path: String, body: Option<serde_json::Value>| {
        let (app, token) = (&app, budi.access_token.clone());
        async move { app.call(method, &path, Some(&token), body).await }
    };
    as_budi(Method::DELETE, format!("{members}/{}", ana.id), None)
        .await
        .assert_error(409, "personal_owner");
    as_budi(
        Method::PATCH,
        format!("{members}/{}", ana.id),
        Some(json!({ "role": "viewer" })),
    )
    .await
    .assert_error(409, "personal_owner");
    app.delete(&format!("{members}/{}", ana.id), &ana.access_token)
        .await
        .assert_error(409, "personal_owner");

    // Her own workspace still answers her, without naming it.
    let me = app.get("/api/credits/balance", &ana.access_token).await;
    me.assert_status(200);
    let listed = app.get(&members, &ana.access_token).await;
    listed.assert_status(200);

    // She still runs it: Budi's ownership is hers to take back.
    app.call(
        Method::PATCH,
        &format!("{members}/{}", budi.id),
        Some(&ana.access_token),
        Some(json!({ "role": "member" })),
    )
    .await
    .assert_status(200);
    app.delete(&format!("{members}/{}", budi.id), &ana.access_token)
        .await
        .assert_status(204);
}

/// U+0000 anywhere a client can put text is refused before storage with a 422 naming the field
/// (a 404 in a path), the same on both backends; PostgreSQL answered 500 and SQLite stored it.
/// Names and e-mails refuse other control characters too. A callback carrying one is refused and
/// audited.
async fn nul_and_control_characters_are_refused_at_the_edge_naming_the_field(backend: Backend) {
    let app = TestApp::spawn_with_apps(backend, vec![project_manager::app()], |_| {}).await;
    let admin = app.admin().await;
    let user = app.register_user().await;
    let tenant = user.personal_tenant_id;
    let project = app
        .post(
            "/api/apps/project-manager/projects",
            &user.access_token,
            json!({ "name": "Plain" }),
        )
        .await
        .body["project"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let before = app.wallet(tenant).await;
    let token = Some(user.access_token.as_str());
    let nul = "a\u{0}b";
    let cases: Vec<(Method, String, Option<&str>, serde_json::Value, &str)> = vec![
        (
            Method::POST,
            "/api/auth/register".into(),
            None,
            json!({ "email": format!("x{nul}@example.com"), "password": "a long enough password" }),
            "email",
        ),
        (
            Method::POST,
            "/api/auth/login".into(),
            None,
            json!({ "email": format!("x{nul}@example.com"), "password": "whatever it is" }),
            "email",
        ),
        (
            Method::PATCH,
            "/api/auth/me".into(),
            token,
            json!({ "name": nul }),
            "name",
        ),
        (
            Method::POST,
            "/api/tenants".into(),
            token,
            json!({ "name": nul }),
            "name",
        ),
        (
            Method::POST,
            format!("/api/tenants/{tenant}/members"),
            token,
            json!({ "email": nul, "role": "member" }),
            "email",
        ),
        (
            Method::POST,
            "/api/apps/project-manager/projects".into(),
            token,
            json!({ "name": nul }),
            "name",
        ),
        (
            Method::POST,
            format!("/api/apps/project-manager/projects/{project}/tasks"),
            token,
            json!({ "title": "t", "priority": nul }),
            "priority",
        ),
        (
            Method::POST,
            "/api/payments".into(),
            token,
            json!({ "packageId": nul }),
            "packageId",
        ),
        (
            Method::POST,
            "/api/subscriptions".into(),
            token,
            json!({ "planId": nul }),
            "planId",
        ),
        (
            Method::POST,
            "/api/tenants".into(),
            token,
            json!({ "name": { nul: 1 } }),
            "name.a\u{fffd}b",
        ),
    ];
    for (method, path, token, body, field) in cases {
        let response = app.call(method.clone(), &path, token, Some(body)).await;
        assert_eq!(response.status, 422, "{method} {path}: {}", response.text);
        assert!(
            response.body["error"]["fields"][field].is_array(),
            "{method} {path}: {}",
            response.text
        );
    }
    for (path, field) in [
        ("/api/admin/users?q=a%00b", "q"),
        ("/api/admin/audit?action=%00", "action"),
    ] {
        let response = app.get(path, &admin.access_token).await;
        assert_eq!(response.status, 422, "{path}: {}", response.text);
        assert!(
            response.body["error"]["fields"][field].is_array(),
            "{}",
            response.text
        );
    }
    app.get("/api/payments/ref%00", &user.access_token)
        .await
        .assert_error(404, "not_found");
    // Control characters in a name or an address.
    for (path, body) in [
        ("/api/tenants", json!({ "name": "bell\u{7}" })),
        ("/api/auth/me", json!({ "name": "two\nlines" })),
    ] {
        let method = if path == "/api/tenants" {
            Method::POST
        } else {
            Method::PATCH
        };
        let response = app
            .call(method, path, Some(&user.access_token), Some(body))
            .await;
        assert_eq!(response.status, 422, "{path}: {}", response.text);
    }
    assert_eq!(
        app.wallet(tenant).await,
        before,
        "a refused request was charged"
    );

    // A callback with U+0000 is refused and audited, with the character replaced.
    let refused = app
        .post_form(
            "/api/payments/duitku/callback",
            &[
                ("merchantOrderId", nul),
                ("merchantCode", "D1"),
                ("amount", "1"),
            ],
        )
        .await;
    refused.assert_error(400, "malformed_callback");
    let audited: i64 = lumiku_kernel::sql::query_scalar(
        "select count(*) from audit_events where action = 'payment.callback_rejected'",
    )
    .fetch_one(app.kernel.db())
    .await
    .unwrap();
    assert_eq!(audited, 1);
}

/// `password`, `12345678` and eight spaces are refused; an address in fullwidth letters is the
/// address it looks like (so it is taken), and one with a Cyrillic letter among Latin ones or a
/// zero-width space is refused.
async fn weak_passwords_and_look_alike_addresses_are_refused_at_registration(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let register = |email: &str, password: &str| {
        app.call(
            Method::POST,
            "/api/auth/register",
            None,
            Some(json!({ "email": email, "password": password })),
        )
    };
    for weak in ["password", "12345678", "        ", "iloveyou", "qwertyuiop"] {
        let refused = register("weak@example.com", weak).await;
        assert_eq!(refused.status, 422, "{weak:?}: {}", refused.text);
        assert!(
            refused.body["error"]["fields"]["password"].is_array(),
            "{weak:?}"
        );
    }
    register("ana@example.com", "a long enough password")
        .await
        .assert_status(201);
    register("ａｎａ@ｅｘａｍｐｌｅ.ｃｏｍ", "another long passphrase")
        .await
        .assert_error(409, "email_unavailable");
    for look_alike in ["\u{0430}na@example.com", "an\u{200B}a@example.com"] {
        let refused = register(look_alike, "another long passphrase").await;
        assert_eq!(refused.status, 422, "{look_alike:?}: {}", refused.text);
        assert!(refused.body["error"]["fields"]["email"].is_array());
    }
    // The fullwidth spelling signs in to the same account.
    assert_eq!(
        login(&app, "ＡＮＡ@example.com", "a long enough password").await,
        200
    );
}

/// A trial is a person's, not a tenant's: after one in her own workspace, Ana's new team is
/// invoiced for Pro; Budi, invited to the team, has his own trial to start in a team of his.
async fn a_person_gets_one_trial_however_many_teams_they_make(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let ana = app.register_user().await;
    let budi = app.register_user().await;
    let subscribe = |token: &str, tenant: Option<String>| {
        let mut request = app
            .request(Method::POST, "/api/subscriptions")
            .bearer_auth(token)
            .json(&json!({ "planId": "pro" }));
        if let Some(tenant) = tenant {
            request = request.header("x-tenant-id", tenant);
        }
        async move { TestResponse::from(request.send().await.unwrap()).await }
    };
    let team = |token: String, name: &'static str| {
        let app = &app;
        async move {
            app.post("/api/tenants", &token, json!({ "name": name }))
                .await
                .body["id"]
                .as_str()
                .unwrap()
                .to_owned()
        }
    };
    let first = subscribe(&ana.access_token, None).await;
    first.assert_status(200);
    assert_eq!(first.body["subscription"]["status"], "trialing");

    for name in ["Team one", "Team two"] {
        let tenant = team(ana.access_token.clone(), name).await;
        let again = subscribe(&ana.access_token, Some(tenant)).await;
        assert_eq!(
            again.body["invoice"]["totalIdr"], 149000,
            "{name}: {}",
            again.text
        );
        assert_ne!(again.body["subscription"]["status"], "trialing");
    }
    let theirs = team(budi.access_token.clone(), "Budi's team").await;
    let trial = subscribe(&budi.access_token, Some(theirs)).await;
    assert_eq!(
        trial.body["subscription"]["status"], "trialing",
        "{}",
        trial.text
    );
}

/// With `register_max_per_ip = 3`, a fourth account from one address within the window is
/// refused with 429 and `Retry-After`; a refused form (422) is not counted.
async fn registrations_from_one_address_are_limited(backend: Backend) {
    let app = TestApp::spawn_with(backend, |c| c.register_max_per_ip = Some(3)).await;
    let register = |email: String| {
        app.call(
            Method::POST,
            "/api/auth/register",
            None,
            Some(json!({ "email": email, "password": "a long enough password" })),
        )
    };
    register("not an address".into())
        .await
        .assert_error(422, "validation_failed");
    for i in 0..3 {
        register(format!("signup-{i}@example.com"))
            .await
            .assert_status(201);
    }
    let refused = register("signup-3@example.com".into()).await;
    refused.assert_error(429, "rate_limited");
    assert!(refused.headers.contains_key("retry-after"));
    // Signing in is another count.
    assert_eq!(
        login(&app, "signup-0@example.com", "a long enough password").await,
        200
    );
}

/// With an SMTP server configured, a new account starts at 0 credits and is mailed a link; the
/// link proves the address and grants the welcome bonus once, however often it is followed. A
/// forged or tampered token proves nothing, and an access token is not a link token.
async fn with_mail_configured_the_welcome_bonus_waits_for_the_address_to_be_proved(
    backend: Backend,
) {
    let sink = lumiku_testkit::MailSink::start().await;
    let app = TestApp::spawn_with(backend, |c| {
        c.smtp_url = Some(lumiku_server::config::Secret::from(sink.url()));
        c.mail_from = "Lumiku <no-reply@lumiku.example>".into();
    })
    .await;
    let user = app.register_user().await;
    assert_eq!(app.wallet(user.personal_tenant_id).await.balance, 0);
    let mail = sink.messages(1).await;
    assert_eq!(mail.len(), 1, "no verification mail");
    assert!(mail[0].contains(&user.email), "{}", mail[0]);
    let token = mail[0]
        .split("verify-email?token=")
        .nth(1)
        .and_then(|rest| rest.split_whitespace().next())
        .expect("a link in the mail")
        .to_owned();

    let cookie = app.browser_cookie(&user).await;
    let page = |path: &'static str| {
        let request = app
            .client
            .get(app.url(path))
            .header(reqwest::header::COOKIE, &cookie);
        async move { request.send().await.unwrap().text().await.unwrap() }
    };
    assert!(
        page("/").await.contains("id=\"verify-email\""),
        "no offer to resend"
    );

    let verify = |token: String| {
        app.call(
            Method::POST,
            "/api/auth/verify-email",
            None,
            Some(json!({ "token": token })),
        )
    };
    verify(format!("{token}x"))
        .await
        .assert_error(401, "invalid_token");
    verify(user.access_token.clone())
        .await
        .assert_error(401, "invalid_token");
    assert_eq!(app.wallet(user.personal_tenant_id).await.balance, 0);

    let proved = verify(token.clone()).await;
    assert_eq!(proved.status, 200, "{}\n{}", mail[0], proved.text);
    assert!(
        proved.body["emailVerifiedAt"].is_string(),
        "{}",
        proved.text
    );
    assert_eq!(app.wallet(user.personal_tenant_id).await.balance, 100);
    verify(token.clone()).await.assert_status(200);
    assert_eq!(
        app.wallet(user.personal_tenant_id).await.balance,
        100,
        "the bonus was granted twice"
    );
    app.wallet(user.personal_tenant_id)
        .await
        .assert_consistent();
    app.post(
        "/api/auth/verify-email/resend",
        &user.access_token,
        json!({}),
    )
    .await
    .assert_error(409, "already_verified");
    let home = page("/?email=verified").await;
    assert!(home.contains("id=\"email-notice\"") && !home.contains("id=\"verify-email\""));

    // The link in a browser: proved, then to the dashboard.
    let other = app.register_user().await;
    let mail = sink.messages(2).await;
    let link = mail[1]
        .split("verify-email?token=")
        .nth(1)
        .and_then(|rest| rest.split_whitespace().next())
        .unwrap()
        .to_owned();
    let no_redirects = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let response = no_redirects
        .get(app.url(&format!("/verify-email?token={link}")))
        .send()
        .await
        .unwrap();
    assert_eq!(response.headers()["location"], "/?email=verified");
    assert_eq!(app.wallet(other.personal_tenant_id).await.balance, 100);
}

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
