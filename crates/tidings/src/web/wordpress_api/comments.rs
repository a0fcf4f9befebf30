//! `/wp/v2/comments`: approved comments for anyone, every comment for moderators, and
//! anonymous comments from readers with the comment form's rules and defences, answered
//! as WordPress answers them.

use super::{
    Params, WpCaller, WpError, avatar_urls, body_fields, ids_field, paged, rest_url, text_field,
    wp_date,
};
use crate::app::App;
use crate::services::comments::{self, Commenter, FormExtras, Problem, SubmitError, SubmitOutcome};
use crate::services::notify::SubscribeTo;
use crate::web::api::Caller;
use axum::body::Bytes;
use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::Response;
use serde_json::{Value, json};
use tidings_domain::article::ArticleState;
use tidings_domain::{
    ArticleId, Capability, Comment, CommentId, CommentStatus, ModerationAction, RawSubmission,
};
use tidings_store::{CommentQuery, Page};

fn not_found() -> WpError {
    WpError::new(
        StatusCode::NOT_FOUND,
        "rest_comment_invalid_id",
        "Invalid comment ID.",
    )
}

fn wp_status(status: CommentStatus) -> &'static str {
    match status {
        CommentStatus::Approved => "approved",
        CommentStatus::Pending => "hold",
        CommentStatus::Spam => "spam",
        CommentStatus::Trash => "trash",
    }
}

pub async fn list_comments(
    State(app): State<App>,
    WpCaller(caller): WpCaller,
    RawQuery(query): RawQuery,
) -> Result<Response, WpError> {
    let params = Params::parse(query.as_deref());
    let page = params.number("page", 1, u32::MAX)?;
    let per_page = params.number("per_page", 10, 100)?;
    let editing = params.editing(&caller)?;
    let moderator = caller.can(Capability::ModerateComments);
    if editing && !moderator {
        return Err(WpError::new(
            StatusCode::FORBIDDEN,
            "rest_forbidden_context",
            "Sorry, you are not allowed to edit comments.",
        ));
    }
    let status = match params.get("status").unwrap_or("approve") {
        "approve" | "approved" => Some(CommentStatus::Approved),
        "all" if moderator => None,
        "hold" if moderator => Some(CommentStatus::Pending),
        "spam" if moderator => Some(CommentStatus::Spam),
        "trash" if moderator => Some(CommentStatus::Trash),
        "all" | "hold" | "spam" | "trash" => {
            return Err(WpError::new(
                StatusCode::UNAUTHORIZED,
                "rest_forbidden_param",
                "Query parameter not permitted: status",
            ));
        }
        _ => {
            return Err(WpError::invalid_param(
                "status",
                "status is not one of approve, hold, spam, trash, all.",
            ));
        }
    };
    let article_id = params.id("post")?.map(ArticleId);
    let oldest_first = params.ascending(false)?;
    match params.get("orderby").unwrap_or("date_gmt") {
        "date" | "date_gmt" | "id" => {}
        _ => {
            return Err(WpError::invalid_param(
                "orderby",
                "orderby is not one of date, date_gmt, id.",
            ));
        }
    }
    let query = CommentQuery {
        status,
        article_id,
        email: None,
        search: params.get("search").unwrap_or_default().to_owned(),
    };
    // Readers see comments on public articles only.
    let public_at = (!moderator).then(|| app.now());
    let (found, total) = app
        .store
        .comment_page(
            &query,
            public_at,
            oldest_first,
            Page {
                number: page,
                size: per_page,
            },
        )
        .await?;
    let parent = params.id("parent")?;
    let items = found
        .iter()
        .filter(|comment| {
            parent.is_none_or(|parent| comment.parent_id.map_or(0, |id| id.0) == parent)
        })
        .map(|comment| comment_json(&app, comment, editing))
        .collect();
    paged(
        &app,
        "/wp/v2/comments",
        items,
        total,
        page,
        per_page,
        &params,
    )
}

pub async fn get_comment(
    State(app): State<App>,
    WpCaller(caller): WpCaller,
    Path(id): Path<String>,
    RawQuery(query): RawQuery,
) -> Result<Response, WpError> {
    let params = Params::parse(query.as_deref());
    let editing = params.editing(&caller)?;
    let comment = visible(&app, &caller, &id).await?;
    let editing = editing && caller.can(Capability::ModerateComments);
    Ok(super::answer(
        StatusCode::OK,
        &comment_json(&app, &comment, editing),
        &params,
    ))
}

async fn visible(app: &App, caller: &Caller, id: &str) -> Result<Comment, WpError> {
    let id = id.parse::<i64>().map_err(|_| not_found())?;
    let comment = app
        .store
        .comment_by_id(CommentId(id))
        .await?
        .ok_or_else(not_found)?;
    if caller.can(Capability::ModerateComments) {
        return Ok(comment);
    }
    let public = match app.store.article_by_id(comment.article_id).await? {
        Some(article) => article.state(app.now()) == ArticleState::Published,
        None => false,
    };
    if public && comment.status == CommentStatus::Approved {
        Ok(comment)
    } else {
        Err(not_found())
    }
}

/// A reader's comment: anonymous, with a name and an email as the site asks, through the
/// same checks as the form (flood control, duplicates, the spam filter, moderation rules).
pub async fn create_comment(
    State(app): State<App>,
    WpCaller(caller): WpCaller,
    commenter: Commenter,
    headers: HeaderMap,
    RawQuery(query): RawQuery,
    body: Bytes,
) -> Result<Response, WpError> {
    let params = Params::parse(query.as_deref());
    let fields = body_fields(headers.get(header::CONTENT_TYPE), &body)?;
    let post = ids_field(&fields, "post")?
        .and_then(|ids| ids.first().copied())
        .unwrap_or(0);
    if post <= 0 {
        return Err(WpError::new(
            StatusCode::FORBIDDEN,
            "rest_comment_invalid_post_id",
            "Sorry, you are not allowed to create this comment without a post.",
        ));
    }
    let parent = ids_field(&fields, "parent")?
        .and_then(|ids| ids.first().copied())
        .filter(|parent| *parent > 0);
    let mut author_name = text_field(&fields, "author_name")?.unwrap_or_default();
    let mut author_email = text_field(&fields, "author_email")?.unwrap_or_default();
    // Someone signed in comments under their own name, as in WordPress.
    if let Some(user) = &caller.user {
        if author_name.is_empty() {
            author_name = user.display_name.clone();
        }
        if author_email.is_empty() {
            author_email = user.email.clone();
        }
    }
    let raw = RawSubmission {
        article_id: post.to_string(),
        parent_id: parent.map(|id| id.to_string()).unwrap_or_default(),
        author_name,
        author_email,
        author_url: text_field(&fields, "author_url")?.unwrap_or_default(),
        content: text_field(&fields, "content")?.unwrap_or_default(),
    };
    let extras = FormExtras {
        honeypot: String::new(),
        challenge: text_field(&fields, "tidings_challenge")?.unwrap_or_default(),
        answer: text_field(&fields, "tidings_answer")?.unwrap_or_default(),
        subscribe: SubscribeTo::Nothing,
    };
    let comment_id = match comments::submit_comment(&app, &raw, &extras, &commenter).await {
        Ok(SubmitOutcome::Accepted { comment_id, .. }) => comment_id,
        Ok(SubmitOutcome::Rejected { problem, .. }) => return Err(refusal(problem)),
        Err(SubmitError::NoSuchArticle) => {
            return Err(WpError::new(
                StatusCode::FORBIDDEN,
                "rest_comment_invalid_post_id",
                "Sorry, you are not allowed to create this comment without a post.",
            ));
        }
        Err(SubmitError::Closed(_)) => {
            return Err(WpError::new(
                StatusCode::FORBIDDEN,
                "rest_comment_closed",
                "Sorry, comments are closed for this item.",
            ));
        }
        Err(SubmitError::Store(error)) => return Err(error.into()),
    };
    let mut comment = app
        .store
        .comment_by_id(comment_id)
        .await?
        .ok_or_else(not_found)?;
    // Spam is answered as held, as the form answers it: a spammer learns nothing.
    if comment.status == CommentStatus::Spam {
        comment.status = CommentStatus::Pending;
    }
    let mut response = super::answer(
        StatusCode::CREATED,
        &comment_json(&app, &comment, false),
        &params,
    );
    if let Ok(location) = rest_url(&app, &format!("/wp/v2/comments/{}", comment.id.0)).parse() {
        response.headers_mut().insert(header::LOCATION, location);
    }
    Ok(response)
}

/// WordPress's answers to a comment it will not take.
fn refusal(problem: Problem) -> WpError {
    match problem {
        Problem::Fields(errors) => {
            if let Some(message) = errors.get("comment") {
                return WpError::new(
                    StatusCode::BAD_REQUEST,
                    "rest_comment_content_invalid",
                    message,
                );
            }
            if let Some(message) = errors.get("author").or_else(|| errors.get("email")) {
                return WpError::new(
                    StatusCode::BAD_REQUEST,
                    "rest_comment_author_data_required",
                    message,
                );
            }
            WpError::invalid(errors.iter().map(|(field, message)| {
                let field = match field {
                    "url" => "author_url",
                    "email" => "author_email",
                    "author" => "author_name",
                    "comment_parent" => "parent",
                    other => other,
                };
                (field, message.to_owned())
            }))
        }
        Problem::TooFast { seconds } => WpError::new(
            StatusCode::BAD_REQUEST,
            "comment_flood",
            format!("You are posting comments too quickly. Slow down: wait {seconds} seconds."),
        ),
        Problem::TooMany => WpError::new(
            StatusCode::TOO_MANY_REQUESTS,
            "comment_flood",
            "You have posted as many comments as this site accepts from one address in an hour.",
        ),
        Problem::Duplicate => WpError::new(
            StatusCode::CONFLICT,
            "comment_duplicate",
            "Duplicate comment detected; it looks as though you’ve already said that!",
        ),
    }
}

/// A moderator changes a comment's status (`approved`, `hold`, `spam`, `trash`).
pub async fn update_comment(
    State(app): State<App>,
    WpCaller(caller): WpCaller,
    Path(id): Path<String>,
    headers: HeaderMap,
    RawQuery(query): RawQuery,
    body: Bytes,
) -> Result<Response, WpError> {
    let params = Params::parse(query.as_deref());
    let user = moderator(&caller)?;
    let comment = visible(&app, &caller, &id).await?;
    let fields = body_fields(headers.get(header::CONTENT_TYPE), &body)?;
    if let Some(status) = text_field(&fields, "status")? {
        let action = match (status.as_str(), comment.status) {
            ("approved" | "approve" | "1", CommentStatus::Spam) => ModerationAction::NotSpam,
            ("approved" | "approve" | "1", CommentStatus::Trash) => ModerationAction::Restore,
            ("approved" | "approve" | "1", _) => ModerationAction::Approve,
            ("hold" | "0", _) => ModerationAction::Unapprove,
            ("spam", _) => ModerationAction::Spam,
            ("trash", _) => ModerationAction::Trash,
            _ => {
                return Err(WpError::invalid_param(
                    "status",
                    "status is not one of approved, hold, spam, trash.",
                ));
            }
        };
        moderate(&app, user, comment.id, action).await?;
    }
    let after = app
        .store
        .comment_by_id(comment.id)
        .await?
        .ok_or_else(not_found)?;
    Ok(super::answer(
        StatusCode::OK,
        &comment_json(&app, &after, true),
        &params,
    ))
}

/// To the trash, or with `force=true` deleted for good (its replies move up), as in
/// WordPress.
pub async fn delete_comment(
    State(app): State<App>,
    WpCaller(caller): WpCaller,
    Path(id): Path<String>,
    RawQuery(query): RawQuery,
) -> Result<Response, WpError> {
    let params = Params::parse(query.as_deref());
    let user = moderator(&caller)?;
    let comment = visible(&app, &caller, &id).await?;
    if params.flag("force") {
        let previous = comment_json(&app, &comment, true);
        moderate(&app, user, comment.id, ModerationAction::Delete).await?;
        let body = json!({"deleted": true, "previous": previous});
        return Ok(super::answer(StatusCode::OK, &body, &Params::parse(None)));
    }
    if comment.status == CommentStatus::Trash {
        return Err(WpError::new(
            StatusCode::GONE,
            "rest_already_trashed",
            "The comment has already been trashed.",
        ));
    }
    moderate(&app, user, comment.id, ModerationAction::Trash).await?;
    let after = app
        .store
        .comment_by_id(comment.id)
        .await?
        .ok_or_else(not_found)?;
    Ok(super::answer(
        StatusCode::OK,
        &comment_json(&app, &after, true),
        &params,
    ))
}

fn moderator(caller: &Caller) -> Result<&tidings_domain::User, WpError> {
    match &caller.user {
        None => Err(WpError::new(
            StatusCode::UNAUTHORIZED,
            "rest_cannot_edit",
            "Sorry, you are not allowed to edit this comment.",
        )),
        Some(user) if !user.role.can(Capability::ModerateComments) => Err(WpError::new(
            StatusCode::FORBIDDEN,
            "rest_cannot_edit",
            "Sorry, you are not allowed to edit this comment.",
        )),
        Some(user) => Ok(user),
    }
}

async fn moderate(
    app: &App,
    user: &tidings_domain::User,
    id: CommentId,
    action: ModerationAction,
) -> Result<(), WpError> {
    match comments::moderate_as(app, user, &[id], action).await? {
        Ok(_) => Ok(()),
        Err(refused) => Err(WpError::new(
            StatusCode::FORBIDDEN,
            "rest_cannot_edit",
            refused.0,
        )),
    }
}

/// A comment with WordPress's fields; with `editing` (moderators), its private ones too.
pub fn comment_json(app: &App, comment: &Comment, editing: bool) -> Value {
    let base = app.config.base_url();
    let id = comment.id.0;
    let post = comment.article_id.0;
    let rendered = comment
        .content_html
        .as_ref()
        .map(|html| html.as_str().to_owned())
        .unwrap_or_else(|| {
            tidings_domain::text::render_comment(&comment.content)
                .as_str()
                .to_owned()
        });
    let avatar = comment
        .avatar_key
        .as_ref()
        .map(|key| format!("{base}/avatars/{key}.svg"))
        .unwrap_or_default();
    let mut links = json!({
        "self": [{"href": rest_url(app, &format!("/wp/v2/comments/{id}"))}],
        "collection": [{"href": rest_url(app, "/wp/v2/comments")}],
        "up": [{"embeddable": true, "post_type": "post", "href": rest_url(app, &format!("/wp/v2/posts/{post}"))}],
    });
    if let Some(parent) = comment.parent_id {
        links["in-reply-to"] = json!([{"embeddable": true, "href": rest_url(app, &format!("/wp/v2/comments/{}", parent.0))}]);
    }
    let mut value = json!({
        "id": id,
        "post": post,
        "parent": comment.parent_id.map_or(0, |id| id.0),
        "author": 0,
        "author_name": comment.author_name,
        "author_url": comment.author_url,
        "date": wp_date(comment.created_at),
        "date_gmt": wp_date(comment.created_at),
        "content": {"rendered": rendered},
        "link": format!("{base}/comments/{id}/"),
        "status": wp_status(comment.status),
        "type": comment.kind.as_str(),
        "author_avatar_urls": avatar_urls(&avatar),
        "meta": [],
        "_links": links,
    });
    if editing {
        value["author_email"] = json!(comment.author_email);
        value["author_ip"] = json!(comment.ip);
        value["author_user_agent"] = json!(comment.user_agent);
        value["content"]["raw"] = json!(comment.content);
    }
    value
}
