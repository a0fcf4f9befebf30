//! Passkeys over HTTP, at the edges a browser never reaches: ceremonies that are forged,
//! expired, replayed for another purpose or answered with garbage; a site without a name;
//! and a passkey as the second factor a site requires. The whole ceremony with a real
//! authenticator runs in Chromium (`tests/browser/passkeys.test.mjs`).

use crate::support::*;
use reqwest::StatusCode;
use serde_json::Value;

async fn json(response: reqwest::Response) -> (StatusCode, Value) {
    let status = response.status();
    let text = response.text().await.expect("a body");
    let value = serde_json::from_str(&text).unwrap_or_else(|_| panic!("JSON, not {text}"));
    (status, value)
}

/// A well-formed answer from a passkey this site never registered.
fn stranger_answer() -> String {
    serde_json::json!({
        "id": "c3RyYW5nZXI",
        "rawId": "c3RyYW5nZXI",
        "type": "public-key",
        "response": {
            "authenticatorData": "AAAA",
            "clientDataJSON": "e30",
            "signature": "AAAA",
            "userHandle": "AAECAwQFBgcICQoLDA0ODw",
        },
        "extensions": {},
    })
    .to_string()
}

async fn start_sign_in(reader: &Reader) -> (String, Value) {
    let (status, started) = json(reader.post("/admin/login/passkey/start", &[]).await).await;
    assert_eq!(status, StatusCode::OK, "{started}");
    (
        started["ceremony"].as_str().unwrap().to_owned(),
        started["options"].clone(),
    )
}

async fn finish_sign_in(reader: &Reader, ceremony: &str, answer: &str) -> (StatusCode, String) {
    let (status, refused) = json(
        reader
            .post(
                "/admin/login/passkey",
                &[
                    ("ceremony", ceremony),
                    ("credential", answer),
                    ("next", "/admin/"),
                ],
            )
            .await,
    )
    .await;
    (status, refused["error"].as_str().unwrap_or("").to_owned())
}

#[tokio::test]
async fn a_sign_in_ceremony_refuses_forgery_expiry_garbage_and_strangers() {
    let site = TestApp::spawn().await;
    let reader = site.reader();
    let login = body(reader.get("/admin/login").await).await;
    assert!(login.contains("Sign in with a passkey"), "{login}");
    assert!(login.contains("/static/passkeys."), "{login}");
    assert!(
        login.contains("autocomplete=\"username webauthn\""),
        "the email field offers passkeys among its suggestions: {login}"
    );

    let (ceremony, options) = start_sign_in(&reader).await;
    // The site on the loopback address takes passkeys at `localhost`; any passkey of the
    // site's may answer, and it must check its owner (a PIN, a fingerprint).
    assert_eq!(options["publicKey"]["rpId"], "localhost", "{options}");
    assert_eq!(options["publicKey"]["userVerification"], "required");
    assert!(
        options["publicKey"]["allowCredentials"]
            .as_array()
            .is_none_or(Vec::is_empty),
        "{options}"
    );
    assert!(options.get("mediation").is_none(), "{options}");

    let (status, error) = finish_sign_in(&reader, &ceremony, "not json").await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(error.contains("could not be read"), "{error}");
    let huge = format!("{{\"id\":\"{}\"}}", "a".repeat(70_000));
    let (status, _) = finish_sign_in(&reader, &ceremony, &huge).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);

    let (status, error) = finish_sign_in(&reader, &ceremony, &stranger_answer()).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert!(error.contains("not registered with this site"), "{error}");

    // A ceremony's state travels signed: a changed byte, or a registration's state handed
    // to the sign-in, is refused before anything else is looked at.
    let mut forged = ceremony.clone().into_bytes();
    let middle = forged.len() / 2;
    forged[middle] = if forged[middle] == b'A' { b'B' } else { b'A' };
    let forged = String::from_utf8(forged).unwrap();
    for bad in [forged.as_str(), "", "1.2.3", "9999999999.e30.00"] {
        let (status, error) = finish_sign_in(&reader, bad, &stranger_answer()).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "{bad}");
        assert!(error.contains("took too long"), "{error}");
    }
    let person = site.moderator().await;
    let (status, registration) =
        json(person.post("/admin/profile/passkeys/start", &[]).await).await;
    assert_eq!(status, StatusCode::OK, "{registration}");
    let (status, error) = finish_sign_in(
        &reader,
        registration["ceremony"].as_str().unwrap(),
        &stranger_answer(),
    )
    .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert!(error.contains("took too long"), "{error}");

    // Five minutes, then the ceremony is over.
    site.clock
        .advance(time::Duration::minutes(5) + time::Duration::seconds(1));
    let (status, error) = finish_sign_in(&reader, &ceremony, &stranger_answer()).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert!(error.contains("took too long"), "{error}");
    assert_eq!(
        reader.get("/admin/").await.status(),
        StatusCode::SEE_OTHER,
        "nobody is signed in"
    );
}

#[tokio::test]
async fn registering_asks_for_a_discoverable_verified_passkey_and_checks_the_form() {
    let site = TestApp::spawn().await;
    let person = site.moderator().await;
    let page = body(person.get("/admin/profile/security").await).await;
    assert!(page.contains("You have no passkey yet."), "{page}");
    assert!(page.contains("data-passkey=\"register\""), "{page}");

    // Without the session's CSRF token nothing starts.
    let forged = person
        .reader
        .post("/admin/profile/passkeys/start", &[("csrf", "forged")])
        .await;
    assert_eq!(forged.status(), StatusCode::FORBIDDEN);

    let (status, started) = json(person.post("/admin/profile/passkeys/start", &[]).await).await;
    assert_eq!(status, StatusCode::OK, "{started}");
    let options = &started["options"]["publicKey"];
    assert_eq!(options["rp"]["id"], "localhost", "{options}");
    assert_eq!(options["rp"]["name"], "The Daily Test");
    assert_eq!(options["user"]["name"], ADMIN_EMAIL);
    let selection = &options["authenticatorSelection"];
    assert_eq!(selection["residentKey"], "required", "{options}");
    assert_eq!(selection["requireResidentKey"], true);
    assert_eq!(selection["userVerification"], "required");
    let ceremony = started["ceremony"].as_str().unwrap();

    let finish = |ceremony: String, credential: String, name: String| {
        let person = &person;
        async move {
            json(
                person
                    .post(
                        "/admin/profile/passkeys",
                        &[
                            ("ceremony", &ceremony),
                            ("credential", &credential),
                            ("name", &name),
                        ],
                    )
                    .await,
            )
            .await
        }
    };
    let (status, refused) = finish(ceremony.into(), "{}".into(), "x".repeat(101)).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        refused["error"].as_str().unwrap().contains("at most 100"),
        "{refused}"
    );
    let (status, refused) = finish(ceremony.into(), "[1, 2".into(), "Laptop".into()).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{refused}");
    // A sign-in's ceremony cannot register anything.
    let (sign_in, _) = start_sign_in(&site.reader()).await;
    let (status, refused) = finish(sign_in, "{}".into(), "Laptop".into()).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "{refused}");
    // Nor can another person's: the state is bound to whom it was started for.
    site.create_user("edith@newsroom.example", tidings_domain::Role::Editor)
        .await;
    let edith = site.sign_in("edith@newsroom.example").await;
    let (status, refused) = json(
        edith
            .post(
                "/admin/profile/passkeys",
                &[
                    ("ceremony", ceremony),
                    ("credential", "{}"),
                    ("name", "Stolen"),
                ],
            )
            .await,
    )
    .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "{refused}");
    let page = body(person.get("/admin/profile/security").await).await;
    assert!(page.contains("You have no passkey yet."), "{page}");
}

#[tokio::test]
async fn a_site_at_an_ip_address_offers_no_passkeys_and_says_why() {
    let data = data_folder().await;
    write_config(data.path(), "base_url = \"http://203.0.113.7\"\n");
    let site = TestApp::spawn_in(data).await;
    let reader = site.reader();
    let login = body(reader.get("/admin/login").await).await;
    assert!(!login.contains("Sign in with a passkey"), "{login}");
    assert!(!login.contains("webauthn"), "{login}");
    let (status, refused) = json(reader.post("/admin/login/passkey/start", &[]).await).await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert!(
        refused["error"]
            .as_str()
            .unwrap()
            .contains("not an IP address"),
        "{refused}"
    );
    let person = site.moderator().await;
    let page = body(person.get("/admin/profile/security").await).await;
    assert!(page.contains("set base_url to the address"), "{page}");
    assert!(!page.contains("data-passkey=\"register\""), "{page}");
    // Someone whose passkey was made while the site had a name is told why it cannot be
    // used here, and how to get back in; the password alone still does not sign in.
    give_passkey(&site, ADMIN_EMAIL, "from-before").await;
    let browser = site.reader();
    let step = browser.submit_sign_in(ADMIN_EMAIL, ADMIN_PASSWORD).await;
    assert_eq!(step.status(), StatusCode::OK);
    let page = body(step).await;
    assert!(
        page.contains("passkeys cannot be used at this site"),
        "{page}"
    );
    assert!(page.contains("tidings user reset-second-factor"), "{page}");
    assert!(!page.contains("Use my passkey"), "{page}");
    assert_eq!(browser.get("/admin/").await.status(), StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn a_passkey_is_the_second_factor_a_site_requires_and_a_password_then_asks_for_it() {
    let site = TestApp::spawn().await;
    let owner = site.moderator().await;
    site.create_user("edith@newsroom.example", tidings_domain::Role::Editor)
        .await;
    let edith = site.sign_in("edith@newsroom.example").await;
    let required = owner
        .post("/admin/users/second-factor", &[("required", "1")])
        .await;
    assert_eq!(required.status(), StatusCode::SEE_OTHER);
    // Without a second factor only setting one up is open, and it offers a passkey.
    let blocked = edith.get("/admin/articles").await;
    assert_eq!(location(&blocked), "/admin/profile/two-factor");
    let setup = body(edith.get("/admin/profile/two-factor").await).await;
    assert!(setup.contains("Or use a passkey"), "{setup}");
    let (status, _) = json(edith.post("/admin/profile/passkeys/start", &[]).await).await;
    assert_eq!(status, StatusCode::OK, "registering a passkey is open too");

    // Her passkey registered (as the browser test does with a real authenticator).
    give_passkey(&site, "edith@newsroom.example", "cred").await;
    assert_eq!(edith.get("/admin/articles").await.status(), StatusCode::OK);

    // Her password alone no longer signs in: the next step asks for the passkey, and has
    // no code field (she has no authenticator app).
    let browser = site.reader();
    let answer = browser
        .submit_sign_in("edith@newsroom.example", ADMIN_PASSWORD)
        .await;
    assert_eq!(answer.status(), StatusCode::OK);
    let page = body(answer).await;
    assert!(page.contains("Use my passkey"), "{page}");
    assert!(page.contains("data-ticket=\""), "{page}");
    assert!(!page.contains("one-time-code"), "{page}");
    assert_eq!(browser.get("/admin/").await.status(), StatusCode::SEE_OTHER);
    // The code step cannot be skipped with an empty code either.
    let ticket = attribute_after(&page, "data-ticket=\"").unwrap();
    let skipped = browser
        .post(
            "/admin/login/code",
            &[("ticket", &ticket), ("code", ""), ("next", "/admin/")],
        )
        .await;
    assert_ne!(skipped.status(), StatusCode::SEE_OTHER);
    assert_eq!(browser.get("/admin/").await.status(), StatusCode::SEE_OTHER);
}

/// Registers a passkey for `email` straight in the store (its content is not read on the
/// paths these tests take; the browser test registers real ones).
async fn give_passkey(site: &TestApp, email: &str, credential_id: &str) {
    let user = site.app.store.user_by_email(email).await.unwrap().unwrap();
    site.app
        .store
        .insert_passkey(user.id, credential_id, "Phone", "{}", site.clock_now())
        .await
        .unwrap();
}

/// The id of `email`'s first passkey.
async fn first_passkey_of(site: &TestApp, email: &str) -> i64 {
    let user = site.app.store.user_by_email(email).await.unwrap().unwrap();
    site.app.store.passkeys_of(user.id).await.unwrap()[0].id
}

#[tokio::test]
async fn a_passkey_is_renamed_by_its_owner_and_a_bad_name_is_refused_clearly() {
    let site = TestApp::spawn().await;
    let owner = site.moderator().await;
    site.create_user("edith@newsroom.example", tidings_domain::Role::Editor)
        .await;
    let edith = site.sign_in("edith@newsroom.example").await;
    give_passkey(&site, ADMIN_EMAIL, "owner-phone").await;
    give_passkey(&site, "edith@newsroom.example", "edith-phone").await;
    let owners = first_passkey_of(&site, ADMIN_EMAIL).await;
    let address = format!("/admin/profile/passkeys/{owners}/rename");
    let page = body(owner.get("/admin/profile/security").await).await;
    assert!(page.contains(&format!("action=\"{address}\"")), "{page}");

    // Spaces and control characters are tidied away; the name is shown escaped.
    let done = owner
        .post(&address, &[("name", "  Key <b>\u{7} &  \"Tuesday\"\n ")])
        .await;
    assert_eq!(done.status(), StatusCode::SEE_OTHER);
    let page = body(owner.get(&location(&done)).await).await;
    assert!(page.contains("The passkey is renamed."), "{page}");
    assert!(
        page.contains("value=\"Key &lt;b&gt; &amp; &quot;Tuesday&quot;\""),
        "{page}"
    );

    // An empty or overlong name says why, with the Security screen, and changes nothing.
    for (name, why) in [
        (" \t ", "Give the passkey a name."),
        (&"n".repeat(101), "at most 100 characters"),
    ] {
        let refused = owner.post(&address, &[("name", name)]).await;
        assert_eq!(
            refused.status(),
            StatusCode::UNPROCESSABLE_ENTITY,
            "{name:?}"
        );
        let page = body(refused).await;
        assert!(page.contains(why), "{page}");
        assert!(page.contains("&quot;Tuesday&quot;"), "unchanged: {page}");
    }
    let exactly = "n".repeat(100);
    let done = owner.post(&address, &[("name", &exactly)]).await;
    assert_eq!(done.status(), StatusCode::SEE_OTHER);

    // Someone else's passkey is not theirs to rename (and its owner's stays as it was).
    let attempt = edith.post(&address, &[("name", "Edith's now")]).await;
    assert_eq!(attempt.status(), StatusCode::SEE_OTHER);
    let page = body(edith.get(&location(&attempt)).await).await;
    assert!(page.contains("That passkey was removed already."), "{page}");
    let page = body(owner.get("/admin/profile/security").await).await;
    assert!(page.contains(&format!("value=\"{exactly}\"")));
    assert!(!page.contains("Edith&#x27;s now") && !page.contains("Edith's now"));
    // And without the session's CSRF token, nothing is renamed.
    let forged = owner.reader.post(&address, &[("name", "Forged")]).await;
    assert_eq!(forged.status(), StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn an_administrator_resets_a_lost_passkey_and_the_person_signs_in_with_the_password() {
    let site = TestApp::spawn().await;
    let owner = site.moderator().await;
    site.create_user("edith@newsroom.example", tidings_domain::Role::Editor)
        .await;
    let edith = site.sign_in("edith@newsroom.example").await;
    give_passkey(&site, "edith@newsroom.example", "edith-phone").await;
    let people = body(owner.get("/admin/users").await).await;
    let reset_form = "/second-factor/reset";
    assert_eq!(
        people.matches(reset_form).count(),
        1,
        "offered for Edith, not for the owner who has none: {people}"
    );
    let edith_id = site
        .app
        .store
        .user_by_email("edith@newsroom.example")
        .await
        .unwrap()
        .unwrap()
        .id;
    let address = format!("/admin/users/{}/second-factor/reset", edith_id.0);

    // Edith cannot reset anyone's (not even to lock the owner out of theirs).
    let refused = edith.post(&address, &[]).await;
    assert_eq!(refused.status(), StatusCode::FORBIDDEN);

    let done = owner.post(&address, &[]).await;
    assert_eq!(done.status(), StatusCode::SEE_OTHER);
    let page = body(owner.get(&location(&done)).await).await;
    assert!(
        page.contains("two-step sign-in and passkeys are removed"),
        "{page}"
    );
    assert_eq!(
        edith.get("/admin/").await.status(),
        StatusCode::SEE_OTHER,
        "her sessions ended"
    );
    let again = site
        .reader()
        .submit_sign_in("edith@newsroom.example", ADMIN_PASSWORD)
        .await;
    assert_eq!(
        again.status(),
        StatusCode::SEE_OTHER,
        "the password alone signs in"
    );
    let twice = owner.post(&address, &[]).await;
    let page = body(owner.get(&location(&twice)).await).await;
    assert!(
        page.contains("had no two-step sign-in or passkey"),
        "{page}"
    );
}

#[tokio::test]
async fn the_command_line_resets_the_second_factor_of_a_locked_out_owner() {
    let site = TestApp::spawn().await;
    site.create_user(ADMIN_EMAIL, tidings_domain::Role::Administrator)
        .await;
    give_passkey(&site, ADMIN_EMAIL, "owner-key").await;
    let data = site.stop().await;
    let reset = |email: &'static str| {
        let folder = data.path().to_owned();
        async move {
            run_binary_beside(
                &folder,
                &["user", "reset-second-factor", "--email", email],
                "",
            )
            .await
        }
    };
    let (ok, stdout, stderr) = reset(ADMIN_EMAIL).await;
    assert!(ok, "{stderr}");
    assert!(
        stdout.contains("removed the two-step sign-in and passkeys"),
        "{stdout}"
    );
    let (ok, _, stderr) = reset("nobody@example.com").await;
    assert!(!ok);
    assert!(
        stderr.contains("there is no account with the email"),
        "{stderr}"
    );
    let site = TestApp::spawn_in(data).await;
    let signed_in = site
        .reader()
        .submit_sign_in(ADMIN_EMAIL, ADMIN_PASSWORD)
        .await;
    assert_eq!(signed_in.status(), StatusCode::SEE_OTHER);
}
