//! Comments: storing a new one with its guard's checks in the same transaction, reading an
//! article's thread, moderating, the admin's list, and personal data. The dialects differ
//! in two places: SQLite commits new comments in groups (`sqlite.rs`), and reads an
//! article's comments as one JSON row.

use crate::database::{Backend, Dialect, SqlStore, Tx, statement};
use crate::records::*;
use crate::rows::{
    Columns, comment_columns, comment_from_row, moment, public_comment_columns, queued_from_row,
    status_from, timestamp, to_u64,
};
use crate::{StoreError, StoreResult};
use async_trait::async_trait;
use tidings_domain::email::email_key;
use tidings_domain::{ArticleId, Comment, CommentId, CommentStatus, SafeHtml};
use time::OffsetDateTime;

mod queue;
pub(crate) use queue::find_statement;

#[async_trait]
pub trait CommentStore: Send + Sync {
    /// Stores a new comment unless the guard refuses it; the guard's checks and the insert
    /// happen in one transaction, so two racing requests cannot both slip past flood control.
    async fn insert_comment(
        &self,
        comment: &CommentRecord,
        guard: &SubmissionGuard,
    ) -> StoreResult<Result<CommentId, Refusal>>;
    async fn comment_by_id(&self, id: CommentId) -> StoreResult<Option<Comment>>;
    /// Up to `limit` comments whose HTML has not been rendered yet: (id, content).
    async fn comments_without_html(&self, limit: u32) -> StoreResult<Vec<(CommentId, String)>>;
    async fn store_comment_html(&self, rendered: &[(CommentId, String)]) -> StoreResult<()>;
    /// An article's approved comments, oldest first, for its public page: without their
    /// private fields (email, IP address, user agent and moderation reason are empty).
    async fn approved_comments(&self, article_id: ArticleId) -> StoreResult<Vec<Comment>>;
    /// Whether an approved comment exists with exactly this name and this email (any case).
    async fn has_approved_comment_from(&self, name: &str, email: &str) -> StoreResult<bool>;
    async fn comment_counts(&self) -> StoreResult<StatusCounts>;
    async fn set_comment_status(
        &self,
        id: CommentId,
        status: CommentStatus,
        status_before: Option<CommentStatus>,
    ) -> StoreResult<()>;
    /// Deletes a comment for good, moving its replies up to its parent.
    async fn delete_comment(&self, id: CommentId) -> StoreResult<()>;
    /// Comments matching a query, newest first, with their article: `size` of them from
    /// `page` on, and whether more follow in that direction (older for `Newest` and
    /// `OlderThan`, newer for `NewerThan`).
    async fn find_comments(
        &self,
        query: &CommentQuery,
        page: KeysetPage,
        size: u32,
    ) -> StoreResult<Listed<QueuedComment>>;
    /// One numbered page of the comments a query selects, by date, with every field, and
    /// how many it selects in all; with `public_at`, only those on articles public then.
    async fn comment_page(
        &self,
        query: &CommentQuery,
        public_at: Option<OffsetDateTime>,
        oldest_first: bool,
        page: Page,
    ) -> StoreResult<(Vec<Comment>, u64)>;
    /// Replaces a comment's author fields and text; false when it does not exist.
    async fn edit_comment(
        &self,
        id: CommentId,
        edit: &CommentEdit,
        at: OffsetDateTime,
    ) -> StoreResult<bool>;
    /// Anonymises every comment of this email address (name "Anonymous"; email, website,
    /// IP address and user agent emptied; the text stays, as the discussion around it
    /// would not make sense without it) and deletes its subscriptions.
    async fn erase_personal_data(&self, email: &str) -> StoreResult<Erased>;
    /// Up to `limit` comments with an id above `after`, in id order, with when they were
    /// written and their IP address: the housekeeping's walk through comments due for
    /// anonymising. Rows come in the order they were stored (imported ones included,
    /// whatever their date), along the primary key.
    async fn comment_ips_after(
        &self,
        after: CommentId,
        limit: u32,
    ) -> StoreResult<Vec<(CommentId, OffsetDateTime, String)>>;
    async fn set_comment_ips(&self, ips: &[(CommentId, String)]) -> StoreResult<()>;
    /// Deletes spam older than `before`, moving any replies up; returns how many.
    async fn purge_spam_before(&self, before: OffsetDateTime) -> StoreResult<u64>;
}

pub(crate) const BY_ID: &str = concat!(
    "SELECT ",
    comment_columns!(),
    " FROM comments c WHERE c.id = ?"
);

/// "Has this person an approved comment": for "previously approved author".
pub(crate) const APPROVED_FROM: &str = "SELECT 1 AS found FROM comments
     WHERE lower(author_email) = ? AND author_name = ? AND status = 'approved' LIMIT 1";

/// The same comment (article, parent, name, email, text) outside the trash, as WordPress
/// refuses it.
pub(crate) const DUPLICATE: &str = "SELECT id FROM comments
     WHERE article_id = ? AND COALESCE(parent_id, 0) = ? AND author_name = ?
       AND lower(author_email) = ? AND content = ? AND status <> 'trash'
     LIMIT 1";

/// A comment from this IP address or email since a moment: flood control.
pub(crate) const RECENT: &str = "SELECT id FROM comments WHERE ip = ? AND created_at >= ?
     UNION ALL
     SELECT id FROM comments
     WHERE lower(author_email) = ? AND author_email <> '' AND created_at >= ?
     LIMIT 1";

/// Comments by one IP address and by one email since a moment, each count stopping at its
/// limit (a limit of 0 counts nothing), so a busy address costs no more than a quiet one:
/// the hourly limits.
pub(crate) const RECENT_COUNTS: &str = "SELECT
     (SELECT COUNT(*) FROM (SELECT 1 FROM comments
       WHERE ip = ? AND created_at >= ? LIMIT ?) AS from_ip) AS by_ip,
     (SELECT COUNT(*) FROM (SELECT 1 FROM comments
       WHERE lower(author_email) = ? AND author_email <> '' AND created_at >= ? LIMIT ?)
       AS from_email) AS by_email";

/// An article's approved comments as one JSON array in one row: sqlx hands SQLite rows
/// over from its worker thread one at a time, which for 500 comments cost more than the
/// rest of the page. Private columns are not selected. Callers sort the comments.
pub(crate) const APPROVED_AS_JSON: &str = "SELECT json_group_array(json_array(
         c.id, c.parent_id, c.author_name, c.author_url, c.content, c.status,
         c.status_before, c.created_at, c.content_html, c.avatar_key, c.kind)) AS comments
     FROM comments c WHERE c.article_id = ? AND c.status = 'approved'";

/// The same as rows, where rows cost nothing extra (PostgreSQL).
const APPROVED: &str = concat!(
    "SELECT ",
    public_comment_columns!(),
    " FROM comments c WHERE c.article_id = ? AND c.status = 'approved'
     ORDER BY c.created_at, c.id"
);

/// One comment's checks and insert inside `transaction`: the SQL both dialects run, on
/// SQLite for each comment of a group commit. A refusal leaves the transaction untouched,
/// so the rest of a group goes on.
pub(crate) async fn insert_one(
    transaction: &mut Tx,
    comment: &CommentRecord,
    guard: &SubmissionGuard,
) -> StoreResult<Result<CommentId, Refusal>> {
    let email = email_key(&comment.author_email);
    // Submissions from the same address or email wait for each other (across nodes on
    // PostgreSQL), so the checks below see each other's inserts. Keys in a fixed order:
    // no deadlock.
    let mut keys = vec![format!("comment-ip:{}", comment.ip)];
    if !email.is_empty() {
        keys.push(format!("comment-email:{email}"));
    }
    keys.sort();
    for key in &keys {
        transaction.serialize_on(key).await?;
    }
    if guard.reject_duplicates {
        let duplicate = statement!(
            DUPLICATE,
            comment.article_id.0,
            comment.parent_id.map_or(0, |id| id.0),
            &comment.author_name,
            &email,
            &comment.content,
        );
        if transaction.fetch_optional(duplicate).await?.is_some() {
            return Ok(Err(Refusal::Duplicate));
        }
    }
    if let Some(since) = guard.flood_since {
        let recent = statement!(
            RECENT,
            &comment.ip,
            timestamp(since),
            &email,
            timestamp(since)
        );
        if transaction.fetch_optional(recent).await?.is_some() {
            return Ok(Err(Refusal::Flood));
        }
    }
    if let Some(since) = guard.rate_since
        && (guard.max_per_ip > 0 || guard.max_per_email > 0)
    {
        let counts = transaction
            .fetch_one(statement!(
                RECENT_COUNTS,
                &comment.ip,
                timestamp(since),
                i64::from(guard.max_per_ip),
                &email,
                timestamp(since),
                i64::from(guard.max_per_email),
            ))
            .await?;
        let over = |count: i64, limit: u32| limit > 0 && count >= i64::from(limit);
        if over(counts.integer("by_ip")?, guard.max_per_ip)
            || over(counts.integer("by_email")?, guard.max_per_email)
        {
            return Ok(Err(Refusal::RateLimited));
        }
    }
    if let Some(proof) = &comment.proof {
        let spent = statement!("SELECT id FROM comments WHERE proof = ?", proof);
        if transaction.fetch_optional(spent).await?.is_some() {
            return Ok(Err(Refusal::ProofReused));
        }
    }
    let inserted = transaction
        .fetch_one(statement!(
            "INSERT INTO comments (article_id, parent_id, author_name, author_email, author_url,
                content, status, moderation_reason, ip, user_agent, created_at, content_html,
                spam_score, proof, avatar_key)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
            comment.article_id.0,
            comment.parent_id.map(|id| id.0),
            &comment.author_name,
            &comment.author_email,
            &comment.author_url,
            &comment.content,
            comment.status.as_str(),
            &comment.moderation_reason,
            &comment.ip,
            &comment.user_agent,
            timestamp(comment.created_at),
            &comment.content_html,
            comment.spam_score,
            comment.proof.clone(),
            comment.avatar_key.clone(),
        ))
        .await?;
    Ok(Ok(CommentId(inserted.integer("id")?)))
}

/// The comments of the SQLite JSON row: the public columns, oldest first.
fn comments_from_json(article_id: ArticleId, json: &str) -> StoreResult<Vec<Comment>> {
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
        String,
    );
    let rows: Vec<Fields> = serde_json::from_str(json)
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
                kind,
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
                    content_html: content_html.map(SafeHtml::trusting_storage),
                    avatar_key,
                    kind: crate::rows::comment_kind_from(&kind)?,
                })
            },
        )
        .collect::<StoreResult<Vec<Comment>>>()?;
    comments.sort_by_key(|comment| (comment.created_at, comment.id));
    Ok(comments)
}

#[async_trait]
impl CommentStore for SqlStore {
    async fn insert_comment(
        &self,
        comment: &CommentRecord,
        guard: &SubmissionGuard,
    ) -> StoreResult<Result<CommentId, Refusal>> {
        match &self.backend {
            // SQLite commits new comments in groups: one WAL sync for all that wait.
            Backend::Sqlite(sqlite) => sqlite.insert_comment(comment, guard).await,
            Backend::Postgres(_) => {
                let mut transaction = self.begin().await?;
                let outcome = insert_one(&mut transaction, comment, guard).await?;
                transaction.commit().await?;
                Ok(outcome)
            }
        }
    }

    async fn comment_by_id(&self, id: CommentId) -> StoreResult<Option<Comment>> {
        self.fetch_optional(statement!(BY_ID, id.0))
            .await?
            .as_ref()
            .map(comment_from_row)
            .transpose()
    }

    async fn comments_without_html(&self, limit: u32) -> StoreResult<Vec<(CommentId, String)>> {
        self.fetch_all(statement!(
            "SELECT id, content FROM comments WHERE content_html IS NULL ORDER BY id LIMIT ?",
            i64::from(limit),
        ))
        .await?
        .iter()
        .map(|row| Ok((CommentId(row.integer("id")?), row.text("content")?)))
        .collect()
    }

    async fn store_comment_html(&self, rendered: &[(CommentId, String)]) -> StoreResult<()> {
        let mut transaction = self.begin().await?;
        for (id, html) in rendered {
            transaction
                .execute(statement!(
                    "UPDATE comments SET content_html = ? WHERE id = ?",
                    html,
                    id.0
                ))
                .await?;
        }
        transaction.commit().await
    }

    async fn approved_comments(&self, article_id: ArticleId) -> StoreResult<Vec<Comment>> {
        match self.dialect() {
            // One JSON row: SQLite hands rows over one at a time (see APPROVED_AS_JSON).
            Dialect::Sqlite => {
                let row = self
                    .fetch_one(statement!(APPROVED_AS_JSON, article_id.0))
                    .await?;
                comments_from_json(article_id, &row.text("comments")?)
            }
            Dialect::Postgres => self
                .fetch_all(statement!(APPROVED, article_id.0))
                .await?
                .iter()
                .map(comment_from_row)
                .collect(),
        }
    }

    async fn has_approved_comment_from(&self, name: &str, email: &str) -> StoreResult<bool> {
        let found = self
            .fetch_optional(statement!(APPROVED_FROM, email_key(email), name))
            .await?;
        Ok(found.is_some())
    }

    async fn comment_counts(&self) -> StoreResult<StatusCounts> {
        let mut counts = StatusCounts::default();
        for row in self
            .fetch_all(statement!(
                "SELECT status, COUNT(*) AS count FROM comments GROUP BY status"
            ))
            .await?
        {
            counts.set(
                status_from(&row.text("status")?)?,
                to_u64(row.integer("count")?),
            );
        }
        Ok(counts)
    }

    async fn set_comment_status(
        &self,
        id: CommentId,
        status: CommentStatus,
        status_before: Option<CommentStatus>,
    ) -> StoreResult<()> {
        self.execute(statement!(
            "UPDATE comments SET status = ?, status_before = ? WHERE id = ?",
            status.as_str(),
            status_before.map(CommentStatus::as_str),
            id.0,
        ))
        .await?;
        Ok(())
    }

    async fn delete_comment(&self, id: CommentId) -> StoreResult<()> {
        let mut transaction = self.begin().await?;
        transaction
            .execute(statement!(
                "UPDATE comments SET parent_id = (SELECT parent_id FROM comments WHERE id = ?)
                 WHERE parent_id = ?",
                id.0,
                id.0,
            ))
            .await?;
        transaction
            .execute(statement!("DELETE FROM comments WHERE id = ?", id.0))
            .await?;
        transaction.commit().await
    }

    async fn find_comments(
        &self,
        query: &CommentQuery,
        page: KeysetPage,
        size: u32,
    ) -> StoreResult<Listed<QueuedComment>> {
        let mut items = self
            .fetch_all(find_statement(self.dialect(), query, page, size))
            .await?
            .iter()
            .map(queued_from_row)
            .collect::<StoreResult<Vec<_>>>()?;
        Ok(listed_newest_first(&mut items, page, size))
    }

    async fn comment_page(
        &self,
        query: &CommentQuery,
        public_at: Option<OffsetDateTime>,
        oldest_first: bool,
        page: Page,
    ) -> StoreResult<(Vec<Comment>, u64)> {
        let (count, list) =
            queue::page_statements(self.dialect(), query, public_at, oldest_first, page);
        let total = to_u64(self.fetch_one(count).await?.integer("count")?);
        let items = self
            .fetch_all(list)
            .await?
            .iter()
            .map(comment_from_row)
            .collect::<StoreResult<Vec<_>>>()?;
        Ok((items, total))
    }

    async fn edit_comment(
        &self,
        id: CommentId,
        edit: &CommentEdit,
        at: OffsetDateTime,
    ) -> StoreResult<bool> {
        let changed = self
            .execute(statement!(
                "UPDATE comments SET author_name = ?, author_email = ?, author_url = ?,
                    content = ?, content_html = ?, edited_at = ?
                 WHERE id = ?",
                &edit.author_name,
                &edit.author_email,
                &edit.author_url,
                &edit.content,
                &edit.content_html,
                timestamp(at),
                id.0,
            ))
            .await?;
        Ok(changed > 0)
    }

    async fn erase_personal_data(&self, email: &str) -> StoreResult<Erased> {
        let mut transaction = self.begin().await?;
        let comments = transaction
            .execute(statement!(
                "UPDATE comments
                 SET author_name = 'Anonymous', author_email = '', author_url = '', ip = '',
                     user_agent = ''
                 WHERE lower(author_email) = ?",
                email_key(email),
            ))
            .await?;
        let subscriptions = transaction
            .execute(statement!(
                "DELETE FROM subscriptions WHERE email = ?",
                email_key(email)
            ))
            .await?;
        transaction.commit().await?;
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
        self.fetch_all(statement!(
            "SELECT id, created_at, ip FROM comments WHERE id > ? ORDER BY id LIMIT ?",
            after.0,
            i64::from(limit),
        ))
        .await?
        .iter()
        .map(|row| {
            Ok((
                CommentId(row.integer("id")?),
                moment(row.integer("created_at")?)?,
                row.text("ip")?,
            ))
        })
        .collect()
    }

    async fn set_comment_ips(&self, ips: &[(CommentId, String)]) -> StoreResult<()> {
        let mut transaction = self.begin().await?;
        for (id, ip) in ips {
            transaction
                .execute(statement!(
                    "UPDATE comments SET ip = ? WHERE id = ?",
                    ip,
                    id.0
                ))
                .await?;
        }
        transaction.commit().await
    }

    async fn purge_spam_before(&self, before: OffsetDateTime) -> StoreResult<u64> {
        let mut transaction = self.begin().await?;
        // Replies to spam about to go move up to the spam's own parent.
        transaction
            .execute(statement!(
                "UPDATE comments
                 SET parent_id = (SELECT p.parent_id FROM comments p WHERE p.id = comments.parent_id)
                 WHERE parent_id IN (SELECT id FROM comments WHERE status = 'spam' AND created_at < ?)",
                timestamp(before),
            ))
            .await?;
        let purged = transaction
            .execute(statement!(
                "DELETE FROM comments WHERE status = 'spam' AND created_at < ?",
                timestamp(before)
            ))
            .await?;
        transaction.commit().await?;
        Ok(purged)
    }
}
