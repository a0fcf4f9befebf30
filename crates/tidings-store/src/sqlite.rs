//! The SQLite backend: one file in the data folder, in WAL mode.
//!
//! Writes go through a pool of exactly one connection, so transactions never contend for
//! SQLite's single write lock inside this process and a deferred `BEGIN` cannot fail with
//! `SQLITE_BUSY_SNAPSHOT`; reads use a separate pool of read-only connections, which WAL lets
//! run beside the writer. `synchronous=FULL` syncs the WAL at every commit, so a comment
//! whose success response was sent survives a process crash and a power loss.

use crate::migrations::{self, Migration};
use crate::records::*;
use crate::rows::*;
use crate::sql;
use crate::{Store, StoreError, StoreResult};
use async_trait::async_trait;
use sqlx::pool::PoolConnection;
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous,
};
use sqlx::{Sqlite, SqliteConnection};
use std::collections::HashMap;
use std::path::Path;
use std::time::Duration;
use tidings_domain::article::ValidArticle;
use tidings_domain::email::email_key;
use tidings_domain::spam_filter::{self, Label, TokenCounts};
use tidings_domain::{Article, ArticleId, Comment, CommentId, CommentStatus, User, UserId};
use time::OffsetDateTime;
use tokio::sync::{mpsc, oneshot};

/// Readers beside the one writer; two cores rarely keep more than this many busy.
const READER_CONNECTIONS: u32 = 4;
/// How long a statement waits for a lock held by another process (a backup, the CLI).
const BUSY_TIMEOUT: Duration = Duration::from_secs(5);

pub struct SqliteStore {
    writer: SqlitePool,
    readers: SqlitePool,
    /// New comments go through one task that commits them in groups.
    comment_jobs: mpsc::Sender<CommentJob>,
}

impl SqliteStore {
    /// Opens (creating if needed) the database file and brings its schema up to date.
    pub async fn open(path: &Path) -> StoreResult<SqliteStore> {
        let options = SqliteConnectOptions::new()
            .filename(path)
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Full)
            .busy_timeout(BUSY_TIMEOUT)
            .foreign_keys(true)
            .pragma("trusted_schema", "OFF");
        let writer = connect_writer(&options).await?;
        apply_migrations(&writer, migrations::SQLITE).await?;
        let readers = SqlitePoolOptions::new()
            .max_connections(READER_CONNECTIONS)
            .acquire_timeout(Duration::from_secs(10))
            .connect_with(options.read_only(true))
            .await
            .map_err(from_sqlx)?;
        let (comment_jobs, jobs) = mpsc::channel(1024);
        tokio::spawn(write_comments(writer.clone(), jobs));
        Ok(SqliteStore {
            writer,
            readers,
            comment_jobs,
        })
    }

    /// `PRAGMA integrity_check`, for crash tests and `tidings check`.
    pub async fn integrity_check(&self) -> StoreResult<String> {
        sqlx::query_scalar("PRAGMA integrity_check")
            .fetch_one(&self.readers)
            .await
            .map_err(from_sqlx)
    }

    pub async fn close(&self) {
        self.readers.close().await;
        self.writer.close().await;
    }
}

/// Opens the pool of the one writer connection. Turning a new database to WAL takes an
/// exclusive lock that SQLite's busy timeout does not wait for, so when two processes
/// create the same database at once (a `serve` and a `user add`), the second's first try
/// fails with `SQLITE_BUSY`; it tries again for up to [`MIGRATION_WAIT`].
async fn connect_writer(options: &SqliteConnectOptions) -> StoreResult<SqlitePool> {
    let started = std::time::Instant::now();
    let mut pause = Duration::from_millis(10);
    loop {
        let connected = SqlitePoolOptions::new()
            .max_connections(1)
            .min_connections(1)
            .acquire_timeout(Duration::from_secs(10))
            .connect_with(options.clone())
            .await
            .map_err(from_sqlx);
        match connected {
            Err(StoreError::Unavailable(_)) if started.elapsed() < MIGRATION_WAIT => {
                tokio::time::sleep(pause).await;
                pause = (pause * 2).min(Duration::from_millis(500));
            }
            other => return other,
        }
    }
}

async fn current_version(connection: &mut SqliteConnection) -> StoreResult<i64> {
    sqlx::query_scalar("SELECT COALESCE(MAX(version), 0) FROM schema_migrations")
        .fetch_one(connection)
        .await
        .map_err(from_sqlx)
}

/// How long a process waits for another one (a `serve` and a `user add` started together
/// on a new data folder) to finish migrating, before it gives up.
const MIGRATION_WAIT: Duration = Duration::from_secs(600);

/// Brings the schema up to date. The version is read and every missing migration applied in
/// one `BEGIN IMMEDIATE` transaction, which takes SQLite's write lock first: a second
/// process starting at the same moment waits for it, then finds the schema current, as a
/// second PostgreSQL node waits on the advisory lock. Foreign keys are off meanwhile (a
/// migration that rebuilds a table must not cascade its drop) and checked before commit.
async fn apply_migrations(pool: &SqlitePool, all: &[Migration]) -> StoreResult<()> {
    let mut connection = pool.acquire().await.map_err(from_sqlx)?;
    let setup = format!(
        "PRAGMA foreign_keys = OFF; PRAGMA busy_timeout = {}",
        MIGRATION_WAIT.as_millis()
    );
    sqlx::raw_sql(&setup)
        .execute(&mut *connection)
        .await
        .map_err(from_sqlx)?;
    let outcome = apply_locked(&mut connection, all).await;
    let restore = format!(
        "PRAGMA foreign_keys = ON; PRAGMA busy_timeout = {}",
        BUSY_TIMEOUT.as_millis()
    );
    let restored = sqlx::raw_sql(&restore).execute(&mut *connection).await;
    if outcome.is_err() || restored.is_err() {
        // Whatever state the connection is in, the next writer gets a fresh one.
        connection.close_on_drop();
    }
    outcome?;
    restored.map_err(from_sqlx)?;
    Ok(())
}

async fn apply_locked(
    connection: &mut PoolConnection<Sqlite>,
    all: &[Migration],
) -> StoreResult<()> {
    sqlx::query("BEGIN IMMEDIATE")
        .execute(&mut **connection)
        .await
        .map_err(from_sqlx)?;
    sqlx::query(
        "CREATE TABLE IF NOT EXISTS schema_migrations (
            version INTEGER PRIMARY KEY,
            name TEXT NOT NULL,
            applied_at INTEGER NOT NULL
        ) STRICT",
    )
    .execute(&mut **connection)
    .await
    .map_err(from_sqlx)?;
    let found = current_version(connection).await?;
    let known = migrations::latest(all);
    if found > known {
        return Err(StoreError::SchemaTooNew { found, known });
    }
    for migration in all.iter().filter(|migration| migration.version > found) {
        sqlx::raw_sql(migration.sql)
            .execute(&mut **connection)
            .await
            .map_err(from_sqlx)?;
        sqlx::query("INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)")
            .bind(migration.version)
            .bind(migration.name)
            .bind(OffsetDateTime::now_utc().unix_timestamp())
            .execute(&mut **connection)
            .await
            .map_err(from_sqlx)?;
        tracing::info!(
            version = migration.version,
            name = migration.name,
            "applied migration"
        );
    }
    // A migration that rebuilt a table must have kept every reference whole; checked only
    // when one ran, as it reads every table with a foreign key.
    if known > found {
        let broken: Vec<(String, i64)> =
            sqlx::query_as("SELECT \"table\", rowid FROM pragma_foreign_key_check")
                .fetch_all(&mut **connection)
                .await
                .map_err(from_sqlx)?;
        if !broken.is_empty() {
            return Err(StoreError::Other(format!(
                "a migration left rows pointing nowhere: {broken:?}"
            )));
        }
    }
    sqlx::query("COMMIT")
        .execute(&mut **connection)
        .await
        .map_err(from_sqlx)?;
    Ok(())
}

/// A write transaction on the one writer connection: `BEGIN IMMEDIATE` … `COMMIT`, issued
/// by us rather than through sqlx's `Transaction`.
///
/// SQLite rolls a transaction back by itself on some errors (`SQLITE_FULL`, `SQLITE_IOERR`,
/// `SQLITE_BUSY`, `SQLITE_NOMEM`), and sqlx's transaction bookkeeping does not notice: its
/// next `begin` became a `SAVEPOINT` inside a transaction that never committed, so every
/// later comment was acknowledged and lost until a restart (found on a full disk). Here a
/// transaction either commits, or its connection is closed, which rolls back whatever is
/// left, and the pool opens a fresh one for the next writer.
pub(crate) struct WriteTransaction {
    connection: PoolConnection<Sqlite>,
    committed: bool,
}

impl WriteTransaction {
    pub(crate) async fn begin(pool: &SqlitePool) -> Result<WriteTransaction, sqlx::Error> {
        let mut connection = pool.acquire().await?;
        if let Err(error) = sqlx::query("BEGIN IMMEDIATE")
            .execute(&mut *connection)
            .await
        {
            connection.close_on_drop();
            return Err(error);
        }
        Ok(WriteTransaction {
            connection,
            committed: false,
        })
    }

    pub(crate) async fn commit(mut self) -> Result<(), sqlx::Error> {
        sqlx::query("COMMIT").execute(&mut *self.connection).await?;
        self.committed = true;
        Ok(())
    }
}

impl Drop for WriteTransaction {
    fn drop(&mut self) {
        if !self.committed {
            self.connection.close_on_drop();
        }
    }
}

impl std::ops::Deref for WriteTransaction {
    type Target = SqliteConnection;
    fn deref(&self) -> &SqliteConnection {
        &self.connection
    }
}

impl std::ops::DerefMut for WriteTransaction {
    fn deref_mut(&mut self) -> &mut SqliteConnection {
        &mut self.connection
    }
}

fn from_sqlx(error: sqlx::Error) -> StoreError {
    match &error {
        sqlx::Error::PoolTimedOut | sqlx::Error::PoolClosed | sqlx::Error::Io(_) => {
            StoreError::Unavailable(error.to_string())
        }
        sqlx::Error::Database(database) if database.is_unique_violation() => {
            let message = database.message();
            let what = if message.contains("slug") {
                "slug"
            } else if message.contains("email") {
                "email"
            } else {
                "value"
            };
            StoreError::Conflict { what }
        }
        sqlx::Error::Database(database) => {
            // Extended result codes carry the primary code in their low byte.
            let primary = database
                .code()
                .and_then(|code| code.parse::<i64>().ok())
                .map_or(0, |code| code & 0xff);
            match primary {
                // SQLITE_FULL: the disk (or the file system's quota) is full.
                13 => StoreError::Full(error.to_string()),
                // SQLITE_CORRUPT and SQLITE_NOTADB: the file is damaged.
                11 | 26 => StoreError::Corrupt(error.to_string()),
                // SQLITE_BUSY and SQLITE_LOCKED (another process holds the lock),
                // SQLITE_NOMEM, SQLITE_READONLY, SQLITE_IOERR and SQLITE_CANTOPEN: the
                // database cannot be written now, which may pass.
                5 | 6 | 7 | 8 | 10 | 14 => StoreError::Unavailable(error.to_string()),
                _ => StoreError::Other(error.to_string()),
            }
        }
        _ => StoreError::Other(error.to_string()),
    }
}

/// A comment waiting for the writer, and where to send its outcome.
struct CommentJob {
    comment: CommentRecord,
    guard: SubmissionGuard,
    reply: oneshot::Sender<StoreResult<Result<CommentId, Refusal>>>,
}

/// The most comments committed in one transaction.
const COMMENT_BATCH: usize = 64;

/// Group commit: takes every comment waiting (up to a batch), checks and inserts each in one
/// transaction, commits once (one WAL sync for the lot) and only then answers each request,
/// so an acknowledgement still means committed. If the batch fails as a whole, each comment
/// is tried again alone, so one bad row cannot sink the others.
async fn write_comments(writer: SqlitePool, mut jobs: mpsc::Receiver<CommentJob>) {
    while let Some(first) = jobs.recv().await {
        let mut batch = vec![first];
        while batch.len() < COMMENT_BATCH {
            match jobs.try_recv() {
                Ok(job) => batch.push(job),
                Err(_) => break,
            }
        }
        match insert_batch(&writer, &batch).await {
            Ok(outcomes) => {
                for (job, outcome) in batch.into_iter().zip(outcomes) {
                    let _ = job.reply.send(Ok(outcome));
                }
            }
            Err(_) if batch.len() > 1 => {
                for job in batch {
                    let outcome = insert_batch(&writer, std::slice::from_ref(&job))
                        .await
                        .map(|mut outcomes| outcomes.remove(0));
                    let _ = job.reply.send(outcome);
                }
            }
            Err(error) => {
                if let Some(job) = batch.pop() {
                    let _ = job.reply.send(Err(error));
                }
            }
        }
    }
}

async fn insert_batch(
    writer: &SqlitePool,
    batch: &[CommentJob],
) -> StoreResult<Vec<Result<CommentId, Refusal>>> {
    let mut transaction = WriteTransaction::begin(writer).await.map_err(from_sqlx)?;
    let mut outcomes = Vec::with_capacity(batch.len());
    for job in batch {
        outcomes.push(insert_one(&mut transaction, &job.comment, &job.guard).await?);
    }
    transaction.commit().await.map_err(from_sqlx)?;
    Ok(outcomes)
}

/// One comment's checks and insert, inside the batch's transaction. A refusal leaves the
/// transaction untouched, so the rest of the batch goes on.
async fn insert_one(
    connection: &mut SqliteConnection,
    comment: &CommentRecord,
    guard: &SubmissionGuard,
) -> StoreResult<Result<CommentId, Refusal>> {
    if guard.reject_duplicates {
        let duplicate: Option<i64> = sqlx::query_scalar(statements::DUPLICATE_COMMENT)
            .bind(comment.article_id.0)
            .bind(comment.parent_id.map_or(0, |id| id.0))
            .bind(&comment.author_name)
            .bind(email_key(&comment.author_email))
            .bind(&comment.content)
            .fetch_optional(&mut *connection)
            .await
            .map_err(from_sqlx)?;
        if duplicate.is_some() {
            return Ok(Err(Refusal::Duplicate));
        }
    }
    if let Some(since) = guard.flood_since {
        let recent: Option<i64> = sqlx::query_scalar(statements::RECENT_COMMENT)
            .bind(&comment.ip)
            .bind(timestamp(since))
            .bind(email_key(&comment.author_email))
            .bind(timestamp(since))
            .fetch_optional(&mut *connection)
            .await
            .map_err(from_sqlx)?;
        if recent.is_some() {
            return Ok(Err(Refusal::Flood));
        }
    }
    if let Some(since) = guard.rate_since
        && (guard.max_per_ip > 0 || guard.max_per_email > 0)
    {
        // Each count stops at its limit (a limit of 0 counts nothing), so a busy address
        // costs no more than a quiet one.
        let (by_ip, by_email): (i64, i64) = sqlx::query_as(statements::RECENT_COUNTS)
            .bind(&comment.ip)
            .bind(timestamp(since))
            .bind(i64::from(guard.max_per_ip))
            .bind(email_key(&comment.author_email))
            .bind(timestamp(since))
            .bind(i64::from(guard.max_per_email))
            .fetch_one(&mut *connection)
            .await
            .map_err(from_sqlx)?;
        let over = |count: i64, limit: u32| limit > 0 && count >= i64::from(limit);
        if over(by_ip, guard.max_per_ip) || over(by_email, guard.max_per_email) {
            return Ok(Err(Refusal::RateLimited));
        }
    }
    if let Some(proof) = &comment.proof {
        let spent: Option<i64> = sqlx::query_scalar("SELECT id FROM comments WHERE proof = ?")
            .bind(proof)
            .fetch_optional(&mut *connection)
            .await
            .map_err(from_sqlx)?;
        if spent.is_some() {
            return Ok(Err(Refusal::ProofReused));
        }
    }
    let done = sqlx::query(
        "INSERT INTO comments (article_id, parent_id, author_name, author_email, author_url,
            content, status, moderation_reason, ip, user_agent, created_at, content_html,
            spam_score, proof, avatar_key)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
    )
    .bind(comment.article_id.0)
    .bind(comment.parent_id.map(|id| id.0))
    .bind(&comment.author_name)
    .bind(&comment.author_email)
    .bind(&comment.author_url)
    .bind(&comment.content)
    .bind(comment.status.as_str())
    .bind(&comment.moderation_reason)
    .bind(&comment.ip)
    .bind(&comment.user_agent)
    .bind(timestamp(comment.created_at))
    .bind(&comment.content_html)
    .bind(comment.spam_score)
    .bind(&comment.proof)
    .bind(&comment.avatar_key)
    .execute(&mut *connection)
    .await
    .map_err(from_sqlx)?;
    Ok(Ok(CommentId(done.last_insert_rowid())))
}

/// Anonymises one email address's comments, as WordPress's personal-data eraser does.
const ERASE_COMMENTS: &str = "UPDATE comments
     SET author_name = 'Anonymous', author_email = '', author_url = '', ip = '', user_agent = ''
     WHERE lower(author_email) = ?";

/// Moves the replies of spam about to be purged up to the spam's own parent.
const PURGE_SPAM_REPARENT: &str = "UPDATE comments
     SET parent_id = (SELECT p.parent_id FROM comments p WHERE p.id = comments.parent_id)
     WHERE parent_id IN (SELECT id FROM comments WHERE status = 'spam' AND created_at < ?)";

/// The statements behind public page views and comment posting, named so that
/// [`SqliteStore::query_plans`] can show that each one uses an index.
mod statements {
    use crate::rows::{ARTICLE_COLUMNS, COMMENT_COLUMNS};

    pub(super) fn article_where(condition: &str) -> String {
        format!("SELECT {ARTICLE_COLUMNS} FROM articles a WHERE {condition}")
    }

    pub(super) const PUBLISHED_FILTER: &str = "WHERE status = 'published' AND published_at <= ?";

    /// A page of articles: their ids first, through the covering index (so skipped rows
    /// cost an index step, not a comment count), then their details. Callers sort the rows.
    pub(super) fn summaries(filter: &str) -> String {
        format!(
            "SELECT {ARTICLE_COLUMNS}, u.display_name AS author_name,
                (SELECT COUNT(*) FROM comments c
                  WHERE c.article_id = a.id AND c.status = 'approved') AS approved_comments
             FROM articles a LEFT JOIN users u ON u.id = a.author_id
             WHERE a.id IN (
                 SELECT id FROM articles {filter}
                 ORDER BY published_at DESC, id DESC
                 LIMIT ? OFFSET ?)"
        )
    }

    pub(super) const NEXT_PUBLICATION: &str =
        "SELECT MIN(published_at) FROM articles WHERE status = 'published' AND published_at > ?";

    /// An article's approved comments as one JSON array in one row: sqlx hands SQLite rows
    /// over from its worker thread one at a time, which for 500 comments cost more than
    /// the rest of the page. Private columns are not selected. Callers sort the comments.
    pub(super) const APPROVED_COMMENTS: &str = "SELECT json_group_array(json_array(
             c.id, c.parent_id, c.author_name, c.author_url, c.content, c.status,
             c.status_before, c.created_at, c.content_html, c.avatar_key))
         FROM comments c WHERE c.article_id = ? AND c.status = 'approved'";

    pub(super) fn comment_by_id() -> String {
        format!("SELECT {COMMENT_COLUMNS} FROM comments c WHERE c.id = ?")
    }

    pub(super) const APPROVED_FROM: &str = "SELECT 1 FROM comments
         WHERE lower(author_email) = ? AND author_name = ? AND status = 'approved' LIMIT 1";

    pub(super) const DUPLICATE_COMMENT: &str = "SELECT id FROM comments
         WHERE article_id = ? AND COALESCE(parent_id, 0) = ? AND author_name = ?
           AND lower(author_email) = ? AND content = ? AND status <> 'trash'
         LIMIT 1";

    pub(super) const RECENT_COMMENT: &str =
        "SELECT id FROM comments WHERE ip = ? AND created_at >= ?
         UNION ALL
         SELECT id FROM comments
         WHERE lower(author_email) = ? AND author_email <> '' AND created_at >= ?
         LIMIT 1";

    /// Comments by one IP address and by one email since a moment: the hourly limits.
    pub(super) const RECENT_COUNTS: &str = "SELECT (SELECT COUNT(*) FROM (SELECT 1 FROM comments
                  WHERE ip = ? AND created_at >= ? LIMIT ?)),
                (SELECT COUNT(*) FROM (SELECT 1 FROM comments
                  WHERE lower(author_email) = ? AND author_email <> '' AND created_at >= ?
                  LIMIT ?))";

    pub(super) const SESSION: &str =
        "SELECT s.token_hash, s.user_id, s.csrf_token, s.created_at, s.expires_at,
                u.id, u.email, u.display_name, u.role, u.password_hash
         FROM sessions s JOIN users u ON u.id = s.user_id
         WHERE s.token_hash = ? AND s.expires_at > ?";

    pub(super) const SETTING: &str = "SELECT value FROM settings WHERE name = ?";

    /// The admin's comment list with some of its filters, deep in the list or at its start.
    fn queue(
        status: Option<tidings_domain::CommentStatus>,
        email: Option<&str>,
        deep: bool,
    ) -> String {
        let query = crate::records::CommentQuery {
            status,
            email: email.map(str::to_owned),
            ..crate::records::CommentQuery::default()
        };
        let page = if deep {
            crate::records::KeysetPage::OlderThan(
                time::OffsetDateTime::UNIX_EPOCH,
                tidings_domain::CommentId(1),
            )
        } else {
            crate::records::KeysetPage::Newest
        };
        crate::sql::find_comments(crate::sql::Dialect::Sqlite, &query, page, 20).sql
    }

    /// Every statement above, by name, with its placeholders filled.
    pub(super) fn all() -> Vec<(&'static str, String)> {
        vec![
            ("article by slug", article_where("a.slug = ?")),
            ("article by id", article_where("a.id = ?")),
            ("published articles", summaries(PUBLISHED_FILTER)),
            ("next publication", NEXT_PUBLICATION.to_owned()),
            ("approved comments", APPROVED_COMMENTS.to_owned()),
            ("comment by id", comment_by_id()),
            ("approved comment from", APPROVED_FROM.to_owned()),
            ("duplicate comment", DUPLICATE_COMMENT.to_owned()),
            ("recent comment", RECENT_COMMENT.to_owned()),
            ("recent counts", RECENT_COUNTS.to_owned()),
            ("session", SESSION.to_owned()),
            ("setting", SETTING.to_owned()),
            (
                "comment queue, one status, deep page",
                queue(Some(tidings_domain::CommentStatus::Pending), None, true),
            ),
            ("comment queue, every status", queue(None, None, false)),
            (
                "a commenter's history",
                queue(None, Some("ada@example.com"), true),
            ),
        ]
    }
}

impl SqliteStore {
    /// SQLite's plan for each statement of the public site, by name: what the query-plan
    /// test reads to check that none scans a whole table.
    pub async fn query_plans(&self) -> StoreResult<Vec<(&'static str, Vec<String>)>> {
        let mut plans = Vec::new();
        for (name, sql) in statements::all() {
            let explain = format!("EXPLAIN QUERY PLAN {sql}");
            let mut query = sqlx::query_as::<_, (i64, i64, i64, String)>(&explain);
            for _ in 0..sql.matches('?').count() {
                query = query.bind(0_i64);
            }
            let steps = query.fetch_all(&self.readers).await.map_err(from_sqlx)?;
            plans.push((
                name,
                steps.into_iter().map(|(_, _, _, detail)| detail).collect(),
            ));
        }
        Ok(plans)
    }

    async fn article_where(
        &self,
        condition: &str,
        bind: ArticleKey<'_>,
    ) -> StoreResult<Option<Article>> {
        let sql = statements::article_where(condition);
        let query = sqlx::query(&sql);
        let query = match bind {
            ArticleKey::Id(id) => query.bind(id.0),
            ArticleKey::Slug(slug) => query.bind(slug),
        };
        let row = query
            .fetch_optional(&self.readers)
            .await
            .map_err(from_sqlx)?;
        row.as_ref().map(article_from_row).transpose()
    }

    async fn summaries(
        &self,
        filter: &str,
        now: Option<OffsetDateTime>,
        page: Page,
        limit: u32,
    ) -> StoreResult<Vec<ArticleSummary>> {
        let sql = statements::summaries(filter);
        let mut query = sqlx::query(&sql);
        if let Some(now) = now {
            query = query.bind(timestamp(now));
        }
        let rows = query
            .bind(i64::from(limit))
            .bind(page.offset())
            .fetch_all(&self.readers)
            .await
            .map_err(from_sqlx)?;
        let mut summaries = rows
            .iter()
            .map(summary_from_row)
            .collect::<StoreResult<Vec<_>>>()?;
        newest_first(&mut summaries);
        Ok(summaries)
    }

    async fn write_article(
        transaction: &mut WriteTransaction,
        id: Option<ArticleId>,
        article: &ValidArticle,
        author_id: Option<UserId>,
        now: OffsetDateTime,
    ) -> StoreResult<Option<i64>> {
        // A title-made slug that is taken gets the first free `-N`, as WordPress does.
        let mut attempt = 1;
        loop {
            let slug = if attempt == 1 {
                article.slug.clone()
            } else {
                article.slug.with_suffix(attempt)
            };
            let result = match id {
                None => sqlx::query(
                    "INSERT INTO articles (slug, title, body_markdown, status, published_at,
                        updated_at, author_id, comments_open)
                     VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                )
                .bind(slug.as_str())
                .bind(&article.title)
                .bind(&article.body_markdown)
                .bind(article.status.as_str())
                .bind(timestamp(article.published_at))
                .bind(timestamp(now))
                .bind(author_id.map(|id| id.0))
                .bind(i64::from(article.comments_open))
                .execute(&mut **transaction)
                .await
                .map(|done| Some(done.last_insert_rowid())),
                Some(id) => sqlx::query(
                    "UPDATE articles SET slug = ?, title = ?, body_markdown = ?, status = ?,
                        published_at = ?, updated_at = ?, comments_open = ?
                     WHERE id = ?",
                )
                .bind(slug.as_str())
                .bind(&article.title)
                .bind(&article.body_markdown)
                .bind(article.status.as_str())
                .bind(timestamp(article.published_at))
                .bind(timestamp(now))
                .bind(i64::from(article.comments_open))
                .bind(id.0)
                .execute(&mut **transaction)
                .await
                .map(|done| (done.rows_affected() == 1).then_some(id.0)),
            };
            match result.map_err(from_sqlx) {
                Err(StoreError::Conflict { .. }) if article.slug_from_title && attempt < 1000 => {
                    attempt += 1
                }
                other => return other,
            }
        }
    }
}

enum ArticleKey<'a> {
    Id(ArticleId),
    Slug(&'a str),
}

#[async_trait]
impl Store for SqliteStore {
    async fn schema_version(&self) -> StoreResult<i64> {
        let mut connection = self.readers.acquire().await.map_err(from_sqlx)?;
        current_version(&mut connection).await
    }

    async fn insert_article(
        &self,
        article: &ValidArticle,
        author_id: Option<UserId>,
        now: OffsetDateTime,
    ) -> StoreResult<Article> {
        let mut transaction = WriteTransaction::begin(&self.writer)
            .await
            .map_err(from_sqlx)?;
        let id =
            SqliteStore::write_article(&mut transaction, None, article, author_id, now).await?;
        let id = id.ok_or_else(|| StoreError::Other("insert returned no row".into()))?;
        let row = sqlx::query(&format!(
            "SELECT {ARTICLE_COLUMNS} FROM articles a WHERE a.id = ?"
        ))
        .bind(id)
        .fetch_one(&mut *transaction)
        .await
        .map_err(from_sqlx)?;
        let stored = article_from_row(&row)?;
        transaction.commit().await.map_err(from_sqlx)?;
        Ok(stored)
    }

    async fn update_article(
        &self,
        id: ArticleId,
        article: &ValidArticle,
        now: OffsetDateTime,
    ) -> StoreResult<Option<Article>> {
        let mut transaction = WriteTransaction::begin(&self.writer)
            .await
            .map_err(from_sqlx)?;
        let Some(id) =
            SqliteStore::write_article(&mut transaction, Some(id), article, None, now).await?
        else {
            transaction.commit().await.map_err(from_sqlx)?;
            return Ok(None);
        };
        let row = sqlx::query(&format!(
            "SELECT {ARTICLE_COLUMNS} FROM articles a WHERE a.id = ?"
        ))
        .bind(id)
        .fetch_one(&mut *transaction)
        .await
        .map_err(from_sqlx)?;
        let stored = article_from_row(&row)?;
        transaction.commit().await.map_err(from_sqlx)?;
        Ok(Some(stored))
    }

    async fn article_by_id(&self, id: ArticleId) -> StoreResult<Option<Article>> {
        self.article_where("a.id = ?", ArticleKey::Id(id)).await
    }

    async fn article_by_slug(&self, slug: &str) -> StoreResult<Option<Article>> {
        self.article_where("a.slug = ?", ArticleKey::Slug(slug))
            .await
    }

    async fn published_articles(
        &self,
        now: OffsetDateTime,
        page: Page,
    ) -> StoreResult<Listed<ArticleSummary>> {
        let mut items = self
            .summaries(statements::PUBLISHED_FILTER, Some(now), page, page.size + 1)
            .await?;
        let more = items.len() > page.size as usize;
        items.truncate(page.size as usize);
        Ok(Listed { items, more })
    }

    async fn next_publication_after(
        &self,
        now: OffsetDateTime,
    ) -> StoreResult<Option<OffsetDateTime>> {
        let next: Option<i64> = sqlx::query_scalar(statements::NEXT_PUBLICATION)
            .bind(timestamp(now))
            .fetch_one(&self.readers)
            .await
            .map_err(from_sqlx)?;
        next.map(moment).transpose()
    }

    async fn all_articles(&self, page: Page) -> StoreResult<Vec<ArticleSummary>> {
        self.summaries("", None, page, page.size).await
    }

    async fn count_all_articles(&self) -> StoreResult<u64> {
        let count: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM articles")
            .fetch_one(&self.readers)
            .await
            .map_err(from_sqlx)?;
        Ok(to_u64(count))
    }

    async fn insert_comment(
        &self,
        comment: &CommentRecord,
        guard: &SubmissionGuard,
    ) -> StoreResult<Result<CommentId, Refusal>> {
        let stopped = || StoreError::Unavailable("the comment writer has stopped".into());
        let (reply, answer) = oneshot::channel();
        let job = CommentJob {
            comment: comment.clone(),
            guard: guard.clone(),
            reply,
        };
        self.comment_jobs.send(job).await.map_err(|_| stopped())?;
        answer.await.map_err(|_| stopped())?
    }

    async fn comment_by_id(&self, id: CommentId) -> StoreResult<Option<Comment>> {
        let row = sqlx::query(&statements::comment_by_id())
            .bind(id.0)
            .fetch_optional(&self.readers)
            .await
            .map_err(from_sqlx)?;
        row.as_ref().map(comment_from_row).transpose()
    }

    async fn comments_without_html(&self, limit: u32) -> StoreResult<Vec<(CommentId, String)>> {
        let rows: Vec<(i64, String)> = sqlx::query_as(
            "SELECT id, content FROM comments WHERE content_html IS NULL ORDER BY id LIMIT ?",
        )
        .bind(i64::from(limit))
        .fetch_all(&self.readers)
        .await
        .map_err(from_sqlx)?;
        Ok(rows
            .into_iter()
            .map(|(id, content)| (CommentId(id), content))
            .collect())
    }

    async fn store_comment_html(&self, rendered: &[(CommentId, String)]) -> StoreResult<()> {
        let mut transaction = WriteTransaction::begin(&self.writer)
            .await
            .map_err(from_sqlx)?;
        for (id, html) in rendered {
            sqlx::query("UPDATE comments SET content_html = ? WHERE id = ?")
                .bind(html)
                .bind(id.0)
                .execute(&mut *transaction)
                .await
                .map_err(from_sqlx)?;
        }
        transaction.commit().await.map_err(from_sqlx)
    }

    async fn approved_comments(&self, article_id: ArticleId) -> StoreResult<Vec<Comment>> {
        let json: String = sqlx::query_scalar(statements::APPROVED_COMMENTS)
            .bind(article_id.0)
            .fetch_one(&self.readers)
            .await
            .map_err(from_sqlx)?;
        type Fields = (
            i64,
            Option<i64>,
            String,
            String,
            String,
            String,
            Option<String>,
            i64,
            Option<String>,
            Option<String>,
        );
        let rows: Vec<Fields> = serde_json::from_str(&json)
            .map_err(|error| StoreError::Other(format!("reading comments as JSON: {error}")))?;
        let mut comments = rows
            .into_iter()
            .map(
                |(
                    id,
                    parent_id,
                    author_name,
                    author_url,
                    content,
                    status,
                    status_before,
                    created_at,
                    content_html,
                    avatar_key,
                )| {
                    Ok(Comment {
                        id: CommentId(id),
                        article_id,
                        parent_id: parent_id.map(CommentId),
                        author_name,
                        author_email: String::new(),
                        author_url,
                        content,
                        status: status_from(&status)?,
                        status_before: status_before.as_deref().map(status_from).transpose()?,
                        moderation_reason: String::new(),
                        ip: String::new(),
                        user_agent: String::new(),
                        created_at: moment(created_at)?,
                        content_html: content_html.map(tidings_domain::SafeHtml::trusting_storage),
                        avatar_key,
                    })
                },
            )
            .collect::<StoreResult<Vec<Comment>>>()?;
        comments.sort_by_key(|comment| (comment.created_at, comment.id));
        Ok(comments)
    }

    async fn has_approved_comment_from(&self, name: &str, email: &str) -> StoreResult<bool> {
        let found: Option<i64> = sqlx::query_scalar(statements::APPROVED_FROM)
            .bind(email_key(email))
            .bind(name)
            .fetch_optional(&self.readers)
            .await
            .map_err(from_sqlx)?;
        Ok(found.is_some())
    }

    async fn comment_counts(&self) -> StoreResult<StatusCounts> {
        let rows: Vec<(String, i64)> =
            sqlx::query_as("SELECT status, COUNT(*) FROM comments GROUP BY status")
                .fetch_all(&self.readers)
                .await
                .map_err(from_sqlx)?;
        let mut counts = StatusCounts::default();
        for (status, count) in rows {
            let count = to_u64(count);
            match status_from(&status)? {
                CommentStatus::Pending => counts.pending = count,
                CommentStatus::Approved => counts.approved = count,
                CommentStatus::Spam => counts.spam = count,
                CommentStatus::Trash => counts.trash = count,
            }
        }
        Ok(counts)
    }

    async fn set_comment_status(
        &self,
        id: CommentId,
        status: CommentStatus,
        status_before: Option<CommentStatus>,
    ) -> StoreResult<()> {
        sqlx::query("UPDATE comments SET status = ?, status_before = ? WHERE id = ?")
            .bind(status.as_str())
            .bind(status_before.map(CommentStatus::as_str))
            .bind(id.0)
            .execute(&self.writer)
            .await
            .map_err(from_sqlx)?;
        Ok(())
    }

    async fn delete_comment(&self, id: CommentId) -> StoreResult<()> {
        let mut transaction = WriteTransaction::begin(&self.writer)
            .await
            .map_err(from_sqlx)?;
        sqlx::query(
            "UPDATE comments SET parent_id = (SELECT parent_id FROM comments WHERE id = ?)
             WHERE parent_id = ?",
        )
        .bind(id.0)
        .bind(id.0)
        .execute(&mut *transaction)
        .await
        .map_err(from_sqlx)?;
        sqlx::query("DELETE FROM comments WHERE id = ?")
            .bind(id.0)
            .execute(&mut *transaction)
            .await
            .map_err(from_sqlx)?;
        transaction.commit().await.map_err(from_sqlx)
    }

    async fn find_comments(
        &self,
        query: &CommentQuery,
        page: KeysetPage,
        size: u32,
    ) -> StoreResult<Listed<QueuedComment>> {
        let statement = sql::find_comments(sql::Dialect::Sqlite, query, page, size);
        let mut bound = sqlx::query(&statement.sql);
        for value in &statement.values {
            bound = match value {
                sql::Value::Text(text) => bound.bind(text),
                sql::Value::Integer(number) => bound.bind(number),
            };
        }
        let rows = bound.fetch_all(&self.readers).await.map_err(from_sqlx)?;
        let mut items = rows
            .iter()
            .map(queued_from_row)
            .collect::<StoreResult<Vec<_>>>()?;
        Ok(listed_newest_first(&mut items, page, size))
    }

    async fn edit_comment(
        &self,
        id: CommentId,
        edit: &CommentEdit,
        at: OffsetDateTime,
    ) -> StoreResult<bool> {
        let done = sqlx::query(
            "UPDATE comments SET author_name = ?, author_email = ?, author_url = ?, content = ?,
                content_html = ?, edited_at = ?
             WHERE id = ?",
        )
        .bind(&edit.author_name)
        .bind(&edit.author_email)
        .bind(&edit.author_url)
        .bind(&edit.content)
        .bind(&edit.content_html)
        .bind(timestamp(at))
        .bind(id.0)
        .execute(&self.writer)
        .await
        .map_err(from_sqlx)?;
        Ok(done.rows_affected() > 0)
    }

    async fn spam_token_counts(
        &self,
        tokens: &[String],
    ) -> StoreResult<HashMap<String, TokenCounts>> {
        let wanted = serde_json::to_string(
            &tokens
                .iter()
                .map(String::as_str)
                .chain([spam_filter::DOCUMENTS])
                .collect::<Vec<_>>(),
        )
        .map_err(|error| StoreError::Other(error.to_string()))?;
        let rows: Vec<(String, i64, i64)> = sqlx::query_as(
            "SELECT token, spam, ham FROM spam_tokens
             WHERE token IN (SELECT value FROM json_each(?))",
        )
        .bind(wanted)
        .fetch_all(&self.readers)
        .await
        .map_err(from_sqlx)?;
        Ok(token_counts(rows))
    }

    async fn train_spam_filter(
        &self,
        id: CommentId,
        tokens: &[String],
        label: Option<Label>,
    ) -> StoreResult<()> {
        let mut transaction = WriteTransaction::begin(&self.writer)
            .await
            .map_err(from_sqlx)?;
        let before: Option<Option<String>> =
            sqlx::query_scalar("SELECT trained_as FROM comments WHERE id = ?")
                .bind(id.0)
                .fetch_optional(&mut *transaction)
                .await
                .map_err(from_sqlx)?;
        let Some(before) = before else {
            return transaction.commit().await.map_err(from_sqlx);
        };
        let before = before.as_deref().and_then(Label::parse);
        if before == label {
            return transaction.commit().await.map_err(from_sqlx);
        }
        for (change, delta) in [(before, -1i64), (label, 1)] {
            let Some(change) = change else { continue };
            let (spam, ham) = match change {
                Label::Spam => (delta, 0),
                Label::Ham => (0, delta),
            };
            for token in tokens
                .iter()
                .map(String::as_str)
                .chain([spam_filter::DOCUMENTS])
            {
                sqlx::query(
                    "INSERT INTO spam_tokens (token, spam, ham) VALUES (?1, MAX(?2, 0), MAX(?3, 0))
                     ON CONFLICT (token) DO UPDATE
                     SET spam = MAX(spam + ?2, 0), ham = MAX(ham + ?3, 0)",
                )
                .bind(token)
                .bind(spam)
                .bind(ham)
                .execute(&mut *transaction)
                .await
                .map_err(from_sqlx)?;
            }
        }
        sqlx::query("UPDATE comments SET trained_as = ? WHERE id = ?")
            .bind(label.map(Label::as_str))
            .bind(id.0)
            .execute(&mut *transaction)
            .await
            .map_err(from_sqlx)?;
        transaction.commit().await.map_err(from_sqlx)
    }

    async fn record_report(
        &self,
        comment_id: CommentId,
        reason: &str,
        ip: &str,
        at: OffsetDateTime,
        since: OffsetDateTime,
        max_per_ip: u32,
    ) -> StoreResult<Result<(), Refusal>> {
        let mut transaction = WriteTransaction::begin(&self.writer)
            .await
            .map_err(from_sqlx)?;
        let sent: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM comment_reports WHERE ip = ? AND created_at >= ?",
        )
        .bind(ip)
        .bind(timestamp(since))
        .fetch_one(&mut *transaction)
        .await
        .map_err(from_sqlx)?;
        if sent >= i64::from(max_per_ip) {
            transaction.commit().await.map_err(from_sqlx)?;
            return Ok(Err(Refusal::RateLimited));
        }
        sqlx::query(
            "INSERT INTO comment_reports (comment_id, reason, ip, created_at) VALUES (?, ?, ?, ?)",
        )
        .bind(comment_id.0)
        .bind(reason)
        .bind(ip)
        .bind(timestamp(at))
        .execute(&mut *transaction)
        .await
        .map_err(from_sqlx)?;
        transaction.commit().await.map_err(from_sqlx)?;
        Ok(Ok(()))
    }

    async fn request_subscription(
        &self,
        subscription: &Subscription,
        confirmations_since: OffsetDateTime,
    ) -> StoreResult<SubscriptionRequest> {
        let email = email_key(&subscription.email);
        let mut transaction = WriteTransaction::begin(&self.writer)
            .await
            .map_err(from_sqlx)?;
        let existing: Option<i64> = sqlx::query_scalar(
            "SELECT id FROM subscriptions
             WHERE email = ? AND article_id = ? AND COALESCE(comment_id, 0) = ? LIMIT 1",
        )
        .bind(&email)
        .bind(subscription.article_id.0)
        .bind(subscription.comment_id.map_or(0, |id| id.0))
        .fetch_optional(&mut *transaction)
        .await
        .map_err(from_sqlx)?;
        if existing.is_some() {
            transaction.commit().await.map_err(from_sqlx)?;
            return Ok(SubscriptionRequest::AlreadyThere);
        }
        let waiting: Option<i64> = sqlx::query_scalar(
            "SELECT id FROM subscriptions
             WHERE email = ? AND confirmed = 0 AND confirmation_sent_at >= ? LIMIT 1",
        )
        .bind(&email)
        .bind(timestamp(confirmations_since))
        .fetch_optional(&mut *transaction)
        .await
        .map_err(from_sqlx)?;
        let outcome = if waiting.is_some() {
            SubscriptionRequest::Waiting
        } else {
            SubscriptionRequest::MailConfirmation
        };
        sqlx::query(
            "INSERT INTO subscriptions (email, article_id, comment_id, token, confirmed, created_at,
                confirmation_sent_at)
             VALUES (?, ?, ?, ?, ?, ?, ?)",
        )
        .bind(&email)
        .bind(subscription.article_id.0)
        .bind(subscription.comment_id.map(|id| id.0))
        .bind(&subscription.token)
        .bind(subscription.confirmed)
        .bind(timestamp(subscription.created_at))
        .bind(
            (outcome == SubscriptionRequest::MailConfirmation)
                .then(|| timestamp(subscription.created_at)),
        )
        .execute(&mut *transaction)
        .await
        .map_err(from_sqlx)?;
        transaction.commit().await.map_err(from_sqlx)?;
        Ok(outcome)
    }

    async fn subscription_by_token(&self, token: &str) -> StoreResult<Option<Subscription>> {
        let row = sqlx::query(&format!(
            "SELECT {SUBSCRIPTION_COLUMNS} FROM subscriptions WHERE token = ?"
        ))
        .bind(token)
        .fetch_optional(&self.readers)
        .await
        .map_err(from_sqlx)?;
        row.as_ref().map(subscription_from_row).transpose()
    }

    async fn confirm_subscription(&self, token: &str) -> StoreResult<Option<Subscription>> {
        let row = sqlx::query(&format!(
            "UPDATE subscriptions SET confirmed = 1 WHERE token = ? RETURNING {SUBSCRIPTION_COLUMNS}"
        ))
        .bind(token)
        .fetch_optional(&self.writer)
        .await
        .map_err(from_sqlx)?;
        row.as_ref().map(subscription_from_row).transpose()
    }

    async fn delete_subscription(&self, token: &str) -> StoreResult<Option<Subscription>> {
        let row = sqlx::query(&format!(
            "DELETE FROM subscriptions WHERE token = ? RETURNING {SUBSCRIPTION_COLUMNS}"
        ))
        .bind(token)
        .fetch_optional(&self.writer)
        .await
        .map_err(from_sqlx)?;
        row.as_ref().map(subscription_from_row).transpose()
    }

    async fn subscriptions_for_article(
        &self,
        article_id: ArticleId,
    ) -> StoreResult<Vec<Subscription>> {
        let rows = sqlx::query(&format!(
            "SELECT {SUBSCRIPTION_COLUMNS} FROM subscriptions
             WHERE article_id = ? AND confirmed = 1 ORDER BY id"
        ))
        .bind(article_id.0)
        .fetch_all(&self.readers)
        .await
        .map_err(from_sqlx)?;
        rows.iter().map(subscription_from_row).collect()
    }

    async fn subscriptions_by_email(&self, email: &str) -> StoreResult<Vec<Subscription>> {
        let rows = sqlx::query(&format!(
            "SELECT {SUBSCRIPTION_COLUMNS} FROM subscriptions WHERE email = ? ORDER BY id"
        ))
        .bind(email_key(email))
        .fetch_all(&self.readers)
        .await
        .map_err(from_sqlx)?;
        rows.iter().map(subscription_from_row).collect()
    }

    async fn erase_personal_data(&self, email: &str) -> StoreResult<Erased> {
        let mut transaction = WriteTransaction::begin(&self.writer)
            .await
            .map_err(from_sqlx)?;
        let comments = sqlx::query(ERASE_COMMENTS)
            .bind(email_key(email))
            .execute(&mut *transaction)
            .await
            .map_err(from_sqlx)?
            .rows_affected();
        let subscriptions = sqlx::query("DELETE FROM subscriptions WHERE email = ?")
            .bind(email_key(email))
            .execute(&mut *transaction)
            .await
            .map_err(from_sqlx)?
            .rows_affected();
        transaction.commit().await.map_err(from_sqlx)?;
        Ok(Erased {
            comments,
            subscriptions,
        })
    }

    async fn comment_ips_after(
        &self,
        after: CommentId,
        limit: u32,
    ) -> StoreResult<Vec<(CommentId, OffsetDateTime, String)>> {
        let rows: Vec<(i64, i64, String)> = sqlx::query_as(
            "SELECT id, created_at, ip FROM comments WHERE id > ? ORDER BY id LIMIT ?",
        )
        .bind(after.0)
        .bind(i64::from(limit))
        .fetch_all(&self.readers)
        .await
        .map_err(from_sqlx)?;
        rows.into_iter()
            .map(|(id, at, ip)| Ok((CommentId(id), moment(at)?, ip)))
            .collect()
    }

    async fn set_comment_ips(&self, ips: &[(CommentId, String)]) -> StoreResult<()> {
        let mut transaction = WriteTransaction::begin(&self.writer)
            .await
            .map_err(from_sqlx)?;
        for (id, ip) in ips {
            sqlx::query("UPDATE comments SET ip = ? WHERE id = ?")
                .bind(ip)
                .bind(id.0)
                .execute(&mut *transaction)
                .await
                .map_err(from_sqlx)?;
        }
        transaction.commit().await.map_err(from_sqlx)
    }

    async fn purge_spam_before(&self, before: OffsetDateTime) -> StoreResult<u64> {
        let mut transaction = WriteTransaction::begin(&self.writer)
            .await
            .map_err(from_sqlx)?;
        sqlx::query(PURGE_SPAM_REPARENT)
            .bind(timestamp(before))
            .execute(&mut *transaction)
            .await
            .map_err(from_sqlx)?;
        let purged = sqlx::query("DELETE FROM comments WHERE status = 'spam' AND created_at < ?")
            .bind(timestamp(before))
            .execute(&mut *transaction)
            .await
            .map_err(from_sqlx)?
            .rows_affected();
        transaction.commit().await.map_err(from_sqlx)?;
        Ok(purged)
    }

    async fn insert_user(&self, user: &NewUser, now: OffsetDateTime) -> StoreResult<User> {
        let done = sqlx::query(
            "INSERT INTO users (email, display_name, role, password_hash, created_at)
             VALUES (?, ?, ?, ?, ?)",
        )
        .bind(&user.email)
        .bind(&user.display_name)
        .bind(user.role.as_str())
        .bind(&user.password_hash)
        .bind(timestamp(now))
        .execute(&self.writer)
        .await
        .map_err(from_sqlx)?;
        Ok(User {
            id: UserId(done.last_insert_rowid()),
            email: user.email.clone(),
            display_name: user.display_name.clone(),
            role: user.role,
            password_hash: user.password_hash.clone(),
        })
    }

    async fn user_by_id(&self, id: UserId) -> StoreResult<Option<User>> {
        let row = sqlx::query("SELECT * FROM users WHERE id = ?")
            .bind(id.0)
            .fetch_optional(&self.readers)
            .await
            .map_err(from_sqlx)?;
        row.as_ref().map(user_from_row).transpose()
    }

    async fn user_by_email(&self, email: &str) -> StoreResult<Option<User>> {
        let row = sqlx::query("SELECT * FROM users WHERE email = ?")
            .bind(email)
            .fetch_optional(&self.readers)
            .await
            .map_err(from_sqlx)?;
        row.as_ref().map(user_from_row).transpose()
    }

    async fn count_users(&self) -> StoreResult<u64> {
        let count: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM users")
            .fetch_one(&self.readers)
            .await
            .map_err(from_sqlx)?;
        Ok(to_u64(count))
    }

    async fn all_users(&self) -> StoreResult<Vec<User>> {
        let rows = sqlx::query(
            "SELECT id, email, display_name, role, password_hash FROM users ORDER BY id",
        )
        .fetch_all(&self.readers)
        .await
        .map_err(from_sqlx)?;
        rows.iter().map(user_from_row).collect()
    }

    async fn insert_session(&self, session: &Session) -> StoreResult<()> {
        let mut transaction = WriteTransaction::begin(&self.writer)
            .await
            .map_err(from_sqlx)?;
        // Sign-in is a fine moment to forget sessions that ran out.
        sqlx::query("DELETE FROM sessions WHERE expires_at < ?")
            .bind(timestamp(session.created_at))
            .execute(&mut *transaction)
            .await
            .map_err(from_sqlx)?;
        sqlx::query(
            "INSERT INTO sessions (token_hash, user_id, csrf_token, created_at, expires_at)
             VALUES (?, ?, ?, ?, ?)",
        )
        .bind(&session.token_hash)
        .bind(session.user_id.0)
        .bind(&session.csrf_token)
        .bind(timestamp(session.created_at))
        .bind(timestamp(session.expires_at))
        .execute(&mut *transaction)
        .await
        .map_err(from_sqlx)?;
        transaction.commit().await.map_err(from_sqlx)
    }

    async fn session_by_token_hash(
        &self,
        token_hash: &str,
        now: OffsetDateTime,
    ) -> StoreResult<Option<(Session, User)>> {
        let row = sqlx::query(statements::SESSION)
            .bind(token_hash)
            .bind(timestamp(now))
            .fetch_optional(&self.readers)
            .await
            .map_err(from_sqlx)?;
        let Some(row) = row else { return Ok(None) };
        let session = session_from_row(&row)?;
        Ok(Some((session, user_from_row(&row)?)))
    }

    async fn delete_session(&self, token_hash: &str) -> StoreResult<()> {
        sqlx::query("DELETE FROM sessions WHERE token_hash = ?")
            .bind(token_hash)
            .execute(&self.writer)
            .await
            .map_err(from_sqlx)?;
        Ok(())
    }

    async fn record_failed_login(
        &self,
        email: &str,
        ip: &str,
        device: &str,
        at: OffsetDateTime,
    ) -> StoreResult<()> {
        let mut transaction = WriteTransaction::begin(&self.writer)
            .await
            .map_err(from_sqlx)?;
        // Only the last day matters to the throttle; older rows would only grow the table.
        sqlx::query("DELETE FROM failed_logins WHERE at < ?")
            .bind(timestamp(at) - 86_400)
            .execute(&mut *transaction)
            .await
            .map_err(from_sqlx)?;
        sqlx::query("INSERT INTO failed_logins (email, ip, device, at) VALUES (?, ?, ?, ?)")
            .bind(email)
            .bind(ip)
            .bind(device)
            .bind(timestamp(at))
            .execute(&mut *transaction)
            .await
            .map_err(from_sqlx)?;
        transaction.commit().await.map_err(from_sqlx)
    }

    async fn failed_logins_since(
        &self,
        email: &str,
        ip: &str,
        device: &str,
        since: OffsetDateTime,
    ) -> StoreResult<FailedLogins> {
        // `email` compares without case (its column is COLLATE NOCASE).
        let counts: (i64, Option<i64>, i64, Option<i64>, i64, Option<i64>) = sqlx::query_as(
            "SELECT a.n, a.oldest, i.n, i.oldest, d.n, d.oldest FROM
                (SELECT COUNT(*) AS n, MIN(at) AS oldest FROM failed_logins
                  WHERE email = ? AND device = '' AND at >= ?) a,
                (SELECT COUNT(*) AS n, MIN(at) AS oldest FROM failed_logins
                  WHERE ip = ? AND device = '' AND at >= ?) i,
                (SELECT COUNT(*) AS n, MIN(at) AS oldest FROM failed_logins
                  WHERE device = ? AND device <> '' AND at >= ?) d",
        )
        .bind(email)
        .bind(timestamp(since))
        .bind(ip)
        .bind(timestamp(since))
        .bind(device)
        .bind(timestamp(since))
        .fetch_one(&self.readers)
        .await
        .map_err(from_sqlx)?;
        Ok(FailedLogins {
            account: attempts(counts.0, counts.1)?,
            ip: attempts(counts.2, counts.3)?,
            device: attempts(counts.4, counts.5)?,
        })
    }

    async fn clear_failed_logins(&self, device: &str) -> StoreResult<()> {
        if device.is_empty() {
            return Ok(());
        }
        sqlx::query("DELETE FROM failed_logins WHERE device = ?")
            .bind(device)
            .execute(&self.writer)
            .await
            .map_err(from_sqlx)?;
        Ok(())
    }

    async fn record_mail_delivery(&self, recipient: &str, at: OffsetDateTime) -> StoreResult<()> {
        let mut transaction = WriteTransaction::begin(&self.writer)
            .await
            .map_err(from_sqlx)?;
        sqlx::query("DELETE FROM mail_deliveries WHERE sent_at < ?")
            .bind(timestamp(at) - 86_400)
            .execute(&mut *transaction)
            .await
            .map_err(from_sqlx)?;
        sqlx::query("INSERT INTO mail_deliveries (recipient, sent_at) VALUES (?, ?)")
            .bind(email_key(recipient))
            .bind(timestamp(at))
            .execute(&mut *transaction)
            .await
            .map_err(from_sqlx)?;
        transaction.commit().await.map_err(from_sqlx)
    }

    async fn mail_deliveries_since(
        &self,
        recipient: &str,
        since: OffsetDateTime,
    ) -> StoreResult<(u64, u64)> {
        let (to_recipient, to_anyone): (i64, i64) = sqlx::query_as(
            "SELECT (SELECT COUNT(*) FROM mail_deliveries WHERE recipient = ? AND sent_at >= ?),
                    (SELECT COUNT(*) FROM mail_deliveries WHERE sent_at >= ?)",
        )
        .bind(email_key(recipient))
        .bind(timestamp(since))
        .bind(timestamp(since))
        .fetch_one(&self.readers)
        .await
        .map_err(from_sqlx)?;
        Ok((to_u64(to_recipient), to_u64(to_anyone)))
    }

    async fn check_integrity(&self) -> StoreResult<Option<String>> {
        let checked: Result<Vec<String>, _> = sqlx::query_scalar("PRAGMA quick_check")
            .fetch_all(&self.readers)
            .await
            .map_err(from_sqlx);
        match checked {
            Ok(problems) => Ok((problems != ["ok"]).then(|| problems.join("; "))),
            // So damaged that the check itself cannot read it.
            Err(StoreError::Corrupt(problem)) => Ok(Some(problem)),
            Err(other) => Err(other),
        }
    }

    async fn record_page_changes(&self, tags: &str, at: OffsetDateTime) -> StoreResult<i64> {
        // The single writer connection already puts entries in commit order.
        let mut transaction = WriteTransaction::begin(&self.writer)
            .await
            .map_err(from_sqlx)?;
        let epoch: i64 = sqlx::query_scalar(
            "INSERT INTO page_invalidations (epoch, tags, at)
             SELECT COALESCE(MAX(epoch), 0) + 1, ?, ? FROM page_invalidations
             RETURNING epoch",
        )
        .bind(tags)
        .bind(timestamp(at))
        .fetch_one(&mut *transaction)
        .await
        .map_err(from_sqlx)?;
        sqlx::query("DELETE FROM page_invalidations WHERE at < ? AND epoch < ?")
            .bind(timestamp(at) - 86_400)
            .bind(epoch)
            .execute(&mut *transaction)
            .await
            .map_err(from_sqlx)?;
        transaction.commit().await.map_err(from_sqlx)?;
        Ok(epoch)
    }

    async fn page_changes_since(&self, epoch: i64) -> StoreResult<Vec<(i64, String)>> {
        sqlx::query_as("SELECT epoch, tags FROM page_invalidations WHERE epoch > ? ORDER BY epoch")
            .bind(epoch)
            .fetch_all(&self.readers)
            .await
            .map_err(from_sqlx)
    }

    async fn latest_page_change(&self) -> StoreResult<i64> {
        sqlx::query_scalar("SELECT COALESCE(MAX(epoch), 0) FROM page_invalidations")
            .fetch_one(&self.readers)
            .await
            .map_err(from_sqlx)
    }

    async fn setting(&self, name: &str) -> StoreResult<Option<String>> {
        sqlx::query_scalar(statements::SETTING)
            .bind(name)
            .fetch_optional(&self.readers)
            .await
            .map_err(from_sqlx)
    }

    async fn put_setting(&self, name: &str, value: &str) -> StoreResult<()> {
        sqlx::query(
            "INSERT INTO settings (name, value) VALUES (?, ?)
             ON CONFLICT (name) DO UPDATE SET value = excluded.value",
        )
        .bind(name)
        .bind(value)
        .execute(&self.writer)
        .await
        .map_err(from_sqlx)?;
        Ok(())
    }

    async fn setting_or_insert(&self, name: &str, value: &str) -> StoreResult<String> {
        let mut transaction = WriteTransaction::begin(&self.writer)
            .await
            .map_err(from_sqlx)?;
        sqlx::query(
            "INSERT INTO settings (name, value) VALUES (?, ?) ON CONFLICT (name) DO NOTHING",
        )
        .bind(name)
        .bind(value)
        .execute(&mut *transaction)
        .await
        .map_err(from_sqlx)?;
        let stored: String = sqlx::query_scalar("SELECT value FROM settings WHERE name = ?")
            .bind(name)
            .fetch_one(&mut *transaction)
            .await
            .map_err(from_sqlx)?;
        transaction.commit().await.map_err(from_sqlx)?;
        Ok(stored)
    }
}
