//! File Manager's tests: the seed's per-app checklist, the storage facility under it (streaming,
//! ranges, quotas, failures, the sweep), share links and the page, on SQLite and PostgreSQL
//! (set `LUMIKU_TEST_POSTGRES_URL` when building for the PostgreSQL half), each against the
//! local disk and a real S3-compatible server (moto, started here when `moto_server` is on the
//! PATH; `LUMIKU_S3_REQUIRED=1` makes its absence a failure instead of a skip).

mod checklist;
mod files;
mod pages;
mod shares;

use std::io::{BufRead as _, BufReader};
use std::process::{Command, Stdio};
use std::sync::OnceLock;
use std::time::Duration;

use lumiku_testkit::{Backend, TestApp, TestResponse, TestUser};
use reqwest::Method;
use serde_json::Value;

const BASE: &str = "/api/apps/file-manager";
const MIB: usize = 1024 * 1024;

/// Where the app keeps its bytes in a test.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Storage {
    /// The local disk under the test's data directory.
    Local,
    /// A bucket of its own on the moto S3 server.
    S3,
}

/// The storages to run a test on: the local disk, and S3 when moto is there.
fn storages() -> Vec<Storage> {
    let mut all = vec![Storage::Local];
    if moto().is_some() {
        all.push(Storage::S3);
    } else if std::env::var("LUMIKU_S3_REQUIRED").is_ok_and(|v| v == "1") {
        panic!("LUMIKU_S3_REQUIRED=1 but moto_server could not be started");
    }
    all
}

/// The moto server of this test process: started once, on a free port, and stopped when the
/// process ends (its shell wrapper waits on our stdin, which closes with us).
fn moto() -> Option<&'static str> {
    static ENDPOINT: OnceLock<Option<String>> = OnceLock::new();
    ENDPOINT
        .get_or_init(|| {
            let port = std::net::TcpListener::bind("127.0.0.1:0")
                .ok()?
                .local_addr()
                .ok()?
                .port();
            let mut child = Command::new("sh")
                .arg("-c")
                .arg(format!(
                    "moto_server -H 127.0.0.1 -p {port} >/dev/null 2>&1 & pid=$!; echo started; \
                     read _; kill $pid"
                ))
                .stdin(Stdio::piped())
                .stdout(Stdio::piped())
                .spawn()
                .ok()?;
            let mut line = String::new();
            BufReader::new(child.stdout.take()?)
                .read_line(&mut line)
                .ok()?;
            // Our end of its stdin stays open for the life of the process.
            std::mem::forget(child.stdin.take());
            let endpoint = format!("http://127.0.0.1:{port}");
            for _ in 0..200 {
                if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
                    return Some(endpoint);
                }
                std::thread::sleep(Duration::from_millis(100));
            }
            None
        })
        .as_deref()
}

/// A server with only this app on `storage`, whose new accounts start with `bonus` credits.
async fn spawn_on(backend: Backend, storage: Storage, bonus: i64) -> TestApp {
    let bucket = match storage {
        Storage::Local => None,
        Storage::S3 => {
            let endpoint = moto().expect("moto is running");
            let bucket = format!("lumiku-{}", uuid::Uuid::now_v7().simple());
            let created = reqwest::Client::new()
                .put(format!("{endpoint}/{bucket}"))
                .send()
                .await
                .expect("creating a bucket");
            assert!(created.status().is_success(), "{:?}", created.text().await);
            Some((endpoint, bucket))
        }
    };
    TestApp::spawn_with_apps(backend, vec![file_manager::app()], move |c| {
        c.welcome_bonus_credits = bonus;
        if let Some((endpoint, bucket)) = bucket {
            c.storage_url = Some(format!("s3://{bucket}/blobs"));
            c.storage_endpoint = Some(endpoint.to_owned());
            c.storage_region = Some("us-east-1".into());
            c.storage_allow_http = true;
            c.storage_access_key_id = Some("test".into());
            c.storage_secret_access_key = Some("test".to_owned().into());
        }
    })
    .await
}

async fn spawn(backend: Backend) -> TestApp {
    spawn_on(backend, Storage::Local, 100).await
}

async fn balance(app: &TestApp, user: &TestUser) -> i64 {
    app.get("/api/credits/balance", &user.access_token)
        .await
        .body["balance"]
        .as_i64()
        .unwrap()
}

/// What one `uploadFile` unit (a started 10 MiB) costs.
fn unit_cost() -> i64 {
    file_manager::MANIFEST.cost("uploadFile").unwrap()
}

fn share_cost() -> i64 {
    file_manager::MANIFEST.cost("createShareLink").unwrap()
}

/// Uploads `bytes` as `name` (into `folder`) with its length declared.
async fn upload(
    app: &TestApp,
    user: &TestUser,
    name: &str,
    bytes: Vec<u8>,
    folder: Option<&str>,
) -> TestResponse {
    upload_as(app, &user.access_token, None, name, bytes, folder).await
}

async fn upload_as(
    app: &TestApp,
    token: &str,
    tenant: Option<&str>,
    name: &str,
    bytes: Vec<u8>,
    folder: Option<&str>,
) -> TestResponse {
    let mut query = vec![("name", name.to_owned())];
    if let Some(folder) = folder {
        query.push(("folderId", folder.to_owned()));
    }
    let mut request = app
        .request(Method::POST, &format!("{BASE}/files"))
        .bearer_auth(token)
        .query(&query)
        .header("content-type", "application/octet-stream")
        .body(bytes);
    if let Some(tenant) = tenant {
        request = request.header("x-tenant-id", tenant);
    }
    TestResponse::from(request.send().await.unwrap()).await
}

/// Uploads `bytes` chunked, with no declared length.
async fn upload_chunked(
    app: &TestApp,
    user: &TestUser,
    name: &str,
    bytes: Vec<u8>,
) -> TestResponse {
    let chunks: Vec<Result<Vec<u8>, std::io::Error>> =
        bytes.chunks(64 * 1024).map(|c| Ok(c.to_vec())).collect();
    let body = reqwest::Body::wrap_stream(futures_util::stream::iter(chunks));
    let request = app
        .request(Method::POST, &format!("{BASE}/files"))
        .bearer_auth(&user.access_token)
        .query(&[("name", name)])
        .body(body);
    TestResponse::from(request.send().await.unwrap()).await
}

fn file_id(body: &Value) -> String {
    body["file"]["id"].as_str().unwrap().to_owned()
}

/// `n` bytes that compress badly and are not text.
fn noise(n: usize) -> Vec<u8> {
    let mut state: u64 = 0x9e37_79b9_7f4a_7c15 ^ n as u64;
    (0..n)
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            (state >> 24) as u8 | 0x80
        })
        .collect()
}

/// A PNG of `width` x `height`.
fn png(width: u32, height: u32) -> Vec<u8> {
    let mut out = Vec::new();
    image::RgbImage::from_pixel(width, height, image::Rgb([20, 120, 220]))
        .write_to(&mut std::io::Cursor::new(&mut out), image::ImageFormat::Png)
        .unwrap();
    out
}

/// The objects in the app's storage, once the deletions under way have finished (they run after
/// the answer): waits up to five seconds for the count to become `expected`.
async fn settle_objects(app: &TestApp, expected: u64) -> u64 {
    let mut objects = 0;
    for _ in 0..50 {
        objects = app.kernel.sweep_storage().await.unwrap().objects;
        if objects == expected {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    objects
}

/// The tenant's storage in use.
async fn used_bytes(app: &TestApp, user: &TestUser) -> u64 {
    app.get(&format!("{BASE}/usage"), &user.access_token)
        .await
        .body["storage"]["usedBytes"]
        .as_u64()
        .unwrap()
}

/// Sends only the head of an upload of `length` bytes, asking `Expect: 100-continue`, and reads
/// the answer: what a client learns before it sends a byte of the body.
async fn headers_only_upload(app: &TestApp, token: &str, length: u64) -> (u16, Value) {
    use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
    let mut stream = tokio::net::TcpStream::connect(app.addr).await.unwrap();
    let head = format!(
        "POST {BASE}/files?name=big.bin HTTP/1.1\r\nHost: {}\r\nAuthorization: Bearer {token}\r\n\
         Content-Type: application/octet-stream\r\nContent-Length: {length}\r\n\
         Expect: 100-continue\r\nConnection: close\r\n\r\n",
        app.addr
    );
    stream.write_all(head.as_bytes()).await.unwrap();
    let mut answer = Vec::new();
    tokio::time::timeout(Duration::from_secs(10), stream.read_to_end(&mut answer))
        .await
        .expect("an answer without the body")
        .unwrap();
    let text = String::from_utf8_lossy(&answer);
    let status = text
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    let body = text.split("\r\n\r\n").nth(1).unwrap_or("");
    (status, serde_json::from_str(body).unwrap_or(Value::Null))
}
