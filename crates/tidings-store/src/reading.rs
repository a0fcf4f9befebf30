//! What a page offers a reader next: the articles published just before and just after an
//! article, the newest others in its section, and the site's menu (its sections and its
//! top-level pages). Headlines only, through the indexes the lists use; the same SQL in
//! both dialects.

use crate::StoreResult;
use crate::articles::summary_columns;
use crate::database::{SqlStore, statement};
use crate::records::{ArticleSummary, Listed, Page};
use crate::rows::article_columns;
use crate::rows::{Columns, moment, slug_from, term_from_row, timestamp};
use async_trait::async_trait;
use tidings_domain::{Article, ArticleId, Slug, Term, TermId};
use time::OffsetDateTime;

/// An article as a link to it shows it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Headline {
    pub id: ArticleId,
    pub title: String,
    pub slug: Slug,
    pub published_at: OffsetDateTime,
}

impl Headline {
    pub fn permalink(&self) -> String {
        tidings_domain::article::permalink(self.published_at, &self.slug)
    }
}

/// A page as a menu links to it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PageLink {
    pub title: String,
    /// Its address: `/about/`.
    pub path: String,
}

#[async_trait]
pub trait ReadingStore: Send + Sync {
    /// Every section, unordered: the menu's choices (a short list on any site).
    async fn all_sections(&self) -> StoreResult<Vec<Term>>;
    /// The public pages at the top of the page tree, oldest first, at most `limit`.
    async fn top_level_pages(&self, now: OffsetDateTime, limit: u32) -> StoreResult<Vec<PageLink>>;
    /// The public articles published just before and just after `article`.
    async fn neighbours(
        &self,
        article: &Article,
        now: OffsetDateTime,
    ) -> StoreResult<(Option<Headline>, Option<Headline>)>;
    /// The public articles published in `[from, until)`, newest first: a year's, a
    /// month's or a day's archive.
    async fn published_between(
        &self,
        from: OffsetDateTime,
        until: OffsetDateTime,
        now: OffsetDateTime,
        page: Page,
    ) -> StoreResult<Listed<ArticleSummary>>;
    /// The newest public articles of `section` other than `except`, at most `limit`.
    async fn more_in_section(
        &self,
        section: TermId,
        except: ArticleId,
        now: OffsetDateTime,
        limit: u32,
    ) -> StoreResult<Vec<Headline>>;
}

/// A date archive's page: the ids from a range of the list index, then their details (as
/// the front page does). Rows come unsorted.
pub(crate) const BETWEEN: &str = concat!(
    "SELECT ",
    article_columns!(),
    ", ",
    summary_columns!(),
    " FROM articles a LEFT JOIN users u ON u.id = a.author_id
     WHERE a.id IN (
         SELECT id FROM articles
          WHERE kind = 'article' AND status = 'published' AND published_at <= ?
            AND published_at >= ? AND published_at < ?
         ORDER BY published_at DESC, id DESC
         LIMIT ? OFFSET ?)"
);

/// The one before: the newest published earlier (or at the same second, with a lower id).
/// Its upper bound is the article's own date (the caller passes it), so the index walk
/// starts there rather than at "now".
pub(crate) const PREVIOUS: &str = "SELECT a.id, a.title, a.slug, a.published_at FROM articles a
     WHERE a.kind = 'article' AND a.status = 'published' AND a.published_at <= ?
       AND (a.published_at < ? OR (a.published_at = ? AND a.id < ?))
     ORDER BY a.published_at DESC, a.id DESC LIMIT 1";

/// The one after: the oldest published later, but not after now. The range is bounded on
/// both sides in plain comparisons: with the `OR` alone, SQLite walked up from the oldest
/// article through every one before this one (18 ms for the newest of 100,000).
pub(crate) const NEXT: &str = "SELECT a.id, a.title, a.slug, a.published_at FROM articles a
     WHERE a.kind = 'article' AND a.status = 'published' AND a.published_at >= ?
       AND a.published_at <= ?
       AND (a.published_at > ? OR (a.published_at = ? AND a.id > ?))
     ORDER BY a.published_at, a.id LIMIT 1";

pub(crate) const MORE_IN_SECTION: &str = "SELECT a.id, a.title, a.slug, a.published_at
       FROM article_terms t JOIN articles a ON a.id = t.article_id
      WHERE t.term_id = ? AND t.published_at <= ? AND t.article_id <> ?
        AND a.kind = 'article' AND a.status = 'published'
      ORDER BY t.published_at DESC, t.article_id DESC LIMIT ?";

pub(crate) const ALL_SECTIONS: &str = "SELECT t.id, t.taxonomy, t.slug, t.name, t.description,
        t.parent_id, t.path FROM terms t WHERE t.taxonomy = 'section'";

pub(crate) const TOP_LEVEL_PAGES: &str = "SELECT a.title, a.page_path FROM articles a
      WHERE a.kind = 'page' AND a.status = 'published' AND a.published_at <= ?
        AND a.parent_id IS NULL
      ORDER BY a.published_at, a.id LIMIT ?";

fn headline(row: &impl Columns) -> StoreResult<Headline> {
    Ok(Headline {
        id: ArticleId(row.integer("id")?),
        title: row.text("title")?,
        slug: slug_from(&row.text("slug")?)?,
        published_at: moment(row.integer("published_at")?)?,
    })
}

#[async_trait]
impl ReadingStore for SqlStore {
    async fn all_sections(&self) -> StoreResult<Vec<Term>> {
        self.fetch_all(statement!(ALL_SECTIONS))
            .await?
            .iter()
            .map(term_from_row)
            .collect()
    }

    async fn top_level_pages(&self, now: OffsetDateTime, limit: u32) -> StoreResult<Vec<PageLink>> {
        self.fetch_all(statement!(
            TOP_LEVEL_PAGES,
            timestamp(now),
            i64::from(limit)
        ))
        .await?
        .iter()
        .map(|row| {
            Ok(PageLink {
                title: row.text("title")?,
                path: format!("/{}/", row.text("page_path")?),
            })
        })
        .collect()
    }

    async fn neighbours(
        &self,
        article: &Article,
        now: OffsetDateTime,
    ) -> StoreResult<(Option<Headline>, Option<Headline>)> {
        let at = timestamp(article.published_at);
        let id = article.id.0;
        // Before: up to the article's own second (and never past now).
        let previous =
            self.fetch_optional(statement!(PREVIOUS, at.min(timestamp(now)), at, at, id));
        let next = self.fetch_optional(statement!(NEXT, at, timestamp(now), at, at, id));
        let (previous, next) = tokio::try_join!(previous, next)?;
        Ok((
            previous.as_ref().map(headline).transpose()?,
            next.as_ref().map(headline).transpose()?,
        ))
    }

    async fn published_between(
        &self,
        from: OffsetDateTime,
        until: OffsetDateTime,
        now: OffsetDateTime,
        page: Page,
    ) -> StoreResult<Listed<ArticleSummary>> {
        let items = self
            .summaries(statement!(
                BETWEEN,
                timestamp(now),
                timestamp(from),
                timestamp(until),
                i64::from(page.size) + 1,
                page.offset()
            ))
            .await?;
        Ok(Listed::from_one_extra(items, page.size))
    }

    async fn more_in_section(
        &self,
        section: TermId,
        except: ArticleId,
        now: OffsetDateTime,
        limit: u32,
    ) -> StoreResult<Vec<Headline>> {
        self.fetch_all(statement!(
            MORE_IN_SECTION,
            section.0,
            timestamp(now),
            except.0,
            i64::from(limit)
        ))
        .await?
        .iter()
        .map(headline)
        .collect()
    }
}
