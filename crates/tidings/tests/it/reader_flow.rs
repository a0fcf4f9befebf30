use crate::support::*;
use reqwest::StatusCode;

#[tokio::test]
async fn a_first_comment_waits_for_a_moderator_then_appears() {
    let site = TestApp::spawn().await;
    let article = site.article("Council approves the new bridge").await;
    let reader = site.reader();

    let response = reader
        .comment(
            &article,
            &[
                ("comment", "Finally! My commute will be halved."),
                ("author", "Grace"),
                ("email", "grace@readers.example"),
            ],
        )
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let pending_link = location(&response);
    assert!(
        pending_link.starts_with(&article.permalink()),
        "{pending_link}"
    );
    assert!(pending_link.contains("unapproved="), "{pending_link}");
    let id = comment_id(&pending_link);

    // The author sees it, marked, through the signed link; the page is private to them.
    let response = reader.get(pending_link.split('#').next().unwrap()).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.headers()["cache-control"], "private, no-store");
    let page = body(response).await;
    assert!(page.contains("Finally! My commute will be halved."));
    assert!(page.contains("Your comment is awaiting moderation."));
    assert!(page.contains(&format!("id=\"comment-{id}\"")));
    assert!(page.contains("<meta name=\"robots\" content=\"noindex\">"));

    // Everyone else sees the plain article without it.
    let page = body(site.reader().get(&article.permalink()).await).await;
    assert!(!page.contains("Finally!"));
    assert!(page.contains("No Comments"), "nothing approved yet");

    // A tampered or expired link shows nothing.
    let tampered = pending_link.replace("signature=", "signature=0");
    assert!(
        !body(reader.get(tampered.split('#').next().unwrap()).await)
            .await
            .contains("Finally!")
    );
    site.clock
        .advance(tidings::services::comments::PENDING_LINK_LIFETIME + time::Duration::seconds(1));
    assert!(
        !body(reader.get(pending_link.split('#').next().unwrap()).await)
            .await
            .contains("Finally!")
    );

    // The moderator finds it in the queue with what they need, and approves it.
    let moderator = site.moderator().await;
    let queue = body(moderator.get("/admin/comments?status=pending").await).await;
    for needed in [
        "Grace",
        "grace@readers.example",
        "127.0.0.1",
        "Finally! My commute will be halved.",
        "Council approves the new bridge",
        "first comment from this name and email",
    ] {
        assert!(queue.contains(needed), "the queue shows {needed}");
    }
    let response = moderator
        .post(
            "/admin/comments",
            &[("single", &format!("approve:{id}")), ("status", "pending")],
        )
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);

    // Now every reader sees it, counted, and the author's next comment needs no moderator.
    let page = body(site.reader().get(&article.permalink()).await).await;
    assert!(page.contains("Finally! My commute will be halved."));
    assert!(page.contains("1 Comment"));
    assert!(!page.contains("awaiting moderation"));
    let front = body(site.reader().get("/").await).await;
    assert!(front.contains("1 Comment"), "the front page counts it");

    site.clock.advance(time::Duration::minutes(1));
    let response = reader
        .comment(
            &article,
            &[
                ("comment", "And the cycle lane too."),
                ("author", "Grace"),
                ("email", "grace@readers.example"),
            ],
        )
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let approved = location(&response);
    // An approved comment's author lands on it through their signed link, which offers
    // to edit or delete it while the site's edit window is open.
    assert!(
        approved.starts_with(&format!("{}?unapproved=", article.permalink()))
            && approved.ends_with(&format!("#comment-{}", comment_id(&approved))),
        "{approved}"
    );
    let own_view = body(reader.get(&approved).await).await;
    assert!(
        own_view.contains("Edit or delete your comment"),
        "{own_view}"
    );
    assert!(
        !body(site.reader().get(&article.permalink()).await)
            .await
            .contains("Edit or delete your comment"),
        "nobody else is offered the edit link"
    );
    assert!(
        body(site.reader().get(&article.permalink()).await)
            .await
            .contains("And the cycle lane too.")
    );
}

#[tokio::test]
async fn replies_nest_under_their_parent_with_the_reply_heading() {
    let site = TestApp::spawn().await;
    site.open_discussion().await;
    let article = site.article("Election night live").await;
    let reader = site.reader();
    let parent = comment_id(&location(
        &reader
            .comment(
                &article,
                &[("comment", "Turnout looks high."), ("author", "Ann")],
            )
            .await,
    ));

    let reply_page = body(
        reader
            .get(&format!("{}?replytocom={parent}", article.permalink()))
            .await,
    )
    .await;
    assert!(reply_page.contains("Leave a Reply to <bdi>Ann</bdi>"));
    assert!(reply_page.contains("id=\"cancel-comment-reply-link\""));
    assert!(reply_page.contains(&format!(
        "name=\"comment_parent\" id=\"comment_parent\" value=\"{parent}\""
    )));

    let parent_text = parent.to_string();
    let response = reader
        .comment(
            &article,
            &[
                ("comment", "Record turnout, in fact."),
                ("author", "Ben"),
                ("comment_parent", &parent_text),
            ],
        )
        .await;
    let reply = comment_id(&location(&response));
    let page = body(site.reader().get(&article.permalink()).await).await;
    let parent_at = page.find(&format!("id=\"comment-{parent}\"")).unwrap();
    let children_at = page[parent_at..].find("<ol class=\"children\">").unwrap() + parent_at;
    let reply_at = page.find(&format!("id=\"comment-{reply}\"")).unwrap();
    assert!(
        parent_at < children_at && children_at < reply_at,
        "the reply sits in the parent's children list"
    );
    assert!(page.contains(&format!(
        "id=\"comment-{reply}\" class=\"comment depth-2 has-avatar\""
    )));
    assert!(page.contains("2 Comments"));
}

#[tokio::test]
async fn the_reply_link_stops_at_the_thread_depth() {
    let site = TestApp::spawn().await;
    site.open_discussion().await;
    site.settings(|settings| settings.thread_depth = 2).await;
    let article = site.article("Depth").await;
    let reader = site.reader();
    let top = comment_id(&location(
        &reader.comment(&article, &[("comment", "top")]).await,
    ));
    let top_text = top.to_string();
    let second = comment_id(&location(
        &reader
            .comment(
                &article,
                &[("comment", "second"), ("comment_parent", &top_text)],
            )
            .await,
    ));
    let page = body(reader.get(&article.permalink()).await).await;
    assert!(page.contains(&format!("?replytocom={top}#respond")));
    assert!(
        !page.contains(&format!("?replytocom={second}#respond")),
        "no reply link at the deepest level"
    );
}
