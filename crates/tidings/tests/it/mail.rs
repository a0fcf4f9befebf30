//! Mail, delivered to a real SMTP server: Python's aiosmtpd (Debian's `python3-aiosmtpd`,
//! which the test command installs) storing what arrives in a Maildir that the tests read.

use crate::support::*;
use reqwest::StatusCode;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};
use tidings::services::articles;
use tidings_domain::article::ArticleInput;
use tidings_domain::{ArticleStatus, Role};

/// The Python that has aiosmtpd: Debian's, whatever else is first on the PATH.
const PYTHON: &str = "/usr/bin/python3";

struct SmtpServer {
    child: Child,
    maildir: tempfile::TempDir,
    port: u16,
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|listener| listener.local_addr())
        .map(|address| address.port())
        .expect("a free port")
}

impl SmtpServer {
    fn start_on(port: u16) -> SmtpServer {
        SmtpServer::start_with(port, "aiosmtpd.handlers.Mailbox")
    }

    /// A server that marks with a file (`arriving`) the moment a message's data arrived,
    /// and answers only once the test writes `release` (`tests/mail/slow_smtp.py`).
    fn start_slow_on(port: u16) -> SmtpServer {
        SmtpServer::start_with(port, "slow_smtp.SlowMailbox")
    }

    fn start_with(port: u16, handler: &str) -> SmtpServer {
        let maildir = tempfile::tempdir().unwrap();
        let child = Command::new(PYTHON)
            .env(
                "PYTHONPATH",
                concat!(env!("CARGO_MANIFEST_DIR"), "/tests/mail"),
            )
            .env("PYTHONDONTWRITEBYTECODE", "1")
            .args(["-m", "aiosmtpd", "-n", "-l"])
            .arg(format!("127.0.0.1:{port}"))
            .args(["-c", handler])
            // A folder that does not exist yet: Maildir creates it with its subfolders.
            .arg(maildir.path().join("box"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("aiosmtpd starts (scripts/test installs python3-aiosmtpd)");
        let deadline = Instant::now() + Duration::from_secs(20);
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(
                Instant::now() < deadline,
                "aiosmtpd did not listen on {port}: is python3-aiosmtpd installed?"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
        SmtpServer {
            child,
            maildir,
            port,
        }
    }

    /// Every message that arrived, as raw text.
    fn messages(&self) -> Vec<String> {
        read_folder(&self.maildir.path().join("box/new"))
    }

    /// Waits until `count` messages arrived (the app sends in the background).
    async fn wait_for(&self, count: usize) -> Vec<String> {
        let deadline = Instant::now() + Duration::from_secs(15);
        loop {
            let messages = self.messages();
            if messages.len() >= count {
                return messages;
            }
            assert!(
                Instant::now() < deadline,
                "{count} messages expected, {} arrived",
                messages.len()
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }
}

impl Drop for SmtpServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub(crate) fn read_folder(folder: &Path) -> Vec<String> {
    let mut paths: Vec<PathBuf> = std::fs::read_dir(folder)
        .map(|entries| entries.filter_map(Result::ok).map(|e| e.path()).collect())
        .unwrap_or_default();
    // A `.tmp` file is a message still being written (it is renamed when whole): reading it
    // would see a part of it.
    paths.retain(|path| path.extension().is_none_or(|extension| extension != "tmp"));
    paths.sort_by_key(|path| std::fs::metadata(path).and_then(|m| m.modified()).ok());
    paths
        .iter()
        .filter_map(|path| std::fs::read_to_string(path).ok())
        .collect()
}

/// The message's text with quoted-printable soft line breaks undone, so links read whole.
pub(crate) fn unfolded(message: &str) -> String {
    message
        .replace("=\r\n", "")
        .replace("=\n", "")
        .replace("=3D", "=")
}

/// The first link in a message that starts with `prefix` and contains `part`.
pub(crate) fn link(message: &str, prefix: &str, part: &str) -> String {
    let text = unfolded(message);
    text.match_indices(prefix)
        .map(|(start, _)| {
            text[start..]
                .split(|c: char| c.is_whitespace() || c == '>')
                .next()
                .unwrap()
                .to_owned()
        })
        .find(|link| link.contains(part))
        .unwrap_or_else(|| panic!("no {prefix}…{part} in {text}"))
}

fn to(message: &str, address: &str) -> bool {
    message
        .lines()
        .any(|line| line.starts_with("To:") && line.contains(address))
}

async fn site_with_smtp(port: u16) -> TestApp {
    let data = data_folder().await;
    write_config(
        data.path(),
        &format!(
            "smtp_url = \"smtp://127.0.0.1:{port}\"\nmail_from = \"The Daily Test <news@daily.example>\"\n"
        ),
    );
    TestApp::spawn_in(data).await
}

#[tokio::test]
async fn moderators_authors_and_subscribers_get_mail_with_one_click_links() {
    let smtp = SmtpServer::start_on(free_port());
    let site = site_with_smtp(smtp.port).await;
    site.create_user("author@newsroom.example", Role::Editor)
        .await;
    let author = site
        .app
        .store
        .user_by_email("author@newsroom.example")
        .await
        .unwrap()
        .unwrap();
    let article = articles::create_article(
        &site.app,
        ArticleInput {
            title: "Bridge vote tonight".into(),
            body_markdown: "Live.".into(),
            status: Some(ArticleStatus::Published),
            published_at: Some(site.clock_now() - time::Duration::hours(1)),
            comments_open: true,
            ..ArticleInput::default()
        },
        Some(author.id),
    )
    .await
    .unwrap();
    site.moderator().await;
    let reader = site.reader_from("127.0.0.23".parse().unwrap());

    // A first comment waits: both accounts get the moderation mail; the commenter asked for
    // replies and gets a confirmation request.
    let response = reader
        .comment(
            &article,
            &[
                ("comment", "Will the vote be streamed?"),
                ("author", "Dee"),
                ("email", "dee@readers.example"),
                ("subscribe", "all"),
            ],
        )
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let messages = smtp.wait_for(3).await;
    let moderation: Vec<&String> = messages
        .iter()
        .filter(|message| message.contains("Please moderate"))
        .collect();
    assert_eq!(moderation.len(), 2, "one to each account");
    assert!(moderation.iter().any(|m| to(m, ADMIN_EMAIL)));
    assert!(moderation.iter().any(|m| to(m, "author@newsroom.example")));
    let mail = moderation[0];
    assert!(
        mail.contains("From: \"The Daily Test\" <news@daily.example>"),
        "{mail}"
    );
    assert!(unfolded(mail).contains("Will the vote be streamed?"));
    assert!(!mail.contains("127.0.0.23"), "no IP address in mail");
    let confirmation = messages
        .iter()
        .find(|message| message.contains("confirm your subscription"))
        .expect("a confirmation request");
    assert!(to(confirmation, "dee@readers.example"));

    // Approve in one click from the mail: a page with one button, no sign-in.
    let approve = link(mail, &format!("{}/moderate/", site.url("")), "/approve");
    let path = approve.trim_start_matches(&site.url(""));
    let stranger = site.reader_from("127.0.0.9".parse().unwrap());
    let page = body(stranger.get(path).await).await;
    assert!(page.contains("Will the vote be streamed?") && page.contains("<button"));
    let (action, query) = path.split_once('?').unwrap();
    let fields: Vec<(String, String)> = form_urlencoded::parse(query.as_bytes())
        .into_owned()
        .collect();
    let borrowed: Vec<(&str, &str)> = fields
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let done = stranger.post(action, &borrowed).await;
    assert_eq!(done.status(), StatusCode::OK);
    assert!(body(done).await.contains("Done."));
    assert!(
        body(site.reader().get(&article.permalink()).await)
            .await
            .contains("Will the vote be streamed?")
    );
    // A tampered link does nothing.
    let tampered: Vec<(&str, &str)> = vec![("expires", borrowed[0].1), ("signature", "0")];
    assert_eq!(
        stranger
            .post(&action.replace("/approve", "/trash"), &tampered)
            .await
            .status(),
        StatusCode::FORBIDDEN
    );

    // The article's author hears of the approved comment.
    let messages = smtp.wait_for(4).await;
    let to_author = messages
        .iter()
        .find(|m| to(m, "author@newsroom.example") && m.contains("Comment:"))
        .expect("the author's mail");
    assert!(unfolded(to_author).contains("Dee commented on your article"));

    // Dee confirms the subscription, then gets mail about the next comment with a
    // List-Unsubscribe header that works in one click.
    let confirm = link(
        confirmation,
        &format!("{}/subscriptions/", site.url("")),
        "/confirm",
    );
    let confirm_path = confirm.trim_start_matches(&site.url("")).to_owned();
    let confirm_page = body(reader.get(&confirm_path).await).await;
    assert!(
        confirm_page.contains("Confirm my subscription"),
        "{confirm_path}: {confirm_page}"
    );
    assert_eq!(
        reader.post(&confirm_path, &[]).await.status(),
        StatusCode::OK
    );
    site.open_discussion().await;
    site.clock.advance(time::Duration::minutes(1));
    let other = site.reader_from("127.0.0.10".parse().unwrap());
    other
        .comment(
            &article,
            &[
                ("comment", "Yes, from seven."),
                ("author", "Eve"),
                ("email", "eve@readers.example"),
            ],
        )
        .await;
    let messages = smtp.wait_for(6).await;
    let news = messages
        .iter()
        .find(|m| to(m, "dee@readers.example") && m.contains("New comment"))
        .expect("the subscriber's mail");
    assert!(unfolded(news).contains("Yes, from seven."));
    assert!(news.contains("List-Unsubscribe-Post: List-Unsubscribe=One-Click"));
    let unsubscribe = news
        .lines()
        .find(|line| line.starts_with("List-Unsubscribe:"))
        .and_then(|line| line.split('<').nth(1))
        .and_then(|rest| rest.split('>').next())
        .unwrap()
        .to_owned();
    let unsubscribe_path = unsubscribe.trim_start_matches(&site.url("")).to_owned();
    let response = site
        .reader()
        .post(&unsubscribe_path, &[("List-Unsubscribe", "One-Click")])
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    assert!(
        site.app
            .store
            .subscriptions_by_email("dee@readers.example")
            .await
            .unwrap()
            .is_empty()
    );

    // No more mail to Dee; the commenter is never mailed about their own comment.
    let before = smtp.messages().len();
    site.clock.advance(time::Duration::minutes(1));
    other
        .comment(
            &article,
            &[
                ("comment", "And on the radio."),
                ("author", "Eve"),
                ("email", "eve@readers.example"),
            ],
        )
        .await;
    let messages = smtp.wait_for(before + 1).await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    let after: Vec<String> = smtp.messages().into_iter().skip(before).collect();
    assert!(
        after.iter().all(|m| !to(m, "dee@readers.example")),
        "{messages:?}"
    );
    assert!(after.iter().all(|m| !to(m, "eve@readers.example")));
}

/// SIGTERM while a message is being handed to the mail server: the site waits for the
/// server's answer and records it before it exits, so the message is neither lost nor
/// queued to be sent again.
#[tokio::test]
async fn a_message_being_handed_over_at_sigterm_is_recorded_before_the_site_exits() {
    let smtp = SmtpServer::start_slow_on(free_port());
    let site = site_with_smtp(smtp.port).await;
    site.moderator().await;
    let article = site.article("Stopping").await;
    let data = site.stop().await;
    let logs = tempfile::NamedTempFile::new().unwrap();
    let binary = RunningBinary::start_logging(data.path(), &[], logs.reopen().unwrap().into());

    // A first comment is held, and its moderator is mailed.
    let form = [
        ("comment_post_ID", article.id.to_string()),
        ("comment_parent", "0".into()),
        ("author", "Gil".into()),
        ("email", "gil@readers.example".into()),
        ("comment", "Held while the site stops.".into()),
    ];
    let response = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
        .post(format!("{}/wp-comments-post.php", binary.base_url))
        .form(&form)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let arriving = smtp.maildir.path().join("arriving");
    let deadline = Instant::now() + Duration::from_secs(15);
    while !arriving.exists() {
        assert!(
            Instant::now() < deadline,
            "the message reached the mail server"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }

    // The signal comes while the server holds the message and has not answered.
    let stopping = tokio::task::spawn_blocking(move || binary.terminate());
    let deadline = Instant::now() + Duration::from_secs(15);
    while !std::fs::read_to_string(logs.path())
        .unwrap()
        .contains("shutting down")
    {
        assert!(Instant::now() < deadline, "the site took the signal");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert!(smtp.messages().is_empty());
    std::fs::write(smtp.maildir.path().join("release"), "").unwrap();
    let status = stopping.await.unwrap();
    assert!(status.success(), "exits 0 after SIGTERM: {status:?}");
    let delivered = smtp.messages();
    assert_eq!(delivered.len(), 1, "the site waited for the answer");
    assert!(to(&delivered[0], ADMIN_EMAIL));
    let queue = data.path().join("mail/queue");
    let left: Vec<String> = read_folder(&queue);
    assert!(
        left.iter().all(|queued| !queued.contains(ADMIN_EMAIL)),
        "the delivered message is not queued to be sent again: {left:?}"
    );
    assert!(read_folder(&data.path().join("mail/failed")).is_empty());
}

#[tokio::test]
async fn mail_waits_for_a_server_that_is_down_and_survives_a_restart() {
    let port = free_port();
    let site = site_with_smtp(port).await;
    site.moderator().await;
    let article = site.article("Queued").await;
    site.reader()
        .comment(
            &article,
            &[
                ("comment", "hold me"),
                ("author", "Fay"),
                ("email", "fay@readers.example"),
            ],
        )
        .await;
    // Nothing listens: the message stays queued, with a pause before the next attempt.
    let deadline = Instant::now() + Duration::from_secs(10);
    while site.app.mailer.queued() == 0 {
        assert!(Instant::now() < deadline, "the mail was queued");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(
        site.app
            .mailer
            .deliver_due(site.app.store.as_ref(), site.clock_now())
            .await,
        0
    );
    assert_eq!(site.app.mailer.queued(), 1);
    let queued = read_folder(&site.data.path().join("mail/queue"));
    assert!(queued[0].contains("\"attempts\":"), "{queued:?}");

    // The node restarts; the server comes back; the retry after the pause delivers it.
    let data = site.stop().await;
    let smtp = SmtpServer::start_on(port);
    let site = TestApp::spawn_in(data).await;
    site.clock.advance(time::Duration::minutes(30));
    let messages = smtp.wait_for(1).await;
    assert!(unfolded(&messages[0]).contains("hold me"));
    let deadline = Instant::now() + Duration::from_secs(10);
    while site.app.mailer.queued() > 0 {
        assert!(Instant::now() < deadline, "the queue empties");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

#[tokio::test]
async fn without_smtp_mail_is_written_to_the_outbox() {
    let site = TestApp::spawn().await;
    site.moderator().await;
    let article = site.article("Outbox").await;
    site.reader()
        .comment(
            &article,
            &[
                ("comment", "to the outbox"),
                ("author", "Gil"),
                ("email", "gil@readers.example"),
            ],
        )
        .await;
    let outbox = site.data.path().join("mail/outbox");
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let files = read_folder(&outbox);
        if let Some(message) = files.first() {
            assert!(to(message, ADMIN_EMAIL));
            assert!(unfolded(message).contains("to the outbox"));
            break;
        }
        assert!(
            Instant::now() < deadline,
            "a message in {}",
            outbox.display()
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}
