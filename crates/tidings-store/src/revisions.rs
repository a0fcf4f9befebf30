//! Revisions of an article's text, autosaves, and correction notes. Every statement here
//! is the same in both dialects.

use crate::StoreResult;
use crate::database::{SqlStore, statement};
use crate::rows::{Columns, article_columns, article_from_row, moment, timestamp};
use async_trait::async_trait;
use tidings_domain::correction::Correction;
use tidings_domain::revision::{Revision, RevisionText};
use tidings_domain::{Article, ArticleId, CorrectionId, RevisionId, UserId};
use time::OffsetDateTime;

#[async_trait]
pub trait RevisionStore: Send + Sync {
    /// An article's revisions, newest first, autosaves included, without their text.
    async fn revisions(&self, article: ArticleId) -> StoreResult<Vec<Revision>>;
    /// One revision with its text.
    async fn revision(&self, id: RevisionId) -> StoreResult<Option<Revision>>;
    /// The newest saved (not autosaved) revision of an article: what an editor opening it
    /// starts from.
    async fn latest_revision(&self, article: ArticleId) -> StoreResult<Option<RevisionId>>;
    /// Keeps an editor's unsaved text as their one autosave of this article, replacing the
    /// one before; `None` when the article does not exist.
    async fn autosave(
        &self,
        article: ArticleId,
        editor: UserId,
        text: &RevisionText,
        now: OffsetDateTime,
    ) -> StoreResult<Option<Revision>>;
    /// Adds a correction note to an article and marks it updated at `now`; `None` when
    /// the article does not exist.
    async fn add_correction(
        &self,
        article: ArticleId,
        body: &str,
        by: Option<UserId>,
        now: OffsetDateTime,
    ) -> StoreResult<Option<Correction>>;
    /// An article's corrections, oldest first.
    async fn corrections_of(&self, article: ArticleId) -> StoreResult<Vec<Correction>>;
    /// The newest corrections of public articles, with their article, for the corrections
    /// page: `limit` of them after skipping `offset`.
    async fn public_corrections(
        &self,
        now: OffsetDateTime,
        limit: u32,
        offset: i64,
    ) -> StoreResult<Vec<(Correction, Article)>>;
    /// Deletes a correction added by mistake; the article it was on, if it existed.
    async fn delete_correction(&self, id: CorrectionId) -> StoreResult<Option<ArticleId>>;
}

const REVISION_LIST: &str = "SELECT r.id, r.article_id, r.author_id, u.display_name AS author_name,
        r.created_at, r.autosave, r.title, '' AS subtitle, '' AS excerpt, '' AS body_markdown
   FROM article_revisions r LEFT JOIN users u ON u.id = r.author_id";

const REVISION_FULL: &str = "SELECT r.id, r.article_id, r.author_id, u.display_name AS author_name,
        r.created_at, r.autosave, r.title, r.subtitle, r.excerpt, r.body_markdown
   FROM article_revisions r LEFT JOIN users u ON u.id = r.author_id";

const CORRECTION_COLUMNS: &str = "k.id AS correction_id, k.article_id AS corrected_article,
        k.revision_id, k.body AS correction, k.created_at AS corrected_at";

fn revision_from_row(row: &impl Columns) -> StoreResult<Revision> {
    Ok(Revision {
        id: RevisionId(row.integer("id")?),
        article_id: ArticleId(row.integer("article_id")?),
        author_id: row.optional_integer("author_id")?.map(UserId),
        author_name: row.optional_text("author_name")?,
        created_at: moment(row.integer("created_at")?)?,
        autosave: row.flag("autosave")?,
        text: RevisionText {
            title: row.text("title")?,
            subtitle: row.text("subtitle")?,
            excerpt: row.text("excerpt")?,
            body_markdown: row.text("body_markdown")?,
        },
    })
}

fn correction_from_row(row: &impl Columns) -> StoreResult<Correction> {
    Ok(Correction {
        id: CorrectionId(row.integer("correction_id")?),
        article_id: ArticleId(row.integer("corrected_article")?),
        revision_id: row.optional_integer("revision_id")?.map(RevisionId),
        body: row.text("correction")?,
        created_at: moment(row.integer("corrected_at")?)?,
    })
}

#[async_trait]
impl RevisionStore for SqlStore {
    async fn revisions(&self, article: ArticleId) -> StoreResult<Vec<Revision>> {
        self.fetch_all(statement!(
            format!("{REVISION_LIST} WHERE r.article_id = ? ORDER BY r.id DESC"),
            article.0
        ))
        .await?
        .iter()
        .map(revision_from_row)
        .collect()
    }

    async fn revision(&self, id: RevisionId) -> StoreResult<Option<Revision>> {
        self.fetch_optional(statement!(format!("{REVISION_FULL} WHERE r.id = ?"), id.0))
            .await?
            .as_ref()
            .map(revision_from_row)
            .transpose()
    }

    async fn latest_revision(&self, article: ArticleId) -> StoreResult<Option<RevisionId>> {
        let row = self
            .fetch_one(statement!(
                "SELECT MAX(id) AS latest FROM article_revisions
                  WHERE article_id = ? AND autosave = FALSE",
                article.0
            ))
            .await?;
        Ok(row.optional_integer("latest")?.map(RevisionId))
    }

    async fn autosave(
        &self,
        article: ArticleId,
        editor: UserId,
        text: &RevisionText,
        now: OffsetDateTime,
    ) -> StoreResult<Option<Revision>> {
        let mut transaction = self.begin().await?;
        let exists = transaction
            .fetch_optional(statement!(
                "SELECT id FROM articles WHERE id = ?",
                article.0
            ))
            .await?;
        if exists.is_none() {
            transaction.commit().await?;
            return Ok(None);
        }
        transaction
            .execute(statement!(
                "DELETE FROM article_revisions
                  WHERE article_id = ? AND autosave = TRUE AND author_id = ?",
                article.0,
                editor.0
            ))
            .await?;
        let row = transaction
            .fetch_one(statement!(
                "INSERT INTO article_revisions (article_id, author_id, created_at, autosave,
                    title, subtitle, excerpt, body_markdown)
                 VALUES (?, ?, ?, TRUE, ?, ?, ?, ?) RETURNING id",
                article.0,
                editor.0,
                timestamp(now),
                &text.title,
                &text.subtitle,
                &text.excerpt,
                &text.body_markdown,
            ))
            .await?;
        let id = RevisionId(row.integer("id")?);
        let stored = transaction
            .fetch_one(statement!(format!("{REVISION_FULL} WHERE r.id = ?"), id.0))
            .await?;
        transaction.commit().await?;
        revision_from_row(&stored).map(Some)
    }

    async fn add_correction(
        &self,
        article: ArticleId,
        body: &str,
        by: Option<UserId>,
        now: OffsetDateTime,
    ) -> StoreResult<Option<Correction>> {
        let mut transaction = self.begin().await?;
        let marked = transaction
            .execute(statement!(
                "UPDATE articles SET revised_at = ?, updated_at = ? WHERE id = ?",
                timestamp(now),
                timestamp(now),
                article.0
            ))
            .await?;
        if marked == 0 {
            transaction.commit().await?;
            return Ok(None);
        }
        let row = transaction
            .fetch_one(statement!(
                "INSERT INTO corrections (article_id, revision_id, author_id, body, created_at)
                 SELECT ?, (SELECT MAX(id) FROM article_revisions
                             WHERE article_id = ? AND autosave = FALSE), ?, ?, ?
                 RETURNING id",
                article.0,
                article.0,
                by.map(|user| user.0),
                body,
                timestamp(now),
            ))
            .await?;
        let stored = transaction
            .fetch_one(statement!(
                format!("SELECT {CORRECTION_COLUMNS} FROM corrections k WHERE k.id = ?"),
                row.integer("id")?
            ))
            .await?;
        transaction.commit().await?;
        correction_from_row(&stored).map(Some)
    }

    async fn corrections_of(&self, article: ArticleId) -> StoreResult<Vec<Correction>> {
        self.fetch_all(statement!(
            format!(
                "SELECT {CORRECTION_COLUMNS} FROM corrections k WHERE k.article_id = ?
                  ORDER BY k.created_at, k.id"
            ),
            article.0
        ))
        .await?
        .iter()
        .map(correction_from_row)
        .collect()
    }

    async fn public_corrections(
        &self,
        now: OffsetDateTime,
        limit: u32,
        offset: i64,
    ) -> StoreResult<Vec<(Correction, Article)>> {
        let rows = self
            .fetch_all(statement!(
                format!(
                    "SELECT {CORRECTION_COLUMNS}, {} FROM corrections k
                       JOIN articles a ON a.id = k.article_id
                      WHERE a.status = 'published' AND a.published_at <= ?
                      ORDER BY k.created_at DESC, k.id DESC LIMIT ? OFFSET ?",
                    article_columns!()
                ),
                timestamp(now),
                i64::from(limit),
                offset
            ))
            .await?;
        rows.iter()
            .map(|row| Ok((correction_from_row(row)?, article_from_row(row)?)))
            .collect::<StoreResult<Vec<_>>>()
    }

    async fn delete_correction(&self, id: CorrectionId) -> StoreResult<Option<ArticleId>> {
        let mut transaction = self.begin().await?;
        let deleted = transaction
            .fetch_optional(statement!(
                "DELETE FROM corrections WHERE id = ? RETURNING article_id",
                id.0
            ))
            .await?;
        transaction.commit().await?;
        deleted
            .map(|row| row.integer("article_id").map(ArticleId))
            .transpose()
    }
}
