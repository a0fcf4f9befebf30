//! Schemathesis, from PyPI, against the API's own OpenAPI document: it generates thousands
//! of requests from the schema (valid ones, invalid ones, sequences that follow each
//! other's answers) as anyone and as an administrator, and fails on any 5xx, any answer
//! that does not match the document (status, content type, headers, body), and any
//! invalid request that is accepted. Its one tuned check is explained in
//! `tests/api/schemathesis.toml`.

use crate::support::*;
use reqwest::StatusCode;
use tidings_domain::Role;

fn schemathesis() -> String {
    std::env::var("TIDINGS_SCHEMATHESIS").unwrap_or_else(|_| {
        concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../target/py-venv/bin/schemathesis"
        )
        .to_owned()
    })
}

/// Runs Schemathesis with a fixed seed (a run is the same run every time); panics with its
/// report unless every check passed.
fn run_schemathesis(document: String, auth: Option<String>) {
    let config = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/api/schemathesis.toml");
    let report = tempfile::tempdir().unwrap();
    let mut command = std::process::Command::new(schemathesis());
    command
        .current_dir(report.path())
        .args(["--config-file", config, "run"])
        .arg(document)
        .args([
            "--checks",
            "all",
            "--max-examples",
            "25",
            "--seed",
            "20261130",
        ])
        .args([
            "--workers",
            "1",
            "--no-color",
            "--generation-database",
            "none",
        ]);
    if let Some(auth) = auth {
        command.args(["--auth", &auth]);
    }
    let output = command.output().unwrap_or_else(|error| {
        panic!(
            "{} runs Schemathesis (scripts/test installs it): {error}",
            schemathesis()
        )
    });
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "Schemathesis found failures:\n{stdout}\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let count = |label: &str| {
        stdout
            .lines()
            .find_map(|line| line.trim().strip_prefix(label))
            .map(|rest| rest.trim().to_owned())
    };
    let selected = count("Selected:").expect("Schemathesis says what it selected");
    let tested = count("Tested:").expect("Schemathesis says what it tested");
    assert_eq!(
        Some(tested.as_str()),
        selected.split('/').nth(1),
        "every operation of the document was tested:\n{stdout}"
    );
}

#[tokio::test]
async fn schemathesis_finds_nothing_as_anyone_or_as_an_administrator() {
    // The site's own account of any 5xx goes beside Schemathesis's report.
    let _ = tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::new("error"))
        .with_test_writer()
        .try_init();
    let site = TestApp::spawn().await;
    site.open_discussion().await;
    // Something to read, comment on and moderate.
    let article = site.article("Harbour reopens").await;
    let commented = site
        .reader()
        .comment(
            &article,
            &[
                ("author", "Ann"),
                ("email", "ann@example.com"),
                ("comment", "Good news for the fleet."),
            ],
        )
        .await;
    assert!(
        commented.status().is_redirection(),
        "{}",
        commented.status()
    );
    site.create_user(ADMIN_EMAIL, Role::Administrator).await;
    let password = app_password(&site, ADMIN_EMAIL, "Schemathesis").await;
    let me = reqwest::Client::new()
        .get(site.url("/api/v1/me"))
        .basic_auth(ADMIN_EMAIL, Some(&password))
        .send()
        .await
        .unwrap();
    assert_eq!(me.status(), StatusCode::OK);

    // The server keeps answering on this test's runtime while Schemathesis runs.
    let document = site.url("/api/openapi.json");
    let auth = format!("{ADMIN_EMAIL}:{password}");
    for auth in [None, Some(auth)] {
        let document = document.clone();
        tokio::task::spawn_blocking(move || run_schemathesis(document, auth))
            .await
            .unwrap();
    }
}
