//! `jobs-bench`: the background-jobs facility under load, in one process.
//!
//! 1. `--jobs N` Task Scheduler reminder tasks (each a charged run writing a notification and a run
//!    row) all due at the same second, on SQLite with one node or PostgreSQL with `--nodes` nodes:
//!    how late each run started after its due time (p50, p99, max), that every task ran exactly
//!    once, and how the runs split between nodes.
//! 2. The idle cost: the process's CPU time over `--idle-secs` with the workers waiting.
//!
//! ```text
//! cargo run --release -p lumiku-bench --bin jobs-bench -- --jobs 10000
//! cargo run --release -p lumiku-bench --bin jobs-bench -- --postgres postgres://… --nodes 2
//! ```

use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::Context as _;
use clap::Parser;
use lumiku_kernel::sql::{self, Json};
use lumiku_kernel::{Backend, Kernel};
use lumiku_server::{Config, Server};
use uuid::Uuid;

#[derive(Parser)]
struct Args {
    /// Tasks due together.
    #[arg(long, default_value_t = 10_000)]
    jobs: usize,
    /// Nodes (servers) sharing the database.
    #[arg(long, default_value_t = 1)]
    nodes: usize,
    /// Workers per node.
    #[arg(long, default_value_t = 8)]
    workers: usize,
    /// A PostgreSQL URL to an empty database (SQLite in a temporary file otherwise).
    #[arg(long)]
    postgres: Option<String>,
    /// Seconds of idle to measure the waiting cost over (0 to skip).
    #[arg(long, default_value_t = 30)]
    idle_secs: u64,
}

fn cpu_seconds() -> f64 {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    let fields: Vec<&str> = stat
        .rsplit(')')
        .next()
        .unwrap_or_default()
        .split_whitespace()
        .collect();
    let ticks = |i: usize| {
        fields
            .get(i)
            .and_then(|f| f.parse::<f64>().ok())
            .unwrap_or(0.0)
    };
    // utime and stime are fields 14 and 15 of the line, 12 and 13 after the command.
    (ticks(11) + ticks(12)) / 100.0
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

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    let dir = std::env::temp_dir().join(format!("lumiku-jobs-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir)?;
    let database_url = args
        .postgres
        .clone()
        .unwrap_or_else(|| format!("sqlite://{}", dir.join("bench.db").display()));
    let config = |workers: usize| Config {
        database_url: Some(database_url.clone()),
        data_dir: dir.clone(),
        jwt_secret: Some("bench-secret-bench-secret-bench-secret!".to_owned().into()),
        billing_interval_secs: 0,
        worker_pool_size: workers,
        database_max_connections: 16,
        ..Config::default()
    };
    // Build the schema and the tasks with no worker running.
    let setup = Server::build(config(0), vec![task_scheduler::app()]).await?;
    let kernel = Arc::clone(setup.kernel());
    let due = lumiku_kernel::db::now() + chrono::Duration::seconds(5);
    let tenant = seed(&kernel, args.jobs, due).await?;
    drop(setup);
    println!(
        "{} reminder tasks due at {due} on {} with {} node(s) x {} workers",
        args.jobs,
        if args.postgres.is_some() {
            "PostgreSQL"
        } else {
            "SQLite"
        },
        args.nodes,
        args.workers
    );

    let mut stops = Vec::new();
    let mut handles = Vec::new();
    for _ in 0..args.nodes {
        let server = Server::build(config(args.workers), vec![task_scheduler::app()]).await?;
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        stops.push(stop);
        handles.push(tokio::spawn(server.serve(listener, async {
            let _ = stopped.await;
        })));
    }
    let started = Instant::now();
    loop {
        let done: i64 =
            sql::query_scalar("select count(*) from task_scheduler_runs where tenant_id = $1")
                .bind(tenant)
                .fetch_one(kernel.db())
                .await?;
        if usize::try_from(done).unwrap_or(0) >= args.jobs {
            break;
        }
        anyhow::ensure!(
            started.elapsed() < Duration::from_secs(300),
            "only {done} ran in 5 minutes"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    // Time for a duplicate to show, if there were one.
    tokio::time::sleep(Duration::from_secs(2)).await;
    report(&kernel, tenant, args.jobs).await?;

    if args.idle_secs > 0 {
        let before = cpu_seconds();
        tokio::time::sleep(Duration::from_secs(args.idle_secs)).await;
        let used = cpu_seconds() - before;
        #[allow(clippy::cast_precision_loss)]
        let share = used / args.idle_secs as f64 * 100.0;
        println!(
            "idle: {used:.2} s of CPU over {} s with {} node(s) waiting = {share:.2}% of one core",
            args.idle_secs, args.nodes
        );
    }
    for stop in stops {
        let _ = stop.send(());
    }
    for handle in handles {
        let _ = handle.await;
    }
    if args.postgres.is_none() {
        let _ = std::fs::remove_dir_all(&dir);
    }
    Ok(())
}

/// One account with credits enough, and `jobs` reminder tasks with their jobs, all due at `due`.
async fn seed(
    kernel: &Kernel,
    jobs: usize,
    due: chrono::DateTime<chrono::Utc>,
) -> anyhow::Result<Uuid> {
    let email = format!("bench-{}@example.com", Uuid::now_v7().simple());
    let user = kernel
        .create_user(
            &email,
            "correct horse battery staple 42",
            Some("Bench"),
            false,
        )
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    let tenant: Uuid =
        sql::query_scalar("select id from tenants where created_by = $1 and kind = 'personal'")
            .bind(user.id)
            .fetch_one(kernel.db())
            .await
            .context("the personal tenant")?;
    let mut tx = kernel.db().begin().await?;
    sql::query("update wallets set balance_credits = 100000000 where tenant_id = $1")
        .bind(tenant)
        .execute(&mut tx)
        .await?;
    let now = lumiku_kernel::db::now();
    let due_ms = due.timestamp_millis();
    for i in 0..jobs {
        let task = Uuid::now_v7();
        let action = serde_json::json!({ "type": "reminder", "message": format!("bench {i}"), "recipients": [user.id] });
        sql::query(
            "insert into task_scheduler_tasks (id, tenant_id, name, schedule_type, run_at, action_type, \
             action, enabled, created_by, created_at, updated_at) \
             values ($1, $2, $3, 'once', $4, 'reminder', $5, true, $6, $7, $7)",
        )
        .bind(task)
        .bind(tenant)
        .bind(format!("bench {i}"))
        .bind(due)
        .bind(Json(&action))
        .bind(user.id)
        .bind(now)
        .execute(&mut tx)
        .await?;
        sql::query(
            "insert into jobs (id, app_id, kind, tenant_id, user_id, payload, unique_key, status, \
             due_ms, run_at_ms, attempt, max_attempts, timeout_ms, backoff_ms, created_at, updated_at) \
             values ($1, 'task-scheduler', 'task', $2, $3, $4, $5, 'queued', $6, $6, 0, 3, 45000, 10000, $7, $7)",
        )
        .bind(Uuid::now_v7())
        .bind(tenant)
        .bind(user.id)
        .bind(Json(&serde_json::json!({ "taskId": task })))
        .bind(format!("task:{task}"))
        .bind(due_ms)
        .bind(now)
        .execute(&mut tx)
        .await?;
    }
    tx.commit().await?;
    Ok(tenant)
}

async fn report(kernel: &Kernel, tenant: Uuid, jobs: usize) -> anyhow::Result<()> {
    let delays: Vec<(chrono::DateTime<chrono::Utc>, chrono::DateTime<chrono::Utc>)> =
        sql::query_as("select due_at, started_at from task_scheduler_runs where tenant_id = $1")
            .bind(tenant)
            .fetch_all(kernel.db())
            .await?;
    let mut ms: Vec<i64> = delays
        .iter()
        .map(|(due, start)| (*start - *due).num_milliseconds())
        .collect();
    ms.sort_unstable();
    let per_task: Vec<(Uuid, i64)> = sql::query_as(
        "select task_id, count(*) from task_scheduler_runs where tenant_id = $1 group by task_id having count(*) > 1",
    )
    .bind(tenant)
    .fetch_all(kernel.db())
    .await?;
    let nodes: Vec<(Option<String>, i64)> = sql::query_as(
        "select claimed_by, count(*) from jobs where app_id = 'task-scheduler' group by claimed_by order by claimed_by",
    )
    .fetch_all(kernel.db())
    .await?;
    println!(
        "runs: {} for {jobs} tasks; tasks run more than once: {}",
        ms.len(),
        per_task.len()
    );
    println!(
        "start delay after the due time: p50 {} ms, p99 {} ms, max {} ms; all started within {:.1} s",
        percentile(&ms, 0.5),
        percentile(&ms, 0.99),
        ms.last().copied().unwrap_or(0),
        ms.last().copied().unwrap_or(0) as f64 / 1000.0
    );
    for (node, count) in nodes {
        println!(
            "  node {}: {count} runs",
            node.unwrap_or_else(|| "-".into())
        );
    }
    if kernel.db().backend() == Backend::Postgres {
        println!("(PostgreSQL: claims use for update skip locked)");
    }
    Ok(())
}
