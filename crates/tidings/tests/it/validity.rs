//! Issue #12: HTML that passes the real tools. The Nu HTML Checker (vnu, the W3C's
//! validator; its jar from npm's vnu-jar, Java from Debian) reports no error
//! and no warning on every kind of public page and every admin screen, filled with the
//! things that make markup go wrong: threaded and paged comments, marks in search results,
//! images, tags, an empty result.

use crate::support::*;
use reqwest::StatusCode;
use serde_json::Value;

/// The jar of the Nu HTML Checker: `TIDINGS_VNU`, or where the browser tests' `npm ci`
/// puts it (npm's vnu-jar, the validator project's own release).
fn vnu_jar() -> std::path::PathBuf {
    match std::env::var("TIDINGS_VNU") {
        Ok(jar) => jar.into(),
        Err(_) => std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../../tests/browser/node_modules/vnu-jar/build/dist/vnu.jar"),
    }
}

/// Checks each `(name, html)` with vnu in one run; every message is a failure.
fn assert_valid(pages: &[(String, String)]) {
    let folder = tempfile::tempdir().unwrap();
    let mut files = Vec::new();
    for (index, (_, html)) in pages.iter().enumerate() {
        let file = folder.path().join(format!("page-{index}.html"));
        std::fs::write(&file, html).unwrap();
        files.push(file);
    }
    let output = std::process::Command::new("java")
        .arg("-jar")
        .arg(vnu_jar())
        .args(["--format", "json", "--stdout", "--exit-zero-always"])
        .args(&files)
        .output()
        .expect("java runs (scripts/test installs default-jre-headless and vnu-jar)");
    let report: Value = serde_json::from_slice(&output.stdout).unwrap_or_else(|_| {
        panic!(
            "vnu answered: {}{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        )
    });
    let mut problems = Vec::new();
    for message in report["messages"].as_array().unwrap() {
        let url = message["url"].as_str().unwrap_or_default();
        let index: usize = url
            .rsplit("page-")
            .next()
            .and_then(|rest| rest.strip_suffix(".html"))
            .and_then(|number| number.parse().ok())
            .unwrap_or(usize::MAX);
        let page = pages.get(index).map_or("?", |(name, _)| name.as_str());
        problems.push(format!(
            "{page}: {} {}: {} [{}]",
            message["type"].as_str().unwrap_or_default(),
            message["subType"].as_str().unwrap_or_default(),
            message["message"].as_str().unwrap_or_default(),
            message["extract"].as_str().unwrap_or_default(),
        ));
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

async fn page(client: &Reader, path: &str, status: StatusCode) -> (String, String) {
    let response = client.get(path).await;
    assert_eq!(response.status(), status, "{path}");
    (path.to_owned(), body(response).await)
}

#[tokio::test]
async fn every_page_and_admin_screen_passes_the_nu_html_checker() {
    let site = TestApp::spawn().await;
    let reader = site.reader();
    let token = tidings::services::site::issue_setup_token(&site.app)
        .await
        .unwrap()
        .expect("a fresh site has a setup link");
    let mut pages = vec![
        page(
            &reader,
            &format!("/admin/setup?token={token}"),
            StatusCode::OK,
        )
        .await,
        page(&reader, "/admin/login", StatusCode::OK).await,
        page(&reader, "/admin/lost-password", StatusCode::OK).await,
    ];
    let editor = site.moderator().await;
    site.open_discussion().await;
    site.settings(|settings| {
        settings.page_comments = true;
        settings.comments_per_page = 2;
        settings.thread_depth = 3;
        settings.flood_interval_seconds = 0;
    })
    .await;
    let saved = editor
        .post(
            "/admin/articles",
            &[
                ("title", "Harbour & quay <reopen>"),
                ("subtitle", "The crossing is back"),
                (
                    "body",
                    "The *harbour* bridge reopens.\n\n## Works\n\n- one\n- two\n\n> A quote.",
                ),
                ("status", "published"),
                ("published_at", "2026-05-01T09:00"),
                ("tags", "Boats, Harbour life"),
                ("comments_open", "1"),
            ],
        )
        .await;
    assert_eq!(saved.status(), StatusCode::SEE_OTHER);
    let article_id = id_in(&location(&saved));
    let article = site
        .app
        .store
        .article_by_id(tidings_domain::ArticleId(article_id.parse().unwrap()))
        .await
        .unwrap()
        .unwrap();
    let mut parent = String::from("0");
    let mut first_comment = 0;
    for number in 0..9 {
        site.clock.advance(time::Duration::minutes(1));
        let text = format!("Comment {number}, with <b>bold</b> and https://example.com/{number}");
        let posted = reader
            .comment(
                &article,
                &[
                    ("comment_parent", parent.as_str()),
                    ("comment", text.as_str()),
                ],
            )
            .await;
        let id = comment_id(&location(&posted));
        editor.moderate("approve", &[id]).await;
        if first_comment == 0 {
            first_comment = id;
        }
        // Replies two deep, then a new thread.
        parent = if number % 3 == 2 {
            "0".into()
        } else {
            id.to_string()
        };
    }
    let permalink = article.permalink();
    for (path, status) in [
        ("/".to_owned(), StatusCode::OK),
        (permalink.clone(), StatusCode::OK),
        (format!("{permalink}comment-page-2/"), StatusCode::OK),
        ("/category/uncategorised/".into(), StatusCode::OK),
        ("/tag/boats/".into(), StatusCode::OK),
        ("/author/edith-editor/".into(), StatusCode::OK),
        ("/2026/".into(), StatusCode::OK),
        ("/2026/05/".into(), StatusCode::OK),
        ("/2026/05/01/".into(), StatusCode::OK),
        ("/corrections/".into(), StatusCode::OK),
        ("/?s=harbour".into(), StatusCode::OK),
        ("/search/zeppelin/".into(), StatusCode::OK),
        ("/?s=".into(), StatusCode::OK),
        ("/no-such-page/".into(), StatusCode::NOT_FOUND),
        ("/api/".into(), StatusCode::OK),
    ] {
        pages.push(page(&reader, &path, status).await);
    }
    let section = "/admin/sections";
    let tag = "/admin/tags";
    for path in [
        "/admin/".to_owned(),
        "/admin/articles".into(),
        "/admin/articles/new".into(),
        format!("/admin/articles/{article_id}"),
        format!("/admin/articles/{article_id}/revisions"),
        "/admin/pages".into(),
        "/admin/pages/new".into(),
        "/admin/comments".into(),
        format!("/admin/comments/{first_comment}/edit"),
        section.into(),
        tag.into(),
        "/admin/media".into(),
        "/admin/profile".into(),
        "/admin/profile/app-passwords".into(),
        "/admin/profile/security".into(),
        "/admin/profile/two-factor".into(),
        "/admin/users/1/app-passwords".into(),
        "/admin/webhooks".into(),
        "/admin/users".into(),
        "/admin/settings/discussion".into(),
        "/admin/status".into(),
        "/admin/privacy".into(),
    ] {
        pages.push(page(&editor.reader, &path, StatusCode::OK).await);
    }
    assert_valid(&pages);
}
