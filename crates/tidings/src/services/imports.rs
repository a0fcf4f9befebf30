//! Importing a WordPress export: the file is read on a thread of its own as a stream of
//! records (the parser needs no async), each converted by the domain's WordPress rules
//! and written into one store transaction, so a broken file leaves the site as it was and
//! a good one appears at once, with every page cache emptied.

use crate::app::App;
use crate::security::{hash_password, random_token};
use crate::services::comments::avatar_key;
use crate::services::{old_addresses, site};
use std::io::{BufReader, Read};
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use tidings_domain::import::{ImportRecord, Outcome};
use tidings_domain::wordpress::ampersands::AmpersandRepair;
use tidings_domain::wordpress::wxr::{WxrError, WxrLimits, WxrReader, WxrRecord};
use tidings_domain::wordpress::{ImportReport, WxrConverter};
use tidings_store::StoreError;

/// The largest file imported unless the site owner says otherwise.
pub const DEFAULT_MAX_BYTES: u64 = 2 * 1024 * 1024 * 1024;

#[derive(Debug, Clone)]
pub struct ImportOptions {
    /// Reads and writes everything, then rolls it back: the report says what would happen.
    pub dry_run: bool,
    pub max_bytes: u64,
    pub limits: WxrLimits,
    /// A copy of the old site's `wp-content/uploads`: attachments' files are read from
    /// it (never fetched over the network) and become the media library's images.
    pub uploads: Option<std::path::PathBuf>,
}

impl Default for ImportOptions {
    fn default() -> ImportOptions {
        ImportOptions {
            dry_run: false,
            max_bytes: DEFAULT_MAX_BYTES,
            limits: WxrLimits::default(),
            uploads: None,
        }
    }
}

/// How far an import is, shared with whoever shows it (a progress bar, the admin page).
#[derive(Debug, Default)]
pub struct ImportProgress {
    pub total_bytes: AtomicU64,
    pub bytes_read: AtomicU64,
    pub records: AtomicU64,
    /// Lone `&`s written as `&amp;` on the way in (WordPress leaves commenters' URLs
    /// unescaped).
    pub repaired_ampersands: Arc<AtomicU64>,
}

#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    #[error("the file is {size} bytes, over the limit of {limit} (a larger limit can be given)")]
    TooLarge { size: u64, limit: u64 },
    #[error("the file cannot be read: {0}")]
    Unreadable(#[from] std::io::Error),
    #[error("the file was not imported, and nothing was changed: {0}")]
    Invalid(WxrError),
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("{0}")]
    Other(String),
}

/// Counts the bytes the parser reads, for the progress bar.
struct Counted<R> {
    inner: R,
    progress: Arc<ImportProgress>,
}

impl<R: Read> Read for Counted<R> {
    fn read(&mut self, out: &mut [u8]) -> std::io::Result<usize> {
        let read = self.inner.read(out)?;
        self.progress
            .bytes_read
            .fetch_add(read as u64, Ordering::Relaxed);
        Ok(read)
    }
}

/// Imports the WordPress export at `path`.
pub async fn import_wxr_file(
    app: &App,
    path: &Path,
    options: &ImportOptions,
    progress: Arc<ImportProgress>,
) -> Result<ImportReport, ImportError> {
    let file = open_within_limit(path, options, &progress)?;
    import_wxr(app, file, options, progress).await
}

/// The export file, once its size is known to be within the limit (and given to the
/// progress bar).
fn open_within_limit(
    path: &Path,
    options: &ImportOptions,
    progress: &ImportProgress,
) -> Result<std::fs::File, ImportError> {
    let size = std::fs::metadata(path)?.len();
    if size > options.max_bytes {
        return Err(ImportError::TooLarge {
            size,
            limit: options.max_bytes,
        });
    }
    progress.total_bytes.store(size, Ordering::Relaxed);
    Ok(std::fs::File::open(path)?)
}

type Records<T> = tokio::sync::mpsc::Receiver<Result<T, WxrError>>;

/// Runs `next` on a thread of its own (the parsers are synchronous), sending each record,
/// then the error or the end, through a channel 256 records deep: the thread waits while
/// the database catches up, and stops when the channel is dropped.
fn spawn_reader<T: Send + 'static>(
    name: &str,
    mut next: impl FnMut() -> Result<Option<T>, WxrError> + Send + 'static,
) -> Result<(std::thread::JoinHandle<()>, Records<T>), ImportError> {
    let (sender, records) = tokio::sync::mpsc::channel(256);
    let thread = std::thread::Builder::new()
        .name(name.into())
        .spawn(move || {
            loop {
                let message = match next() {
                    Ok(Some(record)) => Ok(record),
                    Ok(None) => return,
                    Err(error) => Err(error),
                };
                let stop = message.is_err();
                if sender.blocking_send(message).is_err() || stop {
                    return;
                }
            }
        })
        .map_err(ImportError::Unreadable)?;
    Ok((thread, records))
}

/// Imports a WordPress export read from `input`.
pub async fn import_wxr(
    app: &App,
    input: impl Read + Send + 'static,
    options: &ImportOptions,
    progress: Arc<ImportProgress>,
) -> Result<ImportReport, ImportError> {
    // A file that grows past the limit while read (or a stream with no size) is cut off
    // at it.
    let counted = Counted {
        inner: input.take(options.max_bytes.saturating_add(1)),
        progress: progress.clone(),
    };
    let repaired = AmpersandRepair::counting_into(counted, progress.repaired_ampersands.clone());
    let mut reader = WxrReader::new(
        BufReader::with_capacity(256 * 1024, repaired),
        options.limits,
    );
    let (reader, mut records) = spawn_reader("wxr-reader", move || reader.next_record())?;
    let outcome = write_all(app, &mut records, options, &progress).await;
    // The reader stops once its channel is closed.
    drop(records);
    let _ = reader.join();
    outcome
}

async fn write_all(
    app: &App,
    records: &mut Records<WxrRecord>,
    options: &ImportOptions,
    progress: &ImportProgress,
) -> Result<ImportReport, ImportError> {
    let site = match records.recv().await {
        Some(Ok(WxrRecord::Site(site))) => site,
        Some(Err(error)) => return Err(ImportError::Invalid(error)),
        Some(Ok(_)) | None => {
            return Err(ImportError::Other(
                "the file ended before it named its site".into(),
            ));
        }
    };
    let mut converter = WxrConverter::new(&site, app.now());
    if site.version.is_none() {
        converter
            .report
            .change("the file names no WXR version (WordPress 2.1 to 2.3): read as 1.0");
    }
    // Accounts made for the old site's authors have a password no one knows; they are
    // invited from the People screen.
    let unusable = hash_password(
        format!("{}-{}", random_token(), random_token()),
        app.password_cost,
    )
    .await
    .map_err(|error| ImportError::Other(format!("{error:#}")))?;
    let mut session = app
        .store
        .begin_import(converter.source(), &unusable, app.now())
        .await?;
    while let Some(next) = records.recv().await {
        // An error drops the session, which rolls everything back.
        let record = next.map_err(ImportError::Invalid)?;
        progress.records.fetch_add(1, Ordering::Relaxed);
        let converted = match &record {
            WxrRecord::Site(_) => None,
            WxrRecord::Author(author) => converter.author(author),
            WxrRecord::Term(term) => converter.term(term),
            WxrRecord::Item(item) => converter.item(item),
            WxrRecord::Comment(comment) => converter.comment(comment),
        };
        let Some(mut converted) = converted else {
            continue;
        };
        if let ImportRecord::Comment(comment) = &mut converted {
            comment.avatar_key = Some(avatar_key(app, &comment.author_email, &comment.author_name));
        }
        if let (ImportRecord::Attachment(attachment), Some(uploads)) =
            (&mut converted, &options.uploads)
            && !session.has_attachment(attachment.legacy_id).await?
        {
            match attachment_file(app, uploads, attachment).await {
                Ok(media) => attachment.media_id = Some(session.add_media(&media).await?),
                Err(why) => converter.report.skip(why),
            }
        }
        let kind = kind_of(&converted);
        match session.write(&converted).await? {
            Outcome::Added => ImportReport::count(&mut converter.report.added, kind),
            Outcome::AlreadyThere => ImportReport::count(&mut converter.report.already_there, kind),
            Outcome::Orphaned => converter
                .report
                .skip(format!("{kind} whose article is not in the site")),
        }
    }
    session.finish(!options.dry_run).await?;
    if !options.dry_run {
        site::all_pages_changed(app).await?;
    }
    let repaired = progress.repaired_ampersands.load(Ordering::Relaxed);
    if repaired > 0 {
        converter.report.changed.insert(
            "unescaped & in the file read as & (WordPress writes commenters' web addresses \
             without escaping them)"
                .into(),
            repaired,
        );
    }
    Ok(converter.report)
}

/// An attachment's file from the old uploads folder, stored as a library image. The
/// reason it was not, otherwise (for the report).
async fn attachment_file(
    app: &App,
    uploads: &Path,
    attachment: &tidings_domain::import::ImportedAttachment,
) -> Result<tidings_store::NewMedia, String> {
    use std::path::Component;
    let relative = Path::new(&attachment.file);
    // Only a plain path under the folder: never `..`, an absolute path or a drive.
    let plain = !attachment.file.is_empty()
        && relative
            .components()
            .all(|component| matches!(component, Component::Normal(_)));
    if !plain {
        return Err("attachments without a file path under the uploads folder".into());
    }
    let path = uploads.join(relative);
    let bytes = match tokio::fs::read(&path).await {
        Ok(bytes) => bytes,
        Err(_) => return Err("attachment files not found in the uploads folder".into()),
    };
    let upload = crate::services::media::Upload {
        bytes,
        name: relative
            .file_name()
            .map(|name| name.to_string_lossy().into_owned())
            .unwrap_or_default(),
        alt: attachment.alt.clone(),
    };
    crate::services::media::stored_files(app, None, upload)
        .await
        .map_err(|error| format!("attachment files that are not images tidings keeps ({error})"))
}

fn kind_of(record: &ImportRecord) -> &'static str {
    match record {
        ImportRecord::Author(_) => "authors",
        ImportRecord::Term(term) => match term.taxonomy {
            tidings_domain::Taxonomy::Section => "sections",
            tidings_domain::Taxonomy::Tag => "tags",
        },
        ImportRecord::Article(article) => match article.kind {
            tidings_domain::ArticleKind::Article => "articles",
            tidings_domain::ArticleKind::Page => "pages",
        },
        ImportRecord::Comment(_) => "comments",
        ImportRecord::Attachment(_) => "attachments",
    }
}

/// Imports a Disqus export: each thread is matched to the article or page its address or
/// identifier names (old addresses included), and its posts come in as that article's
/// comments, threaded, with Disqus's spam and deleted flags as spam and trash. Threads that
/// match nothing are listed in the report, not dropped silently.
pub async fn import_disqus_file(
    app: &App,
    path: &Path,
    options: &ImportOptions,
    progress: Arc<ImportProgress>,
) -> Result<ImportReport, ImportError> {
    use tidings_domain::disqus::{DisqusReader, DisqusRecord, post_id_in_identifier};
    let counted = Counted {
        inner: open_within_limit(path, options, &progress)?
            .take(options.max_bytes.saturating_add(1)),
        progress: progress.clone(),
    };
    let mut reader = DisqusReader::new(
        BufReader::with_capacity(256 * 1024, counted),
        options.limits,
    );
    let (reader, mut records) = spawn_reader("disqus-reader", move || reader.next_record())?;
    let mut report = ImportReport::default();
    let outcome = async {
        let source = tidings_domain::import::ImportSource("disqus".into());
        let mut session = app.store.begin_import(&source, "", app.now()).await?;
        // Each thread's article, found once: (its id here, its address for the report).
        let mut threads: std::collections::HashMap<String, (Option<i64>, String)> =
            std::collections::HashMap::new();
        while let Some(next) = records.recv().await {
            let record = next.map_err(ImportError::Invalid)?;
            progress.records.fetch_add(1, Ordering::Relaxed);
            match record {
                DisqusRecord::Thread(thread) => {
                    let mut found = None;
                    if let Some(post) = post_id_in_identifier(&thread.identifier) {
                        found = old_addresses::article_by_old_id(app, &post.to_string()).await?;
                    }
                    if found.is_none() {
                        found = old_addresses::article_at_address(app, &thread.link).await?;
                    }
                    threads.insert(thread.id, (found.map(|article| article.id.0), thread.link));
                }
                DisqusRecord::Post(post) => {
                    let (Ok(legacy_id), Some((article, link))) =
                        (post.id.parse::<i64>(), threads.get(&post.thread))
                    else {
                        report.skip("Disqus posts without an id or a thread in the file");
                        continue;
                    };
                    let Some(article) = *article else {
                        report.skip("Disqus posts on threads that match no article");
                        if report.unmatched.len() < 100 && !report.unmatched.contains(link) {
                            report.unmatched.push(link.clone());
                        }
                        continue;
                    };
                    let status = if post.spam {
                        tidings_domain::CommentStatus::Spam
                    } else if post.deleted {
                        tidings_domain::CommentStatus::Trash
                    } else if post.approved {
                        tidings_domain::CommentStatus::Approved
                    } else {
                        tidings_domain::CommentStatus::Pending
                    };
                    let comment = tidings_domain::import::ImportedComment {
                        legacy_id,
                        article: 0,
                        on_article: Some(article),
                        keep_legacy_id: false,
                        parent: post.parent.and_then(|parent| parent.parse().ok()),
                        kind: tidings_domain::CommentKind::Comment,
                        author_name: post.author_name.clone(),
                        author_email: post.author_email.clone(),
                        author_url: String::new(),
                        ip: post.ip,
                        user_agent: String::new(),
                        status,
                        created_at: post.created_at.unwrap_or_else(|| app.now()),
                        avatar_key: Some(avatar_key(app, &post.author_email, &post.author_name)),
                        content_html: Some(tidings_domain::text::render_comment(&post.message)),
                        content: post.message,
                    };
                    match session
                        .write(&ImportRecord::Comment(Box::new(comment)))
                        .await?
                    {
                        Outcome::Added => ImportReport::count(&mut report.added, "comments"),
                        Outcome::AlreadyThere => {
                            ImportReport::count(&mut report.already_there, "comments")
                        }
                        Outcome::Orphaned => report.skip("Disqus posts whose article is gone"),
                    }
                }
            }
        }
        session.finish(!options.dry_run).await?;
        Ok::<(), ImportError>(())
    }
    .await;
    drop(records);
    let _ = reader.join();
    outcome?;
    if !options.dry_run {
        site::all_pages_changed(app).await?;
    }
    Ok(report)
}

/// What kind of export an uploaded file is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImportKind {
    Wxr,
    Disqus,
}

/// The import running on this node (one at a time), or the last one's outcome: what the
/// admin's import page shows while it refreshes.
#[derive(Default)]
pub struct ImportJobs {
    current: std::sync::Mutex<Option<ImportJob>>,
    ended: tokio::sync::Notify,
}

#[derive(Clone)]
pub struct ImportJob {
    pub file_name: String,
    pub kind: ImportKind,
    pub dry_run: bool,
    pub started: std::time::Instant,
    pub progress: Arc<ImportProgress>,
    /// `None` while it runs; then the report's lines, or why nothing was imported.
    pub outcome: Option<Result<Vec<String>, String>>,
}

impl ImportJobs {
    /// The current or last import.
    pub fn snapshot(&self) -> Option<ImportJob> {
        self.current.lock().ok().and_then(|job| job.clone())
    }

    fn begin(&self, job: ImportJob) -> bool {
        let Ok(mut current) = self.current.lock() else {
            return false;
        };
        if current
            .as_ref()
            .is_some_and(|running| running.outcome.is_none())
        {
            return false;
        }
        *current = Some(job);
        true
    }

    fn end(&self, outcome: Result<Vec<String>, String>) {
        if let Ok(mut current) = self.current.lock()
            && let Some(job) = current.as_mut()
        {
            job.outcome = Some(outcome);
        }
        self.ended.notify_waiters();
    }

    /// Waits until no import runs (at once when none does).
    pub async fn idle(&self) {
        loop {
            let ended = self.ended.notified();
            let running = self.snapshot().is_some_and(|job| job.outcome.is_none());
            if !running {
                return;
            }
            ended.await;
        }
    }
}

/// Runs the import of an uploaded file in the background, then removes the file. `false`
/// when another import is still running (the file is removed at once).
pub fn start_in_background(
    app: &App,
    path: std::path::PathBuf,
    file_name: String,
    kind: ImportKind,
    dry_run: bool,
) -> bool {
    let progress = Arc::new(ImportProgress::default());
    let job = ImportJob {
        file_name,
        kind,
        dry_run,
        started: std::time::Instant::now(),
        progress: progress.clone(),
        outcome: None,
    };
    if !app.imports.begin(job) {
        let _ = std::fs::remove_file(&path);
        return false;
    }
    let app = app.clone();
    tokio::spawn(async move {
        let options = ImportOptions {
            dry_run,
            ..ImportOptions::default()
        };
        let outcome = match kind {
            ImportKind::Wxr => import_wxr_file(&app, &path, &options, progress).await,
            ImportKind::Disqus => import_disqus_file(&app, &path, &options, progress).await,
        };
        let _ = std::fs::remove_file(&path);
        match &outcome {
            Ok(_) => tracing::info!(dry_run, "an import finished"),
            Err(error) => tracing::warn!(%error, "an import failed; nothing was changed"),
        }
        app.imports.end(
            outcome
                .map(|report| report.lines())
                .map_err(|error| error.to_string()),
        );
    });
    true
}
