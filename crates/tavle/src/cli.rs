//! The command line: `serve`, `demo`, `migrate`, `user create`, `registry`, `ropa`, ….

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
    /// Create or grow a synthetic organisation (for benchmarks): a unit tree, managers and
    /// memberships. Every synthetic person's password is `dataset-password`.
    Dataset {
        /// The number of people the organisation should have.
        #[arg(long)]
        people: usize,
        /// The organisation (created if missing).
        #[arg(long)]
        org: String,
        /// Courses the organisation should have (each with 4 modules and 19 activities)
        /// [default: one per 50 people, at most 200].
        #[arg(long)]
        courses: Option<usize>,
        /// Activity-progress rows to write for the people who get enrollments (besides
        /// completions, certificates and quiz attempts) [default: 200 per person, at most
        /// 2,000,000].
        #[arg(long)]
        progress: Option<usize>,
    },
    /// Import data.
    Import {
        #[command(subcommand)]
        command: ImportCommand,
    },
    /// Background jobs.
    Jobs {
        #[command(subcommand)]
        command: JobsCommand,
    },
    /// API tokens.
    Token {
        #[command(subcommand)]
        command: TokenCommand,
    },
    /// Configuration.
    Config {
        #[command(subcommand)]
        command: ConfigCommand,
    },
    /// Print an organisation's record of processing activities (GDPR art. 30); exits non-zero
    /// naming each gap when a required field is missing.
    Ropa {
        /// The organisation's slug.
        #[arg(long)]
        org: String,
        #[arg(long, value_enum, default_value = "json")]
        format: RopaFormat,
        /// The language of the record's wording: nb or en.
        #[arg(long, default_value = "nb")]
        lang: String,
    },
    /// The data registry: every personal-data field Tavle stores, and why.
    Registry {
        #[command(subcommand)]
        command: RegistryCommand,
    },
    /// The access audit log.
    Audit {
        #[command(subcommand)]
        command: AuditCommand,
    },
    /// The newsletter.
    Newsletter {
        #[command(subcommand)]
        command: NewsletterCommand,
    },
}

#[derive(Subcommand, Debug)]
pub enum NewsletterCommand {
    /// Queue one message per active (confirmed) subscriber, each with its own unsubscribe
    /// link; the outbox job delivers them.
    Send {
        /// The e-mail's subject.
        #[arg(long)]
        subject: String,
        /// The text (plain text or Markdown).
        #[arg(long, value_name = "FILE")]
        file: PathBuf,
        /// The language of the footer with the unsubscribe link: nb, nn or en.
        #[arg(long, default_value = "nb")]
        lang: String,
    },
}

#[derive(Subcommand, Debug)]
pub enum RegistryCommand {
    /// Validate the registry (the built-in one, or a candidate file); exits non-zero naming
    /// each problem.
    Check {
        /// A registry file to check instead of the built-in one.
        #[arg(long)]
        file: Option<PathBuf>,
    },
    /// Print the whole registry.
    Export {
        #[arg(long, value_enum, default_value = "json")]
        format: RegistryFormat,
    },
}

#[derive(clap::ValueEnum, Clone, Copy, Debug)]
pub enum RopaFormat {
    Json,
    Csv,
}

#[derive(clap::ValueEnum, Clone, Copy, Debug)]
pub enum RegistryFormat {
    Json,
}

#[derive(Subcommand, Debug)]
pub enum AuditCommand {
    /// Sign and print a checkpoint of each chain (one JSON line each), to be kept elsewhere.
    Checkpoint {
        /// Only this organisation's chain (`platform` for the platform's).
        #[arg(long)]
        org: Option<String>,
    },
    /// Check the hash chains; with --checkpoint, also that nothing after it was removed.
    Verify {
        /// Only this organisation's chain (`platform` for the platform's).
        #[arg(long)]
        org: Option<String>,
        /// A file of checkpoints as `tavle audit checkpoint` printed them.
        #[arg(long, value_name = "FILE")]
        checkpoint: Option<PathBuf>,
    },
}

#[derive(Subcommand, Debug)]
pub enum ImportCommand {
    /// Import people from an HR export (CSV; format in README). Nothing is written unless every
    /// row is valid, or --skip-invalid is given.
    People {
        /// The CSV file.
        file: PathBuf,
        /// The organisation to import into.
        #[arg(long)]
        org: String,
        /// Report what would be created, changed and ended, and write nothing.
        #[arg(long)]
        dry_run: bool,
        /// Import the valid rows and report the others.
        #[arg(long)]
        skip_invalid: bool,
    },
}

#[derive(Subcommand, Debug)]
pub enum JobsCommand {
    /// Run one job now, here (session_expiry, token_expiry, outbox), and print its outcome.
    RunOnce { name: String },
}

#[derive(Subcommand, Debug)]
pub enum TokenCommand {
    /// Create an API token for a person or for a service account of an organisation; the
    /// token is printed once.
    Create {
        /// The person the token acts for (by e-mail).
        #[arg(long, conflicts_with_all = ["org", "service_account"], required_unless_present = "org")]
        person: Option<String>,
        /// The organisation whose service account the token belongs to.
        #[arg(long, requires = "service_account")]
        org: Option<String>,
        /// The service account's name (created if new).
        #[arg(long)]
        service_account: Option<String>,
        /// A scope such as people:read or organisations:write; repeat for several.
        #[arg(long = "scope", required = true)]
        scopes: Vec<String>,
        /// Days until the token expires (1–365).
        #[arg(long, default_value_t = 90)]
        days: i64,
        /// A name to recognise the token by.
        #[arg(long, default_value = "cli")]
        name: String,
    },
}

#[derive(Subcommand, Debug)]
pub enum ConfigCommand {
    /// Print the effective configuration (after file, environment and flags), secrets masked.
    Check,
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
            crate::demo::ensure_files(&store::learning::files::FileStore::local(
                config.data_dir.join("files"),
            ))
            .await?;
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
        Command::Import {
            command:
                ImportCommand::People {
                    file,
                    org,
                    dry_run,
                    skip_invalid,
                },
        } => {
            let config = load_config(&cli.global, None)?;
            let store = crate::open_store(&config).await?;
            let bytes =
                std::fs::read(&file).with_context(|| format!("cannot read {}", file.display()))?;
            let org = {
                let mut db = store.conn().await?;
                store::organisations::by_slug(&mut db, &org)
                    .await
                    .map_err(|_| anyhow::anyhow!("--org: no organisation {org:?}"))?
            };
            let state = web::AppState::new(store, config.web());
            let rows = bytes.iter().filter(|&&b| b == b'\n').count() as u64;
            let bar = indicatif::ProgressBar::new(rows);
            bar.set_style(
                indicatif::ProgressStyle::with_template(
                    "{bar:40} {pos}/{len} rows ({per_sec}, {eta} left)",
                )
                .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
            );
            let report =
                web::ops::import_people(&state, None, &org, &bytes, dry_run, skip_invalid, &|n| {
                    bar.inc(n)
                })
                .await
                .map_err(|e| anyhow::anyhow!("{e}"))?;
            bar.finish_and_clear();
            print!("{}", crate::describe_import(&report, dry_run));
            Ok(if report.errors.is_empty() || report.applied {
                ExitCode::SUCCESS
            } else {
                ExitCode::FAILURE
            })
        }
        Command::Dataset {
            people,
            org,
            courses,
            progress,
        } => {
            let config = load_config(&cli.global, None)?;
            let store = crate::open_store(&config).await?;
            let size = crate::dataset::LearningSize { courses, progress };
            let report = crate::dataset::grow_with(&store, &org, people, size).await?;
            println!(
                "organisation {org}: {} people ({} new), {} new units, in {:.1} s; log in as p0@{org}.example (admin) or pN@{org}.example with password {}",
                report.total,
                report.created,
                report.units,
                report.seconds,
                crate::dataset::DATASET_PASSWORD
            );
            let l = &report.learning;
            println!(
                "learning: {} courses ({} new, {} activities new), {} requirements, {} enrollments ({} completed), {} progress rows, {} quiz attempts, {} certificates",
                l.courses,
                l.new_courses,
                l.activities,
                l.requirements,
                l.enrollments,
                l.completed,
                l.progress,
                l.quiz_attempts,
                l.certificates
            );
            if let Some((login, led)) = &report.big_manager {
                println!("manager with {led} people (direct and indirect): {login}");
            }
            // Closing checkpoints SQLite's write-ahead log into the database file.
            store.close().await;
            Ok(ExitCode::SUCCESS)
        }
        Command::Jobs {
            command: JobsCommand::RunOnce { name },
        } => {
            let config = load_config(&cli.global, None)?;
            init_logging(&config);
            let store = crate::open_store(&config).await?;
            let record = crate::runner(&config, store)?.run_once(&name).await?;
            println!(
                "{} {}: {} after {} attempt(s){}",
                record.kind,
                record.id,
                record.status,
                record.attempts,
                record
                    .last_error
                    .map(|e| format!(" ({e})"))
                    .unwrap_or_default()
            );
            Ok(if record.status == "done" {
                ExitCode::SUCCESS
            } else {
                ExitCode::FAILURE
            })
        }
        Command::Token {
            command:
                TokenCommand::Create {
                    person,
                    org,
                    service_account,
                    scopes,
                    days,
                    name,
                },
        } => {
            let config = load_config(&cli.global, None)?;
            let store = crate::open_store(&config).await?;
            let state = web::AppState::new(store.clone(), config.web());
            let mut db = store.conn().await?;
            let holder = match (&person, &org, &service_account) {
                (Some(email), _, _) => {
                    let email = domain::person::Email::parse(email)
                        .map_err(|code| anyhow::anyhow!("--person: {code}"))?;
                    let id = store::people::id_by_email(&mut db, &email)
                        .await?
                        .context("--person: no account has this e-mail")?;
                    web::ops::TokenHolder::Person(id)
                }
                (None, Some(slug), Some(account)) => {
                    let org = store::organisations::by_slug(&mut db, slug)
                        .await
                        .map_err(|_| anyhow::anyhow!("--org: no organisation {slug:?}"))?;
                    web::ops::TokenHolder::ServiceAccount(org.id, account)
                }
                _ => bail!("give --person EMAIL, or --org SLUG with --service-account NAME"),
            };
            drop(db);
            let token =
                web::ops::issue_token(&state, holder, &name, &scopes.join(" "), &days.to_string())
                    .await
                    .map_err(|e| match e {
                        web::error::AppError::Invalid(errors) => anyhow::anyhow!("{errors}"),
                        other => anyhow::anyhow!("{other}"),
                    })?;
            println!("{token}");
            eprintln!("This token is shown once. It expires in {days} days.");
            Ok(ExitCode::SUCCESS)
        }
        Command::Registry {
            command: RegistryCommand::Check { file },
        } => {
            let text = match &file {
                Some(path) => std::fs::read_to_string(path)
                    .with_context(|| format!("cannot read {}", path.display()))?,
                None => domain::registry::EMBEDDED.to_owned(),
            };
            // The shipped consent texts are checked against the registry checked here.
            let consents = |r: &domain::registry::Registry| {
                domain::consent::Catalogue::parse(domain::consent::EMBEDDED, r)
            };
            match domain::registry::Registry::parse(&text).and_then(|r| consents(&r).map(|_| r)) {
                Ok(r) => {
                    println!(
                        "ok: registry version {}, {} fields, {} purposes, {} retention rules, {} legal holds",
                        r.version,
                        r.fields.len(),
                        r.purposes.len(),
                        r.retention_rules.len(),
                        r.legal_holds.len()
                    );
                    Ok(ExitCode::SUCCESS)
                }
                Err(problems) => {
                    for p in &problems {
                        eprintln!("{p}");
                    }
                    eprintln!("{} problems", problems.len());
                    Ok(ExitCode::FAILURE)
                }
            }
        }
        Command::Registry {
            command:
                RegistryCommand::Export {
                    format: RegistryFormat::Json,
                },
        } => {
            let registry = domain::registry::load().map_err(registry_problems)?;
            println!("{}", serde_json::to_string_pretty(registry)?);
            Ok(ExitCode::SUCCESS)
        }
        Command::Audit { command } => {
            let config = load_config(&cli.global, None)?;
            let store = crate::open_store(&config).await?;
            let signer = crate::signer(&config)?;
            let code = audit(&store, &signer, command).await;
            store.close().await;
            code
        }
        Command::Newsletter {
            command:
                NewsletterCommand::Send {
                    subject,
                    file,
                    lang,
                },
        } => {
            let config = load_config(&cli.global, None)?;
            let language = domain::org::Language::parse(&lang).map_err(anyhow::Error::msg)?;
            let body = std::fs::read_to_string(&file)
                .with_context(|| format!("cannot read {}", file.display()))?;
            let store = crate::open_store(&config).await?;
            let key = store::newsletter::load_or_create_key(&web::newsletter::key_path(
                &config.data_dir,
            ))?;
            let sent = web::newsletter::send_issue(
                &store,
                &key,
                &config.public_url,
                language,
                &subject,
                &body,
            )
            .await;
            store.close().await;
            match sent {
                Ok(n) => {
                    println!("queued {n} newsletter messages");
                    Ok(ExitCode::SUCCESS)
                }
                Err(web::error::AppError::Invalid(errors)) => {
                    for e in &errors.0 {
                        eprintln!("{}: {}", e.field, e.code);
                    }
                    Ok(ExitCode::FAILURE)
                }
                Err(e) => Err(anyhow::anyhow!("could not queue the newsletter: {e}")),
            }
        }
        Command::Ropa { org, format, lang } => {
            let config = load_config(&cli.global, None)?;
            let language = domain::org::Language::parse(&lang).map_err(anyhow::Error::msg)?;
            domain::registry::load().map_err(registry_problems)?;
            let store = crate::open_store(&config).await?;
            let mut db = store.conn().await?;
            let org = match store::organisations::by_slug(&mut db, &org).await {
                Ok(o) => o,
                Err(store::StoreError::NotFound) => bail!("no organisation `{org}`"),
                Err(e) => return Err(e.into()),
            };
            let register = store::sub_processors::register(&mut db).await?;
            let tr = web::i18n::Tr::new(language);
            let record = domain::registry::ropa::Ropa::generate(
                domain::registry::registry(),
                &web::privacy::controller_of(&org),
                &register,
                language,
                store::now().date(),
                &web::privacy::wording(tr),
            );
            match record {
                Ok(record) => {
                    match format {
                        RopaFormat::Json => {
                            println!("{}", serde_json::to_string_pretty(&record)?)
                        }
                        RopaFormat::Csv => {
                            print!("{}", record.to_csv(&web::privacy::wording(tr))?)
                        }
                    }
                    Ok(ExitCode::SUCCESS)
                }
                Err(gaps) => {
                    for g in &gaps {
                        eprintln!("{g}");
                    }
                    eprintln!(
                        "the record of processing of `{}` is incomplete: {} gaps",
                        org.slug,
                        gaps.len()
                    );
                    Ok(ExitCode::FAILURE)
                }
            }
        }
        Command::Config {
            command: ConfigCommand::Check,
        } => {
            let config = load_config(&cli.global, None)?;
            config.schedules()?;
            config.mailer()?;
            print!("{}", config.describe());
            Ok(ExitCode::SUCCESS)
        }
    }
}

/// The built-in registry's problems as one error (the program refuses to start with them).
pub fn registry_problems(problems: &[domain::registry::Problem]) -> anyhow::Error {
    anyhow::anyhow!(
        "the data registry is invalid:\n{}",
        problems
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join("\n")
    )
}

async fn serve(config: &Config, store: store::Store) -> anyhow::Result<ExitCode> {
    let server = crate::start(config, store.clone()).await?;
    if config.jobs.enabled {
        crate::runner(config, store.clone())?.spawn(std::time::Duration::from_secs(
            config.jobs.poll_seconds.max(1),
        ));
    }
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

/// The chains `--org` names: one organisation's (or `platform`), else every chain with entries.
async fn audit_chains(db: &mut store::Db, org: Option<&str>) -> anyhow::Result<Vec<uuid::Uuid>> {
    match org {
        Some("platform") => Ok(vec![store::audit::PLATFORM_CHAIN]),
        Some(slug) => {
            let org = store::organisations::by_slug(db, slug)
                .await
                .map_err(|_| anyhow::anyhow!("--org: no organisation {slug:?}"))?;
            Ok(vec![org.id.0])
        }
        None => Ok(store::audit::chains(db).await?),
    }
}

async fn audit(
    store: &store::Store,
    signer: &store::audit::Signer,
    command: AuditCommand,
) -> anyhow::Result<ExitCode> {
    use store::audit::{Checkpoint, VerifyReport};
    let mut db = store.conn().await?;
    match command {
        AuditCommand::Checkpoint { org } => {
            for chain in audit_chains(&mut db, org.as_deref()).await? {
                let checkpoint = store::audit::checkpoint(&mut db, chain, signer).await?;
                println!("{}", serde_json::to_string(&checkpoint)?);
            }
            Ok(ExitCode::SUCCESS)
        }
        AuditCommand::Verify { org, checkpoint } => {
            let mut given: Vec<Checkpoint> = Vec::new();
            if let Some(path) = &checkpoint {
                let text = std::fs::read_to_string(path)
                    .with_context(|| format!("cannot read {}", path.display()))?;
                for (i, line) in text
                    .lines()
                    .enumerate()
                    .filter(|(_, l)| !l.trim().is_empty())
                {
                    given.push(serde_json::from_str(line).with_context(|| {
                        format!("{} line {}: not a checkpoint", path.display(), i + 1)
                    })?);
                }
            }
            let mut chains = audit_chains(&mut db, org.as_deref()).await?;
            for cp in &given {
                if org.is_none() && !chains.contains(&cp.organisation) {
                    chains.push(cp.organisation);
                }
            }
            let key = signer.public_key();
            let (mut entries, mut bad) = (0_i64, false);
            for chain in &chains {
                let mine: Vec<&Checkpoint> =
                    given.iter().filter(|c| c.organisation == *chain).collect();
                let mut reports = Vec::new();
                if mine.is_empty() {
                    reports.push(store::audit::verify(&mut db, *chain, None, Some(&key)).await?);
                }
                for cp in mine {
                    reports
                        .push(store::audit::verify(&mut db, *chain, Some(cp), Some(&key)).await?);
                }
                for (i, report) in reports.into_iter().enumerate() {
                    match report {
                        VerifyReport::Ok(n) if i == 0 => entries += n,
                        VerifyReport::Ok(_) => {}
                        VerifyReport::Bad(f) => {
                            bad = true;
                            println!(
                                "chain {chain}: entry {} {} (first bad entry)",
                                f.seq,
                                f.problem.as_str()
                            );
                        }
                        VerifyReport::BadCheckpoint => {
                            bad = true;
                            println!("chain {chain}: checkpoint not signed by this platform's key");
                        }
                    }
                }
            }
            if bad {
                return Ok(ExitCode::FAILURE);
            }
            println!("ok: {entries} entries in {} chains", chains.len());
            Ok(ExitCode::SUCCESS)
        }
    }
}
