//! Settings and the page-invalidation log.

use crate::support::*;

on_every_backend!(
    settings_keep_the_first_of_competing_values,
    page_invalidations_are_a_numbered_log,
    readiness_and_pools_are_reported,
    a_copy_of_the_database_holds_what_it_held,
);

/// SQLite copies itself while it serves; PostgreSQL says to use its own tools. The counts a
/// backup's manifest records are the copy's.
async fn a_copy_of_the_database_holds_what_it_held(store: &dyn Store) {
    let article = store
        .insert_article(&article("Kept", |_| {}), None, NOW)
        .await
        .unwrap();
    for text in ["one", "two"] {
        store
            .insert_comment(
                &comment(article.id, text, |_| {}),
                &SubmissionGuard::default(),
            )
            .await
            .unwrap()
            .unwrap();
    }
    let counts = store.table_counts().await.unwrap();
    let count = |name: &str| {
        counts
            .iter()
            .find(|(table, _)| table == name)
            .map(|(_, count)| *count)
    };
    assert_eq!(counts.len(), COUNTED_TABLES.len());
    assert_eq!(count("comments"), Some(2));
    assert!(count("articles") >= Some(1));

    let folder = tempfile::tempdir().unwrap();
    let target = folder.path().join("copy.db");
    let copied = store.copy_database_to(&target).await.unwrap();
    if !copied {
        assert!(!target.exists(), "PostgreSQL writes no file");
        return;
    }
    let before = std::fs::read(&target).unwrap();
    let inspected = SqliteStore::inspect(&target).await.unwrap();
    assert_eq!(inspected.integrity, "ok");
    assert_eq!(inspected.counts, counts);
    assert_eq!(
        inspected.schema_version,
        SqliteStore::known_schema_version()
    );
    assert_eq!(
        std::fs::read(&target).unwrap(),
        before,
        "inspecting writes nothing"
    );
    // A damaged copy says so.
    let mut damaged = before.clone();
    let page = 4096 * 3;
    damaged[page..page + 4096].fill(0x5a);
    std::fs::write(&target, &damaged).unwrap();
    let inspected = SqliteStore::inspect(&target).await;
    assert!(
        inspected
            .as_ref()
            .map_or(true, |file| file.integrity != "ok"),
        "{inspected:?}"
    );
    // A second copy over the first is refused: nothing already there is overwritten.
    assert!(store.copy_database_to(&target).await.is_err());
}

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
