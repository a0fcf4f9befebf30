//! A person's sessions, listed and ended; their one-time-code secret and recovery codes,
//! each code and each step spent once; their passkeys, and each ceremony counting once.

use crate::support::*;

on_every_backend!(
    sessions_are_listed_and_ended_one_or_all,
    codes_and_recovery_codes_are_spent_once,
    passkeys_are_kept_per_person_and_found_by_credential,
    a_ceremony_challenge_is_spent_once,
);

async fn person(store: &dyn Store, email: &str) -> UserId {
    store
        .insert_user(
            &NewUser {
                email: email.into(),
                display_name: "Ed".into(),
                role: Role::Editor,
                password_hash: "hash".into(),
            },
            NOW,
        )
        .await
        .unwrap()
        .id
}

fn session(user: UserId, hash: &str, minutes: i64) -> Session {
    Session {
        token_hash: hash.into(),
        user_id: user,
        csrf_token: "c".into(),
        created_at: NOW + time::Duration::minutes(minutes),
        expires_at: NOW + time::Duration::days(1),
        ip: format!("203.0.113.{minutes}"),
        user_agent: format!("Browser {minutes}"),
    }
}

async fn sessions_are_listed_and_ended_one_or_all(store: &dyn Store) {
    let ed = person(store, "ed@example.com").await;
    let al = person(store, "al@example.com").await;
    for (hash, minutes) in [
        ("aaaaaaaaaaaaaaaa1111", 1),
        ("bbbbbbbbbbbbbbbb2222", 2),
        ("cccccccccccccccc3333", 3),
    ] {
        store
            .insert_session(&session(ed, hash, minutes))
            .await
            .unwrap();
    }
    store
        .insert_session(&session(al, "dddddddddddddddd4444", 4))
        .await
        .unwrap();
    assert!(!store.record_sign_in(ed, NOW).await.unwrap(), "the first");
    assert!(store.record_sign_in(ed, NOW).await.unwrap());
    assert!(!store.record_sign_in(al, NOW).await.unwrap(), "al's first");
    let listed = store.sessions_of(ed, NOW).await.unwrap();
    assert_eq!(
        listed
            .iter()
            .map(|s| (s.public_id(), s.ip.as_str(), s.user_agent.as_str()))
            .collect::<Vec<_>>(),
        [
            ("cccccccccccccccc", "203.0.113.3", "Browser 3"),
            ("bbbbbbbbbbbbbbbb", "203.0.113.2", "Browser 2"),
            ("aaaaaaaaaaaaaaaa", "203.0.113.1", "Browser 1"),
        ],
        "newest first, with where each began"
    );
    // Ending one names it by its public id, and only among the person's own.
    assert!(
        !store
            .delete_session_of(ed, "dddddddddddddddd")
            .await
            .unwrap()
    );
    assert!(!store.delete_session_of(ed, "bbbb").await.unwrap());
    assert!(
        store
            .delete_session_of(ed, "bbbbbbbbbbbbbbbb")
            .await
            .unwrap()
    );
    assert_eq!(store.sessions_of(ed, NOW).await.unwrap().len(), 2);
    // Everywhere else: only the kept one stays, and nobody else's ends.
    assert_eq!(
        store
            .delete_sessions_of(ed, Some("cccccccccccccccc3333"))
            .await
            .unwrap(),
        1
    );
    let left = store.sessions_of(ed, NOW).await.unwrap();
    assert_eq!(left.len(), 1);
    assert_eq!(left[0].token_hash, "cccccccccccccccc3333");
    assert_eq!(store.delete_sessions_of(ed, None).await.unwrap(), 1);
    assert!(store.sessions_of(ed, NOW).await.unwrap().is_empty());
    assert_eq!(store.sessions_of(al, NOW).await.unwrap().len(), 1);
}

async fn codes_and_recovery_codes_are_spent_once(store: &dyn Store) {
    let ed = person(store, "ed@example.com").await;
    let al = person(store, "al@example.com").await;
    assert_eq!(store.totp_of(ed).await.unwrap(), None);
    assert!(
        !store.spend_totp_step(ed, 5).await.unwrap(),
        "no secret, no code"
    );
    let hashes = vec!["r1".to_owned(), "r2".to_owned()];
    store.set_totp(ed, Some("SECRET"), &hashes).await.unwrap();
    assert_eq!(store.totp_of(ed).await.unwrap(), Some(("SECRET".into(), 0)));
    assert_eq!(store.users_with_second_factor().await.unwrap(), [ed]);
    assert!(store.has_second_factor(ed).await.unwrap());
    assert!(!store.has_second_factor(al).await.unwrap());

    // A step is spent once; an earlier one is refused after a later one.
    assert!(store.spend_totp_step(ed, 100).await.unwrap());
    assert!(!store.spend_totp_step(ed, 100).await.unwrap());
    assert!(!store.spend_totp_step(ed, 99).await.unwrap());
    assert!(store.spend_totp_step(ed, 101).await.unwrap());
    assert_eq!(
        store.totp_of(ed).await.unwrap(),
        Some(("SECRET".into(), 101))
    );

    assert_eq!(store.unused_recovery_codes(ed).await.unwrap(), 2);
    assert!(
        !store.spend_recovery_code(al, "r1", NOW).await.unwrap(),
        "not al's"
    );
    assert!(store.spend_recovery_code(ed, "r1", NOW).await.unwrap());
    assert!(
        !store.spend_recovery_code(ed, "r1", NOW).await.unwrap(),
        "spent"
    );
    assert_eq!(store.unused_recovery_codes(ed).await.unwrap(), 1);

    // Set up again: a new secret, new codes, the old ones gone, steps counted afresh.
    store
        .set_totp(ed, Some("NEWER"), &["r3".to_owned()])
        .await
        .unwrap();
    assert!(!store.spend_recovery_code(ed, "r2", NOW).await.unwrap());
    assert_eq!(store.unused_recovery_codes(ed).await.unwrap(), 1);
    assert!(store.spend_totp_step(ed, 50).await.unwrap());
    // Off: no secret, no recovery codes.
    store.set_totp(ed, None, &[]).await.unwrap();
    assert_eq!(store.totp_of(ed).await.unwrap(), None);
    assert_eq!(store.unused_recovery_codes(ed).await.unwrap(), 0);
    assert!(store.users_with_second_factor().await.unwrap().is_empty());
    assert!(!store.has_second_factor(ed).await.unwrap());
    assert!(
        store
            .set_totp(UserId(999_999), Some("X"), &[])
            .await
            .is_err()
    );
}

async fn passkeys_are_kept_per_person_and_found_by_credential(store: &dyn Store) {
    let ed = person(store, "ed@example.com").await;
    let al = person(store, "al@example.com").await;
    assert_eq!(store.passkey_handle_of(ed).await.unwrap(), None);
    assert_eq!(
        store.claim_passkey_handle(ed, "handle-ed").await.unwrap(),
        "handle-ed"
    );
    assert_eq!(
        store.claim_passkey_handle(ed, "another").await.unwrap(),
        "handle-ed",
        "a person keeps the handle they have"
    );
    assert_eq!(
        store.user_by_passkey_handle("handle-ed").await.unwrap(),
        Some(ed)
    );
    assert_eq!(store.user_by_passkey_handle("another").await.unwrap(), None);
    assert!(matches!(
        store.claim_passkey_handle(al, "handle-ed").await,
        Err(StoreError::Conflict { .. })
    ));

    let laptop = store
        .insert_passkey(ed, "cred-1", "Laptop", "{\"key\":1}", NOW)
        .await
        .unwrap();
    assert_eq!(
        (laptop.user_id, laptop.name.as_str(), laptop.last_used_at),
        (ed, "Laptop", None)
    );
    let phone = store
        .insert_passkey(
            ed,
            "cred-2",
            "Phone",
            "{}",
            NOW + time::Duration::minutes(1),
        )
        .await
        .unwrap();
    assert!(matches!(
        store
            .insert_passkey(al, "cred-1", "Stolen", "{}", NOW)
            .await,
        Err(StoreError::Conflict { .. })
    ));
    let names: Vec<String> = store
        .passkeys_of(ed)
        .await
        .unwrap()
        .into_iter()
        .map(|passkey| passkey.name)
        .collect();
    assert_eq!(names, ["Laptop", "Phone"]);
    assert!(store.passkeys_of(al).await.unwrap().is_empty());
    assert_eq!(store.users_with_second_factor().await.unwrap(), [ed]);
    assert!(
        store.has_second_factor(ed).await.unwrap(),
        "a passkey alone is a second factor"
    );
    assert!(!store.has_second_factor(al).await.unwrap());

    let used = NOW + time::Duration::hours(1);
    store
        .record_passkey_use(laptop.id, "{\"key\":2}", used)
        .await
        .unwrap();
    let found = store
        .passkey_by_credential_id("cred-1")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        (found.credential.as_str(), found.last_used_at),
        ("{\"key\":2}", Some(used))
    );
    assert_eq!(
        store.passkey_by_credential_id("cred-9").await.unwrap(),
        None
    );

    assert!(
        !store
            .rename_passkey(al, phone.id, "Mine now")
            .await
            .unwrap(),
        "only its owner renames a passkey"
    );
    assert!(
        store
            .rename_passkey(ed, phone.id, "Work phone")
            .await
            .unwrap()
    );
    let renamed = store.passkeys_of(ed).await.unwrap();
    let names: Vec<&str> = renamed
        .iter()
        .map(|passkey| passkey.name.as_str())
        .collect();
    assert!(names.contains(&"Work phone"), "{names:?}");
    assert!(!names.contains(&"Mine now"));
    assert!(
        !store.delete_passkey(al, phone.id).await.unwrap(),
        "only its owner removes a passkey"
    );
    assert!(store.delete_passkey(ed, phone.id).await.unwrap());
    assert!(store.passkeys_of(ed).await.unwrap().len() == 1);

    // A lost phone: everything is forgotten at once, and only for that person.
    store
        .set_totp(ed, Some("SECRET"), &["r1".to_owned()])
        .await
        .unwrap();
    store
        .insert_passkey(al, "cred-al", "Al's", "{}", NOW)
        .await
        .unwrap();
    assert!(store.forget_second_factors(ed).await.unwrap());
    assert!(
        !store.forget_second_factors(ed).await.unwrap(),
        "nothing left"
    );
    assert_eq!(store.totp_of(ed).await.unwrap(), None);
    assert_eq!(store.unused_recovery_codes(ed).await.unwrap(), 0);
    assert!(store.passkeys_of(ed).await.unwrap().is_empty());
    assert!(!store.delete_passkey(ed, laptop.id).await.unwrap());
    assert_eq!(store.users_with_second_factor().await.unwrap(), [al]);
    assert_eq!(
        store.passkey_handle_of(ed).await.unwrap().as_deref(),
        Some("handle-ed"),
        "the handle stays: a passkey made later carries the same one"
    );
}

async fn a_ceremony_challenge_is_spent_once(store: &dyn Store) {
    let expires = NOW + time::Duration::minutes(5);
    assert!(store.spend_challenge("c1", expires, NOW).await.unwrap());
    assert!(!store.spend_challenge("c1", expires, NOW).await.unwrap());
    assert!(store.spend_challenge("c2", expires, NOW).await.unwrap());
    // Once expired it is forgotten: the ceremony's own expiry refuses it from then on.
    let later = expires + time::Duration::seconds(1);
    assert!(
        store
            .spend_challenge("c1", later + time::Duration::minutes(5), later)
            .await
            .unwrap()
    );
}
