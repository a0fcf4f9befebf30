//! What the signed link a commenter lands on lets them do: see their comment while it
//! waits, and edit or delete it while the edit window is open.

use super::submitting::Commenter;
use crate::app::App;
use crate::cache::Tag;
use crate::services::site;
use crate::services::spam;
use tidings_domain::discussion::{Candidate, Signals};
use tidings_domain::text::render_comment;
use tidings_domain::{
    Article, Comment, CommentId, CommentStatus, DiscussionSettings, FieldErrors, RawSubmission,
    decide,
};
use tidings_store::{CommentEdit, StoreError};

/// How long the link that shows a pending comment to its author keeps working.
pub const PENDING_LINK_LIFETIME: time::Duration = time::Duration::hours(2);

/// What an author link signs: the comment's id and its creation time (an id freed before
/// ids stopped being reused could come back; the pair cannot), and the expiry.
fn pending_message(
    comment_id: CommentId,
    created_at: time::OffsetDateTime,
    expires: i64,
) -> String {
    format!(
        "pending-comment:{comment_id}:{}:{expires}",
        created_at.unix_timestamp()
    )
}

/// Where a comment is shown: its article, on the comment page that holds it when comments
/// are paged, at its anchor.
pub async fn comment_address(
    app: &App,
    settings: &DiscussionSettings,
    article: &Article,
    comment_id: CommentId,
) -> Result<String, StoreError> {
    let permalink = article.permalink();
    let page = if settings.page_comments {
        let approved = app.store.approved_comments(article.id).await?;
        settings.page_holding(
            &tidings_domain::thread(&approved, settings.thread_depth),
            comment_id,
        )
    } else {
        1
    };
    Ok(format!(
        "{}#comment-{comment_id}",
        settings.comment_page_url(&permalink, page)
    ))
}

/// How long a comment's author link works: long enough to see it wait, and to the end of
/// the window for editing it.
fn author_link_lifetime(settings: &DiscussionSettings) -> time::Duration {
    PENDING_LINK_LIFETIME.max(time::Duration::minutes(i64::from(
        settings.edit_window_minutes,
    )))
}

/// The signed query that proves its holder wrote a comment: `unapproved=ID&expires=…&
/// signature=…`, WordPress's parameter name, so the page shows the author their waiting
/// comment and, while the site allows it, a link to edit or delete it. Only a URL with it
/// differs from the page everybody else sees (and the page cache never stores it).
pub fn author_query(
    app: &App,
    settings: &DiscussionSettings,
    comment_id: CommentId,
    created_at: time::OffsetDateTime,
) -> String {
    let expires = (app.now() + author_link_lifetime(settings)).unix_timestamp();
    let signature = app
        .signer
        .sign(&pending_message(comment_id, created_at, expires));
    format!("unapproved={comment_id}&expires={expires}&signature={signature}")
}

/// The article's address with the author's signed query, at the comment.
pub fn pending_link(
    app: &App,
    settings: &DiscussionSettings,
    article: &Article,
    comment_id: CommentId,
    created_at: time::OffsetDateTime,
) -> String {
    format!(
        "{}?{}#comment-{comment_id}",
        article.permalink(),
        author_query(app, settings, comment_id, created_at)
    )
}

/// A reader's own comment, shown to them through its signed link: while it waits, and
/// while they may still edit it.
#[derive(Clone, Debug)]
pub struct PendingPreview {
    pub comment: Comment,
    /// Where they edit or delete it, while the site's edit window is open.
    pub edit_url: Option<String>,
}

/// The comment an author link names, if the link is genuine and unexpired.
pub async fn authored_comment(
    app: &App,
    comment_id: &str,
    expires: &str,
    signature: &str,
) -> Result<Option<Comment>, StoreError> {
    let (Ok(comment_id), Ok(expires)) = (comment_id.parse::<i64>(), expires.parse::<i64>()) else {
        return Ok(None);
    };
    let comment_id = CommentId(comment_id);
    if expires < app.now().unix_timestamp() {
        return Ok(None);
    }
    let comment = app.store.comment_by_id(comment_id).await?;
    Ok(comment.filter(|comment| {
        app.signer.verify(
            &pending_message(comment_id, comment.created_at, expires),
            signature,
        )
    }))
}

/// The comment an author link names, if the link is genuine, unexpired, for this article,
/// and the comment waits (or was caught as spam: its author is not told) or may still be
/// edited.
pub async fn pending_preview(
    app: &App,
    settings: &DiscussionSettings,
    article: &Article,
    comment_id: &str,
    expires: &str,
    signature: &str,
) -> Result<Option<PendingPreview>, StoreError> {
    let Some(comment) = authored_comment(app, comment_id, expires, signature).await? else {
        return Ok(None);
    };
    let can_edit = settings.author_may_edit(&comment, app.now());
    let shown = comment.article_id == article.id
        && (matches!(comment.status, CommentStatus::Pending | CommentStatus::Spam)
            || (comment.status == CommentStatus::Approved && can_edit));
    Ok(shown.then(|| PendingPreview {
        edit_url: can_edit.then(|| {
            format!(
                "/comments/{}/edit?expires={expires}&signature={signature}",
                comment.id
            )
        }),
        comment,
    }))
}

pub enum EditOutcome {
    Saved {
        status: CommentStatus,
    },
    Invalid(FieldErrors),
    /// The window closed, or the comment is gone.
    TooLate,
}

/// A commenter changes their comment inside the edit window. The new text goes through the
/// same checks as a new comment; an edit can hold a comment again (links added to an
/// approved comment send it back to the queue), never release one.
pub async fn edit_own_comment(
    app: &App,
    settings: &DiscussionSettings,
    comment: &Comment,
    content: &str,
    commenter: &Commenter,
) -> Result<EditOutcome, StoreError> {
    if !settings.author_may_edit(comment, app.now()) {
        return Ok(EditOutcome::TooLate);
    }
    let raw = RawSubmission {
        article_id: comment.article_id.0.to_string(),
        parent_id: String::new(),
        author_name: comment.author_name.clone(),
        author_email: comment.author_email.clone(),
        author_url: comment.author_url.clone(),
        content: content.to_owned(),
    };
    let edited = match raw.validate(false) {
        Ok(edited) => edited,
        Err(errors) => return Ok(EditOutcome::Invalid(errors)),
    };
    let rendered = render_comment(&edited.content);
    let verdict = decide(
        &Candidate {
            comment: &edited,
            rendered: &rendered,
            ip: &commenter.ip,
            user_agent: &commenter.user_agent,
            previously_approved: true,
            signals: &Signals {
                spam_score: spam::score(
                    app,
                    &edited.author_name,
                    &edited.author_url,
                    &edited.content,
                )
                .await?,
                ..Signals::default()
            },
        },
        &DiscussionSettings {
            // Already judged once; only what the new text says can hold it again.
            manual_approval: false,
            ..settings.clone()
        },
    );
    let status = match (comment.status, verdict.status) {
        (_, CommentStatus::Spam) | (CommentStatus::Spam, _) => CommentStatus::Spam,
        (CommentStatus::Approved, CommentStatus::Approved) => CommentStatus::Approved,
        _ => CommentStatus::Pending,
    };
    let edit = CommentEdit {
        author_name: comment.author_name.clone(),
        author_email: comment.author_email.clone(),
        author_url: comment.author_url.clone(),
        content: edited.content,
        content_html: rendered.as_str().to_owned(),
    };
    if !app.store.edit_comment(comment.id, &edit, app.now()).await? {
        return Ok(EditOutcome::TooLate);
    }
    if status != comment.status {
        app.store
            .set_comment_status(comment.id, status, Some(comment.status))
            .await?;
    }
    site::pages_changed(app, &[Tag::Article(comment.article_id), Tag::Lists]).await?;
    Ok(EditOutcome::Saved { status })
}

/// A commenter deletes their comment inside the edit window: it goes to the trash, where
/// moderators can still see it until it is emptied.
pub async fn delete_own_comment(
    app: &App,
    settings: &DiscussionSettings,
    comment: &Comment,
) -> Result<bool, StoreError> {
    if !settings.author_may_edit(comment, app.now()) {
        return Ok(false);
    }
    app.store
        .set_comment_status(comment.id, CommentStatus::Trash, Some(comment.status))
        .await?;
    site::pages_changed(app, &[Tag::Article(comment.article_id), Tag::Lists]).await?;
    Ok(true)
}
