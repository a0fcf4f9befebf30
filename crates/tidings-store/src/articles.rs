//! Articles and their lists. Every statement here is the same in both dialects.

use crate::database::{SqlStore, Statement, Value, statement};
use crate::records::{
    ArticleFilter, ArticleOrder, ArticleQuery, ArticleSummary, Listed, Page, newest_first,
};
use crate::rows::{
    Columns, article_columns, article_from_row, moment, summary_from_row, term_from_row, timestamp,
    to_u64,
};
use crate::{StoreError, StoreResult};
use async_trait::async_trait;
use tidings_domain::article::{ArticleState, ValidArticle};
use tidings_domain::{Article, ArticleId, ArticleKind, ArticleStatus, Term, TermId, UserId};

mod writing;
use time::OffsetDateTime;
pub(crate) use writing::{DEFAULT_SECTION, default_section, default_section_from};
use writing::{move_subpages, write_article};

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
    /// The page at `/path/` (`about/team`), whatever its state.
    async fn page_by_path(&self, path: &str) -> StoreResult<Option<Article>>;
    /// Moves an article or page to the trash, remembering its state for a restore; `None`
    /// when it does not exist or is in the trash already. A page with subpages outside the
    /// trash stays where it is: a `Conflict { what: "subpages" }`.
    async fn trash_article(
        &self,
        id: ArticleId,
        now: OffsetDateTime,
    ) -> StoreResult<Option<Article>>;
    /// Gives a trashed article back the state it had; `None` when it is not in the trash. A
    /// page whose parent is in the trash is a `Conflict { what: "parent" }`.
    async fn restore_article(&self, id: ArticleId) -> StoreResult<Option<Article>>;
    /// Deletes for good what went to the trash before `before`; how many.
    async fn purge_trash(&self, before: OffsetDateTime) -> StoreResult<u64>;
    /// Its sections (the primary one first) and then its tags.
    async fn article_terms(&self, id: ArticleId) -> StoreResult<Vec<Term>>;
    /// Published, sticky articles dated no later than `now`, newest first.
    async fn sticky_articles(&self, now: OffsetDateTime) -> StoreResult<Vec<ArticleSummary>>;
    /// Published articles filed under a section or tag, newest first.
    async fn published_with_term(
        &self,
        term: TermId,
        now: OffsetDateTime,
        page: Page,
    ) -> StoreResult<Listed<ArticleSummary>>;
    /// The article an old address (`/YYYY/MM/slug/`) belonged to, if it moved from there.
    async fn redirect_for(&self, path: &str) -> StoreResult<Option<ArticleId>>;
    async fn article_by_slug(&self, slug: &str) -> StoreResult<Option<Article>>;
    /// Published articles dated no later than `now`, newest first, with approved comment counts.
    async fn published_articles(
        &self,
        now: OffsetDateTime,
        page: Page,
    ) -> StoreResult<Listed<ArticleSummary>>;
    /// When the next article or page dated after `now` becomes public, if any: cached
    /// lists are fresh until then.
    async fn next_publication_after(
        &self,
        now: OffsetDateTime,
    ) -> StoreResult<Option<OffsetDateTime>>;
    /// The admin's list: the articles or pages a filter selects, newest first, and how
    /// many there are in all.
    async fn list_articles(
        &self,
        filter: &ArticleFilter,
        page: Page,
    ) -> StoreResult<(Vec<ArticleSummary>, u64)>;
    /// The articles or pages a filter selects, newest first, from just past `after` (the
    /// last one of the previous page): a cursor that a new article at the top cannot shift,
    /// as offsets do.
    async fn articles_after(
        &self,
        filter: &ArticleFilter,
        after: Option<(OffsetDateTime, ArticleId)>,
        size: u32,
    ) -> StoreResult<Listed<ArticleSummary>>;
    /// A page of what `query` selects, in its order, and how many it selects in all.
    async fn query_articles(
        &self,
        query: &ArticleQuery,
        page: Page,
    ) -> StoreResult<(Vec<ArticleSummary>, u64)>;
    /// How many articles (or pages) are in each state, for the admin's filter links.
    async fn count_by_state(
        &self,
        kind: ArticleKind,
        now: OffsetDateTime,
    ) -> StoreResult<Vec<(ArticleState, u64)>>;
}

pub(crate) const BY_ID: &str = concat!(
    "SELECT ",
    article_columns!(),
    " FROM articles a WHERE a.id = ?"
);
pub(crate) const BY_SLUG: &str = concat!(
    "SELECT ",
    article_columns!(),
    " FROM articles a WHERE a.kind = 'article' AND a.slug = ?"
);
pub(crate) const BY_PATH: &str = concat!(
    "SELECT ",
    article_columns!(),
    " FROM articles a WHERE a.kind = 'page' AND a.page_path = ?"
);

/// What a list shows beside each article.
macro_rules! summary_columns {
    () => {
        "u.display_name AS author_name,
         (SELECT COUNT(*) FROM comments c
           WHERE c.article_id = a.id AND c.status = 'approved') AS approved_comments"
    };
}
pub(crate) use summary_columns;

/// A page of published articles: their ids first, through the covering index (so skipped
/// rows cost an index step, not a comment count), then their details. Rows come unsorted.
pub(crate) const PUBLISHED: &str = concat!(
    "SELECT ",
    article_columns!(),
    ", ",
    summary_columns!(),
    " FROM articles a LEFT JOIN users u ON u.id = a.author_id
     WHERE a.id IN (
         SELECT id FROM articles
          WHERE kind = 'article' AND status = 'published' AND published_at <= ?
         ORDER BY published_at DESC, id DESC
         LIMIT ? OFFSET ?)"
);

/// The sticky articles: read from the small partial index that holds only them, first
/// (`CROSS JOIN` keeps SQLite from starting with the list index, which would read every
/// published article), then their details.
pub(crate) const STICKY: &str = concat!(
    "SELECT ",
    article_columns!(),
    ", ",
    summary_columns!(),
    " FROM (SELECT id FROM articles WHERE sticky = TRUE) pinned
     CROSS JOIN articles a
     LEFT JOIN users u ON u.id = a.author_id
     WHERE a.id = pinned.id
       AND a.kind = 'article' AND a.status = 'published' AND a.published_at <= ?"
);

pub(crate) const WITH_TERM: &str = concat!(
    "SELECT ",
    article_columns!(),
    ", ",
    summary_columns!(),
    " FROM articles a LEFT JOIN users u ON u.id = a.author_id
     WHERE a.id IN (
         SELECT t.article_id FROM article_terms t JOIN articles x ON x.id = t.article_id
          WHERE t.term_id = ? AND t.published_at <= ?
            AND x.kind = 'article' AND x.status = 'published'
         ORDER BY t.published_at DESC, t.article_id DESC
         LIMIT ? OFFSET ?)"
);

/// An article going out makes the lists stale, and a page going out every page (the
/// footer lists the top-level ones, the sitemap all). The `kind` terms let the search use
/// the first columns of the list index instead of reading it all.
pub(crate) const NEXT_PUBLICATION: &str = "SELECT MIN(published_at) AS next FROM articles
     WHERE kind IN ('article', 'page') AND status = 'published' AND published_at > ?";

/// The conditions of an admin list, as SQL over `x` (the articles table) and its values.
fn filter_conditions(filter: &ArticleFilter) -> (String, Vec<Value>) {
    let mut sql = String::from("x.kind = ?");
    let mut values = vec![Value::from(filter.kind.as_str())];
    let now = timestamp(filter.now);
    match filter.state {
        None => sql.push_str(" AND x.status <> 'trash'"),
        Some(ArticleState::Scheduled) => {
            sql.push_str(" AND x.status = 'published' AND x.published_at > ?");
            values.push(now.into());
        }
        Some(ArticleState::Published) => {
            sql.push_str(" AND x.status = 'published' AND x.published_at <= ?");
            values.push(now.into());
        }
        Some(state) => {
            sql.push_str(" AND x.status = ?");
            values.push(state.as_str().into());
        }
    }
    if let Some(author) = filter.author {
        sql.push_str(" AND x.author_id = ?");
        values.push(author.0.into());
    }
    if let Some(term) = filter.term {
        sql.push_str(
            " AND EXISTS (SELECT 1 FROM article_terms t WHERE t.article_id = x.id AND t.term_id = ?)",
        );
        values.push(term.0.into());
    }
    if let Some(words) = filter.title_contains.as_deref() {
        sql.push_str(" AND lower(x.title) LIKE ? ESCAPE '\\'");
        values.push(format!("%{}%", like_escaped(words)).into());
    }
    (sql, values)
}

/// Words lowercased for a `LIKE … ESCAPE '\'`: `%`, `_` and the escape itself are matched
/// as themselves.
fn like_escaped(words: &str) -> String {
    words
        .to_lowercase()
        .replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_")
}

impl SqlStore {
    /// A move into or out of the trash, in one transaction: refused with a `Conflict`
    /// naming `blocker` when `blocked` counts any row, else `change` (an `UPDATE …
    /// RETURNING id`), and the article as it is after it; `None` when nothing moved.
    async fn trash_move(
        &self,
        id: ArticleId,
        blocked: Statement,
        blocker: &'static str,
        change: Statement,
    ) -> StoreResult<Option<Article>> {
        let mut transaction = self.begin().await?;
        if transaction.fetch_one(blocked).await?.integer("count")? > 0 {
            return Err(StoreError::Conflict { what: blocker });
        }
        let article = match transaction.fetch_optional(change).await? {
            Some(_) => Some(article_from_row(
                &transaction.fetch_one(statement!(BY_ID, id.0)).await?,
            )?),
            None => None,
        };
        // Out of search when it goes to the trash, back in when restored.
        crate::search::index_article(&mut transaction, id.0).await?;
        transaction.commit().await?;
        Ok(article)
    }

    pub(crate) async fn summaries(
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
        if let (Some(old), Some(new)) = (&before.page_path, &stored.page_path)
            && old != new
        {
            move_subpages(&mut transaction, old, new).await?;
        }
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

    async fn page_by_path(&self, path: &str) -> StoreResult<Option<Article>> {
        self.fetch_optional(statement!(BY_PATH, path))
            .await?
            .as_ref()
            .map(article_from_row)
            .transpose()
    }

    async fn trash_article(
        &self,
        id: ArticleId,
        now: OffsetDateTime,
    ) -> StoreResult<Option<Article>> {
        let live_subpages = statement!(
            "SELECT COUNT(*) AS count FROM articles
              WHERE parent_id = ? AND kind = 'page' AND status <> 'trash'",
            id.0
        );
        let trash = statement!(
            "UPDATE articles SET status_before_trash = status, status = 'trash', trashed_at = ?
              WHERE id = ? AND status <> 'trash' RETURNING id",
            timestamp(now),
            id.0
        );
        self.trash_move(id, live_subpages, "subpages", trash).await
    }

    async fn restore_article(&self, id: ArticleId) -> StoreResult<Option<Article>> {
        let parent_in_trash = statement!(
            "SELECT COUNT(*) AS count FROM articles a JOIN articles p ON p.id = a.parent_id
              WHERE a.id = ? AND p.status = 'trash'",
            id.0
        );
        let restore = statement!(
            "UPDATE articles SET status = status_before_trash, status_before_trash = NULL,
                trashed_at = NULL
              WHERE id = ? AND status = 'trash' RETURNING id",
            id.0
        );
        self.trash_move(id, parent_in_trash, "parent", restore)
            .await
    }

    async fn purge_trash(&self, before: OffsetDateTime) -> StoreResult<u64> {
        // A page cannot go to the trash before its subpages, and is purged with those of
        // them that are in the trash too, so no page is left under a parent that is gone.
        let mut transaction = self.begin().await?;
        // Articles in the trash are out of search already (SQLite's index is a virtual
        // table, which no foreign key reaches; PostgreSQL's rows cascade).
        let purged = transaction
            .execute(statement!(
                "DELETE FROM articles
                  WHERE status = 'trash' AND (trashed_at < ? OR parent_id IN (
                      SELECT id FROM articles WHERE status = 'trash' AND trashed_at < ?))",
                timestamp(before),
                timestamp(before),
            ))
            .await?;
        transaction.commit().await?;
        Ok(purged)
    }

    async fn article_terms(&self, id: ArticleId) -> StoreResult<Vec<Term>> {
        self.fetch_all(statement!(
            "SELECT t.id, t.taxonomy, t.slug, t.name, t.description, t.parent_id, t.path
               FROM article_terms at JOIN terms t ON t.id = at.term_id
              WHERE at.article_id = ?
              ORDER BY at.position, t.id",
            id.0
        ))
        .await?
        .iter()
        .map(term_from_row)
        .collect()
    }

    async fn sticky_articles(&self, now: OffsetDateTime) -> StoreResult<Vec<ArticleSummary>> {
        self.summaries(statement!(STICKY, timestamp(now))).await
    }

    async fn published_with_term(
        &self,
        term: TermId,
        now: OffsetDateTime,
        page: Page,
    ) -> StoreResult<Listed<ArticleSummary>> {
        let items = self
            .summaries(statement!(
                WITH_TERM,
                term.0,
                timestamp(now),
                i64::from(page.size) + 1,
                page.offset()
            ))
            .await?;
        Ok(Listed::from_one_extra(items, page.size))
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
        let items = self
            .summaries(statement!(
                PUBLISHED,
                timestamp(now),
                i64::from(page.size) + 1,
                page.offset()
            ))
            .await?;
        Ok(Listed::from_one_extra(items, page.size))
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

    async fn list_articles(
        &self,
        filter: &ArticleFilter,
        page: Page,
    ) -> StoreResult<(Vec<ArticleSummary>, u64)> {
        let (conditions, values) = filter_conditions(filter);
        let count = Statement {
            sql: format!("SELECT COUNT(*) AS count FROM articles x WHERE {conditions}").into(),
            values: values.clone(),
        };
        let total = to_u64(self.fetch_one(count).await?.integer("count")?);
        let mut list = Statement {
            sql: format!(
                "SELECT {}, {} FROM articles a LEFT JOIN users u ON u.id = a.author_id
                  WHERE a.id IN (SELECT x.id FROM articles x WHERE {conditions}
                                 ORDER BY x.published_at DESC, x.id DESC LIMIT ? OFFSET ?)",
                article_columns!(),
                summary_columns!()
            )
            .into(),
            values,
        };
        list.values.push(i64::from(page.size).into());
        list.values.push(page.offset().into());
        Ok((self.summaries(list).await?, total))
    }

    async fn articles_after(
        &self,
        filter: &ArticleFilter,
        after: Option<(OffsetDateTime, ArticleId)>,
        size: u32,
    ) -> StoreResult<Listed<ArticleSummary>> {
        let (mut conditions, mut values) = filter_conditions(filter);
        if let Some((published_at, id)) = after {
            conditions.push_str(" AND (x.published_at < ? OR (x.published_at = ? AND x.id < ?))");
            values.push(timestamp(published_at).into());
            values.push(timestamp(published_at).into());
            values.push(id.0.into());
        }
        let mut list = Statement {
            sql: format!(
                "SELECT {}, {} FROM articles a LEFT JOIN users u ON u.id = a.author_id
                  WHERE a.id IN (SELECT x.id FROM articles x WHERE {conditions}
                                 ORDER BY x.published_at DESC, x.id DESC LIMIT ?)",
                article_columns!(),
                summary_columns!()
            )
            .into(),
            values,
        };
        list.values.push(i64::from(size.saturating_add(1)).into());
        let items = self.summaries(list).await?;
        Ok(Listed::from_one_extra(items, size))
    }

    async fn query_articles(
        &self,
        query: &ArticleQuery,
        page: Page,
    ) -> StoreResult<(Vec<ArticleSummary>, u64)> {
        let (mut conditions, mut values) = filter_conditions(&query.filter);
        for group in [&query.any_terms, &query.any_terms_too] {
            if group.is_empty() {
                continue;
            }
            let marks = vec!["?"; group.len()].join(", ");
            conditions.push_str(&format!(
                " AND EXISTS (SELECT 1 FROM article_terms t WHERE t.article_id = x.id \
                   AND t.term_id IN ({marks}))"
            ));
            values.extend(group.iter().map(|term| Value::from(term.0)));
        }
        if let Some(words) = query.words.as_deref() {
            let pattern = format!("%{}%", like_escaped(words));
            conditions.push_str(
                " AND (lower(x.title) LIKE ? ESCAPE '\\' OR lower(x.excerpt) LIKE ? ESCAPE '\\' \
                   OR lower(x.body_markdown) LIKE ? ESCAPE '\\')",
            );
            for _ in 0..3 {
                values.push(pattern.clone().into());
            }
        }
        if !query.ids.is_empty() {
            let marks = vec!["?"; query.ids.len()].join(", ");
            conditions.push_str(&format!(" AND x.id IN ({marks})"));
            values.extend(query.ids.iter().map(|id| Value::from(id.0)));
        }
        if !query.slugs.is_empty() {
            let marks = vec!["?"; query.slugs.len()].join(", ");
            conditions.push_str(&format!(" AND x.slug IN ({marks})"));
            values.extend(query.slugs.iter().map(|slug| Value::from(slug.as_str())));
        }
        match query.parent {
            None => {}
            Some(None) => conditions.push_str(" AND x.parent_id IS NULL"),
            Some(Some(parent)) => {
                conditions.push_str(" AND x.parent_id = ?");
                values.push(parent.0.into());
            }
        }
        let count = Statement {
            sql: format!("SELECT COUNT(*) AS count FROM articles x WHERE {conditions}").into(),
            values: values.clone(),
        };
        let total = to_u64(self.fetch_one(count).await?.integer("count")?);
        let direction = if query.ascending { "ASC" } else { "DESC" };
        let order = match query.order {
            ArticleOrder::Date => format!("a.published_at {direction}, a.id {direction}"),
            ArticleOrder::Modified => format!("a.updated_at {direction}, a.id {direction}"),
            ArticleOrder::Id => format!("a.id {direction}"),
            ArticleOrder::Title => format!("lower(a.title) {direction}, a.id {direction}"),
            ArticleOrder::Slug => format!("a.slug {direction}, a.id {direction}"),
        };
        let inner_order = order.replace("a.", "x.");
        let mut list = Statement {
            sql: format!(
                "SELECT {}, {} FROM articles a LEFT JOIN users u ON u.id = a.author_id
                  WHERE a.id IN (SELECT x.id FROM articles x WHERE {conditions}
                                 ORDER BY {inner_order} LIMIT ? OFFSET ?)
                  ORDER BY {order}",
                article_columns!(),
                summary_columns!()
            )
            .into(),
            values,
        };
        list.values.push(i64::from(page.size).into());
        list.values.push(page.offset().into());
        let items = self
            .fetch_all(list)
            .await?
            .iter()
            .map(summary_from_row)
            .collect::<StoreResult<Vec<_>>>()?;
        Ok((items, total))
    }

    async fn count_by_state(
        &self,
        kind: ArticleKind,
        now: OffsetDateTime,
    ) -> StoreResult<Vec<(ArticleState, u64)>> {
        let rows = self
            .fetch_all(statement!(
                "SELECT CASE WHEN status = 'published' AND published_at > ? THEN 'scheduled'
                             ELSE status END AS state, COUNT(*) AS count
                   FROM articles WHERE kind = ? GROUP BY 1",
                timestamp(now),
                kind.as_str()
            ))
            .await?;
        let mut counts = Vec::new();
        for row in rows {
            let state = row.text("state")?;
            let state = ArticleState::parse(&state)
                .ok_or_else(|| StoreError::Other(format!("unknown article state {state:?}")))?;
            counts.push((state, to_u64(row.integer("count")?)));
        }
        Ok(counts)
    }
}
