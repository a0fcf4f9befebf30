//! Articles and their lists. Every statement here is the same in both dialects.

use crate::database::{SqlStore, Tx, statement};
use crate::records::{ArticleSummary, Listed, Page, newest_first};
use crate::rows::{
    Columns, article_columns, article_from_row, moment, summary_from_row, timestamp, to_u64,
};
use crate::{StoreError, StoreResult};
use async_trait::async_trait;
use tidings_domain::article::ValidArticle;
use tidings_domain::{Article, ArticleId, ArticleStatus, UserId};
use time::OffsetDateTime;

#[async_trait]
pub trait ArticleStore: Send + Sync {
    /// Inserts an article. When its slug came from the title and is taken, `-2`, `-3`, …
    /// are tried; a slug typed by the editor that is taken is a `Conflict`.
    async fn insert_article(
        &self,
        article: &ValidArticle,
        author_id: Option<UserId>,
        now: OffsetDateTime,
    ) -> StoreResult<Article>;
    /// Replaces an article's editable fields; `None` when it does not exist. When a
    /// published article's address changes (its slug or its month), the old address is
    /// kept as a redirect to it, in the same transaction.
    async fn update_article(
        &self,
        id: ArticleId,
        article: &ValidArticle,
        now: OffsetDateTime,
    ) -> StoreResult<Option<Article>>;
    async fn article_by_id(&self, id: ArticleId) -> StoreResult<Option<Article>>;
    /// The article an old address (`/YYYY/MM/slug/`) belonged to, if it moved from there.
    async fn redirect_for(&self, path: &str) -> StoreResult<Option<ArticleId>>;
    async fn article_by_slug(&self, slug: &str) -> StoreResult<Option<Article>>;
    /// Published articles dated no later than `now`, newest first, with approved comment counts.
    async fn published_articles(
        &self,
        now: OffsetDateTime,
        page: Page,
    ) -> StoreResult<Listed<ArticleSummary>>;
    /// When the next article dated after `now` becomes public, if any: cached lists are
    /// fresh until then.
    async fn next_publication_after(
        &self,
        now: OffsetDateTime,
    ) -> StoreResult<Option<OffsetDateTime>>;
    /// Every article, drafts included, newest first, for the admin.
    async fn all_articles(&self, page: Page) -> StoreResult<Vec<ArticleSummary>>;
    async fn count_all_articles(&self) -> StoreResult<u64>;
}

pub(crate) const BY_ID: &str = concat!(
    "SELECT ",
    article_columns!(),
    " FROM articles a WHERE a.id = ?"
);
pub(crate) const BY_SLUG: &str = concat!(
    "SELECT ",
    article_columns!(),
    " FROM articles a WHERE a.slug = ?"
);

/// What a list shows beside each article.
macro_rules! summary_columns {
    () => {
        "u.display_name AS author_name,
         (SELECT COUNT(*) FROM comments c
           WHERE c.article_id = a.id AND c.status = 'approved') AS approved_comments"
    };
}

/// A page of published articles: their ids first, through the covering index (so skipped
/// rows cost an index step, not a comment count), then their details. Rows come unsorted.
pub(crate) const PUBLISHED: &str = concat!(
    "SELECT ",
    article_columns!(),
    ", ",
    summary_columns!(),
    " FROM articles a LEFT JOIN users u ON u.id = a.author_id
     WHERE a.id IN (
         SELECT id FROM articles WHERE status = 'published' AND published_at <= ?
         ORDER BY published_at DESC, id DESC
         LIMIT ? OFFSET ?)"
);

pub(crate) const NEXT_PUBLICATION: &str = "SELECT MIN(published_at) AS next FROM articles WHERE status = 'published' AND published_at > ?";

const ALL: &str = concat!(
    "SELECT ",
    article_columns!(),
    ", ",
    summary_columns!(),
    " FROM articles a LEFT JOIN users u ON u.id = a.author_id
     WHERE a.id IN (
         SELECT id FROM articles ORDER BY published_at DESC, id DESC LIMIT ? OFFSET ?)"
);

/// Writes an article's fields (a new one when `id` is `None`) and returns its id, or
/// `None` when the article to update does not exist. A title-made slug that is taken gets
/// the first free `-N`, as WordPress does.
async fn write_article(
    transaction: &mut Tx,
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
        let write = match id {
            None => statement!(
                "INSERT INTO articles (slug, title, body_markdown, status, published_at,
                    updated_at, author_id, comments_open)
                 VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
                slug.as_str(),
                &article.title,
                &article.body_markdown,
                article.status.as_str(),
                timestamp(article.published_at),
                timestamp(now),
                author_id.map(|id| id.0),
                article.comments_open,
            ),
            Some(id) => statement!(
                "UPDATE articles SET slug = ?, title = ?, body_markdown = ?, status = ?,
                    published_at = ?, updated_at = ?, comments_open = ?
                 WHERE id = ? RETURNING id",
                slug.as_str(),
                &article.title,
                &article.body_markdown,
                article.status.as_str(),
                timestamp(article.published_at),
                timestamp(now),
                article.comments_open,
                id.0,
            ),
        };
        match transaction.attempt(write).await {
            Ok(row) => return row.map(|row| row.integer("id")).transpose(),
            Err(StoreError::Conflict { .. }) if article.slug_from_title && attempt < 1000 => {
                attempt += 1
            }
            Err(other) => return Err(other),
        }
    }
}

impl SqlStore {
    async fn summaries(
        &self,
        statement: crate::database::Statement,
    ) -> StoreResult<Vec<ArticleSummary>> {
        let mut summaries = self
            .fetch_all(statement)
            .await?
            .iter()
            .map(summary_from_row)
            .collect::<StoreResult<Vec<_>>>()?;
        newest_first(&mut summaries);
        Ok(summaries)
    }
}

#[async_trait]
impl ArticleStore for SqlStore {
    async fn insert_article(
        &self,
        article: &ValidArticle,
        author_id: Option<UserId>,
        now: OffsetDateTime,
    ) -> StoreResult<Article> {
        let mut transaction = self.begin().await?;
        let id = write_article(&mut transaction, None, article, author_id, now)
            .await?
            .ok_or_else(|| StoreError::Other("insert returned no row".into()))?;
        let stored = article_from_row(&transaction.fetch_one(statement!(BY_ID, id)).await?)?;
        transaction.commit().await?;
        Ok(stored)
    }

    async fn update_article(
        &self,
        id: ArticleId,
        article: &ValidArticle,
        now: OffsetDateTime,
    ) -> StoreResult<Option<Article>> {
        let mut transaction = self.begin().await?;
        let Some(before) = transaction.fetch_optional(statement!(BY_ID, id.0)).await? else {
            transaction.commit().await?;
            return Ok(None);
        };
        let before = article_from_row(&before)?;
        let Some(id) = write_article(&mut transaction, Some(id), article, None, now).await? else {
            transaction.commit().await?;
            return Ok(None);
        };
        let stored = article_from_row(&transaction.fetch_one(statement!(BY_ID, id)).await?)?;
        let (old_address, new_address) = (before.permalink(), stored.permalink());
        // The address it has now is no one's old address any more.
        transaction
            .execute(statement!(
                "DELETE FROM redirects WHERE path = ?",
                new_address.as_str()
            ))
            .await?;
        if old_address != new_address && before.status == ArticleStatus::Published {
            transaction
                .execute(statement!(
                    "INSERT INTO redirects (path, article_id, created_at) VALUES (?, ?, ?)
                     ON CONFLICT (path) DO UPDATE SET article_id = excluded.article_id,
                         created_at = excluded.created_at",
                    old_address.as_str(),
                    id,
                    timestamp(now),
                ))
                .await?;
        }
        transaction.commit().await?;
        Ok(Some(stored))
    }

    async fn redirect_for(&self, path: &str) -> StoreResult<Option<ArticleId>> {
        let row = self
            .fetch_optional(statement!(
                "SELECT article_id FROM redirects WHERE path = ?",
                path
            ))
            .await?;
        row.map(|row| row.integer("article_id").map(ArticleId))
            .transpose()
    }

    async fn article_by_id(&self, id: ArticleId) -> StoreResult<Option<Article>> {
        self.fetch_optional(statement!(BY_ID, id.0))
            .await?
            .as_ref()
            .map(article_from_row)
            .transpose()
    }

    async fn article_by_slug(&self, slug: &str) -> StoreResult<Option<Article>> {
        self.fetch_optional(statement!(BY_SLUG, slug))
            .await?
            .as_ref()
            .map(article_from_row)
            .transpose()
    }

    async fn published_articles(
        &self,
        now: OffsetDateTime,
        page: Page,
    ) -> StoreResult<Listed<ArticleSummary>> {
        let mut items = self
            .summaries(statement!(
                PUBLISHED,
                timestamp(now),
                i64::from(page.size) + 1,
                page.offset()
            ))
            .await?;
        let more = items.len() > page.size as usize;
        items.truncate(page.size as usize);
        Ok(Listed { items, more })
    }

    async fn next_publication_after(
        &self,
        now: OffsetDateTime,
    ) -> StoreResult<Option<OffsetDateTime>> {
        let row = self
            .fetch_one(statement!(NEXT_PUBLICATION, timestamp(now)))
            .await?;
        row.optional_integer("next")?.map(moment).transpose()
    }

    async fn all_articles(&self, page: Page) -> StoreResult<Vec<ArticleSummary>> {
        self.summaries(statement!(ALL, i64::from(page.size), page.offset()))
            .await
    }

    async fn count_all_articles(&self) -> StoreResult<u64> {
        let row = self
            .fetch_one(statement!("SELECT COUNT(*) AS count FROM articles"))
            .await?;
        Ok(to_u64(row.integer("count")?))
    }
}
