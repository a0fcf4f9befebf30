//! One-click moderation from a moderator's mail: a page with one button, acting only from
//! the state the mail was sent for.

use crate::app::App;
use crate::render::views::discussion::{MessageForm, MessagePage};
use crate::services::comments::{self};
use crate::services::notify;
use crate::web::error::AppError;
use crate::web::extract::FormFields;
use axum::extract::{Path, RawQuery, State};
use axum::http::StatusCode;
use axum::response::Response;
use tidings_domain::text::strip_tags;
use tidings_domain::{Comment, CommentStatus, ModerationAction};

use super::{message, parse_id, query_pairs, query_value, show};

/// The words for what a moderation link does.
fn moderation_verb(action: ModerationAction) -> &'static str {
    match action {
        ModerationAction::Approve => "Approve",
        ModerationAction::Spam => "Mark as spam",
        _ => "Move to the trash",
    }
}

/// The page that offers a moderation link's action as one button, for a comment in the
/// state the link was sent for; or, when it has moved on since (another moderator acted
/// first), a page that says so and offers the action again from the state it is in now.
fn moderation_page(
    app: &App,
    comment: &Comment,
    action: ModerationAction,
    from: CommentStatus,
) -> MessagePage {
    let verb = moderation_verb(action);
    let mut page = if comment.status == from {
        message(
            app,
            &format!("{verb}: the comment by {}", comment.author_name),
            &[&format!("It is {} now.", comment.status.as_str())],
        )
    } else {
        let mut page = message(
            app,
            "This comment changed since the mail was sent",
            &[
                &format!(
                    "It was {} when the mail was sent, and is {} now: another moderator, or its author, acted on it since. Nothing was done.",
                    from.as_str(),
                    comment.status.as_str()
                ),
                &format!("{verb} it anyway?"),
            ],
        );
        page.heading = format!("{} (the comment by {})", page.heading, comment.author_name);
        page
    };
    page.quote = Some(strip_tags(&comment.content));
    // A fresh signature for the state it is in now: this button acts only from there.
    let query = notify::moderation_query(app, comment, action);
    page.form = Some(MessageForm {
        choices: Vec::new(),
        action: format!("/moderate/{}/{}", comment.id, action.as_str()),
        fields: form_urlencoded::parse(query.as_bytes())
            .map(|(name, value)| (name.into_owned(), value.into_owned()))
            .collect(),
        button: verb.to_owned(),
    });
    page.back_url = Some("/admin/comments".into());
    page.back_label = "Open the moderation queue".into();
    page
}

pub async fn show_moderation_link(
    State(app): State<App>,
    Path((id, action)): Path<(String, String)>,
    RawQuery(query): RawQuery,
) -> Result<Response, AppError> {
    let pairs = query_pairs(query);
    let (action, comment, from) = moderation_target(
        &app,
        &id,
        &action,
        query_value(&pairs, "from"),
        query_value(&pairs, "expires"),
        query_value(&pairs, "signature"),
    )
    .await?;
    show(
        &app,
        StatusCode::OK,
        &moderation_page(&app, &comment, action, from),
    )
}

pub async fn apply_moderation_link(
    State(app): State<App>,
    Path((id, action)): Path<(String, String)>,
    form: FormFields,
) -> Result<Response, AppError> {
    let (action, comment, from) = moderation_target(
        &app,
        &id,
        &action,
        form.get("from"),
        form.get("expires"),
        form.get("signature"),
    )
    .await?;
    if comment.status != from {
        return show(
            &app,
            StatusCode::CONFLICT,
            &moderation_page(&app, &comment, action, from),
        );
    }
    let summary = comments::moderate(&app, &[comment.id], action).await?;
    let done = if summary.changed == 1 {
        "Done."
    } else {
        "Nothing changed: the comment was already moderated."
    };
    let mut page = message(&app, done, &[]);
    page.back_url = Some("/admin/comments".into());
    page.back_label = "Open the moderation queue".into();
    show(&app, StatusCode::OK, &page)
}

/// The action, the comment and the state a moderation link was sent for, if the link is
/// genuine and unexpired for this very comment.
async fn moderation_target(
    app: &App,
    id: &str,
    action: &str,
    from: &str,
    expires: &str,
    signature: &str,
) -> Result<(ModerationAction, Comment, CommentStatus), AppError> {
    let id = parse_id(id)?;
    let action = ModerationAction::parse(action)
        .filter(|action| {
            matches!(
                action,
                ModerationAction::Approve | ModerationAction::Spam | ModerationAction::Trash
            )
        })
        .ok_or(AppError::NotFound)?;
    let invalid = || {
        AppError::Forbidden {
        message: "This moderation link has expired or is not valid. Sign in to the admin to moderate the comment.".into(),
        kept_text: None,
    }
    };
    let comment = app
        .store
        .comment_by_id(id)
        .await?
        .ok_or(AppError::NotFound)?;
    let from = CommentStatus::parse(from).ok_or_else(invalid)?;
    if !notify::moderation_link_is_valid(app, &comment, action, from.as_str(), expires, signature) {
        return Err(invalid());
    }
    Ok((action, comment, from))
}
