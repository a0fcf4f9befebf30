//! The JSON API at `/api/v1/`, as a script or an app uses it: application passwords over
//! HTTP Basic, the session with its CSRF header, cursors, ETags, and one error shape.

use crate::support::*;
use reqwest::StatusCode;
use reqwest::header::{AUTHORIZATION, CONTENT_TYPE, ETAG, IF_MATCH, IF_NONE_MATCH, LINK};
use serde_json::{Value, json};
use tidings_domain::Role;

fn basic(email: &str, password: &str) -> String {
    use base64::Engine;
    let encoded = base64::engine::general_purpose::STANDARD.encode(format!("{email}:{password}"));
    format!("Basic {encoded}")
}

struct Api {
    client: reqwest::Client,
    base: String,
    auth: Option<String>,
}

impl Api {
    fn anonymous(site: &TestApp) -> Api {
        Api {
            client: reqwest::Client::new(),
            base: site.url(""),
            auth: None,
        }
    }

    fn signed_in(site: &TestApp, email: &str, password: &str) -> Api {
        Api {
            auth: Some(basic(email, password)),
            ..Api::anonymous(site)
        }
    }

    fn request(&self, method: reqwest::Method, path: &str) -> reqwest::RequestBuilder {
        let request = self.client.request(method, format!("{}{path}", self.base));
        match &self.auth {
            Some(auth) => request.header(AUTHORIZATION, auth),
            None => request,
        }
    }

    async fn get(&self, path: &str) -> reqwest::Response {
        self.request(reqwest::Method::GET, path)
            .send()
            .await
            .unwrap()
    }

    async fn send(&self, method: reqwest::Method, path: &str, value: &Value) -> reqwest::Response {
        self.request(method, path)
            .header(CONTENT_TYPE, "application/json")
            .body(value.to_string())
            .send()
            .await
            .unwrap()
    }
}

async fn json_of(response: reqwest::Response) -> Value {
    let kind = response
        .headers()
        .get(CONTENT_TYPE)
        .map(|value| value.to_str().unwrap().to_owned())
        .unwrap_or_default();
    assert!(kind.starts_with("application/json"), "{kind}");
    serde_json::from_str(&response.text().await.unwrap()).expect("JSON")
}

#[tokio::test]
async fn an_application_password_signs_an_app_in_until_it_is_revoked() {
    let site = TestApp::spawn().await;
    site.create_user("ed@example.com", Role::Editor).await;
    let password = app_password(&site, "ed@example.com", "Phone").await;
    assert_eq!(
        password.len(),
        29,
        "24 characters in groups of four: {password}"
    );

    // Signed in: with the spaces, without them, with the email in another case.
    for (email, typed) in [
        ("ed@example.com", password.clone()),
        ("ED@example.com", password.replace(' ', "")),
    ] {
        let me = json_of(Api::signed_in(&site, email, &typed).get("/api/v1/me").await).await;
        assert_eq!(me["email"], "ed@example.com");
        assert_eq!(me["role"], "editor");
    }

    // Wrong password, another account's email, a password that is not one: 401, JSON,
    // with the challenge a client needs.
    site.create_user("al@example.com", Role::Author).await;
    for api in [
        Api::signed_in(&site, "ed@example.com", "aaaa bbbb cccc dddd eeee ffff"),
        Api::signed_in(&site, "al@example.com", &password),
        Api::signed_in(&site, "ed@example.com", "hunter2"),
    ] {
        let response = api.get("/api/v1/me").await;
        assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
        assert!(
            response.headers()["www-authenticate"]
                .to_str()
                .unwrap()
                .starts_with("Basic")
        );
        assert_eq!(json_of(response).await["code"], "unauthorized");
    }
    // The account's own password is not an application password.
    let response = Api::signed_in(&site, "ed@example.com", ADMIN_PASSWORD)
        .get("/api/v1/me")
        .await;
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);

    // The profile lists it by name with its last use, never the password.
    let ed = site.sign_in("ed@example.com").await;
    let page = body(ed.get("/admin/profile/app-passwords").await).await;
    assert!(page.contains("Phone"), "{page}");
    assert!(!page.contains(&password), "shown once only");
    assert!(
        page.contains("127.0.0.1"),
        "the last address it was used from"
    );
    let id = attribute_after(&page, "action=\"/admin/profile/app-passwords/")
        .and_then(|rest| rest.split('/').next().map(str::to_owned))
        .unwrap();

    // Nobody revokes another person's password; its owner does, and it stops working.
    let al = site.sign_in("al@example.com").await;
    let refused = al
        .post(&format!("/admin/profile/app-passwords/{id}/revoke"), &[])
        .await;
    assert_eq!(refused.status(), StatusCode::NOT_FOUND);
    let api = Api::signed_in(&site, "ed@example.com", &password);
    assert_eq!(api.get("/api/v1/me").await.status(), StatusCode::OK);
    let revoked = ed
        .post(&format!("/admin/profile/app-passwords/{id}/revoke"), &[])
        .await;
    assert_eq!(revoked.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        api.get("/api/v1/me").await.status(),
        StatusCode::UNAUTHORIZED
    );

    // An administrator sees the apps of anyone and revokes one (a lost laptop); nobody else
    // may look.
    let laptop = app_password(&site, "ed@example.com", "Laptop").await;
    let laptop_api = Api::signed_in(&site, "ed@example.com", &laptop);
    assert_eq!(laptop_api.get("/api/v1/me").await.status(), StatusCode::OK);
    let ed_id = site
        .app
        .store
        .user_by_email("ed@example.com")
        .await
        .unwrap()
        .unwrap()
        .id
        .0;
    let people = format!("/admin/users/{ed_id}/app-passwords");
    assert_eq!(ed.get(&people).await.status(), StatusCode::FORBIDDEN);
    site.create_user("root@example.com", Role::Administrator)
        .await;
    let root = site.sign_in("root@example.com").await;
    let page = body(root.get(&people).await).await;
    assert!(page.contains("Laptop") && !page.contains(&laptop), "{page}");
    let id = attribute_after(&page, "name=\"password\" value=\"").unwrap();
    let revoked = root
        .post(&format!("{people}/revoke"), &[("password", &id)])
        .await;
    assert_eq!(revoked.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        laptop_api.get("/api/v1/me").await.status(),
        StatusCode::UNAUTHORIZED
    );

    // A name is required, and short.
    let page = ed
        .post("/admin/profile/app-passwords", &[("name", "  ")])
        .await;
    assert_eq!(page.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let long = "x".repeat(101);
    let page = ed
        .post("/admin/profile/app-passwords", &[("name", &long)])
        .await;
    assert_eq!(page.status(), StatusCode::UNPROCESSABLE_ENTITY);
}

#[tokio::test]
async fn lists_walk_by_cursor_and_reads_revalidate_by_etag() {
    let site = TestApp::spawn().await;
    for n in 0..5 {
        site.article_with(&format!("Story {n}"), |input| {
            input.published_at = Some(site.clock_now() - time::Duration::hours(10 - n));
        })
        .await;
    }
    site.article_with("Unpublished", |input| {
        input.status = Some(tidings_domain::ArticleStatus::Draft);
    })
    .await;
    let api = Api::anonymous(&site);

    let mut titles = Vec::new();
    let mut path = "/api/v1/articles?limit=2".to_owned();
    loop {
        let response = api.get(&path).await;
        assert_eq!(response.status(), StatusCode::OK);
        let link = response
            .headers()
            .get(LINK)
            .map(|value| value.to_str().unwrap().to_owned());
        let page = json_of(response).await;
        for item in page["items"].as_array().unwrap() {
            titles.push(item["title"].as_str().unwrap().to_owned());
            assert!(
                item.get("body_markdown").is_none(),
                "the source is for editors"
            );
        }
        match (page["next_cursor"].as_str(), link) {
            (Some(cursor), Some(link)) => {
                assert!(
                    link.contains(cursor) && link.ends_with("rel=\"next\""),
                    "{link}"
                );
                let next = link.trim_start_matches('<').split('>').next().unwrap();
                path = next.trim_start_matches(&site.url("")).to_owned();
            }
            (None, None) => break,
            other => panic!("the cursor and the Link header disagree: {other:?}"),
        }
    }
    titles.retain(|title| title != "Welcome to tidings");
    assert_eq!(
        titles,
        ["Story 4", "Story 3", "Story 2", "Story 1", "Story 0"],
        "newest first, each once, never the draft"
    );

    // One article, and its ETag: unchanged is 304 with no body.
    let first = json_of(api.get("/api/v1/articles?search=story+4").await).await;
    let id = first["items"][0]["id"].as_i64().unwrap();
    let response = api.get(&format!("/api/v1/articles/{id}")).await;
    let etag = response.headers()[ETAG].to_str().unwrap().to_owned();
    let article = json_of(response).await;
    assert_eq!(article["title"], "Story 4");
    assert!(article["link"].as_str().unwrap().ends_with('/'));
    let again = api
        .request(reqwest::Method::GET, &format!("/api/v1/articles/{id}"))
        .header(IF_NONE_MATCH, &etag)
        .send()
        .await
        .unwrap();
    assert_eq!(again.status(), StatusCode::NOT_MODIFIED);
    assert!(again.text().await.unwrap().is_empty());

    // A draft is not found for anyone but those who may edit it.
    let drafts = api.get("/api/v1/articles?status=draft").await;
    assert_eq!(drafts.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(
        api.get("/api/v1/articles/999999").await.status(),
        StatusCode::NOT_FOUND
    );
    let bad = api.get("/api/v1/articles?cursor=forged").await;
    assert_eq!(bad.status(), StatusCode::BAD_REQUEST);
    assert_eq!(json_of(bad).await["code"], "bad_request");
    let bad = api.get("/api/v1/articles?limit=500").await;
    assert_eq!(bad.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(json_of(bad).await["fields"][0]["field"], "limit");
}

#[tokio::test]
async fn writes_keep_the_roles_and_refuse_a_stale_etag() {
    let site = TestApp::spawn().await;
    site.create_user("ed@example.com", Role::Editor).await;
    site.create_user("cy@example.com", Role::Contributor).await;
    let editor = Api::signed_in(
        &site,
        "ed@example.com",
        &app_password(&site, "ed@example.com", "Desk").await,
    );
    let contributor = Api::signed_in(
        &site,
        "cy@example.com",
        &app_password(&site, "cy@example.com", "Laptop").await,
    );

    // Anyone: 401. A contributor may not publish: 403, as in the admin.
    let story = json!({"title": "Wire copy", "body_markdown": "From the *wire*.", "status": "published", "tags": ["Wires"]});
    let anonymous = Api::anonymous(&site);
    let response = anonymous
        .send(reqwest::Method::POST, "/api/v1/articles", &story)
        .await;
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    let response = contributor
        .send(reqwest::Method::POST, "/api/v1/articles", &story)
        .await;
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    assert_eq!(json_of(response).await["code"], "forbidden");

    // An editor publishes it; it is on the site at its link.
    let response = editor
        .send(reqwest::Method::POST, "/api/v1/articles", &story)
        .await;
    assert_eq!(response.status(), StatusCode::CREATED);
    let location = response.headers()["location"].to_str().unwrap().to_owned();
    let etag = response.headers()[ETAG].to_str().unwrap().to_owned();
    let created = json_of(response).await;
    assert_eq!(created["status"], "published");
    assert_eq!(created["tags"][0]["name"], "Wires");
    assert_eq!(created["body_markdown"], "From the *wire*.");
    let link = created["link"].as_str().unwrap();
    let page = body(
        site.reader()
            .get(link.trim_start_matches(&site.url("")))
            .await,
    )
    .await;
    assert!(page.contains("From the <em>wire</em>."), "{page}");

    // Two editors read it; the first saves; the second's save, based on what they read,
    // is refused and changes nothing.
    let first = editor
        .request(reqwest::Method::PATCH, &location)
        .header(IF_MATCH, &etag)
        .header(CONTENT_TYPE, "application/json")
        .body(json!({"title": "Wire copy, updated"}).to_string())
        .send()
        .await
        .unwrap();
    assert_eq!(first.status(), StatusCode::OK);
    let second = editor
        .request(reqwest::Method::PATCH, &location)
        .header(IF_MATCH, &etag)
        .header(CONTENT_TYPE, "application/json")
        .body(json!({"title": "Overwritten"}).to_string())
        .send()
        .await
        .unwrap();
    assert_eq!(second.status(), StatusCode::PRECONDITION_FAILED);
    assert_eq!(json_of(second).await["code"], "precondition_failed");
    let now = json_of(editor.get(&location).await).await;
    assert_eq!(now["title"], "Wire copy, updated");
    assert_eq!(
        now["tags"][0]["name"], "Wires",
        "what a PATCH leaves out stays"
    );

    // Field errors name the field; unknown fields and bad JSON are refused, in JSON.
    let response = editor
        .send(reqwest::Method::PATCH, &location, &json!({"title": ""}))
        .await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let error = json_of(response).await;
    assert_eq!(error["code"], "invalid");
    assert_eq!(error["fields"][0]["field"], "title");
    let response = editor
        .send(reqwest::Method::PATCH, &location, &json!({"headline": "x"}))
        .await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let response = editor
        .request(reqwest::Method::POST, "/api/v1/articles")
        .header(CONTENT_TYPE, "application/json")
        .body("{\"title\": ")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    assert_eq!(json_of(response).await["code"], "bad_request");

    // A contributor cannot touch it; the editor moves it to the trash.
    let response = contributor
        .request(reqwest::Method::DELETE, &location)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    let response = editor
        .request(reqwest::Method::DELETE, &location)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(json_of(response).await["status"], "trash");
    assert_eq!(
        anonymous.get(&location).await.status(),
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn errors_are_json_with_stable_codes_everywhere_under_api() {
    let site = TestApp::spawn().await;
    let api = Api::anonymous(&site);
    let response = api.get("/api/v1/nothing-here").await;
    assert_eq!(response.status(), StatusCode::NOT_FOUND);
    assert_eq!(json_of(response).await["code"], "not_found");
    let response = api
        .send(reqwest::Method::PUT, "/api/v1/sections", &json!({}))
        .await;
    assert_eq!(response.status(), StatusCode::METHOD_NOT_ALLOWED);
    assert_eq!(json_of(response).await["code"], "method_not_allowed");
    let response = api
        .request(reqwest::Method::POST, "/api/v1/articles/1/comments")
        .header(CONTENT_TYPE, "text/plain")
        .body("hello")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::UNSUPPORTED_MEDIA_TYPE);
    assert_eq!(json_of(response).await["code"], "unsupported_media_type");
    let huge = format!("{{\"content\": \"{}\"}}", "x".repeat(5 * 1024 * 1024));
    let response = api
        .request(reqwest::Method::POST, "/api/v1/articles/1/comments")
        .header(CONTENT_TYPE, "application/json")
        .body(huge)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::PAYLOAD_TOO_LARGE);
    // A NUL character, in a parameter or a JSON string, is refused before any handler
    // (PostgreSQL could not store it, and no field may hold one).
    for path in ["/api/v1/media?search=%00", "/api/v1/articles?search=a%00b"] {
        let response = api.get(path).await;
        assert_eq!(response.status(), StatusCode::BAD_REQUEST, "{path}");
        assert_eq!(json_of(response).await["code"], "bad_request");
    }
    let response = api
        .send(
            reqwest::Method::POST,
            "/api/v1/articles/1/comments",
            &json!({"content": "Hi\u{0}there", "author_name": "A", "author_email": "a@example.com"}),
        )
        .await;
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    let response = reqwest::Client::new()
        .get(site.url("/wp-json/wp/v2/posts?search=%00"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    assert_eq!(json_of(response).await["code"], "rest_invalid_param");
    let response = reqwest::Client::new()
        .post(site.url("/wp-json/wp/v2/comments"))
        .header(CONTENT_TYPE, "application/json")
        .body(r#"{"post": 1, "content": "a\u0000b", "author_name": "A", "author_email": "a@example.com"}"#)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    let response = api
        .request(reqwest::Method::GET, "/api/v1/me")
        .header(AUTHORIZATION, "Bearer something")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn readers_comment_through_the_api_and_staff_moderate_with_the_session() {
    let site = TestApp::spawn().await;
    site.open_discussion().await;
    let article = site.article("Open for comments").await;
    let api = Api::anonymous(&site);
    let path = format!("/api/v1/articles/{}/comments", article.id.0);
    let comment = json!({"content": "A first comment, from an app.", "author_name": "Ann", "author_email": "ann@example.com"});
    let response = api.send(reqwest::Method::POST, &path, &comment).await;
    assert_eq!(response.status(), StatusCode::CREATED);
    let posted = json_of(response).await;
    let id = posted["id"].as_i64().unwrap();
    assert!(["approved", "pending"].contains(&posted["status"].as_str().unwrap()));

    // The same again is a duplicate; missing fields are named.
    let response = api.send(reqwest::Method::POST, &path, &comment).await;
    assert!(
        [StatusCode::CONFLICT, StatusCode::TOO_MANY_REQUESTS].contains(&response.status()),
        "{}",
        response.status()
    );
    let response = api
        .send(
            reqwest::Method::POST,
            &path,
            &json!({"content": "", "author_name": "Ann", "author_email": "ann@example.com"}),
        )
        .await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(json_of(response).await["fields"][0]["field"], "content");

    // A moderator approves it with the admin's session: the CSRF header is required.
    let moderator = site.moderator().await;
    let moderation = format!("/api/v1/comments/{id}");
    let without = moderator
        .reader
        .client
        .patch(site.url(&moderation))
        .header(CONTENT_TYPE, "application/json")
        .body(json!({"action": "approve"}).to_string())
        .send()
        .await
        .unwrap();
    assert_eq!(without.status(), StatusCode::FORBIDDEN);
    let anonymous = api
        .send(
            reqwest::Method::PATCH,
            &moderation,
            &json!({"action": "approve"}),
        )
        .await;
    assert_eq!(anonymous.status(), StatusCode::UNAUTHORIZED);
    let approved = moderator
        .reader
        .client
        .patch(site.url(&moderation))
        .header(CONTENT_TYPE, "application/json")
        .header("x-csrf-token", &moderator.csrf)
        .body(json!({"action": "approve"}).to_string())
        .send()
        .await
        .unwrap();
    let status = approved.status();
    let approved = json_of(approved).await;
    assert!(
        status == StatusCode::OK || status == StatusCode::CONFLICT,
        "approved, or it already was: {approved}"
    );

    // Anyone lists it, without its author's email.
    let list = json_of(api.get(&path).await).await;
    let first = &list["items"][0];
    assert_eq!(first["author_name"], "Ann");
    assert!(first.get("author_email").is_none());
    assert!(
        first["content_html"]
            .as_str()
            .unwrap()
            .contains("A first comment")
    );
    // Closed articles refuse, with their own code.
    let closed = site
        .article_with("Closed", |input| input.comments_open = false)
        .await;
    let response = api
        .send(
            reqwest::Method::POST,
            &format!("/api/v1/articles/{}/comments", closed.id.0),
            &json!({"content": "Hello there, a comment.", "author_name": "Ann", "author_email": "ann@example.com"}),
        )
        .await;
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    assert_eq!(json_of(response).await["code"], "comments_closed");
}

#[tokio::test]
async fn the_openapi_document_and_its_reference_page_describe_every_route() {
    let site = TestApp::spawn().await;
    let api = Api::anonymous(&site);
    let document = json_of(api.get("/api/openapi.json").await).await;
    assert_eq!(document["openapi"], "3.1.0");
    let paths = document["paths"].as_object().unwrap();
    for path in [
        "/api/v1/articles",
        "/api/v1/articles/{id}",
        "/api/v1/pages",
        "/api/v1/articles/{id}/comments",
        "/api/v1/comments/{id}",
        "/api/v1/sections",
        "/api/v1/tags",
        "/api/v1/users",
        "/api/v1/settings/discussion",
    ] {
        assert!(paths.contains_key(path), "{path} is documented");
    }
    let response = site.reader().get("/api/").await;
    assert_eq!(response.status(), StatusCode::OK);
    let page = body(response).await;
    assert!(page.contains("PATCH /api/v1/articles/{id}"), "{page}");
    assert!(page.contains("ArticleOut"));
    // No third-party script: the page's scripts, if any, are the site's own.
    for script in page.split("<script").skip(1) {
        let tag = script.split('>').next().unwrap();
        assert!(!tag.contains("http"), "a script from elsewhere: {tag}");
    }
}

/// A small valid PNG.
fn png() -> Vec<u8> {
    let mut bytes = Vec::new();
    let image = image::RgbImage::from_pixel(40, 30, image::Rgb([200, 60, 20]));
    image
        .write_to(
            &mut std::io::Cursor::new(&mut bytes),
            image::ImageFormat::Png,
        )
        .unwrap();
    bytes
}

#[tokio::test]
async fn staff_upload_images_file_sections_and_tune_the_discussion() {
    let site = TestApp::spawn().await;
    site.create_user("ed@example.com", Role::Editor).await;
    site.create_user("al@example.com", Role::Administrator)
        .await;
    let editor = Api::signed_in(
        &site,
        "ed@example.com",
        &app_password(&site, "ed@example.com", "Desk").await,
    );
    let admin = Api::signed_in(
        &site,
        "al@example.com",
        &app_password(&site, "al@example.com", "Ops").await,
    );
    let anonymous = Api::anonymous(&site);

    // An image: uploaded by someone who may, read by anyone, refused when it is not one.
    let refused = anonymous
        .request(reqwest::Method::POST, "/api/v1/media?name=chart.png")
        .header(CONTENT_TYPE, "image/png")
        .body(png())
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), StatusCode::UNAUTHORIZED);
    let uploaded = editor
        .request(
            reqwest::Method::POST,
            "/api/v1/media?name=chart.png&alt=A+red+chart",
        )
        .header(CONTENT_TYPE, "image/png")
        .body(png())
        .send()
        .await
        .unwrap();
    assert_eq!(uploaded.status(), StatusCode::CREATED);
    let media = json_of(uploaded).await;
    assert_eq!(
        (media["width"].as_u64(), media["alt"].as_str()),
        (Some(40), Some("A red chart"))
    );
    let file = site
        .reader()
        .get(
            media["url"]
                .as_str()
                .unwrap()
                .trim_start_matches(&site.url("")),
        )
        .await;
    assert_eq!(file.status(), StatusCode::OK);
    let listed = json_of(anonymous.get("/api/v1/media").await).await;
    assert_eq!(listed["items"][0]["id"], media["id"]);
    let not_an_image = editor
        .request(reqwest::Method::POST, "/api/v1/media?name=evil.png")
        .header(CONTENT_TYPE, "image/png")
        .body("<script>alert(1)</script>")
        .send()
        .await
        .unwrap();
    assert_eq!(not_an_image.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(json_of(not_an_image).await["fields"][0]["field"], "file");

    // Sections and tags: the desk files them; a name is required.
    let section = editor
        .send(
            reqwest::Method::POST,
            "/api/v1/sections",
            &json!({"name": "Harbour"}),
        )
        .await;
    assert_eq!(section.status(), StatusCode::CREATED);
    let section = json_of(section).await;
    assert_eq!(section["slug"], "harbour");
    let child = editor
        .send(
            reqwest::Method::POST,
            "/api/v1/sections",
            &json!({"name": "Ferries", "parent_id": section["id"]}),
        )
        .await;
    let child = json_of(child).await;
    assert!(
        child["link"]
            .as_str()
            .unwrap()
            .ends_with("/category/harbour/ferries/"),
        "{child}"
    );
    let nameless = editor
        .send(reqwest::Method::POST, "/api/v1/tags", &json!({"name": " "}))
        .await;
    assert_eq!(nameless.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let tags = anonymous
        .send(
            reqwest::Method::POST,
            "/api/v1/tags",
            &json!({"name": "Boats"}),
        )
        .await;
    assert_eq!(tags.status(), StatusCode::UNAUTHORIZED);

    // The discussion settings: administrators only, checked as the admin's form is.
    let path = "/api/v1/settings/discussion";
    let response = editor
        .send(reqwest::Method::PATCH, path, &json!({"thread_depth": 3}))
        .await;
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    let response = admin
        .send(
            reqwest::Method::PATCH,
            path,
            &json!({"thread_depth": 3, "manual_approval": true}),
        )
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    let saved = json_of(admin.get(path).await).await;
    assert_eq!(
        (
            saved["thread_depth"].as_u64(),
            saved["manual_approval"].as_bool()
        ),
        (Some(3), Some(true))
    );
    let response = admin
        .send(
            reqwest::Method::PATCH,
            path,
            &json!({"thread_depth": 99, "no_such": 1, "show_avatars": "yes"}),
        )
        .await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let error = json_of(response).await;
    let fields: Vec<&str> = error["fields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|field| field["field"].as_str().unwrap())
        .collect();
    assert_eq!(fields, ["no_such", "show_avatars"], "{error}");
    let response = admin
        .send(reqwest::Method::PATCH, path, &json!({"thread_depth": 99}))
        .await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        json_of(response).await["fields"][0]["field"],
        "thread_depth"
    );
    assert_eq!(
        json_of(admin.get(path).await).await["thread_depth"],
        3,
        "nothing half-saved"
    );
}

#[tokio::test]
async fn anonymous_reads_come_from_the_page_cache_and_a_write_drops_them() {
    let site = TestApp::spawn().await;
    site.create_user("ed@example.com", Role::Editor).await;
    let editor = Api::signed_in(
        &site,
        "ed@example.com",
        &app_password(&site, "ed@example.com", "Desk").await,
    );
    let anonymous = Api::anonymous(&site);
    let created = json_of(
        editor
            .send(
                reqwest::Method::POST,
                "/api/v1/articles",
                &json!({"title": "Cached", "body_markdown": "Once.", "status": "published"}),
            )
            .await,
    )
    .await;
    let id = created["id"].as_i64().unwrap();
    for path in [
        format!("/api/v1/articles/{id}"),
        "/api/v1/articles?limit=5".to_owned(),
        format!("/wp-json/wp/v2/posts/{id}"),
        "/wp-json/wp/v2/posts?per_page=5".to_owned(),
    ] {
        let first = anonymous.get(&path).await;
        let first_etag = first.headers()[ETAG].clone();
        assert_eq!(first.headers()["x-cache"], "MISS", "{path}");
        let again = anonymous.get(&path).await;
        assert_eq!(again.headers()["x-cache"], "HIT", "{path}");
        assert_eq!(
            again.headers()[ETAG],
            first_etag,
            "{path}: one validator either way"
        );
        if path.contains("per_page") {
            assert!(
                again.headers().contains_key("x-wp-total"),
                "{path}: totals kept"
            );
        }
        // A signed-in client is never served the anonymous copy.
        let signed = editor.get(&path).await;
        assert_eq!(signed.headers()["x-cache"], "BYPASS", "{path}");
    }
    let response = editor
        .send(
            reqwest::Method::PATCH,
            &format!("/api/v1/articles/{id}"),
            &json!({"title": "Cached, then changed"}),
        )
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    for path in [
        format!("/api/v1/articles/{id}"),
        "/api/v1/articles?limit=5".to_owned(),
        format!("/wp-json/wp/v2/posts/{id}"),
        "/wp-json/wp/v2/posts?per_page=5".to_owned(),
    ] {
        let page = anonymous.get(&path).await.text().await.unwrap();
        assert!(
            page.contains("Cached, then changed"),
            "{path} is fresh: {page}"
        );
    }
}
