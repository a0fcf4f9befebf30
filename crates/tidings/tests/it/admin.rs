//! The admin: signing in (throttled), CSRF, the moderation queue, the article editor and
//! the discussion settings.

use crate::support::*;
use reqwest::StatusCode;
use tidings_domain::{CommentId, CommentStatus, Role};

#[tokio::test]
async fn admin_pages_need_a_session_and_sessions_are_safe_cookies() {
    let site = TestApp::spawn().await;
    let visitor = site.reader();
    for path in [
        "/admin/",
        "/admin/comments",
        "/admin/articles",
        "/admin/articles/new",
        "/admin/settings/discussion",
    ] {
        let response = visitor.get(path).await;
        assert_eq!(response.status(), StatusCode::SEE_OTHER, "{path}");
        assert!(
            location(&response).starts_with("/admin/login?next="),
            "{path}"
        );
    }
    let response = visitor
        .post(
            "/admin/comments",
            &[("bulk_action", "approve"), ("ids", "1")],
        )
        .await;
    assert_eq!(
        response.status(),
        StatusCode::SEE_OTHER,
        "a POST without a session changes nothing"
    );
    assert_eq!(
        site.app.store.comment_counts().await.unwrap().approved,
        1,
        "the sample comment is untouched"
    );

    site.create_user(ADMIN_EMAIL, Role::Administrator).await;
    let response = visitor
        .post(
            "/admin/login",
            &[
                ("email", ADMIN_EMAIL),
                ("password", ADMIN_PASSWORD),
                ("next", "https://evil.example/"),
            ],
        )
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&response), "/admin/", "never redirected off-site");
    let cookie = response.headers()["set-cookie"]
        .to_str()
        .unwrap()
        .to_owned();
    for attribute in ["tidings_session=", "HttpOnly", "SameSite=Strict", "Path=/"] {
        assert!(cookie.contains(attribute), "{cookie}");
    }
    let page = body(visitor.get("/admin/comments").await).await;
    assert!(page.contains("Edith Editor"));

    // Logging out ends the session on the server, not just in the browser.
    let csrf = attribute_after(&page, "name=\"csrf\" value=\"").unwrap();
    let token = cookie
        .split(';')
        .next()
        .unwrap()
        .trim_start_matches("tidings_session=")
        .to_owned();
    assert_eq!(
        visitor
            .post("/admin/logout", &[("csrf", &csrf)])
            .await
            .status(),
        StatusCode::SEE_OTHER
    );
    let replayed = site
        .reader()
        .client
        .get(site.url("/admin/comments"))
        .header("cookie", format!("tidings_session={token}"))
        .send()
        .await
        .unwrap();
    assert_eq!(
        replayed.status(),
        StatusCode::SEE_OTHER,
        "the old session token no longer works"
    );
}

#[tokio::test]
async fn failed_logins_are_throttled_per_email_for_a_while() {
    let site = TestApp::spawn().await;
    site.create_user(ADMIN_EMAIL, Role::Administrator).await;
    let attacker = site.reader();
    for _ in 0..5 {
        let response = attacker
            .post(
                "/admin/login",
                &[("email", ADMIN_EMAIL), ("password", "wrong password")],
            )
            .await;
        assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
        let page = body(response).await;
        assert!(
            page.contains("The email or password is not right.")
                && page.contains(&format!("value=\"{ADMIN_EMAIL}\""))
        );
    }
    let response = site
        .reader()
        .post(
            "/admin/login",
            &[("email", ADMIN_EMAIL), ("password", ADMIN_PASSWORD)],
        )
        .await;
    assert_eq!(
        response.status(),
        StatusCode::TOO_MANY_REQUESTS,
        "even the right password waits"
    );
    assert!(body(response).await.contains("Too many failed sign-ins"));
    site.clock.advance(time::Duration::minutes(16));
    let response = site
        .reader()
        .post(
            "/admin/login",
            &[("email", ADMIN_EMAIL), ("password", ADMIN_PASSWORD)],
        )
        .await;
    assert_eq!(
        response.status(),
        StatusCode::SEE_OTHER,
        "the owner gets back in after the window"
    );
    // An unknown email answers exactly like a wrong password.
    let response = site
        .reader()
        .post(
            "/admin/login",
            &[
                ("email", "nobody@newsroom.example"),
                ("password", "whatever1"),
            ],
        )
        .await;
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
}

/// What the site holds that a forged form could change.
pub async fn state(site: &TestApp) -> String {
    let store = &site.app.store;
    let comment = store
        .comment_by_id(tidings_domain::CommentId(1))
        .await
        .unwrap()
        .unwrap();
    let article = store
        .article_by_id(tidings_domain::ArticleId(1))
        .await
        .unwrap()
        .unwrap();
    let now = time::OffsetDateTime::now_utc();
    let mut terms = Vec::new();
    for taxonomy in [
        tidings_domain::Taxonomy::Section,
        tidings_domain::Taxonomy::Tag,
    ] {
        for used in store.terms(taxonomy).await.unwrap() {
            terms.push((used.term.name, used.term.slug, used.term.parent_id));
        }
    }
    let history = (
        store.revisions(article.id).await.unwrap().len(),
        store.corrections_of(article.id).await.unwrap().len(),
    );
    let webhooks: Vec<(String, Vec<String>)> = store
        .webhooks()
        .await
        .unwrap()
        .into_iter()
        .map(|hook| (hook.url, hook.events))
        .collect();
    let deliveries: Vec<(String, u32)> = match store.webhooks().await.unwrap().first() {
        Some(hook) => store
            .deliveries_of(hook.id, 100)
            .await
            .unwrap()
            .into_iter()
            .map(|delivery| (delivery.status, delivery.attempts))
            .collect(),
        None => Vec::new(),
    };
    format!(
        "{history:?} {webhooks:?} {deliveries:?} {:?} {:?} {:?} {:?} {} {} {:?} {:?}",
        store.comment_counts().await.unwrap(),
        store
            .count_by_state(tidings_domain::ArticleKind::Article, now)
            .await
            .unwrap(),
        store
            .count_by_state(tidings_domain::ArticleKind::Page, now)
            .await
            .unwrap(),
        terms,
        comment.content,
        comment.author_name,
        (article.title, article.status),
        store.setting("discussion").await.unwrap(),
    )
}

/// Every form a signed-in user posts, taken from the router as it registers them, refuses
/// a post without the session's CSRF token and one with another session's token, and
/// changes nothing.
#[tokio::test]
async fn every_admin_form_needs_its_sessions_csrf_token() {
    let site = TestApp::spawn().await;
    let moderator = site.moderator().await;
    site.create_user(
        "other@newsroom.example",
        tidings_domain::Role::Administrator,
    )
    .await;
    let other = site.sign_in("other@newsroom.example").await;
    assert_ne!(other.csrf, moderator.csrf);
    let before = state(&site).await;
    // A form that would change something on every one of those addresses if accepted.
    let fields = [
        ("bulk_action", "trash"),
        ("ids", "1"),
        ("title", "Forged"),
        ("slug", "forged"),
        ("body", "Forged body"),
        ("status", "draft"),
        ("thread_depth", "3"),
        ("author", "Forged"),
        ("email", "reader@example.com"),
        ("comment", "Forged text"),
        ("do", "erase"),
    ];
    let posts = tidings::web::admin_routes().posts;
    assert!(posts.len() >= 8, "{posts:?}");
    for route in posts {
        let path = route.replace("{id}", "1");
        for csrf in [None, Some(other.csrf.as_str())] {
            let mut form = fields.to_vec();
            if let Some(csrf) = csrf {
                form.push(("csrf", csrf));
            }
            let response = moderator.reader.post(&path, &form).await;
            assert_eq!(
                response.status(),
                StatusCode::FORBIDDEN,
                "{path} with {csrf:?}"
            );
            assert!(body(response).await.contains("did not come from this site"));
        }
    }
    assert_eq!(state(&site).await, before, "nothing changed");
    assert_eq!(
        moderator.get("/admin/comments").await.status(),
        StatusCode::OK,
        "still signed in"
    );
}

#[tokio::test]
async fn the_queue_moderates_one_at_a_time_and_in_bulk() {
    let site = TestApp::spawn().await;
    site.open_discussion().await;
    site.settings(|settings| settings.manual_approval = true)
        .await;
    let article = site.article("Queue").await;
    let reader = site.reader();
    let mut ids = Vec::new();
    for text in ["first", "second", "third", "fourth"] {
        ids.push(comment_id(&location(
            &reader.comment(&article, &[("comment", text)]).await,
        )));
    }
    let status = |id: i64| {
        let store = site.app.store.clone();
        async move {
            store
                .comment_by_id(CommentId(id))
                .await
                .unwrap()
                .map(|comment| comment.status)
        }
    };
    let moderator = site.moderator().await;
    let queue = body(moderator.get("/admin/comments").await).await;
    assert!(queue.contains("Pending <span class=\"count\">(4)</span>"));
    assert!(queue.contains("Approved <span class=\"count\">(1)</span>"));
    assert!(queue.contains("<span class=\"badge\" title=\"waiting for moderation\">4</span>"));

    // Bulk approve two; the notice says what happened.
    let response = moderator.moderate("approve", &ids[..2]).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let back = location(&response);
    assert!(back.starts_with("/admin/comments?status=pending&notice="));
    assert!(
        body(moderator.get(&back).await)
            .await
            .contains("Approve: 2 comment(s).")
    );
    assert_eq!(status(ids[0]).await, Some(CommentStatus::Approved));
    let page = body(site.reader().get(&article.permalink()).await).await;
    assert!(page.contains("first") && page.contains("second") && !page.contains(">third<"));

    // One at a time: spam, then rescue; trash, then restore to where it was.
    moderator
        .post(
            "/admin/comments",
            &[("single", &format!("spam:{}", ids[2]))],
        )
        .await;
    assert_eq!(status(ids[2]).await, Some(CommentStatus::Spam));
    moderator
        .post(
            "/admin/comments",
            &[("single", &format!("not_spam:{}", ids[2]))],
        )
        .await;
    assert_eq!(status(ids[2]).await, Some(CommentStatus::Pending));
    moderator
        .post(
            "/admin/comments",
            &[("single", &format!("trash:{}", ids[0]))],
        )
        .await;
    assert_eq!(status(ids[0]).await, Some(CommentStatus::Trash));
    assert!(
        !body(site.reader().get(&article.permalink()).await)
            .await
            .contains("first"),
        "trashed comments leave the page"
    );
    moderator
        .post(
            "/admin/comments",
            &[("single", &format!("restore:{}", ids[0]))],
        )
        .await;
    assert_eq!(
        status(ids[0]).await,
        Some(CommentStatus::Approved),
        "restored to its status before the trash"
    );
    moderator
        .post(
            "/admin/comments",
            &[("single", &format!("unapprove:{}", ids[0]))],
        )
        .await;
    assert_eq!(status(ids[0]).await, Some(CommentStatus::Pending));

    // Delete permanently only from spam or trash.
    let response = moderator.moderate("delete", &[ids[3]]).await;
    assert!(
        body(moderator.get(&location(&response)).await)
            .await
            .contains("1 skipped")
    );
    assert_eq!(status(ids[3]).await, Some(CommentStatus::Pending));
    moderator.moderate("trash", &[ids[3]]).await;
    moderator.moderate("delete", &[ids[3]]).await;
    assert_eq!(status(ids[3]).await, None);

    // Bad input: no action, nonsense ids, nothing selected.
    assert_eq!(
        moderator
            .post(
                "/admin/comments",
                &[("bulk_action", "explode"), ("ids", "1")]
            )
            .await
            .status(),
        StatusCode::BAD_REQUEST
    );
    assert_eq!(
        moderator
            .post(
                "/admin/comments",
                &[("bulk_action", "approve"), ("ids", "x")]
            )
            .await
            .status(),
        StatusCode::BAD_REQUEST
    );
    let response = moderator
        .post("/admin/comments", &[("bulk_action", "approve")])
        .await;
    assert!(
        body(moderator.get(&location(&response)).await)
            .await
            .contains("Select at least one comment first.")
    );
}

#[tokio::test]
async fn deleting_a_parent_moves_its_replies_up() {
    let site = TestApp::spawn().await;
    site.open_discussion().await;
    let article = site.article("Threads").await;
    let reader = site.reader();
    let top = comment_id(&location(
        &reader.comment(&article, &[("comment", "top")]).await,
    ));
    let top_text = top.to_string();
    let middle = comment_id(&location(
        &reader
            .comment(
                &article,
                &[("comment", "middle"), ("comment_parent", &top_text)],
            )
            .await,
    ));
    let middle_text = middle.to_string();
    let bottom = comment_id(&location(
        &reader
            .comment(
                &article,
                &[("comment", "bottom"), ("comment_parent", &middle_text)],
            )
            .await,
    ));
    let moderator = site.moderator().await;
    moderator.moderate("trash", &[middle]).await;
    moderator.moderate("delete", &[middle]).await;
    let bottom = site
        .app
        .store
        .comment_by_id(CommentId(bottom))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(bottom.parent_id, Some(CommentId(top)));
}

#[tokio::test]
async fn editors_write_publish_edit_and_close_articles() {
    let site = TestApp::spawn().await;
    let moderator = site.moderator().await;
    assert!(
        body(moderator.get("/admin/articles/new").await)
            .await
            .contains("New article")
    );

    // A draft is saved but not public.
    let response = moderator
        .post(
            "/admin/articles",
            &[
                ("title", "Budget passes: what it means"),
                ("slug", ""),
                ("body", "The **budget** passed."),
                ("status", "draft"),
                ("published_at", "2026-05-30T08:15"),
                ("comments_open", "1"),
            ],
        )
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let edit_url = location(&response);
    let edit_path = edit_url.split('?').next().unwrap().to_owned();
    assert!(
        body(moderator.get(&edit_url).await)
            .await
            .contains("Saved.")
    );
    let draft_permalink = "/2026/05/budget-passes-what-it-means/";
    assert_eq!(
        site.reader().get(draft_permalink).await.status(),
        StatusCode::NOT_FOUND
    );
    assert!(
        !body(site.reader().get("/").await)
            .await
            .contains("Budget passes")
    );
    let preview_path = format!("{edit_path}/preview");
    let editor_page = body(moderator.get(&edit_path).await).await;
    assert!(editor_page.contains(&format!("href=\"{preview_path}\">Preview</a>")));
    let preview = moderator.get(&preview_path).await;
    assert_eq!(preview.headers()["cache-control"], "private, no-store");
    assert!(
        body(preview)
            .await
            .contains("The <strong>budget</strong> passed."),
        "editors preview drafts"
    );
    assert_eq!(
        site.reader().get(&preview_path).await.status(),
        StatusCode::SEE_OTHER,
        "readers cannot"
    );

    // Published: on the front page and at its permalink, by its author.
    let publish = [
        ("title", "Budget passes: what it means"),
        ("slug", "budget-passes-what-it-means"),
        ("body", "The **budget** passed."),
        ("status", "published"),
        ("published_at", "2026-05-30T08:15"),
        ("comments_open", "1"),
    ];
    assert_eq!(
        moderator.post(&edit_path, &publish).await.status(),
        StatusCode::SEE_OTHER
    );
    let page = body(site.reader().get(draft_permalink).await).await;
    assert!(
        page.contains("<strong>budget</strong>")
            && page.contains(
                "By <a rel=\"author\" href=\"/author/edith-editor/\"><bdi>Edith Editor</bdi></a>"
            )
            && page.contains("id=\"commentform\"")
    );
    assert!(
        body(site.reader().get("/").await)
            .await
            .contains("Budget passes: what it means")
    );

    // Comments closed: the form goes, and so does the route for posting.
    let mut closed = publish.to_vec();
    closed.retain(|(name, _)| *name != "comments_open");
    moderator.post(&edit_path, &closed).await;
    assert!(
        body(site.reader().get(draft_permalink).await)
            .await
            .contains("Comments are closed.")
    );

    // A typed slug that is taken, and an empty title, come back as field errors with the text kept.
    let response = moderator
        .post(
            "/admin/articles",
            &[
                ("title", "Another"),
                ("slug", "budget-passes-what-it-means"),
                ("body", "keep this body"),
                ("status", "published"),
            ],
        )
        .await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let page = body(response).await;
    assert!(
        page.contains("Another article already uses this slug.") && page.contains("keep this body")
    );
    let response = moderator
        .post(
            "/admin/articles",
            &[
                ("title", " "),
                ("body", "x"),
                ("status", "published"),
                ("published_at", "yesterday"),
            ],
        )
        .await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let page = body(response).await;
    assert!(
        page.contains("Please give the article a title.")
            && page.contains("Please give the date as YYYY-MM-DD HH:MM.")
    );
    // A title-made slug that is taken gets a number.
    let response = moderator
        .post(
            "/admin/articles",
            &[
                ("title", "Budget passes: what it means"),
                ("body", "again"),
                ("status", "published"),
                ("published_at", "2026-05-31T08:00"),
            ],
        )
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        site.reader()
            .get("/2026/05/budget-passes-what-it-means-2/")
            .await
            .status(),
        StatusCode::OK
    );

    // A title in another script gives a readable Latin slug; a typed slug keeps its
    // script, lower-cased, with hyphens for spaces.
    for (title, slug, address) in [
        (
            "Лавров прибыл в Пекин",
            "",
            "/2026/05/lavrov-pribyl-v-pekin/",
        ),
        (
            "Новости мира",
            "Новости Мира",
            "/2026/05/%D0%BD%D0%BE%D0%B2%D0%BE%D1%81%D1%82%D0%B8-%D0%BC%D0%B8%D1%80%D0%B0/",
        ),
    ] {
        let response = moderator
            .post(
                "/admin/articles",
                &[
                    ("title", title),
                    ("slug", slug),
                    ("body", "text"),
                    ("status", "published"),
                    ("published_at", "2026-05-31T09:00"),
                ],
            )
            .await;
        assert_eq!(response.status(), StatusCode::SEE_OTHER, "{title}");
        let page = site.reader().get(address).await;
        assert_eq!(page.status(), StatusCode::OK, "{address}");
        assert!(body(page).await.contains(title), "{address}");
    }

    // Unpublished: gone from the public site.
    let mut draft = publish.to_vec();
    draft.retain(|(name, _)| *name != "status");
    draft.push(("status", "draft"));
    moderator.post(&edit_path, &draft).await;
    assert_eq!(
        site.reader().get(draft_permalink).await.status(),
        StatusCode::NOT_FOUND
    );
    let list = body(moderator.get("/admin/articles").await).await;
    assert!(list.contains("Budget passes: what it means") && list.contains("<td>Draft</td>"));
    assert_eq!(
        moderator.get("/admin/articles/99999").await.status(),
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        moderator.get("/admin/articles/abc").await.status(),
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn discussion_settings_are_saved_validated_and_for_administrators() {
    let site = TestApp::spawn().await;
    let moderator = site.moderator().await;
    let page = body(moderator.get("/admin/settings/discussion").await).await;
    assert!(page.contains("name=\"require_name_email\" value=\"1\" checked"));
    assert!(page.contains(
        "name=\"flood_interval_seconds\" type=\"number\" min=\"0\" max=\"3600\" value=\"15\""
    ));

    let response = moderator
        .post(
            "/admin/settings/discussion",
            &[
                ("manual_approval", "1"),
                ("max_links", "3"),
                ("moderation_words", "casino\r\npoker"),
                ("disallowed_words", "viagra"),
                ("flood_interval_seconds", "30"),
                ("thread_depth", "3"),
            ],
        )
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let settings = tidings::services::site::discussion_settings(&site.app)
        .await
        .unwrap();
    assert!(
        settings.manual_approval
            && !settings.require_name_email
            && !settings.require_previously_approved
    );
    assert_eq!(
        (
            settings.max_links,
            settings.flood_interval_seconds,
            settings.thread_depth
        ),
        (3, 30, 3)
    );
    assert_eq!(settings.moderation_words, "casino\npoker");

    let response = moderator
        .post(
            "/admin/settings/discussion",
            &[
                ("max_links", "-1"),
                ("flood_interval_seconds", "lots"),
                ("thread_depth", "99"),
                ("moderation_words", "kept words"),
            ],
        )
        .await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let page = body(response).await;
    for message in [
        "The link limit must be a whole number from 0 to 100.",
        "The interval between comments must be",
        "The thread depth must be a whole number from 1 to 10.",
    ] {
        assert!(page.contains(message), "{message}");
    }
    assert!(page.contains("kept words"));
    assert_eq!(
        tidings::services::site::discussion_settings(&site.app)
            .await
            .unwrap(),
        settings,
        "nothing saved"
    );

    site.create_user("writer@newsroom.example", Role::Editor)
        .await;
    let editor = site.sign_in("writer@newsroom.example").await;
    assert_eq!(
        editor.get("/admin/settings/discussion").await.status(),
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        editor
            .post("/admin/settings/discussion", &[("thread_depth", "2")])
            .await
            .status(),
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        editor.get("/admin/comments").await.status(),
        StatusCode::OK,
        "editors moderate"
    );
}
