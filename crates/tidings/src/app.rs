//! The one piece of shared state every handler and command receives.

use crate::cache::PageCache;
use crate::clock::{Clock, SystemClock};
use crate::config::Config;
use crate::render::Templates;
use crate::render::views::SiteView;
use crate::security::{PasswordCost, Signer, random_token};
use crate::services;
use crate::services::mail::Mailer;
use anyhow::Context;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use tidings_store::{PostgresOptions, PostgresStore, SqliteStore, Store, StoreError};
use time::OffsetDateTime;

/// The database file's name inside the data folder.
pub const DATABASE_FILE: &str = "tidings.db";

/// The shared state, behind one `Arc`: every request clones it into each layer that needs
/// it, and one reference count is far cheaper to touch from every core than ten (the clones
/// and drops of a wider `App` took a fifth of a cached page's time).
#[derive(Clone)]
pub struct App(Arc<AppState>);

impl std::ops::Deref for App {
    type Target = AppState;
    fn deref(&self) -> &AppState {
        &self.0
    }
}

pub struct AppState {
    pub config: Arc<Config>,
    pub store: Arc<dyn Store>,
    pub templates: Arc<Templates>,
    pub clock: Arc<dyn Clock>,
    /// Signs links that show a pending comment to its author.
    pub signer: Arc<Signer>,
    pub password_cost: PasswordCost,
    /// Rendered public pages.
    pub cache: Arc<PageCache>,
    /// Whether other nodes may write to the same database (PostgreSQL), so cached pages must
    /// be checked against the database's content epoch.
    pub shared_database: bool,
    pub mailer: Arc<Mailer>,
    pub health: Arc<Health>,
    /// Uploaded images' files.
    pub media: Arc<services::media::MediaStorage>,
    /// The import running on this node, or the last one's report.
    pub imports: Arc<services::imports::ImportJobs>,
    /// The data folder: uploaded import files wait in `imports/` inside it (they hold
    /// commenters' emails, so never in a shared temporary folder).
    pub data_dir: PathBuf,
    /// The webhook sender's settings and wake-up call.
    pub webhooks: Arc<services::webhooks::WebhookSender>,
    /// What `/metrics` reports.
    pub metrics: Arc<crate::metrics::Metrics>,
    /// Whether `serve` runs the backup schedule (see [`AppOptions`]).
    pub scheduled_backups: bool,
}

/// What tests change about an app; production uses [`AppOptions::default`].
pub struct AppOptions {
    pub clock: Arc<dyn Clock>,
    pub password_cost: PasswordCost,
    /// Whether `serve` runs the backup schedule itself; tests with a clock of their own
    /// call `services::backups::back_up_if_due` when they move it instead.
    pub scheduled_backups: bool,
}

impl Default for AppOptions {
    fn default() -> Self {
        AppOptions {
            clock: Arc::new(SystemClock),
            password_cost: PasswordCost::DEFAULT,
            scheduled_backups: true,
        }
    }
}

/// Opens the site's database, creating it and bringing its schema up to date, and nothing
/// more: what `tidings migrate` does. The backend follows `database_url`: PostgreSQL for a
/// `postgres://` URL, otherwise SQLite (by default `tidings.db` in the data folder).
pub async fn open_store(data_dir: &Path, config: &Config) -> anyhow::Result<Arc<dyn Store>> {
    match config.database_url.as_deref().filter(|url| !url.is_empty()) {
        Some(url) if url.starts_with("postgres://") || url.starts_with("postgresql://") => {
            let options = PostgresOptions {
                max_connections: config.database_pool_size,
                statement_timeout: std::time::Duration::from_secs(
                    config.database_statement_timeout_seconds,
                ),
                ..PostgresOptions::default()
            };
            let store = PostgresStore::open(url, &options).await.with_context(|| {
                format!("opening the PostgreSQL database {}", without_password(url))
            })?;
            Ok(Arc::new(store))
        }
        configured => {
            let database = match configured {
                Some(path) => PathBuf::from(path.strip_prefix("sqlite://").unwrap_or(path)),
                None => {
                    private_folder(data_dir)?;
                    data_dir.join(DATABASE_FILE)
                }
            };
            private_file(&database)?;
            let damaged = |damage: &str| damaged_database(&database.display().to_string(), damage);
            let store = match SqliteStore::open(&database).await {
                Ok(store) => store,
                Err(StoreError::Corrupt(damage)) => return Err(damaged(&damage)),
                Err(error) => {
                    return Err(error)
                        .with_context(|| format!("opening the database {}", database.display()));
                }
            };
            Ok(Arc::new(store))
        }
    }
}

/// Creates `folder` (and its parents) readable by this user alone, or, when it exists
/// already, warns if others can read it: it holds the signing key, password hashes,
/// commenters' emails and IP addresses, and queued mail.
pub fn private_folder(folder: &Path) -> anyhow::Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::{DirBuilderExt, PermissionsExt};
        if let Ok(metadata) = std::fs::metadata(folder) {
            let mode = metadata.permissions().mode() & 0o777;
            if mode & 0o077 != 0 {
                tracing::warn!(
                    folder = %folder.display(),
                    mode = format!("{mode:o}"),
                    "the data folder can be read by other users of this machine; `chmod 700` it"
                );
            }
            return Ok(());
        }
        std::fs::DirBuilder::new()
            .recursive(true)
            .mode(0o700)
            .create(folder)
            .with_context(|| format!("creating the folder {}", folder.display()))
    }
    #[cfg(not(unix))]
    std::fs::create_dir_all(folder)
        .with_context(|| format!("creating the folder {}", folder.display()))
}

/// Creates `file` empty and readable by this user alone if it does not exist (SQLite then
/// gives its journal files the same permissions), or warns if others can read it.
fn private_file(file: &Path) -> anyhow::Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
        match std::fs::metadata(file) {
            Ok(metadata) => {
                let mode = metadata.permissions().mode() & 0o777;
                if mode & 0o077 != 0 {
                    tracing::warn!(
                        file = %file.display(),
                        mode = format!("{mode:o}"),
                        "the database can be read by other users of this machine; `chmod 600` it"
                    );
                }
            }
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => {
                std::fs::OpenOptions::new()
                    .write(true)
                    .create_new(true)
                    .mode(0o600)
                    .open(file)
                    .or_else(|error| {
                        // Another process created it a moment ago.
                        if error.kind() == std::io::ErrorKind::AlreadyExists {
                            std::fs::File::open(file)
                        } else {
                            Err(error)
                        }
                    })
                    .with_context(|| format!("creating the database {}", file.display()))?;
            }
            Err(error) => {
                return Err(error).with_context(|| format!("reading {}", file.display()));
            }
        }
    }
    Ok(())
}

/// The message for a database SQLite found damaged: which file, and what to do.
fn damaged_database(database: &str, damage: &str) -> anyhow::Error {
    anyhow::anyhow!(
        "the database {database} is damaged ({damage}); tidings will not serve from it. \
         Restore it from a backup, or try `sqlite3 {database} .recover` on a copy"
    )
}

/// SQLite's quick check of the whole database (PostgreSQL checks its own pages as it reads
/// them): an error that says which file is damaged and what to do. It reads every page, so
/// on a large site it takes a second or two: the command line runs it before anything
/// else, `serve` beside its first requests (see `Health`).
pub async fn check_database(
    store: &dyn Store,
    config: &Config,
    data_dir: &Path,
) -> anyhow::Result<()> {
    match find_damage(store, config, data_dir).await? {
        None => Ok(()),
        Some(damaged) => Err(damaged),
    }
}

/// The check itself: `Ok(Some(..))` when the database is damaged, with the message to give;
/// `Err` when the check could not run (the database busy or out of reach), which says
/// nothing of the file and must not be taken for damage.
pub async fn find_damage(
    store: &dyn Store,
    config: &Config,
    data_dir: &Path,
) -> Result<Option<anyhow::Error>, tidings_store::StoreError> {
    Ok(store.check_integrity().await?.map(|damage| {
        let database = match config.database_url.as_deref().filter(|url| !url.is_empty()) {
            Some(url) => url.strip_prefix("sqlite://").unwrap_or(url).to_owned(),
            None => data_dir.join(DATABASE_FILE).display().to_string(),
        };
        damaged_database(&database, &damage)
    }))
}

/// What the running site knows of its own health. A database found damaged after `serve`
/// started (its check runs beside the first requests) makes every request a 503 that says
/// so, rather than errors page by page.
#[derive(Default)]
pub struct Health {
    pub damaged: std::sync::OnceLock<String>,
}

/// A database URL fit for a log or an error message.
fn without_password(url: &str) -> String {
    match url::Url::parse(url) {
        Ok(mut parsed) => {
            if parsed.password().is_some() {
                let _ = parsed.set_password(Some("…"));
            }
            parsed.to_string()
        }
        Err(_) => "(an unreadable URL)".into(),
    }
}

impl App {
    /// Opens the site in `data_dir`: creates the folder and database if needed, brings the
    /// schema up to date, and gives a fresh site its welcome article.
    pub async fn open(data_dir: &Path, config: Config, options: AppOptions) -> anyhow::Result<App> {
        private_folder(data_dir)?;
        let store = open_store(data_dir, &config).await?;
        // Every node of a site must sign with the same key, so it lives in the database.
        let signing_key = store
            .setting_or_insert("signing_key", &random_token())
            .await?;
        let theme_dir: PathBuf = data_dir.join(&config.theme_dir);
        let templates = Templates::new(Some(theme_dir));
        templates
            .check()
            .context("checking the theme's templates")?;
        let shared_database = config
            .database_url
            .as_deref()
            .is_some_and(|url| url.starts_with("postgres://") || url.starts_with("postgresql://"));
        let cache = Arc::new(PageCache::new(
            config.cache_megabytes as usize * 1024 * 1024,
        ));
        let mailer = Arc::new(Mailer::new(data_dir, &config)?);
        let media = Arc::new(services::media::MediaStorage::open(data_dir, &config)?);
        let app = App(Arc::new(AppState {
            media,
            health: Arc::new(Health::default()),
            imports: Arc::new(services::imports::ImportJobs::default()),
            data_dir: data_dir.to_owned(),
            webhooks: Arc::new(services::webhooks::WebhookSender::new(&config)),
            metrics: Arc::new(crate::metrics::Metrics::new(mailer.failures.clone())),
            scheduled_backups: options.scheduled_backups,
            mailer,
            cache,
            shared_database,
            config: Arc::new(config),
            store,
            templates: Arc::new(templates),
            clock: options.clock,
            signer: Arc::new(Signer::new(&signing_key)),
            password_cost: options.password_cost,
        }));
        if app.shared_database {
            // The cache starts empty: no earlier invalidation concerns it.
            let latest = app.store.latest_page_change().await?;
            app.cache.mark_synced(u64::try_from(latest).unwrap_or(0));
        }
        services::site::welcome_fresh_site(&app).await?;
        // Articles without a search document (written by hand, or indexed by an older
        // tokenizer) are indexed beside the first requests: reading every id would hold up
        // start-up on a large site.
        let store = app.store.clone();
        tokio::spawn(async move {
            match store.catch_up_search().await {
                Ok(0) => {}
                Ok(indexed) => tracing::info!(indexed, "search index caught up"),
                Err(error) => tracing::error!(%error, "the search index could not catch up"),
            }
        });
        Ok(app)
    }

    pub fn now(&self) -> OffsetDateTime {
        self.clock.now()
    }

    pub fn site_view(&self) -> SiteView {
        SiteView {
            title: self.config.title.clone(),
            tagline: self.config.tagline.clone(),
            base_url: self.config.base_url(),
            menu: Vec::new(),
            pages: Vec::new(),
        }
    }

    /// The site as a public page shows it: with the header's menu of sections and the
    /// footer's pages.
    pub async fn public_site_view(&self) -> Result<SiteView, tidings_store::StoreError> {
        services::site::public_site_view(self).await
    }
}
