//! Articles: writing, editing and publishing them.

use crate::app::App;
use crate::cache::Tag;
use crate::services::site;
use tidings_domain::article::{ArticleInput, InvalidArticle};
use tidings_domain::editorial;
use tidings_domain::{Article, ArticleId, ArticleKind, RevisionId, Taxonomy, UserId};
use tidings_store::StoreError;

#[derive(Debug, thiserror::Error)]
pub enum ArticleError {
    #[error(transparent)]
    Invalid(#[from] InvalidArticle),
    #[error("no such article")]
    NotFound,
    /// Someone saved the article after this editor opened it: their save is refused, not
    /// written over it (two tabs, two editors).
    #[error("edited by {by} at {at} since you opened it")]
    EditedSince {
        by: String,
        at: time::OffsetDateTime,
    },
    #[error(transparent)]
    Store(StoreError),
}

impl ArticleError {
    /// A store error as the editor explains it: the clashes a save can meet are messages
    /// beside their fields.
    fn from_store(error: StoreError, kind: ArticleKind) -> Self {
        let field = |field, message: &str| {
            ArticleError::Invalid(InvalidArticle {
                fields: vec![(field, message.to_owned())],
            })
        };
        match (error, kind) {
            // Only a slug the editor typed can clash; title-made slugs get a free `-N`.
            (StoreError::Conflict { what: "slug" }, ArticleKind::Article) => {
                field("slug", "Another article already uses this slug.")
            }
            (StoreError::Conflict { what: "slug" }, ArticleKind::Page) => field(
                "slug",
                "Another page under the same parent already uses this slug.",
            ),
            (StoreError::Conflict { what: "parent" }, _) => field(
                "parent",
                "That parent page is missing, or lies under this page: a page cannot be its \
                 own ancestor.",
            ),
            (other, _) => ArticleError::Store(other),
        }
    }
}

impl From<StoreError> for ArticleError {
    fn from(error: StoreError) -> Self {
        ArticleError::Store(error)
    }
}

pub async fn create_article(
    app: &App,
    input: ArticleInput,
    author_id: Option<UserId>,
) -> Result<Article, ArticleError> {
    let now = app.now();
    let mut article = input.validate(now)?;
    article.saved_by = author_id;
    let kind = article.kind;
    let article = app
        .store
        .insert_article(&article, author_id, now)
        .await
        .map_err(|error| ArticleError::from_store(error, kind))?;
    site::pages_changed(app, &[Tag::Article(article.id), Tag::Lists]).await?;
    Ok(article)
}

/// Who saves an article, and from which revision they started.
#[derive(Clone, Copy, Debug, Default)]
pub struct Saving {
    pub by: Option<UserId>,
    /// The newest revision when the editor opened it; `None` overwrites whatever came
    /// between.
    pub based_on: Option<RevisionId>,
}

pub async fn update_article(
    app: &App,
    id: ArticleId,
    input: ArticleInput,
    saving: Saving,
) -> Result<Article, ArticleError> {
    let now = app.now();
    let before = app
        .store
        .article_by_id(id)
        .await?
        .ok_or(ArticleError::NotFound)?;
    let mut article = ArticleInput {
        kind: Some(before.kind),
        ..input
    }
    .validate(now)?;
    if before.is_revised_by(&article, now) {
        article.revised_at = Some(now);
    }
    article.saved_by = saving.by;
    article.based_on = saving.based_on;
    let article = match app.store.update_article(id, &article, now).await {
        Err(StoreError::Conflict { what: "revision" }) => {
            let revisions = app.store.revisions(id).await?;
            let newest = revisions.iter().find(|revision| !revision.autosave);
            return Err(ArticleError::EditedSince {
                by: newest
                    .and_then(|revision| revision.author_name.clone())
                    .unwrap_or_else(|| "someone".into()),
                at: newest.map_or(now, |revision| revision.created_at),
            });
        }
        saved => saved
            .map_err(|error| ArticleError::from_store(error, before.kind))?
            .ok_or(ArticleError::NotFound)?,
    };
    // Its page under any old address, and every list that showed it.
    site::pages_changed(app, &[Tag::Article(article.id), Tag::Lists]).await?;
    Ok(article)
}

/// Why an article could not go to the trash or come back from it.
#[derive(Debug, thiserror::Error)]
pub enum TrashError {
    #[error("no such article, or not where the action expects it")]
    NotFound,
    #[error("{0}")]
    Refused(&'static str),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Moves an article or page to the trash: off the site at once, restorable for 30 days.
pub async fn trash_article(app: &App, id: ArticleId) -> Result<Article, TrashError> {
    match app.store.trash_article(id, app.now()).await {
        Ok(Some(article)) => {
            site::pages_changed(app, &[Tag::Article(article.id), Tag::Lists]).await?;
            Ok(article)
        }
        Ok(None) => Err(TrashError::NotFound),
        Err(StoreError::Conflict { .. }) => Err(TrashError::Refused(
            "This page has subpages: move them or put them in the trash first.",
        )),
        Err(other) => Err(other.into()),
    }
}

/// Gives a trashed article back the state it had.
pub async fn restore_article(app: &App, id: ArticleId) -> Result<Article, TrashError> {
    match app.store.restore_article(id).await {
        Ok(Some(article)) => {
            site::pages_changed(app, &[Tag::Article(article.id), Tag::Lists]).await?;
            Ok(article)
        }
        Ok(None) => Err(TrashError::NotFound),
        Err(StoreError::Conflict { .. }) => Err(TrashError::Refused(
            "Its parent page is in the trash: restore the parent first.",
        )),
        Err(other) => Err(other.into()),
    }
}

/// The editorial checks of a body (see `tidings_domain::editorial`), with its internal links
/// resolved against the site: a link to an article that does not exist, or to an address
/// the site does not serve, is flagged.
pub async fn editorial_warnings(
    app: &App,
    body_markdown: &str,
    excerpt: Option<&str>,
) -> Result<Vec<editorial::Warning>, StoreError> {
    let mut warnings = editorial::check(body_markdown, excerpt);
    let base = app.config.base_url();
    let host = url::Url::parse(&base)
        .ok()
        .and_then(|url| url.host_str().map(str::to_owned))
        .unwrap_or_default();
    for path in editorial::internal_links(body_markdown, &host) {
        if !leads_somewhere(app, &path).await? {
            warnings.push(editorial::broken_link(&path));
        }
    }
    Ok(warnings)
}

/// Whether `path` is an address the public site answers: a fixed one, a static file's
/// folder, or an article's permalink (and the pages under it).
async fn leads_somewhere(app: &App, path: &str) -> Result<bool, StoreError> {
    const FIXED: &[&str] = &["/", "/feed/", "/comments/feed/", "/robots.txt"];
    if FIXED.contains(&path) || path.starts_with("/static/") || path.starts_with("/page/") {
        return Ok(true);
    }
    let now = app.now();
    let trimmed = path.trim_matches('/');
    if let Some(page) = app.store.page_by_path(trimmed).await?
        && page.is_public(now)
    {
        return Ok(true);
    }
    let parts: Vec<&str> = trimmed.split('/').collect();
    if let [base, slug] = parts.as_slice()
        && let Some(taxonomy) = [Taxonomy::Section, Taxonomy::Tag]
            .into_iter()
            .find(|taxonomy| taxonomy.base() == *base)
    {
        return Ok(app.store.term_by_slug(taxonomy, slug).await?.is_some());
    }
    if let ["author", slug] = parts.as_slice() {
        return Ok(app.store.author_by_slug(slug).await?.is_some());
    }
    let [year, month, slug, ..] = parts.as_slice() else {
        return Ok(false);
    };
    let Some(article) = app.store.article_by_slug(slug).await? else {
        return Ok(false);
    };
    let permalink = article.permalink();
    Ok(permalink == format!("/{year}/{month}/{slug}/") && article.is_public(now))
}
