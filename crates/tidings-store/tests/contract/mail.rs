//! The mail ledger behind the sending caps.

use crate::support::*;

on_every_backend!(mail_deliveries_are_counted_per_address_and_in_all,);

async fn mail_deliveries_are_counted_per_address_and_in_all(store: &dyn Store) {
    for (recipient, minutes_ago) in [
        ("Victim@Example.com", 10),
        ("victim@example.com", 20),
        ("VICTIM@EXAMPLE.COM", 70),
        ("other@example.com", 5),
    ] {
        store
            .record_mail_delivery(recipient, NOW - time::Duration::minutes(minutes_ago))
            .await
            .unwrap();
    }
    let hour_ago = NOW - time::Duration::hours(1);
    assert_eq!(
        store
            .mail_deliveries_since("vIcTiM@example.com", hour_ago)
            .await
            .unwrap(),
        (2, 3)
    );
    // A day later, the old rows are gone with the next delivery.
    let tomorrow = NOW + time::Duration::days(1) + time::Duration::hours(2);
    store
        .record_mail_delivery("new@example.com", tomorrow)
        .await
        .unwrap();
    assert_eq!(
        store
            .mail_deliveries_since("victim@example.com", NOW - time::Duration::days(2))
            .await
            .unwrap(),
        (0, 1)
    );
    assert_eq!(store.check_integrity().await.unwrap(), None);
}
