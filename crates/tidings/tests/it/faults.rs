//! The site under faults and abuse that only real parts show: a full file system, slow
//! clients holding connections, malformed HTTP on a raw socket, two processes creating one
//! database, and a damaged database file.

use crate::support::*;
use reqwest::StatusCode;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// A small tmpfs mounted for one test, unmounted when dropped. Mounting needs root (or
/// CAP_SYS_ADMIN), which the test command and CI have.
struct SmallFileSystem {
    path: PathBuf,
    _folder: tempfile::TempDir,
}

impl SmallFileSystem {
    fn mount(megabytes: u32) -> SmallFileSystem {
        let folder = tempfile::tempdir().unwrap();
        let path = folder.path().join("small");
        std::fs::create_dir(&path).unwrap();
        let status = std::process::Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={megabytes}m"), "tmpfs"])
            .arg(&path)
            .status()
            .expect("mount runs");
        assert!(
            status.success(),
            "mounting a {megabytes} MB tmpfs needs root or CAP_SYS_ADMIN; run the tests as root"
        );
        SmallFileSystem {
            path,
            _folder: folder,
        }
    }

    /// Writes a file until the file system is full; returns its path.
    fn fill(&self) -> PathBuf {
        use std::io::Write;
        let filler = self.path.join("filler");
        let mut file = std::fs::File::create(&filler).unwrap();
        let block = vec![0_u8; 4096];
        while file.write_all(&block).is_ok() {}
        // Whatever is left is smaller than a block: take it byte by byte.
        while file.write_all(&[0]).is_ok() {}
        let _ = file.sync_all();
        filler
    }
}

impl Drop for SmallFileSystem {
    fn drop(&mut self) {
        let _ = std::process::Command::new("umount")
            .arg("-l")
            .arg(&self.path)
            .status();
    }
}

#[tokio::test]
async fn a_full_disk_acknowledges_nothing_it_did_not_store_and_recovers() {
    let disk = SmallFileSystem::mount(6);
    let data_path = disk.path.join("data");
    std::fs::create_dir(&data_path).unwrap();
    let data = tempfile::TempDir::new_in(&data_path).unwrap();
    if let Ok(url) = std::env::var("TEST_DATABASE_URL") {
        // On PostgreSQL the database is elsewhere; the mail queue is still on this disk.
        let url = tidings_store::fresh_schema_url(&url).await.unwrap();
        std::fs::write(
            data.path().join(tidings::config::CONFIG_FILE),
            format!("database_url = \"{url}\"\ndatabase_pool_size = 4\n"),
        )
        .unwrap();
    }
    let site = TestApp::spawn_in(data).await;
    site.open_discussion().await;
    site.settings(|settings| settings.manual_approval = true)
        .await;
    site.create_user(ADMIN_EMAIL, tidings_domain::Role::Administrator)
        .await;
    let article = site.article("Written on a full disk").await;
    let filler = disk.fill();

    let mut acknowledged = Vec::new();
    let mut refused = 0;
    for number in 0..40 {
        let reader = site.reader_from(std::net::IpAddr::from([127, 0, 4, number + 1]));
        let text = format!("Comment {number} posted while the disk is full");
        let response = reader.comment(&article, &[("comment", &text)]).await;
        match response.status() {
            StatusCode::SEE_OTHER => acknowledged.push(text),
            StatusCode::SERVICE_UNAVAILABLE => {
                refused += 1;
                assert!(response.headers().contains_key("retry-after"));
                let page = body(response).await;
                assert!(page.contains(&text), "the comment is kept in the form");
                assert!(page.contains("could not be saved"), "{page}");
            }
            other => panic!("comment {number}: {other}: {}", body(response).await),
        }
    }
    if !on_postgres() {
        assert!(refused > 0, "the disk never filled up");
        // Signing in writes a session: refused cleanly too.
        let response = site
            .reader()
            .submit_sign_in(ADMIN_EMAIL, ADMIN_PASSWORD)
            .await;
        assert!(
            matches!(
                response.status(),
                StatusCode::SEE_OTHER | StatusCode::SERVICE_UNAVAILABLE
            ),
            "{}",
            response.status()
        );
    }
    if !on_postgres() {
        // Settings and moderation write too: stored, or refused as a full disk, never worse.
        let mut settings = tidings::services::site::discussion_settings(&site.app)
            .await
            .unwrap();
        settings.thread_depth = 3;
        let saved = tidings::services::site::save_discussion_settings(&site.app, &settings).await;
        assert!(
            matches!(saved, Ok(()) | Err(tidings_store::StoreError::Full(_))),
            "{saved:?}"
        );
    }
    // The moderators' mail for the stored comments is held, not lost.
    let held = site.app.mailer.held_in_memory();

    std::fs::remove_file(filler).unwrap();
    // Space is back: the very next comment is stored, and held mail reaches the queue.
    let text = "Posted once there was room again";
    let response = site
        .reader_from("127.0.5.1".parse().unwrap())
        .comment(&article, &[("comment", text)])
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    acknowledged.push(text.to_owned());
    site.app
        .mailer
        .deliver_due(site.app.store.as_ref(), site.clock_now())
        .await;
    assert_eq!(site.app.mailer.held_in_memory(), 0, "{held} were held");

    // After a restart, every acknowledged comment is there.
    let data = site.stop().await;
    let site = TestApp::spawn_in(data).await;
    let moderator = site.sign_in(ADMIN_EMAIL).await;
    let queue = body(moderator.get("/admin/comments?status=pending").await).await;
    let stored = tidings_store::CommentQuery {
        status: Some(tidings_domain::CommentStatus::Pending),
        ..Default::default()
    };
    let listed = site
        .app
        .store
        .find_comments(&stored, tidings_store::KeysetPage::Newest, 100)
        .await
        .unwrap();
    for text in &acknowledged {
        assert!(
            listed
                .items
                .iter()
                .any(|queued| &queued.comment.content == text),
            "acknowledged but lost: {text} ({queue})"
        );
    }
    assert_eq!(
        listed.items.len(),
        acknowledged.len(),
        "nothing unacknowledged was stored"
    );
}

/// Opens a connection and sends the first bytes of a request head, never the rest.
async fn slow_client(address: std::net::SocketAddr) -> Option<TcpStream> {
    let mut stream = TcpStream::connect(address).await.ok()?;
    stream
        .write_all(b"GET / HTTP/1.1\r\nHost: x\r\nX-Slow: ")
        .await
        .ok()?;
    Some(stream)
}

/// Whether the server closed `stream` within `within`.
async fn closed_within(stream: &mut TcpStream, within: Duration) -> bool {
    let mut buffer = [0_u8; 256];
    let deadline = Instant::now() + within;
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        match tokio::time::timeout(left, stream.read(&mut buffer)).await {
            Ok(Ok(0)) | Ok(Err(_)) => return true,
            Ok(Ok(_)) => continue,
            Err(_) => return false,
        }
    }
}

#[tokio::test]
async fn a_thousand_slow_clients_do_not_stop_a_reader() {
    // The test holds both ends of every connection.
    rlimit::increase_nofile_limit(u64::MAX).unwrap();
    let data = data_folder().await;
    // Timeouts far longer than the test: only the cap can let the reader in.
    write_config(
        data.path(),
        "header_timeout_seconds = 600\nidle_timeout_seconds = 600\nmax_connections = 200\n",
    );
    let site = TestApp::spawn_in(data).await;
    let article = site.article("Read despite the slow").await;
    let mut slow = Vec::new();
    for _ in 0..1000 {
        if let Some(stream) = slow_client(site.address).await {
            slow.push(stream);
        }
    }
    assert!(slow.len() > 900, "{} slow clients connected", slow.len());
    let response = tokio::time::timeout(
        Duration::from_secs(30),
        site.reader().get(&article.permalink()),
    )
    .await
    .expect("the reader is served while the slow clients wait");
    assert_eq!(response.status(), StatusCode::OK);
    assert!(body(response).await.contains("Read despite the slow"));
    // The cap closed the slowest: the first to connect are gone.
    for stream in slow.iter_mut().take(50) {
        assert!(closed_within(stream, Duration::from_secs(30)).await);
    }
}

#[tokio::test]
async fn slow_heads_slow_bodies_and_idle_connections_are_closed() {
    let data = data_folder().await;
    write_config(
        data.path(),
        "header_timeout_seconds = 1\nbody_timeout_seconds = 1\nidle_timeout_seconds = 1\n",
    );
    let site = TestApp::spawn_in(data).await;
    let article = site.article("Patient").await;
    // A head that never ends.
    let mut head = slow_client(site.address).await.unwrap();
    assert!(closed_within(&mut head, Duration::from_secs(30)).await);
    // A body sent slowly is cut off, and told so.
    let mut stream = TcpStream::connect(site.address).await.unwrap();
    stream
        .write_all(
            format!(
                "POST /wp-comments-post.php HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 1000\r\n\r\ncomment_post_ID={}&comment=",
                article.id
            )
            .as_bytes(),
        )
        .await
        .unwrap();
    let mut answer = String::new();
    let _ = tokio::time::timeout(Duration::from_secs(30), stream.read_to_string(&mut answer)).await;
    assert!(answer.starts_with("HTTP/1.1 408"), "{answer}");
    // A connection that sends nothing, and one idle after a request, close.
    let mut silent = TcpStream::connect(site.address).await.unwrap();
    assert!(closed_within(&mut silent, Duration::from_secs(30)).await);
    let mut kept_alive = TcpStream::connect(site.address).await.unwrap();
    kept_alive
        .write_all(b"GET /robots.txt HTTP/1.1\r\nHost: x\r\n\r\n")
        .await
        .unwrap();
    assert!(closed_within(&mut kept_alive, Duration::from_secs(30)).await);
}

/// Sends raw bytes and reads the answer's status line.
async fn raw_status(address: std::net::SocketAddr, request: &[u8]) -> String {
    let mut stream = TcpStream::connect(address).await.unwrap();
    stream.write_all(request).await.unwrap();
    let mut answer = vec![0_u8; 4096];
    let read = tokio::time::timeout(Duration::from_secs(5), stream.read(&mut answer))
        .await
        .expect("an answer within 5 seconds")
        .unwrap();
    String::from_utf8_lossy(&answer[..read])
        .lines()
        .next()
        .unwrap_or_default()
        .to_owned()
}

#[tokio::test]
async fn malformed_http_gets_clear_answers_at_once() {
    let site = TestApp::spawn().await;
    let address = site.address;
    assert_eq!(
        raw_status(address, b"GET / HTTP/1.1\r\n\r\n").await,
        "HTTP/1.1 400 Bad Request",
        "no Host"
    );
    assert_eq!(
        raw_status(address, b"GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n").await,
        "HTTP/1.1 400 Bad Request",
        "two Hosts"
    );
    assert!(
        raw_status(address, b"GET / HTTP/1.0\r\n\r\n")
            .await
            .ends_with(" 200 OK"),
        "HTTP/1.0 needs none"
    );
    // A body declared over the limit is refused before it is sent, without 100 Continue.
    let huge = b"POST /wp-comments-post.php HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 999999999\r\nExpect: 100-continue\r\n\r\n";
    assert_eq!(
        raw_status(address, huge).await,
        "HTTP/1.1 413 Payload Too Large"
    );
    let admin = b"POST /admin/articles HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 5000000\r\n\r\n";
    assert_eq!(
        raw_status(address, admin).await,
        "HTTP/1.1 413 Payload Too Large"
    );
    // A form in another encoding is refused, not misread.
    let reader = site.reader();
    let response = reader
        .client
        .post(site.url("/wp-comments-post.php"))
        .header(
            "content-type",
            "application/x-www-form-urlencoded; charset=ISO-8859-1",
        )
        .body("comment_post_ID=1&comment=caf%E9")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    assert!(body(response).await.contains("UTF-8"));
}

#[tokio::test]
async fn serve_and_user_add_create_one_database_together() {
    for attempt in 0..12 {
        let data = tempfile::tempdir().unwrap();
        if let Ok(url) = std::env::var("TEST_DATABASE_URL") {
            let url = tidings_store::fresh_schema_url(&url).await.unwrap();
            std::fs::write(
                data.path().join(tidings::config::CONFIG_FILE),
                format!("database_url = \"{url}\"\n"),
            )
            .unwrap();
        }
        let path = data.path().to_owned();
        let adding = std::thread::spawn(move || {
            run_binary(
                &path,
                &[
                    "user",
                    "add",
                    "--email",
                    "owner@newsroom.example",
                    "--name",
                    "Olive Owner",
                    "--password-stdin",
                ],
                "correct horse battery staple\n",
            )
        });
        let serving = RunningBinary::start(data.path());
        let (ok, _, stderr) = adding.join().unwrap();
        assert!(ok, "attempt {attempt}: user add failed: {stderr}");
        let home = reqwest::get(format!("{}/", serving.base_url))
            .await
            .unwrap();
        assert_eq!(home.status(), StatusCode::OK, "attempt {attempt}");
        serving.kill();
    }
}

#[cfg(unix)]
#[tokio::test]
async fn the_data_folder_is_private_and_a_damaged_database_is_refused() {
    use std::os::unix::fs::PermissionsExt;
    if on_postgres() {
        return;
    }
    let parent = tempfile::tempdir().unwrap();
    let data = parent.path().join("site");
    let (ok, _, stderr) = run_binary(&data, &["migrate"], "");
    assert!(ok, "{stderr}");
    let mode = |path: &Path| std::fs::metadata(path).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode(&data), 0o700);
    assert_eq!(mode(&data.join("tidings.db")), 0o600);
    let (ok, _, _) = run_binary(
        &data,
        &[
            "user",
            "add",
            "--email",
            "a@newsroom.example",
            "--name",
            "A",
            "--password-stdin",
        ],
        "correct horse battery staple\n",
    );
    assert!(ok);
    for folder in ["mail", "mail/queue", "mail/outbox"] {
        assert_eq!(mode(&data.join(folder)), 0o700, "{folder}");
    }

    // Garbage over the page that holds the settings (the signing key among them): the next
    // command says so and stops.
    damage_table(&data.join("tidings.db"), "settings").await;
    let (ok, _, stderr) = run_binary(&data, &["migrate"], "");
    assert!(!ok, "a damaged database was opened");
    assert!(stderr.contains("is damaged"), "{stderr}");
}

/// Writes garbage over the first page of `table`, after folding the WAL into the file so
/// that the damaged page is the one SQLite reads.
async fn damage_table(database: &Path, table: &str) {
    use sqlx::Connection;
    let options = sqlx::sqlite::SqliteConnectOptions::new().filename(database);
    let mut connection = sqlx::SqliteConnection::connect_with(&options)
        .await
        .unwrap();
    sqlx::query("PRAGMA wal_checkpoint(TRUNCATE)")
        .execute(&mut connection)
        .await
        .unwrap();
    let root_page: i64 = sqlx::query_scalar("SELECT rootpage FROM sqlite_master WHERE name = ?")
        .bind(table)
        .fetch_one(&mut connection)
        .await
        .unwrap();
    connection.close().await.unwrap();
    let mut bytes = std::fs::read(database).unwrap();
    let start = usize::try_from(root_page - 1).unwrap() * 4096;
    for byte in &mut bytes[start..start + 4096] {
        *byte = 0xA5;
    }
    std::fs::write(database, bytes).unwrap();
}

#[tokio::test]
async fn a_site_whose_database_is_damaged_closes_instead_of_failing_page_by_page() {
    if on_postgres() {
        return;
    }
    let data = tempfile::tempdir().unwrap();
    let (ok, _, stderr) = run_binary(data.path(), &["migrate"], "");
    assert!(ok, "{stderr}");
    // Damage `serve` does not touch while starting: the check beside the first requests
    // finds it, and from then on every request says the site is closed.
    damage_table(&data.path().join("tidings.db"), "comment_reports").await;
    let serving = RunningBinary::start(data.path());
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let response = reqwest::get(format!("{}/robots.txt", serving.base_url))
            .await
            .unwrap();
        if response.status() == StatusCode::SERVICE_UNAVAILABLE {
            assert!(
                body(response)
                    .await
                    .contains("closed while its database is repaired")
            );
            break;
        }
        assert!(Instant::now() < deadline, "the damage was never noticed");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}
