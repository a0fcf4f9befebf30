//! The newsroom (issue #11) through HTTP, as an editor and a reader use it: sections and
//! tags, pages, article states and the trash, sticky articles, the "Updated" line.

use crate::support::*;
use reqwest::StatusCode;

/// The admin's id of a section or tag, read from its row in the list.
async fn term_id(editor: &Moderator, list: &str, name: &str) -> String {
    let page = body(editor.get(list).await).await;
    let marker = format!("\">{name}</a>");
    let before = &page[..page
        .find(&marker)
        .unwrap_or_else(|| panic!("{name} in {page}"))];
    before.rsplit('/').next().unwrap().to_owned()
}

#[tokio::test]
async fn sections_and_tags_file_articles_and_have_their_own_pages() {
    let site = TestApp::spawn().await;
    let editor = site.moderator().await;
    editor
        .saved(
            "/admin/sections",
            &[("name", "World"), ("description", "News from abroad.")],
        )
        .await;
    let world = term_id(&editor, "/admin/sections", "World").await;
    editor
        .saved("/admin/sections", &[("name", "Europe"), ("parent", &world)])
        .await;
    let europe = term_id(&editor, "/admin/sections", "Europe").await;

    // A loop and a taken slug are refused beside their fields, with what was typed kept.
    let looped = editor
        .post(
            &format!("/admin/sections/{world}"),
            &[("name", "World wide"), ("parent", &europe)],
        )
        .await;
    assert_eq!(looped.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let page = body(looped).await;
    assert!(page.contains("cannot be filed under itself or one of its own subsections"));
    assert!(
        page.contains("value=\"World wide\""),
        "what was typed is kept"
    );
    let taken = editor
        .post(
            "/admin/sections",
            &[("name", "Europe again"), ("slug", "europe")],
        )
        .await;
    assert_eq!(taken.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(body(taken).await.contains("already uses this slug"));
    let nameless = editor.post("/admin/tags", &[("name", "  ")]).await;
    assert_eq!(nameless.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(body(nameless).await.contains("Please give it a name."));

    // An article filed under Europe (primary) and World, with two tags typed.
    let edit = editor
        .saved(
            "/admin/articles",
            &[
                ("title", "Summit in Brussels"),
                ("subtitle", "Leaders meet on the budget"),
                ("body", "The summit opened."),
                ("status", "published"),
                ("published_at", "2026-05-01T09:00"),
                ("sections", &world),
                ("primary_section", &europe),
                ("tags", "Budget, EU summit, budget"),
            ],
        )
        .await;
    let editor_page = body(editor.get(&edit).await).await;
    assert!(
        editor_page.contains("value=\"Budget, EU summit\""),
        "{editor_page}"
    );
    let reader = site.reader();
    let article = body(reader.get("/2026/05/summit-in-brussels/").await).await;
    assert!(
        article
            .contains("<li class=\"entry-section\"><a href=\"/category/world/europe/\">Europe</a>"),
        "a subsection's address follows its parent's"
    );
    assert!(article.contains("<p class=\"entry-subtitle\">Leaders meet on the budget</p>"));
    assert!(article.contains("<a rel=\"tag\" href=\"/tag/eu-summit/\">EU summit</a>"));
    for archive in [
        "/category/world/europe/",
        "/category/world/",
        "/tag/budget/",
    ] {
        let page = body(reader.get(archive).await).await;
        assert!(page.contains("Summit in Brussels"), "{archive}");
    }
    let world_page = body(reader.get("/category/world/").await).await;
    assert!(world_page.contains("News from abroad."));
    assert_eq!(
        reader.get("/category/nowhere/").await.status(),
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        reader.get("/tag/budget/page/1/").await.status(),
        StatusCode::MOVED_PERMANENTLY
    );
    assert_eq!(
        reader.get("/tag/budget/page/2/").await.status(),
        StatusCode::NOT_FOUND
    );

    // Merging the tags: one page left, the article under it; the merged tag's address
    // and its pages lead to the tag it joined.
    let budget = term_id(&editor, "/admin/tags", "Budget").await;
    let summit = term_id(&editor, "/admin/tags", "EU summit").await;
    editor
        .saved(&format!("/admin/tags/{summit}/merge"), &[("into", &budget)])
        .await;
    let moved = reader.get("/tag/eu-summit/").await;
    assert_eq!(moved.status(), StatusCode::MOVED_PERMANENTLY);
    assert_eq!(location(&moved), "/tag/budget/");
    let moved = reader.get("/tag/eu-summit/page/2/").await;
    assert_eq!(location(&moved), "/tag/budget/page/2/");
    assert!(
        body(reader.get("/tag/budget/").await)
            .await
            .contains("Summit in Brussels")
    );
    let article = body(reader.get("/2026/05/summit-in-brussels/").await).await;
    assert!(
        !article.contains("EU summit"),
        "the merged tag left the cached page too"
    );

    // Deleting Europe: the article keeps World; the default section cannot be deleted.
    editor
        .saved(&format!("/admin/sections/{europe}/delete"), &[])
        .await;
    let article = body(reader.get("/2026/05/summit-in-brussels/").await).await;
    assert!(article.contains("<a href=\"/category/world/\">World</a>"));
    // Re-slugging World keeps its old address.
    editor
        .saved(
            &format!("/admin/sections/{world}"),
            &[("name", "World"), ("slug", "international")],
        )
        .await;
    let moved = reader.get("/category/world/").await;
    assert_eq!(moved.status(), StatusCode::MOVED_PERMANENTLY);
    assert_eq!(location(&moved), "/category/international/");
    let default = term_id(&editor, "/admin/sections", "Uncategorised").await;
    let refused = editor
        .post(&format!("/admin/sections/{default}/delete"), &[])
        .await;
    assert_eq!(refused.status(), StatusCode::CONFLICT);
    assert!(body(refused).await.contains("cannot be deleted"));

    // The list filters by section and tag.
    let listed = body(
        editor
            .get(&format!("/admin/articles?section={world}"))
            .await,
    )
    .await;
    assert!(listed.contains("Summit in Brussels"));
    let listed = body(
        editor
            .get(&format!("/admin/articles?section={default}"))
            .await,
    )
    .await;
    assert!(!listed.contains("Summit in Brussels"));
}

#[tokio::test]
async fn pages_live_at_their_own_address_outside_the_stream() {
    let site = TestApp::spawn().await;
    let editor = site.moderator().await;
    let page = |title: &'static str, parent: &'static str| {
        [
            ("kind", "page"),
            ("title", title),
            ("body", "We are a small newsroom."),
            ("status", "published"),
            ("comments_open", "1"),
            ("parent", parent),
        ]
    };
    let about = id_in(&editor.saved("/admin/articles", &page("About", "")).await);
    let mut team = page("Team", "");
    team[5].1 = Box::leak(about.clone().into_boxed_str());
    let team_id = id_in(&editor.saved("/admin/articles", &team).await);

    let reader = site.reader();
    let about_page = body(reader.get("/about/").await).await;
    assert!(about_page.contains("We are a small newsroom."));
    assert!(
        !about_page.contains("class=\"entry-meta\""),
        "a page has no byline or date"
    );
    assert_eq!(reader.get("/about/team/").await.status(), StatusCode::OK);
    let bare = reader.get("/about/team").await;
    assert_eq!(bare.status(), StatusCode::MOVED_PERMANENTLY);
    assert_eq!(location(&bare), "/about/team/");
    assert_eq!(
        reader.get("/about/nobody/").await.status(),
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        reader.get("/nothing/here/at/all/").await.status(),
        StatusCode::NOT_FOUND
    );
    // Outside the article stream and its feed; in the footer's pages.
    let front = body(reader.get("/").await).await;
    assert!(!front.contains("<h2 class=\"entry-title\"><a href=\"/about/\""));
    assert!(
        front.contains("<li><a href=\"/about/\">About</a></li>"),
        "{front}"
    );
    assert!(!body(reader.get("/feed/").await).await.contains("newsroom"));
    // Readers comment on a page as on an article.
    let page_article = site.app.store.page_by_path("about").await.unwrap().unwrap();
    let response = reader
        .comment(
            &page_article,
            &[
                ("author", "Ann"),
                ("email", "ann@example.com"),
                ("comment", "Nice team."),
            ],
        )
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert!(
        location(&response).starts_with("/about/"),
        "{}",
        location(&response)
    );

    // The site's own addresses are not for pages.
    let reserved = editor.post("/admin/articles", &page("Feed", "")).await;
    assert_eq!(reserved.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(body(reserved).await.contains("/feed/ is kept for the site"));
    // A page cannot sit under its own child.
    let mut looped = page("About", "");
    looped[5].1 = Box::leak(team_id.clone().into_boxed_str());
    let response = editor
        .post(&format!("/admin/articles/{about}"), &looped)
        .await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        body(response)
            .await
            .contains("a page cannot be its own ancestor")
    );

    // Re-slugging the parent moves the child, and both old addresses lead on.
    let mut company = page("About", "");
    let with_slug: Vec<(&str, &str)> = company
        .iter_mut()
        .map(|(name, value)| (*name, *value))
        .chain([("slug", "company")])
        .collect();
    editor
        .saved(&format!("/admin/articles/{about}"), &with_slug)
        .await;
    assert_eq!(reader.get("/company/team/").await.status(), StatusCode::OK);
    let moved = reader.get("/about/").await;
    assert_eq!(moved.status(), StatusCode::MOVED_PERMANENTLY);
    assert_eq!(location(&moved), "/company/");
    let pages = body(editor.get("/admin/pages").await).await;
    assert!(pages.contains("About") && pages.contains("Team"));
}

#[tokio::test]
async fn pending_private_and_trashed_articles_stay_off_the_public_site() {
    let site = TestApp::spawn().await;
    let editor = site.moderator().await;
    let reader = site.reader();
    let write = |title: &'static str, status: &'static str| {
        [
            ("title", title),
            ("body", "Text."),
            ("status", status),
            ("published_at", "2026-05-01T09:00"),
        ]
    };
    editor
        .saved("/admin/articles", &write("Under review", "pending"))
        .await;
    editor
        .saved("/admin/articles", &write("Staff memo", "private"))
        .await;
    let story = id_in(
        &editor
            .saved("/admin/articles", &write("Old story", "published"))
            .await,
    );

    assert_eq!(
        reader.get("/2026/05/under-review/").await.status(),
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        reader.get("/2026/05/staff-memo/").await.status(),
        StatusCode::NOT_FOUND
    );
    // Signed-in staff read a private article; nobody keeps a copy of it.
    let memo = editor.get("/2026/05/staff-memo/").await;
    assert_eq!(memo.status(), StatusCode::OK, "{}", location(&memo));
    assert_eq!(memo.headers()["cache-control"], "private, no-store");
    assert!(
        body(memo)
            .await
            .contains("Private: only signed-in staff can read this.")
    );
    assert_eq!(
        reader.get("/2026/05/staff-memo/").await.status(),
        StatusCode::NOT_FOUND
    );
    let front = body(reader.get("/").await).await;
    assert!(!front.contains("Under review") && !front.contains("Staff memo"));
    let list = body(editor.get("/admin/articles?state=pending").await).await;
    assert!(list.contains("Under review") && !list.contains("Old story"));
    assert!(
        list.contains("Pending review <span class=\"count\">(1)</span>"),
        "{list}"
    );

    // The trash: off the site at once, restorable, then gone after 30 days.
    assert_eq!(
        reader.get("/2026/05/old-story/").await.status(),
        StatusCode::OK
    );
    editor
        .saved(&format!("/admin/articles/{story}/trash"), &[])
        .await;
    assert_eq!(
        reader.get("/2026/05/old-story/").await.status(),
        StatusCode::NOT_FOUND
    );
    let trash = body(editor.get("/admin/articles?state=trash").await).await;
    assert!(trash.contains("Old story") && trash.contains("Trash (deleted on"));
    editor
        .saved(&format!("/admin/articles/{story}/restore"), &[])
        .await;
    assert_eq!(
        reader.get("/2026/05/old-story/").await.status(),
        StatusCode::OK
    );
    editor
        .saved(&format!("/admin/articles/{story}/trash"), &[])
        .await;
    let story_id = tidings_domain::ArticleId(story.parse().unwrap());
    site.clock.advance(time::Duration::days(29));
    let tidied = tidings::services::housekeeping::run_once(&site.app)
        .await
        .unwrap();
    assert_eq!(tidied.articles_purged, 0);
    assert!(
        site.app
            .store
            .article_by_id(story_id)
            .await
            .unwrap()
            .is_some()
    );
    site.clock.advance(time::Duration::days(2));
    let tidied = tidings::services::housekeeping::run_once(&site.app)
        .await
        .unwrap();
    assert_eq!(tidied.articles_purged, 1);
    assert!(
        site.app
            .store
            .article_by_id(story_id)
            .await
            .unwrap()
            .is_none()
    );
    // "trash" is not a status a form may set.
    let editor = site.sign_in(ADMIN_EMAIL).await;
    let refused = editor
        .post("/admin/articles", &write("Sneaky", "trash"))
        .await;
    assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);
}

#[tokio::test]
async fn sticky_articles_lead_the_front_page_and_updates_are_shown() {
    let site = TestApp::spawn().await;
    let editor = site.moderator().await;
    let reader = site.reader();
    let form = |title: &'static str, body_text: &'static str, sticky: bool| {
        let mut fields = vec![
            ("title", title),
            ("body", body_text),
            ("status", "published"),
            ("published_at", "2026-05-01T09:00"),
        ];
        if sticky {
            fields.push(("sticky", "1"));
        }
        fields
    };
    let pinned = id_in(
        &editor
            .saved("/admin/articles", &form("Election guide", "Guide.", true))
            .await,
    );
    editor
        .saved("/admin/articles", &form("Later news", "News.", false))
        .await;
    let front = body(reader.get("/").await).await;
    let guide = front.find("Election guide").unwrap();
    assert!(guide < front.find("Later news").unwrap(), "pinned on top");
    assert_eq!(
        front.matches("Election guide").count(),
        1,
        "not repeated below: {front}"
    );
    assert!(front.contains("entry-sticky"));

    // Editing the published text shows "Updated"; a change readers do not read does not.
    let article = body(reader.get("/2026/05/election-guide/").await).await;
    assert!(!article.contains("entry-updated"));
    site.clock.advance(time::Duration::hours(3));
    let mut edited = form("Election guide", "Guide, corrected.", true);
    editor
        .saved(&format!("/admin/articles/{pinned}"), &edited)
        .await;
    let article = body(reader.get("/2026/05/election-guide/").await).await;
    assert!(
        article.contains("<p class=\"entry-updated\">Updated <time"),
        "{article}"
    );
    edited.retain(|(name, _)| *name != "sticky");
    editor
        .saved(&format!("/admin/articles/{pinned}"), &edited)
        .await;
    let front = body(reader.get("/").await).await;
    assert!(!front.contains("entry-sticky"));
}

#[tokio::test]
async fn the_dashboard_shows_what_needs_the_desk_and_a_month_of_comments() {
    let site = TestApp::spawn().await;
    site.open_discussion().await;
    let editor = site.moderator().await;
    for (title, status, date) in [
        ("Needs a look", "pending", "2026-05-01T09:00"),
        ("Goes out tomorrow", "published", "2026-06-02T08:00"),
    ] {
        editor
            .saved(
                "/admin/articles",
                &[
                    ("title", title),
                    ("body", "Text."),
                    ("status", status),
                    ("published_at", date),
                ],
            )
            .await;
    }
    let story = site.article("Story").await;
    let reader = site.reader();
    let posted = reader
        .comment(
            &story,
            &[
                ("author", "Ann"),
                ("email", "ann@example.com"),
                ("comment", "First!"),
            ],
        )
        .await;
    assert_eq!(posted.status(), StatusCode::SEE_OTHER);

    let page = body(editor.get("/admin/").await).await;
    assert!(
        page.contains("Waiting for review <span class=\"count\">(1)</span>"),
        "{page}"
    );
    assert!(page.contains("Needs a look"));
    assert!(
        page.contains("Goes out tomorrow</a>, June 2, 2026 at 08:00 UTC"),
        "{page}"
    );
    // The chart and its table agree: today, the welcome article's sample comment and
    // Ann's (approved: the discussion is open), in the last of 30 rows.
    assert_eq!(page.matches("<tr><th scope=\"row\">").count(), 30);
    assert!(
        page.contains(
            "<time datetime=\"2026-06-01\">Jun 1</time></th><td>2</td><td>0</td><td>0</td>"
        )
    );
    assert!(page.contains("<title>Jun 1: 2 approved</title>"));
    assert_eq!(page.matches("<rect class=\"bar-").count(), 1);
    assert!(page.contains("role=\"img\""));
}

#[tokio::test]
async fn bylines_name_every_author_and_lead_to_their_pages() {
    let site = TestApp::spawn().await;
    let editor = site.moderator().await;
    site.create_user("bo@newsroom.example", tidings_domain::Role::Editor)
        .await;
    let users = site.app.store.all_users().await.unwrap();
    let (edith, bo) = (users[0].id.0.to_string(), users[1].id.0.to_string());
    // Bo's profile first: a name, an address and a bio.
    let bo_editor = site.sign_in("bo@newsroom.example").await;
    let taken = bo_editor
        .post(
            "/admin/profile",
            &[
                ("name", "Bo Ost"),
                ("slug", "edith-editor"),
                ("bio", "Port."),
            ],
        )
        .await;
    assert_eq!(taken.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let page = body(taken).await;
    assert!(page.contains("Another author already has this address."));
    assert!(page.contains("value=\"Bo Ost\""), "what was typed is kept");
    bo_editor
        .saved(
            "/admin/profile",
            &[
                ("name", "Bo Ost"),
                ("slug", ""),
                ("bio", "Covers the port and the ferries."),
            ],
        )
        .await;

    editor
        .saved(
            "/admin/articles",
            &[
                ("title", "Ferry strike"),
                ("body", "The ferries stopped."),
                ("status", "published"),
                ("published_at", "2026-05-01T09:00"),
                ("authors", &edith),
                ("authors", &bo),
                ("lead_author", &bo),
            ],
        )
        .await;
    let reader = site.reader();
    let article = body(reader.get("/2026/05/ferry-strike/").await).await;
    assert!(
        article.contains(
            "By <a rel=\"author\" href=\"/author/bo-ost/\"><bdi>Bo Ost</bdi></a> and \
             <a rel=\"author\" href=\"/author/edith-editor/\"><bdi>Edith Editor</bdi></a>"
        ),
        "{article}"
    );
    let author_page = body(reader.get("/author/bo-ost/").await).await;
    assert!(author_page.contains("Covers the port and the ferries."));
    assert!(author_page.contains("Ferry strike"));
    assert!(
        body(reader.get("/author/edith-editor/").await)
            .await
            .contains("Ferry strike")
    );
    assert_eq!(
        reader.get("/author/nobody/").await.status(),
        StatusCode::NOT_FOUND
    );
}
