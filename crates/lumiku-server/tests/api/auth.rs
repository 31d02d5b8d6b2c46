use futures_util::future::join_all;
use lumiku_testkit::{Backend, TestApp, backend_tests};
use reqwest::Method;
use serde_json::json;

backend_tests!(
    register_returns_the_user_tokens_and_personal_tenant,
    register_normalises_the_email_and_refuses_a_duplicate_with_409,
    register_answers_invalid_fields_with_422,
    wrong_email_and_wrong_password_get_the_same_401,
    a_sign_in_rehashes_a_password_hashed_with_older_settings,
    repeated_failures_on_one_account_are_refused_with_429,
    repeated_failures_from_one_ip_are_refused_with_429,
    refresh_rotates_and_a_reused_token_ends_the_session,
    concurrent_refreshes_of_one_token_succeed_at_most_once,
    logout_ends_the_session_at_once,
    verify_answers_whose_token_it_is,
    me_reads_and_patch_changes_the_profile,
    password_change_needs_the_current_one_and_ends_other_sessions,
    admins_are_made_by_the_cli_never_by_registration,
);

async fn register_returns_the_user_tokens_and_personal_tenant(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let response = app
        .call(
            Method::POST,
            "/api/auth/register",
            None,
            Some(json!({ "email": "ana@example.com", "password": "correct horse", "name": "Ana" })),
        )
        .await;
    response.assert_status(201);
    let body = &response.body;
    assert_eq!(body["user"]["email"], "ana@example.com");
    assert_eq!(body["user"]["name"], "Ana");
    assert_eq!(body["user"]["platformRole"], "user");
    assert!(body["user"].get("passwordHash").is_none());
    assert_eq!(body["tokens"]["tokenType"], "Bearer");
    assert_eq!(body["tokens"]["expiresIn"], 900);
    assert!(body["tokens"]["refreshToken"].as_str().unwrap().len() >= 40);
    let token = body["tokens"]["accessToken"].as_str().unwrap();
    let me = app.get("/api/auth/me", token).await;
    me.assert_status(200);
    assert_eq!(me.body["email"], "ana@example.com");
    let tenants = app.get("/api/tenants", token).await;
    assert_eq!(tenants.body["items"][0]["id"], body["personalTenantId"]);
    assert_eq!(tenants.body["items"][0]["role"], "owner");
    assert_eq!(tenants.body["items"][0]["kind"], "personal");
}

async fn register_normalises_the_email_and_refuses_a_duplicate_with_409(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let first = app.register_as("  Bob@Example.COM ").await;
    assert_eq!(first.email, "bob@example.com");
    let again = app
        .call(
            Method::POST,
            "/api/auth/register",
            None,
            Some(json!({ "email": "bob@example.com", "password": "another password" })),
        )
        .await;
    again.assert_error(409, "email_unavailable");
    // The refused registration left nothing behind: still one account can log in.
    app.login(&first).await;
}

async fn register_answers_invalid_fields_with_422(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let cases = [
        (
            json!({ "email": "not-an-email", "password": "long enough" }),
            "email",
            "a malformed email",
        ),
        (
            json!({ "password": "long enough" }),
            "email",
            "a missing email",
        ),
        (
            json!({ "email": "c@example.com", "password": "short" }),
            "password",
            "a short password",
        ),
        (
            json!({ "email": "c@example.com", "password": "c@example.com" }),
            "password",
            "the email as password",
        ),
        (
            json!({ "email": "c@example.com", "password": "long enough", "name": "n".repeat(101) }),
            "name",
            "a long name",
        ),
    ];
    for (body, field, description) in cases {
        let response = app
            .call(Method::POST, "/api/auth/register", None, Some(body))
            .await;
        assert_eq!(response.status, 422, "{description}: {}", response.text);
        response.assert_error(422, "validation_failed");
        assert!(
            response.body["error"]["fields"][field].is_array(),
            "{description}: expected a message for {field}: {}",
            response.text
        );
    }
}

async fn wrong_email_and_wrong_password_get_the_same_401(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let user = app.register_user().await;
    let wrong_password = app
        .call(
            Method::POST,
            "/api/auth/login",
            None,
            Some(json!({ "email": user.email, "password": "not the password" })),
        )
        .await;
    let wrong_email = app
        .call(
            Method::POST,
            "/api/auth/login",
            None,
            Some(json!({ "email": "nobody@example.com", "password": user.password })),
        )
        .await;
    wrong_password.assert_error(401, "invalid_credentials");
    wrong_email.assert_error(401, "invalid_credentials");
    assert_eq!(
        wrong_password.body["error"]["message"],
        wrong_email.body["error"]["message"]
    );
    let again = app.login(&user).await;
    assert_ne!(again.session_id, user.session_id);
}

/// An account whose hash was made with other settings (an older default) signs in as before, and
/// its hash is made again with today's; a failed sign-in changes nothing.
async fn a_sign_in_rehashes_a_password_hashed_with_older_settings(backend: Backend) {
    use lumiku_kernel::password::{PasswordParams, Passwords};
    use lumiku_kernel::sql;
    let app = TestApp::spawn(backend).await;
    let user = app.register_user().await;
    let older = Passwords::new(PasswordParams {
        memory_kib: 2048,
        iterations: 2,
        ..PasswordParams::default()
    })
    .unwrap();
    let old_hash = older.hash(&user.password).await.unwrap();
    let stored = || async {
        sql::query_scalar::<String>("select password_hash from users where id = $1")
            .bind(user.id)
            .fetch_one(app.kernel.db())
            .await
            .unwrap()
    };
    let mut tx = app.kernel.db().begin().await.unwrap();
    sql::query("update users set password_hash = $1 where id = $2")
        .bind(&old_hash)
        .bind(user.id)
        .execute(&mut tx)
        .await
        .unwrap();
    tx.commit().await.unwrap();

    app.call(
        Method::POST,
        "/api/auth/login",
        None,
        Some(json!({ "email": user.email, "password": "not the password" })),
    )
    .await
    .assert_error(401, "invalid_credentials");
    assert_eq!(stored().await, old_hash);

    app.login(&user).await;
    let new_hash = stored().await;
    assert_ne!(new_hash, old_hash);
    assert!(new_hash.contains("$m=1024,t=1,p=1$"), "{new_hash}");
    assert!(!older.outdated(&old_hash));
    // And it is the same password.
    app.login(&user).await;
    assert_eq!(stored().await, new_hash);
}

async fn repeated_failures_on_one_account_are_refused_with_429(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let user = app.register_user().await;
    for attempt in 0..5 {
        let response = app
            .call(
                Method::POST,
                "/api/auth/login",
                None,
                Some(json!({ "email": user.email, "password": "wrong password" })),
            )
            .await;
        assert_eq!(response.status, 401, "attempt {attempt}: {}", response.text);
    }
    // Now even the right password is refused until the window passes.
    let limited = app
        .call(
            Method::POST,
            "/api/auth/login",
            None,
            Some(json!({ "email": user.email, "password": user.password })),
        )
        .await;
    limited.assert_error(429, "rate_limited");
    let retry_after: u64 = limited.headers["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!(
        (1..=900).contains(&retry_after),
        "Retry-After {retry_after}"
    );
    // Another account from the same IP is not affected (its IP limit is higher).
    let other = app.register_user().await;
    app.login(&other).await;
}

async fn repeated_failures_from_one_ip_are_refused_with_429(backend: Backend) {
    let app = TestApp::spawn_with(backend, |c| c.login_max_failures_per_ip = 3).await;
    let user = app.register_user().await;
    for n in 0..3 {
        app.call(
            Method::POST,
            "/api/auth/login",
            None,
            Some(json!({ "email": format!("stranger{n}@example.com"), "password": "whatever it is" })),
        )
        .await
        .assert_status(401);
    }
    let limited = app
        .call(
            Method::POST,
            "/api/auth/login",
            None,
            Some(json!({ "email": user.email, "password": user.password })),
        )
        .await;
    limited.assert_error(429, "rate_limited");
    assert!(limited.headers.contains_key("retry-after"));
}

async fn refresh_rotates_and_a_reused_token_ends_the_session(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let user = app.register_user().await;
    let first = app
        .call(
            Method::POST,
            "/api/auth/refresh",
            None,
            Some(json!({ "refreshToken": user.refresh_token })),
        )
        .await;
    first.assert_status(200);
    let new_access = first.body["accessToken"].as_str().unwrap().to_owned();
    let new_refresh = first.body["refreshToken"].as_str().unwrap().to_owned();
    assert_ne!(new_refresh, user.refresh_token);
    assert_eq!(first.body["sessionId"], user.session_id.to_string());
    app.get("/api/auth/me", &new_access)
        .await
        .assert_status(200);

    // The spent token comes back: someone else has it. The whole family dies.
    let reused = app
        .call(
            Method::POST,
            "/api/auth/refresh",
            None,
            Some(json!({ "refreshToken": user.refresh_token })),
        )
        .await;
    reused.assert_error(401, "refresh_token_reused");
    app.call(
        Method::POST,
        "/api/auth/refresh",
        None,
        Some(json!({ "refreshToken": new_refresh })),
    )
    .await
    .assert_error(401, "invalid_token");
    app.get("/api/auth/me", &new_access)
        .await
        .assert_error(401, "invalid_token");
    app.get("/api/auth/me", &user.access_token)
        .await
        .assert_error(401, "invalid_token");

    // An unknown token is simply invalid.
    app.call(
        Method::POST,
        "/api/auth/refresh",
        None,
        Some(json!({ "refreshToken": "made-up" })),
    )
    .await
    .assert_error(401, "invalid_token");
}

async fn concurrent_refreshes_of_one_token_succeed_at_most_once(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let user = app.register_user().await;
    let attempts = (0..8).map(|_| {
        app.call(
            Method::POST,
            "/api/auth/refresh",
            None,
            Some(json!({ "refreshToken": user.refresh_token })),
        )
    });
    let responses = join_all(attempts).await;
    let ok = responses.iter().filter(|r| r.status == 200).count();
    assert_eq!(ok, 1, "exactly one refresh may spend the token");
    for response in responses.iter().filter(|r| r.status != 200) {
        response.assert_status(401);
    }
}

async fn logout_ends_the_session_at_once(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let user = app.register_user().await;
    let other_session = app.login(&user).await;
    app.call(
        Method::POST,
        "/api/auth/logout",
        Some(&user.access_token),
        None,
    )
    .await
    .assert_status(204);
    app.get("/api/auth/me", &user.access_token)
        .await
        .assert_error(401, "invalid_token");
    app.call(
        Method::POST,
        "/api/auth/refresh",
        None,
        Some(json!({ "refreshToken": user.refresh_token })),
    )
    .await
    .assert_status(401);
    // Only that session ended.
    app.get("/api/auth/me", &other_session.access_token)
        .await
        .assert_status(200);
}

async fn verify_answers_whose_token_it_is(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let user = app.register_user().await;
    let valid = app.get("/api/auth/verify", &user.access_token).await;
    valid.assert_status(200);
    assert_eq!(valid.body["valid"], true);
    assert_eq!(valid.body["userId"], user.id.to_string());
    assert_eq!(valid.body["sessionId"], user.session_id.to_string());
    app.get("/api/auth/verify", "not-a-jwt")
        .await
        .assert_error(401, "invalid_token");
    let missing = app.call(Method::GET, "/api/auth/verify", None, None).await;
    missing.assert_error(401, "missing_token");
    assert_eq!(missing.headers["www-authenticate"], "Bearer");
}

async fn me_reads_and_patch_changes_the_profile(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let user = app.register_user().await;
    let updated = app
        .patch(
            "/api/auth/me",
            &user.access_token,
            json!({ "name": "  Citra  " }),
        )
        .await;
    updated.assert_status(200);
    assert_eq!(updated.body["name"], "Citra");
    assert_eq!(
        app.get("/api/auth/me", &user.access_token).await.body["name"],
        "Citra"
    );
    app.patch(
        "/api/auth/me",
        &user.access_token,
        json!({ "name": "x".repeat(101) }),
    )
    .await
    .assert_error(422, "validation_failed");
    let cleared = app
        .patch("/api/auth/me", &user.access_token, json!({ "name": null }))
        .await;
    assert!(cleared.body["name"].is_null());
}

async fn password_change_needs_the_current_one_and_ends_other_sessions(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let user = app.register_user().await;
    let other = app.login(&user).await;
    let wrong = app
        .post(
            "/api/auth/password",
            &user.access_token,
            json!({ "currentPassword": "nope nope", "newPassword": "a brand new password" }),
        )
        .await;
    wrong.assert_error(422, "validation_failed");
    assert!(wrong.body["error"]["fields"]["currentPassword"].is_array());
    let weak = app
        .post(
            "/api/auth/password",
            &user.access_token,
            json!({ "currentPassword": user.password, "newPassword": "short" }),
        )
        .await;
    assert!(
        weak.body["error"]["fields"]["newPassword"].is_array(),
        "{}",
        weak.text
    );

    app.post(
        "/api/auth/password",
        &user.access_token,
        json!({ "currentPassword": user.password, "newPassword": "a brand new password" }),
    )
    .await
    .assert_status(204);
    app.get("/api/auth/me", &user.access_token)
        .await
        .assert_status(200);
    app.get("/api/auth/me", &other.access_token)
        .await
        .assert_error(401, "invalid_token");
    app.call(
        Method::POST,
        "/api/auth/login",
        None,
        Some(json!({ "email": user.email, "password": user.password })),
    )
    .await
    .assert_error(401, "invalid_credentials");
    app.call(
        Method::POST,
        "/api/auth/login",
        None,
        Some(json!({ "email": user.email, "password": "a brand new password" })),
    )
    .await
    .assert_status(200);
}

async fn admins_are_made_by_the_cli_never_by_registration(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let response = app
        .call(
            Method::POST,
            "/api/auth/register",
            None,
            Some(json!({ "email": "eve@example.com", "password": "long enough", "platformRole": "admin", "role": "admin" })),
        )
        .await;
    response.assert_status(201);
    assert_eq!(response.body["user"]["platformRole"], "user");

    let admin = app
        .kernel
        .create_user("root@example.com", "an admin password", Some("Root"), true)
        .await
        .expect("creating an admin");
    assert_eq!(admin.platform_role, "admin");
    let login = app
        .call(
            Method::POST,
            "/api/auth/login",
            None,
            Some(json!({ "email": "root@example.com", "password": "an admin password" })),
        )
        .await;
    login.assert_status(200);
    assert_eq!(login.body["user"]["platformRole"], "admin");
}
