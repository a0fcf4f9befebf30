//! Issue #11: the Users screen. An administrator invites someone (a mail with a link that
//! works once), changes roles and deactivates accounts; anyone gets a new password by
//! mail, with the same answer whether the address has an account or not.

use crate::mail::{link, read_folder};
use crate::support::*;
use reqwest::StatusCode;
use std::time::{Duration, Instant};

/// Waits for a mail to `address` in the outbox and returns it.
pub(crate) async fn mail_to(site: &TestApp, address: &str, count: usize) -> String {
    let outbox = site.data.path().join("mail/outbox");
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let messages: Vec<String> = read_folder(&outbox)
            .into_iter()
            .filter(|message| message.contains(&format!("To: {address}")))
            .collect();
        if messages.len() >= count {
            return messages[count - 1].clone();
        }
        assert!(Instant::now() < deadline, "a mail to {address}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// A link's path and query, as a browser opening it asks for it.
fn path_of(url: &str) -> String {
    let start = url.find("/admin/").expect("an admin link");
    url[start..].to_owned()
}

/// The hidden fields of the password form, as a browser would post them back.
fn hidden_fields(page: &str) -> Vec<(String, String)> {
    ["for", "user", "expires", "signature"]
        .iter()
        .map(|name| {
            let marker = format!("name=\"{name}\" value=\"");
            ((*name).to_owned(), attribute_after(page, &marker).unwrap())
        })
        .collect()
}

#[tokio::test]
async fn an_invitation_makes_an_account_whose_link_works_once() {
    let site = TestApp::spawn().await;
    let admin = site.moderator().await;
    let invited = admin
        .post(
            "/admin/users",
            &[
                ("email", "zoe@newsroom.example"),
                ("name", "Zoë"),
                ("role", "author"),
            ],
        )
        .await;
    assert_eq!(invited.status(), StatusCode::SEE_OTHER);
    let taken = admin
        .post(
            "/admin/users",
            &[
                ("email", "ZOE@newsroom.example"),
                ("name", "Zoë again"),
                ("role", "author"),
            ],
        )
        .await;
    assert_eq!(taken.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let page = body(taken).await;
    assert!(page.contains("already exists") && page.contains("value=\"Zoë again\""));

    let mail = mail_to(&site, "zoe@newsroom.example", 1).await;
    assert!(mail.contains("has made you an author at"), "{mail}");
    let url = path_of(&link(&mail, "http", "/admin/password"));
    let reader = site.reader();
    let form = body(reader.get(&url).await).await;
    assert!(form.contains("Welcome to"), "{form}");
    let mut fields = hidden_fields(&form);
    // A weak password is refused beside its field, the name kept.
    let mut weak = fields.clone();
    weak.extend([
        ("name".to_owned(), "Zoë Ortiz".to_owned()),
        ("password".to_owned(), "password1".to_owned()),
    ]);
    let weak: Vec<(&str, &str)> = weak.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    let refused = reader.post("/admin/password", &weak).await;
    assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(body(refused).await.contains("value=\"Zoë Ortiz\""));
    fields.extend([
        ("name".to_owned(), "Zoë Ortiz".to_owned()),
        ("password".to_owned(), "harbour lights at dawn".to_owned()),
    ]);
    let fields: Vec<(&str, &str)> = fields
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    assert_eq!(
        reader.post("/admin/password", &fields).await.status(),
        StatusCode::SEE_OTHER
    );
    // Used once: the same link now says so.
    let again = reader.get(&url).await;
    assert_eq!(again.status(), StatusCode::GONE);
    assert!(body(again).await.contains("used already"));
    assert_eq!(
        reader.post("/admin/password", &fields).await.status(),
        StatusCode::GONE
    );
    // Zoë signs in as an author, under the name she chose.
    let response = reader
        .submit_sign_in("zoe@newsroom.example", "harbour lights at dawn")
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let dashboard = body(reader.get("/admin/").await).await;
    assert!(dashboard.contains("Zoë Ortiz"));
    assert!(
        !dashboard.contains("href=\"/admin/comments\""),
        "an author moderates nothing"
    );
}

#[tokio::test]
async fn an_expired_or_altered_link_does_not_open() {
    let site = TestApp::spawn().await;
    let admin = site.moderator().await;
    admin
        .post(
            "/admin/users",
            &[
                ("email", "late@newsroom.example"),
                ("name", "Late"),
                ("role", "editor"),
            ],
        )
        .await;
    let mail = mail_to(&site, "late@newsroom.example", 1).await;
    let url = path_of(&link(&mail, "http", "/admin/password"));
    let reader = site.reader();
    let altered = url.replace("for=invitation", "for=reset");
    assert_eq!(reader.get(&altered).await.status(), StatusCode::GONE);
    site.clock.advance(time::Duration::days(8));
    let expired = reader.get(&url).await;
    assert_eq!(expired.status(), StatusCode::GONE);
    assert!(body(expired).await.contains("expired"));
}

#[tokio::test]
async fn roles_change_and_a_deactivated_account_is_signed_out_at_once() {
    let site = TestApp::spawn().await;
    let admin = site.moderator().await;
    site.create_user("bo@newsroom.example", tidings_domain::Role::Editor)
        .await;
    let bo = site.sign_in("bo@newsroom.example").await;
    let id = site
        .app
        .store
        .user_by_email("bo@newsroom.example")
        .await
        .unwrap()
        .unwrap()
        .id
        .0;
    assert_eq!(bo.get("/admin/sections").await.status(), StatusCode::OK);
    let changed = admin
        .post(
            &format!("/admin/users/{id}/role"),
            &[("role", "contributor")],
        )
        .await;
    assert_eq!(changed.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        bo.get("/admin/sections").await.status(),
        StatusCode::FORBIDDEN
    );
    // Nobody changes their own role or deactivates themselves.
    let own_id = site
        .app
        .store
        .user_by_email(ADMIN_EMAIL)
        .await
        .unwrap()
        .unwrap()
        .id
        .0;
    let own = admin
        .post(
            &format!("/admin/users/{own_id}/role"),
            &[("role", "author")],
        )
        .await;
    assert_eq!(own.status(), StatusCode::CONFLICT);
    // Deactivated: the open session stops working, and signing in answers as a wrong
    // password would.
    let deactivated = admin
        .post(&format!("/admin/users/{id}/deactivate"), &[])
        .await;
    assert_eq!(deactivated.status(), StatusCode::SEE_OTHER);
    let after = bo.get("/admin/").await;
    assert_eq!(after.status(), StatusCode::SEE_OTHER);
    assert!(location(&after).starts_with("/admin/login"));
    let refused = site
        .reader()
        .submit_sign_in("bo@newsroom.example", ADMIN_PASSWORD)
        .await;
    assert_eq!(refused.status(), StatusCode::UNAUTHORIZED);
    admin
        .post(&format!("/admin/users/{id}/reactivate"), &[])
        .await;
    let back = site
        .reader()
        .submit_sign_in("bo@newsroom.example", ADMIN_PASSWORD)
        .await;
    assert_eq!(back.status(), StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn a_lost_password_is_replaced_by_mail_with_the_same_answer_for_everyone() {
    let site = TestApp::spawn().await;
    site.moderator().await;
    let reader = site.reader();
    let known = body(
        reader
            .post("/admin/lost-password", &[("email", ADMIN_EMAIL)])
            .await,
    )
    .await;
    let unknown = body(
        reader
            .post(
                "/admin/lost-password",
                &[("email", "nobody@newsroom.example")],
            )
            .await,
    )
    .await;
    assert_eq!(
        known.replace(ADMIN_EMAIL, "ADDRESS"),
        unknown.replace("nobody@newsroom.example", "ADDRESS"),
        "the same page either way"
    );
    let mail = mail_to(&site, ADMIN_EMAIL, 1).await;
    let url = path_of(&link(&mail, "http", "/admin/password"));
    let form = body(reader.get(&url).await).await;
    let mut fields = hidden_fields(&form);
    fields.push(("password".to_owned(), "a brand new passphrase".to_owned()));
    let fields: Vec<(&str, &str)> = fields
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    assert_eq!(
        reader.post("/admin/password", &fields).await.status(),
        StatusCode::SEE_OTHER
    );
    assert_eq!(
        reader
            .submit_sign_in(ADMIN_EMAIL, ADMIN_PASSWORD)
            .await
            .status(),
        StatusCode::UNAUTHORIZED,
        "the old password is gone"
    );
    assert_eq!(
        reader
            .submit_sign_in(ADMIN_EMAIL, "a brand new passphrase")
            .await
            .status(),
        StatusCode::SEE_OTHER
    );
    assert_eq!(reader.get(&url).await.status(), StatusCode::GONE);
}

/// An invitation whose mail cannot be queued says so; its account is made, and the mail is
/// sent again from the Users screen once the disk has room.
#[tokio::test]
async fn an_invitation_that_cannot_be_mailed_says_so_and_is_sent_again() {
    let site = TestApp::spawn().await;
    let admin = site.moderator().await;
    // The queue's folder replaced by a file: no mail can be written there.
    let queue = site.data.path().join("mail/queue");
    std::fs::remove_dir_all(&queue).unwrap();
    std::fs::write(&queue, b"not a folder").unwrap();
    let invited = admin
        .post(
            "/admin/users",
            &[
                ("email", "yan@newsroom.example"),
                ("name", "Yan"),
                ("role", "editor"),
            ],
        )
        .await;
    assert_eq!(invited.status(), StatusCode::SERVICE_UNAVAILABLE);
    let page = body(invited).await;
    assert!(
        page.contains("The account of Yan is made, but the invitation mail could not be queued"),
        "{page}"
    );
    let user = site
        .app
        .store
        .user_by_email("yan@newsroom.example")
        .await
        .unwrap()
        .unwrap();
    assert!(page.contains(&format!("/admin/users/{}/invitation", user.id.0)));

    std::fs::remove_file(&queue).unwrap();
    std::fs::create_dir(&queue).unwrap();
    let again = admin
        .post(&format!("/admin/users/{}/invitation", user.id.0), &[])
        .await;
    assert_eq!(again.status(), StatusCode::SEE_OTHER);
    let notice = body(admin.get(&location(&again)).await).await;
    assert!(notice.contains("A new invitation is on its way to yan@newsroom.example"));
    let mail = mail_to(&site, "yan@newsroom.example", 1).await;
    assert!(mail.contains("has made you an editor at"), "{mail}");
    let url = path_of(&link(&mail, "http", "/admin/password"));
    assert!(
        body(site.reader().get(&url).await)
            .await
            .contains("Welcome to")
    );
}
