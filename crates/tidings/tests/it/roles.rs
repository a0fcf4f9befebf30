//! Issue #11: WordPress's roles. Every admin route, as registered, is tried by an
//! administrator, an editor, an author and a contributor: what a role may not do answers
//! 403 and changes nothing; what it may do is not refused.

use crate::admin::state;
use crate::support::*;
use reqwest::StatusCode;
use tidings_domain::{Capability, Role};

/// What a route needs. `None`: any signed-in person (the dashboard, their profile).
fn needs(method: &str, route: &str) -> Option<Capability> {
    use Capability::*;
    let article =
        route.starts_with("/admin/articles/{id}") || route.starts_with("/admin/corrections");
    Some(match (method, route) {
        (
            _,
            "/admin"
            | "/admin/"
            | "/admin/status"
            | "/admin/profile"
            | "/admin/profile/avatar"
            | "/admin/profile/app-passwords"
            | "/admin/profile/app-passwords/{id}/revoke"
            | "/admin/profile/security"
            | "/admin/profile/security/sessions/{id}/end"
            | "/admin/profile/security/sessions/end-others"
            | "/admin/profile/two-factor"
            | "/admin/profile/two-factor/off"
            | "/admin/profile/passkeys/start"
            | "/admin/profile/passkeys"
            | "/admin/profile/passkeys/{id}/remove"
            | "/admin/profile/passkeys/{id}/rename"
            | "/admin/logout",
        ) => {
            return None;
        }
        (_, "/admin/articles" | "/admin/articles/new" | "/admin/preview") => Write,
        (_, "/admin/pages" | "/admin/pages/new") => ManagePages,
        _ if article => EditOthers,
        _ if route.starts_with("/admin/sections") || route.starts_with("/admin/tags") => {
            ManageTerms
        }
        _ if route.starts_with("/admin/comments") => ModerateComments,
        _ if route.starts_with("/admin/settings")
            || route.starts_with("/admin/privacy")
            || route.starts_with("/admin/import")
            || route.starts_with("/admin/export")
            || route.starts_with("/admin/webhooks") =>
        {
            ManageSite
        }
        _ if route.starts_with("/admin/users") => ManageUsers,
        _ if route.starts_with("/admin/media") => Upload,
        _ => panic!("{method} {route}: say in this table what it needs"),
    })
}

#[tokio::test]
async fn every_admin_route_refuses_what_a_role_may_not_do() {
    let site = TestApp::spawn().await;
    // Fixtures named by the routes: the welcome article (nobody's own), its comment, the
    // default section, a tag, a revision and a correction.
    let administrator = site.moderator().await;
    let tag = tidings_domain::term::TermInput {
        name: "Harbour".into(),
        ..Default::default()
    }
    .validate(tidings_domain::Taxonomy::Tag)
    .unwrap();
    let tag = site.app.store.insert_term(&tag).await.unwrap().id;
    let article = tidings_domain::ArticleId(1);
    let revision = site
        .app
        .store
        .latest_revision(article)
        .await
        .unwrap()
        .unwrap();
    let correction = site
        .app
        .store
        .add_correction(article, "A fixture.", None, site.clock_now())
        .await
        .unwrap()
        .unwrap()
        .id;
    // A webhook (to an address nothing answers at) and one delivery of it, for the
    // webhook routes.
    site.app
        .store
        .insert_webhook(
            "https://hooks.example.com/in",
            &["article.published"],
            "whsec_fixture",
            site.clock_now(),
        )
        .await
        .unwrap();
    site.app
        .store
        .enqueue_webhook_event(
            "article.published",
            "article:1",
            "{}",
            site.clock_now() + time::Duration::days(365),
        )
        .await
        .unwrap();
    let mut people = vec![(Role::Administrator, administrator)];
    for (role, email) in [
        (Role::Editor, "editor@roles.example"),
        (Role::Author, "author@roles.example"),
        (Role::Contributor, "contributor@roles.example"),
    ] {
        site.create_user(email, role).await;
        people.push((role, site.sign_in(email).await));
    }
    let path_of = |route: &str| {
        let id = if route.starts_with("/admin/tags") {
            tag.0
        } else if route.starts_with("/admin/corrections") {
            correction.0
        } else {
            1
        };
        route
            .replace("{id}", &id.to_string())
            .replace("{revision}", &revision.0.to_string())
    };
    let routes = tidings::web::admin_routes();
    assert!(routes.gets.len() >= 15 && routes.posts.len() >= 20);

    // Reading: every page, every role.
    for route in &routes.gets {
        if matches!(*route, "/admin/setup" | "/admin/login") {
            continue;
        }
        for (role, person) in &people {
            let status = person.get(&path_of(route)).await.status();
            match needs("GET", route) {
                Some(capability) if !role.can(capability) => {
                    assert_eq!(status, StatusCode::FORBIDDEN, "{role:?} GET {route}")
                }
                _ => assert!(
                    status.is_success() || status.is_redirection(),
                    "{role:?} GET {route}: {status}"
                ),
            }
        }
    }

    // Writing: a form that would change something everywhere, with the session's token.
    let fields = |csrf: &str| {
        vec![
            ("csrf", csrf.to_owned()),
            ("bulk_action", "trash".to_owned()),
            ("ids", "1".to_owned()),
            ("title", "Forged".to_owned()),
            ("body", "Forged body".to_owned()),
            ("status", "draft".to_owned()),
            ("name", "Forged".to_owned()),
            ("into", "1".to_owned()),
            ("comment", "Forged text".to_owned()),
            ("correction", "Forged note".to_owned()),
            ("thread_depth", "3".to_owned()),
            ("email", "reader@example.com".to_owned()),
        ]
    };
    let before = state(&site).await;
    let posts: Vec<&str> = routes
        .posts
        .iter()
        .copied()
        .filter(|route| *route != "/admin/logout")
        .collect();
    for route in &posts {
        for (role, person) in &people {
            let Some(capability) = needs("POST", route) else {
                continue;
            };
            if role.can(capability) {
                continue;
            }
            let form = fields(&person.csrf);
            let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
            let response = person.reader.post(&path_of(route), &form).await;
            assert_eq!(
                response.status(),
                StatusCode::FORBIDDEN,
                "{role:?} POST {route}"
            );
        }
    }
    assert_eq!(
        state(&site).await,
        before,
        "no refused form changed anything"
    );
    // The same forms from a role that may: never a 403.
    for route in &posts {
        for (role, person) in &people {
            if needs("POST", route).is_some_and(|capability| !role.can(capability)) {
                continue;
            }
            let form = fields(&person.csrf);
            let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
            let status = person.reader.post(&path_of(route), &form).await.status();
            assert_ne!(status, StatusCode::FORBIDDEN, "{role:?} POST {route}");
        }
    }
}

#[tokio::test]
async fn authors_publish_their_own_and_contributors_submit_for_review() {
    let site = TestApp::spawn().await;
    site.create_user("author@roles.example", Role::Author).await;
    site.create_user("contributor@roles.example", Role::Contributor)
        .await;
    let author = site.sign_in("author@roles.example").await;
    let contributor = site.sign_in("contributor@roles.example").await;
    let story = |status: &'static str| {
        [
            ("title", "Harbour news"),
            ("body", "Boats."),
            ("status", status),
            ("published_at", "2026-05-01T09:00"),
        ]
    };
    // A contributor cannot publish, keeps what they typed, and can submit for review.
    let refused = contributor
        .post("/admin/articles", &story("published"))
        .await;
    assert_eq!(refused.status(), StatusCode::FORBIDDEN);
    assert!(body(refused).await.contains("cannot publish"));
    let submitted = contributor.post("/admin/articles", &story("pending")).await;
    assert_eq!(submitted.status(), StatusCode::SEE_OTHER);
    let edit = location(&submitted).split('?').next().unwrap().to_owned();
    assert_eq!(contributor.get(&edit).await.status(), StatusCode::OK);
    // The author cannot touch the contributor's submission, but publishes their own.
    assert_eq!(author.get(&edit).await.status(), StatusCode::FORBIDDEN);
    let mut own = story("published");
    own[0].1 = "Ferry news";
    let published = author.post("/admin/articles", &own).await;
    assert_eq!(published.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        site.reader().get("/2026/05/ferry-news/").await.status(),
        StatusCode::OK
    );
    // Once the desk publishes the contributor's article, it is the desk's.
    let editor = site.moderator().await;
    let mut publish = story("published").to_vec();
    publish.push(("base_revision", ""));
    assert_eq!(
        editor.post(&edit, &publish).await.status(),
        StatusCode::SEE_OTHER
    );
    assert_eq!(contributor.get(&edit).await.status(), StatusCode::FORBIDDEN);
    // Neither may upload, moderate or file sections.
    for person in [&author, &contributor] {
        assert_eq!(
            person.get("/admin/comments").await.status(),
            StatusCode::FORBIDDEN
        );
        assert_eq!(
            person.get("/admin/sections").await.status(),
            StatusCode::FORBIDDEN
        );
    }
}

/// The mail about a waiting comment carries links that moderate it: it goes to active
/// accounts whose role moderates, and to no one else.
#[tokio::test]
async fn moderation_mail_goes_only_to_those_who_moderate() {
    let site = TestApp::spawn().await;
    site.moderator().await;
    site.settings(|settings| settings.manual_approval = true)
        .await;
    site.create_user("author@roles.example", Role::Author).await;
    site.create_user("contributor@roles.example", Role::Contributor)
        .await;
    site.create_user("gone@roles.example", Role::Editor).await;
    let gone = site
        .app
        .store
        .user_by_email("gone@roles.example")
        .await
        .unwrap()
        .unwrap();
    site.app
        .store
        .set_deactivated(gone.id, true, site.clock_now())
        .await
        .unwrap();
    let article = site.article("Harbour").await;
    site.reader()
        .comment(&article, &[("comment", "Waiting for a moderator.")])
        .await;
    let outbox = site.data.path().join("mail/outbox");
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    // Every mail asked for is written before the queue is empty.
    let messages = loop {
        let messages = crate::mail::read_folder(&outbox);
        let to_admin = messages
            .iter()
            .any(|message| message.contains(&format!("To: {ADMIN_EMAIL}")));
        if to_admin && site.app.mailer.queued() == 0 {
            break messages;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "the administrator's mail"
        );
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    };
    for stranger in ["author@", "contributor@", "gone@"] {
        assert!(
            !messages
                .iter()
                .any(|message| message.contains(&format!("To: {stranger}"))),
            "{stranger} got a moderation mail"
        );
    }
}
