//! Test harness: a real Lumiku server on `127.0.0.1:0` over a fresh database of its own, SQLite by
//! default or PostgreSQL (a new database per test on `LUMIKU_TEST_POSTGRES_URL`), removed when the
//! test ends. [`backend_tests!`] runs one test function on both backends.

use lumiku_kernel::sql;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;

use lumiku_kernel::Kernel;
use lumiku_plugin::{Dashboard, Manifest, Plugin};
use lumiku_server::Server;
use lumiku_server::config::Config;
pub use lumiku_server::config::Secret;
use reqwest::Method;
use serde_json::{Value, json};
use tokio::sync::oneshot;
use uuid::Uuid;

/// A manifest for an app a test defines: enabled, open to every role of a signed-in caller,
/// installed by default for free, with no priced action. Change what the test is about with
/// struct update syntax: `Manifest { credits: &[("poke", 1)], ..test_manifest("intruder", "/api/apps/intruder") }`.
pub const fn test_manifest(app_id: &'static str, route_prefix: &'static str) -> Manifest {
    let defaults = Manifest::defaults(app_id, route_prefix);
    Manifest {
        name: "Test app",
        description: "An app a test defines",
        icon: "box",
        version: "1.0.0",
        platform_data: &[],
        webhook_events: &[],
        dashboard: Dashboard {
            order: 9,
            ..defaults.dashboard
        },
        ..defaults
    }
}

/// The variable naming the PostgreSQL server tests may create databases on.
pub const POSTGRES_URL_VAR: &str = "LUMIKU_TEST_POSTGRES_URL";

/// Which database a test runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    /// A fresh SQLite file.
    Sqlite,
    /// A fresh PostgreSQL database.
    Postgres,
}

/// Defines, for each named `async fn name(backend: Backend)`, a module `name` with the tests
/// `sqlite` and `postgres`. The PostgreSQL one is ignored, saying why, when
/// `LUMIKU_TEST_POSTGRES_URL` was not set at build time.
#[macro_export]
macro_rules! backend_tests {
    ($($name:ident),* $(,)?) => {
        $(
            mod $name {
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn sqlite() {
                    super::$name($crate::Backend::Sqlite).await
                }
                $crate::__postgres_test!(super::$name);
            }
        )*
    };
}

/// Like [`backend_tests!`] for tests of PostgreSQL-only behaviour: only the `postgres` variant.
#[macro_export]
macro_rules! postgres_tests {
    ($($name:ident),* $(,)?) => {
        $(
            mod $name {
                $crate::__postgres_test!(super::$name);
            }
        )*
    };
}

#[cfg(lumiku_postgres_tests)]
#[doc(hidden)]
#[macro_export]
macro_rules! __postgres_test {
    ($path:path) => {
        #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
        async fn postgres() {
            $path($crate::Backend::Postgres).await
        }
    };
}

#[cfg(not(lumiku_postgres_tests))]
#[doc(hidden)]
#[macro_export]
macro_rules! __postgres_test {
    ($path:path) => {
        #[tokio::test]
        #[ignore = "skipped: set LUMIKU_TEST_POSTGRES_URL to run the PostgreSQL variant"]
        async fn postgres() {
            $path($crate::Backend::Postgres).await
        }
    };
}

/// A database made for one test and removed after it.
pub struct TestDatabase {
    /// The URL the server uses.
    pub url: String,
    dir: PathBuf,
    postgres: Option<(String, String)>,
}

impl TestDatabase {
    /// The SQLite file the server will use (for a test that lays one down first); `None` on
    /// PostgreSQL.
    pub fn sqlite_path(&self) -> Option<PathBuf> {
        self.postgres.is_none().then(|| self.dir.join("lumiku.db"))
    }

    /// A new empty database on `backend`.
    pub async fn create(backend: Backend) -> Self {
        let dir = std::env::temp_dir().join(format!("lumiku-test-{}", Uuid::now_v7().simple()));
        std::fs::create_dir_all(&dir).expect("creating the test directory");
        match backend {
            Backend::Sqlite => Self {
                url: format!("sqlite://{}", dir.join("lumiku.db").display()),
                dir,
                postgres: None,
            },
            Backend::Postgres => {
                let admin_url = std::env::var(POSTGRES_URL_VAR).unwrap_or_else(|_| {
                    panic!("{POSTGRES_URL_VAR} must be set for PostgreSQL tests")
                });
                let name = format!("lumiku_test_{}", Uuid::now_v7().simple());
                let admin = sqlx::PgPool::connect(&admin_url)
                    .await
                    .expect("connecting to the test PostgreSQL");
                sqlx::query(sqlx::AssertSqlSafe(format!("create database {name}")))
                    .execute(&admin)
                    .await
                    .expect("creating the test database");
                admin.close().await;
                Self {
                    url: with_database(&admin_url, &name),
                    dir,
                    postgres: Some((admin_url, name)),
                }
            }
        }
    }
}

/// `url` with its database name replaced by `name`.
fn with_database(url: &str, name: &str) -> String {
    let (base, query) = url
        .split_once('?')
        .map_or((url, None), |(b, q)| (b, Some(q)));
    let scheme_end = base.find("://").map_or(0, |i| i + 3);
    let base = match base[scheme_end..].find('/') {
        Some(slash) => &base[..scheme_end + slash],
        None => base,
    };
    match query {
        Some(q) => format!("{base}/{name}?{q}"),
        None => format!("{base}/{name}"),
    }
}

impl Drop for TestDatabase {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
        if let Some((admin_url, name)) = self.postgres.take() {
            // Drop runs inside the test's runtime, which must not block on itself: use a thread.
            let _ = std::thread::spawn(move || {
                let runtime = tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()?;
                runtime
                    .block_on(async {
                        let admin = sqlx::PgPool::connect(&admin_url).await?;
                        sqlx::query(sqlx::AssertSqlSafe(format!(
                            "drop database if exists {name} with (force)"
                        )))
                        .execute(&admin)
                        .await?;
                        admin.close().await;
                        Ok::<_, sqlx::Error>(())
                    })
                    .map_err(std::io::Error::other)
            })
            .join();
        }
    }
}

/// A running server on its own database.
pub struct TestApp {
    /// Where it listens.
    pub addr: SocketAddr,
    /// A client for it.
    pub client: reqwest::Client,
    /// The kernel behind it, for assertions on stored state.
    pub kernel: Arc<Kernel>,
    /// Which backend it runs on.
    pub backend: Backend,
    shutdown: Option<oneshot::Sender<()>>,
    server: Option<tokio::task::JoinHandle<()>>,
    database: Option<TestDatabase>,
    config: Config,
    router: axum::Router,
}

/// The configuration tests run with: cheap password hashing, a fixed secret, the test database.
pub fn test_config(database: &TestDatabase) -> Config {
    Config {
        database_url: Some(database.url.clone()),
        database_max_connections: 5,
        data_dir: database.dir.clone(),
        jwt_secret: Some(Secret::from(
            "test-secret-test-secret-test-secret!".to_owned(),
        )),
        argon2_memory_kib: 1024,
        argon2_iterations: 1,
        // Tests run the billing cycle themselves, at the times they choose.
        billing_interval_secs: 0,
        ..Config::default()
    }
}

impl TestApp {
    /// A server with the test configuration on a fresh `backend` database.
    pub async fn spawn(backend: Backend) -> Self {
        Self::spawn_with(backend, |_| {}).await
    }

    /// Like [`TestApp::spawn`], letting `configure` change the configuration first.
    pub async fn spawn_with(backend: Backend, configure: impl FnOnce(&mut Config)) -> Self {
        Self::spawn_with_apps(backend, Vec::new(), configure).await
    }

    /// A server mounting `apps`, with the test configuration changed by `configure`.
    pub async fn spawn_with_apps(
        backend: Backend,
        apps: Vec<Arc<dyn Plugin>>,
        configure: impl FnOnce(&mut Config),
    ) -> Self {
        let database = TestDatabase::create(backend).await;
        let mut config = test_config(&database);
        configure(&mut config);
        let mut app = Self::start(backend, config, apps).await;
        app.database = Some(database);
        app
    }

    /// A server mounting `apps` on `database`, which the test may have filled first.
    pub async fn spawn_on(
        backend: Backend,
        database: TestDatabase,
        apps: Vec<Arc<dyn Plugin>>,
    ) -> Self {
        let config = test_config(&database);
        let mut app = Self::start(backend, config, apps).await;
        app.database = Some(database);
        app
    }

    /// A second server on this one's database, like another node or process: it shares
    /// nothing with the first but the database. Drop it before the first.
    pub async fn spawn_sibling(&self, apps: Vec<Arc<dyn Plugin>>) -> Self {
        Self::start(self.backend, self.config.clone(), apps).await
    }

    async fn start(backend: Backend, mut config: Config, apps: Vec<Arc<dyn Plugin>>) -> Self {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("binding a port");
        let addr = listener.local_addr().expect("the bound address");
        config.bind = addr;
        let server = Server::build(config.clone(), apps)
            .await
            .expect("building the server");
        let kernel = Arc::clone(server.kernel());
        let router = server.router();
        let (shutdown, stopped) = oneshot::channel::<()>();
        let server = tokio::spawn(async move {
            server
                .serve(listener, async {
                    let _ = stopped.await;
                })
                .await
                .expect("serving");
        });
        Self {
            addr,
            client: reqwest::Client::new(),
            kernel,
            backend,
            shutdown: Some(shutdown),
            server: Some(server),
            database: None,
            config,
            router,
        }
    }

    /// The server's router, to call without a socket (`tower::ServiceExt::oneshot`): for requests
    /// no HTTP client sends as asked, such as a chunked body of a chosen size.
    pub fn server_router(&self) -> axum::Router {
        self.router.clone()
    }

    /// The absolute URL of `path`.
    pub fn url(&self, path: &str) -> String {
        format!("http://{}{}", self.addr, path)
    }

    /// A request builder for `path`.
    pub fn request(&self, method: Method, path: &str) -> reqwest::RequestBuilder {
        self.client.request(method, self.url(path))
    }

    /// Sends `method path` with an optional bearer token and JSON body.
    pub async fn call(
        &self,
        method: Method,
        path: &str,
        token: Option<&str>,
        body: Option<Value>,
    ) -> TestResponse {
        let mut request = self.request(method, path);
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        if let Some(body) = body {
            request = request.json(&body);
        }
        TestResponse::from(request.send().await.expect("sending the request")).await
    }

    /// `GET path` with a token.
    pub async fn get(&self, path: &str, token: &str) -> TestResponse {
        self.call(Method::GET, path, Some(token), None).await
    }

    /// `POST path` with a token and body.
    pub async fn post(&self, path: &str, token: &str, body: Value) -> TestResponse {
        self.call(Method::POST, path, Some(token), Some(body)).await
    }

    /// `PATCH path` with a token and body.
    pub async fn patch(&self, path: &str, token: &str, body: Value) -> TestResponse {
        self.call(Method::PATCH, path, Some(token), Some(body))
            .await
    }

    /// `PUT path` with a token and body.
    pub async fn put(&self, path: &str, token: &str, body: Value) -> TestResponse {
        self.call(Method::PUT, path, Some(token), Some(body)).await
    }

    /// The URL of the database this server runs on.
    pub fn database_url(&self) -> &str {
        self.config
            .database_url
            .as_deref()
            .expect("a test names its database")
    }

    /// `DELETE path` with a token.
    pub async fn delete(&self, path: &str, token: &str) -> TestResponse {
        self.call(Method::DELETE, path, Some(token), None).await
    }

    /// `POST path` with a form body and no token (gateway callbacks, page forms).
    pub async fn post_form(&self, path: &str, fields: &[(&str, &str)]) -> TestResponse {
        let response = self
            .request(Method::POST, path)
            .form(fields)
            .send()
            .await
            .expect("sending the form");
        TestResponse::from(response).await
    }

    /// Registers a new random account and returns it signed in.
    pub async fn register_user(&self) -> TestUser {
        let email = format!("user-{}@example.com", Uuid::now_v7().simple());
        self.register_as(&email).await
    }

    /// Registers `email` with a known password and returns it signed in.
    pub async fn register_as(&self, email: &str) -> TestUser {
        let password = "a long enough password".to_owned();
        let response = self
            .call(
                Method::POST,
                "/api/auth/register",
                None,
                Some(json!({ "email": email, "password": password })),
            )
            .await;
        response.assert_status(201);
        TestUser::from_auth(&response.body, password)
    }

    /// Signs `user` in again (a new session).
    pub async fn login(&self, user: &TestUser) -> TestUser {
        let response = self
            .call(
                Method::POST,
                "/api/auth/login",
                None,
                Some(json!({ "email": user.email, "password": user.password })),
            )
            .await;
        response.assert_status(200);
        TestUser::from_auth(&response.body, user.password.clone())
    }
}

impl TestApp {
    /// Signs `user` in through the dashboard's form and returns the `Cookie` header value of
    /// that browser session (`lumiku_session=...`).
    pub async fn browser_cookie(&self, user: &TestUser) -> String {
        let client = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .expect("a client");
        let page = client
            .get(self.url("/login"))
            .send()
            .await
            .expect("the sign-in form");
        let form_cookie = set_cookie(&page, "lumiku_form").expect("the form's CSRF cookie");
        let html = page.text().await.expect("the form");
        let marker = "name=\"_csrf\" value=\"";
        let start = html.find(marker).expect("a CSRF field") + marker.len();
        let token = &html[start..start + html[start..].find('"').expect("the field's end")];
        let response = client
            .post(self.url("/login"))
            .header(
                reqwest::header::COOKIE,
                format!("lumiku_form={form_cookie}"),
            )
            .form(&[
                ("_csrf", token),
                ("email", &user.email),
                ("password", &user.password),
            ])
            .send()
            .await
            .expect("signing in");
        assert_eq!(response.status(), 303, "signing in through the form");
        let session = set_cookie(&response, "lumiku_session").expect("a session cookie");
        format!("lumiku_session={session}")
    }
}

fn set_cookie(response: &reqwest::Response, name: &str) -> Option<String> {
    response
        .headers()
        .get_all(reqwest::header::SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .filter_map(|v| v.split(';').next())
        .filter_map(|pair| pair.split_once('='))
        .find(|(key, _)| *key == name)
        .map(|(_, value)| value.to_owned())
}

/// A wallet as stored: its balance, the sum of its ledger, and the last ledger row's balance.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WalletState {
    /// `wallets.balance_credits`.
    pub balance: i64,
    /// Sum of the ledger's amounts.
    pub ledger_sum: i64,
    /// The newest ledger row's running balance (0 without rows).
    pub last_running_balance: i64,
    /// Ledger rows.
    pub ledger_rows: i64,
    /// The daily ledger rollups' credits in minus credits out.
    pub rollup_net: i64,
    /// The daily ledger rollups' rows counted.
    pub rollup_entries: i64,
    /// The last daily rollup's closing balance (0 without one).
    pub rollup_closing: i64,
    /// Credits of the usage rows.
    pub usage_credits: i64,
    /// Credits of the daily usage rollups.
    pub rollup_usage_credits: i64,
}

/// A usage row as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UsageRow {
    /// The app.
    pub app_id: String,
    /// The action.
    pub action: String,
    /// Who took it.
    pub user_id: Uuid,
    /// What it cost.
    pub credits: i64,
    /// Its UTC day.
    pub day: chrono::NaiveDate,
}

impl WalletState {
    /// Panics unless balance = sum of ledger = last running balance >= 0.
    #[track_caller]
    pub fn assert_consistent(&self) {
        assert!(self.balance >= 0, "negative balance: {self:?}");
        assert_eq!(
            self.balance, self.ledger_sum,
            "balance differs from the ledger's sum: {self:?}"
        );
        assert_eq!(
            self.balance, self.last_running_balance,
            "balance differs from the last running balance: {self:?}"
        );
        assert_eq!(
            (self.rollup_net, self.rollup_entries, self.rollup_closing),
            (self.ledger_sum, self.ledger_rows, self.balance),
            "the daily ledger rollups differ from the ledger: {self:?}"
        );
        assert_eq!(
            self.usage_credits, self.rollup_usage_credits,
            "the daily usage rollups differ from the usage rows: {self:?}"
        );
    }
}

impl TestApp {
    /// The stored state of `tenant_id`'s wallet, read directly from the database.
    pub async fn wallet(&self, tenant_id: Uuid) -> WalletState {
        wallet_state(self.kernel.db(), tenant_id).await
    }
}

/// The stored state of `tenant_id`'s wallet in `db` (a server's, or a restored copy's).
pub async fn wallet_state(db: &lumiku_kernel::Db, tenant_id: Uuid) -> WalletState {
    {
        let mut tx = db.begin().await.expect("a transaction");
        let balance: i64 =
            sql::query_scalar("select balance_credits from wallets where tenant_id = $1")
                .bind(tenant_id)
                .fetch_one(&mut tx)
                .await
                .expect("the wallet");
        let (ledger_sum, ledger_rows): (i64, i64) = sql::query_as(
            "select cast(coalesce(sum(amount_credits), 0) as bigint), count(*) from ledger_entries where tenant_id = $1")
            .bind(tenant_id)
            .fetch_one(&mut tx)
            .await
        .expect("the ledger");
        let last: Option<i64> = sql::query_scalar(
            "select balance_after_credits from ledger_entries where tenant_id = $1 order by id desc limit 1")
            .bind(tenant_id)
            .fetch_optional(&mut tx)
            .await
        .expect("the last ledger row");
        let (rollup_net, rollup_entries): (i64, i64) = sql::query_as(
            "select cast(coalesce(sum(credits_in - credits_out), 0) as bigint), \
             cast(coalesce(sum(entries), 0) as bigint) from ledger_daily where tenant_id = $1",
        )
        .bind(tenant_id)
        .fetch_one(&mut tx)
        .await
        .expect("the ledger rollups");
        let rollup_closing: Option<i64> = sql::query_scalar(
            "select closing_balance from ledger_daily where tenant_id = $1 order by day desc limit 1",
        )
        .bind(tenant_id)
        .fetch_optional(&mut tx)
        .await
        .expect("the last ledger rollup");
        let usage_credits: i64 = sql::query_scalar(
            "select cast(coalesce(sum(credits), 0) as bigint) from app_usage where tenant_id = $1",
        )
        .bind(tenant_id)
        .fetch_one(&mut tx)
        .await
        .expect("the usage rows");
        let rollup_usage_credits: i64 = sql::query_scalar(
            "select cast(coalesce(sum(credits), 0) as bigint) from usage_daily where tenant_id = $1",
        )
        .bind(tenant_id)
        .fetch_one(&mut tx)
        .await
        .expect("the usage rollups");
        WalletState {
            balance,
            ledger_sum,
            last_running_balance: last.unwrap_or(0),
            ledger_rows,
            rollup_net,
            rollup_entries,
            rollup_closing: rollup_closing.unwrap_or(0),
            usage_credits,
            rollup_usage_credits,
        }
    }
}

impl TestApp {
    /// A new team tenant of `owner`'s named "Team", with each of `members` added in their role
    /// (`member`, `admin`, `viewer`); answers its id.
    pub async fn team(&self, owner: &TestUser, members: &[(&TestUser, &str)]) -> String {
        let team = self
            .post(
                "/api/tenants",
                &owner.access_token,
                json!({ "name": "Team" }),
            )
            .await;
        team.assert_status(201);
        let id = team.body["id"].as_str().expect("the team's id").to_owned();
        for (member, role) in members {
            self.post(
                &format!("/api/tenants/{id}/members"),
                &owner.access_token,
                json!({ "email": member.email, "role": role }),
            )
            .await
            .assert_status(201);
        }
        id
    }

    /// The usage rows of `tenant_id`, read directly from the database: app, action, member,
    /// credits and the UTC day, oldest first.
    pub async fn usage_rows(&self, tenant_id: Uuid) -> Vec<UsageRow> {
        let mut tx = self.kernel.db().begin().await.expect("a transaction");
        let rows: Vec<(String, String, Uuid, i64, chrono::DateTime<chrono::Utc>)> = sql::query_as(
            "select app_id, action, user_id, credits, created_at from app_usage \
             where tenant_id = $1 order by id",
        )
        .bind(tenant_id)
        .fetch_all(&mut tx)
        .await
        .expect("the usage rows");
        rows.into_iter()
            .map(|(app_id, action, user_id, credits, at)| UsageRow {
                app_id,
                action,
                user_id,
                credits,
                day: at.date_naive(),
            })
            .collect()
    }

    /// Runs `sql` (one or more statements) on the app's database as its owner, in a write
    /// transaction.
    pub async fn execute_sql(&self, sql: &'static str) {
        let mut tx = self.kernel.db().begin().await.expect("a transaction");
        sql::raw_sql(sql)
            .execute(&mut tx)
            .await
            .map(|r| r.rows_affected())
            .expect("running SQL");
        tx.commit().await.expect("committing");
    }

    /// Creates a platform administrator and signs them in.
    pub async fn admin(&self) -> TestUser {
        let email = format!("admin-{}@example.com", Uuid::now_v7().simple());
        let password = "an administrator password";
        self.kernel
            .create_user(&email, password, None, true)
            .await
            .expect("creating an admin");
        let response = self
            .call(
                Method::POST,
                "/api/auth/login",
                None,
                Some(json!({ "email": email, "password": password })),
            )
            .await;
        response.assert_status(200);
        TestUser::from_auth(&response.body, password.to_owned())
    }
}

impl Drop for TestApp {
    fn drop(&mut self) {
        if let Some(shutdown) = self.shutdown.take() {
            let _ = shutdown.send(());
        }
        if let Some(server) = self.server.take() {
            server.abort();
        }
        drop(self.database.take());
    }
}

/// A signed-in account.
#[derive(Debug, Clone)]
pub struct TestUser {
    /// User id.
    pub id: Uuid,
    /// Email.
    pub email: String,
    /// Password.
    pub password: String,
    /// Access token.
    pub access_token: String,
    /// Refresh token.
    pub refresh_token: String,
    /// Session id.
    pub session_id: Uuid,
    /// Personal tenant.
    pub personal_tenant_id: Uuid,
}

impl TestUser {
    fn from_auth(body: &Value, password: String) -> Self {
        let uuid = |v: &Value| Uuid::parse_str(v.as_str().expect("a uuid string")).expect("a uuid");
        Self {
            id: uuid(&body["user"]["id"]),
            email: body["user"]["email"].as_str().expect("email").to_owned(),
            password,
            access_token: body["tokens"]["accessToken"]
                .as_str()
                .expect("accessToken")
                .to_owned(),
            refresh_token: body["tokens"]["refreshToken"]
                .as_str()
                .expect("refreshToken")
                .to_owned(),
            session_id: uuid(&body["tokens"]["sessionId"]),
            personal_tenant_id: uuid(&body["personalTenantId"]),
        }
    }
}

/// A response read whole.
#[derive(Debug)]
pub struct TestResponse {
    /// Status code.
    pub status: u16,
    /// Headers.
    pub headers: reqwest::header::HeaderMap,
    /// JSON body (`Null` when empty or not JSON).
    pub body: Value,
    /// Raw body text.
    pub text: String,
}

impl TestResponse {
    /// Reads `response` whole.
    pub async fn from(response: reqwest::Response) -> Self {
        let status = response.status().as_u16();
        let headers = response.headers().clone();
        let text = response.text().await.expect("reading the body");
        let body = serde_json::from_str(&text).unwrap_or(Value::Null);
        Self {
            status,
            headers,
            body,
            text,
        }
    }

    /// Panics with the body unless the status is `expected`.
    #[track_caller]
    pub fn assert_status(&self, expected: u16) -> &Self {
        assert_eq!(
            self.status, expected,
            "unexpected status; body: {}",
            self.text
        );
        self
    }

    /// Panics unless this is an error response with `status` and `code` in Lumiku's error shape.
    #[track_caller]
    pub fn assert_error(&self, status: u16, code: &str) -> &Self {
        self.assert_status(status);
        assert_eq!(
            self.body["error"]["code"], code,
            "unexpected error code; body: {}",
            self.text
        );
        assert!(
            self.body["error"]["message"].is_string(),
            "error without message: {}",
            self.text
        );
        let request_id = self.body["error"]["requestId"].as_str().unwrap_or_default();
        assert!(
            !request_id.is_empty(),
            "error without requestId: {}",
            self.text
        );
        assert_eq!(
            self.headers
                .get("x-request-id")
                .and_then(|v| v.to_str().ok()),
            Some(request_id),
            "the body's requestId differs from the x-request-id header"
        );
        self
    }
}

/// A mail server for tests: takes every message sent to it over plain SMTP (no TLS, no
/// authentication) and keeps its text. Point `smtp_url` at [`MailSink::url`].
pub struct MailSink {
    addr: SocketAddr,
    messages: Arc<std::sync::Mutex<Vec<String>>>,
}

impl MailSink {
    /// Listens on a free port.
    pub async fn start() -> Self {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("binding the mail sink");
        let addr = listener.local_addr().expect("the sink's address");
        let messages = Arc::new(std::sync::Mutex::new(Vec::new()));
        let kept = Arc::clone(&messages);
        tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                tokio::spawn(Self::session(stream, Arc::clone(&kept)));
            }
        });
        Self { addr, messages }
    }

    async fn session(
        stream: tokio::net::TcpStream,
        messages: Arc<std::sync::Mutex<Vec<String>>>,
    ) -> std::io::Result<()> {
        use tokio::io::{AsyncBufReadExt as _, AsyncWriteExt as _, BufReader};
        let (read, mut write) = stream.into_split();
        let mut lines = BufReader::new(read).lines();
        write.write_all(b"220 lumiku-test-sink\r\n").await?;
        while let Some(line) = lines.next_line().await? {
            let verb = line
                .split_whitespace()
                .next()
                .unwrap_or("")
                .to_ascii_uppercase();
            let answer: &[u8] = match verb.as_str() {
                "EHLO" | "HELO" => b"250 lumiku-test-sink\r\n",
                "DATA" => {
                    write.write_all(b"354 end with a lone dot\r\n").await?;
                    let mut message = String::new();
                    while let Some(line) = lines.next_line().await? {
                        if line == "." {
                            break;
                        }
                        message.push_str(line.strip_prefix('.').unwrap_or(&line));
                        message.push('\n');
                    }
                    messages
                        .lock()
                        .expect("the sink's lock")
                        .push(decode_quoted_printable(&message));
                    b"250 kept\r\n"
                }
                "QUIT" => {
                    write.write_all(b"221 bye\r\n").await?;
                    return Ok(());
                }
                _ => b"250 ok\r\n",
            };
            write.write_all(answer).await?;
        }
        Ok(())
    }

    /// The `smtp_url` that reaches this sink; messages are kept as their headers and decoded text.
    pub fn url(&self) -> String {
        format!("smtp://{}", self.addr)
    }

    /// The messages received so far, waiting up to five seconds for at least `count`.
    pub async fn messages(&self, count: usize) -> Vec<String> {
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(5);
        loop {
            let messages = self.messages.lock().expect("the sink's lock").clone();
            if messages.len() >= count || std::time::Instant::now() > deadline {
                return messages;
            }
            tokio::time::sleep(std::time::Duration::from_millis(20)).await;
        }
    }
}

/// A mail with a quoted-printable body, its body decoded (soft line breaks joined, `=XX` bytes
/// restored); any other mail as it is.
fn decode_quoted_printable(message: &str) -> String {
    let Some((head, body)) = message.split_once("\n\n") else {
        return message.to_owned();
    };
    if !head
        .to_ascii_lowercase()
        .contains("content-transfer-encoding: quoted-printable")
    {
        return message.to_owned();
    }
    let joined = body.replace("=\n", "");
    let bytes = joined.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = bytes
            .get(i + 1..i + 3)
            .and_then(|h| std::str::from_utf8(h).ok())
            .and_then(|h| u8::from_str_radix(h, 16).ok());
        match (bytes[i], hex) {
            (b'=', Some(byte)) => {
                out.push(byte);
                i += 3;
            }
            (byte, _) => {
                out.push(byte);
                i += 1;
            }
        }
    }
    format!("{head}\n\n{}", String::from_utf8_lossy(&out))
}

#[cfg(test)]
mod tests {
    use super::with_database;

    #[test]
    fn database_names_are_replaced_in_urls() {
        assert_eq!(
            with_database("postgres://u@h:5432/test", "x"),
            "postgres://u@h:5432/x"
        );
        assert_eq!(
            with_database("postgres://u@h/test?sslmode=disable", "x"),
            "postgres://u@h/x?sslmode=disable"
        );
        assert_eq!(with_database("postgres://u@h", "x"), "postgres://u@h/x");
    }
}
