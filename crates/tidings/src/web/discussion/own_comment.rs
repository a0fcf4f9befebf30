//! A comment's own address, and what its author may do through their signed link: edit
//! or delete it while the edit window is open.

use crate::app::App;
use crate::render::views::discussion::EditPage;
use crate::render::views::{self};
use crate::services::comments::{self, Commenter, EditOutcome};
use crate::services::site;
use crate::web::error::AppError;
use crate::web::extract::FormFields;
use crate::web::public::{html, redirect};
use axum::extract::{Path, RawQuery, State};
use axum::http::StatusCode;
use axum::response::Response;
use tidings_domain::{Article, Comment, DiscussionSettings};

use super::{
    PRIVATE, message, parse_id, public_article, query_pairs, query_value, show, visible_comment,
};

/// `/comments/ID/`: the page that holds an approved comment, whichever page that is now.
/// Mail and feeds link here, so their links stay right as comment pages fill up.
pub async fn comment_link(
    State(app): State<App>,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    // An imported comment keeps its old id when it was free; when it was not, the old id
    // still finds it (after the site's own comment of that id).
    let comment = match visible_comment(&app, parse_id(&id)?).await {
        Err(AppError::NotFound) => {
            let moved = crate::services::old_addresses::moved_comment(&app, &id)
                .await?
                .ok_or(AppError::NotFound)?;
            visible_comment(&app, tidings_domain::CommentId(moved)).await?
        }
        found => found?,
    };
    let article = public_article(&app, comment.article_id).await?;
    let settings = site::discussion_settings(&app).await?;
    let target = comments::comment_address(&app, &settings, &article, comment.id).await?;
    Ok(redirect(StatusCode::FOUND, &target))
}

/// The comment an edit link names, while its window is open.
const EDIT_LINK_INVALID: &str = "This link to edit a comment has expired, or is not valid. \
     Comments can be changed for a short while after posting; after that, please ask the \
     site’s moderators.";

/// A comment an edit link names, while its window is open.
struct Editable {
    comment: Comment,
    article: Article,
    settings: DiscussionSettings,
    /// When the window closes.
    until: time::OffsetDateTime,
}

async fn editable_comment(
    app: &App,
    id: &str,
    expires: &str,
    signature: &str,
) -> Result<Editable, AppError> {
    let too_late = || AppError::Forbidden {
        message: EDIT_LINK_INVALID.into(),
        kept_text: None,
    };
    let comment = comments::authored_comment(app, id, expires, signature)
        .await?
        .ok_or_else(too_late)?;
    let settings = site::discussion_settings(app).await?;
    let until = settings
        .edit_deadline(&comment)
        .filter(|until| app.now() < *until)
        .ok_or_else(too_late)?;
    let article = public_article(app, comment.article_id).await?;
    Ok(Editable {
        comment,
        article,
        settings,
        until,
    })
}

/// The signed link's two halves, carried through the edit form.
struct EditLink<'a> {
    expires: &'a str,
    signature: &'a str,
}

fn edit_page(
    app: &App,
    comment: &Comment,
    article: &Article,
    link: EditLink<'_>,
    content: String,
    error: Option<String>,
    until: time::OffsetDateTime,
) -> Result<String, AppError> {
    Ok(app.templates.render(
        "comment_edit.html",
        &EditPage {
            site: app.site_view(),
            noindex: true,
            article_title: article.title.clone(),
            article_url: article.permalink(),
            until: views::human_date_time(until),
            action: format!("/comments/{}/edit", comment.id),
            expires: link.expires.to_owned(),
            signature: link.signature.to_owned(),
            content,
            error,
            max_comment: tidings_domain::comment::MAX_COMMENT_CHARS,
        },
    )?)
}

pub async fn show_edit(
    State(app): State<App>,
    Path(id): Path<String>,
    RawQuery(query): RawQuery,
) -> Result<Response, AppError> {
    let pairs = query_pairs(query);
    let (expires, signature) = (
        query_value(&pairs, "expires"),
        query_value(&pairs, "signature"),
    );
    let editable = editable_comment(&app, &id, expires, signature).await?;
    let body = edit_page(
        &app,
        &editable.comment,
        &editable.article,
        EditLink { expires, signature },
        editable.comment.content.clone(),
        None,
        editable.until,
    )?;
    Ok(html(StatusCode::OK, body, PRIVATE))
}

pub async fn save_edit(
    State(app): State<App>,
    Path(id): Path<String>,
    commenter: Commenter,
    form: FormFields,
) -> Result<Response, AppError> {
    let (expires, signature) = (form.get("expires"), form.get("signature"));
    let Editable {
        comment,
        article,
        settings,
        until,
    } = match editable_comment(&app, &id, expires, signature).await {
        Ok(found) => found,
        Err(AppError::Forbidden { message, .. }) => {
            return Err(AppError::Forbidden {
                message,
                kept_text: Some(form.get("comment").to_owned()),
            });
        }
        Err(other) => return Err(other),
    };
    if form.get("do") == "delete" {
        comments::delete_own_comment(&app, &settings, &comment).await?;
        let mut page = message(
            &app,
            "Your comment was deleted",
            &["It no longer appears on the article."],
        );
        page.back_url = Some(article.permalink());
        page.back_label = format!("Back to “{}”", article.title);
        return show(&app, StatusCode::OK, &page);
    }
    match comments::edit_own_comment(&app, &settings, &comment, form.get("comment"), &commenter)
        .await?
    {
        EditOutcome::Saved { .. } => {
            let target = format!(
                "{}?{}#comment-{}",
                article.permalink(),
                comments::author_query(&app, &settings, comment.id, comment.created_at),
                comment.id
            );
            Ok(redirect(StatusCode::SEE_OTHER, &target))
        }
        EditOutcome::Invalid(errors) => {
            let error = errors
                .get("comment")
                .map_or("The comment could not be saved.", |message| message)
                .to_owned();
            let body = edit_page(
                &app,
                &comment,
                &article,
                EditLink { expires, signature },
                form.get("comment").to_owned(),
                Some(error),
                until,
            )?;
            Ok(html(StatusCode::UNPROCESSABLE_ENTITY, body, PRIVATE))
        }
        EditOutcome::TooLate => Err(AppError::Forbidden {
            message: "The time to edit this comment is over.".into(),
            kept_text: Some(form.get("comment").to_owned()),
        }),
    }
}
