//! Script and markup attacks in every field come out as inert text.

use crate::support::*;
use reqwest::StatusCode;

const ATTACKS: &[&str] = &[
    "<script>alert('xss')</script>",
    "\"><img src=x onerror=alert(1)>",
    "<a href=\"javascript:alert(1)\">click</a>",
    "<svg onload=alert(1)>",
    "<iframe src=\"https://evil.example/\"></iframe>",
    "<style>body{display:none}</style>",
    "' onmouseover='alert(1)",
    "<a href=\"https://ok.example/\" onclick=\"alert(1)\" style=\"color:red\">styled</a>",
    "{{ 7*7 }} {% raw %}",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
];

/// The attributes of one tag, as a browser reads them: names, and values with quotes removed.
fn attributes(tag: &str) -> Vec<(String, String)> {
    let inner = tag.trim_start_matches('<').trim_end_matches('>');
    let mut characters = inner.chars().skip_while(|c| !c.is_whitespace()).peekable();
    let mut found = Vec::new();
    loop {
        while characters
            .next_if(|c| c.is_whitespace() || *c == '/')
            .is_some()
        {}
        let name: String =
            std::iter::from_fn(|| characters.next_if(|c| !c.is_whitespace() && *c != '='))
                .collect();
        if name.is_empty() {
            return found;
        }
        let mut value = String::new();
        if characters.next_if_eq(&'=').is_some() {
            match characters.next_if(|c| *c == '"' || *c == '\'') {
                Some(quote) => {
                    value = std::iter::from_fn(|| characters.next_if(|c| *c != quote)).collect()
                }
                None => {
                    value =
                        std::iter::from_fn(|| characters.next_if(|c| !c.is_whitespace())).collect()
                }
            }
            characters.next();
        }
        found.push((name, value));
    }
}

/// Every tag in `page` is one the theme wrote or the sanitiser allows: no script but the
/// theme's own, no event handlers, no `javascript:` URLs, no inline styles, no embedded
/// documents. Escaped text such as `&lt;img onerror=…&gt;` is fine: it is not a tag.
fn assert_inert(page: &str, context: &str) {
    let lowered = page.to_lowercase();
    let mut rest = lowered.as_str();
    while let Some(start) = rest.find('<') {
        let end = rest[start..]
            .find('>')
            .map_or(rest.len(), |end| start + end + 1);
        let tag = &rest[start..end];
        rest = &rest[end..];
        let name: String = tag[1..]
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric())
            .collect();
        if name.is_empty() {
            continue;
        }
        let forbidden = [
            "iframe", "svg", "math", "object", "embed", "img", "style", "base",
        ];
        // The only images are avatars the site draws itself.
        let avatar = name == "img"
            && (tag.starts_with("<img class=\"avatar\" src=\"/avatars/")
                || tag.starts_with("<img class=\"avatar\" src=\"/static/avatar.svg\""));
        assert!(
            avatar || !forbidden.contains(&name.as_str()),
            "{context}: {tag}"
        );
        // The theme's own scripts, at their addresses by content (`/static/reply.1a2b3c4d.js`).
        let own_script = tag
            .strip_prefix("<script src=\"/static/")
            .and_then(|rest| rest.strip_suffix(".js\" defer>"))
            .and_then(|file| file.split_once('.'))
            .is_some_and(|(script, digest)| {
                ["reply", "comment-form", "admin", "editor", "media"].contains(&script)
                    && digest.len() == 8
                    && digest.bytes().all(|byte| byte.is_ascii_hexdigit())
            });
        assert!(
            name != "script"
                || own_script
                // Data for search engines, not run; a `<` in it is escaped, so typed text
                // cannot close the element (a second script tag would fail this test).
                || tag == "<script type=\"application/ld+json\">",
            "{context}: {tag}"
        );
        for (attribute, value) in attributes(tag) {
            assert!(!attribute.starts_with("on"), "{context}: handler in {tag}");
            assert!(attribute != "style", "{context}: inline style in {tag}");
            if ["href", "src", "action", "formaction"].contains(&attribute.as_str()) {
                assert!(
                    !value.trim_start().starts_with("javascript:"),
                    "{context}: {tag}"
                );
            }
        }
    }
}

#[tokio::test]
async fn attacks_in_every_field_are_rendered_inert() {
    let site = TestApp::spawn().await;
    site.open_discussion().await;
    site.settings(|settings| settings.max_links = 0).await;
    let article = site.article("Hostile input").await;
    let reader = site.reader();
    for (index, attack) in ATTACKS.iter().enumerate() {
        let name = format!("{attack} {index}");
        // Words around the attack: a comment of nothing but markup the sanitiser removes
        // shows nothing, and is refused as empty.
        let comment = format!("Attack {index}: {attack}");
        let response = reader
            .comment(&article, &[("comment", &comment), ("author", &name)])
            .await;
        assert_eq!(response.status(), StatusCode::SEE_OTHER, "{attack}");
    }
    let page = body(reader.get(&article.permalink()).await).await;
    assert_inert(&page, "the article page");
    assert!(
        page.contains("&lt;script&gt;alert(&#39;xss&#39;)&lt;/script&gt; 0"),
        "a hostile name shows as text"
    );
    assert!(
        page.contains("{{ 7*7 }} {% raw %}"),
        "template syntax in a comment is text, not evaluated"
    );
    assert!(
        page.contains("<a href=\"https://ok.example/\" rel=\"nofollow ugc\">styled</a>"),
        "allowed markup survives, cleaned"
    );

    // The same attacks in a form that comes back with errors stay inert in every field.
    for attack in ATTACKS {
        let response = reader
            .comment(
                &article,
                &[
                    ("comment", attack),
                    ("author", attack),
                    ("email", attack),
                    ("url", attack),
                ],
            )
            .await;
        assert_eq!(
            response.status(),
            StatusCode::UNPROCESSABLE_ENTITY,
            "{attack}"
        );
        assert_inert(&body(response).await, attack);
    }

    // And in the moderation queue, where a moderator reads them.
    let moderator = site.moderator().await;
    let queue = body(moderator.get("/admin/comments?status=approved").await).await;
    assert_inert(&queue, "the moderation queue");
}

#[tokio::test]
async fn a_website_must_be_http_and_links_are_nofollow() {
    let site = TestApp::spawn().await;
    site.open_discussion().await;
    let article = site.article("Links").await;
    let reader = site.reader();
    for bad in [
        "javascript:alert(1)",
        "data:text/html,<script>alert(1)</script>",
        "//evil.example/",
        "vbscript:x",
        "https://user:pass@evil.example/",
    ] {
        let response = reader
            .comment(&article, &[("url", bad), ("comment", bad)])
            .await;
        assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY, "{bad}");
    }
    let response = reader
        .comment(
            &article,
            &[
                ("url", "person.example"),
                ("comment", "see https://news.example/story?id=1&x=2"),
            ],
        )
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let page = body(reader.get(&article.permalink()).await).await;
    assert!(page.contains("<a href=\"http://person.example/\" rel=\"external nofollow ugc\" class=\"url\"><bdi>Ada Reader</bdi></a>"));
    assert!(
        page.contains("<a href=\"https://news.example/story?id=1&amp;x=2\" rel=\"nofollow ugc\">")
    );
}

/// A NUL character (which PostgreSQL cannot store or compare) in any parameter or form
/// field gets a clear answer, never a 500, on both backends.
#[tokio::test]
async fn a_nul_character_anywhere_gets_a_clear_answer() {
    let site = TestApp::spawn().await;
    site.open_discussion().await;
    let article = site.article("Nul bytes").await;
    let reader = site.reader();
    // In a path or a query: each page answers it as it answers any odd value.
    for path in [
        "/search/a%00b/".to_owned(),
        "/tag/a%00b/".to_owned(),
        "/category/a%00b/".to_owned(),
        "/author/a%00/".to_owned(),
        "/?s=%00".to_owned(),
        "/?s=a%00b&p=%00".to_owned(),
        "/?cat=%00&tag=%00&author=%00&page_id=%00&attachment_id=%00".to_owned(),
        format!("{}?replytocom=%00", article.permalink()),
        "/feed/?paged=%00".to_owned(),
    ] {
        let status = reader.get(&path).await.status();
        assert!(status.as_u16() < 500, "{path}: {status}");
    }
    for path in ["/api/v1/articles/%00", "/wp-json/wp/v2/tags/%00"] {
        let response = reader.get(path).await;
        assert_eq!(response.status(), StatusCode::BAD_REQUEST, "{path}");
        assert!(
            body(response).await.starts_with('{'),
            "{path}: the API's own shape"
        );
    }
    let status = reader
        .submit_sign_in("a\u{0}b@example.com", "anything at all")
        .await
        .status();
    assert!(status.as_u16() < 500, "sign-in: {status}");
    let status = reader
        .comment(
            &article,
            &[
                ("author", "A\u{0}nn"),
                ("email", "ann\u{0}@example.com"),
                ("comment", "Hello\u{0} there"),
            ],
        )
        .await
        .status();
    assert!(status.as_u16() < 500, "comment: {status}");
    let editor = site.moderator().await;
    for path in [
        "/admin/media?q=%00",
        "/admin/articles?q=%00&status=%00",
        "/admin/comments?q=%00&status=%00&email=%00&article=%00",
        "/admin/pages?q=%00",
        "/admin/users?q=%00",
        "/admin/privacy?email=%00",
    ] {
        let status = editor.get(path).await.status();
        assert!(status.as_u16() < 500, "{path}: {status}");
    }
    let status = editor
        .post(
            "/admin/privacy",
            &[("email", "x\u{0}@example.com"), ("action", "export")],
        )
        .await
        .status();
    assert!(status.as_u16() < 500, "privacy: {status}");
}
