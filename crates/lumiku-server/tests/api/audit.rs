use lumiku_kernel::Tx;
use lumiku_kernel::sql;
use lumiku_testkit::{Backend, TestApp, backend_tests};
use reqwest::Method;
use serde_json::{Value, json};

backend_tests!(
    security_events_land_in_the_personal_tenants_log,
    tenant_and_member_changes_land_in_the_tenants_log,
    the_log_pages_newest_first_and_filters_by_action,
    a_refused_change_leaves_no_audit_entry,
    the_log_is_append_only,
    administrators_list_users_and_the_whole_platforms_log,
);

async fn administrators_list_users_and_the_whole_platforms_log(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let ana = app.register_as("ana@example.com").await;
    app.register_as("bo@example.com").await;
    let admin = app.admin().await;
    app.get("/api/admin/users", &ana.access_token)
        .await
        .assert_error(403, "forbidden");
    app.get("/api/admin/audit", &ana.access_token)
        .await
        .assert_error(403, "forbidden");

    let users = app.get("/api/admin/users?q=ana", &admin.access_token).await;
    users.assert_status(200);
    let items = users.body["items"].as_array().unwrap();
    assert_eq!(items.len(), 1);
    assert_eq!(items[0]["email"], "ana@example.com");
    assert_eq!(items[0]["balance"], 100);
    assert_eq!(
        items[0]["personalTenantId"],
        ana.personal_tenant_id.to_string()
    );
    let page = app
        .get("/api/admin/users?limit=2", &admin.access_token)
        .await;
    assert_eq!(page.body["items"].as_array().unwrap().len(), 2);
    let next = page.body["nextCursor"].as_str().unwrap();
    let rest = app
        .get(
            &format!("/api/admin/users?limit=2&before={next}"),
            &admin.access_token,
        )
        .await;
    assert_eq!(rest.body["items"].as_array().unwrap().len(), 1);

    // Events of every tenant, and those of none (a failed login for an unknown email).
    app.call(
        Method::POST,
        "/api/auth/login",
        None,
        Some(json!({ "email": "nobody@example.com", "password": "whatever it is" })),
    )
    .await
    .assert_status(401);
    let log = app
        .get(
            "/api/admin/audit?action=auth.register&limit=200",
            &admin.access_token,
        )
        .await;
    let tenants: Vec<&str> = log.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["tenantId"].as_str().unwrap())
        .collect();
    assert!(tenants.contains(&ana.personal_tenant_id.to_string().as_str()));
    assert_eq!(tenants.len(), 3, "ana, bo and the administrator");
    let failed = app
        .get(
            "/api/admin/audit?action=auth.login_failed",
            &admin.access_token,
        )
        .await;
    assert!(failed.body["items"][0]["tenantId"].is_null());
}

fn actions(page: &Value) -> Vec<String> {
    page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap().to_owned())
        .collect()
}

async fn security_events_land_in_the_personal_tenants_log(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let user = app.register_user().await;
    let tenant = user.personal_tenant_id;
    app.call(
        Method::POST,
        "/api/auth/login",
        None,
        Some(json!({ "email": user.email, "password": "wrong password" })),
    )
    .await
    .assert_status(401);
    let second = app.login(&user).await;
    let refreshed = app
        .call(
            Method::POST,
            "/api/auth/refresh",
            None,
            Some(json!({ "refreshToken": second.refresh_token })),
        )
        .await;
    refreshed.assert_status(200);
    app.call(
        Method::POST,
        "/api/auth/refresh",
        None,
        Some(json!({ "refreshToken": second.refresh_token })),
    )
    .await
    .assert_status(401);
    let third = app.login(&user).await;
    app.call(
        Method::POST,
        "/api/auth/logout",
        Some(&third.access_token),
        None,
    )
    .await
    .assert_status(204);
    app.post(
        "/api/auth/password",
        &user.access_token,
        json!({ "currentPassword": user.password, "newPassword": "another good password" }),
    )
    .await
    .assert_status(204);
    let devices = app.get("/api/devices", &user.access_token).await;
    let device = devices.body["items"][0]["id"].as_str().unwrap().to_owned();
    app.delete(&format!("/api/devices/{device}"), &user.access_token)
        .await
        .assert_status(204);

    // The device revoke ended the caller's own session too; sign in again to read the log.
    let reader = app
        .call(
            Method::POST,
            "/api/auth/login",
            None,
            Some(json!({ "email": user.email, "password": "another good password" })),
        )
        .await;
    let token = reader.body["tokens"]["accessToken"]
        .as_str()
        .unwrap()
        .to_owned();
    let log = app
        .get(&format!("/api/tenants/{tenant}/audit?limit=100"), &token)
        .await;
    log.assert_status(200);
    let actions = actions(&log.body);
    for expected in [
        "auth.register",
        "auth.login_failed",
        "auth.login",
        "auth.refresh_reused",
        "auth.logout",
        "auth.password_changed",
        "device.revoked",
    ] {
        assert!(
            actions.contains(&expected.to_owned()),
            "missing {expected} in {actions:?}"
        );
    }
    let failed = log.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["action"] == "auth.login_failed")
        .unwrap();
    assert_eq!(failed["ipAddress"], "127.0.0.1");
    assert_eq!(failed["details"]["email"], user.email);
    assert!(failed["actorUserId"].is_null());
}

async fn tenant_and_member_changes_land_in_the_tenants_log(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let owner = app.register_user().await;
    let other = app.register_user().await;
    let created = app
        .post(
            "/api/tenants",
            &owner.access_token,
            json!({ "name": "Audited" }),
        )
        .await;
    let team = created.body["id"].as_str().unwrap().to_owned();
    let members = format!("/api/tenants/{team}/members");
    app.post(
        &members,
        &owner.access_token,
        json!({ "email": other.email, "role": "member" }),
    )
    .await
    .assert_status(201);
    app.patch(
        &format!("{members}/{}", other.id),
        &owner.access_token,
        json!({ "role": "viewer" }),
    )
    .await
    .assert_status(200);
    app.delete(&format!("{members}/{}", other.id), &owner.access_token)
        .await
        .assert_status(204);
    let log = app
        .get(&format!("/api/tenants/{team}/audit"), &owner.access_token)
        .await;
    assert_eq!(
        actions(&log.body),
        [
            "member.removed",
            "member.role_changed",
            "member.added",
            "tenant.created"
        ]
    );
    let change = &log.body["items"][1];
    assert_eq!(
        change["details"],
        json!({ "from": "member", "to": "viewer" })
    );
    assert_eq!(change["actorUserId"], owner.id.to_string());
    assert_eq!(change["targetId"], other.id.to_string());
    // The team's log holds nothing of the owner's personal events.
    assert!(!actions(&log.body).contains(&"auth.register".to_owned()));
}

async fn the_log_pages_newest_first_and_filters_by_action(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let user = app.register_user().await;
    for _ in 0..4 {
        app.login(&user).await;
    }
    let base = format!("/api/tenants/{}/audit", user.personal_tenant_id);
    let first = app
        .get(&format!("{base}?limit=2"), &user.access_token)
        .await;
    assert_eq!(first.body["items"].as_array().unwrap().len(), 2);
    let cursor = first.body["nextCursor"].as_str().unwrap().to_owned();
    let second = app
        .get(
            &format!("{base}?limit=2&before={cursor}"),
            &user.access_token,
        )
        .await;
    let third = app
        .get(
            &format!(
                "{base}?limit=2&before={}",
                second.body["nextCursor"].as_str().unwrap()
            ),
            &user.access_token,
        )
        .await;
    let mut ids: Vec<String> = [&first, &second, &third]
        .iter()
        .flat_map(|p| {
            p.body["items"]
                .as_array()
                .unwrap()
                .iter()
                .map(|e| e["id"].as_str().unwrap().to_owned())
        })
        .collect();
    assert_eq!(ids.len(), 5, "four logins and the registration");
    assert!(third.body["nextCursor"].is_null());
    let sorted = {
        let mut s = ids.clone();
        s.sort();
        s.reverse();
        s
    };
    assert_eq!(ids, sorted, "newest first");
    ids.dedup();
    assert_eq!(ids.len(), 5, "no entry on two pages");

    let logins = app
        .get(&format!("{base}?action=auth.login"), &user.access_token)
        .await;
    assert_eq!(actions(&logins.body), vec!["auth.login"; 4]);
    app.get(&format!("{base}?before=not-a-uuid"), &user.access_token)
        .await
        .assert_error(400, "invalid_query");
}

async fn a_refused_change_leaves_no_audit_entry(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let owner = app.register_user().await;
    let team = app
        .post(
            "/api/tenants",
            &owner.access_token,
            json!({ "name": "Atomic" }),
        )
        .await;
    let team = team.body["id"].as_str().unwrap().to_owned();
    app.patch(
        &format!("/api/tenants/{team}/members/{}", owner.id),
        &owner.access_token,
        json!({ "role": "viewer" }),
    )
    .await
    .assert_error(409, "last_owner");
    let log = app
        .get(&format!("/api/tenants/{team}/audit"), &owner.access_token)
        .await;
    assert_eq!(actions(&log.body), ["tenant.created"]);
    let members = app
        .get(&format!("/api/tenants/{team}/members"), &owner.access_token)
        .await;
    assert_eq!(members.body["items"][0]["role"], "owner");
}

async fn the_log_is_append_only(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    app.register_user().await;
    let mut tx: Tx = app.kernel.db().begin().await.unwrap();
    let update = sql::query("update audit_events set action = 'forged'")
        .execute(&mut tx)
        .await
        .map(|r| r.rows_affected());
    assert!(update.is_err(), "an audit entry was changed");
    drop(tx);
    let mut tx: Tx = app.kernel.db().begin().await.unwrap();
    let delete = sql::query("delete from audit_events")
        .execute(&mut tx)
        .await
        .map(|r| r.rows_affected());
    assert!(delete.is_err(), "an audit entry was deleted");
}
