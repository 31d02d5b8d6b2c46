//! `blob-bench`: the File Manager's streaming uploads and downloads against a release
//! `lumiku serve` on the local disk, with `curl` as the client (so the bench's own memory and CPU
//! are not the server's).
//!
//! 1. For 1 MiB and 1 GiB files: `cp` of the file (the disk's own speed, the yardstick), an upload
//!    through the API, and a download of it; throughput and the ratio to `cp`.
//! 2. A 2 GiB upload with the server's RSS sampled every 20 ms: idle, peak, and peak above idle.
//! 3. `--concurrent` uploads of 1 MiB at once by a fresh tenant: every one stored, and the tenant's
//!    storage use exactly their sum.
//!
//! ```text
//! cargo build --release -p lumiku -p lumiku-bench
//! target/release/blob-bench
//! ```

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use anyhow::{Context as _, ensure};

#[path = "../node.rs"]
mod node;
use clap::Parser;
use node::{Node, rss_kib_of};
use serde_json::{Value, json};
use tokio::process::Command;

const MIB: u64 = 1024 * 1024;

#[derive(Parser)]
struct Args {
    /// Uploads of 1 MiB at once, in the concurrency part.
    #[arg(long, default_value_t = 100)]
    concurrent: usize,
    /// The large file's size in MiB.
    #[arg(long, default_value_t = 1024)]
    large_mib: u64,
    /// The RSS part's upload size in MiB.
    #[arg(long, default_value_t = 2048)]
    rss_mib: u64,
    /// The `lumiku` binary (default: next to this one).
    #[arg(long)]
    server_bin: Option<PathBuf>,
}

/// Writes `size` bytes of noise (incompressible, not text) to `path`.
fn write_noise(path: &Path, size: u64) -> anyhow::Result<()> {
    let mut file = std::io::BufWriter::with_capacity(MIB as usize, std::fs::File::create(path)?);
    let mut state: u64 = 0x2545_f491_4f6c_dd1d ^ size;
    let mut block = vec![0u8; MIB as usize];
    let mut left = size;
    while left > 0 {
        for chunk in block.chunks_exact_mut(8) {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            chunk.copy_from_slice(&state.to_le_bytes());
        }
        let n = left.min(MIB) as usize;
        file.write_all(&block[..n])?;
        left -= n as u64;
    }
    file.flush()?;
    Ok(())
}

/// Runs `program` with `args`, answering its standard output and how long it took.
async fn timed(program: &str, args: &[&str]) -> anyhow::Result<(String, Duration)> {
    let started = Instant::now();
    let output = Command::new(program)
        .args(args)
        .stderr(Stdio::inherit())
        .output()
        .await
        .with_context(|| format!("running {program}"))?;
    let took = started.elapsed();
    ensure!(output.status.success(), "{program} {args:?} failed");
    Ok((String::from_utf8_lossy(&output.stdout).into_owned(), took))
}

/// Uploads `path` with curl; answers the file's id and how long it took.
async fn curl_upload(
    base: &str,
    token: &str,
    path: &Path,
    name: &str,
) -> anyhow::Result<(String, Duration)> {
    let url = format!("{base}/api/apps/file-manager/files?name={name}");
    let auth = format!("Authorization: Bearer {token}");
    let (body, took) = timed(
        "curl",
        &[
            "-sS",
            "--fail-with-body",
            "-X",
            "POST",
            "-H",
            &auth,
            "-H",
            "Content-Type: application/octet-stream",
            "-H",
            "Expect:",
            // Streamed from the file (`--data-binary @` would read it all into curl first).
            "-T",
            &path.display().to_string(),
            &url,
        ],
    )
    .await?;
    let answer: Value = serde_json::from_str(&body).with_context(|| body.clone())?;
    let id = answer["file"]["id"]
        .as_str()
        .with_context(|| format!("no file in {body}"))?
        .to_owned();
    Ok((id, took))
}

fn rate(bytes: u64, took: Duration) -> String {
    format!(
        "{:.0} MiB/s",
        bytes as f64 / MIB as f64 / took.as_secs_f64()
    )
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    let bin = match &args.server_bin {
        Some(path) => path.clone(),
        None => std::env::current_exe()?
            .parent()
            .context("the bench's directory")?
            .join("lumiku"),
    };
    let work = std::env::temp_dir().join(format!("lumiku-blob-bench-{}", std::process::id()));
    std::fs::create_dir_all(&work)?;
    let database_url = format!("sqlite://{}", work.join("blobs.db").display());
    let env = [
        ("LUMIKU_DATABASE_URL", database_url.clone()),
        (
            "LUMIKU_JWT_SECRET",
            "blob-bench-secret-blob-bench-secret!!".to_owned(),
        ),
        ("LUMIKU_DATA_DIR", work.display().to_string()),
        ("LUMIKU_ARGON2_MEMORY_KIB", "1024".to_owned()),
        ("LUMIKU_ARGON2_ITERATIONS", "1".to_owned()),
        ("LUMIKU_ACCESS_TOKEN_TTL_SECS", "86400".to_owned()),
        ("LUMIKU_WELCOME_BONUS_CREDITS", "10000000".to_owned()),
        ("LUMIKU_BILLING_INTERVAL_SECS", "0".to_owned()),
        ("LUMIKU_LOG", "warn".to_owned()),
    ];
    let node = Node::start(&bin, &env).await?;
    let base = format!("http://{}", node.addr);
    let http = reqwest::Client::new();

    // An administrator gives the free plan room for the bench's files.
    let status = Command::new(&bin)
        .args([
            "admin",
            "create-user",
            "--email",
            "admin@example.com",
            "--password",
            "blob bench admin password 2026",
            "--admin",
        ])
        .envs(env.iter().map(|(k, v)| (*k, v.as_str())))
        .stdout(Stdio::null())
        .status()
        .await?;
    ensure!(status.success(), "creating the administrator");
    let login = |email: &'static str, password: &'static str| {
        let request = http
            .post(format!("{base}/api/auth/login"))
            .json(&json!({ "email": email, "password": password }));
        async move {
            let body: Value = request.send().await?.json().await?;
            body["tokens"]["accessToken"]
                .as_str()
                .map(str::to_owned)
                .with_context(|| format!("signing in: {body}"))
        }
    };
    let admin = login("admin@example.com", "blob bench admin password 2026").await?;
    let patched = http
        .patch(format!("{base}/api/admin/plans/free"))
        .bearer_auth(&admin)
        .json(&json!({ "storageQuotaBytes": 64_i64 << 30 }))
        .send()
        .await?;
    ensure!(
        patched.status().is_success(),
        "raising the free plan's quota: {}",
        patched.text().await?
    );
    let register = |email: String| {
        let request = http.post(format!("{base}/api/auth/register")).json(
            &json!({ "email": email, "password": "blob bench password 2026!", "name": "Bench" }),
        );
        async move {
            let body: Value = request.send().await?.json().await?;
            body["tokens"]["accessToken"]
                .as_str()
                .map(str::to_owned)
                .with_context(|| format!("registering: {body}"))
        }
    };
    let token = register("bench@example.com".into()).await?;

    // 1. Throughput against cp.
    println!("upload and download through the API on loopback, local disk, curl as the client");
    println!("| file | cp | upload | upload / cp | download | download / cp |");
    println!("|---|---|---|---|---|---|");
    for (label, size) in [("1 MiB", MIB), ("1 GiB", args.large_mib * MIB)] {
        let source = work.join(format!("source-{size}"));
        write_noise(&source, size)?;
        let copy = work.join(format!("copy-{size}"));
        let (_, cp) = timed(
            "cp",
            &[&source.display().to_string(), &copy.display().to_string()],
        )
        .await?;
        std::fs::remove_file(&copy)?;
        // The best of three for the small file, whose time is mostly the request's.
        let rounds = if size == MIB { 3 } else { 1 };
        let mut up = Duration::MAX;
        let mut id = String::new();
        for round in 0..rounds {
            let (uploaded, took) =
                curl_upload(&base, &token, &source, &format!("f{size}-{round}")).await?;
            up = up.min(took);
            id = uploaded;
        }
        let target = work.join(format!("download-{size}"));
        let mut down = Duration::MAX;
        for _ in 0..rounds {
            let (_, took) = timed(
                "curl",
                &[
                    "-sS",
                    "--fail",
                    "-H",
                    &format!("Authorization: Bearer {token}"),
                    "-o",
                    &target.display().to_string(),
                    &format!("{base}/api/apps/file-manager/files/{id}/content"),
                ],
            )
            .await?;
            down = down.min(took);
        }
        ensure!(
            std::fs::metadata(&target)?.len() == size,
            "the download's length"
        );
        std::fs::remove_file(&target)?;
        std::fs::remove_file(&source)?;
        println!(
            "| {label} | {:.1} ms ({}) | {:.1} ms ({}) | {:.2} | {:.1} ms ({}) | {:.2} |",
            cp.as_secs_f64() * 1e3,
            rate(size, cp),
            up.as_secs_f64() * 1e3,
            rate(size, up),
            cp.as_secs_f64() / up.as_secs_f64(),
            down.as_secs_f64() * 1e3,
            rate(size, down),
            cp.as_secs_f64() / down.as_secs_f64(),
        );
    }

    // 2. RSS during a large upload.
    let big = work.join("rss-source");
    write_noise(&big, args.rss_mib * MIB)?;
    tokio::time::sleep(Duration::from_secs(1)).await;
    let idle = node.rss_kib();
    let peak = Arc::new(AtomicU64::new(idle));
    let done = Arc::new(AtomicBool::new(false));
    let sampler = {
        let (peak, done) = (Arc::clone(&peak), Arc::clone(&done));
        let pid = node.child.id().context("the server's pid")?;
        tokio::spawn(async move {
            while !done.load(Ordering::Relaxed) {
                let rss = rss_kib_of(pid);
                peak.fetch_max(rss, Ordering::Relaxed);
                tokio::time::sleep(Duration::from_millis(20)).await;
            }
        })
    };
    let (_, took) = curl_upload(&base, &token, &big, "rss.bin").await?;
    done.store(true, Ordering::Relaxed);
    sampler.await?;
    std::fs::remove_file(&big)?;
    let peak = peak.load(Ordering::Relaxed);
    println!(
        "\n{} MiB upload in {:.1} s ({}): server RSS idle {:.1} MiB, peak {:.1} MiB, {:.1} MiB above idle",
        args.rss_mib,
        took.as_secs_f64(),
        rate(args.rss_mib * MIB, took),
        idle as f64 / 1024.0,
        peak as f64 / 1024.0,
        peak.saturating_sub(idle) as f64 / 1024.0
    );

    // 3. Concurrent uploads by a fresh tenant.
    let fresh = register("concurrent@example.com".into()).await?;
    let payload = {
        let path = work.join("one-mib");
        write_noise(&path, MIB)?;
        std::fs::read(&path)?
    };
    let started = Instant::now();
    let uploads = (0..args.concurrent).map(|i| {
        let request = http
            .post(format!("{base}/api/apps/file-manager/files"))
            .bearer_auth(&fresh)
            .query(&[("name", format!("c{i}.bin"))])
            .body(payload.clone());
        async move { request.send().await.map(|r| r.status().as_u16()) }
    });
    let statuses = futures_util::future::join_all(uploads).await;
    let took = started.elapsed();
    let stored = statuses.iter().filter(|s| matches!(s, Ok(201))).count();
    let usage: Value = http
        .get(format!("{base}/api/apps/file-manager/usage"))
        .bearer_auth(&fresh)
        .send()
        .await?
        .json()
        .await?;
    let used = usage["storage"]["usedBytes"].as_u64().unwrap_or(0);
    println!(
        "\n{} concurrent 1 MiB uploads in {:.2} s: {stored} stored, storage used {used} bytes \
         (expected {}): {}",
        args.concurrent,
        took.as_secs_f64(),
        args.concurrent as u64 * MIB,
        if stored == args.concurrent && used == args.concurrent as u64 * MIB {
            "exact"
        } else {
            "MISMATCH"
        }
    );
    drop(node);
    let _ = std::fs::remove_dir_all(&work);
    ensure!(stored == args.concurrent && used == args.concurrent as u64 * MIB);
    Ok(())
}
