//! The seed's own stack as a peer to measure Lumiku against: `../shared/peer-hono` (Hono on Bun,
//! raw SQL over bun:sqlite), run unchanged from a copy whose packages (Bun among them, from the
//! npm registry) are installed once and kept between runs.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::{Duration, Instant};

use anyhow::{Context as _, bail, ensure};
use serde::Deserialize;
use tokio::process::{Child, Command};

/// A running peer server on a seeded database of its own.
pub struct Peer {
    pub child: Child,
    pub addr: SocketAddr,
    /// One JWT per seeded user.
    pub tokens: Vec<String>,
    dir: PathBuf,
    db: PathBuf,
}

/// What the peer's own `scripts/check.ts` finds in its database after the run.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PeerCheck {
    pub projects_created: u64,
    pub usage_rows: u64,
    pub lost_deductions: i64,
    pub users_with_lost_deductions: u64,
    pub users_with_negative_balance: u64,
}

impl Peer {
    /// A copy of the peer at `source` with its packages installed: under `cache`, in a folder named
    /// after its lockfile, so a changed lockfile installs afresh and an unchanged one never again.
    pub async fn prepare(source: &Path, cache: &Path) -> anyhow::Result<PathBuf> {
        let lock = std::fs::read(source.join("package-lock.json")).with_context(|| {
            format!(
                "{} is not the peer (no package-lock.json)",
                source.display()
            )
        })?;
        let dir = cache.join(format!("peer-hono-{:016x}", fnv1a(&lock)));
        if dir.join("node_modules/.bin/bun").exists() {
            return Ok(dir);
        }
        let _ = std::fs::remove_dir_all(&dir);
        copy_tree(source, &dir).context("copying the peer")?;
        println!(
            "installing the peer's packages in {} (npm ci)",
            dir.display()
        );
        let status = Command::new("npm")
            .args(["ci", "--no-audit", "--no-fund"])
            .current_dir(&dir)
            .stdout(Stdio::null())
            .status()
            .await
            .context("running npm (apt-get install -y npm)")?;
        ensure!(status.success(), "npm ci failed in {}", dir.display());
        ensure!(
            dir.join("node_modules/.bin/bun").exists(),
            "npm ci did not install Bun"
        );
        Ok(dir)
    }

    /// Seeds a fresh database in `work` as the peer's seed does (`users` users with 1,000,000
    /// credits, `projects` projects of `tasks` tasks each), then starts the server on it.
    pub async fn start(
        dir: &Path,
        work: &Path,
        users: usize,
        projects: usize,
        tasks: usize,
    ) -> anyhow::Result<Self> {
        let db = work.join("peer.db");
        let tokens_file = work.join("peer-tokens.txt");
        let status = Command::new(dir.join("node_modules/.bin/bun"))
            .arg("scripts/seed.ts")
            .args(["--users", &users.to_string()])
            .args(["--projects", &projects.to_string()])
            .args(["--tasks", &tasks.to_string()])
            .arg("--db")
            .arg(&db)
            .arg("--tokens")
            .arg(&tokens_file)
            .current_dir(dir)
            .stdout(Stdio::null())
            .status()
            .await
            .context("seeding the peer")?;
        ensure!(status.success(), "seeding the peer failed");
        let tokens: Vec<String> = std::fs::read_to_string(&tokens_file)?
            .lines()
            .filter(|l| !l.is_empty())
            .map(str::to_owned)
            .collect();
        ensure!(
            tokens.len() == users,
            "the peer's seed wrote {} tokens",
            tokens.len()
        );

        let port = std::net::TcpListener::bind("127.0.0.1:0")?
            .local_addr()?
            .port();
        let addr = SocketAddr::from(([127, 0, 0, 1], port));
        let child = Command::new(dir.join("start.sh"))
            .current_dir(dir)
            .env("PORT", port.to_string())
            .env("DB_PATH", &db)
            .env("STORE", "raw")
            .stdout(Stdio::null())
            .kill_on_drop(true)
            .spawn()
            .context("starting the peer")?;
        let deadline = Instant::now() + Duration::from_secs(30);
        while !crate::healthy(addr).await {
            if Instant::now() > deadline {
                bail!("the peer on {addr} did not become healthy");
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        Ok(Self {
            child,
            addr,
            tokens,
            dir: dir.to_owned(),
            db,
        })
    }

    /// Stops the server and runs the peer's credit check over its database.
    pub async fn stop_and_check(&mut self) -> anyhow::Result<PeerCheck> {
        let _ = self.child.kill().await;
        let output = Command::new(self.dir.join("node_modules/.bin/bun"))
            .arg("scripts/check.ts")
            .arg("--db")
            .arg(&self.db)
            .current_dir(&self.dir)
            .stderr(Stdio::inherit())
            .output()
            .await
            .context("running the peer's check")?;
        ensure!(output.status.success(), "the peer's check failed");
        serde_json::from_slice(&output.stdout).context("reading the peer's check")
    }
}

/// Copies `from` into `to`, leaving out what a run or an install makes there.
fn copy_tree(from: &Path, to: &Path) -> std::io::Result<()> {
    std::fs::create_dir_all(to)?;
    for entry in std::fs::read_dir(from)? {
        let entry = entry?;
        let name = entry.file_name();
        if matches!(
            name.to_str(),
            Some("node_modules" | "data" | "results" | ".git")
        ) {
            continue;
        }
        let kind = entry.file_type()?;
        if kind.is_dir() {
            copy_tree(&entry.path(), &to.join(&name))?;
        } else if kind.is_file() {
            std::fs::copy(entry.path(), to.join(&name))?;
        }
    }
    Ok(())
}

/// FNV-1a, 64 bits: names the install folder after the lockfile's content.
fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |hash, byte| {
        (hash ^ u64::from(*byte)).wrapping_mul(0x0100_0000_01b3)
    })
}
