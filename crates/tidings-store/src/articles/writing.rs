//! Writing an article or page: its fields, a page's path under its parent, its sections
//! and tags. Every statement here is the same in both dialects.

use super::BY_ID;
use crate::database::{Tx, statement};
use crate::rows::{Columns, article_from_row, timestamp};
use crate::{StoreError, StoreResult};
use tidings_domain::article::ValidArticle;
use tidings_domain::{ArticleId, ArticleKind, MediaAddress, RevisionId, TermId, UserId};
use time::OffsetDateTime;

/// Writes an article's fields (a new one when `id` is `None`) and returns its id, or
/// `None` when the article to update does not exist. A title-made slug that is taken gets
/// the first free `-N`, as WordPress does. A page's path is made from its parent's here,
/// in the transaction, so it cannot go stale.
pub(super) async fn write_article(
    transaction: &mut Tx,
    id: Option<ArticleId>,
    article: &ValidArticle,
    author_id: Option<UserId>,
    now: OffsetDateTime,
) -> StoreResult<Option<i64>> {
    if let (Some(id), Some(base)) = (id, article.based_on) {
        refuse_if_edited_since(transaction, id, base).await?;
    }
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
        let featured_image = article
            .featured_image
            .as_ref()
            .map(MediaAddress::path)
            .unwrap_or_default();
        let write = match id {
            None => statement!(
                "INSERT INTO articles (kind, slug, title, subtitle, excerpt, body_markdown,
                    status, published_at, updated_at, revised_at, author_id, comments_open,
                    sticky, parent_id, page_path, featured_image, featured_image_alt)
                 VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
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
                featured_image.clone(),
                &article.featured_image_alt,
            ),
            Some(id) => statement!(
                "UPDATE articles SET slug = ?, title = ?, subtitle = ?, excerpt = ?,
                    body_markdown = ?, status = ?, published_at = ?, updated_at = ?,
                    revised_at = COALESCE(?, revised_at), comments_open = ?, sticky = ?,
                    parent_id = ?, page_path = ?, featured_image = ?, featured_image_alt = ?
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
                featured_image,
                &article.featured_image_alt,
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
                let authors = match (&article.authors[..], author_id) {
                    ([], Some(writer)) => vec![writer],
                    (authors, _) => authors.to_vec(),
                };
                write_authors(transaction, id, &authors).await?;
                record_revision(transaction, id, article, now).await?;
                crate::search::index_article(transaction, id).await?;
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

/// Replaces an article's byline with `authors`, in order (nothing when empty: it keeps
/// the one it has); the first is also `articles.author_id`, WordPress's one author.
async fn write_authors(transaction: &mut Tx, id: i64, authors: &[UserId]) -> StoreResult<()> {
    let Some(first) = authors.first() else {
        return Ok(());
    };
    transaction
        .execute(statement!(
            "DELETE FROM article_authors WHERE article_id = ?",
            id
        ))
        .await?;
    for (position, author) in authors.iter().enumerate() {
        transaction
            .execute(statement!(
                "INSERT INTO article_authors (article_id, user_id, position)
                 SELECT ?, id, ? FROM users WHERE id = ?",
                id,
                position as i64,
                author.0
            ))
            .await?;
    }
    transaction
        .execute(statement!(
            "UPDATE articles SET author_id = ? WHERE id = ?
                AND EXISTS (SELECT 1 FROM users WHERE id = ?)",
            first.0,
            id,
            first.0
        ))
        .await?;
    Ok(())
}

/// A save based on an older revision than the newest one is a `Conflict { what:
/// "revision" }`: someone (or the same editor in another tab) saved in between. Saves of
/// one article are serialised while this is checked.
async fn refuse_if_edited_since(
    transaction: &mut Tx,
    id: ArticleId,
    base: RevisionId,
) -> StoreResult<()> {
    transaction.serialize_on(&format!("article {id}")).await?;
    let latest = transaction
        .fetch_one(statement!(
            "SELECT MAX(id) AS latest FROM article_revisions
              WHERE article_id = ? AND autosave = FALSE",
            id.0
        ))
        .await?
        .optional_integer("latest")?;
    if latest.is_some_and(|latest| latest > base.0) {
        return Err(StoreError::Conflict { what: "revision" });
    }
    Ok(())
}

/// Keeps the text just saved as a revision, unless it is the text of the newest one (a
/// save that changed only the sections, say); the saver's autosave is spent.
async fn record_revision(
    transaction: &mut Tx,
    id: i64,
    article: &ValidArticle,
    now: OffsetDateTime,
) -> StoreResult<()> {
    if let Some(saver) = article.saved_by {
        transaction
            .execute(statement!(
                "DELETE FROM article_revisions
                  WHERE article_id = ? AND autosave = TRUE AND author_id = ?",
                id,
                saver.0
            ))
            .await?;
    }
    let newest = transaction
        .fetch_optional(statement!(
            "SELECT title, subtitle, excerpt, body_markdown FROM article_revisions
              WHERE article_id = ? AND autosave = FALSE ORDER BY id DESC LIMIT 1",
            id
        ))
        .await?;
    if let Some(newest) = newest
        && newest.text("title")? == article.title
        && newest.text("subtitle")? == article.subtitle
        && newest.text("excerpt")? == article.excerpt
        && newest.text("body_markdown")? == article.body_markdown
    {
        return Ok(());
    }
    transaction
        .execute(statement!(
            "INSERT INTO article_revisions (article_id, author_id, created_at, autosave, title,
                subtitle, excerpt, body_markdown)
             VALUES (?, ?, ?, FALSE, ?, ?, ?, ?)",
            id,
            article.saved_by.map(|user| user.0),
            timestamp(now),
            &article.title,
            &article.subtitle,
            &article.excerpt,
            &article.body_markdown,
        ))
        .await?;
    Ok(())
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
    default_section_from(
        transaction
            .fetch_optional(statement!(DEFAULT_SECTION))
            .await?,
    )
}

pub(crate) const DEFAULT_SECTION: &str = "SELECT t.id FROM terms t
      WHERE t.taxonomy = 'section'
      ORDER BY CASE WHEN CAST(t.id AS TEXT) =
          (SELECT value FROM settings WHERE name = 'default_section') THEN 0 ELSE 1 END,
          t.id
      LIMIT 1";

/// The default section from the row `DEFAULT_SECTION` read, in a transaction or not.
pub(crate) fn default_section_from(row: Option<crate::database::Row>) -> StoreResult<TermId> {
    let row =
        row.ok_or_else(|| StoreError::Other("no section left to file articles under".into()))?;
    Ok(TermId(row.integer("id")?))
}

/// Moves every page under `old` (`about/…`) to `new` (`company/…`) when a page's path
/// changes.
pub(super) async fn move_subpages(transaction: &mut Tx, old: &str, new: &str) -> StoreResult<()> {
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
