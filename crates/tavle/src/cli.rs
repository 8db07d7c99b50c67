//! The command line: `serve`, `demo`, `migrate`, `user create`.

use std::io::Read;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, bail};
use clap::{Args, Parser, Subcommand};
use domain::person::{DataSource, NewPassword, NewPersonInput};

use crate::config::{Config, LogFormat, Overrides};

#[derive(Parser, Debug)]
#[command(
    name = "tavle",
    version,
    about = "Tavle: learning and competence, with executable privacy rules"
)]
pub struct Cli {
    #[command(flatten)]
    pub global: Global,
    #[command(subcommand)]
    pub command: Command,
}

/// Options every command that touches the database takes.
#[derive(Args, Debug, Default)]
pub struct Global {
    /// Data directory for the embedded SQLite database [default: ./tavle-data]
    #[arg(long, global = true, value_name = "DIR")]
    pub data_dir: Option<PathBuf>,
    /// `postgres://…` to use PostgreSQL instead of SQLite [env: TAVLE_DATABASE_URL]
    #[arg(long, global = true, value_name = "URL")]
    pub database_url: Option<String>,
    /// Configuration file [default: ./tavle.toml if present]
    #[arg(long, global = true, value_name = "FILE")]
    pub config: Option<PathBuf>,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Migrate the database, then serve Tavle.
    Serve {
        /// Address to listen on [default: 127.0.0.1:8080]
        #[arg(long)]
        addr: Option<SocketAddr>,
    },
    /// Create the demo organisation (if missing), print its logins, then serve.
    Demo {
        /// Address to listen on [default: 127.0.0.1:8080]
        #[arg(long)]
        addr: Option<SocketAddr>,
    },
    /// Apply pending database migrations and exit.
    Migrate,
    /// Manage people's accounts.
    User {
        #[command(subcommand)]
        command: UserCommand,
    },
}

#[derive(Subcommand, Debug)]
pub enum UserCommand {
    /// Create a person with a password login. The first platform operator is made this way.
    Create {
        #[arg(long)]
        email: String,
        #[arg(long)]
        given_name: String,
        #[arg(long)]
        family_name: String,
        /// Make the person a platform operator.
        #[arg(long)]
        operator: bool,
        /// Read the password from standard input instead of generating one.
        #[arg(long)]
        password_stdin: bool,
    },
}

fn load_config(global: &Global, addr: Option<SocketAddr>) -> anyhow::Result<Config> {
    let overrides = Overrides {
        addr,
        data_dir: global.data_dir.clone(),
        database_url: global.database_url.clone(),
    };
    Config::load(global.config.as_deref(), &overrides)
        .map_err(|e| anyhow::anyhow!("invalid configuration: {e}"))
}

fn init_logging(config: &Config) {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new(&config.log_filter));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_target(false);
    let _ = match config.log_format {
        LogFormat::Json => builder.json().try_init(),
        LogFormat::Text => builder.try_init(),
    };
}

pub async fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    match cli.command {
        Command::Serve { addr } => {
            let config = load_config(&cli.global, addr)?;
            init_logging(&config);
            let store = crate::open_store(&config).await?;
            serve(&config, store).await
        }
        Command::Demo { addr } => {
            let config = load_config(&cli.global, addr)?;
            init_logging(&config);
            let store = crate::open_store(&config).await?;
            let logins = crate::demo::ensure(&store).await?;
            println!("{}", crate::demo::describe(&logins));
            serve(&config, store).await
        }
        Command::Migrate => {
            let config = load_config(&cli.global, None)?;
            init_logging(&config);
            crate::open_store(&config).await?;
            println!(
                "database at {} is up to date",
                config.database_description()
            );
            Ok(ExitCode::SUCCESS)
        }
        Command::User {
            command:
                UserCommand::Create {
                    email,
                    given_name,
                    family_name,
                    operator,
                    password_stdin,
                },
        } => {
            let config = load_config(&cli.global, None)?;
            let store = crate::open_store(&config).await?;
            let (password, generated) = if password_stdin {
                let mut buf = String::new();
                std::io::stdin()
                    .read_to_string(&mut buf)
                    .context("cannot read the password from standard input")?;
                (buf.trim_end_matches(['\r', '\n']).to_owned(), false)
            } else {
                (web::auth::new_token(), true)
            };
            let input = NewPersonInput {
                given_name,
                family_name,
                email,
                birth_date: String::new(),
            };
            let id = create_user(&store, &input, &password, operator).await?;
            println!(
                "created person {id} ({}){}",
                input.email.trim(),
                if operator {
                    " as platform operator"
                } else {
                    ""
                }
            );
            if generated {
                println!("password: {password}");
            }
            Ok(ExitCode::SUCCESS)
        }
    }
}

async fn serve(config: &Config, store: store::Store) -> anyhow::Result<ExitCode> {
    let server = crate::start(config, store.clone()).await?;
    tracing::info!(addr = %server.addr, database = store.backend().name(), "Tavle is listening on http://{}", server.addr);
    server
        .task
        .await
        .context("server task failed")?
        .context("server failed")?;
    store.close().await;
    Ok(ExitCode::SUCCESS)
}

/// Creates a person with a password (and optionally operator rights) in one transaction.
pub async fn create_user(
    store: &store::Store,
    input: &NewPersonInput,
    password: &str,
    operator: bool,
) -> anyhow::Result<domain::PersonId> {
    let person = match input.validate(None, store::now().date()) {
        Ok(p) => p,
        Err(errors) => bail!("{errors}"),
    };
    let password =
        NewPassword::parse(password).map_err(|code| anyhow::anyhow!("password: {code}"))?;
    let hash = web::auth::hash_password(password.expose().to_owned())
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    let mut db = store.begin().await?;
    let id = store::people::create(&mut db, &person, DataSource::SelfService, None)
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    store::identities::set_password(&mut db, id, &hash).await?;
    if operator {
        store::roles::grant_operator(&mut db, id).await?;
    }
    db.commit().await?;
    Ok(id)
}
