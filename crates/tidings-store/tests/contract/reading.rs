//! What an article page offers next (issue #12): its neighbours in time and the newest
//! others of its section, public ones only.

use crate::support::*;

on_every_backend!(an_article_knows_its_neighbours_and_its_sections_others,);

async fn an_article_knows_its_neighbours_and_its_sections_others(store: &dyn Store) {
    let at = |hours: i64| NOW - time::Duration::hours(hours);
    let mut ids = Vec::new();
    // Five articles an hour apart; the third and fourth published in the same second.
    for (title, hours) in [
        ("One", 10),
        ("Two", 8),
        ("Three", 6),
        ("Four", 6),
        ("Five", 4),
    ] {
        let stored = store
            .insert_article(
                &article(title, |input| input.published_at = Some(at(hours))),
                None,
                NOW,
            )
            .await
            .unwrap();
        ids.push(stored);
    }
    // Not public: a draft between them, and one scheduled after.
    store
        .insert_article(
            &article("Draft", |input| {
                input.status = Some(ArticleStatus::Draft);
                input.published_at = Some(at(5));
            }),
            None,
            NOW,
        )
        .await
        .unwrap();
    store
        .insert_article(
            &article("Later", |input| {
                input.published_at = Some(NOW + time::Duration::hours(1))
            }),
            None,
            NOW,
        )
        .await
        .unwrap();
    let titles = |pair: (Option<Headline>, Option<Headline>)| {
        (pair.0.map(|h| h.title), pair.1.map(|h| h.title))
    };
    let around = |index: usize| store.neighbours(&ids[index], NOW);
    assert_eq!(titles(around(0).await.unwrap()), (None, Some("Two".into())));
    assert_eq!(
        titles(around(2).await.unwrap()),
        (Some("Two".into()), Some("Four".into()))
    );
    assert_eq!(
        titles(around(3).await.unwrap()),
        (Some("Three".into()), Some("Five".into()))
    );
    assert_eq!(
        titles(around(4).await.unwrap()),
        (Some("Four".into()), None)
    );
    let first = around(1).await.unwrap().0.unwrap();
    assert_eq!(first.permalink(), ids[0].permalink());

    let section = store.default_section().await.unwrap();
    let more = store
        .more_in_section(section, ids[4].id, NOW, 3)
        .await
        .unwrap();
    let names: Vec<&str> = more.iter().map(|h| h.title.as_str()).collect();
    assert_eq!(names, ["Four", "Three", "Two"]);

    // A date archive: the range's public articles, newest first, a page at a time.
    let between = |from: i64, until: i64, number: u32| {
        store.published_between(at(from), at(until), NOW, Page { number, size: 2 })
    };
    let first_page = between(9, 3, 1).await.unwrap();
    let titles: Vec<&str> = first_page
        .items
        .iter()
        .map(|s| s.article.title.as_str())
        .collect();
    assert_eq!(titles, ["Five", "Four"]);
    assert!(first_page.more);
    let second_page = between(9, 3, 2).await.unwrap();
    let titles: Vec<&str> = second_page
        .items
        .iter()
        .map(|s| s.article.title.as_str())
        .collect();
    assert_eq!(
        titles,
        ["Three", "Two"],
        "the draft and the article at 10 h are not in it"
    );
    assert!(!second_page.more);
    assert!(between(30, 20, 1).await.unwrap().items.is_empty());
}
