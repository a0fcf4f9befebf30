//! One comment: a moderator corrects it, or answers it from the queue.

use crate::app::App;
use crate::render::views::admin::CommentEditPage;
use crate::services::access;
use crate::services::comments::{self};
use crate::web::error::AppError;
use crate::web::extract::Admin;
use crate::web::public::redirect;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use tidings_domain::Capability;
use tidings_domain::CommentId;
use tidings_domain::RawSubmission;

use super::{chrome, render};
use crate::web::extract::AdminForm;

async fn find_comment(app: &App, id: &str) -> Result<tidings_domain::Comment, AppError> {
    let id = id.parse::<i64>().map_err(|_| AppError::NotFound)?;
    app.store
        .comment_by_id(CommentId(id))
        .await?
        .ok_or(AppError::NotFound)
}

async fn comment_edit_page(
    app: &App,
    admin: &Admin,
    comment: &tidings_domain::Comment,
    values: (String, String, String, String),
    error: Option<String>,
) -> Result<CommentEditPage, AppError> {
    let article = app.store.article_by_id(comment.article_id).await?;
    let (author, email, url, content) = values;
    Ok(CommentEditPage {
        chrome: chrome(app, admin, "comments", None).await?,
        id: comment.id.0,
        article_title: article.as_ref().map_or(String::new(), |a| a.title.clone()),
        article_url: article.as_ref().map_or(String::new(), |a| a.permalink()),
        status: comment.status.as_str(),
        author,
        email,
        url,
        content,
        error,
    })
}

pub async fn edit_comment(
    State(app): State<App>,
    admin: Admin,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    access::require(&admin.user, Capability::ModerateComments)?;
    let comment = find_comment(&app, &id).await?;
    let values = (
        comment.author_name.clone(),
        comment.author_email.clone(),
        comment.author_url.clone(),
        comment.content.clone(),
    );
    let page = comment_edit_page(&app, &admin, &comment, values, None).await?;
    render(&app, StatusCode::OK, "admin/comment_edit.html", page)
}

pub async fn update_comment(
    State(app): State<App>,
    Path(id): Path<String>,
    AdminForm { admin, form }: AdminForm,
) -> Result<Response, AppError> {
    let comment = find_comment(&app, &id).await?;
    let raw = RawSubmission {
        article_id: comment.article_id.0.to_string(),
        parent_id: String::new(),
        author_name: form.get("author").to_owned(),
        author_email: form.get("email").to_owned(),
        author_url: form.get("url").to_owned(),
        content: form.get("comment").to_owned(),
    };
    match comments::edit_by_moderator(&app, &admin.user, &comment, &raw).await? {
        Ok(()) => Ok(redirect(
            StatusCode::SEE_OTHER,
            &format!(
                "/admin/comments?status={}&notice=Comment%20updated.",
                comment.status.as_str()
            ),
        )),
        Err(errors) => {
            let message = ["comment", "author", "email", "url"]
                .iter()
                .filter_map(|field| errors.get(field))
                .collect::<Vec<_>>()
                .join(" ");
            let values = (
                raw.author_name,
                raw.author_email,
                raw.author_url,
                raw.content,
            );
            let page = comment_edit_page(&app, &admin, &comment, values, Some(message)).await?;
            render(
                &app,
                StatusCode::UNPROCESSABLE_ENTITY,
                "admin/comment_edit.html",
                page,
            )
        }
    }
}

pub async fn reply_to_comment(
    State(app): State<App>,
    Path(id): Path<String>,
    AdminForm { admin, form }: AdminForm,
) -> Result<Response, AppError> {
    let parent = find_comment(&app, &id).await?;
    let notice =
        match comments::reply_as_staff(&app, &admin.user, &parent, form.get("comment")).await? {
            Ok(_) => "Reply published.".to_owned(),
            Err(errors) => errors
                .get("comment")
                .unwrap_or("The reply could not be published.")
                .to_owned(),
        };
    Ok(redirect(
        StatusCode::SEE_OTHER,
        &format!(
            "/admin/comments?status={}&notice={}",
            parent.status.as_str(),
            form_urlencoded::byte_serialize(notice.as_bytes()).collect::<String>()
        ),
    ))
}
