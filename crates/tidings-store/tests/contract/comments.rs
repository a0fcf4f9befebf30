//! Comments: the submission guard, moderation, the admin's list, ids.

use crate::support::*;

on_every_backend!(
    the_submission_guard_refuses_floods_and_duplicates_in_the_insert,
    comments_move_between_statuses_and_deletion_reparents_replies,
    racing_submissions_from_one_address_let_one_through,
    hourly_limits_and_spent_proofs_refuse_comments,
    ids_are_never_reused,
    comment_lists_page_by_key_both_ways,
    comments_are_found_by_status_article_email_and_words,
    comments_page_by_number_with_a_total_and_only_on_public_articles,
);

async fn the_submission_guard_refuses_floods_and_duplicates_in_the_insert(store: &dyn Store) {
    let article = store
        .insert_article(&article("Guarded", |_| {}), None, NOW)
        .await
        .unwrap();
    let guard = SubmissionGuard {
        flood_since: Some(NOW - time::Duration::seconds(14)),
        reject_duplicates: true,
        ..SubmissionGuard::default()
    };
    let first = comment(article.id, "first", |_| {});
    assert!(store.insert_comment(&first, &guard).await.unwrap().is_ok());
    let same_ip = comment(article.id, "second", |record| {
        record.author_email = "other@example.com".into()
    });
    assert_eq!(
        store.insert_comment(&same_ip, &guard).await.unwrap(),
        Err(Refusal::Flood)
    );
    let same_email = comment(article.id, "third", |record| {
        record.ip = "203.0.113.2".into()
    });
    assert_eq!(
        store.insert_comment(&same_email, &guard).await.unwrap(),
        Err(Refusal::Flood)
    );
    let empty_emails = |content: &str, ip: &str| {
        comment(article.id, content, |record| {
            record.author_email = String::new();
            record.ip = ip.into();
        })
    };
    assert!(
        store
            .insert_comment(&empty_emails("a", "203.0.113.3"), &guard)
            .await
            .unwrap()
            .is_ok()
    );
    assert!(
        store
            .insert_comment(&empty_emails("b", "203.0.113.4"), &guard)
            .await
            .unwrap()
            .is_ok(),
        "empty emails are nobody in particular"
    );

    let no_flood = SubmissionGuard {
        flood_since: None,
        reject_duplicates: true,
        ..SubmissionGuard::default()
    };
    assert_eq!(
        store.insert_comment(&first, &no_flood).await.unwrap(),
        Err(Refusal::Duplicate)
    );
    let trashed = store
        .find_comments(
            &CommentQuery {
                status: Some(CommentStatus::Approved),
                ..CommentQuery::default()
            },
            KeysetPage::Newest,
            10,
        )
        .await
        .unwrap()
        .items;
    let first_id = trashed
        .iter()
        .find(|queued| queued.comment.content == "first")
        .unwrap()
        .comment
        .id;
    store
        .set_comment_status(
            first_id,
            CommentStatus::Trash,
            Some(CommentStatus::Approved),
        )
        .await
        .unwrap();
    assert!(
        store
            .insert_comment(&first, &no_flood)
            .await
            .unwrap()
            .is_ok(),
        "a trashed comment is no duplicate"
    );
}

async fn comments_move_between_statuses_and_deletion_reparents_replies(store: &dyn Store) {
    let article = store
        .insert_article(&article("Threads", |_| {}), None, NOW)
        .await
        .unwrap();
    let top = insert(store, &comment(article.id, "top", |_| {})).await;
    let middle = insert(
        store,
        &comment(article.id, "middle", |record| record.parent_id = Some(top)),
    )
    .await;
    let bottom = insert(
        store,
        &comment(article.id, "bottom", |record| {
            record.parent_id = Some(middle)
        }),
    )
    .await;
    store
        .set_comment_status(middle, CommentStatus::Spam, Some(CommentStatus::Approved))
        .await
        .unwrap();
    let spam = store.comment_by_id(middle).await.unwrap().unwrap();
    assert_eq!(
        (spam.status, spam.status_before),
        (CommentStatus::Spam, Some(CommentStatus::Approved))
    );
    let counts = store.comment_counts().await.unwrap();
    assert_eq!(
        (counts.approved, counts.spam, counts.pending, counts.trash),
        (2, 1, 0, 0)
    );
    let approved: Vec<CommentId> = store
        .approved_comments(article.id)
        .await
        .unwrap()
        .iter()
        .map(|c| c.id)
        .collect();
    assert_eq!(approved, [top, bottom]);
    let public = store.approved_comments(article.id).await.unwrap();
    assert!(
        public.iter().all(|comment| comment.author_email.is_empty()
            && comment.ip.is_empty()
            && comment.user_agent.is_empty()
            && comment.content_html.is_some()),
        "public pages load no private field: {public:?}"
    );
    store.delete_comment(middle).await.unwrap();
    assert!(store.comment_by_id(middle).await.unwrap().is_none());
    assert_eq!(
        store
            .comment_by_id(bottom)
            .await
            .unwrap()
            .unwrap()
            .parent_id,
        Some(top)
    );
    assert!(
        store
            .has_approved_comment_from("Ada", "ada@example.com")
            .await
            .unwrap()
    );
    assert!(
        !store
            .has_approved_comment_from("Ada", "someone@example.com")
            .await
            .unwrap()
    );
}

async fn racing_submissions_from_one_address_let_one_through(store: &dyn Store) {
    let article = store
        .insert_article(&article("Race", |_| {}), None, NOW)
        .await
        .unwrap();
    let guard = SubmissionGuard {
        flood_since: Some(NOW - time::Duration::seconds(14)),
        reject_duplicates: true,
        ..SubmissionGuard::default()
    };
    let records: Vec<CommentRecord> = (0..8)
        .map(|number| {
            comment(article.id, &format!("racer {number}"), |record| {
                record.author_email = format!("racer{number}@example.com")
            })
        })
        .collect();
    let attempt = |index: usize| store.insert_comment(&records[index], &guard);
    let outcomes = tokio::join!(
        attempt(0),
        attempt(1),
        attempt(2),
        attempt(3),
        attempt(4),
        attempt(5),
        attempt(6),
        attempt(7)
    );
    let outcomes = [
        outcomes.0, outcomes.1, outcomes.2, outcomes.3, outcomes.4, outcomes.5, outcomes.6,
        outcomes.7,
    ];
    let accepted = outcomes
        .iter()
        .filter(|outcome| matches!(outcome, Ok(Ok(_))))
        .count();
    let flooded = outcomes
        .iter()
        .filter(|outcome| matches!(outcome, Ok(Err(Refusal::Flood))))
        .count();
    assert_eq!((accepted, flooded), (1, 7), "{outcomes:?}");
}

async fn hourly_limits_and_spent_proofs_refuse_comments(store: &dyn Store) {
    let article = store
        .insert_article(&article("Limits", |_| {}), None, NOW)
        .await
        .unwrap();
    let guard = SubmissionGuard {
        rate_since: Some(NOW - time::Duration::hours(1)),
        max_per_ip: 3,
        max_per_email: 2,
        ..SubmissionGuard::default()
    };
    let from = |number: u32, ip: &str, email: &str| {
        comment(article.id, &format!("comment {number}"), |record| {
            record.ip = ip.into();
            record.author_email = email.into();
        })
    };
    for (number, email) in [
        (1, "a@example.com"),
        (2, "b@example.com"),
        (3, "a@example.com"),
    ] {
        let outcome = store
            .insert_comment(&from(number, "198.51.100.1", email), &guard)
            .await
            .unwrap();
        assert!(outcome.is_ok(), "comment {number}: {outcome:?}");
    }
    assert_eq!(
        store
            .insert_comment(&from(4, "198.51.100.1", "c@example.com"), &guard)
            .await
            .unwrap(),
        Err(Refusal::RateLimited),
        "a fourth comment from one address in an hour"
    );
    assert_eq!(
        store
            .insert_comment(&from(5, "198.51.100.2", "a@example.com"), &guard)
            .await
            .unwrap(),
        Err(Refusal::RateLimited),
        "a third comment from one email in an hour"
    );
    let later = SubmissionGuard {
        rate_since: Some(NOW + time::Duration::seconds(1)),
        ..guard.clone()
    };
    assert!(
        store
            .insert_comment(&from(6, "198.51.100.1", "a@example.com"), &later)
            .await
            .unwrap()
            .is_ok(),
        "older comments fall out of the window"
    );

    let proven = |number| {
        comment(article.id, &format!("proven {number}"), |record| {
            record.proof = Some("challenge-1".into());
            record.ip = format!("198.51.100.{}", 10 + number);
            record.author_email = format!("p{number}@example.com");
        })
    };
    assert!(
        store
            .insert_comment(&proven(1), &SubmissionGuard::default())
            .await
            .unwrap()
            .is_ok()
    );
    assert_eq!(
        store
            .insert_comment(&proven(2), &SubmissionGuard::default())
            .await
            .unwrap(),
        Err(Refusal::ProofReused)
    );
}

/// A deleted row's id never comes back: signed links name ids.
async fn ids_are_never_reused(store: &dyn Store) {
    let article = store
        .insert_article(&article("Ids", |_| {}), None, NOW)
        .await
        .unwrap();
    let first = insert(store, &comment(article.id, "first", |_| {})).await;
    let newest = insert(store, &comment(article.id, "newest", |_| {})).await;
    store.delete_comment(newest).await.unwrap();
    let next = insert(store, &comment(article.id, "next", |_| {})).await;
    assert!(next > newest && newest > first, "{first} {newest} {next}");
}

/// The admin's list pages by key: every comment once, in order, both ways, however many
/// share a second.
async fn comment_lists_page_by_key_both_ways(store: &dyn Store) {
    let article = store
        .insert_article(&article("Busy", |_| {}), None, NOW)
        .await
        .unwrap();
    let mut expected = Vec::new();
    for number in 0..23_i64 {
        // Three to a second, so pages split inside one moment.
        let at = NOW - time::Duration::seconds(100 - number / 3);
        expected.push(
            insert(
                store,
                &comment(article.id, &format!("comment {number}"), |record| {
                    record.created_at = at;
                    record.status = CommentStatus::Pending;
                }),
            )
            .await,
        );
    }
    expected.reverse();
    let query = CommentQuery {
        status: Some(CommentStatus::Pending),
        ..CommentQuery::default()
    };
    let mut seen = Vec::new();
    let mut page = KeysetPage::Newest;
    let mut pages = Vec::new();
    loop {
        let listed = store.find_comments(&query, page, 5).await.unwrap();
        assert!(listed.items.len() <= 5);
        pages.push(
            listed
                .items
                .iter()
                .map(|queued| queued.comment.id)
                .collect::<Vec<_>>(),
        );
        seen.extend(listed.items.iter().map(|queued| queued.comment.id));
        let last = &listed.items.last().unwrap().comment;
        if !listed.more {
            break;
        }
        page = KeysetPage::OlderThan(last.created_at, last.id);
    }
    assert_eq!(seen, expected, "every comment once, newest first");
    assert_eq!(pages.len(), 5);
    // Back from the last page to the first.
    let mut back = pages.len() - 1;
    let mut first_on_page = store.comment_by_id(pages[back][0]).await.unwrap().unwrap();
    while back > 0 {
        let listed = store
            .find_comments(
                &query,
                KeysetPage::NewerThan(first_on_page.created_at, first_on_page.id),
                5,
            )
            .await
            .unwrap();
        back -= 1;
        let ids: Vec<_> = listed
            .items
            .iter()
            .map(|queued| queued.comment.id)
            .collect();
        assert_eq!(ids, pages[back]);
        assert_eq!(listed.more, back > 0);
        first_on_page = listed.items[0].comment.clone();
    }
}

async fn comments_are_found_by_status_article_email_and_words(store: &dyn Store) {
    let first = store
        .insert_article(&article("First", |_| {}), None, NOW)
        .await
        .unwrap();
    let second = store
        .insert_article(&article("Second", |_| {}), None, NOW)
        .await
        .unwrap();
    let ada = insert(
        store,
        &comment(first.id, "About 100% of the bridge", |_| {}),
    )
    .await;
    let bob = insert(
        store,
        &comment(second.id, "Pending words", |record| {
            record.author_name = "Bob".into();
            record.author_email = "Bob@Example.com".into();
            record.status = CommentStatus::Pending;
            record.ip = "192.0.2.77".into();
            record.spam_score = Some(0.25);
        }),
    )
    .await;
    let ids = |found: Vec<QueuedComment>| -> Vec<CommentId> {
        found.iter().map(|queued| queued.comment.id).collect()
    };
    let find = |query: CommentQuery| async move {
        store
            .find_comments(&query, KeysetPage::Newest, 10)
            .await
            .unwrap()
            .items
    };
    assert_eq!(ids(find(CommentQuery::default()).await), vec![bob, ada]);
    let pending = find(CommentQuery {
        status: Some(CommentStatus::Pending),
        ..CommentQuery::default()
    })
    .await;
    assert_eq!(ids(pending.clone()), vec![bob]);
    assert_eq!(pending[0].spam_score, Some(0.25));
    assert_eq!(pending[0].article_title, "Second");
    assert_eq!(
        ids(find(CommentQuery {
            article_id: Some(first.id),
            ..CommentQuery::default()
        })
        .await),
        vec![ada]
    );
    assert_eq!(
        ids(find(CommentQuery {
            email: Some("bob@example.com".into()),
            ..CommentQuery::default()
        })
        .await),
        vec![bob],
        "email in any case"
    );
    for (search, expected) in [
        ("BRIDGE", vec![ada]),
        ("100%", vec![ada]),
        ("0%", vec![ada]),
        ("_", vec![]),
        ("192.0.2", vec![bob]),
        ("bob@", vec![bob]),
        ("ada", vec![ada]),
    ] {
        assert_eq!(
            ids(find(CommentQuery {
                search: search.into(),
                ..CommentQuery::default()
            })
            .await),
            expected,
            "search {search:?}"
        );
    }
    let edit = CommentEdit {
        author_name: "Ada L.".into(),
        author_email: "ada@example.com".into(),
        author_url: "https://ada.example/".into(),
        content: "Edited".into(),
        content_html: "<p>Edited</p>".into(),
    };
    let public = store.approved_comments(first.id).await.unwrap();
    assert_eq!(public[0].avatar_key.as_deref(), Some("key"));
    assert_eq!(
        public[0].author_email, "",
        "public reads leave out the email"
    );
    assert!(store.edit_comment(ada, &edit, NOW).await.unwrap());
    let edited = store.comment_by_id(ada).await.unwrap().unwrap();
    assert_eq!(
        (edited.author_name.as_str(), edited.content.as_str()),
        ("Ada L.", "Edited")
    );
    assert!(
        !store
            .edit_comment(CommentId(999_999), &edit, NOW)
            .await
            .unwrap()
    );
}

async fn comments_page_by_number_with_a_total_and_only_on_public_articles(store: &dyn Store) {
    let public = store
        .insert_article(
            &article("Public", |input| {
                input.status = Some(ArticleStatus::Published);
                input.published_at = Some(NOW - time::Duration::hours(1));
            }),
            None,
            NOW,
        )
        .await
        .unwrap();
    let draft = store
        .insert_article(
            &article("Draft", |input| input.status = Some(ArticleStatus::Draft)),
            None,
            NOW,
        )
        .await
        .unwrap();
    let mut on_public = Vec::new();
    for n in 0..3 {
        let text = format!("Comment number {n}");
        on_public.push(
            insert(
                store,
                &comment(public.id, &text, |record| {
                    record.created_at = NOW + time::Duration::minutes(n);
                    record.author_email = format!("reader{n}@example.com");
                }),
            )
            .await,
        );
    }
    insert(store, &comment(draft.id, "On a draft", |_| {})).await;
    let approved = CommentQuery {
        status: Some(CommentStatus::Approved),
        ..CommentQuery::default()
    };
    let page = |number, size| Page { number, size };
    let (first, total) = store
        .comment_page(&approved, Some(NOW), false, page(1, 2))
        .await
        .unwrap();
    assert_eq!(total, 3, "the draft's comment is not counted");
    assert_eq!(
        first.iter().map(|c| c.id).collect::<Vec<_>>(),
        [on_public[2], on_public[1]],
        "newest first"
    );
    assert_eq!(first[0].author_email, "reader2@example.com", "every field");
    let (second, _) = store
        .comment_page(&approved, Some(NOW), false, page(2, 2))
        .await
        .unwrap();
    assert_eq!(
        second.iter().map(|c| c.id).collect::<Vec<_>>(),
        [on_public[0]]
    );
    let (oldest, _) = store
        .comment_page(&approved, Some(NOW), true, page(1, 1))
        .await
        .unwrap();
    assert_eq!(oldest[0].id, on_public[0]);
    let (everywhere, total) = store
        .comment_page(&approved, None, false, page(1, 10))
        .await
        .unwrap();
    assert_eq!((everywhere.len(), total), (4, 4));
    let one_article = CommentQuery {
        article_id: Some(draft.id),
        ..approved
    };
    assert_eq!(
        store
            .comment_page(&one_article, Some(NOW), false, page(1, 10))
            .await
            .unwrap()
            .1,
        0
    );
}
