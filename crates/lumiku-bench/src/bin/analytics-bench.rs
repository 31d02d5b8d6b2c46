//! `analytics-bench`: the Analytics Dashboard's answer time for a tenant with a million usage
//! rows, against a release `lumiku serve`.
//!
//! 1. A server on a fresh database registers the tenant, then stops.
//! 2. The database is seeded directly: `--rows` usage rows (1,000,000 by default) spread over the
//!    last `--days` days across five apps' actions, and their daily rollups rebuilt by the same
//!    statement as the migration that introduced them; one ledger day per day.
//! 3. The server starts again and `GET /summary` and `GET /charts/spend` are asked `--requests`
//!    times each for the whole range (by day and by week) and for the last 30 days: the first
//!    (cold) answer, p50, p95 and the slowest, with the figures checked against a direct sum over the usage rows (also timed:
//!    what every answer would cost without the rollups).
//!
//! ```text
//! cargo build --release -p lumiku -p lumiku-bench
//! target/release/analytics-bench                      # SQLite
//! target/release/analytics-bench --postgres postgres://postgres@127.0.0.1:5432/postgres
//! ```

use std::path::PathBuf;
use std::time::{Duration, Instant};

use anyhow::{Context as _, ensure};
use clap::Parser;
use lumiku_kernel::{Backend, Db, DbOptions, sql};
use serde_json::{Value, json};

#[path = "../node.rs"]
mod node;
use node::Node;

#[derive(Parser)]
struct Args {
    /// Usage rows to seed.
    #[arg(long, default_value_t = 1_000_000)]
    rows: i64,
    /// Days they spread over, up to today.
    #[arg(long, default_value_t = 365)]
    days: i64,
    /// Members they are shared among (the registered user and made-up ones).
    #[arg(long, default_value_t = 10)]
    members: i64,
    /// Requests per measured query.
    #[arg(long, default_value_t = 50)]
    requests: usize,
    /// Run on PostgreSQL: a server URL whose `postgres` database may create and drop
    /// `lumiku_analytics_bench`.
    #[arg(long)]
    postgres: Option<String>,
    /// The `lumiku` binary (default: next to this one).
    #[arg(long)]
    server_bin: Option<PathBuf>,
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let index = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[index.min(sorted.len() - 1)]
}

fn ms(d: Duration) -> String {
    format!("{:.1} ms", d.as_secs_f64() * 1000.0)
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
    let work = std::env::temp_dir().join(format!("lumiku-analytics-bench-{}", std::process::id()));
    std::fs::create_dir_all(&work)?;
    let database_url = match &args.postgres {
        Some(server) => {
            let base = server.trim_end_matches('/');
            let admin = base.rsplit_once('/').map(|(s, _)| s).unwrap_or(base);
            let mut connection =
                <sqlx::PgConnection as sqlx::Connection>::connect(&format!("{admin}/postgres"))
                    .await?;
            sqlx::query("drop database if exists lumiku_analytics_bench with (force)")
                .execute(&mut connection)
                .await?;
            sqlx::query("create database lumiku_analytics_bench")
                .execute(&mut connection)
                .await?;
            format!("{admin}/lumiku_analytics_bench")
        }
        None => format!("sqlite://{}", work.join("analytics.db").display()),
    };
    let env = [
        ("LUMIKU_DATABASE_URL", database_url.clone()),
        (
            "LUMIKU_JWT_SECRET",
            "analytics-bench-secret-analytics!!".to_owned(),
        ),
        ("LUMIKU_DATA_DIR", work.display().to_string()),
        ("LUMIKU_ARGON2_MEMORY_KIB", "1024".to_owned()),
        ("LUMIKU_ARGON2_ITERATIONS", "1".to_owned()),
        ("LUMIKU_ACCESS_TOKEN_TTL_SECS", "86400".to_owned()),
        ("LUMIKU_WELCOME_BONUS_CREDITS", "1000000".to_owned()),
        ("LUMIKU_BILLING_INTERVAL_SECS", "0".to_owned()),
        ("LUMIKU_LOG", "warn".to_owned()),
    ];

    // 1. The tenant.
    let node = Node::start(&bin, &env).await?;
    let base = format!("http://{}", node.addr);
    let http = reqwest::Client::new();
    let registered: Value = http
        .post(format!("{base}/api/auth/register"))
        .json(&json!({ "email": "analytics@example.com", "password": "analytics bench password 2026", "name": "Bench" }))
        .send()
        .await?
        .json()
        .await?;
    let token = registered["tokens"]["accessToken"]
        .as_str()
        .with_context(|| format!("registering: {registered}"))?
        .to_owned();
    let user: uuid::Uuid = registered["user"]["id"]
        .as_str()
        .context("user id")?
        .parse()?;
    let tenant: uuid::Uuid = registered["personalTenantId"]
        .as_str()
        .context("tenant id")?
        .parse()?;
    drop(node);

    // 2. The seed.
    let db = Db::connect(&DbOptions {
        url: database_url.clone(),
        max_connections: 2,
        ..Default::default()
    })
    .await?;
    let started = Instant::now();
    let mut tx = db.begin().await?;
    let seed = match db.backend() {
        Backend::Sqlite => concat!(
            "insert into app_usage (id, tenant_id, app_id, action, credits, user_id, metadata, created_at) ",
            "with recursive n(i) as (select 0 union all select i + 1 from n where i < $3 - 1) ",
            "select randomblob(16), $1, ",
            "case i % 5 when 0 then 'project-manager' when 1 then 'invoice-generator' when 2 then 'team-chat' ",
            "when 3 then 'file-manager' else 'task-scheduler' end, ",
            "case i % 7 when 0 then 'createProject' when 1 then 'createInvoice' when 2 then 'sendMessage' ",
            "when 3 then 'uploadFile' when 4 then 'runTask' when 5 then 'createTask' else 'issueInvoice' end, ",
            "1 + i % 3, $2, '{}', ",
            "strftime('%Y-%m-%dT%H:%M:%f+00:00', 'now', '-' || (i % $4) || ' days') from n"
        ),
        Backend::Postgres => concat!(
            "insert into app_usage (id, tenant_id, app_id, action, credits, user_id, metadata, created_at) ",
            "select gen_random_uuid(), $1, ",
            "case i % 5 when 0 then 'project-manager' when 1 then 'invoice-generator' when 2 then 'team-chat' ",
            "when 3 then 'file-manager' else 'task-scheduler' end, ",
            "case i % 7 when 0 then 'createProject' when 1 then 'createInvoice' when 2 then 'sendMessage' ",
            "when 3 then 'uploadFile' when 4 then 'runTask' when 5 then 'createTask' else 'issueInvoice' end, ",
            "1 + i % 3, $2, '{}'::jsonb, now() - make_interval(days => (i % $4)::int) ",
            "from generate_series(0, $3 - 1) as i"
        ),
    };
    let members = args.members.max(1);
    for member in 0..members {
        let who = if member == 0 {
            user
        } else {
            uuid::Uuid::now_v7()
        };
        let share = args.rows / members + i64::from(member < args.rows % members);
        sql::query(seed)
            .bind(tenant)
            .bind(who)
            .bind(share)
            .bind(args.days)
            .execute(&mut tx)
            .await
            .context("seeding the usage rows")?;
    }
    // The rollups, rebuilt as the migration builds them from existing rows.
    sql::query("delete from usage_daily where tenant_id = $1")
        .bind(tenant)
        .execute(&mut tx)
        .await?;
    let rollup = match db.backend() {
        Backend::Sqlite => concat!(
            "insert into usage_daily (tenant_id, day, app_id, action, user_id, actions, credits) ",
            "select tenant_id, substr(created_at, 1, 10), app_id, action, user_id, count(*), sum(credits) ",
            "from app_usage where tenant_id = $1 group by 1, 2, 3, 4, 5"
        ),
        Backend::Postgres => concat!(
            "insert into usage_daily (tenant_id, day, app_id, action, user_id, actions, credits) ",
            "select tenant_id, to_char(created_at at time zone 'UTC', 'YYYY-MM-DD'), app_id, action, ",
            "user_id, count(*), sum(credits) from app_usage where tenant_id = $1 group by 1, 2, 3, 4, 5"
        ),
    };
    sql::query(rollup)
        .bind(tenant)
        .execute(&mut tx)
        .await
        .context("building the rollups")?;
    let ledger = match db.backend() {
        Backend::Sqlite => concat!(
            "insert into ledger_daily (tenant_id, day, credits_in, credits_out, entries, closing_balance) ",
            "select $1, day, 0, sum(credits), count(*), 1000000 from usage_daily where tenant_id = $1 ",
            "group by day on conflict (tenant_id, day) do nothing"
        ),
        Backend::Postgres => concat!(
            "insert into ledger_daily (tenant_id, day, credits_in, credits_out, entries, closing_balance) ",
            "select $1, day, 0, sum(credits), count(*), 1000000 from usage_daily where tenant_id = $1 ",
            "group by day on conflict (tenant_id, day) do nothing"
        ),
    };
    sql::query(ledger).bind(tenant).execute(&mut tx).await?;
    tx.commit().await?;
    let rollup_rows: i64 = {
        let mut tx = db.begin().await?;
        sql::query_scalar("select count(*) from usage_daily where tenant_id = $1")
            .bind(tenant)
            .fetch_one(&mut tx)
            .await?
    };
    println!(
        "seeded {} usage rows over {} days by {} members ({} daily rollup rows) in {:.1} s on {:?}",
        args.rows,
        args.days,
        members,
        rollup_rows,
        started.elapsed().as_secs_f64(),
        db.backend()
    );
    // What each answer would cost without rollups: one pass over the rows.
    let started = Instant::now();
    let direct: (i64, i64) = {
        let mut tx = db.begin().await?;
        sql::query_as(
            "select cast(sum(credits) as bigint), count(*) from app_usage where tenant_id = $1",
        )
        .bind(tenant)
        .fetch_one(&mut tx)
        .await?
    };
    let direct_time = started.elapsed();
    println!(
        "a direct sum over the usage rows: {} credits in {} rows, {}",
        direct.0,
        direct.1,
        ms(direct_time)
    );
    drop(db);

    // 3. The answers.
    let node = Node::start(&bin, &env).await?;
    let base = format!("http://{}", node.addr);
    // One request that opens the server's database connections, so the first measured answer
    // is the analytics' own cold start (caches), not the pool's.
    http.get(format!("{base}/api/credits/balance"))
        .bearer_auth(&token)
        .send()
        .await?
        .error_for_status()?;
    let today = chrono::Utc::now().date_naive();
    let from = today - chrono::Days::new((args.days - 1) as u64);
    let whole = format!("from={from}&to={today}");
    println!("| query | first (cold) | p50 | p95 | slowest |");
    println!("|---|---|---|---|---|");
    for (name, path) in [
        ("summary, whole range by day", format!("/summary?{whole}")),
        (
            "summary, whole range by week",
            format!("/summary?{whole}&bucket=week"),
        ),
        ("summary, last 30 days", "/summary".to_owned()),
        (
            "chart (SVG), whole range by day",
            format!("/charts/spend?{whole}"),
        ),
    ] {
        let url = format!("{base}/api/apps/analytics-dashboard{path}");
        let mut times = Vec::with_capacity(args.requests);
        let mut last = String::new();
        for _ in 0..args.requests {
            let started = Instant::now();
            let response = http.get(&url).bearer_auth(&token).send().await?;
            ensure!(
                response.status().is_success(),
                "{url}: {}",
                response.status()
            );
            last = response.text().await?;
            times.push(started.elapsed());
        }
        if path.starts_with(&format!("/summary?{whole}")) {
            let summary: Value = serde_json::from_str(&last)?;
            ensure!(
                summary["totals"]["credits"] == direct.0
                    && summary["totals"]["actions"] == direct.1,
                "the summary's totals {} differ from the rows' {direct:?}",
                summary["totals"]
            );
        }
        let first = times.first().copied().unwrap_or_default();
        times.sort();
        println!(
            "| {name} | {} | {} | {} | {} |",
            ms(first),
            ms(percentile(&times, 0.5)),
            ms(percentile(&times, 0.95)),
            ms(*times.last().unwrap_or(&Duration::ZERO))
        );
    }
    println!(
        "server RSS after the queries: {:.1} MiB",
        node.rss_kib() as f64 / 1024.0
    );
    drop(node);
    let _ = std::fs::remove_dir_all(&work);
    Ok(())
}
