//! Issue #12: the site's navigation. The header's menu shows the sections the owner chose
//! (the top-level ones until then), the footer the top-level pages, and an article its
//! breadcrumbs; a change to any of them reaches pages already cached.

use crate::support::*;
use reqwest::StatusCode;
use tidings_domain::term::TermInput;
use tidings_domain::{Taxonomy, TermId};

fn menu(page: &str) -> Vec<String> {
    nav_links(page, "<nav class=\"site-nav\" aria-label=\"Sections\">")
}

fn footer(page: &str) -> Vec<String> {
    nav_links(page, "<nav class=\"footer-nav\" aria-label=\"Pages\">")
}

fn nav_links(page: &str, start: &str) -> Vec<String> {
    let Some(at) = page.find(start) else {
        return Vec::new();
    };
    let nav = &page[at..at + page[at..].find("</nav>").unwrap()];
    nav.split("<li><a href=\"")
        .skip(1)
        .map(|link| link.split("</a>").next().unwrap().replace("\">", " "))
        .collect()
}

/// Adds sections in order, each under the one at the index given (an earlier one).
async fn sections(site: &TestApp, specs: &[(&str, Option<usize>)]) -> Vec<TermId> {
    let mut ids = Vec::new();
    for (name, parent) in specs {
        let input = TermInput {
            name: (*name).into(),
            parent_id: parent.map(|index| ids[index]),
            ..TermInput::default()
        }
        .validate(Taxonomy::Section)
        .unwrap();
        ids.push(site.app.store.insert_term(&input).await.unwrap().id);
    }
    ids
}

#[tokio::test]
async fn the_menu_the_footer_and_breadcrumbs_follow_the_newsroom() {
    let site = TestApp::spawn().await;
    let editor = site.moderator().await;
    let reader = site.reader();
    let ids = sections(
        &site,
        &[("World", None), ("Sport", None), ("Asia", Some(0))],
    )
    .await;
    let story = site
        .article_with("Monsoon arrives", |input| input.sections = vec![ids[2]])
        .await;
    // Until the owner chooses: the top-level sections but the default one, by name.
    let front = body(reader.get("/").await).await;
    assert_eq!(
        menu(&front),
        vec!["/category/sport/ Sport", "/category/world/ World"]
    );
    assert!(footer(&front).is_empty());
    let article = body(reader.get(&story.permalink()).await).await;
    assert!(
        article.contains(
            "<nav class=\"breadcrumbs\" aria-label=\"Breadcrumbs\"><ol>\n      <li><a href=\"/\">Home</a></li>\n      \
             <li class=\"entry-section\"><a href=\"/category/world/asia/\">Asia</a></li>"
        ),
        "{article}"
    );

    // The owner picks the menu on the Sections screen; cached pages show it at once.
    let sections = body(editor.get("/admin/sections").await).await;
    assert!(sections.contains("The header's menu"));
    let asia = ids[2].0.to_string();
    let sport = ids[1].0.to_string();
    let saved = editor
        .post(
            "/admin/sections/menu",
            &[("menu", &sport), ("menu", &asia), ("menu", "99999")],
        )
        .await;
    assert_eq!(saved.status(), StatusCode::SEE_OTHER);
    let front = body(reader.get("/").await).await;
    assert_eq!(
        menu(&front),
        vec!["/category/sport/ Sport", "/category/world/asia/ Asia"],
        "in the list's order (the tree), unknown ids dropped"
    );
    let sections = body(editor.get("/admin/sections").await).await;
    assert!(sections.contains(&format!("value=\"{sport}\" checked")));
    assert!(!sections.contains(&format!("value=\"{}\" checked", ids[0].0)));
    // None chosen: no menu at all.
    editor.post("/admin/sections/menu", &[]).await;
    assert!(menu(&body(reader.get("/").await).await).is_empty());

    // A published top-level page joins every page's footer, cached ones too.
    let saved = editor
        .post(
            "/admin/articles",
            &[
                ("kind", "page"),
                ("title", "About us"),
                ("body", "Who we are."),
                ("status", "published"),
            ],
        )
        .await;
    assert_eq!(
        saved.status(),
        StatusCode::SEE_OTHER,
        "{}",
        body(saved).await
    );
    let front = body(reader.get("/").await).await;
    assert_eq!(footer(&front), vec!["/about-us/ About us"]);
    let article = body(reader.get(&story.permalink()).await).await;
    assert_eq!(footer(&article), vec!["/about-us/ About us"]);
}

#[tokio::test]
async fn a_nested_section_lives_under_its_parents_address() {
    let site = TestApp::spawn().await;
    let editor = site.moderator().await;
    let reader = site.reader();
    let ids = sections(
        &site,
        &[("World", None), ("Asia", Some(0)), ("Sport", None)],
    )
    .await;
    for number in 0..12 {
        site.article_with(&format!("Monsoon {number}"), |input| {
            input.sections = vec![ids[1]]
        })
        .await;
    }
    let archive = reader.get("/category/world/asia/").await;
    assert_eq!(archive.status(), StatusCode::OK);
    let archive = body(archive).await;
    assert!(archive.contains("<h1 class=\"archive-title\">Asia</h1>"));
    assert!(
        archive.contains("href=\"/category/world/asia/page/2/\""),
        "{archive}"
    );
    assert_eq!(
        reader.get("/category/world/asia/page/2/").await.status(),
        StatusCode::OK
    );
    for (asked, answer) in [
        ("/category/asia/", "/category/world/asia/"),
        ("/category/sport/asia/", "/category/world/asia/"),
        ("/category/asia/page/2/", "/category/world/asia/page/2/"),
        ("/category/world/asia/page/1/", "/category/world/asia/"),
        ("/category/asia/feed/", "/category/world/asia/feed/"),
        ("/category/world/asia", "/category/world/asia/"),
    ] {
        let response = reader.get(asked).await;
        assert_eq!(response.status(), StatusCode::MOVED_PERMANENTLY, "{asked}");
        assert_eq!(location(&response), answer, "{asked}");
    }
    for missing in [
        "/category/world/nowhere/",
        "/category/world//asia/",
        "/category/world/asia/page/0/",
        "/category/world/asia/page/9/",
    ] {
        assert_eq!(
            reader.get(missing).await.status(),
            StatusCode::NOT_FOUND,
            "{missing}"
        );
    }
    let feed = reader.get("/category/world/asia/feed/atom/").await;
    assert_eq!(feed.status(), StatusCode::OK);
    assert!(
        body(feed)
            .await
            .contains("<link rel=\"self\" type=\"application/atom+xml\" href=\"")
    );
    let sitemap = body(reader.get("/sitemaps/sections.xml").await).await;
    assert!(sitemap.contains("/category/world/asia/</loc>"), "{sitemap}");

    // Moved under Sport, it lives there, and its old address leads to it.
    let sport = ids[2].0.to_string();
    let saved = editor
        .post(
            &format!("/admin/sections/{}", ids[1].0),
            &[("name", "Asia"), ("slug", "asia"), ("parent", &sport)],
        )
        .await;
    assert_eq!(saved.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        reader.get("/category/sport/asia/").await.status(),
        StatusCode::OK
    );
    let old = reader.get("/category/world/asia/").await;
    assert_eq!(location(&old), "/category/sport/asia/");
}

#[tokio::test]
async fn a_page_scheduled_for_later_joins_the_footer_at_its_minute() {
    let site = TestApp::spawn().await;
    let reader = site.reader();
    let later = site.clock_now() + time::Duration::hours(1);
    site.article_with("Contact", |input| {
        input.kind = Some(tidings_domain::ArticleKind::Page);
        input.published_at = Some(later);
    })
    .await;
    // Cached without it: it is not out yet.
    assert!(footer(&body(reader.get("/").await).await).is_empty());
    assert!(footer(&body(reader.get("/").await).await).is_empty());
    site.clock.advance(time::Duration::hours(2));
    assert_eq!(
        footer(&body(reader.get("/").await).await),
        vec!["/contact/ Contact"]
    );
}
