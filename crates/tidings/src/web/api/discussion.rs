//! Comments: read under a public article, posted by readers with the form's rules and
//! defences, moderated by staff; and the discussion settings.

use super::{ApiError, ApiJson, Caller, json_with_etag};
use crate::app::App;
use crate::services::comments::{
    self, Commenter, FormExtras, ModerationError, Problem, SubmitError, SubmitOutcome,
};
use crate::services::notify::SubscribeTo;
use crate::services::site;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use tidings_domain::article::ArticleState;
use tidings_domain::{
    ArticleId, Capability, Comment, CommentId, CommentStatus, ModerationAction, RawSubmission,
};
use time::format_description::well_known::Rfc3339;
use utoipa::ToSchema;

/// The most comments of one article a moderator's list holds.
const MODERATOR_LIST: u32 = 5000;

/// A comment as the API shows it. Its author's email, address and browser are for
/// moderators only.
#[derive(Serialize, ToSchema)]
pub struct CommentOut {
    pub id: i64,
    pub article_id: i64,
    pub parent_id: Option<i64>,
    pub author_name: String,
    pub author_url: String,
    /// The text as shown on the page, sanitised.
    pub content_html: String,
    /// RFC 3339.
    pub created_at: String,
    /// `comment`, `pingback` or `trackback`.
    pub kind: String,
    /// Its picture: an identicon that does not reveal the email.
    pub avatar: Option<String>,
    /// Its address on the site.
    pub link: String,
    /// For moderators: `approved`, `pending`, `spam` or `trash`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub author_email: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub author_ip: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub content: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct CommentList {
    /// Oldest first. Anyone gets the approved comments; moderators every comment, with its
    /// status.
    pub items: Vec<CommentOut>,
}

/// A reader's comment, with the fields the form has.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CommentWrite {
    pub content: String,
    #[serde(default)]
    pub author_name: String,
    #[serde(default)]
    pub author_email: String,
    #[serde(default)]
    pub author_url: String,
    /// The comment it answers.
    #[schema(value_type = Option<i64>)]
    pub parent_id: Option<super::WholeNumber>,
    /// The proof-of-work challenge from `/comments/challenge` and its answer; without
    /// them the comment waits for a moderator, as a form posted without script does.
    #[serde(default)]
    pub challenge: String,
    #[serde(default)]
    pub answer: String,
}

/// What became of a posted comment.
#[derive(Serialize, ToSchema)]
pub struct CommentPosted {
    pub id: i64,
    /// `approved` (it is on the page) or `pending` (it waits for a moderator).
    pub status: String,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Moderation {
    /// `approve`, `unapprove`, `spam`, `not_spam`, `trash`, `restore` or `delete`.
    pub action: String,
}

#[utoipa::path(get, path = "/api/v1/articles/{id}/comments", tag = "comments",
    params(("id" = i64, Path, description = "The article's id")),
    responses((status = 200, body = CommentList), (status = 304, description = "Unchanged"),
              (status = 404, body = super::ErrorBody)))]
pub async fn list_comments(
    State(app): State<App>,
    caller: Caller,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let not_found = || ApiError::from(crate::web::AppError::NotFound);
    let id = id.parse::<i64>().map_err(|_| not_found())?;
    let article = app
        .store
        .article_by_id(ArticleId(id))
        .await?
        .ok_or_else(not_found)?;
    let visible = match article.state(app.now()) {
        ArticleState::Published => true,
        ArticleState::Private => caller.user.is_some(),
        ArticleState::Trash => false,
        _ => caller.can(Capability::EditOthers),
    };
    if !visible {
        return Err(not_found());
    }
    let moderator = caller.can(Capability::ModerateComments);
    // Moderators see every comment of the article, each with its status (a comment just
    // posted may be held); anyone else the approved ones, as the page shows them.
    let comments = if moderator {
        let query = tidings_store::CommentQuery {
            article_id: Some(article.id),
            ..tidings_store::CommentQuery::default()
        };
        let all = tidings_store::Page {
            number: 1,
            size: MODERATOR_LIST,
        };
        app.store.comment_page(&query, None, true, all).await?.0
    } else {
        app.store.approved_comments(article.id).await?
    };
    let items = comments
        .iter()
        .map(|comment| comment_out(&app, comment, moderator))
        .collect();
    Ok(json_with_etag(
        &headers,
        StatusCode::OK,
        &CommentList { items },
    ))
}

#[utoipa::path(get, path = "/api/v1/comments/{id}", tag = "comments",
    params(("id" = i64, Path, description = "The comment's id")),
    responses((status = 200, body = CommentOut), (status = 304, description = "Unchanged"),
              (status = 404, body = super::ErrorBody)))]
pub async fn get_comment(
    State(app): State<App>,
    caller: Caller,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let comment = visible_comment(&app, &caller, &id).await?;
    let moderator = caller.can(Capability::ModerateComments);
    Ok(json_with_etag(
        &headers,
        StatusCode::OK,
        &comment_out(&app, &comment, moderator),
    ))
}

async fn visible_comment(app: &App, caller: &Caller, id: &str) -> Result<Comment, ApiError> {
    let not_found = || ApiError::from(crate::web::AppError::NotFound);
    let id = id.parse::<i64>().map_err(|_| not_found())?;
    let comment = app
        .store
        .comment_by_id(CommentId(id))
        .await?
        .ok_or_else(not_found)?;
    if caller.can(Capability::ModerateComments) {
        return Ok(comment);
    }
    let article = app
        .store
        .article_by_id(comment.article_id)
        .await?
        .ok_or_else(not_found)?;
    let public = article.state(app.now()) == ArticleState::Published;
    if comment.status == CommentStatus::Approved && public {
        Ok(comment)
    } else {
        Err(not_found())
    }
}

#[utoipa::path(post, path = "/api/v1/articles/{id}/comments", tag = "comments",
    params(("id" = i64, Path, description = "The article's id")),
    request_body = CommentWrite,
    responses((status = 201, body = CommentPosted, headers(("Location" = String))),
              (status = 403, description = "Comments are closed", body = super::ErrorBody),
              (status = 404, body = super::ErrorBody),
              (status = 409, description = "The same comment again", body = super::ErrorBody),
              (status = 413, body = super::ErrorBody),
              (status = 422, body = super::ErrorBody),
              (status = 429, description = "Too fast or too many", body = super::ErrorBody)))]
pub async fn post_comment(
    State(app): State<App>,
    commenter: Commenter,
    Path(id): Path<String>,
    ApiJson(write): ApiJson<CommentWrite>,
) -> Result<Response, ApiError> {
    let raw = RawSubmission {
        article_id: id,
        parent_id: write
            .parent_id
            .map(|id| id.0.to_string())
            .unwrap_or_default(),
        author_name: write.author_name,
        author_email: write.author_email,
        author_url: write.author_url,
        content: write.content,
    };
    let extras = FormExtras {
        honeypot: String::new(),
        challenge: write.challenge,
        answer: write.answer,
        subscribe: SubscribeTo::Nothing,
    };
    match comments::submit_comment(&app, &raw, &extras, &commenter).await {
        Ok(SubmitOutcome::Accepted {
            comment_id, status, ..
        }) => {
            // Spam is answered as waiting, as the form does: a spammer learns nothing.
            let shown = if status == CommentStatus::Approved {
                "approved"
            } else {
                "pending"
            };
            let mut response = (
                StatusCode::CREATED,
                axum::Json(CommentPosted {
                    id: comment_id.0,
                    status: shown.to_owned(),
                }),
            )
                .into_response();
            if let Ok(value) = format!("/api/v1/comments/{}", comment_id.0).parse() {
                response.headers_mut().insert(header::LOCATION, value);
            }
            Ok(response)
        }
        Ok(SubmitOutcome::Rejected { problem, .. }) => Err(match problem {
            Problem::Fields(errors) => ApiError::invalid(
                errors
                    .iter()
                    .map(|(field, message)| (api_field(field).to_owned(), message.to_owned())),
            ),
            Problem::TooFast { seconds } => ApiError::new(
                StatusCode::TOO_MANY_REQUESTS,
                "too_many_requests",
                format!("You are posting comments too quickly. Wait {seconds} seconds between comments."),
            )
            .with_retry_after(seconds),
            Problem::TooMany => ApiError::new(
                StatusCode::TOO_MANY_REQUESTS,
                "too_many_requests",
                "You have posted as many comments as this site accepts from one address in an hour.",
            )
            .with_retry_after(3600),
            Problem::Duplicate => ApiError::new(
                StatusCode::CONFLICT,
                "duplicate",
                "Duplicate comment detected; it looks as though you’ve already said that!",
            ),
        }),
        Err(SubmitError::NoSuchArticle) => Err(crate::web::AppError::NotFound.into()),
        Err(SubmitError::Closed(_)) => Err(ApiError::new(
            StatusCode::FORBIDDEN,
            "comments_closed",
            "Comments are closed on this article.",
        )),
        Err(SubmitError::Store(error)) => Err(error.into()),
    }
}

/// The form's field names as the API calls them.
fn api_field(field: &str) -> &str {
    match field {
        "author" => "author_name",
        "email" => "author_email",
        "url" => "author_url",
        "comment" => "content",
        "comment_parent" => "parent_id",
        other => other,
    }
}

#[utoipa::path(patch, path = "/api/v1/comments/{id}", tag = "comments",
    params(("id" = i64, Path, description = "The comment's id")),
    request_body = Moderation,
    security(("application_password" = []), ("session" = [])),
    responses((status = 200, description = "The comment after the action", body = CommentOut),
              (status = 204, description = "Deleted"),
              (status = 401, body = super::ErrorBody), (status = 403, body = super::ErrorBody),
              (status = 404, body = super::ErrorBody), (status = 409, description = "The action does not apply to its status", body = super::ErrorBody),
              (status = 422, body = super::ErrorBody)))]
pub async fn moderate_comment(
    State(app): State<App>,
    caller: Caller,
    Path(id): Path<String>,
    ApiJson(moderation): ApiJson<Moderation>,
) -> Result<Response, ApiError> {
    let user = caller.with(Capability::ModerateComments)?.clone();
    let comment = visible_comment(&app, &caller, &id).await?;
    let action = ModerationAction::parse(&moderation.action).ok_or_else(|| {
        ApiError::invalid([(
            "action".to_owned(),
            "One of approve, unapprove, spam, not_spam, trash, restore or delete.".to_owned(),
        )])
    })?;
    let summary = comments::moderate_as(&app, &user, &[comment.id], action)
        .await?
        .map_err(|refused| ApiError::from(ModerationError::Forbidden(refused)))?;
    if summary.changed == 0 {
        return Err(ApiError::new(
            StatusCode::CONFLICT,
            "conflict",
            format!(
                "“{}” does not apply to a comment that is {}.",
                moderation.action,
                comment.status.as_str()
            ),
        ));
    }
    match app.store.comment_by_id(comment.id).await? {
        Some(after) => Ok(axum::Json(comment_out(&app, &after, true)).into_response()),
        None => Ok(StatusCode::NO_CONTENT.into_response()),
    }
}

impl From<ModerationError> for ApiError {
    fn from(error: ModerationError) -> Self {
        match error {
            ModerationError::Forbidden(refused) => refused.into(),
            ModerationError::Store(error) => error.into(),
        }
    }
}

fn comment_out(app: &App, comment: &Comment, moderator: bool) -> CommentOut {
    let base = app.config.base_url();
    CommentOut {
        id: comment.id.0,
        article_id: comment.article_id.0,
        parent_id: comment.parent_id.map(|id| id.0),
        author_name: comment.author_name.clone(),
        author_url: comment.author_url.clone(),
        content_html: comment
            .content_html
            .as_ref()
            .map(|html| html.as_str().to_owned())
            .unwrap_or_else(|| {
                tidings_domain::text::render_comment(&comment.content)
                    .as_str()
                    .to_owned()
            }),
        created_at: comment.created_at.format(&Rfc3339).unwrap_or_default(),
        kind: comment.kind.as_str().to_owned(),
        avatar: comment
            .avatar_key
            .as_ref()
            .map(|key| format!("{base}/avatars/{key}.svg")),
        link: format!("{base}/comments/{}/", comment.id.0),
        status: moderator.then(|| comment.status.as_str().to_owned()),
        author_email: moderator.then(|| comment.author_email.clone()),
        author_ip: moderator.then(|| comment.ip.clone()),
        content: moderator.then(|| comment.content.clone()),
    }
}

#[utoipa::path(get, path = "/api/v1/settings/discussion", tag = "settings",
    security(("application_password" = []), ("session" = [])),
    responses((status = 200, description = "The site's comment rules, as the admin's Discussion settings", body = Object),
              (status = 401, body = super::ErrorBody), (status = 403, body = super::ErrorBody)))]
pub async fn get_settings(
    State(app): State<App>,
    caller: Caller,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    caller.with(Capability::ManageSite)?;
    let settings = site::discussion_settings(&app).await?;
    Ok(json_with_etag(&headers, StatusCode::OK, &settings))
}

#[utoipa::path(patch, path = "/api/v1/settings/discussion", tag = "settings",
    request_body(content = Object, description = "Some of the settings, by the names the GET gives; the rest stay"),
    security(("application_password" = []), ("session" = [])),
    responses((status = 200, description = "The settings as saved", body = Object),
              (status = 401, body = super::ErrorBody), (status = 403, body = super::ErrorBody),
              (status = 422, body = super::ErrorBody)))]
pub async fn change_settings(
    State(app): State<App>,
    caller: Caller,
    ApiJson(change): ApiJson<serde_json::Map<String, serde_json::Value>>,
) -> Result<Response, ApiError> {
    use serde_json::Value;
    caller.with(Capability::ManageSite)?;
    let current = site::discussion_settings(&app).await?;
    let Value::Object(mut merged) = serde_json::to_value(&current)
        .map_err(|error| crate::web::AppError::Internal(error.into()))?
    else {
        return Err(crate::web::AppError::NotFound.into());
    };
    let mut faults = Vec::new();
    for (name, value) in change {
        let fits = match (merged.get(&name), &value) {
            (None, _) => {
                faults.push((name, "There is no such setting.".to_owned()));
                continue;
            }
            (Some(Value::Bool(_)), Value::Bool(_))
            | (Some(Value::Number(_)), Value::Number(_))
            | (Some(Value::String(_)), Value::String(_)) => true,
            _ => false,
        };
        if fits {
            merged.insert(name, value);
        } else {
            faults.push((
                name,
                "This setting takes another kind of value (see GET).".to_owned(),
            ));
        }
    }
    if !faults.is_empty() {
        return Err(ApiError::invalid(faults));
    }
    // Checked as the admin's form checks them: one set of ranges and messages.
    let field = |name: &str| match merged.get(name) {
        Some(Value::Bool(true)) => "1".to_owned(),
        Some(Value::Bool(false)) | None | Some(Value::Null) => String::new(),
        Some(Value::Number(number)) => number.to_string(),
        Some(Value::String(text)) => text.clone(),
        Some(other) => other.to_string(),
    };
    let (settings, errors) = tidings_domain::discussion::settings_from_form(field);
    let errors: Vec<(String, String)> = errors
        .iter()
        .map(|(field, message)| (field.to_owned(), message.to_owned()))
        .collect();
    if !errors.is_empty() {
        return Err(ApiError::invalid(errors));
    }
    site::save_discussion_settings(&app, &settings).await?;
    Ok(axum::Json(settings).into_response())
}
