//! A fresh site: the one-time setup link, and the commands a site owner scripts.

use crate::support::*;
use reqwest::StatusCode;
use tidings::services::site;

#[tokio::test]
async fn the_setup_link_creates_the_first_administrator_once() {
    let site = TestApp::spawn().await;
    let token = site::issue_setup_token(&site.app)
        .await
        .unwrap()
        .expect("a fresh site has a setup token");
    let visitor = site.reader();
    assert_eq!(
        visitor.get("/admin/setup").await.status(),
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        visitor.get("/admin/setup?token=guess").await.status(),
        StatusCode::FORBIDDEN
    );
    let form = [
        ("token", token.as_str()),
        ("name", "Olive Owner"),
        ("email", "owner@newsroom.example"),
        ("password", "short"),
    ];
    assert_eq!(
        visitor
            .post(
                "/admin/setup",
                &[
                    ("token", "guess"),
                    ("name", "X"),
                    ("email", "x@y.example"),
                    ("password", "long enough")
                ]
            )
            .await
            .status(),
        StatusCode::FORBIDDEN
    );

    let page = body(visitor.get(&format!("/admin/setup?token={token}")).await).await;
    assert!(page.contains("Create the administrator"));
    let response = visitor.post("/admin/setup", &form).await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let page = body(response).await;
    assert!(
        page.contains("The password needs at least 8 characters.")
            && page.contains("value=\"Olive Owner\"")
    );

    let response = visitor
        .post(
            "/admin/setup",
            &[
                ("token", &token),
                ("name", "Olive Owner"),
                ("email", "owner@newsroom.example"),
                ("password", "a long passphrase"),
            ],
        )
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert!(
        body(visitor.get("/admin/comments").await)
            .await
            .contains("Olive Owner"),
        "signed in straight away"
    );

    // The link is spent, and no new one is issued once an account exists.
    let response = site
        .reader()
        .post(
            "/admin/setup",
            &[
                ("token", &token),
                ("name", "Mallory"),
                ("email", "mallory@evil.example"),
                ("password", "a long passphrase"),
            ],
        )
        .await;
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    assert!(site::issue_setup_token(&site.app).await.unwrap().is_none());
    assert_eq!(site.app.store.count_users().await.unwrap(), 1);
}

#[tokio::test]
async fn a_site_owner_scripts_accounts_and_articles_then_serves() {
    let data = data_folder().await;
    let (ok, stdout, stderr) = run_binary(
        data.path(),
        &[
            "user",
            "add",
            "--email",
            "owner@newsroom.example",
            "--name",
            "Olive Owner",
            "--role",
            "administrator",
            "--password-stdin",
        ],
        "a long passphrase\n",
    );
    assert!(ok, "{stderr}");
    assert!(stdout.contains("created administrator account"), "{stdout}");
    let (ok, _, stderr) = run_binary(
        data.path(),
        &[
            "user",
            "add",
            "--email",
            "owner@newsroom.example",
            "--name",
            "Again",
            "--password-stdin",
        ],
        "a long passphrase\n",
    );
    assert!(!ok && stderr.contains("already exists"), "{stderr}");
    let (ok, _, stderr) = run_binary(
        data.path(),
        &[
            "user",
            "add",
            "--email",
            "x@newsroom.example",
            "--name",
            "X",
            "--role",
            "king",
            "--password-stdin",
        ],
        "a long passphrase\n",
    );
    assert!(!ok && stderr.contains("role \"king\""), "{stderr}");
    let (ok, _, stderr) = run_binary(
        data.path(),
        &[
            "user",
            "add",
            "--email",
            "x@newsroom.example",
            "--name",
            "X",
            "--password-stdin",
        ],
        "short\n",
    );
    assert!(!ok && stderr.contains("at least 8 characters"), "{stderr}");

    let body_file = data.path().join("story.md");
    std::fs::write(&body_file, "Scripted **story** body.").unwrap();
    let body_path = body_file.to_str().unwrap();
    let (ok, stdout, stderr) = run_binary(
        data.path(),
        &[
            "post",
            "add",
            "--title",
            "Scripted story",
            "--body-file",
            body_path,
            "--date",
            "2026-03-04T05:06:07Z",
            "--author",
            "owner@newsroom.example",
        ],
        "",
    );
    assert!(ok, "{stderr}");
    assert!(
        stdout.trim().ends_with("/2026/03/scripted-story/"),
        "{stdout}"
    );
    let (ok, stdout, _) = run_binary(
        data.path(),
        &[
            "post",
            "add",
            "--title",
            "Draft story",
            "--body-file",
            "-",
            "--draft",
        ],
        "from stdin",
    );
    assert!(ok && stdout.contains("draft-story"));
    for (args, expected) in [
        (
            vec![
                "post",
                "add",
                "--title",
                "X",
                "--body-file",
                "/no/such/file.md",
            ],
            "reading /no/such/file.md",
        ),
        (
            vec![
                "post",
                "add",
                "--title",
                "X",
                "--body-file",
                body_path,
                "--date",
                "tomorrow",
            ],
            "not an RFC 3339 date",
        ),
        (
            vec![
                "post",
                "add",
                "--title",
                "X",
                "--body-file",
                body_path,
                "--slug",
                "/-/",
            ],
            "slug:",
        ),
        (
            vec![
                "post",
                "add",
                "--title",
                "X",
                "--body-file",
                body_path,
                "--author",
                "ghost@newsroom.example",
            ],
            "no account has the email",
        ),
    ] {
        let (ok, _, stderr) = run_binary(data.path(), &args, "");
        assert!(!ok && stderr.contains(expected), "{args:?}: {stderr}");
    }

    let server = RunningBinary::start(data.path());
    assert!(
        !server
            .banner
            .iter()
            .any(|line| line.contains("/admin/setup")),
        "no setup link once an account exists"
    );
    let client = reqwest::Client::new();
    let front = client
        .get(format!("{}/", server.base_url))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        front.contains("Scripted story")
            && front.contains("Welcome to tidings")
            && !front.contains("Draft story")
    );
    let article = client
        .get(format!("{}/2026/03/scripted-story/", server.base_url))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        article.contains("Scripted <strong>story</strong> body.")
            && article.contains(
                "By <a rel=\"author\" href=\"/author/olive-owner/\"><bdi>Olive Owner</bdi></a>"
            )
    );
    server.kill();
}

#[tokio::test]
async fn a_fresh_binary_prints_a_setup_link_that_works() {
    let data = data_folder().await;
    let server = RunningBinary::start(data.path());
    let link = server
        .banner
        .iter()
        .find_map(|line| {
            line.split(" at ")
                .nth(1)
                .filter(|_| line.contains("Create the first administrator"))
                .map(str::to_owned)
        })
        .expect("a setup link is printed");
    assert!(
        link.starts_with(&format!("{}/admin/setup?token=", server.base_url)),
        "{link}"
    );
    let client = reqwest::Client::new();
    assert_eq!(
        client.get(&link).send().await.unwrap().status(),
        StatusCode::OK
    );
    let welcome = client
        .get(format!("{}/", server.base_url))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        welcome.contains("Welcome to tidings") && welcome.contains("1 Comment"),
        "a fresh site shows its welcome article and sample comment"
    );
    server.kill();

    // Settings from tidings.toml, and a clear message when it is wrong.
    write_config(data.path(), "title = \"The Morning Post\"\n");
    let server = RunningBinary::start(data.path());
    let front = client
        .get(format!("{}/", server.base_url))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(front.contains("<title>The Morning Post</title>"));
    server.kill();
    let server =
        RunningBinary::start_with_env(data.path(), &[("TIDINGS_TITLE", "The Evening Post")]);
    let front = client
        .get(format!("{}/", server.base_url))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        front.contains("<title>The Evening Post</title>"),
        "the environment beats the file"
    );
    server.kill();
    let (ok, stdout, _) = run_binary(data.path(), &["migrate"], "");
    assert!(ok && stdout.contains("schema version 19"), "{stdout}");
    write_config(data.path(), "tittle = \"typo\"\n");
    let (ok, _, stderr) = run_binary(data.path(), &["serve", "--listen", "127.0.0.1:0"], "");
    assert!(!ok && stderr.contains("tittle"), "{stderr}");
}
