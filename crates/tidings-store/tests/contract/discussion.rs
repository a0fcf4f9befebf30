//! Spam-filter learning, reports, subscriptions, personal data.

use crate::support::*;

on_every_backend!(
    the_spam_filter_learns_and_unlearns,
    reports_are_counted_and_rate_limited,
    subscriptions_are_confirmed_listed_and_deleted,
    personal_data_is_erased_and_old_data_purged,
);

async fn the_spam_filter_learns_and_unlearns(store: &dyn Store) {
    use tidings_domain::spam_filter::{DOCUMENTS, Label, TokenCounts};
    let article = store
        .insert_article(&article("Spam", |_| {}), None, NOW)
        .await
        .unwrap();
    let id = insert(store, &comment(article.id, "pills", |_| {})).await;
    let tokens = vec!["pills".to_owned(), "cheap".to_owned()];
    let counts = |spam, ham| TokenCounts { spam, ham };
    store
        .train_spam_filter(id, &tokens, Some(Label::Spam))
        .await
        .unwrap();
    // Training twice the same way counts once.
    store
        .train_spam_filter(id, &tokens, Some(Label::Spam))
        .await
        .unwrap();
    let learnt = store.spam_token_counts(&tokens).await.unwrap();
    assert_eq!(learnt.get("pills"), Some(&counts(1, 0)));
    assert_eq!(learnt.get(DOCUMENTS), Some(&counts(1, 0)));
    // A moderator's change of mind moves the counts over.
    store
        .train_spam_filter(id, &tokens, Some(Label::Ham))
        .await
        .unwrap();
    let learnt = store.spam_token_counts(&tokens).await.unwrap();
    assert_eq!(learnt.get("cheap"), Some(&counts(0, 1)));
    assert_eq!(learnt.get(DOCUMENTS), Some(&counts(0, 1)));
    store.train_spam_filter(id, &tokens, None).await.unwrap();
    let learnt = store.spam_token_counts(&tokens).await.unwrap();
    assert_eq!(learnt.get("cheap"), Some(&counts(0, 0)));
    assert!(!learnt.contains_key("never-seen"));
}

async fn reports_are_counted_and_rate_limited(store: &dyn Store) {
    let article = store
        .insert_article(&article("Reports", |_| {}), None, NOW)
        .await
        .unwrap();
    let id = insert(store, &comment(article.id, "rude", |_| {})).await;
    let since = NOW - time::Duration::hours(1);
    for _ in 0..2 {
        assert_eq!(
            store
                .record_report(id, "rude", "192.0.2.5", NOW, since, 2)
                .await
                .unwrap(),
            Ok(())
        );
    }
    assert_eq!(
        store
            .record_report(id, "rude", "192.0.2.5", NOW, since, 2)
            .await
            .unwrap(),
        Err(Refusal::RateLimited)
    );
    let queued = store
        .find_comments(&CommentQuery::default(), KeysetPage::Newest, 10)
        .await
        .unwrap()
        .items;
    assert_eq!(queued[0].reports, 2);
}

async fn subscriptions_are_confirmed_listed_and_deleted(store: &dyn Store) {
    let article = store
        .insert_article(&article("Subscribed", |_| {}), None, NOW)
        .await
        .unwrap();
    let parent = insert(store, &comment(article.id, "parent", |_| {})).await;
    let subscription = |token: &str, comment_id| Subscription {
        email: "Reader@Example.com".into(),
        article_id: article.id,
        comment_id,
        token: token.into(),
        confirmed: false,
        created_at: NOW,
        confirmation_sent_at: None,
    };
    let day_ago = NOW - time::Duration::days(1);
    assert_eq!(
        store
            .request_subscription(&subscription("t-article", None), day_ago)
            .await
            .unwrap(),
        SubscriptionRequest::MailConfirmation
    );
    // A second request while the first mail waits unanswered: stored, no second mail.
    assert_eq!(
        store
            .request_subscription(&subscription("t-replies", Some(parent)), day_ago)
            .await
            .unwrap(),
        SubscriptionRequest::Waiting
    );
    // The same thing again, in another case: nothing new at all.
    let mut again = subscription("t-again", None);
    again.email = "READER@example.COM".into();
    assert_eq!(
        store.request_subscription(&again, day_ago).await.unwrap(),
        SubscriptionRequest::AlreadyThere
    );
    // A day after the first mail, another may go.
    let other = store
        .insert_article(&self::article("Other", |_| {}), None, NOW)
        .await
        .unwrap();
    let mut later = subscription("t-later", None);
    later.article_id = other.id;
    assert_eq!(
        store.request_subscription(&later, NOW).await.unwrap(),
        SubscriptionRequest::Waiting,
        "the first mail was sent at NOW"
    );
    assert_eq!(
        store
            .request_subscription(
                &Subscription {
                    token: "t-next-day".into(),
                    comment_id: Some(parent),
                    article_id: other.id,
                    ..later.clone()
                },
                NOW + time::Duration::seconds(1),
            )
            .await
            .unwrap(),
        SubscriptionRequest::MailConfirmation
    );
    let stored = store
        .subscriptions_by_email("reader@example.com")
        .await
        .unwrap();
    assert_eq!(stored.len(), 4);
    assert!(
        stored
            .iter()
            .all(|stored| stored.email == "reader@example.com")
    );
    assert_eq!(
        stored
            .iter()
            .filter(|stored| stored.confirmation_sent_at.is_some())
            .count(),
        2
    );
    assert!(
        store
            .subscriptions_for_article(article.id)
            .await
            .unwrap()
            .is_empty(),
        "nothing is sent before confirmation"
    );
    let confirmed = store
        .confirm_subscription("t-replies")
        .await
        .unwrap()
        .unwrap();
    assert!(confirmed.confirmed);
    assert_eq!(confirmed.comment_id, Some(parent));
    assert_eq!(store.confirm_subscription("nope").await.unwrap(), None);
    let listed = store.subscriptions_for_article(article.id).await.unwrap();
    assert_eq!(listed, vec![confirmed.clone()]);
    assert_eq!(
        store.delete_subscription("t-replies").await.unwrap(),
        Some(confirmed)
    );
    assert_eq!(store.delete_subscription("t-replies").await.unwrap(), None);
}

async fn personal_data_is_erased_and_old_data_purged(store: &dyn Store) {
    let article = store
        .insert_article(&article("Private", |_| {}), None, NOW)
        .await
        .unwrap();
    let mine = insert(
        store,
        &comment(article.id, "mine", |record| {
            record.author_email = "Me@Example.com".into();
            record.author_url = "https://me.example/".into();
        }),
    )
    .await;
    let old_spam = insert(
        store,
        &comment(article.id, "old spam", |record| {
            record.status = CommentStatus::Spam;
            record.created_at = NOW - time::Duration::days(30);
            record.ip = "2001:db8:1:2::5".into();
        }),
    )
    .await;
    let reply = insert(
        store,
        &comment(article.id, "reply to spam", |record| {
            record.parent_id = Some(old_spam);
            record.created_at = NOW - time::Duration::days(29);
        }),
    )
    .await;
    store
        .request_subscription(
            &Subscription {
                email: "me@example.com".into(),
                article_id: article.id,
                comment_id: None,
                token: "mine".into(),
                confirmed: true,
                created_at: NOW,
                confirmation_sent_at: None,
            },
            NOW - time::Duration::days(1),
        )
        .await
        .unwrap();
    let erased = store.erase_personal_data("me@example.com").await.unwrap();
    assert_eq!(
        erased,
        Erased {
            comments: 1,
            subscriptions: 1
        }
    );
    let anonymous = store.comment_by_id(mine).await.unwrap().unwrap();
    assert_eq!(
        (
            anonymous.author_name.as_str(),
            anonymous.author_email.as_str(),
            anonymous.author_url.as_str(),
            anonymous.ip.as_str(),
            anonymous.content.as_str()
        ),
        ("Anonymous", "", "", "", "mine")
    );

    // The walk through comments in the order they were stored, a page at a time.
    let first = store.comment_ips_after(CommentId(0), 1).await.unwrap();
    assert_eq!(
        first,
        vec![(mine, NOW, String::new())],
        "erased: no address left"
    );
    let rest = store.comment_ips_after(mine, 10).await.unwrap();
    assert_eq!(
        rest,
        vec![
            (
                old_spam,
                NOW - time::Duration::days(30),
                "2001:db8:1:2::5".to_owned()
            ),
            (
                reply,
                NOW - time::Duration::days(29),
                "203.0.113.1".to_owned()
            )
        ]
    );
    assert!(store.comment_ips_after(reply, 10).await.unwrap().is_empty());
    store
        .set_comment_ips(&[(reply, "203.0.113.0".to_owned())])
        .await
        .unwrap();
    assert_eq!(
        store.comment_by_id(reply).await.unwrap().unwrap().ip,
        "203.0.113.0"
    );

    assert_eq!(
        store
            .purge_spam_before(NOW - time::Duration::days(15))
            .await
            .unwrap(),
        1
    );
    assert!(store.comment_by_id(old_spam).await.unwrap().is_none());
    let orphan = store.comment_by_id(reply).await.unwrap().unwrap();
    assert_eq!(orphan.parent_id, None, "the reply moved up");
    assert_eq!(store.all_users().await.unwrap().len(), 0);
}
