//! The binary as a new operator meets it: the first start says where to go, what it runs on and
//! what it did; one data directory holds the whole state; a bad configuration stops the start
//! naming the key; `--bind` takes a host name or a bare port; a PostgreSQL that is down is
//! reported as such within seconds; the admin commands promote and reset a password; requests
//! are logged one line each, without colours when the log is not a terminal.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

mod common;

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// The binary in `dir`, with none of this process's `LUMIKU_*` settings and cheap hashing.
fn lumiku(dir: &Path) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_lumiku"));
    command
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("LUMIKU_ARGON2_MEMORY_KIB", "1024")
        .env("LUMIKU_ARGON2_ITERATIONS", "1")
        .env("LUMIKU_BILLING_INTERVAL_SECS", "0")
        .current_dir(dir);
    command
}

/// A running server, killed when dropped; its standard error goes to a file.
struct Served {
    process: Child,
    log: PathBuf,
    port: u16,
}

impl Drop for Served {
    fn drop(&mut self) {
        let _ = self.process.kill();
        let _ = self.process.wait();
    }
}

impl Served {
    async fn start(mut command: Command, log: PathBuf, port: u16) -> Self {
        let process = command
            .stdout(Stdio::null())
            .stderr(std::fs::File::create(&log).unwrap())
            .spawn()
            .expect("the lumiku binary starts");
        let served = Self { process, log, port };
        let deadline = Instant::now() + Duration::from_secs(30);
        while reqwest::get(served.url("/health")).await.is_err() {
            assert!(
                Instant::now() < deadline,
                "did not start: {}",
                served.output()
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        served
    }

    fn url(&self, path: &str) -> String {
        format!("http://127.0.0.1:{}{path}", self.port)
    }

    fn output(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }

    /// Stops it and answers what it wrote.
    fn stop(mut self) -> String {
        let _ = self.process.kill();
        let _ = self.process.wait();
        self.output()
    }
}

fn run(command: &mut Command) -> (Output, String) {
    let output = command.output().expect("the lumiku binary runs");
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    (output, text)
}

#[tokio::test]
async fn a_first_start_says_where_to_go_and_keeps_its_state_in_the_data_directory() {
    let dir = common::scratch("first-run", "first-start");
    let data = dir.join("state");
    let port = free_port();
    let serve = |log: &str| {
        let mut command = lumiku(&dir);
        command
            .args(["serve", "--bind", &port.to_string(), "--data-dir"])
            .arg(&data);
        (command, dir.join(log))
    };
    let (command, log) = serve("first.log");
    let served = Served::start(command, log, port).await;
    let client = reqwest::Client::new();
    // A W3C trace context's trace id is logged with the request.
    let plans = client
        .get(served.url("/api/plans"))
        .header(
            "traceparent",
            "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
        )
        .send()
        .await
        .unwrap();
    assert_eq!(plans.status(), 200);
    // A request with an API key is logged under the key's tenant, which no header names.
    let (token, tenant) = common::register(&client, &served.url(""), "first@example.com").await;
    let key = common::post(
        &client,
        &served.url(&format!("/api/tenants/{tenant}/api-keys")),
        Some(&token),
        serde_json::json!({ "name": "logged", "scope": "read" }),
    )
    .await;
    let balance = client
        .get(served.url("/api/credits/balance"))
        .bearer_auth(key["key"].as_str().unwrap())
        .send()
        .await
        .unwrap();
    assert_eq!(balance.status(), 200);
    let output = served.stop();
    let keyed = output
        .lines()
        .find(|l| l.contains("route=\"/api/credits/balance\""))
        .unwrap_or_else(|| panic!("no access line for the key's request in:\n{output}"));
    assert!(keyed.contains(&format!("tenant={tenant}")), "{keyed}");

    let url = format!("http://127.0.0.1:{port}");
    for expected in [
        format!("Lumiku is serving at {url}/ (development mode, payments: sandbox"),
        format!("API:       {url}/api/"),
        format!("OpenAPI:   {url}/api/openapi.json"),
        format!(
            "Database:  SQLite {}/lumiku.db (created new database), applied ",
            data.display()
        ),
        "admin create-user --email you@example.com --admin".to_owned(),
    ] {
        assert!(output.contains(&expected), "{expected:?} in:\n{output}");
    }
    // One line per request, with its route, status and request id; no colours in a file.
    let access = output
        .lines()
        .find(|l| l.contains("route=\"/api/plans\""))
        .unwrap_or_else(|| panic!("no access line in:\n{output}"));
    assert!(
        access.contains("INFO")
            && access.contains("method=GET")
            && access.contains("status=200")
            && access.contains("request_id=")
            && access.contains("trace_id=\"4bf92f3577b34da6a3ce929d0e0e4736\""),
        "{access}"
    );
    assert!(!output.contains('\u{1b}'), "colour codes in a log file");
    // The whole state is in the data directory, none of it beside it.
    assert!(data.join("lumiku.db").is_file());
    assert!(data.join(".lumiku-jwt-secret").is_file());
    assert!(!dir.join("lumiku.db").exists());

    // A second start finds the database as it was left.
    let (command, log) = serve("second.log");
    let output = Served::start(command, log, port).await.stop();
    assert!(
        output.contains("lumiku.db, applied 0 migration(s)") && !output.contains("created new"),
        "{output}"
    );
}

#[tokio::test]
async fn a_bad_configuration_stops_the_start_naming_the_key() {
    let dir = common::scratch("first-run", "bad-config");
    std::fs::write(dir.join("lumiku.toml"), "databse_url = \"sqlite://x.db\"\n").unwrap();
    let (output, text) = run(lumiku(&dir).arg("serve"));
    assert!(!output.status.success());
    assert!(
        text.contains("unknown setting databse_url in ")
            && text.contains("did you mean database_url?")
            && !text.contains("default."),
        "{text}"
    );
    std::fs::remove_file(dir.join("lumiku.toml")).unwrap();

    let (output, text) = run(lumiku(&dir).args(["--config", "missing.toml", "serve"]));
    assert!(!output.status.success());
    assert!(text.contains("missing.toml does not exist"), "{text}");

    let (output, text) = run(lumiku(&dir).arg("serve").env("LUMIKU_LOG_FORMAT", "jsno"));
    assert!(!output.status.success());
    assert!(
        text.contains("LUMIKU_LOG_FORMAT in the environment") && text.contains("jsno"),
        "{text}"
    );

    let (output, text) = run(lumiku(&dir).args(["serve", "--bind", "localhost"]));
    assert!(!output.status.success());
    assert!(text.contains("'localhost'"), "{text}");
    assert!(!dir.join("lumiku.db").exists(), "nothing was created");
}

#[tokio::test]
async fn bind_takes_a_host_name() {
    let dir = common::scratch("first-run", "bind-name");
    let port = free_port();
    let mut command = lumiku(&dir);
    command.args(["serve", "--bind", &format!("localhost:{port}")]);
    let served = Served::start(command, dir.join("serve.log"), port).await;
    assert_eq!(
        reqwest::get(served.url("/health")).await.unwrap().status(),
        200
    );
}

#[tokio::test]
async fn a_postgresql_server_that_is_down_is_reported_as_such_within_seconds() {
    let dir = common::scratch("first-run", "postgres-down");
    let started = Instant::now();
    let (output, text) = run(lumiku(&dir).arg("serve").env(
        "LUMIKU_DATABASE_URL",
        "postgres://lumiku:hunter2@127.0.0.1:1/lumiku",
    ));
    assert!(!output.status.success());
    assert!(
        started.elapsed() < Duration::from_secs(6),
        "{:?}",
        started.elapsed()
    );
    assert!(
        text.contains("connecting to PostgreSQL at PostgreSQL lumiku@127.0.0.1:1/lumiku")
            && text.to_lowercase().contains("connection refused"),
        "{text}"
    );
    assert!(
        !text.contains("hunter2"),
        "the password was printed: {text}"
    );
}

#[tokio::test]
async fn admins_are_promoted_and_passwords_reset_from_the_command_line() {
    let dir = common::scratch("first-run", "admin");
    let port = free_port();
    let (output, text) = run(lumiku(&dir)
        .args(["admin", "create-user", "--email", "ana@example.com"])
        .env("LUMIKU_ADMIN_PASSWORD", "a long first password"));
    assert!(output.status.success(), "{text}");
    assert!(text.contains("created ana@example.com") && text.contains("user"));

    let mut command = lumiku(&dir);
    command.args(["serve", "--bind", &port.to_string()]);
    let served = Served::start(command, dir.join("serve.log"), port).await;
    let client = reqwest::Client::new();
    let login = |password: &'static str| {
        client
            .post(served.url("/api/auth/login"))
            .json(&json!({ "email": "ana@example.com", "password": password }))
            .send()
    };
    let session: Value = login("a long first password")
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let refresh = session["tokens"]["refreshToken"]
        .as_str()
        .unwrap()
        .to_owned();

    let (output, text) = run(lumiku(&dir).args(["admin", "promote", "--email", "ana@example.com"]));
    assert!(output.status.success(), "{text}");
    assert!(text.contains("ana@example.com is now admin"), "{text}");
    let (output, text) =
        run(lumiku(&dir).args(["admin", "promote", "--email", "nobody@example.com"]));
    assert!(!output.status.success());
    assert!(text.contains("not found"), "{text}");

    // The new password is read from standard input when it is not a terminal.
    let mut reset = lumiku(&dir)
        .args(["admin", "reset-password", "--email", "ana@example.com"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    std::io::Write::write_all(reset.stdin.as_mut().unwrap(), b"a long second password\n").unwrap();
    let output = reset.wait_with_output().unwrap();
    let text = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success(), "{text}");
    assert!(text.contains("ended 1 session(s)"), "{text}");
    // The old session is over, the old password refused, the new one accepted.
    let refreshed = client
        .post(served.url("/api/auth/refresh"))
        .json(&json!({ "refreshToken": refresh }))
        .send()
        .await
        .unwrap();
    assert_eq!(refreshed.status(), 401);
    assert_eq!(login("a long first password").await.unwrap().status(), 401);
    let again = login("a long second password").await.unwrap();
    assert_eq!(again.status(), 200);
    let again: Value = again.json().await.unwrap();
    assert_eq!(again["user"]["platformRole"], "admin");
}

#[test]
fn migration_status_without_a_database_lists_every_one_pending_and_creates_none() {
    let dir = common::scratch("first-run", "status-without-database");
    let (output, text) = run(lumiku(&dir).args(["migrate", "--status", "--data-dir", "state"]));
    assert!(output.status.success(), "{text}");
    assert!(
        text.contains("no database at ") && text.contains("0 applied, "),
        "{text}"
    );
    assert!(
        !dir.join("state/lumiku.db").exists(),
        "an empty database was left behind"
    );
}

#[cfg(not(feature = "otel"))]
#[test]
fn an_otel_endpoint_without_the_otel_feature_stops_the_start() {
    let dir = common::scratch("first-run", "otel-without-feature");
    let (output, text) = run(lumiku(&dir)
        .args(["serve", "--bind", &free_port().to_string()])
        .env("LUMIKU_OTEL_ENDPOINT", "http://127.0.0.1:4318/v1/traces"));
    assert!(!output.status.success(), "{text}");
    assert!(text.contains("built without the otel feature"), "{text}");
}
