//! An article's revisions compared word by word and restored, the editor's autosave, and
//! correction notes.

use crate::app::App;
use crate::render::views::admin::RevisionsPage;
use crate::services::revisions::{self, CorrectionError};
use crate::web::error::AppError;
use crate::web::extract::{Admin, AdminForm};
use crate::web::public::redirect;
use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use tidings_domain::revision::{RevisionText, compare};
use tidings_domain::{CorrectionId, RevisionId};

use super::articles::{changeable, editor, editor_values, find_article, revision_row};
use super::{chrome, query_value, render, url_encode};
use crate::render::views::human_date_time;
use crate::services::articles::ArticleError;

/// `?from=A&to=B` compares two revisions; by default the newest with the one before it.
pub async fn show_revisions(
    State(app): State<App>,
    admin: Admin,
    Path(id): Path<String>,
    RawQuery(query): RawQuery,
) -> Result<Response, AppError> {
    let article = changeable(&app, &admin, &id).await?;
    let revisions = app.store.revisions(article.id).await?;
    let chosen = |name: &str| {
        query_value(&query, name)
            .and_then(|value| value.parse::<i64>().ok())
            .filter(|id| revisions.iter().any(|revision| revision.id.0 == *id))
            .map(RevisionId)
    };
    let saved: Vec<_> = revisions.iter().filter(|r| !r.autosave).collect();
    let to = chosen("to").or_else(|| saved.first().map(|revision| revision.id));
    let from = chosen("from").or_else(|| saved.get(1).map(|revision| revision.id));
    let load = |id: Option<RevisionId>| {
        let app = app.clone();
        async move {
            match id {
                Some(id) => app.store.revision(id).await,
                None => Ok(None),
            }
        }
    };
    let (from, to) = (load(from).await?, load(to).await?);
    let fields = match (&from, &to) {
        (Some(from), Some(to)) => compare(&from.text, &to.text),
        (None, Some(to)) => compare(&RevisionText::default(), &to.text),
        _ => Vec::new(),
    };
    let page = RevisionsPage {
        chrome: chrome(&app, &admin, "articles", query_value(&query, "notice")).await?,
        id: article.id.0,
        title: article.title.clone(),
        revisions: revisions.iter().map(revision_row).collect(),
        from: from.as_ref().map(revision_row),
        to: to.as_ref().map(revision_row),
        fields,
    };
    render(&app, StatusCode::OK, "admin/revisions.html", page)
}

pub async fn restore_revision(
    State(app): State<App>,
    Path((id, revision)): Path<(String, String)>,
    AdminForm { admin, form: _ }: AdminForm,
) -> Result<Response, AppError> {
    let article = changeable(&app, &admin, &id).await?;
    let revision = revision
        .parse::<i64>()
        .map(RevisionId)
        .map_err(|_| AppError::NotFound)?;
    match revisions::restore_revision(&app, &admin.user, &article, revision).await {
        Ok(restored) => Ok(redirect(
            StatusCode::SEE_OTHER,
            &format!(
                "/admin/articles/{}?notice={}",
                restored.id,
                url_encode("The revision is restored; the text it replaced is a revision too.")
            ),
        )),
        Err(ArticleError::NotFound) => Err(AppError::NotFound),
        Err(ArticleError::Forbidden(refused)) => Err(refused.into()),
        Err(ArticleError::Store(error)) => Err(error.into()),
        Err(other) => Err(AppError::Conflict(other.to_string())),
    }
}

/// Called by the editor's script every minute while someone types: keeps their text as
/// their autosave and answers with the time, for the line under the form.
pub async fn autosave(
    State(app): State<App>,
    Path(id): Path<String>,
    AdminForm { admin, form }: AdminForm,
) -> Result<Response, AppError> {
    let article = changeable(&app, &admin, &id).await?;
    let text = RevisionText {
        title: form.get("title").to_owned(),
        subtitle: form.get("subtitle").to_owned(),
        excerpt: form.get("excerpt").to_owned(),
        body_markdown: form.get("body").to_owned(),
    };
    if text.body_markdown.len() > tidings_domain::article::MAX_BODY_BYTES {
        return Err(AppError::PayloadTooLarge);
    }
    let saved = match revisions::autosave(&app, &admin.user, article.id, text).await {
        Ok(Some(saved)) => saved,
        Ok(None) | Err(ArticleError::NotFound) => return Err(AppError::NotFound),
        Err(ArticleError::Forbidden(refused)) => return Err(refused.into()),
        Err(ArticleError::Store(error)) => return Err(error.into()),
        Err(other) => return Err(AppError::Conflict(other.to_string())),
    };
    Ok((
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static("text/plain; charset=utf-8"),
            ),
            (header::CACHE_CONTROL, HeaderValue::from_static("no-store")),
        ],
        format!("Autosaved at {}.", human_date_time(saved.created_at)),
    )
        .into_response())
}

pub async fn add_correction(
    State(app): State<App>,
    Path(id): Path<String>,
    AdminForm { admin, form }: AdminForm,
) -> Result<Response, AppError> {
    let article = find_article(&app, &id).await?;
    let typed = form.get("correction");
    match revisions::add_correction(&app, &admin.user, article.id, typed).await {
        Ok(_) => Ok(redirect(
            StatusCode::SEE_OTHER,
            &format!(
                "/admin/articles/{}?notice={}",
                article.id,
                url_encode("The correction is published at the end of the article.")
            ),
        )),
        Err(CorrectionError::Invalid(message)) => {
            let mut values = editor_values(&app, &article).await?;
            values.correction = typed.to_owned();
            let errors = vec![("correction".to_owned(), message)];
            let status = StatusCode::UNPROCESSABLE_ENTITY;
            editor(&app, &admin, status, Some(&article), values, errors, None).await
        }
        Err(CorrectionError::NotFound) => Err(AppError::NotFound),
        Err(CorrectionError::Forbidden(refused)) => Err(refused.into()),
        Err(CorrectionError::Store(error)) => Err(error.into()),
    }
}

pub async fn delete_correction(
    State(app): State<App>,
    Path(id): Path<String>,
    AdminForm { admin, form }: AdminForm,
) -> Result<Response, AppError> {
    let id = id
        .parse::<i64>()
        .map(CorrectionId)
        .map_err(|_| AppError::NotFound)?;
    match revisions::delete_correction(&app, &admin.user, id).await {
        Ok(()) => {
            let back = form.get("article");
            let target = match back.parse::<i64>() {
                Ok(article) => format!(
                    "/admin/articles/{article}?notice={}",
                    url_encode("The correction is removed.")
                ),
                Err(_) => "/admin/articles".to_owned(),
            };
            Ok(redirect(StatusCode::SEE_OTHER, &target))
        }
        Err(CorrectionError::NotFound) => Err(AppError::NotFound),
        Err(CorrectionError::Invalid(message)) => Err(AppError::BadRequest(message)),
        Err(CorrectionError::Forbidden(refused)) => Err(refused.into()),
        Err(CorrectionError::Store(error)) => Err(error.into()),
    }
}
