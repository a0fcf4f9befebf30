//! Articles: writing, editing and publishing them.

use crate::app::App;
use crate::cache::Tag;
use crate::services::site;
use tidings_domain::article::{ArticleInput, InvalidArticle};
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
