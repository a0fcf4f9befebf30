//! The media library, featured images and avatars (issue #11).

use crate::support::*;
use tidings_domain::MediaAddress;
use tidings_domain::media::{MediaFormat, MediaKey};

on_every_backend!(
    the_library_lists_finds_and_describes_images,
    featured_images_and_avatars_name_a_variant,
);

fn upload(key: u8, name: &str, alt: &str, by: Option<UserId>) -> NewMedia {
    NewMedia {
        key: MediaKey::from_random([key; 8]),
        format: MediaFormat::Jpeg,
        width: 4000,
        height: 3000,
        bytes: 2_500_000,
        original_name: name.into(),
        alt: alt.into(),
        uploaded_by: by,
    }
}

async fn the_library_lists_finds_and_describes_images(store: &dyn Store) {
    let writer = store
        .insert_user(
            &NewUser {
                email: "ann@example.com".into(),
                display_name: "Ann".into(),
                role: Role::Author,
                password_hash: "hash".into(),
            },
            NOW,
        )
        .await
        .unwrap()
        .id;
    let first = store
        .insert_media(
            &upload(1, "harbour.jpg", "The harbour at dusk", Some(writer)),
            NOW,
        )
        .await
        .unwrap();
    assert_eq!(first.width, 4000);
    assert_eq!(first.uploaded_by, Some(writer));
    assert_eq!(first.uploaded_at, NOW);
    store
        .insert_media(
            &upload(2, "100%_crowd.jpg", "", None),
            NOW + time::Duration::minutes(1),
        )
        .await
        .unwrap();

    // The same key twice is refused, not overwritten.
    assert!(matches!(
        store
            .insert_media(&upload(1, "again.jpg", "", None), NOW)
            .await,
        Err(StoreError::Conflict { .. })
    ));

    let page = |size| Page { number: 1, size };
    let all = store.media_library("", page(10)).await.unwrap();
    let names: Vec<&str> = all.items.iter().map(|m| m.original_name.as_str()).collect();
    assert_eq!(names, ["100%_crowd.jpg", "harbour.jpg"]);
    assert!(!all.more);
    assert!(store.media_library("", page(1)).await.unwrap().more);
    // Searching alt texts and names, case aside, with wildcards taken literally.
    let found = store.media_library("HARBOUR", page(10)).await.unwrap();
    assert_eq!(found.items.len(), 1);
    assert_eq!(found.items[0].key, first.key);
    assert_eq!(store.count_media("").await.unwrap(), 2);
    assert_eq!(store.count_media("harbour").await.unwrap(), 1);
    assert_eq!(store.count_media("nothing like it").await.unwrap(), 0);
    let by_id = store.media_by_id(first.id).await.unwrap().unwrap();
    assert_eq!(by_id.key, first.key);
    assert!(store.media_by_id(first.id + 1000).await.unwrap().is_none());
    let percent = store.media_library("100%", page(10)).await.unwrap();
    assert_eq!(percent.items.len(), 1);
    assert_eq!(
        store
            .media_library("0%_c", page(10))
            .await
            .unwrap()
            .items
            .len(),
        1
    );
    assert!(
        store
            .media_library("x%", page(10))
            .await
            .unwrap()
            .items
            .is_empty()
    );

    let described = store
        .set_media_alt(&first.key, "Boats in the harbour")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(described.alt, "Boats in the harbour");
    assert_eq!(
        store.media_by_key(&first.key).await.unwrap().unwrap().alt,
        "Boats in the harbour"
    );
    let unknown = MediaKey::from_random([9; 8]);
    assert!(store.media_by_key(&unknown).await.unwrap().is_none());
    assert!(store.set_media_alt(&unknown, "x").await.unwrap().is_none());
}

async fn featured_images_and_avatars_name_a_variant(store: &dyn Store) {
    let address = MediaAddress::parse_path("/media/0101010101010101/1600.jpg").unwrap();
    let story = store
        .insert_article(
            &article("Story", |input| {
                input.featured_image = address.path();
                input.featured_image_alt = "Boats".into();
            }),
            None,
            NOW,
        )
        .await
        .unwrap();
    assert_eq!(story.featured_image.as_ref(), Some(&address));
    assert_eq!(story.featured_image_alt, "Boats");
    let read = store.article_by_id(story.id).await.unwrap().unwrap();
    assert_eq!(read.featured_image, Some(address.clone()));

    let user = store
        .insert_user(
            &NewUser {
                email: "bo@example.com".into(),
                display_name: "Bo".into(),
                role: Role::Editor,
                password_hash: "hash".into(),
            },
            NOW,
        )
        .await
        .unwrap()
        .id;
    assert_eq!(store.author(user).await.unwrap().unwrap().avatar, None);
    assert!(store.set_avatar(user, Some(&address)).await.unwrap());
    assert_eq!(
        store.author(user).await.unwrap().unwrap().avatar,
        Some(address)
    );
    assert!(store.set_avatar(user, None).await.unwrap());
    assert_eq!(store.author(user).await.unwrap().unwrap().avatar, None);
    assert!(!store.set_avatar(UserId(999_999), None).await.unwrap());
}
