//! The command line: `tidings serve` runs the site; the other commands are what a site owner
//! scripts. Every setting can also come from a `TIDINGS_*` environment variable, and from
//! `tidings.toml` in the data folder; a flag beats the environment, which beats the file.

use crate::app::{App, AppOptions};
use crate::config::Config;
use crate::services::accounts::{self, AccountError, NewAccount};
use crate::services::articles::{self, ArticleError};
use crate::services::site;
use anyhow::{Context, bail};
use clap::{Args, Parser, Subcommand};
use std::io::Read;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;
use tidings_domain::article::ArticleInput;
use tidings_domain::{ArticleStatus, Role};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

#[derive(Debug, Parser)]
#[command(
    name = "tidings",
    version,
    about = "A self-hosted news and blog engine"
)]
struct Cli {
    /// The data folder: database, settings file (tidings.toml) and theme overrides.
    #[arg(
        long,
        global = true,
        env = "TIDINGS_DATA",
        default_value = "tidings-data"
    )]
    data: PathBuf,
    /// The database: a postgres:// URL, or a SQLite file [default: tidings.db in the data folder].
    #[arg(long = "database", global = true, env = "TIDINGS_DATABASE_URL")]
    database_url: Option<String>,
    /// How log lines are written: text or json [default: log_format in tidings.toml, or text].
    #[arg(long, global = true, env = "TIDINGS_LOG_FORMAT")]
    log_format: Option<crate::config::LogFormat>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Run the site.
    Serve(ServeArgs),
    /// Bring the database schema up to date, then exit.
    Migrate,
    /// Manage the accounts of the people who run the site.
    #[command(subcommand)]
    User(UserCommand),
    /// Write articles from a script.
    #[command(subcommand)]
    Post(PostCommand),
    /// Bring a site in from WordPress.
    #[command(subcommand)]
    Import(ImportCommand),
    /// Take the site out, to WordPress or another tidings.
    #[command(subcommand)]
    Export(ExportCommand),
    /// Write a backup of the running site (database, settings, theme, media) as one
    /// .tar.gz with a manifest; or, with --verify, check that a backup restores.
    Backup {
        /// The file to write [default: backup_dir/tidings-backup-TIME.tar.gz].
        #[arg(long, conflicts_with = "verify")]
        out: Option<PathBuf>,
        /// Check this backup instead: unpacked in a scratch folder, every file against the
        /// manifest, the database's integrity and counts.
        #[arg(long, value_name = "FILE")]
        verify: Option<PathBuf>,
    },
    /// Restore a backup into the data folder (--data), which must be new or empty.
    Restore {
        /// The backup file.
        file: PathBuf,
    },
}

#[derive(Debug, Subcommand)]
enum ExportCommand {
    /// Write the whole site as a WordPress export (WXR 1.2): authors, sections, tags,
    /// articles, pages, comments (with commenters' emails and addresses: keep it private)
    /// and attachments' records. WordPress's importer reads it.
    Wxr {
        /// The file to write [default: standard output].
        #[arg(long)]
        out: Option<PathBuf>,
    },
}

#[derive(Debug, Subcommand)]
enum ImportCommand {
    /// Import a WordPress export (Tools → Export → All content): authors, sections, tags,
    /// articles, pages, comments and attachments' records, with every old address kept.
    /// All or nothing; importing the same file again adds nothing.
    Wxr {
        /// The export file (WXR 1.0, 1.1 or 1.2).
        file: PathBuf,
        /// Read and check everything, print what would happen, and change nothing.
        #[arg(long)]
        dry_run: bool,
        /// The largest file accepted, in bytes [default: 2 GiB].
        #[arg(long)]
        max_bytes: Option<u64>,
        /// A copy of the old site's wp-content/uploads folder: attachments' images come
        /// from it into the media library (nothing is fetched over the network).
        #[arg(long)]
        uploads: Option<PathBuf>,
    },
    /// Import a Disqus export's comments: each thread goes to the article or page its
    /// address names (old addresses too, after a WordPress import), threaded, with its
    /// spam and deleted flags. Threads that match no article are listed.
    Disqus {
        /// The export file (Disqus → Moderation → Export).
        file: PathBuf,
        /// Read and check everything, print what would happen, and change nothing.
        #[arg(long)]
        dry_run: bool,
        /// The largest file accepted, in bytes [default: 2 GiB].
        #[arg(long)]
        max_bytes: Option<u64>,
    },
}

#[derive(Debug, Args)]
struct ServeArgs {
    /// Address and port to listen on [default: 127.0.0.1:8080].
    #[arg(long, env = "TIDINGS_LISTEN")]
    listen: Option<SocketAddr>,
    /// The site's public address, such as https://news.example.com.
    #[arg(long, env = "TIDINGS_BASE_URL")]
    base_url: Option<String>,
    /// The site's name.
    #[arg(long, env = "TIDINGS_TITLE")]
    title: Option<String>,
    /// Reverse proxies whose X-Forwarded-For is believed, comma-separated.
    #[arg(long, env = "TIDINGS_TRUSTED_PROXIES", value_delimiter = ',')]
    trusted_proxies: Vec<std::net::IpAddr>,
    /// Where uploaded images are kept: s3://bucket/prefix for an S3-compatible store
    /// shared by several nodes [default: the media folder in the data folder].
    #[arg(long, env = "TIDINGS_MEDIA_URL")]
    media_url: Option<String>,
}

#[derive(Debug, Subcommand)]
enum UserCommand {
    /// Create an account; the password is read from standard input.
    Add {
        #[arg(long)]
        email: String,
        #[arg(long)]
        name: String,
        /// administrator, editor, author or contributor.
        #[arg(long, default_value = "administrator")]
        role: String,
        /// Read the password from standard input (the only way: never from a flag, which
        /// would show in the process list and shell history).
        #[arg(long, required = true)]
        password_stdin: bool,
    },
    /// Remove an account's two-step sign-in and passkeys (a lost phone or security key)
    /// and sign it out everywhere: it signs in with its password alone next.
    ResetSecondFactor {
        #[arg(long)]
        email: String,
    },
}

#[derive(Debug, Subcommand)]
enum PostCommand {
    /// Publish (or draft) an article from a Markdown file and print its address.
    Add {
        #[arg(long)]
        title: String,
        /// The Markdown file with the article's body; `-` reads standard input.
        #[arg(long)]
        body_file: PathBuf,
        /// The last part of the address; made from the title when absent.
        #[arg(long)]
        slug: Option<String>,
        /// The publication date, RFC 3339 (2026-11-27T09:00:00Z); now when absent.
        #[arg(long)]
        date: Option<String>,
        /// Save as a draft instead of publishing.
        #[arg(long)]
        draft: bool,
        /// Close comments on it.
        #[arg(long)]
        comments_closed: bool,
        /// The email of the account to credit as author.
        #[arg(long)]
        author: Option<String>,
    },
}

pub fn main() -> ExitCode {
    let cli = Cli::parse();
    let config = match Config::load(&cli.data) {
        Ok(config) => config,
        Err(error) => {
            eprintln!("error: {error:#}");
            return ExitCode::FAILURE;
        }
    };
    init_logs(cli.log_format.unwrap_or(config.log_format));
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(error) => {
            eprintln!("error: starting the async runtime: {error}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run(cli, config)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: {error:#}");
            ExitCode::FAILURE
        }
    }
}

/// Log lines go to standard error (the journal, or `docker logs`), filtered by `RUST_LOG`.
pub fn init_logs(format: crate::config::LogFormat) {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info,sqlx=warn"));
    let logs = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    match format {
        crate::config::LogFormat::Text => logs.init(),
        crate::config::LogFormat::Json => logs
            .json()
            .flatten_event(true)
            .with_current_span(true)
            .with_span_list(false)
            .init(),
    }
}

async fn run(cli: Cli, mut config: Config) -> anyhow::Result<()> {
    if cli.database_url.is_some() {
        config.database_url = cli.database_url;
    }
    match cli.command {
        Command::Serve(args) => {
            if let Some(listen) = args.listen {
                config.listen = listen;
            }
            if args.base_url.is_some() {
                config.base_url = args.base_url;
            }
            if let Some(title) = args.title {
                config.title = title;
            }
            if args.media_url.is_some() {
                config.media_url = args.media_url;
            }
            if !args.trusted_proxies.is_empty() {
                config.trusted_proxies = args.trusted_proxies;
            }
            config.validate()?;
            serve(cli.data, config).await
        }
        Command::Migrate => {
            let store = crate::app::open_store(&cli.data, &config).await?;
            crate::app::check_database(store.as_ref(), &config, &cli.data).await?;
            println!(
                "the database in {} is at schema version {}",
                cli.data.display(),
                store.schema_version().await?
            );
            let rendered = crate::services::comments::render_missing_html(store.as_ref()).await?;
            if rendered > 0 {
                println!("rendered the HTML of {rendered} comments");
            }
            let indexed = store.catch_up_search().await?;
            if indexed > 0 {
                println!("indexed {indexed} articles for search");
            }
            Ok(())
        }
        Command::User(UserCommand::Add {
            email,
            name,
            role,
            password_stdin: _,
        }) => {
            let role = Role::parse(&role).with_context(|| {
                format!("role {role:?} is not administrator, editor, author or contributor")
            })?;
            let mut password = String::new();
            std::io::stdin()
                .read_to_string(&mut password)
                .context("reading the password from standard input")?;
            let password = password.trim_end_matches(['\r', '\n']).to_owned();
            let app = App::open(&cli.data, config, AppOptions::default()).await?;
            crate::app::check_database(app.store.as_ref(), &app.config, &cli.data).await?;
            match accounts::add_user(
                &app,
                NewAccount {
                    email,
                    display_name: name,
                    role,
                    password,
                },
            )
            .await
            {
                Ok(user) => {
                    println!(
                        "created {} account {} for {}",
                        user.role.as_str(),
                        user.id,
                        user.email
                    );
                    Ok(())
                }
                Err(AccountError::Invalid(field, message)) => bail!("{field}: {message}"),
                Err(other) => Err(other.into()),
            }
        }
        Command::User(UserCommand::ResetSecondFactor { email }) => {
            let app = App::open(&cli.data, config, AppOptions::default()).await?;
            crate::app::check_database(app.store.as_ref(), &app.config, &cli.data).await?;
            let Some(user) = app.store.user_by_email(&email).await? else {
                bail!("there is no account with the email {email}");
            };
            if crate::services::second_factor::reset(&app, user.id).await? {
                println!(
                    "removed the two-step sign-in and passkeys of {}, and signed it out everywhere",
                    user.email
                );
            } else {
                println!(
                    "{} had no two-step sign-in or passkey; signed it out everywhere",
                    user.email
                );
            }
            Ok(())
        }
        Command::Import(ImportCommand::Wxr {
            file,
            dry_run,
            max_bytes,
            uploads,
        }) => {
            let app = App::open(&cli.data, config, AppOptions::default()).await?;
            crate::app::check_database(app.store.as_ref(), &app.config, &cli.data).await?;
            import_file(&app, Source::Wxr(uploads), &file, dry_run, max_bytes).await
        }
        Command::Import(ImportCommand::Disqus {
            file,
            dry_run,
            max_bytes,
        }) => {
            let app = App::open(&cli.data, config, AppOptions::default()).await?;
            crate::app::check_database(app.store.as_ref(), &app.config, &cli.data).await?;
            import_file(&app, Source::Disqus, &file, dry_run, max_bytes).await
        }
        Command::Backup {
            verify: Some(file), ..
        } => match crate::services::backups::verify(&file).await {
            Ok(manifest) => {
                println!("{}: restorable", file.display());
                print_manifest(&manifest);
                Ok(())
            }
            Err(error) => bail!("{} is not restorable: {error:#}", file.display()),
        },
        Command::Backup { out, verify: None } => {
            let sqlite_file = config
                .database_url
                .as_deref()
                .is_none_or(str::is_empty)
                .then(|| cli.data.join(crate::app::DATABASE_FILE));
            if let Some(database) = sqlite_file.filter(|database| !database.exists()) {
                bail!(
                    "there is no site in {} ({} does not exist)",
                    cli.data.display(),
                    database.display()
                );
            }
            let store = crate::app::open_store(&cli.data, &config).await?;
            let now = OffsetDateTime::now_utc();
            let out = out.unwrap_or_else(|| {
                crate::services::backups::backup_folder(&cli.data, &config)
                    .join(crate::services::backups::file_name(now))
            });
            let backup =
                crate::services::backups::back_up(store.as_ref(), &config, &cli.data, &out, now)
                    .await?;
            println!(
                "wrote {} ({} bytes), verified: restorable",
                backup.path.display(),
                backup.bytes
            );
            print_manifest(&backup.manifest);
            Ok(())
        }
        Command::Restore { file } => {
            let restored = crate::services::backups::restore(&file, &cli.data).await?;
            println!("restored {} into {}", file.display(), cli.data.display());
            print_manifest(&restored.manifest);
            if restored.manifest.database != "sqlite" {
                println!(
                    "The database is not in this backup: restore its pg_dump with pg_restore \
                     into the database that tidings.toml names, then start the site."
                );
            }
            Ok(())
        }
        Command::Export(ExportCommand::Wxr { out }) => {
            let app = App::open(&cli.data, config, AppOptions::default()).await?;
            crate::app::check_database(app.store.as_ref(), &app.config, &cli.data).await?;
            export_wxr(&app, out).await
        }
        Command::Post(PostCommand::Add {
            title,
            body_file,
            slug,
            date,
            draft,
            comments_closed,
            author,
        }) => {
            let body_markdown = if body_file.as_os_str() == "-" {
                let mut body = String::new();
                std::io::stdin()
                    .read_to_string(&mut body)
                    .context("reading the body from standard input")?;
                body
            } else {
                std::fs::read_to_string(&body_file)
                    .with_context(|| format!("reading {}", body_file.display()))?
            };
            let published_at = date
                .map(|date| {
                    OffsetDateTime::parse(&date, &Rfc3339).with_context(|| {
                        format!("--date {date:?} is not an RFC 3339 date like 2026-11-27T09:00:00Z")
                    })
                })
                .transpose()?;
            let app = App::open(&cli.data, config, AppOptions::default()).await?;
            crate::app::check_database(app.store.as_ref(), &app.config, &cli.data).await?;
            let author_id = match author {
                Some(email) => Some(
                    app.store
                        .user_by_email(&email)
                        .await?
                        .with_context(|| format!("no account has the email {email}"))?
                        .id,
                ),
                None => None,
            };
            let input = ArticleInput {
                title,
                slug: slug.unwrap_or_default(),
                body_markdown,
                status: Some(if draft {
                    ArticleStatus::Draft
                } else {
                    ArticleStatus::Published
                }),
                published_at,
                comments_open: !comments_closed
                    && site::discussion_settings(&app)
                        .await?
                        .comments_on_new_articles,
                ..Default::default()
            };
            match articles::create_article(&app, input, author_id).await {
                Ok(article) => {
                    println!("{}{}", app.config.base_url(), article.permalink());
                    Ok(())
                }
                Err(ArticleError::Invalid(invalid)) => {
                    let messages: Vec<String> = invalid
                        .fields
                        .iter()
                        .map(|(field, message)| format!("{field}: {message}"))
                        .collect();
                    bail!("{}", messages.join("; "))
                }
                Err(other) => Err(other.into()),
            }
        }
    }
}

async fn serve(data: PathBuf, mut config: Config) -> anyhow::Result<()> {
    // Each connection costs a file descriptor; a soft limit of 1,024 would stop accepting
    // before the connection cap could do its work.
    match rlimit::increase_nofile_limit(u64::MAX) {
        Ok(limit) if limit < u64::from(config.max_connections) + 64 => tracing::warn!(
            limit,
            max_connections = config.max_connections,
            "the open-file limit is below max_connections; raise it (ulimit -n) or lower the setting"
        ),
        Ok(_) => {}
        Err(error) => tracing::warn!(%error, "cannot raise the open-file limit"),
    }
    let listener = tokio::net::TcpListener::bind(config.listen)
        .await
        .with_context(|| format!("listening on {}", config.listen))?;
    // With port 0 the system picks one; links must name the real one.
    config.listen = listener.local_addr()?;
    let app = App::open(&data, config, AppOptions::default()).await?;
    // The whole-database check reads every page: beside the first requests, not before.
    let checked = app.clone();
    let checked_folder = data.clone();
    tokio::spawn(async move {
        // Only damage found closes the site: a check that could not run (the database busy
        // or out of reach for a moment) is tried again, and never taken for damage.
        for attempt in 1..=DATABASE_CHECK_ATTEMPTS {
            match crate::app::find_damage(checked.store.as_ref(), &checked.config, &checked_folder)
                .await
            {
                Ok(None) => return,
                Ok(Some(damaged)) => {
                    tracing::error!(error = %format!("{damaged:#}"), "the site now answers every request with 503");
                    let _ = checked.health.damaged.set(format!("{damaged:#}"));
                    return;
                }
                Err(error) => {
                    tracing::warn!(%error, attempt, "the database check could not run; it is tried again");
                    tokio::time::sleep(DATABASE_CHECK_RETRY).await;
                }
            }
        }
        tracing::warn!("the database check could not run; the site serves without it");
    });
    let base_url = app.config.base_url();
    if let Some(token) = site::issue_setup_token(&app).await? {
        println!(
            "No account exists yet. Create the first administrator at {base_url}/admin/setup?token={token}"
        );
    }
    let stop = shutdown_signal()?;
    // The last line before serving: scripts wait for it.
    println!(
        "tidings is serving {:?} at {base_url}/ (data in {})",
        app.config.title,
        data.display()
    );
    crate::web::serve(listener, app, stop)
        .await
        .context("serving")
}

/// How often `serve` tries its check of the database when the check cannot run, and how
/// long it waits between tries.
const DATABASE_CHECK_ATTEMPTS: u32 = 5;
const DATABASE_CHECK_RETRY: std::time::Duration = std::time::Duration::from_secs(10);

/// Ctrl-C or SIGTERM: stop accepting, finish what is in flight. The handlers are installed
/// here, before the site says it serves: installed lazily (when the serving loop first ran),
/// a signal sent in between killed the process outright, in the middle of whatever it did.
#[cfg(unix)]
fn shutdown_signal() -> anyhow::Result<impl Future<Output = ()> + Send + 'static> {
    use tokio::signal::unix::{SignalKind, signal};
    let mut interrupt = signal(SignalKind::interrupt()).context("listening for Ctrl-C")?;
    let mut terminate = signal(SignalKind::terminate()).context("listening for SIGTERM")?;
    Ok(async move {
        tokio::select! {
            _ = interrupt.recv() => {},
            _ = terminate.recv() => {},
        }
        tracing::info!("shutting down");
    })
}

#[cfg(not(unix))]
fn shutdown_signal() -> anyhow::Result<impl Future<Output = ()> + Send + 'static> {
    Ok(async {
        let _ = tokio::signal::ctrl_c().await;
        tracing::info!("shutting down");
    })
}

/// A backup's manifest, as the commands print it.
fn print_manifest(manifest: &crate::services::backups::Manifest) {
    println!(
        "made {} by tidings {}, schema version {}, {} files",
        manifest.created_at,
        manifest.tidings_version,
        manifest.schema_version,
        manifest.files.len()
    );
    let counts: Vec<String> = manifest
        .counts
        .iter()
        .map(|(table, count)| format!("{table} {count}"))
        .collect();
    println!("rows: {}", counts.join(", "));
    for note in &manifest.left_out {
        println!("not in the backup: {note}");
    }
}

/// Which kind of export a file is.
enum Source {
    /// With the old uploads folder, if given.
    Wxr(Option<PathBuf>),
    Disqus,
}

async fn import_file(
    app: &App,
    source: Source,
    file: &std::path::Path,
    dry_run: bool,
    max_bytes: Option<u64>,
) -> anyhow::Result<()> {
    use crate::services::imports::{self, ImportOptions, ImportProgress};
    let options = ImportOptions {
        dry_run,
        max_bytes: max_bytes.unwrap_or(imports::DEFAULT_MAX_BYTES),
        uploads: match &source {
            Source::Wxr(uploads) => uploads.clone(),
            Source::Disqus => None,
        },
        ..ImportOptions::default()
    };
    let progress = std::sync::Arc::new(ImportProgress::default());
    let shown = progress.clone();
    let started = std::time::Instant::now();
    let bar = tokio::spawn(async move {
        let terminal = std::io::IsTerminal::is_terminal(&std::io::stderr());
        let every = std::time::Duration::from_millis(if terminal { 250 } else { 5_000 });
        loop {
            tokio::time::sleep(every).await;
            let line = progress_line(&shown, started.elapsed());
            if terminal {
                eprint!("\r{line}\x1b[K");
            } else {
                eprintln!("{line}");
            }
        }
    });
    let outcome = match source {
        Source::Wxr(_) => imports::import_wxr_file(app, file, &options, progress.clone()).await,
        Source::Disqus => imports::import_disqus_file(app, file, &options, progress.clone()).await,
    };
    bar.abort();
    if std::io::IsTerminal::is_terminal(&std::io::stderr()) {
        eprintln!("\r{}\x1b[K", progress_line(&progress, started.elapsed()));
    }
    let report = outcome.with_context(|| format!("importing {}", file.display()))?;
    if dry_run {
        println!("Dry run: nothing was changed. The import would do this:");
    }
    for line in report.lines() {
        println!("{line}");
    }
    Ok(())
}

/// "12.5 MB of 40.0 MB (31%), 5,120 items, 8.1 MB/s, about 3 s left".
fn progress_line(
    progress: &crate::services::imports::ImportProgress,
    elapsed: std::time::Duration,
) -> String {
    use std::sync::atomic::Ordering;
    let read = progress.bytes_read.load(Ordering::Relaxed) as f64;
    let total = progress.total_bytes.load(Ordering::Relaxed).max(1) as f64;
    let records = progress.records.load(Ordering::Relaxed);
    let seconds = elapsed.as_secs_f64().max(0.001);
    let rate = read / seconds;
    let left = if rate > 0.0 {
        ((total - read).max(0.0) / rate).round()
    } else {
        0.0
    };
    format!(
        "{:.1} MB of {:.1} MB ({:.0}%), {records} items, {:.1} MB/s, about {left} s left",
        read / 1e6,
        total / 1e6,
        (read / total * 100.0).min(100.0),
        rate / 1e6,
    )
}

async fn export_wxr(app: &App, out: Option<PathBuf>) -> anyhow::Result<()> {
    use std::io::Write;
    let (sender, mut chunks) = tokio::sync::mpsc::channel::<bytes::Bytes>(16);
    // Written next to its destination and renamed when complete, so a failed export never
    // leaves a file that looks whole.
    let partial = out.as_ref().map(|path| path.with_extension("partial"));
    let mut writer: Box<dyn Write + Send> = match &partial {
        Some(path) => Box::new(std::io::BufWriter::new(
            std::fs::File::create(path).with_context(|| format!("creating {}", path.display()))?,
        )),
        None => Box::new(std::io::BufWriter::new(std::io::stdout())),
    };
    let exporting = crate::services::exports::export_wxr(app, sender);
    let writing = async move {
        while let Some(chunk) = chunks.recv().await {
            writer.write_all(&chunk)?;
        }
        writer.flush()?;
        anyhow::Ok(())
    };
    let (exported, written) = tokio::join!(exporting, writing);
    written.context("writing the export")?;
    let tally = exported?;
    if let (Some(partial), Some(out)) = (partial, out) {
        std::fs::rename(&partial, &out).with_context(|| format!("writing {}", out.display()))?;
        eprintln!(
            "wrote {}: {} articles, {} pages, {} comments, {} attachments, {:.1} MB",
            out.display(),
            tally.articles,
            tally.pages,
            tally.comments,
            tally.attachments,
            tally.bytes as f64 / 1e6
        );
    }
    Ok(())
}
