//! The real binary as a test's server: started on a database with the test's settings, its log
//! in a file, killed (`SIGKILL`: nothing runs on the way out) when dropped; and the calls the
//! binary's tests make of it.

// Each test binary uses its share of these.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// A `lumiku serve` process.
pub struct Node {
    process: Child,
    port: u16,
}

impl Drop for Node {
    fn drop(&mut self) {
        let _ = self.process.kill();
        let _ = self.process.wait();
    }
}

impl Node {
    /// Serves `database_url` with the data directory `dir`, cheap password hashing, no billing
    /// cycle and `env` on top; logs to `dir/{name}.log`. Answers once `/health` does.
    pub async fn start(database_url: &str, dir: &Path, name: &str, env: &[(&str, &str)]) -> Self {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let mut command = Command::new(env!("CARGO_BIN_EXE_lumiku"));
        command
            .arg("serve")
            .env("LUMIKU_BIND", format!("127.0.0.1:{port}"))
            .env("LUMIKU_DATABASE_URL", database_url)
            .env("LUMIKU_DATA_DIR", dir)
            .env("LUMIKU_JWT_SECRET", "node-test-secret-node-test-secret!!!")
            .env("LUMIKU_ARGON2_MEMORY_KIB", "1024")
            .env("LUMIKU_ARGON2_ITERATIONS", "1")
            .env("LUMIKU_BILLING_INTERVAL_SECS", "0")
            .env("LUMIKU_LOG", "warn")
            .env_remove("LUMIKU_CONFIG");
        for (key, value) in env {
            command.env(key, value);
        }
        let process = command
            .current_dir(dir)
            .stdout(Stdio::null())
            .stderr(std::fs::File::create(dir.join(format!("{name}.log"))).unwrap())
            .spawn()
            .expect("the lumiku binary starts");
        let node = Self { process, port };
        let deadline = Instant::now() + Duration::from_secs(30);
        let client = reqwest::Client::new();
        while client.get(node.url("/health")).send().await.is_err() {
            assert!(Instant::now() < deadline, "{name} did not start");
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        node
    }

    /// `path` on this node.
    pub fn url(&self, path: &str) -> String {
        format!("http://127.0.0.1:{}{path}", self.port)
    }

    /// This node's base URL.
    pub fn base(&self) -> String {
        self.url("")
    }
}

/// Registers `email` on the server at `base` (`http://host:port`); answers its access token and
/// personal tenant.
pub async fn register(client: &reqwest::Client, base: &str, email: &str) -> (String, uuid::Uuid) {
    let body = post(
        client,
        &format!("{base}/api/auth/register"),
        None,
        serde_json::json!({
            "email": email,
            "password": "a long password here",
        }),
    )
    .await;
    (
        body["tokens"]["accessToken"]
            .as_str()
            .unwrap_or_else(|| panic!("no token in {body}"))
            .to_owned(),
        body["personalTenantId"].as_str().unwrap().parse().unwrap(),
    )
}

/// POSTs `body` to `url` (with `token` as the bearer, if any) and answers the JSON it gets back.
pub async fn post(
    client: &reqwest::Client,
    url: &str,
    token: Option<&str>,
    body: serde_json::Value,
) -> serde_json::Value {
    let mut request = client.post(url).json(&body);
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    request.send().await.unwrap().json().await.unwrap()
}

/// A fresh directory `group/name-<pid>` under Cargo's scratch space for tests.
pub fn scratch(group: &str, name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join(group)
        .join(format!("{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}
