//! WordPress's REST API at `/wp-json/`, driven by a client written against WordPress's
//! documentation (`tests/wordpress/rest_client.py`, Python's `requests` from PyPI), and
//! the answers a WordPress client relies on when things go wrong.

use crate::support::*;
use reqwest::StatusCode;
use serde_json::{Value, json};
use tidings_domain::Role;

/// The Python from scripts/test's environment (it has `requests`, through Schemathesis).
fn python() -> String {
    std::env::var("TIDINGS_PYTHON").unwrap_or_else(|_| {
        concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../target/py-venv/bin/python"
        )
        .to_owned()
    })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_wordpress_rest_client_reads_writes_comments_and_uploads() {
    let site = TestApp::spawn().await;
    site.open_discussion().await;
    site.create_user("ed@example.com", Role::Editor).await;
    let editor = site
        .app
        .store
        .user_by_email("ed@example.com")
        .await
        .unwrap()
        .unwrap();
    for (n, title) in [
        "Ferry timetable",
        "Lighthouse",
        "Harbour dues",
        "Tide tables",
    ]
    .iter()
    .enumerate()
    {
        let input = tidings_domain::article::ArticleInput {
            title: (*title).into(),
            body_markdown: if *title == "Lighthouse" {
                "The keeper's **lighthouse** reopens.".into()
            } else {
                format!("The body of *{title}*.")
            },
            status: Some(tidings_domain::ArticleStatus::Published),
            published_at: Some(site.clock_now() - time::Duration::hours(10 - n as i64)),
            comments_open: true,
            tags: if title.starts_with('H') || title.starts_with('F') {
                vec!["Harbour".into()]
            } else {
                Vec::new()
            },
            ..Default::default()
        };
        tidings::services::articles::create_article(&site.app, input, Some(editor.id))
            .await
            .unwrap();
    }
    let password = app_password(&site, "ed@example.com", "WordPress client").await;
    let base = site.url("");
    let output = tokio::task::spawn_blocking(move || {
        let script = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/wordpress/rest_client.py"
        );
        std::process::Command::new(python())
            .args([script, &base, "ed@example.com", &password])
            .output()
            .unwrap_or_else(|error| {
                panic!(
                    "{} runs the WordPress client (scripts/test installs it): {error}",
                    python()
                )
            })
    })
    .await
    .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "{stdout}\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(stdout.ends_with("done\n"), "{stdout}");
}

async fn json_of(response: reqwest::Response) -> (StatusCode, Value) {
    let status = response.status();
    let kind = response.headers()["content-type"]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(kind.starts_with("application/json"), "{kind}");
    (
        status,
        serde_json::from_str(&response.text().await.unwrap()).unwrap(),
    )
}

#[tokio::test]
async fn roles_hold_and_errors_keep_wordpress_shape() {
    let site = TestApp::spawn().await;
    site.create_user("cy@example.com", Role::Contributor).await;
    let password = app_password(&site, "cy@example.com", "WordPress client").await;
    let client = reqwest::Client::new();
    let posts = site.url("/wp-json/wp/v2/posts");

    // A contributor may write a draft, not publish: the admin's rule.
    let draft = client
        .post(&posts)
        .basic_auth("cy@example.com", Some(&password))
        .header("content-type", "application/json")
        .body(json!({"title": "My first draft", "content": "<p>Words.</p>"}).to_string())
        .send()
        .await
        .unwrap();
    let (status, draft) = json_of(draft).await;
    assert_eq!(status, StatusCode::CREATED, "{draft}");
    assert_eq!(draft["status"], "draft");
    let publish = client
        .post(format!("{posts}/{}", draft["id"]))
        .basic_auth("cy@example.com", Some(&password))
        .header("content-type", "application/x-www-form-urlencoded")
        .body("status=publish")
        .send()
        .await
        .unwrap();
    let (status, refused) = json_of(publish).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{refused}");
    assert_eq!(refused["data"]["status"], 403);
    // Nobody else sees the draft; its author does, in edit context.
    let (status, hidden) = json_of(
        client
            .get(format!("{posts}/{}", draft["id"]))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(
        (status, hidden["code"].as_str()),
        (StatusCode::NOT_FOUND, Some("rest_post_invalid_id"))
    );
    let (status, own) = json_of(
        client
            .get(format!("{posts}/{}?context=edit", draft["id"]))
            .basic_auth("cy@example.com", Some(&password))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(own["title"]["raw"], "My first draft");
    let (status, listed) = json_of(
        client
            .get(format!("{posts}?status=draft"))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{listed}");
    assert_eq!(listed["code"], "rest_invalid_param");

    // WordPress's answers to what it cannot route or read.
    for (request, status, code) in [
        (
            client.get(site.url("/wp-json/wp/v2/nothing")),
            StatusCode::NOT_FOUND,
            "rest_no_route",
        ),
        (
            client.put(site.url("/wp-json/wp/v2/tags")),
            StatusCode::METHOD_NOT_ALLOWED,
            "rest_no_route",
        ),
        (
            client.get(format!("{posts}?per_page=1000")),
            StatusCode::BAD_REQUEST,
            "rest_invalid_param",
        ),
        (
            client.get(format!("{posts}?orderby=rand")),
            StatusCode::BAD_REQUEST,
            "rest_invalid_param",
        ),
        (
            client.get(format!("{posts}?context=edit")),
            StatusCode::UNAUTHORIZED,
            "rest_forbidden_context",
        ),
        (
            client
                .post(&posts)
                .basic_auth("cy@example.com", Some(&password))
                .header("content-type", "application/json")
                .body("{not json"),
            StatusCode::BAD_REQUEST,
            "rest_invalid_json",
        ),
    ] {
        let (got, error) = json_of(request.send().await.unwrap()).await;
        assert_eq!(
            (got, error["code"].as_str()),
            (status, Some(code)),
            "{error}"
        );
        assert_eq!(error["data"]["status"], status.as_u16());
    }
}
