//! The dashboard's sessions over HTTP: sign-in forms with their CSRF cookie, the session cookie's
//! attributes, CSRF on cookie-authenticated writes, sign-out ending the session on the server,
//! choosing a tenant, and pages that refuse whoever may not see them.

use lumiku_testkit::{Backend, TestApp, backend_tests};
use reqwest::header::{COOKIE, LOCATION, SET_COOKIE};
use reqwest::{Method, StatusCode, redirect};
use serde_json::json;

backend_tests!(
    signed_out_pages_lead_to_the_sign_in_form_and_back,
    the_sign_in_form_needs_its_csrf_cookie_and_reports_errors_in_the_page,
    a_browser_session_is_an_http_only_cookie_and_writes_need_the_csrf_token,
    signing_out_and_changing_the_password_end_browser_sessions_on_the_server,
    the_chosen_tenant_must_be_the_callers_and_applies_to_the_api,
    pages_refuse_what_the_caller_may_not_see,
    an_owner_downloads_the_tenants_data_from_the_settings_page,
);

/// A browser: a client that does not follow redirects and sends the cookies we give it.
struct Browser {
    client: reqwest::Client,
    cookies: Vec<(String, String)>,
}

impl Browser {
    fn new() -> Self {
        Self {
            client: reqwest::Client::builder()
                .redirect(redirect::Policy::none())
                .build()
                .unwrap(),
            cookies: Vec::new(),
        }
    }

    fn cookie_header(&self) -> String {
        self.cookies
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join("; ")
    }

    fn keep_cookies(&mut self, response: &reqwest::Response) {
        for value in response.headers().get_all(SET_COOKIE) {
            let text = value.to_str().unwrap();
            let (pair, _) = text.split_once(';').unwrap_or((text, ""));
            let (name, value) = pair.split_once('=').unwrap();
            self.cookies.retain(|(k, _)| k != name);
            if !value.is_empty() {
                self.cookies.push((name.to_owned(), value.to_owned()));
            }
        }
    }

    async fn send(
        &mut self,
        request: reqwest::RequestBuilder,
    ) -> (StatusCode, String, Option<String>) {
        let response = request
            .header(COOKIE, self.cookie_header())
            .send()
            .await
            .unwrap();
        self.keep_cookies(&response);
        let status = response.status();
        let location = response
            .headers()
            .get(LOCATION)
            .map(|v| v.to_str().unwrap().to_owned());
        (status, response.text().await.unwrap(), location)
    }

    async fn get(&mut self, app: &TestApp, path: &str) -> (StatusCode, String, Option<String>) {
        let request = self.client.get(app.url(path));
        self.send(request).await
    }

    async fn form(
        &mut self,
        app: &TestApp,
        path: &str,
        fields: &[(&str, &str)],
    ) -> (StatusCode, String, Option<String>) {
        let request = self.client.post(app.url(path)).form(fields);
        self.send(request).await
    }

    async fn api(
        &mut self,
        app: &TestApp,
        method: Method,
        path: &str,
        csrf: Option<&str>,
        body: serde_json::Value,
    ) -> (StatusCode, String) {
        let mut request = self.client.request(method, app.url(path)).json(&body);
        if let Some(token) = csrf {
            request = request.header("x-csrf-token", token);
        }
        let (status, text, _) = self.send(request).await;
        (status, text)
    }

    fn cookie(&self, name: &str) -> Option<&str> {
        self.cookies
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    /// The hidden CSRF field of the last sign-in form.
    fn form_token(html: &str) -> String {
        between(html, "name=\"_csrf\" value=\"", "\"")
    }

    /// Registers through the form and returns the page's CSRF token.
    async fn register(&mut self, app: &TestApp, email: &str) -> String {
        let (_, html, _) = self.get(app, "/register").await;
        let token = Self::form_token(&html);
        let (status, _, location) = self
            .form(
                app,
                "/register",
                &[
                    ("_csrf", &token),
                    ("next", "/"),
                    ("name", ""),
                    ("email", email),
                    ("password", "a long enough password"),
                ],
            )
            .await;
        assert_eq!(status, StatusCode::SEE_OTHER);
        assert_eq!(location.as_deref(), Some("/"));
        self.page_csrf(app).await
    }

    async fn page_csrf(&mut self, app: &TestApp) -> String {
        let (status, html, _) = self.get(app, "/settings").await;
        assert_eq!(status, StatusCode::OK, "{html}");
        between(&html, "name=\"csrf-token\" content=\"", "\"")
    }
}

fn between(text: &str, start: &str, end: &str) -> String {
    let from = text
        .find(start)
        .unwrap_or_else(|| panic!("{start} not in {text}"))
        + start.len();
    let to = text[from..].find(end).unwrap() + from;
    text[from..to].to_owned()
}

async fn signed_out_pages_lead_to_the_sign_in_form_and_back(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let mut browser = Browser::new();
    for page in ["/", "/credits?before=x", "/settings", "/admin"] {
        let (status, _, location) = browser.get(&app, page).await;
        assert_eq!(status, StatusCode::SEE_OTHER, "{page}");
        let location = location.unwrap();
        assert!(
            location.starts_with("/login?next=%2F") || location.starts_with("/login?next=/"),
            "{location}"
        );
    }
    // After signing in, the form goes back to where the user was going, never off-site.
    let (_, html, _) = browser.get(&app, "/register").await;
    let token = Browser::form_token(&html);
    let (_, _, location) = browser
        .form(
            &app,
            "/register",
            &[
                ("_csrf", &token),
                ("next", "https://evil.example/"),
                ("email", "ana@example.com"),
                ("password", "a long enough password"),
            ],
        )
        .await;
    assert_eq!(location.as_deref(), Some("/"));
    let (_, html, _) = browser.get(&app, "/login?next=/credits").await;
    assert!(html.contains("name=\"next\" value=\"/credits\""), "{html}");

    // What browsers strip or rewrite before resolving (a tab, a newline, a backslash) cannot
    // smuggle another site past the check, in the page's form or in the answer to a post.
    for next in [
        "/%09/evil.example",
        "/%0A/evil.example",
        "/%0D/evil.example",
        "/%5C/evil.example",
        "%5C/evil.example",
        "//evil.example",
        "%2F%2Fevil.example",
        "/%00/evil.example",
        "%09//evil.example",
    ] {
        let (_, html, _) = browser.get(&app, &format!("/login?next={next}")).await;
        assert!(html.contains("name=\"next\" value=\"/\""), "{next}: {html}");
    }
    for next in [
        "/\t/evil.example",
        "/\\/evil.example",
        "/\n/evil.example",
        "\\\\evil.example",
    ] {
        let (_, html, _) = browser.get(&app, "/login").await;
        let token = Browser::form_token(&html);
        let (_, _, location) = browser
            .form(
                &app,
                "/login",
                &[
                    ("_csrf", &token),
                    ("next", next),
                    ("email", "ana@example.com"),
                    ("password", "a long enough password"),
                ],
            )
            .await;
        assert_eq!(location.as_deref(), Some("/"), "{next:?}");
    }
}

async fn the_sign_in_form_needs_its_csrf_cookie_and_reports_errors_in_the_page(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    app.register_as("ana@example.com").await;
    let mut browser = Browser::new();

    // A form posted without the cookie its page set (a forged cross-site form) is refused.
    let (status, html, _) = browser
        .form(
            &app,
            "/login",
            &[
                ("_csrf", "made-up"),
                ("email", "ana@example.com"),
                ("password", "a long enough password"),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert!(html.contains("expired"), "{html}");
    assert!(browser.cookie("lumiku_session").is_none());

    let (_, html, _) = browser.get(&app, "/login").await;
    let token = Browser::form_token(&html);
    let (status, html, _) = browser
        .form(
            &app,
            "/login",
            &[
                ("_csrf", &token),
                ("email", "ana@example.com"),
                ("password", "the wrong password"),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert!(html.contains("Invalid email or password"), "{html}");
    assert!(
        html.contains("value=\"ana@example.com\""),
        "the email is kept"
    );
    assert!(browser.cookie("lumiku_session").is_none());

    let (_, html, _) = browser.get(&app, "/register").await;
    let token = Browser::form_token(&html);
    let (status, html, _) = browser
        .form(
            &app,
            "/register",
            &[
                ("_csrf", &token),
                ("email", "not-an-email"),
                ("password", "short"),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(html.matches("class=\"field-error\"").count(), 2, "{html}");
}

async fn a_browser_session_is_an_http_only_cookie_and_writes_need_the_csrf_token(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let mut browser = Browser::new();
    let (_, html, _) = browser.get(&app, "/register").await;
    let token = Browser::form_token(&html);
    let response = browser
        .client
        .post(app.url("/register"))
        .header(COOKIE, browser.cookie_header())
        .form(&[
            ("_csrf", token.as_str()),
            ("email", "ana@example.com"),
            ("password", "a long enough password"),
        ])
        .send()
        .await
        .unwrap();
    let session_cookie = response
        .headers()
        .get_all(SET_COOKIE)
        .iter()
        .map(|v| v.to_str().unwrap().to_owned())
        .find(|c| c.starts_with("lumiku_session="))
        .expect("a session cookie");
    for attribute in ["HttpOnly", "SameSite=Lax", "Path=/"] {
        assert!(session_cookie.contains(attribute), "{session_cookie}");
    }
    assert!(!session_cookie.contains("Secure"), "plain http: no Secure");
    browser.keep_cookies(&response);
    let csrf = browser.page_csrf(&app).await;

    // Reads need only the cookie.
    let (status, body) = browser
        .api(&app, Method::GET, "/api/credits/balance", None, json!(null))
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    // Writes need the page's token too.
    let (status, body) = browser
        .api(
            &app,
            Method::POST,
            "/api/tenants",
            None,
            json!({ "name": "Acme" }),
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
    assert!(body.contains("csrf_failed"));
    let (status, _) = browser
        .api(
            &app,
            Method::POST,
            "/api/tenants",
            Some("0000"),
            json!({ "name": "Acme" }),
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, body) = browser
        .api(
            &app,
            Method::POST,
            "/api/tenants",
            Some(&csrf),
            json!({ "name": "Acme" }),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");

    // Another session's token does not fit this one.
    let mut other = Browser::new();
    let other_csrf = other.register(&app, "bo@example.com").await;
    let (status, _) = browser
        .api(
            &app,
            Method::POST,
            "/api/tenants",
            Some(&other_csrf),
            json!({ "name": "Acme 2" }),
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);

    // Behind TLS the cookie is Secure.
    let tls = TestApp::spawn_with(backend, |config| {
        config.public_url = Some("https://lumiku.example.com".into());
    })
    .await;
    let (_, html, _) = Browser::new().get(&tls, "/login").await;
    assert!(html.contains("_csrf"));
    let response = reqwest::get(tls.url("/login")).await.unwrap();
    let form_cookie = response.headers()[SET_COOKIE].to_str().unwrap();
    assert!(form_cookie.contains("; Secure"), "{form_cookie}");
}

async fn signing_out_and_changing_the_password_end_browser_sessions_on_the_server(
    backend: Backend,
) {
    let app = TestApp::spawn(backend).await;
    let mut browser = Browser::new();
    let csrf = browser.register(&app, "ana@example.com").await;
    let stolen = browser.cookie("lumiku_session").unwrap().to_owned();

    // Sign-out without the token is refused.
    let (status, _, _) = browser.form(&app, "/logout", &[("_csrf", "nope")]).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _, location) = browser.form(&app, "/logout", &[("_csrf", &csrf)]).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(location.as_deref(), Some("/login"));
    assert!(
        browser.cookie("lumiku_session").is_none(),
        "the cookie is cleared"
    );

    // A copy of the old cookie opens nothing any more.
    let mut thief = Browser::new();
    thief.cookies.push(("lumiku_session".into(), stolen));
    let (status, _, _) = thief.get(&app, "/").await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let (status, _) = thief
        .api(&app, Method::GET, "/api/auth/me", None, json!(null))
        .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);

    // A password change from the API ends the browser's session too.
    let mut browser = Browser::new();
    let (_, html, _) = browser.get(&app, "/login").await;
    let token = Browser::form_token(&html);
    browser
        .form(
            &app,
            "/login",
            &[
                ("_csrf", &token),
                ("email", "ana@example.com"),
                ("password", "a long enough password"),
            ],
        )
        .await;
    assert_eq!(browser.get(&app, "/").await.0, StatusCode::OK);
    let api_user = app
        .login(&lumiku_testkit::TestUser {
            id: uuid::Uuid::nil(),
            email: "ana@example.com".into(),
            password: "a long enough password".into(),
            access_token: String::new(),
            refresh_token: String::new(),
            session_id: uuid::Uuid::nil(),
            personal_tenant_id: uuid::Uuid::nil(),
        })
        .await;
    app.post(
        "/api/auth/password",
        &api_user.access_token,
        json!({ "currentPassword": "a long enough password", "newPassword": "another long password" }),
    )
    .await
    .assert_status(204);
    assert_eq!(browser.get(&app, "/").await.0, StatusCode::SEE_OTHER);
}

async fn the_chosen_tenant_must_be_the_callers_and_applies_to_the_api(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let stranger = app.register_user().await;
    let mut browser = Browser::new();
    let csrf = browser.register(&app, "ana@example.com").await;
    let (status, body) = browser
        .api(
            &app,
            Method::POST,
            "/api/tenants",
            Some(&csrf),
            json!({ "name": "Acme" }),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED);
    let acme: serde_json::Value = serde_json::from_str(&body).unwrap();
    let acme_id = acme["id"].as_str().unwrap().to_owned();

    // Someone else's tenant: not found, and the choice stays.
    let (status, html, _) = browser
        .form(
            &app,
            "/tenant",
            &[
                ("_csrf", &csrf),
                ("tenantId", &stranger.personal_tenant_id.to_string()),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND, "{html}");
    let (status, _, _) = browser
        .form(&app, "/tenant", &[("_csrf", "x"), ("tenantId", &acme_id)])
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);

    let (status, _, location) = browser
        .form(
            &app,
            "/tenant",
            &[
                ("_csrf", &csrf),
                ("tenantId", &acme_id),
                ("back", "/credits"),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(location.as_deref(), Some("/credits"));
    assert_eq!(browser.cookie("lumiku_tenant"), Some(acme_id.as_str()));
    let (_, body) = browser
        .api(&app, Method::GET, "/api/credits/balance", None, json!(null))
        .await;
    assert!(
        body.contains(&acme_id),
        "the API acts in the chosen tenant: {body}"
    );
    let (_, html, _) = browser.get(&app, "/settings").await;
    assert!(html.contains("Members of Acme"), "{html}");

    // A forged tenant cookie for a stranger's tenant falls back to the personal tenant.
    browser.cookies.retain(|(k, _)| k != "lumiku_tenant");
    browser.cookies.push((
        "lumiku_tenant".into(),
        stranger.personal_tenant_id.to_string(),
    ));
    let (_, body) = browser
        .api(&app, Method::GET, "/api/credits/balance", None, json!(null))
        .await;
    assert!(
        !body.contains(&stranger.personal_tenant_id.to_string()),
        "{body}"
    );
    let (status, html, _) = browser.get(&app, "/credits").await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        html.contains("ana@example.com"),
        "the personal tenant is shown"
    );
}

async fn pages_refuse_what_the_caller_may_not_see(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let mut browser = Browser::new();
    browser.register(&app, "ana@example.com").await;
    let (status, html, _) = browser.get(&app, "/admin").await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert!(
        html.contains("<!doctype html>"),
        "an HTML error page: {html}"
    );
    let stranger = app.register_user().await;
    let invoice = app
        .post(
            "/api/payments",
            &stranger.access_token,
            json!({ "packageId": "starter" }),
        )
        .await;
    let id = invoice.body["invoiceId"].as_str().unwrap();
    let (status, _, _) = browser.get(&app, &format!("/invoices/{id}")).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _, _) = browser.get(&app, "/apps/no-such-app").await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    // An open invoice (a package whose payment was abandoned) can be paid from the credits page.
    let csrf = browser.page_csrf(&app).await;
    let (status, body) = browser
        .api(
            &app,
            Method::POST,
            "/api/payments",
            Some(&csrf),
            json!({ "packageId": "starter" }),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let open: serde_json::Value = serde_json::from_str(&body).unwrap();
    let open_id = open["invoiceId"].as_str().unwrap();
    let (_, html, _) = browser.get(&app, "/credits").await;
    assert!(
        html.contains(&format!("data-pay-invoice=\"{open_id}\"")),
        "{html}"
    );

    let admin = app.admin().await;
    let mut admin_browser = Browser::new();
    let (_, html, _) = admin_browser.get(&app, "/login").await;
    let token = Browser::form_token(&html);
    admin_browser
        .form(
            &app,
            "/login",
            &[
                ("_csrf", &token),
                ("email", &admin.email),
                ("password", &admin.password),
            ],
        )
        .await;
    let (status, html, _) = admin_browser.get(&app, "/admin?q=ana").await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("ana@example.com"), "{html}");
    assert!(!html.contains(&stranger.email), "the search filters users");
}

async fn an_owner_downloads_the_tenants_data_from_the_settings_page(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let mut browser = Browser::new();
    let csrf = browser.register(&app, "ana@example.com").await;
    let (_, html, _) = browser.get(&app, "/settings").await;
    let href = between(&html, "id=\"export\" href=\"", "\"");
    assert!(
        href.starts_with("/api/tenants/") && href.ends_with("/export"),
        "{href}"
    );
    // The link is the API's, taken with the browser's session (a read needs no CSRF token).
    let (status, body) = browser
        .api(&app, Method::GET, &href, None, json!(null))
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let export: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(export["format"], "lumiku.tenant-export");
    assert_eq!(export["people"][0]["email"], "ana@example.com");

    // In a team where she is a member, there is no such link.
    let owner = app.register_user().await;
    let team = app
        .post(
            "/api/tenants",
            &owner.access_token,
            json!({ "name": "Acme" }),
        )
        .await;
    team.assert_status(201);
    let team_id = team.body["id"].as_str().unwrap().to_owned();
    app.post(
        &format!("/api/tenants/{team_id}/members"),
        &owner.access_token,
        json!({ "email": "ana@example.com", "role": "member" }),
    )
    .await
    .assert_status(201);
    let (status, _, _) = browser
        .form(&app, "/tenant", &[("_csrf", &csrf), ("tenantId", &team_id)])
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let (_, html, _) = browser.get(&app, "/settings").await;
    assert!(html.contains("Members of Acme"), "{html}");
    assert!(!html.contains("id=\"export\""), "{html}");
}
