//! `chat-bench`: Team Chat's realtime delivery under load, against release `lumiku serve`
//! processes (the clients run here, so the server's memory is its own).
//!
//! 1. `--clients` WebSocket clients, each watching one of `--channels` channels; the server's RSS
//!    before and after they connect, per 1,000 idle connections.
//! 2. Messages sent through the metered API at `--rate` per second for `--secs` seconds, spread over
//!    the channels: the delay from publishing (in the sending transaction, just before its commit) to
//!    each client's receipt, p50, p99 and max, and the count of deliveries against the expected
//!    count (every message to every watcher of its channel, once).
//! 3. With `--postgres URL --nodes 2`: the clients split between two servers on one PostgreSQL,
//!    the senders alternate between them, and the cross-node deliveries are reported apart.
//!
//! ```text
//! cargo build --release -p lumiku -p lumiku-bench
//! target/release/chat-bench                       # SQLite, one node, 2,000 clients, 500 msg/s
//! target/release/chat-bench --postgres postgres://postgres@127.0.0.1/chatbench --nodes 2
//! ```

use std::collections::HashSet;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use anyhow::Context as _;

#[path = "../node.rs"]
mod node;
use clap::Parser;
use futures_util::StreamExt;
use node::{Node, cpu_secs_of};
use serde_json::{Value, json};
use tokio::sync::Mutex;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;

#[derive(Parser)]
struct Args {
    /// WebSocket clients.
    #[arg(long, default_value_t = 2_000)]
    clients: usize,
    /// Channels the clients are spread over.
    #[arg(long, default_value_t = 20)]
    channels: usize,
    /// Messages sent per second.
    #[arg(long, default_value_t = 500)]
    rate: u64,
    /// Seconds of sending.
    #[arg(long, default_value_t = 10)]
    secs: u64,
    /// Servers sharing the database (PostgreSQL only above 1).
    #[arg(long, default_value_t = 1)]
    nodes: usize,
    /// A PostgreSQL URL to an empty database (SQLite in a temporary file otherwise).
    #[arg(long)]
    postgres: Option<String>,
    /// The `lumiku` binary (default: next to this one).
    #[arg(long)]
    server_bin: Option<PathBuf>,
}

fn percentile(sorted: &[i64], p: f64) -> i64 {
    if sorted.is_empty() {
        return 0;
    }
    #[allow(
        clippy::cast_possible_truncation,
        clippy::cast_sign_loss,
        clippy::cast_precision_loss
    )]
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i]
}

/// The parts of a frame the clients read (the rest is skipped, not parsed into values).
#[derive(serde::Deserialize)]
struct Frame<'a> {
    #[serde(rename = "type", borrow)]
    kind: &'a str,
    #[serde(borrow)]
    event: Option<&'a str>,
    #[serde(borrow)]
    id: Option<&'a str>,
    ts: Option<i64>,
    #[serde(borrow)]
    data: Option<FrameData<'a>>,
}

#[derive(serde::Deserialize)]
struct FrameData<'a> {
    #[serde(borrow)]
    message: FrameMessage<'a>,
}

#[derive(serde::Deserialize)]
struct FrameMessage<'a> {
    body: &'a str,
}

/// What the clients saw.
#[derive(Default)]
struct Seen {
    /// Publish-to-receipt delays, ms: same node, and across nodes.
    local: Vec<i64>,
    cross: Vec<i64>,
    duplicates: u64,
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    anyhow::ensure!(args.nodes >= 1 && args.channels >= 1 && args.clients >= 1);
    anyhow::ensure!(
        args.nodes == 1 || args.postgres.is_some(),
        "several nodes need --postgres"
    );
    let bin = match &args.server_bin {
        Some(path) => path.clone(),
        None => std::env::current_exe()?
            .parent()
            .context("the bench's directory")?
            .join("lumiku"),
    };
    let work = std::env::temp_dir().join(format!("lumiku-chat-bench-{}", std::process::id()));
    std::fs::create_dir_all(&work)?;
    let database_url = args
        .postgres
        .clone()
        .unwrap_or_else(|| format!("sqlite://{}", work.join("chat.db").display()));
    let env = [
        ("LUMIKU_DATABASE_URL", database_url.clone()),
        (
            "LUMIKU_JWT_SECRET",
            "chat-bench-secret-chat-bench-secret!!".to_owned(),
        ),
        ("LUMIKU_DATA_DIR", work.display().to_string()),
        ("LUMIKU_ARGON2_MEMORY_KIB", "1024".to_owned()),
        ("LUMIKU_ARGON2_ITERATIONS", "1".to_owned()),
        ("LUMIKU_ACCESS_TOKEN_TTL_SECS", "86400".to_owned()),
        ("LUMIKU_WELCOME_BONUS_CREDITS", "10000000".to_owned()),
        ("LUMIKU_BILLING_INTERVAL_SECS", "0".to_owned()),
        ("LUMIKU_LOG", "warn".to_owned()),
    ];
    let mut nodes = Vec::new();
    for _ in 0..args.nodes {
        nodes.push(Node::start(&bin, &env).await?);
    }
    let http = reqwest::Client::new();
    let base = |n: usize| format!("http://{}", nodes[n % nodes.len()].addr);
    let registered: Value = http
        .post(format!("{}/api/auth/register", base(0)))
        .json(&json!({ "email": "bench@example.com", "password": "chat bench password 2026!", "name": "Bench" }))
        .send()
        .await?
        .json()
        .await?;
    let token = registered["tokens"]["accessToken"]
        .as_str()
        .context("registering")?
        .to_owned();
    let mut channels = Vec::new();
    for c in 0..args.channels {
        let created: Value = http
            .post(format!("{}/api/apps/team-chat/channels", base(0)))
            .bearer_auth(&token)
            .json(&json!({ "name": format!("bench-{c}") }))
            .send()
            .await?
            .json()
            .await?;
        channels.push(
            created["channel"]["id"]
                .as_str()
                .context("a channel")?
                .to_owned(),
        );
    }
    println!(
        "{} WebSocket clients over {} channels, {} node(s) on {}",
        args.clients,
        args.channels,
        args.nodes,
        if args.postgres.is_some() {
            "PostgreSQL"
        } else {
            "SQLite"
        }
    );

    // 1. Connect, idle, and weigh the server.
    tokio::time::sleep(Duration::from_secs(1)).await;
    let rss_before: Vec<u64> = nodes.iter().map(Node::rss_kib).collect();
    let seen = Arc::new(Mutex::new(Seen::default()));
    let received = Arc::new(AtomicU64::new(0));
    let mut readers = Vec::new();
    let connect_started = Instant::now();
    for i in 0..args.clients {
        // Each channel's watchers spread over the nodes.
        let node = (i / channels.len()) % nodes.len();
        let channel = &channels[i % channels.len()];
        let url = format!(
            "ws://{}/api/realtime?topics=team-chat:channel:{channel}",
            nodes[node].addr
        );
        let mut request = url.into_client_request()?;
        request
            .headers_mut()
            .insert("authorization", format!("Bearer {token}").parse()?);
        let (socket, _) = tokio_tungstenite::connect_async(request)
            .await
            .with_context(|| format!("client {i}"))?;
        let (seen, received) = (Arc::clone(&seen), Arc::clone(&received));
        readers.push(tokio::spawn(async move {
            let (_, mut stream) = socket.split();
            let mut local = Vec::new();
            let mut cross = Vec::new();
            let mut ids = HashSet::new();
            let mut duplicates = 0;
            while let Some(Ok(message)) = stream.next().await {
                let Message::Text(text) = message else {
                    continue;
                };
                let now = chrono::Utc::now().timestamp_millis();
                let Ok(frame) = serde_json::from_str::<Frame<'_>>(&text) else {
                    continue;
                };
                if frame.kind != "event" || frame.event != Some("message.created") {
                    continue;
                }
                let (Some(data), Some(id), Some(ts)) = (frame.data, frame.id, frame.ts) else {
                    continue;
                };
                let body = data.message.body;
                if body == "stop" {
                    break;
                }
                if !ids.insert(id.to_owned()) {
                    duplicates += 1;
                }
                let from: usize = body
                    .split('-')
                    .nth(1)
                    .and_then(|n| n.parse().ok())
                    .unwrap_or(node);
                let delay = now - ts;
                if from == node {
                    local.push(delay)
                } else {
                    cross.push(delay)
                }
                received.fetch_add(1, Ordering::Relaxed);
            }
            let mut seen = seen.lock().await;
            seen.local.extend(local);
            seen.cross.extend(cross);
            seen.duplicates += duplicates;
        }));
    }
    println!(
        "connected {} clients in {:.1} s",
        args.clients,
        connect_started.elapsed().as_secs_f64()
    );
    tokio::time::sleep(Duration::from_secs(3)).await;
    for (n, node) in nodes.iter().enumerate() {
        let after = node.rss_kib();
        let conns = (0..args.clients)
            .filter(|i| (i / channels.len()) % nodes.len() == n)
            .count()
            .max(1);
        #[allow(clippy::cast_precision_loss)]
        let per_thousand =
            (after.saturating_sub(rss_before[n])) as f64 / 1024.0 * 1000.0 / conns as f64;
        println!(
            "node {n}: RSS {:.1} MiB idle before, {:.1} MiB with {conns} connections: {per_thousand:.1} MiB per 1,000",
            rss_before[n] as f64 / 1024.0,
            after as f64 / 1024.0,
        );
    }

    // 2. Send at the rate, from a few senders per node.
    let total = args.rate * args.secs;
    let senders = 32u64;
    let sent = Arc::new(AtomicU64::new(0));
    let failed = Arc::new(AtomicU64::new(0));
    let cpu_before: Vec<f64> = nodes.iter().map(Node::cpu_secs).collect();
    let bench_cpu_before = cpu_secs_of("self");
    let started = Instant::now();
    let mut tasks = Vec::new();
    for s in 0..senders {
        let (http, token, channels) = (http.clone(), token.clone(), channels.clone());
        let (sent, failed) = (Arc::clone(&sent), Arc::clone(&failed));
        let addrs: Vec<SocketAddr> = nodes.iter().map(|n| n.addr).collect();
        let rate = args.rate;
        tasks.push(tokio::spawn(async move {
            let mut k = s;
            while k < total {
                // Message k is due at k / rate seconds.
                #[allow(clippy::cast_precision_loss)]
                let due = Duration::from_secs_f64(k as f64 / rate as f64);
                if let Some(wait) = due.checked_sub(started.elapsed()) {
                    tokio::time::sleep(wait).await;
                }
                #[allow(clippy::cast_possible_truncation)]
                let node = (k as usize / channels.len()) % addrs.len();
                #[allow(clippy::cast_possible_truncation)]
                let channel = &channels[(k as usize) % channels.len()];
                let response = http
                    .post(format!(
                        "http://{}/api/apps/team-chat/channels/{channel}/messages",
                        addrs[node]
                    ))
                    .bearer_auth(&token)
                    .json(&json!({ "body": format!("m-{node}-{k}") }))
                    .send()
                    .await;
                match response {
                    Ok(r) if r.status().as_u16() == 201 => sent.fetch_add(1, Ordering::Relaxed),
                    _ => failed.fetch_add(1, Ordering::Relaxed),
                };
                k += senders;
            }
        }));
    }
    for task in tasks {
        task.await?;
    }
    let sending = started.elapsed();
    let sent = sent.load(Ordering::Relaxed);
    let server_cpu: f64 = nodes
        .iter()
        .zip(&cpu_before)
        .map(|(n, before)| n.cpu_secs() - before)
        .sum();
    let bench_cpu = cpu_secs_of("self") - bench_cpu_before;
    println!(
        "CPU while sending: servers {:.0}% of a core, this bench (clients and senders) {:.0}%",
        server_cpu / sending.as_secs_f64() * 100.0,
        bench_cpu / sending.as_secs_f64() * 100.0
    );
    println!(
        "sent {sent} messages in {:.1} s ({:.0}/s), {} failed",
        sending.as_secs_f64(),
        sent as f64 / sending.as_secs_f64(),
        failed.load(Ordering::Relaxed)
    );
    // Every client's channel gets a last "stop", after everything else.
    for channel in &channels {
        http.post(format!(
            "{}/api/apps/team-chat/channels/{channel}/messages",
            base(0)
        ))
        .bearer_auth(&token)
        .json(&json!({ "body": "stop" }))
        .send()
        .await?;
    }
    let drained = tokio::time::timeout(Duration::from_secs(60), async {
        for reader in readers {
            let _ = reader.await;
        }
    })
    .await;
    if drained.is_err() {
        println!("some clients did not hear the end within 60 s");
    }
    let seen = seen.lock().await;
    let mut local = seen.local.clone();
    let mut cross = seen.cross.clone();
    local.sort_unstable();
    cross.sort_unstable();
    // Each message reaches the watchers of its channel.
    let watchers = args.clients as u64 / args.channels as u64;
    let expected = sent * watchers;
    let got = received.load(Ordering::Relaxed);
    println!(
        "deliveries: {got} of {expected} expected ({} missing), {} duplicates",
        expected.saturating_sub(got),
        seen.duplicates
    );
    println!(
        "delay publish→receipt, same node: p50 {} ms, p99 {} ms, max {} ms ({} deliveries)",
        percentile(&local, 0.5),
        percentile(&local, 0.99),
        local.last().copied().unwrap_or(0),
        local.len()
    );
    if !cross.is_empty() {
        println!(
            "delay publish→receipt, across nodes: p50 {} ms, p99 {} ms, max {} ms ({} deliveries)",
            percentile(&cross, 0.5),
            percentile(&cross, 0.99),
            cross.last().copied().unwrap_or(0),
            cross.len()
        );
    }
    for node in &mut nodes {
        let _ = node.child.kill().await;
    }
    let _ = std::fs::remove_dir_all(&work);
    Ok(())
}
