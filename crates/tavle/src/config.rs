//! Configuration: defaults, then a TOML file (`--config`, else `./tavle.toml` if present), then
//! `TAVLE_*` environment variables, then command-line flags; each overrides the one before.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use figment::Figment;
use figment::providers::{Env, Format, Serialized, Toml};
use secrecy::{ExposeSecret, SecretString};
use serde::{Deserialize, Serialize};

/// Keys a `TAVLE_*` variable may set (others, such as the test variables, are not configuration).
const ENV_KEYS: [&str; 12] = [
    "public_url",
    "mail_from",
    "smtp_url",
    "addr",
    "data_dir",
    "database_url",
    "secure_cookies",
    "session_idle_minutes",
    "max_body_bytes",
    "max_upload_bytes",
    "log_format",
    "log_filter",
];

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum LogFormat {
    #[default]
    Text,
    Json,
}

#[derive(Debug, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Config {
    /// Where `serve` and `demo` listen.
    pub addr: SocketAddr,
    /// Where the embedded SQLite database (and later uploaded files and keys) live.
    pub data_dir: PathBuf,
    /// `postgres://…` to run on PostgreSQL (or `sqlite:…`); unset means SQLite in `data_dir`.
    pub database_url: Option<SecretString>,
    /// Set when Tavle is served over TLS (directly or behind a proxy): Secure cookies and HSTS.
    pub secure_cookies: bool,
    /// A session ends after this many minutes without a request.
    pub session_idle_minutes: u32,
    /// Request bodies larger than this are refused with 413.
    pub max_body_bytes: usize,
    /// Uploads (assignments, proofs of training, images) may be this large.
    pub max_upload_bytes: usize,
    pub log_format: LogFormat,
    /// A tracing filter such as `info` or `tavle_web=debug,info`.
    pub log_filter: String,
    /// Where people reach Tavle, for links in e-mails.
    pub public_url: String,
    /// The sender of Tavle's e-mail.
    pub mail_from: String,
    /// `smtps://user:password@host` (or `smtp://…?tls=required`); unset writes `.eml` files
    /// under `data_dir/outbox/` instead of sending.
    pub smtp_url: Option<SecretString>,
    /// The platform's Ed25519 signing key (32 raw bytes, created if missing); unset means
    /// `data_dir/signing.key`.
    pub signing_key: Option<PathBuf>,
    pub jobs: JobsConfig,
    pub privacy: PrivacyConfig,
}

/// The platform operator as controller: of people who belong to no organisation (the platform
/// privacy notice) and as the publisher of the sub-processor register.
#[derive(Debug, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct PrivacyConfig {
    /// The operator's name as the privacy notice states it.
    pub operator_name: String,
    /// Where people contact the operator about their data; unset, the notice names none.
    pub operator_email: Option<String>,
    /// The operator's data protection officer, if one is designated.
    pub operator_dpo_name: Option<String>,
    pub operator_dpo_email: Option<String>,
}

impl Default for PrivacyConfig {
    fn default() -> Self {
        Self {
            operator_name: "Tavle".into(),
            operator_email: None,
            operator_dpo_name: None,
            operator_dpo_email: None,
        }
    }
}

/// The background job runner.
#[derive(Debug, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct JobsConfig {
    /// Run jobs in this process (`serve` and `demo`). Turn off on nodes that should only serve.
    pub enabled: bool,
    /// How often the runner looks for due work.
    pub poll_seconds: u64,
    /// Cron schedules (five fields, UTC) by job name; these replace the defaults by name.
    pub schedules: std::collections::BTreeMap<String, String>,
}

impl Default for JobsConfig {
    fn default() -> Self {
        Self {
            enabled: true,
            poll_seconds: 2,
            schedules: Default::default(),
        }
    }
}

impl Default for Config {
    fn default() -> Self {
        Self {
            addr: SocketAddr::from(([127, 0, 0, 1], 8080)),
            data_dir: PathBuf::from("tavle-data"),
            database_url: None,
            secure_cookies: false,
            session_idle_minutes: 480,
            max_body_bytes: 1024 * 1024,
            max_upload_bytes: 50 * 1024 * 1024,
            log_format: LogFormat::Text,
            log_filter: "info".into(),
            public_url: "http://127.0.0.1:8080".into(),
            mail_from: "Tavle <noreply@localhost>".into(),
            smtp_url: None,
            signing_key: None,
            jobs: JobsConfig::default(),
            privacy: PrivacyConfig::default(),
        }
    }
}

/// Values given as command-line flags; `None` leaves the lower layers in force.
#[derive(Debug, Default, Serialize)]
pub struct Overrides {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub addr: Option<SocketAddr>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub data_dir: Option<PathBuf>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub database_url: Option<String>,
}

impl Config {
    /// Loads the layers. `file` is `--config`; without it `./tavle.toml` is read if present.
    pub fn load(file: Option<&Path>, overrides: &Overrides) -> Result<Self, Box<figment::Error>> {
        let mut figment = Figment::new();
        match file {
            Some(path) => {
                if !path.exists() {
                    return Err(Box::new(figment::Error::from(format!(
                        "configuration file {} does not exist",
                        path.display()
                    ))));
                }
                figment = figment.merge(Toml::file_exact(path));
            }
            None if Path::new("tavle.toml").exists() => {
                figment = figment.merge(Toml::file_exact("tavle.toml"))
            }
            None => {}
        }
        figment
            .merge(Env::prefixed("TAVLE_").only(&ENV_KEYS))
            .merge(Serialized::defaults(overrides))
            .extract()
            .map_err(Box::new)
    }

    pub fn web(&self) -> web::WebConfig {
        web::WebConfig {
            secure_cookies: self.secure_cookies,
            session_idle: time::Duration::minutes(i64::from(self.session_idle_minutes.max(1))),
            max_body_bytes: self.max_body_bytes,
            public_url: self.public_url.clone(),
            max_upload_bytes: self.max_upload_bytes,
            data_dir: self.data_dir.clone(),
            operator: domain::registry::notice::Controller {
                name: self.privacy.operator_name.clone(),
                kind: domain::org::OrganisationKind::Private,
                contact_email: self.privacy.operator_email.clone(),
                dpo_name: self.privacy.operator_dpo_name.clone(),
                dpo_email: self.privacy.operator_dpo_email.clone(),
            },
        }
    }

    /// The job runner's schedules: the defaults, with the configured ones replacing them by name.
    pub fn schedules(&self) -> Result<Vec<jobs::Schedule>, jobs::JobError> {
        let mut all: std::collections::BTreeMap<String, String> = jobs::default_schedules()
            .into_iter()
            .map(|(k, v)| (k.to_owned(), v.to_owned()))
            .collect();
        all.extend(self.jobs.schedules.clone());
        all.iter()
            .map(|(kind, cron)| jobs::Schedule::parse(kind, cron))
            .collect()
    }

    pub fn mailer(&self) -> Result<jobs::Mailer, jobs::mail::MailError> {
        jobs::Mailer::new(
            &self.mail_from,
            self.smtp_url.as_ref().map(|s| s.expose_secret()),
            self.data_dir.join("outbox"),
        )
    }

    /// The effective configuration as TOML, with secrets masked (`tavle config check`).
    pub fn describe(&self) -> String {
        let mask = |s: &Option<SecretString>| s.as_ref().map(|u| mask_password(u.expose_secret()));
        let mut out = String::new();
        let mut line = |k: &str, v: String| out.push_str(&format!("{k} = {v}\n"));
        let quoted = |s: &str| format!("{s:?}");
        line("addr", quoted(&self.addr.to_string()));
        line("data_dir", quoted(&self.data_dir.display().to_string()));
        match mask(&self.database_url) {
            Some(url) => line("database_url", quoted(&url)),
            None => line(
                "# database_url",
                quoted(&format!(
                    "(unset: SQLite at {})",
                    self.sqlite_path().display()
                )),
            ),
        }
        line("public_url", quoted(&self.public_url));
        line("mail_from", quoted(&self.mail_from));
        match mask(&self.smtp_url) {
            Some(url) => line("smtp_url", quoted(&url)),
            None => line(
                "# smtp_url",
                quoted(&format!(
                    "(unset: e-mail written to {})",
                    self.data_dir.join("outbox").display()
                )),
            ),
        }
        line(
            "signing_key",
            quoted(&self.signing_key_path().display().to_string()),
        );
        line("secure_cookies", self.secure_cookies.to_string());
        line(
            "session_idle_minutes",
            self.session_idle_minutes.to_string(),
        );
        line("max_body_bytes", self.max_body_bytes.to_string());
        line("max_upload_bytes", self.max_upload_bytes.to_string());
        line(
            "log_format",
            quoted(match self.log_format {
                LogFormat::Text => "text",
                LogFormat::Json => "json",
            }),
        );
        line("log_filter", quoted(&self.log_filter));
        out.push_str("\n[jobs]\n");
        out.push_str(&format!(
            "enabled = {}\npoll_seconds = {}\n",
            self.jobs.enabled, self.jobs.poll_seconds
        ));
        out.push_str("\n[jobs.schedules]\n");
        let mut schedules: std::collections::BTreeMap<String, String> = jobs::default_schedules()
            .into_iter()
            .map(|(k, v)| (k.to_owned(), v.to_owned()))
            .collect();
        schedules.extend(self.jobs.schedules.clone());
        for (kind, cron) in schedules {
            out.push_str(&format!("{kind} = {cron:?}\n"));
        }
        out.push_str("\n[privacy]\n");
        out.push_str(&format!(
            "operator_name = {:?}\n",
            self.privacy.operator_name
        ));
        for (key, value) in [
            ("operator_email", &self.privacy.operator_email),
            ("operator_dpo_name", &self.privacy.operator_dpo_name),
            ("operator_dpo_email", &self.privacy.operator_dpo_email),
        ] {
            match value {
                Some(v) => out.push_str(&format!("{key} = {v:?}\n")),
                None => out.push_str(&format!("# {key} (unset)\n")),
            }
        }
        out
    }

    /// Where the database is, for messages: the SQLite path, or the URL with any password masked.
    pub fn database_description(&self) -> String {
        match &self.database_url {
            Some(url) => mask_password(url.expose_secret()),
            None => self.sqlite_path().display().to_string(),
        }
    }

    /// Where the platform's signing key is kept.
    pub fn signing_key_path(&self) -> PathBuf {
        self.signing_key
            .clone()
            .unwrap_or_else(|| self.data_dir.join("signing.key"))
    }

    pub fn sqlite_path(&self) -> PathBuf {
        self.data_dir.join("tavle.db")
    }
}

/// `postgres://user:secret@host/db` → `postgres://user:***@host/db` (also for `smtps://`).
pub fn mask_password(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_owned();
    };
    let Some((credentials, host)) = rest.rsplit_once('@') else {
        return url.to_owned();
    };
    match credentials.split_once(':') {
        Some((user, _)) => format!("{scheme}://{user}:***@{host}"),
        None => url.to_owned(),
    }
}

#[cfg(test)]
// figment's test jail returns its large error type from the closure; nothing to do about it.
#[allow(clippy::result_large_err)]
mod tests {
    use super::*;

    #[test]
    fn passwords_in_database_urls_are_masked() {
        assert_eq!(
            mask_password("postgres://tavle:s3cret@db:5432/tavle"),
            "postgres://tavle:***@db:5432/tavle"
        );
        assert_eq!(
            mask_password("postgres://postgres@127.0.0.1/x"),
            "postgres://postgres@127.0.0.1/x"
        );
    }

    #[test]
    fn layers_override_in_order_file_env_flags() {
        figment::Jail::expect_with(|jail| {
            jail.create_file(
                "tavle.toml",
                "addr = \"127.0.0.1:9000\"\ndata_dir = \"from-file\"\nsession_idle_minutes = 30\n",
            )?;
            jail.set_env("TAVLE_DATA_DIR", "from-env");
            jail.set_env("TAVLE_TEST_POSTGRES_URL", "ignored: not configuration");
            let flags = Overrides {
                addr: Some(SocketAddr::from(([127, 0, 0, 1], 9100))),
                ..Default::default()
            };
            let config = Config::load(None, &flags).map_err(|e| e.to_string())?;
            assert_eq!(config.addr.port(), 9100);
            assert_eq!(config.data_dir, PathBuf::from("from-env"));
            assert_eq!(config.session_idle_minutes, 30);
            assert!(!config.secure_cookies);
            Ok(())
        });
    }

    #[test]
    fn config_check_masks_secrets() {
        figment::Jail::expect_with(|jail| {
            jail.set_env("TAVLE_DATABASE_URL", "postgres://tavle:hunter22@db/tavle");
            jail.set_env("TAVLE_SMTP_URL", "smtps://mailer:s3cr3t@smtp.example.no");
            let config = Config::load(None, &Overrides::default()).map_err(|e| e.to_string())?;
            let text = config.describe();
            assert!(
                !text.contains("hunter22") && !text.contains("s3cr3t"),
                "{text}"
            );
            assert!(
                text.contains("postgres://tavle:***@db/tavle")
                    && text.contains("smtps://mailer:***@smtp.example.no")
            );
            assert!(text.contains("outbox = \"* * * * *\""));
            assert!(
                text.parse::<toml::Table>().is_ok(),
                "the output is TOML: {text}"
            );
            Ok(())
        });
    }

    #[test]
    fn the_documented_example_file_is_a_valid_configuration() {
        let example = Path::new(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../tavle.toml.example"
        ));
        let config =
            Config::load(Some(example), &Overrides::default()).expect("tavle.toml.example loads");
        assert!(config.schedules().is_ok());
        assert_eq!(config.jobs.poll_seconds, 2);
    }

    #[test]
    fn unknown_keys_in_the_file_are_refused() {
        figment::Jail::expect_with(|jail| {
            jail.create_file("tavle.toml", "adress = \"127.0.0.1:9000\"\n")?;
            let err = Config::load(None, &Overrides::default()).expect_err("typo must fail");
            assert!(err.to_string().contains("adress"), "{err}");
            Ok(())
        });
    }
}
