//! Staff accounts that resist phishing and theft: two-step sign-in with one-time codes and
//! recovery codes, a site that requires it, the sessions list with "sign out everywhere
//! else", and a mail when an account signs in from a browser it never used.

use crate::mail::unfolded;
use crate::people::mail_to;
use crate::support::*;
use reqwest::StatusCode;
use tidings_domain::second_factor::{code_at, from_base32, step_at};

/// The code an authenticator app shows for `secret` at the site's time.
fn code(site: &TestApp, secret: &str) -> String {
    let bytes = from_base32(secret).unwrap();
    format!(
        "{:06}",
        code_at(&bytes, step_at(site.clock_now().unix_timestamp()))
    )
}

/// Sets up one-time codes for the signed-in `person`; returns the secret and the recovery
/// codes shown.
async fn turn_on(site: &TestApp, person: &Moderator) -> (String, Vec<String>) {
    let page = body(person.get("/admin/profile/two-factor").await).await;
    let secret = between(&page, "id=\"totp-secret\" class=\"secret\">", "<");
    assert!(page.contains("src=\"data:image/svg+xml;base64,"), "{page}");
    let wrong = person
        .post(
            "/admin/profile/two-factor",
            &[("secret", &secret), ("code", "000000")],
        )
        .await;
    assert_eq!(wrong.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let again = body(wrong).await;
    assert!(again.contains("That code is not right"), "{again}");
    assert!(again.contains(&secret), "the same secret is offered again");
    let done = person
        .post(
            "/admin/profile/two-factor",
            &[("secret", &secret), ("code", &code(site, &secret))],
        )
        .await;
    assert_eq!(done.status(), StatusCode::OK);
    let page = body(done).await;
    let list = between(&page, "id=\"recovery-codes\">", "</ul>");
    let codes: Vec<String> = list
        .split("<code>")
        .skip(1)
        .map(|part| part.split("</code>").next().unwrap().to_owned())
        .collect();
    assert_eq!(codes.len(), 10, "{page}");
    (secret, codes)
}

fn between(page: &str, start: &str, end: &str) -> String {
    let from = page
        .find(start)
        .unwrap_or_else(|| panic!("{start} in {page}"))
        + start.len();
    page[from..from + page[from..].find(end).unwrap()].to_owned()
}

/// Signs in with the password from a new browser; returns the browser and the code step's
/// ticket.
async fn password_step(site: &TestApp, email: &str) -> (Reader, String) {
    let reader = site.reader();
    let answer = reader.submit_sign_in(email, ADMIN_PASSWORD).await;
    assert_eq!(
        answer.status(),
        StatusCode::OK,
        "the code step, not a session"
    );
    let page = body(answer).await;
    assert!(page.contains("autocomplete=\"one-time-code\""), "{page}");
    let ticket = attribute_after(&page, "name=\"ticket\" value=\"").unwrap();
    // No session yet.
    assert_eq!(reader.get("/admin/").await.status(), StatusCode::SEE_OTHER);
    (reader, ticket)
}

async fn code_step(reader: &Reader, ticket: &str, code: &str) -> reqwest::Response {
    reader
        .post(
            "/admin/login/code",
            &[("ticket", ticket), ("code", code), ("next", "/admin/")],
        )
        .await
}

#[tokio::test]
async fn two_step_sign_in_takes_a_code_once_or_a_recovery_code_once() {
    let site = TestApp::spawn().await;
    let admin = site.moderator().await;
    let (secret, recovery) = turn_on(&site, &admin).await;
    let security = body(admin.get("/admin/profile/security").await).await;
    assert!(
        security.contains("You have 10 unused recovery codes"),
        "{security}"
    );

    // The code that turned it on is spent; the next step's code signs in, once.
    let (reader, ticket) = password_step(&site, ADMIN_EMAIL).await;
    let spent = code_step(&reader, &ticket, &code(&site, &secret)).await;
    assert_eq!(spent.status(), StatusCode::UNAUTHORIZED);
    assert!(body(spent).await.contains("That code is not right"));
    site.clock.advance(time::Duration::seconds(30));
    let fresh = code(&site, &secret);
    let signed_in = code_step(&reader, &ticket, &fresh).await;
    assert_eq!(signed_in.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&signed_in), "/admin/");
    assert_eq!(reader.get("/admin/").await.status(), StatusCode::OK);
    let (other, ticket) = password_step(&site, ADMIN_EMAIL).await;
    assert_eq!(
        code_step(&other, &ticket, &fresh).await.status(),
        StatusCode::UNAUTHORIZED,
        "a code seen over a shoulder signs in nobody else"
    );

    // A recovery code, however it is typed, once.
    let typed = recovery[3].to_uppercase().replace('-', " ");
    let by_recovery = code_step(&other, &ticket, &typed).await;
    assert_eq!(by_recovery.status(), StatusCode::SEE_OTHER);
    let (third, ticket) = password_step(&site, ADMIN_EMAIL).await;
    assert_eq!(
        code_step(&third, &ticket, &recovery[3]).await.status(),
        StatusCode::UNAUTHORIZED
    );
    let security = body(admin.get("/admin/profile/security").await).await;
    assert!(
        security.contains("You have 9 unused recovery codes"),
        "{security}"
    );

    // A ticket lasts five minutes and cannot be altered.
    site.clock.advance(time::Duration::minutes(6));
    let late = code_step(&third, &ticket, &code(&site, &secret)).await;
    assert_eq!(late.status(), StatusCode::UNAUTHORIZED);
    assert!(body(late).await.contains("took too long"));
    let (fourth, ticket) = password_step(&site, ADMIN_EMAIL).await;
    let forged = ticket.replacen('1', "2", 1);
    assert!(
        body(code_step(&fourth, &forged, &code(&site, &secret)).await)
            .await
            .contains("took too long")
    );

    // Guessing is throttled like passwords: five wrong codes from browsers the account
    // never used, then a wait.
    let mut last = StatusCode::OK;
    for _ in 0..6 {
        last = code_step(&fourth, &ticket, "123456").await.status();
    }
    assert_eq!(last, StatusCode::TOO_MANY_REQUESTS);

    // Off, with the password; then the password alone signs in.
    let wrong = admin
        .post("/admin/profile/two-factor/off", &[("password", "not it")])
        .await;
    assert_eq!(wrong.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let off = admin
        .post(
            "/admin/profile/two-factor/off",
            &[("password", ADMIN_PASSWORD)],
        )
        .await;
    assert_eq!(off.status(), StatusCode::SEE_OTHER);
    site.clock.advance(time::Duration::minutes(20));
    site.sign_in(ADMIN_EMAIL).await;
}

#[tokio::test]
async fn a_site_that_requires_a_second_factor_lets_staff_do_nothing_else_first() {
    let site = TestApp::spawn().await;
    let admin = site.moderator().await;
    site.create_user("desk@newsroom.example", tidings_domain::Role::Editor)
        .await;
    let people = body(admin.get("/admin/users").await).await;
    assert!(people.contains("Two-step sign-in is up to each person."));
    let required = admin
        .post("/admin/users/second-factor", &[("required", "1")])
        .await;
    assert_eq!(required.status(), StatusCode::SEE_OTHER);

    // The administrator too: every admin page leads to setting it up.
    for path in ["/admin/", "/admin/articles", "/admin/profile"] {
        let answer = admin.get(path).await;
        assert_eq!(answer.status(), StatusCode::SEE_OTHER, "{path}");
        assert_eq!(location(&answer), "/admin/profile/two-factor", "{path}");
    }
    let refused = admin.post("/admin/articles", &[("title", "x")]).await;
    assert_eq!(location(&refused), "/admin/profile/two-factor");
    let page = body(admin.get("/admin/profile/two-factor").await).await;
    assert!(
        page.contains("This site requires two-step sign-in"),
        "{page}"
    );
    turn_on(&site, &admin).await;
    assert_eq!(admin.get("/admin/").await.status(), StatusCode::OK);
    // While it is required, it cannot be turned off.
    let off = admin
        .post(
            "/admin/profile/two-factor/off",
            &[("password", ADMIN_PASSWORD)],
        )
        .await;
    assert_eq!(off.status(), StatusCode::FORBIDDEN);

    let reader = site.reader();
    let signed_in = reader
        .submit_sign_in("desk@newsroom.example", ADMIN_PASSWORD)
        .await;
    assert_eq!(signed_in.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        location(&reader.get("/admin/").await),
        "/admin/profile/two-factor"
    );
    // Nor through the API with the session.
    let api = reader.get("/api/v1/articles").await;
    assert_eq!(api.status(), StatusCode::FORBIDDEN);
    assert!(body(api).await.contains("second_factor_required"));
    let setup = body(reader.get("/admin/profile/two-factor").await).await;
    let csrf = attribute_after(&setup, "name=\"csrf\" value=\"").unwrap();
    let editor = Moderator { reader, csrf };
    turn_on(&site, &editor).await;
    assert_eq!(editor.get("/admin/").await.status(), StatusCode::OK);
    assert_eq!(
        editor.get("/api/v1/articles").await.status(),
        StatusCode::OK
    );
    let people = body(admin.get("/admin/users").await).await;
    assert!(people.contains("Two-step sign-in is required of every staff account."));
    assert_eq!(people.matches("<td>On").count(), 2, "{people}");
}

#[tokio::test]
async fn sessions_are_listed_and_ended_and_a_new_browser_is_announced() {
    let site = TestApp::spawn().await;
    site.create_user(ADMIN_EMAIL, tidings_domain::Role::Administrator)
        .await;
    // The account's very first sign-in is not news to anyone.
    let first = site.reader_with("127.0.0.4".parse().unwrap(), "Setup/1.0");
    assert_eq!(
        first
            .submit_sign_in(ADMIN_EMAIL, ADMIN_PASSWORD)
            .await
            .status(),
        StatusCode::SEE_OTHER
    );
    let laptop = site.reader_with("127.0.0.1".parse().unwrap(), "Laptop/1.0 (newsroom)");
    assert_eq!(
        laptop
            .submit_sign_in(ADMIN_EMAIL, ADMIN_PASSWORD)
            .await
            .status(),
        StatusCode::SEE_OTHER
    );
    let mail = unfolded(&mail_to(&site, ADMIN_EMAIL, 1).await);
    assert!(mail.contains("New sign-in to The Daily Test"), "{mail}");
    assert!(mail.contains("Laptop/1.0 (newsroom)"), "{mail}");
    assert!(mail.contains("127.0.0.1"), "{mail}");
    assert!(mail.contains("/admin/profile/security"), "{mail}");

    let phone = site.reader_with("127.0.0.2".parse().unwrap(), "Phone/2.0");
    assert_eq!(
        phone
            .submit_sign_in(ADMIN_EMAIL, ADMIN_PASSWORD)
            .await
            .status(),
        StatusCode::SEE_OTHER
    );
    let second = unfolded(&mail_to(&site, ADMIN_EMAIL, 2).await);
    assert!(second.contains("Phone/2.0"), "{second}");
    // The same browser signing in again is not news.
    assert_eq!(
        laptop
            .submit_sign_in(ADMIN_EMAIL, ADMIN_PASSWORD)
            .await
            .status(),
        StatusCode::SEE_OTHER
    );

    let page = body(laptop.get("/admin/profile/security").await).await;
    assert!(page.contains("Laptop/1.0 (newsroom)"));
    assert!(page.contains("Phone/2.0"));
    assert!(page.contains("127.0.0.2"));
    assert_eq!(page.matches("This browser").count(), 1, "{page}");
    let csrf = attribute_after(&page, "name=\"csrf\" value=\"").unwrap();
    // Ending one session: the phone's.
    let phone_row = page.find("Phone/2.0").unwrap();
    let action = &page[phone_row..];
    let id = between(action, "/admin/profile/security/sessions/", "/end");
    let ended = laptop
        .post(
            &format!("/admin/profile/security/sessions/{id}/end"),
            &[("csrf", csrf.as_str())],
        )
        .await;
    assert_eq!(ended.status(), StatusCode::SEE_OTHER);
    assert_eq!(phone.get("/admin/").await.status(), StatusCode::SEE_OTHER);
    assert_eq!(laptop.get("/admin/").await.status(), StatusCode::OK);
    // Another's session cannot be named.
    let someone_else = site.reader_with("127.0.0.3".parse().unwrap(), "Other");
    assert_eq!(
        someone_else
            .post(
                &format!("/admin/profile/security/sessions/{id}/end"),
                &[("csrf", csrf.as_str())],
            )
            .await
            .status(),
        StatusCode::SEE_OTHER,
        "not signed in: sent to sign in"
    );

    // Everywhere else: the first laptop session and a new phone one end; this one stays.
    assert_eq!(
        phone
            .submit_sign_in(ADMIN_EMAIL, ADMIN_PASSWORD)
            .await
            .status(),
        StatusCode::SEE_OTHER
    );
    let everywhere = laptop
        .post(
            "/admin/profile/security/sessions/end-others",
            &[("csrf", csrf.as_str())],
        )
        .await;
    assert_eq!(everywhere.status(), StatusCode::SEE_OTHER);
    let notice = body(laptop.get(&location(&everywhere)).await).await;
    assert!(
        notice.contains("Signed out of 3 other sessions."),
        "{notice}"
    );
    assert_eq!(phone.get("/admin/").await.status(), StatusCode::SEE_OTHER);
    assert_eq!(laptop.get("/admin/").await.status(), StatusCode::OK);

    // An administrator signs someone out everywhere (a lost laptop).
    site.create_user("desk@newsroom.example", tidings_domain::Role::Editor)
        .await;
    let editor = site.sign_in("desk@newsroom.example").await;
    let people = body(laptop.get("/admin/users").await).await;
    let editor_id = site
        .app
        .store
        .user_by_email("desk@newsroom.example")
        .await
        .unwrap()
        .unwrap()
        .id;
    assert!(people.contains(&format!("/admin/users/{editor_id}/sign-out")));
    let out = laptop
        .post(
            &format!("/admin/users/{editor_id}/sign-out"),
            &[("csrf", csrf.as_str())],
        )
        .await;
    assert_eq!(out.status(), StatusCode::SEE_OTHER);
    assert_eq!(editor.get("/admin/").await.status(), StatusCode::SEE_OTHER);
}
