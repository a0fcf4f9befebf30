//! The public site: the front page and its pages, permalinks and WordPress's redirects,
//! friendly 404s, security headers, and a theme folder overriding the default.

use crate::support::*;
use reqwest::StatusCode;

#[tokio::test]
async fn the_front_page_lists_articles_newest_first_in_pages() {
    let site = TestApp::spawn().await;
    for day in 1..=11 {
        site.article_with(&format!("Story number {day}"), |input| {
            input.published_at = Some(START - time::Duration::days(20 - day));
            input.body_markdown = format!("Lead paragraph of story {day}.\n\nSecond paragraph.");
        })
        .await;
    }
    let reader = site.reader();
    let front = body(reader.get("/").await).await;
    let newest = front.find("Story number 11").unwrap();
    let older = front.find("Story number 3").unwrap();
    assert!(newest < older, "newest first");
    assert!(
        front.contains("Lead paragraph of story 11. Second paragraph."),
        "an excerpt"
    );
    assert!(front.contains("No Comments") && front.contains("#respond"));
    assert!(
        !front.contains("Story number 1<"),
        "page one holds ten articles"
    );
    assert!(front.contains("href=\"/page/2/\""));
    let second = body(reader.get("/page/2/").await).await;
    assert!(
        front.contains("Welcome to tidings"),
        "the welcome article is the newest"
    );
    assert!(
        second.contains("Story number 1<")
            && second.contains("Story number 2<")
            && second.contains("href=\"/\"")
    );

    assert_eq!(location(&reader.get("/page/1/").await), "/");
    assert_eq!(location(&reader.get("/?paged=2").await), "/page/2/");
    for missing in ["/page/3/", "/page/0/", "/page/x/", "/page/99999999999999/"] {
        assert_eq!(
            reader.get(missing).await.status(),
            StatusCode::NOT_FOUND,
            "{missing}"
        );
    }
}

#[tokio::test]
async fn wordpress_links_keep_working() {
    let site = TestApp::spawn().await;
    let article = site.article("Old links").await;
    let draft = site
        .article_with("Unpublished", |input| {
            input.status = Some(tidings_domain::ArticleStatus::Draft)
        })
        .await;
    let reader = site.reader();
    let permalink = article.permalink();

    let response = reader.get(&format!("/?p={}", article.id)).await;
    assert_eq!(response.status(), StatusCode::MOVED_PERMANENTLY);
    assert_eq!(location(&response), permalink);
    assert_eq!(
        reader.get(&format!("/?p={}", draft.id)).await.status(),
        StatusCode::NOT_FOUND,
        "drafts are not revealed"
    );
    assert_eq!(
        reader.get("/?p=banana").await.status(),
        StatusCode::NOT_FOUND
    );

    let response = reader.get(permalink.trim_end_matches('/')).await;
    assert_eq!(
        (response.status(), location(&response)),
        (StatusCode::MOVED_PERMANENTLY, permalink.clone())
    );
    let response = reader.get("/1999/01/old-links/").await;
    assert_eq!(
        (response.status(), location(&response)),
        (StatusCode::MOVED_PERMANENTLY, permalink.clone()),
        "a wrong date goes to the right one"
    );
    assert_eq!(reader.get(&permalink).await.status(), StatusCode::OK);

    let unicode = site.article("Ünïcödé: straße news").await;
    let encoded: String = unicode
        .permalink()
        .bytes()
        .map(|byte| {
            if byte.is_ascii() {
                (byte as char).to_string()
            } else {
                format!("%{byte:02X}")
            }
        })
        .collect();
    let response = reader.get(&encoded).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert!(body(response).await.contains("Ünïcödé: straße news"));
    let response = reader.get(&format!("/?p={}", unicode.id)).await;
    assert_eq!(
        location(&response),
        encoded,
        "redirects percent-encode non-ASCII"
    );
}

#[tokio::test]
async fn unknown_addresses_get_a_friendly_404_and_pages_carry_security_headers() {
    let site = TestApp::spawn().await;
    let reader = site.reader();
    let response = reader.get("/%FF%FE/x/y/").await;
    assert_eq!(
        response.status(),
        StatusCode::BAD_REQUEST,
        "a path that is not UTF-8"
    );
    assert!(
        body(response)
            .await
            .contains("The request could not be understood."),
        "themed, not axum's plain text"
    );
    for path in [
        "/nothing-here",
        "/2026/06/missing/",
        // Three parts without a slash are redirected only when they can be an article.
        "/ap/v1/articles",
        "/2026/13/story",
        "/26/06/story",
        "/static/missing.css",
        "/admin/nope",
    ] {
        let response = reader.get(path).await;
        assert_eq!(response.status(), StatusCode::NOT_FOUND, "{path}");
        assert_eq!(
            response.headers()["content-type"],
            "text/html; charset=utf-8"
        );
        let page = body(response).await;
        assert!(
            page.contains("Page not found") && page.contains("Go to the front page"),
            "{path}"
        );
    }
    let response = reader.get("/").await;
    let headers = response.headers();
    assert!(
        headers["content-security-policy"]
            .to_str()
            .unwrap()
            .contains("script-src 'self'")
    );
    assert_eq!(headers["x-content-type-options"], "nosniff");
    assert_eq!(headers["x-frame-options"], "DENY");
    assert_eq!(headers["cache-control"], "no-cache");

    let css = reader.get("/static/style.css").await;
    assert_eq!(css.headers()["content-type"], "text/css; charset=utf-8");
    let robots = body(reader.get("/robots.txt").await).await;
    assert!(robots.contains("Disallow: /admin/"));
}

#[tokio::test]
async fn a_theme_folder_overrides_templates_and_static_files() {
    let data = data_folder().await;
    let theme = data.path().join("theme");
    std::fs::create_dir_all(theme.join("templates")).unwrap();
    std::fs::create_dir_all(theme.join("static")).unwrap();
    std::fs::write(
        theme.join("templates/index.html"),
        "{% extends \"default/index.html\" %}{% block title %}Custom front page{% endblock %}",
    )
    .unwrap();
    std::fs::write(
        theme.join("static/style.css"),
        "body { color: rebeccapurple }",
    )
    .unwrap();
    let site = TestApp::spawn_in(data).await;
    let reader = site.reader();
    let front = body(reader.get("/").await).await;
    assert!(
        front.contains("<title>Custom front page</title>") && front.contains("Welcome to tidings")
    );
    assert_eq!(
        body(reader.get("/static/style.css").await).await,
        "body { color: rebeccapurple }"
    );

    // A theme with a broken template fails at start, with its name, not on a reader's request.
    let data = site.stop().await;
    std::fs::write(data.path().join("theme/templates/article.html"), "{% if %}").unwrap();
    let config = tidings::config::Config::load(data.path()).unwrap();
    let error = tidings::app::App::open(data.path(), config, tidings::app::AppOptions::default())
        .await
        .err()
        .expect("a broken theme is refused");
    assert!(format!("{error:#}").contains("article.html"), "{error:#}");
}

#[tokio::test]
async fn comments_without_stored_html_are_rendered_and_migrate_fills_them_in() {
    if on_postgres() {
        eprintln!(
            "skipped: clears a column with SQLite's own client; the store contract covers both"
        );
        return;
    }
    let site = TestApp::spawn().await;
    site.open_discussion().await;
    let article = site.article("Older comments").await;
    let reader = site.reader();
    let id = comment_id(&location(
        &reader
            .comment(&article, &[("comment", "see https://older.example/")])
            .await,
    ));
    let database = site.data.path().join(tidings::app::DATABASE_FILE);
    {
        use sqlx::Connection;
        let options = sqlx::sqlite::SqliteConnectOptions::new().filename(&database);
        let mut connection = sqlx::SqliteConnection::connect_with(&options)
            .await
            .unwrap();
        sqlx::query("UPDATE comments SET content_html = NULL")
            .execute(&mut connection)
            .await
            .unwrap();
    }
    // A cached page would hide the change; a setting change renders everything again.
    site.settings(|settings| settings.thread_depth = 4).await;
    let page = body(reader.get(&article.permalink()).await).await;
    assert!(
        page.contains("<a href=\"https://older.example/\" rel=\"nofollow ugc\">"),
        "rendered on the fly"
    );

    let data = site.stop().await;
    let (ok, stdout, stderr) = run_binary_beside(data.path(), &["migrate"], "").await;
    assert!(ok, "{stderr}");
    assert!(
        stdout.contains("rendered the HTML of 2 comments"),
        "{stdout}"
    );
    let store = tidings_store::SqliteStore::open(&database).await.unwrap();
    let comment = tidings_store::CommentStore::comment_by_id(&store, tidings_domain::CommentId(id))
        .await
        .unwrap()
        .unwrap();
    assert!(
        comment
            .content_html
            .unwrap()
            .as_str()
            .contains("rel=\"nofollow ugc\"")
    );
}

#[tokio::test]
async fn the_rss_feed_lists_the_newest_articles_and_follows_every_change() {
    let site = TestApp::spawn().await;
    site.open_discussion().await;
    let article = site
        .article_with("Rates & <rises>", |input| {
            input.body_markdown = "Body with **bold** & more.".into()
        })
        .await;
    let reader = site.reader();
    let response = reader.get("/feed/").await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(
        response.headers()["content-type"],
        "application/rss+xml; charset=utf-8"
    );
    let feed = body(response).await;
    assert!(feed.starts_with("<?xml version=\"1.0\" encoding=\"UTF-8\"?>"));
    assert!(
        feed.contains("<title>Rates &amp; &lt;rises&gt;</title>"),
        "titles are escaped"
    );
    let link = format!("<link>{}{}</link>", site.url(""), article.permalink());
    assert!(feed.contains(&link), "links are absolute: {feed}");
    assert!(
        feed.contains("&lt;strong&gt;bold&lt;/strong&gt;"),
        "the body is HTML escaped as text"
    );
    assert!(feed.contains("<slash:comments>0</slash:comments>"));
    assert!(
        feed.find("Welcome to tidings").unwrap() < feed.find("Rates &amp;").unwrap(),
        "newest first: the welcome article is an hour newer"
    );
    let again = reader.get("/feed/").await;
    assert_eq!(again.headers()["x-cache"], "HIT");

    // An approved comment changes its count; a new article appears at once.
    reader.comment(&article, &[("comment", "counted")]).await;
    assert!(
        body(reader.get("/feed/").await)
            .await
            .contains("<slash:comments>1</slash:comments>")
    );
    site.article("Fresh off the press").await;
    assert!(
        body(reader.get("/feed/").await)
            .await
            .contains("Fresh off the press")
    );
    let home = body(reader.get("/").await).await;
    assert!(
        home.contains("<link rel=\"alternate\" type=\"application/rss+xml\""),
        "pages point at the feed"
    );
    assert_eq!(location(&reader.get("/feed").await), "/feed/");
}

/// The theme's files are addressed by their content: a page names
/// `/static/style.DIGEST.css`, which may be kept a year; compressed when the browser
/// accepts it, each encoding with its own validator.
#[tokio::test]
async fn static_files_are_fingerprinted_compressed_and_cached_for_good() {
    let site = TestApp::spawn().await;
    let reader = site.reader();
    let front = body(reader.get("/").await).await;
    let address = attribute_after(&front, "<link rel=\"stylesheet\" href=\"").unwrap();
    let digest = address
        .strip_prefix("/static/style.")
        .and_then(|rest| rest.strip_suffix(".css"))
        .unwrap();
    assert_eq!(digest.len(), 8, "{address}");
    let plain = reader.get("/static/style.css").await;
    assert_eq!(plain.headers()["cache-control"], "public, max-age=300");
    let plain = plain.text().await.unwrap();

    let get = |path: String, accept: &'static str, tag: Option<String>| {
        let mut request = reader
            .client
            .get(site.url(&path))
            .header("accept-encoding", accept);
        if let Some(tag) = tag {
            request = request.header("if-none-match", tag);
        }
        request.send()
    };
    let identity = get(address.clone(), "identity", None).await.unwrap();
    assert_eq!(
        identity.headers()["cache-control"],
        "public, max-age=31536000, immutable"
    );
    assert_eq!(
        identity.headers()["content-type"],
        "text/css; charset=utf-8"
    );
    let identity_tag = identity.headers()["etag"].to_str().unwrap().to_owned();
    assert_eq!(identity.text().await.unwrap(), plain);

    let brotli = get(address.clone(), "gzip, br", None).await.unwrap();
    assert_eq!(brotli.headers()["content-encoding"], "br");
    assert_eq!(brotli.headers()["vary"], "Accept-Encoding");
    let brotli_tag = brotli.headers()["etag"].to_str().unwrap().to_owned();
    assert_ne!(brotli_tag, identity_tag);
    let compressed = brotli.bytes().await.unwrap();
    assert!(
        compressed.len() < plain.len() / 2,
        "{} of {}",
        compressed.len(),
        plain.len()
    );
    let mut unpacked = Vec::new();
    brotli::BrotliDecompress(&mut &compressed[..], &mut unpacked).unwrap();
    assert_eq!(String::from_utf8(unpacked).unwrap(), plain);
    let gzip = get(address.clone(), "gzip", None).await.unwrap();
    assert_eq!(gzip.headers()["content-encoding"], "gzip");

    let again = get(address.clone(), "gzip, br", Some(brotli_tag))
        .await
        .unwrap();
    assert_eq!(again.status(), StatusCode::NOT_MODIFIED);
    let other = get(
        address.clone(),
        "identity",
        Some(gzip_tag_of(&identity_tag)),
    )
    .await;
    assert_eq!(other.unwrap().status(), StatusCode::OK);

    // An address from another version still answers, briefly cached; an unknown file is 404.
    let old = get("/static/style.00000000.css".into(), "identity", None)
        .await
        .unwrap();
    assert_eq!(old.status(), StatusCode::OK);
    assert_eq!(old.headers()["cache-control"], "public, max-age=300");
    for missing in [
        "/static/missing.1234abcd.css",
        "/static/style",
        "/static/.css",
    ] {
        let response = get(missing.into(), "identity", None).await.unwrap();
        assert_eq!(response.status(), StatusCode::NOT_FOUND, "{missing}");
    }

    // The icon: named by every page, and at the address browsers try first.
    let icon = attribute_after(&front, "<link rel=\"icon\" href=\"").unwrap();
    let favicon = reader.get("/favicon.ico").await;
    assert_eq!(favicon.status(), StatusCode::FOUND);
    assert_eq!(location(&favicon), icon);
    let served = reader.get(&icon).await;
    assert_eq!(served.status(), StatusCode::OK);
    assert_eq!(served.headers()["content-type"], "image/svg+xml");
}

fn gzip_tag_of(identity: &str) -> String {
    format!("{}-gzip\"", identity.trim_end_matches('"'))
}

/// A theme's own stylesheet replaces the default one, under an address of its own.
#[tokio::test]
async fn a_themes_stylesheet_gets_its_own_address() {
    let default_site = TestApp::spawn().await;
    let default_front = body(default_site.reader().get("/").await).await;
    let default_address =
        attribute_after(&default_front, "<link rel=\"stylesheet\" href=\"").unwrap();

    let data = data_folder().await;
    let statics = data.path().join("theme/static");
    std::fs::create_dir_all(&statics).unwrap();
    std::fs::write(
        statics.join("style.css"),
        "body { color: rebeccapurple; }\n",
    )
    .unwrap();
    let themed = TestApp::spawn_in(data).await;
    let front = body(themed.reader().get("/").await).await;
    let address = attribute_after(&front, "<link rel=\"stylesheet\" href=\"").unwrap();
    assert_ne!(address, default_address);
    let served = body(themed.reader().get(&address).await).await;
    assert_eq!(served, "body { color: rebeccapurple; }\n");
}

/// Search results and link previews quote a page's description: the standfirst or the
/// excerpt of an article, the description of a section, the tagline elsewhere. Each page
/// has one `h1`: the site's name on the front page, the headline or the archive's name
/// elsewhere; comments are list items, not articles without headings.
#[tokio::test]
async fn pages_describe_themselves_and_have_one_main_heading() {
    let site = TestApp::spawn().await;
    let reader = site.reader();
    let description = |page: &str| attribute_after(page, "<meta name=\"description\" content=\"");

    let front = body(reader.get("/").await).await;
    assert_eq!(description(&front).as_deref(), Some("News and notes"));
    assert_eq!(front.matches("<h1").count(), 1);
    assert!(front.contains("<h1 class=\"site-title\"><a href=\"/\">The Daily Test</a></h1>"));

    let with_standfirst = site
        .article_with("Bridge opens", |input| {
            input.subtitle = "Cars cross the \"new\" bridge at dawn".into();
        })
        .await;
    let page = body(reader.get(&with_standfirst.permalink()).await).await;
    assert_eq!(
        description(&page).as_deref(),
        Some("Cars cross the &quot;new&quot; bridge at dawn")
    );
    assert_eq!(page.matches("<h1").count(), 1);
    let long = site
        .article_with("Long read", |input| {
            input.body_markdown = "Word ".repeat(300);
        })
        .await;
    let page = body(reader.get(&long.permalink()).await).await;
    let text = description(&page).unwrap();
    assert!(text.chars().count() <= 160 && text.ends_with('…'), "{text}");

    let welcome = site
        .app
        .store
        .article_by_id(tidings_domain::ArticleId(1))
        .await
        .unwrap()
        .unwrap();
    let welcome = body(reader.get(&welcome.permalink()).await).await;
    assert!(welcome.contains("class=\"comment-body\""));
    assert!(!welcome.contains("<article class=\"comment-body\""));

    let section = body(reader.get("/category/uncategorised/").await).await;
    assert_eq!(section.matches("<h1").count(), 1, "{section}");
    assert!(section.contains("<p class=\"site-title\">"));
}

/// A list's pages name their neighbours for browsers and crawlers, in the head too.
#[tokio::test]
async fn list_pages_link_their_neighbours() {
    let site = TestApp::spawn().await;
    for number in 0..12 {
        site.article(&format!("Story {number}")).await;
    }
    let reader = site.reader();
    let base = site.url("");
    let first = body(reader.get("/").await).await;
    assert!(
        first.contains(&format!("<link rel=\"next\" href=\"{base}/page/2/\">")),
        "{first}"
    );
    assert!(!first.contains("<link rel=\"prev\""));
    let second = body(reader.get("/page/2/").await).await;
    assert!(
        second.contains(&format!("<link rel=\"prev\" href=\"{base}/\">")),
        "{second}"
    );
    assert!(!second.contains("<link rel=\"next\""));
}

/// Under an article: the articles before and after it, and more from its section. A new
/// article changes them at once (the cached page is dropped); a comment elsewhere does not.
#[tokio::test]
async fn an_article_leads_to_its_neighbours_and_its_section() {
    let site = TestApp::spawn().await;
    site.open_discussion().await;
    // A day after the welcome article, so it is not the newest.
    site.clock.advance(time::Duration::days(1));
    let hours = |n: i64| site.clock_now() - time::Duration::hours(n);
    let first = site
        .article_with("First light", |input| input.published_at = Some(hours(5)))
        .await;
    let middle = site
        .article_with("Middle & more", |input| input.published_at = Some(hours(4)))
        .await;
    let reader = site.reader();
    let page = body(reader.get(&middle.permalink()).await).await;
    assert!(
        page.contains(&format!(
            "<a rel=\"prev\" href=\"{}\"><span class=\"nav-label\">Previous</span> First light</a>",
            first.permalink()
        )),
        "{page}"
    );
    assert!(!page.contains("rel=\"next\""), "nothing newer yet");
    assert!(page.contains("More in <a href=\"/category/uncategorised/\">Uncategorised</a>"));
    assert!(page.contains(&format!(
        "<li><a href=\"{}\">First light</a></li>",
        first.permalink()
    )));
    assert!(
        !page.contains(&format!("<li><a href=\"{}\">", middle.permalink())),
        "not itself"
    );

    // Cached; a comment on another article leaves it cached.
    let cached = reader.get(&middle.permalink()).await;
    assert_eq!(cached.headers()["x-cache"], "HIT");
    reader.comment(&first, &[("comment", "On the first")]).await;
    let cached = reader.get(&middle.permalink()).await;
    assert_eq!(
        cached.headers()["x-cache"],
        "HIT",
        "a comment elsewhere changes nothing here"
    );

    // A newer article is its "next" on the very next request.
    let last = site.article_with("Last word", |_| {}).await;
    let page = body(reader.get(&middle.permalink()).await).await;
    assert!(
        page.contains(&format!(
            "<a rel=\"next\" href=\"{}\"><span class=\"nav-label\">Next</span> Last word</a>",
            last.permalink()
        )),
        "{page}"
    );
}

/// Year, month and day archives at WordPress's addresses, paginated; an empty or
/// impossible date is a 404, and an article called "30" keeps its address.
#[tokio::test]
async fn date_archives_list_a_year_a_month_and_a_day() {
    let site = TestApp::spawn().await;
    let at = |text: &str| {
        time::OffsetDateTime::parse(text, &time::format_description::well_known::Rfc3339).unwrap()
    };
    for (title, date) in [
        ("Spring tide", "2026-03-14T09:00:00Z"),
        ("May market", "2026-05-02T08:00:00Z"),
        ("May fair", "2026-05-30T18:00:00Z"),
        ("Late May", "2026-05-30T20:00:00Z"),
        ("Last year", "2025-12-31T23:59:00Z"),
    ] {
        site.article_with(title, |input| input.published_at = Some(at(date)))
            .await;
    }
    site.article_with("30", |input| {
        input.published_at = Some(at("2026-04-10T10:00:00Z"))
    })
    .await;
    site.article_with("Draft in May", |input| {
        input.published_at = Some(at("2026-05-03T10:00:00Z"));
        input.status = Some(tidings_domain::ArticleStatus::Draft);
    })
    .await;
    let reader = site.reader();
    let titles = |page: &str| -> Vec<String> {
        page.split("<h2 class=\"entry-title\"><a href=\"")
            .skip(1)
            .map(|rest| {
                rest.split('>')
                    .nth(1)
                    .unwrap()
                    .split('<')
                    .next()
                    .unwrap()
                    .to_owned()
            })
            .collect()
    };

    let month = body(reader.get("/2026/05/").await).await;
    assert!(
        month.contains("<h1 class=\"archive-title\">May 2026</h1>"),
        "{month}"
    );
    assert_eq!(titles(&month), ["Late May", "May fair", "May market"]);
    let day = body(reader.get("/2026/05/30/").await).await;
    assert!(day.contains("May 30, 2026"));
    assert_eq!(titles(&day), ["Late May", "May fair"]);
    let year = body(reader.get("/2026/").await).await;
    assert!(year.contains("<h1 class=\"archive-title\">2026</h1>"));
    let in_year = titles(&year);
    assert!(
        in_year.contains(&"Spring tide".to_owned()) && !in_year.contains(&"Last year".to_owned())
    );
    assert_eq!(
        titles(&body(reader.get("/2025/").await).await),
        ["Last year"]
    );

    // An article called "30" keeps /2026/04/30/.
    let thirty = body(reader.get("/2026/04/30/").await).await;
    assert!(
        thirty.contains("<h1 class=\"entry-title\">30</h1>"),
        "{thirty}"
    );
    // A date that is no day finds it as WordPress finds a slug under a wrong date.
    let wrong = reader.get("/2026/02/30/").await;
    assert_eq!(wrong.status(), StatusCode::MOVED_PERMANENTLY);
    assert_eq!(location(&wrong), "/2026/04/30/");

    for nothing in [
        "/2026/05/31/",
        "/2024/",
        "/2026/02/31/",
        "/2026/13/",
        "/1969/",
        "/2026/05/page/2/",
        "/2026/05/page/1/",
    ] {
        assert_eq!(
            reader.get(nothing).await.status(),
            StatusCode::NOT_FOUND,
            "{nothing}"
        );
    }
}

/// A month's archive pages like the front page.
#[tokio::test]
async fn a_long_month_pages_with_links_between() {
    let site = TestApp::spawn().await;
    for number in 0..12 {
        site.article_with(&format!("June story {number}"), |input| {
            input.published_at = Some(site.clock_now() - time::Duration::minutes(number + 1));
        })
        .await;
    }
    let reader = site.reader();
    let first = body(reader.get("/2026/06/").await).await;
    assert!(first.contains("href=\"/2026/06/page/2/\""), "{first}");
    let second = reader.get("/2026/06/page/2/").await;
    assert_eq!(second.status(), StatusCode::OK);
    let second = body(second).await;
    assert!(second.contains("June story 11") && !second.contains("June story 0<"));
    assert_eq!(
        reader.get("/2026/06/page/3/").await.status(),
        StatusCode::NOT_FOUND
    );
    let year_two = reader.get("/2026/page/2/").await;
    assert_eq!(year_two.status(), StatusCode::OK);
}

/// The front page tells search engines what the site is, in JSON-LD no title can break.
#[tokio::test]
async fn the_front_page_describes_the_site_for_search_engines() {
    let data = data_folder().await;
    write_config(
        data.path(),
        "tagline = \"News </script><script>alert(1)</script> & more\"\n",
    );
    let site = TestApp::spawn_in(data).await;
    let front = body(site.reader().get("/").await).await;
    let start = front.find("<script type=\"application/ld+json\">").unwrap() + 35;
    let end = start + front[start..].find("</script>").unwrap();
    let described: serde_json::Value = serde_json::from_str(&front[start..end]).unwrap();
    assert_eq!(described["@type"], "WebSite");
    assert_eq!(described["name"], "The Daily Test");
    assert_eq!(described["url"], format!("{}/", site.url("")));
    assert_eq!(
        described["description"],
        "News </script><script>alert(1)</script> & more"
    );
    // Search engines may offer the site's search from their results.
    assert_eq!(described["potentialAction"]["@type"], "SearchAction");
    assert_eq!(
        described["potentialAction"]["target"]["urlTemplate"],
        format!("{}/search/{{search_term_string}}/", site.url(""))
    );
    assert_eq!(
        described["potentialAction"]["query-input"],
        "required name=search_term_string"
    );
    assert_eq!(front.matches("<script").count(), 1, "{front}");
    // Archives and later pages are not the site's home.
    let section = body(site.reader().get("/category/uncategorised/").await).await;
    assert!(!section.contains("application/ld+json"));
}
