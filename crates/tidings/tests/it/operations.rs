//! What an operator's tools see: the health checks, `/metrics`, request ids and the log
//! lines, a graceful stop on SIGTERM, and the systemd unit.

use crate::support::*;
use reqwest::StatusCode;
use reqwest::header::{CACHE_CONTROL, CONTENT_TYPE, WWW_AUTHENTICATE};

const TOKEN: &str = "metrics-token-for-the-tests";

async fn text(response: reqwest::Response) -> (StatusCode, String) {
    let status = response.status();
    (status, response.text().await.unwrap())
}

#[tokio::test]
async fn health_and_readiness_answer_in_one_word() {
    let site = TestApp::spawn().await;
    let reader = site.reader();
    let health = reader.get("/healthz").await;
    assert_eq!(health.headers()[CACHE_CONTROL], "no-store");
    assert_eq!(text(health).await, (StatusCode::OK, "ok\n".into()));
    assert_eq!(
        text(reader.get("/readyz").await).await,
        (StatusCode::OK, "ready\n".into())
    );

    // A database at a schema this program does not know (a newer node migrated it) is not
    // ready; the process is still healthy.
    execute(
        &site,
        "INSERT INTO schema_migrations (version, name, applied_at) VALUES (9999, 'future', 0)",
    )
    .await;
    assert_eq!(
        text(reader.get("/readyz").await).await,
        (StatusCode::SERVICE_UNAVAILABLE, "not ready\n".into())
    );
    assert_eq!(reader.get("/healthz").await.status(), StatusCode::OK);
    execute(&site, "DELETE FROM schema_migrations WHERE version = 9999").await;
    assert_eq!(reader.get("/readyz").await.status(), StatusCode::OK);

    // A database found damaged: every page is a 503, readiness says no, health says the
    // process is up; neither says why (the log does).
    let _ = site.app.health.damaged.set("page 7 is damaged".into());
    assert_eq!(
        reader.get("/").await.status(),
        StatusCode::SERVICE_UNAVAILABLE
    );
    assert_eq!(
        text(reader.get("/readyz").await).await,
        (StatusCode::SERVICE_UNAVAILABLE, "not ready\n".into())
    );
    assert_eq!(
        text(reader.get("/healthz").await).await,
        (StatusCode::OK, "ok\n".into())
    );
}

/// Runs `sql` on the test site's database, to put it in a state the app never writes.
async fn execute(site: &TestApp, sql: &str) {
    use sqlx::Connection;
    let configured = std::fs::read_to_string(site.data.path().join("tidings.toml"))
        .unwrap_or_default()
        .lines()
        .find_map(|line| line.strip_prefix("database_url = ").map(str::to_owned));
    match configured {
        Some(quoted) => {
            let mut connection = sqlx::PgConnection::connect(quoted.trim_matches('"'))
                .await
                .unwrap();
            sqlx::query(sql).execute(&mut connection).await.unwrap();
        }
        None => {
            let options = sqlx::sqlite::SqliteConnectOptions::new()
                .filename(site.data.path().join("tidings.db"));
            let mut connection = sqlx::SqliteConnection::connect_with(&options)
                .await
                .unwrap();
            sqlx::query(sql).execute(&mut connection).await.unwrap();
        }
    }
}

#[tokio::test]
async fn metrics_are_served_only_to_the_token_or_an_allowed_address() {
    // Not configured: not there at all.
    let site = TestApp::spawn().await;
    assert_eq!(
        site.reader().get("/metrics").await.status(),
        StatusCode::NOT_FOUND
    );
    let data = site.stop().await;

    write_config(data.path(), &format!("metrics_token = \"{TOKEN}\"\n"));
    let site = TestApp::spawn_in(data).await;
    let client = reqwest::Client::new();
    let without = client.get(site.url("/metrics")).send().await.unwrap();
    assert_eq!(without.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(
        without.headers()[WWW_AUTHENTICATE],
        "Bearer realm=\"metrics\""
    );
    let wrong = client
        .get(site.url("/metrics"))
        .bearer_auth("metrics-token-for-the-test")
        .send()
        .await
        .unwrap();
    assert_eq!(wrong.status(), StatusCode::UNAUTHORIZED);
    let right = client
        .get(site.url("/metrics"))
        .bearer_auth(TOKEN)
        .send()
        .await
        .unwrap();
    assert_eq!(right.status(), StatusCode::OK);
    assert_eq!(
        right.headers()[CONTENT_TYPE],
        "application/openmetrics-text; version=1.0.0; charset=utf-8"
    );
    assert_eq!(right.headers()[CACHE_CONTROL], "no-store");
    let data = site.stop().await;

    // An allowed address needs no token; any other address gets a 403.
    write_config(data.path(), "metrics_allowed = [\"127.0.0.1\"]\n");
    let site = TestApp::spawn_in(data).await;
    assert_eq!(site.reader().get("/metrics").await.status(), StatusCode::OK);
    let data = site.stop().await;
    write_config(data.path(), "metrics_allowed = [\"192.0.2.7\"]\n");
    let site = TestApp::spawn_in(data).await;
    assert_eq!(
        site.reader().get("/metrics").await.status(),
        StatusCode::FORBIDDEN
    );
}

/// The value of the series `name` (with its labels, as written) in a scrape.
/// What Prometheus would read from `site`, with the token.
async fn scrape(site: &TestApp) -> String {
    reqwest::Client::new()
        .get(site.url("/metrics"))
        .bearer_auth(TOKEN)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap()
}

fn sample(scrape: &str, series: &str) -> Option<f64> {
    scrape.lines().find_map(|line| {
        let value = line.strip_prefix(series)?.strip_prefix(' ')?;
        value.parse().ok()
    })
}

#[tokio::test]
async fn metrics_count_requests_cache_comments_sign_ins_mail_and_pools() {
    let data = data_folder().await;
    write_config(data.path(), &format!("metrics_token = \"{TOKEN}\"\n"));
    let site = TestApp::spawn_in(data).await;
    site.create_user(ADMIN_EMAIL, tidings_domain::Role::Editor)
        .await;
    // A first-time commenter waits for a moderator (WordPress's default).
    let article = site.article("Counted").await;
    let scrape = || scrape(&site);
    let article_route = r#"route="/{year}/{month}/{slug}/""#;
    let before = scrape().await;

    let reader = site.reader();
    let path = article.permalink();
    for _ in 0..3 {
        assert_eq!(reader.get(&path).await.status(), StatusCode::OK);
    }
    assert_eq!(
        reader.get("/nowhere/at/all/in/this/site/").await.status(),
        StatusCode::NOT_FOUND
    );
    let held = reader
        .comment(&article, &[("comment", "Held for a moderator, counted.")])
        .await;
    assert_eq!(held.status(), StatusCode::SEE_OTHER);
    let refused = reader.comment(&article, &[("comment", "")]).await;
    assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);
    // Sign-ins: a wrong password, a right one, a stale code step, a forged passkey answer.
    let staff = site.reader();
    let wrong = staff.submit_sign_in(ADMIN_EMAIL, "not the password").await;
    assert_eq!(wrong.status(), StatusCode::UNAUTHORIZED);
    let right = staff.submit_sign_in(ADMIN_EMAIL, ADMIN_PASSWORD).await;
    assert_eq!(right.status(), StatusCode::SEE_OTHER);
    let stale = staff
        .post(
            "/admin/login/code",
            &[("ticket", "1.2.3.4.5"), ("code", "1")],
        )
        .await;
    assert_eq!(stale.status(), StatusCode::UNAUTHORIZED);
    let forged = staff
        .post(
            "/admin/login/passkey",
            &[("ceremony", "1.e30.00"), ("credential", "{}")],
        )
        .await;
    assert_eq!(forged.status(), StatusCode::UNAUTHORIZED);

    let after = scrape().await;
    let grew = |series: &str, by: f64| {
        let was = sample(&before, series).unwrap_or(0.0);
        let is = sample(&after, series).unwrap_or_else(|| {
            panic!(
                "{series} in\n{}",
                &after[..after.find("# HELP tidings_http_request_duration").unwrap()]
            )
        });
        assert_eq!(is - was, by, "{series}");
    };
    grew(
        &format!(r#"tidings_http_requests_total{{method="GET",{article_route},status="200"}}"#),
        3.0,
    );
    grew(
        r#"tidings_http_requests_total{method="GET",route="/{*page}",status="404"}"#,
        1.0,
    );
    grew(
        r#"tidings_http_requests_total{method="POST",route="/wp-comments-post.php",status="303"}"#,
        1.0,
    );
    grew(
        &format!(r#"tidings_http_request_duration_seconds_count{{{article_route}}}"#),
        3.0,
    );
    // The first view rendered the page into the cache, the next two were served from it.
    grew(
        r#"tidings_sign_ins_total{method="password",outcome="refused"}"#,
        1.0,
    );
    grew(
        r#"tidings_sign_ins_total{method="password",outcome="signed_in"}"#,
        1.0,
    );
    grew(
        r#"tidings_sign_ins_total{method="code",outcome="expired"}"#,
        1.0,
    );
    grew(
        r#"tidings_sign_ins_total{method="passkey",outcome="expired"}"#,
        1.0,
    );
    grew(r#"tidings_page_cache_requests_total{outcome="miss"}"#, 1.0);
    grew(r#"tidings_page_cache_requests_total{outcome="hit"}"#, 2.0);
    grew(
        r#"tidings_comments_submitted_total{verdict="pending"}"#,
        1.0,
    );
    grew(
        r#"tidings_comments_submitted_total{verdict="refused"}"#,
        1.0,
    );
    // The moderators' mail about the held comment waits in the queue until the sender's
    // next pass; either way the series is there, with the pools'.
    assert!(
        sample(&after, "tidings_mail_queue_length").is_some(),
        "{after}"
    );
    assert!(sample(&after, "tidings_mail_delivery_failures_total").is_some());
    assert!(sample(&after, r#"tidings_job_lag_seconds{job="webhooks"}"#).is_some());
    let pool = if on_postgres() { "postgres" } else { "write" };
    let open = sample(
        &after,
        &format!(r#"tidings_database_connections{{pool="{pool}",state="idle"}}"#),
    )
    .unwrap()
        + sample(
            &after,
            &format!(r#"tidings_database_connections{{pool="{pool}",state="busy"}}"#),
        )
        .unwrap();
    assert!(open >= 1.0, "{after}");
    // The addresses asked for never become labels.
    assert!(!after.contains(&article.slug.to_string()), "{after}");
    assert!(!after.contains("/nowhere/"), "{after}");
}

/// The mail series say what an operator needs to know when mail does not go: failed
/// attempts, messages set aside, the queue, and how long the oldest due message has waited.
#[tokio::test]
async fn metrics_show_mail_that_cannot_be_sent_and_how_far_behind_it_is() {
    // A mail server address where nothing listens: every attempt fails at once.
    let dead_port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|listener| listener.local_addr())
        .unwrap()
        .port();
    let data = data_folder().await;
    write_config(
        data.path(),
        &format!(
            "metrics_token = \"{TOKEN}\"\nsmtp_url = \"smtp://127.0.0.1:{dead_port}\"\nmail_from = \"news@daily.example\"\n"
        ),
    );
    let site = TestApp::spawn_in(data).await;
    site.create_user(ADMIN_EMAIL, tidings_domain::Role::Administrator)
        .await;
    let article = site.article("Undelivered").await;
    let scrape = || scrape(&site);
    let store = site.app.store.clone();
    // A held comment queues the moderator's mail, and the sender tries it: once, whether
    // its own pass or this one comes first (each attempt moves the next one on).
    let held = |email: &'static str| {
        let (site, article, store) = (&site, &article, store.clone());
        async move {
            let response = site
                .reader()
                .comment(article, &[("email", email), ("comment", email)])
                .await;
            assert_eq!(response.status(), StatusCode::SEE_OTHER);
            let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
            while site.app.mailer.queued() == 0 {
                assert!(std::time::Instant::now() < deadline, "the mail was queued");
                tokio::time::sleep(std::time::Duration::from_millis(20)).await;
            }
            site.app
                .mailer
                .deliver_due(store.as_ref(), site.clock_now())
                .await;
        }
    };
    held("first@readers.example").await;
    let after_one = scrape().await;
    assert_eq!(
        sample(&after_one, "tidings_mail_delivery_failures_total"),
        Some(1.0),
        "{after_one}"
    );
    assert_eq!(sample(&after_one, "tidings_mail_queue_length"), Some(1.0));
    assert_eq!(
        sample(&after_one, "tidings_mail_failed_messages"),
        Some(0.0)
    );
    // Waiting for its next attempt is not lag.
    assert_eq!(
        sample(&after_one, r#"tidings_job_lag_seconds{job="mail"}"#),
        Some(0.0)
    );

    // Every later attempt fails too, until the message is set aside.
    let mut attempts = 1.0;
    while site.app.mailer.queued() > 0 {
        assert!(attempts < 50.0, "the message is set aside at last");
        site.clock.advance(time::Duration::days(2));
        site.app
            .mailer
            .deliver_due(store.as_ref(), site.clock_now())
            .await;
        attempts += 1.0;
    }
    let set_aside = scrape().await;
    assert_eq!(
        sample(&set_aside, "tidings_mail_delivery_failures_total"),
        Some(attempts)
    );
    assert_eq!(sample(&set_aside, "tidings_mail_queue_length"), Some(0.0));
    assert_eq!(
        sample(&set_aside, "tidings_mail_failed_messages"),
        Some(1.0)
    );

    // A sender that no longer runs (as a stuck one would not): a message due a minute after
    // its first attempt has waited 29 minutes when half an hour has passed.
    held("second@readers.example").await;
    site.app.mailer.stop().await;
    site.clock.advance(time::Duration::minutes(30));
    let behind = scrape().await;
    assert_eq!(
        sample(&behind, r#"tidings_job_lag_seconds{job="mail"}"#),
        Some(29.0 * 60.0),
        "{behind}"
    );
    assert_eq!(sample(&behind, "tidings_mail_queue_length"), Some(1.0));
    assert_eq!(
        sample(&behind, "tidings_mail_delivery_failures_total"),
        Some(attempts + 1.0)
    );
}

#[tokio::test]
async fn every_answer_carries_a_request_id() {
    let site = TestApp::spawn().await;
    let client = reqwest::Client::new();
    let fresh = client.get(site.url("/")).send().await.unwrap();
    let id = fresh.headers()["x-request-id"].to_str().unwrap().to_owned();
    assert_eq!(id.len(), 16, "{id}");
    assert!(id.bytes().all(|byte| byte.is_ascii_hexdigit()), "{id}");
    let other = client.get(site.url("/")).send().await.unwrap();
    assert_ne!(other.headers()["x-request-id"], id.as_str());

    // A proxy's id is kept, so its log and the site's can be joined; one that could forge
    // a log line is replaced.
    let handed_on = client
        .get(site.url("/healthz"))
        .header("X-Request-Id", "edge-7f3a.1")
        .send()
        .await
        .unwrap();
    assert_eq!(handed_on.headers()["x-request-id"], "edge-7f3a.1");
    let forged = client
        .get(site.url("/healthz"))
        .header("X-Request-Id", "a\" forged=\"1")
        .send()
        .await
        .unwrap();
    assert_ne!(forged.headers()["x-request-id"], "a\" forged=\"1");
    assert_eq!(forged.headers()["x-request-id"].len(), 16);
    // Errors carry one too.
    let missing = client.get(site.url("/no/such/page/")).send().await.unwrap();
    assert_eq!(missing.status(), StatusCode::NOT_FOUND);
    assert!(missing.headers().contains_key("x-request-id"));
}

/// SIGTERM: the listener closes at once, a request in flight is finished and answered,
/// and the process exits 0; its log lines are JSON, one per request, with the request's id.
#[tokio::test]
async fn sigterm_finishes_what_is_in_flight_and_exits_cleanly() {
    use std::io::{Read, Write};
    let data = data_folder().await;
    let logs = tempfile::NamedTempFile::new().unwrap();
    let binary = RunningBinary::start_logging(
        data.path(),
        &[
            ("TIDINGS_LOG_FORMAT", "json"),
            ("RUST_LOG", "info,sqlx=warn,tidings::web::server=debug"),
        ],
        logs.reopen().unwrap().into(),
    );
    let address = binary.base_url.trim_start_matches("http://").to_owned();

    // A request whose body is still arriving when the signal comes: the server has begun
    // reading it once it answers `100 Continue`.
    let mut slow = std::net::TcpStream::connect(&address).unwrap();
    let body = "comment_post_ID=1&comment_parent=0&author=Ada&email=ada%40readers.example&url=&comment=Sent+while+the+site+stops.";
    write!(
        slow,
        "POST /wp-comments-post.php HTTP/1.1\r\nHost: {address}\r\nX-Request-Id: slow-one\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\nExpect: 100-continue\r\nConnection: close\r\n\r\n",
        body.len(),
    )
    .unwrap();
    slow.flush().unwrap();
    let mut interim = [0_u8; 25];
    slow.read_exact(&mut interim).unwrap();
    assert_eq!(&interim, b"HTTP/1.1 100 Continue\r\n\r\n");

    let child_id = binary.child.id();
    let stopping = std::thread::spawn(move || binary.terminate());
    // The listener closes: a new connection is refused (polled, as the signal is handled
    // on the process's own time).
    let mut refused = false;
    for _ in 0..200 {
        if std::net::TcpStream::connect(&address).is_err() {
            refused = true;
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(25));
    }
    assert!(
        refused,
        "process {child_id} still accepts connections after SIGTERM"
    );
    slow.write_all(body.as_bytes()).unwrap();
    let mut answer = String::new();
    let read = slow.read_to_string(&mut answer);
    let status = stopping.join().unwrap();
    // The site's log (its panics too) says what it did, should the answer be missing.
    let mut log = String::new();
    logs.reopen().unwrap().read_to_string(&mut log).unwrap();
    assert!(
        read.is_ok() && answer.starts_with("HTTP/1.1 "),
        "the request in flight is answered: {read:?} {answer:?}\n{log}"
    );
    assert!(answer.contains("x-request-id: slow-one"), "{answer}");
    assert!(status.success(), "exits 0 after SIGTERM: {status:?}\n{log}");

    let lines: Vec<serde_json::Value> = log
        .lines()
        .map(|line| serde_json::from_str(line).unwrap_or_else(|_| panic!("not JSON: {line}")))
        .collect();
    let answered = lines
        .iter()
        .find(|line| line["message"] == "answered" && line["span"]["request_id"] == "slow-one")
        .unwrap_or_else(|| panic!("the slow request's line in\n{log}"));
    assert_eq!(answered["route"], "/wp-comments-post.php");
    assert_eq!(answered["method"], "POST");
    assert!(answered["status"].as_u64().is_some());
    assert!(lines.iter().any(|line| line["message"] == "shutting down"));
}

/// A SIGTERM that comes the moment the site says it serves is a clean stop too: the site
/// listens for the signal before it says so (listening only once its loop first ran, it
/// was killed outright by a signal sent in between, in the middle of whatever it did).
#[tokio::test]
async fn sigterm_right_after_the_banner_is_a_clean_stop() {
    let data = data_folder().await;
    for _ in 0..5 {
        let binary = RunningBinary::start(data.path());
        let status = tokio::task::spawn_blocking(move || binary.terminate())
            .await
            .unwrap();
        assert!(status.success(), "exits 0 after SIGTERM: {status:?}");
    }
}

/// The unit file as shipped passes systemd's own check, warnings included, with only its
/// program's path changed to the one just built.
#[test]
fn the_systemd_unit_passes_systemd_analyze_verify() {
    let Ok(version) = std::process::Command::new("systemd-analyze")
        .arg("--version")
        .output()
    else {
        eprintln!("systemd-analyze is not installed here; the unit file is not checked");
        return;
    };
    assert!(version.status.success());
    let unit = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../packaging/tidings.service"
    ))
    .unwrap();
    assert!(unit.contains("ExecStart=/usr/local/bin/tidings "));
    let folder = tempfile::tempdir().unwrap();
    let path = folder.path().join("tidings.service");
    std::fs::write(
        &path,
        unit.replace("/usr/local/bin/tidings", env!("CARGO_BIN_EXE_tidings")),
    )
    .unwrap();
    let output = std::process::Command::new("systemd-analyze")
        .arg("verify")
        .arg(&path)
        .output()
        .unwrap();
    let said = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{said}");
    assert!(said.trim().is_empty(), "systemd-analyze warns: {said}");
}
