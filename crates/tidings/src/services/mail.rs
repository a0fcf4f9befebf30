//! Outgoing mail, off the request path and safe across restarts.
//!
//! A request only writes the message to the queue folder (`mail/queue` in the data folder:
//! written to a temporary name, synced, then renamed, so a crash leaves a whole message or
//! none). One task per node sends what is due: through SMTP when `smtp_url` is set, or into
//! `mail/outbox` as `.eml` files when it is not, so a new site loses no mail without a mail
//! server. A failed delivery is retried with growing pauses (1 minute doubling to 6 hours);
//! after [`MAX_ATTEMPTS`] the message moves to `mail/failed` and the log says why. The queue
//! is plain files because that is what survives a restart with the least machinery, and a
//! node's queue only ever holds that node's mail.

use crate::config::Config;
use anyhow::Context;
use lettre::message::header::{ContentType, HeaderName, HeaderValue};
use lettre::message::{Mailbox, Message};
use lettre::{AsyncSmtpTransport, AsyncTransport, Tokio1Executor};
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};
use time::OffsetDateTime;
use tokio::sync::Notify;

/// Deliveries tried before a message is set aside in `mail/failed`.
pub const MAX_ATTEMPTS: u32 = 12;
/// The longest pause between two attempts.
const MAX_PAUSE_SECONDS: i64 = 6 * 3600;
/// How long a message held back by an hourly cap waits before it is looked at again.
const CAP_PAUSE_SECONDS: i64 = 10 * 60;
/// The most messages held in memory while the disk is full.
const MAX_UNWRITTEN: usize = 10_000;

/// One message to one reader: plain text, as notification mail should be.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Mail {
    pub to: String,
    pub subject: String,
    pub body: String,
    /// Where the reader stops this kind of mail with one click; sent as `List-Unsubscribe`
    /// with RFC 8058's one-click `List-Unsubscribe-Post`.
    pub unsubscribe_url: Option<String>,
}

#[derive(Debug, Serialize, Deserialize)]
struct Queued {
    mail: Mail,
    attempts: u32,
    /// Unix seconds.
    next_attempt_at: i64,
    last_error: Option<String>,
}

pub struct Mailer {
    /// Mail that could not be written to the queue (a full disk), held here and written
    /// as soon as there is room; at most [`MAX_UNWRITTEN`] messages.
    unwritten: std::sync::Mutex<Vec<(PathBuf, Vec<u8>)>>,
    /// Mail to one address, and mail in all, handed over per hour at most; 0: no cap.
    per_address_per_hour: u32,
    per_hour: u32,
    queue: PathBuf,
    outbox: PathBuf,
    failed: PathBuf,
    from: Mailbox,
    transport: Option<AsyncSmtpTransport<Tokio1Executor>>,
    /// Wakes the sending task when a message is queued.
    wake: Notify,
    /// One delivery pass at a time, so no message goes out twice.
    sending: tokio::sync::Mutex<()>,
    /// Set when the site shuts down: a pass stops between two messages.
    stopping: std::sync::atomic::AtomicBool,
    /// Attempts the mail server refused or that could not reach it (for `/metrics`).
    pub failures: prometheus_client::metrics::counter::Counter,
}

/// The queue at a glance, for `/metrics`.
pub struct QueueState {
    pub queued: usize,
    pub failed: usize,
    /// How long the longest-waiting message that is due has waited, in seconds.
    pub lag_seconds: i64,
}

/// The queue entries whose due time a scrape reads: the oldest (names sort by the time
/// they were queued), so a long backlog costs a bounded read.
const LAG_SAMPLE: usize = 200;

impl Mailer {
    pub fn new(data_dir: &Path, config: &Config) -> anyhow::Result<Mailer> {
        let folder = data_dir.join("mail");
        let (queue, outbox, failed) = (
            folder.join("queue"),
            folder.join("outbox"),
            folder.join("failed"),
        );
        for path in [&queue, &outbox, &failed] {
            crate::app::private_folder(path)?;
        }
        let transport = match config.smtp_url.as_deref().filter(|url| !url.is_empty()) {
            Some(url) => Some(
                AsyncSmtpTransport::<Tokio1Executor>::from_url(url)
                    .context("smtp_url is not a usable SMTP address")?
                    .timeout(Some(std::time::Duration::from_secs(20)))
                    .build(),
            ),
            None => None,
        };
        Ok(Mailer {
            unwritten: std::sync::Mutex::new(Vec::new()),
            per_address_per_hour: config.mail_per_address_per_hour,
            per_hour: config.mail_per_hour,
            queue,
            outbox,
            failed,
            from: config
                .mail_from
                .parse()
                .context("mail_from is not a mail address")?,
            transport,
            wake: Notify::new(),
            sending: tokio::sync::Mutex::new(()),
            stopping: std::sync::atomic::AtomicBool::new(false),
            failures: prometheus_client::metrics::counter::Counter::default(),
        })
    }

    /// Messages waiting in the queue (for the status page and tests).
    pub fn queued(&self) -> usize {
        messages_in(&self.queue).len()
    }

    /// The queue's length, the messages set aside, and how far sending is behind.
    pub fn state(&self, now: OffsetDateTime) -> QueueState {
        let mut queued = messages_in(&self.queue);
        queued.sort();
        let now = now.unix_timestamp();
        let lag_seconds = queued
            .iter()
            .take(LAG_SAMPLE)
            .filter_map(|path| std::fs::read(path).ok())
            .filter_map(|bytes| serde_json::from_slice::<Queued>(&bytes).ok())
            .map(|entry| now - entry.next_attempt_at)
            .max()
            .unwrap_or(0)
            .max(0);
        QueueState {
            queued: queued.len(),
            failed: messages_in(&self.failed).len(),
            lag_seconds,
        }
    }

    /// At shutdown: writes the mail held in memory to the queue, and waits for the message
    /// being handed over (if any) to be recorded, so nothing is lost or sent twice.
    pub async fn stop(&self) {
        self.stopping
            .store(true, std::sync::atomic::Ordering::SeqCst);
        let _pass = self.sending.lock().await;
        self.write_held().await;
    }

    /// Deletes every message to `address` this node still holds: queued, set aside as
    /// failed, or written to the outbox. Part of erasing a person's data. Returns how many.
    pub async fn forget_recipient(&self, address: &str) -> anyhow::Result<u64> {
        let _no_delivery_meanwhile = self.sending.lock().await;
        let wanted = address.trim().to_lowercase();
        let mut forgotten = 0;
        for folder in [&self.queue, &self.failed, &self.outbox] {
            for entry in std::fs::read_dir(folder)?.filter_map(Result::ok) {
                let path = entry.path();
                let text = String::from_utf8_lossy(&tokio::fs::read(&path).await?).into_owned();
                let to = if path.extension().is_some_and(|ext| ext == "json") {
                    serde_json::from_str::<Queued>(&text)
                        .map(|queued| queued.mail.to)
                        .unwrap_or_default()
                } else {
                    text.lines()
                        .take_while(|line| !line.is_empty() && *line != "\r")
                        .find_map(|line| line.strip_prefix("To:"))
                        .unwrap_or_default()
                        .to_owned()
                };
                if to.to_lowercase().contains(&wanted) {
                    tokio::fs::remove_file(&path).await?;
                    forgotten += 1;
                }
            }
        }
        Ok(forgotten)
    }

    /// Queues a message for the sending task. Returns once the message is on disk; when the
    /// disk cannot take it (it is full), the message is held in memory and written by the
    /// sending task once there is room, and the error is returned for the log.
    pub async fn enqueue(&self, mail: Mail, now: OffsetDateTime) -> anyhow::Result<()> {
        let queued = Queued {
            mail,
            attempts: 0,
            next_attempt_at: now.unix_timestamp(),
            last_error: None,
        };
        let name = format!(
            "{:020}-{}.json",
            now.unix_timestamp_nanos(),
            &crate::security::random_token()[..12]
        );
        let path = self.queue.join(name);
        let bytes = serde_json::to_vec(&queued)?;
        if let Err(error) = write_whole(&path, &bytes).await {
            let mut unwritten = self
                .unwritten
                .lock()
                .map_err(|_| anyhow::anyhow!("the held mail's lock is poisoned"))?;
            if unwritten.len() >= MAX_UNWRITTEN {
                return Err(error.context(
                    "the queue and the memory for held mail are full; the message is lost",
                ));
            }
            unwritten.push((path, bytes));
            return Err(error.context("the mail is held in memory until the disk has room"));
        }
        self.wake.notify_one();
        Ok(())
    }

    /// Messages held in memory because the disk was full.
    pub fn held_in_memory(&self) -> usize {
        self.unwritten.lock().map_or(0, |held| held.len())
    }

    /// Writes the messages held in memory to the queue, as many as the disk takes.
    async fn write_held(&self) {
        let held = match self.unwritten.lock() {
            Ok(mut held) => std::mem::take(&mut *held),
            Err(_) => return,
        };
        let mut still_held = Vec::new();
        for (path, bytes) in held {
            if !still_held.is_empty() || write_whole(&path, &bytes).await.is_err() {
                still_held.push((path, bytes));
            }
        }
        if !still_held.is_empty()
            && let Ok(mut held) = self.unwritten.lock()
        {
            still_held.append(&mut held);
            *held = still_held;
        }
    }

    /// Sends every queued message that is due at `now`, within the hourly caps; returns how
    /// many went out.
    pub async fn deliver_due(
        &self,
        store: &dyn tidings_store::Store,
        now: OffsetDateTime,
    ) -> usize {
        let _one_pass = self.sending.lock().await;
        self.write_held().await;
        let mut names = match std::fs::read_dir(&self.queue) {
            Ok(entries) => entries
                .filter_map(Result::ok)
                .map(|entry| entry.path())
                .filter(|path| path.extension().is_some_and(|ext| ext == "json"))
                .collect::<Vec<_>>(),
            Err(error) => {
                tracing::error!(%error, "cannot read the mail queue");
                return 0;
            }
        };
        names.sort();
        let mut sent = 0;
        for path in names {
            if self.stopping.load(std::sync::atomic::Ordering::SeqCst) {
                break;
            }
            match self.deliver_one(store, &path, now).await {
                Ok(true) => sent += 1,
                Ok(false) => {}
                Err(error) => {
                    tracing::error!(path = %path.display(), error = %format!("{error:#}"), "mail queue entry")
                }
            }
        }
        sent
    }

    /// Whether a message to `to` would go over an hourly cap now.
    async fn over_cap(
        &self,
        store: &dyn tidings_store::Store,
        to: &str,
        now: OffsetDateTime,
    ) -> anyhow::Result<bool> {
        if self.per_address_per_hour == 0 && self.per_hour == 0 {
            return Ok(false);
        }
        let (to_address, to_anyone) = store
            .mail_deliveries_since(to, now - time::Duration::hours(1))
            .await?;
        let over = |count: u64, cap: u32| cap > 0 && count >= u64::from(cap);
        Ok(over(to_address, self.per_address_per_hour) || over(to_anyone, self.per_hour))
    }

    async fn deliver_one(
        &self,
        store: &dyn tidings_store::Store,
        path: &Path,
        now: OffsetDateTime,
    ) -> anyhow::Result<bool> {
        let bytes = tokio::fs::read(path).await?;
        let mut queued: Queued = match serde_json::from_slice(&bytes) {
            Ok(queued) => queued,
            Err(error) => {
                self.set_aside(path).await?;
                anyhow::bail!("unreadable queue entry set aside: {error}");
            }
        };
        if queued.next_attempt_at > now.unix_timestamp() {
            return Ok(false);
        }
        // Over a cap, the message waits in the queue (it is not an attempt that failed).
        if self.over_cap(store, &queued.mail.to, now).await? {
            tracing::info!(queued_as = %queue_name(path), "mail held back by the hourly cap");
            queued.next_attempt_at = now.unix_timestamp() + CAP_PAUSE_SECONDS;
            write_whole(path, &serde_json::to_vec(&queued)?).await?;
            return Ok(false);
        }
        let message = match self.message(&queued.mail, now) {
            Ok(message) => message,
            Err(error) => {
                self.set_aside(path).await?;
                anyhow::bail!("the message cannot be built: {error:#}");
            }
        };
        let outcome = match &self.transport {
            Some(transport) => transport
                .send(message)
                .await
                .map(|_| ())
                .map_err(|error| error.to_string()),
            None => {
                let name = path
                    .file_stem()
                    .map(|stem| stem.to_string_lossy().into_owned())
                    .unwrap_or_default();
                write_whole(
                    &self.outbox.join(format!("{name}.eml")),
                    &message.formatted(),
                )
                .await
                .map_err(|error| format!("{error:#}"))
            }
        };
        match outcome {
            Ok(()) => {
                tokio::fs::remove_file(path).await?;
                tracing::info!(queued_as = %queue_name(path), "mail sent");
                if let Err(error) = store.record_mail_delivery(&queued.mail.to, now).await {
                    tracing::warn!(%error, "a sent mail could not be counted against the hourly caps");
                }
                Ok(true)
            }
            Err(error) => {
                queued.attempts += 1;
                self.failures.inc();
                tracing::warn!(
                    queued_as = %queue_name(path),
                    attempt = queued.attempts,
                    error = %without_addresses(&error),
                    "mail not delivered"
                );
                if queued.attempts >= MAX_ATTEMPTS {
                    self.set_aside(path).await?;
                    return Ok(false);
                }
                let pause = (60_i64 << (queued.attempts - 1).min(16)).min(MAX_PAUSE_SECONDS);
                queued.next_attempt_at = now.unix_timestamp() + pause;
                queued.last_error = Some(error);
                write_whole(path, &serde_json::to_vec(&queued)?).await?;
                Ok(false)
            }
        }
    }

    fn message(&self, mail: &Mail, now: OffsetDateTime) -> anyhow::Result<Message> {
        let mut builder = Message::builder()
            .from(self.from.clone())
            .to(mail
                .to
                .parse()
                .context("the recipient is not a mail address")?)
            .subject(&mail.subject)
            .date(now.into())
            .header(ContentType::TEXT_PLAIN);
        if let Some(url) = &mail.unsubscribe_url {
            builder = builder
                .raw_header(HeaderValue::new(
                    HeaderName::new_from_ascii_str("List-Unsubscribe"),
                    format!("<{url}>"),
                ))
                .raw_header(HeaderValue::new(
                    HeaderName::new_from_ascii_str("List-Unsubscribe-Post"),
                    "List-Unsubscribe=One-Click".to_owned(),
                ));
        }
        Ok(builder.body(mail.body.clone())?)
    }

    async fn set_aside(&self, path: &Path) -> anyhow::Result<()> {
        if let Some(name) = path.file_name() {
            tokio::fs::rename(path, self.failed.join(name)).await?;
        }
        Ok(())
    }

    /// The sending task: delivers what is due whenever a message is queued, and every few
    /// seconds for retries.
    pub async fn run(
        self: std::sync::Arc<Self>,
        clock: std::sync::Arc<dyn crate::clock::Clock>,
        store: std::sync::Arc<dyn tidings_store::Store>,
    ) {
        loop {
            self.deliver_due(store.as_ref(), clock.now()).await;
            tokio::select! {
                () = self.wake.notified() => {}
                () = tokio::time::sleep(std::time::Duration::from_secs(2)) => {}
            }
        }
    }
}

/// The messages in one of the queue's folders (an unreadable folder holds none).
fn messages_in(folder: &Path) -> Vec<PathBuf> {
    std::fs::read_dir(folder).map_or_else(
        |_| Vec::new(),
        |entries| {
            entries
                .filter_map(Result::ok)
                .map(|entry| entry.path())
                .filter(|path| path.extension().is_some_and(|ext| ext == "json"))
                .collect()
        },
    )
}

/// A queued message as the log names it: its file, never its recipient (logs travel to
/// places readers' addresses must not).
fn queue_name(path: &Path) -> String {
    path.file_name()
        .map_or_else(String::new, |name| name.to_string_lossy().into_owned())
}

/// A mail server's answer with every address in it blotted out: servers echo the
/// recipient ("550 <reader@example.com>: no such user").
fn without_addresses(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for (index, word) in text.split(' ').enumerate() {
        if index > 0 {
            out.push(' ');
        }
        if word.contains('@') {
            out.push_str("[address]");
        } else {
            out.push_str(word);
        }
    }
    out
}

/// Writes a file so that it appears whole or not at all: a temporary name, synced, renamed.
async fn write_whole(path: &Path, bytes: &[u8]) -> anyhow::Result<()> {
    let temporary = path.with_extension("tmp");
    let bytes = bytes.to_vec();
    let (temporary_path, final_path) = (temporary.clone(), path.to_path_buf());
    tokio::task::spawn_blocking(move || -> std::io::Result<()> {
        use std::io::Write;
        let mut options = std::fs::OpenOptions::new();
        options.write(true).create(true).truncate(true);
        // Mail holds readers' addresses and one-click links: for this user's eyes only.
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
        let mut file = options.open(&temporary_path)?;
        file.write_all(&bytes)?;
        file.sync_all()?;
        std::fs::rename(&temporary_path, &final_path)?;
        if let Some(parent) = final_path.parent() {
            std::fs::File::open(parent)?.sync_all()?;
        }
        Ok(())
    })
    .await?
    .with_context(|| format!("writing {}", path.display()))
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_servers_answer_loses_its_addresses() {
        assert_eq!(
            super::without_addresses("permanent error (550): <reader@example.com>: no such user"),
            "permanent error (550): [address] no such user"
        );
        assert_eq!(super::without_addresses("timed out"), "timed out");
    }
}
