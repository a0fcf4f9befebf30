//! The PostgreSQL backend, for several app nodes sharing one database.
//!
//! What one node decides must hold for all: schema migrations run once, under an advisory
//! lock; the flood and duplicate checks of a new comment run under transaction-scoped
//! advisory locks keyed by the commenter's IP address and email, so two nodes cannot both let
//! the same commenter through; every connection carries statement, lock and idle timeouts so a
//! stuck query becomes a 503, not a hung node. The pool tests a connection before handing it
//! out, so a node survives a database restart without being restarted itself.

use crate::migrations::{self, Migration};
use crate::records::*;
use crate::rows::*;
use crate::sql;
use crate::{Store, StoreError, StoreResult};
use async_trait::async_trait;
use sqlx::postgres::{PgConnectOptions, PgPool, PgPoolOptions};
use sqlx::{PgConnection, Postgres, Transaction};
use std::collections::HashMap;
use std::str::FromStr;
use std::time::Duration;
use tidings_domain::article::ValidArticle;
use tidings_domain::email::email_key;
use tidings_domain::spam_filter::{self, Label, TokenCounts};
use tidings_domain::{Article, ArticleId, Comment, CommentId, CommentStatus, User, UserId};
use time::OffsetDateTime;

/// The advisory lock key under which one node at a time applies migrations ("tidings" in
/// ASCII, as a number).
const MIGRATION_LOCK: i64 = 0x0074_6964_696e_6773;

/// The advisory lock key under which page invalidations are appended ("pages").
const INVALIDATION_LOCK: i64 = 0x0070_6167_6573;

/// How a node talks to PostgreSQL.
#[derive(Clone, Debug)]
pub struct PostgresOptions {
    /// Connections this node keeps at most; keep the sum over all nodes well under the
    /// server's `max_connections`.
    pub max_connections: u32,
    /// The longest a statement may run before the server cancels it.
    pub statement_timeout: Duration,
    /// The longest a request waits for a free connection before it gets a 503.
    pub acquire_timeout: Duration,
}

impl Default for PostgresOptions {
    fn default() -> Self {
        PostgresOptions {
            max_connections: 10,
            statement_timeout: Duration::from_secs(10),
            acquire_timeout: Duration::from_secs(5),
        }
    }
}

pub struct PostgresStore {
    pool: PgPool,
}

impl PostgresStore {
    /// Connects to `url` (`postgres://user:password@host:port/database`) and brings the
    /// schema up to date.
    pub async fn open(url: &str, options: &PostgresOptions) -> StoreResult<PostgresStore> {
        let connect = PgConnectOptions::from_str(url)
            .map_err(|error| {
                StoreError::Other(format!("the PostgreSQL URL is not valid: {error}"))
            })?
            .application_name("tidings")
            .options([
                (
                    "statement_timeout",
                    format!("{}ms", options.statement_timeout.as_millis()),
                ),
                (
                    "lock_timeout",
                    format!("{}ms", options.statement_timeout.as_millis()),
                ),
                ("idle_in_transaction_session_timeout", "60s".to_owned()),
            ]);
        let pool = PgPoolOptions::new()
            .max_connections(options.max_connections)
            .acquire_timeout(options.acquire_timeout)
            .test_before_acquire(true)
            .connect_with(connect)
            .await
            .map_err(from_sqlx)?;
        apply_migrations(&pool, migrations::POSTGRES).await?;
        Ok(PostgresStore { pool })
    }

    pub async fn close(&self) {
        self.pool.close().await;
    }
}

/// Creates an empty schema with a unique name in the database at `url`, and returns a URL
/// whose connections use it. Tests use it to give each case a database of its own on one
/// server.
pub async fn fresh_schema_url(url: &str) -> StoreResult<String> {
    use std::sync::atomic::{AtomicU32, Ordering};
    static COUNTER: AtomicU32 = AtomicU32::new(0);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |elapsed| elapsed.subsec_nanos());
    let schema = format!(
        "test_{}_{}_{}",
        std::process::id(),
        nanos,
        COUNTER.fetch_add(1, Ordering::Relaxed)
    );
    let options = PgConnectOptions::from_str(url)
        .map_err(|error| StoreError::Other(format!("the PostgreSQL URL is not valid: {error}")))?;
    let mut connection = <PgConnection as sqlx::Connection>::connect_with(&options)
        .await
        .map_err(from_sqlx)?;
    sqlx::query(&format!("CREATE SCHEMA {schema}"))
        .execute(&mut connection)
        .await
        .map_err(from_sqlx)?;
    let separator = if url.contains('?') { '&' } else { '?' };
    Ok(format!("{url}{separator}options[search_path]={schema}"))
}

async fn current_version(connection: &mut PgConnection) -> StoreResult<i64> {
    sqlx::query_scalar("SELECT COALESCE(MAX(version), 0) FROM schema_migrations")
        .fetch_one(connection)
        .await
        .map_err(from_sqlx)
}

async fn apply_migrations(pool: &PgPool, all: &[Migration]) -> StoreResult<()> {
    let mut connection = pool.acquire().await.map_err(from_sqlx)?;
    sqlx::query("SELECT pg_advisory_lock($1)")
        .bind(MIGRATION_LOCK)
        .execute(&mut *connection)
        .await
        .map_err(from_sqlx)?;
    let result = apply_locked(&mut connection, all).await;
    let unlocked = sqlx::query("SELECT pg_advisory_unlock($1)")
        .bind(MIGRATION_LOCK)
        .execute(&mut *connection)
        .await
        .map_err(from_sqlx);
    result.and(unlocked.map(|_| ()))
}

async fn apply_locked(connection: &mut PgConnection, all: &[Migration]) -> StoreResult<()> {
    sqlx::query(
        "CREATE TABLE IF NOT EXISTS schema_migrations (
            version BIGINT PRIMARY KEY,
            name TEXT NOT NULL,
            applied_at BIGINT NOT NULL
        )",
    )
    .execute(&mut *connection)
    .await
    .map_err(from_sqlx)?;
    let found = current_version(connection).await?;
    let known = migrations::latest(all);
    if found > known {
        return Err(StoreError::SchemaTooNew { found, known });
    }
    for migration in all.iter().filter(|migration| migration.version > found) {
        let mut transaction = sqlx::Connection::begin(&mut *connection)
            .await
            .map_err(from_sqlx)?;
        sqlx::raw_sql(migration.sql)
            .execute(&mut *transaction)
            .await
            .map_err(from_sqlx)?;
        sqlx::query(
            "INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)",
        )
        .bind(migration.version)
        .bind(migration.name)
        .bind(OffsetDateTime::now_utc().unix_timestamp())
        .execute(&mut *transaction)
        .await
        .map_err(from_sqlx)?;
        transaction.commit().await.map_err(from_sqlx)?;
        tracing::info!(
            version = migration.version,
            name = migration.name,
            "applied migration"
        );
    }
    Ok(())
}

fn from_sqlx(error: sqlx::Error) -> StoreError {
    match &error {
        sqlx::Error::PoolTimedOut
        | sqlx::Error::PoolClosed
        | sqlx::Error::Io(_)
        | sqlx::Error::Tls(_)
        | sqlx::Error::Protocol(_)
        | sqlx::Error::WorkerCrashed => StoreError::Unavailable(error.to_string()),
        sqlx::Error::Database(database) if database.is_unique_violation() => {
            let what = match database.constraint() {
                Some("articles_slug_key") => "slug",
                Some("users_email_key") => "email",
                _ => "value",
            };
            StoreError::Conflict { what }
        }
        sqlx::Error::Database(database) => {
            let code = database.code().unwrap_or_default();
            // Connection exceptions (08…), shutdowns (57P0…), too many connections, a
            // cancelled statement, lock timeouts, serialization failures and deadlocks: all
            // pass, and are worth retrying.
            let passing = code.starts_with("08")
                || code.starts_with("57P0")
                || matches!(
                    code.as_ref(),
                    "53200" | "53300" | "57014" | "55P03" | "40001" | "40P01"
                );
            if code == "53100" {
                // disk_full: nothing was written; it recovers once space is freed.
                StoreError::Full(error.to_string())
            } else if passing {
                StoreError::Unavailable(error.to_string())
            } else {
                StoreError::Other(error.to_string())
            }
        }
        _ => StoreError::Other(error.to_string()),
    }
}

impl PostgresStore {
    async fn write_article(
        transaction: &mut Transaction<'static, Postgres>,
        id: Option<ArticleId>,
        article: &ValidArticle,
        author_id: Option<UserId>,
        now: OffsetDateTime,
    ) -> StoreResult<Option<i64>> {
        let mut attempt = 1;
        loop {
            let slug = if attempt == 1 {
                article.slug.clone()
            } else {
                article.slug.with_suffix(attempt)
            };
            // A savepoint, so a clash on one slug does not abort the whole transaction.
            let mut attempt_transaction = sqlx::Connection::begin(&mut **transaction)
                .await
                .map_err(from_sqlx)?;
            let result = match id {
                None => {
                    sqlx::query_scalar(
                        "INSERT INTO articles (slug, title, body_markdown, status, published_at,
                        updated_at, author_id, comments_open)
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
                    )
                    .bind(slug.as_str())
                    .bind(&article.title)
                    .bind(&article.body_markdown)
                    .bind(article.status.as_str())
                    .bind(timestamp(article.published_at))
                    .bind(timestamp(now))
                    .bind(author_id.map(|id| id.0))
                    .bind(article.comments_open)
                    .fetch_optional(&mut *attempt_transaction)
                    .await
                }
                Some(id) => sqlx::query_scalar(
                    "UPDATE articles SET slug = $1, title = $2, body_markdown = $3, status = $4,
                        published_at = $5, updated_at = $6, comments_open = $7
                     WHERE id = $8 RETURNING id",
                )
                .bind(slug.as_str())
                .bind(&article.title)
                .bind(&article.body_markdown)
                .bind(article.status.as_str())
                .bind(timestamp(article.published_at))
                .bind(timestamp(now))
                .bind(article.comments_open)
                .bind(id.0)
                .fetch_optional(&mut *attempt_transaction)
                .await,
            };
            match result.map_err(from_sqlx) {
                Ok(stored) => {
                    attempt_transaction.commit().await.map_err(from_sqlx)?;
                    return Ok(stored);
                }
                Err(StoreError::Conflict { .. }) if article.slug_from_title && attempt < 1000 => {
                    attempt_transaction.rollback().await.map_err(from_sqlx)?;
                    attempt += 1;
                }
                Err(other) => return Err(other),
            }
        }
    }

    async fn article_by(&self, id: i64) -> StoreResult<Article> {
        let row = sqlx::query(&format!(
            "SELECT {ARTICLE_COLUMNS} FROM articles a WHERE a.id = $1"
        ))
        .bind(id)
        .fetch_one(&self.pool)
        .await
        .map_err(from_sqlx)?;
        article_from_row(&row)
    }
}

const SUMMARY_COLUMNS: &str = "u.display_name AS author_name,
    (SELECT COUNT(*) FROM comments c WHERE c.article_id = a.id AND c.status = 'approved')
        AS approved_comments";

#[async_trait]
impl Store for PostgresStore {
    async fn schema_version(&self) -> StoreResult<i64> {
        let mut connection = self.pool.acquire().await.map_err(from_sqlx)?;
        current_version(&mut connection).await
    }

    async fn insert_article(
        &self,
        article: &ValidArticle,
        author_id: Option<UserId>,
        now: OffsetDateTime,
    ) -> StoreResult<Article> {
        let mut transaction = self.pool.begin().await.map_err(from_sqlx)?;
        let id = PostgresStore::write_article(&mut transaction, None, article, author_id, now)
            .await?
            .ok_or_else(|| StoreError::Other("insert returned no row".into()))?;
        transaction.commit().await.map_err(from_sqlx)?;
        self.article_by(id).await
    }

    async fn update_article(
        &self,
        id: ArticleId,
        article: &ValidArticle,
        now: OffsetDateTime,
    ) -> StoreResult<Option<Article>> {
        let mut transaction = self.pool.begin().await.map_err(from_sqlx)?;
        let updated =
            PostgresStore::write_article(&mut transaction, Some(id), article, None, now).await?;
        transaction.commit().await.map_err(from_sqlx)?;
        match updated {
            Some(id) => Ok(Some(self.article_by(id).await?)),
            None => Ok(None),
        }
    }

    async fn article_by_id(&self, id: ArticleId) -> StoreResult<Option<Article>> {
        let row = sqlx::query(&format!(
            "SELECT {ARTICLE_COLUMNS} FROM articles a WHERE a.id = $1"
        ))
        .bind(id.0)
        .fetch_optional(&self.pool)
        .await
        .map_err(from_sqlx)?;
        row.as_ref().map(article_from_row).transpose()
    }

    async fn article_by_slug(&self, slug: &str) -> StoreResult<Option<Article>> {
        let row = sqlx::query(&format!(
            "SELECT {ARTICLE_COLUMNS} FROM articles a WHERE a.slug = $1"
        ))
        .bind(slug)
        .fetch_optional(&self.pool)
        .await
        .map_err(from_sqlx)?;
        row.as_ref().map(article_from_row).transpose()
    }

    async fn published_articles(
        &self,
        now: OffsetDateTime,
        page: Page,
    ) -> StoreResult<Listed<ArticleSummary>> {
        let rows = sqlx::query(&format!(
            "SELECT {ARTICLE_COLUMNS}, {SUMMARY_COLUMNS}
             FROM articles a LEFT JOIN users u ON u.id = a.author_id
             WHERE a.id IN (
                 SELECT id FROM articles WHERE status = 'published' AND published_at <= $1
                 ORDER BY published_at DESC, id DESC
                 LIMIT $2 OFFSET $3)"
        ))
        .bind(timestamp(now))
        .bind(i64::from(page.size) + 1)
        .bind(page.offset())
        .fetch_all(&self.pool)
        .await
        .map_err(from_sqlx)?;
        let mut items = rows
            .iter()
            .map(summary_from_row)
            .collect::<StoreResult<Vec<_>>>()?;
        newest_first(&mut items);
        let more = items.len() > page.size as usize;
        items.truncate(page.size as usize);
        Ok(Listed { items, more })
    }

    async fn next_publication_after(
        &self,
        now: OffsetDateTime,
    ) -> StoreResult<Option<OffsetDateTime>> {
        let next: Option<i64> = sqlx::query_scalar(
            "SELECT MIN(published_at) FROM articles WHERE status = 'published' AND published_at > $1",
        )
        .bind(timestamp(now))
        .fetch_one(&self.pool)
        .await
        .map_err(from_sqlx)?;
        next.map(moment).transpose()
    }

    async fn all_articles(&self, page: Page) -> StoreResult<Vec<ArticleSummary>> {
        let rows = sqlx::query(&format!(
            "SELECT {ARTICLE_COLUMNS}, {SUMMARY_COLUMNS}
             FROM articles a LEFT JOIN users u ON u.id = a.author_id
             ORDER BY a.published_at DESC, a.id DESC
             LIMIT $1 OFFSET $2"
        ))
        .bind(i64::from(page.size))
        .bind(page.offset())
        .fetch_all(&self.pool)
        .await
        .map_err(from_sqlx)?;
        rows.iter().map(summary_from_row).collect()
    }

    async fn count_all_articles(&self) -> StoreResult<u64> {
        let count: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM articles")
            .fetch_one(&self.pool)
            .await
            .map_err(from_sqlx)?;
        Ok(to_u64(count))
    }

    async fn insert_comment(
        &self,
        comment: &CommentRecord,
        guard: &SubmissionGuard,
    ) -> StoreResult<Result<CommentId, Refusal>> {
        let mut transaction = self.pool.begin().await.map_err(from_sqlx)?;
        // Serialise submissions from the same address or email across every node, so the
        // checks below see each other's inserts. Keys are taken in a fixed order: no deadlock.
        let mut keys = vec![format!("comment-ip:{}", comment.ip)];
        if !comment.author_email.is_empty() {
            keys.push(format!(
                "comment-email:{}",
                email_key(&comment.author_email)
            ));
        }
        keys.sort();
        for key in &keys {
            sqlx::query("SELECT pg_advisory_xact_lock(hashtextextended($1, 0))")
                .bind(key)
                .execute(&mut *transaction)
                .await
                .map_err(from_sqlx)?;
        }
        if guard.reject_duplicates {
            let duplicate: Option<i64> = sqlx::query_scalar(
                "SELECT id FROM comments
                 WHERE article_id = $1 AND COALESCE(parent_id, 0) = $2 AND author_name = $3
                   AND lower(author_email) = $4 AND content = $5 AND status <> 'trash'
                 LIMIT 1",
            )
            .bind(comment.article_id.0)
            .bind(comment.parent_id.map_or(0, |id| id.0))
            .bind(&comment.author_name)
            .bind(email_key(&comment.author_email))
            .bind(&comment.content)
            .fetch_optional(&mut *transaction)
            .await
            .map_err(from_sqlx)?;
            if duplicate.is_some() {
                return Ok(Err(Refusal::Duplicate));
            }
        }
        if let Some(since) = guard.flood_since {
            let recent: Option<i64> = sqlx::query_scalar(
                "SELECT id FROM comments WHERE ip = $1 AND created_at >= $2
                 UNION ALL
                 SELECT id FROM comments
                 WHERE lower(author_email) = $3 AND author_email <> '' AND created_at >= $2
                 LIMIT 1",
            )
            .bind(&comment.ip)
            .bind(timestamp(since))
            .bind(email_key(&comment.author_email))
            .fetch_optional(&mut *transaction)
            .await
            .map_err(from_sqlx)?;
            if recent.is_some() {
                return Ok(Err(Refusal::Flood));
            }
        }
        if let Some(since) = guard.rate_since
            && (guard.max_per_ip > 0 || guard.max_per_email > 0)
        {
            // Each count stops at its limit, so a busy address costs no more than a quiet one.
            let (by_ip, by_email): (i64, i64) = sqlx::query_as(
                "SELECT (SELECT COUNT(*) FROM (SELECT 1 FROM comments
                          WHERE ip = $1 AND created_at >= $2 LIMIT $4) AS by_ip),
                        (SELECT COUNT(*) FROM (SELECT 1 FROM comments
                          WHERE lower(author_email) = $3 AND author_email <> ''
                            AND created_at >= $2
                          LIMIT $5) AS by_email)",
            )
            .bind(&comment.ip)
            .bind(timestamp(since))
            .bind(email_key(&comment.author_email))
            .bind(i64::from(guard.max_per_ip))
            .bind(i64::from(guard.max_per_email))
            .fetch_one(&mut *transaction)
            .await
            .map_err(from_sqlx)?;
            let over = |count: i64, limit: u32| limit > 0 && count >= i64::from(limit);
            if over(by_ip, guard.max_per_ip) || over(by_email, guard.max_per_email) {
                return Ok(Err(Refusal::RateLimited));
            }
        }
        let inserted = sqlx::query_scalar(
            "INSERT INTO comments (article_id, parent_id, author_name, author_email, author_url,
                content, status, moderation_reason, ip, user_agent, created_at, content_html,
                spam_score, proof, avatar_key)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)
             RETURNING id",
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
        .fetch_one(&mut *transaction)
        .await
        .map_err(from_sqlx);
        // The only unique column a comment has is its proof of work.
        let id: i64 = match inserted {
            Err(StoreError::Conflict { .. }) => return Ok(Err(Refusal::ProofReused)),
            other => other?,
        };
        transaction.commit().await.map_err(from_sqlx)?;
        Ok(Ok(CommentId(id)))
    }

    async fn comment_by_id(&self, id: CommentId) -> StoreResult<Option<Comment>> {
        let row = sqlx::query(&format!(
            "SELECT {COMMENT_COLUMNS} FROM comments c WHERE c.id = $1"
        ))
        .bind(id.0)
        .fetch_optional(&self.pool)
        .await
        .map_err(from_sqlx)?;
        row.as_ref().map(comment_from_row).transpose()
    }

    async fn comments_without_html(&self, limit: u32) -> StoreResult<Vec<(CommentId, String)>> {
        let rows: Vec<(i64, String)> = sqlx::query_as(
            "SELECT id, content FROM comments WHERE content_html IS NULL ORDER BY id LIMIT $1",
        )
        .bind(i64::from(limit))
        .fetch_all(&self.pool)
        .await
        .map_err(from_sqlx)?;
        Ok(rows
            .into_iter()
            .map(|(id, content)| (CommentId(id), content))
            .collect())
    }

    async fn store_comment_html(&self, rendered: &[(CommentId, String)]) -> StoreResult<()> {
        let mut transaction = self.pool.begin().await.map_err(from_sqlx)?;
        for (id, html) in rendered {
            sqlx::query("UPDATE comments SET content_html = $1 WHERE id = $2")
                .bind(html)
                .bind(id.0)
                .execute(&mut *transaction)
                .await
                .map_err(from_sqlx)?;
        }
        transaction.commit().await.map_err(from_sqlx)
    }

    async fn approved_comments(&self, article_id: ArticleId) -> StoreResult<Vec<Comment>> {
        let rows = sqlx::query(&format!(
            "SELECT {PUBLIC_COMMENT_COLUMNS} FROM comments c
             WHERE c.article_id = $1 AND c.status = 'approved'
             ORDER BY c.created_at, c.id"
        ))
        .bind(article_id.0)
        .fetch_all(&self.pool)
        .await
        .map_err(from_sqlx)?;
        rows.iter().map(comment_from_row).collect()
    }

    async fn has_approved_comment_from(&self, name: &str, email: &str) -> StoreResult<bool> {
        let found: Option<i32> = sqlx::query_scalar(
            "SELECT 1 FROM comments
             WHERE lower(author_email) = $1 AND author_name = $2 AND status = 'approved' LIMIT 1",
        )
        .bind(email_key(email))
        .bind(name)
        .fetch_optional(&self.pool)
        .await
        .map_err(from_sqlx)?;
        Ok(found.is_some())
    }

    async fn comment_counts(&self) -> StoreResult<StatusCounts> {
        let rows: Vec<(String, i64)> =
            sqlx::query_as("SELECT status, COUNT(*) FROM comments GROUP BY status")
                .fetch_all(&self.pool)
                .await
                .map_err(from_sqlx)?;
        let mut counts = StatusCounts::default();
        for (status, count) in rows {
            counts.set(status_from(&status)?, to_u64(count));
        }
        Ok(counts)
    }

    async fn set_comment_status(
        &self,
        id: CommentId,
        status: CommentStatus,
        status_before: Option<CommentStatus>,
    ) -> StoreResult<()> {
        sqlx::query("UPDATE comments SET status = $1, status_before = $2 WHERE id = $3")
            .bind(status.as_str())
            .bind(status_before.map(CommentStatus::as_str))
            .bind(id.0)
            .execute(&self.pool)
            .await
            .map_err(from_sqlx)?;
        Ok(())
    }

    async fn delete_comment(&self, id: CommentId) -> StoreResult<()> {
        let mut transaction = self.pool.begin().await.map_err(from_sqlx)?;
        sqlx::query("UPDATE comments SET parent_id = (SELECT parent_id FROM comments WHERE id = $1) WHERE parent_id = $1")
            .bind(id.0)
            .execute(&mut *transaction)
            .await
            .map_err(from_sqlx)?;
        sqlx::query("DELETE FROM comments WHERE id = $1")
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
        let statement = sql::find_comments(sql::Dialect::Postgres, query, page, size);
        let mut bound = sqlx::query(&statement.sql);
        for value in &statement.values {
            bound = match value {
                sql::Value::Text(text) => bound.bind(text),
                sql::Value::Integer(number) => bound.bind(number),
            };
        }
        let rows = bound.fetch_all(&self.pool).await.map_err(from_sqlx)?;
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
            "UPDATE comments SET author_name = $1, author_email = $2, author_url = $3,
                content = $4, content_html = $5, edited_at = $6
             WHERE id = $7",
        )
        .bind(&edit.author_name)
        .bind(&edit.author_email)
        .bind(&edit.author_url)
        .bind(&edit.content)
        .bind(&edit.content_html)
        .bind(timestamp(at))
        .bind(id.0)
        .execute(&self.pool)
        .await
        .map_err(from_sqlx)?;
        Ok(done.rows_affected() > 0)
    }

    async fn spam_token_counts(
        &self,
        tokens: &[String],
    ) -> StoreResult<HashMap<String, TokenCounts>> {
        let mut wanted = tokens.to_vec();
        wanted.push(spam_filter::DOCUMENTS.to_owned());
        let rows: Vec<(String, i64, i64)> =
            sqlx::query_as("SELECT token, spam, ham FROM spam_tokens WHERE token = ANY($1)")
                .bind(wanted)
                .fetch_all(&self.pool)
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
        let mut transaction = self.pool.begin().await.map_err(from_sqlx)?;
        // The row lock makes two moderators acting on one comment at once train it once.
        let before: Option<Option<String>> =
            sqlx::query_scalar("SELECT trained_as FROM comments WHERE id = $1 FOR UPDATE")
                .bind(id.0)
                .fetch_optional(&mut *transaction)
                .await
                .map_err(from_sqlx)?;
        let Some(before) = before else {
            return Ok(());
        };
        let before = before.as_deref().and_then(Label::parse);
        if before == label {
            return Ok(());
        }
        let mut all: Vec<&str> = tokens.iter().map(String::as_str).collect();
        all.push(spam_filter::DOCUMENTS);
        // Tokens in a fixed order, so two trainings cannot deadlock on each other's rows.
        all.sort_unstable();
        all.dedup();
        for (change, delta) in [(before, -1i64), (label, 1)] {
            let Some(change) = change else { continue };
            let (spam, ham) = match change {
                Label::Spam => (delta, 0),
                Label::Ham => (0, delta),
            };
            sqlx::query(
                "INSERT INTO spam_tokens (token, spam, ham)
                 SELECT token, GREATEST($2, 0), GREATEST($3, 0) FROM UNNEST($1::text[]) AS token
                 ON CONFLICT (token) DO UPDATE
                 SET spam = GREATEST(spam_tokens.spam + $2, 0),
                     ham = GREATEST(spam_tokens.ham + $3, 0)",
            )
            .bind(&all)
            .bind(spam)
            .bind(ham)
            .execute(&mut *transaction)
            .await
            .map_err(from_sqlx)?;
        }
        sqlx::query("UPDATE comments SET trained_as = $1 WHERE id = $2")
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
        let mut transaction = self.pool.begin().await.map_err(from_sqlx)?;
        sqlx::query("SELECT pg_advisory_xact_lock(hashtextextended($1, 0))")
            .bind(format!("report-ip:{ip}"))
            .execute(&mut *transaction)
            .await
            .map_err(from_sqlx)?;
        let sent: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM comment_reports WHERE ip = $1 AND created_at >= $2",
        )
        .bind(ip)
        .bind(timestamp(since))
        .fetch_one(&mut *transaction)
        .await
        .map_err(from_sqlx)?;
        if sent >= i64::from(max_per_ip) {
            return Ok(Err(Refusal::RateLimited));
        }
        sqlx::query(
            "INSERT INTO comment_reports (comment_id, reason, ip, created_at)
             VALUES ($1, $2, $3, $4)",
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
        let mut transaction = self.pool.begin().await.map_err(from_sqlx)?;
        // One request per address at a time across every node, so two cannot both find no
        // confirmation waiting and both send one.
        sqlx::query("SELECT pg_advisory_xact_lock(hashtextextended($1, 0))")
            .bind(format!("subscribe:{email}"))
            .execute(&mut *transaction)
            .await
            .map_err(from_sqlx)?;
        let existing: Option<i64> = sqlx::query_scalar(
            "SELECT id FROM subscriptions
             WHERE email = $1 AND article_id = $2 AND COALESCE(comment_id, 0) = $3 LIMIT 1",
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
             WHERE email = $1 AND NOT confirmed AND confirmation_sent_at >= $2 LIMIT 1",
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
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
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
            "SELECT {SUBSCRIPTION_COLUMNS} FROM subscriptions WHERE token = $1"
        ))
        .bind(token)
        .fetch_optional(&self.pool)
        .await
        .map_err(from_sqlx)?;
        row.as_ref().map(subscription_from_row).transpose()
    }

    async fn confirm_subscription(&self, token: &str) -> StoreResult<Option<Subscription>> {
        let row = sqlx::query(&format!(
            "UPDATE subscriptions SET confirmed = TRUE WHERE token = $1
             RETURNING {SUBSCRIPTION_COLUMNS}"
        ))
        .bind(token)
        .fetch_optional(&self.pool)
        .await
        .map_err(from_sqlx)?;
        row.as_ref().map(subscription_from_row).transpose()
    }

    async fn delete_subscription(&self, token: &str) -> StoreResult<Option<Subscription>> {
        let row = sqlx::query(&format!(
            "DELETE FROM subscriptions WHERE token = $1 RETURNING {SUBSCRIPTION_COLUMNS}"
        ))
        .bind(token)
        .fetch_optional(&self.pool)
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
             WHERE article_id = $1 AND confirmed ORDER BY id"
        ))
        .bind(article_id.0)
        .fetch_all(&self.pool)
        .await
        .map_err(from_sqlx)?;
        rows.iter().map(subscription_from_row).collect()
    }

    async fn subscriptions_by_email(&self, email: &str) -> StoreResult<Vec<Subscription>> {
        let rows = sqlx::query(&format!(
            "SELECT {SUBSCRIPTION_COLUMNS} FROM subscriptions WHERE email = $1 ORDER BY id"
        ))
        .bind(email_key(email))
        .fetch_all(&self.pool)
        .await
        .map_err(from_sqlx)?;
        rows.iter().map(subscription_from_row).collect()
    }

    async fn erase_personal_data(&self, email: &str) -> StoreResult<Erased> {
        let mut transaction = self.pool.begin().await.map_err(from_sqlx)?;
        let comments = sqlx::query(
            "UPDATE comments
             SET author_name = 'Anonymous', author_email = '', author_url = '', ip = '',
                 user_agent = ''
             WHERE lower(author_email) = $1",
        )
        .bind(email_key(email))
        .execute(&mut *transaction)
        .await
        .map_err(from_sqlx)?
        .rows_affected();
        let subscriptions = sqlx::query("DELETE FROM subscriptions WHERE email = $1")
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
            "SELECT id, created_at, ip FROM comments WHERE id > $1 ORDER BY id LIMIT $2",
        )
        .bind(after.0)
        .bind(i64::from(limit))
        .fetch_all(&self.pool)
        .await
        .map_err(from_sqlx)?;
        rows.into_iter()
            .map(|(id, at, ip)| Ok((CommentId(id), moment(at)?, ip)))
            .collect()
    }

    async fn set_comment_ips(&self, ips: &[(CommentId, String)]) -> StoreResult<()> {
        let mut transaction = self.pool.begin().await.map_err(from_sqlx)?;
        for (id, ip) in ips {
            sqlx::query("UPDATE comments SET ip = $1 WHERE id = $2")
                .bind(ip)
                .bind(id.0)
                .execute(&mut *transaction)
                .await
                .map_err(from_sqlx)?;
        }
        transaction.commit().await.map_err(from_sqlx)
    }

    async fn purge_spam_before(&self, before: OffsetDateTime) -> StoreResult<u64> {
        let mut transaction = self.pool.begin().await.map_err(from_sqlx)?;
        sqlx::query(
            "UPDATE comments
             SET parent_id = (SELECT p.parent_id FROM comments p WHERE p.id = comments.parent_id)
             WHERE parent_id IN (SELECT id FROM comments WHERE status = 'spam' AND created_at < $1)",
        )
        .bind(timestamp(before))
        .execute(&mut *transaction)
        .await
        .map_err(from_sqlx)?;
        let purged = sqlx::query("DELETE FROM comments WHERE status = 'spam' AND created_at < $1")
            .bind(timestamp(before))
            .execute(&mut *transaction)
            .await
            .map_err(from_sqlx)?
            .rows_affected();
        transaction.commit().await.map_err(from_sqlx)?;
        Ok(purged)
    }

    async fn insert_user(&self, user: &NewUser, now: OffsetDateTime) -> StoreResult<User> {
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO users (email, display_name, role, password_hash, created_at)
             VALUES ($1, $2, $3, $4, $5) RETURNING id",
        )
        .bind(&user.email)
        .bind(&user.display_name)
        .bind(user.role.as_str())
        .bind(&user.password_hash)
        .bind(timestamp(now))
        .fetch_one(&self.pool)
        .await
        .map_err(from_sqlx)?;
        Ok(User {
            id: UserId(id),
            email: user.email.clone(),
            display_name: user.display_name.clone(),
            role: user.role,
            password_hash: user.password_hash.clone(),
        })
    }

    async fn user_by_id(&self, id: UserId) -> StoreResult<Option<User>> {
        let row = sqlx::query("SELECT * FROM users WHERE id = $1")
            .bind(id.0)
            .fetch_optional(&self.pool)
            .await
            .map_err(from_sqlx)?;
        row.as_ref().map(user_from_row).transpose()
    }

    async fn user_by_email(&self, email: &str) -> StoreResult<Option<User>> {
        let row = sqlx::query("SELECT * FROM users WHERE lower(email) = lower($1)")
            .bind(email)
            .fetch_optional(&self.pool)
            .await
            .map_err(from_sqlx)?;
        row.as_ref().map(user_from_row).transpose()
    }

    async fn count_users(&self) -> StoreResult<u64> {
        let count: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM users")
            .fetch_one(&self.pool)
            .await
            .map_err(from_sqlx)?;
        Ok(to_u64(count))
    }

    async fn all_users(&self) -> StoreResult<Vec<User>> {
        let rows = sqlx::query(
            "SELECT id, email, display_name, role, password_hash FROM users ORDER BY id",
        )
        .fetch_all(&self.pool)
        .await
        .map_err(from_sqlx)?;
        rows.iter().map(user_from_row).collect()
    }

    async fn insert_session(&self, session: &Session) -> StoreResult<()> {
        let mut transaction = self.pool.begin().await.map_err(from_sqlx)?;
        sqlx::query("DELETE FROM sessions WHERE expires_at < $1")
            .bind(timestamp(session.created_at))
            .execute(&mut *transaction)
            .await
            .map_err(from_sqlx)?;
        sqlx::query(
            "INSERT INTO sessions (token_hash, user_id, csrf_token, created_at, expires_at)
             VALUES ($1, $2, $3, $4, $5)",
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
        let row = sqlx::query(
            "SELECT s.token_hash, s.user_id, s.csrf_token, s.created_at, s.expires_at,
                    u.id, u.email, u.display_name, u.role, u.password_hash
             FROM sessions s JOIN users u ON u.id = s.user_id
             WHERE s.token_hash = $1 AND s.expires_at > $2",
        )
        .bind(token_hash)
        .bind(timestamp(now))
        .fetch_optional(&self.pool)
        .await
        .map_err(from_sqlx)?;
        row.map(|row| Ok((session_from_row(&row)?, user_from_row(&row)?)))
            .transpose()
    }

    async fn delete_session(&self, token_hash: &str) -> StoreResult<()> {
        sqlx::query("DELETE FROM sessions WHERE token_hash = $1")
            .bind(token_hash)
            .execute(&self.pool)
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
        let mut transaction = self.pool.begin().await.map_err(from_sqlx)?;
        sqlx::query("DELETE FROM failed_logins WHERE at < $1")
            .bind(timestamp(at) - 86_400)
            .execute(&mut *transaction)
            .await
            .map_err(from_sqlx)?;
        sqlx::query("INSERT INTO failed_logins (email, ip, device, at) VALUES ($1, $2, $3, $4)")
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
        let counts: (i64, Option<i64>, i64, Option<i64>, i64, Option<i64>) = sqlx::query_as(
            "SELECT a.n, a.oldest, i.n, i.oldest, d.n, d.oldest FROM
                (SELECT COUNT(*) AS n, MIN(at) AS oldest FROM failed_logins
                  WHERE lower(email) = lower($1) AND device = '' AND at >= $4) a,
                (SELECT COUNT(*) AS n, MIN(at) AS oldest FROM failed_logins
                  WHERE ip = $2 AND device = '' AND at >= $4) i,
                (SELECT COUNT(*) AS n, MIN(at) AS oldest FROM failed_logins
                  WHERE device = $3 AND device <> '' AND at >= $4) d",
        )
        .bind(email)
        .bind(ip)
        .bind(device)
        .bind(timestamp(since))
        .fetch_one(&self.pool)
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
        sqlx::query("DELETE FROM failed_logins WHERE device = $1")
            .bind(device)
            .execute(&self.pool)
            .await
            .map_err(from_sqlx)?;
        Ok(())
    }

    async fn record_mail_delivery(&self, recipient: &str, at: OffsetDateTime) -> StoreResult<()> {
        let mut transaction = self.pool.begin().await.map_err(from_sqlx)?;
        sqlx::query("DELETE FROM mail_deliveries WHERE sent_at < $1")
            .bind(timestamp(at) - 86_400)
            .execute(&mut *transaction)
            .await
            .map_err(from_sqlx)?;
        sqlx::query("INSERT INTO mail_deliveries (recipient, sent_at) VALUES ($1, $2)")
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
            "SELECT (SELECT COUNT(*) FROM mail_deliveries WHERE recipient = $1 AND sent_at >= $2),
                    (SELECT COUNT(*) FROM mail_deliveries WHERE sent_at >= $2)",
        )
        .bind(email_key(recipient))
        .bind(timestamp(since))
        .fetch_one(&self.pool)
        .await
        .map_err(from_sqlx)?;
        Ok((to_u64(to_recipient), to_u64(to_anyone)))
    }

    async fn check_integrity(&self) -> StoreResult<Option<String>> {
        // PostgreSQL checks its own pages as it reads them (and with data checksums, if the
        // cluster has them); nothing cheap to add here.
        Ok(None)
    }

    async fn record_page_changes(&self, tags: &str, at: OffsetDateTime) -> StoreResult<i64> {
        let mut transaction = self.pool.begin().await.map_err(from_sqlx)?;
        // One appender at a time, so an entry's epoch is also its place in commit order: a
        // reader that has seen epoch N never later finds a new entry below N.
        sqlx::query("SELECT pg_advisory_xact_lock($1)")
            .bind(INVALIDATION_LOCK)
            .execute(&mut *transaction)
            .await
            .map_err(from_sqlx)?;
        let epoch: i64 = sqlx::query_scalar(
            "INSERT INTO page_invalidations (epoch, tags, at)
             SELECT COALESCE(MAX(epoch), 0) + 1, $1, $2 FROM page_invalidations
             RETURNING epoch",
        )
        .bind(tags)
        .bind(timestamp(at))
        .fetch_one(&mut *transaction)
        .await
        .map_err(from_sqlx)?;
        sqlx::query("DELETE FROM page_invalidations WHERE at < $1 AND epoch < $2")
            .bind(timestamp(at) - 86_400)
            .bind(epoch)
            .execute(&mut *transaction)
            .await
            .map_err(from_sqlx)?;
        transaction.commit().await.map_err(from_sqlx)?;
        Ok(epoch)
    }

    async fn page_changes_since(&self, epoch: i64) -> StoreResult<Vec<(i64, String)>> {
        sqlx::query_as("SELECT epoch, tags FROM page_invalidations WHERE epoch > $1 ORDER BY epoch")
            .bind(epoch)
            .fetch_all(&self.pool)
            .await
            .map_err(from_sqlx)
    }

    async fn latest_page_change(&self) -> StoreResult<i64> {
        sqlx::query_scalar("SELECT COALESCE(MAX(epoch), 0) FROM page_invalidations")
            .fetch_one(&self.pool)
            .await
            .map_err(from_sqlx)
    }

    async fn setting(&self, name: &str) -> StoreResult<Option<String>> {
        sqlx::query_scalar("SELECT value FROM settings WHERE name = $1")
            .bind(name)
            .fetch_optional(&self.pool)
            .await
            .map_err(from_sqlx)
    }

    async fn put_setting(&self, name: &str, value: &str) -> StoreResult<()> {
        sqlx::query("INSERT INTO settings (name, value) VALUES ($1, $2) ON CONFLICT (name) DO UPDATE SET value = excluded.value")
            .bind(name)
            .bind(value)
            .execute(&self.pool)
            .await
            .map_err(from_sqlx)?;
        Ok(())
    }

    async fn setting_or_insert(&self, name: &str, value: &str) -> StoreResult<String> {
        sqlx::query(
            "INSERT INTO settings (name, value) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING",
        )
        .bind(name)
        .bind(value)
        .execute(&self.pool)
        .await
        .map_err(from_sqlx)?;
        sqlx::query_scalar("SELECT value FROM settings WHERE name = $1")
            .bind(name)
            .fetch_one(&self.pool)
            .await
            .map_err(from_sqlx)
    }
}
