//! Settings for one running site, read once at start-up: `tidings.toml` in the data folder,
//! then `TIDINGS_*` environment variables, then command-line flags, each overriding the last.
//! Parts are handed down explicitly; nothing reads a global.

use anyhow::Context;
use serde::Deserialize;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};

/// The settings file's name inside the data folder.
pub const CONFIG_FILE: &str = "tidings.toml";

#[derive(Clone, Debug, Deserialize, PartialEq, Eq)]
#[serde(default, deny_unknown_fields)]
pub struct Config {
    /// Address and port to listen on.
    pub listen: SocketAddr,
    /// Where the data lives: a `postgres://user:password@host/database` URL for PostgreSQL
    /// (several app nodes sharing one database), or a SQLite file path (`sqlite://` prefix
    /// optional). Empty means `tidings.db` in the data folder.
    pub database_url: Option<String>,
    /// PostgreSQL connections this node keeps at most.
    pub database_pool_size: u32,
    /// Seconds a PostgreSQL statement may run before it is cancelled (the request gets a 503).
    pub database_statement_timeout_seconds: u64,
    /// The site's public address, such as `https://news.example.com`, for links printed by
    /// the command line and, when it starts with `https://`, for `Secure` cookies. Defaults
    /// to `http://` and the listen address.
    pub base_url: Option<String>,
    /// The site's name, shown in the header and the title of every page.
    pub title: String,
    /// One line under the site's name.
    pub tagline: String,
    /// A folder of templates and static files that override the embedded default theme;
    /// relative paths are inside the data folder.
    pub theme_dir: PathBuf,
    /// Articles per page on the front page.
    pub articles_per_page: u32,
    /// Whether feeds carry each article's whole text (WordPress's "Full text") or only its
    /// excerpt, sending readers to the site for the rest.
    pub feed_full_text: bool,
    /// Addresses of reverse proxies or load balancers in front of tidings. A request from
    /// one of them is taken to come from the address it names in `X-Forwarded-For`; from
    /// anyone else that header is ignored.
    pub trusted_proxies: Vec<std::net::IpAddr>,
    /// Memory for the full-page cache of public pages, in megabytes; 0 turns it off.
    pub cache_megabytes: u32,
    /// Where mail goes: `smtps://user:password@host:465` (TLS from the start),
    /// `smtp://user:password@host:587?tls=required` (STARTTLS, insisted on),
    /// `?tls=opportunistic` (STARTTLS when offered), or plain `smtp://host:25` for a relay on
    /// the same machine. Empty: mail is written to the `mail/outbox` folder in the data
    /// folder instead, one `.eml` file a message.
    pub smtp_url: Option<String>,
    /// The sender of the site's mail.
    pub mail_from: String,
    /// The most mail sent to one address in an hour; the rest waits in the queue for the
    /// next hour. 0: no cap.
    pub mail_per_address_per_hour: u32,
    /// The most mail the site sends in an hour, to everyone; 0: no cap.
    pub mail_per_hour: u32,
    /// Seconds a client has to send a request's head once it has begun.
    pub header_timeout_seconds: u64,
    /// Seconds a request's body may take to arrive, plus one for each 16 KB it declares.
    pub body_timeout_seconds: u64,
    /// Seconds a connection may stay open with no request in flight and nothing received.
    pub idle_timeout_seconds: u64,
    /// Connections open at once; at the cap, a new one closes the one idle longest.
    pub max_connections: u32,
    /// Where uploaded images are kept: empty for the `media` folder in the data folder;
    /// `s3://bucket/prefix` for an S3-compatible object store shared by several nodes,
    /// with the usual `AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY`, `AWS_REGION` and, for
    /// MinIO, Garage or R2, `AWS_ENDPOINT` (and `AWS_ALLOW_HTTP=true` for plain HTTP).
    pub media_url: Option<String>,
    /// The largest image that may be uploaded, in megabytes.
    pub media_max_upload_megabytes: u32,
    /// Hosts webhooks may reach although they are on this machine or its private network
    /// (`["127.0.0.1", "hooks.internal"]`); any other loopback, link-local or private
    /// address is refused, so a webhook cannot be aimed at the site's own network.
    pub webhook_allowed_hosts: Vec<String>,
    /// Seconds a webhook's receiver has to answer before the attempt counts as failed.
    pub webhook_timeout_seconds: u64,
    /// A secret that Prometheus sends as `Authorization: Bearer TOKEN` to read `/metrics`.
    /// With neither this nor `metrics_allowed`, `/metrics` is not served.
    pub metrics_token: Option<String>,
    /// Addresses that may read `/metrics` without the token (a Prometheus server on the
    /// same network).
    pub metrics_allowed: Vec<std::net::IpAddr>,
    /// `text` (one readable line an event) or `json` (one JSON object a line, for log
    /// collectors).
    pub log_format: LogFormat,
    /// Hours between scheduled backups; 0 turns them off.
    pub backup_every_hours: u32,
    /// Scheduled backups kept; older ones are deleted once a new one is verified.
    pub backup_keep: u32,
    /// Where scheduled backups (and `tidings backup` without `--out`) are written; relative
    /// paths are inside the data folder. Another disk is better: a backup on the site's own
    /// disk survives mistakes and damage, not the disk.
    pub backup_dir: PathBuf,
}

/// How log lines are written.
#[derive(Clone, Copy, Debug, Default, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum LogFormat {
    #[default]
    Text,
    Json,
}

impl std::str::FromStr for LogFormat {
    type Err = String;
    fn from_str(text: &str) -> Result<Self, String> {
        match text {
            "text" => Ok(LogFormat::Text),
            "json" => Ok(LogFormat::Json),
            other => Err(format!("log format {other:?} is neither text nor json")),
        }
    }
}

impl Default for Config {
    fn default() -> Self {
        Config {
            listen: SocketAddr::from(([127, 0, 0, 1], 8080)),
            database_url: None,
            database_pool_size: 10,
            database_statement_timeout_seconds: 10,
            base_url: None,
            title: "tidings".into(),
            tagline: "News and notes".into(),
            theme_dir: PathBuf::from("theme"),
            articles_per_page: 10,
            feed_full_text: true,
            trusted_proxies: Vec::new(),
            cache_megabytes: 64,
            smtp_url: None,
            mail_from: "tidings <tidings@localhost>".into(),
            mail_per_address_per_hour: 20,
            mail_per_hour: 1000,
            header_timeout_seconds: 10,
            body_timeout_seconds: 20,
            idle_timeout_seconds: 30,
            max_connections: 1024,
            media_url: None,
            media_max_upload_megabytes: 20,
            webhook_allowed_hosts: Vec::new(),
            webhook_timeout_seconds: 10,
            metrics_token: None,
            metrics_allowed: Vec::new(),
            log_format: LogFormat::Text,
            backup_every_hours: 0,
            backup_keep: 7,
            backup_dir: PathBuf::from("backups"),
        }
    }
}

impl Config {
    pub fn media_max_upload_bytes(&self) -> u64 {
        u64::from(self.media_max_upload_megabytes) * 1024 * 1024
    }

    /// Reads `tidings.toml` from the data folder, or the defaults when there is none.
    pub fn load(data_dir: &Path) -> anyhow::Result<Config> {
        let path = data_dir.join(CONFIG_FILE);
        let config = match std::fs::read_to_string(&path) {
            Ok(text) => {
                toml::from_str(&text).with_context(|| format!("reading {}", path.display()))?
            }
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => Config::default(),
            Err(error) => return Err(error).with_context(|| format!("reading {}", path.display())),
        };
        config.validate()?;
        Ok(config)
    }

    pub fn validate(&self) -> anyhow::Result<()> {
        if let Some(base_url) = &self.base_url {
            let parsed = url::Url::parse(base_url)
                .with_context(|| format!("base_url {base_url:?} is not a URL"))?;
            anyhow::ensure!(
                matches!(parsed.scheme(), "http" | "https"),
                "base_url must start with http:// or https://"
            );
        }
        anyhow::ensure!(
            (1..=100).contains(&self.articles_per_page),
            "articles_per_page must be between 1 and 100"
        );
        anyhow::ensure!(!self.title.trim().is_empty(), "title must not be empty");
        anyhow::ensure!(
            (1..=1024).contains(&self.media_max_upload_megabytes),
            "media_max_upload_megabytes must be between 1 and 1024"
        );
        if let Some(media_url) = self.media_url.as_deref().filter(|url| !url.is_empty()) {
            anyhow::ensure!(
                media_url.starts_with("s3://") && media_url.len() > "s3://".len(),
                "media_url must be empty (the data folder) or s3://bucket/prefix"
            );
        }
        if let Some(smtp_url) = self.smtp_url.as_deref().filter(|url| !url.is_empty()) {
            let parsed = url::Url::parse(smtp_url)
                .with_context(|| "smtp_url is not a URL (smtp://host:port)".to_owned())?;
            anyhow::ensure!(
                matches!(parsed.scheme(), "smtp" | "smtps"),
                "smtp_url must start with smtp:// or smtps://"
            );
        }
        anyhow::ensure!(
            self.mail_from.parse::<lettre::message::Mailbox>().is_ok(),
            "mail_from {:?} is not a mail address (\"Name <address@example.com>\")",
            self.mail_from
        );
        anyhow::ensure!(
            (1..=120).contains(&self.webhook_timeout_seconds),
            "webhook_timeout_seconds must be between 1 and 120"
        );
        anyhow::ensure!(
            (1..=1000).contains(&self.database_pool_size),
            "database_pool_size must be between 1 and 1000"
        );
        anyhow::ensure!(
            (1..=3600).contains(&self.database_statement_timeout_seconds),
            "database_statement_timeout_seconds must be between 1 and 3600"
        );
        for (name, value) in [
            ("header_timeout_seconds", self.header_timeout_seconds),
            ("body_timeout_seconds", self.body_timeout_seconds),
            ("idle_timeout_seconds", self.idle_timeout_seconds),
        ] {
            anyhow::ensure!(
                (1..=3600).contains(&value),
                "{name} must be between 1 and 3600"
            );
        }
        anyhow::ensure!(
            self.backup_every_hours <= 24 * 366,
            "backup_every_hours must be between 0 (off) and 8784"
        );
        anyhow::ensure!(
            (1..=1000).contains(&self.backup_keep),
            "backup_keep must be between 1 and 1000"
        );
        if let Some(token) = &self.metrics_token {
            // A guessable token would publish the site's traffic.
            anyhow::ensure!(
                token.len() >= 16 && token.bytes().all(|byte| byte.is_ascii_graphic()),
                "metrics_token must be at least 16 characters, with no spaces"
            );
        }
        anyhow::ensure!(
            (1..=1_000_000).contains(&self.max_connections),
            "max_connections must be between 1 and 1000000"
        );
        Ok(())
    }

    /// The limits of the HTTP server.
    pub fn connection_limits(&self) -> crate::web::server::Limits {
        crate::web::server::Limits {
            header_timeout: std::time::Duration::from_secs(self.header_timeout_seconds),
            body_timeout: std::time::Duration::from_secs(self.body_timeout_seconds),
            idle_timeout: std::time::Duration::from_secs(self.idle_timeout_seconds),
            max_connections: self.max_connections as usize,
        }
    }

    /// The public address without a trailing slash.
    pub fn base_url(&self) -> String {
        match &self.base_url {
            Some(url) => url.trim_end_matches('/').to_owned(),
            None => format!("http://{}", self.listen),
        }
    }

    pub fn secure_cookies(&self) -> bool {
        self.base_url
            .as_deref()
            .is_some_and(|url| url.starts_with("https://"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_missing_file_gives_defaults_and_bad_keys_are_named() {
        let folder = tempfile::tempdir().unwrap();
        assert_eq!(Config::load(folder.path()).unwrap(), Config::default());

        std::fs::write(folder.path().join(CONFIG_FILE), "titel = \"x\"\n").unwrap();
        let error = format!("{:#}", Config::load(folder.path()).unwrap_err());
        assert!(error.contains("titel"), "{error}");

        std::fs::write(
            folder.path().join(CONFIG_FILE),
            "title = \"Daily\"\nbase_url = \"ftp://x\"\n",
        )
        .unwrap();
        let error = format!("{:#}", Config::load(folder.path()).unwrap_err());
        assert!(error.contains("base_url"), "{error}");

        std::fs::write(
            folder.path().join(CONFIG_FILE),
            "title = \"Daily\"\nlisten = \"127.0.0.1:9000\"\n",
        )
        .unwrap();
        let config = Config::load(folder.path()).unwrap();
        assert_eq!(config.title, "Daily");
        assert_eq!(config.base_url(), "http://127.0.0.1:9000");
    }
}
