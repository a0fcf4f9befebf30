//! Revisions and corrections (issue #11) through HTTP, as editors use them.

use crate::support::*;
use reqwest::StatusCode;

fn story(body: &'static str, base: &str) -> Vec<(&'static str, String)> {
    vec![
        ("title", "Bridge closes".into()),
        ("body", body.into()),
        ("status", "published".into()),
        ("published_at", "2026-05-01T09:00".into()),
        ("base_revision", base.to_owned()),
    ]
}

async fn post(
    editor: &Moderator,
    path: &str,
    form: &[(&'static str, String)],
) -> reqwest::Response {
    let fields: Vec<(&str, &str)> = form
        .iter()
        .map(|(name, value)| (*name, value.as_str()))
        .collect();
    editor.post(path, &fields).await
}

/// The value of the editor's hidden `base_revision` field.
async fn base_revision(editor: &Moderator, path: &str) -> String {
    let page = body(editor.get(path).await).await;
    attribute_after(&page, "name=\"base_revision\" value=\"").unwrap()
}

#[tokio::test]
async fn revisions_are_compared_word_by_word_and_restored() {
    let site = TestApp::spawn().await;
    let editor = site.moderator().await;
    let created = post(
        &editor,
        "/admin/articles",
        &story("The bridge closes on Tuesday.", ""),
    )
    .await;
    let edit = location(&created).split('?').next().unwrap().to_owned();
    let base = base_revision(&editor, &edit).await;
    let saved = post(
        &editor,
        &edit,
        &story("The old bridge closes on Wednesday.", &base),
    )
    .await;
    assert_eq!(saved.status(), StatusCode::SEE_OTHER);

    let compared = body(editor.get(&format!("{edit}/revisions")).await).await;
    assert!(
        compared.contains("<del>Tuesday.</del><ins>Wednesday.</ins>"),
        "{compared}"
    );
    assert!(compared.contains("<ins>old </ins>"));
    assert_eq!(compared.matches("Restore this version").count(), 1);

    // Restoring the first text makes a third revision; the article reads as it did.
    let first = attribute_after(&compared, "/revisions/").unwrap();
    let first: String = first.chars().take_while(char::is_ascii_digit).collect();
    let restored = editor
        .post(&format!("{edit}/revisions/{first}/restore"), &[])
        .await;
    assert_eq!(restored.status(), StatusCode::SEE_OTHER);
    let article = body(site.reader().get("/2026/05/bridge-closes/").await).await;
    assert!(article.contains("The bridge closes on Tuesday."));
    let history = body(editor.get(&format!("{edit}/revisions")).await).await;
    assert_eq!(
        history.matches("Restore this version").count(),
        2,
        "three versions"
    );
    // A revision of another article is not restored here.
    let other = site.article("Other").await;
    let foreign = editor
        .post(
            &format!("/admin/articles/{}/revisions/{first}/restore", other.id),
            &[],
        )
        .await;
    assert_eq!(foreign.status(), StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn an_editor_open_in_two_tabs_is_warned_instead_of_overwriting() {
    let site = TestApp::spawn().await;
    let editor = site.moderator().await;
    let created = post(&editor, "/admin/articles", &story("First text.", "")).await;
    let edit = location(&created).split('?').next().unwrap().to_owned();
    // Two tabs open the same version.
    let first_tab = base_revision(&editor, &edit).await;
    let second_tab = first_tab.clone();
    site.clock.advance(time::Duration::minutes(3));
    assert_eq!(
        post(
            &editor,
            &edit,
            &story("Saved in the first tab.", &first_tab)
        )
        .await
        .status(),
        StatusCode::SEE_OTHER
    );
    let refused = post(
        &editor,
        &edit,
        &story("Typed in the second tab.", &second_tab),
    )
    .await;
    assert_eq!(refused.status(), StatusCode::CONFLICT);
    let page = body(refused).await;
    assert!(page.contains("This article was edited by Edith Editor at June 1, 2026 at 12:03 UTC since you opened it"), "{page}");
    assert!(
        page.contains("Typed in the second tab."),
        "the text is kept"
    );
    assert!(page.contains("Save over their changes"));
    let article = body(site.reader().get("/2026/05/bridge-closes/").await).await;
    assert!(article.contains("Saved in the first tab."));
    // Ticking the box saves over them, knowingly.
    let mut overwrite = story("Typed in the second tab.", &second_tab);
    overwrite.push(("overwrite", "1".into()));
    assert_eq!(
        post(&editor, &edit, &overwrite).await.status(),
        StatusCode::SEE_OTHER
    );
    let article = body(site.reader().get("/2026/05/bridge-closes/").await).await;
    assert!(article.contains("Typed in the second tab."));
}

#[tokio::test]
async fn an_autosave_keeps_unsaved_text_until_the_next_save() {
    let site = TestApp::spawn().await;
    let editor = site.moderator().await;
    let created = post(&editor, "/admin/articles", &story("Saved.", "")).await;
    let edit = location(&created).split('?').next().unwrap().to_owned();
    let response = editor
        .post(
            &format!("{edit}/autosave"),
            &[
                ("title", "Bridge closes"),
                ("body", "Half-written paragraph"),
            ],
        )
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    assert!(body(response).await.starts_with("Autosaved at "));
    let page = body(editor.get(&edit).await).await;
    assert!(page.contains("You have an autosave from"), "{page}");
    // Readers see the saved text only.
    let article = body(site.reader().get("/2026/05/bridge-closes/").await).await;
    assert!(!article.contains("Half-written"));
    let base = base_revision(&editor, &edit).await;
    post(&editor, &edit, &story("Saved again.", &base)).await;
    let page = body(editor.get(&edit).await).await;
    assert!(!page.contains("You have an autosave from"));
    // Without the session's token, nothing is kept.
    let forged = site
        .reader()
        .post(&format!("{edit}/autosave"), &[("body", "x")])
        .await;
    assert_ne!(forged.status(), StatusCode::OK);
}

#[tokio::test]
async fn corrections_are_dated_at_the_end_of_the_article_on_their_page_and_in_the_feed() {
    let site = TestApp::spawn().await;
    let editor = site.moderator().await;
    let created = post(
        &editor,
        "/admin/articles",
        &story("The bridge closes on Tuesday.", ""),
    )
    .await;
    let edit = location(&created).split('?').next().unwrap().to_owned();
    let empty = editor
        .post(&format!("{edit}/corrections"), &[("correction", "   ")])
        .await;
    assert_eq!(empty.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(body(empty).await.contains("Please write the correction."));
    site.clock.advance(time::Duration::hours(2));
    let note = "An earlier version of this article misstated the day <b>the bridge</b> closes.";
    let added = editor
        .post(&format!("{edit}/corrections"), &[("correction", note)])
        .await;
    assert_eq!(added.status(), StatusCode::SEE_OTHER);

    let reader = site.reader();
    let article = body(reader.get("/2026/05/bridge-closes/").await).await;
    assert!(article.contains("<h2 id=\"corrections-title\">Correction</h2>"));
    assert!(article.contains("misstated the day &lt;b&gt;the bridge&lt;/b&gt; closes."));
    assert!(article.contains("<p class=\"entry-updated\">Updated"));
    assert!(
        article.contains("\"dateModified\":\"2026-06-01T14:00:00Z\""),
        "{article}"
    );
    let page = body(reader.get("/corrections/").await).await;
    assert!(page.contains("<a href=\"/2026/05/bridge-closes/\">Bridge closes</a>"));
    assert!(page.contains("misstated the day"));
    let feed = body(reader.get("/feed/").await).await;
    assert!(
        feed.contains("Correction, June 1, 2026 at 14:00 UTC:"),
        "{feed}"
    );
    assert!(
        feed.contains("misstated the day &amp;lt;b&amp;gt;"),
        "escaped twice: HTML in XML"
    );
}

#[tokio::test]
async fn the_preview_renders_the_typed_text_with_the_public_pages_code() {
    let site = TestApp::spawn().await;
    let editor = site.moderator().await;
    let csrf = editor.csrf.clone();
    let fragment = editor
        .reader
        .post(
            "/admin/preview?fragment",
            &[
                ("csrf", csrf.as_str()),
                ("body", "Some **bold** words.\n\n<script>x()</script>"),
            ],
        )
        .await;
    assert_eq!(fragment.status(), StatusCode::OK);
    assert_eq!(fragment.headers()["cache-control"], "private, no-store");
    let html = body(fragment).await;
    assert!(html.contains("<strong>bold</strong>"), "{html}");
    assert!(html.contains("3 words · 1 min read"), "{html}");
    assert!(!html.contains("<script"), "sanitised as on the public page");
    let page = editor
        .post(
            "/admin/preview",
            &[
                ("title", "Typed headline"),
                ("subtitle", "Its standfirst"),
                ("body", "Typed body."),
            ],
        )
        .await;
    assert_eq!(page.status(), StatusCode::OK);
    let page = body(page).await;
    assert!(page.contains("<h1 class=\"entry-title\">Typed headline</h1>"));
    assert!(page.contains("Its standfirst") && page.contains("<p>Typed body.</p>"));
    // The editor counts the saved text's words too.
    let created = editor
        .post(
            "/admin/articles",
            &[
                ("title", "Counted"),
                ("body", "One two three four."),
                ("status", "draft"),
            ],
        )
        .await;
    let editor_page = body(editor.get(&location(&created)).await).await;
    assert!(editor_page.contains("4 words · 1 min read"));
    // No token, no preview.
    let forged = site
        .reader()
        .post("/admin/preview?fragment", &[("body", "x")])
        .await;
    assert_ne!(forged.status(), StatusCode::OK);
}
