//! Authors as readers meet them: bylines, author pages and profiles. Every statement here
//! is the same in both dialects.

use crate::StoreResult;
use crate::articles::summary_columns;
use crate::database::{SqlStore, statement};
use crate::records::{ArticleSummary, Listed, Page, newest_first};
use crate::rows::{Columns, article_columns, slug_from, summary_from_row, timestamp};
use async_trait::async_trait;
use tidings_domain::{ArticleId, Author, Slug, UserId};
use time::OffsetDateTime;

#[async_trait]
pub trait AuthorStore: Send + Sync {
    /// An article's authors in byline order.
    async fn authors_of(&self, article: ArticleId) -> StoreResult<Vec<Author>>;
    async fn author(&self, id: UserId) -> StoreResult<Option<Author>>;
    async fn author_by_slug(&self, slug: &str) -> StoreResult<Option<Author>>;
    /// Changes what readers see of a person; a slug another author has is a
    /// `Conflict { what: "slug" }`. `None` when the account does not exist.
    async fn update_profile(
        &self,
        id: UserId,
        display_name: &str,
        slug: &Slug,
        bio: &str,
    ) -> StoreResult<Option<Author>>;
    /// Published articles with this author in their byline, newest first.
    async fn published_by(
        &self,
        author: UserId,
        now: OffsetDateTime,
        page: Page,
    ) -> StoreResult<Listed<ArticleSummary>>;
}

const AUTHOR_COLUMNS: &str = "u.id, u.display_name, u.slug, u.bio, u.avatar";

fn author_from_row(row: &impl Columns) -> StoreResult<Author> {
    Ok(Author {
        id: UserId(row.integer("id")?),
        display_name: row.text("display_name")?,
        slug: slug_from(&row.text("slug")?)?,
        bio: row.text("bio")?,
        avatar: tidings_domain::MediaAddress::parse_path(&row.text("avatar")?),
    })
}

#[async_trait]
impl AuthorStore for SqlStore {
    async fn authors_of(&self, article: ArticleId) -> StoreResult<Vec<Author>> {
        self.fetch_all(statement!(
            format!(
                "SELECT {AUTHOR_COLUMNS} FROM article_authors aa JOIN users u ON u.id = aa.user_id
                  WHERE aa.article_id = ? ORDER BY aa.position"
            ),
            article.0
        ))
        .await?
        .iter()
        .map(author_from_row)
        .collect()
    }

    async fn author(&self, id: UserId) -> StoreResult<Option<Author>> {
        self.fetch_optional(statement!(
            format!("SELECT {AUTHOR_COLUMNS} FROM users u WHERE u.id = ?"),
            id.0
        ))
        .await?
        .as_ref()
        .map(author_from_row)
        .transpose()
    }

    async fn author_by_slug(&self, slug: &str) -> StoreResult<Option<Author>> {
        self.fetch_optional(statement!(
            format!("SELECT {AUTHOR_COLUMNS} FROM users u WHERE u.slug = ?"),
            slug
        ))
        .await?
        .as_ref()
        .map(author_from_row)
        .transpose()
    }

    async fn update_profile(
        &self,
        id: UserId,
        display_name: &str,
        slug: &Slug,
        bio: &str,
    ) -> StoreResult<Option<Author>> {
        let mut transaction = self.begin().await?;
        let updated = transaction
            .attempt(statement!(
                "UPDATE users SET display_name = ?, slug = ?, bio = ? WHERE id = ? RETURNING id",
                display_name,
                slug.as_str(),
                bio,
                id.0
            ))
            .await?;
        let author = match updated {
            Some(_) => transaction
                .fetch_optional(statement!(
                    format!("SELECT {AUTHOR_COLUMNS} FROM users u WHERE u.id = ?"),
                    id.0
                ))
                .await?
                .as_ref()
                .map(author_from_row)
                .transpose()?,
            None => None,
        };
        transaction.commit().await?;
        Ok(author)
    }

    async fn published_by(
        &self,
        author: UserId,
        now: OffsetDateTime,
        page: Page,
    ) -> StoreResult<Listed<ArticleSummary>> {
        let mut items = self
            .fetch_all(statement!(
                format!(
                    "SELECT {}, {} FROM articles a LEFT JOIN users u ON u.id = a.author_id
                      WHERE a.id IN (
                          SELECT x.id FROM article_authors aa JOIN articles x
                              ON x.id = aa.article_id
                           WHERE aa.user_id = ? AND x.kind = 'article'
                             AND x.status = 'published' AND x.published_at <= ?
                           ORDER BY x.published_at DESC, x.id DESC LIMIT ? OFFSET ?)",
                    article_columns!(),
                    summary_columns!()
                ),
                author.0,
                timestamp(now),
                i64::from(page.size) + 1,
                page.offset()
            ))
            .await?
            .iter()
            .map(summary_from_row)
            .collect::<StoreResult<Vec<_>>>()?;
        newest_first(&mut items);
        Ok(Listed::from_one_extra(items, page.size))
    }
}
