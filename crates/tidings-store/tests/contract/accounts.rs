//! Users, sessions and failed sign-ins.

use crate::support::*;

on_every_backend!(
    users_sessions_and_failed_logins,
    a_nul_character_is_looked_up_and_kept_alike_on_every_backend,
);

async fn users_sessions_and_failed_logins(store: &dyn Store) {
    let new_user = |email: &str| NewUser {
        email: email.into(),
        display_name: "Ed".into(),
        role: Role::Editor,
        password_hash: "hash".into(),
    };
    let user = store
        .insert_user(&new_user("ed@example.com"), NOW)
        .await
        .unwrap();
    assert!(matches!(
        store.insert_user(&new_user("ED@example.com"), NOW).await,
        Err(StoreError::Conflict { what: "email" })
    ));
    assert_eq!(
        store
            .user_by_email("Ed@Example.com")
            .await
            .unwrap()
            .unwrap()
            .id,
        user.id
    );
    assert_eq!(store.count_users().await.unwrap(), 1);
    assert!(store.user_by_id(UserId(99)).await.unwrap().is_none());

    let session = Session {
        token_hash: "h1".into(),
        user_id: user.id,
        csrf_token: "c".into(),
        created_at: NOW,
        expires_at: NOW + time::Duration::hours(1),
        ip: "203.0.113.9".into(),
        user_agent: "Firefox".into(),
    };
    store.insert_session(&session).await.unwrap();
    assert_eq!(
        store
            .session_by_token_hash("h1", NOW)
            .await
            .unwrap()
            .unwrap()
            .0,
        session
    );
    assert!(
        store
            .session_by_token_hash("h1", NOW + time::Duration::hours(2))
            .await
            .unwrap()
            .is_none(),
        "expired"
    );
    store.delete_session("h1").await.unwrap();
    assert!(
        store
            .session_by_token_hash("h1", NOW)
            .await
            .unwrap()
            .is_none()
    );

    // Unknown browsers count against the account and the address; a known browser (the
    // device key of an earlier sign-in) only against itself.
    for _ in 0..3 {
        store
            .record_failed_login("ed@example.com", "198.51.100.1", "", NOW)
            .await
            .unwrap();
    }
    store
        .record_failed_login(
            "ed@example.com",
            "198.51.100.1",
            "device-1",
            NOW - time::Duration::minutes(5),
        )
        .await
        .unwrap();
    store
        .record_failed_login(
            "other@example.com",
            "198.51.100.1",
            "",
            NOW - time::Duration::hours(1),
        )
        .await
        .unwrap();
    let since = NOW - time::Duration::minutes(15);
    let failed = store
        .failed_logins_since("ED@example.com", "198.51.100.1", "device-1", since)
        .await
        .unwrap();
    assert_eq!(
        (failed.account.count, failed.ip.count, failed.device.count),
        (3, 3, 1)
    );
    assert_eq!(failed.account.oldest, Some(NOW));
    assert_eq!(failed.device.oldest, Some(NOW - time::Duration::minutes(5)));
    store.clear_failed_logins("device-1").await.unwrap();
    let failed = store
        .failed_logins_since("ed@example.com", "198.51.100.2", "device-1", since)
        .await
        .unwrap();
    assert_eq!(
        (failed.account.count, failed.ip.count, failed.device.count),
        (3, 0, 0),
        "a known browser's sign-in forgets only its own failures"
    );
    let nobody = store
        .failed_logins_since("ed@example.com", "198.51.100.1", "", since)
        .await
        .unwrap();
    assert_eq!(nobody.device, Attempts::default());
}

/// PostgreSQL cannot hold a NUL character in text; both backends take the text without it,
/// so a lookup never fails and a write keeps the rest.
async fn a_nul_character_is_looked_up_and_kept_alike_on_every_backend(store: &dyn Store) {
    assert!(
        store
            .user_by_email("a\u{0}b@example.com")
            .await
            .unwrap()
            .is_none()
    );
    assert!(
        store
            .term_by_slug(Taxonomy::Tag, "a\u{0}b")
            .await
            .unwrap()
            .is_none()
    );
    store
        .put_setting("probe", "before\u{0}after")
        .await
        .unwrap();
    assert_eq!(
        store.setting("probe").await.unwrap().as_deref(),
        Some("beforeafter")
    );
}
