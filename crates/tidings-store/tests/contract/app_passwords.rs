//! Application passwords: stored as hashes, found with their account, revoked one by one.

use crate::support::*;

on_every_backend!(application_passwords_live_and_die_one_by_one,);

async fn application_passwords_live_and_die_one_by_one(store: &dyn Store) {
    let user = |email: &str| NewUser {
        email: email.into(),
        display_name: "Ed".into(),
        role: Role::Editor,
        password_hash: "hash".into(),
    };
    let ed = store
        .insert_user(&user("ed@example.com"), NOW)
        .await
        .unwrap();
    let other = store
        .insert_user(&user("al@example.com"), NOW)
        .await
        .unwrap();
    let phone = store
        .insert_application_password(ed.id, "Phone", "h-phone", NOW)
        .await
        .unwrap();
    let desk = store
        .insert_application_password(ed.id, "Desk tool", "h-desk", NOW)
        .await
        .unwrap();
    assert!(
        matches!(
            store
                .insert_application_password(other.id, "Copy", "h-phone", NOW)
                .await,
            Err(StoreError::Conflict { .. })
        ),
        "two passwords never share a hash"
    );

    let listed = store.application_passwords_of(ed.id).await.unwrap();
    assert_eq!(
        listed.iter().map(|p| p.name.as_str()).collect::<Vec<_>>(),
        ["Desk tool", "Phone"],
        "newest first"
    );
    assert!(
        store
            .application_passwords_of(other.id)
            .await
            .unwrap()
            .is_empty()
    );

    let (found, owner) = store
        .application_password_by_hash("h-phone")
        .await
        .unwrap()
        .unwrap();
    assert_eq!((found.id, owner.id), (phone.id, ed.id));
    assert_eq!(found.last_used_at, None);
    assert!(
        store
            .application_password_by_hash("nope")
            .await
            .unwrap()
            .is_none()
    );

    let later = NOW + time::Duration::minutes(5);
    store
        .record_application_password_use(phone.id, later, "192.0.2.7")
        .await
        .unwrap();
    let (used, _) = store
        .application_password_by_hash("h-phone")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(used.last_used_at, Some(later));
    assert_eq!(used.last_used_ip.as_deref(), Some("192.0.2.7"));

    assert!(
        !store
            .revoke_application_password(other.id, phone.id)
            .await
            .unwrap(),
        "nobody revokes another person's password"
    );
    assert!(
        store
            .revoke_application_password(ed.id, phone.id)
            .await
            .unwrap()
    );
    assert!(
        store
            .application_password_by_hash("h-phone")
            .await
            .unwrap()
            .is_none()
    );
    assert_eq!(
        store.application_passwords_of(ed.id).await.unwrap().len(),
        1
    );

    // A deactivated account's passwords stop working with it.
    store.set_deactivated(ed.id, true, later).await.unwrap();
    assert!(
        store
            .application_password_by_hash("h-desk")
            .await
            .unwrap()
            .is_none()
    );
    store.set_deactivated(ed.id, false, later).await.unwrap();
    assert_eq!(
        store
            .application_password_by_hash("h-desk")
            .await
            .unwrap()
            .unwrap()
            .0
            .id,
        desk.id
    );
}
