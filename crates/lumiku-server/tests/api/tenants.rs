use lumiku_testkit::{Backend, TestApp, TestResponse, TestUser, backend_tests};
use reqwest::Method;
use serde_json::json;

backend_tests!(
    a_user_creates_a_team_tenant_and_sees_it_listed,
    a_non_member_gets_404_for_everything_of_another_tenant,
    the_tenant_header_selects_the_request_tenant,
    roles_decide_who_manages_members,
    the_last_owner_cannot_be_removed_or_demoted,
    concurrent_demotions_never_leave_a_tenant_without_an_owner,
    a_member_can_leave,
    adding_members_validates_the_input,
);

async fn create_team(app: &TestApp, owner: &TestUser, name: &str) -> String {
    let response = app
        .post("/api/tenants", &owner.access_token, json!({ "name": name }))
        .await;
    response.assert_status(201);
    response.body["id"].as_str().unwrap().to_owned()
}

async fn add(
    app: &TestApp,
    by: &TestUser,
    tenant: &str,
    who: &TestUser,
    role: &str,
) -> TestResponse {
    app.post(
        &format!("/api/tenants/{tenant}/members"),
        &by.access_token,
        json!({ "email": who.email, "role": role }),
    )
    .await
}

async fn a_user_creates_a_team_tenant_and_sees_it_listed(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let owner = app.register_user().await;
    let response = app
        .post(
            "/api/tenants",
            &owner.access_token,
            json!({ "name": "  Acme  " }),
        )
        .await;
    response.assert_status(201);
    assert_eq!(response.body["name"], "Acme");
    assert_eq!(response.body["kind"], "team");
    assert_eq!(response.body["role"], "owner");
    let id = response.body["id"].as_str().unwrap();

    let list = app.get("/api/tenants", &owner.access_token).await;
    let tenants = list.body["items"].as_array().unwrap();
    assert_eq!(tenants.len(), 2);
    assert_eq!(tenants[0]["kind"], "personal");
    assert_eq!(tenants[1]["id"], id);
    let one = app
        .get(&format!("/api/tenants/{id}"), &owner.access_token)
        .await;
    one.assert_status(200);
    assert_eq!(one.body["name"], "Acme");
    let members = app
        .get(&format!("/api/tenants/{id}/members"), &owner.access_token)
        .await;
    assert_eq!(members.body["items"][0]["userId"], owner.id.to_string());
    assert_eq!(members.body["items"][0]["role"], "owner");

    app.post(
        "/api/tenants",
        &owner.access_token,
        json!({ "name": "   " }),
    )
    .await
    .assert_error(422, "validation_failed");
}

async fn a_non_member_gets_404_for_everything_of_another_tenant(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let owner = app.register_user().await;
    let stranger = app.register_user().await;
    let team = create_team(&app, &owner, "Secret team").await;
    let personal = owner.personal_tenant_id.to_string();
    for tenant in [&team, &personal] {
        let token = &stranger.access_token;
        app.get(&format!("/api/tenants/{tenant}"), token)
            .await
            .assert_error(404, "not_found");
        app.get(&format!("/api/tenants/{tenant}/members"), token)
            .await
            .assert_error(404, "not_found");
        app.get(&format!("/api/tenants/{tenant}/audit"), token)
            .await
            .assert_error(404, "not_found");
        add(&app, &stranger, tenant, &stranger, "owner")
            .await
            .assert_error(404, "not_found");
        app.patch(
            &format!("/api/tenants/{tenant}/members/{}", owner.id),
            token,
            json!({ "role": "viewer" }),
        )
        .await
        .assert_error(404, "not_found");
        app.delete(
            &format!("/api/tenants/{tenant}/members/{}", owner.id),
            token,
        )
        .await
        .assert_error(404, "not_found");
        let header = app
            .request(Method::GET, "/api/tenants/current")
            .bearer_auth(token)
            .header("x-tenant-id", tenant.as_str());
        TestResponse::from(header.send().await.unwrap())
            .await
            .assert_error(404, "not_found");
    }
    // A tenant that does not exist answers exactly the same.
    let missing = uuid::Uuid::now_v7();
    app.get(&format!("/api/tenants/{missing}"), &stranger.access_token)
        .await
        .assert_error(404, "not_found");
    // And the owner's view is unchanged.
    let members = app
        .get(&format!("/api/tenants/{team}/members"), &owner.access_token)
        .await;
    assert_eq!(members.body["items"].as_array().unwrap().len(), 1);
}

async fn the_tenant_header_selects_the_request_tenant(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let owner = app.register_user().await;
    let team = create_team(&app, &owner, "Header team").await;
    let default = app.get("/api/tenants/current", &owner.access_token).await;
    default.assert_status(200);
    assert_eq!(default.body["id"], owner.personal_tenant_id.to_string());
    let request = |value: &str| {
        app.request(Method::GET, "/api/tenants/current")
            .bearer_auth(&owner.access_token)
            .header("x-tenant-id", value)
    };
    let chosen = TestResponse::from(request(&team).send().await.unwrap()).await;
    chosen.assert_status(200);
    assert_eq!(chosen.body["id"], team);
    TestResponse::from(request("not-a-uuid").send().await.unwrap())
        .await
        .assert_error(404, "not_found");
}

async fn roles_decide_who_manages_members(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let owner = app.register_user().await;
    let admin = app.register_user().await;
    let member = app.register_user().await;
    let viewer = app.register_user().await;
    let newcomer = app.register_user().await;
    let team = create_team(&app, &owner, "Roles").await;
    add(&app, &owner, &team, &admin, "admin")
        .await
        .assert_status(201);
    add(&app, &owner, &team, &member, "member")
        .await
        .assert_status(201);
    let added = add(&app, &owner, &team, &viewer, "viewer").await;
    added.assert_status(201);
    assert_eq!(added.body["role"], "viewer");
    assert_eq!(added.body["email"], viewer.email);

    // Everyone reads the member list.
    let list = app
        .get(
            &format!("/api/tenants/{team}/members"),
            &viewer.access_token,
        )
        .await;
    assert_eq!(list.body["items"].as_array().unwrap().len(), 4);
    // Viewers and members manage nobody.
    add(&app, &viewer, &team, &newcomer, "viewer")
        .await
        .assert_error(403, "forbidden");
    add(&app, &member, &team, &newcomer, "viewer")
        .await
        .assert_error(403, "forbidden");
    app.patch(
        &format!("/api/tenants/{team}/members/{}", viewer.id),
        &member.access_token,
        json!({ "role": "admin" }),
    )
    .await
    .assert_error(403, "forbidden");
    // Admins manage members but not owners.
    add(&app, &admin, &team, &newcomer, "owner")
        .await
        .assert_error(403, "forbidden");
    add(&app, &admin, &team, &newcomer, "member")
        .await
        .assert_status(201);
    let promoted = app
        .patch(
            &format!("/api/tenants/{team}/members/{}", viewer.id),
            &admin.access_token,
            json!({ "role": "member" }),
        )
        .await;
    promoted.assert_status(200);
    assert_eq!(promoted.body["role"], "member");
    app.patch(
        &format!("/api/tenants/{team}/members/{}", owner.id),
        &admin.access_token,
        json!({ "role": "member" }),
    )
    .await
    .assert_error(403, "forbidden");
    app.delete(
        &format!("/api/tenants/{team}/members/{}", owner.id),
        &admin.access_token,
    )
    .await
    .assert_error(403, "forbidden");
    app.delete(
        &format!("/api/tenants/{team}/members/{}", newcomer.id),
        &admin.access_token,
    )
    .await
    .assert_status(204);
    // Only owners and admins read the audit log.
    app.get(&format!("/api/tenants/{team}/audit"), &member.access_token)
        .await
        .assert_error(403, "forbidden");
    app.get(&format!("/api/tenants/{team}/audit"), &admin.access_token)
        .await
        .assert_status(200);
    // The team now shows in the members' own tenant lists, with their role.
    let theirs = app.get("/api/tenants", &admin.access_token).await;
    assert_eq!(theirs.body["items"][1]["id"], team);
    assert_eq!(theirs.body["items"][1]["role"], "admin");
}

async fn the_last_owner_cannot_be_removed_or_demoted(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let owner = app.register_user().await;
    let second = app.register_user().await;
    let team = create_team(&app, &owner, "Owners").await;
    let me = format!("/api/tenants/{team}/members/{}", owner.id);
    app.patch(&me, &owner.access_token, json!({ "role": "admin" }))
        .await
        .assert_error(409, "last_owner");
    app.delete(&me, &owner.access_token)
        .await
        .assert_error(409, "last_owner");

    add(&app, &owner, &team, &second, "owner")
        .await
        .assert_status(201);
    app.patch(&me, &owner.access_token, json!({ "role": "admin" }))
        .await
        .assert_status(200);
    let them = format!("/api/tenants/{team}/members/{}", second.id);
    app.delete(&them, &second.access_token)
        .await
        .assert_error(409, "last_owner");
    let members = app
        .get(
            &format!("/api/tenants/{team}/members"),
            &second.access_token,
        )
        .await;
    let owners = members.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|m| m["role"] == "owner")
        .count();
    assert_eq!(owners, 1);
}

async fn concurrent_demotions_never_leave_a_tenant_without_an_owner(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let first = app.register_user().await;
    let second = app.register_user().await;
    let team = create_team(&app, &first, "Race").await;
    add(&app, &first, &team, &second, "owner")
        .await
        .assert_status(201);
    for _ in 0..3 {
        let second_path = format!("/api/tenants/{team}/members/{}", second.id);
        let first_path = format!("/api/tenants/{team}/members/{}", first.id);
        let demote_second = app.patch(
            &second_path,
            &first.access_token,
            json!({ "role": "member" }),
        );
        let demote_first = app.patch(
            &first_path,
            &second.access_token,
            json!({ "role": "member" }),
        );
        let (a, b) = tokio::join!(demote_second, demote_first);
        let statuses = [a.status, b.status];
        assert!(
            statuses.contains(&200) || statuses.iter().all(|s| *s == 409 || *s == 403),
            "{statuses:?}"
        );
        let members = app
            .get(&format!("/api/tenants/{team}/members"), &first.access_token)
            .await;
        let owners = members.body["items"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|m| m["role"] == "owner")
            .count();
        assert_eq!(
            owners, 1,
            "one demotion wins, the other must fail: {statuses:?}"
        );
        // Restore two owners for the next round.
        let (owner, demoted) = if a.status == 200 {
            (&first, &second)
        } else {
            (&second, &first)
        };
        app.patch(
            &format!("/api/tenants/{team}/members/{}", demoted.id),
            &owner.access_token,
            json!({ "role": "owner" }),
        )
        .await
        .assert_status(200);
    }
}

async fn a_member_can_leave(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let owner = app.register_user().await;
    let viewer = app.register_user().await;
    let team = create_team(&app, &owner, "Leaving").await;
    add(&app, &owner, &team, &viewer, "viewer")
        .await
        .assert_status(201);
    app.delete(
        &format!("/api/tenants/{team}/members/{}", viewer.id),
        &viewer.access_token,
    )
    .await
    .assert_status(204);
    app.get(&format!("/api/tenants/{team}"), &viewer.access_token)
        .await
        .assert_error(404, "not_found");
}

async fn adding_members_validates_the_input(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let owner = app.register_user().await;
    let other = app.register_user().await;
    let team = create_team(&app, &owner, "Validation").await;
    let path = format!("/api/tenants/{team}/members");
    let cases = [
        (
            json!({ "email": "nobody@example.com", "role": "member" }),
            "email",
            "an unknown account",
        ),
        (
            json!({ "email": "not an email", "role": "member" }),
            "email",
            "a malformed email",
        ),
        (
            json!({ "email": other.email, "role": "superuser" }),
            "role",
            "an unknown role",
        ),
    ];
    for (body, field, description) in cases {
        let response = app.post(&path, &owner.access_token, body).await;
        assert_eq!(response.status, 422, "{description}: {}", response.text);
        assert!(
            response.body["error"]["fields"][field].is_array(),
            "{description}: {}",
            response.text
        );
    }
    add(&app, &owner, &team, &other, "member")
        .await
        .assert_status(201);
    add(&app, &owner, &team, &other, "admin")
        .await
        .assert_error(409, "already_member");
}
