//! Issue #12: search, as a reader uses it through HTTP. Results follow every edit, the
//! words looked for are marked, an empty result keeps the query in the box, and nothing a
//! reader types makes a 500. Results are made per request, never cached.

use crate::support::*;
use reqwest::StatusCode;
use tidings_domain::term::TermInput;
use tidings_domain::{ArticleStatus, Taxonomy};

/// The titles of the results, in order, as their links show them (marks removed).
fn result_titles(page: &str) -> Vec<String> {
    page.split("<li class=\"entry search-result\">")
        .skip(1)
        .map(|result| {
            let link = result.split("<a href=\"").nth(1).unwrap();
            let text = link
                .split_once("\">")
                .unwrap()
                .1
                .split("</a>")
                .next()
                .unwrap();
            text.replace("<mark>", "").replace("</mark>", "")
        })
        .collect()
}

#[tokio::test]
async fn search_follows_the_newsroom_and_marks_what_it_found() {
    let site = TestApp::spawn().await;
    let editor = site.moderator().await;
    let reader = site.reader();
    let form = |title: &'static str, body_text: &'static str, status: &'static str| {
        vec![
            ("title", title),
            ("body", body_text),
            ("status", status),
            ("published_at", "2026-05-01T09:00"),
        ]
    };
    let bridge = id_in(
        &editor
            .saved(
                "/admin/articles",
                &form(
                    "Harbour bridge reopens",
                    "After two years of works the **harbour** bridge carries traffic again.",
                    "published",
                ),
            )
            .await,
    );
    editor
        .saved(
            "/admin/articles",
            &form(
                "Council budget",
                "The council voted the budget; the harbour gets a new quay.",
                "published",
            ),
        )
        .await;

    let response = reader.get("/?s=Harbour").await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.headers()["x-robots-tag"], "noindex");
    assert!(response.headers().get("etag").is_none(), "not cached");
    let page = body(response).await;
    assert_eq!(
        result_titles(&page),
        vec!["Harbour bridge reopens", "Council budget"],
        "the title outweighs the body"
    );
    assert!(
        page.contains("<mark>Harbour</mark> bridge reopens"),
        "{page}"
    );
    assert!(
        page.contains("the <mark>harbour</mark> gets a new quay"),
        "{page}"
    );
    assert!(page.contains("<meta name=\"robots\" content=\"noindex\">"));
    assert!(
        page.contains("value=\"Harbour\""),
        "the query stays in the box"
    );
    assert!(page.contains("<title>Search results for “Harbour” – The Daily Test</title>"));
    // The address to share gives the same results; so does WordPress's `+` for spaces.
    let pretty = body(reader.get("/search/harbour%20bridge/").await).await;
    assert_eq!(result_titles(&pretty), vec!["Harbour bridge reopens"]);
    let plus = body(reader.get("/search/harbour+bridge/").await).await;
    assert_eq!(result_titles(&plus), vec!["Harbour bridge reopens"]);
    // A phrase and a prefix.
    let phrase = body(reader.get("/?s=%22new+quay%22").await).await;
    assert_eq!(result_titles(&phrase), vec!["Council budget"]);
    let prefix = body(reader.get("/?s=budg").await).await;
    assert_eq!(result_titles(&prefix), vec!["Council budget"]);

    // An edit is searchable at once; what it removed is not.
    editor
        .saved(
            &format!("/admin/articles/{bridge}"),
            &form(
                "Harbour bridge reopens",
                "The ferry service ends as the crossing reopens.",
                "published",
            ),
        )
        .await;
    let ferry = body(reader.get("/?s=ferry").await).await;
    assert_eq!(result_titles(&ferry), vec!["Harbour bridge reopens"]);
    let traffic = body(reader.get("/?s=traffic").await).await;
    assert!(result_titles(&traffic).is_empty());
    // Unpublished, it is not found; published again it is; in the trash it is not.
    editor
        .saved(
            &format!("/admin/articles/{bridge}"),
            &form("Harbour bridge reopens", "The ferry service ends.", "draft"),
        )
        .await;
    assert!(result_titles(&body(reader.get("/?s=ferry").await).await).is_empty());
    editor
        .saved(
            &format!("/admin/articles/{bridge}"),
            &form(
                "Harbour bridge reopens",
                "The ferry service ends.",
                "published",
            ),
        )
        .await;
    assert_eq!(
        result_titles(&body(reader.get("/?s=ferry").await).await),
        vec!["Harbour bridge reopens"]
    );
    editor
        .saved(&format!("/admin/articles/{bridge}/trash"), &[])
        .await;
    assert!(result_titles(&body(reader.get("/?s=ferry").await).await).is_empty());

    // Nothing found: a proper page, the query kept, a way forward.
    let none = reader.get("/search/zeppelin/").await;
    assert_eq!(none.status(), StatusCode::OK);
    let none = body(none).await;
    assert!(none.contains("Nothing found"), "{none}");
    assert!(none.contains("value=\"zeppelin\""));
    // An empty box asks for words.
    let empty = body(reader.get("/?s=").await).await;
    assert!(
        empty.contains("Type the words you are looking for"),
        "{empty}"
    );
}

#[tokio::test]
async fn search_pages_and_filters_by_section_and_year() {
    let site = TestApp::spawn().await;
    let reader = site.reader();
    let now = site.clock_now();
    let sport = TermInput {
        name: "Sport".into(),
        ..TermInput::default()
    }
    .validate(Taxonomy::Section)
    .unwrap();
    let sport = site.app.store.insert_term(&sport).await.unwrap();
    for number in 0..13 {
        site.article_with(&format!("Election night {number}"), |input| {
            input.published_at = Some(now - time::Duration::days(40 * number));
            if number % 3 == 0 {
                input.sections = vec![sport.id];
            }
        })
        .await;
    }
    let first = body(reader.get("/?s=election").await).await;
    assert_eq!(result_titles(&first).len(), 10);
    assert!(first.contains("<ol class=\"search-results\" start=\"1\""));
    let more = attribute_after(&first, "<a rel=\"next\" href=\"").unwrap();
    assert_eq!(more, "/search/election/page/2/");
    let second = body(reader.get(&more).await).await;
    assert_eq!(result_titles(&second).len(), 3);
    assert!(second.contains("start=\"11\""));
    assert_eq!(
        reader.get("/search/election/page/3/").await.status(),
        StatusCode::NOT_FOUND
    );
    // WordPress's form of the same page.
    let paged = body(reader.get("/?s=election&paged=2").await).await;
    assert_eq!(result_titles(&paged), result_titles(&second));

    let in_sport = body(reader.get("/?s=election&section=sport").await).await;
    let mut titles = result_titles(&in_sport);
    titles.sort();
    assert_eq!(
        titles,
        vec![
            "Election night 0",
            "Election night 12",
            "Election night 3",
            "Election night 6",
            "Election night 9"
        ]
    );
    assert!(in_sport.contains("<option value=\"sport\" selected>Sport</option>"));
    let last_year = now.year() - 1;
    let in_year = body(
        reader
            .get(&format!("/search/election/?year={last_year}"))
            .await,
    )
    .await;
    let found = result_titles(&in_year);
    assert!(!found.is_empty());
    for title in found {
        let number: i64 = title.rsplit(' ').next().unwrap().parse().unwrap();
        assert_eq!((now - time::Duration::days(40 * number)).year(), last_year);
    }
    assert!(in_year.contains(&format!("<option value=\"{last_year}\" selected>")));
    // A filter that leaves nothing: the no-results page says the filters narrowed it.
    let empty = body(reader.get("/?s=zeppelin&section=sport").await).await;
    assert!(result_titles(&empty).is_empty());
    assert!(
        empty.contains("with the section and year chosen"),
        "{empty}"
    );
    let unfiltered = body(reader.get("/?s=zeppelin").await).await;
    assert!(!unfiltered.contains("with the section and year chosen"));
}

#[tokio::test]
async fn hostile_queries_get_a_results_page_never_an_error() {
    let site = TestApp::spawn().await;
    let reader = site.reader();
    site.article_with("An ordinary story", |input| {
        input.status = Some(ArticleStatus::Published);
    })
    .await;
    let long = "a".repeat(10_000);
    let queries = [
        "%22",
        "%22%22%22",
        "*",
        "NEAR(a%20b,%203)",
        "title:story",
        "story%20OR",
        "%27;%20DROP%20TABLE%20articles;%20--",
        "%00%01%07story",
        "%FF%FE",
        "%3Cscript%3Ealert(1)%3C/script%3E",
        "&|<->!:*",
        long.as_str(),
    ];
    for query in queries {
        let response = reader.get(&format!("/?s={query}")).await;
        assert_eq!(response.status(), StatusCode::OK, "/?s={query}");
        let page = body(response).await;
        assert!(!page.contains("<script>alert"), "escaped: {query}");
        let response = reader.get(&format!("/search/{query}/")).await;
        assert!(
            response.status() == StatusCode::OK || response.status() == StatusCode::NOT_FOUND,
            "/search/{query}/: {}",
            response.status()
        );
    }
    let found = body(reader.get("/?s=%00story%22").await).await;
    assert_eq!(result_titles(&found), vec!["An ordinary story"]);
    // A 10,000-character query is cut to what a reader could type, and kept in the box.
    let page = body(reader.get(&format!("/?s={long}")).await).await;
    assert!(page.contains(&format!("value=\"{}\"", "a".repeat(200))));
    assert!(!page.contains(&"a".repeat(201)));
}
