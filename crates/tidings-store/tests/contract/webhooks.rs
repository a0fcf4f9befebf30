//! Webhooks and the queue of their deliveries: only subscribed hooks get an event, each
//! delivery is taken by one claimant under a lease, one subject's deliveries go in order,
//! and attempts retry, deliver, give up or start again.

use crate::support::*;
use tidings_store::DeliveryOutcome;

on_every_backend!(deliveries_are_queued_taken_once_in_order_and_retried,);

fn minutes(n: i64) -> time::OffsetDateTime {
    NOW + time::Duration::minutes(n)
}

async fn deliveries_are_queued_taken_once_in_order_and_retried(store: &dyn Store) {
    let all = store
        .insert_webhook(
            "https://a.example/in",
            &["article.published", "comment.created"],
            "s1",
            NOW,
        )
        .await
        .unwrap();
    let comments_only = store
        .insert_webhook("https://b.example/in", &["comment.created"], "s2", NOW)
        .await
        .unwrap();
    assert_eq!(all.events, ["article.published", "comment.created"]);
    assert_eq!(store.oldest_due_delivery(minutes(10)).await.unwrap(), None);
    assert_eq!(store.webhooks().await.unwrap().len(), 2);

    // An event reaches the hooks that asked for it, and no other.
    let queue = |event: &'static str, subject: &'static str, body: &'static str| async move {
        store
            .enqueue_webhook_event(event, subject, body, NOW)
            .await
            .unwrap()
    };
    assert_eq!(
        queue("article.published", "article:1", "{\"n\":1}").await,
        1
    );
    assert_eq!(queue("comment.created", "article:1", "{\"n\":2}").await, 2);
    assert_eq!(
        queue("article.published", "article:2", "{\"n\":3}").await,
        1
    );
    assert_eq!(queue("article.deleted", "article:1", "{}").await, 0);
    // The senders' lag: due since NOW; nothing is due yet a minute before.
    assert_eq!(
        store.oldest_due_delivery(minutes(3)).await.unwrap(),
        Some(NOW.unix_timestamp())
    );
    assert_eq!(store.oldest_due_delivery(minutes(-1)).await.unwrap(), None);

    // Taken once: a second claimant finds nothing while the lease runs. Of hook `all`, only
    // the oldest of article 1 and the one of article 2 may go; article 1's comment waits.
    let taken = store.claim_deliveries(NOW, minutes(1), 10).await.unwrap();
    let taken_bodies: Vec<(&str, i64)> = taken
        .iter()
        .map(|d| (d.payload.as_str(), d.webhook_id))
        .collect();
    assert_eq!(
        taken_bodies,
        [
            ("{\"n\":1}", all.id),
            ("{\"n\":2}", comments_only.id),
            ("{\"n\":3}", all.id)
        ]
    );
    assert_eq!(taken[0].url, "https://a.example/in");
    assert_eq!(taken[0].secret, "s1");
    assert!(
        store
            .claim_deliveries(NOW, minutes(1), 10)
            .await
            .unwrap()
            .is_empty()
    );

    // The first fails and waits for its retry; the comment behind it still waits.
    let retry = DeliveryOutcome {
        delivered: false,
        status_code: Some(500),
        error: "answered 500".into(),
        retry_at: Some(minutes(5)),
    };
    store
        .record_delivery_attempt(taken[0].id, NOW, &retry)
        .await
        .unwrap();
    let half_a_minute = NOW + time::Duration::seconds(30);
    assert!(
        store
            .claim_deliveries(half_a_minute, minutes(3), 10)
            .await
            .unwrap()
            .is_empty(),
        "the failed one is not due, the others are leased"
    );
    // A lease that ran out (its claimant died) lets another take the delivery.
    let expired = store
        .claim_deliveries(minutes(2), minutes(4), 10)
        .await
        .unwrap();
    assert_eq!(
        expired.iter().map(|d| d.id).collect::<Vec<_>>(),
        [taken[1].id, taken[2].id],
        "leases of the unrecorded ones ran out"
    );
    let delivered = DeliveryOutcome {
        delivered: true,
        status_code: Some(200),
        error: String::new(),
        retry_at: None,
    };
    for delivery in &expired {
        store
            .record_delivery_attempt(delivery.id, minutes(4), &delivered)
            .await
            .unwrap();
    }
    // At its time, the failed one goes again, and only once it is delivered does the
    // comment behind it go.
    let second = store
        .claim_deliveries(minutes(5), minutes(6), 10)
        .await
        .unwrap();
    assert_eq!(
        second.iter().map(|d| d.id).collect::<Vec<_>>(),
        [taken[0].id]
    );
    assert_eq!(second[0].attempts, 1);
    store
        .record_delivery_attempt(second[0].id, minutes(5), &delivered)
        .await
        .unwrap();
    let third = store
        .claim_deliveries(minutes(5), minutes(6), 10)
        .await
        .unwrap();
    assert_eq!(third.len(), 1);
    assert_eq!(third[0].payload, "{\"n\":2}");
    let given_up = DeliveryOutcome {
        delivered: false,
        status_code: None,
        error: "could not connect".into(),
        retry_at: None,
    };
    store
        .record_delivery_attempt(third[0].id, minutes(5), &given_up)
        .await
        .unwrap();

    // The log, newest first, with what each attempt came to.
    let log = store.deliveries_of(all.id, 10).await.unwrap();
    let states: Vec<(&str, u32, Option<u16>)> = log
        .iter()
        .map(|d| (d.status.as_str(), d.attempts, d.last_status_code))
        .collect();
    assert_eq!(
        states,
        [
            ("delivered", 1, Some(200)),
            ("failed", 1, None),
            ("delivered", 2, Some(200))
        ]
    );
    assert_eq!(log[1].last_error, "could not connect");

    // Send again: due now, counted afresh, taken once more.
    assert!(store.resend_delivery(log[1].id, minutes(6)).await.unwrap());
    let resent = store
        .claim_deliveries(minutes(6), minutes(7), 10)
        .await
        .unwrap();
    assert_eq!(resent.iter().map(|d| d.id).collect::<Vec<_>>(), [log[1].id]);
    assert_eq!(resent[0].attempts, 0);
    assert!(!store.resend_delivery(999_999, NOW).await.unwrap());

    // Deleting a hook takes its log with it.
    assert!(store.delete_webhook(all.id).await.unwrap());
    assert!(store.deliveries_of(all.id, 10).await.unwrap().is_empty());
    assert!(store.delivery_by_id(log[0].id).await.unwrap().is_none());
    assert!(!store.delete_webhook(all.id).await.unwrap());
    assert_eq!(store.webhooks().await.unwrap(), vec![comments_only]);
}
