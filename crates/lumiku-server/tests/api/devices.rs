use lumiku_testkit::{Backend, TestApp, TestResponse, TestUser, backend_tests};
use reqwest::Method;
use serde_json::json;

backend_tests!(
    a_login_records_its_device_and_marks_the_current_one,
    the_same_client_signs_in_on_the_same_device,
    a_device_can_be_renamed_by_its_owner_only,
    revoking_a_device_ends_its_sessions_only,
);

const FIREFOX: &str = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0";
const PHONE: &str = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 Version/17.0 Mobile/15E148 Safari/604.1";

async fn login_from(
    app: &TestApp,
    user: &TestUser,
    user_agent: &str,
    device_id: Option<&str>,
) -> TestResponse {
    let request = app
        .request(Method::POST, "/api/auth/login")
        .header("user-agent", user_agent)
        .json(&json!({ "email": user.email, "password": user.password, "deviceId": device_id }));
    TestResponse::from(request.send().await.unwrap()).await
}

fn token(response: &TestResponse) -> String {
    response.assert_status(200);
    response.body["tokens"]["accessToken"]
        .as_str()
        .unwrap()
        .to_owned()
}

async fn a_login_records_its_device_and_marks_the_current_one(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let user = app.register_user().await;
    let phone = token(&login_from(&app, &user, PHONE, None).await);
    let devices = app.get("/api/devices", &phone).await;
    devices.assert_status(200);
    let list = devices.body["items"].as_array().unwrap();
    // Registration (the test client's user agent) and the phone.
    assert_eq!(list.len(), 2, "{}", devices.text);
    let current: Vec<_> = list.iter().filter(|d| d["current"] == true).collect();
    assert_eq!(current.len(), 1);
    assert_eq!(current[0]["name"], "Safari on iOS");
    assert_eq!(current[0]["userAgent"], PHONE);
    assert_eq!(current[0]["ipAddress"], "127.0.0.1");
    assert!(current[0]["lastUsedAt"].is_string());
}

async fn the_same_client_signs_in_on_the_same_device(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let user = app.register_user().await;
    let first = token(&login_from(&app, &user, FIREFOX, Some("laptop-1")).await);
    token(&login_from(&app, &user, FIREFOX, Some("laptop-1")).await);
    token(&login_from(&app, &user, FIREFOX, Some("laptop-2")).await);
    let devices = app.get("/api/devices", &first).await;
    // Registration's device, laptop-1 (twice), laptop-2.
    assert_eq!(
        devices.body["items"].as_array().unwrap().len(),
        3,
        "{}",
        devices.text
    );
}

async fn a_device_can_be_renamed_by_its_owner_only(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let user = app.register_user().await;
    let stranger = app.register_user().await;
    let devices = app.get("/api/devices", &user.access_token).await;
    let id = devices.body["items"][0]["id"].as_str().unwrap().to_owned();
    let renamed = app
        .patch(
            &format!("/api/devices/{id}"),
            &user.access_token,
            json!({ "name": "Work laptop" }),
        )
        .await;
    renamed.assert_status(200);
    assert_eq!(renamed.body["name"], "Work laptop");
    app.patch(
        &format!("/api/devices/{id}"),
        &user.access_token,
        json!({ "name": "" }),
    )
    .await
    .assert_error(422, "validation_failed");
    app.patch(
        &format!("/api/devices/{id}"),
        &stranger.access_token,
        json!({ "name": "Mine now" }),
    )
    .await
    .assert_error(404, "not_found");
    app.delete(&format!("/api/devices/{id}"), &stranger.access_token)
        .await
        .assert_error(404, "not_found");
    assert_eq!(
        app.get("/api/devices", &user.access_token).await.body["items"][0]["name"],
        "Work laptop"
    );
}

async fn revoking_a_device_ends_its_sessions_only(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let user = app.register_user().await;
    let laptop = token(&login_from(&app, &user, FIREFOX, None).await);
    let phone_login = login_from(&app, &user, PHONE, None).await;
    let phone = token(&phone_login);
    let phone_refresh = phone_login.body["tokens"]["refreshToken"]
        .as_str()
        .unwrap()
        .to_owned();

    let devices = app.get("/api/devices", &laptop).await;
    let phone_id = devices.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["userAgent"] == PHONE)
        .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    app.delete(&format!("/api/devices/{phone_id}"), &laptop)
        .await
        .assert_status(204);

    app.get("/api/auth/me", &phone)
        .await
        .assert_error(401, "invalid_token");
    app.call(
        Method::POST,
        "/api/auth/refresh",
        None,
        Some(json!({ "refreshToken": phone_refresh })),
    )
    .await
    .assert_status(401);
    app.get("/api/auth/me", &laptop).await.assert_status(200);
    let after = app.get("/api/devices", &laptop).await;
    assert!(
        after.body["items"]
            .as_array()
            .unwrap()
            .iter()
            .all(|d| d["userAgent"] != PHONE)
    );
    app.delete(&format!("/api/devices/{phone_id}"), &laptop)
        .await
        .assert_error(404, "not_found");
}
