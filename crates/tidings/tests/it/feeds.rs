//! Issue #12: feeds. Every feed (RSS 2.0 and Atom; the site's, a section's, a tag's, an
//! author's; the comment feeds) is read by feedparser, the Python feed library, with no
//! error: titles, absolute links, dates with their time zone, authors and categories as
//! written, and no commenter's email anywhere. Pages name their feeds for discovery.

use crate::support::*;
use reqwest::StatusCode;
use serde_json::Value;

/// What feedparser understood of `xml` (`tests/feeds/read_feed.py`).
fn read_feed(xml: &str) -> Value {
    use std::io::Write;
    let python = std::env::var("TIDINGS_FEEDPARSER").unwrap_or_else(|_| {
        concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../target/py-venv/bin/python"
        )
        .to_owned()
    });
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/feeds/read_feed.py");
    let mut child = std::process::Command::new(&python)
        .arg(script)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap_or_else(|error| {
            panic!("{python} runs feedparser (scripts/test installs it): {error}")
        });
    child
        .stdin
        .take()
        .unwrap()
        .write_all(xml.as_bytes())
        .unwrap();
    let output = child.wait_with_output().unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_slice(&output.stdout).unwrap()
}

/// Fetches a feed, checks its type, and returns what feedparser read, bozo-free.
async fn feed(reader: &Reader, path: &str, content_type: &str) -> (Value, String) {
    let response = reader.get(path).await;
    assert_eq!(response.status(), StatusCode::OK, "{path}");
    assert_eq!(
        response.headers()["content-type"],
        format!("{content_type}; charset=utf-8"),
        "{path}"
    );
    let xml = body(response).await;
    let parsed = read_feed(&xml);
    assert_eq!(parsed["bozo"], false, "{path}: {parsed}\n{xml}");
    (parsed, xml)
}

fn entry<'a>(parsed: &'a Value, title: &str) -> &'a Value {
    parsed["entries"]
        .as_array()
        .unwrap()
        .iter()
        .find(|entry| entry["title"] == title)
        .unwrap_or_else(|| panic!("{title} in {parsed}"))
}

#[tokio::test]
async fn every_feed_reads_cleanly_in_a_real_feed_library() {
    let site = TestApp::spawn().await;
    let editor = site.moderator().await;
    let reader = site.reader();
    let base = site.url("");
    let saved = editor
        .post(
            "/admin/articles",
            &[
                ("title", "Harbour & quay <news>"),
                ("body", "The *harbour* reopens on Monday."),
                ("status", "published"),
                ("published_at", "2026-05-01T09:00"),
                ("tags", "Boats, Harbour life"),
            ],
        )
        .await;
    assert_eq!(saved.status(), StatusCode::SEE_OTHER);
    let article = site.article("Council budget").await;
    let posted = reader
        .comment(
            &article,
            &[
                ("email", "secret-reader@readers.example"),
                ("comment", "Where does the money go?"),
            ],
        )
        .await;
    let id = comment_id(&location(&posted));
    editor.moderate("approve", &[id]).await;

    let harbour_link = format!("{base}/2026/05/harbour-quay-news/");
    for format in ["", "atom/"] {
        let content_type = if format.is_empty() {
            "application/rss+xml"
        } else {
            "application/atom+xml"
        };
        let version = if format.is_empty() { "rss20" } else { "atom10" };
        let (site_feed, xml) = feed(&reader, &format!("/feed/{format}"), content_type).await;
        assert_eq!(site_feed["version"], version);
        assert_eq!(site_feed["title"], "The Daily Test");
        assert_eq!(site_feed["link"], format!("{base}/"));
        let harbour = entry(&site_feed, "Harbour & quay <news>");
        assert_eq!(harbour["link"], harbour_link);
        assert_eq!(harbour["author"], "Edith Editor");
        assert_eq!(
            harbour["published_parsed"],
            serde_json::json!([2026, 5, 1, 9, 0, 0])
        );
        let published = harbour["published"].as_str().unwrap();
        assert!(
            published.ends_with("+0000")
                || published.ends_with("Z")
                || published.ends_with("+00:00"),
            "a time zone: {published}"
        );
        let mut tags: Vec<String> = harbour["tags"]
            .as_array()
            .unwrap()
            .iter()
            .map(|tag| tag.as_str().unwrap().to_owned())
            .collect();
        tags.sort();
        assert_eq!(tags, vec!["Boats", "Harbour life", "Uncategorised"]);
        let content = harbour["content"][0].as_str().unwrap();
        assert!(content.contains("<em>harbour</em>"), "full text: {content}");
        assert!(!xml.contains("secret-reader"));

        // A tag's, a section's and an author's feed, at WordPress's addresses.
        let (tag_feed, _) = feed(&reader, &format!("/tag/boats/feed/{format}"), content_type).await;
        assert_eq!(tag_feed["title"], "The Daily Test – Boats");
        assert_eq!(tag_feed["link"], format!("{base}/tag/boats/"));
        assert_eq!(tag_feed["entries"].as_array().unwrap().len(), 1);
        let (section_feed, _) = feed(
            &reader,
            &format!("/category/uncategorised/feed/{format}"),
            content_type,
        )
        .await;
        assert!(section_feed["entries"].as_array().unwrap().len() >= 2);
        let (author_feed, _) = feed(
            &reader,
            &format!("/author/edith-editor/feed/{format}"),
            content_type,
        )
        .await;
        assert_eq!(author_feed["entries"].as_array().unwrap().len(), 1);
        assert_eq!(
            reader
                .get(&format!("/tag/no-such-tag/feed/{format}"))
                .await
                .status(),
            StatusCode::NOT_FOUND
        );
    }

    // The comment feeds: the reader's name, never their email.
    for path in [
        "/comments/feed/".to_owned(),
        format!("{}feed/", article.permalink()),
    ] {
        let (comments, xml) = feed(&reader, &path, "application/rss+xml").await;
        let entries = comments["entries"].as_array().unwrap();
        assert!(
            entries.iter().any(|entry| entry["author"] == "Ada Reader"),
            "{path}: {comments}"
        );
        assert!(!xml.contains("secret-reader"), "{path}: {xml}");
    }

    // Discovery: every page names the site's feeds; an archive names its own.
    let front = body(reader.get("/").await).await;
    for feed in [
        "/feed/",
        "/feed/atom/",
        "/comments/feed/",
        "/comments/feed/atom/",
    ] {
        assert!(front.contains(&format!("href=\"{feed}\"")), "{feed}");
    }
    let tag_page = body(reader.get("/tag/boats/").await).await;
    assert!(tag_page.contains(
        "<link rel=\"alternate\" type=\"application/atom+xml\" \
         title=\"The Daily Test – Boats (Atom)\" href=\"/tag/boats/feed/atom/\">"
    ));
}

#[tokio::test]
async fn feeds_can_carry_excerpts_only() {
    let data = data_folder().await;
    write_config(data.path(), "feed_full_text = false\n");
    let site = TestApp::spawn_in(data).await;
    let reader = site.reader();
    site.article_with("Long read", |input| {
        input.body_markdown = "The whole story, with its *end*.".into();
    })
    .await;
    for (path, content_type) in [
        ("/feed/", "application/rss+xml"),
        ("/feed/atom/", "application/atom+xml"),
    ] {
        let (parsed, xml) = feed(&reader, path, content_type).await;
        let long = entry(&parsed, "Long read");
        assert_eq!(long["content"], serde_json::json!([]), "{path}: {xml}");
        assert!(
            long["summary"]
                .as_str()
                .unwrap()
                .contains("The whole story")
        );
        assert!(!xml.contains("&lt;em&gt;end"), "{path}");
    }
}
