//! Full-text search with each database's own engine: SQLite's FTS5 and PostgreSQL's text
//! search. Both index the words `tidings_domain::search` cut and folded, weighted by
//! where they stand (title, standfirst, sections and tags, body), and both rank by
//! relevance with a boost for recent articles. Only the table and the ranking function
//! are each dialect's own.
//!
//! A document is written in the transaction that changes its article ([`index_article`]),
//! so the index never shows what the article no longer says; [`SearchStore::catch_up_search`]
//! fills it for articles that have none (rows written by hand, an index made by an older
//! tokenizer), beside the site's first requests.

use crate::StoreResult;
use crate::articles::summary_columns;
use crate::database::{Dialect, SqlStore, Statement, Tx, Value, statement};
use crate::records::{ArticleSummary, Listed, Page};
use crate::rows::{Columns, article_columns, moment, summary_from_row, timestamp};
use async_trait::async_trait;
use std::borrow::Cow;
use tidings_domain::TermId;
use tidings_domain::search::{Clause, SearchQuery, index_text};
use tidings_domain::text::plain_text_from_markdown;
use time::OffsetDateTime;

/// Bumped when the words indexed for the same text change: the index is then rebuilt.
const INDEX_VERSION: &str = "1";
const INDEX_VERSION_SETTING: &str = "search_index_version";
/// Articles indexed per transaction when catching up.
const CATCH_UP_BATCH: i64 = 100;

/// What narrows a search besides its words.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SearchFilter {
    /// Only articles in this section (or tag).
    pub term: Option<TermId>,
    /// Only articles published in `[from, until)`: a year.
    pub between: Option<(OffsetDateTime, OffsetDateTime)>,
}

#[async_trait]
pub trait SearchStore: Send + Sync {
    /// The public articles and pages that have every clause of `query`, best first, one
    /// page of them. An empty query finds nothing.
    async fn search(
        &self,
        query: &SearchQuery,
        filter: &SearchFilter,
        now: OffsetDateTime,
        page: Page,
    ) -> StoreResult<Listed<ArticleSummary>>;
    /// Indexes the public articles that have no search document (written by hand, or
    /// indexed by an older tokenizer, which empties the index first); returns how many. It
    /// reads every article's id, so the site runs it beside its first requests and
    /// `migrate` before it exits, never in the way of start-up.
    async fn catch_up_search(&self) -> StoreResult<u64>;
    /// When the oldest public article was published: where the search form's years start.
    async fn first_publication(&self, now: OffsetDateTime) -> StoreResult<Option<OffsetDateTime>>;
}

/// The oldest public article's date, read from the end of the list index.
pub(crate) const FIRST_PUBLICATION: &str = "SELECT published_at FROM articles
      WHERE kind = 'article' AND status = 'published' AND published_at <= ?
      ORDER BY published_at, id LIMIT 1";

/// The relevance boost of a recent article: ×2 when just published, ×1.5 at 30 days old,
/// fading towards ×1 over the years.
const RECENCY: &str = "(1.0 + 1.0 / (1.0 + (? - hit.published_at) / 2592000.0))";

/// Matches ranked at most: when more articles match, the newest of them are ranked, and
/// only their rows are read (FTS5 walks its index newest id first and stops); a reader who
/// wants older ones narrows by year or section, which applies before the cut. What is left
/// of a common word's cost is bm25's count of the articles that have it (its rarity), a
/// pass over the word's whole list: about 20 ms for a word in each of 100,000 articles.
pub const MOST_RANKED: i64 = 1000;

/// The search statement of `dialect`: the newest [`MOST_RANKED`] public matches (filters
/// applied), each with the engine's relevance, then the best page of them with their list
/// details. Lower relevance is better in both: bm25 is negative, `ts_rank` is negated.
pub(crate) fn search_statement(
    dialect: Dialect,
    query: &SearchQuery,
    filter: &SearchFilter,
    now: OffsetDateTime,
    page: Page,
) -> Statement {
    let (matches, id, expression) = match dialect {
        // The column weights follow the table's order: title, standfirst, terms, body.
        Dialect::Sqlite => (
            "SELECT article_search.rowid AS id, c.published_at,
                    bm25(article_search, 10.0, 4.0, 4.0, 1.0) AS relevance
               FROM article_search JOIN articles c ON c.id = article_search.rowid
              WHERE article_search MATCH ?",
            "article_search.rowid",
            fts5_expression(&query.clauses),
        ),
        Dialect::Postgres => (
            "SELECT s.article_id AS id, c.published_at,
                    -ts_rank(s.document, q.query)::float8 AS relevance
               FROM article_search s JOIN articles c ON c.id = s.article_id,
                    CAST(? AS tsquery) AS q (query)
              WHERE s.document @@ q.query",
            "s.article_id",
            tsquery_expression(&query.clauses),
        ),
    };
    let mut hits = format!("{matches} AND c.status = 'published' AND c.published_at <= ?");
    // In the order the placeholders stand: the recency's `now` comes first in the text.
    let mut values = vec![
        Value::from(timestamp(now)),
        Value::from(expression),
        Value::from(timestamp(now)),
    ];
    if let Some(term) = filter.term {
        hits.push_str(" AND c.id IN (SELECT article_id FROM article_terms WHERE term_id = ?)");
        values.push(term.0.into());
    }
    if let Some((from, until)) = filter.between {
        hits.push_str(" AND c.published_at >= ? AND c.published_at < ?");
        values.push(timestamp(from).into());
        values.push(timestamp(until).into());
    }
    hits.push_str(&format!(" ORDER BY {id} DESC LIMIT {MOST_RANKED}"));
    // The page is chosen from the ids and scores alone; only its rows are read whole.
    let sql = format!(
        "SELECT {}, {} FROM (
             SELECT hit.id, hit.relevance * {RECENCY} AS score FROM ({hits}) hit
              ORDER BY score, hit.id DESC LIMIT ? OFFSET ?) ranked
           JOIN articles a ON a.id = ranked.id
           LEFT JOIN users u ON u.id = a.author_id
          ORDER BY ranked.score, a.id DESC",
        article_columns!(),
        summary_columns!()
    );
    values.push((i64::from(page.size) + 1).into());
    values.push(page.offset().into());
    Statement {
        sql: Cow::Owned(sql),
        values,
    }
}

/// FTS5's query language, from clauses of plain words (letters and digits only, so none
/// can close a quoted string): `"city council" "bridg"*`, every clause required.
fn fts5_expression(clauses: &[Clause]) -> String {
    clauses
        .iter()
        .map(|clause| {
            let star = if clause.prefix { "*" } else { "" };
            format!("\"{}\"{star}", clause.words.join(" "))
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// PostgreSQL's `tsquery` text, from the same clauses: `('city' <-> 'council') & 'bridg':*`.
fn tsquery_expression(clauses: &[Clause]) -> String {
    clauses
        .iter()
        .map(|clause| {
            let last = clause.words.len() - 1;
            let words: Vec<String> = clause
                .words
                .iter()
                .enumerate()
                .map(|(position, word)| {
                    let star = if clause.prefix && position == last {
                        ":*"
                    } else {
                        ""
                    };
                    format!("'{word}'{star}")
                })
                .collect();
            format!("({})", words.join(" <-> "))
        })
        .collect::<Vec<_>>()
        .join(" & ")
}

#[async_trait]
impl SearchStore for SqlStore {
    async fn search(
        &self,
        query: &SearchQuery,
        filter: &SearchFilter,
        now: OffsetDateTime,
        page: Page,
    ) -> StoreResult<Listed<ArticleSummary>> {
        if query.is_empty() {
            return Ok(Listed {
                items: Vec::new(),
                more: false,
            });
        }
        let statement = search_statement(self.dialect(), query, filter, now, page);
        let items = self
            .fetch_all(statement)
            .await?
            .iter()
            .map(summary_from_row)
            .collect::<StoreResult<Vec<_>>>()?;
        Ok(Listed::from_one_extra(items, page.size))
    }

    async fn catch_up_search(&self) -> StoreResult<u64> {
        self.index_missing().await
    }

    async fn first_publication(&self, now: OffsetDateTime) -> StoreResult<Option<OffsetDateTime>> {
        self.fetch_optional(statement!(FIRST_PUBLICATION, timestamp(now)))
            .await?
            .map(|row| moment(row.integer("published_at")?))
            .transpose()
    }
}

/// Writes the search document of article `id` as it now stands, or removes it when the
/// article is not public (a draft, in the trash, private). Called in the transaction that
/// changed the article, its sections or their names.
pub(crate) async fn index_article(transaction: &mut Tx, id: i64) -> StoreResult<()> {
    let remove = match transaction.dialect() {
        Dialect::Sqlite => "DELETE FROM article_search WHERE rowid = ?",
        Dialect::Postgres => "DELETE FROM article_search WHERE article_id = ?",
    };
    transaction.execute(statement!(remove, id)).await?;
    let Some(article) = transaction
        .fetch_optional(statement!(
            "SELECT title, subtitle, excerpt, body_markdown FROM articles
              WHERE id = ? AND status = 'published'",
            id
        ))
        .await?
    else {
        return Ok(());
    };
    let names: Vec<String> = transaction
        .fetch_all(statement!(
            "SELECT t.name FROM article_terms at JOIN terms t ON t.id = at.term_id
              WHERE at.article_id = ? ORDER BY at.position",
            id
        ))
        .await?
        .iter()
        .map(|row| row.text("name"))
        .collect::<StoreResult<_>>()?;
    let title = index_text(&article.text("title")?);
    let standfirst = index_text(&format!(
        "{} {}",
        article.text("subtitle")?,
        article.text("excerpt")?
    ));
    let terms = index_text(&names.join(" "));
    let body = index_text(&plain_text_from_markdown(&article.text("body_markdown")?));
    let insert = match transaction.dialect() {
        Dialect::Sqlite => {
            "INSERT INTO article_search (rowid, title, standfirst, terms, body)
             VALUES (?, ?, ?, ?, ?)"
        }
        Dialect::Postgres => {
            "INSERT INTO article_search (article_id, document) VALUES (?,
                 setweight(to_tsvector('simple', ?), 'A')
                 || setweight(to_tsvector('simple', ?), 'B')
                 || setweight(to_tsvector('simple', ?), 'B')
                 || setweight(to_tsvector('simple', ?), 'D'))"
        }
    };
    transaction
        .execute(statement!(insert, id, title, standfirst, terms, body))
        .await?;
    Ok(())
}

/// Re-indexes every article that has term `term` (its name changed, or it is going).
pub(crate) async fn index_articles_with_term(
    transaction: &mut Tx,
    term: TermId,
) -> StoreResult<()> {
    let ids = transaction
        .fetch_all(statement!(
            "SELECT article_id FROM article_terms WHERE term_id = ?",
            term.0
        ))
        .await?
        .iter()
        .map(|row| row.integer("article_id"))
        .collect::<StoreResult<Vec<_>>>()?;
    for id in ids {
        index_article(transaction, id).await?;
    }
    Ok(())
}

impl SqlStore {
    /// [`SearchStore::catch_up_search`], in batches small enough not to hold the writer long.
    async fn index_missing(&self) -> StoreResult<u64> {
        let version = self
            .fetch_optional(statement!(crate::site::SETTING, INDEX_VERSION_SETTING))
            .await?
            .map(|row| row.text("value"))
            .transpose()?;
        if version.as_deref() != Some(INDEX_VERSION) {
            // Contentless FTS5 empties with its own command; PostgreSQL's is a table.
            let empty = match self.dialect() {
                Dialect::Sqlite => {
                    "INSERT INTO article_search (article_search) VALUES ('delete-all')"
                }
                Dialect::Postgres => "DELETE FROM article_search",
            };
            self.execute(statement!(empty)).await?;
        }
        let missing = match self.dialect() {
            Dialect::Sqlite => {
                "SELECT id FROM articles WHERE status = 'published'
                   AND id NOT IN (SELECT rowid FROM article_search) ORDER BY id LIMIT ?"
            }
            Dialect::Postgres => {
                "SELECT a.id FROM articles a WHERE a.status = 'published'
                   AND NOT EXISTS (SELECT 1 FROM article_search s WHERE s.article_id = a.id)
                 ORDER BY a.id LIMIT ?"
            }
        };
        let mut indexed = 0;
        loop {
            let ids = self
                .fetch_all(statement!(missing, CATCH_UP_BATCH))
                .await?
                .iter()
                .map(|row| row.integer("id"))
                .collect::<StoreResult<Vec<_>>>()?;
            if ids.is_empty() {
                break;
            }
            let mut transaction = self.begin().await?;
            for id in &ids {
                index_article(&mut transaction, *id).await?;
            }
            transaction.commit().await?;
            indexed += ids.len() as u64;
        }
        if version.as_deref() != Some(INDEX_VERSION) {
            self.execute(statement!(
                "INSERT INTO settings (name, value) VALUES (?, ?)
                 ON CONFLICT (name) DO UPDATE SET value = excluded.value",
                INDEX_VERSION_SETTING,
                INDEX_VERSION
            ))
            .await?;
        }
        Ok(indexed)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn queries_become_each_engines_language_and_only_words() {
        let query = SearchQuery::parse("\"city council\" bridg \"'; DROP TABLE x; --");
        assert_eq!(
            fts5_expression(&query.clauses),
            "\"city council\" \"bridg\" \"drop table x\""
        );
        assert_eq!(
            tsquery_expression(&query.clauses),
            "('city' <-> 'council') & ('bridg') & ('drop' <-> 'table' <-> 'x')"
        );
        let query = SearchQuery::parse("budget bridg");
        assert_eq!(fts5_expression(&query.clauses), "\"budget\" \"bridg\"*");
        assert_eq!(
            tsquery_expression(&query.clauses),
            "('budget') & ('bridg':*)"
        );
    }
}
