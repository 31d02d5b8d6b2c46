//! The dashboard in a real headless Chromium (Debian's `chromium` and `chromium-driver`), on both
//! backends: register → dashboard → Project Manager → create a project (the badge drops by its
//! cost) → spend down to 402 → buy a package in the sandbox gateway → balance restored, then
//! settings, sign out, and the admin page. Every page is screenshotted under
//! `$CARGO_TARGET_TMPDIR/e2e-screenshots/<backend>/`, and checked for overflow at 360 px.
//!
//! Without Chromium the test says so and passes without running (set `LUMIKU_E2E_REQUIRED=1` to
//! make a missing browser fail instead, as CI does).

use lumiku_kernel::sql;
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::{Duration, Instant};

use fantoccini::{Client, ClientBuilder, Locator};
use lumiku_testkit::{Backend, TestApp, backend_tests};
use serde_json::{Value, json};
use tokio::process::{Child, Command};

backend_tests!(
    a_new_user_buys_credits_after_spending_them_in_the_browser,
    a_team_schedules_a_reminder_in_the_browser,
    two_members_chat_live_in_the_browser,
    a_file_is_uploaded_previewed_and_shared_in_the_browser,
    an_invoice_is_written_issued_shared_and_paid_in_the_browser,
    the_tenants_spending_is_charted_and_exported_in_the_browser,
);

const CHROMIUM: &str = "/usr/bin/chromium";
const CHROMEDRIVER: &str = "/usr/bin/chromedriver";

/// Chromedriver on a free port, stopped when dropped.
struct Driver {
    _process: Child,
    url: String,
    profile: PathBuf,
}

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.profile);
    }
}

async fn start_driver() -> Option<Driver> {
    if !Path::new(CHROMIUM).exists() || !Path::new(CHROMEDRIVER).exists() {
        assert!(
            std::env::var_os("LUMIKU_E2E_REQUIRED").is_none(),
            "LUMIKU_E2E_REQUIRED is set but {CHROMIUM} or {CHROMEDRIVER} is missing"
        );
        eprintln!(
            "skipped: the browser test needs Debian's chromium and chromium-driver \
             (apt-get install chromium chromium-driver)"
        );
        return None;
    }
    let port = {
        let probe = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        probe.local_addr().unwrap().port()
    };
    let process = Command::new(CHROMEDRIVER)
        .arg(format!("--port={port}"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .kill_on_drop(true)
        .spawn()
        .expect("starting chromedriver");
    let deadline = Instant::now() + Duration::from_secs(15);
    while tokio::net::TcpStream::connect(("127.0.0.1", port))
        .await
        .is_err()
    {
        assert!(Instant::now() < deadline, "chromedriver did not start");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let profile =
        std::env::temp_dir().join(format!("lumiku-chromium-{}", uuid::Uuid::now_v7().simple()));
    Some(Driver {
        _process: process,
        url: format!("http://127.0.0.1:{port}"),
        profile,
    })
}

async fn browser(driver: &Driver) -> Client {
    browser_in(driver, &driver.profile).await
}

/// A browser with a profile of its own (two browsers at once cannot share one).
async fn browser_in(driver: &Driver, profile: &Path) -> Client {
    let mut capabilities = serde_json::Map::new();
    capabilities.insert(
        "goog:chromeOptions".into(),
        json!({
            "binary": CHROMIUM,
            "args": [
                "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--no-first-run", "--disable-quic", "--window-size=1280,900",
                format!("--user-data-dir={}", profile.display()),
            ],
        }),
    );
    ClientBuilder::new(hyper_util::client::legacy::connect::HttpConnector::new())
        .capabilities(capabilities)
        .connect(&driver.url)
        .await
        .expect("a WebDriver session")
}

/// Screenshots and overflow checks, page by page.
struct Pages<'a> {
    client: &'a Client,
    dir: PathBuf,
    count: usize,
}

impl Pages<'_> {
    /// Saves a screenshot named `name`, and checks the page does not overflow at 360 px.
    async fn capture(&mut self, name: &str) {
        self.count += 1;
        let png = self.client.screenshot().await.expect("a screenshot");
        let path = self.dir.join(format!("{:02}-{name}.png", self.count));
        std::fs::write(&path, png).expect("writing the screenshot");
        self.client.set_window_size(360, 740).await.unwrap();
        let overflow = self
            .client
            .execute(
                "return document.documentElement.scrollWidth - document.documentElement.clientWidth;",
                vec![],
            )
            .await
            .unwrap();
        let offenders = self
            .client
            .execute(
                "const w = document.documentElement.clientWidth; return [...document.querySelectorAll('body *')]\
                 .filter(e => e.getBoundingClientRect().right > w + 1)\
                 .slice(0, 8).map(e => e.tagName + '.' + e.className + ' ' + Math.round(e.getBoundingClientRect().right));",
                vec![],
            )
            .await
            .unwrap();
        let narrow = self.client.screenshot().await.unwrap();
        std::fs::write(
            self.dir.join(format!("{:02}-{name}-360px.png", self.count)),
            narrow,
        )
        .unwrap();
        self.client.set_window_size(1280, 900).await.unwrap();
        assert!(
            overflow.as_i64().unwrap_or(0) <= 0,
            "{name} scrolls sideways at 360 px by {overflow}: {offenders}"
        );
    }
}

async fn eval(client: &Client, script: &str) -> Value {
    client
        .execute(script, vec![])
        .await
        .expect("running a script")
}

/// Waits until `condition` (a JavaScript expression) is true.
async fn wait_for(client: &Client, condition: &str, what: &str) {
    let script = format!("return Boolean({condition});");
    let deadline = Instant::now() + Duration::from_secs(15);
    loop {
        if let Ok(Value::Bool(true)) = client.execute(&script, vec![]).await {
            return;
        }
        if Instant::now() > deadline {
            let url = client.current_url().await.map(|u| u.to_string());
            let body = eval(
                client,
                "return document.body ? document.body.innerText : ''",
            )
            .await;
            panic!("timed out waiting for {what} at {url:?}; page text: {body}");
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

async fn balance(client: &Client) -> i64 {
    eval(
        client,
        "return Number(document.getElementById('balance').dataset.balance);",
    )
    .await
    .as_i64()
    .unwrap()
}

async fn fill(client: &Client, css: &str, text: &str) {
    let field = client.find(Locator::Css(css)).await.expect(css);
    field.clear().await.unwrap();
    field.send_keys(text).await.unwrap();
}

/// Clicks `css`. When something covers it (the sticky top bar over an element scrolled under it,
/// or a layout still settling after the 360 px check), it is scrolled to the middle of the window
/// and clicked again.
async fn click(client: &Client, css: &str) {
    let mut tries = 0;
    loop {
        let element = client.find(Locator::Css(css)).await.expect(css);
        match element.click().await {
            Ok(_) => return,
            Err(fantoccini::error::CmdError::Standard(e))
                if e.error == fantoccini::error::ErrorStatus::ElementClickIntercepted
                    && tries < 20 =>
            {
                tries += 1;
                let element = serde_json::to_value(&element).unwrap();
                client
                    .execute(
                        "arguments[0].scrollIntoView({block: 'center'});",
                        vec![element],
                    )
                    .await
                    .unwrap();
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
            Err(other) => panic!("clicking {css}: {other}"),
        }
    }
}

/// Signs `user` in through the login page and waits for the dashboard.
async fn sign_in(client: &Client, app: &TestApp, user: &lumiku_testkit::TestUser) {
    client.goto(&app.url("/login")).await.unwrap();
    fill(client, "#email", &user.email).await;
    fill(client, "#password", &user.password).await;
    click(client, "#submit").await;
    wait_for(
        client,
        "document.getElementById('balance')",
        "the dashboard",
    )
    .await;
}

async fn path(client: &Client) -> String {
    client.current_url().await.unwrap().path().to_owned()
}

/// Creates a project through the page's form and waits for the reload.
async fn create_project(client: &Client, name: &str) {
    fill(client, "#project-name", name).await;
    click(client, "#create-project").await;
}

async fn a_new_user_buys_credits_after_spending_them_in_the_browser(backend: Backend) {
    let Some(driver) = start_driver().await else {
        return;
    };
    let app = TestApp::spawn_with_apps(backend, vec![project_manager::app()], |config| {
        config.welcome_bonus_credits = 12;
    })
    .await;
    let admin = app.admin().await;
    let client = browser(&driver).await;
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR"))
        .join("e2e-screenshots")
        .join(format!("{backend:?}").to_lowercase());
    std::fs::create_dir_all(&dir).unwrap();
    let mut pages = Pages {
        client: &client,
        dir,
        count: 0,
    };

    // Unsigned: every page leads to the sign-in form.
    client.goto(&app.url("/credits")).await.unwrap();
    assert_eq!(path(&client).await, "/login");
    pages.capture("sign-in").await;

    // Register, with a field error from the server first.
    client.goto(&app.url("/register")).await.unwrap();
    fill(&client, "#name", "Ana").await;
    fill(&client, "#email", "ana@example.com").await;
    fill(&client, "#password", "short").await;
    click(&client, "#submit").await;
    wait_for(
        &client,
        "document.querySelector('.field-error')",
        "the password's field error",
    )
    .await;
    pages.capture("register-with-error").await;
    fill(&client, "#email", "ana@example.com").await;
    fill(&client, "#password", "correct horse battery").await;
    click(&client, "#submit").await;
    wait_for(
        &client,
        "location.pathname === '/' && document.getElementById('balance')",
        "the dashboard",
    )
    .await;
    assert_eq!(balance(&client).await, 12);
    let card = eval(
        &client,
        "return document.querySelector('[data-app=\"project-manager\"]').textContent",
    )
    .await;
    let card = card.as_str().unwrap();
    assert!(
        card.contains("Project Manager") && card.contains("createProject"),
        "{card}"
    );
    pages.capture("dashboard").await;

    // Open the app and create a project: the badge drops by its cost.
    click(&client, "[data-app=\"project-manager\"] a").await;
    wait_for(
        &client,
        "document.getElementById('new-project')",
        "the Project Manager page",
    )
    .await;
    let button = eval(
        &client,
        "return document.getElementById('create-project').innerText",
    )
    .await;
    assert!(button.as_str().unwrap().contains("5 credits"), "{button}");
    pages.capture("project-manager").await;
    create_project(&client, "Launch plan").await;
    wait_for(
        &client,
        "document.querySelectorAll('[data-project]').length === 1",
        "the first project",
    )
    .await;
    assert_eq!(balance(&client).await, 7);
    fill(&client, ".add-task input[name=title]", "Write the brief").await;
    click(&client, ".add-task button[type=submit]").await;
    wait_for(
        &client,
        "document.querySelectorAll('.task').length === 1",
        "the task",
    )
    .await;
    assert_eq!(balance(&client).await, 6);
    pages.capture("project-with-task").await;

    // A validation error is shown beside its field and costs nothing.
    fill(&client, "#project-name", " ").await;
    click(&client, "#create-project").await;
    wait_for(
        &client,
        "document.querySelector('[data-error-for=name]:not([hidden])')",
        "the name's field error",
    )
    .await;
    assert_eq!(balance(&client).await, 6);

    // Spend down: 6 → 1, then a 402 offers to buy credits instead of an error.
    create_project(&client, "Second").await;
    wait_for(
        &client,
        "document.querySelectorAll('[data-project]').length === 2",
        "the second project",
    )
    .await;
    assert_eq!(balance(&client).await, 1);
    create_project(&client, "Third").await;
    wait_for(
        &client,
        "document.getElementById('need-credits').open",
        "the buy-credits offer",
    )
    .await;
    let offer = eval(
        &client,
        "return document.getElementById('need-credits').innerText",
    )
    .await;
    assert!(offer.as_str().unwrap().contains("5"), "{offer}");
    pages.capture("insufficient-credits").await;
    assert_eq!(
        app.wallet(uuid_of(&app, "ana@example.com").await)
            .await
            .balance,
        1
    );

    // Buy the starter package in the sandbox gateway.
    click(&client, "#need-credits a.button").await;
    wait_for(
        &client,
        "location.pathname === '/credits' && document.querySelector('[data-buy=starter]')",
        "the credits page",
    )
    .await;
    pages.capture("credits").await;
    click(&client, "[data-buy=starter]").await;
    wait_for(
        &client,
        "location.pathname.startsWith('/pay/sandbox/')",
        "the sandbox payment page",
    )
    .await;
    pages.capture("sandbox-payment").await;
    click(&client, "#sandbox-pay").await;
    wait_for(
        &client,
        "location.pathname === '/pay/return'",
        "the return page",
    )
    .await;
    let status = eval(
        &client,
        "return document.getElementById('payment-status').innerText",
    )
    .await;
    assert_eq!(status, "Payment successful");
    pages.capture("payment-return").await;
    click(&client, "a.button.primary").await;
    wait_for(
        &client,
        "location.pathname === '/credits'",
        "the credits page again",
    )
    .await;
    assert_eq!(balance(&client).await, 101, "1 left + 100 bought");
    let ledger = eval(
        &client,
        "return document.getElementById('ledger').textContent",
    )
    .await;
    assert!(ledger.as_str().unwrap().contains("purchase"), "{ledger}");

    // The restored balance pays again.
    client
        .goto(&app.url("/apps/project-manager"))
        .await
        .unwrap();
    create_project(&client, "Third").await;
    wait_for(
        &client,
        "document.querySelectorAll('[data-project]').length === 3",
        "the third project",
    )
    .await;
    assert_eq!(balance(&client).await, 96);

    // The catalogue: uninstall the app (its card leaves the dashboard), then install it again
    // (free: the balance stays) and its projects are back.
    client.goto(&app.url("/catalogue")).await.unwrap();
    let installed = "[data-catalogue=\"project-manager\"][data-installed=\"true\"]";
    wait_for(
        &client,
        &format!("document.querySelector('{installed}')"),
        "the catalogue with the app installed",
    )
    .await;
    pages.capture("catalogue").await;
    click(&client, "[data-uninstall=\"project-manager\"]").await;
    wait_for(
        &client,
        "document.querySelector('[data-catalogue=\"project-manager\"][data-installed=\"false\"]')",
        "the app uninstalled",
    )
    .await;
    pages.capture("catalogue-uninstalled").await;
    client.goto(&app.url("/")).await.unwrap();
    wait_for(
        &client,
        "document.querySelector('.empty') && !document.querySelector('[data-app=\"project-manager\"]')",
        "the dashboard without the app",
    )
    .await;
    client.goto(&app.url("/catalogue")).await.unwrap();
    click(&client, "[data-install=\"project-manager\"]").await;
    wait_for(
        &client,
        &format!("document.querySelector('{installed}')"),
        "the app installed again",
    )
    .await;
    assert_eq!(balance(&client).await, 96);
    click(&client, "[data-catalogue=\"project-manager\"] a.button").await;
    wait_for(
        &client,
        "document.querySelectorAll('[data-project]').length === 3",
        "the projects back after the reinstall",
    )
    .await;

    client.goto(&app.url("/settings")).await.unwrap();
    wait_for(
        &client,
        "document.getElementById('members')",
        "the settings page",
    )
    .await;
    pages.capture("settings").await;

    // Sign out ends the session on the server: the old cookie no longer opens a page.
    click(&client, ".logout button").await;
    wait_for(
        &client,
        "location.pathname === '/login'",
        "the sign-in page after signing out",
    )
    .await;
    client.goto(&app.url("/")).await.unwrap();
    assert_eq!(path(&client).await, "/login");

    // An administrator signs in, through a link whose `next` hides another site behind a tab
    // (browsers strip it, and would read `/\t/evil.example` as `//evil.example`): the sign-in
    // stays on this site.
    client
        .goto(&app.url("/login?next=%2F%09%2Fevil.example"))
        .await
        .unwrap();
    fill(&client, "#email", &admin.email).await;
    fill(&client, "#password", &admin.password).await;
    click(&client, "#submit").await;
    wait_for(
        &client,
        "location.pathname === '/' || location.hostname === 'evil.example'",
        "the admin's dashboard",
    )
    .await;
    let here = client.current_url().await.unwrap();
    assert_eq!(
        (here.host_str(), here.path()),
        (Some("127.0.0.1"), "/"),
        "the sign-in left the site"
    );
    client.goto(&app.url("/admin")).await.unwrap();
    wait_for(
        &client,
        "document.getElementById('admin-apps')",
        "the admin page",
    )
    .await;
    let users = eval(
        &client,
        "return document.getElementById('admin-users').innerText",
    )
    .await;
    assert!(
        users.as_str().unwrap().contains("ana@example.com"),
        "{users}"
    );
    pages.capture("admin").await;

    // Coming soon: the card says so and the app cannot be opened.
    client
        .execute(
            "document.querySelector('[data-app=\"project-manager\"] input[name=comingSoon]').form.requestSubmit();",
            vec![],
        )
        .await
        .unwrap();
    wait_for(
        &client,
        "document.querySelector('[data-app=\"project-manager\"]').innerText.includes('Launch')",
        "the app marked coming soon",
    )
    .await;
    client.goto(&app.url("/")).await.unwrap();
    let card = eval(
        &client,
        "return document.querySelector('[data-app=\"project-manager\"]').textContent",
    )
    .await;
    assert!(card.as_str().unwrap().contains("Coming soon"), "{card}");
    let link = eval(
        &client,
        "return document.querySelector('[data-app=\"project-manager\"] a') === null",
    )
    .await;
    assert_eq!(link, Value::Bool(true), "a coming-soon card has no link");
    pages.capture("dashboard-coming-soon").await;
    client
        .goto(&app.url("/apps/project-manager"))
        .await
        .unwrap();
    let text = eval(&client, "return document.body.innerText").await;
    assert!(text.as_str().unwrap().contains("coming soon"), "{text}");

    let dir = pages.dir.clone();
    drop(pages);
    client.close().await.unwrap();
    eprintln!("screenshots in {}", dir.display());
}

/// The Task Scheduler in the browser: the schedule checked live as it is typed, a reminder task
/// created through the form, "run now", the reminder behind the bell, and the run history.
async fn a_team_schedules_a_reminder_in_the_browser(backend: Backend) {
    let Some(driver) = start_driver().await else {
        return;
    };
    let app = TestApp::spawn_with_apps(backend, vec![task_scheduler::app()], |config| {
        config.welcome_bonus_credits = 10;
    })
    .await;
    let user = app.register_user().await;
    let client = browser(&driver).await;
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR"))
        .join("e2e-screenshots")
        .join(format!("{backend:?}-scheduler").to_lowercase());
    std::fs::create_dir_all(&dir).unwrap();
    let mut pages = Pages {
        client: &client,
        dir,
        count: 0,
    };
    sign_in(&client, &app, &user).await;
    client.goto(&app.url("/apps/task-scheduler")).await.unwrap();
    wait_for(
        &client,
        "document.querySelector('#schedule-preview ol li')",
        "the preview of the default schedule",
    )
    .await;
    let first = eval(
        &client,
        "return document.querySelectorAll('#schedule-preview ol li').length",
    )
    .await;
    assert_eq!(first, json!(5), "five next runs");

    // A wrong expression is caught as it is typed, before anything is sent.
    fill(&client, "#task-cron", "0 25 * * *").await;
    wait_for(
        &client,
        "document.getElementById('schedule-preview').classList.contains('invalid')",
        "the live check of a wrong expression",
    )
    .await;
    pages.capture("scheduler-invalid-cron").await;
    fill(&client, "#task-cron", "30 8 * * MON-FRI").await;
    wait_for(
        &client,
        "!document.getElementById('schedule-preview').classList.contains('invalid') && document.querySelector('#schedule-preview ol li')",
        "the preview of the corrected expression",
    )
    .await;

    // A reminder for oneself.
    fill(&client, "#task-name", "Daily stand-up").await;
    eval(
        &client,
        "document.getElementById('task-action-type').value = 'reminder'; return true;",
    )
    .await;
    fill(&client, "#task-message", "Stand-up in 5 minutes").await;
    click(&client, "#create-task").await;
    wait_for(
        &client,
        "document.querySelectorAll('[data-task]').length === 1",
        "the task in the list",
    )
    .await;
    assert_eq!(balance(&client).await, 8, "creating costs 2");
    let next = eval(
        &client,
        "return document.querySelector('[data-task] .next-run').textContent",
    )
    .await;
    assert!(next.as_str().unwrap().contains("UTC"), "{next}");
    pages.capture("scheduler-task").await;

    // Run it now: 1 credit, and the reminder arrives behind the bell.
    click(&client, "[data-task] .run-now").await;
    let deadline = Instant::now() + Duration::from_secs(15);
    loop {
        client.goto(&app.url("/apps/task-scheduler")).await.unwrap();
        let unread = eval(
            &client,
            "return document.getElementById('unread-count').textContent",
        )
        .await;
        if unread == json!("1") {
            break;
        }
        assert!(Instant::now() < deadline, "the reminder never arrived");
        tokio::time::sleep(Duration::from_millis(300)).await;
    }
    assert_eq!(balance(&client).await, 7, "the run costs 1");
    click(&client, "#notifications summary").await;
    let text = eval(
        &client,
        "return document.getElementById('notifications').innerText",
    )
    .await;
    assert!(
        text.as_str().unwrap().contains("Stand-up in 5 minutes"),
        "{text}"
    );
    pages.capture("scheduler-reminder").await;
    click(&client, "#mark-read").await;
    wait_for(
        &client,
        "document.getElementById('unread-count').textContent === '0'",
        "the reminders read",
    )
    .await;

    // The run history.
    click(&client, "[data-task] a[href*='task=']").await;
    wait_for(
        &client,
        "document.querySelector('#history .run-outcome')",
        "the run history",
    )
    .await;
    let outcome = eval(
        &client,
        "return document.querySelector('#history .run-outcome').textContent",
    )
    .await;
    assert_eq!(outcome, json!("succeeded"));
    pages.capture("scheduler-history").await;
    drop(pages);
    client.close().await.unwrap();
}

/// Team Chat in two browsers at once: Ana and Budi in one team, each on the chat page over the
/// realtime connection. A message is delivered live to the other (its HTML payload inert), the
/// other's "typing…" shows, an answer comes back, and another channel's unread badge counts up.
async fn two_members_chat_live_in_the_browser(backend: Backend) {
    let Some(driver) = start_driver().await else {
        return;
    };
    let app = TestApp::spawn_with_apps(backend, vec![team_chat::app()], |config| {
        config.welcome_bonus_credits = 10;
    })
    .await;
    let ana = app.register_as("ana@example.com").await;
    let budi = app.register_as("budi@example.com").await;
    let team = app
        .post("/api/tenants", &ana.access_token, json!({ "name": "Ops" }))
        .await
        .body["id"]
        .as_str()
        .unwrap()
        .to_owned();
    app.post(
        &format!("/api/tenants/{team}/members"),
        &ana.access_token,
        json!({ "email": budi.email, "role": "member" }),
    )
    .await
    .assert_status(201);
    let admin = app.admin().await;
    app.post(
        &format!("/api/admin/tenants/{team}/credits"),
        &admin.access_token,
        json!({ "amount": 20, "kind": "grant", "reason": "Chat" }),
    )
    .await
    .assert_status(201);
    let create = |name: &'static str| {
        let request = app
            .request(reqwest::Method::POST, "/api/apps/team-chat/channels")
            .bearer_auth(&ana.access_token)
            .header("x-tenant-id", team.as_str())
            .json(&json!({ "name": name }));
        async move {
            let body: Value = request.send().await.unwrap().json().await.unwrap();
            body["channel"]["id"].as_str().unwrap().to_owned()
        }
    };
    let general = create("general").await;
    let random = create("random").await;

    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR"))
        .join("e2e-screenshots")
        .join(format!("{backend:?}-chat").to_lowercase());
    std::fs::create_dir_all(&dir).unwrap();
    let second_profile = driver.profile.with_extension("second");
    let ana_browser = browser(&driver).await;
    let budi_browser = browser_in(&driver, &second_profile).await;
    for (client, user) in [(&ana_browser, &ana), (&budi_browser, &budi)] {
        sign_in(client, &app, user).await;
        eval(
            client,
            &format!(
                "document.getElementById('tenant-select').value = '{team}'; \
                 document.querySelector('form.tenant-switch').submit(); return true;"
            ),
        )
        .await;
        wait_for(
            client,
            &format!("document.getElementById('tenant-select').value === '{team}'"),
            "the team chosen",
        )
        .await;
        client
            .goto(&app.url(&format!("/apps/team-chat?channel={general}")))
            .await
            .unwrap();
        wait_for(
            client,
            "document.getElementById('chat-status').dataset.live === 'true'",
            "the realtime connection",
        )
        .await;
    }
    let before = balance(&ana_browser).await;

    // Ana writes; Budi's page shows it without a reload, and none of its HTML runs.
    let payload =
        "Hello **Budi** <img src=x onerror=\"window.__xss=1\"> <script>window.__xss=2</script>";
    fill(&ana_browser, "#composer-body", payload).await;
    click(&ana_browser, "#send").await;
    wait_for(
        &budi_browser,
        "[...document.querySelectorAll('#messages .message-body')].some(b => b.textContent.includes('Hello'))",
        "Ana's message, live",
    )
    .await;
    let inert = eval(
        &budi_browser,
        "return [window.__xss === undefined, document.querySelectorAll('#messages img, #messages script').length, \
         document.querySelector('#messages .message:last-child strong:not(.message-meta strong)')?.textContent || '', \
         document.querySelector('#messages .message:last-child .message-body').textContent];",
    )
    .await;
    assert_eq!(inert[0], json!(true), "a payload ran: {inert}");
    assert_eq!(inert[1], json!(0), "an element was injected: {inert}");
    assert!(
        inert[3].as_str().unwrap().contains("<img src=x"),
        "shown as text: {inert}"
    );
    assert_eq!(balance(&ana_browser).await, before - 1, "a message costs 1");

    // Budi types: Ana sees it; Budi answers: Ana sees the answer.
    fill(&budi_browser, "#composer-body", "Hi").await;
    wait_for(
        &ana_browser,
        "document.getElementById('typing').textContent.includes('typing')",
        "Budi typing",
    )
    .await;
    let mut ana_pages = Pages {
        client: &ana_browser,
        dir: dir.clone(),
        count: 0,
    };
    ana_pages.capture("chat-typing").await;
    fill(&budi_browser, "#composer-body", "Hi Ana, got it").await;
    click(&budi_browser, "#send").await;
    wait_for(
        &ana_browser,
        "[...document.querySelectorAll('#messages .message-body')].some(b => b.textContent.includes('got it'))",
        "Budi's answer, live",
    )
    .await;
    let typing = eval(
        &ana_browser,
        "return document.getElementById('typing').textContent",
    )
    .await;
    assert_eq!(typing, json!(""), "the answer ends the typing notice");

    // A message in another channel counts up its badge on Ana's page.
    app.request(
        reqwest::Method::POST,
        &format!("/api/apps/team-chat/channels/{random}/messages"),
    )
    .bearer_auth(&budi.access_token)
    .header("x-tenant-id", team.as_str())
    .json(&json!({ "body": "over in random" }))
    .send()
    .await
    .unwrap();
    wait_for(
        &ana_browser,
        &format!("document.querySelector('[data-unread=\"{random}\"]').textContent === '1' && !document.querySelector('[data-unread=\"{random}\"]').hidden"),
        "the unread badge",
    )
    .await;
    ana_pages.capture("chat-two-users").await;

    // Budi opens a channel: Ana's list shows it, and counts its messages, without a reload.
    eval(&ana_browser, "window.__sameDocument = true; return true;").await;
    let created = app
        .request(reqwest::Method::POST, "/api/apps/team-chat/channels")
        .bearer_auth(&budi.access_token)
        .header("x-tenant-id", team.as_str())
        .json(&json!({ "name": "launch" }))
        .send()
        .await
        .unwrap();
    let launch: Value = created.json().await.unwrap();
    let launch = launch["channel"]["id"].as_str().unwrap().to_owned();
    wait_for(
        &ana_browser,
        &format!("document.querySelector('[data-channel-link=\"{launch}\"]')"),
        "the new channel in the list",
    )
    .await;
    // Its first message is counted once the page watches it.
    let deadline = Instant::now() + Duration::from_secs(15);
    loop {
        app.request(
            reqwest::Method::POST,
            &format!("/api/apps/team-chat/channels/{launch}/messages"),
        )
        .bearer_auth(&budi.access_token)
        .header("x-tenant-id", team.as_str())
        .json(&json!({ "body": "launch day" }))
        .send()
        .await
        .unwrap();
        tokio::time::sleep(Duration::from_millis(300)).await;
        let count = eval(
            &ana_browser,
            &format!("return Number(document.querySelector('[data-unread=\"{launch}\"]').dataset.count || 0);"),
        )
        .await;
        if count.as_i64().unwrap_or(0) >= 1 {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "the new channel's badge never counted"
        );
    }
    let same = eval(&ana_browser, "return window.__sameDocument === true;").await;
    assert_eq!(same, json!(true), "the page reloaded");
    let mut budi_pages = Pages {
        client: &budi_browser,
        dir,
        count: 10,
    };
    budi_pages.capture("chat-budi").await;
    drop(ana_pages);
    drop(budi_pages);
    ana_browser.close().await.unwrap();
    budi_browser.close().await.unwrap();
    let _ = std::fs::remove_dir_all(&second_profile);
}

async fn a_file_is_uploaded_previewed_and_shared_in_the_browser(backend: Backend) {
    let Some(driver) = start_driver().await else {
        return;
    };
    let app = TestApp::spawn_with_apps(backend, vec![file_manager::app()], |config| {
        config.welcome_bonus_credits = 10;
    })
    .await;
    let user = app.register_user().await;
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR"))
        .join("e2e-screenshots")
        .join(format!("{backend:?}-files").to_lowercase());
    std::fs::create_dir_all(&dir).unwrap();
    // A picture to upload, as the browser would pick it from the disk.
    let picture = dir.join("sunset.png");
    let mut png = Vec::new();
    image::RgbImage::from_fn(640, 360, |x, y| {
        image::Rgb([(x % 256) as u8, (y % 256) as u8, 160])
    })
    .write_to(&mut std::io::Cursor::new(&mut png), image::ImageFormat::Png)
    .unwrap();
    std::fs::write(&picture, &png).unwrap();

    let client = browser(&driver).await;
    let mut pages = Pages {
        client: &client,
        dir,
        count: 0,
    };
    sign_in(&client, &app, &user).await;
    client.goto(&app.url("/apps/file-manager")).await.unwrap();
    wait_for(
        &client,
        "document.getElementById('empty-folder')",
        "the empty folder",
    )
    .await;
    pages.capture("files-empty").await;
    assert_eq!(balance(&client).await, 10);

    // Upload through the file picker: the page uploads, then reloads to list it.
    let input = client
        .find(Locator::Css("#upload-input"))
        .await
        .expect("the file picker");
    input
        .send_keys(picture.to_str().unwrap())
        .await
        .expect("choosing the file");
    wait_for(
        &client,
        "document.querySelector('#listing tr[data-file] img.thumb') && \
         document.querySelector('#listing tr[data-file] img.thumb').complete && \
         document.querySelector('#listing tr[data-file] img.thumb').naturalWidth > 0",
        "the uploaded picture's thumbnail",
    )
    .await;
    let thumb_width = eval(
        &client,
        "return document.querySelector('#listing tr[data-file] img.thumb').naturalWidth;",
    )
    .await;
    assert_eq!(thumb_width, json!(256), "a 256 px thumbnail");
    assert_eq!(balance(&client).await, 9, "one started 10 MiB");
    assert!(
        eval(
            &client,
            "return document.getElementById('usage').innerText;"
        )
        .await
        .as_str()
        .unwrap()
        .contains("of 100 MiB used")
    );
    pages.capture("files-uploaded").await;

    // Open it: the preview shows the image.
    click(&client, "#listing tr[data-file] button.file-open").await;
    wait_for(
        &client,
        "document.querySelector('#preview img') && document.querySelector('#preview img').complete && \
         document.querySelector('#preview img').naturalWidth === 640",
        "the picture's preview",
    )
    .await;
    let sha = eval(
        &client,
        "return document.querySelector('#file-facts [data-fact=sha256]').innerText;",
    )
    .await;
    assert_eq!(sha.as_str().unwrap().trim().len(), 64, "{sha}");
    pages.capture("files-preview").await;
    click(&client, "#close-file-dialog").await;

    // Share it: the link is shown once, and downloads the file without an account.
    click(&client, "#listing tr[data-file] [data-share]").await;
    wait_for(
        &client,
        "document.getElementById('share-dialog').open",
        "the share dialog",
    )
    .await;
    click(&client, "#create-share").await;
    wait_for(
        &client,
        "document.getElementById('share-link').value.includes('/public/shares/')",
        "the new link",
    )
    .await;
    assert_eq!(balance(&client).await, 7, "a share link costs 2");
    pages.capture("files-shared").await;
    let link = eval(
        &client,
        "return document.getElementById('share-link').value;",
    )
    .await;
    let link = link.as_str().unwrap().to_owned();
    let downloaded = reqwest::get(&link).await.unwrap();
    assert_eq!(downloaded.status(), 200);
    assert!(
        downloaded.headers()["content-disposition"]
            .to_str()
            .unwrap()
            .contains("sunset.png")
    );
    assert_eq!(downloaded.bytes().await.unwrap().as_ref(), &png[..]);
    wait_for(
        &client,
        "document.querySelector('#share-list [data-share-item]')",
        "the link in the list",
    )
    .await;
    drop(pages);
    client.close().await.unwrap();
}

/// The Invoice Generator's page: the business profile, a client, a draft whose totals the page
/// prices live as it is typed, issued (numbered), its PDF, the client's link (opened without an
/// account), paid, and found again through the list's filters.
async fn an_invoice_is_written_issued_shared_and_paid_in_the_browser(backend: Backend) {
    let Some(driver) = start_driver().await else {
        return;
    };
    let app = TestApp::spawn_with_apps(backend, vec![invoice_generator::app()], |config| {
        config.welcome_bonus_credits = 20;
    })
    .await;
    let user = app.register_user().await;
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR"))
        .join("e2e-screenshots")
        .join(format!("{backend:?}-invoices").to_lowercase());
    std::fs::create_dir_all(&dir).unwrap();
    let client = browser(&driver).await;
    let mut pages = Pages {
        client: &client,
        dir,
        count: 0,
    };
    sign_in(&client, &app, &user).await;
    client
        .goto(&app.url("/apps/invoice-generator"))
        .await
        .unwrap();
    wait_for(
        &client,
        "document.getElementById('profile-missing')",
        "the empty list",
    )
    .await;
    pages.capture("invoices-empty").await;

    // The business profile, then a client (1 credit).
    fill(&client, "#p-name", "Toko Maju Jaya").await;
    fill(&client, "#p-bank", "BCA 123-456-7890").await;
    click(&client, "#save-profile").await;
    wait_for(
        &client,
        "!document.getElementById('profile-missing') && document.getElementById('no-invoices')",
        "the saved profile",
    )
    .await;
    click(&client, "#clients > summary").await;
    fill(&client, "#client-name", "PT Sinar Abadi").await;
    fill(&client, "#client-email", "finance@sinar.example").await;
    click(&client, "#create-client").await;
    wait_for(
        &client,
        "document.querySelector('#clients [data-client]')",
        "the new client",
    )
    .await;
    assert_eq!(balance(&client).await, 19);

    // A draft: its totals follow what is typed, priced by the server.
    click(&client, "#new-invoice").await;
    wait_for(
        &client,
        "document.querySelector('#lines tr.line')",
        "the editor",
    )
    .await;
    eval(
        &client,
        "const s = document.getElementById('inv-client'); s.selectedIndex = 1; \
         s.dispatchEvent(new Event('change', {bubbles: true})); return null;",
    )
    .await;
    fill(
        &client,
        "#lines tr.line [data-field=description]",
        "Website design",
    )
    .await;
    fill(&client, "#lines tr.line [data-field=quantity]", "3").await;
    fill(&client, "#lines tr.line [data-field=unitPrice]", "150000").await;
    fill(&client, "#lines tr.line [data-field=discount]", "10").await;
    fill(&client, "#lines tr.line [data-field=tax]", "11").await;
    click(&client, "#add-line").await;
    let second = "#lines tr.line:nth-child(2)";
    fill(
        &client,
        &format!("{second} [data-field=description]"),
        "Consulting",
    )
    .await;
    fill(&client, &format!("{second} [data-field=quantity]"), "1,5").await;
    fill(
        &client,
        &format!("{second} [data-field=unitPrice]"),
        "333333",
    )
    .await;
    fill(&client, &format!("{second} [data-field=tax]"), "11").await;
    // 3 × 150.000 − 10% + 11% = 449.550; 1,5 × 333.333 + 11% = 555.000.
    wait_for(
        &client,
        "document.getElementById('total-total').innerText === 'Rp 1.004.550' && \
         document.getElementById('preview-total').innerText === 'Rp 1.004.550'",
        "the live total",
    )
    .await;
    pages.capture("invoice-editor").await;
    assert_eq!(balance(&client).await, 19, "pricing a draft is free");
    click(&client, "#save-invoice").await;
    wait_for(
        &client,
        "document.getElementById('issue-invoice')",
        "the saved draft",
    )
    .await;
    assert_eq!(balance(&client).await, 16, "a draft costs 3");

    // Issue it: it is numbered.
    eval(&client, "window.confirm = () => true; return null;").await;
    click(&client, "#issue-invoice").await;
    wait_for(
        &client,
        "document.getElementById('invoice-title').innerText.startsWith('Invoice INV-')",
        "the issued invoice",
    )
    .await;
    assert_eq!(balance(&client).await, 15, "issuing costs 1");
    let title = eval(
        &client,
        "return document.getElementById('invoice-title').innerText;",
    )
    .await;
    let year = chrono::Utc::now().format("%Y").to_string();
    assert_eq!(title, json!(format!("Invoice INV-{year}-0001")));
    assert_eq!(
        eval(
            &client,
            "return document.getElementById('invoice-total').innerText;"
        )
        .await,
        json!("Rp 1.004.550")
    );

    // Its PDF, then the client's link, opened without an account.
    click(&client, "#generate-pdf").await;
    wait_for(
        &client,
        "document.getElementById('open-pdf')",
        "the PDF link",
    )
    .await;
    assert_eq!(balance(&client).await, 14, "a PDF costs 1");
    click(&client, "#create-link").await;
    wait_for(
        &client,
        "document.getElementById('public-link') && \
         document.getElementById('public-link').value.includes('/public/invoices/')",
        "the client link",
    )
    .await;
    pages.capture("invoice-issued").await;
    let link = eval(
        &client,
        "return document.getElementById('public-link').value;",
    )
    .await;
    let public = reqwest::get(link.as_str().unwrap()).await.unwrap();
    assert_eq!(public.status(), 200);
    let html = public.text().await.unwrap();
    assert!(
        html.contains("Rp 1.004.550") && html.contains("Toko Maju Jaya"),
        "{html}"
    );

    // Paid; the list finds it by its status.
    click(&client, "#mark-paid").await;
    wait_for(
        &client,
        "document.getElementById('invoice-status').innerText.toLowerCase() === 'paid'",
        "the paid invoice",
    )
    .await;
    client
        .goto(&app.url("/apps/invoice-generator?status=paid"))
        .await
        .unwrap();
    wait_for(
        &client,
        "document.querySelector('#invoices tr[data-invoice]')",
        "the paid invoice in the list",
    )
    .await;
    pages.capture("invoices-paid").await;
    assert_eq!(balance(&client).await, 14);
    drop(pages);
    client.close().await.unwrap();
}

/// The Analytics Dashboard's page: after some spending, its charts (inline SVG), their tables,
/// a CSV export (charged, then downloaded) and a saved report, at 1280 and 360 px.
async fn the_tenants_spending_is_charted_and_exported_in_the_browser(backend: Backend) {
    let Some(driver) = start_driver().await else {
        return;
    };
    let app = TestApp::spawn_with_apps(
        backend,
        vec![analytics_dashboard::app(), project_manager::app()],
        |config| {
            config.welcome_bonus_credits = 50;
        },
    )
    .await;
    let user = app.register_user().await;
    for name in ["Alpha", "Beta"] {
        app.post(
            "/api/apps/project-manager/projects",
            &user.access_token,
            json!({ "name": name }),
        )
        .await
        .assert_status(201);
    }
    let spent = 50 - app.wallet(user.personal_tenant_id).await.balance;
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR"))
        .join("e2e-screenshots")
        .join(format!("{backend:?}-analytics").to_lowercase());
    std::fs::create_dir_all(&dir).unwrap();
    let client = browser(&driver).await;
    let mut pages = Pages {
        client: &client,
        dir,
        count: 0,
    };
    sign_in(&client, &app, &user).await;
    client
        .goto(&app.url("/apps/analytics-dashboard"))
        .await
        .unwrap();
    wait_for(
        &client,
        "document.querySelector('#chart-spend svg')",
        "the spending chart",
    )
    .await;
    assert_eq!(
        eval(
            &client,
            "return document.getElementById('total-credits').innerText;"
        )
        .await,
        json!(spent.to_string())
    );
    let bars = eval(
        &client,
        "return document.querySelectorAll('#chart-spend svg rect').length;",
    )
    .await;
    assert_eq!(bars, json!(30), "a bar per day of the last 30");
    assert!(
        eval(
            &client,
            "return document.querySelector('#chart-apps svg').textContent;"
        )
        .await
        .as_str()
        .unwrap()
        .contains("Project Manager")
    );
    pages.capture("analytics").await;

    // The table under a chart, then its CSV: charged, then downloaded by the page.
    click(&client, "#chart-apps details > summary").await;
    wait_for(
        &client,
        "document.querySelector('#chart-apps details[open] td')",
        "the apps table",
    )
    .await;
    click(&client, "#export-apps").await;
    wait_for(
        &client,
        "document.querySelector('#chart-apps form[data-done]')",
        "the export",
    )
    .await;
    assert_eq!(balance(&client).await, 50 - spent - 2, "an export costs 2");
    let path = eval(
        &client,
        "return document.querySelector('#chart-apps form').dataset.done;",
    )
    .await;
    let csv = app.get(path.as_str().unwrap(), &user.access_token).await;
    assert!(
        csv.text
            .starts_with("app,credits,actions\r\nProject Manager,"),
        "{}",
        csv.text
    );

    // A saved report.
    client
        .goto(&app.url("/apps/analytics-dashboard"))
        .await
        .unwrap();
    fill(&client, "#report-name", "Monthly view").await;
    click(&client, "#save-report").await;
    wait_for(
        &client,
        "document.querySelector('#reports [data-report] a')",
        "the saved report",
    )
    .await;
    click(&client, "#reports [data-report] a").await;
    wait_for(
        &client,
        "document.querySelector('h1').innerText === 'Monthly view'",
        "the report's page",
    )
    .await;
    pages.capture("analytics-report").await;
    assert_eq!(
        balance(&client).await,
        50 - spent - 2 - 3,
        "a report costs 3"
    );
    drop(pages);
    client.close().await.unwrap();
}

/// The personal tenant of the account with `email`.
async fn uuid_of(app: &TestApp, email: &str) -> uuid::Uuid {
    let user_id = lumiku_kernel::users::find_user_id(app.kernel.db(), email)
        .await
        .unwrap()
        .expect("the account");
    sql::query_scalar("select id from tenants where created_by = $1 and kind = 'personal'")
        .bind(user_id)
        .fetch_one(app.kernel.db())
        .await
        .unwrap()
}
