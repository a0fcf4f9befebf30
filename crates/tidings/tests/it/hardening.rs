//! The attacks of the hardening review (issue 9), each replayed through HTTP: signed links
//! bound to one comment, a mail bomb through subscriptions, feeds under hostile characters,
//! the page cache under random `replytocom`, the admin lockout, a theme folder's symbolic
//! links, and the smaller findings beside them.

use crate::support::*;
use reqwest::StatusCode;
use std::net::IpAddr;
use tidings::services::notify;
use tidings_domain::{CommentId, CommentStatus, Role};

/// The `unapproved=…&expires=…&signature=…` link a comment's author landed on.
fn author_link(response: &reqwest::Response) -> String {
    let target = location(response);
    assert!(target.contains("signature="), "no author link in {target}");
    target
}

/// The edit page's address from an author link: `/comments/ID/edit?expires=…&signature=…`.
fn edit_address(author_link: &str) -> (i64, String, String) {
    let query = author_link
        .split_once('?')
        .map(|(_, query)| query.split('#').next().unwrap_or(""))
        .unwrap_or("");
    let value = |name: &str| {
        form_urlencoded::parse(query.as_bytes())
            .find(|(key, _)| key == name)
            .map(|(_, value)| value.into_owned())
            .unwrap_or_default()
    };
    (
        value("unapproved").parse().unwrap(),
        value("expires"),
        value("signature"),
    )
}

#[tokio::test]
async fn a_deleted_comments_edit_link_never_reaches_another_comment() {
    let site = TestApp::spawn().await;
    site.open_discussion().await;
    site.settings(|settings| settings.edit_window_minutes = 15)
        .await;
    let article = site.article("Ids").await;
    let moderator = site.moderator().await;
    let spammer = site.reader_from("127.0.0.2".parse().unwrap());
    let posted = spammer
        .comment(&article, &[("comment", "Spam to be deleted at once")])
        .await;
    let (spam_id, expires, signature) = edit_address(&author_link(&posted));
    moderator.moderate("trash", &[spam_id]).await;
    moderator.moderate("delete", &[spam_id]).await;

    let victim = site.reader_from("127.0.0.3".parse().unwrap());
    let posted = victim
        .comment(
            &article,
            &[
                ("comment", "The victim's own words"),
                ("author", "Vera Victim"),
                ("email", "vera@readers.example"),
            ],
        )
        .await;
    let victim_id = comment_id(&location(&posted));
    assert!(victim_id > spam_id, "a deleted id came back: {victim_id}");

    // The old link, aimed at the old id and at the victim's: both refused.
    for id in [spam_id, victim_id] {
        let response = spammer
            .post(
                &format!("/comments/{id}/edit"),
                &[
                    ("expires", expires.as_str()),
                    ("signature", signature.as_str()),
                    ("comment", "Taken over"),
                ],
            )
            .await;
        assert_eq!(response.status(), StatusCode::FORBIDDEN, "comment {id}");
    }
    let stored = site
        .app
        .store
        .comment_by_id(CommentId(victim_id))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(stored.content, "The victim's own words");
}

#[tokio::test]
async fn a_moderation_link_acts_only_from_the_state_it_was_sent_for() {
    let site = TestApp::spawn().await;
    site.settings(|settings| settings.flood_interval_seconds = 0)
        .await;
    let article = site.article("Moderated twice").await;
    let moderator = site.moderator().await;
    let waiting = comment_id(&location(&site.reader().comment(&article, &[]).await));
    let comment = site
        .app
        .store
        .comment_by_id(CommentId(waiting))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(comment.status, CommentStatus::Pending);
    let trash =
        notify::moderation_link(&site.app, &comment, tidings_domain::ModerationAction::Trash);
    let path = trash.trim_start_matches(&site.url(""));
    // Another moderator approves it first.
    moderator.moderate("approve", &[waiting]).await;
    let page = body(site.reader().get(path).await).await;
    assert!(page.contains("changed since the mail was sent"), "{page}");
    let (query_path, query) = path.split_once('?').unwrap();
    let fields: Vec<(String, String)> = form_urlencoded::parse(query.as_bytes())
        .into_owned()
        .collect();
    let form: Vec<(&str, &str)> = fields
        .iter()
        .map(|(name, value)| (name.as_str(), value.as_str()))
        .collect();
    let response = site.reader().post(query_path, &form).await;
    assert_eq!(response.status(), StatusCode::CONFLICT);
    assert!(body(response).await.contains("Nothing was done"));
    let after = site
        .app
        .store
        .comment_by_id(CommentId(waiting))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        after.status,
        CommentStatus::Approved,
        "the old link did not act"
    );
}

/// Confirmation mails waiting to go, to one address.
fn mail_to(site: &TestApp, address: &str) -> usize {
    let mut count = 0;
    for folder in ["mail/queue", "mail/outbox"] {
        let Ok(entries) = std::fs::read_dir(site.data.path().join(folder)) else {
            continue;
        };
        for entry in entries.filter_map(Result::ok) {
            let text = std::fs::read_to_string(entry.path()).unwrap_or_default();
            if text.to_lowercase().contains(address) {
                count += 1;
            }
        }
    }
    count
}

#[tokio::test]
async fn nobody_can_mail_bomb_an_address_through_subscriptions() {
    let site = TestApp::spawn().await;
    site.open_discussion().await;
    let first = site.article("First").await;
    let second = site.article("Second").await;
    // Thirty comments from thirty addresses, in every case of one victim's address, each
    // asking for replies by mail.
    for number in 0..30_u8 {
        let reader = site.reader_from(IpAddr::from([127, 0, 1, number + 1]));
        let email = match number % 3 {
            0 => "Victim@Example.com",
            1 => "vICTIM@example.COM",
            _ => "victim@EXAMPLE.com",
        };
        let article = if number % 2 == 0 { &first } else { &second };
        let text = format!("Comment number {number}");
        let response = reader
            .comment(
                article,
                &[
                    ("comment", &text),
                    ("email", email),
                    ("subscribe", "replies"),
                ],
            )
            .await;
        assert_eq!(response.status(), StatusCode::SEE_OTHER);
    }
    assert_eq!(
        mail_to(&site, "victim@example.com"),
        1,
        "one confirmation mail a day to an address that has not answered"
    );
    // The one mail's page lists the other requests, to choose from.
    let confirmation = notify::confirmation_request(
        &site.app,
        &site
            .app
            .store
            .subscriptions_by_email("victim@example.com")
            .await
            .unwrap()
            .iter()
            .find(|subscription| subscription.confirmation_sent_at.is_some())
            .unwrap()
            .token,
    )
    .await
    .unwrap()
    .unwrap();
    assert_eq!(confirmation.also_waiting.len(), 29);
}

#[tokio::test]
async fn the_hourly_limit_per_address_ignores_case() {
    let site = TestApp::spawn().await;
    site.open_discussion().await;
    site.settings(|settings| settings.max_comments_per_email_per_hour = 3)
        .await;
    let article = site.article("Limited").await;
    let mut statuses = Vec::new();
    for (number, email) in [
        "Flood@Example.com",
        "fLOOD@example.com",
        "flood@EXAMPLE.COM",
        "FLOOD@example.com",
    ]
    .iter()
    .enumerate()
    {
        let reader = site.reader_from(IpAddr::from([127, 0, 2, number as u8 + 1]));
        let text = format!("Message {number}");
        statuses.push(
            reader
                .comment(&article, &[("comment", &text), ("email", email)])
                .await
                .status(),
        );
    }
    assert_eq!(
        statuses,
        [
            StatusCode::SEE_OTHER,
            StatusCode::SEE_OTHER,
            StatusCode::SEE_OTHER,
            StatusCode::TOO_MANY_REQUESTS
        ]
    );
}

#[tokio::test]
async fn outgoing_mail_is_capped_per_address_and_the_excess_waits() {
    let data = data_folder().await;
    write_config(data.path(), "mail_per_address_per_hour = 2\n");
    let site = TestApp::spawn_in(data).await;
    site.settings(|settings| settings.flood_interval_seconds = 0)
        .await;
    site.create_user("mod@newsroom.example", Role::Administrator)
        .await;
    let article = site.article("Busy").await;
    // Five waiting comments: five moderation mails to the one moderator.
    for number in 0..5_u8 {
        let reader = site.reader_from(IpAddr::from([127, 0, 3, number + 1]));
        let text = format!("Please look at this, number {number}");
        let email = format!("reader{number}@readers.example");
        reader
            .comment(&article, &[("comment", &text), ("email", &email)])
            .await;
    }
    let store = site.app.store.as_ref();
    site.app.mailer.deliver_due(store, site.clock_now()).await;
    let outbox = |site: &TestApp| {
        std::fs::read_dir(site.data.path().join("mail/outbox"))
            .unwrap()
            .count()
    };
    assert_eq!(outbox(&site), 2, "two an hour to one address");
    assert_eq!(site.app.mailer.queued(), 3, "the rest waits in the queue");
    site.clock.advance(time::Duration::minutes(61));
    site.app.mailer.deliver_due(store, site.clock_now()).await;
    assert_eq!(outbox(&site), 4);
    site.clock.advance(time::Duration::minutes(61));
    site.app.mailer.deliver_due(store, site.clock_now()).await;
    assert_eq!((outbox(&site), site.app.mailer.queued()), (5, 0));
}

/// Parses XML with a real parser (Python's expat); the error when it is not well-formed.
fn xml_problem(document: &str) -> Option<String> {
    use std::io::Write;
    let mut child = std::process::Command::new("python3")
        .args([
            "-c",
            "import sys, xml.dom.minidom; xml.dom.minidom.parseString(sys.stdin.buffer.read())",
        ])
        .stdin(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("python3 runs");
    // The parser reads all of its input before it answers, so writing cannot race its exit.
    child
        .stdin
        .take()
        .unwrap()
        .write_all(document.as_bytes())
        .unwrap();
    let output = child.wait_with_output().unwrap();
    (!output.status.success()).then(|| String::from_utf8_lossy(&output.stderr).into_owned())
}

#[tokio::test]
async fn feeds_stay_well_formed_whatever_was_typed_or_stored() {
    let site = TestApp::spawn().await;
    site.open_discussion().await;
    let hostile = "nul\u{0} vt\u{0B} ff\u{0C} fffe\u{FFFE} ffff\u{FFFF} end";
    // Typed: the characters go on the way in.
    let article = site.article(&format!("Title {hostile}")).await;
    assert_eq!(article.title, "Title nul vt ff fffe ffff end");
    let reader = site.reader();
    let response = reader
        .comment(
            &article,
            &[("comment", hostile), ("author", &format!("Name {hostile}"))],
        )
        .await;
    let typed = comment_id(&location(&response));
    let stored = site
        .app
        .store
        .comment_by_id(CommentId(typed))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(stored.content, "nul vt ff fffe ffff end");
    // Stored before the rule (written straight to the store): they go on the way out.
    // PostgreSQL never stores a NUL in text, so there the old row has all but that one.
    let old = if on_postgres() {
        hostile.replace('\u{0}', "")
    } else {
        hostile.to_owned()
    };
    let record = tidings_store::CommentRecord {
        article_id: article.id,
        parent_id: None,
        author_name: format!("Old {old}"),
        author_email: "old@readers.example".into(),
        author_url: String::new(),
        content: format!("Old {old}"),
        content_html: format!("<p>Old {old}</p>"),
        status: CommentStatus::Approved,
        moderation_reason: String::new(),
        ip: String::new(),
        user_agent: String::new(),
        created_at: site.clock_now(),
        spam_score: None,
        proof: None,
        avatar_key: None,
    };
    site.app
        .store
        .insert_comment(&record, &tidings_store::SubmissionGuard::default())
        .await
        .unwrap()
        .unwrap();
    tidings::services::site::all_pages_changed(&site.app)
        .await
        .unwrap();
    for (feed, shows) in [
        ("/feed/".to_owned(), "Title nul vt ff fffe ffff end"),
        ("/comments/feed/".to_owned(), "Old nul vt ff fffe ffff end"),
        (
            format!("{}feed/", article.permalink()),
            "Old nul vt ff fffe ffff end",
        ),
    ] {
        let document = body(reader.get(&feed).await).await;
        assert!(document.contains(shows), "{feed}: {document}");
        assert_eq!(xml_problem(&document), None, "{feed}");
    }
}

#[tokio::test]
async fn random_replytocom_values_cannot_fill_the_page_cache() {
    let site = TestApp::spawn().await;
    site.open_discussion().await;
    let article = site.article("Popular").await;
    let other = site.article("Other").await;
    let reader = site.reader();
    let answered = comment_id(&location(&reader.comment(&article, &[]).await));
    let elsewhere = comment_id(&location(&reader.comment(&other, &[]).await));
    reader.get(&article.permalink()).await;
    let before = site.app.cache.stats().pages;
    for value in (1000..1300).map(|n| n.to_string()).chain([
        "abc".into(),
        "-1".into(),
        elsewhere.to_string(),
        "1e9".into(),
    ]) {
        let response = reader
            .get(&format!("{}?replytocom={value}", article.permalink()))
            .await;
        assert_eq!(response.status(), StatusCode::FOUND, "{value}");
        assert!(location(&response).starts_with(&article.permalink()));
    }
    assert_eq!(site.app.cache.stats().pages, before);
    // The one real answer still has its page.
    let reply = reader
        .get(&format!("{}?replytocom={answered}", article.permalink()))
        .await;
    assert_eq!(reply.status(), StatusCode::OK);
    assert_eq!(site.app.cache.stats().pages, before + 1);
}

fn retry_after(response: &reqwest::Response) -> Option<i64> {
    response
        .headers()
        .get("retry-after")
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.parse().ok())
}

#[tokio::test]
async fn an_attacker_cannot_lock_the_owner_out_of_a_known_browser() {
    let site = TestApp::spawn().await;
    // The owner signs in once from their browser, which keeps a device cookie.
    let owner = site.moderator().await;
    let attacker = site.reader_from("127.0.0.9".parse().unwrap());
    let mut last = None;
    for _ in 0..12 {
        last = Some(attacker.submit_sign_in(ADMIN_EMAIL, "guess").await);
    }
    let refused = last.unwrap();
    assert_eq!(refused.status(), StatusCode::TOO_MANY_REQUESTS);
    let wait = retry_after(&refused).expect("Retry-After");
    assert!((1..=900).contains(&wait), "{wait}");
    // Even the right password from an unknown browser waits…
    let stranger = site.reader_from("127.0.0.10".parse().unwrap());
    let response = stranger.submit_sign_in(ADMIN_EMAIL, ADMIN_PASSWORD).await;
    assert_eq!(response.status(), StatusCode::TOO_MANY_REQUESTS);
    // …but the owner's browser signs in.
    owner.post("/admin/logout", &[]).await;
    let response = owner
        .reader
        .submit_sign_in(ADMIN_EMAIL, ADMIN_PASSWORD)
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    // Once the window has passed, strangers may try again.
    site.clock.advance(time::Duration::minutes(16));
    let response = stranger.submit_sign_in(ADMIN_EMAIL, ADMIN_PASSWORD).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
}

#[cfg(unix)]
#[tokio::test]
async fn the_theme_folder_serves_nothing_outside_itself() {
    let data = data_folder().await;
    let secret = data.path().join("secret.txt");
    std::fs::write(&secret, "root:x:0:0:the signing key").unwrap();
    let statics = data.path().join("theme/static");
    std::fs::create_dir_all(&statics).unwrap();
    std::os::unix::fs::symlink(&secret, statics.join("style.css")).unwrap();
    std::os::unix::fs::symlink("/etc/passwd", statics.join("admin.css")).unwrap();
    let site = TestApp::spawn_in(data).await;
    for file in ["style.css", "admin.css"] {
        let served = body(site.reader().get(&format!("/static/{file}")).await).await;
        assert!(!served.contains("root:"), "{file}: {served}");
    }
}

/// Posts a comment and returns the status and the page that came back.
async fn post_comment(
    reader: &Reader,
    article: &tidings_domain::Article,
    fields: &[(&str, &str)],
) -> (StatusCode, String) {
    let response = reader.comment(article, fields).await;
    (response.status(), body(response).await)
}

#[tokio::test]
async fn fields_that_look_filled_in_but_are_not_are_refused() {
    let site = TestApp::spawn().await;
    site.open_discussion().await;
    let article = site.article("Fields").await;
    let reader = site.reader();
    for (field, value, message) in [
        (
            "comment",
            "\u{200B}\u{200B}",
            "Please type your comment text.",
        ),
        ("comment", "&nbsp;&nbsp;", "Please type your comment text."),
        ("comment", "<p></p>", "Please type your comment text."),
        (
            "comment",
            "<b>\u{3164}</b>",
            "Please type your comment text.",
        ),
        ("author", "\u{3164}", "Please enter your name."),
        ("author", "\u{200B} \u{FEFF}", "Please enter your name."),
        (
            "email",
            ".user@example.com",
            "Please enter a valid email address",
        ),
        (
            "email",
            "user.@example.com",
            "Please enter a valid email address",
        ),
        (
            "email",
            "us..er@example.com",
            "Please enter a valid email address",
        ),
        (
            "url",
            "\\\\evil.example\\share",
            "Please enter a website address",
        ),
        (
            "url",
            "http:\\\\evil.example",
            "Please enter a website address",
        ),
    ] {
        let (status, page) = post_comment(&reader, &article, &[(field, value)]).await;
        assert_eq!(
            status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{field} {value:?}"
        );
        assert!(page.contains(message), "{field} {value:?}");
    }
    // Too much nesting for a comment: refused with the reason, the text kept.
    let nested = format!(
        "{}deep{}",
        "<blockquote>".repeat(40),
        "</blockquote>".repeat(40)
    );
    let (status, page) = post_comment(&reader, &article, &[("comment", &nested)]).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.contains("40 levels deep"), "the reason is given");
    assert!(
        page.contains("&lt;blockquote&gt;&lt;blockquote&gt;"),
        "the text is kept"
    );
}

#[tokio::test]
async fn a_right_to_left_override_cannot_turn_a_sentence_around() {
    let site = TestApp::spawn().await;
    site.open_discussion().await;
    let article = site.article("Directions").await;
    let reader = site.reader();
    let response = reader
        .comment(&article, &[("author", "Mallory\u{202E}gnp.exe")])
        .await;
    let id = comment_id(&location(&response));
    let stored = site
        .app
        .store
        .comment_by_id(CommentId(id))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(stored.author_name, "Mallorygnp.exe");
    let page = body(
        reader
            .get(&format!("{}?replytocom={id}", article.permalink()))
            .await,
    )
    .await;
    assert!(page.contains("Leave a Reply to <bdi>Mallorygnp.exe</bdi>"));
}

#[tokio::test]
async fn an_article_body_with_too_much_structure_is_refused_with_its_text_kept() {
    let site = TestApp::spawn().await;
    let moderator = site.moderator().await;
    let body_text = format!("{}deep", "> ".repeat(500));
    let response = moderator
        .post(
            "/admin/articles",
            &[
                ("title", "Nested"),
                ("slug", ""),
                ("body", &body_text),
                ("status", "published"),
                ("published_at", ""),
                ("comments_open", "1"),
            ],
        )
        .await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let page = body(response).await;
    assert!(page.contains("levels deep"), "the reason is given");
    assert!(page.contains("&gt; &gt; &gt; &gt;"), "the text is kept");
}

#[tokio::test]
async fn secrets_in_addresses_and_cookies_stay_put() {
    let data = data_folder().await;
    write_config(data.path(), "base_url = \"https://news.example\"\n");
    let site = TestApp::spawn_in(data).await;
    site.create_user(ADMIN_EMAIL, Role::Administrator).await;
    let reader = site.reader();
    let login = reader.get("/admin/login").await;
    assert_eq!(login.headers()["referrer-policy"], "no-referrer");
    let response = reader.submit_sign_in(ADMIN_EMAIL, ADMIN_PASSWORD).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let cookies: Vec<&str> = response
        .headers()
        .get_all("set-cookie")
        .iter()
        .map(|value| value.to_str().unwrap())
        .collect();
    assert!(
        cookies
            .iter()
            .any(|cookie| cookie.starts_with("__Host-tidings_session=")
                && cookie.contains("; Secure")
                && cookie.contains("Path=/")
                && !cookie.contains("Domain")),
        "{cookies:?}"
    );
    assert!(
        cookies
            .iter()
            .any(|cookie| cookie.starts_with("__Host-tidings_device=")),
        "{cookies:?}"
    );
    // The session, sent by hand (the client's store may keep `Secure` cookies off HTTP).
    let session = cookies
        .iter()
        .find(|cookie| cookie.starts_with("__Host-tidings_session="))
        .and_then(|cookie| cookie.split(';').next())
        .unwrap()
        .to_owned();
    let signed_in = |path: &str| {
        reader
            .client
            .get(site.url(path))
            .header("cookie", session.clone())
            .send()
    };
    let queue = signed_in("/admin/comments").await.unwrap();
    assert_eq!(queue.status(), StatusCode::OK);
    assert_eq!(queue.headers()["referrer-policy"], "no-referrer");
    // An editor's view of a public page is kept by nobody.
    let article = site.article("Seen by an editor").await;
    let seen = signed_in(&article.permalink()).await.unwrap();
    assert_eq!(seen.headers()["cache-control"], "private, no-store");
    let public = site.reader().get(&article.permalink()).await;
    assert_eq!(public.headers()["cache-control"], "no-cache");
    assert_eq!(
        public.headers()["referrer-policy"],
        "strict-origin-when-cross-origin"
    );
}

#[tokio::test]
async fn common_passwords_are_refused_where_passwords_are_set() {
    let site = TestApp::spawn().await;
    let token = tidings::services::site::issue_setup_token(&site.app)
        .await
        .unwrap()
        .unwrap();
    let reader = site.reader();
    let form = body(reader.get(&format!("/admin/setup?token={token}")).await).await;
    assert!(
        form.contains("A common password"),
        "the rule is beside the field"
    );
    let response = reader
        .post(
            "/admin/setup",
            &[
                ("token", &token),
                ("email", "owner@newsroom.example"),
                ("name", "Olive Owner"),
                ("password", "password1"),
            ],
        )
        .await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        body(response)
            .await
            .contains("among the first a guesser would try")
    );
    // The command runs beside the site, whose writes share this test's runtime.
    let (ok, _, stderr) = run_binary_beside(
        site.data.path(),
        &[
            "user",
            "add",
            "--email",
            "second@newsroom.example",
            "--name",
            "Second",
            "--password-stdin",
        ],
        "sunshine2020\n",
    )
    .await;
    assert!(!ok);
    assert!(
        stderr.contains("among the first a guesser would try"),
        "{stderr}"
    );
}

#[tokio::test]
async fn the_comment_queue_pages_by_key() {
    let site = TestApp::spawn().await;
    site.settings(|settings| settings.flood_interval_seconds = 0)
        .await;
    let article = site.article("Queued").await;
    for number in 0..45_u8 {
        let reader = site.reader_from(IpAddr::from([127, 0, 6, number + 1]));
        let text = format!("Waiting comment number {number}");
        reader.comment(&article, &[("comment", &text)]).await;
    }
    let moderator = site.moderator().await;
    let mut path = "/admin/comments?status=pending".to_owned();
    let mut seen = Vec::new();
    let mut pages = 0;
    loop {
        let page = body(moderator.get(&path).await).await;
        pages += 1;
        for number in 0..45 {
            let marker = format!("Waiting comment number {number}<");
            if page.contains(&marker) {
                seen.push(number);
            }
        }
        match attribute_after(&page, "<a href=\"/admin/comments?")
            .filter(|_| page.contains("Older →"))
        {
            Some(_) => {
                let older = page
                    .split("\">Older →")
                    .next()
                    .and_then(|before| before.rsplit("href=\"").next())
                    .unwrap()
                    .replace("&amp;", "&");
                assert!(older.contains("before="), "{older}");
                path = older;
            }
            None => break,
        }
    }
    seen.sort_unstable();
    seen.dedup();
    assert_eq!(seen.len(), 45, "every waiting comment, once");
    assert_eq!(pages, 3);
}
