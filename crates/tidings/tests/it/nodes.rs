//! Several app nodes over one PostgreSQL database, as behind a load balancer: whatever one
//! node decides or caches holds on the others. A SQLite site is one process (its page cache
//! relies on that), so these tests run in the PostgreSQL pass of `scripts/test`.

use crate::support::*;
use reqwest::StatusCode;

/// Two nodes with separate data folders and the same PostgreSQL database, or `None` (and a
/// note) on a SQLite run.
async fn two_nodes() -> Option<(TestApp, TestApp)> {
    if !on_postgres() {
        eprintln!("skipped: several nodes share a PostgreSQL database; set TEST_DATABASE_URL");
        return None;
    }
    let first = data_folder().await;
    let second = tempfile::tempdir().unwrap();
    let config = first.path().join(tidings::config::CONFIG_FILE);
    std::fs::copy(&config, second.path().join(tidings::config::CONFIG_FILE)).unwrap();
    let node_a = TestApp::spawn_in(first).await;
    let node_b = TestApp::spawn_in(second).await;
    Some((node_a, node_b))
}

/// The same browser, talking to another node.
fn on(node: &TestApp, reader: &Reader) -> Reader {
    Reader {
        client: reader.client.clone(),
        base: node.url(""),
    }
}

#[tokio::test]
async fn a_comment_posted_on_one_node_and_approved_on_another_shows_everywhere() {
    let Some((node_a, node_b)) = two_nodes().await else {
        return;
    };
    let article = node_a.article("Two nodes, one story").await;
    node_a
        .create_user(ADMIN_EMAIL, tidings_domain::Role::Administrator)
        .await;

    // Signed in on A; the session works on B.
    let moderator = node_a.sign_in(ADMIN_EMAIL).await;
    let moderator_on_b = Moderator {
        reader: on(&node_b, &moderator.reader),
        csrf: moderator.csrf.clone(),
    };
    assert_eq!(
        moderator_on_b.get("/admin/comments").await.status(),
        StatusCode::OK,
        "a session from A works on B"
    );

    let reader_on_a = node_a.reader();
    let response = reader_on_a
        .comment(&article, &[("comment", "Posted on node A")])
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let id = comment_id(&location(&response));
    // The signed pending link from A works on B: both sign with the key in the database.
    let pending = location(&response);
    let page = body(
        on(&node_b, &reader_on_a)
            .get(pending.split('#').next().unwrap())
            .await,
    )
    .await;
    assert!(
        page.contains("Your comment is awaiting moderation."),
        "B shows A's pending link"
    );

    // A has the article cached; approved on B with the CSRF token of the session made on A.
    reader_on_a.get(&article.permalink()).await;
    let cached = reader_on_a.get(&article.permalink()).await;
    assert_eq!(cached.headers()["x-cache"], "HIT");
    let response = moderator_on_b.moderate("approve", &[id]).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let page = body(reader_on_a.get(&article.permalink()).await).await;
    assert!(
        page.contains("Posted on node A") && page.contains("1 Comment"),
        "visible on A at once"
    );

    // Flood control counts across nodes.
    node_a
        .settings(|settings| settings.require_previously_approved = false)
        .await;
    node_a.clock.advance(time::Duration::minutes(1));
    node_b.clock.advance(time::Duration::minutes(1));
    assert_eq!(
        reader_on_a
            .comment(&article, &[("comment", "first on A")])
            .await
            .status(),
        StatusCode::SEE_OTHER
    );
    let response = on(&node_b, &reader_on_a)
        .comment(&article, &[("comment", "then on B")])
        .await;
    assert_eq!(
        response.status(),
        StatusCode::TOO_MANY_REQUESTS,
        "a flood limit hit on A holds on B"
    );

    // Settings changed on one node apply on the other at once.
    moderator_on_b
        .post(
            "/admin/settings/discussion",
            &[
                ("require_name_email", "1"),
                ("max_links", "2"),
                ("flood_interval_seconds", "0"),
                ("thread_depth", "5"),
                ("manual_approval", "1"),
            ],
        )
        .await;
    node_a.clock.advance(time::Duration::minutes(1));
    let response = reader_on_a
        .comment(&article, &[("comment", "under manual approval now")])
        .await;
    assert!(
        location(&response).contains("unapproved="),
        "A follows the settings saved on B"
    );
}

#[tokio::test]
async fn a_scheduled_article_appears_once_on_every_node_when_its_time_comes() {
    let Some((node_a, node_b)) = two_nodes().await else {
        return;
    };
    let scheduled = node_a
        .article_with("Embargoed until noon", |input| {
            input.published_at = Some(START + time::Duration::hours(1))
        })
        .await;
    for node in [&node_a, &node_b] {
        assert_eq!(
            node.reader().get(&scheduled.permalink()).await.status(),
            StatusCode::NOT_FOUND
        );
    }
    node_a.clock.advance(time::Duration::hours(2));
    node_b.clock.advance(time::Duration::hours(2));
    for node in [&node_a, &node_b] {
        assert_eq!(
            node.reader().get(&scheduled.permalink()).await.status(),
            StatusCode::OK
        );
        let front = body(node.reader().get("/").await).await;
        assert_eq!(
            front.matches("Embargoed until noon</a></h2>").count(),
            1,
            "listed once"
        );
    }
}

#[tokio::test]
async fn every_node_offers_the_same_setup_link() {
    let Some((node_a, node_b)) = two_nodes().await else {
        return;
    };
    let token_a = tidings::services::site::issue_setup_token(&node_a.app)
        .await
        .unwrap()
        .unwrap();
    let token_b = tidings::services::site::issue_setup_token(&node_b.app)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(token_a, token_b);
    let response = node_b
        .reader()
        .get(&format!("/admin/setup?token={token_a}"))
        .await;
    assert_eq!(response.status(), StatusCode::OK);
}

/// A node rides out a database restart without being restarted itself. It restarts the
/// shared test server, so it runs only when asked (`scripts/test` runs it on its own).
#[tokio::test]
async fn a_node_survives_a_database_restart() {
    let Ok(restart) = std::env::var("TEST_POSTGRES_RESTART") else {
        eprintln!("skipped: set TEST_POSTGRES_RESTART (scripts/with-postgres does) to run it");
        return;
    };
    if std::env::var("TIDINGS_TEST_DATABASE_RESTART").is_err() {
        eprintln!("skipped: it restarts the shared database, so scripts/test runs it alone");
        return;
    }
    let site = TestApp::spawn().await;
    site.open_discussion().await;
    let article = site.article("Through a restart").await;
    let reader = site.reader();
    assert_eq!(
        reader.get(&article.permalink()).await.status(),
        StatusCode::OK
    );

    let status = std::process::Command::new(&restart).status().unwrap();
    assert!(status.success(), "the database restarted");

    assert_eq!(
        reader.get(&article.permalink()).await.status(),
        StatusCode::OK,
        "reads work again"
    );
    let response = reader
        .comment(&article, &[("comment", "after the restart")])
        .await;
    assert_eq!(
        response.status(),
        StatusCode::SEE_OTHER,
        "writes work again"
    );
    assert!(
        body(reader.get(&article.permalink()).await)
            .await
            .contains("after the restart")
    );
}

#[tokio::test]
async fn behind_a_trusted_proxy_each_reader_keeps_their_own_address() {
    let data = data_folder().await;
    write_config(data.path(), "trusted_proxies = [\"127.0.0.1\"]\n");
    let site = TestApp::spawn_in(data).await;
    site.settings(|settings| settings.require_previously_approved = false)
        .await;
    let article = site.article("Behind nginx").await;
    let post = |reader: Reader, forwarded_for: &'static str, text: &'static str| {
        let article_id = article.id.to_string();
        async move {
            let form = [
                ("comment_post_ID", article_id.as_str()),
                ("comment_parent", "0"),
                ("author", text),
                ("email", ""),
                ("comment", text),
            ];
            reader
                .client
                .post(format!("{}/wp-comments-post.php", reader.base))
                .header("x-forwarded-for", forwarded_for)
                .form(&form)
                .send()
                .await
                .unwrap()
        }
    };
    site.settings(|settings| settings.require_name_email = false)
        .await;
    let stored_ip = |response: reqwest::Response| {
        let store = site.app.store.clone();
        async move {
            let id = comment_id(&location(&response));
            store
                .comment_by_id(tidings_domain::CommentId(id))
                .await
                .unwrap()
                .unwrap()
                .ip
        }
    };

    // Through the proxy: the reader's address, even past a spoofed entry further left.
    let response = post(site.reader(), "6.6.6.6, 203.0.113.50", "first reader").await;
    assert_eq!(stored_ip(response).await, "203.0.113.50");
    // Another reader through the same proxy is not flooded by the first.
    let response = post(site.reader(), "203.0.113.51", "second reader").await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(stored_ip(response).await, "203.0.113.51");
    // The same reader again is.
    assert_eq!(
        post(site.reader(), "203.0.113.50", "first again")
            .await
            .status(),
        StatusCode::TOO_MANY_REQUESTS
    );
    // Not through the proxy: the header is the client's own word, and ignored.
    let direct = site.reader_from("127.0.0.2".parse().unwrap());
    let response = post(direct, "203.0.113.99", "direct").await;
    assert_eq!(stored_ip(response).await, "127.0.0.2");
}

/// Images in an S3-compatible object store (`scripts/with-s3` starts one): uploaded on one
/// node, listed and served by another whose data folder never saw the file.
#[tokio::test]
async fn an_image_uploaded_on_one_node_is_served_by_another_from_the_object_store() {
    let Ok(endpoint) = std::env::var("TEST_S3_ENDPOINT") else {
        eprintln!("skipped: set TEST_S3_ENDPOINT (scripts/with-s3 starts a server)");
        return;
    };
    if !on_postgres() {
        eprintln!("skipped: several nodes share a PostgreSQL database; set TEST_DATABASE_URL");
        return;
    }
    // A bucket of its own, so runs and tests never meet.
    let bucket = format!(
        "tidings-{}",
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_nanos()
    );
    let created = reqwest::Client::new()
        .put(format!("{endpoint}/{bucket}"))
        .send()
        .await
        .unwrap();
    assert!(created.status().is_success(), "{created:?}");
    let first = data_folder().await;
    write_config(
        first.path(),
        &format!("media_url = \"s3://{bucket}/site-media\"\n"),
    );
    let second = tempfile::tempdir().unwrap();
    std::fs::copy(
        first.path().join(tidings::config::CONFIG_FILE),
        second.path().join(tidings::config::CONFIG_FILE),
    )
    .unwrap();
    let node_a = TestApp::spawn_in(first).await;
    let node_b = TestApp::spawn_in(second).await;

    let editor = node_a.moderator().await;
    let original = crate::media::with_gps(&crate::media::photo(900, 1200));
    let response = crate::media::upload(&editor, original, "quay.jpg", "The quay", false).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let location = location(&response);
    let key = &location[location.find("uploaded=").unwrap() + 9..][..16];

    // Neither node keeps it in its data folder.
    for node in [&node_a, &node_b] {
        let local = node.data.path().join("media").join(key);
        assert!(!local.exists(), "{local:?}");
    }
    let reader_b = node_b.reader();
    for width in [320, 640, 1024, 1200] {
        let served = reader_b.get(&format!("/media/{key}/{width}.jpg")).await;
        assert_eq!(served.status(), StatusCode::OK, "{width}");
        assert_eq!(served.headers()["content-type"], "image/jpeg");
        let bytes = served.bytes().await.unwrap();
        assert_eq!(image::load_from_memory(&bytes).unwrap().width(), width);
        assert!(!bytes.windows(4).any(|window| window == b"Exif"));
    }
    // The files are where media_url says, the original beside them.
    let listing = reqwest::get(format!(
        "{endpoint}/{bucket}?list-type=2&prefix=site-media/"
    ))
    .await
    .unwrap()
    .text()
    .await
    .unwrap();
    assert!(
        listing.contains(&format!("site-media/{key}/320.jpg")),
        "{listing}"
    );
    assert!(
        listing.contains(&format!("site-media/originals/{key}.jpg")),
        "{listing}"
    );
    assert_eq!(
        reader_b
            .get(&format!("/media/{key}/999.jpg"))
            .await
            .status(),
        StatusCode::NOT_FOUND
    );
    // The library on B lists it.
    let editor_on_b = Moderator {
        reader: on(&node_b, &editor.reader),
        csrf: editor.csrf.clone(),
    };
    let library = body(editor_on_b.get("/admin/media").await).await;
    assert!(
        library.contains(&format!("![The quay](/media/{key}/1200.jpg)")),
        "{library}"
    );
}
