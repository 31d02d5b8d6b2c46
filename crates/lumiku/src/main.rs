//! `lumiku`: serve the platform, migrate its database, print its OpenAPI document, administer it.

mod apps;
mod new_app;
mod otel;
mod validate;

use std::io::BufRead as _;
use std::path::PathBuf;

use anyhow::Context as _;
use clap::{Parser, Subcommand};
use lumiku_kernel::{Db, DbOptions, Kernel};
use lumiku_server::config::LogFormat;
use lumiku_server::{Config, Server};
use tracing_subscriber::EnvFilter;

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Gives memory freed in a burst back to the system once the server goes quiet. mimalloc returns
/// freed memory a second after it was freed (its purge delay), but only when it next frees a page
/// of its own; a busy server frees pages all the time, an idle one none, so a server that went
/// quiet after a burst (sign-ups, a load, start-up itself) kept the burst's memory while it stayed
/// quiet. Every two seconds this frees one: an allocation above mimalloc's largest size class
/// gets a page of its own, freed as soon as it is dropped; it is never written, so it never
/// becomes resident. A few microseconds a tick.
async fn return_freed_memory() {
    /// Above mimalloc's large objects (512 KiB): served and freed as a page of its own.
    const OWN_PAGE: usize = 1 << 20;
    let mut tick = tokio::time::interval(std::time::Duration::from_secs(2));
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tick.tick().await;
        drop(std::hint::black_box(Vec::<u8>::with_capacity(OWN_PAGE)));
    }
}

#[derive(Parser)]
#[command(
    name = "lumiku",
    version,
    about = "Credit-metered, multi-tenant SaaS mini-apps in one binary"
)]
struct Cli {
    /// Configuration file, which must exist (without it, ./lumiku.toml is read if it is there;
    /// LUMIKU_* environment variables override either).
    #[arg(long, env = "LUMIKU_CONFIG", global = true)]
    config: Option<PathBuf>,
    /// The directory holding the server's state: its SQLite database, secret and files
    /// (overrides `data_dir`).
    #[arg(long, global = true)]
    data_dir: Option<PathBuf>,
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Serve the API (the default).
    Serve {
        /// Address to listen on (overrides `bind`): host:port, :port for every interface, or a
        /// port on 127.0.0.1.
        #[arg(long, value_parser = lumiku_server::config::parse_bind)]
        bind: Option<std::net::SocketAddr>,
    },
    /// Run background jobs only (no HTTP): for nodes that take the jobs off the web servers,
    /// which may then set `worker_pool_size = 0`.
    Worker {
        /// Jobs run at once (default: `worker_pool_size`, or 8 when that is 0).
        #[arg(long)]
        workers: Option<usize>,
    },
    /// Run the database migrations and exit.
    Migrate {
        /// List each migration of the core and every app, applied (when) or pending, and change
        /// nothing.
        #[arg(long)]
        status: bool,
    },
    /// Copy the SQLite database to a new file, safely while servers run on it (for PostgreSQL,
    /// use pg_dump).
    Backup {
        /// The file to write; it must not exist.
        #[arg(long)]
        to: PathBuf,
    },
    /// Put a backup in place as the SQLite database (`database_url`, or lumiku.db in the data
    /// directory), after checking it. No server may run on it meanwhile.
    Restore {
        /// The backup to restore.
        from: PathBuf,
        /// Replace an existing database.
        #[arg(long)]
        replace: bool,
    },
    /// Copy the whole database into a new one on the other backend: SQLite to PostgreSQL when one
    /// machine is no longer enough, or back. Stop every server on the source first. The target is
    /// migrated, filled in batches, and every row read back and compared; a copy that stops goes
    /// on where it stopped when the same command runs again.
    Copy {
        /// The database to copy (default: the configured one, `database_url`).
        #[arg(long)]
        from: Option<String>,
        /// The database to fill: new, or holding only what its migrations made.
        #[arg(long)]
        to: String,
        /// Rows per batch: each is one transaction on the target.
        #[arg(long, default_value_t = 1000, value_parser = clap::value_parser!(u32).range(1..=100_000))]
        batch: u32,
        /// Stop after this many batches (run the command again to go on).
        #[arg(long)]
        max_batches: Option<u64>,
    },
    /// Print the OpenAPI 3.1 document.
    Openapi {
        /// Write it to this file instead of standard output.
        #[arg(long, short)]
        output: Option<PathBuf>,
    },
    /// Administration.
    Admin {
        #[command(subcommand)]
        command: AdminCommand,
    },
    /// Billing.
    Billing {
        #[command(subcommand)]
        command: BillingCommand,
    },
    /// Apps.
    App {
        #[command(subcommand)]
        command: AppCommand,
    },
    /// Make something new in a Lumiku workspace.
    New {
        #[command(subcommand)]
        command: NewCommand,
    },
}

#[derive(Subcommand)]
enum NewCommand {
    /// Write a new app crate under apps/<ID> and register it with the binary: a manifest with
    /// one metered action and free reads, migrations for both backends, routes, a dashboard
    /// page, and the per-app checklist as tests. Missing flags are asked for in a terminal.
    App(new_app::NewApp),
}

#[derive(Subcommand)]
enum AppCommand {
    /// Check an app crate (its Cargo.toml, manifest and migrations) and list every problem with
    /// its file and field; exits 1 when there is one.
    Validate {
        /// The app crate's directory (default: the current one).
        path: Option<PathBuf>,
    },
}

#[derive(Subcommand)]
enum BillingCommand {
    /// Run the billing cycle once (renewals, cancellations, monthly grants, payment expiry) and
    /// print what changed. Safe beside running servers: every change is claimed in the database.
    Run,
}

#[derive(Subcommand)]
enum AdminCommand {
    /// Create an account (with --admin, a platform administrator).
    CreateUser {
        /// Email address.
        #[arg(long)]
        email: String,
        /// Display name.
        #[arg(long)]
        name: Option<String>,
        /// Password; when absent it is asked for (not echoed) on a terminal, or read from the
        /// first line of standard input.
        #[arg(long, env = "LUMIKU_ADMIN_PASSWORD", hide_env_values = true)]
        password: Option<String>,
        /// Make the account a platform administrator.
        #[arg(long)]
        admin: bool,
    },
    /// Make an account a platform administrator.
    Promote {
        /// The account's email address.
        #[arg(long)]
        email: String,
    },
    /// Make a platform administrator an ordinary account again.
    Demote {
        /// The account's email address.
        #[arg(long)]
        email: String,
    },
    /// Set an account's password and end all its sessions.
    ResetPassword {
        /// The account's email address.
        #[arg(long)]
        email: String,
        /// The new password; when absent it is asked for (not echoed) on a terminal, or read
        /// from the first line of standard input.
        #[arg(long, env = "LUMIKU_ADMIN_PASSWORD", hide_env_values = true)]
        password: Option<String>,
    },
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    if let Some(Command::App {
        command: AppCommand::Validate { path },
    }) = &cli.command
    {
        return validate_app(path.as_deref().unwrap_or(std::path::Path::new(".")));
    }
    if let Some(Command::New {
        command: NewCommand::App(options),
    }) = &cli.command
    {
        // A refusal is an answer, not a crash: one clear message, no backtrace.
        if let Err(error) = new_app(options) {
            eprintln!("lumiku new app: {error:#}");
            std::process::exit(1);
        }
        return Ok(());
    }
    let mut config = Config::load(cli.config.as_deref())?;
    if let Some(dir) = cli.data_dir {
        config.data_dir = dir;
    }
    let telemetry = init_tracing(&config)?;
    let outcome = run(cli.command.unwrap_or(Command::Serve { bind: None }), config).await;
    telemetry.finish().await;
    outcome
}

/// Runs a command that needs the configuration and the log.
async fn run(command: Command, config: Config) -> anyhow::Result<()> {
    match command {
        Command::Serve { bind } => serve(config, bind).await,
        Command::Worker { workers } => {
            let size = workers.unwrap_or(match config.worker_pool_size {
                0 => 8,
                n => n,
            });
            lumiku_server::run_workers(config, apps::apps(), size, shutdown_signal()).await
        }
        Command::Migrate { status: true } => {
            let url = config.database_url();
            if url.starts_with("sqlite:") {
                // Opening it would create it: everything is pending, and stays so.
                let path = lumiku_store::sqlite::path_of(&url)?;
                if !path.exists() {
                    println!(
                        "no database at {} yet (`lumiku migrate` or `lumiku serve` creates it)",
                        path.display()
                    );
                    return print_migration_status(None).await;
                }
            }
            let db = open_db(&config).await?;
            print_migration_status(Some(&db)).await
        }
        Command::Backup { to } => {
            let url = config.database_url();
            let bytes = lumiku_store::backup::backup(&url, &to).await?;
            println!(
                "backed up {} to {} ({bytes} bytes)",
                lumiku_store::describe_url(&url),
                to.display()
            );
            Ok(())
        }
        Command::Restore { from, replace } => {
            config.ensure_data_dir()?;
            let url = config.database_url();
            lumiku_store::backup::restore(&from, &url, replace).await?;
            println!(
                "restored {} as {}; the next start brings it up to date",
                from.display(),
                lumiku_store::describe_url(&url)
            );
            Ok(())
        }
        Command::Copy {
            from,
            to,
            batch,
            max_batches,
        } => {
            let from = match from {
                Some(url) => url,
                None => {
                    config.ensure_data_dir()?;
                    config.database_url()
                }
            };
            copy_database(&config, &from, &to, batch as usize, max_batches).await
        }
        Command::Migrate { status: false } => {
            let db = open_db(&config).await?;
            let migrated = lumiku_server::migrate(&db, &apps::apps()).await?;
            tracing::info!(
                applied = migrated.applied,
                "the database is up to date: the core and every app"
            );
            Ok(())
        }
        Command::Openapi { output } => {
            let json = serde_json::to_string_pretty(&lumiku_server::openapi(
                &apps::apps(),
                &config.public_url(),
            ))?;
            match output {
                Some(path) => std::fs::write(&path, json + "\n")
                    .with_context(|| format!("writing {}", path.display())),
                None => {
                    println!("{json}");
                    Ok(())
                }
            }
        }
        Command::App { .. } | Command::New { .. } => {
            unreachable!("answered before the configuration is read")
        }
        Command::Billing {
            command: BillingCommand::Run,
        } => {
            let kernel = cli_kernel(&config).await?;
            let report = kernel
                .run_billing(lumiku_kernel::db::now())
                .await
                .map_err(|e| anyhow::anyhow!("{}", cli_message(e)))?;
            println!("{}", serde_json::to_string_pretty(&report)?);
            Ok(())
        }
        Command::Admin {
            command:
                AdminCommand::CreateUser {
                    email,
                    name,
                    password,
                    admin,
                },
        } => {
            let password = match password {
                Some(p) => p,
                None => read_password()?,
            };
            let kernel = cli_kernel(&config).await?;
            let user = kernel
                .create_user(&email, &password, name.as_deref(), admin)
                .await
                .map_err(|e| anyhow::anyhow!("{}", cli_message(e)))?;
            println!(
                "created {} ({}, {})",
                user.email, user.id, user.platform_role
            );
            Ok(())
        }
        Command::Admin {
            command: command @ (AdminCommand::Promote { .. } | AdminCommand::Demote { .. }),
        } => {
            let (email, admin) = match &command {
                AdminCommand::Promote { email } => (email, true),
                AdminCommand::Demote { email } => (email, false),
                _ => unreachable!("matched above"),
            };
            let kernel = cli_kernel(&config).await?;
            let user = kernel
                .set_platform_role(email, admin)
                .await
                .map_err(|e| anyhow::anyhow!("{}", cli_message(e)))?;
            println!("{} is now {}", user.email, user.platform_role);
            Ok(())
        }
        Command::Admin {
            command: AdminCommand::ResetPassword { email, password },
        } => {
            let password = match password {
                Some(p) => p,
                None => read_password()?,
            };
            let kernel = cli_kernel(&config).await?;
            let (user, ended) = kernel
                .reset_password(&email, &password)
                .await
                .map_err(|e| anyhow::anyhow!("{}", cli_message(e)))?;
            println!(
                "set the password of {}; ended {ended} session(s)",
                user.email
            );
            Ok(())
        }
    }
}

async fn serve(mut config: Config, bind: Option<std::net::SocketAddr>) -> anyhow::Result<()> {
    if let Some(bind) = bind {
        config.bind = bind;
    }
    let addr = config.bind;
    let banner = Banner::of(&config);
    let server = Server::build(config, apps::apps()).await?;
    tokio::spawn(return_freed_memory());
    let listener = tokio::net::TcpListener::bind(addr)
        .await
        .with_context(|| format!("binding {addr}"))?;
    banner.print(listener.local_addr()?, server.migrated());
    server.serve(listener, shutdown_signal()).await
}

/// What a starting server tells its operator, PocketBase-style: where to go, what it runs on,
/// what it did to the database, and how to make the first administrator.
struct Banner {
    public_url: Option<String>,
    database: String,
    mode: &'static str,
    gateway: &'static str,
    config: String,
}

impl Banner {
    fn of(config: &Config) -> Self {
        Self {
            public_url: config.public_url.clone(),
            database: lumiku_store::describe_url(&config.database_url()),
            mode: match config.mode {
                lumiku_server::config::Mode::Development => "development",
                lumiku_server::config::Mode::Production => "production",
            },
            gateway: match config.billing_settings().map(|b| b.gateway) {
                Ok(lumiku_kernel::payments::GatewaySettings::Duitku { .. }) => "Duitku",
                _ => "sandbox (no real payments)",
            },
            config: match &config.data_dir {
                dir if dir.as_os_str() == "." => String::new(),
                dir => format!(" --data-dir {}", dir.display()),
            },
        }
    }

    fn print(&self, bound: std::net::SocketAddr, migrated: lumiku_server::Migrated) {
        let mut local = bound;
        if local.ip().is_unspecified() {
            local.set_ip(std::net::Ipv4Addr::LOCALHOST.into());
        }
        let url = self
            .public_url
            .clone()
            .map(|u| u.trim_end_matches('/').to_owned())
            .unwrap_or_else(|| format!("http://{local}"));
        let database = if migrated.new_database {
            format!("{} (created new database)", self.database)
        } else {
            self.database.clone()
        };
        tracing::info!(address = %bound, "lumiku is serving");
        eprintln!(
            "\n  Lumiku is serving at {url}/ ({} mode, payments: {})\n\
             \n  ├─ Dashboard: {url}/\
             \n  ├─ API:       {url}/api/\
             \n  ├─ OpenAPI:   {url}/api/openapi.json\
             \n  └─ Database:  {database}, applied {} migration(s)\n\
             \n  Create the first administrator with:\
             \n    lumiku{} admin create-user --email you@example.com --admin\n",
            self.mode, self.gateway, migrated.applied, self.config,
        );
    }
}

async fn open_db(config: &Config) -> anyhow::Result<Db> {
    config.ensure_data_dir()?;
    Db::connect(&DbOptions {
        url: config.database_url(),
        max_connections: 2,
        sqlite_synchronous: config.sqlite_synchronous,
    })
    .await
}

/// `lumiku copy`: migrates the target, copies every table into it, checks every wallet there.
async fn copy_database(
    config: &Config,
    from: &str,
    to: &str,
    batch: usize,
    max_batches: Option<u64>,
) -> anyhow::Result<()> {
    use lumiku_store::copy::{Copied, CopyOptions, copy};
    use lumiku_store::describe_url;
    let (source, target) = (describe_url(from), describe_url(to));
    anyhow::ensure!(
        source != target,
        "the source and the target are the same database"
    );
    if !from.starts_with("postgres") {
        // Opening a missing file would create an empty database to copy.
        let path = lumiku_store::sqlite::path_of(from)?;
        anyhow::ensure!(path.is_file(), "there is no database at {}", path.display());
    }
    let open = |url: &str| {
        let options = DbOptions {
            url: url.to_owned(),
            max_connections: 2,
            sqlite_synchronous: config.sqlite_synchronous,
        };
        async move { Db::connect(&options).await }
    };
    let from_db = open(from)
        .await
        .with_context(|| format!("opening the source, {source}"))?;
    let to_db = open(to)
        .await
        .with_context(|| format!("opening the target, {target}"))?;
    // The target gets this binary's migrations (and no app registration: the source's rows of
    // the apps are copied as they are); the copy then checks the source has the same.
    let apps = apps::apps();
    lumiku_kernel::migrate(&to_db).await?;
    for app in &apps {
        lumiku_kernel::registry::migrate_app(&to_db, app.manifest().app_id, app.migrations())
            .await?;
    }
    let rebuild = apps
        .iter()
        .flat_map(|app| app.rebuild_sql(to_db.backend()).iter().copied())
        .collect();
    println!("copying {source} to {target}");
    let started = std::time::Instant::now();
    let options = CopyOptions {
        source: &source,
        batch,
        max_batches,
        rebuild,
    };
    let copied = copy(&from_db, &to_db, &options, |table| {
        println!("  {:<36} {:>10} rows", table.name, table.rows);
    })
    .await;
    from_db.close().await;
    let outcome = match copied? {
        Copied::Paused { done, tables } => {
            println!(
                "stopped at --max-batches {}, {done} of {tables} tables done; run the same \
                 command again to go on",
                max_batches.unwrap_or_default()
            );
            Ok(())
        }
        Copied::Done { tables, resumed } => {
            let rows: u64 = tables.iter().map(|t| t.rows).sum();
            println!(
                "copied {rows} rows of {} tables in {:.1} s{}; every row read back equal",
                tables.len(),
                started.elapsed().as_secs_f64(),
                if resumed {
                    ", going on from an earlier run"
                } else {
                    ""
                }
            );
            let check = lumiku_kernel::credits::check_wallets(&to_db)
                .await
                .map_err(|e| anyhow::anyhow!("checking the wallets: {}", cli_message(e)))?;
            anyhow::ensure!(
                check.broken == 0,
                "{} of {} wallets on the target differ from their ledgers",
                check.broken,
                check.wallets
            );
            println!(
                "{} wallets checked: each balance is the sum of its ledger, its last running \
                 balance and its daily rollups', and not below zero",
                check.wallets
            );
            Ok(())
        }
    };
    to_db.close().await;
    outcome
}

/// `lumiku migrate --status`: every migration of the core and the apps, applied or pending.
async fn print_migration_status(db: Option<&Db>) -> anyhow::Result<()> {
    use lumiku_store::migrate::{MigrationSet, MigrationStatus, Owner, status};
    let apps = apps::apps();
    let walls: Vec<_> = apps
        .iter()
        .map(|a| lumiku_store::Wall::new(a.manifest().app_id))
        .collect();
    let mut sets = vec![(
        "core",
        MigrationSet {
            owner: Owner::Kernel,
            migrations: lumiku_kernel::MIGRATIONS,
        },
    )];
    for (app, wall) in apps.iter().zip(&walls) {
        sets.push((
            app.manifest().app_id,
            MigrationSet {
                owner: Owner::App(wall),
                migrations: app.migrations(),
            },
        ));
    }
    let (mut applied, mut pending, mut changed) = (0, 0, 0);
    for (owner, set) in &sets {
        let statuses = match db {
            Some(db) => status(db, set).await?,
            None => set
                .migrations
                .iter()
                .map(|migration| MigrationStatus {
                    version: migration.version,
                    name: migration.name.to_owned(),
                    applied_at: None,
                    changed: false,
                })
                .collect(),
        };
        for migration in statuses {
            let state = match (&migration.applied_at, migration.changed) {
                (Some(_), true) => {
                    changed += 1;
                    "CHANGED since it was applied".to_owned()
                }
                (Some(at), false) => {
                    applied += 1;
                    format!("applied {at}")
                }
                (None, _) => {
                    pending += 1;
                    "pending".to_owned()
                }
            };
            println!(
                "{owner:<20} {:>4}  {:<36} {state}",
                migration.version, migration.name
            );
        }
    }
    println!("{applied} applied, {pending} pending, {changed} changed");
    Ok(())
}

/// The kernel over the migrated database, for the admin commands.
async fn cli_kernel(config: &Config) -> anyhow::Result<Kernel> {
    let db = open_db(config).await?;
    lumiku_kernel::migrate(&db).await?;
    Kernel::new(db, config.kernel_settings()?)
}

/// A password: asked for without echo on a terminal, else the first line of standard input.
fn read_password() -> anyhow::Result<String> {
    use std::io::IsTerminal as _;
    if std::io::stdin().is_terminal() {
        let password = rpassword::prompt_password("password: ").context("reading the password")?;
        let again = rpassword::prompt_password("again: ").context("reading the password")?;
        anyhow::ensure!(password == again, "the two passwords differ");
        return Ok(password);
    }
    let mut line = String::new();
    std::io::stdin()
        .lock()
        .read_line(&mut line)
        .context("reading the password")?;
    Ok(line.trim_end_matches(['\r', '\n']).to_owned())
}

/// The kernel error as one line for a terminal (validation errors name their fields).
fn cli_message(error: lumiku_kernel::Error) -> String {
    match error {
        lumiku_kernel::Error::Invalid(fields) => fields
            .iter()
            .map(|(field, messages)| format!("{field} {}", messages.join(", ")))
            .collect::<Vec<_>>()
            .join("; "),
        other => other.to_string(),
    }
}

fn init_tracing(config: &Config) -> anyhow::Result<otel::Telemetry> {
    use tracing_subscriber::layer::SubscriberExt as _;
    use tracing_subscriber::util::SubscriberInitExt as _;
    let filter = EnvFilter::try_from_env("LUMIKU_LOG")
        .unwrap_or_else(|_| EnvFilter::new("info,sqlx=warn,tower_http=info"));
    // Colours only for a person at a terminal, never into a file or a collector.
    let ansi = std::io::IsTerminal::is_terminal(&std::io::stderr());
    let log = tracing_subscriber::fmt::layer()
        .with_writer(std::io::stderr)
        .with_ansi(ansi);
    let (export, telemetry) = otel::layer(config)?;
    let registry = tracing_subscriber::registry().with(filter).with(export);
    match config.log_format {
        LogFormat::Json => registry.with(log.json()).init(),
        LogFormat::Text => registry.with(log).init(),
    }
    Ok(telemetry)
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
    tracing::info!("shutting down");
}

/// `lumiku new app`: makes the crate and says what to do next.
fn new_app(options: &new_app::NewApp) -> anyhow::Result<()> {
    let manifests: Vec<_> = apps::apps().iter().map(|a| a.manifest()).collect();
    let created = new_app::run(options, &manifests)?;
    let id = &options.id;
    println!(
        "created {} ({} files{})",
        created.dir.display(),
        created.files.len(),
        if created.formatted {
            ", formatted by rustfmt"
        } else {
            "; rustfmt was not found, run cargo fmt"
        }
    );
    println!("registered it in {}", created.edited.join(", "));
    println!("next:");
    println!(
        "  cargo test -p {id}    its checklist (on PostgreSQL too with LUMIKU_TEST_POSTGRES_URL)"
    );
    println!("  cargo run -- app validate apps/{id}");
    println!("  cargo run    then open /apps/{id} in the dashboard");
    Ok(())
}

/// `lumiku app validate`: prints every problem, or that there is none; exits 1 on a problem.
fn validate_app(path: &std::path::Path) -> anyhow::Result<()> {
    let (app_id, problems) = validate::validate(path, &apps::apps());
    let name = app_id.unwrap_or_else(|| path.display().to_string());
    if problems.is_empty() {
        println!("{name}: no problems");
        return Ok(());
    }
    for problem in &problems {
        println!("{}: {problem}", path.display());
    }
    eprintln!("{name}: {} problem(s)", problems.len());
    std::process::exit(1);
}
