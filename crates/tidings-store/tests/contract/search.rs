//! Full-text search (issue #12): the same results on both engines, kept in step by the
//! writes that change articles, in any script, and never an error for what a reader types.

use crate::support::*;
use tidings_domain::search::SearchQuery;
use tidings_domain::term::TermInput;

on_every_backend!(
    search_ranks_titles_first_and_follows_every_edit,
    search_finds_any_script_phrases_and_prefixes,
    search_filters_by_section_and_year_and_pages,
    hostile_queries_find_nothing_or_something_but_never_fail,
);

async fn titles(store: &dyn Store, query: &str) -> Vec<String> {
    titles_with(store, query, &SearchFilter::default(), 1).await
}

async fn titles_with(
    store: &dyn Store,
    query: &str,
    filter: &SearchFilter,
    number: u32,
) -> Vec<String> {
    store
        .search(
            &SearchQuery::parse(query),
            filter,
            NOW,
            Page { number, size: 3 },
        )
        .await
        .unwrap()
        .items
        .into_iter()
        .map(|summary| summary.article.title)
        .collect()
}

async fn section(store: &dyn Store, taxonomy: Taxonomy, name: &str) -> TermId {
    let valid = TermInput {
        name: name.into(),
        ..TermInput::default()
    }
    .validate(taxonomy)
    .unwrap();
    store.insert_term(&valid).await.unwrap().id
}

async fn search_ranks_titles_first_and_follows_every_edit(store: &dyn Store) {
    let in_body = store
        .insert_article(
            &article("Council news", |input| {
                input.body_markdown = "The **harbour** bridge reopens.".into();
            }),
            None,
            NOW,
        )
        .await
        .unwrap();
    let in_title = store
        .insert_article(
            &article("Harbour bridge reopens", |input| {
                input.body_markdown = "Traffic flows again.".into();
                // Older: the title outweighs the body's recency.
                input.published_at = Some(NOW - time::Duration::days(20));
            }),
            None,
            NOW,
        )
        .await
        .unwrap();
    assert_eq!(
        titles(store, "harbour").await,
        vec!["Harbour bridge reopens", "Council news"]
    );
    // An edit is found at once, and what it removed is not.
    let older = Some(NOW - time::Duration::days(20));
    store
        .update_article(
            in_body.id,
            &article("Council news", |input| {
                input.body_markdown = "The ferry returns.".into();
            }),
            NOW,
        )
        .await
        .unwrap();
    assert_eq!(
        titles(store, "harbour").await,
        vec!["Harbour bridge reopens"]
    );
    assert_eq!(titles(store, "ferry").await, vec!["Council news"]);
    // Unpublished (back to draft), it is gone; published again, it is back.
    let harbour = |status| {
        article("Harbour bridge reopens", |input| {
            input.status = Some(status);
            input.published_at = older;
        })
    };
    store
        .update_article(in_title.id, &harbour(ArticleStatus::Draft), NOW)
        .await
        .unwrap();
    assert!(titles(store, "harbour").await.is_empty());
    store
        .update_article(in_title.id, &harbour(ArticleStatus::Published), NOW)
        .await
        .unwrap();
    assert_eq!(
        titles(store, "harbour").await,
        vec!["Harbour bridge reopens"]
    );
    // In the trash it is not found; restored it is; purged it is gone for good.
    store.trash_article(in_title.id, NOW).await.unwrap();
    assert!(titles(store, "harbour").await.is_empty());
    store.restore_article(in_title.id).await.unwrap();
    assert_eq!(
        titles(store, "harbour").await,
        vec!["Harbour bridge reopens"]
    );
    store.trash_article(in_title.id, NOW).await.unwrap();
    store
        .purge_trash(NOW + time::Duration::days(31))
        .await
        .unwrap();
    assert!(titles(store, "harbour").await.is_empty());
    // Scheduled articles are not found before their time.
    store
        .insert_article(
            &article("Harbour plans", |input| {
                input.published_at = Some(NOW + time::Duration::hours(2));
            }),
            None,
            NOW,
        )
        .await
        .unwrap();
    assert!(titles(store, "harbour").await.is_empty());
}

async fn search_finds_any_script_phrases_and_prefixes(store: &dyn Store) {
    for (title, body) in [
        ("Café society", "Zürich's cafés stay open late."),
        ("Новости Москвы", "Мэр открыл новый мост через реку."),
        ("北京大学的新闻", "今天北京下雪了。"),
        ("Bridges of the city", "A walk over the old stone bridges."),
        (
            "City council",
            "The council met; the city's bridge budget passed.",
        ),
    ] {
        store
            .insert_article(
                &article(title, |input| input.body_markdown = body.into()),
                None,
                NOW,
            )
            .await
            .unwrap();
    }
    assert_eq!(titles(store, "cafe").await, vec!["Café society"]);
    assert_eq!(titles(store, "ZURICH").await, vec!["Café society"]);
    assert_eq!(titles(store, "москвы").await, vec!["Новости Москвы"]);
    assert_eq!(titles(store, "мост").await, vec!["Новости Москвы"]);
    assert_eq!(titles(store, "北京").await, vec!["北京大学的新闻"]);
    assert_eq!(titles(store, "下雪").await, vec!["北京大学的新闻"]);
    assert!(titles(store, "北雪").await.is_empty(), "a phrase, in order");
    // A quoted phrase; the words apart do not match it.
    assert_eq!(
        titles(store, "\"city council\"").await,
        vec!["City council"]
    );
    assert!(titles(store, "\"council city\"").await.is_empty());
    // A prefix, starred or as the last word typed.
    let mut bridges = titles(store, "bridg*").await;
    bridges.sort();
    assert_eq!(bridges, vec!["Bridges of the city", "City council"]);
    assert_eq!(
        titles(store, "stone brid").await,
        vec!["Bridges of the city"]
    );
    // Every word is required.
    assert!(titles(store, "stone budget").await.is_empty());
}

async fn search_filters_by_section_and_year_and_pages(store: &dyn Store) {
    let sport = section(store, Taxonomy::Section, "Sport").await;
    for number in 0..7 {
        store
            .insert_article(
                &article(&format!("Match report {number}"), |input| {
                    input.published_at = Some(NOW - time::Duration::days(200 * number));
                    if number % 2 == 0 {
                        input.sections = vec![sport];
                    }
                }),
                None,
                NOW,
            )
            .await
            .unwrap();
    }
    assert_eq!(
        store.first_publication(NOW).await.unwrap(),
        Some(NOW - time::Duration::days(1200))
    );
    let all = SearchFilter::default();
    let first = titles_with(store, "match", &all, 1).await;
    let second = titles_with(store, "match", &all, 2).await;
    let third = titles_with(store, "match", &all, 3).await;
    assert_eq!((first.len(), second.len(), third.len()), (3, 3, 1));
    let mut seen: Vec<String> = [first, second, third].concat();
    seen.sort();
    seen.dedup();
    assert_eq!(seen.len(), 7, "pages neither repeat nor skip");
    let in_sport = SearchFilter {
        term: Some(sport),
        between: None,
    };
    let mut found = titles_with(store, "match", &in_sport, 1).await;
    found.extend(titles_with(store, "match", &in_sport, 2).await);
    found.sort();
    assert_eq!(
        found,
        vec![
            "Match report 0",
            "Match report 2",
            "Match report 4",
            "Match report 6"
        ]
    );
    // A section's name is searched too.
    assert_eq!(titles_with(store, "sport", &all, 1).await.len(), 3);
    let year = NOW.year();
    let in_year = SearchFilter {
        term: None,
        between: Some((
            NOW.replace_date(
                time::Date::from_calendar_date(year, time::Month::January, 1).unwrap(),
            )
            .replace_time(time::Time::MIDNIGHT),
            NOW.replace_date(
                time::Date::from_calendar_date(year + 1, time::Month::January, 1).unwrap(),
            )
            .replace_time(time::Time::MIDNIGHT),
        )),
    };
    for title in titles_with(store, "match", &in_year, 1).await {
        let number: i64 = title.rsplit(' ').next().unwrap().parse().unwrap();
        let published = NOW - time::Duration::days(200 * number);
        assert_eq!(published.year(), year, "{title}");
    }
    // A renamed section is found by its new name.
    let edit = TermInput {
        name: "Athletics".into(),
        ..TermInput::default()
    }
    .validate(Taxonomy::Section)
    .unwrap();
    store.update_term(sport, &edit).await.unwrap();
    assert_eq!(titles_with(store, "athletics", &all, 1).await.len(), 3);
    assert!(titles_with(store, "sport", &all, 1).await.is_empty());
}

async fn hostile_queries_find_nothing_or_something_but_never_fail(store: &dyn Store) {
    store
        .insert_article(
            &article("An ordinary story", |input| {
                input.body_markdown = "Nothing to see: NEAR, OR, AND and NOT.".into();
            }),
            None,
            NOW,
        )
        .await
        .unwrap();
    let long = "x".repeat(10_000);
    let words = "story ".repeat(2_000);
    for query in [
        "\"",
        "\"\"\"",
        "*",
        "story*\"",
        "NEAR(a b, 3)",
        "title:story",
        "story OR",
        "AND NOT",
        "- ^ : ( ) { } [ ] ' \\ ; --",
        "'; DROP TABLE articles; --",
        "\u{0}\u{1}\u{7f}story",
        "!:*",
        "&|<->",
        long.as_str(),
        words.as_str(),
    ] {
        let found = store
            .search(
                &SearchQuery::parse(query),
                &SearchFilter::default(),
                NOW,
                Page {
                    number: 1,
                    size: 10,
                },
            )
            .await;
        assert!(found.is_ok(), "{query:?}: {found:?}");
    }
    assert_eq!(titles(store, "title:story").await.len(), 0);
    assert_eq!(titles(store, "story OR").await, vec!["An ordinary story"]);
    assert_eq!(titles(store, "NEAR").await, vec!["An ordinary story"]);
}

/// SQLite's integrity check reads the search index as written, whatever the reading
/// connections cached of it before (a pooled connection that searched before a write once
/// reported the index "malformed", and a damaged database stops the site).
#[tokio::test]
async fn the_integrity_check_sees_the_search_index_as_written() {
    let folder = tempfile::tempdir().unwrap();
    let store = SqliteStore::open(&folder.path().join("check.db"))
        .await
        .unwrap();
    for round in 0..12 {
        // Every pooled reader opens the index (four at once take four connections).
        let (query, filter) = (SearchQuery::parse("harbour"), SearchFilter::default());
        let search = || {
            store.search(
                &query,
                &filter,
                NOW,
                Page {
                    number: 1,
                    size: 10,
                },
            )
        };
        let (a, b, c, d) = tokio::join!(search(), search(), search(), search());
        for found in [a, b, c, d] {
            found.unwrap();
        }
        store
            .insert_article(
                &article(&format!("Harbour {round}"), |input| {
                    input.body_markdown = format!("The harbour, day {round}.");
                }),
                None,
                NOW,
            )
            .await
            .unwrap();
        assert_eq!(
            store.check_integrity().await.unwrap(),
            None,
            "round {round}"
        );
        assert_eq!(
            store.integrity_check().await.unwrap(),
            "ok",
            "round {round}"
        );
    }
}

/// Articles written straight into the database (a bulk import by hand) are indexed by the
/// catch-up the site runs as it starts, and an index made by an older tokenizer is rebuilt.
#[tokio::test]
async fn the_index_catches_up_when_the_store_opens() {
    use sqlx::Connection;
    let folder = tempfile::tempdir().unwrap();
    let path = folder.path().join("catch-up.db");
    let store = SqliteStore::open(&path).await.unwrap();
    store
        .insert_article(&article("Lighthouse keeper", |_| {}), None, NOW)
        .await
        .unwrap();
    store
        .put_setting("search_index_version", "0")
        .await
        .unwrap();
    store.close().await;
    let options = sqlx::sqlite::SqliteConnectOptions::new().filename(&path);
    let mut raw = sqlx::SqliteConnection::connect_with(&options)
        .await
        .unwrap();
    sqlx::query(
        "INSERT INTO articles (slug, title, body_markdown, status, published_at, updated_at,
            comments_open) VALUES ('by-hand', 'Lighthouse by hand', 'Written in SQL.',
            'published', ?, ?, 1)",
    )
    .bind((NOW - time::Duration::hours(2)).unix_timestamp())
    .bind(NOW.unix_timestamp())
    .execute(&mut raw)
    .await
    .unwrap();
    raw.close().await.unwrap();
    let store = SqliteStore::open(&path).await.unwrap();
    assert_eq!(store.catch_up_search().await.unwrap(), 2, "both, rebuilt");
    assert_eq!(store.catch_up_search().await.unwrap(), 0, "nothing left");
    let mut found = titles(&store, "lighthouse").await;
    found.sort();
    assert_eq!(found, vec!["Lighthouse by hand", "Lighthouse keeper"]);
    assert_eq!(
        store
            .setting("search_index_version")
            .await
            .unwrap()
            .as_deref(),
        Some("1")
    );
    assert_eq!(store.integrity_check().await.unwrap(), "ok");
}
