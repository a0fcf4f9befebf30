//! Articles and their lists. Every statement here is the same in both dialects.

use crate::database::{SqlStore, Statement, Tx, Value, statement};
use crate::records::{ArticleFilter, ArticleSummary, Listed, Page, newest_first};
use crate::rows::{
    Columns, article_columns, article_from_row, moment, summary_from_row, term_from_row, timestamp,
    to_u64,
};
use crate::{StoreError, StoreResult};
use async_trait::async_trait;
use tidings_domain::article::{ArticleState, ValidArticle};
use tidings_domain::{Article, ArticleId, ArticleKind, ArticleStatus, Term, TermId, UserId};
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
    /// When the next article dated after `now` becomes public, if any: cached lists are
    /// fresh until then.
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

pub(crate) const STICKY: &str = concat!(
    "SELECT ",
    article_columns!(),
    ", ",
    summary_columns!(),
    " FROM articles a LEFT JOIN users u ON u.id = a.author_id
     WHERE a.sticky = TRUE AND a.kind = 'article' AND a.status = 'published'
       AND a.published_at <= ?"
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

pub(crate) const NEXT_PUBLICATION: &str = "SELECT MIN(published_at) AS next FROM articles WHERE status = 'published' AND published_at > ?";

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
        // `%`, `_` and the escape itself are matched as themselves.
        let escaped = words
            .to_lowercase()
            .replace('\\', "\\\\")
            .replace('%', "\\%")
            .replace('_', "\\_");
        sql.push_str(" AND lower(x.title) LIKE ? ESCAPE '\\'");
        values.push(format!("%{escaped}%").into());
    }
    (sql, values)
}

/// Writes an article's fields (a new one when `id` is `None`) and returns its id, or
/// `None` when the article to update does not exist. A title-made slug that is taken gets
/// the first free `-N`, as WordPress does. A page's path is made from its parent's here,
/// in the transaction, so it cannot go stale.
async fn write_article(
    transaction: &mut Tx,
    id: Option<ArticleId>,
    article: &ValidArticle,
    author_id: Option<UserId>,
    now: OffsetDateTime,
) -> StoreResult<Option<i64>> {
    let parent_path = match (article.kind, article.parent_id) {
        (ArticleKind::Page, Some(parent)) => Some(parent_path(transaction, id, parent).await?),
        _ => None,
    };
    let mut attempt = 1;
    loop {
        let slug = if attempt == 1 {
            article.slug.clone()
        } else {
            article.slug.with_suffix(attempt)
        };
        let page_path = (article.kind == ArticleKind::Page).then(|| match &parent_path {
            Some(parent) => format!("{parent}/{slug}"),
            None => slug.to_string(),
        });
        let write = match id {
            None => statement!(
                "INSERT INTO articles (kind, slug, title, subtitle, excerpt, body_markdown,
                    status, published_at, updated_at, revised_at, author_id, comments_open,
                    sticky, parent_id, page_path)
                 VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
                article.kind.as_str(),
                slug.as_str(),
                &article.title,
                &article.subtitle,
                &article.excerpt,
                &article.body_markdown,
                article.status.as_str(),
                timestamp(article.published_at),
                timestamp(now),
                article.revised_at.map(timestamp),
                author_id.map(|id| id.0),
                article.comments_open,
                article.sticky,
                article.parent_id.map(|id| id.0),
                page_path,
            ),
            Some(id) => statement!(
                "UPDATE articles SET slug = ?, title = ?, subtitle = ?, excerpt = ?,
                    body_markdown = ?, status = ?, published_at = ?, updated_at = ?,
                    revised_at = COALESCE(?, revised_at), comments_open = ?, sticky = ?,
                    parent_id = ?, page_path = ?
                 WHERE id = ? AND kind = ? RETURNING id",
                slug.as_str(),
                &article.title,
                &article.subtitle,
                &article.excerpt,
                &article.body_markdown,
                article.status.as_str(),
                timestamp(article.published_at),
                timestamp(now),
                article.revised_at.map(timestamp),
                article.comments_open,
                article.sticky,
                article.parent_id.map(|id| id.0),
                page_path,
                id.0,
                article.kind.as_str(),
            ),
        };
        match transaction.attempt(write).await {
            Ok(Some(row)) => {
                let id = row.integer("id")?;
                if article.kind == ArticleKind::Article {
                    write_terms(transaction, id, article).await?;
                }
                return Ok(Some(id));
            }
            Ok(None) => return Ok(None),
            Err(StoreError::Conflict { .. }) if article.slug_from_title && attempt < 1000 => {
                attempt += 1
            }
            Err(other) => return Err(other),
        }
    }
}

/// The path of a page's parent, refusing a parent that is not a page or lies under the
/// page itself (a page cannot be its own ancestor): a `Conflict { what: "parent" }`.
async fn parent_path(
    transaction: &mut Tx,
    page: Option<ArticleId>,
    parent: ArticleId,
) -> StoreResult<String> {
    let loop_or_missing = StoreError::Conflict { what: "parent" };
    let Some(row) = transaction
        .fetch_optional(statement!(BY_ID, parent.0))
        .await?
    else {
        return Err(loop_or_missing);
    };
    let parent_page = article_from_row(&row)?;
    let Some(parent_path) = parent_page.page_path else {
        return Err(loop_or_missing);
    };
    if let Some(page) = page {
        let own = transaction
            .fetch_optional(statement!(BY_ID, page.0))
            .await?;
        let own_path = own
            .as_ref()
            .map(article_from_row)
            .transpose()?
            .and_then(|own| own.page_path);
        if page == parent || own_path.is_some_and(|own| parent_path.starts_with(&format!("{own}/")))
        {
            return Err(loop_or_missing);
        }
    }
    Ok(parent_path)
}

/// Replaces an article's sections and tags: the sections in the order given (the first is
/// the primary one; an id that is not a section is passed over), the site's default
/// section when none is left, then the tags, created when new.
async fn write_terms(transaction: &mut Tx, id: i64, article: &ValidArticle) -> StoreResult<()> {
    transaction
        .execute(statement!(
            "DELETE FROM article_terms WHERE article_id = ?",
            id
        ))
        .await?;
    let mut sections = 0;
    for section in &article.sections {
        sections += transaction
            .execute(statement!(
                "INSERT INTO article_terms (article_id, term_id, position, published_at)
                 SELECT ?, id, ?, ? FROM terms WHERE id = ? AND taxonomy = 'section'",
                id,
                sections as i64,
                timestamp(article.published_at),
                section.0,
            ))
            .await?;
    }
    if sections == 0 {
        let default = default_section(transaction).await?;
        transaction
            .execute(statement!(
                "INSERT INTO article_terms (article_id, term_id, position, published_at)
                 VALUES (?, ?, 0, ?)",
                id,
                default.0,
                timestamp(article.published_at),
            ))
            .await?;
    }
    for (position, tag) in article.tags.iter().enumerate() {
        transaction
            .execute(statement!(
                "INSERT INTO terms (taxonomy, slug, name) VALUES ('tag', ?, ?)
                 ON CONFLICT (taxonomy, slug) DO NOTHING",
                tag.slug.as_str(),
                &tag.name,
            ))
            .await?;
        transaction
            .execute(statement!(
                "INSERT INTO article_terms (article_id, term_id, position, published_at)
                 SELECT ?, id, ?, ? FROM terms WHERE taxonomy = 'tag' AND slug = ?",
                id,
                1000 + position as i64,
                timestamp(article.published_at),
                tag.slug.as_str(),
            ))
            .await?;
    }
    Ok(())
}

/// The section an article without one is filed under: the one the settings name, or the
/// oldest section if that one is gone (the migration creates "Uncategorised").
pub(crate) async fn default_section(transaction: &mut Tx) -> StoreResult<TermId> {
    let row = transaction
        .fetch_optional(statement!(
            "SELECT t.id FROM terms t
              WHERE t.taxonomy = 'section'
              ORDER BY CASE WHEN CAST(t.id AS TEXT) =
                  (SELECT value FROM settings WHERE name = 'default_section') THEN 0 ELSE 1 END,
                  t.id
              LIMIT 1"
        ))
        .await?
        .ok_or_else(|| StoreError::Other("no section left to file articles under".into()))?;
    Ok(TermId(row.integer("id")?))
}

/// Moves every page under `old` (`about/…`) to `new` (`company/…`) when a page's path
/// changes.
async fn move_subpages(transaction: &mut Tx, old: &str, new: &str) -> StoreResult<()> {
    let prefix = format!("{old}/");
    transaction
        .execute(statement!(
            "UPDATE articles SET page_path = ? || substr(page_path, CAST(? AS INTEGER))
              WHERE kind = 'page' AND substr(page_path, 1, CAST(? AS INTEGER)) = ?",
            new,
            prefix.chars().count() as i64,
            prefix.chars().count() as i64,
            prefix.as_str(),
        ))
        .await?;
    Ok(())
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
        let mut transaction = self.begin().await?;
        let live_subpages = transaction
            .fetch_one(statement!(
                "SELECT COUNT(*) AS count FROM articles
                  WHERE parent_id = ? AND kind = 'page' AND status <> 'trash'",
                id.0
            ))
            .await?
            .integer("count")?;
        if live_subpages > 0 {
            return Err(StoreError::Conflict { what: "subpages" });
        }
        let trashed = transaction
            .fetch_optional(statement!(
                "UPDATE articles SET status_before_trash = status, status = 'trash',
                    trashed_at = ?
                  WHERE id = ? AND status <> 'trash' RETURNING id",
                timestamp(now),
                id.0
            ))
            .await?;
        let article = match trashed {
            Some(_) => Some(article_from_row(
                &transaction.fetch_one(statement!(BY_ID, id.0)).await?,
            )?),
            None => None,
        };
        transaction.commit().await?;
        Ok(article)
    }

    async fn restore_article(&self, id: ArticleId) -> StoreResult<Option<Article>> {
        let mut transaction = self.begin().await?;
        let parent_in_trash = transaction
            .fetch_one(statement!(
                "SELECT COUNT(*) AS count FROM articles a JOIN articles p ON p.id = a.parent_id
                  WHERE a.id = ? AND p.status = 'trash'",
                id.0
            ))
            .await?
            .integer("count")?;
        if parent_in_trash > 0 {
            return Err(StoreError::Conflict { what: "parent" });
        }
        let restored = transaction
            .fetch_optional(statement!(
                "UPDATE articles SET status = status_before_trash, status_before_trash = NULL,
                    trashed_at = NULL
                  WHERE id = ? AND status = 'trash' RETURNING id",
                id.0
            ))
            .await?;
        let article = match restored {
            Some(_) => Some(article_from_row(
                &transaction.fetch_one(statement!(BY_ID, id.0)).await?,
            )?),
            None => None,
        };
        transaction.commit().await?;
        Ok(article)
    }

    async fn purge_trash(&self, before: OffsetDateTime) -> StoreResult<u64> {
        // A page cannot go to the trash before its subpages, and is purged with those of
        // them that are in the trash too, so no page is left under a parent that is gone.
        let mut transaction = self.begin().await?;
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
            "SELECT t.id, t.taxonomy, t.slug, t.name, t.description, t.parent_id
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
        let mut items = self
            .summaries(statement!(
                WITH_TERM,
                term.0,
                timestamp(now),
                i64::from(page.size) + 1,
                page.offset()
            ))
            .await?;
        let more = items.len() > page.size as usize;
        items.truncate(page.size as usize);
        Ok(Listed { items, more })
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
