//! What moderators do to comments: the actions of the queue and the mail links, a
//! correction, a reply from the queue; and readers' reports, which call them.

use super::submitting::{Commenter, avatar_key};
use crate::app::App;
use crate::cache::Tag;
use crate::services::access::{self, Forbidden};
use crate::services::notify::{self};
use crate::services::site;
use crate::services::spam;
use crate::services::webhooks;
use tidings_domain::Capability;
use tidings_domain::spam_filter::Label;
use tidings_domain::text::render_comment;
use tidings_domain::webhook::Event;
use tidings_domain::{
    Comment, CommentId, CommentStatus, FieldErrors, ModerationAction, RawSubmission, Transition,
};
use tidings_store::{CommentEdit, CommentRecord, StoreError, SubmissionGuard};

/// The most characters a report's reason may have.
pub const MAX_REPORT_REASON_CHARS: usize = 500;

pub enum ReportOutcome {
    Recorded,
    NoSuchComment,
    TooMany,
    Invalid(&'static str),
}

/// A reader tells the moderators that an approved comment is out of line.
pub async fn report_comment(
    app: &App,
    comment_id: CommentId,
    reason: &str,
    commenter: &Commenter,
) -> Result<ReportOutcome, StoreError> {
    let reason = reason.trim();
    if reason.is_empty() {
        return Ok(ReportOutcome::Invalid(
            "Please say what is wrong with this comment.",
        ));
    }
    if reason.chars().count() > MAX_REPORT_REASON_CHARS {
        return Ok(ReportOutcome::Invalid(
            "Please keep the reason under 500 characters.",
        ));
    }
    let visible = app
        .store
        .comment_by_id(comment_id)
        .await?
        .is_some_and(|comment| comment.status == CommentStatus::Approved);
    if !visible {
        return Ok(ReportOutcome::NoSuchComment);
    }
    let settings = site::discussion_settings(app).await?;
    let now = app.now();
    let outcome = app
        .store
        .record_report(
            comment_id,
            reason,
            &commenter.ip,
            now,
            now - time::Duration::hours(1),
            settings.max_reports_per_ip_per_hour,
        )
        .await?;
    Ok(match outcome {
        Ok(()) => ReportOutcome::Recorded,
        Err(_) => ReportOutcome::TooMany,
    })
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ModerationSummary {
    pub changed: usize,
    /// Comments the action did not apply to (already gone, or in the wrong status).
    pub skipped: usize,
}

/// A moderator's action from the admin: their role must let them moderate.
pub async fn moderate_as(
    app: &App,
    actor: &tidings_domain::User,
    ids: &[CommentId],
    action: ModerationAction,
) -> Result<Result<ModerationSummary, Forbidden>, StoreError> {
    if let Err(refused) = access::require(actor, Capability::ModerateComments) {
        return Ok(Err(refused));
    }
    moderate(app, ids, action).await.map(Ok)
}

/// Applies one moderation action to each comment (from the admin through `moderate_as`,
/// or from a signed moderation link, whose signature is the authority).
pub async fn moderate(
    app: &App,
    ids: &[CommentId],
    action: ModerationAction,
) -> Result<ModerationSummary, StoreError> {
    let mut summary = ModerationSummary::default();
    let mut changed_pages = vec![Tag::Lists];
    // Only these actions can make a comment appear, which is when readers are mailed.
    let settings = match action {
        ModerationAction::Approve | ModerationAction::NotSpam => {
            Some(site::discussion_settings(app).await?)
        }
        _ => None,
    };
    let outcome = async {
        for id in ids {
            let Some(comment) = app.store.comment_by_id(*id).await? else {
                summary.skipped += 1;
                continue;
            };
            match action.transition(comment.status, comment.status_before) {
                Some(Transition::Become {
                    status,
                    status_before,
                }) => {
                    app.store
                        .set_comment_status(*id, status, status_before)
                        .await?;
                    // Every approve, spam and "not spam" teaches the filter.
                    let lesson = match action {
                        ModerationAction::Approve | ModerationAction::NotSpam => Some(Label::Ham),
                        ModerationAction::Spam => Some(Label::Spam),
                        _ => None,
                    };
                    if let Some(label) = lesson {
                        spam::learn(app, &comment, label).await?;
                    }
                    // Readers hear of a comment when it first appears, not when it comes
                    // back from the trash.
                    let first_appearance = status == CommentStatus::Approved
                        && matches!(comment.status, CommentStatus::Pending | CommentStatus::Spam);
                    if first_appearance
                        && let Some(settings) = &settings
                        && let Some(article) = app.store.article_by_id(comment.article_id).await?
                    {
                        notify::comment_published(app, settings, &article, &comment).await?;
                    }
                    let event = match (action, status) {
                        (ModerationAction::Spam, _) => Some(Event::CommentSpam),
                        (
                            ModerationAction::Approve | ModerationAction::NotSpam,
                            CommentStatus::Approved,
                        ) => Some(Event::CommentApproved),
                        _ => None,
                    };
                    if let Some(event) = event {
                        let changed = tidings_domain::Comment {
                            status,
                            status_before,
                            ..comment.clone()
                        };
                        webhooks::emit(
                            app,
                            event,
                            &format!("article:{}", comment.article_id.0),
                            webhooks::comment_data(app, &changed),
                        )
                        .await;
                    }
                }
                // Deleting moves replies up, which changes the page too.
                Some(Transition::Delete) => app.store.delete_comment(*id).await?,
                None => {
                    summary.skipped += 1;
                    continue;
                }
            }
            summary.changed += 1;
            changed_pages.push(Tag::Article(comment.article_id));
        }
        Ok::<_, StoreError>(())
    }
    .await;
    // Even when a later comment failed, the ones before it changed: drop their pages.
    if summary.changed > 0 {
        site::pages_changed(app, &changed_pages).await?;
    }
    outcome.map(|()| summary)
}

/// A moderator corrects a comment: its author fields and text, checked like a reader's.
pub async fn edit_by_moderator(
    app: &App,
    actor: &tidings_domain::User,
    comment: &Comment,
    raw: &RawSubmission,
) -> Result<Result<(), FieldErrors>, ModerationError> {
    access::require(actor, Capability::ModerateComments)?;
    let edited = match raw.validate(false) {
        Ok(edited) => edited,
        Err(errors) => return Ok(Err(errors)),
    };
    let rendered = render_comment(&edited.content);
    let edit = CommentEdit {
        author_name: edited.author_name,
        author_email: edited.author_email,
        author_url: edited.author_url,
        content: edited.content,
        content_html: rendered.as_str().to_owned(),
    };
    app.store.edit_comment(comment.id, &edit, app.now()).await?;
    site::pages_changed(app, &[Tag::Article(comment.article_id), Tag::Lists]).await?;
    Ok(Ok(()))
}

/// A moderator answers a comment from the queue, under their own name. Answering a waiting
/// comment approves it first, as WordPress's "Approve and Reply" does.
pub async fn reply_as_staff(
    app: &App,
    user: &tidings_domain::User,
    parent: &Comment,
    content: &str,
) -> Result<Result<CommentId, FieldErrors>, ModerationError> {
    access::require(user, Capability::ModerateComments)?;
    let raw = RawSubmission {
        article_id: parent.article_id.0.to_string(),
        parent_id: parent.id.0.to_string(),
        author_name: user.display_name.clone(),
        author_email: user.email.clone(),
        author_url: String::new(),
        content: content.to_owned(),
    };
    let reply = match raw.validate(true) {
        Ok(reply) => reply,
        Err(errors) => return Ok(Err(errors)),
    };
    if parent.status == CommentStatus::Pending {
        moderate(app, &[parent.id], ModerationAction::Approve).await?;
    }
    let rendered = render_comment(&reply.content);
    let record = CommentRecord {
        article_id: parent.article_id,
        parent_id: Some(parent.id),
        author_name: reply.author_name,
        author_email: reply.author_email.clone(),
        author_url: reply.author_url,
        content: reply.content,
        content_html: rendered.as_str().to_owned(),
        status: CommentStatus::Approved,
        moderation_reason: format!("reply by the moderator {}", user.display_name),
        ip: String::new(),
        user_agent: String::new(),
        created_at: app.now(),
        spam_score: None,
        proof: None,
        avatar_key: Some(avatar_key(app, &reply.author_email, "")),
    };
    let id = match app
        .store
        .insert_comment(&record, &SubmissionGuard::default())
        .await?
    {
        Ok(id) => id,
        Err(_) => {
            let mut errors = FieldErrors::default();
            errors.add(
                "comment",
                "The reply could not be stored; please try again.",
            );
            return Ok(Err(errors));
        }
    };
    site::pages_changed(app, &[Tag::Article(parent.article_id), Tag::Lists]).await?;
    if let (Some(article), Some(stored)) = (
        app.store.article_by_id(parent.article_id).await?,
        app.store.comment_by_id(id).await?,
    ) {
        let settings = site::discussion_settings(app).await?;
        notify::comment_published(app, &settings, &article, &stored).await?;
    }
    Ok(Ok(id))
}

/// Why a moderator's edit or reply did not happen.
#[derive(Debug, thiserror::Error)]
pub enum ModerationError {
    #[error(transparent)]
    Forbidden(#[from] Forbidden),
    #[error(transparent)]
    Store(#[from] StoreError),
}
