//! The sitemaps' lists (issue #12): public addresses only, with when they last changed.

use crate::support::*;
use tidings_domain::Slug;

on_every_backend!(sitemaps_list_public_addresses_with_their_last_change,);

async fn sitemaps_list_public_addresses_with_their_last_change(store: &dyn Store) {
    let hour = time::Duration::hours(1);
    let may = datetime!(2026-05-20 10:00 UTC);
    let june = datetime!(2026-06-01 09:00 UTC);
    let ann = store
        .insert_user(
            &NewUser {
                email: "ann@example.com".into(),
                display_name: "Ann Lee".into(),
                role: Role::Author,
                password_hash: "hash".into(),
            },
            NOW,
        )
        .await
        .unwrap()
        .id;
    let tag = |name: &str| vec![name.to_owned()];
    let in_may = store
        .insert_article(
            &article("In May", |input| {
                input.published_at = Some(may);
                input.tags = tag("Harbour");
                input.authors = vec![ann];
            }),
            Some(ann),
            NOW,
        )
        .await
        .unwrap();
    store
        .insert_article(
            &article("In June", |input| input.published_at = Some(june)),
            None,
            NOW,
        )
        .await
        .unwrap();
    // Not public: a draft, a scheduled article, a private one.
    for (title, status, date) in [
        ("Draft", ArticleStatus::Draft, may),
        ("Later", ArticleStatus::Published, NOW + hour),
        ("Staff", ArticleStatus::Private, may),
    ] {
        store
            .insert_article(
                &article(title, |input| {
                    input.status = Some(status);
                    input.published_at = Some(date);
                    input.tags = tag("Secret");
                    input.authors = vec![ann];
                }),
                Some(ann),
                NOW,
            )
            .await
            .unwrap();
    }
    store
        .insert_article(
            &article("About", |input| {
                input.kind = Some(ArticleKind::Page);
                input.published_at = Some(may);
            }),
            None,
            NOW,
        )
        .await
        .unwrap();

    let months = store.sitemap_months(NOW).await.unwrap();
    let summary: Vec<(i32, u8, u64)> = months
        .iter()
        .map(|m| (m.year, m.month, m.articles))
        .collect();
    // May has "In May"; June "In June" (and the welcome-free fresh store has nothing else).
    assert_eq!(summary, [(2026, 5, 1), (2026, 6, 1)]);
    assert_eq!(months[0].modified, may);

    let june_start = datetime!(2026-06-01 00:00 UTC);
    let in_june = store
        .sitemap_articles(june_start, datetime!(2026-07-01 00:00 UTC), NOW, 0, 10)
        .await
        .unwrap();
    assert_eq!(in_june.len(), 1);
    assert_eq!(in_june[0].slug, Slug::parse("in-june").unwrap());
    assert_eq!(in_june[0].published_at, june);
    assert!(
        store
            .sitemap_articles(june_start, datetime!(2026-07-01 00:00 UTC), NOW, 1, 10)
            .await
            .unwrap()
            .is_empty()
    );

    // Revising the May article's text moves its month's and its tag's last change.
    let revised_at = NOW - time::Duration::minutes(5);
    let mut revised = article("In May", |input| {
        input.published_at = Some(may);
        input.tags = tag("Harbour");
        input.body_markdown = "A new body".into();
    });
    revised.revised_at = Some(revised_at);
    store
        .update_article(in_may.id, &revised, revised_at)
        .await
        .unwrap();
    assert_eq!(
        store.sitemap_months(NOW).await.unwrap()[0].modified,
        revised_at
    );

    let pages = store.sitemap_pages(NOW).await.unwrap();
    assert_eq!(pages.len(), 1);
    assert_eq!(pages[0].path.as_deref(), Some("about"));

    let tags = store.sitemap_terms(Taxonomy::Tag, NOW).await.unwrap();
    let names: Vec<&str> = tags.iter().map(|t| t.slug.as_str()).collect();
    assert_eq!(
        names,
        ["harbour"],
        "a tag of unpublished articles only is not listed"
    );
    assert_eq!(tags[0].modified, revised_at);
    let sections = store.sitemap_terms(Taxonomy::Section, NOW).await.unwrap();
    assert_eq!(sections.len(), 1, "{sections:?}");

    let authors = store.sitemap_authors(NOW).await.unwrap();
    let slugs: Vec<&str> = authors.iter().map(|a| a.slug.as_str()).collect();
    assert_eq!(slugs, ["ann-lee"]);
}
