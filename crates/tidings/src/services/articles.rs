//! Articles: writing, editing and publishing them.

use crate::app::App;
use crate::cache::Tag;
use crate::services::site;
use tidings_domain::article::{ArticleInput, InvalidArticle};
use tidings_domain::editorial;
use tidings_domain::{Article, ArticleId, UserId};
use tidings_store::StoreError;

#[derive(Debug, thiserror::Error)]
pub enum ArticleError {
    #[error(transparent)]
    Invalid(#[from] InvalidArticle),
    #[error("no such article")]
    NotFound,
    #[error(transparent)]
    Store(StoreError),
}

impl From<StoreError> for ArticleError {
    fn from(error: StoreError) -> Self {
        match error {
            // Only a slug the editor typed can clash; title-made slugs get a free `-N`.
            StoreError::Conflict { what: "slug" } => ArticleError::Invalid(InvalidArticle {
                fields: vec![("slug", "Another article already uses this slug.".into())],
            }),
            other => ArticleError::Store(other),
        }
    }
}

pub async fn create_article(
    app: &App,
    input: ArticleInput,
    author_id: Option<UserId>,
) -> Result<Article, ArticleError> {
    let now = app.now();
    let article = input.validate(now)?;
    let article = app.store.insert_article(&article, author_id, now).await?;
    site::pages_changed(app, &[Tag::Article(article.id), Tag::Lists]).await?;
    Ok(article)
}

pub async fn update_article(
    app: &App,
    id: ArticleId,
    input: ArticleInput,
) -> Result<Article, ArticleError> {
    let now = app.now();
    let article = input.validate(now)?;
    let article = app
        .store
        .update_article(id, &article, now)
        .await?
        .ok_or(ArticleError::NotFound)?;
    // Its page under any old address, and every list that showed it.
    site::pages_changed(app, &[Tag::Article(article.id), Tag::Lists]).await?;
    Ok(article)
}

/// The editorial checks of a body (see `tidings_domain::editorial`), with its internal links
/// resolved against the site: a link to an article that does not exist, or to an address
/// the site does not serve, is flagged.
pub async fn editorial_warnings(
    app: &App,
    body_markdown: &str,
) -> Result<Vec<editorial::Warning>, StoreError> {
    let mut warnings = editorial::check(body_markdown, None);
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
    let parts: Vec<&str> = path.trim_matches('/').split('/').collect();
    let [year, month, slug, ..] = parts.as_slice() else {
        return Ok(false);
    };
    let Some(article) = app.store.article_by_slug(slug).await? else {
        return Ok(false);
    };
    let permalink = article.permalink();
    Ok(permalink == format!("/{year}/{month}/{slug}/") && article.is_public(app.now()))
}
