//! "Your email address will not be published": nor the IP address or user agent, in any
//! public response — page, error page, redirect, header.

use crate::support::*;
use reqwest::StatusCode;

const EMAIL: &str = "private.person@hidden-mail.example";
const IP: &str = "127.0.0.42";
const USER_AGENT: &str = "SecretAgentBrowser/7.7";

#[tokio::test]
async fn email_ip_and_user_agent_appear_in_no_public_response() {
    let site = TestApp::spawn().await;
    site.open_discussion().await;
    let article = site.article("Privacy matters").await;
    let closed = site
        .article_with("Closed for comments", |input| input.comments_open = false)
        .await;
    let commenter = site.reader_with(IP.parse().unwrap(), USER_AGENT);

    let mut seen: Vec<(String, String)> = Vec::new();
    let mut record = |what: String, response_headers: String, text: String| {
        seen.push((what, format!("{response_headers}\n{text}")))
    };

    // An approved comment with a website, a reply, a held one, and a spammed one.
    let response = commenter
        .comment(
            &article,
            &[
                ("comment", "Approved words"),
                ("author", "Private Person"),
                ("email", EMAIL),
                ("url", "https://person.example/"),
            ],
        )
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    record(
        "approved redirect".into(),
        header_text(response.headers()),
        String::new(),
    );
    let parent = comment_id(&location(&response)).to_string();
    site.clock.advance(time::Duration::seconds(1));
    let response = commenter
        .comment(
            &article,
            &[
                ("comment", "A reply"),
                ("author", "Private Person"),
                ("email", EMAIL),
                ("comment_parent", &parent),
            ],
        )
        .await;
    record(
        "reply redirect".into(),
        header_text(response.headers()),
        String::new(),
    );
    site.settings(|settings| {
        settings.manual_approval = true;
        settings.disallowed_words = "forbidden".into();
    })
    .await;
    let response = commenter
        .comment(
            &article,
            &[
                ("comment", "Held words"),
                ("author", "Private Person"),
                ("email", EMAIL),
            ],
        )
        .await;
    record(
        "pending redirect".into(),
        header_text(response.headers()),
        String::new(),
    );
    let response = commenter
        .comment(
            &article,
            &[
                ("comment", "forbidden words"),
                ("author", "Private Person"),
                ("email", EMAIL),
            ],
        )
        .await;
    record(
        "spam redirect".into(),
        header_text(response.headers()),
        String::new(),
    );

    // Failures that show the article or an error page to the commenter themself still
    // never echo their IP address or browser.
    let response = commenter
        .comment(
            &article,
            &[
                ("comment", ""),
                ("author", "Private Person"),
                ("email", EMAIL),
            ],
        )
        .await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let (headers, page) = (header_text(response.headers()), body(response).await);
    assert!(!page.contains(IP) && !page.contains(USER_AGENT) && !headers.contains(IP));
    let response = commenter
        .comment(&closed, &[("comment", "closed"), ("email", EMAIL)])
        .await;
    record(
        "closed article error page".into(),
        header_text(response.headers()),
        body(response).await,
    );

    // Everything an anonymous visitor can load.
    let visitor = site.reader();
    for path in [
        "/".to_owned(),
        article.permalink(),
        format!("{}?replytocom={parent}", article.permalink()),
        closed.permalink(),
        "/no/such/page/".to_owned(),
        "/2026/06/no-such-article/".to_owned(),
        format!("/?p={}", article.id),
        "/robots.txt".to_owned(),
        "/feed/".to_owned(),
        "/static/style.css".to_owned(),
        "/page/2/".to_owned(),
        format!("{}feed/", article.permalink()),
        "/comments/feed/".to_owned(),
        format!("/comments/{parent}/report"),
        "/comments/challenge".to_owned(),
        // The APIs, as anyone reads them.
        format!("/api/v1/articles/{}/comments", article.id),
        format!("/api/v1/comments/{parent}"),
        format!("/api/v1/articles/{}", article.id),
        "/api/v1/articles".to_owned(),
        format!("/wp-json/wp/v2/comments?post={}", article.id),
        "/wp-json/wp/v2/comments?per_page=100".to_owned(),
        format!("/wp-json/wp/v2/comments/{parent}"),
        format!("/wp-json/wp/v2/posts/{}?_embed=1", article.id),
        "/wp-json/wp/v2/users".to_owned(),
    ] {
        let response = visitor.get(&path).await;
        let headers = header_text(response.headers());
        record(path, headers, body(response).await);
    }
    // The avatars on the page: drawn from a keyed hash, they reveal nothing either.
    let article_page = body(visitor.get(&article.permalink()).await).await;
    let avatars: Vec<String> = article_page
        .split("<img class=\"avatar\" src=\"")
        .skip(1)
        .filter_map(|rest| rest.split('"').next())
        .map(str::to_owned)
        .collect();
    assert!(!avatars.is_empty(), "avatars are shown");
    for avatar in avatars {
        let response = visitor.get(&avatar).await;
        record(
            avatar,
            header_text(response.headers()),
            body(response).await,
        );
    }
    let page_with_comments = seen
        .iter()
        .find(|(what, _)| *what == article.permalink())
        .unwrap()
        .1
        .clone();
    assert!(
        page_with_comments.contains("Approved words") && page_with_comments.contains("A reply"),
        "the comments are on the page"
    );
    assert!(
        page_with_comments
            .contains("href=\"https://person.example/\" rel=\"external nofollow ugc\"")
    );

    let unhashed = tidings::security::sha256_hex(EMAIL);
    for (what, text) in &seen {
        assert!(
            !text.contains(&unhashed[..16]),
            "{what} holds a plain hash of the email"
        );
        for secret in [EMAIL, "hidden-mail", IP, USER_AGENT, "SecretAgent"] {
            assert!(!text.contains(secret), "{what} reveals {secret}");
        }
    }
}
