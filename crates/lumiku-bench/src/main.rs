//! `lumiku-bench`: how fast is Lumiku? Starts release `lumiku serve` processes on a fresh
//! database (SQLite, or PostgreSQL given a URL), creates tenants with plenty of credits, drives
//! load on loopback for a fixed time and connection count, prints requests/s, latency
//! percentiles, the CPU time the servers and the load generator spent per request, errors and
//! the servers' peak RSS, then checks the credit invariant over every
//! wallet. Exits non-zero if the invariant or the client's own count of charges does not hold.
//!
//! With `--peer DIR` it also runs the seed's own stack (`../shared/peer-hono`: Hono on Bun, raw SQL
//! over bun:sqlite) on the same data, interleaving the two scenario by scenario through the same
//! load generator, and prints the ratios, the memory of both and each one's count of lost charges.
//!
//! ```text
//! cargo build --release -p lumiku -p lumiku-bench
//! target/release/lumiku-bench                                  # SQLite, one server
//! target/release/lumiku-bench --postgres postgres://postgres@127.0.0.1/test --servers 2
//! target/release/lumiku-bench --peer ../shared/peer-hono       # side by side, with the ratios
//! ```

mod peer;

use lumiku_kernel::sql;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{Context as _, bail, ensure};
use bytes::Bytes;
use clap::{Parser, ValueEnum};
use http_body_util::{BodyExt, Full};
use hyper::header::{AUTHORIZATION, CONTENT_TYPE, HOST};
use hyper::{Method, Request};
use hyper_util::rt::TokioIo;
use lumiku_kernel::{Db, DbOptions};
use serde_json::{Value, json};
use tokio::net::TcpStream;
use tokio::process::{Child, Command};

#[derive(Parser, Debug)]
#[command(name = "lumiku-bench", about = "Load-test a release Lumiku server")]
struct Args {
    /// The `lumiku` binary (default: the release build beside this one).
    #[arg(long)]
    server_bin: Option<PathBuf>,
    /// A PostgreSQL server to run on (a fresh database is created there and dropped after);
    /// without it, a fresh SQLite file.
    #[arg(long, env = "LUMIKU_BENCH_POSTGRES_URL")]
    postgres: Option<String>,
    /// How many `lumiku serve` processes share the database (connections go round-robin).
    #[arg(long, default_value_t = 1)]
    servers: usize,
    /// Tenants to spread the load over (default 50; 100 with `--peer`).
    #[arg(long)]
    tenants: Option<usize>,
    /// Concurrent connections (one keep-alive HTTP/1.1 connection each).
    #[arg(long, default_value_t = 64)]
    connections: usize,
    /// Measured seconds per scenario.
    #[arg(long, default_value_t = 10)]
    seconds: u64,
    /// Unmeasured seconds before each scenario.
    #[arg(long, default_value_t = 2)]
    warmup: u64,
    /// Which scenarios, in order.
    #[arg(long, value_delimiter = ',', default_value = "health,list,create")]
    scenarios: Vec<Scenario>,
    /// Pool size of each server (LUMIKU_DATABASE_MAX_CONNECTIONS); default the server's own.
    #[arg(long)]
    pool: Option<u32>,
    /// The seed's own stack (`../shared/peer-hono`) to run side by side: both get the same users
    /// (1,000,000 credits, 3 projects of 2 tasks each), Lumiku's registered through its API with
    /// its default password hashing, as a deployment would; the scenarios alternate between them.
    #[arg(long)]
    peer: Option<PathBuf>,
    /// Where the peer's installed copy is kept between runs (default ~/.cache/lumiku-bench).
    #[arg(long)]
    peer_cache: Option<PathBuf>,
}

impl Args {
    fn tenants(&self) -> usize {
        self.tenants
            .unwrap_or(if self.peer.is_some() { 100 } else { 50 })
    }
}

#[derive(Clone, Copy, Debug, ValueEnum, PartialEq, Eq)]
enum Scenario {
    /// `GET /health`.
    Health,
    /// `GET /api/apps/project-manager/projects`, authenticated.
    List,
    /// `POST /api/apps/project-manager/projects`, the metered action (5 credits).
    Create,
}

impl Scenario {
    fn describe(self) -> &'static str {
        match self {
            Scenario::Health => "GET /health",
            Scenario::List => "GET projects (authenticated list)",
            Scenario::Create => "POST projects (metered, 5 credits)",
        }
    }
}

const JWT_SECRET: &str = "lumiku-bench-secret-lumiku-bench-secret";
const ADMIN_EMAIL: &str = "bench-admin@example.com";
const ADMIN_PASSWORD: &str = "bench admin password";
const GRANT: i64 = 1_000_000_000;
/// Beside the peer, what its seed gives each user: credits, projects, and tasks per project.
const PEER_CREDITS: i64 = 1_000_000;
const PEER_PROJECTS: usize = 3;
const PEER_TASKS: usize = 2;

#[tokio::main(flavor = "current_thread")]
async fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    ensure!(args.servers >= 1 && args.tenants() >= 1 && args.connections >= 1);
    let server_bin = match &args.server_bin {
        Some(path) => path.clone(),
        None => std::env::current_exe()?
            .parent()
            .context("the bench's directory")?
            .join("lumiku"),
    };
    ensure!(
        server_bin.exists(),
        "{} not found: build it with `cargo build --release -p lumiku`",
        server_bin.display()
    );
    let work = std::env::temp_dir().join(format!("lumiku-bench-{}", uuid::Uuid::now_v7().simple()));
    std::fs::create_dir_all(&work)?;
    let database = BenchDatabase::create(args.postgres.as_deref(), &work).await?;
    if database.postgres.is_none() && args.servers > 1 {
        eprintln!("note: several servers on one SQLite file share its single writer");
    }
    let outcome = run(&args, &server_bin, &work, &database).await;
    database.drop_it().await;
    let _ = std::fs::remove_dir_all(&work);
    outcome
}

async fn run(
    args: &Args,
    server_bin: &Path,
    work: &Path,
    database: &BenchDatabase,
) -> anyhow::Result<()> {
    // The peer first: its one-time install should not sit between Lumiku's start and its load.
    let peer_dir = match &args.peer {
        Some(source) => {
            let cache = match &args.peer_cache {
                Some(cache) => cache.clone(),
                None => PathBuf::from(std::env::var_os("HOME").context("HOME is not set")?)
                    .join(".cache/lumiku-bench"),
            };
            Some(peer::Peer::prepare(source, &cache).await?)
        }
        None => None,
    };
    let env = server_env(args, database, work);
    // Migrate and make the administrator before any server starts, so they never race.
    let status = Command::new(server_bin)
        .args(["admin", "create-user", "--email", ADMIN_EMAIL, "--admin"])
        .envs(env.iter().cloned())
        .env("LUMIKU_ADMIN_PASSWORD", ADMIN_PASSWORD)
        .stdout(Stdio::null())
        .status()
        .await
        .context("running lumiku admin create-user")?;
    ensure!(status.success(), "creating the administrator failed");

    let mut servers = Vec::new();
    for _ in 0..args.servers {
        servers.push(Server::start(server_bin, &env).await?);
    }
    let addrs: Vec<SocketAddr> = servers.iter().map(|s| s.addr).collect();
    println!(
        "lumiku-bench: {} server(s) on {}, {} tenants, {} connections, {} s per scenario (+{} s warm-up)",
        args.servers,
        database.label(),
        args.tenants(),
        args.connections,
        args.seconds,
        args.warmup
    );
    let seeded = if args.peer.is_some() {
        let tenants = setup_like_peer(addrs[0], args.tenants()).await?;
        println!(
            "registered {} accounts through the API ({PEER_PROJECTS} projects of {PEER_TASKS} tasks each)",
            tenants.len()
        );
        Seeded {
            tenants,
            projects_each: PEER_PROJECTS,
        }
    } else {
        let tenants = setup(addrs[0], args.tenants()).await?;
        println!("set up {} tenants with {GRANT} credits each", tenants.len());
        Seeded {
            tenants,
            projects_each: 5,
        }
    };
    // The sign-ups' share of the peak: measured before any load, so a burst of Argon2 hashes
    // that set the peak would show here and not only in the peak after the load.
    for (i, server) in servers.iter().enumerate() {
        if let Some(memory) = server.child.id().and_then(Memory::of) {
            println!("server {i} after the sign-ups: {memory}");
        }
    }
    let lumiku = Target {
        label: "lumiku",
        addrs,
        pids: servers.iter().filter_map(|s| s.child.id()).collect(),
        database_cpu: database.postgres.is_some(),
        tokens: Arc::new(seeded.tenants.iter().map(|t| t.token.clone()).collect()),
    };
    let mut peer = match &peer_dir {
        Some(dir) => {
            let peer =
                peer::Peer::start(dir, work, args.tenants(), PEER_PROJECTS, PEER_TASKS).await?;
            println!(
                "peer: seeded {} users (its own seed script) on {}",
                peer.tokens.len(),
                peer.addr
            );
            Some(peer)
        }
        None => None,
    };
    let peer_target = peer.as_ref().map(|peer| Target {
        label: "peer",
        addrs: vec![peer.addr],
        pids: peer.child.id().into_iter().collect(),
        database_cpu: false,
        tokens: Arc::new(peer.tokens.clone()),
    });

    println!(
        "\n{:<44} {:>9} {:>9} {:>8} {:>8} {:>8} {:>8} {:>7} {:>6} {:>8} {:>8}",
        "scenario",
        "requests",
        "req/s",
        "p50 ms",
        "p90 ms",
        "p99 ms",
        "max ms",
        "errors",
        "402s",
        "srv us",
        "gen us"
    );
    let mut charged = 0u64;
    let mut peer_charged = 0u64;
    let mut pairs = Vec::new();
    for scenario in &args.scenarios {
        let report = load(*scenario, &lumiku, args).await?;
        if *scenario == Scenario::Create {
            charged += report.ok_total;
        }
        report.print(&lumiku, *scenario);
        if let Some(peer_target) = &peer_target {
            let peer_report = load(*scenario, peer_target, args).await?;
            if *scenario == Scenario::Create {
                peer_charged += peer_report.ok_total;
            }
            peer_report.print(peer_target, *scenario);
            pairs.push((*scenario, report, peer_report));
        }
    }

    println!(
        "(srv us, gen us: CPU time per measured request of the servers, and of this load generator)\n"
    );
    let mut lumiku_memory = Memory::default();
    for (i, server) in servers.iter().enumerate() {
        match server.child.id().and_then(Memory::of) {
            Some(memory) => {
                println!("server {i} after the load: {memory}");
                lumiku_memory.add(memory);
            }
            None => println!("server {i}: memory unknown (no /proc)"),
        }
    }
    let peer_memory = peer
        .as_ref()
        .and_then(|p| p.child.id())
        .and_then(Memory::of);
    if let Some(memory) = peer_memory {
        println!("peer after the load: {memory}");
    }
    for server in &mut servers {
        server.stop().await;
    }

    let lumiku_outcome = check_invariant(database, &seeded, charged).await;
    if let Some(peer) = &mut peer {
        let check = peer.stop_and_check().await?;
        println!(
            "peer check: {} projects created through its API ({} answered 201 under load), {} usage rows, \
             {} lost charges in {} users, {} negative balances",
            check.projects_created,
            peer_charged,
            check.usage_rows,
            check.lost_deductions,
            check.users_with_lost_deductions,
            check.users_with_negative_balance
        );
        print_ratios(&pairs, lumiku_memory, peer_memory);
    }
    lumiku_outcome
}

/// Lumiku beside the peer, scenario by scenario: req/s, p99 and server CPU per request as Lumiku's
/// over the peer's, then memory.
fn print_ratios(pairs: &[(Scenario, Report, Report)], lumiku: Memory, peer: Option<Memory>) {
    println!("\nlumiku / peer          req/s      p99   srv CPU per request");
    for (scenario, ours, theirs) in pairs {
        let ratio = |a: Option<f64>, b: Option<f64>| match a.zip(b) {
            Some((a, b)) if b > 0.0 => format!("{:.2}", a / b),
            _ => "-".to_owned(),
        };
        println!(
            "{:<18} {:>9} {:>8} {:>8}",
            format!("{scenario:?}").to_lowercase(),
            ratio(Some(ours.rps()), Some(theirs.rps())),
            ratio(Some(ours.percentile(0.99)), Some(theirs.percentile(0.99))),
            ratio(ours.server_us(), theirs.server_us()),
        );
    }
    if let Some(peer) = peer {
        println!(
            "memory             VmRSS after {:.2} ({:.1} / {:.1} MiB), VmHWM {:.2} ({:.1} / {:.1} MiB)",
            lumiku.rss_kib as f64 / peer.rss_kib as f64,
            lumiku.rss_kib as f64 / 1024.0,
            peer.rss_kib as f64 / 1024.0,
            lumiku.hwm_kib as f64 / peer.hwm_kib as f64,
            lumiku.hwm_kib as f64 / 1024.0,
            peer.hwm_kib as f64 / 1024.0,
        );
    }
}

/// Where the load goes: a server (or several, round-robin) and the tokens to present.
struct Target {
    label: &'static str,
    addrs: Vec<SocketAddr>,
    pids: Vec<u32>,
    /// Whether to measure the CPU of this machine's `postgres` processes too.
    database_cpu: bool,
    tokens: Arc<Vec<String>>,
}

/// A process's resident memory now (VmRSS) and at its peak (VmHWM), from /proc, in KiB.
#[derive(Default, Clone, Copy)]
struct Memory {
    rss_kib: u64,
    hwm_kib: u64,
}

impl Memory {
    fn of(pid: u32) -> Option<Self> {
        let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
        let field = |name: &str| -> Option<u64> {
            status
                .lines()
                .find_map(|line| line.strip_prefix(name))
                .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        };
        Some(Self {
            rss_kib: field("VmRSS:")?,
            hwm_kib: field("VmHWM:")?,
        })
    }

    fn add(&mut self, other: Self) {
        self.rss_kib += other.rss_kib;
        self.hwm_kib += other.hwm_kib;
    }
}

impl std::fmt::Display for Memory {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "VmRSS {:.1} MiB, peak (VmHWM) {:.1} MiB",
            self.rss_kib as f64 / 1024.0,
            self.hwm_kib as f64 / 1024.0
        )
    }
}

/// The server's environment: the bench's database, a fixed secret, tokens that outlive the run,
/// and no background billing job. Alone, cheap password hashing (only the setup signs in); beside
/// the peer, the default hashing and the welcome bonus, since registering its users is part of
/// what the peer's memory is compared with.
fn server_env(args: &Args, database: &BenchDatabase, work: &Path) -> Vec<(String, String)> {
    let mut env = vec![
        ("LUMIKU_DATABASE_URL".into(), database.url.clone()),
        ("LUMIKU_JWT_SECRET".into(), JWT_SECRET.into()),
        ("LUMIKU_DATA_DIR".into(), work.display().to_string()),
        ("LUMIKU_ACCESS_TOKEN_TTL_SECS".into(), "86400".into()),
        ("LUMIKU_REFRESH_TOKEN_TTL_SECS".into(), "172800".into()),
        ("LUMIKU_BILLING_INTERVAL_SECS".into(), "0".into()),
        ("LUMIKU_LOG".into(), "warn".into()),
    ];
    if args.peer.is_some() {
        env.push((
            "LUMIKU_WELCOME_BONUS_CREDITS".into(),
            PEER_CREDITS.to_string(),
        ));
    } else {
        env.push(("LUMIKU_ARGON2_MEMORY_KIB".into(), "1024".into()));
        env.push(("LUMIKU_ARGON2_ITERATIONS".into(), "1".into()));
    }
    if let Some(pool) = args.pool {
        env.push(("LUMIKU_DATABASE_MAX_CONNECTIONS".into(), pool.to_string()));
    }
    env
}

/// A fresh database for one run.
struct BenchDatabase {
    url: String,
    postgres: Option<(String, String)>,
}

impl BenchDatabase {
    async fn create(postgres: Option<&str>, work: &Path) -> anyhow::Result<Self> {
        let Some(admin_url) = postgres else {
            return Ok(Self {
                url: format!("sqlite://{}", work.join("bench.db").display()),
                postgres: None,
            });
        };
        let name = format!("lumiku_bench_{}", uuid::Uuid::now_v7().simple());
        let admin = sqlx::PgPool::connect(admin_url)
            .await
            .context("connecting to PostgreSQL")?;
        sqlx::query(sqlx::AssertSqlSafe(format!("create database {name}")))
            .execute(&admin)
            .await
            .context("creating the bench database")?;
        admin.close().await;
        let (base, query) = admin_url
            .split_once('?')
            .map_or((admin_url, None), |(b, q)| (b, Some(q)));
        let scheme_end = base.find("://").map_or(0, |i| i + 3);
        let base = match base[scheme_end..].find('/') {
            Some(slash) => &base[..scheme_end + slash],
            None => base,
        };
        let url = match query {
            Some(q) => format!("{base}/{name}?{q}"),
            None => format!("{base}/{name}"),
        };
        Ok(Self {
            url,
            postgres: Some((admin_url.to_owned(), name)),
        })
    }

    fn label(&self) -> &'static str {
        if self.postgres.is_some() {
            "PostgreSQL"
        } else {
            "SQLite"
        }
    }

    async fn drop_it(&self) {
        if let Some((admin_url, name)) = &self.postgres
            && let Ok(admin) = sqlx::PgPool::connect(admin_url).await
        {
            let _ = sqlx::query(sqlx::AssertSqlSafe(format!(
                "drop database if exists {name} with (force)"
            )))
            .execute(&admin)
            .await;
            admin.close().await;
        }
    }
}

/// One `lumiku serve` process.
struct Server {
    child: Child,
    addr: SocketAddr,
}

impl Server {
    async fn start(bin: &Path, env: &[(String, String)]) -> anyhow::Result<Self> {
        let port = std::net::TcpListener::bind("127.0.0.1:0")?
            .local_addr()?
            .port();
        let addr = SocketAddr::from(([127, 0, 0, 1], port));
        let child = Command::new(bin)
            .args(["serve", "--bind", &addr.to_string()])
            .envs(env.iter().cloned())
            .stdout(Stdio::null())
            .kill_on_drop(true)
            .spawn()
            .context("starting lumiku serve")?;
        let deadline = Instant::now() + Duration::from_secs(30);
        while !healthy(addr).await {
            if Instant::now() > deadline {
                bail!("the server on {addr} did not become healthy");
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        Ok(Self { child, addr })
    }

    async fn stop(&mut self) {
        let _ = self.child.kill().await;
    }
}

/// Whether a server on `addr` answers `GET /health` with 200.
async fn healthy(addr: SocketAddr) -> bool {
    match Connection::open(addr).await {
        Ok(mut connection) => matches!(
            connection.send(Method::GET, "/health", None, None).await,
            Ok((200, _))
        ),
        Err(_) => false,
    }
}

/// A keep-alive HTTP/1.1 connection.
struct Connection {
    sender: hyper::client::conn::http1::SendRequest<Full<Bytes>>,
    host: String,
}

impl Connection {
    async fn open(addr: SocketAddr) -> anyhow::Result<Self> {
        let stream = TcpStream::connect(addr).await?;
        stream.set_nodelay(true)?;
        let (sender, connection) =
            hyper::client::conn::http1::handshake(TokioIo::new(stream)).await?;
        tokio::spawn(async move {
            let _ = connection.await;
        });
        Ok(Self {
            sender,
            host: addr.to_string(),
        })
    }

    /// Sends one request and reads the whole answer: (status, body).
    async fn send(
        &mut self,
        method: Method,
        path: &str,
        token: Option<&str>,
        body: Option<Bytes>,
    ) -> anyhow::Result<(u16, Bytes)> {
        let mut request = Request::builder()
            .method(method)
            .uri(path)
            .header(HOST, &self.host);
        if let Some(token) = token {
            request = request.header(AUTHORIZATION, format!("Bearer {token}"));
        }
        if body.is_some() {
            request = request.header(CONTENT_TYPE, "application/json");
        }
        let request = request.body(Full::new(body.unwrap_or_default()))?;
        self.sender.ready().await?;
        let response = self.sender.send_request(request).await?;
        let status = response.status().as_u16();
        let bytes = response.into_body().collect().await?.to_bytes();
        Ok((status, bytes))
    }

    async fn json(
        &mut self,
        method: Method,
        path: &str,
        token: Option<&str>,
        body: Value,
    ) -> anyhow::Result<(u16, Value)> {
        let (status, bytes) = self
            .send(method, path, token, Some(Bytes::from(body.to_string())))
            .await?;
        Ok((
            status,
            serde_json::from_slice(&bytes).unwrap_or(Value::Null),
        ))
    }

    /// Registers an account: its access token and personal tenant's id.
    async fn register(&mut self, email: &str) -> anyhow::Result<(String, String)> {
        let (status, body) = self
            .json(
                Method::POST,
                "/api/auth/register",
                None,
                json!({ "email": email, "password": "correct horse battery" }),
            )
            .await?;
        ensure!(status == 201, "registration failed: {status} {body}");
        let field = |value: &Value, what: &str| -> anyhow::Result<String> {
            Ok(value.as_str().context(what.to_owned())?.to_owned())
        };
        Ok((
            field(&body["tokens"]["accessToken"], "token")?,
            field(&body["personalTenantId"], "tenant id")?,
        ))
    }
}

/// A tenant under load: its owner's token.
struct Tenant {
    token: String,
}

/// The tenants set up, and how many metered project creates the setup made in each.
struct Seeded {
    tenants: Vec<Tenant>,
    projects_each: usize,
}

/// Registers `count` accounts through the API, four at a time as a burst of sign-ups would come
/// (each a personal tenant with the welcome bonus), each with the peer's seeded data: three
/// projects of two tasks.
async fn setup_like_peer(addr: SocketAddr, count: usize) -> anyhow::Result<Vec<Tenant>> {
    use futures_util::{StreamExt as _, TryStreamExt as _};
    let run = uuid::Uuid::now_v7().simple().to_string();
    futures_util::stream::iter(0..count)
        .map(|i| {
            let run = run.clone();
            async move {
                let mut connection = Connection::open(addr).await?;
                let (token, _) = connection
                    .register(&format!("user{i}-{run}@example.com"))
                    .await?;
                for p in 0..PEER_PROJECTS {
                    let (status, body) = connection
                        .json(
                            Method::POST,
                            "/api/apps/project-manager/projects",
                            Some(&token),
                            json!({ "name": format!("Seed {i}-{p}") }),
                        )
                        .await?;
                    ensure!(status == 201, "seeding a project failed: {status} {body}");
                    let project = body["project"]["id"].as_str().context("project id")?;
                    for t in 0..PEER_TASKS {
                        let (status, body) = connection
                            .json(
                                Method::POST,
                                &format!("/api/apps/project-manager/projects/{project}/tasks"),
                                Some(&token),
                                json!({ "title": format!("Task {t}") }),
                            )
                            .await?;
                        ensure!(status == 201, "seeding a task failed: {status} {body}");
                    }
                }
                Ok(Tenant { token })
            }
        })
        .buffered(4)
        .try_collect()
        .await
}

/// Registers `count` accounts (each a personal tenant), grants each plenty of credits, and gives
/// each five projects for the list to return.
async fn setup(addr: SocketAddr, count: usize) -> anyhow::Result<Vec<Tenant>> {
    let mut connection = Connection::open(addr).await?;
    let (status, body) = connection
        .json(
            Method::POST,
            "/api/auth/login",
            None,
            json!({ "email": ADMIN_EMAIL, "password": ADMIN_PASSWORD }),
        )
        .await?;
    ensure!(status == 200, "admin login failed: {status} {body}");
    let admin = body["tokens"]["accessToken"]
        .as_str()
        .context("admin token")?
        .to_owned();
    let run = uuid::Uuid::now_v7().simple().to_string();
    let mut tenants = Vec::with_capacity(count);
    for i in 0..count {
        let (token, tenant_id) = connection
            .register(&format!("tenant{i}-{run}@example.com"))
            .await?;
        let tenant = Tenant { token };
        let (status, body) = connection
            .json(
                Method::POST,
                &format!("/api/admin/tenants/{tenant_id}/credits"),
                Some(&admin),
                json!({ "amount": GRANT, "kind": "grant", "reason": "benchmark" }),
            )
            .await?;
        ensure!(status == 201, "grant failed: {status} {body}");
        for p in 0..5 {
            let (status, body) = connection
                .json(
                    Method::POST,
                    "/api/apps/project-manager/projects",
                    Some(&tenant.token),
                    json!({ "name": format!("Seed project {p}"), "description": "Made by the bench's setup" }),
                )
                .await?;
            ensure!(status == 201, "seeding a project failed: {status} {body}");
        }
        tenants.push(tenant);
    }
    Ok(tenants)
}

/// The CPU time (user and system, all threads) process `pid` has used, in seconds; `None`
/// without Linux's /proc. Its clock ticks are USER_HZ, 100 a second on every Linux ABI.
fn cpu_seconds(pid: &str) -> Option<f64> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // The command name (field 2) may hold spaces; the fields after it are plain numbers.
    let after_name = &stat[stat.rfind(')')? + 1..];
    let mut fields = after_name.split_whitespace().skip(11);
    let user: u64 = fields.next()?.parse().ok()?;
    let system: u64 = fields.next()?.parse().ok()?;
    Some((user + system) as f64 / 100.0)
}

/// The CPU seconds used so far by the servers, by this process, and (when asked) by every
/// `postgres` process on this machine.
fn cpu_now(pids: &[u32], database: bool) -> Option<Cpu> {
    let mut servers = 0.0;
    for pid in pids {
        servers += cpu_seconds(&pid.to_string())?;
    }
    Some(Cpu {
        servers,
        generator: cpu_seconds("self")?,
        database: if database { postgres_cpu() } else { None },
    })
}

/// The CPU seconds used so far by the processes named `postgres` (the server and its backends);
/// `None` if there are none here (a database on another machine). A backend that exits in the
/// measured period takes its time with it; the pool's connections live through it.
fn postgres_cpu() -> Option<f64> {
    let mut total = None;
    for entry in std::fs::read_dir("/proc").ok()?.flatten() {
        let pid = entry.file_name();
        let Some(pid) = pid
            .to_str()
            .filter(|p| p.bytes().all(|b| b.is_ascii_digit()))
        else {
            continue;
        };
        let is_postgres = std::fs::read_to_string(format!("/proc/{pid}/comm"))
            .is_ok_and(|comm| comm.trim_end() == "postgres");
        if is_postgres && let Some(seconds) = cpu_seconds(pid) {
            *total.get_or_insert(0.0) += seconds;
        }
    }
    total
}

/// CPU seconds used, by whom.
#[derive(Clone, Copy)]
struct Cpu {
    servers: f64,
    generator: f64,
    database: Option<f64>,
}

impl Cpu {
    fn since(self, before: Cpu) -> Cpu {
        Cpu {
            servers: self.servers - before.servers,
            generator: self.generator - before.generator,
            database: self.database.zip(before.database).map(|(a, b)| a - b),
        }
    }
}

#[derive(Default)]
struct Report {
    seconds: f64,
    /// CPU seconds the servers, the load generator and the database used in the measured period.
    cpu: Option<Cpu>,
    latencies_us: Vec<u32>,
    ok_total: u64,
    errors: u64,
    payment_required: u64,
    first_error: Option<String>,
}

impl Report {
    fn percentile(&self, p: f64) -> f64 {
        if self.latencies_us.is_empty() {
            return 0.0;
        }
        let index = ((self.latencies_us.len() as f64 - 1.0) * p).round() as usize;
        f64::from(self.latencies_us[index]) / 1000.0
    }

    fn rps(&self) -> f64 {
        self.latencies_us.len() as f64 / self.seconds
    }

    /// The servers' CPU time per measured request, in µs.
    fn server_us(&self) -> Option<f64> {
        let requests = self.latencies_us.len();
        self.cpu
            .filter(|_| requests > 0)
            .map(|cpu| cpu.servers * 1e6 / requests as f64)
    }

    fn print(&self, target: &Target, scenario: Scenario) {
        let requests = self.latencies_us.len();
        let per_request = |seconds: f64| {
            if requests == 0 {
                "-".to_owned()
            } else {
                format!("{:.0}", seconds * 1e6 / requests as f64)
            }
        };
        let (server_cpu, generator_cpu) = match self.cpu {
            Some(cpu) => (per_request(cpu.servers), per_request(cpu.generator)),
            None => ("-".to_owned(), "-".to_owned()),
        };
        println!(
            "{:<44} {:>9} {:>9.0} {:>8.2} {:>8.2} {:>8.2} {:>8.2} {:>7} {:>6} {:>8} {:>8}",
            format!("{} {}", target.label, scenario.describe()),
            requests,
            self.rps(),
            self.percentile(0.50),
            self.percentile(0.90),
            self.percentile(0.99),
            self.percentile(1.0),
            self.errors,
            self.payment_required,
            server_cpu,
            generator_cpu
        );
        if let Some(database) = self.cpu.and_then(|cpu| cpu.database) {
            println!(
                "  PostgreSQL's own CPU per request: {} us",
                per_request(database)
            );
        }
        if let Some(error) = &self.first_error {
            println!("  first error: {error}");
        }
    }
}

/// Drives `scenario` with `args.connections` connections for the warm-up and then the measured
/// period; only requests completed in the measured period count.
async fn load(scenario: Scenario, target: &Target, args: &Args) -> anyhow::Result<Report> {
    let start = Instant::now();
    let measure_from = start + Duration::from_secs(args.warmup);
    let until = measure_from + Duration::from_secs(args.seconds);
    let body = Bytes::from_static(
        br#"{"name":"Benchmark project","description":"A project made under load"}"#,
    );
    let pids = target.pids.clone();
    let database = target.database_cpu;
    let sampler = tokio::spawn(async move {
        tokio::time::sleep_until(measure_from.into()).await;
        let before = cpu_now(&pids, database);
        tokio::time::sleep_until(until.into()).await;
        let after = cpu_now(&pids, database);
        before.zip(after).map(|(b, a)| a.since(b))
    });
    let window = Window {
        measure_from,
        until,
    };
    let mut workers = Vec::with_capacity(args.connections);
    for worker in 0..args.connections {
        let addr = target.addrs[worker % target.addrs.len()];
        let tokens = Arc::clone(&target.tokens);
        let body = body.clone();
        workers.push(tokio::spawn(async move {
            drive(scenario, addr, worker, &tokens, body, window).await
        }));
    }
    let mut total = Report {
        seconds: args.seconds as f64,
        ..Report::default()
    };
    for worker in workers {
        total.merge(worker.await??);
    }
    total.latencies_us.sort_unstable();
    total.cpu = sampler.await?;
    Ok(total)
}

/// When the measured period starts and when the load stops.
#[derive(Clone, Copy)]
struct Window {
    measure_from: Instant,
    until: Instant,
}

/// One connection's requests until the window closes, starting at tenant `first`.
async fn drive(
    scenario: Scenario,
    addr: SocketAddr,
    first: usize,
    tokens: &[String],
    body: Bytes,
    window: Window,
) -> anyhow::Result<Report> {
    let mut connection = Connection::open(addr).await?;
    let mut report = Report::default();
    let mut turn = first;
    loop {
        let began = Instant::now();
        if began >= window.until {
            return Ok(report);
        }
        let token = &tokens[turn % tokens.len()];
        turn += args_stride(tokens.len());
        let result = send(&mut connection, scenario, token, &body).await;
        let done = Instant::now();
        match result {
            Ok((status, response)) => {
                report.record(status, &response, done - began, done >= window.measure_from);
            }
            Err(error) => {
                report.errors += 1;
                report.first_error.get_or_insert_with(|| error.to_string());
                connection = Connection::open(addr).await?;
            }
        }
    }
}

/// One request of `scenario`.
async fn send(
    connection: &mut Connection,
    scenario: Scenario,
    token: &str,
    body: &Bytes,
) -> anyhow::Result<(u16, Bytes)> {
    const PROJECTS: &str = "/api/apps/project-manager/projects";
    match scenario {
        Scenario::Health => connection.send(Method::GET, "/health", None, None).await,
        Scenario::List => {
            connection
                .send(Method::GET, PROJECTS, Some(token), None)
                .await
        }
        Scenario::Create => {
            connection
                .send(Method::POST, PROJECTS, Some(token), Some(body.clone()))
                .await
        }
    }
}

impl Report {
    /// Counts an answer; its latency and failures count only when `measured`.
    fn record(&mut self, status: u16, response: &[u8], latency: Duration, measured: bool) {
        let ok = (200..300).contains(&status);
        if ok {
            self.ok_total += 1;
        }
        if !measured {
            return;
        }
        self.latencies_us
            .push(u32::try_from(latency.as_micros()).unwrap_or(u32::MAX));
        if status == 402 {
            self.payment_required += 1;
        } else if !ok {
            self.errors += 1;
            self.first_error
                .get_or_insert_with(|| format!("{status} {}", String::from_utf8_lossy(response)));
        }
    }

    /// Adds another connection's counts.
    fn merge(&mut self, other: Report) {
        self.latencies_us.extend(other.latencies_us);
        self.ok_total += other.ok_total;
        self.errors += other.errors;
        self.payment_required += other.payment_required;
        if self.first_error.is_none() {
            self.first_error = other.first_error;
        }
    }
}

/// Steps through tenants so that neighbouring connections do not move in lockstep.
fn args_stride(tenants: usize) -> usize {
    if tenants > 7 && !tenants.is_multiple_of(7) {
        7
    } else {
        1
    }
}

/// Every wallet: balance = sum of its ledger = the last running balance, and never below zero;
/// and the charges the database holds are exactly the successful metered requests.
async fn check_invariant(
    database: &BenchDatabase,
    seeded: &Seeded,
    charged: u64,
) -> anyhow::Result<()> {
    let db = Db::connect(&DbOptions {
        url: database.url.clone(),
        max_connections: 2,
        ..Default::default()
    })
    .await?;
    let wallets: i64 = sql::query_scalar("select count(*) from wallets")
        .fetch_one(&db)
        .await?;
    let broken: i64 = sql::query_scalar(
        "select count(*) from wallets w where w.balance_credits < 0 \
         or w.balance_credits <> coalesce((select cast(sum(l.amount_credits) as bigint) from ledger_entries l where l.tenant_id = w.tenant_id), 0) \
         or w.balance_credits <> coalesce((select l.balance_after_credits from ledger_entries l where l.tenant_id = w.tenant_id order by l.id desc limit 1), 0)")
        .fetch_one(&db)
        .await?;
    // The setup made some projects per tenant; the load made `charged` more.
    let expected = charged + (seeded.projects_each * seeded.tenants.len()) as u64;
    let (usages, credits): (i64, i64) = sql::query_as(
        "select count(*), cast(coalesce(sum(credits), 0) as bigint) from app_usage where action = 'createProject'")
        .fetch_one(&db)
        .await?;
    // Each user's running totals per tenant and app agree with the usage rows behind them.
    let drifted: i64 = sql::query_scalar(
        "select count(*) from (select tenant_id, app_id, user_id, count(*) as actions, \
         cast(sum(credits) as bigint) as credits from app_usage group by tenant_id, app_id, user_id) u \
         full join app_user_usage t on t.tenant_id = u.tenant_id and t.app_id = u.app_id and t.user_id = u.user_id \
         where t.actions is null or u.actions is null or t.actions <> u.actions or t.credits <> u.credits")
        .fetch_one(&db)
        .await?;
    db.close().await;
    println!(
        "invariant: {wallets} wallets checked, {broken} broken (balance = ledger sum = last running balance >= 0)"
    );
    println!(
        "charges: {usages} createProject usage rows for {expected} successful creates, {credits} credits (expected {})",
        expected * 5
    );
    ensure!(
        broken == 0,
        "the credit invariant is broken in {broken} wallets"
    );
    println!("running totals: {drifted} (tenant, app, user) rows disagree with the usage rows");
    ensure!(
        usages as u64 == expected && credits as u64 == expected * 5,
        "the charges stored differ from the successful requests"
    );
    ensure!(
        drifted == 0,
        "{drifted} running totals disagree with the usage rows"
    );
    println!("OK");
    Ok(())
}
