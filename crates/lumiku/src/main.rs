//! `lumiku`: serve the platform, migrate its database, print its OpenAPI document, administer it.

mod apps;
mod new_app;
mod validate;

use std::io::BufRead as _;
use std::path::PathBuf;

use anyhow::Context as _;
use clap::{Parser, Subcommand};
use lumiku_kernel::{Db, DbOptions, Kernel};
use lumiku_server::{Config, Server};
use tracing_subscriber::EnvFilter;

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[derive(Parser)]
#[command(
    name = "lumiku",
    version,
    about = "Credit-metered, multi-tenant SaaS mini-apps in one binary"
)]
struct Cli {
    /// Configuration file (optional; LUMIKU_* environment variables override it).
    #[arg(
        long,
        env = "LUMIKU_CONFIG",
        default_value = "lumiku.toml",
        global = true
    )]
    config: PathBuf,
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Serve the API (the default).
    Serve {
        /// Address to listen on (overrides `bind`).
        #[arg(long)]
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
    Migrate,
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
        /// Password; when absent it is read from the first line of standard input.
        #[arg(long, env = "LUMIKU_ADMIN_PASSWORD", hide_env_values = true)]
        password: Option<String>,
        /// Make the account a platform administrator.
        #[arg(long)]
        admin: bool,
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
    let config = Config::load(&cli.config)?;
    init_tracing(&config);
    match cli.command.unwrap_or(Command::Serve { bind: None }) {
        Command::Serve { bind } => serve(config, bind).await,
        Command::Worker { workers } => {
            let size = workers.unwrap_or(match config.worker_pool_size {
                0 => 8,
                n => n,
            });
            lumiku_server::run_workers(config, apps::apps(), size, shutdown_signal()).await
        }
        Command::Migrate => {
            let db = open_db(&config).await?;
            lumiku_server::migrate(&db, &apps::apps()).await?;
            tracing::info!("migrations applied: the core and every app");
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
            let db = open_db(&config).await?;
            lumiku_kernel::migrate(&db).await?;
            let kernel = Kernel::new(db, config.kernel_settings()?)?;
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
            let db = open_db(&config).await?;
            lumiku_kernel::migrate(&db).await?;
            let kernel = Kernel::new(db, config.kernel_settings()?)?;
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
    }
}

async fn serve(mut config: Config, bind: Option<std::net::SocketAddr>) -> anyhow::Result<()> {
    if let Some(bind) = bind {
        config.bind = bind;
    }
    let addr = config.bind;
    let server = Server::build(config, apps::apps()).await?;
    let listener = tokio::net::TcpListener::bind(addr)
        .await
        .with_context(|| format!("binding {addr}"))?;
    tracing::info!(address = %listener.local_addr()?, "lumiku is serving");
    server.serve(listener, shutdown_signal()).await
}

async fn open_db(config: &Config) -> anyhow::Result<Db> {
    Db::connect(&DbOptions {
        url: config.database_url.clone(),
        max_connections: 2,
    })
    .await
}

fn read_password() -> anyhow::Result<String> {
    eprintln!("password (one line on standard input):");
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

fn init_tracing(config: &Config) {
    let filter = EnvFilter::try_from_env("LUMIKU_LOG")
        .unwrap_or_else(|_| EnvFilter::new("info,sqlx=warn,tower_http=info"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    if config.log_format == "json" {
        builder.json().init();
    } else {
        builder.init();
    }
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
