//! The discussion settings at work on the page, the form and the feeds; commenters' own
//! tools (edit, delete, report); privacy (avatars, export, erase, IP retention); and the
//! moderator's comment tools.

use crate::support::*;
use reqwest::StatusCode;
use tidings_domain::CommentStatus;
use tidings_domain::discussion::{CommentOrder, DefaultCommentsPage};

async fn post(reader: &Reader, article: &tidings_domain::Article, text: &str, parent: i64) -> i64 {
    let parent = parent.to_string();
    let response = reader
        .comment(
            article,
            &[
                ("comment", text),
                ("author", "Ada"),
                ("email", "ada@readers.example"),
                ("comment_parent", &parent),
            ],
        )
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER, "{text}");
    comment_id(&location(&response))
}

#[tokio::test]
async fn comment_pages_follow_the_settings_and_permalinks_find_their_page() {
    let site = TestApp::spawn().await;
    site.open_discussion().await;
    site.settings(|settings| {
        settings.page_comments = true;
        settings.comments_per_page = 2;
        settings.flood_interval_seconds = 0;
    })
    .await;
    let article = site.article("Paged").await;
    let reader = site.reader();
    let mut ids = Vec::new();
    for number in 1..=5 {
        site.clock.advance(time::Duration::minutes(1));
        ids.push(post(&reader, &article, &format!("thread number {number}"), 0).await);
    }
    let reply = post(&reader, &article, "a reply to the first", ids[0]).await;
    let permalink = article.permalink();

    // The article shows the last page (the newest threads) by default, as WordPress does.
    let page = body(reader.get(&permalink).await).await;
    assert!(page.contains("thread number 5"), "{page}");
    assert!(!page.contains("thread number 1"));
    assert!(page.contains("Page 3 of 3"));
    assert!(page.contains(&format!("href=\"{permalink}comment-page-2/#comments\"")));

    // Page 1 holds the oldest threads, with the reply under its parent and what it answers.
    let first = body(reader.get(&format!("{permalink}comment-page-1/")).await).await;
    assert!(first.contains("thread number 1") && first.contains("thread number 2"));
    assert!(first.contains("a reply to the first"));
    assert!(first.contains(&format!(
        "href=\"#comment-{}\">in reply to <bdi>Ada</bdi>",
        ids[0]
    )));
    assert_eq!(
        reader
            .get(&format!("{permalink}comment-page-4/"))
            .await
            .status(),
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        reader
            .get(&format!("{permalink}comment-page-x/"))
            .await
            .status(),
        StatusCode::NOT_FOUND
    );

    // A comment's own address lands on the page that holds it.
    let response = reader.get(&format!("/comments/{reply}/")).await;
    assert_eq!(response.status(), StatusCode::FOUND);
    assert_eq!(
        location(&response),
        format!("{permalink}comment-page-1/#comment-{reply}")
    );

    // Oldest page first, newest threads on top: page 1 is the bare address and its
    // threads are reversed.
    site.settings(|settings| {
        settings.default_comments_page = DefaultCommentsPage::Oldest;
        settings.comment_order = CommentOrder::NewestFirst;
    })
    .await;
    let page = body(reader.get(&permalink).await).await;
    let (one, two) = (
        page.find("thread number 1").unwrap(),
        page.find("thread number 2").unwrap(),
    );
    assert!(two < one, "newer threads first");
    let response = reader.get(&format!("{permalink}comment-page-1/")).await;
    assert_eq!(response.status(), StatusCode::MOVED_PERMANENTLY);
    assert_eq!(location(&response), permalink);

    // Paging off: everything on the article, and comment pages redirect to it.
    site.settings(|settings| settings.page_comments = false)
        .await;
    let page = body(reader.get(&permalink).await).await;
    assert!(page.contains("thread number 1") && page.contains("thread number 5"));
    assert!(!page.contains("comment-navigation"));
}

#[tokio::test]
async fn old_articles_close_and_new_articles_follow_the_default() {
    let site = TestApp::spawn().await;
    site.open_discussion().await;
    site.settings(|settings| settings.close_after_days = 14)
        .await;
    let article = site.article("Aging").await;
    let reader = site.reader();
    assert!(
        body(reader.get(&article.permalink()).await)
            .await
            .contains("id=\"commentform\"")
    );
    site.clock.advance(time::Duration::days(15));
    let page = body(reader.get(&article.permalink()).await).await;
    assert!(
        page.contains("Comments are closed."),
        "the cached page expired with age"
    );
    let response = reader
        .comment(
            &article,
            &[
                ("comment", "late"),
                ("author", "Ada"),
                ("email", "ada@readers.example"),
            ],
        )
        .await;
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    assert!(
        body(response).await.contains("late"),
        "the text is shown back"
    );

    site.settings(|settings| settings.comments_on_new_articles = false)
        .await;
    let moderator = site.moderator().await;
    let form = body(moderator.get("/admin/articles/new").await).await;
    let checkbox = form
        .split("name=\"comments_open\"")
        .nth(1)
        .and_then(|rest| rest.split('>').next())
        .unwrap_or_default()
        .to_owned();
    assert!(!checkbox.contains("checked"), "{checkbox}");
}

#[tokio::test]
async fn comment_feeds_list_the_newest_approved_comments() {
    let site = TestApp::spawn().await;
    site.open_discussion().await;
    site.settings(|settings| settings.flood_interval_seconds = 0)
        .await;
    let article = site.article("Fed").await;
    let reader = site.reader();
    let id = post(&reader, &article, "feed me <b>bold</b>", 0).await;
    let feed = reader.get(&format!("{}feed/", article.permalink())).await;
    assert_eq!(feed.status(), StatusCode::OK);
    assert!(header_text(feed.headers()).contains("application/rss+xml"));
    let feed = body(feed).await;
    assert!(feed.contains("<title>By: Ada</title>"), "{feed}");
    assert!(feed.contains(&format!("/comments/{id}/</link>")));
    assert!(!feed.contains("ada@readers.example"));
    let site_feed = body(reader.get("/comments/feed/").await).await;
    assert!(site_feed.contains("Comment on Fed by Ada"), "{site_feed}");
    let main = body(reader.get("/feed/").await).await;
    assert!(
        main.contains(&format!("<wfw:commentRss>{}", site.url("")))
            || main.contains("<wfw:commentRss>")
    );
}

#[tokio::test]
async fn avatars_are_drawn_here_and_reveal_no_email() {
    let site = TestApp::spawn().await;
    site.open_discussion().await;
    let article = site.article("Faces").await;
    let reader = site.reader();
    post(&reader, &article, "look at me", 0).await;
    let page = body(reader.get(&article.permalink()).await).await;
    let src = attribute_after(&page, "<img class=\"avatar\" src=\"").expect("an avatar");
    assert!(
        src.starts_with("/avatars/") && src.ends_with(".svg"),
        "{src}"
    );
    let key = src.trim_start_matches("/avatars/").trim_end_matches(".svg");
    for digest in [
        tidings::security::sha256_hex("ada@readers.example"),
        format!("{:x}", md5_of("ada@readers.example")),
    ] {
        assert!(
            !digest.starts_with(key),
            "the key is not a plain hash of the email"
        );
    }
    let image = reader.get(&src).await;
    assert_eq!(image.status(), StatusCode::OK);
    assert!(header_text(image.headers()).contains("image/svg+xml"));
    assert!(body(image).await.starts_with("<svg"));
    assert_eq!(
        reader.get("/avatars/nothex.svg").await.status(),
        StatusCode::NOT_FOUND
    );

    site.settings(|settings| settings.show_avatars = false)
        .await;
    assert!(
        !body(reader.get(&article.permalink()).await)
            .await
            .contains("class=\"avatar\"")
    );
}

/// Not a real MD5: any fixed public hash of the email would do to show the key is not one.
fn md5_of(text: &str) -> u128 {
    text.bytes().fold(0u128, |hash, byte| {
        hash.wrapping_mul(31).wrapping_add(u128::from(byte))
    })
}

#[tokio::test]
async fn commenters_edit_and_delete_within_the_window_only() {
    let site = TestApp::spawn().await;
    site.open_discussion().await;
    site.settings(|settings| settings.edit_window_minutes = 10)
        .await;
    let article = site.article("Edits").await;
    let reader = site.reader();
    let response = reader
        .comment(
            &article,
            &[
                ("comment", "teh typo"),
                ("author", "Ada"),
                ("email", "ada@readers.example"),
            ],
        )
        .await;
    let own = location(&response);
    let id = comment_id(&own);
    let page = body(reader.get(&own).await).await;
    let edit_url = attribute_after(&page, "class=\"comment-edit-link\" href=\"")
        .expect("an edit link")
        .replace("&amp;", "&");
    let edit_page = body(reader.get(&edit_url).await).await;
    assert!(edit_page.contains("teh typo"));
    let (expires, signature) = (
        attribute_after(&edit_page, "name=\"expires\" value=\"").unwrap(),
        attribute_after(&edit_page, "name=\"signature\" value=\"").unwrap(),
    );
    let action = format!("/comments/{id}/edit");
    let fields = |text: &'static str, what: &'static str| {
        vec![
            ("expires", expires.clone()),
            ("signature", signature.clone()),
            ("comment", text.to_owned()),
            ("do", what.to_owned()),
        ]
    };
    let send = |form: Vec<(&'static str, String)>| {
        let reader = &reader;
        let action = action.clone();
        async move {
            let borrowed: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
            reader.post(&action, &borrowed).await
        }
    };
    let response = send(fields("the typo, fixed", "save")).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let public = body(site.reader().get(&article.permalink()).await).await;
    assert!(public.contains("the typo, fixed") && !public.contains("teh typo"));

    // Adding links to an approved comment sends it back to the queue.
    let response = send(fields(
        "see https://a.example/ and https://b.example/",
        "save",
    ))
    .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let stored = site
        .app
        .store
        .comment_by_id(tidings_domain::CommentId(id))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(stored.status, CommentStatus::Pending);

    // A forged signature and an expired window are refused, keeping the text.
    let mut forged = fields("forged", "save");
    forged[1].1 = "0".repeat(64);
    let response = send(forged).await;
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    assert!(body(response).await.contains("forged"));
    site.clock.advance(time::Duration::minutes(11));
    assert_eq!(
        send(fields("too late", "save")).await.status(),
        StatusCode::FORBIDDEN
    );
    assert_eq!(reader.get(&edit_url).await.status(), StatusCode::FORBIDDEN);

    // Within the window, deleting moves it to the trash.
    let response = reader
        .comment(
            &article,
            &[
                ("comment", "regret"),
                ("author", "Ada"),
                ("email", "ada@readers.example"),
            ],
        )
        .await;
    let second = comment_id(&location(&response));
    let page = body(reader.get(&location(&response)).await).await;
    let edit_url = attribute_after(&page, "class=\"comment-edit-link\" href=\"")
        .unwrap()
        .replace("&amp;", "&");
    let edit_page = body(reader.get(&edit_url).await).await;
    let form = [
        (
            "expires",
            attribute_after(&edit_page, "name=\"expires\" value=\"").unwrap(),
        ),
        (
            "signature",
            attribute_after(&edit_page, "name=\"signature\" value=\"").unwrap(),
        ),
        ("comment", "regret".to_owned()),
        ("do", "delete".to_owned()),
    ];
    let borrowed: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let response = reader
        .post(&format!("/comments/{second}/edit"), &borrowed)
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    let stored = site
        .app
        .store
        .comment_by_id(tidings_domain::CommentId(second))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(stored.status, CommentStatus::Trash);
    assert!(
        !body(site.reader().get(&article.permalink()).await)
            .await
            .contains("regret")
    );
}

#[tokio::test]
async fn readers_report_comments_and_moderators_see_the_reports() {
    let site = TestApp::spawn().await;
    site.open_discussion().await;
    site.settings(|settings| settings.max_reports_per_ip_per_hour = 2)
        .await;
    let article = site.article("Reported").await;
    let id = post(&site.reader(), &article, "something rude", 0).await;
    let reporter = site.reader_from("127.0.0.7".parse().unwrap());
    let page = body(reporter.get(&article.permalink()).await).await;
    assert!(page.contains(&format!("href=\"/comments/{id}/report\"")));
    let path = format!("/comments/{id}/report");
    assert!(
        body(reporter.get(&path).await)
            .await
            .contains("something rude")
    );
    let empty = reporter.post(&path, &[("reason", "  ")]).await;
    assert_eq!(empty.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let long = "x".repeat(501);
    assert_eq!(
        reporter.post(&path, &[("reason", &long)]).await.status(),
        StatusCode::UNPROCESSABLE_ENTITY
    );
    for _ in 0..2 {
        assert_eq!(
            reporter
                .post(&path, &[("reason", "insulting")])
                .await
                .status(),
            StatusCode::OK
        );
    }
    let limited = reporter.post(&path, &[("reason", "insulting")]).await;
    assert_eq!(limited.status(), StatusCode::TOO_MANY_REQUESTS);
    assert!(body(limited).await.contains("as many reports"));
    assert_eq!(
        reporter
            .post("/comments/999999/report", &[("reason", "x")])
            .await
            .status(),
        StatusCode::NOT_FOUND
    );

    let queue = body(
        site.moderator()
            .await
            .get("/admin/comments?status=approved")
            .await,
    )
    .await;
    assert!(queue.contains("reported 2 time(s)"), "{queue}");
}

#[tokio::test]
async fn moderators_search_filter_edit_reply_and_approve_a_commenters_history() {
    let site = TestApp::spawn().await;
    site.settings(|settings| settings.flood_interval_seconds = 0)
        .await;
    let article = site.article("Moderated").await;
    let other = site.article("Elsewhere").await;
    let reader = site.reader_from("127.0.0.44".parse().unwrap());
    for (text, target) in [("first from Bea", &article), ("second from Bea", &other)] {
        site.clock.advance(time::Duration::minutes(1));
        reader
            .comment(
                target,
                &[
                    ("comment", text),
                    ("author", "Bea"),
                    ("email", "bea@readers.example"),
                ],
            )
            .await;
    }
    let moderator = site.moderator().await;
    let search = body(moderator.get("/admin/comments?q=127.0.0.44").await).await;
    assert!(search.contains("first from Bea") && search.contains("second from Bea"));
    let all = body(moderator.get("/admin/comments?status=pending").await).await;
    let on_other = format!("/admin/comments?status=all&amp;article={}", other.id.0);
    assert!(
        all.contains(&on_other),
        "each row links to its article's comments"
    );
    let filtered = body(
        moderator
            .get(&format!(
                "/admin/comments?status=pending&article={}",
                other.id.0
            ))
            .await,
    )
    .await;
    assert!(filtered.contains("second from Bea") && !filtered.contains("first from Bea"));
    let history = body(
        moderator
            .get("/admin/comments?email=bea%40readers.example")
            .await,
    )
    .await;
    assert!(
        history.contains("Approve all 2 waiting comment(s)"),
        "{history}"
    );
    let response = moderator
        .post(
            "/admin/comments",
            &[
                ("approve_all_from", "bea@readers.example"),
                ("status", "all"),
            ],
        )
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert!(
        body(site.reader().get(&other.permalink()).await)
            .await
            .contains("second from Bea")
    );

    // Edit, with the same checks as the form.
    let id = site
        .app
        .store
        .find_comments(
            &tidings_store::CommentQuery {
                search: "first from".into(),
                ..Default::default()
            },
            tidings_store::KeysetPage::Newest,
            5,
        )
        .await
        .unwrap()
        .items[0]
        .comment
        .id
        .0;
    let edit = format!("/admin/comments/{id}/edit");
    assert!(
        body(moderator.get(&edit).await)
            .await
            .contains("first from Bea")
    );
    let bad = moderator
        .post(
            &edit,
            &[
                ("author", "Bea"),
                ("email", "not an email"),
                ("url", ""),
                ("comment", "x"),
            ],
        )
        .await;
    assert_eq!(bad.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let response = moderator
        .post(
            &edit,
            &[
                ("author", "Bea"),
                ("email", "bea@readers.example"),
                ("url", ""),
                ("comment", "first, corrected"),
            ],
        )
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert!(
        body(site.reader().get(&article.permalink()).await)
            .await
            .contains("first, corrected")
    );

    // Reply from the queue: published at once, under the comment.
    let response = moderator
        .post(
            &format!("/admin/comments/{id}/reply"),
            &[("comment", "Thanks, Bea.")],
        )
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let page = body(site.reader().get(&article.permalink()).await).await;
    assert!(page.contains("Thanks, Bea."));
    assert!(page.contains(&format!(
        "href=\"#comment-{id}\">in reply to <bdi>Bea</bdi>"
    )));
}

#[tokio::test]
async fn personal_data_is_exported_and_erased_and_old_data_tidied() {
    let site = TestApp::spawn().await;
    site.open_discussion().await;
    let article = site.article("Private").await;
    let reader = site.reader_from("127.0.0.77".parse().unwrap());
    reader
        .comment(
            &article,
            &[
                ("comment", "my words"),
                ("author", "Cy"),
                ("email", "cy@readers.example"),
                ("url", "https://cy.example/"),
                ("subscribe", "all"),
            ],
        )
        .await;
    let moderator = site.moderator().await;
    let export = moderator
        .post(
            "/admin/privacy",
            &[("email", "CY@readers.example"), ("do", "export")],
        )
        .await;
    assert_eq!(export.status(), StatusCode::OK);
    assert!(header_text(export.headers()).contains("attachment"));
    let export: serde_json::Value = serde_json::from_str(&body(export).await).unwrap();
    assert_eq!(export["comments"][0]["text"], "my words");
    assert_eq!(export["comments"][0]["ip_address"], "127.0.0.77");
    assert_eq!(export["subscriptions"][0]["confirmed"], false);
    assert_eq!(
        moderator
            .post("/admin/privacy", &[("email", "nobody"), ("do", "export")])
            .await
            .status(),
        StatusCode::UNPROCESSABLE_ENTITY
    );

    // Housekeeping anonymises addresses past the retention time.
    site.clock.advance(time::Duration::days(61));
    let tidied = tidings::services::housekeeping::run_once(&site.app)
        .await
        .unwrap();
    assert!(tidied.ips_anonymised >= 1);
    // Sessions do not last two months: sign in again.
    let moderator = site.sign_in(ADMIN_EMAIL).await;
    let queue = body(moderator.get("/admin/comments?status=approved").await).await;
    assert!(
        queue.contains("IP 127.0.0.0") && !queue.contains("127.0.0.77"),
        "{queue}"
    );

    // The confirmation mail Cy asked for is in the outbox (no SMTP here).
    let outbox = site.data.path().join("mail/outbox");
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    while std::fs::read_dir(&outbox).unwrap().count() == 0 {
        assert!(
            std::time::Instant::now() < deadline,
            "the confirmation mail"
        );
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    let response = moderator
        .post(
            "/admin/privacy",
            &[("email", "cy@readers.example"), ("do", "erase")],
        )
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert!(
        location(&response).contains("1+comment%28s%29+anonymised%2C+1+subscription"),
        "{}",
        location(&response)
    );
    // (The moderator's own "new sign-in" mail, from signing in again above, stays.)
    assert_eq!(
        crate::mail::read_folder(&outbox)
            .iter()
            .filter(|message| message.contains("To: cy@readers.example"))
            .count(),
        0,
        "mail to the address is erased too"
    );
    let page = body(site.reader().get(&article.permalink()).await).await;
    assert!(page.contains("my words") && !page.contains(">Cy<") && !page.contains("cy.example"));
    assert!(page.contains("Anonymous"));
}

#[tokio::test]
async fn the_form_offers_what_the_settings_allow_and_mail_follows_them() {
    let site = TestApp::spawn().await;
    site.moderator().await;
    let article = site.article("Options").await;
    let reader = site.reader();
    let page = body(reader.get(&article.permalink()).await).await;
    assert!(page.contains("name=\"wp-comment-cookies-consent\""));
    assert!(page.contains("name=\"subscribe\""));
    assert!(
        page.contains("name=\"tidings_homepage\""),
        "the honeypot is in every form"
    );

    site.settings(|settings| {
        settings.remember_commenter_opt_in = false;
        settings.subscriptions = false;
        settings.notify_moderators = false;
    })
    .await;
    let page = body(reader.get(&article.permalink()).await).await;
    assert!(!page.contains("wp-comment-cookies-consent"));
    assert!(!page.contains("name=\"subscribe\""));

    // With moderator mail off, a held comment queues no mail; a posted subscription
    // choice is ignored while subscriptions are off.
    let response = reader
        .comment(
            &article,
            &[
                ("comment", "quietly held"),
                ("author", "Hal"),
                ("email", "hal@readers.example"),
                ("subscribe", "all"),
            ],
        )
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    assert_eq!(site.app.mailer.queued(), 0);
    let outbox = std::fs::read_dir(site.data.path().join("mail/outbox"))
        .unwrap()
        .count();
    assert_eq!(outbox, 0, "no mail at all");
    assert!(
        site.app
            .store
            .subscriptions_by_email("hal@readers.example")
            .await
            .unwrap()
            .is_empty()
    );

    // With author mail off, an approved comment on an article with an author mails no one;
    // turned back on, the author hears of the next.
    site.open_discussion().await;
    site.settings(|settings| {
        settings.notify_author = false;
        settings.flood_interval_seconds = 0;
    })
    .await;
    let author = site
        .app
        .store
        .user_by_email(ADMIN_EMAIL)
        .await
        .unwrap()
        .unwrap();
    let authored = tidings::services::articles::create_article(
        &site.app,
        tidings_domain::article::ArticleInput {
            title: "Authored".into(),
            body_markdown: "By the editor.".into(),
            status: Some(tidings_domain::ArticleStatus::Published),
            published_at: Some(site.clock_now() - time::Duration::hours(1)),
            comments_open: true,
            ..Default::default()
        },
        Some(author.id),
    )
    .await
    .unwrap();
    post(&reader, &authored, "no mail for this", 0).await;
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    assert_eq!(site.app.mailer.queued(), 0);
    assert_eq!(
        std::fs::read_dir(site.data.path().join("mail/outbox"))
            .unwrap()
            .count(),
        0
    );
    site.settings(|settings| settings.notify_author = true)
        .await;
    post(&reader, &authored, "mail for this one", 0).await;
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    while std::fs::read_dir(site.data.path().join("mail/outbox"))
        .unwrap()
        .count()
        == 0
    {
        assert!(std::time::Instant::now() < deadline, "the author's mail");
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
}

#[tokio::test]
async fn the_discussions_addresses_answer_nonsense_with_clear_errors() {
    let site = TestApp::spawn().await;
    site.open_discussion().await;
    let article = site.article("Sturdy").await;
    let id = post(&site.reader(), &article, "a comment", 0).await;
    let reader = site.reader_from("127.0.0.61".parse().unwrap());
    let permalink = article.permalink();
    let token = "a".repeat(64);
    for (path, expected) in [
        (format!("{permalink}comment-page-0/"), StatusCode::NOT_FOUND),
        (
            format!("{permalink}comment-page-99999999999/"),
            StatusCode::NOT_FOUND,
        ),
        (format!("{permalink}comment-page-/"), StatusCode::NOT_FOUND),
        (format!("{permalink}anything/"), StatusCode::NOT_FOUND),
        (
            "/2026/01/sturdy/feed/".to_owned(),
            StatusCode::MOVED_PERMANENTLY,
        ),
        ("/comments/0/".to_owned(), StatusCode::NOT_FOUND),
        ("/comments/-1/".to_owned(), StatusCode::NOT_FOUND),
        ("/comments/abc/".to_owned(), StatusCode::NOT_FOUND),
        ("/comments/999999/".to_owned(), StatusCode::NOT_FOUND),
        ("/comments/999999/report".to_owned(), StatusCode::NOT_FOUND),
        (format!("/comments/{id}/edit"), StatusCode::FORBIDDEN),
        (
            format!("/comments/{id}/edit?expires=x&signature=y"),
            StatusCode::FORBIDDEN,
        ),
        (
            "/avatars/../../etc/passwd".to_owned(),
            StatusCode::NOT_FOUND,
        ),
        (
            format!("/avatars/{}.svg", "g".repeat(32)),
            StatusCode::NOT_FOUND,
        ),
        (
            "/subscriptions/short/confirm".to_owned(),
            StatusCode::NOT_FOUND,
        ),
        (
            format!("/subscriptions/{token}/explode"),
            StatusCode::NOT_FOUND,
        ),
        (format!("/moderate/{id}/approve"), StatusCode::FORBIDDEN),
        (
            format!("/moderate/{id}/delete?expires=1&signature=x"),
            StatusCode::NOT_FOUND,
        ),
        ("/moderate/abc/approve".to_owned(), StatusCode::NOT_FOUND),
    ] {
        let response = reader.get(&path).await;
        assert_eq!(response.status(), expected, "GET {path}");
        if expected.is_client_error() {
            let page = body(response).await;
            assert!(page.contains("<h1>"), "GET {path} explains itself: {page}");
        }
    }
    for (path, form, expected) in [
        (
            format!("/comments/{id}/report"),
            vec![("reason", "x".repeat(501))],
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        (
            format!("/comments/{id}/edit"),
            vec![("comment", "new".to_owned())],
            StatusCode::FORBIDDEN,
        ),
        (
            format!("/subscriptions/{token}/confirm"),
            Vec::new(),
            StatusCode::OK,
        ),
        (
            format!("/moderate/{id}/trash"),
            vec![
                ("expires", "99999999999".to_owned()),
                ("signature", "f".repeat(64)),
            ],
            StatusCode::FORBIDDEN,
        ),
    ] {
        let borrowed: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let response = reader.post(&path, &borrowed).await;
        assert_eq!(response.status(), expected, "POST {path}");
    }
    // A confirmation for a subscription that does not exist says so, and changes nothing.
    let page = body(
        reader
            .post(&format!("/subscriptions/{token}/confirm"), &[])
            .await,
    )
    .await;
    assert!(page.contains("no longer exists"));
    let stored = site
        .app
        .store
        .comment_by_id(tidings_domain::CommentId(id))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        stored.status,
        CommentStatus::Approved,
        "nothing above changed it"
    );
}
