use crate::support::*;
use reqwest::StatusCode;

/// The seed article's body: the paragraphs between its title and "Leave a Reply".
fn seed_body() -> String {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../../shared/data/seed-article.txt"
    );
    std::fs::read_to_string(path)
        .unwrap()
        .split("\n\n")
        .map(str::trim)
        .skip(1)
        .take_while(|paragraph| *paragraph != "Leave a Reply")
        .collect::<Vec<_>>()
        .join("\n\n")
}

/// Saves an article through the editor and returns the editor page it comes back to.
async fn save(editor: &Moderator, title: &str, body: &str) -> String {
    let response = editor
        .post(
            "/admin/articles",
            &[
                ("title", title),
                ("body", body),
                ("status", "published"),
                ("published_at", "2026-04-08T09:00"),
            ],
        )
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    crate::support::body(editor.get(&location(&response)).await).await
}

#[tokio::test]
async fn the_editor_lists_what_the_editorial_checks_find() {
    let site = TestApp::spawn().await;
    let editor = site.moderator().await;

    let page = save(&editor, "Lavrov visits China", &seed_body()).await;
    assert!(page.contains("Editorial checks"), "{page}");
    assert!(page.contains("Paragraphs 1, 2 and 3 may say the same thing"));
    assert!(page.contains("Paragraph 6 ends in “matter.”"));
    assert_eq!(
        page.matches("<li class=\"warning-").count(),
        2,
        "exactly those two problems"
    );

    // A link to an article of the site that exists is fine; one to nothing is flagged, and
    // an image needs its alt text.
    let page = save(
        &editor,
        "Links",
        "See [the visit](/2026/04/lavrov-visits-china/) and [this](/2026/04/no-such-story/).\n\n\
         ![](/static/avatar.svg)",
    )
    .await;
    assert!(page.contains("The link to /2026/04/no-such-story/ leads to no page of this site."));
    assert!(!page.contains("/2026/04/lavrov-visits-china/ leads"));
    assert!(page.contains("The image /static/avatar.svg has no alt text"));

    // A clean article: no checks section at all.
    let page = save(
        &editor,
        "Bridge closes",
        "The city council voted on Tuesday to close the Elm Street bridge for repairs.",
    )
    .await;
    assert!(page.contains("Saved.") && !page.contains("Editorial checks"));
}

/// Issue #11: changing a published article's slug or date leaves a permanent redirect
/// from every old address, its comment pages and feed included, straight to the current
/// one.
#[tokio::test]
async fn every_old_address_of_a_moved_article_leads_to_it() {
    let site = TestApp::spawn().await;
    let editor = site.moderator().await;
    let response = editor
        .post(
            "/admin/articles",
            &[
                ("title", "Bridge closes"),
                ("body", "The bridge closes."),
                ("status", "published"),
                ("published_at", "2026-04-08T09:00"),
                ("comments_open", "1"),
            ],
        )
        .await;
    let edit_path = location(&response).split('?').next().unwrap().to_owned();
    let mut addresses = vec!["/2026/04/bridge-closes/".to_owned()];
    for (slug, date, address) in [
        (
            "bridge-closes-for-repairs",
            "2026-04-08T09:00",
            "/2026/04/bridge-closes-for-repairs/",
        ),
        (
            "bridge-closes-for-repairs",
            "2026-05-02T07:30",
            "/2026/05/bridge-closes-for-repairs/",
        ),
    ] {
        let saved = editor
            .post(
                &edit_path,
                &[
                    ("title", "Bridge closes"),
                    ("slug", slug),
                    ("body", "The bridge closes."),
                    ("status", "published"),
                    ("published_at", date),
                    ("comments_open", "1"),
                ],
            )
            .await;
        assert_eq!(saved.status(), StatusCode::SEE_OTHER);
        addresses.push(address.to_owned());
    }
    let current = addresses.pop().unwrap();
    let reader = site.reader();
    assert_eq!(reader.get(&current).await.status(), StatusCode::OK);
    for old in &addresses {
        for (suffix, expected) in [("", ""), ("feed/", "feed/")] {
            let response = reader.get(&format!("{old}{suffix}")).await;
            assert_eq!(
                response.status(),
                StatusCode::MOVED_PERMANENTLY,
                "{old}{suffix}"
            );
            assert_eq!(location(&response), format!("{current}{expected}"));
        }
    }
    // An address that never was stays a 404.
    assert_eq!(
        reader.get("/2026/04/never-was/").await.status(),
        StatusCode::NOT_FOUND
    );
}

/// Issue #11: a published article dated later is "Scheduled for …" in the admin, unseen by
/// readers, and public at its minute without any job running.
#[tokio::test]
async fn a_scheduled_article_goes_public_at_its_minute() {
    let site = TestApp::spawn().await;
    let editor = site.moderator().await;
    // The test clock starts at 2026-06-01 12:00 UTC.
    let response = editor
        .post(
            "/admin/articles",
            &[
                ("title", "Election results"),
                ("body", "The count is in."),
                ("status", "published"),
                ("published_at", "2026-06-01T12:30"),
            ],
        )
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let list = crate::support::body(editor.get("/admin/articles").await).await;
    assert!(list.contains("Scheduled for"), "{list}");
    let address = "/2026/06/election-results/";
    assert_eq!(
        site.reader().get(address).await.status(),
        StatusCode::NOT_FOUND
    );
    assert!(
        !crate::support::body(site.reader().get("/").await)
            .await
            .contains("Election results")
    );

    site.clock.advance(time::Duration::minutes(30));
    assert_eq!(site.reader().get(address).await.status(), StatusCode::OK);
    assert!(
        crate::support::body(site.reader().get("/").await)
            .await
            .contains("Election results")
    );
    let list = crate::support::body(editor.get("/admin/articles").await).await;
    assert!(!list.contains("Scheduled for") && list.contains("Published"));
}
