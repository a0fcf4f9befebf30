//! What the sitemaps list: every public address with the time it last changed for
//! readers. The months are grouped by each dialect's date function; the rest is the same
//! SQL in both.

use crate::StoreResult;
use crate::database::{Dialect, SqlStore, statement};
use crate::rows::{Columns, moment, slug_from, timestamp};
use async_trait::async_trait;
use tidings_domain::{Slug, Taxonomy};
use time::OffsetDateTime;

/// A month with published articles.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SitemapMonth {
    pub year: i32,
    pub month: u8,
    pub articles: u64,
    /// The newest change to any of them.
    pub modified: OffsetDateTime,
}

/// An address and when what it shows last changed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SitemapEntry {
    /// An article: its date and slug (the permalink follows); a page or a term: its path
    /// too; an author: the slug.
    pub published_at: OffsetDateTime,
    pub slug: Slug,
    pub path: Option<String>,
    pub modified: OffsetDateTime,
}

#[async_trait]
pub trait SitemapStore: Send + Sync {
    /// The months with public articles, oldest first.
    async fn sitemap_months(&self, now: OffsetDateTime) -> StoreResult<Vec<SitemapMonth>>;
    /// Public articles published in `[from, until)`, oldest first, `limit` from `offset`.
    async fn sitemap_articles(
        &self,
        from: OffsetDateTime,
        until: OffsetDateTime,
        now: OffsetDateTime,
        offset: u64,
        limit: u32,
    ) -> StoreResult<Vec<SitemapEntry>>;
    /// Public pages, by path.
    async fn sitemap_pages(&self, now: OffsetDateTime) -> StoreResult<Vec<SitemapEntry>>;
    /// Sections or tags with public articles; modified when their newest article was.
    async fn sitemap_terms(
        &self,
        taxonomy: Taxonomy,
        now: OffsetDateTime,
    ) -> StoreResult<Vec<SitemapEntry>>;
    /// Authors with public articles; modified when their newest article was.
    async fn sitemap_authors(&self, now: OffsetDateTime) -> StoreResult<Vec<SitemapEntry>>;
}

/// What a reader sees change: the publication, and a later edit of the text.
const MODIFIED: &str = "CASE WHEN a.revised_at IS NOT NULL AND a.revised_at > a.published_at \
                        THEN a.revised_at ELSE a.published_at END";

const PUBLIC_ARTICLE: &str =
    "a.kind = 'article' AND a.status = 'published' AND a.published_at <= ?";

/// A month's public articles, oldest first: a range of the articles' date index.
pub(crate) fn month_articles_sql() -> String {
    format!(
        "SELECT a.published_at, a.slug, NULL AS path, {MODIFIED} AS modified
           FROM articles a
          WHERE {PUBLIC_ARTICLE} AND a.published_at >= ? AND a.published_at < ?
          ORDER BY a.published_at, a.id LIMIT ? OFFSET ?"
    )
}

fn entry(row: &impl Columns) -> StoreResult<SitemapEntry> {
    Ok(SitemapEntry {
        published_at: moment(row.integer("published_at")?)?,
        slug: slug_from(&row.text("slug")?)?,
        path: row.optional_text("path")?,
        modified: moment(row.integer("modified")?)?,
    })
}

#[async_trait]
impl SitemapStore for SqlStore {
    async fn sitemap_months(&self, now: OffsetDateTime) -> StoreResult<Vec<SitemapMonth>> {
        let month = match self.dialect() {
            Dialect::Sqlite => "strftime('%Y-%m', a.published_at, 'unixepoch')",
            Dialect::Postgres => {
                "to_char(to_timestamp(a.published_at) AT TIME ZONE 'UTC', 'YYYY-MM')"
            }
        };
        let rows = self
            .fetch_all(statement!(
                format!(
                    "SELECT {month} AS month, COUNT(*) AS articles, MAX({MODIFIED}) AS modified
                       FROM articles a WHERE {PUBLIC_ARTICLE}
                      GROUP BY {month} ORDER BY {month}"
                ),
                timestamp(now)
            ))
            .await?;
        rows.iter()
            .map(|row| {
                let month = row.text("month")?;
                let (year, number) = month.split_once('-').unwrap_or(("", ""));
                let corrupt = || crate::StoreError::Other(format!("month {month:?} unreadable"));
                Ok(SitemapMonth {
                    year: year.parse().map_err(|_| corrupt())?,
                    month: number.parse().map_err(|_| corrupt())?,
                    articles: u64::try_from(row.integer("articles")?).unwrap_or(0),
                    modified: moment(row.integer("modified")?)?,
                })
            })
            .collect()
    }

    async fn sitemap_articles(
        &self,
        from: OffsetDateTime,
        until: OffsetDateTime,
        now: OffsetDateTime,
        offset: u64,
        limit: u32,
    ) -> StoreResult<Vec<SitemapEntry>> {
        self.fetch_all(statement!(
            month_articles_sql(),
            timestamp(now),
            timestamp(from),
            timestamp(until),
            i64::from(limit),
            i64::try_from(offset).unwrap_or(i64::MAX),
        ))
        .await?
        .iter()
        .map(entry)
        .collect()
    }

    async fn sitemap_pages(&self, now: OffsetDateTime) -> StoreResult<Vec<SitemapEntry>> {
        self.fetch_all(statement!(
            format!(
                "SELECT a.published_at, a.slug, a.page_path AS path, {MODIFIED} AS modified
                   FROM articles a
                  WHERE a.kind = 'page' AND a.status = 'published' AND a.published_at <= ?
                  ORDER BY a.page_path"
            ),
            timestamp(now),
        ))
        .await?
        .iter()
        .map(entry)
        .collect()
    }

    async fn sitemap_terms(
        &self,
        taxonomy: Taxonomy,
        now: OffsetDateTime,
    ) -> StoreResult<Vec<SitemapEntry>> {
        self.fetch_all(statement!(
            format!(
                "SELECT MIN(a.published_at) AS published_at, t.slug, t.path,
                        MAX({MODIFIED}) AS modified
                   FROM terms t
                   JOIN article_terms x ON x.term_id = t.id
                   JOIN articles a ON a.id = x.article_id
                  WHERE t.taxonomy = ? AND {PUBLIC_ARTICLE}
                  GROUP BY t.id, t.slug, t.path ORDER BY t.slug"
            ),
            taxonomy.as_str(),
            timestamp(now),
        ))
        .await?
        .iter()
        .map(entry)
        .collect()
    }

    async fn sitemap_authors(&self, now: OffsetDateTime) -> StoreResult<Vec<SitemapEntry>> {
        self.fetch_all(statement!(
            format!(
                "SELECT MIN(a.published_at) AS published_at, u.slug, NULL AS path,
                        MAX({MODIFIED}) AS modified
                   FROM users u
                   JOIN article_authors x ON x.user_id = u.id
                   JOIN articles a ON a.id = x.article_id
                  WHERE {PUBLIC_ARTICLE}
                  GROUP BY u.id, u.slug ORDER BY u.slug"
            ),
            timestamp(now),
        ))
        .await?
        .iter()
        .map(entry)
        .collect()
    }
}
