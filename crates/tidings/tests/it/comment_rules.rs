//! Section 4 of the foundation issue: every check on a submitted comment, in WordPress's
//! order, each with its status code and the message a reader sees.

use crate::support::*;
use reqwest::StatusCode;
use tidings_domain::CommentStatus;

async fn status_of(site: &TestApp, id: i64) -> CommentStatus {
    site.app
        .store
        .comment_by_id(tidings_domain::CommentId(id))
        .await
        .unwrap()
        .expect("the comment exists")
        .status
}

/// Posts and expects the form back with `status`, the message, and the reader's text kept.
async fn expect_form_error(
    reader: &Reader,
    article: &tidings_domain::Article,
    fields: &[(&str, &str)],
    status: StatusCode,
    message: &str,
) -> String {
    let response = reader.comment(article, fields).await;
    assert_eq!(response.status(), status, "posting {fields:?}");
    assert_eq!(response.headers()["cache-control"], "private, no-store");
    let page = body(response).await;
    assert!(
        page.contains(message),
        "expected {message:?} for {fields:?}"
    );
    assert!(
        page.contains("Leave a Reply"),
        "the article page with its form comes back"
    );
    page
}

#[tokio::test]
async fn required_fields_and_formats_are_checked_and_nothing_typed_is_lost() {
    let site = TestApp::spawn().await;
    let article = site.article("Required").await;
    let reader = site.reader();

    let page = expect_form_error(
        &reader,
        &article,
        &[
            ("comment", "  "),
            ("author", "Keep Me"),
            ("email", "keep@me.example"),
        ],
        StatusCode::UNPROCESSABLE_ENTITY,
        "Please type your comment text.",
    )
    .await;
    assert!(page.contains("value=\"Keep Me\"") && page.contains("value=\"keep@me.example\""));
    let page = expect_form_error(
        &reader,
        &article,
        &[("author", ""), ("comment", "My precious words")],
        StatusCode::UNPROCESSABLE_ENTITY,
        "Please enter your name.",
    )
    .await;
    assert!(
        page.contains(">\nMy precious words</textarea>"),
        "the comment text is still in the form"
    );
    assert!(page.contains("aria-invalid=\"true\" aria-describedby=\"author-error\""));
    expect_form_error(
        &reader,
        &article,
        &[("email", "")],
        StatusCode::UNPROCESSABLE_ENTITY,
        "Please enter your email address.",
    )
    .await;
    expect_form_error(
        &reader,
        &article,
        &[("email", "ada@localhost")],
        StatusCode::UNPROCESSABLE_ENTITY,
        "Please enter a valid email address",
    )
    .await;
    let page = expect_form_error(
        &reader,
        &article,
        &[("url", "javascript:alert(1)"), ("comment", "keep this")],
        StatusCode::UNPROCESSABLE_ENTITY,
        "Please enter a website address starting with http:// or https://.",
    )
    .await;
    assert!(page.contains(">\nkeep this</textarea>"));

    // With the requirement off, an anonymous comment is accepted (and held: no history).
    site.settings(|settings| settings.require_name_email = false)
        .await;
    let response = reader
        .comment(
            &article,
            &[("author", ""), ("email", ""), ("comment", "anonymous tip")],
        )
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        status_of(&site, comment_id(&location(&response))).await,
        CommentStatus::Pending
    );
}

#[tokio::test]
async fn length_limits_are_exact() {
    let site = TestApp::spawn().await;
    site.open_discussion().await;
    let article = site.article("Limits").await;
    let reader = site.reader();
    // A local part of at most 64 characters, as mail servers take them.
    let email = |length: usize| {
        format!(
            "{}@{}.readers.example",
            "e".repeat(40),
            "d".repeat(length - 57)
        )
    };
    let url = |length: usize| format!("https://example.com/{}", "u".repeat(length - 20));
    let cases: [(&str, String, String, &str); 4] = [
        (
            "author",
            "n".repeat(245),
            "n".repeat(246),
            "Your name is too long",
        ),
        (
            "email",
            email(100),
            email(101),
            "Your email address is too long",
        ),
        (
            "url",
            url(200),
            url(201),
            "Your website address is too long",
        ),
        (
            "comment",
            "c".repeat(65_525),
            "c".repeat(65_526),
            "Your comment is too long",
        ),
    ];
    for (field, at_limit, over_limit, message) in cases {
        let response = reader.comment(&article, &[(field, &at_limit)]).await;
        assert_eq!(
            response.status(),
            StatusCode::SEE_OTHER,
            "{field} at its limit is accepted"
        );
        let page = expect_form_error(
            &reader,
            &article,
            &[
                (field, &over_limit),
                (
                    "comment",
                    if field == "comment" {
                        &over_limit
                    } else {
                        "distinct"
                    },
                ),
            ],
            StatusCode::UNPROCESSABLE_ENTITY,
            message,
        )
        .await;
        assert!(
            page.contains(&over_limit),
            "the over-long {field} is given back, not cut"
        );
    }
    // Characters, not bytes: 245 three-byte characters are a valid name.
    let response = reader
        .comment(
            &article,
            &[("author", &"名".repeat(245)), ("comment", "wide")],
        )
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn only_published_open_articles_take_comments() {
    let site = TestApp::spawn().await;
    let reader = site.reader();
    let draft = site
        .article_with("Draft", |input| {
            input.status = Some(tidings_domain::ArticleStatus::Draft)
        })
        .await;
    let future = site
        .article_with("Embargoed", |input| {
            input.published_at = Some(START + time::Duration::days(1))
        })
        .await;
    let closed = site
        .article_with("Closed", |input| input.comments_open = false)
        .await;

    for article in [&draft, &future] {
        let response = reader
            .comment(article, &[("comment", "my words on a hidden article")])
            .await;
        assert_eq!(response.status(), StatusCode::NOT_FOUND);
        let page = body(response).await;
        assert!(page.contains("does not exist or is not published"));
        assert!(
            page.contains("my words on a hidden article"),
            "the text is shown back"
        );
    }
    let response = reader
        .post(
            "/wp-comments-post.php",
            &[("comment_post_ID", "424242"), ("comment", "x")],
        )
        .await;
    assert_eq!(response.status(), StatusCode::NOT_FOUND);

    let response = reader
        .comment(&closed, &[("comment", "my words on a closed article")])
        .await;
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    let page = body(response).await;
    assert!(page.contains("Comments are closed on this article."));
    assert!(page.contains("my words on a closed article"));
    let closed_page = body(reader.get(&closed.permalink()).await).await;
    assert!(
        closed_page.contains("Comments are closed.") && !closed_page.contains("id=\"commentform\"")
    );
}

#[tokio::test]
async fn a_parent_must_be_an_approved_comment_of_the_same_article() {
    let site = TestApp::spawn().await;
    site.open_discussion().await;
    let article = site.article("Parent").await;
    let other = site.article("Other").await;
    let reader = site.reader();
    let elsewhere = comment_id(&location(
        &reader
            .comment(&other, &[("comment", "on the other article")])
            .await,
    ))
    .to_string();
    site.settings(|settings| settings.manual_approval = true)
        .await;
    let pending = comment_id(&location(
        &reader
            .comment(&article, &[("comment", "still pending")])
            .await,
    ))
    .to_string();

    for parent in [elsewhere.as_str(), pending.as_str(), "999999"] {
        let page = expect_form_error(
            &reader,
            &article,
            &[("comment_parent", parent), ("comment", "my reply")],
            StatusCode::UNPROCESSABLE_ENTITY,
            "The comment you replied to is no longer available",
        )
        .await;
        assert!(
            page.contains("name=\"comment_parent\" id=\"comment_parent\" value=\"0\""),
            "posting again makes a top-level comment"
        );
        assert!(page.contains(">\nmy reply</textarea>"));
    }
    let response = reader
        .comment(&article, &[("comment_parent", "banana")])
        .await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
}

#[tokio::test]
async fn duplicates_are_refused_with_409() {
    let site = TestApp::spawn().await;
    site.open_discussion().await;
    let article = site.article("Duplicates").await;
    let reader = site.reader();
    assert_eq!(
        reader
            .comment(&article, &[("comment", "Same words")])
            .await
            .status(),
        StatusCode::SEE_OTHER
    );
    expect_form_error(
        &reader,
        &article,
        &[("comment", "Same words")],
        StatusCode::CONFLICT,
        "Duplicate comment detected",
    )
    .await;
    // Another reader may say the same thing.
    assert_eq!(
        reader
            .comment(
                &article,
                &[
                    ("comment", "Same words"),
                    ("author", "Other"),
                    ("email", "other@readers.example")
                ]
            )
            .await
            .status(),
        StatusCode::SEE_OTHER
    );
}

#[tokio::test]
async fn flood_control_counts_per_ip_and_per_email() {
    let site = TestApp::spawn().await;
    site.settings(|settings| settings.require_previously_approved = false)
        .await;
    let article = site.article("Flood").await;
    let first_ip = site.reader_from("127.0.0.2".parse().unwrap());
    let second_ip = site.reader_from("127.0.0.3".parse().unwrap());

    assert_eq!(
        first_ip
            .comment(&article, &[("comment", "one")])
            .await
            .status(),
        StatusCode::SEE_OTHER
    );
    // Same IP, another email: too fast.
    let response = first_ip
        .comment(
            &article,
            &[("comment", "two"), ("email", "else@readers.example")],
        )
        .await;
    assert_eq!(response.status(), StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(response.headers()["retry-after"], "15");
    let page = body(response).await;
    assert!(
        page.contains("You are posting comments too quickly") && page.contains(">\ntwo</textarea>")
    );
    // Another IP, same email: too fast as well.
    assert_eq!(
        second_ip
            .comment(&article, &[("comment", "three")])
            .await
            .status(),
        StatusCode::TOO_MANY_REQUESTS
    );
    // Another IP and email: fine.
    assert_eq!(
        second_ip
            .comment(
                &article,
                &[("comment", "four"), ("email", "four@readers.example")]
            )
            .await
            .status(),
        StatusCode::SEE_OTHER
    );

    site.clock.advance(time::Duration::seconds(14));
    assert_eq!(
        first_ip
            .comment(&article, &[("comment", "five")])
            .await
            .status(),
        StatusCode::TOO_MANY_REQUESTS
    );
    site.clock.advance(time::Duration::seconds(1));
    assert_eq!(
        first_ip
            .comment(&article, &[("comment", "six")])
            .await
            .status(),
        StatusCode::SEE_OTHER
    );

    site.settings(|settings| settings.flood_interval_seconds = 60)
        .await;
    let response = first_ip.comment(&article, &[("comment", "seven")]).await;
    assert_eq!(
        response.headers()["retry-after"],
        "60",
        "the interval is a setting"
    );
}

#[tokio::test]
async fn the_decision_follows_wordpress_order() {
    let site = TestApp::spawn().await;
    site.open_discussion().await;
    site.settings(|settings| {
        settings.require_previously_approved = true;
        settings.moderation_words = "casino\n".into();
        settings.disallowed_words = "viagra\n127.0.0.9".into();
    })
    .await;
    let article = site.article("Decisions").await;
    let reader = site.reader();
    let post = |fields: Vec<(&'static str, String)>| {
        let reader = &reader;
        let article = &article;
        async move {
            let fields: Vec<(&str, &str)> = fields
                .iter()
                .map(|(name, value)| (*name, value.as_str()))
                .collect();
            let response = reader.comment(article, &fields).await;
            assert_eq!(response.status(), StatusCode::SEE_OTHER);
            comment_id(&location(&response))
        }
    };
    let newcomer = post(vec![
        ("comment", "first words".into()),
        ("author", "New".into()),
        ("email", "new@readers.example".into()),
    ])
    .await;
    assert_eq!(
        status_of(&site, newcomer).await,
        CommentStatus::Pending,
        "a first-time commenter waits"
    );
    tidings::services::comments::moderate(
        &site.app,
        &[tidings_domain::CommentId(newcomer)],
        tidings_domain::ModerationAction::Approve,
    )
    .await
    .unwrap();
    let known = |text: &str| {
        vec![
            ("comment", text.to_owned()),
            ("author", "New".to_owned()),
            ("email", "new@readers.example".to_owned()),
        ]
    };
    assert_eq!(
        status_of(&site, post(known("second words")).await).await,
        CommentStatus::Approved,
        "a known commenter is approved"
    );
    assert_eq!(
        status_of(&site, post(known("Cheap VIAGRA here")).await).await,
        CommentStatus::Spam,
        "a disallowed word is spam"
    );
    assert_eq!(
        status_of(&site, post(known("Visit the casino")).await).await,
        CommentStatus::Pending,
        "a moderation word waits"
    );
    assert_eq!(
        status_of(
            &site,
            post(known("see https://a.example/ and https://b.example/")).await
        )
        .await,
        CommentStatus::Pending,
        "two links wait"
    );
    assert_eq!(
        status_of(&site, post(known("one https://a.example/ link")).await).await,
        CommentStatus::Approved,
        "one link is fine"
    );
    // The same name with another email is somebody else.
    let stranger = post(vec![
        ("comment", "I am New too".into()),
        ("author", "New".into()),
        ("email", "impostor@readers.example".into()),
    ])
    .await;
    assert_eq!(status_of(&site, stranger).await, CommentStatus::Pending);
    site.settings(|settings| settings.manual_approval = true)
        .await;
    assert_eq!(
        status_of(&site, post(known("under manual approval")).await).await,
        CommentStatus::Pending,
        "manual approval holds everyone"
    );

    // A spammed comment's author is told only that it waits, like any held comment.
    site.settings(|settings| settings.manual_approval = false)
        .await;
    let response = reader
        .comment(
            &article,
            &[
                ("comment", "more viagra"),
                ("author", "New"),
                ("email", "new@readers.example"),
            ],
        )
        .await;
    let link = location(&response);
    assert!(link.contains("unapproved="));
    assert!(
        body(reader.get(link.split('#').next().unwrap()).await)
            .await
            .contains("Your comment is awaiting moderation.")
    );
}

#[tokio::test]
async fn malformed_requests_get_clear_errors() {
    let site = TestApp::spawn().await;
    let article = site.article("Malformed").await;
    let reader = site.reader();

    let response = reader.get("/wp-comments-post.php").await;
    assert_eq!(response.status(), StatusCode::METHOD_NOT_ALLOWED);
    assert!(
        body(response)
            .await
            .contains("does not accept that kind of request")
    );

    let response = reader
        .client
        .post(site.url("/wp-comments-post.php"))
        .header("content-type", "application/json")
        .body("{}")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    assert!(body(response).await.contains("expects a form submission"));

    let huge = format!(
        "comment_post_ID={}&comment={}",
        article.id,
        "a".repeat(2 * 1024 * 1024)
    );
    let response = reader
        .client
        .post(site.url("/wp-comments-post.php"))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(huge)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::PAYLOAD_TOO_LARGE);
    assert!(
        body(response)
            .await
            .contains("larger than this site accepts")
    );

    // Broken percent-encoding is read as it is; bytes that are not UTF-8 are refused with a
    // clear 400 rather than stored as replacement characters.
    let response = reader
        .client
        .post(site.url("/wp-comments-post.php"))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(format!(
            "comment_post_ID={}&comment=%ZZ%ff%fe&author=%&email=x",
            article.id
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    assert!(body(response).await.contains("not UTF-8 text"));

    // NUL and control characters are dropped from the stored text, not stored.
    site.open_discussion().await;
    let response = reader
        .comment(&article, &[("comment", "bell\u{7} and nul\u{0} gone")])
        .await;
    let id = comment_id(&location(&response));
    let stored = site
        .app
        .store
        .comment_by_id(tidings_domain::CommentId(id))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(stored.content, "bell and nul gone");
}
