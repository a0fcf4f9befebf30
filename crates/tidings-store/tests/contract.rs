//! The store contract: what every backend must do, tested through `&dyn Store`. Every case
//! runs on SQLite, and on PostgreSQL too when `TEST_DATABASE_URL` names a server
//! (`scripts/with-postgres` starts one); each case gets a fresh database or schema.

#![expect(
    clippy::unwrap_used,
    reason = "a failed setup step should stop the test loudly"
)]

use std::sync::Arc;
use tidings_domain::article::ArticleInput;
use tidings_domain::{ArticleId, ArticleStatus, CommentId, CommentStatus, Role, UserId};
use tidings_store::*;
use time::OffsetDateTime;
use time::macros::datetime;

const NOW: OffsetDateTime = datetime!(2026-06-01 12:00 UTC);

struct Fixture {
    store: Arc<dyn Store>,
    _folder: tempfile::TempDir,
}

/// A fresh store on each backend this run can reach.
async fn stores() -> Vec<Fixture> {
    let folder = tempfile::tempdir().unwrap();
    let sqlite = SqliteStore::open(&folder.path().join("test.db"))
        .await
        .unwrap();
    let mut fixtures = vec![Fixture {
        store: Arc::new(sqlite),
        _folder: folder,
    }];
    if let Ok(url) = std::env::var("TEST_DATABASE_URL") {
        let url = fresh_schema_url(&url).await.unwrap();
        let options = PostgresOptions {
            max_connections: 4,
            ..PostgresOptions::default()
        };
        let postgres = PostgresStore::open(&url, &options).await.unwrap();
        fixtures.push(Fixture {
            store: Arc::new(postgres),
            _folder: tempfile::tempdir().unwrap(),
        });
    }
    fixtures
}

/// One `#[tokio::test]` per case, running it on every backend.
macro_rules! on_every_backend {
    ($($case:ident),* $(,)?) => {
        $(
            #[tokio::test]
            async fn $case() {
                for fixture in stores().await {
                    super::$case(fixture.store.as_ref()).await;
                }
            }
        )*
    };
}

mod cases {
    on_every_backend!(
        slugs_are_unique_and_title_slugs_get_a_number,
        only_published_past_articles_are_listed_newest_first_with_approved_counts,
        the_submission_guard_refuses_floods_and_duplicates_in_the_insert,
        comments_move_between_statuses_and_deletion_reparents_replies,
        users_sessions_and_failed_logins,
        settings_keep_the_first_of_competing_values,
        page_invalidations_are_a_numbered_log,
        racing_submissions_from_one_address_let_one_through,
        hourly_limits_and_spent_proofs_refuse_comments,
        comments_are_found_by_status_article_email_and_words,
        comment_lists_page_by_key_both_ways,
        ids_are_never_reused,
        mail_deliveries_are_counted_per_address_and_in_all,
        the_spam_filter_learns_and_unlearns,
        reports_are_counted_and_rate_limited,
        subscriptions_are_confirmed_listed_and_deleted,
        personal_data_is_erased_and_old_data_purged,
    );
    use super::stores;
}

fn article(
    title: &str,
    change: impl FnOnce(&mut ArticleInput),
) -> tidings_domain::article::ValidArticle {
    let mut input = ArticleInput {
        title: title.into(),
        body_markdown: "body".into(),
        status: Some(ArticleStatus::Published),
        published_at: Some(NOW - time::Duration::hours(1)),
        comments_open: true,
        ..ArticleInput::default()
    };
    change(&mut input);
    input.validate(NOW).unwrap()
}

fn comment(
    article_id: ArticleId,
    content: &str,
    change: impl FnOnce(&mut CommentRecord),
) -> CommentRecord {
    let mut record = CommentRecord {
        article_id,
        parent_id: None,
        author_name: "Ada".into(),
        author_email: "ada@example.com".into(),
        author_url: String::new(),
        content: content.into(),
        content_html: format!("<p>{content}</p>"),
        status: CommentStatus::Approved,
        moderation_reason: String::new(),
        ip: "203.0.113.1".into(),
        user_agent: "agent".into(),
        created_at: NOW,
        spam_score: None,
        proof: None,
        avatar_key: Some("key".into()),
    };
    change(&mut record);
    record
}

async fn insert(store: &dyn Store, record: &CommentRecord) -> CommentId {
    store
        .insert_comment(record, &SubmissionGuard::default())
        .await
        .unwrap()
        .unwrap()
}

async fn slugs_are_unique_and_title_slugs_get_a_number(store: &dyn Store) {
    let first = store
        .insert_article(&article("Same title", |_| {}), None, NOW)
        .await
        .unwrap();
    let second = store
        .insert_article(&article("Same title", |_| {}), None, NOW)
        .await
        .unwrap();
    assert_eq!(
        (first.slug.as_str(), second.slug.as_str()),
        ("same-title", "same-title-2")
    );
    let typed = store
        .insert_article(
            &article("Other", |input| input.slug = "same-title".into()),
            None,
            NOW,
        )
        .await;
    assert!(
        matches!(typed, Err(StoreError::Conflict { what: "slug" })),
        "{typed:?}"
    );
    let updated = store
        .update_article(second.id, &article("Renamed", |_| {}), NOW)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(updated.slug.as_str(), "renamed");
    assert!(
        store
            .update_article(ArticleId(999), &article("Ghost", |_| {}), NOW)
            .await
            .unwrap()
            .is_none()
    );
    assert_eq!(
        store.article_by_slug("renamed").await.unwrap().unwrap().id,
        second.id
    );
}

async fn only_published_past_articles_are_listed_newest_first_with_approved_counts(
    store: &dyn Store,
) {
    let old = store
        .insert_article(
            &article("Old", |input| {
                input.published_at = Some(NOW - time::Duration::days(2))
            }),
            None,
            NOW,
        )
        .await
        .unwrap();
    let new = store
        .insert_article(&article("New", |_| {}), None, NOW)
        .await
        .unwrap();
    store
        .insert_article(
            &article("Draft", |input| input.status = Some(ArticleStatus::Draft)),
            None,
            NOW,
        )
        .await
        .unwrap();
    store
        .insert_article(
            &article("Future", |input| {
                input.published_at = Some(NOW + time::Duration::days(1))
            }),
            None,
            NOW,
        )
        .await
        .unwrap();
    insert(store, &comment(old.id, "approved", |_| {})).await;
    insert(
        store,
        &comment(old.id, "pending", |record| {
            record.status = CommentStatus::Pending
        }),
    )
    .await;

    let listed = store
        .published_articles(
            NOW,
            Page {
                number: 1,
                size: 10,
            },
        )
        .await
        .unwrap();
    let titles: Vec<&str> = listed
        .items
        .iter()
        .map(|summary| summary.article.title.as_str())
        .collect();
    assert_eq!(titles, ["New", "Old"]);
    assert!(!listed.more);
    assert_eq!(listed.items[1].approved_comments, 1);
    assert_eq!(
        store.next_publication_after(NOW).await.unwrap(),
        Some(NOW + time::Duration::days(1))
    );
    assert_eq!(
        store
            .next_publication_after(NOW + time::Duration::days(2))
            .await
            .unwrap(),
        None
    );
    assert_eq!(store.count_all_articles().await.unwrap(), 4);
    let second_page = store
        .published_articles(NOW, Page { number: 2, size: 1 })
        .await
        .unwrap();
    assert_eq!(second_page.items[0].article.id, old.id);
    assert!(!second_page.more);
    let first_of_one = store
        .published_articles(NOW, Page { number: 1, size: 1 })
        .await
        .unwrap();
    assert_eq!(first_of_one.items.len(), 1);
    assert!(first_of_one.more, "another page follows");
    assert_eq!(
        store
            .all_articles(Page {
                number: 1,
                size: 10
            })
            .await
            .unwrap()
            .len(),
        4
    );
    assert_ne!(new.id, old.id);
}

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

async fn users_sessions_and_failed_logins(store: &dyn Store) {
    let new_user = |email: &str| NewUser {
        email: email.into(),
        display_name: "Ed".into(),
        role: Role::Editor,
        password_hash: "hash".into(),
    };
    let user = store
        .insert_user(&new_user("ed@example.com"), NOW)
        .await
        .unwrap();
    assert!(matches!(
        store.insert_user(&new_user("ED@example.com"), NOW).await,
        Err(StoreError::Conflict { what: "email" })
    ));
    assert_eq!(
        store
            .user_by_email("Ed@Example.com")
            .await
            .unwrap()
            .unwrap()
            .id,
        user.id
    );
    assert_eq!(store.count_users().await.unwrap(), 1);
    assert!(store.user_by_id(UserId(99)).await.unwrap().is_none());

    let session = Session {
        token_hash: "h1".into(),
        user_id: user.id,
        csrf_token: "c".into(),
        created_at: NOW,
        expires_at: NOW + time::Duration::hours(1),
    };
    store.insert_session(&session).await.unwrap();
    assert_eq!(
        store
            .session_by_token_hash("h1", NOW)
            .await
            .unwrap()
            .unwrap()
            .0,
        session
    );
    assert!(
        store
            .session_by_token_hash("h1", NOW + time::Duration::hours(2))
            .await
            .unwrap()
            .is_none(),
        "expired"
    );
    store.delete_session("h1").await.unwrap();
    assert!(
        store
            .session_by_token_hash("h1", NOW)
            .await
            .unwrap()
            .is_none()
    );

    // Unknown browsers count against the account and the address; a known browser (the
    // device key of an earlier sign-in) only against itself.
    for _ in 0..3 {
        store
            .record_failed_login("ed@example.com", "198.51.100.1", "", NOW)
            .await
            .unwrap();
    }
    store
        .record_failed_login(
            "ed@example.com",
            "198.51.100.1",
            "device-1",
            NOW - time::Duration::minutes(5),
        )
        .await
        .unwrap();
    store
        .record_failed_login(
            "other@example.com",
            "198.51.100.1",
            "",
            NOW - time::Duration::hours(1),
        )
        .await
        .unwrap();
    let since = NOW - time::Duration::minutes(15);
    let failed = store
        .failed_logins_since("ED@example.com", "198.51.100.1", "device-1", since)
        .await
        .unwrap();
    assert_eq!(
        (failed.account.count, failed.ip.count, failed.device.count),
        (3, 3, 1)
    );
    assert_eq!(failed.account.oldest, Some(NOW));
    assert_eq!(failed.device.oldest, Some(NOW - time::Duration::minutes(5)));
    store.clear_failed_logins("device-1").await.unwrap();
    let failed = store
        .failed_logins_since("ed@example.com", "198.51.100.2", "device-1", since)
        .await
        .unwrap();
    assert_eq!(
        (failed.account.count, failed.ip.count, failed.device.count),
        (3, 0, 0),
        "a known browser's sign-in forgets only its own failures"
    );
    let nobody = store
        .failed_logins_since("ed@example.com", "198.51.100.1", "", since)
        .await
        .unwrap();
    assert_eq!(nobody.device, Attempts::default());
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

#[tokio::test]
async fn a_database_from_a_newer_version_is_refused() {
    let folder = tempfile::tempdir().unwrap();
    let path = folder.path().join("test.db");
    let store = SqliteStore::open(&path).await.unwrap();
    assert_eq!(store.schema_version().await.unwrap(), 5);
    store.put_setting("probe", "x").await.unwrap();
    store.close().await;
    // Stand in for a newer binary having migrated the file.
    let options = sqlx::sqlite::SqliteConnectOptions::new().filename(&path);
    let mut connection = <sqlx::SqliteConnection as sqlx::Connection>::connect_with(&options)
        .await
        .unwrap();
    sqlx::query(
        "INSERT INTO schema_migrations (version, name, applied_at) VALUES (999, 'future', 0)",
    )
    .execute(&mut connection)
    .await
    .unwrap();
    match SqliteStore::open(&path).await {
        Err(StoreError::SchemaTooNew {
            found: 999,
            known: 5,
        }) => {}
        Err(other) => panic!("wrong error: {other}"),
        Ok(_) => panic!("a newer schema was accepted"),
    }
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

/// Tables with their columns (in order, with whether each may be null), and index names.
type SchemaShape = (Vec<(String, Vec<(String, bool)>)>, Vec<String>);

async fn sqlite_shape(path: &std::path::Path) -> SchemaShape {
    use sqlx::Connection;
    let options = sqlx::sqlite::SqliteConnectOptions::new().filename(path);
    let mut connection = sqlx::SqliteConnection::connect_with(&options)
        .await
        .unwrap();
    let tables: Vec<String> = sqlx::query_scalar(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name",
    )
    .fetch_all(&mut connection)
    .await
    .unwrap();
    let mut shape = Vec::new();
    for table in tables {
        // SQLite reports primary-key columns as nullable; they are not.
        let columns: Vec<(String, bool)> = sqlx::query_as(
            "SELECT name, \"notnull\" = 0 AND pk = 0 FROM pragma_table_info(?) ORDER BY cid",
        )
        .bind(&table)
        .fetch_all(&mut connection)
        .await
        .unwrap();
        shape.push((table, columns));
    }
    let indexes = sqlx::query_scalar(
        "SELECT name FROM sqlite_master
         WHERE type = 'index' AND name NOT LIKE 'sqlite_autoindex_%' ORDER BY name",
    )
    .fetch_all(&mut connection)
    .await
    .unwrap();
    (shape, indexes)
}

async fn postgres_shape(url: &str) -> SchemaShape {
    use sqlx::Connection;
    let mut connection = sqlx::PgConnection::connect(url).await.unwrap();
    let tables: Vec<String> = sqlx::query_scalar(
        "SELECT table_name::text FROM information_schema.tables
         WHERE table_schema = current_schema() ORDER BY table_name",
    )
    .fetch_all(&mut connection)
    .await
    .unwrap();
    let mut shape = Vec::new();
    for table in tables {
        let columns: Vec<(String, bool)> = sqlx::query_as(
            "SELECT column_name::text, is_nullable = 'YES' FROM information_schema.columns
             WHERE table_schema = current_schema() AND table_name = $1 ORDER BY ordinal_position",
        )
        .bind(&table)
        .fetch_all(&mut connection)
        .await
        .unwrap();
        shape.push((table, columns));
    }
    // Primary keys and unique constraints are SQLite's automatic indexes; leave them out.
    let indexes = sqlx::query_scalar(
        "SELECT indexname::text FROM pg_indexes WHERE schemaname = current_schema()
           AND indexname NOT LIKE '%\\_pkey' AND indexname NOT LIKE '%\\_key' ORDER BY indexname",
    )
    .fetch_all(&mut connection)
    .await
    .unwrap();
    (shape, indexes)
}

#[tokio::test]
async fn both_dialects_describe_the_same_schema() {
    let Ok(url) = std::env::var("TEST_DATABASE_URL") else {
        eprintln!("skipped: needs TEST_DATABASE_URL (scripts/with-postgres sets it)");
        return;
    };
    let folder = tempfile::tempdir().unwrap();
    let path = folder.path().join("shape.db");
    SqliteStore::open(&path).await.unwrap().close().await;
    let url = fresh_schema_url(&url).await.unwrap();
    PostgresStore::open(&url, &PostgresOptions::default())
        .await
        .unwrap()
        .close()
        .await;

    let (sqlite_tables, sqlite_indexes) = sqlite_shape(&path).await;
    let (postgres_tables, postgres_indexes) = postgres_shape(&url).await;
    assert!(sqlite_tables.len() >= 7, "{sqlite_tables:?}");
    assert_eq!(
        sqlite_tables, postgres_tables,
        "tables and columns differ between the dialects"
    );
    assert_eq!(
        sqlite_indexes, postgres_indexes,
        "indexes differ between the dialects"
    );
}

#[tokio::test]
async fn postgres_refuses_a_schema_newer_than_it_knows() {
    let Ok(url) = std::env::var("TEST_DATABASE_URL") else {
        eprintln!("skipped: needs TEST_DATABASE_URL (scripts/with-postgres sets it)");
        return;
    };
    use sqlx::Connection;
    let url = fresh_schema_url(&url).await.unwrap();
    let store = PostgresStore::open(&url, &PostgresOptions::default())
        .await
        .unwrap();
    assert_eq!(store.schema_version().await.unwrap(), 5);
    store.close().await;
    let mut connection = sqlx::PgConnection::connect(&url).await.unwrap();
    sqlx::query(
        "INSERT INTO schema_migrations (version, name, applied_at) VALUES (999, 'future', 0)",
    )
    .execute(&mut connection)
    .await
    .unwrap();
    match PostgresStore::open(&url, &PostgresOptions::default()).await {
        Err(StoreError::SchemaTooNew {
            found: 999,
            known: 5,
        }) => {}
        Err(other) => panic!("wrong error: {other}"),
        Ok(_) => panic!("a newer schema was accepted"),
    }
}

/// Every statement behind a public page or a posted comment uses an index: no plan step
/// scans a whole table, and none sorts in a temporary B-tree.
#[tokio::test]
async fn the_public_site_reads_through_indexes() {
    let folder = tempfile::tempdir().unwrap();
    let store = SqliteStore::open(&folder.path().join("plans.db"))
        .await
        .unwrap();
    // Statistics as on a real site, so the planner does not prefer scans of empty tables.
    let article = store
        .insert_article(&article("Planned", |_| {}), None, NOW)
        .await
        .unwrap();
    for number in 0..50 {
        insert(
            &store,
            &comment(article.id, &format!("comment {number}"), |_| {}),
        )
        .await;
    }
    let plans = store.query_plans().await.unwrap();
    assert!(plans.len() >= 11, "{plans:?}");
    for (name, steps) in plans {
        // A subquery's rows, produced by a co-routine (bounded by its own LIMIT).
        let subqueries: Vec<String> = steps
            .iter()
            .filter_map(|step| step.strip_prefix("CO-ROUTINE "))
            .map(|subquery| format!("SCAN {subquery}"))
            .collect();
        for step in &steps {
            // "SCAN CONSTANT ROW" is a SELECT without FROM, and "SCAN (subquery-N)" or the
            // scan of a named co-routine reads the rows a bounded subquery produced: none
            // reads a table.
            let full_scan = step.starts_with("SCAN")
                && !step.contains("USING")
                && step != "SCAN CONSTANT ROW"
                && !step.starts_with("SCAN (subquery")
                && !subqueries.contains(step);
            assert!(!full_scan, "{name} scans a whole table: {steps:?}");
            assert!(
                !step.contains("TEMP B-TREE"),
                "{name} sorts without an index: {steps:?}"
            );
        }
    }
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

/// A site created before ids stopped being reused keeps every row through the table
/// rebuild of migration 5, references included, and from then on never reuses an id.
#[tokio::test]
async fn an_existing_sqlite_database_is_rebuilt_without_losing_a_row() {
    use sqlx::Connection;
    let folder = tempfile::tempdir().unwrap();
    let path = folder.path().join("old.db");
    let options = sqlx::sqlite::SqliteConnectOptions::new()
        .filename(&path)
        .create_if_missing(true);
    let mut old = sqlx::SqliteConnection::connect_with(&options)
        .await
        .unwrap();
    sqlx::raw_sql(
        "CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL,
            applied_at INTEGER NOT NULL) STRICT",
    )
    .execute(&mut old)
    .await
    .unwrap();
    let migrations = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("migrations/sqlite");
    for (version, file) in [
        (1, "0001_initial.sql"),
        (2, "0002_page_invalidations.sql"),
        (3, "0003_comment_html.sql"),
        (4, "0004_discussion.sql"),
    ] {
        let sql = std::fs::read_to_string(migrations.join(file)).unwrap();
        sqlx::raw_sql(&sql).execute(&mut old).await.unwrap();
        sqlx::query("INSERT INTO schema_migrations VALUES (?, ?, 0)")
            .bind(version)
            .bind(file)
            .execute(&mut old)
            .await
            .unwrap();
    }
    sqlx::raw_sql(
        "INSERT INTO users (id, email, display_name, role, password_hash, created_at)
            VALUES (1, 'ed@example.com', 'Ed', 'editor', 'hash', 0);
         INSERT INTO articles (id, slug, title, body_markdown, status, published_at, updated_at,
            author_id, comments_open) VALUES (7, 'old', 'Old', 'body', 'published', 0, 0, 1, 1);
         INSERT INTO comments (id, article_id, parent_id, author_name, author_email, author_url,
            content, status, moderation_reason, ip, user_agent, created_at, content_html,
            avatar_key)
            VALUES (1, 7, NULL, 'A', 'a@example.com', '', 'one', 'approved', '', '', '', 10,
                    '<p>one</p>', 'k'),
                   (2, 7, 1, 'B', 'b@example.com', '', 'two', 'pending', '', '', '', 20,
                    NULL, NULL),
                   (3, 7, NULL, 'C', 'c@example.com', '', 'three', 'spam', '', '', '', 30,
                    NULL, NULL);
         INSERT INTO comment_reports (comment_id, reason, ip, created_at)
            VALUES (1, 'rude', '198.51.100.1', 40);
         INSERT INTO subscriptions (email, article_id, comment_id, token, confirmed, created_at)
            VALUES ('a@example.com', 7, 1, 'token', 1, 50);
         INSERT INTO sessions (token_hash, user_id, csrf_token, created_at, expires_at)
            VALUES ('h', 1, 'c', 0, 99999999999);
         DELETE FROM comments WHERE id = 3;",
    )
    .execute(&mut old)
    .await
    .unwrap();
    old.close().await.unwrap();

    let store = SqliteStore::open(&path).await.unwrap();
    assert_eq!(store.schema_version().await.unwrap(), 5);
    let article = store.article_by_id(ArticleId(7)).await.unwrap().unwrap();
    assert_eq!(article.author_id, Some(UserId(1)));
    let approved = store.approved_comments(ArticleId(7)).await.unwrap();
    assert_eq!(approved.len(), 1);
    assert_eq!(
        approved[0].content_html.as_ref().map(|html| html.as_str()),
        Some("<p>one</p>")
    );
    let reply = store.comment_by_id(CommentId(2)).await.unwrap().unwrap();
    assert_eq!(reply.parent_id, Some(CommentId(1)));
    assert!(
        store
            .session_by_token_hash("h", NOW)
            .await
            .unwrap()
            .is_some()
    );
    assert_eq!(
        store
            .subscriptions_for_article(ArticleId(7))
            .await
            .unwrap()
            .len(),
        1
    );
    let queued = store
        .find_comments(&CommentQuery::default(), KeysetPage::Newest, 10)
        .await
        .unwrap();
    assert_eq!(queued.items.iter().map(|q| q.reports).sum::<u64>(), 1);
    assert_eq!(store.integrity_check().await.unwrap(), "ok");
    // From here on, a deleted id stays retired.
    let next = insert(&store, &comment(ArticleId(7), "after", |_| {})).await;
    store.delete_comment(next).await.unwrap();
    let after = insert(&store, &comment(ArticleId(7), "after again", |_| {})).await;
    assert!(after > next, "{next} came back as {after}");
}
