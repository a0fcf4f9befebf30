//! Settings and the page-invalidation log.

use crate::support::*;

on_every_backend!(
    settings_keep_the_first_of_competing_values,
    page_invalidations_are_a_numbered_log,
    readiness_and_pools_are_reported,
);

async fn readiness_and_pools_are_reported(store: &dyn Store) {
    assert!(store.schema_is_current().await.unwrap());
    let pools = store.connection_pools();
    assert!(!pools.is_empty());
    for pool in &pools {
        assert!(
            pool.open >= 1,
            "{pool:?}: the check above used a connection"
        );
        assert!(pool.idle <= pool.open, "{pool:?}");
    }
}

async fn settings_keep_the_first_of_competing_values(store: &dyn Store) {
    assert_eq!(store.setting("key").await.unwrap(), None);
    assert_eq!(
        store.setting_or_insert("key", "first").await.unwrap(),
        "first"
    );
    assert_eq!(
        store.setting_or_insert("key", "second").await.unwrap(),
        "first"
    );
    store.put_setting("key", "replaced").await.unwrap();
    assert_eq!(
        store.setting("key").await.unwrap().as_deref(),
        Some("replaced")
    );
}

async fn page_invalidations_are_a_numbered_log(store: &dyn Store) {
    assert_eq!(store.latest_page_change().await.unwrap(), 0);
    assert_eq!(
        store
            .record_page_changes("article:1 lists", NOW)
            .await
            .unwrap(),
        1
    );
    assert_eq!(store.record_page_changes("all", NOW).await.unwrap(), 2);
    assert_eq!(store.latest_page_change().await.unwrap(), 2);
    let since_one = store.page_changes_since(1).await.unwrap();
    assert_eq!(since_one, [(2, "all".to_owned())]);
    // A day later, old entries go, but never the newest.
    let later = NOW + time::Duration::days(2);
    assert_eq!(store.record_page_changes("lists", later).await.unwrap(), 3);
    assert_eq!(
        store.page_changes_since(0).await.unwrap(),
        [(3, "lists".to_owned())]
    );
}
