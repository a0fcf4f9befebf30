//! The schema itself: versions, the same shape on both dialects, index use, upgrades.

use crate::support::*;

#[tokio::test]
async fn a_database_from_a_newer_version_is_refused() {
    let folder = tempfile::tempdir().unwrap();
    let path = folder.path().join("test.db");
    let store = SqliteStore::open(&path).await.unwrap();
    assert_eq!(store.schema_version().await.unwrap(), 19);
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
            known: 19,
        }) => {}
        Err(other) => panic!("wrong error: {other}"),
        Ok(_) => panic!("a newer schema was accepted"),
    }
}

/// Tables with their columns (in order, with whether each may be null), and index names.
/// The search index is each engine's own (an FTS5 virtual table with its shadow tables; a
/// table of `tsvector`s under a GIN index), so it is left out of the comparison; the
/// search contract tests show both find the same.
type SchemaShape = (Vec<(String, Vec<(String, bool)>)>, Vec<String>);

async fn sqlite_shape(path: &std::path::Path) -> SchemaShape {
    use sqlx::Connection;
    let options = sqlx::sqlite::SqliteConnectOptions::new().filename(path);
    let mut connection = sqlx::SqliteConnection::connect_with(&options)
        .await
        .unwrap();
    let tables: Vec<String> = sqlx::query_scalar(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'
           AND name NOT LIKE 'article\\_search%' ESCAPE '\\' ORDER BY name",
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
         WHERE table_schema = current_schema() AND table_name NOT LIKE 'article\\_search%'
         ORDER BY table_name",
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
           AND indexname NOT LIKE '%\\_pkey' AND indexname NOT LIKE '%\\_key'
           AND indexname NOT LIKE 'article\\_search%' ORDER BY indexname",
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
    assert_eq!(store.schema_version().await.unwrap(), 19);
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
            known: 19,
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
    assert!(plans.len() >= 14, "{plans:?}");
    // Reading a whole index is a scan too: these two start from a narrow search.
    let plan = |name: &str| {
        plans
            .iter()
            .find(|(planned, _)| *planned == name)
            .map(|(_, steps)| steps.clone())
            .unwrap()
    };
    let next = plan("next publication");
    assert!(
        next.iter()
            .any(|step| step.starts_with("SEARCH") && step.contains("published_at>?")),
        "{next:?}"
    );
    // The next article walks up from the article's own date, bounded on both sides (the
    // previous one walks down from it, an upper bound being enough).
    let next_article = plan("the next article");
    assert!(
        next_article
            .iter()
            .any(|step| step.contains("published_at>? AND published_at<?")),
        "{next_article:?}"
    );
    let sticky = plan("sticky articles");
    assert!(sticky[0].contains("articles_pinned"), "{sticky:?}");
    for (name, steps) in plans {
        // A subquery's rows, produced by a co-routine (bounded by its own LIMIT).
        let subqueries: Vec<String> = steps
            .iter()
            .filter_map(|step| step.strip_prefix("CO-ROUTINE "))
            .map(|subquery| format!("SCAN {subquery}"))
            .collect();
        for step in &steps {
            // Search reads FTS5's own index (a virtual table's plan says no more), and
            // ranks what it found by relevance, which no index can hold in order.
            if name.starts_with("search")
                && (step.contains("VIRTUAL TABLE INDEX") || step == "USE TEMP B-TREE FOR ORDER BY")
            {
                continue;
            }
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

/// The SQLite migration files, in order.
fn migration_files() -> Vec<String> {
    let folder = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("migrations/sqlite");
    let mut files: Vec<String> = std::fs::read_dir(folder)
        .unwrap()
        .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    files.sort();
    files
}

/// A database at `path` as a release that knew only the first `count` migrations left it,
/// applied from their files as the migrator does (foreign keys off meanwhile); its
/// connection, for the rows a test puts in.
async fn database_with_migrations(path: &std::path::Path, count: usize) -> sqlx::SqliteConnection {
    use sqlx::Connection;
    let options = sqlx::sqlite::SqliteConnectOptions::new()
        .filename(path)
        .create_if_missing(true);
    let mut old = sqlx::SqliteConnection::connect_with(&options)
        .await
        .unwrap();
    sqlx::raw_sql(
        "PRAGMA foreign_keys = OFF;
         CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL,
            applied_at INTEGER NOT NULL) STRICT",
    )
    .execute(&mut old)
    .await
    .unwrap();
    let folder = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("migrations/sqlite");
    for file in &migration_files()[..count] {
        let sql = std::fs::read_to_string(folder.join(file)).unwrap();
        sqlx::raw_sql(&sql).execute(&mut old).await.unwrap();
        sqlx::query("INSERT INTO schema_migrations VALUES (?, ?, 0)")
            .bind(file[..4].parse::<i64>().unwrap())
            .bind(file)
            .execute(&mut old)
            .await
            .unwrap();
    }
    sqlx::raw_sql("PRAGMA foreign_keys = ON")
        .execute(&mut old)
        .await
        .unwrap();
    old
}

/// Before an upgrade changes a database that holds a site, the database as it was is kept
/// beside it, the way back to the release before (which refuses the newer schema); one
/// such copy is kept, and a new database or one already up to date makes none.
#[tokio::test]
async fn an_upgrade_keeps_the_database_as_it_was_beside_it() {
    use sqlx::Connection;
    let folder = tempfile::tempdir().unwrap();
    let path = folder.path().join("site.db");
    // A database as the release before left it (every migration but the last), with a site.
    let before = migration_files().len() - 1;
    let mut old = database_with_migrations(&path, before).await;
    sqlx::raw_sql("INSERT INTO settings (name, value) VALUES ('probe', 'kept')")
        .execute(&mut old)
        .await
        .unwrap();
    old.close().await.unwrap();
    let before = i64::try_from(before).unwrap();
    // A copy an earlier upgrade left.
    std::fs::write(folder.path().join("site.db.schema-12"), "an older copy").unwrap();
    let copies = || {
        let mut names: Vec<String> = std::fs::read_dir(folder.path())
            .unwrap()
            .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|name| name.contains(".schema-") || name.ends_with(".partial"))
            .collect();
        names.sort();
        names
    };

    let store = SqliteStore::open(&path).await.unwrap();
    assert_eq!(store.schema_version().await.unwrap(), before + 1);
    store.close().await;
    let kept_name = format!("site.db.schema-{before}");
    assert_eq!(
        copies(),
        std::slice::from_ref(&kept_name),
        "one copy, whole"
    );
    let copy = folder.path().join(&kept_name);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&copy).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600, "private, as the database is");
    }
    let read_only = sqlx::sqlite::SqliteConnectOptions::new()
        .filename(&copy)
        .read_only(true);
    let mut kept = sqlx::SqliteConnection::connect_with(&read_only)
        .await
        .unwrap();
    let version: i64 = sqlx::query_scalar("SELECT MAX(version) FROM schema_migrations")
        .fetch_one(&mut kept)
        .await
        .unwrap();
    assert_eq!(version, before, "the schema as it was");
    let probe: String = sqlx::query_scalar("SELECT value FROM settings WHERE name = 'probe'")
        .fetch_one(&mut kept)
        .await
        .unwrap();
    assert_eq!(probe, "kept");
    let integrity: String = sqlx::query_scalar("PRAGMA integrity_check")
        .fetch_one(&mut kept)
        .await
        .unwrap();
    assert_eq!(integrity, "ok");
    kept.close().await.unwrap();

    // Up to date: nothing more is copied, and the copy stays.
    SqliteStore::open(&path).await.unwrap().close().await;
    assert_eq!(copies(), [kept_name]);
    // A new database has nothing to keep.
    SqliteStore::open(&folder.path().join("fresh.db"))
        .await
        .unwrap()
        .close()
        .await;
    assert!(!copies().iter().any(|name| name.starts_with("fresh.db")));
}

/// A site created before ids stopped being reused keeps every row through the table
/// rebuild of migration 5, references included, and from then on never reuses an id.
#[tokio::test]
async fn an_existing_sqlite_database_is_rebuilt_without_losing_a_row() {
    use sqlx::Connection;
    let folder = tempfile::tempdir().unwrap();
    let path = folder.path().join("old.db");
    let mut old = database_with_migrations(&path, 4).await;
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
    assert_eq!(store.schema_version().await.unwrap(), 19);
    let article = store.article_by_id(ArticleId(7)).await.unwrap().unwrap();
    assert_eq!(article.author_id, Some(UserId(1)));
    // Migration 7 rebuilt the articles table again and filed every article in a section.
    assert_eq!(article.kind, tidings_domain::ArticleKind::Article);
    let sections = store.article_terms(ArticleId(7)).await.unwrap();
    assert_eq!(sections.len(), 1);
    assert_eq!(sections[0].slug.as_str(), "uncategorised");
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
