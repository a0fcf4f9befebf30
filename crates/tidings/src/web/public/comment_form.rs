//! A reader posting the comment form: saved, held, refused with the text kept, or shown
//! again with what to fix.

use super::{ArticleExtras, PRIVATE, article_page_html, html, redirect, reply_target};
use crate::app::App;
use crate::render::views::{FormErrors, FormValues};
use crate::services::comments::{self, Commenter, FormExtras, Problem, SubmitError, SubmitOutcome};
use crate::services::notify::SubscribeTo;
use crate::services::site;
use crate::web::error::AppError;
use crate::web::extract::FormFields;
use axum::extract::State;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::Response;
use tidings_domain::{ArticleId, CommentStatus, RawSubmission};
use tidings_store::StoreError;

const TEXT_KEPT: &str = "Your comment was not saved; its text is below so you can keep it.";

pub async fn post_comment(
    State(app): State<App>,
    commenter: Commenter,
    form: FormFields,
) -> Result<Response, AppError> {
    let raw = RawSubmission {
        article_id: form.get("comment_post_ID").to_owned(),
        parent_id: form.get("comment_parent").to_owned(),
        author_name: form.get("author").to_owned(),
        author_email: form.get("email").to_owned(),
        author_url: form.get("url").to_owned(),
        content: form.get("comment").to_owned(),
    };
    let extras = FormExtras {
        honeypot: form.get(HONEYPOT_FIELD).to_owned(),
        challenge: form.get("tidings_challenge").to_owned(),
        answer: form.get("tidings_answer").to_owned(),
        subscribe: SubscribeTo::parse(form.get("subscribe")),
    };
    let outcome = comments::submit_comment(&app, &raw, &extras, &commenter).await;
    let (article, problem) = match outcome {
        Ok(SubmitOutcome::Accepted {
            article,
            comment_id,
            created_at,
            status,
            settings,
        }) => {
            // The author's signed link, when there is something only they may see: their
            // waiting comment, or the link that edits it.
            let target = if status == CommentStatus::Approved && settings.edit_window_minutes == 0 {
                comments::comment_address(&app, &settings, &article, comment_id).await?
            } else {
                comments::pending_link(&app, &settings, &article, comment_id, created_at)
            };
            return Ok(redirect(StatusCode::SEE_OTHER, &target));
        }
        Ok(SubmitOutcome::Rejected { article, problem }) => (article, problem),
        Err(SubmitError::NoSuchArticle) => {
            return Err(AppError::GoneWithText {
                message: format!(
                    "The article you commented on does not exist or is not published. {TEXT_KEPT}"
                ),
                kept_text: raw.content,
            });
        }
        Err(SubmitError::Closed(_)) => {
            return Err(AppError::Forbidden {
                message: format!("Comments are closed on this article. {TEXT_KEPT}"),
                kept_text: Some(raw.content),
            });
        }
        // Nothing could be stored (the database is down, or its disk is full): the article
        // again with the comment in the form, so the reader can post it in a moment.
        Err(SubmitError::Store(error @ (StoreError::Unavailable(_) | StoreError::Full(_)))) => {
            return unsaved_comment(&app, &raw, &form, error).await;
        }
        Err(SubmitError::Store(error)) => return Err(error.into()),
    };
    let (status, errors) = match &problem {
        Problem::Fields(errors) => (
            StatusCode::UNPROCESSABLE_ENTITY,
            FormErrors::from_fields(errors),
        ),
        Problem::TooFast { seconds } => (
            StatusCode::TOO_MANY_REQUESTS,
            FormErrors::general(format!(
                "You are posting comments too quickly. Please wait {seconds} seconds between comments, then post again; your comment is still in the form."
            )),
        ),
        Problem::TooMany => (
            StatusCode::TOO_MANY_REQUESTS,
            FormErrors::general(
                "You have posted as many comments as this site accepts from one address in an hour. Please try again later; your comment is still in the form.",
            ),
        ),
        Problem::Duplicate => (
            StatusCode::CONFLICT,
            FormErrors::general(
                "Duplicate comment detected; it looks as though you’ve already said that!",
            ),
        ),
    };
    // Keep answering the same comment, unless that comment is the problem.
    let reply_to = match &problem {
        Problem::Fields(errors) if errors.get("comment_parent").is_some() => None,
        _ => reply_target(&app, &article, &raw.parent_id).await?,
    };
    let values = FormValues {
        comment: raw.content,
        author: raw.author_name,
        email: raw.author_email,
        url: raw.author_url,
        subscribe: form.get("subscribe").to_owned(),
        remember: form.checked("wp-comment-cookies-consent"),
    };
    let settings = site::discussion_settings(&app).await?;
    let body = article_page_html(
        &app,
        &article,
        &settings,
        ArticleExtras {
            reply_to: reply_to.as_ref(),
            ..ArticleExtras::default()
        },
        values,
        errors,
    )
    .await?;
    let mut response = html(status, body, PRIVATE);
    match problem {
        Problem::TooFast { seconds } => {
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(seconds));
        }
        Problem::TooMany => {
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(3600));
        }
        _ => {}
    }
    Ok(response)
}

/// The answer to a comment the site could not store for now: 503 with `Retry-After`, the
/// article with the comment still in its form when the article can be read, and otherwise
/// the error page with the comment's text.
async fn unsaved_comment(
    app: &App,
    raw: &RawSubmission,
    form: &FormFields,
    error: StoreError,
) -> Result<Response, AppError> {
    let kept = |error: StoreError| match AppError::from(error) {
        AppError::StorageFull(_) | AppError::Unavailable(_) => AppError::UnavailableWithText {
            kept_text: raw.content.clone(),
        },
        other => other,
    };
    tracing::warn!(%error, "a comment could not be stored; it was shown back to its author");
    let article_id = raw.article_id.trim().parse::<i64>().unwrap_or(0);
    let article = match app.store.article_by_id(ArticleId(article_id)).await {
        Ok(Some(article)) if article.is_public(app.now()) => article,
        Ok(_) => return Err(kept(error)),
        Err(_) => return Err(kept(error)),
    };
    let settings = match site::discussion_settings(app).await {
        Ok(settings) => settings,
        Err(_) => return Err(kept(error)),
    };
    let values = FormValues {
        comment: raw.content.clone(),
        author: raw.author_name.clone(),
        email: raw.author_email.clone(),
        url: raw.author_url.clone(),
        subscribe: form.get("subscribe").to_owned(),
        remember: form.checked("wp-comment-cookies-consent"),
    };
    let errors = FormErrors::general(
        "Your comment could not be saved just now: the site cannot store anything for the moment. It is still in the form below; please post it again in a minute.",
    );
    let body = match article_page_html(
        app,
        &article,
        &settings,
        ArticleExtras::default(),
        values,
        errors,
    )
    .await
    {
        Ok(body) => body,
        Err(_) => return Err(kept(error)),
    };
    let mut response = html(StatusCode::SERVICE_UNAVAILABLE, body, PRIVATE);
    response.headers_mut().insert(
        header::RETRY_AFTER,
        HeaderValue::from_static(crate::web::error::RETRY_UNAVAILABLE),
    );
    Ok(response)
}

/// The name of the field people never see and bots fill in.
pub const HONEYPOT_FIELD: &str = "tidings_homepage";
