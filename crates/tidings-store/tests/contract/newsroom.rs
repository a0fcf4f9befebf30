//! The newsroom's storage (issue #11): article states and the trash, pages and their
//! paths, sections and tags, the admin's filtered lists.

use crate::support::*;
use tidings_domain::article::ArticleState;
use tidings_domain::term::TermInput;

on_every_backend!(
    the_trash_keeps_an_article_restorable_until_it_is_purged,
    pages_live_under_their_parents_and_move_with_them,
    every_article_has_a_section_and_tags_are_created_as_typed,
    sections_refuse_loops_and_merge_and_delete_keep_articles_filed,
    the_admin_list_filters_by_state_author_term_and_title,
    sticky_articles_and_updates_are_kept,
    a_terms_old_addresses_lead_to_it,
    a_sections_path_follows_its_ancestors_through_every_change,
    a_cursor_walks_a_list_without_skipping_or_repeating,
    a_query_filters_by_terms_words_ids_and_slugs_in_any_order,
);

async fn a_sections_path_follows_its_ancestors_through_every_change(store: &dyn Store) {
    let world = term(store, Taxonomy::Section, "World", None).await;
    let asia = term(store, Taxonomy::Section, "Asia", Some(world)).await;
    let japan = term(store, Taxonomy::Section, "Japan", Some(asia)).await;
    let tag = term(store, Taxonomy::Tag, "Typhoons", None).await;
    let path = |id| async move { store.term_by_id(id).await.unwrap().unwrap().permalink() };
    assert_eq!(path(japan).await, "/category/world/asia/japan/");
    assert_eq!(path(tag).await, "/tag/typhoons/");
    // A parent re-slugged: its whole subtree follows.
    let renamed = TermInput {
        name: "World".into(),
        slug: "planet".into(),
        ..TermInput::default()
    }
    .validate(Taxonomy::Section)
    .unwrap();
    store.update_term(world, &renamed).await.unwrap();
    assert_eq!(path(japan).await, "/category/planet/asia/japan/");
    // A parent deleted: its children move up to its parent, and their paths with them.
    assert!(store.delete_term(asia).await.unwrap());
    assert_eq!(path(japan).await, "/category/planet/japan/");
    // Merged away: the children of the merged section go to its parent.
    let europe = term(store, Taxonomy::Section, "Europe", None).await;
    let france = term(store, Taxonomy::Section, "France", Some(europe)).await;
    assert!(store.merge_terms(europe, world).await.unwrap());
    assert_eq!(path(france).await, "/category/france/");
    let sections = store.all_sections().await.unwrap();
    assert!(
        sections
            .iter()
            .any(|section| section.path == "planet/japan"),
        "{sections:?}"
    );
}

fn filter(kind: ArticleKind) -> ArticleFilter {
    ArticleFilter {
        kind,
        state: None,
        author: None,
        term: None,
        title_contains: None,
        now: NOW,
    }
}

const FIRST_PAGE: Page = Page {
    number: 1,
    size: 50,
};

async fn titles(store: &dyn Store, filter: &ArticleFilter) -> Vec<String> {
    let (listed, total) = store.list_articles(filter, FIRST_PAGE).await.unwrap();
    assert_eq!(listed.len() as u64, total);
    let mut titles: Vec<String> = listed
        .into_iter()
        .map(|summary| summary.article.title)
        .collect();
    titles.sort();
    titles
}

fn page(title: &str, parent: Option<ArticleId>) -> tidings_domain::article::ValidArticle {
    article(title, |input| {
        input.kind = Some(ArticleKind::Page);
        input.parent_id = parent;
    })
}

async fn term(store: &dyn Store, taxonomy: Taxonomy, name: &str, parent: Option<TermId>) -> TermId {
    let valid = TermInput {
        name: name.into(),
        parent_id: parent,
        ..TermInput::default()
    }
    .validate(taxonomy)
    .unwrap();
    store.insert_term(&valid).await.unwrap().id
}

async fn term_ids(store: &dyn Store, id: ArticleId) -> Vec<(Taxonomy, String)> {
    store
        .article_terms(id)
        .await
        .unwrap()
        .into_iter()
        .map(|term| (term.taxonomy, term.slug.to_string()))
        .collect()
}

async fn the_trash_keeps_an_article_restorable_until_it_is_purged(store: &dyn Store) {
    let story = store
        .insert_article(&article("Story", |_| {}), None, NOW)
        .await
        .unwrap();
    let kept = store
        .insert_article(&article("Kept", |_| {}), None, NOW)
        .await
        .unwrap();
    let trashed = store.trash_article(story.id, NOW).await.unwrap().unwrap();
    assert_eq!(trashed.status, ArticleStatus::Trash);
    assert_eq!(trashed.trashed, Some((NOW, ArticleStatus::Published)));
    assert!(store.trash_article(story.id, NOW).await.unwrap().is_none());
    let listed = store
        .published_articles(NOW, FIRST_PAGE)
        .await
        .unwrap()
        .items;
    assert_eq!(listed.len(), 1, "a trashed article leaves the site at once");
    let in_trash = ArticleFilter {
        state: Some(ArticleState::Trash),
        ..filter(ArticleKind::Article)
    };
    assert_eq!(titles(store, &in_trash).await, ["Story"]);
    assert_eq!(titles(store, &filter(ArticleKind::Article)).await, ["Kept"]);

    let restored = store.restore_article(story.id).await.unwrap().unwrap();
    assert_eq!(restored.status, ArticleStatus::Published);
    assert_eq!(restored.trashed, None);
    assert!(store.restore_article(story.id).await.unwrap().is_none());

    store.trash_article(story.id, NOW).await.unwrap().unwrap();
    let day = time::Duration::days(1);
    assert_eq!(store.purge_trash(NOW - day).await.unwrap(), 0);
    assert_eq!(store.purge_trash(NOW + day).await.unwrap(), 1);
    assert!(store.article_by_id(story.id).await.unwrap().is_none());
    assert!(store.article_by_id(kept.id).await.unwrap().is_some());
}

async fn pages_live_under_their_parents_and_move_with_them(store: &dyn Store) {
    let about = store
        .insert_article(&page("About", None), None, NOW)
        .await
        .unwrap();
    assert_eq!(about.permalink(), "/about/");
    let team = store
        .insert_article(&page("Team", Some(about.id)), None, NOW)
        .await
        .unwrap();
    assert_eq!(team.permalink(), "/about/team/");
    let editors = store
        .insert_article(&page("Editors", Some(team.id)), None, NOW)
        .await
        .unwrap();
    assert_eq!(editors.page_path.as_deref(), Some("about/team/editors"));
    // The same slug under another parent is another page; an article may share it too.
    let top_team = store
        .insert_article(&page("Team", None), None, NOW)
        .await
        .unwrap();
    assert_eq!(top_team.permalink(), "/team/");
    let article_team = store
        .insert_article(&article("Team", |_| {}), None, NOW)
        .await
        .unwrap();
    assert_eq!(article_team.slug.as_str(), "team");
    // A page cannot be filed under itself or what is under it.
    for parent in [about.id, editors.id] {
        let refused = store
            .update_article(about.id, &page("About", Some(parent)), NOW)
            .await;
        assert!(
            matches!(refused, Err(StoreError::Conflict { what: "parent" })),
            "{refused:?}"
        );
    }
    // Renaming a parent moves everything under it, and keeps the old address.
    let company = store
        .update_article(
            about.id,
            &article("About", |input| {
                input.kind = Some(ArticleKind::Page);
                input.slug = "company".into();
            }),
            NOW,
        )
        .await
        .unwrap()
        .unwrap();
    assert_eq!(company.permalink(), "/company/");
    let moved = store.article_by_id(editors.id).await.unwrap().unwrap();
    assert_eq!(moved.permalink(), "/company/team/editors/");
    assert_eq!(
        store
            .page_by_path("company/team")
            .await
            .unwrap()
            .map(|p| p.id),
        Some(team.id)
    );
    assert_eq!(store.redirect_for("/about/").await.unwrap(), Some(about.id));
    assert!(store.page_by_path("about/team").await.unwrap().is_none());
    // A parent with subpages stays out of the trash.
    assert!(matches!(
        store.trash_article(company.id, NOW).await,
        Err(StoreError::Conflict { what: "subpages" })
    ));
    store.trash_article(editors.id, NOW).await.unwrap().unwrap();
    store.trash_article(team.id, NOW).await.unwrap().unwrap();
    assert!(matches!(
        store.restore_article(editors.id).await,
        Err(StoreError::Conflict { what: "parent" })
    ));
    let pages = filter(ArticleKind::Page);
    assert_eq!(titles(store, &pages).await, ["About", "Team"]);
    assert_eq!(
        store
            .purge_trash(NOW + time::Duration::days(1))
            .await
            .unwrap(),
        2
    );
}

async fn every_article_has_a_section_and_tags_are_created_as_typed(store: &dyn Store) {
    let default = store.default_section().await.unwrap();
    let plain = store
        .insert_article(&article("Plain", |_| {}), None, NOW)
        .await
        .unwrap();
    assert_eq!(
        term_ids(store, plain.id).await,
        [(Taxonomy::Section, "uncategorised".to_owned())]
    );
    let world = term(store, Taxonomy::Section, "World", None).await;
    let europe = term(store, Taxonomy::Section, "Europe", Some(world)).await;
    let tagged = store
        .insert_article(
            &article("Tagged", |input| {
                input.sections = vec![europe, world, TermId(999_999), default];
                input.tags = vec!["Élections".into(), "Paris".into(), "paris".into()];
            }),
            None,
            NOW,
        )
        .await
        .unwrap();
    assert_eq!(
        term_ids(store, tagged.id).await,
        [
            (Taxonomy::Section, "europe".to_owned()),
            (Taxonomy::Section, "world".to_owned()),
            (Taxonomy::Section, "uncategorised".to_owned()),
            (Taxonomy::Tag, "elections".to_owned()),
            (Taxonomy::Tag, "paris".to_owned()),
        ]
    );
    let paris = store
        .term_by_slug(Taxonomy::Tag, "paris")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(paris.name, "Paris");
    // Saving again replaces them; a tag id typed as a section does not count.
    store
        .update_article(
            tagged.id,
            &article("Tagged", |input| input.sections = vec![paris.id]),
            NOW,
        )
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        term_ids(store, tagged.id).await,
        [(Taxonomy::Section, "uncategorised".to_owned())]
    );
    let tags = store.terms(Taxonomy::Tag).await.unwrap();
    let counts: Vec<(String, u64)> = tags
        .into_iter()
        .map(|used| (used.term.name, used.articles))
        .collect();
    assert_eq!(
        counts,
        [("Élections".to_owned(), 0), ("Paris".to_owned(), 0)]
    );
}

async fn sections_refuse_loops_and_merge_and_delete_keep_articles_filed(store: &dyn Store) {
    let world = term(store, Taxonomy::Section, "World", None).await;
    let europe = term(store, Taxonomy::Section, "Europe", Some(world)).await;
    let france = term(store, Taxonomy::Section, "France", Some(europe)).await;
    let edit = |name: &str, parent: Option<TermId>| {
        TermInput {
            name: name.into(),
            parent_id: parent,
            ..TermInput::default()
        }
        .validate(Taxonomy::Section)
        .unwrap()
    };
    let looped = store.update_term(world, &edit("World", Some(france))).await;
    assert!(matches!(
        looped,
        Err(StoreError::Conflict { what: "parent" })
    ));
    let tag = term(store, Taxonomy::Tag, "Paris", None).await;
    let under_tag = store.update_term(world, &edit("World", Some(tag))).await;
    assert!(matches!(
        under_tag,
        Err(StoreError::Conflict { what: "parent" })
    ));
    let taken = store
        .update_term(europe, &edit("France", Some(world)))
        .await;
    assert!(matches!(taken, Err(StoreError::Conflict { what: "slug" })));
    let renamed = store
        .update_term(europe, &edit("Europe and the EU", Some(world)))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(renamed.slug.as_str(), "europe-and-the-eu");

    let story = store
        .insert_article(
            &article("Story", |input| input.sections = vec![france]),
            None,
            NOW,
        )
        .await
        .unwrap();
    let other = store
        .insert_article(
            &article("Other", |input| input.sections = vec![france, world]),
            None,
            NOW,
        )
        .await
        .unwrap();
    // Merging France into World files its articles there and moves nothing twice.
    assert!(store.merge_terms(france, world).await.unwrap());
    assert!(store.term_by_id(france).await.unwrap().is_none());
    assert_eq!(
        term_ids(store, story.id).await,
        [(Taxonomy::Section, "world".to_owned())]
    );
    assert_eq!(
        term_ids(store, other.id).await,
        [(Taxonomy::Section, "world".to_owned())]
    );
    assert!(
        !store.merge_terms(world, tag).await.unwrap(),
        "across taxonomies"
    );
    // Deleting World: Europe moves to the top, the articles go to the default section.
    assert!(store.delete_term(world).await.unwrap());
    let europe_now = store.term_by_id(europe).await.unwrap().unwrap();
    assert_eq!(europe_now.parent_id, None);
    assert_eq!(
        term_ids(store, story.id).await,
        [(Taxonomy::Section, "uncategorised".to_owned())]
    );
    let default = store.default_section().await.unwrap();
    assert!(matches!(
        store.delete_term(default).await,
        Err(StoreError::Conflict {
            what: "default section"
        })
    ));
    // Merging the default section away makes the target the default.
    assert!(store.merge_terms(default, europe).await.unwrap());
    assert_eq!(store.default_section().await.unwrap(), europe);
    assert_eq!(
        term_ids(store, story.id).await,
        [(Taxonomy::Section, "europe-and-the-eu".to_owned())]
    );
    assert!(!store.delete_term(TermId(999_999)).await.unwrap());
}

async fn the_admin_list_filters_by_state_author_term_and_title(store: &dyn Store) {
    let author = store
        .insert_user(
            &NewUser {
                email: "writer@example.com".into(),
                display_name: "Writer".into(),
                role: Role::Editor,
                password_hash: "hash".into(),
            },
            NOW,
        )
        .await
        .unwrap();
    let politics = term(store, Taxonomy::Section, "Politics", None).await;
    let with = |status: ArticleStatus, days: i64| {
        move |input: &mut ArticleInput| {
            input.status = Some(status);
            input.published_at = Some(NOW + time::Duration::days(days));
        }
    };
    for (title, status, days, by) in [
        (
            "Budget 100% passed",
            ArticleStatus::Published,
            -1,
            Some(author.id),
        ),
        ("Budget_draft", ArticleStatus::Draft, 0, None),
        ("Pending budget", ArticleStatus::Pending, 0, Some(author.id)),
        ("Tomorrow", ArticleStatus::Published, 1, None),
        ("Secret", ArticleStatus::Private, 0, None),
    ] {
        let mut valid = article(title, with(status, days));
        if title == "Secret" {
            valid.sections = vec![politics];
        }
        store.insert_article(&valid, by, NOW).await.unwrap();
    }
    let by_state = |state| ArticleFilter {
        state: Some(state),
        ..filter(ArticleKind::Article)
    };
    assert_eq!(
        titles(store, &by_state(ArticleState::Scheduled)).await,
        ["Tomorrow"]
    );
    assert_eq!(
        titles(store, &by_state(ArticleState::Published)).await,
        ["Budget 100% passed"]
    );
    assert_eq!(
        titles(store, &by_state(ArticleState::Pending)).await,
        ["Pending budget"]
    );
    assert_eq!(
        titles(store, &by_state(ArticleState::Private)).await,
        ["Secret"]
    );
    let by_author = ArticleFilter {
        author: Some(author.id),
        ..filter(ArticleKind::Article)
    };
    assert_eq!(
        titles(store, &by_author).await,
        ["Budget 100% passed", "Pending budget"]
    );
    let by_section = ArticleFilter {
        term: Some(politics),
        ..filter(ArticleKind::Article)
    };
    assert_eq!(titles(store, &by_section).await, ["Secret"]);
    let search = |words: &str| ArticleFilter {
        title_contains: Some(words.into()),
        ..filter(ArticleKind::Article)
    };
    assert_eq!(
        titles(store, &search("BUDGET")).await,
        ["Budget 100% passed", "Budget_draft", "Pending budget"]
    );
    // `%` and `_` are letters in a search, not patterns.
    assert_eq!(titles(store, &search("100%")).await, ["Budget 100% passed"]);
    assert_eq!(titles(store, &search("b_dget")).await, Vec::<String>::new());
    assert_eq!(titles(store, &search("budget_")).await, ["Budget_draft"]);
    let mut counts = store
        .count_by_state(ArticleKind::Article, NOW)
        .await
        .unwrap();
    counts.sort_by_key(|(state, _)| state.as_str());
    assert_eq!(
        counts,
        [
            (ArticleState::Draft, 1),
            (ArticleState::Pending, 1),
            (ArticleState::Private, 1),
            (ArticleState::Published, 1),
            (ArticleState::Scheduled, 1),
        ]
    );
    assert!(
        store
            .count_by_state(ArticleKind::Page, NOW)
            .await
            .unwrap()
            .is_empty()
    );
}

async fn sticky_articles_and_updates_are_kept(store: &dyn Store) {
    let pinned = store
        .insert_article(
            &article("Pinned", |input| {
                input.sticky = true;
                input.subtitle = "A standfirst".into();
                input.excerpt = "By hand.".into();
            }),
            None,
            NOW,
        )
        .await
        .unwrap();
    store
        .insert_article(&article("Plain", |_| {}), None, NOW)
        .await
        .unwrap();
    let sticky = store.sticky_articles(NOW).await.unwrap();
    assert_eq!(sticky.len(), 1);
    assert_eq!(sticky[0].article.subtitle, "A standfirst");
    assert_eq!(sticky[0].article.excerpt(), "By hand.");
    // A save that revises the text stores its time; a later save without one keeps it.
    let later = NOW + time::Duration::hours(2);
    let mut revised = article("Pinned", |input| input.sticky = true);
    revised.revised_at = Some(later);
    let saved = store
        .update_article(pinned.id, &revised, later)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(saved.revised_at, Some(later));
    let saved = store
        .update_article(pinned.id, &article("Pinned", |_| {}), later)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(saved.revised_at, Some(later));
    assert!(!saved.sticky);
    assert!(store.sticky_articles(NOW).await.unwrap().is_empty());
}

/// A section's or tag's old addresses lead to it after a re-slug or a merge, never in a
/// chain, and an address in use again stops being an old one.
async fn a_terms_old_addresses_lead_to_it(store: &dyn Store) {
    let edit = |name: &str, slug: &str| {
        TermInput {
            name: name.into(),
            slug: slug.into(),
            ..TermInput::default()
        }
        .validate(Taxonomy::Tag)
        .unwrap()
    };
    let paris = term(store, Taxonomy::Tag, "Paris", None).await;
    store
        .update_term(paris, &edit("Paris", "paris-france"))
        .await
        .unwrap()
        .unwrap();
    store
        .update_term(paris, &edit("Paris", "ville-de-paris"))
        .await
        .unwrap()
        .unwrap();
    for old in ["paris", "paris-france"] {
        let found = store.term_redirect(Taxonomy::Tag, old).await.unwrap();
        assert_eq!(
            found.map(|term| term.slug.to_string()),
            Some("ville-de-paris".into())
        );
    }
    assert!(
        store
            .term_redirect(Taxonomy::Section, "paris")
            .await
            .unwrap()
            .is_none()
    );
    // Merged: its addresses, old and last, lead to the term it joined.
    let france = term(store, Taxonomy::Tag, "France", None).await;
    assert!(store.merge_terms(paris, france).await.unwrap());
    for old in ["paris", "paris-france", "ville-de-paris"] {
        let found = store.term_redirect(Taxonomy::Tag, old).await.unwrap();
        assert_eq!(found.map(|term| term.id), Some(france), "{old}");
    }
    // A new tag called Paris takes its address back.
    term(store, Taxonomy::Tag, "Paris", None).await;
    assert!(
        store
            .term_redirect(Taxonomy::Tag, "paris")
            .await
            .unwrap()
            .is_none()
    );
}

async fn a_cursor_walks_a_list_without_skipping_or_repeating(store: &dyn Store) {
    // Two share a date: the id breaks the tie, so neither is lost at a page's edge.
    for (title, minutes, status) in [
        ("A", -50, ArticleStatus::Published),
        ("B", -40, ArticleStatus::Published),
        ("C", -40, ArticleStatus::Published),
        ("D", -30, ArticleStatus::Published),
        ("Draft", -20, ArticleStatus::Draft),
        ("E", -10, ArticleStatus::Published),
    ] {
        let valid = article(title, |input| {
            input.status = Some(status);
            input.published_at = Some(NOW + time::Duration::minutes(minutes));
        });
        store.insert_article(&valid, None, NOW).await.unwrap();
    }
    let published = ArticleFilter {
        state: Some(ArticleState::Published),
        ..filter(ArticleKind::Article)
    };
    let mut seen = Vec::new();
    let mut after = None;
    loop {
        let page = store.articles_after(&published, after, 2).await.unwrap();
        assert!(page.items.len() <= 2);
        seen.extend(page.items.iter().map(|s| s.article.title.clone()));
        let Some(last) = page.items.last() else { break };
        after = Some((last.article.published_at, last.article.id));
        if !page.more {
            break;
        }
    }
    assert_eq!(seen, ["E", "D", "C", "B", "A"]);
    // An article published at the top meanwhile does not shift the next page.
    let first = store.articles_after(&published, None, 2).await.unwrap();
    let last = first.items.last().unwrap();
    let cursor = Some((last.article.published_at, last.article.id));
    let newest = article("F", |input| {
        input.status = Some(ArticleStatus::Published);
        input.published_at = Some(NOW - time::Duration::minutes(1));
    });
    store.insert_article(&newest, None, NOW).await.unwrap();
    let next = store.articles_after(&published, cursor, 2).await.unwrap();
    assert_eq!(
        next.items
            .iter()
            .map(|s| s.article.title.as_str())
            .collect::<Vec<_>>(),
        ["C", "B"]
    );
}

async fn a_query_filters_by_terms_words_ids_and_slugs_in_any_order(store: &dyn Store) {
    let sports = term(store, Taxonomy::Section, "Sports", None).await;
    let boats = term(store, Taxonomy::Tag, "Boats", None).await;
    let mut ids = Vec::new();
    for (title, minutes, body, filed) in [
        ("Cricket", -50, "A match at the oval.", Some(sports)),
        ("apples", -40, "Orchards 100% organic.", None),
        ("Boat race", -30, "Rowing on the river.", Some(boats)),
        ("Zebra", -20, "At the zoo.", None),
    ] {
        let mut valid = article(title, |input| {
            input.status = Some(ArticleStatus::Published);
            input.published_at = Some(NOW + time::Duration::minutes(minutes));
            input.body_markdown = body.into();
            if filed == Some(boats) {
                input.tags = vec!["Boats".into()];
            }
        });
        if filed == Some(sports) {
            valid.sections = vec![sports];
        }
        ids.push(store.insert_article(&valid, None, NOW).await.unwrap().id);
    }
    let query = |change: &dyn Fn(&mut ArticleQuery)| {
        let mut query = ArticleQuery {
            filter: ArticleFilter {
                state: Some(ArticleState::Published),
                ..filter(ArticleKind::Article)
            },
            any_terms: Vec::new(),
            any_terms_too: Vec::new(),
            words: None,
            ids: ids.clone(),
            slugs: Vec::new(),
            parent: None,
            order: ArticleOrder::Date,
            ascending: false,
        };
        change(&mut query);
        query
    };
    let titles = |query: ArticleQuery, page: Page| async move {
        let (items, total) = store.query_articles(&query, page).await.unwrap();
        (
            items
                .into_iter()
                .map(|summary| summary.article.title)
                .collect::<Vec<_>>(),
            total,
        )
    };
    assert_eq!(
        titles(query(&|_| {}), FIRST_PAGE).await,
        (
            vec![
                "Zebra".into(),
                "Boat race".into(),
                "apples".into(),
                "Cricket".into()
            ],
            4
        )
    );
    let by_title = query(&|q| {
        q.order = ArticleOrder::Title;
        q.ascending = true;
    });
    assert_eq!(
        titles(by_title, Page { number: 2, size: 2 }).await,
        (vec!["Cricket".into(), "Zebra".into()], 4),
        "the second page of two, titles in any case"
    );
    assert_eq!(
        titles(query(&|q| q.any_terms = vec![sports, boats]), FIRST_PAGE).await,
        (vec!["Boat race".into(), "Cricket".into()], 2)
    );
    assert_eq!(
        titles(
            query(&|q| {
                q.any_terms = vec![sports, boats];
                q.any_terms_too = vec![boats];
            }),
            FIRST_PAGE
        )
        .await,
        (vec!["Boat race".into()], 1)
    );
    assert_eq!(
        titles(
            query(&|q| q.words = Some("100% ORGANIC".into())),
            FIRST_PAGE
        )
        .await,
        (vec!["apples".into()], 1),
        "words in the body, any case, % as itself"
    );
    assert_eq!(
        titles(query(&|q| q.slugs = vec!["zebra".into()]), FIRST_PAGE).await,
        (vec!["Zebra".into()], 1)
    );
    assert_eq!(
        titles(query(&|q| q.ids = vec![ids[0]]), FIRST_PAGE).await,
        (vec!["Cricket".into()], 1)
    );
}
