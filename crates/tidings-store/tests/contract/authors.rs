//! Bylines, author pages and profiles (issue #11).

use crate::support::*;
use tidings_domain::{Author, Slug};

on_every_backend!(bylines_keep_their_order_and_author_pages_list_published_articles,);

async fn person(store: &dyn Store, email: &str, name: &str) -> UserId {
    store
        .insert_user(
            &NewUser {
                email: email.into(),
                display_name: name.into(),
                role: Role::Editor,
                password_hash: "hash".into(),
            },
            NOW,
        )
        .await
        .unwrap()
        .id
}

async fn bylines_keep_their_order_and_author_pages_list_published_articles(store: &dyn Store) {
    let ann = person(store, "ann@example.com", "Ann Lee").await;
    // The same name gives the next free slug.
    let other_ann = person(store, "ann2@example.com", "Ann Lee").await;
    let bo = person(store, "bo@example.com", "Bó Öst").await;
    assert_eq!(
        store.author(ann).await.unwrap().unwrap().slug.as_str(),
        "ann-lee"
    );
    assert_eq!(
        store
            .author(other_ann)
            .await
            .unwrap()
            .unwrap()
            .slug
            .as_str(),
        "ann-lee-2"
    );
    assert_eq!(
        store.author(bo).await.unwrap().unwrap().slug.as_str(),
        "bo-ost"
    );

    // Written by Ann; the byline names Bo first, then Ann.
    let story = store
        .insert_article(
            &article("Story", |input| input.authors = vec![bo, ann, bo]),
            Some(ann),
            NOW,
        )
        .await
        .unwrap();
    let names = |authors: Vec<Author>| -> Vec<String> {
        authors
            .into_iter()
            .map(|author| author.display_name)
            .collect()
    };
    assert_eq!(
        names(store.authors_of(story.id).await.unwrap()),
        ["Bó Öst", "Ann Lee"]
    );
    assert_eq!(
        store
            .article_by_id(story.id)
            .await
            .unwrap()
            .unwrap()
            .author_id,
        Some(bo),
        "the first author is WordPress's one author"
    );
    // A save without a byline keeps it; a new article with none has its writer.
    store
        .update_article(story.id, &article("Story", |_| {}), NOW)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(store.authors_of(story.id).await.unwrap().len(), 2);
    let solo = store
        .insert_article(&article("Solo", |_| {}), Some(ann), NOW)
        .await
        .unwrap();
    assert_eq!(names(store.authors_of(solo.id).await.unwrap()), ["Ann Lee"]);
    store
        .insert_article(
            &article("Draft", |input| {
                input.status = Some(ArticleStatus::Draft);
            }),
            Some(ann),
            NOW,
        )
        .await
        .unwrap();
    let page = Page {
        number: 1,
        size: 10,
    };
    let by_ann = store.published_by(ann, NOW, page).await.unwrap();
    let titles: Vec<&str> = by_ann
        .items
        .iter()
        .map(|summary| summary.article.title.as_str())
        .collect();
    assert_eq!(titles.len(), 2, "{titles:?}: published only, each once");
    assert!(titles.contains(&"Story") && titles.contains(&"Solo"));

    // Profiles: a taken slug is a conflict; a free one moves the author page.
    let ann_slug = Slug::parse("ann-lee").unwrap();
    assert!(matches!(
        store.update_profile(bo, "Bo", &ann_slug, "").await,
        Err(StoreError::Conflict { what: "slug" })
    ));
    let renamed = store
        .update_profile(
            bo,
            "Bo Ost",
            &Slug::parse("bo").unwrap(),
            "Covers the port.",
        )
        .await
        .unwrap()
        .unwrap();
    assert_eq!(renamed.permalink(), "/author/bo/");
    assert_eq!(
        store.author_by_slug("bo").await.unwrap().unwrap().bio,
        "Covers the port."
    );
    assert!(store.author_by_slug("bo-ost").await.unwrap().is_none());
}
