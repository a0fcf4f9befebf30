//! What the dashboard counts (issue #11).

use crate::support::*;

on_every_backend!(comments_are_counted_per_day_and_reports_are_listed,);

async fn comments_are_counted_per_day_and_reports_are_listed(store: &dyn Store) {
    let story = store
        .insert_article(&article("Story", |_| {}), None, NOW)
        .await
        .unwrap();
    let first_day = datetime!(2026-05-30 00:00 UTC);
    let at = |hours: i64, status: CommentStatus, content: &str| {
        comment(story.id, content, move |record| {
            record.created_at = first_day + time::Duration::hours(hours);
            record.status = status;
        })
    };
    let before = insert(store, &at(-1, CommentStatus::Approved, "the day before")).await;
    let first = insert(store, &at(1, CommentStatus::Approved, "one")).await;
    insert(store, &at(2, CommentStatus::Approved, "two")).await;
    insert(store, &at(23, CommentStatus::Spam, "three")).await;
    let waiting = insert(store, &at(50, CommentStatus::Pending, "four")).await;
    let mut counts = store.comments_per_day(first_day).await.unwrap();
    counts.sort_by_key(|count| (count.day, count.status.as_str()));
    let seen: Vec<(u32, &str, u64)> = counts
        .iter()
        .map(|count| (count.day, count.status.as_str(), count.count))
        .collect();
    assert_eq!(
        seen,
        [(0, "approved", 2), (0, "spam", 1), (2, "pending", 1)]
    );

    for (comment, ip) in [
        (first, "192.0.2.1"),
        (first, "192.0.2.2"),
        (waiting, "192.0.2.3"),
        (before, "192.0.2.4"),
    ] {
        store
            .record_report(comment, "rude", ip, NOW, NOW - time::Duration::hours(1), 10)
            .await
            .unwrap()
            .unwrap();
    }
    store
        .set_comment_status(before, CommentStatus::Trash, Some(CommentStatus::Approved))
        .await
        .unwrap();
    let reported = store.reported_comments(10).await.unwrap();
    let listed: Vec<(CommentId, u64)> = reported
        .iter()
        .map(|comment| (comment.id, comment.reports))
        .collect();
    assert_eq!(
        listed,
        [(first, 2), (waiting, 1)],
        "the trashed one is dealt with"
    );
    assert_eq!(reported[0].article_title, "Story");
}
