//! The full-page cache: hits, validators and compression, and above all that no reader sees
//! a stale page after the write that changed it returned.

use crate::support::*;
use reqwest::StatusCode;

fn cache_status(response: &reqwest::Response) -> String {
    response
        .headers()
        .get("x-cache")
        .map(|value| value.to_str().unwrap().to_owned())
        .unwrap_or_default()
}

async fn get(reader: &Reader, path: &str) -> (String, String) {
    let response = reader.get(path).await;
    assert_eq!(response.status(), StatusCode::OK, "{path}");
    let status = cache_status(&response);
    (status, body(response).await)
}

#[tokio::test]
async fn pages_are_served_from_the_cache_with_validators_and_compression() {
    let site = TestApp::spawn().await;
    let article = site.article("Cached story").await;
    let reader = site.reader();
    let first = reader.get(&article.permalink()).await;
    assert_eq!(cache_status(&first), "MISS");
    let etag = first.headers()["etag"].to_str().unwrap().to_owned();
    let last_modified = first.headers()["last-modified"]
        .to_str()
        .unwrap()
        .to_owned();
    assert_eq!(first.headers()["vary"], "Accept-Encoding");
    let plain = body(first).await;
    let second = reader.get(&article.permalink()).await;
    assert_eq!(cache_status(&second), "HIT");
    assert_eq!(second.headers()["etag"].to_str().unwrap(), etag);
    assert_eq!(body(second).await, plain, "the same bytes");

    let conditional = |name: &'static str, value: String| {
        let client = reader.client.clone();
        let url = site.url(&article.permalink());
        async move { client.get(url).header(name, value).send().await.unwrap() }
    };
    let not_modified = conditional("if-none-match", etag.clone()).await;
    assert_eq!(not_modified.status(), StatusCode::NOT_MODIFIED);
    assert!(body(not_modified).await.is_empty());
    assert_eq!(
        conditional("if-modified-since", last_modified)
            .await
            .status(),
        StatusCode::NOT_MODIFIED
    );
    assert_eq!(
        conditional("if-none-match", "\"other\"".into())
            .await
            .status(),
        StatusCode::OK
    );

    let encoded = |accept: &'static str| {
        let client = reader.client.clone();
        let url = site.url(&article.permalink());
        async move {
            let response = client
                .get(url)
                .header("accept-encoding", accept)
                .send()
                .await
                .unwrap();
            let encoding = response
                .headers()
                .get("content-encoding")
                .map(|value| value.to_str().unwrap().to_owned());
            (encoding, response.bytes().await.unwrap().to_vec())
        }
    };
    let (encoding, bytes) = encoded("gzip, deflate").await;
    assert_eq!(encoding.as_deref(), Some("gzip"));
    let mut unzipped = String::new();
    std::io::Read::read_to_string(
        &mut flate2::read::GzDecoder::new(bytes.as_slice()),
        &mut unzipped,
    )
    .unwrap();
    assert_eq!(unzipped, plain);
    let (encoding, bytes) = encoded("gzip;q=0.5, br").await;
    assert_eq!(encoding.as_deref(), Some("br"));
    let mut unbrotlied = Vec::new();
    brotli::BrotliDecompress(&mut bytes.as_slice(), &mut unbrotlied).unwrap();
    assert_eq!(String::from_utf8(unbrotlied).unwrap(), plain);
    let (encoding, _) = encoded("br;q=0, gzip").await;
    assert_eq!(encoding.as_deref(), Some("gzip"), "q=0 refuses an encoding");
    let (encoding, bytes) = encoded("identity").await;
    assert_eq!(
        (encoding, String::from_utf8(bytes).unwrap()),
        (None, plain.clone())
    );
}

#[tokio::test]
async fn a_write_is_visible_on_the_very_next_request() {
    let site = TestApp::spawn().await;
    site.open_discussion().await;
    let article = site.article("Breaking").await;
    let other = site.article("Unrelated").await;
    let reader = site.reader();
    for path in [article.permalink(), other.permalink(), "/".into()] {
        get(&reader, &path).await;
        assert_eq!(get(&reader, &path).await.0, "HIT", "{path} is cached");
    }

    // An approved comment: its article and the front page's count, nothing else.
    let response = reader
        .comment(&article, &[("comment", "First reaction")])
        .await;
    let id = comment_id(&location(&response));
    let (status, page) = get(&reader, &article.permalink()).await;
    assert_eq!(status, "MISS");
    assert!(page.contains("First reaction"));
    let (status, front) = get(&reader, "/").await;
    assert_eq!(status, "MISS");
    assert!(front.contains("1 Comment"));
    assert_eq!(
        get(&reader, &other.permalink()).await.0,
        "HIT",
        "other articles stay cached"
    );

    // A held comment changes nothing public.
    site.settings(|settings| settings.manual_approval = true)
        .await;
    get(&reader, &article.permalink()).await;
    reader
        .comment(&article, &[("comment", "Held reaction")])
        .await;
    let (status, page) = get(&reader, &article.permalink()).await;
    assert_eq!(status, "HIT");
    assert!(!page.contains("Held reaction"));

    // Moderation: trash it, and it is gone from the next page.
    let moderator = site.moderator().await;
    moderator.moderate("trash", &[id]).await;
    let (status, page) = get(&reader, &article.permalink()).await;
    assert_eq!(status, "MISS");
    assert!(!page.contains("First reaction"));
    assert!(get(&reader, "/").await.1.contains("No Comments"));

    // An edit: the new title on the article and the front page.
    let edit = format!("/admin/articles/{}", article.id);
    let response = moderator
        .post(
            &edit,
            &[
                ("title", "Breaking: updated"),
                ("slug", article.slug.as_str()),
                ("body", "New body"),
                ("status", "published"),
                ("comments_open", "1"),
            ],
        )
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let updated = site
        .app
        .store
        .article_by_id(article.id)
        .await
        .unwrap()
        .unwrap();
    assert!(
        get(&reader, &updated.permalink())
            .await
            .1
            .contains("Breaking: updated")
    );
    assert!(get(&reader, "/").await.1.contains("Breaking: updated"));

    // Unpublished: gone at once.
    get(&reader, &other.permalink()).await;
    let edit = format!("/admin/articles/{}", other.id);
    moderator
        .post(
            &edit,
            &[
                ("title", "Unrelated"),
                ("slug", other.slug.as_str()),
                ("body", "x"),
                ("status", "draft"),
            ],
        )
        .await;
    assert_eq!(
        reader.get(&other.permalink()).await.status(),
        StatusCode::NOT_FOUND
    );

    // A setting that shapes every page: everything is rendered again.
    get(&reader, &updated.permalink()).await;
    site.settings(|settings| settings.thread_depth = 2).await;
    assert_eq!(get(&reader, &updated.permalink()).await.0, "MISS");
}

#[tokio::test]
async fn editors_and_pending_views_bypass_the_cache() {
    let site = TestApp::spawn().await;
    let article = site.article("Bypass").await;
    let reader = site.reader();
    let response = reader
        .comment(&article, &[("comment", "my pending words")])
        .await;
    let pending = location(&response);
    let response = reader.get(pending.split('#').next().unwrap()).await;
    assert_eq!(cache_status(&response), "BYPASS");
    assert!(body(response).await.contains("my pending words"));
    get(&reader, &article.permalink()).await;
    assert_eq!(get(&reader, &article.permalink()).await.0, "HIT");
    let moderator = site.moderator().await;
    let response = moderator.get(&article.permalink()).await;
    assert_eq!(
        cache_status(&response),
        "BYPASS",
        "signed-in editors see the page rendered for them"
    );
    let status = body(moderator.get("/admin/status").await).await;
    assert!(status.contains("Page cache hit ratio"));
    assert!(status.contains("50.0% (1 hits, 1 misses"), "{status}");
}

#[tokio::test]
async fn a_cached_front_page_shows_a_scheduled_article_when_it_is_due() {
    let site = TestApp::spawn().await;
    site.article_with("Embargoed story", |input| {
        input.published_at = Some(START + time::Duration::minutes(30))
    })
    .await;
    let reader = site.reader();
    assert!(!get(&reader, "/").await.1.contains("Embargoed story"));
    assert_eq!(get(&reader, "/").await.0, "HIT");
    site.clock.advance(time::Duration::minutes(31));
    let (status, front) = get(&reader, "/").await;
    assert_eq!(status, "MISS");
    assert!(front.contains("Embargoed story"));
}

#[tokio::test]
async fn tracking_parameters_share_one_cached_page() {
    let site = TestApp::spawn().await;
    site.open_discussion().await;
    let article = site.article("Shared widely").await;
    let reader = site.reader();
    let answered = comment_id(&location(&reader.comment(&article, &[]).await));
    assert_eq!(get(&reader, &article.permalink()).await.0, "MISS");
    for variant in [
        "?utm_source=newsletter",
        "?fbclid=abc&utm_medium=social",
        "?cachebuster=12345",
    ] {
        let (status, page) = get(&reader, &format!("{}{variant}", article.permalink())).await;
        assert_eq!(status, "HIT", "{variant}");
        assert!(page.contains("Shared widely"));
    }
    // A parameter that changes the page still gets its own copy, and /?p= still redirects.
    assert_eq!(
        get(
            &reader,
            &format!("{}?replytocom={answered}", article.permalink())
        )
        .await
        .0,
        "MISS"
    );
    get(&reader, "/").await;
    let redirect = reader.get(&format!("/?p={}", article.id)).await;
    assert_eq!(redirect.status(), StatusCode::MOVED_PERMANENTLY);
    assert_eq!(
        site.app.cache.stats().pages,
        3,
        "one article, its reply variant, the front page"
    );
}

/// Each representation of a page (plain, gzip, brotli) has its own strong validator: a
/// cache between reader and site that stored the compressed bytes under one ETag must not
/// be able to hand them, revalidated, to a client that asked for none.
#[tokio::test]
async fn each_encoding_of_a_page_has_its_own_validator() {
    let site = TestApp::spawn().await;
    let article = site.article("Validators").await;
    let client = site.reader().client;
    let url = site.url(&article.permalink());
    let fetch = |accept: &'static str, if_none_match: Option<String>| {
        let mut request = client.get(&url).header("accept-encoding", accept);
        if let Some(tag) = if_none_match {
            request = request.header("if-none-match", tag);
        }
        async move {
            let response = request.send().await.unwrap();
            let tag = response.headers()["etag"].to_str().unwrap().to_owned();
            assert_eq!(response.headers()["vary"], "Accept-Encoding");
            (response.status(), tag)
        }
    };
    let (_, plain) = fetch("identity", None).await;
    let (_, gzip) = fetch("gzip", None).await;
    let (_, brotli) = fetch("br", None).await;
    assert!(
        !plain.starts_with("W/") && plain.starts_with('"'),
        "{plain}"
    );
    assert_ne!(plain, gzip);
    assert_ne!(plain, brotli);
    assert_ne!(gzip, brotli);
    // Each validates its own representation, and only that one.
    assert_eq!(
        fetch("gzip", Some(gzip.clone())).await.0,
        StatusCode::NOT_MODIFIED
    );
    assert_eq!(
        fetch("br", Some(brotli.clone())).await.0,
        StatusCode::NOT_MODIFIED
    );
    assert_eq!(
        fetch("identity", Some(plain.clone())).await.0,
        StatusCode::NOT_MODIFIED
    );
    assert_eq!(
        fetch("identity", Some(gzip.clone())).await.0,
        StatusCode::OK
    );
    assert_eq!(fetch("gzip", Some(plain.clone())).await.0, StatusCode::OK);
    // The same page rendered again keeps its validators.
    assert_eq!(fetch("gzip", None).await.1, gzip);
}

/// The front page reads some of its query's parameters (a search, WordPress's plain links):
/// with the front page cached, each still gets its own answer, not the cached page.
#[tokio::test]
async fn the_front_pages_own_parameters_are_never_answered_from_its_cache() {
    let site = TestApp::spawn().await;
    let article = site.article("Council approves the bridge").await;
    let reader = site.reader();
    get(&reader, "/").await;
    let (status, _) = get(&reader, "/").await;
    assert_eq!(status, "HIT", "the front page is cached");
    let search = reader.get("/?s=bridge").await;
    assert_ne!(cache_status(&search), "HIT");
    assert!(body(search).await.contains("Search results for “bridge”"));
    for path in [format!("/?p={}", article.id.0), "/?tag=harbour".to_owned()] {
        let response = reader.get(&path).await;
        assert_eq!(response.status(), StatusCode::MOVED_PERMANENTLY, "{path}");
        assert_ne!(cache_status(&response), "HIT", "{path}");
    }
    // A parameter the page does not read still shares the cached copy.
    let (status, _) = get(&reader, "/?utm_source=newsletter").await;
    assert_eq!(status, "HIT");
}

/// Readers who miss the same page together do not all render it: one does, the others
/// take its copy (after a comment is approved on a busy article, every reader arriving in
/// the next few milliseconds used to render the page again).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn readers_who_miss_a_page_together_wait_for_one_render() {
    let site = TestApp::spawn().await;
    let article = site.article("Everyone reads this").await;
    let path = article.permalink();
    let mut judged = 0;
    for round in 0..10 {
        // On a shared database this node applies the invalidation log at a request: one
        // request first, so the crowd does not race the node's own last invalidation.
        site.reader().get("/robots.txt").await;
        let epoch = site.app.cache.epoch();
        let answers = all_answers(
            (0..24)
                .map(|_| {
                    let client = reqwest::Client::new();
                    let url = site.url(&path);
                    tokio::spawn(async move {
                        let response = client.get(url).send().await.unwrap();
                        assert_eq!(response.status(), reqwest::StatusCode::OK);
                        response.headers()["x-cache"].to_str().unwrap().to_owned()
                    })
                })
                .collect(),
        )
        .await;
        let misses = answers.iter().filter(|answer| *answer == "MISS").count();
        // A render that raced any invalidation on this node is not kept (the next one in
        // line renders again): such a round proves nothing either way.
        if site.app.cache.epoch() == epoch {
            assert_eq!(misses, 1, "round {round}: {answers:?}");
            judged += 1;
        }
        // A write drops the page; the next crowd renders it once again.
        tidings::services::site::pages_changed(
            &site.app,
            &[tidings::cache::Tag::Article(article.id)],
        )
        .await
        .unwrap();
    }
    assert!(
        judged >= 3,
        "only {judged} rounds ran without an invalidation"
    );
}

async fn all_answers(tasks: Vec<tokio::task::JoinHandle<String>>) -> Vec<String> {
    let mut answers = Vec::with_capacity(tasks.len());
    for task in tasks {
        answers.push(task.await.unwrap());
    }
    answers
}
