//! Configuration: defaults, then a TOML file (`--config`, else `./tavle.toml` if present), then
//! `TAVLE_*` environment variables, then command-line flags; each overrides the one before.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use figment::Figment;
use figment::providers::{Env, Format, Serialized, Toml};
use secrecy::{ExposeSecret, SecretString};
use serde::{Deserialize, Serialize};

/// Keys a `TAVLE_*` variable may set (others, such as the test variables, are not configuration).
const ENV_KEYS: [&str; 8] = [
    "addr",
    "data_dir",
    "database_url",
    "secure_cookies",
    "session_idle_minutes",
    "max_body_bytes",
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
    pub log_format: LogFormat,
    /// A tracing filter such as `info` or `tavle_web=debug,info`.
    pub log_filter: String,
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
            log_format: LogFormat::Text,
            log_filter: "info".into(),
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
        }
    }

    /// Where the database is, for messages: the SQLite path, or the URL with any password masked.
    pub fn database_description(&self) -> String {
        match &self.database_url {
            Some(url) => mask_password(url.expose_secret()),
            None => self.sqlite_path().display().to_string(),
        }
    }

    pub fn sqlite_path(&self) -> PathBuf {
        self.data_dir.join("tavle.db")
    }
}

/// `postgres://user:secret@host/db` → `postgres://user:***@host/db`.
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
    fn unknown_keys_in_the_file_are_refused() {
        figment::Jail::expect_with(|jail| {
            jail.create_file("tavle.toml", "adress = \"127.0.0.1:9000\"\n")?;
            let err = Config::load(None, &Overrides::default()).expect_err("typo must fail");
            assert!(err.to_string().contains("adress"), "{err}");
            Ok(())
        });
    }
}
