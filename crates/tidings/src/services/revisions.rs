//! Revisions (restoring one, autosaving) and corrections.

use crate::app::App;
use crate::cache::Tag;
use crate::services::access::{self, Forbidden};
use crate::services::articles::{self, ArticleError};
use crate::services::site;
use tidings_domain::article::ArticleInput;
use tidings_domain::correction::{self, Correction};
use tidings_domain::revision::{Revision, RevisionText};
use tidings_domain::{Article, ArticleId, Capability, CorrectionId, RevisionId, Taxonomy, User};
use tidings_store::StoreError;

/// Makes a revision's text the article's again, keeping everything else (state, date,
/// sections); the restore is itself a new revision, so it can be undone the same way.
pub async fn restore_revision(
    app: &App,
    actor: &User,
    article: &Article,
    revision: RevisionId,
) -> Result<Article, ArticleError> {
    let revision = app
        .store
        .revision(revision)
        .await?
        .filter(|revision| revision.article_id == article.id)
        .ok_or(ArticleError::NotFound)?;
    let terms = app.store.article_terms(article.id).await?;
    let (sections, tags): (Vec<_>, Vec<_>) = terms
        .into_iter()
        .partition(|term| term.taxonomy == Taxonomy::Section);
    let input = ArticleInput {
        kind: Some(article.kind),
        title: revision.text.title,
        slug: article.slug.to_string(),
        subtitle: revision.text.subtitle,
        excerpt: revision.text.excerpt,
        body_markdown: revision.text.body_markdown,
        status: Some(article.status),
        published_at: Some(article.published_at),
        comments_open: article.comments_open,
        sticky: article.sticky,
        parent_id: article.parent_id,
        sections: sections.into_iter().map(|term| term.id).collect(),
        tags: tags.into_iter().map(|term| term.name).collect(),
        // The byline and the featured image are not part of a revision: they stay.
        authors: Vec::new(),
        featured_image: article
            .featured_image
            .as_ref()
            .map(|address| address.path())
            .unwrap_or_default(),
        featured_image_alt: article.featured_image_alt.clone(),
    };
    articles::update_article_as(app, actor, article.id, input, None).await
}

/// Keeps what an editor has typed but not saved; `None` when the article is gone.
pub async fn autosave(
    app: &App,
    actor: &User,
    article: ArticleId,
    text: RevisionText,
) -> Result<Option<Revision>, ArticleError> {
    articles::may_change(app, actor, article).await?;
    let text = RevisionText {
        title: tidings_domain::text::clean_line(&text.title),
        subtitle: tidings_domain::text::clean_line(&text.subtitle),
        excerpt: tidings_domain::text::clean_text(text.excerpt.trim()),
        body_markdown: tidings_domain::text::clean_text(&text.body_markdown),
    };
    Ok(app
        .store
        .autosave(article, actor.id, &text, app.now())
        .await?)
}

#[derive(Debug, thiserror::Error)]
pub enum CorrectionError {
    /// The message shown beside the field.
    #[error("{0}")]
    Invalid(String),
    #[error("no such article")]
    NotFound,
    #[error(transparent)]
    Forbidden(#[from] Forbidden),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Adds a dated correction note to an article; the article shows "Updated" from then on.
pub async fn add_correction(
    app: &App,
    actor: &User,
    article: ArticleId,
    typed: &str,
) -> Result<Correction, CorrectionError> {
    access::require(actor, Capability::EditOthers)?;
    let by = actor.id;
    let body = correction::check_note(typed).map_err(CorrectionError::Invalid)?;
    let note = app
        .store
        .add_correction(article, &body, Some(by), app.now())
        .await?
        .ok_or(CorrectionError::NotFound)?;
    site::pages_changed(app, &[Tag::Article(article), Tag::Lists, Tag::Headlines]).await?;
    Ok(note)
}

pub async fn delete_correction(
    app: &App,
    actor: &User,
    id: CorrectionId,
) -> Result<(), CorrectionError> {
    access::require(actor, Capability::EditOthers)?;
    let article = app
        .store
        .delete_correction(id)
        .await?
        .ok_or(CorrectionError::NotFound)?;
    site::pages_changed(app, &[Tag::Article(article), Tag::Lists, Tag::Headlines]).await?;
    Ok(())
}
