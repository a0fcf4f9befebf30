//! What an export reads: everything, in pages by id, so a site of any size is written
//! with the memory of one page. Private columns (commenters' emails and addresses) are
//! read here, because an export is the site owner's own copy.

use crate::database::{SqlStore, statement};
use crate::rows::{
    Columns, article_columns, article_from_row, comment_columns, comment_from_row, moment,
    term_from_row,
};
use crate::{StoreError, StoreResult};
use async_trait::async_trait;
use tidings_domain::{Article, ArticleId, Comment, CommentId, Term};
use time::OffsetDateTime;

/// An account as an export names it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExportedAuthor {
    pub id: i64,
    /// Its author page's slug: the login on WordPress.
    pub slug: String,
    pub email: String,
    pub display_name: String,
}

/// An article or page with what it is filed under and who wrote it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExportedArticle {
    pub article: Article,
    /// Sections first (the primary one first), then tags.
    pub terms: Vec<Term>,
    pub author_slug: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExportedAttachment {
    pub id: i64,
    pub article_id: Option<i64>,
    pub title: String,
    pub caption: String,
    pub description: String,
    pub alt: String,
    pub url: String,
    pub file: String,
    pub width: Option<i64>,
    pub height: Option<i64>,
    pub uploaded_at: OffsetDateTime,
}

#[async_trait]
pub trait ExportStore: Send + Sync {
    /// Every account that may be named as an author, by id.
    async fn authors_for_export(&self) -> StoreResult<Vec<ExportedAuthor>>;
    /// Every section (parents before children) and tag.
    async fn terms_for_export(&self) -> StoreResult<Vec<Term>>;
    /// Up to `limit` articles and pages, in any state, after `after` by id.
    async fn articles_for_export(
        &self,
        after: ArticleId,
        limit: u32,
    ) -> StoreResult<Vec<ExportedArticle>>;
    /// Up to `limit` comments of an article, in any state, after `after` by id, with their
    /// private fields.
    async fn comments_for_export(
        &self,
        article: ArticleId,
        after: CommentId,
        limit: u32,
    ) -> StoreResult<Vec<Comment>>;
    async fn attachments_for_export(
        &self,
        after: i64,
        limit: u32,
    ) -> StoreResult<Vec<ExportedAttachment>>;
}

#[async_trait]
impl ExportStore for SqlStore {
    async fn authors_for_export(&self) -> StoreResult<Vec<ExportedAuthor>> {
        let rows = self
            .fetch_all(statement!(
                "SELECT id, COALESCE(slug, '') AS slug, email, display_name FROM users ORDER BY id"
            ))
            .await?;
        rows.iter()
            .map(|row| {
                Ok(ExportedAuthor {
                    id: row.integer("id")?,
                    slug: row.text("slug")?,
                    email: row.text("email")?,
                    display_name: row.text("display_name")?,
                })
            })
            .collect()
    }

    async fn terms_for_export(&self) -> StoreResult<Vec<Term>> {
        // A section's path is its ancestors' slugs then its own: sorted by how deep it is,
        // every parent comes before its children.
        let rows = self
            .fetch_all(statement!(
                "SELECT t.id, t.taxonomy, t.slug, t.name, t.description, t.parent_id, t.path
                   FROM terms t
                  ORDER BY t.taxonomy, length(t.path) - length(replace(t.path, '/', '')), t.id"
            ))
            .await?;
        rows.iter().map(term_from_row).collect()
    }

    async fn articles_for_export(
        &self,
        after: ArticleId,
        limit: u32,
    ) -> StoreResult<Vec<ExportedArticle>> {
        let rows = self
            .fetch_all(statement!(
                concat!(
                    "SELECT ",
                    article_columns!(),
                    " FROM articles a WHERE a.id > ? ORDER BY a.id LIMIT ?"
                ),
                after.0,
                i64::from(limit)
            ))
            .await?;
        let mut exported = Vec::with_capacity(rows.len());
        for row in &rows {
            let article = article_from_row(row)?;
            let terms = self
                .fetch_all(statement!(
                    "SELECT t.id, t.taxonomy, t.slug, t.name, t.description, t.parent_id, t.path
                       FROM article_terms at JOIN terms t ON t.id = at.term_id
                      WHERE at.article_id = ? ORDER BY at.position",
                    article.id.0
                ))
                .await?
                .iter()
                .map(term_from_row)
                .collect::<StoreResult<Vec<Term>>>()?;
            let author_slug = match article.author_id {
                Some(author) => self
                    .fetch_optional(statement!("SELECT slug FROM users WHERE id = ?", author.0))
                    .await?
                    .map(|row| row.optional_text("slug"))
                    .transpose()?
                    .flatten(),
                None => None,
            };
            exported.push(ExportedArticle {
                article,
                terms,
                author_slug,
            });
        }
        Ok(exported)
    }

    async fn comments_for_export(
        &self,
        article: ArticleId,
        after: CommentId,
        limit: u32,
    ) -> StoreResult<Vec<Comment>> {
        let rows = self
            .fetch_all(statement!(
                concat!(
                    "SELECT ",
                    comment_columns!(),
                    " FROM comments c WHERE c.article_id = ? AND c.id > ? ORDER BY c.id LIMIT ?"
                ),
                article.0,
                after.0,
                i64::from(limit)
            ))
            .await?;
        rows.iter().map(comment_from_row).collect()
    }

    async fn attachments_for_export(
        &self,
        after: i64,
        limit: u32,
    ) -> StoreResult<Vec<ExportedAttachment>> {
        let rows = self
            .fetch_all(statement!(
                "SELECT id, article_id, title, caption, description, alt, url, file, width,
                        height, uploaded_at
                   FROM attachments WHERE id > ? ORDER BY id LIMIT ?",
                after,
                i64::from(limit)
            ))
            .await?;
        rows.iter()
            .map(|row| {
                Ok(ExportedAttachment {
                    id: row.integer("id")?,
                    article_id: row.optional_integer("article_id")?,
                    title: row.text("title")?,
                    caption: row.text("caption")?,
                    description: row.text("description")?,
                    alt: row.text("alt")?,
                    url: row.text("url")?,
                    file: row.text("file")?,
                    width: row.optional_integer("width")?,
                    height: row.optional_integer("height")?,
                    uploaded_at: moment(row.integer("uploaded_at")?)?,
                })
            })
            .collect::<Result<Vec<_>, StoreError>>()
    }
}
