//! Articles: slugs, the public list and its counts.

use crate::support::*;

on_every_backend!(
    slugs_are_unique_and_title_slugs_get_a_number,
    only_published_past_articles_are_listed_newest_first_with_approved_counts,
    a_published_articles_old_addresses_lead_to_it,
);

/// Issue #11: changing the slug or the date of a published article keeps every old
/// address; a draft's do not count (no one could link to them); moving back to an old
/// address frees it.
async fn a_published_articles_old_addresses_lead_to_it(store: &dyn Store) {
    let first_day = NOW - time::Duration::days(40);
    let story = store
        .insert_article(
            &article("Bridge closes", |input| {
                input.published_at = Some(first_day)
            }),
            None,
            NOW,
        )
        .await
        .unwrap();
    let first_address = story.permalink();
    let renamed = store
        .update_article(
            story.id,
            &article("Bridge closes for repairs", |input| {
                input.published_at = Some(first_day)
            }),
            NOW,
        )
        .await
        .unwrap()
        .unwrap();
    let redated = store
        .update_article(story.id, &article("Bridge closes for repairs", |_| {}), NOW)
        .await
        .unwrap()
        .unwrap();
    assert_ne!(first_address, renamed.permalink());
    assert_ne!(renamed.permalink(), redated.permalink());
    for old in [&first_address, &renamed.permalink()] {
        assert_eq!(
            store.redirect_for(old).await.unwrap(),
            Some(story.id),
            "{old}"
        );
    }
    assert_eq!(
        store.redirect_for(&redated.permalink()).await.unwrap(),
        None
    );

    // Back to its first address: that one is no longer a redirect.
    let back = store
        .update_article(
            story.id,
            &article("Bridge closes", |input| {
                input.published_at = Some(first_day)
            }),
            NOW,
        )
        .await
        .unwrap()
        .unwrap();
    assert_eq!(back.permalink(), first_address);
    assert_eq!(store.redirect_for(&first_address).await.unwrap(), None);
    assert_eq!(
        store.redirect_for(&redated.permalink()).await.unwrap(),
        Some(story.id)
    );

    // A draft renamed leaves nothing behind.
    let draft = store
        .insert_article(
            &article("Draft one", |input| {
                input.status = Some(ArticleStatus::Draft)
            }),
            None,
            NOW,
        )
        .await
        .unwrap();
    store
        .update_article(
            draft.id,
            &article("Draft two", |input| {
                input.status = Some(ArticleStatus::Draft)
            }),
            NOW,
        )
        .await
        .unwrap();
    assert_eq!(store.redirect_for(&draft.permalink()).await.unwrap(), None);
}

async fn slugs_are_unique_and_title_slugs_get_a_number(store: &dyn Store) {
    let first = store
        .insert_article(&article("Same title", |_| {}), None, NOW)
        .await
        .unwrap();
    let second = store
        .insert_article(&article("Same title", |_| {}), None, NOW)
        .await
        .unwrap();
    assert_eq!(
        (first.slug.as_str(), second.slug.as_str()),
        ("same-title", "same-title-2")
    );
    let typed = store
        .insert_article(
            &article("Other", |input| input.slug = "same-title".into()),
            None,
            NOW,
        )
        .await;
    assert!(
        matches!(typed, Err(StoreError::Conflict { what: "slug" })),
        "{typed:?}"
    );
    let updated = store
        .update_article(second.id, &article("Renamed", |_| {}), NOW)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(updated.slug.as_str(), "renamed");
    assert!(
        store
            .update_article(ArticleId(999), &article("Ghost", |_| {}), NOW)
            .await
            .unwrap()
            .is_none()
    );
    assert_eq!(
        store.article_by_slug("renamed").await.unwrap().unwrap().id,
        second.id
    );
}

async fn only_published_past_articles_are_listed_newest_first_with_approved_counts(
    store: &dyn Store,
) {
    let old = store
        .insert_article(
            &article("Old", |input| {
                input.published_at = Some(NOW - time::Duration::days(2))
            }),
            None,
            NOW,
        )
        .await
        .unwrap();
    let new = store
        .insert_article(&article("New", |_| {}), None, NOW)
        .await
        .unwrap();
    store
        .insert_article(
            &article("Draft", |input| input.status = Some(ArticleStatus::Draft)),
            None,
            NOW,
        )
        .await
        .unwrap();
    store
        .insert_article(
            &article("Future", |input| {
                input.published_at = Some(NOW + time::Duration::days(1))
            }),
            None,
            NOW,
        )
        .await
        .unwrap();
    insert(store, &comment(old.id, "approved", |_| {})).await;
    insert(
        store,
        &comment(old.id, "pending", |record| {
            record.status = CommentStatus::Pending
        }),
    )
    .await;

    let listed = store
        .published_articles(
            NOW,
            Page {
                number: 1,
                size: 10,
            },
        )
        .await
        .unwrap();
    let titles: Vec<&str> = listed
        .items
        .iter()
        .map(|summary| summary.article.title.as_str())
        .collect();
    assert_eq!(titles, ["New", "Old"]);
    assert!(!listed.more);
    assert_eq!(listed.items[1].approved_comments, 1);
    assert_eq!(
        store.next_publication_after(NOW).await.unwrap(),
        Some(NOW + time::Duration::days(1))
    );
    assert_eq!(
        store
            .next_publication_after(NOW + time::Duration::days(2))
            .await
            .unwrap(),
        None
    );
    let everything = ArticleFilter {
        kind: ArticleKind::Article,
        state: None,
        author: None,
        term: None,
        title_contains: None,
        now: NOW,
    };
    let (all, total) = store
        .list_articles(
            &everything,
            Page {
                number: 1,
                size: 10,
            },
        )
        .await
        .unwrap();
    assert_eq!((all.len(), total), (4, 4));
    let second_page = store
        .published_articles(NOW, Page { number: 2, size: 1 })
        .await
        .unwrap();
    assert_eq!(second_page.items[0].article.id, old.id);
    assert!(!second_page.more);
    let first_of_one = store
        .published_articles(NOW, Page { number: 1, size: 1 })
        .await
        .unwrap();
    assert_eq!(first_of_one.items.len(), 1);
    assert!(first_of_one.more, "another page follows");
    assert_ne!(new.id, old.id);
}
